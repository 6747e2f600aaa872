package jsonconv

import "sync"

// lru is a bounded least-recently-used cache safe for concurrent use
// (Kafka's SynchronizedCache over an LRUCache). A capacity of 0 caches
// nothing.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	cap   int
	items map[K]*lruEntry[K, V]
	head  lruEntry[K, V] // sentinel: head.next is the most recent
}

type lruEntry[K comparable, V any] struct {
	key        K
	val        V
	prev, next *lruEntry[K, V]
}

func newLRU[K comparable, V any](capacity int) *lru[K, V] {
	c := &lru[K, V]{cap: capacity, items: make(map[K]*lruEntry[K, V])}
	c.head.next, c.head.prev = &c.head, &c.head
	return c
}

func (c *lru[K, V]) unlink(e *lruEntry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *lru[K, V]) pushFront(e *lruEntry[K, V]) {
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
}

// get returns the cached value and marks it recently used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	e, ok := c.items[k]
	if !ok {
		c.mu.Unlock()
		var zero V
		return zero, false
	}
	if c.head.next != e {
		c.unlink(e)
		c.pushFront(e)
	}
	v := e.val
	c.mu.Unlock()
	return v, true
}

// put stores a value, evicting the least recently used entry when full.
func (c *lru[K, V]) put(k K, v V) {
	if c.cap <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.val = v
		c.unlink(e)
		c.pushFront(e)
		return
	}
	if len(c.items) >= c.cap {
		old := c.head.prev
		c.unlink(old)
		delete(c.items, old.key)
	}
	e := &lruEntry[K, V]{key: k, val: v}
	c.items[k] = e
	c.pushFront(e)
}

// len returns the number of cached entries.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
