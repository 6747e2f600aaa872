package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// Stage names where a record failed, as Kafka Connect's Stage (and the
// __connect.errors.stage DLQ header).
type Stage string

// Stages.
const (
	StageTaskPoll        Stage = "TASK_POLL"
	StageTaskPut         Stage = "TASK_PUT"
	StageTransformation  Stage = "TRANSFORMATION"
	StageKeyConverter    Stage = "KEY_CONVERTER"
	StageValueConverter  Stage = "VALUE_CONVERTER"
	StageHeaderConverter Stage = "HEADER_CONVERTER"
	StageKafkaProduce    Stage = "KAFKA_PRODUCE"
	StageKafkaConsume    Stage = "KAFKA_CONSUME"
)

// tolerable reports whether a failure at s may be skipped under
// errors.tolerance=all whatever the error: converters and transformations.
// Other stages tolerate only retriable errors.
func (s Stage) tolerable() bool {
	switch s {
	case StageTransformation, StageKeyConverter, StageValueConverter, StageHeaderConverter:
		return true
	}
	return false
}

// Sentinel errors of the runtime.
var (
	// ErrNotFound: no connector or task of that name runs on this worker.
	ErrNotFound = errors.New("not found on this worker")
	// ErrAlreadyRunning: a connector or task of that name already runs.
	ErrAlreadyRunning = errors.New("already running on this worker")
	// ErrConnectorRunning: offsets cannot change while the connector runs.
	ErrConnectorRunning = errors.New("connector is running")
	// ErrTimeout: an operation did not finish within its deadline.
	ErrTimeout = errors.New("timed out")
)

// StageError is a failure the error handler did not tolerate: it fails the
// task. It names the stage and the class executing there.
type StageError struct {
	Stage Stage
	Class string
	Err   error
}

func (e *StageError) Error() string {
	if e.Class != "" {
		return fmt.Sprintf("%s (stage %s, class %s): %v", toleranceExceeded, e.Stage, e.Class, e.Err)
	}
	return fmt.Sprintf("%s (stage %s): %v", toleranceExceeded, e.Stage, e.Err)
}

// Unwrap returns the cause.
func (e *StageError) Unwrap() error { return e.Err }

const toleranceExceeded = "Tolerance exceeded in error handler"

// PanicError is a panic recovered from connector code.
type PanicError struct {
	Value any
	Stack string
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// recoverPanic turns a recovered value into a *PanicError.
func recoverPanic(v any) *PanicError {
	return &PanicError{Value: v, Stack: string(debug.Stack())}
}

// Trace renders err the way the status trace field shows it: the message,
// then each wrapped cause with its Go type, and the stack of a panic.
func Trace(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%T: %s", err, err.Error())
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		fmt.Fprintf(&b, "\nCaused by: %T: %s", e, e.Error())
	}
	var p *PanicError
	if errors.As(err, &p) {
		b.WriteString("\n")
		b.WriteString(p.Stack)
	}
	return b.String()
}

// errorPolicy is a connector's errors.* configuration.
type errorPolicy struct {
	retryTimeout  time.Duration // 0 no retry, <0 forever
	retryMaxDelay time.Duration
	tolerateAll   bool
	logEnable     bool
	logMessages   bool
	dlqTopic      string
	dlqRF         int16
	dlqHeaders    bool
}

func parseErrorPolicy(v *config.Values, sink bool) errorPolicy {
	p := errorPolicy{
		retryTimeout:  time.Duration(v.Long(connect.KeyErrorsRetryTimeout)) * time.Millisecond,
		retryMaxDelay: time.Duration(v.Long(connect.KeyErrorsRetryDelayMax)) * time.Millisecond,
		tolerateAll:   strings.EqualFold(v.String(connect.KeyErrorsTolerance), connect.ToleranceAll),
		logEnable:     v.Bool(connect.KeyErrorsLogEnable),
		logMessages:   v.Bool(connect.KeyErrorsLogIncludeMsgs),
	}
	if sink {
		p.dlqTopic = strings.TrimSpace(v.String(connect.KeyDLQTopicName))
		if n, ok := v.Get(connect.KeyDLQReplicationFactor).(int16); ok {
			p.dlqRF = n
		}
		p.dlqHeaders = v.Bool(connect.KeyDLQContextHeadersEnable)
	}
	return p
}

// errorHandler is the one place every stage of a task reports failures to
// (Kafka's RetryWithToleranceOperator + reporters). It is used from the
// task's goroutines; its methods are safe for concurrent use.
type errorHandler struct {
	id      connect.TaskID
	policy  errorPolicy
	log     *slog.Logger
	metrics *taskMetrics
	dlq     *dlqReporter // nil without a DLQ
}

