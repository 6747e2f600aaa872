package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// Options are a Worker's collaborators.
type Options struct {
	// WorkerID names the worker in statuses and client ids
	// (host:port of its REST listener, as Kafka Connect's).
	WorkerID string
	// Offsets stores source offsets; required.
	Offsets storage.OffsetStore
	// Plugins resolves connector, converter and transform classes
	// (plugins.Default when nil).
	Plugins *plugins.Registry
	// Logger is the base logger (slog.Default when nil).
	Logger *slog.Logger
	// Metrics receives the worker's metrics (a new private registry when nil).
	Metrics *Metrics
	// Resolver resolves ${provider:...} references in connector configs
	// before connectors and tasks see them (none when nil).
	Resolver *config.Resolver
	// Statuses, when set, also receives active topics (KIP-558).
	Statuses storage.StatusStore
}

// Worker runs connectors and tasks. Its methods are safe for concurrent use;
// the herder calls them. Each connector and each task runs in its own
// goroutine; Worker methods never run connector code on the caller's
// goroutine except where documented (ConnectorTaskConfigs, Offsets APIs).
type Worker struct {
	cfg      *WorkerConfig
	id       string
	offsets  storage.OffsetStore
	plugins  *plugins.Registry
	log      *slog.Logger
	metrics  *Metrics
	resolver *config.Resolver
	statuses storage.StatusStore

	mu         sync.Mutex
	connectors map[string]*workerConnector
	tasks      map[connect.TaskID]*workerTask
	topics     map[string]map[string]struct{}
}

// NewWorker returns a worker with nothing running.
func NewWorker(cfg *WorkerConfig, opts Options) (*Worker, error) {
	if cfg == nil {
		return nil, errors.New("new worker: nil config")
	}
	if opts.Offsets == nil {
		return nil, errors.New("new worker: Options.Offsets is required")
	}
	if opts.Plugins == nil {
		opts.Plugins = plugins.Default
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	if opts.WorkerID == "" {
		opts.WorkerID = "worker"
	}
	return &Worker{
		cfg: cfg, id: opts.WorkerID, offsets: opts.Offsets, plugins: opts.Plugins,
		log: opts.Logger.With("worker", opts.WorkerID), metrics: opts.Metrics, resolver: opts.Resolver,
		statuses:   opts.Statuses,
		connectors: map[string]*workerConnector{},
		tasks:      map[connect.TaskID]*workerTask{},
		topics:     map[string]map[string]struct{}{},
	}, nil
}

// Config returns the worker configuration.
func (w *Worker) Config() *WorkerConfig { return w.cfg }

// ID returns the worker id.
func (w *Worker) ID() string { return w.id }

// Metrics returns the worker's metrics.
func (w *Worker) Metrics() *Metrics { return w.metrics }

// Plugins returns the plugin registry the worker uses.
func (w *Worker) Plugins() *plugins.Registry { return w.plugins }

// ConnectorConfigDef returns the full definition a connector's config is
// validated against: the common source or sink keys merged with the
// plugin's own keys.
func ConnectorConfigDef(p plugins.Plugin) (*config.ConfigDef, error) {
	var base *config.ConfigDef
	switch p.Kind {
	case plugins.KindSource:
		base = connect.SourceConnectorConfigDef()
	case plugins.KindSink:
		base = connect.SinkConnectorConfigDef()
	default:
		return nil, fmt.Errorf("plugin %s is a %s, not a connector", p.Class, p.Kind)
	}
	var def *config.ConfigDef
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("connector %s config definition: %v", p.Class, r)
			}
		}()
		def = base.Merge(p.ConfigDef())
		return nil
	}()
	return def, err
}

