package dialect

import (
	"encoding/binary"
	"math"
)

// Decode implements Dialect for the values go-mssqldb returns through
// database/sql (Rows.Scan through SQL): binary/varbinary/rowversion →
// []byte, nchar/nvarchar → string, numeric → decimal text as []byte,
// datetime2 → time.Time, int → int64. Booleans are binary(1) 0x00/0x01;
// anything else in a Bool column is an error, as it means the column was
// described with the wrong kind.
func (sqlServer) Decode(col Column, raw any, yearOffset int) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch col.Kind {
	case Binary16:
		return decodeUUID(col, raw)
	case TypeCode:
		return decodeTypeCode(col, raw)
	case RTRef:
		return decodeRTRef(col, raw)
	case Bool:
		switch x := raw.(type) {
		case []byte:
			if len(x) == 1 && x[0] <= 1 {
				return x[0] == 1, nil
			}
			return nil, decodeErr(col, raw, "want binary(1) 0x00 or 0x01", nil)
		case bool: // a bit column
			return x, nil
		}
		return nil, decodeErr(col, raw, "want binary(1)", nil)
	case String, FixedString:
		return decodeString(col, raw)
	case Numeric:
		return decodeNumeric(col, raw)
	case DateTime:
		return decodeTime(col, raw, yearOffset)
	case Bytes:
		return decodeBytes(col, raw)
	case Int:
		return decodeInt(col, raw)
	case Version:
		b, ok := raw.([]byte)
		if !ok {
			return decodeInt(col, raw)
		}
		if len(b) != 8 {
			return nil, decodeErr(col, raw, "want rowversion of 8 bytes", nil)
		}
		v := binary.BigEndian.Uint64(b)
		if v > math.MaxInt64 {
			return nil, decodeErr(col, raw, "rowversion beyond int64", nil)
		}
		return int64(v), nil
	}
	return nil, decodeErr(col, raw, "unknown column kind", nil)
}
