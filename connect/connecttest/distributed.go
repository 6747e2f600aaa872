package connecttest

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/converters/stringconv"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// ClusterOptions configure StartCluster.
type ClusterOptions struct {
	// Kafka is the cluster the workers share; required.
	Kafka *testkit.KafkaCluster
	// Plugins holds the connectors under test (converters are added as in
	// StackOptions); required.
	Plugins *plugins.Registry
	// Workers is how many workers StartCluster starts (AddWorker adds more).
	Workers int
	// WorkerProps override DefaultDistributedProps for every worker.
	WorkerProps map[string]string
	// LogLevel is the root log level of every worker (INFO when zero).
	LogLevel slog.Level
}

// Cluster is a distributed Connect cluster in the test process: workers
// with their own REST listener on 127.0.0.1, their own Kafka clients and
// stores, sharing one group and one set of internal topics.
type Cluster struct {
	opts  ClusterOptions
	props map[string]string

	mu      sync.Mutex
	workers []*DWorker
	seq     int
}

// DWorker is one worker of a Cluster.
type DWorker struct {
	// Name is the worker's name in the test ("w0", "w1", …).
	Name string
	// URL is the REST base URL ("http://127.0.0.1:port"); ID the worker id
	// in statuses ("127.0.0.1:port").
	URL, ID string
	Client  *Client
	Herder  *herder.Distributed
	Worker  *runtime.Worker
	Server  *rest.Server
	Logs    *LogBuffer

	mu     sync.Mutex
	gone   bool
	served chan error
}

// DefaultDistributedProps returns the worker properties of a test cluster:
// the group and topic names derived from group, String converters, short
// flush interval, session.timeout.ms=6000 (kfake's minimum),
// heartbeat.interval.ms=1000 and scheduled.rebalance.max.delay.ms=0, so
// that failovers take seconds.
func DefaultDistributedProps(k *testkit.KafkaCluster, group string) map[string]string {
	rf := strconv.Itoa(min(3, len(k.Bootstrap)))
	if k.External() {
		rf = "-1"
	}
	return map[string]string{
		"bootstrap.servers":                 k.BootstrapString(),
		"group.id":                          group,
		"config.storage.topic":              group + "-configs",
		"offset.storage.topic":              group + "-offsets",
		"status.storage.topic":              group + "-status",
		"config.storage.replication.factor": rf,
		"offset.storage.replication.factor": rf,
		"status.storage.replication.factor": rf,
		"offset.storage.partitions":         "5",
		"status.storage.partitions":         "3",
		"key.converter":                     stringconv.Class,
		"value.converter":                   stringconv.Class,
		"offset.flush.interval.ms":          "200",
		"task.shutdown.graceful.timeout.ms": "5000",
		"session.timeout.ms":                "6000",
		"heartbeat.interval.ms":             "1000",
		"rebalance.timeout.ms":              "30000",
		"scheduled.rebalance.max.delay.ms":  "0",
		"listeners":                         "http://127.0.0.1:0",
	}
}

// StartCluster starts opts.Workers workers and waits until they form a
// stable group; every worker is stopped at the test's cleanup.
func StartCluster(t testing.TB, opts ClusterOptions) *Cluster {
	t.Helper()
	if opts.Kafka == nil || opts.Plugins == nil {
		t.Fatal("connecttest: ClusterOptions.Kafka and .Plugins are required")
	}
	WithConverters(opts.Plugins)
	c := &Cluster{opts: opts, props: DefaultDistributedProps(opts.Kafka, testkit.UniqueTopic("connect-cluster"))}
	maps.Copy(c.props, opts.WorkerProps)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		for _, w := range c.Workers() {
			wg.Add(1)
			go func() { defer wg.Done(); w.stop(ctx, t) }()
		}
		wg.Wait()
		if t.Failed() {
			for _, w := range c.all() {
				t.Logf("logs of worker %s (%s):\n%s", w.Name, w.ID, w.Logs.String())
			}
		}
	})
	for range opts.Workers {
		c.AddWorker(t)
	}
	if opts.Workers > 0 {
		c.WaitStable(t, 60*time.Second)
	}
	return c
}

