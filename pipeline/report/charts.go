package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// The charts have one implementation, charts.py (standard library Python):
// the build runs it once per year over every chart's data (chartSpec) to
// draw the HTML page's charts and the notebooks' pre-rendered outputs, and
// the notebooks carry the same file as their chart cell, where the code cells
// hand it the same data read from the Parquet datasets. Go only gathers the
// data of each chart.

// chartsPy is the chart implementation.
//
//go:embed charts.py
var chartsPy string

// chartsMain is what the build appends to charts.py to run it over a JSON
// list of charts on stdin.
const chartsMain = "\n\nimport sys\nrender_batch(sys.stdin, sys.stdout)\n"

// pythonCommand is the interpreter that draws the charts.
var pythonCommand = "python3"

// chartSpec is one chart to draw: the charts.py function (bar, matrix,
// sim3) and its keyword arguments.
type chartSpec struct {
	Chart string         `json:"chart"`
	Args  map[string]any `json:"args"`
}

// drawn is a drawn chart: the SVG, its plain-text summary and the
// notebooks' text/html form (an <img> of the SVG, see chartHTML).
type drawn struct {
	SVG, Text, HTML string
}

// ErrNoPython is returned (wrapped) when python3, which draws the charts,
// cannot be run.
var ErrNoPython = errors.New("python3 is needed to draw the charts (pipeline/report/charts.py, Python 3.8 or later, standard library only)")

