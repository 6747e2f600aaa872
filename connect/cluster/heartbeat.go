package cluster

import (
	"context"
	"log/slog"
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
