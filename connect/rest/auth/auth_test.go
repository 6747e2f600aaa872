package auth

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/rest/auth/authtest"
	"golang.org/x/crypto/bcrypt"
)

func hash(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// check runs Authenticate and compares the outcome: the principal on
// success, else the status and message.
func check(t *testing.T, a Authenticator, r *http.Request, wantName string, wantRole Role, wantStatus int, wantMsg string) {
	t.Helper()
	p, err := a.Authenticate(r)
	if wantStatus == 0 {
		if err != nil {
			t.Fatalf("want %s/%s, got error %v", wantName, wantRole, err)
		}
		if p.Name != wantName || p.Role != wantRole {
			t.Fatalf("principal %+v, want %s/%s", p, wantName, wantRole)
		}
		return
	}
	var ae *Error
	if !errors.As(err, &ae) {
		t.Fatalf("want *Error %d, got %v (principal %+v)", wantStatus, err, p)
	}
	if ae.Status != wantStatus || ae.Message != wantMsg {
		t.Fatalf("got %d %q, want %d %q", ae.Status, ae.Message, wantStatus, wantMsg)
	}
	if wantStatus == http.StatusUnauthorized && a.Scheme() != "mtls" && ae.Challenge == "" {
		t.Errorf("401 without a challenge")
	}
}

func TestBasic(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	file := writeFile(t, "users", "# comment\n\nalice:"+hash(t, "alice-pw")+":admin\n"+
		"bob:"+hash(t, "bob-pw")+":readonly\n"+
		"carol:"+hash(t, "carol-pw")+":admin:2025-05-31T00:00:00Z\n"+
		"dave:"+hash(t, "dave-pw")+":readonly:2025-06-02T00:00:00+03:00\n")
	b, err := NewBasic(file, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		user, pass string // user "" = no header
		header     string // raw Authorization header instead
		wantName   string
		wantRole   Role
		status     int
		msg        string
	}{
		{name: "admin", user: "alice", pass: "alice-pw", wantName: "alice", wantRole: RoleAdmin},
		{name: "admin cached", user: "alice", pass: "alice-pw", wantName: "alice", wantRole: RoleAdmin},
		{name: "readonly", user: "bob", pass: "bob-pw", wantName: "bob", wantRole: RoleReadOnly},
		{name: "not yet expired", user: "dave", pass: "dave-pw", wantName: "dave", wantRole: RoleReadOnly},
		{name: "wrong password", user: "alice", pass: "bob-pw", status: 401, msg: MsgInvalid},
		{name: "unknown user", user: "mallory", pass: "alice-pw", status: 401, msg: MsgInvalid},
		{name: "empty password", user: "alice", pass: "", status: 401, msg: MsgInvalid},
		{name: "missing", status: 401, msg: MsgMissing},
		{name: "bearer instead", header: "Bearer alice-pw", status: 401, msg: MsgMissing},
		{name: "malformed", header: "Basic !!!", status: 401, msg: MsgMissing},
		{name: "expired", user: "carol", pass: "carol-pw", status: 401, msg: MsgExpired},
		{name: "expired wrong password", user: "carol", pass: "x", status: 401, msg: MsgInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/connectors", nil)
			if tc.user != "" {
				r.SetBasicAuth(tc.user, tc.pass)
			}
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			check(t, b, r, tc.wantName, tc.wantRole, tc.status, tc.msg)
		})
	}
}