// Props returns a copy of the worker properties every worker starts with.
func (c *Cluster) Props() map[string]string { return maps.Clone(c.props) }

// AddWorker starts one more worker and returns it without waiting for the
// group to rebalance.
func (c *Cluster) AddWorker(t testing.TB) *DWorker {
	t.Helper()
	w, err := c.TryAddWorker(context.Background())
	if err != nil {
		t.Fatalf("connecttest: start worker: %v", err)
	}
	return w
}

// TryAddWorker starts one more worker and returns it, or the error that
// kept it from starting (for tests of refused configurations).
func (c *Cluster) TryAddWorker(ctx context.Context) (*DWorker, error) {
	c.mu.Lock()
	name := fmt.Sprintf("w%d", c.seq)
	c.seq++
	c.mu.Unlock()
	wc, err := runtime.ParseWorkerConfig(c.props)
	if err != nil {
		return nil, fmt.Errorf("worker config: %w", err)
	}
	logs := &LogBuffer{}
	levels := rest.NewLogLevels(c.opts.LogLevel)
	logger := slog.New(levels.Handler(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.Level(-100)})))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	id := l.Addr().String()
	url := herder.AdvertisedURL(wc, "http", id)
	stores, err := herder.NewDistributedStores(wc, logger.With(rest.LoggerKey, "onecconnect.storage"))
	if err != nil {
		l.Close()
		return nil, err
	}
	fence := herder.NewOffsetFence(stores.Offsets)
	resolver := config.DefaultResolver()
	w, err := runtime.NewWorker(wc, runtime.Options{
		WorkerID: id, Offsets: fence, Plugins: c.opts.Plugins, Resolver: resolver, Statuses: stores.Statuses,
		Logger: logger.With(rest.LoggerKey, "onecconnect.runtime"), Metrics: runtime.NewMetrics(nil),
	})
	if err != nil {
		l.Close()
		return nil, err
	}
	cc, err := herder.ClusterConfig(wc, url, logger.With(rest.LoggerKey, "onecconnect.cluster"))
	if err != nil {
		l.Close()
		return nil, err
	}
	signing, err := herder.SigningFromWorker(wc)
	if err != nil {
		l.Close()
		return nil, err
	}
	h, err := herder.NewDistributed(herder.DistributedOptions{
		Worker: w, Configs: stores.Configs, Offsets: stores.Offsets, Statuses: stores.Statuses, Fence: fence,
		Cluster: cc, Signing: signing, Publisher: rest.NewInternalClient(nil), Resolver: resolver,
		Logger: logger.With(rest.LoggerKey, "onecconnect.herder"), Version: "3.9.0", Commit: "test",
	})
	if err != nil {
		l.Close()
		return nil, err
	}
	srv, err := rest.New(rest.Options{Herder: h, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"), Levels: levels, AdminOnMain: true})
	if err != nil {
		l.Close()
		return nil, err
	}
	dw := &DWorker{Name: name, URL: "http://" + id, ID: id, Herder: h, Worker: w, Server: srv, Logs: logs, served: make(chan error, 1)}
	dw.Client = NewClient(dw.URL)
	go func() { dw.served <- srv.Serve(l, false) }()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := h.Start(sctx); err != nil {
		_ = srv.Shutdown(sctx)
		return nil, fmt.Errorf("start herder of %s: %w", name, err)
	}
	c.mu.Lock()
	c.workers = append(c.workers, dw)
	c.mu.Unlock()
	return dw, nil
}

// Workers returns the workers that are still running, in start order.
func (c *Cluster) Workers() []*DWorker {
	var out []*DWorker
	for _, w := range c.all() {
		if !w.Gone() {
			out = append(out, w)
		}
	}
	return out
}

func (c *Cluster) all() []*DWorker {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*DWorker(nil), c.workers...)
}

