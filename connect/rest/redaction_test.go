package rest_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// Keys of the redaction probe connector.
const (
	probePassword = "database.password"
	probeToken    = "api.token"
	probeKey      = "ssl.key.password"
	probeURL      = "database.url"
)

// probeConnector behaves like a database connector whose task configs
// copy every (resolved) property and whose task fails at start. When
// careless, the failure quotes the DSN with the password, as some drivers
// do. The worker must keep every secret out of REST answers, statuses,
// traces and logs.
type probeConnector struct {
	props    map[string]string
	careless bool
}

func probeDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: probePassword, Type: config.TypePassword, Group: "Probe", Doc: "Database password."}).
		Define(config.Key{Name: probeToken, Type: config.TypePassword, Group: "Probe", Doc: "API token."}).
		Define(config.Key{Name: probeKey, Type: config.TypePassword, Default: "", Group: "Probe", Doc: "Key password."}).
		Define(config.Key{Name: probeURL, Type: config.TypeString, Group: "Probe", Doc: "Database URL."})
}

func (c *probeConnector) Version() string           { return "0.0.1" }
func (c *probeConnector) Config() *config.ConfigDef { return probeDef() }
func (c *probeConnector) Validate(ctx context.Context, props map[string]string) error {
	return nil
}
func (c *probeConnector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	c.props = maps.Clone(props)
	return nil
}
func (c *probeConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return []map[string]string{maps.Clone(c.props)}, nil
}
func (c *probeConnector) Stop(ctx context.Context) error { return nil }
func (c *probeConnector) NewTask() connect.SourceTask    { return &probeTask{careless: c.careless} }

type probeTask struct{ careless bool }

func (t *probeTask) Start(ctx context.Context, tctx connect.SourceTaskContext, props map[string]string) error {
	if !t.careless {
		return fmt.Errorf("connect to postgres://app@%s: password authentication failed", props[probeURL])
	}
	return fmt.Errorf("connect to postgres://app:%s@%s: password authentication failed (token %s, key %s)",
		props[probePassword], props[probeURL], props[probeToken], props[probeKey])
}
func (t *probeTask) Poll(ctx context.Context) ([]*connect.SourceRecord, error) { return nil, nil }
func (t *probeTask) Commit(ctx context.Context) error                          { return nil }
func (t *probeTask) CommitRecord(ctx context.Context, r *connect.SourceRecord, md *connect.RecordMetadata) error {
	return nil
}
func (t *probeTask) Stop(ctx context.Context) error { return nil }

// TestSecretsNeverLeak is the redaction test of issue #10: a connector
// config with distinctive secret values — literals and ${env:} / ${file:}
// references — goes through validate, create, every read endpoint, a
// config update that fails validation, a failing task (status trace),
// restarts and /metrics, with every logger at TRACE; no secret value may
// appear in any response body or header, in the status store, nor in the
// captured logs.
func TestSecretsNeverLeak(t *testing.T) { redactionTest(t, false) }

// TestSecretsNeverLeakFromErrors is the same with a task whose error
// quotes the secrets: the runtime must scrub them from the status trace
// and its log lines, as it already does for errors.log and DLQ headers
// (connect/runtime/errlog.go's redactor).
func TestSecretsNeverLeakFromErrors(t *testing.T) {
	redactionTest(t, true)
}

