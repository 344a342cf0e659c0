package claims

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
)

// Tables gives the printed figures of the published tables.
type Tables interface {
	// Count returns a printed row's count; known is false when the count was lost in the extraction
	// (value then holds an inferred count if inferred is true).
	Count(key string, row int) (value int64, known, inferred bool, ok bool) // ok false: no such table/row
	// N returns the table's printed N; known false when lost.
	N(key string) (n int64, known bool, ok bool)
}

// Shapes is implemented by Tables that know a table's layout: how many rows
// it prints and whether it is single-answer with every row printed, so that
// its rows add up to its N. Evaluate uses it to infer a sum of rows that were
// lost as N less the other rows, when those and N are all printed.
type Shapes interface {
	Shape(key string) (rows int, single bool, ok bool)
}

// Status is the outcome of recomputing a claim.
type Status string

// The statuses Evaluate gives.
const (
	// StatusHolds: every input is printed and the claim holds.
	StatusHolds Status = "holds"
	// StatusFails: every input is printed and the claim does not hold.
	StatusFails Status = "fails"
	// StatusUnknown: an input was lost in the extraction and not inferred
	// (or the claim names a table or row the tables do not have; the note
	// says which).
	StatusUnknown Status = "unknown"
	// StatusHoldsInferred and StatusFailsInferred: as StatusHolds and
	// StatusFails, but at least one input is an inferred count rather than
	// a printed one.
	StatusHoldsInferred Status = "holds_inferred"
	StatusFailsInferred Status = "fails_inferred"
	// StatusUnverifiable: the claim needs respondent-level data.
	StatusUnverifiable Status = "unverifiable"
)

// Result is one claim recomputed from the tables.
type Result struct {
	Claim Claim
	// Computed is the recomputed statistic: the count, the share (0-1) or
	// the difference A - B of a comparison; nil when it cannot be computed.
	Computed *float64
	Status   Status
	// Citation is the verdict on what the sentence cites (Claim.Cites):
	// CitationMatches, CitationWrong, or "" when it cites nothing or has no
	// statistic; CitationNote says which table the figure comes from.
	Citation     Citation
	CitationNote string
	// Note explains the computation ("2.8: #2 = 56; N = 66; 56/66 = 0.848,
	// 0.85 at precision 0.01, within 0.85-0.95"), or why there is none.
	Note string
}

// Citation is the verdict on a claim's citation, beside its numeric Status.
type Citation string

// The citation verdicts Evaluate gives.
const (
	// CitationMatches: the figure comes from a table the sentence cites.
	CitationMatches Citation = "cites_match"
	// CitationWrong: the sentence cites tables the figure does not come from
	// (or that do not exist); CitationNote names the table it comes from.
	CitationWrong Citation = "wrong_citation"
)

// citation checks the tables a claim cites against the table its statistic
// reads.
func citation(c Claim, t Tables) (Citation, string) {
	s := c.Statistic
	if s == nil || len(c.Cites) == 0 {
		return "", ""
	}
	var absent []string
	for _, k := range c.Cites {
		if _, _, ok := t.N(k); !ok {
			absent = append(absent, k)
		}
	}
	cited := strings.Join(c.Cites, ", ")
	switch {
	case len(absent) > 0:
		return CitationWrong, fmt.Sprintf("cites %s; no such table: %s; the figure comes from table %s", cited, strings.Join(absent, ", "), s.Table)
	case slices.Contains(c.Cites, s.Table):
		return CitationMatches, fmt.Sprintf("cites %s; the figure comes from table %s", cited, s.Table)
	}
	return CitationWrong, fmt.Sprintf("cites %s, but the figure comes from table %s", cited, s.Table)
}

// Evaluate recomputes every claim from t, in the order given.
//
// Counts and comparisons are exact integer arithmetic. A share is compared
// exactly with a gt/gte/lt/lte threshold; for eq and approx (and for the
// tolerance of a threshold, 半数弱) it is first rounded half up to the claim's
// printed precision, as the report rounds its own figures (56/66 is printed
// as 85%).
func Evaluate(cs []Claim, t Tables) []Result {
	out := make([]Result, len(cs))
	for i, c := range cs {
		out[i] = evaluate(c, t)
	}
	return out
}

func evaluate(c Claim, t Tables) Result {
	r := evaluateValue(c, t)
	r.Citation, r.CitationNote = citation(c, t)
	return r
}

