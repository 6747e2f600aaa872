package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	v, err := testDef().Parse(validProps())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		got, want any
	}{
		{v.String("name"), "orders"},
		{v.Class("connector.class"), "OneCQueueSource"},
		{v.Int("tasks.max"), 1},
		{v.Long("tasks.max"), int64(1)},
		{v.Class("key.converter"), ""},
		{v.Get("key.converter"), nil},
		{v.List("topics"), []string{}},
		{v.String("errors.tolerance"), "none"},
		{v.Long("errors.retry.timeout"), int64(0)},
		{v.Bool("errors.log.enable"), false},
		{v.Password("database.password").Value(), ""},
		{v.Int("database.port"), 5432},
		{v.Get("database.port"), int16(5432)},
		{v.Duration("poll.interval"), 5 * time.Second},
		{v.Double("sample.ratio"), 0.5},
		{v.Double("batch.size"), 1000.0},
		{v.Has("name"), true},
		{v.Has("tasks.max"), false},
	}
	for i, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("check %d: got %#v, want %#v", i, c.got, c.want)
		}
	}
}

func TestParseGiven(t *testing.T) {
	p := validProps()
	p["tasks.max"] = " 4 "
	p["topics"] = "a, b"
	p["errors.tolerance"] = "all"
	p["errors.log.enable"] = "True"
	p["database.password"] = "s3cret"
	p["poll.interval"] = "250"
	p["mode"] = "OFFSET"
	p["key.converter"] = "org.apache.kafka.connect.json.JsonConverter"
	p["producer.override.acks"] = "all"
	p["transforms.route.type"] = "RegexRouter"
	v, err := testDef().Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	if v.Int("tasks.max") != 4 || !reflect.DeepEqual(v.List("topics"), []string{"a", "b"}) ||
		v.String("errors.tolerance") != "all" || !v.Bool("errors.log.enable") ||
		v.Password("database.password").Value() != "s3cret" || v.Duration("poll.interval") != 250*time.Millisecond ||
		v.String("mode") != "OFFSET" || v.Class("key.converter") != "org.apache.kafka.connect.json.JsonConverter" {
		t.Errorf("unexpected values: %v", v)
	}
	if got := v.WithPrefix(PrefixProducerOverride); !reflect.DeepEqual(got, map[string]string{"acks": "all"}) {
		t.Errorf("WithPrefix = %v", got)
	}
	if !reflect.DeepEqual(v.Originals(), p) {
		t.Errorf("Originals = %v, want %v", v.Originals(), p)
	}
	// The returned list and originals are copies.
	v.List("topics")[0] = "x"
	v.Originals()["name"] = "x"
	if v.List("topics")[0] != "a" || v.String("name") != "orders" {
		t.Error("Values modified through a returned copy")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		props map[string]string
		want  map[string][]string
	}{
		{
			name:  "missing required",
			props: map[string]string{"connector.class": "X", "database.url": "u"},
			want:  map[string][]string{"name": {`Missing required configuration "name" which has no default value.`}},
		},
		{
			name: "every failure at once",
			props: map[string]string{
				"name": "a\tb", "database.url": "", "tasks.max": "many", "errors.tolerance": "some",
				"poll.interval": "1ms", "database.pasword": "x", "sample.ratio": "2", "database.port": "99999",
			},
			want: map[string][]string{
				"name":             {"Invalid value \"a\\tb\" for configuration name: String may not contain control sequences but had the following ASCII chars: 9"},
				"connector.class":  {`Missing required configuration "connector.class" which has no default value.`},
				"database.url":     {"Invalid value  for configuration database.url: String must be non-empty"},
				"tasks.max":        {"Invalid value many for configuration tasks.max: Not a number of type INT"},
				"errors.tolerance": {"Invalid value some for configuration errors.tolerance: String must be one of: none, all"},
				"poll.interval":    {"Invalid value 1ms for configuration poll.interval: Value must be at least 10ms"},
				"database.pasword": {`Unknown configuration "database.pasword"; did you mean "database.password"?`},
				"sample.ratio":     {"Invalid value 2.0 for configuration sample.ratio: Value must be no more than 1"},
				"database.port":    {"Invalid value 99999 for configuration database.port: Not a number of type SHORT (out of range -32768..32767)"},
			},
		},
		{
			name:  "unknown key without suggestion",
			props: merge(validProps(), map[string]string{"zzz": "1", "producer.acks": "1"}),
			want: map[string][]string{
				"producer.acks": {`Unknown configuration "producer.acks".`},
				"zzz":           {`Unknown configuration "zzz".`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := testDef().Parse(tt.props)
			if v != nil || err == nil {
				t.Fatalf("Parse = %v, %v; want an error", v, err)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("errors.Is(err, ErrInvalidConfig) = false for %v", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not a *ValidationError", err)
			}
			if !reflect.DeepEqual(ve.Errors, tt.want) {
				t.Errorf("Errors =\n%v\nwant\n%v", ve.Errors, tt.want)
			}
			msg := err.Error()
			for key, msgs := range tt.want {
				for _, m := range msgs {
					if !strings.Contains(msg, m) {
						t.Errorf("Error() lacks %s's message %q:\n%s", key, m, msg)
					}
				}
			}
			if ve.Count() != len(ve.Messages()) {
				t.Errorf("Count %d != len(Messages) %d", ve.Count(), len(ve.Messages()))
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := copyMap(a)
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestAccessorPanics(t *testing.T) {
	v, err := testDef().Parse(validProps())
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range map[string]func(){
		"undefined":        func() { v.String("nope") },
		"Get undefined":    func() { v.Get("nope") },
		"wrong type":       func() { v.Int("name") },
		"password as str":  func() { v.String("database.password") },
		"bool as duration": func() { v.Duration("errors.log.enable") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

func TestConcurrentUse(t *testing.T) {
	d := testDef()
	r := DefaultResolver()
	t.Setenv("ONEC_TEST_CONC", "7")
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 50; j++ {
				p := validProps()
				p["tasks.max"] = "${env:ONEC_TEST_CONC}"
				v, err := d.ParseWith(t.Context(), r, p)
				if err != nil {
					done <- err
					return
				}
				_ = d.Validate("X", p)
				_ = d.Markdown("x")
				_ = fmt.Sprint(v)
			}
			done <- nil
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
