package plugins

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
)

// Kind is a plugin type, with the names the REST API uses in
// GET /connector-plugins ("source", "sink", "converter", ...).
type Kind string

// Plugin kinds.
const (
	KindSource          Kind = "source"
	KindSink            Kind = "sink"
	KindConverter       Kind = "converter"
	KindHeaderConverter Kind = "header_converter"
	KindTransformation  Kind = "transformation"
	KindPredicate       Kind = "predicate"
)

// suffix is the type suffix cut from simple names to form aliases.
func (k Kind) suffixes() []string {
	switch k {
	case KindSource, KindSink:
		return []string{"Connector"}
	case KindConverter:
		return []string{"Converter"}
	case KindHeaderConverter:
		return []string{"HeaderConverter", "Converter"}
	case KindTransformation:
		return []string{"Transformation"}
	case KindPredicate:
		return []string{"Predicate"}
	}
	return nil
}

// Plugin describes one implementation. Exactly one of the constructors
// matching Kind is set.
type Plugin struct {
	// Class is the canonical name, e.g. "FileStreamSource" or
	// "org.apache.kafka.connect.json.JsonConverter".
	Class string
	// Aliases are further names accepted in configs; derived aliases (simple
	// name, suffix cut) are added automatically.
	Aliases []string
	// Kind is the plugin type.
	Kind Kind
	// Version is the implementation version ("" = undefined).
	Version string
	// Config returns the plugin's own configuration definition.
	Config func() *config.ConfigDef

	NewSource          func() connect.SourceConnector
	NewSink            func() connect.SinkConnector
	NewConverter       func() converters.Converter
	NewHeaderConverter func() converters.HeaderConverter
	NewTransformation  func() connect.Transformation
	NewPredicate       func() connect.Predicate
}

// ErrNotFound is returned (wrapped) when no plugin matches a name.
var ErrNotFound = errors.New("plugin not found")

// AmbiguousError is returned when an alias matches several plugins.
type AmbiguousError struct {
	Name    string
	Classes []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("plugin name %q is ambiguous: it matches %s", e.Name, strings.Join(e.Classes, ", "))
}

// Registry holds plugins by kind and name. The zero value is not usable;
// call New.
type Registry struct {
	mu      sync.RWMutex
	plugins []*Plugin
	// names maps every name (class and explicit aliases) to its plugins
	// per kind group; explicit names are unique within a kind group.
	exact map[string][]*Plugin
	// derived maps derived aliases to plugins (may be ambiguous).
	derived map[string][]*Plugin
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{exact: map[string][]*Plugin{}, derived: map[string][]*Plugin{}}
}

// Default is the process-wide registry plugins add themselves to at init.
var Default = New()

// Register adds p to the Default registry; see Registry.Register.
func Register(p Plugin) { Default.Register(p) }

// group puts kinds that share a namespace together: connectors (a source and
// a sink must not share a name) and converters (a class may be both a
// converter and a header converter).
func group(k Kind) string {
	switch k {
	case KindSource, KindSink:
		return "connector"
	case KindConverter, KindHeaderConverter:
		return "converter"
	}
	return string(k)
}

