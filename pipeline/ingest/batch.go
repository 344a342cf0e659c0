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

// batch builds record batches of the responses schema.
type batch struct {
	schema *arrow.Schema
	b      []array.Builder
	dicts  []arrow.Array   // dictionary values per column (nil when not a dictionary)
	add    []func(*outVal) // per column: append a value
	null   []func()        // per column: append a null
	n      int
}

func newBatch(mem memory.Allocator, schema *arrow.Schema, dicts [][]string) (*batch, error) {
	bt := &batch{schema: schema, b: make([]array.Builder, schema.NumFields()), dicts: make([]arrow.Array, schema.NumFields())}
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
		case arrow.STRING, arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.DATE32, arrow.LIST:
			bt.b[i] = array.NewBuilder(mem, typ)
		default:
			bt.release()
			return nil, fmt.Errorf("ingest: column %s: type %s is not supported", f.Name, f.Type)
		}
	}
	return bt, nil
}

// room is how many rows the builders reserve at a time, so that fixed-width
// values are appended without a capacity check per cell.
const room = 1024

func (bt *batch) append(vals []outVal) {
	if bt.add == nil {
		bt.bind()
	}
	if bt.n%room == 0 {
		for _, b := range bt.b {
			b.Reserve(room)
		}
	}
	for i, add := range bt.add {
		if v := &vals[i]; v.valid {
			add(v)
		} else {
			bt.null[i]()
		}
	}
	bt.n++
}

// bind chooses each column's typed append once, instead of a type switch
// per cell. Fixed-width columns append without a capacity check: append
// reserves room rows at a time.
func (bt *batch) bind() {
	bt.add = make([]func(*outVal), len(bt.b))
	bt.null = make([]func(), len(bt.b))
	for i, b := range bt.b {
		bt.null[i] = b.AppendNull
		switch b := b.(type) {
		case *array.StringBuilder:
			bt.add[i] = func(v *outVal) { b.Append(v.s) }
		case *array.BooleanBuilder:
			bt.add[i] = func(v *outVal) { b.UnsafeAppend(v.b) }
			bt.null[i] = func() { b.UnsafeAppendBoolToBitmap(false) }
		case *array.Int8Builder:
			bt.add[i] = func(v *outVal) { b.UnsafeAppend(int8(v.i)) }
			bt.null[i] = func() { b.UnsafeAppendBoolToBitmap(false) }
		case *array.Int16Builder:
			bt.add[i] = func(v *outVal) { b.UnsafeAppend(int16(v.i)) }
			bt.null[i] = func() { b.UnsafeAppendBoolToBitmap(false) }
		case *array.Int32Builder:
			bt.add[i] = func(v *outVal) { b.UnsafeAppend(int32(v.i)) }
			bt.null[i] = func() { b.UnsafeAppendBoolToBitmap(false) }
		case *array.Date32Builder:
			bt.add[i] = func(v *outVal) { b.UnsafeAppend(arrow.Date32(v.i)) }
			bt.null[i] = func() { b.UnsafeAppendBoolToBitmap(false) }
		case *array.ListBuilder:
			vb := b.ValueBuilder().(*array.StringBuilder)
			bt.add[i] = func(v *outVal) {
				b.Append(true)
				for _, s := range v.list {
					vb.Append(s)
				}
			}
		}
	}
}

// record returns the rows appended since the last call as a record and
// resets the builders. The caller must Release the record.
func (bt *batch) record() arrow.Record {
	cols := make([]arrow.Array, len(bt.b))
	for i, b := range bt.b {
		arr := b.NewArray()
		if bt.dicts[i] != nil {
			d := array.NewDictionaryArray(bt.schema.Field(i).Type, arr, bt.dicts[i])
			arr.Release()
			arr = d
		}
		cols[i] = arr
	}
	rec := array.NewRecord(bt.schema, cols, int64(bt.n))
	for _, c := range cols {
		c.Release()
	}
	bt.n = 0
	return rec
}

func (bt *batch) release() {
	for i := range bt.b {
		if bt.b[i] != nil {
			bt.b[i].Release()
		}
		if bt.dicts[i] != nil {
			bt.dicts[i].Release()
		}
	}
}
