package queuesink

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema"
)

// converter turns sink records into register rows in database form. It
// keeps scratch space and the last encoded values between records, so it
// belongs to one goroutine (the task's); a new plan takes a new converter.
type converter struct {
	p *plan
	d dialect.Dialect

	cells cellSlab // the rows' cells
	ints  intSlab  // PostgreSQL numerics of the rows
	// memo holds, per plan column, the last value converted for a source
	// that repeats between records (topic, partition, timestamps,
	// headers) and its encoding.
	memo  []memoCell
	hbuf  []byte // headers JSON being built
	lastH string // the last headers JSON, reused while it repeats
}

// memoCell is one column's last conversion.
type memoCell struct {
	in, out any
	ok      bool
}

// memoized reports whether values of src repeat often enough between
// consecutive records to remember their encoding. Their values are
// comparable (strings, integers, times).
func memoized(src source) bool {
	switch src {
	case srcTopic, srcPartition, srcHeaders, srcTimestamp, srcReceived:
		return true
	}
	return false
}

// row converts rec into one value per plan column, in database form (as
// dialect.Encode returns), leaving the sequence column for the writer. It
// also returns the dedup id in database form (nil without dedup.field). A
// value that does not fit its field is a *FieldError. The row is cut from
// a slab shared with neighbouring rows; it stays valid until dropped.
func (c *converter) row(rec *connect.SinkRecord, now time.Time) (row []any, dedupID any, err error) {
	p := c.p
	row = c.cells.row(len(p.cols))
	copy(row, p.fill)
	for _, t := range p.keyed {
		var v any
		switch t.src {
		case srcSequence:
			continue
		case srcTopic:
			v = rec.OriginalTopic
			if v == "" {
				v = rec.Topic
			}
		case srcPartition:
			v = int64(rec.OriginalPartition)
		case srcOffset:
			v = rec.OriginalOffset
		case srcKey:
			v = rec.Key
		case srcValue:
			v = rec.Value
		case srcHeaders:
			v = c.headers(rec.Headers)
		case srcTimestamp:
			if !rec.Timestamp.IsZero() {
				v = rec.Timestamp
			}
		case srcReceived:
			v = now
		}
		if err := c.set(row, t, v, t.key); err != nil {
			return nil, nil, err
		}
	}
	if p.structMode() && rec.Value != nil {
		if err := c.fillStruct(row, rec.Value); err != nil {
			return nil, nil, err
		}
	}
	if p.periodCol >= 0 {
		ts := rec.Timestamp
		if ts.IsZero() {
			ts = now
		}
		v, err := c.d.Encode(p.cols[p.periodCol], periodStart(ts.UTC(), p.periodicity), p.yearOffset)
		if err != nil {
			return nil, nil, fmt.Errorf("register period: %w", err)
		}
		row[p.periodCol] = v
	}
	if p.simpleKey >= 0 {
		var b [16]byte
		_, _ = rand.Read(b[:])
		row[p.simpleKey] = b[:]
	}
	if p.dedup != nil {
		dedupID = row[p.dedup.col]
	}
	return row, dedupID, nil
}

// set converts v (from names its source, for errors) into row's cell of
// t; nil leaves the filler, the empty value of the type.
func (c *converter) set(row []any, t *target, v any, from string) error {
	if v == nil {
		return nil
	}
	var m *memoCell
	if t.key != "" && memoized(t.src) {
		if c.memo == nil {
			c.memo = make([]memoCell, len(c.p.cols))
		}
		if m = &c.memo[t.col]; m.ok && m.in == v {
			row[t.col] = m.out
			return nil
		}
	}
	enc, err := c.value(t, v, from)
	if err != nil {
		return err
	}
	if m != nil {
		*m = memoCell{in: v, out: enc, ok: true}
	}
	row[t.col] = enc
	return nil
}

// headers renders h as headersJSON does, reusing the previous string while
// the headers repeat.
func (c *converter) headers(h connect.Headers) string {
	if len(h) == 0 {
		return "{}"
	}
	c.hbuf = appendHeadersJSON(c.hbuf[:0], h)
	if string(c.hbuf) != c.lastH {
		c.lastH = string(c.hbuf)
	}
	return c.lastH
}

