package transforms

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keyTopicField     = "topic.field"
	keyPartitionField = "partition.field"
	keyOffsetField    = "offset.field"
	keyTimestampField = "timestamp.field"
	keyStaticField    = "static.field"
	keyStaticValue    = "static.value"
)

func insertFieldConfig() *config.ConfigDef {
	opt := "Suffix with ! to make this a required field, or ? to keep it optional (the default)."
	return config.NewConfigDef().
		Define(config.Key{Name: keyTopicField, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Field name for Kafka topic. " + opt}).
		Define(config.Key{Name: keyPartitionField, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Field name for Kafka partition. " + opt}).
		Define(config.Key{Name: keyOffsetField, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Field name for Kafka offset - only applicable to sink connectors. " + opt}).
		Define(config.Key{Name: keyTimestampField, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Field name for record timestamp. " + opt}).
		Define(config.Key{Name: keyStaticField, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Field name for static data field. " + opt}).
		Define(config.Key{Name: keyStaticValue, Type: config.TypeString, Importance: config.ImportanceMedium,
			Doc: "Static field value, if field name configured."}).
		Define(replaceNullKey())
}

// insertSpec is one configured field: its name and whether it is optional.
type insertSpec struct {
	name     string
	optional bool
}

func parseInsertSpec(s string) *insertSpec {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	switch {
	case strings.HasSuffix(s, "!"):
		return &insertSpec{name: strings.TrimSuffix(s, "!")}
	case strings.HasSuffix(s, "?"):
		return &insertSpec{name: strings.TrimSuffix(s, "?"), optional: true}
	}
	return &insertSpec{name: s, optional: true}
}

// InsertField adds record metadata and a static value as fields (Kafka's
// InsertField$Key / $Value).
type InsertField struct {
	noClose
	part                                        part
	topic, partition, offset, timestamp, static *insertSpec
	staticValue                                 string
	replaceNull                                 bool
	cache                                       schemaCache
}

// Config describes the settings.
func (*InsertField) Config() *config.ConfigDef { return insertFieldConfig() }

// Configure reads the field names.
func (f *InsertField) Configure(props map[string]string) error {
	v, err := insertFieldConfig().Parse(props)
	if err != nil {
		return err
	}
	f.topic = parseInsertSpec(v.String(keyTopicField))
	f.partition = parseInsertSpec(v.String(keyPartitionField))
	f.offset = parseInsertSpec(v.String(keyOffsetField))
	f.timestamp = parseInsertSpec(v.String(keyTimestampField))
	f.static = parseInsertSpec(v.String(keyStaticField))
	f.staticValue = v.String(keyStaticValue)
	f.replaceNull = v.Bool(keyReplaceNull)
	if f.topic == nil && f.partition == nil && f.offset == nil && f.timestamp == nil && f.static == nil {
		return fmt.Errorf("InsertField: no field to insert: set at least one of %s, %s, %s, %s, %s",
			keyTopicField, keyPartitionField, keyOffsetField, keyTimestampField, keyStaticField)
	}
	return nil
}

// Apply inserts the fields. A tombstone passes through unchanged, as Kafka does.
func (f *InsertField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := f.part.get(r)
	if v == nil {
		return r, nil
	}
	values := f.values(r)
	if s == nil {
		m, err := requireMap("InsertField", f.part, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m)+len(values))
		for k, x := range m {
			out[k] = x
		}
		for _, iv := range values {
			out[iv.spec.name] = iv.value
		}
		f.part.set(r, nil, out)
		return r, nil
	}
	st, err := requireStruct("InsertField", f.part, s, v)
	if err != nil {
		return nil, err
	}
	ns, err := f.cache.get(s, f.buildSchema)
	if err != nil {
		return nil, err
	}
	out := schema.NewStruct(ns)
	n := len(s.Fields())
	for i := 0; i < n; i++ {
		out.Set(i, structValue(st, i, f.replaceNull))
	}
	for _, iv := range values {
		fld := ns.Fields()[n+iv.pos]
		if iv.value == nil && !fld.Schema.Optional() {
			return nil, fmt.Errorf("InsertField: required field %s has no value on this record", iv.spec.name)
		}
		out.Set(fld.Index, iv.value)
	}
	f.part.set(r, ns, out)
	return r, nil
}

// insertValue is one inserted field's spec, value, and position among the
// inserted fields (they follow the input fields in buildSchema's order).
type insertValue struct {
	spec  *insertSpec
	value any
	pos   int
}

func (f *InsertField) values(r *connect.Record) []insertValue {
	out := make([]insertValue, 0, 5)
	add := func(spec *insertSpec, v any) { out = append(out, insertValue{spec: spec, value: v, pos: len(out)}) }
	if f.topic != nil {
		add(f.topic, r.Topic)
	}
	if f.partition != nil {
		var p any
		if r.Partition != nil {
			p = *r.Partition
		}
		add(f.partition, p)
	}
	if f.offset != nil {
		var o any
		if r.Offset >= 0 {
			o = r.Offset
		}
		add(f.offset, o)
	}
	if f.timestamp != nil {
		var ts any
		if !r.Timestamp.IsZero() {
			ts = r.Timestamp.UTC()
		}
		add(f.timestamp, ts)
	}
	if f.static != nil {
		add(f.static, f.staticValue)
	}
	return out
}

func (f *InsertField) buildSchema(s *schema.Schema) (*schema.Schema, error) {
	b := schema.StructBuilder().Name(s.Name()).Version(s.Version()).Doc(s.Doc())
	if s.Optional() {
		b.Optional()
	}
	for _, fld := range s.Fields() {
		b.Field(fld.Name, fld.Schema)
	}
	add := func(spec *insertSpec, base *schema.Builder) {
		if spec == nil {
			return
		}
		if spec.optional {
			base.Optional()
		}
		b.Field(spec.name, base.MustBuild())
	}
	add(f.topic, schema.String())
	add(f.partition, schema.Int32())
	add(f.offset, schema.Int64())
	add(f.timestamp, schema.Timestamp())
	add(f.static, schema.String())
	out, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("InsertField: %w", err)
	}
	return out, nil
}