// parseConnectorConfig resolves config providers and parses props against
// the connector's full definition.
func (w *Worker) parseConnectorConfig(ctx context.Context, props map[string]string) (plugins.Plugin, *config.Values, error) {
	class := strings.TrimSpace(props[connect.KeyConnectorClass])
	if class == "" {
		return plugins.Plugin{}, nil, fmt.Errorf("missing %s", connect.KeyConnectorClass)
	}
	p, err := w.plugins.LookupConnector(class)
	if err != nil {
		return plugins.Plugin{}, nil, err
	}
	def, err := ConnectorConfigDef(p)
	if err != nil {
		return p, nil, err
	}
	var v *config.Values
	if w.resolver != nil {
		v, err = def.ParseWith(ctx, w.resolver, props)
	} else {
		v, err = def.Parse(props)
	}
	if err != nil {
		return p, nil, fmt.Errorf("connector config: %w", err)
	}
	return p, v, nil
}

// StartConnector creates the connector named name from props and brings it
// to target. It returns when the connector has started (Start returned), is
// paused or stopped as asked, or ctx ends (ErrTimeout; the start continues
// in the background). A start failure is reported to status.OnFailure and
// returned. Hooks receive the connector's RequestTaskReconfiguration and
// RaiseError calls.
func (w *Worker) StartConnector(ctx context.Context, name string, props map[string]string, hooks ConnectorHooks, status ConnectorStatusListener, target TargetState) error {
	if status == nil {
		status = NopConnectorListener{}
	}
	redact := w.configRedactor(props)
	status = redactingConnectorListener{ConnectorStatusListener: &connectorStatusMetrics{ConnectorStatusListener: status, m: w.metrics}, r: redact}
	w.mu.Lock()
	if _, ok := w.connectors[name]; ok {
		w.mu.Unlock()
		return fmt.Errorf("start connector %s: %w", name, ErrAlreadyRunning)
	}
	wc := newWorkerConnector(w, name, props, hooks, status)
	wc.redact = redact
	w.connectors[name] = wc
	w.mu.Unlock()

	plugin, values, err := w.parseConnectorConfig(ctx, props)
	if err == nil {
		var c connect.Connector
		if c, err = plugin.NewConnector(); err == nil {
			wc.plugin, wc.values, wc.connector = plugin, values, c
		}
	}
	if err != nil {
		err = fmt.Errorf("start connector %s: %w", name, err)
		status.OnFailure(name, err, Trace(err))
		wc.failedBeforeRun()
		return err
	}
	return wc.run(ctx, target)
}

// ConnectorTaskConfigs asks the running connector for at most maxTasks task
// configurations and returns them with task.class (and, for sinks, topics /
// topics.regex) added, as Kafka Connect's Worker.connectorTaskConfigs. More
// configs than maxTasks is an error unless tasks.max.enforce=false. The
// connector's TaskConfigs runs on the caller's goroutine.
func (w *Worker) ConnectorTaskConfigs(name string, maxTasks int) ([]map[string]string, error) {
	wc := w.connector(name)
	if wc == nil {
		return nil, fmt.Errorf("task configs of %s: %w", name, ErrNotFound)
	}
	return wc.taskConfigs(maxTasks)
}

// SetTargetState moves a connector and its tasks on this worker to target:
// STARTED runs them, PAUSED pauses them (no polling, no Put, consumers
// paused), STOPPED stops the connector (the herder stops its tasks). It
// returns without waiting for the transitions; statuses report them.
func (w *Worker) SetTargetState(name string, target TargetState) {
	if wc := w.connector(name); wc != nil {
		wc.setTarget(target)
	}
	for _, t := range w.tasksOf(name) {
		t.setTarget(target)
	}
}

// StopConnector asks the connector to stop and returns at once.
func (w *Worker) StopConnector(name string) error {
	wc := w.connector(name)
	if wc == nil {
		return fmt.Errorf("stop connector %s: %w", name, ErrNotFound)
	}
	wc.stop()
	return nil
}

// StopAndAwaitConnector stops the connector and waits for it within ctx and
// task.shutdown.graceful.timeout.ms; a connector that does not stop in time
// is abandoned (ErrTimeout). It is removed from the worker either way.
func (w *Worker) StopAndAwaitConnector(ctx context.Context, name string) error {
	wc := w.connector(name)
	if wc == nil {
		return fmt.Errorf("stop connector %s: %w", name, ErrNotFound)
	}
	wc.stop()
	return wc.await(ctx)
}

