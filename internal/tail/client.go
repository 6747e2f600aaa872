package tail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// clientID identifies tail's Kafka client in broker logs.
const clientID = "onec-connect-tail"

// keyLogLevel is cmd/worker's log.level key, which is not a runtime key.
const keyLogLevel = "log.level"

// Timeouts of tail's own Kafka client: a broker that does not answer is
// reported within seconds rather than the worker's minutes.
const (
	dialTimeout     = 5 * time.Second
	metadataRetry   = 2
	metadataBackoff = 250 * time.Millisecond
)

// workerConfig builds the worker configuration tail's client and converters
// are derived from: the --worker-config file when given, --bootstrap-server
// over its bootstrap.servers, and the JSON converter for key and value when
// the file names none. Config provider references (${env:…}, ${file:…}) are
// resolved as the worker resolves them. Errors are configuration errors.
func workerConfig(ctx context.Context, o *options) (*runtime.WorkerConfig, error) {
	props := map[string]string{}
	if o.workerConfig != "" {
		b, err := os.ReadFile(o.workerConfig)
		if err != nil {
			return nil, fmt.Errorf("read worker config: %w", err)
		}
		if props, err = config.ParseProperties(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("worker config %s: %w", o.workerConfig, err)
		}
		delete(props, keyLogLevel)
	}
	if o.bootstrap != "" {
		props[runtime.KeyBootstrapServers] = o.bootstrap
	}
	for _, k := range []string{runtime.KeyKeyConverter, runtime.KeyValueConverter} {
		if strings.TrimSpace(props[k]) == "" {
			props[k] = shortConverters[convJSON]
		}
	}
	wc, err := runtime.ParseWorkerConfigWith(ctx, config.DefaultResolver(), props)
	if err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) {
			err = errors.New(strings.Join(ve.Messages(), "; "))
		}
		if o.workerConfig != "" {
			return nil, fmt.Errorf("worker config %s: %w", o.workerConfig, err)
		}
		return nil, fmt.Errorf("kafka settings: %w", err)
	}
	return wc, nil
}

// consumerConfig returns the sarama configuration of tail's consumer: the
// worker's consumer settings (security included) with short timeouts, no
// topic auto-creation, and no offset commits.
func consumerConfig(wc *runtime.WorkerConfig) (*runtime.ClientConfig, error) {
	cc, err := runtime.NewClientConfig(wc, runtime.ConsumerClient, nil, clientID)
	if err != nil {
		return nil, fmt.Errorf("kafka client settings: %w", err)
	}
	c := cc.Sarama
	c.Metadata.AllowAutoTopicCreation = false
	c.Metadata.Retry.Max = metadataRetry
	c.Metadata.Retry.Backoff = metadataBackoff
	c.Net.DialTimeout = dialTimeout
	c.Consumer.Return.Errors = true
	c.Consumer.Offsets.AutoCommit.Enable = false
	return cc, nil
}

// connect opens a sarama client, giving up when ctx ends (the attempt then
// finishes in the background within the dial and retry bounds, and the
// client, if any, is closed).
func connect(ctx context.Context, cc *runtime.ClientConfig) (sarama.Client, error) {
	type result struct {
		c   sarama.Client
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := sarama.NewClient(cc.Brokers, cc.Sarama)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("connect to Kafka at %s: %w", strings.Join(cc.Brokers, ","), r.err)
		}
		return r.c, nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.c != nil {
				_ = r.c.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// partitions returns the partitions to read: all of topic's, or only want
// (≥ 0) when it exists.
func partitions(client sarama.Client, topic string, want int) ([]int32, error) {
	all, err := client.Partitions(topic)
	if err != nil {
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return nil, fmt.Errorf("topic %s does not exist", topic)
		}
		return nil, fmt.Errorf("topic %s: partitions: %w", topic, err)
	}
	if want < 0 {
		return all, nil
	}
	for _, p := range all {
		if p == int32(want) {
			return []int32{p}, nil
		}
	}
	return nil, fmt.Errorf("topic %s has no partition %d (it has %d)", topic, want, len(all))
}
