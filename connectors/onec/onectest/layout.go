package onectest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DBName is one entry of the DBNames file: a metadata UUID, a token and a
// code, naming the table or column "_" + Token + Code (1c-layout.md §4).
type DBName struct {
	UUID  string
	Token string
	Code  int
}

// Layout is the physical layout of a configuration: the DBNames entries,
// the metadata UUIDs and the tables with their columns. It is computed
// without a database (Plan) and is what Build creates.
type Layout struct {
	Config        *Configuration
	Compatibility int // e.g. 80323
	DBNames       []DBName
	Tables        []*Table // in creation order
	objects       []*ObjectLayout
	byObject      map[*Object]*ObjectLayout
	byName        map[objectKey]*ObjectLayout
	inPlan        map[*Object]bool // objects in some exchange plan's content
	mainUUID      string           // the main configuration file (root [2])
	configUUID    string           // the configuration object itself
}

// ObjectLayout is the physical layout of one metadata object.
type ObjectLayout struct {
	Object *Object
	// UUID is the object UUID: the Config file name and the DBNames UUID.
	UUID string
	// RefTypeUUID is the UUID other objects use in type patterns to refer
	// to this object (reference kinds only).
	RefTypeUUID string
	// Code is the DBNames code of the main table; for reference kinds it is
	// also the type code written to _TRef/_RTRef columns.
	Code        int
	Table       *Table
	ChangeTable *Table // nil if the object is in no exchange plan
	TotalsTable *Table // balance accumulation registers
	// Fields of attributes, dimensions and resources (and of a constant's
	// value, under the constant's name), by 1C name.
	Fields map[string]*FieldLayout
	// Sections are the tabular sections, by name.
	Sections map[string]*SectionLayout
	// EnumValues are the value UUIDs of an enum, in order.
	EnumValues []string
	// ChangeKey names the object-key columns of ChangeTable.
	ChangeKey []string
	typeUUIDs []string
}

// FieldLayout is the physical layout of one attribute, dimension, resource
// or tabular-section attribute.
type FieldLayout struct {
	Attribute Attribute
	UUID      string
	Code      int
	Columns   FieldColumns
	role      fieldRole
}

// SectionLayout is the physical layout of a tabular section.
type SectionLayout struct {
	Section    TabularSection
	UUID       string
	Code       int // VT code
	LineNoCode int
	Table      *Table
	OwnerKey   string // the owner-key column, e.g. _Document120_IDRRef
	LineNo     string // the line-number column, e.g. _LineNo131
	Fields     map[string]*FieldLayout
	order      []*FieldLayout
}

type fieldRole int

const (
	roleAttribute fieldRole = iota
	roleDimension
	roleResource
)

// systemDBNames are zero-UUID platform entries written at the head of
// DBNames, as a real infobase has them (1c-layout.md §4.1). onectest does
// not create their tables; a reader must skip them.
var systemDBNames = []string{"DbSegments", "DbSegmentsItems", "SystemSettings", "CommonSettings", "RepSettings",
	"FrmDtSettings", "Consts", "ConfigChngR", "RefOpt", "UsersWorkHistory"}

type objectKey struct {
	kind Kind
	name string
}

// Plan computes the physical layout of cfg without touching a database.
func Plan(cfg *Configuration) (*Layout, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	compat, _ := cfg.compatibility()
	l := &Layout{Config: cfg, Compatibility: compat, byObject: map[*Object]*ObjectLayout{}, byName: map[objectKey]*ObjectLayout{}}
	l.mainUUID = nameUUID(cfg.Name, "main file")
	l.configUUID = nameUUID(cfg.Name, "configuration")
	for _, s := range systemDBNames {
		l.add(zeroUUID, s)
	}
	// First pass: identities and main codes, so references resolve.
	for _, o := range cfg.Objects {
		ol := &ObjectLayout{Object: o, UUID: strings.ToLower(o.UUID), Fields: map[string]*FieldLayout{}, Sections: map[string]*SectionLayout{}}
		if ol.UUID == "" {
			ol.UUID = nameUUID(cfg.Name, o.FullName())
		}
		for i := range 14 {
			ol.typeUUIDs = append(ol.typeUUIDs, nameUUID(ol.UUID, "type", strconv.Itoa(i)))
		}
		if o.Kind.isReference() {
			ol.RefTypeUUID = ol.typeUUIDs[0]
		}
		ol.Code = l.add(ol.UUID, o.Kind.Token())
		l.objects = append(l.objects, ol)
		l.byObject[o] = ol
		l.byName[objectKey{o.Kind, o.Name}] = ol
	}
	l.inPlan = map[*Object]bool{}
	for _, p := range l.objects {
		for _, c := range p.Object.Content {
			if t, err := l.Object(c); err == nil {
				l.inPlan[t.Object] = true
			}
		}
	}
	for _, ol := range l.objects {
		if err := l.planObject(ol); err != nil {
			return nil, fmt.Errorf("onectest: %s: %w", ol.Object.FullName(), err)
		}
	}
	return l, nil
}

