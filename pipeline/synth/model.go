package synth

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// colKind says how a column's value is drawn.
type colKind uint8

const (
	kindBlank  colKind = iota // never answered (free text, items without a model)
	kindChoice                // one category of cats, drawn from cum
	kindMulti                 // a set of codes, drawn per option group
)

// action is what a drawn category writes.
type action uint8

const (
	actBlank action = iota // no answer (未回答)
	actCode                // codes[bit]
	actInt                 // a whole number in [lo, hi]
	actMonth               // a month from the column's monthly distribution
)

type category struct {
	act    action
	bit    int
	lo, hi int64
}

// column is one raw column of the output and how its value is drawn.
type column struct {
	name  string
	kind  colKind
	codes [][]byte // CSV bytes of each code, in dictionary order (options, then coded categories)

	// rel is the column whose value decides whether this one is asked (-1:
	// everyone); relMask holds the bits of that column's codes that ask it.
	rel     int
	relMask uint64

	cats []category
	cum  []float64 // cumulative probabilities of cats; the last is 1

	groups []group // multi

	// Months of a dated year_month answer: monthCum[k] is the probability
	// of a month <= monthLo+k (year*12 + month-1).
	monthLo  int
	monthCum []float64
	pair     int  // index of the coupled pair (Options.Order) whose uniform it shares, -1
	paired   bool // in a pair of Options.Order
	// unpublished: no table reports the item (drawn by fallback).
	unpublished bool
}

// group is one option group of a multi item (the whole item when it has no
// groups): whether the respondent answers it, then exclusive options alone
// or a primary option plus independent extras.
type group struct {
	pAnswer   float64
	exclCum   []float64 // cumulative, not normalised: the last is the exclusive options' total
	exclBits  []int
	primCum   []float64 // cumulative r_j / max(S, 1); below 1 when S < 1 (then nothing may be chosen)
	bits      []int
	extra     []float64 // probability of adding option j when it is not the primary
	exclTotal float64
}

// Target is the share of respondents a computed frequency table row should
// show (count / N as aggregate.Counter computes it) for data drawn by the
// generator, up to sampling error.
type Target struct {
	Table string
	Row   int
	Code  string
	Share float64
}

// Note records how a count the report lost was filled in.
type Note struct {
	Table string
	Row   int
	Code  string
	Value float64
	Rule  string
}

type builder struct {
	q       *questionnaire.Questionnaire
	set     *published.Set
	cols    []*column
	byItem  map[string]int // printed number -> answer column (non-matrix items)
	targets []Target
	notes   []Note
	pairs   [][2]int
	hiYM    int
	pop     float64
}

// minYM is the earliest month the raw contract accepts (1990-01).
const minYM = 1990 * 12

func ym(year, month int) int { return year*12 + month - 1 }

// latestYM is the last month an answer may name: the month survey.fielded,
// or March of the year after the survey year (as ingest).
func latestYM(q *questionnaire.Questionnaire) int {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, strings.TrimSpace(q.Survey.Fielded)); err == nil {
			return ym(t.Year(), int(t.Month()))
		}
	}
	return ym(q.Survey.Year+1, 3)
}

func parseYM(s string) (int, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, false
	}
	return ym(t.Year(), int(t.Month())), true
}

// specsOf returns the (non-derived) table specs reporting an item.
func (b *builder) specsOf(it *questionnaire.Item) []*published.Spec {
	return b.set.ItemSpecs(it.Number)
}

