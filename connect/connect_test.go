package connect

import "testing"

func TestTaskIDRoundTrip(t *testing.T) {
	for _, s := range []string{"a-0", "my-conn-12"} {
		id, err := ParseTaskID(s)
		if err != nil || id.String() != s {
			t.Errorf("ParseTaskID(%q) = %v, %v", s, id, err)
		}
	}
	for _, s := range []string{"", "abc", "a-", "-1", "a-x"} {
		if _, err := ParseTaskID(s); err == nil {
			t.Errorf("ParseTaskID(%q): no error", s)
		}
	}
}

func TestConnectorConfigDefs(t *testing.T) {
	src, sink := SourceConnectorConfigDef(), SinkConnectorConfigDef()
	if _, err := sink.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "FileStreamSink", KeyTopics: "t",
		KeyErrorsTolerance: "all", "consumer.override.max.poll.records": "5"}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "X", "topic.creation.default.partitions": "3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "X", KeyErrorsTolerance: "some"}); err == nil {
		t.Fatal("bad errors.tolerance accepted")
	}
	if _, err := src.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "X", KeyTopics: "t"}); err == nil {
		t.Fatal("topics accepted on a source")
	}
	v, err := src.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "X", KeyDLQTopicName: "dlq",
		KeyDLQReplicationFactor: "1", KeyDLQContextHeadersEnable: "true", KeyErrorsStrictOrder: "true"})
	if err != nil {
		t.Fatalf("source dead-letter queue keys: %v", err)
	}
	if !v.Bool(KeyErrorsStrictOrder) || v.String(KeyDLQTopicName) != "dlq" {
		t.Fatal("source error keys not parsed")
	}
	if _, err := sink.Parse(map[string]string{KeyName: "s", KeyConnectorClass: "X", KeyTopics: "t", KeyErrorsStrictOrder: "true"}); err == nil {
		t.Fatal("errors.strict.order accepted on a sink")
	}
}
