// Package aggregate computes, from the typed responses dataset, every
// published table (same keys, same rows, same base rule), SIM3 maturity
// levels per respondent, and crosstabs.
//
// Counting streams: a Counter takes record batches one at a time and keeps
// only the counts, so memory does not grow with the number of respondents.
package aggregate

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
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
	// CountBasis is what the count rests on compared with the published
	// table (reconcile.Basis*: printed, inferred, chosen, ...); empty until
	// the reconciliation sets it.
	CountBasis string
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
	// bind resolves the columns the table reads in one batch (once per
	// batch, not per row) and returns its classifier.
	bind func(b batch) classifier
	// count, when set, counts a whole batch column-wise (the common table of
	// one coded column); false when the batch's column is not a dictionary,
	// and the classifier counts it instead.
	count func(b batch, n int) bool
	cols  []string // columns the table reads, checked on every batch
}

// countCodes counts a table of one dictionary column (a single-choice item
// or a matrix cell) over a batch: the same as its classifier, row by row,
// without a function call per row.
func (t *table) countCodes(b batch, n int, col, askedCol string, row func(string) int, missing int) bool {
	a, ok := b.col(col).(*array.Dictionary)
	if !ok {
		return false
	}
	vals := a.Dictionary().(*array.String)
	tr := make([]int, vals.Len())
	for k := range tr {
		tr[k] = row(vals.Value(k))
	}
	ix := columnar.DictIndices(a, nil)
	var asked *array.Boolean
	if askedCol != "" {
		asked = b.col(askedCol).(*array.Boolean)
	}
	base := t.spec.Base
	for i, k := range ix[:n] {
		if asked != nil && !(asked.IsValid(i) && asked.Value(i)) {
			if base == published.BaseAll {
				t.n++
			}
			continue
		}
		answered := k >= 0
		switch {
		case answered && tr[k] >= 0:
			t.counts[tr[k]]++
		case !answered && missing >= 0:
			t.counts[missing]++
		}
		if answered || base == published.BaseAll || base == published.BaseAsked {
			t.n++
		}
	}
	return true
}

// classifier appends to rows the row indexes respondent i of a batch is
// counted in, and reports whether the respondent is in the base.
type classifier func(i int, rows []int) ([]int, bool)

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
		if t.count != nil && t.count(b, n) {
			continue
		}
		classify := t.bind(b)
		for i := 0; i < n; i++ {
			var in bool
			rows, in = classify(i, rows[:0])
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

// batch gives access to the columns of one record batch by name.
type batch struct {
	rec arrow.Record
	idx map[string]int
}

func (b batch) col(name string) arrow.Array { return b.rec.Column(b.idx[name]) }

func (b batch) has(name string) bool {
	_, ok := b.idx[name]
	return ok
}

// codes returns, for a column of codes (a dictionary, or plain strings as
// read back from Parquet), a reader of row i's value mapped through index:
// the index of the code (-1 when index does not know it), and false when the
// row is null. A dictionary's values are mapped once per batch.
func (b batch) codes(name string, index func(string) int) func(i int) (int, bool) {
	switch a := b.col(name).(type) {
	case *array.Dictionary:
		vals := a.Dictionary().(*array.String)
		tr := make([]int, vals.Len())
		for k := range tr {
			tr[k] = index(vals.Value(k))
		}
		ix := columnar.DictIndices(a, nil)
		return func(i int) (int, bool) {
			if k := ix[i]; k >= 0 {
				return tr[k], true
			}
			return -1, false
		}
	case *array.String:
		return func(i int) (int, bool) {
			if a.IsNull(i) {
				return -1, false
			}
			return index(a.Value(i)), true
		}
	}
	return func(int) (int, bool) { return -1, false }
}

// flags returns a reader of a bool column (null is false).
func (b batch) flags(name string) func(i int) bool {
	a := b.col(name).(*array.Boolean)
	return func(i int) bool { return a.IsValid(i) && a.Value(i) }
}

// months returns a reader of a date column as months since year 0.
func (b batch) months(name string) func(i int) (int, bool) {
	a := b.col(name).(*array.Date32)
	return func(i int) (int, bool) {
		if a.IsNull(i) {
			return 0, false
		}
		y, m, _ := a.Value(i).ToTime().Date()
		return y*12 + int(m) - 1, true
	}
}

// monthOf parses "YYYY-MM" as months since year 0 (a bin bound, checked when
// the specs were loaded).
func monthOf(s string) int {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0
	}
	return t.Year()*12 + int(t.Month()) - 1
}

// tableBuilder prepares the counting of one published table: which
// category row a code goes to, the missing row, and the "was asked" column.
type tableBuilder struct {
	t        *table
	s        *published.Spec
	it       *questionnaire.Item
	rowOf    map[string]int
	missing  int    // row of 未回答, -1 when the table has none
	askedCol string // the answer's __asked column when the table's question has a relevance rule
}