// counts returns a table's counts with the lost ones filled in: the inferred
// count when the pipeline infers one, otherwise, when the rows add up to N
// (sumToN), the remainder N - (the other rows) spread evenly over the lost
// rows without inference, or (multi-answer tables, which have no such sum)
// the mean of the table's other counts. n is the printed N, else the
// inferred N, else the sum of the filled counts.
func (b *builder) counts(s *published.Spec, sumToN bool) (w []float64, n float64) {
	es := b.set.TableEntries(s.Key)
	w = make([]float64, len(es))
	var open []int
	var sum float64
	var known int
	for i, e := range es {
		switch {
		case !e.Count.Lost:
			w[i] = float64(e.Count.Value)
			known++
		case e.Inferred != nil:
			w[i] = float64(*e.Inferred)
			b.notes = append(b.notes, Note{Table: s.Key, Row: e.RowNo, Code: e.Code, Value: w[i], Rule: "inferred: " + e.Inference})
		default:
			open = append(open, i)
			continue
		}
		sum += w[i]
	}
	n = math.NaN()
	switch {
	case len(es) > 0 && !es[0].N.Lost:
		n = float64(es[0].N.Value)
	case len(es) > 0 && es[0].InferredN != nil:
		n = float64(*es[0].InferredN)
	}
	if len(open) > 0 {
		var v float64
		var rule string
		switch {
		case sumToN && !math.IsNaN(n):
			v = max(0, n-sum) / float64(len(open))
			rule = fmt.Sprintf("lost, not inferred: the remainder N - (other rows) = %g - %g spread evenly over the %d lost rows", n, sum, len(open))
		case known > 0:
			v = sum / float64(len(es)-len(open))
			rule = "lost, not inferred: the mean of the table's other counts"
		default:
			rule = "lost, not inferred, nothing to spread: 0"
		}
		for _, i := range open {
			w[i] = v
			b.notes = append(b.notes, Note{Table: s.Key, Row: es[i].RowNo, Code: es[i].Code, Value: v, Rule: rule})
		}
	}
	if math.IsNaN(n) {
		n = 0
		for _, x := range w {
			n += x
		}
	}
	return w, n
}

// cumulative turns weights into cumulative probabilities whose last is 1.
// All-zero weights give equal probabilities.
func cumulative(w []float64) []float64 {
	var total float64
	for _, x := range w {
		total += max(x, 0)
	}
	out := make([]float64, len(w))
	if total == 0 {
		for i := range out {
			out[i] = float64(i+1) / float64(len(w))
		}
		if len(out) > 0 {
			out[len(out)-1] = 1
		}
		return out
	}
	var run float64
	for i, x := range w {
		run += max(x, 0)
		out[i] = run / total
	}
	// From the last positive weight on, exactly 1: a draw in [0, 1) always lands.
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = 1
		if w[i] > 0 {
			break
		}
	}
	return out
}

func shares(w []float64) []float64 {
	var total float64
	for _, x := range w {
		total += max(x, 0)
	}
	out := make([]float64, len(w))
	for i, x := range w {
		if total > 0 {
			out[i] = max(x, 0) / total
		}
	}
	return out
}

// codesOf returns the dictionary codes of a choice question: options, then
// coded categories.
func codesOf(opts []questionnaire.Option, coded []questionnaire.Coded) []string {
	out := make([]string, 0, len(opts)+len(coded))
	for _, o := range opts {
		out = append(out, o.Code)
	}
	for _, c := range coded {
		out = append(out, c.Code)
	}
	return out
}

func (c *column) setCodes(codes []string) error {
	if len(codes) > 63 {
		return fmt.Errorf("column %s has %d codes; at most 63 are supported", c.name, len(codes))
	}
	c.codes = make([][]byte, len(codes))
	for i, s := range codes {
		c.codes[i] = csvField(s)
	}
	return nil
}

func (c *column) bit(code string, codes []string) int { return slices.Index(codes, code) }

