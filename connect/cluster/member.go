package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

// Member is one worker's membership in a Kafka Connect group. Create it
// with [NewMember], drive it with [Member.Run] on one goroutine; the other
// methods are safe for concurrent use from any goroutine.
type Member struct {
	cfg      Config
	h        Handler
	log      *slog.Logger
	assignor Assignor
	baseCfg  *sarama.Config // metadata client, heartbeats, leave
	joinCfg  *sarama.Config // JoinGroup/SyncGroup, long read timeout

	running     atomic.Bool
	abandonOnce sync.Once
	abandonCh   chan struct{}
	rejoinCh    chan string
	lastContact atomic.Int64 // unix nanos of the last coordinator answer
	hbWG        sync.WaitGroup

	mu          sync.Mutex // guards the fields below
	client      sarama.Client
	coordAddr   string
	memberID    string
	generation  int32 // of the assignment in effect; -1 none
	joinedGen   int32 // of the last JoinGroup answer for memberID; -1 none
	round       Round
	inRound     bool // round holds an assignment in effect
	rebalancing bool

	// Owned by the Run goroutine.
	joinConn         coordConn
	held             *Load      // what the member runs; nil: no snapshot
	last             Assignment // last applied assignment (allocation header)
	protocol         Protocol   // selected by the coordinator
	lastCompletedGen int32
	state            AssignorState
}

// NewMember validates cfg and returns a member that has not joined yet. It
// does no I/O.
func NewMember(cfg Config, h Handler) (*Member, error) {
	if h == nil {
		return nil, fmt.Errorf("%w: nil handler", ErrConfig)
	}
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	base, join := cfg.saramaConfigs()
	if err := base.Validate(); err != nil {
		return nil, fmt.Errorf("%w: sarama: %v", ErrConfig, err)
	}
	m := &Member{
		cfg:              cfg,
		h:                h,
		log:              cfg.Logger.With("group", cfg.GroupID),
		assignor:         Assignor{MaxDelay: cfg.ScheduledRebalanceMaxDelay},
		baseCfg:          base,
		joinCfg:          join,
		abandonCh:        make(chan struct{}),
		rejoinCh:         make(chan string, 1),
		generation:       -1,
		joinedGen:        -1,
		protocol:         cfg.Protocol,
		lastCompletedGen: -1,
		state:            NewAssignorState(),
	}
	m.joinConn.cfg = join
	return m, nil
}

// MemberID returns the id the coordinator gave this member ("" before the
// first join and after leaving).
func (m *Member) MemberID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.memberID
}

// Generation returns the generation of the assignment in effect, or -1 when
// the member holds none (not joined yet, lost its coordinator, left).
// Status writes are fenced by it.
func (m *Member) Generation() int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.generation
}

// Round returns the last applied round and whether an assignment is in
// effect.
func (m *Member) Round() (Round, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.round, m.inRound
}

// IsLeader reports whether the assignment in effect names this member as
// leader.
func (m *Member) IsLeader() bool {
	r, ok := m.Round()
	return ok && r.IsLeader()
}

// LeaderURL returns the leader's REST URL from the assignment in effect, ""
// if none.
func (m *Member) LeaderURL() string {
	r, ok := m.Round()
	if !ok {
		return ""
	}
	return r.LeaderURL
}

// Rebalancing reports whether a rebalance is pending or in progress (the
// REST layer answers writes with 409 meanwhile).
func (m *Member) Rebalancing() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rebalancing
}

// RequestRejoin asks the member to rejoin the group, e.g. after the config
// topic gained a connector or a task commit; the leader then reassigns.
// It never blocks; requests made while one is pending are merged.
func (m *Member) RequestRejoin(reason string) {
	m.mu.Lock()
	m.rebalancing = true
	m.mu.Unlock()
	select {
	case m.rejoinCh <- reason:
	default:
	}
}

// Abandon makes Run return at once without revoking anything and without
// LeaveGroup, as if the process had died: the coordinator notices only when
// the session times out. It is final (a later Run returns at once) and is
// meant for fault injection in tests and benchmarks.
func (m *Member) Abandon() {
	m.abandonOnce.Do(func() { close(m.abandonCh) })
}

