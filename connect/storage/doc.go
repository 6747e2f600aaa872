// Package storage holds the worker's state stores behind interfaces the
// runtime and the herder use without knowing where state lives:
//
//   - [OffsetStore]: source offsets, keyed like Kafka Connect's offsets topic
//     (connector name + source partition map → offset map). [MemoryOffsetStore]
//     and [FileOffsetStore] (standalone mode, offset.storage.file.filename)
//     live here; the Kafka-backed store of distributed mode implements the
//     same interface.
//   - [ConfigStore]: connector configs, task configs and target states.
//   - [StatusStore]: connector and task statuses and active topics.
//
// Keys are encoded exactly like the offsets topic key, the JSON array
// ["<connector>", {<partition>}] with object keys sorted, so a key's bytes
// are stable and a store can move between file and topic unchanged.
//
// All stores are safe for concurrent use. This package must not know the
// runtime, the herder, or REST.
package storage
