package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

var (
	once2015 sync.Once
	out2015  map[string][]byte
	err2015  error
)

// rendered2015 renders the 2015 reports once for the tests that only read them.
func rendered2015(t *testing.T) map[string][]byte {
	t.Helper()
	once2015.Do(func() { out2015, err2015 = report.Render(LoadInputs(t, repoRoot, 2015)) })
	if err2015 != nil {
		t.Fatal(err2015)
	}
	return out2015
}

// designKeys expands the table keys of DESIGN.md section 3.
func designKeys() []string {
	const list = "1.1 ... 1.6, 2.1 ... 2.6, 2.4.1, 2.7/own, 2.7/other, 2.7/else, 2.8, 2.9/reactive, 2.9/proactive, " +
		"2.9/quality, 2.9.a ... 2.9.v, 2.9.w, 2.10 ... 2.14, 2.14.1, 2.14.2, 2.14.3, 3.1, 3.2, 3.2.1, 3.3, 3.3.1, " +
		"3.4 ... 3.8, 4.1 ... 4.11, 5.1, 5.2, 6.1 ... 6.3, 7.1, 7.1.1, S1"
	var keys []string
	for _, part := range strings.Split(list, ", ") {
		from, to, isRange := strings.Cut(part, " ... ")
		if !isRange {
			keys = append(keys, part)
			continue
		}
		i := strings.LastIndex(from, ".")
		prefix, a, b := from[:i+1], from[i+1:], to[i+1:]
		if n, err := strconv.Atoi(a); err == nil {
			m, _ := strconv.Atoi(b)
			for k := n; k <= m; k++ {
				keys = append(keys, prefix+strconv.Itoa(k))
			}
			continue
		}
		for c := a[0]; c <= b[0]; c++ {
			keys = append(keys, prefix+string(c))
		}
	}
	return keys
}

type nbOutput struct {
	OutputType string         `json:"output_type"`
	Data       map[string]any `json:"data"`
}

type nbCell struct {
	CellType string         `json:"cell_type"`
	ID       string         `json:"id"`
	Metadata map[string]any `json:"metadata"`
	Source   []string       `json:"source"`
	Outputs  []nbOutput     `json:"outputs"`
}

type notebookFile struct {
	Cells    []nbCell       `json:"cells"`
	Metadata map[string]any `json:"metadata"`
	Major    int            `json:"nbformat"`
	Minor    int            `json:"nbformat_minor"`
}

func readNotebook(t *testing.T, data []byte) notebookFile {
	t.Helper()
	var nb notebookFile
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("notebook is not JSON: %v", err)
	}
	return nb
}

// text joins a multi-line notebook string.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, s := range x {
			b.WriteString(s.(string))
		}
		return b.String()
	}
	return ""
}

func TestRenderFiles(t *testing.T) {
	out := rendered2015(t)
	for _, name := range []string{report.NotebookJA, report.NotebookEN, report.HTMLFile, report.XLSXFile} {
		if len(out[name]) == 0 {
			t.Errorf("%s is missing or empty", name)
		}
	}
	if len(out) != 4 {
		t.Errorf("Render returned %d files, want 4", len(out))
	}
}

