package report

// The trends report: reports/trends.ipynb and reports/trends.html compare the
// survey years where the items match (processed/trends, built by
// pipeline/build from the crosswalk chain).
//
// Layout of the notebook (nbformat 4.5, deterministic cell ids, Japanese
// first with English):
//
//	title and provenance      markdown: years, caveats (reconstructed,
//	                          synthetic, fictional years)
//	parameters                code, tagged "parameters": lang, processed
//	setup, charts, tables     code: load() reads processed/<dataset> (every
//	                          year, Hive layout) with pandas (pyarrow); the
//	                          chart cell is charts.py, the one implementation
//	                          of the charts; trend_table() rebuilds a table
//	overview                  markdown and code: per year respondents,
//	                          provenance, concepts asked and compared
//	one section per concept   markdown (question ja/en, item number per year,
//	asked in two years or     N per year, notes) and code whose pre-rendered
//	more                      outputs are the table (text/html, text/plain)
//	                          and its chart (image/svg+xml, text/plain)
//	one year only             markdown and code: the concepts not compared
//
// The web page holds both editions (Japanese first, English) like
// report.html, with no script and no external resource.

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// Values of processed/trends' status column: what a row says of its year.
const (
	// TrendNumbers: count and n are known (n > 0); the row compares.
	TrendNumbers = "numbers"
	// TrendNotPublished: the year's published tables do not give this
	// category's count (not printed or quoted, or lost), or its base.
	TrendNotPublished = "not_published"
	// TrendNoNumbers: an item row (null category): the year asked the item
	// but has no numbers for it (not a choice item and no bins, no published
	// table, nobody answered).
	TrendNoNumbers = "no_numbers"
	// TrendUnknown: the year's sources do not show whether the item (item
	// row) or option (category row) was asked: the crosswalk's
	// unknown_items / unknown. Never compared, never "removed".
	TrendUnknown = "unknown"
)

// Values of processed/trends' source column: where a year's numbers come from.
const (
	SourceResponses = "responses" // counted from the respondent rows (processed/responses)
	SourcePublished = "published" // the printed counts and bases of the published tables (processed/published)
)

// Output file names of the trends report under reports/.
const (
	TrendsNotebook = "trends.ipynb"
	TrendsHTMLFile = "trends.html"
)

// TrendsInputs is everything the trends report shows.
type TrendsInputs struct {
	Years          []int // years with respondent data, ascending
	Questionnaires map[int]*questionnaire.Questionnaire
	Rows           []TrendRow // every trends row of every year

	// Optional, per year: the number of respondent rows and their
	// provenance (the distinct values of the responses' provenance column,
	// sorted and joined by ", ": "collected", "reconstructed", "synthetic").
	// A year missing here shows as unknown.
	Respondents map[int]int64
	Provenance  map[int]string
	// Sources says, per year, where its numbers come from (SourceResponses,
	// SourcePublished); a year missing here is taken as SourceResponses.
	Sources map[int]string
}

// TrendRow is one row of processed/trends (trends.Schema) with its year.
// Category is "" on an item row (the item as a whole: status no_numbers or
// unknown); Count and N are meaningful only when CountKnown and NKnown.
type TrendRow struct {
	Year                         int
	Concept, Row, Cell, Category string
	OriginYear                   int
	Item, QuestionID, Type       string
	Codes                        []string
	LabelJA, LabelEN             string
	Count, N                     int64
	CountKnown, NKnown           bool
	Share                        float64 // NaN unless Status is TrendNumbers
	YearsCompared                int
	Derived                      bool
	Status, Source, TableKey     string
}

// numbers reports whether the row gives a share.
func (r *TrendRow) numbers() bool { return r.Status == TrendNumbers }

