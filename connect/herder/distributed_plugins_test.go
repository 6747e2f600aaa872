package herder_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// startCounter counts task starts per task id ("<connector>-<n>") across
// every worker of a test cluster.
type startCounter struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *startCounter) add(id connect.TaskID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[id.String()]++
}

func (s *startCounter) get(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id]
}

// seqPlugins returns the toy connectors plus SeqSource: each task counts
// its starts and, when topic is set, writes the strictly increasing
// sequence 0, 1, 2, … as "<task>:<n>" values keyed "t<task>", with source
// partition {"task": n} and offset {"seq": n}; a restarted task resumes
// after the stored offset.
func seqPlugins(starts *startCounter) *plugins.Registry {
	r := connecttest.ToyPlugins()
	def := func() *config.ConfigDef {
		return config.NewConfigDef().
			Define(config.Key{Name: "topic", Type: config.TypeString, Default: "", Group: "Seq", Doc: "Topic; empty: emit nothing."}).
			Define(config.Key{Name: "batch", Type: config.TypeInt, Default: int32(10), Group: "Seq", Doc: "Records per poll."})
	}
	r.Register(plugins.Plugin{Class: "SeqSource", Kind: plugins.KindSource, Version: "0.1.0", Config: def,
		NewSource: func() connect.SourceConnector { return &seqConnector{def: def, starts: starts} }})
	return r
}

type seqConnector struct {
	def    func() *config.ConfigDef
	starts *startCounter
	props  map[string]string
}

func (c *seqConnector) Version() string                                   { return "0.1.0" }
func (c *seqConnector) Config() *config.ConfigDef                         { return c.def() }
func (c *seqConnector) Validate(context.Context, map[string]string) error { return nil }
func (c *seqConnector) Stop(context.Context) error                        { return nil }
func (c *seqConnector) NewTask() connect.SourceTask                       { return &seqTask{starts: c.starts} }
func (c *seqConnector) Start(_ context.Context, _ connect.ConnectorContext, props map[string]string) error {
	c.props = props
	return nil
}
func (c *seqConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = map[string]string{"topic": c.props["topic"], "batch": c.props["batch"], "task.index": strconv.Itoa(i)}
	}
	return out, nil
}

type seqTask struct {
	starts *startCounter
	topic  string
	index  int
	batch  int
	next   int64
}

func (t *seqTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	t.starts.add(tctx.TaskID())
	t.topic = props["topic"]
	t.index, _ = strconv.Atoi(props["task.index"])
	t.batch, _ = strconv.Atoi(props["batch"])
	if t.batch <= 0 {
		t.batch = 10
	}
	off, err := tctx.OffsetStorageReader().Offset(ctx, map[string]any{"task": int64(t.index)})
	if err != nil {
		return fmt.Errorf("read offset: %w", err)
	}
	if off != nil {
		switch v := off["seq"].(type) {
		case int64:
			t.next = v + 1
		case float64:
			t.next = int64(v) + 1
		}
	}
	return nil
}

func (t *seqTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	select {
	case <-ctx.Done():
		return nil, nil
	case <-time.After(20 * time.Millisecond):
	}
	if t.topic == "" {
		return nil, nil
	}
	recs := make([]*connect.SourceRecord, 0, t.batch)
	for range t.batch {
		recs = append(recs, &connect.SourceRecord{
			Record:          connect.Record{Topic: t.topic, Key: "t" + strconv.Itoa(t.index), Value: fmt.Sprintf("%d:%d", t.index, t.next)},
			SourcePartition: map[string]any{"task": int64(t.index)},
			SourceOffset:    map[string]any{"seq": t.next},
		})
		t.next++
	}
	return recs, nil
}

func (t *seqTask) Commit(context.Context) error { return nil }
func (t *seqTask) CommitRecord(context.Context, *connect.SourceRecord, *connect.RecordMetadata) error {
	return nil
}
func (t *seqTask) Stop(context.Context) error { return nil }
