package runtime

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
)

// Worker configuration keys read by the runtime (Kafka Connect's names;
// KeyKafkaProtocolVersion is ours).
const (
	KeyBootstrapServers        = "bootstrap.servers"
	KeyGroupID                 = "group.id"
	KeyClientID                = "client.id"
	KeyKeyConverter            = "key.converter"
	KeyValueConverter          = "value.converter"
	KeyHeaderConverter         = "header.converter"
	KeyOffsetFlushInterval     = "offset.flush.interval.ms"
	KeyOffsetFlushTimeout      = "offset.flush.timeout.ms"
	KeyTaskShutdownTimeout     = "task.shutdown.graceful.timeout.ms"
	KeyOffsetStorageFile       = "offset.storage.file.filename"
	KeyTopicCreationEnable     = "topic.creation.enable"
	KeyTopicTrackingEnable     = "topic.tracking.enable"
	KeyTopicTrackingAllowReset = "topic.tracking.allow.reset"
	KeyClientOverridePolicy    = "connector.client.config.override.policy"
	KeyKafkaProtocolVersion    = "kafka.protocol.version"
	KeyRequestTimeout          = "request.timeout.ms"
	KeyMetadataMaxAge          = "metadata.max.age.ms"
	KeyRetryBackoff            = "retry.backoff.ms"
	KeySecurityProtocol        = "security.protocol"
	KeySSLCALocation           = "ssl.ca.location"
	KeySSLCertLocation         = "ssl.certificate.location"
	KeySSLKeyLocation          = "ssl.key.location"
	KeySSLKeyPassword          = "ssl.key.password"
	KeySSLEndpointIdent        = "ssl.endpoint.identification.algorithm"
	KeySASLMechanism           = "sasl.mechanism"
	KeySASLJAASConfig          = "sasl.jaas.config"
	KeySASLUsername            = "sasl.username"
	KeySASLPassword            = "sasl.password"
	// KeyLogLevel is ours: the root log level the worker binary starts
	// with (/admin/loggers changes levels later).
	KeyLogLevel = "log.level"
)

// LogLevels are the values of log.level (case-insensitive), Kafka's log4j
// level names.
var LogLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"}

// DefaultKafkaVersion is the Kafka protocol version the worker speaks unless
// kafka.protocol.version says otherwise (the tests pin the same one).
var DefaultKafkaVersion = sarama.V3_9_0_0

// Defaults of the worker's converters.
const (
	DefaultHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
)

