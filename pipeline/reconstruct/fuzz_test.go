package reconstruct

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// FuzzParseDecisions feeds arbitrary bytes to ParseDecisions (the parser
// behind LoadDecisions): it must never panic; a rejected input must come with
// located, classified errors; an accepted input must hold what validation
// promises, and checking it against the fixture's questionnaire and tables
// must not panic either.
func FuzzParseDecisions(f *testing.F) {
	for _, path := range []string{
		fixturePath("raw", "2099", FileName),
		filepath.Join("..", "..", "raw", "2015", FileName),
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("format: csirt-survey/reconstruction/v1\nyear: 2099\ncounts: [{table: \"1.1\", row: 2, value: 1, reason: r, append: [x]}]\n"))
	f.Add([]byte("dates: {start: a, end: b, latest: 2099-13, groups: [{label: l, pairs: [[1, 2, 3], [\"\"], [2099-02, 2099-01]]}]}\n"))
	f.Add([]byte("counts:\n  - &c {table: a, row: 1, value: 1, reason: r}\n  - *c\nn_gaps: [{table: a}, {table: a}]\n"))
	q, set := loadFixtureInputs(f)
	kinds := []error{ErrSyntax, ErrUnknownKey, ErrMissing, ErrDuplicate, ErrInvalid, ErrUnknownRef}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDecisions("fuzz.yaml", data)
		if err != nil {
			if d != nil {
				t.Fatal("decisions returned with an error")
			}
			var list yamlsrc.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %v", err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Column < 0 || e.Msg == "" {
					t.Fatalf("badly located error: %+v", e)
				}
				known := false
				for _, k := range kinds {
					known = known || errors.Is(e, k)
				}
				if !known {
					t.Fatalf("error without a known kind: %v", e)
				}
			}
			return
		}
		if d.Format != Format || d.Year < 1990 || d.Year > 2100 {
			t.Fatalf("accepted format %q, year %d", d.Format, d.Year)
		}
		for _, c := range d.Counts {
			if c.Table == "" || c.Row < 1 || c.Value == nil || *c.Value < 0 || c.Reason == "" {
				t.Fatalf("accepted count decision %+v", c)
			}
		}
		if p := d.Dates; p != nil {
			if _, ok := months(p.Latest); !ok {
				t.Fatalf("accepted latest %q", p.Latest)
			}
			for _, g := range p.Groups {
				for _, pair := range g.Pairs {
					if len(pair) != 2 {
						t.Fatalf("accepted pair %v", pair)
					}
				}
			}
		}
		// References and generation may fail, but only with an error.
		_, _ = Generate(q, set, d)
	})
}
