package uuid1c

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every parsing error of this package.
var ErrInvalid = errors.New("invalid 1C UUID")

// UUID is a UUID in RFC 4122 byte order: the bytes of its canonical string.
type UUID [16]byte

// Nil is the zero UUID, 1C's empty reference.
var Nil UUID

// Parse parses a canonical UUID string "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
// (either case).
func Parse(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("%w: %q is not in 8-4-4-4-12 form", ErrInvalid, clip(s))
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, fmt.Errorf("%w: %q has a non-hex digit", ErrInvalid, clip(s))
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, nil
}

// MustParse is Parse for constants known to be valid; it panics otherwise.
func MustParse(s string) UUID {
	u, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// String returns the lower-case canonical form.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// IsNil reports whether u is the zero UUID.
func (u UUID) IsNil() bool { return u == Nil }

// FromDB converts 16 bytes in 1C's database order to a UUID.
func FromDB(db [16]byte) UUID {
	var u UUID
	copy(u[0:4], db[12:16])
	copy(u[4:6], db[10:12])
	copy(u[6:8], db[8:10])
	copy(u[8:10], db[0:2])
	copy(u[10:16], db[2:8])
	return u
}

// DB returns u in 1C's database byte order.
func (u UUID) DB() [16]byte {
	var db [16]byte
	copy(db[0:2], u[8:10])
	copy(db[2:8], u[10:16])
	copy(db[8:10], u[6:8])
	copy(db[10:12], u[4:6])
	copy(db[12:16], u[0:4])
	return db
}

// UUIDFromBinary1C converts a binary(16)/bytea value in 1C's database order
// to the canonical lower-case UUID string.
func UUIDFromBinary1C(b []byte) (string, error) {
	if len(b) != 16 {
		return "", fmt.Errorf("%w: want 16 bytes, got %d", ErrInvalid, len(b))
	}
	return FromDB([16]byte(b)).String(), nil
}

// UUIDToBinary1C converts a canonical UUID string to the 16 bytes 1C stores.
func UUIDToBinary1C(s string) ([]byte, error) {
	u, err := Parse(s)
	if err != nil {
		return nil, err
	}
	db := u.DB()
	return db[:], nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
