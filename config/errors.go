package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrInvalidConfig is matched by every *ValidationError.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrUnknownProvider is wrapped by a *ResolveError whose reference names
	// a provider the Resolver does not have.
	ErrUnknownProvider = errors.New("unknown config provider")
	// ErrNotFound is wrapped by a *ResolveError when a provider has no value
	// for the referenced key (unset variable, missing key or file).
	ErrNotFound = errors.New("config provider has no value")
)

// InvalidValueError is one validation failure of one key. Its message has
// Kafka's ConfigException wording:
//
//	Invalid value <value> for configuration <key>: <reason>
//
// Value is already masked ([HiddenValue]) for passwords.
type InvalidValueError struct {
	Key    string
	Value  string
	Reason string
}

// Error implements error.
func (e *InvalidValueError) Error() string {
	msg := "Invalid value " + e.Value + " for configuration " + e.Key
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// ValidationError lists every failing key of a Parse, each with one or more
// messages in Kafka's wording. It matches [ErrInvalidConfig] with errors.Is.
// Messages never contain password values.
type ValidationError struct {
	Errors map[string][]string
}

// Keys returns the failing keys, sorted.
func (e *ValidationError) Keys() []string {
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Messages returns every message, ordered by key (the order of the lines in
// Kafka's "Connector configuration is invalid" 400 response).
func (e *ValidationError) Messages() []string {
	var out []string
	for _, k := range e.Keys() {
		out = append(out, e.Errors[k]...)
	}
	return out
}

// Count is the total number of messages.
func (e *ValidationError) Count() int {
	n := 0
	for _, m := range e.Errors {
		n += len(m)
	}
	return n
}

// Error lists every failing key and reason on one line.
func (e *ValidationError) Error() string {
	msgs := e.Messages()
	return fmt.Sprintf("invalid configuration, %d error(s): %s", len(msgs), strings.Join(msgs, "; "))
}

// Is makes errors.Is(err, ErrInvalidConfig) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidConfig }

// ResolveError reports a config-provider reference that could not be
// resolved. It names the configuration key and the reference as written,
// never a resolved value.
type ResolveError struct {
	Key       string // configuration key whose value holds the reference
	Reference string // the reference as written, e.g. ${env:DB_PASSWORD}
	Err       error  // wraps ErrUnknownProvider, ErrNotFound or a provider's error
}

// Error implements error.
func (e *ResolveError) Error() string {
	return fmt.Sprintf("configuration %s: cannot resolve %s: %v", e.Key, e.Reference, e.Err)
}

// Unwrap returns the cause.
func (e *ResolveError) Unwrap() error { return e.Err }
