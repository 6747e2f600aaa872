package queuesource

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// fieldsOf returns the field names of a JSON-envelope struct value.
func fieldsOf(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var env struct {
		Payload map[string]any `json:"payload"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("value %s: %v", b, err)
	}
	return env.Payload
}

// TestMetadataReload: an attribute added to the register by a
// configuration change appears in the record struct; removing the register
// fails the task with a message naming it.
func TestMetadataReload(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	put(t, q, q.conn, msgs(1, 3)...)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("reload")
	k.CreateTopic(t, topic, 1, nil)
	h := newHarness(t, k, nil)
	props := q.connectorProps("reload", topic, map[string]string{KeyValueField: "", KeyHeadersJSONField: "",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "metadata.refresh.interval.ms": "200"})
	w, ids := h.run(t, props, 1)
	defer h.stop(t, w)
	first := k.WaitFor(t, topic, 3, 30*time.Second)
	p := fieldsOf(t, first[0].Value)
	if p["Тело"] != "body-1" || p["НомерСообщения"] == nil || p["ДатаСоздания"] == nil {
		t.Fatalf("whole-row value %v", p)
	}
	if _, ok := p["Приоритет"]; ok {
		t.Fatal("field present before the change")
	}
	if err := q.built.AddAttribute(ctx, q.conn, onectest.OutgoingQueue,
		onectest.Attribute{Name: "Приоритет", Synonym: "Приоритет", Type: onectest.String(10)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(800 * time.Millisecond) // a few refresh intervals
	put(t, q, q.conn, msg(4))
	got := k.WaitFor(t, topic, 4, 30*time.Second)
	if p := fieldsOf(t, got[3].Value); p["Тело"] != "body-4" {
		t.Fatalf("value after the change %v", p)
	} else if _, ok := p["Приоритет"]; !ok {
		t.Fatalf("new attribute missing from the record after the reload: %v", p)
	}

	// Remove the register from the configuration: its descriptor goes.
	ol, err := q.built.Object(onectest.OutgoingQueue)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.conn.Exec(ctx, "DELETE FROM config WHERE filename = $1::text", ol.UUID); err != nil {
		t.Fatal(err)
	}
	trace := h.status.WaitState(t, ids[0].String(), "FAILED", 20*time.Second)
	if !strings.Contains(trace, "РегистрСведений.ИсходящаяОчередь") || !strings.Contains(trace, "removed") {
		t.Fatalf("failure trace does not say the register was removed: %s", trace)
	}
}

// TestConnectionLoss: while the database refuses connections the task
// stays RUNNING and retries; when it is back, delivery resumes. With a
// short errors.retry.timeout the task fails with the trace.
func TestConnectionLoss(t *testing.T) {
	q := newQueueDB(t)
	ctx := context.Background()
	u, _ := url.Parse(q.url)
	dbName := strings.TrimPrefix(u.Path, "/")
	admin, err := pgx.Connect(ctx, testkit.PostgresAdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	block := func(on bool) {
		t.Helper()
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{dbName}.Sanitize()+" WITH ALLOW_CONNECTIONS "+map[bool]string{true: "false", false: "true"}[on]); err != nil {
			t.Fatal(err)
		}
		if on {
			if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'onec-connect %'`, dbName); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() { block(false); admin.Close(ctx) })
	put(t, q, q.conn, msgs(1, 5)...)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("loss")
	k.CreateTopic(t, topic, 1, nil)
	h := newHarness(t, k, nil)
	props := q.connectorProps("loss", topic, map[string]string{KeyHeadersJSONField: "", "errors.retry.timeout": "30000",
		"errors.retry.delay.max.ms": "400", "metadata.refresh.interval.ms": "300"})
	w, ids := h.run(t, props, 1)
	id := ids[0].String()
	k.WaitFor(t, topic, 5, 30*time.Second)
	block(true)
	put(t, q, q.conn, msgs(6, 8)...) // the test's own connection survives
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if st, tr := h.status.Get(id); st != "RUNNING" {
			t.Fatalf("task %s while the database is away (trace %s)", st, tr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := len(k.ReadAll(t, topic)); n != 5 {
		t.Fatalf("%d records delivered while the database refused connections", n)
	}
	block(false)
	k.WaitFor(t, topic, 8, 30*time.Second)
	if st, _ := h.status.Get(id); st != "RUNNING" {
		t.Fatalf("task %s after the database came back", st)
	}
	h.stop(t, w)

	// A short errors.retry.timeout: the task fails with the trace.
	props["errors.retry.timeout"] = "1000"
	props["name"] = "loss2"
	w2, ids2 := h.run(t, props, 1)
	defer h.stop(t, w2)
	h.status.WaitState(t, ids2[0].String(), "RUNNING", 20*time.Second)
	block(true)
	trace := h.status.WaitState(t, ids2[0].String(), "FAILED", 20*time.Second)
	if !strings.Contains(trace, "giving up") || !strings.Contains(trace, "errors.retry.timeout") {
		t.Fatalf("trace %s", trace)
	}
}
