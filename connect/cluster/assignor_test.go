package cluster

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// cluster simulates members applying the leader's assignments the way
// Member does (§3.6): running = running − revoked ∪ assigned.
type simCluster struct {
	t       *testing.T
	a       Assignor
	state   AssignorState
	running map[string]Load // nil entry: member present, no snapshot
	gen     int32
	now     time.Time
	config  ConfigSnapshot
	last    AssignResult
}

func newSim(t *testing.T, maxDelay time.Duration, cfg ConfigSnapshot, members ...string) *simCluster {
	s := &simCluster{t: t, a: Assignor{MaxDelay: maxDelay}, state: NewAssignorState(),
		running: map[string]Load{}, now: time.Unix(1_700_000_000, 0), config: cfg}
	for _, m := range members {
		s.running[m] = Load{}
	}
	return s
}

func snapshot(offset int64, tasks map[string]int) ConfigSnapshot {
	return ConfigSnapshot{Offset: offset, Connectors: slices.Sorted(maps.Keys(tasks)), Tasks: tasks}
}

// round runs one rebalance with the current members and applies it.
func (s *simCluster) round() AssignResult {
	s.t.Helper()
	members := map[string]Metadata{}
	for id, l := range s.running {
		alloc := Assignment{Version: 2, Assigned: l}
		members[id] = Metadata{Version: 2, URL: "http://" + id, ConfigOffset: s.config.Offset, Allocation: &alloc}
	}
	leader := slices.Sorted(maps.Keys(s.running))[0]
	s.gen++
	res := s.a.Assign(s.state, AssignInput{
		Leader: leader, LeaderURL: "http://" + leader, Protocol: ProtocolSessioned,
		Generation: s.gen, LastCompletedGeneration: s.gen - 1,
		Members: members, Config: s.config, Now: s.now,
	})
	s.state = res.Next
	for id, a := range res.Assignments {
		if a.Error != AssignmentOK {
			s.t.Fatalf("member %s: error %d", id, a.Error)
		}
		if a.Leader != leader || a.ConfigOffset != s.config.Offset {
			s.t.Fatalf("member %s: leader %q offset %d", id, a.Leader, a.ConfigOffset)
		}
		r := s.running[id]
		for _, c := range a.Revoked.Connectors {
			if !r.HasConnector(c) {
				s.t.Fatalf("member %s: revoked connector %s it does not run", id, c)
			}
		}
		for _, c := range a.Assigned.Connectors {
			if r.HasConnector(c) {
				s.t.Fatalf("member %s: assigned connector %s it already runs", id, c)
			}
		}
		s.running[id] = r.Minus(a.Revoked).Union(a.Assigned)
		if !reflect.DeepEqual(s.running[id], res.Current[id]) && !(s.running[id].Empty() && res.Current[id].Empty()) {
			s.t.Fatalf("member %s: Current %+v, applied %+v", id, res.Current[id], s.running[id])
		}
	}
	s.last = res
	return res
}

// settle runs rounds while anything is revoked (members rejoin at once).
func (s *simCluster) settle() {
	s.t.Helper()
	for i := 0; i < 5; i++ {
		res := s.round()
		revoked := false
		for _, a := range res.Assignments {
			revoked = revoked || !a.Revoked.Empty()
		}
		if !revoked {
			return
		}
	}
	s.t.Fatalf("no convergence after 5 rounds")
}

