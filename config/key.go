package config

import (
	"fmt"
	"strings"
)

// Key declares one configuration key (Kafka's ConfigDef.ConfigKey).
//
// Default is given as a Go value of the key's type (string, int, bool,
// []string, time.Duration, Password, ...) or as a string in the syntax users
// write; Define converts it to the canonical type (see [Values.Get]) and
// checks it with Validator. Required means the key has no default: Default
// must then be nil. A key that is neither Required nor has a Default is
// optional with a null default.
//
// Zero values are filled in by Define: Importance MEDIUM, Width NONE,
// DisplayName = Name, and OrderInGroup = the key's 1-based position in its
// Group (or -1 when Group is empty, as in Kafka).
type Key struct {
	Name         string
	Type         Type
	Default      any
	Required     bool
	Validator    Validator
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	Width        Width
	DisplayName  string
	Dependents   []string
}

func (k Key) clone() Key {
	k.Dependents = append([]string(nil), k.Dependents...)
	if l, ok := k.Default.([]string); ok {
		k.Default = append([]string{}, l...)
	}
	return k
}

// normalize validates a key definition and fills in defaults. It returns an
// error for programming mistakes; Define turns it into a panic.
func (k Key) normalize() (Key, error) {
	if strings.TrimSpace(k.Name) == "" || k.Name != strings.TrimSpace(k.Name) {
		return k, fmt.Errorf("config: key name %q must be non-empty without surrounding spaces", k.Name)
	}
	if !k.Type.Valid() {
		return k, fmt.Errorf("config: key %q: unknown type %q", k.Name, k.Type)
	}
	if k.Importance == "" {
		k.Importance = ImportanceMedium
	}
	if !k.Importance.Valid() {
		return k, fmt.Errorf("config: key %q: unknown importance %q", k.Name, k.Importance)
	}
	if k.Width == "" {
		k.Width = WidthNone
	}
	if !k.Width.Valid() {
		return k, fmt.Errorf("config: key %q: unknown width %q", k.Name, k.Width)
	}
	if k.DisplayName == "" {
		k.DisplayName = k.Name
	}
	if tc, ok := k.Validator.(typeChecker); ok && !tc.supports(k.Type) {
		return k, fmt.Errorf("config: key %q: validator %s does not apply to type %s", k.Name, k.Validator, k.Type)
	}
	if k.Required {
		if k.Default != nil {
			return k, fmt.Errorf("config: key %q is Required but has a Default", k.Name)
		}
		return k.clone(), nil
	}
	if k.Default != nil {
		v, err := convertDefault(k.Type, k.Default)
		if err != nil {
			return k, fmt.Errorf("config: key %q: invalid default: %w", k.Name, err)
		}
		if k.Validator != nil {
			if err := k.Validator.Validate(k.Name, v); err != nil {
				return k, fmt.Errorf("config: key %q: invalid default: %w", k.Name, err)
			}
		}
		k.Default = v
	}
	return k.clone(), nil
}

// DefaultString is the default in its string form as the REST API shows it
// (default_value): lists comma-joined, passwords [hidden], ok=false when the
// key is required or its default is null.
func (k Key) DefaultString() (string, bool) {
	if k.Required {
		return "", false
	}
	return formatValue(k.Default)
}
