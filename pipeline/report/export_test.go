package report

// Hooks for the external tests of this package.

// ChartCase is one chart the reports draw, with its inputs, for the
// comparison with the notebooks' Python helpers.
type ChartCase struct {
	Kind   string   `json:"kind"` // "bar" or "stacked"
	Title  string   `json:"title"`
	Legend []string `json:"legend,omitempty"`
	Bars   [][4]any `json:"bars,omitempty"`   // label, count or null, % or null, chosen
	Mark   string   `json:"mark,omitempty"`   // the legend of chosen bars
	Stacks [][2]any `json:"stacks,omitempty"` // label, counts
	SVG    string   `json:"svg"`
	Text   string   `json:"text"`
	HTML   string   `json:"html"` // the notebooks' text/html output of the chart
}

// ChartCases returns every chart of both notebooks.
func ChartCases(in Inputs) ([]ChartCase, error) {
	m, err := newModel(in)
	if err != nil {
		return nil, err
	}
	var out []ChartCase
	for _, l := range []lang{ja, en} {
		for _, t := range m.tables {
			out = append(out, BarCase(t.chartTitle(l), t.bars(l), ui["chosenMark"].in(l)))
		}
		if m.maturity != nil {
			title, legend, st := ui["maturityChart"].in(l), levelLegend(l), m.maturity.stacks()
			c := ChartCase{Kind: "stacked", Title: title, Legend: legend, SVG: stackedSVG(title, legend, st), Text: stackedText(title, legend, st)}
			c.HTML = chartHTML(c.SVG, c.Text)
			for _, s := range st {
				c.Stacks = append(c.Stacks, [2]any{s.Label, s.Counts})
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// Bar is a chart row for tests.
type Bar = bar

// BarCase draws one bar chart; mark is the legend of chosen bars.
func BarCase(title string, bars []Bar, mark string) ChartCase {
	c := ChartCase{Kind: "bar", Title: title, Mark: mark, SVG: barSVG(title, bars, mark), Text: barText(title, bars, mark)}
	c.HTML = chartHTML(c.SVG, c.Text)
	for _, b := range bars {
		var v, p any
		if b.Value != nil {
			v = *b.Value
		}
		if b.Pct != nil {
			p = *b.Pct
		}
		c.Bars = append(c.Bars, [4]any{b.Label, v, p, b.Chosen})
	}
	return c
}

// PythonChartHelpers is the source of the notebooks' chart cell.
const PythonChartHelpers = pySVG

// EquivalentSQL is the DuckDB query the notebooks show.
var EquivalentSQL = equivalentSQL

// TableID is the cell id of a table key.
var TableID = tableID

// Pct is the % the reports show.
var Pct = pct

// RoundHalfUp is the reports' rounding.
var RoundHalfUp = roundHalfUp

// PythonSetup is the source of the notebooks' setup cell (load, half_up, rnd).
const PythonSetup = pySetup

// PythonTables is the source of the notebooks' table() cell.
var PythonTables = pyTables
