package runtime

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// This file maps Kafka client keys (worker-level, worker "producer." /
// "consumer." / "admin." defaults, connector "*.override." keys) onto sarama
// configurations. Precedence, lowest first: the runtime's defaults, the
// worker's common client keys, the worker's "<kind>." keys, the connector's
// "<kind>.override." keys. A key outside the supported subset is an error
// naming the key.

// ClientKind tells which Kafka client a configuration is for.
type ClientKind string

// Client kinds; their names are the worker prefixes ("producer." …).
const (
	ProducerClient ClientKind = "producer"
	ConsumerClient ClientKind = "consumer"
	AdminClient    ClientKind = "admin"
)

// ClientConfig is a ready sarama configuration plus the settings sarama has
// no field for.
type ClientConfig struct {
	Brokers []string
	Sarama  *sarama.Config
	// GroupID is the consumer's group.id override ("" = connect-<name>).
	GroupID string
	// MaxPollRecords bounds the records per SinkTask.Put (consumer only).
	MaxPollRecords int
}

// commonClientKeys are accepted for every client kind.
var commonClientKeys = map[string]bool{
	KeyBootstrapServers: true, KeyClientID: true, KeySecurityProtocol: true,
	KeySSLCALocation: true, KeySSLCertLocation: true, KeySSLKeyLocation: true, KeySSLKeyPassword: true,
	KeySSLEndpointIdent: true, KeySASLMechanism: true, KeySASLJAASConfig: true, KeySASLUsername: true,
	KeySASLPassword: true, KeyRequestTimeout: true, KeyMetadataMaxAge: true, KeyRetryBackoff: true,
}

var kindKeys = map[ClientKind]map[string]bool{
	ProducerClient: {"acks": true, "enable.idempotence": true, "max.in.flight.requests.per.connection": true,
		"linger.ms": true, "batch.size": true, "compression.type": true, "max.request.size": true, "retries": true},
	ConsumerClient: {"auto.offset.reset": true, "max.poll.records": true, "fetch.min.bytes": true,
		"fetch.max.wait.ms": true, "session.timeout.ms": true, "heartbeat.interval.ms": true, "isolation.level": true,
		"group.id": true, "max.partition.fetch.bytes": true, "fetch.max.bytes": true, "partition.assignment.strategy": true},
	AdminClient: {},
}

