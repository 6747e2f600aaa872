package avro

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"

	"github.com/onecconnect/onecconnect/schema"
)

// readerSchema is a writer schema from the registry, parsed and converted:
// the Connect schema callers get and the plan that decodes the binary data.
type readerSchema struct {
	connect *schema.Schema
	dec     *decNode
}

// connectConv converts an Avro schema to a Connect schema and a decoding
// plan, as Confluent's AvroData.toConnectSchema does. It walks hamba's
// parsed schema (types, resolved names) and the ordered JSON text (property
// order, which Connect parameters keep) side by side.
type connectConv struct {
	meta  bool
	named map[string]*namedConv
}

// namedConv is a converted named type, per optionality.
type namedConv struct {
	done     bool
	req, opt *convResult
}

type convResult struct {
	s   *schema.Schema
	dec *decNode
}

// toConnectSchema parses Avro schema text and converts it.
func toConnectSchema(text string, meta bool) (*readerSchema, error) {
	h, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("parse Avro schema: %w", err)
	}
	j, err := parseJSON([]byte(text))
	if err != nil {
		return nil, err
	}
	c := &connectConv{meta: meta, named: map[string]*namedConv{}}
	r, err := c.conv(h, j, false, nil)
	if err != nil {
		return nil, err
	}
	return &readerSchema{connect: r.s, dec: r.dec}, nil
}

// unwrap follows {"type": {...}} and {"type": [...]} wrappers in the JSON
// tree: hamba describes the inner schema.
func unwrap(j *jnode) *jnode {
	for j != nil && j.kind == jObject {
		t := j.get("type")
		if t == nil || t.kind == jString {
			return j
		}
		j = t
	}
	return j
}

// conv converts h (JSON node j). optional marks the result optional (it
// sits in a union with null); fieldDefault is the enclosing record field's
// default, if any.
func (c *connectConv) conv(h avro.Schema, j *jnode, optional bool, fieldDefault *jnode) (*convResult, error) {
	j = unwrap(j)
	if ref, ok := h.(*avro.RefSchema); ok {
		return c.ref(ref, optional)
	}
	switch h.Type() {
	case avro.Union:
		return c.union(h.(*avro.UnionSchema), j, optional, fieldDefault)
	case avro.Record:
		return c.record(h.(*avro.RecordSchema), j, optional, fieldDefault)
	case avro.Null:
		return nil, errors.New("a standalone null schema has no Connect equivalent")
	}
	b, dec, err := c.baseBuilder(h, j)
	if err != nil {
		return nil, err
	}
	s, err := c.finish(b, h, j, optional, fieldDefault)
	if err != nil {
		return nil, err
	}
	dec.schema = s
	return &convResult{s: s, dec: dec}, nil
}

