package assess

import (
	"cmp"
	"slices"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Model is everything the page and the command compare a team against, in
// one language. It is embedded in the page as JSON; field names are the
// page script's.
type Model struct {
	Lang       string            `json:"lang"`
	Year       int               `json:"year"`
	SurveyID   string            `json:"survey_id"`
	Title      string            `json:"title"`
	Publisher  string            `json:"publisher"`
	Provenance survey.Provenance `json:"provenance"`
	// Combined is true when statistics that combine items (the overall
	// maturity percentile) may be shown: only for collected rows.
	Combined bool `json:"combined"`
	// Scores is the population's overall maturity scores (mean SIM3 level
	// of the answered scale items, per respondent), with how many
	// respondents have each; empty unless Combined.
	Scores   []ScoreCount `json:"scores"`
	Sections []PGroup     `json:"sections"`
	Items    []PItem      `json:"items"`
	Dists    []Dist       `json:"dists"`
	Recs     []PRec       `json:"recs"`
	Columns  []PColumn    `json:"columns"`
	// Initial, when set, is the answers the page opens with (a page written
	// by `csirtsurvey assess --out`); it then keeps edits under its own key.
	Initial Answers           `json:"initial,omitempty"`
	Text    map[string]string `json:"text"`
}

// ScoreCount is one overall maturity score and how many respondents have it.
type ScoreCount struct {
	Score float64 `json:"score"`
	Count int64   `json:"count"`
}

// PItem is one questionnaire item as the form shows it.
type PItem struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	Type      string    `json:"type"`
	Text      string    `json:"text"`
	Note      string    `json:"note,omitempty"`
	Section   string    `json:"section"`
	Options   []POption `json:"options,omitempty"`
	Groups    []PGroup  `json:"groups,omitempty"`
	Relevance *PRel     `json:"relevance,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Min       *int      `json:"min,omitempty"`
	Max       *int      `json:"max,omitempty"`
	SIM3      string    `json:"sim3,omitempty"`
	Scale     bool      `json:"scale,omitempty"` // options carry SIM3 levels
	Rows      []PRow    `json:"rows,omitempty"`
	RowGroups []PGroup  `json:"row_groups,omitempty"`
	Cells     []PCell   `json:"cells,omitempty"`
}

// POption is an answer option.
type POption struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	Exclusive bool   `json:"exclusive,omitempty"`
	Other     bool   `json:"other,omitempty"`
	Level     *int   `json:"level,omitempty"`
	Coarse    bool   `json:"coarse,omitempty"`
	Group     string `json:"group,omitempty"`
}

// PGroup is an option or row group heading.
type PGroup struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// PRel is a relevance rule with the item named by id.
type PRel struct {
	Item  string   `json:"item,omitempty"`
	Cell  string   `json:"cell,omitempty"`
	AnyOf []string `json:"any_of"`
}

// PRow is a matrix row.
type PRow struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Group string `json:"group,omitempty"`
	Other bool   `json:"other,omitempty"`
}

// PCell is a matrix cell.
type PCell struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	Options   []POption `json:"options"`
	Relevance *PRel     `json:"relevance,omitempty"`
}

// Dist is one published table: the population distribution an answer is
// compared with. Item is the item's id; Row and Cell locate a matrix cell
// (a sourcing table of one service); Value is set for a table that counts,
// per matrix row, the respondents whose Cell is Value (services provided).
type Dist struct {
	Key       string `json:"key"`
	Title     string `json:"title"`
	Item      string `json:"item"`
	Number    string `json:"number"`
	Row       string `json:"row,omitempty"`
	Cell      string `json:"cell,omitempty"`
	Value     string `json:"value,omitempty"`
	Base      string `json:"base"`
	Multi     bool   `json:"multi"`
	N         *int64 `json:"n"` // printed N, or the inferred one (NInferred); nil: lost
	NInferred bool   `json:"n_inferred,omitempty"`
	Cats      []Cat  `json:"cats"`
}

// Cat is one printed row of a table: what it counts and how many.
type Cat struct {
	Code     string `json:"code"`
	Kind     string `json:"kind"`
	Label    string `json:"label"`
	Count    *int64 `json:"count"` // printed, or inferred (Inferred); nil: lost
	Inferred bool   `json:"inferred,omitempty"`
	From     string `json:"from,omitempty"` // year_month bins, "YYYY-MM", inclusive
	To       string `json:"to,omitempty"`
	Min      *int   `json:"min,omitempty"` // integer bins, inclusive
	Max      *int   `json:"max,omitempty"`
}

// PRec is a recommendation in one language with its figures.
type PRec struct {
	ID      string   `json:"id"`
	Section string   `json:"section"`
	Page    int      `json:"page"`
	Title   string   `json:"title"`
	Text    string   `json:"text"`
	Gaps    []PGap   `json:"gaps"`
	Figures []Figure `json:"figures"`
}

// PGap is a gap rule with the item named by id.
type PGap struct {
	Item   string   `json:"item"`
	Number string   `json:"number"`
	AnyOf  []string `json:"any_of"`
}

// Figure is one of the report's figures a recommendation quotes, with the
// value recomputed from the published tables.
type Figure struct {
	ClaimID  string   `json:"claim"`
	Page     int      `json:"page"`
	Text     string   `json:"text"`
	Wording  string   `json:"wording"`
	Kind     string   `json:"kind"` // count, share or compare (claims.Kind)
	Computed *float64 `json:"computed"`
	Status   string   `json:"status"`
	Note     string   `json:"note"`
}

// lang picks the Japanese or English string.
func pick(lang, ja, en string) string {
	if lang == "en" {
		return en
	}
	return ja
}

func newModel(in Inputs, lang string) *Model {
	q := in.Questionnaire
	m := &Model{
		Lang: lang, Year: in.Year, SurveyID: q.Survey.ID,
		Title:      pick(lang, q.Survey.TitleJA, q.Survey.TitleEN),
		Publisher:  q.Survey.Publisher,
		Provenance: in.Provenance,
		Combined:   in.Provenance == survey.Collected && len(in.Scores) > 0,
		Text:       uiText[lang],
	}
	if m.Combined {
		m.Scores = in.Scores
	}
	m.Columns = exportColumns(q)
	for _, s := range q.Sections {
		m.Sections = append(m.Sections, PGroup{s.Number, pick(lang, s.TitleJA, s.TitleEN)})
	}
	for _, it := range q.Items {
		m.Items = append(m.Items, pitem(q, it, lang))
	}
	if in.Published != nil {
		m.Dists = dists(q, in.Published, lang)
	}
	m.Recs = precs(q, in.Recommendations, in.Claims, lang)
	return m
}

func popts(os []questionnaire.Option, lang string) []POption {
	out := make([]POption, 0, len(os))
	for _, o := range os {
		out = append(out, POption{Code: o.Code, Label: pick(lang, o.LabelJA, o.LabelEN), Exclusive: o.Exclusive,
			Other: o.Other, Level: o.SIM3Level, Coarse: o.Coarse, Group: o.Group})
	}
	return out
}

func prel(q *questionnaire.Questionnaire, r *questionnaire.Relevance) *PRel {
	if r == nil {
		return nil
	}
	p := &PRel{Cell: r.Cell, AnyOf: r.AnyOf}
	if r.Item != "" {
		if it := q.Item(r.Item); it != nil {
			p.Item = it.ID
		}
	}
	return p
}

func pitem(q *questionnaire.Questionnaire, it *questionnaire.Item, lang string) PItem {
	p := PItem{ID: it.ID, Number: it.Number, Type: string(it.Type), Text: pick(lang, it.TextJA, it.TextEN),
		Note: pick(lang, it.NoteJA, it.NoteEN), Section: it.Section(), Relevance: prel(q, it.Relevance),
		Unit: pick(lang, it.UnitJA, it.UnitEN), Min: it.Min, Max: it.Max, SIM3: it.SIM3}
	p.Options = popts(it.Choices(), lang)
	p.Scale = isScale(it)
	for _, g := range it.OptionGroups {
		p.Groups = append(p.Groups, PGroup{g.Code, pick(lang, g.LabelJA, g.LabelEN)})
	}
	for _, g := range it.RowGroups {
		p.RowGroups = append(p.RowGroups, PGroup{g.Code, pick(lang, g.LabelJA, g.LabelEN)})
	}
	for _, r := range it.Rows {
		p.Rows = append(p.Rows, PRow{Code: r.Code, Label: pick(lang, r.LabelJA, r.LabelEN), Group: r.Group, Other: r.Other})
	}
	for i := range it.Cells {
		c := &it.Cells[i]
		p.Cells = append(p.Cells, PCell{ID: c.ID, Text: pick(lang, c.TextJA, c.TextEN), Options: popts(c.Choices(), lang),
			Relevance: prel(q, c.Relevance)})
	}
	return p
}

// isScale reports whether every option of a single item carries a SIM3 level
// on SIM3's own (not a coarser) scale.
func isScale(it *questionnaire.Item) bool {
	if it.Type != questionnaire.Single || len(it.Choices()) == 0 {
		return false
	}
	for _, o := range it.Choices() {
		if o.SIM3Level == nil || o.Coarse {
			return false
		}
	}
	return true
}

// dists turns the published tables into distributions, in transcription
// order; derived tables (no item) are left out: no single answer falls in them.
func dists(q *questionnaire.Questionnaire, pub *published.Set, lang string) []Dist {
	var out []Dist
	for _, s := range pub.Specs {
		it := s.ItemRef()
		if it == nil {
			continue
		}
		d := Dist{Key: s.Key, Item: it.ID, Number: it.Number, Row: s.Row, Cell: s.Cell, Value: s.Value, Base: s.Base}
		if s.Row != "" {
			d.Value = "" // a cell's own table: the value is the answer
		}
		entries := pub.TableEntries(s.Key)
		if len(entries) > 0 {
			e := entries[0]
			d.Title = pick(lang, e.TitleJA, e.TitleEN)
			d.Multi = e.Multi
			switch {
			case !e.N.Lost:
				d.N = ptr(e.N.Value)
			case e.InferredN != nil:
				d.N, d.NInferred = ptr(*e.InferredN), true
			}
		}
		bins := map[string]published.Bin{}
		for _, b := range s.Bins {
			bins[b.Code] = b
		}
		ibins := map[string]questionnaire.Bin{}
		for _, b := range it.Bins {
			ibins[b.Code] = b
		}
		for i, e := range entries {
			c := Cat{Code: e.Code, Kind: e.CodeKind, Label: pick(lang, e.LabelJA, e.LabelEN)}
			if i < len(s.Categories) {
				c.Kind = s.Categories[i].Kind
			}
			switch {
			case !e.Count.Lost:
				c.Count = ptr(e.Count.Value)
			case e.Inferred != nil:
				c.Count, c.Inferred = ptr(*e.Inferred), true
			}
			if b, ok := bins[e.Code]; ok {
				c.From, c.To, c.Min, c.Max = b.From, b.To, b.Min, b.Max
			} else if b, ok := ibins[e.Code]; ok && c.Kind == published.KindBin {
				c.Min, c.Max = b.Min, b.Max
			}
			d.Cats = append(d.Cats, c)
		}
		out = append(out, d)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func precs(q *questionnaire.Questionnaire, recs []Recommendation, results []claims.Result, lang string) []PRec {
	byID := map[string]claims.Result{}
	for _, r := range results {
		byID[r.Claim.ID] = r
	}
	var out []PRec
	for _, r := range recs {
		p := PRec{ID: r.ID, Section: r.Section, Page: r.Page, Title: pick(lang, r.TitleJA, r.TitleEN), Text: pick(lang, r.TextJA, r.TextEN)}
		for _, g := range r.Gaps {
			if it := q.Item(g.Item); it != nil {
				p.Gaps = append(p.Gaps, PGap{Item: it.ID, Number: it.Number, AnyOf: g.AnyOf})
			}
		}
		for _, id := range r.Claims {
			res, ok := byID[id]
			if !ok {
				continue
			}
			f := Figure{ClaimID: id, Page: res.Claim.Page, Text: pick(lang, res.Claim.TextJA, res.Claim.TextEN),
				Wording: res.Claim.Wording, Computed: res.Computed, Status: string(res.Status), Note: res.Note}
			switch {
			case res.Claim.Statistic != nil:
				f.Kind = string(res.Claim.Statistic.Kind)
			case res.Claim.Unverifiable != nil:
				f.Kind = string(res.Claim.Unverifiable.Kind)
			}
			p.Figures = append(p.Figures, f)
		}
		out = append(out, p)
	}
	return out
}

// sortScores orders scores ascending and merges equal ones.
func sortScores(s []ScoreCount) []ScoreCount {
	slices.SortFunc(s, func(a, b ScoreCount) int { return cmp.Compare(a.Score, b.Score) })
	var out []ScoreCount
	for _, x := range s {
		if n := len(out); n > 0 && out[n-1].Score == x.Score {
			out[n-1].Count += x.Count
			continue
		}
		out = append(out, x)
	}
	return out
}
