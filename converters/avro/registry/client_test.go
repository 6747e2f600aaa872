package registry_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/converters/avro/registry"
	"github.com/onecconnect/onecconnect/converters/avro/registrytest"
)

const recordSchema = `{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`

func newClient(t *testing.T, srv *registrytest.Server, mod func(*registry.Config)) *registry.Client {
	t.Helper()
	cfg := registry.Config{URLs: []string{srv.URL}, RetryBackoff: time.Millisecond, RetryBackoffMax: 2 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	c, err := registry.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestRegisterLookupAndFetch(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	c := newClient(t, srv, nil)
	ctx := context.Background()
	id, err := c.Register(ctx, "t-value", recordSchema)
	if err != nil || id != 1 {
		t.Fatalf("Register = %d, %v", id, err)
	}
	if id2, err := c.Register(ctx, "t-value", recordSchema); err != nil || id2 != id {
		t.Fatalf("second Register = %d, %v", id2, err)
	}
	if n := srv.Requests("POST /subjects/{subject}/versions"); n != 1 {
		t.Fatalf("register requests = %d, want 1 (cached)", n)
	}
	got, err := c.Lookup(ctx, "t-value", recordSchema)
	if err != nil || got.ID != 1 || got.Version != 1 || got.Subject != "t-value" {
		t.Fatalf("Lookup = %+v, %v", got, err)
	}
	byID, err := c.SchemaByID(ctx, id)
	if err != nil || byID.Schema != recordSchema || byID.SchemaType != "AVRO" {
		t.Fatalf("SchemaByID = %+v, %v", byID, err)
	}
	v1, err := c.SchemaByVersion(ctx, "t-value", 1)
	if err != nil || v1.ID != 1 {
		t.Fatalf("SchemaByVersion = %+v, %v", v1, err)
	}
	latest, err := c.Latest(ctx, "t-value")
	if err != nil || latest.ID != 1 || latest.Version != 1 {
		t.Fatalf("Latest = %+v, %v", latest, err)
	}
}

func TestSchemaByIDIsCached(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	id, _ := srv.Register("x-value", recordSchema)
	c := newClient(t, srv, nil)
	for range 3 {
		if _, err := c.SchemaByID(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Requests("GET /schemas/ids/{id}"); n != 1 {
		t.Fatalf("GET /schemas/ids requests = %d, want 1", n)
	}
}

func TestErrorBodies(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	srv.Register("known", recordSchema)
	c := newClient(t, srv, nil)
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func() error
		status int
		code   int
	}{
		{"unknown id", func() error { _, err := c.SchemaByID(ctx, 99); return err }, 404, registry.CodeSchemaNotFound},
		{"unknown subject", func() error { _, err := c.Latest(ctx, "nope"); return err }, 404, registry.CodeSubjectNotFound},
		{"unknown version", func() error { _, err := c.SchemaByVersion(ctx, "known", 5); return err }, 404, registry.CodeVersionNotFound},
		{"lookup unknown subject", func() error { _, err := c.Lookup(ctx, "nope", recordSchema); return err }, 404, registry.CodeSubjectNotFound},
		{"lookup unknown schema", func() error {
			_, err := c.Lookup(ctx, "known", `{"type":"record","name":"Other","fields":[]}`)
			return err
		}, 404, registry.CodeSchemaNotFound},
		{"invalid schema", func() error { _, err := c.Register(ctx, "known", `{"type":"nonsense"}`); return err }, 422, registry.CodeInvalidSchema},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *registry.Error
			if !errors.As(err, &e) || e.StatusCode != tc.status || e.Code != tc.code || e.Message == "" {
				t.Fatalf("err = %#v, want HTTP %d code %d", err, tc.status, tc.code)
			}
			if registry.IsRetriable(err) {
				t.Fatal("a 4xx must not be retriable")
			}
			if (tc.status == 404) != errors.Is(err, registry.ErrNotFound) {
				t.Fatal("errors.Is(ErrNotFound) mismatch")
			}
		})
	}
}

func TestRetriesOn5xxThenSucceeds(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	c := newClient(t, srv, func(cfg *registry.Config) { cfg.MaxRetries = 3 })
	srv.FailNext(500, 503, 502)
	id, err := c.Register(context.Background(), "r-value", recordSchema)
	if err != nil || id != 1 {
		t.Fatalf("Register after 3 failures = %d, %v", id, err)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	c := newClient(t, srv, func(cfg *registry.Config) { cfg.MaxRetries = 2 })
	srv.FailNext(500, 500, 500, 500)
	_, err := c.Register(context.Background(), "r-value", recordSchema)
	var e *registry.Error
	if !errors.As(err, &e) || e.StatusCode != 500 || e.Code != registry.CodeBackendStoreError || !registry.IsRetriable(err) {
		t.Fatalf("err = %v", err)
	}
	// 3 attempts used three failures; the fourth is still queued.
	if _, err := c.Register(context.Background(), "r-value", recordSchema); err != nil {
		t.Fatalf("next call: %v", err)
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	c := newClient(t, srv, func(cfg *registry.Config) { cfg.MaxRetries = 5 })
	if _, err := c.SchemaByID(context.Background(), 42); err == nil {
		t.Fatal("want an error")
	}
	if n := srv.Requests("GET /schemas/ids/{id}"); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
}

func TestTransportErrorIsRetriedAndReported(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	url := srv.URL
	srv.Close()
	c, err := registry.New(registry.Config{URLs: []string{url}, MaxRetries: 2, RetryBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SchemaByID(context.Background(), 1)
	if err == nil || !registry.IsRetriable(err) {
		t.Fatalf("err = %v, want a retriable transport error", err)
	}
}

func TestContextCancelsBackoff(t *testing.T) {
	srv := registrytest.New(registrytest.Options{})
	defer srv.Close()
	c := newClient(t, srv, func(cfg *registry.Config) {
		cfg.MaxRetries = 5
		cfg.RetryBackoff, cfg.RetryBackoffMax = time.Hour, time.Hour
	})
	srv.FailNext(500)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.SchemaByID(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("backoff ignored the context")
	}
}

func TestBasicAuth(t *testing.T) {
	srv := registrytest.New(registrytest.Options{Username: "u", Password: "p:w"})
	defer srv.Close()
	noAuth := newClient(t, srv, nil)
	_, err := noAuth.Register(context.Background(), "a", recordSchema)
	var e *registry.Error
	if !errors.As(err, &e) || e.StatusCode != 401 {
		t.Fatalf("without credentials: %v", err)
	}
	withAuth := newClient(t, srv, func(cfg *registry.Config) { cfg.Username, cfg.Password = "u", "p:w" })
	if _, err := withAuth.Register(context.Background(), "a", recordSchema); err != nil {
		t.Fatalf("with credentials: %v", err)
	}
}

func TestTLS(t *testing.T) {
	srv := registrytest.New(registrytest.Options{TLS: true})
	defer srv.Close()
	untrusted := newClient(t, srv, func(cfg *registry.Config) { cfg.MaxRetries = -1 })
	if _, err := untrusted.Register(context.Background(), "a", recordSchema); err == nil {
		t.Fatal("want a certificate error without the CA")
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	trusted := newClient(t, srv, func(cfg *registry.Config) { cfg.TLS = &tls.Config{RootCAs: pool} })
	if _, err := trusted.Register(context.Background(), "a", recordSchema); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
}

func TestInvalidURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "localhost:8081"} {
		if _, err := registry.New(registry.Config{URLs: []string{u}}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	if _, err := registry.New(registry.Config{}); err == nil {
		t.Error("no URL accepted")
	}
}
