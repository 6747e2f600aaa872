package httpsink

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// fakeContext is a SinkTaskContext whose errant record reporter records
// what it gets and, with failOnReport, refuses like errors.tolerance=none.
type fakeContext struct {
	id           connect.TaskID
	log          *slog.Logger
	failOnReport bool

	mu       sync.Mutex
	reported []reportedRecord
}

type reportedRecord struct {
	rec *connect.SinkRecord
	err error
}

func newFakeContext() *fakeContext {
	return &fakeContext{id: connect.TaskID{Connector: "http-test", Task: 0}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func (c *fakeContext) TaskID() connect.TaskID                             { return c.id }
func (c *fakeContext) Offset(map[connect.TopicPartition]int64)            {}
func (c *fakeContext) Assignment() []connect.TopicPartition               { return nil }
func (c *fakeContext) Pause(...connect.TopicPartition)                    {}
func (c *fakeContext) Resume(...connect.TopicPartition)                   {}
func (c *fakeContext) RequestCommit()                                     {}
func (c *fakeContext) ErrantRecordReporter() connect.ErrantRecordReporter { return c }
func (c *fakeContext) Logger() *slog.Logger                               { return c.log }

func (c *fakeContext) Report(ctx context.Context, rec *connect.SinkRecord, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reported = append(c.reported, reportedRecord{rec: rec, err: err})
	if c.failOnReport {
		return err
	}
	return nil
}

func (c *fakeContext) reports() []reportedRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]reportedRecord(nil), c.reported...)
}

// record builds a sink record.
func record(topic string, partition int32, offset int64, key, value any) *connect.SinkRecord {
	return &connect.SinkRecord{
		Record:        connect.Record{Topic: topic, Partition: connect.PartitionOf(partition), Key: key, Value: value, Offset: offset},
		OriginalTopic: topic, OriginalPartition: partition, OriginalOffset: offset,
	}
}

// startTask starts a task with props and stops it at cleanup.
func startTask(t *testing.T, tctx connect.SinkTaskContext, props map[string]string) *Task {
	t.Helper()
	task := NewTask()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := task.Start(ctx, tctx, props); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = task.Stop(ctx)
	})
	return task
}

// waitCommitted calls PreCommit until it returns want for every partition
// or the timeout passes; it returns the last answer.
func waitCommitted(t *testing.T, task *Task, want map[connect.TopicPartition]int64, timeout time.Duration) map[connect.TopicPartition]int64 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := task.PreCommit(context.Background(), want)
		if err != nil {
			t.Fatalf("PreCommit: %v", err)
		}
		same := len(got) == len(want)
		for tp, off := range want {
			if got[tp] != off {
				same = false
			}
		}
		if same {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("offsets not committable within %v: got %v, want %v", timeout, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