// Leader returns the running worker whose assignment names it leader, nil
// when none does.
func (c *Cluster) Leader() *DWorker {
	for _, w := range c.Workers() {
		if w.Herder.Member().IsLeader() {
			return w
		}
	}
	return nil
}

// Follower returns a running worker that is not the leader, nil when there
// is none.
func (c *Cluster) Follower() *DWorker {
	for _, w := range c.Workers() {
		if r, ok := w.Herder.Member().Round(); ok && !r.IsLeader() {
			return w
		}
	}
	return nil
}

// WaitStable waits until every running worker holds an assignment of the
// same generation, none is rebalancing, and exactly one is the leader.
func (c *Cluster) WaitStable(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ws := c.Workers()
		leaders, gen, ok := 0, int32(-2), len(ws) > 0
		for _, w := range ws {
			m := w.Herder.Member()
			r, in := m.Round()
			if !in || m.Rebalancing() || (gen != -2 && r.Generation != gen) {
				ok = false
				break
			}
			gen = r.Generation
			if r.IsLeader() {
				leaders++
			}
		}
		if ok && leaders == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("connecttest: cluster of %d workers not stable after %v", len(ws), timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Gone reports whether the worker was stopped or killed.
func (w *DWorker) Gone() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone
}

func (w *DWorker) markGone() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gone {
		return false
	}
	w.gone = true
	return true
}

// Stop stops the worker gracefully: its herder revokes everything and
// leaves the group (others take over at the next rebalance), then the REST
// server stops.
func (w *DWorker) Stop(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	w.stop(ctx, t)
}

func (w *DWorker) stop(ctx context.Context, t testing.TB) {
	if !w.markGone() {
		return
	}
	if err := w.Herder.Stop(ctx); err != nil {
		t.Errorf("connecttest: stop worker %s: %v", w.Name, err)
	}
	if err := w.Server.Shutdown(ctx); err != nil {
		t.Errorf("connecttest: REST shutdown of %s: %v", w.Name, err)
	}
	<-w.served
	w.Client.Close()
}

// Kill simulates the worker's process dying: its REST listener closes at
// once, heartbeats stop without LeaveGroup, and it writes nothing more
// (no statuses, no offsets) while its tasks are torn down. The group
// notices after session.timeout.ms.
func (w *DWorker) Kill(t testing.TB) {
	t.Helper()
	if !w.markGone() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = w.Server.Shutdown(ctx) // closes the listeners and connections now
	kctx, kcancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer kcancel()
	w.Herder.Kill(kctx)
	<-w.served
	w.Client.Close()
}

// ExpectEventually sends the request until it answers want, retrying while
// it answers 409 (a rebalance in progress, as Kafka Connect clients do) or
// 404 (a worker that has not read a new connector yet), up to timeout; the
// body is decoded into out when out is not nil.
func (c *Client) ExpectEventually(t testing.TB, method, path string, body any, want int, out any, timeout time.Duration) Response {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := c.Do(t, method, path, body)
		if r.Status == want {
			if out != nil {
				r.Decode(t, out)
			}
			return r
		}
		if (r.Status != 409 && r.Status != 404) || time.Now().After(deadline) {
			t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitStatus polls GET /connectors/{name}/status through c until the
// connector is in connState with exactly tasks tasks, all in taskState,
// and returns that status; it fails the test after timeout.
func (c *Client) WaitStatus(t testing.TB, name, connState string, tasks int, taskState string, timeout time.Duration) herder.ConnectorStateInfo {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last herder.ConnectorStateInfo
	var lastBody []byte
	for {
		r := c.Do(t, "GET", "/connectors/"+name+"/status", nil)
		lastBody = r.Body
		if r.Status == 200 {
			r.Decode(t, &last)
			ok := last.Connector.State == connState && len(last.Tasks) == tasks
			for _, ts := range last.Tasks {
				ok = ok && ts.State == taskState
			}
			if ok {
				return last
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("connector %s: want %s with %d tasks %s within %v; last status %s", name, connState, tasks, taskState, timeout, lastBody)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
