package testkit

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgSeen collects the databases the parallel tests below get.
var pgSeen struct {
	sync.Mutex
	names map[string]string // test name → database
}

func usePostgres(t *testing.T) {
	t.Parallel()
	dbURL := Postgres(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if h := u.Hostname(); os.Getenv(EnvPostgresURL) == "" && h != "127.0.0.1" {
		t.Errorf("host %q is not loopback", h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatal(err)
	}
	if "/"+db != u.Path {
		t.Fatalf("connected to %q, URL names %q", db, u.Path)
	}
	// The same table name in each test: it only works if databases differ.
	if _, err := conn.Exec(ctx, `CREATE TABLE t (id int PRIMARY KEY, s text)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO t VALUES (1, 'Привет')`); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := conn.QueryRow(ctx, `SELECT s FROM t WHERE id = 1`).Scan(&s); err != nil || s != "Привет" {
		t.Fatalf("read back %q, %v", s, err)
	}

	pgSeen.Lock()
	defer pgSeen.Unlock()
	if pgSeen.names == nil {
		pgSeen.names = map[string]string{}
	}
	for other, odb := range pgSeen.names {
		if odb == db {
			t.Fatalf("database %s given to both %s and %s", db, other, t.Name())
		}
	}
	pgSeen.names[t.Name()] = db
}

func TestPostgresFreshDatabaseA(t *testing.T) { usePostgres(t) }
func TestPostgresFreshDatabaseB(t *testing.T) { usePostgres(t) }

func TestPostgresDatabaseDroppedAtCleanup(t *testing.T) {
	admin := PostgresAdminURL(t)
	var dbName string
	t.Run("inner", func(t *testing.T) {
		u, err := url.Parse(Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		dbName = u.Path[1:]
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", dbName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s still exists after its test ended", dbName)
	}
	var super bool
	if err := conn.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil || !super {
		t.Fatalf("admin URL is not a superuser: %v, %v", super, err)
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct{ in, db, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "test_x", "postgres://postgres@127.0.0.1:5432/test_x?sslmode=disable"},
		{"postgres://u:p%40ss@host:1/", "d", "postgres://u:p%40ss@host:1/d"},
		{"postgres://host", "d", "postgres://host/d"},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.in, tt.db)
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q, %q) = %q, %v; want %q", tt.in, tt.db, got, err, tt.want)
		}
	}
	if _, err := withDatabase("postgres://[::1", "d"); err == nil {
		t.Error("withDatabase accepted a malformed URL")
	}
}
