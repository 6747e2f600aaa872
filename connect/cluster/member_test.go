package cluster

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestNewMemberValidates(t *testing.T) {
	h := &recorder{store: &fakeStore{}}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no group", DefaultConfig("", "u", "127.0.0.1:1")},
		{"no bootstrap", DefaultConfig("g", "u")},
		{"bad protocol", func() Config { c := DefaultConfig("g", "u", "127.0.0.1:1"); c.Protocol = "x"; return c }()},
		{"heartbeat above session", func() Config {
			c := DefaultConfig("g", "u", "127.0.0.1:1")
			c.HeartbeatInterval = c.SessionTimeout
			return c
		}()},
		{"negative delay", func() Config {
			c := DefaultConfig("g", "u", "127.0.0.1:1")
			c.ScheduledRebalanceMaxDelay = -1
			return c
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewMember(tt.cfg, h); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
	m, err := NewMember(Config{GroupID: "g", Bootstrap: []string{"127.0.0.1:1"}}, h)
	if err != nil {
		t.Fatal(err)
	}
	if m.cfg.SessionTimeout != DefaultSessionTimeout || m.cfg.ScheduledRebalanceMaxDelay != 0 || m.cfg.Protocol != ProtocolSessioned {
		t.Fatalf("defaults not applied: %+v", m.cfg)
	}
	if m.Generation() != -1 || m.IsLeader() || m.LeaderURL() != "" {
		t.Fatalf("fresh member claims a generation or leadership")
	}
	if _, join := m.cfg.saramaConfigs(); join.Net.ReadTimeout <= m.cfg.RebalanceTimeout {
		t.Fatalf("join read timeout %v not above rebalance timeout", join.Net.ReadTimeout)
	}
}

// TestGroupJoinAndGracefulLeave: three members converge on a balanced
// assignment with exactly one leader by assignment; a config change plus
// RequestRejoin is assigned; a graceful leave (delay 0) is reassigned well
// before any session timeout.
func TestGroupJoinAndGracefulLeave(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	g := newTestGroup(t, k, configFor(10, 5, 3), nil)
	ms := []*testMember{g.start("w1"), g.start("w2"), g.start("w3")}
	took := g.waitConverged(30 * time.Second)
	t.Logf("3 members converged in %v", took)

	gen := ms[0].m.Generation()
	for _, tm := range ms {
		if got := tm.m.Generation(); got != gen || got < 1 {
			t.Fatalf("%s generation %d, want %d", tm.rec.name, got, gen)
		}
		if tm.m.LeaderURL() != g.leader().m.cfg.URL {
			t.Fatalf("%s: leader URL %q, leader's own %q", tm.rec.name, tm.m.LeaderURL(), g.leader().m.cfg.URL)
		}
	}
	if r, _ := g.leader().m.Round(); len(r.Owners) != 3 {
		t.Fatalf("leader's owner view has %d members", len(r.Owners))
	}

	// A new connector: the store moves on, members are asked to rejoin.
	snap := configFor(11, 6, 3)
	g.store.set(snap)
	for _, tm := range ms {
		tm.m.RequestRejoin("connector created")
	}
	took = g.waitConverged(30 * time.Second)
	t.Logf("new connector assigned in %v", took)
	if ms[0].m.Generation() <= gen {
		t.Fatalf("generation did not move: %d", ms[0].m.Generation())
	}

	// Graceful leave of a follower: prompt reassignment.
	var follower *testMember
	for _, tm := range ms {
		if !tm.m.IsLeader() {
			follower = tm
			break
		}
	}
	held, _, _ := follower.rec.snapshot()
	start := time.Now()
	g.stopMember(follower)
	if running, _, _ := follower.rec.snapshot(); !running.Empty() {
		t.Fatalf("stopped member still runs %+v", running)
	}
	g.waitCovered(held, 10*time.Second)
	took = time.Since(start)
	g.waitConverged(10 * time.Second)
	t.Logf("graceful leave reassigned in %v", took)
	if took > 3*time.Second {
		t.Fatalf("graceful leave took %v, want well under the 6s session timeout", took)
	}
}

// TestLeaderDiesSilently: the leader disappears without LeaveGroup; its
// load runs elsewhere within the session timeout plus detection, and exactly
// one live member acts as leader (the kfake classic-group bug hands every
// member LeaderId = itself; leadership must come from the assignment). As in
// Kafka Connect, the new leader has no memory of the dead leader's rounds,
// so the dead leader's load counts as new and is assigned without waiting
// for scheduled.rebalance.max.delay.ms, which is set here to show it.
func TestLeaderDiesSilently(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(4, 4, 4), func(c *Config) { c.ScheduledRebalanceMaxDelay = time.Minute })
	for _, n := range []string{"w1", "w2", "w3"} {
		g.start(n)
	}
	g.waitConverged(30 * time.Second)
	old := g.leader()
	held, _, _ := old.rec.snapshot()
	g.kill(old)
	took := g.waitCovered(held, 30*time.Second)
	g.waitConverged(10 * time.Second)
	t.Logf("dead leader's load (%d items) reassigned in %v", held.Len(), took)
	// Session timeout (6s) + detection by heartbeat (1s) + slack.
	if limit := 6*time.Second + 2*time.Second; took > limit {
		t.Fatalf("took %v, limit %v", took, limit)
	}
	if l := g.leader(); l == old || l == nil {
		t.Fatalf("no new leader")
	}
}

// TestFollowerDiesScheduledDelay: a follower dies silently; the leader holds
// its load unassigned for scheduled.rebalance.max.delay.ms, then spreads it.
func TestFollowerDiesScheduledDelay(t *testing.T) {
	t.Parallel()
	const delay = 2 * time.Second
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(4, 4, 4), func(c *Config) { c.ScheduledRebalanceMaxDelay = delay })
	for _, n := range []string{"w1", "w2", "w3"} {
		g.start(n)
	}
	g.waitConverged(30 * time.Second)
	var victim *testMember
	for _, tm := range g.live() {
		if !tm.m.IsLeader() {
			victim = tm
			break
		}
	}
	held, _, _ := victim.rec.snapshot()
	g.kill(victim)
	took := g.waitCovered(held, 30*time.Second)
	g.waitConverged(10 * time.Second)
	t.Logf("dead follower's load (%d items) reassigned in %v with a %v delay", held.Len(), took, delay)
	// At least the session timeout less one heartbeat plus the delay; at
	// most session + delay + detection + slack.
	if took < 5*time.Second+delay {
		t.Fatalf("reassigned after %v: the scheduled delay was not honoured", took)
	}
	if limit := 6*time.Second + delay + 3*time.Second; took > limit {
		t.Fatalf("took %v, limit %v", took, limit)
	}
}

// TestJoinSpreadsLoad: a fourth member gets a balanced share; the old
// members are only ever asked to stop what they end up not running, and get
// nothing new.
func TestJoinSpreadsLoad(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(3, 4, 5), nil)
	olds := []*testMember{g.start("w1"), g.start("w2"), g.start("w3")}
	g.waitConverged(30 * time.Second)
	before := map[*testMember]Load{}
	revokedBefore := map[*testMember]int{}
	for _, tm := range olds {
		l, rv, _ := tm.rec.snapshot()
		before[tm], revokedBefore[tm] = l, len(rv)
	}
	g.start("w4")
	took := g.waitConverged(30 * time.Second)
	t.Logf("fourth member balanced in %v", took)
	for _, tm := range olds {
		after, revoked, _ := tm.rec.snapshot()
		var gaveUp Load
		for _, r := range revoked[revokedBefore[tm]:] {
			gaveUp = gaveUp.Union(r)
		}
		if !after.Minus(before[tm]).Empty() {
			t.Errorf("%s got new work %+v", tm.rec.name, after.Minus(before[tm]))
		}
		if !gaveUp.Minus(before[tm].Minus(after)).Empty() {
			t.Errorf("%s was revoked %+v but keeps part of it (before %+v after %+v)", tm.rec.name, gaveUp, before[tm], after)
		}
	}
}

// TestLostCoordinatorStopsWork: a member cut off from its coordinator stops
// its work (OnLostCoordinator) before the others take it over, then rejoins
// once the coordinator is reachable again.
func TestLostCoordinatorStopsWork(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	fake := k.RequireFake(t)
	g := newTestGroup(t, k, configFor(2, 3, 2), nil)
	ms := []*testMember{g.start("w1"), g.start("w2"), g.start("w3")}
	g.waitConverged(30 * time.Second)
	victim := ms[0]
	victim.rec.allowLost.Store(true)
	victimID := victim.m.MemberID()
	held, _, _ := victim.rec.snapshot()
	var cut atomic.Bool
	cut.Store(true)
	// The victim is cut off from the coordinator: its heartbeats, joins and
	// syncs fail (its connection is closed), everybody else's go through.
	cutOff := func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		var member string
		switch r := req.(type) {
		case *kmsg.HeartbeatRequest:
			member = r.MemberID
		case *kmsg.JoinGroupRequest:
			member = r.MemberID
		case *kmsg.SyncGroupRequest:
			member = r.MemberID
		}
		if cut.Load() && member == victimID {
			return nil, errors.New("injected: coordinator unreachable"), true
		}
		return nil, nil, false
	}
	for _, key := range []kmsg.Key{kmsg.Heartbeat, kmsg.JoinGroup, kmsg.SyncGroup} {
		fake.ControlKey(key.Int16(), cutOff)
	}

	// Someone else takes the victim's load over.
	var takeoverAt time.Time
	deadline := time.Now().Add(30 * time.Second)
	for takeoverAt.IsZero() && time.Now().Before(deadline) {
		for _, tm := range ms[1:] {
			r, _, _ := tm.rec.snapshot()
			if held.Minus(r).Len() < held.Len() {
				takeoverAt = time.Now()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, _, lostAt := victim.rec.snapshot()
	if lostAt.IsZero() {
		t.Fatalf("OnLostCoordinator never fired")
	}
	if takeoverAt.IsZero() {
		t.Fatalf("nobody took the victim's load over")
	}
	if lostAt.After(takeoverAt) {
		t.Fatalf("victim stopped its work at %v, %v after another member started it", lostAt, lostAt.Sub(takeoverAt))
	}
	t.Logf("victim stopped %v before the takeover", takeoverAt.Sub(lostAt))
	cut.Store(false)
	g.waitConverged(30 * time.Second)
	if id := victim.m.MemberID(); id == "" {
		t.Fatalf("victim did not rejoin")
	}
}

// TestRunStopsOnCancel: Run returns nil promptly after cancel, having
// revoked and left, and a second Run is refused while one runs.
func TestRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(1, 1, 1), nil)
	tm := g.start("solo")
	g.waitConverged(20 * time.Second)
	if err := tm.m.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Run: %v", err)
	}
	start := time.Now()
	g.stopMember(tm)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("stop took %v", d)
	}
	if tm.m.Generation() != -1 || tm.m.MemberID() != "" {
		t.Fatalf("stopped member still claims generation %d id %q", tm.m.Generation(), tm.m.MemberID())
	}
}

