package queuesink

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/mssqltest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// mssqlInbox builds the test configuration in a fresh database on the SQL
// Server named by ONEC_TEST_MSSQL_URL (skipped without it: no SQL Server
// can run on the project's build machines; the SQL Server code is covered
// there by the golden SQL and the conversion tests run for both dialects)
// and returns connector properties for it, a handle on it and its layout.
func mssqlInbox(t *testing.T) (map[string]string, *sql.DB, *onectest.Layout) {
	_, db, b, dsn := mssqltest.Build(t, testConfiguration(), 2*time.Minute)
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return props, db, b.Layout
}

// TestSQLServerExactlyOnce writes 2,000 records from 2 partitions with a
// crash just after a database commit, then checks every record is in the
// register once, with the stored offsets, on SQL Server.
func TestSQLServerExactlyOnce(t *testing.T) {
	dbProps, db, l := mssqlInbox(t)
	ol, err := l.Object(inbox)
	if err != nil {
		t.Fatal(err)
	}
	col := func(f string) string { return ol.Fields[f].Columns.Single }
	const total = 2000
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("mssql-inbox")
	k.CreateTopic(t, topic, 2, nil)
	for i := 0; i < total; i++ {
		k.Produce(t, testkit.InPartition(int32(i%2), testkit.Message(topic, fmt.Sprintf("k%d", i), fmt.Sprintf("b-%d-%d", i%2, i/2))))
	}
	count := func() int {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + ol.Table.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitCount := func(n int) {
		deadline := time.Now().Add(60 * time.Second)
		for count() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d rows, want %d", count(), n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	h := newHarness(t, k, nil)
	s := &sinkDB{props: dbProps}
	props := s.connectorProps("ms-inbox", topic, map[string]string{KeyBatchSize: "100"})
	sw := &crashSwitch{}
	w, _ := h.run(t, props, 2, registry(sw))
	waitCount(total / 4)
	sw.arm("after", 1)
	deadline := time.Now().Add(30 * time.Second)
	for !sw.tripped.Load() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	h.stop(t, w)
	w, ids := h.run(t, props, 2, registry(nil))
	waitCount(total)
	time.Sleep(500 * time.Millisecond)
	h.stop(t, w)
	for _, id := range ids {
		if st, tr := h.status.Get(id.String()); st == "FAILED" {
			t.Fatalf("task %s failed: %s", id, tr)
		}
	}
	var n, distinct int
	if err := db.QueryRow(fmt.Sprintf("SELECT count(*), count(DISTINCT CONCAT(%s, '/', %s)) FROM %s", col("Раздел"), col("Смещение"), ol.Table.Name)).
		Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != total || distinct != total {
		t.Fatalf("%d rows, %d distinct coordinates, want %d", n, distinct, total)
	}
	var stored int64
	if err := db.QueryRow("SELECT sum(onec_next_offset) FROM onec_connect.onec_sink_offsets WHERE onec_connector = 'ms-inbox'").Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != total {
		t.Fatalf("stored offsets sum to %d, want %d", stored, total)
	}
}
