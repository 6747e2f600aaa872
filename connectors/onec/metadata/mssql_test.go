package metadata

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// envMSSQLURL names a SQL Server for the SQL Server integration tests
// (sqlserver://user:password@127.0.0.1:1433). The login must be allowed to
// create databases. No SQL Server runs on the project's machines, so the
// test runs only when the variable is set.
const envMSSQLURL = "ONEC_TEST_MSSQL_URL"

// TestRoundTripSQLServer loads onectest's SQL Server DDL and DML for the
// trade configuration into a fresh database and reads it back with Open.
func TestRoundTripSQLServer(t *testing.T) {
	server := os.Getenv(envMSSQLURL)
	if server == "" {
		t.Skipf("%s is not set: no SQL Server to test against", envMSSQLURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin, err := sql.Open("sqlserver", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("onec_md_%d", time.Now().UnixNano()%1e12)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE ["+name+"]"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "ALTER DATABASE ["+name+"] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ["+name+"]"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	dsn := u.String()

	cfg := onectest.Trade()
	ddl, err := onectest.SQLServerDDL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dml, err := onectest.SQLServerDML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, batch := range []string{ddl, dml} {
		if _, err := db.ExecContext(ctx, batch); err != nil {
			t.Fatalf("load SQL Server text: %v", err)
		}
	}

	r, err := Open(ctx, dsn, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ib := r.Snapshot()
	if len(ib.Problems) > 0 {
		t.Fatalf("problems: %v", ib.Problems)
	}
	if ib.DBMS != DBMSSQLServer || ib.Name != cfg.Name || ib.YearOffset != 0 || len(ib.Objects) != len(cfg.Objects) {
		t.Fatalf("infobase %s %q offset %d, %d objects", ib.DBMS, ib.Name, ib.YearOffset, len(ib.Objects))
	}
	l, err := onectest.Plan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	built := &onectest.Built{Layout: l}
	compareProperties(t, ib, built)
	for _, co := range cfg.Objects {
		o, err := ib.Lookup(co.FullName())
		if err != nil {
			t.Fatal(err)
		}
		ol, _ := l.Object(co.FullName())
		check := func(table string, got []Column, want []*onectest.Column) {
			t.Helper()
			var g, w, s []string
			for _, c := range got {
				g = append(g, c.Name)
			}
			for _, c := range want {
				w = append(w, c.Name)
			}
			rows, err := db.QueryContext(ctx, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = @p1 ORDER BY ORDINAL_POSITION", table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					t.Fatal(err)
				}
				s = append(s, n)
			}
			rows.Close()
			if fmt.Sprint(g) != fmt.Sprint(w) || fmt.Sprint(g) != fmt.Sprint(s) {
				t.Errorf("%s columns:\nreader  %v\nbuilder %v\nserver  %v", table, g, w, s)
			}
		}
		if o.Table != ol.Table.Name {
			t.Errorf("%s: table %s, want %s", co.FullName(), o.Table, ol.Table.Name)
			continue
		}
		check(o.Table, o.Columns(), ol.Table.Columns)
		for _, ts := range o.TabularSections {
			sl, err := ol.Section(ts.Name)
			if err != nil {
				t.Fatal(err)
			}
			var cols []Column
			for _, p := range ts.AllProperties() {
				cols = append(cols, p.Columns...)
			}
			check(ts.Table, cols, sl.Table.Columns)
		}
		if o.ChangeTable != nil {
			check(o.ChangeTable.Table, o.ChangeTable.Columns(), ol.ChangeTable.Columns)
		}
	}
}

// TestSQLServerTextOffline reads the Config and Params rows out of
// onectest's SQL Server DML text (no server needed) and checks the reader
// produces SQL Server's mixed-case physical names the builder's DDL uses.
func TestSQLServerTextOffline(t *testing.T) {
	cfg := onectest.Trade()
	dml, err := onectest.SQLServerDML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := &memSource{dbms: DBMSSQLServer, config: map[string][]byte{}, params: map[string][]byte{}}
	re := regexp.MustCompile(`INSERT INTO (Config|Params) \([^)]*\) VALUES \(N'([^']*)', '[^']*', '[^']*', 0, (\d+), 0x([0-9a-f]*), 0\);`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(dml, -1) {
		body, err := hex.DecodeString(m[4])
		if err != nil {
			t.Fatal(err)
		}
		if size, _ := strconv.Atoi(m[3]); size != len(body) {
			t.Fatalf("%s: DataSize %d, %d bytes", m[2], size, len(body))
		}
		if m[1] == "Config" {
			src.config[m[2]] = body
		} else {
			src.params[m[2]] = body
		}
		n++
	}
	if n < len(cfg.Objects) {
		t.Fatalf("found %d file rows in the DML", n)
	}
	ib, err := Load(context.Background(), src, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if len(ib.Problems) > 0 || len(ib.Objects) != len(cfg.Objects) {
		t.Fatalf("%d objects, problems %v", len(ib.Objects), ib.Problems)
	}
	l, _ := onectest.Plan(cfg)
	compareProperties(t, ib, &onectest.Built{Layout: l})
	for _, co := range cfg.Objects {
		o, _ := ib.Lookup(co.FullName())
		ol, _ := l.Object(co.FullName())
		var got, want []string
		for _, c := range o.Columns() {
			got = append(got, c.Name)
		}
		for _, c := range ol.Table.Columns {
			want = append(want, c.Name)
		}
		if o.Table != ol.Table.Name || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %s %v, want %s %v", co.FullName(), o.Table, got, ol.Table.Name, want)
		}
	}
}
