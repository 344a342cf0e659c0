package report_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

var update = flag.Bool("update", false, "rewrite the golden charts under testdata/charts/golden")

// chartCase is a fixture of testdata/charts/cases.json: a chart's data as the
// build hands it to charts.py.
type chartCase struct {
	Name  string         `json:"name"`
	Chart string         `json:"chart"`
	Args  map[string]any `json:"args"`
}

func loadChartCases(t *testing.T) []chartCase {
	t.Helper()
	var cases []chartCase
	if err := json.Unmarshal(readFile(t, filepath.Join("testdata", "charts", "cases.json")), &cases); err != nil {
		t.Fatalf("testdata/charts/cases.json: %v", err)
	}
	return cases
}

// TestChartsGolden draws the fixtures of testdata/charts/cases.json (every
// kind of chart, every mark, hostile and long labels, lost N, a contradicted
// N, a matrix with a category only some rows have) with charts.py, as the
// build runs it, and compares with the golden SVG and text (-update rewrites
// them; review the PNGs of the diff before committing).
func TestChartsGolden(t *testing.T) {
	needTool(t, debianPython, "Debian's Python")
	cases := loadChartCases(t)
	specs := make([]report.ChartSpec, len(cases))
	for i, c := range cases {
		specs[i] = report.ChartSpec{Chart: c.Chart, Args: c.Args}
	}
	got, err := report.DrawCharts(specs)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "charts", "golden")
	for i, c := range cases {
		for ext, s := range map[string]string{".svg": got[i].SVG, ".txt": got[i].Text, ".html": got[i].HTML} {
			path := filepath.Join(dir, c.Name+ext)
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./pipeline/report -run TestChartsGolden -update writes it)", err)
			}
			if s != string(want) {
				t.Errorf("%s: charts.py draws\n%s\nthe golden file has\n%s", path, firstDiff(s, string(want)), firstDiff(string(want), s))
			}
		}
		checkStandAlone(t, c.Name, report.ChartSpec{Chart: c.Chart, Args: c.Args}, got[i])
	}
	again, err := report.DrawCharts(specs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if again[i] != got[i] {
			t.Errorf("%s: two runs draw different bytes", cases[i].Name)
		}
	}
}

// TestReportChartsStandAlone checks every chart of the 2015 reports (both
// languages; the published-only year's kinds of chart are among the
// fixtures of TestChartsGolden) for what a chart must say inside itself.
func TestReportChartsStandAlone(t *testing.T) {
	needTool(t, debianPython, "Debian's Python")
	specs, charts, err := report.ChartSpecs(LoadInputs(t, repoRoot, 2015))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) == 0 || len(specs) != len(charts) {
		t.Fatalf("%d chart specs, %d charts drawn", len(specs), len(charts))
	}
	for key, s := range specs {
		checkStandAlone(t, key, s, charts[key])
	}
	t.Logf("%d charts checked", len(specs))
}

// svgText is what an SVG shows: the text of its <text> elements (not the
// <title> tooltips), with the font size and position of each.
type svgText struct {
	X, Y   float64
	Size   float64
	Anchor string
	Text   string
}

func parseSVG(t *testing.T, name, svg string) (width, height float64, texts []svgText, rects, paths int) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var cur *svgText
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: the SVG is not well-formed XML: %v", name, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			num := func(k string) float64 { v, _ := strconv.ParseFloat(attr[k], 64); return v }
			switch el.Name.Local {
			case "svg":
				width, height = num("width"), num("height")
				if attr["viewBox"] != fmt.Sprintf("0 0 %s %s", attr["width"], attr["height"]) {
					t.Errorf("%s: viewBox %q does not match the size %sx%s: the chart would not scale", name, attr["viewBox"], attr["width"], attr["height"])
				}
			case "text":
				cur = &svgText{X: num("x"), Y: num("y"), Size: num("font-size"), Anchor: attr["text-anchor"]}
				if cur.Size == 0 {
					cur.Size = 12
				}
			case "rect":
				rects++
			case "path":
				paths++
			}
		case xml.CharData:
			if cur != nil {
				cur.Text += string(el)
			}
		case xml.EndElement:
			if el.Name.Local == "text" && cur != nil {
				texts = append(texts, *cur)
				cur = nil
			}
		}
	}
	return width, height, texts, rects, paths
}

// advance estimates a text's width as charts.py does: a wide character one
// em, any other 0.6 em.
func advance(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r >= 0xFF00 && r <= 0xFF60 || r >= 0x3000 && r <= 0x303F || r >= 0x1F300 && r <= 0x1FAFF || r >= 0x20000 {
			w += size
		} else {
			w += 0.6 * size
		}
	}
	return w
}

var spaces = regexp.MustCompile(`[\s\x{00a0}]+`)

