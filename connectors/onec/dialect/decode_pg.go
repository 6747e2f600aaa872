package dialect

// Decode implements Dialect for the values pgx returns (Rows.Scan through
// PGX): bytea → []byte, boolean → bool, text (strings are selected as
// ::text) → string, numeric → pgtype.Numeric, timestamp → time.Time,
// integer → int32/int64.
func (postgres) Decode(col Column, raw any, yearOffset int) (any, error) {
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
		b, ok := raw.(bool)
		if !ok {
			return nil, decodeErr(col, raw, "want bool", nil)
		}
		return b, nil
	case String, FixedString:
		return decodeString(col, raw)
	case Numeric:
		return decodeNumeric(col, raw)
	case DateTime:
		return decodeTime(col, raw, yearOffset)
	case Bytes:
		return decodeBytes(col, raw)
	case Int, Version:
		return decodeInt(col, raw)
	}
	return nil, decodeErr(col, raw, "unknown column kind", nil)
}
