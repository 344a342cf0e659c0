// Package aggregate computes, from the typed responses dataset, every
// published table (same keys, same rows, same base rule), SIM3 maturity
// levels per respondent, and crosstabs.
//
// Counting streams: a Counter takes record batches one at a time and keeps
// only the counts, so memory does not grow with the number of respondents.
package aggregate

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Row is one row of a computed frequency table.
type Row struct {
	TableKey string
	RowNo    int
	Code     string
	LabelJA  string
	LabelEN  string
	Count    int64
	N        int64
	Multi    bool   // a respondent may be counted in several rows
	Base     string // who forms N
}

// Counter computes the frequency tables of a year's specs.
type Counter struct {
	tables      []*table
	respondents int64
}

type table struct {
	spec   *published.Spec
	counts []int64
	n      int64
	multi  bool
	// classify appends to rows the row indexes respondent i of a batch is
	// counted in, and reports whether the respondent is in the base.
	classify func(b batch, i int, rows []int) ([]int, bool)
	cols     []string // columns the table reads, checked on every batch
}

// NewCounter prepares the counting of every spec. It fails when a spec needs
// a kind of counting the pipeline does not know.
func NewCounter(q *questionnaire.Questionnaire, specs []*published.Spec) (*Counter, error) {
	c := &Counter{}
	for _, s := range specs {
		t, err := newTable(q, s)
		if err != nil {
			return nil, fmt.Errorf("aggregate: table %s: %w", s.Key, err)
		}
		c.tables = append(c.tables, t)
	}
	return c, nil
}

// Add counts the respondents of one record batch of processed/responses.
func (c *Counter) Add(rec arrow.Record) error {
	b := batch{rec: rec, idx: map[string]int{}}
	for i, f := range rec.Schema().Fields() {
		b.idx[f.Name] = i
	}
	for _, t := range c.tables {
		for _, col := range t.cols {
			if _, ok := b.idx[col]; !ok {
				return fmt.Errorf("aggregate: table %s needs column %s, which the responses lack", t.spec.Key, col)
			}
		}
	}
	n := int(rec.NumRows())
	var rows []int
	for _, t := range c.tables {
		for i := 0; i < n; i++ {
			var in bool
			rows, in = t.classify(b, i, rows[:0])
			for _, r := range rows {
				t.counts[r]++
			}
			if in {
				t.n++
			}
		}
	}
	c.respondents += int64(n)
	return nil
}

// Respondents returns how many respondents were counted.
func (c *Counter) Respondents() int64 { return c.respondents }

// Rows returns every computed table, in spec order, rows in printed order,
// zero-count rows kept.
func (c *Counter) Rows() []Row {
	var out []Row
	for _, t := range c.tables {
		for i, cat := range t.spec.Categories {
			out = append(out, Row{TableKey: t.spec.Key, RowNo: i + 1, Code: cat.Code, LabelJA: cat.LabelJA,
				LabelEN: cat.LabelEN, Count: t.counts[i], N: t.n, Multi: t.multi, Base: t.spec.Base})
		}
	}
	return out
}

// batch gives typed access to the columns of one record batch by name.
type batch struct {
	rec arrow.Record
	idx map[string]int
}

func (b batch) col(name string) arrow.Array { return b.rec.Column(b.idx[name]) }

// code returns the string value (dictionary or utf8) of a column at row i.
func (b batch) code(name string, i int) (string, bool) {
	a := b.col(name)
	if a.IsNull(i) {
		return "", false
	}
	switch a := a.(type) {
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i)), true
	case *array.String:
		return a.Value(i), true
	}
	return "", false
}

func (b batch) flag(name string, i int) bool {
	a := b.col(name).(*array.Boolean)
	return !a.IsNull(i) && a.Value(i)
}

func (b batch) null(name string, i int) bool { return b.col(name).IsNull(i) }

func (b batch) date(name string, i int) (time.Time, bool) {
	a := b.col(name).(*array.Date32)
	if a.IsNull(i) {
		return time.Time{}, false
	}
	return a.Value(i).ToTime(), true
}