// build prepares the columns of every item, in questionnaire order.
func (b *builder) build(order [][2]string) error {
	b.byItem = map[string]int{}
	for _, it := range b.q.Items {
		var err error
		switch it.Type {
		case questionnaire.Matrix:
			err = b.matrix(it)
		default:
			err = b.item(it)
		}
		if err != nil {
			return fmt.Errorf("synth: item %s: %w", it.Number, err)
		}
	}
	for _, p := range order {
		a, okA := b.byItem[p[0]]
		c, okC := b.byItem[p[1]]
		if !okA || !okC || b.q.Item(p[0]).Type != questionnaire.YearMonth || b.q.Item(p[1]).Type != questionnaire.YearMonth {
			return fmt.Errorf("synth: order pair %s / %s: both must be year_month items", p[0], p[1])
		}
		if b.cols[a].monthCum == nil || b.cols[c].monthCum == nil {
			continue // one of them is never dated: nothing to order
		}
		if b.cols[a].paired || b.cols[c].paired {
			return fmt.Errorf("synth: order pair %s / %s: an item is in two pairs", p[0], p[1])
		}
		b.cols[a].paired, b.cols[c].paired = true, true
		if b.cols[a].unpublished && b.cols[c].unpublished {
			// No published months to keep: drawn independently, swapped when out of order.
			b.pairs = append(b.pairs, [2]int{a, c})
			continue
		}
		b.cols[a].pair, b.cols[c].pair = len(b.pairs), len(b.pairs)
		b.pairs = append(b.pairs, [2]int{a, c})
		if !dominates(b.cols[a], b.cols[c]) {
			b.notes = append(b.notes, Note{Table: p[0], Code: "order", Rule: fmt.Sprintf(
				"the month distribution of %s is not everywhere earlier than that of %s: pairs drawn in the wrong order are swapped, which shifts both marginals", p[0], p[1])})
		}
	}
	return nil
}

// relevance resolves a non-matrix item's relevance rule to a column and mask.
func (b *builder) relevance(c *column, rel *questionnaire.Relevance) error {
	c.rel = -1
	if rel == nil {
		return nil
	}
	j, ok := b.byItem[rel.Item]
	if !ok {
		return fmt.Errorf("relevance names item %s, which has no earlier column", rel.Item)
	}
	c.rel = j
	parent := b.q.Item(rel.Item)
	codes := codesOf(parent.Choices(), parent.Coded)
	for _, code := range rel.AnyOf {
		if k := slices.Index(codes, code); k >= 0 {
			c.relMask |= 1 << uint(k)
		}
	}
	return nil
}

func (b *builder) item(it *questionnaire.Item) error {
	c := &column{name: it.ID, pair: -1}
	if err := b.relevance(c, it.Relevance); err != nil {
		return err
	}
	b.byItem[it.Number] = len(b.cols)
	b.cols = append(b.cols, c)
	specs := b.specsOf(it)
	switch it.Type {
	case questionnaire.Single, questionnaire.Integer, questionnaire.YearMonth:
		codes := codesOf(it.Choices(), it.Coded)
		if err := c.setCodes(codes); err != nil {
			return err
		}
		c.kind = kindChoice
		if len(specs) == 0 {
			c.unpublished = true
			return b.fallback(c, it)
		}
		if len(specs) > 1 {
			return fmt.Errorf("%d published tables report it; a single-valued item needs one", len(specs))
		}
		s := specs[0]
		w, _ := b.counts(s, true)
		var dated []float64
		var ranges [][2]int
		for i, cat := range s.Categories {
			var k category
			switch {
			case cat.Kind == published.KindMissing:
				k.act = actBlank
			case cat.Kind == published.KindOption || cat.Kind == published.KindCoded:
				k.act, k.bit = actCode, c.bit(cat.Code, codes)
				if k.bit < 0 {
					return fmt.Errorf("table %s: code %s is not a code of the item", s.Key, cat.Code)
				}
			case cat.Kind == published.KindBin && it.Type == questionnaire.Integer:
				lo, hi, err := intBin(it, cat.Code)
				if err != nil {
					return fmt.Errorf("table %s: %w", s.Key, err)
				}
				k.act, k.lo, k.hi = actInt, lo, hi
			case cat.Kind == published.KindBin && it.Type == questionnaire.YearMonth:
				lo, hi, err := b.monthBin(s, cat.Code)
				if err != nil {
					return fmt.Errorf("table %s: %w", s.Key, err)
				}
				if lo > hi {
					w[i] = 0 // the bin lies after the survey was fielded
				}
				dated = append(dated, w[i])
				ranges = append(ranges, [2]int{lo, hi})
				k.act = actMonth
			default:
				return fmt.Errorf("table %s: row %s (%s) cannot be drawn for a %s item", s.Key, cat.Code, cat.Kind, it.Type)
			}
			c.cats = append(c.cats, k)
		}
		tw := slices.Clone(w) // per printed row, bins after the fielding month at 0
		if len(ranges) > 0 {
			b.monthly(c, dated, ranges)
			// One category for every dated answer: the month comes from the monthly distribution.
			var cats []category
			var cw []float64
			datedAt := -1
			for i, k := range c.cats {
				if k.act == actMonth {
					if datedAt < 0 {
						datedAt = len(cats)
						cats, cw = append(cats, k), append(cw, 0)
					}
					cw[datedAt] += w[i]
					continue
				}
				cats, cw = append(cats, k), append(cw, w[i])
			}
			c.cats, w = cats, cw
		}
		c.cum = cumulative(w)
		b.singleTargets(s, it.Relevance, tw)
		return nil
	case questionnaire.Multi:
		codes := codesOf(it.Choices(), it.Coded)
		if err := c.setCodes(codes); err != nil {
			return err
		}
		c.kind = kindMulti
		return b.multi(c, it, codes, specs)
	default: // text: free text is never generated
		c.kind = kindBlank
		return nil
	}
}

