package file

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

// Configuration keys, as Kafka's FileStream connectors.
const (
	KeyFile      = "file"
	KeyTopic     = "topic"
	KeyBatchSize = "batch.size"
)

// Version of the FileStream connectors.
const Version = "1.0.0"

// Offset map keys, as Kafka's.
const (
	PartitionFilename = "filename"
	OffsetPosition    = "position"
)

var valueSchema = schema.String().MustBuild()

// SourceConfigDef returns the source's keys.
func SourceConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: KeyFile, Type: config.TypeString, Importance: config.ImportanceHigh,
			Doc: "Source filename. If not specified, the standard input will be used."}).
		Define(config.Key{Name: KeyTopic, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
			Importance: config.ImportanceHigh, Doc: "The topic to publish data to."}).
		Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: 2000, Validator: config.AtLeast(1),
			Importance: config.ImportanceLow, Doc: "The maximum number of records the source task can read from the file each time it is polled."})
}

// SourceConnector is FileStreamSource.
type SourceConnector struct {
	props map[string]string
}

// NewSourceConnector returns an unstarted connector.
func NewSourceConnector() connect.SourceConnector { return &SourceConnector{} }

// Version implements connect.Connector.
func (c *SourceConnector) Version() string { return Version }

// Config implements connect.Connector.
func (c *SourceConnector) Config() *config.ConfigDef { return SourceConfigDef() }

// Validate implements connect.Connector.
func (c *SourceConnector) Validate(ctx context.Context, props map[string]string) error {
	_, err := SourceConfigDef().Parse(pick(props, KeyFile, KeyTopic, KeyBatchSize))
	return err
}

// Start implements connect.Connector.
func (c *SourceConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	if err := c.Validate(ctx, props); err != nil {
		return err
	}
	c.props = pick(props, KeyFile, KeyTopic, KeyBatchSize)
	return nil
}

// TaskConfigs implements connect.Connector: one task, whatever maxTasks.
func (c *SourceConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return []map[string]string{clone(c.props)}, nil
}

// Stop implements connect.Connector.
func (c *SourceConnector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SourceConnector.
func (c *SourceConnector) NewTask() connect.SourceTask { return &SourceTask{} }

// SourceTask reads lines.
type SourceTask struct {
	filename  string
	topic     string
	batchSize int
	log       interface{ Info(string, ...any) }

	mu        sync.Mutex // guards f (Stop may close it while Poll runs)
	f         *os.File
	in        *bufio.Reader
	pos       int64 // byte position after the last line returned
	partial   []byte
	partition map[string]any
}

// Start opens the file and seeks to the committed position.
func (t *SourceTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	v, err := SourceConfigDef().Parse(pick(props, KeyFile, KeyTopic, KeyBatchSize))
	if err != nil {
		return err
	}
	t.filename, t.topic, t.batchSize = v.String(KeyFile), v.String(KeyTopic), v.Int(KeyBatchSize)
	t.log = tctx.Logger()
	if t.filename == "" {
		t.in = bufio.NewReaderSize(os.Stdin, 64<<10)
		return nil
	}
	t.partition = map[string]any{PartitionFilename: t.filename}
	off, err := tctx.OffsetStorageReader().Offset(ctx, t.partition)
	if err != nil {
		return fmt.Errorf("read offset of %s: %w", t.filename, err)
	}
	if off != nil {
		p, ok := off[OffsetPosition].(int64)
		if !ok || p < 0 {
			return fmt.Errorf("stored offset of %s has no valid %q: %v", t.filename, OffsetPosition, off)
		}
		t.pos = p
	}
	return nil
}

// open opens the file lazily (it may appear later) at the position.
func (t *SourceTask) open() error {
	f, err := os.Open(t.filename)
	if err != nil {
		return err
	}
	if t.pos > 0 {
		if _, err := f.Seek(t.pos, io.SeekStart); err != nil {
			f.Close()
			return fmt.Errorf("seek %s to %d: %w", t.filename, t.pos, err)
		}
		t.log.Info("resuming file source", "file", t.filename, "position", t.pos)
	}
	t.mu.Lock()
	t.f = f
	t.mu.Unlock()
	t.in = bufio.NewReaderSize(f, 64<<10)
	return nil
}

// Poll returns up to batch.size complete lines; at the end of the file it
// waits up to a second for more.
func (t *SourceTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	if t.in == nil {
		if err := t.open(); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, sleep(ctx, time.Second)
			}
			return nil, fmt.Errorf("open %s: %w", t.filename, err)
		}
	}
	var out []*connect.SourceRecord
	for len(out) < t.batchSize {
		chunk, err := t.in.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			t.partial = append(t.partial, chunk...)
			continue
		}
		if len(chunk) > 0 && err == nil {
			line := chunk[:len(chunk)-1]
			n := int64(len(t.partial) + len(chunk))
			if len(t.partial) > 0 {
				line = append(t.partial, line...)
				t.partial = t.partial[:0]
			}
			line = bytes.TrimSuffix(line, []byte{'\r'})
			t.pos += n
			out = append(out, t.record(string(line)))
			continue
		}
		if len(chunk) > 0 {
			t.partial = append(t.partial, chunk...) // incomplete last line
		}
		if err == io.EOF {
			if len(out) == 0 {
				return nil, sleep(ctx, 250*time.Millisecond)
			}
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("read %s: %w", t.filename, err)
		}
	}
	return out, nil
}

func (t *SourceTask) record(line string) *connect.SourceRecord {
	r := &connect.SourceRecord{Record: connect.Record{Topic: t.topic, ValueSchema: valueSchema, Value: line}}
	if t.partition != nil {
		r.SourcePartition = t.partition
		r.SourceOffset = map[string]any{OffsetPosition: t.pos}
	}
	return r
}

// Commit implements connect.SourceTask (nothing to do).
func (t *SourceTask) Commit(ctx context.Context) error { return nil }

// CommitRecord implements connect.SourceTask (nothing to do).
func (t *SourceTask) CommitRecord(ctx context.Context, rec *connect.SourceRecord, md *connect.RecordMetadata) error {
	return nil
}

// Stop closes the file.
func (t *SourceTask) Stop(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.f != nil {
		err := t.f.Close()
		t.f = nil
		return err
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return nil
	case <-timer.C:
		return nil
	}
}

func pick(props map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
