package metadata

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// DateParts says which parts of a date-time a 1C date type keeps. The column
// type is the same datetime either way (§5.4).
type DateParts uint8

// Date qualifiers.
const (
	DateAndTime DateParts = iota // Дата и время
	DateOnly                     // Дата
	TimeOnly                     // Время
)

// String returns a readable name.
func (d DateParts) String() string {
	switch d {
	case DateOnly:
		return "date"
	case TimeOnly:
		return "time"
	}
	return "datetime"
}

// TypeDef is a resolved 1C type description (ОписаниеТипов): the set of
// allowed value types with their qualifiers. Defined types and
// characteristic types are already expanded; generic references ("any
// catalog") are expanded to the concrete objects of the configuration.
type TypeDef struct {
	Boolean bool

	Number      bool
	Precision   int // digits in total
	Scale       int // digits after the point
	NonNegative bool

	Date      bool
	DateParts DateParts

	String bool
	Length int  // 0 = unlimited
	Fixed  bool // fixed length (nchar/mchar), else variable

	UUID         bool // УникальныйИдентификатор
	ValueStorage bool // ХранилищеЗначения

	// Refs are the UUIDs of the metadata objects a reference may point to,
	// in pattern order, without duplicates.
	Refs []uuid1c.UUID
	// UnknownRefs are reference type UUIDs that name no object the reader
	// models (charts of accounts, tasks, business processes, objects of
	// extensions). They still count as reference targets for the column
	// layout.
	UnknownRefs []uuid1c.UUID
}

// IsReference reports whether the type allows at least one reference.
func (t *TypeDef) IsReference() bool { return len(t.Refs)+len(t.UnknownRefs) > 0 }

// RefTargets is the number of possible reference targets.
func (t *TypeDef) RefTargets() int { return len(t.Refs) + len(t.UnknownRefs) }

// kindCount counts the groups of §5.5: boolean, number, date, string,
// binary (UUID / ValueStorage), reference.
func (t *TypeDef) kindCount() int {
	n := 0
	for _, b := range []bool{t.Boolean, t.Number, t.Date, t.String, t.UUID || t.ValueStorage, t.IsReference()} {
		if b {
			n++
		}
	}
	if t.UUID && t.ValueStorage {
		n++
	}
	return n
}

// IsComposite reports whether values of this type are stored in the
// multi-column layout of §5.5 (_TYPE plus one column per allowed kind):
// several kinds, or a reference with more than one possible target.
func (t *TypeDef) IsComposite() bool {
	k := t.kindCount()
	return k > 1 || (k == 1 && t.RefTargets() > 1)
}

// IsEmpty reports whether no type is allowed at all.
func (t *TypeDef) IsEmpty() bool { return t.kindCount() == 0 }

// Describe renders the type the way the configurator shows it, roughly:
// "String(10)", "Number(15,2)", "Ref(2)", joined with " | ".
func (t *TypeDef) Describe() string {
	var parts []string
	if t.Boolean {
		parts = append(parts, "Boolean")
	}
	if t.Number {
		s := fmt.Sprintf("Number(%d,%d)", t.Precision, t.Scale)
		if t.NonNegative {
			s += "+"
		}
		parts = append(parts, s)
	}
	if t.Date {
		parts = append(parts, "Date("+t.DateParts.String()+")")
	}
	if t.String {
		switch {
		case t.Length == 0:
			parts = append(parts, "String")
		case t.Fixed:
			parts = append(parts, fmt.Sprintf("String(%d,fixed)", t.Length))
		default:
			parts = append(parts, fmt.Sprintf("String(%d)", t.Length))
		}
	}
	if t.UUID {
		parts = append(parts, "UUID")
	}
	if t.ValueStorage {
		parts = append(parts, "ValueStorage")
	}
	if n := t.RefTargets(); n > 0 {
		parts = append(parts, fmt.Sprintf("Ref(%d)", n))
	}
	if len(parts) == 0 {
		return "Undefined"
	}
	return strings.Join(parts, " | ")
}
