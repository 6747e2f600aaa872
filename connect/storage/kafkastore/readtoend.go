package kafkastore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/IBM/sarama"
)

// Record is one record read from a Log's topic.
type Record struct {
	Partition int32
	Offset    int64
	// Key and Value are nil for a null key or value (a tombstone).
	Key, Value []byte
	Timestamp  time.Time
}

// fetchVersion picks the Fetch request version for the client's protocol
// version: v11 (Kafka 2.3+) or v4 (0.11+, the first with record batches,
// aborted transactions and the last stable offset).
func fetchVersion(v sarama.KafkaVersion) (int16, error) {
	switch {
	case v.IsAtLeast(sarama.V2_3_0_0):
		return 11, nil
	case v.IsAtLeast(sarama.V0_11_0_0):
		return 4, nil
	default:
		return 0, fmt.Errorf("kafka protocol version %s is too old: need 0.11 or newer for record batches", v)
	}
}

// decoded is what one partition's fetch block yields.
type decoded struct {
	records []Record
	// next is the position after the block: one past the last offset of
	// the last whole batch (control and aborted batches included).
	next int64
	// progress reports whether a whole batch was seen.
	progress bool
}

// decodeBlock turns a fetch response block into records with offsets at or
// after pos, skipping control batches and, under read_committed, batches of
// aborted transactions (the block's aborted-transaction list).
func decodeBlock(partition int32, pos int64, block *sarama.FetchResponseBlock, readCommitted bool) (decoded, error) {
	out := decoded{next: pos}
	aborted := slices.Clone(block.AbortedTransactions)
	sort.Slice(aborted, func(i, j int) bool { return aborted[i].FirstOffset < aborted[j].FirstOffset })
	abortedProducers := map[int64]bool{}
	for _, recs := range block.RecordsSet {
		if recs == nil {
			continue
		}
		if recs.MsgSet != nil {
			return out, fmt.Errorf("partition %d offset %d: legacy message format (magic < 2) is not supported", partition, pos)
		}
		b := recs.RecordBatch
		if b == nil || b.PartialTrailingRecord {
			continue
		}
		last := b.FirstOffset + int64(b.LastOffsetDelta)
		if readCommitted {
			for len(aborted) > 0 && aborted[0].FirstOffset <= last {
				abortedProducers[aborted[0].ProducerID] = true
				aborted = aborted[1:]
			}
		}
		switch {
		case b.Control:
			if abortedProducers[b.ProducerID] && isAbortMarker(b) {
				delete(abortedProducers, b.ProducerID)
			}
		case readCommitted && b.IsTransactional && abortedProducers[b.ProducerID]:
			// An aborted transaction's records: invisible.
		default:
			for _, r := range b.Records {
				off := b.FirstOffset + r.OffsetDelta
				if off < out.next {
					continue // before the fetch position, or already seen
				}
				ts := b.FirstTimestamp.Add(r.TimestampDelta)
				if b.LogAppendTime {
					ts = b.MaxTimestamp
				}
				out.records = append(out.records, Record{
					Partition: partition, Offset: off, Key: r.Key, Value: r.Value, Timestamp: ts,
				})
			}
		}
		if last+1 > out.next {
			out.next = last + 1
			out.progress = true
		}
	}
	return out, nil
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

// listOffsets asks the leaders for the oldest or newest offset
// (sarama.OffsetOldest / OffsetNewest) of every partition, one request per
// leader; newest under read_committed is the last stable offset. Leader
// errors are retried after a metadata refresh, bounded by ctx and
// listOffsetsAttempts.
func listOffsets(ctx context.Context, client sarama.Client, topic string, partitions []int32, which int64, iso sarama.IsolationLevel) (map[int32]int64, error) {
	const listOffsetsAttempts = 10
	var last error
	for attempt := 0; attempt < listOffsetsAttempts; attempt++ {
		if attempt > 0 {
			_ = client.RefreshMetadata(topic)
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("list offsets of %s: %w (last: %v)", topic, ctx.Err(), last)
			case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
			}
		}
		out, err := listOffsetsOnce(client, topic, partitions, which, iso)
		if err == nil {
			return out, nil
		}
		last = err
	}
	return nil, fmt.Errorf("list offsets of %s: %w", topic, last)
}

func listOffsetsOnce(client sarama.Client, topic string, partitions []int32, which int64, iso sarama.IsolationLevel) (map[int32]int64, error) {
	byLeader := map[*sarama.Broker][]int32{}
	for _, p := range partitions {
		b, err := client.Leader(topic, p)
		if err != nil {
			return nil, fmt.Errorf("leader of partition %d: %w", p, err)
		}
		byLeader[b] = append(byLeader[b], p)
	}
	out := make(map[int32]int64, len(partitions))
	for b, ps := range byLeader {
		req := sarama.NewOffsetRequest(client.Config().Version)
		req.IsolationLevel = iso
		for _, p := range ps {
			req.AddBlock(topic, p, which, 1)
		}
		resp, err := b.GetAvailableOffsets(req)
		if err != nil {
			return nil, fmt.Errorf("broker %d: %w", b.ID(), err)
		}
		for _, p := range ps {
			block := resp.GetBlock(topic, p)
			if block == nil {
				return nil, fmt.Errorf("partition %d: no block in offsets response", p)
			}
			if !errors.Is(block.Err, sarama.ErrNoError) {
				return nil, fmt.Errorf("partition %d: %w", p, block.Err)
			}
			out[p] = block.Offset
		}
	}
	return out, nil
}
