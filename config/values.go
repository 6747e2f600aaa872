package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// Values is a parsed, valid configuration: a typed value for every defined
// key (given or defaulted) plus the properties as given. It is immutable and
// safe for concurrent use.
//
// The typed accessors panic when the key is not defined or has another type:
// that is a programming error, not bad input (bad input was rejected by
// Parse). An optional key with a null default reads as the zero value.
//
// Printing a Values (fmt, JSON, slog) shows every defined key with
// passwords as [HiddenValue], plus pass-through keys masked like
// [MaskPasswords].
type Values struct {
	def       *ConfigDef
	values    map[string]any
	originals map[string]string
	resolved  map[string]string
}

func (v *Values) lookup(name string, types ...Type) any {
	i, ok := v.def.index[name]
	if !ok {
		panic(fmt.Sprintf("config: key %q is not defined", name))
	}
	t := v.def.keys[i].Type
	for _, want := range types {
		if t == want {
			return v.values[name]
		}
	}
	panic(fmt.Sprintf("config: key %q has type %s, read as %s", name, t, types[0]))
}

// Get returns the value of a defined key in its canonical Go type, or nil
// for an optional key without a value: STRING and CLASS string, PASSWORD
// Password, INT int32, SHORT int16, LONG int64, DOUBLE float64, BOOLEAN bool,
// LIST []string (a copy), DURATION time.Duration. It panics if the key is not
// defined.
func (v *Values) Get(name string) any {
	if _, ok := v.def.index[name]; !ok {
		panic(fmt.Sprintf("config: key %q is not defined", name))
	}
	if l, ok := v.values[name].([]string); ok {
		return append([]string{}, l...)
	}
	return v.values[name]
}

// String returns a STRING or CLASS value.
func (v *Values) String(name string) string {
	s, _ := v.lookup(name, TypeString, TypeClass).(string)
	return s
}

// Class returns a CLASS (or STRING) value: a plugin name or alias.
func (v *Values) Class(name string) string {
	s, _ := v.lookup(name, TypeClass, TypeString).(string)
	return s
}

// Int returns an INT or SHORT value.
func (v *Values) Int(name string) int {
	switch n := v.lookup(name, TypeInt, TypeShort).(type) {
	case int32:
		return int(n)
	case int16:
		return int(n)
	}
	return 0
}

// Long returns a LONG, INT or SHORT value.
func (v *Values) Long(name string) int64 {
	n, _ := toInt64(v.lookup(name, TypeLong, TypeInt, TypeShort))
	return n
}

// Double returns a DOUBLE value (or a whole-number type converted).
func (v *Values) Double(name string) float64 {
	f, _ := toFloat64(v.lookup(name, TypeDouble, TypeLong, TypeInt, TypeShort))
	return f
}

// Bool returns a BOOLEAN value.
func (v *Values) Bool(name string) bool {
	b, _ := v.lookup(name, TypeBoolean).(bool)
	return b
}

// List returns a copy of a LIST value (empty, never nil, when unset).
func (v *Values) List(name string) []string {
	l, _ := v.lookup(name, TypeList).([]string)
	return append([]string{}, l...)
}

// Password returns a PASSWORD value; call Value on it where the secret is
// needed.
func (v *Values) Password(name string) Password {
	p, _ := v.lookup(name, TypePassword).(Password)
	return p
}

// Duration returns a DURATION value.
func (v *Values) Duration(name string) time.Duration {
	d, _ := v.lookup(name, TypeDuration).(time.Duration)
	return d
}

// Has reports whether name was present in the properties given to Parse
// (as opposed to defaulted or absent). It works for any key, defined or not.
func (v *Values) Has(name string) bool {
	_, ok := v.originals[name]
	return ok
}

// Originals returns a copy of the properties as given to Parse, with
// config-provider references unresolved. Literal passwords are in it: mask
// with MaskPasswords before showing it.
func (v *Values) Originals() map[string]string { return copyMap(v.originals) }

// WithPrefix returns the given properties whose keys start with prefix,
// with the prefix removed and references resolved (Kafka's
// originalsWithPrefix), e.g. the producer overrides of a connector. The
// result may hold secrets: never log it unmasked.
func (v *Values) WithPrefix(prefix string) map[string]string {
	out := make(map[string]string)
	for k, val := range v.resolved {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = val
		}
	}
	return out
}

// Def returns the definition the values were parsed with.
func (v *Values) Def() *ConfigDef { return v.def }

type namedValue struct {
	name  string
	value any
}

// masked lists defined keys in definition order (typed values, passwords
// as Password so that every printer hides them), then pass-through keys
// sorted, masked like MaskPasswords.
func (v Values) masked() []namedValue {
	out := make([]namedValue, 0, len(v.values))
	for _, k := range v.def.keys {
		val := v.values[k.Name]
		if l, ok := val.([]string); ok {
			val = append([]string{}, l...)
		}
		out = append(out, namedValue{k.Name, val})
	}
	var extra []string
	for k := range v.originals {
		if !v.def.isDefined(k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	masked := MaskPasswords(v.def, v.originals)
	for _, k := range extra {
		out = append(out, namedValue{k, masked[k]})
	}
	return out
}

// Format prints the values as {key=value ...} for every verb, passwords
// hidden. Format, LogValue and MarshalJSON have value receivers so that a
// copied Values is masked too.
func (v Values) Format(f fmt.State, verb rune) {
	var b strings.Builder
	b.WriteByte('{')
	for i, nv := range v.masked() {
		if i > 0 {
			b.WriteByte(' ')
		}
		s, ok := formatValue(nv.value)
		if !ok {
			s = "null"
		}
		b.WriteString(nv.name)
		b.WriteByte('=')
		b.WriteString(s)
	}
	b.WriteByte('}')
	_, _ = f.Write([]byte(b.String()))
}

// LogValue implements slog.LogValuer: a group with one attribute per key,
// passwords hidden.
func (v Values) LogValue() slog.Value {
	nvs := v.masked()
	attrs := make([]slog.Attr, 0, len(nvs))
	for _, nv := range nvs {
		attrs = append(attrs, slog.Any(nv.name, nv.value))
	}
	return slog.GroupValue(attrs...)
}

// MarshalJSON encodes the values as one JSON object in definition order,
// passwords as "[hidden]", durations as strings ("30s").
func (v Values) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, nv := range v.masked() {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(nv.name)
		val := nv.value
		if d, ok := val.(time.Duration); ok {
			val = formatDuration(d)
		}
		enc, err := json.Marshal(val)
		if err != nil {
			return nil, fmt.Errorf("encode config value %s: %w", nv.name, err)
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(enc)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}
