package connecttest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// Spec describes a connector for the acceptance suite.
type Spec struct {
	// Class is the connector class (or alias) under test.
	Class string
	// Plugins returns a fresh registry holding the connector (converters
	// are added by the stack).
	Plugins func() *plugins.Registry
	// Config returns a good connector config (without "name") for env.
	Config func(env *Env) map[string]string
	// BadConfigs are invalid variants of the good config; each must fail
	// validation with errors on (at least) Keys.
	BadConfigs []BadConfig
	// Passwords are secret values inside the good config: they must never
	// appear in logs or REST output.
	Passwords []string
	// Source or Sink says how to feed and observe the connector; exactly
	// one must be set.
	Source *SourceSpec
	Sink   *SinkSpec
	// WorkerProps override the stack's worker properties.
	WorkerProps map[string]string
	// Timeout bounds each wait for delivery or a state (30 s when zero).
	Timeout time.Duration
}

// BadConfig is an invalid config: Mutate changes a copy of the good one.
type BadConfig struct {
	Name   string
	Mutate func(cfg map[string]string)
	Keys   []string
}

// SourceSpec feeds a source connector: Write appends values to the outside
// system so that the connector produces one record per value, in order, to
// Env.Topic. Value extracts the value back from a record (string(Value) when
// nil).
type SourceSpec struct {
	Write func(t testing.TB, env *Env, values []string)
	Value func(m *sarama.ConsumerMessage) string
}

// SinkSpec observes a sink connector: Read returns every value the
// connector has written to the outside system so far, in order. The suite
// produces the values to Env.Topic as strings.
type SinkSpec struct {
	Read func(t testing.TB, env *Env) []string
}

// Env is one scenario's environment.
type Env struct {
	Kafka *testkit.KafkaCluster
	// Dir is a scratch directory for the scenario.
	Dir string
	// Topic is the scenario's topic (one partition, created up front).
	Topic string
}

// Run runs the acceptance suite for spec as subtests of t.
func Run(t *testing.T, spec Spec) {
	if (spec.Source == nil) == (spec.Sink == nil) {
		t.Fatal("connecttest: exactly one of Spec.Source and Spec.Sink must be set")
	}
	if spec.Timeout <= 0 {
		spec.Timeout = 30 * time.Second
	}
	r := &runner{spec: spec}
	t.Run("Validate", r.validate)
	t.Run("Lifecycle", r.lifecycle)
	t.Run("ResumeFromOffsets", r.resume)
	t.Run("NoGoroutineLeak", r.leak)
}

type runner struct{ spec Spec }

func (r *runner) env(t *testing.T, k *testkit.KafkaCluster) *Env {
	env := &Env{Kafka: k, Dir: t.TempDir(), Topic: testkit.UniqueTopic("accept")}
	k.CreateTopic(t, env.Topic, 1, nil)
	return env
}

func (r *runner) stack(t *testing.T, k *testkit.KafkaCluster, offsetsFile string) *Stack {
	return StartStack(t, StackOptions{Kafka: k, Plugins: r.spec.Plugins(), WorkerProps: r.spec.WorkerProps, OffsetsFile: offsetsFile})
}

func (r *runner) config(env *Env, name string) map[string]string {
	cfg := maps.Clone(r.spec.Config(env))
	cfg["name"] = name
	if _, ok := cfg["connector.class"]; !ok {
		cfg["connector.class"] = r.spec.Class
	}
	return cfg
}

func randomSecret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "s3cr3t-" + hex.EncodeToString(b)
}