// add appends a DBNames entry and returns its code.
func (l *Layout) add(uuid, token string) int {
	code := len(l.DBNames) + 1
	l.DBNames = append(l.DBNames, DBName{UUID: uuid, Token: token, Code: code})
	return code
}

// Object returns the layout of the object with the given full name.
func (l *Layout) Object(fullName string) (*ObjectLayout, error) {
	k, name, err := ParseFullName(fullName)
	if err != nil {
		return nil, err
	}
	ol, ok := l.byName[objectKey{k, name}]
	if !ok {
		return nil, fmt.Errorf("onectest: no object %s in configuration %s", fullName, l.Config.Name)
	}
	return ol, nil
}

// Field returns the layout of an attribute, dimension or resource.
func (ol *ObjectLayout) Field(name string) (*FieldLayout, error) {
	f, ok := ol.Fields[name]
	if !ok {
		return nil, fmt.Errorf("onectest: %s has no attribute %s", ol.Object.FullName(), name)
	}
	return f, nil
}

// Section returns the layout of a tabular section.
func (ol *ObjectLayout) Section(name string) (*SectionLayout, error) {
	s, ok := ol.Sections[name]
	if !ok {
		return nil, fmt.Errorf("onectest: %s has no tabular section %s", ol.Object.FullName(), name)
	}
	return s, nil
}

// fields returns the object's fields in physical order.
func (ol *ObjectLayout) fields() []*FieldLayout {
	var out []*FieldLayout
	for _, f := range ol.Fields {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *FieldLayout) int { return a.Code - b.Code })
	return out
}

