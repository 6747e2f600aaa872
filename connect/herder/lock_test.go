package herder

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
)

func newTestHerder(t *testing.T) *Standalone {
	t.Helper()
	wc, err := runtime.ParseWorkerConfig(map[string]string{
		"key.converter": "org.apache.kafka.connect.storage.StringConverter", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := runtime.NewWorker(wc, runtime.Options{WorkerID: "w:1", Offsets: storage.NewMemoryOffsetStore()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewStandalone(Options{Worker: w, ClusterID: "cluster", HealthTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A write that cannot take the herder lock in time fails with KindTimeout
// and says what the herder is busy with; health turns unhealthy.
func TestTimeoutNamesStage(t *testing.T) {
	h := newTestHerder(t)
	h.started.Store(true)
	release, err := h.acquire(context.Background(), "writing a config for connector slow")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = h.DeleteConnector(ctx, "x")
	if KindOf(err) != KindTimeout {
		t.Fatalf("error %v, want a timeout", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "Request timed out. The worker is currently writing a config for connector slow, which began at ") {
		t.Errorf("message %q", msg)
	}
	if st := h.Health(context.Background()); st.Status != HealthUnhealthy {
		t.Errorf("health %+v, want unhealthy", st)
	}
}

func TestHealthStarting(t *testing.T) {
	h := newTestHerder(t)
	if st := h.Health(context.Background()); st.Status != HealthStarting || st.Message != "Worker is still starting up." {
		t.Errorf("health %+v, want starting", st)
	}
	h.started.Store(true)
	if st := h.Health(context.Background()); st.Status != HealthHealthy {
		t.Errorf("health %+v, want healthy", st)
	}
}

func TestServerInfo(t *testing.T) {
	h := newTestHerder(t)
	if got := h.ServerInfo(context.Background()); got.KafkaClusterID != "cluster" {
		t.Errorf("server info %+v", got)
	}
}
