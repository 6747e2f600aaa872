package queuesink

import (
	"fmt"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// source says where a register field's value comes from.
type source uint8

const (
	srcStruct source = iota // a field of the record value's struct (value.field empty)
	srcSequence
	srcTopic
	srcPartition
	srcOffset
	srcKey
	srcValue
	srcHeaders
	srcTimestamp
	srcReceived
)

// keySource maps the *.field keys to their sources.
var keySource = map[string]source{
	KeySequenceField: srcSequence, KeyTopicField: srcTopic, KeyPartitionField: srcPartition, KeyOffsetField: srcOffset,
	KeyKeyField: srcKey, KeyValueField: srcValue, KeyHeadersJSONField: srcHeaders, KeyTimestampField: srcTimestamp,
	KeyReceivedField: srcReceived,
}

// sourceName is how errors name a source.
func (s source) String() string {
	switch s {
	case srcSequence:
		return "the sequence"
	case srcTopic:
		return "the record topic"
	case srcPartition:
		return "the record partition"
	case srcOffset:
		return "the record offset"
	case srcKey:
		return "the record key"
	case srcValue:
		return "the record value"
	case srcHeaders:
		return "the record headers"
	case srcTimestamp:
		return "the record timestamp"
	case srcReceived:
		return "the write time"
	}
	return "the record value's field"
}

// valueKind is the 1C type of a simple register field.
type valueKind uint8

const (
	vkString valueKind = iota + 1
	vkNumber
	vkDate
	vkBool
	vkUUID  // УникальныйИдентификатор
	vkRef   // a reference to one object (canonical UUID; enum value names)
	vkBytes // ХранилищеЗначения
)

// target is one register field the connector writes.
type target struct {
	name   string // 1C name
	prop   *metadata.Property
	col    int // index into plan.cols
	dcol   dialect.Column
	typ    string // 1C type as text, for errors
	kind   valueKind
	src    source
	key    string // the *.field key that configured it ("" for struct fields)
	length int    // strings: characters, 0 = unlimited
	nonNeg bool   // numbers
	scale  int
	enum   map[string]string // vkRef to an enum: lower-case value name → canonical UUID
}

// plan is the configuration resolved against one metadata snapshot: the
// register's table, the columns inserted, their fillers, and where each
// field's value comes from. It is immutable once built.
type plan struct {
	obj        *metadata.Object
	table      dialect.Table
	cols       []dialect.Column // inserted columns, physical order
	fill       []any            // per column: the empty value in database form
	yearOffset int

	targets []*target          // every written field, source-configured first
	byKey   map[string]*target // *.field key → target
	keyed   []*target          // the byKey targets in fieldKeys order
	structs map[string]*target // lower-case 1C name → target (value.field empty)
	seq     *target
	seqName string // qualified sequence name
	dedup   *target

	periodCol   int // _Period, -1 if the register is not periodic
	periodicity metadata.Periodicity
	simpleKey   int // _SimpleKey, -1 if absent
	truncate    bool
}

// structMode reports whether the record value fills fields by name.
func (p *plan) structMode() bool { return p.byKey[KeyValueField] == nil }

// resolve checks every configured name against the metadata and returns
// the plan, or a *config.ValidationError listing each wrong key.
func resolve(ib *metadata.Infobase, d dialect.Dialect, c *Config) (*plan, error) {
	errs := map[string][]string{}
	fail := func(key, value, msg string) {
		errs[key] = append(errs[key], (&config.InvalidValueError{Key: key, Value: value, Reason: msg}).Error())
	}
	o, err := common.LookupObject(ib, c.Register)
	if err != nil {
		fail(KeyRegister, c.Register, err.Error())
		return nil, &config.ValidationError{Errors: errs}
	}
	switch {
	case o.Kind != metadata.KindInformationRegister:
		fail(KeyRegister, c.Register, fmt.Sprintf("%s is a %s; the inbound queue must be an information register (РегистрСведений)", c.Register, o.Kind.Russian()))
	case o.Table == "":
		fail(KeyRegister, c.Register, fmt.Sprintf("%s has no table in the database (DBNames)", o.FullNameRU()))
	case o.UseRecorder:
		fail(KeyRegister, c.Register, fmt.Sprintf("%s is subordinate to a recorder; an inbound queue must be an independent register: %v", o.FullNameRU(), ErrRegisterShape))
	}
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	p := &plan{obj: o, byKey: map[string]*target{}, structs: map[string]*target{}, periodCol: -1, simpleKey: -1,
		periodicity: o.Periodicity, truncate: c.TruncateStrings, yearOffset: max(ib.YearOffset, 0)}
	if err := p.buildColumns(d); err != nil {
		fail(KeyRegister, c.Register, err.Error())
		return nil, &config.ValidationError{Errors: errs}
	}
	colIndex := map[string]int{}
	for i, col := range p.cols {
		colIndex[strings.ToLower(col.Name)] = i
	}
	newTarget := func(pr *metadata.Property, src source) (*target, error) {
		if len(pr.Columns) != 1 || pr.Type.IsComposite() {
			return nil, fmt.Errorf("%s.%s is of a composite type (%s); only fields of one simple type can be written: %w",
				o.FullNameRU(), pr.Name, pr.Type.Describe(), ErrRegisterShape)
		}
		i, ok := colIndex[strings.ToLower(pr.Columns[0].Name)]
		if !ok {
			return nil, fmt.Errorf("%s.%s: column %s is not a column of %s", o.FullNameRU(), pr.Name, pr.Columns[0].Name, o.Table)
		}
		t := &target{name: pr.Name, prop: pr, col: i, dcol: p.cols[i], typ: pr.Type.Describe(), src: src,
			length: pr.Type.Length, nonNeg: pr.Type.NonNegative, scale: pr.Type.Scale}
		ty := &pr.Type
		switch {
		case ty.String:
			t.kind = vkString
		case ty.Number:
			t.kind = vkNumber
		case ty.Date:
			t.kind = vkDate
		case ty.Boolean:
			t.kind = vkBool
		case ty.UUID:
			t.kind = vkUUID
		case ty.ValueStorage:
			t.kind = vkBytes
		case ty.IsReference():
			t.kind = vkRef
			if len(ty.Refs) == 1 {
				if ro, ok := ib.ObjectByUUID(ty.Refs[0]); ok && ro.Kind == metadata.KindEnum {
					t.enum = make(map[string]string, len(ro.EnumValues))
					for _, ev := range ro.EnumValues {
						t.enum[strings.ToLower(ev.Name)] = ev.UUID.String()
					}
				}
			}
		default:
			return nil, fmt.Errorf("%s.%s has no type (%s): %w", o.FullNameRU(), pr.Name, ty.Describe(), ErrRegisterShape)
		}
		return t, nil
	}
	fields := append(append(append([]*metadata.Property(nil), o.Dimensions...), o.Resources...), o.Attributes...)
	lookupField := func(name string) (*metadata.Property, error) {
		for _, pr := range fields {
			if strings.EqualFold(pr.Name, name) {
				return pr, nil
			}
		}
		_, err := common.LookupProperty(o, name) // the error with suggestions
		if err == nil {
			err = fmt.Errorf("%s is a standard attribute of %s, not a dimension, resource or attribute", name, o.FullNameRU())
		}
		return nil, err
	}
	used := map[*metadata.Property]bool{}
	for _, key := range fieldKeys {
		name := c.Field(key)
		if name == "" {
			continue
		}
		pr, err := lookupField(name)
		if err != nil {
			fail(key, name, err.Error())
			continue
		}
		t, err := newTarget(pr, keySource[key])
		if err != nil {
			fail(key, name, err.Error())
			continue
		}
		if msg := checkKind(key, t); msg != "" {
			fail(key, name, fmt.Sprintf("%s.%s is %s; %s", o.FullNameRU(), pr.Name, t.typ, msg))
			continue
		}
		used[pr] = true
		t.key = key
		p.byKey[key] = t
		p.keyed = append(p.keyed, t)
		p.targets = append(p.targets, t)
	}
	if t := p.byKey[KeySequenceField]; t != nil {
		p.seq = t
		p.seqName = sequenceName(o.Table, t.dcol.Name)
		if _, err := d.QuoteIdent(p.seqName); err != nil {
			fail(KeySequenceField, c.Field(KeySequenceField), err.Error())
		}
	}
	if p.structMode() {
		for _, pr := range fields {
			if used[pr] || len(pr.Columns) != 1 || pr.Type.IsComposite() {
				continue
			}
			t, err := newTarget(pr, srcStruct)
			if err != nil {
				continue
			}
			p.structs[strings.ToLower(pr.Name)] = t
			p.targets = append(p.targets, t)
		}
	} else {
		var missing []string
		for _, dim := range o.Dimensions {
			if !used[dim] {
				missing = append(missing, dim.Name)
			}
		}
		if len(missing) > 0 {
			fail(KeyRegister, c.Register, fmt.Sprintf("dimension(s) %s of %s would be empty in every row, so the second row would break "+
				"the register's unique key; fill them (e.g. %s, %s, or %s) or leave %s empty to fill fields from the value's struct",
				strings.Join(missing, ", "), o.FullNameRU(), KeySequenceField, KeyOffsetField, KeyKeyField, KeyValueField))
		}
	}
	if c.DedupField != "" {
		pr, err := lookupField(c.DedupField)
		switch {
		case err != nil:
			fail(KeyDedupField, c.DedupField, err.Error())
		default:
			for _, t := range p.targets {
				if t.prop == pr {
					p.dedup = t
				}
			}
			switch {
			case p.dedup == nil:
				fail(KeyDedupField, c.DedupField, fmt.Sprintf("%s.%s is filled by no key and no struct field; map it first", o.FullNameRU(), pr.Name))
			case p.dedup.src == srcSequence || p.dedup.src == srcReceived:
				fail(KeyDedupField, c.DedupField, fmt.Sprintf("%s.%s is filled by %s, which never repeats", o.FullNameRU(), pr.Name, p.dedup.src))
				p.dedup = nil
			}
		}
	}
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	return p, nil
}

// checkKind returns why t cannot take the values of key ("" = fine).
func checkKind(key string, t *target) string {
	switch key {
	case KeySequenceField, KeyPartitionField, KeyOffsetField:
		if t.kind != vkNumber || t.scale != 0 {
			return key + " needs a number field without fraction digits (Число(n,0))"
		}
	case KeyTopicField, KeyHeadersJSONField:
		if t.kind != vkString {
			return key + " needs a string field (Строка)"
		}
	case KeyTimestampField, KeyReceivedField:
		if t.kind != vkDate {
			return key + " needs a date field (Дата)"
		}
	}
	return ""
}

// buildColumns fills the table description, the inserted columns and
// their fillers from the register's physical columns (1c-layout.md §6.6).
func (p *plan) buildColumns(d dialect.Dialect) error {
	o := p.obj
	var keyCols []string
	for _, dim := range o.Dimensions {
		for _, c := range dim.Columns {
			keyCols = append(keyCols, c.Name)
		}
	}
	for _, mc := range o.Columns() {
		if mc.Kind == metadata.ColVersion {
			continue // registers have none; rowversion cannot be written anyway
		}
		dc, err := common.DialectColumn(mc)
		if err != nil {
			return err
		}
		v, err := d.Encode(dc, fillerOf(mc), p.yearOffset)
		if err != nil {
			return fmt.Errorf("empty value of column %s: %w", mc.Name, err)
		}
		switch strings.ToLower(mc.Name) {
		case "_period":
			p.periodCol = len(p.cols)
		case "_simplekey":
			p.simpleKey = len(p.cols)
		}
		p.cols = append(p.cols, dc)
		p.fill = append(p.fill, v)
	}
	if len(p.cols) == 0 {
		return fmt.Errorf("%s has no columns", o.FullNameRU())
	}
	if len(keyCols) == 0 {
		keyCols = []string{p.cols[0].Name}
	}
	p.table = dialect.Table{Name: o.Table, Columns: p.cols, Key: keyCols}
	return nil
}

// emptyDate is 1C's empty date (§7.4), before the year offset.
var emptyDate = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// fillerOf is the canonical empty value 1C stores in a column that holds
// nothing (a field without a source, the unused parts of a composite).
func fillerOf(c metadata.Column) any {
	switch c.Kind {
	case metadata.ColBinary16:
		return "00000000-0000-0000-0000-000000000000"
	case metadata.ColBinary4:
		return int64(0)
	case metadata.ColTypeTag:
		if c.Purpose == metadata.PurposeTag {
			return int64(1) // Неопределено
		}
		return int64(0)
	case metadata.ColBool:
		return false
	case metadata.ColNumeric:
		return int64(0)
	case metadata.ColDateTime:
		return emptyDate
	case metadata.ColString:
		return ""
	case metadata.ColBytes:
		return []byte{}
	}
	return nil
}

// sequenceName is the connector's sequence for a register column:
// onec_connect.onec_seq_<table>_<column>, lower-case, underscores trimmed.
func sequenceName(table, column string) string {
	t := strings.Trim(strings.ToLower(table), "_")
	c := strings.Trim(strings.ToLower(column), "_")
	return OffsetsSchema + ".onec_seq_" + t + "_" + c
}
