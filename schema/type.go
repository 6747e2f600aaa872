package schema

import "fmt"

// Type is a Connect schema type. The zero value is invalid.
type Type uint8

// The Connect schema types.
const (
	INT8 Type = iota + 1
	INT16
	INT32
	INT64
	FLOAT32
	FLOAT64
	BOOLEAN
	STRING
	BYTES
	ARRAY
	MAP
	STRUCT
)

var typeNames = [...]string{
	INT8: "INT8", INT16: "INT16", INT32: "INT32", INT64: "INT64",
	FLOAT32: "FLOAT32", FLOAT64: "FLOAT64", BOOLEAN: "BOOLEAN", STRING: "STRING",
	BYTES: "BYTES", ARRAY: "ARRAY", MAP: "MAP", STRUCT: "STRUCT",
}

// jsonNames are the type names Kafka Connect's JsonConverter writes.
var jsonNames = [...]string{
	INT8: "int8", INT16: "int16", INT32: "int32", INT64: "int64",
	FLOAT32: "float", FLOAT64: "double", BOOLEAN: "boolean", STRING: "string",
	BYTES: "bytes", ARRAY: "array", MAP: "map", STRUCT: "struct",
}

// String returns Kafka Connect's upper-case type name, e.g. "INT32".
func (t Type) String() string {
	if !t.Valid() {
		return fmt.Sprintf("Type(%d)", uint8(t))
	}
	return typeNames[t]
}

// Valid reports whether t is one of the defined types.
func (t Type) Valid() bool { return t >= INT8 && t <= STRUCT }

// JSONName returns the name Kafka Connect's JSON schema format uses for t
// ("int32", "float", "double", "struct", …).
func (t Type) JSONName() string {
	if !t.Valid() {
		return ""
	}
	return jsonNames[t]
}

// TypeFromJSONName parses a JSON schema type name; ok is false for unknown names.
func TypeFromJSONName(name string) (Type, bool) {
	for t := INT8; t <= STRUCT; t++ {
		if jsonNames[t] == name {
			return t, true
		}
	}
	return 0, false
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t Type) IsPrimitive() bool { return t.Valid() && t < ARRAY }
