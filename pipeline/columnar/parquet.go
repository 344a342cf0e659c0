// Package columnar writes Arrow records as Parquet files laid out as
// Hive-partitioned datasets: processed/<dataset>/year=<YYYY>/part-0.parquet.
//
// The year lives in the directory name, not in the file, so that
// pandas.read_parquet("processed/<dataset>") and DuckDB's
// read_parquet('processed/<dataset>/*/*.parquet', hive_partitioning=true)
// load every year at once. Files are deterministic: the same record gives
// byte-identical output (fixed writer name, no timestamps).
package columnar

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// CreatedBy is written into every Parquet footer instead of a library version.
const CreatedBy = "csirt-survey"

// PartitionPath returns where a dataset's file for one year lives under root.
func PartitionPath(root, dataset string, year int) string {
	return filepath.Join(root, dataset, "year="+strconv.Itoa(year), "part-0.parquet")
}

// EncodeParquet encodes rec as a Parquet file with one row group. The Arrow
// schema (with field metadata such as labels) is stored in the file so that
// Arrow-based readers (pyarrow, pandas, polars) restore dictionary types and
// metadata; other readers see plain Parquet types.
func EncodeParquet(rec arrow.Record) ([]byte, error) {
	props := parquet.NewWriterProperties(
		parquet.WithCreatedBy(CreatedBy),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithVersion(parquet.V2_6),
		parquet.WithDataPageVersion(parquet.DataPageV1),
		parquet.WithMaxRowGroupLength(1<<20),
	)
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(rec.Schema(), &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return nil, fmt.Errorf("parquet: write record: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("parquet: close: %w", err)
	}
	return buf.Bytes(), nil
}
