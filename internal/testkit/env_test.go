package testkit

import (
	"fmt"
	"slices"
	"testing"
)

func envMap(m map[string]string) getenvFunc { return func(k string) string { return m[k] } }

func TestKafkaTarget(t *testing.T) {
	tests := []struct {
		env      string
		want     []string
		external bool
	}{
		{"", nil, false},
		{"  ", nil, false},
		{"broker:9092", []string{"broker:9092"}, true},
		{"a:1, b:2 ,,", []string{"a:1", "b:2"}, true},
	}
	for _, tt := range tests {
		got, ext := kafkaTarget(envMap(map[string]string{EnvKafkaBootstrap: tt.env}))
		if !slices.Equal(got, tt.want) || ext != tt.external {
			t.Errorf("kafkaTarget(%q) = %v, %v; want %v, %v", tt.env, got, ext, tt.want, tt.external)
		}
	}
}

func TestPostgresTarget(t *testing.T) {
	tests := []struct {
		env, want string
		external  bool
	}{
		{"", "", false},
		{" postgres://u@h:5432/postgres ", "postgres://u@h:5432/postgres", true},
	}
	for _, tt := range tests {
		got, ext := postgresTarget(envMap(map[string]string{EnvPostgresURL: tt.env}))
		if got != tt.want || ext != tt.external {
			t.Errorf("postgresTarget(%q) = %q, %v; want %q, %v", tt.env, got, ext, tt.want, tt.external)
		}
	}
}

func TestSetupPostgresExternal(t *testing.T) {
	const u = "postgres://admin@db.example:5432/postgres"
	got, cluster, err := setupPostgres(envMap(map[string]string{EnvPostgresURL: u}))
	if err != nil || got != u || cluster != nil {
		t.Fatalf("setupPostgres with %s set = %q, %v, %v; want the URL, no cluster", EnvPostgresURL, got, cluster, err)
	}
}

func TestIsCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "0": false, "true": true, "TRUE": true, "1": true} {
		if got := isCI(envMap(map[string]string{EnvCI: v})); got != want {
			t.Errorf("isCI(CI=%q) = %v, want %v", v, got, want)
		}
	}
}

// recordingTB records Skip and Fatal instead of stopping the test.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordingTB) Helper()                           {}
func (r *recordingTB) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestSkipOrFail(t *testing.T) {
	var local recordingTB
	skipOrFail(&local, false, "no initdb")
	if local.skipped == "" || local.failed != "" {
		t.Errorf("outside CI: skipped=%q failed=%q; want a skip", local.skipped, local.failed)
	}
	var ci recordingTB
	skipOrFail(&ci, true, "no initdb")
	if ci.failed == "" || ci.skipped != "" {
		t.Errorf("under CI: skipped=%q failed=%q; want a failure", ci.skipped, ci.failed)
	}
}
