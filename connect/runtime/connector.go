package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

type connState int

const (
	connInit connState = iota
	connStarted
	connPaused
	connStopped
	connFailed
)

// workerConnector runs one connector: a goroutine applies target-state
// changes (start, pause = stop the connector, resume = start again, stop)
// until it is told to shut down. Connector methods are serialised by callMu.
type workerConnector struct {
	w      *Worker
	name   string
	props  map[string]string
	hooks  ConnectorHooks
	status ConnectorStatusListener
	log    *slog.Logger
	redact *redactor // secrets of the configs, for failure texts

	plugin    plugins.Plugin
	values    *config.Values
	connector connect.Connector

	callMu sync.Mutex // serialises calls into connector code

	mu     sync.Mutex
	target TargetState
	state  connState

	ctx      context.Context // cancelled at shutdown
	cancel   context.CancelFunc
	wake     chan struct{}
	stopOnce sync.Once
	stopReq  chan struct{}
	done     chan struct{}
	first    chan error
}

func newWorkerConnector(w *Worker, name string, props map[string]string, hooks ConnectorHooks, status ConnectorStatusListener) *workerConnector {
	ctx, cancel := context.WithCancel(context.Background())
	return &workerConnector{
		w: w, name: name, props: cloneProps(props), hooks: hooks, status: status,
		log: w.log.With("connector", name),
		ctx: ctx, cancel: cancel,
		wake: make(chan struct{}, 1), stopReq: make(chan struct{}), done: make(chan struct{}), first: make(chan error, 1),
	}
}

// failedBeforeRun marks a connector that could not be built: it stays
// registered (so status and stop work) with no goroutine.
func (c *workerConnector) failedBeforeRun() {
	c.mu.Lock()
	c.state = connFailed
	c.mu.Unlock()
	close(c.done)
}

// run launches the goroutine and waits for the first transition.
func (c *workerConnector) run(ctx context.Context, target TargetState) error {
	c.mu.Lock()
	c.target = target
	c.mu.Unlock()
	go c.loop()
	select {
	case err := <-c.first:
		return err
	case <-ctx.Done():
		return fmt.Errorf("start connector %s: %w (%v)", c.name, ErrTimeout, ctx.Err())
	}
}

func (c *workerConnector) loop() {
	defer close(c.done)
	reported := false
	for {
		c.mu.Lock()
		target := c.target
		c.mu.Unlock()
		err := c.transition(target)
		if !reported {
			c.first <- err
			reported = true
		}
		select {
		case <-c.wake:
		case <-c.stopReq:
			c.shutdown()
			return
		}
	}
}

// transition moves the connector to target; it returns a start error.
func (c *workerConnector) transition(target TargetState) error {
	c.mu.Lock()
	state := c.state
	c.mu.Unlock()
	if state == connFailed {
		return nil
	}
	switch target {
	case TargetStarted:
		if state == connStarted {
			return nil
		}
		if err := c.callStart(); err != nil {
			err = fmt.Errorf("connector %s failed to start: %w", c.name, err)
			c.setState(connFailed)
			c.log.Error("connector failed to start", "err", c.redact.apply(err.Error()))
			c.status.OnFailure(c.name, err, Trace(err))
			return err
		}
		c.setState(connStarted)
		c.log.Info("connector started")
		if state == connPaused || state == connStopped {
			c.status.OnResume(c.name)
		} else {
			c.status.OnStartup(c.name)
		}
	case TargetPaused, TargetStopped:
		if state == connStarted {
			c.callStop()
		}
		if target == TargetPaused {
			c.setState(connPaused)
			c.log.Info("connector paused")
			c.status.OnPause(c.name)
		} else {
			c.setState(connStopped)
			c.log.Info("connector stopped")
			c.status.OnStop(c.name)
		}
	default:
		return fmt.Errorf("connector %s: unknown target state %q", c.name, target)
	}
	return nil
}

func (c *workerConnector) setState(s connState) {
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
}

func (c *workerConnector) callStart() (err error) {
	c.callMu.Lock()
	defer c.callMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = recoverPanic(r)
		}
	}()
	return c.connector.Start(c.ctx, &connectorContext{c: c}, c.values.WithPrefix(""))
}

