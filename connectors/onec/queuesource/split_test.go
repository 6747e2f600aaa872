package queuesource

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestSplitTasks: split.field spreads message types over two tasks; each
// type keeps its order and (offset mode) its own offset, so a restart
// sends only what is new; unlisted types are not read.
func TestSplitTasks(t *testing.T) {
	q := newQueueDB(t)
	types := []string{"A", "B", "C"}
	typed := func(from, to int64) []onectest.QueueMessage {
		var out []onectest.QueueMessage
		for n := from; n <= to; n++ {
			m := msg(n)
			m.Type = types[n%3]
			m.Body = fmt.Sprintf("%s-%d", m.Type, n)
			out = append(out, m)
		}
		return out
	}
	put(t, q, q.conn, typed(1, 60)...)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("split")
	k.CreateTopic(t, topic, 2, nil)
	h := newHarness(t, k, nil)
	props := q.connectorProps("split", topic, map[string]string{KeyMode: ModeOffset, KeySplitField: "ТипСообщения",
		KeySplitValues: "A,B", KeyHeadersJSONField: "", KeyKeyField: "ТипСообщения"})
	w, ids := h.run(t, props, 2)
	if len(ids) != 2 {
		t.Fatalf("%d tasks, want 2", len(ids))
	}
	k.WaitFor(t, topic, 40, 30*time.Second)
	h.stop(t, w)
	put(t, q, q.conn, typed(61, 90)...)
	w, _ = h.run(t, props, 2)
	k.WaitFor(t, topic, 60, 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	all := k.ReadAll(t, topic)
	h.stop(t, w)
	last := map[string]int{}
	count := map[string]int{}
	for _, m := range all {
		typ, num, _ := strings.Cut(string(m.Value), "-")
		var n int
		fmt.Sscan(num, &n)
		if typ == "C" {
			t.Fatalf("type C delivered: %s", m.Value)
		}
		if n <= last[typ] {
			t.Fatalf("type %s: %d after %d (duplicate or out of order)", typ, n, last[typ])
		}
		last[typ] = n
		count[typ]++
	}
	if count["A"] != 30 || count["B"] != 30 || len(all) != 60 {
		t.Fatalf("delivered A=%d B=%d total %d, want 30, 30, 60", count["A"], count["B"], len(all))
	}
}
