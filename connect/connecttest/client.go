package connecttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Client talks to a stack's REST API and keeps every response body (the
// suite checks that no password value ever appears in them).
type Client struct {
	Base string
	http *http.Client

	mu     sync.Mutex
	bodies []string
}

// NewClient returns a client for the REST API at base (http://host:port).
func NewClient(base string) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), http: &http.Client{Timeout: 30 * time.Second}}
}

// Response is one REST answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v, failing the test on error.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d response %q: %v", r.Status, r.Body, err)
	}
}

// Do sends a request; path is already escaped. body is sent as is when it
// is a string or []byte, else JSON-encoded; nil sends no body.
func (c *Client) Do(t testing.TB, method, path string, body any) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode request body: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		t.Fatalf("build request %s %s: %v", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	c.mu.Lock()
	c.bodies = append(c.bodies, string(b), flattenHeader(resp.Header))
	c.mu.Unlock()
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Expect sends a request and fails the test unless the status is want;
// the body is decoded into out when out is not nil.
func (c *Client) Expect(t testing.TB, method, path string, body any, want int, out any) Response {
	t.Helper()
	r := c.Do(t, method, path, body)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.Decode(t, out)
	}
	return r
}

// Bodies returns every response body and header block received so far.
func (c *Client) Bodies() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.bodies...)
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

func flattenHeader(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return b.String()
}
