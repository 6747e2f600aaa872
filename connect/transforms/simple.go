package transforms

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

// Filter drops every record; use it with a predicate (Kafka's Filter).
type Filter struct{ noClose }

// Config describes the (empty) settings.
func (*Filter) Config() *config.ConfigDef { return emptyConfig() }

// Configure accepts no settings.
func (*Filter) Configure(props map[string]string) error {
	_, err := emptyConfig().Parse(props)
	return err
}

// Apply drops the record.
func (*Filter) Apply(*connect.Record) (*connect.Record, error) { return nil, nil }

const keyHeaders = "headers"

func dropHeadersConfig() *config.ConfigDef {
	return config.NewConfigDef().Define(config.Key{Name: keyHeaders, Type: config.TypeList, Required: true,
		Validator: config.NonEmptyList(), Importance: config.ImportanceHigh, Doc: "The name of the headers to be removed."})
}

// DropHeaders removes headers by name (Kafka's DropHeaders).
type DropHeaders struct {
	noClose
	names map[string]bool
}

// Config describes the settings.
func (*DropHeaders) Config() *config.ConfigDef { return dropHeadersConfig() }

// Configure reads the header names.
func (d *DropHeaders) Configure(props map[string]string) error {
	v, err := dropHeadersConfig().Parse(props)
	if err != nil {
		return err
	}
	d.names = map[string]bool{}
	for _, n := range v.List(keyHeaders) {
		d.names[n] = true
	}
	return nil
}

// Apply removes the headers.
func (d *DropHeaders) Apply(r *connect.Record) (*connect.Record, error) {
	out := r.Headers[:0:0]
	for _, h := range r.Headers {
		if !d.names[h.Key] {
			out = append(out, h)
		}
	}
	r.Headers = out
	return r, nil
}

const (
	keyField              = "field"
	keyFieldSyntaxVersion = "field.syntax.version"
)

func extractFieldConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyField, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
			Importance: config.ImportanceMedium, Doc: "Field name to extract."}).
		Define(fieldSyntaxKey()).
		Define(replaceNullKey())
}

func fieldSyntaxKey() config.Key {
	return config.Key{Name: keyFieldSyntaxVersion, Type: config.TypeString, Default: "V1",
		Validator: config.OneOfCaseInsensitive("V1", "V2"), Importance: config.ImportanceHigh,
		Doc: "Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used; a dot inside a field name is escaped with a backtick pair (`a.b`)."}
}

// fieldPath splits a field reference by the configured syntax version.
func fieldPath(ref, version string) []string {
	if !strings.EqualFold(version, "V2") {
		return []string{ref}
	}
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range ref {
		switch {
		case r == '`':
			quoted = !quoted
		case r == '.' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// ExtractField replaces the key or value with one of its fields (Kafka's
// ExtractField$Key / $Value).
type ExtractField struct {
	noClose
	part        part
	path        []string
	replaceNull bool
}

// Config describes the settings.
func (*ExtractField) Config() *config.ConfigDef { return extractFieldConfig() }

// Configure reads field and the syntax version.
func (e *ExtractField) Configure(props map[string]string) error {
	v, err := extractFieldConfig().Parse(props)
	if err != nil {
		return err
	}
	e.path = fieldPath(v.String(keyField), v.String(keyFieldSyntaxVersion))
	e.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply extracts the field; a missing or null value extracts null.
func (e *ExtractField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := e.part.get(r)
	if s == nil {
		cur := v
		for _, name := range e.path {
			if cur == nil {
				break
			}
			m, err := requireMap("ExtractField", e.part, cur)
			if err != nil {
				return nil, err
			}
			cur = m[name]
		}
		e.part.set(r, nil, cur)
		return r, nil
	}
	cs := s
	cur := v
	for _, name := range e.path {
		if cs.Type() != schema.STRUCT {
			return nil, fmt.Errorf("ExtractField: %s is not a struct at %q", e.part, name)
		}
		f, ok := cs.Field(name)
		if !ok {
			return nil, fmt.Errorf("ExtractField: unknown field %q in the %s schema", name, e.part)
		}
		if cur != nil {
			st, ok := cur.(*schema.Struct)
			if !ok {
				return nil, fmt.Errorf("ExtractField: %s is a %T, not a Struct", e.part, cur)
			}
			cur = structValue(st, f.Index, e.replaceNull)
		}
		cs = f.Schema
	}
	e.part.set(r, cs, cur)
	return r, nil
}

func hoistFieldConfig() *config.ConfigDef {
	return config.NewConfigDef().Define(config.Key{Name: keyField, Type: config.TypeString, Required: true,
		Validator: config.NonEmptyString(), Importance: config.ImportanceMedium,
		Doc: "Field name for the single field that will be created in the resulting Struct or Map."})
}

// HoistField wraps the key or value in a struct or map with one field
// (Kafka's HoistField$Key / $Value).
type HoistField struct {
	noClose
	part  part
	field string
	cache schemaCache
}

// Config describes the settings.
func (*HoistField) Config() *config.ConfigDef { return hoistFieldConfig() }

// Configure reads field.
func (h *HoistField) Configure(props map[string]string) error {
	v, err := hoistFieldConfig().Parse(props)
	if err != nil {
		return err
	}
	h.field = v.String(keyField)
	return nil
}

// Apply wraps the part.
func (h *HoistField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := h.part.get(r)
	if s == nil {
		h.part.set(r, nil, map[string]any{h.field: v})
		return r, nil
	}
	ns, err := h.cache.get(s, func(in *schema.Schema) (*schema.Schema, error) {
		return schema.StructBuilder().Field(h.field, in).Build()
	})
	if err != nil {
		return nil, fmt.Errorf("HoistField: %w", err)
	}
	st := schema.NewStruct(ns)
	st.Set(0, v)
	h.part.set(r, ns, st)
	return r, nil
}
