package claims

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readMinimal(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// lineOf returns the 1-based line of the nth (1-based) line of doc containing marker.
func lineOf(t *testing.T, doc, marker string, nth int) int {
	t.Helper()
	seen := 0
	for i, l := range strings.Split(doc, "\n") {
		if strings.Contains(l, marker) {
			seen++
			if seen == nth {
				return i + 1
			}
		}
	}
	t.Fatalf("marker %q (occurrence %d) not in document", marker, nth)
	return 0
}

func byID(t *testing.T, cs []Claim, id string) Claim {
	t.Helper()
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no claim %q", id)
	return Claim{}
}

func TestParseMinimal(t *testing.T) {
	doc := readMinimal(t)
	cs, err := Parse("minimal.yaml", []byte(doc), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(cs) != 7 {
		t.Fatalf("claims = %d, want 7", len(cs))
	}
	wantIDs := []string{"p27-advise", "p50-members", "p18-most", "p109-count", "p105-percent", "p25-other-org", "p109-cross"}
	for i, c := range cs {
		if c.ID != wantIDs[i] {
			t.Errorf("claim %d id = %q, want %q (file order)", i, c.ID, wantIDs[i])
		}
	}

	advise := byID(t, cs, "p27-advise")
	if advise.Page != 27 || advise.Relation != Approx || advise.Value != 0.9 || advise.Tolerance != 0.05 || advise.Precision != DefaultPrecision {
		t.Errorf("p27-advise decoded as %+v", advise)
	}
	if advise.TextJA != "9割程度の CSIRT は助言できる立場にある" || advise.TextEN != "About 90% of CSIRTs can advise." || advise.Wording != "9割程度" {
		t.Errorf("p27-advise texts: %q / %q / %q", advise.TextJA, advise.TextEN, advise.Wording)
	}
	if want := lineOf(t, doc, "id: p27-advise", 1); advise.Line != want || advise.Column != 5 {
		t.Errorf("p27-advise at %d:%d, want %d:5", advise.Line, advise.Column, want)
	}
	if got, want := advise.Claimed(), "~ 0.90 (0.85-0.95)"; got != want {
		t.Errorf("Claimed = %q, want %q", got, want)
	}
	if got, want := advise.Statistic.String(), "share(2.8: #2 / N)"; got != want {
		t.Errorf("Statistic = %q, want %q", got, want)
	}

	members := byID(t, cs, "p50-members")
	wantStat := &Statistic{Kind: Share, Table: "3.2", Rows: []int{1, 2}, Exclude: []int{7}}
	if !reflect.DeepEqual(members.Statistic, wantStat) {
		t.Errorf("p50-members statistic = %+v, want %+v", members.Statistic, wantStat)
	}
	if got, want := members.Statistic.String(), "share(3.2: #1+#2 / (N - #7))"; got != want {
		t.Errorf("Statistic = %q, want %q", got, want)
	}
	if got, want := members.Claimed(), ">= 0.50"; got != want {
		t.Errorf("Claimed = %q, want %q", got, want)
	}

	most := byID(t, cs, "p18-most")
	if s := most.Statistic; s.Kind != Compare || !s.Each || !reflect.DeepEqual(s.Versus, []int{2, 3}) || most.Value != 0 || most.Precision != 0 {
		t.Errorf("p18-most decoded as %+v / %+v", most, s)
	}
	if got, want := most.Claimed(), "#1 > each of #2, #3"; got != want {
		t.Errorf("Claimed = %q, want %q", got, want)
	}
	if got, want := most.Statistic.String(), "compare(1.3: min of #1 vs max of #2, #3)"; got != want {
		t.Errorf("Statistic = %q, want %q", got, want)
	}

	count := byID(t, cs, "p109-count")
	if count.Claimed() != "= 22" || count.Statistic.String() != "count(S1: #1)" || count.Precision != 0 {
		t.Errorf("p109-count: %q, %q, precision %v", count.Claimed(), count.Statistic.String(), count.Precision)
	}

	pct := byID(t, cs, "p105-percent")
	if pct.Precision != 0.001 || pct.Claimed() != "= 0.015" {
		t.Errorf("p105-percent: precision %v, claimed %q", pct.Precision, pct.Claimed())
	}

	other := byID(t, cs, "p25-other-org")
	if s := other.Statistic; !s.UseN || s.Base != "1.1" || len(s.Rows) != 0 {
		t.Errorf("p25-other-org statistic = %+v", s)
	}
	if got, want := other.Statistic.String(), "share(2.7/other: N / 1.1: N)"; got != want {
		t.Errorf("Statistic = %q, want %q", got, want)
	}
	if got, want := byID(t, cs, "p50-members").Cites, []string{"3.2", "3.1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("p50-members cites %v, want %v", got, want)
	}
	if got := byID(t, cs, "p27-advise").Cites; got != nil {
		t.Errorf("p27-advise cites %v, want none", got)
	}
	if got, want := other.Tables(), []string{"2.7/other", "1.1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Tables = %v, want %v", got, want)
	}

	cross := byID(t, cs, "p109-cross")
	if cross.Statistic != nil || cross.Unverifiable == nil || cross.Kind() != Count {
		t.Fatalf("p109-cross should be unverifiable: %+v", cross)
	}
	if got, want := cross.Tables(), []string{"S1", "1.6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Tables = %v, want %v", got, want)
	}
	if cross.Unverifiable.Reason != "a cross-tabulation no table prints" || cross.Note != "needs respondent-level data" {
		t.Errorf("p109-cross reason %q, note %q", cross.Unverifiable.Reason, cross.Note)
	}
}

