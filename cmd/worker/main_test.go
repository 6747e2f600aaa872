package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "onec-connect ") || !strings.Contains(out.String(), "Kafka Connect REST API 3.9.0") {
		t.Errorf("version output %q", out.String())
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bad usage and bad configs exit 2 with one line naming the problem,
// before anything connects to Kafka.
func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	good := "bootstrap.servers=127.0.0.1:1\nkey.converter=StringConverter\nvalue.converter=StringConverter\n" +
		"offset.storage.file.filename=" + filepath.Join(dir, "offsets") + "\nlisteners=http://127.0.0.1:0\n"
	worker := func(extra string) string { return writeFile(t, t.TempDir(), "w.properties", good+extra) }
	for _, tc := range []struct {
		name string
		args func() []string
		want []string // substrings of the one stderr line
	}{
		{"no command", func() []string { return nil }, []string{"usage: worker"}},
		{"unknown command", func() []string { return []string{"distribute"} }, []string{`unknown command "distribute"`}},
		{"no worker file", func() []string { return []string{"standalone"} }, []string{"usage: worker standalone"}},
		{"missing worker file", func() []string { return []string{"standalone", filepath.Join(dir, "nope")} }, []string{"read worker config"}},
		{"missing converter", func() []string {
			return []string{"standalone", writeFile(t, t.TempDir(), "w.properties", "offset.storage.file.filename=/tmp/x\nvalue.converter=StringConverter\n")}
		}, []string{"key.converter"}},
		{"bad number", func() []string { return []string{"standalone", worker("offset.flush.interval.ms=soon\n")} }, []string{"offset.flush.interval.ms", "soon"}},
		{"no offsets file", func() []string {
			return []string{"standalone", writeFile(t, t.TempDir(), "w.properties", "key.converter=StringConverter\nvalue.converter=StringConverter\n")}
		}, []string{"offset.storage.file.filename", "missing"}},
		{"bad log level", func() []string { return []string{"standalone", worker("log.level=LOUD\n")} }, []string{"log.level", "LOUD"}},
		{"https listener", func() []string { return []string{"standalone", worker("listeners=https://:8443\n")} }, []string{"listeners", "https"}},
		{"connector without name", func() []string {
			return []string{"standalone", worker(""), writeFile(t, t.TempDir(), "c.properties", "connector.class=FileStreamSink\n")}
		}, []string{"c.properties", "name"}},
		{"connector bad json", func() []string {
			return []string{"standalone", worker(""), writeFile(t, t.TempDir(), "c.json", `{"name": "x", "config": {"topics": ["a"]}}`)}
		}, []string{"c.json", "topics"}},
		{"duplicate connector names", func() []string {
			c := writeFile(t, t.TempDir(), "c.properties", "name=dup\nconnector.class=FileStreamSink\n")
			return []string{"standalone", worker(""), c, c}
		}, []string{"dup", "already used"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args(), &out, &errOut)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, errOut.String())
			}
			msg := errOut.String()
			if tc.name != "no command" && strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("message is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestParseConnectorJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string
		cfg  map[string]string
	}{
		{`{"name": "a", "config": {"tasks.max": 2, "x": true, "y": "z"}}`, "a", map[string]string{"tasks.max": "2", "x": "true", "y": "z"}},
		{`{"name": "b", "connector.class": "C"}`, "b", map[string]string{"name": "b", "connector.class": "C"}},
	} {
		cfg, name, err := parseConnectorJSON([]byte(tc.in))
		if err != nil || name != tc.name || !mapsEqual(cfg, tc.cfg) {
			t.Errorf("%s: got %v %q %v, want %v %q", tc.in, cfg, name, err, tc.cfg, tc.name)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// buildWorker compiles the binary into a temporary directory.
func buildWorker(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "worker")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// exampleProps reads an example properties file and overrides keys.
func exampleProps(t *testing.T, name string, override map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "config", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	props, err := config.ParseProperties(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	for k, v := range override {
		props[k] = v
	}
	var out bytes.Buffer
	if err := config.WriteProperties(&out, props); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, t.TempDir(), name, out.String())
}

// exampleJSON reads an example POST /connectors body and overrides config keys.
func exampleJSON(t *testing.T, name string, override map[string]any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "config", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Name   string         `json:"name"`
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	for k, v := range override {
		body.Config[k] = v
	}
	out, _ := json.Marshal(body)
	return writeFile(t, t.TempDir(), name, string(out))
}

// process is a started worker binary whose stderr is collected.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	url    chan string
	done   chan error
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listening = regexp.MustCompile(`msg="REST server listening" url=(\S+)`)

func startWorker(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: newSyncBuffer(), url: make(chan string, 1), done: make(chan error, 1)}
	pr, pw := io.Pipe()
	p.cmd.Stderr = pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.stderr.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				select {
				case p.url <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { err := p.cmd.Wait(); pw.Close(); p.done <- err }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("worker stderr:\n%s", p.stderr.String())
		}
	})
	return p
}

