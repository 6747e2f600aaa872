package runtime

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

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
	strictOrder   bool // source records: fail instead of skipping
}

// parseErrorPolicy reads the errors.* keys of a sink or source connector
// configuration (both define the dead-letter queue keys; only sources
// define errors.strict.order).
func parseErrorPolicy(v *config.Values, sink bool) errorPolicy {
	p := errorPolicy{
		retryTimeout:  time.Duration(v.Long(connect.KeyErrorsRetryTimeout)) * time.Millisecond,
		retryMaxDelay: time.Duration(v.Long(connect.KeyErrorsRetryDelayMax)) * time.Millisecond,
		tolerateAll:   strings.EqualFold(v.String(connect.KeyErrorsTolerance), connect.ToleranceAll),
		logEnable:     v.Bool(connect.KeyErrorsLogEnable),
		logMessages:   v.Bool(connect.KeyErrorsLogIncludeMsgs),
		dlqTopic:      strings.TrimSpace(v.String(connect.KeyDLQTopicName)),
		dlqRF:         3,
		dlqHeaders:    v.Bool(connect.KeyDLQContextHeadersEnable),
	}
	if n, ok := v.Get(connect.KeyDLQReplicationFactor).(int16); ok {
		p.dlqRF = n
	}
	if !sink {
		p.strictOrder = v.Bool(connect.KeyErrorsStrictOrder)
	}
	return p
}

// errorHandler is the one place every stage of a task reports failures to
// (Kafka's RetryWithToleranceOperator with its log and dead-letter queue
// reporters): it retries retriable failures (retry.go), decides whether a
// failure is tolerated, logs it (errlog.go), writes the record to the
// dead-letter queue (dlq.go) and counts it. It is used from the task's
// goroutines; its methods are safe for concurrent use.
type errorHandler struct {
	id      connect.TaskID
	policy  errorPolicy
	log     *slog.Logger
	metrics *taskMetrics
	redact  *redactor
	conv    *converterSet // for dead-letter records of source records
	dlq     *dlqReporter  // nil without a dead-letter queue
}

// failure describes one failed operation: where, which class, why, and the
// record it concerns (none for a failed poll).
type failure struct {
	stage Stage
	class string
	err   error

	// consumed is the Kafka record a sink failure concerns, as consumed
	// (or, for an errant record the runtime no longer holds, re-encoded).
	consumed *sarama.ConsumerMessage
	// source is the source record a source failure concerns: as it was
	// before the transformation chain for a TRANSFORMATION failure, as
	// transformed otherwise.
	source *connect.SourceRecord
	// encoded holds what conversion produced before the failure (source
	// records): the dead-letter record reuses these bytes.
	encoded encodedParts
	// reported marks a record the sink task reported through the
	// ErrantRecordReporter: it is tolerated under errors.tolerance=all
	// whatever the error, as Kafka's executeFailed.
	reported bool
}

// encodedParts are the converted parts of a source record, each valid
// when its flag is set.
type encodedParts struct {
	key, value         []byte
	haveKey, haveValue bool
	headers            []sarama.RecordHeader
	haveHeaders        bool
	// kafkaPartition is the partition the producer chose (KAFKA_PRODUCE).
	kafkaPartition     int32
	haveKafkaPartition bool
}

// tolerates reports whether the policy skips f rather than failing the
// task, and whether strict order alone prevented it.
func (h *errorHandler) tolerates(f *failure) (tolerated, strict bool) {
	if !h.policy.tolerateAll {
		return false, false
	}
	if !f.reported && !f.stage.tolerable() && !isRetriable(f.err) {
		return false, false
	}
	if f.source != nil && h.policy.strictOrder {
		return false, true
	}
	return true, false
}

// handle decides about a failure whose retries (if any) are over: it
// counts and logs it, and either returns nil (the record is to be skipped,
// after it went to the dead-letter queue when one is configured) or a
// *StageError that fails the task. A dead-letter write blocks until it is
// acknowledged (see dlqReporter.send). Only skipped records go to the
// dead-letter queue: with errors.tolerance=none the task fails and the
// record is processed again after a restart.
func (h *errorHandler) handle(f *failure) error {
	h.metrics.failure(f.stage)
	tolerated, strict := h.tolerates(f)
	h.logFailure(f, tolerated)
	if !tolerated {
		err := f.err
		if strict {
			err = fmt.Errorf("%w (not skipped: source records are in strict order, %s=true or the connector requires it)",
				err, connect.KeyErrorsStrictOrder)
		}
		return &StageError{Stage: f.stage, Class: f.class, Err: err}
	}
	if h.dlq != nil && (f.consumed != nil || f.source != nil) {
		if derr := h.dlq.send(h, f); derr != nil {
			h.metrics.dlqFailed()
			return &StageError{Stage: f.stage, Class: f.class,
				Err: fmt.Errorf("write to dead letter queue %s: %w (original error: %s)", h.policy.dlqTopic, derr, h.redact.apply(f.err.Error()))}
		}
		h.metrics.dlqWritten(f.stage)
	}
	h.metrics.tolerated(f.stage)
	return nil
}

// close releases the dead-letter queue producer.
func (h *errorHandler) close() {
	if h != nil {
		h.dlq.close()
	}
}
