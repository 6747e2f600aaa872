package schema

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
)

// TestUnscaledInt64MatchesBig checks UnscaledInt64 against the big.Int
// truth from Unscaled: ok exactly when the coefficient fits in an int64
// and Unscaled succeeds with a value that fits too, and then the same
// value.
func TestUnscaledInt64MatchesBig(t *testing.T) {
	two63 := new(big.Int).Lsh(big.NewInt(1), 63)
	tenTo := func(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }
	big1 := func(b *big.Int, delta int64) *big.Int { return new(big.Int).Add(b, big.NewInt(delta)) }
	fromBig := func(b *big.Int, exp int32) decimal.Decimal { return decimal.NewFromBigInt(b, exp) }
	tests := []struct {
		name  string
		d     decimal.Decimal
		scale int32
	}{
		{"zero value", decimal.Decimal{}, 2},
		{"zero", decimal.Zero, 0},
		{"zero huge exponent", decimal.New(0, -300), 2},
		{"zero scale shift", decimal.New(0, 5), 30},
		{"one", decimal.New(1, 0), 0},
		{"minus one", decimal.New(-1, 0), 0},
		{"max int64", decimal.New(math.MaxInt64, 0), 0},
		{"min int64", decimal.New(math.MinInt64, 0), 0},
		{"max int64 exp -2", decimal.New(math.MaxInt64, -2), 2},
		{"min int64 exp -2", decimal.New(math.MinInt64, -2), 2},
		{"2^63", fromBig(two63, 0), 0},
		{"2^63 exp -3", fromBig(two63, -3), 3},
		{"-2^63-1", fromBig(big1(new(big.Int).Neg(two63), -1), 0), 0},
		{"2^64+5", fromBig(big1(new(big.Int).Lsh(big.NewInt(1), 64), 5), 0), 0},
		{"-(2^64+5)", fromBig(new(big.Int).Neg(big1(new(big.Int).Lsh(big.NewInt(1), 64), 5)), -2), 2},
		{"10^18", fromBig(tenTo(18), 0), 0},
		{"10^19", fromBig(tenTo(19), 0), 0},
		{"-10^19", fromBig(new(big.Int).Neg(tenTo(19)), 0), 0},
		{"10^19 exp -1 scale 0", fromBig(tenTo(19), -1), 0},
		{"10^19 exp -1 scale -1", fromBig(tenTo(19), -1), -1},
		{"10^30 exp -20 scale 2", fromBig(tenTo(30), -20), 2},
		{"scale up", decimal.New(12345, -2), 4},
		{"scale up overflow", decimal.New(math.MaxInt64/10+1, 0), 1},
		{"scale up edge", decimal.New(math.MaxInt64/10, 0), 1},
		{"scale up negative edge", decimal.New(math.MinInt64/10, 0), 1},
		{"scale up negative overflow", decimal.New(math.MinInt64/10-1, 0), 1},
		{"scale up 18", decimal.New(9, 0), 18},
		{"scale up 19", decimal.New(1, 0), 19},
		{"scale up 40", decimal.New(1, 0), 40},
		{"scale down exact", decimal.New(1234500, -4), 2},
		{"scale down inexact", decimal.New(1234501, -4), 2},
		{"scale down 19", decimal.New(math.MaxInt64, -21), 2},
		{"positive exponent", decimal.New(5, 3), 2},
		{"negative exponent", decimal.New(-123456789, -9), 9},
		{"exp below table", decimal.New(7, -60), 60},
		{"exp below table big", fromBig(tenTo(25), -60), 60},
		{"exp above table", decimal.New(3, 30), -30},
		{"exp above table scale 0", decimal.New(3, 30), 0},
		{"parsed", decimal.RequireFromString("-98765.4321"), 4},
		{"parsed big", decimal.RequireFromString("123456789012345678901234.5"), 1},
		{"1C sum", decimal.New(12345, -2).Mul(decimal.New(1750, -3)).Round(2), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := Unscaled(tt.d, tt.scale)
			fits := err == nil && want.IsInt64()
			// ok may be false for a result that fits only when the
			// coefficient itself does not.
			wantOK := fits && tt.d.Coefficient().IsInt64()
			got, ok := UnscaledInt64(tt.d, tt.scale)
			if ok != wantOK {
				t.Fatalf("UnscaledInt64(%s, %d) ok = %v, want %v (big: %v, %v)", tt.d, tt.scale, ok, wantOK, want, err)
			}
			if ok && got != want.Int64() {
				t.Fatalf("UnscaledInt64(%s, %d) = %d, want %s", tt.d, tt.scale, got, want)
			}
			c, cok := coefficientInt64(tt.d)
			co := tt.d.Coefficient()
			if cok != co.IsInt64() || (cok && c != co.Int64()) {
				t.Fatalf("coefficientInt64(%s) = %d, %v; coefficient %s", tt.d, c, cok, co)
			}
		})
	}
}

// TestCoefficientInt64Limits checks the int64 limits and their
// neighbours at a range of exponents.
func TestCoefficientInt64Limits(t *testing.T) {
	two63 := new(big.Int).Lsh(big.NewInt(1), 63)
	for exp := int32(minBoundExp - 2); exp <= maxBoundExp+2; exp++ {
		for _, b := range []*big.Int{
			big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64), two63,
			new(big.Int).Sub(new(big.Int).Neg(two63), big.NewInt(1)), big.NewInt(-1), big.NewInt(1),
			big.NewInt(999_999_999_999_999_999), big.NewInt(1_000_000_000_000_000_000),
			big.NewInt(-1_000_000_000_000_000_000), big.NewInt(1 << 53), big.NewInt(1<<53 + 1),
		} {
			d := decimal.NewFromBigInt(b, exp)
			c, ok := coefficientInt64(d)
			if ok != b.IsInt64() || (ok && c != b.Int64()) {
				t.Fatalf("coefficientInt64(%s·10^%d) = %d, %v", b, exp, c, ok)
			}
		}
	}
}

func TestUnscaledInt64DoesNotAllocate(t *testing.T) {
	ds := []decimal.Decimal{decimal.New(12345, -2), decimal.New(-1750, -3), decimal.Decimal{}, decimal.New(999_999_999_999_999_999, -3), decimal.New(math.MaxInt64, -3), decimal.New(math.MinInt64, -3)}
	allocs := testing.AllocsPerRun(100, func() {
		for _, d := range ds {
			if _, ok := UnscaledInt64(d, 3); !ok {
				panic("no fit")
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("UnscaledInt64 allocates %.1f times", allocs)
	}
}
