package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/schema"
)

// Dead-letter queue context headers
// (errors.deadletterqueue.context.headers.enable=true). The first ten are
// Kafka Connect's (DeadLetterQueueReporter); the source ones are ours. All
// values are UTF-8 strings.
const (
	HeaderErrorsTopic           = "__connect.errors.topic"
	HeaderErrorsPartition       = "__connect.errors.partition"
	HeaderErrorsOffset          = "__connect.errors.offset"
	HeaderErrorsConnector       = "__connect.errors.connector.name"
	HeaderErrorsTaskID          = "__connect.errors.task.id"
	HeaderErrorsStage           = "__connect.errors.stage"
	HeaderErrorsClass           = "__connect.errors.class.name"
	HeaderErrorsExceptionClass  = "__connect.errors.exception.class.name"
	HeaderErrorsExceptionMsg    = "__connect.errors.exception.message"
	HeaderErrorsExceptionTrace  = "__connect.errors.exception.stacktrace"
	HeaderErrorsSourcePartition = "__connect.errors.source.partition"
	HeaderErrorsSourceOffset    = "__connect.errors.source.offset"
)

// dlqReporter writes skipped records to the connector's dead-letter queue
// topic with a synchronous producer, so that a record's offset (consumer
// offset for sinks, source offset for sources) moves past it only once its
// dead-letter copy is acknowledged.
//
// What a dead-letter record holds:
//
//   - sink records: the original key, value, headers and timestamp exactly
//     as consumed (Kafka Connect's behaviour); for a record the sink task
//     reports through the ErrantRecordReporter after the runtime let go of
//     the consumed bytes, the record re-encoded with the task's converters.
//   - source records (ours): the key and value bytes the task's converters
//     produced when conversion got that far; otherwise (transformation
//     failed, or this part's converter failed) the best raw representation:
//     the task's converter applied to the record as the connector returned it,
//     else schemaless JSON (JsonConverter with schemas.enable=false), else the
//     value's Go text form (fmt %v). Headers likewise (header converter, else
//     text). The timestamp is the record's. Context headers name the
//     intended topic, the chosen Kafka partition (or -1) and offset -1, plus
//     __connect.errors.source.partition and __connect.errors.source.offset:
//     the record's source partition and offset as JSON objects.
type dlqReporter struct {
	topic    string
	headers  bool
	producer sarama.SyncProducer
	fallback *jsonconv.Converter // schemaless JSON for source records
}

// openDLQ creates the dead-letter queue topic when it is missing (one
// partition, errors.deadletterqueue.topic.replication.factor, as Kafka
// Connect) and the producer writing to it (the connector's producer
// settings, producer.override.* included).
func (t *workerTask) openDLQ() error {
	p := t.errs.policy
	acc, err := NewClientConfig(t.w.cfg, AdminClient, t.connProps, "connector-dlq-admin-"+t.id.String())
	if err != nil {
		return fmt.Errorf("dead letter queue %s: %w", p.dlqTopic, err)
	}
	admin, err := sarama.NewClusterAdmin(acc.Brokers, acc.Sarama)
	if err != nil {
		return fmt.Errorf("dead letter queue %s: admin client: %w", p.dlqTopic, err)
	}
	topics, err := admin.ListTopics()
	if err == nil {
		if _, ok := topics[p.dlqTopic]; !ok {
			t.log.Info("creating dead letter queue topic", "topic", p.dlqTopic, "replication_factor", p.dlqRF)
			err = admin.CreateTopic(p.dlqTopic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: p.dlqRF}, false)
			if errors.Is(err, sarama.ErrTopicAlreadyExists) {
				err = nil
			}
		}
	}
	admin.Close()
	if err != nil {
		return fmt.Errorf("could not initialize dead letter queue with topic=%s: %w", p.dlqTopic, err)
	}
	cc, err := NewClientConfig(t.w.cfg, ProducerClient, t.connProps, "connector-dlq-producer-"+t.id.String())
	if err != nil {
		return fmt.Errorf("dead letter queue %s: %w", p.dlqTopic, err)
	}
	cc.Sarama.Producer.Return.Successes = true
	cc.Sarama.Producer.Return.Errors = true
	prod, err := sarama.NewSyncProducer(cc.Brokers, cc.Sarama)
	if err != nil {
		return fmt.Errorf("create dead letter queue producer: %w", err)
	}
	fb := jsonconv.New()
	if err := fb.Configure(map[string]string{"schemas.enable": "false"}, false); err != nil {
		prod.Close()
		return fmt.Errorf("dead letter queue fallback converter: %w", err)
	}
	t.errs.dlq = &dlqReporter{topic: p.dlqTopic, headers: p.dlqHeaders, producer: prod, fallback: fb}
	return nil
}

// send writes f's record to the dead-letter queue and waits for the
// acknowledgement. It is not abandoned when the task is asked to stop: the
// record's fate must be settled before its offset moves; the producer's
// timeout and retries bound the wait.
func (d *dlqReporter) send(h *errorHandler, f *failure) error {
	msg := d.record(h, f)
	if msg == nil {
		return nil
	}
	_, _, err := d.producer.SendMessage(msg)
	return err
}

