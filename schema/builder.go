package schema

import (
	"errors"
	"fmt"
)

// Builder assembles a Schema. Methods chain; the first error is kept and
// reported by Build. A Builder is not safe for concurrent use and must not
// be reused after Build.
type Builder struct {
	s   Schema
	err error
}

// NewBuilder starts a schema of the given type.
func NewBuilder(t Type) *Builder {
	b := &Builder{s: Schema{typ: t}}
	if !t.Valid() {
		b.err = fmt.Errorf("invalid schema type %d", uint8(t))
	}
	return b
}

// Int8 starts an INT8 schema.
func Int8() *Builder { return NewBuilder(INT8) }

// Int16 starts an INT16 schema.
func Int16() *Builder { return NewBuilder(INT16) }

// Int32 starts an INT32 schema.
func Int32() *Builder { return NewBuilder(INT32) }

// Int64 starts an INT64 schema.
func Int64() *Builder { return NewBuilder(INT64) }

// Float32 starts a FLOAT32 schema.
func Float32() *Builder { return NewBuilder(FLOAT32) }

// Float64 starts a FLOAT64 schema.
func Float64() *Builder { return NewBuilder(FLOAT64) }

// Bool starts a BOOLEAN schema.
func Bool() *Builder { return NewBuilder(BOOLEAN) }

// String starts a STRING schema.
func String() *Builder { return NewBuilder(STRING) }

// Bytes starts a BYTES schema.
func Bytes() *Builder { return NewBuilder(BYTES) }

// StructBuilder starts a STRUCT schema; add fields with Field.
func StructBuilder() *Builder {
	b := NewBuilder(STRUCT)
	b.s.fieldIndex = map[string]int{}
	return b
}

// Array starts an ARRAY schema of elem.
func Array(elem *Schema) *Builder {
	b := NewBuilder(ARRAY)
	if elem == nil {
		b.err = errors.New("array element schema is nil")
	}
	b.s.valSchema = elem
	return b
}

// Map starts a MAP schema from key to value.
func Map(key, value *Schema) *Builder {
	b := NewBuilder(MAP)
	if key == nil || value == nil {
		b.err = errors.New("map key and value schemas must not be nil")
	}
	b.s.keySchema, b.s.valSchema = key, value
	return b
}

// Optional marks the schema optional: null is a valid value.
func (b *Builder) Optional() *Builder { b.s.optional = true; return b }

// Required marks the schema required (the default).
func (b *Builder) Required() *Builder { b.s.optional = false; return b }

// Name sets the schema name.
func (b *Builder) Name(name string) *Builder { b.s.name = name; return b }

// Version sets the schema version (0 clears it).
func (b *Builder) Version(v int) *Builder { b.s.version = v; return b }

// Doc sets the schema documentation.
func (b *Builder) Doc(doc string) *Builder { b.s.doc = doc; return b }

// Param sets a parameter, replacing an earlier value of the same key in place.
func (b *Builder) Param(key, value string) *Builder {
	for i := range b.s.params {
		if b.s.params[i].Key == key {
			b.s.params[i].Value = value
			return b
		}
	}
	b.s.params = append(b.s.params, Param{Key: key, Value: value})
	return b
}

// Default sets the default value; Build validates it against the schema.
func (b *Builder) Default(v any) *Builder {
	b.s.def, b.s.hasDefault = v, true
	return b
}

// Field appends a field to a STRUCT schema. A duplicate name or a nil schema
// is an error reported by Build.
func (b *Builder) Field(name string, s *Schema) *Builder {
	if b.err != nil {
		return b
	}
	switch {
	case b.s.typ != STRUCT:
		b.err = fmt.Errorf("field %q: fields can only be added to a STRUCT schema, not %s", name, b.s.typ)
	case s == nil:
		b.err = fmt.Errorf("field %q: schema is nil", name)
	default:
		if _, dup := b.s.fieldIndex[name]; dup {
			b.err = fmt.Errorf("field %q: duplicate field name", name)
			return b
		}
		b.s.fieldIndex[name] = len(b.s.fields)
		b.s.fields = append(b.s.fields, Field{Name: name, Index: len(b.s.fields), Schema: s})
	}
	return b
}

// Build returns the schema, or the first error met while building it.
func (b *Builder) Build() (*Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	s := b.s
	if s.hasDefault {
		if s.def == nil && !s.optional {
			return nil, errors.New("default value is null for a required schema")
		}
		if err := Validate(&s, s.def); err != nil {
			return nil, fmt.Errorf("invalid default value: %w", err)
		}
	}
	return &s, nil
}

// MustBuild is Build for schemas fixed in code; it panics on an error,
// which is a programming error there. Never use it on schemas derived from
// input.
func (b *Builder) MustBuild() *Schema {
	s, err := b.Build()
	if err != nil {
		panic("schema: " + err.Error())
	}
	return s
}

// Copy returns a Builder initialised from an existing schema, for deriving
// a changed schema (e.g. an optional copy) without touching the original.
func Copy(s *Schema) *Builder {
	b := &Builder{s: *s}
	b.s.params = append([]Param(nil), s.params...)
	b.s.fields = append([]Field(nil), s.fields...)
	if s.typ == STRUCT {
		b.s.fieldIndex = make(map[string]int, len(s.fields))
		for i, f := range s.fields {
			b.s.fieldIndex[f.Name] = i
		}
	}
	return b
}