func evaluateValue(c Claim, t Tables) Result {
	r := Result{Claim: c}
	s := c.Statistic
	if s == nil {
		r.Status = StatusUnverifiable
		if c.Unverifiable != nil {
			r.Note = c.Unverifiable.Reason
		}
		return r
	}
	in := &inputs{t: t}
	var (
		value   float64
		holds   bool
		explain string
	)
	switch s.Kind {
	case Count:
		num, numText := in.numerator(s)
		if !in.complete() {
			break
		}
		value = float64(num)
		var verdict string
		holds, verdict = compareInt(num, c.Relation, int64(c.Value), int64(c.Tolerance))
		explain = fmt.Sprintf("%s: %s; %s", s.Table, numText, verdict)
	case Share:
		num, numText := in.numerator(s)
		den, denText := in.denominator(s)
		if !in.complete() {
			break
		}
		if den <= 0 || num < 0 {
			in.bad = append(in.bad, fmt.Sprintf("share %d/%d cannot be computed", num, den))
			break
		}
		value = float64(num) / float64(den)
		var verdict string
		holds, verdict = compareShare(num, den, c)
		explain = fmt.Sprintf("%s: %s; %s; %d/%d = %.3f%s", s.Table, numText, denText, num, den, value, verdict)
	case Compare:
		a, aText := in.side(s.Table, s.Rows, s.Each, true)
		b, bText := in.side(s.Table, s.Versus, s.Each, false)
		if !in.complete() {
			break
		}
		diff := a - b
		value = float64(diff)
		var verdict string
		holds, verdict = compareInt(diff, c.Relation, int64(c.Value), 0)
		explain = fmt.Sprintf("%s: %s; %s; %d - %d = %d: %s", s.Table, aText, bText, a, b, diff, verdict)
	default:
		in.bad = append(in.bad, fmt.Sprintf("unknown statistic kind %q", s.Kind))
	}
	if !in.complete() {
		r.Status = StatusUnknown
		r.Note = in.why()
		return r
	}
	r.Computed = &value
	r.Note = explain
	switch {
	case holds && in.inferred:
		r.Status = StatusHoldsInferred
	case holds:
		r.Status = StatusHolds
	case in.inferred:
		r.Status = StatusFailsInferred
	default:
		r.Status = StatusFails
	}
	if in.inferred {
		r.Note += " (* inferred count, not printed)"
	}
	return r
}

// inputs reads counts from the tables and remembers what was lost, missing
// or inferred.
type inputs struct {
	t        Tables
	inferred bool
	lost     []string // lost in the extraction and not inferred
	missing  []string // no such table or row
	bad      []string // other reasons the statistic cannot be computed
}

func (in *inputs) complete() bool {
	return len(in.lost) == 0 && len(in.missing) == 0 && len(in.bad) == 0
}

// why explains an unknown result.
func (in *inputs) why() string {
	var parts []string
	if len(in.missing) > 0 {
		parts = append(parts, "no such table or row: "+strings.Join(in.missing, ", "))
	}
	if len(in.lost) > 0 {
		parts = append(parts, "lost in the extraction and not inferred: "+strings.Join(in.lost, ", "))
	}
	parts = append(parts, in.bad...)
	return strings.Join(parts, "; ")
}

// row returns a row's count and its text ("56", "56*" when inferred).
func (in *inputs) row(key string, row int) (int64, string, bool) {
	v, known, inferred, ok := in.t.Count(key, row)
	label := fmt.Sprintf("%s #%d", key, row)
	switch {
	case !ok:
		in.missing = append(in.missing, label)
	case known:
		return v, strconv.FormatInt(v, 10), true
	case inferred:
		in.inferred = true
		return v, strconv.FormatInt(v, 10) + "*", true
	default:
		in.lost = append(in.lost, label)
	}
	return 0, "?", false
}

// n returns a table's printed N.
func (in *inputs) n(key string) (int64, bool) {
	v, known, ok := in.t.N(key)
	switch {
	case !ok:
		in.missing = append(in.missing, key+" N")
	case !known:
		in.lost = append(in.lost, key+" N")
	default:
		return v, true
	}
	return 0, false
}

// sum adds up rows and writes "#1+#2 = 19+30 = 49" (or "#2 = 56"). When a
// row is not printed it first tries the table's N less its other rows
// (sumFromN).
func (in *inputs) sum(key string, rows []int) (int64, string) {
	if v, text, ok := in.sumFromN(key, rows); ok {
		return v, text
	}
	var total int64
	names := make([]string, len(rows))
	vals := make([]string, len(rows))
	for i, r := range rows {
		v, text, _ := in.row(key, r)
		total += v
		names[i] = "#" + strconv.Itoa(r)
		vals[i] = text
	}
	if len(rows) == 1 {
		return total, names[0] + " = " + vals[0]
	}
	return total, fmt.Sprintf("%s = %s = %d", strings.Join(names, "+"), strings.Join(vals, "+"), total)
}

