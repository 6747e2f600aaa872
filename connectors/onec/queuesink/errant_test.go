package queuesink

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestTooLongStringsGoToDLQ: under errors.tolerance=all a record whose
// key is longer than Ключ (String(20)) goes to the dead-letter queue with
// Kafka Connect's context headers naming the field and its length; the
// rest of the batch is written.
func TestTooLongStringsGoToDLQ(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic, dlq := testkit.UniqueTopic("inbox-dlq"), testkit.UniqueTopic("dlq")
	k.CreateTopic(t, topic, 1, nil)
	var msgs []*sarama.ProducerMessage
	for i := 0; i < 30; i++ {
		key := fmt.Sprintf("k%d", i)
		if i%10 == 3 {
			key = strings.Repeat("ж", 21) // 21 characters > String(20)
		}
		msgs = append(msgs, testkit.Message(topic, key, fmt.Sprintf("body-%d", i)))
	}
	k.Produce(t, msgs...)
	h := newHarness(t, k, nil)
	props := s.connectorProps("inbox-dlq", topic, map[string]string{
		connect.KeyErrorsTolerance: "all", connect.KeyDLQTopicName: dlq, connect.KeyDLQReplicationFactor: "1",
		connect.KeyDLQContextHeadersEnable: "true"})
	sw := &crashSwitch{} // never tripped: only counts the tasks' metrics
	w, ids := h.run(t, props, 1, registry(sw))
	got := k.WaitFor(t, dlq, 3, 30*time.Second)
	s.waitCount(t, inbox, 27, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	h.stop(t, w)
	if st, tr := h.status.Get(ids[0].String()); st == "FAILED" {
		t.Fatalf("task failed: %s", tr)
	}
	if n := s.count(t, inbox); n != 27 {
		t.Fatalf("register holds %d rows, want 27", n)
	}
	if m := sw.metrics(); m.Records != 30 || m.RowsWritten != 27 || m.DLQ != 3 || m.Batches < 1 || m.WriteErrors != 0 {
		t.Fatalf("metrics %+v, want 30 records, 27 rows, 3 DLQ writes, no write errors", m)
	}
	for i, m := range got {
		hdr := map[string]string{}
		for _, rh := range m.Headers {
			hdr[string(rh.Key)] = string(rh.Value)
		}
		wantOff := fmt.Sprint(i*10 + 3)
		if hdr["__connect.errors.topic"] != topic || hdr["__connect.errors.offset"] != wantOff || hdr["__connect.errors.stage"] != "TASK_PUT" {
			t.Fatalf("dead letter %d headers %v, want topic %s offset %s stage TASK_PUT", i, hdr, topic, wantOff)
		}
		msg := hdr["__connect.errors.exception.message"]
		if !strings.Contains(msg, "Ключ") || !strings.Contains(msg, "21 characters") || !strings.Contains(msg, "length 20") {
			t.Fatalf("exception message %q does not name the field and its limit", msg)
		}
		if string(m.Value) != fmt.Sprintf("body-%d", i*10+3) {
			t.Fatalf("dead letter value %q", m.Value)
		}
	}
}

// TestTooLongStringFailsTask: under errors.tolerance=none the task fails
// with a message naming the field and the limit, and nothing after the
// bad record is written.
func TestTooLongStringFailsTask(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inbox-none")
	k.CreateTopic(t, topic, 1, nil)
	k.Produce(t, testkit.Message(topic, "ok", "a"), testkit.Message(topic, strings.Repeat("x", 25), "b"), testkit.Message(topic, "ok2", "c"))
	h := newHarness(t, k, nil)
	w, ids := h.run(t, s.connectorProps("inbox-none", topic, nil), 1, registry(nil))
	trace := h.status.WaitState(t, ids[0].String(), "FAILED", 30*time.Second)
	h.stop(t, w)
	if !strings.Contains(trace, "Ключ") || !strings.Contains(trace, "String(20)") || !strings.Contains(trace, "length 20") {
		t.Fatalf("trace does not name the field and the limit: %s", trace)
	}
	if n := s.count(t, inbox); n > 1 {
		t.Fatalf("%d rows written, want at most the record before the bad one", n)
	}
}

// TestStructValuesAndDedup: with value.field empty the fields of a JSON
// value fill the register fields of the same names; numbers that do not
// fit go to the dead-letter queue; dedup.field skips repeated ids.
func TestStructValuesAndDedup(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic, dlq := testkit.UniqueTopic("inbox-struct"), testkit.UniqueTopic("dlq")
	k.CreateTopic(t, topic, 1, nil)
	values := []string{
		`{"ИдСообщения":"id-1","ТипСообщения":"Заказ","Сумма":12.5,"Количество":3,"Срочно":true,"ВремяСообщения":"2024-05-01T10:00:00Z","Лишнее":1}`,
		`{"ИдСообщения":"id-2","ТипСообщения":"Заказ","Сумма":123456789.5}`, // 9 integer digits > Число(10,2)
		`{"ИдСообщения":"id-3","ТипСообщения":"Заказ","Сумма":1.234}`,       // 3 fraction digits > 2
		`{"ИдСообщения":"id-4","ТипСообщения":"Заказ","Количество":-1}`,     // non-negative field
		`{"ИдСообщения":"ID-1","ТипСообщения":"Повтор"}`,                    // same id as the first (case-insensitive, as 1C compares)
		`{"ИдСообщения":"id-5","ТипСообщения":"Возврат","Сумма":"-99999999.99"}`,
		`{"ИдСообщения":"id-5","ТипСообщения":"Повтор в пакете"}`,
	}
	var msgs []*sarama.ProducerMessage
	for _, v := range values {
		msgs = append(msgs, testkit.Message(topic, "", v))
	}
	k.Produce(t, msgs...)
	h := newHarness(t, k, nil)
	props := s.connectorProps("inbox-struct", topic, map[string]string{
		KeyValueField: "", KeyKeyField: "", KeyTimestampField: "", KeyDedupField: "ИдСообщения",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		connect.KeyErrorsTolerance: "all", connect.KeyDLQTopicName: dlq, connect.KeyDLQReplicationFactor: "1",
		connect.KeyDLQContextHeadersEnable: "true"})
	w, _ := h.run(t, props, 1, registry(nil))
	dead := k.WaitFor(t, dlq, 3, 30*time.Second)
	s.waitCount(t, inbox, 2, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	h.stop(t, w)
	rows := s.query(t, inbox, []string{"ИдСообщения", "ТипСообщения", "Сумма", "Количество", "Срочно", "ВремяСообщения", "Смещение"}, "НомерСообщения")
	want := [][]string{
		{"id-1", "Заказ", "12.50", "3", "true", "2024-05-01 10:00:00", "0"},
		{"id-5", "Возврат", "-99999999.99", "0", "false", "0001-01-01 00:00:00", "5"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
	reasons := []string{"Сумма", "Сумма", "Количество"}
	for i, m := range dead {
		var msg string
		for _, rh := range m.Headers {
			if string(rh.Key) == "__connect.errors.exception.message" {
				msg = string(rh.Value)
			}
		}
		if !strings.Contains(msg, reasons[i]) {
			t.Fatalf("dead letter %d: message %q does not name %s", i, msg, reasons[i])
		}
	}
}
