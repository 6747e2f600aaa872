package schema

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Logical names a Kafka Connect logical type.
type Logical uint8

// The logical types.
const (
	LogicalNone Logical = iota
	LogicalDecimal
	LogicalDate
	LogicalTime
	LogicalTimestamp
)

// Kafka Connect's logical type names and the Decimal scale parameter.
const (
	DecimalName    = "org.apache.kafka.connect.data.Decimal"
	DateName       = "org.apache.kafka.connect.data.Date"
	TimeName       = "org.apache.kafka.connect.data.Time"
	TimestampName  = "org.apache.kafka.connect.data.Timestamp"
	DecimalScale   = "scale"
	logicalVersion = 1
)

// String returns the short name used in messages: "Decimal", "Date", "Time",
// "Timestamp" or "".
func (l Logical) String() string {
	switch l {
	case LogicalDecimal:
		return "Decimal"
	case LogicalDate:
		return "Date"
	case LogicalTime:
		return "Time"
	case LogicalTimestamp:
		return "Timestamp"
	}
	return ""
}

// logicalOf tests the type before the name: encoders ask this of every
// value, and most are unnamed or of another type.
func logicalOf(s *Schema) Logical {
	switch s.typ {
	case BYTES:
		if s.name == DecimalName {
			return LogicalDecimal
		}
	case INT32:
		switch s.name {
		case DateName:
			return LogicalDate
		case TimeName:
			return LogicalTime
		}
	case INT64:
		if s.name == TimestampName {
			return LogicalTimestamp
		}
	}
	return LogicalNone
}

// Decimal starts a Decimal schema with the given scale (BYTES named
// org.apache.kafka.connect.data.Decimal, version 1, parameter "scale").
func Decimal(scale int32) *Builder {
	return Bytes().Name(DecimalName).Version(logicalVersion).Param(DecimalScale, strconv.Itoa(int(scale)))
}

// Date starts a Date schema (INT32 days since the epoch).
func Date() *Builder { return Int32().Name(DateName).Version(logicalVersion) }

// Time starts a Time schema (INT32 milliseconds since midnight).
func Time() *Builder { return Int32().Name(TimeName).Version(logicalVersion) }

// Timestamp starts a Timestamp schema (INT64 milliseconds since the epoch).
func Timestamp() *Builder { return Int64().Name(TimestampName).Version(logicalVersion) }

// Scale returns a Decimal schema's scale.
func (s *Schema) Scale() (int32, error) {
	v, ok := s.Param(DecimalScale)
	if !ok {
		return 0, fmt.Errorf("decimal schema has no %q parameter", DecimalScale)
	}
	if len(v) == 1 && v[0] >= '0' && v[0] <= '9' {
		return int32(v[0] - '0'), nil // the usual case, without ParseInt
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("decimal schema scale %q: %w", v, err)
	}
	return int32(n), nil
}

// ToDecimal converts the Go values accepted for a Decimal field to
// decimal.Decimal: decimal.Decimal, *decimal.Decimal, *big.Rat, *big.Int,
// Go integers and a numeric string. Floats are refused: they are not exact.
func ToDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case *decimal.Decimal:
		if x == nil {
			return decimal.Decimal{}, fmt.Errorf("nil *decimal.Decimal")
		}
		return *x, nil
	case *big.Rat:
		if x == nil {
			return decimal.Decimal{}, fmt.Errorf("nil *big.Rat")
		}
		return ratToDecimal(x)
	case *big.Int:
		if x == nil {
			return decimal.Decimal{}, fmt.Errorf("nil *big.Int")
		}
		return decimal.NewFromBigInt(x, 0), nil
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case int32:
		return decimal.NewFromInt32(x), nil
	case int64:
		return decimal.NewFromInt(x), nil
	case string:
		d, err := decimal.NewFromString(x)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("not a decimal number: %q", x)
		}
		return d, nil
	}
	return decimal.Decimal{}, fmt.Errorf("expected Decimal, got %s", goTypeName(v))
}

