package dialect_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// pgDDL creates the three test tables of testutil_test.go with 1C's PG
// types (1c-layout.md §12.3): bytea references, mchar/mvarchar strings
// (emulated), numeric, timestamp, boolean, integer _version.
const pgDDL = `
CREATE TABLE _reference53 (_idrref bytea NOT NULL, _version integer NOT NULL DEFAULT 0, _marked boolean NOT NULL,
  _predefinedid bytea NOT NULL, _code mchar(9) NOT NULL, _description mvarchar(25) NOT NULL,
  _fld54 numeric(15,3) NOT NULL, _fld55 timestamp NOT NULL, _fld56_type bytea NOT NULL, _fld56_rtref bytea NOT NULL,
  _fld57 bytea);
ALTER TABLE _reference53 ADD CONSTRAINT _reference53ng_pkey PRIMARY KEY (_idrref);
CREATE TABLE _reference53_vt60 (_reference53_idrref bytea NOT NULL, _keyfield bytea NOT NULL,
  _lineno61 numeric(5,0) NOT NULL, _fld62 numeric(15,3) NOT NULL, PRIMARY KEY (_reference53_idrref, _keyfield));
CREATE TABLE _inforgchngr70 (_nodetref bytea NOT NULL, _noderref bytea NOT NULL, _messageno numeric(10,0),
  _period timestamp, _fld71 mvarchar(10), _fld72rref bytea);
CREATE UNIQUE INDEX _inforg70_bydatakey ON _inforgchngr70 (_period, _fld71, _fld72rref, _nodetref, _noderref);
`

// pgDB is a fresh test database; conn opens connections to it (closed at
// the test's cleanup).
type pgDB struct {
	t   *testing.T
	url string
}

func (db pgDB) conn(ctx context.Context) *pgx.Conn {
	db.t.Helper()
	c, err := pgx.Connect(ctx, db.url)
	if err != nil {
		db.t.Fatal(err)
	}
	db.t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// pgSetup returns a connection to a fresh database holding the test tables.
func pgSetup(t *testing.T) (context.Context, *pgx.Conn, pgDB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	db := pgDB{t: t, url: testkit.Postgres(t)}
	pool := db.conn(ctx)
	if _, err := pool.Exec(ctx, onectest.MCharEmulationSQL); err != nil {
		t.Fatalf("mchar emulation: %v", err)
	}
	if _, err := pool.Exec(ctx, pgDDL); err != nil {
		t.Fatalf("DDL: %v", err)
	}
	return ctx, pool, db
}

// refN is a deterministic v1-looking UUID for row n.
func refN(n int) string {
	return fmt.Sprintf("%08x-b0fd-11f1-9412-%012x", n*2654435761%(1<<32), n)
}

// catalogRows returns n canonical rows of CatalogTable.
func catalogRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		var blob any
		if i%3 != 0 {
			blob = []byte{byte(i), 0, byte(i >> 8)}
		}
		desc := fmt.Sprintf("Товар №%d «тест»", i)
		if i%50 == 1 {
			desc = "tab\there\nnl\\bs\rcr \\N" // COPY text escapes
		}
		date := time.Date(2020+i%5, time.Month(1+i%12), 1+i%28, i%24, i%60, i%60, 0, time.UTC)
		if i%100 == 2 {
			date = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) // 1C's empty date
		}
		rows[i] = []any{
			refN(i), int64(i % 5), i%2 == 0, "00000000-0000-0000-0000-000000000000",
			fmt.Sprintf("%d", i), // mchar(9): stored padded
			desc,
			decimal.New(int64(i)*1001-500000, -3),
			date,
			int64(8), int64(53 + i%2), blob,
		}
	}
	return rows
}

func encodeRows(t *testing.T, d dialect.Dialect, cols []dialect.Column, rows [][]any) [][]any {
	t.Helper()
	out := make([][]any, len(rows))
	for i, r := range rows {
		e, err := dialect.EncodeRow(d, cols, r, 0)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = e
	}
	return out
}

