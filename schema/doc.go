// Package schema is onec-connect's data model: Kafka Connect's Schema, Struct
// and logical types, with the same type names and the same rules.
//
// A Schema describes a value: its Type (INT8 … STRUCT), whether it is
// optional, its default, name, version, doc and ordered parameters, and for
// containers its element, key/value or field schemas. Schemas are built with a
// Builder and are immutable once built: share them freely between goroutines.
//
// Go representations of values, by schema type:
//
//	INT8 int8, INT16 int16, INT32 int32, INT64 int64, FLOAT32 float32,
//	FLOAT64 float64, BOOLEAN bool, STRING string, BYTES []byte,
//	ARRAY []any, MAP map[string]any (string keys) or map[any]any,
//	STRUCT *Struct.
//
// Logical types keep Kafka Connect's names and base types; their Go values are
// decimal.Decimal (github.com/shopspring/decimal) for Decimal and time.Time
// (UTC) for Date, Time and Timestamp. A nil value stands for null.
//
// Field names are arbitrary UTF-8: 1C attribute names such as «Номенклатура»
// are ordinary field names here. This package knows no wire format; converters
// own those.
package schema
