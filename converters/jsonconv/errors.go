package jsonconv

import (
	"errors"
	"strings"

	"github.com/onecconnect/onecconnect/converters"
)

// pathError is a conversion failure inside a value. Path elements are
// collected innermost first while the error unwinds ("Цена", "[3]",
// "Товары") and rendered outermost first ("Товары[3].Цена").
type pathError struct {
	rev    []string
	reason string
	cause  error
}

func (e *pathError) Error() string {
	p := e.path()
	if p == "" {
		return e.reason
	}
	return "field " + p + ": " + e.reason
}

func (e *pathError) Unwrap() error { return e.cause }

func (e *pathError) path() string {
	var b strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		el := e.rev[i]
		if b.Len() > 0 && !strings.HasPrefix(el, "[") {
			b.WriteByte('.')
		}
		b.WriteString(el)
	}
	return b.String()
}

func fail(reason string, cause error) error { return &pathError{reason: reason, cause: cause} }

// at records that err happened inside the path element el.
func at(err error, el string) error {
	var pe *pathError
	if errors.As(err, &pe) {
		pe.rev = append(pe.rev, el)
		return pe
	}
	return &pathError{rev: []string{el}, reason: err.Error(), cause: err}
}

// dataError turns an internal error into a *converters.DataError for topic.
func dataError(topic, what string, err error) error {
	var de *converters.DataError
	if errors.As(err, &de) {
		return de
	}
	var pe *pathError
	if errors.As(err, &pe) {
		return &converters.DataError{Topic: topic, Reason: what + ": " + pe.Error(), Err: pe.cause}
	}
	return &converters.DataError{Topic: topic, Reason: what, Err: err}
}
