package tail

import (
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/converters"
)

// valueIndent indents the text format's value.
const valueIndent = "  "

// printer writes records in the text or json format (see formatHelp).
type printer struct {
	w      io.Writer
	format string
	dec    *decoders
}

// print decodes and writes one record.
func (p *printer) print(m *sarama.ConsumerMessage) error {
	hdrs := make(converters.Headers, 0, len(m.Headers))
	for _, h := range m.Headers {
		if h != nil {
			hdrs = append(hdrs, converters.Header{Key: string(h.Key), Value: h.Value})
		}
	}
	key := decode(p.dec.key, m.Topic, hdrs, m.Key, "")
	var out []byte
	if p.format == formatJSON {
		out = p.jsonLine(m, hdrs, key, decode(p.dec.value, m.Topic, hdrs, m.Value, ""))
	} else {
		out = p.textRecord(m, hdrs, key, decode(p.dec.value, m.Topic, hdrs, m.Value, valueIndent))
	}
	if _, err := p.w.Write(out); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func (p *printer) textRecord(m *sarama.ConsumerMessage, hdrs converters.Headers, key, value []byte) []byte {
	var b []byte
	b = append(b, m.Topic...)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(m.Partition), 10)
	b = append(b, '@')
	b = strconv.AppendInt(b, m.Offset, 10)
	b = append(b, "  "...)
	b = append(b, timestampText(m.Timestamp)...)
	b = append(b, "  key="...)
	b = append(b, key...)
	b = append(b, "  headers={"...)
	r := renderer{}
	for i, h := range hdrs {
		if i > 0 {
			r.b = append(r.b, ',')
		}
		r.str(h.Key)
		r.b = append(r.b, ':')
		headerValue(&r, h.Value)
	}
	b = append(b, r.b...)
	b = append(b, "}\n"...)
	b = append(b, value...)
	b = append(b, "\n\n"...)
	return b
}

func (p *printer) jsonLine(m *sarama.ConsumerMessage, hdrs converters.Headers, key, value []byte) []byte {
	r := renderer{}
	r.b = append(r.b, `{"topic":`...)
	r.str(m.Topic)
	r.b = append(r.b, `,"partition":`...)
	r.b = strconv.AppendInt(r.b, int64(m.Partition), 10)
	r.b = append(r.b, `,"offset":`...)
	r.b = strconv.AppendInt(r.b, m.Offset, 10)
	r.b = append(r.b, `,"timestamp":`...)
	if ts := timestampText(m.Timestamp); ts == "-" {
		r.b = append(r.b, "null"...)
	} else {
		r.str(ts)
	}
	r.b = append(r.b, `,"key":`...)
	r.b = append(r.b, key...)
	r.b = append(r.b, `,"headers":[`...)
	for i, h := range hdrs {
		if i > 0 {
			r.b = append(r.b, ',')
		}
		r.b = append(r.b, `{"key":`...)
		r.str(h.Key)
		r.b = append(r.b, `,"value":`...)
		headerValue(&r, h.Value)
		r.b = append(r.b, '}')
	}
	r.b = append(r.b, `],"value":`...)
	r.b = append(r.b, value...)
	r.b = append(r.b, "}\n"...)
	return r.b
}

// decode renders data decoded by conv as JSON, compact when indent is ""
// (keys, the json format) and indented otherwise (the text format's value).
// A decoding failure renders as {"error":…,"raw_base64":…}.
func decode(conv converters.Converter, topic string, hdrs converters.Headers, data []byte, indent string) []byte {
	s, v, err := conv.ToConnect(topic, hdrs, data)
	if err == nil {
		return renderJSON(s, v, indent)
	}
	names := [...]string{"error", "raw_base64"}
	r := renderer{indent: indent}
	r.object(len(names), 0, func(i int) string { return names[i] }, func(i int) {
		if i == 0 {
			r.str(err.Error())
		} else {
			r.str(base64.StdEncoding.EncodeToString(data))
		}
	})
	return r.b
}

// headerValue renders a raw header value: a JSON string when it is UTF-8,
// null when absent, else {"base64":…}.
func headerValue(r *renderer, v []byte) {
	switch {
	case v == nil:
		r.b = append(r.b, "null"...)
	case utf8.Valid(v):
		r.str(string(v))
	default:
		r.b = append(r.b, `{"base64":`...)
		r.str(base64.StdEncoding.EncodeToString(v))
		r.b = append(r.b, '}')
	}
}

// timestampText renders a record timestamp, "-" when the record has none.
func timestampText(t time.Time) string {
	if t.IsZero() || t.UnixMilli() < 0 {
		return "-"
	}
	return formatTimestamp(t)
}
