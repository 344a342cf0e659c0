package ingest

import "hash/maphash"

// idSet is the set of respondent ids seen so far, each with the file row it
// was first seen at. A million ids as a map[string]int cost about 70 MiB
// and a million pointers for the garbage collector to follow at every
// cycle; here the ids lie one after the other in one byte slice and a map
// from their 64-bit hashes gives their position, so nothing holds a
// pointer. Two different ids with the same hash are told apart by their
// bytes: the later one goes to a small map of its own.
type idSet struct {
	hash  func(string) uint64
	index map[uint64]int32 // hash of an id -> its position in ends and rows
	bytes []byte           // the ids, one after the other
	ends  []int            // where each id ends in bytes
	rows  []int32          // the row each id was first seen at
	other map[string]int   // ids whose hash is another id's
}

func newIDSet() *idSet {
	seed := maphash.MakeSeed()
	return &idSet{hash: func(id string) uint64 { return maphash.String(seed, id) }, index: map[uint64]int32{}}
}

// add records id as seen at row, unless it was seen before: then it returns
// the row of its first occurrence and true.
func (s *idSet) add(id string, row int) (first int, seen bool) {
	h := s.hash(id)
	p, ok := s.index[h]
	if !ok {
		s.index[h] = int32(len(s.rows))
		s.bytes = append(s.bytes, id...)
		s.ends = append(s.ends, len(s.bytes))
		s.rows = append(s.rows, int32(row))
		return 0, false
	}
	start := 0
	if p > 0 {
		start = s.ends[p-1]
	}
	if string(s.bytes[start:s.ends[p]]) == id {
		return int(s.rows[p]), true
	}
	// A hash collision: another id had this hash first.
	if r, ok := s.other[id]; ok {
		return r, true
	}
	if s.other == nil {
		s.other = map[string]int{}
	}
	s.other[string([]byte(id))] = row // a copy: id is a window of a whole CSV line
	return 0, false
}