// TestEveryTableKey: every table key of DESIGN.md is in both notebooks (a
// markdown cell and a code cell whose outputs are the table as text/html and
// text/plain and a chart as image/svg+xml and text/plain), in the web page
// (both editions) and in the workbook.
func TestEveryTableKey(t *testing.T) {
	out := rendered2015(t)
	keys := designKeys()
	if len(keys) != 80 {
		t.Fatalf("DESIGN.md lists %d keys, want 80", len(keys))
	}
	page := string(out[report.HTMLFile])
	book, err := excelize.OpenReader(bytes.NewReader(out[report.XLSXFile]))
	if err != nil {
		t.Fatal(err)
	}
	sheets := map[string]bool{}
	for _, s := range book.GetSheetList() {
		sheets[s] = true
	}
	for _, name := range []string{report.NotebookJA, report.NotebookEN} {
		nb := readNotebook(t, out[name])
		charted := map[string]bool{} // tables drawn in a matrix chart (a run of 2.9 tables) of an earlier cell
		cells := map[string]nbCell{}
		for _, c := range nb.Cells {
			cells[c.ID] = c
		}
		for _, key := range keys {
			id := report.TableID(key)
			code, ok := cells[id]
			if !ok || code.CellType != "code" {
				t.Errorf("%s: no code cell %s for table %s", name, id, key)
				continue
			}
			if !strings.Contains(strings.Join(code.Source, ""), strconv.Quote(key)) {
				t.Errorf("%s: cell %s does not build table %s", name, id, key)
			}
			if md, ok := cells[id+"-about"]; !ok || !strings.HasPrefix(md.Source[0], "### "+strings.ReplaceAll(key, "_", `\_`)) {
				t.Errorf("%s: no markdown heading for table %s", name, key)
			}
			src := strings.Join(code.Source, "")
			if len(code.Outputs) == 1 && charted[key] {
				continue // its chart is the matrix chart of its run
			}
			if len(code.Outputs) != 2 {
				t.Errorf("%s: table %s has %d outputs, want 2 (table, chart) or 1 and a matrix chart before", name, key, len(code.Outputs))
				continue
			}
			tbl, chart := code.Outputs[0].Data, code.Outputs[1].Data
			if strings.Contains(src, "display(matrix(") {
				for _, k := range keys {
					if strings.Contains(src, strconv.Quote(k)) {
						charted[k] = true
					}
				}
				if first, _, _ := strings.Cut(text(chart["text/plain"]), "\n"); !strings.HasSuffix(first, "("+key+"–"+lastQuoted(src)+")") {
					t.Errorf("%s: table %s: the matrix chart's title %q does not name its tables", name, key, first)
				}
				continue
			}
			if !strings.Contains(text(tbl["text/html"]), "<table") || text(tbl["text/plain"]) == "" {
				t.Errorf("%s: table %s: output 1 is not a table as text/html and text/plain: %v", name, key, tbl)
			}
			if !strings.HasPrefix(text(chart["image/svg+xml"]), "<svg") || !strings.HasPrefix(text(chart["text/plain"]), key+" ") {
				t.Errorf("%s: table %s: output 2 is not an SVG chart with text/plain", name, key)
			}
		}
	}
	for _, key := range keys {
		for _, ed := range []string{"ja-", "en-"} {
			if !strings.Contains(page, `id="`+ed+report.TableID(key)+`"`) {
				t.Errorf("report.html: no %s section for table %s", ed, key)
			}
		}
		sheet := strings.ReplaceAll(key, "/", "-")
		if !sheets[sheet] {
			t.Errorf("tables.xlsx: no sheet %s for table %s", sheet, key)
		}
	}
}

