package schema

import (
	"bytes"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Java's BigInteger.toByteArray for these values, checked by hand.
func TestTwosComplementMatchesJava(t *testing.T) {
	tests := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{1, []byte{0x01}},
		{127, []byte{0x7f}},
		{128, []byte{0x00, 0x80}},
		{255, []byte{0x00, 0xff}},
		{256, []byte{0x01, 0x00}},
		{12345, []byte{0x30, 0x39}},
		{-1, []byte{0xff}},
		{-128, []byte{0x80}},
		{-129, []byte{0xff, 0x7f}},
		{-256, []byte{0xff, 0x00}},
		{-32768, []byte{0x80, 0x00}},
		{-32769, []byte{0xff, 0x7f, 0xff}},
	}
	for _, tc := range tests {
		got := BigIntToTwosComplement(big.NewInt(tc.v))
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%d: got % x, want % x", tc.v, got, tc.want)
		}
		if back := TwosComplementToBigInt(got); back.Int64() != tc.v {
			t.Errorf("%d: decoded back as %s", tc.v, back)
		}
	}
}

func TestDecimalBytes(t *testing.T) {
	tests := []struct {
		in    string
		scale int32
		want  []byte
		err   bool
	}{
		{"123.45", 2, []byte{0x30, 0x39}, false},
		{"-123.45", 2, []byte{0xcf, 0xc7}, false},
		{"123.4", 2, []byte{0x30, 0x34}, false},
		{"123", 2, []byte{0x30, 0x0c}, false},
		{"0.001", 2, nil, true},
		{"1.2300", 2, []byte{0x7b}, false},
		{"99999999999999999999999999999999.99", 2, nil, false},
	}
	for _, tc := range tests {
		d := decimal.RequireFromString(tc.in)
		b, err := DecimalToBytes(d, tc.scale)
		if tc.err {
			if err == nil {
				t.Errorf("%s@%d: want error", tc.in, tc.scale)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if tc.want != nil && !bytes.Equal(b, tc.want) {
			t.Errorf("%s: got % x want % x", tc.in, b, tc.want)
		}
		if back := DecimalFromBytes(b, tc.scale); !back.Equal(d) {
			t.Errorf("%s: round trip gave %s", tc.in, back)
		}
	}
}

func TestToDecimal(t *testing.T) {
	tests := []struct {
		in   any
		want string
		err  bool
	}{
		{decimal.RequireFromString("1.5"), "1.5", false},
		{big.NewRat(3, 8), "0.375", false},
		{big.NewRat(1, 3), "", true},
		{big.NewInt(-7), "-7", false},
		{42, "42", false},
		{int64(-1), "-1", false},
		{"-0.10", "-0.1", false},
		{"abc", "", true},
		{1.5, "", true},
	}
	for _, tc := range tests {
		got, err := ToDecimal(tc.in)
		if tc.err != (err != nil) {
			t.Errorf("%v: err = %v", tc.in, err)
			continue
		}
		if !tc.err && !got.Equal(decimal.RequireFromString(tc.want)) {
			t.Errorf("%v: got %s want %s", tc.in, got, tc.want)
		}
	}
}

func TestDateTimeConversions(t *testing.T) {
	d := time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC)
	days, err := DateToDays(d)
	if err != nil || days != 19798 || !DaysToDate(days).Equal(d) {
		t.Fatalf("date: %d %v", days, err)
	}
	if _, err := DateToDays(d.Add(time.Hour)); err == nil {
		t.Fatal("date with time accepted")
	}
	old := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	days, err = DateToDays(old)
	if err != nil || !DaysToDate(days).Equal(old) {
		t.Fatalf("pre-epoch date: %d %v", days, err)
	}
	ms, err := TimeToMillis(time.UnixMilli(3_723_004).UTC())
	if err != nil || ms != 3_723_004 || MillisToTime(ms).UnixMilli() != 3_723_004 {
		t.Fatalf("time: %d %v", ms, err)
	}
	if _, err := TimeToMillis(d); err == nil {
		t.Fatal("time outside the epoch day accepted")
	}
}
