package survey_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

const valid = "testdata/profile.yaml"

func TestParseValid(t *testing.T) {
	p, err := survey.Load(valid)
	if err != nil {
		t.Fatal(err)
	}
	if p.Year != 2099 || p.HasRows() || !p.HasTables() || p.Fielding.Routing != survey.RoutingEnforced {
		t.Errorf("profile read as %+v", p)
	}
	if got := p.DateOrder(); !slices.Equal(got, [][2]string{{"1.5", "1.6"}}) {
		t.Errorf("DateOrder = %v", got)
	}
	if s := p.PrimarySource(); s == nil || s.ID != "report-2099" {
		t.Errorf("PrimarySource = %v", s)
	}
	if s := p.Source("article-1"); s == nil || s.Kind != "article" {
		t.Errorf("Source(article-1) = %v", s)
	}
	if p.Asked == nil || *p.Asked != 120 || p.Fielding.End != "2099-11-13" {
		t.Errorf("asked %v, fielding end %v", p.Asked, p.Fielding.End)
	}
}

// Each broken variant of the valid profile is reported at its line with the
// key, what was given and what is allowed.
func TestParseErrors(t *testing.T) {
	data, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		kind           error
		line           int
		want           string
	}{
		{"format", "csirt-survey/survey/v1", "csirt-survey/survey/v9", yamlsrc.ErrInvalid, 2, `want "csirt-survey/survey/v1"`},
		{"year", "year: 2099", "year: 99", yamlsrc.ErrInvalid, 3, "not a plausible survey year"},
		{"unknown key", "asked: 120", "askd: 120", yamlsrc.ErrUnknownKey, 8, `unknown key "askd"`},
		{"method", "method: web", "method: phone", yamlsrc.ErrInvalid, 12, `method is "phone"; allowed: paper, web, interview, mixed`},
		{"routing", "routing: enforced", "routing: sometimes", yamlsrc.ErrInvalid, 13, "allowed: enforced, advisory"},
		{"dates", `end: "2099-11-13"`, `end: "2099-10-01"`, yamlsrc.ErrInvalid, 11, "end 2099-10-01 is before start 2099-10-30"},
		{"bad date", `start: "2099-10-30"`, `start: "30.10.2099"`, yamlsrc.ErrInvalid, 10, "must be a date YYYY-MM-DD"},
		{"responses", "responses: none", "responses: some", yamlsrc.ErrInvalid, 17, "allowed: collected, reconstructed, synthetic, none"},
		{"published", "published: partial", "published: half", yamlsrc.ErrInvalid, 18, "allowed: full, partial, none"},
		{"numbering note", "  note_ja: 番号は仮のもの\n", "", yamlsrc.ErrMissing, 20, "note_ja is required"},
		{"duplicate source", "id: article-1", "id: report-2099", yamlsrc.ErrDuplicate, 29, "source report-2099 is listed twice"},
		{"two primaries", "    kind: article\n", "    kind: article\n    primary: true\n", yamlsrc.ErrDuplicate, 31, "only one source"},
		{"source id", "id: article-1", "id: Article 1", yamlsrc.ErrInvalid, 29, "must be lower-case"},
		{"date rule", `{before: "1.5", after: "1.6"}`, `{before: "1.5"}`, yamlsrc.ErrMissing, 34, "needs before and after"},
		{"crosstab", `{rows: S1, cols: "1.6"}`, `{rows: S1}`, yamlsrc.ErrMissing, 36, "needs rows and cols"},
		{"organiser", "organiser_en: A fictional organiser\n", "", yamlsrc.ErrMissing, 2, "organiser_en is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := string(data)
			if !strings.Contains(src, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			_, err := survey.Parse("p.yaml", []byte(strings.Replace(src, tc.old, tc.new, 1)))
			yamlsrctest.At(t, err, tc.kind, tc.want, "p.yaml", tc.line)
		})
	}
}

func TestCheckReferences(t *testing.T) {
	p, err := survey.Load(valid)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{"1.5": "year_month", "1.6": "integer"}
	err = p.CheckItems(func(n string) (string, bool) { t, ok := types[n]; return t, ok })
	yamlsrctest.At(t, err, yamlsrc.ErrInvalid, "after names item 1.6 of type integer", p.File, 34)
	delete(types, "1.5")
	err = p.CheckItems(func(n string) (string, bool) { t, ok := types[n]; return t, ok })
	yamlsrctest.At(t, err, survey.ErrUnknownRef, `before names item "1.5"`, p.File, 34)
	err = p.CheckTables(func(k string) bool { return k == "S1" })
	yamlsrctest.At(t, err, survey.ErrUnknownRef, `cols names table "1.6"`, p.File, 36)
	if err := p.CheckTables(func(string) bool { return true }); err != nil {
		t.Errorf("CheckTables with every table: %v", err)
	}
}

// FuzzParse: any input either loads as a valid profile or fails with located
// errors of this file; it never panics.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(valid)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("format: csirt-survey/survey/v1\nyear: 2015\n"))
	f.Add([]byte("- a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := survey.Parse("f.yaml", data)
		if err != nil {
			var list yamlsrc.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a located list: %v", err)
			}
			for _, e := range list {
				if e.File != "f.yaml" {
					t.Fatalf("error of another file: %v", e)
				}
			}
			return
		}
		if p.Year < 1990 || p.Year > 2100 || len(p.Sources) == 0 {
			t.Fatalf("invalid profile accepted: %+v", p)
		}
	})
}
