package rest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// step is one REST exchange of the contract test, or an action between
// exchanges.
type step struct {
	name   string // golden file name (testdata/<name>.golden.json); "" = no golden
	method string
	path   string
	body   any
	status int
	// contains lists substrings the raw body must contain.
	contains []string
	// header checks a response header equals a value.
	header map[string]string
	// do replaces the exchange.
	do func(t *testing.T, s *connecttest.Stack)
}

// normalize makes a response body comparable: indented JSON with sorted
// object keys, run-specific values replaced.
func normalize(t *testing.T, s *connecttest.Stack, body []byte) any {
	t.Helper()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, body)
	}
	host := strings.TrimPrefix(s.URL, "http://")
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "worker_id":
					x[k] = "WORKER"
				case "kafka_cluster_id":
					x[k] = "CLUSTER"
				case "last_modified":
					if e != nil {
						x[k] = "TIME"
					}
				case "trace":
					x[k] = "TRACE"
				default:
					x[k] = walk(e)
				}
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			return strings.ReplaceAll(x, host, "HOST")
		}
		return v
	}
	return walk(v)
}

func checkGolden(t *testing.T, s *connecttest.Stack, name string, status int, body []byte) {
	t.Helper()
	got, err := json.MarshalIndent(map[string]any{"status": status, "body": normalize(t, s, body)}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got %s\nwant %s", name, got, want)
	}
}

func run(t *testing.T, s *connecttest.Stack, steps []step) {
	t.Helper()
	for i, st := range steps {
		if st.do != nil {
			st.do(t, s)
			continue
		}
		label := st.name
		if label == "" {
			label = st.method + " " + st.path
		}
		r := s.Client.Do(t, st.method, st.path, st.body)
		if r.Status != st.status {
			t.Fatalf("step %d (%s): status %d, want %d; body %s", i, label, r.Status, st.status, r.Body)
		}
		for _, c := range st.contains {
			if !strings.Contains(string(r.Body), c) {
				t.Errorf("step %d (%s): body lacks %q: %s", i, label, c, r.Body)
			}
		}
		for h, v := range st.header {
			if got := r.Header.Get(h); got != v {
				t.Errorf("step %d (%s): header %s = %q, want %q", i, label, h, got, v)
			}
		}
		if r.Status >= 400 && r.Status != 404 || r.Status == 404 && len(r.Body) > 0 {
			var eb struct {
				ErrorCode *int    `json:"error_code"`
				Message   *string `json:"message"`
			}
			if err := json.Unmarshal(r.Body, &eb); err != nil || eb.ErrorCode == nil || *eb.ErrorCode != r.Status || eb.Message == nil {
				t.Errorf("step %d (%s): error body %s is not {error_code: %d, message}", i, label, r.Body, r.Status)
			}
		}
		if st.name != "" {
			checkGolden(t, s, st.name, r.Status, r.Body)
		}
	}
}

func waitState(name, conn string, tasks int, task string) func(*testing.T, *connecttest.Stack) {
	return func(t *testing.T, s *connecttest.Stack) {
		s.WaitState(t, name, conn, tasks, task, 20*time.Second)
	}
}

