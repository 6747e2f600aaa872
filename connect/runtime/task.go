package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/prometheus/client_golang/prometheus"
)

// workerTask is what source and sink tasks share: identity, configuration,
// converters, transformation chain, error handler, target state and the
// stop protocol. Its goroutine is the task's goroutine.
type workerTask struct {
	w       *Worker
	id      connect.TaskID
	status  TaskStatusListener
	redact  *redactor // secrets of the configs, for failure texts
	log     *slog.Logger
	metrics *taskMetrics

	plugin    plugins.Plugin
	connProps map[string]string // resolved
	values    *config.Values
	taskProps map[string]string // resolved
	conv      *converterSet
	chain     *transformChain
	errs      *errorHandler

	mu     sync.Mutex
	target TargetState
	wake   chan struct{} // target changed

	ctx       context.Context // cancelled when stop is requested
	cancel    context.CancelFunc
	stopOnce  sync.Once
	stopReq   chan struct{}
	abortOnce sync.Once
	abort     chan struct{} // closed when the task is abandoned
	// grace is cancelled only when the graceful stop deadline passes (the
	// task is abandoned): callbacks that belong to a clean stop (sink
	// Close, an Open racing the stop) get it instead of ctx.
	grace       context.Context
	graceCancel context.CancelFunc
	abandoned   atomic.Bool
	failed      atomic.Bool
	done        chan struct{}
}

func newWorkerTask(w *Worker, id connect.TaskID, status TaskStatusListener) *workerTask {
	ctx, cancel := context.WithCancel(context.Background())
	grace, graceCancel := context.WithCancel(context.Background())
	return &workerTask{
		w: w, id: id, status: status, grace: grace, graceCancel: graceCancel,
		log:     w.log.With("connector", id.Connector, "task", id.Task),
		metrics: w.metrics.forTask(id.Connector, id.Task),
		wake:    make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		stopReq: make(chan struct{}), abort: make(chan struct{}), done: make(chan struct{}),
	}
}

// build parses the configuration and builds converters, transformations and
// the error handler (no Kafka connection yet).
func (t *workerTask) build(ctx context.Context, connProps, taskProps map[string]string) error {
	p, v, err := t.w.parseConnectorConfig(ctx, connProps)
	if err != nil {
		return err
	}
	t.plugin, t.values, t.connProps = p, v, v.WithPrefix("")
	t.taskProps = cloneProps(taskProps)
	if t.w.resolver != nil {
		if t.taskProps, err = t.w.resolver.Resolve(ctx, taskProps); err != nil {
			return fmt.Errorf("task config: %w", err)
		}
	}
	if t.conv, err = t.w.newConverters(v); err != nil {
		return err
	}
	if t.chain, err = t.w.newTransformChain(v); err != nil {
		return err
	}
	t.errs = &errorHandler{id: t.id, policy: parseErrorPolicy(v, p.Kind == plugins.KindSink), log: t.log, metrics: t.metrics,
		redact: taskRedactor(t.w.cfg, v, t.taskProps), conv: t.conv}
	return nil
}

func (t *workerTask) finishWithoutRun() {
	t.graceCancel()
	t.failed.Store(true)
	close(t.done)
}

// launch starts the task goroutine.
func (t *workerTask) launch(target TargetState) {
	t.target = target
	go func() {
		defer close(t.done)
		defer t.graceCancel()
		defer t.chain.close()
		defer t.errs.close()
		defer func() {
			if r := recover(); r != nil {
				t.fail(recoverPanic(r))
			}
		}()
		switch t.plugin.Kind {
		case plugins.KindSource:
			(&sourceRunner{t: t}).run()
		case plugins.KindSink:
			(&sinkRunner{t: t}).run()
		}
	}()
}

// fail reports the task FAILED with err's trace (once).
func (t *workerTask) fail(err error) {
	if t.failed.Swap(true) {
		return
	}
	t.log.Error("task failed", "err", t.redact.apply(err.Error()))
	t.status.OnFailure(t.id, err, Trace(err))
}

// currentTarget returns the target state.
func (t *workerTask) currentTarget() TargetState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.target
}

func (t *workerTask) setTarget(s TargetState) {
	t.mu.Lock()
	t.target = s
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *workerTask) stop() {
	t.stopOnce.Do(func() {
		close(t.stopReq)
		t.cancel()
	})
}

func (t *workerTask) stopping() bool {
	select {
	case <-t.stopReq:
		return true
	default:
		return false
	}
}

// await waits for the task goroutine up to task.shutdown.graceful.timeout.ms
// (bounded by ctx); a task that has not finished is abandoned: its offsets
// are not committed and the failure is reported.
func (t *workerTask) await(ctx context.Context) {
	defer t.w.removeTask(t.id, t)
	timer := time.NewTimer(t.w.cfg.TaskShutdownTimeout)
	defer timer.Stop()
	select {
	case <-t.done:
		return
	case <-timer.C:
	case <-ctx.Done():
	}
	t.abandoned.Store(true)
	t.abortOnce.Do(func() {
		close(t.abort)
		t.graceCancel()
	})
	err := fmt.Errorf("task %s did not stop within %s (task.shutdown.graceful.timeout.ms): abandoned, offsets not committed: %w",
		t.id, t.w.cfg.TaskShutdownTimeout, ErrTimeout)
	t.log.Error("graceful stop of task failed", "err", err)
	t.metrics.failure("TASK_STOP")
	t.fail(err)
}

// pauseWait blocks while the target is not STARTED; it reports pause and
// resume transitions and returns false when the task is stopping.
func (t *workerTask) pauseWait(onPause, onResume func()) bool {
	if t.currentTarget() == TargetStarted {
		return !t.stopping()
	}
	if onPause != nil {
		onPause()
	}
	t.status.OnPause(t.id)
	t.log.Info("task paused")
	for t.currentTarget() != TargetStarted {
		select {
		case <-t.wake:
		case <-t.stopReq:
			return false
		}
	}
	if onResume != nil {
		onResume()
	}
	t.status.OnResume(t.id)
	t.log.Info("task resumed")
	return true
}

// callWithTimeout runs fn (connector code) with recover, giving up after d;
// it returns fn's error, a *PanicError, or ErrTimeout.
func callWithTimeout(d time.Duration, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- recoverPanic(r)
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%w after %s", ErrTimeout, d)
	}
}

// safeCall runs connector code on the current goroutine, turning a panic
// into a *PanicError.
func safeCall(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recoverPanic(r)
		}
	}()
	return fn()
}

// taskContextBase is shared by the source and sink task contexts.
type taskContextBase struct{ t *workerTask }

func (c taskContextBase) TaskID() connect.TaskID { return c.t.id }
func (c taskContextBase) Logger() *slog.Logger   { return c.t.log }

// KafkaProducerConfig gives a connector that produces records of its own
// (e.g. an HTTP sink's reply topic) the worker's producer settings with the
// connector's producer.override.* keys: brokers, security, client tuning.
// The returned configuration is the caller's to modify.
func (c taskContextBase) KafkaProducerConfig(clientID string) ([]string, *sarama.Config, error) {
	cc, err := NewClientConfig(c.t.w.cfg, ProducerClient, c.t.connProps, clientID)
	if err != nil {
		return nil, nil, err
	}
	return cc.Brokers, cc.Sarama, nil
}

// MetricsRegisterer is the worker's Prometheus registry, on which a
// connector may register metrics of its own (labelled with its connector
// and task; unregistered by the connector when its task stops).
func (c taskContextBase) MetricsRegisterer() prometheus.Registerer { return c.t.w.metrics.Registry }