// StartTask builds and starts a task of a connector: connProps is the
// connector's configuration (converters, transforms, errors.*, client
// overrides), taskProps the task's own. Construction errors (unknown class,
// bad converter) are reported to status.OnFailure and returned; later
// failures only through the listener.
func (w *Worker) StartTask(ctx context.Context, id connect.TaskID, connProps, taskProps map[string]string, status TaskStatusListener, target TargetState) error {
	if status == nil {
		status = NopTaskListener{}
	}
	redact := w.configRedactor(connProps, taskProps)
	status = redactingTaskListener{TaskStatusListener: &taskStatusMetrics{TaskStatusListener: status, m: w.metrics}, r: redact}
	w.mu.Lock()
	if _, ok := w.tasks[id]; ok {
		w.mu.Unlock()
		return fmt.Errorf("start task %s: %w", id, ErrAlreadyRunning)
	}
	t := newWorkerTask(w, id, status)
	t.redact = redact
	w.tasks[id] = t
	w.mu.Unlock()
	if err := t.build(ctx, connProps, taskProps); err != nil {
		err = fmt.Errorf("start task %s: %w", id, err)
		status.OnFailure(id, err, Trace(err))
		t.finishWithoutRun()
		return err
	}
	t.launch(target)
	return nil
}

// StopTasks asks the tasks to stop and returns at once.
func (w *Worker) StopTasks(ids []connect.TaskID) {
	for _, id := range ids {
		if t := w.task(id); t != nil {
			t.stop()
		}
	}
}

// AwaitStopTasks waits for stopping tasks, each up to
// task.shutdown.graceful.timeout.ms (and ctx): a task still running then is
// abandoned: reported (OnFailure), its offsets not committed, and removed.
func (w *Worker) AwaitStopTasks(ctx context.Context, ids []connect.TaskID) {
	var wg sync.WaitGroup
	for _, id := range ids {
		if t := w.task(id); t != nil {
			wg.Add(1)
			go func() { defer wg.Done(); t.await(ctx) }()
		}
	}
	wg.Wait()
}

// StopAndAwaitTasks is StopTasks then AwaitStopTasks.
func (w *Worker) StopAndAwaitTasks(ctx context.Context, ids []connect.TaskID) {
	w.StopTasks(ids)
	w.AwaitStopTasks(ctx, ids)
}

// StopAndAwaitTask stops one task and waits for it (see AwaitStopTasks).
func (w *Worker) StopAndAwaitTask(ctx context.Context, id connect.TaskID) {
	w.StopAndAwaitTasks(ctx, []connect.TaskID{id})
}

// ConnectorNames returns the connectors on this worker, sorted.
func (w *Worker) ConnectorNames() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.connectors))
	for n := range w.connectors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// TaskIDs returns the tasks on this worker, sorted.
func (w *Worker) TaskIDs() []connect.TaskID {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]connect.TaskID, 0, len(w.tasks))
	for id := range w.tasks {
		out = append(out, id)
	}
	sortTaskIDs(out)
	return out
}

// IsRunning reports whether the connector is on this worker (in any state).
func (w *Worker) IsRunning(name string) bool { return w.connector(name) != nil }

// Stop stops every task, then every connector, waiting within ctx.
func (w *Worker) Stop(ctx context.Context) {
	w.StopAndAwaitTasks(ctx, w.TaskIDs())
	var wg sync.WaitGroup
	for _, n := range w.ConnectorNames() {
		wg.Add(1)
		go func() { defer wg.Done(); w.StopAndAwaitConnector(ctx, n) }()
	}
	wg.Wait()
}

// ActiveTopics returns the topics the connector's tasks have produced to or
// consumed from since the last reset (KIP-558), sorted.
func (w *Worker) ActiveTopics(connector string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.topics[connector]))
	for t := range w.topics[connector] {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// ResetActiveTopics forgets the connector's active topics.
func (w *Worker) ResetActiveTopics(connector string) {
	w.mu.Lock()
	delete(w.topics, connector)
	w.mu.Unlock()
}

// noteTopic records an active topic; it is called once per topic per task.
func (w *Worker) noteTopic(connector, topic string) {
	if !w.cfg.TopicTrackingEnable {
		return
	}
	w.mu.Lock()
	m := w.topics[connector]
	if m == nil {
		m = map[string]struct{}{}
		w.topics[connector] = m
	}
	_, seen := m[topic]
	m[topic] = struct{}{}
	w.mu.Unlock()
	if !seen && w.statuses != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.statuses.PutTopic(ctx, connector, topic); err != nil {
			w.log.Warn("record active topic", "connector", connector, "topic", topic, "err", err)
		}
	}
}