func (m *Member) abandoned() bool {
	select {
	case <-m.abandonCh:
		return true
	default:
		return false
	}
}

func (m *Member) touch(t time.Time) {
	n := t.UnixNano()
	for {
		old := m.lastContact.Load()
		if n <= old || m.lastContact.CompareAndSwap(old, n) {
			return
		}
	}
}

func (m *Member) coordinatorAddr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.coordAddr
}

// forgetCoordinator marks addr as no longer the coordinator.
func (m *Member) forgetCoordinator(addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.coordAddr == addr {
		m.coordAddr = ""
	}
}

// discoverCoordinator asks the cluster for the group coordinator and returns
// its address, "" on failure.
func (m *Member) discoverCoordinator(log *slog.Logger) string {
	m.mu.Lock()
	client := m.client
	m.mu.Unlock()
	if client == nil {
		return ""
	}
	if err := client.RefreshCoordinator(m.cfg.GroupID); err != nil {
		log.Debug("find coordinator failed", "err", err)
		return ""
	}
	b, err := client.Coordinator(m.cfg.GroupID)
	if err != nil {
		log.Debug("find coordinator failed", "err", err)
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.coordAddr = b.Addr()
	return m.coordAddr
}

// Run joins the group and keeps the member in it until ctx ends or
// [Member.Abandon] is called: join, sync, apply the assignment through the
// [Handler], heartbeat, rejoin when the group rebalances. On a normal stop it
// revokes what it runs (OnRevoked) and sends LeaveGroup. It returns nil
// after a stop, an error wrapping [ErrFatalGroup] when the coordinator
// refuses the member for good, and [ErrAlreadyRunning] if called twice at
// once.
func (m *Member) Run(ctx context.Context) error {
	if !m.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	defer m.running.Store(false)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-m.abandonCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer m.hbWG.Wait()
	defer m.joinConn.close()

	if err := m.connect(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer func() {
		m.mu.Lock()
		c := m.client
		m.client = nil
		m.mu.Unlock()
		_ = c.Close()
	}()

	err := m.loop(ctx)
	if !m.abandoned() {
		m.shutdown(context.WithoutCancel(ctx))
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// connect creates the metadata client, retrying until ctx ends.
func (m *Member) connect(ctx context.Context) error {
	for failures := 1; ; failures++ {
		client, err := sarama.NewClient(m.cfg.Bootstrap, m.baseCfg)
		if err == nil {
			m.mu.Lock()
			m.client = client
			m.mu.Unlock()
			return nil
		}
		if failures%10 == 1 {
			m.log.Warn("connect to kafka failed", "bootstrap", m.cfg.Bootstrap, "attempt", failures, "err", err)
		}
		if err := sleep(ctx, m.retryWait(failures)); err != nil {
			return err
		}
	}
}

// retryWait is the pause after the n-th failure in a row: RetryBackoff
// doubling up to maxRetryWait (or RetryBackoff if that is larger).
func (m *Member) retryWait(n int) time.Duration {
	d := m.cfg.RetryBackoff
	for i := 1; i < n && d < maxRetryWait; i++ {
		d *= 2
	}
	return min(d, max(maxRetryWait, m.cfg.RetryBackoff))
}

// maxRetryWait caps the back-off between failed group requests.
const maxRetryWait = 2 * time.Second

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// next says what Run does after a round.
type next struct {
	rejoinAfter time.Duration // 0: stay until something asks for a rejoin
	now         bool          // rejoin at once
	backoff     time.Duration // wait this long (out of the group) first
}

// loop is Run's main loop: rejoin, apply, stay.
func (m *Member) loop(ctx context.Context) error {
	failures := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.setRebalancing(true)
		res, err := m.joinAndSync(ctx)
		if err != nil {
			if errors.Is(err, ErrFatalGroup) || ctx.Err() != nil {
				return err
			}
			failures++
			if failures%10 == 1 {
				m.log.Info("rebalance failed, retrying", "member", m.MemberID(), "attempt", failures, "err", err)
			}
			m.checkContact(ctx)
			wait := m.retryWait(failures)
			var rj rejoinError
			if errors.As(err, &rj) && failures <= 3 {
				wait = 0 // a normal part of rebalancing: rejoin at once
			}
			if err := sleep(ctx, wait); err != nil {
				return err
			}
			continue
		}
		failures = 0
		nx := m.apply(ctx, res)
		if nx.backoff > 0 {
			if err := sleep(ctx, nx.backoff); err != nil {
				return err
			}
			continue
		}
		if nx.now {
			continue
		}
		m.setRebalancing(false)
		if err := m.stay(ctx, res.gen, res.memberID, nx.rejoinAfter); err != nil {
			return err
		}
	}
}

func (m *Member) setRebalancing(b bool) {
	m.mu.Lock()
	m.rebalancing = b
	m.mu.Unlock()
}

// fenceAfter is how long without an answer from the coordinator a member
// keeps its work: the session timeout less a margin of one heartbeat
// interval, or less if that would leave under half of the time between the
// interval and the session timeout (session 6 s, heartbeat 3 s: 4.5 s). The
// coordinator counts the session from when it received the last heartbeat,
// which is after the member sent it, and the others learn of an expiry only
// at their next heartbeat, so the work stops before anyone else can be
// assigned it; and a heartbeat answered a little late never trips it.
func (m *Member) fenceAfter() time.Duration {
	s, hb := m.cfg.SessionTimeout, m.cfg.HeartbeatInterval
	return s - min(hb, (s-hb)/2)
}

// checkContact runs the zombie rule: a member holding work that has not
// heard from its coordinator for fenceAfter stops that work.
func (m *Member) checkContact(ctx context.Context) bool {
	if m.held == nil {
		return false
	}
	last := time.Unix(0, m.lastContact.Load())
	if time.Since(last) < m.fenceAfter() {
		return false
	}
	held := *m.held
	m.log.Warn("no answer from the group coordinator for a session timeout less a margin; stopping all work",
		"member", m.MemberID(), "generation", m.Generation(), "since", time.Since(last).Round(time.Millisecond))
	m.held = nil
	m.mu.Lock()
	m.generation = -1
	m.inRound = false
	m.mu.Unlock()
	m.h.OnLostCoordinator(ctx, held)
	return true
}

// stay heartbeats in generation gen until a rejoin is needed: the
// coordinator rebalances, RequestRejoin, the scheduled delay expires, or the
// coordinator stayed silent for a session timeout.
func (m *Member) stay(ctx context.Context, gen int32, memberID string, rejoinAfter time.Duration) error {
	hctx, stop := context.WithCancel(ctx)
	defer stop()
	events := make(chan hbEvent, 1)
	m.hbWG.Add(1)
	go func() {
		defer m.hbWG.Done()
		m.heartbeats(hctx, gen, memberID, events)
	}()

	var delay <-chan time.Time
	if rejoinAfter > 0 {
		t := time.NewTimer(rejoinAfter)
		defer t.Stop()
		delay = t.C
	}
	watchdog := time.NewTimer(m.fenceAfter())
	defer watchdog.Stop()
	log := m.log.With("member", memberID, "generation", gen)
	for {
		last := time.Unix(0, m.lastContact.Load())
		watchdog.Reset(max(time.Until(last.Add(m.fenceAfter())), time.Millisecond))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-events:
			if ev.kind == errResetMember {
				m.resetMember()
			}
			log.Info("rejoining: coordinator asked", "reason", ev.err)
			return nil
		case reason := <-m.rejoinCh:
			log.Info("rejoining on request", "reason", reason)
			return nil
		case <-delay:
			log.Info("rejoining for the scheduled rebalance")
			return nil
		case <-watchdog.C:
			if time.Since(time.Unix(0, m.lastContact.Load())) >= m.fenceAfter() {
				m.checkContact(ctx)
				log.Info("rejoining: no answer from the coordinator")
				return nil
			}
		}
	}
}

// resetMember forgets the member id: the coordinator no longer knows it.
func (m *Member) resetMember() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.memberID = ""
	m.joinedGen = -1
}

// joined returns the member id and the generation of the last JoinGroup
// answer for it (-1 if none: a new member is not in the group yet).
func (m *Member) joined() (string, int32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.memberID, m.joinedGen
}

// syncResult is one completed join + sync.
type syncResult struct {
	gen      int32
	memberID string
	protocol Protocol
	a        Assignment
	led      *AssignResult // set when this member computed assignments
	urls     map[string]string
}

// coordinator returns an open connection to the group coordinator for
// Join/Sync, discovering it if needed.
func (m *Member) coordinator() (*sarama.Broker, error) {
	addr := m.coordinatorAddr()
	if addr == "" {
		addr = m.discoverCoordinator(m.log)
	}
	if addr == "" {
		return nil, errors.New("group coordinator not available")
	}
	b, err := m.joinConn.broker(addr)
	if err != nil {
		m.forgetCoordinator(addr)
		return nil, fmt.Errorf("connect to coordinator %s: %w", addr, err)
	}
	return b, nil
}

// joinAndSync runs one JoinGroup + SyncGroup exchange. While it waits for
// the coordinator's answers, a keep-alive heartbeats (keepAliveDuringJoin)
// and the zombie watchdog stays armed (awaitCoordinator); a join the
// coordinator dropped, or one outlived by the member's work, is abandoned
// with a rejoinError.
func (m *Member) joinAndSync(ctx context.Context) (*syncResult, error) {
	b, err := m.coordinator()
	if err != nil {
		return nil, err
	}
	if m.protocol == ProtocolEager && m.held != nil && !m.held.Empty() {
		// Eager: everyone stops everything before each rebalance.
		m.h.OnRevoked(ctx, *m.held)
		m.held = &Load{}
	}
	snap, err := m.h.ConfigSnapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("config snapshot: %w", err)
	}

	jctx, cancelJoin := context.WithCancelCause(ctx)
	var ka joinKeepAlive
	ka.set(m.joined())
	var kaWG sync.WaitGroup
	kaWG.Add(1)
	m.hbWG.Add(1)
	go func() {
		defer m.hbWG.Done()
		defer kaWG.Done()
		m.keepAliveDuringJoin(jctx, b.Addr(), &ka, cancelJoin)
	}()
	defer kaWG.Wait()
	defer cancelJoin(nil)

	var join *sarama.JoinGroupResponse
	for attempt := 0; ; attempt++ {
		req := joinRequest(m.joinCfg.Version, m.cfg.GroupID, m.MemberID(), m.cfg.SessionTimeout, m.cfg.RebalanceTimeout, "rebalance")
		for _, p := range m.cfg.Protocol.Offered() {
			req.AddGroupProtocol(string(p), EncodeMetadata(m.metadata(p, snap.Offset)))
		}
		join, err = awaitCoordinator(jctx, m, func() (*sarama.JoinGroupResponse, error) { return b.JoinGroup(req) })
		if err != nil {
			return nil, m.joinFailed(jctx, "join group", b.Addr(), err)
		}
		if join.Err == sarama.ErrMemberIdRequired && attempt < 3 {
			m.mu.Lock()
			m.memberID, m.joinedGen = join.MemberId, -1
			m.mu.Unlock()
			ka.set(join.MemberId, -1) // pending, not a member yet: no heartbeats
			continue
		}
		break
	}
	if err := m.groupError("join group", join.Err, b.Addr()); err != nil {
		return nil, err
	}
	m.touch(time.Now())
	m.mu.Lock()
	m.memberID, m.joinedGen = join.MemberId, join.GenerationId
	m.mu.Unlock()
	ka.set(join.MemberId, join.GenerationId)
	protocol, ok := protocolByName(join.GroupProtocol)
	if !ok {
		return nil, fmt.Errorf("%w: coordinator selected unknown protocol %q", ErrFatalGroup, join.GroupProtocol)
	}
	res := &syncResult{gen: join.GenerationId, memberID: join.MemberId, protocol: protocol}
	log := m.log.With("member", join.MemberId, "generation", join.GenerationId)

	sreq := syncRequest(m.joinCfg.Version, m.cfg.GroupID, join.MemberId, join.GenerationId, protocol)
	if join.LeaderId == join.MemberId {
		if err := m.lead(ctx, join, protocol, snap, sreq, res); err != nil {
			return nil, err
		}
		log.Debug("computed assignments as coordinator-elected leader", "members", len(join.Members), "protocol", protocol)
	}
	synced, err := awaitCoordinator(jctx, m, func() (*sarama.SyncGroupResponse, error) { return b.SyncGroup(sreq) })
	if err != nil {
		return nil, m.joinFailed(jctx, "sync group", b.Addr(), err)
	}
	if err := m.groupError("sync group", synced.Err, b.Addr()); err != nil {
		return nil, err
	}
	m.touch(time.Now())
	a, err := DecodeAssignment(synced.MemberAssignment)
	if err != nil {
		return nil, fmt.Errorf("assignment from leader: %w", err)
	}
	res.a = a
	return res, nil
}

