package reconstruct

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// The fictional year of testdata/fixture: six respondents, a lost count, a
// contradicted count with its N gap, and a date plan with a recent check.
var fixtureDir = filepath.Join("testdata", "fixture")

func fixturePath(parts ...string) string {
	return filepath.Join(append([]string{fixtureDir}, parts...)...)
}

// loadFixtureInputs reads the fixture's questionnaire and published tables.
func loadFixtureInputs(t testing.TB) (*questionnaire.Questionnaire, *published.Set) {
	t.Helper()
	q, err := questionnaire.Load(fixturePath("schemas", "2099", "questionnaire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := published.LoadSpecs(fixturePath("schemas", "2099", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := published.LoadTranscription(fixturePath("raw", "2099", "published"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := published.Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q, set
}

func readFixtureDecisions(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(fixturePath("raw", "2099", FileName))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestGenerateFixture reconstructs the fictional year and compares the two
// outputs with their golden files (go test -update rewrites them), then
// checks what the generic code derived from the decisions.
func TestGenerateFixture(t *testing.T) {
	q, set := loadFixtureInputs(t)
	d, err := LoadDecisions(fixturePath("raw", "2099", FileName))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(q, set, d)
	if err != nil {
		t.Fatal(err)
	}
	var csvOut bytes.Buffer
	if err := res.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		name string
		got  []byte
	}{{"responses.csv.golden", csvOut.Bytes()}, {"RECONSTRUCTION.md.golden", res.Markdown()}} {
		path := fixturePath(g.name)
		if *update {
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.got, want) {
			t.Errorf("%s differs from what Generate gives now (go test ./pipeline/reconstruct -run TestGenerateFixture -update):\n%s", path, g.got)
		}
	}

	// The rows: every pair of the plan, in the order of the start column.
	if len(res.Rows) != 6 || strings.Join(res.Header, ",") != "respondent_id,provenance,kind,detail,started,finished" {
		t.Fatalf("rows %d, header %v", len(res.Rows), res.Header)
	}
	counts := map[string]int{}
	for _, r := range res.Rows {
		counts["kind="+r[2]]++
		counts["detail="+r[3]]++
		if r[3] != "" && r[2] != "a" {
			t.Errorf("%s answers 1.2 (%s) but was not asked (1.1 = %q)", r[0], r[3], r[2])
		}
		if r[4] != "" && r[5] != "" && r[5] < r[4] {
			t.Errorf("%s: %s precedes %s", r[0], r[5], r[4])
		}
	}
	for k, want := range map[string]int{"kind=a": 4, "kind=b": 1, "kind=": 1, "detail=x": 2, "detail=y": 1, "detail=": 3} {
		if counts[k] != want {
			t.Errorf("%s: %d respondents, want %d", k, counts[k], want)
		}
	}

	// The choices: the lost count with its appended shared reason and the
	// pipeline's agreeing inference; the gaps: the contradicted count and N.
	lost := res.LostChoices()
	if len(lost) != 2 || lost[0].Table != "1.1" || lost[0].Value != "1" ||
		!strings.HasPrefix(lost[0].Reason, "N 6 - 4 - 1 = 1. The remainder of N. The pipeline infers the same value") {
		t.Errorf("lost choices = %+v", lost)
	}
	if len(res.Gaps) != 2 || res.Gaps[0].Table != "1.2" || res.Gaps[0].Row != 0 || res.Gaps[0].Printed != 6 || res.Gaps[0].Reproduced != 4 ||
		res.Gaps[1].Row != 2 || res.Gaps[1].Printed != 3 || res.Gaps[1].Reproduced != 1 {
		t.Errorf("gaps = %+v", res.Gaps)
	}

	// The Markdown's year-specific wording comes from the decisions.
	md := string(res.Markdown())
	for _, want := range []string{
		"# 2099 responses: a reconstruction (`raw/2099/responses.csv`)",
		"contract of\n  `raw/README.md` (single items by their code,\n  year-months as `YYYY-MM`).\n",
		"- Single-answer items: the printed counts over\n  the respondents asked (1.2: those who chose 1.1 (a)).\n",
		"- 1.3 / 1.4: a list of (start, completion) pairs chosen together so that 1.3, 1.4 and 補表1 (months from 1.3 to 1.4)\n  are all reproduced; no completion precedes its start and no date is after 2098-12.\n",
		"and for the 1.3 / 1.4 pairs (補表1 and p. 4). Only the one-way tables",
		"## The 1.3 / 1.4 pairs\n\nStart (1.3) → completion (1.4), chosen together;",
		"in the order of the `started` column",
		"| Start blank | 2 | — → 2098-05, — → — |",
		"| S1 | 1 | `lt6m` | 1 of them from 2098-01 on | p. 4 says one short construction was recent. |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RECONSTRUCTION.md lacks %q", want)
		}
	}
}

