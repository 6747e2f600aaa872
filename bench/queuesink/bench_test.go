package queuesink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	qs "github.com/onecconnect/onecconnect/connectors/onec/queuesink"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const (
	register   = "РегистрСведений.ВходящиеСообщения"
	partitions = 4
	batchSize  = 5000
)

// benchConfig is an inbound queue register numbered from a sequence,
// with the Kafka coordinates, key, headers, body (≈200 bytes) and the
// arrival time: 9 columns.
func benchConfig() *onectest.Configuration {
	return &onectest.Configuration{Name: "Bench", Synonym: "Bench", CompatibilityVersion: "8.3.23", Objects: []*onectest.Object{{
		Kind: onectest.InformationRegister, Name: "ВходящиеСообщения", Synonym: "Входящие сообщения",
		Dimensions: []onectest.Attribute{{Name: "НомерСообщения", Type: onectest.NonNegative(19, 0)}},
		Resources: []onectest.Attribute{
			{Name: "Топик", Type: onectest.String(249)},
			{Name: "Раздел", Type: onectest.NonNegative(10, 0)},
			{Name: "Смещение", Type: onectest.NonNegative(19, 0)},
			{Name: "Ключ", Type: onectest.String(150)},
			{Name: "Заголовки", Type: onectest.String(0)},
			{Name: "Тело", Type: onectest.String(0)},
			{Name: "ВремяСообщения", Type: onectest.DateTime()},
			{Name: "ДатаПоступления", Type: onectest.DateTime()},
		}}}}
}

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

func body(i int) string {
	return fmt.Sprintf(`{"номер":%d,"товар":"Номенклатура %d","данные":"%s"}`, i, i%1000, strings.Repeat("ж", 70))
}

type env struct {
	conn    *pgx.Conn
	table   string
	dbProps map[string]string
	db      common.Database
	dbName  string
	k       *testkit.KafkaCluster
}

func setup(b *testing.B) *env {
	ctx := context.Background()
	dbURL := testkit.Postgres(b)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close(context.Background()) })
	built, err := onectest.Build(ctx, conn, benchConfig())
	if err != nil {
		b.Fatal(err)
	}
	ol, err := built.Object(register)
	if err != nil {
		b.Fatal(err)
	}
	u, err := pgx.ParseConfig(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	dbu := fmt.Sprintf("postgres://%s:%d/%s", u.Host, u.Port, u.Database)
	props := map[string]string{"database.url": dbu, "database.user": u.User, "database.password": u.Password}
	cfg, err := qs.ParseConfig(map[string]string{"database.url": dbu, "database.user": u.User, "database.password": u.Password,
		qs.KeyRegister: register})
	if err != nil {
		b.Fatal(err)
	}
	return &env{conn: conn, table: ol.Table.PG(), dbProps: props, db: cfg.DB, dbName: u.Database, k: testkit.Kafka(b)}
}

func (e *env) truncate(b *testing.B) {
	if _, err := e.conn.Exec(context.Background(), "TRUNCATE "+e.table); err != nil {
		b.Fatal(err)
	}
}

