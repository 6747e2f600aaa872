// Package converters defines how Connect data (schema + value) becomes the
// bytes of a Kafka record key, value or header, and back: the Converter and
// HeaderConverter interfaces, shared error types, and raw record headers.
//
// Implementations live in subpackages: jsonconv (Kafka Connect's
// JsonConverter, byte-compatible), stringconv (StringConverter),
// bytearray (ByteArrayConverter) and avro (Confluent wire format with a
// Schema Registry). Each subpackage exports its Kafka Connect class name,
// short aliases, a ConfigDef and a constructor; the runtime registers them
// as plugins. This package knows nothing of Kafka clients.
package converters
