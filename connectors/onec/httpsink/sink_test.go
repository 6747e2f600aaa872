package httpsink

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestDeliveryAgainstFlakyService drives a task the way the worker does
// (Put in batches, PreCommit in between) against a 1C-like service that
// answers 503 to 10% of calls, hangs past the timeout on 3% and refuses
// "bad" records with 400, and checks: every good record accepted exactly
// once, in order per key; concurrency never above max.concurrency; bad
// records on the error path once each and never accepted; offsets never
// committed past an unacknowledged record; replies in the reply topic keyed
// by correlation id; 1C sessions reused and finished at stop.
func TestDeliveryAgainstFlakyService(t *testing.T) {
	for _, tc := range []struct {
		name      string
		batchSize int
		ordering  string
	}{
		{"single/key", 1, OrderingKey},
		{"batch4/partition", 4, OrderingPartition},
	} {
		t.Run(tc.name, func(t *testing.T) { testDelivery(t, tc.batchSize, tc.ordering) })
	}
}

func testDelivery(t *testing.T, batchSize int, ordering string) {
	const (
		maxConc    = 3
		partitions = 2
		perPart    = 150
		keys       = 12
	)
	k := testkit.Kafka(t)
	replyTopic := testkit.UniqueTopic("replies")
	k.CreateTopic(t, replyTopic, 1, nil)
	f := newFake1C(t, 0.10, 0.03, uint64(batchSize))
	f.hangFor = 3 * time.Second
	tctx := newFakeContext()
	task := startTask(t, tctx, map[string]string{
		KeyURL:               f.srv.URL + "/base/hs/kafka/records/${topic}?partition=${partition}",
		KeyMaxConcurrency:    strconv.Itoa(maxConc),
		KeyBatchSize:         strconv.Itoa(batchSize),
		KeyOrdering:          ordering,
		KeyTimeoutMs:         "250",
		KeyRetryBackoffMs:    "5",
		KeyRetryBackoffMaxMs: "40",
		KeyRetryTimeoutMs:    "-1",
		KeyAuthUser:          "Администратор",
		KeyAuthPassword:      "pw",
		KeyReplyTopic:        replyTopic,
		KeyReplyBootstrap:    k.BootstrapString(),
		connect.KeyTopics:    "orders",
	})

	// Records: value {"k":key,"seq":n}; every 17th is "bad" (400).
	var all []*connect.SinkRecord
	bad := map[string]bool{}
	seq := map[string]int{}
	for p := int32(0); p < partitions; p++ {
		for off := int64(0); off < perPart; off++ {
			key := fmt.Sprintf("p%d-key-%d", p, int(off)%keys) // a key lives in one partition, as in Kafka
			seq[key]++
			val := fmt.Sprintf(`{"k":%q,"seq":%d}`, key, seq[key])
			if (off+int64(p))%17 == 5 {
				val = fmt.Sprintf(`{"k":%q,"seq":%d,"bad":true}`, key, seq[key])
				bad[fmt.Sprintf("orders-%d-%d", p, off)] = true
			}
			all = append(all, record("orders", p, off, key, val))
		}
	}
	// Interleave partitions as the consumer would and Put in chunks of 40,
	// checking PreCommit against what the service has accepted so far.
	sort.SliceStable(all, func(i, j int) bool { return all[i].Offset < all[j].Offset })
	byPos := map[string]*connect.SinkRecord{}
	for _, r := range all {
		byPos[fmt.Sprintf("%s-%d-%d", r.OriginalTopic, r.OriginalPartition, r.OriginalOffset)] = r
	}
	current := map[connect.TopicPartition]int64{}
	last := map[connect.TopicPartition]int64{}
	ctx := context.Background()
	for i := 0; i < len(all); i += 40 {
		chunk := all[i:min(i+40, len(all))]
		if err := task.Put(ctx, chunk); err != nil {
			t.Fatalf("Put: %v", err)
		}
		for _, r := range chunk {
			current[r.TopicPartition()] = r.Offset + 1
		}
		got, err := task.PreCommit(ctx, current)
		if err != nil {
			t.Fatalf("PreCommit: %v", err)
		}
		checkCommitSafe(t, f, tctx, byPos, got, last)
		last = got
	}
	waitCommitted(t, task, current, 60*time.Second)

	accepted, violations, _, _, _ := f.snapshot()
	if len(violations) > 0 {
		t.Fatalf("service saw violations: %q", violations)
	}
	if f.unavailable.Load() == 0 || f.hung.Load() == 0 {
		t.Fatalf("the service never failed (%d) or hung (%d): the test proves nothing", f.unavailable.Load(), f.hung.Load())
	}
	if m := f.maxInflight.Load(); m > maxConc {
		t.Fatalf("max concurrent requests %d > max.concurrency %d", m, maxConc)
	} else if m < 2 {
		t.Errorf("max concurrent requests %d: requests never overlapped", m)
	}

	// Every good record accepted exactly once, bad ones never; per-key order.
	got := map[string]int{}
	lastSeq := map[string]int{}
	for _, c := range accepted {
		var elems []map[string]any
		if batchSize > 1 {
			if err := json.Unmarshal([]byte(c.body), &elems); err != nil {
				t.Fatalf("batch body is not a JSON array: %v: %s", err, c.body)
			}
		} else {
			var m map[string]any
			if err := json.Unmarshal([]byte(c.body), &m); err != nil {
				t.Fatalf("body: %v: %s", err, c.body)
			}
			elems = append(elems, m)
		}
		if !strings.HasPrefix(c.path, "/base/hs/kafka/records/orders") || !strings.HasPrefix(c.query, "partition=") {
			t.Fatalf("unexpected address %s?%s", c.path, c.query)
		}
		for _, e := range elems {
			key, n := e["k"].(string), int(e["seq"].(float64))
			if e["bad"] != nil {
				t.Fatalf("bad record accepted: %v", e)
			}
			id := fmt.Sprintf("%s#%d", key, n)
			got[id]++
			if n <= lastSeq[key] {
				t.Fatalf("key %s: seq %d accepted after %d", key, n, lastSeq[key])
			}
			lastSeq[key] = n
		}
	}
	// Accepted and reported records together are all records, disjoint;
	// every bad record is reported (in batch mode with its whole batch).
	reps := tctx.reports()
	reported := map[string]bool{}
	for _, r := range reps {
		pos := fmt.Sprintf("%s-%d-%d", r.rec.OriginalTopic, r.rec.OriginalPartition, r.rec.OriginalOffset)
		if reported[pos] {
			t.Fatalf("record %s reported twice", pos)
		}
		reported[pos] = true
		if !strings.Contains(r.err.Error(), "HTTP 400") {
			t.Fatalf("errant record %s: error %v lacks the status", pos, r.err)
		}
		if strings.Contains(r.err.Error(), "pw") || strings.Contains(r.err.Error(), "Basic") {
			t.Fatalf("error leaks credentials: %v", r.err)
		}
		if got[bodyIDs(t, r.rec.Value.(string))[0]] > 0 {
			t.Fatalf("record %s both accepted and reported", pos)
		}
	}
	for pos := range bad {
		if !reported[pos] {
			t.Fatalf("bad record %s not on the error path", pos)
		}
	}
	if batchSize == 1 && len(reported) != len(bad) {
		t.Fatalf("error path got %d records, want the %d bad ones", len(reported), len(bad))
	}
	wantGood := len(all) - len(reported)
	if len(got) != wantGood {
		t.Fatalf("accepted %d distinct records, want %d (%d reported)", len(got), wantGood, len(reported))
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("record %s accepted %d times", id, n)
		}
	}

	// Replies: one per successful request, keyed by the correlation id.
	st := task.Stats()
	replies := k.WaitFor(t, replyTopic, int(st.Requests), 20*time.Second)
	if len(replies) != len(accepted) {
		t.Fatalf("replies %d, accepted requests %d", len(replies), len(accepted))
	}
	corrs := map[string]bool{}
	for _, c := range accepted {
		corrs[c.corr] = true
	}
	for _, m := range replies {
		if !corrs[string(m.Key)] {
			t.Fatalf("reply keyed %q matches no accepted request", m.Key)
		}
		var body map[string]string
		if err := json.Unmarshal(m.Value, &body); err != nil || body["ok"] != string(m.Key) {
			t.Fatalf("reply value %s does not answer %s", m.Value, m.Key)
		}
	}
	if st.RecordsWritten != int64(wantGood) || st.Retries == 0 || st.ErrantRecords != int64(len(reported)) {
		t.Fatalf("stats %+v: want %d written, some retries, %d errant", st, wantGood, len(reported))
	}

	// Sessions: reused (far fewer starts than calls); those the slots hold
	// at stop are finished (abandoned ones expire in 1C by themselves).
	holding := 0
	for _, sess := range task.sessions {
		if u, err := url.Parse(sess.lastURL); err == nil && hasSessionCookie(sess.jar, u) {
			holding++
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := task.Stop(sctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	_, _, started, finished, open := f.snapshot()
	if started == 0 || int64(started) >= f.calls.Load()/2 {
		t.Fatalf("sessions started %d for %d calls: not reused", started, f.calls.Load())
	}
	if holding == 0 || finished != holding {
		t.Fatalf("slots held %d sessions at stop, %d finished (%d left open, incl. abandoned)", holding, finished, open)
	}
}

// checkCommitSafe fails when a committed offset passes a record that was
// neither accepted by the service nor reported, or moves backwards.
func checkCommitSafe(t *testing.T, f *fake1C, tctx *fakeContext, byPos map[string]*connect.SinkRecord, got, last map[connect.TopicPartition]int64) {
	t.Helper()
	accepted, _, _, _, _ := f.snapshot()
	done := map[string]bool{} // "key#seq" of accepted records
	for _, c := range accepted {
		for _, id := range bodyIDs(t, c.body) {
			done[id] = true
		}
	}
	for _, r := range tctx.reports() {
		done[fmt.Sprintf("%s-%d-%d", r.rec.OriginalTopic, r.rec.OriginalPartition, r.rec.OriginalOffset)] = true
	}
	for tp, off := range got {
		if off < last[tp] {
			t.Fatalf("%s: committed offset went back from %d to %d", tp, last[tp], off)
		}
		for o := last[tp]; o < off; o++ {
			pos := fmt.Sprintf("%s-%d-%d", tp.Topic, tp.Partition, o)
			if done[pos] {
				continue
			}
			if ids := bodyIDs(t, byPos[pos].Value.(string)); !done[ids[0]] {
				t.Fatalf("%s: offset %d committed but record %d is not acknowledged", tp, off, o)
			}
		}
	}
}

// bodyIDs returns "key#seq" of each record in a body (object or array).
func bodyIDs(t *testing.T, body string) []string {
	t.Helper()
	var elems []map[string]any
	if strings.HasPrefix(body, "[") {
		if err := json.Unmarshal([]byte(body), &elems); err != nil {
			t.Fatalf("batch body: %v: %s", err, body)
		}
	} else {
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatalf("body: %v: %s", err, body)
		}
		elems = append(elems, m)
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = fmt.Sprintf("%s#%d", e["k"], int(e["seq"].(float64)))
	}
	return out
}
