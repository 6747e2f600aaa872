package dialect

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
)

// PostgreSQL type OIDs that PGRowDecoder decodes from their wire bytes.
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidBPChar      = 1042
	oidVarchar     = 1043
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidNumeric     = 1700
)

// pgWire is how PGRowDecoder turns one column's bytes into a value.
type pgWire uint8

const (
	wireOther       pgWire = iota // not decoded here: pgx's Values decodes it
	wireText                      // text, varchar, bpchar (either format) → string
	wireBool                      // boolean → bool
	wireBytea                     // bytea → []byte
	wireInt2                      // smallint → int64
	wireInt4                      // integer → int64
	wireInt8                      // bigint → int64
	wireTimestamp                 // timestamp → time.Time in UTC
	wireTimestampTZ               // timestamptz → time.Time in time.Local, as pgx gives it
	wireNumeric                   // numeric in binary format → decimal.Decimal
)

// pgWireOf picks the decoding of a result column.
func pgWireOf(fd pgconn.FieldDescription) pgWire {
	if fd.Format == pgx.TextFormatCode {
		switch fd.DataTypeOID {
		case oidText, oidVarchar, oidBPChar:
			return wireText
		}
		return wireOther
	}
	switch fd.DataTypeOID {
	case oidText, oidVarchar, oidBPChar:
		return wireText
	case oidBool:
		return wireBool
	case oidBytea:
		return wireBytea
	case oidInt2:
		return wireInt2
	case oidInt4:
		return wireInt4
	case oidInt8:
		return wireInt8
	case oidTimestamp:
		return wireTimestamp
	case oidTimestampTZ:
		return wireTimestampTZ
	case oidNumeric:
		return wireNumeric
	}
	return wireOther
}

// PGRowDecoder decodes the rows of one pgx result set from their wire
// bytes (pgx.Rows.RawValues) into the raw values the postgres dialect's
// Decode accepts, skipping pgx's generic Values (its allocations and
// codec look-ups are the hot spot of a read path). The values it gives:
// text, varchar, bpchar → string; numeric (binary format) →
// decimal.Decimal with the coefficient and exponent pgx's pgtype.Numeric
// would carry; timestamp →
// time.Time in UTC; timestamptz → time.Time in time.Local (as pgx); bool →
// bool; bytea → []byte (a copy); smallint, integer, bigint → int64; NULL →
// nil. Decode gives the same canonical value for them as for what Values
// returns (tested against pgx). Columns of other types (mchar and other
// unknown OIDs read in text format, arrays, …) are left to Values.
//
// A decoder belongs to one result set (it keeps the field descriptions)
// and one goroutine. The bytea and text values of consecutive rows share
// chunks of memory (decodeChunk bytes, or one row's worth when larger):
// a value keeps its chunk alive, which suits rows that are mapped to
// records and dropped together, as a page is.
type PGRowDecoder struct {
	fds   []pgconn.FieldDescription
	wires []pgWire
	other bool // some column needs Values
	// bytes holds the bytea values; each is a sub-slice capped at its
	// end, so appending to one cannot reach the next.
	bytes []byte
	// texts holds the text values; each is a substring of its String.
	// A Builder only ever appends, so the strings handed out never change.
	texts strings.Builder
}

// decodeChunk is the size of the memory chunks decoded values share.
const decodeChunk = 16 << 10

// NewPGRowDecoder prepares a decoder for a result set with the given
// field descriptions (pgx.Rows.FieldDescriptions()).
func NewPGRowDecoder(fds []pgconn.FieldDescription) *PGRowDecoder {
	d := &PGRowDecoder{fds: fds, wires: make([]pgWire, len(fds))}
	for i, fd := range fds {
		d.wires[i] = pgWireOf(fd)
		if d.wires[i] == wireOther {
			d.other = true
		}
	}
	return d
}

// Direct reports whether column i is decoded from its wire bytes (false:
// DecodeRow takes it from Values).
func (d *PGRowDecoder) Direct(i int) bool { return d.wires[i] != wireOther }

