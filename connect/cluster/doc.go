// Package cluster is distributed membership for onec-connect workers over
// Kafka's group coordinator, wire-compatible with Kafka Connect's "connect"
// group protocol (KIP-415 incremental cooperative rebalancing, KIP-507
// "sessioned").
//
// It owns:
//   - the group protocol itself, spoken with sarama's low-level requests
//     (FindCoordinator, JoinGroup with protocol type "connect" offering
//     "sessioned", "compatible" and "default", SyncGroup, Heartbeat,
//     LeaveGroup) — see [Member];
//   - the byte formats exchanged through the coordinator: member metadata
//     ([EncodeMetadata], [DecodeMetadata]) and assignment blobs
//     ([EncodeAssignment], [DecodeAssignment]), byte-compatible with Java
//     workers (docs/kafka-connect.md §3.3–3.4);
//   - the assignors the group leader runs: the incremental cooperative one
//     ([Assignor], §3.5) and the eager one ([EagerAssign]);
//   - heartbeats, rebalance callbacks ([Handler]), generation numbers and
//     the zombie rule: a member that cannot reach its coordinator for a
//     session timeout is told to stop its work.
//
// It must not know what connectors and tasks do, nor how the config topic is
// read: it imports neither connect/runtime nor connect/herder. The herder
// implements [Handler] and is told what to stop and start.
//
// Leadership. Like Kafka Connect, a member learns who leads from the
// assignment (the leader id and URL the leader writes into every member's
// assignment), not from the JoinGroup response. This is what keeps exactly
// one leader on kfake, whose classic-group rebalance after a leader's
// departure tells every member it is the leader but applies only one
// member's SyncGroup: each such member computes an assignment, and only the
// one whose assignment comes back to it keeps the assignor state and acts as
// leader.
//
// Threading. A [Member] is driven by one goroutine calling [Member.Run]; all
// [Handler] callbacks are made from that goroutine, one at a time.
// Heartbeats run on a goroutine of their own, over a connection of their
// own, so a slow callback does not cost the membership. They also run while
// a JoinGroup or SyncGroup waits on the coordinator (up to the rebalance
// timeout): kfake, unlike Kafka, expires a member whose JoinGroup it holds
// and drops that JoinGroup unanswered, so the member keeps its session alive
// and, when a heartbeat is answered UNKNOWN_MEMBER_ID, gives the pending
// join up and joins afresh; the zombie rule stays armed meanwhile. The accessors
// ([Member.Generation], [Member.IsLeader], …) and [Member.RequestRejoin] are
// safe for concurrent use.
package cluster
