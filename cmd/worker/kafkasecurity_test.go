package main

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect/rest/auth/authtest"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// TestKafkaClientSecurity checks, through runtime.NewClientConfig, the
// Kafka client TLS and SASL settings docs/security.md documents: worker
// keys, per-connector overrides, TLS 1.2 minimum, and errors that do not
// quote the password.
func TestKafkaClientSecurity(t *testing.T) {
	ca := authtest.NewCA(t, "kafka")
	const pw = "Kafka-S3cret-Pass"
	base := map[string]string{"security.protocol": "SASL_SSL", "ssl.ca.location": ca.File,
		"sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "connect", "sasl.password": pw}
	for _, tc := range []struct {
		name    string
		worker  map[string]string
		conn    map[string]string
		kind    runtime.ClientKind
		mech    sarama.SASLMechanism
		user    string
		tls     bool
		wantErr string
	}{
		{name: "worker SASL_SSL SCRAM-SHA-512", worker: base, kind: runtime.ConsumerClient, mech: sarama.SASLTypeSCRAMSHA512, user: "connect", tls: true},
		{name: "override SCRAM-SHA-256", worker: base, kind: runtime.ProducerClient, conn: map[string]string{
			"producer.override.sasl.mechanism": "SCRAM-SHA-256", "producer.override.sasl.username": "orders"},
			mech: sarama.SASLTypeSCRAMSHA256, user: "orders", tls: true},
		{name: "PLAIN via JAAS", worker: map[string]string{"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN",
			"sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="u1" password="` + pw + `";`},
			kind: runtime.AdminClient, mech: sarama.SASLTypePlaintext, user: "u1"},
		{name: "SSL only", worker: map[string]string{"security.protocol": "SSL", "ssl.ca.location": ca.File}, kind: runtime.ProducerClient, tls: true},
		{name: "bad worker mechanism", worker: map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI",
			"sasl.username": "u", "sasl.password": pw}, kind: runtime.ProducerClient, wantErr: "GSSAPI"},
		{name: "bad override mechanism", worker: base, conn: map[string]string{"producer.override.sasl.mechanism": "GSSAPI"},
			kind: runtime.ProducerClient, wantErr: "GSSAPI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{"bootstrap.servers": "127.0.0.1:1", "key.converter": "StringConverter", "value.converter": "StringConverter"}
			for k, v := range tc.worker {
				props[k] = v
			}
			wc, err := runtime.ParseWorkerConfig(props)
			var cc *runtime.ClientConfig
			if err == nil {
				cc, err = runtime.NewClientConfig(wc, tc.kind, tc.conn, "test")
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), pw) {
					t.Fatalf("error %v, want %q without the password", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := cc.Sarama.Net
			if n.TLS.Enable != tc.tls || tc.tls && (n.TLS.Config == nil || n.TLS.Config.MinVersion < tls.VersionTLS12 || n.TLS.Config.RootCAs == nil) {
				t.Errorf("TLS: enable %v config %+v", n.TLS.Enable, n.TLS.Config)
			}
			if tc.mech != "" && (!n.SASL.Enable || n.SASL.Mechanism != tc.mech || n.SASL.User != tc.user || n.SASL.Password != pw) {
				t.Errorf("SASL: enable %v mech %s user %s", n.SASL.Enable, n.SASL.Mechanism, n.SASL.User)
			}
			if (tc.mech == sarama.SASLTypeSCRAMSHA256 || tc.mech == sarama.SASLTypeSCRAMSHA512) && n.SASL.SCRAMClientGeneratorFunc == nil {
				t.Error("no SCRAM client")
			}
		})
	}
}