func newTable(q *questionnaire.Questionnaire, s *published.Spec) (*table, error) {
	tb := &tableBuilder{t: &table{spec: s, counts: make([]int64, len(s.Categories))}, s: s, it: s.ItemRef(),
		rowOf: map[string]int{}, missing: -1}
	for i, cat := range s.Categories {
		tb.rowOf[cat.Code] = i
		if cat.Kind == published.KindMissing {
			tb.missing = i
		}
	}
	if s.Derive != nil {
		return tb.t, derivedTable(q, s, tb.t, tb.hit, tb.miss)
	}
	if rel := s.Relevance(); rel != nil {
		tb.askedCol = columns.Asked(answerColumn(s))
		tb.t.cols = append(tb.t.cols, tb.askedCol)
	}
	switch {
	case s.CellRef() != nil && s.Value != "":
		tb.matrixGroup()
	case tb.it.Type == questionnaire.Multi:
		tb.multi()
	default:
		if err := tb.single(); err != nil {
			return nil, err
		}
	}
	return tb.t, nil
}

// row is the category row of a code (-1: none), for mapping dictionaries.
func (tb *tableBuilder) row(code string) int {
	if r, ok := tb.rowOf[code]; ok {
		return r
	}
	return -1
}

// hit adds row r (when it is one) to rows.
func (tb *tableBuilder) hit(rows []int, r int) []int {
	if r >= 0 {
		rows = append(rows, r)
	}
	return rows
}

// miss adds the missing row (when the table has one) to rows.
func (tb *tableBuilder) miss(rows []int) []int {
	if tb.missing >= 0 {
		rows = append(rows, tb.missing)
	}
	return rows
}

// bindAsked returns the batch's "was asked" reader and its base rule.
func (tb *tableBuilder) bindAsked(b batch) (asked func(int) bool, inBase func(i int, answered bool) bool) {
	asked = func(int) bool { return true }
	if tb.askedCol != "" {
		asked = b.flags(tb.askedCol)
	}
	base := tb.s.Base
	inBase = func(i int, answered bool) bool {
		switch {
		case base == published.BaseAll:
			return true
		case base == published.BaseAsked:
			return asked(i)
		default: // answered; group bases are handled by the multi counter
			return answered
		}
	}
	return asked, inBase
}

// matrixGroup prepares a group table of a matrix: one row per matrix row,
// counting one cell value.
func (tb *tableBuilder) matrixGroup() {
	t, s, it := tb.t, tb.s, tb.it
	t.multi = true
	for _, cat := range s.Categories {
		t.cols = append(t.cols, columns.Cell(it.ID, cat.Code, s.Cell))
	}
	isValue := func(v string) int {
		if v == s.Value {
			return 1
		}
		return 0
	}
	t.bind = func(b batch) classifier {
		_, inBase := tb.bindAsked(b)
		cells := make([]func(int) (int, bool), len(s.Categories))
		for r, cat := range s.Categories {
			cells[r] = b.codes(columns.Cell(it.ID, cat.Code, s.Cell), isValue)
		}
		return func(i int, rows []int) ([]int, bool) {
			for r, cell := range cells {
				if v, ok := cell(i); ok && v == 1 {
					rows = append(rows, r)
				}
			}
			return rows, inBase(i, len(rows) > 0)
		}
	}
}

// multi prepares a table of a multi item: its option flags, the list
// column for "no answer", and a group base's options.
func (tb *tableBuilder) multi() {
	t, s, it := tb.t, tb.s, tb.it
	t.multi = true
	listCol := it.ID
	t.cols = append(t.cols, listCol)
	var flagCols []string
	var flagRows []int
	for r, cat := range s.Categories {
		if cat.Kind != published.KindMissing {
			flagCols = append(flagCols, columns.Flag(it.ID, cat.Code))
			flagRows = append(flagRows, r)
		}
	}
	t.cols = append(t.cols, flagCols...)
	var group []string
	if g, ok := strings.CutPrefix(s.Base, "group:"); ok {
		for _, o := range it.Choices() {
			if o.Group == g {
				group = append(group, columns.Flag(it.ID, o.Code))
			}
		}
	}
	t.bind = func(b batch) classifier {
		asked, inBase := tb.bindAsked(b)
		flags := make([]func(int) bool, len(flagCols))
		for k, c := range flagCols {
			flags[k] = b.flags(c)
		}
		var groupFlags []func(int) bool
		for _, c := range group {
			groupFlags = append(groupFlags, b.flags(c))
		}
		list := b.col(listCol).(*array.List)
		return func(i int, rows []int) ([]int, bool) {
			if !asked(i) {
				return rows, s.Base == published.BaseAll
			}
			for k, f := range flags {
				if f(i) {
					rows = append(rows, flagRows[k])
				}
			}
			n := -1
			if list.IsValid(i) {
				start, end := list.ValueOffsets(i)
				n = int(end - start)
			}
			if n < 0 {
				rows = tb.miss(rows)
			}
			if group != nil {
				return rows, slices.ContainsFunc(groupFlags, func(f func(int) bool) bool { return f(i) })
			}
			return rows, inBase(i, n > 0)
		}
	}
}

