package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// BasicChallenge is the WWW-Authenticate value of basic authentication.
const BasicChallenge = `Basic realm="onec-connect", charset="UTF-8"`

// maxCached bounds the cache of verified basic credentials.
const maxCached = 256

// User is one entry of a basic users file.
type User struct {
	Name    string
	Hash    []byte // bcrypt
	Role    Role
	Expires time.Time // zero: never
}

// ParseUsers parses basic users, one per line:
//
//	name:bcrypt-hash:role[:expires]
//
// role is admin or readonly, expires an optional RFC 3339 time; blank
// lines and lines starting with # are ignored. sep splits entries besides
// newlines (',' for a users list given in a worker key; 0 for none).
// Errors name the line, never its hash.
func ParseUsers(b []byte, sep rune) ([]User, error) {
	var out []User
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxFileSize)
	n := 0
	for sc.Scan() {
		entries := []string{sc.Text()}
		if sep != 0 {
			entries = strings.FieldsFunc(sc.Text(), func(r rune) bool { return r == sep })
		}
		for _, line := range entries {
			n++
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.SplitN(line, ":", 4)
			if len(f) < 3 {
				return nil, fmt.Errorf("entry %d: want name:bcrypt-hash:role[:expires]", n)
			}
			u := User{Name: f[0], Hash: []byte(f[1])}
			if u.Name == "" {
				return nil, fmt.Errorf("entry %d: empty user name", n)
			}
			if seen[u.Name] {
				return nil, fmt.Errorf("entry %d: user %q appears twice", n, u.Name)
			}
			seen[u.Name] = true
			if _, err := bcrypt.Cost(u.Hash); err != nil {
				return nil, fmt.Errorf("entry %d (user %q): not a bcrypt hash", n, u.Name)
			}
			var err error
			if u.Role, err = ParseRole(f[2]); err != nil || u.Role == RoleNone {
				return nil, fmt.Errorf("entry %d (user %q): role %q: want admin or readonly", n, u.Name, f[2])
			}
			if len(f) == 4 && strings.TrimSpace(f[3]) != "" {
				if u.Expires, err = time.Parse(time.RFC3339, strings.TrimSpace(f[3])); err != nil {
					return nil, fmt.Errorf("entry %d (user %q): expiry %q is not an RFC 3339 time", n, u.Name, f[3])
				}
			}
			out = append(out, u)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	if len(out) == 0 {
		return nil, ErrNoCredentials
	}
	return out, nil
}

// basicUsers is a parsed users set with its cache of verified
// credentials (dropped with the set on reload).
type basicUsers struct {
	byName map[string]User
	mu     sync.Mutex
	ok     map[[32]byte]bool
}

func newBasicUsers(users []User) *basicUsers {
	m := make(map[string]User, len(users))
	for _, u := range users {
		m[u.Name] = u
	}
	return &basicUsers{byName: m, ok: map[[32]byte]bool{}}
}

// Basic authenticates HTTP basic credentials against bcrypt hashes.
type Basic struct {
	users *reloading[*basicUsers]
	opts  Options
	salt  [32]byte
	dummy []byte // hash compared for unknown users, so that timing does not tell them apart
}

// NewBasic reads the users file (see ParseUsers) and re-reads it when it
// changes.
func NewBasic(path string, opts Options) (*Basic, error) {
	r, err := newReloading("basic users file", []string{path}, opts, func(c [][]byte) (*basicUsers, error) {
		users, err := ParseUsers(c[0], 0)
		if err != nil {
			return nil, fmt.Errorf("basic users file %s: %w", path, err)
		}
		return newBasicUsers(users), nil
	})
	if err != nil {
		return nil, err
	}
	return newBasic(r, opts)
}

// NewBasicFromList builds a Basic from a users list (entries separated by
// commas or newlines), typically a worker key filled by a config provider
// such as ${env:CONNECT_REST_USERS}. The list is not reloaded.
func NewBasicFromList(list string, opts Options) (*Basic, error) {
	users, err := ParseUsers([]byte(list), ',')
	if err != nil {
		return nil, fmt.Errorf("basic users list: %w", err)
	}
	r := &reloading[*basicUsers]{value: newBasicUsers(users), next: time.Unix(1<<62, 0)}
	return newBasic(r, opts)
}

func newBasic(r *reloading[*basicUsers], opts Options) (*Basic, error) {
	b := &Basic{users: r, opts: opts}
	if _, err := rand.Read(b.salt[:]); err != nil {
		return nil, fmt.Errorf("basic auth: random salt: %w", err)
	}
	var err error
	if b.dummy, err = bcrypt.GenerateFromPassword(b.salt[:16], bcrypt.DefaultCost); err != nil {
		return nil, fmt.Errorf("basic auth: dummy hash: %w", err)
	}
	return b, nil
}

// Scheme implements Authenticator.
func (b *Basic) Scheme() string { return "basic" }

// Authenticate implements Authenticator. A verified name and password
// pair is cached (as a salted SHA-256) until the users file changes, so
// that polling clients do not pay a bcrypt comparison per request.
func (b *Basic) Authenticate(r *http.Request) (Principal, error) {
	name, pass, ok := r.BasicAuth()
	if !ok {
		return Principal{}, Unauthorized(BasicChallenge, MsgMissing)
	}
	set := b.users.get()
	u, known := set.byName[name]
	key := b.cacheKey(name, pass)
	set.mu.Lock()
	cached := set.ok[key]
	set.mu.Unlock()
	if !cached {
		hash := b.dummy
		if known {
			hash = u.Hash
		}
		match := bcrypt.CompareHashAndPassword(hash, []byte(pass)) == nil
		if !known || !match {
			return Principal{}, Unauthorized(BasicChallenge, MsgInvalid)
		}
		set.mu.Lock()
		if len(set.ok) >= maxCached {
			clear(set.ok)
		}
		set.ok[key] = true
		set.mu.Unlock()
	}
	if !u.Expires.IsZero() && !b.opts.now().Before(u.Expires) {
		return Principal{}, Unauthorized(BasicChallenge, MsgExpired)
	}
	return Principal{Name: u.Name, Role: u.Role}, nil
}

func (b *Basic) cacheKey(name, pass string) [32]byte {
	h := sha256.New()
	h.Write(b.salt[:])
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(pass))
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

// constantTimeEqual compares two digests in constant time.
func constantTimeEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