// sumFromN infers the sum of rows as the table's N less its other rows, for a
// single-answer table whose rows add up to N, when one of rows is not printed
// and N and every other row are printed: "#1+#2 = N - #3 - #4 = 66 - 17 - 12
// = 37 (inferred: N less the other rows)". ok is false when it does not apply
// (the caller then reads the rows one by one).
func (in *inputs) sumFromN(key string, rows []int) (int64, string, bool) {
	sh, can := in.t.(Shapes)
	if !can {
		return 0, "", false
	}
	nrows, single, ok := sh.Shape(key)
	if !ok || !single {
		return 0, "", false
	}
	want := make(map[int]bool, len(rows))
	anyLost := false
	for _, r := range rows {
		if r < 1 || r > nrows || want[r] {
			return 0, "", false
		}
		want[r] = true
		if _, known, _, ok := in.t.Count(key, r); ok && !known {
			anyLost = true
		}
	}
	if !anyLost {
		return 0, "", false
	}
	n, known, ok := in.t.N(key)
	if !ok || !known {
		return 0, "", false
	}
	total := n
	names := []string{"N"}
	vals := []string{strconv.FormatInt(n, 10)}
	for r := 1; r <= nrows; r++ {
		if want[r] {
			continue
		}
		v, known, _, ok := in.t.Count(key, r)
		if !ok || !known {
			return 0, "", false
		}
		total -= v
		names = append(names, "#"+strconv.Itoa(r))
		vals = append(vals, strconv.FormatInt(v, 10))
	}
	if total < 0 {
		return 0, "", false
	}
	in.inferred = true
	lhs := make([]string, len(rows))
	for i, r := range rows {
		lhs[i] = "#" + strconv.Itoa(r)
	}
	return total, fmt.Sprintf("%s = %s = %s = %d* (inferred: N less the other rows of a single-answer table)",
		strings.Join(lhs, "+"), strings.Join(names, " - "), strings.Join(vals, " - "), total), true
}

// numerator returns a count or share's numerator.
func (in *inputs) numerator(s *Statistic) (int64, string) {
	if s.UseN {
		n, _ := in.n(s.Table)
		return n, fmt.Sprintf("N = %d", n)
	}
	return in.sum(s.Table, s.Rows)
}

// denominator returns a share's denominator: the base table's N less the
// excluded rows.
func (in *inputs) denominator(s *Statistic) (int64, string) {
	key := s.base()
	label := "N"
	if key != s.Table {
		label = "N(" + key + ")"
	}
	n, _ := in.n(key)
	if len(s.Exclude) == 0 {
		return n, fmt.Sprintf("%s = %d", label, n)
	}
	var ex int64
	names := []string{label}
	vals := []string{strconv.FormatInt(n, 10)}
	for _, r := range s.Exclude {
		v, text, _ := in.row(key, r)
		ex += v
		names = append(names, fmt.Sprintf("%s #%d", key, r))
		if key == s.Table {
			names[len(names)-1] = "#" + strconv.Itoa(r)
		}
		vals = append(vals, text)
	}
	return n - ex, fmt.Sprintf("%s = %s = %d", strings.Join(names, " - "), strings.Join(vals, " - "), n-ex)
}

// side returns one side of a comparison: the sum of rows, or with each their
// minimum (side A) or maximum (side B).
func (in *inputs) side(key string, rows []int, each, isA bool) (int64, string) {
	if !each || len(rows) == 1 {
		return in.sum(key, rows)
	}
	var best int64
	names := make([]string, len(rows))
	vals := make([]string, len(rows))
	for i, r := range rows {
		v, text, _ := in.row(key, r)
		if i == 0 || (isA && v < best) || (!isA && v > best) {
			best = v
		}
		names[i] = "#" + strconv.Itoa(r)
		vals[i] = text
	}
	fn := "max"
	if isA {
		fn = "min"
	}
	return best, fmt.Sprintf("%s(%s) = %s(%s) = %d", fn, strings.Join(names, ", "), fn, strings.Join(vals, ", "), best)
}

