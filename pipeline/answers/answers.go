// Package answers computes the answers dataset (processed/answers): the typed
// responses dataset (one row per respondent) in long form, one row per given
// answer (respondent, item, matrix row and cell, option code or value).
package answers

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Schema is the Arrow schema of processed/answers. Every column is a
// dictionary of strings (value holds numbers and months as written, 12 or
// 2014-05); Parquet readers without the Arrow schema see plain strings.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: columnar.Category},
	{Name: "item", Type: columnar.Category},
	{Name: "question_id", Type: columnar.Category},
	{Name: "row", Type: columnar.Category, Nullable: true},
	{Name: "cell", Type: columnar.Category, Nullable: true},
	{Name: "code", Type: columnar.Category, Nullable: true},
	{Name: "value", Type: columnar.Category, Nullable: true},
}, nil)

// Reshaper turns record batches of processed/responses into batches of
// processed/answers. Unanswered and not-asked items give no row. Rows come
// column by column of the responses (item order), respondents in input order
// within a column.
type Reshaper struct {
	mem  memory.Allocator
	cols []answerCol
	// dictionaries of the item, question_id, row, cell and code columns
	items, qids, rows, cells columnar.StringDict
	codes, values            columnar.StringDict
	perResp                  int // answers per respondent in the batches so far (at most)
	ix                       []int32
	// bufs are the index slices of the last batch's record, reused by the
	// next: a batch of 8192 respondents has about 750 000 answers, and
	// fresh slices for each were zeroed, faulted in and collected again.
	bufs [7][]int32
}

// answerCol is one answer or coded column of the responses with the indices
// of its constant values in the dictionaries (-1: null).
type answerCol struct {
	name                 string
	item, qid, row, cell int32
}

// New prepares the reshaping for q's responses schema. The code
// dictionary holds every option code and coded category of q's columns, in
// column order, so every batch has the same dictionaries.
func New(mem memory.Allocator, q *questionnaire.Questionnaire) *Reshaper {
	a := &Reshaper{mem: mem}
	for _, c := range columns.Plan(q) {
		if c.Kind != columns.KindAnswer && c.Kind != columns.KindCoded {
			continue
		}
		a.cols = append(a.cols, answerCol{
			name: c.Name,
			item: a.items.Index(c.Item.Number),
			qid:  a.qids.Index(c.Item.ID),
			row:  a.rows.Index(c.Row),
			cell: a.cells.Index(c.Cell),
		})
		if js, ok := c.Metadata.GetValue(columns.MetaCodes); ok {
			var codes []columns.Code
			if json.Unmarshal([]byte(js), &codes) == nil {
				for _, cd := range codes {
					a.codes.Index(cd.Code)
				}
			}
		}
	}
	return a
}

// Batch reshapes one batch; the caller releases the returned record. The
// record is valid until the next call of Batch, which reuses its memory.
func (a *Reshaper) Batch(rec arrow.Record) arrow.Record {
	idx := make(map[string]int, rec.NumCols())
	for i, f := range rec.Schema().Fields() {
		idx[f.Name] = i
	}
	ids := rec.Column(idx["respondent_id"])
	n := int(rec.NumRows())
	// Dictionary indices of the category columns (-1: null), filled column
	// by column of the responses: the item, question, row and cell of a run
	// are constant.
	// Sized from the previous batch's answers per respondent, to avoid
	// growing (copying) six large slices.
	size := n * (a.perResp + 1)
	for i := range a.bufs {
		a.bufs[i] = slices.Grow(a.bufs[i][:0], size)
	}
	resp, item, qid, row, cell, code, value := a.bufs[0], a.bufs[1], a.bufs[2], a.bufs[3], a.bufs[4], a.bufs[5], a.bufs[6]
	// run adds the constant columns of the answers added since start.
	run := func(c *answerCol, start int) {
		k := len(resp) - start
		item = appendN(item, c.item, k)
		qid = appendN(qid, c.qid, k)
		row = appendN(row, c.row, k)
		cell = appendN(cell, c.cell, k)
		value = appendN(value, -1, len(resp)-len(value)) // codes have no value
	}
	var tr []int32
	for ci := range a.cols {
		c := &a.cols[ci]
		start := len(resp)
		switch arr := rec.Column(idx[c.name]).(type) {
		case *array.Dictionary:
			dict := arr.Dictionary().(*array.String)
			tr = tr[:0]
			for j := 0; j < dict.Len(); j++ {
				tr = append(tr, a.codes.Index(dict.Value(j)))
			}
			a.ix = columnar.DictIndices(arr, a.ix)
			for i, k := range a.ix {
				if k >= 0 {
					resp = append(resp, int32(i))
					code = append(code, tr[k])
				}
			}
		case *array.List:
			vals := arr.ListValues().(*array.String)
			for i := 0; i < n; i++ {
				if arr.IsNull(i) {
					continue
				}
				begin, end := arr.ValueOffsets(i)
				for j := begin; j < end; j++ {
					resp = append(resp, int32(i))
					code = append(code, a.codes.Index(vals.Value(int(j))))
				}
			}
		case *array.Int32:
			for i := 0; i < n; i++ {
				if arr.IsValid(i) {
					value = append(value, a.values.Index(strconv.Itoa(int(arr.Value(i)))))
					resp = append(resp, int32(i))
					code = append(code, -1)
				}
			}
		case *array.Date32:
			for i := 0; i < n; i++ {
				if arr.IsValid(i) {
					value = append(value, a.values.Index(arr.Value(i).ToTime().Format("2006-01")))
					resp = append(resp, int32(i))
					code = append(code, -1)
				}
			}
		}
		run(c, start)
	}
	if n > 0 {
		a.perResp = max(a.perResp, len(resp)/n)
	}
	a.bufs = [7][]int32{resp, item, qid, row, cell, code, value} // grown, perhaps
	ids.Retain()
	dicts := []arrow.Array{ids, a.items.Array(a.mem), a.qids.Array(a.mem), a.rows.Array(a.mem), a.cells.Array(a.mem), a.codes.Array(a.mem)}
	cols := make([]arrow.Array, 0, len(Schema.Fields()))
	for i, indices := range [][]int32{resp, item, qid, row, cell, code} {
		cols = append(cols, columnar.NewCategory(indices, dicts[i]))
		dicts[i].Release()
	}
	valDict := a.values.Array(a.mem)
	cols = append(cols, columnar.NewCategory(value, valDict))
	valDict.Release()
	out := array.NewRecord(Schema, cols, int64(len(resp)))
	for _, c := range cols {
		c.Release()
	}
	return out
}

// appendN appends k copies of v to s.
func appendN(s []int32, v int32, k int) []int32 {
	s = slices.Grow(s, k)
	tail := s[len(s) : len(s)+k]
	for i := range tail {
		tail[i] = v
	}
	return s[:len(s)+k]
}
