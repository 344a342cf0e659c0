package aggregate

import (
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// MaturitySchema is the Arrow schema of processed/maturity: one row per
// respondent and item whose options carry SIM3 levels. 未回答 and "not asked"
// give a null level, never 0.
var MaturitySchema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: columnar.Category},
	{Name: "item", Type: columnar.Category},
	{Name: "question_id", Type: columnar.Category},
	{Name: "sim3", Type: columnar.Category, Nullable: true},
	{Name: "code", Type: columnar.Category, Nullable: true},
	{Name: "sim3_level", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "coarse", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

// Maturity builds SIM3 levels per respondent from record batches of the
// responses dataset. Rows come respondent by respondent, items in
// questionnaire order.
type Maturity struct {
	mem   memory.Allocator
	items []matItem
	// dictionaries of the item, question_id, sim3 and code columns
	item, qid, sim3, code columnar.StringDict
	// what Add kept for Record: respondent ids per batch, code indices
	ids   []arrow.Array
	codes []int32
}

// matItem is a scale item with the dictionary indices of its constant
// columns and, per code index, its option (nil: a coded category outside the
// scale).
type matItem struct {
	it              *questionnaire.Item
	item, qid, sim3 int32
	opts            []*questionnaire.Option
}

// NewMaturity prepares the maturity table for every single-choice item whose
// options carry SIM3 levels. Call Release when done.
func NewMaturity(mem memory.Allocator, q *questionnaire.Questionnaire) *Maturity {
	m := &Maturity{mem: mem}
	for _, it := range q.Items {
		if it.Type != questionnaire.Single || !slices.ContainsFunc(it.Choices(), func(o questionnaire.Option) bool { return o.SIM3Level != nil }) {
			continue
		}
		m.items = append(m.items, matItem{it: it, item: m.item.Index(it.Number), qid: m.qid.Index(it.ID), sim3: m.sim3.Index(it.SIM3)})
	}
	for k := range m.items {
		mi := &m.items[k]
		for j := range mi.it.Choices() {
			o := &mi.it.Choices()[j]
			c := m.code.Index(o.Code)
			for len(mi.opts) <= int(c) {
				mi.opts = append(mi.opts, nil)
			}
			mi.opts[c] = o
		}
	}
	return m
}

// levels returns the respondent ids of a batch and the code index of every
// respondent and scale item (-1: no answer or not asked).
func (m *Maturity) levels(rec arrow.Record) (*array.String, []int32) {
	idx := make(map[string]int, rec.NumCols())
	for i, f := range rec.Schema().Fields() {
		idx[f.Name] = i
	}
	n, k := int(rec.NumRows()), len(m.items)
	codes := make([]int32, n*k)
	var tr, ix []int32
	for j, mi := range m.items {
		col := rec.Column(idx[mi.it.ID])
		switch a := col.(type) {
		case *array.Dictionary:
			dict := a.Dictionary().(*array.String)
			tr = tr[:0]
			for v := 0; v < dict.Len(); v++ {
				tr = append(tr, m.code.Index(dict.Value(v)))
			}
			ix = columnar.DictIndices(a, ix)
			for i, v := range ix {
				codes[i*k+j] = -1
				if v >= 0 {
					codes[i*k+j] = tr[v]
				}
			}
		case *array.String: // read back from Parquet
			for i := 0; i < n; i++ {
				codes[i*k+j] = -1
				if a.IsValid(i) {
					codes[i*k+j] = m.code.Index(a.Value(i))
				}
			}
		default:
			for i := 0; i < n; i++ {
				codes[i*k+j] = -1
			}
		}
	}
	return rec.Column(idx["respondent_id"]).(*array.String), codes
}

// record builds maturity rows from respondent ids and code indices.
func (m *Maturity) record(mem memory.Allocator, ids arrow.Array, codes []int32) arrow.Record {
	k := len(m.items)
	rows := len(codes)
	resp, item, qid, sim3 := make([]int32, rows), make([]int32, rows), make([]int32, rows), make([]int32, rows)
	lb := array.NewInt32Builder(mem)
	defer lb.Release()
	cb := array.NewBooleanBuilder(mem)
	defer cb.Release()
	lb.Reserve(rows)
	cb.Reserve(rows)
	for r, c := range codes {
		mi := &m.items[r%k]
		resp[r], item[r], qid[r], sim3[r] = int32(r/k), mi.item, mi.qid, mi.sim3
		var opt *questionnaire.Option
		if c >= 0 && int(c) < len(mi.opts) {
			opt = mi.opts[c]
		}
		if opt == nil || opt.SIM3Level == nil {
			lb.UnsafeAppendBoolToBitmap(false) // no answer, or a coded category outside the scale
			cb.UnsafeAppendBoolToBitmap(false)
		} else {
			lb.UnsafeAppend(int32(*opt.SIM3Level))
			cb.UnsafeAppend(opt.Coarse)
		}
	}
	ids.Retain()
	dicts := []arrow.Array{ids, m.item.Array(mem), m.qid.Array(mem), m.sim3.Array(mem), m.code.Array(mem)}
	cols := make([]arrow.Array, 0, 7)
	for i, indices := range [][]int32{resp, item, qid, sim3, codes} {
		cols = append(cols, columnar.NewCategory(indices, dicts[i]))
		dicts[i].Release()
	}
	cols = append(cols, lb.NewArray(), cb.NewArray())
	out := array.NewRecord(MaturitySchema, cols, int64(rows))
	for _, c := range cols {
		c.Release()
	}
	return out
}

// Batch returns the levels of one batch as their own record (for streaming
// the dataset); the caller releases it.
func (m *Maturity) Batch(mem memory.Allocator, rec arrow.Record) arrow.Record {
	ids, codes := m.levels(rec)
	return m.record(mem, ids, codes)
}

// Add keeps the levels of one batch for the record Record returns.
func (m *Maturity) Add(rec arrow.Record) {
	ids, codes := m.levels(rec)
	ids.Retain()
	m.ids = append(m.ids, ids)
	m.codes = append(m.codes, codes...)
}

// Record returns the maturity rows added so far; the caller releases it.
func (m *Maturity) Record() arrow.Record {
	var ids arrow.Array
	if len(m.ids) == 0 {
		b := array.NewStringBuilder(m.mem)
		ids = b.NewArray()
		b.Release()
	} else {
		var err error
		if ids, err = array.Concatenate(m.ids, m.mem); err != nil {
			panic(err) // string arrays of one type always concatenate
		}
	}
	defer ids.Release()
	return m.record(m.mem, ids, m.codes)
}

// Release frees what Add kept.
func (m *Maturity) Release() {
	for _, a := range m.ids {
		a.Release()
	}
	m.ids, m.codes = nil, nil
}
