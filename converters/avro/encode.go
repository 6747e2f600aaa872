package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// encKind is the operation of one node of an encoding plan.
type encKind uint8

const (
	eNullable encKind = iota + 1
	eUnionStruct
	eBool
	eInt8
	eInt16
	eInt32
	eDate
	eTime
	eInt64
	eTimestamp
	eFloat
	eDouble
	eString
	eEnum
	eBytes
	eFixed
	eDecimal
	eDecimalFixed
	eArray
	eMap
	eMapEntries
	eRecord
)

// encNode writes one Connect value as Avro binary of a target Avro schema
// (the generated one, or a registered one with use.latest.version). Plans
// are immutable once built and shared by concurrent encodes.
type encNode struct {
	kind     encKind
	connect  *schema.Schema
	nullIdx  int64 // eNullable: branch of null, -1 when the union has none
	valIdx   int64 // eNullable: branch of the value
	inner    *encNode
	scale    int32
	minD     decimal.Decimal // eDecimal*: MinInt64 and MaxInt64 at
	maxD     decimal.Decimal // exponent -scale, the int64 bounds
	size     int
	symbols  map[string]int
	elem     *encNode // arrays, map values
	key      *encNode // map entries
	keyFirst bool
	fields   []encField
	members  []encMember // eUnionStruct, by Connect field index
}

// encField is one field of the target record: the Connect field that
// feeds it, or a pre-encoded default when the Connect schema lacks it.
type encField struct {
	name string
	idx  int // Connect field index; -1 writes def
	node *encNode
	def  []byte
}

type encMember struct {
	branch int64
	node   *encNode
}

// buildEncoder builds the plan that writes values of s as Avro h.
func buildEncoder(s *schema.Schema, h avro.Schema) (*encNode, error) {
	if ref, ok := h.(*avro.RefSchema); ok {
		h = ref.Schema()
	}
	if u, ok := h.(*avro.UnionSchema); ok {
		return buildUnion(s, u)
	}
	n := &encNode{connect: s}
	want := func(ts ...avro.Type) error {
		for _, t := range ts {
			if h.Type() == t {
				return nil
			}
		}
		return fmt.Errorf("Connect %s cannot be written as Avro %s", s.Describe(), h.Type())
	}
	switch s.Logical() {
	case schema.LogicalDecimal:
		if err := want(avro.Bytes, avro.Fixed); err != nil {
			return nil, err
		}
		scale, err := s.Scale()
		if err != nil {
			return nil, err
		}
		if ls, ok := h.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
			if d, ok := ls.Logical().(*avro.DecimalLogicalSchema); ok && int32(d.Scale()) != scale {
				return nil, fmt.Errorf("decimal scale %d does not match the Avro scale %d", scale, d.Scale())
			}
		}
		n.kind, n.scale = eDecimal, scale
		n.minD, n.maxD = decimal.New(math.MinInt64, -scale), decimal.New(math.MaxInt64, -scale)
		if fx, ok := h.(*avro.FixedSchema); ok {
			n.kind, n.size = eDecimalFixed, fx.Size()
		}
		return n, nil
	case schema.LogicalDate:
		n.kind = eDate
		return n, want(avro.Int)
	case schema.LogicalTime:
		n.kind = eTime
		return n, want(avro.Int)
	case schema.LogicalTimestamp:
		n.kind = eTimestamp
		return n, want(avro.Long)
	}
	switch s.Type() {
	case schema.BOOLEAN:
		n.kind = eBool
		return n, want(avro.Boolean)
	case schema.INT8:
		n.kind = eInt8
		return n, want(avro.Int)
	case schema.INT16:
		n.kind = eInt16
		return n, want(avro.Int)
	case schema.INT32:
		n.kind = eInt32
		return n, want(avro.Int)
	case schema.INT64:
		n.kind = eInt64
		return n, want(avro.Long)
	case schema.FLOAT32:
		n.kind = eFloat
		return n, want(avro.Float)
	case schema.FLOAT64:
		n.kind = eDouble
		return n, want(avro.Double)
	case schema.STRING:
		if e, ok := h.(*avro.EnumSchema); ok {
			n.kind, n.symbols = eEnum, map[string]int{}
			for i, sym := range e.Symbols() {
				n.symbols[sym] = i
			}
			return n, nil
		}
		n.kind = eString
		return n, want(avro.String)
	case schema.BYTES:
		if fx, ok := h.(*avro.FixedSchema); ok {
			n.kind, n.size = eFixed, fx.Size()
			return n, nil
		}
		n.kind = eBytes
		return n, want(avro.Bytes)
	case schema.ARRAY:
		a, ok := h.(*avro.ArraySchema)
		if !ok {
			return nil, want(avro.Array)
		}
		elem, err := buildEncoder(s.ValueSchema(), a.Items())
		if err != nil {
			return nil, fmt.Errorf("array items: %w", err)
		}
		n.kind, n.elem = eArray, elem
		return n, nil
	case schema.MAP:
		return buildMap(s, h, n)
	case schema.STRUCT:
		return buildRecord(s, h, n)
	}
	return nil, fmt.Errorf("unsupported Connect schema %s", s.Describe())
}

