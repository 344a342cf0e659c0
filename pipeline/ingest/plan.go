package ingest

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// question is one answer of a respondent: a non-matrix item, or one cell of
// one matrix row. Indices into the output plan (out*) and into the raw header
// (raw*) are -1 when the column does not exist.
type question struct {
	item      *questionnaire.Item
	name      string // answer column name
	row, cell string // matrix row and cell
	typ       questionnaire.Type
	opts      []questionnaire.Option
	rel       *questionnaire.Relevance
	relTarget int    // index of the question rel names, -1 without rel
	relAny    []bool // per code of the target: whether it makes this question asked
	min, max  *int

	// codes are the answer's dictionary values (choice) in dictionary order;
	// coded the analysts' categories of a non-choice answer (<id>__coded).
	codes    []string
	codeIdx  map[string]int
	byByte   [256]int8 // index+1 of a one-letter code, 0 for none (most codes are a, b, ...)
	coded    []string
	codedIdx map[string]int

	outAsked, outAnswer, outCoded int
	outFlags                      []int // per codes entry

	rawAnswer int
	rawFlags  []int // per codes entry
	texts     []textCol
}

// textCol is a free-text column of an "other" option (or a written-in row).
type textCol struct {
	name string
	code string // option code; empty for a matrix row's text
	raw  int
}

// rowExtra holds the row-level columns of a matrix row: the written-in text
// of an "other" row and the analysts' coding of it.
type rowExtra struct {
	item      *questionnaire.Item
	row       string
	questions []int // the row's cells
	text      textCol
	codedName string
	outCoded  int
	rawCoded  int
	coded     []string
	codedIdx  map[string]int
}

// step is one unit of evaluation in questionnaire order.
type step struct {
	q     int // question index, or -1
	extra int // rowExtra index, or -1
}

// known describes a raw column name the questionnaire defines.
type known struct {
	col    columns.Column
	accept bool   // may appear in a raw file
	hint   string // why not, when !accept
}

type plan struct {
	q         *questionnaire.Questionnaire
	schema    *arrow.Schema
	cols      []columns.Column
	outIdx    map[string]int
	dicts     [][]string // dictionary values per output column (nil when not a dictionary)
	questions []*question
	extras    []*rowExtra
	steps     []step
	known     map[string]known
	order     [][2]int // question indices of year_month pairs (first must not be after second)
	missing   []string // codes of no answer (NA and the questionnaire's); a few
	ident     []string
	hiYM      int // latest allowed year-month (year*12 + month-1)
	hiText    string
}

// isMissing reports whether v is a code of no answer. The list is short: a
// scan is faster than a map for every cell.
func (p *plan) isMissing(v string) bool {
	for _, m := range p.missing {
		if v == m {
			return true
		}
	}
	return false
}

// code returns the index of code v among the question's codes: one-letter
// codes from a table, others by a scan of the usual few or the map.
func (qu *question) code(v string) (int, bool) {
	if len(v) == 1 {
		if j := qu.byByte[v[0]]; j > 0 {
			return int(j) - 1, true
		}
	}
	if len(qu.codes) > 12 {
		j, ok := qu.codeIdx[v]
		return j, ok
	}
	for j, c := range qu.codes {
		if c == v {
			return j, true
		}
	}
	return 0, false
}

// indexLetters fills byByte from the question's one-letter codes.
func (qu *question) indexLetters() {
	for j, c := range qu.codes {
		if len(c) == 1 && j < 127 && qu.byByte[c[0]] == 0 {
			qu.byByte[c[0]] = int8(j + 1)
		}
	}
}

