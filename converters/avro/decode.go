package avro

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
	"unsafe"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// decKind is the operation of one node of a decoding plan.
type decKind uint8

const (
	dBool decKind = iota + 1
	dInt8
	dInt16
	dInt32
	dDate
	dTime
	dInt64
	dTimestamp
	dFloat
	dDouble
	dString
	dBytes
	dFixed
	dDecimal
	dDecimalFixed
	dEnum
	dArray
	dMap
	dMapEntries
	dRecord
	dUnion
	dUnionMember
)

// decNode decodes one Avro value of a writer schema into the Connect value
// of the converted schema. Plans are immutable once built and shared by
// concurrent decodes.
type decNode struct {
	kind        decKind
	schema      *schema.Schema // Connect schema of the value (records: the struct schema)
	scale       int32          // decimals
	size        int            // fixed
	symbols     []string       // enums
	elem, key   *decNode       // arrays, maps (elem = values), union members
	keyFirst    bool           // map entries: key is the first field
	fields      []*decNode     // records, in writer order = Connect field order
	branches    []*decNode     // unions: nil marks the null branch
	unionStruct bool           // a general union, decoded into a Connect Union struct
	index       int            // union member: Connect field index in the Union struct
	zeroSize    bool           // the value may encode to zero bytes
}

// maxZeroSizeItems bounds arrays of values that encode to no bytes at all
// (e.g. empty records), which the input length cannot bound.
const maxZeroSizeItems = 1 << 20

// finalizePlan computes the zeroSize flags of a plan.
func finalizePlan(n *decNode) {
	seen := map[*decNode]bool{}
	var walk func(n *decNode) bool
	walk = func(n *decNode) bool {
		if n == nil {
			return false
		}
		if seen[n] {
			return n.zeroSize
		}
		seen[n] = true
		switch n.kind {
		case dRecord:
			z := true
			for _, f := range n.fields {
				if !walk(f) {
					z = false
				}
			}
			n.zeroSize = z
		case dFixed, dDecimalFixed:
			n.zeroSize = n.size == 0
		case dArray, dMap:
			walk(n.elem)
		case dMapEntries:
			walk(n.key)
			walk(n.elem)
		case dUnion:
			for _, b := range n.branches {
				walk(b)
			}
		case dUnionMember:
			walk(n.elem)
		}
		return n.zeroSize
	}
	walk(n)
}

// decoder reads one record's Avro binary datum.
type decoder struct {
	r     *avro.Reader
	arena []byte // backing store of strings and bytes, cap = input length
	limit int64
	items int64
}

var errShort = errors.New("length exceeds the input")

func newDecoder(data []byte) *decoder {
	return &decoder{
		r:     avro.NewReader(nil, 0).Reset(data),
		arena: make([]byte, 0, len(data)),
		limit: int64(len(data)),
	}
}

// raw reads n bytes into the arena.
func (d *decoder) raw(n int64) []byte {
	if d.r.Error != nil {
		return nil
	}
	start := int64(len(d.arena))
	if n < 0 || start+n > int64(cap(d.arena)) {
		d.r.Error = errShort
		return nil
	}
	end := int(start + n)
	d.arena = d.arena[:end]
	b := d.arena[start:end:end]
	if n > 0 {
		d.r.Read(b)
	}
	return b
}

func (d *decoder) readBytes() []byte {
	n := d.r.ReadLong()
	return d.raw(n)
}

func (d *decoder) readString() string {
	b := d.readBytes()
	if len(b) == 0 {
		return ""
	}
	// The arena is never written again after this read, so the string
	// stays immutable.
	return unsafe.String(&b[0], len(b))
}

func (d *decoder) fail() error {
	if d.r.Error != nil {
		return d.r.Error
	}
	return nil
}

// read decodes one value of n.
func (d *decoder) read(n *decNode) (any, error) {
	r := d.r
	switch n.kind {
	case dBool:
		return r.ReadBool(), d.fail()
	case dInt8:
		v := r.ReadInt()
		if v < math.MinInt8 || v > math.MaxInt8 {
			return nil, fmt.Errorf("value %d out of INT8 range", v)
		}
		return int8(v), d.fail()
	case dInt16:
		v := r.ReadInt()
		if v < math.MinInt16 || v > math.MaxInt16 {
			return nil, fmt.Errorf("value %d out of INT16 range", v)
		}
		return int16(v), d.fail()
	case dInt32:
		return r.ReadInt(), d.fail()
	case dDate:
		return schema.DaysToDate(r.ReadInt()), d.fail()
	case dTime:
		return schema.MillisToTime(r.ReadInt()), d.fail()
	case dInt64:
		return r.ReadLong(), d.fail()
	case dTimestamp:
		return timeFromMillis(r.ReadLong()), d.fail()
	case dFloat:
		return r.ReadFloat(), d.fail()
	case dDouble:
		return r.ReadDouble(), d.fail()
	case dString:
		return d.readString(), d.fail()
	case dBytes:
		return d.readBytes(), d.fail()
	case dFixed:
		return d.raw(int64(n.size)), d.fail()
	case dDecimal, dDecimalFixed:
		var b []byte
		if n.kind == dDecimal {
			b = d.readBytes()
		} else {
			b = d.raw(int64(n.size))
		}
		if err := d.fail(); err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, errors.New("empty decimal bytes")
		}
		return decimalFromTwosComplement(b, n.scale), nil
	case dEnum:
		i := r.ReadInt()
		if err := d.fail(); err != nil {
			return nil, err
		}
		if i < 0 || int(i) >= len(n.symbols) {
			return nil, fmt.Errorf("enum index %d out of range", i)
		}
		return n.symbols[i], nil
	case dArray:
		out := []any{}
		err := d.blocks(n.elem, func() error {
			v, err := d.read(n.elem)
			out = append(out, v)
			return err
		})
		return out, err
	case dMap:
		out := map[string]any{}
		err := d.blocks(n.elem, func() error {
			k := d.readString()
			v, err := d.read(n.elem)
			out[k] = v
			return err
		})
		return out, err
	case dMapEntries:
		out := map[any]any{}
		err := d.blocks(nil, func() error {
			first, second := n.key, n.elem
			if !n.keyFirst {
				first, second = n.elem, n.key
			}
			a, err := d.read(first)
			if err != nil {
				return err
			}
			b, err := d.read(second)
			if err != nil {
				return err
			}
			if !n.keyFirst {
				a, b = b, a
			}
			if !hashable(a) {
				return fmt.Errorf("map key of type %T cannot be a Go map key", a)
			}
			out[a] = b
			return nil
		})
		if err != nil {
			return nil, err
		}
		if n.schema.KeySchema().Type() == schema.STRING {
			m := make(map[string]any, len(out))
			for k, v := range out {
				if ks, ok := k.(string); ok {
					m[ks] = v
				}
			}
			return m, nil
		}
		return out, nil
	case dRecord:
		st := schema.NewStruct(n.schema)
		for i, f := range n.fields {
			v, err := d.read(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", n.schema.Fields()[i].Name, err)
			}
			st.Set(i, v)
		}
		return st, nil
	case dUnion:
		i := r.ReadLong()
		if err := d.fail(); err != nil {
			return nil, err
		}
		if i < 0 || i >= int64(len(n.branches)) {
			return nil, fmt.Errorf("union index %d out of range", i)
		}
		b := n.branches[i]
		if b == nil {
			return nil, nil
		}
		if !n.unionStruct {
			return d.read(b)
		}
		v, err := d.read(b.elem)
		if err != nil {
			return nil, err
		}
		st := schema.NewStruct(n.schema)
		st.Set(b.index, v)
		return st, nil
	}
	return nil, fmt.Errorf("internal error: decoding plan kind %d", n.kind)
}

// blocks reads Avro array/map blocks, calling item once per element.
func (d *decoder) blocks(elem *decNode, item func() error) error {
	for {
		count, _ := d.r.ReadBlockHeader()
		if err := d.fail(); err != nil {
			return err
		}
		if count == 0 {
			return nil
		}
		if count < 0 {
			return errors.New("invalid block count")
		}
		d.items += count
		if elem != nil && elem.zeroSize {
			if d.items > maxZeroSizeItems {
				return fmt.Errorf("more than %d items that encode to no bytes", maxZeroSizeItems)
			}
		} else if d.items > d.limit {
			return errors.New("block count exceeds the input")
		}
		for range count {
			if err := item(); err != nil {
				return err
			}
			if err := d.fail(); err != nil {
				return err
			}
		}
	}
}

func hashable(v any) bool {
	switch v.(type) {
	case []byte, []any, map[string]any, map[any]any, decimal.Decimal:
		return false
	}
	return true
}

func timeFromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// decimalFromTwosComplement decodes an unscaled big-endian two's
// complement value, without big.Int work for up to 8 bytes.
func decimalFromTwosComplement(b []byte, scale int32) decimal.Decimal {
	if len(b) <= 8 {
		var buf [8]byte
		fill := byte(0)
		if b[0]&0x80 != 0 {
			fill = 0xff
		}
		for i := range 8 - len(b) {
			buf[i] = fill
		}
		copy(buf[8-len(b):], b)
		return decimal.New(int64(binary.BigEndian.Uint64(buf[:])), -scale)
	}
	return schema.DecimalFromBytes(b, scale)
}
