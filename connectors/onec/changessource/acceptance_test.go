package changessource

import (
	"context"
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

// acceptDB is one scenario's 1C database (onectest.Trade) and the "1C user"
// that writes catalog items and registers their changes for node KAFKA.
type acceptDB struct {
	mu    sync.Mutex // guards conn and built (the suite and the registrar goroutine share them)
	conn  *pgx.Conn
	built *onectest.Built
	props map[string]string
	// change is the catalog's change table, node the KAFKA node's _IDRRef.
	change string
	node   []byte
	// done is closed when the registrar of the latest Write has finished.
	done chan struct{}
}

func newAcceptDB(t *testing.T) *acceptDB {
	t.Helper()
	_, conn, b, dsn := pgtest.Build(t, onectest.Trade(), 60*time.Second)
	ol, err := b.Object(catName)
	if err != nil {
		t.Fatal(err)
	}
	node, err := b.NodeRef("ПланОбмена.Kafka", "KAFKA")
	if err != nil {
		t.Fatal(err)
	}
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	close(done)
	return &acceptDB{conn: conn, built: b, change: ol.ChangeTable.PG(), node: node, done: done, props: props}
}

// write inserts one catalog item per value (Наименование = value), then
// registers their changes for node KAFKA one at a time in a goroutine:
// each registration is made only once the connector has stamped the
// previous one. The connector promises order per key only (a batch holds
// several objects in no particular order), so each value must travel in a
// batch of its own for the values to arrive in the order written; this is
// what a 1C user writing one item at a time, slower than the poll
// interval, produces. The goroutine ends when the last registration is
// stamped (or the scenario ends), before the suite's goroutine-leak check.
func (a *acceptDB) write(t testing.TB, values []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	refs := make([]onectest.Reference, len(values))
	a.mu.Lock()
	tx, err := a.conn.Begin(ctx)
	if err == nil {
		for i, v := range values {
			if refs[i], err = a.built.InsertObject(ctx, tx, catName, onectest.Row{"Наименование": v, "Артикул": fmt.Sprintf("A-%03d", i)}, nil); err != nil {
				break
			}
		}
		if err == nil {
			err = tx.Commit(ctx)
		}
		_ = tx.Rollback(ctx)
	}
	a.mu.Unlock()
	cancel()
	if err != nil {
		t.Fatalf("insert catalog items: %v", err)
	}

	prev, done := a.done, make(chan struct{})
	a.done = done
	gctx, gcancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		gcancel()
		<-done
	})
	go func() {
		defer close(done)
		select {
		case <-prev:
		case <-gctx.Done():
			return
		}
		for i, ref := range refs {
			if err := a.register(gctx, ref); err != nil {
				if gctx.Err() == nil {
					t.Errorf("register value %q: %v", values[i], err)
				}
				return
			}
			if err := a.waitStamped(gctx, ref); err != nil {
				return // the scenario ended (or failed) first
			}
		}
	}()
}

func (a *acceptDB) register(ctx context.Context, ref onectest.Reference) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.built.RegisterChange(ctx, a.conn, "ПланОбмена.Kafka", "KAFKA", catName, onectest.Row{"Ссылка": ref})
}

// waitStamped waits until ref's registration is stamped with a message
// number (or already deleted after delivery).
func (a *acceptDB) waitStamped(ctx context.Context, ref onectest.Reference) error {
	q := fmt.Sprintf("SELECT count(*) FROM %s WHERE _idrref = $1 AND _noderref = $2 AND _messageno IS NULL", a.change)
	for {
		a.mu.Lock()
		var n int
		err := a.conn.QueryRow(ctx, q, ref.ID, a.node).Scan(&n)
		a.mu.Unlock()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// acceptValue returns Наименование of a change record, marked when the
// record is anything but an update of an existing item.
func acceptValue(m *sarama.ConsumerMessage) string {
	if m.Value == nil {
		return "<tombstone>"
	}
	var v struct {
		Op   string         `json:"op"`
		Kind string         `json:"kind"`
		Name string         `json:"name"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(m.Value, &v); err != nil {
		return fmt.Sprintf("<undecodable %q: %v>", m.Value, err)
	}
	name := fmt.Sprint(v.Data["Наименование"])
	if v.Op != OpUpdate || v.Kind != "Catalog" || v.Name != "Номенклатура" {
		return fmt.Sprintf("<op %s %s.%s: %s>", v.Op, v.Kind, v.Name, name)
	}
	return name
}

// TestAcceptance runs the connector through connect/connecttest's suite
// (validation, lifecycle, resume across a worker restart, no goroutine
// leak, no password in logs or REST output), one 1C database per scenario.
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance suite: skipped with -short")
	}
	const password = "s3cr3t-changes-password"
	dbOf := connecttest.PerEnv(func(*connecttest.Env) *acceptDB { return newAcceptDB(t) })
	connecttest.Run(t, connecttest.Spec{
		Class:   Class,
		Plugins: connecttest.Registry(Plugin()),
		Config: func(env *connecttest.Env) map[string]string {
			p := map[string]string{"database.password": password, KeyExchangePlan: "ПланОбмена.Kafka", KeyNode: "KAFKA",
				KeyObjects: catName, KeyTopic: env.Topic, KeySnapshotMode: SnapshotNever, KeyPollInterval: "100"}
			for k, v := range dbOf(env).props {
				p[k] = v
			}
			return p
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "misspelt object (close match)", Mutate: func(c map[string]string) { c[KeyObjects] = "Справочник.Номенклатурра" }, Keys: []string{KeyObjects}},
			{Name: "object outside the plan's content", Mutate: func(c map[string]string) { c[KeyObjects] = "РегистрНакопления.Продажи" }, Keys: []string{KeyObjects}},
			{Name: "unknown exchange plan", Mutate: func(c map[string]string) { c[KeyExchangePlan] = "ПланОбмена.Kafak" }, Keys: []string{KeyExchangePlan}},
			{Name: "not an exchange plan", Mutate: func(c map[string]string) { c[KeyExchangePlan] = catName }, Keys: []string{KeyExchangePlan}},
			{Name: "unknown node", Mutate: func(c map[string]string) { c[KeyNode] = "NOPE" }, Keys: []string{KeyNode}},
			{Name: "no node", Mutate: func(c map[string]string) { delete(c, KeyNode) }, Keys: []string{KeyNode}},
			{Name: "bad snapshot mode", Mutate: func(c map[string]string) { c[KeySnapshotMode] = "sometimes" }, Keys: []string{KeySnapshotMode}},
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
			Value: acceptValue,
		},
	})
}
