package columnar

import (
	"bytes"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// TestLargeDictionaryColumns guards the work-around for arrow/go v15, which
// cannot write dictionary columns of more than 1024 rows without nulls
// through its direct dictionary path.
func TestLargeDictionaryColumns(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	s := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	codes := []string{"a", "b", "c"}
	mk := func(n int) arrow.Record {
		b := array.NewRecordBuilder(memory.DefaultAllocator, s)
		defer b.Release()
		db := b.Field(0).(*array.BinaryDictionaryBuilder)
		for i := 0; i < n; i++ {
			db.AppendString(codes[i%3])
		}
		return b.NewRecord()
	}
	for _, n := range []int{100, 1025, 65536} {
		var buf bytes.Buffer
		w, err := NewParquetWriter(&buf, s)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			r := mk(n)
			if err := w.Write(r); err != nil {
				t.Fatalf("n=%d batch %d: %v", n, i, err)
			}
			r.Release()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if f.NumRows() != int64(2*n) {
			t.Errorf("n=%d: %d rows read back", n, f.NumRows())
		}
		rows := make([]parquet.Row, 5)
		rr := f.RowGroups()[0].Rows()
		k, _ := rr.ReadRows(rows)
		rr.Close()
		for i := 0; i < k; i++ {
			if got := rows[i][0].String(); got != codes[i%3] {
				t.Errorf("n=%d row %d = %q, want %q", n, i, got, codes[i%3])
			}
		}
	}
}
