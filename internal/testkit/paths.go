package testkit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the module root: the nearest directory at or above the
// working directory (a package directory under go test) holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("testkit: working directory: %v", err)
	}
	root, err := findModuleRoot(wd)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	return root
}

func findModuleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s", dir)
		}
		d = parent
	}
}

// SharedTestdata returns the absolute path of rel under ../shared/testdata
// next to the module root (for example "1c/..." for the real 1C samples,
// which are never copied into the repository). When the path does not exist
// the test is skipped, or fails under CI=true.
func SharedTestdata(t testing.TB, rel string) string {
	t.Helper()
	p := sharedTestdataPath(RepoRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			SkipOrFail(t, fmt.Sprintf("shared test data %s not found (expected next to the repository at ../shared/testdata)", p))
			return ""
		}
		t.Fatalf("testkit: shared test data %s: %v", p, err)
	}
	return p
}

func sharedTestdataPath(root, rel string) string {
	return filepath.Join(filepath.Dir(root), "shared", "testdata", filepath.FromSlash(rel))
}
