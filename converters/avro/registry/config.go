package registry

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultConnectTimeout  = 10 * time.Second
	DefaultRequestTimeout  = 30 * time.Second
	DefaultMaxRetries      = 3
	DefaultRetryBackoff    = time.Second
	DefaultRetryBackoffMax = 20 * time.Second
	DefaultCacheCapacity   = 1000
)

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// URLs are the registry's base URLs ("https://sr:8081"). Requests go to
	// the first; a transport error or 5xx moves on to the next for the
	// following attempt. User info in a URL is used for basic auth when
	// Username is empty.
	URLs []string
	// Username and Password enable HTTP basic auth when Username is set.
	Username string
	Password string
	// TLS configures https URLs (CA pool, client certificate); nil uses the
	// system roots.
	TLS *tls.Config
	// ConnectTimeout bounds establishing a connection (TCP and TLS).
	ConnectTimeout time.Duration
	// RequestTimeout bounds one attempt, from sending to reading the body.
	RequestTimeout time.Duration
	// MaxRetries is how many times a transport error or retriable answer is
	// retried; negative means never (0 takes the default).
	MaxRetries int
	// RetryBackoff is the first wait between attempts; it doubles up to
	// RetryBackoffMax.
	RetryBackoff    time.Duration
	RetryBackoffMax time.Duration
	// CacheCapacity bounds each cache (by id, by subject and schema, by
	// subject and version).
	CacheCapacity int
	// LatestTTL is how long a subject's latest version is cached: negative
	// caches it for the client's lifetime, zero not at all.
	LatestTTL time.Duration
	// Transport replaces the HTTP transport (tests); TLS and ConnectTimeout
	// are then ignored.
	Transport http.RoundTripper
	// Logger receives retry warnings; nil discards them.
	Logger *slog.Logger
}