// fillStruct sets the register fields named like the fields of a struct
// or JSON-object value; names the register lacks are ignored.
func (c *converter) fillStruct(row []any, v any) error {
	switch x := v.(type) {
	case *schema.Struct:
		for _, f := range x.Schema().Fields() {
			if t := c.p.structs[strings.ToLower(f.Name)]; t != nil {
				if err := c.set(row, t, x.At(f.Index), "value."+f.Name); err != nil {
					return err
				}
			}
		}
		return nil
	case map[string]any:
		for k, fv := range x {
			if t := c.p.structs[strings.ToLower(k)]; t != nil {
				if err := c.set(row, t, fv, "value."+k); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return &FieldError{Field: "*", Type: "struct", Source: "the record value",
		Reason: fmt.Sprintf("%s is empty, so the value must be a struct or a JSON object, got %s", KeyValueField, goType(v))}
}

// value converts v to t's canonical value and encodes it.
func (c *converter) value(t *target, v any, from string) (any, error) {
	ferr := func(reason string, cause error) error {
		return &FieldError{Field: t.name, Type: t.typ, Source: from, Reason: reason, Err: cause}
	}
	var canon any
	switch t.kind {
	case vkString:
		s, err := toText(v)
		if err != nil {
			return nil, ferr(err.Error(), nil)
		}
		if t.length > 0 { // UTF-8 validity is checked by the dialect's encoder
			if n := utf16Len(s); n > t.length {
				if !c.p.truncate {
					return nil, ferr(fmt.Sprintf("string of %d characters is longer than the field's length %d (set %s=true to cut it)",
						n, t.length, KeyTruncateStrings), nil)
				}
				s = truncateUTF16(s, t.length)
			}
		}
		canon = s
	case vkNumber:
		if n, ok := smallInt(v); ok && t.scale == 0 { // fast path: partitions, offsets, counters
			if t.nonNeg && n < 0 {
				return nil, ferr(fmt.Sprintf("%d is negative; the field is non-negative", n), nil)
			}
			if p := t.dcol.Precision; p > 0 && p < len(pow10) && (n >= pow10[p] || n <= -pow10[p]) {
				return nil, ferr(fmt.Sprintf("%d does not fit Число(%d,0): at most %d integer digit(s)", n, p, p), nil)
			}
			if enc, ok := encodeInt(c.d, &c.ints, n); ok {
				return enc, nil
			}
			canon = n
			break
		}
		d, err := toDecimal(v)
		if err != nil {
			return nil, ferr(err.Error(), nil)
		}
		if t.nonNeg && d.Sign() < 0 {
			return nil, ferr(fmt.Sprintf("%s is negative; the field is non-negative", d), nil)
		}
		if msg := fits(d, t.dcol.Precision, t.scale); msg != "" {
			return nil, ferr(msg, nil)
		}
		canon = d
	case vkDate:
		tm, err := toTime(v)
		if err != nil {
			return nil, ferr(err.Error(), nil)
		}
		canon = tm.UTC()
	case vkBool:
		b, err := toBool(v)
		if err != nil {
			return nil, ferr(err.Error(), nil)
		}
		canon = b
	case vkUUID, vkRef:
		s, err := toText(v)
		if err != nil {
			return nil, ferr(err.Error(), nil)
		}
		s = strings.TrimSpace(s)
		if t.enum != nil {
			id, ok := t.enum[strings.ToLower(s)]
			if !ok {
				return nil, ferr(fmt.Sprintf("%q is not a value of the enumeration", clip(s)), nil)
			}
			s = id
		}
		if s == "" {
			return nil, nil
		}
		canon = s
	case vkBytes:
		switch x := v.(type) {
		case []byte:
			canon = x
		case string:
			canon = []byte(x)
		default:
			return nil, ferr("want bytes or a string, got "+goType(v), nil)
		}
	}
	enc, err := c.d.Encode(t.dcol, canon, c.p.yearOffset)
	if err != nil {
		return nil, ferr("does not fit the column", err)
	}
	return enc, nil
}

// fits checks a decimal against numeric(precision, scale): more fraction
// digits than the scale or more integer digits than precision-scale do not
// fit (1C would refuse them too; rounding would lose data silently).
func fits(d decimal.Decimal, precision, scale int) string {
	if !d.Truncate(int32(scale)).Equal(d) {
		return fmt.Sprintf("%s has more than %d fraction digit(s)", d, scale)
	}
	if precision > 0 {
		limit := decimal.New(1, int32(precision-scale))
		if d.Abs().GreaterThanOrEqual(limit) {
			return fmt.Sprintf("%s does not fit Число(%d,%d): at most %d integer digit(s)", d, precision, scale, precision-scale)
		}
	}
	return ""
}

// pow10[i] is 10^i, for the integer fast path.
var pow10 = func() []int64 {
	out := make([]int64, 19)
	out[0] = 1
	for i := 1; i < len(out); i++ {
		out[i] = out[i-1] * 10
	}
	return out
}()

// smallInt returns Go integers as int64.
func smallInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case int:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	}
	return 0, false
}

// toText renders a value as a string: strings as they are, bytes as UTF-8,
// numbers in plain decimal, times in RFC 3339, structs, maps and arrays as
// JSON.
func toText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case decimal.Decimal:
		return x.String(), nil
	case json.Number:
		return x.String(), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case *schema.Struct, map[string]any, []any:
		b, err := json.Marshal(jsonable(x))
		if err != nil {
			return "", fmt.Errorf("cannot render %s as JSON: %v", goType(v), err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("cannot render %s as text", goType(v))
}

// jsonable turns Connect values into what encoding/json renders the way
// the JSON converter would without schemas: structs as objects, bytes as
// base64, decimals as numbers.
func jsonable(v any) any {
	switch x := v.(type) {
	case *schema.Struct:
		m := make(map[string]any, len(x.Schema().Fields()))
		for _, f := range x.Schema().Fields() {
			m[f.Name] = jsonable(x.At(f.Index))
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = jsonable(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case decimal.Decimal:
		return json.Number(x.String())
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// toDecimal converts numbers and numeric text exactly.
func toDecimal(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return decimal.Decimal{}, fmt.Errorf("%v is not a number 1C can store", x)
		}
		return decimal.NewFromFloat(x), nil
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return decimal.Decimal{}, fmt.Errorf("%v is not a number 1C can store", x)
		}
		return decimal.NewFromFloat32(x), nil
	case int8:
		return decimal.NewFromInt(int64(x)), nil
	case int16:
		return decimal.NewFromInt(int64(x)), nil
	case uint8:
		return decimal.NewFromInt(int64(x)), nil
	case uint16:
		return decimal.NewFromInt(int64(x)), nil
	case uint32:
		return decimal.NewFromInt(int64(x)), nil
	case uint64:
		return decimal.NewFromBigInt(new(big.Int).SetUint64(x), 0), nil
	case json.Number:
		return decimal.NewFromString(x.String())
	case []byte:
		return toDecimal(string(x))
	case string:
		d, err := decimal.NewFromString(strings.TrimSpace(x))
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("%q is not a number", clip(x))
		}
		return d, nil
	}
	d, err := schema.ToDecimal(v)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("want a number, got %s", goType(v))
	}
	return d, nil
}

// toTime accepts time.Time and RFC 3339 text (a zone-less date-time is
// taken as 1C's wall clock).
func toTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case []byte:
		return toTime(string(x))
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", clip(s))
	}
	return time.Time{}, fmt.Errorf("want a timestamp, got %s", goType(v))
}

