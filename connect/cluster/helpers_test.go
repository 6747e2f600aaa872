package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// testLogger logs to stderr when CLUSTER_TEST_LOG is set, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("CLUSTER_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// fakeStore is the config store all members of a test group share.
type fakeStore struct {
	mu   sync.Mutex
	snap ConfigSnapshot
}

func (s *fakeStore) get() ConfigSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

func (s *fakeStore) set(snap ConfigSnapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap = snap
}

// recorder is a Handler that keeps what the herder would run.
type recorder struct {
	name  string
	store *fakeStore
	// behind makes the member's store lag one offset behind the shared one
	// until ReadConfigToEnd is called.
	behind atomic.Bool
	reads  atomic.Int32
	// allowLost marks a member whose coordinator a test cuts off; any other
	// member losing its coordinator fails converged.
	allowLost atomic.Bool

	mu       sync.Mutex
	running  Load
	rounds   []Round
	revoked  []Load
	lostAt   time.Time
	lostHeld Load
}

func (r *recorder) ConfigSnapshot(context.Context) (ConfigSnapshot, error) {
	s := r.store.get()
	if r.behind.Load() {
		s.Offset--
	}
	return s, nil
}

func (r *recorder) ReadConfigToEnd(context.Context) (int64, error) {
	r.reads.Add(1)
	r.behind.Store(false)
	return r.store.get().Offset, nil
}

func (r *recorder) OnRevoked(_ context.Context, l Load) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = r.running.Minus(l)
	r.revoked = append(r.revoked, l.Clone())
}

func (r *recorder) OnAssigned(_ context.Context, rd Round) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = rd.Current.Clone()
	r.rounds = append(r.rounds, rd)
}

func (r *recorder) OnLostCoordinator(_ context.Context, held Load) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running = Load{}
	r.lostAt = time.Now()
	r.lostHeld = held.Clone()
}

func (r *recorder) snapshot() (running Load, revoked []Load, lostAt time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running.Clone(), append([]Load(nil), r.revoked...), r.lostAt
}

// testMember is a running Member with its recorder.
type testMember struct {
	m    *Member
	rec  *recorder
	stop context.CancelFunc
	done chan error
}

// testGroup is a set of members in one group on one Kafka cluster.
type testGroup struct {
	tb      testing.TB
	k       *testkit.KafkaCluster
	groupID string
	store   *fakeStore
	tune    func(*Config)
	mu      sync.Mutex
	members []*testMember
}

func newTestGroup(tb testing.TB, k *testkit.KafkaCluster, snap ConfigSnapshot, tune func(*Config)) *testGroup {
	g := &testGroup{tb: tb, k: k, groupID: testkit.UniqueTopic("connect-group"), store: &fakeStore{snap: snap}, tune: tune}
	tb.Cleanup(g.stopAll)
	return g
}

// start adds a member and runs it.
func (g *testGroup) start(name string) *testMember {
	g.tb.Helper()
	cfg := DefaultConfig(g.groupID, "http://127.0.0.1:8083/"+name, g.k.Bootstrap...)
	cfg.SessionTimeout = 6 * time.Second
	cfg.HeartbeatInterval = time.Second
	cfg.RebalanceTimeout = 20 * time.Second
	cfg.ScheduledRebalanceMaxDelay = 0
	cfg.Sarama = testkit.SaramaConfig()
	cfg.Sarama.ClientID = name
	cfg.Logger = testLogger().With("worker", name)
	if g.tune != nil {
		g.tune(&cfg)
	}
	rec := &recorder{name: name, store: g.store}
	m, err := NewMember(cfg, rec)
	if err != nil {
		g.tb.Fatalf("new member %s: %v", name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tm := &testMember{m: m, rec: rec, stop: cancel, done: make(chan error, 1)}
	go func() { tm.done <- m.Run(ctx) }()
	g.mu.Lock()
	g.members = append(g.members, tm)
	g.mu.Unlock()
	return tm
}

// stopMember stops tm gracefully (revoke + LeaveGroup) and waits for Run.
func (g *testGroup) stopMember(tm *testMember) {
	g.tb.Helper()
	tm.stop()
	select {
	case err := <-tm.done:
		if err != nil {
			g.tb.Errorf("member %s: Run: %v", tm.rec.name, err)
		}
	case <-time.After(30 * time.Second):
		g.tb.Errorf("member %s: Run did not return", tm.rec.name)
	}
	g.remove(tm)
}

// kill makes tm die silently (no revoke, no LeaveGroup).
func (g *testGroup) kill(tm *testMember) {
	g.tb.Helper()
	tm.m.Abandon()
	select {
	case <-tm.done:
	case <-time.After(30 * time.Second):
		g.tb.Errorf("member %s: Run did not return after Abandon", tm.rec.name)
	}
	g.remove(tm)
}

func (g *testGroup) remove(tm *testMember) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.members {
		if x == tm {
			g.members = append(g.members[:i], g.members[i+1:]...)
			return
		}
	}
}

func (g *testGroup) live() []*testMember {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*testMember(nil), g.members...)
}

