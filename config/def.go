package config

import (
	"sort"
	"strings"
)

// ConfigDef is the set of keys a component accepts, in definition order,
// plus the prefixes under which undeclared keys pass through. Build it once
// (usually in a package-level constructor or init), then share it: after
// that it is read-only and safe for concurrent use. Define and AllowPrefix
// must not be called once other goroutines use the definition.
type ConfigDef struct {
	keys     []Key
	index    map[string]int
	groups   []string
	prefixes []string
}

// NewConfigDef returns an empty definition.
func NewConfigDef() *ConfigDef {
	return &ConfigDef{index: make(map[string]int)}
}

// Define adds a key and returns d for chaining. It panics on a duplicate
// name or an invalid definition (unknown type, a default that does not parse
// or fails its validator, a validator for another type): those are
// programming errors found by the first test that builds the definition.
func (d *ConfigDef) Define(k Key) *ConfigDef {
	if d.index == nil {
		d.index = make(map[string]int)
	}
	if _, dup := d.index[k.Name]; dup {
		panic("config: key " + k.Name + " is defined twice")
	}
	nk, err := k.normalize()
	if err != nil {
		panic(err.Error())
	}
	if nk.Group != "" && !contains(d.groups, nk.Group) {
		d.groups = append(d.groups, nk.Group)
	}
	if nk.OrderInGroup == 0 {
		if nk.Group == "" {
			nk.OrderInGroup = -1
		} else {
			n := 1
			for _, other := range d.keys {
				if other.Group == nk.Group {
					n++
				}
			}
			nk.OrderInGroup = n
		}
	}
	d.index[nk.Name] = len(d.keys)
	d.keys = append(d.keys, nk)
	return d
}

// AllowPrefix declares prefixes under which undeclared keys are accepted
// and passed through untyped (e.g. [PrefixProducerOverride], "transforms.").
// A prefix should end with "."; it returns d for chaining.
func (d *ConfigDef) AllowPrefix(prefixes ...string) *ConfigDef {
	for _, p := range prefixes {
		if p != "" && !contains(d.prefixes, p) {
			d.prefixes = append(d.prefixes, p)
		}
	}
	return d
}

// Prefixes returns the allowed pass-through prefixes in declaration order.
func (d *ConfigDef) Prefixes() []string { return append([]string(nil), d.prefixes...) }

// Merge returns a new definition holding d's keys, then other's, and both
// sets of prefixes. It panics if a key is defined in both. Neither input
// is modified.
func (d *ConfigDef) Merge(other *ConfigDef) *ConfigDef {
	out := NewConfigDef()
	for _, src := range []*ConfigDef{d, other} {
		if src == nil {
			continue
		}
		for _, k := range src.keys {
			if _, dup := out.index[k.Name]; dup {
				panic("config: key " + k.Name + " is defined twice")
			}
			if k.Group != "" && !contains(out.groups, k.Group) {
				out.groups = append(out.groups, k.Group)
			}
			out.index[k.Name] = len(out.keys)
			out.keys = append(out.keys, k.clone())
		}
		out.AllowPrefix(src.prefixes...)
	}
	return out
}

// Keys returns copies of the keys in definition order, with defaults in
// their canonical types and zero fields filled in.
func (d *ConfigDef) Keys() []Key {
	out := make([]Key, len(d.keys))
	for i, k := range d.keys {
		out[i] = k.clone()
	}
	return out
}

// Key returns the key with the given name.
func (d *ConfigDef) Key(name string) (Key, bool) {
	i, ok := d.index[name]
	if !ok {
		return Key{}, false
	}
	return d.keys[i].clone(), true
}

// Groups returns the group names in first-seen order.
func (d *ConfigDef) Groups() []string { return append([]string(nil), d.groups...) }

// IsPassword reports whether name is a defined key of type PASSWORD.
func (d *ConfigDef) IsPassword(name string) bool {
	i, ok := d.index[name]
	return ok && d.keys[i].Type == TypePassword
}

// Allowed reports whether name is a defined key or lies under an allowed
// prefix.
func (d *ConfigDef) Allowed(name string) bool {
	if _, ok := d.index[name]; ok {
		return true
	}
	for _, p := range d.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// unknownKeys returns the keys of props that are not allowed, sorted.
func (d *ConfigDef) unknownKeys(props map[string]string) []string {
	var out []string
	for k := range props {
		if !d.Allowed(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// unknownMessage is the error for a key that is neither defined nor under an
// allowed prefix, with a suggestion when a defined key is a close match.
func (d *ConfigDef) unknownMessage(name string) string {
	msg := "Unknown configuration \"" + name + "\""
	if s := d.suggest(name); s != "" {
		msg += "; did you mean \"" + s + "\"?"
	} else {
		msg += "."
	}
	return msg
}

// suggest returns the defined key closest to name by edit distance, if it is
// close enough to be a likely typo.
func (d *ConfigDef) suggest(name string) string {
	best, bestDist := "", 0
	limit := 2
	if len(name) > 12 {
		limit = 3
	}
	for _, k := range d.keys {
		dist := editDistance(name, k.Name, limit+1)
		if dist <= limit && (best == "" || dist < bestDist) {
			best, bestDist = k.Name, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b over bytes, capped at
// max (it returns max as soon as the distance cannot be smaller).
func editDistance(a, b string, max int) int {
	if abs(len(a)-len(b)) >= max {
		return max
	}
	if len(a) > 256 || len(b) > 256 {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], max)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
