package report

// The sections after the tables: SIM3 maturity, audit, validation,
// interviews, claims. Each grid is what the section's notebook cell shows.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

// maturity is the SIM3 profile.
type maturity struct {
	items       []*matItem
	respondents []*matResp
}

type matItem struct {
	Item     string
	SIM3     string
	Question text
	Counts   [6]int64 // levels 0-4, no level
	Sum      int64
	Coarse   bool
}

type matResp struct {
	ID       string
	Answered int64
	Sum      int64
	Min, Max int32
}

func readMaturity(rec arrow.Record, q *questionnaire.Questionnaire) (*maturity, error) {
	idx := map[string]int{}
	for i, f := range rec.Schema().Fields() {
		idx[f.Name] = i
	}
	str := func(name string) (stringColumn, error) {
		i, ok := idx[name]
		if !ok {
			return stringColumn{}, fmt.Errorf("report: maturity record has no column %s", name)
		}
		return newStringColumn(rec.Column(i), "maturity column "+name)
	}
	ids, err := str("respondent_id")
	if err != nil {
		return nil, err
	}
	items, err := str("item")
	if err != nil {
		return nil, err
	}
	sim3, err := str("sim3")
	if err != nil {
		return nil, err
	}
	li, ok := idx["sim3_level"]
	if !ok {
		return nil, fmt.Errorf("report: maturity record has no column sim3_level")
	}
	levels, ok := rec.Column(li).(*array.Int32)
	if !ok {
		return nil, fmt.Errorf("report: maturity column sim3_level is %s, want int32", rec.Column(li).DataType())
	}
	ci, ok := idx["coarse"]
	if !ok {
		return nil, fmt.Errorf("report: maturity record has no column coarse")
	}
	coarse, ok := rec.Column(ci).(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("report: maturity column coarse is %s, want bool", rec.Column(ci).DataType())
	}
	mt := &maturity{}
	byItem := map[string]*matItem{}
	byResp := map[string]*matResp{}
	for i := 0; i < int(rec.NumRows()); i++ {
		num := items.Value(i)
		it := byItem[num]
		if it == nil {
			it = &matItem{Item: num}
			if qi := q.Item(num); qi != nil {
				it.Question = text{qi.TextJA, qi.TextEN}
			}
			byItem[num] = it
			mt.items = append(mt.items, it)
		}
		if it.SIM3 == "" && sim3.IsValid(i) {
			it.SIM3 = sim3.Value(i)
		}
		id := ids.Value(i)
		r := byResp[id]
		if r == nil {
			r = &matResp{ID: id}
			byResp[id] = r
			mt.respondents = append(mt.respondents, r)
		}
		if !levels.IsValid(i) {
			it.Counts[5]++
			continue
		}
		lv := levels.Value(i)
		if lv < 0 || lv > 4 {
			return nil, fmt.Errorf("report: maturity row %d: level %d is not 0-4", i, lv)
		}
		it.Counts[lv]++
		it.Sum += int64(lv)
		if coarse.IsValid(i) && coarse.Value(i) {
			it.Coarse = true
		}
		if r.Answered == 0 || lv < r.Min {
			r.Min = lv
		}
		if r.Answered == 0 || lv > r.Max {
			r.Max = lv
		}
		r.Answered++
		r.Sum += int64(lv)
	}
	slices.SortFunc(mt.respondents, func(a, b *matResp) int { return strings.Compare(a.ID, b.ID) })
	return mt, nil
}

// stringColumn reads a column of strings stored plain or as a dictionary.
type stringColumn struct {
	arrow.Array
	plain *array.String
	dict  *array.Dictionary
	vals  *array.String
}

func newStringColumn(a arrow.Array, what string) (stringColumn, error) {
	switch a := a.(type) {
	case *array.String:
		return stringColumn{Array: a, plain: a}, nil
	case *array.Dictionary:
		if vals, ok := a.Dictionary().(*array.String); ok {
			return stringColumn{Array: a, dict: a, vals: vals}, nil
		}
	}
	return stringColumn{}, fmt.Errorf("report: %s is %s, want utf8 or a dictionary of utf8", what, a.DataType())
}

