package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
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

// write writes v as n.
func write(w *avro.Writer, n *encNode, v any) error {
	if v == nil && n.kind != eNullable && n.kind != eUnionStruct {
		return &encodeError{err: fmt.Errorf("null value for required %s", n.connect.Describe())}
	}
	switch n.kind {
	case eNullable:
		if v == nil {
			if n.nullIdx < 0 {
				return &encodeError{err: errors.New("null value but the Avro union has no null branch")}
			}
			w.WriteLong(n.nullIdx)
			return nil
		}
		w.WriteLong(n.valIdx)
		return write(w, n.inner, v)
	case eBool:
		x, ok := v.(bool)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteBool(x)
	case eInt8:
		x, ok := v.(int8)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteInt(int32(x))
	case eInt16:
		x, ok := v.(int16)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteInt(int32(x))
	case eInt32:
		x, ok := v.(int32)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteInt(x)
	case eInt64:
		x, ok := v.(int64)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteLong(x)
	case eFloat:
		x, ok := v.(float32)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteFloat(x)
	case eDouble:
		x, ok := v.(float64)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteDouble(x)
	case eString:
		x, ok := v.(string)
		if !ok {
			return typeErr(n, v)
		}
		w.WriteString(x)
	case eEnum:
		x, ok := v.(string)
		if !ok {
			return typeErr(n, v)
		}
		i, ok := n.symbols[x]
		if !ok {
			return &encodeError{err: fmt.Errorf("%q is not a symbol of the Avro enum", x)}
		}
		w.WriteInt(int32(i))
	case eBytes, eFixed:
		x, ok := v.([]byte)
		if !ok {
			return typeErr(n, v)
		}
		if n.kind == eFixed {
			if len(x) != n.size {
				return &encodeError{err: fmt.Errorf("%d bytes for an Avro fixed of size %d", len(x), n.size)}
			}
			_, _ = w.Write(x)
			return nil
		}
		w.WriteBytes(x)
	case eDate, eTime, eTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return typeErr(n, v)
		}
		return writeTime(w, n.kind, t)
	case eDecimal, eDecimalFixed:
		return writeDecimal(w, n, v)
	case eArray:
		arr, ok := v.([]any)
		if !ok {
			return typeErr(n, v)
		}
		if len(arr) > 0 {
			w.WriteBlockHeader(int64(len(arr)), 0)
			for i, e := range arr {
				if err := write(w, n.elem, e); err != nil {
					return within(fmt.Sprintf("[%d]", i), err)
				}
			}
		}
		w.WriteLong(0)
	case eMap:
		return writeMap(w, n, v)
	case eMapEntries:
		return writeMapEntries(w, n, v)
	case eRecord:
		return writeRecord(w, n, v)
	case eUnionStruct:
		return writeUnionStruct(w, n, v)
	default:
		return fmt.Errorf("internal error: encoding plan kind %d", n.kind)
	}
	return nil
}

func writeTime(w *avro.Writer, kind encKind, t time.Time) error {
	switch kind {
	case eDate:
		days, err := schema.DateToDays(t)
		if err != nil {
			return &encodeError{err: err}
		}
		w.WriteInt(days)
	case eTime:
		ms, err := schema.TimeToMillis(t)
		if err != nil {
			return &encodeError{err: err}
		}
		w.WriteInt(ms)
	default:
		w.WriteLong(t.UnixMilli())
	}
	return nil
}

func writeRecord(w *avro.Writer, n *encNode, v any) error {
	st, ok := v.(*schema.Struct)
	if !ok || st == nil {
		return typeErr(n, v)
	}
	if ss := st.Schema(); ss != n.connect && !ss.Equal(n.connect) {
		return &encodeError{err: errors.New("struct schema does not match the field schema")}
	}
	for i := range n.fields {
		f := &n.fields[i]
		if f.idx < 0 {
			_, _ = w.Write(f.def)
			continue
		}
		if err := write(w, f.node, st.At(f.idx)); err != nil {
			return within(f.name, err)
		}
	}
	return nil
}