// WorkerConfigDef returns the worker configuration keys (Kafka Connect's
// WorkerConfig, DistributedConfig, StandaloneConfig and RestServerConfig
// names, plus ours) with pass-through prefixes for client defaults
// (producer., consumer., admin.), converter settings, config providers, REST
// TLS (listeners.https., admin.listeners.https.), rest.auth. and metrics.
// The herder and REST layer read their keys from WorkerConfig.Values. Each
// call builds a new definition.
func WorkerConfigDef() *config.ConfigDef {
	d := config.NewConfigDef()
	str := func(name, group string, def any, doc string, v ...config.Validator) {
		k := config.Key{Name: name, Type: config.TypeString, Default: def, Group: group, Doc: doc}
		if len(v) > 0 {
			k.Validator = v[0]
		}
		d.Define(k)
	}
	typed := func(name string, t config.Type, group string, def any, doc string, v ...config.Validator) {
		k := config.Key{Name: name, Type: t, Default: def, Group: group, Doc: doc}
		if len(v) > 0 {
			k.Validator = v[0]
		}
		d.Define(k)
	}
	const common, kafka, rest, dist, sec = "Common", "Kafka client", "REST", "Distributed", "Security"
	typed(KeyBootstrapServers, config.TypeList, kafka, "localhost:9092", "Kafka brokers to bootstrap from, host:port comma-separated.", config.NonEmptyList())
	str(KeyGroupID, dist, nil, "Connect cluster identity (distributed mode; required there).")
	str(KeyClientID, kafka, "", "Client id prefix folded into the ids of the worker's Kafka clients.")
	str(KeyKafkaProtocolVersion, kafka, DefaultKafkaVersion.String(), "Kafka protocol version the worker's clients speak (ours; at least 0.11.0.0).",
		config.ValidatorFunc("Kafka version such as 3.9.0", func(key string, v any) error {
			if _, err := sarama.ParseKafkaVersion(v.(string)); err != nil {
				return fmt.Errorf("Invalid value %s for configuration %s: %v", v, key, err)
			}
			return nil
		}))
	d.Define(config.Key{Name: KeyKeyConverter, Type: config.TypeClass, Required: true, Group: common, Importance: config.ImportanceHigh,
		Doc: "Converter class for record keys, e.g. org.apache.kafka.connect.json.JsonConverter; settings under key.converter.*."})
	d.Define(config.Key{Name: KeyValueConverter, Type: config.TypeClass, Required: true, Group: common, Importance: config.ImportanceHigh,
		Doc: "Converter class for record values; settings under value.converter.*."})
	typed(KeyHeaderConverter, config.TypeClass, common, DefaultHeaderConverter, "Converter class for header values; settings under header.converter.*.")
	typed(KeyOffsetFlushInterval, config.TypeLong, common, int64(60000), "Interval in ms between offset commits of source and sink tasks.", config.AtLeast(1))
	typed(KeyOffsetFlushTimeout, config.TypeLong, common, int64(5000), "Maximum ms an offset commit may take (also on stop).", config.AtLeast(1))
	typed(KeyTaskShutdownTimeout, config.TypeLong, common, int64(5000), "Time in ms a task is given to stop before it is abandoned.", config.AtLeast(0))
	str(KeyOffsetStorageFile, common, "", "Standalone mode: the file source offsets are stored in.")
	typed(KeyTopicCreationEnable, config.TypeBoolean, common, true, "Allow source connectors to create topics with topic.creation.* (KIP-158).")
	typed(KeyTopicTrackingEnable, config.TypeBoolean, common, true, "Track the topics connectors use (KIP-558).")
	typed(KeyTopicTrackingAllowReset, config.TypeBoolean, common, true, "Allow resetting tracked topics through REST.")
	str(KeyClientOverridePolicy, common, "All", "Which producer/consumer/admin.override.* keys connectors may set: All, None or Principal.",
		config.OneOf("All", "None", "Principal"))
	typed(KeyRequestTimeout, config.TypeInt, kafka, int32(40000), "Kafka request timeout in ms.", config.AtLeast(1))
	typed(KeyMetadataMaxAge, config.TypeLong, kafka, int64(300000), "Refresh interval of Kafka metadata in ms.", config.AtLeast(0))
	typed(KeyRetryBackoff, config.TypeLong, kafka, int64(100), "Back-off between Kafka request retries in ms.", config.AtLeast(0))
	str(KeySecurityProtocol, sec, "PLAINTEXT", "Protocol to talk to brokers: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL.",
		config.OneOfCaseInsensitive("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"))
	str(KeySSLCALocation, sec, "", "PEM file with the CA certificates that sign the brokers' certificates (instead of a Java truststore).")
	str(KeySSLCertLocation, sec, "", "PEM file with the client certificate (mutual TLS; instead of a Java keystore).")
	str(KeySSLKeyLocation, sec, "", "PEM file with the client private key.")
	typed(KeySSLKeyPassword, config.TypePassword, sec, nil, "Password of an encrypted PEM private key (unused for unencrypted keys).")
	str(KeySSLEndpointIdent, sec, "https", "https checks the broker host name against its certificate; empty disables the check.")
	str(KeySASLMechanism, sec, "PLAIN", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.",
		config.OneOfCaseInsensitive("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"))
	typed(KeySASLJAASConfig, config.TypePassword, sec, nil, `JAAS line as Kafka's, e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";`)
	str(KeySASLUsername, sec, "", "SASL user name (alternative to sasl.jaas.config).")
	typed(KeySASLPassword, config.TypePassword, sec, nil, "SASL password (alternative to sasl.jaas.config).")

	// Distributed mode (read by the herder and the Kafka-backed stores).
	str("config.storage.topic", dist, nil, "Topic for connector configurations.")
	str("offset.storage.topic", dist, nil, "Topic for source offsets.")
	str("status.storage.topic", dist, nil, "Topic for statuses.")
	typed("config.storage.replication.factor", config.TypeShort, dist, int16(3), "Replication factor of the config topic; -1 for the broker default.")
	typed("offset.storage.replication.factor", config.TypeShort, dist, int16(3), "Replication factor of the offsets topic; -1 for the broker default.")
	typed("status.storage.replication.factor", config.TypeShort, dist, int16(3), "Replication factor of the status topic; -1 for the broker default.")
	typed("offset.storage.partitions", config.TypeInt, dist, int32(25), "Partitions of the offsets topic; -1 for the broker default.")
	typed("status.storage.partitions", config.TypeInt, dist, int32(5), "Partitions of the status topic; -1 for the broker default.")
	typed("session.timeout.ms", config.TypeInt, dist, int32(10000), "Worker group session timeout in ms.")
	typed("heartbeat.interval.ms", config.TypeInt, dist, int32(3000), "Worker group heartbeat interval in ms.")
	typed("rebalance.timeout.ms", config.TypeInt, dist, int32(60000), "Worker group rebalance timeout in ms.")
	typed("worker.sync.timeout.ms", config.TypeInt, dist, int32(3000), "Catch-up time after an assignment in ms.")
	typed("worker.unsync.backoff.ms", config.TypeInt, dist, int32(300000), "Back-off after failing to catch up in ms.")
	str("connect.protocol", dist, "sessioned", "Group protocol: eager, compatible or sessioned.", config.OneOf("eager", "compatible", "sessioned"))
	typed("scheduled.rebalance.max.delay.ms", config.TypeInt, dist, int32(300000), "Delay before lost work is reassigned in ms.")
	str("inter.worker.key.generation.algorithm", dist, "HmacSHA256", "KIP-507 key generation algorithm.")
	typed("inter.worker.key.size", config.TypeInt, dist, nil, "KIP-507 key size in bits.")
	typed("inter.worker.key.ttl.ms", config.TypeInt, dist, int32(3600000), "KIP-507 key rotation interval in ms.")
	str("inter.worker.signature.algorithm", dist, "HmacSHA256", "KIP-507 signature algorithm.")
	typed("inter.worker.verification.algorithms", config.TypeList, dist, "HmacSHA256", "KIP-507 accepted signature algorithms.")
	str("exactly.once.source.support", dist, "disabled", "disabled, preparing or enabled.", config.OneOf("disabled", "preparing", "enabled"))

	// REST (read by connect/rest).
	typed("listeners", config.TypeList, rest, "http://:8083", "REST listener URLs.")
	str("rest.advertised.host.name", rest, nil, "Host name advertised to other workers.")
	typed("rest.advertised.port", config.TypeInt, rest, nil, "Port advertised to other workers.")
	str("rest.advertised.listener", rest, nil, "http or https, advertised to other workers.")
	typed("admin.listeners", config.TypeList, rest, nil, "Listeners of the admin endpoints.")
	typed("rest.extension.classes", config.TypeList, rest, "", "Accepted for compatibility; Java REST extensions are not loaded.")
	str("access.control.allow.origin", rest, "", "CORS allowed origin.")
	str("access.control.allow.methods", rest, "", "CORS allowed methods.")
	str("response.http.headers.config", rest, "", "Extra HTTP response headers.")
	str("rest.auth", rest, "", "REST authentication scheme (ours): basic (the default when empty), bearer, mtls or none; settings under rest.auth.*.")
	// REST security keys read and checked in detail by the worker binary
	// (cmd/worker/listeners.go); declared here for the reference. The
	// rest.auth. and listeners.https. prefixes stay pass-through, so the
	// binary still names unknown keys under them.
	str("rest.auth.basic.users.file", rest, nil, "rest.auth=basic: file of users, one name:bcrypt-hash:role[:expires] a line (role admin or readonly, expires RFC 3339), reloaded when it changes; "+
		"when neither it nor rest.auth.basic.users is set, the binary creates one with generated credentials and prints them once.")
	typed("rest.auth.basic.users", config.TypePassword, rest, nil, "rest.auth=basic: the users inline, comma-separated name:bcrypt-hash:role[:expires] entries (instead of rest.auth.basic.users.file).")
	str("rest.auth.bearer.tokens.file", rest, nil, "rest.auth=bearer (required there): file of accepted tokens, one token:role[:expires] or sha256:<hex digest>:role[:expires] a line, reloaded when it changes.")
	str("rest.auth.mtls.ca.file", rest, nil, "rest.auth=mtls (required there): PEM file of the CA certificates that sign REST client certificates; every listener must be https.")
	str("rest.auth.mtls.principals", rest, nil, "rest.auth=mtls: comma-separated common-name:role entries giving client certificates their role (admin or readonly).")
	str("rest.auth.mtls.default.role", rest, nil, "rest.auth=mtls: role (admin, readonly or none) of a client certificate whose common name rest.auth.mtls.principals does not list; none when empty.")
	str("rest.auth.health.open", rest, "true", "true or false: serve GET /health without authentication.")
	str("rest.auth.metrics.open", rest, "false", "true or false: serve GET /metrics without authentication.")
	str("listeners.https.ssl.certificate.location", rest, nil, "PEM certificate (chain) of the https entries of listeners; required with an https listener (Java keystores are not supported).")
	str("listeners.https.ssl.key.location", rest, nil, "PEM private key of the https entries of listeners; required with an https listener.")
	str("admin.listeners.https.ssl.certificate.location", rest, nil, "PEM certificate of the https entries of admin.listeners (listeners.https.ssl.certificate.location when neither admin key is set).")
	str("admin.listeners.https.ssl.key.location", rest, nil, "PEM private key of the https entries of admin.listeners (listeners.https.ssl.key.location when neither admin key is set).")
	str(KeyLogLevel, common, "INFO", "Root log level the worker starts with (ours): "+strings.Join(LogLevels, ", ")+
		" (case-insensitive); GET/PUT /admin/loggers change levels at run time; worker dev --log-level sets it.",
		config.OneOfCaseInsensitive(LogLevels...))
	typed("plugin.path", config.TypeList, common, "", "Accepted for compatibility; plugins are compiled in.")
	str("plugin.discovery", common, "hybrid_warn", "Accepted for compatibility.")
	typed("config.providers", config.TypeList, common, "", "Config provider names; settings under config.providers.<name>.*.")

	d.AllowPrefix("producer.", "consumer.", "admin.", KeyKeyConverter+".", KeyValueConverter+".", KeyHeaderConverter+".",
		"config.providers.", "listeners.https.", "admin.listeners.https.", "ssl.", "sasl.", "rest.auth.", "metrics.")
	return d
}