// validate: the good config validates with no errors, each bad config
// fails on its keys (validate endpoint and create), and a secret in an
// unknown key is never echoed.
func (r *runner) validate(t *testing.T) {
	k := testkit.Kafka(t)
	env := r.env(t, k)
	s := r.stack(t, k, "")
	plugin := r.spec.Class
	path := "/connector-plugins/" + escape(plugin) + "/config/validate"

	var good config.ConfigInfos
	s.Client.Expect(t, "PUT", path, r.config(env, "good"), 200, &good)
	if good.ErrorCount != 0 {
		t.Errorf("good config: error_count %d, errors %v", good.ErrorCount, good.Messages())
	}
	for _, bc := range r.spec.BadConfigs {
		cfg := r.config(env, "bad")
		bc.Mutate(cfg)
		var infos config.ConfigInfos
		s.Client.Expect(t, "PUT", path, cfg, 200, &infos)
		if infos.ErrorCount == 0 {
			t.Errorf("bad config %q: validated without errors", bc.Name)
		}
		for _, key := range bc.Keys {
			if !hasErrors(infos, key) {
				t.Errorf("bad config %q: no error on key %s; errors: %v", bc.Name, key, infos.Messages())
			}
		}
		resp := s.Client.Do(t, "POST", "/connectors", map[string]any{"name": "bad", "config": cfg})
		if resp.Status != 400 {
			t.Errorf("bad config %q: create answered %d, want 400: %s", bc.Name, resp.Status, resp.Body)
		}
		var eb struct {
			ErrorCode int    `json:"error_code"`
			Message   string `json:"message"`
		}
		resp.Decode(t, &eb)
		if eb.ErrorCode != 400 {
			t.Errorf("bad config %q: error_code %d", bc.Name, eb.ErrorCode)
		}
		for _, key := range bc.Keys {
			if !strings.Contains(eb.Message, key) {
				t.Errorf("bad config %q: 400 message does not name key %s: %q", bc.Name, key, eb.Message)
			}
		}
	}
	secret := randomSecret()
	cfg := r.config(env, "secretive")
	cfg["misspelt.passwrd"] = secret
	var infos config.ConfigInfos
	s.Client.Expect(t, "PUT", path, cfg, 200, &infos)
	if !hasErrors(infos, "misspelt.passwrd") {
		t.Errorf("unknown key misspelt.passwrd: no error; errors %v", infos.Messages())
	}
	if resp := s.Client.Do(t, "POST", "/connectors", map[string]any{"name": "secretive", "config": cfg}); resp.Status != 400 {
		t.Errorf("unknown key: create answered %d, want 400", resp.Status)
	}
	s.Client.Expect(t, "GET", "/connectors/secretive", nil, 404, nil)
	s.CheckNoSecrets(t, append([]string{secret}, r.spec.Passwords...)...)
}

func hasErrors(infos config.ConfigInfos, key string) bool {
	for _, c := range infos.Configs {
		if c.Value.Name == key && len(c.Value.Errors) > 0 {
			return true
		}
	}
	return false
}

func escape(s string) string { return strings.ReplaceAll(Path(s, ""), "/connectors/", "") }

// values makes n distinct values for batch b.
func values(b, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("batch%d-value%03d-значение", b, i)
	}
	return out
}

// feed makes values flow into the connector's input.
func (r *runner) feed(t *testing.T, env *Env, vals []string) {
	t.Helper()
	if r.spec.Source != nil {
		r.spec.Source.Write(t, env, vals)
		return
	}
	msgs := make([]*sarama.ProducerMessage, len(vals))
	for i, v := range vals {
		msgs[i] = &sarama.ProducerMessage{Topic: env.Topic, Value: sarama.StringEncoder(v)}
	}
	env.Kafka.Produce(t, msgs...)
}

// output returns what the connector has delivered so far.
func (r *runner) output(t *testing.T, env *Env) []string {
	t.Helper()
	if r.spec.Sink != nil {
		return r.spec.Sink.Read(t, env)
	}
	var out []string
	for _, m := range env.Kafka.ReadAll(t, env.Topic) {
		if r.spec.Source.Value != nil {
			out = append(out, r.spec.Source.Value(m))
		} else {
			out = append(out, string(m.Value))
		}
	}
	return out
}

