package dialect

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/golang-sql/civil"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// encodeUUID turns a canonical UUID string (or a uuid1c.UUID) into the 16
// bytes 1C stores.
func encodeUUID(col Column, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		b, err := uuid1c.UUIDToBinary1C(x)
		if err != nil {
			return nil, encodeErr(col, v, "not a canonical UUID", err)
		}
		return b, nil
	case uuid1c.UUID:
		db := x.DB()
		return db[:], nil
	}
	return nil, encodeErr(col, v, "want a canonical UUID string", nil)
}

// toInt64 accepts Go integer types.
func toInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

// encodeTypeCode turns 0..255 into one byte.
func encodeTypeCode(col Column, v any) ([]byte, error) {
	if b, ok := v.([]byte); ok && len(b) == 1 {
		return b, nil
	}
	n, ok := toInt64(v)
	if !ok || n < 0 || n > 255 {
		return nil, encodeErr(col, v, "want an integer 0..255", nil)
	}
	return []byte{byte(n)}, nil
}

// encodeRTRef turns 0..2^32-1 into 4 big-endian bytes.
func encodeRTRef(col Column, v any) ([]byte, error) {
	if b, ok := v.([]byte); ok && len(b) == 4 {
		return b, nil
	}
	n, ok := toInt64(v)
	if !ok || n < 0 || n > math.MaxUint32 {
		return nil, encodeErr(col, v, "want an integer 0..4294967295", nil)
	}
	return binary.BigEndian.AppendUint32(nil, uint32(n)), nil
}

// encodeString validates a string: valid UTF-8, no NUL, and at most Length
// UTF-16 code units (both engines count string lengths in UTF-16 units).
func encodeString(col Column, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", encodeErr(col, v, "want string", nil)
	}
	if !utf8.ValidString(s) {
		return "", encodeErr(col, v, "not valid UTF-8", nil)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", encodeErr(col, v, "contains a NUL character", nil)
	}
	if col.Length > 0 && len(s) > col.Length {
		units := 0
		for _, r := range s {
			units += utf16.RuneLen(r)
		}
		if units > col.Length {
			return "", encodeErr(col, v, "longer than the column's length "+itoa(col.Length), nil)
		}
	}
	return s, nil
}

// encodeDecimal converts v to an exact decimal and checks it fits the
// column's precision and scale; rounding would lose data silently, so a
// value with more fractional digits than the scale is an error.
func encodeDecimal(col Column, v any) (decimal.Decimal, error) {
	var d decimal.Decimal
	switch x := v.(type) {
	case decimal.Decimal:
		d = x
	case *decimal.Decimal:
		if x == nil {
			return d, encodeErr(col, v, "nil *decimal.Decimal", nil)
		}
		d = *x
	case string:
		p, err := parseDecimal(col, v, x)
		if err != nil {
			return d, encodeErr(col, v, "not decimal text", err)
		}
		d = p.(decimal.Decimal)
	case *big.Rat:
		if x == nil {
			return d, encodeErr(col, v, "nil *big.Rat", nil)
		}
		d = decimal.NewFromBigRat(x, int32(max(col.Scale, 0)))
		if d.Rat().Cmp(x) != 0 {
			return d, encodeErr(col, v, "has more fractional digits than the column's scale "+itoa(col.Scale), nil)
		}
	default:
		n, ok := toInt64(v)
		if !ok {
			return d, encodeErr(col, v, "want decimal.Decimal, decimal text or an integer", nil)
		}
		d = decimal.NewFromInt(n)
	}
	if col.Precision <= 0 {
		return d, nil
	}
	scale := int32(max(col.Scale, 0))
	if !d.Truncate(scale).Equal(d) {
		return d, encodeErr(col, v, "has more fractional digits than the column's scale "+itoa(col.Scale), nil)
	}
	intPart := d.Truncate(0).Abs()
	digits := 0
	if !intPart.IsZero() {
		digits = len(intPart.BigInt().String())
	}
	if digits > col.Precision-col.Scale {
		return d, encodeErr(col, v, "has more integer digits than numeric("+itoa(col.Precision)+","+itoa(col.Scale)+") holds", nil)
	}
	return d, nil
}

// encodeTime converts a time to 1C's wall clock in UTC, adds yearOffset
// years and truncates to whole seconds, the precision 1C writes.
func encodeTime(col Column, v any, yearOffset int) (time.Time, error) {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x.UTC()
	case civil.DateTime:
		t = x.In(time.UTC)
	default:
		return t, encodeErr(col, v, "want time.Time", nil)
	}
	if yearOffset < 0 {
		return t, encodeErr(col, v, "negative year offset (unknown offset must be resolved first)", nil)
	}
	if yearOffset != 0 {
		t = t.AddDate(yearOffset, 0, 0)
	}
	t = t.Truncate(time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return t, encodeErr(col, v, "date outside years 1..9999 after adding the year offset", nil)
	}
	return t, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
