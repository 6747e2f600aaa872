package dialect

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns for bad input wraps one
// of them, so callers can branch with errors.Is.
var (
	// ErrUnknownDialect is returned by For for a driver or scheme it does
	// not know.
	ErrUnknownDialect = errors.New("unknown SQL dialect")
	// ErrBadIdentifier is returned for a table or column name that is not
	// shaped like a 1C physical name or one of our own schema names.
	ErrBadIdentifier = errors.New("identifier refused")
	// ErrBadTable is returned when a Table, its columns, key or a request
	// built on them is inconsistent (unknown column, empty key, wrong
	// number of key values, non-positive limit, …).
	ErrBadTable = errors.New("bad table description")
	// ErrDecode is wrapped by every *ValueError from Decode.
	ErrDecode = errors.New("cannot decode value")
	// ErrEncode is wrapped by every *ValueError from Encode.
	ErrEncode = errors.New("cannot encode value")
	// ErrWrongQuerier is returned when a Querier made for one driver is
	// handed to the dialect of the other database.
	ErrWrongQuerier = errors.New("querier does not belong to this dialect")
)

// ValueError describes one value that could not be decoded or encoded. It
// wraps ErrDecode or ErrEncode and, when there is one, the underlying cause.
type ValueError struct {
	Op     string // "decode" or "encode"
	Column string
	Kind   ColumnKind
	Value  string // a short description of the offending value (its type, length or a clipped form)
	Reason string
	Err    error // the underlying cause, or nil
}

// Error implements error.
func (e *ValueError) Error() string {
	msg := fmt.Sprintf("%s column %s (%s): %s: %s", e.Op, e.Column, e.Kind, e.Value, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrDecode or ErrEncode and the underlying cause.
func (e *ValueError) Unwrap() []error {
	sentinel := ErrDecode
	if e.Op == "encode" {
		sentinel = ErrEncode
	}
	if e.Err != nil {
		return []error{sentinel, e.Err}
	}
	return []error{sentinel}
}

func decodeErr(col Column, raw any, reason string, cause error) error {
	return &ValueError{Op: "decode", Column: col.Name, Kind: col.Kind, Value: describe(raw), Reason: reason, Err: cause}
}

func encodeErr(col Column, v any, reason string, cause error) error {
	return &ValueError{Op: "encode", Column: col.Name, Kind: col.Kind, Value: describe(v), Reason: reason, Err: cause}
}

// describe gives a short, log-safe description of a value: its type and
// size, and for short scalars the value itself.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case []byte:
		if len(x) <= 16 {
			return fmt.Sprintf("[]byte(%d) %x", len(x), x)
		}
		return fmt.Sprintf("[]byte(%d) %x…", len(x), x[:16])
	case string:
		if len(x) <= 40 {
			return fmt.Sprintf("string %q", x)
		}
		return fmt.Sprintf("string(%d) %q…", len(x), x[:40])
	default:
		s := fmt.Sprintf("%T %v", v, v)
		if len(s) > 80 {
			s = s[:80] + "…"
		}
		return s
	}
}
