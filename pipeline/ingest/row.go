package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// issue records a problem of the current row.
func (e *engine) issue(code, col string, it *questionnaire.Item, value, format string, args ...any) {
	is := Issue{Code: code, Row: e.row, Column: col, Value: mask(value), Message: fmt.Sprintf(format, args...)}
	if it != nil {
		is.Item = it.Number
	}
	e.issues = append(e.issues, is)
}

// raw returns the trimmed cell of raw column i ("" when absent).
func (e *engine) raw(i int) string {
	if i < 0 || i >= len(e.cells) {
		return ""
	}
	return strings.TrimSpace(e.cells[i])
}

// value returns the normalised value of raw column i named col: the mapping
// applied, full-width characters folded, missing codes (blank, NA) as "".
func (e *engine) value(col string, i int) string {
	return e.norm(col, e.raw(i))
}

// norm normalises v, a cell already trimmed of surrounding space.
func (e *engine) norm(col, v string) string {
	if v == "" {
		return ""
	}
	if m := e.opt.Mapping; m != nil {
		if to := m.value(col, v); to != v {
			v = to
		} else {
			v = m.value(col, fold(v))
		}
		v = fold(v)
	} else {
		v = foldTrimmed(v)
	}
	if e.p.isMissing(v) {
		return ""
	}
	return v
}

// text returns free text of raw column i: trimmed, missing codes as "".
func (e *engine) text(i int) string {
	v := e.raw(i)
	if e.p.isMissing(fold(v)) {
		return ""
	}
	return v
}

// eval evaluates the current row (e.row, e.cells, e.n): its issues go to
// e.issues and its output values to e.vals. The duplicate-id check is not
// done here but in order by whoever books the rows (commit): id is the
// respondent id to check ("" when the row has none to check) and dupAt where
// in e.issues the duplicate's issue belongs.
func (e *engine) eval() (id string, dupAt int) {
	p := e.p
	e.issues = e.issues[:0]
	for i := range e.vals {
		e.vals[i].valid = false
	}
	dupAt = -1
	if e.checkShape() {
		id, dupAt = e.evalMeta()
		for _, st := range p.steps {
			if st.q >= 0 {
				e.evalQuestion(st.q)
			} else {
				e.evalExtra(p.extras[st.extra])
			}
		}
		e.checkOrder()
	}
	e.vals[0] = outVal{valid: true, s: e.pseudonym(e.n)}
	return id, dupAt
}

// pseudonym is the respondent id of the n-th data row in every output.
func (e *engine) pseudonym(n int) string {
	return fmt.Sprintf("%d-%06d", e.opt.Year, n)
}

// rejects reports whether issues hold an error (the row is rejected).
func rejects(issues []Issue) bool {
	for _, is := range issues {
		if Severity(is.Code) == SeverityError {
			return true
		}
	}
	return false
}

// commit books one evaluated row in the report, in file order: it checks the
// respondent id against the rows before (adding the duplicate's issue at
// dupAt), records the issues and counts the row as rejected or accepted
// (accepted is false for a rejected row and when the file is unusable).
func (e *engine) commit(row, n int, issues []Issue, id string, dupAt int) (out []Issue, accepted bool) {
	if id != "" {
		if first, dup := e.seen.add(id, row); dup {
			// The raw id never reaches an output, so it is not copied into the issue.
			is := Issue{Code: CodeDuplicateID, Row: row, Column: "respondent_id",
				Message: fmt.Sprintf("respondent_id is the same as in row %d; ids must be unique", first)}
			issues = slices.Insert(issues, dupAt, is)
		}
	}
	e.rep.Rows++
	rejected := false
	var rj Reject
	for _, is := range issues {
		e.rep.add(is, false)
		if Severity(is.Code) == SeverityError {
			rejected = true
			rj.Codes = append(rj.Codes, is.Code)
			msg := is.Message
			if is.Column != "" {
				msg = is.Column + ": " + msg
			}
			rj.Messages = append(rj.Messages, msg)
		}
	}
	if rejected {
		e.rep.Rejected++
		if e.opt.Quarantine {
			rj.RespondentID, rj.Row = e.pseudonym(n), row
			e.rep.Rejects = append(e.rep.Rejects, rj)
		}
		return issues, false
	}
	if e.rep.fatal > 0 {
		return issues, false // a file-level problem: nothing is emitted
	}
	e.rep.Accepted++
	return issues, true
}

