package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults of Options.
const (
	// DefaultRequestTimeout is Kafka's DEFAULT_REST_REQUEST_TIMEOUT_MS.
	DefaultRequestTimeout = 90 * time.Second
	// DefaultBodyLimit bounds request bodies.
	DefaultBodyLimit = 8 << 20
)

// Timeouts of every http.Server the REST server runs.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	// MaxHeaderBytes bounds request headers.
	MaxHeaderBytes = 1 << 20
)

// Options configure a Server.
type Options struct {
	// Herder serves the requests; required.
	Herder herder.Herder
	// Logger receives request failures (slog.Default when nil).
	Logger *slog.Logger
	// Levels backs /admin/loggers (a private registry at INFO when nil).
	Levels *LogLevels
	// Metrics is served on GET /metrics in Prometheus text format (no
	// /metrics route when nil).
	Metrics prometheus.Gatherer
	// RequestTimeout bounds each request's herder call (90 s when zero).
	RequestTimeout time.Duration
	// BodyLimit bounds request bodies in bytes (8 MiB when zero).
	BodyLimit int64
	// AdminOnMain serves /admin/loggers on the main listeners (Kafka's
	// behaviour when admin.listeners is unset).
	AdminOnMain bool
	// AllowOrigin and AllowMethods are access.control.allow.origin and
	// access.control.allow.methods (CORS; off when AllowOrigin is empty).
	AllowOrigin, AllowMethods string
	// Forwarder sends requests to the worker a *herder.NotLeaderError names
	// (a default HTTP client when nil).
	Forwarder *http.Client
	// Auth authenticates requests; nil turns authentication off. That is
	// the default for servers built in-process (tests, embedding); the
	// worker binary defaults to rest.auth=basic and needs rest.auth=none
	// to run without. Roles per endpoint: see Server.access in authz.go.
	Auth auth.Authenticator
	// HealthAuth requires authentication on GET /health too
	// (rest.auth.health.open=false); by default it stays open for
	// liveness probes.
	HealthAuth bool
	// MetricsOpen serves GET /metrics without authentication
	// (rest.auth.metrics.open=true).
	MetricsOpen bool
}

// Server is the Kafka Connect REST API. Build it with New, then Serve one
// or more listeners; Shutdown stops them all. Safe for concurrent use.
type Server struct {
	h              herder.Herder
	log            *slog.Logger
	levels         *LogLevels
	metrics        prometheus.Gatherer
	requestTimeout time.Duration
	bodyLimit      int64
	allowOrigin    string
	allowMethods   string
	client         *http.Client
	auth           auth.Authenticator
	healthAuth     bool
	metricsOpen    bool

	main  *echo.Echo
	admin *echo.Echo

	mu      sync.Mutex
	servers []*http.Server
}

// New builds the server; it does not listen yet.
func New(opts Options) (*Server, error) {
	if opts.Herder == nil {
		return nil, errors.New("new REST server: Options.Herder is required")
	}
	s := &Server{
		h: opts.Herder, log: opts.Logger, levels: opts.Levels, metrics: opts.Metrics,
		requestTimeout: opts.RequestTimeout, bodyLimit: opts.BodyLimit,
		allowOrigin: opts.AllowOrigin, allowMethods: opts.AllowMethods, client: opts.Forwarder,
		auth: opts.Auth, healthAuth: opts.HealthAuth, metricsOpen: opts.MetricsOpen,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.levels == nil {
		s.levels = NewLogLevels(slog.LevelInfo)
	}
	if s.requestTimeout <= 0 {
		s.requestTimeout = DefaultRequestTimeout
	}
	if s.bodyLimit <= 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: s.requestTimeout}
	}
	s.main = s.newEcho()
	s.routes(s.main)
	if opts.AdminOnMain {
		s.adminRoutes(s.main)
	}
	s.admin = s.newEcho()
	s.adminRoutes(s.admin)
	return s, nil
}

func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Pre(normalizePath)
	e.Use(s.recoverPanics, s.limitBody, s.cors, s.authenticate)
	return e
}

// routes registers the public endpoints (kafka-connect.md §1.2).
func (s *Server) routes(e *echo.Echo) {
	e.GET("/", s.serverInfo)
	e.GET("/health", s.health)
	if s.metrics != nil {
		e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{})))
	}
	s.connectorRoutes(e)
	s.taskRoutes(e)
	s.offsetRoutes(e)
	s.topicRoutes(e)
	s.pluginRoutes(e)
	s.internalRoutes(e)
}

// adminRoutes registers /admin/loggers.
func (s *Server) adminRoutes(e *echo.Echo) {
	e.GET("/admin/loggers", s.listLoggers)
	e.GET("/admin/loggers/:logger", s.getLogger)
	e.PUT("/admin/loggers/:logger", s.setLogger)
}

// Handler returns the main listeners' handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.main }

// AdminHandler returns the handler of the admin listeners (only
// /admin/loggers).
func (s *Server) AdminHandler() http.Handler { return s.admin }

// Serve serves the main API (admin false) or the admin endpoints (admin
// true) on l until Shutdown; it returns nil after Shutdown. l may be a TLS
// listener (tls.NewListener); r.TLS then carries the client certificate
// that auth.MTLS checks.
func (s *Server) Serve(l net.Listener, admin bool) error {
	var handler http.Handler = s.main
	if admin {
		handler = s.admin
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      s.requestTimeout + 15*time.Second,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.mu.Lock()
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve REST on %s: %w", l.Addr(), err)
	}
	return nil
}

// Shutdown stops every listener, letting requests in flight finish within
// ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			_ = srv.Close()
		}
	}
	return errors.Join(errs...)
}

// normalizePath makes echo route on the escaped path, so that a connector
// name holding an encoded "/" (or any reserved character) stays one path
// parameter (unescaped by param), and drops a trailing slash.
func normalizePath(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		raw := u.EscapedPath()
		if len(raw) > 1 && strings.HasSuffix(raw, "/") {
			raw = strings.TrimRight(raw, "/")
			if raw == "" {
				raw = "/"
			}
			u.Path = strings.TrimRight(u.Path, "/")
			if u.Path == "" {
				u.Path = "/"
			}
		}
		u.RawPath = raw
		return next(c)
	}
}

// recoverPanics turns a handler panic into a 500 JSON answer.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic in REST handler", "method", c.Request().Method, "path", c.Request().URL.EscapedPath(),
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("internal error: %v", r)
			}
		}()
		return next(c)
	}
}

// limitBody caps request bodies at the configured size.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.bodyLimit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		if req.Body != nil {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, s.bodyLimit)
		}
		return next(c)
	}
}

// cors applies access.control.allow.origin / .methods.
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.allowOrigin == "" {
			return next(c)
		}
		hdr := c.Response().Header()
		origin := c.Request().Header.Get(echo.HeaderOrigin)
		if s.allowOrigin == "*" || originAllowed(s.allowOrigin, origin) {
			if s.allowOrigin == "*" {
				hdr.Set(echo.HeaderAccessControlAllowOrigin, "*")
			} else {
				hdr.Set(echo.HeaderAccessControlAllowOrigin, origin)
				hdr.Add(echo.HeaderVary, echo.HeaderOrigin)
			}
			methods := s.allowMethods
			if methods == "" {
				methods = "GET,POST,HEAD"
			}
			hdr.Set(echo.HeaderAccessControlAllowMethods, methods)
		}
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}

func originAllowed(allowed, origin string) bool {
	for _, o := range strings.Split(allowed, ",") {
		if strings.TrimSpace(o) == origin && origin != "" {
			return true
		}
	}
	return false
}

// ctx returns the request's context bounded by the request timeout.
func (s *Server) ctx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), s.requestTimeout)
}