func newPlan(q *questionnaire.Questionnaire, opt Options) (*plan, error) {
	p := &plan{q: q, schema: columns.Schema(q), cols: columns.Plan(q), outIdx: map[string]int{},
		known: map[string]known{}, missing: []string{"NA"}, ident: q.IdentifyingColumns}
	for _, m := range q.Missing {
		p.missing = append(p.missing, m.Code)
	}
	p.dicts = make([][]string, len(p.cols))
	for i, c := range p.cols {
		p.outIdx[c.Name] = i
		if _, ok := c.Type.(*arrow.DictionaryType); ok {
			p.dicts[i] = c.Values()
		}
	}
	byNumber := map[string]int{} // item number -> question index (non-matrix items)
	for _, it := range q.Items {
		if err := p.addItem(it, byNumber); err != nil {
			return nil, err
		}
	}
	if err := p.resolveRelevance(byNumber); err != nil {
		return nil, err
	}
	if err := p.resolveOrder(opt.Order, byNumber); err != nil {
		return nil, err
	}
	p.hiYM, p.hiText = latestYearMonth(q, opt.Year)
	return p, nil
}

// out returns the index of a column in the output plan, -1 when the
// dataset does not have it.
func (p *plan) out(name string) int {
	if i, ok := p.outIdx[name]; ok {
		return i
	}
	return -1
}

// addItem adds an item's questions (one, or one per matrix row and cell),
// its matrix rows' written-in columns, and every column name it defines.
func (p *plan) addItem(it *questionnaire.Item, byNumber map[string]int) error {
	cols := columns.ItemColumns(it)
	type key struct{ row, cell string }
	byKey := map[key]*question{}
	rowCells := map[string][]int{}
	for _, c := range cols {
		k := key{c.Row, c.Cell}
		switch {
		case c.Kind == columns.KindAnswer:
			qu, err := p.newQuestion(it, c)
			if err != nil {
				return err
			}
			byKey[k] = qu
			p.questions = append(p.questions, qu)
			p.steps = append(p.steps, step{q: len(p.questions) - 1, extra: -1})
			if c.Row != "" {
				rowCells[c.Row] = append(rowCells[c.Row], len(p.questions)-1)
			} else {
				byNumber[it.Number] = len(p.questions) - 1
			}
			p.known[c.Name] = known{col: c, accept: true}
		case c.Cell == "" && c.Row != "": // row-level column of a matrix row
			ex := p.rowExtra(it, c.Row, rowCells[c.Row])
			switch c.Kind {
			case columns.KindOtherText:
				ex.text = textCol{name: c.Name, raw: -1}
			case columns.KindCoded:
				ex.codedName, ex.outCoded = c.Name, p.out(c.Name)
				ex.coded = c.Values()
				ex.codedIdx = index(ex.coded)
			}
			p.known[c.Name] = known{col: c, accept: c.Kind == columns.KindOtherText || c.Kind == columns.KindCoded}
		default:
			p.known[c.Name] = known{col: c, accept: true}
		}
	}
	// Attach the side columns to their question.
	for _, c := range cols {
		if qu := byKey[key{c.Row, c.Cell}]; qu != nil {
			p.attach(qu, c)
		}
	}
	return nil
}

// newQuestion returns the question whose answer column is c.
func (p *plan) newQuestion(it *questionnaire.Item, c columns.Column) (*question, error) {
	qu := &question{item: it, name: c.Name, row: c.Row, cell: c.Cell, relTarget: -1,
		outAsked: -1, outAnswer: p.out(c.Name), outCoded: -1, rawAnswer: -1}
	if it.Type == questionnaire.Matrix {
		cell := findCell(it, c.Cell)
		if cell == nil {
			return nil, fmt.Errorf("ingest: item %s: column %s names unknown cell %q", it.Number, c.Name, c.Cell)
		}
		qu.typ, qu.opts, qu.rel = cell.Type, cell.Choices(), cell.Relevance
	} else {
		qu.typ, qu.opts, qu.rel, qu.min, qu.max = it.Type, it.Choices(), it.Relevance, it.Min, it.Max
	}
	if qu.typ.IsChoice() {
		qu.codes = c.Values()
		qu.codeIdx = index(qu.codes)
		qu.indexLetters()
	}
	return qu, nil
}