// errFencedDuringJoin: the zombie watchdog stopped the member's work while
// its JoinGroup or SyncGroup was pending; the metadata it sent claims work
// it no longer runs, so it joins again.
var errFencedDuringJoin = errors.New("work stopped for lack of contact with the coordinator while the join was pending")

// joinFailed handles a JoinGroup or SyncGroup that got no answer: the
// request may still be in flight on the join connection, so that is closed
// in every case.
func (m *Member) joinFailed(jctx context.Context, op, addr string, err error) error {
	m.joinConn.close()
	switch cause := context.Cause(jctx); {
	case errors.Is(cause, errDroppedDuringJoin):
		m.resetMember()
		return rejoinError{fmt.Errorf("%s: %w", op, cause)}
	case errors.Is(err, errFencedDuringJoin):
		m.forgetCoordinator(addr)
		return rejoinError{fmt.Errorf("%s: %w", op, err)}
	}
	m.forgetCoordinator(addr)
	return fmt.Errorf("%s: %w", op, err)
}

// awaitCoordinator runs a JoinGroup or SyncGroup and waits for its answer
// like call, bounded by jctx and the join connection's read timeout (above
// the rebalance timeout). Meanwhile it runs the zombie rule on Run's
// goroutine: when the member has heard nothing from the coordinator (the
// keep-alive heartbeats included) for fenceAfter, it stops the member's
// work and gives up the request with errFencedDuringJoin.
func awaitCoordinator[T any](jctx context.Context, m *Member, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	watchdog := time.NewTimer(m.fenceAfter())
	defer watchdog.Stop()
	var zero T
	for {
		var wd <-chan time.Time // armed only while the member holds work
		if m.held != nil {
			last := time.Unix(0, m.lastContact.Load())
			watchdog.Reset(max(time.Until(last.Add(m.fenceAfter())), time.Millisecond))
			wd = watchdog.C
		}
		select {
		case r := <-ch:
			return r.v, r.err
		case <-jctx.Done():
			return zero, jctx.Err()
		case <-wd:
			held := *m.held
			if m.checkContact(jctx) && !held.Empty() {
				return zero, errFencedDuringJoin
			}
		}
	}
}

