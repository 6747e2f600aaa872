package jsonconv

import (
	"errors"
	"fmt"

	"github.com/onecconnect/onecconnect/schema"
)

// span is the raw bytes of one JSON value inside the input.
type span struct {
	start, end int
	set        bool
}

// jsonSchema holds the members of a schema object before it is built.
type jsonSchema struct {
	typ, name, doc      string
	hasType, optional   bool
	typeIsString        bool
	version             int
	hasVersion          bool
	params              []schema.Param
	def, items, keys    span
	values, fields      span
	itemsNull, keysNull bool
	valuesNull          bool
}

// schemaFromJSON returns the Connect schema written in l.data[sp], from the
// cache when the same bytes were seen before (JsonConverter caches by the
// JSON tree; equal bytes give equal trees).
func (c *Converter) schemaFromJSON(data []byte, sp span) (*schema.Schema, error) {
	raw := data[sp.start:sp.end]
	if s, ok := c.toConnectCache.get(string(raw)); ok {
		return s, nil
	}
	l := &lexer{data: data, pos: sp.start}
	s, err := c.readSchema(l)
	if err != nil {
		return nil, err
	}
	c.toConnectCache.put(string(raw), s)
	return s, nil
}

// readSchema reads one schema object at l's position (null → nil schema),
// as JsonConverter.asConnectSchema does: members in any order, unknown
// members ignored, "optional" true only for the literal true.
func (c *Converter) readSchema(l *lexer) (*schema.Schema, error) {
	switch l.peek() {
	case 'n':
		return nil, l.literal("null")
	case '{':
	default:
		if err := l.skip(); err != nil {
			return nil, err
		}
		return nil, errors.New("schema must contain 'type' field")
	}
	var js jsonSchema
	mark := func(l *lexer, sp *span, isNull *bool) error {
		if l.peek() == 'n' {
			*isNull = true
		}
		sp.start, sp.set = l.pos, true
		err := l.skip()
		sp.end = l.pos
		return err
	}
	var dummy bool
	err := l.object(func(l *lexer, key []byte, esc bool) error {
		k := keyString(key, esc)
		switch k {
		case "type":
			js.hasType = true
			if l.peek() == '"' {
				js.typeIsString = true
				s, err := l.str()
				js.typ = s
				return err
			}
			js.typeIsString = false
			return l.skip()
		case "optional":
			js.optional = false
			if l.peek() == 't' {
				js.optional = true
				return l.literal("true")
			}
			return l.skip()
		case "name":
			js.name = ""
			if l.peek() == '"' {
				s, err := l.str()
				js.name = s
				return err
			}
			return l.skip()
		case "doc":
			js.doc = ""
			if l.peek() == '"' {
				s, err := l.str()
				js.doc = s
				return err
			}
			return l.skip()
		case "version":
			js.hasVersion = false
			c := l.peek()
			if c == '-' || (c >= '0' && c <= '9') {
				tok, integer, err := l.number()
				if err != nil {
					return err
				}
				if integer {
					n, err := parseInt64(tok)
					if err != nil || n < -1<<31 || n > 1<<31-1 {
						return fmt.Errorf("schema version %s out of range", tok)
					}
					js.version, js.hasVersion = int(n), true
				}
				return nil
			}
			return l.skip()
		case "parameters":
			js.params = js.params[:0]
			if l.peek() != '{' {
				return l.skip()
			}
			return l.object(func(l *lexer, key []byte, esc bool) error {
				if l.peek() != '"' {
					return errors.New("schema parameters must have string values")
				}
				v, err := l.str()
				if err != nil {
					return err
				}
				pk := keyString(key, esc)
				for i := range js.params {
					if js.params[i].Key == pk {
						js.params[i].Value = v
						return nil
					}
				}
				js.params = append(js.params, schema.Param{Key: pk, Value: v})
				return nil
			})
		case "default":
			return mark(l, &js.def, &dummy)
		case "items":
			js.itemsNull = false
			return mark(l, &js.items, &js.itemsNull)
		case "keys":
			js.keysNull = false
			return mark(l, &js.keys, &js.keysNull)
		case "values":
			js.valuesNull = false
			return mark(l, &js.values, &js.valuesNull)
		case "fields":
			return mark(l, &js.fields, &dummy)
		}
		return l.skip()
	})
	if err != nil {
		return nil, err
	}
	return c.buildSchema(l, &js)
}

