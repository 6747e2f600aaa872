package avro

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters/avro/registry"
)

// Configuration keys. Names follow Confluent's AvroConverter and Schema
// Registry client where one exists.
const (
	KeyRegistryURL         = "schema.registry.url"
	KeyAutoRegister        = "auto.register.schemas"
	KeyUseLatestVersion    = "use.latest.version"
	KeyLatestCacheTTL      = "latest.cache.ttl.sec"
	KeyKeySubjectStrategy  = "key.subject.name.strategy"
	KeyValSubjectStrategy  = "value.subject.name.strategy"
	KeyConnectMetaData     = "connect.meta.data"
	KeyEnhancedAvroSchema  = "enhanced.avro.schema.support"
	KeyScrubInvalidNames   = "scrub.invalid.names"
	KeySchemasCacheSize    = "schemas.cache.size"
	KeyBasicAuthSource     = "basic.auth.credentials.source"
	KeyBasicAuthUserInfo   = "basic.auth.user.info"
	KeySSLCALocation       = "schema.registry.ssl.ca.location"
	KeySSLCertLocation     = "schema.registry.ssl.certificate.location"
	KeySSLKeyLocation      = "schema.registry.ssl.key.location"
	KeyConnectTimeoutMs    = "http.connect.timeout.ms"
	KeyReadTimeoutMs       = "http.read.timeout.ms"
	KeyMaxRetries          = "max.retries"
	KeyRetriesWaitMs       = "retries.wait.ms"
	KeyRetriesMaxWaitMs    = "retries.max.wait.ms"
	KeyConverterType       = "converter.type"
	group                  = "Avro"
	basicAuthSourceURL     = "URL"
	basicAuthSourceUser    = "USER_INFO"
	defaultSchemaCacheSize = 1000
)

// ConfigDef describes the converter's settings.
func ConfigDef() *config.ConfigDef {
	d := config.NewConfigDef()
	def := func(k config.Key) { k.Group = group; d.Define(k) }
	def(config.Key{Name: KeyRegistryURL, Type: config.TypeList, Required: true, Validator: config.NonEmptyList(),
		Importance: config.ImportanceHigh,
		Doc:        "Comma-separated Schema Registry base URLs (http or https). Requests go to the first; failures move on to the next. User info in a URL is used for basic auth when " + KeyBasicAuthSource + "=URL."})
	def(config.Key{Name: KeyAutoRegister, Type: config.TypeBoolean, Default: true, Importance: config.ImportanceMedium,
		Doc: "Register the Avro schema derived from each Connect schema under its subject. When false, the schema must already be registered (looked up with POST /subjects/{subject}), or use.latest.version applies."})
	def(config.Key{Name: KeyUseLatestVersion, Type: config.TypeBoolean, Default: false, Importance: config.ImportanceMedium,
		Doc: "With auto.register.schemas=false: write records with the latest schema version of the subject instead of the derived schema. Connect fields are matched to Avro fields by name (onec.name first); Avro fields without a Connect field take their default."})
	def(config.Key{Name: KeyLatestCacheTTL, Type: config.TypeLong, Default: int64(-1), Importance: config.ImportanceLow,
		Doc: "Seconds to cache a subject's latest version for use.latest.version; -1 caches it for the converter's lifetime, 0 not at all."})
	for _, k := range []string{KeyKeySubjectStrategy, KeyValSubjectStrategy} {
		def(config.Key{Name: k, Type: config.TypeString, Default: TopicNameStrategy, Importance: config.ImportanceMedium,
			Validator: config.OneOf(TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy,
				"TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy"),
			Doc: "How the registry subject is named: TopicNameStrategy (<topic>-key/-value), RecordNameStrategy (the record's Avro full name) or TopicRecordNameStrategy (<topic>-<record full name>)."})
	}
	def(config.Key{Name: KeyConnectMetaData, Type: config.TypeBoolean, Default: true, Importance: config.ImportanceLow,
		Doc: "Write Connect metadata (connect.name, connect.doc, connect.version, connect.default, connect.parameters, connect.type) into Avro schemas, and read it back."})
	def(config.Key{Name: KeyEnhancedAvroSchema, Type: config.TypeBoolean, Default: false, Importance: config.ImportanceLow,
		Doc: "Write Connect strings that came from Avro enums back as Avro enums."})
	def(config.Key{Name: KeyScrubInvalidNames, Type: config.TypeBoolean, Default: false, Importance: config.ImportanceLow,
		Doc: "Accepted for compatibility with Confluent's converter. Names that are not legal Avro names are always made legal by transliteration (see the package documentation), whatever this says, and the original is kept so that reading restores it."})
	def(config.Key{Name: KeySchemasCacheSize, Type: config.TypeInt, Default: defaultSchemaCacheSize, Validator: config.AtLeast(1),
		Importance: config.ImportanceLow, Doc: "Size of each schema cache: Connect schemas to Avro, schema ids to Connect, registry answers."})
	def(config.Key{Name: KeyBasicAuthSource, Type: config.TypeString, Default: basicAuthSourceURL,
		Validator: config.OneOf(basicAuthSourceURL, basicAuthSourceUser), Importance: config.ImportanceMedium,
		Doc: "Where basic-auth credentials for the registry come from: URL (user info in schema.registry.url) or USER_INFO (basic.auth.user.info)."})
	def(config.Key{Name: KeyBasicAuthUserInfo, Type: config.TypePassword, Importance: config.ImportanceMedium,
		Doc: "Basic-auth credentials as user:password, used when basic.auth.credentials.source=USER_INFO."})
	def(config.Key{Name: KeySSLCALocation, Type: config.TypeString, Importance: config.ImportanceMedium,
		Doc: "PEM file of CA certificates that sign the registry's certificate (instead of Java's truststore); empty uses the system roots."})
	def(config.Key{Name: KeySSLCertLocation, Type: config.TypeString, Importance: config.ImportanceLow,
		Doc: "PEM file of the client certificate for mutual TLS (instead of Java's keystore); needs " + KeySSLKeyLocation + "."})
	def(config.Key{Name: KeySSLKeyLocation, Type: config.TypeString, Importance: config.ImportanceLow,
		Doc: "PEM file of the client certificate's private key."})
	def(config.Key{Name: KeyConnectTimeoutMs, Type: config.TypeInt, Default: 10000, Validator: config.AtLeast(1), Importance: config.ImportanceLow,
		Doc: "Milliseconds to establish a connection (TCP and TLS) to the registry."})
	def(config.Key{Name: KeyReadTimeoutMs, Type: config.TypeInt, Default: 30000, Validator: config.AtLeast(1), Importance: config.ImportanceLow,
		Doc: "Milliseconds one registry request may take, from sending to reading the answer."})
	def(config.Key{Name: KeyMaxRetries, Type: config.TypeInt, Default: 3, Validator: config.AtLeast(0), Importance: config.ImportanceLow,
		Doc: "How often a registry request that failed in transport or with 5xx/408/429 is retried."})
	def(config.Key{Name: KeyRetriesWaitMs, Type: config.TypeInt, Default: 1000, Validator: config.AtLeast(1), Importance: config.ImportanceLow,
		Doc: "First wait between registry retries, in milliseconds; it doubles each time."})
	def(config.Key{Name: KeyRetriesMaxWaitMs, Type: config.TypeInt, Default: 20000, Validator: config.AtLeast(1), Importance: config.ImportanceLow,
		Doc: "Longest wait between registry retries, in milliseconds."})
	def(config.Key{Name: KeyConverterType, Type: config.TypeString, Importance: config.ImportanceLow,
		Doc: "Set by the runtime (key, value or header), as Kafka Connect does; not needed here."})
	return d
}

