package tablesource

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
)

const acceptCatalog = "Справочник.Номенклатура"

// acceptDB is one scenario's 1C database (onectest.Trade).
type acceptDB struct {
	mu    sync.Mutex // guards everything below
	conn  *pgx.Conn
	built *onectest.Built
	props map[string]string
	table string // the catalog's physical table
	n     uint64 // items written so far
	// ids maps each value written to its item's _IDRRef until the item is
	// deleted (after its record was seen in Kafka).
	ids map[string][]byte
}

func newAcceptDB(t *testing.T) *acceptDB {
	t.Helper()
	_, conn, b, dsn := pgtest.Build(t, onectest.Trade(), 60*time.Second)
	ol, err := b.Object(acceptCatalog)
	if err != nil {
		t.Fatal(err)
	}
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return &acceptDB{conn: conn, built: b, table: ol.Table.PG(), ids: map[string][]byte{}, props: props}
}

// ascendingID returns an _IDRRef that sorts (bytewise, as the clustered
// key does) after every earlier one: variant byte, then n big-endian, then
// the version nibble and filler. onectest.RowID's md5 ids have no order.
func ascendingID(n uint64) []byte {
	id := make([]byte, 16)
	id[0] = 0x80
	binary.BigEndian.PutUint64(id[1:9], n<<8)
	id[9] = 0x10
	return id
}

// write inserts one catalog item per value (Наименование = value), in one
// transaction, with _IDRRef ascending in value order: one keyset page
// (batch.size is larger than any write) reads them in that order.
func (a *acceptDB) write(t testing.TB, values []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a.mu.Lock()
	defer a.mu.Unlock()
	tx, err := a.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	ids := map[string][]byte{}
	for i, v := range values {
		a.n++
		id := ascendingID(a.n)
		if _, err := a.built.InsertObject(ctx, tx, acceptCatalog, onectest.Row{"Ссылка": id, "Код": fmt.Sprintf("%011d", a.n),
			"Наименование": v, "Артикул": fmt.Sprintf("A-%03d", i)}, nil); err != nil {
			t.Fatalf("insert %q: %v", v, err)
		}
		ids[v] = id
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for v, id := range ids {
		a.ids[v] = id
	}
}

// consumed deletes the item of value once its record has been seen in
// Kafka. In snapshot mode every pass sends every row again (doc.go), so an
// item stays in the table for exactly one pass: the suite's "one record
// per value" then holds, and a value read twice (a pass or a page sent
// again, or an offset not honoured) shows up as a duplicate. Passes are
// snapshot.interval.ms apart, far more than the suite's 100 ms between
// reads of the topic.
func (a *acceptDB) consumed(value string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.ids[value]
	if !ok {
		return nil // deleted already (or never written: the suite reports it)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.conn.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE _idrref = $1", a.table), id); err != nil {
		return err
	}
	delete(a.ids, value)
	return nil
}

// TestAcceptance runs the connector (mode=snapshot, a pass every 2 s)
// through connect/connecttest's suite (validation, lifecycle, resume
// across a worker restart, no goroutine leak, no password in logs or REST
// output), one 1C database per scenario. Values are catalog items; each is
// deleted once its record is in Kafka (see consumed).
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance suite: skipped with -short")
	}
	const password = "s3cr3t-table-password"
	var mu sync.Mutex // guards byTopic
	byTopic := map[string]*acceptDB{}
	dbOf := connecttest.PerEnv(func(env *connecttest.Env) *acceptDB {
		a := newAcceptDB(t)
		mu.Lock()
		byTopic[env.Topic] = a
		mu.Unlock()
		return a
	})
	connecttest.Run(t, connecttest.Spec{
		Class:   Class,
		Plugins: connecttest.Registry(Plugin()),
		Config: func(env *connecttest.Env) map[string]string {
			p := map[string]string{"database.password": password, KeyObjects: acceptCatalog, KeyMode: ModeSnapshot,
				KeySnapshotInterval: "2000", KeyTopic: env.Topic}
			for k, v := range dbOf(env).props {
				p[k] = v
			}
			return p
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "misspelt object (close match)", Mutate: func(c map[string]string) { c[KeyObjects] = "Справочник.Номенклатурра" }, Keys: []string{KeyObjects}},
			{Name: "an enum", Mutate: func(c map[string]string) { c[KeyObjects] = "Перечисление.СтавкиНДС" }, Keys: []string{KeyObjects}},
			{Name: "no objects", Mutate: func(c map[string]string) { delete(c, KeyObjects) }, Keys: []string{KeyObjects}},
			{Name: "incremental on PostgreSQL", Mutate: func(c map[string]string) { c[KeyMode] = ModeIncremental }, Keys: []string{KeyMode}},
			{Name: "unknown mode", Mutate: func(c map[string]string) { c[KeyMode] = "sometimes" }, Keys: []string{KeyMode}},
			{Name: "batch.size 0", Mutate: func(c map[string]string) { c[KeyBatchSize] = "0" }, Keys: []string{KeyBatchSize}},
			{Name: "bad topic template", Mutate: func(c map[string]string) {
				delete(c, KeyTopic)
				c[KeyTopicTemplate] = "${prefix}.${table}"
			}, Keys: []string{KeyTopicTemplate}},
			// The REST validate response echoes database.url as given, so
			// this case uses a password other than the checked one.
			{Name: "password in url", Mutate: func(c map[string]string) { c["database.url"] = "postgres://u:inline-pw@127.0.0.1:1/x" }, Keys: []string{"database.url"}},
		},
		Passwords: []string{password},
		WorkerProps: map[string]string{
			"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
			"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"},
		Source: &connecttest.SourceSpec{
			Write: func(t testing.TB, env *connecttest.Env, values []string) { dbOf(env).write(t, values) },
			Value: func(m *sarama.ConsumerMessage) string {
				var v map[string]any
				if err := json.Unmarshal(m.Value, &v); err != nil {
					return fmt.Sprintf("<undecodable %q: %v>", m.Value, err)
				}
				name := fmt.Sprint(v["Наименование"])
				mu.Lock()
				a := byTopic[m.Topic]
				mu.Unlock()
				if a == nil {
					return "<record in an unknown topic " + m.Topic + ">"
				}
				if err := a.consumed(name); err != nil {
					return fmt.Sprintf("<%s: delete its item: %v>", name, err)
				}
				return name
			},
		},
	})
}