func TestBasicReload(t *testing.T) {
	file := writeFile(t, "users", "alice:"+hash(t, "old-pw")+":admin\n")
	b, err := NewBasic(file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := func(pw string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetBasicAuth("alice", pw)
		return r
	}
	check(t, b, req("old-pw"), "alice", RoleAdmin, 0, "")
	if err := os.WriteFile(file, []byte("alice:"+hash(t, "new-password")+":readonly\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(ReloadInterval + 100*time.Millisecond)
	check(t, b, req("old-pw"), "", 0, 401, MsgInvalid) // the cache went with the old file
	check(t, b, req("new-password"), "alice", RoleReadOnly, 0, "")
	// A broken file keeps the last good users.
	if err := os.WriteFile(file, []byte("alice:not-a-hash:admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(ReloadInterval + 100*time.Millisecond)
	check(t, b, req("new-password"), "alice", RoleReadOnly, 0, "")
}

func TestBasicFromList(t *testing.T) {
	b, err := NewBasicFromList("alice:"+hash(t, "pw-a")+":admin, bob:"+hash(t, "pw-b")+":readonly", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth("bob", "pw-b")
	check(t, b, r, "bob", RoleReadOnly, 0, "")
}

func TestParseErrorsHideSecrets(t *testing.T) {
	const secret = "Sup3r-S3cret-Token-Value"
	for _, tc := range []struct {
		name  string
		parse func() error
		want  string
	}{
		{"users no role", func() error { _, err := ParseUsers([]byte("u:"+secret), 0); return err }, "entry 1"},
		{"users bad hash", func() error { _, err := ParseUsers([]byte("u:"+secret+":admin"), 0); return err }, "not a bcrypt hash"},
		{"users bad role", func() error { _, err := ParseUsers([]byte("u:"+hash(t, "x")+":root"), 0); return err }, `role "root"`},
		{"users duplicate", func() error {
			h := hash(t, "x")
			_, err := ParseUsers([]byte("u:"+h+":admin\nu:"+h+":admin"), 0)
			return err
		}, "appears twice"},
		{"users empty", func() error { _, err := ParseUsers([]byte("# none\n"), 0); return err }, ErrNoCredentials.Error()},
		{"token bad role", func() error { _, err := ParseTokens([]byte(secret + ":root")); return err }, `role "root"`},
		{"token short", func() error { _, err := ParseTokens([]byte("short:admin")); return err }, "at least 16"},
		{"token no role", func() error { _, err := ParseTokens([]byte(secret)); return err }, "line 1"},
		{"token bad digest", func() error { _, err := ParseTokens([]byte("sha256:abcd:admin")); return err }, "64 hex"},
		{"token bad expiry", func() error { _, err := ParseTokens([]byte(secret + ":admin:tomorrow")); return err }, "RFC 3339"},
		{"token duplicate", func() error { _, err := ParseTokens([]byte(secret + ":admin\n" + secret + ":readonly")); return err }, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "$2a$") {
				t.Fatalf("error shows a secret: %v", err)
			}
		})
	}
}

func TestBearer(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	const admin, reader, old, hashed = "admin-token-0123456789", "reader-token-0123456789", "old-token-0123456789", "hashed-token-0123456789"
	d := sha256.Sum256([]byte(hashed))
	file := writeFile(t, "tokens", admin+":admin\n"+reader+":readonly:2026-01-01T00:00:00Z\n"+
		old+":admin:2025-06-01T12:00:00Z\n"+"sha256:"+hex.EncodeToString(d[:])+":readonly\n")
	b, err := NewBearer(file, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	name := func(tok string) string { s := sha256.Sum256([]byte(tok)); return "token-" + hex.EncodeToString(s[:4]) }
	for _, tc := range []struct {
		name     string
		header   string
		wantName string
		wantRole Role
		status   int
		msg      string
	}{
		{"admin", "Bearer " + admin, name(admin), RoleAdmin, 0, ""},
		{"lower-case scheme", "bearer " + admin, name(admin), RoleAdmin, 0, ""},
		{"readonly before expiry", "Bearer " + reader, name(reader), RoleReadOnly, 0, ""},
		{"sha256 entry", "Bearer " + hashed, name(hashed), RoleReadOnly, 0, ""},
		{"digest is not the token", "Bearer " + hex.EncodeToString(d[:]), "", 0, 401, MsgInvalid},
		{"wrong", "Bearer " + admin + "x", "", 0, 401, MsgInvalid},
		{"missing", "", "", 0, 401, MsgMissing},
		{"empty token", "Bearer ", "", 0, 401, MsgMissing},
		{"basic instead", "Basic YWRtaW46eA==", "", 0, 401, MsgMissing},
		{"expired at the instant", "Bearer " + old, "", 0, 401, MsgExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			check(t, b, r, tc.wantName, tc.wantRole, tc.status, tc.msg)
		})
	}
}

func TestMTLS(t *testing.T) {
	ca := authtest.NewCA(t, "clients")
	other := authtest.NewCA(t, "other")
	admin := ca.Issue(t, authtest.CertOptions{CommonName: "ops"})
	reader := ca.Issue(t, authtest.CertOptions{CommonName: "grafana"})
	unmapped := ca.Issue(t, authtest.CertOptions{CommonName: "stranger"})
	expired := ca.Issue(t, authtest.CertOptions{CommonName: "ops", NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})
	foreign := other.Issue(t, authtest.CertOptions{CommonName: "ops"})
	server := ca.Issue(t, authtest.CertOptions{CommonName: "ops", Server: true}) // no clientAuth usage
	roles, err := ParseCNRoles([]string{"ops:admin", " grafana:readonly "})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMTLS(MTLSOptions{CAFile: ca.File, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	req := func(is *authtest.Issued) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		if is == nil {
			r.TLS = &tls.ConnectionState{}
			return r
		}
		c, err := x509.ParseCertificate(is.TLS.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{c}}
		return r
	}
	check(t, m, req(admin), "ops", RoleAdmin, 0, "")
	check(t, m, req(reader), "grafana", RoleReadOnly, 0, "")
	check(t, m, req(unmapped), "stranger", RoleNone, 0, "")
	check(t, m, req(nil), "", 0, 401, "Client certificate required")
	check(t, m, httptest.NewRequest("GET", "/", nil), "", 0, 401, "Client certificate required")
	check(t, m, req(expired), "", 0, 401, "Client certificate has expired or is not yet valid")
	check(t, m, req(foreign), "", 0, 401, "Client certificate is not trusted")
	check(t, m, req(server), "", 0, 401, "Client certificate is not trusted")

	def, err := NewMTLS(MTLSOptions{CAFile: ca.File, DefaultRole: RoleReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	check(t, def, req(unmapped), "stranger", RoleReadOnly, 0, "")
	if _, err := ParseCNRoles([]string{"nocolon"}); err == nil {
		t.Error("ParseCNRoles accepted an entry without a role")
	}
}

func TestCertReloader(t *testing.T) {
	ca := authtest.NewCA(t, "srv")
	first := ca.Issue(t, authtest.CertOptions{CommonName: "first", Server: true})
	second := ca.Issue(t, authtest.CertOptions{CommonName: "second-with-a-longer-name", Server: true})
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	put := func(is *authtest.Issued) {
		if err := os.WriteFile(certFile, is.CertPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keyFile, is.KeyPEM, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	put(first)
	cr, err := NewCertReloader(certFile, keyFile, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cn := func() string {
		c, err := cr.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		x, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return x.Subject.CommonName
	}
	if got := cn(); got != "first" {
		t.Fatalf("CN %q", got)
	}
	put(second)
	deadline := time.Now().Add(5 * time.Second)
	for cn() != "second-with-a-longer-name" {
		if time.Now().After(deadline) {
			t.Fatal("certificate not reloaded within 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	tc := ServerTLSConfig(cr, true)
	if tc.MinVersion != tls.VersionTLS12 || tc.ClientAuth != tls.RequestClientCert {
		t.Errorf("TLS config: min %x, client auth %v", tc.MinVersion, tc.ClientAuth)
	}
	if _, err := NewCertReloader(certFile, "", Options{}); err == nil {
		t.Error("accepted a missing key file")
	}
	if _, err := NewCertReloader(keyFile, certFile, Options{}); err == nil {
		t.Error("accepted swapped files")
	}
}

func TestEnsureUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "rest-users")
	pw, created, err := EnsureUsersFile(path)
	if err != nil || !created || len(pw) != 24 {
		t.Fatalf("first: %q %v %v", pw, created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, err %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), pw) {
		t.Fatal("the users file holds the plain password")
	}
	a, err := NewBasic(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(GeneratedUser, pw)
	check(t, a, r, GeneratedUser, RoleAdmin, 0, "")
	pw2, created, err := EnsureUsersFile(path)
	if err != nil || created || pw2 != "" {
		t.Fatalf("second: %q %v %v", pw2, created, err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Fatal("the users file was rewritten")
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Role
		ok   bool
	}{{"admin", RoleAdmin, true}, {" ReadOnly ", RoleReadOnly, true}, {"read-only", RoleReadOnly, true}, {"none", RoleNone, true}, {"root", RoleNone, false}} {
		got, err := ParseRole(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseRole(%q) = %v, %v", tc.in, got, err)
		}
	}
	if !RoleAdmin.Allows(RoleReadOnly) || RoleReadOnly.Allows(RoleAdmin) || RoleNone.Allows(RoleReadOnly) {
		t.Error("role order")
	}
}
