// Package reconstruct generates respondent rows that reproduce a survey
// year's published tables, for years whose answers were never published. The
// rows are a RECONSTRUCTION: they are not the answers of any organisation.
// They reproduce every printed count the report's own numbers allow, and every
// choice the printed numbers leave open (counts lost in the extraction,
// contradictions of the report, the pairs of year-month answers) is read from
// the year's decisions file, raw/<year>/reconstruction.yaml (LoadDecisions;
// format in raw/RECONSTRUCTION-FORMAT.md), and recorded with its reason in
// raw/<year>/RECONSTRUCTION.md. The package itself knows no survey year.
//
// Generation is deterministic and uses no randomness. Within every column the
// respondents are ordered by the first 8 bytes (big-endian) of the SHA-256 of
// "<column>/<index>" (index 0 to N-1), so the codes of one item are spread
// over the respondents independently of the other items; a respondent's
// answers to two different items are therefore unrelated, and crosstabs of the
// reconstruction carry no information, except where the questionnaire routes
// a follow-up (relevance), where a matrix row's sourcing follows its
// provision, and for the two year_month items of the date plan, whose pairs
// are chosen together (the table of the months between them is derived from
// them).
//
// Per item type:
//   - single: the printed counts of its table, in printed order, over the
//     respondents asked (all, or those the relevance rule selects);
//   - multi: exclusive options first, then the other options' counts laid
//     out cyclically over the respondents of the table's base, so that every
//     respondent of the base chooses at least one option and nobody chooses
//     an option twice; option groups are laid out one after the other
//     around the circle of respondents, each group on as many respondents as
//     its printed N;
//   - integer: a whole number inside each bin (see binValue), or the coded
//     category;
//   - year_month: the (start, end) pairs of the decisions' date plan;
//   - matrix: per row, the providers (provision = provided) are the
//     first "provided count" respondents of the row's order, and their
//     sourcing follows the row's table.
package reconstruct

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Result is a reconstruction: the raw responses (header and rows, in the
// responses contract of raw/README.md) and every decision taken.
type Result struct {
	Year    int
	Header  []string
	Rows    [][]string
	Choices []Choice
	// Gaps are the printed numbers the reconstruction does not reproduce
	// because the report contradicts itself there.
	Gaps []Gap
	// DateGroups lists the year_month pairs of the date plan, by group.
	DateGroups []DateGroup

	method Method    // the year's wording of the method section
	dates  *DatePlan // the date plan, nil without one
	// startColumn is the column the date pairs are assigned in the order of.
	startColumn string
}

// DateGroup is a labelled group of (start → completion) pairs.
type DateGroup struct {
	Label string
	Pairs []string // "2014-01 → 2014-04"; "—" is blank
}

// Choice is one decision of the reconstruction.
type Choice struct {
	Table string // table key
	Row   int    // printed row number; 0 = the table as a whole
	Code  string // the row's code
	Label string // the row's label (Japanese)
	Value string // the chosen value (a count, or a short statement)
	// Lost is true when the printed count was lost in the extraction and the
	// value is the reconstruction's choice for it.
	Lost   bool
	Reason string
}

// Gap is a printed number the reconstruction does not reproduce.
type Gap struct {
	Table      string
	Row        int // 0 = N
	Code       string
	Printed    int64
	Reproduced int64
	Reason     string
}

// Generate reconstructs the respondents of q's survey year from the
// published tables set (published.Join) and the year's decisions d
// (LoadDecisions). It fails when the decisions name tables, rows or items
// that do not exist (Check), or when the decisions and the printed numbers do
// not fit together (a bug to fix in the decisions, never silently ignored).
func Generate(q *questionnaire.Questionnaire, set *published.Set, d *Decisions) (*Result, error) {
	if d == nil {
		return nil, fmt.Errorf("reconstruct: survey year %d: no reconstruction decisions", q.Survey.Year)
	}
	if err := d.Check(q, set); err != nil {
		return nil, err
	}
	g := &gen{q: q, set: set, d: d, n: q.Survey.Respondents, vals: map[string][]string{},
		res: &Result{Year: q.Survey.Year, method: d.Method, dates: d.Dates}}
	if g.n <= 0 {
		return nil, fmt.Errorf("reconstruct: survey.respondents is %d", g.n)
	}
	g.all = make([]int, g.n)
	for i := range g.all {
		g.all[i] = i
	}
	for _, it := range q.Items {
		var err error
		switch it.Type {
		case questionnaire.Single:
			err = g.single(it)
		case questionnaire.Multi:
			err = g.multi(it)
		case questionnaire.Integer:
			err = g.integer(it)
		case questionnaire.YearMonth:
			err = g.dates(it)
		case questionnaire.Matrix:
			err = g.matrix(it)
		default:
			err = fmt.Errorf("no published table to reconstruct a %s item from", it.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("reconstruct: item %s: %w", it.Number, err)
		}
	}
	if err := g.unusedDecisions(); err != nil {
		return nil, err
	}
	g.res.Header = header(q)
	for i := 0; i < g.n; i++ {
		row := make([]string, len(g.res.Header))
		row[0] = fmt.Sprintf("R%02d", i+1)
		row[1] = string(survey.Reconstructed)
		for j, col := range g.res.Header[2:] {
			if v := g.vals[col]; v != nil {
				row[j+2] = v[i]
			}
		}
		g.res.Rows = append(g.res.Rows, row)
	}
	return g.res, nil
}

// header lists the raw columns: respondent_id, provenance, then each item's
// answer columns in questionnaire order (multi items as one column of codes
// separated by ";", matrix items as <id>__<row>__<cell> plus the coded column
// of a written-in row). Free-text columns are left out.
func header(q *questionnaire.Questionnaire) []string {
	h := []string{"respondent_id", "provenance"}
	for _, it := range q.Items {
		for _, c := range columns.ItemColumns(it) {
			switch {
			case c.Kind == columns.KindAnswer:
				h = append(h, c.Name)
			case c.Kind == columns.KindCoded && c.Row != "" && c.Cell == "":
				h = append(h, c.Name)
			}
		}
	}
	return h
}

type gen struct {
	q    *questionnaire.Questionnaire
	set  *published.Set
	d    *Decisions
	n    int
	all  []int
	vals map[string][]string // column -> value per respondent ("" = blank)
	res  *Result
	used map[[2]any]bool // decisions consumed (see markUsed)
}

// column returns the values of a raw column, creating it blank.
func (g *gen) column(name string) []string {
	if g.vals[name] == nil {
		g.vals[name] = make([]string, g.n)
	}
	return g.vals[name]
}

// order returns members sorted by the SHA-256 of "<key>/<index>" (first 8
// bytes, big-endian; ties, which do not occur, by index). SHA-256 rather than
// a short hash such as FNV-1a: keys that differ only in their last digit must
// land far apart, or respondents i and i+1 would be neighbours in every column.
func order(key string, members []int) []int {
	type hk struct {
		h uint64
		i int
	}
	hs := make([]hk, len(members))
	for j, i := range members {
		sum := sha256.Sum256([]byte(key + "/" + strconv.Itoa(i)))
		hs[j] = hk{binary.BigEndian.Uint64(sum[:8]), i}
	}
	slices.SortFunc(hs, func(a, b hk) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return a.i - b.i
	})
	out := make([]int, len(hs))
	for j, x := range hs {
		out[j] = x.i
	}
	return out
}

// asked returns the respondents an item (by its relevance rule) is asked of,
// in index order: everyone without a rule.
func (g *gen) asked(rel *questionnaire.Relevance) ([]int, error) {
	if rel == nil {
		return g.all, nil
	}
	parent := g.q.Item(rel.Item)
	if parent == nil || g.vals[parent.ID] == nil {
		return nil, fmt.Errorf("relevance names item %s, which is not reconstructed before it", rel.Item)
	}
	var out []int
	for i, v := range g.vals[parent.ID] {
		for _, code := range strings.Split(v, ";") {
			if code != "" && slices.Contains(rel.AnyOf, code) {
				out = append(out, i)
				break
			}
		}
	}
	return out, nil
}

// specs returns the table specs reporting an item, in transcription order.
func (g *gen) specs(it *questionnaire.Item) []*published.Spec { return g.set.ItemSpecs(it.Number) }

func (g *gen) oneSpec(it *questionnaire.Item) (*published.Spec, error) {
	ss := g.specs(it)
	if len(ss) != 1 {
		return nil, fmt.Errorf("%d published tables report it; the reconstruction needs exactly one", len(ss))
	}
	return ss[0], nil
}

// targets returns the count to reproduce for every printed row of a table:
// the printed count; for a lost count the year's decision (which must agree
// with what the pipeline infers, if it infers anything) or else the inferred
// count; for a printed count the report contradicts, the decision's value
// (recorded as a Gap). Every lost count becomes a Choice.
func (g *gen) targets(key string) ([]int64, error) {
	entries := g.set.TableEntries(key)
	out := make([]int64, len(entries))
	for i, e := range entries {
		dec, hasDec := g.decision(key, e.RowNo)
		switch {
		case !e.Count.Lost && hasDec:
			if !dec.Contradiction {
				return nil, fmt.Errorf("%s: table %s row %d: a decision is given for a printed count (%d); only a contradicted count (contradiction: true) may be replaced",
					g.d.at(dec.At), key, e.RowNo, e.Count.Value)
			}
			out[i] = *dec.Value
			g.res.Gaps = append(g.res.Gaps, Gap{Table: key, Row: e.RowNo, Code: e.Code, Printed: e.Count.Value,
				Reproduced: *dec.Value, Reason: g.d.reason(dec)})
		case !e.Count.Lost:
			out[i] = e.Count.Value
		case hasDec:
			if dec.Contradiction {
				return nil, fmt.Errorf("%s: table %s row %d: contradiction is set, but the count was lost, not printed", g.d.at(dec.At), key, e.RowNo)
			}
			reason := g.d.reason(dec)
			if e.Inferred != nil {
				if *e.Inferred != *dec.Value {
					return nil, fmt.Errorf("%s: table %s row %d: decided %d, but the pipeline infers %d (%s)", g.d.at(dec.KeyPos("value")), key, e.RowNo, *dec.Value, *e.Inferred, e.Inference)
				}
				reason += " The pipeline infers the same value (" + e.Inference + ")."
			}
			out[i] = *dec.Value
			g.choose(e, *dec.Value, true, reason)
		case e.Inferred != nil:
			out[i] = *e.Inferred
			g.choose(e, *e.Inferred, true, "Inferred by the pipeline: "+e.Inference+".")
		default:
			return nil, fmt.Errorf("table %s row %d (%s): the count was lost and no decision or inference gives it", key, e.RowNo, e.Code)
		}
	}
	return out, nil
}

func (g *gen) choose(e published.Entry, v int64, lost bool, reason string) {
	g.res.Choices = append(g.res.Choices, Choice{Table: e.TableKey, Row: e.RowNo, Code: e.Code, Label: e.LabelJA,
		Value: strconv.FormatInt(v, 10), Lost: lost, Reason: reason})
}

// note records a decision that is not a count of a printed row.
func (g *gen) note(table string, row int, code, value, reason string) {
	label := ""
	if row > 0 {
		if es := g.set.TableEntries(table); row <= len(es) {
			label = es[row-1].LabelJA
		}
	}
	g.res.Choices = append(g.res.Choices, Choice{Table: table, Row: row, Code: code, Label: label, Value: value, Reason: reason})
}

func (g *gen) decision(key string, row int) (CountDecision, bool) {
	for _, c := range g.d.Counts {
		if c.Table == key && c.Row == row {
			g.markUsed(key, row)
			return c, true
		}
	}
	return CountDecision{}, false
}

// markUsed records that a decision was consumed: {table, row} for a count,
// {"n", table} for an N gap.
func (g *gen) markUsed(a, b any) {
	if g.used == nil {
		g.used = map[[2]any]bool{}
	}
	g.used[[2]any{a, b}] = true
}

func (g *gen) unusedDecisions() error {
	for _, c := range g.d.Counts {
		if !g.used[[2]any{c.Table, c.Row}] {
			return fmt.Errorf("%s: reconstruct: decision for table %s row %d was never used (no such lost or contradicted count)", g.d.at(c.At), c.Table, c.Row)
		}
	}
	for _, sa := range g.d.SkippedAnswers {
		if !g.used[[2]any{"skipped", sa.Table}] {
			return fmt.Errorf("%s: reconstruct: skipped_answers entry for table %s was never used (only a single-answer follow-up takes answers from respondents its routing skipped)", g.d.at(sa.At), sa.Table)
		}
	}
	for _, ng := range g.d.NGaps {
		if !g.used[[2]any{"n", ng.Table}] {
			return fmt.Errorf("%s: reconstruct: n_gaps entry for table %s was never used (its printed N is reproduced, or unknown)", g.d.at(ng.At), ng.Table)
		}
	}
	return nil
}

// checkN compares a table's printed N with the size of the base the
// reconstruction gives it, and records a Gap when they differ.
func (g *gen) checkN(key string, base int) error {
	n, known, _ := g.set.N(key)
	if !known || n == int64(base) {
		return nil
	}
	reason, ok := "", false
	for _, ng := range g.d.NGaps {
		if ng.Table == key {
			reason, ok = ng.Reason, true
			g.markUsed("n", key)
		}
	}
	if !ok {
		return fmt.Errorf("table %s: printed N = %d, but the reconstruction's base has %d respondents, and no decision explains it (n_gaps of %s)", key, n, base, g.d.File)
	}
	g.res.Gaps = append(g.res.Gaps, Gap{Table: key, Row: 0, Code: "N", Printed: n, Reproduced: int64(base), Reason: reason})
	return nil
}

// assign gives members (in the order of key) the codes of cats by counts;
// the missing code becomes blank. The counts must add up to len(members).
func assign(col []string, key string, members []int, cats []published.Category, counts []int64) error {
	var sum int64
	for _, c := range counts {
		sum += c
	}
	if sum != int64(len(members)) {
		return fmt.Errorf("%s: the counts add up to %d but %d respondents are to be assigned", key, sum, len(members))
	}
	ord := order(key, members)
	k := 0
	for j, cat := range cats {
		for c := int64(0); c < counts[j]; c++ {
			if cat.Kind != published.KindMissing {
				col[ord[k]] = cat.Code
			}
			k++
		}
	}
	return nil
}

func (g *gen) single(it *questionnaire.Item) error {
	s, err := g.oneSpec(it)
	if err != nil {
		return err
	}
	members, err := g.asked(it.Relevance)
	if err != nil {
		return err
	}
	skipped, answers, err := g.skippedAnswers(it, s, members)
	if err != nil {
		return err
	}
	if err := g.checkN(s.Key, len(members)+len(skipped)); err != nil {
		return err
	}
	counts, err := g.targets(s.Key)
	if err != nil {
		return err
	}
	if skipped != nil {
		for j := range counts {
			if counts[j] -= answers[j]; counts[j] < 0 {
				return fmt.Errorf("table %s: skipped_answers gives %s %d answers, more than the row counts", s.Key, s.Categories[j].Code, answers[j])
			}
		}
		if err := assign(g.column(it.ID), it.ID+"/skipped", skipped, s.Categories, answers); err != nil {
			return err
		}
	}
	return assign(g.column(it.ID), it.ID, members, s.Categories, counts)
}

// skippedAnswers returns the respondents the year's decisions say answered
// a follow-up although its routing skipped them (a paper form: advisory
// routing), and the answers they give, per row of table s: the first ones,
// in the order of "<item>/skipped", of the respondents not asked whose answer
// to the routing item is one of From. Without such a decision it returns nil.
func (g *gen) skippedAnswers(it *questionnaire.Item, s *published.Spec, asked []int) ([]int, []int64, error) {
	key := s.Key
	var sa *SkippedAnswers
	for i := range g.d.SkippedAnswers {
		if g.d.SkippedAnswers[i].Table == key {
			sa = &g.d.SkippedAnswers[i]
		}
	}
	if sa == nil {
		return nil, nil, nil
	}
	g.markUsed("skipped", key)
	answers := make([]int64, len(s.Categories))
	count := 0
	var given []string
	for j, cat := range s.Categories {
		if n := sa.Answers[cat.Code]; n > 0 {
			answers[j] = n
			count += int(n)
			given = append(given, fmt.Sprintf("%d `%s` (row %d)", n, cat.Code, j+1))
		}
	}
	parent := g.column(g.q.Item(it.Relevance.Item).ID)
	var pool []int
	for i := 0; i < g.n; i++ {
		if !slices.Contains(asked, i) && slices.Contains(sa.From, parent[i]) {
			pool = append(pool, i)
		}
	}
	if len(pool) < count {
		return nil, nil, fmt.Errorf("%s: table %s: %d answers from skipped respondents, but only %d respondents answered %s with %s",
			g.d.at(sa.KeyPos("answers")), key, count, len(pool), it.Relevance.Item, quoted(sa.From))
	}
	skipped := order(it.ID+"/skipped", pool)[:count]
	slices.Sort(skipped)
	g.note(key, 0, "", fmt.Sprintf("%d answers beside the %d asked", count, len(asked)),
		fmt.Sprintf("%d respondents who answered %s with %s, so that the routing skipped %s, answered it anyway: %s (advisory routing, a paper form: the build keeps and counts these answers, each with the warning answered_when_skipped). %s",
			count, it.Relevance.Item, quoted(sa.From), it.Number, strings.Join(given, ", "), sa.Reason))
	return skipped, answers, nil
}

// quoted lists codes as `a`, `b` (no answer for "").
func quoted(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if c == "" {
			out[i] = "no answer"
		} else {
			out[i] = "`" + c + "`"
		}
	}
	return strings.Join(out, " or ")
}

