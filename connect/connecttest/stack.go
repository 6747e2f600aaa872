package connecttest

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/converters/bytearray"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/converters/simpleheader"
	"github.com/onecconnect/onecconnect/converters/stringconv"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// StackOptions configure StartStack.
type StackOptions struct {
	// Kafka is the cluster the worker talks to; required.
	Kafka *testkit.KafkaCluster
	// Plugins holds the connectors under test; the String, Json, ByteArray
	// and SimpleHeader converters are added when missing (see
	// WithConverters). Required.
	Plugins *plugins.Registry
	// WorkerProps override the default worker properties (String
	// converters, 200 ms offset flush interval, 5 s task shutdown).
	WorkerProps map[string]string
	// OffsetsFile stores source offsets in a file (memory when empty).
	OffsetsFile string
	// Logs receives the worker's log output (a new buffer when nil).
	Logs *LogBuffer
	// LogLevel is the root log level (INFO when zero).
	LogLevel slog.Level
}

// Stack is a running worker, standalone herder and REST server.
type Stack struct {
	URL      string
	Client   *Client
	Worker   *runtime.Worker
	Herder   *herder.Standalone
	Server   *rest.Server
	Levels   *rest.LogLevels
	Logs     *LogBuffer
	Statuses *storage.MemoryStatusStore

	offsets storage.OffsetStore
	stopped bool
	served  chan error
}

// WithConverters adds the built-in converters to r unless they are there.
func WithConverters(r *plugins.Registry) *plugins.Registry {
	for _, p := range []struct {
		class string
		add   func()
	}{
		{stringconv.Class, func() { r.RegisterConverter(stringconv.Plugin()) }},
		{jsonconv.Class, func() { r.RegisterConverter(jsonconv.Plugin()) }},
		{bytearray.Plugin().Class, func() { r.RegisterConverter(bytearray.Plugin()) }},
		{simpleheader.Class, func() { r.RegisterConverter(simpleheader.Plugin()) }},
	} {
		if _, err := r.Lookup(p.class); err != nil {
			p.add()
		}
	}
	return r
}

// DefaultWorkerProps returns the worker properties the stack starts from.
func DefaultWorkerProps(k *testkit.KafkaCluster) map[string]string {
	return map[string]string{
		"bootstrap.servers":                 k.BootstrapString(),
		"key.converter":                     stringconv.Class,
		"value.converter":                   stringconv.Class,
		"offset.flush.interval.ms":          "200",
		"task.shutdown.graceful.timeout.ms": "5000",
		"listeners":                         "http://127.0.0.1:0",
	}
}

