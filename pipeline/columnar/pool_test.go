package columnar

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// The pooled allocator reuses buffers that held other data: files written
// with it, again and again, are byte-identical to files written with Go's
// allocator (fresh, zeroed buffers).
func TestPoolAllocatorWritesIdenticalFiles(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String},
		{Name: "d", Type: dt, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	write := func(seed, rows int) []byte {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		for i := 0; i < rows; i++ {
			k := i*7 + seed
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("r%07d", i))
			if k%5 == 0 {
				b.Field(1).AppendNull()
				b.Field(2).AppendNull()
				b.Field(3).AppendNull()
				b.Field(4).AppendNull()
				continue
			}
			b.Field(1).(*array.BinaryDictionaryBuilder).AppendString([]string{"a", "b", "c"}[k%3])
			b.Field(2).(*array.BooleanBuilder).Append(k%2 == 0)
			b.Field(3).(*array.Int32Builder).Append(int32(k))
			lb := b.Field(4).(*array.ListBuilder)
			lb.Append(true)
			for j := 0; j < k%4; j++ {
				lb.ValueBuilder().(*array.StringBuilder).Append([]string{"x", "y", "z", "w"}[j])
			}
		}
		rec := b.NewRecord()
		defer rec.Release()
		data, err := EncodeParquetRecords(schema, []arrow.Record{rec, rec}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	defer func(old memory.Allocator) { writerAllocator = old }(writerAllocator)
	for _, rows := range []int{100, 70000} {
		var want [][]byte
		writerAllocator = memory.NewGoAllocator()
		for seed := range 3 {
			want = append(want, write(seed, rows))
		}
		writerAllocator = &poolAllocator{}
		for round := range 2 {
			for seed := range 3 {
				if got := write(seed, rows); !bytes.Equal(got, want[seed]) {
					t.Errorf("%d rows, seed %d, round %d: the pooled allocator wrote a different file", rows, seed, round)
				}
			}
		}
	}
}

func TestPoolAllocatorZeroes(t *testing.T) {
	a := &poolAllocator{}
	for _, size := range []int{10, minPooled, minPooled + 1, 3 * minPooled} {
		b := a.Allocate(size)
		for i := range b {
			b[i] = 0xff
		}
		a.Free(b)
		c := a.Allocate(size)
		if len(c) != size || bytes.ContainsFunc(c, func(r rune) bool { return r != 0 }) {
			t.Errorf("Allocate(%d) after Free: not %d zero bytes", size, size)
		}
		c = a.Reallocate(2*size, c)
		if len(c) != 2*size || bytes.ContainsFunc(c, func(r rune) bool { return r != 0 }) {
			t.Errorf("Reallocate(%d): not %d zero bytes", 2*size, 2*size)
		}
		a.Free(c)
	}
}
