package tail

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

// reader reads one topic's partitions with sarama's partition consumers (no
// group, no commits) and hands the records to handle in arrival order.
type reader struct {
	client     sarama.Client
	topic      string
	partitions []int32
	// initial is sarama.OffsetOldest or sarama.OffsetNewest.
	initial int64
	// max stops after this many records (0: no limit).
	max int
	// idle stops when no record arrives for this long (0: never).
	idle time.Duration
	// notices receives one-line progress and partition errors.
	notices io.Writer
}

// stopReason tells why run returned without an error.
type stopReason int

const (
	stopCancelled stopReason = iota // ctx ended (Ctrl-C, SIGTERM)
	stopMax                         // --max-messages reached
	stopIdle                        // --timeout without a record
)

// run reads until ctx ends, max records were handled or idle passed
// without a record; it returns how many records were handled. An error from
// handle stops it and is returned.
func (r *reader) run(ctx context.Context, handle func(*sarama.ConsumerMessage) error) (int, stopReason, error) {
	consumer, err := sarama.NewConsumerFromClient(r.client)
	if err != nil {
		return 0, stopCancelled, fmt.Errorf("consumer: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		_ = consumer.Close() // closes the partition consumers
		wg.Wait()
	}()

	msgs := make(chan *sarama.ConsumerMessage)
	var noticeMu sync.Mutex
	notice := func(format string, args ...any) {
		noticeMu.Lock()
		defer noticeMu.Unlock()
		fmt.Fprintf(r.notices, "tail: "+format+"\n", args...)
	}
	for _, p := range r.partitions {
		pc, err := consumer.ConsumePartition(r.topic, p, r.initial)
		if err != nil {
			return 0, stopCancelled, fmt.Errorf("topic %s partition %d: %w", r.topic, p, err)
		}
		wg.Go(func() { forward(ctx, pc, msgs, func(err error) { notice("partition %d: %v", p, err) }) })
	}
	from := "from the end (new records only)"
	if r.initial == sarama.OffsetOldest {
		from = "from the beginning"
	}
	notice("reading %s (%d partition(s)) %s; Ctrl-C to stop", r.topic, len(r.partitions), from)

	var idle <-chan time.Time
	var timer *time.Timer
	if r.idle > 0 {
		timer = time.NewTimer(r.idle)
		defer timer.Stop()
		idle = timer.C
	}
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n, stopCancelled, nil
		case <-idle:
			return n, stopIdle, nil
		case m := <-msgs:
			if err := handle(m); err != nil {
				return n, stopCancelled, err
			}
			n++
			if r.max > 0 && n >= r.max {
				return n, stopMax, nil
			}
			if timer != nil {
				timer.Reset(r.idle)
			}
		}
	}
}

// forward moves one partition's records to out until ctx ends or the
// partition consumer closes; errors go to report.
func forward(ctx context.Context, pc sarama.PartitionConsumer, out chan<- *sarama.ConsumerMessage, report func(error)) {
	msgs, errs := pc.Messages(), pc.Errors()
	for msgs != nil || errs != nil {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-msgs:
			if !ok {
				msgs = nil
				continue
			}
			select {
			case out <- m:
			case <-ctx.Done():
				return
			}
		case e, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			report(e)
		}
	}
}