// settings are the parsed configuration.
type settings struct {
	registry     registry.Config
	autoRegister bool
	useLatest    bool
	strategy     subjectStrategy
	gen          genOptions
	cacheSize    int
	callTimeout  time.Duration
}

func parseSettings(props map[string]string, isKey bool) (*settings, error) {
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return nil, err
	}
	s := &settings{
		autoRegister: v.Bool(KeyAutoRegister),
		useLatest:    v.Bool(KeyUseLatestVersion),
		gen:          genOptions{meta: v.Bool(KeyConnectMetaData), enhanced: v.Bool(KeyEnhancedAvroSchema)},
		cacheSize:    v.Int(KeySchemasCacheSize),
	}
	strat := v.String(KeyValSubjectStrategy)
	if isKey {
		strat = v.String(KeyKeySubjectStrategy)
	}
	if s.strategy, err = parseStrategy(strat); err != nil {
		return nil, err
	}
	rc := registry.Config{
		URLs:            v.List(KeyRegistryURL),
		ConnectTimeout:  time.Duration(v.Int(KeyConnectTimeoutMs)) * time.Millisecond,
		RequestTimeout:  time.Duration(v.Int(KeyReadTimeoutMs)) * time.Millisecond,
		MaxRetries:      v.Int(KeyMaxRetries),
		RetryBackoff:    time.Duration(v.Int(KeyRetriesWaitMs)) * time.Millisecond,
		RetryBackoffMax: time.Duration(v.Int(KeyRetriesMaxWaitMs)) * time.Millisecond,
		CacheCapacity:   s.cacheSize,
	}
	if rc.MaxRetries == 0 {
		rc.MaxRetries = -1 // registry.Config: 0 means the default
	}
	switch ttl := v.Long(KeyLatestCacheTTL); {
	case ttl < 0:
		rc.LatestTTL = -1
	default:
		rc.LatestTTL = time.Duration(ttl) * time.Second
	}
	if v.String(KeyBasicAuthSource) == basicAuthSourceUser {
		info := v.Password(KeyBasicAuthUserInfo).Value()
		user, pass, ok := strings.Cut(info, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("%s must be user:password when %s=%s", KeyBasicAuthUserInfo, KeyBasicAuthSource, basicAuthSourceUser)
		}
		rc.Username, rc.Password = user, pass
	}
	if rc.TLS, err = tlsConfig(v.String(KeySSLCALocation), v.String(KeySSLCertLocation), v.String(KeySSLKeyLocation)); err != nil {
		return nil, err
	}
	s.registry = rc
	// One FromConnect/ToConnect call may take every attempt plus waits.
	s.callTimeout = time.Duration(max(rc.MaxRetries, 0)+1)*(rc.RequestTimeout+rc.ConnectTimeout) +
		time.Duration(max(rc.MaxRetries, 0))*rc.RetryBackoffMax
	return s, nil
}

func tlsConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	if caFile == "" && certFile == "" && keyFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KeySSLCALocation, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate in %s", KeySSLCALocation, caFile)
		}
		cfg.RootCAs = pool
	}
	if certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return nil, fmt.Errorf("%s and %s must be set together", KeySSLCertLocation, KeySSLKeyLocation)
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("registry client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
