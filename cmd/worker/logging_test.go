package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestLogRedaction checks the binary's log handler scrubs credentials
// that reach a log line despite the runtime's masking.
func TestLogRedaction(t *testing.T) {
	const pw = "Pa55-Секрет-w0rd"
	for _, tc := range []struct {
		name string
		log  func(logf func(msg string, args ...any))
		keep string // a part that must remain
	}{
		{"secret key", func(l func(string, ...any)) { l("connecting", "database.password", pw) }, "connecting"},
		{"jaas key", func(l func(string, ...any)) {
			l("client", "sasl.jaas.config", `PlainLoginModule required username="u" password="`+pw+`";`)
		}, "client"},
		{"config map", func(l func(string, ...any)) {
			l("config", "props", map[string]string{"database.password": pw, "database.user": "app"})
		}, "database.user:app"},
		{"URL in error", func(l func(string, ...any)) {
			l("task failed", "err", errors.New("dial postgres://app:"+pw+"@127.0.0.1:5432/erp: refused"))
		}, "postgres://app:[hidden]@127.0.0.1:5432/erp"},
		{"DSN in string", func(l func(string, ...any)) {
			l("open", "dsn", "sqlserver://sa@db?database=erp;password="+pw+";encrypt=true")
		}, "encrypt=true"},
		{"quoted JAAS in error", func(l func(string, ...any)) {
			l("sasl", "err", errors.New(`bad jaas password="`+pw+`"; retry`))
		}, "retry"},
		{"message", func(l func(string, ...any)) { l("login with token: " + pw) }, "login with token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger, _, err := newLogging(&buf, "INFO")
			if err != nil {
				t.Fatal(err)
			}
			tc.log(logger.Info)
			out := buf.String()
			if strings.Contains(out, pw) || strings.Contains(out, "Pa55") {
				t.Fatalf("secret in log line: %s", out)
			}
			if !strings.Contains(out, tc.keep) {
				t.Fatalf("log line lost %q: %s", tc.keep, out)
			}
		})
	}
}
