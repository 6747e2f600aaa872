package config

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Provider supplies values for config-provider references (Kafka's
// ConfigProvider). Get returns the values of keys found at path; a key it
// does not have is simply absent from the result (the Resolver reports it).
// An error means the whole path failed (unreadable file, bad path). Get must
// honour ctx and be safe for concurrent use; its errors must not contain
// secret values.
type Provider interface {
	Get(ctx context.Context, path string, keys []string) (map[string]string, error)
}

// referencePattern is Kafka's ConfigTransformer pattern:
// ${provider:[path:]key}. Names are matched lazily, so in
// ${file:/a/b.properties:k} the path is /a/b.properties.
var referencePattern = regexp.MustCompile(`\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}`)

// Reference is one ${provider:path:key} occurrence in a value.
type Reference struct {
	Text     string // as written, e.g. ${env:DB_PASSWORD}
	Provider string
	Path     string // empty for ${provider:key}
	Key      string
}

// References returns the references in value, in order.
func References(value string) []Reference {
	var out []Reference
	for _, m := range referencePattern.FindAllStringSubmatch(value, -1) {
		out = append(out, Reference{Text: m[0], Provider: m[1], Path: m[2], Key: m[3]})
	}
	return out
}

// Resolver replaces config-provider references in property values with the
// values the providers give. Stored configurations keep the references:
// resolve at use time and never write the result back. A Resolver is
// immutable and safe for concurrent use.
type Resolver struct {
	providers map[string]Provider
	ignore    map[string]bool
}

// ResolverOption configures a Resolver.
type ResolverOption func(*Resolver)

// IgnoreProviders makes references to the named providers literal text:
// they are left as written instead of being an unknown-provider error. Use
// it for placeholder syntaxes that look like references, such as the
// ${field:Name} placeholder of topic templates.
func IgnoreProviders(names ...string) ResolverOption {
	return func(r *Resolver) {
		for _, n := range names {
			r.ignore[n] = true
		}
	}
}

// NewResolver returns a resolver with the given providers by name (the
// "env" in ${env:NAME}). The map is copied.
func NewResolver(providers map[string]Provider, opts ...ResolverOption) *Resolver {
	r := &Resolver{providers: maps.Clone(providers), ignore: map[string]bool{}}
	if r.providers == nil {
		r.providers = map[string]Provider{}
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// DefaultResolver returns the worker's standard resolver: "env"
// (environment variables, [EnvProvider]), "file" (keys of a Java .properties
// file, [FileProvider]) and "directory" (one file per key,
// [DirectoryProvider]), with references to the "field" provider ignored
// because ${field:Name} is the topic-template placeholder.
func DefaultResolver() *Resolver {
	return NewResolver(map[string]Provider{
		"env":       EnvProvider{},
		"file":      FileProvider{},
		"directory": DirectoryProvider{},
	}, IgnoreProviders("field"))
}

// Resolve returns a copy of props with every reference replaced. Every
// reference that cannot be resolved (unknown provider, missing key, a
// provider error) is reported as a *ResolveError naming the configuration
// key; all of them are joined into the returned error, sorted by key, and
// the map is then nil. A nil Resolver returns props unchanged (copied).
func (r *Resolver) Resolve(ctx context.Context, props map[string]string) (map[string]string, error) {
	resolved, failed := r.resolve(ctx, props)
	if len(failed) == 0 {
		return resolved, nil
	}
	keys := slices.Sorted(maps.Keys(failed))
	var errs []error
	for _, k := range keys {
		for _, e := range failed[k] {
			errs = append(errs, e)
		}
	}
	return nil, errors.Join(errs...)
}

// resolveEach is Resolve with the failures as messages per key, for
// ConfigDef.ParseWith and ValidateWith. Failed keys keep their text.
func (r *Resolver) resolveEach(ctx context.Context, props map[string]string) (map[string]string, map[string][]string) {
	resolved, failed := r.resolve(ctx, props)
	msgs := make(map[string][]string, len(failed))
	for k, errs := range failed {
		for _, e := range errs {
			msgs[k] = append(msgs[k], e.Error())
		}
	}
	return resolved, msgs
}

type lookupKey struct{ provider, path string }

func (r *Resolver) resolve(ctx context.Context, props map[string]string) (map[string]string, map[string][]*ResolveError) {
	out := copyMap(props)
	if r == nil {
		return out, nil
	}
	// Gather the keys wanted per (provider, path), so each is asked once.
	wanted := map[lookupKey]map[string]bool{}
	for _, v := range props {
		for _, ref := range References(v) {
			if r.ignore[ref.Provider] {
				continue
			}
			if _, ok := r.providers[ref.Provider]; !ok {
				continue
			}
			lk := lookupKey{ref.Provider, ref.Path}
			if wanted[lk] == nil {
				wanted[lk] = map[string]bool{}
			}
			wanted[lk][ref.Key] = true
		}
	}
	type answer struct {
		data map[string]string
		err  error
	}
	answers := make(map[lookupKey]answer, len(wanted))
	lks := slices.SortedFunc(maps.Keys(wanted), func(a, b lookupKey) int {
		return strings.Compare(a.provider+"\x00"+a.path, b.provider+"\x00"+b.path)
	})
	for _, lk := range lks {
		if err := ctx.Err(); err != nil {
			answers[lk] = answer{err: err}
			continue
		}
		data, err := r.providers[lk.provider].Get(ctx, lk.path, slices.Sorted(maps.Keys(wanted[lk])))
		answers[lk] = answer{data, err}
	}

	failed := map[string][]*ResolveError{}
	for k, v := range props {
		refs := References(v)
		if len(refs) == 0 {
			continue
		}
		var errs []*ResolveError
		val := referencePattern.ReplaceAllStringFunc(v, func(text string) string {
			m := referencePattern.FindStringSubmatch(text)
			ref := Reference{Text: m[0], Provider: m[1], Path: m[2], Key: m[3]}
			if r.ignore[ref.Provider] {
				return text
			}
			if _, ok := r.providers[ref.Provider]; !ok {
				errs = append(errs, &ResolveError{Key: k, Reference: text,
					Err: fmt.Errorf("%w %q (known: %s)", ErrUnknownProvider, ref.Provider, strings.Join(r.names(), ", "))})
				return text
			}
			a := answers[lookupKey{ref.Provider, ref.Path}]
			if a.err != nil {
				errs = append(errs, &ResolveError{Key: k, Reference: text, Err: a.err})
				return text
			}
			s, ok := a.data[ref.Key]
			if !ok {
				where := ""
				if ref.Path != "" {
					where = " in " + ref.Path
				}
				errs = append(errs, &ResolveError{Key: k, Reference: text,
					Err: fmt.Errorf("%w: key %q not found%s", ErrNotFound, ref.Key, where)})
				return text
			}
			return s
		})
		if len(errs) > 0 {
			failed[k] = errs
			continue
		}
		out[k] = val
	}
	return out, failed
}

func (r *Resolver) names() []string {
	names := make([]string, 0, len(r.providers))
	for n := range r.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
