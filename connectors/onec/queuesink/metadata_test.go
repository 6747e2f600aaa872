package queuesink

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestConfigurationChange: after a restructuring adds a NOT NULL column to
// the register, the batch written with the old columns fails, the task
// reloads the metadata, converts the records again and fills the new
// field from the struct value — without losing or doubling a record.
func TestConfigurationChange(t *testing.T) {
	s := newSinkDB(t)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("inbox-alter")
	k.CreateTopic(t, topic, 1, nil)
	k.Produce(t, testkit.Message(topic, "", `{"ТипСообщения":"до"}`))
	h := newHarness(t, k, nil)
	props := s.connectorProps("inbox-alter", topic, map[string]string{
		KeyValueField: "", KeyKeyField: "", KeyTimestampField: "", KeyHeadersJSONField: "",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
		"metadata.refresh.interval.ms": "3600000"}) // only the failed write makes the task look
	w, ids := h.run(t, props, 1, registry(nil))
	s.waitCount(t, inbox, 1, 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.built.AddAttribute(ctx, s.conn, inbox, onectest.Attribute{Name: "Примечание", Type: onectest.String(50)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		k.Produce(t, testkit.Message(topic, "", fmt.Sprintf(`{"ТипСообщения":"после","Примечание":"п%d"}`, i)))
	}
	s.waitCount(t, inbox, 6, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	h.stop(t, w)
	if st, tr := h.status.Get(ids[0].String()); st == "FAILED" {
		t.Fatalf("task failed: %s", tr)
	}
	rows := s.query(t, inbox, []string{"ТипСообщения", "Примечание", "Смещение"}, "НомерСообщения")
	want := [][]string{{"до", "", "0"}}
	for i := 0; i < 5; i++ {
		want = append(want, []string{"после", fmt.Sprintf("п%d", i), fmt.Sprint(i + 1)})
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
}
