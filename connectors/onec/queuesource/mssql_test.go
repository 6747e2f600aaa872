package queuesource

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/mssqltest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// mssqlQueue builds the Trade configuration in a fresh database on the SQL
// Server named by ONEC_TEST_MSSQL_URL (skipped without it: no SQL Server can
// run on the project's build machines) and returns connector properties
// for it, a handle on it and its layout.
func mssqlQueue(t *testing.T) (map[string]string, *sql.DB, *onectest.Layout) {
	_, db, b, dsn := mssqltest.Build(t, onectest.Trade(), 2*time.Minute)
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return props, db, b.Layout
}

// TestSQLServerQueue runs both modes against SQL Server.
func TestSQLServerQueue(t *testing.T) {
	for _, mode := range []string{ModeDelete, ModeOffset} {
		t.Run(mode, func(t *testing.T) {
			dbProps, db, l := mssqlQueue(t)
			ol, err := l.Object(onectest.OutgoingQueue)
			if err != nil {
				t.Fatal(err)
			}
			col := func(f string) string { return ol.Fields[f].Columns.Single }
			ins := fmt.Sprintf("INSERT INTO %s (%s, %s, %s, %s, %s, %s) VALUES (@p1, @p2, @p3, @p4, @p5, @p6)", ol.Table.Name,
				col("НомерСообщения"), col("ТипСообщения"), col("Ключ"), col("Заголовки"), col("Тело"), col("ДатаСоздания"))
			for n := 1; n <= 20; n++ {
				if _, err := db.Exec(ins, n, "Заказ", fmt.Sprintf("k%d", n%3), "{}", fmt.Sprintf("body-%d", n), time.Date(4024, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
					t.Fatal(err)
				}
			}
			k := testkit.Kafka(t)
			topic := testkit.UniqueTopic("mssql")
			k.CreateTopic(t, topic, 1, nil)
			h := newHarness(t, k, nil)
			props := (&queueDB{props: dbProps}).connectorProps("ms-"+mode, topic, map[string]string{KeyMode: mode, KeyHeadersJSONField: ""})
			w, _ := h.run(t, props, 1)
			got := bodies(k.WaitFor(t, topic, 20, 60*time.Second))
			for i, b := range got[:20] {
				if b != fmt.Sprintf("body-%d", i+1) {
					t.Fatalf("record %d = %s", i, b)
				}
			}
			if mode == ModeDelete {
				deadline := time.Now().Add(20 * time.Second)
				var n int
				for time.Now().Before(deadline) {
					if err := db.QueryRow("SELECT count(*) FROM " + ol.Table.Name).Scan(&n); err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				if n != 0 {
					t.Fatalf("%d rows left", n)
				}
			}
			h.stop(t, w)
		})
	}
}