// Register adds p. It panics when p is malformed (no class, no constructor
// for its kind) or when its class or an explicit alias is already registered
// in the same namespace: both are programming errors found at init.
// A converter plugin that provides both Converter and HeaderConverter is
// registered once per kind under the same names.
func (r *Registry) Register(p Plugin) {
	if p.Class == "" {
		panic("plugins: plugin without a class name")
	}
	if !p.hasConstructor() {
		panic("plugins: " + p.Class + ": no constructor for kind " + string(p.Kind))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pp := &p
	names := append([]string{p.Class}, p.Aliases...)
	for _, n := range names {
		for _, other := range r.exact[n] {
			if other.Kind == p.Kind || (group(other.Kind) == group(p.Kind) && other.Class != p.Class) {
				panic(fmt.Sprintf("plugins: name %q of %s is already registered by %s", n, p.Class, other.Class))
			}
		}
	}
	for _, n := range uniq(names) {
		r.exact[n] = append(r.exact[n], pp)
	}
	for _, n := range derivedNames(p.Class, p.Kind) {
		if !contains(names, n) {
			r.derived[n] = append(r.derived[n], pp)
		}
	}
	r.plugins = append(r.plugins, pp)
}

func (p *Plugin) hasConstructor() bool {
	switch p.Kind {
	case KindSource:
		return p.NewSource != nil
	case KindSink:
		return p.NewSink != nil
	case KindConverter:
		return p.NewConverter != nil
	case KindHeaderConverter:
		return p.NewHeaderConverter != nil
	case KindTransformation:
		return p.NewTransformation != nil
	case KindPredicate:
		return p.NewPredicate != nil
	}
	return false
}

// derivedNames returns the simple name and the simple name cut at the type
// suffix (only when something remains).
func derivedNames(class string, k Kind) []string {
	simple := class
	if i := strings.LastIndexAny(simple, ".$"); i >= 0 && i < len(simple)-1 {
		simple = simple[i+1:]
	}
	out := []string{}
	if simple != class {
		out = append(out, simple)
	}
	for _, suf := range k.suffixes() {
		if i := strings.LastIndex(simple, suf); i > 0 {
			out = append(out, simple[:i])
			break
		}
	}
	return out
}

// Lookup finds the plugin of one of kinds (any kind when none is given) by
// class name or alias. It returns an error wrapping ErrNotFound, or an
// *AmbiguousError.
func (r *Registry) Lookup(name string, kinds ...Kind) (Plugin, error) {
	name = strings.TrimSpace(name)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, table := range []map[string][]*Plugin{r.exact, r.derived} {
		var found []*Plugin
		for _, p := range table[name] {
			if len(kinds) == 0 || containsKind(kinds, p.Kind) {
				found = append(found, p)
			}
		}
		switch {
		case len(found) == 1:
			return *found[0], nil
		case len(found) > 1:
			classes := make([]string, 0, len(found))
			for _, p := range found {
				if !contains(classes, p.Class) {
					classes = append(classes, p.Class)
				}
			}
			if len(classes) > 1 {
				sort.Strings(classes)
				return Plugin{}, &AmbiguousError{Name: name, Classes: classes}
			}
			return *found[0], nil
		}
	}
	return Plugin{}, fmt.Errorf("%w: %q (kinds %v)", ErrNotFound, name, kinds)
}

// LookupConnector finds a source or sink connector plugin.
func (r *Registry) LookupConnector(name string) (Plugin, error) {
	return r.Lookup(name, KindSource, KindSink)
}

// List returns the plugins of the given kinds (all when none), sorted by
// class name.
func (r *Registry) List(kinds ...Kind) []Plugin {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Plugin
	for _, p := range r.plugins {
		if len(kinds) == 0 || containsKind(kinds, p.Kind) {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Class != out[j].Class {
			return out[i].Class < out[j].Class
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// ConfigDef returns the plugin's configuration definition, or an empty one
// when the plugin declares none.
func (p Plugin) ConfigDef() *config.ConfigDef {
	if p.Config == nil {
		return config.NewConfigDef()
	}
	if d := p.Config(); d != nil {
		return d
	}
	return config.NewConfigDef()
}

// Names returns the class and the explicit aliases.
func (p Plugin) Names() []string { return append([]string{p.Class}, p.Aliases...) }

// NewConnector builds a connector of a source or sink plugin.
func (p Plugin) NewConnector() (connect.Connector, error) {
	switch {
	case p.Kind == KindSource && p.NewSource != nil:
		return p.NewSource(), nil
	case p.Kind == KindSink && p.NewSink != nil:
		return p.NewSink(), nil
	}
	return nil, fmt.Errorf("plugin %s is a %s, not a connector", p.Class, p.Kind)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsKind(list []Kind, k Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func uniq(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
