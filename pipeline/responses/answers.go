// Package responses reshapes the typed responses dataset (one row per
// respondent) into its long form, processed/answers: one row per given answer
// (respondent, item, matrix row and cell, option code or value).
package responses

import (
	"encoding/json"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// category is the type of the answers dataset's repeated string columns: a
// dictionary (pandas category), so that a long table of many millions of
// rows stays small in memory and is written without re-hashing its strings.
var category = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// AnswersSchema is the Arrow schema of processed/answers. Every column but
// value is a dictionary of strings; Parquet readers without the Arrow schema
// see plain strings.
var AnswersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: category},
	{Name: "item", Type: category},
	{Name: "question_id", Type: category},
	{Name: "row", Type: category, Nullable: true},
	{Name: "cell", Type: category, Nullable: true},
	{Name: "code", Type: category, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Answers turns record batches of processed/responses into batches of
// processed/answers. Unanswered and not-asked items give no row. Rows come
// column by column of the responses (item order), respondents in input order
// within a column.
type Answers struct {
	mem  memory.Allocator
	cols []answerCol
	// dictionaries of the item, question_id, row, cell and code columns
	items, qids, rows, cells strDict
	codes                    strDict
}

// answerCol is one answer or coded column of the responses with the indices
// of its constant values in the dictionaries (-1: null).
type answerCol struct {
	name                 string
	item, qid, row, cell int32
}

// strDict is an append-only dictionary of strings.
type strDict struct {
	vals []string
	idx  map[string]int32
}

// index returns the index of v, adding it when new; "" is null (-1).
func (d *strDict) index(v string) int32 {
	if v == "" {
		return -1
	}
	if i, ok := d.idx[v]; ok {
		return i
	}
	if d.idx == nil {
		d.idx = map[string]int32{}
	}
	i := int32(len(d.vals))
	d.idx[v] = i
	d.vals = append(d.vals, v)
	return i
}

func (d *strDict) array(mem memory.Allocator) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues(d.vals, nil)
	return b.NewArray()
}

// NewAnswers prepares the reshaping for q's responses schema. The code
// dictionary holds every option code and coded category of q's columns, in
// column order, so every batch has the same dictionaries.
func NewAnswers(mem memory.Allocator, q *questionnaire.Questionnaire) *Answers {
	a := &Answers{mem: mem}
	for _, c := range columns.Plan(q) {
		if c.Kind != columns.KindAnswer && c.Kind != columns.KindCoded {
			continue
		}
		a.cols = append(a.cols, answerCol{
			name: c.Name,
			item: a.items.index(c.Item.Number),
			qid:  a.qids.index(c.Item.ID),
			row:  a.rows.index(c.Row),
			cell: a.cells.index(c.Cell),
		})
		if js, ok := c.Metadata.GetValue(columns.MetaCodes); ok {
			var codes []columns.Code
			if json.Unmarshal([]byte(js), &codes) == nil {
				for _, cd := range codes {
					a.codes.index(cd.Code)
				}
			}
		}
	}
	return a
}

// Batch reshapes one batch; the caller releases the returned record.
func (a *Answers) Batch(rec arrow.Record) arrow.Record {
	idx := make(map[string]int, rec.NumCols())
	for i, f := range rec.Schema().Fields() {
		idx[f.Name] = i
	}
	ids := rec.Column(idx["respondent_id"])
	n := int(rec.NumRows())
	var bs [6]*array.Int32Builder
	for i := range bs {
		bs[i] = array.NewInt32Builder(a.mem)
		defer bs[i].Release()
		bs[i].Reserve(n * 8)
	}
	val := array.NewStringBuilder(a.mem)
	defer val.Release()
	opt := func(b *array.Int32Builder, v int32) {
		if v < 0 {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	emit := func(row int, c *answerCol, code int32, value string) {
		bs[0].Append(int32(row))
		bs[1].Append(c.item)
		bs[2].Append(c.qid)
		opt(bs[3], c.row)
		opt(bs[4], c.cell)
		opt(bs[5], code)
		if value == "" {
			val.AppendNull()
		} else {
			val.Append(value)
		}
	}
	var tr []int32
	for ci := range a.cols {
		c := &a.cols[ci]
		col := rec.Column(idx[c.name])
		switch arr := col.(type) {
		case *array.Dictionary:
			dict := arr.Dictionary().(*array.String)
			tr = tr[:0]
			for j := 0; j < dict.Len(); j++ {
				tr = append(tr, a.codes.index(dict.Value(j)))
			}
			for i := 0; i < n; i++ {
				if arr.IsValid(i) {
					emit(i, c, tr[arr.GetValueIndex(i)], "")
				}
			}
		case *array.List:
			vals := arr.ListValues().(*array.String)
			for i := 0; i < n; i++ {
				if arr.IsNull(i) {
					continue
				}
				start, end := arr.ValueOffsets(i)
				for j := start; j < end; j++ {
					emit(i, c, a.codes.index(vals.Value(int(j))), "")
				}
			}
		case *array.Int32:
			for i := 0; i < n; i++ {
				if arr.IsValid(i) {
					emit(i, c, -1, strconv.Itoa(int(arr.Value(i))))
				}
			}
		case *array.Date32:
			for i := 0; i < n; i++ {
				if arr.IsValid(i) {
					emit(i, c, -1, arr.Value(i).ToTime().Format("2006-01"))
				}
			}
		}
	}
	dicts := []arrow.Array{ids, a.items.array(a.mem), a.qids.array(a.mem), a.rows.array(a.mem), a.cells.array(a.mem), a.codes.array(a.mem)}
	ids.Retain()
	cols := make([]arrow.Array, 0, len(AnswersSchema.Fields()))
	for i, b := range bs {
		indices := b.NewArray()
		cols = append(cols, array.NewDictionaryArray(category, indices, dicts[i]))
		indices.Release()
		dicts[i].Release()
	}
	cols = append(cols, val.NewArray())
	out := array.NewRecord(AnswersSchema, cols, int64(cols[0].Len()))
	for _, c := range cols {
		c.Release()
	}
	return out
}