func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(timeout):
		t.Fatalf("worker did not exit within %s", timeout)
		return -1
	}
}

// withCredentials puts basic-auth credentials into a URL; net/http sends
// them as the Authorization header.
func withCredentials(t *testing.T, base, user, password string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func getJSON(t *testing.T, url string, out any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("GET %s: %v: %s", url, err, b)
		}
	}
	return resp.StatusCode
}

// The real binary runs the example configs against kfake: both file
// connectors come up, lines flow file → Kafka → file, the REST API
// answers, and SIGTERM stops it with exit code 0. A bad connector file
// makes it exit 2.
func TestStandaloneBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildWorker(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("connect-test")
	k.CreateTopic(t, topic, 1, nil)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	worker := exampleProps(t, "worker-standalone.properties", map[string]string{
		"bootstrap.servers": k.BootstrapString(), "listeners": "http://127.0.0.1:0",
		"offset.storage.file.filename": filepath.Join(dir, "offsets.json"), "offset.flush.interval.ms": "500",
	})
	source := exampleProps(t, "file-source.properties", map[string]string{"file": in, "topic": topic})
	sink := exampleJSON(t, "file-sink.json", map[string]any{"file": out, "topics": topic})

	p := startWorker(t, bin, "standalone", worker, source, sink)
	var base string
	select {
	case base = <-p.url:
	case err := <-p.done:
		t.Fatalf("worker exited early: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("worker did not report its REST listener within 60 s")
	}
	// The first start generated admin credentials and printed them once.
	if code := getJSON(t, base+"/connectors", nil); code != 401 {
		t.Fatalf("GET /connectors without credentials: %d, want 401", code)
	}
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(p.stderr.String())
	if m == nil {
		t.Fatalf("no generated credentials printed:\n%s", p.stderr.String())
	}
	base = withCredentials(t, base, "admin", m[1])
	var info struct {
		Version string `json:"version"`
	}
	if code := getJSON(t, base+"/", &info); code != 200 || info.Version != "3.9.0" {
		t.Fatalf("GET /: %d %+v", code, info)
	}
	for _, name := range []string{"local-file-source", "local-file-sink"} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			var st struct {
				Connector struct{ State string }   `json:"connector"`
				Tasks     []struct{ State string } `json:"tasks"`
			}
			if getJSON(t, base+"/connectors/"+name+"/status", &st) == 200 && st.Connector.State == "RUNNING" &&
				len(st.Tasks) == 1 && st.Tasks[0].State == "RUNNING" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("connector %s not RUNNING: %+v", name, st)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err := os.WriteFile(in, []byte("первая\nsecond\nthird\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if string(b) == "первая\nsecond\nthird\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sink file holds %q", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 40*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	if !strings.Contains(p.stderr.String(), "standalone worker stopped") {
		t.Errorf("no clean stop in the log")
	}

	bad := exampleProps(t, "file-source.properties", map[string]string{"file": in, "topic": ""})
	p2 := startWorker(t, bin, "standalone", worker, bad)
	if code := p2.wait(t, 60*time.Second); code != exitUsage {
		t.Fatalf("bad connector config: exit %d, want %d", code, exitUsage)
	}
	last := strings.TrimSpace(p2.stderr.String())
	last = last[strings.LastIndexByte(last, '\n')+1:]
	if !strings.HasPrefix(last, "worker standalone: connector config ") || !strings.Contains(last, "topic") {
		t.Errorf("last stderr line %q does not name the bad key", last)
	}
}
