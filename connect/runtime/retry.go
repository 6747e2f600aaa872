package runtime

import (
	"context"
	"math/rand/v2"
	"time"
)

// retryDelayMin is the first back-off between retries, as Kafka Connect's
// RetryWithToleranceOperator.RETRIES_DELAY_MIN_MS.
const retryDelayMin = 300 * time.Millisecond

// backoff returns the pause before retry number attempt (1 for the first
// retry): 300 ms doubling per attempt, capped at errors.retry.delay.max.ms,
// with "equal jitter" (a uniformly random value between half the capped
// delay and the whole of it, so that tasks failing together do not retry in
// lockstep), and never beyond the time left before the retry deadline
// (left < 0: no deadline). rnd(n) returns a value in [0, n).
func (p errorPolicy) backoff(attempt int, left time.Duration, rnd func(int64) int64) time.Duration {
	d := retryDelayMin
	for i := 1; i < attempt && d < p.retryMaxDelay; i++ {
		d *= 2
	}
	if p.retryMaxDelay > 0 && d > p.retryMaxDelay {
		d = p.retryMaxDelay
	}
	if half := d / 2; half > 0 {
		d = half + time.Duration(rnd(int64(d-half)+1))
	}
	if left >= 0 && d > left {
		d = left
	}
	return d
}

// retry runs op and, while it fails with a retriable error (see
// isRetriable), runs it again after a back-off until errors.retry.timeout
// has passed since the first failure (-1: forever). It returns op's last
// error, or the last error when ctx ends.
func (h *errorHandler) retry(ctx context.Context, stage Stage, op func() error) error {
	err := op()
	if err == nil {
		return nil
	}
	return h.retryAfter(ctx, stage, err, op)
}

// retryAfter is retry for callers that made the first attempt themselves
// (so that the hot path allocates no closure): first is its error.
func (h *errorHandler) retryAfter(ctx context.Context, stage Stage, first error, op func() error) error {
	err := first
	if err == nil || !isRetriable(err) || h.policy.retryTimeout == 0 {
		return err
	}
	var deadline time.Time
	if h.policy.retryTimeout > 0 {
		deadline = time.Now().Add(h.policy.retryTimeout)
	}
	for attempt := 1; ; attempt++ {
		h.metrics.failure(stage)
		left := time.Duration(-1)
		if !deadline.IsZero() {
			if left = time.Until(deadline); left <= 0 {
				return err
			}
		}
		delay := h.policy.backoff(attempt, left, rand.Int64N)
		h.log.Debug("retrying after a retriable error", "stage", stage, "attempt", attempt, "delay", delay,
			"err", h.redact.apply(err.Error()))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		h.metrics.retried(stage)
		if err = op(); err == nil || !isRetriable(err) {
			return err
		}
	}
}
