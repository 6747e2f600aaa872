package httpsink

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff yields exponentially growing delays with jitter: attempt n waits
// a random time in [d/2, d] where d = base·2ⁿ capped at max ("equal
// jitter"), so that tasks retrying against one 1C server spread out.
type backoff struct {
	base, max time.Duration
	attempt   int
}

// next returns the delay before the next attempt. A server's Retry-After
// (retryAfter > 0) is honoured up to max.
func (b *backoff) next(retryAfter time.Duration) time.Duration {
	d := b.base
	for i := 0; i < b.attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	b.attempt++
	if retryAfter > 0 {
		return min(retryAfter, b.max)
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}

// retriable reports whether a failed attempt is worth another: 408, 429
// and 5xx answers, timeouts and transport failures (connection refused or
// reset, TLS handshake, DNS). Permanent failures (other 4xx, 3xx, records
// that cannot be encoded) are not.
func retriable(err error) bool {
	if err == nil || errors.Is(err, ErrPermanent) || errors.Is(err, context.Canceled) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Retriable()
	}
	return true
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// sleep waits d, or less when ctx ends or stop is closed; it reports
// whether the whole delay passed.
func sleep(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-stop:
		return false
	}
}
