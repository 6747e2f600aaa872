package runtime

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// cyrillicLines returns n distinct lines of Cyrillic text (with some other
// UTF-8) joined by "\n", with a trailing "\n".
func cyrillicLines(from, n int) []byte {
	var b bytes.Buffer
	words := []string{"Номенклатура", "Контрагент", "Счёт-фактура", "Ёлка", "Щука", "Экспорт «1С»", "Пример — тест", "ЪЫЬ", "ґєї"}
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "%07d %s %s %s\n", i, words[i%len(words)], words[(i/7)%len(words)], strings.Repeat("ж", i%13))
	}
	return b.Bytes()
}

func waitFileSize(t *testing.T, path string, size int, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var got []byte
	for time.Now().Before(deadline) {
		got, _ = os.ReadFile(path)
		if len(got) >= size {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: %d bytes after %s, want %d", path, len(got), timeout, size)
	return nil
}

// TestFileStreamRoundTrip moves 100,000 Cyrillic lines file → Kafka → file
// and compares bytes; then restarts the source after a clean stop with more
// lines appended and checks that nothing is lost or duplicated.
func TestFileStreamRoundTrip(t *testing.T) {
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("filestream")
	k.CreateTopic(t, topic, 3, nil)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	const n = 100_000
	data := cyrillicLines(0, n)
	mustNoErr(t, os.WriteFile(in, data, 0o644), "write input")

	offsets, err := storage.OpenFileOffsetStore(filepath.Join(dir, "offsets.json"))
	mustNoErr(t, err, "open offsets")
	reg := testRegistry()
	wc := testWorkerConfig(t, k, nil)
	w := newTestWorker(t, wc, offsets, reg)
	rec := newRecorder()

	srcProps := map[string]string{connect.KeyName: "src", connect.KeyConnectorClass: "FileStreamSource",
		"file": in, "topic": topic, connect.KeyTasksMax: "1"}
	// One partition only keeps the file order for the byte-exact compare.
	srcProps["transforms"] = ""
	sinkProps := map[string]string{connect.KeyName: "sink", connect.KeyConnectorClass: "org.apache.kafka.connect.file.FileStreamSinkConnector",
		"file": out, "topics": topic}

	// Partition by nothing: all lines to partition 0 so order is total.
	k.CreateTopic(t, topic+"-ordered", 1, nil)
	srcProps["topic"] = topic + "-ordered"
	sinkProps["topics"] = topic + "-ordered"

	srcIDs := startConnectorAndTasks(t, w, srcProps, rec)
	sinkIDs := startConnectorAndTasks(t, w, sinkProps, rec)
	rec.waitState(t, "src-0", "RUNNING", 10*time.Second)
	rec.waitState(t, "sink-0", "RUNNING", 10*time.Second)

	got := waitFileSize(t, out, len(data), 60*time.Second)
	if !bytes.Equal(got, data) {
		t.Fatalf("output differs from input: %d vs %d bytes", len(got), len(data))
	}
	if topics := w.ActiveTopics("src"); len(topics) != 1 || topics[0] != topic+"-ordered" {
		t.Errorf("active topics of src = %v", topics)
	}

	// Clean stop of the source, append more lines, start again: the source
	// resumes at the committed position.
	stopAll(t, w, "src", srcIDs)
	rec.waitState(t, "src-0", "UNASSIGNED", 5*time.Second)
	stored, err := offsets.List(t.Context(), "src")
	mustNoErr(t, err, "list offsets")
	if len(stored) != 1 || stored[0].Offset["position"] != int64(len(data)) {
		t.Fatalf("stored offsets after clean stop = %v, want position %d", stored, len(data))
	}
	more := cyrillicLines(n, 1000)
	f, err := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0)
	mustNoErr(t, err, "append")
	f.Write(more)
	f.Close()

	// A new worker over the same offsets file, as after a process restart.
	offsets2, err := storage.OpenFileOffsetStore(filepath.Join(dir, "offsets.json"))
	mustNoErr(t, err, "reopen offsets")
	w2 := newTestWorker(t, wc, offsets2, reg)
	srcIDs = startConnectorAndTasks(t, w2, srcProps, rec)
	want := append(append([]byte{}, data...), more...)
	waitFileSize(t, out, len(want), 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	got, _ = os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Fatalf("after restart: output %d bytes, want %d (duplicates or loss)", len(got), len(want))
	}
	stopAll(t, w2, "src", srcIDs)
	stopAll(t, w, "sink", sinkIDs)
	rec.waitState(t, "sink-0", "UNASSIGNED", 10*time.Second)
}
