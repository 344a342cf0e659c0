package columnar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ReadParquet streams the record batches of a Parquet file to fn, batchSize
// rows at a time. The records are released after fn returns.
func ReadParquet(path string, batchSize int64, fn func(arrow.Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f)
	if err != nil {
		return fmt.Errorf("parquet: %s: %w", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: batchSize, Parallel: false}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("parquet: %s: %w", path, err)
	}
	// The stored Arrow schema restores dictionary types, but arrow/go v15
	// cannot read a dictionary column whose pages fell back to plain
	// encoding ("not implemented"); our readers take plain strings.
	for i := range fr.Manifest.Fields {
		f := fr.Manifest.Fields[i].Field
		if dt, ok := f.Type.(*arrow.DictionaryType); ok {
			plain := *f
			plain.Type = dt.ValueType
			fr.Manifest.Fields[i].Field = &plain
		}
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return fmt.Errorf("parquet: %s: %w", path, err)
	}
	defer rr.Release()
	for rr.Next() {
		if err := fn(rr.Record()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("parquet: %s: %w", path, err)
	}
	return nil
}
