package jsonconv

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
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

// appendTwosComplement64 appends v as Java's BigInteger.toByteArray does:
// minimal big-endian two's complement.
func appendTwosComplement64(dst []byte, v int64) []byte {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(v))
	mag := uint64(v)
	if v < 0 {
		mag = ^mag
	}
	n := bits.Len64(mag)/8 + 1 // the bits of |v| or ^v, plus a sign bit
	return append(dst, buf[8-n:]...)
}

// appendBase64 appends b in standard base64 with padding, as a JSON
// string. Short inputs — the bytes of a decimal — are encoded here
// directly; encoding/base64's setup costs more than they do.
func appendBase64(dst []byte, b []byte) []byte {
	if len(b) > 12 {
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, b)
		return append(dst, '"')
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out [18]byte // '"' + 16 characters + '"'
	out[0] = '"'
	n := 1
	for len(b) >= 3 {
		x := uint(b[0])<<16 | uint(b[1])<<8 | uint(b[2])
		out[n], out[n+1], out[n+2], out[n+3] = alphabet[x>>18&0x3f], alphabet[x>>12&0x3f], alphabet[x>>6&0x3f], alphabet[x&0x3f]
		n += 4
		b = b[3:]
	}
	switch len(b) {
	case 1:
		x := uint(b[0]) << 16
		out[n], out[n+1], out[n+2], out[n+3] = alphabet[x>>18&0x3f], alphabet[x>>12&0x3f], '=', '='
		n += 4
	case 2:
		x := uint(b[0])<<16 | uint(b[1])<<8
		out[n], out[n+1], out[n+2], out[n+3] = alphabet[x>>18&0x3f], alphabet[x>>12&0x3f], alphabet[x>>6&0x3f], '='
		n += 4
	}
	out[n] = '"'
	return append(dst, out[:n+1]...)
}
