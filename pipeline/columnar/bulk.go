package columnar

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// The bulk writer encodes flat record batches (no lists or structs) as
// Parquet column by column, a page at a time: dictionary indices and
// definition levels go through parquet-go's RLE/bit-packing hybrid encoder,
// which finds runs eight values at a time and packs the rest in bulk, where
// arrow/go's writer handles every value on its own. It serves the long
// datasets (answers, maturity), whose constant columns are a few long runs.
// The file is the one the arrow/go writer makes for the same schema: data
// page v2, snappy, Arrow dictionaries as Parquet dictionaries, the Arrow
// schema under ARROW:schema, CreatedBy as the writer; the only statistics
// are null counts.

// ErrNotFlat is returned (wrapped) by NewParquetWriter with [Bulk] for a
// schema with a column the bulk writer does not encode.
var ErrNotFlat = errors.New("the bulk Parquet writer encodes only flat columns")

// bulkPageRows is the most rows in one data page.
var bulkPageRows = 1 << 17

// Bulk writes with the bulk encoder: for schemas whose columns are all
// dictionaries of strings with int32 indices, strings, booleans, int8,
// int16, int32, int64, dates (date32) or float64.
func Bulk() Option {
	return func(c *writerConfig) { c.bulk = true }
}

// bulkColumn is one column's Parquet shape.
type bulkColumn struct {
	name     string
	typ      format.Type
	optional bool
	dict     bool // an Arrow dictionary: a dictionary page and RLE_DICTIONARY data pages
}

type bulkWriter struct {
	w      *bufio.Writer
	cw     *countingWriter
	schema *arrow.Schema
	cols   []bulkColumn
	groups []format.RowGroup
	rows   int64
	meta   []format.KeyValue
	codec  snappy.Codec
	proto  thrift.CompactProtocol
	err    error
	// scratch buffers, reused from page to page
	levels  []uint8
	ints    []int32
	body    []byte
	packed  []byte
	encoded []byte
	header  []byte
}

// countingWriter counts the bytes written through it: the offsets of the
// pages in the file.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newBulkWriter(w io.Writer, schema *arrow.Schema) (*bulkWriter, error) {
	b := &bulkWriter{schema: schema}
	for _, f := range schema.Fields() {
		c := bulkColumn{name: f.Name, optional: f.Nullable}
		switch t := f.Type.(type) {
		case *arrow.DictionaryType:
			if t.IndexType.ID() != arrow.INT32 || t.ValueType.ID() != arrow.STRING {
				return nil, fmt.Errorf("parquet: column %q: %w (dictionary of %s by %s)", f.Name, ErrNotFlat, t.ValueType, t.IndexType)
			}
			c.typ, c.dict = format.ByteArray, true
		case *arrow.StringType:
			c.typ = format.ByteArray
		case *arrow.BooleanType:
			c.typ = format.Boolean
		case *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Date32Type:
			c.typ = format.Int32
		case *arrow.Int64Type:
			c.typ = format.Int64
		case *arrow.Float64Type:
			c.typ = format.Double
		default:
			return nil, fmt.Errorf("parquet: column %q: %w (%s)", f.Name, ErrNotFlat, f.Type)
		}
		b.cols = append(b.cols, c)
	}
	// The schema's metadata, then the Arrow schema, as arrow/go writes them.
	if md := schema.Metadata(); md.Len() > 0 {
		for i, k := range md.Keys() {
			b.meta = append(b.meta, format.KeyValue{Key: k, Value: md.Values()[i]})
		}
	}
	serialized := flight.SerializeSchema(schema, memory.DefaultAllocator)
	b.meta = append(b.meta, format.KeyValue{Key: "ARROW:schema", Value: base64.StdEncoding.EncodeToString(serialized)})
	b.cw = &countingWriter{w: w}
	b.w = bufio.NewWriterSize(b.cw, 1<<20)
	_, b.err = b.w.WriteString("PAR1")
	return b, b.err
}

func (b *bulkWriter) offset() int64 { return b.cw.n + int64(b.w.Buffered()) }

// write appends rec as one row group.
func (b *bulkWriter) write(rec arrow.Record) error {
	if b.err != nil {
		return b.err
	}
	if !rec.Schema().Equal(b.schema) {
		return fmt.Errorf("parquet: record schema differs from the file's")
	}
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	rg := format.RowGroup{NumRows: int64(n), FileOffset: b.offset(), Ordinal: int16(len(b.groups))}
	for i, c := range b.cols {
		chunk, err := b.column(c, rec.Column(i))
		if err != nil {
			b.err = err
			return err
		}
		rg.Columns = append(rg.Columns, chunk)
		rg.TotalByteSize += chunk.MetaData.TotalUncompressedSize
		rg.TotalCompressedSize += chunk.MetaData.TotalCompressedSize
	}
	b.groups = append(b.groups, rg)
	b.rows += int64(n)
	return nil
}

// column writes one column chunk: its dictionary page, then its data pages.
func (b *bulkWriter) column(c bulkColumn, arr arrow.Array) (format.ColumnChunk, error) {
	if !c.optional && arr.NullN() > 0 {
		return format.ColumnChunk{}, fmt.Errorf("parquet: column %q is not nullable but has %d nulls", c.name, arr.NullN())
	}
	start := b.offset()
	md := format.ColumnMetaData{Type: c.typ, PathInSchema: []string{c.name}, Codec: format.Snappy, NumValues: int64(arr.Len())}
	var indices []int32
	if c.dict {
		d := arr.(*array.Dictionary)
		dict, ok := d.Dictionary().(*array.String)
		if !ok || dict.NullN() > 0 {
			return format.ColumnChunk{}, fmt.Errorf("parquet: column %q: %w (a dictionary with nulls or of another type)", c.name, ErrNotFlat)
		}
		indices = d.Indices().(*array.Int32).Int32Values()
		b.body = b.body[:0]
		for i := 0; i < dict.Len(); i++ {
			v := dict.Value(i)
			b.body = binary.LittleEndian.AppendUint32(b.body, uint32(len(v)))
			b.body = append(b.body, v...)
		}
		md.DictionaryPageOffset = start
		u, z, err := b.page(format.PageHeader{Type: format.DictionaryPage,
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(dict.Len()), Encoding: format.Plain})}, nil, b.body)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += z
		md.Encoding = []format.Encoding{format.RLEDictionary, format.Plain, format.RLE}
	} else {
		md.Encoding = []format.Encoding{format.Plain, format.RLE}
	}
	md.DataPageOffset = b.offset()
	for lo := 0; lo < arr.Len(); lo += bulkPageRows {
		hi := min(lo+bulkPageRows, arr.Len())
		u, z, err := b.dataPage(c, arr, indices, lo, hi)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += z
	}
	md.Statistics = format.Statistics{NullCount: int64(arr.NullN())}
	return format.ColumnChunk{FileOffset: start, MetaData: md}, nil
}

// dataPage writes rows [lo, hi) of arr as one data page (v2).
func (b *bulkWriter) dataPage(c bulkColumn, arr arrow.Array, indices []int32, lo, hi int) (int64, int64, error) {
	rows := hi - lo
	nulls := 0
	var levels []byte
	if c.optional {
		b.levels = b.levels[:0]
		for i := lo; i < hi; i++ {
			if arr.IsValid(i) {
				b.levels = append(b.levels, 1)
			} else {
				b.levels = append(b.levels, 0)
				nulls++
			}
		}
		var err error
		enc := rle.Encoding{BitWidth: 1}
		if b.encoded, err = enc.EncodeLevels(b.encoded, b.levels); err != nil {
			return 0, 0, fmt.Errorf("parquet: column %q: levels: %w", c.name, err)
		}
		levels = b.encoded
	}
	valid := func(i int) bool { return nulls == 0 || arr.IsValid(i) }
	b.body = b.body[:0]
	encoding := format.Plain
	switch {
	case c.dict:
		encoding = format.RLEDictionary
		ix := indices[lo:hi]
		if nulls > 0 {
			b.ints = b.ints[:0]
			for i := lo; i < hi; i++ {
				if arr.IsValid(i) {
					b.ints = append(b.ints, indices[i])
				}
			}
			ix = b.ints
		}
		var top uint32
		for _, k := range ix {
			top |= uint32(k)
		}
		width := max(1, bits.Len32(top)) // an upper bound of every index's width
		b.body = append(b.body, byte(width))
		var err error
		enc := rle.Encoding{BitWidth: width}
		if b.packed, err = enc.EncodeInt32(b.packed, ix); err != nil {
			return 0, 0, fmt.Errorf("parquet: column %q: indices: %w", c.name, err)
		}
		b.body = append(b.body, b.packed...)
	default:
		switch a := arr.(type) {
		case *array.String:
			for i := lo; i < hi; i++ {
				if valid(i) {
					v := a.Value(i)
					b.body = binary.LittleEndian.AppendUint32(b.body, uint32(len(v)))
					b.body = append(b.body, v...)
				}
			}
		case *array.Boolean:
			var cur byte
			k := 0
			for i := lo; i < hi; i++ {
				if !valid(i) {
					continue
				}
				if a.Value(i) {
					cur |= 1 << (k & 7)
				}
				if k++; k&7 == 0 {
					b.body = append(b.body, cur)
					cur = 0
				}
			}
			if k&7 != 0 {
				b.body = append(b.body, cur)
			}
		case *array.Int8:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint32(b.body, uint32(int32(a.Value(i))))
				}
			}
		case *array.Int16:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint32(b.body, uint32(int32(a.Value(i))))
				}
			}
		case *array.Int32:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint32(b.body, uint32(a.Value(i)))
				}
			}
		case *array.Date32:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint32(b.body, uint32(a.Value(i)))
				}
			}
		case *array.Int64:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint64(b.body, uint64(a.Value(i)))
				}
			}
		case *array.Float64:
			for i := lo; i < hi; i++ {
				if valid(i) {
					b.body = binary.LittleEndian.AppendUint64(b.body, math.Float64bits(a.Value(i)))
				}
			}
		default:
			return 0, 0, fmt.Errorf("parquet: column %q: %w (%T)", c.name, ErrNotFlat, arr)
		}
	}
	h := format.PageHeader{Type: format.DataPageV2, DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
		NumValues: int32(rows), NumNulls: int32(nulls), NumRows: int32(rows), Encoding: encoding,
		DefinitionLevelsByteLength: int32(len(levels)), IsCompressed: thrift.New(true),
		// The null count is always written (parquet-go's Statistics writes a
		// zero too), so it must be right: readers skip the levels of a page
		// that says it has no nulls.
		Statistics: format.Statistics{NullCount: int64(nulls)}})}
	return b.page(h, levels, b.body)
}

