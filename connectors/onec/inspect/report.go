package inspect

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// FormatVersion is the version of the JSON document; it changes only when
// a field is removed or changes meaning (adding fields does not change it).
const FormatVersion = 1

// Report is the JSON document `worker onec inspect --format json` prints.
type Report struct {
	FormatVersion int           `json:"formatVersion"`
	Infobase      InfobaseInfo  `json:"infobase"`
	Objects       []ObjectInfo  `json:"objects"`
	Problems      []ProblemInfo `json:"problems"`
}

// InfobaseInfo describes the configuration.
type InfobaseInfo struct {
	Name                 string `json:"name"`
	Synonym              string `json:"synonym"`
	DBMS                 string `json:"dbms"` // postgres, sqlserver or none (a .cf file)
	CompatibilityVersion int    `json:"compatibilityVersion"`
	YearOffset           int    `json:"yearOffset"` // -1 without a _YearOffset table; 0 for a .cf file
	ObjectCount          int    `json:"objectCount"`
}

// ObjectInfo describes one metadata object.
type ObjectInfo struct {
	Kind            string           `json:"kind"`   // Catalog, Document, ...
	KindRU          string           `json:"kindRu"` // Справочник, Документ, ...
	Name            string           `json:"name"`
	FullName        string           `json:"fullName"`   // Catalog.Номенклатура
	FullNameRU      string           `json:"fullNameRu"` // Справочник.Номенклатура
	Synonym         string           `json:"synonym"`
	UUID            string           `json:"uuid"`
	TypeCode        int              `json:"typeCode"` // DBNames code; 0 for a .cf file
	Table           string           `json:"table"`    // "" for a .cf file
	Properties      []PropertyInfo   `json:"properties"`
	TabularSections []SectionInfo    `json:"tabularSections"`
	EnumValues      []EnumValueInfo  `json:"enumValues"`
	ChangeTable     *ChangeTableInfo `json:"changeTable"` // null when in no exchange plan (or for a .cf file)
	Schema          *SchemaInfo      `json:"schema"`      // the Connect schema; null with schemaError
	SchemaError     string           `json:"schemaError,omitempty"`
}

// PropertyInfo describes a standard attribute, dimension, resource or
// attribute.
type PropertyInfo struct {
	Name    string       `json:"name"`
	Synonym string       `json:"synonym"`
	Role    string       `json:"role"` // standard, dimension, resource or attribute
	Type    string       `json:"type"` // the parts joined with " | "
	Types   []string     `json:"types"`
	Columns []ColumnInfo `json:"columns"`
}

// ColumnInfo describes one physical column.
type ColumnInfo struct {
	Name      string `json:"name"`
	Purpose   string `json:"purpose"` // value, _TYPE, _L, _N, _T, _S, _B, _RTRef, _RRRef
	Kind      string `json:"kind"`    // binary16, bool, string, numeric, datetime, bytes, typetag, binary4, version
	SQLType   string `json:"sqlType"` // in the DBMS's spelling
	Length    int    `json:"length"`
	Fixed     bool   `json:"fixed"`
	Precision int    `json:"precision"`
	Scale     int    `json:"scale"`
	Nullable  bool   `json:"nullable"`
}

// SectionInfo describes a tabular section.
type SectionInfo struct {
	Name       string         `json:"name"`
	Synonym    string         `json:"synonym"`
	UUID       string         `json:"uuid"`
	Table      string         `json:"table"`
	Properties []PropertyInfo `json:"properties"`
}

// EnumValueInfo describes an enum value.
type EnumValueInfo struct {
	Name    string `json:"name"`
	Synonym string `json:"synonym"`
	UUID    string `json:"uuid"`
	Order   int    `json:"order"`
}

// ChangeTableInfo describes the change-registration table.
type ChangeTableInfo struct {
	Table   string       `json:"table"`
	Columns []ColumnInfo `json:"columns"`
}

// ProblemInfo is an object the reader could not load.
type ProblemInfo struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	UUID  string `json:"uuid"`
	Error string `json:"error"`
}

