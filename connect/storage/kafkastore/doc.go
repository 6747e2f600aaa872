// Package kafkastore holds the Kafka-backed stores of distributed mode:
// Kafka Connect's config, offsets and status topics, byte-compatible with
// the records Apache Kafka's KafkaConfigBackingStore,
// KafkaOffsetBackingStore and KafkaStatusBackingStore write, so a Java
// worker, a tool reading Connect's internal topics, and this worker can
// share them.
//
// The building block is [Log] (Kafka's KafkaBasedLog): it creates or
// validates its compacted topic, reads every partition from the beginning
// with its own Fetch loop (no consumer group), applies records to a
// callback in offset order on one goroutine, offers a [Log.ReadToEnd]
// barrier (end offsets fetched, then consumed up to them; transaction
// markers and compacted gaps at the tail do not stall it), and writes with
// acks=all, idempotence and the murmur2 partitioner so keys land on the
// partitions Java workers use.
//
// On top of it, [ConfigStore], [OffsetStore] and [StatusStore] implement
// the interfaces of package storage; the extra records Kafka Connect keeps
// (session key, restart requests, task-count records, logger levels, topic
// statuses, generations) are reached through their extra methods.
//
// Record formats (keys are plain UTF-8 strings, values the compact JSON of
// JsonConverter with schemas.enable=false) live in formats.go; golden
// copies are in testdata/. Malformed records written by someone else are
// logged and skipped, never a panic.
//
// This package must not know the herder, the runtime or REST.
package kafkastore
