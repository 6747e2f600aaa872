package queuesource

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestSmallNumber: the allocation-free order number agrees with numberOf
// wherever it answers, and leaves fractions, huge numbers and other types
// to it.
func TestSmallNumber(t *testing.T) {
	for _, tt := range []struct {
		raw  any
		fast bool
	}{
		{decimal.New(0, 0), true},
		{decimal.New(1, 0), true},
		{decimal.New(1, 1), true},
		{decimal.New(1234, 3), true},
		{decimal.New(-5, 0), true},
		{decimal.New(99999999999999999, 0), true},
		{decimal.New(1, 16), true},
		{decimal.New(1, 17), false},
		{decimal.RequireFromString("9223372036854775807"), false},
		{decimal.RequireFromString("99999999999999999999"), false},
		{decimal.New(500, -2), false},
		{decimal.New(501, -2), false},
		{int64(7), false},
		{nil, false},
	} {
		n, ok := smallNumber(tt.raw)
		if ok != tt.fast {
			t.Errorf("smallNumber(%v) ok = %v, want %v", tt.raw, ok, tt.fast)
			continue
		}
		if !ok {
			continue
		}
		want, err := numberOf(tt.raw)
		if err != nil || n != want {
			t.Errorf("smallNumber(%v) = %d, numberOf %d (%v)", tt.raw, n, want, err)
		}
	}
	v := any(decimal.New(123456, 2))
	if n := testing.AllocsPerRun(100, func() { _, _ = smallNumber(v) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
