package jsonconv

import "github.com/shopspring/decimal"

// AppendJavaFloat appends f as Java's Double.toString (bits 64) or
// Float.toString (bits 32) prints it: "1.0", "125.5", "1.0E10", "NaN",
// "Infinity". Other converters use it to print numbers the Java way.
func AppendJavaFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case f != f:
		return append(dst, "NaN"...)
	case f > 1.7976931348623157e308:
		return append(dst, "Infinity"...)
	case f < -1.7976931348623157e308:
		return append(dst, "-Infinity"...)
	}
	return appendJavaFloat(dst, f, bits)
}

// AppendJavaDecimal appends d, at its own scale, as Java's
// BigDecimal.toString prints it ("123.45", "0E-10", "1.2E-7").
func AppendJavaDecimal(dst []byte, d decimal.Decimal) []byte {
	return appendDecimalNumber(dst, d)
}
