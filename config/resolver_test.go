package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReferences(t *testing.T) {
	got := References("a ${env:HOME} b ${file:/etc/x.properties:db.password} ${directory:/run/secrets:pw} ${nocolon} ${p::k}")
	want := []Reference{
		{Text: "${env:HOME}", Provider: "env", Key: "HOME"},
		{Text: "${file:/etc/x.properties:db.password}", Provider: "file", Path: "/etc/x.properties", Key: "db.password"},
		{Text: "${directory:/run/secrets:pw}", Provider: "directory", Path: "/run/secrets", Key: "pw"},
		{Text: "${p::k}", Provider: "p", Path: "", Key: "k"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("References =\n%+v\nwant\n%+v", got, want)
	}
}

func TestResolveEnvFileDirectory(t *testing.T) {
	dir := t.TempDir()
	props := writeFile(t, dir, "secrets.properties", "db.password=file-secret\nother=o\n")
	secrets := filepath.Join(dir, "run")
	if err := os.Mkdir(secrets, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, secrets, "token", "dir-secret")
	t.Setenv("ONEC_TEST_USER", "user1")

	in := map[string]string{
		"database.user":     "${env:ONEC_TEST_USER}",
		"database.password": "${file:" + props + ":db.password}",
		"auth.token":        "${directory:" + secrets + ":token}",
		"mixed":             "u=${env:ONEC_TEST_USER};o=${file:" + props + ":other}",
		"topic.template":    "${prefix}.${field:Имя}",
		"plain":             "no references",
	}
	got, err := DefaultResolver().Resolve(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"database.user":     "user1",
		"database.password": "file-secret",
		"auth.token":        "dir-secret",
		"mixed":             "u=user1;o=o",
		"topic.template":    "${prefix}.${field:Имя}",
		"plain":             "no references",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve =\n%v\nwant\n%v", got, want)
	}
	if in["database.password"] != "${file:"+props+":db.password}" {
		t.Error("Resolve modified its input")
	}
}

func TestResolveErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	props := writeFile(t, dir, "s.properties", "present=secret-value\n")
	tests := []struct {
		name, key, value string
		is               error
		want             string
	}{
		{"unset env", "database.user", "${env:ONEC_TEST_SURELY_UNSET}", ErrNotFound, `configuration database.user: cannot resolve ${env:ONEC_TEST_SURELY_UNSET}`},
		{"unknown provider", "database.password", "${vault:secret/db:pw}", ErrUnknownProvider, `unknown config provider "vault" (known: directory, env, file)`},
		{"missing key", "auth.token", "${file:" + props + ":absent}", ErrNotFound, `key "absent" not found in ` + props},
		{"missing file", "auth.token", "${file:" + dir + "/nope.properties:k}", ErrNotFound, "nope.properties"},
		{"missing dir entry", "auth.token", "${directory:" + dir + ":nope}", ErrNotFound, `key "nope" not found`},
		{"dir traversal", "auth.token", "${directory:" + dir + ":../etc}", ErrNotFound, `key "../etc" not found`},
		{"env with path", "x", "${env:/p:HOME}", nil, "env provider takes no path"},
		{"file without path", "x", "${file:k}", nil, "a path is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultResolver().Resolve(context.Background(), map[string]string{tt.key: tt.value, "ok": "v"})
			if err == nil || got != nil {
				t.Fatalf("Resolve = %v, %v; want an error", got, err)
			}
			var re *ResolveError
			if !errors.As(err, &re) || re.Key != tt.key || re.Reference != tt.value {
				t.Fatalf("error %v is not a *ResolveError for key %s", err, tt.key)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret-value") {
				t.Errorf("error leaks a value: %v", err)
			}
		})
	}
}

func TestResolveJoinsAllErrors(t *testing.T) {
	_, err := DefaultResolver().Resolve(context.Background(), map[string]string{
		"b": "${env:ONEC_TEST_UNSET_B}",
		"a": "${env:ONEC_TEST_UNSET_A} ${nope:x}",
	})
	msg := err.Error()
	if strings.Count(msg, "configuration a:") != 2 || strings.Count(msg, "configuration b:") != 1 ||
		strings.Index(msg, "configuration a:") > strings.Index(msg, "configuration b:") {
		t.Errorf("joined error not complete and sorted:\n%s", msg)
	}
}

