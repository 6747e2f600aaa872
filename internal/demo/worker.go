package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connect/rest/auth"
)

// Bounds of the worker subprocess.
const (
	workerStartTimeout = 90 * time.Second
	workerStopTimeout  = 30 * time.Second
	demoGroup          = "onec-demo"
)

// workerProc is the `worker dev` subprocess: embedded broker plus one
// distributed worker with REST basic authentication. Its stdout and
// stderr go to logPath; stdout is also scanned for the ready banner.
type workerProc struct {
	cmd       *exec.Cmd
	logPath   string
	restURL   string // http://127.0.0.1:PORT
	bootstrap string // 127.0.0.1:PORT

	user      string // REST basic credentials, generated before the start
	password  string
	usersFile string

	mu    sync.Mutex
	ready bool

	exited  chan struct{} // closed when the process has exited
	waitErr error         // set before exited is closed
}

// startWorker runs `worker dev` on free loopback ports with its REST users
// file, HOME and working directory inside dir, so whatever it keeps on
// disk is fresh and removed with dir. It waits until the REST API serves,
// and registers the stop.
func startWorker(ctx context.Context, bin, dir string, cl *cleanup) (*workerProc, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("worker binary %s: %w (build it with `make build`, or pass --worker-bin)", bin, err)
	}
	brokerPort, err := freePort()
	if err != nil {
		return nil, err
	}
	restPort, err := freePort()
	if err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "worker")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, fmt.Errorf("worker directory: %w", err)
	}
	w := &workerProc{
		logPath:   filepath.Join(dir, "worker.log"),
		bootstrap: net.JoinHostPort("127.0.0.1", strconv.Itoa(brokerPort)),
		restURL:   "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(restPort)),
		exited:    make(chan struct{}),
	}
	logFile, err := os.OpenFile(w.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("worker log: %w", err)
	}
	absBin, err := filepath.Abs(bin)
	if err != nil {
		absBin = bin
	}
	// The users file is created here, with the worker's own function, so
	// the demo knows the generated password without parsing the worker's
	// console; the worker reads the file as it would one it generated.
	usersFile := filepath.Join(home, "rest-users")
	pw, _, err := auth.EnsureUsersFile(usersFile)
	if err != nil {
		return nil, fmt.Errorf("REST users file: %w", err)
	}
	w.user, w.password, w.usersFile = auth.GeneratedUser, pw, usersFile
	w.cmd = exec.Command(absBin, "dev", "--broker-listen", w.bootstrap, "--listeners", w.restURL, "--group-id", demoGroup,
		"--users-file", usersFile)
	w.cmd.Dir = home
	w.cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home)
	w.cmd.Stderr = logFile
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("worker stdout: %w", err)
	}
	detach(w.cmd)
	if err := w.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s dev: %w", bin, err)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		w.scan(stdout, logFile)
	}()
	go func() {
		<-scanned // Wait closes the pipe: read it to the end first
		w.waitErr = w.cmd.Wait()
		logFile.Close()
		close(w.exited)
	}()
	cl.push("stop the worker", w.stop)
	if err := w.waitReady(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// scan copies the worker's stdout to the log and watches for its banner,
// printed once the herder has started.
func (w *workerProc) scan(r io.Reader, log io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if strings.Contains(line, "REST API at") {
			w.mu.Lock()
			w.ready = true
			w.mu.Unlock()
		}
	}
	_, _ = io.Copy(log, r)
}

// credentials returns the generated REST user and password.
func (w *workerProc) credentials() (user, password string) { return w.user, w.password }

// waitReady waits until the worker printed its banner (the herder has
// started and REST serves), the process exits, or workerStartTimeout.
func (w *workerProc) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, workerStartTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		w.mu.Lock()
		ready := w.ready
		w.mu.Unlock()
		if ready {
			return nil
		}
		select {
		case <-w.exited:
			return fmt.Errorf("worker dev exited during start-up (%v); its log:\n%s", w.waitErr, w.logTail(30))
		case <-ctx.Done():
			return fmt.Errorf("worker dev did not become ready in %s: %w; its log:\n%s", workerStartTimeout, ctx.Err(), w.logTail(30))
		case <-tick.C:
		}
	}
}

// alive reports whether the process is still running.
func (w *workerProc) alive() bool {
	select {
	case <-w.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM (the worker leaves its group and stops its tasks),
// waits up to workerStopTimeout, then kills.
func (w *workerProc) stop() error {
	if !w.alive() {
		return nil
	}
	if err := terminate(w.cmd); err != nil && !errors.Is(err, os.ErrProcessDone) {
		_ = w.cmd.Process.Kill()
	}
	select {
	case <-w.exited:
		return nil
	case <-time.After(workerStopTimeout):
	}
	_ = w.cmd.Process.Kill()
	select {
	case <-w.exited:
		return fmt.Errorf("worker did not stop within %s of SIGTERM: killed", workerStopTimeout)
	case <-time.After(5 * time.Second):
		return fmt.Errorf("worker (pid %d) did not exit after SIGKILL", w.cmd.Process.Pid)
	}
}

// logTail returns the last n lines of the worker's log.
func (w *workerProc) logTail(n int) string {
	b, err := os.ReadFile(w.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// freePort returns a TCP port free on 127.0.0.1 at the time of the call.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
