package changessource

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// shape says how the registrations of an object map to records.
type shape uint8

const (
	shapeReference shape = iota // one object per _IDRRef, with tabular sections
	shapeConstant               // the one row of a constant
	shapeRecordSet              // the records of a register sharing the change key
)

// section is a tabular section's table as the loader reads it.
type section struct {
	name    string
	table   dialect.Table
	cols    []dialect.Column
	owner   string // owner reference column (first of cols)
	lineIdx int    // index of НомерСтроки in cols
}

// target is one object the task consumes, with everything derived from one
// metadata snapshot.
type target struct {
	obj      *metadata.Object
	om       *rowmap.ObjectMapper
	shape    shape
	fullName string // as configured / as the plan lists it (Russian)
	topic    string

	main     dialect.Table
	mainCols []dialect.Column
	keyCols  []dialect.Column // change-table key columns (same names in the main table)
	keyIdx   []int            // their positions in mainCols
	keyNames []string         // key struct field names
	sections []section

	sql         changeSQL
	keyIsString []bool

	keySchema   *schema.Schema
	valueSchema *schema.Schema
	dataSchema  *schema.Schema // optional form of the data field
	recSchema   *schema.Schema // register record (record sets)
	partition   map[string]any
}

// node identifies the consuming exchange-plan node (§9.3).
type node struct {
	tref []byte // plan type code, 4 bytes big-endian
	rref []byte // node _IDRRef
	code string
}

// planObjects resolves the exchange plan and the objects to consume: the
// configured subset or the whole content. problems lists what is wrong,
// by key.
func planObjects(ib *metadata.Infobase, planName string, names []string) (*metadata.Object, []*metadata.Object, map[string][]string) {
	problems := map[string][]string{}
	plan, err := common.LookupObject(ib, planName)
	if err != nil {
		problems[KeyExchangePlan] = append(problems[KeyExchangePlan], err.Error())
		return nil, nil, problems
	}
	if plan.Kind != metadata.KindExchangePlan {
		problems[KeyExchangePlan] = append(problems[KeyExchangePlan], fmt.Sprintf("%s is a %s, not an exchange plan", plan.FullNameRU(), plan.Kind.Russian()))
		return nil, nil, problems
	}
	inPlan := map[string]bool{}
	var content []*metadata.Object
	for _, it := range plan.ExchangeContent {
		if o, ok := ib.ObjectByUUID(it.UUID); ok {
			inPlan[o.UUID.String()] = true
			content = append(content, o)
		}
	}
	var objs []*metadata.Object
	if len(names) == 0 {
		if len(content) == 0 {
			problems[KeyExchangePlan] = append(problems[KeyExchangePlan], fmt.Sprintf("%s has no objects in its content", plan.FullNameRU()))
		}
		objs = content
	}
	seen := map[*metadata.Object]bool{}
	for _, n := range names {
		o, err := common.LookupObject(ib, n)
		if err != nil {
			problems[KeyObjects] = append(problems[KeyObjects], err.Error())
			continue
		}
		if !inPlan[o.UUID.String()] {
			problems[KeyObjects] = append(problems[KeyObjects], fmt.Sprintf("%s is not in the content of %s", o.FullNameRU(), plan.FullNameRU()))
			continue
		}
		if !seen[o] {
			seen[o] = true
			objs = append(objs, o)
		}
	}
	for _, o := range objs {
		if o.ChangeTable == nil {
			problems[KeyObjects] = append(problems[KeyObjects], fmt.Sprintf("%s has no change table", o.FullNameRU()))
		}
		if _, err := shapeOf(o); err != nil {
			problems[KeyObjects] = append(problems[KeyObjects], err.Error())
		}
	}
	return plan, objs, problems
}

func shapeOf(o *metadata.Object) (shape, error) {
	switch {
	case o.Kind.IsReference() && o.Kind != metadata.KindEnum:
		return shapeReference, nil
	case o.Kind == metadata.KindConstant:
		return shapeConstant, nil
	case o.Kind == metadata.KindInformationRegister || o.Kind == metadata.KindAccumulationRegister:
		return shapeRecordSet, nil
	}
	return 0, fmt.Errorf("%s: objects of kind %s are not supported", o.FullNameRU(), o.Kind.Russian())
}

// planTypeCode is _NodeTRef of the plan: its DBNames code, 4 bytes BE.
func planTypeCode(plan *metadata.Object) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, uint32(plan.TypeCode))
	return b
}

// lookupNode finds the node by code in the plan's table.
func lookupNode(ctx context.Context, db *common.DB, plan *metadata.Object, code string) (node, error) {
	idp, err := common.LookupProperty(plan, "Ссылка")
	if err != nil {
		return node{}, err
	}
	cp, err := common.LookupProperty(plan, "Код")
	if err != nil {
		return node{}, err
	}
	q, err := nodeSQL(db.Dialect(), plan.Table, idp.Columns[0].Name, cp.Columns[0].Name)
	if err != nil {
		return node{}, err
	}
	row, err := db.QueryRow(ctx, 1, q, code)
	if err != nil {
		return node{}, fmt.Errorf("look up node %q of %s: %w", code, plan.FullNameRU(), err)
	}
	if row == nil {
		return node{}, fmt.Errorf("%w: %s has no node with code %q; create one in 1C (see the connector's documentation)", errNoNode, plan.FullNameRU(), code)
	}
	id, ok := row[0].([]byte)
	if !ok || len(id) != 16 {
		return node{}, fmt.Errorf("node %q of %s: unexpected _IDRRef %T", code, plan.FullNameRU(), row[0])
	}
	return node{tref: planTypeCode(plan), rref: append([]byte(nil), id...), code: code}, nil
}

