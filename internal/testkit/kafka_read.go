package testkit

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// readTimeout bounds one ReadAll call.
const readTimeout = 30 * time.Second

// ReadOption configures [KafkaCluster.ReadAll] and [KafkaCluster.WaitFor].
type ReadOption func(*readOptions)

type readOptions struct {
	isolation sarama.IsolationLevel
}

// ReadCommitted reads with isolation level read_committed: up to the last
// stable offset, without records of aborted transactions.
func ReadCommitted() ReadOption {
	return func(o *readOptions) { o.isolation = sarama.ReadCommitted }
}

// ReadAll returns every record of every partition of the topic, from the
// oldest offset to the end offset at the time of the call (the high
// watermark, or the last stable offset with [ReadCommitted]), sorted by
// partition then offset. It drives Fetch requests itself and tracks the
// position over whole batches, so transaction markers and compacted gaps at
// the tail do not stall it. The call is bounded by 30 s.
func (k *KafkaCluster) ReadAll(t testing.TB, topic string, opts ...ReadOption) []*sarama.ConsumerMessage {
	t.Helper()
	msgs, err := k.readAll(topic, time.Now().Add(readTimeout), opts...)
	if err != nil {
		t.Fatalf("testkit: read topic %s: %v", topic, err)
	}
	return msgs
}

// WaitFor polls the topic with [KafkaCluster.ReadAll] until it holds at least
// n records and returns them all, or fails the test after the timeout.
func (k *KafkaCluster) WaitFor(t testing.TB, topic string, n int, timeout time.Duration, opts ...ReadOption) []*sarama.ConsumerMessage {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var (
		msgs []*sarama.ConsumerMessage
		err  error
	)
	for {
		msgs, err = k.readAll(topic, deadline, opts...)
		if err == nil && len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("testkit: wait for %d records in %s: %v", n, topic, err)
	}
	t.Fatalf("testkit: wait for %d records in %s: got %d after %v", n, topic, len(msgs), timeout)
	return nil
}

func (k *KafkaCluster) readAll(topic string, deadline time.Time, opts ...ReadOption) ([]*sarama.ConsumerMessage, error) {
	var o readOptions
	for _, opt := range opts {
		opt(&o)
	}
	client, err := k.sharedClient()
	if err != nil {
		return nil, err
	}
	if err := client.RefreshMetadata(topic); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	partitions, err := client.Partitions(topic)
	if err != nil {
		return nil, fmt.Errorf("partitions: %w", err)
	}
	slices.Sort(partitions)
	var out []*sarama.ConsumerMessage
	for _, p := range partitions {
		msgs, err := readPartition(client, topic, p, o.isolation, deadline)
		if err != nil {
			return nil, fmt.Errorf("partition %d: %w", p, err)
		}
		out = append(out, msgs...)
	}
	return out, nil
}

