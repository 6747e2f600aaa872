package main

import (
	"bytes"
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
	"github.com/onecconnect/onecconnect/connect/rest/auth/authtest"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

func workerConfig(t *testing.T, extra map[string]string) *runtime.WorkerConfig {
	t.Helper()
	props := map[string]string{"bootstrap.servers": "127.0.0.1:1", "key.converter": "StringConverter",
		"value.converter": "StringConverter", "listeners": "http://127.0.0.1:0"}
	for k, v := range extra {
		props[k] = v
	}
	wc, err := runtime.ParseWorkerConfig(props)
	if err != nil {
		t.Fatal(err)
	}
	return wc
}

func TestParseRESTListeners(t *testing.T) {
	ls, err := parseRESTListeners("listeners", []string{"http://127.0.0.1:8083", " HTTPS://[::1]:8443 ", ""})
	if err != nil || len(ls) != 2 || ls[0] != (listener{"http", "127.0.0.1:8083"}) || ls[1] != (listener{"https", "[::1]:8443"}) {
		t.Fatalf("%+v %v", ls, err)
	}
	for _, bad := range []string{"ftp://:21", "http://host", "http://:99999", "127.0.0.1:8083"} {
		if _, err := parseRESTListeners("listeners", []string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := parseListeners("listeners", []string{"https://:8443"}); err == nil {
		t.Error("parseListeners accepted https (its callers would serve plain HTTP)")
	}
}

// TestGeneratedCredentials: the default mode is basic; the first start
// generates an admin password, prints it once and stores only its hash.
func TestGeneratedCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data", "rest-users")
	wc := workerConfig(t, nil)
	main := []listener{{"http", "127.0.0.1:0"}}
	var console bytes.Buffer
	rs, err := newRESTSecurity(wc, main, nil, restSecurityOptions{DefaultUsersFile: file, Console: &console})
	if err != nil {
		t.Fatal(err)
	}
	if rs.mode != authBasic || rs.auth == nil {
		t.Fatalf("mode %q auth %v", rs.mode, rs.auth)
	}
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(console.String())
	if m == nil || !strings.Contains(console.String(), "curl -u admin:"+m[1]) {
		t.Fatalf("console: %s", console.String())
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth("admin", m[1])
	if p, err := rs.auth.Authenticate(r); err != nil || p.Role != auth.RoleAdmin {
		t.Fatalf("generated credentials rejected: %v", err)
	}
	console.Reset()
	if _, err := newRESTSecurity(wc, main, nil, restSecurityOptions{DefaultUsersFile: file, Console: &console}); err != nil {
		t.Fatal(err)
	}
	if console.Len() != 0 {
		t.Fatalf("credentials printed again: %s", console.String())
	}
	if got := defaultUsersFile("/var/lib/onec/offsets.dat"); got != "/var/lib/onec/rest-users" {
		t.Errorf("defaultUsersFile = %q", got)
	}
}

func TestRESTSecurityConfig(t *testing.T) {
	ca := authtest.NewCA(t, "rest")
	srv := ca.Issue(t, authtest.CertOptions{CommonName: "worker", Server: true})
	tokens := writeFile(t, t.TempDir(), "tokens", "a-long-enough-token-123:admin\n")
	https := []listener{{"https", "127.0.0.1:0"}}
	http1 := []listener{{"http", "127.0.0.1:0"}}
	tlsKeys := map[string]string{"listeners.https.ssl.certificate.location": srv.CertFile, "listeners.https.ssl.key.location": srv.KeyFile}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		props   map[string]string
		main    []listener
		wantErr string
		check   func(t *testing.T, rs *restSecurity)
	}{
		{"none warns", with(nil, "rest.auth", "none"), http1, "", func(t *testing.T, rs *restSecurity) {
			if rs.auth != nil {
				t.Error("auth set for none")
			}
		}},
		{"basic without users and no default", nil, http1, "rest.auth.basic.users.file or rest.auth.basic.users is required", nil},
		{"basic from list", with(nil, "rest.auth.basic.users", "ops:plain-password:admin"), http1, "not a bcrypt hash", nil},
		{"bearer", with(nil, "rest.auth", "bearer", "rest.auth.bearer.tokens.file", tokens, "rest.auth.health.open", "false",
			"rest.auth.metrics.open", "true"), http1, "", func(t *testing.T, rs *restSecurity) {
			var o rest.Options
			rs.apply(&o)
			if o.Auth == nil || o.Auth.Scheme() != "bearer" || !o.HealthAuth || !o.MetricsOpen {
				t.Errorf("options %+v", o)
			}
		}},
		{"bearer without file", with(nil, "rest.auth", "bearer"), http1, "needs rest.auth.bearer.tokens.file", nil},
		{"unknown mode", with(nil, "rest.auth", "kerberos"), http1, `rest.auth "kerberos"`, nil},
		{"unknown key", with(nil, "rest.auth", "none", "rest.auth.basic.user.file", "x"), http1, "rest.auth.basic.user.file: unknown key", nil},
		{"bad bool", with(nil, "rest.auth", "none", "rest.auth.health.open", "yes please"), http1, "want true or false", nil},
		{"mtls over http", with(nil, "rest.auth", "mtls", "rest.auth.mtls.ca.file", ca.File), http1, "need https listeners", nil},
		{"mtls", with(tlsKeys, "rest.auth", "mtls", "rest.auth.mtls.ca.file", ca.File, "rest.auth.mtls.principals", "ops:admin,grafana:readonly",
			"rest.auth.mtls.default.role", "readonly"), https, "", func(t *testing.T, rs *restSecurity) {
			if rs.mainTLS == nil || rs.mainTLS.ClientAuth != tls.RequestClientCert || rs.auth.Scheme() != "mtls" {
				t.Errorf("mtls settings: %+v", rs)
			}
		}},
		{"mtls bad principal", with(tlsKeys, "rest.auth", "mtls", "rest.auth.mtls.ca.file", ca.File, "rest.auth.mtls.principals", "ops:root"), https, "unknown role", nil},
		{"https without cert", with(nil, "rest.auth", "none"), https, "listeners.https.ssl.certificate.location and listeners.https.ssl.key.location are required", nil},
		{"https keystore", with(tlsKeys, "rest.auth", "none", "listeners.https.ssl.keystore.location", "/x.jks"), https, "listeners.https.ssl.keystore.location: not supported", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			rs, err := newRESTSecurity(workerConfig(t, tc.props), tc.main, nil, restSecurityOptions{
				Console: io.Discard, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, rs)
			}
			if rs.mode == authNone && !strings.Contains(logs.String(), "REST AUTHENTICATION IS OFF") {
				t.Errorf("no warning for rest.auth=none: %s", logs.String())
			}
		})
	}
}

// TestHTTPSListener opens an https listener from the worker keys and
// talks to it with a client trusting the test CA.
func TestHTTPSListener(t *testing.T) {
	ca := authtest.NewCA(t, "rest")
	srv := ca.Issue(t, authtest.CertOptions{CommonName: "worker", Server: true})
	wc := workerConfig(t, map[string]string{"rest.auth": "none", "listeners": "https://127.0.0.1:0",
		"listeners.https.ssl.certificate.location": srv.CertFile, "listeners.https.ssl.key.location": srv.KeyFile})
	main, err := parseRESTListeners("listeners", wc.Values.List("listeners"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := newRESTSecurity(wc, main, nil, restSecurityOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := rs.listen("listeners", main, false)
	if err != nil {
		t.Fatal(err)
	}
	u := listenerURL(ls[0])
	if !strings.HasPrefix(u, "https://127.0.0.1:") {
		t.Fatalf("URL %s", u)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ls[0])
	defer hs.Close()
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	resp, err := c.Get(u + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("TLS state %+v", resp.TLS)
	}
}
