package connecttest

import (
	"sync"

	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Registry returns a Spec.Plugins function: each call makes a fresh
// registry holding ps.
func Registry(ps ...plugins.Plugin) func() *plugins.Registry {
	return func() *plugins.Registry {
		r := plugins.New()
		for _, p := range ps {
			r.Register(p)
		}
		return r
	}
}

// PerEnv gives each scenario environment its own value (a database, a
// fake server): the first call for an env makes it with newFor, later
// calls return the same one. It is safe for concurrent use.
func PerEnv[T any](newFor func(env *Env) T) func(env *Env) T {
	var mu sync.Mutex
	made := map[*Env]T{}
	return func(env *Env) T {
		mu.Lock()
		defer mu.Unlock()
		if v, ok := made[env]; ok {
			return v
		}
		v := newFor(env)
		made[env] = v
		return v
	}
}
