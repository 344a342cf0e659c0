package report_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// keepArtefact copies a test's artefact (a screenshot) into the directory
// named by CSIRT_SURVEY_ARTEFACTS, when set, for people to look at; the
// original stays in the test's own t.TempDir. Concurrent runs never share a
// fixed path.
func keepArtefact(t *testing.T, src, name string) {
	t.Helper()
	dir := os.Getenv("CSIRT_SURVEY_ARTEFACTS")
	if dir == "" {
		t.Logf("artefact: %s (set CSIRT_SURVEY_ARTEFACTS=DIR to keep a copy)", src)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("artefacts: %v", err)
		return
	}
	dst := filepath.Join(dir, name)
	if err := copyFile(src, dst); err != nil {
		t.Errorf("copy the artefact to %s: %v", dst, err)
	}
	t.Logf("artefact: %s (copy: %s)", src, dst)
}

const hostile = `<script>alert(1)</script>`
const hostileEscaped = `&lt;script&gt;alert(1)&lt;/script&gt;`

// hostileInputs are the 2015 inputs with a script tag in every kind of text
// the reports show: labels, titles, questions, notes, audit messages, claims,
// interviews, the survey title.
func hostileInputs(t testing.TB) report.Inputs {
	in := LoadInputs(t, repoRoot, 2015)
	q := in.Questionnaire
	q.Survey.TitleJA += hostile
	q.Survey.TitleEN += hostile
	q.Survey.Source = hostile
	for _, num := range []string{"1.1", "2.8", "2.11"} {
		it := q.Item(num)
		it.TextJA = hostile + it.TextJA
		it.TextEN = hostile + it.TextEN
	}
	for i := range in.Published.Entries {
		e := &in.Published.Entries[i]
		if e.TableKey == "1.1" || e.TableKey == "2.8" {
			e.LabelJA = hostile + e.LabelJA
			e.LabelEN = hostile + e.LabelEN
			e.TitleJA = hostile + e.TitleJA
			e.TitleEN = hostile + e.TitleEN
		}
	}
	in.Findings[0].MessageJA = hostile
	in.Findings[0].MessageEN = hostile
	in.Findings[0].Numbers = hostile
	in.Claims[0].Claim.TextJA = hostile
	in.Claims[0].Claim.TextEN = hostile
	in.Claims[0].Note = hostile
	in.Interviews[0].Organisation.JA = hostile
	in.Interviews[0].Organisation.EN = hostile
	in.Reconciliation[1].Note = hostile
	in.Reconciliation[1].Status = "lost"
	return in
}

