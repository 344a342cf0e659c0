package columnar

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

// TestLargeDictionaryColumns guards the work-around for arrow/go v15, whose
// direct dictionary path slices the indices wrongly once it splits a record
// into batches (past 1024 rows): the writer writes each record in one batch,
// and records over maxWriteRows as several row groups. Every value is read
// back by parquet-go, with and without nulls.
func TestLargeDictionaryColumns(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	s := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	codes := []string{"a", "b", "c"}
	want := func(i int, nulls bool) string {
		if nulls && i%7 == 3 {
			return ""
		}
		return codes[i%3]
	}
	mk := func(n int, nulls bool) arrow.Record {
		b := array.NewRecordBuilder(memory.DefaultAllocator, s)
		defer b.Release()
		db := b.Field(0).(*array.BinaryDictionaryBuilder)
		for i := 0; i < n; i++ {
			if v := want(i, nulls); v == "" {
				db.AppendNull()
			} else {
				db.AppendString(v)
			}
		}
		return b.NewRecord()
	}
	defer func(old int64) { maxWriteRows = old }(maxWriteRows)
	for _, tc := range []struct {
		n     int
		nulls bool
		max   int64
	}{
		{100, false, 1 << 22}, {1025, false, 1 << 22}, {65536, false, 1 << 22},
		{100, true, 1 << 22}, {1025, true, 1 << 22}, {65536, true, 1 << 22},
		{65536, true, 10000}, {65536, false, 10000},
	} {
		maxWriteRows = tc.max
		var buf bytes.Buffer
		w, err := NewParquetWriter(&buf, s)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			r := mk(tc.n, tc.nulls)
			if err := w.Write(r); err != nil {
				t.Fatalf("%+v batch %d: %v", tc, i, err)
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
		if f.NumRows() != int64(2*tc.n) {
			t.Errorf("%+v: %d rows read back", tc, f.NumRows())
		}
		i, bad := 0, 0
		rows := make([]parquet.Row, 4096)
		for _, rg := range f.RowGroups() {
			if rg.NumRows() > tc.max {
				t.Errorf("%+v: row group of %d rows", tc, rg.NumRows())
			}
			rr := rg.Rows()
			for {
				k, err := rr.ReadRows(rows)
				for _, row := range rows[:k] {
					w := want(i%tc.n, tc.nulls)
					if got := row[0]; got.IsNull() != (w == "") || (!got.IsNull() && got.String() != w) {
						if bad++; bad < 5 {
							t.Errorf("%+v: row %d = %v, want %q", tc, i, got, w)
						}
					}
					i++
				}
				if err != nil {
					break
				}
			}
			rr.Close()
		}
		if i != 2*tc.n {
			t.Errorf("%+v: read %d rows", tc, i)
		}
	}
}

// TestReadParquetManyRowGroups reads back, through ReadParquet, a file of
// several row groups whose dictionary column arrow/go v15 cannot read as a
// dictionary ("not implemented" at 100k respondents): it arrives as strings.
func TestReadParquetManyRowGroups(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	s := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	codes := []string{"inhouse", "outsourced", "half", ""}
	path := filepath.Join(t.TempDir(), "x.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewParquetWriter(f, s)
	if err != nil {
		t.Fatal(err)
	}
	const batches, rows = 7, 16384
	for k := 0; k < batches; k++ {
		b := array.NewRecordBuilder(memory.DefaultAllocator, s)
		db := b.Field(0).(*array.BinaryDictionaryBuilder)
		for i := 0; i < rows; i++ {
			if c := codes[(i+k)%4]; c == "" {
				db.AppendNull()
			} else {
				db.AppendString(c)
			}
		}
		r := b.NewRecord()
		b.Release()
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	n, nulls := 0, 0
	err = ReadParquet(path, 10000, func(r arrow.Record) error {
		col := r.Column(0).(*array.String)
		for i := 0; i < col.Len(); i++ {
			if col.IsNull(i) {
				nulls++
			}
		}
		n += int(r.NumRows())
		return nil
	})
	if err != nil || n != batches*rows || nulls != batches*rows/4 {
		t.Errorf("read %d rows (%d null), err %v; want %d rows, %d null", n, nulls, err, batches*rows, batches*rows/4)
	}
}
