package cluster

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// parkedJoinSetup is the start of the failover flake (TestDistributedFailover):
// member x rejoins with new metadata, so the coordinator parks its JoinGroup
// until every member has rejoined; member y answers one heartbeat after x's
// JoinGroup arrived (REBALANCE_IN_PROGRESS, which renews y's session past
// x's) and is then cut off from the coordinator, like a worker that died.
// kfake (unlike Kafka) runs the session timer of a member whose JoinGroup it
// holds, and on expiry drops that JoinGroup without an answer.
type parkedJoinSetup struct {
	g          *testGroup
	fake       *kfake.Cluster
	x, y       *testMember
	xID, yID   string
	gen        int32
	xJoinAt    atomic.Int64 // unix nanos when x's JoinGroup reached the coordinator
	phase      atomic.Int32 // parked* below
	dropXBeats atomic.Bool  // fail x's heartbeats
}

const (
	parkedWatch  = iota // waiting for x's JoinGroup
	parkedJoined        // x's JoinGroup parked, waiting for one heartbeat of y
	parkedCut           // y cut off
	parkedHealed        // everything goes through
)

func newParkedJoin(t *testing.T) *parkedJoinSetup {
	t.Helper()
	k := testkit.Kafka(t)
	s := &parkedJoinSetup{fake: k.RequireFake(t)}
	// A rebalance timeout well above the session timeout and the test's
	// limits: the JoinGroup read deadline (rebalance timeout + 10 s) must not
	// be what frees x.
	s.g = newTestGroup(t, k, configFor(3, 2, 2), func(c *Config) { c.RebalanceTimeout = 40 * time.Second })
	s.x, s.y = s.g.start("x"), s.g.start("y")
	s.g.waitConverged(30 * time.Second)
	s.xID, s.yID, s.gen = s.x.m.MemberID(), s.y.m.MemberID(), s.x.m.Generation()
	s.y.rec.allowLost.Store(true)

	cutErr := errors.New("injected: coordinator unreachable")
	s.fake.ControlKey(kmsg.JoinGroup.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		s.fake.KeepControl()
		r := req.(*kmsg.JoinGroupRequest)
		if r.MemberID == s.xID && s.phase.CompareAndSwap(parkedWatch, parkedJoined) {
			s.xJoinAt.Store(time.Now().UnixNano())
		}
		if r.MemberID == s.yID && s.phase.Load() == parkedCut {
			return nil, cutErr, true
		}
		return nil, nil, false
	})
	s.fake.ControlKey(kmsg.Heartbeat.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		s.fake.KeepControl()
		r := req.(*kmsg.HeartbeatRequest)
		switch {
		case r.MemberID == s.yID && s.phase.CompareAndSwap(parkedJoined, parkedCut):
			return nil, nil, false // this one renews y's session, after x's
		case r.MemberID == s.yID && s.phase.Load() == parkedCut:
			return nil, cutErr, true
		case r.MemberID == s.xID && s.dropXBeats.Load():
			return nil, cutErr, true
		}
		return nil, nil, false
	})
	s.fake.ControlKey(kmsg.SyncGroup.Int16(), func(req kmsg.Request) (kmsg.Response, error, bool) {
		s.fake.KeepControl()
		if r := req.(*kmsg.SyncGroupRequest); r.MemberID == s.yID && s.phase.Load() == parkedCut {
			return nil, cutErr, true
		}
		return nil, nil, false
	})
	return s
}

