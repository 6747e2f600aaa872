package jsonconv

import (
	"sync"
	"sync/atomic"

	"github.com/onecconnect/onecconnect/schema"
)

// fieldKeys holds a struct schema's member names pre-encoded as JSON
// (`"name":`), concatenated; field i's key is enc[off[i]:off[i+1]].
type fieldKeys struct {
	enc []byte
	off []int
}

// keyCache maps *schema.Schema to *fieldKeys. Reads are lock-free; it stops
// growing at its limit (schemas.cache.size), after which uncached structs
// encode their member names on each use.
type keyCache struct {
	m     sync.Map
	n     atomic.Int64
	limit int64
}

func (k *keyCache) get(s *schema.Schema) *fieldKeys {
	if v, ok := k.m.Load(s); ok {
		return v.(*fieldKeys)
	}
	if k.n.Load() >= k.limit {
		return nil
	}
	fields := s.Fields()
	fk := &fieldKeys{off: make([]int, 0, len(fields)+1)}
	for _, f := range fields {
		fk.off = append(fk.off, len(fk.enc))
		fk.enc = appendString(fk.enc, f.Name)
		fk.enc = append(fk.enc, ':')
	}
	fk.off = append(fk.off, len(fk.enc))
	if _, loaded := k.m.LoadOrStore(s, fk); !loaded {
		k.n.Add(1)
	}
	return fk
}
