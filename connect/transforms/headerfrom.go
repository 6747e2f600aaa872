package transforms

import (
	"fmt"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keyFields    = "fields"
	keyOperation = "operation"
)

func headerFromConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyFields, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
			Importance: config.ImportanceHigh, Doc: "Field names in the record whose values are to be copied or moved to headers."}).
		Define(config.Key{Name: keyHeaders, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
			Importance: config.ImportanceHigh, Doc: "Header names, in the same order as the field names listed in the fields configuration property."}).
		Define(config.Key{Name: keyOperation, Type: config.TypeString, Required: true, Validator: config.OneOf("move", "copy"),
			Importance: config.ImportanceHigh, Doc: "Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value)."}).
		Define(replaceNullKey())
}

// HeaderFrom copies or moves fields into headers (Kafka's HeaderFrom$Key /
// $Value).
type HeaderFrom struct {
	noClose
	part        part
	fields      []string
	headers     []string
	move        bool
	replaceNull bool
	cache       planCache[projection]
}

// Config describes the settings.
func (*HeaderFrom) Config() *config.ConfigDef { return headerFromConfig() }

// Configure reads fields, headers and operation.
func (h *HeaderFrom) Configure(props map[string]string) error {
	v, err := headerFromConfig().Parse(props)
	if err != nil {
		return err
	}
	h.fields, h.headers = v.List(keyFields), v.List(keyHeaders)
	if len(h.fields) != len(h.headers) {
		return fmt.Errorf("invalid value for configuration %s: %s and %s must have the same number of elements", keyHeaders, keyFields, keyHeaders)
	}
	h.move = v.String(keyOperation) == "move"
	h.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

// Apply copies or moves the fields.
func (h *HeaderFrom) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := h.part.get(r)
	if v == nil {
		return r, nil
	}
	if s == nil {
		m, err := requireMap("HeaderFrom", h.part, v)
		if err != nil {
			return nil, err
		}
		for i, f := range h.fields {
			r.Headers.Add(h.headers[i], nil, m[f])
		}
		if h.move {
			out := make(map[string]any, len(m))
			for k, x := range m {
				out[k] = x
			}
			for _, f := range h.fields {
				delete(out, f)
			}
			h.part.set(r, nil, out)
		}
		return r, nil
	}
	st, err := requireStruct("HeaderFrom", h.part, s, v)
	if err != nil {
		return nil, err
	}
	for i, name := range h.fields {
		f, ok := s.Field(name)
		if !ok {
			return nil, fmt.Errorf("HeaderFrom: unknown field %q in the %s schema", name, h.part)
		}
		r.Headers.Add(h.headers[i], f.Schema, structValue(st, f.Index, h.replaceNull))
	}
	if !h.move {
		return r, nil
	}
	pr, err := h.cache.get(s, func(in *schema.Schema) (projection, error) {
		out, err := rebuildStruct(in, func(f schema.Field) (string, bool) { return f.Name, !contains(h.fields, f.Name) })
		if err != nil {
			return projection{}, err
		}
		return newProjection(in, out, nil), nil
	})
	if err != nil {
		return nil, fmt.Errorf("HeaderFrom: %w", err)
	}
	h.part.set(r, pr.out, pr.apply(st, h.replaceNull))
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rebuildStruct builds a struct schema from in keeping the fields keep
// accepts, under the names it returns, with in's metadata.
func rebuildStruct(in *schema.Schema, keep func(schema.Field) (string, bool)) (*schema.Schema, error) {
	b := schema.StructBuilder().Name(in.Name()).Version(in.Version()).Doc(in.Doc())
	if in.Optional() {
		b.Optional()
	}
	for _, p := range in.Params() {
		b.Param(p.Key, p.Value)
	}
	for _, f := range in.Fields() {
		if name, ok := keep(f); ok {
			b.Field(name, f.Schema)
		}
	}
	return b.Build()
}
