package rowmap

import (
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

func TestDecodeHelpers(t *testing.T) {
	db := []byte{0x94, 0x12, 0x08, 0x00, 0x27, 0xb9, 0xb2, 0xbd, 0x11, 0xf1, 0xb0, 0xfd, 0xff, 0x19, 0xdc, 0xc1}
	msk := time.FixedZone("MSK", 3*3600)
	for _, c := range []struct {
		name string
		got  func() (any, error)
		want any // nil with wantErr
		err  bool
	}{
		{"ref §8.1 example", func() (any, error) { u, _, err := rawRef(db); return u.String(), err }, "ff19dcc1-b0fd-11f1-9412-080027b9b2bd", false},
		{"ref canonical string", func() (any, error) {
			u, ok, err := rawRef("ff19dcc1-b0fd-11f1-9412-080027b9b2bd")
			return u.String() + map[bool]string{true: "+", false: "-"}[ok], err
		}, "ff19dcc1-b0fd-11f1-9412-080027b9b2bd+", false},
		{"empty ref", func() (any, error) { _, ok, err := rawRef(make([]byte, 16)); return ok, err }, false, false},
		{"short ref", func() (any, error) { _, _, err := rawRef([]byte{1}); return nil, err }, nil, true},
		{"ref of int", func() (any, error) { _, _, err := rawRef(7); return nil, err }, nil, true},
		{"type code", func() (any, error) { return rawUint([]byte{0, 0, 1, 0x2a}, 4) }, uint64(298), false},
		{"type code length", func() (any, error) { return rawUint([]byte{0, 1}, 4) }, nil, true},
		{"negative tag", func() (any, error) { return rawUint(int64(-1), 1) }, nil, true},
		{"bool binary(1)", func() (any, error) { return rawBool([]byte{1}) }, true, false},
		{"bool 0x02", func() (any, error) { return rawBool([]byte{2}) }, nil, true},
		{"numeric pgx", func() (any, error) {
			d, err := rawDecimal(pgtype.Numeric{Int: big.NewInt(12345), Exp: -2, Valid: true})
			return d.String(), err
		}, "123.45", false},
		{"numeric NaN", func() (any, error) { return rawDecimal(pgtype.Numeric{NaN: true, Valid: true}) }, nil, true},
		{"numeric mssql text", func() (any, error) { d, err := rawDecimal([]byte("-0.500")); return d.StringFixed(3), err }, "-0.500", false},
		{"numeric garbage", func() (any, error) { return rawDecimal("12,5") }, nil, true},
		{"numeric decimal", func() (any, error) { d, err := rawDecimal(decimal.New(5, 1)); return d.String(), err }, "50", false},
		{"fixed string padding", func() (any, error) { return rawString("abc   ", true) }, "abc", false},
		{"variable string keeps spaces", func() (any, error) { return rawString([]byte("abc "), false) }, "abc ", false},
		{"string of int", func() (any, error) { return rawString(1, false) }, nil, true},
		{"time wall clock", func() (any, error) {
			tm, err := rawTime(time.Date(2024, 1, 2, 3, 4, 5, 0, msk))
			return tm.Format(time.RFC3339), err
		}, "2024-01-02T03:04:05Z", false},
		{"time of string", func() (any, error) { return rawTime("2024") }, nil, true},
	} {
		got, err := c.got()
		if c.err {
			if err == nil {
				t.Errorf("%s: no error", c.name)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}