func TestParseErrors(t *testing.T) {
	base := readMinimal(t)
	tests := []struct {
		name     string
		old, new string // replace the first occurrence of old by new
		kind     error
		context  string // the claim the error names: "claim <id>", "claim #<position>" or "" (outside the claims)
		want     string // substring of the message
		marker   string // the error is on the line holding this text ...
		nth      int    // ... at this occurrence
	}{
		{"duplicate id", "id: p50-members", "id: p27-advise", ErrDuplicate, "claim p27-advise", `id "p27-advise" is already used by the claim at line`, "id: p27-advise", 2},
		{"missing id", "- id: p18-most\n    page: 18", "- page: 18", ErrMissing, "claim #3", "id is required", "- page: 18", 1},
		{"bad id", "id: p18-most", "id: P18_Most", ErrInvalid, "claim P18_Most", "must be lower-case letters and digits", "id: P18_Most", 1},
		{"unknown kind", "kind: compare", "kind: ratio", ErrUnknownKind, "claim p18-most", `unknown statistic kind "ratio" (allowed: count, share, compare)`, "kind: ratio", 1},
		{"unknown relation", "relation: gte", "relation: ge", ErrUnknownRelation, "claim p50-members", `unknown relation "ge" (allowed: eq, approx, gt, gte, lt, lte)`, "relation: ge", 1},
		{"row zero", "rows: [1, 2]", "rows: [1, 0]", ErrInvalid, "claim p50-members", `rows: row numbers are positive integers (the printed #), got "0"`, "rows: [1, 0]", 1},
		{"row negative", "exclude: [7]", "exclude: [-7]", ErrInvalid, "claim p50-members", `exclude: row numbers are positive integers (the printed #), got "-7"`, "exclude: [-7]", 1},
		{"row not a number", "rows: [2]}", "rows: [two]}", ErrInvalid, "claim p27-advise", `got "two"`, "rows: [two]}", 1},
		{"row fractional", "rows: [2]}", "rows: [2.5]}", ErrInvalid, "claim p27-advise", `got "2.5"`, "rows: [2.5]}", 1},
		{"row repeated", "rows: [1, 2]", "rows: [2, 2]", ErrDuplicate, "claim p50-members", "rows: row 2 is listed twice", "rows: [2, 2]", 1},
		{"rows empty", "rows: [1]}", "rows: []}", ErrMissing, "claim p109-count", "rows is empty", "rows: []}", 1},
		{"rows not a list", "rows: [1]}", "rows: 1}", ErrInvalid, "claim p109-count", "rows must be a list of printed row numbers", "rows: 1}", 1},
		{"negative tolerance", "tolerance: 0.05", "tolerance: -0.05", ErrInvalid, "claim p27-advise", "tolerance must be positive", "tolerance: -0.05", 1},
		{"tolerance too large", "tolerance: 0.05", "tolerance: 0.6", ErrInvalid, "claim p27-advise", "tolerance of 0.6 is not sane", "tolerance: 0.6", 1},
		{"tolerance finer than precision", "tolerance: 0.05", "tolerance: 0.055", ErrInvalid, "claim p27-advise", "not a multiple of the precision 0.01", "tolerance: 0.055", 1},
		{"approx without tolerance", "    tolerance: 0.05\n", "", ErrMissing, "claim p27-advise", "tolerance is required with relation approx", "id: p27-advise", 1},
		{"tolerance on eq", "    value: 22\n", "    value: 22\n    tolerance: 1\n", ErrInvalid, "claim p109-count", "tolerance does not apply to relation eq", "tolerance: 1", 1},
		{"page out of range", "page: 50", "page: 150", ErrInvalid, "claim p50-members", "page 150 is outside the report's pages 1-109", "page: 150", 1},
		{"page zero", "page: 27", "page: 0", ErrInvalid, "claim p27-advise", "page must be at least 1, got 0", "page: 0", 1},
		{"page not a number", "page: 27", "page: twenty-seven", ErrInvalid, "claim p27-advise", `page must be an integer, got "twenty-seven"`, "page: twenty-seven", 1},
		{"page empty", "page: 27", "page:", ErrMissing, "claim p27-advise", "page is empty", "page:", 1},
		{"unknown key", "    wording: 最も多い", "    wording: 最も多い\n    colour: red", ErrUnknownKey, "claim p18-most", `unknown key "colour" in a claim`, "colour: red", 1},
		{"unknown statistic key", "each: true}", "each: true, weight: 2}", ErrUnknownKey, "claim p18-most", `unknown key "weight" in statistic`, "weight: 2", 1},
		{"unknown report key", "  pages: 109", "  pages: 109\n  publisher: JPCERT", ErrUnknownKey, "", `unknown key "publisher" in report`, "publisher: JPCERT", 1},
		{"cites not a list", `cites: ["3.2", "3.1"]`, `cites: "3.2"`, ErrInvalid, "claim p50-members", "cites must be a list of table keys", `cites: "3.2"`, 1},
		{"cites empty", `cites: ["3.2", "3.1"]`, `cites: []`, ErrMissing, "claim p50-members", "cites is empty", `cites: []`, 1},
		{"cites repeated", `cites: ["3.2", "3.1"]`, `cites: ["3.2", "3.2"]`, ErrDuplicate, "claim p50-members", "table 3.2 is cited twice", `cites: ["3.2", "3.2"]`, 1},
		{"repeated key", "    page: 27\n", "    page: 27\n    page: 28\n", ErrDuplicate, "claim p27-advise", `key "page" is repeated in a claim`, "page: 28", 1},
		{"missing text_en", "    text_en: About 90% of CSIRTs can advise.\n", "", ErrMissing, "claim p27-advise", "text_en is required", "id: p27-advise", 1},
		{"empty text_ja", "text_ja: 情報システム管理部門が最も多い", `text_ja: ""`, ErrMissing, "claim p18-most", "text_ja is empty", `text_ja: ""`, 1},
		{"missing wording", "    wording: 22組織\n", "", ErrMissing, "claim p109-count", "wording is required", "id: p109-count", 1},
		{"both statistic and unverifiable", "    unverifiable_from_tables:", "    statistic: {kind: count, table: \"S1\", rows: [1]}\n    unverifiable_from_tables:", ErrInvalid, "claim p109-cross", "either statistic or unverifiable_from_tables, not both", "unverifiable_from_tables:", 1},
		{"neither statistic nor unverifiable", "    statistic: {kind: count, table: \"S1\", rows: [1]}\n", "", ErrMissing, "claim p109-count", "statistic is required", "id: p109-count", 1},
		{"bad table key", `table: "2.8"`, `table: "two"`, ErrInvalid, "claim p27-advise", `table "two" is not a table key`, `table: "two"`, 1},
		{"bad base key", `base: "1.1"`, `base: "1.1/"`, ErrInvalid, "claim p25-other-org", `base "1.1/" is not a table key`, `base: "1.1/"`, 1},
		{"row on both sides", "versus: [2, 3]", "versus: [1, 3]", ErrInvalid, "claim p18-most", "row 1 is on both sides of the comparison", "versus: [1, 3]", 1},
		{"versus on a share", "rows: [2]}", "rows: [2], versus: [1]}", ErrInvalid, "claim p27-advise", "versus applies to compare statistics, not share", "versus: [1]", 1},
		{"each on a count", "rows: [1]}", "rows: [1], each: true}", ErrInvalid, "claim p109-count", "each applies to compare statistics, not count", "each: true}", 2},
		{"compare without versus", ", versus: [2, 3]", "", ErrMissing, "claim p18-most", "versus is required in a compare statistic", "statistic: {kind: compare", 1},
		{"excluded and counted", "exclude: [7]", "exclude: [2]", ErrInvalid, "claim p50-members", "row 2 is both counted and excluded", "exclude: [2]", 1},
		{"use_n with rows", "use_n: true", "use_n: true, rows: [1]", ErrInvalid, "claim p25-other-org", "rows and use_n: true exclude each other", "use_n: true, rows: [1]", 1},
		{"use_n not a bool", "use_n: true", "use_n: yes", ErrInvalid, "claim p25-other-org", `use_n must be true or false, got "yes"`, "use_n: yes", 1},
		{"share above 1", "value: 0.9", "value: 1.9", ErrInvalid, "claim p27-advise", "a share is between 0 and 1, got 1.9", "value: 1.9", 1},
		{"share too many decimals", "value: 0.5\n", "value: 0.50001\n", ErrInvalid, "claim p50-members", "at most 4 decimals", "value: 0.50001", 1},
		{"value finer than precision", "value: 0.015", "value: 0.0155", ErrInvalid, "claim p105-percent", "finer than the precision 0.001", "value: 0.0155", 1},
		{"fractional count", "value: 22", "value: 22.5", ErrInvalid, "claim p109-count", "value must be a whole number, got 22.5", "value: 22.5", 1},
		{"count not sane", "value: 22", "value: 1e12", ErrInvalid, "claim p109-count", "1e+12 is not sane", "value: 1e12", 1},
		{"negative count", "value: 22", "value: -22", ErrInvalid, "claim p109-count", "a count cannot be negative", "value: -22", 1},
		{"value not a number", "value: 22", "value: many", ErrInvalid, "claim p109-count", `value must be a number, got "many"`, "value: many", 1},
		{"value missing", "    value: 0.5\n", "", ErrMissing, "claim p50-members", "value is required (the claimed share)", "id: p50-members", 1},
		{"bad precision", "precision: 0.001", "precision: 0.003", ErrInvalid, "claim p105-percent", "precision must be 0.1, 0.01, 0.001 or 0.0001", "precision: 0.003", 1},
		{"precision on a count", "    value: 22\n", "    value: 22\n    precision: 0.01\n", ErrInvalid, "claim p109-count", "precision applies to share claims only", "precision: 0.01", 1},
		{"approx on compare", "relation: gt\n", "relation: approx\n    tolerance: 1\n", ErrInvalid, "claim p18-most", "approx does not apply to compare claims", "relation: approx", 2},
		{"unverifiable without reason", "      reason: a cross-tabulation no table prints\n", "", ErrMissing, "claim p109-cross", "reason is required in unverifiable_from_tables", "      kind: count", 1},
		{"unverifiable unknown kind", "      kind: count", "      kind: tally", ErrUnknownKind, "claim p109-cross", `unknown statistic kind "tally"`, "kind: tally", 1},
		{"unverifiable table repeated", `tables: ["S1", "1.6"]`, `tables: ["S1", "S1"]`, ErrDuplicate, "claim p109-cross", "table S1 is listed twice", `tables: ["S1", "S1"]`, 1},
		{"alias", "    text_en: About 90% of CSIRTs can advise.", "    text_en: &t About 90% of CSIRTs can advise.\n    note: *t", ErrInvalid, "claim p27-advise", "anchors and aliases are not allowed", "note: *t", 1},
		{"claim not a mapping", "  - id: p109-cross\n", "  - just text\n  - id: p109-cross\n", ErrInvalid, "claim #7", "a claim must be a mapping", "- just text", 1},
		{"wrong format", "format: csirt-survey/claims/v1", "format: v0", ErrInvalid, "", `format is "v0", want "csirt-survey/claims/v1"`, "format: v0", 1},
		{"claim page and source missing", "    page: 27\n", "", ErrMissing, "claim p27-advise", "page is required in a claim (the report's page), or a source", "- id: p27-advise", 1},
		{"report year out of range", "year: 2015", "year: 15", ErrInvalid, "", "report year 15 is outside 1990-2100", "year: 15", 1},
		{"claims not a list", "claims:\n", "claims: none\nold_claims:\n", ErrInvalid, "", "claims must be a list", "claims: none", 1},
		{"bad yaml", "  - id: p18-most", "  - id: [p18-most", ErrSyntax, "", "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			cs, err := Parse("broken.yaml", []byte(doc), nil)
			if cs != nil {
				t.Fatal("claims returned with an error")
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
			if hit.Context != tc.context {
				t.Errorf("Context = %q, want %q (%v)", hit.Context, tc.context, hit)
			}
			if tc.marker != "" {
				if want := lineOf(t, doc, tc.marker, tc.nth); hit.Line != want {
					t.Errorf("line = %d, want %d (%v)", hit.Line, want, hit)
				}
				if hit.Column < 1 {
					t.Errorf("no column: %v", hit)
				}
			} else if hit.Line == 0 {
				t.Errorf("syntax error without a line: %v", hit)
			}
			prefix := "broken.yaml:"
			if !strings.HasPrefix(hit.Error(), prefix) {
				t.Errorf("message %q does not start with %q", hit.Error(), prefix)
			}
			if tc.context != "" && !strings.Contains(hit.Error(), ": "+tc.context+": ") {
				t.Errorf("message %q does not name %s", hit.Error(), tc.context)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{File: "c.yaml", Line: 12, Column: 5, Context: claimContext("p27-x", 3), Kind: ErrInvalid, Msg: "page 0"}
	if got, want := e.Error(), "c.yaml:12:5: claim p27-x: page 0"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "c.yaml", Line: 12, Context: claimContext("", 3), Kind: ErrMissing, Msg: "id is required"}
	if got, want := e.Error(), "c.yaml:12: claim #3: id is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{File: "c.yaml", Context: claimContext("", 0), Kind: ErrMissing, Msg: "file is empty"}
	if got, want := e.Error(), "c.yaml: file is empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseReportsAllErrorsInFileOrder(t *testing.T) {
	doc := readMinimal(t)
	doc = strings.Replace(doc, "id: p50-members", "id: p27-advise", 1) // claim 2: duplicate id
	doc = strings.Replace(doc, "kind: compare", "kind: ratio", 1)      // claim 3: unknown kind
	doc = strings.Replace(doc, "page: 27", "page: 0", 1)               // claim 1: page out of range
	_, err := Parse("x.yaml", []byte(doc), nil)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v is not an ErrorList", err)
	}
	if len(list) != 3 {
		t.Fatalf("got %d errors, want exactly 3:\n%v", len(list), err)
	}
	for i, kind := range []error{ErrInvalid, ErrDuplicate, ErrUnknownKind} {
		if !errors.Is(list[i], kind) {
			t.Errorf("error %d = %v, want kind %v (file order)", i, list[i], kind)
		}
	}
	for i := 1; i < len(list); i++ {
		if list[i].Line < list[i-1].Line {
			t.Errorf("errors out of file order:\n%v", err)
		}
	}
}

func TestParseEmptyAndNonMapping(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		kind error
	}{
		{"", ErrMissing},
		{"# only a comment\n", ErrMissing},
		{"- a\n- b\n", ErrSyntax},
		{"just text", ErrSyntax},
		{"format: csirt-survey/claims/v1\nreport: {year: 2015, pages: 9}\nclaims: []\n", ErrMissing},
		{"format: csirt-survey/claims/v1\nreport: {year: 2015, pages: 9}\n", ErrMissing},
	} {
		cs, err := Parse("e.yaml", []byte(tc.doc), nil)
		if cs != nil || !errors.Is(err, tc.kind) {
			t.Errorf("Parse(%q) = %v, %v; want no claims and %v", tc.doc, cs, err, tc.kind)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
}

func TestLoadMinimal(t *testing.T) {
	path := filepath.Join("testdata", "minimal.yaml")
	cs, err := Load(path, nil)
	if err != nil || len(cs) != 7 {
		t.Fatalf("Load(%s) = %d claims, %v", path, len(cs), err)
	}
}
