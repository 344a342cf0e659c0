package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// qres is the evaluated answer of one question in the current row.
type qres struct {
	has   bool   // a value of the item's type (or an option) was given
	code  int    // single: index into codes
	set   []bool // multi: chosen codes
	coded int    // non-choice: index of a coded category, -1
	num   int64  // integer, or year*12+month-1 for year_month
	bad   bool   // an error in this question: questions depending on it are not checked for not_asked
	asked bool
}

// engine validates rows and builds the output.
type engine struct {
	ctx  context.Context // cancelled: reading stops at the next chunk
	p    *plan
	rep  *Report
	opt  Options
	src  source
	emit func(arrow.Record) error
	bt   *batch // a worker's batch of evaluated rows

	ncols     int      // header cells
	names     []string // header names after mapping
	idCol     int
	provCol   int
	blankCols []int // header cells without a name

	seen    *idSet       // the respondent ids so far, with the row each was first seen at
	free    chan *chunk  // buffers of evaluated chunks (runRows)
	stopped *atomic.Bool // commit failed: reading stops (runRows)
	n       int          // data rows so far (the pseudonym counter)

	// per row
	row      int
	cells    []string
	rowCells []string // a worker's buffer for cells
	rowASCII bool     // every cell of the row is ASCII (no encoding to check)
	formulas []formulaCell
	// scratch of evalMulti
	listSet, flagSet []bool
	chosen           []string
	res              []qres
	vals             []outVal
	issues           []Issue
}

func (e *engine) run() error {
	defer e.src.close()
	// Header: the first row that is not wholly blank.
	var header []string
	for {
		cells, row, err := e.src.next()
		if err == io.EOF {
			e.rep.add(Issue{Code: CodeMissingID, Row: 1, Column: "respondent_id",
				Message: "the file is empty: it needs a header row naming the columns, starting with respondent_id"}, true)
			return nil
		}
		if err != nil {
			return e.sourceFailure(err)
		}
		if !blankRow(cells) {
			header = slices.Clone(cells)
			e.row = row
			break
		}
	}
	if over(len(header), e.opt.Limits.Columns) {
		e.rep.add(Issue{Code: CodeTooManyColumns, Row: e.row, Message: fmt.Sprintf(
			"the header has %d columns, more than %d (the limit is --max-columns %d); the file was not read further: check that the first row is the header, or raise the limit if the file is genuine",
			len(header), e.opt.Limits.Columns, e.opt.Limits.Columns)}, true)
		return nil
	}
	if !e.bindHeader(header) {
		return nil
	}
	if err := e.runRows(); err != nil {
		return err
	}
	e.checkRowCount()
	return nil
}

// checkRowCount fails a file that gives no respondent to build from: a
// header without data rows, or (under Quarantine) rows that were all
// rejected. Either would build empty datasets that look like a survey
// nobody answered.
func (e *engine) checkRowCount() {
	r := e.rep
	switch {
	case r.fatal > 0:
	case r.Rows == 0:
		r.add(Issue{Code: CodeNoRows, Row: e.row, Message: "the file has a header but no data rows; give one row per respondent"}, true)
	case r.Quarantine && r.Accepted == 0:
		r.add(Issue{Code: CodeAllRejected, Message: fmt.Sprintf(
			"every one of the %d data rows has errors (see the issues above), so there is nothing to build from; correct the file", r.Rows)}, true)
	}
}

