package httpsink

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Configuration keys of OneCHTTPSink.
const (
	KeyURL                 = "url"
	KeyMethod              = "method"
	KeyAuthUser            = "auth.user"
	KeyAuthPassword        = "auth.password"
	KeyAuthToken           = "auth.token"
	KeyMaxConcurrency      = "max.concurrency"
	KeyBatchSize           = "batch.size"
	KeyTimeoutMs           = "timeout.ms"
	KeyOrdering            = "ordering"
	KeyMaxBuffered         = "max.buffered.records"
	KeyBodyFormat          = "body.format"
	KeyBodyConverter       = "body.converter"
	KeyContentType         = "content.type"
	KeyHeadersForward      = "headers.forward"
	KeyKeyHeader           = "key.header"
	KeyCorrelationHeader   = "correlation.id.header"
	KeyRetryBackoffMs      = "retry.backoff.ms"
	KeyRetryBackoffMaxMs   = "retry.backoff.max.ms"
	KeyRetryTimeoutMs      = "retry.timeout.ms"
	KeySessionReuse        = "session.reuse"
	KeySessionMaxIdleMs    = "session.max.idle.ms"
	KeySessionFinishURL    = "session.finish.url"
	KeyReplyTopic          = "reply.topic"
	KeyReplyBootstrap      = "reply.bootstrap.servers"
	KeyResponseMaxBytes    = "response.max.bytes"
	KeySSLCALocation       = "ssl.ca.location"
	KeySSLCertLocation     = "ssl.certificate.location"
	KeySSLKeyLocation      = "ssl.key.location"
	KeySSLInsecureSkipVrfy = "ssl.insecure.skip.verify"

	// PrefixBodyConverter passes settings to the body converter.
	PrefixBodyConverter = KeyBodyConverter + "."
)

// Values of ordering.
const (
	OrderingKey       = "key"
	OrderingPartition = "partition"
	OrderingNone      = "none"
)

// Values of body.format.
const (
	BodyAuto      = "auto"
	BodyConverter = "converter"
)

// Config groups.
const (
	groupHTTP     = "HTTP"
	groupDelivery = "Delivery"
	groupBody     = "Body"
	groupSession  = "1C session"
	groupReply    = "Reply"
	groupTLS      = "TLS"
)

// defaultRetryTimeout applies when neither retry.timeout.ms nor
// errors.retry.timeout is set.
const defaultRetryTimeout = 60 * time.Second

