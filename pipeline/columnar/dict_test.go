package columnar

import (
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestCategory(t *testing.T) {
	var d StringDict
	for _, v := range []string{"b", "a", "b", ""} {
		d.Index(v)
	}
	if d.Len() != 2 || d.Value(0) != "b" || d.Index("a") != 1 || d.Index("") != -1 {
		t.Fatalf("dictionary %v", d.vals)
	}
	dict := d.Array(memory.DefaultAllocator)
	defer dict.Release()
	arr := NewCategory([]int32{1, -1, 0, 1}, dict).(*array.Dictionary)
	defer arr.Release()
	want := []string{"a", "-", "b", "a"}
	for i, w := range want {
		got := "-"
		if arr.IsValid(i) {
			got = arr.Dictionary().(*array.String).Value(arr.GetValueIndex(i))
		}
		if got != w {
			t.Errorf("row %d = %q, want %q", i, got, w)
		}
	}
	if arr.NullN() != 1 {
		t.Errorf("%d nulls, want 1", arr.NullN())
	}
}

func TestDictIndices(t *testing.T) {
	for _, it := range []arrow.DataType{arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64} {
		dt := &arrow.DictionaryType{IndexType: it, ValueType: arrow.BinaryTypes.String}
		b := array.NewDictionaryBuilder(memory.DefaultAllocator, dt).(*array.BinaryDictionaryBuilder)
		for _, v := range []string{"a", "", "b", "a", ""} {
			if v == "" {
				b.AppendNull()
			} else if err := b.AppendString(v); err != nil {
				t.Fatal(err)
			}
		}
		arr := b.NewArray().(*array.Dictionary)
		got := DictIndices(arr, make([]int32, 1))
		want := []int32{0, -1, 1, 0, -1}
		if !slices.Equal(got, want) {
			t.Errorf("%s indices: %v, want %v", it, got, want)
		}
		arr.Release()
		b.Release()
	}
}

func TestInt32s(t *testing.T) {
	for _, vals := range [][]int32{nil, {3}, {-1}, {0, 1, 2, 3, 4, 5, 6, 7, 8, -1, 10}, {-1, 2, -1, 4}} {
		in := slices.Clone(vals)
		arr := Int32s(in).(*array.Int32)
		nulls := 0
		for i, v := range vals {
			if v < 0 {
				nulls++
				if arr.IsValid(i) {
					t.Errorf("%v: row %d valid, want null", vals, i)
				}
			} else if !arr.IsValid(i) || arr.Value(i) != v {
				t.Errorf("%v: row %d = %v (valid %v), want %d", vals, i, arr.Value(i), arr.IsValid(i), v)
			}
		}
		if arr.Len() != len(vals) || arr.NullN() != nulls {
			t.Errorf("%v: len %d nulls %d", vals, arr.Len(), arr.NullN())
		}
		arr.Release()
	}
}
