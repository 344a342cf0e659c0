package assess

import (
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Answers is one team's answers, keyed like the page keeps them: an item's id
// holds its codes (single: one, multi: several) or its value (an integer, a
// year-month "YYYY-MM", or a coded category); a matrix cell is keyed
// <id>__<row>__<cell>. Absent or empty means no answer.
type Answers map[string][]string

// CellKey is the key of a matrix cell.
func CellKey(item, row, cell string) string { return columns.Cell(item, row, cell) }

// Match is where one answer of a team falls in one published table.
type Match struct {
	Key    string // table key
	Item   string // item id
	Number string // printed item number
	Row    string // matrix row (tables that count per row)
	Code   string // the category the answer falls in
	Label  string
	// Count is how many peers are in the category (nil: lost in the report);
	// N the table's N (nil: lost), Base who forms it.
	Count     *int64
	Inferred  bool
	N         *int64
	NInferred bool
	Base      string
}

// Permille returns the share Count/N in tenths of a percent, rounded half
// up in integers (the page rounds the same way), and false when a number is
// unknown.
func (m Match) Permille() (int64, bool) {
	if m.Count == nil || m.N == nil || *m.N == 0 {
		return 0, false
	}
	return permille(*m.Count, *m.N), true
}

func permille(c, n int64) int64 { return (2000*c + n) / (2 * n) }

// Share formats the share as the page shows it ("12.5 %"), or "?" when unknown.
func (m Match) Share() string {
	p, ok := m.Permille()
	if !ok {
		return "?"
	}
	return strconv.FormatInt(p/10, 10) + "." + strconv.FormatInt(p%10, 10) + " %"
}

// asked reports whether item (by id) was asked of the team under m's rules.
func (m *Model) asked(a Answers, id string) bool {
	it := m.item(id)
	if it == nil {
		return false
	}
	seen := map[string]bool{}
	for it != nil && it.Relevance != nil && it.Relevance.Item != "" {
		if seen[it.ID] {
			return false
		}
		seen[it.ID] = true
		if !anyIn(a[it.Relevance.Item], it.Relevance.AnyOf) {
			return false
		}
		it = m.item(it.Relevance.Item)
	}
	return true
}

// cellAsked reports whether a matrix cell of a row was asked.
func (m *Model) cellAsked(a Answers, it *PItem, row, cell string) bool {
	for _, c := range it.Cells {
		if c.ID == cell && c.Relevance != nil && c.Relevance.Cell != "" {
			return anyIn(a[CellKey(it.ID, row, c.Relevance.Cell)], c.Relevance.AnyOf)
		}
	}
	return true
}

func anyIn(vals, allowed []string) bool {
	for _, v := range vals {
		if slices.Contains(allowed, v) {
			return true
		}
	}
	return false
}

func (m *Model) item(id string) *PItem {
	for i := range m.Items {
		if m.Items[i].ID == id {
			return &m.Items[i]
		}
	}
	return nil
}

// catFor returns the category a value falls in.
func catFor(d *Dist, typ, v string) *Cat {
	for i := range d.Cats {
		if d.Cats[i].Code == v && d.Cats[i].Kind != "bin" {
			return &d.Cats[i]
		}
	}
	switch typ {
	case string(questionnaire.YearMonth):
		for i := range d.Cats {
			c := &d.Cats[i]
			if (c.From != "" || c.To != "") && (c.From == "" || v >= c.From) && (c.To == "" || v <= c.To) {
				return c
			}
		}
	case string(questionnaire.Integer):
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil
		}
		for i := range d.Cats {
			c := &d.Cats[i]
			if (c.Min != nil || c.Max != nil) && (c.Min == nil || n >= *c.Min) && (c.Max == nil || n <= *c.Max) {
				return c
			}
		}
	}
	return nil
}

// Compare returns where the team's answers fall, in questionnaire order of
// the items and, within an item, in the order of its tables. Items not asked
// of the team and unanswered items give no match.
func (m *Model) Compare(a Answers) (out []Match) {
	defer func() {
		pos := map[string]int{}
		for i, it := range m.Items {
			pos[it.ID] = i
		}
		slices.SortStableFunc(out, func(x, y Match) int { return pos[x.Item] - pos[y.Item] })
	}()
	for i := range m.Dists {
		d := &m.Dists[i]
		it := m.item(d.Item)
		if it == nil || !m.asked(a, d.Item) {
			continue
		}
		mk := func(c *Cat, row string) Match {
			return Match{Key: d.Key, Item: d.Item, Number: d.Number, Row: row, Code: c.Code, Label: c.Label,
				Count: c.Count, Inferred: c.Inferred, N: d.N, NInferred: d.NInferred, Base: d.Base}
		}
		switch {
		case d.Value != "":
			for j := range d.Cats {
				c := &d.Cats[j]
				if slices.Contains(a[CellKey(d.Item, c.Code, d.Cell)], d.Value) {
					out = append(out, mk(c, c.Code))
				}
			}
		case d.Row != "":
			if !m.cellAsked(a, it, d.Row, d.Cell) {
				continue
			}
			for _, v := range a[CellKey(d.Item, d.Row, d.Cell)] {
				if c := catFor(d, "single", v); c != nil {
					out = append(out, mk(c, d.Row))
				}
			}
		default:
			for _, v := range a[d.Item] {
				if v == "" {
					continue
				}
				if c := catFor(d, it.Type, v); c != nil {
					out = append(out, mk(c, ""))
				}
			}
		}
	}
	return out
}

