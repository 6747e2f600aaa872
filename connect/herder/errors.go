package herder

import (
	"errors"
	"fmt"
)

// Kind classifies a herder failure; the REST layer maps each kind to Kafka
// Connect's status code in one place (connect/rest/errors.go).
type Kind int

// Error kinds.
const (
	// KindInternal is anything else (500), e.g. an unknown connector class.
	KindInternal Kind = iota
	// KindNotFound: unknown connector, task, status or plugin (404).
	KindNotFound
	// KindAlreadyExists: duplicate create (409).
	KindAlreadyExists
	// KindBadRequest: invalid config, name mismatch, bad offsets payload,
	// offsets change on a connector that is not STOPPED (400).
	KindBadRequest
	// KindConflict: a conflicting operation, e.g. a rebalance, or a
	// forwarding loop (409).
	KindConflict
	// KindRebalanceNeeded: the herder expects a rebalance; 409 on write
	// endpoints, 500 on the GETs that check it (Kafka's quirk).
	KindRebalanceNeeded
	// KindTimeout: the request did not complete in time (500, "Request
	// timed out. " + stage).
	KindTimeout
	// KindForbidden: topic tracking disabled (403).
	KindForbidden
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindAlreadyExists:
		return "already exists"
	case KindBadRequest:
		return "bad request"
	case KindConflict:
		return "conflict"
	case KindRebalanceNeeded:
		return "rebalance needed"
	case KindTimeout:
		return "timeout"
	case KindForbidden:
		return "forbidden"
	}
	return "internal"
}

// Error is a herder failure with a kind and a message in Kafka Connect's
// wording (it becomes the "message" of the REST error body). Messages never
// contain password values.
type Error struct {
	Kind    Kind
	Message string
	// Err is the cause, if any (not shown to REST clients beyond Message).
	Err error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches sentinel kinds: errors.Is(err, ErrNotFound) and so on.
func (e *Error) Is(target error) bool {
	if s, ok := target.(sentinel); ok {
		return Kind(s) == e.Kind
	}
	return false
}

type sentinel Kind

func (s sentinel) Error() string { return Kind(s).String() }

// Sentinels to match with errors.Is against any *Error of that kind.
var (
	ErrNotFound        error = sentinel(KindNotFound)
	ErrAlreadyExists   error = sentinel(KindAlreadyExists)
	ErrBadRequest      error = sentinel(KindBadRequest)
	ErrConflict        error = sentinel(KindConflict)
	ErrRebalanceNeeded error = sentinel(KindRebalanceNeeded)
	ErrTimeout         error = sentinel(KindTimeout)
	ErrForbidden       error = sentinel(KindForbidden)
)

func newErr(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a KindNotFound error.
func NotFound(format string, args ...any) error { return newErr(KindNotFound, format, args...) }

// BadRequest returns a KindBadRequest error.
func BadRequest(format string, args ...any) error { return newErr(KindBadRequest, format, args...) }

// AlreadyExists returns a KindAlreadyExists error.
func AlreadyExists(format string, args ...any) error {
	return newErr(KindAlreadyExists, format, args...)
}

// Conflict returns a KindConflict error.
func Conflict(format string, args ...any) error { return newErr(KindConflict, format, args...) }

// Forbidden returns a KindForbidden error.
func Forbidden(format string, args ...any) error { return newErr(KindForbidden, format, args...) }

// Internal returns a KindInternal error wrapping cause.
func Internal(cause error, format string, args ...any) error {
	e := newErr(KindInternal, format, args...)
	e.Err = cause
	return e
}

// KindOf returns the kind of err: that of the first *Error in its chain,
// KindInternal otherwise.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// NotLeaderError says the request must be served by another worker (the
// leader, or the owner of a connector or task) whose REST base URL is URL.
// The REST layer forwards the request there (Kafka's
// RequestTargetException). An empty URL means the leader is not known yet.
// The standalone herder never returns it.
type NotLeaderError struct {
	URL string
}

// Error implements error.
func (e *NotLeaderError) Error() string {
	if e.URL == "" {
		return "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."
	}
	return "this worker cannot serve the request; it must go to " + e.URL
}
