package demo

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/internal/pgserver"
)

// installHint is the one command that installs PostgreSQL's server
// binaries (what scripts/ensure-postgres.sh runs as root).
const installHint = "sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql"

// errNoPostgres is returned by startPostgres when initdb is missing; Main
// maps it to exit code 2 after printing installHint.
var errNoPostgres = errors.New("PostgreSQL server binaries not found")

// startPostgres starts the throwaway cluster and registers its removal.
func startPostgres(ctx context.Context, cl *cleanup) (*pgserver.Server, error) {
	sctx, cancel := context.WithTimeout(ctx, pgserver.StartTimeout)
	defer cancel()
	s, err := pgserver.Start(sctx, pgserver.Options{DirPrefix: "onec-demo-pg-"})
	if errors.Is(err, pgserver.ErrNoInitdb) {
		return nil, fmt.Errorf("%w: %v", errNoPostgres, err)
	}
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	cl.push("stop PostgreSQL", s.Stop)
	return s, nil
}

// serverVersion returns PostgreSQL's version, e.g. "16.4".
func serverVersion(ctx context.Context, s *pgserver.Server) string {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "?"
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "?"
	}
	return v
}

// createDatabase creates database name and returns a pool on it, closed by
// the cleanup before the server stops.
func createDatabase(ctx context.Context, s *pgserver.Server, name string, cl *cleanup) (*pgxpool.Pool, error) {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	conn.Close(context.Background())
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	cfg, err := pgxpool.ParseConfig(s.URL(name))
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	cl.push("close database "+name, func() error { pool.Close(); return nil })
	return pool, nil
}

// connectorURL is the database.url a connector gets: the server's URL
// without credentials (the connectors take database.user separately).
func connectorURL(s *pgserver.Server, db string) string {
	u, err := url.Parse(s.URL(db))
	if err != nil {
		return s.URL(db)
	}
	u.User = nil
	return u.String()
}
