package queuesource

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	qs "github.com/onecconnect/onecconnect/connectors/onec/queuesource"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// taskRate drives one task directly (Poll, then CommitRecord for every
// record at once, as if Kafka acknowledged instantly): the connector's own
// cost, without converters and producer. It returns records/s, the CPU
// time of this process per record in µs (the task's own work: reading the
// wire, mapping, building records; PostgreSQL runs in its own processes)
// and the heap allocations per record.
func (e *env) taskRate(b *testing.B, n int, mode string) (rate, cpuµs, allocs float64) {
	e.fill(b, n)
	props := map[string]string{qs.KeyRegister: register, qs.KeyTopic: "t", qs.KeyKeyField: "Ключ", qs.KeyBatchSize: "2000",
		qs.KeyMode: mode, qs.KeyTimestampField: "ДатаСоздания"}
	for k, v := range e.dbProps {
		props[k] = v
	}
	task := &qs.Task{}
	ctx := context.Background()
	if err := task.Start(ctx, &connecttest.SourceContext{Logs: io.Discard}, props); err != nil {
		b.Fatal(err)
	}
	defer task.Stop(ctx)
	got := 0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	start, cpu0, mallocs0 := time.Now(), testkit.ProcessCPU(), ms.Mallocs
	for got < n {
		recs, err := task.Poll(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			_ = task.CommitRecord(ctx, r, &connect.RecordMetadata{})
		}
		got += len(recs)
		if time.Since(start) > 5*time.Minute {
			b.Fatal("task too slow")
		}
	}
	el, cpu := time.Since(start), testkit.ProcessCPU()-cpu0
	runtime.ReadMemStats(&ms)
	return float64(n) / el.Seconds(), float64(cpu.Nanoseconds()) / float64(n) / 1000, float64(ms.Mallocs-mallocs0) / float64(n)
}

// BenchmarkQueueTask measures the task alone in both modes: the best rate
// of BENCH_REPEAT runs, and the least CPU per record.
func BenchmarkQueueTask(b *testing.B) {
	n := benchRows()
	e := setup(b)
	for i := 0; i < b.N; i++ {
		var off, del, offCPU, delCPU, offAllocs, delAllocs float64
		for range benchRepeat() {
			r, c, a := e.taskRate(b, n, qs.ModeOffset)
			off, offCPU, offAllocs = max(off, r), minPositive(offCPU, c), a
			r, c, a = e.taskRate(b, n, qs.ModeDelete)
			del, delCPU, delAllocs = max(del, r), minPositive(delCPU, c), a
		}
		b.ReportMetric(off, "offset-rec/s")
		b.ReportMetric(del, "delete-rec/s")
		b.ReportMetric(offCPU, "offset-cpu-µs/rec")
		b.ReportMetric(delCPU, "delete-cpu-µs/rec")
		b.ReportMetric(offAllocs, "offset-allocs/rec")
		b.ReportMetric(delAllocs, "delete-allocs/rec")
		b.Logf("task alone: offset mode %.0f rec/s, %.2f µs CPU and %.1f allocations a record; delete mode %.0f rec/s, %.2f µs CPU and %.1f allocations a record "+
			"(rows read, decoded, built into records; deleted in delete mode)", off, offCPU, offAllocs, del, delCPU, delAllocs)
	}
}

// minPositive is the smaller of a and b, ignoring a zero a (no value yet).
func minPositive(a, b float64) float64 {
	if a <= 0 {
		return b
	}
	return min(a, b)
}
