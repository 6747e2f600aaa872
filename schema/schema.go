package schema

import (
	"fmt"
	"strings"
)

// Param is one schema parameter. Parameters keep their insertion order, as
// Kafka Connect's builder does, so encoders write them byte-stably.
type Param struct {
	Key   string
	Value string
}

// Field is one field of a STRUCT schema.
type Field struct {
	// Name is the field name: any UTF-8 string, unique within the struct.
	Name string
	// Index is the field's position in the struct, from 0.
	Index int
	// Schema describes the field's value.
	Schema *Schema
}

// Schema describes a Connect value. Build one with a Builder; a built Schema
// is immutable and safe for concurrent use. Callers must not modify the
// slices it returns.
type Schema struct {
	typ        Type
	optional   bool
	hasDefault bool
	def        any
	name       string
	version    int
	doc        string
	params     []Param
	fields     []Field
	fieldIndex map[string]int
	keySchema  *Schema
	valSchema  *Schema
}

// Type returns the schema type.
func (s *Schema) Type() Type { return s.typ }

// Optional reports whether null is a valid value.
func (s *Schema) Optional() bool { return s.optional }

// Default returns the default value and whether one is set.
func (s *Schema) Default() (any, bool) { return s.def, s.hasDefault }

// Name returns the schema name ("" when unnamed). Logical types are named.
func (s *Schema) Name() string { return s.name }

// Version returns the schema version; 0 means not set.
func (s *Schema) Version() int { return s.version }

// Doc returns the schema documentation.
func (s *Schema) Doc() string { return s.doc }

// Params returns the parameters in insertion order.
func (s *Schema) Params() []Param { return s.params }

// Param returns one parameter's value.
func (s *Schema) Param(key string) (string, bool) {
	for _, p := range s.params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Fields returns a STRUCT schema's fields in order; nil for other types.
func (s *Schema) Fields() []Field { return s.fields }

// Field returns the field with the given name.
func (s *Schema) Field(name string) (Field, bool) {
	i, ok := s.fieldIndex[name]
	if !ok {
		return Field{}, false
	}
	return s.fields[i], true
}

// KeySchema returns a MAP schema's key schema; nil for other types.
func (s *Schema) KeySchema() *Schema { return s.keySchema }

// ValueSchema returns the element schema of an ARRAY or the value schema of
// a MAP; nil for other types.
func (s *Schema) ValueSchema() *Schema { return s.valSchema }

// Logical returns the schema's logical type, or LogicalNone.
func (s *Schema) Logical() Logical { return logicalOf(s) }

// Equal reports whether two schemas are identical in every attribute,
// recursively. Two nil schemas are equal.
func (s *Schema) Equal(o *Schema) bool {
	if s == o {
		return true
	}
	if s == nil || o == nil {
		return false
	}
	if s.typ != o.typ || s.optional != o.optional || s.name != o.name || s.version != o.version ||
		s.doc != o.doc || s.hasDefault != o.hasDefault || len(s.params) != len(o.params) ||
		len(s.fields) != len(o.fields) {
		return false
	}
	for i := range s.params {
		if s.params[i] != o.params[i] {
			return false
		}
	}
	for i := range s.fields {
		if s.fields[i].Name != o.fields[i].Name || !s.fields[i].Schema.Equal(o.fields[i].Schema) {
			return false
		}
	}
	if !s.keySchema.Equal(o.keySchema) || !s.valSchema.Equal(o.valSchema) {
		return false
	}
	if s.hasDefault && !ValuesEqual(s.def, o.def) {
		return false
	}
	return true
}

// String renders a short, human-readable description, e.g.
// "Schema{STRUCT name=Order optional}".
func (s *Schema) String() string {
	if s == nil {
		return "Schema{null}"
	}
	var b strings.Builder
	b.WriteString("Schema{")
	if l := s.Logical(); l != LogicalNone {
		b.WriteString(l.String())
	} else {
		b.WriteString(s.typ.String())
	}
	if s.name != "" && s.Logical() == LogicalNone {
		fmt.Fprintf(&b, " name=%s", s.name)
	}
	if s.optional {
		b.WriteString(" optional")
	}
	b.WriteString("}")
	return b.String()
}

// Describe names the schema as validation errors do: the logical type name
// for logical types ("Decimal"), otherwise the type ("INT32", "STRUCT").
func (s *Schema) Describe() string {
	if l := s.Logical(); l != LogicalNone {
		return l.String()
	}
	return s.typ.String()
}
