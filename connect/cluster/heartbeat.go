package cluster

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// hbEvent is what the heartbeat goroutine reports to Run: the group needs a
// rejoin (kind errRejoin) or the member must forget its id (errResetMember).
type hbEvent struct {
	kind groupErrorKind
	err  error
}

// heartbeats sends a Heartbeat every HeartbeatInterval for generation gen
// until ctx ends or the coordinator asks for a rejoin, which it reports on
// events (buffered) before returning. Failed heartbeats are retried after
// RetryBackoff, rediscovering the coordinator; Run's watchdog decides when
// the member has been out of touch for too long. It uses a connection of its
// own and touches no state of Run's except through the member's mutex and
// m.touch.
func (m *Member) heartbeats(ctx context.Context, gen int32, memberID string, events chan<- hbEvent) {
	conn := coordConn{cfg: m.baseCfg}
	defer conn.close()
	log := m.log.With("member", memberID, "generation", gen)
	wait := m.cfg.HeartbeatInterval
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		addr := m.coordinatorAddr()
		if addr == "" {
			addr = m.discoverCoordinator(log)
		}
		wait = m.cfg.RetryBackoff
		if addr != "" {
			wait = m.heartbeatOnce(ctx, &conn, addr, gen, memberID, log, events)
			if wait < 0 {
				return
			}
		}
		t.Reset(wait)
	}
}

// heartbeatOnce sends one heartbeat and returns the wait before the next,
// or -1 after reporting an event.
func (m *Member) heartbeatOnce(ctx context.Context, conn *coordConn, addr string, gen int32, memberID string,
	log *slog.Logger, events chan<- hbEvent) time.Duration {
	b, err := conn.broker(addr)
	if err != nil {
		log.Debug("heartbeat connection failed", "coordinator", addr, "err", err)
		m.forgetCoordinator(addr)
		return m.cfg.RetryBackoff
	}
	sent := time.Now()
	resp, err := call(ctx, func() (*sarama.HeartbeatResponse, error) {
		return b.Heartbeat(heartbeatRequest(m.baseCfg.Version, m.cfg.GroupID, memberID, gen))
	})
	if err != nil {
		if ctx.Err() != nil {
			return m.cfg.RetryBackoff
		}
		log.Debug("heartbeat failed", "coordinator", addr, "err", err)
		conn.close()
		m.forgetCoordinator(addr)
		return m.cfg.RetryBackoff
	}
	switch kind := classify(resp.Err); {
	case resp.Err == sarama.ErrNoError:
		m.touch(sent)
		return m.cfg.HeartbeatInterval
	case kind == errRejoin || kind == errResetMember:
		if kind == errRejoin {
			m.touch(sent) // the coordinator still knows us
		}
		log.Debug("heartbeat asks for a rejoin", "err", resp.Err)
		select {
		case events <- hbEvent{kind: kind, err: resp.Err}:
		default:
		}
		return -1
	case kind == errCoordinator:
		log.Debug("coordinator moved", "err", resp.Err)
		conn.close()
		m.forgetCoordinator(addr)
		return m.cfg.RetryBackoff
	default:
		log.Info("heartbeat error", "err", resp.Err)
		return m.cfg.RetryBackoff
	}
}

// errDroppedDuringJoin is the cause with which the join keep-alive cancels a
// pending JoinGroup or SyncGroup: a heartbeat was answered UNKNOWN_MEMBER_ID,
// so the coordinator no longer has the member and may never answer the
// request parked on the join connection (kfake drops it silently).
var errDroppedDuringJoin = errors.New("the coordinator dropped the member while its join was pending")

// joinKeepAlive is the member id and generation the keep-alive heartbeats
// in, updated by Run when a JoinGroup is answered.
type joinKeepAlive struct {
	mu       sync.Mutex
	memberID string
	gen      int32 // generation the coordinator has the member in; -1: none, send nothing
}

func (k *joinKeepAlive) set(memberID string, gen int32) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.memberID, k.gen = memberID, gen
}

func (k *joinKeepAlive) get() (string, int32) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.memberID, k.gen
}

// keepAliveDuringJoin heartbeats on a connection of its own while Run
// waits for JoinGroup and SyncGroup answers, until ctx (the join's) ends.
// The coordinator parks a JoinGroup until every member has rejoined (up to
// the rebalance timeout), and a SyncGroup until the leader's; Kafka keeps a
// member's session alive meanwhile, but kfake keeps running its session
// timer and, when it fires, removes the member and drops the parked request
// without an answer. Heartbeats in the member's last joined generation are
// answered REBALANCE_IN_PROGRESS (or nothing in the new generation, once
// the JoinGroup is answered) and renew the session on both; they also feed
// the zombie watchdog. UNKNOWN_MEMBER_ID means the request will never be
// answered for this member: drop cancels the join with
// [errDroppedDuringJoin].
func (m *Member) keepAliveDuringJoin(ctx context.Context, addr string, ka *joinKeepAlive, drop context.CancelCauseFunc) {
	conn := coordConn{cfg: m.baseCfg}
	defer conn.close()
	// The first beat is due one interval after the last contact (the last
	// heartbeat of stay, or the last answer of a previous attempt).
	last := time.Unix(0, m.lastContact.Load())
	wait := min(max(time.Until(last.Add(m.cfg.HeartbeatInterval)), 0), m.cfg.HeartbeatInterval)
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		memberID, gen := ka.get()
		wait = m.cfg.HeartbeatInterval
		if memberID != "" && gen >= 0 {
			var dropped bool
			wait, dropped = m.keepAliveOnce(ctx, &conn, addr, memberID, gen)
			if dropped {
				drop(errDroppedDuringJoin)
				return
			}
		}
		t.Reset(wait)
	}
}

// keepAliveOnce sends one keep-alive heartbeat and returns the wait before
// the next and whether the coordinator no longer knows the member.
func (m *Member) keepAliveOnce(ctx context.Context, conn *coordConn, addr, memberID string, gen int32) (time.Duration, bool) {
	log := m.log.With("member", memberID, "generation", gen)
	b, err := conn.broker(addr)
	if err != nil {
		log.Debug("join keep-alive: connection failed", "coordinator", addr, "err", err)
		return m.cfg.RetryBackoff, false
	}
	sent := time.Now()
	resp, err := call(ctx, func() (*sarama.HeartbeatResponse, error) {
		return b.Heartbeat(heartbeatRequest(m.baseCfg.Version, m.cfg.GroupID, memberID, gen))
	})
	if err != nil {
		if ctx.Err() == nil {
			log.Debug("join keep-alive: heartbeat failed", "coordinator", addr, "err", err)
		}
		conn.close()
		return m.cfg.RetryBackoff, false
	}
	switch resp.Err {
	case sarama.ErrNoError, sarama.ErrRebalanceInProgress:
		m.touch(sent)
	case sarama.ErrUnknownMemberId, sarama.ErrFencedInstancedId:
		log.Info("join keep-alive: the coordinator no longer knows the member; abandoning the pending join", "err", resp.Err)
		return 0, true
	case sarama.ErrIllegalGeneration:
		// The group moved to a new generation; our JoinGroup answer (or,
		// if we were left out, UNKNOWN_MEMBER_ID) follows.
		log.Debug("join keep-alive: generation moved on", "err", resp.Err)
	default:
		log.Debug("join keep-alive: heartbeat error", "err", resp.Err)
		if classify(resp.Err) == errCoordinator {
			conn.close()
		}
	}
	return m.cfg.HeartbeatInterval, false
}