func TestNotebookStructure(t *testing.T) {
	out := rendered2015(t)
	idPattern := regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	for name, lang := range map[string]string{report.NotebookJA: "ja", report.NotebookEN: "en"} {
		nb := readNotebook(t, out[name])
		if nb.Major != 4 || nb.Minor != 5 {
			t.Errorf("%s: nbformat %d.%d, want 4.5", name, nb.Major, nb.Minor)
		}
		seen := map[string]bool{}
		var params []nbCell
		for _, c := range nb.Cells {
			if !idPattern.MatchString(c.ID) || seen[c.ID] {
				t.Errorf("%s: cell id %q is invalid or repeated", name, c.ID)
			}
			seen[c.ID] = true
			if tags, _ := c.Metadata["tags"].([]any); len(tags) > 0 && tags[0] == "parameters" {
				params = append(params, c)
			}
			for _, o := range c.Outputs {
				for mime := range o.Data {
					if mime != "text/plain" && o.Data["text/plain"] == nil {
						t.Errorf("%s: cell %s: %s output without text/plain", name, c.ID, mime)
					}
				}
			}
		}
		if len(params) != 1 || params[0].CellType != "code" {
			t.Fatalf("%s: %d cells tagged parameters, want one code cell", name, len(params))
		}
		src := strings.Join(params[0].Source, "")
		for _, want := range []string{"year = 2015", fmt.Sprintf("lang = %q", lang), `processed = "../../processed"`} {
			if !strings.Contains(src, want) {
				t.Errorf("%s: parameters cell lacks %q:\n%s", name, want, src)
			}
		}
		title := strings.Join(nb.Cells[0].Source, "")
		if !strings.Contains(title, "RECONSTRUCTED") {
			t.Errorf("%s: the first cell does not say that the rows are reconstructed:\n%s", name, title)
		}
		for _, id := range []string{"summary", "contents", "overview", "maturity", "maturity-levels", "maturity-respondents-about", "audit", "audit-data",
			"validation", "validation-data", "interviews", "interviews-teams", "interviews-topics", "claims", "claims-data", "equivalents"} {
			if !seen[id] {
				t.Errorf("%s: no cell %s", name, id)
			}
		}
		// 2015's rows are reconstructed: no per-respondent table (issue 13)
		if seen["maturity-respondents"] {
			t.Errorf("%s: a per-respondent maturity table in a reconstructed year", name)
		}
	}
	// Same code in both editions: only the parameters differ.
	ja, en := readNotebook(t, out[report.NotebookJA]), readNotebook(t, out[report.NotebookEN])
	for i := range ja.Cells {
		if ja.Cells[i].CellType == "code" && ja.Cells[i].ID != "parameters" &&
			strings.Join(ja.Cells[i].Source, "") != strings.Join(en.Cells[i].Source, "") {
			t.Errorf("cell %s: the code differs between the editions", ja.Cells[i].ID)
		}
	}
}

func TestHTMLSelfContained(t *testing.T) {
	page := string(rendered2015(t)[report.HTMLFile])
	for _, bad := range []string{"<script", "<link", "@import", "src=\"http", "href=\"http", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html contains %q: it must need nothing outside the file", bad)
		}
	}
	for _, want := range []string{"Noto Sans CJK JP", "Hiragino", "Yu Gothic", "sans-serif", "Content-Security-Policy", "RECONSTRUCTED", `lang="ja"`, `lang="en"`} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestDeterministic renders twice from inputs loaded twice: same bytes.
func TestDeterministic(t *testing.T) {
	a, err := report.Render(LoadInputs(t, repoRoot, 2015))
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.Render(LoadInputs(t, repoRoot, 2015))
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two renders", name)
		}
	}
}

