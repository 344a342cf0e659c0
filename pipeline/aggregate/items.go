package aggregate

import (
	"slices"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// OptionCount is how many respondents chose one option of one question
// (an item, or a matrix row's cell), among those who answered it.
type OptionCount struct {
	Item     *questionnaire.Item
	Row      string // matrix row, or ""
	Cell     string // matrix cell, or ""
	Code     string
	LabelJA  string
	LabelEN  string
	Count    int64
	Answered int64 // respondents who were asked and gave an answer (the base)
}

// ItemCounter counts every choice question's options straight from the
// questionnaire, independent of any published table: the per-year input of
// trends across years.
type ItemCounter struct {
	qs []choiceQuestion
}

type choiceQuestion struct {
	item      *questionnaire.Item
	row, cell string
	column    string
	multi     bool
	opts      []questionnaire.Option
	counts    []int64
	answered  int64
}

// NewItemCounter prepares counts for every single and multi item and every
// choice cell of every matrix row of q.
func NewItemCounter(q *questionnaire.Questionnaire) *ItemCounter {
	c := &ItemCounter{}
	for _, it := range q.Items {
		switch {
		case it.Type.IsChoice():
			c.qs = append(c.qs, choiceQuestion{item: it, column: it.ID, multi: it.Type == questionnaire.Multi,
				opts: it.Choices(), counts: make([]int64, len(it.Choices()))})
		case it.Type == questionnaire.Matrix:
			for _, r := range it.Rows {
				for i := range it.Cells {
					cell := &it.Cells[i]
					if !cell.Type.IsChoice() {
						continue
					}
					c.qs = append(c.qs, choiceQuestion{item: it, row: r.Code, cell: cell.ID,
						column: it.ID + "__" + r.Code + "__" + cell.ID, multi: cell.Type == questionnaire.Multi,
						opts: cell.Choices(), counts: make([]int64, len(cell.Choices()))})
				}
			}
		}
	}
	return c
}

// Add counts one record batch of processed/responses.
func (c *ItemCounter) Add(rec arrow.Record) {
	b := batch{rec: rec, idx: map[string]int{}}
	for i, f := range rec.Schema().Fields() {
		b.idx[f.Name] = i
	}
	n := int(rec.NumRows())
	for qi := range c.qs {
		q := &c.qs[qi]
		if _, ok := b.idx[q.column]; !ok {
			continue
		}
		for i := 0; i < n; i++ {
			if q.multi {
				if b.listLen(q.column, i) <= 0 {
					continue
				}
				q.answered++
				for oi, o := range q.opts {
					f := q.column + "__" + o.Code
					if _, ok := b.idx[f]; ok && b.flag(f, i) {
						q.counts[oi]++
					}
				}
				continue
			}
			code, ok := b.code(q.column, i)
			if !ok {
				continue
			}
			q.answered++
			if oi := slices.IndexFunc(q.opts, func(o questionnaire.Option) bool { return o.Code == code }); oi >= 0 {
				q.counts[oi]++
			}
		}
	}
}

// Counts returns every option's count in questionnaire order.
func (c *ItemCounter) Counts() []OptionCount {
	var out []OptionCount
	for _, q := range c.qs {
		for i, o := range q.opts {
			out = append(out, OptionCount{Item: q.item, Row: q.row, Cell: q.cell, Code: o.Code,
				LabelJA: o.LabelJA, LabelEN: o.LabelEN, Count: q.counts[i], Answered: q.answered})
		}
	}
	return out
}
