package metadata

// ColumnKind is the physical type of a column, independent of the DBMS.
// The MSSQL / PostgreSQL spelling of each is given in 1c-layout.md §7.1.
type ColumnKind uint8

// Column kinds.
const (
	ColUnknown  ColumnKind = iota
	ColBinary16            // binary(16) / bytea: references, UUIDs, _IDRRef
	ColBool                // binary(1) / boolean
	ColString              // nvarchar/nchar(Length) / mvarchar/mchar(Length); Fixed selects the fixed form; Length 0 = unlimited
	ColNumeric             // numeric(Precision, Scale)
	ColDateTime            // datetime2 / timestamp without time zone (year offset applies)
	ColBytes               // varbinary(max) / bytea: ValueStorage, _Type of charts
	ColTypeTag             // binary(1) / bytea: the _TYPE tag of a composite value, or _RecordKey
	ColBinary4             // binary(4) / bytea: _RTRef, _RecorderTRef, _NodeTRef, _KeyField (big-endian uint32)
	ColVersion             // rowversion (8 bytes) / integer: _Version
)

var columnKindNames = [...]string{"unknown", "binary16", "bool", "string", "numeric", "datetime", "bytes", "typetag", "binary4", "version"}

// String returns a short lower-case name.
func (k ColumnKind) String() string {
	if int(k) < len(columnKindNames) {
		return columnKindNames[k]
	}
	return "unknown"
}

// ColumnPurpose says which part of a property's value a column holds.
type ColumnPurpose uint8

// Column purposes. A simple (non-composite) property has one column with
// PurposeValue (or PurposeRef for a single-target reference).
const (
	PurposeValue    ColumnPurpose = iota // the value itself
	PurposeTag                           // _TYPE: which kind the composite value holds
	PurposeBool                          // _L
	PurposeNumber                        // _N
	PurposeDate                          // _T
	PurposeString                        // _S
	PurposeBinary                        // _B (UUID in a composite; spelling UNCONFIRMED in 1c-layout.md)
	PurposeTypeCode                      // _RTRef / _TRef: the referenced object's type code
	PurposeRef                           // RRef / _RRRef: the referenced object's _IDRRef
)

var purposeNames = [...]string{"value", "_TYPE", "_L", "_N", "_T", "_S", "_B", "_RTRef", "_RRRef"}

// String returns the suffix the purpose is known by.
func (p ColumnPurpose) String() string {
	if int(p) < len(purposeNames) {
		return purposeNames[p]
	}
	return "unknown"
}

// Column is one physical column of a table. Name is as the DBMS stores it:
// lower-case on PostgreSQL, mixed case on SQL Server.
type Column struct {
	Name      string
	Purpose   ColumnPurpose
	Kind      ColumnKind
	Length    int // ColString: characters, 0 = unlimited
	Fixed     bool
	Precision int // ColNumeric
	Scale     int // ColNumeric
	Nullable  bool
}
