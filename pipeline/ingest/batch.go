package ingest

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// outVal is one output cell of the row being evaluated.
type outVal struct {
	valid bool
	i     int64    // int32, date32 or dictionary index
	b     bool     // bool
	s     string   // utf8
	list  []string // list<utf8>
}

// batch builds record batches of the responses schema. Each column is
// filled into plain Go slices (values, validity bits set in place) and
// wrapped as an Arrow array without copying when the record is made: far
// cheaper per cell than Arrow's builders, which a batch of a wide
// questionnaire calls hundreds of times per row.
type batch struct {
	schema *arrow.Schema
	cols   []colBuf
	dicts  []arrow.Array // dictionary values per column (nil when not a dictionary)
	n      int
}

// colBuf holds one column of the rows appended since the last record.
type colBuf struct {
	id    arrow.Type // storage type: the index type of a dictionary column
	typ   arrow.DataType
	valid []byte // validity bits
	nulls int
	bits  []byte  // bool values
	ints  []int32 // integers, dates and dictionary indices
	// strings: offsets into data; lists: list offsets into the strings
	offsets []int32
	data    []byte
	lists   []int32
}

func newBatch(mem memory.Allocator, schema *arrow.Schema, dicts [][]string) (*batch, error) {
	bt := &batch{schema: schema, cols: make([]colBuf, schema.NumFields()), dicts: make([]arrow.Array, schema.NumFields())}
	for i, f := range schema.Fields() {
		typ := f.Type
		if dt, ok := typ.(*arrow.DictionaryType); ok {
			sb := array.NewStringBuilder(mem)
			sb.AppendValues(dicts[i], nil)
			bt.dicts[i] = sb.NewArray()
			sb.Release()
			typ = dt.IndexType
		}
		switch typ.ID() {
		case arrow.STRING, arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.DATE32:
		case arrow.LIST:
			if lt, ok := typ.(*arrow.ListType); !ok || lt.Elem().ID() != arrow.STRING {
				bt.release()
				return nil, fmt.Errorf("ingest: column %s: type %s is not supported", f.Name, f.Type)
			}
		default:
			bt.release()
			return nil, fmt.Errorf("ingest: column %s: type %s is not supported", f.Name, f.Type)
		}
		bt.cols[i] = colBuf{id: typ.ID(), typ: typ}
		bt.cols[i].reset()
	}
	return bt, nil
}

// reset starts the column's next rows in fresh buffers (the record made of
// the last ones owns those), sized as the last ones were: batches are of one
// size, and growing a buffer by doubling copied it ten times over.
func (c *colBuf) reset() {
	c.valid, c.bits, c.ints, c.data = sized(c.valid), sized(c.bits), sized(c.ints), sized(c.data)
	c.nulls = 0
	switch c.id {
	case arrow.STRING:
		c.offsets = append(sized(c.offsets), 0)
	case arrow.LIST:
		c.offsets, c.lists = append(sized(c.offsets), 0), append(sized(c.lists), 0)
	}
}

// sized returns an empty slice with room for as many elements as s holds.
func sized[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return make([]T, 0, len(s))
}

func setBit(bits []byte, i int) { bits[i>>3] |= 1 << (i & 7) }

// append adds one row: vals holds a value per column of the schema.
func (bt *batch) append(vals []outVal) {
	i := bt.n
	if i&7 == 0 {
		for k := range bt.cols {
			c := &bt.cols[k]
			c.valid = append(c.valid, 0)
			if c.id == arrow.BOOL {
				c.bits = append(c.bits, 0)
			}
		}
	}
	for k := range bt.cols {
		c, v := &bt.cols[k], &vals[k]
		if v.valid {
			setBit(c.valid, i)
		} else {
			c.nulls++
		}
		switch c.id {
		case arrow.BOOL:
			if v.valid && v.b {
				setBit(c.bits, i)
			}
		case arrow.STRING:
			if v.valid {
				c.data = append(c.data, v.s...)
			}
			c.offsets = append(c.offsets, int32(len(c.data)))
		case arrow.LIST:
			if v.valid {
				for _, s := range v.list {
					c.data = append(c.data, s...)
					c.offsets = append(c.offsets, int32(len(c.data)))
				}
			}
			c.lists = append(c.lists, int32(len(c.offsets)-1))
		default:
			var x int32
			if v.valid {
				x = int32(v.i)
			}
			c.ints = append(c.ints, x)
		}
	}
	bt.n++
}

// array wraps the column's rows as an Arrow array (of its storage type).
func (c *colBuf) array(n int) arrow.Array {
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = memory.NewBufferBytes(c.valid)
	}
	var data arrow.ArrayData
	switch c.id {
	case arrow.BOOL:
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(c.bits)}, nil, c.nulls, 0)
	case arrow.INT8:
		vs := make([]int8, n)
		for i, x := range c.ints {
			vs[i] = int8(x)
		}
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int8Traits.CastToBytes(vs))}, nil, c.nulls, 0)
	case arrow.INT16:
		vs := make([]int16, n)
		for i, x := range c.ints {
			vs[i] = int16(x)
		}
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int16Traits.CastToBytes(vs))}, nil, c.nulls, 0)
	case arrow.INT32, arrow.DATE32:
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.ints))}, nil, c.nulls, 0)
	case arrow.STRING:
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)),
			memory.NewBufferBytes(c.data)}, nil, c.nulls, 0)
	case arrow.LIST:
		m := len(c.offsets) - 1
		values := array.NewData(arrow.BinaryTypes.String, m, []*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)),
			memory.NewBufferBytes(c.data)}, nil, 0, 0)
		data = array.NewData(c.typ, n, []*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.lists))},
			[]arrow.ArrayData{values}, c.nulls, 0)
		values.Release()
	}
	defer data.Release()
	return array.MakeFromData(data)
}

// record returns the rows appended since the last call as a record and
// resets the columns. The caller must Release the record.
func (bt *batch) record() arrow.Record {
	cols := make([]arrow.Array, len(bt.cols))
	for i := range bt.cols {
		arr := bt.cols[i].array(bt.n)
		if bt.dicts[i] != nil {
			d := array.NewDictionaryArray(bt.schema.Field(i).Type, arr, bt.dicts[i])
			arr.Release()
			arr = d
		}
		cols[i] = arr
		bt.cols[i].reset()
	}
	rec := array.NewRecord(bt.schema, cols, int64(bt.n))
	for _, c := range cols {
		c.Release()
	}
	bt.n = 0
	return rec
}

func (bt *batch) release() {
	for i := range bt.dicts {
		if bt.dicts[i] != nil {
			bt.dicts[i].Release()
		}
	}
}
