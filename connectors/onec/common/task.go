package common

import (
	"context"
	"log/slog"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// StartTaskMetrics makes a source task's metrics and registers them on the
// runtime's registry when tctx offers one; a failed registration is logged
// (the task runs without exported metrics). Call unregister from Stop.
func StartTaskMetrics(tctx connect.SourceTaskContext, log *slog.Logger) (m *Metrics, unregister func()) {
	id := tctx.TaskID()
	m = NewMetrics(id.Connector, id.Task)
	unregister, err := RegisterMetrics(tctx, m)
	if err != nil {
		log.Warn("task metrics not exported", "err", err)
	}
	return m, unregister
}

// RetryingPoll is a 1C source task's Poll around poll: while a retry is
// pending it waits (a second at most) and returns nothing; a connection
// failure is counted and logged, and retried with back-off while the task
// stays RUNNING, until errors.retry.timeout has passed, when the error is
// returned (the task fails with the trace); any other failure is returned
// at once. onFailure, when not nil, runs after every failure except a stop
// (ctx done), before that decision.
func RetryingPoll(ctx context.Context, r *Retrier, m *Metrics, log *slog.Logger,
	poll func(context.Context) ([]*connect.SourceRecord, error), onFailure func()) ([]*connect.SourceRecord, error) {
	if w := r.Wait(); w > 0 {
		return nil, Sleep(ctx, min(w, time.Second))
	}
	recs, err := poll(ctx)
	if err == nil {
		if r.Failing() {
			log.Info("database reachable again", "attempts", r.Attempts())
		}
		r.Succeeded()
		m.SetRetrying(false)
		return recs, nil
	}
	if ctx.Err() != nil {
		return nil, nil // stopping
	}
	m.AddError()
	if onFailure != nil {
		onFailure()
	}
	if !IsConnectionError(err) {
		return nil, err
	}
	delay, gerr := r.Failed(err)
	if gerr != nil {
		return nil, gerr
	}
	m.SetRetrying(true)
	log.Warn("database unavailable; retrying", "err", err, "attempt", r.Attempts(), "delay", delay)
	return nil, nil
}
