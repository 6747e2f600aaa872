package queuesink

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// inbox is the test register with a numbering dimension filled from the
// sequence and the Kafka coordinates as resources (the shape).
const inbox = "РегистрСведений.ВходящиеСообщения"

// testConfiguration is Trade (whose ВходящаяОчередь is keyed by the Kafka
// coordinates) plus ВходящиеСообщения, numbered by НомерСообщения, with a
// few typed fields for the struct mapping.
func testConfiguration() *onectest.Configuration {
	cfg := onectest.Trade()
	cfg.Objects = append(cfg.Objects, &onectest.Object{Kind: onectest.InformationRegister, Name: "ВходящиеСообщения",
		Synonym: "Входящие сообщения",
		Dimensions: []onectest.Attribute{
			{Name: "НомерСообщения", Type: onectest.NonNegative(19, 0)},
		},
		Resources: []onectest.Attribute{
			{Name: "Топик", Type: onectest.String(249)},
			{Name: "Раздел", Type: onectest.NonNegative(10, 0)},
			{Name: "Смещение", Type: onectest.NonNegative(19, 0)},
			{Name: "ТипСообщения", Type: onectest.String(100)},
			{Name: "Ключ", Type: onectest.String(20)},
			{Name: "Заголовки", Type: onectest.String(0)},
			{Name: "Тело", Type: onectest.String(0)},
			{Name: "ВремяСообщения", Type: onectest.DateTime()},
			{Name: "ДатаПоступления", Type: onectest.DateTime()},
			{Name: "Сумма", Type: onectest.Number(10, 2)},
			{Name: "Количество", Type: onectest.NonNegative(5, 0)},
			{Name: "Срочно", Type: onectest.Bool()},
			{Name: "ИдСообщения", Type: onectest.String(36)},
		}})
	return cfg
}

// sinkDB is a 1C-shaped PostgreSQL database built by onectest.
type sinkDB struct {
	url   string // superuser URL with credentials (the test's own use)
	props map[string]string
	conn  *pgx.Conn
	built *onectest.Built
}

