package tablesource

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// fakeDB hands out transactions that record the statements issued and
// answer queries with rows(sql).
type fakeDB struct {
	log  []string
	rows func(sql string) [][]any
	// queryErr, when set, fails a statement (nil: it succeeds); it also
	// sees "BEGIN".
	queryErr func(sql string) error
}

func (f *fakeDB) begin(ctx context.Context) (readTx, error) {
	f.log = append(f.log, "BEGIN")
	if f.queryErr != nil {
		_ = f.queryErr("BEGIN")
	}
	return &fakeTx{db: f}, nil
}

func (f *fakeDB) fail(sql string) error {
	if f.queryErr == nil {
		return nil
	}
	return f.queryErr(sql)
}

type fakeTx struct {
	db   *fakeDB
	done bool
}

func (t *fakeTx) Querier() dialect.Querier     { return t }
func (t *fakeTx) FastQuerier() dialect.Querier { return t }
func (t *fakeTx) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	t.db.log = append(t.db.log, sql)
	return 0, t.db.fail(sql)
}
func (t *fakeTx) Query(ctx context.Context, sql string, args ...any) (dialect.Rows, error) {
	t.db.log = append(t.db.log, sql)
	if err := t.db.fail(sql); err != nil {
		return nil, err
	}
	return &fakeRows{rows: t.db.rows(sql)}, nil
}
func (t *fakeTx) Commit(ctx context.Context) error {
	t.end("COMMIT")
	return nil
}
func (t *fakeTx) Rollback() error {
	t.end("ROLLBACK")
	return nil
}
func (t *fakeTx) end(s string) {
	if !t.done {
		t.done = true
		t.db.log = append(t.db.log, s)
	}
}

type fakeRows struct {
	rows [][]any
	i    int
}

func (r *fakeRows) Next() bool           { r.i++; return r.i <= len(r.rows) }
func (r *fakeRows) Scan(dst []any) error { copy(dst, r.rows[r.i-1]); return nil }
func (r *fakeRows) Err() error           { return nil }
func (r *fakeRows) Close() error         { return nil }

// TestReadIsolation pins the decision: PostgreSQL reads in REPEATABLE
// READ; SQL Server in SNAPSHOT when the database allows it, otherwise at
// READ COMMITTED with a warning that says what can happen and how to turn
// snapshot isolation on.
func TestReadIsolation(t *testing.T) {
	pg, ms := dialect.Postgres(), dialect.SQLServer()
	tests := []struct {
		name    string
		d       dialect.Dialect
		state   snapshotState
		db      string
		set     string
		warning []string // substrings; nil = no warning
	}{
		{"postgres", pg, snapshotUnknown, "", setRepeatableRead, nil},
		{"sqlserver, allowed", ms, snapshotOn, "trade", setSnapshot, nil},
		{"sqlserver, off", ms, snapshotOff, "trade", "", []string{"snapshot_isolation_state OFF", "READ COMMITTED",
			"new header and the old tabular-section rows", "ALTER DATABASE [trade] SET ALLOW_SNAPSHOT_ISOLATION ON"}},
		{"sqlserver, turning on", ms, 3, "trade", "", []string{"IN_TRANSITION_TO_ON", "ALLOW_SNAPSHOT_ISOLATION ON"}},
		{"sqlserver, turning off", ms, 2, "trade", "", []string{"IN_TRANSITION_TO_OFF"}},
		{"sqlserver, odd name", ms, snapshotOff, "my]db", "", []string{"ALTER DATABASE [my]]db] SET"}},
		{"sqlserver, unknown", ms, snapshotUnknown, "", "", []string{"unknown", "ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, warning := readIsolation(tt.d, tt.state, tt.db)
			if set != tt.set {
				t.Errorf("set %q, want %q", set, tt.set)
			}
			if (warning == "") != (tt.warning == nil) {
				t.Fatalf("warning %q, want one: %v", warning, tt.warning != nil)
			}
			for _, w := range tt.warning {
				if !strings.Contains(warning, w) {
					t.Errorf("warning %q lacks %q", warning, w)
				}
			}
		})
	}
}

