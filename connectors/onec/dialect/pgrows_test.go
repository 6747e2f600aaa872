package dialect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// pgWireCase is one column type PGRowDecoder decodes, with the column
// kinds whose Decode takes it.
type pgWireCase struct {
	oid    uint32
	format int16
	kinds  []ColumnKind
}

var pgWireCases = []pgWireCase{
	{oidText, pgx.BinaryFormatCode, []ColumnKind{String, FixedString, Numeric}},
	{oidVarchar, pgx.TextFormatCode, []ColumnKind{String, FixedString}},
	{oidBPChar, pgx.BinaryFormatCode, []ColumnKind{FixedString}},
	{oidBool, pgx.BinaryFormatCode, []ColumnKind{Bool}},
	{oidBytea, pgx.BinaryFormatCode, []ColumnKind{Binary16, TypeCode, RTRef, Bytes}},
	{oidInt2, pgx.BinaryFormatCode, []ColumnKind{Int, Numeric}},
	{oidInt4, pgx.BinaryFormatCode, []ColumnKind{Int, Version, Numeric}},
	{oidInt8, pgx.BinaryFormatCode, []ColumnKind{Int, Version, Numeric}},
	{oidTimestamp, pgx.BinaryFormatCode, []ColumnKind{DateTime}},
	{oidTimestampTZ, pgx.BinaryFormatCode, []ColumnKind{DateTime}},
	{oidNumeric, pgx.BinaryFormatCode, []ColumnKind{Numeric}},
}

// decodeBoth decodes b as one column of c with PGRowDecoder and with
// pgx's codec (what Rows.Values does).
func decodeBoth(t *testing.T, m *pgtype.Map, c pgWireCase, b []byte) (fast, slow any, ferr, serr error) {
	t.Helper()
	fd := pgconn.FieldDescription{Name: "_fld1", DataTypeOID: c.oid, Format: c.format}
	dec := NewPGRowDecoder([]pgconn.FieldDescription{fd})
	if !dec.Direct(0) {
		t.Fatalf("OID %d format %d: not decoded directly", c.oid, c.format)
	}
	dst := make([]any, 1)
	ferr = dec.DecodeRow([][]byte{b}, dst, func() ([]any, error) {
		t.Fatal("Values called for a direct column")
		return nil, nil
	})
	typ, ok := m.TypeForOID(c.oid)
	if !ok {
		t.Fatalf("pgx knows no OID %d", c.oid)
	}
	slow, serr = typ.Codec.DecodeValue(m, c.oid, c.format, b)
	return dst[0], slow, ferr, serr
}

// sameCanonical compares two decoded values; decimals must carry the same
// coefficient and exponent, not only the same number.
func sameCanonical(a, b any) bool {
	if x, ok := a.(decimal.Decimal); ok {
		y, ok := b.(decimal.Decimal)
		return ok && x.Exponent() == y.Exponent() && x.Coefficient().Cmp(y.Coefficient()) == 0
	}
	return reflect.DeepEqual(a, b)
}

// checkAgainstPGX requires of bytes b of case c: when PGRowDecoder accepts
// them, pgx accepts them too, and Decode turns both into the same value
// (or refuses both) for every kind of the case. PGRowDecoder may refuse
// what pgx takes (a numeric longer than any 1C number, trailing bytes).
func checkAgainstPGX(t *testing.T, m *pgtype.Map, c pgWireCase, b []byte) {
	t.Helper()
	fast, slow, ferr, serr := decodeBoth(t, m, c, b)
	if ferr != nil {
		return
	}
	if serr != nil {
		t.Fatalf("OID %d format %d: %x decoded to %#v, pgx refuses it: %v", c.oid, c.format, b, fast, serr)
	}
	if b == nil && fast != nil {
		t.Fatalf("OID %d: NULL decoded to %#v", c.oid, fast)
	}
	d := Postgres()
	for _, k := range c.kinds {
		for _, yo := range []int{0, 2000} {
			col := Column{Name: "_Fld1", Kind: k, Precision: 38, Scale: 8}
			want, werr := d.Decode(col, slow, yo)
			got, gerr := d.Decode(col, fast, yo)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("OID %d %s: %x: Decode errors differ: pgx %v, fast %v", c.oid, k, b, werr, gerr)
			}
			if werr != nil {
				continue
			}
			if !sameCanonical(want, got) {
				t.Fatalf("OID %d %s: %x: pgx %#v, fast %#v", c.oid, k, b, want, got)
			}
		}
	}
}