// countsQuiet is counts without recording notes (for targets).
func (b *builder) countsQuiet(s *published.Spec, sumToN bool) ([]float64, float64) {
	n := len(b.notes)
	w, total := b.counts(s, sumToN)
	b.notes = b.notes[:n]
	return w, total
}

// singleTargets records the targets of a single-valued table: each row's
// weight over the rows' sum, among those asked.
func (b *builder) singleTargets(s *published.Spec, rel *questionnaire.Relevance, w []float64) {
	if s.Base == published.BaseAll && rel != nil {
		return // the base counts respondents who were not asked: no simple target
	}
	for i, sh := range shares(w) {
		cat := s.Categories[i]
		b.targets = append(b.targets, Target{Table: s.Key, Row: i + 1, Code: cat.Code, Share: sh})
	}
}

// fallback draws an item no published table reports: a single item's
// options equally likely; an integer item's bins equally likely (a whole
// number inside the bin), or without bins a whole number from max(1, min) to
// that plus 19 (at most max); a year_month item's month evenly over the 60
// months up to the month the survey was fielded.
func (b *builder) fallback(c *column, it *questionnaire.Item) error {
	switch it.Type {
	case questionnaire.Single:
		for i := range it.Choices() {
			c.cats = append(c.cats, category{act: actCode, bit: i})
		}
	case questionnaire.Integer:
		for _, bin := range it.Bins {
			lo, hi, err := intBin(it, bin.Code)
			if err != nil {
				return err
			}
			c.cats = append(c.cats, category{act: actInt, lo: lo, hi: hi})
		}
		if len(it.Bins) == 0 {
			lo := 1
			if it.Min != nil && *it.Min > lo {
				lo = *it.Min
			}
			hi := lo + 19
			if it.Max != nil && *it.Max < hi {
				hi = *it.Max
			}
			if lo <= hi {
				c.cats = append(c.cats, category{act: actInt, lo: int64(lo), hi: int64(hi)})
			}
		}
	case questionnaire.YearMonth:
		c.cats = append(c.cats, category{act: actMonth})
		b.monthly(c, []float64{1}, [][2]int{{max(b.hiYM-59, minYM), b.hiYM}})
	}
	if len(c.cats) == 0 {
		c.kind = kindBlank
		return nil
	}
	c.cum = cumulative(make([]float64, len(c.cats)))
	return nil
}

// intBin returns the whole numbers a bin of an integer item is drawn from:
// its bounds; an open lower bound starts at max(1, item min) (a team has at
// least one member); an open upper bound min stops at 2*min-1 (at least
// min+9): 20名以上 gives 20-39.
func intBin(it *questionnaire.Item, code string) (int64, int64, error) {
	for _, bin := range it.Bins {
		if bin.Code != code {
			continue
		}
		lo := 1
		if it.Min != nil && *it.Min > lo {
			lo = *it.Min
		}
		if bin.Min != nil {
			lo = *bin.Min
		}
		var hi int
		switch {
		case bin.Max != nil:
			hi = *bin.Max
		default:
			hi = max(2*lo-1, lo+9)
		}
		if it.Max != nil && hi > *it.Max {
			hi = *it.Max
		}
		if lo > hi {
			return 0, 0, fmt.Errorf("bin %s holds no whole number", code)
		}
		return int64(lo), int64(hi), nil
	}
	return 0, 0, fmt.Errorf("bin %s is not a bin of item %s", code, it.Number)
}

