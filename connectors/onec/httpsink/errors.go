package httpsink

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrPermanent marks a failure that retrying cannot fix (a 4xx or 3xx
	// answer, a record that cannot be rendered); its records go to the
	// error path at once.
	ErrPermanent = errors.New("permanent failure")
	// ErrRetryBudget is wrapped when a request still failed when its retry
	// budget (retry.timeout.ms) ran out.
	ErrRetryBudget = errors.New("retry budget exhausted")
	// ErrReplyTooLarge is wrapped when a response body exceeds
	// response.max.bytes while reply.topic needs it whole.
	ErrReplyTooLarge = errors.New("response body exceeds response.max.bytes")
)

// StatusError is a non-2xx HTTP answer. Body holds the start of the
// response body (at most 512 bytes) for the error message.
type StatusError struct {
	Status int
	Body   string
}

// Error implements error.
func (e *StatusError) Error() string {
	msg := "HTTP " + strconv.Itoa(e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Retriable reports whether the answer is worth retrying: 408, 429 and 5xx.
func (e *StatusError) Retriable() bool {
	return e.Status == 408 || e.Status == 429 || e.Status >= 500
}

// Is makes a non-retriable StatusError match ErrPermanent.
func (e *StatusError) Is(target error) bool { return target == ErrPermanent && !e.Retriable() }

// permanent wraps err so that it matches ErrPermanent.
func permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }
