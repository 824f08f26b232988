package dedup

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
)

// maxChunk is the most bytes a chunk of keys holds; a longer key gets a
// chunk of its own. A smaller byte bound makes smaller chunks, at least 16
// to the bound, so that the byte bound forgets at most a sixteenth of the
// keys at once.
const maxChunk = 64 << 10

// maxCacheBytes bounds WithMaxKeyBytes, so that the chunk directory stays small.
const maxCacheBytes = 1 << 30

// lenPrefix is the size of the length written before each key's bytes.
const lenPrefix = 4

// cache remembers keys, exactly and in bounded memory: at most maxKeys
// keys, kept in chunks of at most maxBytes in all, the oldest forgotten
// first.
//
// Each key gets the next sequence number; the keys remembered are those
// from oldest to next. A key's bytes go, after their length, into the
// newest chunk, and the ring maps its sequence number to where they are.
// Forgetting the oldest key is moving oldest on (its chunk goes once none
// of its keys is left); the key's slot in the table goes stale and is
// taken by a later insert or dropped when the table is rebuilt, so an
// eviction touches nothing but the ring. The table maps a key's 64-bit hash
// (hash/maphash, a seed per cache) to its sequence number by open
// addressing with linear probing: a slot is one word, the hash's high half
// and the sequence number, and a hit compares the key's stored bytes with
// the key. Two different keys are never confused, whatever their hashes.
// Nothing here holds a pointer per key, so the garbage collector does not
// scan the keys, and an insert allocates nothing but the odd chunk or
// table.
//
// A key costs its own bytes (logger name, message and fields, with a byte
// or two of length and type each) plus 52: the 4-byte length, a 16-byte
// ring entry (where the bytes are, and the hash) and four 8-byte slots of
// the hash table (rebuilt a quarter full, rebuilt again at half). A full
// cache of typical keys (a 20-byte logger name and a 40-byte message:
// 62-byte keys, 116 bytes each in all) takes 7.3 MiB; whatever the keys, at
// most DefaultMaxKeyBytes + DefaultCap × 48 bytes, 11 MiB. Those are the live
// bytes after a garbage collection: a rebuild briefly holds two tables, and
// chunks and tables let go wait for the collector. Chunks of 64 KiB are
// never reused; the collector takes one once all its keys are forgotten.
// Lookups take no lock and write nothing shared, so goroutines repeating a
// suppressed line do not contend; inserts take the mutex, and forgetting a
// key touches only the ring.
//
// Lookups take no lock. Every byte a lookup can read was written before
// the atomic store that published it and is never written again (a freed
// chunk is left to the garbage collector, not reused). A lookup racing
// with inserts can miss a key that is there (the caller's next step, an
// insert, decides under the lock), and can find a key just forgotten, but
// cannot find one that was never inserted, since it finds only bytes equal
// to its own key's. Inserts and evictions are serialised by mu.
type cache struct {
	seed   maphash.Seed
	mask   uint64 // the hash bits kept: all, but in tests that force collisions
	table  atomic.Pointer[table]
	ring   atomic.Pointer[ring]
	oldest atomic.Uint32           // sequence number of the oldest key remembered
	dir    []atomic.Pointer[chunk] // chunk seq % len(dir) -> chunk

	mu        sync.Mutex
	next      uint32   // sequence number of the next key
	hashes    []uint64 // the keys' hashes, indexed like ring.locs
	chunks    []*chunk // the live chunks, oldest first
	tailUsed  int      // bytes used in the newest chunk
	liveBytes int      // the live chunks' sizes
	nextChunk uint32
	chunkSize int
	maxKeys   int
	maxBytes  int
}

type chunk struct {
	seq  uint32
	b    []byte
	last uint32 // sequence number of its newest key; written under cache.mu
}

// ring maps a key's sequence number (masked) to its location: chunk seq <<
// 32 | offset. Its words are read and written atomically.
type ring struct {
	locs []uint64
	mask uint32
}