// TestPageReadIsolation reads a page of two objects with their tabular
// section through fetchPage and checks the statements issued: the
// isolation statement first, then the page and the section rows, all in
// one transaction; at READ COMMITTED (snapshot isolation not allowed) the
// same statements without it. readChanged (incremental mode) likewise
// reads the changed rows and their sections in one transaction.
func TestPageReadIsolation(t *testing.T) {
	id1, id2 := bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{2}, 16)
	for _, tt := range []struct {
		name  string
		d     dialect.Dialect
		state snapshotState
		set   string
	}{
		{"postgres", dialect.Postgres(), snapshotUnknown, setRepeatableRead},
		{"sqlserver snapshot allowed", dialect.SQLServer(), snapshotOn, setSnapshot},
		{"sqlserver snapshot not allowed", dialect.SQLServer(), snapshotOff, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tg := refTarget()
			set, _ := readIsolation(tt.d, tt.state, "trade")
			if set != tt.set {
				t.Fatalf("set %q, want %q", set, tt.set)
			}
			page, err := tt.d.SelectPage(tg.table, tg.cols, nil, 11)
			must(t, err)
			secs, err := tt.d.SelectByKeys(tg.sections[0].table, tg.sections[0].cols, tg.sections[0].table.Key, [][]any{{id1}, {id2}})
			must(t, err)
			f := &fakeDB{rows: func(sql string) [][]any {
				if sql == page.SQL {
					return [][]any{{id1, int64(1), "a"}, {id2, int64(2), "b"}}
				}
				return nil
			}}
			want := []string{"BEGIN"}
			if tt.set != "" {
				want = append(want, tt.set)
			}
			want = append(want, page.SQL)
			for _, st := range secs {
				want = append(want, st.SQL)
			}
			want = append(want, "COMMIT")

			p := fetchPage(t.Context(), tt.d, newReadTxs(f.begin, set, nil), 0, 10, job{t: tg, pass: 1}, nil)
			must(t, p.err)
			if len(p.rows) != 2 || !p.last {
				t.Fatalf("%d rows, last %v; want the 2 rows, last", len(p.rows), p.last)
			}
			if !reflect.DeepEqual(f.log, want) {
				t.Errorf("page statements:\n%s\nwant:\n%s", strings.Join(f.log, "\n"), strings.Join(want, "\n"))
			}

			if tt.d.Name() != dialect.NameSQLServer {
				return
			}
			f.log = nil
			st, err := changedStmt(tt.d, tg, 10, 0, 100)
			must(t, err)
			f.rows = func(sql string) [][]any {
				if sql == st.SQL {
					return [][]any{{id1, []byte{0, 0, 0, 0, 0, 0, 0, 5}, "a"}, {id2, []byte{0, 0, 0, 0, 0, 0, 0, 6}, "b"}}
				}
				return nil
			}
			want[len(want)-len(secs)-2] = st.SQL // the changed rows instead of the page
			tk := &Task{reads: newReadTxs(f.begin, set, nil)}
			rows, _, err := tk.readChanged(t.Context(), tt.d, tg, st)
			must(t, err)
			if len(rows) != 2 {
				t.Fatalf("%d changed rows, want 2", len(rows))
			}
			if !reflect.DeepEqual(f.log, want) {
				t.Errorf("changed-rows statements:\n%s\nwant:\n%s", strings.Join(f.log, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestRepeatableReadOnPostgres opens a task on PostgreSQL and checks that
// its read transactions run in REPEATABLE READ.
func TestRepeatableReadOnPostgres(t *testing.T) {
	ctx, _, _, dsn := tradeDB(t)
	props := connProps(t, dsn)
	props[KeyObjects] = "Документ.РеализацияТоваровУслуг"
	tk := &Task{}
	must(t, tk.Start(ctx, &fakeTaskContext{}, props))
	must(t, tk.open(ctx))
	defer tk.Stop(ctx)
	tx, err := tk.reads.start(ctx)
	must(t, err)
	defer tx.Rollback()
	rows, err := queryRows(ctx, tx.Querier(), []dialect.Stmt{{SQL: "SHOW transaction_isolation"}}, 1)
	must(t, err)
	if len(rows) != 1 || rows[0][0] != "repeatable read" {
		t.Fatalf("transaction_isolation %v, want repeatable read", rows)
	}
}

// TestSnapshotTurnedOff: SQL Server stops allowing snapshot isolation
// while the task runs, so a SNAPSHOT transaction fails at its first read
// with error 3952. The page is read again at READ COMMITTED in a new
// transaction, the drop is reported once, and later pages set READ
// COMMITTED explicitly (the pooled session may still carry SNAPSHOT).
// Other errors, and error 3952 outside SNAPSHOT, are returned as they are.
func TestSnapshotTurnedOff(t *testing.T) {
	id1 := bytes.Repeat([]byte{1}, 16)
	d := dialect.SQLServer()
	tg := refTarget()
	page, err := d.SelectPage(tg.table, tg.cols, nil, 11)
	must(t, err)
	refused := mssql.Error{Number: 3952, Message: "Snapshot isolation transaction failed accessing database 'trade' because snapshot isolation is not allowed in this database."}
	f := &fakeDB{rows: func(sql string) [][]any {
		if sql == page.SQL {
			return [][]any{{id1, int64(1), "a"}}
		}
		return nil
	}}
	inSnapshot := false
	f.queryErr = func(sql string) error {
		if sql == setSnapshot {
			inSnapshot = true
		}
		if sql == "BEGIN" {
			inSnapshot = false
		}
		if sql == page.SQL && inSnapshot {
			return fmt.Errorf("query: %w", refused)
		}
		return nil
	}
	var drops []error
	reads := newReadTxs(f.begin, setSnapshot, func(err error) { drops = append(drops, err) })

	p := fetchPage(t.Context(), d, reads, 0, 10, job{t: tg, pass: 1}, nil)
	must(t, p.err)
	if len(p.rows) != 1 {
		t.Fatalf("%d rows, want 1", len(p.rows))
	}
	want := []string{"BEGIN", setSnapshot, page.SQL, "ROLLBACK", "BEGIN", setReadCommitted, page.SQL}
	if got := f.log[:min(len(f.log), len(want))]; !reflect.DeepEqual(got, want) {
		t.Errorf("statements:\n%s\nwant them to start with:\n%s", strings.Join(f.log, "\n"), strings.Join(want, "\n"))
	}
	if len(drops) != 1 || !snapshotNotAllowed(drops[0]) {
		t.Fatalf("drops %v, want one with error 3952", drops)
	}
	if reads.iso.current() != "" {
		t.Fatalf("level %q after the drop, want READ COMMITTED", reads.iso.current())
	}

	f.log = nil
	p = fetchPage(t.Context(), d, reads, 0, 10, job{t: tg, pass: 1}, nil)
	must(t, p.err)
	if f.log[1] != setReadCommitted || len(drops) != 1 {
		t.Errorf("next page: statements %v, drops %d; want READ COMMITTED set and no new drop", f.log, len(drops))
	}

	// Error 3952 at READ COMMITTED, or another error in SNAPSHOT: no retry.
	other := errors.New("connection reset")
	for _, tc := range []struct {
		name string
		set  string
		err  error
	}{{"3952 at read committed", "", refused}, {"other error in snapshot", setSnapshot, other}} {
		g := &fakeDB{rows: func(string) [][]any { return nil }, queryErr: func(sql string) error {
			if sql == page.SQL {
				return tc.err
			}
			return nil
		}}
		calls := 0
		r := newReadTxs(g.begin, tc.set, func(error) { calls++ })
		p := fetchPage(t.Context(), d, r, 0, 10, job{t: tg, pass: 1}, nil)
		if p.err == nil || !strings.Contains(p.err.Error(), tc.err.Error()) || calls != 0 || strings.Count(strings.Join(g.log, "\n"), page.SQL) != 1 {
			t.Errorf("%s: err %v, drops %d, statements %v; want the error once, no drop", tc.name, p.err, calls, g.log)
		}
	}
}
