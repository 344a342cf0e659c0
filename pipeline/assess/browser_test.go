package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// The browser tests run Debian's headless Chromium (`make deps` installs the
// package chromium) driven by puppeteer-core from npm (pinned in
// testdata/node/package-lock.json, installed by `make deps` with npm ci; it
// downloads no browser). A missing tool fails the test with that advice.

const chromiumPath = "/usr/bin/chromium"

type snapshot struct {
	Label  string   `json:"label"`
	Hidden []string `json:"hidden"`
	Shares []struct {
		Key, Code, Row, Count, N, Text string
	} `json:"shares"`
	Profile []struct {
		Item, Level, Q1, Median, Q3 string
	} `json:"profile"`
	Recs        []string `json:"recs"`
	Answers     Answers  `json:"answers"`
	CombinedOff *string  `json:"combinedOff"`
	Percentile  *struct {
		Score, Permille string
	} `json:"percentile"`
	ImportStatus   string `json:"importStatus"`
	ImportProblems string `json:"importProblems"`
	Injected       struct {
		Imgs              int  `json:"imgs"`
		Pwned             bool `json:"pwned"`
		Scripts           int  `json:"scripts"`
		MarkupShownAsText bool `json:"markupShownAsText"`
	} `json:"injected"`
	Title string `json:"title"`
}

type driveResult struct {
	Requests    []string `json:"requests"`
	Inline      []string `json:"inline"`
	Console     []struct{ Type, Text string }
	PageErrors  []string   `json:"pageErrors"`
	Snapshots   []snapshot `json:"snapshots"`
	Screenshots []string   `json:"screenshots"`
	ExportCSV   string     `json:"exportCSV"`
	ExportJSON  string     `json:"exportJSON"`
}

func (r *driveResult) snap(t *testing.T, label string) snapshot {
	t.Helper()
	for _, s := range r.Snapshots {
		if s.Label == label {
			return s
		}
	}
	t.Fatalf("no snapshot %q", label)
	return snapshot{}
}

// artefacts is where the test writes its page and screenshots: its own
// t.TempDir, or CSIRT_SURVEY_ARTEFACTS/assess/<name> when that variable names
// a directory to keep them in for people to look at (printed). Concurrent
// runs never share a fixed path.
func artefacts(t *testing.T, name string) string {
	t.Helper()
	keep := os.Getenv("CSIRT_SURVEY_ARTEFACTS")
	if keep == "" {
		dir := t.TempDir()
		t.Logf("screenshots and page under %s (set CSIRT_SURVEY_ARTEFACTS=DIR to keep them)", dir)
		return dir
	}
	dir := filepath.Join(keep, "assess", name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots and page under %s", dir)
	return dir
}

// drive writes page to dir and runs the actions over it in Chromium.
func drive(t *testing.T, dir string, page []byte, actions []map[string]any) *driveResult {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node (Node.js 20 or later) not found: %v; install Node.js, then run `make deps`", err)
	}
	if st, err := os.Stat(chromiumPath); err != nil || st.IsDir() {
		t.Fatalf("Chromium (%s) is missing: run `make deps` (apt-get install chromium)", chromiumPath)
	}
	_, file, _, _ := runtime.Caller(0)
	nodeDir := filepath.Join(filepath.Dir(file), "testdata", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "puppeteer-core", "package.json")); err != nil {
		t.Fatalf("puppeteer-core is not installed under %s: run `make deps` (npm ci)", nodeDir)
	}
	pagePath := filepath.Join(dir, "page.html")
	if err := os.WriteFile(pagePath, page, 0o644); err != nil {
		t.Fatal(err)
	}
	act, _ := json.Marshal(actions)
	actPath := filepath.Join(dir, "actions.json")
	if err := os.WriteFile(actPath, act, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(nodeDir, "drive.mjs"), chromiumPath, pagePath, dir, actPath)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("drive.mjs: %v\n%s", err, stderr.String())
	}
	var r driveResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("drive.mjs output: %v\n%s", err, out)
	}
	if len(r.Requests) > 0 {
		t.Errorf("requests left the page: %v", r.Requests)
	}
	for _, u := range r.Inline {
		if !strings.HasPrefix(u, "data:") {
			t.Errorf("inline resource %q is not a data: URL", u)
		}
	}
	for _, c := range r.Console {
		if c.Type == "error" || c.Type == "warn" || c.Type == "warning" {
			t.Errorf("console %s: %s", c.Type, c.Text)
		}
	}
	for _, e := range r.PageErrors {
		t.Errorf("page error: %s", e)
	}
	for _, s := range r.Snapshots {
		if s.Injected.Imgs != 0 || s.Injected.Pwned || s.Injected.Scripts != 2 {
			t.Errorf("snapshot %s: markup from data became elements: %+v", s.Label, s.Injected)
		}
	}
	return &r
}