func writeMap(w *avro.Writer, n *encNode, v any) error {
	switch m := v.(type) {
	case map[string]any:
		if len(m) > 0 {
			w.WriteBlockHeader(int64(len(m)), 0)
			for k, e := range m {
				w.WriteString(k)
				if err := write(w, n.elem, e); err != nil {
					return within("["+k+"]", err)
				}
			}
		}
	case map[any]any:
		if len(m) > 0 {
			w.WriteBlockHeader(int64(len(m)), 0)
			for k, e := range m {
				ks, ok := k.(string)
				if !ok {
					return &encodeError{err: fmt.Errorf("map key %T is not a string", k)}
				}
				w.WriteString(ks)
				if err := write(w, n.elem, e); err != nil {
					return within("["+ks+"]", err)
				}
			}
		}
	default:
		return typeErr(n, v)
	}
	w.WriteLong(0)
	return nil
}

func writeMapEntries(w *avro.Writer, n *encNode, v any) error {
	entry := func(k, e any) error {
		first, second, a, b := n.key, n.elem, k, e
		if !n.keyFirst {
			first, second, a, b = n.elem, n.key, e, k
		}
		if err := write(w, first, a); err != nil {
			return within(fmt.Sprintf("{%v}", k), err)
		}
		if err := write(w, second, b); err != nil {
			return within(fmt.Sprintf("[%v]", k), err)
		}
		return nil
	}
	switch m := v.(type) {
	case map[any]any:
		if len(m) > 0 {
			w.WriteBlockHeader(int64(len(m)), 0)
			for k, e := range m {
				if err := entry(k, e); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		if len(m) > 0 {
			w.WriteBlockHeader(int64(len(m)), 0)
			for k, e := range m {
				if err := entry(k, e); err != nil {
					return err
				}
			}
		}
	default:
		return typeErr(n, v)
	}
	w.WriteLong(0)
	return nil
}

func writeUnionStruct(w *avro.Writer, n *encNode, v any) error {
	if v == nil {
		if n.nullIdx < 0 {
			return &encodeError{err: errors.New("null value but the Avro union has no null branch")}
		}
		w.WriteLong(n.nullIdx)
		return nil
	}
	st, ok := v.(*schema.Struct)
	if !ok || st == nil {
		return typeErr(n, v)
	}
	for i, m := range n.members {
		if e := st.Raw(i); e != nil {
			w.WriteLong(m.branch)
			return within(n.connect.Fields()[i].Name, write(w, m.node, e))
		}
	}
	if n.nullIdx >= 0 {
		w.WriteLong(n.nullIdx)
		return nil
	}
	return &encodeError{err: errors.New("union struct has no member set")}
}

// writeDecimal writes a Decimal at the schema's scale. A value with more
// fractional digits than the scale is an error, never rounded.
func writeDecimal(w *avro.Writer, n *encNode, v any) error {
	d, ok := v.(decimal.Decimal)
	if !ok {
		var err error
		if d, err = schema.ToDecimal(v); err != nil {
			return &encodeError{err: err}
		}
	}
	var buf [9]byte
	b, ok := smallTwosComplement(d, n.scale, &buf)
	if !ok {
		u, err := schema.Unscaled(d, n.scale)
		if err != nil {
			return &encodeError{err: err}
		}
		b = schema.BigIntToTwosComplement(u)
	}
	if n.kind == eDecimalFixed {
		return writeFixedDecimal(w, b, n.size)
	}
	w.WriteBytes(b)
	return nil
}

func writeFixedDecimal(w *avro.Writer, b []byte, size int) error {
	if len(b) > size {
		return &encodeError{err: fmt.Errorf("decimal needs %d bytes, the Avro fixed has %d", len(b), size)}
	}
	fill := byte(0)
	if b[0]&0x80 != 0 {
		fill = 0xff
	}
	for range size - len(b) {
		_, _ = w.Write([]byte{fill})
	}
	_, _ = w.Write(b)
	return nil
}

// smallTwosComplement is the allocation-free path of DecimalToBytes for
// unscaled values that fit in int64. ok is false when the slow path must
// decide (big values, or digits beyond the scale that may be an error).
func smallTwosComplement(d decimal.Decimal, scale int32, buf *[9]byte) ([]byte, bool) {
	c, ok := schema.UnscaledInt64(d, scale)
	if !ok {
		return nil, false
	}
	binary.BigEndian.PutUint64(buf[1:], uint64(c))
	// Minimal two's complement, as Java's BigInteger.toByteArray: the
	// bits of |c| (of ^c when negative) plus a sign bit.
	mag := uint64(c)
	if c < 0 {
		mag = ^mag
	}
	n := bits.Len64(mag)/8 + 1
	return buf[9-n:], true
}
