package config

import (
	"strings"
	"testing"
)

func TestMarkdownGolden(t *testing.T) {
	md := testDef().Markdown("Test connector configuration")
	golden(t, "reference.golden.md", []byte(md))
	if md != testDef().Markdown("Test connector configuration") {
		t.Error("Markdown is not deterministic")
	}
}

func TestMarkdownWithoutGroups(t *testing.T) {
	md := NewConfigDef().
		Define(Key{Name: "b", Type: TypeString, Required: true, Doc: "B."}).
		Define(Key{Name: "a", Type: TypeInt, Default: 1}).
		Markdown("T")
	want := "# T\n\n### `b`\n\nB.\n\n- Type: string\n- Default: none (required)\n- Importance: medium\n\n### `a`\n\n- Type: int\n- Default: `1`\n- Importance: medium\n"
	if md != want {
		t.Errorf("Markdown =\n%q\nwant\n%q", md, want)
	}
	if strings.Contains(md, "## Other") {
		t.Error("an ungrouped definition got an Other section")
	}
}
