// Command kfake runs franz-go's in-memory fake Kafka cluster for local
// development and manual testing (for example with kcat or a worker started
// by hand). It prints one broker address per line on stdout and runs until
// SIGINT or SIGTERM. Nothing is persisted unless -data-dir is given.
//
// Usage:
//
//	go run ./cmd/kfake -listen 127.0.0.1:9092 -brokers 1
//
// With -brokers N the brokers listen on consecutive ports starting at the
// -listen port (port 0 picks random ports). kfake is a test broker: never use
// it for data you want to keep.
package main