// TestContract walks every endpoint of kafka-connect.md §1.2 against a
// real worker (kfake broker, toy connectors), comparing status codes and
// bodies with golden files.
func TestContract(t *testing.T) {
	k := testkit.Kafka(t)
	k.CreateTopic(t, "toy-in", 1, nil)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	const secret = "hunter2-Секрет"
	srcCfg := map[string]any{"connector.class": "ToySource", "tasks.max": 2, "secret.password": secret, "toy.flag": true}
	sinkCfg := map[string]any{"connector.class": "ToySink", "tasks.max": "1", "topics": "toy-in"}
	// Reserved URL characters and any script round-trip; "/" and "\" do
	// not (create-slash-name etc.: a deliberate difference from Kafka).
	weird := "tab&c=d x%y+z!ሴ#$&'(æ)*+,:;=?ñ@[]ÿ Выгрузка-Заказов"

	run(t, s, []step{
		{name: "root", method: "GET", path: "/", status: 200},
		{name: "health", method: "GET", path: "/health", status: 200},
		{name: "connectors-empty", method: "GET", path: "/connectors", status: 200},
		{name: "plugins", method: "GET", path: "/connector-plugins", status: 200},
		{name: "plugins-all", method: "GET", path: "/connector-plugins?connectorsOnly=false", status: 200},
		{name: "plugin-config", method: "GET", path: "/connector-plugins/ToySource/config", status: 200},
		{name: "plugin-config-unknown", method: "GET", path: "/connector-plugins/Nope/config", status: 404},
		{name: "validate-good", method: "PUT", path: "/connector-plugins/ToySource/config/validate",
			body: map[string]any{"connector.class": "ToySource", "name": "x", "tasks.max": 1, "secret.password": secret}, status: 200},
		{name: "validate-bad", method: "PUT", path: "/connector-plugins/ToySink/config/validate",
			body: map[string]any{"connector.class": "ToySink", "name": "x", "tasks.max": "many", "typo.key": "v"}, status: 200},
		{name: "validate-mismatch", method: "PUT", path: "/connector-plugins/ToySink/config/validate",
			body: map[string]any{"connector.class": "ToySource", "name": "x"}, status: 400},
		{name: "validate-no-class", method: "PUT", path: "/connector-plugins/ToySink/config/validate",
			body: map[string]any{"name": "x"}, status: 400},

		{name: "create-paused", method: "POST", path: "/connectors", status: 201,
			body:   map[string]any{"name": "src", "config": srcCfg, "initial_state": "PAUSED"},
			header: map[string]string{"Location": s.URL + "/connectors/src"}},
		{name: "create-duplicate", method: "POST", path: "/connectors", status: 409,
			body: map[string]any{"name": "src", "config": srcCfg}},
		{name: "create-invalid", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "bad", "config": map[string]any{"connector.class": "ToySink", "tasks.max": 0}}},
		{name: "create-null-value", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "bad", "config": map[string]any{"connector.class": "ToySink", "topics": nil}}},
		{name: "create-no-class", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "bad", "config": map[string]any{"tasks.max": "1"}}},
		{name: "create-unknown-class", method: "POST", path: "/connectors", status: 500,
			body: map[string]any{"name": "bad", "config": map[string]any{"connector.class": "NoSuchConnector"}}},
		{name: "create-name-mismatch", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "bad", "config": map[string]any{"connector.class": "ToySink", "name": "other"}}},
		{name: "create-empty-name", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "  ", "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}}},
		{name: "create-control-char-name", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "a\tb", "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}}},
		{name: "create-unknown-field", method: "POST", path: "/connectors", status: 500,
			body: map[string]any{"name": "bad", "config": map[string]any{}, "extra": 1}},
		{name: "create-malformed", method: "POST", path: "/connectors", status: 500, body: `{"name": `},
		{name: "create-nested-value", method: "POST", path: "/connectors", status: 500,
			body: map[string]any{"name": "bad", "config": map[string]any{"connector.class": "ToySink", "topics": []string{"a"}}}},

		{name: "info-paused", method: "GET", path: "/connectors/src", status: 200},
		{name: "config-masked", method: "GET", path: "/connectors/src/config", status: 200},
		{name: "status-paused", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "tasks-paused", method: "GET", path: "/connectors/src/tasks", status: 200},
		{method: "PUT", path: "/connectors/src/resume", status: 202},
		{do: waitState("src", "RUNNING", 2, "RUNNING")},
		{name: "info-running", method: "GET", path: "/connectors/src", status: 200},
		{name: "tasks", method: "GET", path: "/connectors/src/tasks", status: 200},
		{name: "tasks-config", method: "GET", path: "/connectors/src/tasks-config", status: 200},
		{name: "task-status", method: "GET", path: "/connectors/src/tasks/1/status", status: 200},
		{name: "task-status-unknown", method: "GET", path: "/connectors/src/tasks/7/status", status: 404},
		{name: "task-status-not-a-number", method: "GET", path: "/connectors/src/tasks/x/status", status: 404},
		{name: "list-expanded", method: "GET", path: "/connectors?expand=status&expand=info", status: 200},
		{name: "list-expand-unknown", method: "GET", path: "/connectors?expand=nothing", status: 200},

		{name: "config-update", method: "PUT", path: "/connectors/src/config", status: 200,
			body: map[string]any{"connector.class": "ToySource", "tasks.max": 1, "secret.password": secret}},
		{do: waitState("src", "RUNNING", 1, "RUNNING")},
		{name: "config-update-name-mismatch", method: "PUT", path: "/connectors/src/config", status: 400,
			body: map[string]any{"connector.class": "ToySource", "name": "other"}},
		{name: "config-patch", method: "PATCH", path: "/connectors/src/config", status: 200,
			body: map[string]any{"toy.flag": nil, "tasks.max": 2}},
		{do: waitState("src", "RUNNING", 2, "RUNNING")},
		{name: "config-patch-unknown", method: "PATCH", path: "/connectors/nope/config", status: 404,
			body: map[string]any{"tasks.max": 2}},
		{name: "config-put-create", method: "PUT", path: "/connectors/sink/config", status: 201, body: sinkCfg,
			header: map[string]string{"Location": s.URL + "/connectors/sink"}},
		{do: waitState("sink", "RUNNING", 1, "RUNNING")},

		{method: "POST", path: "/connectors/src/restart", status: 204},
		{do: waitState("src", "RUNNING", 2, "RUNNING")},
		{name: "restart-all", method: "POST", path: "/connectors/src/restart?includeTasks=true", status: 202},
		{do: waitState("src", "RUNNING", 2, "RUNNING")},
		{name: "restart-only-failed", method: "POST", path: "/connectors/src/restart?includeTasks=true&onlyFailed=true", status: 202},
		{name: "restart-unknown", method: "POST", path: "/connectors/nope/restart", status: 404},
		{method: "POST", path: "/connectors/src/tasks/0/restart", status: 204},
		{name: "task-restart-unknown", method: "POST", path: "/connectors/src/tasks/5/restart", status: 404},
		{do: waitState("src", "RUNNING", 2, "RUNNING")},
		{method: "PUT", path: "/connectors/src/pause", status: 202},
		{do: waitState("src", "PAUSED", 2, "PAUSED")},
		{name: "pause-unknown", method: "PUT", path: "/connectors/nope/pause", status: 404},
		{name: "resume-unknown", method: "PUT", path: "/connectors/nope/resume", status: 404},
		{name: "stop-unknown", method: "PUT", path: "/connectors/nope/stop", status: 404},

		{name: "topics", method: "GET", path: "/connectors/src/topics", status: 200},
		{method: "PUT", path: "/connectors/src/topics/reset", status: 202},

		{name: "offsets-source-empty", method: "GET", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-alter-not-stopped", method: "PATCH", path: "/connectors/src/offsets", status: 400,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"file": "a"}, "offset": map[string]any{"position": 1}}}}},
		{method: "PUT", path: "/connectors/src/stop", status: 204},
		{do: waitState("src", "STOPPED", 0, "")},
		{name: "status-stopped", method: "GET", path: "/connectors/src/status", status: 200},
		{name: "offsets-alter-empty", method: "PATCH", path: "/connectors/src/offsets", status: 400, body: map[string]any{"offsets": []any{}}},
		{name: "offsets-alter-source", method: "PATCH", path: "/connectors/src/offsets", status: 200,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"file": "a"}, "offset": map[string]any{"position": 30}}}}},
		{name: "offsets-source", method: "GET", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-reset-source", method: "DELETE", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-source-after-reset", method: "GET", path: "/connectors/src/offsets", status: 200},
		{name: "offsets-unknown", method: "GET", path: "/connectors/nope/offsets", status: 404},

		{method: "PUT", path: "/connectors/sink/stop", status: 204},
		{do: waitState("sink", "STOPPED", 0, "")},
		{name: "offsets-sink-no-partition-keys", method: "PATCH", path: "/connectors/sink/offsets", status: 400,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"kafka_topic": "toy-in"}, "offset": map[string]any{"kafka_offset": 1}}}}},
		{name: "offsets-sink-bad-partition", method: "PATCH", path: "/connectors/sink/offsets", status: 400,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"kafka_topic": "toy-in", "kafka_partition": "zero"}, "offset": nil}}}},
		{name: "offsets-sink-bad-offset", method: "PATCH", path: "/connectors/sink/offsets", status: 400,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"kafka_topic": "toy-in", "kafka_partition": 0}, "offset": map[string]any{"pos": 1}}}}},
		{name: "offsets-sink-alter", method: "PATCH", path: "/connectors/sink/offsets", status: 200,
			body: map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"kafka_topic": "toy-in", "kafka_partition": "0"}, "offset": map[string]any{"kafka_offset": "0"}}}}},
		{name: "offsets-sink", method: "GET", path: "/connectors/sink/offsets", status: 200},
		{name: "offsets-reset-sink", method: "DELETE", path: "/connectors/sink/offsets", status: 200},

		{name: "loggers", method: "GET", path: "/admin/loggers", status: 200},
		{name: "logger-set", method: "PUT", path: "/admin/loggers/onecconnect.herder", body: map[string]any{"level": "DEBUG"}, status: 200},
		{name: "logger-get", method: "GET", path: "/admin/loggers/onecconnect.herder", status: 200},
		{name: "logger-unknown", method: "GET", path: "/admin/loggers/no.such.logger", status: 404},
		{name: "logger-bad-level", method: "PUT", path: "/admin/loggers/root", body: map[string]any{"level": "LOUD"}, status: 404},
		{name: "logger-no-level", method: "PUT", path: "/admin/loggers/root", body: map[string]any{}, status: 400},
		{method: "PUT", path: "/admin/loggers/onecconnect.herder?scope=cluster", body: map[string]any{"level": "INFO"}, status: 204},

		{name: "route-unknown", method: "GET", path: "/no/such/route", status: 404},
		{name: "method-not-allowed", method: "DELETE", path: "/connectors", status: 405},
		{method: "GET", path: "/metrics", status: 200, contains: []string{"connect_connector_status", `state="STOPPED"`}},

		{name: "create-weird-name", method: "POST", path: "/connectors", status: 201,
			body:   map[string]any{"name": weird, "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}},
			header: map[string]string{"Location": s.URL + connecttest.Path(weird, "")}},
		{name: "get-weird-name", method: "GET", path: connecttest.Path(weird, "/config"), status: 200},
		{method: "DELETE", path: connecttest.Path(weird, ""), status: 204},
		{name: "create-slash-name", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "a/b", "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}}},
		{name: "put-backslash-name", method: "PUT", path: connecttest.Path(`a\b`, "/config"), status: 400,
			body: map[string]any{"connector.class": "ToySink", "topics": "toy-in"}},
		{name: "create-long-name", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": strings.Repeat("Я", 125), "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}}},
		{name: "create-bidi-name", method: "POST", path: "/connectors", status: 400,
			body: map[string]any{"name": "abc\u202edcba", "config": map[string]any{"connector.class": "ToySink", "topics": "toy-in"}}},
		{name: "create-deep-json", method: "POST", path: "/connectors", status: 500,
			body: `{"name":"deep","config":{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`},
		{method: "DELETE", path: "/connectors/src", status: 204},
		{name: "delete-unknown", method: "DELETE", path: "/connectors/src", status: 404},
		{name: "status-unknown", method: "GET", path: "/connectors/src/status", status: 404},
		{name: "info-unknown", method: "GET", path: "/connectors/src", status: 404},
		{name: "connectors-after", method: "GET", path: "/connectors", status: 200},
	})
	s.CheckNoSecrets(t, secret)
}
