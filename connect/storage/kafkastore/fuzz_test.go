package kafkastore

import (
	"testing"
)

// FuzzApply feeds arbitrary records to the three stores' read paths: they
// must log and skip what they cannot use, never panic. Run with
// go test -fuzz=FuzzApply ./connect/storage/kafkastore/
func FuzzApply(f *testing.F) {
	seeds := [][2]string{
		{"connector-c", `{"properties":{"a":"b"}}`},
		{"task-c-0", `{"properties":{"a":"b"}}`},
		{"commit-c", `{"tasks":1}`},
		{"target-state-c", `{"state":"PAUSED","state.v2":"STOPPED"}`},
		{"restart-connector-c", `{"include-tasks":true,"only-failed":false}`},
		{"tasks-fencing-c", `{"task-count":2}`},
		{"session-key", `{"key":"AA==","algorithm":"HmacSHA256","creation-timestamp":1}`},
		{"logger-cluster-x", `{"level":"INFO"}`},
		{"status-connector-c", `{"state":"RUNNING","trace":null,"worker_id":"w","generation":1}`},
		{"status-task-c-0", `{"state":"UNASSIGNED","trace":null,"worker_id":"w","generation":1}`},
		{"status-topic-t:connector-c", `{"topic":{"name":"t","connector":"c","task":0,"discoverTimestamp":1}}`},
		{`["c",{"p":1}]`, `{"o":1}`},
		{"task--", `{"tasks":-1}`},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]), false)
		f.Add([]byte(s[0]), []byte(nil), true)
	}
	cfg := LogConfig{Topic: TopicSpec{Name: "fuzz"}, Logger: testLogger()}
	cs := NewConfigStore(ConfigStoreConfig{Log: cfg})
	cs.SetListener(&events{})
	cs.started = true
	ss := NewStatusStore(StatusStoreConfig{Log: cfg})
	os := NewOffsetStore(OffsetStoreConfig{Log: cfg})
	f.Fuzz(func(t *testing.T, key, value []byte, tombstone bool) {
		if tombstone {
			value = nil
		}
		r := Record{Key: key, Value: value}
		cs.apply(r)
		_ = cs.FullSnapshot()
		ss.apply(r)
		os.apply(r)
	})
}
