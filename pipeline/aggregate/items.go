package aggregate

import (
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// OptionCount is how many respondents chose one category of one question
// (an item, or a matrix row's cell), among those who answered it. A category
// is one option, or several options grouped together (a split option of a
// later survey year, counted once per respondent).
type OptionCount struct {
	Item     *questionnaire.Item
	Row      string   // matrix row, or ""
	Cell     string   // matrix cell, or ""
	Category string   // the group's name (the option code when ungrouped)
	Codes    []string // the options in the category
	LabelJA  string
	LabelEN  string
	Count    int64
	Answered int64 // respondents who were asked and gave an answer (the base)
}

// Grouping names the category an option belongs to; options with the same
// category are counted together, each respondent once.
type Grouping func(it *questionnaire.Item, row, cell, code string) string

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
	catOf     []int    // option index -> category index
	cats      []string // category names in order of first option
	counts    []int64  // per category
	seen      []bool   // per category, for the respondent being counted
	answered  int64
}

func (q *choiceQuestion) group(g Grouping) {
	idx := map[string]int{}
	for _, o := range q.opts {
		name := o.Code
		if g != nil {
			name = g(q.item, q.row, q.cell, o.Code)
		}
		i, ok := idx[name]
		if !ok {
			i = len(q.cats)
			idx[name] = i
			q.cats = append(q.cats, name)
		}
		q.catOf = append(q.catOf, i)
	}
	q.counts = make([]int64, len(q.cats))
	q.seen = make([]bool, len(q.cats))
}

// NewItemCounter prepares counts for every single and multi item and every
// choice cell of every matrix row of q; g (nil: none) groups options.
func NewItemCounter(q *questionnaire.Questionnaire, g Grouping) *ItemCounter {
	c := &ItemCounter{}
	for _, it := range q.Items {
		switch {
		case it.Type.IsChoice():
			c.qs = append(c.qs, choiceQuestion{item: it, column: it.ID, multi: it.Type == questionnaire.Multi,
				opts: it.Choices()})
		case it.Type == questionnaire.Matrix:
			for _, r := range it.Rows {
				for i := range it.Cells {
					cell := &it.Cells[i]
					if !cell.Type.IsChoice() {
						continue
					}
					c.qs = append(c.qs, choiceQuestion{item: it, row: r.Code, cell: cell.ID,
						column: columns.Cell(it.ID, r.Code, cell.ID), multi: cell.Type == questionnaire.Multi,
						opts: cell.Choices()})
				}
			}
		}
	}
	for i := range c.qs {
		c.qs[i].group(g)
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
		if !q.multi {
			// category index of each code (-1: a coded category, no option)
			cat := func(v string) int {
				if oi := slices.IndexFunc(q.opts, func(o questionnaire.Option) bool { return o.Code == v }); oi >= 0 {
					return q.catOf[oi]
				}
				return -1
			}
			if a, ok := b.col(q.column).(*array.Dictionary); ok {
				vals := a.Dictionary().(*array.String)
				tr := make([]int, vals.Len())
				for k := range tr {
					tr[k] = cat(vals.Value(k))
				}
				for _, k := range columnar.DictIndices(a, nil) {
					if k < 0 {
						continue
					}
					q.answered++
					if ci := tr[k]; ci >= 0 {
						q.counts[ci]++
					}
				}
				continue
			}
			code := b.codes(q.column, func(v string) int {
				if oi := slices.IndexFunc(q.opts, func(o questionnaire.Option) bool { return o.Code == v }); oi >= 0 {
					return q.catOf[oi]
				}
				return -1
			})
			for i := 0; i < n; i++ {
				ci, ok := code(i)
				if !ok {
					continue
				}
				q.answered++
				if ci >= 0 {
					q.counts[ci]++
				}
			}
			continue
		}
		list := b.col(q.column).(*array.List)
		var flags []func(int) bool
		var cats []int
		for oi, o := range q.opts {
			if f := columns.Flag(q.column, o.Code); b.has(f) {
				flags = append(flags, b.flags(f))
				cats = append(cats, q.catOf[oi])
			}
		}
		for i := 0; i < n; i++ {
			if list.IsNull(i) {
				continue
			}
			if start, end := list.ValueOffsets(i); end <= start {
				continue
			}
			q.answered++
			clear(q.seen)
			for k, f := range flags {
				if f(i) && !q.seen[cats[k]] {
					q.seen[cats[k]] = true
					q.counts[cats[k]]++
				}
			}
		}
	}
}

// Counts returns every category's count in questionnaire order.
func (c *ItemCounter) Counts() []OptionCount {
	var out []OptionCount
	for _, q := range c.qs {
		for ci, cat := range q.cats {
			oc := OptionCount{Item: q.item, Row: q.row, Cell: q.cell, Category: cat, Count: q.counts[ci], Answered: q.answered}
			for oi, o := range q.opts {
				if q.catOf[oi] != ci {
					continue
				}
				oc.Codes = append(oc.Codes, o.Code)
				if oc.LabelJA != "" {
					oc.LabelJA += " / "
					oc.LabelEN += " / "
				}
				oc.LabelJA += o.LabelJA
				oc.LabelEN += o.LabelEN
			}
			out = append(out, oc)
		}
	}
	return out
}