// callStop stops the connector, giving up after the graceful timeout.
func (c *workerConnector) callStop() {
	ctx, cancel := context.WithTimeout(context.Background(), c.w.cfg.TaskShutdownTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		c.callMu.Lock()
		defer c.callMu.Unlock()
		defer func() {
			if r := recover(); r != nil {
				done <- recoverPanic(r)
			}
		}()
		done <- c.connector.Stop(ctx)
	}()
	select {
	case err := <-done:
		if err != nil {
			c.log.Warn("connector stop returned an error", "err", err)
		}
	case <-ctx.Done():
		c.log.Error("connector did not stop within task.shutdown.graceful.timeout.ms; abandoning it",
			"timeout", c.w.cfg.TaskShutdownTimeout)
	}
}

func (c *workerConnector) shutdown() {
	c.mu.Lock()
	state := c.state
	c.mu.Unlock()
	if state == connStarted {
		c.callStop()
	}
	c.cancel()
	c.log.Info("connector shut down")
	c.status.OnShutdown(c.name)
}

func (c *workerConnector) setTarget(t TargetState) {
	c.mu.Lock()
	c.target = t
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *workerConnector) stop() {
	c.stopOnce.Do(func() { close(c.stopReq) })
}

func (c *workerConnector) await(ctx context.Context) error {
	defer c.w.removeConnector(c.name, c)
	limit := time.NewTimer(c.w.cfg.TaskShutdownTimeout + time.Second)
	defer limit.Stop()
	select {
	case <-c.done:
		return nil
	case <-ctx.Done():
	case <-limit.C:
	}
	c.cancel()
	err := fmt.Errorf("stop connector %s: %w", c.name, ErrTimeout)
	c.status.OnFailure(c.name, err, Trace(err))
	return err
}

// taskConfigs implements Worker.ConnectorTaskConfigs.
func (c *workerConnector) taskConfigs(maxTasks int) (configs []map[string]string, err error) {
	c.mu.Lock()
	state := c.state
	c.mu.Unlock()
	if state != connStarted {
		return nil, fmt.Errorf("task configs of %s: connector is not running", c.name)
	}
	c.callMu.Lock()
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = recoverPanic(r)
			}
		}()
		configs, err = c.connector.TaskConfigs(maxTasks)
	}()
	c.callMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("task configs of %s: %w", c.name, err)
	}
	if len(configs) > maxTasks {
		if c.values.Bool(connect.KeyTasksMaxEnforce) {
			return nil, fmt.Errorf("connector %s generated %d task configs, more than tasks.max=%d", c.name, len(configs), maxTasks)
		}
		c.log.Warn("connector generated more task configs than tasks.max", "configs", len(configs), "tasks.max", maxTasks)
	}
	out := make([]map[string]string, len(configs))
	for i, tc := range configs {
		m := cloneProps(tc)
		if m == nil {
			m = map[string]string{}
		}
		m[connect.TaskClassKey] = c.plugin.Class + "Task"
		if c.plugin.Kind == plugins.KindSink {
			for _, k := range []string{connect.KeyTopics, connect.KeyTopicsRegex} {
				if v, ok := c.props[k]; ok {
					m[k] = v
				}
			}
		}
		out[i] = m
	}
	return out, nil
}

// connectorContext is the connector's view of the runtime.
type connectorContext struct{ c *workerConnector }

func (x *connectorContext) RequestTaskReconfiguration() {
	if f := x.c.hooks.RequestTaskReconfiguration; f != nil {
		f(x.c.name)
	}
}

func (x *connectorContext) RaiseError(err error) {
	if err == nil {
		err = errors.New("connector raised a nil error")
	}
	x.c.setState(connFailed)
	x.c.log.Error("connector raised an error", "err", x.c.redact.apply(err.Error()))
	x.c.status.OnFailure(x.c.name, err, Trace(err))
	if f := x.c.hooks.RaiseError; f != nil {
		f(x.c.name, err)
	}
}

func (x *connectorContext) Logger() *slog.Logger { return x.c.log }