// TestWorkbook: fixed dates in docProps/core.xml and the ZIP, an index,
// numbers stored as numbers.
func TestWorkbook(t *testing.T) {
	data := rendered2015(t)[report.XLSXFile]
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2016, 6, 29, 0, 0, 0, 0, time.UTC)
	for _, f := range zr.File {
		if !f.Modified.Equal(want) {
			t.Errorf("zip entry %s is stamped %v, want %v", f.Name, f.Modified, want)
		}
		if f.Name == "docProps/core.xml" {
			r, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(r)
			r.Close()
			core := b.String()
			for _, tag := range []string{"dcterms:created", "dcterms:modified"} {
				if !strings.Contains(core, `<`+tag+` xsi:type="dcterms:W3CDTF">2016-06-29T00:00:00Z</`+tag+`>`) {
					t.Errorf("core.xml: %s is not the report's date:\n%s", tag, core)
				}
			}
		}
	}
	book, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sheets := book.GetSheetList()
	if sheets[0] != "index" {
		t.Errorf("first sheet is %q, want index", sheets[0])
	}
	for _, s := range []string{"overview", "maturity", "maturity_respondents", "audit", "validation", "interviews", "claims"} {
		if idx, _ := book.GetSheetIndex(s); idx < 0 {
			t.Errorf("no sheet %s", s)
		}
	}
	// Table 2.14.3: find the header row, then check row 1 and the N row.
	rows, err := book.GetRows("2.14.3")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rows[0][0], "2.14.3 ") {
		t.Errorf("sheet 2.14.3 starts with %q, want the title", rows[0][0])
	}
	header := -1
	for i, r := range rows {
		if len(r) > 0 && r[0] == "#" {
			header = i
			break
		}
	}
	if header < 0 {
		t.Fatalf("sheet 2.14.3 has no header row: %q", rows)
	}
	cols := map[string]int{}
	for i, name := range rows[header] {
		cols[name] = i
	}
	cell := func(r int, name string) (string, excelize.CellType) {
		c, ok := cols[name]
		if !ok {
			t.Fatalf("sheet 2.14.3: no column %q in %q", name, rows[header])
		}
		ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
		v, _ := book.GetCellValue("2.14.3", ref, excelize.Options{RawCellValue: true})
		typ, _ := book.GetCellType("2.14.3", ref)
		return v, typ
	}
	for _, want := range []struct {
		row  int
		col  string
		text string
	}{
		{header + 1, "件数 / count", "10"}, {header + 1, "%", "0.217"}, {header + 1, "公表値 / published", "10"},
		{header + 5, "件数 / count", "46"}, {header + 5, "公表値 / published", "66"},
	} {
		v, typ := cell(want.row, want.col)
		if v != want.text || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("sheet 2.14.3 row %d %s = %q (type %v), want the number %s", want.row+1, want.col, v, typ, want.text)
		}
	}
	// the % is the fraction, shown by its number format as Excel users expect
	ref, _ := excelize.CoordinatesToCellName(cols["%"]+1, header+2)
	if v, _ := book.GetCellValue("2.14.3", ref); v != "21.7%" {
		t.Errorf("sheet 2.14.3 %s shows %q, want 21.7%%", ref, v)
	}
	if v, _ := cell(header+5, "照合"); v != "報告書内で不整合" {
		t.Errorf("sheet 2.14.3: N check = %q, want 報告書内で不整合", v)
	}
	if v, _ := cell(header+5, "check"); v != "inconsistent in the report" {
		t.Errorf("sheet 2.14.3: N check (en) = %q", v)
	}
}

// TestTablesMatchReconciliation checks the shown numbers against the inputs.
func TestTablesMatchReconciliation(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	nb := readNotebook(t, rendered2015(t)[report.NotebookEN])
	byID := map[string]nbCell{}
	for _, c := range nb.Cells {
		byID[c.ID] = c
	}
	rows := map[string][]reconcile.Row{}
	for _, r := range in.Reconciliation {
		rows[r.TableKey] = append(rows[r.TableKey], r)
	}
	status := map[string]string{"match": "match", "lost": "lost in the text extraction", "inconsistent_in_report": "inconsistent in the report",
		"lost_chosen": "lost in the text extraction: count chosen by the reconstruction"} // 2015's rows are reconstructed
	for key, rs := range rows {
		plain := text(byID[report.TableID(key)].Outputs[0].Data["text/plain"])
		lines := strings.Split(plain, "\n")
		if len(lines) != len(rs)+1 {
			t.Errorf("table %s: %d lines, want header + %d rows:\n%s", key, len(lines), len(rs), plain)
			continue
		}
		for _, r := range rs {
			line := lines[r.RowNo]
			if r.RowNo == 0 {
				line = lines[len(lines)-1]
			}
			st := r.Status
			if st == "lost" && r.Basis == reconcile.BasisChosen && r.Computed != nil && r.RowNo > 0 {
				st = "lost_chosen"
			}
			if !strings.HasSuffix(line, status[st]) {
				t.Errorf("table %s row %d: %q does not end with status %q", key, r.RowNo, line, status[st])
			}
			if r.Computed != nil && !strings.Contains(line, " "+strconv.FormatInt(*r.Computed, 10)+" ") {
				t.Errorf("table %s row %d: %q lacks the computed %d", key, r.RowNo, line, *r.Computed)
			}
		}
	}
}

// firstDiff shows a from where it starts to differ from b.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	start := max(0, i-60)
	return "..." + a[start:min(len(a), i+120)]
}