// Profile is one scale item: the team's SIM3 level next to the population's.
type Profile struct {
	Item   string
	Number string
	SIM3   string
	Text   string
	Key    string // the table the population comes from
	Level  *int   // the team's level (nil: no answer)
	// Counts[l] is how many peers are at level l (0-4); Known is false when
	// a count was lost, and the quartiles are then not given.
	Counts         []int64
	Total          int64
	Known          bool
	Inferred       bool // some count was inferred
	Q1, Median, Q3 int
}

// Profiles returns the scale items (options that carry SIM3 levels) with
// their population distribution, in questionnaire order.
func (m *Model) Profiles(a Answers) []Profile {
	var out []Profile
	for i := range m.Items {
		it := &m.Items[i]
		if !it.Scale {
			continue
		}
		p := Profile{Item: it.ID, Number: it.Number, SIM3: it.SIM3, Text: it.Text, Known: true}
		levels := map[string]int{}
		maxL := 0
		for _, o := range it.Options {
			levels[o.Code] = *o.Level
			maxL = max(maxL, *o.Level)
		}
		p.Counts = make([]int64, maxL+1)
		for _, v := range a[it.ID] {
			if l, ok := levels[v]; ok {
				p.Level = ptr(l)
			}
		}
		var d *Dist
		for j := range m.Dists {
			if m.Dists[j].Item == it.ID && m.Dists[j].Row == "" && m.Dists[j].Cell == "" {
				d = &m.Dists[j]
				break
			}
		}
		if d == nil {
			continue
		}
		p.Key = d.Key
		for _, c := range d.Cats {
			l, ok := levels[c.Code]
			if !ok {
				continue // 未回答 and coded categories outside the scale
			}
			if c.Count == nil {
				p.Known = false
				continue
			}
			p.Inferred = p.Inferred || c.Inferred
			p.Counts[l] += *c.Count
			p.Total += *c.Count
		}
		if p.Known && p.Total > 0 {
			p.Q1, p.Median, p.Q3 = quantile(p.Counts, p.Total, 1, 4), quantile(p.Counts, p.Total, 1, 2), quantile(p.Counts, p.Total, 3, 4)
		}
		out = append(out, p)
	}
	return out
}

// quantile returns the smallest level whose cumulative count reaches num/den
// of total (integer arithmetic, as the page computes it).
func quantile(counts []int64, total, num, den int64) int {
	var cum int64
	for l, c := range counts {
		cum += c
		if cum*den >= num*total {
			return l
		}
	}
	return len(counts) - 1
}

// Score is the team's overall maturity score: the mean SIM3 level of its
// answered scale items, and false when it answered none.
func (m *Model) Score(a Answers) (float64, bool) {
	var sum, n int
	for _, p := range m.Profiles(a) {
		if p.Level != nil {
			sum += *p.Level
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return roundScore(float64(sum) / float64(n)), true
}

func roundScore(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 4, 64), 64)
	return v
}

// Percentile returns the share of peers (in tenths of a percent) whose
// overall score is below the team's, counting ties as half; false when the
// model holds no population scores (Combined is false).
func (m *Model) Percentile(score float64) (int64, bool) {
	if !m.Combined {
		return 0, false
	}
	var below2, total int64 // below counted twice, ties once
	for _, s := range m.Scores {
		total += s.Count
		switch {
		case s.Score < score:
			below2 += 2 * s.Count
		case s.Score == score:
			below2 += s.Count
		}
	}
	if total == 0 {
		return 0, false
	}
	return permille(below2, 2*total), true
}

// Gaps returns the recommendations whose gap rules the team's answers meet,
// each with the items that triggered it.
func (m *Model) Gaps(a Answers) []GapHit {
	var out []GapHit
	for i := range m.Recs {
		r := &m.Recs[i]
		var hit []string
		for _, g := range r.Gaps {
			if m.asked(a, g.Item) && anyIn(a[g.Item], g.AnyOf) {
				hit = append(hit, g.Number)
			}
		}
		if len(hit) > 0 {
			out = append(out, GapHit{Rec: r, Items: hit})
		}
	}
	return out
}

// GapHit is a recommendation that applies to the team.
type GapHit struct {
	Rec   *PRec
	Items []string // printed numbers of the items whose answers are gaps
}

// answerLabel renders an item's answer for people.
func (m *Model) answerLabel(it *PItem, vals []string) string {
	var parts []string
	for _, v := range vals {
		label := v
		for _, o := range it.Options {
			if o.Code == v {
				label = "(" + v + ") " + o.Label
			}
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, "; ")
}
