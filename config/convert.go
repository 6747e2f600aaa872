package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// listSeparator splits LIST values the way Java's ConfigDef does
// (trimmed.split("\\s*,\\s*", -1)): empty items are kept.
var listSeparator = regexp.MustCompile(`\s*,\s*`)

// parseValue converts the string form of a value to the canonical Go type of
// t. Strings are trimmed first, as in Kafka. The returned error carries only
// the reason; callers wrap it with the key and (masked) value.
func parseValue(t Type, raw string) (any, error) {
	s := strings.TrimSpace(raw)
	switch t {
	case TypeString, TypeClass:
		return s, nil
	case TypePassword:
		return Password(s), nil
	case TypeBoolean:
		switch {
		case strings.EqualFold(s, "true"):
			return true, nil
		case strings.EqualFold(s, "false"):
			return false, nil
		}
		return nil, errors.New("Expected value to be either true or false")
	case TypeInt:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, numberError(t, err, math.MinInt32, math.MaxInt32)
		}
		return int32(n), nil
	case TypeShort:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, numberError(t, err, math.MinInt16, math.MaxInt16)
		}
		return int16(n), nil
	case TypeLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, numberError(t, err, math.MinInt64, math.MaxInt64)
		}
		return n, nil
	case TypeDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.Contains(s, "_") {
			return nil, fmt.Errorf("Not a number of type %s", t)
		}
		return f, nil
	case TypeList:
		if s == "" {
			return []string{}, nil
		}
		return listSeparator.Split(s, -1), nil
	case TypeDuration:
		return parseDuration(s)
	}
	return nil, fmt.Errorf("unknown type %q", t)
}

func numberError(t Type, err error, lo, hi int64) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("Not a number of type %s (out of range %d..%d)", t, lo, hi)
	}
	return fmt.Errorf("Not a number of type %s", t)
}

var digitsOnly = regexp.MustCompile(`^[+-]?[0-9]+$`)

// parseDuration accepts a whole number of milliseconds or a Go duration.
func parseDuration(s string) (time.Duration, error) {
	if digitsOnly.MatchString(s) {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil || ms > math.MaxInt64/int64(time.Millisecond) || ms < math.MinInt64/int64(time.Millisecond) {
			return 0, errors.New("Not a duration: number of milliseconds out of range")
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("Not a duration: expected a number of milliseconds or a Go duration such as 500ms, 30s, 5m, 1h30m")
	}
	return d, nil
}

// convertDefault turns a Go default value given in a Key into the canonical
// type of t. Strings are parsed like user input.
func convertDefault(t Type, v any) (any, error) {
	if s, ok := v.(string); ok {
		return parseValue(t, s)
	}
	switch t {
	case TypePassword:
		if p, ok := v.(Password); ok {
			return p, nil
		}
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case TypeInt, TypeShort, TypeLong:
		n, ok := toInt64(v)
		if !ok {
			break
		}
		switch t {
		case TypeInt:
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, fmt.Errorf("default %d out of range for INT", n)
			}
			return int32(n), nil
		case TypeShort:
			if n < math.MinInt16 || n > math.MaxInt16 {
				return nil, fmt.Errorf("default %d out of range for SHORT", n)
			}
			return int16(n), nil
		}
		return n, nil
	case TypeDouble:
		if f, ok := toFloat64(v); ok {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("default %v is not a finite number", f)
			}
			return f, nil
		}
	case TypeList:
		if l, ok := v.([]string); ok {
			return append([]string{}, l...), nil
		}
	case TypeDuration:
		switch d := v.(type) {
		case time.Duration:
			return d, nil
		}
	}
	return nil, fmt.Errorf("default of Go type %T does not fit type %s", v, t)
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

func toFloat64(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case time.Duration:
		return 0, false
	}
	if i, ok := toInt64(v); ok {
		return float64(i), true
	}
	return 0, false
}

// formatValue is the string form of a canonical value, as Kafka's
// ConfigDef.convertToString gives it: lists comma-joined, passwords hidden,
// doubles the way Java prints them. nil gives ok=false.
func formatValue(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case Password:
		return HiddenValue, true
	case bool:
		return strconv.FormatBool(x), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return javaDouble(x), true
	case []string:
		return strings.Join(x, ","), true
	case time.Duration:
		return formatDuration(x), true
	}
	return fmt.Sprint(v), true
}

// formatDuration prints d like time.Duration.String without zero trailing
// units: "1h", "1h30m", "5m", "30s", "500ms".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// javaDouble formats f as Java's Double.toString does for finite values:
// "1.0", "0.5", "1.0E7", "1.5E-4".
func javaDouble(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // e.g. 1E+07, 1.5E-04
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	neg := strings.HasPrefix(exp, "-")
	exp = strings.TrimLeft(exp, "+-")
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	if neg {
		exp = "-" + exp
	}
	return mant + "E" + exp
}