// WorkerConfig is the parsed worker configuration. Build it with
// ParseWorkerConfig; it is read-only afterwards and safe to share.
type WorkerConfig struct {
	// Values holds every parsed key, for the herder and REST layer.
	Values *config.Values
	// Props are the raw properties as given.
	Props map[string]string

	BootstrapServers     []string
	GroupID              string
	ClientID             string
	KafkaVersion         sarama.KafkaVersion
	KeyConverter         string
	ValueConverter       string
	HeaderConverter      string
	OffsetFlushInterval  time.Duration
	OffsetFlushTimeout   time.Duration
	TaskShutdownTimeout  time.Duration
	OffsetStorageFile    string
	TopicCreationEnable  bool
	TopicTrackingEnable  bool
	ClientOverridePolicy string
}

// ParseWorkerConfig parses worker properties (config providers are not
// resolved: use ParseWorkerConfigWith). It returns a *config.ValidationError
// listing every bad key.
func ParseWorkerConfig(props map[string]string) (*WorkerConfig, error) {
	return ParseWorkerConfigWith(context.Background(), nil, props)
}

// ParseWorkerConfigWith resolves ${provider:...} references with r (nil: no
// resolution) and parses props.
func ParseWorkerConfigWith(ctx context.Context, r *config.Resolver, props map[string]string) (*WorkerConfig, error) {
	def := WorkerConfigDef()
	var (
		v   *config.Values
		err error
	)
	if r != nil {
		v, err = def.ParseWith(ctx, r, props)
	} else {
		v, err = def.Parse(props)
	}
	if err != nil {
		return nil, fmt.Errorf("worker config: %w", err)
	}
	ver, _ := sarama.ParseKafkaVersion(v.String(KeyKafkaProtocolVersion))
	wc := &WorkerConfig{
		Values:               v,
		Props:                v.Originals(),
		BootstrapServers:     v.List(KeyBootstrapServers),
		GroupID:              v.String(KeyGroupID),
		ClientID:             v.String(KeyClientID),
		KafkaVersion:         ver,
		KeyConverter:         v.Class(KeyKeyConverter),
		ValueConverter:       v.Class(KeyValueConverter),
		HeaderConverter:      v.Class(KeyHeaderConverter),
		OffsetFlushInterval:  time.Duration(v.Long(KeyOffsetFlushInterval)) * time.Millisecond,
		OffsetFlushTimeout:   time.Duration(v.Long(KeyOffsetFlushTimeout)) * time.Millisecond,
		TaskShutdownTimeout:  time.Duration(v.Long(KeyTaskShutdownTimeout)) * time.Millisecond,
		OffsetStorageFile:    v.String(KeyOffsetStorageFile),
		TopicCreationEnable:  v.Bool(KeyTopicCreationEnable),
		TopicTrackingEnable:  v.Bool(KeyTopicTrackingEnable),
		ClientOverridePolicy: v.String(KeyClientOverridePolicy),
	}
	if !wc.KafkaVersion.IsAtLeast(sarama.V0_11_0_0) {
		return nil, fmt.Errorf("worker config: %s %s: need at least 0.11.0", KeyKafkaProtocolVersion, wc.KafkaVersion)
	}
	return wc, nil
}

// resolved returns the worker's properties with references resolved (what
// the client and converter settings are built from).
func (wc *WorkerConfig) resolved() map[string]string {
	return wc.Values.WithPrefix("")
}
