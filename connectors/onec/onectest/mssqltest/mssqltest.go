// Package mssqltest builds onectest configurations on the SQL Server named
// by ONEC_TEST_MSSQL_URL for integration tests (skipped without it: no SQL
// Server runs on the project's machines).
package mssqltest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb" // the "sqlserver" driver

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// YearOffset is the year offset of the test infobases, the one 1C gives
// most SQL Server infobases: dates are stored 2000 years later than read.
const YearOffset = 2000

// Build creates cfg in a fresh database (dropped at cleanup) and returns a
// context bounded by timeout, a handle on the database, the built layout
// and the database's URL.
func Build(t testing.TB, cfg *onectest.Configuration, timeout time.Duration) (context.Context, *sql.DB, *onectest.SQLServerBuilt, string) {
	t.Helper()
	dsn := testkit.SQLServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := onectest.BuildSQLServer(ctx, db, cfg, YearOffset)
	if err != nil {
		t.Fatalf("build %s on SQL Server: %v", cfg.Name, err)
	}
	return ctx, db, b, dsn
}
