package published

import (
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func str(name string) arrow.Field { return arrow.Field{Name: name, Type: arrow.BinaryTypes.String} }
func optStr(name string) arrow.Field {
	return arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: true}
}

// Schema is the Arrow schema of the published dataset. The columns up to
// inference are the contract of DESIGN.md section 3; the rest add detail.
var Schema = arrow.NewSchema([]arrow.Field{
	str("table_key"),
	{Name: "page", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	str("title_ja"),
	{Name: "multi", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "row_no", Type: arrow.PrimitiveTypes.Int32},
	str("code"),
	str("label_ja"),
	str("label_en"),
	{Name: "count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	str("count_status"),
	{Name: "inferred_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	str("inference"),
	str("title_en"),
	optStr("item"),
	str("base"),
	str("code_kind"),
	str("printed_label_ja"),
	{Name: "label_lost", Type: arrow.FixedWidthTypes.Boolean},
	optStr("label_inference"),
	str("n_status"),
	{Name: "inferred_n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	optStr("n_inference"),
	optStr("note"),
	str("source"),
	{Name: "partial", Type: arrow.FixedWidthTypes.Boolean},
}, nil)

// Record converts the set's entries to an Arrow record with Schema. The
// caller must Release it.
func (s *Set) Record(mem memory.Allocator) arrow.Record {
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	st := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	opt := func(i int, v string) {
		if v == "" {
			b.Field(i).AppendNull()
		} else {
			st(i, v)
		}
	}
	i64 := func(i int, v *int64) {
		if v == nil {
			b.Field(i).AppendNull()
		} else {
			b.Field(i).(*array.Int64Builder).Append(*v)
		}
	}
	num := func(n Number) *int64 {
		if n.Lost {
			return nil
		}
		return &n.Value
	}
	for _, e := range s.Entries {
		st(0, e.TableKey)
		if e.Page > 0 {
			b.Field(1).(*array.Int32Builder).Append(int32(e.Page))
		} else {
			b.Field(1).AppendNull()
		}
		st(2, e.TitleJA)
		b.Field(3).(*array.BooleanBuilder).Append(e.Multi)
		i64(4, num(e.N))
		b.Field(5).(*array.Int32Builder).Append(int32(e.RowNo))
		st(6, e.Code)
		st(7, e.LabelJA)
		st(8, e.LabelEN)
		i64(9, num(e.Count))
		st(10, e.Count.Status())
		i64(11, e.Inferred)
		st(12, e.Inference)
		st(13, e.TitleEN)
		opt(14, e.Item)
		st(15, e.Base)
		st(16, e.CodeKind)
		st(17, e.PrintedLabelJA)
		b.Field(18).(*array.BooleanBuilder).Append(e.LabelLost)
		opt(19, e.LabelInference)
		st(20, e.N.Status())
		i64(21, e.InferredN)
		opt(22, e.NInference)
		opt(23, e.Note)
		st(24, e.Source)
		b.Field(25).(*array.BooleanBuilder).Append(e.Partial)
	}
	return b.NewRecord()
}

// AuditSchema is the Arrow schema of the audit dataset.
var AuditSchema = arrow.NewSchema([]arrow.Field{
	str("finding_id"),
	str("kind"),
	str("severity"),
	{Name: "tables", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "pages", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
	str("numbers"),
	str("message_ja"),
	str("message_en"),
	// cells: the numbers the finding is about, "N(7.1)" or "7.1 row 3".
	{Name: "cells", Type: arrow.ListOf(arrow.BinaryTypes.String)},
}, nil)

// AuditRecord converts findings to an Arrow record with AuditSchema. The
// caller must Release it.
func AuditRecord(mem memory.Allocator, fs []Finding) arrow.Record {
	b := array.NewRecordBuilder(mem, AuditSchema)
	defer b.Release()
	for _, f := range fs {
		b.Field(0).(*array.StringBuilder).Append(f.ID)
		b.Field(1).(*array.StringBuilder).Append(f.Kind)
		b.Field(2).(*array.StringBuilder).Append(f.Severity)
		lb := b.Field(3).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).AppendValues(f.Tables, nil)
		pb := b.Field(4).(*array.ListBuilder)
		pb.Append(true)
		for _, p := range f.Pages {
			pb.ValueBuilder().(*array.Int32Builder).Append(int32(p))
		}
		b.Field(5).(*array.StringBuilder).Append(f.Numbers)
		b.Field(6).(*array.StringBuilder).Append(f.MessageJA)
		b.Field(7).(*array.StringBuilder).Append(f.MessageEN)
		cb := b.Field(8).(*array.ListBuilder)
		cb.Append(true)
		for _, c := range f.Cells {
			cb.ValueBuilder().(*array.StringBuilder).Append(c.String())
		}
	}
	return b.NewRecord()
}

// String renders a number as the source gives it: the value, lost or
// not_reported.
func (c Number) String() string {
	if c.Lost {
		return c.Status()
	}
	return strconv.FormatInt(c.Value, 10)
}