// ConfigDef returns OneCHTTPSink's own keys (the runtime adds the common
// sink keys). Each call builds a new definition.
func ConfigDef() *config.ConfigDef {
	d := config.NewConfigDef()
	d.Define(config.Key{Name: KeyURL, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
		Importance: config.ImportanceHigh, Group: groupHTTP, Width: config.WidthLong, DisplayName: "URL template",
		Doc: "Address of the 1C HTTP service, e.g. https://host/base/hs/kafka/records/${topic}. Placeholders (path and query only): " +
			"${topic}, ${partition}, ${offset}, ${key}, ${header:Name}; their values are URL-escaped. Must not contain credentials: use auth.user and auth.password."})
	d.Define(config.Key{Name: KeyMethod, Type: config.TypeString, Default: "POST", Validator: config.OneOfCaseInsensitive("POST", "PUT", "PATCH", "DELETE"),
		Importance: config.ImportanceMedium, Group: groupHTTP, Width: config.WidthShort, DisplayName: "HTTP method",
		Doc: "HTTP method of the requests."})
	d.Define(config.Key{Name: KeyAuthUser, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: groupHTTP, Width: config.WidthMedium, DisplayName: "User",
		Doc: "1C infobase user for HTTP basic authentication; empty for none."})
	d.Define(config.Key{Name: KeyAuthPassword, Type: config.TypePassword, Default: "",
		Importance: config.ImportanceHigh, Group: groupHTTP, Width: config.WidthMedium, DisplayName: "Password",
		Doc: "Password of auth.user. Masked everywhere; config providers (${env:...}, ${file:...}) welcome."})
	d.Define(config.Key{Name: KeyAuthToken, Type: config.TypePassword, Default: "",
		Importance: config.ImportanceHigh, Group: groupHTTP, Width: config.WidthMedium, DisplayName: "Bearer token",
		Doc: "Bearer token sent as Authorization: Bearer <token>; excludes auth.user/auth.password."})
	d.Define(config.Key{Name: KeyTimeoutMs, Type: config.TypeLong, Default: int64(30000), Validator: config.Between(1, 3_600_000),
		Importance: config.ImportanceMedium, Group: groupHTTP, Width: config.WidthShort, DisplayName: "Request timeout (ms)",
		Doc: "Time one HTTP request (connect, send, answer) may take; a request that takes longer is retried."})
	d.Define(config.Key{Name: KeyResponseMaxBytes, Type: config.TypeInt, Default: 1 << 20, Validator: config.Between(0, 64<<20),
		Importance: config.ImportanceLow, Group: groupHTTP, Width: config.WidthShort, DisplayName: "Response size limit",
		Doc: "Bytes of a response body read at most; a longer reply cannot go to reply.topic and sends its records to the error path."})

	d.Define(config.Key{Name: KeyMaxConcurrency, Type: config.TypeInt, Default: 2, Validator: config.Between(1, 256),
		Importance: config.ImportanceHigh, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Max concurrent requests",
		Doc: "Requests in flight per task at most (and 1C sessions kept per task). 1C servers refuse connections under floods: raise carefully."})
	d.Define(config.Key{Name: KeyBatchSize, Type: config.TypeInt, Default: 1, Validator: config.Between(1, 10000),
		Importance: config.ImportanceHigh, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Batch size",
		Doc: "Records per request; above 1 the body is a JSON array of the record bodies (records of one batch share one URL)."})
	d.Define(config.Key{Name: KeyOrdering, Type: config.TypeString, Default: OrderingKey, Validator: config.OneOfCaseInsensitive(OrderingKey, OrderingPartition, OrderingNone),
		Importance: config.ImportanceMedium, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Ordering",
		Doc: "key: one request in flight per record key, so records of a key arrive in order; partition: one per partition; none: any order."})
	d.Define(config.Key{Name: KeyMaxBuffered, Type: config.TypeInt, Default: 10000, Validator: config.Between(1, 1_000_000),
		Importance: config.ImportanceLow, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Max buffered records",
		Doc: "Records a task holds unsent or in flight at most; Put waits above it."})
	d.Define(config.Key{Name: KeyRetryBackoffMs, Type: config.TypeLong, Default: int64(200), Validator: config.Between(1, 600_000),
		Importance: config.ImportanceLow, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Retry back-off (ms)",
		Doc: "First delay before retrying a failed request; it doubles per attempt, with jitter."})
	d.Define(config.Key{Name: KeyRetryBackoffMaxMs, Type: config.TypeLong, Default: int64(10000), Validator: config.Between(1, 3_600_000),
		Importance: config.ImportanceLow, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Max retry back-off (ms)",
		Doc: "Longest delay between retries of one request (a Retry-After answer is honoured up to it)."})
	d.Define(config.Key{Name: KeyRetryTimeoutMs, Type: config.TypeLong, Validator: config.AtLeast(-1),
		Importance: config.ImportanceMedium, Group: groupDelivery, Width: config.WidthShort, DisplayName: "Retry budget (ms)",
		Doc: "Total time one request is retried (5xx, 429, 408, timeouts, connection failures) before its records go to the error path; " +
			"-1 retries forever. Default: errors.retry.timeout when that is set to a non-zero value, else 60000."})

	d.Define(config.Key{Name: KeyBodyFormat, Type: config.TypeString, Default: BodyAuto, Validator: config.OneOfCaseInsensitive(BodyAuto, BodyConverter),
		Importance: config.ImportanceMedium, Group: groupBody, Width: config.WidthShort, DisplayName: "Body format",
		Doc: "auto: string and bytes values are sent as they are, other values through body.converter; converter: every value through body.converter."})
	d.Define(config.Key{Name: KeyBodyConverter, Type: config.TypeClass, Default: "org.apache.kafka.connect.json.JsonConverter",
		Importance: config.ImportanceLow, Group: groupBody, Width: config.WidthMedium, DisplayName: "Body converter",
		Doc: "Converter that turns record values into body bytes; settings under body.converter.* (JsonConverter: schemas.enable defaults to false here)."})
	d.Define(config.Key{Name: KeyContentType, Type: config.TypeString, Default: "application/json; charset=utf-8",
		Importance: config.ImportanceLow, Group: groupBody, Width: config.WidthMedium, DisplayName: "Content type",
		Doc: "Content-Type header of the requests."})
	d.Define(config.Key{Name: KeyHeadersForward, Type: config.TypeList, Default: "",
		Importance: config.ImportanceLow, Group: groupBody, Width: config.WidthLong, DisplayName: "Forwarded headers",
		Doc: "Record headers sent as HTTP request headers (names, or * for all); with batch.size > 1 the first record's headers are sent."})
	d.Define(config.Key{Name: KeyKeyHeader, Type: config.TypeString, Default: "X-Record-Key",
		Importance: config.ImportanceLow, Group: groupBody, Width: config.WidthMedium, DisplayName: "Key header",
		Doc: "HTTP header carrying the record key as text (batch: the first record's); empty to send none."})
	d.Define(config.Key{Name: KeyCorrelationHeader, Type: config.TypeString, Default: "X-Correlation-ID", Validator: config.NonEmptyString(),
		Importance: config.ImportanceLow, Group: groupBody, Width: config.WidthMedium, DisplayName: "Correlation id header",
		Doc: "Header with the request's correlation id: the record header of that name when present, else <topic>-<partition>-<offset> " +
			"(batch: the first record's). Stable across retries, so 1C can detect repeats; the key of reply records."})

	d.Define(config.Key{Name: KeySessionReuse, Type: config.TypeBoolean, Default: true,
		Importance: config.ImportanceMedium, Group: groupSession, Width: config.WidthShort, DisplayName: "Reuse 1C sessions",
		Doc: "Keep one 1C session per concurrency slot (IBSession: start, the ibsession cookie, IBSession: finish on stop). " +
			"The service needs reuse sessions = Use."})
	d.Define(config.Key{Name: KeySessionMaxIdleMs, Type: config.TypeLong, Default: int64(15000), Validator: config.Between(1, 86_400_000),
		Importance: config.ImportanceLow, Group: groupSession, Width: config.WidthShort, DisplayName: "Session max idle (ms)",
		Doc: "A slot idle longer starts a new session instead of using its cookie; keep it below the service's session lifetime (1C default 20 s)."})
	d.Define(config.Key{Name: KeySessionFinishURL, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupSession, Width: config.WidthLong, DisplayName: "Session finish URL",
		Doc: "Address the IBSession: finish request (GET, no body) goes to on stop; default: the last address the slot called."})

	d.Define(config.Key{Name: KeyReplyTopic, Type: config.TypeString, Default: "",
		Importance: config.ImportanceMedium, Group: groupReply, Width: config.WidthMedium, DisplayName: "Reply topic",
		Doc: "Topic that receives each response body, keyed by the request's correlation id; empty for none."})
	d.Define(config.Key{Name: KeyReplyBootstrap, Type: config.TypeList, Default: "",
		Importance: config.ImportanceLow, Group: groupReply, Width: config.WidthLong, DisplayName: "Reply bootstrap servers",
		Doc: "Kafka brokers for replies (plaintext); default: the worker's Kafka client settings, when the worker shares them with connectors."})

	d.Define(config.Key{Name: KeySSLCALocation, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupTLS, Width: config.WidthLong, DisplayName: "CA file",
		Doc: "PEM file of CA certificates trusted for https (besides the system pool)."})
	d.Define(config.Key{Name: KeySSLCertLocation, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupTLS, Width: config.WidthLong, DisplayName: "Client certificate file",
		Doc: "PEM client certificate for mutual TLS; needs ssl.key.location."})
	d.Define(config.Key{Name: KeySSLKeyLocation, Type: config.TypeString, Default: "",
		Importance: config.ImportanceLow, Group: groupTLS, Width: config.WidthLong, DisplayName: "Client key file",
		Doc: "PEM private key of ssl.certificate.location."})
	d.Define(config.Key{Name: KeySSLInsecureSkipVrfy, Type: config.TypeBoolean, Default: false,
		Importance: config.ImportanceLow, Group: groupTLS, Width: config.WidthShort, DisplayName: "Skip TLS verification",
		Doc: "Do not verify the server certificate (tests only: it allows a man in the middle to read credentials)."})
	d.AllowPrefix(PrefixBodyConverter)
	return d
}

