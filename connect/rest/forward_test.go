package rest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/onecconnect/onecconnect/connect/herder"
)

// fakeHerder answers DeleteConnector as told and records the forward
// parameter of each request it sees; every other method panics (the
// server turns that into a 500).
type fakeHerder struct {
	herder.Herder
	mu       sync.Mutex
	leader   string // when set, DeleteConnector answers NotLeaderError{leader}
	deleted  []string
	noLeader bool
}

func (f *fakeHerder) DeleteConnector(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noLeader {
		return &herder.NotLeaderError{}
	}
	if f.leader != "" {
		return &herder.NotLeaderError{URL: f.leader}
	}
	f.deleted = append(f.deleted, name)
	return nil
}

type recorder struct {
	mu       sync.Mutex
	forwards []string
}

func serve(t *testing.T, h herder.Herder, rec *recorder) *httptest.Server {
	t.Helper()
	s, err := New(Options{Herder: h, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.forwards = append(rec.forwards, r.URL.Query().Get("forward"))
		rec.mu.Unlock()
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func del(t *testing.T, url string) (int, ErrorBody) {
	t.Helper()
	req, _ := http.NewRequest("DELETE", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var eb ErrorBody
	_ = json.Unmarshal(b, &eb)
	return resp.StatusCode, eb
}

func TestForwardToLeader(t *testing.T) {
	leaderH := &fakeHerder{}
	var lr, fr recorder
	leader := serve(t, leaderH, &lr)
	follower := serve(t, &fakeHerder{leader: leader.URL}, &fr)
	code, eb := del(t, follower.URL+"/connectors/a%2Fb")
	if code != 204 {
		t.Fatalf("status %d %+v, want 204", code, eb)
	}
	if len(leaderH.deleted) != 1 || leaderH.deleted[0] != "a/b" {
		t.Errorf("leader deleted %q, want [a/b]", leaderH.deleted)
	}
	if len(lr.forwards) != 1 || lr.forwards[0] != "true" {
		t.Errorf("leader saw forward=%q, want true", lr.forwards)
	}
}

// Two workers that each name the other: A forwards to B (forward=true), B
// back to A (forward=false), and A, out of hops, answers 409.
func TestForwardHopLimit(t *testing.T) {
	a := &fakeHerder{}
	b := &fakeHerder{}
	var ar, br recorder
	sa := serve(t, a, &ar)
	sb := serve(t, b, &br)
	a.leader, b.leader = sb.URL, sa.URL
	code, eb := del(t, sa.URL+"/connectors/x")
	if code != 409 || eb.ErrorCode != 409 || !strings.Contains(eb.Message, "conflicting operation") {
		t.Fatalf("status %d %+v, want 409 conflicting operation", code, eb)
	}
	if strings.Join(ar.forwards, ",") != ",false" || strings.Join(br.forwards, ",") != "true" {
		t.Errorf("hops: a saw %q, b saw %q", ar.forwards, br.forwards)
	}
}

func TestForwardNoLeader(t *testing.T) {
	var r recorder
	s := serve(t, &fakeHerder{noLeader: true}, &r)
	code, eb := del(t, s.URL+"/connectors/x")
	if code != 409 || !strings.Contains(eb.Message, "no known leader URL") {
		t.Fatalf("status %d %+v", code, eb)
	}
}

func TestForwardTargetDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	var r recorder
	s := serve(t, &fakeHerder{leader: url}, &r)
	code, eb := del(t, s.URL+"/connectors/x")
	if code != 500 || !strings.HasPrefix(eb.Message, "IO Error trying to forward REST request: ") {
		t.Fatalf("status %d %+v", code, eb)
	}
}

// A panicking herder call is a 500 JSON answer, not a dropped connection.
func TestPanicIs500(t *testing.T) {
	var r recorder
	s := serve(t, &fakeHerder{}, &r)
	resp, err := http.Get(s.URL + "/connectors")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || resp.StatusCode != 500 || eb.ErrorCode != 500 {
		t.Fatalf("status %d body %+v err %v", resp.StatusCode, eb, err)
	}
}

func TestBodyLimit(t *testing.T) {
	s, err := New(Options{Herder: &fakeHerder{}, BodyLimit: 64})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, err := http.Post(ts.URL+"/connectors", "application/json", strings.NewReader(`{"name":"`+strings.Repeat("x", 100)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || resp.StatusCode != 413 || eb.ErrorCode != 413 {
		t.Fatalf("status %d body %+v err %v", resp.StatusCode, eb, err)
	}
}
