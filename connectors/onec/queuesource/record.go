package queuesource

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// Source partition and offset map keys.
const (
	PartitionRegister = "register"
	PartitionSplit    = "split"
	OffsetNumber      = "number"
)

// row is one decoded queue row.
type row struct {
	number int64
	key    any            // the number in database form, for DELETE
	st     *schema.Struct // the whole row (plan.whole)
	vals   []any          // else the values of the configured fields
}

// field returns the value of the configured field at index i of the
// plan the row was decoded by.
func (r *row) field(i int) any {
	if r.st != nil {
		return r.st.At(i)
	}
	return r.vals[i]
}

// decode maps one read row (values in p.table.Columns order) into r with
// rowmap: the register's struct, filled into st (an empty struct of the
// register's schema), or the values of the configured fields into r.vals
// (p.fields.Len() long; st is then unused).
func (p *plan) decode(raw []any, r *row, st *schema.Struct) error {
	if p.fields == nil {
		st, err := p.om.StructInto(st, raw, nil)
		r.st = st
		return err
	}
	return p.fields.Values(raw, r.vals)
}

// fieldText renders a field's value as text, for topic names and split
// values: common.Text, with numbers in double mode in plain notation.
func fieldText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return common.Text(v)
}

// partitionOf returns the source partition of a stream.
func partitionOf(register string, split *string) map[string]any {
	m := map[string]any{PartitionRegister: register}
	if split != nil {
		m[PartitionSplit] = *split
	}
	return m
}

// recordBuilder turns decoded rows into source records.
type recordBuilder struct {
	cfg  *Config
	plan *plan
	// topics caches topic.field value → topic name.
	topics map[string]string
}

func newRecordBuilder(cfg *Config, p *plan) *recordBuilder {
	return &recordBuilder{cfg: cfg, plan: p, topics: map[string]string{}}
}

// build makes the record of r in rec (zero). A row that cannot become a
// record gives an error (the caller wraps it as a *RowError).
func (b *recordBuilder) build(r *row, partition map[string]any, rec *connect.SourceRecord) error {
	p := b.plan
	rec.SourcePartition, rec.SourceOffset = partition, map[string]any{OffsetNumber: r.number}
	if b.cfg.Topic != "" {
		rec.Topic = b.cfg.Topic
	} else {
		raw := strings.TrimSpace(fieldText(r.field(p.topicIdx)))
		if raw == "" {
			return fmt.Errorf("%s is empty: no topic", b.cfg.TopicField)
		}
		t, ok := b.topics[raw]
		if !ok {
			if t, ok = b.cfg.TopicMap[raw]; !ok {
				t = translit.Topic(raw)
			}
			if len(b.topics) < 10000 {
				b.topics[raw] = t
			}
		}
		rec.Topic = t
	}
	if p.keyIdx >= 0 {
		rec.KeySchema, rec.Key = p.fieldSchema(p.keyIdx), r.field(p.keyIdx)
	}
	if p.valueIdx >= 0 {
		rec.ValueSchema, rec.Value = p.fieldSchema(p.valueIdx), r.field(p.valueIdx)
	} else {
		rec.ValueSchema, rec.Value = r.st.Schema(), r.st
	}
	if p.tsIdx >= 0 {
		if t, ok := r.field(p.tsIdx).(time.Time); ok {
			rec.Timestamp = t
		}
	}
	for k, i := range p.headerIdx {
		rec.Headers.Add(p.headerNames[k], p.fieldSchema(i), r.field(i))
	}
	if p.headersJSONIdx >= 0 {
		if err := addJSONHeaders(&rec.Headers, common.Text(r.field(p.headersJSONIdx))); err != nil {
			return fmt.Errorf("%s: %w", b.cfg.HeadersJSONField, err)
		}
	}
	return nil
}

// addJSONHeaders adds the members of a JSON object as string headers
// (non-string members as their JSON text). Blank text adds nothing.
func addJSONHeaders(h *connect.Headers, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return fmt.Errorf("not a JSON object: %w", err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("not a JSON object: %w", err)
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		h.AddString(kt.(string), s)
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if dec.More() {
		return errors.New("not a JSON object: trailing data")
	}
	return nil
}

// smallNumber returns the order number of a raw order value without
// allocating, for the common case: a decimal.Decimal (the PostgreSQL wire
// decoder's numeric) holding an integer below 10^17. ok is false for any
// other value (numberOf of the decoded value decides).
func smallNumber(raw any) (n int64, ok bool) {
	d, isDec := raw.(decimal.Decimal)
	if !isDec {
		return 0, false
	}
	exp := d.Exponent()
	if exp < 0 || exp > 16 || d.NumDigits()+int(exp) > 17 {
		return 0, false
	}
	n = d.CoefficientInt64()
	for ; exp > 0; exp-- {
		n *= 10
	}
	return n, true
}

// numberOf returns the order number of a decoded order value.
func numberOf(v any) (int64, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		if !x.IsInteger() {
			return 0, fmt.Errorf("number %s has a fraction", x)
		}
		return x.IntPart(), nil
	case int64:
		return x, nil
	case nil:
		return 0, errors.New("number is NULL")
	}
	return 0, fmt.Errorf("number of type %T", v)
}