type countingProvider struct {
	calls atomic.Int32
	data  map[string]string
}

func (p *countingProvider) Get(ctx context.Context, path string, keys []string) (map[string]string, error) {
	p.calls.Add(1)
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := p.data[path+"/"+k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func TestResolveAsksEachPathOnce(t *testing.T) {
	p := &countingProvider{data: map[string]string{"/a/x": "1", "/a/y": "2", "/b/x": "3"}}
	r := NewResolver(map[string]Provider{"c": p})
	got, err := r.Resolve(context.Background(), map[string]string{
		"k1": "${c:/a:x}", "k2": "${c:/a:y}${c:/a:x}", "k3": "${c:/b:x}",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"k1": "1", "k2": "21", "k3": "3"}) {
		t.Errorf("Resolve = %v", got)
	}
	if n := p.calls.Load(); n != 2 {
		t.Errorf("provider called %d times, want 2 (once per path)", n)
	}
}

func TestResolveCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	t.Setenv("ONEC_TEST_X", "x")
	_, err := DefaultResolver().Resolve(ctx, map[string]string{"k": "${env:ONEC_TEST_X}"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestNilResolverAndIgnore(t *testing.T) {
	var r *Resolver
	got, err := r.Resolve(context.Background(), map[string]string{"k": "${env:X}"})
	if err != nil || got["k"] != "${env:X}" {
		t.Errorf("nil Resolver: %v, %v", got, err)
	}
	r = NewResolver(nil, IgnoreProviders("field", "kind"))
	got, err = r.Resolve(context.Background(), map[string]string{"k": "${kind:x}-${field:y}"})
	if err != nil || got["k"] != "${kind:x}-${field:y}" {
		t.Errorf("ignored providers: %v, %v", got, err)
	}
}

func TestProviderRestrictions(t *testing.T) {
	dir := t.TempDir()
	allowed := filepath.Join(dir, "allowed")
	if err := os.Mkdir(allowed, 0o700); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, allowed, "a.properties", "k=v\n")
	out := writeFile(t, dir, "b.properties", "k=v\n")
	fp := FileProvider{AllowedPaths: []string{allowed}}
	if got, err := fp.Get(context.Background(), in, []string{"k"}); err != nil || got["k"] != "v" {
		t.Errorf("allowed path: %v, %v", got, err)
	}
	for _, p := range []string{out, allowed + "/../b.properties", allowed + "x/a.properties"} {
		if _, err := fp.Get(context.Background(), p, []string{"k"}); err == nil || !strings.Contains(err.Error(), "not under the allowed paths") {
			t.Errorf("path %s: err = %v", p, err)
		}
	}
	env := EnvProvider{
		Lookup: func(n string) (string, bool) { return "val-" + n, true },
		Allow:  regexp.MustCompile(`^ONEC_`),
	}
	got, err := env.Get(context.Background(), "", []string{"ONEC_A", "HOME"})
	if err != nil || !reflect.DeepEqual(got, map[string]string{"ONEC_A": "val-ONEC_A"}) {
		t.Errorf("env allowlist: %v, %v", got, err)
	}
}

func TestParseWith(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "db.properties", "password=from-file\n")
	t.Setenv("ONEC_TEST_TASKS", "3")
	p := validProps()
	p["database.password"] = "${file:" + file + ":password}"
	p["tasks.max"] = "${env:ONEC_TEST_TASKS}"
	p["producer.override.sasl.jaas.config"] = "${file:" + file + ":password}"
	v, err := testDef().ParseWith(context.Background(), DefaultResolver(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v.Password("database.password").Value() != "from-file" || v.Int("tasks.max") != 3 {
		t.Errorf("resolved values wrong: %v", v)
	}
	if v.Originals()["database.password"] != p["database.password"] {
		t.Error("Originals are not the unresolved properties")
	}
	if got := v.WithPrefix(PrefixProducerOverride)["sasl.jaas.config"]; got != "from-file" {
		t.Errorf("WithPrefix not resolved: %q", got)
	}

	p["database.url"] = "${env:ONEC_TEST_UNSET_URL}"
	_, err = testDef().ParseWith(context.Background(), DefaultResolver(), p)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || len(ve.Errors["database.url"]) != 1 {
		t.Fatalf("ParseWith error = %v", err)
	}
}