// attach binds a side column (asked, coded, option flag, free text) to its
// question.
func (p *plan) attach(qu *question, c columns.Column) {
	switch c.Kind {
	case columns.KindAsked:
		qu.outAsked = p.out(c.Name)
		p.known[c.Name] = known{col: c, hint: "it is derived from the relevance rule (" + qu.rel.String() + "); remove it from the raw file"}
	case columns.KindCoded:
		qu.outCoded = p.out(c.Name)
		qu.coded = c.Values()
		qu.codedIdx = index(qu.coded)
		p.known[c.Name] = known{col: c, hint: "give the coded category (" + allowedCodes(qu.coded) + ") in column " + qu.name}
	case columns.KindFlag:
		if qu.outFlags == nil {
			qu.outFlags = fill(len(qu.codes), -1)
			qu.rawFlags = fill(len(qu.codes), -1)
		}
		if j, ok := qu.codeIdx[c.Code]; ok {
			qu.outFlags[j] = p.out(c.Name)
		}
	case columns.KindOtherText:
		qu.texts = append(qu.texts, textCol{name: c.Name, code: c.Code, raw: -1})
	}
}

// resolveRelevance points every question with a relevance rule at the
// earlier question the rule names, and marks the codes that make it asked.
func (p *plan) resolveRelevance(byNumber map[string]int) error {
	for i, qu := range p.questions {
		if qu.rel == nil {
			continue
		}
		if qu.rel.Cell != "" {
			for _, j := range questionsOfRow(p, qu.item, qu.row) {
				if p.questions[j].cell == qu.rel.Cell {
					qu.relTarget = j
				}
			}
		} else if j, ok := byNumber[qu.rel.Item]; ok {
			qu.relTarget = j
		}
		if qu.relTarget < 0 || qu.relTarget >= i {
			return fmt.Errorf("ingest: item %s: relevance %s names no earlier question", qu.item.Number, qu.rel.String())
		}
		t := p.questions[qu.relTarget]
		qu.relAny = make([]bool, len(t.codes))
		for _, code := range qu.rel.AnyOf {
			if j, ok := t.codeIdx[code]; ok {
				qu.relAny[j] = true
			}
		}
	}
	return nil
}

// resolveOrder turns the pairs of year_month item numbers that must be in
// order into question indices.
func (p *plan) resolveOrder(order [][2]string, byNumber map[string]int) error {
	for _, pair := range order {
		var idx [2]int
		for k, num := range pair {
			j, ok := byNumber[num]
			if !ok || p.questions[j].typ != questionnaire.YearMonth {
				return fmt.Errorf("ingest: Options.Order names item %q, which is not a year_month item of the questionnaire", num)
			}
			idx[k] = j
		}
		p.order = append(p.order, idx)
	}
	return nil
}

func (p *plan) rowExtra(it *questionnaire.Item, row string, cells []int) *rowExtra {
	for _, ex := range p.extras {
		if ex.item == it && ex.row == row {
			return ex
		}
	}
	ex := &rowExtra{item: it, row: row, questions: cells, text: textCol{raw: -1}, outCoded: -1, rawCoded: -1}
	p.extras = append(p.extras, ex)
	p.steps = append(p.steps, step{q: -1, extra: len(p.extras) - 1})
	return ex
}

func questionsOfRow(p *plan, it *questionnaire.Item, row string) []int {
	var out []int
	for i, qu := range p.questions {
		if qu.item == it && qu.row == row {
			out = append(out, i)
		}
	}
	return out
}

func findCell(it *questionnaire.Item, id string) *questionnaire.Cell {
	for i := range it.Cells {
		if it.Cells[i].ID == id {
			return &it.Cells[i]
		}
	}
	return nil
}

func index(vals []string) map[string]int {
	m := make(map[string]int, len(vals))
	for i, v := range vals {
		m[v] = i
	}
	return m
}

func fill(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}
