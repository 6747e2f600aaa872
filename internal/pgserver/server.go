package pgserver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// StartTimeout is a sensible bound for Start (initdb plus pg_ctl start).
const StartTimeout = 2 * time.Minute

// stopTimeout bounds Stop's wait for the watchdog.
const stopTimeout = 45 * time.Second

// Options configure Start.
type Options struct {
	// DirPrefix starts the name of the cluster's temporary directory
	// ("onec-pg-" when empty); a random suffix follows.
	DirPrefix string
}

// Server is a running throwaway cluster: data under Dir()/data, its Unix
// socket in Dir(), TCP on 127.0.0.1:Port(), superuser "postgres" with
// trust authentication. Stop it with Stop; its methods are safe for
// concurrent use except Stop, which must be called once.
type Server struct {
	dir    string
	port   int
	bindir string
	runAs  string // "postgres" when we are root, "" to run as ourselves

	watchdog     *exec.Cmd
	watchdogPipe *os.File // closing it makes the watchdog stop the cluster
}

// Start runs initdb and pg_ctl start in a fresh temporary directory and
// starts the watchdog. A port taken by another process between choosing
// and binding it is retried twice. ctx bounds the whole start (see
// StartTimeout); on failure nothing is left behind.
func Start(ctx context.Context, o Options) (*Server, error) {
	bindir, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	s := &Server{bindir: bindir}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root but there is no postgres user to run initdb as (install Debian's postgresql package): %w", err)
		}
		s.runAs = "postgres"
	}
	prefix := o.DirPrefix
	if prefix == "" {
		prefix = "onec-pg-"
	}
	if s.dir, err = tempDir(prefix, s.runAs); err != nil {
		return nil, err
	}
	if err := s.startWatchdog(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.initdb(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err == nil {
			err = s.pgctlStart(ctx)
		}
		if err == nil {
			return s, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			s.Stop()
			return nil, err
		}
	}
}

// Dir returns the cluster's directory (removed by Stop).
func (s *Server) Dir() string { return s.dir }

// Port returns the TCP port the server listens on at 127.0.0.1.
func (s *Server) Port() int { return s.port }

// BinDir returns the directory of the PostgreSQL binaries in use.
func (s *Server) BinDir() string { return s.bindir }

// URL returns the superuser postgres:// URL of database db over TCP.
func (s *Server) URL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// tempDir makes a unique directory owned by the user the server runs as.
// When running as root the directory goes to /tmp if the default temp dir
// is not traversable by others.
func tempDir(prefix, runAs string) (string, error) {
	base := os.TempDir()
	if runAs != "" && !traversableByAll(base) {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, prefix)
	if err != nil {
		return "", fmt.Errorf("postgres temp dir: %w", err)
	}
	if runAs != "" {
		u, err := user.Lookup(runAs)
		if err != nil {
			_ = os.RemoveAll(dir)
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

// command builds a command running a PostgreSQL binary as s.runAs.
func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	bin := filepath.Join(s.bindir, name)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", s.runAs, "--", bin}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, bin, args...)
	}
	cmd.Dir = s.dir // a cwd the server user can enter
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGTZ=UTC")
	return cmd
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *Server) logFile() string { return filepath.Join(s.dir, "postgres.log") }

func (s *Server) initdb(ctx context.Context) error {
	cmd := s.command(ctx, "initdb", "-D", s.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", s.dir, err, out)
	}
	return nil
}

func (s *Server) pgctlStart(ctx context.Context) error {
	opts := strings.Join([]string{
		"-p", strconv.Itoa(s.port),
		"-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=200",
		"-c", "shared_buffers=64MB",
		"-c", "timezone=UTC",
	}, " ")
	cmd := s.command(ctx, "pg_ctl", "-D", s.dataDir(), "-l", s.logFile(), "-w", "-t", "60", "-o", opts, "start")
	// pg_ctl's children (the postmaster) keep its stdout open: give it no
	// pipes so Wait does not hang on them.
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(s.logFile())
		return fmt.Errorf("pg_ctl start on port %d: %w\n%s", s.port, err, tail(log, 2000))
	}
	return nil
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

// tail returns at most the last n bytes of b as a string.
func tail(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
