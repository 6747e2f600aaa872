// Package herder decides what runs: it is the connector state machine
// between the REST API and the worker (Kafka Connect's Herder).
//
// [Herder] is the interface the REST layer (connect/rest) calls; the
// standalone herder ([Standalone]) implements it now, the distributed
// herder will implement the same interface so the REST layer does not
// change. Requests a worker cannot serve itself are answered with a
// [*NotLeaderError] carrying the target URL, and the REST layer forwards
// them (the standalone herder never does).
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