// baseBuilder starts the Connect schema of a non-record, non-union type.
func (c *connectConv) baseBuilder(h avro.Schema, j *jnode) (*schema.Builder, *decNode, error) {
	logical, _ := j.getString(propLogicalType)
	connectType, _ := j.getString(propConnectType)
	switch h.Type() {
	case avro.Boolean:
		return schema.Bool(), &decNode{kind: dBool}, nil
	case avro.Int:
		switch {
		case logical == "date":
			return schema.Date(), &decNode{kind: dDate}, nil
		case logical == "time-millis":
			return schema.Time(), &decNode{kind: dTime}, nil
		case connectType == "int8":
			return schema.Int8(), &decNode{kind: dInt8}, nil
		case connectType == "int16":
			return schema.Int16(), &decNode{kind: dInt16}, nil
		case connectType != "" && logical == "":
			return nil, nil, fmt.Errorf("unknown %s %q on an Avro int", propConnectType, connectType)
		}
		return schema.Int32(), &decNode{kind: dInt32}, nil
	case avro.Long:
		if logical == "timestamp-millis" {
			return schema.Timestamp(), &decNode{kind: dTimestamp}, nil
		}
		return schema.Int64(), &decNode{kind: dInt64}, nil
	case avro.Float:
		return schema.Float32(), &decNode{kind: dFloat}, nil
	case avro.Double:
		return schema.Float64(), &decNode{kind: dDouble}, nil
	case avro.String:
		return schema.String(), &decNode{kind: dString}, nil
	case avro.Bytes, avro.Fixed:
		dec := &decNode{kind: dBytes}
		if fx, ok := h.(*avro.FixedSchema); ok {
			dec = &decNode{kind: dFixed, size: fx.Size()}
		}
		if logical != "decimal" {
			b := schema.Bytes()
			if dec.kind == dFixed {
				b.Param(propFixedSize, strconv.Itoa(dec.size))
			}
			return b, dec, nil
		}
		scale, err := intProp(j, "scale")
		if err != nil {
			return nil, nil, err
		}
		b := schema.Decimal(int32(scale))
		if j.get("precision") != nil {
			prec, err := intProp(j, "precision")
			if err != nil {
				return nil, nil, err
			}
			if prec != defaultDecimalPrecision {
				b.Param(decimalPrecisionParam, strconv.Itoa(prec))
			}
		}
		if dec.kind == dFixed {
			dec.kind = dDecimalFixed
		} else {
			dec.kind = dDecimal
		}
		dec.scale = int32(scale)
		return b, dec, nil
	case avro.Array:
		arr := h.(*avro.ArraySchema)
		items := unwrap(j).get("items")
		if c.isMapEntry(arr.Items()) {
			rec := derefRecord(arr.Items())
			kf, vf := rec.Fields()[0], rec.Fields()[1]
			if kf.Name() != "key" {
				kf, vf = vf, kf
			}
			entryJ := c.namedJSON(items)
			kr, err := c.conv(kf.Type(), fieldJSON(entryJ, "key").get("type"), false, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("map key: %w", err)
			}
			vr, err := c.conv(vf.Type(), fieldJSON(entryJ, "value").get("type"), false, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("map value: %w", err)
			}
			keyFirst := rec.Fields()[0].Name() == "key"
			return schema.Map(kr.s, vr.s), &decNode{kind: dMapEntries, key: kr.dec, elem: vr.dec, keyFirst: keyFirst}, nil
		}
		er, err := c.conv(arr.Items(), items, false, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("array items: %w", err)
		}
		return schema.Array(er.s), &decNode{kind: dArray, elem: er.dec}, nil
	case avro.Map:
		m := h.(*avro.MapSchema)
		vr, err := c.conv(m.Values(), j.get("values"), false, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("map values: %w", err)
		}
		return schema.Map(schema.String().MustBuild(), vr.s), &decNode{kind: dMap, elem: vr.dec}, nil
	case avro.Enum:
		e := h.(*avro.EnumSchema)
		b := schema.String()
		if c.meta && e.Doc() != "" {
			b.Param(connectNamespace+".enum.doc."+e.Name(), e.Doc())
		}
		b.Param(enumParam, e.FullName())
		for _, sym := range e.Symbols() {
			b.Param(enumParam+"."+sym, sym)
		}
		return b, &decNode{kind: dEnum, symbols: e.Symbols()}, nil
	}
	return nil, nil, fmt.Errorf("unsupported Avro type %s", h.Type())
}

// namedJSON returns the JSON definition of a named type node (or nil for a
// reference by name, whose definition was met earlier).
func (c *connectConv) namedJSON(j *jnode) *jnode {
	j = unwrap(j)
	if j != nil && j.kind == jObject {
		return j
	}
	return nil
}

func fieldJSON(rec *jnode, name string) *jnode {
	fs := rec.get("fields")
	if fs == nil {
		return nil
	}
	for _, f := range fs.items {
		if n, _ := f.getString("name"); n == name {
			return f
		}
	}
	return nil
}

func derefRecord(h avro.Schema) *avro.RecordSchema {
	if r, ok := h.(*avro.RefSchema); ok {
		h = r.Schema()
	}
	rec, _ := h.(*avro.RecordSchema)
	return rec
}