// TestHostileLabelsEscaped: a label holding a script tag shows as text in the
// web page, in the notebooks' HTML outputs and Markdown, in the SVG charts.
func TestHostileLabelsEscaped(t *testing.T) {
	out, err := report.Render(hostileInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	page := string(out[report.HTMLFile])
	if strings.Contains(page, hostile) || strings.Contains(page, "<script") {
		t.Error("report.html contains the raw script tag")
	}
	if n := strings.Count(page, hostileEscaped); n < 10 {
		t.Errorf("report.html shows the hostile label escaped %d times, want it in every place", n)
	}
	for _, name := range []string{report.NotebookJA, report.NotebookEN} {
		nb := readNotebook(t, out[name])
		escaped := 0
		for _, c := range nb.Cells {
			src := strings.Join(c.Source, "")
			if c.CellType == "markdown" {
				if strings.Contains(src, "<script") {
					t.Errorf("%s: markdown cell %s holds the raw script tag", name, c.ID)
				}
				escaped += strings.Count(src, hostileEscaped)
			}
			for _, o := range c.Outputs {
				for _, mime := range []string{"text/html", "image/svg+xml"} {
					v := text(o.Data[mime])
					if strings.Contains(v, "<script") {
						t.Errorf("%s: cell %s: %s output holds the raw script tag", name, c.ID, mime)
					}
					escaped += strings.Count(v, hostileEscaped)
				}
			}
		}
		if escaped < 10 {
			t.Errorf("%s: the hostile label appears escaped only %d times", name, escaped)
		}
	}
}

// TestNotebooksWithJupyterTools validates every notebook (2015, a year
// without responses, hostile labels) with nbformat.validate and converts
// them with jupyter nbconvert --to html.
func TestNotebooksWithJupyterTools(t *testing.T) {
	t.Parallel()
	py := python(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := rendered2015(t)
	pubOnly := LoadInputs(t, repoRoot, 2015)
	pubOnly.Frequencies, pubOnly.Reconciliation, pubOnly.Validation, pubOnly.Maturity, pubOnly.Provenance = nil, nil, nil, nil, ""
	outPub, err := report.Render(pubOnly)
	if err != nil {
		t.Fatal(err)
	}
	outHostile, err := report.Render(hostileInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{
		write("report.ipynb", out[report.NotebookJA]),
		write("report.en.ipynb", out[report.NotebookEN]),
		write("published-only.ipynb", outPub[report.NotebookJA]),
		write("hostile.ipynb", outHostile[report.NotebookJA]),
	}
	validate := `import sys, nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5), (path, nb.nbformat, nb.nbformat_minor)
    assert all(c.get("id") for c in nb.cells), path
    print(path, "valid", len(nb.cells))
`
	got := string(run(t, dir, nil, py, append([]string{"-c", validate}, files...)...))
	if strings.Count(got, " valid ") != len(files) {
		t.Fatalf("nbformat.validate:\n%s", got)
	}
	// Every notebook converts; the one without responses is only validated
	// (it has the same cells, fewer outputs), to keep the test short.
	converted := []string{files[0], files[1], files[3]}
	run(t, dir, nil, py, append([]string{"-m", "nbconvert", "--to", "html", "--output-dir", dir}, converted...)...)
	for _, f := range converted {
		html, err := os.ReadFile(strings.TrimSuffix(f, ".ipynb") + ".html")
		if err != nil {
			t.Fatalf("nbconvert wrote no HTML for %s: %v", filepath.Base(f), err)
		}
		s := string(html)
		if strings.HasPrefix(filepath.Base(f), "report") {
			nbData, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if checkChartsKeepBars(t, filepath.Base(f), nbData, s) == 0 {
				t.Errorf("%s: the notebook has no chart output", filepath.Base(f))
			}
		}
		for _, want := range []string{"2.14.3", `class="dataframe"`, `<td class="num">31</td>`} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: the HTML lacks %q (the tables)", filepath.Base(f), want)
			}
		}
		if strings.Contains(s, hostile) || strings.Contains(s, "<script>alert") {
			t.Errorf("%s: the HTML holds the raw script tag", filepath.Base(f))
		}
		if strings.HasPrefix(filepath.Base(f), "hostile") && !strings.Contains(s, hostileEscaped) {
			t.Errorf("%s: the hostile label is not shown escaped", filepath.Base(f))
		}
	}
}

// TestHTMLInChromium loads report.html in headless Chromium: no console
// message (no script error, no blocked resource, no CSP violation), no script
// element in the DOM even with hostile labels, and a screenshot kept as a
// test artefact (in the test's directory; see keepArtefact).
func TestHTMLInChromium(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	// The detection of console messages works: a page that logs is caught.
	probe := filepath.Join(dir, "probe.html")
	os.WriteFile(probe, []byte(`<!DOCTYPE html><html><body><script>console.error("probe-error")</script></body></html>`), 0o644)
	if _, console := chromium(t, "file://"+probe, "--dump-dom"); len(console) == 0 || !strings.Contains(strings.Join(console, "\n"), "probe-error") {
		t.Fatalf("chromium's console log is not captured (got %q); the check below would pass blindly", console)
	}

	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, rendered2015(t)[report.HTMLFile], 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console := chromium(t, "file://"+page, "--dump-dom")
	if len(console) > 0 {
		t.Errorf("report.html: console messages:\n%s", strings.Join(console, "\n"))
	}
	for _, want := range []string{`id="ja-t-2-14-3"`, `id="en-t-S1"`, "<svg", "RECONSTRUCTED"} {
		if !bytes.Contains(dom, []byte(want)) {
			t.Errorf("report.html: the DOM lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "screenshot.png")
	_, console = chromium(t, "file://"+page, "--hide-scrollbars", "--screenshot="+shot, "--window-size=1280,4000")
	if len(console) > 0 {
		t.Errorf("report.html (screenshot): console messages:\n%s", strings.Join(console, "\n"))
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 50_000 {
		t.Fatalf("no usable screenshot at %s (%d bytes, %v)", shot, len(png), err)
	}
	keepArtefact(t, shot, "csirt-report-screenshot.png")

	out, err := report.Render(hostileInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "hostile.html")
	if err := os.WriteFile(bad, out[report.HTMLFile], 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console = chromium(t, "file://"+bad, "--dump-dom")
	if len(console) > 0 {
		t.Errorf("hostile report.html: console messages:\n%s", strings.Join(console, "\n"))
	}
	if bytes.Contains(dom, []byte("<script")) {
		t.Error("hostile report.html: the DOM has a script element")
	}
	if !bytes.Contains(dom, []byte(hostileEscaped)) {
		t.Error("hostile report.html: the label does not show as text")
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// svgImg matches the charts in nbconvert's HTML: an <img> whose source is an
// SVG in a base64 data URI.
var svgImg = regexp.MustCompile(`<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"`)

// marks counts the elements that draw a chart's marks (bars, segments).
func marks(svg string) int { return strings.Count(svg, "<rect") + strings.Count(svg, "<path") }

// checkChartsKeepBars checks that the HTML nbconvert wrote for a notebook
// shows every chart of the notebook with all its drawing: each chart output's
// SVG appears, in order, as an <img> data URI holding the same SVG, so no
// <rect> or <path> was lost on the way. It returns the number of charts (a
// year whose notebook has no table has none).
func checkChartsKeepBars(t *testing.T, name string, notebook []byte, html string) int {
	t.Helper()
	var want []string
	for _, c := range readNotebook(t, notebook).Cells {
		for _, o := range c.Outputs {
			if svg := text(o.Data["image/svg+xml"]); svg != "" {
				want = append(want, svg)
			}
		}
	}
	found := svgImg.FindAllStringSubmatch(html, -1)
	if len(found) != len(want) {
		t.Errorf("%s: nbconvert's HTML shows %d charts as images, the notebook has %d charts", name, len(found), len(want))
	}
	bars := 0
	for i := range min(len(found), len(want)) {
		got, err := base64.StdEncoding.DecodeString(found[i][1])
		if err != nil {
			t.Errorf("%s: chart %d: the data URI is not base64: %v", name, i+1, err)
			continue
		}
		if n, m := marks(string(got)), marks(want[i]); string(got) != want[i] || n < 2 {
			t.Errorf("%s: chart %d: nbconvert shows %d rect/path elements, the notebook's SVG has %d (%.60q)", name, i+1, n, m, want[i])
		}
		bars += marks(string(got))
	}
	t.Logf("%s: %d charts, %d rect/path elements shown", name, len(found), bars)
	return len(want)
}

// TestCommittedNotebooksChartsInNbconvert converts every committed notebook
// (each year's two editions and the trends notebook) with Debian's
// jupyter nbconvert --to html and checks that every chart keeps its bars.
func TestCommittedNotebooksChartsInNbconvert(t *testing.T) {
	t.Parallel()
	py := python(t)
	files, err := filepath.Glob(filepath.Join(repoRoot, "reports", "*", "report*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(repoRoot, "reports", "trends.ipynb"))
	if len(files) < 3 {
		t.Fatalf("found only %d committed notebooks: %v", len(files), files)
	}
	dir := t.TempDir()
	charts := 0
	for i, f := range files {
		nbData, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// each year's notebooks share names: one output directory per file
		outDir := filepath.Join(dir, strconv.Itoa(i))
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		run(t, dir, nil, py, "-m", "nbconvert", "--to", "html", "--output-dir", outDir, abs)
		html, err := os.ReadFile(filepath.Join(outDir, strings.TrimSuffix(filepath.Base(f), ".ipynb")+".html"))
		if err != nil {
			t.Fatalf("nbconvert wrote no HTML for %s: %v", f, err)
		}
		name := strings.TrimPrefix(f, repoRoot+"/")
		t.Run(name, func(t *testing.T) { charts += checkChartsKeepBars(t, name, nbData, string(html)) })
	}
	if charts == 0 {
		t.Error("no committed notebook has a chart: the check found nothing to check")
	}
	// the kinds of chart the check covers: bars with hatched (inferred) or
	// dashed (chosen) marks, stacked bars (the matrix and SIM3 overviews)
	hatched, dashed, stacked := 0, 0, 0
	for _, f := range files {
		for _, c := range readNotebook(t, readFile(t, f)).Cells {
			for _, o := range c.Outputs {
				svg := text(o.Data["image/svg+xml"])
				hatched += min(1, strings.Count(svg, "<path"))
				dashed += min(1, strings.Count(svg, "stroke-dasharray"))
				stacked += min(1, strings.Count(svg, `text-anchor="middle"`))
			}
		}
	}
	t.Logf("checked: %d charts with hatched marks, %d with dashed marks, %d stacked", hatched, dashed, stacked)
	if hatched == 0 || dashed == 0 || stacked == 0 {
		t.Errorf("the committed notebooks' charts include %d hatched, %d dashed and %d stacked: the check misses a kind of chart", hatched, dashed, stacked)
	}
}
