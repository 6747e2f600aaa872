// Package pgtest builds onectest configurations in a fresh PostgreSQL
// database for integration tests: the database comes from testkit.Postgres
// (the test binary's shared server, dropped at the test's cleanup), so a
// package using it should call testkit.Main from its TestMain. It is the
// PostgreSQL twin of mssqltest.
package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// Build creates cfg in a fresh database (dropped at cleanup) and returns a
// context bounded by timeout, a connection to the database, the built
// layout and the database's superuser URL. The context is cancelled and
// the connection closed at the test's cleanup; a caller may close the
// connection earlier. Build fails the test on any error. The connection,
// like any *pgx.Conn, is not safe for concurrent use.
func Build(t testing.TB, cfg *onectest.Configuration, timeout time.Duration) (context.Context, *pgx.Conn, *onectest.Built, string) {
	t.Helper()
	dsn := testkit.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	b, err := onectest.Build(ctx, conn, cfg)
	if err != nil {
		t.Fatalf("build %s on PostgreSQL: %v", cfg.Name, err)
	}
	return ctx, conn, b, dsn
}