// expectOutput waits until the output holds want (exactly, in order).
func (r *runner) expectOutput(t *testing.T, env *Env, want []string) {
	t.Helper()
	deadline := time.Now().Add(r.spec.Timeout)
	var got []string
	for {
		got = r.output(t, env)
		if len(got) >= len(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivered %d of %d values within %s; got %q", len(got), len(want), r.spec.Timeout, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let anything extra (duplicates) show up before comparing.
	time.Sleep(300 * time.Millisecond)
	got = r.output(t, env)
	if !slices.Equal(got, want) {
		t.Fatalf("delivered values differ (order, loss or duplicates):\n got %q\nwant %q", got, want)
	}
}

// lifecycle: create, deliver, pause (nothing flows within 1 s), resume,
// restart both ways, stop (STOPPED, no tasks), resume, delete; config
// output masks the passwords.
func (r *runner) lifecycle(t *testing.T) {
	k := testkit.Kafka(t)
	env := r.env(t, k)
	s := r.stack(t, k, filepath.Join(env.Dir, "offsets.json"))
	name := "acc-тест 1"
	cfg := r.config(env, name)
	var info herder.ConnectorInfo
	resp := s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": name, "config": cfg}, 201, &info)
	if loc, want := resp.Header.Get("Location"), s.URL+Path(name, ""); loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
	if info.Name != name {
		t.Errorf("created name %q, want %q", info.Name, name)
	}
	s.WaitState(t, name, "RUNNING", len(info.Tasks), "RUNNING", r.spec.Timeout)
	if len(info.Tasks) == 0 {
		t.Fatalf("connector has no tasks: %+v", info)
	}
	var shown map[string]string
	s.Client.Expect(t, "GET", Path(name, "/config"), nil, 200, &shown)
	for k, v := range shown {
		if v != cfg[k] && v != config.HiddenValue {
			t.Errorf("GET config: %s = %q, want %q", k, v, cfg[k])
		}
	}

	b1, b2, b3 := values(1, 5), values(2, 3), values(3, 4)
	r.feed(t, env, b1)
	r.expectOutput(t, env, b1)

	s.Client.Expect(t, "PUT", Path(name, "/pause"), nil, 202, nil)
	s.WaitState(t, name, "PAUSED", len(info.Tasks), "PAUSED", r.spec.Timeout)
	r.feed(t, env, b2)
	time.Sleep(1500 * time.Millisecond)
	if got := r.output(t, env); len(got) != len(b1) {
		t.Fatalf("paused connector delivered %d values, want %d: %q", len(got), len(b1), got)
	}
	s.Client.Expect(t, "PUT", Path(name, "/resume"), nil, 202, nil)
	s.WaitState(t, name, "RUNNING", len(info.Tasks), "RUNNING", r.spec.Timeout)
	r.expectOutput(t, env, slices.Concat(b1, b2))

	s.Client.Expect(t, "POST", Path(name, "/restart"), nil, 204, nil)
	s.WaitState(t, name, "RUNNING", len(info.Tasks), "RUNNING", r.spec.Timeout)
	var restarting herder.ConnectorStateInfo
	s.Client.Expect(t, "POST", Path(name, "/restart?includeTasks=true"), nil, 202, &restarting)
	if restarting.Connector.State != "RESTARTING" || len(restarting.Tasks) != len(info.Tasks) || !allTasks(restarting, "RESTARTING") {
		t.Errorf("restart?includeTasks=true answered %+v, want everything RESTARTING", restarting)
	}
	s.WaitState(t, name, "RUNNING", len(info.Tasks), "RUNNING", r.spec.Timeout)

	s.Client.Expect(t, "PUT", Path(name, "/stop"), nil, 204, nil)
	s.WaitState(t, name, "STOPPED", 0, "", r.spec.Timeout)
	var tasks []herder.TaskInfo
	s.Client.Expect(t, "GET", Path(name, "/tasks"), nil, 200, &tasks)
	if len(tasks) != 0 {
		t.Errorf("stopped connector has tasks %+v", tasks)
	}
	s.Client.Expect(t, "GET", Path(name, "/offsets"), nil, 200, nil)
	s.Client.Expect(t, "PUT", Path(name, "/resume"), nil, 202, nil)
	s.WaitState(t, name, "RUNNING", len(info.Tasks), "RUNNING", r.spec.Timeout)
	r.feed(t, env, b3)
	r.expectOutput(t, env, slices.Concat(b1, b2, b3))

	s.Client.Expect(t, "DELETE", Path(name, ""), nil, 204, nil)
	s.Client.Expect(t, "GET", Path(name, ""), nil, 404, nil)
	s.Client.Expect(t, "GET", Path(name, "/status"), nil, 404, nil)
	s.CheckNoSecrets(t, r.spec.Passwords...)
}

// resume: a worker restart (same offsets file, same consumer group) goes
// on where the first worker stopped, in order, without loss or duplicates.
func (r *runner) resume(t *testing.T) {
	k := testkit.Kafka(t)
	env := r.env(t, k)
	offsets := filepath.Join(env.Dir, "offsets.json")
	name := "resume-me"
	cfg := r.config(env, name)
	b1, b2 := values(1, 6), values(2, 6)

	s1 := r.stack(t, k, offsets)
	s1.Client.Expect(t, "POST", "/connectors", map[string]any{"name": name, "config": cfg}, 201, nil)
	r.feed(t, env, b1)
	r.expectOutput(t, env, b1)
	s1.CheckNoSecrets(t, r.spec.Passwords...)
	s1.Stop(t)

	s2 := r.stack(t, k, offsets)
	s2.Client.Expect(t, "POST", "/connectors", map[string]any{"name": name, "config": cfg}, 201, nil)
	r.feed(t, env, b2)
	r.expectOutput(t, env, slices.Concat(b1, b2))
	s2.CheckNoSecrets(t, r.spec.Passwords...)
}

// leak: after the stack stops, every goroutine it started has ended.
func (r *runner) leak(t *testing.T) {
	k := testkit.Kafka(t)
	env := r.env(t, k)
	r.output(t, env) // warm testkit's shared clients up before the baseline
	if r.spec.Sink != nil {
		r.feed(t, env, []string{"warm-up"})
	}
	base := SnapshotGoroutines()
	s := r.stack(t, k, filepath.Join(env.Dir, "offsets.json"))
	cfg := r.config(env, "leaky")
	s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": "leaky", "config": cfg}, 201, nil)
	vals := values(1, 3)
	r.feed(t, env, vals)
	if r.spec.Sink != nil {
		vals = append([]string{"warm-up"}, vals...)
	}
	r.expectOutput(t, env, vals)
	s.Stop(t)
	CheckNoLeak(t, base, 10*time.Second)
}