// StartStack starts a stack; it is stopped at the test's cleanup (or by
// Stop). The REST server listens on 127.0.0.1 on a free port.
func StartStack(t testing.TB, opts StackOptions) *Stack {
	t.Helper()
	if opts.Kafka == nil || opts.Plugins == nil {
		t.Fatal("connecttest: StackOptions.Kafka and .Plugins are required")
	}
	WithConverters(opts.Plugins)
	props := DefaultWorkerProps(opts.Kafka)
	maps.Copy(props, opts.WorkerProps)
	wc, err := runtime.ParseWorkerConfig(props)
	if err != nil {
		t.Fatalf("connecttest: worker config: %v", err)
	}
	if opts.Logs == nil {
		opts.Logs = &LogBuffer{}
	}
	levels := rest.NewLogLevels(opts.LogLevel)
	logger := slog.New(levels.Handler(slog.NewTextHandler(opts.Logs, &slog.HandlerOptions{Level: slog.Level(-100)})))

	var offsets storage.OffsetStore = storage.NewMemoryOffsetStore()
	if opts.OffsetsFile != "" {
		fo, err := storage.OpenFileOffsetStore(opts.OffsetsFile)
		if err != nil {
			t.Fatalf("connecttest: offsets file: %v", err)
		}
		offsets = fo
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("connecttest: listen: %v", err)
	}
	statuses := storage.NewMemoryStatusStore()
	metrics := runtime.NewMetrics(nil)
	resolver := config.DefaultResolver()
	w, err := runtime.NewWorker(wc, runtime.Options{
		WorkerID: l.Addr().String(), Offsets: offsets, Plugins: opts.Plugins,
		Logger: logger.With(rest.LoggerKey, "onecconnect.runtime"), Metrics: metrics, Resolver: resolver, Statuses: statuses,
	})
	if err != nil {
		l.Close()
		t.Fatalf("connecttest: new worker: %v", err)
	}
	h, err := herder.NewStandalone(herder.Options{
		Worker: w, Statuses: statuses, Resolver: resolver, Logger: logger.With(rest.LoggerKey, "onecconnect.herder"),
		Version: "3.9.0", Commit: "test",
	})
	if err != nil {
		l.Close()
		t.Fatalf("connecttest: new herder: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Start(ctx); err != nil {
		l.Close()
		t.Fatalf("connecttest: start herder: %v", err)
	}
	srv, err := rest.New(rest.Options{
		Herder: h, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"), Levels: levels,
		Metrics: metrics.Registry, AdminOnMain: true,
	})
	if err != nil {
		l.Close()
		t.Fatalf("connecttest: new REST server: %v", err)
	}
	s := &Stack{
		URL: "http://" + l.Addr().String(), Worker: w, Herder: h, Server: srv, Levels: levels,
		Logs: opts.Logs, Statuses: statuses, offsets: offsets, served: make(chan error, 1),
	}
	s.Client = NewClient(s.URL)
	go func() { s.served <- srv.Serve(l, false) }()
	t.Cleanup(func() {
		s.Stop(t)
		if t.Failed() {
			t.Logf("worker logs:\n%s", s.Logs.String())
		}
	})
	return s
}

// Stop shuts the REST server, the herder (every connector and task) and
// the offsets store down, in that order. Calling it twice is harmless.
func (s *Stack) Stop(t testing.TB) {
	t.Helper()
	if s.stopped {
		return
	}
	s.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Server.Shutdown(ctx); err != nil {
		t.Errorf("connecttest: REST shutdown: %v", err)
	}
	select {
	case err := <-s.served:
		if err != nil {
			t.Errorf("connecttest: REST serve: %v", err)
		}
	case <-ctx.Done():
		t.Errorf("connecttest: REST server did not stop")
	}
	if err := s.Herder.Stop(ctx); err != nil {
		t.Errorf("connecttest: herder stop: %v", err)
	}
	if err := s.offsets.Close(); err != nil {
		t.Errorf("connecttest: offsets close: %v", err)
	}
	s.Client.Close()
}

// Path returns "/connectors/<escaped name>" plus suffix.
func Path(name, suffix string) string { return "/connectors/" + url.PathEscape(name) + suffix }

// Status fetches a connector's status; ok is false on 404.
func (s *Stack) Status(t testing.TB, name string) (herder.ConnectorStateInfo, bool) {
	t.Helper()
	r := s.Client.Do(t, "GET", Path(name, "/status"), nil)
	if r.Status == 404 {
		return herder.ConnectorStateInfo{}, false
	}
	if r.Status != 200 {
		t.Fatalf("GET status of %s: %d %s", name, r.Status, r.Body)
	}
	var st herder.ConnectorStateInfo
	r.Decode(t, &st)
	return st, true
}

// WaitState waits up to timeout until the connector is in state conn and
// has exactly tasks tasks, all in state task ("" skips the task check).
func (s *Stack) WaitState(t testing.TB, name, conn string, tasks int, task string, timeout time.Duration) herder.ConnectorStateInfo {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last herder.ConnectorStateInfo
	for {
		st, ok := s.Status(t, name)
		last = st
		if ok && st.Connector.State == conn && (task == "" || (len(st.Tasks) == tasks && allTasks(st, task))) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("connector %s: want %s with %d %s tasks within %s; last status %+v", name, conn, tasks, task, timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func allTasks(st herder.ConnectorStateInfo, state string) bool {
	for _, ts := range st.Tasks {
		if ts.State != state {
			return false
		}
	}
	return true
}

// CheckNoSecrets fails the test if any secret appears in the logs or in
// any REST body the stack's client received.
func (s *Stack) CheckNoSecrets(t testing.TB, secrets ...string) {
	t.Helper()
	logs := s.Logs.String()
	bodies := s.Client.Bodies()
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		if strings.Contains(logs, sec) {
			t.Errorf("secret %q appears in the worker logs", sec)
		}
		for _, b := range bodies {
			if strings.Contains(b, sec) {
				t.Errorf("secret %q appears in a REST response: %s", sec, abbreviate(b))
				break
			}
		}
	}
}

func abbreviate(s string) string {
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