// TestProtocolDowngrade: one eager-only worker makes the coordinator pick
// "default" for everybody; the group still converges, with complete (v0)
// assignments, and back on "sessioned" once that worker is gone.
func TestProtocolDowngrade(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(5, 3, 2), nil)
	a := g.start("w1")
	g.tune = func(c *Config) { c.Protocol = ProtocolEager }
	old := g.start("w2-eager")
	g.tune = nil
	g.waitConverged(30 * time.Second)
	for _, tm := range []*testMember{a, old} {
		if r, _ := tm.m.Round(); r.Protocol != ProtocolEager {
			t.Fatalf("%s: protocol %q, want default", tm.rec.name, r.Protocol)
		}
	}
	g.stopMember(old)
	g.waitConverged(30 * time.Second)
	g.start("w3")
	g.waitConverged(30 * time.Second)
	if r, _ := a.m.Round(); r.Protocol != ProtocolSessioned {
		t.Fatalf("protocol %q after the eager worker left, want sessioned", r.Protocol)
	}
}

// TestConfigCatchUp: a member whose config store lags behind the offset the
// others report reads the config topic to the end before it starts work,
// whether it leads (CONFIG_MISMATCH round) or follows (catch-up read).
func TestConfigCatchUp(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t)
	g := newTestGroup(t, k, configFor(5, 2, 2), nil)
	ms := []*testMember{g.start("w1"), g.start("w2")}
	g.waitConverged(30 * time.Second)
	for _, lagging := range []*testMember{g.leader(), func() *testMember {
		for _, tm := range ms {
			if !tm.m.IsLeader() {
				return tm
			}
		}
		return nil
	}()} {
		reads := lagging.rec.reads.Load()
		snap := g.store.get()
		g.store.set(configFor(snap.Offset+1, len(snap.Connectors)+1, 2))
		lagging.rec.behind.Store(true)
		for _, tm := range ms {
			tm.m.RequestRejoin("connector created")
		}
		g.waitConverged(30 * time.Second)
		if lagging.rec.reads.Load() == reads {
			t.Fatalf("%s never read the config topic to the end", lagging.rec.name)
		}
		for _, tm := range ms {
			if r, _ := tm.m.Round(); r.ConfigOffset != snap.Offset+1 {
				t.Fatalf("%s: assignment at offset %d, want %d", tm.rec.name, r.ConfigOffset, snap.Offset+1)
			}
		}
	}
}

func TestFenceAfter(t *testing.T) {
	tests := []struct{ session, hb, want time.Duration }{
		{10 * time.Second, 3 * time.Second, 7 * time.Second},
		{6 * time.Second, time.Second, 5 * time.Second},
		{6 * time.Second, 2 * time.Second, 4 * time.Second},
		{6 * time.Second, 3 * time.Second, 4500 * time.Millisecond},
		{6 * time.Second, 5 * time.Second, 5500 * time.Millisecond},
	}
	for _, tt := range tests {
		m := &Member{cfg: Config{SessionTimeout: tt.session, HeartbeatInterval: tt.hb}}
		got := m.fenceAfter()
		if got != tt.want {
			t.Errorf("session %v heartbeat %v: fence after %v, want %v", tt.session, tt.hb, got, tt.want)
		}
		// Never before a full heartbeat period has passed, never after the
		// session timeout.
		if got <= tt.hb || got >= tt.session {
			t.Errorf("session %v heartbeat %v: fence after %v out of (hb, session)", tt.session, tt.hb, got)
		}
	}
}
