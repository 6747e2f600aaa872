package schema

import (
	"fmt"
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

func logicalOf(s *Schema) Logical {
	switch {
	case s.name == DecimalName && s.typ == BYTES:
		return LogicalDecimal
	case s.name == DateName && s.typ == INT32:
		return LogicalDate
	case s.name == TimeName && s.typ == INT32:
		return LogicalTime
	case s.name == TimestampName && s.typ == INT64:
		return LogicalTimestamp
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