func click(name, value string) map[string]any {
	return map[string]any{"do": "click", "name": name, "value": value}
}
func set(name, value string) map[string]any {
	return map[string]any{"do": "set", "name": name, "value": value}
}
func snap(label string) map[string]any { return map[string]any{"do": "snapshot", "label": label} }
func shots(prefix string) []map[string]any {
	return []map[string]any{
		{"do": "screenshot", "width": 1280, "file": prefix + "-1280.png"},
		{"do": "screenshot", "width": 375, "file": prefix + "-375.png"},
	}
}

// checkShares compares what the page shows with Model.Compare on the same answers.
func checkShares(t *testing.T, m *Model, s snapshot) {
	t.Helper()
	want := m.Compare(s.Answers)
	if len(s.Shares) != len(want) {
		t.Errorf("%s: the page shows %d shares, Compare gives %d\npage: %+v\ngo: %+v", s.Label, len(s.Shares), len(want), s.Shares, want)
		return
	}
	str := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	// the page lists matrix shares in its table, the others item by item: compare as sets
	type key struct{ k, code, row string }
	got := map[key][3]string{}
	for _, x := range s.Shares {
		got[key{x.Key, x.Code, x.Row}] = [3]string{x.Count, x.N, x.Text}
	}
	for _, w := range want {
		g, ok := got[key{w.Key, w.Code, w.Row}]
		if !ok {
			t.Errorf("%s: the page does not show %s %s (row %q)", s.Label, w.Key, w.Code, w.Row)
			continue
		}
		if g != [3]string{str(w.Count), str(w.N), w.Share()} {
			t.Errorf("%s: %s %s row %q: page %v, Compare count %s n %s %s", s.Label, w.Key, w.Code, w.Row, g, str(w.Count), str(w.N), w.Share())
		}
	}
}