// checkBalanced verifies everything configured runs exactly once and loads
// differ by at most one, per resource type.
func (s *simCluster) checkBalanced() {
	s.t.Helper()
	want := s.config.load().load()
	var all Load
	minC, maxC, minT, maxT := 1<<30, -1, 1<<30, -1
	for _, l := range s.running {
		all.Connectors = append(all.Connectors, l.Connectors...)
		all.Tasks = append(all.Tasks, l.Tasks...)
		minC, maxC = min(minC, len(l.Connectors)), max(maxC, len(l.Connectors))
		minT, maxT = min(minT, len(l.Tasks)), max(maxT, len(l.Tasks))
	}
	if len(all.Connectors) != len(want.Connectors) || len(all.Tasks) != len(want.Tasks) {
		s.t.Fatalf("not exactly once: running %d connectors %d tasks, configured %d/%d: %v",
			len(all.Connectors), len(all.Tasks), len(want.Connectors), len(want.Tasks), s.running)
	}
	if got := normalize(all); !reflect.DeepEqual(got, want) {
		s.t.Fatalf("running %+v, configured %+v", got, want)
	}
	if maxC-minC > 1 || maxT-minT > 1 {
		s.t.Fatalf("unbalanced: connectors %d..%d tasks %d..%d: %v", minC, maxC, minT, maxT, s.running)
	}
}

func (s *simCluster) owner(c string) string {
	for id, l := range s.running {
		if l.HasConnector(c) {
			return id
		}
	}
	return ""
}

func TestAssignInitialBalanced(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 10} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var members []string
			for i := range n {
				members = append(members, fmt.Sprintf("m-%02d", i))
			}
			s := newSim(t, 300*time.Second, snapshot(9, map[string]int{"a": 3, "b": 4, "c": 0, "d": 7}), members...)
			res := s.round()
			for id, a := range res.Assignments {
				if !a.Revoked.Empty() || a.Delay != 0 {
					t.Fatalf("first round revoked/delayed for %s: %+v", id, a)
				}
			}
			s.checkBalanced()
			// Sticky: a second round with nothing changed moves nothing.
			res = s.round()
			for id, a := range res.Assignments {
				if !a.Assigned.Empty() || !a.Revoked.Empty() || a.Delay != 0 {
					t.Fatalf("stable round changed %s: %+v", id, a)
				}
			}
		})
	}
}

func TestAssignNewMemberMinimalMovement(t *testing.T) {
	s := newSim(t, 300*time.Second, snapshot(5, map[string]int{"a": 4, "b": 4, "c": 4}), "m-1", "m-2", "m-3")
	s.round()
	before := map[string]Load{}
	for id, l := range s.running {
		before[id] = l.Clone()
	}
	s.running["m-4"] = Load{}

	// Round 1: existing members give up their surplus; nothing is handed out
	// in the same round (revoke, then rejoin).
	res := s.round()
	if !res.Assignments["m-4"].Assigned.Empty() {
		t.Fatalf("new member got work in the revoking round: %+v", res.Assignments["m-4"])
	}
	revoked := 0
	for id, a := range res.Assignments {
		revoked += a.Revoked.Len()
		if !a.Assigned.Empty() {
			t.Fatalf("%s assigned work in the revoking round: %+v", id, a)
		}
	}
	// 3 connectors + 12 tasks over 4 members: targets 0-1 connectors, 3 tasks.
	if revoked != 3 {
		t.Fatalf("revoked %d items, want 3 (one task from each old member)", revoked)
	}
	// Round 2: the revoked work goes to the new member.
	res = s.round()
	for id, a := range res.Assignments {
		if !a.Revoked.Empty() {
			t.Fatalf("%s revoked in the follow-up round: %+v", id, a)
		}
		if id != "m-4" && !a.Assigned.Empty() {
			t.Fatalf("%s got work in the follow-up round: %+v", id, a)
		}
	}
	s.checkBalanced()
	// Old members keep everything they were not asked to give up.
	for id, l := range before {
		if kept := l.Minus(s.running[id]); kept.Len() != 1 {
			t.Fatalf("%s lost %+v, want exactly one task", id, kept)
		}
	}
	// A third round changes nothing.
	res = s.round()
	for id, a := range res.Assignments {
		if !a.Assigned.Empty() || !a.Revoked.Empty() || a.Delay != 0 {
			t.Fatalf("round 3 changed %s: %+v", id, a)
		}
	}
}

