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
// wide files). Buffers from minPooled bytes up come from per-size-class
// pools (powers of two) and are zeroed on reuse, as the allocator contract
// asks; smaller ones are plain Go allocations. A buffer that is never freed
// is simply collected.
type poolAllocator struct {
	small memory.GoAllocator
	pools [48]sync.Pool // by log2 of the capacity
}

const minPooled = 64 << 10

// writerAllocator allocates the Parquet writer's buffers (a variable for
// the test that compares it with Go's allocator).
var writerAllocator memory.Allocator = &poolAllocator{}

var _ memory.Allocator = (*poolAllocator)(nil)

func class(size int) int { return bits.Len(uint(size - 1)) }

// Allocate returns a zeroed buffer of size bytes.
func (a *poolAllocator) Allocate(size int) []byte {
	if size < minPooled {
		return a.small.Allocate(size)
	}
	c := class(size)
	if p, ok := a.pools[c].Get().(*[]byte); ok {
		// Only the first size bytes can be read; Reallocate zeroes what a
		// buffer grows into.
		buf := (*p)[:size]
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
	b = b[:c]
	a.pools[class(c)].Put(&b)
}