// page writes a page header, the uncompressed levels and the compressed
// values; it returns the page's uncompressed and compressed sizes, header
// included.
func (b *bulkWriter) page(h format.PageHeader, levels, values []byte) (int64, int64, error) {
	var err error
	if b.packed, err = b.codec.Encode(b.packed[:0], values); err != nil {
		return 0, 0, fmt.Errorf("parquet: snappy: %w", err)
	}
	h.UncompressedPageSize = int32(len(levels) + len(values))
	h.CompressedPageSize = int32(len(levels) + len(b.packed))
	if b.header, err = thrift.Marshal(&b.proto, &h); err != nil {
		return 0, 0, fmt.Errorf("parquet: page header: %w", err)
	}
	for _, p := range [][]byte{b.header, levels, b.packed} {
		if _, err := b.w.Write(p); err != nil {
			return 0, 0, err
		}
	}
	hl := int64(len(b.header))
	return hl + int64(h.UncompressedPageSize), hl + int64(h.CompressedPageSize), nil
}

func (b *bulkWriter) setMetadata(key, value string) {
	b.meta = append(b.meta, format.KeyValue{Key: key, Value: value})
}

// close writes the footer.
func (b *bulkWriter) close() error {
	if b.err != nil {
		return b.err
	}
	fm := format.FileMetaData{Version: 2, NumRows: b.rows, RowGroups: b.groups, KeyValueMetadata: b.meta, CreatedBy: CreatedBy}
	fm.Schema = append(fm.Schema, format.SchemaElement{Name: "schema", NumChildren: thrift.New(int32(len(b.cols)))})
	for i, c := range b.cols {
		e := format.SchemaElement{Name: c.name, Type: thrift.New(c.typ)}
		if c.optional {
			e.RepetitionType = thrift.New(format.Optional)
		} else {
			e.RepetitionType = thrift.New(format.Required)
		}
		switch b.schema.Field(i).Type.ID() {
		case arrow.DICTIONARY, arrow.STRING:
			e.ConvertedType = thrift.New(deprecated.UTF8)
			e.LogicalType = format.LogicalType{Value: &format.StringType{}}
		case arrow.INT8:
			e.ConvertedType = thrift.New(deprecated.Int8)
			e.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: 8, IsSigned: true}}
		case arrow.INT16:
			e.ConvertedType = thrift.New(deprecated.Int16)
			e.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: 16, IsSigned: true}}
		case arrow.INT32:
			e.ConvertedType = thrift.New(deprecated.Int32)
			e.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: 32, IsSigned: true}}
		case arrow.INT64:
			e.ConvertedType = thrift.New(deprecated.Int64)
			e.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: 64, IsSigned: true}}
		case arrow.DATE32:
			e.ConvertedType = thrift.New(deprecated.Date)
			e.LogicalType = format.LogicalType{Value: &format.DateType{}}
		}
		fm.Schema = append(fm.Schema, e)
	}
	footer, err := thrift.Marshal(&b.proto, &fm)
	if err != nil {
		return fmt.Errorf("parquet: footer: %w", err)
	}
	footer = binary.LittleEndian.AppendUint32(footer, uint32(len(footer)))
	footer = append(footer, "PAR1"...)
	if _, err := b.w.Write(footer); err != nil {
		return err
	}
	return b.w.Flush()
}