// groupError maps a coordinator error code to the member's reaction.
func (m *Member) groupError(op string, k sarama.KError, addr string) error {
	if k == sarama.ErrNoError {
		return nil
	}
	switch classify(k) {
	case errFatal:
		return fmt.Errorf("%w: %s: %v", ErrFatalGroup, op, k)
	case errRejoin:
		return rejoinError{fmt.Errorf("%s: %w", op, k)}
	case errResetMember:
		m.resetMember()
		return rejoinError{fmt.Errorf("%s: %w", op, k)}
	case errCoordinator:
		m.joinConn.close()
		m.forgetCoordinator(addr)
	}
	return fmt.Errorf("%s: %w", op, k)
}

// rejoinError is a coordinator answer that only means "join again now".
type rejoinError struct{ err error }

func (e rejoinError) Error() string { return e.err.Error() }
func (e rejoinError) Unwrap() error { return e.err }

// metadata builds this member's metadata for protocol p.
func (m *Member) metadata(p Protocol, offset int64) Metadata {
	md := Metadata{Version: p.Version(), URL: m.cfg.URL, ConfigOffset: offset}
	if p.Version() >= 1 && m.held != nil {
		alloc := m.last
		alloc.Version = p.Version()
		alloc.Assigned = *m.held
		alloc.Revoked = Load{}
		md.Allocation = &alloc
	}
	return md
}