// record builds the dead-letter record of f; nil when f has no record.
func (d *dlqReporter) record(h *errorHandler, f *failure) *sarama.ProducerMessage {
	msg := &sarama.ProducerMessage{Topic: d.topic, Partition: -1}
	var ctxTopic string
	ctxPartition, ctxOffset := int32(-1), int64(-1)
	switch {
	case f.consumed != nil:
		m := f.consumed
		if m.Key != nil {
			msg.Key = sarama.ByteEncoder(m.Key)
		}
		if m.Value != nil {
			msg.Value = sarama.ByteEncoder(m.Value)
		}
		for _, x := range m.Headers {
			if x != nil {
				msg.Headers = append(msg.Headers, *x)
			}
		}
		msg.Timestamp = m.Timestamp
		ctxTopic, ctxPartition, ctxOffset = m.Topic, m.Partition, m.Offset
	case f.source != nil:
		r := f.source
		e := &f.encoded
		if e.haveKey {
			msg.Key = bytesOrNil(e.key)
		} else {
			msg.Key = bytesOrNil(d.bestBytes(h.conv.key, r.Topic, r.KeySchema, r.Key))
		}
		if e.haveValue {
			msg.Value = bytesOrNil(e.value)
		} else {
			msg.Value = bytesOrNil(d.bestBytes(h.conv.value, r.Topic, r.ValueSchema, r.Value))
		}
		if e.haveHeaders {
			msg.Headers = append(msg.Headers, e.headers...)
		} else {
			for _, x := range r.Headers {
				b, err := h.conv.header.FromConnectHeader(r.Topic, x.Key, x.Schema, x.Value)
				if err != nil {
					b = []byte(fmt.Sprint(x.Value))
				}
				msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(x.Key), Value: b})
			}
		}
		msg.Timestamp = r.Timestamp
		ctxTopic = r.Topic
		switch {
		case e.haveKafkaPartition:
			ctxPartition = e.kafkaPartition
		case r.Partition != nil:
			ctxPartition = *r.Partition
		}
	default:
		return nil
	}
	if !d.headers {
		return msg
	}
	add := func(k, v string) {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(k), Value: []byte(v)})
	}
	add(HeaderErrorsTopic, ctxTopic)
	add(HeaderErrorsPartition, strconv.FormatInt(int64(ctxPartition), 10))
	add(HeaderErrorsOffset, strconv.FormatInt(ctxOffset, 10))
	add(HeaderErrorsConnector, h.id.Connector)
	add(HeaderErrorsTaskID, strconv.Itoa(h.id.Task))
	add(HeaderErrorsStage, string(f.stage))
	add(HeaderErrorsClass, f.class)
	if f.err != nil {
		add(HeaderErrorsExceptionClass, ExceptionClass(f.err))
		add(HeaderErrorsExceptionMsg, h.redact.apply(f.err.Error()))
		add(HeaderErrorsExceptionTrace, h.redact.apply(Trace(f.err)))
	}
	if f.source != nil {
		add(HeaderErrorsSourcePartition, jsonText(f.source.SourcePartition))
		add(HeaderErrorsSourceOffset, jsonText(f.source.SourceOffset))
	}
	return msg
}

// bestBytes encodes a source record's key or value for the dead-letter
// queue: with conv, else as schemaless JSON, else as Go text; nil for a
// nil value.
func (d *dlqReporter) bestBytes(conv converters.Converter, topic string, s *schema.Schema, v any) []byte {
	if v == nil {
		return nil
	}
	var hs converters.Headers
	if b, err := safeBytes(func() ([]byte, error) { return conv.FromConnect(topic, &hs, s, v) }); err == nil {
		return b
	}
	if b, err := safeBytes(func() ([]byte, error) { return d.fallback.AppendConnect(nil, nil, v) }); err == nil {
		return b
	}
	return []byte(fmt.Sprint(v))
}

// safeBytes runs a converter call with recover.
func safeBytes(fn func() ([]byte, error)) (b []byte, err error) {
	err = safeCall(func() error {
		var e error
		b, e = fn()
		return e
	})
	return b, err
}

func bytesOrNil(b []byte) sarama.Encoder {
	if b == nil {
		return nil
	}
	return sarama.ByteEncoder(b)
}

// marshalJSON encodes source partitions and offsets (JSON-compatible maps;
// encoding/json sorts the keys).
func marshalJSON(m map[string]any) ([]byte, error) { return json.Marshal(m) }

func (d *dlqReporter) close() {
	if d != nil && d.producer != nil {
		d.producer.Close()
	}
}

// errantRecordOf re-encodes a sink record with the task's converters for
// the dead-letter queue when its consumed bytes are no longer at hand
// (Kafka's WorkerErrantRecordReporter does the same for records that are
// not its own). The coordinates are the record's original ones.
func (h *errorHandler) errantRecordOf(rec *connect.SinkRecord) *sarama.ConsumerMessage {
	m := &sarama.ConsumerMessage{Topic: rec.OriginalTopic, Partition: rec.OriginalPartition, Offset: rec.OriginalOffset,
		Timestamp: rec.Timestamp}
	var hs converters.Headers
	if rec.Key != nil {
		m.Key, _ = safeBytes(func() ([]byte, error) { return h.conv.key.FromConnect(rec.Topic, &hs, rec.KeySchema, rec.Key) })
	}
	if rec.Value != nil {
		m.Value, _ = safeBytes(func() ([]byte, error) { return h.conv.value.FromConnect(rec.Topic, &hs, rec.ValueSchema, rec.Value) })
	}
	for _, x := range hs {
		m.Headers = append(m.Headers, &sarama.RecordHeader{Key: []byte(x.Key), Value: x.Value})
	}
	for _, x := range rec.Headers {
		b, err := safeBytes(func() ([]byte, error) { return h.conv.header.FromConnectHeader(rec.Topic, x.Key, x.Schema, x.Value) })
		if err != nil {
			continue
		}
		m.Headers = append(m.Headers, &sarama.RecordHeader{Key: []byte(x.Key), Value: b})
	}
	return m
}