// table is an open-addressing hash table of words hash>>32<<32 | sequence
// number, 0 for an empty slot. Once published its words are read and
// written atomically.
type table struct {
	slots []uint64
	mask  uint64
	used  int // non-empty slots; written under cache.mu only
}

func newCache(maxKeys, maxBytes int) *cache {
	maxBytes = min(maxBytes, maxCacheBytes)
	chunkSize := max(min(maxChunk, maxBytes/16), 1)
	dir := 4
	for dir < maxBytes/chunkSize+2 {
		dir *= 2
	}
	return &cache{
		seed:      maphash.MakeSeed(),
		mask:      math.MaxUint64,
		dir:       make([]atomic.Pointer[chunk], dir),
		chunkSize: chunkSize,
		maxKeys:   maxKeys,
		maxBytes:  maxBytes,
	}
}

// tagOf is the high half of a hash as a slot holds it, never 0.
func tagOf(h uint64) uint64 {
	if t := h >> 32; t != 0 {
		return t << 32
	}
	return 1 << 32
}

// live reports whether sequence number seq is remembered, given oldest: it
// is at most 2^31 behind, as every seq a table holds is (tables are rebuilt
// long before).
func live(seq, oldest uint32) bool { return int32(seq-oldest) >= 0 }

// seen reports whether key is remembered.
func (c *cache) seen(key []byte) bool { return c.lookup(c.hash(key), key) }

// hash is key's hash, maphash's with c.mask's bits. A method, not a
// function value, so that key stays where the caller made it.
func (c *cache) hash(key []byte) uint64 { return maphash.Bytes(c.seed, key) & c.mask }

func (c *cache) lookup(h uint64, key []byte) bool {
	t := c.table.Load()
	if t == nil {
		return false
	}
	r := c.ring.Load()
	oldest := c.oldest.Load()
	tag := tagOf(h)
	i := h & t.mask
	for range t.slots {
		w := atomic.LoadUint64(&t.slots[i])
		if w == 0 {
			return false
		}
		if w&^0xffffffff == tag {
			seq := uint32(w)
			if live(seq, oldest) && c.equalAt(atomic.LoadUint64(&r.locs[seq&r.mask]), key) {
				return true
			}
		}
		i = (i + 1) & t.mask
	}
	return false
}

// equalAt reports whether the key stored at loc is key. A chunk freed since
// loc was read is not there to compare.
func (c *cache) equalAt(loc uint64, key []byte) bool {
	seq := uint32(loc >> 32)
	ch := c.dir[int(seq)&(len(c.dir)-1)].Load()
	if ch == nil || ch.seq != seq {
		return false
	}
	b := ch.b[uint32(loc):]
	n := binary.LittleEndian.Uint32(b)
	return int(n) == len(key) && bytes.Equal(b[lenPrefix:lenPrefix+n], key)
}

// insert remembers key and reports whether it was new: of two goroutines
// inserting the same key at once, exactly one is told it was. A key longer
// than the byte bound allows is not remembered and is always new.
func (c *cache) insert(key []byte) bool {
	h := c.hash(key)
	if c.lookup(h, key) {
		return false
	}
	if lenPrefix+len(key) > c.maxBytes {
		return true
	}
	c.mu.Lock()
	if c.lookup(h, key) {
		c.mu.Unlock()
		return false
	}
	for c.len() >= c.maxKeys {
		c.evictOldest()
	}
	loc := c.store(key)
	seq := c.next
	c.ringPut(seq, h, loc)
	c.next++
	c.tableInsert(h, seq)
	c.mu.Unlock()
	return true
}

// len is the number of keys remembered; c.mu is held.
func (c *cache) len() int { return int(c.next - c.oldest.Load()) }

// count is len for those that do not hold c.mu.
func (c *cache) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.len()
}

