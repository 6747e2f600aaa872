// Package testkit is the test harness every integration test in this module
// uses: an in-process Kafka cluster (kfake from franz-go, spoken to with
// sarama over loopback), a throwaway PostgreSQL cluster with a fresh database
// per test, and helpers to find the repository root and the shared 1C
// samples.
//
// External services. When KAFKA_BOOTSTRAP_SERVERS is set, [Kafka] returns a
// handle on that real cluster instead of starting kfake; when
// ONEC_TEST_POSTGRES_URL is set, [Postgres] creates its databases on that
// server instead of starting one. Tests that need kfake itself (fault
// injection through [KafkaCluster.Fake]) skip on an external cluster.
//
// Missing dependencies. A test whose dependency is missing (no initdb, no
// shared test data) is skipped with a reason, except when the environment
// variable CI=true: then it fails, so a CI run never passes by skipping.
//
// Lifecycle. Kafka clusters belong to the test that started them and stop at
// its cleanup. The PostgreSQL cluster is shared by the whole test binary: it
// starts on first use and stops in [Main] (call it from TestMain); a watchdog
// process stops it and removes its directory even if the test binary crashes.
//
// The package pins the one sarama protocol version the project tests with
// ([SaramaVersion]); the kfake pseudo-version is pinned in go.mod.
//
// All helpers are safe for concurrent use by parallel tests. testkit must only
// be imported from _test.go files and test helpers, never from product code.
package testkit