// checkShape checks the number of cells and their encoding.
func (e *engine) checkShape() bool {
	n := len(e.cells)
	if n > e.ncols && !e.src.strict() && blankRow(e.cells[e.ncols:]) {
		e.cells = e.cells[:e.ncols]
		n = e.ncols
	}
	if n > e.ncols || (n < e.ncols && e.src.strict()) {
		e.issue(CodeRaggedRow, "", nil, "",
			"the row has %d cells but the header has %d; every row needs one cell per column (quote cells that hold commas)", n, e.ncols)
		e.issues[len(e.issues)-1].Value = fmt.Sprintf("%d cells", n) // a count, not a respondent's value
		return false
	}
	ok := true
	for _, f := range e.formulas {
		ref, _ := excelize.CoordinatesToCellName(f.col+1, e.row)
		col, value := fmt.Sprintf("#%d", f.col+1), ""
		if f.col < len(e.names) {
			col = e.colName(f.col)
		}
		if f.col < len(e.cells) {
			value = e.cells[f.col]
		}
		if !f.hasValue {
			e.issue(CodeFormulaWithoutValue, col, e.itemOf(col), "",
				"cell %s holds a formula without a saved value, so its answer is unknown (formulas are not evaluated); open the workbook in Excel and save it, or replace the formula by its value", ref)
			ok = false
			continue
		}
		e.issue(CodeFormulaCachedValue, col, e.itemOf(col), value,
			"cell %s holds a formula; the value saved with the workbook was used (formulas are not evaluated)", ref)
	}
	for i, c := range e.cells {
		if over(len(c), e.opt.Limits.CellBytes) {
			e.issue(CodeCellTooLong, e.colName(i), e.itemOf(e.names[i]), c,
				"the cell holds %d bytes, more than %d (the limit is --max-cell-bytes %d)", len(c), e.opt.Limits.CellBytes, e.opt.Limits.CellBytes)
			e.cells[i] = ""
			ok = false
		}
	}
	for i, c := range e.cells {
		if e.rowASCII {
			break // ASCII is valid UTF-8 and Shift_JIS
		}
		if msg, bad := e.src.badEncoding(c); bad {
			col := e.colName(i)
			e.issue(CodeEncoding, col, e.itemOf(col), "", "%s", msg)
			e.cells[i] = ""
			ok = false
		}
	}
	for _, i := range e.blankCols {
		if e.raw(i) != "" {
			e.issue(CodeUnknownColumn, fmt.Sprintf("#%d", i+1), nil, "",
				"column %d has no name in the header but holds a value; name the column or leave it empty", i+1)
		}
	}
	return ok
}

// colName names raw column i in an issue: its header name, or #i+1.
func (e *engine) colName(i int) string {
	if e.names[i] == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return e.names[i]
}

// evalMeta checks respondent_id and provenance; it returns the id to check
// for duplicates (by commit, in file order) and where its issue would go.
func (e *engine) evalMeta() (id string, dupAt int) {
	dupAt = -1
	if e.idCol >= 0 {
		id = e.raw(e.idCol)
		if id == "" {
			e.issue(CodeEmptyID, "respondent_id", nil, "", "respondent_id is empty; every row needs a unique, non-empty respondent_id")
		} else {
			dupAt = len(e.issues)
		}
	}
	prov := string(survey.Collected)
	if e.provCol >= 0 {
		if v := e.value("provenance", e.provCol); v != "" {
			prov = v
		}
	}
	if j := slices.Index(survey.ProvenanceCodes(), prov); j >= 0 {
		e.vals[1] = outVal{valid: true, i: int64(j)}
	} else {
		e.issue(CodeBadProvenance, "provenance", nil, e.raw(e.provCol), "provenance must be %s, or blank for collected",
			allowedCodes(survey.ProvenanceCodes()))
	}
	return id, dupAt
}