// monthBin returns the months of a table bin of a year_month item: from/to;
// an open start covers the five years before the end (never before
// 1990-01); an open end stops at the month the survey was fielded. lo > hi
// when the bin lies after that month.
func (b *builder) monthBin(s *published.Spec, code string) (int, int, error) {
	for _, bin := range s.Bins {
		if bin.Code != code {
			continue
		}
		hi := b.hiYM
		if bin.To != "" {
			v, ok := parseYM(bin.To)
			if !ok {
				return 0, 0, fmt.Errorf("bin %s: bad to %q", code, bin.To)
			}
			hi = min(v, b.hiYM)
		}
		lo := max(hi-59, minYM)
		if bin.From != "" {
			v, ok := parseYM(bin.From)
			if !ok {
				return 0, 0, fmt.Errorf("bin %s: bad from %q", code, bin.From)
			}
			lo = max(v, minYM)
		}
		return lo, hi, nil
	}
	return 0, 0, fmt.Errorf("bin %s is not a bin of the table", code)
}

// monthly sets the distribution of a dated answer's month: each bin's weight
// spread evenly over its months.
func (b *builder) monthly(c *column, w []float64, ranges [][2]int) {
	lo, hi := math.MaxInt, math.MinInt
	for i, r := range ranges {
		if r[0] > r[1] || w[i] <= 0 {
			continue
		}
		lo, hi = min(lo, r[0]), max(hi, r[1])
	}
	if lo > hi { // no dated answer possible
		lo, hi = b.hiYM, b.hiYM
	}
	mass := make([]float64, hi-lo+1)
	for i, r := range ranges {
		if r[0] > r[1] || w[i] <= 0 {
			continue
		}
		per := w[i] / float64(r[1]-r[0]+1)
		for m := r[0]; m <= r[1]; m++ {
			mass[m-lo] += per
		}
	}
	c.monthLo, c.monthCum = lo, cumulative(mass)
}

// cdf returns the probability of a dated month <= m.
func (c *column) cdf(m int) float64 {
	switch {
	case m < c.monthLo:
		return 0
	case m >= c.monthLo+len(c.monthCum):
		return 1
	}
	return c.monthCum[m-c.monthLo]
}

// dominates reports whether a's months are everywhere at least as early as
// b's (F_a >= F_b), so that drawing both from one uniform keeps a <= b.
func dominates(a, b *column) bool {
	lo := min(a.monthLo, b.monthLo)
	hi := max(a.monthLo+len(a.monthCum), b.monthLo+len(b.monthCum))
	for m := lo; m <= hi; m++ {
		if a.cdf(m) < b.cdf(m)-1e-12 {
			return false
		}
	}
	return true
}

