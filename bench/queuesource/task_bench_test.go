package queuesource

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	qs "github.com/onecconnect/onecconnect/connectors/onec/queuesource"
)

// taskCtx is a bare SourceTaskContext: no stored offsets.
type taskCtx struct{}

func (taskCtx) TaskID() connect.TaskID { return connect.TaskID{Connector: "bench"} }
func (taskCtx) OffsetStorageReader() connect.OffsetStorageReader {
	return noOffsets{}
}
func (taskCtx) Logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

type noOffsets struct{}

func (noOffsets) Offset(context.Context, map[string]any) (map[string]any, error) { return nil, nil }
func (noOffsets) Offsets(_ context.Context, p []map[string]any) ([]map[string]any, error) {
	return make([]map[string]any, len(p)), nil
}

// taskRate drives one task directly (Poll, then CommitRecord for every
// record at once, as if Kafka acknowledged instantly): the connector's own
// cost, without converters and producer.
func (e *env) taskRate(b *testing.B, n int, mode string) float64 {
	e.fill(b, n)
	props := map[string]string{qs.KeyRegister: register, qs.KeyTopic: "t", qs.KeyKeyField: "Ключ", qs.KeyBatchSize: "2000",
		qs.KeyMode: mode, qs.KeyTimestampField: "ДатаСоздания"}
	for k, v := range e.dbProps {
		props[k] = v
	}
	task := &qs.Task{}
	ctx := context.Background()
	if err := task.Start(ctx, taskCtx{}, props); err != nil {
		b.Fatal(err)
	}
	defer task.Stop(ctx)
	got := 0
	start := time.Now()
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
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkQueueTask measures the task alone in both modes.
func BenchmarkQueueTask(b *testing.B) {
	n := benchRows()
	e := setup(b)
	for i := 0; i < b.N; i++ {
		off, _ := best(func() (float64, int) { return e.taskRate(b, n, qs.ModeOffset), 0 })
		del, _ := best(func() (float64, int) { return e.taskRate(b, n, qs.ModeDelete), 0 })
		b.ReportMetric(off, "offset-rec/s")
		b.ReportMetric(del, "delete-rec/s")
		b.Logf("task alone: offset mode %.0f rec/s, delete mode %.0f rec/s (rows read, decoded, built into records; deleted in delete mode)", off, del)
	}
}
