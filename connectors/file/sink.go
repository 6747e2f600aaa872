package file

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// SinkConfigDef returns the sink's keys.
func SinkConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: KeyFile, Type: config.TypeString, Importance: config.ImportanceHigh,
			Doc: "Destination filename. If not specified, the standard output will be used."})
}

// SinkConnector is FileStreamSink.
type SinkConnector struct {
	props map[string]string
}

// NewSinkConnector returns an unstarted connector.
func NewSinkConnector() connect.SinkConnector { return &SinkConnector{} }

// Version implements connect.Connector.
func (c *SinkConnector) Version() string { return Version }

// Config implements connect.Connector.
func (c *SinkConnector) Config() *config.ConfigDef { return SinkConfigDef() }

// Validate implements connect.Connector.
func (c *SinkConnector) Validate(ctx context.Context, props map[string]string) error {
	_, err := SinkConfigDef().Parse(pick(props, KeyFile))
	return err
}

// Start implements connect.Connector.
func (c *SinkConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	if err := c.Validate(ctx, props); err != nil {
		return err
	}
	c.props = pick(props, KeyFile)
	return nil
}

// TaskConfigs implements connect.Connector: maxTasks identical configs.
func (c *SinkConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = clone(c.props)
	}
	return out, nil
}

// Stop implements connect.Connector.
func (c *SinkConnector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SinkConnector.
func (c *SinkConnector) NewTask() connect.SinkTask { return &SinkTask{} }

// SinkTask appends record values as lines.
type SinkTask struct {
	filename string
	f        *os.File
	w        *bufio.Writer
}

// Start opens (creates) the file for appending.
func (t *SinkTask) Start(ctx context.Context, tctx connect.SinkTaskContext, props map[string]string) error {
	v, err := SinkConfigDef().Parse(pick(props, KeyFile))
	if err != nil {
		return err
	}
	t.filename = v.String(KeyFile)
	var out io.Writer = os.Stdout
	if t.filename != "" {
		f, err := os.OpenFile(t.filename, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open %s: %w", t.filename, err)
		}
		t.f, out = f, f
	}
	t.w = bufio.NewWriterSize(out, 64<<10)
	return nil
}

// Open implements connect.SinkTask.
func (t *SinkTask) Open(ctx context.Context, partitions []connect.TopicPartition) error { return nil }

// Close implements connect.SinkTask.
func (t *SinkTask) Close(ctx context.Context, partitions []connect.TopicPartition) error { return nil }

// Put writes each value and a newline.
func (t *SinkTask) Put(ctx context.Context, records []*connect.SinkRecord) error {
	for _, r := range records {
		var err error
		switch v := r.Value.(type) {
		case string:
			_, err = t.w.WriteString(v)
		case []byte:
			_, err = t.w.Write(v)
		case nil:
			_, err = t.w.WriteString("null")
		default:
			_, err = fmt.Fprint(t.w, v)
		}
		if err == nil {
			err = t.w.WriteByte('\n')
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", t.filename, err)
		}
	}
	return nil
}

// Flush makes the written lines durable.
func (t *SinkTask) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("flush %s: %w", t.filename, err)
	}
	if t.f != nil {
		if err := t.f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", t.filename, err)
		}
	}
	return nil
}

// Stop flushes and closes the file.
func (t *SinkTask) Stop(ctx context.Context) error {
	if t.w == nil {
		return nil
	}
	err := t.w.Flush()
	if t.f != nil {
		if cerr := t.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