// checkStandAlone checks what a chart says inside itself: it scales (a
// viewBox 360 wide), every text is legible at phone width (at least 11
// units, about 9.5 px at 375 px) and inside the chart, labels are whole
// (wrapped, never cut with …), a bar chart states N, who forms N and
// single/multiple answers, every mark its data carries is drawn and
// explained, and the source of the counts is said.
func checkStandAlone(t *testing.T, name string, spec report.ChartSpec, d report.Drawn) {
	t.Helper()
	width, _, texts, rects, paths := parseSVG(t, name, d.SVG)
	if width != 360 {
		t.Errorf("%s: width %v, want 360", name, width)
	}
	var shown strings.Builder
	for _, x := range texts {
		if x.Size < 11 {
			t.Errorf("%s: text %q at font size %v: illegible at 375 px", name, x.Text, x.Size)
		}
		if x.Anchor == "" && x.X+advance(x.Text, x.Size) > width+2 {
			t.Errorf("%s: text %q (x %v, about %.0f wide) runs out of the chart", name, x.Text, x.X, advance(x.Text, x.Size))
		}
		shown.WriteString(x.Text)
	}
	all := spaces.ReplaceAllString(shown.String(), "")
	if strings.Contains(d.SVG, "…") || strings.Contains(d.Text, "…") {
		t.Errorf("%s: a label is cut with …", name)
	}
	has := func(what, s string) {
		t.Helper()
		if !strings.Contains(all, spaces.ReplaceAllString(s, "")) {
			t.Errorf("%s: the chart does not show %s %q", name, what, s)
		}
	}
	a := spec.Args
	str := func(k string) string { s, _ := a[k].(string); return s }
	if title := str("title"); title != "" {
		has("its title", title)
	}
	lang := str("lang")
	mark := map[string]string{"inferred": "†", "chosen": "*", "lost": "‡", "contradicted": "!"}
	switch spec.Chart {
	case "bar":
		bars, _ := a["bars"].([]any)
		if bars == nil {
			if bb, ok := a["bars"].([][4]any); ok {
				for _, b := range bb {
					bars = append(bars, []any{b[0], b[1], b[2], b[3]})
				}
			}
		}
		n := a["n"]
		if n == nil || str("n_basis") == "contradicted" {
			n = a["n_printed"]
		}
		if n != nil {
			has("N", fmt.Sprintf("N=%v", n))
		} else {
			has("that N is unknown", map[string]string{"ja": "N不明", "en": "Nunknown"}[lang])
		}
		has("its base", str("base"))
		if partial, _ := a["partial"].(bool); partial {
			has("that the source quotes some rows", map[string]string{"ja": "出典が引用した行のみ", "en": "only the rows the source quotes"}[lang])
		}
		if multi, _ := a["multi"].(bool); multi {
			has("multiple answers", map[string]string{"ja": "複数回答", "en": "multiple answers"}[lang])
		} else {
			has("single answer", map[string]string{"ja": "単一回答", "en": "single answer"}[lang])
		}
		kinds := map[string]bool{}
		for _, b := range bars {
			row := b.([]any)
			label, _ := row[0].(string)
			basis, _ := row[3].(string)
			has("a bar's label", label)
			if row[1] != nil && mark[basis] != "" {
				kinds[basis] = true
			}
		}
		for k := range kinds {
			has("the legend of "+k, mark[k])
		}
		if kinds["chosen"] && !strings.Contains(d.SVG, `height="14" fill="#ffffff" stroke="#2f6db5" stroke-width="1.5" stroke-dasharray="3 2"`) {
			t.Errorf("%s: a chosen count is not drawn as a dashed bar", name)
		}
		if kinds["inferred"] && paths == 0 {
			t.Errorf("%s: an inferred count is not hatched", name)
		}
		if len(bars) > 0 && rects < len(bars)+1 {
			t.Errorf("%s: %d rect elements for %d bars", name, rects, len(bars))
		}
	case "matrix":
		if q := str("question"); q != "" {
			has("the question", q)
		}
	case "sim3":
		items, _ := json.Marshal(a["items"])
		var its [][]any
		_ = json.Unmarshal(items, &its)
		for _, it := range its {
			has("an item's question", it[2].(string))
		}
		if len(its) > 0 && rects < len(its) {
			t.Errorf("%s: %d rect elements for %d items", name, rects, len(its))
		}
	}
	if src := str("source"); src != "" {
		words := map[string]map[string]string{
			"ja": {"reconstructed": "再構成", "synthetic": "合成", "collected": "回答者データ", "published": "公表値"},
			"en": {"reconstructed": "reconstructed", "synthetic": "synthetic", "collected": "respondent rows", "published": "as published"},
		}
		has("where the counts come from", words[lang][src])
	}
}

// TestDrawChartsErrors: a chart charts.py does not know fails the build with
// Python's message, and so does a missing interpreter, with what to install.
func TestDrawChartsErrors(t *testing.T) {
	needTool(t, debianPython, "Debian's Python")
	_, err := report.DrawCharts([]report.ChartSpec{{Chart: "pie", Args: map[string]any{}}})
	if err == nil || !strings.Contains(err.Error(), "unknown chart 'pie'") {
		t.Errorf("an unknown chart: err = %v, want Python's ValueError", err)
	}
	restore := report.SetPythonCommand("csirtsurvey-no-such-python")
	defer restore()
	_, err = report.DrawCharts([]report.ChartSpec{{Chart: "bar", Args: map[string]any{}}})
	if !errors.Is(err, report.ErrNoPython) {
		t.Errorf("no interpreter: err = %v, want ErrNoPython", err)
	}
}
