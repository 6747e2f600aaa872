package testkit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgShared is the process-wide PostgreSQL server of a test binary: started
// once on first use, stopped by Main (or by its watchdog at exit).
var pgShared struct {
	once     sync.Once
	adminURL string     // superuser URL to the "postgres" database
	cluster  *pgCluster // nil for an external server
	err      error
}

// PostgresAdminURL returns a superuser postgres:// URL to the maintenance
// database of the test binary's PostgreSQL server: the URL from
// ONEC_TEST_POSTGRES_URL, or the throwaway cluster the harness starts on
// first use. Missing PostgreSQL binaries skip the test (fail under CI=true).
func PostgresAdminURL(t testing.TB) string {
	t.Helper()
	pgShared.once.Do(func() {
		pgShared.adminURL, pgShared.cluster, pgShared.err = setupPostgres(os.Getenv)
	})
	if errors.Is(pgShared.err, errNoInitdb) {
		SkipOrFail(t, pgShared.err.Error())
	}
	if pgShared.err != nil {
		t.Fatalf("testkit: postgres: %v", pgShared.err)
	}
	return pgShared.adminURL
}

func setupPostgres(getenv getenvFunc) (string, *pgCluster, error) {
	if u, external := postgresTarget(getenv); external {
		if _, err := url.Parse(u); err != nil {
			return "", nil, fmt.Errorf("%s: %w", EnvPostgresURL, err)
		}
		return u, nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), pgStartTimeout)
	defer cancel()
	c, err := startPgCluster(ctx)
	if errors.Is(err, errNoInitdb) {
		return "", nil, fmt.Errorf("%w, or set %s", err, EnvPostgresURL)
	}
	if err != nil {
		return "", nil, err
	}
	return c.url("postgres"), c, nil
}

// Postgres creates a fresh, uniquely named database for the test on the
// shared server and returns a superuser postgres:// URL to it. The database
// is dropped (WITH (FORCE)) at the test's cleanup.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := PostgresAdminURL(t)
	name := "test_" + time.Now().UTC().Format("150405") + "_" + randomSuffix(8)
	dbURL, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testkit: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testkit: drop database %s: %v", name, err)
		}
	})
	return dbURL
}

// withDatabase returns the URL with its database (path) replaced.
func withDatabase(rawURL, db string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parse postgres URL: %w", err)
	}
	u.Path = "/" + db
	u.RawPath = ""
	return u.String(), nil
}

// adminExec runs one statement on a new connection.
func adminExec(ctx context.Context, connURL, sql string) error {
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return err
	}
	return nil
}

// stopSharedPostgres stops the cluster the process started, if any.
func stopSharedPostgres() {
	if pgShared.cluster != nil {
		pgShared.cluster.stop()
		pgShared.cluster = nil
	}
}
