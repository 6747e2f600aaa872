package tablesource

import (
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// TestIncrementalNeedsVersion: in mode=incremental an object without a
// _Version column (registers, constants) would be read once and never
// again, so validation and the task refuse it under the objects key;
// reference objects pass, and snapshot mode takes everything.
func TestIncrementalNeedsVersion(t *testing.T) {
	ctx, _, _, dsn := tradeDB(t)
	props := connProps(t, dsn)
	s, err := parseSettings(map[string]string{"database.url": props["database.url"], "database.user": props["database.user"],
		"database.password": props["database.password"], KeyObjects: "x"})
	must(t, err)
	cat, err := common.OpenCatalog(ctx, s.db, (&fakeTaskContext{}).Logger())
	must(t, err)
	defer cat.Close()
	ib := cat.Snapshot()

	tests := []struct {
		object  string
		refused bool // in incremental mode
	}{
		{"Справочник.Номенклатура", false},
		{"Document.РеализацияТоваровУслуг", false},
		{"ПланОбмена.Kafka", false},
		{"РегистрСведений.ЦеныНоменклатуры", true},
		{"AccumulationRegister.Продажи", true},
		{"Константа.НаименованиеОрганизации", true},
	}
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			objs, problems := resolveObjects(ib, []string{tt.object}, ModeSnapshot)
			if len(objs) != 1 || len(problems) != 0 {
				t.Fatalf("snapshot mode: %d objects, problems %v; want the object, none", len(objs), problems)
			}
			name := objs[0].FullNameRU()
			objs, problems = resolveObjects(ib, []string{tt.object}, ModeIncremental)
			if len(objs) != 1 {
				t.Fatalf("incremental mode: %d objects, want the object (it exists)", len(objs))
			}
			if !tt.refused {
				if len(problems) != 0 {
					t.Fatalf("incremental mode: problems %v, want none", problems)
				}
				return
			}
			want := name + " has no _Version column; mode=incremental cannot see its changes, use mode=snapshot"
			if len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
				t.Fatalf("incremental mode: problems %v, want %q…", problems, want)
			}
			// The task refuses it too, naming the key.
			tk := &Task{s: &settings{mode: ModeIncremental, taskObjects: []string{tt.object}}}
			_, err := tk.resolve(ib)
			if err == nil || !strings.HasPrefix(err.Error(), KeyObjects+": "+want) {
				t.Fatalf("task resolve: %v, want %q…", err, KeyObjects+": "+want)
			}
		})
	}
}
