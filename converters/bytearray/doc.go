// Package bytearray is Kafka Connect's ByteArrayConverter
// (org.apache.kafka.connect.converters.ByteArrayConverter): record bytes
// pass through unchanged. Writing accepts a []byte value (or nil) with a
// BYTES or nil schema; reading returns an optional BYTES schema. It serves
// record keys and values (Converter) and headers (HeaderConverter).
package bytearray