func (g *testGroup) stopAll() {
	var wg sync.WaitGroup
	for _, tm := range g.live() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tm.stop()
			select {
			case <-tm.done:
			case <-time.After(30 * time.Second):
			}
		}()
	}
	wg.Wait()
}

// converged reports nil when the live members run every configured
// connector and task exactly once, balanced within one per resource type,
// all in one generation, and exactly one of them leads by its assignment,
// the one every member names.
func (g *testGroup) converged() error {
	live := g.live()
	want := g.store.get().load()
	seen := newLoadSet()
	minC, maxC, minT, maxT := 1<<30, -1, 1<<30, -1
	leaders := 0
	leaderIDs := map[string]bool{}
	gens := map[int32]bool{}
	for _, tm := range live {
		running, _, lostAt := tm.rec.snapshot()
		if !lostAt.IsZero() && !tm.rec.allowLost.Load() {
			return fmt.Errorf("%s lost its coordinator at %v without a fault", tm.rec.name, lostAt.Format(time.TimeOnly))
		}
		for _, c := range running.Connectors {
			if _, dup := seen.connectors[c]; dup {
				return fmt.Errorf("connector %s runs twice", c)
			}
			seen.connectors[c] = struct{}{}
		}
		for _, t := range running.Tasks {
			if _, dup := seen.tasks[t]; dup {
				return fmt.Errorf("task %s runs twice", t)
			}
			seen.tasks[t] = struct{}{}
		}
		minC, maxC = min(minC, len(running.Connectors)), max(maxC, len(running.Connectors))
		minT, maxT = min(minT, len(running.Tasks)), max(maxT, len(running.Tasks))
		r, ok := tm.m.Round()
		if !ok {
			return fmt.Errorf("%s holds no assignment", tm.rec.name)
		}
		if tm.m.Rebalancing() {
			return fmt.Errorf("%s is rebalancing", tm.rec.name)
		}
		gens[r.Generation] = true
		leaderIDs[r.Leader] = true
		if tm.m.IsLeader() {
			leaders++
		}
	}
	if missing := want.minus(seen); !missing.empty() {
		return fmt.Errorf("not running: %+v", missing.load())
	}
	if extra := seen.minus(want); !extra.empty() {
		return fmt.Errorf("running unconfigured: %+v", extra.load())
	}
	if maxC-minC > 1 || maxT-minT > 1 {
		return fmt.Errorf("unbalanced: connectors %d..%d tasks %d..%d", minC, maxC, minT, maxT)
	}
	if leaders != 1 || len(leaderIDs) != 1 {
		return fmt.Errorf("%d members act as leader, members name %d leaders", leaders, len(leaderIDs))
	}
	if len(gens) != 1 {
		return fmt.Errorf("members in %d generations", len(gens))
	}
	return nil
}

// waitConverged polls converged until it holds or the timeout passes.
func (g *testGroup) waitConverged(timeout time.Duration) time.Duration {
	g.tb.Helper()
	start := time.Now()
	var err error
	for time.Since(start) < timeout {
		if err = g.converged(); err == nil {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	g.tb.Fatalf("group did not converge within %v: %v", timeout, err)
	return 0
}

// waitCovered polls until the live members run all of load and returns
// how long that took.
func (g *testGroup) waitCovered(load Load, timeout time.Duration) time.Duration {
	g.tb.Helper()
	start := time.Now()
	for time.Since(start) < timeout {
		all := Load{}
		for _, tm := range g.live() {
			running, _, _ := tm.rec.snapshot()
			all = all.Union(running)
		}
		if load.Minus(all).Empty() {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	g.tb.Fatalf("load %+v not taken over within %v", load, timeout)
	return 0
}

func (g *testGroup) leader() *testMember {
	for _, tm := range g.live() {
		if tm.m.IsLeader() {
			return tm
		}
	}
	return nil
}

// configFor returns a snapshot of n connectors with tasks tasks each.
func configFor(offset int64, n, tasks int) ConfigSnapshot {
	m := map[string]int{}
	for i := range n {
		m[fmt.Sprintf("conn-%02d", i)] = tasks
	}
	return snapshot(offset, m)
}
