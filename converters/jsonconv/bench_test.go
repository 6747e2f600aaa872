package jsonconv

import (
	"syscall"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/schema/schematest"
)

func benchConverters(b *testing.B) map[string]*Converter {
	out := map[string]*Converter{}
	for name, props := range map[string]map[string]string{"envelope": nil, "schemaless": schemaless, "numeric": numeric} {
		c := New()
		if err := c.Configure(props, false); err != nil {
			b.Fatal(err)
		}
		out[name] = c
	}
	return out
}

// BenchmarkEncodeOneC measures FromConnect for the 1C-like record (20
// fields, 10-row tabular section). Target: ≤ 5 µs/record.
func BenchmarkEncodeOneC(b *testing.B) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	for _, name := range []string{"envelope", "schemaless", "numeric"} {
		c := benchConverters(b)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime(b)
			defer reportCPU(b, start)
			var n int
			for b.Loop() {
				out, err := c.FromConnect("t", nil, s, rec)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.SetBytes(int64(n))
		})
	}
}

// BenchmarkDecodeOneC measures ToConnect for the same record.
func BenchmarkDecodeOneC(b *testing.B) {
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	for _, name := range []string{"envelope", "schemaless", "numeric"} {
		c := benchConverters(b)[name]
		data, err := c.FromConnect("t", nil, s, rec)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			start := cpuTime(b)
			defer reportCPU(b, start)
			for b.Loop() {
				if _, _, err := c.ToConnect("t", nil, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
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