// TestParseDecisionsErrors breaks the fixture one way at a time: each problem
// is reported with its kind, its message, and the line (and column, where
// the decoder gives one) it is on.
func TestParseDecisionsErrors(t *testing.T) {
	base := readFixtureDecisions(t)
	tests := []struct {
		name     string
		old, new string // replace the first occurrence of old by new
		kind     error
		want     string // substring of the message
		marker   string // the error is on the line holding this text
		nocol    bool   // the YAML decoder gives no column
	}{
		{"unknown top-level key", "year: 2099", "year: 2099\nauthor: me", ErrUnknownKey, `unknown key "author" (see raw/RECONSTRUCTION-FORMAT.md`, "author: me", true},
		{"unknown key in a count", "    value: 1\n", "    value: 1\n    colour: red\n", ErrUnknownKey, `unknown key "colour"`, "colour: red", true},
		{"unknown key in the date plan", "  latest: \"2098-12\"", "  latest: \"2098-12\"\n  earliest: \"2090-01\"", ErrUnknownKey, `unknown key "earliest"`, "earliest:", true},
		{"wrong format", "format: csirt-survey/reconstruction/v1", "format: v0", ErrInvalid, `format is "v0", want "csirt-survey/reconstruction/v1"`, "format: v0", false},
		{"missing year", "year: 2099\n", "", ErrMissing, "year is required", "format:", false},
		{"row 0", "    row: 2\n    value: 1\n    reason: \"N 6", "    row: 0\n    value: 1\n    reason: \"N 6", ErrInvalid, "table 1.1 row 0: row must be a printed row number from 1, not 0", "row: 0", false},
		{"missing value", "    value: 1\n    reason: \"N 6", "    reason: \"N 6", ErrMissing, "table 1.1 row 2: value is required", `table: "1.1"`, false},
		{"negative value", "    value: 1\n    reason: \"N 6", "    value: -1\n    reason: \"N 6", ErrInvalid, "value -1 is negative", "value: -1", false},
		{"missing reason", "    reason: \"Date plan.\"\n", "", ErrMissing, "table 1.3 row 2: reason is required", `table: "1.3"`, false},
		{"duplicate decision", "  - table: \"1.3\"\n    row: 2\n", "  - table: \"1.1\" # again\n    row: 2\n", ErrDuplicate, "a decision for table 1.1 row 2 is already given at line 15", "# again", false},
		{"undefined shared reason", "append: [remainder]", "append: [remainders]", ErrUnknownRef, `append names "remainders", which is not a key of shared_reasons (remainder)`, "append: [remainders]", false},
		{"wrong value type", "    value: 1\n    reason: \"N 6", "    value: one\n    reason: \"N 6", ErrInvalid, "cannot unmarshal", "value: one", true},
		{"latest not a month", `latest: "2098-12"`, `latest: "2098-13"`, ErrInvalid, `latest "2098-13" is not YYYY-MM`, `latest: "2098-13"`, false},
		{"pair after latest", "[2098-03, 2098-12]", "[2098-03, 2099-01]", ErrInvalid, "dates group 2 pair 2: 2099-01 is after latest 2098-12", "[2098-03, 2099-01]", false},
		{"pair of three", "[2098-01, 2098-02]", "[2098-01, 2098-02, 2098-03]", ErrInvalid, "dates group 2 pair 1: a pair is [start, end], not 3 values", "[2098-01, 2098-02, 2098-03]", false},
		{"end before start", "[2097-01, 2097-03]", "[2097-03, 2097-01]", ErrInvalid, "end 2097-01 precedes start 2097-03", "[2097-03, 2097-01]", false},
		{"pair value not a month or code", "[2097-01, 2097-03]", "[2097/01, 2097-03]", ErrInvalid, `"2097/01" is neither YYYY-MM`, "[2097/01, 2097-03]", false},
		{"recent without want", "    want: 1\n", "", ErrMissing, "dates recent: want is required", `table: "S1"`, false},
		{"duplicate n_gaps", "1.1 (a).\"\n", "1.1 (a).\"\n  - {table: \"1.2\", reason: twice}\n", ErrDuplicate, "table 1.2 is already explained at line", "reason: twice", false},
		{"key given twice", "  start_name: \"Start\"", "  start_name: \"Start\"\n  start_name: \"Begin\"", ErrDuplicate, `key "start_name" is given twice`, `start_name: "Begin"`, true},
		{"bad yaml", "  start: \"1.3\"", "  start: [\"1.3\"", ErrSyntax, "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			d, err := ParseDecisions("reconstruction.yaml", []byte(doc))
			if err == nil {
				t.Fatal("no error")
			}
			if d != nil {
				t.Error("decisions returned with an error")
			}
			found := yamlsrctest.Find(t, err, tc.kind, tc.want)
			if found.File != "reconstruction.yaml" {
				t.Errorf("file = %q", found.File)
			}
			if tc.marker == "" {
				return
			}
			if line := yamlsrctest.LineOf(t, doc, tc.marker, 1); found.Line != line {
				t.Errorf("line = %d, want %d (%q): %v", found.Line, line, tc.marker, found)
			}
			if !tc.nocol && found.Column == 0 {
				t.Errorf("no column: %v", found)
			}
		})
	}
}