// ClientProps merges the client keys for kind: the worker's common client
// keys, its "<kind>." keys, then connProps' "<kind>.override." keys
// (connProps may be nil). The result may hold secrets.
func (wc *WorkerConfig) ClientProps(kind ClientKind, connProps map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range wc.resolved() {
		if commonClientKeys[k] && wc.Values.Has(k) {
			out[k] = v
		}
	}
	out[KeyBootstrapServers] = strings.Join(wc.BootstrapServers, ",")
	for k, v := range wc.Values.WithPrefix(string(kind) + ".") {
		out[k] = v
	}
	prefix := string(kind) + ".override."
	for k, v := range connProps {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

// NewClientConfig builds the sarama configuration of a client of kind from
// the worker config and a connector's properties (nil for the worker's own
// clients). clientID is used unless client.id is set explicitly.
func NewClientConfig(wc *WorkerConfig, kind ClientKind, connProps map[string]string, clientID string) (*ClientConfig, error) {
	return buildClientConfig(kind, wc.ClientProps(kind, connProps), wc.KafkaVersion, clientID)
}

func buildClientConfig(kind ClientKind, props map[string]string, version sarama.KafkaVersion, clientID string) (*ClientConfig, error) {
	var unknown []string
	for k := range props {
		if !commonClientKeys[k] && !kindKeys[kind][k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s client: unsupported configuration %q (supported: the common client keys and %s)",
			kind, unknown[0], strings.Join(sortedKeys(kindKeys[kind]), ", "))
	}
	cc := &ClientConfig{Sarama: defaultSarama(kind, version, clientID), MaxPollRecords: 500}
	c := cc.Sarama
	p := propReader{kind: kind, props: props}

	cc.Brokers = splitList(props[KeyBootstrapServers])
	if len(cc.Brokers) == 0 {
		return nil, fmt.Errorf("%s client: %s is empty", kind, KeyBootstrapServers)
	}
	if v, ok := props[KeyClientID]; ok && strings.TrimSpace(v) != "" && kind != AdminClient {
		// Kafka Connect keeps per-connector ids unless overridden.
		c.ClientID = strings.TrimSpace(v)
	}
	if d, ok := p.millis(KeyRequestTimeout); ok {
		c.Net.ReadTimeout = d + 5*time.Second
		c.Net.WriteTimeout = d
		c.Admin.Timeout = d
		c.Producer.Timeout = d
	}
	if d, ok := p.millis(KeyMetadataMaxAge); ok {
		c.Metadata.RefreshFrequency = d
	}
	if d, ok := p.millis(KeyRetryBackoff); ok {
		c.Metadata.Retry.Backoff = d
		c.Producer.Retry.Backoff = d
		c.Consumer.Retry.Backoff = d
		c.Admin.Retry.Backoff = d
	}
	if err := applySecurity(c, props); err != nil {
		return nil, fmt.Errorf("%s client: %w", kind, err)
	}
	switch kind {
	case ProducerClient:
		applyProducer(c, &p)
	case ConsumerClient:
		applyConsumer(cc, &p)
	}
	if p.err != nil {
		return nil, p.err
	}
	if c.Producer.Idempotent && kind == ProducerClient {
		if c.Producer.RequiredAcks != sarama.WaitForAll {
			return nil, fmt.Errorf("producer client: enable.idempotence=true requires acks=all")
		}
		if c.Net.MaxOpenRequests > 5 {
			return nil, fmt.Errorf("producer client: enable.idempotence=true requires max.in.flight.requests.per.connection <= 5")
		}
		// sarama's idempotent producer supports one request in flight.
		c.Net.MaxOpenRequests = 1
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s client: %w", kind, err)
	}
	return cc, nil
}

// DefaultLinger is the task producers' linger.ms unless configured.
const DefaultLinger = 5 * time.Millisecond

func defaultSarama(kind ClientKind, version sarama.KafkaVersion, clientID string) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = version
	if clientID != "" {
		c.ClientID = sanitizeClientID(clientID)
	}
	c.Net.DialTimeout = 10 * time.Second
	c.Net.ReadTimeout = 45 * time.Second
	c.Net.WriteTimeout = 40 * time.Second
	c.Metadata.AllowAutoTopicCreation = true
	c.Metadata.Retry.Max = 10
	c.Metadata.Retry.Backoff = 100 * time.Millisecond
	switch kind {
	case ProducerClient:
		c.Producer.RequiredAcks = sarama.WaitForAll
		c.Producer.Idempotent = true
		c.Net.MaxOpenRequests = 1
		c.Producer.Return.Successes = true
		c.Producer.Return.Errors = true
		c.Producer.Retry.Max = 10
		c.Producer.Retry.Backoff = 100 * time.Millisecond
		c.Producer.Timeout = 30 * time.Second
		c.Producer.MaxMessageBytes = 1000000
		// linger.ms=5, the Kafka 4.0 producer default (KIP-1030): fuller
		// requests, measured at about a quarter less producer CPU per
		// record; batch.size stays unmapped unless set (sarama's byte
		// trigger counts the whole request, not one partition's batch).
		c.Producer.Flush.Frequency = DefaultLinger
		c.Producer.Partitioner = newRecordPartitioner
	case ConsumerClient:
		c.Consumer.Offsets.Initial = sarama.OffsetOldest
		c.Consumer.Offsets.AutoCommit.Enable = false
		c.Consumer.Return.Errors = true
		c.Consumer.MaxWaitTime = 500 * time.Millisecond
		c.Consumer.Group.Session.Timeout = 45 * time.Second
		c.Consumer.Group.Heartbeat.Interval = 3 * time.Second
		c.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRange()}
	case AdminClient:
		c.Admin.Timeout = 30 * time.Second
		c.Admin.Retry.Max = 5
	}
	return c
}

