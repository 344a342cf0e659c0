// Package responses reshapes the typed responses dataset (one row per
// respondent) into its long form, processed/answers: one row per given answer
// (respondent, item, matrix row and cell, option code or value).
package responses

import (
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// AnswersSchema is the Arrow schema of processed/answers.
var AnswersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: arrow.BinaryTypes.String},
	{Name: "item", Type: arrow.BinaryTypes.String},
	{Name: "question_id", Type: arrow.BinaryTypes.String},
	{Name: "row", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "cell", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Answers turns record batches of processed/responses into batches of
// processed/answers. Unanswered and not-asked items give no row.
type Answers struct {
	mem  memory.Allocator
	cols []columns.Column
}

// NewAnswers prepares the reshaping for q's responses schema.
func NewAnswers(mem memory.Allocator, q *questionnaire.Questionnaire) *Answers {
	a := &Answers{mem: mem}
	for _, c := range columns.Plan(q) {
		if c.Kind == columns.KindAnswer || c.Kind == columns.KindCoded {
			a.cols = append(a.cols, c)
		}
	}
	return a
}

// Batch reshapes one batch; the caller releases the returned record.
func (a *Answers) Batch(rec arrow.Record) arrow.Record {
	b := array.NewRecordBuilder(a.mem, AnswersSchema)
	defer b.Release()
	idx := map[string]int{}
	for i, f := range rec.Schema().Fields() {
		idx[f.Name] = i
	}
	ids := rec.Column(idx["respondent_id"]).(*array.String)
	str := func(f int, v string) {
		if v == "" {
			b.Field(f).AppendNull()
		} else {
			b.Field(f).(*array.StringBuilder).Append(v)
		}
	}
	emit := func(id string, c columns.Column, code, value string) {
		str(0, id)
		str(1, c.Item.Number)
		str(2, c.Item.ID)
		str(3, c.Row)
		str(4, c.Cell)
		str(5, code)
		str(6, value)
	}
	for _, c := range a.cols {
		col := rec.Column(idx[c.Name])
		for i := 0; i < int(rec.NumRows()); i++ {
			if col.IsNull(i) {
				continue
			}
			id := ids.Value(i)
			switch arr := col.(type) {
			case *array.Dictionary:
				emit(id, c, arr.Dictionary().(*array.String).Value(arr.GetValueIndex(i)), "")
			case *array.List:
				vals := arr.ListValues().(*array.String)
				start, end := arr.ValueOffsets(i)
				for j := start; j < end; j++ {
					emit(id, c, vals.Value(int(j)), "")
				}
			case *array.Int32:
				emit(id, c, "", strconv.Itoa(int(arr.Value(i))))
			case *array.Date32:
				emit(id, c, "", arr.Value(i).ToTime().Format("2006-01"))
			}
		}
	}
	return b.NewRecord()
}