// multi prepares a multi item: one group per option-group table, or one for
// the item's table.
func (b *builder) multi(c *column, it *questionnaire.Item, codes []string, specs []*published.Spec) error {
	if len(specs) == 0 {
		// No table: exactly one option, equally likely.
		g := group{pAnswer: 1}
		for i := range it.Choices() {
			g.bits = append(g.bits, i)
			g.primCum = append(g.primCum, float64(i+1)/float64(len(it.Choices())))
		}
		if len(g.bits) > 0 {
			g.primCum[len(g.primCum)-1] = 1
			g.extra = make([]float64, len(g.bits))
			c.groups = append(c.groups, g)
		}
		return nil
	}
	grouped := strings.HasPrefix(specs[0].Base, "group:")
	if !grouped && len(specs) > 1 {
		return fmt.Errorf("%d published tables report it and they are not option-group tables", len(specs))
	}
	exclusive := map[string]bool{}
	for _, o := range it.Choices() {
		exclusive[o.Code] = o.Exclusive
	}
	for _, s := range specs {
		w, n := b.counts(s, false)
		if n <= 0 {
			return fmt.Errorf("table %s: N is 0", s.Key)
		}
		var g group
		var na float64
		var excl, prim []float64
		for i, cat := range s.Categories {
			switch cat.Kind {
			case published.KindMissing:
				na += w[i]
			case published.KindOption, published.KindCoded:
				bit := slices.Index(codes, cat.Code)
				if bit < 0 {
					return fmt.Errorf("table %s: code %s is not a code of the item", s.Key, cat.Code)
				}
				if exclusive[cat.Code] {
					g.exclBits, excl = append(g.exclBits, bit), append(excl, w[i])
				} else {
					g.bits, prim = append(g.bits, bit), append(prim, w[i])
				}
			default:
				return fmt.Errorf("table %s: row %s (%s) cannot be drawn for a multi item", s.Key, cat.Code, cat.Kind)
			}
		}
		// Who answers, and the shares among those who answer.
		answerers := n - na
		switch {
		case s.Base == published.BaseAll || s.Base == published.BaseAsked:
			g.pAnswer = answerers / n
		default: // answered, group:<code>: N counts those who answered, out of everyone
			if it.Relevance != nil {
				return fmt.Errorf("table %s: base %s of an item with a relevance rule is not supported", s.Key, s.Base)
			}
			if b.pop <= 0 {
				return fmt.Errorf("table %s: base %s needs survey.respondents", s.Key, s.Base)
			}
			g.pAnswer = min(1, answerers/b.pop)
		}
		if answerers <= 0 {
			g.pAnswer = 0
			answerers = 1
		}
		var run float64
		for _, x := range excl {
			run += min(1, x/answerers)
			g.exclCum = append(g.exclCum, min(run, 1))
		}
		g.exclTotal = min(run, 1)
		rest := 1 - g.exclTotal
		r := make([]float64, len(prim))
		var sum float64
		for j, x := range prim {
			if rest > 0 {
				r[j] = min(1, x/answerers/rest)
			}
			sum += r[j]
		}
		denom := max(sum, 1)
		run = 0
		g.extra = make([]float64, len(r))
		for j, x := range r {
			run += x
			g.primCum = append(g.primCum, run/denom)
			if sum > 1 && sum-x > 0 {
				g.extra[j] = x * (sum - 1) / (sum - x)
			}
		}
		if sum >= 1 && len(g.primCum) > 0 {
			for j := len(r) - 1; j >= 0; j-- {
				g.primCum[j] = 1
				if r[j] > 0 {
					break
				}
			}
		}
		c.groups = append(c.groups, g)
		// Targets: count / N as the counter computes it.
		if s.Base == published.BaseAll && it.Relevance != nil {
			continue
		}
		nonEmpty := g.exclTotal + rest*min(sum, 1) // P(something chosen | answering)
		for i, cat := range s.Categories {
			var sh float64
			switch {
			case cat.Kind == published.KindMissing:
				sh = 1 - g.pAnswer*nonEmpty
			default:
				bit := slices.Index(codes, cat.Code)
				if k := slices.Index(g.exclBits, bit); k >= 0 {
					sh = min(1, w[i]/answerers)
				} else if k := slices.Index(g.bits, bit); k >= 0 {
					sh = rest * r[k]
				}
				if s.Base == published.BaseAll || s.Base == published.BaseAsked {
					sh *= g.pAnswer
				} else if nonEmpty > 0 {
					sh /= nonEmpty
				}
			}
			b.targets = append(b.targets, Target{Table: s.Key, Row: i + 1, Code: cat.Code, Share: sh})
		}
	}
	return nil
}

