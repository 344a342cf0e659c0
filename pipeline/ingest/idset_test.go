package ingest

import (
	"fmt"
	"testing"
)

// TestIDSet adds ids with duplicates under the real hash and under hashes
// that collide (every id the same hash, or two buckets): every id's first
// row comes back, and no two different ids are taken for one another.
func TestIDSet(t *testing.T) {
	hashes := map[string]func(string) uint64{
		"maphash":      newIDSet().hash,
		"one bucket":   func(string) uint64 { return 7 },
		"two buckets":  func(id string) uint64 { return uint64(len(id) % 2) },
		"empty suffix": func(id string) uint64 { return uint64(len(id)) },
	}
	ids := []string{"a", "b", "a", "ab", "", "b", "ba", "ab", "c", "x", "c", "ba", "a", "abc"}
	for name, h := range hashes {
		t.Run(name, func(t *testing.T) {
			s := &idSet{hash: h, index: map[uint64]int32{}}
			firstRow := map[string]int{}
			for i, id := range ids {
				row := i + 2
				first, seen := s.add(id, row)
				want, wantSeen := firstRow[id]
				if seen != wantSeen || (seen && first != want) {
					t.Errorf("add(%q, %d) = %d, %v; want %d, %v", id, row, first, seen, want, wantSeen)
				}
				if !wantSeen {
					firstRow[id] = row
				}
			}
		})
	}
}

func BenchmarkIDSet(b *testing.B) {
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("2015-%07d", i)
	}
	b.ResetTimer()
	for range b.N {
		s := newIDSet()
		for i, id := range ids {
			s.add(id, i)
		}
	}
}
