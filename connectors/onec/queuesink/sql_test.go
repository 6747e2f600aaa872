package queuesink

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// generatedSQL renders every statement the connector runs in d.
func generatedSQL(t *testing.T, d dialect.Dialect) string {
	s, err := offsetStatements(d)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	add := func(name, sql string, args ...any) {
		fmt.Fprintf(&b, "-- %s\n%s\n", name, sql)
		if len(args) > 0 {
			fmt.Fprintf(&b, "-- args: %v\n", args)
		}
		b.WriteString("\n")
	}
	add("lock", s.lock)
	add("exists", s.exists)
	add("create schema", s.createSchema)
	add("create table", s.createTable)
	add("load", s.load)
	add("update (fence)", s.update)
	add("insert (fence)", s.insert)
	add("remove", s.remove)
	seq := sequenceName("_InfoRg120", "_Fld121")
	cs, err := d.CreateSequenceIfMissing(seq)
	if err != nil {
		t.Fatal(err)
	}
	add("create sequence", cs.SQL, cs.Args...)
	nv, err := d.NextSequenceValues(seq, 3)
	if err != nil {
		t.Fatal(err)
	}
	add("next sequence values", nv.SQL, nv.Args...)
	tbl := dialect.Table{Name: "_InfoRg120", Key: []string{"_Fld121"}, Columns: []dialect.Column{
		{Name: "_Fld121", Kind: dialect.Numeric, Precision: 19}, {Name: "_Fld122", Kind: dialect.String, Length: 36}}}
	dd, err := d.SelectByKeys(tbl, []dialect.Column{tbl.Columns[1]}, []string{"_Fld122"}, [][]any{{"id-1"}, {"id-2"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range dd {
		add("dedup lookup", st.SQL, st.Args...)
	}
	return b.String()
}

// TestGeneratedSQL pins the SQL of the offsets table, the sequence and the
// dedup lookup for both engines (golden files).
func TestGeneratedSQL(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    dialect.Dialect
	}{{"postgres", dialect.Postgres()}, {"sqlserver", dialect.SQLServer()}} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, "sql_"+tc.name+".golden", generatedSQL(t, tc.d))
		})
	}
}

// TestObjectNamesPassQuoting: every name the connector creates carries the
// onec_ prefix the dialects insist on.
func TestObjectNamesPassQuoting(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres(), dialect.SQLServer()} {
		for _, n := range []string{OffsetsTable, OffsetsSchema + ".onec_seq_inforg120_fld121", sequenceName("_InfoRg99999", "_Fld100000")} {
			if _, err := d.QuoteIdent(n); err != nil {
				t.Errorf("%s: %s: %v", d.Name(), n, err)
			}
		}
	}
	if got, want := sequenceName("_InfoRg120", "_Fld121"), "onec_connect.onec_seq_inforg120_fld121"; got != want {
		t.Fatalf("sequence name %s, want %s", got, want)
	}
}
