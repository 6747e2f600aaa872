package queuesource

import (
	"errors"
	"fmt"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrRegisterRemoved is returned when the configured register is no
	// longer in the 1C configuration after a metadata reload.
	ErrRegisterRemoved = errors.New("queue register removed from the 1C configuration")
	// ErrMalformedRow is wrapped by a *RowError.
	ErrMalformedRow = errors.New("malformed queue row")
)

// RowError is a queue row that cannot become a record (a value that does
// not decode, an empty topic field, headers that are not a JSON object). It
// names the register and the row's number.
type RowError struct {
	Register string
	Number   string
	Err      error
}

// Error implements error.
func (e *RowError) Error() string {
	return fmt.Sprintf("%s, row number %s: %v", e.Register, e.Number, e.Err)
}

// Unwrap returns ErrMalformedRow and the cause.
func (e *RowError) Unwrap() []error { return []error{ErrMalformedRow, e.Err} }
