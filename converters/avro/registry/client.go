package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onecconnect/onecconnect/converters/avro/internal/lru"
)

// maxBody bounds the bytes read from one registry answer.
const maxBody = 16 << 20

const contentType = "application/vnd.schemaregistry.v1+json"

// Schema is a registered schema as the registry describes it.
type Schema struct {
	// Subject and Version are set when the schema was fetched by subject.
	Subject string
	Version int
	// ID is the global schema id written into records.
	ID int
	// Schema is the schema text.
	Schema string
	// SchemaType is "AVRO" (also when the registry omits it), "JSON" or
	// "PROTOBUF".
	SchemaType string
}

type subjectSchema struct{ subject, schema string }

type subjectVersion struct {
	subject string
	version int
}

type latestEntry struct {
	s       Schema
	fetched time.Time
}

// Client talks to a Schema Registry. Build it with New; it is safe for
// concurrent use and holds no goroutines of its own.
type Client struct {
	cfg      Config
	urls     []*url.URL
	http     *http.Client
	log      *slog.Logger
	next     atomic.Uint32
	byID     *lru.Cache[int, Schema]
	bySchema *lru.Cache[subjectSchema, Schema]
	byVer    *lru.Cache[subjectVersion, Schema]
	latest   *lru.Cache[string, latestEntry]
	now      func() time.Time
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("schema registry: no URL configured")
	}
	c := &Client{cfg: cfg, now: time.Now}
	for _, raw := range cfg.URLs {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("schema registry: invalid URL %q: want http(s)://host[:port]", raw)
		}
		if u.User != nil && c.cfg.Username == "" {
			c.cfg.Username = u.User.Username()
			c.cfg.Password, _ = u.User.Password()
		}
		u.User = nil
		u.Path = strings.TrimSuffix(u.Path, "/")
		c.urls = append(c.urls, u)
	}
	if c.cfg.ConnectTimeout <= 0 {
		c.cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if c.cfg.RequestTimeout <= 0 {
		c.cfg.RequestTimeout = DefaultRequestTimeout
	}
	switch {
	case c.cfg.MaxRetries == 0:
		c.cfg.MaxRetries = DefaultMaxRetries
	case c.cfg.MaxRetries < 0:
		c.cfg.MaxRetries = 0
	}
	if c.cfg.RetryBackoff <= 0 {
		c.cfg.RetryBackoff = DefaultRetryBackoff
	}
	if c.cfg.RetryBackoffMax < c.cfg.RetryBackoff {
		c.cfg.RetryBackoffMax = max(DefaultRetryBackoffMax, c.cfg.RetryBackoff)
	}
	if c.cfg.CacheCapacity <= 0 {
		c.cfg.CacheCapacity = DefaultCacheCapacity
	}
	c.log = cfg.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	rt := cfg.Transport
	if rt == nil {
		dialer := &net.Dialer{Timeout: c.cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
		rt = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         dialer.DialContext,
			TLSClientConfig:     cfg.TLS,
			TLSHandshakeTimeout: c.cfg.ConnectTimeout,
			MaxIdleConnsPerHost: 8,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	c.http = &http.Client{Transport: rt}
	n := c.cfg.CacheCapacity
	c.byID = lru.New[int, Schema](n)
	c.bySchema = lru.New[subjectSchema, Schema](n)
	c.byVer = lru.New[subjectVersion, Schema](n)
	c.latest = lru.New[string, latestEntry](n)
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

type schemaRequest struct {
	Schema     string `json:"schema"`
	SchemaType string `json:"schemaType,omitempty"`
}

type schemaResponse struct {
	Subject    string `json:"subject"`
	Version    int    `json:"version"`
	ID         int    `json:"id"`
	Schema     string `json:"schema"`
	SchemaType string `json:"schemaType"`
}

func (r schemaResponse) toSchema() Schema {
	t := r.SchemaType
	if t == "" {
		t = "AVRO"
	}
	return Schema{Subject: r.Subject, Version: r.Version, ID: r.ID, Schema: r.Schema, SchemaType: t}
}

// Register registers an Avro schema under subject (or finds it there) and
// returns its id. Answers are cached by (subject, schema text).
func (c *Client) Register(ctx context.Context, subject, schema string) (int, error) {
	key := subjectSchema{subject, schema}
	if s, ok := c.bySchema.Get(key); ok {
		return s.ID, nil
	}
	var resp schemaResponse
	path := "/subjects/" + url.PathEscape(subject) + "/versions"
	if err := c.do(ctx, http.MethodPost, path, schemaRequest{Schema: schema}, &resp); err != nil {
		return 0, err
	}
	if resp.ID <= 0 {
		return 0, &DecodeError{Op: "POST " + path, Err: fmt.Errorf("no schema id in answer")}
	}
	s := Schema{Subject: subject, ID: resp.ID, Schema: schema, SchemaType: "AVRO"}
	c.bySchema.Put(key, s)
	c.byID.Put(s.ID, Schema{ID: s.ID, Schema: schema, SchemaType: "AVRO"})
	return resp.ID, nil
}

// Lookup finds an Avro schema already registered under subject and returns
// its id and version; a schema the subject lacks gives an *Error with code
// CodeSchemaNotFound (or CodeSubjectNotFound).
func (c *Client) Lookup(ctx context.Context, subject, schema string) (Schema, error) {
	key := subjectSchema{subject, schema}
	if s, ok := c.bySchema.Get(key); ok && s.Version > 0 {
		return s, nil
	}
	var resp schemaResponse
	path := "/subjects/" + url.PathEscape(subject)
	if err := c.do(ctx, http.MethodPost, path, schemaRequest{Schema: schema}, &resp); err != nil {
		return Schema{}, err
	}
	if resp.ID <= 0 {
		return Schema{}, &DecodeError{Op: "POST " + path, Err: fmt.Errorf("no schema id in answer")}
	}
	s := resp.toSchema()
	if s.Subject == "" {
		s.Subject = subject
	}
	c.bySchema.Put(key, s)
	return s, nil
}

// SchemaByID returns the schema with a global id.
func (c *Client) SchemaByID(ctx context.Context, id int) (Schema, error) {
	if s, ok := c.byID.Get(id); ok {
		return s, nil
	}
	var resp schemaResponse
	path := "/schemas/ids/" + strconv.Itoa(id)
	if err := c.do(ctx, http.MethodGet, path, nil, &resp); err != nil {
		return Schema{}, err
	}
	if resp.Schema == "" {
		return Schema{}, &DecodeError{Op: "GET " + path, Err: fmt.Errorf("no schema in answer")}
	}
	s := resp.toSchema()
	s.ID = id
	c.byID.Put(id, s)
	return s, nil
}

// SchemaByVersion returns version (≥ 1) of subject.
func (c *Client) SchemaByVersion(ctx context.Context, subject string, version int) (Schema, error) {
	if version < 1 {
		return Schema{}, fmt.Errorf("schema registry: invalid version %d", version)
	}
	key := subjectVersion{subject, version}
	if s, ok := c.byVer.Get(key); ok {
		return s, nil
	}
	s, err := c.getVersion(ctx, subject, strconv.Itoa(version))
	if err != nil {
		return Schema{}, err
	}
	c.byVer.Put(key, s)
	return s, nil
}

// Latest returns the newest version of subject, cached for LatestTTL.
func (c *Client) Latest(ctx context.Context, subject string) (Schema, error) {
	if c.cfg.LatestTTL != 0 {
		if e, ok := c.latest.Get(subject); ok && (c.cfg.LatestTTL < 0 || c.now().Sub(e.fetched) < c.cfg.LatestTTL) {
			return e.s, nil
		}
	}
	s, err := c.getVersion(ctx, subject, "latest")
	if err != nil {
		return Schema{}, err
	}
	if c.cfg.LatestTTL != 0 {
		c.latest.Put(subject, latestEntry{s: s, fetched: c.now()})
	}
	c.byVer.Put(subjectVersion{subject, s.Version}, s)
	return s, nil
}

func (c *Client) getVersion(ctx context.Context, subject, version string) (Schema, error) {
	var resp schemaResponse
	path := "/subjects/" + url.PathEscape(subject) + "/versions/" + version
	if err := c.do(ctx, http.MethodGet, path, nil, &resp); err != nil {
		return Schema{}, err
	}
	if resp.ID <= 0 || resp.Schema == "" {
		return Schema{}, &DecodeError{Op: "GET " + path, Err: fmt.Errorf("no schema id or text in answer")}
	}
	s := resp.toSchema()
	if s.Subject == "" {
		s.Subject = subject
	}
	c.byID.Put(s.ID, Schema{ID: s.ID, Schema: s.Schema, SchemaType: s.SchemaType})
	return s, nil
}

// do sends one API call with retries and decodes a 2xx JSON body into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	op := method + " " + path
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("schema registry %s: encode request: %w", op, err)
		}
	}
	backoff := c.cfg.RetryBackoff
	var lastErr error
	for attempt := 0; ; attempt++ {
		base := c.urls[int(c.next.Load())%len(c.urls)]
		data, err := c.once(ctx, method, base, path, body)
		if err == nil {
			if err := json.Unmarshal(data, out); err != nil {
				return &DecodeError{Op: op, Err: err}
			}
			return nil
		}
		lastErr = err
		if ctx.Err() != nil || !IsRetriable(err) || attempt >= c.cfg.MaxRetries {
			break
		}
		if len(c.urls) > 1 {
			c.next.Add(1)
		}
		c.log.WarnContext(ctx, "schema registry request failed, retrying",
			slog.String("op", op), slog.Int("attempt", attempt+1), slog.Duration("backoff", backoff), slog.Any("error", err))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("schema registry %s: %w (last error: %v)", op, ctx.Err(), lastErr)
		case <-t.C:
		}
		backoff = min(backoff*2, c.cfg.RetryBackoffMax)
	}
	return lastErr
}

func (c *Client) once(ctx context.Context, method string, base *url.URL, path string, body []byte) ([]byte, error) {
	op := method + " " + path
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	u := *base
	req, err := http.NewRequestWithContext(ctx, method, u.String()+path, rd)
	if err != nil {
		return nil, fmt.Errorf("schema registry %s: %w", op, err)
	}
	req.Header.Set("Accept", contentType+", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.cfg.Username != "" {
		req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("schema registry %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("schema registry %s: read answer: %w", op, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return data, nil
	}
	e := &Error{Op: op, StatusCode: resp.StatusCode, Code: resp.StatusCode}
	var eb struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &eb) == nil && (eb.Code != 0 || eb.Message != "") {
		if eb.Code != 0 {
			e.Code = eb.Code
		}
		e.Message = eb.Message
	} else {
		msg := string(data)
		if len(msg) > 200 {
			msg = msg[:200]
		}
		e.Message = strings.TrimSpace(msg)
	}
	return nil, e
}
