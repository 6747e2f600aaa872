package runtime

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// KIP-158: a source connector with topic.creation.* creates the topics it
// writes to, with the settings of the first group whose include pattern
// matches (else the default group), before producing to them.
func TestSourceTopicCreation(t *testing.T) {
	k := testkit.Kafka(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	mustNoErr(t, os.WriteFile(in, cyrillicLines(0, 50), 0o644), "write input")
	offsets, err := storage.OpenFileOffsetStore(filepath.Join(dir, "offsets.json"))
	mustNoErr(t, err, "open offsets")
	w := newTestWorker(t, testWorkerConfig(t, k, nil), offsets, testRegistry())
	rec := newRecorder()

	logs, other := testkit.UniqueTopic("created-logs"), testkit.UniqueTopic("created-plain")
	for _, tc := range []struct {
		name, topic string
		partitions  int
		policy      string
	}{
		{"logs", logs, 5, "compact"},  // matches the "logs" group
		{"plain", other, 3, "delete"}, // falls to the default group
	} {
		props := map[string]string{
			connect.KeyName: "create-" + tc.name, connect.KeyConnectorClass: "FileStreamSource", "file": in, "topic": tc.topic,
			"topic.creation.default.replication.factor": "1",
			"topic.creation.default.partitions":         "3",
			"topic.creation.default.cleanup.policy":     "delete",
			"topic.creation.groups":                     "logs",
			"topic.creation.logs.include":               "created-logs.*",
			"topic.creation.logs.partitions":            "5",
			"topic.creation.logs.cleanup.policy":        "compact",
		}
		ids := startConnectorAndTasks(t, w, props, rec)
		k.WaitFor(t, tc.topic, 50, 30*time.Second)
		stopAll(t, w, props[connect.KeyName], ids)

		meta, err := k.Admin(t).DescribeTopics([]string{tc.topic})
		if err != nil || len(meta) != 1 || meta[0].Err != 0 {
			t.Fatalf("%s: describe %s: %v %+v", tc.name, tc.topic, err, meta)
		}
		if got := len(meta[0].Partitions); got != tc.partitions {
			t.Errorf("%s: topic %s has %d partitions, want %d", tc.name, tc.topic, got, tc.partitions)
		}
		if got := k.TopicConfig(t, tc.topic)["cleanup.policy"]; got != tc.policy {
			t.Errorf("%s: cleanup.policy = %q, want %q", tc.name, got, tc.policy)
		}
	}
}
