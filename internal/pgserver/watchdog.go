package pgserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// startWatchdog starts a detached shell that waits for end-of-file on a pipe
// only this process holds, then stops the cluster and removes its
// directory: the cluster goes away when this process exits, however it
// exits, or when Stop closes the pipe.
func (s *Server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	pgctl := ShellQuote(filepath.Join(s.bindir, "pg_ctl"))
	if s.runAs != "" {
		pgctl = "runuser -u " + ShellQuote(s.runAs) + " -- " + pgctl
	}
	script := fmt.Sprintf(`read _ignored; if [ -f %[1]s/postmaster.pid ]; then %[2]s -D %[1]s -m immediate -w -t 30 stop >/dev/null 2>&1; fi; rm -rf %[3]s`,
		ShellQuote(s.dataDir()), pgctl, ShellQuote(s.dir))
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Stdin = r
	cmd.Dir = "/"
	detachProcessGroup(cmd) // survive Ctrl-C to our group
	if err := cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		return fmt.Errorf("start postgres watchdog: %w", err)
	}
	_ = r.Close()
	s.watchdog, s.watchdogPipe = cmd, w
	return nil
}

// Stop stops the cluster (immediate shutdown) and removes its directory
// through the watchdog, waiting at most 45 s. Call it once.
func (s *Server) Stop() error {
	if s.watchdog == nil {
		if err := os.RemoveAll(s.dir); err != nil {
			return fmt.Errorf("remove %s: %w", s.dir, err)
		}
		return nil
	}
	_ = s.watchdogPipe.Close()
	done := make(chan error, 1)
	go func() { done <- s.watchdog.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("postgres watchdog for %s: %w", s.dir, err)
		}
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("postgres watchdog for %s did not finish in %s", s.dir, stopTimeout)
	}
}

// ShellQuote quotes s for /bin/sh (single quotes; embedded ones escaped),
// as the watchdog's script needs for paths.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