// readAll runs st through q and decodes every row.
func readAll(t *testing.T, ctx context.Context, d dialect.Dialect, q dialect.Querier, cols []dialect.Column, st dialect.Stmt) [][]any {
	t.Helper()
	rows, err := q.Query(ctx, st.SQL, st.Args...)
	if err != nil {
		t.Fatalf("%s: %v", st.SQL, err)
	}
	defer rows.Close()
	var out [][]any
	raw := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(raw); err != nil {
			t.Fatal(err)
		}
		row := make([]any, len(cols))
		if err := dialect.DecodeRow(d, cols, raw, 0, row); err != nil {
			t.Fatal(err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", st.SQL, err)
	}
	return out
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return a == b
}

func dbOrder(t *testing.T, ref string) []byte {
	b, err := uuid1c.UUIDToBinary1C(ref)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPGBulkInsertAndPaging writes rows with BulkInsert (strings into
// emulated mchar/mvarchar columns), through COPY on a connection and
// through unnest on a pool-like handle, and reads them back page by page.
func TestPGBulkInsertAndPaging(t *testing.T) {
	t.Run("copy", func(t *testing.T) {
		ctx, conn, _ := pgSetup(t)
		testBulkInsertAndPaging(t, ctx, conn, dialect.PGX(conn))
	})
	t.Run("unnest", func(t *testing.T) {
		ctx, conn, _ := pgSetup(t)
		testBulkInsertAndPaging(t, ctx, conn, dialect.PGX(poolLike{conn}))
	})
	t.Run("fast rows", func(t *testing.T) {
		ctx, conn, _ := pgSetup(t)
		testBulkInsertAndPaging(t, ctx, conn, dialect.PGXFast(conn))
	})
}

func testBulkInsertAndPaging(t *testing.T, ctx context.Context, pool *pgx.Conn, q dialect.Querier) {
	d := dialect.Postgres()
	tbl := dialect.CatalogTable()
	tbl.Name = "_reference53"
	const n = 2345 + 10000 // more than one unnest statement
	want := catalogRows(n)
	got, err := d.BulkInsert(ctx, q, tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, want))
	if err != nil || got != n {
		t.Fatalf("BulkInsert = %d, %v; want %d", got, err, n)
	}
	var udt string
	if err := pool.QueryRow(ctx, `SELECT udt_name FROM information_schema.columns WHERE table_name = '_reference53' AND column_name = '_code'`).Scan(&udt); err != nil || udt != "mchar" {
		t.Fatalf("_code is %q, %v; want the emulated mchar", udt, err)
	}
	var padded int
	if err := pool.QueryRow(ctx, `SELECT octet_length(_code::bpchar) FROM _reference53 WHERE _idrref = $1`, dbOrder(t, refN(7))).Scan(&padded); err != nil || padded != 9 {
		t.Fatalf("stored code is %d bytes, %v; want it padded to 9", padded, err)
	}

	slices.SortFunc(want, func(a, b []any) int { return bytes.Compare(dbOrder(t, a[0].(string)), dbOrder(t, b[0].(string))) })
	var read [][]any
	var after []any
	for page := 0; page < 20; page++ {
		st, err := d.SelectPage(tbl, tbl.Columns, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, ctx, d, q, tbl.Columns, st)
		if len(rows) == 0 {
			break
		}
		read = append(read, rows...)
		key, err := d.Encode(tbl.Columns[0], rows[len(rows)-1][0], 0)
		if err != nil {
			t.Fatal(err)
		}
		after = []any{key}
	}
	if len(read) != n {
		t.Fatalf("paged %d rows, want %d", len(read), n)
	}
	for i := range read {
		for j, c := range tbl.Columns {
			if !sameValue(read[i][j], want[i][j]) {
				t.Fatalf("row %d column %s = %#v, want %#v", i, c.Name, read[i][j], want[i][j])
			}
		}
	}
}

// TestPGCompositeKeyset pages a table by a five-column key holding a
// timestamp, an mvarchar, references and a type code, with ties in the
// leading columns.
func TestPGCompositeKeyset(t *testing.T) {
	ctx, pool, _ := pgSetup(t)
	d := dialect.Postgres()
	tbl := dialect.ChangeTable()
	tbl.Name = "_inforgchngr70"
	q := dialect.PGX(pool)
	var rows [][]any
	for i := range 300 {
		rows = append(rows, []any{
			int64(362 + i%2), refN(i % 3), nil,
			time.Date(2025, 1, 1+i%4, 0, 0, 0, 0, time.UTC), []string{"Alpha", "beta", "Гамма"}[i%3+0] + fmt.Sprint(i%7), refN(i),
		})
	}
	if _, err := d.BulkInsert(ctx, q, tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, rows)); err != nil {
		t.Fatal(err)
	}
	keys, _ := tbl.KeyColumns()
	seen := map[string]bool{}
	var after []any
	pages := 0
	for ; pages < 100; pages++ {
		st, err := d.SelectPage(tbl, tbl.Columns, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(t, ctx, d, q, tbl.Columns, st)
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			id := r[5].(string)
			if seen[id] {
				t.Fatalf("row %s read twice", id)
			}
			seen[id] = true
		}
		last := page[len(page)-1]
		lastKey := []any{last[3], last[4], last[5], last[0], last[1]}
		if after, err = dialect.EncodeRow(d, keys, lastKey, 0); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != len(rows) {
		t.Fatalf("keyset paging saw %d rows in %d pages, want %d", len(seen), pages, len(rows))
	}
}

// TestPGSkipLockedAndDelete runs two consumers of a change table: the
// second skips the rows the first holds; the first deletes its rows by key
// (NULL key values included) and commits.
func TestPGSkipLockedAndDelete(t *testing.T) {
	ctx, pool, db := pgSetup(t)
	d := dialect.Postgres()
	tbl := dialect.ChangeTable()
	tbl.Name = "_inforgchngr70"
	var rows [][]any
	for i := range 40 {
		var period, dim any = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC), fmt.Sprint("d", i)
		if i%4 == 0 {
			period = nil // NULLable key columns of an information register's change table
		}
		if i%5 == 0 {
			dim = nil
		}
		rows = append(rows, []any{int64(362), refN(1), nil, period, dim, refN(i)})
	}
	rows = append(rows, []any{int64(363), refN(2), nil, nil, "other", refN(99)}) // another node
	if _, err := d.BulkInsert(ctx, dialect.PGX(pool), tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, rows)); err != nil {
		t.Fatal(err)
	}
	where := []dialect.Eq{{Column: "_NodeTRef", Value: []byte{0, 0, 1, 0x6a}}, {Column: "_NodeRRef", Value: dbOrder(t, refN(1))}}
	keyCols := tbl.Key
	lockCols := []dialect.Column{tbl.Columns[3], tbl.Columns[4], tbl.Columns[5], tbl.Columns[0], tbl.Columns[1]}
	st, err := d.SelectForUpdateSkipLocked(tbl, lockCols, where, []string{"_Fld72RRef"}, 25)
	if err != nil {
		t.Fatal(err)
	}

	tx1, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback(ctx)
	first := readAll(t, ctx, d, dialect.PGX(tx1), lockCols, st)
	if len(first) != 25 {
		t.Fatalf("first consumer got %d rows, want 25", len(first))
	}

	tx2, err := db.conn(ctx).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := readAll(t, ctx, d, dialect.PGX(tx2), lockCols, st)
	if err := tx2.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if len(second) != 15 {
		t.Fatalf("second consumer got %d rows, want the 15 unlocked ones", len(second))
	}
	for _, r := range second {
		for _, f := range first {
			if r[2] == f[2] {
				t.Fatalf("row %v handed to both consumers", r[2])
			}
		}
	}

	keys := make([][]any, len(first))
	for i, r := range first {
		if keys[i], err = dialect.EncodeRow(d, lockCols, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	stmts, err := d.DeleteByKeys(tbl, keyCols, keys)
	if err != nil {
		t.Fatal(err)
	}
	var deleted int64
	for _, s := range stmts {
		n, err := dialect.PGX(tx1).Exec(ctx, s.SQL, s.Args...)
		if err != nil {
			t.Fatalf("%s: %v", s.SQL, err)
		}
		deleted += n
	}
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if deleted != 25 {
		t.Fatalf("deleted %d rows, want 25", deleted)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM _inforgchngr70`).Scan(&left); err != nil || left != 16 {
		t.Fatalf("%d rows left, %v; want 16", left, err)
	}
}

// TestPGSelectByKeys fetches rows of a two-column key in batches.
func TestPGSelectByKeys(t *testing.T) {
	ctx, pool, _ := pgSetup(t)
	d := dialect.Postgres()
	tbl := dialect.TabularTable()
	tbl.Name = "_reference53_vt60"
	q := dialect.PGX(pool)
	var rows [][]any
	for i := range 1500 {
		rows = append(rows, []any{refN(i / 10), []byte{0, 0, 0, byte(i % 10)}, decimal.NewFromInt(int64(i%10 + 1)), decimal.New(int64(i), -3)})
	}
	if _, err := d.BulkInsert(ctx, q, tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, rows)); err != nil {
		t.Fatal(err)
	}
	keyCols, _ := tbl.KeyColumns()
	var keys [][]any
	for i := 0; i < len(rows); i += 2 {
		k, err := dialect.EncodeRow(d, keyCols, rows[i][:2], 0)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	stmts, err := d.SelectByKeys(tbl, tbl.Columns, tbl.Key, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements for %d keys", len(stmts), len(keys))
	}
	got := readAll(t, ctx, d, q, tbl.Columns, stmts[0])
	if len(got) != len(keys) {
		t.Fatalf("selected %d rows, want %d", len(got), len(keys))
	}
	for _, r := range got {
		if !r[3].(decimal.Decimal).Mul(decimal.NewFromInt(1000)).Mod(decimal.NewFromInt(2)).IsZero() {
			t.Fatalf("unrequested row %v", r)
		}
	}
}

// TestPGSequence creates a sequence twice and takes values in batches,
// concurrently: no value is handed out twice.
func TestPGSequence(t *testing.T) {
	ctx, pool, db := pgSetup(t)
	d := dialect.Postgres()
	q := dialect.PGX(pool)
	for range 2 {
		st, err := d.CreateSequenceIfMissing("onec_numbers")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Exec(ctx, st.SQL, st.Args...); err != nil {
			t.Fatal(err)
		}
	}
	vals, err := dialect.NextValues(ctx, d, q, "onec_numbers", 5)
	if err != nil || !slices.Equal(vals, []int64{1, 2, 3, 4, 5}) {
		t.Fatalf("first values %v, %v", vals, err)
	}
	var mu sync.Mutex
	all := map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		qi := dialect.PGX(db.conn(ctx))
		wg.Go(func() {
			v, err := dialect.NextValues(ctx, d, qi, "onec_numbers", 100)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, x := range v {
				if all[x] {
					errs <- fmt.Errorf("value %d handed out twice", x)
				}
				all[x] = true
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(all) != 400 {
		t.Fatalf("%d distinct values, want 400", len(all))
	}
}

// TestPGStringsAsText checks that string parameters reach emulated
// mvarchar columns in comparisons without a type of their own, and that a
// value longer than the column is refused by Encode before the server.
func TestPGStringsAsText(t *testing.T) {
	ctx, pool, _ := pgSetup(t)
	d := dialect.Postgres()
	tbl := dialect.CatalogTable()
	tbl.Name = "_reference53"
	q := dialect.PGX(pool)
	rows := catalogRows(3)
	if _, err := d.BulkInsert(ctx, q, tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, rows)); err != nil {
		t.Fatal(err)
	}
	st, err := d.SelectForUpdateSkipLocked(tbl, tbl.Columns[4:6], []dialect.Eq{{Column: "_Description", Value: rows[1][5]}}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, ctx, d, q, tbl.Columns[4:6], st)
	if len(got) != 1 || got[0][0] != "1" || got[0][1] != rows[1][5] {
		t.Fatalf("got %v", got)
	}
	long := slices.Clone(rows[0])
	long[4] = "1234567890"
	if _, err := dialect.EncodeRow(d, tbl.Columns, long, 0); !errors.Is(err, dialect.ErrEncode) {
		t.Fatalf("10 characters into mchar(9): %v", err)
	}
	// The wrong querier is refused.
	if _, err := d.BulkInsert(ctx, dialect.SQL(nil), tbl, tbl.Columns, nil); !errors.Is(err, dialect.ErrWrongQuerier) {
		t.Fatalf("sql querier on postgres: %v", err)
	}
}
