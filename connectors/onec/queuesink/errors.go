package queuesink

import (
	"errors"
	"fmt"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrValue is wrapped by every *FieldError: a record value that does
	// not fit its register field (too long, too many digits, wrong type).
	ErrValue = errors.New("value does not fit the register field")
	// ErrFenced means the stored offsets of a partition moved under the
	// task: another task (or a zombie of this one) wrote the partition.
	// The batch is rolled back and the task rewinds to the stored offsets.
	ErrFenced = errors.New("partition offsets changed by another writer")
	// ErrDuplicateRow means the register refused a row as a duplicate of
	// its unique key (dimensions); the offsets table and the register
	// disagree, e.g. after the offsets table was cleared by hand.
	ErrDuplicateRow = errors.New("duplicate key in the register")
	// ErrRegisterShape is returned when the register cannot be written as
	// a queue (subordinate to a recorder, composite field configured, …).
	ErrRegisterShape = errors.New("register cannot be used as an inbound queue")
)

// FieldError is a record value that could not be converted to the type of
// its register field. It names the field, its 1C type and the limit, and
// goes to the errant record reporter (dead-letter queue) with the record.
type FieldError struct {
	Field  string // 1C field name
	Type   string // 1C type, e.g. String(150) or Number(10,0)
	Source string // where the value came from: key, value, topic, value.Field, …
	Reason string
	Err    error // the dialect's or parser's cause, may be nil
}

// Error implements error.
func (e *FieldError) Error() string {
	msg := fmt.Sprintf("register field %s (%s) from %s: %s", e.Field, e.Type, e.Source, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrValue and the cause.
func (e *FieldError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrValue, e.Err}
	}
	return []error{ErrValue}
}