// DecodeRow decodes one row's wire bytes raw into dst (one value per
// column). values, called at most once and only when some column is not
// Direct, returns pgx's decoding of the row (pgx.Rows.Values). The values
// stored in dst own their memory: they stay valid after the row is left.
// Malformed bytes give an error naming the column, never a panic.
func (d *PGRowDecoder) DecodeRow(raw [][]byte, dst []any, values func() ([]any, error)) error {
	if len(raw) != len(d.wires) || len(dst) != len(d.wires) {
		return fmt.Errorf("scan: row has %d columns, %d destinations, %d described: %w", len(raw), len(dst), len(d.wires), ErrBadTable)
	}
	// The row's bytea values share one allocation, and so do its strings.
	var byteaLen, textLen int
	for i, b := range raw {
		switch d.wires[i] {
		case wireBytea:
			byteaLen += len(b)
		case wireText:
			textLen += len(b)
		}
	}
	if byteaLen > cap(d.bytes)-len(d.bytes) {
		d.bytes = make([]byte, 0, max(decodeChunk, byteaLen))
	}
	var texts string
	if textLen > 0 {
		if textLen > d.texts.Cap()-d.texts.Len() {
			d.texts = strings.Builder{}
			d.texts.Grow(max(decodeChunk, textLen))
		}
		from := d.texts.Len()
		for i, b := range raw {
			if d.wires[i] == wireText {
				d.texts.Write(b)
			}
		}
		texts = d.texts.String()[from:]
	}
	var slow []any
	textAt := 0
	for i, b := range raw {
		w := d.wires[i]
		if w == wireOther {
			if slow == nil {
				var err error
				if slow, err = values(); err != nil {
					return err
				}
				if len(slow) != len(dst) {
					return fmt.Errorf("scan: pgx decoded %d columns of %d: %w", len(slow), len(dst), ErrBadTable)
				}
			}
			dst[i] = slow[i]
			continue
		}
		if b == nil {
			dst[i] = nil
			continue
		}
		switch w {
		case wireText:
			dst[i] = texts[textAt : textAt+len(b)]
			textAt += len(b)
		case wireBytea:
			if len(b) == 0 {
				dst[i] = []byte{} // empty, not NULL
				continue
			}
			start := len(d.bytes)
			d.bytes = append(d.bytes, b...)
			dst[i] = d.bytes[start:len(d.bytes):len(d.bytes)]
		default:
			v, err := pgWireValue(w, b)
			if err != nil {
				return fmt.Errorf("column %s: %w", d.fds[i].Name, err)
			}
			dst[i] = v
		}
	}
	return nil
}

// errInfinite is the cause for infinite timestamps and numerics, which
// have no 1C value (pgx would decode them to an infinity modifier that
// Decode refuses too).
var errInfinite = errors.New("infinity has no 1C value")

