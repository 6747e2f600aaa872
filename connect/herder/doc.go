// Package herder decides what runs: it is the connector state machine
// between the REST API and the worker (Kafka Connect's Herder).
//
// [Herder] is the interface the REST layer (connect/rest) calls; the
// standalone herder ([Standalone]) and the distributed herder
// ([Distributed]) implement it, so the REST layer does not change between
// modes. Requests a worker cannot serve itself are answered with a
// [*NotLeaderError] carrying the target URL, and the REST layer forwards
// them (the standalone herder never does). The distributed herder also
// implements [InternalHerder], the worker-to-worker endpoints, and sends
// task configs to its leader through a [TaskConfigPublisher], so this
// package stays free of HTTP.
//
// The distributed herder (distributed*.go) drives a cluster.Member: the
// member's callbacks start and stop the assigned connectors and tasks
// (distributed_member.go); config topic records arrive as events handled
// one at a time (distributed_events.go); only the leader writes connector
// and task configs, restart requests, session keys and status tombstones
// (distributed_leader.go, distributed_api.go). Zombies are fenced three
// ways: a worker stops everything when it loses its coordinator; offsets
// are written only through an [OffsetFence] that admits connectors with a
// task the worker still owns; statuses carry the group generation and the
// status store never lets an older generation overwrite a newer one.
//
// The standalone herder keeps connector configs, task configs and target
// states (STARTED, PAUSED, STOPPED) in a storage.ConfigStore and statuses
// in a storage.StatusStore, and drives a runtime.Worker: it validates
// configs (the common source/sink ConfigDef merged with the connector's
// own, sink topic rules, plugin classes, then the connector's Validate),
// starts connectors, generates task configs, plans KIP-745 restarts and
// serves KIP-875 offsets (changes only when STOPPED).
//
// Errors are *[Error] values with a [Kind]; the REST layer maps kinds to
// status codes in one place. Config maps handed out have password values
// masked; statuses never contain them.
//
// Concurrency: all methods are safe for concurrent use. Write operations
// hold one herder lock that honours the caller's context (a request that
// cannot get it in time fails with KindTimeout and a message saying what
// the herder is busy with); status reads do not take it. The package
// knows nothing about HTTP.
package herder
