package tablesource

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// section is a tabular section read with its owner's page.
type section struct {
	name    string
	table   dialect.Table
	cols    []dialect.Column
	lineIdx int
}

// target is the reading plan of one object, derived from one metadata
// snapshot.
type target struct {
	obj      *metadata.Object
	om       *rowmap.ObjectMapper
	fullName string
	topic    string

	table    dialect.Table
	cols     []dialect.Column
	key      []dialect.Column // clustered key, in order
	keyIdx   []int            // positions of key in cols
	keyProps []string         // key fields (value struct field names)
	keyField []int            // their indexes in the value struct
	version  int              // position of _Version in cols, -1 = none
	sections []section

	keySchema *schema.Schema
	partition map[string]any
}

// clusteredKey returns the properties whose columns form the object's
// clustered key (1c-layout.md §6): Ссылка; Регистратор and НомерСтроки;
// Период and the dimensions; a constant's КлючЗаписи.
func clusteredKey(o *metadata.Object) ([]*metadata.Property, error) {
	std := func(name string) *metadata.Property {
		for _, p := range o.StandardAttributes {
			if strings.EqualFold(p.Name, name) {
				return p
			}
		}
		return nil
	}
	switch {
	case o.Kind.IsReference():
		if p := std("Ссылка"); p != nil {
			return []*metadata.Property{p}, nil
		}
	case o.Kind == metadata.KindConstant:
		return nil, nil // one row: the first column
	case o.Kind == metadata.KindInformationRegister || o.Kind == metadata.KindAccumulationRegister:
		if o.UseRecorder {
			r, n := std("Регистратор"), std("НомерСтроки")
			if r != nil && n != nil {
				return []*metadata.Property{r, n}, nil
			}
		} else {
			var out []*metadata.Property
			if p := std("Период"); p != nil {
				out = append(out, p)
			}
			out = append(out, o.Dimensions...)
			if len(out) > 0 {
				return out, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: cannot tell the clustered key of a %s", o.FullNameRU(), o.Kind.Russian())
}

// topicName applies topic or topic.template to an object.
func topicName(s *settings, o *metadata.Object) string {
	return common.TopicName(s.topic, s.template, s.prefix, o)
}

func newTarget(m *rowmap.Mapper, o *metadata.Object, s *settings) (*target, error) {
	if o.Kind == metadata.KindEnum {
		return nil, fmt.Errorf("%s: enums have no data to read", o.FullNameRU())
	}
	om, err := m.Object(o)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", o.FullNameRU(), err)
	}
	t := &target{obj: o, om: om, fullName: o.FullNameRU(), topic: topicName(s, o), version: -1,
		partition: map[string]any{"object": o.FullNameRU()}}
	mcols := om.Columns()
	for i, c := range mcols {
		dc, err := common.DialectColumn(c)
		if err != nil {
			return nil, fmt.Errorf("%s column %s: %w", o.FullNameRU(), c.Name, err)
		}
		t.cols = append(t.cols, dc)
		if c.Kind == metadata.ColVersion {
			t.version = i
		}
	}
	props, err := clusteredKey(o)
	if err != nil {
		return nil, err
	}
	var keyNames []string
	kb := schema.StructBuilder().Name("onec." + translit.Name(o.Kind.String()) + "." + translit.Name(o.Name) + ".Key")
	for _, p := range props {
		for _, c := range p.Columns {
			keyNames = append(keyNames, c.Name)
		}
		f, ok := om.Schema().Field(p.Name)
		if !ok {
			return nil, fmt.Errorf("%s: key field %s is not in the schema", o.FullNameRU(), p.Name)
		}
		kb.Field(p.Name, f.Schema)
		t.keyProps = append(t.keyProps, p.Name)
		t.keyField = append(t.keyField, f.Index)
	}
	if len(props) == 0 { // constant
		keyNames = []string{mcols[0].Name}
		kb.Field("Константа", schema.String().MustBuild())
	}
	if t.keySchema, err = kb.Build(); err != nil {
		return nil, fmt.Errorf("key schema of %s: %w", o.FullNameRU(), err)
	}
	for _, n := range keyNames {
		idx := -1
		for i, c := range t.cols {
			if strings.EqualFold(c.Name, n) {
				idx = i
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%s: key column %s is not selected", o.FullNameRU(), n)
		}
		t.keyIdx = append(t.keyIdx, idx)
		t.key = append(t.key, t.cols[idx])
	}
	t.table = dialect.Table{Name: o.Table, Columns: t.cols, Key: keyNames}
	if s.sections {
		for _, ts := range o.TabularSections {
			scols, err := om.SectionColumns(ts.Name)
			if err != nil {
				return nil, err
			}
			sec := section{name: ts.Name, lineIdx: -1}
			for i, c := range scols {
				dc, err := common.DialectColumn(c)
				if err != nil {
					return nil, fmt.Errorf("%s.%s column %s: %w", o.FullNameRU(), ts.Name, c.Name, err)
				}
				sec.cols = append(sec.cols, dc)
				if len(ts.StandardAttributes) > 2 && len(ts.StandardAttributes[2].Columns) > 0 && strings.EqualFold(c.Name, ts.StandardAttributes[2].Columns[0].Name) {
					sec.lineIdx = i
				}
			}
			sec.table = dialect.Table{Name: ts.Table, Columns: sec.cols, Key: []string{scols[0].Name}}
			t.sections = append(t.sections, sec)
		}
	}
	return t, nil
}

// keyOf builds the record key from the mapped value.
func (t *target) keyOf(v *schema.Struct) *schema.Struct {
	return t.keyInto(schema.NewStruct(t.keySchema), v)
}

// keyInto is keyOf filling k, an empty Struct of the key schema.
func (t *target) keyInto(k, v *schema.Struct) *schema.Struct {
	if len(t.keyProps) == 0 {
		k.Set(0, t.obj.Name)
		return k
	}
	for i, f := range t.keyField {
		k.Set(i, v.At(f))
	}
	return k
}

// resolveObjects looks the configured names up; problems lists what is
// wrong. An object that exists but cannot be read in mode is in objs and
// in problems.
func resolveObjects(ib *metadata.Infobase, names []string, mode string) ([]*metadata.Object, []string) {
	var objs []*metadata.Object
	var problems []string
	for _, n := range names {
		o, err := common.LookupObject(ib, n)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if o.Kind == metadata.KindEnum {
			problems = append(problems, fmt.Sprintf("%s is an enum: nothing to read", o.FullNameRU()))
			continue
		}
		if _, err := clusteredKey(o); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		objs = append(objs, o)
		if mode == ModeIncremental && !hasVersion(o) {
			problems = append(problems, noVersion(o.FullNameRU()))
		}
	}
	return objs, problems
}

// hasVersion tells whether o's table has a _Version column (ВерсияДанных):
// catalogs, documents, exchange plans and charts do; registers and
// constants do not (metadata's physical layout).
func hasVersion(o *metadata.Object) bool {
	for _, p := range o.StandardAttributes {
		for _, c := range p.Columns {
			if c.Kind == metadata.ColVersion {
				return true
			}
		}
	}
	return false
}

// noVersion is the problem of an object without _Version in incremental
// mode: after the first pass nothing of it would ever be read again.
func noVersion(fullName string) string {
	return fmt.Sprintf("%s has no _Version column; mode=incremental cannot see its changes, "+
		"use mode=snapshot (with snapshot.interval.ms) or OneCChangesSource", fullName)
}