// pgWireValue decodes the non-NULL bytes of one fixed-shape column.
func pgWireValue(w pgWire, b []byte) (any, error) {
	switch w {
	case wireBool:
		if len(b) != 1 {
			return nil, fmt.Errorf("boolean of %d bytes", len(b))
		}
		return b[0] == 1, nil // as pgx
	case wireInt2:
		if len(b) != 2 {
			return nil, fmt.Errorf("smallint of %d bytes", len(b))
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case wireInt4:
		if len(b) != 4 {
			return nil, fmt.Errorf("integer of %d bytes", len(b))
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case wireInt8:
		if len(b) != 8 {
			return nil, fmt.Errorf("bigint of %d bytes", len(b))
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case wireTimestamp, wireTimestampTZ:
		if len(b) != 8 {
			return nil, fmt.Errorf("timestamp of %d bytes", len(b))
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us == math.MaxInt64 || us == math.MinInt64 {
			return nil, errInfinite
		}
		// As pgx computes it (no overflow), with pgx's range check.
		t := time.Unix(pgEpochUnix+us/1_000_000, (us%1_000_000)*1000)
		if t.Before(pgMinTime) || !t.Before(pgEndTime) {
			return nil, fmt.Errorf("timestamp %d µs from 2000-01-01 is out of range", us)
		}
		if w == wireTimestamp {
			t = t.UTC()
		}
		return t, nil
	case wireNumeric:
		return pgNumeric(b)
	}
	return nil, fmt.Errorf("no decoding for wire kind %d", w)
}

// pgEpochUnix is PostgreSQL's timestamp epoch, 2000-01-01, in Unix
// seconds.
const pgEpochUnix = 946_684_800

// The range of timestamps pgx accepts (4714 BC to 294276 AD).
var (
	pgMinTime = time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	pgEndTime = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
)

// maxNumericDigits bounds the base-10000 digits of a numeric accepted
// (numeric(38) needs 11; PostgreSQL allows up to 131072 decimal digits
// before the point, which 1C never uses).
const maxNumericDigits = 64

// Special sign words of PostgreSQL's binary numeric.
const (
	pgNumericNaN    = 0xC000
	pgNumericPosInf = 0xD000
	pgNumericNegInf = 0xF000
)

// pgNumeric decodes PostgreSQL's binary numeric (ndigits, weight, sign,
// dscale as int16 each, then ndigits base-10000 digits) into the same
// coefficient and exponent pgx's pgtype.Numeric carries: scaled to dscale,
// trailing zeros of an integer folded into the exponent. NaN and
// infinities have no 1C value and are errors.
func pgNumeric(b []byte) (decimal.Decimal, error) {
	if len(b) < 8 {
		return decimal.Zero, fmt.Errorf("numeric of %d bytes", len(b))
	}
	ndigits := int(binary.BigEndian.Uint16(b[0:]))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(int16(binary.BigEndian.Uint16(b[6:])))
	switch sign {
	case pgNumericNaN:
		return decimal.Zero, errors.New("NaN has no 1C value")
	case pgNumericPosInf, pgNumericNegInf:
		return decimal.Zero, errInfinite
	}
	neg := sign != 0 // 0x4000; like pgx, any other sign word is negative
	if len(b) != 8+2*ndigits {
		return decimal.Zero, fmt.Errorf("numeric of %d bytes for %d digits", len(b), ndigits)
	}
	if ndigits > maxNumericDigits {
		return decimal.Zero, fmt.Errorf("numeric of %d base-10000 digits", ndigits)
	}
	if ndigits == 0 {
		return decimal.New(0, 0), nil // as pgx (decimal.Zero has exponent 1)
	}
	exp := (weight - ndigits + 1) * 4
	// Scale shift to dscale, as pgx: more fraction digits multiply, fewer
	// divide (dropping zeros: the digits beyond dscale are zero).
	shift := 0
	if dscale > 0 {
		shift = dscale - (ndigits-weight-1)*4
	}
	if ndigits <= 4 && shift >= -16 && shift <= 2 {
		// Up to 16 decimal digits and a small scale-up fit an int64.
		var v int64
		for i := 0; i < ndigits; i++ {
			v = v*10000 + int64(binary.BigEndian.Uint16(b[8+2*i:]))
		}
		for ; shift > 0; shift-- {
			v *= 10
			exp--
		}
		for ; shift < 0; shift++ {
			v /= 10
			exp++
		}
		if exp >= 0 && v != 0 {
			for v%10 == 0 {
				v /= 10
				exp++
			}
		}
		if neg {
			v = -v
		}
		return decimal.New(v, int32(exp)), nil
	}
	v := new(big.Int)
	base, ten := big.NewInt(10000), big.NewInt(10)
	digit := new(big.Int)
	for i := 0; i < ndigits; i++ {
		v.Mul(v, base)
		v.Add(v, digit.SetUint64(uint64(binary.BigEndian.Uint16(b[8+2*i:]))))
	}
	for ; shift > 0; shift-- {
		v.Mul(v, ten)
		exp--
	}
	for ; shift < 0; shift++ {
		v.Quo(v, ten)
		exp++
	}
	if exp >= 0 && v.Sign() != 0 {
		q, r := new(big.Int), new(big.Int)
		for {
			q.QuoRem(v, ten, r)
			if r.Sign() != 0 {
				break
			}
			v.Set(q)
			exp++
		}
	}
	if neg {
		v.Neg(v)
	}
	return decimal.NewFromBigInt(v, int32(exp)), nil
}

// NewPGXRows adapts a pgx result set to Rows, decoding with a
// PGRowDecoder (what PGXFast's Rows do).
func NewPGXRows(rows pgx.Rows) Rows {
	return &pgxFastRows{rows: rows, dec: NewPGRowDecoder(rows.FieldDescriptions())}
}

type pgxFastRows struct {
	rows pgx.Rows
	dec  *PGRowDecoder
}

func (r *pgxFastRows) Next() bool { return r.rows.Next() }
func (r *pgxFastRows) Err() error { return r.rows.Err() }
func (r *pgxFastRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

func (r *pgxFastRows) Scan(dst []any) error {
	return r.dec.DecodeRow(r.rows.RawValues(), dst, r.rows.Values)
}
