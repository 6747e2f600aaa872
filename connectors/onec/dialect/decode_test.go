package dialect

import (
	"encoding/hex"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/golang-sql/civil"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeCase is one raw value and the canonical value (or error) expected.
type decodeCase struct {
	name   string
	col    Column
	raw    any
	offset int
	want   any // nil with wantErr false: NULL
	err    bool
}

func col(kind ColumnKind) Column { return Column{Name: "_Fld1", Kind: kind} }

// TestDecodeSQLServer decodes values as go-mssqldb hands them over through
// database/sql, captured from its decoders: binary(n) and rowversion as
// []byte, numeric as decimal text in []byte, datetime2 as time.Time in the
// connection's location (UTC by default), nchar padded.
func TestDecodeSQLServer(t *testing.T) {
	d := SQLServer()
	numeric := Column{Name: "_Fld54", Kind: Numeric, Precision: 15, Scale: 3}
	cases := []decodeCase{
		// 1c-layout.md §8.1: the S7 row and its canonical UUID.
		{"ref", col(Binary16), unhex(t, "9412080027b9b2bd11f1b0fdff19dcc1"), 0, "ff19dcc1-b0fd-11f1-9412-080027b9b2bd", false},
		// §8.1 S3a: DB bytes shown by .NET as 643c479d-cacf-4048-11f0-2426af738206 (little-endian Guid text).
		{"ref S3a", col(Binary16), unhex(t, "9d473c64cfca484011f02426af738206"), 0, "af738206-2426-11f0-9d47-3c64cfca4840", false},
		{"empty ref", col(Binary16), make([]byte, 16), 0, "00000000-0000-0000-0000-000000000000", false},
		{"ref short", col(Binary16), make([]byte, 15), 0, nil, true},
		{"ref string", col(Binary16), "ff19dcc1-b0fd-11f1-9412-080027b9b2bd", 0, nil, true},
		{"bool false", col(Bool), []byte{0x00}, 0, false, false},
		{"bool true", col(Bool), []byte{0x01}, 0, true, false},
		{"bool bit", col(Bool), true, 0, true, false},
		{"bool 0x02", col(Bool), []byte{0x02}, 0, nil, true},
		{"bool two bytes", col(Bool), []byte{0x00, 0x01}, 0, nil, true},
		{"bool empty", col(Bool), []byte{}, 0, nil, true},
		{"type tag", col(TypeCode), []byte{0x08}, 0, int64(8), false},
		{"type tag long", col(TypeCode), []byte{0x08, 0}, 0, nil, true},
		// §8.3: _NodeTRef of _Node362.
		{"rtref", col(RTRef), []byte{0x00, 0x00, 0x01, 0x6a}, 0, int64(362), false},
		{"rtref max", col(RTRef), []byte{0xff, 0xff, 0xff, 0xff}, 0, int64(4294967295), false},
		{"rtref short", col(RTRef), []byte{0x01, 0x6a}, 0, nil, true},
		{"nvarchar", col(String), "Москва ", 0, "Москва ", false},
		{"nchar padded", col(FixedString), "00-000001   ", 0, "00-000001", false},
		{"nchar all blank", col(FixedString), "     ", 0, "", false},
		{"string int", col(String), int64(5), 0, nil, true},
		{"numeric", numeric, []byte("-1234.5600"), 0, decimal.RequireFromString("-1234.56"), false},
		{"numeric int", numeric, []byte("42"), 0, decimal.NewFromInt(42), false},
		{"numeric 38 digits", numeric, []byte("12345678901234567890123456789012345678"), 0, decimal.RequireFromString("12345678901234567890123456789012345678"), false},
		{"numeric string", numeric, "0.001", 0, decimal.RequireFromString("0.001"), false},
		{"numeric garbage", numeric, []byte("12a"), 0, nil, true},
		{"numeric exponent", numeric, []byte("1e999999999"), 0, nil, true},
		{"numeric empty", numeric, []byte{}, 0, nil, true},
		{"numeric float", numeric, 1.5, 0, nil, true},
		{"datetime2", col(DateTime), time.Date(2025, 3, 1, 10, 30, 15, 0, time.UTC), 0, time.Date(2025, 3, 1, 10, 30, 15, 0, time.UTC), false},
		{"datetime2 offset 2000", col(DateTime), time.Date(4025, 3, 1, 10, 30, 15, 0, time.UTC), 2000, time.Date(2025, 3, 1, 10, 30, 15, 0, time.UTC), false},
		{"empty date offset 2000", col(DateTime), time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), 2000, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"leap day offset 2000", col(DateTime), time.Date(4024, 2, 29, 0, 0, 0, 0, time.UTC), 2000, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), false},
		{"datetime2 other zone keeps wall clock", col(DateTime), time.Date(2025, 3, 1, 10, 30, 0, 0, time.FixedZone("MSK", 3*3600)), 0, time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC), false},
		{"date before offset", col(DateTime), time.Date(1753, 1, 1, 0, 0, 0, 0, time.UTC), 2000, nil, true},
		{"negative offset", col(DateTime), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), -1, nil, true},
		{"datetime string", col(DateTime), "2025-01-01", 0, nil, true},
		{"rowversion", col(Version), []byte{0, 0, 0, 0, 0, 0, 0x07, 0xd1}, 0, int64(2001), false},
		{"rowversion short", col(Version), []byte{0x07, 0xd1}, 0, nil, true},
		{"rowversion high bit", col(Version), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, 0, nil, true},
		{"int", col(Int), int64(-7), 0, int64(-7), false},
		{"image", col(Bytes), []byte{1, 2, 3}, 0, []byte{1, 2, 3}, false},
		{"null", col(Numeric), nil, 0, nil, false},
		{"unknown kind", Column{Name: "_Fld1", Kind: ColumnKind(99)}, []byte{1}, 0, nil, true},
	}
	runDecodeCases(t, d, cases)
}

