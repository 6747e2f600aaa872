package queuesource

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// freezableStore stops storing offsets once frozen: the offsets a worker
// would have committed after that moment are lost with it, as when a
// process dies between two offset flushes.
type freezableStore struct {
	storage.OffsetStore
	frozen atomic.Bool
}

func (s *freezableStore) Set(ctx context.Context, c string, e []connect.OffsetEntry) error {
	if s.frozen.Load() {
		return nil
	}
	return s.OffsetStore.Set(ctx, c, e)
}

// writers keep inserting messages in transactions of 250 rows from two
// goroutines, numbers reserved in blocks, so blocks commit out of order.
type writers struct {
	q       *queueDB
	next    atomic.Int64
	total   int64
	wg      sync.WaitGroup
	err     atomic.Value
	written atomic.Int64
}

const writerBlock = 250

func startWriters(t *testing.T, q *queueDB, from, total int64) *writers {
	w := &writers{q: q, total: total}
	w.next.Store(from)
	for i := 0; i < 2; i++ {
		w.wg.Add(1)
		go func(seed int) {
			defer w.wg.Done()
			c := q.conn.Config().Copy()
			conn, err := pgxConnect(c)
			if err != nil {
				w.err.Store(err)
				return
			}
			defer conn.Close(context.Background())
			sql := fmt.Sprintf(`INSERT INTO %s (%s, %s, %s, %s, %s, %s)
				SELECT g, 'Номенклатура', 'key-' || (g %% 1000), '{}',
				  '{"номер":' || g || ',"данные":"' || repeat('ж', 80) || '"}', timestamp '2024-01-01' + g * interval '1 second'
				FROM generate_series($1::bigint, $2::bigint) g`, q.table, q.col["НомерСообщения"], q.col["ТипСообщения"],
				q.col["Ключ"], q.col["Заголовки"], q.col["Тело"], q.col["ДатаСоздания"])
			for n := 0; ; n++ {
				lo := w.next.Add(writerBlock) - writerBlock
				if lo > total {
					return
				}
				hi := min(lo+writerBlock-1, total)
				ctx := context.Background()
				tx, err := conn.Begin(ctx)
				if err == nil {
					_, err = tx.Exec(ctx, sql, lo, hi)
				}
				if err == nil {
					time.Sleep(time.Duration((n*7+seed*13)%20) * time.Millisecond) // commit order varies
					err = tx.Commit(ctx)
				}
				if err != nil {
					w.err.Store(err)
					return
				}
				w.written.Add(hi - lo + 1)
				time.Sleep(20 * time.Millisecond)
			}
		}(i)
	}
	return w
}

var numberRE = regexp.MustCompile(`"номер":(\d+)`)

// checkDelivery verifies that every number 1..total is in the topic, that
// per key every first delivery comes after all earlier numbers of that
// key, and returns the number of duplicates.
func checkDelivery(t *testing.T, msgs []*sarama.ConsumerMessage, total int64) (missing int64, dups int, orderErr error) {
	seen := make(map[int64]bool, total)
	maxOf := map[string]int64{}
	partOf := map[string]int32{}
	for _, m := range msgs {
		sm := numberRE.FindSubmatch(m.Value)
		if sm == nil {
			return total, 0, fmt.Errorf("message without a number: %q", m.Value)
		}
		n, _ := strconv.ParseInt(string(sm[1]), 10, 64)
		key := string(m.Key)
		if want := fmt.Sprintf("key-%d", n%1000); key != want {
			return total, 0, fmt.Errorf("number %d has key %s, want %s", n, key, want)
		}
		if p, ok := partOf[key]; ok && p != m.Partition {
			return total, 0, fmt.Errorf("key %s in partitions %d and %d", key, p, m.Partition)
		}
		partOf[key] = m.Partition
		if seen[n] {
			dups++
		} else if n < maxOf[key] && orderErr == nil {
			orderErr = fmt.Errorf("key %s: first delivery of %d after %d", key, n, maxOf[key])
		}
		seen[n] = true
		maxOf[key] = max(maxOf[key], n)
	}
	for n := int64(1); n <= total; n++ {
		if !seen[n] {
			missing++
		}
	}
	return missing, dups, orderErr
}

