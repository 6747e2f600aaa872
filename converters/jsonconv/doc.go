// Package jsonconv is Kafka Connect's JsonConverter
// (org.apache.kafka.connect.json.JsonConverter), byte-compatible with the
// Java implementation's output.
//
// With schemas.enable=true (the default) a value is written as the envelope
// {"schema":…,"payload":…}; with false the payload alone is written, as in
// Kafka Connect's internal topics. The output is compact JSON exactly as
// Jackson writes it: schema members in JsonConverter's insertion order
// ("type", then "items"/"keys","values"/"fields", then "optional", "name",
// "version", "doc", "parameters", "default"; "field" last in a struct
// field's entry), strings as raw UTF-8 with Jackson's escapes, doubles and
// floats as Java's Double/Float.toString prints them (1.0E10, 125.5),
// non-finite floats as the strings "NaN", "Infinity", "-Infinity", bytes as
// padded standard base64, and Decimal as base64 of the unscaled value
// (decimal.format=BASE64) or as a JSON number printed like
// BigDecimal.toString (NUMERIC).
//
// Deliberate differences, all on input or where Java has no defined order:
//   - Go maps have no iteration order, so map entries are written sorted
//     (object members by key, [key,value] pairs by the encoded key). The
//     bytes are therefore deterministic: a given map always encodes the
//     same way, which keeps offset-topic keys byte-stable. Java writes its
//     map's iteration order, which depends on the map class.
//   - Reading is strict where Java is lax: a JSON type that does not fit the
//     schema (a string for an int32, a float for an int8, an int8 out of
//     range, trailing data after the value) is an error, not a silent 0,
//     null or truncation. Non-finite floats written as "NaN", "Infinity" and
//     "-Infinity" read back as such (Java reads them as 0.0).
//   - Schemaless writing also accepts int, []string, map[string]string and
//     decimal.Decimal (a JSON number), and writes a *schema.Struct given
//     without a schema with its own schema (Java fails on all of these).
//
// The converter caches the JSON form of each schema by *schema.Schema
// pointer and the parsed form of each schema JSON by its bytes, both in
// LRU caches bounded by schemas.cache.size. Encoding works without
// reflection and writes straight into the returned slice, allocated once
// at the size the schema's previous record needed: that slice is the only
// per-record allocation in the common case.
//
// Converter serves record keys and values; HeaderConverter is the same
// conversion for headers.
package jsonconv
