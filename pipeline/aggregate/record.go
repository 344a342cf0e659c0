package aggregate

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// FrequenciesSchema is the Arrow schema of processed/frequencies (DESIGN.md section 3).
var FrequenciesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "table_key", Type: arrow.BinaryTypes.String},
	{Name: "row_no", Type: arrow.PrimitiveTypes.Int32},
	{Name: "code", Type: arrow.BinaryTypes.String},
	{Name: "label_ja", Type: arrow.BinaryTypes.String},
	{Name: "label_en", Type: arrow.BinaryTypes.String},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	{Name: "multi", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "base", Type: arrow.BinaryTypes.String},
	// count_basis: printed | inferred | chosen | lost | contradicted | not_reported | not_published (see pipeline/reconcile).
	{Name: "count_basis", Type: arrow.BinaryTypes.String},
}, nil)

// FrequenciesRecord converts computed rows to an Arrow record; the caller releases it.
func FrequenciesRecord(mem memory.Allocator, rows []Row) arrow.Record {
	b := array.NewRecordBuilder(mem, FrequenciesSchema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.StringBuilder).Append(r.TableKey)
		b.Field(1).(*array.Int32Builder).Append(int32(r.RowNo))
		b.Field(2).(*array.StringBuilder).Append(r.Code)
		b.Field(3).(*array.StringBuilder).Append(r.LabelJA)
		b.Field(4).(*array.StringBuilder).Append(r.LabelEN)
		b.Field(5).(*array.Int64Builder).Append(r.Count)
		b.Field(6).(*array.Int64Builder).Append(r.N)
		b.Field(7).(*array.BooleanBuilder).Append(r.Multi)
		b.Field(8).(*array.StringBuilder).Append(r.Base)
		b.Field(9).(*array.StringBuilder).Append(r.CountBasis)
	}
	return b.NewRecord()
}
