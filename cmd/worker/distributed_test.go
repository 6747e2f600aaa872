package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/rest/auth"
)

// A bad distributed or dev configuration is one stderr line naming the key
// (or flag) at fault, and exit code 2.
func TestDistributedUsageErrors(t *testing.T) {
	good := "bootstrap.servers=127.0.0.1:1\nkey.converter=StringConverter\nvalue.converter=StringConverter\n" +
		"group.id=g\nconfig.storage.topic=c\noffset.storage.topic=o\nstatus.storage.topic=s\nlisteners=http://127.0.0.1:0\n"
	worker := func(drop, extra string) string {
		var lines []string
		for _, l := range strings.Split(good, "\n") {
			if drop == "" || !strings.HasPrefix(l, drop+"=") {
				lines = append(lines, l)
			}
		}
		return writeFile(t, t.TempDir(), "w.properties", strings.Join(lines, "\n")+extra)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no worker file", []string{"distributed"}, []string{"usage: worker distributed"}},
		{"two files", []string{"distributed", "a", "b"}, []string{"usage: worker distributed"}},
		{"missing file", []string{"distributed", filepath.Join(t.TempDir(), "nope")}, []string{"read worker config"}},
		{"no group", []string{"distributed", worker("group.id", "")}, []string{"group.id"}},
		{"no config topic", []string{"distributed", worker("config.storage.topic", "")}, []string{"config.storage.topic"}},
		{"no status topic", []string{"distributed", worker("status.storage.topic", "")}, []string{"status.storage.topic"}},
		{"bad protocol", []string{"distributed", worker("", "connect.protocol=chatty\n")}, []string{"connect.protocol", "chatty"}},
		{"bad session timeout", []string{"distributed", worker("", "session.timeout.ms=soon\n")}, []string{"session.timeout.ms"}},
		{"heartbeat above session", []string{"distributed", worker("", "session.timeout.ms=6000\nheartbeat.interval.ms=7000\n")}, []string{"heartbeat.interval.ms"}},
		{"bad signature algorithm", []string{"distributed", worker("", "inter.worker.signature.algorithm=HmacMD5\n")}, []string{"inter.worker.signature.algorithm", "HmacMD5"}},
		{"exactly once", []string{"distributed", worker("", "exactly.once.source.support=enabled\n")}, []string{"exactly.once.source.support"}},
		{"bad advertised listener", []string{"distributed", worker("", "rest.advertised.listener=ftp\n")}, []string{"rest.advertised.listener"}},
		{"dev bad broker address", []string{"dev", "--broker-listen", "nowhere"}, []string{"--broker-listen"}},
		{"dev unknown flag", []string{"dev", "--loud"}, []string{"loud"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errOut)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, errOut.String())
			}
			msg := errOut.String()
			if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
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

// `worker dev` runs the embedded broker and a worker; a `worker distributed`
// process joins it; a connector created through the joined worker runs;
// SIGTERM makes the joined worker leave gracefully (its work moves to the
// dev worker) and exit 0, then the dev worker exits 0.
func TestDevAndDistributedBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildWorker(t)
	// Both workers share one users file, as every worker of a cluster must:
	// requests forwarded to the leader carry the caller's credentials.
	users := filepath.Join(t.TempDir(), "users")
	password, created, err := auth.EnsureUsersFile(users)
	if err != nil || !created {
		t.Fatalf("users file: %v %v", created, err)
	}
	dev := startWorker(t, bin, "dev", "--broker-listen", "127.0.0.1:0", "--listeners", "http://127.0.0.1:0", "--group-id", "devtest",
		"--users-file", users)
	var devURL, devAddr string
	select {
	case devURL = <-dev.url:
		devAddr = strings.TrimPrefix(devURL, "http://")
		devURL = withCredentials(t, devURL, auth.GeneratedUser, password)
	case <-time.After(30 * time.Second):
		t.Fatal("dev worker did not listen")
	}
	waitHealthy(t, devURL, 30*time.Second)
	bootstrap := devBootstrapFromLogs(t, dev.stderr.String())

	props := "bootstrap.servers=" + bootstrap + "\ngroup.id=devtest\nconfig.storage.topic=devtest-configs\noffset.storage.topic=devtest-offsets\n" +
		"status.storage.topic=devtest-status\nconfig.storage.replication.factor=1\noffset.storage.replication.factor=1\n" +
		"status.storage.replication.factor=1\noffset.storage.partitions=5\nstatus.storage.partitions=3\n" +
		"key.converter=StringConverter\nvalue.converter=StringConverter\nlisteners=http://127.0.0.1:0\n" +
		"rest.auth.basic.users.file=" + users + "\n" +
		"scheduled.rebalance.max.delay.ms=0\n"
	joined := startWorker(t, bin, "distributed", writeFile(t, t.TempDir(), "w.properties", props))
	var joinedURL string
	select {
	case joinedURL = <-joined.url:
		joinedURL = withCredentials(t, joinedURL, auth.GeneratedUser, password)
	case <-time.After(30 * time.Second):
		t.Fatal("distributed worker did not listen")
	}
	waitHealthy(t, joinedURL, 30*time.Second)

	in := filepath.Join(t.TempDir(), "in.txt")
	body := `{"name":"files","config":{"connector.class":"FileStreamSource","tasks.max":"1","file":"` + in + `","topic":"dev-lines"}}`
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Post(joinedURL+"/connectors", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 201 {
			break
		}
		if resp.StatusCode != 409 || time.Now().After(deadline) {
			t.Fatalf("create through the joined worker: %d", resp.StatusCode)
		}
		time.Sleep(200 * time.Millisecond)
	}
	waitRunning(t, devURL, "files", 30*time.Second)

	if err := joined.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := joined.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("joined worker exit %d", code)
	}
	if !strings.Contains(joined.stderr.String(), "left the group") {
		t.Errorf("joined worker did not leave the group gracefully")
	}
	waitRunningOn(t, devURL, "files", devAddr, 30*time.Second)
	if err := dev.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := dev.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("dev worker exit %d", code)
	}
}

// devBootstrapFromLogs finds the broker address the dev worker connects to.
func devBootstrapFromLogs(t *testing.T, logs string) string {
	t.Helper()
	if m := regexp.MustCompile(`msg="distributed worker started".*?\bbootstrap=(\S+)`).FindStringSubmatch(logs); m != nil {
		return m[1]
	}
	t.Fatalf("no bootstrap address in the dev worker's logs:\n%s", logs)
	return ""
}

func waitHealthy(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for getJSON(t, url+"/health", nil) != 200 {
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy within %v", url, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type statusBody struct {
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"connector"`
	Tasks []struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
	} `json:"tasks"`
}

func waitRunning(t *testing.T, url, name string, timeout time.Duration) statusBody {
	t.Helper()
	return waitRunningOn(t, url, name, "", timeout)
}

// waitRunningOn waits until the connector and its task run, on worker when
// not empty.
func waitRunningOn(t *testing.T, url, name, worker string, timeout time.Duration) statusBody {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var st statusBody
		if getJSON(t, url+"/connectors/"+name+"/status", &st) == 200 && st.Connector.State == "RUNNING" && len(st.Tasks) == 1 &&
			st.Tasks[0].State == "RUNNING" && (worker == "" || st.Tasks[0].WorkerID == worker && st.Connector.WorkerID == worker) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("connector %s not RUNNING (on %q) within %v: %+v", name, worker, timeout, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
