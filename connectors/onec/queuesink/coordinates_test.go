package queuesink

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestCoordinateKeyedRegister writes into Trade's ВходящаяОчередь, whose
// dimensions are the Kafka coordinates (no sequence). A second connector
// that consumes the same topic into the same register hits the unique key
// and fails with a message saying so, instead of looping or skipping.
func TestCoordinateKeyedRegister(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inq")
	k.CreateTopic(t, topic, 1, nil)
	for i := 0; i < 20; i++ {
		k.Produce(t, testkit.Message(topic, fmt.Sprintf("k%d", i), fmt.Sprintf("v%d", i)))
	}
	h := newHarness(t, k, nil)
	props := func(name string) map[string]string {
		return s.connectorProps(name, topic, map[string]string{KeyRegister: onectest.IncomingQueue, KeySequenceField: "",
			KeyTimestampField: "", KeyReceivedField: "ДатаПоступления"})
	}
	w, ids := h.run(t, props("inq-a"), 1, registry(nil))
	s.waitCount(t, onectest.IncomingQueue, 20, 30*time.Second)
	h.stop(t, w)
	if st, tr := h.status.Get(ids[0].String()); st == "FAILED" {
		t.Fatalf("task failed: %s", tr)
	}
	rows := s.query(t, onectest.IncomingQueue, []string{"Топик", "Раздел", "Смещение", "Ключ", "Тело", "ТипСообщения"}, "Смещение")
	if len(rows) != 20 || fmt.Sprint(rows[7]) != fmt.Sprint([]string{topic, "0", "7", "k7", "v7", ""}) {
		t.Fatalf("rows %v", rows)
	}

	w, ids = h.run(t, props("inq-b"), 1, registry(nil))
	trace := h.status.WaitState(t, ids[0].String(), "FAILED", 30*time.Second)
	h.stop(t, w)
	if !strings.Contains(trace, "duplicate key in the register") {
		t.Fatalf("trace: %s", trace)
	}
	if n := s.count(t, onectest.IncomingQueue); n != 20 {
		t.Fatalf("%d rows, want 20", n)
	}
}
