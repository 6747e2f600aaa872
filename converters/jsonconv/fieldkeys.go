package jsonconv

import (
	"sync"
	"sync/atomic"

	"github.com/onecconnect/onecconnect/schema"
)

// fieldKeys holds a struct schema's member names pre-encoded as JSON
// (`"name":`), concatenated; field i's key is enc[off[i]:off[i+1]].
// decimal holds the parsed scales of Decimal fields; size is FromConnect's
// output size for the schema's last records.
type fieldKeys struct {
	enc     []byte
	off     []int
	decimal []decimalField // by field index
	size    sizeHint
}

// decimalField marks a Decimal field whose scale parameter parses.
type decimalField struct {
	ok    bool
	scale int32
}

// sizeHint tracks the encoded size of a schema's records so that
// FromConnect can allocate the output once, at about the right size. It
// is safe for concurrent use.
type sizeHint struct {
	n atomic.Int64
}

// defaultCapacity is the first allocation for a schema not seen before.
const defaultCapacity = 256

// capacity returns the size to allocate for the next record: the last
// size noted plus a little slack for values that vary in length.
func (h *sizeHint) capacity() int {
	n := int(h.n.Load())
	if n == 0 {
		return defaultCapacity
	}
	return n + n/16 + 32
}

// observe notes a record's encoded size. It stores only when the size
// leaves the band the current hint serves well, so that a steady stream of
// similar records does not write the shared word at all.
func (h *sizeHint) observe(size int) {
	n := int(h.n.Load())
	if size > n || size < n-n/4 {
		h.n.Store(int64(size))
	}
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
	fk := &fieldKeys{off: make([]int, 0, len(fields)+1), decimal: make([]decimalField, len(fields))}
	for i, f := range fields {
		fk.off = append(fk.off, len(fk.enc))
		fk.enc = appendString(fk.enc, f.Name)
		fk.enc = append(fk.enc, ':')
		if f.Schema.Logical() == schema.LogicalDecimal {
			if scale, err := f.Schema.Scale(); err == nil {
				fk.decimal[i] = decimalField{ok: true, scale: scale}
			}
		}
	}
	fk.off = append(fk.off, len(fk.enc))
	if _, loaded := k.m.LoadOrStore(s, fk); !loaded {
		k.n.Add(1)
	}
	return fk
}
