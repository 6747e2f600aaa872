package dialect

import (
	"encoding/binary"

	"github.com/golang-sql/civil"
)

// Encode implements Dialect, producing values go-mssqldb sends as the right
// types: []byte (varbinary) for binary columns, booleans as binary(1)
// 0x00/0x01, string (nvarchar), decimal text for numeric (converted by the
// server; exact), civil.DateTime for datetime2 (a time.Time would travel
// as datetimeoffset), int64. A Version encodes to the 8-byte big-endian
// rowversion, usable in conditions only: the server refuses writes to it.
func (sqlServer) Encode(col Column, v any, yearOffset int) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch col.Kind {
	case Binary16:
		return encodeUUID(col, v)
	case TypeCode:
		return encodeTypeCode(col, v)
	case RTRef:
		return encodeRTRef(col, v)
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, encodeErr(col, v, "want bool", nil)
		}
		if b {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	case String, FixedString:
		return encodeString(col, v)
	case Numeric:
		d, err := encodeDecimal(col, v)
		if err != nil {
			return nil, err
		}
		return d.String(), nil
	case DateTime:
		t, err := encodeTime(col, v, yearOffset)
		if err != nil {
			return nil, err
		}
		return civil.DateTimeOf(t), nil
	case Bytes:
		b, ok := v.([]byte)
		if !ok {
			return nil, encodeErr(col, v, "want []byte", nil)
		}
		return b, nil
	case Int:
		n, ok := toInt64(v)
		if !ok {
			return nil, encodeErr(col, v, "want an integer", nil)
		}
		return n, nil
	case Version:
		n, ok := toInt64(v)
		if !ok || n < 0 {
			return nil, encodeErr(col, v, "want a non-negative integer", nil)
		}
		return binary.BigEndian.AppendUint64(nil, uint64(n)), nil
	}
	return nil, encodeErr(col, v, "unknown column kind", nil)
}