// SchemaInfo is a Connect schema in Kafka Connect's JSON schema format
// (the "schema" part of JsonConverter's envelope).
type SchemaInfo struct {
	Type       string            `json:"type"`
	Optional   bool              `json:"optional"`
	Name       string            `json:"name,omitempty"`
	Version    int               `json:"version,omitempty"`
	Doc        string            `json:"doc,omitempty"`
	Parameters map[string]string `json:"parameters,omitempty"`
	Field      string            `json:"field,omitempty"` // set on struct fields
	Fields     []*SchemaInfo     `json:"fields,omitempty"`
	Items      *SchemaInfo       `json:"items,omitempty"`
	Keys       *SchemaInfo       `json:"keys,omitempty"`
	Values     *SchemaInfo       `json:"values,omitempty"`
}

// NewReport builds the report of the given objects (all when objects is
// nil) of ib.
func NewReport(ib *metadata.Infobase, objects []*metadata.Object, opts metadata.SchemaOptions) *Report {
	if objects == nil {
		objects = ib.Objects
	}
	r := &Report{FormatVersion: FormatVersion, Objects: []ObjectInfo{}, Problems: []ProblemInfo{},
		Infobase: InfobaseInfo{Name: ib.Name, Synonym: ib.Synonym, DBMS: ib.DBMS.String(),
			CompatibilityVersion: ib.CompatibilityVersion, YearOffset: ib.YearOffset, ObjectCount: len(ib.Objects)}}
	for _, o := range objects {
		r.Objects = append(r.Objects, objectInfo(ib, o, opts))
	}
	for _, p := range ib.Problems {
		r.Problems = append(r.Problems, ProblemInfo{Kind: p.Kind.String(), Name: p.Name, UUID: p.UUID.String(), Error: p.Err.Error()})
	}
	return r
}

func objectInfo(ib *metadata.Infobase, o *metadata.Object, opts metadata.SchemaOptions) ObjectInfo {
	oi := ObjectInfo{Kind: o.Kind.String(), KindRU: o.Kind.Russian(), Name: o.Name, FullName: o.FullName(), FullNameRU: o.FullNameRU(),
		Synonym: o.Synonym, UUID: o.UUID.String(), TypeCode: o.TypeCode, Table: o.Table,
		Properties: properties(ib, o.AllProperties()), TabularSections: []SectionInfo{}, EnumValues: []EnumValueInfo{}}
	for _, ts := range o.TabularSections {
		oi.TabularSections = append(oi.TabularSections, SectionInfo{Name: ts.Name, Synonym: ts.Synonym, UUID: ts.UUID.String(),
			Table: ts.Table, Properties: properties(ib, ts.AllProperties())})
	}
	for _, v := range o.EnumValues {
		oi.EnumValues = append(oi.EnumValues, EnumValueInfo{Name: v.Name, Synonym: v.Synonym, UUID: v.UUID.String(), Order: v.Order})
	}
	if ct := o.ChangeTable; ct != nil {
		oi.ChangeTable = &ChangeTableInfo{Table: ct.Table, Columns: columns(ib.DBMS, ct.Columns())}
	}
	s, err := o.ConnectSchema(opts)
	if err != nil {
		oi.SchemaError = err.Error()
	} else {
		oi.Schema = schemaInfo(s)
	}
	return oi
}

var roles = map[metadata.PropertyRole]string{metadata.RoleStandard: "standard", metadata.RoleAttribute: "attribute",
	metadata.RoleDimension: "dimension", metadata.RoleResource: "resource"}

func properties(ib *metadata.Infobase, ps []*metadata.Property) []PropertyInfo {
	out := make([]PropertyInfo, 0, len(ps))
	for _, p := range ps {
		types := typeParts(ib, &p.Type)
		out = append(out, PropertyInfo{Name: p.Name, Synonym: p.Synonym, Role: roles[p.Role],
			Type: strings.Join(types, " | "), Types: types, Columns: columns(ib.DBMS, p.Columns)})
	}
	return out
}

