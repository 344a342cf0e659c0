package questionnaire

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

func readMinimal(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestParseMinimal(t *testing.T) {
	q, err := Parse("minimal.yaml", []byte(readMinimal(t)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := len(q.Items); got != 6 {
		t.Fatalf("items = %d, want 6", got)
	}
	policy := q.Item("1.5")
	if policy == nil || policy.Set() == nil || policy.Set().Name != "scale" || !policy.Ordered() {
		t.Fatalf("item 1.5 should resolve option set scale (ordered), got %+v", policy)
	}
	if got := len(policy.Choices()); got != 2 {
		t.Errorf("1.5 choices = %d, want 2 from the set", got)
	}
	if lvl := policy.Choices()[0].SIM3Level; lvl == nil || *lvl != 4 {
		t.Errorf("scale a sim3_level = %v, want 4", lvl)
	}
	sources := q.ItemByID("sources")
	if sources.Relevance.String() != "1.1 in (a)" {
		t.Errorf("relevance = %q", sources.Relevance.String())
	}
	if p, want := sources.Pos(), yamlsrctest.LineOf(t, readMinimal(t), "id: sources", 1); p.Line != want || p.Column != 5 {
		t.Errorf("item 1.2 position = %+v, want line %d column 5", p, want)
	}
	if !sources.Choices()[1].Exclusive {
		t.Error("1.2 (e) should be exclusive")
	}
	m := q.Item("1.6")
	if m.Cells[1].Relevance.String() != "cell provision in (provided)" {
		t.Errorf("cell relevance = %q", m.Cells[1].Relevance.String())
	}
	if q.SetOrder[0] != "scale" {
		t.Errorf("SetOrder = %v", q.SetOrder)
	}
	mem := q.Item("1.3")
	if !mem.Bins[0].Contains(4) || mem.Bins[0].Contains(5) || !mem.Bins[1].Contains(500) {
		t.Error("bins do not cover their ranges")
	}
}

func TestParseErrors(t *testing.T) {
	base := readMinimal(t)
	tests := []struct {
		name     string
		old, new string // replace the first occurrence of old by new
		kind     error
		item     string
		want     string // substring of the message
		marker   string // the error is on the line holding this text ...
		nth      int    // ... at this occurrence (default 1)
	}{
		{"duplicate id", "id: sources", "id: kind", ErrDuplicate, "1.2", `id "kind" is already used by item 1.1`, "id: kind", 2},
		{"duplicate number", `number: "1.2"`, `number: "1.1"`, ErrDuplicate, "1.1", "number 1.1 is already used", `number: "1.1"`, 2},
		{"duplicate option code", "      - code: e\n", "      - code: a\n", ErrDuplicate, "1.2", `option code "a" is already used`, "- code: a", 4},
		{"duplicate set option code", "      - code: b\n        label_ja: 低", "      - code: a\n        label_ja: 低", ErrDuplicate, "", `option code "a" is already used`, "- code: a", 2},
		{"coded collides with option", "code: mixed", "code: a", ErrDuplicate, "1.1", `coded category code "a"`, "- code: a", 3},
		{"relevance unknown item", `item: "1.1"`, `item: "9.9"`, ErrUnknownRef, "1.2", `relevance names unknown item "9.9"`, `item: "9.9"`, 1},
		{"relevance unknown code", "any_of: [a]", "any_of: [a, z]", ErrUnknownRef, "1.2", `item 1.1 has no option "z"`, "any_of: [a, z]", 1},
		{"relevance on non-choice item", `item: "1.1"`, `item: "1.3"`, ErrUnknownRef, "1.2", `unknown item "1.3"`, `item: "1.3"`, 1},
		{"cell relevance unknown cell", "cell: provision", "cell: nothing", ErrUnknownRef, "1.6", `unknown cell "nothing"`, "cell: nothing", 1},
		{"cell relevance unknown code", "any_of: [provided]", "any_of: [maybe]", ErrUnknownRef, "1.6", `cell provision has no option "maybe"`, "any_of: [maybe]", 1},
		{"missing text_en", "    text_en: Kind\n", "", ErrMissing, "1.1", "text_en is required", "id: kind", 1},
		{"missing option label", "        label_en: High\n", "", ErrMissing, "", "label_en is required", "- code: a", 1},
		{"unknown type", "type: year_month", "type: date", ErrUnknownType, "1.4", `unknown type "date" (allowed: single, multi`, "type: date", 1},
		{"undefined option set", "option_set: scale", "option_set: scale9", ErrUndefinedSet, "1.5", `option_set "scale9" is not defined`, "option_set: scale9", 1},
		{"unknown key", "    sim3: O-11", "    sim3: O-11\n    colour: red", ErrUnknownKey, "1.5", `unknown key "colour"`, "colour: red", 1},
		{"bad yaml", "  - id: started", "  - id: [started", ErrSyntax, "", "", "", 0},
		{"wrong format", "format: csirt-survey/questionnaire/v1", "format: v0", ErrInvalid, "", `format is "v0"`, "format: v0", 1},
		{"exclusive on single", "        label_en: A\n      - code: b", "        label_en: A\n        exclusive: true\n      - code: b", ErrInvalid, "1.1", "exclusive applies to multi items", "exclusive: true", 1},
		{"overlapping bins", "        min: 5\n", "        min: 3\n", ErrInvalid, "1.3", "bin 5plus overlaps bin lt5", "- code: 5plus", 1},
		{"options on integer", "    unit_ja: 人", "    option_set: scale\n    unit_ja: 人", ErrInvalid, "1.3", "option_set is not allowed on a integer item", "option_set: scale", 1},
		{"both options and set", "    option_set: scale\n    sim3", "    option_set: scale\n    options:\n      - code: z\n        label_ja: z\n        label_en: z\n    sim3", ErrInvalid, "1.5", "has both options and option_set", "option_set: scale", 1},
		{"row names unknown group", "        group: g1\n        label_ja: 警告", "        group: g2\n        label_ja: 警告", ErrUnknownRef, "1.6", `row a names unknown group "g2"`, "group: g2", 1},
		{"undeclared section", `number: "1.4"`, `number: "2.4"`, ErrUnknownRef, "2.4", "section 2 is not declared", `number: "2.4"`, 1},
		{"bad id", "id: started", "id: Started-At", ErrInvalid, "1.4", "must be snake_case", "id: Started-At", 1},
		{"sim3 level out of range", "sim3_level: 4", "sim3_level: 7", ErrInvalid, "", "sim3_level 7 is outside 0-4", "sim3_level: 7", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			q, err := Parse("broken.yaml", []byte(doc))
			if q != nil {
				t.Fatal("a broken questionnaire must not be returned")
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v is not %v", err, tc.kind)
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			var hit *Error
			for _, e := range list {
				if errors.Is(e, tc.kind) && strings.Contains(e.Msg, tc.want) {
					hit = e
					break
				}
			}
			if hit == nil {
				t.Fatalf("no %v error containing %q in:\n%v", tc.kind, tc.want, err)
			}
			if hit.File != "broken.yaml" {
				t.Errorf("File = %q", hit.File)
			}
			if want := "item " + tc.item; (tc.item == "" && hit.Context != "") || (tc.item != "" && hit.Context != want) {
				t.Errorf("Context = %q, want item %q (%v)", hit.Context, tc.item, hit)
			}
			if tc.marker != "" {
				if want := yamlsrctest.LineOf(t, doc, tc.marker, tc.nth); hit.Line != want {
					t.Errorf("line = %d, want %d (%v)", hit.Line, want, hit)
				}
			} else if hit.Line == 0 {
				t.Errorf("syntax error without a line: %v", hit)
			}
			if !strings.HasPrefix(hit.Error(), "broken.yaml:") {
				t.Errorf("message %q does not start with the file name", hit.Error())
			}
		})
	}
}

func TestParseReportsAllErrors(t *testing.T) {
	doc := readMinimal(t)
	doc = strings.Replace(doc, "id: sources", "id: kind", 1)
	doc = strings.Replace(doc, "option_set: scale", "option_set: nothing", 1)
	doc = strings.Replace(doc, "type: year_month", "type: date", 1)
	_, err := Parse("x.yaml", []byte(doc))
	for _, kind := range []error{ErrDuplicate, ErrUndefinedSet, ErrUnknownType} {
		if !errors.Is(err, kind) {
			t.Errorf("missing %v in:\n%v", kind, err)
		}
	}
	if n := len(err.(ErrorList)); n != 3 {
		t.Errorf("got %d errors, want exactly 3:\n%v", n, err)
	}
}

func TestParseEmptyAndNonMapping(t *testing.T) {
	for _, doc := range []string{"", "# only a comment\n", "- a\n- b\n", "just text"} {
		if _, err := Parse("e.yaml", []byte(doc)); err == nil {
			t.Errorf("Parse(%q) succeeded", doc)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
}
