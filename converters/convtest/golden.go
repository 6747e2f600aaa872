package convtest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update, when set (go test -update), rewrites golden files with the
// current output instead of comparing. Check the diff by hand afterwards.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Golden compares got with testdata/golden/<name>, byte for byte. With
// -update it writes the file instead.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: output differs from golden file\n got: %s\nwant: %s", name, got, want)
	}
}
