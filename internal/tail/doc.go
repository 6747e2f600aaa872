// Package tail implements `worker tail`: print the records of a Kafka topic
// with their key, headers, partition, offset and timestamp, the value decoded
// by a converter (JSON envelope, Avro with a Schema Registry, String, bytes)
// and rendered as indented JSON. It is the way to look at what a connector
// wrote without other tools.
//
// Kafka client settings (bootstrap servers, TLS, SASL) come from a worker
// .properties file (--worker-config) through connect/runtime's client
// builder, so tail connects exactly as the worker does; converters come from
// the plugin registry. tail reads with a plain partition consumer: it joins
// no consumer group and commits nothing.
//
// The output format is stable, documented in `worker tail --help`
// (formatHelp in options.go) and pinned by the golden files in testdata/:
// scripts may parse it. Files: options.go (flags), client.go (Kafka client settings),
// decoders.go (converters), consume.go (the partition consumers), render.go
// (Connect values to JSON), output.go (the text and json formats), main.go
// (Main, exit codes).
//
// tail must not know the runtime's pipelines, the herders or any connector.
package tail
