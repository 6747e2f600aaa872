package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/herder"
)

// recordingHerder accepts every config and remembers the last one; other
// methods are not called by the fuzzed endpoints.
type recordingHerder struct {
	herder.Herder
	mu   sync.Mutex
	name string
	cfg  map[string]string
}

func (h *recordingHerder) PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initial connect.TargetState) (bool, herder.ConnectorInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.name, h.cfg = name, cfg
	return true, herder.ConnectorInfo{Name: name, Config: cfg}, nil
}

// FuzzConnectorConfigBody feeds arbitrary bodies to POST /connectors and
// PUT /connectors/{name}/config: no panic, only 201, 400, 413 or 500
// answers in the error shape, and an accepted config holds exactly the
// string, number and boolean values of the body, under a valid name.
//
//	go test ./connect/rest -run '^$' -fuzz FuzzConnectorConfigBody -fuzztime 60s -fuzzminimizetime 5s
//
// (the default minimisation of new inputs, up to 60 s each, looks like a stall)
func FuzzConnectorConfigBody(f *testing.F) {
	for _, seed := range []string{
		`{"name":"orders","config":{"connector.class":"ToySink","tasks.max":2,"flag":true}}`,
		`{"name":"Выгрузка","config":{"database.password":"${env:DB_PASSWORD}"},"initial_state":"PAUSED"}`,
		`{"name":"a/b","config":{}}`,
		`{"name":"x","config":{"k":null}}`,
		`{"name":"x","config":{"k":[1,{"a":2}]}}`,
		`{"name":"x","config":{"k":"v"},"extra":1}`,
		`{"connector.class":"ToySink","k":1.5e300}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
		`{"name":"x","config":{"k":"\u0000\ud800"}}`,
		``, `null`, `{}`, `{"name":`,
	} {
		f.Add([]byte(seed))
	}
	var logs bytes.Buffer
	h := &recordingHerder{}
	s, err := New(Options{Herder: h, Logger: slog.New(slog.NewTextHandler(&logs, nil)), BodyLimit: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	handler := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		watchdog := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input (%d bytes) %.200q", len(body), body)) })
		defer watchdog.Stop()
		for _, target := range []struct{ method, path string }{{"POST", "/connectors"}, {"PUT", "/connectors/fuzzed/config"}} {
			logs.Reset()
			h.mu.Lock()
			h.name, h.cfg = "", nil
			h.mu.Unlock()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(target.method, target.path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			handler.ServeHTTP(rec, req)
			if strings.Contains(logs.String(), "panic") {
				t.Fatalf("%s %s panicked: %s", target.method, target.path, logs.String())
			}
			switch rec.Code {
			case http.StatusCreated:
				checkAccepted(t, target.path, body, h)
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusInternalServerError:
				var eb ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.ErrorCode != rec.Code || eb.Message == "" {
					t.Fatalf("%s: %d with body %q", target.path, rec.Code, rec.Body.String())
				}
			default:
				t.Fatalf("%s: unexpected status %d: %s", target.path, rec.Code, rec.Body.String())
			}
		}
	})
}

// checkAccepted compares the config the herder received with the body's.
func checkAccepted(t *testing.T, path string, body []byte, h *recordingHerder) {
	t.Helper()
	h.mu.Lock()
	name, cfg := h.name, h.cfg
	h.mu.Unlock()
	if err := ValidateConnectorName(name); err != nil {
		t.Fatalf("accepted an invalid name: %v", err)
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if path == "/connectors" {
		var req struct {
			Config map[string]any `json:"config"`
		}
		if err := dec.Decode(&req); err != nil {
			t.Fatalf("accepted a body encoding/json rejects: %v", err)
		}
		raw = req.Config
	} else if err := dec.Decode(&raw); err != nil {
		t.Fatalf("accepted a body encoding/json rejects: %v", err)
	}
	if len(raw) != len(cfg) {
		t.Fatalf("config has %d keys, body %d", len(cfg), len(raw))
	}
	for k, v := range raw {
		var want string
		switch x := v.(type) {
		case string:
			want = x
		case json.Number:
			want = x.String()
		case bool:
			want = map[bool]string{true: "true", false: "false"}[x]
		default:
			t.Fatalf("accepted a %T value for %q", v, k)
		}
		if cfg[k] != want {
			t.Fatalf("config[%q] = %q, want %q", k, cfg[k], want)
		}
	}
}
