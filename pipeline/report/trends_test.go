package report_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

var fictionalRoot = filepath.Join(repoRoot, "testdata", "fictional")

var (
	fictOnce sync.Once
	fictDir  string
	fictErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fictDir != "" {
		os.RemoveAll(fictDir)
	}
	os.Exit(code)
}

// fictionalBuild builds the fictional tree (testdata/fictional: 2015 and the
// FICTIONAL 2099) once with build.Run into a temporary directory and returns
// it (processed/ and reports/ inside).
func fictionalBuild(t testing.TB) string {
	t.Helper()
	fictOnce.Do(func() {
		if fictDir, fictErr = os.MkdirTemp("", "csirt-trends-"); fictErr != nil {
			return
		}
		res, err := build.Run(context.Background(), build.Config{SchemasDir: filepath.Join(fictionalRoot, "schemas"), RawDir: filepath.Join(fictionalRoot, "raw"),
			ProcessedDir: filepath.Join(fictDir, "processed"), ReportsDir: filepath.Join(fictDir, "reports")})
		if err == nil && !slices.Equal(res.Years, []int{2015, 2099}) {
			err = fmt.Errorf("built %v, want 2015 and 2099", res.Years)
		}
		fictErr = err
	})
	if fictErr != nil {
		t.Fatalf("build the fictional tree: %v", fictErr)
	}
	return fictDir
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// loadTrends reads a build's processed/trends back into the report's inputs,
// independently of the build: the rows from the Parquet files, the
// questionnaires from schemas/, and the respondents and their provenance
// from processed/responses.
func loadTrends(t testing.TB, schemas, processed string) report.TrendsInputs {
	t.Helper()
	in := report.TrendsInputs{Questionnaires: map[int]*questionnaire.Questionnaire{}, Respondents: map[int]int64{}, Provenance: map[int]string{},
		Sources: map[int]string{}}
	dirs, _ := filepath.Glob(filepath.Join(processed, "trends", "year=*"))
	for _, d := range dirs {
		y, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "year="))
		if err != nil {
			t.Fatal(err)
		}
		in.Years = append(in.Years, y)
		q, err := questionnaire.Load(filepath.Join(schemas, strconv.Itoa(y), "questionnaire.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		in.Questionnaires[y] = q
		err = columnar.ReadParquet(columnar.PartitionPath(processed, "trends", y), 1<<16, func(rec arrow.Record) error {
			col := map[string]arrow.Array{}
			for i, f := range rec.Schema().Fields() {
				col[f.Name] = rec.Column(i)
			}
			str := func(name string, i int) string {
				a := col[name].(*array.String)
				if a.IsNull(i) {
					return ""
				}
				return a.Value(i)
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				count, n := col["count"].(*array.Int64), col["n"].(*array.Int64)
				r := report.TrendRow{Year: y, Concept: str("concept", i), Row: str("row", i), Cell: str("cell", i), Category: str("category", i),
					OriginYear: int(col["origin_year"].(*array.Int32).Value(i)), Item: str("item", i), QuestionID: str("question_id", i),
					Type: str("type", i), LabelJA: str("label_ja", i), LabelEN: str("label_en", i),
					Count: count.Value(i), CountKnown: count.IsValid(i), N: n.Value(i), NKnown: n.IsValid(i),
					Share: math.NaN(), YearsCompared: int(col["years_compared"].(*array.Int32).Value(i)),
					Derived: col["derived"].(*array.Boolean).Value(i), Status: str("status", i), Source: str("source", i), TableKey: str("table_key", i)}
				if !r.CountKnown {
					r.Count = 0
				}
				if !r.NKnown {
					r.N = 0
				}
				in.Sources[y] = r.Source
				if s := col["share"].(*array.Float64); s.IsValid(i) {
					r.Share = s.Value(i)
				}
				l := col["codes"].(*array.List)
				from, to := l.ValueOffsets(i)
				for j := from; j < to; j++ {
					r.Codes = append(r.Codes, l.ListValues().(*array.String).Value(int(j)))
				}
				in.Rows = append(in.Rows, r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if in.Sources[y] == report.SourcePublished {
			continue // no respondent rows
		}
		kinds := map[string]bool{}
		err = columnar.ReadParquet(columnar.PartitionPath(processed, "responses", y), 1<<16, func(rec arrow.Record) error {
			in.Respondents[y] += rec.NumRows()
			for i, f := range rec.Schema().Fields() {
				if f.Name == "provenance" {
					// columnar.ReadParquet returns dictionary columns as plain strings.
					col := rec.Column(i).(*array.String)
					for j := 0; j < col.Len(); j++ {
						kinds[col.Value(j)] = true
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for k := range kinds {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		in.Provenance[y] = strings.Join(ks, ", ")
	}
	slices.Sort(in.Years)
	return in
}

// fictionalInputs are the trends inputs of the fictional tree.
func fictionalInputs(t testing.TB) report.TrendsInputs {
	dir := fictionalBuild(t)
	return loadTrends(t, filepath.Join(fictionalRoot, "schemas"), filepath.Join(dir, "processed"))
}

// comparedConcepts counts the concepts of in with numbers (status numbers)
// in two years or more, from the rows alone.
func comparedConcepts(in report.TrendsInputs) int {
	years := map[string]map[int]bool{}
	for _, r := range in.Rows {
		if r.Status != report.TrendNumbers {
			continue
		}
		if years[r.Concept] == nil {
			years[r.Concept] = map[int]bool{}
		}
		years[r.Concept][r.Year] = true
	}
	n := 0
	for _, ys := range years {
		if len(ys) > 1 {
			n++
		}
	}
	return n
}

// oneYear keeps year y of in.
func oneYear(in report.TrendsInputs, y int) report.TrendsInputs {
	out := report.TrendsInputs{Years: []int{y}, Questionnaires: map[int]*questionnaire.Questionnaire{y: in.Questionnaires[y]},
		Respondents: map[int]int64{y: in.Respondents[y]}, Provenance: map[int]string{y: in.Provenance[y]}, Sources: map[int]string{y: in.Sources[y]}}
	for _, r := range in.Rows {
		if r.Year == y {
			r.YearsCompared = 1
			out.Rows = append(out.Rows, r)
		}
	}
	return out
}

func renderTrends(t testing.TB, in report.TrendsInputs) (nbData, page []byte) {
	t.Helper()
	out, err := report.RenderTrends(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[report.TrendsNotebook] == nil || out[report.TrendsHTMLFile] == nil {
		t.Fatalf("RenderTrends returned %d files, want %s and %s", len(out), report.TrendsNotebook, report.TrendsHTMLFile)
	}
	return out[report.TrendsNotebook], out[report.TrendsHTMLFile]
}

// section is the part of page from the element with id to the next article
// or heading of the same level.
func section(t testing.TB, page, id, end string) string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("the page has no element with id %s", id)
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// TestTrendsFictionalTree builds the fictional tree with build.Run and reads
// its trends report: constituency (whose option (a) was split in 2099) is
// compared across 2015 and 2099 with the shares of processed/trends, the
// removed item skill_measurement and the added threat_intel_platform are
// listed as asked in one year only, the caveats name the reconstructed,
// synthetic and fictional years; and the files equal what RenderTrends
// makes from processed/trends read back independently.
func TestTrendsFictionalTree(t *testing.T) {
	dir := fictionalBuild(t)
	page := string(readFile(t, filepath.Join(dir, "reports", report.TrendsHTMLFile)))
	nbData := readFile(t, filepath.Join(dir, "reports", report.TrendsNotebook))
	in := fictionalInputs(t)

	want := map[int][]string{}
	for _, r := range in.Rows {
		if r.Concept == "constituency" {
			want[r.Year] = append(want[r.Year], report.ShareText(r.Count, r.N, r.Derived))
		}
	}
	if len(want[2015]) != 4 || len(want[2099]) != 4 {
		t.Fatalf("processed/trends has constituency rows %v, want 4 categories in 2015 and 2099", want)
	}
	for _, ed := range []string{"ja", "en"} {
		art := section(t, page, ed+"-c-constituency", "</article>")
		for _, h := range []string{`<th class="num">2015</th>`, `<th class="num">2099</th>`, "<svg", "2.3"} {
			if !strings.Contains(art, h) {
				t.Errorf("trends.html (%s): constituency lacks %q", ed, h)
			}
		}
		for y, vals := range want {
			for _, v := range vals {
				if !strings.Contains(art, ">"+v+"<") {
					t.Errorf("trends.html (%s): constituency lacks the %d value %q", ed, y, v)
				}
			}
		}
		if strings.Contains(page, `id="`+ed+`-c-skill_measurement"`) || strings.Contains(page, `id="`+ed+`-c-threat_intel_platform"`) {
			t.Errorf("trends.html (%s): a one-year concept is charted", ed)
		}
		single := section(t, page, ed+"-single", "<footer>")
		for _, c := range []string{"<td>skill_measurement</td><td>2015</td><td>3.8</td>", "<td>threat_intel_platform</td><td>2099</td><td>5.3</td>"} {
			if !strings.Contains(single, c) {
				t.Errorf("trends.html (%s): the one-year list lacks %s", ed, c)
			}
		}
		if strings.Contains(single, "<td>constituency</td>") {
			t.Errorf("trends.html (%s): constituency is listed as asked in one year only", ed)
		}
	}
	for _, w := range []string{"RECONSTRUCTED", "SYNTHETIC", "FICTIONAL", "2015 年度の回答データは公表された集計表から再構成", "2099 年度は架空"} {
		if !strings.Contains(page, w) {
			t.Errorf("trends.html lacks the caveat %q", w)
		}
	}
	// web_page was renamed public_web_page in 2099 and still compares; the
	// renamed option 2.2 (c) too, with its labels of both years in the notes.
	art := section(t, page, "ja-c-web_page", "</article>")
	if !strings.Contains(art, "2015: 4.7 (web_page) · 2099: 4.7 (public_web_page)") {
		t.Errorf("trends.html: web_page does not show its item per year:\n%.600s", art)
	}
	if art := section(t, page, "ja-c-incident_role", "</article>"); !strings.Contains(art, "コーディネーター(調整役)") {
		t.Errorf("trends.html: incident_role does not note the 2015 label of the renamed option")
	}

	nb := readNotebook(t, nbData)
	cells := map[string]nbCell{}
	for _, c := range nb.Cells {
		cells[c.ID] = c
	}
	c, ok := cells["c-constituency"]
	if !ok || len(c.Outputs) != 2 {
		t.Fatalf("trends.ipynb: no code cell c-constituency with a table and a chart")
	}
	if plain := text(c.Outputs[0].Data["text/plain"]); !strings.Contains(plain, "2015") || !strings.Contains(plain, "2099") || !strings.Contains(plain, want[2099][1]) {
		t.Errorf("trends.ipynb: the constituency table is\n%s", plain)
	}
	if src := strings.Join(c.Source, ""); !strings.Contains(src, `trend_table("constituency")`) {
		t.Errorf("trends.ipynb: cell c-constituency does not rebuild the table: %s", src)
	}
	if _, ok := cells["c-skill_measurement"]; ok {
		t.Error("trends.ipynb: skill_measurement is charted")
	}
	if plain := text(cells["single-data"].Outputs[0].Data["text/plain"]); !strings.Contains(plain, "skill_measurement") || !strings.Contains(plain, "threat_intel_platform") {
		t.Errorf("trends.ipynb: the one-year list is\n%s", plain)
	}

	nb2, page2 := renderTrends(t, in)
	if !bytes.Equal(nb2, nbData) || !bytes.Equal(page2, []byte(page)) {
		t.Error("the build's trends report differs from RenderTrends of processed/trends read back")
	}
}

// TestTrendsDeterministic: the same inputs, loaded twice and given in
// another order, give the same bytes.
func TestTrendsDeterministic(t *testing.T) {
	a := fictionalInputs(t)
	b := fictionalInputs(t)
	slices.Reverse(b.Rows)
	nbA, pageA := renderTrends(t, a)
	nbB, pageB := renderTrends(t, b)
	if !bytes.Equal(nbA, nbB) {
		t.Error("trends.ipynb differs between two renders")
	}
	if !bytes.Equal(pageA, pageB) {
		t.Error("trends.html differs between two renders")
	}
}

// TestTrendsSingleYear: with one year (the repository today) or none, the
// files are valid and say that no year can be compared yet; every concept
// is listed as asked in one year only.
func TestTrendsSingleYear(t *testing.T) {
	in := oneYear(fictionalInputs(t), 2015)
	nbData, page := renderTrends(t, in)
	concepts := map[string]bool{}
	for _, r := range in.Rows {
		concepts[r.Concept] = true
	}
	for _, w := range []string{"データ (回答データまたは公表集計表) のある年度は 2015 年度のみのため、比較できる年度はまだありません", "Only 2015 has data (respondent rows or published tables), so no year can be compared yet",
		"比較できる設問はまだありません", "RECONSTRUCTED"} {
		if !bytes.Contains(page, []byte(w)) || !bytes.Contains(nbData, []byte(w)) {
			t.Errorf("single year: trends.html or trends.ipynb lacks %q", w)
		}
	}
	if bytes.Contains(page, []byte(`<article`)) {
		t.Error("single year: trends.html charts a concept")
	}
	nb := readNotebook(t, nbData)
	for _, c := range nb.Cells {
		if strings.HasPrefix(c.ID, "c-") {
			t.Errorf("single year: trends.ipynb has a concept cell %s", c.ID)
		}
		if c.ID == "single-data" {
			plain := text(c.Outputs[0].Data["text/plain"])
			if n := strings.Count(plain, "\n"); n != len(concepts) {
				t.Errorf("single year: the one-year list has %d rows, want %d concepts", n, len(concepts))
			}
		}
	}

	// The committed report of the repository says what its years allow: with
	// one year that none can be compared, with more how many questions have
	// numbers in two years (counted from processed/trends read back).
	committed := readFile(t, filepath.Join(repoRoot, "reports", report.TrendsHTMLFile))
	repoIn := loadTrends(t, filepath.Join(repoRoot, "schemas"), filepath.Join(repoRoot, "processed"))
	want := "no year can be compared yet"
	if len(repoIn.Years) > 1 {
		want = fmt.Sprintf(": %d questions compared, with numbers in two years or more", comparedConcepts(repoIn))
	}
	if !bytes.Contains(committed, []byte(want)) {
		t.Errorf("reports/trends.html (years %v) does not say %q", repoIn.Years, want)
	}

	// No year with respondent data at all.
	nbData, page = renderTrends(t, report.TrendsInputs{})
	if !bytes.Contains(page, []byte("No year has respondent data or published tables")) || !bytes.Contains(nbData, []byte("No year has respondent data or published tables")) {
		t.Error("no year: the files do not say that no year has respondent data")
	}
}

func TestRenderTrendsRejectsBadInputs(t *testing.T) {
	good := fictionalInputs(t)
	clone := func() report.TrendsInputs {
		in := good
		in.Years = slices.Clone(good.Years)
		in.Rows = slices.Clone(good.Rows)
		return in
	}
	cases := map[string]func(*report.TrendsInputs){
		"years not ascending": func(in *report.TrendsInputs) { slices.Reverse(in.Years) },
		"no questionnaire": func(in *report.TrendsInputs) {
			in.Questionnaires = map[int]*questionnaire.Questionnaire{2015: good.Questionnaires[2015]}
		},
		"questionnaire of 2015": func(in *report.TrendsInputs) {
			in.Years = []int{2015, 2016}
			in.Questionnaires = map[int]*questionnaire.Questionnaire{2015: good.Questionnaires[2015], 2016: good.Questionnaires[2015]}
		},
		"row of another year": func(in *report.TrendsInputs) { in.Rows[0].Year = 2050 },
		"duplicate row":       func(in *report.TrendsInputs) { in.Rows = append(in.Rows, in.Rows[0]) },
		"count above n":       func(in *report.TrendsInputs) { in.Rows[0].Count = in.Rows[0].N + 1 },
		"share not count/n":   func(in *report.TrendsInputs) { in.Rows[0].Share = 0.5 + in.Rows[0].Share/3 },
		"no concept":          func(in *report.TrendsInputs) { in.Rows[0].Concept = "" },
		"numbers without n":   func(in *report.TrendsInputs) { in.Rows[0].NKnown = false },
		"item row with numbers": func(in *report.TrendsInputs) {
			i := slices.IndexFunc(in.Rows, func(r report.TrendRow) bool { return r.Status == report.TrendNumbers })
			in.Rows[i].Category = ""
		},
	}
	for name, mutate := range cases {
		in := clone()
		mutate(&in)
		if _, err := report.RenderTrends(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// hostileTrends are the fictional inputs with a script tag in every kind of
// text the trends report shows: option labels, question texts, survey
// titles, provenance, a concept.
func hostileTrends(t testing.TB) report.TrendsInputs {
	in := fictionalInputs(t)
	for y, q := range in.Questionnaires { // loaded for this call: not shared
		q.Survey.TitleJA += hostile
		q.Survey.TitleEN += hostile
		for _, id := range []string{"constituency", "services", "skill_measurement"} {
			if it := q.ItemByID(id); it != nil {
				it.TextJA = hostile + it.TextJA
				it.TextEN = hostile + it.TextEN
			}
		}
		in.Provenance[y] += ", " + hostile
	}
	for i := range in.Rows {
		r := &in.Rows[i]
		switch r.Concept {
		case "constituency", "services", "skill_measurement":
			r.LabelJA = hostile + r.LabelJA
			r.LabelEN = hostile + r.LabelEN
		case "incident_role":
			r.Concept = "role" + hostile
		}
	}
	return in
}

// TestTrendsHostileLabelsEscaped: a label holding a script tag shows as text
// in trends.html, in the notebook's HTML outputs and Markdown, in the SVG.
func TestTrendsHostileLabelsEscaped(t *testing.T) {
	nbData, page := renderTrends(t, hostileTrends(t))
	if bytes.Contains(page, []byte(hostile)) || bytes.Contains(page, []byte("<script")) {
		t.Error("trends.html contains the raw script tag")
	}
	if n := bytes.Count(page, []byte(hostileEscaped)); n < 100 {
		t.Errorf("trends.html shows the hostile label escaped %d times, want it in every place", n)
	}
	nb := readNotebook(t, nbData)
	escaped := 0
	for _, c := range nb.Cells {
		src := strings.Join(c.Source, "")
		if c.CellType == "markdown" {
			if strings.Contains(src, "<script") {
				t.Errorf("trends.ipynb: markdown cell %s holds the raw script tag", c.ID)
			}
			escaped += strings.Count(src, hostileEscaped)
		}
		for _, o := range c.Outputs {
			for _, mime := range []string{"text/html", "image/svg+xml"} {
				v := text(o.Data[mime])
				if strings.Contains(v, "<script") {
					t.Errorf("trends.ipynb: cell %s: %s output holds the raw script tag", c.ID, mime)
				}
				escaped += strings.Count(v, hostileEscaped)
			}
		}
	}
	if escaped < 100 {
		t.Errorf("trends.ipynb: the hostile label appears escaped only %d times", escaped)
	}
}

// TestTrendsNotebookStructure: nbformat 4.5, valid unique cell ids, one
// parameters cell, text/plain beside every rich output, the same cells on a
// rebuild.
func TestTrendsNotebookStructure(t *testing.T) {
	nbData, _ := renderTrends(t, fictionalInputs(t))
	nb := readNotebook(t, nbData)
	if nb.Major != 4 || nb.Minor != 5 {
		t.Errorf("nbformat %d.%d, want 4.5", nb.Major, nb.Minor)
	}
	idPattern := regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	seen := map[string]bool{}
	var params []nbCell
	concepts := 0
	for _, c := range nb.Cells {
		if !idPattern.MatchString(c.ID) || seen[c.ID] {
			t.Errorf("cell id %q is invalid or repeated", c.ID)
		}
		seen[c.ID] = true
		if tags, _ := c.Metadata["tags"].([]any); len(tags) > 0 && tags[0] == "parameters" {
			params = append(params, c)
		}
		for _, o := range c.Outputs {
			if o.Data["text/plain"] == nil {
				t.Errorf("cell %s: an output without text/plain", c.ID)
			}
		}
		if c.CellType == "code" && strings.HasPrefix(c.ID, "c-") {
			concepts++
			if len(c.Outputs) != 2 || c.Outputs[0].Data["text/html"] == nil || c.Outputs[1].Data["image/svg+xml"] == nil {
				t.Errorf("cell %s: want a table (text/html) and a chart (image/svg+xml)", c.ID)
			}
		}
	}
	if want := comparedConcepts(fictionalInputs(t)); concepts != want || want < 40 {
		t.Errorf("%d concepts charted, want the %d with numbers in both fictional years", concepts, want)
	}
	if len(params) != 1 || params[0].CellType != "code" {
		t.Fatalf("%d cells tagged parameters, want one code cell", len(params))
	}
	src := strings.Join(params[0].Source, "")
	for _, want := range []string{`lang = "ja"`, `processed = "../processed"`} {
		if !strings.Contains(src, want) {
			t.Errorf("the parameters cell lacks %q:\n%s", want, src)
		}
	}
	if meta, _ := nb.Metadata["csirt_survey"].(map[string]any); meta["report"] != "trends" || fmt.Sprint(meta["years"]) != "[2015 2099]" {
		t.Errorf("notebook metadata: %v", nb.Metadata["csirt_survey"])
	}
	for _, id := range []string{"title", "overview", "setup-load", "setup-charts", "setup-tables", "overview-data", "concepts", "single", "single-data", "closing"} {
		if !seen[id] {
			t.Errorf("no cell %s", id)
		}
	}
}

func TestTrendsHTMLSelfContained(t *testing.T) {
	_, page := renderTrends(t, fictionalInputs(t))
	for _, bad := range []string{"<script", "<link", "@import", "src=\"http", "href=\"http", "url("} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("trends.html contains %q: it must need nothing outside the file", bad)
		}
	}
	for _, want := range []string{"Noto Sans CJK JP", "Content-Security-Policy", `lang="ja"`, `lang="en"`, `id="lang-en"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("trends.html lacks %q", want)
		}
	}
}

// TestTrendsWithJupyterTools validates the trends notebooks (the fictional
// tree, a single year, hostile labels) with nbformat.validate and converts
// them with jupyter nbconvert --to html.
func TestTrendsWithJupyterTools(t *testing.T) {
	t.Parallel()
	py := python(t)
	dir := t.TempDir()
	in := fictionalInputs(t)
	files := map[string]report.TrendsInputs{"trends.ipynb": in, "single.ipynb": oneYear(in, 2015), "hostile.ipynb": hostileTrends(t)}
	var paths []string
	for _, name := range []string{"trends.ipynb", "single.ipynb", "hostile.ipynb"} {
		nbData, _ := renderTrends(t, files[name])
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nbData, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	validate := `import sys, nbformat
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5), (path, nb.nbformat, nb.nbformat_minor)
    assert all(c.get("id") for c in nb.cells), path
    print(path, "valid", len(nb.cells))
`
	got := string(run(t, dir, nil, py, append([]string{"-c", validate}, paths...)...))
	if strings.Count(got, " valid ") != len(paths) {
		t.Fatalf("nbformat.validate:\n%s", got)
	}
	run(t, dir, nil, py, append([]string{"-m", "nbconvert", "--to", "html", "--output-dir", dir}, paths...)...)
	for _, p := range paths {
		html := string(readFile(t, strings.TrimSuffix(p, ".ipynb")+".html"))
		name := filepath.Base(p)
		if strings.Contains(html, hostile) || strings.Contains(html, "<script>alert") {
			t.Errorf("%s: the HTML holds the raw script tag", name)
		}
		switch name {
		case "trends.ipynb":
			// each chart shows as its SVG in a data-URI <img> (chartHTML);
			// checkChartsKeepBars compares them with the notebook's SVGs
			if n, want := len(svgImg.FindAllString(html, -1)), comparedConcepts(in); n < want {
				t.Errorf("%s: %d chart images, want one per compared concept (%d)", name, n, want)
			}
			checkChartsKeepBars(t, name, readFile(t, p), html)
			for _, want := range []string{`class="dataframe"`, "constituency", "<th class=\"num\">2099</th>", "skill_measurement"} {
				if !strings.Contains(html, want) {
					t.Errorf("%s: the HTML lacks %q", name, want)
				}
			}
		case "single.ipynb":
			if !strings.Contains(html, "no year can be compared yet") {
				t.Errorf("%s: the HTML does not say that no year can be compared", name)
			}
		case "hostile.ipynb":
			if !strings.Contains(html, hostileEscaped) {
				t.Errorf("%s: the hostile label is not shown escaped", name)
			}
		}
	}
}

// TestTrendsHTMLInChromium loads trends.html of the fictional tree (and of a
// single year, and with hostile labels) in headless Chromium: no console
// message, no script element, both years of constituency in the DOM; the
// screenshot is kept as keepArtefact says.
func TestTrendsHTMLInChromium(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := fictionalInputs(t)
	write := func(name string, in report.TrendsInputs) string {
		_, page := renderTrends(t, in)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, page, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := filepath.Join(fictionalBuild(t), "reports", report.TrendsHTMLFile)
	dom, console := chromium(t, "file://"+page, "--dump-dom")
	if len(console) > 0 {
		t.Errorf("trends.html: console messages:\n%s", strings.Join(console, "\n"))
	}
	for _, want := range []string{`id="ja-c-constituency"`, `id="en-c-constituency"`, `<th class="num">2099</th>`, "<svg", "skill_measurement"} {
		if !bytes.Contains(dom, []byte(want)) {
			t.Errorf("trends.html: the DOM lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "trends.png")
	if _, console = chromium(t, "file://"+page, "--hide-scrollbars", "--screenshot="+shot, "--window-size=1280,3200"); len(console) > 0 {
		t.Errorf("trends.html (screenshot): console messages:\n%s", strings.Join(console, "\n"))
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 50_000 {
		t.Fatalf("no usable screenshot at %s (%d bytes, %v)", shot, len(png), err)
	}
	keepArtefact(t, shot, "csirt-trends-screenshot.png")

	for name, in := range map[string]report.TrendsInputs{"single.html": oneYear(in, 2015), "hostile.html": hostileTrends(t)} {
		dom, console := chromium(t, "file://"+write(name, in), "--dump-dom")
		if len(console) > 0 {
			t.Errorf("%s: console messages:\n%s", name, strings.Join(console, "\n"))
		}
		if bytes.Contains(dom, []byte("<script")) {
			t.Errorf("%s: the DOM has a script element", name)
		}
		if name == "hostile.html" && !bytes.Contains(dom, []byte(hostileEscaped)) {
			t.Errorf("%s: the label does not show as text", name)
		}
	}
}