func buildMap(s *schema.Schema, h avro.Schema, n *encNode) (*encNode, error) {
	switch t := h.(type) {
	case *avro.MapSchema:
		if s.KeySchema().Type() != schema.STRING {
			return nil, fmt.Errorf("an Avro map needs STRING keys, not %s", s.KeySchema().Describe())
		}
		vals, err := buildEncoder(s.ValueSchema(), t.Values())
		if err != nil {
			return nil, fmt.Errorf("map values: %w", err)
		}
		n.kind, n.elem = eMap, vals
		return n, nil
	case *avro.ArraySchema:
		rec := derefRecord(t.Items())
		if rec == nil || len(rec.Fields()) != 2 {
			return nil, errors.New("a Connect map needs an Avro map or an array of key/value records")
		}
		var kf, vf *avro.Field
		for _, f := range rec.Fields() {
			switch f.Name() {
			case "key":
				kf = f
			case "value":
				vf = f
			}
		}
		if kf == nil || vf == nil {
			return nil, errors.New("map entry record needs fields key and value")
		}
		k, err := buildEncoder(s.KeySchema(), kf.Type())
		if err != nil {
			return nil, fmt.Errorf("map keys: %w", err)
		}
		v, err := buildEncoder(s.ValueSchema(), vf.Type())
		if err != nil {
			return nil, fmt.Errorf("map values: %w", err)
		}
		n.kind, n.key, n.elem, n.keyFirst = eMapEntries, k, v, rec.Fields()[0] == kf
		return n, nil
	}
	return nil, fmt.Errorf("Connect MAP cannot be written as Avro %s", h.Type())
}

func buildRecord(s *schema.Schema, h avro.Schema, n *encNode) (*encNode, error) {
	rec, ok := h.(*avro.RecordSchema)
	if !ok {
		return nil, fmt.Errorf("Connect STRUCT cannot be written as Avro %s", h.Type())
	}
	avroNames := fieldNames(s)
	byName := map[string]int{}
	for i, f := range s.Fields() {
		byName[f.Name] = i
	}
	used := make([]bool, len(s.Fields()))
	n.kind = eRecord
	for _, af := range rec.Fields() {
		name := af.Name()
		if orig, ok := af.Prop(PropOriginalName).(string); ok && orig != "" {
			name = orig
		}
		idx, ok := byName[name]
		if !ok {
			for i, an := range avroNames {
				if an == af.Name() && !used[i] {
					idx, ok = i, true
					break
				}
			}
		}
		if !ok {
			if !af.HasDefault() {
				return nil, fmt.Errorf("Avro field %s has no Connect field and no default", af.Name())
			}
			def, err := avro.Marshal(af.Type(), af.Default())
			if err != nil {
				return nil, fmt.Errorf("Avro field %s default: %w", af.Name(), err)
			}
			n.fields = append(n.fields, encField{name: af.Name(), idx: -1, def: def})
			continue
		}
		used[idx] = true
		fn, err := buildEncoder(s.Fields()[idx].Schema, af.Type())
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", s.Fields()[idx].Name, err)
		}
		n.fields = append(n.fields, encField{name: s.Fields()[idx].Name, idx: idx, node: fn})
	}
	for i, u := range used {
		if !u {
			return nil, fmt.Errorf("Connect field %s has no counterpart in the Avro schema", s.Fields()[i].Name)
		}
	}
	return n, nil
}