func (l *Layout) planObject(ol *ObjectLayout) error {
	o := ol.Object
	cfg := l.Config
	tableName := "_" + o.Kind.Token() + strconv.Itoa(ol.Code)
	t := &Table{Name: tableName}
	ol.Table = t
	pkIndex := func(cols ...string) {
		t.PrimaryKey = cols
	}
	idx := func(tb *Table, unique bool, cols ...string) {
		tb.Indexes = append(tb.Indexes, Index{Name: fmt.Sprintf("%s_%d", strings.ToLower(tb.Name), len(tb.Indexes)+1), Unique: unique, Columns: cols})
	}
	nullableAttrs := o.Kind == Catalog && o.Hierarchical
	addFields := func(attrs []Attribute, role fieldRole) {
		for _, a := range attrs {
			f := l.newField(ol.UUID, a, role)
			var cols []*Column
			f.Columns, cols = fieldColumns("_Fld"+strconv.Itoa(f.Code), a.Type, nullableAttrs)
			t.Columns = append(t.Columns, cols...)
			ol.Fields[a.Name] = f
		}
	}
	codeLen, descLen := o.CodeLength, o.DescriptionLength
	if codeLen == 0 && !o.NoCode {
		codeLen = 9
	}
	if descLen == 0 && !o.NoDescription {
		descLen = 25
	}
	if o.NoCode {
		codeLen = 0
	}
	if o.NoDescription {
		descLen = 0
	}
	switch o.Kind {
	case Catalog:
		t.Columns = append(t.Columns, newCol("_IDRRef", colRef), newCol("_Version", colVersion), newCol("_Marked", colBool))
		if l.Compatibility >= 80303 {
			t.Columns = append(t.Columns, newCol("_PredefinedID", colRef))
		} else {
			t.Columns = append(t.Columns, newCol("_IsMetadata", colBool))
		}
		if o.Hierarchical {
			t.Columns = append(t.Columns, newCol("_ParentIDRRef", colRef), newCol("_Folder", colBool))
		}
		switch len(o.Owners) {
		case 0:
		case 1:
			t.Columns = append(t.Columns, newCol("_OwnerIDRRef", colRef))
		default:
			t.Columns = append(t.Columns, newCol("_OwnerID_TYPE", colTag), newCol("_OwnerID_RTRef", colTRef), newCol("_OwnerID_RRRef", colRef))
		}
		if codeLen > 0 {
			if o.CodeNumeric {
				t.Columns = append(t.Columns, numCol("_Code", codeLen, 0))
			} else {
				t.Columns = append(t.Columns, strCol("_Code", codeLen, false))
			}
		}
		if descLen > 0 {
			t.Columns = append(t.Columns, strCol("_Description", descLen, false))
		}
		addFields(o.Attributes, roleAttribute)
		pkIndex("_IDRRef")
		if l.Compatibility >= 80303 {
			idx(t, false, "_PredefinedID")
		}
		if codeLen > 0 {
			idx(t, true, "_Code", "_IDRRef")
		}
		if descLen > 0 {
			idx(t, true, "_Description", "_IDRRef")
		}
	case Document:
		t.Columns = append(t.Columns, newCol("_IDRRef", colRef), newCol("_Version", colVersion), newCol("_Marked", colBool), newCol("_Date_Time", colDate))
		if o.NumberPeriodicity != PeriodNone {
			t.Columns = append(t.Columns, newCol("_NumberPrefix", colDate))
		}
		numLen := o.NumberLength
		if numLen == 0 {
			numLen = 11
		}
		if o.NumberNumeric {
			t.Columns = append(t.Columns, numCol("_Number", numLen, 0))
		} else {
			t.Columns = append(t.Columns, strCol("_Number", numLen, false))
		}
		t.Columns = append(t.Columns, newCol("_Posted", colBool))
		addFields(o.Attributes, roleAttribute)
		pkIndex("_IDRRef")
		idx(t, true, "_Date_Time", "_IDRRef")
		if o.NumberPeriodicity != PeriodNone {
			idx(t, true, "_NumberPrefix", "_Number", "_IDRRef")
		} else {
			idx(t, true, "_Number", "_IDRRef")
		}
	case ExchangePlan:
		t.Columns = append(t.Columns, newCol("_IDRRef", colRef), newCol("_Version", colVersion), newCol("_Marked", colBool))
		if codeLen > 0 {
			t.Columns = append(t.Columns, strCol("_Code", codeLen, false))
		}
		if descLen > 0 {
			t.Columns = append(t.Columns, strCol("_Description", descLen, false))
		}
		t.Columns = append(t.Columns, numCol("_SentNo", 10, 0), numCol("_ReceivedNo", 10, 0), newCol("_PredefinedID", colRef))
		addFields(o.Attributes, roleAttribute)
		pkIndex("_IDRRef")
		if codeLen > 0 {
			idx(t, true, "_Code", "_IDRRef")
		}
	case Enum:
		t.Columns = append(t.Columns, newCol("_IDRRef", colRef), numCol("_EnumOrder", 10, 0))
		pkIndex("_IDRRef")
		idx(t, true, "_EnumOrder", "_IDRRef")
		for i, v := range o.EnumValues {
			if !validName(v) {
				return fmt.Errorf("enum value %q is not a 1C identifier", v)
			}
			_ = i
			ol.EnumValues = append(ol.EnumValues, nameUUID(ol.UUID, "value", v))
		}
	case Constant:
		t.Columns = append(t.Columns, keyCol("_RecordKey", 1))
		f := &FieldLayout{Attribute: Attribute{Name: o.Name, Type: o.Type}, UUID: ol.UUID, Code: l.add(ol.UUID, "Fld")}
		var cols []*Column
		f.Columns, cols = fieldColumns("_Fld"+strconv.Itoa(f.Code), o.Type, false)
		t.Columns = append(t.Columns, cols...)
		ol.Fields[o.Name] = f
		idx(t, true, "_RecordKey")
	case InformationRegister:
		recs := cfg.recorders(o)
		if o.Periodicity != PeriodNone {
			t.Columns = append(t.Columns, newCol("_Period", colDate))
		}
		if o.RecorderSubordinate {
			if len(recs) > 1 {
				t.Columns = append(t.Columns, newCol("_RecorderTRef", colTRef))
			}
			t.Columns = append(t.Columns, newCol("_RecorderRRef", colRef), numCol("_LineNo", 9, 0), newCol("_Active", colBool))
		}
		if err := noUnlimited(o.Dimensions); err != nil {
			return err
		}
		addFields(o.Dimensions, roleDimension)
		addFields(o.Resources, roleResource)
		addFields(o.Attributes, roleAttribute)
		if !o.RecorderSubordinate && o.Periodicity == PeriodNone && len(o.Dimensions) > 1 && l.Compatibility < 80303 {
			t.Columns = append(t.Columns, newCol("_SimpleKey", colRef))
		}
		if o.RecorderSubordinate {
			idx(t, true, recorderKey(len(recs), "_LineNo")...)
		} else {
			var key []string
			if o.Periodicity != PeriodNone {
				key = append(key, "_Period")
			}
			for _, d := range o.Dimensions {
				key = append(key, ol.Fields[d.Name].Columns.names()...)
			}
			if len(key) > 0 {
				idx(t, true, key...)
			}
		}
	case AccumulationRegister:
		recs := cfg.recorders(o)
		t.Columns = append(t.Columns, newCol("_Period", colDate))
		if len(recs) > 1 {
			t.Columns = append(t.Columns, newCol("_RecorderTRef", colTRef))
		}
		t.Columns = append(t.Columns, newCol("_RecorderRRef", colRef), numCol("_LineNo", 9, 0), newCol("_Active", colBool))
		if !o.Turnovers {
			t.Columns = append(t.Columns, numCol("_RecordKind", 1, 0))
		}
		if err := noUnlimited(o.Dimensions); err != nil {
			return err
		}
		addFields(o.Dimensions, roleDimension)
		addFields(o.Resources, roleResource)
		addFields(o.Attributes, roleAttribute)
		idx(t, true, recorderKey(len(recs), "_LineNo")...)
		idx(t, false, "_Period", "_Active")
		if !o.Turnovers {
			tt := &Table{Name: "_AccumRgT" + strconv.Itoa(l.add(ol.UUID, "AccumRgT"))}
			tt.Columns = append(tt.Columns, newCol("_Period", colDate))
			for _, d := range o.Dimensions {
				_, cols := fieldColumns("_Fld"+strconv.Itoa(ol.Fields[d.Name].Code), d.Type, false)
				tt.Columns = append(tt.Columns, cols...)
			}
			for _, r := range o.Resources {
				rt := r.Type
				if rt.Number {
					rt.Precision = min(rt.Precision+6, 38)
				}
				_, cols := fieldColumns("_Fld"+strconv.Itoa(ol.Fields[r.Name].Code), rt, false)
				tt.Columns = append(tt.Columns, cols...)
			}
			tt.Columns = append(tt.Columns, numCol("_Splitter", 10, 0))
			ol.TotalsTable = tt
		}
	}
	l.Tables = append(l.Tables, t)
	for _, ts := range o.TabularSections {
		if err := l.planSection(ol, ts); err != nil {
			return err
		}
	}
	if ol.TotalsTable != nil {
		l.Tables = append(l.Tables, ol.TotalsTable)
	}
	if l.inPlan[o] {
		l.planChangeTable(ol)
	}
	return nil
}

