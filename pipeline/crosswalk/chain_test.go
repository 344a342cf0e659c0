package crosswalk

import (
	"reflect"
	"slices"
	"testing"
)

func TestToPrevious(t *testing.T) {
	cw := mustCrosswalk(t, cw2099Path)
	tests := []struct {
		concept, code string
		want          []string
	}{
		{"incident_role", "coordinator", []string{"c"}},
		{"incident_role", "a", []string{"a"}},
		{"constituency", "a1", []string{"a"}},
		{"constituency", "a2", []string{"a"}},
		{"constituency", "b", []string{"b"}},
		{"soc", "a", []string{"a"}},
	}
	for _, tc := range tests {
		if got := cw.ToPrevious(tc.concept, tc.code); !slices.Equal(got, tc.want) {
			t.Errorf("ToPrevious(%s, %s) = %v, want %v", tc.concept, tc.code, got, tc.want)
		}
	}
	if p, ok := cw.PreviousConcept("public_web_page"); !ok || p != "web_page" {
		t.Errorf("PreviousConcept(public_web_page) = %q, %v", p, ok)
	}
	if _, ok := cw.PreviousConcept("threat_intel_platform"); ok {
		t.Error("an added concept has no previous concept")
	}
	if p, ok := cw.PreviousConcept("soc"); !ok || p != "soc" {
		t.Errorf("PreviousConcept(soc) = %q, %v", p, ok)
	}
	var none *Crosswalk
	if got := none.ToPrevious("soc", "b"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("nil crosswalk: %v", got)
	}
	merged, err := Parse("m.yaml", []byte("format: "+Format+"\nfrom: 2015\noptions:\n  - concept: report_audience\n    merged: [{from: [a, b], to: internal}]\n    added: [d]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := merged.ToPrevious("report_audience", "internal"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("merge: %v", got)
	}
	if got := merged.ToPrevious("report_audience", "d"); got != nil {
		t.Errorf("added code: %v, want nil", got)
	}
}

func TestChainMap(t *testing.T) {
	// 2015 -> 2099 (the fictional crosswalk) -> 2100 (merges the 2099 split back, renames 4.7 again).
	cw2100, err := Parse("schemas/2100/crosswalk.yaml", []byte(`format: csirt-survey/crosswalk/v1
from: 2099
renamed_items: [{from: public_web_page, to: web_presence}]
added_items: [ai_usage]
options:
  - concept: constituency
    merged: [{from: [a1, a2], to: own}]
  - concept: threat_intel_platform
    split: [{from: a, to: [a_daily, a_sometimes]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	ch := NewChain(2015)
	if err := ch.Add(2099, mustCrosswalk(t, cw2099Path)); err != nil {
		t.Fatal(err)
	}
	if err := ch.Add(2100, cw2100); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.Years(), []int{2015, 2099, 2100}) {
		t.Errorf("Years = %v", ch.Years())
	}
	tests := []struct {
		year          int
		concept, code string
		want          Origin
	}{
		{2100, "constituency", "own", Origin{2015, "constituency", []string{"a"}}},
		{2099, "constituency", "a2", Origin{2015, "constituency", []string{"a"}}},
		{2100, "constituency", "b", Origin{2015, "constituency", []string{"b"}}},
		{2100, "web_presence", "b", Origin{2015, "web_page", []string{"b"}}},
		{2100, "web_presence", "", Origin{2015, "web_page", nil}},
		{2099, "incident_role", "coordinator", Origin{2015, "incident_role", []string{"c"}}},
		{2100, "threat_intel_platform", "a_daily", Origin{2099, "threat_intel_platform", []string{"a"}}},
		{2100, "ai_usage", "a", Origin{2100, "ai_usage", []string{"a"}}},
		{2015, "soc", "a", Origin{2015, "soc", []string{"a"}}},
	}
	for _, tc := range tests {
		got, err := ch.Map(tc.year, tc.concept, tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Map(%d, %s, %s) = %+v, want %+v", tc.year, tc.concept, tc.code, got, tc.want)
		}
	}
	if _, err := ch.Map(2016, "soc", "a"); err == nil {
		t.Error("Map of a year outside the chain should fail")
	}
}

func TestChainAdd(t *testing.T) {
	ch := NewChain(2015)
	if err := ch.Add(2015, nil); err == nil {
		t.Error("a year that does not follow the last should be refused")
	}
	if err := ch.Add(2017, mustCrosswalk(t, cw2099Path)); err != nil {
		t.Errorf("from 2015 leads to 2017: %v", err)
	}
	if err := ch.Add(2018, mustCrosswalk(t, cw2099Path)); err == nil {
		t.Error("a crosswalk from 2015 cannot follow 2017")
	}
	// A year without a crosswalk (unchanged questionnaire) passes codes through.
	if err := ch.Add(2019, nil); err != nil {
		t.Fatal(err)
	}
	got, err := ch.Map(2019, "constituency", "a1")
	if err != nil || !reflect.DeepEqual(got, Origin{2015, "constituency", []string{"a"}}) {
		t.Errorf("Map through a year without crosswalk = %+v, %v", got, err)
	}
}

func TestChainBinnedAndUnknown(t *testing.T) {
	cw, err := Parse("schemas/2099/crosswalk.yaml", []byte(`format: csirt-survey/crosswalk/v1
from: 2015
removed_items: [skill_measurement]
unknown_items: all_others
binned_items:
  - {from: current_members, to: current_members_range, bins: [{from: lt5, to: a}, {from: 20plus, to: d}]}
options:
  - concept: report_audience
    removed: [a]
    unknown: [b]
`))
	if err != nil {
		t.Fatal(err)
	}
	ch := NewChain(2015)
	if err := ch.Add(2099, cw); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		concept, code string
		want          Origin
	}{
		{"current_members_range", "a", Origin{2015, "current_members", []string{"lt5"}}},
		{"current_members_range", "d", Origin{2015, "current_members", []string{"20plus"}}},
		{"current_members_range", "z", Origin{2099, "current_members_range", []string{"z"}}}, // not mapped: starts in 2099
	} {
		got, err := ch.Map(2099, tc.concept, tc.code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Map(2099, %s, %s) = %+v, want %+v", tc.concept, tc.code, got, tc.want)
		}
	}
	step := ch.Step(2099)
	if step != cw || ch.Step(2015) != nil {
		t.Fatalf("Step(2099) = %p, Step(2015) = %p", step, ch.Step(2015))
	}
	for concept, want := range map[string]bool{"soc": true, "skill_measurement": false, "current_members": false} {
		if got := step.UnknownConcept(concept); got != want {
			t.Errorf("UnknownConcept(%s) = %v, want %v", concept, got, want)
		}
	}
	for code, want := range map[string]bool{"a": false, "b": true, "c": false} {
		if got := step.UnknownCode("report_audience", code); got != want {
			t.Errorf("UnknownCode(report_audience, %s) = %v, want %v", code, got, want)
		}
	}
	if (*Crosswalk)(nil).UnknownConcept("soc") {
		t.Error("a year without crosswalk has nothing unknown")
	}
}