// TestDuckDBEquivalent runs the DuckDB query the notebooks show against the
// committed processed/ datasets and checks it gives the table's numbers.
func TestDuckDBEquivalent(t *testing.T) {
	t.Parallel()
	in := LoadInputs(t, repoRoot, 2015)
	want := map[string]map[int]reconcile.Row{}
	for _, r := range in.Reconciliation {
		if want[r.TableKey] == nil {
			want[r.TableKey] = map[int]reconcile.Row{}
		}
		want[r.TableKey][r.RowNo] = r
	}
	for _, key := range []string{"1.1", "1.4", "2.4.1", "2.14.3", "2.9.a", "S1"} {
		res := duckdbtest.Query(t, filepath.Join(repoRoot, "reports", "2015"), report.EquivalentSQL("../../processed", 2015, key, "label_ja"))
		if len(res.Rows) != len(want[key])-1 {
			t.Errorf("table %s: DuckDB gives %d rows, want %d", key, len(res.Rows), len(want[key])-1)
			continue
		}
		for _, row := range res.Rows {
			no, _ := strconv.Atoi(fmt.Sprint(row[0]))
			w := want[key][no]
			pub := "<nil>"
			if w.Published != nil {
				pub = strconv.FormatInt(*w.Published, 10)
			}
			if fmt.Sprint(row[3]) != strconv.FormatInt(*w.Computed, 10) || fmt.Sprint(row[5]) != pub || row[6] != w.Status {
				t.Errorf("table %s row %d: DuckDB gives count %v, published %v, status %v; want %d, %s, %s", key, no, row[3], row[5], row[6], *w.Computed, pub, w.Status)
			}
			// DuckDB's round goes half away from zero, like the reports' half up
			if n := want[key][0].Computed; n != nil && *n > 0 {
				if p := strconv.FormatFloat(report.Pct(*w.Computed, *n), 'f', -1, 64); fmt.Sprint(row[4]) != p {
					t.Errorf("table %s row %d: DuckDB gives %% %v, the reports %s", key, no, row[4], p)
				}
			}
		}
	}
}

func TestPublishedOnlyYear(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	in.Frequencies, in.Reconciliation, in.Validation, in.Maturity, in.Provenance = nil, nil, nil, nil, ""
	out, err := report.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	nb := readNotebook(t, out[report.NotebookEN])
	for _, c := range nb.Cells {
		if c.ID == report.TableID("2.8") {
			plain := text(c.Outputs[0].Data["text/plain"])
			if !strings.Contains(plain, "published") || strings.Contains(plain, "count") {
				t.Errorf("without responses, table 2.8 shows:\n%s", plain)
			}
		}
		if c.ID == "title" && strings.Contains(strings.Join(c.Source, ""), "RECONSTRUCTED") {
			t.Errorf("a year without respondent rows says they are reconstructed")
		}
	}
}

func TestRenderRejectsBadInputs(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	bad := in
	bad.Provenance = "guessed"
	if _, err := report.Render(bad); err == nil {
		t.Error("an unknown provenance was accepted")
	}
	bad = in
	bad.Year = 2016
	if _, err := report.Render(bad); err == nil {
		t.Error("a year that is not the questionnaire's was accepted")
	}
	if _, err := report.Render(report.Inputs{Year: 2015}); err == nil {
		t.Error("inputs without a questionnaire were accepted")
	}
}

func TestPct(t *testing.T) {
	for _, c := range []struct {
		count, n int64
		want     float64
	}{{56, 66, 84.8}, {1, 66, 1.5}, {33, 66, 50}, {2, 3, 66.7}, {1, 8, 12.5}, {46, 46, 100},
		{15, 48, 31.3}, {1, 16, 6.3}, {3, 80, 3.8}, {1, 2000, 0.1}} { // ties round half up (四捨五入)
		if got := report.Pct(c.count, c.n); got != c.want {
			t.Errorf("Pct(%d, %d) = %v, want %v", c.count, c.n, got, c.want)
		}
	}
}

// lastQuoted is the last table key of a matrix cell's list.
func lastQuoted(src string) string {
	list := src[strings.Index(src, "[")+1 : strings.Index(src, "]")]
	keys := regexp.MustCompile(`"[^"]*"`).FindAllString(list, -1)
	k, _ := strconv.Unquote(keys[len(keys)-1])
	return k
}