// typeParts describes a type with the reference targets named:
// "String(25)", "Number(15,2)+", "Catalog.Номенклатура".
func typeParts(ib *metadata.Infobase, t *metadata.TypeDef) []string {
	prim := *t
	prim.Refs, prim.UnknownRefs = nil, nil
	var parts []string
	if !prim.IsEmpty() {
		parts = strings.Split(prim.Describe(), " | ")
	}
	for _, u := range t.Refs {
		if o, ok := ib.ObjectByUUID(u); ok {
			parts = append(parts, o.FullName())
		} else {
			parts = append(parts, "Ref("+u.String()+")")
		}
	}
	for _, u := range t.UnknownRefs {
		parts = append(parts, "Ref("+u.String()+")")
	}
	if len(parts) == 0 {
		parts = []string{} // system properties without a 1C type (ВерсияДанных, КлючСтроки, ...)
	}
	return parts
}

func columns(dbms metadata.DBMS, cs []metadata.Column) []ColumnInfo {
	out := make([]ColumnInfo, 0, len(cs))
	for _, c := range cs {
		out = append(out, ColumnInfo{Name: c.Name, Purpose: c.Purpose.String(), Kind: c.Kind.String(), SQLType: sqlType(dbms, c),
			Length: c.Length, Fixed: c.Fixed, Precision: c.Precision, Scale: c.Scale, Nullable: c.Nullable})
	}
	return out
}

// sqlType spells a column's type as the DBMS declares it (1c-layout.md §7.1).
func sqlType(dbms metadata.DBMS, c metadata.Column) string {
	pg := dbms == metadata.DBMSPostgres
	switch dbms {
	case metadata.DBMSPostgres, metadata.DBMSSQLServer:
	default:
		return ""
	}
	switch c.Kind {
	case metadata.ColBinary16:
		return pick(pg, "bytea", "binary(16)")
	case metadata.ColBinary4:
		return pick(pg, "bytea", "binary(4)")
	case metadata.ColTypeTag:
		return pick(pg, "bytea", "binary(1)")
	case metadata.ColBool:
		return pick(pg, "boolean", "binary(1)")
	case metadata.ColBytes:
		return pick(pg, "bytea", "varbinary(max)")
	case metadata.ColVersion:
		return pick(pg, "integer", "rowversion")
	case metadata.ColDateTime:
		return pick(pg, "timestamp without time zone", "datetime2(0)")
	case metadata.ColNumeric:
		return fmt.Sprintf("numeric(%d,%d)", c.Precision, c.Scale)
	case metadata.ColString:
		switch {
		case c.Length == 0:
			return pick(pg, "mvarchar", "nvarchar(max)")
		case c.Fixed:
			return fmt.Sprintf("%s(%d)", pick(pg, "mchar", "nchar"), c.Length)
		}
		return fmt.Sprintf("%s(%d)", pick(pg, "mvarchar", "nvarchar"), c.Length)
	}
	return ""
}

func pick(pg bool, a, b string) string {
	if pg {
		return a
	}
	return b
}

// schemaInfo renders a Connect schema in Kafka Connect's JSON schema format.
func schemaInfo(s *schema.Schema) *SchemaInfo {
	si := &SchemaInfo{Type: s.Type().JSONName(), Optional: s.Optional(), Name: s.Name(), Version: s.Version(), Doc: s.Doc()}
	if ps := s.Params(); len(ps) > 0 {
		si.Parameters = map[string]string{}
		for _, p := range ps {
			si.Parameters[p.Key] = p.Value
		}
	}
	switch s.Type() {
	case schema.STRUCT:
		si.Fields = []*SchemaInfo{}
		for _, f := range s.Fields() {
			fi := schemaInfo(f.Schema)
			fi.Field = f.Name
			si.Fields = append(si.Fields, fi)
		}
	case schema.ARRAY:
		si.Items = schemaInfo(s.ValueSchema())
	case schema.MAP:
		si.Keys, si.Values = schemaInfo(s.KeySchema()), schemaInfo(s.ValueSchema())
	}
	return si
}
