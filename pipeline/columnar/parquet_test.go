package columnar

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

func TestPartitionPath(t *testing.T) {
	got := PartitionPath("processed", "codebook", 2015)
	if want := filepath.Join("processed", "codebook", "year=2015", "part-0.parquet"); got != want {
		t.Errorf("PartitionPath = %q, want %q", got, want)
	}
}

// TestEncodeParquetDeterministicAndSelfDescribing: the same record gives the
// same bytes, and the stored Arrow schema brings back field metadata.
func TestEncodeParquetDeterministicAndSelfDescribing(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	md := arrow.NewMetadata([]string{"csirt.label_ja"}, []string{"ラベル"})
	s := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.BinaryTypes.String, Nullable: true, Metadata: md}}, nil)
	b := array.NewRecordBuilder(mem, s)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"a", ""}, []bool{true, false})
	rec := b.NewRecord()
	b.Release()
	defer rec.Release()

	one, err := EncodeParquet(rec)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := EncodeParquet(rec)
	if !bytes.Equal(one, two) {
		t.Fatal("two encodings of the same record differ")
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(one))
	if err != nil {
		t.Fatal(err)
	}
	if got := rdr.MetaData().GetCreatedBy(); got != CreatedBy {
		t.Errorf("created_by = %q", got)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	back, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := back.Field(0).Metadata.GetValue("csirt.label_ja"); !ok || v != "ラベル" {
		t.Errorf("field metadata after round trip = %v", back.Field(0).Metadata)
	}
}
