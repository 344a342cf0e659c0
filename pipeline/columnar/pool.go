package columnar

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// poolAllocator is an Arrow allocator that reuses large buffers. arrow/go's
// Parquet writer allocates and frees its level, value and page buffers for
// every column of every row group; with Go's allocator each is a fresh large
// allocation, zeroed and later collected (a fifth of the writing time on
// wide files). Buffers from minPooled bytes up come from free lists per size
// class (powers of two; not sync.Pools, which the collector empties at every
// cycle) holding at most maxPooled bytes, and are zeroed on reuse, as the
// allocator contract asks; smaller ones are plain Go allocations. A buffer
// that is never freed is simply collected.
type poolAllocator struct {
	small  memory.GoAllocator
	mu     sync.Mutex
	free   [48][][]byte // by log2 of the capacity
	pooled int          // bytes in the free lists
}

const (
	minPooled = 64 << 10
	maxPooled = 128 << 20
)

// Pool is the pooled allocator of the pipeline, shared by the Parquet writer
// and the record batches of a build.
var Pool memory.Allocator = &poolAllocator{}

// writerAllocator allocates the Parquet writer's buffers (a variable for
// the test that compares it with Go's allocator).
var writerAllocator = Pool

var _ memory.Allocator = (*poolAllocator)(nil)

func class(size int) int { return bits.Len(uint(size - 1)) }

// Allocate returns a zeroed buffer of size bytes.
func (a *poolAllocator) Allocate(size int) []byte {
	if size < minPooled {
		return a.small.Allocate(size)
	}
	c := class(size)
	a.mu.Lock()
	var buf []byte
	if n := len(a.free[c]); n > 0 {
		buf, a.free[c] = a.free[c][n-1], a.free[c][:n-1]
		a.pooled -= cap(buf)
	}
	a.mu.Unlock()
	if buf != nil {
		// Only the first size bytes can be read; Reallocate zeroes what a
		// buffer grows into.
		buf = buf[:size]
		clear(buf)
		return buf
	}
	// Large Go allocations start on a page boundary: 64-byte aligned.
	return make([]byte, size, 1<<c)
}

// Reallocate resizes b to size bytes, keeping its contents; new bytes are zero.
func (a *poolAllocator) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		if size > len(b) {
			clear(b[len(b):size])
		}
		return b[:size]
	}
	nb := a.Allocate(size)
	copy(nb, b)
	a.Free(b)
	return nb
}

// Free returns a pooled buffer to its pool.
func (a *poolAllocator) Free(b []byte) {
	c := cap(b)
	if c < minPooled || c&(c-1) != 0 {
		return
	}
	a.mu.Lock()
	if a.pooled+c <= maxPooled {
		a.free[class(c)] = append(a.free[class(c)], b[:c])
		a.pooled += c
	}
	a.mu.Unlock()
}
