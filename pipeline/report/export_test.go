package report

// Hooks for the external tests of this package.

// ChartsSource is charts.py, the one chart implementation.
var ChartsSource = chartsPy

// ChartSpec is one chart's data, as the build hands it to charts.py.
type ChartSpec = chartSpec

// Drawn is a drawn chart: SVG, plain text, the notebooks' text/html.
type Drawn = drawn

// DrawCharts draws specs with charts.py.
var DrawCharts = drawCharts

// SetPythonCommand makes the charts drawn by name; the returned function
// restores the interpreter.
func SetPythonCommand(name string) (restore func()) {
	old := pythonCommand
	pythonCommand = name
	return func() { pythonCommand = old }
}

// ChartSpecs returns the data of every chart of a year's reports (both
// languages) and the charts the reports show, by key "<lang>/<id>".
func ChartSpecs(in Inputs) (map[string]ChartSpec, map[string]Drawn, error) {
	m, err := newModel(in)
	if err != nil {
		return nil, nil, err
	}
	if err := m.draw(); err != nil {
		return nil, nil, err
	}
	specs := map[string]ChartSpec{}
	groups := m.matrixGroups()
	for _, l := range []lang{ja, en} {
		for _, t := range m.tables {
			if g, ok := groups[t.ID]; ok {
				if g.tables[0] == t {
					specs[chartKey(l, matrixChartID+t.ID)] = g.spec(m, l)
				}
				continue
			}
			specs[chartKey(l, t.ID)] = t.barSpec(l, m.chartSource())
		}
		if m.maturity != nil && len(m.maturity.items) > 0 {
			specs[chartKey(l, sim3ChartID)] = m.maturity.sim3Spec(l, m.chartSource())
		}
	}
	return specs, m.charts, nil
}

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
