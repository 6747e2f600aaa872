package schema

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// ValidationError reports a value that does not match its schema. Path names
// the failing field, e.g. "Товары[3].Цена".
type ValidationError struct {
	Path   string
	Reason string
}

// Error renders "path: reason", or the reason alone at the top level.
func (e *ValidationError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// Validate checks that v is a valid value of s. A nil schema accepts any
// value (schemaless data). The error is a *ValidationError naming the path.
func Validate(s *Schema, v any) error { return validateAt(s, v, "") }

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func mismatch(path string, s *Schema, v any) error {
	return &ValidationError{Path: path, Reason: fmt.Sprintf("expected %s, got %s", s.Describe(), goTypeName(v))}
}

func validateAt(s *Schema, v any, path string) error {
	if s == nil {
		return nil
	}
	if v == nil {
		if s.optional || s.hasDefault {
			return nil
		}
		return &ValidationError{Path: path, Reason: fmt.Sprintf("required %s is null", s.Describe())}
	}
	switch s.Logical() {
	case LogicalDecimal:
		d, err := ToDecimal(v)
		if err != nil {
			return mismatch(path, s, v)
		}
		scale, err := s.Scale()
		if err != nil {
			return &ValidationError{Path: path, Reason: err.Error()}
		}
		if _, err := Unscaled(d, scale); err != nil {
			return &ValidationError{Path: path, Reason: err.Error()}
		}
		return nil
	case LogicalDate, LogicalTime, LogicalTimestamp:
		if _, ok := v.(time.Time); !ok {
			return mismatch(path, s, v)
		}
		return nil
	}
	ok := false
	switch s.typ {
	case INT8:
		_, ok = v.(int8)
	case INT16:
		_, ok = v.(int16)
	case INT32:
		_, ok = v.(int32)
	case INT64:
		_, ok = v.(int64)
	case FLOAT32:
		_, ok = v.(float32)
	case FLOAT64:
		_, ok = v.(float64)
	case BOOLEAN:
		_, ok = v.(bool)
	case STRING:
		_, ok = v.(string)
	case BYTES:
		_, ok = v.([]byte)
	case ARRAY:
		arr, isArr := v.([]any)
		if !isArr {
			return mismatch(path, s, v)
		}
		for i, e := range arr {
			if err := validateAt(s.valSchema, e, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case MAP:
		switch m := v.(type) {
		case map[string]any:
			for k, e := range m {
				if err := validateAt(s.keySchema, k, path+"{key}"); err != nil {
					return err
				}
				if err := validateAt(s.valSchema, e, path+"["+strconv.Quote(k)+"]"); err != nil {
					return err
				}
			}
			return nil
		case map[any]any:
			for k, e := range m {
				if err := validateAt(s.keySchema, k, path+"{key}"); err != nil {
					return err
				}
				if err := validateAt(s.valSchema, e, fmt.Sprintf("%s[%v]", path, k)); err != nil {
					return err
				}
			}
			return nil
		}
		return mismatch(path, s, v)
	case STRUCT:
		st, isStruct := v.(*Struct)
		if !isStruct || st == nil {
			return mismatch(path, s, v)
		}
		if st.schema != s && !sameStructShape(st.schema, s) {
			return &ValidationError{Path: path, Reason: "struct schema does not match the field schema"}
		}
		for i, f := range s.fields {
			if err := validateAt(f.Schema, st.values[i], join(path, f.Name)); err != nil {
				return err
			}
		}
		return nil
	}
	if !ok {
		return mismatch(path, s, v)
	}
	return nil
}

// sameStructShape reports whether a struct value's schema fits a STRUCT
// schema: equal, or equal but for the outer optional flag and default (a
// default value is built from the schema before the default is set).
func sameStructShape(a, b *Schema) bool {
	if a.Equal(b) {
		return true
	}
	x, y := *a, *b
	x.optional, y.optional = false, false
	x.hasDefault, y.hasDefault = false, false
	x.def, y.def = nil, nil
	return x.Equal(&y)
}

// goTypeName names a Go value's type in Connect terms for error messages.
func goTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int8:
		return "INT8"
	case int16:
		return "INT16"
	case int32:
		return "INT32"
	case int64:
		return "INT64"
	case int:
		return "int"
	case float32:
		return "FLOAT32"
	case float64:
		return "FLOAT64"
	case bool:
		return "BOOLEAN"
	case string:
		return "string"
	case []byte:
		return "BYTES"
	case []any:
		return "ARRAY"
	case map[string]any, map[any]any:
		return "MAP"
	case *Struct:
		return "STRUCT"
	case decimal.Decimal:
		return "Decimal"
	case time.Time:
		return "time.Time"
	}
	return reflect.TypeOf(v).String()
}

// ValuesEqual compares two Connect values deeply: byte slices by content,
// decimals numerically, times by instant, structs field by field.
func ValuesEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case *Struct:
		y, ok := b.(*Struct)
		return ok && x.Equal(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !ValuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, found := y[k]
			if !found || !ValuesEqual(v, w) {
				return false
			}
		}
		return true
	case map[any]any:
		y, ok := b.(map[any]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, found := y[k]
			if !found || !ValuesEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}