var clientIDUnsafe = regexp.MustCompile(`[^a-zA-Z0-9._-]`)

// sanitizeClientID makes id acceptable to sarama's client id validation.
func sanitizeClientID(id string) string { return clientIDUnsafe.ReplaceAllString(id, "_") }

func applyProducer(c *sarama.Config, p *propReader) {
	if v, ok := p.str("acks"); ok {
		switch strings.ToLower(v) {
		case "all", "-1":
			c.Producer.RequiredAcks = sarama.WaitForAll
		case "1":
			c.Producer.RequiredAcks = sarama.WaitForLocal
			if _, set := p.props["enable.idempotence"]; !set {
				c.Producer.Idempotent = false
			}
		case "0":
			c.Producer.RequiredAcks = sarama.NoResponse
			if _, set := p.props["enable.idempotence"]; !set {
				c.Producer.Idempotent = false
			}
		default:
			p.fail("acks", v, "expected all, -1, 0 or 1")
		}
	}
	if b, ok := p.boolean("enable.idempotence"); ok {
		c.Producer.Idempotent = b
	}
	if n, ok := p.integer("max.in.flight.requests.per.connection", 1, 1000); ok {
		c.Net.MaxOpenRequests = n
	}
	if d, ok := p.millis("linger.ms"); ok {
		c.Producer.Flush.Frequency = d
	}
	if n, ok := p.integer("batch.size", 0, 1<<30); ok {
		c.Producer.Flush.Bytes = n
	}
	if v, ok := p.str("compression.type"); ok {
		switch strings.ToLower(v) {
		case "none":
			c.Producer.Compression = sarama.CompressionNone
		case "gzip":
			c.Producer.Compression = sarama.CompressionGZIP
		case "snappy":
			c.Producer.Compression = sarama.CompressionSnappy
		case "lz4":
			c.Producer.Compression = sarama.CompressionLZ4
		case "zstd":
			c.Producer.Compression = sarama.CompressionZSTD
		default:
			p.fail("compression.type", v, "expected none, gzip, snappy, lz4 or zstd")
		}
	}
	if n, ok := p.integer("max.request.size", 1, 1<<30); ok {
		c.Producer.MaxMessageBytes = n
	}
	if n, ok := p.integer("retries", 0, 1<<30); ok {
		c.Producer.Retry.Max = n
	}
	if !c.Producer.Idempotent && c.Net.MaxOpenRequests > 1 {
		return
	}
}

