package dialect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestPGPlansUseKeyIndex checks that the generated keyset and key-match
// conditions are indexable: with sequential scans disabled, PostgreSQL
// answers them from the clustered key's index.
func TestPGPlansUseKeyIndex(t *testing.T) {
	ctx, conn, _ := pgSetup(t)
	d := dialect.Postgres()
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	cat, vt := dialect.CatalogTable(), dialect.TabularTable()
	ref := dbOrder(t, refN(1))
	var stmts []dialect.Stmt
	add := func(st dialect.Stmt, err error) {
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, st)
	}
	add(d.SelectPage(cat, cat.Columns, []any{ref}, 100))
	add(d.SelectPage(vt, vt.Columns, []any{ref, []byte{0, 0, 0, 1}}, 100))
	del, err := d.DeleteByKeys(vt, vt.Key, [][]any{{ref, []byte{0, 0, 0, 1}}, {ref, []byte{0, 0, 0, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, del...)
	del, err = d.DeleteByKeys(cat, cat.Key, [][]any{{ref}, {ref}})
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, del...)
	for _, st := range stmts {
		rows, err := conn.Query(ctx, "EXPLAIN "+st.SQL, st.Args...)
		if err != nil {
			t.Fatalf("%s: %v", st.SQL, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		p := strings.Join(plan, "\n")
		if !strings.Contains(p, "Index") || strings.Contains(p, "Seq Scan") {
			t.Errorf("%s\nis not answered from the key index:\n%s", st.SQL, p)
		}
	}
}

// poolLike hides the connection of a *pgx.Conn, as a pool does, so that
// BulkInsert takes its INSERT … SELECT FROM unnest path.
type poolLike struct{ c *pgx.Conn }

func (p poolLike) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return p.c.Exec(ctx, sql, args...)
}

func (p poolLike) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return p.c.Query(ctx, sql, args...)
}

// BenchmarkPGBulkInsert compares ways to insert 10,000 catalog rows (with
// emulated mchar/mvarchar columns) per operation: the dialect's two paths
// (COPY text on a connection, INSERT … SELECT FROM unnest on a pool), binary COPY straight into the table (works
// only on the emulation, whose binary format is UTF-8: the real mchar
// extension's is UTF-16), and binary COPY into a temporary table with text
// columns followed by INSERT … SELECT.
func BenchmarkPGBulkInsert(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, testkit.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, onectest.MCharEmulationSQL); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, pgDDL); err != nil {
		b.Fatal(err)
	}
	d := dialect.Postgres()
	tbl := dialect.CatalogTable()
	const n = 10000
	rows := catalogRows(n)
	enc := make([][]any, n)
	for i, r := range rows {
		if enc[i], err = dialect.EncodeRow(d, tbl.Columns, r, 0); err != nil {
			b.Fatal(err)
		}
	}
	names := make([]string, len(tbl.Columns))
	for i, c := range tbl.Columns {
		names[i] = strings.ToLower(c.Name)
	}
	truncate := func() {
		b.StopTimer()
		if _, err := conn.Exec(ctx, "TRUNCATE _reference53"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("copy_text (BulkInsert on a connection)", func(b *testing.B) {
		for b.Loop() {
			truncate()
			if _, err := d.BulkInsert(ctx, dialect.PGX(conn), tbl, tbl.Columns, enc); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("unnest (BulkInsert on a pool)", func(b *testing.B) {
		for b.Loop() {
			truncate()
			if _, err := d.BulkInsert(ctx, dialect.PGX(poolLike{conn}), tbl, tbl.Columns, enc); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("copy_binary_direct", func(b *testing.B) {
		for b.Loop() {
			truncate()
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"_reference53"}, names, pgx.CopyFromRows(enc)); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("copy_temp_then_insert", func(b *testing.B) {
		for b.Loop() {
			truncate()
			tx, err := conn.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE onec_stage (_idrref bytea, _version int8, _marked boolean, _predefinedid bytea,
				_code text, _description text, _fld54 numeric, _fld55 timestamp, _fld56_type bytea, _fld56_rtref bytea, _fld57 bytea) ON COMMIT DROP`); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"onec_stage"}, names, pgx.CopyFromRows(enc)); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO _reference53 SELECT * FROM onec_stage"); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(ctx); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
}

// BenchmarkPGReadDecode reads 20,000 catalog rows per operation with the
// dialect's SELECT: "values" only lets pgx decode (the limit), "decode"
// also converts every value to its canonical form with DecodeRow. The
// ratio of their rows/s is the cost of canonical decoding.
func BenchmarkPGReadDecode(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, testkit.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, onectest.MCharEmulationSQL+pgDDL); err != nil {
		b.Fatal(err)
	}
	d := dialect.Postgres()
	tbl := dialect.CatalogTable()
	const n = 20000
	rows := catalogRows(n)
	for i, r := range rows {
		if rows[i], err = dialect.EncodeRow(d, tbl.Columns, r, 0); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.BulkInsert(ctx, dialect.PGX(conn), tbl, tbl.Columns, rows); err != nil {
		b.Fatal(err)
	}
	st, err := d.SelectPage(tbl, tbl.Columns, nil, n)
	if err != nil {
		b.Fatal(err)
	}
	read := func(b *testing.B, decode bool) {
		q := dialect.PGX(conn)
		raw := make([]any, len(tbl.Columns))
		dst := make([]any, len(tbl.Columns))
		for b.Loop() {
			r, err := q.Query(ctx, st.SQL, st.Args...)
			if err != nil {
				b.Fatal(err)
			}
			got := 0
			for r.Next() {
				if err := r.Scan(raw); err != nil {
					b.Fatal(err)
				}
				if decode {
					if err := dialect.DecodeRow(d, tbl.Columns, raw, 0, dst); err != nil {
						b.Fatal(err)
					}
				}
				got++
			}
			r.Close()
			if err := r.Err(); err != nil || got != n {
				b.Fatalf("read %d rows, %v", got, err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	}
	b.Run("values", func(b *testing.B) { read(b, false) })
	b.Run("decode", func(b *testing.B) { read(b, true) })
}
