package tail

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	none := env(nil)
	tests := []struct {
		name    string
		args    []string
		getenv  func(string) string
		check   func(*options) string // "" = fine
		wantErr string
	}{
		{name: "defaults", args: []string{"orders"}, getenv: none, check: func(o *options) string {
			if o.topic != "orders" || o.bootstrap != DefaultBootstrap || o.fromBeginning || o.partition != -1 ||
				o.maxMessages != 0 || o.timeout != 0 || o.format != formatText || o.valueConverter != "" || o.schemasEnable != "" {
				return "unexpected defaults"
			}
			return ""
		}},
		{name: "env bootstrap", args: []string{"t"}, getenv: env(map[string]string{EnvBootstrap: "127.0.0.1:19092"}), check: func(o *options) string {
			if o.bootstrap != "127.0.0.1:19092" {
				return "bootstrap " + o.bootstrap
			}
			return ""
		}},
		{name: "worker config leaves bootstrap to the file", args: []string{"--worker-config", "w.properties", "t"},
			getenv: env(map[string]string{EnvBootstrap: "127.0.0.1:19092"}), check: func(o *options) string {
				if o.bootstrap != "" {
					return "bootstrap " + o.bootstrap
				}
				return ""
			}},
		{name: "flags after topic", args: []string{"orders", "--from-beginning", "--converter", "avro", "--schema-registry", "http://127.0.0.1:8081",
			"--max-messages", "5", "--timeout", "3s", "--partition", "2", "--format", "json", "--schemas-enable=false"}, getenv: none,
			check: func(o *options) string {
				if !o.fromBeginning || o.valueConverter != shortConverters[convAvro] || o.schemaRegistry != "http://127.0.0.1:8081" ||
					o.maxMessages != 5 || o.timeout != 3*time.Second || o.partition != 2 || o.format != formatJSON || o.schemasEnable != "false" {
					return "flags not applied"
				}
				return ""
			}},
		{name: "converter class passes through", args: []string{"--key-converter", "StringConverter", "t"}, getenv: none, check: func(o *options) string {
			if o.keyConverter != "StringConverter" {
				return "key converter " + o.keyConverter
			}
			return ""
		}},
		{name: "double dash topic", args: []string{"--from-beginning", "--", "-odd-topic"}, getenv: none, check: func(o *options) string {
			if o.topic != "-odd-topic" || !o.fromBeginning {
				return "topic " + o.topic
			}
			return ""
		}},
		{name: "missing topic", args: []string{"--from-beginning"}, getenv: none, wantErr: "missing TOPIC"},
		{name: "two topics", args: []string{"a", "b"}, getenv: none, wantErr: "one TOPIC expected"},
		{name: "unknown flag", args: []string{"t", "--bogus"}, getenv: none, wantErr: "flag provided but not defined: -bogus"},
		{name: "bad number", args: []string{"t", "--max-messages", "many"}, getenv: none, wantErr: "invalid value"},
		{name: "negative max", args: []string{"t", "--max-messages", "-1"}, getenv: none, wantErr: "--max-messages -1"},
		{name: "negative timeout", args: []string{"t", "--timeout", "-1s"}, getenv: none, wantErr: "--timeout -1s"},
		{name: "bad partition", args: []string{"t", "--partition", "-2"}, getenv: none, wantErr: "--partition -2"},
		{name: "bad format", args: []string{"t", "--format", "xml"}, getenv: none, wantErr: `--format "xml"`},
		{name: "blank topic", args: []string{" "}, getenv: none, wantErr: "empty TOPIC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, tc.getenv, io.Discard)
			if tc.wantErr != "" {
				var ue *usageError
				if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a usage error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseOptions: %v", err)
			}
			if msg := tc.check(o); msg != "" {
				t.Errorf("%s: %+v", msg, o)
			}
		})
	}
}

func TestUsageExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"help", []string{"--help"}, exitOK, "TOPIC/PARTITION@OFFSET"},
		{"no args", nil, exitUsage, "usage: worker tail TOPIC"},
		{"bad flag", []string{"t", "--nope"}, exitUsage, "flag provided but not defined"},
		{"unknown converter", []string{"t", "--converter", "xml", "--bootstrap-server", "127.0.0.1:1"}, exitUsage, `"xml"`},
		{"avro without registry", []string{"t", "--converter", "avro", "--bootstrap-server", "127.0.0.1:1"}, exitUsage, "--schema-registry"},
		{"registry without avro", []string{"t", "--schema-registry", "http://127.0.0.1:1", "--bootstrap-server", "127.0.0.1:1"}, exitUsage, "only used by the avro converter"},
		{"schemas-enable without json", []string{"t", "--converter", "string", "--schemas-enable=false", "--bootstrap-server", "127.0.0.1:1"}, exitUsage, "only used by the json converter"},
		{"missing worker config", []string{"t", "--worker-config", "/nonexistent/w.properties"}, exitUsage, "read worker config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(t.Context(), tc.args, func(string) string { return "" }, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.inStderr) {
				t.Fatalf("code %d (want %d), stderr:\n%s\n(want it to contain %q)", code, tc.code, stderr.String(), tc.inStderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout not empty: %q", stdout.String())
			}
		})
	}
}
