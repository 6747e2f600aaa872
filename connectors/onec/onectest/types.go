package onectest

import (
	"fmt"
	"slices"
)

// DateParts says which parts of a 1C date a Date type holds. Every choice is
// stored in the same timestamp column.
type DateParts int

// Date qualifiers.
const (
	NoDate      DateParts = iota // the type does not allow dates
	DateOnly                     // Дата (date)
	TimeOnly                     // Время (time)
	DateAndTime                  // ДатаВремя (date and time)
)

// Type is a 1C type description: the set of types an attribute allows.
// A type with exactly one part maps to one column; any other combination
// (or more than one reference target) is a composite stored in the
// _TYPE/_L/_N/_T/_S/_RTRef/_RRRef columns of 1c-layout.md §5.5.
// The zero Type is invalid.
type Type struct {
	Boolean      bool
	Number       bool
	Precision    int  // digits, 1..38, when Number
	Scale        int  // digits after the point, when Number
	NonNegative  bool // Неотрицательное, when Number
	Dates        DateParts
	String       bool
	Length       int  // 0 = unlimited, when String
	Fixed        bool // fixed-length string (mchar/nchar), when String
	ValueStorage bool // ХранилищеЗначения: bytea
	UUID         bool // УникальныйИдентификатор: 16-byte bytea
	Refs         []string
}

// String returns a variable-length string type; n = 0 is unlimited.
func String(n int) Type { return Type{String: true, Length: n} }

// FixedString returns a fixed-length string type of n characters.
func FixedString(n int) Type { return Type{String: true, Length: n, Fixed: true} }

// Number returns Число(precision, scale).
func Number(precision, scale int) Type {
	return Type{Number: true, Precision: precision, Scale: scale}
}

// NonNegative returns a non-negative Число(precision, scale).
func NonNegative(precision, scale int) Type {
	return Type{Number: true, Precision: precision, Scale: scale, NonNegative: true}
}

// Date returns a date-only type.
func Date() Type { return Type{Dates: DateOnly} }

// DateTime returns a date-and-time type.
func DateTime() Type { return Type{Dates: DateAndTime} }

// Time returns a time-only type.
func Time() Type { return Type{Dates: TimeOnly} }

// Bool returns the Boolean type.
func Bool() Type { return Type{Boolean: true} }

// UUIDType returns УникальныйИдентификатор.
func UUIDType() Type { return Type{UUID: true} }

// ValueStorage returns ХранилищеЗначения.
func ValueStorage() Type { return Type{ValueStorage: true} }

// Ref returns a reference to one or more objects given by full name
// ("Справочник.Номенклатура"). More than one target is a composite.
func Ref(fullNames ...string) Type { return Type{Refs: slices.Clone(fullNames)} }

// Composite merges several types into one composite type. Qualifiers of
// the later part win when two parts are of the same primitive kind.
func Composite(parts ...Type) Type {
	var t Type
	for _, p := range parts {
		if p.Boolean {
			t.Boolean = true
		}
		if p.Number {
			t.Number, t.Precision, t.Scale, t.NonNegative = true, p.Precision, p.Scale, p.NonNegative
		}
		if p.Dates != NoDate {
			t.Dates = p.Dates
		}
		if p.String {
			t.String, t.Length, t.Fixed = true, p.Length, p.Fixed
		}
		t.ValueStorage = t.ValueStorage || p.ValueStorage
		t.UUID = t.UUID || p.UUID
		for _, r := range p.Refs {
			if !slices.Contains(t.Refs, r) {
				t.Refs = append(t.Refs, r)
			}
		}
	}
	return t
}

// primitiveKinds counts the non-reference kinds the type allows.
func (t Type) primitiveKinds() int {
	n := 0
	for _, b := range []bool{t.Boolean, t.Number, t.Dates != NoDate, t.String, t.ValueStorage, t.UUID} {
		if b {
			n++
		}
	}
	return n
}

// IsComposite reports whether the type is stored in composite columns.
func (t Type) IsComposite() bool {
	n := t.primitiveKinds()
	if len(t.Refs) > 0 {
		n++
	}
	return n > 1 || len(t.Refs) > 1
}

// validate checks qualifiers and combinations onectest can lay out.
func (t Type) validate() error {
	if t.primitiveKinds() == 0 && len(t.Refs) == 0 {
		return fmt.Errorf("empty type")
	}
	if t.Number && (t.Precision < 1 || t.Precision > 38 || t.Scale < 0 || t.Scale > t.Precision) {
		return fmt.Errorf("bad number qualifiers (%d,%d)", t.Precision, t.Scale)
	}
	if t.String && (t.Length < 0 || t.Length > 1024) {
		return fmt.Errorf("bad string length %d (0 = unlimited, at most 1024)", t.Length)
	}
	if t.String && t.Fixed && t.Length == 0 {
		return fmt.Errorf("a fixed string needs a length")
	}
	if t.IsComposite() && (t.ValueStorage || t.UUID) {
		return fmt.Errorf("ValueStorage and UUID cannot be parts of a composite type here")
	}
	for _, r := range t.Refs {
		if _, _, err := ParseFullName(r); err != nil {
			return err
		}
	}
	return nil
}
