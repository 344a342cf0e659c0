package aggregate

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// MaturitySchema is the Arrow schema of processed/maturity: one row per
// respondent and item whose options carry SIM3 levels. 未回答 and "not asked"
// give a null level, never 0.
var MaturitySchema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: arrow.BinaryTypes.String},
	{Name: "item", Type: arrow.BinaryTypes.String},
	{Name: "question_id", Type: arrow.BinaryTypes.String},
	{Name: "sim3", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sim3_level", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "coarse", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

// Maturity builds SIM3 levels per respondent from record batches of the
// responses dataset.
type Maturity struct {
	items []*questionnaire.Item
	b     *array.RecordBuilder
}

// NewMaturity prepares the maturity table for every single-choice item whose
// options carry SIM3 levels. Call Release when done.
func NewMaturity(mem memory.Allocator, q *questionnaire.Questionnaire) *Maturity {
	m := &Maturity{b: array.NewRecordBuilder(mem, MaturitySchema)}
	for _, it := range q.Items {
		if it.Type != questionnaire.Single {
			continue
		}
		for _, o := range it.Choices() {
			if o.SIM3Level != nil {
				m.items = append(m.items, it)
				break
			}
		}
	}
	return m
}

// Batch returns the levels of one batch as their own record (for streaming
// the dataset); the caller releases it.
func (m *Maturity) Batch(mem memory.Allocator, rec arrow.Record) arrow.Record {
	b := array.NewRecordBuilder(mem, MaturitySchema)
	defer b.Release()
	appendLevels(b, m.items, rec)
	return b.NewRecord()
}

// Add appends the levels of one batch to the record Record returns.
func (m *Maturity) Add(rec arrow.Record) { appendLevels(m.b, m.items, rec) }

func appendLevels(out *array.RecordBuilder, items []*questionnaire.Item, rec arrow.Record) {
	b := batch{rec: rec, idx: map[string]int{}}
	for i, f := range rec.Schema().Fields() {
		b.idx[f.Name] = i
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		id, _ := b.code("respondent_id", i)
		for _, it := range items {
			out.Field(0).(*array.StringBuilder).Append(id)
			out.Field(1).(*array.StringBuilder).Append(it.Number)
			out.Field(2).(*array.StringBuilder).Append(it.ID)
			if it.SIM3 == "" {
				out.Field(3).AppendNull()
			} else {
				out.Field(3).(*array.StringBuilder).Append(it.SIM3)
			}
			code, ok := b.code(it.ID, i)
			var opt *questionnaire.Option
			for k, o := range it.Choices() {
				if ok && o.Code == code {
					opt = &it.Choices()[k]
				}
			}
			if !ok {
				out.Field(4).AppendNull()
			} else {
				out.Field(4).(*array.StringBuilder).Append(code)
			}
			if opt == nil || opt.SIM3Level == nil {
				out.Field(5).AppendNull() // no answer, or a coded category outside the scale
				out.Field(6).AppendNull()
			} else {
				out.Field(5).(*array.Int32Builder).Append(int32(*opt.SIM3Level))
				out.Field(6).(*array.BooleanBuilder).Append(opt.Coarse)
			}
		}
	}
}

// Record returns the maturity rows added so far; the caller releases it.
func (m *Maturity) Record() arrow.Record { return m.b.NewRecord() }

// Release frees the builder.
func (m *Maturity) Release() { m.b.Release() }
