package dialect

import (
	"fmt"
	"strings"
)

// ColumnKind is the physical shape of a 1C column, independent of the
// database engine. It decides how a value is selected, decoded and encoded.
type ColumnKind int

// Column kinds. The comments give the SQL Server / PostgreSQL types and the
// canonical Go value Decode returns (and Encode accepts).
const (
	// Invalid is the zero ColumnKind; it is never valid in a Column.
	Invalid ColumnKind = iota
	// Binary16 is a reference or UUID: binary(16) / bytea of 16 bytes in
	// 1C byte order (_IDRRef, _FldNRRef, _RRRef). Go: canonical UUID string.
	Binary16
	// TypeCode is a one-byte tag: binary(1) / bytea (_FldN_TYPE,
	// _RecordKey). Go: int64 0..255.
	TypeCode
	// RTRef is a 4-byte big-endian type code: binary(4) / bytea (_RTRef,
	// _RecorderTRef, _NodeTRef). Go: int64 0..2^32-1.
	RTRef
	// Bool is a boolean: binary(1) 0x00/0x01 / boolean. Go: bool.
	Bool
	// String is a variable-length string: nvarchar(n) / mvarchar(n).
	// Go: string.
	String
	// FixedString is a space-padded string: nchar(n) / mchar(n). Go: string
	// with trailing spaces trimmed.
	FixedString
	// Numeric is numeric(p,s) on both engines. Go: decimal.Decimal.
	Numeric
	// DateTime is datetime2 / timestamp without time zone. Go: time.Time in
	// UTC whose wall clock is 1C's, with the year offset removed.
	DateTime
	// Bytes is opaque binary data: varbinary(max), image, binary(n) /
	// bytea (ValueStorage, _KeyField). Go: []byte.
	Bytes
	// Int is an integer column: int, bigint / integer, bigint. Go: int64.
	Int
	// Version is _Version: rowversion (8 bytes, big-endian, read-only) on
	// SQL Server, integer on PostgreSQL. Go: int64.
	Version
	maxKind // keep last
)

var kindNames = [...]string{
	Invalid: "invalid", Binary16: "binary16", TypeCode: "typecode", RTRef: "rtref", Bool: "bool",
	String: "string", FixedString: "fixedstring", Numeric: "numeric", DateTime: "datetime",
	Bytes: "bytes", Int: "int", Version: "version",
}

// String returns the kind's lower-case name.
func (k ColumnKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ColumnKind(%d)", int(k))
}

// Valid reports whether k is one of the defined kinds (not Invalid).
func (k ColumnKind) Valid() bool { return k > Invalid && k < maxKind }

// Column is one physical column of a table, as the metadata package
// describes it. Length is the string length in characters (0 = unlimited)
// or the binary length; Precision and Scale apply to Numeric.
type Column struct {
	Name      string
	Kind      ColumnKind
	Length    int
	Precision int
	Scale     int
}

// Table is a physical table: its name, its columns in physical order, and
// its clustered key (column names in index order), which keyset paging and
// key-based statements use.
type Table struct {
	Name    string
	Columns []Column
	Key     []string
}

// Column returns the column called name. Names compare case-insensitively,
// because PostgreSQL folds 1C's names to lower case.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return Column{}, false
}

// KeyColumns returns the key columns in key order.
func (t Table) KeyColumns() ([]Column, error) {
	return t.columnsNamed(t.Key, "key")
}

func (t Table) columnsNamed(names []string, what string) ([]Column, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("table %s: empty %s: %w", t.Name, what, ErrBadTable)
	}
	out := make([]Column, len(names))
	for i, n := range names {
		c, ok := t.Column(n)
		if !ok {
			return nil, fmt.Errorf("table %s: %s column %q is not a column of the table: %w", t.Name, what, n, ErrBadTable)
		}
		out[i] = c
	}
	return out, nil
}

// validate checks the table and the requested columns: known kinds, no
// duplicates. Identifier shapes are checked by the quoting step.
func (t Table) validate(cols []Column) error {
	if t.Name == "" {
		return fmt.Errorf("table without a name: %w", ErrBadTable)
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %s: no columns: %w", t.Name, ErrBadTable)
	}
	for _, c := range t.Columns {
		if !c.Kind.Valid() {
			return fmt.Errorf("table %s: column %s has kind %s: %w", t.Name, c.Name, c.Kind, ErrBadTable)
		}
	}
	if cols != nil && len(cols) == 0 {
		return fmt.Errorf("table %s: no columns requested: %w", t.Name, ErrBadTable)
	}
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if !c.Kind.Valid() {
			return fmt.Errorf("table %s: column %s has kind %s: %w", t.Name, c.Name, c.Kind, ErrBadTable)
		}
		if _, ok := t.Column(c.Name); !ok {
			return fmt.Errorf("table %s: column %q is not a column of the table: %w", t.Name, c.Name, ErrBadTable)
		}
		k := strings.ToLower(c.Name)
		if seen[k] {
			return fmt.Errorf("table %s: column %s requested twice: %w", t.Name, c.Name, ErrBadTable)
		}
		seen[k] = true
	}
	return nil
}

// Eq is an equality condition on one column, used to filter locking reads
// (for example _NodeTRef and _NodeRRef of a change table). Value is in
// database form, as Encode returns it.
type Eq struct {
	Column string
	Value  any
}

// Stmt is one SQL statement with its positional arguments, ready for a
// Querier.
type Stmt struct {
	SQL  string
	Args []any
}