// Value returns the string at row i ("" when null).
func (c stringColumn) Value(i int) string {
	if c.IsNull(i) {
		return ""
	}
	if c.plain != nil {
		return c.plain.Value(i)
	}
	return c.vals.Value(c.dict.GetValueIndex(i))
}

func (it *matItem) answered() int64 {
	return it.Counts[0] + it.Counts[1] + it.Counts[2] + it.Counts[3] + it.Counts[4]
}

func (it *matItem) label() string {
	if it.SIM3 == "" {
		return it.Item
	}
	return it.Item + " " + it.SIM3
}

func (mt *maturity) grid(l lang) *grid {
	c := func(k string) string { return maturityCols[k].in(l) }
	g := &grid{Cols: []col{{Name: c("item")}, {Name: c("sim3")}, {Name: c("question")}}, Empty: ui["emptyTable"].in(l)}
	for _, n := range []string{"L0", "L1", "L2", "L3", "L4", "NA"} {
		g.Cols = append(g.Cols, col{Name: n, Num: true})
	}
	g.Cols = append(g.Cols, col{Name: c("n"), Num: true}, col{Name: c("mean"), Num: true}, col{Name: c("coarse")})
	for _, it := range mt.items {
		sim3 := strCell(it.SIM3)
		if it.SIM3 == "" {
			sim3 = naCell()
		}
		row := []cell{strCell(it.Item), sim3, strCell(it.Question.in(l))}
		for _, n := range it.Counts {
			row = append(row, intCell(n))
		}
		mean := naCell()
		if n := it.answered(); n > 0 {
			mean = decCell(float64(it.Sum)/float64(n), 2)
		}
		row = append(row, intCell(it.answered()), mean, strCell(yesNo(it.Coarse).in(l)))
		g.Rows = append(g.Rows, row)
	}
	return g
}

func levelLegend(l lang) []string {
	out := make([]string, len(levelNames))
	for i, t := range levelNames {
		out[i] = t.in(l)
	}
	return out
}

