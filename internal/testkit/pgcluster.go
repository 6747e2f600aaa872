package testkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// errNoInitdb means PostgreSQL's server binaries are not installed.
var errNoInitdb = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; install them with scripts/ensure-postgres.sh (Debian package postgresql) or set " + EnvPostgresURL)

// pgStartTimeout bounds initdb plus pg_ctl start.
const pgStartTimeout = 2 * time.Minute

// pgCluster is a throwaway PostgreSQL cluster in its own temporary
// directory: data under dir/data, the socket in dir, a random loopback port.
type pgCluster struct {
	dir    string
	port   int
	bindir string
	runAs  string // "postgres" when we are root, "" to run as ourselves

	watchdog     *exec.Cmd
	watchdogPipe *os.File // closing it makes the watchdog stop the cluster
}

// findPgBinDir returns the directory holding initdb and pg_ctl: PATH first
// (resolving symlinks, Debian keeps them in /usr/lib/postgresql/N/bin), then
// the newest /usr/lib/postgresql/*/bin.
func findPgBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVer := "", -1
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err != nil {
			v = 0
		}
		if v > bestVer {
			best, bestVer = d, v
		}
	}
	if best == "" {
		return "", errNoInitdb
	}
	return best, nil
}

// startPgCluster runs initdb and pg_ctl start in a fresh temporary directory
// and starts the watchdog. Port races with other processes are retried.
func startPgCluster(ctx context.Context) (*pgCluster, error) {
	bindir, err := findPgBinDir()
	if err != nil {
		return nil, err
	}
	c := &pgCluster{bindir: bindir}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root but there is no postgres user to run initdb as (install Debian's postgresql package): %w", err)
		}
		c.runAs = "postgres"
	}
	if c.dir, err = pgTempDir(c.runAs); err != nil {
		return nil, err
	}
	if err := c.startWatchdog(); err != nil {
		_ = os.RemoveAll(c.dir)
		return nil, err
	}
	if err := c.initdb(ctx); err != nil {
		c.stop()
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err == nil {
			err = c.pgctlStart(ctx)
		}
		if err == nil {
			return c, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			c.stop()
			return nil, err
		}
	}
}

// pgTempDir makes a unique directory per process, owned by the user the
// server runs as. When running as root the directory goes to /tmp if the
// default temp dir is not traversable by others.
func pgTempDir(runAs string) (string, error) {
	base := os.TempDir()
	if runAs != "" && !traversableByAll(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, fmt.Sprintf("onec-testkit-pg-%d-", os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("postgres temp dir: %w", err)
	}
	if runAs != "" {
		u, err := user.Lookup(runAs)
		if err != nil {
			return "", fmt.Errorf("look up user %s: %w", runAs, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			_ = os.RemoveAll(dir)
			return "", fmt.Errorf("chown %s to %s: %w", dir, runAs, err)
		}
	}
	return dir, nil
}

// traversableByAll reports whether every directory from / down to dir has
// the others-execute bit.
func traversableByAll(dir string) bool {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// command builds a command running a PostgreSQL binary as c.runAs.
func (c *pgCluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	bin := filepath.Join(c.bindir, name)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.runAs, "--", bin}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, bin, args...)
	}
	cmd.Dir = c.dir // a cwd the server user can enter
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGTZ=UTC")
	return cmd
}

func (c *pgCluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *pgCluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

func (c *pgCluster) initdb(ctx context.Context) error {
	cmd := c.command(ctx, "initdb", "-D", c.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", c.dir, err, out)
	}
	return nil
}

func (c *pgCluster) pgctlStart(ctx context.Context) error {
	opts := strings.Join([]string{
		"-p", strconv.Itoa(c.port),
		"-k", c.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
		"-c", "shared_buffers=64MB",
		"-c", "timezone=UTC",
	}, " ")
	cmd := c.command(ctx, "pg_ctl", "-D", c.dataDir(), "-l", c.logFile(), "-w", "-t", "60", "-o", opts, "start")
	// pg_ctl's children (the postmaster) keep its stdout open: give it files
	// instead of pipes so Wait does not hang on them.
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(c.logFile())
		return fmt.Errorf("pg_ctl start on port %d: %w\n%s", c.port, err, tail(log, 2000))
	}
	return nil
}

// startWatchdog starts a detached shell that waits for end-of-file on a pipe
// only this process holds, then stops the cluster and removes its directory:
// the cluster goes away when the test binary exits, however it exits.
func (c *pgCluster) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("watchdog pipe: %w", err)
	}
	pgctl := shellQuote(filepath.Join(c.bindir, "pg_ctl"))
	if c.runAs != "" {
		pgctl = "runuser -u " + shellQuote(c.runAs) + " -- " + pgctl
	}
	script := fmt.Sprintf(`read _ignored; if [ -f %[1]s/postmaster.pid ]; then %[2]s -D %[1]s -m immediate -w -t 30 stop >/dev/null 2>&1; fi; rm -rf %[3]s`,
		shellQuote(c.dataDir()), pgctl, shellQuote(c.dir))
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
	c.watchdog, c.watchdogPipe = cmd, w
	return nil
}

// stop stops the cluster and removes its directory through the watchdog,
// waiting at most 45 s.
func (c *pgCluster) stop() {
	if c.watchdog == nil {
		_ = os.RemoveAll(c.dir)
		return
	}
	_ = c.watchdogPipe.Close()
	done := make(chan struct{})
	go func() {
		_ = c.watchdog.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(45 * time.Second):
		fmt.Fprintf(os.Stderr, "testkit: postgres watchdog for %s did not finish in 45s\n", c.dir)
	}
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail returns at most the last n bytes of b as a string.
func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