// asked evaluates the relevance of question qi; known is false when the
// answer it depends on had an error.
func (e *engine) asked(qu *question) (asked, known bool) {
	if qu.rel == nil {
		return true, true
	}
	t := &e.res[qu.relTarget]
	if t.bad {
		return false, false
	}
	if !t.has {
		return false, true
	}
	tq := e.p.questions[qu.relTarget]
	if tq.typ == questionnaire.Multi {
		for j, on := range t.set {
			if on && qu.relAny[j] {
				return true, true
			}
		}
		return false, true
	}
	return qu.relAny[t.code], true
}

// answerText describes the answer a relevance rule looked at.
func (e *engine) answerText(qi int) string {
	qu, r := e.p.questions[qi], &e.res[qi]
	if !r.has {
		if !r.asked && qu.rel != nil {
			return "was not asked"
		}
		return "has no answer"
	}
	if qu.typ == questionnaire.Multi {
		var cs []string
		for j, on := range r.set {
			if on {
				cs = append(cs, qu.codes[j])
			}
		}
		return "is " + strings.Join(cs, ";")
	}
	return "is " + qu.codes[r.code]
}

func (e *engine) evalQuestion(qi int) {
	qu := e.p.questions[qi]
	r := &e.res[qi]
	set := r.set[:0]
	*r = qres{coded: -1, set: set}
	asked, known := e.asked(qu)
	r.asked = asked
	if qu.outAsked >= 0 && known {
		e.vals[qu.outAsked] = outVal{valid: true, b: asked}
	}
	if !asked {
		col, value, given := e.firstGiven(qi)
		if !known || !e.opt.AdvisoryRouting || !given {
			e.notAsked(qi, known)
			return
		}
		// Advisory routing (paper): nothing stopped the respondent answering
		// a follow-up the routing skipped. The answer is kept, the item
		// applies to the respondent (__asked true, so the tables that count
		// those asked count it), and a warning says so.
		e.issue(CodeAnsweredWhenSkipped, col, qu.item, value,
			"%s: the routing skips it when %s, and here %s %s, but it is answered; the survey's routing is advisory (a paper form), so the answer is kept and counted",
			e.skippedSubject(qu), e.skippedRule(qu), e.relSubject(qu), e.answerText(qu.relTarget))
		asked, r.asked = true, true
		if qu.outAsked >= 0 {
			e.vals[qu.outAsked] = outVal{valid: true, b: true}
		}
	}
	switch qu.typ {
	case questionnaire.Single:
		e.evalSingle(qu, r)
	case questionnaire.Multi:
		e.evalMulti(qu, r)
	case questionnaire.Integer, questionnaire.YearMonth:
		e.evalNumber(qu, r)
	default:
		e.evalText(qu, r)
	}
	for _, tc := range qu.texts {
		if tc.raw < 0 || e.text(tc.raw) == "" {
			continue
		}
		chosen := false
		if j, ok := qu.codeIdx[tc.code]; ok && r.has {
			if qu.typ == questionnaire.Multi {
				chosen = r.set[j]
			} else {
				chosen = r.code == j
			}
		}
		if !chosen && !r.bad {
			e.issue(CodeOtherTextWithoutOption, tc.name, qu.item, "",
				"free text is given but option %s is not chosen in %s; choose %s or leave the text blank", tc.code, qu.name, tc.code)
		}
	}
}

// skippedSubject and skippedRule name a follow-up and its relevance rule in
// the messages about answers the rule did not ask for.
func (e *engine) skippedSubject(qu *question) string {
	if qu.rel.Cell != "" {
		return fmt.Sprintf("cell %s of item %s", qu.cell, qu.item.Number)
	}
	return "item " + qu.item.Number
}

func (e *engine) skippedRule(qu *question) string {
	if qu.rel.Cell != "" {
		return fmt.Sprintf("%s not in (%s)", qu.rel.Cell, strings.Join(qu.rel.AnyOf, ", "))
	}
	return "not " + qu.rel.String()
}

