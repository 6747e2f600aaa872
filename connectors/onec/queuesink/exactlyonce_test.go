package queuesink

import (
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestExactlyOnceAcrossCrashes writes 100,000 records from 4 partitions
// with 2 tasks while the worker is killed three times: just after a
// database commit (before Kafka's offset commit: the dangerous window),
// just before a database commit, and at an arbitrary instant with rows
// buffered; then the last worker's database connections are terminated. The register must hold every record exactly once, and per
// partition the sequence numbers must follow the offsets.
func TestExactlyOnceAcrossCrashes(t *testing.T) {
	total, parts := 100000, 4
	if testing.Short() {
		total = 20000
	}
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inbox-eo")
	k.CreateTopic(t, topic, int32(parts), nil)
	const chunk = 10000
	for start := 0; start < total; start += chunk {
		msgs := make([]*sarama.ProducerMessage, 0, chunk)
		for i := start; i < start+chunk && i < total; i++ {
			p := i % parts
			msgs = append(msgs, testkit.InPartition(int32(p), testkit.Message(topic, fmt.Sprintf("k%d", i), fmt.Sprintf("m-%d-%d", p, i/parts))))
		}
		k.Produce(t, msgs...)
	}
	h := newHarness(t, k, nil)
	props := s.connectorProps("inbox-eo", topic, map[string]string{KeyBatchSize: "2000", KeyBatchLinger: "100"})

	crash := func(name, when string, atLeast int) {
		sw := &crashSwitch{}
		w, _ := h.run(t, props, 2, registry(sw))
		s.waitCount(t, inbox, atLeast, 60*time.Second)
		switch when {
		case "now":
			sw.tripped.Store(true)
		default:
			sw.arm(when, 1)
			deadline := time.Now().Add(30 * time.Second)
			for !sw.tripped.Load() && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if !sw.tripped.Load() {
				t.Fatalf("%s: no commit reached the crash point", name)
			}
		}
		n := s.count(t, inbox)
		h.stop(t, w)
		t.Logf("%s: crashed with %d rows in the register", name, n)
	}
	crash("crash after the database commit", "after", total*15/100)
	crash("crash before the database commit", "before", total*40/100)
	crash("crash with rows buffered", "now", total*65/100)

	// The last worker loses its database connections mid-stream: the
	// batches in flight roll back and the tasks rewind, without failing.
	// Small batches make many short transactions, and the connections are
	// terminated again and again until a write has failed on one of them
	// (bounded), so the scenario does not depend on when one kill lands.
	props[connect.KeyErrorsRetryTimeout] = "30000"
	props[KeyBatchSize] = "200"
	last := &crashSwitch{} // never tripped: counts the tasks' metrics
	w, ids := h.run(t, props, 2, registry(last))
	s.waitCount(t, inbox, total*75/100, 60*time.Second)
	kills := 0
	for deadline := time.Now().Add(30 * time.Second); last.metrics().WriteErrors == 0 && time.Now().Before(deadline); kills++ {
		if s.count(t, inbox) >= total {
			break
		}
		s.query2(t, `SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity WHERE application_name LIKE 'onec-connect inbox-eo%'`)
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("terminated the database connections %d times, until %d rows", kills, s.count(t, inbox))
	s.waitCount(t, inbox, total, 90*time.Second)
	time.Sleep(500 * time.Millisecond) // anything written twice would show now
	h.stop(t, w)
	for _, id := range ids {
		if st, tr := h.status.Get(id.String()); st == "FAILED" {
			t.Fatalf("task %s failed: %s", id, tr)
		}
	}
	if m := last.metrics(); m.WriteErrors == 0 {
		t.Errorf("no write failed after the connections were terminated: %+v", m)
	} else {
		t.Logf("last worker: %+v", m)
	}

	tbl, col := s.table(t, inbox)
	q := func(sql string) []string { return s.query2(t, sql) }
	if got := q("SELECT count(*)::text FROM " + tbl); got[0] != fmt.Sprint(total) {
		t.Fatalf("register holds %s rows, want %d", got[0], total)
	}
	coords := col["Топик"] + ", " + col["Раздел"] + ", " + col["Смещение"]
	if got := q("SELECT count(*)::text FROM (SELECT DISTINCT " + coords + " FROM " + tbl + ") d"); got[0] != fmt.Sprint(total) {
		t.Fatalf("%s distinct (Топик, Раздел, Смещение), want %d: duplicates", got[0], total)
	}
	perPart := q("SELECT " + col["Раздел"] + "::text || ':' || count(*) || ':' || min(" + col["Смещение"] + ") || ':' || max(" + col["Смещение"] + ") FROM " +
		tbl + " GROUP BY " + col["Раздел"] + " ORDER BY 1")
	var want []string
	for p := 0; p < parts; p++ {
		n := total / parts
		want = append(want, fmt.Sprintf("%d:%d:0:%d", p, n, n-1))
	}
	if fmt.Sprint(perPart) != fmt.Sprint(want) {
		t.Fatalf("per partition (partition:count:min:max) %v, want %v", perPart, want)
	}
	// Order: by number, each partition's offsets go 0, 1, 2, … without a
	// step back, and every body is the one produced at that offset.
	bad := q("SELECT count(*)::text FROM (SELECT " + col["Смещение"] + " AS o, lag(" + col["Смещение"] + ") OVER (PARTITION BY " + col["Раздел"] +
		" ORDER BY " + col["НомерСообщения"] + ") AS prev FROM " + tbl + ") x WHERE prev IS NOT NULL AND o <> prev + 1")
	if bad[0] != "0" {
		t.Fatalf("%s rows out of offset order within their partition", bad[0])
	}
	wrong := q("SELECT count(*)::text FROM " + tbl + " WHERE " + col["Тело"] + "::text <> 'm-' || " + col["Раздел"] + " || '-' || " + col["Смещение"])
	if wrong[0] != "0" {
		t.Fatalf("%s rows with the body of another record", wrong[0])
	}
}