func recorderKey(recorders int, tail ...string) []string {
	var k []string
	if recorders > 1 {
		k = append(k, "_RecorderTRef")
	}
	return append(append(k, "_RecorderRRef"), tail...)
}

func noUnlimited(dims []Attribute) error {
	for _, d := range dims {
		if d.Type.String && d.Type.Length == 0 {
			return fmt.Errorf("dimension %s cannot be an unlimited string", d.Name)
		}
	}
	return nil
}

func (l *Layout) newField(ownerUUID string, a Attribute, role fieldRole) *FieldLayout {
	u := strings.ToLower(a.UUID)
	if u == "" {
		u = nameUUID(ownerUUID, "field", a.Name)
	}
	return &FieldLayout{Attribute: a, UUID: u, Code: l.add(u, "Fld"), role: role}
}

func (l *Layout) planSection(ol *ObjectLayout, ts TabularSection) error {
	u := strings.ToLower(ts.UUID)
	if u == "" {
		u = nameUUID(ol.UUID, "section", ts.Name)
	}
	sl := &SectionLayout{Section: ts, UUID: u, Fields: map[string]*FieldLayout{}}
	sl.Code = l.add(u, "VT")
	sl.LineNoCode = l.add(u, "LineNo")
	t := &Table{Name: ol.Table.Name + "_VT" + strconv.Itoa(sl.Code)}
	sl.OwnerKey = ol.Table.Name + "_IDRRef"
	sl.LineNo = "_LineNo" + strconv.Itoa(sl.LineNoCode)
	t.Columns = append(t.Columns, newCol(sl.OwnerKey, colRef), keyCol("_KeyField", 4), numCol(sl.LineNo, 5, 0))
	for _, a := range ts.Attributes {
		f := l.newField(u, a, roleAttribute)
		var cols []*Column
		f.Columns, cols = fieldColumns("_Fld"+strconv.Itoa(f.Code), a.Type, false)
		t.Columns = append(t.Columns, cols...)
		sl.Fields[a.Name] = f
		sl.order = append(sl.order, f)
	}
	t.PrimaryKey = []string{sl.OwnerKey, "_KeyField"}
	sl.Table = t
	ol.Sections[ts.Name] = sl
	l.Tables = append(l.Tables, t)
	return nil
}

