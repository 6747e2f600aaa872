package testkit

import (
	"context"
	"fmt"
	"os"

	"github.com/onecconnect/onecconnect/internal/pgserver"
)

// errNoInitdb means PostgreSQL's server binaries are not installed.
var errNoInitdb = pgserver.ErrNoInitdb

// pgStartTimeout bounds initdb plus pg_ctl start.
const pgStartTimeout = pgserver.StartTimeout

// pgCluster is the test binary's throwaway PostgreSQL cluster
// (internal/pgserver): data under dir/data, the socket in dir, a random
// loopback port, stopped by a watchdog when the process exits.
type pgCluster struct {
	*pgserver.Server
	dir string
}

// findPgBinDir returns the directory holding initdb and pg_ctl.
func findPgBinDir() (string, error) { return pgserver.FindBinDir() }

// startPgCluster starts a cluster in a fresh temporary directory named
// after the test process.
func startPgCluster(ctx context.Context) (*pgCluster, error) {
	s, err := pgserver.Start(ctx, pgserver.Options{DirPrefix: fmt.Sprintf("onec-testkit-pg-%d-", os.Getpid())})
	if err != nil {
		return nil, err
	}
	return &pgCluster{Server: s, dir: s.Dir()}, nil
}

// stop stops the cluster and removes its directory, waiting at most 45 s.
func (c *pgCluster) stop() {
	if err := c.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "testkit: %v\n", err)
	}
}

// url returns the superuser URL of one database of the cluster over TCP.
func (c *pgCluster) url(db string) string { return c.URL(db) }

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string { return pgserver.ShellQuote(s) }