func (b batch) integer(name string, i int) (int, bool) {
	a := b.col(name).(*array.Int32)
	if a.IsNull(i) {
		return 0, false
	}
	return int(a.Value(i)), true
}

// listLen returns the number of codes of a list column at row i, -1 if null.
func (b batch) listLen(name string, i int) int {
	a := b.col(name).(*array.List)
	if a.IsNull(i) {
		return -1
	}
	start, end := a.ValueOffsets(i)
	return int(end - start)
}

func newTable(q *questionnaire.Questionnaire, s *published.Spec) (*table, error) {
	t := &table{spec: s, counts: make([]int64, len(s.Categories))}
	rowOf := map[string]int{}
	missing := -1
	for i, cat := range s.Categories {
		rowOf[cat.Code] = i
		if cat.Kind == published.KindMissing {
			missing = i
		}
	}
	hit := func(rows []int, code string) []int {
		if r, ok := rowOf[code]; ok {
			rows = append(rows, r)
		}
		return rows
	}
	miss := func(rows []int) []int {
		if missing >= 0 {
			rows = append(rows, missing)
		}
		return rows
	}
	it := s.ItemRef()
	if s.Derive != nil {
		return t, derivedTable(q, s, t, hit, miss)
	}
	askedCol := ""
	if rel := s.Relevance(); rel != nil {
		askedCol = answerColumn(s) + "__asked"
		t.cols = append(t.cols, askedCol)
	}
	asked := func(b batch, i int) bool { return askedCol == "" || b.flag(askedCol, i) }
	inBase := func(b batch, i int, answered bool) bool {
		switch {
		case s.Base == published.BaseAll:
			return true
		case s.Base == published.BaseAsked:
			return asked(b, i)
		default: // answered; group bases are handled by the multi counter
			return answered
		}
	}

	switch {
	case s.CellRef() != nil && s.Value != "":
		// Group table of a matrix: one row per matrix row, counting one cell value.
		t.multi = true
		for _, cat := range s.Categories {
			t.cols = append(t.cols, it.ID+"__"+cat.Code+"__"+s.Cell)
		}
		t.classify = func(b batch, i int, rows []int) ([]int, bool) {
			for r, cat := range s.Categories {
				if v, ok := b.code(it.ID+"__"+cat.Code+"__"+s.Cell, i); ok && v == s.Value {
					rows = append(rows, r)
				}
			}
			return rows, inBase(b, i, len(rows) > 0)
		}
	case it.Type == questionnaire.Multi:
		t.multi = true
		listCol := it.ID
		t.cols = append(t.cols, listCol)
		var flags []string
		for _, cat := range s.Categories {
			if cat.Kind != published.KindMissing {
				flags = append(flags, it.ID+"__"+cat.Code)
			}
		}
		t.cols = append(t.cols, flags...)
		var group []string
		if g, ok := strings.CutPrefix(s.Base, "group:"); ok {
			for _, o := range it.Choices() {
				if o.Group == g {
					group = append(group, it.ID+"__"+o.Code)
				}
			}
		}
		t.classify = func(b batch, i int, rows []int) ([]int, bool) {
			if !asked(b, i) {
				return rows, s.Base == published.BaseAll
			}
			for _, cat := range s.Categories {
				if cat.Kind != published.KindMissing && b.flag(it.ID+"__"+cat.Code, i) {
					rows = hit(rows, cat.Code)
				}
			}
			n := b.listLen(listCol, i)
			if n < 0 {
				rows = miss(rows)
			}
			if group != nil {
				return rows, slices.ContainsFunc(group, func(f string) bool { return b.flag(f, i) })
			}
			return rows, inBase(b, i, n > 0)
		}
	default:
		col := answerColumn(s)
		t.cols = append(t.cols, col)
		codedCol := ""
		if s.CellRef() != nil && len(it.Coded) > 0 && rowHasCoded(s) {
			codedCol = it.ID + "__" + s.Row + "__coded"
		} else if s.CellRef() == nil && !it.Type.IsChoice() && len(it.Coded) > 0 {
			codedCol = it.ID + "__coded"
		}
		if codedCol != "" {
			t.cols = append(t.cols, codedCol)
		}
		value, err := valueReader(it, s, col)
		if err != nil {
			return nil, err
		}
		t.classify = func(b batch, i int, rows []int) ([]int, bool) {
			if !asked(b, i) {
				return rows, s.Base == published.BaseAll
			}
			// The analysts' coding comes first: it is set exactly when the answer
			// is not a plain value (a write-in instead of a number), or, for a
			// written-in matrix row, it is what the table counts.
			answered := false
			if codedCol != "" {
				if code, ok := b.code(codedCol, i); ok {
					rows, answered = hit(rows, code), true
				}
			}
			if !answered {
				if code, ok := value(b, i); ok {
					rows, answered = hit(rows, code), true
				}
			}
			if !answered {
				rows = miss(rows)
			}
			return rows, inBase(b, i, answered)
		}
	}
	return t, nil
}