func (w *Worker) connector(name string) *workerConnector {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.connectors[name]
}

func (w *Worker) task(id connect.TaskID) *workerTask {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tasks[id]
}

func (w *Worker) tasksOf(connector string) []*workerTask {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*workerTask
	for id, t := range w.tasks {
		if id.Connector == connector {
			out = append(out, t)
		}
	}
	return out
}

func (w *Worker) removeConnector(name string, wc *workerConnector) {
	w.mu.Lock()
	if w.connectors[name] == wc {
		delete(w.connectors, name)
	}
	w.mu.Unlock()
}

func (w *Worker) removeTask(id connect.TaskID, t *workerTask) {
	w.mu.Lock()
	if w.tasks[id] == t {
		delete(w.tasks, id)
	}
	w.mu.Unlock()
}

func sortTaskIDs(ids []connect.TaskID) {
	sort.Slice(ids, func(i, j int) bool {
		if ids[i].Connector != ids[j].Connector {
			return ids[i].Connector < ids[j].Connector
		}
		return ids[i].Task < ids[j].Task
	})
}

// connectorStatusMetrics mirrors status changes into the state gauges.
type connectorStatusMetrics struct {
	ConnectorStatusListener
	m *Metrics
}

func (l *connectorStatusMetrics) OnStartup(c string) {
	l.m.setConnectorState(c, "RUNNING")
	l.ConnectorStatusListener.OnStartup(c)
}
func (l *connectorStatusMetrics) OnPause(c string) {
	l.m.setConnectorState(c, "PAUSED")
	l.ConnectorStatusListener.OnPause(c)
}
func (l *connectorStatusMetrics) OnResume(c string) {
	l.m.setConnectorState(c, "RUNNING")
	l.ConnectorStatusListener.OnResume(c)
}
func (l *connectorStatusMetrics) OnStop(c string) {
	l.m.setConnectorState(c, "STOPPED")
	l.ConnectorStatusListener.OnStop(c)
}
func (l *connectorStatusMetrics) OnFailure(c string, err error, trace string) {
	l.m.setConnectorState(c, "FAILED")
	l.ConnectorStatusListener.OnFailure(c, err, trace)
}
func (l *connectorStatusMetrics) OnShutdown(c string) {
	l.m.forgetConnector(c)
	l.ConnectorStatusListener.OnShutdown(c)
}

// taskStatusMetrics mirrors task status changes into the state gauges.
type taskStatusMetrics struct {
	TaskStatusListener
	m *Metrics
}

func (l *taskStatusMetrics) OnStartup(id connect.TaskID) {
	l.m.setTaskState(id.Connector, id.Task, "RUNNING")
	l.TaskStatusListener.OnStartup(id)
}
func (l *taskStatusMetrics) OnPause(id connect.TaskID) {
	l.m.setTaskState(id.Connector, id.Task, "PAUSED")
	l.TaskStatusListener.OnPause(id)
}
func (l *taskStatusMetrics) OnResume(id connect.TaskID) {
	l.m.setTaskState(id.Connector, id.Task, "RUNNING")
	l.TaskStatusListener.OnResume(id)
}
func (l *taskStatusMetrics) OnFailure(id connect.TaskID, err error, trace string) {
	l.m.setTaskState(id.Connector, id.Task, "FAILED")
	l.TaskStatusListener.OnFailure(id, err, trace)
}
func (l *taskStatusMetrics) OnShutdown(id connect.TaskID) {
	l.m.forgetTask(id.Connector, id.Task)
	l.TaskStatusListener.OnShutdown(id)
}

// cloneProps copies a property map.
func cloneProps(m map[string]string) map[string]string { return maps.Clone(m) }