// firstGiven returns the first column of question qi that holds a value in
// the current row, and the value; given is false when there is none.
func (e *engine) firstGiven(qi int) (col, value string, given bool) {
	e.eachGiven(e.p.questions[qi], func(name, v string) {
		if !given {
			col, value, given = name, v, true
		}
	})
	return col, value, given
}

// notAsked reports every value given to a question its respondent was not asked.
func (e *engine) notAsked(qi int, known bool) {
	qu := e.p.questions[qi]
	r := &e.res[qi]
	if !known {
		r.bad = true // the rule could not be evaluated; the row has an error already
		return
	}
	e.eachGiven(qu, func(name, value string) {
		e.issue(CodeNotAsked, name, qu.item, value, "%s is asked only when %s, and here %s %s; leave this column blank",
			e.skippedSubject(qu), askedRule(qu), e.relSubject(qu), e.answerText(qu.relTarget))
		r.bad = true
	})
}

// askedRule is the routing rule under which qu is asked, in words; only an
// issue's message needs it, so it is made when one is reported.
func askedRule(qu *question) string {
	if qu.rel.Cell != "" {
		return fmt.Sprintf("%s in (%s)", qu.rel.Cell, strings.Join(qu.rel.AnyOf, ", "))
	}
	return qu.rel.String()
}

// eachGiven calls report with every column of qu that holds a value in the
// current row, and the value (empty for free text, which never reaches an
// output).
func (e *engine) eachGiven(qu *question, report func(name, value string)) {
	if v := e.raw(qu.rawAnswer); e.norm(qu.name, v) != "" {
		value := v
		if qu.typ == questionnaire.Text {
			value = ""
		}
		report(qu.name, value)
	}
	for j, f := range qu.rawFlags {
		// 0 (not chosen) is what a form exports for an unticked box: not an answer.
		if v := e.value(columns.Flag(qu.name, qu.codes[j]), f); f >= 0 && v != "" && v != "0" {
			report(columns.Flag(qu.name, qu.codes[j]), e.raw(f))
		}
	}
	for _, tc := range qu.texts {
		if tc.raw >= 0 && e.text(tc.raw) != "" {
			report(tc.name, "")
		}
	}
}

func (e *engine) relSubject(qu *question) string {
	if qu.rel.Cell != "" {
		return "cell " + qu.rel.Cell + " of row " + qu.row
	}
	return "the answer to " + qu.rel.Item
}

func (e *engine) unknownCode(qu *question, col, value string, bad []string) {
	what := "is not"
	if len(bad) > 1 {
		what = "are not"
	}
	e.issue(CodeUnknownCode, col, qu.item, value, "%s %s a code of item %s; allowed: %s, or blank / NA for no answer",
		quoteList(bad), what, qu.item.Number, allowedCodes(qu.codes))
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = show(v)
	}
	return strings.Join(q, ", ")
}

func (e *engine) evalSingle(qu *question, r *qres) {
	v := e.value(qu.name, qu.rawAnswer)
	if v == "" {
		return
	}
	j, ok := qu.code(v)
	if !ok {
		e.unknownCode(qu, qu.name, e.raw(qu.rawAnswer), []string{v})
		r.bad = true
		return
	}
	r.has, r.code = true, j
	e.vals[qu.outAnswer] = outVal{valid: true, i: int64(j)}
}

