package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// insideCopy is set in the environment of the test suite this test runs in
// its copy of the repository, so that the copy does not copy itself again.
const insideCopy = "CSIRT_SURVEY_EXTRA_YEARS"

// runYears asks for TestRepositoryWithExtraYears, which runs the whole suite
// a second time in a copy: make test sets it (target years), with a timeout
// of its own; a plain go test ./... skips it.
const runYears = "CSIRT_SURVEY_YEARS_TEST"

// TestRepositoryWithExtraYears adds two years to a copy of the repository the
// way the README tells a person to (scaffold, edit the files, make all), one
// known only from published tables and one with respondent rows, and runs the
// whole test suite there: adding a year must never break make test.
func TestRepositoryWithExtraYears(t *testing.T) {
	if os.Getenv(insideCopy) != "" {
		t.Skip("already inside the copy with extra years")
	}
	if os.Getenv(runYears) == "" {
		t.Skip("runs the whole suite in a copy of the repository: make test runs it (" + runYears + "=1)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	copyRepository(t, root, dst)

	years, err := build.Years(filepath.Join(dst, "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	last := years[len(years)-1]
	pubOnly, withRows := last+2, last+4
	cli := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cwd, _ := os.Getwd()
		if err := os.Chdir(dst); err != nil {
			t.Fatal(err)
		}
		code := run(args, &stdout, &stderr)
		os.Chdir(cwd)
		if code != exitOK {
			t.Fatalf("csirtsurvey %v: exit %d\n%s%s", args, code, &stdout, &stderr)
		}
		return stdout.String()
	}

	// A year known only from published tables, scaffolded from the last one.
	cli("scaffold", "--from", strconv.Itoa(last), "--year", strconv.Itoa(pubOnly))
	editYear(t, dst, last, pubOnly, survey.RowsNone)
	// A year with respondent rows, scaffolded from that one.
	cli("scaffold", "--from", strconv.Itoa(pubOnly), "--year", strconv.Itoa(withRows))
	editYear(t, dst, pubOnly, withRows, survey.Synthetic)
	writeResponses(t, dst, withRows)

	out := cli("validate", filepath.Join("schemas", strconv.Itoa(pubOnly)), filepath.Join("raw", strconv.Itoa(pubOnly)),
		filepath.Join("schemas", strconv.Itoa(withRows)), filepath.Join("raw", strconv.Itoa(withRows)))
	if !strings.Contains(out, "survey profile") || !strings.Contains(out, "crosswalk") {
		t.Errorf("validate output:\n%s", out)
	}
	out = cli("build", "-q")
	want := fmt.Sprintf("built %v", append(append([]int{}, years...), pubOnly, withRows))
	if !strings.Contains(out, want) {
		t.Fatalf("build: %q, want %q", out, want)
	}

	// The whole suite, in the copy (the DuckDB reader installed here is shared).
	cmd := exec.Command("go", "test", "-count=1", "-timeout=30m", "./...")
	cmd.Dir = dst
	cmd.Env = append(os.Environ(), insideCopy+"=1")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("go test ./... in a copy with years %d and %d added: %v\n%s", pubOnly, withRows, err, log.String())
	}
	if !strings.Contains(log.String(), "ok  \tgithub.com/csirt-survey/csirt-survey/pipeline/build") {
		t.Errorf("the suite in the copy did not run pipeline/build:\n%s", log.String())
	}
}

// copyRepository copies the tracked files of root to dst and links every
// test reader's node_modules (installed by make test) into the copy.
func copyRepository(t *testing.T, root, dst string) {
	t.Helper()
	ls := exec.Command("git", "ls-files", "-z")
	ls.Dir = root
	list, err := ls.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (the test needs a git checkout)", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The test readers' packages (make test installs them with npm ci).
	mods, _ := filepath.Glob(filepath.Join(root, "pipeline", "*", "testdata", "node", "node_modules"))
	more, _ := filepath.Glob(filepath.Join(root, "pipeline", "*", "*", "testdata", "node", "node_modules"))
	for _, m := range append(mods, more...) {
		rel, _ := filepath.Rel(root, m)
		if err := os.Symlink(m, filepath.Join(dst, rel)); err != nil {
			t.Fatal(err)
		}
	}
}

// editYear turns a scaffolded year into one a person would commit: its own
// titles, a filled-in profile, and the earlier year's published tables with
// other counts, quoted from a source of its own.
func editYear(t *testing.T, dst string, from, year int, rows survey.Provenance) {
	t.Helper()
	f, y := strconv.Itoa(from), strconv.Itoa(year)
	qPath := filepath.Join(dst, "schemas", y, build.QuestionnaireFile)
	q := readFile(t, qPath)
	prev, err := questionnaire.Load(filepath.Join(dst, "schemas", f, build.QuestionnaireFile))
	if err != nil {
		t.Fatal(err)
	}
	// Titles and N of the new edition (the copy keeps the earlier ones).
	q = strings.ReplaceAll(q, f+"年度", y+"年度")
	q = strings.ReplaceAll(q, "FY"+f, "FY"+y)
	q = strings.Replace(q, "respondents: "+strconv.Itoa(prev.Survey.Respondents), "respondents: 40", 1)
	writeFile(t, qPath, q)

	pPath := filepath.Join(dst, "schemas", y, survey.FileName)
	p := readFile(t, pPath)
	for _, r := range [][2]string{
		{`start: ""`, `start: "` + y + `-11-01"`},
		{`end: ""`, `end: "` + y + `-11-15"`},
		{`method: ""`, `method: web`},
		{`routing: ""`, `routing: enforced`},
		{`description_ja: ""`, `description_ja: テスト用の年度 (ウェブフォーム)`},
		{`description_en: ""`, `description_en: A test year (web form)`},
		{"responses: none", "responses: " + string(rows)},
		{"published: none", "published: partial"},
		{"sources: []", "sources:\n  - {id: test-article, kind: article, citation: A test article, date: \"" + y + "-12-01\"}"},
	} {
		if !strings.Contains(p, r[0]) {
			t.Fatalf("%s lacks %q", pPath, r[0])
		}
		p = strings.Replace(p, r[0], r[1], 1)
	}
	writeFile(t, pPath, p)

	// The earlier year's tables, other counts, cited from the new source.
	writeFile(t, filepath.Join(dst, "schemas", y, build.TablesFile), readFile(t, filepath.Join(dst, "schemas", f, build.TablesFile)))
	pubDir := filepath.Join(dst, "raw", f, "published")
	ents, err := os.ReadDir(pubDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		tr := readFile(t, filepath.Join(pubDir, e.Name()))
		for _, src := range []string{"security-next-101201-p2", "test-article"} {
			tr = strings.ReplaceAll(tr, "source: "+src, "source: test-article")
		}
		tr = strings.ReplaceAll(tr, "n: 187", "n: 40")
		for _, c := range []string{"91", "61", "52", "90", "100", "51", "27", "23", "22"} {
			tr = strings.ReplaceAll(tr, "count: "+c+"}", "count: 8}")
		}
		writeFile(t, filepath.Join(dst, "raw", y, "published", e.Name()), tr)
	}
}

// writeResponses writes synthetic respondent rows for every item of the
// year's questionnaire: the first option of each choice item.
func writeResponses(t *testing.T, dst string, year int) {
	t.Helper()
	y := strconv.Itoa(year)
	q, err := questionnaire.Load(filepath.Join(dst, "schemas", y, build.QuestionnaireFile))
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"respondent_id", "provenance"}
	var row []string
	for _, it := range q.Items {
		if !it.Type.IsChoice() {
			t.Fatalf("item %s is %s: extend writeResponses", it.Number, it.Type)
		}
		header = append(header, it.ID)
		row = append(row, it.Choices()[0].Code)
	}
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "r%d,synthetic,%s\n", i, strings.Join(row, ","))
	}
	writeFile(t, filepath.Join(dst, "raw", y, "responses.csv"), b.String())
	// 40 respondents all give the first option: the quoted counts (8) are not theirs.
	prof := filepath.Join(dst, "schemas", y, survey.FileName)
	writeFile(t, prof, strings.Replace(readFile(t, prof), "published: partial", "published: none", 1))
	os.Remove(filepath.Join(dst, "schemas", y, build.TablesFile))
	os.RemoveAll(filepath.Join(dst, "raw", y, "published"))
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
