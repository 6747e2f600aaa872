package dialect

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/golang-sql/civil"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// TestEncodeDecodeRoundTrip encodes canonical values and decodes the
// encoded form back (the drivers return what they were given for these
// types), for both dialects, with and without a year offset.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	values := []struct {
		col Column
		v   any
	}{
		{Column{Name: "_IDRRef", Kind: Binary16}, "ff19dcc1-b0fd-11f1-9412-080027b9b2bd"},
		{Column{Name: "_Fld1_TYPE", Kind: TypeCode}, int64(8)},
		{Column{Name: "_Fld1_RTRef", Kind: RTRef}, int64(362)},
		{Column{Name: "_Marked", Kind: Bool}, true},
		{Column{Name: "_Marked", Kind: Bool}, false},
		{Column{Name: "_Description", Kind: String, Length: 6}, "Москва"},
		{Column{Name: "_Code", Kind: FixedString, Length: 9}, "00-01"},
		{Column{Name: "_Fld2", Kind: Numeric, Precision: 15, Scale: 3}, decimal.RequireFromString("-123456789012.345")},
		{Column{Name: "_Fld2", Kind: Numeric, Precision: 10}, decimal.NewFromInt(9999999999)},
		{Column{Name: "_Date_Time", Kind: DateTime}, time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)},
		{Column{Name: "_Date_Time", Kind: DateTime}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Column{Name: "_Fld3", Kind: Bytes}, []byte{0, 1, 2}},
		{Column{Name: "_Fld4", Kind: Int}, int64(-5)},
		{Column{Name: "_Version", Kind: Version}, int64(77)},
	}
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		for _, offset := range []int{0, 2000} {
			for _, c := range values {
				enc, err := d.Encode(c.col, c.v, offset)
				if err != nil {
					t.Errorf("%s %s %v: encode: %v", d.Name(), c.col.Kind, c.v, err)
					continue
				}
				got, err := d.Decode(c.col, enc, offset)
				if err != nil {
					t.Errorf("%s %s %v: decode %#v: %v", d.Name(), c.col.Kind, c.v, enc, err)
					continue
				}
				if !equalValue(got, c.v) {
					t.Errorf("%s %s offset %d: round trip %#v → %#v → %#v", d.Name(), c.col.Kind, offset, c.v, enc, got)
				}
			}
		}
	}
}

