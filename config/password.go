package config

import (
	"fmt"
	"log/slog"
)

// Password is a secret configuration value. It prints as [HiddenValue] in
// every form the standard library knows (String, GoString, every fmt verb,
// JSON, text marshalling, slog); only [Password.Value] returns the secret.
// Converting it with string(p) bypasses the protection: do that only where
// the secret is handed to the system that needs it.
type Password string

// Value returns the secret itself.
func (p Password) Value() string { return string(p) }

// String returns [HiddenValue].
func (p Password) String() string { return HiddenValue }

// GoString returns [HiddenValue] quoted, for %#v.
func (p Password) GoString() string { return `"` + HiddenValue + `"` }

// Format writes [HiddenValue] for every verb, so that %s, %v, %+v, %#v, %q,
// %x and the rest never show the secret.
func (p Password) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", HiddenValue)
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(p.GoString()))
			return
		}
		_, _ = f.Write([]byte(HiddenValue))
	default:
		_, _ = f.Write([]byte(HiddenValue))
	}
}

// MarshalJSON encodes the password as the JSON string "[hidden]".
func (p Password) MarshalJSON() ([]byte, error) {
	return []byte(`"` + HiddenValue + `"`), nil
}

// MarshalText returns [HiddenValue], for text-based encoders.
func (p Password) MarshalText() ([]byte, error) { return []byte(HiddenValue), nil }

// LogValue implements slog.LogValuer: the secret never reaches a log handler.
func (p Password) LogValue() slog.Value { return slog.StringValue(HiddenValue) }
