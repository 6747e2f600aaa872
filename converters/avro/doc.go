// Package avro is Confluent's AvroConverter (io.confluent.connect.avro.
// AvroConverter) for onec-connect: Connect data ⇄ Avro binary in the
// Confluent wire format, with schemas in a Schema Registry.
//
// # Wire format
//
// Byte 0 is the magic 0x00, bytes 1–4 the schema id (big-endian int32),
// then the Avro binary encoding of the datum. A nil value is a nil record
// value (tombstone).
//
// # Schemas
//
// Connect schemas map to Avro as Confluent's AvroData does: INT8/INT16 →
// int with "connect.type"; optional X → ["null", X] (or [X, "null"] when X
// has a default); Decimal → bytes with logicalType decimal, "scale" and
// "precision" (from the connect.decimal.precision parameter, default 64;
// no logicalType when scale < 0 or scale > precision); Date/Time/Timestamp
// → date/time-millis/timestamp-millis; maps with required string keys →
// Avro map, other maps → array of MapEntry records; STRUCT → record named
// after the Connect name (unnamed: io.confluent.connect.avro.ConnectDefault);
// with connect.meta.data the connect.name/doc/version/default/parameters
// properties. Reading restores all of it, parameter order included.
// Avro enums read as STRING with io.confluent.connect.avro.Enum parameters,
// fixed as BYTES, general unions as io.confluent.connect.avro.Union structs.
// Generated schema text is deterministic, so the same Connect schema always
// registers as the same schema.
//
// # Names
//
// Connect field and struct names are any UTF-8; Avro names are
// [A-Za-z_][A-Za-z0-9_]*. Names that are not legal are transliterated with
// schema/translit (Cyrillic romanised by its documented table, other
// characters replaced by '_', a leading digit prefixed with '_'):
// «СуммаДокумента» → SummaDokumenta. Record full names are transliterated
// part by part. Field names that collide after transliteration get _2, _3,
// … in field order; names that were already legal never change. The
// original field name is kept in the Avro field property "onec.name" and a
// changed record name in "connect.name" (both written even with
// connect.meta.data=false), so reading restores the Connect names exactly.
// Two different structs with the same Avro name get _2, _3, … as well.
//
// # Decimals
//
// Decimals are written at their schema's scale; a value with more
// fractional digits than the scale is a *converters.DataError, never
// rounded or truncated. Decimals are encoded and decoded by this package
// (hamba/avro's big.Rat paths have known bugs with nullable decimals).
//
// # Registry
//
// The subject comes from key./value.subject.name.strategy (TopicNameStrategy,
// RecordNameStrategy, TopicRecordNameStrategy). With auto.register.schemas
// the derived schema is registered; without it, it is looked up, or with
// use.latest.version the subject's latest schema is used to write (Connect
// fields matched by name, missing ones from Avro defaults). The registry
// client is in subpackage registry; its keys are documented in ConfigDef
// (TLS from PEM files: schema.registry.ssl.ca.location,
// schema.registry.ssl.certificate.location, schema.registry.ssl.key.location;
// basic auth from basic.auth.credentials.source / basic.auth.user.info;
// http.connect.timeout.ms, http.read.timeout.ms, max.retries,
// retries.wait.ms, retries.max.wait.ms).
//
// Registry answers that will not change (4xx: unknown id, incompatible
// schema) are *converters.DataError; outages (transport errors, 5xx after
// the retries) are plain errors so the runtime can retry the record.
//
// # Caches and speed
//
// The Avro form of a Connect schema, its encoding plan and the registry id
// are cached per *schema.Schema pointer (schemas.cache.size entries, LRU);
// decoded schemas and their plans per schema id. Values are written by a
// plan over hamba/avro's Writer straight from the Connect value tree, with
// no intermediate map. Reading checks every length against the input, so
// malformed data yields an error, never a panic or a huge allocation.
//
// Limitations: schemaless (nil schema) values are refused; recursive Avro
// types are refused; Connect schemas are read from the record's writer
// schema only (no reader-schema projection).
package avro