func TestEncodeForms(t *testing.T) {
	date := time.Date(2025, 3, 1, 10, 30, 15, 999, time.FixedZone("MSK", 3*3600))
	pgEnc, err := Postgres().Encode(col(DateTime), date, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 1, 7, 30, 15, 0, time.UTC); pgEnc != want {
		t.Errorf("postgres date = %v, want %v (UTC, whole seconds)", pgEnc, want)
	}
	msEnc, err := SQLServer().Encode(col(DateTime), date, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if want := (civil.DateTime{Date: civil.Date{Year: 4025, Month: 3, Day: 1}, Time: civil.Time{Hour: 7, Minute: 30, Second: 15}}); msEnc != want {
		t.Errorf("sqlserver date = %#v, want %#v", msEnc, want)
	}
	if got, _ := SQLServer().Encode(col(Bool), true, 0); string(got.([]byte)) != "\x01" {
		t.Errorf("sqlserver true = %#v", got)
	}
	if got, _ := SQLServer().Encode(Column{Name: "_Fld1", Kind: Numeric, Precision: 10, Scale: 2}, "1.50", 0); got != "1.5" {
		t.Errorf("sqlserver numeric = %#v", got)
	}
	got, _ := Postgres().Encode(Column{Name: "_Fld1", Kind: Numeric, Precision: 10, Scale: 2}, big.NewRat(3, 2), 0)
	if n := got.(pgtype.Numeric); !n.Valid || !decimal.NewFromBigInt(n.Int, n.Exp).Equal(decimal.RequireFromString("1.5")) {
		t.Errorf("postgres numeric = %#v", got)
	}
	if got, _ := SQLServer().Encode(col(RTRef), 362, 0); string(got.([]byte)) != "\x00\x00\x01\x6a" {
		t.Errorf("rtref = %x", got)
	}
	u := uuid1c.MustParse("ff19dcc1-b0fd-11f1-9412-080027b9b2bd")
	if got, _ := Postgres().Encode(col(Binary16), u, 0); string(got.([]byte)) != string(unhex(t, "9412080027b9b2bd11f1b0fdff19dcc1")) {
		t.Errorf("uuid1c.UUID = %x", got)
	}
}

func TestEncodeErrors(t *testing.T) {
	num := Column{Name: "_Fld1", Kind: Numeric, Precision: 5, Scale: 2}
	cases := []struct {
		name string
		col  Column
		v    any
		off  int
	}{
		{"uuid garbage", col(Binary16), "not-a-uuid", 0},
		{"uuid bytes", col(Binary16), make([]byte, 16), 0},
		{"type code range", col(TypeCode), 256, 0},
		{"type code negative", col(TypeCode), -1, 0},
		{"rtref range", col(RTRef), int64(1) << 32, 0},
		{"bool string", col(Bool), "true", 0},
		{"string too long", Column{Name: "_Code", Kind: String, Length: 3}, "abcd", 0},
		{"string too long in UTF-16", Column{Name: "_Code", Kind: String, Length: 3}, "ab😀", 0},
		{"string NUL", col(String), "a\x00b", 0},
		{"string invalid UTF-8", col(String), "a\xffb", 0},
		{"string int", col(String), 5, 0},
		{"numeric scale", num, decimal.RequireFromString("1.234"), 0},
		{"numeric precision", num, decimal.RequireFromString("1000"), 0},
		{"numeric rat scale", num, big.NewRat(1, 3), 0},
		{"numeric float", num, 1.5, 0},
		{"numeric text", num, "1,5", 0},
		{"date string", col(DateTime), "2025-01-01", 0},
		{"date overflow", col(DateTime), time.Date(8000, 1, 1, 0, 0, 0, 0, time.UTC), 2000},
		{"negative offset", col(DateTime), time.Now(), -1},
		{"bytes string", col(Bytes), "abc", 0},
		{"int float", col(Int), 1.0, 0},
		{"unknown kind", Column{Name: "_Fld1"}, 1, 0},
	}
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		for _, c := range cases {
			got, err := d.Encode(c.col, c.v, c.off)
			var ve *ValueError
			if err == nil || !errors.Is(err, ErrEncode) || !errors.As(err, &ve) {
				t.Errorf("%s %s: Encode = %#v, %v; want a *ValueError wrapping ErrEncode", d.Name(), c.name, got, err)
			}
		}
		if got, err := d.Encode(num, nil, 0); got != nil || err != nil {
			t.Errorf("%s: nil encodes to %#v, %v", d.Name(), got, err)
		}
	}
	if _, err := SQLServer().Encode(col(Version), -1, 0); !errors.Is(err, ErrEncode) {
		t.Errorf("negative rowversion: %v", err)
	}
}

func TestRowHelpers(t *testing.T) {
	d := Postgres()
	cols := []Column{{Name: "_IDRRef", Kind: Binary16}, {Name: "_Marked", Kind: Bool}}
	enc, err := EncodeRow(d, cols, []any{"ff19dcc1-b0fd-11f1-9412-080027b9b2bd", true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]any, 2)
	if err := DecodeRow(d, cols, enc, 0, dst); err != nil {
		t.Fatal(err)
	}
	if dst[0] != "ff19dcc1-b0fd-11f1-9412-080027b9b2bd" || dst[1] != true {
		t.Errorf("DecodeRow = %v", dst)
	}
	if _, err := EncodeRow(d, cols, []any{1}, 0); !errors.Is(err, ErrBadTable) {
		t.Errorf("EncodeRow arity: %v", err)
	}
	if err := DecodeRow(d, cols, enc, 0, dst[:1]); !errors.Is(err, ErrBadTable) {
		t.Errorf("DecodeRow arity: %v", err)
	}
	if err := DecodeRow(d, cols, []any{[]byte{1}, true}, 0, dst); !errors.Is(err, ErrDecode) {
		t.Errorf("DecodeRow bad value: %v", err)
	}
}
