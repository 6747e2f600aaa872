package queuesink

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestDeliversRecords: every record becomes one row with its topic,
// partition, offset, key, body, headers and timestamp; numbers come from
// the sequence and grow with the offset in each partition.
func TestDeliversRecords(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inbox")
	k.CreateTopic(t, topic, 2, nil)
	ts := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	var msgs []*sarama.ProducerMessage
	for i := 0; i < 40; i++ {
		m := testkit.InPartition(int32(i%2), testkit.Message(topic, fmt.Sprintf("ключ-%d", i), fmt.Sprintf(`{"номер":%d}`, i)))
		m.Timestamp = ts.Add(time.Duration(i) * time.Second)
		m.Headers = []sarama.RecordHeader{{Key: []byte("source"), Value: []byte("kafka")}}
		msgs = append(msgs, m)
	}
	k.Produce(t, msgs...)
	h := newHarness(t, k, nil)
	w, ids := h.run(t, s.connectorProps("inbox1", topic, map[string]string{KeyBatchSize: "7"}), 2, registry(nil))
	s.waitCount(t, inbox, 40, 30*time.Second)
	h.stop(t, w)
	if st, tr := h.status.Get(ids[0].String()); st == "FAILED" {
		t.Fatalf("task failed: %s", tr)
	}
	rows := s.query(t, inbox, []string{"НомерСообщения", "Топик", "Раздел", "Смещение", "Ключ", "Тело", "Заголовки", "ВремяСообщения", "ДатаПоступления"}, "НомерСообщения")
	if len(rows) != 40 {
		t.Fatalf("%d rows, want 40", len(rows))
	}
	lastNum := map[string]int64{}
	lastOff := map[string]int64{"0": -1, "1": -1}
	for _, r := range rows {
		num, _ := strconv.ParseInt(r[0], 10, 64)
		part, off := r[2], mustInt(t, r[3])
		if r[1] != topic {
			t.Fatalf("topic %q, want %q", r[1], topic)
		}
		if off != lastOff[part]+1 {
			t.Fatalf("partition %s: offset %d follows %d (rows ordered by number)", part, off, lastOff[part])
		}
		if num <= lastNum[part] {
			t.Fatalf("partition %s: number %d after %d", part, num, lastNum[part])
		}
		lastOff[part], lastNum[part] = off, num
		i := int(off)*2 + int(mustInt(t, part))
		if want := fmt.Sprintf("ключ-%d", i); r[4] != want {
			t.Fatalf("key %q, want %q", r[4], want)
		}
		if want := fmt.Sprintf(`{"номер":%d}`, i); r[5] != want {
			t.Fatalf("body %q, want %q", r[5], want)
		}
		if r[6] != `{"source":"kafka"}` {
			t.Fatalf("headers %q", r[6])
		}
		if want := ts.Add(time.Duration(i) * time.Second).Format("2006-01-02 15:04:05"); r[7] != want {
			t.Fatalf("timestamp %q, want %q", r[7], want)
		}
		if r[8] == "0001-01-01 00:00:00" {
			t.Fatalf("received date not set")
		}
	}
	// The offsets table holds the next offset of both partitions.
	got := s.query2(t, `SELECT onec_topic || '-' || onec_partition || '=' || onec_next_offset FROM onec_connect.onec_sink_offsets WHERE onec_connector = 'inbox1' ORDER BY 1`)
	if want := []string{topic + "-0=20", topic + "-1=20"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stored offsets %v, want %v", got, want)
	}
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return n
}
