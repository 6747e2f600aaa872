package runtime

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/config"
)

// TestWorkerConfigLogLevel: log.level is a declared worker key: INFO by
// default, any case of a level name accepted, anything else refused by
// the normal validation with the key and the value named.
func TestWorkerConfigLogLevel(t *testing.T) {
	base := map[string]string{KeyKeyConverter: "RawString", KeyValueConverter: "RawString"}
	tests := []struct {
		name, value string // value "" = key absent
		want        string // parsed level, or "" for an error
	}{
		{"default", "", "INFO"},
		{"upper", "DEBUG", "DEBUG"},
		{"lower", "trace", "trace"},
		{"off", "OFF", "OFF"},
		{"unknown", "LOUD", ""},
		{"empty", " ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for k, v := range base {
				props[k] = v
			}
			if tc.value != "" {
				props[KeyLogLevel] = tc.value
			}
			wc, err := ParseWorkerConfig(props)
			if tc.want == "" {
				var ve *config.ValidationError
				if !errors.As(err, &ve) || len(ve.Errors[KeyLogLevel]) == 0 {
					t.Fatalf("error %v, want a validation error of %s", err, KeyLogLevel)
				}
				if msg := strings.Join(ve.Messages(), "; "); !strings.Contains(msg, KeyLogLevel) || !strings.Contains(msg, strings.TrimSpace(tc.value)) {
					t.Fatalf("message %q does not name the key and the value", msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := wc.Values.String(KeyLogLevel); got != tc.want {
				t.Fatalf("log.level = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWorkerConfigDeclaresRESTSecurityKeys: the REST security keys the
// worker binary reads are declared (so the reference documents them),
// while their prefixes stay pass-through (the binary names unknown keys),
// and declaring them does not make them appear as given.
func TestWorkerConfigDeclaresRESTSecurityKeys(t *testing.T) {
	d := WorkerConfigDef()
	for _, k := range []string{KeyLogLevel, "rest.auth", "rest.auth.basic.users.file", "rest.auth.basic.users",
		"rest.auth.bearer.tokens.file", "rest.auth.mtls.ca.file", "rest.auth.mtls.principals", "rest.auth.mtls.default.role",
		"rest.auth.health.open", "rest.auth.metrics.open", "listeners.https.ssl.certificate.location",
		"listeners.https.ssl.key.location", "admin.listeners.https.ssl.certificate.location", "admin.listeners.https.ssl.key.location"} {
		key, ok := d.Key(k)
		if !ok {
			t.Errorf("%s is not declared", k)
			continue
		}
		if strings.TrimSpace(key.Doc) == "" {
			t.Errorf("%s has no doc", k)
		}
	}
	wc, err := ParseWorkerConfig(map[string]string{KeyKeyConverter: "RawString", KeyValueConverter: "RawString",
		"rest.auth.basic.user.file": "typo", "listeners.https.ssl.keystore.location": "/x.jks"})
	if err != nil {
		t.Fatalf("unknown keys under the pass-through prefixes refused: %v", err)
	}
	if got := wc.Values.WithPrefix("rest.auth."); len(got) != 1 || got["basic.user.file"] != "typo" {
		t.Errorf("rest.auth.* as given = %v, want only the typo", got)
	}
	if got := wc.Values.WithPrefix("listeners.https."); len(got) != 1 {
		t.Errorf("listeners.https.* as given = %v, want only the keystore key", got)
	}
}
