package dialect

import (
	"github.com/jackc/pgx/v5/pgtype"
)

// Encode implements Dialect, producing values pgx sends natively: []byte
// for bytea, bool, string (sent as text, so it fits mchar/mvarchar columns
// whatever their OIDs), pgtype.Numeric, time.Time (UTC wall clock) and
// int64.
func (postgres) Encode(col Column, v any, yearOffset int) (any, error) {
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
		return b, nil
	case String, FixedString:
		return encodeString(col, v)
	case Numeric:
		d, err := encodeDecimal(col, v)
		if err != nil {
			return nil, err
		}
		return pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true}, nil
	case DateTime:
		return encodeTime(col, v, yearOffset)
	case Bytes:
		b, ok := v.([]byte)
		if !ok {
			return nil, encodeErr(col, v, "want []byte", nil)
		}
		return b, nil
	case Int, Version:
		n, ok := toInt64(v)
		if !ok {
			return nil, encodeErr(col, v, "want an integer", nil)
		}
		return n, nil
	}
	return nil, encodeErr(col, v, "unknown column kind", nil)
}
