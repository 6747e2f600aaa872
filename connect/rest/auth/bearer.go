package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// BearerChallenge is the WWW-Authenticate value of bearer authentication.
const BearerChallenge = `Bearer realm="onec-connect"`

// MinTokenLength is the shortest plain token a tokens file may hold.
const MinTokenLength = 16

// sha256Prefix marks a token given as the hex SHA-256 of the token.
const sha256Prefix = "sha256:"

// Token is one entry of a bearer tokens file.
type Token struct {
	Digest  [32]byte // SHA-256 of the token
	Role    Role
	Expires time.Time // zero: never
}

// Name is the principal name of the token: "token-" and the first 8 hex
// digits of its digest (safe to log; it identifies the line).
func (t Token) Name() string { return "token-" + hex.EncodeToString(t.Digest[:4]) }

// ParseTokens parses bearer tokens, one per line:
//
//	token:role[:expires]
//	sha256:<64 hex digits>:role[:expires]
//
// A plain token (at least MinTokenLength characters, no ':' or spaces) is
// hashed on load; the sha256: form keeps the token itself out of the file
// (`printf %s "$TOKEN" | sha256sum`). role is admin or readonly, expires an
// optional RFC 3339 time. Blank lines and # comments are ignored. Errors
// name the line, never the token.
func ParseTokens(b []byte) ([]Token, error) {
	var out []Token
	seen := map[[32]byte]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxFileSize)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var t Token
		var rest string
		if strings.HasPrefix(line, sha256Prefix) {
			h, r, ok := strings.Cut(line[len(sha256Prefix):], ":")
			d, err := hex.DecodeString(h)
			if !ok || err != nil || len(d) != sha256.Size {
				return nil, fmt.Errorf("line %d: want sha256:<64 hex digits>:role[:expires]", n)
			}
			copy(t.Digest[:], d)
			rest = r
		} else {
			tok, r, ok := strings.Cut(line, ":")
			if !ok {
				return nil, fmt.Errorf("line %d: want token:role[:expires]", n)
			}
			if len(tok) < MinTokenLength || strings.ContainsAny(tok, " \t") {
				return nil, fmt.Errorf("line %d: a plain token needs at least %d characters and no spaces", n, MinTokenLength)
			}
			t.Digest = sha256.Sum256([]byte(tok))
			rest = r
		}
		role, exp, _ := strings.Cut(rest, ":")
		var err error
		if t.Role, err = ParseRole(role); err != nil || t.Role == RoleNone {
			return nil, fmt.Errorf("line %d: role %q: want admin or readonly", n, role)
		}
		if strings.TrimSpace(exp) != "" {
			if t.Expires, err = time.Parse(time.RFC3339, strings.TrimSpace(exp)); err != nil {
				return nil, fmt.Errorf("line %d: expiry %q is not an RFC 3339 time", n, exp)
			}
		}
		if seen[t.Digest] {
			return nil, fmt.Errorf("line %d: token %s appears twice", n, t.Name())
		}
		seen[t.Digest] = true
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	if len(out) == 0 {
		return nil, ErrNoCredentials
	}
	return out, nil
}

// Bearer authenticates "Authorization: Bearer <token>" against a tokens
// file.
type Bearer struct {
	tokens *reloading[[]Token]
	opts   Options
}

// NewBearer reads the tokens file (see ParseTokens) and re-reads it when
// it changes.
func NewBearer(path string, opts Options) (*Bearer, error) {
	r, err := newReloading("bearer tokens file", []string{path}, opts, func(c [][]byte) ([]Token, error) {
		t, err := ParseTokens(c[0])
		if err != nil {
			return nil, fmt.Errorf("bearer tokens file %s: %w", path, err)
		}
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return &Bearer{tokens: r, opts: opts}, nil
}

// Scheme implements Authenticator.
func (b *Bearer) Scheme() string { return "bearer" }

// Authenticate implements Authenticator. The presented token's digest is
// compared with every entry in constant time.
func (b *Bearer) Authenticate(r *http.Request) (Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return Principal{}, Unauthorized(BearerChallenge, MsgMissing)
	}
	d := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	var found Token
	hit := false
	for _, t := range b.tokens.get() {
		if constantTimeEqual(d[:], t.Digest[:]) {
			found, hit = t, true
		}
	}
	if !hit {
		return Principal{}, Unauthorized(BearerChallenge+`, error="invalid_token"`, MsgInvalid)
	}
	if !found.Expires.IsZero() && !b.opts.now().Before(found.Expires) {
		return Principal{}, Unauthorized(BearerChallenge+`, error="invalid_token"`, MsgExpired)
	}
	return Principal{Name: found.Name(), Role: found.Role}, nil
}