func buildUnion(s *schema.Schema, u *avro.UnionSchema) (*encNode, error) {
	types := u.Types()
	if s.Type() == schema.STRUCT && s.Name() == unionName {
		n := &encNode{kind: eUnionStruct, connect: s, nullIdx: -1}
		for i, t := range types {
			if t.Type() == avro.Null {
				n.nullIdx = int64(i)
			}
		}
		for _, f := range s.Fields() {
			found := false
			for i, t := range types {
				if t.Type() != avro.Null && unionMemberName(t) == f.Name {
					m, err := buildEncoder(f.Schema, t)
					if err != nil {
						return nil, fmt.Errorf("union member %s: %w", f.Name, err)
					}
					n.members = append(n.members, encMember{branch: int64(i), node: m})
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("union member %s has no Avro branch", f.Name)
			}
		}
		return n, nil
	}
	n := &encNode{kind: eNullable, connect: s, nullIdx: -1, valIdx: -1}
	var firstErr error
	for i, t := range types {
		if t.Type() == avro.Null {
			n.nullIdx = int64(i)
			continue
		}
		if n.inner != nil {
			continue
		}
		inner, err := buildEncoder(s, t)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		n.inner, n.valIdx = inner, int64(i)
	}
	if n.inner == nil {
		if firstErr == nil {
			firstErr = errors.New("union has no branch for the value")
		}
		return nil, firstErr
	}
	return n, nil
}

// encodeError is a value that does not fit its schema; path names the
// field, e.g. "Товары[3].Цена".
type encodeError struct {
	path string
	err  error
}

func (e *encodeError) Error() string {
	if e.path == "" {
		return e.err.Error()
	}
	return e.path + ": " + e.err.Error()
}

func (e *encodeError) Unwrap() error { return e.err }

func within(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var ee *encodeError
	if errors.As(err, &ee) {
		sep := "."
		if ee.path == "" || ee.path[0] == '[' {
			sep = ""
		}
		return &encodeError{path: prefix + sep + ee.path, err: ee.err}
	}
	return &encodeError{path: prefix, err: err}
}

func typeErr(n *encNode, v any) error {
	return &encodeError{err: fmt.Errorf("expected %s, got %T", n.connect.Describe(), v)}
}

// The Avro binary encoding, appended to a byte slice: ints and longs are
// zigzag varints, bytes and strings a long length and the data, floats
// little-endian IEEE 754, a union its branch index as a long, arrays and
// maps blocks of a count and items ended by a zero count.

// appendLong appends v as a zigzag varint; an Avro int is the same
// encoding of its sign-extended value.
func appendLong(b []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

// appendBytes appends a length-prefixed byte sequence.
func appendBytes(b, x []byte) []byte {
	return append(appendLong(b, int64(len(x))), x...)
}

// appendString appends a length-prefixed string.
func appendString(b []byte, x string) []byte {
	return append(appendLong(b, int64(len(x))), x...)
}

// appendValue appends v as n. On error the returned slice holds a
// partial encoding and must be dropped.
func appendValue(b []byte, n *encNode, v any) ([]byte, error) {
	for n.kind == eNullable { // a nullable value: the branch, then the value
		if v == nil {
			if n.nullIdx < 0 {
				return b, &encodeError{err: errors.New("null value but the Avro union has no null branch")}
			}
			return appendLong(b, n.nullIdx), nil
		}
		b = appendLong(b, n.valIdx)
		n = n.inner
	}
	if v == nil && n.kind != eUnionStruct {
		return b, &encodeError{err: fmt.Errorf("null value for required %s", n.connect.Describe())}
	}
	switch n.kind {
	case eString:
		x, ok := v.(string)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendString(b, x), nil
	case eDecimal, eDecimalFixed:
		return appendDecimal(b, n, v)
	case eRecord:
		return appendRecord(b, n, v)
	case eBool:
		x, ok := v.(bool)
		if !ok {
			return b, typeErr(n, v)
		}
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case eInt8:
		x, ok := v.(int8)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendLong(b, int64(x)), nil
	case eInt16:
		x, ok := v.(int16)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendLong(b, int64(x)), nil
	case eInt32:
		x, ok := v.(int32)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendLong(b, int64(x)), nil
	case eInt64:
		x, ok := v.(int64)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendLong(b, x), nil
	case eFloat:
		x, ok := v.(float32)
		if !ok {
			return b, typeErr(n, v)
		}
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(x)), nil
	case eDouble:
		x, ok := v.(float64)
		if !ok {
			return b, typeErr(n, v)
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x)), nil
	case eEnum:
		x, ok := v.(string)
		if !ok {
			return b, typeErr(n, v)
		}
		i, ok := n.symbols[x]
		if !ok {
			return b, &encodeError{err: fmt.Errorf("%q is not a symbol of the Avro enum", x)}
		}
		return appendLong(b, int64(i)), nil
	case eBytes:
		x, ok := v.([]byte)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendBytes(b, x), nil
	case eFixed:
		x, ok := v.([]byte)
		if !ok {
			return b, typeErr(n, v)
		}
		if len(x) != n.size {
			return b, &encodeError{err: fmt.Errorf("%d bytes for an Avro fixed of size %d", len(x), n.size)}
		}
		return append(b, x...), nil
	case eDate, eTime, eTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return b, typeErr(n, v)
		}
		return appendTime(b, n.kind, t)
	case eArray:
		arr, ok := v.([]any)
		if !ok {
			return b, typeErr(n, v)
		}
		if len(arr) > 0 {
			b = appendLong(b, int64(len(arr)))
			var err error
			for i, e := range arr {
				if b, err = appendValue(b, n.elem, e); err != nil {
					return b, within(fmt.Sprintf("[%d]", i), err)
				}
			}
		}
		return append(b, 0), nil
	case eMap:
		return appendMap(b, n, v)
	case eMapEntries:
		return appendMapEntries(b, n, v)
	case eUnionStruct:
		return appendUnionStruct(b, n, v)
	}
	return b, fmt.Errorf("internal error: encoding plan kind %d", n.kind)
}

