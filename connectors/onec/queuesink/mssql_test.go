package queuesink

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// envMSSQLURL names a SQL Server for the integration tests
// (sqlserver://user:password@host:port). No SQL Server can run on the
// project's build machines (toolchain-notes.md): without it these tests
// skip, and the SQL Server code is covered by the golden SQL and the
// conversion tests run for both dialects.
const envMSSQLURL = "ONEC_TEST_MSSQL_URL"

// mssqlInbox builds the test configuration in a fresh database on the SQL
// Server and returns connector properties for it and a handle on it.
func mssqlInbox(t *testing.T) (map[string]string, *sql.DB, *onectest.Layout) {
	raw := os.Getenv(envMSSQLURL)
	if raw == "" {
		t.Skipf("%s not set: SQL Server integration test skipped", envMSSQLURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := sql.Open("sqlserver", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("onecsink_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "ALTER DATABASE "+name+" SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE "+name)
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ddl, err := onectest.SQLServerDDL(testConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	dml, err := onectest.SQLServerDML(testConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	for _, script := range []string{ddl, dml} {
		if _, err := db.ExecContext(ctx, script); err != nil {
			t.Fatalf("build the 1C database: %v", err)
		}
	}
	l, err := onectest.Plan(testConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	user := u.User.Username()
	pw, _ := u.User.Password()
	u.User = nil
	return map[string]string{"database.url": u.String(), "database.user": user, "database.password": pw}, db, l
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