// matrix prepares every row and cell of a matrix item (2.9): a cell asked of
// everyone from the table that counts one of its values over rows (2.9/reactive:
// provided), a cell with a relevance rule from its row's table (2.9.a:
// sourcing among providers), and the analysts' coding of a written-in row
// from the coded categories of the row's table.
func (b *builder) matrix(it *questionnaire.Item) error {
	for _, row := range it.Rows {
		first := len(b.cols)
		for ci := range it.Cells {
			cell := &it.Cells[ci]
			codes := codesOf(cell.Choices(), cell.Coded)
			c := &column{name: columns.Cell(it.ID, row.Code, cell.ID), kind: kindChoice, rel: -1, pair: -1}
			if err := c.setCodes(codes); err != nil {
				return err
			}
			if cell.Relevance != nil {
				k := slices.IndexFunc(it.Cells, func(x questionnaire.Cell) bool { return x.ID == cell.Relevance.Cell })
				if k < 0 || k >= ci {
					return fmt.Errorf("cell %s: relevance names cell %s, which is not an earlier cell", cell.ID, cell.Relevance.Cell)
				}
				c.rel = first + k
				pc := codesOf(it.Cells[k].Choices(), it.Cells[k].Coded)
				for _, code := range cell.Relevance.AnyOf {
					if j := slices.Index(pc, code); j >= 0 {
						c.relMask |= 1 << uint(j)
					}
				}
			}
			if err := b.cell(c, it, row, cell, codes); err != nil {
				return err
			}
			b.cols = append(b.cols, c)
		}
		if row.Other && len(it.Coded) > 0 {
			if err := b.rowCoded(it, row, first); err != nil {
				return err
			}
		}
	}
	return nil
}

// rowTable returns the table of one row and cell of a matrix, or nil.
func (b *builder) rowTable(it *questionnaire.Item, row, cell string) *published.Spec {
	for _, s := range b.specsOf(it) {
		if s.Row == row && s.Cell == cell {
			return s
		}
	}
	return nil
}

func (b *builder) cell(c *column, it *questionnaire.Item, row questionnaire.Row, cell *questionnaire.Cell, codes []string) error {
	// A table of this row and cell: its rows, among those asked.
	if s := b.rowTable(it, row.Code, cell.ID); s != nil {
		w, _ := b.counts(s, true)
		var cw []float64
		var tw []float64 // the weights behind the targets: every row of the table
		for i, cat := range s.Categories {
			tw = append(tw, w[i])
			switch {
			case cat.Kind == published.KindMissing:
				c.cats, cw = append(c.cats, category{act: actBlank}), append(cw, w[i])
			case slices.Contains(codes, cat.Code):
				c.cats, cw = append(c.cats, category{act: actCode, bit: slices.Index(codes, cat.Code)}), append(cw, w[i])
			}
		}
		if len(c.cats) == 0 || sum(cw) == 0 {
			// The table counts only the coding of a written-in row (2.9.w):
			// the cell's values are drawn from all its other rows' tables.
			c.cats, cw = b.pooled(it, cell, codes)
			b.notes = append(b.notes, Note{Table: s.Key, Code: cell.ID, Rule: fmt.Sprintf(
				"the table gives no %s values for row %s: drawn from the pooled counts of the other rows' tables", cell.ID, row.Code)})
		}
		c.cum = cumulative(cw)
		b.singleTargets(s, nil, tw)
		return nil
	}
	// A table counting one of this cell's values over rows (2.9/reactive: provided).
	for _, s := range b.specsOf(it) {
		if s.Cell != cell.ID || s.Value == "" {
			continue
		}
		w, n := b.counts(s, false)
		for i, cat := range s.Categories {
			if cat.Code != row.Code || n <= 0 {
				continue
			}
			p := min(1, w[i]/n)
			b.valueCats(c, codes, s.Value, p)
			if cell.Relevance == nil && s.Base == published.BaseAll {
				// Targets of the row are added once per table row (this one).
				b.targets = append(b.targets, Target{Table: s.Key, Row: i + 1, Code: cat.Code, Share: p})
			}
			return nil
		}
	}
	// No table counts this cell for this row: a later cell asked on one of
	// its values has a table whose N (printed or inferred) is how many gave it.
	for ci := range it.Cells {
		dep := &it.Cells[ci]
		if dep.Relevance == nil || dep.Relevance.Cell != cell.ID || len(dep.Relevance.AnyOf) != 1 {
			continue
		}
		s := b.rowTable(it, row.Code, dep.ID)
		if s == nil {
			continue
		}
		_, n := b.countsQuiet(s, true)
		if b.pop <= 0 {
			break
		}
		p := min(1, n/b.pop)
		b.valueCats(c, codes, dep.Relevance.AnyOf[0], p)
		b.notes = append(b.notes, Note{Table: s.Key, Code: cell.ID, Value: p, Rule: fmt.Sprintf(
			"no table counts %s for row %s: P(%s) = N of table %s / respondents = %g / %g", cell.ID, row.Code, dep.Relevance.AnyOf[0], s.Key, n, b.pop)})
		return nil
	}
	// Nothing: the cell's options, equally likely.
	for i := range cell.Choices() {
		c.cats = append(c.cats, category{act: actCode, bit: i})
	}
	c.cum = cumulative(make([]float64, len(c.cats)))
	return nil
}

