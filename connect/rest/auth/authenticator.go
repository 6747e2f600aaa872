package auth

import (
	"log/slog"
	"net/http"
	"time"
)

// Authenticator establishes who sent a request. Implementations are safe
// for concurrent use.
type Authenticator interface {
	// Authenticate returns the request's principal, or an *Error with
	// status 401 when credentials are missing, wrong or expired. It may
	// read a reloaded credentials file; it does not block otherwise.
	Authenticate(r *http.Request) (Principal, error)
	// Scheme names the mode: "basic", "bearer" or "mtls".
	Scheme() string
}

// ReloadInterval is how often at most a credentials, CA or certificate
// file is checked for changes.
const ReloadInterval = time.Second

// Options are shared by the authenticators.
type Options struct {
	// Logger receives reload failures (slog.Default when nil).
	Logger *slog.Logger
	// Now is the clock for expiry checks (time.Now when nil).
	Now func() time.Time
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}
