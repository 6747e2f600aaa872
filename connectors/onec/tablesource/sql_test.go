package tablesource

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGoldenSQL pins the statements this package writes itself, on both
// dialects (SQL Server runs only where ONEC_TEST_MSSQL_URL points to one).
func TestGoldenSQL(t *testing.T) {
	cols := []dialect.Column{{Name: "_Period", Kind: dialect.DateTime}, {Name: "_Fld45RRef", Kind: dialect.Binary16},
		{Name: "_Fld46", Kind: dialect.String, Length: 25}, {Name: "_Fld47", Kind: dialect.Numeric, Precision: 15, Scale: 2}}
	ref := []dialect.Column{{Name: "_IDRRef", Kind: dialect.Binary16}, {Name: "_Version", Kind: dialect.Version},
		{Name: "_Description", Kind: dialect.String, Length: 100}}
	for _, d := range []dialect.Dialect{dialect.Postgres(), dialect.SQLServer()} {
		var b strings.Builder
		add := func(name, sql string, err error) {
			if err != nil {
				fmt.Fprintf(&b, "-- %s\n-- error: %v\n\n", name, err)
				return
			}
			fmt.Fprintf(&b, "-- %s\n%s;\n\n", name, sql)
		}
		q, err := pageSQL(d, "_InfoRg15", cols, cols[:3], false)
		add("register_page_first", q, err)
		q, err = pageSQL(d, "_InfoRg15", cols, cols[:3], true)
		add("register_page_after", q, err)
		q, err = versionSQL(d, "_Reference12", "_Version", ref)
		add("changed_since_version", q, err)
		add("min_active_rowversion", minActiveRowversionSQL, nil)
		if d.Name() == dialect.NameSQLServer {
			add("snapshot_isolation_state", snapshotStateSQL, nil)
		}
		set, _ := readIsolation(d, snapshotOn, "trade")
		add("read_transaction_isolation", set, nil)
		if _, err := pageSQL(d, "x; DROP TABLE y", cols, cols[:1], false); err == nil {
			t.Errorf("%s: a table name that is no 1C name was accepted", d.Name())
		}
		path := filepath.Join("testdata", d.Name()+".sql")
		if *update {
			must(t, os.WriteFile(path, []byte(b.String()), 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		must(t, err)
		if string(want) != b.String() {
			t.Errorf("%s differs from the golden file; got:\n%s", path, b.String())
		}
	}
}