// valueCats makes a cell give value with probability p and its other options
// (equally) otherwise.
func (b *builder) valueCats(c *column, codes []string, value string, p float64) {
	var w []float64
	var others int
	for _, code := range codes {
		if code != value {
			others++
		}
	}
	for i, code := range codes {
		c.cats = append(c.cats, category{act: actCode, bit: i})
		if code == value {
			w = append(w, p)
		} else {
			w = append(w, (1-p)/float64(others))
		}
	}
	c.cum = cumulative(w)
}

// pooled returns the cell's values weighted by their counts summed over every
// row table of the cell.
func (b *builder) pooled(it *questionnaire.Item, cell *questionnaire.Cell, codes []string) ([]category, []float64) {
	w := make([]float64, len(codes)+1) // last: missing
	for _, s := range b.specsOf(it) {
		if s.Cell != cell.ID || s.Row == "" {
			continue
		}
		cw, _ := b.countsQuiet(s, true)
		for i, cat := range s.Categories {
			if cat.Kind == published.KindMissing {
				w[len(codes)] += cw[i]
			} else if j := slices.Index(codes, cat.Code); j >= 0 {
				w[j] += cw[i]
			}
		}
	}
	cats := make([]category, 0, len(w))
	for i := range codes {
		cats = append(cats, category{act: actCode, bit: i})
	}
	cats = append(cats, category{act: actBlank})
	return cats, w
}

// rowCoded prepares the analysts' coding of a written-in matrix row
// (services__w__coded): asked like the row's cells with a relevance rule,
// drawn from the coded rows of the row's tables.
func (b *builder) rowCoded(it *questionnaire.Item, row questionnaire.Row, first int) error {
	codes := codesOf(nil, it.Coded)
	c := &column{name: columns.RowCoded(it.ID, row.Code), kind: kindChoice, rel: -1, pair: -1}
	if err := c.setCodes(codes); err != nil {
		return err
	}
	var w []float64
	var n float64
	for ci := range it.Cells {
		cell := &it.Cells[ci]
		s := b.rowTable(it, row.Code, cell.ID)
		if s == nil || cell.Relevance == nil {
			continue
		}
		// Asked like this cell.
		c.rel, c.relMask = b.cols[first+ci].rel, b.cols[first+ci].relMask
		var cw []float64
		cw, n = b.countsQuiet(s, true)
		for i, cat := range s.Categories {
			if j := slices.Index(codes, cat.Code); j >= 0 {
				c.cats, w = append(c.cats, category{act: actCode, bit: j}), append(w, cw[i])
			}
		}
		break
	}
	if len(c.cats) == 0 {
		c.kind = kindBlank
	} else {
		c.cats, w = append(c.cats, category{act: actBlank}), append(w, max(0, n-sum(w)))
		c.cum = cumulative(w)
	}
	b.cols = append(b.cols, c)
	return nil
}

func sum(w []float64) float64 {
	var s float64
	for _, x := range w {
		s += x
	}
	return s
}