// toBool accepts booleans, true/false text and the numbers 0 and 1.
func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case []byte:
		return toBool(string(x))
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		if err != nil {
			return false, fmt.Errorf("%q is not a boolean", clip(x))
		}
		return b, nil
	}
	if d, err := toDecimal(v); err == nil {
		switch {
		case d.IsZero():
			return false, nil
		case d.Equal(decimal.NewFromInt(1)):
			return true, nil
		}
	}
	return false, fmt.Errorf("want a boolean, got %s", goType(v))
}

// headersJSON renders headers as a JSON object of strings, as
// encoding/json renders a map[string]string (keys sorted, HTML-safe
// escapes); a repeated key keeps its last value.
func headersJSON(h connect.Headers) string {
	return string(appendHeadersJSON(nil, h))
}

// maxFastHeaders is the most headers appendHeadersJSON renders without a
// map.
const maxFastHeaders = 16

// appendHeadersJSON appends headersJSON(h) to buf. Small header sets of
// plain strings (the usual case) are written directly; others go through
// encoding/json.
func appendHeadersJSON(buf []byte, h connect.Headers) []byte {
	type kv struct{ k, v string }
	var arr [maxFastHeaders]kv
	fast := len(h) <= maxFastHeaders
	pairs := arr[:0]
	for i := 0; fast && i < len(h); i++ {
		x := h[i]
		var v string
		switch y := x.Value.(type) {
		case nil:
		case string:
			v = y
		default:
			fast = false // []byte and the rest: rendered by toText below
		}
		if !fast || !plainJSON(x.Key) || !plainJSON(v) {
			fast = false
			break
		}
		dup := false
		for j := range pairs {
			if pairs[j].k == x.Key {
				pairs[j].v, dup = v, true
				break
			}
		}
		if !dup {
			pairs = append(pairs, kv{x.Key, v})
		}
	}
	if !fast {
		m := make(map[string]string, len(h))
		for _, x := range h {
			if x.Value == nil {
				m[x.Key] = ""
				continue
			}
			s, err := toText(x.Value)
			if err != nil {
				s = fmt.Sprint(x.Value)
			}
			m[x.Key] = s
		}
		b, _ := json.Marshal(m) // map[string]string always marshals
		return append(buf, b...)
	}
	slices.SortFunc(pairs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	buf = append(buf, '{')
	for i, p := range pairs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, p.k...)
		buf = append(buf, `":"`...)
		buf = append(buf, p.v...)
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

// plainJSON reports whether encoding/json writes s unchanged between
// quotes: valid UTF-8 without control characters, quotes, backslashes,
// the HTML-sensitive <, > and &, or U+2028/U+2029.
func plainJSON(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c >= 0x80:
			ascii = false
		}
	}
	return ascii || (utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029"))
}

// utf16Len counts UTF-16 code units, the unit both engines measure string
// lengths in.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncateUTF16 cuts s to at most n UTF-16 code units without splitting a
// character.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		u := utf16.RuneLen(r)
		if units+u > n {
			return s[:i]
		}
		units += u
	}
	return s
}

// periodStart truncates t to the start of its period (1C stores periodic
// register records at the period's start).
func periodStart(t time.Time, p metadata.Periodicity) time.Time {
	switch p {
	case metadata.PeriodYear:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	case metadata.PeriodQuarter:
		return time.Date(t.Year(), ((t.Month()-1)/3)*3+1, 1, 0, 0, 0, 0, time.UTC)
	case metadata.PeriodMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case metadata.PeriodDay:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t.Truncate(time.Second)
}

func goType(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
