package crosswalk

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

func TestLoadFictional(t *testing.T) {
	cw := mustCrosswalk(t, cw2099Path)
	if cw.From != 2015 || cw.Format != Format || cw.File != cw2099Path {
		t.Errorf("from %d, format %q, file %q", cw.From, cw.Format, cw.File)
	}
	if len(cw.RenamedItems) != 1 || cw.RenamedItems[0].To != "public_web_page" {
		t.Errorf("renamed_items = %+v", cw.RenamedItems)
	}
	if !slices.Equal(cw.AddedItems, []string{"threat_intel_platform"}) || !slices.Equal(cw.RemovedItems, []string{"skill_measurement"}) {
		t.Errorf("added %v, removed %v", cw.AddedItems, cw.RemovedItems)
	}
	if len(cw.Options) != 2 || !slices.Equal(cw.Options[1].Split[0].To, []string{"a1", "a2"}) {
		t.Errorf("options = %+v", cw.Options)
	}
}

func TestLoadOptional(t *testing.T) {
	cw, err := LoadOptional(filepath.Join(t.TempDir(), FileName))
	if cw != nil || err != nil {
		t.Errorf("absent file: %v, %v; want nil, nil", cw, err)
	}
	if _, err := LoadOptional(cw2099Path); err != nil {
		t.Error(err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), FileName)); err == nil {
		t.Error("Load of an absent file should fail")
	}
}

func TestParseErrors(t *testing.T) {
	data, err := os.ReadFile(cw2099Path)
	if err != nil {
		t.Fatal(err)
	}
	base := string(data)
	tests := []struct {
		name   string
		edits  []edit
		kind   error
		marker string // the error is on the line holding this text ("" = no line)
		msg    string
	}{
		{"from missing", []edit{{"from: 2015\n", ""}}, yamlsrc.ErrMissing, "", "from is required"},
		{"implausible from", []edit{{"from: 2015\n", "from: 15\n"}}, yamlsrc.ErrInvalid, "from: 15", "from 15 is not a plausible survey year"},
		{"wrong format", []edit{{"format: csirt-survey/crosswalk/v1", "format: crosswalk"}}, yamlsrc.ErrInvalid, "format: crosswalk", `format is "crosswalk", want "csirt-survey/crosswalk/v1"`},
		{"unknown key", []edit{{"removed_items:\n", "deleted_items: []\nremoved_items:\n"}}, yamlsrc.ErrUnknownKey, "deleted_items", `unknown key "deleted_items"`},
		{"syntax", []edit{{"  - threat_intel_platform\n", "  - [threat_intel_platform\n"}}, yamlsrc.ErrSyntax, "", ""},
		{"concept not snake_case", []edit{{"  - threat_intel_platform\n", "  - ThreatIntel\n"}}, yamlsrc.ErrInvalid, "- ThreatIntel", `added_items[0]: concept "ThreatIntel" must be snake_case`},
		{"concept added twice", []edit{{"  - threat_intel_platform\n", "  - threat_intel_platform\n  - threat_intel_platform\n"}}, yamlsrc.ErrDuplicate, "", "added_items[1]: threat_intel_platform is already named by added_items[0]"},
		{"concept added and removed", []edit{{"  - skill_measurement\n", "  - skill_measurement\n  - threat_intel_platform\n"}}, yamlsrc.ErrInvalid, "", "concept threat_intel_platform is named by removed_items[1] (a previous year's concept) and by added_items[0]"},
		{"item renamed to itself", []edit{{"to: public_web_page", "to: web_page"}}, yamlsrc.ErrInvalid, "{from: web_page, to: web_page}", "renames web_page to itself"},
		{"rename without to", []edit{{"{from: web_page, to: public_web_page}", "{from: web_page}"}}, yamlsrc.ErrMissing, "{from: web_page}", "renamed_items[0].to: a concept id is required"},
		{"entry without change", []edit{{"      - {from: c, to: coordinator}\n", ""}}, yamlsrc.ErrMissing, "- concept: incident_role", "the entry lists no change"},
		{"entry without concept", []edit{{"  - concept: incident_role\n    renamed:", "  - renamed:"}}, yamlsrc.ErrMissing, "", "options[0].concept: a concept id is required"},
		{"two entries for one concept", []edit{{"  - concept: constituency\n", "  - concept: incident_role\n"}}, yamlsrc.ErrDuplicate, "", "concept incident_role already has an entry (options[0])"},
		{"merge of one code", []edit{{"options:\n", "options:\n  - concept: report_audience\n    merged: [{from: [a], to: x}]\n"}}, yamlsrc.ErrInvalid, "merged: [{from: [a], to: x}]", "merged[0]: a merge needs at least two codes in from"},
		{"split into one code", []edit{{"to: [a1, a2]", "to: [a1]"}}, yamlsrc.ErrInvalid, "to: [a1]", "split[0]: a split needs at least two codes in to"},
		{"code mapped twice", []edit{{"    split:\n", "    removed: [a]\n    split:\n"}}, yamlsrc.ErrDuplicate, "removed: [a]", "removed[0]: a is already named by split[0].from"},
		{"unknown_items neither a list nor all_others", []edit{{"removed_items:\n", "unknown_items: everything\nremoved_items:\n"}}, yamlsrc.ErrInvalid, "", "must be all_others or a list of names"},
		{"unknown item also removed", []edit{{"removed_items:\n", "unknown_items: [skill_measurement]\nremoved_items:\n"}}, yamlsrc.ErrDuplicate, "", "unknown_items[0]: skill_measurement is already named by removed_items[0]"},
		{"binned item without bins", []edit{{"options:\n", "binned_items:\n  - {from: current_members, to: current_members_range}\noptions:\n"}}, yamlsrc.ErrMissing, "- {from: current_members", "bins is required"},
		{"binned range mapped twice", []edit{{"options:\n", "binned_items:\n  - {from: current_members, to: current_members_range, bins: [{from: lt5, to: a}, {from: lt5, to: b}]}\noptions:\n"}}, yamlsrc.ErrDuplicate, "", "bins[1].from: lt5 is already named by bins[0].from"},
		{"bad code", []edit{{"to: coordinator", "to: co-ordinator"}}, yamlsrc.ErrInvalid, "to: co-ordinator", `renamed[0].to: code "co-ordinator": use letters, digits and _ only`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := apply(t, base, tc.edits)
			cw, err := Parse("crosswalk.yaml", []byte(doc))
			if cw != nil {
				t.Fatal("an invalid crosswalk must not be returned")
			}
			hit := yamlsrctest.Find(t, err, tc.kind, tc.msg)
			if tc.marker != "" {
				if want := lineOf(t, doc, tc.marker); hit.Line != want {
					t.Errorf("line %d, want %d (%v)", hit.Line, want, hit)
				}
			}
			if !strings.HasPrefix(hit.Error(), "crosswalk.yaml:") {
				t.Errorf("%q does not start with the file name", hit.Error())
			}
		})
	}
}

func TestTemplateParses(t *testing.T) {
	cw, err := Parse("t.yaml", Template(2015))
	if err != nil {
		t.Fatal(err)
	}
	if cw.From != 2015 || len(cw.RenamedItems)+len(cw.AddedItems)+len(cw.RemovedItems)+len(cw.Options) != 0 {
		t.Errorf("template = %+v", cw)
	}
	for _, key := range []string{"renamed_items", "added_items", "removed_items", "options", "merged", "split"} {
		if !strings.Contains(string(Template(2015)), key) {
			t.Errorf("template does not explain %s", key)
		}
	}
}