// TestCheckErrors gives valid files that name tables, rows, items or codes
// the fixture's questionnaire and published tables do not have.
func TestCheckErrors(t *testing.T) {
	base := readFixtureDecisions(t)
	q, set := loadFixtureInputs(t)
	tests := []struct {
		name     string
		old, new string
		kind     error
		want     string
		marker   string
	}{
		{"unknown table", `  - table: "1.1"`, `  - table: "9.9"`, ErrUnknownRef, `table 9.9 row 2: no published table has key "9.9"`, `table: "9.9"`},
		{"row past the table", "    row: 2\n    value: 2\n", "    row: 5\n    value: 2\n", ErrUnknownRef, "table 1.3 prints rows 1-3, not row 5", "row: 5"},
		{"unknown n_gaps table", `  - table: "1.2"
    reason: "Printed`, `  - table: "1.9"
    reason: "Printed`, ErrUnknownRef, `no published table has key "1.9"`, `table: "1.9"`},
		{"unknown item", `  start: "1.3"`, `  start: "1.7"`, ErrUnknownRef, "start names item 1.7, which is not in the questionnaire", `start: "1.7"`},
		{"item not year_month", `  end: "1.4"`, `  end: "1.1"`, ErrInvalid, "end names item 1.1, a single item, not year_month", `end: "1.1"`},
		{"unknown coded category", `["", 2098-05]`, `[year_only, 2098-05]`, ErrUnknownRef, `"year_only" is not a coded category of item 1.3 (it has none)`, "[year_only, 2098-05]"},
		{"unknown recent bin", `bin: "lt6m"`, `bin: "lt3m"`, ErrUnknownRef, `table S1 has no row "lt3m"`, `bin: "lt3m"`},
		{"unknown note table", `    - table: "1.3"
      row: 0`, `    - table: "X"
      row: 0`, ErrUnknownRef, `dates note 1: no published table has key "X"`, `table: "X"`},
		{"year of another questionnaire", "year: 2099", "year: 2098", ErrInvalid, "year is 2098, but the questionnaire's survey year is 2099", "year: 2098"},
		{"skipped answers to an item without routing", "n_gaps:", "skipped_answers: [{table: \"1.1\", answers: {a: 1}, from: [b], reason: r}]\nn_gaps:", ErrInvalid, "table 1.1 does not report a follow-up routed by another item's answer", "skipped_answers:"},
		{"skipped answers from those asked", "n_gaps:", "skipped_answers: [{table: \"1.2\", answers: {y: 1}, from: [a], reason: r}]\nn_gaps:", ErrInvalid, `"a" routes to item 1.2`, "skipped_answers:"},
		{"skipped answers not a row", "n_gaps:", "skipped_answers: [{table: \"1.2\", answers: {z: 1}, from: [b], reason: r}]\nn_gaps:", ErrUnknownRef, `"z" is not an answer counted by a row of table 1.2`, "skipped_answers:"},
		{"written-in row without a matrix", "n_gaps:", "written_in: {row: w, sourcing_reason: r, blank_reason: b}\nn_gaps:", ErrUnknownRef, `no matrix item has a written-in row "w"`, "written_in:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			d, err := ParseDecisions("reconstruction.yaml", []byte(doc))
			if err != nil {
				t.Fatalf("ParseDecisions: %v", err)
			}
			_, err = Generate(q, set, d)
			found := yamlsrctest.Find(t, err, tc.kind, tc.want)
			if line := yamlsrctest.LineOf(t, doc, tc.marker, 1); found.Line != line || found.Column == 0 {
				t.Errorf("at %d:%d, want line %d (%q): %v", found.Line, found.Column, line, tc.marker, found)
			}
		})
	}
}