// lead computes every member's assignment (this member was elected leader
// by the coordinator) and adds them to the SyncGroup request.
func (m *Member) lead(ctx context.Context, join *sarama.JoinGroupResponse, protocol Protocol, snap ConfigSnapshot,
	sreq *sarama.SyncGroupRequest, res *syncResult) error {
	members := make(map[string]Metadata, len(join.Members))
	res.urls = make(map[string]string, len(join.Members))
	for _, gm := range join.Members {
		md, err := DecodeMetadata(gm.Metadata)
		if err != nil {
			// Never fail the whole group on one bad member: it is treated as
			// running nothing and will be told its assignment like others.
			m.log.Error("undecodable member metadata; treating the member as empty",
				"member", join.MemberId, "peer", gm.MemberId, "err", err)
			md = Metadata{Version: protocol.Version(), ConfigOffset: -1}
		}
		members[gm.MemberId] = md
		res.urls[gm.MemberId] = md.URL
	}
	if snap.Offset < maxOffset(members) {
		fresh, err := m.h.ConfigSnapshot(ctx)
		if err != nil {
			return fmt.Errorf("leader config snapshot: %w", err)
		}
		snap = fresh
	}
	in := AssignInput{
		Leader: join.MemberId, LeaderURL: m.cfg.URL, Protocol: protocol,
		Generation: join.GenerationId, LastCompletedGeneration: m.lastCompletedGen,
		Members: members, Config: snap, Now: time.Now(),
	}
	var assignments map[string]Assignment
	if protocol.Incremental() {
		r := m.assignor.Assign(m.state, in)
		res.led = &r
		assignments = r.Assignments
	} else {
		assignments = EagerAssign(in)
		cur := make(map[string]Load, len(assignments))
		for id, a := range assignments {
			cur[id] = a.Assigned
		}
		res.led = &AssignResult{Assignments: assignments, Next: m.state, Current: cur}
	}
	for id, a := range assignments {
		sreq.AddGroupAssignment(id, EncodeAssignment(a))
	}
	return nil
}

