package crosswalk

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// The fictional test tree: the 2015 questionnaire and the FICTIONAL year 2099.
var (
	fictional   = filepath.Join("..", "..", "testdata", "fictional")
	q2015Path   = filepath.Join(fictional, "schemas", "2015", "questionnaire.yaml")
	q2099Path   = filepath.Join(fictional, "schemas", "2099", "questionnaire.yaml")
	cw2099Path  = filepath.Join(fictional, "schemas", "2099", FileName)
	raw2099Path = filepath.Join(fictional, "raw", "2099")
)

func mustQuestionnaire(t testing.TB, path string) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return q
}

func mustCrosswalk(t testing.TB, path string) *Crosswalk {
	t.Helper()
	cw, err := Load(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return cw
}

func TestFictionalYearChecks(t *testing.T) {
	prev, cur := mustQuestionnaire(t, q2015Path), mustQuestionnaire(t, q2099Path)
	cw := mustCrosswalk(t, cw2099Path)
	if err := Check(prev, cur, cw); err != nil {
		t.Fatalf("Check of the fictional 2099 crosswalk:\n%v", err)
	}
	// The fictional year really differs from 2015 in every way the crosswalk records.
	if cur.ItemByConcept("skill_measurement") != nil || prev.ItemByConcept("threat_intel_platform") != nil {
		t.Error("2099 should drop skill_measurement and add threat_intel_platform")
	}
	if it := cur.ItemByConcept("incident_tracking"); it == nil || it.ID != "incident_tracking_system" {
		t.Errorf("2099 item 5.2 should keep concept incident_tracking under a new id, got %+v", it)
	}
	if cur.Survey.ID != "fictional-2099" {
		t.Errorf("survey.id = %q", cur.Survey.ID)
	}
}

func TestFictionalRawHasNoIssues(t *testing.T) {
	q := mustQuestionnaire(t, q2099Path)
	m, err := ingest.LoadMapping(filepath.Join(raw2099Path, "mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	rep, err := ingest.Read(context.Background(), q, filepath.Join(raw2099Path, "responses.csv"),
		ingest.Options{Year: 2099, Mapping: m, Order: [][2]string{{"1.5", "1.6"}}},
		func(rec arrow.Record) error { rows += int(rec.NumRows()); return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range rep.Issues {
		t.Errorf("issue: %v", is)
	}
	if rep.Err() != nil || rep.Accepted != 30 || rows != 30 {
		t.Errorf("accepted %d rows (emitted %d), want 30; err %v", rep.Accepted, rows, rep.Err())
	}
}

// The raw file of 2099 does not follow the contract: read without its
// mapping, it fails (so the test above exercises the mapping).
func TestFictionalRawNeedsMapping(t *testing.T) {
	q := mustQuestionnaire(t, q2099Path)
	rep, err := ingest.Read(context.Background(), q, filepath.Join(raw2099Path, "responses.csv"), ingest.Options{Year: 2099},
		func(arrow.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Err() == nil {
		t.Fatal("the 2099 raw file should not be readable without its mapping")
	}
}

// The fictional tree has no published tables: its builds reconcile nothing
// (2015's raw responses are the reconstructed ones, for the trends).
func TestFictionalTreeShape(t *testing.T) {
	for _, p := range []string{
		filepath.Join(fictional, "schemas", "2099", "tables.yaml"),
		filepath.Join(fictional, "schemas", "2015", "tables.yaml"),
		filepath.Join(raw2099Path, "published"),
	} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s should not exist", p)
		}
	}
	ents, err := os.ReadDir(filepath.Join(fictional, "schemas", "2015"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"questionnaire.yaml", "survey.yaml"}) {
		t.Errorf("schemas/2015 of the fictional tree holds %v, want only questionnaire.yaml and survey.yaml", names)
	}
}