func applyConsumer(cc *ClientConfig, p *propReader) {
	c := cc.Sarama
	if v, ok := p.str("auto.offset.reset"); ok {
		switch strings.ToLower(v) {
		case "earliest":
			c.Consumer.Offsets.Initial = sarama.OffsetOldest
		case "latest":
			c.Consumer.Offsets.Initial = sarama.OffsetNewest
		default:
			p.fail("auto.offset.reset", v, "expected earliest or latest")
		}
	}
	if n, ok := p.integer("max.poll.records", 1, 1<<24); ok {
		cc.MaxPollRecords = n
	}
	if n, ok := p.integer("fetch.min.bytes", 1, 1<<30); ok {
		c.Consumer.Fetch.Min = int32(n)
	}
	if d, ok := p.millis("fetch.max.wait.ms"); ok {
		c.Consumer.MaxWaitTime = d
	}
	if d, ok := p.millis("session.timeout.ms"); ok {
		c.Consumer.Group.Session.Timeout = d
	}
	if d, ok := p.millis("heartbeat.interval.ms"); ok {
		c.Consumer.Group.Heartbeat.Interval = d
	}
	if v, ok := p.str("isolation.level"); ok {
		switch strings.ToLower(v) {
		case "read_committed":
			c.Consumer.IsolationLevel = sarama.ReadCommitted
		case "read_uncommitted":
			c.Consumer.IsolationLevel = sarama.ReadUncommitted
		default:
			p.fail("isolation.level", v, "expected read_committed or read_uncommitted")
		}
	}
	if v, ok := p.str("group.id"); ok {
		cc.GroupID = v
	}
	if n, ok := p.integer("max.partition.fetch.bytes", 1, 1<<30); ok {
		c.Consumer.Fetch.Default = int32(n)
	}
	if n, ok := p.integer("fetch.max.bytes", 1, 1<<30); ok {
		c.Consumer.Fetch.Max = int32(n)
	}
	if v, ok := p.str("partition.assignment.strategy"); ok {
		var strategies []sarama.BalanceStrategy
		for _, s := range splitList(v) {
			name := s[strings.LastIndexByte(s, '.')+1:]
			switch name {
			case "RangeAssignor", "range":
				strategies = append(strategies, sarama.NewBalanceStrategyRange())
			case "RoundRobinAssignor", "roundrobin":
				strategies = append(strategies, sarama.NewBalanceStrategyRoundRobin())
			case "StickyAssignor", "sticky":
				strategies = append(strategies, sarama.NewBalanceStrategySticky())
			default:
				p.fail("partition.assignment.strategy", v, "expected RangeAssignor, RoundRobinAssignor or StickyAssignor")
			}
		}
		if len(strategies) > 0 {
			c.Consumer.Group.Rebalance.GroupStrategies = strategies
		}
	}
}

// applySecurity sets TLS and SASL from security.protocol, ssl.* and sasl.*.
func applySecurity(c *sarama.Config, props map[string]string) error {
	proto := strings.ToUpper(strings.TrimSpace(props[KeySecurityProtocol]))
	if proto == "" {
		proto = "PLAINTEXT"
	}
	useTLS, useSASL := false, false
	switch proto {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return fmt.Errorf("%s %q: expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", KeySecurityProtocol, proto)
	}
	if useTLS {
		tc, err := tlsConfig(props)
		if err != nil {
			return err
		}
		c.Net.TLS.Enable = true
		c.Net.TLS.Config = tc
	}
	if useSASL {
		mech := strings.ToUpper(strings.TrimSpace(props[KeySASLMechanism]))
		if mech == "" {
			mech = "PLAIN"
		}
		user, pass := strings.TrimSpace(props[KeySASLUsername]), props[KeySASLPassword]
		if jaas := strings.TrimSpace(props[KeySASLJAASConfig]); jaas != "" {
			u, p, err := ParseJAASConfig(jaas)
			if err != nil {
				return err
			}
			user, pass = u, p
		}
		if user == "" {
			return fmt.Errorf("%s %s needs %s or %s", KeySecurityProtocol, proto, KeySASLJAASConfig, KeySASLUsername)
		}
		c.Net.SASL.Enable = true
		c.Net.SASL.Handshake = true
		c.Net.SASL.User = user
		c.Net.SASL.Password = pass
		switch mech {
		case "PLAIN":
			c.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		case "SCRAM-SHA-256":
			c.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
			c.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA256} }
		case "SCRAM-SHA-512":
			c.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
			c.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{hash: scram.SHA512} }
		default:
			return fmt.Errorf("%s %q: expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", KeySASLMechanism, mech)
		}
	}
	return nil
}