// cyclic lays out the counts of codes over members (in order), continuing
// where the previous code ended, and appends the codes to sets. Every count
// must be at most len(members); when they add up to at least len(members)
// every member gets a code.
func cyclic(sets map[int][]string, members []int, codes []string, counts []int64) error {
	m := len(members)
	p := 0
	for j, code := range codes {
		if counts[j] > int64(m) {
			return fmt.Errorf("option %s is counted %d times among %d respondents", code, counts[j], m)
		}
		for c := int64(0); c < counts[j]; c++ {
			i := members[(p+int(c))%m]
			sets[i] = append(sets[i], code)
		}
		if m > 0 {
			p = (p + int(counts[j])) % m
		}
	}
	return nil
}

func (g *gen) multi(it *questionnaire.Item) error {
	specs := g.specs(it)
	if len(specs) == 0 {
		return fmt.Errorf("no published table reports it")
	}
	eligible, err := g.asked(it.Relevance)
	if err != nil {
		return err
	}
	sets := map[int][]string{}
	if strings.HasPrefix(specs[0].Base, "group:") {
		err = g.multiGroups(it, specs, eligible, sets)
	} else if len(specs) == 1 {
		err = g.multiOne(it, specs[0], eligible, sets)
	} else {
		err = fmt.Errorf("%d tables report it and they are not option-group tables", len(specs))
	}
	if err != nil {
		return err
	}
	col := g.column(it.ID)
	for i, codes := range sets {
		// Codes in option order, as the contract writes them ("a;c").
		var sorted []string
		for _, o := range it.Choices() {
			if slices.Contains(codes, o.Code) {
				sorted = append(sorted, o.Code)
			}
		}
		col[i] = strings.Join(sorted, ";")
	}
	return nil
}

