package registry

import (
	"errors"
	"fmt"
)

// Schema Registry error codes (the "error_code" of error bodies) that
// callers branch on.
const (
	CodeSubjectNotFound      = 40401
	CodeVersionNotFound      = 40402
	CodeSchemaNotFound       = 40403
	CodeIncompatibleSchema   = 409
	CodeInvalidSchema        = 42201
	CodeInvalidVersion       = 42202
	CodeBackendStoreError    = 50001
	CodeOperationTimeout     = 50002
	CodeForwardingError      = 50003
	CodeUnauthorized         = 401
	CodeForbidden            = 403
	CodeSubjectSoftDeleted   = 40404
	CodeSubjectNotSoftDelete = 40405
)

// ErrNotFound is matched (errors.Is) by an *Error whose status is 404.
var ErrNotFound = errors.New("schema registry: not found")

// Error is a non-2xx answer of the registry. Code and Message come from the
// body {"error_code": …, "message": …} when there is one; otherwise Code is
// the HTTP status and Message the start of the body.
type Error struct {
	// Op names the call, e.g. "GET /schemas/ids/7".
	Op string
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the registry's error_code.
	Code int
	// Message is the registry's message.
	Message string
}

// Error renders the call, the codes and the message.
func (e *Error) Error() string {
	return fmt.Sprintf("schema registry %s: HTTP %d, error code %d: %s", e.Op, e.StatusCode, e.Code, e.Message)
}

// Is makes errors.Is(err, ErrNotFound) true for 404 answers.
func (e *Error) Is(target error) bool { return target == ErrNotFound && e.StatusCode == 404 }

// Retriable reports whether the same request may succeed later: 5xx
// answers and 408/429.
func (e *Error) Retriable() bool {
	return e.StatusCode >= 500 || e.StatusCode == 408 || e.StatusCode == 429
}

// IsRetriable reports whether err is worth retrying later: a retriable
// *Error or a failure that never got an HTTP answer (transport errors,
// timeouts). A permanent registry answer (4xx) is not retriable.
func IsRetriable(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Retriable()
	}
	var d *DecodeError
	return !errors.As(err, &d)
}

// DecodeError reports a 2xx answer whose body is not what the API promises.
type DecodeError struct {
	Op  string
	Err error
}

// Error renders the call and the cause.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("schema registry %s: unexpected response: %v", e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }
