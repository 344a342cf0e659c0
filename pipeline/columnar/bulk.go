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
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// The bulk writer encodes record batches of flat columns and lists of them as
// Parquet column by column, a page at a time: dictionary indices and
// definition levels go through parquet-go's RLE/bit-packing hybrid encoder,
// which finds runs eight values at a time and packs the rest in bulk, where
// arrow/go's writer handles every value on its own. It writes the datasets
// streamed from the respondents (responses, answers, maturity): the long
// ones' constant columns are a few long runs. The file is the one the arrow/go writer makes for the same schema: data
// page v2, snappy, Arrow dictionaries as Parquet dictionaries, the Arrow
// schema under ARROW:schema, CreatedBy as the writer; the only statistics
// are null counts. Two differences: strings inside lists are written PLAIN
// (arrow/go builds a dictionary by hashing each), and no page holds more
// than bulkPageRows rows whatever its bytes.

// ErrNotFlat is returned (wrapped) by NewParquetWriter with [Bulk] for a
// schema with a column the bulk writer does not encode (structs, maps,
// lists of lists or of dictionaries, other types).
var ErrNotFlat = errors.New("the bulk Parquet writer encodes only flat columns")

// bulkPageRows is the most rows in one data page.
var bulkPageRows = 1 << 17

// Bulk writes with the bulk encoder: for schemas whose columns are all
// dictionaries of strings, strings, booleans, int8, int16, int32, int64,
// dates (date32), float64, or lists of these (not of dictionaries).
func Bulk() Option {
	return func(c *writerConfig) { c.bulk = true }
}

// bulkColumn is one column's Parquet shape.
type bulkColumn struct {
	name     string
	typ      format.Type // of the leaf
	optional bool
	dict     bool // an Arrow dictionary: a dictionary page and RLE_DICTIONARY data pages
	list     bool // a list: the leaf is name.list.element, with repetition levels
	elemNull bool // a list's elements are nullable
	leafID   arrow.Type
}

// maxDef is the leaf's highest definition level.
func (c bulkColumn) maxDef() int {
	d := 0
	if c.optional {
		d++
	}
	if c.list {
		d++
		if c.elemNull {
			d++
		}
	}
	return d
}

// leafType returns the Parquet type of a flat Arrow type.
func leafType(t arrow.DataType) (format.Type, bool) {
	switch t.ID() {
	case arrow.STRING:
		return format.ByteArray, true
	case arrow.BOOL:
		return format.Boolean, true
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.DATE32:
		return format.Int32, true
	case arrow.INT64:
		return format.Int64, true
	case arrow.FLOAT64:
		return format.Double, true
	}
	return 0, false
}

// bulkWriter writes one Parquet file, a row group per record.
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
	levels  []uint8 // definition levels
	reps    []uint8 // repetition levels
	pos     []int32 // the values present
	ints    []int32
	dictIx  []int32 // a dictionary column's indices as int32
	encReps []byte
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
		c := bulkColumn{name: f.Name, optional: f.Nullable, leafID: f.Type.ID()}
		ok := true
		switch t := f.Type.(type) {
		case *arrow.DictionaryType:
			ok = t.ValueType.ID() == arrow.STRING
			c.typ, c.dict, c.leafID = format.ByteArray, true, arrow.STRING
		case *arrow.ListType:
			c.list, c.elemNull, c.leafID = true, t.ElemField().Nullable, t.Elem().ID()
			c.typ, ok = leafType(t.Elem())
		default:
			c.typ, ok = leafType(f.Type)
		}
		if !ok {
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
	md := format.ColumnMetaData{Type: c.typ, PathInSchema: []string{c.name}, Codec: format.Snappy}
	if c.list {
		md.PathInSchema = []string{c.name, "list", "element"}
	}
	var indices []int32
	if c.dict {
		d := arr.(*array.Dictionary)
		dict, ok := d.Dictionary().(*array.String)
		if !ok || dict.NullN() > 0 {
			return format.ColumnChunk{}, fmt.Errorf("parquet: column %q: %w (a dictionary with nulls or of another type)", c.name, ErrNotFlat)
		}
		if ix, ok := d.Indices().(*array.Int32); ok {
			indices = ix.Int32Values()
		} else {
			b.dictIx = DictIndices(d, b.dictIx) // -1 at nulls, which no page reads
			indices = b.dictIx
		}
		b.body = b.body[:0]
		for i := 0; i < dict.Len(); i++ {
			v := dict.Value(i)
			b.body = binary.LittleEndian.AppendUint32(b.body, uint32(len(v)))
			b.body = append(b.body, v...)
		}
		md.DictionaryPageOffset = start
		u, z, err := b.page(format.PageHeader{Type: format.DictionaryPage,
			DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(dict.Len()), Encoding: format.Plain})}, nil, nil, b.body)
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
	var nulls int64
	for lo := 0; lo < arr.Len(); lo += bulkPageRows {
		hi := min(lo+bulkPageRows, arr.Len())
		p, err := b.dataPage(c, arr, indices, lo, hi)
		if err != nil {
			return format.ColumnChunk{}, err
		}
		md.TotalUncompressedSize += p.size
		md.TotalCompressedSize += p.compressed
		md.NumValues += p.values
		nulls += p.nulls
	}
	md.Statistics = format.Statistics{NullCount: nulls}
	return format.ColumnChunk{FileOffset: start, MetaData: md}, nil
}

// pageSizes are what a data page adds to its column chunk.
type pageSizes struct {
	size, compressed int64 // bytes, header included
	values, nulls    int64 // level entries; those below the highest definition level
}

// dataPage writes rows [lo, hi) of arr as one data page (v2).
func (b *bulkWriter) dataPage(c bulkColumn, arr arrow.Array, indices []int32, lo, hi int) (pageSizes, error) {
	var reps, defs []byte
	leaf, pos := arr, b.pos[:0]
	all := true // pos is lo..hi: every value present
	values, nulls := hi-lo, 0
	switch {
	case c.list:
		l := arr.(*array.List)
		leaf, all = l.ListValues(), false
		if !c.elemNull && leaf.NullN() > 0 {
			return pageSizes{}, fmt.Errorf("parquet: column %q: its list elements are not nullable but %d are null", c.name, leaf.NullN())
		}
		maxDef := uint8(c.maxDef())
		b.reps, b.levels = b.reps[:0], b.levels[:0]
		offsets := l.Offsets()
		for i := lo; i < hi; i++ {
			if l.IsNull(i) {
				b.reps, b.levels = append(b.reps, 0), append(b.levels, 0)
				continue
			}
			begin, end := int(offsets[i]), int(offsets[i+1])
			if begin == end {
				b.reps, b.levels = append(b.reps, 0), append(b.levels, maxDef-1-boolByte(c.elemNull))
				continue
			}
			for j := begin; j < end; j++ {
				rep := uint8(1)
				if j == begin {
					rep = 0
				}
				b.reps = append(b.reps, rep)
				if leaf.IsValid(j) {
					b.levels = append(b.levels, maxDef)
					pos = append(pos, int32(j))
				} else {
					b.levels = append(b.levels, maxDef-1)
				}
			}
		}
		values = len(b.levels)
		nulls = values - len(pos)
		var err error
		enc := rle.Encoding{BitWidth: 1}
		if b.encReps, err = enc.EncodeLevels(b.encReps, b.reps); err != nil {
			return pageSizes{}, fmt.Errorf("parquet: column %q: repetition levels: %w", c.name, err)
		}
		reps = b.encReps
		enc = rle.Encoding{BitWidth: bits.Len8(maxDef)}
		if b.encoded, err = enc.EncodeLevels(b.encoded, b.levels); err != nil {
			return pageSizes{}, fmt.Errorf("parquet: column %q: definition levels: %w", c.name, err)
		}
		defs = b.encoded
	case c.optional:
		b.levels = slices.Grow(b.levels[:0], hi-lo)[:hi-lo]
		if arr.NullN() == 0 {
			for i := range b.levels {
				b.levels[i] = 1
			}
		} else {
			bitmap, off := arr.NullBitmapBytes(), arr.Data().Offset()
			for i := lo; i < hi; i++ {
				if bitutil.BitIsSet(bitmap, off+i) {
					b.levels[i-lo] = 1
					pos = append(pos, int32(i))
				} else {
					b.levels[i-lo] = 0
				}
			}
			nulls = hi - lo - len(pos)
			all = nulls == 0
		}
		var err error
		enc := rle.Encoding{BitWidth: 1}
		if b.encoded, err = enc.EncodeLevels(b.encoded, b.levels); err != nil {
			return pageSizes{}, fmt.Errorf("parquet: column %q: definition levels: %w", c.name, err)
		}
		defs = b.encoded
	}
	b.pos = pos
	b.body = b.body[:0]
	encoding := format.Plain
	if c.dict {
		encoding = format.RLEDictionary
		ix := indices[lo:hi]
		if !all {
			b.ints = b.ints[:0]
			for _, i := range pos {
				b.ints = append(b.ints, indices[i])
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
			return pageSizes{}, fmt.Errorf("parquet: column %q: indices: %w", c.name, err)
		}
		b.body = append(b.body, b.packed...)
	} else {
		var err error
		if b.body, err = appendPlain(b.body, leaf, lo, hi, pos, all); err != nil {
			return pageSizes{}, fmt.Errorf("parquet: column %q: %w", c.name, err)
		}
	}
	h := format.PageHeader{Type: format.DataPageV2, DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
		NumValues: int32(values), NumNulls: int32(nulls), NumRows: int32(hi - lo), Encoding: encoding,
		DefinitionLevelsByteLength: int32(len(defs)), RepetitionLevelsByteLength: int32(len(reps)),
		IsCompressed: thrift.New(true),
		// The null count is always written (parquet-go's Statistics writes a
		// zero too), so it must be right: readers skip the levels of a page
		// that says it has no nulls.
		Statistics: format.Statistics{NullCount: int64(nulls)}})}
	size, compressed, err := b.page(h, reps, defs, b.body)
	return pageSizes{size: size, compressed: compressed, values: int64(values), nulls: int64(nulls)}, err
}

