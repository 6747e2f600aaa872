package transforms

import (
	"fmt"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const keyDelimiter = "delimiter"

func flattenConfig() *config.ConfigDef {
	return config.NewConfigDef().Define(config.Key{Name: keyDelimiter, Type: config.TypeString, Default: ".",
		Importance: config.ImportanceMedium,
		Doc:        "Delimiter to insert between field names from the input record when generating field names for the output record"})
}

// Flatten flattens nested structs (schemaful) or maps (schemaless) into one
// level, joining field names with the delimiter (Kafka's Flatten$Key /
// $Value). Arrays and schemaful maps are kept as they are.
type Flatten struct {
	noClose
	part      part
	delimiter string
	cache     schemaCache
}

// Config describes the settings.
func (*Flatten) Config() *config.ConfigDef { return flattenConfig() }

// Configure reads the delimiter.
func (f *Flatten) Configure(props map[string]string) error {
	v, err := flattenConfig().Parse(props)
	if err != nil {
		return err
	}
	f.delimiter = v.String(keyDelimiter)
	return nil
}

func (f *Flatten) join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + f.delimiter + name
}

// Apply flattens the part.
func (f *Flatten) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := f.part.get(r)
	if s == nil {
		if v == nil {
			return r, nil
		}
		m, err := requireMap("Flatten", f.part, v)
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		if err := f.flattenMap("", m, out, 0); err != nil {
			return nil, err
		}
		f.part.set(r, nil, out)
		return r, nil
	}
	if s.Type() != schema.STRUCT {
		return r, nil // Kafka passes non-struct schemaful values through
	}
	ns, err := f.cache.get(s, f.buildSchema)
	if err != nil {
		return nil, err
	}
	if v == nil {
		f.part.set(r, ns, nil)
		return r, nil
	}
	st, err := requireStruct("Flatten", f.part, s, v)
	if err != nil {
		return nil, err
	}
	out := schema.NewStruct(ns)
	idx := 0
	f.flattenStruct(st, out, &idx)
	f.part.set(r, ns, out)
	return r, nil
}

const maxFlattenDepth = 64

func (f *Flatten) flattenMap(prefix string, m map[string]any, out map[string]any, depth int) error {
	if depth > maxFlattenDepth {
		return fmt.Errorf("Flatten: nesting deeper than %d levels", maxFlattenDepth)
	}
	for k, v := range m {
		name := f.join(prefix, k)
		switch x := v.(type) {
		case map[string]any:
			if err := f.flattenMap(name, x, out, depth+1); err != nil {
				return err
			}
		case map[any]any:
			sm, err := requireMap("Flatten", f.part, x)
			if err != nil {
				return err
			}
			if err := f.flattenMap(name, sm, out, depth+1); err != nil {
				return err
			}
		default:
			out[name] = v
		}
	}
	return nil
}

func (f *Flatten) buildSchema(s *schema.Schema) (*schema.Schema, error) {
	b := schema.StructBuilder().Name(s.Name()).Version(s.Version()).Doc(s.Doc())
	if s.Optional() {
		b.Optional()
	}
	if err := f.addFields(b, "", s, s.Optional(), 0); err != nil {
		return nil, err
	}
	out, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("Flatten: %w", err)
	}
	return out, nil
}

func (f *Flatten) addFields(b *schema.Builder, prefix string, s *schema.Schema, optional bool, depth int) error {
	if depth > maxFlattenDepth {
		return fmt.Errorf("Flatten: nesting deeper than %d levels", maxFlattenDepth)
	}
	for _, fld := range s.Fields() {
		name := f.join(prefix, fld.Name)
		if fld.Schema.Type() == schema.STRUCT {
			if err := f.addFields(b, name, fld.Schema, optional || fld.Schema.Optional(), depth+1); err != nil {
				return err
			}
			continue
		}
		fs := fld.Schema
		if optional {
			fs = optionalCopy(fs)
		}
		b.Field(name, fs)
	}
	return nil
}

// flattenStruct writes leaf values in the same order addFields declared them.
func (f *Flatten) flattenStruct(st *schema.Struct, out *schema.Struct, idx *int) {
	for i, fld := range st.Schema().Fields() {
		if fld.Schema.Type() == schema.STRUCT {
			child, _ := st.At(i).(*schema.Struct)
			if child == nil {
				*idx += countLeaves(fld.Schema)
				continue
			}
			f.flattenStruct(child, out, idx)
			continue
		}
		out.Set(*idx, st.At(i))
		*idx++
	}
}

func countLeaves(s *schema.Schema) int {
	n := 0
	for _, f := range s.Fields() {
		if f.Schema.Type() == schema.STRUCT {
			n += countLeaves(f.Schema)
		} else {
			n++
		}
	}
	return n
}