// isMapEntry reports whether an array's items are Connect's encoding of a
// map with non-string keys.
func (c *connectConv) isMapEntry(h avro.Schema) bool {
	rec := derefRecord(h)
	if rec == nil || len(rec.Fields()) != 2 {
		return false
	}
	it, _ := rec.Prop(propInternalType).(string)
	if rec.FullName() != mapEntryName && it != "MapEntry" {
		return false
	}
	names := rec.Fields()[0].Name() + "," + rec.Fields()[1].Name()
	return names == "key,value" || names == "value,key"
}

func intProp(j *jnode, key string) (int, error) {
	v := j.get(key)
	if v == nil || v.kind != jNumber {
		return 0, fmt.Errorf("decimal %s must be specified as a number", key)
	}
	n, err := strconv.Atoi(v.str)
	if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, fmt.Errorf("decimal %s %s is not a 32-bit integer", key, v.str)
	}
	return n, nil
}

// finish applies the connect.* metadata, name, default and optionality.
func (c *connectConv) finish(b *schema.Builder, h avro.Schema, j *jnode, optional bool, fieldDefault *jnode) (*schema.Schema, error) {
	if c.meta {
		if d, ok := j.getString(propConnectDoc); ok {
			b.Doc(d)
		}
	}
	if v := j.get(propConnectVersion); v != nil {
		n, err := strconv.Atoi(v.str)
		if v.kind != jNumber || err != nil {
			return nil, fmt.Errorf("invalid %s", propConnectVersion)
		}
		b.Version(n)
	}
	if p := j.get(propConnectParameters); c.meta && p != nil {
		if p.kind != jObject {
			return nil, fmt.Errorf("%s must be a JSON object", propConnectParameters)
		}
		for i, k := range p.keys {
			if p.vals[i].kind != jString {
				return nil, fmt.Errorf("%s value of %q must be a string", propConnectParameters, k)
			}
			b.Param(k, p.vals[i].str)
		}
	}
	if j != nil && j.kind == jObject {
		for i, k := range j.keys {
			if strings.HasPrefix(k, "avro") && j.vals[i].kind == jString {
				b.Param(k, j.vals[i].str)
			}
		}
	}
	name := ""
	if v := j.get(propConnectName); v != nil {
		if v.kind != jString {
			return nil, fmt.Errorf("invalid %s", propConnectName)
		}
		name = v.str
	} else if n, ok := h.(avro.NamedSchema); ok && (h.Type() == avro.Record || h.Type() == avro.Enum) {
		name = n.FullName()
	}
	if name != "" && !defaultRecordRE.MatchString(name) {
		b.Name(name)
	}
	if optional {
		b.Optional()
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	def := j.get(propConnectDefault)
	if def == nil || !c.meta {
		def = fieldDefault
	}
	if def == nil || def.kind == jNull {
		return s, nil
	}
	v, err := defaultFromJSON(s, def)
	if err != nil {
		return nil, fmt.Errorf("default value: %w", err)
	}
	s, err = schema.Copy(s).Default(v).Build()
	if err != nil {
		return nil, fmt.Errorf("default value: %w", err)
	}
	return s, nil
}

func (c *connectConv) ref(ref *avro.RefSchema, optional bool) (*convResult, error) {
	full := ref.Schema().FullName()
	n := c.named[full]
	if n == nil || !n.done {
		return nil, fmt.Errorf("recursive Avro type %s is not supported", full)
	}
	return n.variant(optional)
}

func (n *namedConv) variant(optional bool) (*convResult, error) {
	if !optional {
		return n.req, nil
	}
	if n.opt == nil {
		s, err := schema.Copy(n.req.s).Optional().Build()
		if err != nil {
			return nil, err
		}
		dec := *n.req.dec
		dec.schema = s
		n.opt = &convResult{s: s, dec: &dec}
	}
	return n.opt, nil
}

func (c *connectConv) record(h *avro.RecordSchema, j *jnode, optional bool, fieldDefault *jnode) (*convResult, error) {
	full := h.FullName()
	if n := c.named[full]; n != nil {
		if !n.done {
			return nil, fmt.Errorf("recursive Avro type %s is not supported", full)
		}
		return n.variant(optional)
	}
	nc := &namedConv{}
	c.named[full] = nc
	b := schema.StructBuilder()
	if c.meta && h.Doc() != "" {
		b.Param(recordDocParam, h.Doc())
	}
	fieldsJ := j.get("fields")
	dec := &decNode{kind: dRecord}
	for i, f := range h.Fields() {
		var fj *jnode
		if fieldsJ != nil && i < len(fieldsJ.items) {
			fj = fieldsJ.items[i]
		}
		name := f.Name()
		if orig, ok := fj.getString(PropOriginalName); ok && orig != "" {
			name = orig
		}
		if c.meta && f.Doc() != "" {
			b.Param(fieldDocParamPrefix+name, f.Doc())
		}
		var def *jnode
		if f.HasDefault() {
			def = fj.get("default")
		}
		fr, err := c.conv(f.Type(), fj.get("type"), false, def)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		b.Field(name, fr.s)
		dec.fields = append(dec.fields, fr.dec)
	}
	// The required variant first; an optional use derives from it.
	s, err := c.finish(b, h, j, false, fieldDefault)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", full, err)
	}
	dec.schema = s
	nc.req = &convResult{s: s, dec: dec}
	nc.done = true
	if fieldDefault != nil && fieldDefault.kind != jNull {
		// A default belongs to this use only: do not share it by name.
		c.named[full] = &namedConv{done: true, req: &convResult{s: withoutDefault(s), dec: dec}}
	}
	return nc.variant(optional)
}