func redactionTest(t *testing.T, careless bool) {
	const (
		literalPassword = "S3cr3t-Literal-Пароль-7781"
		literalToken    = "Tok3n-Literal-9931-ZZ"
		envPassword     = "S3cr3t-FromEnv-4419-QQ"
		filePassword    = "S3cr3t-FromFile-5520-WW"
		envName         = "ONEC_REDACTION_TEST_PW"
	)
	secrets := []string{literalPassword, literalToken, envPassword, filePassword}
	t.Setenv(envName, envPassword)
	secretsFile := filepath.Join(t.TempDir(), "secrets.properties")
	if err := os.WriteFile(secretsFile, []byte("db.key.password="+filePassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := connecttest.ToyPlugins()
	reg.Register(plugins.Plugin{Class: "RedactionProbe", Kind: plugins.KindSource, Version: "0.0.1", Config: probeDef,
		NewSource: func() connect.SourceConnector { return &probeConnector{careless: careless} }})
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: reg, LogLevel: slog.Level(-8)})
	c := s.Client

	envRef := "${env:" + envName + "}"
	fileRef := "${file:" + secretsFile + ":db.key.password}"
	cfg := map[string]any{
		"connector.class": "RedactionProbe", "tasks.max": "1",
		probeURL: "127.0.0.1:1/erp", probePassword: envRef, probeToken: literalToken, probeKey: fileRef,
	}
	c.Expect(t, "PUT", "/connector-plugins/RedactionProbe/config/validate", cfg, 200, nil)
	var info herder.ConnectorInfo
	c.Expect(t, "POST", "/connectors", map[string]any{"name": "probe", "config": cfg}, 201, &info)
	st := s.WaitState(t, "probe", "RUNNING", 1, "FAILED", 30*time.Second)
	if !strings.Contains(st.Tasks[0].Trace, "password authentication failed") {
		t.Errorf("the failed task's trace lacks the error: %q", st.Tasks[0].Trace)
	}

	// A literal password: stored as given, shown as [hidden].
	cfg[probePassword] = literalPassword
	c.Expect(t, "PUT", "/connectors/probe/config", cfg, 200, nil)
	var got map[string]string
	c.Expect(t, "GET", "/connectors/probe/config", nil, 200, &got)
	for k, want := range map[string]string{probePassword: config.HiddenValue, probeToken: config.HiddenValue, probeKey: fileRef, probeURL: "127.0.0.1:1/erp"} {
		if got[k] != want {
			t.Errorf("GET config: %s = %q, want %q", k, got[k], want)
		}
	}
	s.WaitState(t, "probe", "RUNNING", 1, "FAILED", 30*time.Second)

	// A config that fails validation, with the secrets in it.
	bad := maps.Clone(cfg)
	bad["tasks.max"] = "many"
	if r := c.Do(t, "PUT", "/connectors/probe/config", bad); r.Status != 400 {
		t.Errorf("invalid update: %d %s", r.Status, r.Body)
	}
	c.Do(t, "PUT", "/connector-plugins/RedactionProbe/config/validate", bad)
	c.Do(t, "POST", "/connectors", map[string]any{"name": "probe2", "config": map[string]any{
		"connector.class": "RedactionProbe", probePassword: "${env:ONEC_NO_SUCH_VAR}", probeToken: literalToken, "tasks.max": "many"}})

	// Restarts, every read endpoint.
	c.Expect(t, "POST", "/connectors/probe/restart?includeTasks=true&onlyFailed=true", nil, 202, nil)
	s.WaitState(t, "probe", "RUNNING", 1, "FAILED", 30*time.Second)
	c.Expect(t, "POST", "/connectors/probe/tasks/0/restart", nil, 204, nil)
	s.WaitState(t, "probe", "RUNNING", 1, "FAILED", 30*time.Second)
	for _, p := range []string{"/connectors?expand=status&expand=info", "/connectors/probe", "/connectors/probe/config",
		"/connectors/probe/status", "/connectors/probe/tasks", "/connectors/probe/tasks-config", "/connectors/probe/tasks/0/status",
		"/connectors/probe/offsets", "/connectors/probe/topics", "/metrics", "/admin/loggers"} {
		c.Do(t, "GET", p, nil)
	}
	stored := fmt.Sprint(s.Statuses.Tasks("probe"))
	if cs, ok := s.Statuses.Connector("probe"); ok {
		stored += fmt.Sprint(cs)
	}
	for _, sec := range secrets {
		if strings.Contains(stored, sec) {
			t.Errorf("secret %q in the status store", sec)
		}
	}
	c.Expect(t, "PUT", "/connectors/probe/stop", nil, 204, nil)
	c.Expect(t, "DELETE", "/connectors/probe", nil, 204, nil)

	bodies := strings.Join(c.Bodies(), "\n")
	if !strings.Contains(bodies, config.HiddenValue) {
		t.Error("no response showed " + config.HiddenValue + "; the test exercised nothing")
	}
	if !strings.Contains(s.Logs.String(), "probe") {
		t.Error("the captured logs do not mention the connector; log capture is not working")
	}
	s.CheckNoSecrets(t, secrets...)
}