// settings is a parsed, checked task or connector configuration.
type settings struct {
	url            *urlTemplate
	method         string
	user           string
	password       config.Password
	token          config.Password
	timeout        time.Duration
	responseMax    int
	maxConcurrency int
	batchSize      int
	ordering       string
	maxBuffered    int
	backoff        time.Duration
	backoffMax     time.Duration
	retryTimeout   time.Duration // <0 forever
	bodyFormat     string
	bodyConverter  string
	bodyConvProps  map[string]string
	contentType    string
	forwardAll     bool
	forward        map[string]bool
	keyHeader      string
	corrHeader     string
	sessionReuse   bool
	sessionMaxIdle time.Duration
	finishURL      string
	replyTopic     string
	replyBootstrap []string
	tls            tlsOptions
	topics         []string
}

// own returns the props this connector defines or passes through.
func own(props map[string]string) map[string]string {
	d := ConfigDef()
	out := make(map[string]string, len(props))
	for k, v := range props {
		if d.Allowed(k) {
			out[k] = v
		}
	}
	return out
}

// parseSettings parses and checks props (a full connector or task
// configuration: keys of other components are ignored). It returns a
// *config.ValidationError naming every failing key.
func parseSettings(props map[string]string) (*settings, error) {
	v, err := ConfigDef().Parse(own(props))
	if err != nil {
		return nil, err
	}
	s := &settings{
		method:         strings.ToUpper(v.String(KeyMethod)),
		user:           v.String(KeyAuthUser),
		password:       v.Password(KeyAuthPassword),
		token:          v.Password(KeyAuthToken),
		timeout:        time.Duration(v.Long(KeyTimeoutMs)) * time.Millisecond,
		responseMax:    v.Int(KeyResponseMaxBytes),
		maxConcurrency: v.Int(KeyMaxConcurrency),
		batchSize:      v.Int(KeyBatchSize),
		ordering:       strings.ToLower(v.String(KeyOrdering)),
		maxBuffered:    v.Int(KeyMaxBuffered),
		backoff:        time.Duration(v.Long(KeyRetryBackoffMs)) * time.Millisecond,
		backoffMax:     time.Duration(v.Long(KeyRetryBackoffMaxMs)) * time.Millisecond,
		bodyFormat:     strings.ToLower(v.String(KeyBodyFormat)),
		bodyConverter:  v.Class(KeyBodyConverter),
		bodyConvProps:  v.WithPrefix(PrefixBodyConverter),
		contentType:    v.String(KeyContentType),
		forward:        map[string]bool{},
		keyHeader:      strings.TrimSpace(v.String(KeyKeyHeader)),
		corrHeader:     strings.TrimSpace(v.String(KeyCorrelationHeader)),
		sessionReuse:   v.Bool(KeySessionReuse),
		sessionMaxIdle: time.Duration(v.Long(KeySessionMaxIdleMs)) * time.Millisecond,
		finishURL:      strings.TrimSpace(v.String(KeySessionFinishURL)),
		replyTopic:     strings.TrimSpace(v.String(KeyReplyTopic)),
		replyBootstrap: v.List(KeyReplyBootstrap),
		tls: tlsOptions{
			caFile:     strings.TrimSpace(v.String(KeySSLCALocation)),
			certFile:   strings.TrimSpace(v.String(KeySSLCertLocation)),
			keyFile:    strings.TrimSpace(v.String(KeySSLKeyLocation)),
			skipVerify: v.Bool(KeySSLInsecureSkipVrfy),
		},
	}
	for _, h := range v.List(KeyHeadersForward) {
		if h == "*" {
			s.forwardAll = true
		} else if h = strings.TrimSpace(h); h != "" {
			s.forward[strings.ToLower(h)] = true
		}
	}
	for _, t := range strings.Split(props[connect.KeyTopics], ",") {
		if t = strings.TrimSpace(t); t != "" {
			s.topics = append(s.topics, t)
		}
	}
	s.retryTimeout = retryBudget(v, props)

	ve := &config.ValidationError{}
	fail := func(key, msg string) {
		if ve.Errors == nil {
			ve.Errors = map[string][]string{}
		}
		ve.Errors[key] = append(ve.Errors[key], msg)
	}
	tmpl, err := parseURLTemplate(v.String(KeyURL))
	if err != nil {
		fail(KeyURL, fmt.Sprintf("Invalid value %s for configuration %s: %v", redactURL(v.String(KeyURL)), KeyURL, err))
	}
	s.url = tmpl
	if s.finishURL != "" {
		if ft, err := parseURLTemplate(s.finishURL); err != nil || len(ft.vars) > 0 {
			msg := "must be an absolute http(s) address without placeholders or credentials"
			if err != nil {
				msg = err.Error()
			}
			fail(KeySessionFinishURL, fmt.Sprintf("Invalid value %s for configuration %s: %s", redactURL(s.finishURL), KeySessionFinishURL, msg))
		}
	}
	if s.token.Value() != "" && (s.user != "" || s.password.Value() != "") {
		fail(KeyAuthToken, "auth.token excludes auth.user and auth.password: use either bearer or basic authentication")
	}
	if s.password.Value() != "" && s.user == "" {
		fail(KeyAuthUser, "auth.password is set but auth.user is empty")
	}
	if s.backoffMax < s.backoff {
		fail(KeyRetryBackoffMaxMs, fmt.Sprintf("must be at least %s (%d)", KeyRetryBackoffMs, s.backoff.Milliseconds()))
	}
	if s.replyTopic != "" {
		for _, t := range s.topics {
			if t == s.replyTopic {
				fail(KeyReplyTopic, fmt.Sprintf("reply topic %q is one of the topics the connector consumes: replies would loop", s.replyTopic))
			}
		}
		if dlq := strings.TrimSpace(props[connect.KeyDLQTopicName]); dlq == s.replyTopic {
			fail(KeyReplyTopic, "reply topic must differ from the dead-letter queue topic")
		}
	}
	if p, err := plugins.Default.Lookup(s.bodyConverter, plugins.KindConverter); err != nil || p.NewConverter == nil {
		fail(KeyBodyConverter, fmt.Sprintf("Invalid value %s for configuration %s: Class %s could not be found.", s.bodyConverter, KeyBodyConverter, s.bodyConverter))
	}
	for key, msg := range s.tls.check() {
		fail(key, msg)
	}
	if len(ve.Errors) > 0 {
		return nil, ve
	}
	return s, nil
}

// retryBudget is retry.timeout.ms, else a non-zero errors.retry.timeout,
// else defaultRetryTimeout; negative means forever.
func retryBudget(v *config.Values, props map[string]string) time.Duration {
	if v.Has(KeyRetryTimeoutMs) && v.Get(KeyRetryTimeoutMs) != nil {
		return time.Duration(v.Long(KeyRetryTimeoutMs)) * time.Millisecond
	}
	if s := strings.TrimSpace(props[connect.KeyErrorsRetryTimeout]); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n != 0 {
			return time.Duration(n) * time.Millisecond
		}
	}
	return defaultRetryTimeout
}

// validate implements Connector.Validate.
func validate(_ context.Context, props map[string]string) error {
	_, err := parseSettings(props)
	return err
}