// RenderTrends returns file name -> bytes for reports/: trends.ipynb and
// trends.html. With fewer than two years the files say that no year can be
// compared yet and list every concept as asked in one year only.
func RenderTrends(in TrendsInputs) (map[string][]byte, error) {
	if err := checkShares(in.Rows); err != nil {
		return nil, err
	}
	m, err := newTrendsModel(in)
	if err != nil {
		return nil, err
	}
	if err := m.draw(); err != nil {
		return nil, err
	}
	nb, err := trendsNotebook(m)
	if err != nil {
		return nil, err
	}
	page, err := trendsPage(m)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{TrendsNotebook: nb, TrendsHTMLFile: page}, nil
}

// trendsModel is what the trends report shows, in both languages.
type trendsModel struct {
	in       TrendsInputs
	years    []int
	compared []*tconcept      // with numbers in two years or more, in questionnaire order
	single   []*tconcept      // not compared (asked in one year only, without numbers in two, unknown), by year and questionnaire order
	concepts map[int]int      // per year: concepts asked
	numbers  map[int]int      // per year: concepts with numbers
	matched  map[int]int      // per year: concepts with numbers in this year and another
	unknown  map[int]int      // per year: concepts unknown
	charts   map[string]drawn // by chartKey of the concept's ID; see draw
}

// tconcept is one concept (an item followed across years).
type tconcept struct {
	Concept  string
	ID       string // cell id and HTML anchor
	Years    []int  // years that asked the item, ascending
	NumYears []int  // years with numbers, ascending
	Unknown  []int  // years whose sources do not show the item, ascending
	Type     string // the item's type in the latest year
	Items    map[int]itemRef
	Latest   int  // the latest year asked
	Question text // the latest year's question
	Matrix   bool
	Cats     []*tcat
	pos      int // the latest year's item index, for ordering
}

type itemRef struct{ Number, QID string }

// tcat is one category of a concept (a matrix row's cell's category, or an
// option), with its row per year.
type tcat struct {
	Row, Cell, Category string
	Latest              int  // the latest year with the category
	Label               text // in the latest year
	RowLabel            text // matrix: the row's label in the latest year
	ByYear              map[int]*TrendRow
}

func (c *tcat) key() string { return c.Row + "\x00" + c.Cell + "\x00" + c.Category }