func (c *Converter) sub(l *lexer, sp span) (*schema.Schema, error) {
	sl := &lexer{data: l.data, pos: sp.start, depth: l.depth}
	return c.readSchema(sl)
}

func (c *Converter) buildSchema(l *lexer, js *jsonSchema) (*schema.Schema, error) {
	if !js.hasType || !js.typeIsString {
		return nil, errors.New("schema must contain 'type' field")
	}
	t, ok := schema.TypeFromJSONName(js.typ)
	if !ok {
		return nil, fmt.Errorf("unknown schema type: %s", js.typ)
	}
	var b *schema.Builder
	switch t {
	case schema.ARRAY:
		if !js.items.set || js.itemsNull {
			return nil, errors.New("array schema did not specify the element type")
		}
		elem, err := c.sub(l, js.items)
		if err != nil {
			return nil, fmt.Errorf("array items: %w", err)
		}
		b = schema.Array(elem)
	case schema.MAP:
		if !js.keys.set || js.keysNull {
			return nil, errors.New("map schema did not specify the key type")
		}
		if !js.values.set || js.valuesNull {
			return nil, errors.New("map schema did not specify the value type")
		}
		ks, err := c.sub(l, js.keys)
		if err != nil {
			return nil, fmt.Errorf("map keys: %w", err)
		}
		vs, err := c.sub(l, js.values)
		if err != nil {
			return nil, fmt.Errorf("map values: %w", err)
		}
		b = schema.Map(ks, vs)
	case schema.STRUCT:
		b = schema.StructBuilder()
		if !js.fields.set {
			return nil, errors.New(`struct schema's "fields" argument is not an array`)
		}
		fl := &lexer{data: l.data, pos: js.fields.start, depth: l.depth}
		if fl.peek() != '[' {
			return nil, errors.New(`struct schema's "fields" argument is not an array`)
		}
		err := fl.array(func(fl *lexer, i int) error {
			if fl.peek() != '{' {
				if err := fl.skip(); err != nil {
					return err
				}
				return errors.New("struct schema's field name not specified properly")
			}
			start := fl.pos
			// First pass: the field name; second: the field's schema.
			name, named := "", false
			err := fl.object(func(fl *lexer, key []byte, esc bool) error {
				if keyIs(key, esc, "field") {
					named = false
					if fl.peek() == '"' {
						s, err := fl.str()
						name, named = s, true
						return err
					}
				}
				return fl.skip()
			})
			if err != nil {
				return err
			}
			if !named {
				return errors.New("struct schema's field name not specified properly")
			}
			fs, err := c.readSchema(&lexer{data: fl.data, pos: start, depth: fl.depth})
			if err != nil {
				return fmt.Errorf("field %q: %w", name, err)
			}
			b.Field(name, fs)
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		b = schema.NewBuilder(t)
	}
	if js.optional {
		b.Optional()
	}
	if js.name != "" {
		b.Name(js.name)
	}
	if js.hasVersion {
		b.Version(js.version)
	}
	if js.doc != "" {
		b.Doc(js.doc)
	}
	for _, p := range js.params {
		b.Param(p.Key, p.Value)
	}
	s, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	if js.def.set {
		// The default is read against the schema itself, then the schema is
		// rebuilt with it (JsonConverter reads it against the builder).
		dl := &lexer{data: l.data, pos: js.def.start, depth: l.depth}
		d, err := c.readValue(dl, s, false)
		if err != nil {
			return nil, fmt.Errorf("schema default: %w", err)
		}
		if d != nil {
			if s, err = schema.Copy(s).Default(d).Build(); err != nil {
				return nil, fmt.Errorf("invalid schema default: %w", err)
			}
		}
	}
	return s, nil
}