func (g *gen) multiOne(it *questionnaire.Item, s *published.Spec, eligible []int, sets map[int][]string) error {
	counts, err := g.targets(s.Key)
	if err != nil {
		return err
	}
	for _, cat := range s.Categories {
		if cat.Kind != published.KindOption {
			return fmt.Errorf("table %s: row %s is not an option; multi tables with other rows are not supported", s.Key, cat.Code)
		}
	}
	members := order(it.ID, eligible)
	if s.Base == published.BaseAnswered {
		n, known, _ := g.set.N(s.Key)
		if !known || n > int64(len(members)) {
			return fmt.Errorf("table %s: base answered needs a printed N of at most %d", s.Key, len(members))
		}
		members = members[:n]
	}
	if err := g.checkN(s.Key, len(members)); err != nil {
		return err
	}
	exclusive := map[string]bool{}
	for _, o := range it.Choices() {
		exclusive[o.Code] = o.Exclusive
	}
	// Exclusive options take the first respondents, alone.
	p := 0
	var codes []string
	var rest []int64
	for j, cat := range s.Categories {
		if !exclusive[cat.Code] {
			codes, rest = append(codes, cat.Code), append(rest, counts[j])
			continue
		}
		if p+int(counts[j]) > len(members) {
			return fmt.Errorf("table %s: exclusive option %s is counted %d times, more than the respondents left", s.Key, cat.Code, counts[j])
		}
		for _, i := range members[p : p+int(counts[j])] {
			sets[i] = []string{cat.Code}
		}
		p += int(counts[j])
	}
	others := members[p:]
	if err := cyclic(sets, others, codes, rest); err != nil {
		return fmt.Errorf("table %s: %w", s.Key, err)
	}
	if s.Base == published.BaseAnswered {
		for _, i := range others {
			if len(sets[i]) == 0 {
				return fmt.Errorf("table %s: the counts do not give every one of the %d answering respondents an option", s.Key, len(members))
			}
		}
	}
	return nil
}