func newTrendsModel(in TrendsInputs) (*trendsModel, error) {
	m := &trendsModel{in: in, years: slices.Clone(in.Years), concepts: map[int]int{}, numbers: map[int]int{},
		matched: map[int]int{}, unknown: map[int]int{}}
	for i, y := range m.years {
		if i > 0 && y <= m.years[i-1] {
			return nil, fmt.Errorf("report: trends: years %v are not strictly ascending", m.years)
		}
		q := in.Questionnaires[y]
		if q == nil {
			return nil, fmt.Errorf("report: trends: no questionnaire for %d", y)
		}
		if q.Survey.Year != y {
			return nil, fmt.Errorf("report: trends: the questionnaire given for %d is of %d", y, q.Survey.Year)
		}
	}
	byConcept := map[string]*tconcept{}
	cats := map[string]map[string]*tcat{}
	for i := range in.Rows {
		r := &in.Rows[i]
		if !slices.Contains(m.years, r.Year) {
			return nil, fmt.Errorf("report: trends: a row of %s is of %d, not one of the years %v", r.Concept, r.Year, m.years)
		}
		if r.Concept == "" {
			return nil, fmt.Errorf("report: trends: a row of %d has no concept", r.Year)
		}
		if r.Count < 0 || r.N < 0 || r.CountKnown && r.NKnown && r.Count > r.N {
			return nil, fmt.Errorf("report: trends: %s %s %d: count %d of n %d", r.Concept, r.Category, r.Year, r.Count, r.N)
		}
		if r.numbers() != (r.CountKnown && r.NKnown && r.N > 0) || r.Category == "" && r.numbers() {
			return nil, fmt.Errorf("report: trends: %s %q %d: status %q with count known %v of n known %v (%d)", r.Concept, r.Category, r.Year, r.Status, r.CountKnown, r.NKnown, r.N)
		}
		c := byConcept[r.Concept]
		if c == nil {
			c = &tconcept{Concept: r.Concept, Items: map[int]itemRef{}}
			byConcept[r.Concept] = c
			cats[r.Concept] = map[string]*tcat{}
		}
		if r.Category == "" && r.Status == TrendUnknown {
			// The item of an earlier year, not shown by this year's sources.
			if !slices.Contains(c.Unknown, r.Year) {
				c.Unknown = append(c.Unknown, r.Year)
			}
			continue
		}
		if ref, ok := c.Items[r.Year]; ok && ref != (itemRef{r.Item, r.QuestionID}) {
			return nil, fmt.Errorf("report: trends: concept %s is item %s (%s) and %s (%s) in %d", r.Concept, ref.Number, ref.QID, r.Item, r.QuestionID, r.Year)
		}
		c.Items[r.Year] = itemRef{r.Item, r.QuestionID}
		if r.numbers() && !slices.Contains(c.NumYears, r.Year) {
			c.NumYears = append(c.NumYears, r.Year)
		}
		if r.Category == "" {
			continue
		}
		if r.Row != "" {
			c.Matrix = true
		}
		k := r.Row + "\x00" + r.Cell + "\x00" + r.Category
		cat := cats[r.Concept][k]
		if cat == nil {
			cat = &tcat{Row: r.Row, Cell: r.Cell, Category: r.Category, ByYear: map[int]*TrendRow{}}
			cats[r.Concept][k] = cat
			c.Cats = append(c.Cats, cat)
		}
		if _, dup := cat.ByYear[r.Year]; dup {
			return nil, fmt.Errorf("report: trends: %s %s/%s/%s has two rows in %d", r.Concept, r.Row, r.Cell, r.Category, r.Year)
		}
		cat.ByYear[r.Year] = r
	}
	for _, c := range byConcept {
		for y := range c.Items {
			c.Years = append(c.Years, y)
		}
		slices.Sort(c.Years)
		slices.Sort(c.NumYears)
		slices.Sort(c.Unknown)
		if len(c.Years) == 0 {
			// Only unknown: the concept's item is in a year without data.
			c.Question, c.Latest, c.pos = text{c.Concept, c.Concept}, c.Unknown[len(c.Unknown)-1], 1<<30
			for _, r := range in.Rows {
				if r.Concept == c.Concept {
					c.Question, c.Type = text{r.LabelJA, r.LabelEN}, r.Type
					c.Items[r.Year] = itemRef{r.Item, r.QuestionID}
					break
				}
			}
			for _, y := range c.Unknown {
				m.unknown[y]++
			}
			m.single = append(m.single, c)
			continue
		}
		c.Latest = c.Years[len(c.Years)-1]
		ref := c.Items[c.Latest]
		q := in.Questionnaires[c.Latest]
		c.Question = text{c.Concept, c.Concept}
		c.pos = len(q.Items)
		if it := q.ItemByID(ref.QID); it != nil {
			c.Question = text{it.TextJA, it.TextEN}
			c.pos = slices.Index(q.Items, it)
			c.Type = string(it.Type)
		}
		slices.SortFunc(c.Cats, func(a, b *tcat) int { return strings.Compare(a.key(), b.key()) })
		for _, cat := range c.Cats {
			for _, y := range c.Years {
				if r, ok := cat.ByYear[y]; ok {
					cat.Latest, cat.Label = y, text{r.LabelJA, r.LabelEN}
				}
			}
			if cat.Row != "" {
				cat.RowLabel = text{cat.Row, cat.Row}
				if it := in.Questionnaires[cat.Latest].ItemByID(cat.ByYear[cat.Latest].QuestionID); it != nil {
					for _, row := range it.Rows {
						if row.Code == cat.Row {
							cat.RowLabel = text{row.LabelJA, row.LabelEN}
						}
					}
				}
			}
		}
		for _, y := range c.Years {
			m.concepts[y]++
		}
		for _, y := range c.NumYears {
			m.numbers[y]++
			if len(c.NumYears) > 1 {
				m.matched[y]++
			}
		}
		for _, y := range c.Unknown {
			m.unknown[y]++
		}
		if len(c.NumYears) > 1 {
			m.compared = append(m.compared, c)
		} else {
			m.single = append(m.single, c)
		}
	}
	// Compared concepts in the latest questionnaire's order; the others by
	// year, then in their year's order (the codebook's seq).
	slices.SortFunc(m.compared, func(a, b *tconcept) int {
		if a.Latest != b.Latest {
			return b.Latest - a.Latest
		}
		if a.pos != b.pos {
			return a.pos - b.pos
		}
		return strings.Compare(a.Concept, b.Concept)
	})
	slices.SortFunc(m.single, func(a, b *tconcept) int {
		if a.Latest != b.Latest {
			return a.Latest - b.Latest
		}
		if a.pos != b.pos {
			return a.pos - b.pos
		}
		return strings.Compare(a.Concept, b.Concept)
	})
	ids := map[string]string{}
	for _, c := range append(slices.Clone(m.compared), m.single...) {
		c.ID = conceptID(c.Concept)
		if other, dup := ids[c.ID]; dup {
			return nil, fmt.Errorf("report: trends: concepts %s and %s give the same id %s", other, c.Concept, c.ID)
		}
		ids[c.ID] = c.Concept
	}
	return m, nil
}