func appendTime(b []byte, kind encKind, t time.Time) ([]byte, error) {
	switch kind {
	case eDate:
		days, err := schema.DateToDays(t)
		if err != nil {
			return b, &encodeError{err: err}
		}
		return appendLong(b, int64(days)), nil
	case eTime:
		ms, err := schema.TimeToMillis(t)
		if err != nil {
			return b, &encodeError{err: err}
		}
		return appendLong(b, int64(ms)), nil
	}
	return appendLong(b, t.UnixMilli()), nil
}

func appendRecord(b []byte, n *encNode, v any) ([]byte, error) {
	st, ok := v.(*schema.Struct)
	if !ok || st == nil {
		return b, typeErr(n, v)
	}
	if ss := st.Schema(); ss != n.connect && !ss.Equal(n.connect) {
		return b, &encodeError{err: errors.New("struct schema does not match the field schema")}
	}
	var err error
	for i := range n.fields {
		f := &n.fields[i]
		if f.idx < 0 {
			b = append(b, f.def...)
			continue
		}
		v, fn := st.At(f.idx), f.node
		// The commonest fields of 1C records, without a call of
		// appendValue; anything else, and every error, goes there.
		switch fn.kind {
		case eString:
			if x, ok := v.(string); ok {
				b = appendString(b, x)
				continue
			}
		case eNullable:
			if fn.inner.kind == eString {
				if x, ok := v.(string); ok {
					b = appendString(appendLong(b, fn.valIdx), x)
					continue
				}
			}
		case eDecimal, eDecimalFixed:
			if v != nil {
				if b, err = appendDecimal(b, fn, v); err != nil {
					return b, within(f.name, err)
				}
				continue
			}
		}
		if b, err = appendValue(b, fn, v); err != nil {
			return b, within(f.name, err)
		}
	}
	return b, nil
}

func appendMap(b []byte, n *encNode, v any) ([]byte, error) {
	var err error
	switch m := v.(type) {
	case map[string]any:
		if len(m) > 0 {
			b = appendLong(b, int64(len(m)))
			for k, e := range m {
				b = appendString(b, k)
				if b, err = appendValue(b, n.elem, e); err != nil {
					return b, within("["+k+"]", err)
				}
			}
		}
	case map[any]any:
		if len(m) > 0 {
			b = appendLong(b, int64(len(m)))
			for k, e := range m {
				ks, ok := k.(string)
				if !ok {
					return b, &encodeError{err: fmt.Errorf("map key %T is not a string", k)}
				}
				b = appendString(b, ks)
				if b, err = appendValue(b, n.elem, e); err != nil {
					return b, within("["+ks+"]", err)
				}
			}
		}
	default:
		return b, typeErr(n, v)
	}
	return append(b, 0), nil
}

