package dialect_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// EnvMSSQLURL names a SQL Server to run the SQL Server integration tests
// against (sqlserver://user:password@127.0.0.1:1433?database=test). No SQL
// Server can run on the project's machines, so these tests run only when it
// is set.
const EnvMSSQLURL = "ONEC_TEST_MSSQL_URL"

// mssqlSetup connects and creates the test tables with 1C's SQL Server
// types under fresh names, dropped at cleanup.
func mssqlSetup(t *testing.T) (context.Context, *sql.DB, dialect.Table, dialect.Table) {
	t.Helper()
	u := os.Getenv(EnvMSSQLURL)
	if u == "" {
		t.Skipf("%s is not set: no SQL Server to test against (SQL Server code is covered by unit tests of generated SQL and decoding)", EnvMSSQLURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	db, err := sql.Open("sqlserver", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	suffix := time.Now().UnixNano() % 1e9
	cat := dialect.CatalogTable()
	cat.Name = fmt.Sprintf("_Reference%d", suffix)
	chg := dialect.ChangeTable()
	chg.Name = fmt.Sprintf("_InfoRgChngR%d", suffix)
	ddl := []string{
		fmt.Sprintf(`CREATE TABLE [%s] (_IDRRef binary(16) NOT NULL, _Version rowversion NOT NULL, _Marked binary(1) NOT NULL,
			_PredefinedID binary(16) NOT NULL, _Code nchar(9) NOT NULL, _Description nvarchar(25) NOT NULL,
			_Fld54 numeric(15,3) NOT NULL, _Fld55 datetime2(0) NOT NULL, _Fld56_TYPE binary(1) NOT NULL, _Fld56_RTRef binary(4) NOT NULL,
			_Fld57 varbinary(max) NULL, CONSTRAINT [PK_%s] PRIMARY KEY CLUSTERED (_IDRRef))`, cat.Name, cat.Name),
		fmt.Sprintf(`CREATE TABLE [%s] (_NodeTRef binary(4) NOT NULL, _NodeRRef binary(16) NOT NULL, _MessageNo numeric(10,0) NULL,
			_Period datetime2(0) NULL, _Fld71 nvarchar(10) NULL, _Fld72RRef binary(16) NULL)`, chg.Name),
		fmt.Sprintf(`CREATE UNIQUE CLUSTERED INDEX [%s_ByDataKey] ON [%s] (_Period, _Fld71, _Fld72RRef, _NodeTRef, _NodeRRef)`, chg.Name, chg.Name),
	}
	for _, s := range ddl {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, n := range []string{cat.Name, chg.Name} {
			if _, err := db.ExecContext(ctx, "DROP TABLE ["+n+"]"); err != nil {
				t.Errorf("drop %s: %v", n, err)
			}
		}
		if _, err := db.ExecContext(ctx, "DROP SEQUENCE IF EXISTS [onec_test_numbers]"); err != nil {
			t.Errorf("drop sequence: %v", err)
		}
	})
	return ctx, db, cat, chg
}

// TestMSSQLRoundTrip bulk-copies catalog rows with a year offset of 2000
// and reads them back by keyset pages.
func TestMSSQLRoundTrip(t *testing.T) {
	ctx, db, cat, _ := mssqlSetup(t)
	d := dialect.SQLServer()
	const offset = 2000
	insertCols := slices.DeleteFunc(slices.Clone(cat.Columns), func(c dialect.Column) bool { return c.Kind == dialect.Version })
	want := catalogRows(1500)
	enc := make([][]any, len(want))
	for i, r := range want {
		r = slices.Delete(slices.Clone(r), 1, 2) // no _Version
		want[i] = r
		var err error
		if enc[i], err = dialect.EncodeRow(d, insertCols, r, offset); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.BulkInsert(ctx, dialect.SQL(tx), cat, insertCols, enc)
	if err != nil || n != int64(len(want)) {
		tx.Rollback()
		t.Fatalf("BulkInsert = %d, %v", n, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var stored time.Time
	if err := db.QueryRowContext(ctx, "SELECT MIN(_Fld55) FROM ["+cat.Name+"]").Scan(&stored); err != nil || stored.Year() != 2001 {
		t.Fatalf("stored minimum date %v, %v; want the empty date stored as year 2001", stored, err)
	}
	q := dialect.SQL(db)
	var after []any
	count := 0
	for page := 0; page < 10; page++ {
		st, err := d.SelectPage(cat, insertCols, after, 400)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := q.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		raw := make([]any, len(insertCols))
		got := make([]any, len(insertCols))
		var last any
		for rows.Next() {
			if err := rows.Scan(raw); err != nil {
				t.Fatal(err)
			}
			if err := dialect.DecodeRow(d, insertCols, raw, offset, got); err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(want, func(r []any) bool { return r[0] == got[0] })
			if i < 0 {
				t.Fatalf("unknown row %v", got[0])
			}
			for j := range got {
				if !sameValue(got[j], want[i][j]) {
					t.Fatalf("row %v column %s = %#v, want %#v", got[0], insertCols[j].Name, got[j], want[i][j])
				}
			}
			last = raw[0]
			count++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if last == nil {
			break
		}
		after = []any{last}
	}
	if count != len(want) {
		t.Fatalf("read %d rows, want %d", count, len(want))
	}
}

// TestMSSQLSkipLockedDeleteAndSequence: two consumers, READPAST, delete by
// keys with NULLs, and a sequence.
func TestMSSQLSkipLockedDeleteAndSequence(t *testing.T) {
	ctx, db, _, chg := mssqlSetup(t)
	d := dialect.SQLServer()
	var rows [][]any
	for i := range 40 {
		var period any = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
		if i%4 == 0 {
			period = nil
		}
		rows = append(rows, []any{int64(362), refN(1), nil, period, fmt.Sprint("d", i), refN(i)})
	}
	enc := encodeRows(t, d, chg.Columns, rows)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.BulkInsert(ctx, dialect.SQL(conn), chg, chg.Columns, enc); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	nodeT, _ := d.Encode(chg.Columns[0], int64(362), 0)
	nodeR, _ := d.Encode(chg.Columns[1], refN(1), 0)
	lockCols := []dialect.Column{chg.Columns[3], chg.Columns[4], chg.Columns[5], chg.Columns[0], chg.Columns[1]}
	st, err := d.SelectForUpdateSkipLocked(chg, lockCols, []dialect.Eq{{Column: "_NodeTRef", Value: nodeT}, {Column: "_NodeRRef", Value: nodeR}}, nil, 25)
	if err != nil {
		t.Fatal(err)
	}
	read := func(q dialect.Querier) [][]any {
		r, err := q.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		defer r.Close()
		var out [][]any
		for r.Next() {
			raw := make([]any, len(lockCols))
			if err := r.Scan(raw); err != nil {
				t.Fatal(err)
			}
			out = append(out, raw)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tx1, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	first := read(dialect.SQL(tx1))
	tx2, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	second := read(dialect.SQL(tx2))
	tx2.Rollback()
	if len(first) != 25 || len(second) != 15 {
		t.Fatalf("consumers got %d and %d rows, want 25 and 15", len(first), len(second))
	}
	keys := make([][]any, len(first))
	for i, raw := range first {
		canon := make([]any, len(lockCols))
		if err := dialect.DecodeRow(d, lockCols, raw, 0, canon); err != nil {
			t.Fatal(err)
		}
		if keys[i], err = dialect.EncodeRow(d, lockCols, canon, 0); err != nil {
			t.Fatal(err)
		}
	}
	stmts, err := d.DeleteByKeys(chg, chg.Key, keys)
	if err != nil {
		t.Fatal(err)
	}
	var deleted int64
	for _, s := range stmts {
		n, err := dialect.SQL(tx1).Exec(ctx, s.SQL, s.Args...)
		if err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
		deleted += n
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	if deleted != 25 {
		t.Fatalf("deleted %d, want 25", deleted)
	}

	q := dialect.SQL(db)
	for range 2 {
		st, err := d.CreateSequenceIfMissing("onec_test_numbers")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Exec(ctx, st.SQL, st.Args...); err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
	}
	vals, err := dialect.NextValues(ctx, d, q, "onec_test_numbers", 5)
	if err != nil || !slices.Equal(vals, []int64{1, 2, 3, 4, 5}) {
		t.Fatalf("sequence values %v, %v", vals, err)
	}
}
