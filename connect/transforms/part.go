package transforms

import (
	"fmt"
	"sync"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

// part selects the record part a Key or Value variant works on.
type part bool

const (
	keyPart   part = true
	valuePart part = false
)

func (p part) String() string {
	if p == keyPart {
		return "key"
	}
	return "value"
}

// get returns the selected schema and value.
func (p part) get(r *connect.Record) (*schema.Schema, any) {
	if p == keyPart {
		return r.KeySchema, r.Key
	}
	return r.ValueSchema, r.Value
}

// set replaces the selected schema and value.
func (p part) set(r *connect.Record, s *schema.Schema, v any) {
	if p == keyPart {
		r.KeySchema, r.Key = s, v
		return
	}
	r.ValueSchema, r.Value = s, v
}

// planCache maps an input schema to what a transform derived from it once
// (an output schema, field index plans). It is bounded: past
// maxCacheEntries it starts over, which only costs a rebuild. The last hit
// is kept outside the map, so a stream of one schema costs no hashing.
type planCache[T any] struct {
	mu       sync.Mutex
	lastIn   *schema.Schema
	lastPlan T
	m        map[*schema.Schema]T
}

const maxCacheEntries = 16

func (c *planCache[T]) get(in *schema.Schema, build func(*schema.Schema) (T, error)) (T, error) {
	c.mu.Lock()
	if in == c.lastIn && in != nil {
		p := c.lastPlan
		c.mu.Unlock()
		return p, nil
	}
	p, ok := c.m[in]
	c.mu.Unlock()
	if !ok {
		var err error
		if p, err = build(in); err != nil {
			return p, err
		}
	}
	c.mu.Lock()
	if !ok {
		if c.m == nil || len(c.m) >= maxCacheEntries {
			c.m = make(map[*schema.Schema]T, maxCacheEntries)
		}
		c.m[in] = p
	}
	c.lastIn, c.lastPlan = in, p
	c.mu.Unlock()
	return p, nil
}

// schemaCache caches a translated schema per input schema.
type schemaCache = planCache[*schema.Schema]

// projection is an output struct schema plus, for each of its fields, the
// index of the input field it takes its value from (-1: none).
type projection struct {
	out *schema.Schema
	src []int
}

// newProjection maps out's fields to in's by name; renames maps an output
// name to its input name.
func newProjection(in, out *schema.Schema, renames map[string]string) projection {
	src := make([]int, len(out.Fields()))
	for i, f := range out.Fields() {
		name := f.Name
		if orig, ok := renames[name]; ok {
			name = orig
		}
		src[i] = -1
		if sf, ok := in.Field(name); ok {
			src[i] = sf.Index
		}
	}
	return projection{out: out, src: src}
}

// apply copies values from st into a new struct of the output schema.
func (p projection) apply(st *schema.Struct, replaceNull bool) *schema.Struct {
	res := schema.NewStruct(p.out)
	for i, j := range p.src {
		if j >= 0 {
			res.Set(i, structValue(st, j, replaceNull))
		}
	}
	return res
}

// requireStruct checks that a schemaful value is a STRUCT with a Struct value.
func requireStruct(name string, p part, s *schema.Schema, v any) (*schema.Struct, error) {
	if s.Type() != schema.STRUCT {
		return nil, fmt.Errorf("%s: only STRUCT %s schemas are supported, got %s", name, p, s.Type())
	}
	st, ok := v.(*schema.Struct)
	if !ok {
		return nil, fmt.Errorf("%s: %s with a STRUCT schema is a %T, not a Struct", name, p, v)
	}
	return st, nil
}

// requireMap checks that a schemaless value is a map with string keys.
func requireMap(name string, p part, v any) (map[string]any, error) {
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, x := range m {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("%s: schemaless %s map has a non-string key %v", name, p, k)
			}
			out[ks] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: schemaless %s must be a map, got %T", name, p, v)
}

// copyFieldSchema returns a builder for a field schema, optionally forcing it
// optional (used when a parent struct is optional, as Kafka does).
func optionalCopy(s *schema.Schema) *schema.Schema {
	if s.Optional() {
		return s
	}
	b := schema.Copy(s).Optional()
	out, err := b.Build()
	if err != nil {
		return s
	}
	return out
}

// structValue reads a field from a struct honouring replace.null.with.default.
func structValue(st *schema.Struct, index int, replaceNullWithDefault bool) any {
	if replaceNullWithDefault {
		return st.At(index)
	}
	return st.Raw(index)
}
