package httpsink

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// errStopping ends a retry loop when the task stops; the batch is not
// acknowledged and is read again after the restart.
var errStopping = errors.New("task stopping")

// sender performs the HTTP calls of batches, with retries, and produces
// replies. It is shared by the batch goroutines; its fields are read-only.
type sender struct {
	s       *settings
	auth    string // Authorization header value; never logged
	reply   *replyProducer
	metrics *metrics
	log     *slog.Logger
	stop    <-chan struct{}
}

func newSender(s *settings, reply *replyProducer, m *metrics, log *slog.Logger, stop <-chan struct{}) *sender {
	sd := &sender{s: s, reply: reply, metrics: m, log: log, stop: stop}
	switch {
	case s.token.Value() != "":
		sd.auth = "Bearer " + s.token.Value()
	case s.user != "":
		sd.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(s.user+":"+s.password.Value()))
	}
	return sd
}

// authorize sets the Authorization header.
func (sd *sender) authorize(req *http.Request) {
	if sd.auth != "" {
		req.Header.Set("Authorization", sd.auth)
	}
}

// deliver sends b until 1C acknowledges it, a permanent failure, the retry
// budget runs out, or the task stops (errStopping or ctx's error). On
// success the reply, if configured, is in Kafka when it returns.
func (sd *sender) deliver(ctx context.Context, b *batch, sess *session) error {
	body := batchBody(b.items, sd.s.batchSize > 1)
	first := b.items[0]
	start := time.Now()
	bo := backoff{base: sd.s.backoff, max: sd.s.backoffMax}
	for attempt := 1; ; attempt++ {
		status, reply, wait, err := sd.attempt(ctx, b, body, sess)
		if err == nil {
			sd.metrics.batches.Inc()
			sd.metrics.written.Add(float64(len(b.items)))
			if sd.reply == nil {
				return nil
			}
			if rerr := sd.reply.send(ctx, b, first.corr, status, reply); rerr != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				// 1C has the records: sending them again would repeat their
				// effect, so only the reply is lost — onto the error path.
				return permanent(fmt.Errorf("delivered (HTTP %d) but the reply was not written: %w", status, rerr))
			}
			sd.metrics.replies.Inc()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !retriable(err) {
			return err
		}
		elapsed := time.Since(start)
		if sd.s.retryTimeout >= 0 && elapsed >= sd.s.retryTimeout {
			return fmt.Errorf("%w after %d attempts in %v: %w", ErrRetryBudget, attempt, elapsed.Round(time.Millisecond), err)
		}
		d := bo.next(wait)
		if sd.s.retryTimeout >= 0 {
			d = min(d, sd.s.retryTimeout-elapsed)
		}
		sd.metrics.retries.Inc()
		sd.log.Debug("retrying request", "url", b.url, "records", len(b.items), "attempt", attempt, "delay", d, "err", err)
		if !sleep(ctx, sd.stop, d) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errStopping
		}
	}
}

// attempt makes one HTTP call. It returns the status and (for a 2xx) the
// body, or an error: a *StatusError for a non-2xx answer (wait is its
// Retry-After), a transport error otherwise.
func (sd *sender) attempt(ctx context.Context, b *batch, body []byte, sess *session) (status int, reply []byte, wait time.Duration, err error) {
	rctx, cancel := context.WithTimeout(ctx, sd.s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, sd.s.method, b.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, permanent(fmt.Errorf("build request: %w", redactErr(err)))
	}
	first := b.items[0]
	req.Header.Set("Content-Type", sd.s.contentType)
	for _, h := range first.hdrs {
		req.Header.Add(h[0], h[1])
	}
	req.Header.Set(sd.s.corrHeader, first.corr)
	sd.authorize(req)
	now := time.Now()
	sess.prepare(req, now)
	if req.Header.Get(headerIBSession) == ibSessionStart {
		sd.metrics.sessions.Inc()
	}
	resp, err := sess.client.Do(req)
	end := time.Now()
	sd.metrics.latency.Observe(end.Sub(now).Seconds())
	if err != nil {
		sess.after(req, 0, err, end)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return 0, nil, 0, fmt.Errorf("%s %s: no answer within %v", sd.s.method, b.url, sd.s.timeout)
		}
		return 0, nil, 0, fmt.Errorf("%s: %w", sd.s.method, redactErr(err))
	}
	defer resp.Body.Close()
	sess.after(req, resp.StatusCode, nil, end)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		se := &StatusError{Status: resp.StatusCode, Body: printable(snippet)}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			se.Body = "redirect to " + redactURL(resp.Header.Get("Location")) + " (point url at the final address)"
		}
		return resp.StatusCode, nil, retryAfter(resp.Header, end), se
	}
	if sd.reply == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, int64(sd.s.responseMax)))
		return resp.StatusCode, nil, 0, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, int64(sd.s.responseMax)+1))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("read the answer to %s %s: %w", sd.s.method, b.url, err)
	}
	if len(data) > sd.s.responseMax {
		return resp.StatusCode, nil, 0, permanent(fmt.Errorf("delivered (HTTP %d) but the reply is lost: %w (%d)", resp.StatusCode, ErrReplyTooLarge, sd.s.responseMax))
	}
	return resp.StatusCode, data, 0, nil
}

// printable shortens an answer body for an error message: control
// characters become spaces.
func printable(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, string(b))
	return strings.TrimSpace(s)
}
