package dialect

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// goldenCase builds one statement (or batch) with a dialect.
type goldenCase struct {
	name  string
	build func(d Dialect) ([]Stmt, error)
}

func one(st Stmt, err error) ([]Stmt, error) { return []Stmt{st}, err }

func encodeAll(t *testing.T, d Dialect, cols []Column, vals ...any) []any {
	t.Helper()
	out, err := EncodeRow(d, cols, vals, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func goldenCases(t *testing.T) []goldenCase {
	cat, vt, chg := catalogTable(), tabularTable(), changeTable()
	catCols := cat.Columns
	vtKeys, _ := vt.KeyColumns()
	const ref = "ff19dcc1-b0fd-11f1-9412-080027b9b2bd"
	date := time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC)
	return []goldenCase{
		{"select_page_first", func(d Dialect) ([]Stmt, error) { return one(d.SelectPage(cat, catCols, nil, 1000)) }},
		{"select_page_after", func(d Dialect) ([]Stmt, error) {
			after := encodeAll(t, d, cat.Columns[:1], ref)
			return one(d.SelectPage(cat, catCols[:3], after, 500))
		}},
		{"select_page_two_keys", func(d Dialect) ([]Stmt, error) {
			after := encodeAll(t, d, vtKeys, ref, []byte{0, 0, 0, 7})
			return one(d.SelectPage(vt, vt.Columns, after, 100))
		}},
		{"select_page_five_keys", func(d Dialect) ([]Stmt, error) {
			keys, _ := chg.KeyColumns()
			after := encodeAll(t, d, keys, date, "Москва", ref, int64(362), ref)
			return one(d.SelectPage(chg, chg.Columns, after, 10))
		}},
		{"select_for_update_skip_locked", func(d Dialect) ([]Stmt, error) {
			where := []Eq{{"_NodeTRef", encodeAll(t, d, chg.Columns[:1], int64(362))[0]}, {"_NodeRRef", encodeAll(t, d, chg.Columns[1:2], ref)[0]}}
			return one(d.SelectForUpdateSkipLocked(chg, chg.Columns, where, []string{"_Period", "_Fld71"}, 1000))
		}},
		{"select_for_update_null_unordered", func(d Dialect) ([]Stmt, error) {
			return one(d.SelectForUpdateSkipLocked(chg, chg.Columns[3:], []Eq{{"_MessageNo", nil}}, nil, 50))
		}},
		{"delete_by_one_key", func(d Dialect) ([]Stmt, error) {
			k := encodeAll(t, d, cat.Columns[:1], ref)
			return d.DeleteByKeys(cat, []string{"_IDRRef"}, [][]any{k, k})
		}},
		{"delete_by_two_keys", func(d Dialect) ([]Stmt, error) {
			return d.DeleteByKeys(vt, vt.Key, [][]any{
				encodeAll(t, d, vtKeys, ref, []byte{0, 0, 0, 1}),
				encodeAll(t, d, vtKeys, ref, []byte{0, 0, 0, 2}),
			})
		}},
		{"delete_by_keys_with_null", func(d Dialect) ([]Stmt, error) {
			keys, _ := chg.KeyColumns()
			return d.DeleteByKeys(chg, chg.Key, [][]any{
				encodeAll(t, d, keys, nil, "A", ref, int64(362), ref),
				encodeAll(t, d, keys, date, nil, ref, int64(362), ref),
			})
		}},
		{"select_by_two_keys", func(d Dialect) ([]Stmt, error) {
			return d.SelectByKeys(vt, vt.Columns[2:], vt.Key, [][]any{encodeAll(t, d, vtKeys, ref, []byte{0, 0, 0, 1})})
		}},
		{"select_by_one_key", func(d Dialect) ([]Stmt, error) {
			return d.SelectByKeys(cat, catCols[4:6], []string{"_IDRRef"}, [][]any{encodeAll(t, d, cat.Columns[:1], ref)})
		}},
		{"create_sequence", func(d Dialect) ([]Stmt, error) { return one(d.CreateSequenceIfMissing("onec_seq_numbers")) }},
		{"next_sequence_values", func(d Dialect) ([]Stmt, error) { return one(d.NextSequenceValues("onec_seq_numbers", 5)) }},
	}
}

// formatArg renders an argument for a golden file, with its Go type.
func formatArg(a any) string {
	switch x := a.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("[]byte 0x%x", x)
	case string:
		return fmt.Sprintf("string %q", x)
	}
	return fmt.Sprintf("%T %v", a, a)
}

func renderGolden(t *testing.T, d Dialect) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- Generated SQL of the %s dialect; rewrite with go test -run TestGoldenSQL -update.\n", d.Name())
	for _, c := range goldenCases(t) {
		stmts, err := c.build(d)
		if err != nil {
			t.Fatalf("%s %s: %v", d.Name(), c.name, err)
		}
		for i, st := range stmts {
			fmt.Fprintf(&b, "\n-- %s [%d/%d]\n%s;\n", c.name, i+1, len(stmts), st.SQL)
			for j, a := range st.Args {
				fmt.Fprintf(&b, "--   %s = %s\n", d.Placeholder(j+1), formatArg(a))
			}
		}
	}
	return b.String()
}

func TestGoldenSQL(t *testing.T) {
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		path := filepath.Join("testdata", d.Name()+".sql")
		got := renderGolden(t, d)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		if got != string(want) {
			t.Errorf("%s: generated SQL differs from %s (run with -update and review the diff):\n%s", d.Name(), path, got)
		}
	}
}