func ratToDecimal(r *big.Rat) (decimal.Decimal, error) {
	if r.IsInt() {
		return decimal.NewFromBigInt(r.Num(), 0), nil
	}
	// Exact only if the denominator is 2^a·5^b.
	den := new(big.Int).Set(r.Denom())
	var exp int32
	ten := big.NewInt(10)
	num := new(big.Int).Set(r.Num())
	for den.Cmp(big.NewInt(1)) != 0 {
		if exp < -1000 {
			return decimal.Decimal{}, fmt.Errorf("%s has no finite decimal expansion", r.String())
		}
		num.Mul(num, ten)
		exp--
		g := new(big.Int).GCD(nil, nil, num, den)
		num.Quo(num, g)
		den.Quo(den, g)
	}
	return decimal.NewFromBigInt(num, exp), nil
}

// Unscaled returns d's unscaled value at the given scale. A value with more
// fractional digits than the scale allows is an error, never rounded.
func Unscaled(d decimal.Decimal, scale int32) (*big.Int, error) {
	exp := d.Exponent()
	coef := d.Coefficient()
	if -exp > scale {
		// More fractional digits than scale: allowed only if they are zeros.
		shift := -exp - scale
		div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil)
		q, m := new(big.Int).QuoRem(coef, div, new(big.Int))
		if m.Sign() != 0 {
			return nil, fmt.Errorf("value %s has more than %d fractional digits", d.String(), scale)
		}
		return q, nil
	}
	shift := scale + exp
	if shift == 0 {
		return coef, nil
	}
	mul := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil)
	return coef.Mul(coef, mul), nil
}

// UnscaledInt64 is the allocation-free form of Unscaled for the common
// case: it returns d·10^scale when both d's coefficient and the result
// fit in an int64. ok is false otherwise — a value beyond 64 bits, more
// fractional digits than the scale allows, or a big coefficient with
// trailing zeros (10^20·10^-2) — and Unscaled then gives the exact value
// or the error. Unlike d.NumDigits it does no
// floating-point work; unlike d.Coefficient it does not copy the
// coefficient.
func UnscaledInt64(d decimal.Decimal, scale int32) (v int64, ok bool) {
	c, ok := coefficientInt64(d)
	if !ok {
		return 0, false
	}
	if c == 0 {
		return 0, true
	}
	shift := int64(scale) + int64(d.Exponent())
	switch {
	case shift == 0:
		return c, true
	case shift > 0:
		if shift >= int64(len(pow10)) {
			return 0, false
		}
		if c > maxMul[shift] || c < -maxMul[shift] {
			return 0, false
		}
		return c * pow10[shift], true
	default:
		if -shift >= int64(len(pow10)) {
			return 0, false // |c| < 10^19: never a multiple of 10^19
		}
		p := pow10[-shift]
		q := c / p
		if q*p != c {
			return 0, false
		}
		return q, true
	}
}

// pow10 holds the powers of ten that fit in an int64.
var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// maxMul[i] is the largest c with c·10^i in int64 (MaxInt64/10^i). The
// same bound, negated, holds for negative c: MinInt64 is no multiple of
// ten, so MinInt64/10^i truncates to the same magnitude.
var maxMul = func() (t [len(pow10)]int64) {
	for i, p := range pow10 {
		t[i] = math.MaxInt64 / p
	}
	return t
}()

// coefficientInt64 returns d's coefficient c (d = c·10^Exponent) when it
// fits in an int64. shopspring's CoefficientInt64 is undefined for larger
// coefficients, so the fit is decided first, by comparing d with
// MinInt64·10^e or MaxInt64·10^e at d's own exponent e: Decimal.Cmp of two
// values with equal exponents compares the coefficients directly, without
// rescaling or allocating. That costs about what NumDigits costs for small
// coefficients (it takes a float64 logarithm), and unlike NumDigits it
// neither allocates above 2^53 nor gives up on 19-digit coefficients.
func coefficientInt64(d decimal.Decimal) (int64, bool) {
	i := int(d.Exponent()) - minBoundExp
	if uint(i) >= uint(len(int64Bounds)) {
		return coefficientInt64Slow(d)
	}
	switch d.Sign() { // 0 also for the zero Decimal{}, whose coefficient is nil
	case 0:
		return 0, true
	case 1:
		if d.Cmp(int64Bounds[i].max) > 0 {
			return 0, false
		}
	default:
		if d.Cmp(int64Bounds[i].min) < 0 {
			return 0, false
		}
	}
	return d.CoefficientInt64(), true
}

