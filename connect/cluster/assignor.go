package cluster

import (
	"math"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// ConfigSnapshot is what the leader assigns from: the state of the config
// topic at Offset as the herder's config store sees it.
type ConfigSnapshot struct {
	// Offset is the config store's offset (last consumed + 1, -1 if nothing
	// was read): the number exchanged in member metadata (§2.3 rule 7).
	Offset int64
	// Connectors lists the configured connectors.
	Connectors []string
	// Tasks is the committed task count per connector; tasks 0..n-1 are
	// assigned. A connector missing here (or inconsistent) has no tasks.
	Tasks map[string]int
}

// load returns the snapshot's connectors and tasks as a set.
func (s ConfigSnapshot) load() loadSet {
	out := newLoadSet()
	for _, c := range s.Connectors {
		out.connectors[c] = struct{}{}
		for i := 0; i < s.Tasks[c]; i++ {
			out.tasks[connect.TaskID{Connector: c, Task: i}] = struct{}{}
		}
	}
	return out
}

// AssignInput is everything the leader's assignor needs for one round.
type AssignInput struct {
	// Leader is the leader's member id; LeaderURL its REST URL.
	Leader    string
	LeaderURL string
	// Protocol is the subprotocol the coordinator selected.
	Protocol Protocol
	// Generation is the generation being assigned;
	// LastCompletedGeneration the last one this member completed (-1 if
	// none). The assignor forgets its memory of the previous round when the
	// previous round it computed is not the last completed one.
	Generation              int32
	LastCompletedGeneration int32
	// Members is every member's decoded metadata by member id.
	Members map[string]Metadata
	// Config is the leader's config snapshot.
	Config ConfigSnapshot
	// Now is the leader's clock, for scheduled rebalances.
	Now time.Time
}

// AssignorState is the leader's memory between rounds (Kafka's
// IncrementalCooperativeAssignor fields). The zero value is not ready: use
// [NewAssignorState]. It is a value: [Assignor.Assign] never modifies the
// state it is given and returns the next one, so a member commits the new
// state only once the round's assignment came back naming it leader.
type AssignorState struct {
	previousAssignment loadSet
	previousRevocation loadSet
	revokedInPrevious  bool
	candidates         []string
	scheduledRebalance time.Time // zero: none
	delay              time.Duration
	previousGeneration int32
	previousMembers    map[string]struct{}
	successiveRevoking int
}

// NewAssignorState returns the state of a leader that has assigned nothing
// yet.
func NewAssignorState() AssignorState {
	return AssignorState{
		previousAssignment: newLoadSet(),
		previousRevocation: newLoadSet(),
		previousGeneration: -1,
		previousMembers:    map[string]struct{}{},
	}
}

// Delay returns the scheduled-rebalance delay the state carries (0: none).
func (s AssignorState) Delay() time.Duration { return s.delay }

func (s AssignorState) clone() AssignorState {
	if s.previousAssignment.connectors == nil {
		s = NewAssignorState()
	}
	out := s
	out.previousAssignment = s.previousAssignment.clone()
	out.previousRevocation = s.previousRevocation.clone()
	out.candidates = slices.Clone(s.candidates)
	out.previousMembers = make(map[string]struct{}, len(s.previousMembers))
	for m := range s.previousMembers {
		out.previousMembers[m] = struct{}{}
	}
	return out
}

// Assignor is Kafka Connect's incremental cooperative assignor (KIP-415,
// §3.5). It is stateless; its memory is the [AssignorState] passed in and
// returned, so it is safe for concurrent use.
type Assignor struct {
	// MaxDelay is scheduled.rebalance.max.delay.ms: how long the load of
	// departed members stays unassigned waiting for them to come back. 0
	// reassigns it at once and also disables the back-off between
	// successive load-balancing revocations.
	MaxDelay time.Duration
}

// AssignResult is the outcome of one round.
type AssignResult struct {
	// Assignments holds one assignment per member id.
	Assignments map[string]Assignment
	// Next is the leader's state after this round; keep it only if the round
	// completes with this member as leader.
	Next AssignorState
	// Current is what each member will run once it applied its assignment
	// (its running load − revoked ∪ newly assigned); the leader uses it to
	// answer "who owns what".
	Current map[string]Load
}

// workerLoad is one member's load while the assignor works.
type workerLoad struct {
	id         string
	connectors []string
	tasks      []connect.TaskID
}

func (w *workerLoad) empty() bool { return len(w.connectors) == 0 && len(w.tasks) == 0 }

func (w *workerLoad) remove(s loadSet) {
	w.connectors = slices.DeleteFunc(w.connectors, func(c string) bool { _, ok := s.connectors[c]; return ok })
	w.tasks = slices.DeleteFunc(w.tasks, func(t connect.TaskID) bool { _, ok := s.tasks[t]; return ok })
}

func (w *workerLoad) set() loadSet {
	return newLoadSet(Load{Connectors: w.connectors, Tasks: w.tasks})
}

// maxOffset returns the highest config offset any member reported.
func maxOffset(members map[string]Metadata) int64 {
	maxOff := int64(math.MinInt64)
	for _, m := range members {
		maxOff = max(maxOff, m.ConfigOffset)
	}
	return maxOff
}

// mismatch answers every member with CONFIG_MISMATCH at offset (§3.5 step 2).
func mismatch(in AssignInput, offset int64) map[string]Assignment {
	out := make(map[string]Assignment, len(in.Members))
	for id := range in.Members {
		out[id] = Assignment{
			Version: in.Protocol.Version(), Error: AssignmentConfigMismatch,
			Leader: in.Leader, LeaderURL: in.LeaderURL, ConfigOffset: offset,
		}
	}
	return out
}

// Assign computes one round of incremental cooperative assignments from the
// members' reported allocations, the config snapshot and the previous
// state. When in.Config is behind the highest offset a member reported,
// every member gets CONFIG_MISMATCH and the state is returned unchanged
// (the caller should take a fresh snapshot first, as Java does).
func (a Assignor) Assign(prev AssignorState, in AssignInput) AssignResult {
	st := prev.clone()
	maxOff := maxOffset(in.Members)
	if in.Config.Offset < maxOff {
		return AssignResult{Assignments: mismatch(in, maxOff), Next: st}
	}
	if st.previousGeneration != in.LastCompletedGeneration {
		st.previousAssignment = newLoadSet()
	}

	ids := make([]string, 0, len(in.Members))
	for id := range in.Members {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	configured := in.Config.load()
	running := make(map[string]loadSet, len(ids))
	active := newLoadSet()
	for _, id := range ids {
		var l Load
		if alloc := in.Members[id].Allocation; alloc != nil {
			l = alloc.Assigned
		}
		running[id] = newLoadSet(l)
		active.addSet(running[id])
	}

	// A revocation of the previous round that did not take effect: start
	// again from what members report.
	if !st.previousRevocation.empty() {
		if st.previousRevocation.anyIn(active) {
			st.previousAssignment = active.clone()
		}
		st.previousRevocation = newLoadSet()
	}

	deleted := st.previousAssignment.minus(configured)
	duplicated := duplicatedLoad(ids, running)
	lost := st.previousAssignment.minus(active, deleted)
	created := configured.minus(st.previousAssignment, active)

	// What each member runs now, minus deleted work (the base of the deltas).
	current := make(map[string]loadSet, len(ids))
	for _, id := range ids {
		current[id] = running[id].minus(deleted)
	}

	toRevoke := make(map[string]loadSet, len(ids))
	revoke := func(id string, s loadSet) {
		if s.empty() {
			return
		}
		if toRevoke[id].connectors == nil {
			toRevoke[id] = newLoadSet()
		}
		toRevoke[id].addSet(s)
	}
	next := make([]*workerLoad, 0, len(ids))
	for _, id := range ids {
		rm := running[id].intersect(deleted)
		rm.addSet(running[id].intersect(duplicated))
		revoke(id, rm)
		l := running[id].minus(rm).load()
		next = append(next, &workerLoad{id: id, connectors: l.Connectors, tasks: l.Tasks})
	}

	lostToReassign := a.handleLost(&st, lost, next, in.Now)

	if st.delay == 0 {
		lb := loadBalancingRevocations(configured, next)
		switch {
		case st.revokedInPrevious && len(lb) > 0:
			st.successiveRevoking++
			st.delay = a.revokeBackoff(st.successiveRevoking)
			if st.delay != 0 {
				st.scheduledRebalance = in.Now.Add(st.delay)
			} else {
				applyRevocations(next, lb, revoke)
			}
		case len(lb) > 0:
			applyRevocations(next, lb, revoke)
			st.revokedInPrevious = true
		case st.revokedInPrevious:
			st.revokedInPrevious = false
			st.successiveRevoking = 0
		}
	} else {
		st.revokedInPrevious = false
	}

	toAssign := created.clone()
	toAssign.addSet(lostToReassign)
	assign := toAssign.load()
	assignConnectors(next, assign.Connectors)
	assignTasks(next, assign.Tasks)

	res := AssignResult{
		Assignments: make(map[string]Assignment, len(ids)),
		Current:     make(map[string]Load, len(ids)),
	}
	prevAssignment := newLoadSet()
	for _, w := range next {
		ns := w.set()
		prevAssignment.addSet(ns)
		revoked := toRevoke[w.id]
		if revoked.connectors == nil {
			revoked = newLoadSet()
		}
		res.Assignments[w.id] = Assignment{
			Version:      in.Protocol.Version(),
			Leader:       in.Leader,
			LeaderURL:    in.LeaderURL,
			ConfigOffset: in.Config.Offset,
			Assigned:     ns.minus(current[w.id]).load(),
			Revoked:      revoked.load(),
			Delay:        st.delay,
		}
		res.Current[w.id] = ns.minus(revoked).load()
	}
	for _, r := range toRevoke {
		prevAssignment.removeSet(r)
		st.previousRevocation.addSet(r)
	}
	prevAssignment.addSet(lost)
	st.previousAssignment = prevAssignment
	st.previousGeneration = in.Generation
	st.previousMembers = make(map[string]struct{}, len(ids))
	for _, id := range ids {
		st.previousMembers[id] = struct{}{}
	}
	res.Next = st
	return res
}

// duplicatedLoad returns what more than one member reports running.
func duplicatedLoad(ids []string, running map[string]loadSet) loadSet {
	seen := newLoadSet()
	dup := newLoadSet()
	for _, id := range ids {
		for c := range running[id].connectors {
			if _, ok := seen.connectors[c]; ok {
				dup.connectors[c] = struct{}{}
			}
			seen.connectors[c] = struct{}{}
		}
		for t := range running[id].tasks {
			if _, ok := seen.tasks[t]; ok {
				dup.tasks[t] = struct{}{}
			}
			seen.tasks[t] = struct{}{}
		}
	}
	return dup
}

// handleLost decides what happens to lost work (§3.5 step 5) and returns
// what is to be reassigned as new; work given to candidate members after an
// expired delay is added to next directly.
func (a Assignor) handleLost(st *AssignorState, lost loadSet, next []*workerLoad, now time.Time) loadSet {
	if lost.empty() && !st.revokedInPrevious {
		st.resetDelay()
		return newLoadSet()
	}
	allPresent := true
	present := make(map[string]*workerLoad, len(next))
	for _, w := range next {
		present[w.id] = w
	}
	for m := range st.previousMembers {
		if _, ok := present[m]; !ok {
			allPresent = false
			break
		}
	}
	if st.scheduledRebalance.IsZero() && allPresent {
		// Nobody left: someone simply missed the last assignment.
		return lost.clone()
	}
	if a.MaxDelay <= 0 {
		return lost.clone()
	}
	if !st.scheduledRebalance.IsZero() && !now.Before(st.scheduledRebalance) {
		// The delay expired: hand lost work to members that joined empty
		// during the wait, or treat it as new.
		var cands []*workerLoad
		for _, id := range st.candidates {
			if w, ok := present[id]; ok {
				cands = append(cands, w)
			}
		}
		st.resetDelay()
		st.revokedInPrevious = false
		if len(cands) == 0 {
			return lost.clone()
		}
		l := lost.load()
		for i, c := range l.Connectors {
			w := cands[i%len(cands)]
			w.connectors = append(w.connectors, c)
		}
		for i, t := range l.Tasks {
			w := cands[i%len(cands)]
			w.tasks = append(w.tasks, t)
		}
		return newLoadSet()
	}
	for _, w := range next {
		if w.empty() && !slices.Contains(st.candidates, w.id) {
			st.candidates = append(st.candidates, w.id)
		}
	}
	if now.Before(st.scheduledRebalance) {
		st.delay = min(st.scheduledRebalance.Sub(now), a.MaxDelay)
	} else {
		st.delay = a.MaxDelay
	}
	// Whole milliseconds, as on the wire.
	st.delay = st.delay.Truncate(time.Millisecond)
	if st.delay <= 0 {
		st.delay = time.Millisecond
	}
	st.scheduledRebalance = now.Add(st.delay)
	return newLoadSet()
}

func (s *AssignorState) resetDelay() {
	s.candidates = nil
	s.scheduledRebalance = time.Time{}
	s.delay = 0
}

// revokeBackoff is Kafka's ExponentialBackoff(1 ms, ×40, MaxDelay, no
// jitter) for the n-th successive revoking rebalance: 40 ms, 1.6 s, 64 s,
// then MaxDelay. With MaxDelay 0 it is always 0.
func (a Assignor) revokeBackoff(n int) time.Duration {
	maxMs := float64(a.MaxDelay.Milliseconds())
	if maxMs <= 1 {
		if maxMs <= 0 {
			return 0
		}
		return time.Millisecond
	}
	expMax := math.Log(maxMs) / math.Log(40)
	ms := math.Pow(40, math.Min(float64(n), expMax))
	if ms > maxMs {
		ms = maxMs
	}
	return time.Duration(int64(ms)) * time.Millisecond
}

// loadBalancingRevocations returns, per member, what it must give up so
// that nobody runs more than a balanced share (§3.5 step 6). Members are
// considered in id order; those above the floor get the extra slots first.
func loadBalancingRevocations(configured loadSet, workers []*workerLoad) map[string]loadSet {
	allEmpty := true
	for _, w := range workers {
		if !w.empty() {
			allEmpty = false
		}
	}
	if allEmpty || configured.empty() || len(workers) == 0 {
		return nil
	}
	out := map[string]loadSet{}
	get := func(id string) loadSet {
		if _, ok := out[id]; !ok {
			out[id] = newLoadSet()
		}
		return out[id]
	}
	for id, cs := range surplus(len(configured.connectors), workers, func(w *workerLoad) []string { return w.connectors }) {
		for _, c := range cs {
			get(id).connectors[c] = struct{}{}
		}
	}
	for id, ts := range surplus(len(configured.tasks), workers, func(w *workerLoad) []connect.TaskID { return w.tasks }) {
		for _, t := range ts {
			get(id).tasks[t] = struct{}{}
		}
	}
	return out
}

// surplus computes load-balancing revocations for one resource type.
func surplus[E any](total int, workers []*workerLoad, of func(*workerLoad) []E) map[string][]E {
	n := len(workers)
	minPer := total / n
	extra := total % n
	atMin, atMinPlusOne := 0, 0
	for _, w := range workers {
		switch len(of(w)) {
		case minPer:
			atMin++
		case minPer + 1:
			atMinPlusOne++
		}
	}
	if atMinPlusOne == extra && atMin+atMinPlusOne == n {
		return nil
	}
	out := map[string][]E{}
	allocatedExtras := 0
	for _, w := range workers {
		have := len(of(w))
		if have <= minPer {
			continue
		}
		limit := minPer
		if allocatedExtras < extra {
			allocatedExtras++
			if have == minPer+1 {
				continue
			}
			limit = minPer + 1
		}
		out[w.id] = slices.Clone(of(w)[:have-limit])
	}
	return out
}

func applyRevocations(next []*workerLoad, lb map[string]loadSet, revoke func(string, loadSet)) {
	for _, w := range next {
		if s, ok := lb[w.id]; ok {
			revoke(w.id, s)
			w.remove(s)
		}
	}
}

// assignConnectors deals connectors to the least-loaded members: sort by
// connector count then id, give one each to the members tied at the lowest
// count, repeat (§3.5 step 7).
func assignConnectors(workers []*workerLoad, connectors []string) {
	deal(workers, connectors, func(w *workerLoad) int { return len(w.connectors) },
		func(w *workerLoad, c string) { w.connectors = append(w.connectors, c) })
}

// assignTasks is assignConnectors for tasks.
func assignTasks(workers []*workerLoad, tasks []connect.TaskID) {
	deal(workers, tasks, func(w *workerLoad) int { return len(w.tasks) },
		func(w *workerLoad, t connect.TaskID) { w.tasks = append(w.tasks, t) })
}

func deal[E any](workers []*workerLoad, items []E, size func(*workerLoad) int, give func(*workerLoad, E)) {
	if len(workers) == 0 {
		return
	}
	order := slices.Clone(workers)
	for len(items) > 0 {
		slices.SortStableFunc(order, func(a, b *workerLoad) int {
			if d := size(a) - size(b); d != 0 {
				return d
			}
			if a.id < b.id {
				return -1
			}
			if a.id > b.id {
				return 1
			}
			return 0
		})
		low := size(order[0])
		for _, w := range order {
			if size(w) != low || len(items) == 0 {
				break
			}
			give(w, items[0])
			items = items[1:]
		}
	}
}

// EagerAssign is Kafka Connect's eager assignor (protocol "default"):
// connectors sorted by name are dealt round-robin over the member ids sorted
// lexicographically, then, continuing the same circle, each connector's
// tasks. Every member gets its complete assignment in a version 0 blob. A
// leader behind the highest member offset answers CONFIG_MISMATCH.
func EagerAssign(in AssignInput) map[string]Assignment {
	maxOff := maxOffset(in.Members)
	if in.Config.Offset < maxOff {
		return mismatch(AssignInput{Protocol: ProtocolEager, Leader: in.Leader, LeaderURL: in.LeaderURL, Members: in.Members}, maxOff)
	}
	ids := make([]string, 0, len(in.Members))
	for id := range in.Members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	loads := make(map[string]*Load, len(ids))
	for _, id := range ids {
		loads[id] = &Load{}
	}
	connectors := slices.Sorted(slices.Values(in.Config.Connectors))
	connectors = slices.Compact(connectors)
	i := 0
	nextMember := func() *Load {
		l := loads[ids[i%len(ids)]]
		i++
		return l
	}
	if len(ids) > 0 {
		for _, c := range connectors {
			l := nextMember()
			l.Connectors = append(l.Connectors, c)
		}
		for _, c := range connectors {
			for n := 0; n < in.Config.Tasks[c]; n++ {
				l := nextMember()
				l.Tasks = append(l.Tasks, connect.TaskID{Connector: c, Task: n})
			}
		}
	}
	out := make(map[string]Assignment, len(ids))
	for _, id := range ids {
		out[id] = Assignment{
			Version: 0, Leader: in.Leader, LeaderURL: in.LeaderURL,
			ConfigOffset: in.Config.Offset, Assigned: normalize(*loads[id]),
		}
	}
	return out
}
