package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connect"
)

// TestFileOffsetStore: offsets survive reopening, the file is byte-stable
// regardless of write order, nil deletes, and numbers come back as int64.
func TestFileOffsetStore(t *testing.T) {
	dir := t.TempDir()
	write := func(path string, order []int) []byte {
		s, err := OpenFileOffsetStore(path)
		if err != nil {
			t.Fatal(err)
		}
		entries := []connect.OffsetEntry{
			{Partition: map[string]any{"filename": "/в/а.txt"}, Offset: map[string]any{"position": int64(1 << 60)}},
			{Partition: map[string]any{"table": "x", "db": "y"}, Offset: map[string]any{"lsn": "0/1", "n": 1.5}},
			{Partition: map[string]any{"gone": true}, Offset: map[string]any{"p": 1}},
		}
		for _, i := range order {
			if err := s.Set(t.Context(), "conn", []connect.OffsetEntry{entries[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Set(t.Context(), "conn", []connect.OffsetEntry{{Partition: map[string]any{"gone": true}}}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := write(filepath.Join(dir, "a.json"), []int{0, 1, 2})
	b := write(filepath.Join(dir, "b.json"), []int{2, 1, 0})
	if string(a) != string(b) {
		t.Fatalf("file not byte-stable:\n%s\n%s", a, b)
	}
	want := `{"version":1,"offsets":[
{"key":["conn",{"db":"y","table":"x"}],"value":{"lsn":"0/1","n":1.5}},
{"key":["conn",{"filename":"/в/а.txt"}],"value":{"position":1152921504606846976}}
]}
`
	if string(a) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", a, want)
	}
	s, err := OpenFileOffsetStore(filepath.Join(dir, "a.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), "conn", []map[string]any{{"filename": "/в/а.txt"}, {"gone": true}, {"db": "y", "table": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0]["position"] != int64(1<<60) || got[1] != nil || got[2]["n"] != 1.5 {
		t.Fatalf("got %v", got)
	}
	other, _ := s.List(t.Context(), "other")
	if len(other) != 0 {
		t.Fatalf("other connector sees %v", other)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestOpenFileOffsetStoreRejectsGarbage(t *testing.T) {
	for name, content := range map[string]string{"json": "{", "version": `{"version":2,"offsets":[]}`, "key": `{"version":1,"offsets":[{"key":"x","value":{}}]}`} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := OpenFileOffsetStore(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