func (e *engine) evalMulti(qu *question, r *qres) {
	n := len(qu.codes)
	r.set = slices.Grow(r.set[:0], n)[:n]
	clear(r.set)

	// The list column: codes separated by ;.
	listGiven := false
	var listSet []bool
	if qu.rawAnswer >= 0 {
		raw := e.raw(qu.rawAnswer)
		if whole := e.norm(qu.name, raw); whole != "" {
			listGiven = true
			e.listSet = slices.Grow(e.listSet[:0], n)[:n]
			listSet = e.listSet
			clear(listSet)
			var bad, twice []string
			for rest, more := strings.ReplaceAll(fold(raw), "；", ";"), true; more; {
				var part string
				part, rest, more = strings.Cut(rest, ";")
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				code := e.norm(qu.name, part)
				if j, ok := qu.code(code); ok {
					if listSet[j] {
						twice = append(twice, qu.codes[j])
					}
					listSet[j] = true
				} else {
					bad = append(bad, part)
				}
			}
			if len(bad) > 0 {
				e.unknownCode(qu, qu.name, raw, bad)
				r.bad = true
				return
			}
			if len(twice) > 0 {
				e.issue(CodeRepeatedCode, qu.name, qu.item, raw,
					"%s is given more than once in %s; a code counts once (write each chosen code once)", strings.Join(twice, ", "), show(raw))
			}
		}
	}

	// The 0/1 columns, one per option.
	flagsGiven := false
	var flagSet []bool
	if qu.rawFlags != nil {
		e.flagSet = slices.Grow(e.flagSet[:0], n)[:n]
		flagSet = e.flagSet
		clear(flagSet)
		for j, f := range qu.rawFlags {
			if f < 0 {
				continue
			}
			col := columns.Flag(qu.name, qu.codes[j])
			switch v := e.value(col, f); v {
			case "":
			case "1":
				flagsGiven, flagSet[j] = true, true
			case "0":
				flagsGiven = true
			default:
				e.issue(CodeBadFlag, col, qu.item, e.raw(f), "a 0/1 column holds 1 (chosen), 0 (not chosen) or blank, not %s", show(v))
				r.bad = true
			}
		}
		if r.bad {
			return
		}
	}

	switch {
	case listGiven && flagsGiven && !slices.Equal(listSet, flagSet):
		e.issue(CodeConflictingMulti, qu.name, qu.item, e.raw(qu.rawAnswer),
			"%s says %s but the 0/1 columns say %s; give the answer once, or make both agree",
			qu.name, codesOf(qu.codes, listSet), codesOf(qu.codes, flagSet))
		r.bad = true
		return
	case listGiven:
		copy(r.set, listSet)
	case flagsGiven:
		copy(r.set, flagSet)
	default:
		return // no answer: null list and null flags
	}
	r.has = true

	chosen := e.chosen[:0]
	defer func() { e.chosen = chosen[:0] }()
	excl := ""
	for j, on := range r.set {
		if !on {
			continue
		}
		chosen = append(chosen, qu.codes[j])
		if j < len(qu.opts) && qu.opts[j].Exclusive {
			excl = qu.codes[j]
		}
	}
	if excl != "" && len(chosen) > 1 {
		value := e.raw(qu.rawAnswer)
		if !listGiven {
			value = strings.Join(chosen, ";")
		}
		e.issue(CodeExclusiveCombined, qu.name, qu.item, value,
			"option %s excludes all other options, but %s were chosen; choose %s alone or leave it out", excl, strings.Join(chosen, ", "), excl)
		r.bad = true
		return
	}
	e.vals[qu.outAnswer] = outVal{valid: true, list: append(e.vals[qu.outAnswer].list[:0], chosen...)}
	for j, o := range qu.outFlags {
		if o >= 0 {
			e.vals[o] = outVal{valid: true, b: r.set[j]}
		}
	}
}

func codesOf(codes []string, set []bool) string {
	var out []string
	for j, on := range set {
		if on {
			out = append(out, codes[j])
		}
	}
	if len(out) == 0 {
		return "(none)"
	}
	return strings.Join(out, ";")
}

// coded sets the analysts' category of a non-choice answer; false when v is none.
func (e *engine) coded(qu *question, r *qres, v string) bool {
	j, ok := qu.codedIdx[v]
	if !ok {
		return false
	}
	r.coded = j
	if qu.outCoded >= 0 {
		e.vals[qu.outCoded] = outVal{valid: true, i: int64(j)}
	}
	return true
}

func (e *engine) codedHint(qu *question) string {
	if len(qu.coded) == 0 {
		return ""
	}
	return ", or a coded category (" + allowedCodes(qu.coded) + ")"
}

