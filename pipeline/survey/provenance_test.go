package survey_test

import (
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

func TestMixLabelAndNote(t *testing.T) {
	for _, tc := range []struct {
		mix         survey.Mix
		label, note string
	}{
		{survey.Mix{survey.Collected: 66}, "collected", "as collected"},
		{survey.Mix{survey.Reconstructed: 66}, "reconstructed", "RECONSTRUCTED respondent rows (raw/2099/RECONSTRUCTION.md)"},
		{survey.Mix{survey.Synthetic: 5}, "synthetic", "SYNTHETIC"},
		{survey.Mix{survey.Synthetic: 5, survey.Collected: 3}, "mixed: collected=3, synthetic=5", "mixed provenance (mixed: collected=3, synthetic=5)"},
		{survey.Mix{}, "", "mixed provenance ()"},
	} {
		if got := tc.mix.Label(); got != tc.label {
			t.Errorf("%v: Label %q, want %q", tc.mix, got, tc.label)
		}
		if got := tc.mix.Note(2099); !strings.Contains(got, tc.note) {
			t.Errorf("%v: Note %q does not say %q", tc.mix, got, tc.note)
		}
	}
}

// Every provenance a row may carry is a value data.responses accepts, and
// the codes are the provenances in dictionary order.
func TestProvenanceCodes(t *testing.T) {
	codes := survey.ProvenanceCodes()
	if len(codes) != len(survey.Provenances) {
		t.Fatalf("%d codes for %d provenances", len(codes), len(survey.Provenances))
	}
	for i, p := range survey.Provenances {
		if codes[i] != string(p) || p == survey.RowsNone {
			t.Errorf("code %d = %q for %q", i, codes[i], p)
		}
	}
}
