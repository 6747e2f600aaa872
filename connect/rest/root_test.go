package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/onecconnect/onecconnect/connect/herder"
)

// stubHerder answers Health and TopicTracking as configured.
type stubHerder struct {
	herder.Herder
	health             herder.WorkerStatus
	tracking, allowRst bool
}

func (s *stubHerder) Health(context.Context) herder.WorkerStatus { return s.health }
func (s *stubHerder) TopicTracking() (bool, bool)                { return s.tracking, s.allowRst }
func (s *stubHerder) ActiveTopics(context.Context, string) ([]string, error) {
	return []string{"t"}, nil
}
func (s *stubHerder) ResetActiveTopics(context.Context, string) error { return nil }

func quietServer(t *testing.T, h herder.Herder, opts Options) *httptest.Server {
	t.Helper()
	opts.Herder = h
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func call(t *testing.T, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestHealthStatusCodes(t *testing.T) {
	for _, tc := range []struct {
		status string
		code   int
	}{{herder.HealthHealthy, 200}, {herder.HealthStarting, 503}, {herder.HealthUnhealthy, 500}} {
		ts := quietServer(t, &stubHerder{health: herder.WorkerStatus{Status: tc.status, Message: "m"}}, Options{})
		resp, b := call(t, "GET", ts.URL+"/health", nil)
		var ws herder.WorkerStatus
		if err := json.Unmarshal(b, &ws); err != nil || resp.StatusCode != tc.code || ws.Status != tc.status {
			t.Errorf("%s: %d %s", tc.status, resp.StatusCode, b)
		}
	}
}

func TestTopicTrackingDisabled(t *testing.T) {
	for _, tc := range []struct {
		tracking, allowReset bool
		method, path         string
		code                 int
		msg                  string
	}{
		{false, true, "GET", "/connectors/c/topics", 403, "Topic tracking is disabled."},
		{false, true, "PUT", "/connectors/c/topics/reset", 403, "Topic tracking is disabled."},
		{true, false, "PUT", "/connectors/c/topics/reset", 403, "Topic tracking reset is disabled."},
		{true, false, "GET", "/connectors/c/topics", 200, ""},
		{true, true, "PUT", "/connectors/c/topics/reset", 202, ""},
	} {
		ts := quietServer(t, &stubHerder{tracking: tc.tracking, allowRst: tc.allowReset}, Options{})
		resp, b := call(t, tc.method, ts.URL+tc.path, nil)
		if resp.StatusCode != tc.code {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, resp.StatusCode, b, tc.code)
			continue
		}
		if tc.msg != "" {
			var eb ErrorBody
			if json.Unmarshal(b, &eb) != nil || eb.Message != tc.msg || eb.ErrorCode != 403 {
				t.Errorf("%s %s: body %s", tc.method, tc.path, b)
			}
		}
	}
}

func TestCORS(t *testing.T) {
	ts := quietServer(t, &stubHerder{health: herder.WorkerStatus{Status: herder.HealthHealthy}},
		Options{AllowOrigin: "http://ui.example", AllowMethods: "GET,PUT"})
	resp, _ := call(t, "OPTIONS", ts.URL+"/connectors", map[string]string{"Origin": "http://ui.example"})
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://ui.example" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET,PUT" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = call(t, "GET", ts.URL+"/health", map[string]string{"Origin": "http://evil.example"})
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %v", resp.Header)
	}
}

// Admin endpoints live on the admin handler; on the main one only when
// AdminOnMain (admin.listeners unset).
func TestAdminListenerSplit(t *testing.T) {
	h := &stubHerder{}
	for _, tc := range []struct {
		onMain bool
		code   int
	}{{true, 200}, {false, 404}} {
		ts := quietServer(t, h, Options{AdminOnMain: tc.onMain})
		if resp, b := call(t, "GET", ts.URL+"/admin/loggers", nil); resp.StatusCode != tc.code {
			t.Errorf("AdminOnMain=%v: %d %s", tc.onMain, resp.StatusCode, b)
		}
	}
	s, err := New(Options{Herder: h})
	if err != nil {
		t.Fatal(err)
	}
	admin := httptest.NewServer(s.AdminHandler())
	defer admin.Close()
	if resp, _ := call(t, "GET", admin.URL+"/admin/loggers", nil); resp.StatusCode != 200 {
		t.Errorf("admin handler: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", admin.URL+"/connectors", nil); resp.StatusCode != 404 {
		t.Errorf("admin handler serves /connectors: %d", resp.StatusCode)
	}
}
