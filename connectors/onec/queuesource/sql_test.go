package queuesource

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSQLGolden pins the generated SQL of both dialects, with and without
// split.field.
func TestSQLGolden(t *testing.T) {
	for _, tt := range []struct {
		name   string
		dbms   metadata.DBMS
		d      dialect.Dialect
		splits int
	}{
		{"postgres", metadata.DBMSPostgres, dialect.Postgres(), 0},
		{"postgres_split", metadata.DBMSPostgres, dialect.Postgres(), 2},
		{"sqlserver", metadata.DBMSSQLServer, dialect.SQLServer(), 0},
		{"sqlserver_split", metadata.DBMSSQLServer, dialect.SQLServer(), 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			extra := map[string]string{KeyKeyField: "Ключ", KeyValueField: "Тело", KeyTimestampField: "ДатаСоздания"}
			if tt.splits > 0 {
				extra[KeySplitField] = "ТипСообщения"
				extra[KeySplitValues] = "A,B"
			}
			cfg, err := ParseConfig(baseProps(extra))
			if err != nil {
				t.Fatal(err)
			}
			p, err := resolve(memInfobase(t, tt.dbms), tt.d, cfg)
			if err != nil {
				t.Fatal(err)
			}
			q, err := buildQueries(tt.d, p, tt.splits, p.tsCol)
			if err != nil {
				t.Fatal(err)
			}
			depth, err := q.depthAfter(tt.d, p)
			if err != nil {
				t.Fatal(err)
			}
			del, err := tt.d.DeleteByKeys(p.table, []string{p.orderCol.Name}, [][]any{{1}, {2}, {3}})
			if err != nil {
				t.Fatal(err)
			}
			got := "-- lock batch (delete mode)\n" + q.lockBatch + "\n-- lock batch after the newest open batch (delete mode)\n" + q.lockBatchAfter + "\n"
			if !q.deletesOnRead {
				got += "-- delete acknowledged rows\n" + del[0].SQL + "\n"
			}
			got += "-- read after (offset mode)\n" + q.readAfter + "\n-- depth\n" + q.depth + "\n-- depth after\n" + depth + "\n"
			path := filepath.Join("testdata", tt.name+".sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Fatalf("SQL differs from %s:\n%s", path, got)
			}
			if strings.Contains(got, "ИсходящаяОчередь") || strings.Contains(got, "НомерСообщения") {
				t.Fatal("a 1C name leaked into SQL: identifiers must be physical names")
			}
		})
	}
}
