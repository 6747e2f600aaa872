package jsonconv

import (
	"math"
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// appendJavaFloat appends f as Java's Double.toString (bits 64) or
// Float.toString (bits 32) prints a finite value, which is what Jackson
// writes: plain notation with at least one fractional digit for magnitudes
// in [1e-3, 1e7) ("125.5", "1.0"), otherwise computerized scientific
// notation ("1.0E7", "1.5E-4"). Digits are the shortest that round-trip, as
// in Java 19 and later.
func appendJavaFloat(dst []byte, f float64, bits int) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var scratch [40]byte
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.AppendFloat(scratch[:0], f, 'f', -1, bits)
		dst = append(dst, s...)
		for _, c := range s {
			if c == '.' {
				return dst
			}
		}
		return append(dst, ".0"...)
	}
	s := strconv.AppendFloat(scratch[:0], f, 'E', -1, bits) // 1.5E-04, 1E+07
	if s[1] == 'E' || (s[0] == '-' && s[2] == 'E') {
		// One significant digit: Java prints at least two, choosing the
		// closest two-digit decimal (Double.MIN_VALUE is 4.9E-324, 1e21 is
		// 1.0E21).
		s = strconv.AppendFloat(scratch[:0], f, 'E', 1, bits)
	}
	e := len(s) - 1
	for s[e] != 'E' {
		e--
	}
	mant, exp := s[:e], s[e+1:]
	dst = append(dst, mant...)
	dst = append(dst, 'E')
	neg := exp[0] == '-'
	exp = exp[1:]
	for len(exp) > 1 && exp[0] == '0' {
		exp = exp[1:]
	}
	if neg {
		dst = append(dst, '-')
	}
	return append(dst, exp...)
}

// appendNonFinite appends NaN and infinities as Jackson does by default
// (QUOTE_NON_NUMERIC_NUMBERS): as JSON strings "NaN", "Infinity",
// "-Infinity". ok is false for finite values.
func appendNonFinite(dst []byte, f float64) ([]byte, bool) {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...), true
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...), true
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...), true
	}
	return dst, false
}

// appendBigDecimal appends the decimal unscaled·10^-scale as Java's
// BigDecimal.toString does (Jackson's default for DecimalNode): plain when
// scale ≥ 0 and the adjusted exponent ≥ -6 ("123.45", "0.00"), otherwise
// scientific ("1E-7", "0E-10", "1.23E+5"). digits are the unscaled value's
// decimal digits without sign.
func appendBigDecimal(dst []byte, neg bool, digits []byte, scale int64) []byte {
	if neg {
		dst = append(dst, '-')
	}
	n := int64(len(digits))
	adjusted := -scale + (n - 1)
	if scale >= 0 && adjusted >= -6 {
		switch {
		case scale == 0:
			return append(dst, digits...)
		case n > scale:
			dst = append(dst, digits[:n-scale]...)
			dst = append(dst, '.')
			return append(dst, digits[n-scale:]...)
		default:
			dst = append(dst, "0."...)
			for i := n; i < scale; i++ {
				dst = append(dst, '0')
			}
			return append(dst, digits...)
		}
	}
	dst = append(dst, digits[0])
	if n > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	if adjusted != 0 {
		dst = append(dst, 'E')
		if adjusted > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, adjusted, 10)
	}
	return dst
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// unscaledInt64 returns d's unscaled value at scale when it fits an int64,
// without allocating. ok is false when it does not fit (use the big path);
// err reports more fractional digits than the scale allows.
func unscaledInt64(d decimal.Decimal, scale int32) (v int64, ok bool, err error) {
	if d.NumDigits() > 18 {
		return 0, false, nil
	}
	c := d.CoefficientInt64()
	shift := int64(scale) + int64(d.Exponent())
	switch {
	case shift == 0:
		return c, true, nil
	case shift > 0:
		if shift > 18 {
			return 0, false, nil
		}
		p := pow10[shift]
		r := c * p
		if c != 0 && (r/p != c) {
			return 0, false, nil
		}
		return r, true, nil
	default:
		if -shift > 18 {
			if c == 0 {
				return 0, true, nil
			}
			return 0, false, nil
		}
		p := pow10[-shift]
		if c%p != 0 {
			return 0, false, errScale(d, scale)
		}
		return c / p, true, nil
	}
}

type scaleError struct {
	value string
	scale int32
}

func (e *scaleError) Error() string {
	return "value " + e.value + " has more than " + strconv.Itoa(int(e.scale)) + " fractional digits"
}

func errScale(d decimal.Decimal, scale int32) error {
	return &scaleError{value: d.String(), scale: scale}
}

// unscaledBig is the general path of unscaledInt64.
func unscaledBig(d decimal.Decimal, scale int32) (*big.Int, error) {
	return schema.Unscaled(d, scale)
}

// appendTwosComplement64 appends v as Java's BigInteger.toByteArray does:
// minimal big-endian two's complement.
func appendTwosComplement64(dst []byte, v int64) []byte {
	n := 8
	for n > 1 {
		top := byte(v >> (8 * (n - 1)))
		next := byte(v >> (8 * (n - 2)))
		if (top == 0 && next&0x80 == 0) || (top == 0xff && next&0x80 != 0) {
			n--
			continue
		}
		break
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}