// pgNumericBytes builds PostgreSQL's binary numeric.
func pgNumericBytes(weight int16, sign uint16, dscale int16, digits ...uint16) []byte {
	b := make([]byte, 8+2*len(digits))
	binary.BigEndian.PutUint16(b[0:], uint16(len(digits)))
	binary.BigEndian.PutUint16(b[2:], uint16(weight))
	binary.BigEndian.PutUint16(b[4:], sign)
	binary.BigEndian.PutUint16(b[6:], uint16(dscale))
	for i, d := range digits {
		binary.BigEndian.PutUint16(b[8+2*i:], d)
	}
	return b
}

func be(n uint64, size int) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b[8-size:]
}

// beInt is a signed int64 in big-endian order.
func beInt(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// TestPGRowDecoderMatchesPGX decodes hand-made wire values of every type
// the decoder knows with it and with pgx, then through Decode.
func TestPGRowDecoderMatchesPGX(t *testing.T) {
	m := pgtype.NewMap()
	inputs := map[uint32][][]byte{
		oidText:        {nil, {}, []byte("Номенклатура"), []byte("шт   "), []byte("12.500"), []byte("x")},
		oidVarchar:     {[]byte("abc  "), {}},
		oidBPChar:      {[]byte("код      ")},
		oidBool:        {{0}, {1}, {2}, {}, {0, 0}},
		oidBytea:       {nil, {}, {8}, {0, 0, 0, 53}, make([]byte, 16), []byte("0123456789abcdef"), {1, 2, 3}},
		oidInt2:        {be(7, 2), be(0xFFFF, 2), {1}},
		oidInt4:        {be(5, 4), be(0x80000000, 4), be(1, 8)},
		oidInt8:        {be(1<<40, 8), be(1<<63, 8), be(1, 4)},
		oidTimestamp:   {be(0, 8), beInt(-63082281600000000), be(1<<62, 8), be(1<<63-1, 8), be(1<<63, 8), be(1, 4)},
		oidTimestampTZ: {be(0, 8), be(123456789, 8)},
		oidNumeric: {
			pgNumericBytes(0, 0, 0),
			pgNumericBytes(0, 0, 0, 1),
			pgNumericBytes(0, 0x4000, 3, 12, 3400),
			pgNumericBytes(-1, 0, 3, 10),
			pgNumericBytes(2, 0, 0, 1),
			pgNumericBytes(2, 0, 2, 1),
			pgNumericBytes(5, 0x4000, 0, 1, 2, 3, 4, 5, 6),
			pgNumericBytes(1, 0, 8, 9999, 9999, 9999, 9999),
			pgNumericBytes(3, 0, 6, 1, 2, 3, 4),
			pgNumericBytes(0, 0, 0, 65535, 65535, 65535, 65535),
			pgNumericBytes(-3, 0, 12, 1),
			pgNumericBytes(0, 0xC000, 0),
			pgNumericBytes(0, 0xD000, 0),
			pgNumericBytes(0, 0xF000, 0),
			pgNumericBytes(0, 0x1234, 0, 5),
			{0, 1, 0, 0},
			{0, 2, 0, 0, 0, 0, 0, 0, 0, 1},
		},
	}
	for _, c := range pgWireCases {
		for _, b := range inputs[c.oid] {
			checkAgainstPGX(t, m, c, b)
		}
	}
}

// TestPGRowDecoderRefuses lists wire values the decoder must refuse.
func TestPGRowDecoderRefuses(t *testing.T) {
	tests := []struct {
		name string
		oid  uint32
		b    []byte
	}{
		{"short numeric", oidNumeric, []byte{0, 1, 0, 0}},
		{"numeric digits missing", oidNumeric, []byte{0, 1, 0, 0, 0, 0, 0, 0}},
		{"numeric NaN", oidNumeric, pgNumericBytes(0, pgNumericNaN, 0)},
		{"numeric +infinity", oidNumeric, pgNumericBytes(0, pgNumericPosInf, 0)},
		{"numeric -infinity", oidNumeric, pgNumericBytes(0, pgNumericNegInf, 0)},
		{"numeric too long", oidNumeric, pgNumericBytes(0, 0, 0, make([]uint16, maxNumericDigits+1)...)},
		{"infinite timestamp", oidTimestamp, be(1<<63-1, 8)},
		{"-infinite timestamp", oidTimestamp, be(1<<63, 8)},
		{"timestamp of 4 bytes", oidTimestamp, be(1, 4)},
		{"boolean of 2 bytes", oidBool, []byte{0, 1}},
		{"integer of 8 bytes", oidInt4, be(1, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := NewPGRowDecoder([]pgconn.FieldDescription{{Name: "_fld1", DataTypeOID: tt.oid, Format: pgx.BinaryFormatCode}})
			dst := make([]any, 1)
			if err := dec.DecodeRow([][]byte{tt.b}, dst, nil); err == nil {
				t.Fatalf("%x decoded to %#v", tt.b, dst[0])
			}
		})
	}
}

// TestPGRowDecoderRow decodes a whole row: shared buffers must not leak
// from one value into another, and other types go to Values once.
func TestPGRowDecoderRow(t *testing.T) {
	fds := []pgconn.FieldDescription{
		{Name: "a", DataTypeOID: oidBytea, Format: pgx.BinaryFormatCode},
		{Name: "b", DataTypeOID: oidText, Format: pgx.BinaryFormatCode},
		{Name: "c", DataTypeOID: 99999, Format: pgx.TextFormatCode}, // mchar-like
		{Name: "d", DataTypeOID: oidBytea, Format: pgx.BinaryFormatCode},
		{Name: "e", DataTypeOID: oidText, Format: pgx.BinaryFormatCode},
		{Name: "f", DataTypeOID: oidText, Format: pgx.BinaryFormatCode},
		{Name: "g", DataTypeOID: 99999, Format: pgx.TextFormatCode},
	}
	dec := NewPGRowDecoder(fds)
	raw := [][]byte{{1, 2}, []byte("ab"), []byte("mc"), {3}, nil, {}, []byte("x")}
	calls := 0
	dst := make([]any, len(fds))
	err := dec.DecodeRow(raw, dst, func() ([]any, error) {
		calls++
		return []any{"wrong", "wrong", "mchar", "wrong", "wrong", "wrong", "x"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{[]byte{1, 2}, "ab", "mchar", []byte{3}, nil, "", "x"}
	if !reflect.DeepEqual(dst, want) || calls != 1 {
		t.Fatalf("got %#v with %d Values calls, want %#v with 1", dst, calls, want)
	}
	// The wire buffers are reused by pgx after Next: values must own
	// their bytes, and appending to one must not reach the next.
	for _, b := range raw {
		for i := range b {
			b[i] = 0xEE
		}
	}
	a := dst[0].([]byte)
	_ = append(a, 9)
	if !reflect.DeepEqual(dst, want) {
		t.Fatalf("values changed with the wire buffers: %#v", dst)
	}
	if err := dec.DecodeRow(raw[:2], dst[:2], nil); !errors.Is(err, ErrBadTable) {
		t.Fatalf("short row: %v, want ErrBadTable", err)
	}
	if err := dec.DecodeRow(raw, dst, func() ([]any, error) { return nil, errors.New("boom") }); err == nil {
		t.Fatal("Values error lost")
	}
}

// FuzzPGRowDecoder checks the decoder against pgx's own decoding on
// random wire bytes of every type it knows: never a panic, never a value
// pgx would not give.
func FuzzPGRowDecoder(f *testing.F) {
	f.Add(uint8(0), []byte("abc"))
	f.Add(uint8(3), []byte{1})
	f.Add(uint8(8), be(123456789, 8))
	f.Add(uint8(10), pgNumericBytes(0, 0x4000, 3, 12, 3400))
	f.Add(uint8(10), pgNumericBytes(5, 0, 6, 1, 2, 3, 4, 5, 6))
	f.Add(uint8(0), []byte("-12.5"))
	m := pgtype.NewMap()
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		c := pgWireCases[int(which)%len(pgWireCases)]
		checkAgainstPGX(t, m, c, b)
	})
}

// BenchmarkPGRowDecoder compares decoding a 1C catalog row from its wire
// bytes with pgx's Values-style decoding.
func BenchmarkPGRowDecoder(b *testing.B) {
	fds := []pgconn.FieldDescription{
		{DataTypeOID: oidBytea, Format: 1}, {DataTypeOID: oidInt4, Format: 1}, {DataTypeOID: oidBool, Format: 1},
		{DataTypeOID: oidBytea, Format: 1}, {DataTypeOID: oidText, Format: 1}, {DataTypeOID: oidText, Format: 1},
		{DataTypeOID: oidNumeric, Format: 1}, {DataTypeOID: oidTimestamp, Format: 1}, {DataTypeOID: oidBytea, Format: 1},
		{DataTypeOID: oidText, Format: 1},
	}
	raw := [][]byte{make([]byte, 16), be(3, 4), {1}, make([]byte, 16), []byte("00000000123"),
		[]byte("Номенклатура номер 123 с описанием"), pgNumericBytes(1, 0, 2, 12, 3400), be(700000000000000, 8),
		make([]byte, 16), []byte("шт")}
	b.Run("fast", func(b *testing.B) {
		dec := NewPGRowDecoder(fds)
		dst := make([]any, len(fds))
		for b.Loop() {
			if err := dec.DecodeRow(raw, dst, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pgx", func(b *testing.B) {
		m := pgtype.NewMap()
		dst := make([]any, len(fds))
		for b.Loop() {
			for i, fd := range fds {
				typ, _ := m.TypeForOID(fd.DataTypeOID)
				v, err := typ.Codec.DecodeValue(m, fd.DataTypeOID, fd.Format, raw[i])
				if err != nil {
					b.Fatal(err)
				}
				dst[i] = v
			}
		}
	})
}

// TestPGRowDecoderChunks decodes enough rows to fill several shared
// chunks, with a row larger than a chunk among them: every value keeps
// its content after later rows, and appending to a bytea value does not
// reach the next one.
func TestPGRowDecoderChunks(t *testing.T) {
	fds := []pgconn.FieldDescription{
		{Name: "ref", DataTypeOID: oidBytea, Format: pgx.BinaryFormatCode},
		{Name: "name", DataTypeOID: oidText, Format: pgx.BinaryFormatCode},
		{Name: "blob", DataTypeOID: oidBytea, Format: pgx.BinaryFormatCode},
		{Name: "note", DataTypeOID: oidText, Format: pgx.BinaryFormatCode},
	}
	dec := NewPGRowDecoder(fds)
	const rows = 3000 // ≈ 6 chunks of bytea, ≈ 5 of text
	type row struct {
		ref, blob  []byte
		name, note string
	}
	want := make([]row, rows)
	got := make([][]any, rows)
	wire := make([][]byte, len(fds))
	for i := range rows {
		w := row{ref: []byte{byte(i), byte(i >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
			name: fmt.Sprintf("Номенклатура %d", i), blob: []byte{byte(i)}, note: "ok"}
		if i == rows/2 {
			w.blob = bytes.Repeat([]byte{7}, 3*decodeChunk) // larger than a chunk
			w.note = strings.Repeat("Ж", 2*decodeChunk)
		}
		want[i] = w
		// The wire buffer is reused from row to row, as pgx does.
		wire[0] = append(wire[0][:0], w.ref...)
		wire[1] = append(wire[1][:0], w.name...)
		wire[2] = append(wire[2][:0], w.blob...)
		wire[3] = append(wire[3][:0], w.note...)
		got[i] = make([]any, len(fds))
		if err := dec.DecodeRow(wire, got[i], nil); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if i > 0 { // an append to the previous row's first value stays its own
			prev := got[i-1][0].([]byte)
			_ = append(prev, 0xEE)
		}
	}
	for i, w := range want {
		g := got[i]
		if !bytes.Equal(g[0].([]byte), w.ref) || g[1] != w.name || !bytes.Equal(g[2].([]byte), w.blob) || g[3] != w.note {
			t.Fatalf("row %d changed: got %x %q %d bytes %d bytes", i, g[0], g[1], len(g[2].([]byte)), len(g[3].(string)))
		}
	}
}
