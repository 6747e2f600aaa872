package runtime

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
)

func TestClientConfigMapping(t *testing.T) {
	base := map[string]string{KeyBootstrapServers: "127.0.0.1:9092", KeyKeyConverter: "Json", KeyValueConverter: "Json"}
	tests := []struct {
		name    string
		worker  map[string]string
		conn    map[string]string
		kind    ClientKind
		check   func(t *testing.T, cc *ClientConfig)
		wantErr string
	}{
		{name: "producer defaults", kind: ProducerClient, check: func(t *testing.T, cc *ClientConfig) {
			c := cc.Sarama
			if c.Producer.RequiredAcks != sarama.WaitForAll || !c.Producer.Idempotent || c.Net.MaxOpenRequests != 1 {
				t.Fatalf("acks %v idempotent %v inflight %d", c.Producer.RequiredAcks, c.Producer.Idempotent, c.Net.MaxOpenRequests)
			}
			if c.ClientID != "cid" {
				t.Fatalf("client id %q", c.ClientID)
			}
		}},
		{name: "connector override wins over worker", kind: ProducerClient,
			worker: map[string]string{"producer.linger.ms": "10", "producer.compression.type": "gzip"},
			conn:   map[string]string{"producer.override.linger.ms": "20", "producer.override.acks": "1", "producer.override.client.id": "mine"},
			check: func(t *testing.T, cc *ClientConfig) {
				c := cc.Sarama
				if c.Producer.Flush.Frequency != 20*time.Millisecond || c.Producer.Compression != sarama.CompressionGZIP {
					t.Fatalf("linger %v compression %v", c.Producer.Flush.Frequency, c.Producer.Compression)
				}
				if c.Producer.RequiredAcks != sarama.WaitForLocal || c.Producer.Idempotent || c.ClientID != "mine" {
					t.Fatalf("acks %v idempotent %v id %q", c.Producer.RequiredAcks, c.Producer.Idempotent, c.ClientID)
				}
			}},
		{name: "consumer keys", kind: ConsumerClient,
			conn: map[string]string{"consumer.override.auto.offset.reset": "latest", "consumer.override.max.poll.records": "7",
				"consumer.override.isolation.level": "read_committed", "consumer.override.group.id": "g", "consumer.override.session.timeout.ms": "6000"},
			check: func(t *testing.T, cc *ClientConfig) {
				c := cc.Sarama
				if c.Consumer.Offsets.Initial != sarama.OffsetNewest || cc.MaxPollRecords != 7 || cc.GroupID != "g" ||
					c.Consumer.IsolationLevel != sarama.ReadCommitted || c.Consumer.Group.Session.Timeout != 6*time.Second {
					t.Fatalf("consumer config not applied: %+v", cc)
				}
			}},
		{name: "bootstrap override", kind: ProducerClient, conn: map[string]string{"producer.override.bootstrap.servers": "127.0.0.2:1"},
			check: func(t *testing.T, cc *ClientConfig) {
				if len(cc.Brokers) != 1 || cc.Brokers[0] != "127.0.0.2:1" {
					t.Fatalf("brokers %v", cc.Brokers)
				}
			}},
		{name: "sasl plain from jaas", kind: AdminClient,
			worker: map[string]string{KeySecurityProtocol: "SASL_PLAINTEXT", KeySASLJAASConfig: `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p\"w";`},
			check: func(t *testing.T, cc *ClientConfig) {
				s := cc.Sarama.Net.SASL
				if !s.Enable || s.User != "u" || s.Password != `p"w` || s.Mechanism != sarama.SASLTypePlaintext {
					t.Fatalf("sasl %+v", s)
				}
			}},
		{name: "scram", kind: ProducerClient,
			worker: map[string]string{KeySecurityProtocol: "SASL_PLAINTEXT", KeySASLMechanism: "SCRAM-SHA-512", KeySASLUsername: "u", KeySASLPassword: "p"},
			check: func(t *testing.T, cc *ClientConfig) {
				s := cc.Sarama.Net.SASL
				if s.Mechanism != sarama.SASLTypeSCRAMSHA512 || s.SCRAMClientGeneratorFunc == nil {
					t.Fatalf("sasl %+v", s)
				}
			}},
		{name: "unknown override key", kind: ProducerClient, conn: map[string]string{"producer.override.buffer.memory": "1"}, wantErr: `"buffer.memory"`},
		{name: "bad value", kind: ConsumerClient, conn: map[string]string{"consumer.override.auto.offset.reset": "sideways"}, wantErr: "auto.offset.reset"},
		{name: "idempotence needs acks all", kind: ProducerClient, conn: map[string]string{"producer.override.acks": "1", "producer.override.enable.idempotence": "true"}, wantErr: "acks=all"},
		{name: "ssl files missing", kind: ProducerClient, worker: map[string]string{KeySecurityProtocol: "SSL", KeySSLCALocation: "/nonexistent/ca.pem"}, wantErr: "ssl.ca.location"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for k, v := range base {
				props[k] = v
			}
			for k, v := range tc.worker {
				props[k] = v
			}
			wc, err := ParseWorkerConfig(props)
			if err != nil {
				t.Fatal(err)
			}
			conn := map[string]string{connect.KeyName: "c"}
			for k, v := range tc.conn {
				conn[k] = v
			}
			cc, err := NewClientConfig(wc, tc.kind, conn, "cid")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, cc)
		})
	}
}

func TestParseJAASConfigErrors(t *testing.T) {
	for _, s := range []string{
		`org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p"`,
		`com.sun.security.auth.module.Krb5LoginModule required;`,
		`PlainLoginModule required password="p";`,
	} {
		if _, _, err := ParseJAASConfig(s); err == nil {
			t.Errorf("ParseJAASConfig(%q): no error", s)
		}
	}
}

func TestWorkerConfigRejectsUnknown(t *testing.T) {
	_, err := ParseWorkerConfig(map[string]string{KeyKeyConverter: "Json", KeyValueConverter: "Json", "offset.flush.intervl.ms": "5"})
	if err == nil || !strings.Contains(err.Error(), "offset.flush.intervl.ms") {
		t.Fatalf("err = %v", err)
	}
}
