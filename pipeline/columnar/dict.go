package columnar

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Category is the Arrow type of repeated string columns in long datasets: a
// dictionary of strings (a pandas category). The writer stores such a column
// as its dictionary and indices, so a dataset of many millions of rows stays
// small and is written without hashing its strings again.
var Category = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// StringDict is an append-only dictionary of distinct strings, for building
// Category columns from indices. The zero value is empty and ready to use.
type StringDict struct {
	vals []string
	idx  map[string]int32
}

// Index returns the index of v, adding it when new; "" is null (-1).
func (d *StringDict) Index(v string) int32 {
	if v == "" {
		return -1
	}
	if i, ok := d.idx[v]; ok {
		return i
	}
	if d.idx == nil {
		d.idx = map[string]int32{}
	}
	i := int32(len(d.vals))
	d.idx[v] = i
	d.vals = append(d.vals, v)
	return i
}

// Len returns the number of values.
func (d *StringDict) Len() int { return len(d.vals) }

// Value returns the value at index i.
func (d *StringDict) Value(i int32) string { return d.vals[i] }

// Array returns the values as a string array; the caller releases it.
func (d *StringDict) Array(mem memory.Allocator) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues(d.vals, nil)
	return b.NewArray()
}

// NewCategory returns a Category array of the given indices (a negative
// index is null) over dict; the caller releases it. The array uses the
// memory of indices, which the caller must not change afterwards.
func NewCategory(indices []int32, dict arrow.Array) arrow.Array {
	idx := Int32s(indices)
	defer idx.Release()
	return array.NewDictionaryArray(Category, idx, dict)
}

// Int32s returns an Int32 array over vals (not copied; a negative value is
// null); the caller releases it and must not change vals afterwards.
func Int32s(vals []int32) arrow.Array {
	// One pass: the validity bitmap is made at the first null.
	var bits []byte
	nulls := 0
	for i, v := range vals {
		switch {
		case v < 0:
			if bits == nil {
				bits = make([]byte, bitutil.BytesForBits(int64(len(vals))))
				bitutil.SetBitsTo(bits, 0, int64(i), true)
			}
			nulls++
		case bits != nil:
			bits[i>>3] |= 1 << (i & 7)
		}
	}
	var bitmap *memory.Buffer
	if bits != nil {
		bitmap = memory.NewBufferBytes(bits)
	}
	data := array.NewData(arrow.PrimitiveTypes.Int32, len(vals),
		[]*memory.Buffer{bitmap, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(vals))}, nil, nulls, 0)
	defer data.Release()
	return array.NewInt32Data(data)
}

// DictIndices returns the indices of a dictionary array as int32, -1 for
// null, in buf (grown as needed): one typed pass, so that loops over a
// column need neither a type switch nor a null check per row.
func DictIndices(a *array.Dictionary, buf []int32) []int32 {
	n := a.Len()
	if cap(buf) < n {
		buf = make([]int32, n)
	}
	buf = buf[:n]
	switch idx := a.Indices().(type) {
	case *array.Int8:
		for i, v := range idx.Int8Values() {
			buf[i] = int32(v)
		}
	case *array.Int16:
		for i, v := range idx.Int16Values() {
			buf[i] = int32(v)
		}
	case *array.Int32:
		copy(buf, idx.Int32Values())
	default:
		for i := range buf {
			buf[i] = int32(a.GetValueIndex(i))
		}
	}
	if a.NullN() > 0 {
		for i := range buf {
			if a.IsNull(i) {
				buf[i] = -1
			}
		}
	}
	return buf
}
