package avro

import (
	"syscall"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func BenchmarkEncodeOneC(b *testing.B) {
	c, _ := newTestConverter(b, false, nil)
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	if _, err := c.FromConnect("bench", nil, s, rec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime(b)
	defer reportCPU(b, start)
	for b.Loop() {
		if _, err := c.FromConnect("bench", nil, s, rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeOneC(b *testing.B) {
	c, _ := newTestConverter(b, false, nil)
	s := schematest.OneCSchema()
	data, err := c.FromConnect("bench", nil, s, schematest.OneCRecord(s, 1))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := c.ToConnect("bench", nil, data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime(b)
	defer reportCPU(b, start)
	for b.Loop() {
		if _, _, err := c.ToConnect("bench", nil, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeOneCGenericHamba is the alternative the design notes
// weighed: convert the Connect value to map[string]any and let hamba's
// generic encoder write it. Conversion is part of the cost.
func BenchmarkEncodeOneCGenericHamba(b *testing.B) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	text, err := toAvroSchema(s, genOptions{meta: true})
	if err != nil {
		b.Fatal(err)
	}
	h, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		b.Fatal(err)
	}
	names := fieldNames(s)
	rowNames := fieldNames(s.Fields()[19].Schema.ValueSchema())
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime(b)
	defer reportCPU(b, start)
	for b.Loop() {
		m := toGenericMap(rec, names, rowNames)
		if _, err := avro.Marshal(h, m); err != nil {
			b.Fatal(err)
		}
	}
}

// toGenericMap converts the 1C record to hamba's generic form.
func toGenericMap(st *schema.Struct, names, rowNames []string) map[string]any {
	conv := func(v any) any {
		switch x := v.(type) {
		case decimal.Decimal:
			return x.Rat()
		case time.Time:
			return x
		}
		return v
	}
	m := make(map[string]any, len(names))
	for i, f := range st.Schema().Fields() {
		v := st.At(i)
		switch f.Name {
		case "Товары":
			rows := v.([]any)
			out := make([]any, len(rows))
			for j, r := range rows {
				rs := r.(*schema.Struct)
				rm := make(map[string]any, len(rowNames))
				for k := range rowNames {
					rm[rowNames[k]] = conv(rs.At(k))
				}
				out[j] = rm
			}
			m[names[i]] = out
		case "Основание":
			cs := v.(*schema.Struct)
			m[names[i]] = map[string]any{"onec.Composite": map[string]any{"type": cs.At(0), "value": cs.At(1)}}
		case "ВремяДоставки":
			if t, ok := v.(time.Time); ok {
				ms, _ := schema.TimeToMillis(t)
				m[names[i]] = time.Duration(ms) * time.Millisecond
			}
		default:
			m[names[i]] = conv(v)
		}
	}
	return m
}

// cpuTime returns the process's user+system CPU time. Benchmarks report
// cpu-ns/op from it besides wall ns/op: on a shared, loaded machine wall
// time mostly measures waiting for a core.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}
