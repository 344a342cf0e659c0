package report

// Hooks for the external tests of the trends report.

// TrendChartCase is one trends chart with its inputs, for the comparison
// with the notebook's Python helpers.
type TrendChartCase struct {
	Title  string  `json:"title"`
	Years  []int   `json:"years"`
	Groups [][]any `json:"groups"` // label, [[count, n, derived] or null per year]
	SVG    string  `json:"svg"`
	Text   string  `json:"text"`
}

// TrendValue is a chart value for tests (nil: absent).
type TrendValue = trendValue

// TrendGroup is a chart group for tests.
type TrendGroup = trendGroup

// TrendChart draws one trends chart.
func TrendChart(title string, years []int, groups []TrendGroup) TrendChartCase {
	c := TrendChartCase{Title: title, Years: years, SVG: groupedSVG(title, years, groups), Text: groupedText(title, years, groups)}
	for _, g := range groups {
		vals := make([]any, len(g.Values))
		for i, v := range g.Values {
			if v != nil {
				vals[i] = []any{v.Count, v.N, v.Derived}
			}
		}
		c.Groups = append(c.Groups, []any{g.Label, vals})
	}
	return c
}

// TrendChartCases returns every chart of the trends report, in both languages.
func TrendChartCases(in TrendsInputs) ([]TrendChartCase, error) {
	m, err := newTrendsModel(in)
	if err != nil {
		return nil, err
	}
	var out []TrendChartCase
	for _, l := range []lang{ja, en} {
		for _, c := range m.compared {
			out = append(out, TrendChart(c.title(l), m.years, c.groups(m.years, l)))
		}
	}
	return out, nil
}

// PythonTrendChartHelpers is the source of the trends notebook's chart cell.
const PythonTrendChartHelpers = pySVG + "\n\n\n" + pyTrendSVG

// ShareText is the value a trends table and chart show.
var ShareText = shareText

// ConceptID is the cell id of a concept.
var ConceptID = conceptID