func (e *engine) evalNumber(qu *question, r *qres) {
	raw := e.raw(qu.rawAnswer)
	v := e.value(qu.name, qu.rawAnswer)
	if v == "" || e.coded(qu, r, v) {
		return
	}
	if qu.typ == questionnaire.Integer {
		n, ok := parseInt(v)
		if !ok {
			e.issue(CodeNotInteger, qu.name, qu.item, raw,
				"%s is not a whole number; allowed: a whole number %s (full-width digits are accepted)%s, or blank / NA for no answer",
				show(raw), rangeText(qu.min, qu.max), e.codedHint(qu))
			r.bad = true
			return
		}
		if (qu.min != nil && n < int64(*qu.min)) || (qu.max != nil && n > int64(*qu.max)) || n < -1<<31 || n > 1<<31-1 {
			e.issue(CodeOutOfRange, qu.name, qu.item, raw, "%s is out of range; allowed: a whole number %s", show(v), rangeText(qu.min, qu.max))
			r.bad = true
			return
		}
		r.has, r.num = true, n
		e.vals[qu.outAnswer] = outVal{valid: true, i: n}
		return
	}
	year, month, ok := parseYearMonth(v)
	if !ok || month < 1 || month > 12 {
		why := "is not a year and month"
		if ok {
			why = fmt.Sprintf("has month %d (months are 1-12)", month)
		}
		e.issue(CodeBadYearMonth, qu.name, qu.item, raw, "%s %s; allowed: 2014-05, 2014/5 or 2014年5月 (full-width digits are accepted)%s, or blank / NA for no answer",
			show(raw), why, e.codedHint(qu))
		r.bad = true
		return
	}
	ym := year*12 + month - 1
	if year < minYear || ym > e.p.hiYM {
		e.issue(CodeImpossibleYearMonth, qu.name, qu.item, raw, "%04d-%02d is impossible; allowed: from %d-01 to %s",
			year, month, minYear, e.p.hiText)
		r.bad = true
		return
	}
	r.has, r.num = true, int64(ym)
	e.vals[qu.outAnswer] = outVal{valid: true, i: date32(year, month)}
}

func (e *engine) evalText(qu *question, r *qres) {
	v := e.text(qu.rawAnswer)
	if v == "" || e.coded(qu, r, e.norm(qu.name, v)) {
		return
	}
	r.has = true
	e.vals[qu.outAnswer] = outVal{valid: true, s: v}
}

// evalExtra checks the row-level columns of a matrix row.
func (e *engine) evalExtra(ex *rowExtra) {
	answered := false
	for _, qi := range ex.questions {
		if e.res[qi].has || e.res[qi].coded >= 0 {
			answered = true
		}
	}
	if ex.rawCoded >= 0 {
		if v := e.value(ex.codedName, ex.rawCoded); v != "" {
			if j, ok := ex.codedIdx[v]; ok {
				if ex.outCoded >= 0 {
					e.vals[ex.outCoded] = outVal{valid: true, i: int64(j)}
				}
			} else {
				e.issue(CodeUnknownCode, ex.codedName, ex.item, e.raw(ex.rawCoded),
					"%s is not a coded category of item %s row %s; allowed: %s, or blank for none", show(v), ex.item.Number, ex.row, allowedCodes(ex.coded))
			}
		}
	}
	if ex.text.raw >= 0 && e.text(ex.text.raw) != "" && !answered {
		e.issue(CodeOtherTextWithoutOption, ex.text.name, ex.item, "",
			"free text is given for row %s of item %s, but none of the row's cells is answered; answer the row or leave the text blank", ex.row, ex.item.Number)
	}
}

// checkOrder reports year-month pairs in the wrong order (Options.Order).
func (e *engine) checkOrder() {
	for _, pair := range e.p.order {
		a, b := &e.res[pair[0]], &e.res[pair[1]]
		if !a.has || !b.has || a.num <= b.num {
			continue
		}
		qa, qb := e.p.questions[pair[0]], e.p.questions[pair[1]]
		e.issue(CodeStartAfterEnd, qa.name, qa.item, e.raw(qa.rawAnswer),
			"%s (%s, item %s) is after %s (%s, item %s); item %s must not be later than item %s",
			formatYM(int(a.num)), qa.name, qa.item.Number, formatYM(int(b.num)), qb.name, qb.item.Number, qa.item.Number, qb.item.Number)
	}
}
