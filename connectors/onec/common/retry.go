package common

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// Retrier decides what to do after a failed attempt to reach the database:
// wait with exponential back-off (300 ms doubling up to MaxDelay), keeping
// the task RUNNING, until the failures have lasted longer than Timeout
// (errors.retry.timeout; 0 = no retries, negative = retry forever), then
// give up with an error carrying the last cause. It belongs to one
// goroutine.
type Retrier struct {
	Timeout  time.Duration
	MaxDelay time.Duration
	// Now is the clock (time.Now when nil); tests replace it.
	Now func() time.Time

	since    time.Time // first failure of the current streak; zero = healthy
	attempts int
	next     time.Time
}

// initialDelay is the first back-off, as the runtime's.
const initialDelay = 300 * time.Millisecond

func (r *Retrier) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Failed records a failure. It returns the delay before the next attempt,
// or a non-nil error when retries are exhausted (the task should fail with
// it).
func (r *Retrier) Failed(err error) (time.Duration, error) {
	now := r.now()
	if r.since.IsZero() {
		r.since = now
	}
	r.attempts++
	elapsed := now.Sub(r.since)
	if r.Timeout >= 0 && elapsed >= r.Timeout {
		return 0, fmt.Errorf("giving up after %d attempt(s) over %s (errors.retry.timeout=%d ms): %w",
			r.attempts, elapsed.Round(time.Millisecond), r.Timeout.Milliseconds(), err)
	}
	d := initialDelay << min(r.attempts-1, 20)
	if r.MaxDelay > 0 && d > r.MaxDelay {
		d = r.MaxDelay
	}
	if r.Timeout > 0 && elapsed+d > r.Timeout {
		d = r.Timeout - elapsed
	}
	r.next = now.Add(d)
	return d, nil
}

// Succeeded ends a failure streak.
func (r *Retrier) Succeeded() {
	r.since, r.attempts, r.next = time.Time{}, 0, time.Time{}
}

// Failing reports whether a failure streak is in progress.
func (r *Retrier) Failing() bool { return !r.since.IsZero() }

// Attempts is the number of failures in the current streak.
func (r *Retrier) Attempts() int { return r.attempts }

// Wait returns how long to wait before the next attempt (0 = now).
func (r *Retrier) Wait() time.Duration {
	if r.next.IsZero() {
		return 0
	}
	return max(r.next.Sub(r.now()), 0)
}

// RetryPolicy is the error handling a task reads from the connector
// configuration (the runtime's common keys, which a connector copies into
// its task configurations).
type RetryPolicy struct {
	// Timeout is errors.retry.timeout: 0 no retries, negative forever.
	Timeout time.Duration
	// MaxDelay is errors.retry.delay.max.ms.
	MaxDelay time.Duration
	// TolerateAll is errors.tolerance=all: malformed rows are logged and
	// skipped instead of failing the task.
	TolerateAll bool
}

// RetryKeys are the common keys ParseRetryPolicy reads; connectors copy
// them into task configurations.
var RetryKeys = []string{connect.KeyErrorsRetryTimeout, connect.KeyErrorsRetryDelayMax, connect.KeyErrorsTolerance}

// ParseRetryPolicy reads errors.retry.timeout, errors.retry.delay.max.ms
// and errors.tolerance from props, with Kafka Connect's defaults (0,
// 60000, none).
func ParseRetryPolicy(props map[string]string) (RetryPolicy, error) {
	p := RetryPolicy{MaxDelay: time.Minute}
	if s, ok := props[connect.KeyErrorsRetryTimeout]; ok && strings.TrimSpace(s) != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return p, fmt.Errorf("invalid value %s for configuration %s: not a whole number of milliseconds", s, connect.KeyErrorsRetryTimeout)
		}
		p.Timeout = time.Duration(n) * time.Millisecond
		if n < 0 {
			p.Timeout = -1
		}
	}
	if s, ok := props[connect.KeyErrorsRetryDelayMax]; ok && strings.TrimSpace(s) != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			return p, fmt.Errorf("invalid value %s for configuration %s: not a non-negative number of milliseconds", s, connect.KeyErrorsRetryDelayMax)
		}
		p.MaxDelay = time.Duration(n) * time.Millisecond
	}
	p.TolerateAll = strings.EqualFold(strings.TrimSpace(props[connect.KeyErrorsTolerance]), connect.ToleranceAll)
	return p, nil
}

// NewRetrier returns a Retrier following the policy.
func (p RetryPolicy) NewRetrier() *Retrier { return &Retrier{Timeout: p.Timeout, MaxDelay: p.MaxDelay} }
