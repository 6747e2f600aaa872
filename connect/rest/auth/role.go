package auth

import (
	"fmt"
	"strings"
)

// Role is what a principal may do. Roles are ordered: RoleAdmin includes
// everything RoleReadOnly may do.
type Role int

// Roles.
const (
	// RoleNone may do nothing but reach open endpoints (an authenticated
	// principal without a role, e.g. a client certificate whose CN is not
	// mapped).
	RoleNone Role = iota
	// RoleReadOnly may call the GET endpoints (connectors, statuses,
	// configs with passwords masked, plugins, metrics).
	RoleReadOnly
	// RoleAdmin may also create, change, delete, pause, restart, alter
	// offsets and read or set logger levels.
	RoleAdmin
)

// Role names as written in credentials files and worker keys.
const (
	RoleNameNone     = "none"
	RoleNameReadOnly = "readonly"
	RoleNameAdmin    = "admin"
)

// String returns the role's name.
func (r Role) String() string {
	switch r {
	case RoleReadOnly:
		return RoleNameReadOnly
	case RoleAdmin:
		return RoleNameAdmin
	}
	return RoleNameNone
}

// Allows reports whether r includes need.
func (r Role) Allows(need Role) bool { return r >= need }

// ParseRole parses admin, readonly (also read-only, read_only) or none,
// case-insensitively.
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case RoleNameAdmin:
		return RoleAdmin, nil
	case RoleNameReadOnly, "read-only", "read_only":
		return RoleReadOnly, nil
	case RoleNameNone:
		return RoleNone, nil
	}
	return RoleNone, fmt.Errorf("unknown role %q (want admin or readonly)", s)
}

// Principal is an authenticated caller.
type Principal struct {
	// Name is the user name, the certificate's common name, or
	// "token-<8 hex digits of its SHA-256>" for bearer tokens; safe to log.
	Name string
	// Role is what the principal may do.
	Role Role
}