func boolByte(v bool) uint8 {
	if v {
		return 1
	}
	return 0
}

// appendPlain appends the PLAIN encoding of leaf's values at pos (with all,
// every value of lo..hi) to dst.
func appendPlain(dst []byte, leaf arrow.Array, lo, hi int, pos []int32, all bool) ([]byte, error) {
	each := func(f func(i int)) {
		if all {
			for i := lo; i < hi; i++ {
				f(i)
			}
			return
		}
		for _, i := range pos {
			f(int(i))
		}
	}
	switch a := leaf.(type) {
	case *array.String:
		each(func(i int) {
			v := a.Value(i)
			dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)))
			dst = append(dst, v...)
		})
	case *array.Boolean:
		var cur byte
		k := 0
		each(func(i int) {
			if a.Value(i) {
				cur |= 1 << (k & 7)
			}
			if k++; k&7 == 0 {
				dst = append(dst, cur)
				cur = 0
			}
		})
		if k&7 != 0 {
			dst = append(dst, cur)
		}
	case *array.Int8:
		each(func(i int) { dst = binary.LittleEndian.AppendUint32(dst, uint32(int32(a.Value(i)))) })
	case *array.Int16:
		each(func(i int) { dst = binary.LittleEndian.AppendUint32(dst, uint32(int32(a.Value(i)))) })
	case *array.Int32:
		each(func(i int) { dst = binary.LittleEndian.AppendUint32(dst, uint32(a.Value(i))) })
	case *array.Date32:
		each(func(i int) { dst = binary.LittleEndian.AppendUint32(dst, uint32(a.Value(i))) })
	case *array.Int64:
		each(func(i int) { dst = binary.LittleEndian.AppendUint64(dst, uint64(a.Value(i))) })
	case *array.Float64:
		each(func(i int) { dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(a.Value(i))) })
	default:
		return dst, fmt.Errorf("%w (%T)", ErrNotFlat, leaf)
	}
	return dst, nil
}

// page writes a page header, the uncompressed repetition and definition
// levels and the compressed values; it returns the page's uncompressed and
// compressed sizes, header included.
func (b *bulkWriter) page(h format.PageHeader, reps, defs, values []byte) (int64, int64, error) {
	var err error
	if b.packed, err = b.codec.Encode(b.packed[:0], values); err != nil {
		return 0, 0, fmt.Errorf("parquet: snappy: %w", err)
	}
	levels := len(reps) + len(defs)
	h.UncompressedPageSize = int32(levels + len(values))
	h.CompressedPageSize = int32(levels + len(b.packed))
	if b.header, err = thrift.Marshal(&b.proto, &h); err != nil {
		return 0, 0, fmt.Errorf("parquet: page header: %w", err)
	}
	for _, p := range [][]byte{b.header, reps, defs, b.packed} {
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
	for _, c := range b.cols {
		if c.list {
			fm.Schema = append(fm.Schema,
				format.SchemaElement{Name: c.name, RepetitionType: repetition(c.optional), NumChildren: thrift.New(int32(1)),
					ConvertedType: thrift.New(deprecated.List), LogicalType: format.LogicalType{Value: &format.ListType{}}},
				format.SchemaElement{Name: "list", RepetitionType: thrift.New(format.Repeated), NumChildren: thrift.New(int32(1))},
				leafElement("element", c.typ, c.leafID, c.elemNull))
			continue
		}
		fm.Schema = append(fm.Schema, leafElement(c.name, c.typ, c.leafID, c.optional))
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

func repetition(optional bool) thrift.Null[format.FieldRepetitionType] {
	if optional {
		return thrift.New(format.Optional)
	}
	return thrift.New(format.Required)
}

// leafElement is the schema element of a leaf column, annotated as arrow/go
// annotates the Arrow type id.
func leafElement(name string, typ format.Type, id arrow.Type, optional bool) format.SchemaElement {
	e := format.SchemaElement{Name: name, Type: thrift.New(typ), RepetitionType: repetition(optional)}
	intType := func(c deprecated.ConvertedType, width int8) {
		e.ConvertedType = thrift.New(c)
		e.LogicalType = format.LogicalType{Value: &format.IntType{BitWidth: width, IsSigned: true}}
	}
	switch id {
	case arrow.STRING:
		e.ConvertedType = thrift.New(deprecated.UTF8)
		e.LogicalType = format.LogicalType{Value: &format.StringType{}}
	case arrow.INT8:
		intType(deprecated.Int8, 8)
	case arrow.INT16:
		intType(deprecated.Int16, 16)
	case arrow.INT32:
		intType(deprecated.Int32, 32)
	case arrow.INT64:
		intType(deprecated.Int64, 64)
	case arrow.DATE32:
		e.ConvertedType = thrift.New(deprecated.Date)
		e.LogicalType = format.LogicalType{Value: &format.DateType{}}
	}
	return e
}
