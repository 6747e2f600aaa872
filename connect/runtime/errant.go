package runtime

import (
	"context"
	"sync"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
)

// errantReporter implements connect.ErrantRecordReporter (KIP-610) through
// the task's error handler: the record is logged, written to the
// dead-letter queue (its original consumed bytes when the runtime still
// holds them, else re-encoded with the task's converters) and counted under
// stage TASK_PUT. Under errors.tolerance=all any error is tolerated (as
// Kafka's executeFailed); under none Report returns the *StageError the
// task should return from Put. The dead-letter write is acknowledged before
// Report returns, so offsets committed afterwards never pass an unreported
// record.
type errantReporter struct {
	t *workerTask
	r *sinkRunner
}

// Report sends rec to the connector's error path.
func (e errantReporter) Report(ctx context.Context, rec *connect.SinkRecord, err error) error {
	if rec == nil {
		return nil
	}
	if err == nil {
		err = errNoReason
	}
	m := e.r.errant.lookup(rec)
	if m == nil {
		m = e.t.errs.errantRecordOf(rec)
	}
	return e.t.errs.handle(&failure{stage: StageTaskPut, class: e.t.plugin.Class, err: err, consumed: m, reported: true})
}

// errNoReason stands in for a nil error passed to Report.
var errNoReason = errorString("record reported by the sink task without an error")

type errorString string

func (e errorString) Error() string { return string(e) }

// errantBatch remembers the records of the batch last passed to Put with
// their consumed messages. Report is usually called during Put; a record
// reported later (an asynchronous sink) is re-encoded instead.
type errantBatch struct {
	mu   sync.Mutex
	recs []*connect.SinkRecord
	msgs []*sarama.ConsumerMessage
}

// remember replaces the batch (called on the task goroutine before Put).
func (b *errantBatch) remember(recs []*connect.SinkRecord, msgs []*sarama.ConsumerMessage) {
	b.mu.Lock()
	b.recs, b.msgs = recs, msgs
	b.mu.Unlock()
}

// lookup returns rec's consumed message if rec is in the batch.
func (b *errantBatch) lookup(rec *connect.SinkRecord) *sarama.ConsumerMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.recs {
		if x == rec {
			return b.msgs[i]
		}
	}
	return nil
}