// readPartition reads one partition from its log start to its end offset.
func readPartition(client sarama.Client, topic string, partition int32, iso sarama.IsolationLevel, deadline time.Time) ([]*sarama.ConsumerMessage, error) {
	broker, err := client.Leader(topic, partition)
	if err != nil {
		return nil, fmt.Errorf("leader: %w", err)
	}
	start, err := listOffset(broker, topic, partition, sarama.OffsetOldest, iso)
	if err != nil {
		return nil, fmt.Errorf("log start offset: %w", err)
	}
	end, err := listOffset(broker, topic, partition, sarama.OffsetNewest, iso)
	if err != nil {
		return nil, fmt.Errorf("end offset: %w", err)
	}
	var (
		out      []*sarama.ConsumerMessage
		pos      = start
		maxBytes = int32(4 << 20)
	)
	for pos < end {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("timed out at offset %d of [%d, %d)", pos, start, end)
		}
		req := &sarama.FetchRequest{
			Version:      12,
			MaxWaitTime:  100,
			MinBytes:     1,
			MaxBytes:     maxBytes,
			Isolation:    iso,
			SessionID:    0,
			SessionEpoch: -1,
		}
		req.AddBlock(topic, partition, pos, maxBytes, -1)
		resp, err := broker.Fetch(req)
		if err != nil {
			return nil, fmt.Errorf("fetch at %d: %w", pos, err)
		}
		block := resp.GetBlock(topic, partition)
		if block == nil {
			return nil, fmt.Errorf("fetch at %d: no block in response", pos)
		}
		if block.Err != sarama.ErrNoError {
			return nil, fmt.Errorf("fetch at %d: %w", pos, block.Err)
		}
		next, msgs, err := decodeBlock(topic, partition, pos, end, block)
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
		if next == pos {
			if block.Partial && maxBytes < 256<<20 {
				maxBytes *= 2 // a batch larger than the fetch size
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		pos = next
	}
	return out, nil
}

// decodeBlock turns a fetch response block into consumer messages with
// offsets in [pos, end), skipping control batches and, under read_committed,
// aborted transactional batches. It returns the next fetch position: one
// past the last offset of the last whole batch seen.
func decodeBlock(topic string, partition int32, pos, end int64, block *sarama.FetchResponseBlock) (int64, []*sarama.ConsumerMessage, error) {
	aborted := slices.Clone(block.AbortedTransactions)
	sort.Slice(aborted, func(i, j int) bool { return aborted[i].FirstOffset < aborted[j].FirstOffset })
	abortedProducers := map[int64]bool{}
	next := pos
	var out []*sarama.ConsumerMessage
	for _, recs := range block.RecordsSet {
		if recs == nil {
			continue
		}
		if recs.MsgSet != nil {
			return pos, nil, fmt.Errorf("offset %d: legacy message format (magic < 2) is not supported", pos)
		}
		b := recs.RecordBatch
		if b == nil || b.PartialTrailingRecord {
			continue
		}
		last := b.FirstOffset + int64(b.LastOffsetDelta)
		for len(aborted) > 0 && aborted[0].FirstOffset <= last {
			abortedProducers[aborted[0].ProducerID] = true
			aborted = aborted[1:]
		}
		switch {
		case b.Control:
			// A commit or abort marker; an abort ends that producer's aborted range.
			if abortedProducers[b.ProducerID] && isAbortMarker(b) {
				delete(abortedProducers, b.ProducerID)
			}
		case b.IsTransactional && abortedProducers[b.ProducerID]:
			// Records of an aborted transaction: invisible under read_committed.
		default:
			for _, r := range b.Records {
				off := b.FirstOffset + r.OffsetDelta
				if off < pos || off >= end {
					continue
				}
				out = append(out, toConsumerMessage(topic, partition, b, r, off))
			}
		}
		if last+1 > next {
			next = last + 1
		}
	}
	if next > end {
		next = end
	}
	return next, out, nil
}

// isAbortMarker reports whether a control batch holds an ABORT marker
// (control record key: int16 version, int16 type; type 0 = abort).
func isAbortMarker(b *sarama.RecordBatch) bool {
	for _, r := range b.Records {
		if len(r.Key) >= 4 && r.Key[2] == 0 && r.Key[3] == 0 {
			return true
		}
	}
	return false
}

func toConsumerMessage(topic string, partition int32, b *sarama.RecordBatch, r *sarama.Record, offset int64) *sarama.ConsumerMessage {
	ts := b.FirstTimestamp.Add(r.TimestampDelta)
	if b.LogAppendTime {
		ts = b.MaxTimestamp
	}
	m := &sarama.ConsumerMessage{
		Topic:          topic,
		Partition:      partition,
		Offset:         offset,
		Key:            r.Key,
		Value:          r.Value,
		Timestamp:      ts,
		BlockTimestamp: b.MaxTimestamp,
	}
	for _, h := range r.Headers {
		m.Headers = append(m.Headers, &sarama.RecordHeader{Key: h.Key, Value: h.Value})
	}
	return m
}

// listOffset asks the partition leader for the oldest or newest offset
// (sarama.OffsetOldest / OffsetNewest) under the isolation level; newest
// under read_committed is the last stable offset.
func listOffset(broker *sarama.Broker, topic string, partition int32, which int64, iso sarama.IsolationLevel) (int64, error) {
	req := sarama.NewOffsetRequest(saramaVersion)
	req.IsolationLevel = iso
	req.AddBlock(topic, partition, which, 1)
	resp, err := broker.GetAvailableOffsets(req)
	if err != nil {
		return 0, err
	}
	block := resp.GetBlock(topic, partition)
	if block == nil {
		return 0, fmt.Errorf("no block for %s/%d in offsets response", topic, partition)
	}
	if block.Err != sarama.ErrNoError {
		return 0, block.Err
	}
	return block.Offset, nil
}
