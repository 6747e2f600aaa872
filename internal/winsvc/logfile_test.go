package winsvc

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOpenLog(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Журналы 1С")
	path := filepath.Join(dir, "обмен.log")
	write := func(s string) {
		t.Helper()
		f, err := openLog(path, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write("first\n")  // creates the directory and the file
	write("second\n") // 6 bytes ≤ 10: appended
	if got := read(path); got != "first\nsecond\n" {
		t.Fatalf("log = %q", got)
	}
	write("third\n") // 13 bytes > 10: rotated first
	if got, old := read(path), read(path+".1"); got != "third\n" || old != "first\nsecond\n" {
		t.Fatalf("after rotation: log %q, log.1 %q", got, old)
	}
	if _, err := openLog(filepath.Join(path, "sub", "x.log"), 10); err == nil {
		t.Error("openLog under a file: want an error")
	}
}
