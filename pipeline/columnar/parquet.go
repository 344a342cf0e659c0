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
	"io"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
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

// oneBatch is the writer's batch size: larger than any record written, so
// that arrow/go writes each record's column in one batch. Its direct
// dictionary path (dictionary indices written as they are, without hashing
// the strings again) slices the indices wrongly when it splits a record into
// several batches ("slice bounds out of range" past its default 1024 rows);
// in one batch it is correct (TestLargeDictionaryColumns). It also sizes a
// bit buffer of list columns (2 MiB).
const oneBatch = 1 << 24

// maxWriteRows is the most rows Write puts in one row group; larger records
// are written as several. A list column has more values than rows: at most
// oneBatch/maxWriteRows = 4 per row on average fit in one batch.
var maxWriteRows int64 = 1 << 22

// Option changes how a ParquetWriter writes.
type Option func(*writerConfig)

type writerConfig struct {
	plain []string
	bulk  bool
}

// PlainColumns writes the named columns without a Parquet dictionary: for
// columns whose values are all different (a respondent id), where a
// dictionary only costs the time of hashing every value.
func PlainColumns(names ...string) Option {
	return func(c *writerConfig) { c.plain = append(c.plain, names...) }
}

func writerProps(schema *arrow.Schema, cfg writerConfig) (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	opts := []parquet.WriterProperty{
		parquet.WithCreatedBy(CreatedBy),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithVersion(parquet.V2_6),
		// Data page v2: its levels are not length-prefixed, which avoids arrow/go
		// v15 reallocating the level buffer on every write (quadratic in a page).
		parquet.WithDataPageVersion(parquet.DataPageV2),
		parquet.WithMaxRowGroupLength(oneBatch),
		parquet.WithBatchSize(oneBatch),
		parquet.WithDataPageSize(64 << 10),
		parquet.WithAllocator(writerAllocator),
	}
	// No min/max statistics for dictionary columns: arrow/go computes them
	// by hashing every index of every row group (compute.UniqueArray), which
	// took 40% of the Parquet writing time; their values are listed in the
	// column's dictionary page and in the stored Arrow schema.
	// Numbers and dates are written plainly: arrow/go dictionary-encodes
	// them by hashing every value, which cost more than it saved on long
	// datasets (maturity levels); snappy compresses the repeats.
	for _, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.DICTIONARY:
			opts = append(opts, parquet.WithStatsFor(f.Name, false))
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.FLOAT64:
			opts = append(opts, parquet.WithDictionaryFor(f.Name, false))
		}
	}
	for _, name := range cfg.plain {
		opts = append(opts, parquet.WithDictionaryFor(name, false))
	}
	// The Arrow schema, with its dictionary types and field metadata, is stored
	// under ARROW:schema, from which Arrow readers restore the categorical type.
	return parquet.NewWriterProperties(opts...), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
}

// ParquetWriter streams record batches into one Parquet file; each Write
// writes the batch as its own row group, so the writer keeps no reference to
// a batch after Write returns (the caller may release it). Arrow dictionary
// columns are written with their dictionary as the row group's Parquet
// dictionary and their indices as they are; the Arrow schema, with its
// dictionary types and field metadata, is stored under ARROW:schema, from
// which Arrow readers restore the categorical type.
type ParquetWriter struct {
	w *pqarrow.FileWriter
	b *bulkWriter // with Bulk, instead of w
}

// NewParquetWriter starts a Parquet file with schema on w.
func NewParquetWriter(w io.Writer, schema *arrow.Schema, opts ...Option) (*ParquetWriter, error) {
	var cfg writerConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.bulk {
		b, err := newBulkWriter(w, schema)
		if err != nil {
			return nil, err
		}
		return &ParquetWriter{b: b}, nil
	}
	props, aprops := writerProps(schema, cfg)
	fw, err := pqarrow.NewFileWriter(schema, w, props, aprops)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	return &ParquetWriter{w: fw}, nil
}

// Write appends a record batch as one row group (several for records over
// maxWriteRows rows).
func (p *ParquetWriter) Write(rec arrow.Record) error {
	if p.b != nil {
		return p.b.write(rec)
	}
	for off := int64(0); off < rec.NumRows() || off == 0; off += maxWriteRows {
		part := rec
		if rec.NumRows() > maxWriteRows {
			var err error
			if part, err = sliceRecord(rec, off, min(off+maxWriteRows, rec.NumRows())); err != nil {
				return fmt.Errorf("parquet: write record: %w", err)
			}
		}
		err := p.w.Write(part)
		if part != rec {
			part.Release()
		}
		if err != nil {
			return fmt.Errorf("parquet: write record: %w", err)
		}
	}
	return nil
}

// sliceRecord returns rows [i, j) of rec. Its dictionary columns get indices
// of their own (offset 0): arrow/go v15's direct dictionary path mis-reads a
// sliced index array without nulls.
func sliceRecord(rec arrow.Record, i, j int64) (arrow.Record, error) {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for k, col := range rec.Columns() {
		s := array.NewSlice(col, i, j)
		d, ok := s.(*array.Dictionary)
		if !ok {
			cols[k] = s
			continue
		}
		idx, err := array.Concatenate([]arrow.Array{d.Indices()}, memory.DefaultAllocator)
		if err != nil {
			s.Release()
			return nil, err
		}
		cols[k] = array.NewDictionaryArray(d.DataType(), idx, d.Dictionary())
		idx.Release()
		s.Release()
	}
	return array.NewRecord(rec.Schema(), cols, j-i), nil
}

// SetMetadata adds a key-value pair to the file's footer (call before Close).
func (p *ParquetWriter) SetMetadata(key, value string) error {
	if p.b != nil {
		p.b.setMetadata(key, value)
		return nil
	}
	return p.w.AppendKeyValueMetadata(key, value)
}

// Close finishes the file (footer); it does not close the underlying writer.
func (p *ParquetWriter) Close() error {
	if p.b != nil {
		return p.b.close()
	}
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
