package metadata

import (
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// DBMS identifies where an infobase lives; it decides the case of physical
// names and the SQL used to read system tables.
type DBMS uint8

// Supported database systems. DBMSNone marks a model read from a .cf file,
// which has no physical names.
const (
	DBMSNone DBMS = iota
	DBMSPostgres
	DBMSSQLServer
)

// String returns "none", "postgres" or "sqlserver".
func (d DBMS) String() string {
	switch d {
	case DBMSPostgres:
		return "postgres"
	case DBMSSQLServer:
		return "sqlserver"
	}
	return "none"
}

// Infobase is an immutable snapshot of an infobase's (or a .cf file's)
// metadata. Nothing in it is modified after Load returns: share it freely
// between goroutines. A configuration change produces a new *Infobase (see
// Reader); holders of the old one keep a consistent view.
type Infobase struct {
	// Name and Synonym of the configuration.
	Name, Synonym string
	// DBMS the snapshot was read from (DBMSNone for a .cf file).
	DBMS DBMS
	// CompatibilityVersion is the configuration's compatibility mode, e.g.
	// 80315 (raw codes 0/1/2 already mapped, §3.1).
	CompatibilityVersion int
	// YearOffset is added to every date stored in the database (0 or 2000,
	// §7.4); -1 when the _YearOffset table does not exist.
	YearOffset int
	// Objects in a stable order: by kind (Kinds()), then by name.
	Objects []*Object
	// Problems lists the objects that could not be read; the rest loaded.
	Problems []ObjectError
	// Fingerprint is the change-detection stamp the snapshot was read under
	// ("" for a .cf file).
	Fingerprint string
	// LoadedAt is when the snapshot was built.
	LoadedAt time.Time

	byUUID     map[uuid1c.UUID]*Object
	byName     map[string]*Object // key: lower-case "Kind.Name" in both languages
	byTypeCode map[int]*Object
}

// ObjectByUUID returns the object with the given metadata UUID.
func (ib *Infobase) ObjectByUUID(u uuid1c.UUID) (*Object, bool) {
	o, ok := ib.byUUID[u]
	return o, ok
}

// ObjectByTypeCode returns the reference object whose main DBNames code is
// code: the decoding of a _RTRef / _TRef / _NodeTRef value (§8.3).
func (ib *Infobase) ObjectByTypeCode(code int) (*Object, bool) {
	o, ok := ib.byTypeCode[code]
	return o, ok
}

// DateFromDB removes the year offset from a date read from the database.
func (ib *Infobase) DateFromDB(t time.Time) time.Time {
	if ib.YearOffset <= 0 {
		return t
	}
	return t.AddDate(-ib.YearOffset, 0, 0)
}

// DateToDB adds the year offset to a date written to (or compared in) the
// database.
func (ib *Infobase) DateToDB(t time.Time) time.Time {
	if ib.YearOffset <= 0 {
		return t
	}
	return t.AddDate(ib.YearOffset, 0, 0)
}

// ObjectError reports one metadata object that could not be read.
type ObjectError struct {
	UUID uuid1c.UUID
	Kind Kind
	Name string // when known
	Err  error
}

// Error implements error.
func (e ObjectError) Error() string {
	name := e.Name
	if name == "" {
		name = "?"
	}
	return e.Kind.String() + "." + name + " (" + e.UUID.String() + "): " + e.Err.Error()
}

// Unwrap returns the cause.
func (e ObjectError) Unwrap() error { return e.Err }

// Periodicity of an information register (§5.2).
type Periodicity uint8

// Register periodicities.
const (
	PeriodNone Periodicity = iota
	PeriodYear
	PeriodQuarter
	PeriodMonth
	PeriodDay
	PeriodSecond
	PeriodRecorderPosition
)

// RegisterKind of an accumulation register.
type RegisterKind uint8

// Accumulation register kinds.
const (
	Balances  RegisterKind = 0 // остатки
	Turnovers RegisterKind = 1 // обороты
)

// Object is one metadata object with its properties and, when read from a
// database, its physical layout.
type Object struct {
	Kind    Kind
	Name    string
	Synonym string
	UUID    uuid1c.UUID
	// RefTypeUUID is the UUID type patterns use for references to this
	// object (СправочникСсылка.X ...); zero for non-reference kinds.
	RefTypeUUID uuid1c.UUID
	// TypeCode is the DBNames code of the main table; for reference kinds
	// it is also the value of _RTRef/_TRef columns pointing here. 0 without
	// DBNames.
	TypeCode int
	// Table is the main table (_Reference42, lower-case on PostgreSQL);
	// "" without DBNames.
	Table string

	// StandardAttributes are the system properties (Ссылка, Код, Период,
	// Регистратор, ...), in physical column order.
	StandardAttributes []*Property
	Attributes         []*Property
	Dimensions         []*Property // registers
	Resources          []*Property // registers
	TabularSections    []*TabularSection
	EnumValues         []EnumValue    // enums
	ExchangeContent    []ExchangeItem // exchange plans
	// ChangeTable is the change-registration table, nil when the object is
	// in no exchange plan (or without DBNames).
	ChangeTable *ChangeTable

	// Catalogs and charts of characteristic types.
	CodeLength        int
	CodeIsNumber      bool
	DescriptionLength int
	Hierarchical      bool
	HierarchyGroups   bool          // hierarchy of groups and items (_Folder present)
	Owners            []uuid1c.UUID // catalog owners (object UUIDs)

	// Documents.
	NumberLength      int
	NumberIsNumber    bool
	NumberPeriodicity int           // 0 none; non-zero adds _NumberPrefix
	RegisterRecords   []uuid1c.UUID // registers the document posts to

	// Registers.
	Periodicity  Periodicity  // information registers
	UseRecorder  bool         // information register subordinate to a recorder; always true for accumulation registers
	RegisterKind RegisterKind // accumulation registers
	Recorders    []uuid1c.UUID
	// UsePeriodForChangeTracking: _Period is a change-table key column.
	UsePeriodForChangeTracking bool

	// ValueType is the type of a constant's value or of a chart of
	// characteristic types' values.
	ValueType *TypeDef
	// CharacteristicUUID is the "Характеристика.X" type UUID of a chart.
	CharacteristicUUID uuid1c.UUID

	ib *Infobase // the snapshot holding this object
}

// Infobase returns the snapshot this object belongs to.
func (o *Object) Infobase() *Infobase { return o.ib }

// FullName returns "Kind.Name" with the English kind name.
func (o *Object) FullName() string { return o.Kind.String() + "." + o.Name }

// FullNameRU returns "Kind.Name" with the Russian kind name.
func (o *Object) FullNameRU() string { return o.Kind.Russian() + "." + o.Name }

// AllProperties returns standard attributes, dimensions, resources and
// attributes in that order (a new slice).
func (o *Object) AllProperties() []*Property {
	out := make([]*Property, 0, len(o.StandardAttributes)+len(o.Dimensions)+len(o.Resources)+len(o.Attributes))
	out = append(out, o.StandardAttributes...)
	out = append(out, o.Dimensions...)
	out = append(out, o.Resources...)
	return append(out, o.Attributes...)
}

// Columns returns every physical column of the main table in physical
// order: standard attributes, dimensions, resources, attributes, then the
// trailing system columns (_SimpleKey, §6.6).
func (o *Object) Columns() []Column {
	var out, tail []Column
	for _, p := range o.AllProperties() {
		if p.trailing {
			tail = append(tail, p.Columns...)
			continue
		}
		out = append(out, p.Columns...)
	}
	return append(out, tail...)
}

// TabularSection returns the tabular section with the given name
// (case-insensitive).
func (o *Object) TabularSection(name string) (*TabularSection, bool) {
	for _, t := range o.TabularSections {
		if equalFoldName(t.Name, name) {
			return t, true
		}
	}
	return nil, false
}

// PropertyRole says where a property belongs.
type PropertyRole uint8

// Property roles.
const (
	RoleStandard PropertyRole = iota
	RoleAttribute
	RoleDimension
	RoleResource
)

// Property is an attribute, dimension, resource or standard attribute.
type Property struct {
	Name    string
	Synonym string
	UUID    uuid1c.UUID // zero for standard attributes
	Role    PropertyRole
	Type    TypeDef
	// Columns holding the value, in physical order (§5.5); empty without
	// DBNames.
	Columns []Column
	// UseInChangeTracking: an information register dimension that is a key
	// column of the change table.
	UseInChangeTracking bool
	// Inverted: the stored boolean is the negation of the property's value
	// (ЭтоГруппа is stored as _Folder, where false means a group, §6.1).
	Inverted bool

	trailing bool // physically after the fields (_SimpleKey)
}

// Column returns the column with the given purpose.
func (p *Property) Column(purpose ColumnPurpose) (Column, bool) {
	for _, c := range p.Columns {
		if c.Purpose == purpose {
			return c, true
		}
	}
	return Column{}, false
}

// TabularSection is a tabular section (табличная часть) of an object.
type TabularSection struct {
	Name    string
	Synonym string
	UUID    uuid1c.UUID
	// Table is <owner table>_VT<n>; "" without DBNames.
	Table string
	// StandardAttributes: Ссылка (<owner>_IDRRef), КлючСтроки (_KeyField),
	// НомерСтроки (_LineNo<n>).
	StandardAttributes []*Property
	Attributes         []*Property
	// LineNumberLength is the precision of _LineNo (5..9).
	LineNumberLength int
}

// AllProperties returns standard attributes then attributes (a new slice).
func (t *TabularSection) AllProperties() []*Property {
	out := make([]*Property, 0, len(t.StandardAttributes)+len(t.Attributes))
	out = append(out, t.StandardAttributes...)
	return append(out, t.Attributes...)
}

// EnumValue is one value of an enum. Order is the 0-based position, the
// value of _EnumOrder (base UNCONFIRMED, §5.2).
type EnumValue struct {
	Name    string
	Synonym string
	UUID    uuid1c.UUID // the row's _IDRRef in canonical order
	Order   int
}

// ExchangeItem is one object in an exchange plan's content (§9.4).
type ExchangeItem struct {
	UUID             uuid1c.UUID
	AutoRegistration bool
}

// ChangeTable is the change-registration table of an object (§9.2), shared
// by every exchange plan that includes the object.
type ChangeTable struct {
	Table string
	// Node holds _NodeTRef (the plan's type code) and _NodeRRef (the node).
	Node *Property
	// MessageNo is _MessageNo (numeric(10,0), NULL = not sent).
	MessageNo Column
	// Key lists the properties that identify the changed object (Ссылка,
	// Регистратор, Период, dimensions, or the constant's _ConstID).
	Key []*Property
}

// Columns returns every column of the change table in order.
func (c *ChangeTable) Columns() []Column {
	out := append([]Column(nil), c.Node.Columns...)
	out = append(out, c.MessageNo)
	for _, p := range c.Key {
		out = append(out, p.Columns...)
	}
	return out
}
