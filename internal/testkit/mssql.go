package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb" // database/sql driver "sqlserver"
)

// EnvMSSQLURL names a SQL Server for the SQL Server integration tests:
// sqlserver://user:password@host:port, a login allowed to create
// databases.
const EnvMSSQLURL = "ONEC_TEST_MSSQL_URL"

// SQLServer creates a fresh, uniquely named database for the test on the
// SQL Server named by ONEC_TEST_MSSQL_URL and returns that URL with the
// database query parameter pointing at it (credentials kept). The database
// runs with READ_COMMITTED_SNAPSHOT ON, as 1C:Enterprise 8.3 sets up its
// SQL Server infobases (managed locks), so that the connectors' locking
// hints are tested the way production reads them. It is dropped at the
// test's cleanup, open connections to it rolled back.
//
// Without the variable the test is skipped, also under CI=true: no SQL
// Server can run on the project's build and CI machines, so these tests
// run only where one is provided.
func SQLServer(t testing.TB) string {
	t.Helper()
	raw := strings.TrimSpace(os.Getenv(EnvMSSQLURL))
	if raw == "" {
		t.Skip(EnvMSSQLURL + " not set: SQL Server integration test skipped")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("testkit: %s is not a URL", EnvMSSQLURL) // url.Parse's error would quote the password
	}
	name := "test_" + time.Now().UTC().Format("150405") + "_" + randomSuffix(8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Set before anyone connects: switching it needs the database alone.
	if err := mssqlExec(ctx, raw, "CREATE DATABASE ["+name+"]; ALTER DATABASE ["+name+"] SET READ_COMMITTED_SNAPSHOT ON"); err != nil {
		t.Fatalf("testkit: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		drop := "ALTER DATABASE [" + name + "] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [" + name + "]"
		if err := mssqlExec(ctx, raw, drop); err != nil {
			t.Errorf("testkit: drop database %s: %v", name, err)
		}
	})
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// mssqlExec runs one batch on a connection of its own.
func mssqlExec(ctx context.Context, connURL, batch string) error {
	db, err := sql.Open("sqlserver", connURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, batch)
	return err
}
