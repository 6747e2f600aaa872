package herder_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// A task that fails reports FAILED with its trace (and the FAILED state
// gauge); restart?includeTasks=true&onlyFailed=true restarts only it and
// brings it back.
func TestFailedTaskRestartOnlyFailed(t *testing.T) {
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	marker := filepath.Join(t.TempDir(), "fail")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"connector.class": "ToySource", "tasks.max": 2, "fail.marker": marker}
	s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": "flaky", "config": cfg}, 201, nil)
	st := s.WaitState(t, "flaky", "RUNNING", 2, "FAILED", 20*time.Second)
	for _, ts := range st.Tasks {
		if !strings.Contains(ts.Trace, "marker file") {
			t.Errorf("task %d trace %q does not carry the failure", ts.ID, ts.Trace)
		}
	}
	var one herder.TaskState
	s.Client.Expect(t, "GET", "/connectors/flaky/tasks/1/status", nil, 200, &one)
	if one.State != "FAILED" || one.Trace == "" {
		t.Errorf("task 1 status %+v, want FAILED with a trace", one)
	}
	m := s.Client.Expect(t, "GET", "/metrics", nil, 200, nil)
	if !strings.Contains(string(m.Body), `connect_task_status{connector="flaky",state="FAILED",task="0"} 1`) {
		t.Errorf("metrics lack the FAILED task gauge:\n%s", m.Body)
	}

	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	var answer herder.ConnectorStateInfo
	s.Client.Expect(t, "POST", "/connectors/flaky/restart?includeTasks=true&onlyFailed=true", nil, 202, &answer)
	if answer.Connector.State != "RUNNING" {
		t.Errorf("connector shown %s, want RUNNING (not failed, so not restarted)", answer.Connector.State)
	}
	if len(answer.Tasks) != 2 || answer.Tasks[0].State != "RESTARTING" || answer.Tasks[1].State != "RESTARTING" {
		t.Errorf("tasks shown %+v, want both RESTARTING", answer.Tasks)
	}
	st = s.WaitState(t, "flaky", "RUNNING", 2, "RUNNING", 20*time.Second)
	for _, ts := range st.Tasks {
		if ts.Trace != "" {
			t.Errorf("task %d still carries a trace after recovery: %q", ts.ID, ts.Trace)
		}
	}
}

// A single failed task comes back through POST .../tasks/{t}/restart.
func TestRestartSingleTask(t *testing.T) {
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	marker := filepath.Join(t.TempDir(), "fail")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"connector.class": "ToySource", "tasks.max": 1, "fail.marker": marker}
	s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": "one", "config": cfg}, 201, nil)
	s.WaitState(t, "one", "RUNNING", 1, "FAILED", 20*time.Second)
	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}
	s.Client.Expect(t, "POST", "/connectors/one/tasks/0/restart", nil, 204, nil)
	s.WaitState(t, "one", "RUNNING", 1, "RUNNING", 20*time.Second)
}

// KIP-980: a connector created STOPPED has no tasks; resume generates them.
func TestInitialStateStopped(t *testing.T) {
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	var info herder.ConnectorInfo
	s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": "later", "initial_state": "stopped",
		"config": map[string]any{"connector.class": "ToySource", "tasks.max": 3}}, 201, &info)
	if len(info.Tasks) != 0 {
		t.Errorf("stopped connector created with tasks %+v", info.Tasks)
	}
	s.WaitState(t, "later", "STOPPED", 0, "", 20*time.Second)
	s.Client.Expect(t, "PUT", "/connectors/later/resume", nil, 202, nil)
	s.WaitState(t, "later", "RUNNING", 3, "RUNNING", 20*time.Second)
}

// GET /health answers healthy once the herder has started.
func TestHealth(t *testing.T) {
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	var ws herder.WorkerStatus
	s.Client.Expect(t, "GET", "/health", nil, 200, &ws)
	if ws.Status != "healthy" {
		t.Errorf("health %+v", ws)
	}
}
