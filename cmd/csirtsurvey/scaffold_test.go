package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func TestScaffold(t *testing.T) {
	dir := t.TempDir()
	schemas, raw := filepath.Join(dir, "schemas"), filepath.Join(dir, "raw")
	src, err := os.ReadFile(filepath.Join("..", "..", "schemas", "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(schemas, "2015"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(schemas, "2015", "questionnaire.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	prof, err := os.ReadFile(filepath.Join("..", "..", "schemas", "2015", "survey.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(schemas, "2015", "survey.yaml"), prof, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"scaffold", "--from", "2015", "--year", "2016", "--schemas", schemas, "--raw", raw}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, &stdout, &stderr)
	}
	qPath := filepath.Join(schemas, "2016", "questionnaire.yaml")
	// The copy keeps 2015's titles, which the loader refuses until edited.
	if _, err := questionnaire.Load(qPath); err == nil || !strings.Contains(err.Error(), "survey.title_ja names 2015 but survey.year is 2016") {
		t.Errorf("the unedited copy loads: %v", err)
	}
	out, _ := os.ReadFile(qPath)
	retitled := strings.NewReplacer("2015年度", "2016年度", "FY2015", "FY2016").Replace(string(out))
	if err := os.WriteFile(qPath, []byte(retitled), 0o644); err != nil {
		t.Fatal(err)
	}
	q, err := questionnaire.Load(qPath)
	if err != nil {
		t.Fatal(err)
	}
	if q.Survey.Year != 2016 || q.Survey.ID != "jpcert-csirt-2016" {
		t.Errorf("survey year %d, id %q", q.Survey.Year, q.Survey.ID)
	}
	// Only the survey's year and id and the header comment differ from the source.
	body := string(out[bytes.Index(out, []byte("# 2015 questionnaire")):])
	want := strings.Replace(strings.Replace(string(src), "  year: 2015\n", "  year: 2016\n", 1), "  id: jpcert-csirt-2015\n", "  id: jpcert-csirt-2016\n", 1)
	if body != want {
		t.Error("the scaffolded questionnaire differs from the source beyond survey.year and survey.id")
	}
	if !strings.HasPrefix(string(out), "# Scaffolded by \"csirtsurvey scaffold --from 2015 --year 2016\" from schemas/2015/questionnaire.yaml.") {
		t.Errorf("header: %.120s", out)
	}
	cw, err := crosswalk.Load(filepath.Join(schemas, "2016", crosswalk.FileName))
	if err != nil {
		t.Fatal(err)
	}
	prev, err := questionnaire.Load(filepath.Join(schemas, "2015", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := crosswalk.Check(prev, q, cw); err != nil || cw.From != 2015 {
		t.Errorf("the scaffolded year should pass Check (from %d): %v", cw.From, err)
	}
	readme, err := os.ReadFile(filepath.Join(raw, "2016", "README.md"))
	if err != nil || !strings.Contains(string(readme), "responses.csv") || !strings.Contains(string(readme), "mapping.yaml") {
		t.Errorf("raw README: %v\n%s", err, readme)
	}

	// A second run refuses to overwrite and writes nothing.
	if err := os.Remove(filepath.Join(raw, "2016", "README.md")); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(args, &stdout, &stderr); code != exitFailure || !strings.Contains(stderr.String(), "refusing to overwrite") {
		t.Errorf("second run: exit %d, stderr %s", code, &stderr)
	}
	if _, err := os.Stat(filepath.Join(raw, "2016", "README.md")); err == nil {
		t.Error("a refused scaffold must write nothing")
	}
}

func TestScaffoldUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"scaffold", "--year", "2016"}, exitUsage, "give --from"},
		{[]string{"scaffold", "--from", "2016", "--year", "2015"}, exitUsage, "must be after --from"},
		{[]string{"scaffold", "--from", "2015", "--year", "2016", "x"}, exitUsage, "takes no arguments"},
		{[]string{"scaffold", "--from", "2014", "--year", "2016", "--schemas", dir}, exitFailure, "no such file"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tc.args, code, &stderr, tc.code, tc.stderr)
		}
	}
}

func TestRetargetFlowStyle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "pipeline", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start, end := strings.Index(doc, "survey:\n"), strings.Index(doc, "missing:\n")
	doc = doc[:start] + "survey: {year: 2015, id: \"test-survey\", title_ja: テスト調査,  # a comment\n" +
		"  title_en: Test survey, publisher: Test}\n" + doc[end:]
	q, err := questionnaire.Parse("q.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := retargetQuestionnaire([]byte(doc), q, 2015, 2017)
	if err != nil {
		t.Fatal(err)
	}
	if want := "survey: {year: 2017, id: \"test-survey-2017\", title_ja: テスト調査,  # a comment\n"; !strings.Contains(string(out), want) {
		t.Errorf("flow-style survey not retargeted:\n%.200s", out)
	}
}

// A scaffolded year left as scaffolded does not build: the build names what
// to edit (the copied title, the empty profile) and publishes nothing, where
// it once published the earlier year's report under the new year.
func TestUneditedScaffoldFailsTheBuild(t *testing.T) {
	dir := t.TempDir()
	schemas, raw := filepath.Join(dir, "schemas"), filepath.Join(dir, "raw")
	years, err := build.Years(filepath.Join("..", "..", "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	from := years[0]
	for _, name := range []string{"questionnaire.yaml", "survey.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "schemas", strconv.Itoa(from), name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(schemas, strconv.Itoa(from), name), string(data))
	}
	year := from + 1
	var stdout, stderr bytes.Buffer
	if code := run([]string{"scaffold", "--from", strconv.Itoa(from), "--year", strconv.Itoa(year), "--schemas", schemas, "--raw", raw}, &stdout, &stderr); code != exitOK {
		t.Fatalf("scaffold: exit %d: %s", code, &stderr)
	}
	out := filepath.Join(dir, "out")
	runBuild := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"build", "--schemas", schemas, "--raw", raw, "--processed", filepath.Join(out, "p"), "--reports", filepath.Join(out, "r"), "-q"}, &stdout, &stderr)
		return code, stderr.String()
	}
	code, msg := runBuild()
	if code != exitInvalid || !strings.Contains(msg, fmt.Sprintf("survey.title_ja names %d but survey.year is %d", from, year)) {
		t.Errorf("unedited scaffold: exit %d, stderr %s", code, msg)
	}
	// With its titles edited, the empty profile is what the build names.
	qPath := filepath.Join(schemas, strconv.Itoa(year), "questionnaire.yaml")
	q := readFile(t, qPath)
	q = strings.ReplaceAll(strings.ReplaceAll(q, strconv.Itoa(from)+"年度", strconv.Itoa(year)+"年度"), "FY"+strconv.Itoa(from), "FY"+strconv.Itoa(year))
	writeFile(t, qPath, q)
	code, msg = runBuild()
	for _, want := range []string{"survey.yaml", "method is required", "sources is required"} {
		if code != exitInvalid || !strings.Contains(msg, want) {
			t.Errorf("titles edited, profile empty: exit %d, stderr lacks %q:\n%s", code, want, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "r", strconv.Itoa(year))); err == nil {
		t.Error("a report of the unedited year was written")
	}
}