func TestBrowserFixture(t *testing.T) {
	in := fixture(t, survey.Collected)
	in.Scores = sortScores([]ScoreCount{{0, 2}, {1, 1}, {2, 1}, {4, 1}})
	m := NewModel(in, "en")
	page, err := Page(m)
	if err != nil {
		t.Fatal(err)
	}
	dir := artefacts(t, "fixture")
	csvPath := filepath.Join(dir, "export.csv")
	actions := []map[string]any{
		snap("start"),
		click("kind", "a"), snap("kind-a"),
		click("sources", "a"), click("sources", "e"), snap("exclusive-e"),
		click("sources", "a"), snap("exclusive-a"),
		click("kind", "b"), snap("kind-b"),
		click("kind", "a"), click("sources", "a"),
		set("members", "3"), set("started", "2013-05"), click("policy", "b"),
		click("services__a__provision", "provided"), snap("provided"),
		click("services__a__sourcing", "inhouse"),
		click("services__w__provision", "not_provided"),
		snap("filled"),
		{"do": "export", "format": "csv", "file": "export.csv"},
		{"do": "export", "format": "json", "file": "export.json"},
		{"do": "reload"}, snap("reloaded"),
		{"do": "reset"}, snap("reset"),
		{"do": "import", "file": csvPath}, snap("imported"),
	}
	actions = append(actions, shots("fixture")...)
	actions = append(actions, map[string]any{"do": "scroll", "selector": "#profile", "width": 375},
		map[string]any{"do": "screenshot", "width": 375, "full": false, "file": "fixture-profile-375.png"})
	r := drive(t, dir, page, actions)

	// routing: what the page hides is what Model.asked says is not asked
	for _, s := range r.Snapshots {
		var notAsked []string
		for _, it := range m.Items {
			if !m.asked(s.Answers, it.ID) {
				notAsked = append(notAsked, it.ID)
			}
		}
		if !slices.Equal(s.Hidden, notAsked) {
			t.Errorf("%s: hidden %v, not asked %v", s.Label, s.Hidden, notAsked)
		}
	}
	if h := r.snap(t, "start").Hidden; !slices.Contains(h, "sources") {
		t.Errorf("the follow-up is shown before its routing answer: hidden %v", h)
	}
	if h := r.snap(t, "kind-a").Hidden; slices.Contains(h, "sources") {
		t.Errorf("the follow-up stays hidden after its routing answer")
	}
	if a := r.snap(t, "kind-b").Answers; a["sources"] != nil {
		t.Errorf("an answer to a follow-up no longer asked is kept: %v", a)
	}
	// exclusive options
	if a := r.snap(t, "exclusive-e").Answers["sources"]; !slices.Equal(a, []string{"e"}) {
		t.Errorf("after ticking the exclusive option: %v, want [e]", a)
	}
	if a := r.snap(t, "exclusive-a").Answers["sources"]; !slices.Equal(a, []string{"a"}) {
		t.Errorf("after ticking another option: %v, want [a]", a)
	}
	// matrix: the sourcing cell appears only for a provided row
	if a := r.snap(t, "provided").Answers; !slices.Equal(a["services__a__provision"], []string{"provided"}) {
		t.Errorf("matrix answer: %v", a)
	}
	filled := r.snap(t, "filled")
	wantFilled := Answers{"kind": {"a"}, "sources": {"a"}, "members": {"3"}, "started": {"2013-05"}, "policy": {"b"},
		"services__a__provision": {"provided"}, "services__a__sourcing": {"inhouse"}, "services__w__provision": {"not_provided"}}
	if !reflect.DeepEqual(filled.Answers, wantFilled) {
		t.Errorf("answers kept by the page = %v, want %v", filled.Answers, wantFilled)
	}
	for _, s := range r.Snapshots {
		checkShares(t, m, s)
	}
	// persistence, reset, import
	if !reflect.DeepEqual(r.snap(t, "reloaded").Answers, wantFilled) {
		t.Errorf("answers after a reload = %v", r.snap(t, "reloaded").Answers)
	}
	if a := r.snap(t, "reset").Answers; len(a) != 0 {
		t.Errorf("answers after reset = %v", a)
	}
	imp := r.snap(t, "imported")
	if !reflect.DeepEqual(imp.Answers, wantFilled) || imp.ImportProblems != "0" {
		t.Errorf("imported answers = %v (%s), want %v", imp.Answers, imp.ImportStatus, wantFilled)
	}
	// the export reads back through the ingest rules to the same answers and shares
	for _, f := range []struct{ name, data string }{{"export.csv", r.ExportCSV}, {"export.json", r.ExportJSON}} {
		a, prov, err := ReadAnswers(in.Questionnaire, f.name, []byte(f.data), ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if !reflect.DeepEqual(a, wantFilled) || prov != string(survey.Collected) {
			t.Errorf("%s reads back as %v (%s), want %v", f.name, a, prov, wantFilled)
		}
		checkShares(t, m, snapshot{Label: f.name, Shares: filled.Shares, Answers: a})
	}
	// profile, percentile, recommendations as Go computes them
	for _, p := range m.Profiles(filled.Answers) {
		found := false
		for _, g := range filled.Profile {
			if g.Item == p.Item {
				found = true
				if g.Level != strconv.Itoa(*p.Level) || g.Q1 != strconv.Itoa(p.Q1) || g.Median != strconv.Itoa(p.Median) || g.Q3 != strconv.Itoa(p.Q3) {
					t.Errorf("profile %s: page %+v, Go %+v", p.Item, g, p)
				}
			}
		}
		if !found {
			t.Errorf("profile of %s not drawn", p.Item)
		}
	}
	score, _ := m.Score(filled.Answers)
	pm, _ := m.Percentile(score)
	if filled.Percentile == nil || filled.Percentile.Permille != strconv.FormatInt(pm, 10) {
		t.Errorf("percentile on the page %+v, Go %d (score %v)", filled.Percentile, pm, score)
	}
	var recs []string
	for _, h := range m.Gaps(filled.Answers) {
		recs = append(recs, h.Rec.ID)
	}
	if !slices.Equal(filled.Recs, recs) || len(recs) == 0 {
		t.Errorf("recommendations on the page %v, Go %v", filled.Recs, recs)
	}
	if len(r.Screenshots) != 3 {
		t.Errorf("screenshots: %v", r.Screenshots)
	}
}

func TestBrowserHostileLabels(t *testing.T) {
	in := loadYear(t, "testdata/hostile/schemas", fixRaw, fixYear, "reconstructed")
	page, err := Page(NewModel(in, "ja"))
	if err != nil {
		t.Fatal(err)
	}
	dir := artefacts(t, "hostile")
	actions := append([]map[string]any{click("kind", "a"), click("sources", "a"), click("policy", "b"),
		click("services__a__provision", "provided"), snap("filled"),
		{"do": "scroll", "selector": "header", "width": 1280}, {"do": "screenshot", "width": 1280, "full": false, "file": "hostile-top-1280.png"},
		{"do": "scroll", "selector": "#item-services", "width": 375}, {"do": "screenshot", "width": 375, "full": false, "file": "hostile-matrix-375.png"},
	}, shots("hostile")...)
	r := drive(t, dir, page, actions)
	s := r.snap(t, "filled")
	if !s.Injected.MarkupShownAsText {
		t.Error("the hostile labels are not shown as text")
	}
	if !strings.Contains(s.Title, "<img src=x") {
		t.Errorf("title %q does not keep the markup as text", s.Title)
	}
	if s.CombinedOff == nil {
		t.Error("a reconstructed year does not say why the percentile is missing")
	}
	if len(s.Shares) == 0 {
		t.Error("no shares shown")
	}
}

var mdRow = regexp.MustCompile(`(?m)^\| ([0-9.]+) \| (\S+) \| (.*) \| (\?|[0-9]+\.[0-9] %) \| (\?|[0-9]+)[^|]* \| (\?|[0-9]+)[^|]* \| ([^|]+) \|$`)

// TestBrowserCommittedTree fills the page of every committed year with a
// team built from its questionnaire, checks the shares against the
// published tables and the round trip of the export through
// `csirtsurvey assess`, and keeps screenshots at 1280 and 375 px.
func TestBrowserCommittedTree(t *testing.T) {
	const schemas, raw = "../../schemas", "../../raw"
	ents, err := os.ReadDir(schemas)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "csirtsurvey")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/csirtsurvey").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, e := range ents {
		year, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			in := loadYear(t, schemas, raw, year, firstProvenance(t, filepath.Join(raw, e.Name(), "responses.csv")))
			m := NewModel(in, "en")
			page, err := Page(m)
			if err != nil {
				t.Fatal(err)
			}
			dir := artefacts(t, e.Name())
			team := teamOf(in.Questionnaire)
			teamCSV := filepath.Join(dir, "team.csv")
			if err := os.WriteFile(teamCSV, []byte(answersCSV(m, team)), 0o644); err != nil {
				t.Fatal(err)
			}
			actions := []map[string]any{{"do": "import", "file": teamCSV}, snap("imported"),
				{"do": "export", "format": "csv", "file": "export.csv"}}
			for _, sel := range []string{"header", "fieldset.item", "#item-" + firstMatrix(in.Questionnaire), "#profile", "#recommendations"} {
				for _, w := range []int{1280, 375} {
					if sel == "#item-" {
						continue
					}
					name := strings.NewReplacer("#", "", ".", "-", " ", "").Replace(sel)
					actions = append(actions, map[string]any{"do": "scroll", "selector": sel, "width": w},
						map[string]any{"do": "screenshot", "width": w, "full": false, "file": fmt.Sprintf("%s-%d.png", name, w)})
				}
			}
			r := drive(t, dir, page, actions)
			s := r.snap(t, "imported")
			if s.ImportProblems != "0" {
				t.Fatalf("import: %s", s.ImportStatus)
			}
			if len(s.Shares) == 0 && in.Published != nil {
				t.Fatal("no share shown for a team that answered every item")
			}
			checkShares(t, m, s)
			// every share the page shows is the published table's row
			for _, x := range s.Shares {
				for _, d := range m.Dists {
					if d.Key != x.Key {
						continue
					}
					for i, c := range d.Cats {
						if c.Code != x.Code {
							continue
						}
						v, known, inferred, _ := in.Published.Count(d.Key, i+1)
						if (known || inferred) && x.Count != strconv.FormatInt(v, 10) || !known && !inferred && x.Count != "" {
							t.Errorf("%s %s: page count %q, published %d (known %v, inferred %v)", x.Key, x.Code, x.Count, v, known, inferred)
						}
					}
				}
			}
			// the export, through the command, gives the shares the page shows
			exported := filepath.Join(dir, "export.csv")
			out, err := exec.Command(bin, "assess", "--year", e.Name(), "--schemas", schemas, "--raw", raw,
				"--processed", filepath.Join(dir, "no-datasets"), exported).CombinedOutput()
			if err != nil {
				t.Fatalf("csirtsurvey assess %s: %v\n%s", exported, err, out)
			}
			rows := mdRow.FindAllStringSubmatch(string(out), -1)
			if len(rows) != len(s.Shares) {
				t.Fatalf("csirtsurvey assess prints %d shares, the page shows %d\n%s", len(rows), len(s.Shares), out)
			}
			type cell struct{ key, text, count, n string }
			var page2, cli []cell
			for _, x := range s.Shares {
				c, n := x.Count, x.N
				if c == "" {
					c = "?"
				}
				if n == "" {
					n = "?"
				}
				page2 = append(page2, cell{x.Key, x.Text, c, n})
			}
			for _, row := range rows {
				cli = append(cli, cell{row[2], row[4], row[5], row[6]})
			}
			less := func(a, b cell) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) }
			slices.SortFunc(page2, less)
			slices.SortFunc(cli, less)
			if !slices.Equal(page2, cli) {
				t.Errorf("csirtsurvey assess and the page differ:\npage %v\ncli  %v", page2, cli)
			}
			t.Logf("%d shares, %d screenshots", len(s.Shares), len(r.Screenshots))
		})
	}
}

