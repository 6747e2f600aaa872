// Package stringconv is Kafka Connect's StringConverter
// (org.apache.kafka.connect.storage.StringConverter): values are written as
// text in converter.encoding (default UTF-8) and read back as an optional
// STRING. Non-string values are written in their Java string form
// (Object.toString): numbers as Java prints them ("1.0E10"), lists as
// "[a, b]", maps as "{k=v}" (sorted by key, Go maps having no order),
// structs as "Struct{f=v,…}". A []byte value is written unchanged, and bytes
// nested in a list, map or struct as base64 (Java would print an object id,
// which no one can use). Characters the encoding cannot represent become
// '?', as in Java. It serves record keys and values
// (Converter) and headers (HeaderConverter).
package stringconv