func appendMapEntries(b []byte, n *encNode, v any) ([]byte, error) {
	entry := func(b []byte, k, e any) ([]byte, error) {
		first, second, x, y := n.key, n.elem, k, e
		if !n.keyFirst {
			first, second, x, y = n.elem, n.key, e, k
		}
		var err error
		if b, err = appendValue(b, first, x); err != nil {
			return b, within(fmt.Sprintf("{%v}", k), err)
		}
		if b, err = appendValue(b, second, y); err != nil {
			return b, within(fmt.Sprintf("[%v]", k), err)
		}
		return b, nil
	}
	var err error
	switch m := v.(type) {
	case map[any]any:
		if len(m) > 0 {
			b = appendLong(b, int64(len(m)))
			for k, e := range m {
				if b, err = entry(b, k, e); err != nil {
					return b, err
				}
			}
		}
	case map[string]any:
		if len(m) > 0 {
			b = appendLong(b, int64(len(m)))
			for k, e := range m {
				if b, err = entry(b, k, e); err != nil {
					return b, err
				}
			}
		}
	default:
		return b, typeErr(n, v)
	}
	return append(b, 0), nil
}

func appendUnionStruct(b []byte, n *encNode, v any) ([]byte, error) {
	if v == nil {
		if n.nullIdx < 0 {
			return b, &encodeError{err: errors.New("null value but the Avro union has no null branch")}
		}
		return appendLong(b, n.nullIdx), nil
	}
	st, ok := v.(*schema.Struct)
	if !ok || st == nil {
		return b, typeErr(n, v)
	}
	for i, m := range n.members {
		if e := st.Raw(i); e != nil {
			b, err := appendValue(appendLong(b, m.branch), m.node, e)
			return b, within(n.connect.Fields()[i].Name, err)
		}
	}
	if n.nullIdx >= 0 {
		return appendLong(b, n.nullIdx), nil
	}
	return b, &encodeError{err: errors.New("union struct has no member set")}
}

// appendDecimal appends a Decimal at the schema's scale. A value with
// more fractional digits than the scale is an error, never rounded.
func appendDecimal(b []byte, n *encNode, v any) ([]byte, error) {
	d, ok := v.(decimal.Decimal)
	if !ok {
		var err error
		if d, err = schema.ToDecimal(v); err != nil {
			return b, &encodeError{err: err}
		}
	}
	if c, ok := unscaledInt64(d, n); ok {
		// Minimal two's complement, as Java's BigInteger.toByteArray: the
		// bits of |c| (of ^c when negative) plus a sign bit.
		mag := uint64(c)
		if c < 0 {
			mag = ^mag
		}
		size := bits.Len64(mag)/8 + 1
		if n.kind == eDecimalFixed {
			if size > n.size {
				return b, fixedTooSmall(size, n.size)
			}
			b = appendFill(b, c < 0, n.size-size)
		} else {
			b = append(b, byte(size<<1)) // size ≤ 8: a one-byte varint
		}
		// All eight bytes big-endian at once, then keep the low size.
		b = binary.BigEndian.AppendUint64(b, uint64(c)<<(64-8*size))
		return b[:len(b)-8+size], nil
	}
	u, err := schema.Unscaled(d, n.scale)
	if err != nil {
		return b, &encodeError{err: err}
	}
	x := schema.BigIntToTwosComplement(u)
	if n.kind == eDecimalFixed {
		if len(x) > n.size {
			return b, fixedTooSmall(len(x), n.size)
		}
		return append(appendFill(b, x[0]&0x80 != 0, n.size-len(x)), x...), nil
	}
	return appendBytes(b, x), nil
}

// unscaledInt64 is schema.UnscaledInt64 at n's scale, with a fast path
// for the common decimal whose exponent is already -scale: one comparison
// with a precomputed bound.
func unscaledInt64(d decimal.Decimal, n *encNode) (int64, bool) {
	if d.Exponent() != -n.scale {
		return schema.UnscaledInt64(d, n.scale)
	}
	switch d.Sign() { // 0 also for the zero Decimal{}, whose coefficient is nil
	case 0:
		return 0, true
	case 1:
		if d.Cmp(n.maxD) > 0 {
			return 0, false
		}
	default:
		if d.Cmp(n.minD) < 0 {
			return 0, false
		}
	}
	return d.CoefficientInt64(), true
}

// appendFill appends k sign-extension bytes of a fixed-size decimal.
func appendFill(b []byte, neg bool, k int) []byte {
	fill := byte(0)
	if neg {
		fill = 0xff
	}
	for range k {
		b = append(b, fill)
	}
	return b
}

func fixedTooSmall(need, size int) error {
	return &encodeError{err: fmt.Errorf("decimal needs %d bytes, the Avro fixed has %d", need, size)}
}