func withoutDefault(s *schema.Schema) *schema.Schema {
	if _, ok := s.Default(); !ok {
		return s
	}
	b := schema.StructBuilder().Name(s.Name()).Version(s.Version()).Doc(s.Doc())
	for _, p := range s.Params() {
		b.Param(p.Key, p.Value)
	}
	for _, f := range s.Fields() {
		b.Field(f.Name, f.Schema)
	}
	out, err := b.Build()
	if err != nil {
		return s
	}
	return out
}

func (c *connectConv) union(h *avro.UnionSchema, j *jnode, optional bool, fieldDefault *jnode) (*convResult, error) {
	types := h.Types()
	var members []*jnode
	if j != nil && j.kind == jArray {
		members = j.items
	}
	member := func(i int) *jnode {
		if i < len(members) {
			return members[i]
		}
		return nil
	}
	if len(types) == 2 && h.Nullable() {
		nullIdx, valIdx := h.Indices()
		r, err := c.conv(types[valIdx], member(valIdx), true, fieldDefault)
		if err != nil {
			return nil, err
		}
		dec := &decNode{kind: dUnion, branches: make([]*decNode, 2), schema: r.s}
		dec.branches[nullIdx] = nil
		dec.branches[valIdx] = r.dec
		return &convResult{s: r.s, dec: dec}, nil
	}
	b := schema.StructBuilder().Name(unionName)
	dec := &decNode{kind: dUnion, branches: make([]*decNode, len(types)), unionStruct: true}
	seen := map[string]bool{}
	idx := 0
	for i, t := range types {
		if t.Type() == avro.Null {
			b.Optional()
			continue
		}
		name := unionMemberName(t)
		if seen[name] {
			return nil, fmt.Errorf("several union members map to the Connect union field %q", name)
		}
		seen[name] = true
		r, err := c.conv(t, member(i), true, nil)
		if err != nil {
			return nil, fmt.Errorf("union member %s: %w", name, err)
		}
		b.Field(name, r.s)
		dec.branches[i] = &decNode{kind: dUnionMember, elem: r.dec, index: idx}
		idx++
	}
	if optional {
		b.Optional()
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	dec.schema = s
	return &convResult{s: s, dec: dec}, nil
}

func unionMemberName(t avro.Schema) string {
	if r, ok := t.(*avro.RefSchema); ok {
		t = r.Schema()
	}
	if n, ok := t.(avro.NamedSchema); ok && (t.Type() == avro.Record || t.Type() == avro.Enum) {
		return n.Name()
	}
	return string(t.Type())
}

// defaultFromJSON converts an Avro JSON default to a Connect value of s.
func defaultFromJSON(s *schema.Schema, j *jnode) (any, error) {
	if j == nil || j.kind == jNull {
		return nil, nil
	}
	num := func() (*big.Rat, error) {
		if j.kind != jNumber {
			return nil, fmt.Errorf("expected a number, got %s", j.value())
		}
		r, ok := new(big.Rat).SetString(j.str)
		if !ok {
			return nil, fmt.Errorf("invalid number %s", j.str)
		}
		return r, nil
	}
	intIn := func(lo, hi int64) (int64, error) {
		r, err := num()
		if err != nil {
			return 0, err
		}
		if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() < lo || r.Num().Int64() > hi {
			return 0, fmt.Errorf("%s is not an integer in [%d, %d]", j.str, lo, hi)
		}
		return r.Num().Int64(), nil
	}
	switch s.Logical() {
	case schema.LogicalDecimal:
		b, err := bytesFromJSON(j)
		if err != nil {
			return nil, err
		}
		scale, err := s.Scale()
		if err != nil {
			return nil, err
		}
		return schema.DecimalFromBytes(b, scale), nil
	case schema.LogicalDate:
		n, err := intIn(math.MinInt32, math.MaxInt32)
		return schema.DaysToDate(int32(n)), err
	case schema.LogicalTime:
		n, err := intIn(math.MinInt32, math.MaxInt32)
		return schema.MillisToTime(int32(n)), err
	case schema.LogicalTimestamp:
		n, err := intIn(math.MinInt64, math.MaxInt64)
		return timeFromMillis(n), err
	}
	switch s.Type() {
	case schema.INT8:
		n, err := intIn(math.MinInt8, math.MaxInt8)
		return int8(n), err
	case schema.INT16:
		n, err := intIn(math.MinInt16, math.MaxInt16)
		return int16(n), err
	case schema.INT32:
		n, err := intIn(math.MinInt32, math.MaxInt32)
		return int32(n), err
	case schema.INT64:
		return intIn(math.MinInt64, math.MaxInt64)
	case schema.FLOAT32, schema.FLOAT64:
		if j.kind != jNumber {
			return nil, fmt.Errorf("expected a number")
		}
		f, err := strconv.ParseFloat(j.str, 64)
		if err != nil {
			return nil, err
		}
		if s.Type() == schema.FLOAT32 {
			return float32(f), nil
		}
		return f, nil
	case schema.BOOLEAN:
		if j.kind != jBool {
			return nil, fmt.Errorf("expected a boolean")
		}
		return j.b, nil
	case schema.STRING:
		if j.kind != jString {
			return nil, fmt.Errorf("expected a string")
		}
		return j.str, nil
	case schema.BYTES:
		return bytesFromJSON(j)
	case schema.ARRAY:
		if j.kind != jArray {
			return nil, fmt.Errorf("expected an array")
		}
		out := make([]any, len(j.items))
		for i, it := range j.items {
			v, err := defaultFromJSON(s.ValueSchema(), it)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case schema.MAP:
		if s.KeySchema().Type() == schema.STRING && j.kind == jObject {
			out := make(map[string]any, len(j.keys))
			for i, k := range j.keys {
				v, err := defaultFromJSON(s.ValueSchema(), j.vals[i])
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		return nil, fmt.Errorf("unsupported map default")
	case schema.STRUCT:
		if j.kind != jObject || s.Name() == unionName {
			return nil, fmt.Errorf("unsupported struct default")
		}
		st := schema.NewStruct(s)
		names := fieldNames(s)
		for i, f := range s.Fields() {
			v, err := defaultFromJSON(f.Schema, j.get(names[i]))
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			st.Set(i, v)
		}
		return st, nil
	}
	return nil, fmt.Errorf("unsupported default for %s", s.Type())
}

func bytesFromJSON(j *jnode) ([]byte, error) {
	if j.kind != jString {
		return nil, fmt.Errorf("expected a bytes string")
	}
	out := make([]byte, 0, len(j.str))
	for _, r := range j.str {
		if r > 255 {
			return nil, fmt.Errorf("bytes default has a code point above 255")
		}
		out = append(out, byte(r))
	}
	return out, nil
}
