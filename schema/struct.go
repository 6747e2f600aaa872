package schema

import (
	"fmt"
	"strings"
)

// Struct is a value of a STRUCT schema: one slot per field, in field order.
// A Struct is not safe for concurrent mutation; once built and handed to the
// runtime it must not be changed.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty Struct of a STRUCT schema. It panics if s is not
// a STRUCT schema, which is a programming error.
func NewStruct(s *Schema) *Struct {
	if s == nil || s.typ != STRUCT {
		panic("schema: NewStruct needs a STRUCT schema")
	}
	return &Struct{schema: s, values: make([]any, len(s.fields))}
}

// NewStructs returns n empty Structs of a STRUCT schema made with two
// allocations in all, one for the Structs and one for their slots: for code
// that builds many values of one schema at once, such as a page of
// records. Each Struct has slots of its own; the memory is freed once
// none of the Structs is reachable. It panics if s is not a STRUCT schema.
func NewStructs(s *Schema, n int) []Struct {
	if s == nil || s.typ != STRUCT {
		panic("schema: NewStructs needs a STRUCT schema")
	}
	k := len(s.fields)
	out := make([]Struct, n)
	slots := make([]any, n*k)
	for i := range out {
		out[i] = Struct{schema: s, values: slots[i*k : (i+1)*k : (i+1)*k]}
	}
	return out
}

// Schema returns the struct's schema.
func (st *Struct) Schema() *Schema { return st.schema }

// Put sets a field by name after checking the value against the field's
// schema. It returns the struct so calls can chain in tests via MustPut.
func (st *Struct) Put(name string, v any) error {
	f, ok := st.schema.Field(name)
	if !ok {
		return fmt.Errorf("%s is not a valid field name", name)
	}
	if err := validateAt(f.Schema, v, name); err != nil {
		return err
	}
	st.values[f.Index] = v
	return nil
}

// MustPut is Put for values fixed in code; it panics on an error.
func (st *Struct) MustPut(name string, v any) *Struct {
	if err := st.Put(name, v); err != nil {
		panic("schema: " + err.Error())
	}
	return st
}

// Set stores a value by field index without validation. It is the fast path
// for producers that build values from a schema they derived themselves
// (1C row readers, converters); Validate checks the result when wanted.
func (st *Struct) Set(index int, v any) { st.values[index] = v }

// Get returns a field's value by name; ok is false for an unknown field.
// An unset optional field returns its default, if any, else nil.
func (st *Struct) Get(name string) (v any, ok bool) {
	f, found := st.schema.Field(name)
	if !found {
		return nil, false
	}
	return st.At(f.Index), true
}

// At returns the value at a field index (the default for an unset field).
func (st *Struct) At(index int) any {
	v := st.values[index]
	if v == nil {
		if d, ok := st.schema.fields[index].Schema.Default(); ok {
			return d
		}
	}
	return v
}

// Raw returns the value stored at a field index, ignoring defaults.
func (st *Struct) Raw(index int) any { return st.values[index] }

// Validate checks every field against its schema: required fields set,
// values of the right Go type, recursively.
func (st *Struct) Validate() error { return validateAt(st.schema, st, "") }

// Equal reports whether two structs have equal schemas and values.
func (st *Struct) Equal(o *Struct) bool {
	if st == o {
		return true
	}
	if st == nil || o == nil || !st.schema.Equal(o.schema) {
		return false
	}
	for i := range st.values {
		if !ValuesEqual(st.values[i], o.values[i]) {
			return false
		}
	}
	return true
}

// String renders the struct for debugging: Struct{a=1,b=x}.
func (st *Struct) String() string {
	var b strings.Builder
	b.WriteString("Struct{")
	first := true
	for i, f := range st.schema.fields {
		if st.values[i] == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%s=%v", f.Name, st.values[i])
	}
	b.WriteString("}")
	return b.String()
}
