package herder

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/cluster"
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
)

// The leader's own writes: task configs with their commit record, the
// KIP-507 session key and the status tombstones of deleted connectors and
// tasks. Only the worker whose assignment names it leader makes them.

// isLeader reports whether the assignment in effect names this worker
// leader (lock held).
func (h *Distributed) isLeader() bool { return h.hasRound && h.round.IsLeader() }

// writeTaskConfigs stores a connector's task configs as the leader (lock
// held): a read to the end first, then the task records and the commit.
// Identical configs are not written again (no needless rebalance).
func (h *Distributed) writeTaskConfigs(ctx context.Context, c string, configs []map[string]string) error {
	if err := h.configs.Refresh(ctx); err != nil {
		return Internal(err, "Failed to read the config topic: %v", err)
	}
	snap := h.configs.Snapshot()
	if _, ok := snap.Connectors[c]; !ok {
		return NotFound("Connector %s not found", c)
	}
	if snap.Targets[c] == connect.TargetStopped && len(configs) > 0 {
		return BadRequest("Cannot submit non-empty set of task configs for stopped connector %s", c)
	}
	inconsistent := false
	for _, n := range snap.Inconsistent {
		inconsistent = inconsistent || n == c
	}
	if !inconsistent && sameConfigs(configs, snap.Tasks[c]) {
		return nil
	}
	h.stage.Store(&stage{what: "writing task configs for connector " + c + " to the config topic", since: time.Now()})
	if err := h.configs.PutTaskConfigs(ctx, c, configs); err != nil {
		return Internal(err, "Failed to write the task configs of connector %s: %v", c, err)
	}
	h.log.Info("task configs stored", "connector", c, "tasks", len(configs), "generation", h.gen.Load())
	return nil
}

// leaderDuties runs after a rebalance this worker leads and when the
// session key is due (lock held).
func (h *Distributed) leaderDuties(ctx context.Context) {
	if !h.isLeader() {
		return
	}
	if h.round.Protocol == cluster.ProtocolSessioned {
		h.ensureSessionKey(ctx)
	}
	h.tombstoneStatuses(ctx)
}

// ensureSessionKey writes a new session key when there is none or the
// current one has lived its TTL, and schedules the next rotation.
func (h *Distributed) ensureSessionKey(ctx context.Context) {
	h.mu.Lock()
	cur := h.sessionKey
	h.mu.Unlock()
	now := time.Now()
	if cur != nil && cur.Algorithm == h.signing.KeyAlgorithm {
		expires := time.UnixMilli(cur.CreationTimestamp).Add(h.signing.KeyTTL)
		if now.Before(expires) {
			h.scheduleKeyCheck(time.Until(expires))
			return
		}
	}
	key := make([]byte, h.signing.keyBytes())
	if _, err := rand.Read(key); err != nil {
		h.log.Error("generate session key", "err", err)
		return
	}
	k := kafkastore.SessionKey{Key: key, Algorithm: h.signing.KeyAlgorithm, CreationTimestamp: now.UnixMilli()}
	if err := h.configs.PutSessionKey(ctx, k); err != nil {
		h.log.Error("write session key", "err", fmt.Errorf("session key: %w", err))
		h.scheduleKeyCheck(time.Second)
		return
	}
	h.mu.Lock()
	h.sessionKey = &k
	h.mu.Unlock()
	h.log.Info("session key distributed", "algorithm", k.Algorithm, "ttl", h.signing.KeyTTL)
	h.scheduleKeyCheck(h.signing.KeyTTL)
}

// scheduleKeyCheck queues leader duties after d.
func (h *Distributed) scheduleKeyCheck(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.keyTimer != nil {
		h.keyTimer.Stop()
	}
	h.keyTimer = time.AfterFunc(d, func() { h.q.push(event{kind: evLeaderDuties}) })
}

// tombstoneStatuses deletes the statuses of connectors that are no longer
// configured and of tasks beyond their connector's task count.
func (h *Distributed) tombstoneStatuses(ctx context.Context) {
	snap := h.configs.Snapshot()
	for _, c := range h.statuses.Connectors() {
		if _, ok := snap.Connectors[c]; !ok {
			if err := h.statuses.DeleteConnector(ctx, c); err != nil {
				h.log.Warn("tombstone connector status", "connector", c, "err", err)
			}
			if err := h.statuses.DeleteTopics(ctx, c); err != nil {
				h.log.Warn("tombstone active topics", "connector", c, "err", err)
			}
			continue
		}
		n := len(snap.Tasks[c])
		for _, ts := range h.statuses.Tasks(c) {
			if ts.ID.Task >= n {
				if err := h.statuses.DeleteTask(ctx, ts.ID); err != nil {
					h.log.Warn("tombstone task status", "task", ts.ID.String(), "err", err)
				}
			}
		}
	}
}
