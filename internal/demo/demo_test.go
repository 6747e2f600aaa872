package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/internal/pgserver"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// envWorkerBin names a prebuilt worker binary for TestDemoBounded (CI
// may pass bin/worker); without it the test builds ./cmd/worker.
const envWorkerBin = "DEMO_WORKER_BIN"

// workerBinary returns the worker binary to run: $DEMO_WORKER_BIN or a
// fresh build of ./cmd/worker.
func workerBinary(t *testing.T) string {
	if p := os.Getenv(envWorkerBin); p != "" {
		return p
	}
	bin := filepath.Join(t.TempDir(), "worker")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/worker")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/worker: %v\n%s", err, out)
	}
	return bin
}

// TestDemoBounded runs the whole demo against the real worker binary for
// a few seconds and checks its verdict, its output and that it removed
// everything it created.
func TestDemoBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and the worker")
	}
	if _, err := pgserver.FindBinDir(); err != nil {
		testkit.SkipOrFail(t, err.Error())
	}
	bin := workerBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 110*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := Main(ctx, []string{"--worker-bin", bin, "--seconds", "10", "--interval", "2s", "--rate", "20"}, &stdout, &stderr)
	t.Logf("demo took %s", time.Since(start).Round(time.Millisecond))
	if code != exitOK {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"[5/5]", "demo: OK", nameChanges, nameOutbox, nameInbox, outboxTopic,
		"outbox queue depth: 0", "unsent registrations: 0", "curl ", " tail "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, topic := range changesTopics() {
		if !strings.Contains(out, topic) {
			t.Errorf("output lacks topic %s", topic)
		}
	}
	if m := regexp.MustCompile(`REST credentials generated at first start: user (\S+), password (\S+)`).FindStringSubmatch(out); m != nil {
		if !strings.Contains(out, "curl -u "+m[1]+":"+m[2]+" ") {
			t.Error("the curl hints do not carry the generated credentials")
		}
	}
	for _, re := range []string{`lives under (\S+) and`, `throwaway cluster on \S+ \((\S+)\)`} {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("output lacks %s", re)
			continue
		}
		if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
			t.Errorf("%s still exists after the demo (err %v)", m[1], err)
		}
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out, stderr.String())
}
