package changessource

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

// TestGoldenSQL pins the protocol's statements on both dialects (SQL
// Server cannot run here: these texts are what its integration test runs).
func TestGoldenSQL(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres(), dialect.SQLServer()} {
		var b strings.Builder
		add := func(name, sql string, err error) {
			if err != nil {
				t.Fatalf("%s %s: %v", d.Name(), name, err)
			}
			fmt.Fprintf(&b, "-- %s\n%s;\n\n", name, sql)
		}
		ref, err := buildChangeSQL(d, "_ReferenceChngR27", "_NodeTRef", "_NodeRRef", "_MessageNo", []string{"_IDRRef"}, []bool{false})
		add("stamp_reference", ref.stamp, err)
		add("delete_delivered", ref.deleteMsg, nil)
		add("max_message_no", ref.maxMsg, nil)
		add("count_pending", ref.count, nil)
		reg, err := buildChangeSQL(d, "_InfoRgChngR49", "_NodeTRef", "_NodeRRef", "_MessageNo", []string{"_Period", "_Fld45RRef", "_Fld46"}, []bool{false, false, true})
		add("stamp_register", reg.stamp, err)
		q, err := nodeSQL(d, "_Node20", "_IDRRef", "_Code")
		add("node_by_code", q, err)
		q, err = distinctKeysSQL(d, "_InfoRg15", []string{"_Period", "_Fld45RRef", "_Fld46"}, []bool{false, false, true}, false)
		add("snapshot_keys_first", q, err)
		q, err = distinctKeysSQL(d, "_InfoRg15", []string{"_Period", "_Fld45RRef", "_Fld46"}, []bool{false, false, true}, true)
		add("snapshot_keys_after", q, err)
		_, err = buildChangeSQL(d, "_ReferenceChngR27; DROP TABLE x", "_NodeTRef", "_NodeRRef", "_MessageNo", []string{"_IDRRef"}, []bool{false})
		if err == nil {
			t.Errorf("%s: an identifier that is no 1C name was accepted", d.Name())
		}
		golden(t, filepath.Join("testdata", d.Name()+".sql"), b.String())
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		must(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenSQL -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}
