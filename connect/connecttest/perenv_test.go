package connecttest

import (
	"sync"
	"testing"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

func TestPerEnv(t *testing.T) {
	calls := 0
	of := PerEnv(func(env *Env) string { calls++; return env.Topic })
	a, b := &Env{Topic: "a"}, &Env{Topic: "b"}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if of(a) != "a" || of(b) != "b" {
				t.Error("wrong value for an env")
			}
		}()
	}
	wg.Wait()
	if calls != 2 {
		t.Fatalf("made %d values, want one per env (2)", calls)
	}
}

func TestRegistry(t *testing.T) {
	mk := Registry(plugins.Plugin{Class: "test.A", Kind: plugins.KindSource, NewSource: func() connect.SourceConnector { return nil }},
		plugins.Plugin{Class: "test.B", Kind: plugins.KindSink, NewSink: func() connect.SinkConnector { return nil }})
	r1, r2 := mk(), mk()
	if r1 == r2 {
		t.Fatal("the same registry twice, want a fresh one per call")
	}
	for _, c := range []string{"test.A", "test.B"} {
		if _, err := r1.LookupConnector(c); err != nil {
			t.Errorf("%s not registered: %v", c, err)
		}
	}
}