// conceptID turns a concept into a cell id / anchor: "web_page" -> "c-web_page".
func conceptID(concept string) string {
	var b strings.Builder
	b.WriteString("c-")
	for _, r := range concept {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 56 { // nbformat allows 64 characters; "-about" is appended
		s = s[:56]
	}
	return s
}

// shareText is "66.7% (20/30)": the share of count in n with one decimal,
// "(0/0)" without a base, and " †" for a derived row (share_text in Python).
func shareText(count, n int64, derived bool) string {
	s := "(" + strconv.FormatInt(count, 10) + "/" + strconv.FormatInt(n, 10) + ")"
	if n > 0 {
		s = strconv.FormatFloat(float64(100*count)/float64(n), 'f', 1, 64) + "% " + s
	}
	if derived {
		s += " †"
	}
	return s
}

// absent is what a table shows for a category a year does not have.
const absent = "—"

// valueOf is the chart and table value of a category in year y (nil: the
// year does not have the category).
func (c *tcat) valueOf(y int) *trendValue {
	r, ok := c.ByYear[y]
	if !ok || !r.numbers() {
		return nil
	}
	return &trendValue{Count: r.Count, N: r.N, Derived: r.Derived}
}

// noValue is what a table shows for a category without numbers in year y:
// — (the year does not have it), 未公表 (its source does not give the
// number), 不明 (unknown whether it was asked).
func (c *tcat) noValue(y int, l lang) string {
	r, ok := c.ByYear[y]
	switch {
	case !ok:
		return absent
	case r.Status == TrendUnknown:
		return trendsUI["cellUnknown"].in(l)
	}
	return trendsUI["cellNotPublished"].in(l)
}

// chartLabel is the label of a category in the chart.
func (c *tcat) chartLabel(l lang) string {
	if c.Row == "" {
		return c.Label.in(l)
	}
	return c.Row + " " + c.RowLabel.in(l) + " · " + c.Cell + ": " + c.Label.in(l)
}

// title is the chart's title: the latest item number and question.
func (c *tconcept) title(l lang) string {
	return c.Items[c.Latest].Number + " " + c.Question.in(l)
}

// groups are the chart's rows.
func (c *tconcept) groups(years []int, l lang) []trendGroup {
	out := make([]trendGroup, len(c.Cats))
	for i, cat := range c.Cats {
		g := trendGroup{Label: cat.chartLabel(l)}
		for _, y := range years {
			g.Values = append(g.Values, cat.valueOf(y))
		}
		out[i] = g
	}
	return out
}

// grid is the table trend_table() builds: one row per category, one column
// per year with the share and count/n.
func (c *tconcept) grid(years []int, l lang) *grid {
	t := func(k string) string { return trendCols[k].in(l) }
	g := &grid{Empty: ui["emptyTable"].in(l)}
	if c.Matrix {
		g.Cols = []col{{Name: t("row")}, {Name: t("cell")}, {Name: t("code")}, {Name: t("row_label")}, {Name: t("option")}}
	} else {
		g.Cols = []col{{Name: t("code")}, {Name: t("option")}}
	}
	for _, y := range years {
		g.Cols = append(g.Cols, col{Name: strconv.Itoa(y), Num: true})
	}
	for _, cat := range c.Cats {
		var row []cell
		if c.Matrix {
			row = []cell{strCell(cat.Row), strCell(cat.Cell), strCell(cat.Category), strCell(cat.RowLabel.in(l)), strCell(cat.Label.in(l))}
		} else {
			row = []cell{strCell(cat.Category), strCell(cat.Label.in(l))}
		}
		for _, y := range years {
			v := cat.valueOf(y)
			if v == nil {
				row = append(row, cell{S: cat.noValue(y, l), Num: true})
				continue
			}
			var share any
			if v.N > 0 {
				share = float64(v.Count) / float64(v.N)
			}
			row = append(row, cell{V: share, S: shareText(v.Count, v.N, v.Derived), Num: true})
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// nByYear is "2015 = 64 · 2099 = 30" for a single or multiple choice item
// (every category has the item's N); "" for a matrix.
func (c *tconcept) nByYear() string {
	if c.Matrix {
		return ""
	}
	var parts []string
	for _, y := range c.Years {
		var n int64 = -1
		for _, cat := range c.Cats {
			if r, ok := cat.ByYear[y]; ok && r.NKnown {
				n = max(n, r.N)
			}
		}
		if n < 0 {
			parts = append(parts, fmt.Sprintf("%d = %s", y, absent))
			continue
		}
		parts = append(parts, fmt.Sprintf("%d = %d", y, n))
	}
	return strings.Join(parts, " · ")
}

// itemsByYear is "2015: 2.3 (constituency) · 2099: 2.3 (constituency)".
func (c *tconcept) itemsByYear() string {
	var parts []string
	for _, y := range c.Years {
		ref := c.Items[y]
		parts = append(parts, fmt.Sprintf("%d: %s (%s)", y, ref.Number, ref.QID))
	}
	return strings.Join(parts, " · ")
}

// notes say, in both languages, where the years differ within a concept:
// labels, the codes a category counts, derived rows, categories some years
// lack.
func (c *tconcept) notes(l lang) []string {
	var out []string
	for _, cat := range c.Cats {
		name := cat.Category
		if cat.Row != "" {
			name = cat.Row + "/" + cat.Cell + "/" + cat.Category
		}
		var missing, labels, codes, unpublished, unknown []string
		derived := false
		for _, y := range c.Years {
			r, ok := cat.ByYear[y]
			if !ok {
				missing = append(missing, strconv.Itoa(y))
				continue
			}
			switch r.Status {
			case TrendUnknown:
				unknown = append(unknown, strconv.Itoa(y))
				continue
			case TrendNotPublished:
				unpublished = append(unpublished, strconv.Itoa(y))
			}
			// Compared in both languages, so that both editions have the same notes.
			if lab := (text{r.LabelJA, r.LabelEN}); lab != cat.Label {
				labels = append(labels, fmt.Sprintf(trendsUI["labelInYear"].in(l), y, lab.in(l)))
			}
			if joined := strings.Join(r.Codes, "+"); joined != cat.Category && len(r.Codes) > 0 {
				codes = append(codes, fmt.Sprintf("%d: %s", y, strings.Join(r.Codes, ", ")))
			}
			derived = derived || r.Derived
		}
		if len(labels) > 0 {
			out = append(out, fmt.Sprintf(trendsUI["noteLabel"].in(l), name, cat.Latest, cat.Label.in(l), strings.Join(labels, ", ")))
		}
		if len(codes) > 0 {
			out = append(out, fmt.Sprintf(trendsUI["noteCodes"].in(l), name, strings.Join(codes, "; ")))
		}
		if derived {
			out = append(out, fmt.Sprintf(trendsUI["noteDerived"].in(l), name))
		}
		if len(missing) > 0 {
			out = append(out, fmt.Sprintf(trendsUI["noteMissing"].in(l), name, strings.Join(missing, ", ")))
		}
		if len(unpublished) > 0 {
			out = append(out, fmt.Sprintf(trendsUI["noteNotPublished"].in(l), name, strings.Join(unpublished, ", ")))
		}
		if len(unknown) > 0 {
			out = append(out, fmt.Sprintf(trendsUI["noteUnknown"].in(l), name, strings.Join(unknown, ", ")))
		}
	}
	return out
}

// yearsText is "2015, 2099".
func yearsText(years []int) string {
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

// caveats are the warnings on the years' data: reconstructed or synthetic
// respondent rows, fictional surveys, unknown provenance.
func (m *trendsModel) caveats(l lang) []string {
	var out []string
	for _, y := range m.years {
		q := m.in.Questionnaires[y]
		prov, ok := m.in.Provenance[y]
		switch {
		case m.source(y) == SourcePublished:
			out = append(out, fmt.Sprintf(trendsUI["provPublished"].in(l), y))
		case !ok || prov == "":
			out = append(out, fmt.Sprintf(trendsUI["provUnknown"].in(l), y))
		case strings.Contains(prov, string(survey.Reconstructed)):
			out = append(out, fmt.Sprintf(trendsUI["provRecon"].in(l), y))
		case strings.Contains(prov, string(survey.Synthetic)):
			out = append(out, fmt.Sprintf(trendsUI["provSynthetic"].in(l), y))
		}
		if fictional(q) {
			out = append(out, fmt.Sprintf(trendsUI["fictional"].in(l), y))
		}
	}
	return out
}

// source is where year y's numbers come from.
func (m *trendsModel) source(y int) string {
	if s, ok := m.in.Sources[y]; ok && s != "" {
		return s
	}
	return SourceResponses
}

// fictional reports whether a questionnaire describes a survey that does not
// exist (the test data under testdata/): its id or title says so.
func fictional(q *questionnaire.Questionnaire) bool {
	s := q.Survey
	return strings.Contains(strings.ToLower(s.ID), "fictional") || strings.Contains(s.TitleJA, "架空") ||
		strings.Contains(strings.ToUpper(s.TitleEN), "FICTIONAL")
}

// status is the one-line state of the comparison.
func (m *trendsModel) status(l lang) string {
	switch {
	case len(m.years) == 0:
		return trendsUI["noYears"].in(l)
	case len(m.years) == 1:
		return fmt.Sprintf(trendsUI["oneYear"].in(l), m.years[0])
	case len(m.compared) == 0:
		return fmt.Sprintf(trendsUI["noneMatch"].in(l), yearsText(m.years))
	}
	return fmt.Sprintf(trendsUI["compared"].in(l), yearsText(m.years), len(m.compared), len(m.single))
}

// overview is the key-value list at the top.
func (m *trendsModel) overview(l lang) []kv {
	t := func(k string) string { return trendsUI[k].in(l) }
	out := []kv{{t("years"), yearsText(m.years)}}
	if len(m.years) == 0 {
		out[0].V = t("none")
	}
	for _, y := range m.years {
		q := m.in.Questionnaires[y]
		title := q.Survey.TitleJA
		if l == en {
			title = q.Survey.TitleEN
		}
		out = append(out, kv{fmt.Sprintf(t("yearLine"), y), title + " · " + m.respondentsText(y, l)})
	}
	out = append(out, kv{t("status"), m.status(l)})
	return out
}

func (m *trendsModel) respondentsText(y int, l lang) string {
	if m.source(y) == SourcePublished {
		return trendsUI["nPublished"].in(l)
	}
	n, ok := m.in.Respondents[y]
	prov := m.in.Provenance[y]
	if !ok {
		return trendsUI["nUnknown"].in(l)
	}
	if prov == "" {
		prov = trendsUI["unknown"].in(l)
	}
	return fmt.Sprintf(trendsUI["nLine"].in(l), n, prov)
}

// overviewGrid is what the overview's code cell shows, per year.
func (m *trendsModel) overviewGrid(l lang) *grid {
	t := func(k string) string { return overviewCols[k].in(l) }
	g := &grid{Cols: []col{{Name: t("year")}, {Name: t("source")}, {Name: t("respondents"), Num: true}, {Name: t("provenance")},
		{Name: t("concepts"), Num: true}, {Name: t("numbers"), Num: true}, {Name: t("compared"), Num: true}, {Name: t("unknown"), Num: true}},
		Empty: ui["emptyTable"].in(l)}
	for _, y := range m.years {
		n := cell{S: naText, Num: true}
		if v, ok := m.in.Respondents[y]; ok {
			n = intCell(v)
		}
		prov := naCell()
		if p, ok := m.in.Provenance[y]; ok {
			prov = strCell(p)
		}
		g.Rows = append(g.Rows, []cell{strCell(strconv.Itoa(y)), strCell(m.source(y)), n, prov, intCell(int64(m.concepts[y])),
			intCell(int64(m.numbers[y])), intCell(int64(m.matched[y])), intCell(int64(m.unknown[y]))})
	}
	return g
}

// singleGrid lists the concepts not compared, whatever their type: asked
// in one year only, asked in several without numbers in two, unknown.
func (m *trendsModel) singleGrid(l lang) *grid {
	t := func(k string) string { return singleCols[k].in(l) }
	g := &grid{Cols: []col{{Name: t("concept")}, {Name: t("year")}, {Name: t("item")}, {Name: t("question_id")}, {Name: t("type")},
		{Name: t("question")}, {Name: t("asked")}, {Name: t("numbers")}, {Name: t("unknown")}},
		Empty: trendsUI["noSingle"].in(l)}
	for _, c := range m.single {
		ref := c.Items[c.Latest]
		g.Rows = append(g.Rows, []cell{strCell(c.Concept), strCell(strconv.Itoa(c.Latest)), strCell(ref.Number), strCell(ref.QID),
			strCell(c.Type), strCell(c.Question.in(l)), strCell(yearsText(c.Years)), strCell(yearsText(c.NumYears)), strCell(yearsText(c.Unknown))})
	}
	return g
}

// checkShares is a sanity check of the inputs: a row's share is count/n.
func checkShares(rows []TrendRow) error {
	var errs []error
	for _, r := range rows {
		if !r.numbers() {
			if !math.IsNaN(r.Share) {
				errs = append(errs, fmt.Errorf("report: trends: %s %s %d: share %v without a base", r.Concept, r.Category, r.Year, r.Share))
			}
			continue
		}
		if want := float64(r.Count) / float64(r.N); math.Abs(r.Share-want) > 1e-12 {
			errs = append(errs, fmt.Errorf("report: trends: %s %s %d: share %v is not %d/%d", r.Concept, r.Category, r.Year, r.Share, r.Count, r.N))
		}
	}
	return errors.Join(errs...)
}