func TestAssignDepartedMemberDelay(t *testing.T) {
	cfg := snapshot(5, map[string]int{"a": 3, "b": 3, "c": 3})
	tests := []struct {
		name     string
		maxDelay time.Duration
		back     bool // the departed member comes back (empty) during the delay
	}{
		{"delay 0 reassigns at once", 0, false},
		{"delay held then spread", 10 * time.Second, false},
		{"delay held then given to returning member", 10 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, tt.maxDelay, cfg, "m-1", "m-2", "m-3")
			s.round()
			gone := s.running["m-3"]
			delete(s.running, "m-3")

			res := s.round()
			if tt.maxDelay == 0 {
				for id, a := range res.Assignments {
					if a.Delay != 0 {
						t.Fatalf("%s: delay %v with max delay 0", id, a.Delay)
					}
				}
				s.checkBalanced()
				return
			}
			for id, a := range res.Assignments {
				if a.Delay != tt.maxDelay || !a.Assigned.Empty() || !a.Revoked.Empty() {
					t.Fatalf("%s: want held load with delay %v, got %+v", id, tt.maxDelay, a)
				}
			}
			if tt.back {
				s.running["m-3"] = Load{} // restarted worker, empty
			}
			// Before the deadline: still held, remaining delay sent.
			s.now = s.now.Add(4 * time.Second)
			res = s.round()
			for id, a := range res.Assignments {
				if a.Delay != 6*time.Second || !a.Assigned.Empty() {
					t.Fatalf("%s before deadline: %+v", id, a)
				}
			}
			// After the deadline: reassigned.
			s.now = s.now.Add(6 * time.Second)
			res = s.round()
			for id, a := range res.Assignments {
				if a.Delay != 0 {
					t.Fatalf("%s after deadline: delay %v", id, a.Delay)
				}
			}
			if tt.back {
				if !reflect.DeepEqual(s.running["m-3"], gone) {
					t.Fatalf("returning member got %+v, want its old load %+v", s.running["m-3"], gone)
				}
			}
			s.settle()
			s.checkBalanced()
		})
	}
}

func TestAssignDeletedAndDuplicated(t *testing.T) {
	s := newSim(t, 300*time.Second, snapshot(5, map[string]int{"a": 2, "b": 2}), "m-1", "m-2")
	s.round()
	owner := s.owner("a")

	// Connector "a" deleted: its owner(s) are told to stop it and its tasks.
	s.config = snapshot(6, map[string]int{"b": 2})
	res := s.round()
	if !res.Assignments[owner].Revoked.HasConnector("a") {
		t.Fatalf("owner %s not told to stop deleted connector: %+v", owner, res.Assignments[owner])
	}
	s.settle()
	s.checkBalanced()

	// Both members report running "b": both are told to stop it, and it is
	// handed out again once.
	other := "m-1"
	if s.owner("b") == "m-1" {
		other = "m-2"
	}
	s.running[other] = s.running[other].Union(Load{Connectors: []string{"b"}})
	res = s.round()
	for id, a := range res.Assignments {
		if !a.Revoked.HasConnector("b") {
			t.Fatalf("%s keeps duplicated connector b: %+v", id, a)
		}
	}
	s.settle()
	s.checkBalanced()
}

func TestAssignConfigMismatch(t *testing.T) {
	a := Assignor{MaxDelay: time.Minute}
	st := NewAssignorState()
	res := a.Assign(st, AssignInput{
		Leader: "m-1", LeaderURL: "http://m-1", Protocol: ProtocolCompatible, Generation: 3, LastCompletedGeneration: 2,
		Members: map[string]Metadata{
			"m-1": {Version: 1, URL: "http://m-1", ConfigOffset: 4},
			"m-2": {Version: 1, URL: "http://m-2", ConfigOffset: 9},
		},
		Config: snapshot(4, map[string]int{"a": 1}),
	})
	for id, as := range res.Assignments {
		want := Assignment{Version: 1, Error: AssignmentConfigMismatch, Leader: "m-1", LeaderURL: "http://m-1", ConfigOffset: 9}
		if !reflect.DeepEqual(as, want) {
			t.Fatalf("%s: %+v, want %+v", id, as, want)
		}
	}
	if res.Next.previousGeneration != -1 {
		t.Fatalf("mismatch round changed the state")
	}
}

