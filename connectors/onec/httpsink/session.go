package httpsink

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"
)

// 1C HTTP services keep an infobase session across calls when the service's
// "reuse sessions" property is "Use": a call with the request header
// "IBSession: start" opens a session and the answer sets the cookie
// "ibsession=<id>"; later calls that send the cookie run in that session;
// a call with "IBSession: finish" ends it. An idle session ends by itself
// after the service's session lifetime (20 s by default). A session serves
// one call at a time, so each concurrency slot owns one session.
const (
	headerIBSession = "IBSession"
	cookieIBSession = "ibsession"
	ibSessionStart  = "start"
	ibSessionFinish = "finish"
)

// session is one concurrency slot: an HTTP client with its own cookie jar
// holding (at most) one 1C session. Only the goroutine holding the slot
// uses it, except finish at stop.
type session struct {
	id      int
	reuse   bool
	maxIdle time.Duration
	client  *http.Client

	mu       sync.Mutex
	jar      http.CookieJar
	lastUse  time.Time
	lastURL  string
	restarts int // sessions started, for tests and logs
}

func newSession(id int, rt http.RoundTripper, reuse bool, maxIdle time.Duration) *session {
	s := &session{id: id, reuse: reuse, maxIdle: maxIdle}
	s.client = &http.Client{Transport: rt, CheckRedirect: noRedirect}
	if reuse {
		s.resetLocked()
	}
	return s
}

// noRedirect returns redirects to the caller: following them would turn a
// POST into a GET; a 3xx is reported as a permanent failure.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (s *session) resetLocked() {
	jar, _ := cookiejar.New(nil) // never fails without options
	s.jar = jar
	s.client.Jar = jar
}

// prepare marks req to start a session when the slot has none (or its
// session idled out).
func (s *session) prepare(req *http.Request, now time.Time) {
	if !s.reuse {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.lastUse.IsZero() && now.Sub(s.lastUse) > s.maxIdle {
		s.resetLocked()
	}
	if !hasSessionCookie(s.jar, req.URL) {
		req.Header.Set(headerIBSession, ibSessionStart)
		s.restarts++
	}
}

// after records the outcome of a call: a transport failure or a server
// error that may have killed the session drops the cookie, so the next call
// starts a new session.
func (s *session) after(req *http.Request, status int, err error, now time.Time) {
	if !s.reuse {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUse = now
	s.lastURL = req.URL.String()
	if err != nil || status == http.StatusInternalServerError || status == http.StatusBadGateway || status == http.StatusGatewayTimeout {
		s.resetLocked()
	}
}

func hasSessionCookie(jar http.CookieJar, u *url.URL) bool {
	if jar == nil {
		return false
	}
	for _, c := range jar.Cookies(u) {
		if strings.EqualFold(c.Name, cookieIBSession) {
			return true
		}
	}
	return false
}

// finish ends the slot's 1C session, if it has one, with a GET carrying
// "IBSession: finish" to finishURL (or the last address called). The answer
// is not checked: 1C ends the session whatever the handler returns, and an
// unfinished session ends by itself after its lifetime.
func (s *session) finish(ctx context.Context, finishURL string, auth func(*http.Request), log *slog.Logger) error {
	if !s.reuse {
		return nil
	}
	s.mu.Lock()
	target := finishURL
	if target == "" {
		target = s.lastURL
	}
	jar := s.jar
	s.mu.Unlock()
	if target == "" {
		return nil
	}
	u, err := url.Parse(target)
	if err != nil || !hasSessionCookie(jar, u) {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("session finish request: %w", redactErr(err))
	}
	req.Header.Set(headerIBSession, ibSessionFinish)
	auth(req)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("finish 1C session of slot %d: %w", s.id, redactErr(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	log.Debug("1C session finished", "slot", s.id, "status", resp.StatusCode)
	s.mu.Lock()
	s.resetLocked()
	s.mu.Unlock()
	return nil
}
