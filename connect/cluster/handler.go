package cluster

import (
	"context"
	"time"
)

// Handler is what the distributed herder implements for its [Member]. All
// methods are called from the goroutine running [Member.Run], one at a
// time; heartbeats continue on their own goroutine meanwhile, but a
// callback that blocks longer than the rebalance timeout costs the member
// its place in the group. The context is Run's: cancelled when Run is
// asked to stop, except for the final OnRevoked of a shutdown, which gets a
// context bounded by the rebalance timeout.
type Handler interface {
	// ConfigSnapshot returns the config store's current in-memory state
	// without blocking on Kafka. It is called before every JoinGroup (its
	// Offset goes into the member metadata), after every assignment, and
	// by the leader to assign.
	ConfigSnapshot(ctx context.Context) (ConfigSnapshot, error)
	// ReadConfigToEnd reads the config topic to its end and returns the
	// store's offset afterwards. The member calls it when an assignment
	// was computed at an offset it has not reached, bounded by
	// Config.WorkerSyncTimeout, and after a CONFIG_MISMATCH answer.
	ReadConfigToEnd(ctx context.Context) (int64, error)
	// OnRevoked tells the herder to stop these connectors and tasks now,
	// before the member rejoins (incremental protocols), or everything the
	// member runs before each rebalance (eager), before leaving the group,
	// and at shutdown.
	OnRevoked(ctx context.Context, revoked Load)
	// OnAssigned reports a completed rebalance whose assignment may be
	// acted on: the config store has reached r.ConfigOffset. The herder
	// should start everything in r.Current it does not run yet (r.Assigned
	// is the part that is new in this round) with the target states it
	// reads from the config store.
	OnAssigned(ctx context.Context, r Round)
	// OnLostCoordinator tells the herder that the member has not heard from
	// its group coordinator for a session timeout less a margin (see
	// Config.SessionTimeout),
	// so the group may soon hand its work to others: stop everything in held
	// now (zombie fencing). The member rejoins by itself and, once back, reports a new
	// assignment through OnAssigned.
	OnLostCoordinator(ctx context.Context, held Load)
}

// Round is the outcome of one completed rebalance, as a member applied it.
type Round struct {
	// Generation is the group generation of this assignment; status writes
	// are fenced by it.
	Generation int32
	// MemberID is this member's id in that generation.
	MemberID string
	// Protocol is the subprotocol the coordinator selected.
	Protocol Protocol
	// Leader and LeaderURL name the leader, as written by the leader into
	// the assignment: the only source of leadership.
	Leader    string
	LeaderURL string
	// ConfigOffset is the config offset the assignment was computed at.
	ConfigOffset int64
	// Assigned is what is new for this member in this round, Revoked what it
	// was told to stop (already done through OnRevoked), and Current its
	// complete assignment after both.
	Assigned Load
	Revoked  Load
	Current  Load
	// Delay is the scheduled rebalance the leader announced (0: none); the
	// member rejoins by itself when it expires.
	Delay time.Duration
	// Owners, on the leader only, maps every member id to its URL and the
	// load it runs after this round (the leader's view for forwarding
	// requests to owners). Nil on other members.
	Owners map[string]Owner
}

// IsLeader reports whether the member that applied r leads the group.
func (r Round) IsLeader() bool { return r.Leader != "" && r.Leader == r.MemberID }

// Owner is one member in the leader's view.
type Owner struct {
	URL  string
	Load Load
}
