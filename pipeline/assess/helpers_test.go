package assess

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// loadYear reads a year's inputs the way the build does: the questionnaire,
// the published tables (when the year has specs), the claims and the
// recommendations.
func loadYear(t testing.TB, schemas, raw string, year int, prov string) Inputs {
	t.Helper()
	y := strconv.Itoa(year)
	q, err := questionnaire.Load(filepath.Join(schemas, y, "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	in := Inputs{Year: year, Questionnaire: q, Provenance: prov}
	specPath := filepath.Join(schemas, y, "tables.yaml")
	if _, err := os.Stat(specPath); err == nil {
		specs, err := published.LoadSpecs(specPath, q)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := published.LoadTranscription(filepath.Join(raw, y, "published"))
		if err != nil {
			t.Fatal(err)
		}
		var cs []claims.Claim
		if p := filepath.Join(raw, y, "claims.yaml"); fileExists(p) {
			if cs, err = claims.Load(p); err != nil {
				t.Fatal(err)
			}
		}
		var facts []published.Fact
		for _, f := range claims.ExactCounts(cs) {
			facts = append(facts, published.Fact{Key: f.Table, Row: f.Row, Value: f.Value})
		}
		pub, err := published.Join(q, specs, tables, facts)
		if err != nil {
			t.Fatal(err)
		}
		in.Published = pub
		if cs != nil {
			in.Claims = claims.Evaluate(cs, pub)
		}
	}
	var ids []string
	for _, c := range in.Claims {
		ids = append(ids, c.Claim.ID)
	}
	if in.Claims == nil {
		ids = nil
	}
	recs, err := LoadRecommendations(filepath.Join(raw, y, RecommendationsFile), q, ids)
	if err != nil {
		t.Fatal(err)
	}
	in.Recommendations = recs
	return in
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