// coefficientInt64Slow is coefficientInt64 for exponents outside the
// table: exact, but it copies the coefficient.
func coefficientInt64Slow(d decimal.Decimal) (int64, bool) {
	c := d.Coefficient()
	return c.Int64(), c.IsInt64()
}

// minBoundExp and maxBoundExp delimit the exponents int64Bounds covers;
// decimals from 1C and databases have exponents well inside.
const (
	minBoundExp = -40
	maxBoundExp = 24
)

// int64Bounds[e-minBoundExp] holds MinInt64·10^e and MaxInt64·10^e. It is
// built once at start-up and only read afterwards.
var int64Bounds = func() (t [maxBoundExp - minBoundExp + 1]struct{ min, max decimal.Decimal }) {
	for i := range t {
		exp := int32(i + minBoundExp)
		t[i].min = decimal.New(math.MinInt64, exp)
		t[i].max = decimal.New(math.MaxInt64, exp)
	}
	return t
}()

// DecimalToBytes encodes d at the given scale as Kafka Connect does: the
// unscaled value in minimal big-endian two's complement (Java's
// BigInteger.toByteArray).
func DecimalToBytes(d decimal.Decimal, scale int32) ([]byte, error) {
	u, err := Unscaled(d, scale)
	if err != nil {
		return nil, err
	}
	return BigIntToTwosComplement(u), nil
}

// DecimalFromBytes decodes an unscaled two's-complement value at a scale.
func DecimalFromBytes(b []byte, scale int32) decimal.Decimal {
	return decimal.NewFromBigInt(TwosComplementToBigInt(b), -scale)
}

// BigIntToTwosComplement returns v in minimal big-endian two's complement,
// with the same bytes as Java's BigInteger.toByteArray (zero is one 0x00).
func BigIntToTwosComplement(v *big.Int) []byte {
	switch v.Sign() {
	case 0:
		return []byte{0}
	case 1:
		b := v.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// Negative: two's complement of |v| over n bytes, n minimal.
	n := (v.BitLen()+7)/8 + 1
	mod := new(big.Int).Lsh(big.NewInt(1), uint(n*8))
	t := new(big.Int).Add(mod, v).Bytes()
	for len(t) < n {
		t = append([]byte{0xff}, t...)
	}
	// Trim redundant leading 0xff while the sign bit stays set.
	for len(t) > 1 && t[0] == 0xff && t[1]&0x80 != 0 {
		t = t[1:]
	}
	return t
}

// TwosComplementToBigInt decodes big-endian two's complement bytes.
func TwosComplementToBigInt(b []byte) *big.Int {
	v := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return v
}

const msPerDay = 24 * 60 * 60 * 1000

// DateToDays converts a Date value to days since the epoch. The time must
// be midnight UTC, as Kafka Connect requires.
func DateToDays(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms%msPerDay != 0 {
		return 0, fmt.Errorf("date %s has a time component", t.Format(time.RFC3339Nano))
	}
	return int32(ms / msPerDay), nil
}

// DaysToDate converts days since the epoch to a Date value.
func DaysToDate(days int32) time.Time {
	return time.UnixMilli(int64(days) * msPerDay).UTC()
}

// TimeToMillis converts a Time value (date part 1970-01-01 UTC) to
// milliseconds since midnight.
func TimeToMillis(t time.Time) (int32, error) {
	ms := t.UnixMilli()
	if ms < 0 || ms >= msPerDay {
		return 0, fmt.Errorf("time %s is not on 1970-01-01 UTC", t.Format(time.RFC3339Nano))
	}
	return int32(ms), nil
}

// MillisToTime converts milliseconds since midnight to a Time value.
func MillisToTime(ms int32) time.Time { return time.UnixMilli(int64(ms)).UTC() }
