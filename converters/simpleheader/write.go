package simpleheader

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/schema"
)

const msPerDay = 24 * 60 * 60 * 1000

// appendValue appends v as Values.append prints it. embedded values (inside
// arrays, maps and structs) quote strings and bytes.
func appendValue(dst []byte, v any, embedded bool) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		if !embedded {
			return append(dst, x...), nil
		}
		dst = append(dst, '"')
		dst = append(dst, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x)...)
		return append(dst, '"'), nil
	case []byte:
		if embedded {
			dst = append(dst, '"')
		}
		dst = base64.StdEncoding.AppendEncode(dst, x)
		if embedded {
			dst = append(dst, '"')
		}
		return dst, nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int8:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float32:
		return jsonconv.AppendJavaFloat(dst, float64(x), 32), nil
	case float64:
		return jsonconv.AppendJavaFloat(dst, x, 64), nil
	case decimal.Decimal:
		return jsonconv.AppendJavaDecimal(dst, x), nil
	case time.Time:
		return appendTemporal(dst, x), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendValue(dst, e, true); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst, _ = appendValue(dst, k, true)
			dst = append(dst, ':')
			var err error
			if dst, err = appendValue(dst, x[k], true); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case map[any]any:
		type kv struct{ k, v []byte }
		entries := make([]kv, 0, len(x))
		for k, e := range x {
			kb, err := appendValue(nil, k, true)
			if err != nil {
				return dst, err
			}
			vb, err := appendValue(nil, e, true)
			if err != nil {
				return dst, err
			}
			entries = append(entries, kv{kb, vb})
		}
		slices.SortFunc(entries, func(a, b kv) int { return slices.Compare(a.k, b.k) })
		dst = append(dst, '{')
		for i, e := range entries {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, e.k...)
			dst = append(dst, ':')
			dst = append(dst, e.v...)
		}
		return append(dst, '}'), nil
	case *schema.Struct:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '{')
		for i, f := range x.Schema().Fields() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst, _ = appendValue(dst, f.Name, true)
			dst = append(dst, ':')
			var err error
			if dst, err = appendValue(dst, x.At(i), true); err != nil {
				return dst, fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
		return append(dst, '}'), nil
	}
	return dst, fmt.Errorf("failed to serialize unexpected value type %T", v)
}

// appendTemporal prints a time as Values.dateFormatFor chooses: a time of
// day for instants within the first day of the epoch, a date for whole
// days, a timestamp otherwise (all UTC, millisecond precision).
func appendTemporal(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	t = t.UTC()
	switch {
	case ms < msPerDay:
		return t.AppendFormat(dst, "15:04:05.000Z")
	case ms%msPerDay == 0:
		return t.AppendFormat(dst, "2006-01-02")
	}
	return t.AppendFormat(dst, "2006-01-02T15:04:05.000Z")
}