// store writes key into the newest chunk, or a new one, forgetting the
// oldest keys while the chunks would pass maxBytes, and returns its
// location; c.mu is held.
func (c *cache) store(key []byte) uint64 {
	need := lenPrefix + len(key)
	if len(c.chunks) == 0 || c.tailUsed+need > len(c.chunks[len(c.chunks)-1].b) {
		size := max(c.chunkSize, need)
		for c.liveBytes+size > c.maxBytes && c.len() > 0 {
			c.evictOldest()
		}
		ch := &chunk{seq: c.nextChunk, b: make([]byte, size)}
		c.nextChunk++
		c.dir[int(ch.seq)&(len(c.dir)-1)].Store(ch)
		c.chunks = append(c.chunks, ch)
		c.liveBytes += size
		c.tailUsed = 0
	}
	ch := c.chunks[len(c.chunks)-1]
	off := c.tailUsed
	binary.LittleEndian.PutUint32(ch.b[off:], uint32(len(key)))
	copy(ch.b[off+lenPrefix:], key)
	c.tailUsed += need
	ch.last = c.next
	return uint64(ch.seq)<<32 | uint64(off)
}

// evictOldest forgets the oldest key, and frees the chunks none of whose
// keys is left; c.mu is held and a key is remembered.
func (c *cache) evictOldest() {
	oldest := c.oldest.Load() + 1
	c.oldest.Store(oldest)
	empty := c.next == oldest
	for len(c.chunks) > 0 && (empty || !live(c.chunks[0].last, oldest)) {
		ch := c.chunks[0]
		c.dir[int(ch.seq)&(len(c.dir)-1)].Store(nil)
		c.liveBytes -= len(ch.b)
		c.chunks[0] = nil
		c.chunks = c.chunks[1:]
	}
	if len(c.chunks) == 0 {
		c.chunks = nil
	}
}

// ringPut records where key seq is, growing the ring (a new one, published
// whole) up to the power of two that holds maxKeys; c.mu is held.
func (c *cache) ringPut(seq uint32, h, loc uint64) {
	r := c.ring.Load()
	if r == nil || c.len() == len(r.locs) {
		size := 64
		if r != nil {
			size = 2 * len(r.locs)
		}
		nr := &ring{locs: make([]uint64, size), mask: uint32(size - 1)}
		hashes := make([]uint64, size)
		// Unpublished: plain stores.
		for s := c.oldest.Load(); s != c.next; s++ {
			nr.locs[s&nr.mask] = atomic.LoadUint64(&r.locs[s&r.mask])
			hashes[s&nr.mask] = c.hashes[s&r.mask]
		}
		nr.locs[seq&nr.mask] = loc
		hashes[seq&nr.mask] = h
		c.hashes = hashes
		c.ring.Store(nr)
		return
	}
	c.hashes[seq&r.mask] = h
	atomic.StoreUint64(&r.locs[seq&r.mask], loc)
}

// tableInsert adds key seq, taking the first slot on its probe path that
// is empty or stale. When half the slots are taken it rebuilds the table
// instead (a new one, published whole) from the live keys alone, a quarter
// full at most; c.mu is held.
func (c *cache) tableInsert(h uint64, seq uint32) {
	t := c.table.Load()
	if t == nil || 2*(t.used+1) > len(t.slots) {
		c.rebuild()
		return
	}
	oldest := c.oldest.Load()
	i := h & t.mask
	for {
		w := t.slots[i] // only this goroutine writes
		if w == 0 {
			t.used++
			break
		}
		if !live(uint32(w), oldest) {
			break
		}
		i = (i + 1) & t.mask
	}
	atomic.StoreUint64(&t.slots[i], tagOf(h)|uint64(seq))
}

// rebuild publishes a new table of the live keys; c.mu is held.
func (c *cache) rebuild() {
	oldest := c.oldest.Load()
	n := int(c.next - oldest)
	size := 64
	for size < 4*n {
		size *= 2
	}
	t := &table{slots: make([]uint64, size), mask: uint64(size - 1), used: n}
	mask := uint32(len(c.hashes) - 1)
	for s := oldest; s != c.next; s++ {
		h := c.hashes[s&mask]
		i := h & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = tagOf(h) | uint64(s)
	}
	c.table.Store(t)
}
