package assess

import (
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// loadYear reads a year's inputs with LoadYear (no built datasets) and sets
// the provenance the test names.
func loadYear(t testing.TB, schemas, raw string, year int, prov survey.Provenance) Inputs {
	t.Helper()
	in, err := LoadYear(Dirs{Schemas: schemas, Raw: raw}, year)
	if err != nil {
		t.Fatal(err)
	}
	in.Provenance = prov
	return in
}
