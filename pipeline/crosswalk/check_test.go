package crosswalk

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// fixture holds the texts of the fictional 2015 and 2099 questionnaires and
// the 2099 crosswalk, to be varied by a test case.
type fixture struct {
	prev, cur, cw string
}

func readFixture(t *testing.T) fixture {
	t.Helper()
	read := func(p string) string {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	return fixture{read(q2015Path), read(q2099Path), read(cw2099Path)}
}

// edit is a replacement of the single occurrence of old by new.
type edit struct{ old, new string }

func apply(t *testing.T, doc string, edits []edit) string {
	t.Helper()
	for _, e := range edits {
		if n := strings.Count(doc, e.old); n != 1 {
			t.Fatalf("fixture holds %q %d times, want once", e.old, n)
		}
		doc = strings.Replace(doc, e.old, e.new, 1)
	}
	return doc
}

// lineOf returns the 1-based line of doc holding marker (which must be unique).
func lineOf(t *testing.T, doc, marker string) int {
	t.Helper()
	line := 0
	for i, l := range strings.Split(doc, "\n") {
		if strings.Contains(l, marker) {
			if line != 0 {
				t.Fatalf("marker %q is not unique", marker)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("marker %q not in document", marker)
	}
	return line
}

// want is one error Check must report: its kind, the file it is in ("prev",
// "cur" or "cw"), the line (of marker in that file, plus offset), its
// context and a substring of its message.
type want struct {
	kind   error
	file   string
	marker string
	offset int
	ctx    string
	msg    string
}

type checkCase struct {
	name          string
	prev, cur, cw []edit
	noCrosswalk   bool
	count         int // number of errors expected (0: at least the wants)
	wants         []want
}

// run applies the case's edits, loads the three files and returns Check's result.
func (tc checkCase) run(t *testing.T, f fixture) (fixture, error) {
	t.Helper()
	f = fixture{apply(t, f.prev, tc.prev), apply(t, f.cur, tc.cur), apply(t, f.cw, tc.cw)}
	prev, err := questionnaire.Parse(q2015Path, []byte(f.prev))
	if err != nil {
		t.Fatalf("2015 questionnaire: %v", err)
	}
	cur, err := questionnaire.Parse(q2099Path, []byte(f.cur))
	if err != nil {
		t.Fatalf("2099 questionnaire: %v", err)
	}
	var cw *Crosswalk
	if !tc.noCrosswalk {
		if cw, err = Parse(cw2099Path, []byte(f.cw)); err != nil {
			t.Fatalf("crosswalk: %v", err)
		}
	}
	return f, Check(prev, cur, cw)
}

var crosswalkFile = cw2099Path

func TestCheckReportsEachUnexplainedDifference(t *testing.T) {
	base := readFixture(t)
	tests := []checkCase{
		// Each line (or entry) of the fictional crosswalk removed: the error names the entry to add.
		{name: "renamed item removed", cw: []edit{{"  - {from: web_page, to: public_web_page}\n", ""}}, count: 2, wants: []want{
			{ErrUnexplained, "cur", "- id: public_web_page", 0, "item 4.7 (public_web_page)",
				"2015 has no item with concept public_web_page: add public_web_page to added_items, or {from: <2015 concept>, to: public_web_page} to renamed_items, in " + crosswalkFile},
			{ErrUnexplained, "prev", "- id: web_page", 0, "item 4.7 (web_page)",
				"2099 has no item with concept web_page: add web_page to removed_items, or {from: web_page, to: <2099 concept>} to renamed_items, in " + crosswalkFile},
		}},
		{name: "added item removed", cw: []edit{{"  - threat_intel_platform\n", ""}}, count: 1, wants: []want{
			{ErrUnexplained, "cur", "- id: threat_intel_platform", 0, "item 5.3 (threat_intel_platform)", "add threat_intel_platform to added_items"},
		}},
		{name: "removed item removed", cw: []edit{{"  - skill_measurement\n", ""}}, count: 1, wants: []want{
			{ErrUnexplained, "prev", "- id: skill_measurement", 0, "item 3.8 (skill_measurement)", "add skill_measurement to removed_items"},
		}},
		{name: "option rename removed", cw: []edit{{"  - concept: incident_role\n    renamed:\n      - {from: c, to: coordinator}\n", ""}}, count: 2, wants: []want{
			{ErrUnexplained, "prev", "label_ja: コーディネーター(調整役)", -1, "item 2.2 (incident_role)",
				"option c exists in 2015 but not in 2099: add c to options[concept: incident_role].removed, or make it the from of a renamed, merged or split entry there, in " + crosswalkFile},
			{ErrUnexplained, "cur", "- code: coordinator", 0, "item 2.2 (incident_role)",
				"option coordinator exists in 2099 but not in 2015: add coordinator to options[concept: incident_role].added, or make it the to of a renamed, merged or split entry there"},
		}},
		{name: "option split removed", cw: []edit{{"  - concept: constituency\n    split:\n      - {from: a, to: [a1, a2]}\n", ""}}, count: 3, wants: []want{
			{ErrUnexplained, "prev", "label_en: Users within the own organisation", -2, "item 2.3 (constituency)", "option a exists in 2015 but not in 2099: add a to options[concept: constituency].removed"},
			{ErrUnexplained, "cur", "- code: a1", 0, "item 2.3 (constituency)", "option a1 exists in 2099 but not in 2015: add a1 to options[concept: constituency].added"},
			{ErrUnexplained, "cur", "- code: a2", 0, "item 2.3 (constituency)", "option a2 exists in 2099 but not in 2015"},
		}},
		{name: "no crosswalk", noCrosswalk: true, count: 10, wants: []want{
			{ErrNoCrosswalk, "cw", "", 0, "", "there is no crosswalk: create " + crosswalkFile + " with format: csirt-survey/crosswalk/v1 and from: 2015"},
			{ErrUnexplained, "cur", "- id: threat_intel_platform", 0, "item 5.3 (threat_intel_platform)", "add threat_intel_platform to added_items"},
		}},

		// Changes of the questionnaire that the crosswalk cannot or does not describe.
		{name: "type changed", cur: []edit{{"  - id: asset_management\n    number: \"5.1\"\n    type: single", "  - id: asset_management\n    number: \"5.1\"\n    type: multi"}}, count: 1, wants: []want{
			{ErrUnexplained, "cur", "- id: asset_management", 2, "item 5.1 (asset_management)",
				"type changed from single (2015) to multi (2099): a question whose kind of answer changed is a new question: give the 2099 item a new id (its column in responses must not change type), add asset_management to removed_items and the new id to added_items"},
		}},
		// Following the advice with a new concept but the old id keeps the column name with another type.
		{name: "type changed under the same id", cur: []edit{{"  - id: asset_management\n    number: \"5.1\"\n    type: single", "  - id: asset_management\n    concept: asset_inventory\n    number: \"5.1\"\n    type: multi"}},
			cw: []edit{{"  - threat_intel_platform\n", "  - threat_intel_platform\n  - asset_inventory\n"}, {"  - skill_measurement\n", "  - skill_measurement\n  - asset_management\n"}}, count: 1, wants: []want{
				{ErrUnexplained, "cur", "- id: asset_management", 0, "item 5.1 (asset_inventory)",
					"column asset_management of processed/responses is dictionary<values=utf8, indices=int8, ordered=false> in 2015 (item 5.1) but list<item: utf8, nullable> in 2099: a column keeps its type across years, so that every year reads in one call; give the 2099 item a new id (the column name), with its concept listed in added_items of " + crosswalkFile},
			}},
		{name: "unknown item that is asked", cw: []edit{{"removed_items:\n", "unknown_items: [soc]\nremoved_items:\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "unknown_items: [soc]", 0, "unknown_items[0]", "2099 still has item 2.14 with concept soc"},
		}},
		{name: "removed item without entry, unknown suggested", cw: []edit{{"  - skill_measurement\n", ""}}, count: 1, wants: []want{
			{ErrUnexplained, "prev", "- id: skill_measurement", 0, "item 3.8 (skill_measurement)", "if 2099's sources do not show whether it was asked, add it to unknown_items"},
		}},
		{name: "binned item: a bin not mapped, an option not mapped", cur: binnedCur,
			cw: []edit{{"options:\n", strings.Replace(binnedEntry, ", {from: 20plus, to: d}", "", 1)}}, count: 2, wants: []want{
				{ErrUnexplained, "cw", "- from: current_members", 0, "binned_items[current_members -> current_members_range]", "2015 item 3.3's bin 20plus is not mapped"},
				{ErrUnexplained, "cur", "{code: d, label_ja: 20人以上", 0, "item 3.3 (current_members_range)", "option d is not the to of a bin of 2015 item 3.3"},
			}},
		{name: "unknown option in both years", cw: []edit{{"      - {from: a, to: [a1, a2]}\n", "      - {from: a, to: [a1, a2]}\n    unknown: [b]\n"}}, count: 1, wants: []want{
			{ErrUnexplained, "cw", "unknown: [b]", 0, "options[concept: constituency]", "unknown[0] maps 2015's option b away, but 2099 item 2.3 still has option b"},
		}},
		{name: "label_ja changed", cur: []edit{{"label_ja: 存在する", "label_ja: 公開している"}}, count: 1, wants: []want{
			{ErrUnexplained, "cur", "label_ja: 公開している", -1, "item 4.7 (public_web_page; 2015: 4.7, web_page)",
				`option a: label_ja changed from "存在する" (2015) to "公開している" (2099): if the answer means the same, add {from: a, to: a} to options[concept: public_web_page].renamed in ` + crosswalkFile},
		}},
		{name: "matrix cell changed", cur: []edit{{"label_ja: 提供している", "label_ja: 提供中"}}, count: 1, wants: []want{
			{ErrUnexplained, "cur", "- id: provision", 0, "item 2.9 (services)", `cell provision: option provided: label_ja changed from "提供している" to "提供中": the crosswalk records changes of a matrix's rows, not of its cells`},
		}},
		{name: "matrix row added", cur: []edit{{"      - code: w\n        group: other\n", "      - code: x\n        group: other\n        label_ja: 架空のサービス\n        label_en: Fictional service\n      - code: w\n        group: other\n"}}, count: 1, wants: []want{
			{ErrUnexplained, "cur", "- code: x", 0, "item 2.9 (services)", "row x exists in 2099 but not in 2015: add x to options[concept: services].added"},
		}},
		{name: "option removed", cur: []edit{{"      - code: c\n        label_ja: 社内全体\n        label_en: Whole company\n", ""}}, count: 1, wants: []want{
			{ErrUnexplained, "prev", "label_ja: 社内全体", -1, "item 7.1.1 (report_audience)", "option c exists in 2015 but not in 2099: add c to options[concept: report_audience].removed"},
		}},

		// Crosswalk entries that name what the questionnaires do not have.
		{name: "unknown concept added", cw: []edit{{"  - threat_intel_platform\n", "  - threat_intel_platform\n  - no_such_item\n"}}, count: 1, wants: []want{
			{ErrUnknownRef, "cw", "- no_such_item", 0, "added_items[1]", "2099 has no item with concept no_such_item"},
		}},
		{name: "unknown concept renamed", cw: []edit{{"{from: web_page, to: public_web_page}", "{from: web_pages, to: public_web_page}"}}, wants: []want{
			{ErrUnknownRef, "cw", "from: web_pages", 0, "renamed_items[0].from", "2015 has no item with concept web_pages"},
		}},
		{name: "added concept in both years", cw: []edit{{"  - threat_intel_platform\n", "  - threat_intel_platform\n  - soc\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "- soc", 0, "added_items[1]", "2015 has item 2.14 with concept soc too: a concept in both years is neither added nor renamed; remove this entry"},
		}},
		{name: "removed concept in both years", cw: []edit{{"  - skill_measurement\n", "  - skill_measurement\n  - soc\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "- soc", 0, "removed_items[1]", "2099 still has item 2.14 with concept soc"},
		}},
		{name: "unknown code in split", cw: []edit{{"{from: a, to: [a1, a2]}", "{from: z, to: [a1, a2]}"}}, wants: []want{
			{ErrUnknownRef, "cw", "{from: z, to: [a1, a2]}", 0, "options[concept: constituency]", "split[0].from: 2015 item 2.3 has no option z (options: a, b, c, d)"},
			{ErrUnexplained, "prev", "label_en: Users within the own organisation", -2, "item 2.3 (constituency)", "add a to options[concept: constituency].removed"},
		}},
		{name: "unknown code in rename", cw: []edit{{"to: coordinator}", "to: coord}"}}, wants: []want{
			{ErrUnknownRef, "cw", "to: coord}", 0, "options[concept: incident_role]", "renamed[0].to: 2099 item 2.2 has no option coord (options: a, b, coordinator, d)"},
		}},
		{name: "options entry names the old concept", cw: []edit{{"options:\n", "options:\n  - concept: web_page\n    added: [d]\n"}}, count: 1, wants: []want{
			{ErrUnknownRef, "cw", "- concept: web_page", 0, "options[concept: web_page]", "an options entry names the item's 2099 concept (concept: public_web_page)"},
		}},
		{name: "options entry for a new item", cw: []edit{{"options:\n", "options:\n  - concept: threat_intel_platform\n    added: [c]\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "- concept: threat_intel_platform", 0, "options[concept: threat_intel_platform]", "is new in 2099: its options need no entry"},
		}},
		{name: "options entry for an item without options", cw: []edit{{"options:\n", "options:\n  - concept: founding_members\n    added: [c]\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "- concept: founding_members", 0, "options[concept: founding_members]", "is of type integer and has no options"},
		}},
		{name: "from is not the previous year", cw: []edit{{"from: 2015\n", "from: 2014\n"}}, count: 1, wants: []want{
			{yamlsrc.ErrInvalid, "cw", "from: 2014", 0, "", "from is 2014, but the previous survey year is 2015: set from: 2015"},
		}},
		{name: "removed code still exists", cw: []edit{{"      - {from: a, to: [a1, a2]}\n", "      - {from: a, to: [a1, a2]}\n    removed: [b]\n"}}, count: 1, wants: []want{
			{ErrUnexplained, "cw", "removed: [b]", 0, "options[concept: constituency]", "removed[0] maps 2015's option b away, but 2099 item 2.3 still has option b: if it is a new answer, add b to added too"},
		}},
		{name: "to code exists in the previous year", cw: []edit{{"      - {from: c, to: coordinator}\n", "      - {from: c, to: coordinator}\n    merged:\n      - {from: [d, coordinator], to: b}\n"}}, wants: []want{
			{ErrUnexplained, "cw", "{from: [d, coordinator], to: b}", 0, "options[concept: incident_role]", "merged[0].to makes 2099's option b from other codes, but 2015 item 2.2 has option b too: say what became of it"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.run(t, base)
			var list yamlsrc.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Check returned %v (%T), want a non-empty ErrorList", err, err)
			}
			if tc.count > 0 && len(list) != tc.count {
				t.Errorf("%d errors, want %d:\n%v", len(list), tc.count, err)
			}
			for _, w := range tc.wants {
				var hit *yamlsrc.Error
				for _, e := range list {
					if errors.Is(e, w.kind) && strings.Contains(e.Msg, w.msg) {
						hit = e
						break
					}
				}
				if hit == nil {
					t.Errorf("no %v error containing %q in:\n%v", w.kind, w.msg, err)
					continue
				}
				file, doc := map[string][2]string{
					"prev": {q2015Path, f.prev}, "cur": {q2099Path, f.cur}, "cw": {cw2099Path, f.cw},
				}[w.file][0], map[string]string{"prev": f.prev, "cur": f.cur, "cw": f.cw}[w.file]
				if hit.File != file {
					t.Errorf("file %q, want %q (%v)", hit.File, file, hit)
				}
				wantLine := 0
				if w.marker != "" {
					wantLine = lineOf(t, doc, w.marker) + w.offset
				}
				if hit.Line != wantLine {
					t.Errorf("line %d, want %d (%v)", hit.Line, wantLine, hit)
				}
				if hit.Context != w.ctx {
					t.Errorf("context %q, want %q", hit.Context, w.ctx)
				}
			}
		})
	}
}

// binnedCur makes 2099's 3.3 a single choice among the ranges 2015 published
// its numbers in (new id and concept current_members_range); binnedEntry is
// its crosswalk entry.
var (
	binnedCur = []edit{
		{"  - id: current_members\n    number: \"3.3\"\n    type: integer\n    text_ja: 現在のメンバーの人数\n    text_en: Current number of members\n    unit_ja: 人\n    unit_en: persons\n    min: 0\n    bins:\n      - code: lt5\n        label_ja: 5名未満\n        label_en: Fewer than 5\n        max: 4\n      - code: 5to9\n        label_ja: 5名以上10名未満\n        label_en: 5 to 9\n        min: 5\n        max: 9\n      - code: 10to19\n        label_ja: 10名以上20名未満\n        label_en: 10 to 19\n        min: 10\n        max: 19\n      - code: 20plus\n        label_ja: 20名以上\n        label_en: 20 or more\n        min: 20\n    coded:\n      - code: at_least_5\n        label_ja: 5~\n        label_en: 5 or more (open range)\n        kind: other\n",
			"  - id: current_members_range\n    number: \"3.3\"\n    type: single\n    text_ja: 現在のメンバーの人数\n    text_en: Current number of members\n    options:\n      - {code: a, label_ja: 5人未満, label_en: Fewer than 5}\n      - {code: b, label_ja: 5人以上10人未満, label_en: 5 to 9}\n      - {code: c, label_ja: 10人以上20人未満, label_en: 10 to 19}\n      - {code: d, label_ja: 20人以上, label_en: 20 or more}\n    coded:\n      - code: at_least_5\n        label_ja: 5~\n        label_en: 5 or more (open range)\n        kind: other\n"},
	}
	binnedEntry = "binned_items:\n  - from: current_members\n    to: current_members_range\n    bins: [{from: lt5, to: a}, {from: 5to9, to: b}, {from: 10to19, to: c}, {from: 20plus, to: d}]\noptions:\n"
)

func TestCheckPasses(t *testing.T) {
	base := readFixture(t)
	tests := []checkCase{
		{name: "the fictional crosswalk"},
		{name: "new wording recorded as a rename to the same code",
			cur: []edit{{"label_ja: 存在する", "label_ja: 公開している"}},
			cw:  []edit{{"options:\n", "options:\n  - concept: public_web_page\n    renamed: [{from: a, to: a}]\n"}}},
		{name: "merge",
			cur: []edit{{"      - code: a\n        label_ja: 担当内\n        label_en: Within the responsible team\n      - code: b\n        label_ja: 関連部署内\n        label_en: Within related departments\n",
				"      - code: internal\n        label_ja: 担当内または関連部署内\n        label_en: Within the team or related departments\n"}},
			cw: []edit{{"options:\n", "options:\n  - concept: report_audience\n    merged: [{from: [a, b], to: internal}]\n"}}},
		{name: "a code reused for a new answer",
			cur: []edit{{"label_ja: 社内全体", "label_ja: 社外にも公開"}},
			cw:  []edit{{"options:\n", "options:\n  - concept: report_audience\n    removed: [c]\n    added: [c]\n"}}},
		{name: "an integer published in ranges asked as a choice among them", cur: binnedCur, cw: []edit{{"options:\n", binnedEntry}}},
		{name: "every other item unknown",
			cw: []edit{{"  - skill_measurement\n", ""}, {"removed_items:\n", "unknown_items: all_others\nremoved_items:\n"}}},
		{name: "listed items unknown, options unknown",
			cur: []edit{{"      - code: c\n        label_ja: 社内全体\n        label_en: Whole company\n", ""}},
			cw:  []edit{{"  - skill_measurement\n", ""}, {"removed_items:\n", "unknown_items: [skill_measurement]\nremoved_items:\n"}, {"options:\n", "options:\n  - concept: report_audience\n    unknown: all_others\n"}}},
		{name: "an id changed, the concept kept",
			cur: []edit{{"  - id: soc\n", "  - id: soc_in_place\n    concept: soc\n"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.run(t, base); err != nil {
				t.Fatalf("Check:\n%v", err)
			}
		})
	}
}

func TestCheckWithoutCrosswalkOnIdenticalYears(t *testing.T) {
	f := readFixture(t)
	prev := mustQuestionnaire(t, q2015Path)
	doc := apply(t, f.prev, []edit{{"  year: 2015\n", "  year: 2016\n"}, {"title_ja: 2015年度", "title_ja: 2016年度"}, {"FY2015", "FY2016"}})
	cur, err := questionnaire.Parse("schemas/2016/questionnaire.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(prev, cur, nil); err != nil {
		t.Errorf("identical questionnaires need no crosswalk: %v", err)
	}
	empty, err := Parse("schemas/2016/crosswalk.yaml", Template(2015))
	if err != nil {
		t.Fatalf("Template does not parse: %v", err)
	}
	if err := Check(prev, cur, empty); err != nil {
		t.Errorf("the empty template should pass for identical questionnaires: %v", err)
	}
}
