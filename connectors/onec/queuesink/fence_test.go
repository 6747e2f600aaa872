package queuesink

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// newWriter opens the test database and returns a writer for the inbox
// register with the connector's objects created.
func newWriter(t testing.TB, s *sinkDB, props map[string]string, connector string) (*writer, *converter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := ParseConfig(s.connectorProps(connector, "t", props))
	if err != nil {
		t.Fatal(err)
	}
	db, err := common.Open(ctx, cfg.DB, common.OpenOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	cat, err := common.OpenCatalog(ctx, cfg.DB, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	p, err := resolve(cat.Snapshot(), db.Dialect(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sq, err := offsetStatements(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	if err := ensureObjects(ctx, db, sq, p.seqName); err != nil {
		t.Fatal(err)
	}
	return &writer{db: db, d: db.Dialect(), p: p, sql: sq, connector: connector}, &converter{p: p, d: db.Dialect()}
}

func batchOf(t testing.TB, c *converter, tp connect.TopicPartition, from, n int64) []pending {
	t.Helper()
	var out []pending
	for off := from; off < from+n; off++ {
		r := record("k", "v")
		r.OriginalTopic, r.OriginalPartition, r.OriginalOffset = tp.Topic, tp.Partition, off
		row, id, err := c.row(r, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pending{row: row, id: id, tp: tp, offset: off})
	}
	return out
}

// TestFence: a write whose view of a partition's stored offset is stale —
// another task (or a zombie) moved it — is refused and leaves nothing
// behind; a writer blocked behind a concurrent one fails the fence once
// that one commits.
func TestFence(t *testing.T) {
	s := newSinkDB(t)
	w, c := newWriter(t, s, nil, "fence")
	ctx := context.Background()
	tp := connect.TopicPartition{Topic: "orders", Partition: 0}
	none := storedOffset{}
	at := func(n int64) storedOffset { return storedOffset{next: n, known: true} }

	if _, err := w.write(ctx, batchOf(t, c, tp, 0, 10), []offsetMove{{tp: tp, from: none, next: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.write(ctx, batchOf(t, c, tp, 0, 10), []offsetMove{{tp: tp, from: none, next: 10}}); !errors.Is(err, ErrFenced) {
		t.Fatalf("second first write: %v, want ErrFenced", err)
	}
	if _, err := w.write(ctx, batchOf(t, c, tp, 10, 5), []offsetMove{{tp: tp, from: at(10), next: 15}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.write(ctx, batchOf(t, c, tp, 10, 5), []offsetMove{{tp: tp, from: at(10), next: 15}}); !errors.Is(err, ErrFenced) {
		t.Fatalf("stale write: %v, want ErrFenced", err)
	}
	if n := s.count(t, inbox); n != 15 {
		t.Fatalf("%d rows, want 15: a fenced write left rows behind", n)
	}

	// Concurrent writers of one partition: B waits for A's row lock, then
	// fails the fence.
	errB := make(chan error, 1)
	w2, c2 := newWriter(t, s, nil, "fence")
	w.hooks = &hooks{beforeCommit: func() error {
		go func() {
			_, err := w2.write(ctx, batchOf(t, c2, tp, 15, 3), []offsetMove{{tp: tp, from: at(15), next: 18}})
			errB <- err
		}()
		time.Sleep(300 * time.Millisecond)
		select {
		case err := <-errB:
			t.Errorf("B finished while A held the partition: %v", err)
		default:
		}
		return nil
	}}
	if _, err := w.write(ctx, batchOf(t, c, tp, 15, 3), []offsetMove{{tp: tp, from: at(15), next: 18}}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errB:
		if !errors.Is(err, ErrFenced) {
			t.Fatalf("B: %v, want ErrFenced", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("B still blocked")
	}
	if n := s.count(t, inbox); n != 18 {
		t.Fatalf("%d rows, want 18", n)
	}
	got := s.query2(t, `SELECT onec_next_offset::text FROM onec_connect.onec_sink_offsets WHERE onec_connector = 'fence'`)
	if strings.Join(got, ",") != "18" {
		t.Fatalf("stored offset %v, want 18", got)
	}
}

// TestAlterOffsets: the REST offsets API's changes (KIP-875 PATCH) reach
// the offsets table: an offset is stored, a null offset deletes it.
func TestAlterOffsets(t *testing.T) {
	s := newSinkDB(t)
	ctx := context.Background()
	props := s.connectorProps("alter", "orders", nil)
	c := &Connector{}
	entry := func(topic string, part int, off any) connect.OffsetEntry {
		e := connect.OffsetEntry{Partition: map[string]any{"kafka_topic": topic, "kafka_partition": float64(part)}}
		if off != nil {
			e.Offset = map[string]any{"kafka_offset": off}
		}
		return e
	}
	if err := c.AlterOffsets(ctx, props, []connect.OffsetEntry{entry("orders", 0, float64(100)), entry("orders", 1, int64(7))}); err != nil {
		t.Fatal(err)
	}
	q := `SELECT onec_topic || '-' || onec_partition || '=' || onec_next_offset FROM onec_connect.onec_sink_offsets WHERE onec_connector = 'alter' ORDER BY 1`
	if got := strings.Join(s.query2(t, q), ","); got != "orders-0=100,orders-1=7" {
		t.Fatalf("stored %s", got)
	}
	if err := c.AlterOffsets(ctx, props, []connect.OffsetEntry{entry("orders", 0, nil), entry("orders", 1, float64(9))}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.query2(t, q), ","); got != "orders-1=9" {
		t.Fatalf("stored %s", got)
	}
	if err := c.AlterOffsets(ctx, props, []connect.OffsetEntry{entry("orders", 1, float64(-3))}); err == nil {
		t.Fatal("negative offset accepted")
	}
}
