package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoRoot(t *testing.T) {
	root := RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot %s has no go.mod: %v", root, err)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "testkit", "doc.go")); err != nil {
		t.Fatalf("RepoRoot %s is not this module's root: %v", root, err)
	}
}

func TestFindModuleRoot(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := findModuleRoot(deep)
	if err != nil || got != dir {
		t.Fatalf("findModuleRoot(%s) = %q, %v; want %q", deep, got, err, dir)
	}
}

func TestSharedTestdataPath(t *testing.T) {
	if got, want := sharedTestdataPath("/work/main", "1c/x.txt"), "/work/shared/testdata/1c/x.txt"; got != want {
		t.Fatalf("sharedTestdataPath = %q, want %q", got, want)
	}
}

func TestSharedTestdata(t *testing.T) {
	p := SharedTestdata(t, "1c") // skips (or fails under CI) when absent
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		t.Fatalf("SharedTestdata(1c) = %s: %v", p, err)
	}
}