// TestDecodePostgres decodes values as pgx's rows.Values() gives them.
func TestDecodePostgres(t *testing.T) {
	d := Postgres()
	numeric := Column{Name: "_fld54", Kind: Numeric, Precision: 15, Scale: 3}
	cases := []decodeCase{
		{"ref", col(Binary16), unhex(t, "9412080027b9b2bd11f1b0fdff19dcc1"), 0, "ff19dcc1-b0fd-11f1-9412-080027b9b2bd", false},
		{"bool", col(Bool), true, 0, true, false},
		{"bool bytes", col(Bool), []byte{1}, 0, nil, true},
		{"mchar text", col(FixedString), "000000001", 0, "000000001", false},
		{"mchar padded text", col(FixedString), "12  ", 0, "12", false},
		{"numeric", numeric, pgtype.Numeric{Int: big.NewInt(-123456), Exp: -3, Valid: true}, 0, decimal.RequireFromString("-123.456"), false},
		{"numeric positive exp", numeric, pgtype.Numeric{Int: big.NewInt(12), Exp: 3, Valid: true}, 0, decimal.NewFromInt(12000), false},
		{"numeric nil int", numeric, pgtype.Numeric{Valid: true}, 0, decimal.Zero, false},
		{"numeric null", numeric, pgtype.Numeric{}, 0, nil, false},
		{"numeric NaN", numeric, pgtype.Numeric{NaN: true, Valid: true}, 0, nil, true},
		{"numeric inf", numeric, pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true}, 0, nil, true},
		{"timestamp", col(DateTime), time.Date(2025, 3, 1, 10, 30, 15, 0, time.UTC), 0, time.Date(2025, 3, 1, 10, 30, 15, 0, time.UTC), false},
		{"timestamp pgtype", col(DateTime), pgtype.Timestamp{Time: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Valid: true}, 0, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"timestamp infinity", col(DateTime), pgtype.Infinity, 0, nil, true},
		{"civil", col(DateTime), civil.DateTime{Date: civil.Date{Year: 2020, Month: 2, Day: 3}, Time: civil.Time{Hour: 4}}, 0, time.Date(2020, 2, 3, 4, 0, 0, 0, time.UTC), false},
		{"version integer", col(Version), int32(3), 0, int64(3), false},
		{"int8", col(Int), int64(1) << 40, 0, int64(1) << 40, false},
		{"int from string", col(Int), "1", 0, nil, true},
		{"bytea", col(Bytes), []byte{}, 0, []byte{}, false},
	}
	runDecodeCases(t, d, cases)
}

func runDecodeCases(t *testing.T, d Dialect, cases []decodeCase) {
	t.Helper()
	for _, c := range cases {
		got, err := d.Decode(c.col, c.raw, c.offset)
		if c.err {
			var ve *ValueError
			if err == nil || !errors.Is(err, ErrDecode) || !errors.As(err, &ve) {
				t.Errorf("%s %s: Decode = %v, %v; want a *ValueError wrapping ErrDecode", d.Name(), c.name, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", d.Name(), c.name, err)
			continue
		}
		if !equalValue(got, c.want) {
			t.Errorf("%s %s: Decode = %#v, want %#v", d.Name(), c.name, got, c.want)
		}
	}
}

// equalValue compares canonical values: decimals by value, times by
// instant and location, bytes by content.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y) && x.Location() == y.Location()
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return a == b
}