// sourceFailure books a problem met while reading the header (commitChunk
// does the same for the rows).
func (e *engine) sourceFailure(err error) error {
	var se *sourceError
	if errors.As(err, &se) {
		e.rep.add(Issue{Code: se.code, Row: se.row, Message: se.msg}, true)
		return nil
	}
	return fmt.Errorf("ingest: %s: %w", e.rep.File, err)
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// headerIssue records a problem of the header (row 1 of the data).
func (e *engine) headerIssue(code, col string, it *questionnaire.Item, value, format string, args ...any) {
	is := Issue{Code: code, Row: e.row, Column: col, Value: value, Message: fmt.Sprintf(format, args...)}
	if it != nil {
		is.Item = it.Number
	}
	e.rep.add(is, Severity(code) == SeverityError)
}

// bindHeader binds the header's columns; it returns false when a column
// name is over Limits.ColumnNameBytes (the file is not read further).
func (e *engine) bindHeader(header []string) bool {
	p := e.p
	long := false
	for i, raw := range header {
		if over(len(raw), e.opt.Limits.ColumnNameBytes) {
			long = true
			e.headerIssue(CodeColumnNameTooLong, fmt.Sprintf("#%d", i+1), nil, "",
				"the name of column %d (%s) is longer than %d bytes (the limit is --max-column-name-bytes %d); check that the first row is the header",
				i+1, excerpt(raw), e.opt.Limits.ColumnNameBytes, e.opt.Limits.ColumnNameBytes)
		}
	}
	if long {
		return false
	}
	unknown := 0
	e.ncols = len(header)
	e.names = make([]string, len(header))
	e.idCol, e.provCol = -1, -1
	first := map[string]int{}
	for i, raw := range header {
		if msg, bad := e.src.badEncoding(raw); bad {
			e.headerIssue(CodeEncoding, fmt.Sprintf("#%d", i+1), nil, raw, "column name: %s", msg)
			continue
		}
		name := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
		name = e.opt.Mapping.column(name)
		e.names[i] = name
		if name == "" {
			e.blankCols = append(e.blankCols, i)
			continue
		}
		if j, dup := first[name]; dup {
			e.names[i] = ""
			e.headerIssue(CodeDuplicateCol, name, e.itemOf(name), "",
				"column %s appears twice (columns %d and %d); each column may appear once", name, j+1, i+1)
			continue
		}
		first[name] = i
		switch {
		case name == "respondent_id":
			e.idCol = i
		case name == "provenance":
			e.provCol = i
		case e.identifying(name):
			// Read and dropped: never validated, never emitted.
		default:
			k, ok := p.known[name]
			switch {
			case !ok:
				ident := ""
				if len(p.ident) > 0 {
					ident = ", the identifying columns (" + strings.Join(p.ident, ", ") + ")"
				}
				// Suggestions cost a comparison with every known column:
				// only the first few unknown columns get one.
				hint := ""
				if unknown++; unknown <= maxSuggestions {
					hint = e.suggest(name)
				}
				e.headerIssue(CodeUnknownColumn, name, nil, "", "column %s is not in the questionnaire%s; allowed are respondent_id, provenance%s and the response columns of the codebook (column)",
					name, hint, ident)
			case !k.accept:
				e.headerIssue(CodeUnknownColumn, name, k.col.Item, "", "column %s is not a raw column: %s", name, k.hint)
			default:
				e.bindColumn(name, i)
			}
		}
	}
	if e.idCol < 0 {
		e.headerIssue(CodeMissingID, "respondent_id", nil, "", "the header has no respondent_id column; every row needs a unique, non-empty respondent_id")
	}
	e.checkMissing()
	return true
}

// maxSuggestions is how many unknown columns get a "did you mean"; names
// longer than maxSuggestName bytes get none.
const (
	maxSuggestions = 5
	maxSuggestName = 64
)

func (e *engine) identifying(name string) bool {
	for _, c := range e.p.ident {
		if strings.EqualFold(strings.TrimSpace(c), name) {
			return true
		}
	}
	return false
}

func (e *engine) itemOf(name string) *questionnaire.Item {
	if k, ok := e.p.known[name]; ok {
		return k.col.Item
	}
	return nil
}

// suggest names the known column closest to a misspelt one.
func (e *engine) suggest(name string) string {
	if len(name) > maxSuggestName {
		return ""
	}
	best, dist := "", len(name)/4+2
	for k := range e.p.known {
		if d := editDistance(name, k); d < dist || (d == dist && best != "" && k < best) {
			best, dist = k, d
		}
	}
	for _, k := range []string{"respondent_id", "provenance"} {
		if d := editDistance(name, k); d < dist {
			best, dist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// bindColumn records where a response column is in the raw file.
func (e *engine) bindColumn(name string, i int) {
	for _, qu := range e.p.questions {
		if qu.name == name {
			qu.rawAnswer = i
			return
		}
		for j := range qu.texts {
			if qu.texts[j].name == name {
				qu.texts[j].raw = i
				return
			}
		}
	}
	for _, ex := range e.p.extras {
		switch name {
		case ex.text.name:
			ex.text.raw = i
			return
		case ex.codedName:
			ex.rawCoded = i
			return
		}
	}
	k := e.p.known[name]
	if k.col.Kind == columns.KindFlag {
		for _, qu := range e.p.questions {
			if qu.item == k.col.Item && qu.row == k.col.Row && qu.cell == k.col.Cell {
				if j, ok := qu.codeIdx[k.col.Code]; ok {
					qu.rawFlags[j] = i
				}
			}
		}
	}
}

// checkMissing reports items without any column, multi items given as flag
// columns with an option's column missing, and missing cells of a matrix.
func (e *engine) checkMissing() {
	p := e.p
	done := map[*questionnaire.Item]bool{}
	for _, qu := range p.questions {
		it := qu.item
		if done[it] {
			continue
		}
		done[it] = true
		var qs []*question
		for _, o := range p.questions {
			if o.item == it {
				qs = append(qs, o)
			}
		}
		var present, absent []string
		for _, o := range qs {
			if o.given() {
				present = append(present, o.name)
			} else {
				absent = append(absent, o.name)
			}
		}
		switch {
		case len(present) == 0 && it.Type == questionnaire.Matrix:
			e.headerIssue(CodeMissingColumn, qs[0].name, it, "", "item %s (matrix) has no column; give one column per row and cell: %s",
				it.Number, listNames(absent))
		case len(present) == 0 && it.Type == questionnaire.Multi:
			e.headerIssue(CodeMissingColumn, qu.name, it, "", "item %s has no column; give %s (codes separated by ;) or one 0/1 column per option (%s)",
				it.Number, qu.name, listNames(qu.flagNames()))
		case len(present) == 0:
			e.headerIssue(CodeMissingColumn, qu.name, it, "", "item %s has no column %s", it.Number, qu.name)
		case it.Type == questionnaire.Matrix:
			for _, name := range absent {
				e.headerIssue(CodeMissingColumn, name, it, "", "item %s (matrix): column %s is missing; every row and cell needs a column (blank = no answer)", it.Number, name)
			}
		}
		for _, o := range qs {
			if o.typ != questionnaire.Multi || o.rawAnswer >= 0 || !o.given() {
				continue
			}
			for _, opt := range o.opts {
				j := o.codeIdx[opt.Code]
				if o.rawFlags[j] < 0 {
					e.headerIssue(CodeMissingColumn, columns.Flag(o.name, opt.Code), it, "",
						"item %s is given as 0/1 columns per option, but the column of option %s is missing; give one column per option (%s)",
						it.Number, opt.Code, listNames(o.flagNames()))
				}
			}
		}
	}
}

// given reports whether the raw file has a column holding the question's answer.
func (qu *question) given() bool {
	if qu.rawAnswer >= 0 {
		return true
	}
	for _, f := range qu.rawFlags {
		if f >= 0 {
			return true
		}
	}
	return false
}

// flagNames returns the 0/1 column names of a multi question's options.
func (qu *question) flagNames() []string {
	out := make([]string, len(qu.opts))
	for i, o := range qu.opts {
		out[i] = columns.Flag(qu.name, o.Code)
	}
	return out
}

func listNames(names []string) string {
	if len(names) > 6 {
		return strings.Join(names[:6], ", ") + fmt.Sprintf(", ... (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}
