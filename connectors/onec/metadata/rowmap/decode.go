package rowmap

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// lower folds a 1C name for case-insensitive comparison.
func lower(s string) string { return strings.ToLower(s) }

// rawRef decodes a reference: 16 bytes in 1C order, or a canonical string.
// ok is false for the empty reference (and for NULL).
func rawRef(v any) (u uuid1c.UUID, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return uuid1c.Nil, false, nil
	case []byte:
		if len(x) != 16 {
			return uuid1c.Nil, false, fmt.Errorf("reference of %d bytes, want 16", len(x))
		}
		u = uuid1c.FromDB([16]byte(x))
	case [16]byte:
		u = uuid1c.FromDB(x)
	case string:
		if u, err = uuid1c.Parse(x); err != nil {
			return uuid1c.Nil, false, err
		}
	default:
		return uuid1c.Nil, false, fmt.Errorf("reference: unexpected %T", v)
	}
	return u, !u.IsNil(), nil
}

// rawUint decodes a big-endian binary(n) value (_TYPE tags, type codes,
// _KeyField, rowversion) or an integer already decoded.
func rawUint(v any, size int) (uint64, error) {
	switch x := v.(type) {
	case []byte:
		if len(x) != size {
			return 0, fmt.Errorf("%d bytes, want %d", len(x), size)
		}
		var n uint64
		for _, b := range x {
			n = n<<8 | uint64(b)
		}
		return n, nil
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("negative %d", x)
		}
		return uint64(x), nil
	case int32:
		if x < 0 {
			return 0, fmt.Errorf("negative %d", x)
		}
		return uint64(x), nil
	case int:
		if x < 0 {
			return 0, fmt.Errorf("negative %d", x)
		}
		return uint64(x), nil
	case uint8:
		return uint64(x), nil
	}
	return 0, fmt.Errorf("unexpected %T", v)
}

// rawBool decodes boolean (PostgreSQL) or binary(1) (SQL Server).
func rawBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case []byte:
		if len(x) != 1 || x[0] > 1 {
			return false, fmt.Errorf("boolean %x, want 0x00 or 0x01", x)
		}
		return x[0] == 1, nil
	case int64:
		return x != 0, nil
	}
	return false, fmt.Errorf("boolean: unexpected %T", v)
}

// rawDecimal decodes an exact number.
func rawDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case pgtype.Numeric:
		if !x.Valid || x.NaN || x.InfinityModifier != pgtype.Finite {
			return decimal.Decimal{}, fmt.Errorf("numeric %v has no 1C value", x)
		}
		i := x.Int
		if i == nil {
			i = new(big.Int)
		}
		return decimal.NewFromBigInt(i, x.Exp), nil
	case []byte:
		return decimal.NewFromString(string(x))
	case string:
		return decimal.NewFromString(x)
	case int64:
		return decimal.NewFromInt(x), nil
	case int32:
		return decimal.NewFromInt(int64(x)), nil
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case float64:
		return decimal.NewFromFloat(x), nil
	}
	return decimal.Decimal{}, fmt.Errorf("number: unexpected %T", v)
}

// rawTime decodes a datetime: the wall clock as UTC (1C dates have no
// zone), the year offset removed by the caller.
func rawTime(v any) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("date: unexpected %T", v)
	}
	if t.Location() != time.UTC {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	}
	return t, nil
}

// rawString decodes a string, trimming the padding of fixed strings.
func rawString(v any, fixed bool) (string, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return "", fmt.Errorf("string: unexpected %T", v)
	}
	if fixed {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
	}
	return s, nil
}

// rawBytes decodes binary data.
func rawBytes(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	}
	return nil, fmt.Errorf("binary: unexpected %T", v)
}

// uint4 renders a 4-byte big-endian type code or _KeyField.
func uint4(n uint32) []byte {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, n)
	return b
}
