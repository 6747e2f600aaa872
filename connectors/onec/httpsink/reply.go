package httpsink

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
)

// KafkaClientProvider is an optional interface of a connect.SinkTaskContext
// through which a runtime shares its Kafka client settings (brokers,
// security, client overrides) with connectors that produce records of their
// own. OneCHTTPSink uses it for reply.topic when reply.bootstrap.servers is
// empty. The returned configuration is the caller's to modify.
type KafkaClientProvider interface {
	KafkaProducerConfig(clientID string) (brokers []string, cfg *sarama.Config, err error)
}

// Reply record headers besides the correlation id header.
const (
	ReplyHeaderStatus    = "onec.http.status"
	ReplyHeaderTopic     = "onec.source.topic"
	ReplyHeaderPartition = "onec.source.partition"
	ReplyHeaderOffset    = "onec.source.offset"
	ReplyHeaderCount     = "onec.batch.size"
)

// replyProducer writes response bodies to reply.topic.
type replyProducer struct {
	topic      string
	corrHeader string
	producer   sarama.SyncProducer
}

// newReplyProducer connects the reply producer: to reply.bootstrap.servers
// when set, else through the runtime's KafkaClientProvider.
func newReplyProducer(tctx connect.SinkTaskContext, s *settings, clientID string) (*replyProducer, error) {
	var (
		brokers []string
		cfg     *sarama.Config
	)
	kp, hasProvider := tctx.(KafkaClientProvider)
	switch {
	case len(s.replyBootstrap) > 0:
		brokers, cfg = s.replyBootstrap, sarama.NewConfig()
		cfg.Version = sarama.V3_6_0_0
		cfg.ClientID = clientID
		cfg.Net.DialTimeout = 10 * time.Second
	case hasProvider:
		var err error
		if brokers, cfg, err = kp.KafkaProducerConfig(clientID); err != nil {
			return nil, fmt.Errorf("reply producer settings from the worker: %w", err)
		}
	default:
		return nil, fmt.Errorf("%s is set but this worker does not share its Kafka client settings with connectors: set %s",
			KeyReplyTopic, KeyReplyBootstrap)
	}
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	if cfg.Producer.Retry.Max < 5 {
		cfg.Producer.Retry.Max = 5
	}
	p, err := sarama.NewSyncProducer(brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("create reply producer: %w", err)
	}
	return &replyProducer{topic: s.replyTopic, corrHeader: s.corrHeader, producer: p}, nil
}

// send produces one reply and waits for Kafka's acknowledgement. ctx is
// checked before sending (sarama's sync producer takes no context; its own
// timeouts bound the call).
func (r *replyProducer) send(ctx context.Context, b *batch, corr string, status int, body []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	first := b.items[0]
	msg := &sarama.ProducerMessage{
		Topic: r.topic,
		Key:   sarama.StringEncoder(corr),
		Value: sarama.ByteEncoder(body),
		Headers: []sarama.RecordHeader{
			{Key: []byte(r.corrHeader), Value: []byte(corr)},
			{Key: []byte(ReplyHeaderStatus), Value: []byte(strconv.Itoa(status))},
			{Key: []byte(ReplyHeaderTopic), Value: []byte(first.tp.Topic)},
			{Key: []byte(ReplyHeaderPartition), Value: []byte(strconv.FormatInt(int64(first.tp.Partition), 10))},
			{Key: []byte(ReplyHeaderOffset), Value: []byte(strconv.FormatInt(first.off, 10))},
			{Key: []byte(ReplyHeaderCount), Value: []byte(strconv.Itoa(len(b.items)))},
		},
	}
	if _, _, err := r.producer.SendMessage(msg); err != nil {
		var perr *sarama.ProducerError
		if errors.As(err, &perr) {
			err = perr.Err
		}
		return fmt.Errorf("produce reply to %s: %w", r.topic, err)
	}
	return nil
}

func (r *replyProducer) close() error {
	if err := r.producer.Close(); err != nil {
		return fmt.Errorf("close reply producer: %w", err)
	}
	return nil
}
