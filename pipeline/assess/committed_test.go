package assess

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// TestCommittedTree checks every year of the committed tree against its own
// files: every distribution the page and the command compare with is the
// published table (count, N, lost and inferred numbers), every item of a
// scale is profiled, the recommendations load, the statistics that combine
// items follow the provenance of raw/<year>/responses.csv, and the
// committed pages are what Render writes.
func TestCommittedTree(t *testing.T) {
	const schemas, raw, reports = "../../schemas", "../../raw", "../../reports"
	ents, err := os.ReadDir(schemas)
	if err != nil {
		t.Fatal(err)
	}
	years := 0
	for _, e := range ents {
		year, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		years++
		t.Run(e.Name(), func(t *testing.T) {
			prov := firstProvenance(t, filepath.Join(raw, e.Name(), "responses.csv"))
			in := loadYear(t, schemas, raw, year, prov)
			m := NewModel(in, "en")
			if m.Combined != (prov == survey.Collected && len(in.Scores) > 0) {
				t.Errorf("combined = %v for provenance %q", m.Combined, prov)
			}
			if in.Published != nil {
				if len(m.Dists) == 0 {
					t.Fatal("published tables but no distribution")
				}
				for _, d := range m.Dists {
					n, known, ok := in.Published.N(d.Key)
					if !ok {
						t.Errorf("%s: not a published table", d.Key)
						continue
					}
					if known != (d.N != nil && !d.NInferred) || known && *d.N != n {
						t.Errorf("%s: N = %v (inferred %v), published %d known %v", d.Key, deref(d.N), d.NInferred, n, known)
					}
					for i, c := range d.Cats {
						v, known, inferred, ok := in.Published.Count(d.Key, i+1)
						switch {
						case !ok:
							t.Errorf("%s row %d: no such published row", d.Key, i+1)
						case known || inferred:
							if c.Count == nil || *c.Count != v || c.Inferred != inferred {
								t.Errorf("%s row %d (%s): count %v inferred %v, published %d inferred %v", d.Key, i+1, c.Code, deref(c.Count), c.Inferred, v, inferred)
							}
						case c.Count != nil:
							t.Errorf("%s row %d: count %d where the report lost it", d.Key, i+1, *c.Count)
						}
					}
				}
			}
			for _, it := range in.Questionnaire.Items {
				if !isScale(it) {
					continue
				}
				found := false
				for _, p := range m.Profiles(Answers{}) {
					found = found || p.Item == it.ID
				}
				if !found && in.Published != nil && in.Published.Spec(it.Number) != nil {
					t.Errorf("scale item %s has a table but no profile", it.Number)
				}
			}
			files, err := Render(in)
			if err != nil {
				t.Fatal(err)
			}
			for name, data := range files {
				committed, err := os.ReadFile(filepath.Join(reports, e.Name(), name))
				if err != nil {
					t.Errorf("%s is not committed: %v (run `go run ./cmd/csirtsurvey build`)", name, err)
					continue
				}
				if !bytes.Equal(committed, data) {
					t.Errorf("reports/%s/%s differs from what Render writes (run `go run ./cmd/csirtsurvey build`)", e.Name(), name)
				}
			}
		})
	}
	if years == 0 {
		t.Fatal("no survey year under " + schemas)
	}
}

// firstProvenance reads the provenance of the first respondent row, "" when
// the year has no responses.csv (the build's provenance is the rows'; a
// mixed file is reported as "" by the build, which this test does not cover).
func firstProvenance(t testing.TB, path string) survey.Provenance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range head {
		if h == "provenance" && row[i] != "" {
			return survey.Provenance(row[i])
		}
	}
	return survey.Collected
}
