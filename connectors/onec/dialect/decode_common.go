package dialect

import (
	"encoding/binary"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/golang-sql/civil"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// decodeUUID turns 16 bytes in 1C order into a canonical UUID string.
func decodeUUID(col Column, raw any) (any, error) {
	b, ok := raw.([]byte)
	if !ok {
		return nil, decodeErr(col, raw, "want []byte of 16 bytes", nil)
	}
	s, err := uuid1c.UUIDFromBinary1C(b)
	if err != nil {
		return nil, decodeErr(col, raw, "not a 16-byte reference", err)
	}
	return s, nil
}

// decodeTypeCode turns a one-byte tag into int64.
func decodeTypeCode(col Column, raw any) (any, error) {
	b, ok := raw.([]byte)
	if !ok || len(b) != 1 {
		return nil, decodeErr(col, raw, "want []byte of 1 byte", nil)
	}
	return int64(b[0]), nil
}

// decodeRTRef turns a 4-byte big-endian type code into int64.
func decodeRTRef(col Column, raw any) (any, error) {
	b, ok := raw.([]byte)
	if !ok || len(b) != 4 {
		return nil, decodeErr(col, raw, "want []byte of 4 bytes (big-endian type code)", nil)
	}
	return int64(binary.BigEndian.Uint32(b)), nil
}

// decodeBytes returns binary data as is.
func decodeBytes(col Column, raw any) (any, error) {
	b, ok := raw.([]byte)
	if !ok {
		return nil, decodeErr(col, raw, "want []byte", nil)
	}
	return b, nil
}

// decodeString returns a string, trimming trailing spaces of fixed-length
// strings (mchar/nchar padding).
func decodeString(col Column, raw any) (any, error) {
	var s string
	switch x := raw.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, decodeErr(col, raw, "want string", nil)
	}
	if col.Kind == FixedString {
		s = strings.TrimRight(s, " ")
	}
	return s, nil
}

// decodeInt accepts the integer types the drivers produce.
func decodeInt(col Column, raw any) (any, error) {
	switch x := raw.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, decodeErr(col, raw, "out of int64 range", nil)
		}
		return int64(x), nil
	}
	return nil, decodeErr(col, raw, "want an integer", nil)
}

// decodeNumeric returns an exact decimal.Decimal from pgtype.Numeric (pgx),
// the decimal text go-mssqldb returns ([]byte or string), or integers.
// Floating-point input is refused: it is not exact.
func decodeNumeric(col Column, raw any) (any, error) {
	switch x := raw.(type) {
	case decimal.Decimal:
		return x, nil
	case pgtype.Numeric:
		if !x.Valid {
			return nil, nil
		}
		if x.NaN {
			return nil, decodeErr(col, raw, "NaN has no 1C value", nil)
		}
		if x.InfinityModifier != pgtype.Finite {
			return nil, decodeErr(col, raw, "infinity has no 1C value", nil)
		}
		if x.Int == nil {
			return decimal.Zero, nil
		}
		return decimal.NewFromBigInt(x.Int, x.Exp), nil
	case []byte:
		return parseDecimal(col, raw, string(x))
	case string:
		return parseDecimal(col, raw, x)
	case *big.Int:
		if x == nil {
			return nil, decodeErr(col, raw, "nil *big.Int", nil)
		}
		return decimal.NewFromBigInt(x, 0), nil
	case float64, float32:
		return nil, decodeErr(col, raw, "floating point is not exact; select numeric columns as numeric", nil)
	}
	v, err := decodeInt(col, raw)
	if err != nil {
		return nil, decodeErr(col, raw, "want an exact numeric (pgtype.Numeric, decimal text or integer)", nil)
	}
	return decimal.NewFromInt(v.(int64)), nil
}

// maxDecimalText bounds the decimal text accepted: numeric(38) plus sign,
// point and some slack; longer input is refused before parsing.
const maxDecimalText = 64

func parseDecimal(col Column, raw any, s string) (any, error) {
	if len(s) == 0 || len(s) > maxDecimalText {
		return nil, decodeErr(col, raw, "decimal text is empty or too long", nil)
	}
	// decimal.NewFromString also takes exponents ("1e9999999") whose
	// expansion is costly; a 1C numeric never has one.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' {
			return nil, decodeErr(col, raw, "not decimal text", nil)
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil, decodeErr(col, raw, "not decimal text", err)
	}
	return d, nil
}

// decodeTime returns the wall clock of a timestamp as a UTC time with
// yearOffset years removed. It accepts time.Time (both drivers),
// pgtype.Timestamp and civil.DateTime.
func decodeTime(col Column, raw any, yearOffset int) (any, error) {
	var t time.Time
	switch x := raw.(type) {
	case time.Time:
		t = x
	case pgtype.Timestamp:
		if !x.Valid {
			return nil, nil
		}
		if x.InfinityModifier != pgtype.Finite {
			return nil, decodeErr(col, raw, "infinite timestamp has no 1C value", nil)
		}
		t = x.Time
	case pgtype.InfinityModifier:
		return nil, decodeErr(col, raw, "infinite timestamp has no 1C value", nil)
	case civil.DateTime:
		t = x.In(time.UTC)
	default:
		return nil, decodeErr(col, raw, "want time.Time", nil)
	}
	if yearOffset < 0 {
		return nil, decodeErr(col, raw, "negative year offset (unknown offset must be resolved first)", nil)
	}
	t = wallUTC(t)
	if yearOffset != 0 {
		t = t.AddDate(-yearOffset, 0, 0)
	}
	if y := t.Year(); y < 1 || y > 9999 {
		return nil, decodeErr(col, raw, "date outside years 1..9999 after removing the year offset", nil)
	}
	return t, nil
}

// wallUTC returns t's wall clock reading as a UTC time: 1C dates carry no
// time zone, whatever location the driver attached.
func wallUTC(t time.Time) time.Time {
	if t.Location() == time.UTC {
		return t
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}
