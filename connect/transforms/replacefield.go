package transforms

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keyExclude = "exclude"
	keyInclude = "include"
	keyRenames = "renames"
	// Kafka's deprecated names, still accepted.
	keyBlacklist = "blacklist"
	keyWhitelist = "whitelist"
)

func replaceFieldConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyExclude, Type: config.TypeList, Default: "", Importance: config.ImportanceMedium,
			Doc: "Fields to exclude. This takes precedence over the fields to include."}).
		Define(config.Key{Name: keyInclude, Type: config.TypeList, Default: "", Importance: config.ImportanceMedium,
			Doc: "Fields to include. If specified, only these fields will be used."}).
		Define(config.Key{Name: keyRenames, Type: config.TypeList, Default: "", Importance: config.ImportanceMedium,
			Doc: "Field rename mappings, as a list of colon-delimited pairs, e.g. foo:bar,abc:xyz."}).
		Define(config.Key{Name: keyBlacklist, Type: config.TypeList, Importance: config.ImportanceLow,
			Doc: "Deprecated. Use " + keyExclude + " instead."}).
		Define(config.Key{Name: keyWhitelist, Type: config.TypeList, Importance: config.ImportanceLow,
			Doc: "Deprecated. Use " + keyInclude + " instead."}).
		Define(replaceNullKey())
}

// ReplaceField drops, keeps and renames fields (Kafka's ReplaceField$Key /
// $Value).
type ReplaceField struct {
	noClose
	part        part
	exclude     map[string]bool
	include     map[string]bool
	renames     map[string]string // old → new
	reverse     map[string]string // new → old
	replaceNull bool
	cache       planCache[projection]
}

// Config describes the settings.
func (*ReplaceField) Config() *config.ConfigDef { return replaceFieldConfig() }

// Configure reads exclude, include and renames.
func (f *ReplaceField) Configure(props map[string]string) error {
	v, err := replaceFieldConfig().Parse(props)
	if err != nil {
		return err
	}
	set := func(keys ...string) map[string]bool {
		m := map[string]bool{}
		for _, k := range keys {
			if v.Has(k) {
				for _, x := range v.List(k) {
					if x = strings.TrimSpace(x); x != "" {
						m[x] = true
					}
				}
			}
		}
		return m
	}
	f.exclude = set(keyExclude, keyBlacklist)
	f.include = set(keyInclude, keyWhitelist)
	f.renames, f.reverse = map[string]string{}, map[string]string{}
	for _, pair := range v.List(keyRenames) {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, ":")
		if !ok || from == "" || to == "" {
			return fmt.Errorf("invalid value %q for configuration %s: must be a list of colon-delimited pairs, e.g. foo:bar,abc:xyz", pair, keyRenames)
		}
		f.renames[from], f.reverse[to] = to, from
	}
	f.replaceNull = v.Bool(keyReplaceNull)
	return nil
}

func (f *ReplaceField) keep(name string) bool {
	return !f.exclude[name] && (len(f.include) == 0 || f.include[name])
}

func (f *ReplaceField) rename(name string) string {
	if to, ok := f.renames[name]; ok {
		return to
	}
	return name
}

// Apply replaces the fields.
func (f *ReplaceField) Apply(r *connect.Record) (*connect.Record, error) {
	s, v := f.part.get(r)
	if s == nil {
		if v == nil {
			return r, nil
		}
		m, err := requireMap("ReplaceField", f.part, v)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, x := range m {
			if f.keep(k) {
				out[f.rename(k)] = x
			}
		}
		f.part.set(r, nil, out)
		return r, nil
	}
	if s.Type() != schema.STRUCT {
		return nil, fmt.Errorf("ReplaceField: only STRUCT %s schemas are supported, got %s", f.part, s.Type())
	}
	pr, err := f.cache.get(s, func(in *schema.Schema) (projection, error) {
		out, err := rebuildStruct(in, func(fl schema.Field) (string, bool) { return f.rename(fl.Name), f.keep(fl.Name) })
		if err != nil {
			return projection{}, fmt.Errorf("ReplaceField: %w", err)
		}
		return newProjection(in, out, f.reverse), nil
	})
	if err != nil {
		return nil, err
	}
	if v == nil {
		f.part.set(r, pr.out, nil)
		return r, nil
	}
	st, err := requireStruct("ReplaceField", f.part, s, v)
	if err != nil {
		return nil, err
	}
	f.part.set(r, pr.out, pr.apply(st, f.replaceNull))
	return r, nil
}
