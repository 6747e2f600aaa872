package tablesource

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// fakeDB hands out transactions that record the statements issued and
// answer queries with rows(sql).
type fakeDB struct {
	log  []string
	rows func(sql string) [][]any
}

func (f *fakeDB) begin(ctx context.Context) (readTx, error) {
	f.log = append(f.log, "BEGIN")
	return &fakeTx{db: f}, nil
}

type fakeTx struct {
	db   *fakeDB
	done bool
}

func (t *fakeTx) Querier() dialect.Querier     { return t }
func (t *fakeTx) FastQuerier() dialect.Querier { return t }
func (t *fakeTx) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	t.db.log = append(t.db.log, sql)
	return 0, nil
}
func (t *fakeTx) Query(ctx context.Context, sql string, args ...any) (dialect.Rows, error) {
	t.db.log = append(t.db.log, sql)
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

			p := fetchPage(t.Context(), tt.d, readTxs{begin: f.begin, set: set}, 0, 10, job{t: tg, pass: 1}, nil)
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
			tk := &Task{reads: readTxs{begin: f.begin, set: set}}
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