// compareInt evaluates an integer statistic (count or difference) against
// the claim; tol > 0 bounds a threshold relation from the other side.
func compareInt(got int64, rel Relation, want, tol int64) (bool, string) {
	var ok bool
	switch rel {
	case Eq:
		ok = got == want
	case Approx:
		ok = abs(got-want) <= tol
		return ok, fmt.Sprintf("%d %s %d-%d", got, within(ok), want-tol, want+tol)
	case Gt:
		ok = got > want && (tol == 0 || got <= want+tol)
	case Gte:
		ok = got >= want && (tol == 0 || got <= want+tol)
	case Lt:
		ok = got < want && (tol == 0 || got >= want-tol)
	case Lte:
		ok = got <= want && (tol == 0 || got >= want-tol)
	}
	text := fmt.Sprintf("%d %s %d", got, rel.symbol(), want)
	if !ok {
		text = fmt.Sprintf("%d is not %s %d", got, rel.symbol(), want)
	}
	if tol > 0 {
		text += fmt.Sprintf(" within %d", tol)
	}
	return ok, text
}

func within(ok bool) string {
	if ok {
		return "within"
	}
	return "outside"
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// compareShare evaluates num/den against a share claim and returns the
// verdict as text starting with ", ".
func compareShare(num, den int64, c Claim) (bool, string) {
	scale := int64(math.Round(1 / c.Precision))
	rounded := (2*num*scale + den) / (2 * den) // num/den in units of the precision, half up
	vp := int64(math.Round(c.Value * float64(scale)))
	tp := int64(math.Round(c.Tolerance * float64(scale)))
	digits := int(math.Round(math.Log10(float64(scale))))
	unit := func(u int64) string { return strconv.FormatFloat(float64(u)/float64(scale), 'f', digits, 64) }
	atPrec := fmt.Sprintf("%s at precision %s", unit(rounded), strconv.FormatFloat(c.Precision, 'f', -1, 64))

	switch c.Relation {
	case Eq:
		ok := rounded == vp
		if ok {
			return true, fmt.Sprintf(", %s, = %s", atPrec, unit(vp))
		}
		return false, fmt.Sprintf(", %s, is not = %s", atPrec, unit(vp))
	case Approx:
		ok := abs(rounded-vp) <= tp
		lo, hi := max(vp-tp, 0), min(vp+tp, scale) // a share lies in 0-1
		return ok, fmt.Sprintf(", %s, %s %s-%s (%s +/- %s)", atPrec, within(ok), unit(lo), unit(hi), unit(vp), unit(tp))
	}
	// Thresholds are exact: compare num/den with value as fractions.
	vExact := int64(math.Round(c.Value * valueScale))
	lhs, rhs := num*valueScale, vExact*den // num/den vs vExact/valueScale
	var ok bool
	switch c.Relation {
	case Gt:
		ok = lhs > rhs
	case Gte:
		ok = lhs >= rhs
	case Lt:
		ok = lhs < rhs
	case Lte:
		ok = lhs <= rhs
	}
	threshold := formatValue(Share, c.Value)
	text := fmt.Sprintf(" %s %s", c.Relation.symbol(), threshold)
	if !ok {
		text = fmt.Sprintf(" is not %s %s", c.Relation.symbol(), threshold)
	}
	if tp > 0 {
		var near bool
		var bound string
		if c.Relation == Gt || c.Relation == Gte {
			near, bound = rounded <= vp+tp, "<= "+unit(vp+tp)
		} else {
			near, bound = rounded >= vp-tp, ">= "+unit(vp-tp)
		}
		if near {
			text += fmt.Sprintf(" and %s %s", atPrec, bound)
		} else {
			text += fmt.Sprintf(" but %s is not %s", atPrec, bound)
		}
		ok = ok && near
	}
	return ok, text
}

// CountFact is a claim stating one printed row's exact count: it may fill a
// count the extraction lost.
type CountFact struct {
	Table   string
	Row     int
	Value   int64
	ClaimID string
	Page    int
}

// ExactCounts returns, in file order, the claims of kind count with relation
// eq on a single row of a single table.
func ExactCounts(cs []Claim) []CountFact {
	var out []CountFact
	for _, c := range cs {
		s := c.Statistic
		if s == nil || s.Kind != Count || c.Relation != Eq || s.UseN || len(s.Rows) != 1 {
			continue
		}
		out = append(out, CountFact{Table: s.Table, Row: s.Rows[0], Value: int64(c.Value), ClaimID: c.ID, Page: c.Page})
	}
	return out
}

// Facts returns the exact counts of cs (ExactCounts) as facts for
// published.Join, which fills a count the extraction lost from them.
func Facts(cs []Claim) []published.Fact {
	var out []published.Fact
	for _, f := range ExactCounts(cs) {
		out = append(out, published.Fact{Key: f.Table, Row: f.Row, Value: f.Value,
			Source:   fmt.Sprintf("claim %s (p. %d)", f.ClaimID, f.Page),
			SourceJA: fmt.Sprintf("記述 %s (p. %d)", f.ClaimID, f.Page)})
	}
	return out
}
