package connecttest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Keys of the toy connectors.
const (
	// ToyKeyFailMarker names a file; while it exists, the toy tasks fail
	// at Start (a task that fails, then recovers after a restart).
	ToyKeyFailMarker = "fail.marker"
	// ToyKeySecret is a PASSWORD key, for masking checks.
	ToyKeySecret = "secret.password"
	// ToyKeyFlag is a BOOLEAN key, for JSON coercion checks.
	ToyKeyFlag = "toy.flag"
	// ToyKeyTopic is where ToySource would write (it emits nothing).
	ToyKeyTopic = "topic"
)

// ToyPlugins returns a registry with two deterministic connectors for
// herder and REST tests: ToySource (emits nothing, answers Poll slowly)
// and ToySink (accepts and drops records). Both split into tasks.max
// identical tasks and fail their tasks at Start while the file named by
// fail.marker exists.
func ToyPlugins() *plugins.Registry {
	r := plugins.New()
	r.Register(plugins.Plugin{Class: "ToySource", Aliases: []string{"org.example.ToySourceConnector"}, Kind: plugins.KindSource,
		Version: "0.1.0", Config: toyConfigDef, NewSource: func() connect.SourceConnector { return &toySource{} }})
	r.Register(plugins.Plugin{Class: "ToySink", Kind: plugins.KindSink,
		Version: "0.1.0", Config: toyConfigDef, NewSink: func() connect.SinkConnector { return &toySink{} }})
	return WithConverters(r)
}

func toyConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: ToyKeyFailMarker, Type: config.TypeString, Default: "", Group: "Toy",
			Doc: "While this file exists, tasks fail at start."}).
		Define(config.Key{Name: ToyKeySecret, Type: config.TypePassword, Group: "Toy",
			Doc: "A secret that must never be shown."}).
		Define(config.Key{Name: ToyKeyFlag, Type: config.TypeBoolean, Default: false, Group: "Toy",
			Doc: "A boolean."}).
		Define(config.Key{Name: ToyKeyTopic, Type: config.TypeString, Default: "", Group: "Toy",
			Doc: "Unused topic name."})
}

type toyConnector struct{ props map[string]string }

func (c *toyConnector) Version() string           { return "0.1.0" }
func (c *toyConnector) Config() *config.ConfigDef { return toyConfigDef() }
func (c *toyConnector) Validate(ctx context.Context, props map[string]string) error {
	if strings.Contains(props[ToyKeyFailMarker], "\x00") {
		return &config.ValidationError{Errors: map[string][]string{ToyKeyFailMarker: {"fail.marker must be a path"}}}
	}
	return nil
}
func (c *toyConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	c.props = maps.Clone(props)
	return nil
}
func (c *toyConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = map[string]string{ToyKeyFailMarker: c.props[ToyKeyFailMarker], "task.index": fmt.Sprint(i)}
	}
	return out, nil
}
func (c *toyConnector) Stop(ctx context.Context) error { return nil }

type toySource struct{ toyConnector }

func (c *toySource) NewTask() connect.SourceTask { return &toySourceTask{} }

type toySink struct{ toyConnector }

func (c *toySink) NewTask() connect.SinkTask { return &toySinkTask{} }

func failIfMarked(props map[string]string) error {
	if m := props[ToyKeyFailMarker]; m != "" {
		if _, err := os.Stat(m); err == nil {
			return errors.New("toy task failure: marker file " + m + " exists")
		}
	}
	return nil
}

type toySourceTask struct{}

func (t *toySourceTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	return failIfMarked(props)
}
func (t *toySourceTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) {
	select {
	case <-ctx.Done():
	case <-time.After(100 * time.Millisecond):
	}
	return nil, nil
}
func (t *toySourceTask) Commit(ctx context.Context) error { return nil }
func (t *toySourceTask) CommitRecord(ctx context.Context, rec *connect.SourceRecord, md *connect.RecordMetadata) error {
	return nil
}
func (t *toySourceTask) Stop(ctx context.Context) error { return nil }

type toySinkTask struct{}

func (t *toySinkTask) Start(ctx context.Context, tctx connect.SinkTaskContext, props map[string]string) error {
	return failIfMarked(props)
}
func (t *toySinkTask) Open(ctx context.Context, partitions []connect.TopicPartition) error {
	return nil
}
func (t *toySinkTask) Put(ctx context.Context, records []*connect.SinkRecord) error { return nil }
func (t *toySinkTask) Flush(ctx context.Context, offsets map[connect.TopicPartition]int64) error {
	return nil
}
func (t *toySinkTask) Close(ctx context.Context, partitions []connect.TopicPartition) error {
	return nil
}
func (t *toySinkTask) Stop(ctx context.Context) error { return nil }
