package queuesource

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// queueDB is a 1C-shaped PostgreSQL database built by onectest with the
// Trade configuration.
type queueDB struct {
	url   string // superuser URL with credentials (for the test's own use)
	props map[string]string
	conn  *pgx.Conn
	built *onectest.Built
	table string // physical table of the outgoing queue
	col   map[string]string
}

func newQueueDB(t testing.TB) *queueDB {
	t.Helper()
	_, conn, built, dbURL := pgtest.Build(t, onectest.Trade(), 60*time.Second)
	props, err := onectest.ConnectorDBProps(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ol, err := built.Object(onectest.OutgoingQueue)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for name, f := range ol.Fields {
		col[name] = strings.ToLower(f.Columns.Single)
	}
	return &queueDB{url: dbURL, conn: conn, built: built, table: ol.Table.PG(), col: col, props: props}
}

// count returns the rows left in the outgoing queue.
func (q *queueDB) count(t testing.TB) int {
	t.Helper()
	var n int
	if err := q.conn.QueryRow(context.Background(), "SELECT count(*) FROM "+q.table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// connectorProps returns a queue source configuration on the database.
func (q *queueDB) connectorProps(name, topic string, extra map[string]string) map[string]string {
	p := map[string]string{
		connect.KeyName: name, connect.KeyConnectorClass: Class,
		KeyRegister: onectest.OutgoingQueue, KeyOrderBy: "НомерСообщения",
		KeyTopic: topic, KeyKeyField: "Ключ", KeyValueField: "Тело", KeyHeadersJSONField: "Заголовки",
		KeyTimestampField: "ДатаСоздания",
		"key.converter":   "org.apache.kafka.connect.storage.StringConverter", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
		"poll.interval.ms": "50", "metadata.refresh.interval.ms": "500",
	}
	for k, v := range q.props {
		p[k] = v
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// statuses records task states (connecttest's recorder).
type statuses = connecttest.TaskStatuses

func newStatuses() *statuses { return connecttest.NewTaskStatuses() }

// harness runs connectors on in-process workers against one Kafka and one
// offset store, so a "killed" worker can be replaced by a new one.
type harness struct {
	k       *testkit.KafkaCluster
	wc      *runtime.WorkerConfig
	offsets storage.OffsetStore
	status  *statuses
}

func newHarness(t testing.TB, k *testkit.KafkaCluster, extra map[string]string) *harness {
	t.Helper()
	props := map[string]string{
		runtime.KeyBootstrapServers:     k.BootstrapString(),
		runtime.KeyKeyConverter:         "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyValueConverter:       "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyOffsetFlushInterval:  "100",
		runtime.KeyOffsetFlushTimeout:   "5000",
		runtime.KeyTaskShutdownTimeout:  "5000",
		runtime.KeyKafkaProtocolVersion: testkit.SaramaVersion().String(),
		"producer.linger.ms":            "5",
	}
	for k, v := range extra {
		props[k] = v
	}
	wc, err := runtime.ParseWorkerConfig(props)
	if err != nil {
		t.Fatalf("worker config: %v", err)
	}
	return &harness{k: k, wc: wc, offsets: storage.NewMemoryOffsetStore(), status: newStatuses()}
}

func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("QUEUE_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// run starts a worker with the connector and its tasks.
func (h *harness) run(t testing.TB, props map[string]string, maxTasks int) (*runtime.Worker, []connect.TaskID) {
	t.Helper()
	w, err := runtime.NewWorker(h.wc, runtime.Options{WorkerID: "queue-test", Offsets: h.offsets, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ids := connecttest.StartConnector(t, w, props, maxTasks, h.status)
	return w, ids
}

// stop stops a worker gracefully.
func (h *harness) stop(t testing.TB, w *runtime.Worker) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w.Stop(ctx)
}

func pgxConnect(c *pgx.ConnConfig) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return pgx.ConnectConfig(ctx, c)
}
