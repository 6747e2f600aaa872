package plugins

import (
	"errors"
	"testing"

	"github.com/onecconnect/onecconnect/connect"
)

func TestLookupAliases(t *testing.T) {
	r := New()
	RegisterBuiltins(r)
	tests := []struct {
		name, want string
		kind       Kind
	}{
		{"FileStreamSource", "FileStreamSource", KindSource},
		{"org.apache.kafka.connect.file.FileStreamSourceConnector", "FileStreamSource", KindSource},
		{"FileStreamSourceConnector", "FileStreamSource", KindSource},
		{"FileStreamSinkConnector", "FileStreamSink", KindSink},
		{"org.apache.kafka.connect.json.JsonConverter", "org.apache.kafka.connect.json.JsonConverter", KindConverter},
		{"JsonConverter", "org.apache.kafka.connect.json.JsonConverter", KindConverter},
		{"Json", "org.apache.kafka.connect.json.JsonConverter", KindHeaderConverter},
	}
	for _, tc := range tests {
		p, err := r.Lookup(tc.name, tc.kind)
		if err != nil || p.Class != tc.want || p.Kind != tc.kind {
			t.Errorf("Lookup(%s) = %s %s, %v; want %s", tc.name, p.Class, p.Kind, err, tc.want)
		}
	}
	if _, err := r.Lookup("Nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if _, err := r.Lookup("FileStreamSource", KindSink); !errors.Is(err, ErrNotFound) {
		t.Errorf("wrong kind: %v", err)
	}
	if got := r.List(KindSource, KindSink); len(got) != 2 {
		t.Errorf("List = %v", got)
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	r := New()
	RegisterBuiltins(r)
	defer func() {
		if recover() == nil {
			t.Fatal("duplicate registration did not panic")
		}
	}()
	r.Register(Plugin{Class: "x.Other", Aliases: []string{"FileStreamSink"}, Kind: KindSource,
		NewSource: func() connect.SourceConnector { return nil }})
}

func TestDerivedAliasAmbiguous(t *testing.T) {
	r := New()
	mk := func(class string) Plugin {
		return Plugin{Class: class, Kind: KindSource, NewSource: func() connect.SourceConnector { return nil }}
	}
	r.Register(mk("a.FooConnector"))
	r.Register(mk("b.FooConnector"))
	var amb *AmbiguousError
	if _, err := r.Lookup("Foo"); !errors.As(err, &amb) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if p, err := r.Lookup("a.FooConnector"); err != nil || p.Class != "a.FooConnector" {
		t.Fatalf("exact lookup: %v", err)
	}
}