// rejoinX moves the config offset on (x's metadata changes, so the
// coordinator rebalances instead of answering at once) and asks only x to
// rejoin; it returns once x's JoinGroup reached the coordinator.
func (s *parkedJoinSetup) rejoinX(t *testing.T) time.Time {
	t.Helper()
	snap := s.g.store.get()
	snap.Offset++
	s.g.store.set(snap)
	s.x.m.RequestRejoin("test: config moved on")
	deadline := time.Now().Add(10 * time.Second)
	for s.phase.Load() == parkedWatch {
		if time.Now().After(deadline) {
			t.Fatalf("x's JoinGroup never reached the coordinator")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Unix(0, s.xJoinAt.Load())
}

// waitXAlone waits until x holds a newer generation with the whole load,
// failing after limit from since.
func (s *parkedJoinSetup) waitXAlone(t *testing.T, since time.Time, limit time.Duration) time.Duration {
	t.Helper()
	want := s.g.store.get().load().load()
	for time.Since(since) < limit {
		running, _, _ := s.x.rec.snapshot()
		if s.x.m.Generation() > s.gen && !s.x.m.Rebalancing() && want.Minus(running).Empty() {
			return time.Since(since)
		}
		time.Sleep(10 * time.Millisecond)
	}
	r, _ := s.x.m.Round()
	t.Fatalf("x did not complete a rebalance alone within %v of its JoinGroup (generation %d, was %d, rebalancing %v, round %+v)",
		limit, s.x.m.Generation(), s.gen, s.x.m.Rebalancing(), r)
	return 0
}

// heal lets y through again and waits for both members to converge.
func (s *parkedJoinSetup) heal(t *testing.T) {
	t.Helper()
	s.dropXBeats.Store(false)
	s.phase.Store(parkedHealed)
	s.g.waitConverged(30 * time.Second)
}

// TestParkedJoinKeepsSession reproduces the failover flake: x's JoinGroup is
// parked for longer than the session timeout while y, which renewed its
// session after x's JoinGroup arrived, never rejoins. x must keep its
// session alive with heartbeats while its JoinGroup waits (as Kafka does for
// it on the broker side), so that when y expires the rebalance completes
// with x in it. Without that, kfake expires x first and drops its JoinGroup
// unanswered, and x sits on it until the read deadline (50 s here).
func TestParkedJoinKeepsSession(t *testing.T) {
	t.Parallel()
	s := newParkedJoin(t)
	joinAt := s.rejoinX(t)
	// y's session (6 s) ends at most one heartbeat interval (1 s) after x's
	// JoinGroup; then the rebalance completes.
	took := s.waitXAlone(t, joinAt, 6*time.Second+7*time.Second)
	t.Logf("x completed the rebalance %v after its JoinGroup", took)
	if got := s.x.m.MemberID(); got != s.xID {
		t.Errorf("x's member id changed from %q to %q: its session was not kept alive", s.xID, got)
	}
	s.heal(t)
}

// TestParkedJoinDroppedByCoordinator: x's heartbeats are lost while its
// JoinGroup is parked, so the zombie watchdog stops x's work and the
// coordinator then expires x and drops the JoinGroup without an answer
// (kfake). The first heartbeat that gets through is answered
// UNKNOWN_MEMBER_ID: x must give up the JoinGroup at once and join afresh
// instead of waiting for the read deadline.
func TestParkedJoinDroppedByCoordinator(t *testing.T) {
	t.Parallel()
	s := newParkedJoin(t)
	s.x.rec.allowLost.Store(true)
	s.dropXBeats.Store(true)
	joinAt := s.rejoinX(t)
	// Wait until the coordinator no longer lists x (session timeout after
	// x's last contact, which preceded its JoinGroup), then let x's
	// heartbeats through.
	admin := s.g.k.Admin(t)
	deadline := time.Now().Add(20 * time.Second)
	for groupHasMember(t, admin, s.g.groupID, s.xID) {
		if time.Now().After(deadline) {
			t.Fatalf("the coordinator never expired x")
		}
		time.Sleep(50 * time.Millisecond)
	}
	expired := time.Now()
	t.Logf("coordinator expired x %v after its JoinGroup", expired.Sub(joinAt).Round(time.Millisecond))
	s.dropXBeats.Store(false)
	// One heartbeat interval to notice, a fresh join; y may still hold the
	// rebalance until its own session ends (within a second of x's).
	took := s.waitXAlone(t, expired, 6*time.Second)
	t.Logf("x completed a rebalance %v after the coordinator dropped its JoinGroup", took)
	if got := s.x.m.MemberID(); got == s.xID || got == "" {
		t.Errorf("x's member id %q: want a fresh one after UNKNOWN_MEMBER_ID", got)
	}
	// Cut off from the coordinator while its JoinGroup waited, x must have
	// stopped its work before the coordinator could hand it on.
	if _, _, lostAt := s.x.rec.snapshot(); lostAt.IsZero() || !lostAt.Before(expired) {
		t.Errorf("x stopped its work at %v, coordinator expired it by %v", lostAt, expired)
	}
	s.heal(t)
}

func groupHasMember(t *testing.T, admin sarama.ClusterAdmin, group, member string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	type res struct {
		ds  []*sarama.GroupDescription
		err error
	}
	ch := make(chan res, 1)
	go func() {
		ds, err := admin.DescribeConsumerGroups([]string{group})
		ch <- res{ds, err}
	}()
	select {
	case <-ctx.Done():
		t.Fatalf("describe group %s: %v", group, ctx.Err())
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("describe group %s: %v", group, r.err)
		}
		for _, d := range r.ds {
			if d.GroupId == group {
				_, ok := d.Members[member]
				return ok
			}
		}
	}
	return false
}