// drawCharts draws specs with charts.py: one python3 run per core (at most
// two, each drawing a contiguous share of the charts), side by side. Every
// chart is drawn on its own, so the result does not depend on the split.
func drawCharts(specs []chartSpec) ([]drawn, error) {
	parts := min(runtime.GOMAXPROCS(0), 2, len(specs))
	if parts <= 1 {
		return drawBatch(specs)
	}
	res := make([][]drawn, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(specs)/parts, (i+1)*len(specs)/parts
		wg.Go(func() { res[i], errs[i] = drawBatch(specs[lo:hi]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.Concat(res...), nil
}

// drawBatch draws specs with charts.py in one python3 run.
func drawBatch(specs []chartSpec) ([]drawn, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	input, err := json.Marshal(specs)
	if err != nil {
		return nil, fmt.Errorf("report: charts: %w", err)
	}
	path, err := exec.LookPath(pythonCommand)
	if err != nil {
		return nil, fmt.Errorf("report: charts: %w: %w", ErrNoPython, err)
	}
	// -I: isolated (no PYTHON* variables, no user site-packages), -S: no site
	// module; charts.py needs only the standard library.
	cmd := exec.Command(path, "-I", "-S", "-c", chartsPy+chartsMain)
	cmd.Stdin = bytes.NewReader(input)
	cmd.Env = []string{"PYTHONIOENCODING=utf-8", "LC_ALL=C.UTF-8"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("report: charts: %s running charts.py: %w\n%s", path, err, strings.TrimSpace(errOut.String()))
	}
	var got [][3]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		return nil, fmt.Errorf("report: charts: reading what charts.py drew: %w", err)
	}
	if len(got) != len(specs) {
		return nil, fmt.Errorf("report: charts: charts.py drew %d charts, want %d", len(got), len(specs))
	}
	res := make([]drawn, len(got))
	for i, g := range got {
		res[i] = drawn{SVG: g[0], Text: g[1], HTML: g[2]}
	}
	return res, nil
}

// chartKey names a chart of the model in one language.
func chartKey(l lang, id string) string { return l.code() + "/" + id }

// Chart ids other than a table's id.
const (
	sim3ChartID   = "sim3"
	matrixChartID = "matrix:" // + the id of the group's first table
)

// chartSource says where the charts' counts come from (charts.py's src_*).
func (m *model) chartSource() string {
	switch {
	case !m.computed:
		return "published"
	case m.in.Provenance == "":
		return string(survey.Collected)
	}
	return string(m.in.Provenance)
}

// draw draws every chart of both editions; charts[chartKey] holds them.
func (m *model) draw() error {
	var specs []chartSpec
	var keys []string
	add := func(l lang, id string, s chartSpec) {
		specs = append(specs, s)
		keys = append(keys, chartKey(l, id))
	}
	groups := m.matrixGroups()
	for _, l := range []lang{ja, en} {
		for _, t := range m.tables {
			if g, ok := groups[t.ID]; ok {
				if g.tables[0] == t {
					add(l, matrixChartID+t.ID, g.spec(m, l))
				}
				continue
			}
			add(l, t.ID, t.barSpec(l, m.chartSource()))
		}
		if mt := m.maturity; mt != nil && len(mt.items) > 0 {
			add(l, sim3ChartID, mt.sim3Spec(l, m.chartSource()))
		}
	}
	var err error
	m.charts, err = drawKeyed(specs, keys)
	return err
}

// tableChart is the chart shown with table t: its bar chart, the matrix
// chart of its group when t is the group's first table, or none.
func (m *model) tableChart(t *ptable, l lang) (drawn, bool) {
	if d, ok := m.charts[chartKey(l, t.ID)]; ok {
		return d, true
	}
	d, ok := m.charts[chartKey(l, matrixChartID+t.ID)]
	return d, ok
}

// barSpec is the bar chart of a table.
func (t *ptable) barSpec(l lang, source string) chartSpec {
	bars := make([][4]any, len(t.Rows))
	for i, r := range t.Rows {
		basis := r.Basis
		if basis == reconcile.BasisChosen && source != string(survey.Reconstructed) {
			basis = reconcile.BasisLost // only a reconstruction chooses counts
		}
		var v, p any
		val, pc := r.Count, r.Pct
		if !t.Computed {
			val = r.Published
		}
		if r.Basis == reconcile.BasisContradicted && t.N != nil {
			// the chart shows the printed value and says so
			val, pc = r.Published, nil
			if r.Published != nil {
				pc = pctPtr(*r.Published, *t.N)
			}
		}
		if val != nil {
			v = *val
		}
		if pc != nil {
			p = *pc
		}
		bars[i] = [4]any{r.Label.in(l), v, p, basis}
	}
	return chartSpec{Chart: "bar", Args: map[string]any{
		"lang": l.code(), "title": t.chartTitle(l), "bars": bars,
		"n": optAny(t.N), "n_printed": optAny(t.PubN), "n_basis": t.NBasis,
		"base": baseShortText(t.Base, l), "multi": t.Multi, "page": pageAny(t.Page), "source": source, "partial": t.Partial,
	}}
}

func optAny(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

func pageAny(p int) any {
	if p <= 0 {
		return nil
	}
	return p
}

// sim3Spec is the sorted SIM3 overview.
func (mt *maturity) sim3Spec(l lang, source string) chartSpec {
	items := make([][5]any, len(mt.items))
	for i, it := range mt.items {
		items[i] = [5]any{it.Item, it.SIM3, it.Question.in(l), it.Counts[:], it.Coarse}
	}
	return chartSpec{Chart: "sim3", Args: map[string]any{"lang": l.code(), "items": items, "legend": levelLegend(l), "source": source}}
}

// matrixGroup is a run of tables that count the same cell of successive rows
// of a matrix item with categories in common (2.9's sourcing per service):
// they are drawn as one chart.
type matrixGroup struct {
	item    string
	tables  []*ptable
	total   *ptable // a table of the same item over all respondents (its N is everyone)
	outside text    // what a respondent outside a row's N answered (the cell's routing options not taken)
}

// matrixGroups returns the groups of two tables or more, by table id.
func (m *model) matrixGroups() map[string]*matrixGroup {
	out := map[string]*matrixGroup{}
	var cur *matrixGroup
	seen := map[string]bool{} // the codes of cur's tables
	flush := func() {
		if cur != nil && len(cur.tables) > 1 {
			for _, t := range cur.tables {
				out[t.ID] = cur
			}
		}
		cur = nil
	}
	shares := func(t *ptable) bool {
		for _, r := range t.Rows {
			if seen[r.Code] {
				return true
			}
		}
		return false
	}
	for _, t := range m.tables {
		if t.matrixRow == "" {
			flush()
			continue
		}
		if cur == nil || cur.item != t.Item || cur.tables[0].cell != t.cell || !shares(t) {
			flush()
			cur, seen = &matrixGroup{item: t.Item, outside: t.outside}, map[string]bool{}
			for _, o := range m.tables {
				if o.Item == t.Item && o.Base == published.BaseAll {
					cur.total = o
					break
				}
			}
		}
		cur.tables = append(cur.tables, t)
		for _, r := range t.Rows {
			seen[r.Code] = true
		}
	}
	flush()
	return out
}

// categories are the codes of a group's tables in order of first appearance,
// the missing code (未回答) last, with the label each first has.
func (g *matrixGroup) categories() (codes []string, labels []text, missing bool) {
	var miss *prow
	at := map[string]bool{}
	for _, t := range g.tables {
		for i, r := range t.Rows {
			if at[r.Code] {
				continue
			}
			at[r.Code] = true
			if r.CodeKind == published.KindMissing {
				if miss == nil {
					miss = &t.Rows[i]
				}
				continue
			}
			codes, labels = append(codes, r.Code), append(labels, r.Label)
		}
	}
	if miss != nil {
		codes, labels = append(codes, miss.Code), append(labels, miss.Label)
	}
	return codes, labels, miss != nil
}

// spec is the matrix chart of a group.
func (g *matrixGroup) spec(m *model, l lang) chartSpec {
	first := g.tables[0]
	codes, labels, missing := g.categories()
	names := make([]string, len(labels))
	for i, t := range labels {
		names[i] = t.in(l)
	}
	rows := make([][6]any, len(g.tables))
	for i, t := range g.tables {
		counts := make([]any, len(codes))
		bases := make([]string, len(codes))
		for _, r := range t.Rows {
			j := slices.Index(codes, r.Code)
			v := r.Count
			if !t.Computed {
				v = r.Published
			}
			counts[j], bases[j] = optAny(v), r.Basis
		}
		n := t.N
		if !t.Computed {
			n = t.PubN
		}
		rows[i] = [6]any{t.matrixRow, t.rowLabel.in(l), counts, bases, optAny(n), t.NBasis}
	}
	args := map[string]any{
		"lang": l.code(), "item": g.item, "question": first.Question.in(l), "first": first.Key, "last": g.tables[len(g.tables)-1].Key,
		"legend": map[string]any{"names": names, "missing_last": missing, "derived": g.outside.in(l)},
		"rows":   rows, "page": pageAny(first.Page), "source": m.chartSource(), "total": nil, "total_basis": "printed",
	}
	if tt := g.total; tt != nil && g.outside.JA != "" {
		n := tt.N
		if !tt.Computed {
			n = tt.PubN
		}
		args["total"], args["total_basis"] = optAny(n), tt.NBasis
	}
	return chartSpec{Chart: "matrix", Args: args}
}

// matrixCell returns, for a table of one cell of one matrix row, the row's
// code and label, the cell, and the labels of the routing options that leave
// a respondent outside the cell (2.9: sourcing is asked of providers, so
// "not provided"); empty for any other table.
func matrixCell(spec *published.Spec) (row, cell string, label, outside text) {
	it := spec.ItemRef()
	if it == nil || spec.Row == "" {
		return "", "", text{}, text{}
	}
	for _, r := range it.Rows {
		if r.Code == spec.Row {
			label = text{r.LabelJA, r.LabelEN}
		}
	}
	c := spec.CellRef()
	if c == nil || c.Relevance == nil || c.Relevance.Cell == "" {
		return spec.Row, spec.Cell, label, text{}
	}
	var ja, en []string
	for _, rc := range it.Cells {
		if rc.ID != c.Relevance.Cell {
			continue
		}
		for _, o := range rc.Choices() {
			if !slices.Contains(c.Relevance.AnyOf, o.Code) {
				ja, en = append(ja, o.LabelJA), append(en, o.LabelEN)
			}
		}
	}
	return spec.Row, spec.Cell, label, text{strings.Join(ja, " / "), strings.Join(en, " / ")}
}

// drawKeyed draws specs and returns the charts by keys[i] of specs[i].
func drawKeyed(specs []chartSpec, keys []string) (map[string]drawn, error) {
	res, err := drawCharts(specs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]drawn, len(res))
	for i, d := range res {
		out[keys[i]] = d
	}
	return out, nil
}