func TestBadRequests(t *testing.T) {
	cat := catalogTable()
	noKey := cat
	noKey.Key = nil
	badKey := cat
	badKey.Key = []string{"_Nope"}
	badName := cat
	badName.Name = "users"
	badCol := cat
	badCol.Columns = append([]Column{{Name: "x y", Kind: Int}}, cat.Columns...)
	badKind := cat
	badKind.Columns = append([]Column{{Name: "_Fld1"}}, cat.Columns...)
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		checks := []struct {
			what string
			err  error
			want error
		}{
			{"no key", err2(d.SelectPage(noKey, cat.Columns, nil, 10)), ErrBadTable},
			{"unknown key", err2(d.SelectPage(badKey, cat.Columns, nil, 10)), ErrBadTable},
			{"bad table name", err2(d.SelectPage(badName, cat.Columns, nil, 10)), ErrBadIdentifier},
			{"bad column name", err2(d.SelectPage(badCol, badCol.Columns, nil, 10)), ErrBadIdentifier},
			{"invalid kind", err2(d.SelectPage(badKind, cat.Columns, nil, 10)), ErrBadTable},
			{"zero limit", err2(d.SelectPage(cat, cat.Columns, nil, 0)), ErrBadTable},
			{"no columns", err2(d.SelectPage(cat, []Column{}, nil, 10)), ErrBadTable},
			{"foreign column", err2(d.SelectPage(cat, []Column{{Name: "_Fld999", Kind: Int}}, nil, 10)), ErrBadTable},
			{"duplicate column", err2(d.SelectPage(cat, []Column{cat.Columns[0], cat.Columns[0]}, nil, 10)), ErrBadTable},
			{"after arity", err2(d.SelectPage(cat, cat.Columns, []any{[]byte{1}, []byte{2}}, 10)), ErrBadTable},
			{"after null", err2(d.SelectPage(cat, cat.Columns, []any{nil}, 10)), ErrBadTable},
			{"where unknown", err2(d.SelectForUpdateSkipLocked(cat, cat.Columns, []Eq{{"_Nope", 1}}, nil, 10)), ErrBadTable},
			{"order unknown", err2(d.SelectForUpdateSkipLocked(cat, cat.Columns, nil, []string{"_Nope"}, 10)), ErrBadTable},
			{"key arity", err2(d.DeleteByKeys(cat, []string{"_IDRRef"}, [][]any{{1, 2}})), ErrBadTable},
			{"no key columns", err2(d.DeleteByKeys(cat, nil, [][]any{{1}})), ErrBadTable},
			{"select by keys nil cols", err2(d.SelectByKeys(cat, nil, []string{"_IDRRef"}, [][]any{{1}})), ErrBadTable},
			{"sequence name", err2(d.CreateSequenceIfMissing("numbers")), ErrBadIdentifier},
			{"sequence count", err2(d.NextSequenceValues("onec_n", 0)), ErrBadTable},
			{"sequence count max", err2(d.NextSequenceValues("onec_n", MaxSequenceBatch+1)), ErrBadTable},
		}
		for _, c := range checks {
			if !errors.Is(c.err, c.want) {
				t.Errorf("%s: %s: error %v, want %v", d.Name(), c.what, c.err, c.want)
			}
		}
	}
}

func err2[T any](_ T, err error) error { return err }

// TestKeyChunks checks that batched statements respect the parameter limit
// and carry every key exactly once, in order.
func TestKeyChunks(t *testing.T) {
	vt := tabularTable()
	const n = 3001
	keys := make([][]any, n)
	for i := range keys {
		keys[i] = []any{[]byte{byte(i >> 8), byte(i)}, []byte{0, 0, byte(i >> 8), byte(i)}}
	}
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		for _, del := range []bool{true, false} {
			var stmts []Stmt
			var err error
			if del {
				stmts, err = d.DeleteByKeys(vt, vt.Key, keys)
			} else {
				stmts, err = d.SelectByKeys(vt, vt.Columns, vt.Key, keys)
			}
			if err != nil {
				t.Fatal(err)
			}
			var all []any
			for _, st := range stmts {
				if len(st.Args) > d.MaxParams() || len(st.Args) > 2*maxKeyRows {
					t.Errorf("%s: statement with %d parameters", d.Name(), len(st.Args))
				}
				if strings.Contains(st.SQL, d.Placeholder(len(st.Args)+1)+")") || !strings.Contains(st.SQL, d.Placeholder(len(st.Args))) {
					t.Errorf("%s: placeholders do not match %d args", d.Name(), len(st.Args))
				}
				all = append(all, st.Args...)
			}
			if len(all) != 2*n {
				t.Fatalf("%s: %d args over %d statements, want %d", d.Name(), len(all), len(stmts), 2*n)
			}
			for i := range n {
				if string(all[2*i].([]byte)) != string(keys[i][0].([]byte)) || string(all[2*i+1].([]byte)) != string(keys[i][1].([]byte)) {
					t.Fatalf("%s: key %d out of place", d.Name(), i)
				}
			}
			wantStmts := (n + maxKeyRows - 1) / maxKeyRows
			if d.Name() == NameSQLServer {
				wantStmts = (n + mssqlMaxParams/2 - 1) / (mssqlMaxParams / 2)
			}
			if len(stmts) != wantStmts {
				t.Errorf("%s: %d statements, want %d", d.Name(), len(stmts), wantStmts)
			}
		}
		if stmts, err := d.DeleteByKeys(vt, vt.Key, nil); err != nil || len(stmts) != 0 {
			t.Errorf("%s: no keys gave %d statements, %v", d.Name(), len(stmts), err)
		}
	}
}