// tlsConfig builds the client TLS settings from PEM files: ssl.ca.location
// (CA bundle; the system pool when empty), ssl.certificate.location and
// ssl.key.location (client certificate for mutual TLS; unencrypted PEM).
func tlsConfig(props map[string]string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca := strings.TrimSpace(props[KeySSLCALocation]); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KeySSLCALocation, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s %s: no PEM certificate found", KeySSLCALocation, ca)
		}
		tc.RootCAs = pool
	}
	cert, key := strings.TrimSpace(props[KeySSLCertLocation]), strings.TrimSpace(props[KeySSLKeyLocation])
	if (cert == "") != (key == "") {
		return nil, fmt.Errorf("%s and %s must be set together", KeySSLCertLocation, KeySSLKeyLocation)
	}
	if cert != "" {
		if props[KeySSLKeyPassword] != "" {
			return nil, fmt.Errorf("%s: encrypted PEM keys are not supported; give an unencrypted key file with restricted permissions", KeySSLKeyPassword)
		}
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	if v, ok := props[KeySSLEndpointIdent]; ok && strings.TrimSpace(v) == "" {
		tc.InsecureSkipVerify = true // as Kafka with an empty algorithm: no host name check
	}
	return tc, nil
}

var jaasOption = regexp.MustCompile(`(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))`)

// ParseJAASConfig extracts username and password from a Kafka
// sasl.jaas.config line for PlainLoginModule or ScramLoginModule, e.g.
//
//	org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
func ParseJAASConfig(s string) (user, password string, err error) {
	s = strings.TrimSpace(s)
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return "", "", fmt.Errorf("%s: want <LoginModule> required username=\"…\" password=\"…\";", KeySASLJAASConfig)
	}
	module := fields[0]
	if !strings.HasSuffix(module, "PlainLoginModule") && !strings.HasSuffix(module, "ScramLoginModule") {
		return "", "", fmt.Errorf("%s: login module %s is not supported (PlainLoginModule, ScramLoginModule)", KeySASLJAASConfig, module)
	}
	flag := strings.ToLower(fields[1])
	if flag != "required" && flag != "requisite" && flag != "sufficient" && flag != "optional" {
		return "", "", fmt.Errorf("%s: missing control flag (required) after %s", KeySASLJAASConfig, module)
	}
	if !strings.HasSuffix(s, ";") {
		return "", "", fmt.Errorf("%s: must end with ';'", KeySASLJAASConfig)
	}
	rest := s[len(fields[0]):]
	for _, m := range jaasOption.FindAllStringSubmatch(rest, -1) {
		val := m[3]
		if m[3] == "" {
			val = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[2])
		}
		switch m[1] {
		case "username":
			user = val
		case "password":
			password = val
		}
	}
	if user == "" {
		return "", "", fmt.Errorf("%s: no username", KeySASLJAASConfig)
	}
	return user, password, nil
}

// scramClient adapts xdg-go/scram to sarama.SCRAMClient.
type scramClient struct {
	hash scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (s *scramClient) Begin(user, password, authzID string) error {
	c, err := s.hash.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	s.conv = c.NewConversation()
	return nil
}

func (s *scramClient) Step(challenge string) (string, error) { return s.conv.Step(challenge) }
func (s *scramClient) Done() bool                            { return s.conv.Done() }

// propReader reads typed client properties, keeping the first error.
type propReader struct {
	kind  ClientKind
	props map[string]string
	err   error
}

func (p *propReader) fail(key, val, why string) {
	if p.err == nil {
		p.err = fmt.Errorf("%s client: invalid value %q for %s: %s", p.kind, val, key, why)
	}
}

func (p *propReader) str(key string) (string, bool) {
	v, ok := p.props[key]
	return strings.TrimSpace(v), ok
}

func (p *propReader) integer(key string, lo, hi int) (int, bool) {
	v, ok := p.str(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.fail(key, v, fmt.Sprintf("expected an integer in [%d, %d]", lo, hi))
		return 0, false
	}
	return n, true
}

func (p *propReader) millis(key string) (time.Duration, bool) {
	n, ok := p.integer(key, 0, 1<<31-1)
	return time.Duration(n) * time.Millisecond, ok
}

func (p *propReader) boolean(key string) (bool, bool) {
	v, ok := p.str(key)
	if !ok {
		return false, false
	}
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	p.fail(key, v, "expected true or false")
	return false, false
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