func (mt *maturity) respondentGrid(l lang) *grid {
	c := func(k string) string { return respondentCols[k].in(l) }
	g := &grid{Cols: []col{{Name: c("respondent_id")}, {Name: c("answered"), Num: true}, {Name: c("mean"), Num: true},
		{Name: c("min"), Num: true}, {Name: c("max"), Num: true}}, Empty: ui["emptyTable"].in(l)}
	for _, r := range mt.respondents {
		row := []cell{strCell(r.ID), intCell(r.Answered)}
		if r.Answered == 0 {
			row = append(row, naCell(), naCell(), naCell())
		} else {
			row = append(row, decCell(float64(r.Sum)/float64(r.Answered), 2), intCell(int64(r.Min)), intCell(int64(r.Max)))
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// pyFloat prints a float as Python's repr does for ordinary values.
func pyFloat(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

func (m *model) auditGrid(l lang) *grid {
	c := func(k string) string { return auditCols[k].in(l) }
	g := &grid{Cols: []col{{Name: c("finding_id")}, {Name: c("kind")}, {Name: c("severity")}, {Name: c("tables")},
		{Name: c("pages")}, {Name: c("numbers")}, {Name: c("message")}}, Empty: ui["emptyTable"].in(l)}
	for _, f := range m.in.Findings {
		pages := make([]string, len(f.Pages))
		for i, p := range f.Pages {
			pages[i] = strconv.Itoa(p)
		}
		msg := auditMessage(f.MessageJA, f.MessageEN, l)
		sev := strCell(codeText(severities, f.Severity, l))
		sev.Class = "sev-" + f.Severity
		g.Rows = append(g.Rows, []cell{strCell(f.ID), strCell(codeText(auditKinds, f.Kind, l)), sev, strCell(strings.Join(f.Tables, ", ")),
			strCell(strings.Join(pages, ", ")), strCell(auditNumbers(f.Numbers, l)), strCell(msg)})
	}
	return g
}

func (m *model) auditCounts() (warnings, infos int) {
	for _, f := range m.in.Findings {
		switch f.Severity {
		case published.SevWarning:
			warnings++
		case published.SevInfo:
			infos++
		}
	}
	return warnings, infos
}

// maxIssuesShown caps the issues listed in the validation section.
const maxIssuesShown = 50

// validationRows are the rows of the validation dataset, as the build writes it.
type validationRow struct {
	Code, Severity, File string
	Row                  *int64
	Column, Item, Value  string
	Message              string
}

func (m *model) validationRows() []validationRow {
	if m.in.Validation == nil {
		return nil
	}
	rec := validation.Record(memory.NewGoAllocator(), m.in.Validation)
	defer rec.Release()
	s := func(i, j int) string {
		a := rec.Column(i).(*array.String)
		if a.IsNull(j) {
			return ""
		}
		return a.Value(j)
	}
	var out []validationRow
	for j := 0; j < int(rec.NumRows()); j++ {
		r := validationRow{Code: s(0, j), Severity: s(1, j), File: s(2, j), Column: s(4, j), Item: s(5, j), Value: s(6, j), Message: s(7, j)}
		if a := rec.Column(3).(*array.Int32); a.IsValid(j) {
			r.Row = ptr(int64(a.Value(j)))
		}
		out = append(out, r)
	}
	return out
}

func (m *model) validationTotalsGrid(l lang) *grid {
	c := func(k string) string { return validationCols[k].in(l) }
	g := &grid{Cols: []col{{Name: c("severity")}, {Name: c("code")}, {Name: c("issues"), Num: true}}, Empty: ui["valNone"].in(l)}
	type k struct{ sev, code string }
	counts := map[k]int64{}
	var keys []k
	for _, r := range m.validationRows() {
		kk := k{r.Severity, r.Code}
		if _, ok := counts[kk]; !ok {
			keys = append(keys, kk)
		}
		counts[kk]++
	}
	slices.SortFunc(keys, func(a, b k) int {
		if c := strings.Compare(a.sev, b.sev); c != 0 {
			return c
		}
		return strings.Compare(a.code, b.code)
	})
	for _, kk := range keys {
		g.Rows = append(g.Rows, []cell{strCell(codeText(severities, kk.sev, l)), strCell(codeText(validationCodes, kk.code, l)), intCell(counts[kk])})
	}
	return g
}

func (m *model) validationIssuesGrid(l lang) *grid {
	c := func(k string) string { return validationCols[k].in(l) }
	g := &grid{Cols: []col{{Name: c("row"), Num: true}, {Name: c("column")}, {Name: c("item")}, {Name: c("code")},
		{Name: c("severity")}, {Name: c("value")}, {Name: c("message")}}, Empty: ui["valNone"].in(l)}
	opt := func(s string) cell {
		if s == "" {
			return naCell()
		}
		return strCell(s)
	}
	for i, r := range m.validationRows() {
		if i == maxIssuesShown {
			break
		}
		msg := r.Message
		if l == ja {
			msg = validationMessageJA(r.Code, r.Item, r.Column, r.Value)
		}
		g.Rows = append(g.Rows, []cell{optInt(r.Row), opt(r.Column), opt(r.Item), strCell(codeText(validationCodes, r.Code, l)),
			strCell(codeText(severities, r.Severity, l)), opt(r.Value), opt(msg)})
	}
	return g
}

func (m *model) validationSummary(l lang) []kv {
	v := m.in.Validation
	return []kv{
		{ui["valFile"].in(l), filepath.Base(v.File)},
		{ui["valEncoding"].in(l), v.Encoding},
		{ui["valRows"].in(l), strconv.Itoa(v.Rows)},
		{ui["valAccepted"].in(l), strconv.Itoa(v.Accepted)},
		{ui["valRejected"].in(l), strconv.Itoa(v.Rejected)},
		{ui["valQuarantine"].in(l), yesNo(v.Quarantine).in(l)},
	}
}

// validationTotals lists the complete totals by code (Report.Totals), sorted.
func (m *model) validationTotals(l lang) []kv {
	v := m.in.Validation
	codes := make([]string, 0, len(v.Totals))
	for c := range v.Totals {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	out := make([]kv, len(codes))
	for i, c := range codes {
		out[i] = kv{codeText(validationCodes, c, l), strconv.Itoa(v.Totals[c])}
	}
	return out
}

func (m *model) interviewGrid(l lang) *grid {
	c := func(k string) string { return interviewCols[k].in(l) }
	g := &grid{Empty: ui["emptyTable"].in(l)}
	for _, k := range []string{"team", "organisation", "industry", "form", "size", "department", "budget", "constituency", "interview_date", "page", "last_page"} {
		g.Cols = append(g.Cols, col{Name: c(k), Num: k == "page" || k == "last_page"})
	}
	for _, iv := range m.in.Interviews {
		pick := func(t interviews.Text) string { return text{t.JA, t.EN}.in(l) }
		g.Rows = append(g.Rows, []cell{strCell(iv.Team), strCell(pick(iv.Organisation)), strCell(pick(iv.Industry)),
			strCell(text{iv.Form.JA, iv.Form.EN()}.in(l)), strCell(text{iv.Size.JA, iv.Size.EN}.in(l)), strCell(pick(iv.Department)),
			strCell(pick(iv.Budget)), strCell(pick(iv.Constituency)), strCell(iv.InterviewDate), intCell(int64(iv.Page)), intCell(int64(iv.LastPage))})
	}
	return g
}

// topicGrid is topic x team, each cell the team's codes (with cadence).
func (m *model) topicGrid(l lang) *grid {
	g := &grid{Cols: []col{{Name: ui["topic"].in(l)}}, Empty: ui["emptyTable"].in(l)}
	var topics []string
	labels := map[string]string{}
	seen := map[string]bool{}
	cells := map[[2]string][]string{}
	for _, iv := range m.in.Interviews {
		g.Cols = append(g.Cols, col{Name: iv.Team})
		for _, t := range iv.Vocabulary.Topics {
			for _, a := range iv.Answers(t.ID) {
				if !seen[t.ID] {
					seen[t.ID] = true
					topics = append(topics, t.ID)
					labels[t.ID] = text{t.LabelJA, t.LabelEN}.in(l)
				}
				s := topicCodeText(t, iv.Vocabulary, a, l)
				cells[[2]string{t.ID, iv.Team}] = append(cells[[2]string{t.ID, iv.Team}], s)
			}
		}
	}
	for _, t := range topics {
		row := []cell{strCell(labels[t])}
		for _, iv := range m.in.Interviews {
			if v, ok := cells[[2]string{t, iv.Team}]; ok {
				row = append(row, strCell(strings.Join(v, " / ")))
			} else {
				row = append(row, naCell())
			}
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// topicLegend explains, per topic, the codes the interviews use.
func (m *model) topicLegend(l lang) []kv {
	used := map[string]bool{}
	vocab := interviews.VocabularyOf(m.in.Interviews)
	for _, iv := range m.in.Interviews {
		for _, t := range vocab.Topics {
			for _, a := range iv.Answers(t.ID) {
				used[t.ID+"\x00"+a.Code] = true
				if a.Cadence != "" {
					used["\x00cadence\x00"+a.Cadence] = true
				}
			}
		}
	}
	var out []kv
	for _, t := range vocab.Topics {
		var parts []string
		for _, code := range append([]interviews.Code{{Code: interviews.NotMentioned}}, t.Codes...) {
			if !used[t.ID+"\x00"+code.Code] {
				continue
			}
			full, _ := t.Code(code.Code)
			parts = append(parts, text{full.LabelJA, full.LabelEN}.in(l))
		}
		if len(parts) > 0 {
			out = append(out, kv{text{t.LabelJA, t.LabelEN}.in(l), strings.Join(parts, map[lang]string{ja: "、", en: "; "}[l])})
		}
	}
	var cad []string
	for _, c := range vocab.Cadences {
		if used["\x00cadence\x00"+c.Code] {
			cad = append(cad, text{c.LabelJA, c.LabelEN}.in(l))
		}
	}
	if len(cad) > 0 {
		out = append(out, kv{ui["cadence"].in(l), strings.Join(cad, map[lang]string{ja: "、", en: "; "}[l])})
	}
	return out
}

func (m *model) claimsGrid(l lang) *grid {
	c := func(k string) string { return claimCols[k].in(l) }
	g := &grid{Empty: ui["emptyTable"].in(l)}
	for _, k := range []string{"claim_id", "page", "text", "tables", "statistic", "claimed", "computed", "status", "note"} {
		g.Cols = append(g.Cols, col{Name: c(k), Num: k == "page" || k == "computed"})
	}
	for _, r := range m.in.Claims {
		cl := r.Claim
		computed := cell{S: naText, Num: true}
		if r.Computed != nil {
			v := roundHalfUp(*r.Computed, 3)
			computed = cell{V: v, S: pyFloat(v), Num: true}
		}
		st := strCell(claimStatusText(string(r.Status), l))
		st.Class = "cl-" + strings.ReplaceAll(string(r.Status), "_", "-")
		g.Rows = append(g.Rows, []cell{strCell(cl.ID), pageCell(cl.Page), strCell(text{cl.TextJA, cl.TextEN}.in(l)),
			strCell(strings.Join(cl.Tables(), ", ")), strCell(claimStatisticText(cl, l)), strCell(claimClaimedText(cl, l)), computed, st, strCell(claimNoteText(r, l))})
	}
	return g
}

// quantifierGrid is the quantifier table the claims were read by: each
// entry's wordings, kind, accepted range and reason, and how many claims it
// reads. Nil without a table.
func (m *model) quantifierGrid(l lang) *grid {
	qs := m.in.Quantifiers
	if qs == nil {
		return nil
	}
	c := func(k string) string { return quantifierCols[k].in(l) }
	g := &grid{Empty: ui["emptyTable"].in(l)}
	for _, k := range []string{"wordings", "kind", "range", "reason", "claims"} {
		g.Cols = append(g.Cols, col{Name: c(k), Num: k == "claims"})
	}
	uses := map[string]int64{} // kind and wording -> claims read by it
	for _, r := range m.in.Claims {
		uses[string(r.Claim.Kind())+" "+r.Claim.Quantifier]++
	}
	for i := range qs.Entries {
		q := &qs.Entries[i]
		var n int64
		for _, w := range q.Wordings {
			n += uses[string(q.Kind)+" "+w]
		}
		rja, ren := q.Range()
		kind := text{string(q.Kind), string(q.Kind)}
		if t, ok := quantifierKinds[string(q.Kind)]; ok {
			kind = t
		}
		shown := strings.ReplaceAll(strings.Join(q.Wordings, map[lang]string{ja: "、", en: ", "}[l]), "{N}", "N") // N: the printed number
		g.Rows = append(g.Rows, []cell{strCell(shown), strCell(kind.in(l)),
			strCell(text{rja, ren}.in(l)), strCell(text{q.ReasonJA, q.ReasonEN}.in(l)), intCell(n)})
	}
	return g
}

func claimStatusText(s string, l lang) string {
	if t, ok := claimStatus[s]; ok {
		return t.in(l)
	}
	return s
}

// claimCounts counts the claims by status, in the order of claimStatus's keys
// as the claims package lists them.
func (m *model) claimCounts(l lang) string {
	counts := map[string]int{}
	for _, r := range m.in.Claims {
		counts[string(r.Status)]++
	}
	var parts []string
	for _, s := range []string{"holds", "holds_inferred", "fails", "fails_inferred", "unknown", "unverifiable"} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", claimStatusText(s, l), counts[s]))
		}
	}
	return strings.Join(parts, ", ")
}

// pageCell is a page number, or – for a claim without one (a press article
// quoted in prose has no page; 0 is no page).
func pageCell(page int) cell {
	if page <= 0 {
		return cell{S: naText, Num: true}
	}
	return intCell(int64(page))
}