// TestAssignForgetsForeignRound: when the last completed generation is not
// the one this leader computed (another member led), the leader must not
// treat work missing from its stale memory as lost.
func TestAssignForgetsForeignRound(t *testing.T) {
	s := newSim(t, time.Hour, snapshot(5, map[string]int{"a": 2, "b": 2}), "m-1", "m-2")
	s.round()
	stale := s.state
	// m-2 ran the next rounds; "b" was deleted and "c" created meanwhile,
	// then m-2 left. m-1 leads again with a stale memory.
	delete(s.running, "m-2")
	s.config = snapshot(9, map[string]int{"a": 2, "c": 1})
	s.running["m-1"] = Load{Connectors: []string{"a", "c"}, Tasks: []connect.TaskID{tid("a", 0), tid("a", 1), tid("c", 0)}}
	s.state = stale
	s.gen += 5
	res := s.round()
	a := res.Assignments["m-1"]
	if a.Delay != 0 || !a.Assigned.Empty() || !a.Revoked.Empty() {
		t.Fatalf("stale memory leaked into the round: %+v", a)
	}
}

func TestAssignSuccessiveRevocationsBackOff(t *testing.T) {
	s := newSim(t, 300*time.Second, snapshot(5, map[string]int{"a": 6}), "m-1")
	s.round()
	s.running["m-2"] = Load{}
	res := s.round() // revokes from m-1
	if res.Assignments["m-1"].Revoked.Empty() {
		t.Fatalf("no revocation for the new member")
	}
	// m-3 joins before the follow-up round: a second revoking round in a
	// row is postponed with the exponential back-off.
	s.running["m-3"] = Load{}
	res = s.round()
	for id, a := range res.Assignments {
		if a.Delay != 40*time.Millisecond || !a.Revoked.Empty() {
			t.Fatalf("%s: want 40ms back-off and no revocation, got %+v", id, a)
		}
	}
	// Before the back-off expires nothing is revoked either.
	res = s.round()
	for id, a := range res.Assignments {
		if !a.Revoked.Empty() || a.Delay <= 0 {
			t.Fatalf("%s: revoked during back-off: %+v", id, a)
		}
	}
	s.now = s.now.Add(50 * time.Millisecond)
	s.settle()
	s.checkBalanced()
}

func TestRevokeBackoff(t *testing.T) {
	a := Assignor{MaxDelay: 300 * time.Second}
	want := []time.Duration{40 * time.Millisecond, 1600 * time.Millisecond, 64 * time.Second, 300 * time.Second, 300 * time.Second}
	for i, w := range want {
		if got := a.revokeBackoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := (Assignor{}).revokeBackoff(3); got != 0 {
		t.Errorf("backoff with max delay 0 = %v", got)
	}
}

func TestEagerAssign(t *testing.T) {
	got := EagerAssign(AssignInput{
		Leader: "b", LeaderURL: "http://b",
		Members: map[string]Metadata{"b": {ConfigOffset: 3}, "a": {ConfigOffset: 3}},
		Config:  snapshot(3, map[string]int{"x": 2, "y": 1}),
	})
	want := map[string]Assignment{
		// x→a, y→b, x-0→a, x-1→b, y-0→a
		"a": {Leader: "b", LeaderURL: "http://b", ConfigOffset: 3,
			Assigned: Load{Connectors: []string{"x"}, Tasks: []connect.TaskID{tid("x", 0), tid("y", 0)}}},
		"b": {Leader: "b", LeaderURL: "http://b", ConfigOffset: 3,
			Assigned: Load{Connectors: []string{"y"}, Tasks: []connect.TaskID{tid("x", 1)}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}
