package metadata

import (
	"os"
	"path/filepath"
	"testing"
)

// sample returns the bytes of a shared real 1C sample
// (../shared/testdata/1c/<name> from the module root). It skips when the
// file is absent, or fails under CI=true.
func sample(tb testing.TB, name string) []byte {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	path := filepath.Join(dir, "..", "shared", "testdata", "1c", name)
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("shared sample %s: %v", path, err)
		}
		tb.Skipf("shared sample %s not available: %v", path, err)
	}
	return b
}