// TestGenerateErrors gives decisions that parse and name existing tables
// but do not fit the printed numbers: generation fails, naming the position
// of the decision at fault.
func TestGenerateErrors(t *testing.T) {
	base := readFixtureDecisions(t)
	q, set := loadFixtureInputs(t)
	tests := []struct {
		name     string
		old, new string
		want     string
		marker   string // the error names this line ("" = no position)
	}{
		{"disagrees with the inference", "    value: 1\n    reason: \"N 6", "    value: 2\n    reason: \"N 6", "table 1.1 row 2: decided 2, but the pipeline infers 1", "value: 2"},
		{"decision for a printed count", "    row: 2\n    value: 1\n    contradiction: true\n", "    row: 1\n    value: 1\n", "table 1.2 row 1: a decision is given for a printed count (2)", `table: "1.2"`},
		{"contradiction of a lost count", "    row: 2\n    value: 2\n", "    row: 2\n    value: 2\n    contradiction: true\n", "table 1.3 row 2: contradiction is set, but the count was lost", `table: "1.3"`},
		{"unused n_gaps entry", "n_gaps:\n", "n_gaps:\n  - {table: \"1.1\", reason: \"not needed\"}\n", "n_gaps entry for table 1.1 was never used", `table: "1.1", reason: "not needed"`},
		{"missing n_gaps entry", "n_gaps:\n  - table: \"1.2\"\n", "n_gaps:\n  - table: \"1.3\"\n", "table 1.2: printed N = 6, but the reconstruction's base has 4 respondents, and no decision explains it", ""},
		{"pairs that miss a table", "[2098-03, 2098-12]", "[2098-03, 2098-05]", "table S1: the date plan (dates in reconstruction.yaml) gives [3 1 2], the table needs [2 2 2]", ""},
		{"too few pairs", "        - [\"\", \"\"]\n", "", "date plan has 5 pairs for 6 respondents", `- label: "Started before 2098"`},
		{"recent figure not reproduced", "    want: 1\n", "    want: 2\n", "table S1: 1 respondents of row lt6m started and completed from 2098-01 on; the report says 2", `table: "S1"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			d, err := ParseDecisions("reconstruction.yaml", []byte(doc))
			if err != nil {
				t.Fatalf("ParseDecisions: %v", err)
			}
			_, err = Generate(q, set, d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if tc.marker != "" {
				if at := "reconstruction.yaml:" + itoa(yamlsrctest.LineOf(t, doc, tc.marker, 1)) + ":"; !strings.Contains(err.Error(), at) {
					t.Errorf("error does not name %s…: %v", at, err)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A follow-up whose printed N counts respondents the routing skipped (a
// paper form): with skipped_answers instead of a contradiction and an N gap,
// every printed count of the table is reproduced, and the skipped
// respondents answered the routing item with an answer of from.
func TestGenerateSkippedAnswers(t *testing.T) {
	base := readFixtureDecisions(t)
	q, set := loadFixtureInputs(t)
	doc := base
	for _, r := range [][2]string{
		{"  - table: \"1.2\"\n    row: 2\n    value: 1\n    contradiction: true\n    reason: \"Only 4 are asked 1.2; printed 3 cannot be reproduced beside 2 and 1.\"\n", ""},
		{"n_gaps:\n  - table: \"1.2\"\n    reason: \"Printed N = 6, but 1.2 is asked only of the 4 who chose 1.1 (a).\"\n",
			"skipped_answers:\n  - {table: \"1.2\", answers: {y: 2}, from: [b, \"\"], reason: \"Two who chose 1.1 (b) answered anyway.\"}\n"},
	} {
		if !strings.Contains(doc, r[0]) {
			t.Fatalf("fixture does not contain %q", r[0])
		}
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	d, err := ParseDecisions("reconstruction.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(q, set, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Gaps) != 0 {
		t.Errorf("gaps %+v, want none: every printed number of 1.2 is reproduced", res.Gaps)
	}
	col := map[string]int{}
	for j, h := range res.Header {
		col[h] = j
	}
	got := map[string]int{}
	skipped := 0
	for _, row := range res.Rows {
		v := row[col["detail"]]
		if v == "" && row[col["kind"]] != "a" {
			continue
		}
		got[v]++
		if row[col["kind"]] != "a" {
			skipped++
			if v != "y" {
				t.Errorf("%s: skipped respondent answers 1.2 with %q, want y", row[0], v)
			}
		}
	}
	if want := map[string]int{"x": 2, "y": 3, "": 1}; !maps.Equal(got, want) || skipped != 2 {
		t.Errorf("1.2 answers %v (%d from skipped respondents), want %v (2)", got, skipped, want)
	}
	if !strings.Contains(string(res.Markdown()), "answered it anyway: 2 `y` (row 2)") {
		t.Errorf("RECONSTRUCTION.md does not record the decision:\n%s", res.Markdown())
	}
}