// single prepares a table of one value per respondent: a single item, a
// matrix cell, a number or month by bins, with the analysts' coding first.
func (tb *tableBuilder) single() error {
	t, s, it := tb.t, tb.s, tb.it
	col := answerColumn(s)
	t.cols = append(t.cols, col)
	codedCol := ""
	if s.CellRef() != nil && len(it.Coded) > 0 && rowHasCoded(s) {
		codedCol = columns.RowCoded(it.ID, s.Row)
	} else if s.CellRef() == nil && !it.Type.IsChoice() && len(it.Coded) > 0 {
		codedCol = columns.Coded(it.ID)
	}
	if codedCol != "" {
		t.cols = append(t.cols, codedCol)
	}
	value, err := valueReader(it, s, col, tb.row)
	if err != nil {
		return err
	}
	if codedCol == "" && (s.CellRef() != nil || it.Type == questionnaire.Single) {
		t.count = func(b batch, n int) bool { return t.countCodes(b, n, col, tb.askedCol, tb.row, tb.missing) }
	}
	t.bind = func(b batch) classifier {
		asked, inBase := tb.bindAsked(b)
		coded := func(int) (int, bool) { return -1, false }
		if codedCol != "" {
			coded = b.codes(codedCol, tb.row)
		}
		val := value(b)
		return func(i int, rows []int) ([]int, bool) {
			if !asked(i) {
				return rows, s.Base == published.BaseAll
			}
			// The analysts' coding comes first: it is set exactly when the answer
			// is not a plain value (a write-in instead of a number), or, for a
			// written-in matrix row, it is what the table counts.
			r, answered := coded(i)
			if !answered {
				r, answered = val(i)
			}
			if answered {
				rows = tb.hit(rows, r)
			} else {
				rows = tb.miss(rows)
			}
			return rows, inBase(i, answered)
		}
	}
	return nil
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
		return columns.Cell(it.ID, s.Row, s.Cell)
	}
	return it.ID
}

// valueReader returns, for a single-valued column, a binder of the reader of
// respondent i's category row (through row; -1 when answered but counted in
// no row): the code itself, or the bin of a number or month.
func valueReader(it *questionnaire.Item, s *published.Spec, col string, row func(string) int) (func(batch) func(int) (int, bool), error) {
	switch {
	case s.CellRef() != nil || it.Type == questionnaire.Single:
		return func(b batch) func(int) (int, bool) { return b.codes(col, row) }, nil
	case it.Type == questionnaire.Integer:
		binRows := make([]int, len(it.Bins))
		for k, bin := range it.Bins {
			binRows[k] = row(bin.Code)
		}
		return func(b batch) func(int) (int, bool) {
			a := b.col(col).(*array.Int32)
			return func(i int) (int, bool) {
				if a.IsNull(i) {
					return -1, false
				}
				v := int(a.Value(i))
				for k, bin := range it.Bins {
					if bin.Contains(v) {
						return binRows[k], true
					}
				}
				return -1, true // a number outside every bin: answered, counted nowhere
			}
		}, nil
	case it.Type == questionnaire.YearMonth:
		type monthBin struct{ from, to, row int }
		var bins []monthBin
		for _, bin := range s.Bins {
			mb := monthBin{from: math.MinInt, to: math.MaxInt, row: row(bin.Code)}
			if bin.From != "" {
				mb.from = monthOf(bin.From)
			}
			if bin.To != "" {
				mb.to = monthOf(bin.To)
			}
			bins = append(bins, mb)
		}
		return func(b batch) func(int) (int, bool) {
			months := b.months(col)
			return func(i int) (int, bool) {
				m, ok := months(i)
				if !ok {
					return -1, false
				}
				for _, bin := range bins {
					if m >= bin.from && m <= bin.to {
						return bin.row, true
					}
				}
				return -1, true
			}
		}, nil
	case it.Type == questionnaire.Text:
		return nil, fmt.Errorf("free-text item %s cannot be tabulated", it.Number)
	}
	return nil, fmt.Errorf("no counting rule for item %s of type %s", it.Number, it.Type)
}

// derivedTable counts the months from one year_month item to another.
func derivedTable(q *questionnaire.Questionnaire, s *published.Spec, t *table, hit func([]int, int) []int, miss func([]int) []int) error {
	from, to := q.Item(s.Derive.MonthsBetween[0]), q.Item(s.Derive.MonthsBetween[1])
	t.cols = []string{from.ID, to.ID}
	binRows := make([]int, len(s.Bins))
	for k, bin := range s.Bins {
		binRows[k] = slices.IndexFunc(s.Categories, func(c published.Category) bool { return c.Code == bin.Code })
	}
	t.bind = func(b batch) classifier {
		m1, m2 := b.months(from.ID), b.months(to.ID)
		return func(i int, rows []int) ([]int, bool) {
			d1, ok1 := m1(i)
			d2, ok2 := m2(i)
			if !ok1 || !ok2 {
				return miss(rows), true
			}
			months := d2 - d1
			for k, bin := range s.Bins {
				if (bin.Min == nil || months >= *bin.Min) && (bin.Max == nil || months <= *bin.Max) {
					return hit(rows, binRows[k]), true
				}
			}
			return rows, true
		}
	}
	return nil
}
