package changessource

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/onecconnect/onecconnect/schema/translit"
)

const (
	catName = "Справочник.Номенклатура"
	docName = "Документ.РеализацияТоваровУслуг"
)

func registry() *plugins.Registry {
	r := plugins.New()
	r.Register(Plugin())
	return r
}

// startConnector creates the connector through the REST API and waits for
// its tasks to run.
func startConnector(t *testing.T, s *connecttest.Stack, name string, cfg map[string]string, tasks int) {
	t.Helper()
	s.Client.Expect(t, "PUT", connecttest.Path(name, "/config"), cfg, 201, nil)
	s.WaitState(t, name, "RUNNING", tasks, "RUNNING", 30*time.Second)
}

// waitDrained waits until the node has no registrations left for objs.
func waitDrained(t *testing.T, ctx context.Context, db *pgxpool.Pool, b *onectest.Built, objs ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		left := 0
		for _, o := range objs {
			left += pendingCount(t, ctx, db, b, o, "KAFKA")
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d registrations still pending after 60 s", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kafkaState folds a topic into its final state: key → value (a tombstone
// removes the key); it also returns the ops seen.
func kafkaState(t *testing.T, k *testkit.KafkaCluster, topic string) (map[string]map[string]any, map[string]int) {
	t.Helper()
	state := map[string]map[string]any{}
	ops := map[string]int{}
	for _, m := range k.ReadAll(t, topic) {
		var key map[string]any
		must(t, json.Unmarshal(m.Key, &key))
		id := fmt.Sprint(key["Ссылка"])
		if m.Value == nil {
			delete(state, id)
			ops["tombstone"]++
			continue
		}
		var v map[string]any
		must(t, json.Unmarshal(m.Value, &v))
		ops[v["op"].(string)]++
		if v["op"] == OpDelete {
			delete(state, id)
			continue
		}
		state[id] = v["data"].(map[string]any)
	}
	return state, ops
}

// dbState reads Наименование (catalog) or the number of Товары lines
// (document) per object from the database.
func dbState(t *testing.T, ctx context.Context, db *pgxpool.Pool, b *onectest.Built, fullName string) map[string]string {
	t.Helper()
	ol, err := b.Object(fullName)
	must(t, err)
	var q string
	if strings.HasPrefix(fullName, "Справочник") {
		q = fmt.Sprintf("SELECT _idrref, _description::text FROM %s", ol.Table.PG())
	} else {
		q = fmt.Sprintf("SELECT d._idrref, (SELECT count(*) FROM %s_vt37 v WHERE v.%s_idrref = d._idrref)::text FROM %s d", ol.Table.PG(), ol.Table.PG(), ol.Table.PG())
	}
	rows, err := db.Query(ctx, q)
	must(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id []byte
		var v string
		must(t, rows.Scan(&id, &v))
		u, err := uuid1c.UUIDFromBinary1C(id)
		must(t, err)
		out[u] = v
	}
	must(t, rows.Err())
	return out
}

func compare(t *testing.T, what string, kafka, db map[string]string) {
	t.Helper()
	if len(kafka) != len(db) {
		t.Errorf("%s: %d objects in Kafka, %d in the database", what, len(kafka), len(db))
	}
	var diffs []string
	for id, v := range db {
		if kv, ok := kafka[id]; !ok || kv != v {
			diffs = append(diffs, fmt.Sprintf("%s: db %q kafka %q (present %v)", id, v, kv, ok))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: %d differences, first: %v", what, len(diffs), diffs[:min(3, len(diffs))])
	}
}

// TestChangesSourceEndToEnd runs the connector in the real worker against
// kfake: an initial snapshot, then inserts, updates and deletes of catalog
// items and documents with tabular sections, with re-registrations while
// batches are in flight; the final Kafka state must equal the database and
// every registration of the node must be gone (those of another node stay).
func TestChangesSourceEndToEnd(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	_, err := b.Generate(ctx, db, catName, 200, onectest.GenOptions{MarkEvery: 7})
	must(t, err)
	_, err = b.Generate(ctx, db, docName, 30, onectest.GenOptions{Lines: 3})
	must(t, err)
	// Registrations that exist before the start (the snapshot covers them too).
	_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "KAFKA", catName)
	must(t, err)
	_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "ЦБ", catName)
	must(t, err)

	k := testkit.Kafka(t)
	catTopic, docTopic := translit.Topic("test."+"Catalog.Номенклатура"), translit.Topic("test."+"Document.РеализацияТоваровУслуг")
	k.CreateTopic(t, catTopic, 3, nil)
	k.CreateTopic(t, docTopic, 3, nil)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: registry(), WorkerProps: map[string]string{
		"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}})
	cfg := connProps(t, dsn)
	for k, v := range map[string]string{"connector.class": Class, "tasks.max": "2", KeyExchangePlan: "ПланОбмена.Kafka", KeyNode: "KAFKA",
		KeyObjects: catName + ", Document.РеализацияТоваровУслуг", KeyTopicPrefix: "test", KeyBatchSize: "37", KeyPollInterval: "50",
		"errors.retry.timeout": "10000"} {
		cfg[k] = v
	}
	startConnector(t, s, "changes", cfg, 2)
	waitDrained(t, ctx, db, b, catName)
	k.WaitFor(t, catTopic, 400, 30*time.Second) // 200 snapshot + 200 registrations
	k.WaitFor(t, docTopic, 30, 30*time.Second)

	// Changes in 1C: updates, inserts, deletions, with registrations made
	// again while earlier batches are in flight.
	catTable, _ := b.Object(catName)
	docTable, _ := b.Object(docName)
	for round := 0; round < 3; round++ {
		for i := int64(1); i <= 60; i++ {
			ref, err := b.Ref(catName, i)
			must(t, err)
			_, err = db.Exec(ctx, fmt.Sprintf("UPDATE %s SET _description = $1 WHERE _idrref = $2", catTable.Table.PG()), fmt.Sprintf("изменено %d-%d", round, i), ref.ID)
			must(t, err)
			reRegister(t, ctx, db, b, catName, ref)
		}
		nref, err := b.InsertObject(ctx, db, catName, onectest.Row{"Наименование": fmt.Sprintf("новый %d", round)}, nil)
		must(t, err)
		must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "KAFKA", catName, onectest.Row{"Ссылка": nref}))
		dref, err := b.Ref(docName, int64(round+1))
		must(t, err)
		_, err = db.Exec(ctx, fmt.Sprintf("DELETE FROM %s_vt37 WHERE %s_idrref = $1", docTable.Table.PG(), docTable.Table.PG()), dref.ID)
		must(t, err)
		_, err = db.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE _idrref = $1", docTable.Table.PG()), dref.ID)
		must(t, err)
		reRegister(t, ctx, db, b, docName, dref)
		cref, err := b.Ref(catName, int64(100+round))
		must(t, err)
		_, err = db.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE _idrref = $1", catTable.Table.PG()), cref.ID)
		must(t, err)
		reRegister(t, ctx, db, b, catName, cref)
		// A document loses one tabular row.
		uref, err := b.Ref(docName, int64(10+round))
		must(t, err)
		_, err = db.Exec(ctx, fmt.Sprintf("DELETE FROM %s_vt37 WHERE %s_idrref = $1 AND _lineno38 = 2", docTable.Table.PG(), docTable.Table.PG()), uref.ID)
		must(t, err)
		reRegister(t, ctx, db, b, docName, uref)
		time.Sleep(30 * time.Millisecond)
	}
	waitDrained(t, ctx, db, b, catName, docName)
	time.Sleep(500 * time.Millisecond) // the last acknowledged records are in Kafka already; let offsets flush

	catState, catOps := kafkaState(t, k, catTopic)
	docState, docOps := kafkaState(t, k, docTopic)
	kcat := map[string]string{}
	for id, d := range catState {
		kcat[id] = fmt.Sprint(d["Наименование"])
	}
	kdoc := map[string]string{}
	for id, d := range docState {
		lines, _ := d["Товары"].([]any)
		kdoc[id] = fmt.Sprint(len(lines))
	}
	compare(t, catName, kcat, dbState(t, ctx, db, b, catName))
	compare(t, docName, kdoc, dbState(t, ctx, db, b, docName))
	if catOps["d"] != 3 || catOps["tombstone"] != 3 || docOps["d"] != 3 || docOps["tombstone"] != 3 {
		t.Errorf("deletions: catalog %v, documents %v; want 3 d and 3 tombstones each", catOps, docOps)
	}
	if catOps["r"] != 200 || docOps["r"] != 30 {
		t.Errorf("snapshot records: catalog %d, documents %d; want 200 and 30", catOps["r"], docOps["r"])
	}
	if n := pendingCount(t, ctx, db, b, catName, "ЦБ"); n != 200 {
		t.Errorf("registrations of node ЦБ: %d, want 200 untouched", n)
	}
	s.CheckNoSecrets(t, cfg["database.password"])
}
