package codebook

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Schema is the Arrow schema of the codebook dataset. The first eight columns
// are the contract of DESIGN.md section 3; the rest add detail.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "item", Type: arrow.BinaryTypes.String},
	{Name: "question_id", Type: arrow.BinaryTypes.String},
	{Name: "type", Type: arrow.BinaryTypes.String},
	{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "label_ja", Type: arrow.BinaryTypes.String},
	{Name: "label_en", Type: arrow.BinaryTypes.String},
	{Name: "relevance", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "arrow_type", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "kind", Type: arrow.BinaryTypes.String},
	{Name: "cell", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "group", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "column", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "option_set", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ordered", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "other", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "exclusive", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "sim3", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sim3_level", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "sim3_coarse", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "seq", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// Record converts entries to an Arrow record with Schema. The caller must
// Release it.
func Record(mem memory.Allocator, entries []Entry) arrow.Record {
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	opt := func(i int, v string) {
		if v == "" {
			b.Field(i).AppendNull()
			return
		}
		str(i, v)
	}
	flag := func(i int, v bool) { b.Field(i).(*array.BooleanBuilder).Append(v) }
	for n, e := range entries {
		str(0, e.Item)
		str(1, e.QuestionID)
		str(2, e.Type)
		opt(3, e.Code)
		str(4, e.LabelJA)
		str(5, e.LabelEN)
		opt(6, e.Relevance)
		opt(7, e.ArrowType)
		str(8, string(e.Kind))
		opt(9, e.Cell)
		opt(10, e.Group)
		opt(11, e.Column)
		opt(12, e.OptionSet)
		flag(13, e.Ordered)
		flag(14, e.Other)
		flag(15, e.Exclusive)
		str(16, e.Source)
		opt(17, e.SIM3)
		if e.SIM3Level == nil {
			b.Field(18).AppendNull()
		} else {
			b.Field(18).(*array.Int32Builder).Append(int32(*e.SIM3Level))
		}
		flag(19, e.SIM3Coarse)
		opt(20, e.Note)
		b.Field(21).(*array.Int32Builder).Append(int32(n + 1))
	}
	return b.NewRecord()
}
