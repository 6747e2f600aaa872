package config

import (
	"sort"
	"strings"
)

// Markdown renders the reference of the definition: a level-1 title, one
// level-2 section per group (first-seen order; keys without a group last,
// under "Other", or directly under the title when there are no groups), one
// level-3 section per key (ordered by OrderInGroup, then definition order)
// with its documentation and a list of type, default, valid values,
// importance and dependents, and finally the pass-through prefixes. The
// output depends only on the definition, so it can be checked into docs/
// and compared in tests.
func (d *ConfigDef) Markdown(title string) string {
	var b strings.Builder
	b.WriteString("# " + title + "\n")

	byGroup := map[string][]Key{}
	for _, k := range d.keys {
		byGroup[k.Group] = append(byGroup[k.Group], k)
	}
	sections := append([]string{}, d.groups...)
	if len(byGroup[""]) > 0 {
		sections = append(sections, "")
	}
	for _, g := range sections {
		keys := byGroup[g]
		sort.SliceStable(keys, func(i, j int) bool { return keys[i].OrderInGroup < keys[j].OrderInGroup })
		switch {
		case g != "":
			b.WriteString("\n## " + g + "\n")
		case len(d.groups) > 0:
			b.WriteString("\n## Other\n")
		}
		for _, k := range keys {
			writeKeyMarkdown(&b, k)
		}
	}
	if len(d.prefixes) > 0 {
		b.WriteString("\n## Pass-through prefixes\n\nKeys that start with one of these prefixes are not checked here; they are passed on to the component that owns them:\n\n")
		for _, p := range d.prefixes {
			b.WriteString("- `" + p + "`\n")
		}
	}
	return b.String()
}

// typeHint explains the syntax of types whose form is not obvious.
var typeHint = map[Type]string{
	TypeList:     " (comma-separated)",
	TypeDuration: " (milliseconds, or a duration such as `500ms`, `30s`, `5m`, `1h30m`)",
	TypePassword: " (hidden in every output; config providers such as `${env:NAME}` welcome)",
}

func writeKeyMarkdown(b *strings.Builder, k Key) {
	b.WriteString("\n### `" + k.Name + "`\n\n")
	if doc := strings.TrimSpace(k.Doc); doc != "" {
		b.WriteString(doc + "\n\n")
	}
	b.WriteString("- Type: " + strings.ToLower(string(k.Type)) + typeHint[k.Type] + "\n")
	switch s, ok := k.DefaultString(); {
	case k.Required:
		b.WriteString("- Default: none (required)\n")
	case !ok:
		b.WriteString("- Default: null\n")
	case s == "":
		b.WriteString("- Default: `\"\"`\n")
	default:
		b.WriteString("- Default: `" + s + "`\n")
	}
	if k.Validator != nil {
		b.WriteString("- Valid values: " + k.Validator.String() + "\n")
	}
	b.WriteString("- Importance: " + strings.ToLower(string(k.Importance)) + "\n")
	if len(k.Dependents) > 0 {
		deps := make([]string, len(k.Dependents))
		for i, dep := range k.Dependents {
			deps[i] = "`" + dep + "`"
		}
		b.WriteString("- Dependents: " + strings.Join(deps, ", ") + "\n")
	}
}