// multiGroups lays out the option groups of an item one after the other
// around the circle of respondents (in the item's order), each group on as
// many respondents as its table's printed N, and within each group its
// options cyclically, so that every respondent of a group chooses at least
// one of its options.
func (g *gen) multiGroups(it *questionnaire.Item, specs []*published.Spec, eligible []int, sets map[int][]string) error {
	circle := order(it.ID, eligible)
	start := 0
	for _, og := range it.OptionGroups {
		var s *published.Spec
		for _, sp := range specs {
			if sp.Base == "group:"+og.Code {
				s = sp
			}
		}
		if s == nil {
			return fmt.Errorf("option group %s has no table", og.Code)
		}
		n, known, _ := g.set.N(s.Key)
		if !known || n > int64(len(circle)) {
			return fmt.Errorf("table %s: a group base needs a printed N of at most %d", s.Key, len(circle))
		}
		members := make([]int, n)
		for k := range members {
			members[k] = circle[(start+k)%len(circle)]
		}
		start += int(n)
		counts, err := g.targets(s.Key)
		if err != nil {
			return err
		}
		var sum int64
		codes := make([]string, len(s.Categories))
		for j, cat := range s.Categories {
			codes[j] = cat.Code
			sum += counts[j]
		}
		if sum < n {
			return fmt.Errorf("table %s: the rows add up to %d, fewer than N = %d", s.Key, sum, n)
		}
		if err := cyclic(sets, members, codes, counts); err != nil {
			return fmt.Errorf("table %s: %w", s.Key, err)
		}
	}
	return nil
}

// binValue returns the k-th whole number the reconstruction writes for a bin:
// the bin's numbers from its lower bound (1 when open: a team has at least one
// member) cycling upwards, or for an open upper bound min, min+5, min+10, ...
func binValue(b questionnaire.Bin, k int) int {
	lo := 1
	if b.Min != nil {
		lo = *b.Min
	}
	if b.Max == nil {
		return lo + 5*(k%3)
	}
	return lo + k%(*b.Max-lo+1)
}

func (g *gen) integer(it *questionnaire.Item) error {
	s, err := g.oneSpec(it)
	if err != nil {
		return err
	}
	if err := g.checkN(s.Key, g.n); err != nil {
		return err
	}
	counts, err := g.targets(s.Key)
	if err != nil {
		return err
	}
	col := g.column(it.ID)
	if err := assign(col, it.ID, g.all, s.Categories, counts); err != nil {
		return err
	}
	// Replace bin codes by numbers inside the bin, in the column's order.
	seen := map[string]int{}
	for _, i := range order(it.ID, g.all) {
		for _, b := range it.Bins {
			if col[i] == b.Code {
				col[i] = strconv.Itoa(binValue(b, seen[b.Code]))
				seen[b.Code]++
			}
		}
	}
	return nil
}
