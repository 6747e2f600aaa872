package docgen

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connect/plugins"
)

var update = flag.Bool("update", false, "rewrite docs/reference from the code")

func TestReferenceIsCurrent(t *testing.T) {
	pages, err := Pages(plugins.Default)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs", "reference")
	if *update {
		if err := Write(dir, pages); err != nil {
			t.Fatal(err)
		}
	}
	if diff := Diff(dir, pages); len(diff) > 0 {
		t.Fatalf("docs/reference is out of date (run `go generate ./internal/docgen`):\n%s", strings.Join(diff, "\n"))
	}
}

func TestPagesCoverEveryPlugin(t *testing.T) {
	pages, err := Pages(plugins.Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plugins.Default.List() {
		text, ok := pages[fileName(p)]
		if !ok {
			t.Errorf("no page for %s", p.Class)
			continue
		}
		for _, k := range p.ConfigDef().Keys() {
			if !strings.Contains(text, "`"+k.Name+"`") && !strings.Contains(text, "### "+k.Name) {
				t.Errorf("%s: key %s not on its page", p.Class, k.Name)
			}
		}
	}
	if !strings.Contains(pages["README.md"], "RegexRouter") {
		t.Error("index misses the transforms")
	}
}