// TestKillRestart queues messages while writers keep inserting, kills the
// worker mid-batch several times (database connections terminated, offsets
// since the last flush lost, tasks abandoned) and restarts it on the same
// offset store: every message arrives at least once, in order per key,
// and in delete mode the queue ends empty. 100,000 messages; 20,000 with
// -short.
func TestKillRestart(t *testing.T) {
	total := int64(100_000)
	if testing.Short() {
		total = 20_000
	}
	for _, mode := range []string{ModeDelete, ModeOffset} {
		t.Run(mode, func(t *testing.T) { killRestart(t, mode, total) })
	}
}

func killRestart(t *testing.T, mode string, total int64) {
	q := newQueueDB(t)
	ctx := context.Background()
	prefill := total / 5
	if _, err := q.built.GenerateOutgoing(ctx, q.conn, prefill, 200); err != nil {
		t.Fatal(err)
	}
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("kill")
	k.CreateTopic(t, topic, 3, nil)
	h := newHarness(t, k, nil)
	mem := h.offsets
	props := q.connectorProps("kill-"+mode, topic, map[string]string{KeyMode: mode, KeyBatchSize: "500", KeySettle: "1000",
		KeyHeadersJSONField: "", "errors.retry.timeout": "60000", "errors.retry.delay.max.ms": "500"})
	wr := startWriters(t, q, prefill+1, total)
	defer wr.wg.Wait()

	start := time.Now()
	var kills int
	for kills = 0; kills < 3; kills++ {
		fs := &freezableStore{OffsetStore: mem}
		h.offsets = fs
		w, _ := h.run(t, props, 1)
		before := len(k.ReadAll(t, topic))
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			if len(k.ReadAll(t, topic)) >= before+int(total/10) {
				break
			}
		}
		got := len(k.ReadAll(t, topic))
		t.Logf("kill %d after %d new records (queue %d rows, writers at %d)", kills+1, got-before, q.count(t), wr.written.Load())
		fs.frozen.Store(true) // the offsets of the last moments die with the worker
		time.Sleep(150 * time.Millisecond)
		if _, err := q.conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name LIKE 'onec-connect %' AND datname = current_database()`); err != nil {
			t.Fatal(err)
		}
		dead, cancel := context.WithTimeout(ctx, time.Millisecond)
		w.Stop(dead) // tasks abandoned: no final offset commit
		cancel()
	}
	h.offsets = mem
	w, ids := h.run(t, props, 1)
	wr.wg.Wait()
	if e := wr.err.Load(); e != nil {
		t.Fatalf("writer: %v", e)
	}
	var msgs []*sarama.ConsumerMessage
	var missing int64
	var dups int
	var orderErr error
	deadline := time.Now().Add(90 * time.Second)
	for {
		msgs = k.ReadAll(t, topic)
		missing, dups, orderErr = checkDelivery(t, msgs, total)
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if mode == ModeDelete {
		for q.count(t) > 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
	}
	st, tr := h.status.Get(ids[0].String())
	h.stop(t, w)
	if missing > 0 {
		t.Fatalf("%d of %d numbers never arrived (task %s %s)", missing, total, st, tr)
	}
	if orderErr != nil {
		t.Fatal(orderErr)
	}
	if mode == ModeDelete {
		if n := q.count(t); n != 0 {
			t.Fatalf("%d rows left in the queue", n)
		}
	}
	t.Logf("%s mode: %d messages, %d kills, %d records in Kafka, %d duplicates, %v", mode, total, kills, len(msgs), dups, time.Since(start).Round(time.Millisecond))
	_ = runtime.TargetStarted
}
