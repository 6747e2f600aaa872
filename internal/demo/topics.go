package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/IBM/sarama"
)

// topicStat is what the summary shows of one topic.
type topicStat struct {
	records  int64 // records in the log (newest - oldest offsets)
	lastKey  string
	lastVal  string
	lastTime time.Time
}

type topicPartition struct {
	topic     string
	partition int32
}

// topicReader looks at topics from outside the worker, as a consumer
// would: record counts from the partitions' offsets, and the latest record
// from a plain partition consumer per partition (no group, nothing
// committed) that starts at the last record present when the topic is
// first looked at and keeps reading in the background. stat is called by
// one goroutine at a time; the consumers update last under mu.
type topicReader struct {
	client   sarama.Client
	consumer sarama.Consumer
	ctx      context.Context // ends the background consumers
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	watching map[topicPartition]bool

	mu   sync.Mutex
	last map[string]topicStat
}

func newTopicReader(bootstrap string) (*topicReader, error) {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_9_0_0
	cfg.ClientID = "onec-demo"
	cfg.Net.DialTimeout = 5 * time.Second
	cfg.Net.ReadTimeout = 10 * time.Second
	cfg.Metadata.AllowAutoTopicCreation = false
	cfg.Metadata.Retry.Max = 2
	cfg.Metadata.Retry.Backoff = 100 * time.Millisecond
	cfg.Consumer.MaxWaitTime = 250 * time.Millisecond
	cfg.Consumer.Return.Errors = false // a partition that fails just stops updating its last record
	client, err := sarama.NewClient([]string{bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("kafka client for %s: %w", bootstrap, err)
	}
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("kafka consumer: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &topicReader{client: client, consumer: consumer, ctx: ctx, cancel: cancel,
		watching: map[topicPartition]bool{}, last: map[string]topicStat{}}, nil
}

// close stops the background consumers and the client.
func (r *topicReader) close() {
	r.cancel()
	_ = r.consumer.Close() // closes the partition consumers' channels
	r.wg.Wait()
	_ = r.client.Close()
}

// stat returns a topic's record count and its latest record; a topic that
// does not exist yet has zero records.
func (r *topicReader) stat(topic string) (topicStat, error) {
	if err := r.client.RefreshMetadata(topic); err != nil {
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return topicStat{}, nil
		}
		return topicStat{}, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	parts, err := r.client.Partitions(topic)
	if err != nil {
		return topicStat{}, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	var records int64
	for _, p := range parts {
		newest, err := r.client.GetOffset(topic, p, sarama.OffsetNewest)
		if err != nil {
			return topicStat{}, fmt.Errorf("offsets of %s/%d: %w", topic, p, err)
		}
		oldest, err := r.client.GetOffset(topic, p, sarama.OffsetOldest)
		if err != nil {
			return topicStat{}, fmt.Errorf("offsets of %s/%d: %w", topic, p, err)
		}
		records += newest - oldest
		if tp := (topicPartition{topic, p}); !r.watching[tp] {
			if err := r.watch(topic, p, max(oldest, newest-1)); err != nil {
				return topicStat{}, err
			}
			r.watching[tp] = true
		}
	}
	r.mu.Lock()
	st := r.last[topic]
	r.mu.Unlock()
	st.records = records
	return st, nil
}

// watch starts a background consumer of one partition from offset that
// keeps the topic's latest record (by timestamp) in last.
func (r *topicReader) watch(topic string, p int32, offset int64) error {
	pc, err := r.consumer.ConsumePartition(topic, p, offset)
	if err != nil {
		return fmt.Errorf("read %s/%d@%d: %w", topic, p, offset, err)
	}
	r.wg.Go(func() {
		defer pc.Close()
		for {
			select {
			case <-r.ctx.Done():
				return
			case m, ok := <-pc.Messages():
				if !ok {
					return
				}
				r.mu.Lock()
				st := r.last[topic]
				if !m.Timestamp.Before(st.lastTime) {
					st.lastTime, st.lastKey, st.lastVal = m.Timestamp, shorten(m.Key, 24), shorten(m.Value, 60)
					if m.Value == nil {
						st.lastVal = "(tombstone)"
					}
					r.last[topic] = st
				}
				r.mu.Unlock()
			}
		}
	})
	return nil
}

// shorten renders a key or value for one table cell: the payload of a
// JSON envelope ({"schema":…,"payload":…}), of a changes-source record
// its op and data ("u {…}"), compact JSON, at most n characters with an
// ellipsis.
func shorten(b []byte, n int) string {
	if b == nil {
		return "null"
	}
	b = bytes.TrimSpace(b)
	var env struct {
		Schema  json.RawMessage `json:"schema"`
		Payload json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(b, &env) == nil && env.Schema != nil && env.Payload != nil {
		b = env.Payload
	}
	prefix := ""
	var change struct {
		Op   string          `json:"op"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &change) == nil && change.Op != "" && change.Data != nil {
		// A changes-source envelope: the operation, then the object.
		if string(bytes.TrimSpace(change.Data)) == "null" {
			return change.Op + " (deleted)"
		}
		prefix, b = change.Op+" ", withoutFields(change.Data, "Ссылка", "ВерсияДанных", "ПометкаУдаления", "Предопределенный", "ПериодНомера")
	}
	var buf bytes.Buffer
	if json.Valid(b) && json.Compact(&buf, b) == nil {
		b = buf.Bytes()
	}
	s := prefix + strings.ToValidUTF8(string(b), "?")
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n-1]) + "…"
	}
	return s
}

// createTopic creates a topic with one partition unless it exists, so the
// sink's consumer finds it before the first message is produced.
func createTopic(bootstrap, topic string) error {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_9_0_0
	cfg.ClientID = "onec-demo-admin"
	cfg.Net.DialTimeout = 5 * time.Second
	cfg.Admin.Timeout = 10 * time.Second
	admin, err := sarama.NewClusterAdmin([]string{bootstrap}, cfg)
	if err != nil {
		return fmt.Errorf("kafka admin for %s: %w", bootstrap, err)
	}
	defer admin.Close()
	err = admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false)
	if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	return nil
}

// withoutFields returns a JSON object without the named members (the key
// already shown, 1C bookkeeping), keeping the order of the rest; anything
// else is returned as it is.
func withoutFields(b []byte, drop ...string) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return b
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return b
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return b
		}
		if slices.Contains(drop, name) {
			continue
		}
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		out.Write(k)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes()
}