// failedRecord describes the record a failure concerns, if any.
type failedRecord struct {
	source   *connect.SourceRecord
	consumed *sarama.ConsumerMessage
}

// retry runs op, retrying *connect.RetriableError failures with exponential
// back-off (300 ms doubling, capped at errors.retry.delay.max.ms) until
// errors.retry.timeout has passed. It returns op's last error, or ctx's.
func (h *errorHandler) retry(ctx context.Context, stage Stage, op func() error) error {
	err := op()
	if err == nil || !connect.IsRetriable(err) || h.policy.retryTimeout == 0 {
		return err
	}
	var deadline time.Time
	if h.policy.retryTimeout > 0 {
		deadline = time.Now().Add(h.policy.retryTimeout)
	}
	delay := 300 * time.Millisecond
	for attempt := 1; ; attempt++ {
		h.metrics.failure(stage)
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return err
			}
			delay = min(delay, left)
		}
		h.log.Debug("retrying after retriable error", "stage", stage, "attempt", attempt, "delay", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		if err = op(); err == nil || !connect.IsRetriable(err) {
			return err
		}
		delay = min(delay*2, h.policy.retryMaxDelay)
		if delay <= 0 {
			delay = 300 * time.Millisecond
		}
	}
}

// handle decides about a failure of one record (or of a whole operation
// when rec is empty): it counts and logs it, and either returns nil (the
// record is to be skipped, after it went to the DLQ) or a *StageError that
// fails the task.
func (h *errorHandler) handle(ctx context.Context, stage Stage, class string, err error, rec failedRecord) error {
	h.metrics.failure(stage)
	tolerated := h.policy.tolerateAll && (stage.tolerable() || connect.IsRetriable(err))
	if h.policy.logEnable || tolerated {
		attrs := []any{"stage", stage, "class", class, "err", err, "tolerated", tolerated}
		if rec.consumed != nil {
			attrs = append(attrs, "topic", rec.consumed.Topic, "partition", rec.consumed.Partition, "offset", rec.consumed.Offset)
			if h.policy.logMessages {
				attrs = append(attrs, "key", string(rec.consumed.Key), "value", string(rec.consumed.Value))
			}
		} else if rec.source != nil {
			attrs = append(attrs, "topic", rec.source.Topic)
			if h.policy.logMessages {
				attrs = append(attrs, "key", fmt.Sprint(rec.source.Key), "value", fmt.Sprint(rec.source.Value))
			}
		}
		if h.policy.logEnable {
			h.log.Error("error processing record", attrs...)
		} else {
			h.log.Debug("skipping record", attrs...)
		}
	}
	if !tolerated {
		return &StageError{Stage: stage, Class: class, Err: err}
	}
	h.metrics.skipped.Inc()
	if h.dlq != nil && rec.consumed != nil {
		if derr := h.dlq.send(ctx, h.id, stage, class, err, rec.consumed); derr != nil {
			return &StageError{Stage: stage, Class: class, Err: fmt.Errorf("write to dead letter queue %s: %w (original error: %v)", h.policy.dlqTopic, derr, err)}
		}
	}
	return nil
}

// dlqReporter writes failed consumed records to the dead-letter queue topic
// with their raw key, value and headers, plus context headers when enabled.
type dlqReporter struct {
	topic    string
	headers  bool
	producer sarama.SyncProducer
}

func (d *dlqReporter) send(ctx context.Context, id connect.TaskID, stage Stage, class string, cause error, m *sarama.ConsumerMessage) error {
	msg := &sarama.ProducerMessage{Topic: d.topic, Partition: -1}
	if m.Key != nil {
		msg.Key = sarama.ByteEncoder(m.Key)
	}
	if m.Value != nil {
		msg.Value = sarama.ByteEncoder(m.Value)
	}
	for _, h := range m.Headers {
		if h != nil {
			msg.Headers = append(msg.Headers, *h)
		}
	}
	if d.headers {
		add := func(k, v string) {
			msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
		}
		add("__connect.errors.topic", m.Topic)
		add("__connect.errors.partition", fmt.Sprint(m.Partition))
		add("__connect.errors.offset", fmt.Sprint(m.Offset))
		add("__connect.errors.connector.name", id.Connector)
		add("__connect.errors.task.id", fmt.Sprint(id.Task))
		add("__connect.errors.stage", string(stage))
		add("__connect.errors.class.name", class)
		if cause != nil {
			add("__connect.errors.exception.class.name", fmt.Sprintf("%T", cause))
			add("__connect.errors.exception.message", cause.Error())
			add("__connect.errors.exception.stacktrace", Trace(cause))
		}
	}
	_, _, err := d.producer.SendMessage(msg)
	return err
}

func (d *dlqReporter) close() {
	if d != nil && d.producer != nil {
		d.producer.Close()
	}
}
