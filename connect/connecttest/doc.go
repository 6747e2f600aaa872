// Package connecttest is the acceptance suite every connector's tests run
// (Conduit's AcceptanceTest idea), and the in-process worker stack the
// herder, REST and connector tests share.
//
// [StartStack] builds a real runtime.Worker, a standalone herder and the
// REST server on a loopback port against a Kafka cluster from
// internal/testkit (kfake unless KAFKA_BOOTSTRAP_SERVERS is set), captures
// the worker's logs, and offers a REST [Client] that keeps every response
// body. [Run] drives a connector through it: config validation with good
// and bad configs, create/pause/resume/restart/stop/delete, delivery in
// order, resume from stored offsets across a worker restart, no goroutine
// leak after stop, and password values absent from logs and REST output.
//
// Only tests import this package (it imports internal/testkit). Every wait
// is bounded in time.
package connecttest
