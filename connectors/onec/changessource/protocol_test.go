package changessource

import (
	"testing"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

func startTask(t *testing.T, tctx *fakeTaskContext, props map[string]string) *Task {
	t.Helper()
	tk := &Task{}
	must(t, tk.Start(t.Context(), tctx, props))
	t.Cleanup(func() { tk.Stop(t.Context()) })
	return tk
}

func pollN(t *testing.T, tk *Task, max int) []*connect.SourceRecord {
	t.Helper()
	var out []*connect.SourceRecord
	for i := 0; i < max; i++ {
		recs, err := tk.Poll(t.Context())
		must(t, err)
		if len(recs) == 0 {
			return out
		}
		out = append(out, recs...)
	}
	return out
}

func refOf(t *testing.T, r *connect.SourceRecord) string {
	t.Helper()
	v, _ := r.Key.(*schema.Struct).Get("Ссылка")
	s, _ := v.(string)
	return s
}

// TestReRegistrationDuringBatch checks the stamp-then-delete protocol: a
// registration made again while its batch waits for Kafka survives the
// batch's deletion and is delivered again; acknowledged registrations are
// deleted; a task that stopped without acknowledgements leaves them for
// the next run (orphans are delivered again).
func TestReRegistrationDuringBatch(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	const cat = "Справочник.Номенклатура"
	_, err := b.Generate(ctx, db, cat, 10, onectest.GenOptions{})
	must(t, err)
	_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "KAFKA", cat)
	must(t, err)
	_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "ЦБ", cat)
	must(t, err)

	props := connProps(t, dsn)
	props[KeyExchangePlan] = "ExchangePlan.Kafka"
	props[KeyNode] = "KAFKA"
	props[KeyObjects] = cat
	props[KeySnapshotMode] = SnapshotNever
	props[KeyPollInterval] = "10"
	tctx := &fakeTaskContext{}

	// A first task stamps and sends, then stops without any acknowledgement.
	tk1 := &Task{}
	must(t, tk1.Start(ctx, tctx, props))
	first := pollN(t, tk1, 1)
	if len(first) != 10 {
		t.Fatalf("first poll: %d records, want 10", len(first))
	}
	must(t, tk1.Stop(ctx))
	if n := pendingCount(t, ctx, db, b, cat, "KAFKA"); n != 10 {
		t.Fatalf("after a stop without acks: %d registrations, want 10", n)
	}

	// The next run delivers the orphans again.
	tk := startTask(t, tctx, props)
	recs := pollN(t, tk, 1)
	if len(recs) != 10 {
		t.Fatalf("after restart: %d records, want the 10 orphans again", len(recs))
	}
	for _, r := range recs {
		v := r.Value.(*schema.Struct)
		if op, _ := v.Get("op"); op != OpUpdate {
			t.Fatalf("op = %v, want u", op)
		}
	}
	// Item 3 is written again in 1C while the batch waits for Kafka.
	ref3, err := b.Ref(cat, 3)
	must(t, err)
	reRegister(t, ctx, db, b, cat, ref3)
	for _, r := range recs {
		must(t, tk.CommitRecord(ctx, r, &connect.RecordMetadata{}))
	}
	tctx.commit(recs)
	again := pollN(t, tk, 1)
	if n := pendingCount(t, ctx, db, b, cat, "KAFKA"); n != 1 {
		t.Fatalf("after acks: %d registrations left, want 1 (the re-registered item)", n)
	}
	if len(again) != 1 {
		t.Fatalf("re-registered item delivered %d times, want once", len(again))
	}
	if got, want := refOf(t, again[0]), refOf(t, recs[0]); got == "" || want == "" {
		t.Fatalf("empty key")
	}
	must(t, tk.CommitRecord(ctx, again[0], &connect.RecordMetadata{}))
	pollN(t, tk, 1)
	if n := pendingCount(t, ctx, db, b, cat, "KAFKA"); n != 0 {
		t.Fatalf("after the second ack: %d registrations left, want 0", n)
	}
	if n := pendingCount(t, ctx, db, b, cat, "ЦБ"); n != 10 {
		t.Fatalf("registrations of another node: %d, want 10 untouched", n)
	}
	if m := tk.Metrics().Snapshot(); m.Acked != 10 || m.Records != 11 {
		t.Errorf("metrics: %+v, want 11 records and 10 registrations deleted (9 + the re-registered one)", m)
	}
}