// apply acts on a completed round (§3.6) and says what to do next.
func (m *Member) apply(ctx context.Context, res *syncResult) next {
	a := res.a
	log := m.log.With("member", res.memberID, "generation", res.gen)
	if res.gen == m.lastCompletedGen && m.held != nil {
		// The coordinator answered a rejoin without rebalancing (stable group,
		// unchanged metadata): the assignment is the one already applied.
		return next{}
	}
	leader := a.Leader == res.memberID
	var owners map[string]Owner
	if leader && res.led != nil {
		m.state = res.led.Next
		owners = make(map[string]Owner, len(res.led.Current))
		for id, l := range res.led.Current {
			owners[id] = Owner{URL: res.urls[id], Load: l}
		}
	}
	m.protocol = res.protocol
	m.lastCompletedGen = res.gen

	held := Load{}
	if m.held != nil {
		held = *m.held
	}
	if res.protocol.Incremental() {
		if !a.Revoked.Empty() {
			m.h.OnRevoked(ctx, a.Revoked)
		}
		held = held.Minus(a.Revoked).Union(a.Assigned)
	} else {
		held = normalize(a.Assigned.Clone())
	}
	m.held = &held
	m.last = a
	round := Round{
		Generation: res.gen, MemberID: res.memberID, Protocol: res.protocol,
		Leader: a.Leader, LeaderURL: a.LeaderURL, ConfigOffset: a.ConfigOffset,
		Assigned: a.Assigned, Revoked: a.Revoked, Current: held.Clone(), Delay: a.Delay, Owners: owners,
	}
	m.mu.Lock()
	m.generation, m.round, m.inRound = res.gen, round, true
	m.mu.Unlock()
	log.Info("rebalance complete", "leader", a.Leader, "is_leader", leader, "protocol", res.protocol,
		"assigned", a.Assigned.Len(), "revoked", a.Revoked.Len(), "running", held.Len(), "delay", a.Delay, "error", a.Error)

	if a.Error != AssignmentOK {
		snap, err := m.h.ConfigSnapshot(ctx)
		if leader || err != nil || snap.Offset < a.ConfigOffset {
			rctx, cancel := context.WithTimeout(ctx, m.cfg.WorkerSyncTimeout)
			if _, err := m.h.ReadConfigToEnd(rctx); err != nil {
				log.Warn("config read after mismatch failed", "err", err)
			}
			cancel()
		}
		return next{backoff: m.cfg.RetryBackoff}
	}

	snap, err := m.h.ConfigSnapshot(ctx)
	offset := snap.Offset
	if err != nil || offset < a.ConfigOffset {
		rctx, cancel := context.WithTimeout(ctx, m.cfg.WorkerSyncTimeout)
		offset, err = m.h.ReadConfigToEnd(rctx)
		cancel()
		if err != nil || offset < a.ConfigOffset {
			log.Warn("cannot catch up with the config topic; leaving the group",
				"want_offset", a.ConfigOffset, "offset", offset, "err", err, "backoff", m.cfg.WorkerUnsyncBackoff)
			m.leaveGroup(ctx, "worker cannot read the config topic to the assignment's offset")
			return next{backoff: m.cfg.WorkerUnsyncBackoff}
		}
	}
	if offset > a.ConfigOffset {
		log.Info("configs moved on during the rebalance; rejoining before starting work",
			"assignment_offset", a.ConfigOffset, "offset", offset)
		return next{now: true}
	}
	m.h.OnAssigned(ctx, round)
	if !a.Revoked.Empty() {
		return next{now: true}
	}
	return next{rejoinAfter: a.Delay}
}

