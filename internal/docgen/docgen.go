// Package docgen renders the configuration reference pages under
// docs/reference/ from the plugins' ConfigDefs: one page per connector (its
// own keys plus the common connector keys), converter, transformation and
// predicate, and one for the worker. The pages are generated, never edited
// by hand; a test fails when a checked-in page differs from what the code
// would generate (regenerate with `go generate ./internal/docgen`).
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

//go:generate go test -run TestReferenceIsCurrent -update .

// kindTitles orders and names the sections of the index.
var kindTitles = []struct {
	kind  plugins.Kind
	title string
}{
	{plugins.KindSource, "Source connectors"},
	{plugins.KindSink, "Sink connectors"},
	{plugins.KindConverter, "Converters"},
	{plugins.KindHeaderConverter, "Header converters"},
	{plugins.KindTransformation, "Transformations"},
	{plugins.KindPredicate, "Predicates"},
}

// Pages renders every page: file name (relative to docs/reference) → text.
func Pages(r *plugins.Registry) (map[string]string, error) {
	pages := map[string]string{}
	var index strings.Builder
	index.WriteString("# Configuration reference\n\nGenerated from the code by `go generate ./internal/docgen`; do not edit by hand.\n\n")
	index.WriteString("- [Worker](worker.md)\n")
	pages["worker.md"] = runtime.WorkerConfigDef().Markdown("Worker configuration")
	for _, kt := range kindTitles {
		list := r.List(kt.kind)
		if len(list) == 0 {
			continue
		}
		fmt.Fprintf(&index, "\n## %s\n\n", kt.title)
		for _, p := range list {
			name := fileName(p)
			def := p.ConfigDef()
			if kt.kind == plugins.KindSource || kt.kind == plugins.KindSink {
				full, err := runtime.ConnectorConfigDef(p)
				if err != nil {
					return nil, err
				}
				def = full
			}
			pages[name] = page(p, def)
			fmt.Fprintf(&index, "- [%s](%s)%s\n", p.Class, name, aliasNote(p))
		}
	}
	pages["README.md"] = index.String()
	return pages, nil
}

func fileName(p plugins.Plugin) string {
	n := strings.NewReplacer("$", "-", "/", "-").Replace(p.Class)
	return string(p.Kind) + "-" + n + ".md"
}

func aliasNote(p plugins.Plugin) string {
	if len(p.Aliases) == 0 {
		return ""
	}
	return " (also `" + strings.Join(p.Aliases, "`, `") + "`)"
}

func page(p plugins.Plugin, def *config.ConfigDef) string {
	var b strings.Builder
	b.WriteString(def.Markdown(p.Class))
	head := fmt.Sprintf("\nKind: %s. ", strings.ReplaceAll(string(p.Kind), "_", " "))
	if p.Version != "" {
		head += "Version: " + p.Version + ". "
	}
	if len(p.Aliases) > 0 {
		head += "Also accepted as `" + strings.Join(p.Aliases, "`, `") + "`."
	}
	// Insert the header line after the title.
	text := b.String()
	if i := strings.Index(text, "\n"); i >= 0 {
		return text[:i+1] + head + "\n" + text[i+1:]
	}
	return text + head + "\n"
}

// Write replaces the generated pages in dir.
func Write(dir string, pages map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range old {
		if _, keep := pages[filepath.Base(f)]; !keep {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("remove stale page: %w", err)
			}
		}
	}
	for name, text := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// Diff lists the pages in dir that are missing, stale or no longer generated.
func Diff(dir string, pages map[string]string) []string {
	var out []string
	for name, text := range pages {
		got, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case err != nil:
			out = append(out, "missing: "+name)
		case string(got) != text:
			out = append(out, "stale: "+name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range files {
		if _, ok := pages[filepath.Base(f)]; !ok {
			out = append(out, "not generated any more: "+filepath.Base(f))
		}
	}
	sort.Strings(out)
	return out
}
