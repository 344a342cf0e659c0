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
	"encoding/base64"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/memory"
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

func writerProps() (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	opts := []parquet.WriterProperty{
		parquet.WithCreatedBy(CreatedBy),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithVersion(parquet.V2_6),
		// Data page v2: its levels are not length-prefixed, which avoids arrow/go
		// v15 reallocating the level buffer on every write (quadratic in a page).
		parquet.WithDataPageVersion(parquet.DataPageV2),
		parquet.WithMaxRowGroupLength(1 << 20),
		parquet.WithDataPageSize(64 << 10),
	}
	return parquet.NewWriterProperties(opts...), pqarrow.NewArrowWriterProperties()
}

// storageSchema replaces Arrow dictionary fields by their value type. arrow/go
// v15 cannot write a dictionary column of more than 1024 rows through its
// direct path ("index out of range"), and its dense fallback (compute.Take)
// allocates quadratically; the writer therefore writes such columns as plain
// strings (Parquet dictionary-encodes them itself) and stores the original
// Arrow schema, with its dictionary types and field metadata, under
// ARROW:schema, from which Arrow readers restore the categorical type.
func storageSchema(schema *arrow.Schema) (*arrow.Schema, []bool) {
	fields := make([]arrow.Field, len(schema.Fields()))
	dict := make([]bool, len(fields))
	for i, f := range schema.Fields() {
		if dt, ok := f.Type.(*arrow.DictionaryType); ok {
			f.Type, dict[i] = dt.ValueType, true
		}
		fields[i] = f
	}
	md := schema.Metadata()
	return arrow.NewSchema(fields, &md), dict
}

// dense turns a dictionary array of strings into a plain string array.
func dense(mem memory.Allocator, a *array.Dictionary) arrow.Array {
	vals := a.Dictionary().(*array.String)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(vals.Value(a.GetValueIndex(i)))
		}
	}
	return b.NewArray()
}

// ParquetWriter streams record batches into one Parquet file; each Write
// writes the batch as its own row group, so the writer keeps no reference to
// a batch after Write returns (the caller may release it).
type ParquetWriter struct {
	w       *pqarrow.FileWriter
	storage *arrow.Schema
	dict    []bool
}

// NewParquetWriter starts a Parquet file with schema on w.
func NewParquetWriter(w io.Writer, schema *arrow.Schema) (*ParquetWriter, error) {
	storage, dict := storageSchema(schema)
	props, aprops := writerProps()
	fw, err := pqarrow.NewFileWriter(storage, w, props, aprops)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	stored := flight.SerializeSchema(schema, memory.DefaultAllocator)
	if err := fw.AppendKeyValueMetadata("ARROW:schema", base64.StdEncoding.EncodeToString(stored)); err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	return &ParquetWriter{w: fw, storage: storage, dict: dict}, nil
}

// Write appends a record batch.
func (p *ParquetWriter) Write(rec arrow.Record) error {
	cols := make([]arrow.Array, rec.NumCols())
	for i := range cols {
		if p.dict[i] {
			d := dense(memory.DefaultAllocator, rec.Column(i).(*array.Dictionary))
			defer d.Release()
			cols[i] = d
		} else {
			cols[i] = rec.Column(i)
		}
	}
	rec = array.NewRecord(p.storage, cols, rec.NumRows())
	defer rec.Release()
	if err := p.w.Write(rec); err != nil {
		return fmt.Errorf("parquet: write record: %w", err)
	}
	return nil
}

// SetMetadata adds a key-value pair to the file's footer (call before Close).
func (p *ParquetWriter) SetMetadata(key, value string) error {
	return p.w.AppendKeyValueMetadata(key, value)
}

// Close finishes the file (footer); it does not close the underlying writer.
func (p *ParquetWriter) Close() error {
	if err := p.w.Close(); err != nil {
		return fmt.Errorf("parquet: close: %w", err)
	}
	return nil
}

// EncodeParquetRecords encodes record batches with the same schema as one
// Parquet file, with meta (sorted by key) in its footer.
func EncodeParquetRecords(schema *arrow.Schema, recs []arrow.Record, meta map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	w, err := NewParquetWriter(&buf, schema)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			w.Close()
			return nil, err
		}
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.SetMetadata(k, meta[k]); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodeParquet encodes rec as a Parquet file with one row group. The Arrow
// schema (with field metadata such as labels) is stored in the file so that
// Arrow-based readers (pyarrow, pandas, polars) restore dictionary types and
// metadata; other readers see plain Parquet types.
func EncodeParquet(rec arrow.Record) ([]byte, error) {
	return EncodeParquetRecords(rec.Schema(), []arrow.Record{rec}, nil)
}
