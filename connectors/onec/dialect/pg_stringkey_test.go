package dialect_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// stringKeyRow is a row of a register whose clustered key is (string
// dimension, number).
type stringKeyRow struct {
	s string
	n int64
}

// stringKeyRows returns rows whose dimension values come in case variants
// (Latin and Cyrillic, ё, trailing spaces in mvarchar), each variant with
// its own number so that the unique key admits it.
func stringKeyRows() []stringKeyRow {
	words := []string{"alpha", "Beta", "b", "a b", "10", "9", "гамма", "Ёлка", "еж", "Яблоко", "z", "Ж"}
	var rows []stringKeyRow
	for i, w := range words {
		first := []rune(w)[:1]
		for j, v := range []string{w, strings.ToUpper(w), strings.ToLower(w), strings.ToUpper(string(first)) + w[len(string(first)):]} {
			for k := range 3 {
				rows = append(rows, stringKeyRow{v, int64(1000*k + 10*i + j)})
			}
		}
	}
	return rows
}

// icaseOrder is the order of the emulated mchar types (onectest): lower
// case without trailing spaces, byte-wise, then the number.
func icaseOrder(a, b stringKeyRow) int {
	key := func(s string) string { return strings.ToLower(strings.TrimRight(s, " ")) }
	return cmp.Or(cmp.Compare(key(a.s), key(b.s)), cmp.Compare(a.n, b.n))
}

// explain returns the plan of st.
func explain(t *testing.T, ctx context.Context, conn *pgx.Conn, st dialect.Stmt) string {
	t.Helper()
	rows, err := conn.Query(ctx, "EXPLAIN "+st.SQL, st.Args...)
	if err != nil {
		t.Fatalf("%s: %v", st.SQL, err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", st.SQL, err)
	}
	return strings.Join(plan, "\n")
}

// TestPGStringKeyset pages and selects by key a register whose clustered
// key is (mvarchar or mchar dimension, numeric), as 1C's registers with a
// string dimension have: case variants of one value are equal to
// PostgreSQL's mchar types, so the key order is case-insensitive, and the
// row comparisons of SelectPage and SelectByKeys must use the types' own
// operators (and their index) for every row to come exactly once.
func TestPGStringKeyset(t *testing.T) {
	for _, tc := range []struct {
		sqlType string
		kind    dialect.ColumnKind
	}{
		{"mvarchar(20)", dialect.String},
		{"mchar(20)", dialect.FixedString},
	} {
		t.Run(tc.sqlType, func(t *testing.T) {
			ctx, conn, _ := pgSetup(t)
			d := dialect.Postgres()
			q := dialect.PGX(conn)
			if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE _inforg80 (_fld81 %s NOT NULL, _fld82 numeric(10,0) NOT NULL,
				_fld83 numeric(15,3) NOT NULL);
				CREATE UNIQUE INDEX _inforg80_bydims ON _inforg80 (_fld81, _fld82)`, tc.sqlType)); err != nil {
				t.Fatal(err)
			}
			tbl := dialect.Table{
				Name: "_InfoRg80",
				Columns: []dialect.Column{
					{Name: "_Fld81", Kind: tc.kind, Length: 20},
					{Name: "_Fld82", Kind: dialect.Numeric, Precision: 10},
					{Name: "_Fld83", Kind: dialect.Numeric, Precision: 15, Scale: 3},
				},
				Key: []string{"_Fld81", "_Fld82"},
			}
			keyCols, err := tbl.KeyColumns()
			if err != nil {
				t.Fatal(err)
			}
			want := stringKeyRows()
			if tc.kind == dialect.String {
				// mvarchar keeps trailing spaces (mchar's are padding, which
				// reading trims) and ignores them when comparing.
				want = append(want, stringKeyRow{"alpha  ", 5000}, stringKeyRow{"ЖЖ ", 5001})
			}
			rows := make([][]any, len(want))
			for i, r := range want {
				rows[i] = []any{r.s, decimal.NewFromInt(r.n), decimal.New(r.n, -3)}
			}
			if _, err := d.BulkInsert(ctx, q, tbl, tbl.Columns, encodeRows(t, d, tbl.Columns, rows)); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Exec(ctx, "ANALYZE _inforg80"); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(want, icaseOrder)
			if slices.IsSortedFunc(want, func(a, b stringKeyRow) int { return cmp.Or(cmp.Compare(a.s, b.s), cmp.Compare(a.n, b.n)) }) {
				t.Fatal("the test rows sort the same with and without case")
			}
			decode := func(r []any) stringKeyRow { return stringKeyRow{r[0].(string), r[1].(decimal.Decimal).IntPart()} }

			// Keyset paging: every row once, in the index's order. The page
			// size puts page boundaries inside runs of case variants.
			var got []stringKeyRow
			var after []any
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatalf("paging does not end; read %d rows", len(got))
				}
				st, err := d.SelectPage(tbl, tbl.Columns, after, 7)
				if err != nil {
					t.Fatal(err)
				}
				page := readAll(t, ctx, d, q, tbl.Columns, st)
				if len(page) == 0 {
					break
				}
				for _, r := range page {
					got = append(got, decode(r))
				}
				last := page[len(page)-1]
				if after, err = dialect.EncodeRow(d, keyCols, last[:2], 0); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages read\n%v\nwant\n%v", got, want)
			}

			// The keyset predicate and the order come from the key index.
			if _, err := conn.Exec(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
			st, err := d.SelectPage(tbl, tbl.Columns, after, 7)
			if err != nil {
				t.Fatal(err)
			}
			if p := explain(t, ctx, conn, st); !strings.Contains(p, "Index Cond: (ROW(_fld81, _fld82) > ROW(") ||
				!strings.Contains(p, "_inforg80_bydims") || strings.Contains(p, "Sort") {
				t.Errorf("%s\nis not answered from the key index in order:\n%s", st.SQL, p)
			}
			if _, err := conn.Exec(ctx, "RESET enable_seqscan"); err != nil {
				t.Fatal(err)
			}

			// SelectByKeys with keys in another case than stored: they match
			// as in 1C; every third row is asked for.
			var keys [][]any
			var asked []stringKeyRow
			for i, r := range want {
				if i%3 != 0 {
					continue
				}
				k, err := dialect.EncodeRow(d, keyCols, []any{strings.ToUpper(strings.TrimRight(r.s, " ")), decimal.NewFromInt(r.n)}, 0)
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
				asked = append(asked, r)
			}
			stmts, err := d.SelectByKeys(tbl, tbl.Columns, tbl.Key, keys)
			if err != nil {
				t.Fatal(err)
			}
			var byKeys []stringKeyRow
			for _, st := range stmts {
				for _, r := range readAll(t, ctx, d, q, tbl.Columns, st) {
					byKeys = append(byKeys, decode(r))
				}
			}
			slices.SortFunc(byKeys, icaseOrder)
			if !slices.Equal(byKeys, asked) {
				t.Fatalf("SelectByKeys returned\n%v\nwant\n%v", byKeys, asked)
			}
		})
	}
}
