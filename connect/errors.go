package connect

import (
	"errors"
	"fmt"
)

// ErrStopped is returned by context methods used after the connector or task
// stopped.
var ErrStopped = errors.New("connect: stopped")

// RetriableError marks a failure worth retrying (Kafka's
// RetriableException): a connection reset, a lock timeout. The runtime
// retries the operation with back-off within errors.retry.timeout and, under
// errors.tolerance=all, skips what still fails; any other error fails the
// task at once.
type RetriableError struct {
	Err error
}

// Error returns the cause's message.
func (e *RetriableError) Error() string { return "retriable: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *RetriableError) Unwrap() error { return e.Err }

// Retriable wraps err as a *RetriableError; nil stays nil.
func Retriable(err error) error {
	if err == nil {
		return nil
	}
	return &RetriableError{Err: err}
}

// Retriablef formats a *RetriableError.
func Retriablef(format string, args ...any) error {
	return &RetriableError{Err: fmt.Errorf(format, args...)}
}

// IsRetriable reports whether err is or wraps a *RetriableError.
func IsRetriable(err error) bool {
	var r *RetriableError
	return errors.As(err, &r)
}
