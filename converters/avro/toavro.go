package avro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// genOptions are the AvroData settings that shape generated schemas.
type genOptions struct {
	// meta writes connect.* properties (connect.meta.data).
	meta bool
	// enhanced turns Connect enum strings into Avro enums
	// (enhanced.avro.schema.support).
	enhanced bool
}

// avroGen converts one Connect schema into Avro schema JSON text, as
// Confluent's AvroData.fromConnectSchema does, plus name sanitisation.
type avroGen struct {
	opts  genOptions
	buf   bytes.Buffer
	named []namedDef
	used  map[string]bool
}

// namedDef is a named Avro type already written: later equal Connect
// schemas refer to it by name.
type namedDef struct {
	connect *schema.Schema // required view
	full    string
}

// toAvroSchema returns the Avro schema JSON text for s. The output is
// deterministic: the same Connect schema always gives the same bytes.
func toAvroSchema(s *schema.Schema, opts genOptions) (string, error) {
	if s == nil {
		return "", fmt.Errorf("no schema: the Avro converter needs a Connect schema")
	}
	g := &avroGen{opts: opts, used: map[string]bool{}}
	if err := g.write(s, false); err != nil {
		return "", err
	}
	return g.buf.String(), nil
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// prop is one schema property: a key and its JSON text.
type prop struct{ key, raw string }

func (g *avroGen) write(s *schema.Schema, ignoreOptional bool) error {
	if s.Type() == schema.STRUCT && s.Name() == unionName {
		return g.writeUnion(s)
	}
	if s.Optional() && !ignoreOptional {
		if d, ok := s.Default(); ok && d != nil {
			g.buf.WriteByte('[')
			if err := g.base(s); err != nil {
				return err
			}
			g.buf.WriteString(`,"null"]`)
			return nil
		}
		g.buf.WriteString(`["null",`)
		if err := g.base(s); err != nil {
			return err
		}
		g.buf.WriteByte(']')
		return nil
	}
	return g.base(s)
}

func (g *avroGen) writeUnion(s *schema.Schema) error {
	g.buf.WriteByte('[')
	first := true
	if s.Optional() {
		g.buf.WriteString(`"null"`)
		first = false
	}
	for _, f := range s.Fields() {
		if !first {
			g.buf.WriteByte(',')
		}
		first = false
		if err := g.write(f.Schema, true); err != nil {
			return fmt.Errorf("union member %s: %w", f.Name, err)
		}
	}
	g.buf.WriteByte(']')
	return nil
}

// metaProps returns the connect.* properties of s (connect.meta.data).
func (g *avroGen) metaProps(s *schema.Schema, forceName bool) ([]prop, error) {
	var ps []prop
	if g.opts.meta {
		if s.Doc() != "" {
			ps = append(ps, prop{propConnectDoc, jsonString(s.Doc())})
		}
		if s.Version() != 0 {
			ps = append(ps, prop{propConnectVersion, strconv.Itoa(s.Version())})
		}
		if len(s.Params()) > 0 {
			var b strings.Builder
			b.WriteByte('{')
			for i, p := range s.Params() {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(jsonString(p.Key))
				b.WriteByte(':')
				b.WriteString(jsonString(p.Value))
			}
			b.WriteByte('}')
			ps = append(ps, prop{propConnectParameters, b.String()})
		}
		if d, ok := s.Default(); ok && d != nil {
			raw, err := defaultJSON(s, d)
			if err != nil {
				return nil, fmt.Errorf("default value: %w", err)
			}
			ps = append(ps, prop{propConnectDefault, raw})
		}
	}
	if s.Name() != "" && (g.opts.meta || forceName) {
		ps = append(ps, prop{propConnectName, jsonString(s.Name())})
	}
	if g.opts.meta {
		switch s.Type() {
		case schema.INT8:
			ps = append(ps, prop{propConnectType, `"int8"`})
		case schema.INT16:
			ps = append(ps, prop{propConnectType, `"int16"`})
		}
	}
	for _, p := range s.Params() {
		if strings.HasPrefix(p.Key, "avro") {
			ps = append(ps, prop{p.Key, jsonString(p.Value)})
		}
	}
	return ps, nil
}

func (g *avroGen) writeProps(ps []prop) {
	for _, p := range ps {
		g.buf.WriteByte(',')
		g.buf.WriteString(jsonString(p.key))
		g.buf.WriteByte(':')
		g.buf.WriteString(p.raw)
	}
}

// primitive writes a primitive type with its properties, as a bare name
// when there are none.
func (g *avroGen) primitive(typ string, ps []prop) {
	if len(ps) == 0 {
		g.buf.WriteString(`"` + typ + `"`)
		return
	}
	g.buf.WriteString(`{"type":"` + typ + `"`)
	g.writeProps(ps)
	g.buf.WriteByte('}')
}

func (g *avroGen) base(s *schema.Schema) error {
	switch s.Logical() {
	case schema.LogicalDecimal:
		return g.decimal(s)
	case schema.LogicalDate, schema.LogicalTime, schema.LogicalTimestamp:
		ps, err := g.metaProps(s, false)
		if err != nil {
			return err
		}
		typ, lt := "int", "date"
		switch s.Logical() {
		case schema.LogicalTime:
			lt = "time-millis"
		case schema.LogicalTimestamp:
			typ, lt = "long", "timestamp-millis"
		}
		g.primitive(typ, append(ps, prop{propLogicalType, `"` + lt + `"`}))
		return nil
	}
	switch s.Type() {
	case schema.INT8, schema.INT16, schema.INT32, schema.INT64, schema.FLOAT32, schema.FLOAT64,
		schema.BOOLEAN, schema.BYTES:
		ps, err := g.metaProps(s, false)
		if err != nil {
			return err
		}
		g.primitive(primitiveName(s.Type()), ps)
		return nil
	case schema.STRING:
		if sym, ok := s.Param(enumParam); ok && g.opts.enhanced {
			return g.enum(s, sym)
		}
		ps, err := g.metaProps(s, false)
		if err != nil {
			return err
		}
		g.primitive("string", ps)
		return nil
	case schema.ARRAY:
		g.buf.WriteString(`{"type":"array","items":`)
		if err := g.write(s.ValueSchema(), false); err != nil {
			return fmt.Errorf("array items: %w", err)
		}
		ps, err := g.metaProps(s, false)
		if err != nil {
			return err
		}
		g.writeProps(ps)
		g.buf.WriteByte('}')
		return nil
	case schema.MAP:
		return g.mapSchema(s)
	case schema.STRUCT:
		return g.record(s)
	}
	return fmt.Errorf("unsupported Connect schema type %s", s.Type())
}

func primitiveName(t schema.Type) string {
	switch t {
	case schema.INT8, schema.INT16, schema.INT32:
		return "int"
	case schema.INT64:
		return "long"
	case schema.FLOAT32:
		return "float"
	case schema.FLOAT64:
		return "double"
	case schema.BOOLEAN:
		return "boolean"
	case schema.STRING:
		return "string"
	}
	return "bytes"
}

// decimalPrecision returns the precision a Decimal schema declares in
// connect.decimal.precision, or 64.
func decimalPrecision(s *schema.Schema) (int, error) {
	p, ok := s.Param(decimalPrecisionParam)
	if !ok {
		return defaultDecimalPrecision, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 0, fmt.Errorf("decimal parameter %s=%q is not an integer", decimalPrecisionParam, p)
	}
	return n, nil
}

func (g *avroGen) decimal(s *schema.Schema) error {
	scale, err := s.Scale()
	if err != nil {
		return err
	}
	prec, err := decimalPrecision(s)
	if err != nil {
		return err
	}
	ps := []prop{{"scale", strconv.Itoa(int(scale))}, {"precision", strconv.Itoa(prec)}}
	meta, err := g.metaProps(s, false)
	if err != nil {
		return err
	}
	ps = append(ps, meta...)
	if scale >= 0 && int(scale) <= prec && prec > 0 {
		ps = append(ps, prop{propLogicalType, `"decimal"`})
	}
	g.primitive("bytes", ps)
	return nil
}

// claim reserves an Avro full name for a named type, de-duplicating it with
// _2, _3, … when a different type already holds it.
func (g *avroGen) claim(full string) string {
	cand := full
	for k := 2; g.used[cand]; k++ {
		cand = full + "_" + strconv.Itoa(k)
	}
	g.used[cand] = true
	return cand
}

// lookupNamed returns the Avro name under which an equal schema was
// already written.
func (g *avroGen) lookupNamed(s *schema.Schema) (string, bool) {
	req := requiredView(s)
	for _, d := range g.named {
		if d.connect.Equal(req) {
			return d.full, true
		}
	}
	return "", false
}

// requiredView returns s as a required schema (s itself when it is).
func requiredView(s *schema.Schema) *schema.Schema {
	if !s.Optional() {
		return s
	}
	r, err := schema.Copy(s).Required().Build()
	if err != nil {
		return s
	}
	return r
}

func (g *avroGen) writeNameAndNamespace(full string) {
	ns, name := splitName(full)
	g.buf.WriteString(`,"name":` + jsonString(name))
	g.buf.WriteString(`,"namespace":` + jsonString(ns))
}

func (g *avroGen) record(s *schema.Schema) error {
	if full, ok := g.lookupNamed(s); ok {
		g.buf.WriteString(jsonString(full))
		return nil
	}
	orig := s.Name()
	if orig == "" {
		orig = defaultRecordName
	}
	full := g.claim(translit.FullName(orig))
	g.named = append(g.named, namedDef{connect: requiredView(s), full: full})
	g.buf.WriteString(`{"type":"record"`)
	g.writeNameAndNamespace(full)
	g.buf.WriteString(`,"fields":[`)
	names := fieldNames(s)
	for i, f := range s.Fields() {
		if i > 0 {
			g.buf.WriteByte(',')
		}
		g.buf.WriteString(`{"name":` + jsonString(names[i]) + `,"type":`)
		if err := g.write(f.Schema, false); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		if d, ok := f.Schema.Default(); ok && d != nil {
			raw, err := defaultJSON(f.Schema, d)
			if err != nil {
				return fmt.Errorf("field %s default: %w", f.Name, err)
			}
			g.buf.WriteString(`,"default":` + raw)
		} else if f.Schema.Optional() {
			g.buf.WriteString(`,"default":null`)
		}
		if names[i] != f.Name {
			g.buf.WriteString(`,"` + PropOriginalName + `":` + jsonString(f.Name))
		}
		g.buf.WriteByte('}')
	}
	g.buf.WriteByte(']')
	ps, err := g.metaProps(s, s.Name() != "" && full != s.Name())
	if err != nil {
		return err
	}
	g.writeProps(ps)
	g.buf.WriteByte('}')
	return nil
}

// fieldNames returns the Avro names of a struct's fields: legal names kept,
// others transliterated and de-duplicated (translit.UniqueNames).
func fieldNames(s *schema.Schema) []string {
	fs := s.Fields()
	in := make([]string, len(fs))
	for i, f := range fs {
		in[i] = f.Name
	}
	return translit.UniqueNames(in)
}

func (g *avroGen) mapSchema(s *schema.Schema) error {
	ks := s.KeySchema()
	if ks.Type() == schema.STRING && !ks.Optional() && ks.Logical() == schema.LogicalNone {
		g.buf.WriteString(`{"type":"map","values":`)
		if err := g.write(s.ValueSchema(), false); err != nil {
			return fmt.Errorf("map values: %w", err)
		}
		ps, err := g.metaProps(s, false)
		if err != nil {
			return err
		}
		g.writeProps(ps)
		g.buf.WriteByte('}')
		return nil
	}
	g.buf.WriteString(`{"type":"array","items":`)
	if full, ok := g.lookupNamed(s); ok {
		g.buf.WriteString(jsonString(full))
	} else {
		orig := s.Name()
		if orig == "" {
			orig = mapEntryName
		}
		full := g.claim(translit.FullName(orig))
		g.named = append(g.named, namedDef{connect: requiredView(s), full: full})
		g.buf.WriteString(`{"type":"record"`)
		g.writeNameAndNamespace(full)
		g.buf.WriteString(`,"fields":[{"name":"key","type":`)
		if err := g.write(ks, false); err != nil {
			return fmt.Errorf("map keys: %w", err)
		}
		if ks.Optional() {
			g.buf.WriteString(`,"default":null`)
		}
		g.buf.WriteString(`},{"name":"value","type":`)
		if err := g.write(s.ValueSchema(), false); err != nil {
			return fmt.Errorf("map values: %w", err)
		}
		if s.ValueSchema().Optional() {
			g.buf.WriteString(`,"default":null`)
		}
		g.buf.WriteString(`}]`)
		if full != mapEntryName {
			g.buf.WriteString(`,"` + propInternalType + `":"MapEntry"`)
		}
		g.buf.WriteByte('}')
	}
	ps, err := g.metaProps(s, false)
	if err != nil {
		return err
	}
	g.writeProps(ps)
	g.buf.WriteByte('}')
	return nil
}

func (g *avroGen) enum(s *schema.Schema, enumName string) error {
	if full, ok := g.lookupNamed(s); ok {
		g.buf.WriteString(jsonString(full))
		return nil
	}
	var syms []string
	prefix := enumParam + "."
	for _, p := range s.Params() {
		if strings.HasPrefix(p.Key, prefix) {
			if !translit.IsName(p.Value) {
				return fmt.Errorf("enum symbol %q is not a legal Avro name", p.Value)
			}
			syms = append(syms, jsonString(p.Value))
		}
	}
	full := g.claim(translit.FullName(enumName))
	g.named = append(g.named, namedDef{connect: requiredView(s), full: full})
	g.buf.WriteString(`{"type":"enum"`)
	g.writeNameAndNamespace(full)
	g.buf.WriteString(`,"symbols":[` + strings.Join(syms, ",") + `]`)
	ps, err := g.metaProps(s, false)
	if err != nil {
		return err
	}
	g.writeProps(ps)
	g.buf.WriteByte('}')
	return nil
}

// defaultJSON renders a Connect value as an Avro JSON default of s.
func defaultJSON(s *schema.Schema, v any) (string, error) {
	if v == nil {
		return "null", nil
	}
	switch s.Logical() {
	case schema.LogicalDecimal:
		d, err := schema.ToDecimal(v)
		if err != nil {
			return "", err
		}
		scale, err := s.Scale()
		if err != nil {
			return "", err
		}
		b, err := schema.DecimalToBytes(d, scale)
		if err != nil {
			return "", err
		}
		return bytesJSON(b), nil
	case schema.LogicalDate:
		t, ok := v.(time.Time)
		if !ok {
			return "", fmt.Errorf("expected time.Time, got %T", v)
		}
		days, err := schema.DateToDays(t)
		return strconv.Itoa(int(days)), err
	case schema.LogicalTime:
		t, ok := v.(time.Time)
		if !ok {
			return "", fmt.Errorf("expected time.Time, got %T", v)
		}
		ms, err := schema.TimeToMillis(t)
		return strconv.Itoa(int(ms)), err
	case schema.LogicalTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return "", fmt.Errorf("expected time.Time, got %T", v)
		}
		return strconv.FormatInt(t.UnixMilli(), 10), nil
	}
	switch x := v.(type) {
	case int8:
		return strconv.Itoa(int(x)), nil
	case int16:
		return strconv.Itoa(int(x)), nil
	case int32:
		return strconv.Itoa(int(x)), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float32:
		return floatJSON(float64(x), 32)
	case float64:
		return floatJSON(x, 64)
	case bool:
		return strconv.FormatBool(x), nil
	case string:
		return jsonString(x), nil
	case []byte:
		return bytesJSON(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			p, err := defaultJSON(s.ValueSchema(), e)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case map[string]any:
		return mapDefaultJSON(s, x)
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return "", fmt.Errorf("map default with non-string keys is not supported")
			}
			m[ks] = e
		}
		return mapDefaultJSON(s, m)
	case *schema.Struct:
		names := fieldNames(s)
		parts := make([]string, len(s.Fields()))
		for i, f := range s.Fields() {
			p, err := defaultJSON(f.Schema, x.At(i))
			if err != nil {
				return "", err
			}
			parts[i] = jsonString(names[i]) + ":" + p
		}
		return "{" + strings.Join(parts, ",") + "}", nil
	}
	return "", fmt.Errorf("unsupported default value type %T", v)
}

func mapDefaultJSON(s *schema.Schema, m map[string]any) (string, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		p, err := defaultJSON(s.ValueSchema(), m[k])
		if err != nil {
			return "", err
		}
		parts[i] = jsonString(k) + ":" + p
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

func floatJSON(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("default %v cannot be written in JSON", f)
	}
	return strconv.FormatFloat(f, 'g', -1, bits), nil
}

// bytesJSON renders bytes as Avro's JSON form: a string whose code points
// 0-255 are the bytes.
func bytesJSON(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return jsonString(string(r))
}