func newSinkDB(t testing.TB) *sinkDB {
	t.Helper()
	_, conn, built, dbURL := pgtest.Build(t, testConfiguration(), 60*time.Second)
	props, err := onectest.ConnectorDBProps(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return &sinkDB{url: dbURL, conn: conn, built: built, props: props}
}

// table returns the physical table of a register and its field columns.
func (s *sinkDB) table(t testing.TB, register string) (string, map[string]string) {
	t.Helper()
	ol, err := s.built.Object(register)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for name, f := range ol.Fields {
		col[name] = strings.ToLower(f.Columns.Single)
	}
	return ol.Table.PG(), col
}

// query returns the rows of fields of register as text, ordered by order
// (a field name).
func (s *sinkDB) query(t testing.TB, register string, fields []string, order string) [][]string {
	t.Helper()
	tbl, col := s.table(t, register)
	sel := make([]string, len(fields))
	for i, f := range fields {
		c, ok := col[f]
		if !ok {
			t.Fatalf("%s has no field %s", register, f)
		}
		sel[i] = "coalesce(" + c + "::text, 'NULL')"
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + tbl
	if order != "" {
		q += " ORDER BY " + col[order]
	}
	rows, err := s.conn.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals := make([]string, len(fields))
		ptrs := make([]any, len(fields))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// count returns the rows in a register.
func (s *sinkDB) count(t testing.TB, register string) int {
	t.Helper()
	tbl, _ := s.table(t, register)
	var n int
	if err := s.conn.QueryRow(context.Background(), "SELECT count(*) FROM "+tbl).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitCount waits until register holds at least n rows.
func (s *sinkDB) waitCount(t testing.TB, register string, n int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	got := 0
	for time.Now().Before(deadline) {
		if got = s.count(t, register); got >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s holds %d rows after %s, want %d", register, got, timeout, n)
	return got
}

// connectorProps returns a sink configuration on the test register.
func (s *sinkDB) connectorProps(name, topic string, extra map[string]string) map[string]string {
	p := map[string]string{
		connect.KeyName: name, connect.KeyConnectorClass: Class, connect.KeyTopics: topic,
		KeyRegister: inbox, KeySequenceField: "НомерСообщения", KeyTopicField: "Топик", KeyPartitionField: "Раздел",
		KeyOffsetField: "Смещение", KeyKeyField: "Ключ", KeyValueField: "Тело", KeyHeadersJSONField: "Заголовки",
		KeyTimestampField: "ВремяСообщения", KeyReceivedField: "ДатаПоступления",
		"key.converter": "org.apache.kafka.connect.storage.StringConverter", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
		KeyBatchLinger: "50", "metadata.refresh.interval.ms": "0",
	}
	for k, v := range s.props {
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

// crashSwitch simulates a worker crash at chosen instants: once tripped,
// the tasks it instruments stop writing (nothing more reaches the
// database) and refuse to commit, as a dead process would.
type crashSwitch struct {
	tripped atomic.Bool
	// when: "" (trip only by hand), "before" (just before the database
	// commit) or "after" (just after it, before Kafka's commit).
	when  atomic.Value
	armed atomic.Int64 // trip at the armed-th commit from now (0 = not armed)

	mu    sync.Mutex
	tasks []*Task // every task made through the switch, for their metrics
}

// metrics sums the metrics of the tasks made through the switch.
func (c *crashSwitch) metrics() MetricsSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	var sum MetricsSnapshot
	for _, t := range c.tasks {
		if t.metrics == nil {
			continue
		}
		s := t.metrics.Snapshot()
		sum.Records += s.Records
		sum.RowsWritten += s.RowsWritten
		sum.Batches += s.Batches
		sum.DLQ += s.DLQ
		sum.Duplicates += s.Duplicates
		sum.WriteErrors += s.WriteErrors
		sum.Fenced += s.Fenced
	}
	return sum
}

var errCrashed = fmt.Errorf("simulated crash")

func (c *crashSwitch) hooks() *hooks {
	check := func(at string) func() error {
		return func() error {
			if c.tripped.Load() {
				return errCrashed
			}
			if w, _ := c.when.Load().(string); w == at && c.armed.Load() > 0 && c.armed.Add(-1) == 0 {
				c.tripped.Store(true)
				return errCrashed
			}
			return nil
		}
	}
	return &hooks{beforeCommit: check("before"), afterCommit: check("after")}
}

// arm makes the n-th commit from now crash at the given instant.
func (c *crashSwitch) arm(when string, n int64) {
	c.when.Store(when)
	c.armed.Store(n)
}

// crashableTask wraps Task: after the switch trips, every call fails
// without touching the database, so Stop cannot flush anything.
type crashableTask struct {
	*Task
	sw *crashSwitch
}

func (c *crashableTask) Put(ctx context.Context, recs []*connect.SinkRecord) error {
	if c.sw.tripped.Load() {
		return nil // a dead process loses what it was handed
	}
	return c.Task.Put(ctx, recs)
}

func (c *crashableTask) PreCommit(ctx context.Context, cur map[connect.TopicPartition]int64) (map[connect.TopicPartition]int64, error) {
	if c.sw.tripped.Load() {
		return nil, errCrashed
	}
	return c.Task.PreCommit(ctx, cur)
}

func (c *crashableTask) Flush(ctx context.Context, cur map[connect.TopicPartition]int64) error {
	_, err := c.PreCommit(ctx, cur)
	return err
}

// registry returns a plugin registry whose OneCQueueSink tasks are
// instrumented by sw (nil: plain tasks).
func registry(sw *crashSwitch) *plugins.Registry {
	r := plugins.New()
	plugins.RegisterBuiltins(r)
	p := Plugin()
	if sw != nil {
		p.NewSink = func() connect.SinkConnector {
			return &crashableConnector{Connector: &Connector{newTask: func() *Task {
				t := &Task{hooks: sw.hooks()}
				sw.mu.Lock()
				sw.tasks = append(sw.tasks, t)
				sw.mu.Unlock()
				return t
			}}, sw: sw}
		}
	}
	r.Register(p)
	return r
}

type crashableConnector struct {
	*Connector
	sw *crashSwitch
}

func (c *crashableConnector) NewTask() connect.SinkTask {
	return &crashableTask{Task: c.Connector.NewTask().(*Task), sw: c.sw}
}

// harness runs the connector on in-process workers against one Kafka, so
// a crashed worker can be replaced by a new one.
type harness struct {
	k      *testkit.KafkaCluster
	wc     *runtime.WorkerConfig
	status *statuses
	n      int
}

func newHarness(t testing.TB, k *testkit.KafkaCluster, extra map[string]string) *harness {
	t.Helper()
	props := map[string]string{
		runtime.KeyBootstrapServers:     k.BootstrapString(),
		runtime.KeyKeyConverter:         "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyValueConverter:       "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyOffsetFlushInterval:  "200",
		runtime.KeyOffsetFlushTimeout:   "10000",
		runtime.KeyTaskShutdownTimeout:  "5000",
		runtime.KeyKafkaProtocolVersion: testkit.SaramaVersion().String(),
	}
	for k, v := range extra {
		props[k] = v
	}
	wc, err := runtime.ParseWorkerConfig(props)
	if err != nil {
		t.Fatalf("worker config: %v", err)
	}
	return &harness{k: k, wc: wc, status: newStatuses()}
}

func testLogger() *slog.Logger {
	level := slog.LevelError + 4
	if os.Getenv("QUEUE_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// run starts a worker with the connector and its tasks.
func (h *harness) run(t testing.TB, props map[string]string, maxTasks int, reg *plugins.Registry) (*runtime.Worker, []connect.TaskID) {
	t.Helper()
	h.n++
	w, err := runtime.NewWorker(h.wc, runtime.Options{WorkerID: fmt.Sprintf("sink-test-%d", h.n), Offsets: storage.NewMemoryOffsetStore(),
		Logger: testLogger(), Plugins: reg})
	if err != nil {
		t.Fatal(err)
	}
	ids := connecttest.StartConnector(t, w, props, maxTasks, h.status)
	return w, ids
}

// stop stops a worker (gracefully: crashed tasks refuse to write anyway).
func (h *harness) stop(t testing.TB, w *runtime.Worker) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w.Stop(ctx)
}

// query2 runs a one-column query and returns its rows as text.
func (s *sinkDB) query2(t testing.TB, q string, args ...any) []string {
	t.Helper()
	rows, err := s.conn.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