var errNoNode = errors.New("exchange plan node not found")

// topicName applies topic or topic.template to an object.
func topicName(s *settings, o *metadata.Object) string {
	return common.TopicName(s.topic, s.template, s.prefix, o)
}

// newTarget derives the reading plan of one object from a snapshot.
func newTarget(d dialect.Dialect, m *rowmap.Mapper, o *metadata.Object, s *settings) (*target, error) {
	sh, err := shapeOf(o)
	if err != nil {
		return nil, err
	}
	if o.ChangeTable == nil {
		return nil, fmt.Errorf("%s has no change table", o.FullNameRU())
	}
	om, err := m.Object(o)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", o.FullNameRU(), err)
	}
	t := &target{obj: o, om: om, shape: sh, fullName: o.FullNameRU(), topic: topicName(s, o)}
	t.partition = map[string]any{"exchange.plan": s.plan, "node": s.node, "object": o.FullNameRU()}
	mcols := om.Columns()
	t.mainCols = make([]dialect.Column, len(mcols))
	for i, c := range mcols {
		if t.mainCols[i], err = common.DialectColumn(c); err != nil {
			return nil, fmt.Errorf("%s column %s: %w", o.FullNameRU(), c.Name, err)
		}
	}
	t.main = dialect.Table{Name: o.Table, Columns: t.mainCols}
	ct := o.ChangeTable
	var keyNames []string
	for _, p := range ct.Key {
		for _, c := range p.Columns {
			dc, err := common.DialectColumn(c)
			if err != nil {
				return nil, fmt.Errorf("%s change key %s: %w", o.FullNameRU(), c.Name, err)
			}
			t.keyCols = append(t.keyCols, dc)
			t.keyIsString = append(t.keyIsString, dc.Kind == dialect.String || dc.Kind == dialect.FixedString)
			keyNames = append(keyNames, c.Name)
			name := p.Name
			if len(p.Columns) > 1 {
				name = p.Name + "_" + c.Purpose.String()
			}
			t.keyNames = append(t.keyNames, name)
		}
	}
	if len(t.keyCols) == 0 {
		return nil, fmt.Errorf("%s: the change table has no key columns", o.FullNameRU())
	}
	if sh != shapeConstant {
		for _, kc := range t.keyCols {
			idx := -1
			for i, c := range t.mainCols {
				if strings.EqualFold(c.Name, kc.Name) {
					idx = i
				}
			}
			if idx < 0 {
				return nil, fmt.Errorf("%s: change key column %s is not in the main table %s", o.FullNameRU(), kc.Name, o.Table)
			}
			t.keyIdx = append(t.keyIdx, idx)
		}
	}
	t.main.Key = keyNames
	if sh == shapeConstant {
		t.main.Key = []string{mcols[0].Name}
	}
	t.sql, err = buildChangeSQL(d, ct.Table, ct.Node.Columns[0].Name, ct.Node.Columns[1].Name, ct.MessageNo.Name, keyNames, t.keyIsString)
	if err != nil {
		return nil, err
	}
	if sh == shapeReference {
		for _, ts := range o.TabularSections {
			scols, err := om.SectionColumns(ts.Name)
			if err != nil {
				return nil, err
			}
			sec := section{name: ts.Name, owner: scols[0].Name, lineIdx: -1}
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
			sec.table = dialect.Table{Name: ts.Table, Columns: sec.cols, Key: []string{sec.owner}}
			t.sections = append(t.sections, sec)
		}
	}
	return t, t.buildSchemas()
}

// buildSchemas makes the key and value schemas (see doc.go, "Records").
func (t *target) buildSchemas() error {
	ns := "onec." + translit.Name(t.obj.Kind.String()) + "." + translit.Name(t.obj.Name)
	kb := schema.StructBuilder().Name(ns + ".Key")
	if t.shape == shapeConstant {
		kb.Field("Константа", schema.String().MustBuild())
	} else {
		for _, n := range t.keyNames {
			kb.Field(n, schema.String().Optional().MustBuild())
		}
	}
	var err error
	if t.keySchema, err = kb.Build(); err != nil {
		return fmt.Errorf("key schema of %s: %w", t.fullName, err)
	}
	data := t.om.Schema()
	if t.shape == shapeRecordSet {
		t.recSchema = data
		data, err = schema.StructBuilder().Name(ns+".RecordSet").Field("records", schema.Array(data).MustBuild()).Build()
		if err != nil {
			return fmt.Errorf("record set schema of %s: %w", t.fullName, err)
		}
	}
	if t.dataSchema, err = schema.Copy(data).Optional().Build(); err != nil {
		return fmt.Errorf("data schema of %s: %w", t.fullName, err)
	}
	t.valueSchema, err = schema.StructBuilder().Name(ns+".Envelope").
		Field("op", schema.String().MustBuild()).
		Field("kind", schema.String().MustBuild()).
		Field("name", schema.String().MustBuild()).
		Field("ts_ms", schema.Int64().MustBuild()).
		Field("data", t.dataSchema).Build()
	if err != nil {
		return fmt.Errorf("value schema of %s: %w", t.fullName, err)
	}
	return nil
}

// sortedKeys returns the keys of m sorted (stable error messages).
func sortedKeys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
