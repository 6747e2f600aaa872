package onectest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// mcharConn is a connection to a fresh database holding the emulation.
func mcharConn(t *testing.T) (context.Context, *pgx.Conn) {
	t.Helper()
	ctx, conn := connect(t)
	if _, err := conn.Exec(ctx, MCharEmulationSQL); err != nil {
		t.Fatalf("emulation: %v", err)
	}
	return ctx, conn
}

// icaseKey is the emulation's comparison key: lower case, trailing spaces
// dropped, compared byte-wise.
func icaseKey(s string) string { return strings.ToLower(strings.TrimRight(s, " ")) }

// TestMCharEmulationIdempotent installs the emulation twice, and over the
// older emulation that had only = and <>: every time the four operator
// classes end up in place.
func TestMCharEmulationIdempotent(t *testing.T) {
	const olderEq = `
CREATE FUNCTION mvarchar_icase_eq(mvarchar, mvarchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) = lower($2::text)';
CREATE FUNCTION mvarchar_icase_ne(mvarchar, mvarchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) <> lower($2::text)';
CREATE OPERATOR = (LEFTARG = mvarchar, RIGHTARG = mvarchar, FUNCTION = mvarchar_icase_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = mvarchar, RIGHTARG = mvarchar, FUNCTION = mvarchar_icase_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE FUNCTION mchar_icase_eq(mchar, mchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) = lower($2::text)';
CREATE FUNCTION mchar_icase_ne(mchar, mchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) <> lower($2::text)';
CREATE OPERATOR = (LEFTARG = mchar, RIGHTARG = mchar, FUNCTION = mchar_icase_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = mchar, RIGHTARG = mchar, FUNCTION = mchar_icase_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);`
	for _, tc := range []struct {
		name  string
		setup []string
	}{
		{"twice", []string{MCharEmulationSQL, MCharEmulationSQL}},
		{"over the older emulation", []string{mcharTypesSQL + olderEq, MCharEmulationSQL, MCharEmulationSQL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, conn := connect(t)
			for i, sql := range tc.setup {
				if _, err := conn.Exec(ctx, sql); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			var classes int
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
				WHERE c.opcname IN ('mvarchar_icase_ops', 'mchar_icase_ops') AND c.opcdefault AND a.amname IN ('btree', 'hash')`).Scan(&classes); err != nil || classes != 4 {
				t.Fatalf("%d default icase operator classes, %v; want 4", classes, err)
			}
			var lt bool
			if err := conn.QueryRow(ctx, `SELECT 'a'::mvarchar < 'B'::mvarchar AND 'ab'::mchar(4) = 'AB'::mvarchar`).Scan(&lt); err != nil || !lt {
				t.Fatalf("comparison = %v, %v", lt, err)
			}
		})
	}
}

// TestMCharComparison checks every operator within and across the two
// types against 1C's rules: case-insensitive, trailing spaces ignored.
// Each case's case-sensitive (text) answer differs or is noted.
func TestMCharComparison(t *testing.T) {
	ctx, conn := mcharConn(t)
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{`'ABC'::mvarchar = 'abc'::mvarchar`, true},
		{`'Ёлка'::mvarchar = 'ёЛКА'::mvarchar`, true},
		{`'abc  '::mvarchar = 'ABC'::mvarchar`, true}, // trailing spaces
		{`' abc'::mvarchar = 'abc'::mvarchar`, false}, // leading ones count
		{`'ABC'::mvarchar <> 'abc'::mvarchar`, false},
		{`'a'::mvarchar < 'B'::mvarchar`, true}, // text: 'B' < 'a'
		{`'Б'::mvarchar > 'а'::mvarchar`, true}, // text: 'Б' < 'а'
		{`'a'::mvarchar <= 'A'::mvarchar AND 'a'::mvarchar >= 'A'::mvarchar`, true},
		{`'a'::mvarchar < 'A'::mvarchar OR 'a'::mvarchar > 'A'::mvarchar`, false},
		{`'9'::mvarchar > '10'::mvarchar`, true},
		{`'ab'::mchar(5) = 'AB'::mchar(9)`, true}, // padding to different lengths
		{`'ab'::mchar(5) < 'B'::mchar(5)`, true},
		{`'Я'::mchar(3) >= 'я'::mchar(3)`, true},
		{`'ab'::mchar(5) = 'AB'::mvarchar`, true}, // across the types
		{`'AB '::mvarchar = 'ab'::mchar(5)`, true},
		{`'ab'::mchar(5) < 'abc'::mvarchar`, true},
		{`'ABC'::mvarchar > 'ab'::mchar(5)`, true},
		{`'ab'::mchar(5) <> 'AB'::mvarchar`, false},
		{`mvarchar_icase_cmp('b', 'A') > 0 AND mvarchar_icase_cmp('A', 'b') < 0 AND mvarchar_icase_cmp('Ж ', 'ж') = 0`, true},
		{`mchar_icase_cmp('b', 'A') > 0 AND mc_mv_icase_cmp('x', 'X') = 0 AND mv_mc_icase_cmp('a', 'B') < 0`, true},
		{`mvarchar_hash('Ёж ') = mvarchar_hash('ёЖ') AND mchar_hash('ab'::mchar(4)) = mchar_hash('AB'::mchar(7))`, true},
	} {
		var got bool
		if err := conn.QueryRow(ctx, "SELECT "+tc.expr).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.expr, got, err, tc.want)
		}
	}
}

// TestMCharOrderingAndIndexes sorts, deduplicates and row-compares mvarchar
// and mchar columns the way 1C's PostgreSQL does: case-insensitively.
func TestMCharOrderingAndIndexes(t *testing.T) {
	ctx, conn := mcharConn(t)
	words := []string{"b", "A", "Б", "ab", "яблоко", "a b", "10", "9", "Alpha", "ёж", "Гамма", "z"}
	for _, typ := range []string{"mvarchar(20)", "mchar(20)"} {
		t.Run(typ, func(t *testing.T) {
			tbl := "t_" + typ[:strings.IndexByte(typ, '(')]
			if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE %s (s %s NOT NULL, n integer NOT NULL);
				CREATE UNIQUE INDEX %[1]s_key ON %[1]s (s, n)`, tbl, typ)); err != nil {
				t.Fatal(err)
			}
			type row struct {
				s string
				n int
			}
			var rows []row
			for i, w := range words {
				// Case variants of each word, with different n so that the
				// unique index admits them.
				rows = append(rows, row{w, i}, row{strings.ToUpper(w), i + 100}, row{strings.ToLower(w), i + 200})
			}
			slices.Reverse(rows)
			for _, r := range rows {
				if _, err := conn.Exec(ctx, "INSERT INTO "+tbl+" VALUES ($1, $2)", r.s, r.n); err != nil {
					t.Fatal(err)
				}
			}
			byKey := func(a, b row) int { return cmp.Or(cmp.Compare(icaseKey(a.s), icaseKey(b.s)), cmp.Compare(a.n, b.n)) }
			want := slices.Clone(rows)
			slices.SortFunc(want, byKey)
			caseSensitive := slices.Clone(rows)
			slices.SortFunc(caseSensitive, func(a, b row) int { return cmp.Or(cmp.Compare(a.s, b.s), cmp.Compare(a.n, b.n)) })
			if slices.Equal(want, caseSensitive) {
				t.Fatal("the test data sort the same with and without case")
			}
			// read runs a query selecting s::text AS str, n: not AS s, for an
			// ORDER BY s would then sort the text output column.
			read := func(sql string, args ...any) []row {
				t.Helper()
				got, err := conn.Query(ctx, sql, args...)
				if err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
				out, err := pgx.CollectRows(got, func(r pgx.CollectableRow) (row, error) {
					var x row
					err := r.Scan(&x.s, &x.n)
					x.s = strings.TrimRight(x.s, " ")
					return x, err
				})
				if err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
				return out
			}

			// ORDER BY, with a sort and from the index.
			for _, seqscan := range []string{"on", "off"} {
				if _, err := conn.Exec(ctx, "SET enable_seqscan = "+seqscan); err != nil {
					t.Fatal(err)
				}
				if got := read("SELECT s::text AS str, n FROM " + tbl + " ORDER BY s, n"); !slices.Equal(got, want) {
					t.Errorf("enable_seqscan=%s: ORDER BY s, n =\n%v\nwant\n%v", seqscan, got, want)
				}
			}
			if _, err := conn.Exec(ctx, "RESET enable_seqscan"); err != nil {
				t.Fatal(err)
			}

			// Row comparison from every position, with parameters.
			for i := 0; i < len(want); i += 5 {
				after := want[i]
				got := read("SELECT s::text AS str, n FROM "+tbl+" WHERE (s, n) > ($1, $2) ORDER BY s, n", strings.ToUpper(after.s), after.n)
				if !slices.Equal(got, want[i+1:]) {
					t.Fatalf("(s, n) > (%q, %d) =\n%v\nwant\n%v", strings.ToUpper(after.s), after.n, got, want[i+1:])
				}
			}
			// Row equality (IN), which also needs the btree family.
			got := read("SELECT s::text AS str, n FROM "+tbl+" WHERE (s, n) IN (($1, $2), ($3, $4)) ORDER BY n", "ГАММА", 10, "гамма", 110)
			if want := []row{{"Гамма", 10}, {"ГАММА", 110}}; !slices.Equal(got, want) {
				t.Errorf("(s, n) IN = %v, want %v", got, want)
			}

			// The unique index treats case variants as duplicates: Cyrillic
			// А after а, ALPHA after Alpha, and ab after AB.
			if _, err := conn.Exec(ctx, "INSERT INTO "+tbl+" VALUES ('а', 1)"); err != nil {
				t.Fatal(err)
			}
			for _, dup := range []row{{"А", 1}, {"ALPHA ", 8}, {"ab", 103}} {
				_, err := conn.Exec(ctx, "INSERT INTO "+tbl+" VALUES ($1, $2)", dup.s, dup.n)
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
					t.Errorf("insert duplicate (%q, %d): %v; want a unique violation", dup.s, dup.n, err)
				}
			}

			// DISTINCT by sorting and by hashing: one value per word, and а.
			for _, want := range []struct{ settings, node string }{
				{"SET enable_hashagg = off; SET enable_sort = on", "Unique"},
				{"SET enable_hashagg = on; SET enable_sort = off", "HashAggregate"},
			} {
				if _, err := conn.Exec(ctx, want.settings); err != nil {
					t.Fatal(err)
				}
				const q = "SELECT count(*) FROM (SELECT DISTINCT s FROM %s) d"
				lines, err := conn.Query(ctx, "EXPLAIN "+fmt.Sprintf(q, tbl))
				if err != nil {
					t.Fatal(err)
				}
				plan, err := pgx.CollectRows(lines, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if p := strings.Join(plan, "\n"); !strings.Contains(p, want.node) {
					t.Errorf("%s: plan without %s:\n%s", want.settings, want.node, p)
				}
				var groups int
				if err := conn.QueryRow(ctx, fmt.Sprintf(q, tbl)).Scan(&groups); err != nil || groups != len(words)+1 {
					t.Errorf("%s: %d distinct values, %v; want %d", want.settings, groups, err, len(words)+1)
				}
			}
			if _, err := conn.Exec(ctx, "RESET enable_hashagg; RESET enable_sort"); err != nil {
				t.Fatal(err)
			}
		})
	}
}
