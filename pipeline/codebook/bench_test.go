package codebook_test

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/codebook"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
)

// BenchmarkCodebook2015 measures deriving the 2015 codebook and encoding it
// as Parquet and Markdown (the per-year work of `make all` after loading).
func BenchmarkCodebook2015(b *testing.B) {
	q := load(b, schema2015)
	b.ReportAllocs()
	for b.Loop() {
		rec := codebook.Record(memory.DefaultAllocator, codebook.Build(q))
		if _, err := columnar.EncodeParquet(rec); err != nil {
			b.Fatal(err)
		}
		rec.Release()
		codebook.Markdown(q, "schemas/2015/questionnaire.yaml")
	}
}