func (l *Layout) planChangeTable(ol *ObjectLayout) {
	o := ol.Object
	token := kindInfo[o.Kind].chngr
	t := &Table{Name: "_" + token + strconv.Itoa(l.add(ol.UUID, token))}
	t.Columns = append(t.Columns, newCol("_NodeTRef", colTRef), newCol("_NodeRRef", colRef))
	msg := numCol("_MessageNo", 10, 0)
	msg.Nullable = true
	t.Columns = append(t.Columns, msg)
	var key []string
	switch {
	case o.Kind == Constant:
		t.Columns = append(t.Columns, newCol("_ConstID", colRef))
		key = []string{"_ConstID"}
	case o.Kind == AccumulationRegister || (o.Kind == InformationRegister && o.RecorderSubordinate):
		if len(l.Config.recorders(o)) > 1 {
			t.Columns = append(t.Columns, newCol("_RecorderTRef", colTRef))
		}
		t.Columns = append(t.Columns, newCol("_RecorderRRef", colRef))
		key = recorderKey(len(l.Config.recorders(o)))
	case o.Kind == InformationRegister:
		if o.Periodicity != PeriodNone {
			c := newCol("_Period", colDate)
			c.Nullable = true
			t.Columns = append(t.Columns, c)
			key = append(key, "_Period")
		}
		for _, d := range o.Dimensions {
			f := ol.Fields[d.Name]
			_, cols := fieldColumns("_Fld"+strconv.Itoa(f.Code), d.Type, true)
			t.Columns = append(t.Columns, cols...)
			key = append(key, f.Columns.names()...)
		}
	default:
		t.Columns = append(t.Columns, newCol("_IDRRef", colRef))
		key = []string{"_IDRRef"}
	}
	base := strings.ToLower(t.Name)
	t.Indexes = append(t.Indexes,
		Index{Name: base + "_bydatakey", Unique: true, Columns: append(slices.Clone(key), "_NodeTRef", "_NodeRRef")},
		Index{Name: base + "_bynodemsg", Unique: true, Columns: append([]string{"_NodeTRef", "_NodeRRef", "_MessageNo"}, key...)})
	ol.ChangeTable = t
	ol.ChangeKey = key
	l.Tables = append(l.Tables, t)
}
