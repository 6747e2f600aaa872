package queuesource

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
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
	key    any // the number in database form, for DELETE
	vals   []any
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

// build makes the record of r. A row that cannot become a record gives an
// error (the caller wraps it as a *RowError).
func (b *recordBuilder) build(r *row, partition map[string]any) (*connect.SourceRecord, error) {
	p := b.plan
	rec := &connect.SourceRecord{SourcePartition: partition, SourceOffset: map[string]any{OffsetNumber: r.number}}
	if b.cfg.Topic != "" {
		rec.Topic = b.cfg.Topic
	} else {
		raw := strings.TrimSpace(common.Text(r.vals[p.topicIdx]))
		if raw == "" {
			return nil, fmt.Errorf("%s is empty: no topic", b.cfg.TopicField)
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
		rec.KeySchema, rec.Key = p.mapper.FieldSchema(p.keyIdx), r.vals[p.keyIdx]
	}
	if p.valueIdx >= 0 {
		rec.ValueSchema, rec.Value = p.mapper.FieldSchema(p.valueIdx), r.vals[p.valueIdx]
	} else {
		rec.ValueSchema, rec.Value = p.mapper.Schema(), p.mapper.Struct(r.vals)
	}
	if p.tsIdx >= 0 {
		if t, ok := r.vals[p.tsIdx].(time.Time); ok {
			rec.Timestamp = t
		}
	}
	for _, i := range p.headerIdx {
		rec.Headers.Add(p.mapper.Schema().Fields()[i].Name, p.mapper.FieldSchema(i), r.vals[i])
	}
	if p.headersJSONIdx >= 0 {
		if err := addJSONHeaders(&rec.Headers, common.Text(r.vals[p.headersJSONIdx])); err != nil {
			return nil, fmt.Errorf("%s: %w", b.cfg.HeadersJSONField, err)
		}
	}
	return rec, nil
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
