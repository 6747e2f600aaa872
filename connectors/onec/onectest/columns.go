package onectest

import (
	"fmt"
	"strings"
)

// Table is one physical table of a built configuration.
type Table struct {
	// Name is the table name as 1C writes it on SQL Server (_Reference42);
	// PG is the same name lower-cased, the PostgreSQL spelling.
	Name       string
	Columns    []*Column
	PrimaryKey []string // SQL Server spelling of the key columns
	Indexes    []Index
}

// PG returns the PostgreSQL (lower-case) name of the table.
func (t *Table) PG() string { return strings.ToLower(t.Name) }

// Column returns the column with the given name in either spelling, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// Column is one physical column.
type Column struct {
	Name     string // SQL Server spelling, e.g. _Fld54RRef
	PGType   string // e.g. mvarchar(25), bytea, numeric(15,2)
	MSType   string // e.g. nvarchar(25), binary(16)
	Nullable bool
	kind     colKind
	length   int // characters for strings, bytes for fixed binaries
	fixed    bool
	scale    int
}

// PG returns the PostgreSQL (lower-case) name of the column.
func (c *Column) PG() string { return strings.ToLower(c.Name) }

// Index is an index of a table; Columns use the SQL Server spelling.
type Index struct {
	Name    string
	Unique  bool
	Columns []string
}

type colKind int

const (
	colRef     colKind = iota + 1 // binary(16)
	colTRef                       // binary(4)
	colTag                        // binary(1) _TYPE
	colKey                        // binary(4) _KeyField / binary(1) _RecordKey
	colBool                       // boolean / binary(1)
	colVersion                    // integer / rowversion
	colString                     // mvarchar / mchar
	colNumber                     // numeric
	colDate                       // timestamp
	colBinary                     // bytea / varbinary(max)
)

func newCol(name string, k colKind) *Column {
	c := &Column{Name: name, kind: k}
	switch k {
	case colRef:
		c.PGType, c.MSType, c.length = "bytea", "binary(16)", 16
	case colTRef:
		c.PGType, c.MSType, c.length = "bytea", "binary(4)", 4
	case colTag:
		c.PGType, c.MSType, c.length = "bytea", "binary(1)", 1
	case colBool:
		c.PGType, c.MSType = "boolean", "binary(1)"
	case colVersion:
		c.PGType, c.MSType = "integer", "timestamp"
	case colDate:
		c.PGType, c.MSType = "timestamp without time zone", "datetime2(0)"
	case colBinary:
		c.PGType, c.MSType = "bytea", "varbinary(max)"
	}
	return c
}

func keyCol(name string, bytes int) *Column {
	c := newCol(name, colKey)
	c.PGType, c.MSType, c.length = "bytea", fmt.Sprintf("binary(%d)", bytes), bytes
	return c
}

func numCol(name string, precision, scale int) *Column {
	c := newCol(name, colNumber)
	c.PGType = fmt.Sprintf("numeric(%d,%d)", precision, scale)
	c.MSType = c.PGType
	c.length, c.scale = precision, scale
	return c
}

func strCol(name string, length int, fixed bool) *Column {
	c := newCol(name, colString)
	c.length, c.fixed = length, fixed
	switch {
	case length == 0:
		c.PGType, c.MSType = "mvarchar", "nvarchar(max)"
	case fixed:
		c.PGType, c.MSType = fmt.Sprintf("mchar(%d)", length), fmt.Sprintf("nchar(%d)", length)
	default:
		c.PGType, c.MSType = fmt.Sprintf("mvarchar(%d)", length), fmt.Sprintf("nvarchar(%d)", length)
	}
	return c
}

// FieldColumns names the columns holding one attribute, dimension or
// resource. A simple type uses Single; a composite type uses the others
// (each empty when absent), as in 1c-layout.md §5.5.
type FieldColumns struct {
	Single string
	Type   string // _TYPE tag
	L      string // boolean part
	N      string // number part
	T      string // date part
	S      string // string part
	RTRef  string // type code of the reference (several targets only)
	RRRef  string // reference part
}

// fieldColumns builds the columns of a field with base name base (_Fld54).
func fieldColumns(base string, t Type, nullable bool) (FieldColumns, []*Column) {
	var fc FieldColumns
	var cols []*Column
	add := func(c *Column) string {
		c.Nullable = nullable
		cols = append(cols, c)
		return c.Name
	}
	if !t.IsComposite() {
		switch {
		case len(t.Refs) == 1:
			fc.Single = add(newCol(base+"RRef", colRef))
		case t.Boolean:
			fc.Single = add(newCol(base, colBool))
		case t.Number:
			fc.Single = add(numCol(base, t.Precision, t.Scale))
		case t.Dates != NoDate:
			fc.Single = add(newCol(base, colDate))
		case t.String:
			fc.Single = add(strCol(base, t.Length, t.Fixed))
		case t.ValueStorage:
			fc.Single = add(newCol(base, colBinary))
		case t.UUID:
			fc.Single = add(newCol(base, colRef))
		}
		return fc, cols
	}
	fc.Type = add(newCol(base+"_TYPE", colTag))
	if t.Boolean {
		fc.L = add(newCol(base+"_L", colBool))
	}
	if t.Number {
		fc.N = add(numCol(base+"_N", t.Precision, t.Scale))
	}
	if t.Dates != NoDate {
		fc.T = add(newCol(base+"_T", colDate))
	}
	if t.String {
		fc.S = add(strCol(base+"_S", t.Length, t.Fixed))
	}
	if len(t.Refs) > 1 {
		fc.RTRef = add(newCol(base+"_RTRef", colTRef))
	}
	if len(t.Refs) > 0 {
		fc.RRRef = add(newCol(base+"_RRRef", colRef))
	}
	return fc, cols
}

// names returns the column names of the field in physical order.
func (fc FieldColumns) names() []string {
	var out []string
	for _, n := range []string{fc.Single, fc.Type, fc.L, fc.N, fc.T, fc.S, fc.RTRef, fc.RRRef} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}