// rowHasCoded reports whether a matrix row table counts the item's coded
// categories (the written-in row of 2.9).
func rowHasCoded(s *published.Spec) bool {
	for _, cat := range s.Categories {
		for _, cd := range s.ItemRef().Coded {
			if cat.Code == cd.Code {
				return true
			}
		}
	}
	return false
}

// answerColumn is the responses column holding what a table counts.
func answerColumn(s *published.Spec) string {
	it := s.ItemRef()
	if s.CellRef() != nil && s.Row != "" {
		return it.ID + "__" + s.Row + "__" + s.Cell
	}
	return it.ID
}

// valueReader returns a function that gives the category code of respondent i
// for a single-valued column: the code itself, or the bin of a number or month.
func valueReader(it *questionnaire.Item, s *published.Spec, col string) (func(batch, int) (string, bool), error) {
	switch {
	case s.CellRef() != nil || it.Type == questionnaire.Single:
		return func(b batch, i int) (string, bool) { return b.code(col, i) }, nil
	case it.Type == questionnaire.Integer:
		return func(b batch, i int) (string, bool) {
			v, ok := b.integer(col, i)
			if !ok {
				return "", false
			}
			for _, bin := range it.Bins {
				if bin.Contains(v) {
					return bin.Code, true
				}
			}
			return "", true // a number outside every bin: answered, counted nowhere
		}, nil
	case it.Type == questionnaire.YearMonth:
		bins := s.Bins
		return func(b batch, i int) (string, bool) {
			d, ok := b.date(col, i)
			if !ok {
				return "", false
			}
			m := d.Format("2006-01")
			for _, bin := range bins {
				if (bin.From == "" || m >= bin.From) && (bin.To == "" || m <= bin.To) {
					return bin.Code, true
				}
			}
			return "", true
		}, nil
	case it.Type == questionnaire.Text:
		return nil, fmt.Errorf("free-text item %s cannot be tabulated", it.Number)
	}
	return nil, fmt.Errorf("no counting rule for item %s of type %s", it.Number, it.Type)
}

// derivedTable counts the months from one year_month item to another.
func derivedTable(q *questionnaire.Questionnaire, s *published.Spec, t *table, hit func([]int, string) []int, miss func([]int) []int) error {
	from, to := q.Item(s.Derive.MonthsBetween[0]), q.Item(s.Derive.MonthsBetween[1])
	t.cols = []string{from.ID, to.ID}
	t.classify = func(b batch, i int, rows []int) ([]int, bool) {
		d1, ok1 := b.date(from.ID, i)
		d2, ok2 := b.date(to.ID, i)
		if !ok1 || !ok2 {
			return miss(rows), true
		}
		months := (d2.Year()-d1.Year())*12 + int(d2.Month()-d1.Month())
		for _, bin := range s.Bins {
			if (bin.Min == nil || months >= *bin.Min) && (bin.Max == nil || months <= *bin.Max) {
				return hit(rows, bin.Code), true
			}
		}
		return rows, true
	}
	return nil
}
