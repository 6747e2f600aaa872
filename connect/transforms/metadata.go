package transforms

import (
	"fmt"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keySchemaName    = "schema.name"
	keySchemaVersion = "schema.version"
)

func setSchemaMetadataConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keySchemaName, Type: config.TypeString, Importance: config.ImportanceHigh, Doc: "Schema name to set."}).
		Define(config.Key{Name: keySchemaVersion, Type: config.TypeInt, Importance: config.ImportanceHigh, Doc: "Schema version to set."}).
		Define(replaceNullKey())
}

// SetSchemaMetadata sets the schema name and/or version of the key or value
// (Kafka's SetSchemaMetadata$Key / $Value). A schemaless part is an error.
type SetSchemaMetadata struct {
	noClose
	part        part
	name        *string
	version     *int
	replaceNull bool
	cache       planCache[projection]
}

// Config describes the settings.
func (*SetSchemaMetadata) Config() *config.ConfigDef { return setSchemaMetadataConfig() }

// Configure reads schema.name and schema.version; at least one is required.
func (m *SetSchemaMetadata) Configure(props map[string]string) error {
	v, err := setSchemaMetadataConfig().Parse(props)
	if err != nil {
		return err
	}
	if v.Has(keySchemaName) {
		n := v.String(keySchemaName)
		m.name = &n
	}
	if v.Has(keySchemaVersion) {
		n := v.Int(keySchemaVersion)
		m.version = &n
	}
	if m.name == nil && m.version == nil {
		return fmt.Errorf("SetSchemaMetadata: neither %s nor %s is set", keySchemaName, keySchemaVersion)
	}
	m.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply replaces the schema metadata; a Struct value is re-bound to the new schema.
func (m *SetSchemaMetadata) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := m.part.get(r)
	if s == nil {
		return nil, fmt.Errorf("SetSchemaMetadata: schemaless %s is not supported", m.part)
	}
	pr, err := m.cache.get(s, func(in *schema.Schema) (projection, error) {
		b := schema.Copy(in)
		if m.name != nil {
			b.Name(*m.name)
		}
		if m.version != nil {
			b.Version(*m.version)
		}
		out, err := b.Build()
		if err != nil || in.Type() != schema.STRUCT {
			return projection{out: out}, err
		}
		return newProjection(in, out, nil), nil
	})
	if err != nil {
		return nil, fmt.Errorf("SetSchemaMetadata: %w", err)
	}
	if st, ok := v.(*schema.Struct); ok && s.Type() == schema.STRUCT {
		v = pr.apply(st, m.replaceNull)
	}
	m.part.set(r, pr.out, v)
	return r, nil
}

func valueToKeyConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyFields, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
			Importance: config.ImportanceHigh, Doc: "Field names on the record value to extract as the record key."}).
		Define(replaceNullKey())
}

// ValueToKey replaces the key with a struct or map of value fields (Kafka's
// ValueToKey).
type ValueToKey struct {
	noClose
	fields      []string
	replaceNull bool
	cache       planCache[projection]
}

// Config describes the settings.
func (*ValueToKey) Config() *config.ConfigDef { return valueToKeyConfig() }

// Configure reads fields.
func (k *ValueToKey) Configure(props map[string]string) error {
	v, err := valueToKeyConfig().Parse(props)
	if err != nil {
		return err
	}
	k.fields = v.List(keyFields)
	k.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply builds the key. A null value yields a null key, as Kafka does.
func (k *ValueToKey) Apply(r *connect.Record) (*connect.Record, error) {
	if r.ValueSchema == nil {
		if r.Value == nil {
			r.KeySchema, r.Key = nil, nil
			return r, nil
		}
		m, err := requireMap("ValueToKey", valuePart, r.Value)
		if err != nil {
			return nil, err
		}
		key := make(map[string]any, len(k.fields))
		for _, f := range k.fields {
			key[f] = m[f]
		}
		r.KeySchema, r.Key = nil, key
		return r, nil
	}
	pr, err := k.cache.get(r.ValueSchema, func(in *schema.Schema) (projection, error) {
		if in.Type() != schema.STRUCT {
			return projection{}, fmt.Errorf("ValueToKey: only STRUCT value schemas are supported, got %s", in.Type())
		}
		b := schema.StructBuilder()
		for _, name := range k.fields {
			f, ok := in.Field(name)
			if !ok {
				return projection{}, fmt.Errorf("ValueToKey: unknown field %q in the value schema", name)
			}
			b.Field(name, f.Schema)
		}
		out, err := b.Build()
		if err != nil {
			return projection{}, err
		}
		return newProjection(in, out, nil), nil
	})
	if err != nil {
		return nil, err
	}
	if r.Value == nil {
		r.KeySchema, r.Key = pr.out, nil
		return r, nil
	}
	st, err := requireStruct("ValueToKey", valuePart, r.ValueSchema, r.Value)
	if err != nil {
		return nil, err
	}
	r.KeySchema, r.Key = pr.out, pr.apply(st, k.replaceNull)
	return r, nil
}