// leaveGroup stops everything held and sends LeaveGroup on a connection of
// its own; the member is then outside the group with no member id.
func (m *Member) leaveGroup(ctx context.Context, reason string) {
	if m.held != nil && !m.held.Empty() {
		m.h.OnRevoked(ctx, *m.held)
	}
	m.held = nil
	m.lastCompletedGen = -1
	m.mu.Lock()
	memberID := m.memberID
	m.memberID, m.generation, m.inRound, m.joinedGen = "", -1, false, -1
	m.mu.Unlock()
	if memberID == "" {
		return
	}
	addr := m.coordinatorAddr()
	if addr == "" {
		addr = m.discoverCoordinator(m.log)
	}
	if addr == "" {
		return
	}
	conn := coordConn{cfg: m.baseCfg}
	defer conn.close()
	b, err := conn.broker(addr)
	if err != nil {
		m.log.Info("leave group: connect failed", "member", memberID, "err", err)
		return
	}
	resp, err := call(ctx, func() (*sarama.LeaveGroupResponse, error) {
		return b.LeaveGroup(leaveRequest(m.baseCfg.Version, m.cfg.GroupID, memberID, reason))
	})
	switch {
	case err != nil:
		m.log.Info("leave group failed", "member", memberID, "err", err)
	case resp.Err != sarama.ErrNoError && resp.Err != sarama.ErrUnknownMemberId && resp.Err != sarama.ErrRebalanceInProgress:
		m.log.Info("leave group refused", "member", memberID, "err", resp.Err)
	default:
		m.log.Info("left the group", "member", memberID, "reason", reason)
	}
}

// shutdown revokes everything and leaves the group, bounded in time.
func (m *Member) shutdown(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.RebalanceTimeout)
	defer cancel()
	m.leaveGroup(ctx, "the worker is shutting down")
}