func firstMatrix(q *questionnaire.Questionnaire) string {
	for _, it := range q.Items {
		if it.Type == questionnaire.Matrix {
			return it.ID
		}
	}
	return ""
}

// teamOf builds a team from the questionnaire alone: the second option of a
// single item (the first when there is one), the first and the last
// non-exclusive options of a multi item, a number or month inside the item's
// range, every other matrix row provided with its first sourcing; follow-ups
// are answered when their routing answer was given.
func teamOf(q *questionnaire.Questionnaire) Answers {
	a := Answers{}
	for _, it := range q.Items {
		if r := it.Relevance; r != nil && r.Item != "" {
			parent := q.Item(r.Item)
			if parent == nil || !anyIn(a[parent.ID], r.AnyOf) {
				continue
			}
		}
		ch := it.Choices()
		switch it.Type {
		case questionnaire.Single:
			a[it.ID] = []string{ch[min(1, len(ch)-1)].Code}
		case questionnaire.Multi:
			var codes []string
			for i, o := range ch {
				if !o.Exclusive && (i == 0 || i == len(ch)-2) {
					codes = append(codes, o.Code)
				}
			}
			a[it.ID] = codes
		case questionnaire.Integer:
			n := 7
			if it.Min != nil && n < *it.Min {
				n = *it.Min
			}
			a[it.ID] = []string{strconv.Itoa(n)}
		case questionnaire.YearMonth:
			a[it.ID] = []string{fmt.Sprintf("%04d-04", q.Survey.Year-1)}
		case questionnaire.Matrix:
			for i, row := range it.Rows {
				for _, c := range it.Cells {
					opts := c.Choices()
					switch {
					case c.Relevance == nil:
						a[CellKey(it.ID, row.Code, c.ID)] = []string{opts[i%2].Code}
					case anyIn(a[CellKey(it.ID, row.Code, c.Relevance.Cell)], c.Relevance.AnyOf):
						a[CellKey(it.ID, row.Code, c.ID)] = []string{opts[0].Code}
					}
				}
			}
		}
	}
	return a
}

// answersCSV writes a team as the page exports it (the contract columns).
func answersCSV(m *Model, a Answers) string {
	var head, row []string
	for _, c := range m.Columns {
		head = append(head, c.Name)
		switch c.Name {
		case "respondent_id":
			row = append(row, "team")
		case "provenance":
			row = append(row, string(survey.Collected))
		default:
			row = append(row, strings.Join(a[c.Key], ";"))
		}
	}
	return strings.Join(head, ",") + "\n" + strings.Join(row, ",") + "\n"
}
