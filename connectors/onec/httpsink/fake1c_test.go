package httpsink

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fake1C is a 1C-like HTTP service for tests: it keeps IBSession sessions
// (start, cookie, finish), answers 503 to a share of calls, sometimes hangs
// past the client's timeout, refuses bodies containing "bad" with 400,
// counts concurrent requests and records what it accepted (200) in order.
type fake1C struct {
	srv *httptest.Server

	failRate float64 // share of calls answered 503
	hangRate float64 // share of calls that hang until the client gives up
	hangFor  time.Duration

	inflight    atomic.Int64
	maxInflight atomic.Int64
	calls       atomic.Int64
	unavailable atomic.Int64 // 503 answers
	hung        atomic.Int64 // calls left hanging

	mu         sync.Mutex
	rnd        *rand.Rand
	accepted   []acceptedCall          // in order of acceptance
	ackedCorr  map[string]int          // correlation id → times answered 200
	sessions   map[string]*fakeSession // ibsession → state
	started    int
	finished   int
	violations []string
}

type acceptedCall struct {
	path, query, corr, key, body string
	session                      string
}

type fakeSession struct{ busy bool }

func newFake1C(t *testing.T, failRate, hangRate float64, seed uint64) *fake1C {
	f := &fake1C{failRate: failRate, hangRate: hangRate, hangFor: 5 * time.Second,
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), ackedCorr: map[string]int{}, sessions: map[string]*fakeSession{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake1C) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	f.calls.Add(1)
	body, _ := io.ReadAll(r.Body)

	// 1C session handling.
	sid := ""
	if c, err := r.Cookie(cookieIBSession); err == nil {
		sid = c.Value
	}
	f.mu.Lock()
	switch r.Header.Get(headerIBSession) {
	case ibSessionFinish:
		if s := f.sessions[sid]; s != nil {
			delete(f.sessions, sid)
			f.finished++
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	case ibSessionStart:
		f.started++
		sid = fmt.Sprintf("s%d", f.started)
		f.sessions[sid] = &fakeSession{}
		http.SetCookie(w, &http.Cookie{Name: cookieIBSession, Value: sid, Path: "/"})
	}
	sess := f.sessions[sid]
	if sess == nil && sid != "" {
		f.violations = append(f.violations, "unknown session "+sid)
	}
	if sess != nil {
		if sess.busy {
			f.violations = append(f.violations, "two calls at once in session "+sid)
		}
		sess.busy = true
	}
	roll := f.rnd.Float64()
	f.mu.Unlock()
	defer func() {
		if sess != nil {
			f.mu.Lock()
			sess.busy = false
			f.mu.Unlock()
		}
	}()

	switch {
	case roll < f.failRate:
		f.unavailable.Add(1)
		http.Error(w, "infobase is busy", http.StatusServiceUnavailable)
		return
	case roll < f.failRate+f.hangRate:
		f.hung.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(f.hangFor):
		}
		return
	case strings.Contains(string(body), "bad"):
		http.Error(w, "Ошибка разбора: bad record", http.StatusBadRequest)
		return
	}
	corr := r.Header.Get("X-Correlation-ID")
	f.mu.Lock()
	if f.ackedCorr[corr] > 0 {
		f.violations = append(f.violations, "correlation id "+corr+" sent again after it was acknowledged")
	}
	f.ackedCorr[corr]++
	f.accepted = append(f.accepted, acceptedCall{path: r.URL.Path, query: r.URL.RawQuery, corr: corr,
		key: r.Header.Get("X-Record-Key"), body: string(body), session: sid})
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"ok": corr})
}

func (f *fake1C) snapshot() (accepted []acceptedCall, violations []string, started, finished, open int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]acceptedCall(nil), f.accepted...), append([]string(nil), f.violations...), f.started, f.finished, len(f.sessions)
}
