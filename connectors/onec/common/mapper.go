package common

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// DialectColumn converts a metadata column to the dialect's description.
func DialectColumn(c metadata.Column) (dialect.Column, error) {
	out := dialect.Column{Name: c.Name, Length: c.Length, Precision: c.Precision, Scale: c.Scale}
	switch c.Kind {
	case metadata.ColBinary16:
		out.Kind = dialect.Binary16
	case metadata.ColBool:
		out.Kind = dialect.Bool
	case metadata.ColString:
		out.Kind = dialect.String
		if c.Fixed {
			out.Kind = dialect.FixedString
		}
	case metadata.ColNumeric:
		out.Kind = dialect.Numeric
	case metadata.ColDateTime:
		out.Kind = dialect.DateTime
	case metadata.ColBytes:
		out.Kind = dialect.Bytes
	case metadata.ColTypeTag:
		out.Kind = dialect.TypeCode
	case metadata.ColBinary4:
		out.Kind = dialect.RTRef
	case metadata.ColVersion:
		out.Kind = dialect.Version
	default:
		return out, fmt.Errorf("column %s of kind %s: %w", c.Name, c.Kind, ErrUnsupportedType)
	}
	return out, nil
}

// Text renders a decoded value as text, for keys, headers and topic names:
// strings as they are, numbers in plain decimal, timestamps in RFC 3339,
// bytes as UTF-8.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// ParseText parses Text's form of a key value of column c back to the
// value the dialect encodes (stored source offsets keep keys as text).
func ParseText(c dialect.Column, s string) (any, error) {
	switch c.Kind {
	case dialect.Binary16, dialect.String, dialect.FixedString:
		return s, nil
	case dialect.DateTime:
		return time.Parse(time.RFC3339Nano, s)
	case dialect.Numeric:
		return decimal.NewFromString(s)
	case dialect.Bool:
		return strconv.ParseBool(s)
	case dialect.RTRef, dialect.TypeCode, dialect.Int, dialect.Version:
		return strconv.ParseInt(s, 10, 64)
	case dialect.Bytes:
		return []byte(s), nil
	}
	return nil, fmt.Errorf("column %s: no text form for kind %s", c.Name, c.Kind)
}