func (e *env) count(b *testing.B) int {
	var n int
	if err := e.conn.QueryRow(context.Background(), "SELECT count(*) FROM "+e.table).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// copyLimit bulk-inserts n rows equal to what the connector writes (the
// values encoded up front, the numbers taken from a plain counter) with
// COPY, batchSize rows per transaction on one connection, and returns
// rows/s (the physical limit of the database side) and the CPU it took.
func (e *env) copyLimit(b *testing.B, topic string, n int) (float64, cpuUse) {
	ctx := context.Background()
	cat, err := common.OpenCatalog(ctx, e.db, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer cat.Close()
	o, err := common.LookupObject(cat.Snapshot(), register)
	if err != nil {
		b.Fatal(err)
	}
	d := dialect.Postgres()
	var cols []dialect.Column
	idx := map[string]int{}
	for _, p := range o.AllProperties() {
		for _, c := range p.Columns {
			dc, err := common.DialectColumn(c)
			if err != nil {
				b.Fatal(err)
			}
			idx[p.Name] = len(cols)
			cols = append(cols, dc)
		}
	}
	tbl := dialect.Table{Name: o.Table, Columns: cols, Key: []string{cols[0].Name}}
	now := time.Now().UTC()
	rows := make([][]any, n)
	for i := range rows {
		canon := map[string]any{"НомерСообщения": int64(i + 1), "Топик": topic, "Раздел": int64(i % partitions), "Смещение": int64(i / partitions),
			"Ключ": fmt.Sprintf("key-%d", i%1000), "Заголовки": `{"source":"bench"}`, "Тело": body(i), "ВремяСообщения": now, "ДатаПоступления": now}
		r := make([]any, len(cols))
		for name, v := range canon {
			if r[idx[name]], err = d.Encode(cols[idx[name]], v, 0); err != nil {
				b.Fatal(err)
			}
		}
		rows[i] = r
	}
	db, err := common.Open(ctx, e.db, common.OpenOptions{MaxConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cpu0 := sampleCPU(e.dbName)
	start := time.Now()
	for s := 0; s < n; s += batchSize {
		tx, err := db.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.BulkInsert(ctx, tx.Querier(), tbl, cols, rows[s:min(s+batchSize, n)]); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	return float64(n) / el.Seconds(), cpu0.use(sampleCPU(e.dbName), n)
}

// committed returns how many records the connector has committed: the sum
// of its stored offsets (the topic's partitions start at 0), which move in
// the transaction that inserts the rows. Polling it costs the database
// nothing, unlike count(*) over the growing register, which would steal
// CPU from the connector on a small machine.
func (e *env) committed(b *testing.B, connector string) int {
	var n int
	err := e.conn.QueryRow(context.Background(), "SELECT coalesce(sum(onec_next_offset), 0) FROM "+qs.OffsetsTable+
		" WHERE onec_connector = $1", connector).Scan(&n)
	var pe *pgconn.PgError
	if err != nil && !(errors.As(err, &pe) && pe.Code == "42P01") { // 42P01: before the first task creates the table
		b.Fatal(err)
	}
	return n
}

// produce writes n records to a new topic of `partitions` partitions.
func (e *env) produce(b *testing.B, n int) string {
	topic := testkit.UniqueTopic("bench-inbox")
	e.k.CreateTopic(b, topic, partitions, nil)
	const chunk = 20000
	for s := 0; s < n; s += chunk {
		msgs := make([]*sarama.ProducerMessage, 0, chunk)
		for i := s; i < min(s+chunk, n); i++ {
			m := testkit.InPartition(int32(i%partitions), testkit.Message(topic, fmt.Sprintf("key-%d", i%1000), body(i)))
			m.Headers = []sarama.RecordHeader{{Key: []byte("source"), Value: []byte("bench")}}
			msgs = append(msgs, m)
		}
		e.k.Produce(b, msgs...)
	}
	return topic
}

// runSink moves the topic's n records into the register with the worker
// and returns rows/s from the connector's start to the last row, and in
// steady state (from the first row to the last, without the group join),
// and the CPU it took.
func (e *env) runSink(b *testing.B, name, topic string, n, tasks int) (float64, float64, cpuUse) {
	wc, err := runtime.ParseWorkerConfig(map[string]string{
		runtime.KeyBootstrapServers:     e.k.BootstrapString(),
		runtime.KeyKeyConverter:         "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyValueConverter:       "org.apache.kafka.connect.storage.StringConverter",
		runtime.KeyOffsetFlushInterval:  "1000",
		runtime.KeyKafkaProtocolVersion: testkit.SaramaVersion().String(),
	})
	if err != nil {
		b.Fatal(err)
	}
	w, err := runtime.NewWorker(wc, runtime.Options{WorkerID: "bench", Offsets: storage.NewMemoryOffsetStore(),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		b.Fatal(err)
	}
	props := map[string]string{connect.KeyName: name, connect.KeyConnectorClass: qs.Class, connect.KeyTopics: topic,
		qs.KeyRegister: register, qs.KeySequenceField: "НомерСообщения", qs.KeyTopicField: "Топик", qs.KeyPartitionField: "Раздел",
		qs.KeyOffsetField: "Смещение", qs.KeyKeyField: "Ключ", qs.KeyValueField: "Тело", qs.KeyHeadersJSONField: "Заголовки",
		qs.KeyTimestampField: "ВремяСообщения", qs.KeyReceivedField: "ДатаПоступления", qs.KeyBatchSize: strconv.Itoa(batchSize),
		"consumer.override.max.poll.records": "2000", "metadata.refresh.interval.ms": "0"}
	for k, v := range e.dbProps {
		props[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cpu0 := sampleCPU(e.dbName)
	start := time.Now()
	if err := w.StartConnector(ctx, name, props, runtime.ConnectorHooks{}, nil, runtime.TargetStarted); err != nil {
		b.Fatal(err)
	}
	cfgs, err := w.ConnectorTaskConfigs(name, tasks)
	if err != nil {
		b.Fatal(err)
	}
	for i, tc := range cfgs {
		if err := w.StartTask(ctx, connect.TaskID{Connector: name, Task: i}, props, tc, nil, runtime.TargetStarted); err != nil {
			b.Fatal(err)
		}
	}
	var first time.Duration
	deadline := time.Now().Add(10 * time.Minute)
	for {
		got := e.committed(b, name)
		if got > 0 && first == 0 {
			first = time.Since(start)
		}
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d rows after 10 minutes", got, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	el := time.Since(start)
	cpu := cpu0.use(sampleCPU(e.dbName), n)
	b.Logf("%s: first row after %v, all %d after %v", name, first.Round(time.Millisecond), n, el.Round(time.Millisecond))
	w.Stop(ctx)
	if got := e.count(b); got != n {
		b.Fatalf("%d rows, want %d", got, n)
	}
	return float64(n) / el.Seconds(), float64(n) / (el - first).Seconds(), cpu
}

// BenchmarkQueueSink reports the connector's rows/s with one and two
// tasks, each next to the COPY limit measured just before it (the machine
// is shared: measuring them back to back keeps the ratio honest), and
// their ratios.
func BenchmarkQueueSink(b *testing.B) {
	n := benchRows()
	e := setup(b)
	topic := e.produce(b, n)
	for i := 0; i < b.N; i++ {
		for _, tasks := range []int{1, 2} {
			e.truncate(b)
			limit, limitCPU := e.copyLimit(b, topic, n)
			e.truncate(b)
			total, steady, sinkCPU := e.runSink(b, fmt.Sprintf("bench-%dtasks-%d", tasks, i), topic, n, tasks)
			unit := fmt.Sprintf("-%dtask", tasks)
			b.ReportMetric(limit, "copy"+unit+"-rows/s")
			b.ReportMetric(total, "sink"+unit+"-rows/s")
			b.ReportMetric(100*total/limit, "%-of-limit"+unit)
			b.Logf("%d rows, %d task(s): COPY limit %.0f rows/s; sink %.0f rows/s from start (%.0f%%), %.0f rows/s steady (%.0f%%)",
				n, tasks, limit, total, 100*total/limit, steady, 100*steady/limit)
			b.ReportMetric(limitCPU.self+limitCPU.db, "copy"+unit+"-cpu-µs/row")
			b.ReportMetric(sinkCPU.self+sinkCPU.db, "sink"+unit+"-cpu-µs/row")
			b.Logf("CPU µs/row: COPY limit %s; sink %s", limitCPU, sinkCPU)
		}
	}
}
