package published

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/internal/duckdbtest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

func fixture(t testing.TB) (*questionnaire.Questionnaire, []*Spec, []*Table) {
	t.Helper()
	q, err := questionnaire.Load(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := LoadSpecs(filepath.Join("testdata", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := LoadTranscription(filepath.Join("testdata", "published"))
	if err != nil {
		t.Fatal(err)
	}
	return q, specs, tables
}

func TestJoinAndInfer(t *testing.T) {
	q, specs, tables := fixture(t)
	set, err := Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(set.Entries); got != 19 {
		t.Fatalf("%d entries, want 19", got)
	}
	tests := []struct {
		key      string
		row      int
		value    int64
		known    bool
		inferred bool
		rule     string // substring of the inference
	}{
		{"1.1", 1, 6, true, false, ""},
		{"1.1", 2, 2, false, true, "N(1.1) 10 - 1.1 row 1 6 - 1.1 row 3 1 - 1.1 row 4 1"},
		{"1.6/all", 2, 2, false, true, "1.6.w is asked of those counted in 1.6/all row 2"},
		{"1.4", 2, 4, false, true, "attribution is uncertain"},
		{"1.4", 1, 0, false, false, ""}, // two unknowns in one relation: nothing inferred
	}
	for _, tc := range tests {
		v, known, inferred, ok := set.Count(tc.key, tc.row)
		if !ok || v != tc.value || known != tc.known || inferred != tc.inferred {
			t.Errorf("Count(%s, %d) = %d known=%v inferred=%v ok=%v; want %d %v %v", tc.key, tc.row, v, known, inferred, ok, tc.value, tc.known, tc.inferred)
		}
		if tc.rule != "" {
			e := set.TableEntries(tc.key)[tc.row-1]
			if !strings.Contains(e.Inference, tc.rule) {
				t.Errorf("%s row %d inference %q does not contain %q", tc.key, tc.row, e.Inference, tc.rule)
			}
			if !e.Count.Lost {
				t.Errorf("%s row %d: an inferred count must stay lost as printed", tc.key, tc.row)
			}
		}
	}
	if _, known, ok := set.N("1.5"); known || !ok {
		t.Error("N(1.5) was lost and must stay unknown as printed")
	}
	if e := set.TableEntries("1.5")[0]; e.InferredN == nil || *e.InferredN != 8 {
		t.Errorf("N(1.5) should be inferred as 3 + 5 = 8, got %v", e.InferredN)
	}
	e := set.TableEntries("1.4")[0]
	if e.Code != "early" || e.CodeKind != KindBin || e.LabelJA != "2013年以前" || e.LabelInference == "" || e.PrintedLabelJA != "年以前" {
		t.Errorf("1.4 row 1 = %+v", e)
	}
	if _, _, _, ok := set.Count("9.9", 1); ok {
		t.Error("unknown table reported ok")
	}
}

func TestProseFactComesFirst(t *testing.T) {
	q, specs, tables := fixture(t)
	set, err := Join(q, specs, tables, []Fact{{Key: "1.4", Row: 1, Value: 3, Source: "p. 16: 3 organisations"}})
	if err != nil {
		t.Fatal(err)
	}
	e := set.TableEntries("1.4")
	if e[0].Inferred == nil || *e[0].Inferred != 3 || !strings.Contains(e[0].Inference, "p. 16") {
		t.Errorf("row 1 = %v %q, want 3 from the prose", e[0].Inferred, e[0].Inference)
	}
	// With row 1 known, the single-answer relation now gives row 2 = 10 - 3 - 2 = 5,
	// which beats the uncertain adjacent number.
	if e[1].Inferred == nil || *e[1].Inferred != 5 || !strings.Contains(e[1].Inference, "single-answer") {
		t.Errorf("row 2 = %v %q, want 5 from the single-answer relation", e[1].Inferred, e[1].Inference)
	}
}

func TestAudit(t *testing.T) {
	q, specs, tables := fixture(t)
	set, err := Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string][]Finding{}
	for _, f := range set.Audit() {
		byKind[f.Kind] = append(byKind[f.Kind], f)
		if f.ID == "" || f.MessageJA == "" || f.MessageEN == "" || len(f.Tables) == 0 || len(f.Pages) == 0 {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	want := map[string]string{
		FindSumMismatch: "N(1.3)=10, 1.3 row 1=4, 1.3 row 2=4, 1.3 row 3=1 (off by -1)",
		FindAboveN:      "row 1 count 7 > N 6",
		FindLostN:       "N: lost; inferred 8",
		FindLostLabel:   `row 2 printed as "名以上"`,
	}
	for kind, numbers := range want {
		fs := byKind[kind]
		if len(fs) == 0 {
			t.Errorf("no %s finding", kind)
			continue
		}
		if !strings.Contains(fs[0].Numbers, numbers) {
			t.Errorf("%s numbers = %q, want %q", kind, fs[0].Numbers, numbers)
		}
	}
	if n := len(byKind[FindLostCount]); n != 4 {
		t.Errorf("%d lost counts, want 4 (1.1 row 2, 1.6/all row 2, 1.4 rows 1-2)", n)
	}
	// 1.2's N (6) equals the count of 1.1 (a): the follow-up relation holds.
	for _, f := range byKind[FindBaseMismatch] {
		t.Errorf("unexpected base mismatch %+v", f)
	}
}

func TestAuditFollowUpAndPrintedType(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "questionnaire", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(data), "    type: multi\n", "    type: multi\n    printed_type: single\n", 1)
	q, err := questionnaire.Parse("minimal.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := LoadSpecs(filepath.Join("testdata", "tables.yaml"), q)
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := LoadTranscription(filepath.Join("testdata", "published"))
	tables[1].N = Number{Value: 9} // 1.2 asked of 1.1 (a) = 6 respondents, printed 9
	set, err := Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range set.Audit() {
		kinds = append(kinds, f.Kind)
		if f.Kind == FindBaseMismatch && !strings.Contains(f.Numbers, "N(1.2)=9, 1.1 row 1=6") {
			t.Errorf("base mismatch numbers = %q", f.Numbers)
		}
	}
	for _, k := range []string{FindBaseMismatch, FindTypeMismatch} {
		if !strings.Contains(strings.Join(kinds, " "), k) {
			t.Errorf("audit lacks %s: %v", k, kinds)
		}
	}
}

func TestTranscriptionErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "published", "a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		kind           error
		marker         string // the error is on the first line holding this text
		want           string
	}{
		{"bad number", "{no: 1, label_ja: 甲, count: 6}", "{no: 1, label_ja: 甲, count: six}", yamlsrc.ErrInvalid, "count: six", `"six" must be a non-negative integer, lost or not_reported`},
		{"negative", "count: 6}", "count: -6}", yamlsrc.ErrInvalid, "count: -6", `"-6" must be a non-negative`},
		{"unknown key", "    page: 10\n", "    page: 10\n    pages: 10\n", yamlsrc.ErrUnknownKey, "pages: 10", `unknown key "pages"`},
		{"bad key", `key: "1.1"`, `key: "table one"`, yamlsrc.ErrInvalid, "table one", `"table one" is not a table key`},
		{"row numbering", "{no: 2, label_ja: その他", "{no: 3, label_ja: その他", yamlsrc.ErrInvalid, "{no: 3, label_ja: その他", "row 2 has no 3"},
		{"missing count", "{no: 3, label_ja: 混在, count: 1}", "{no: 3, label_ja: 混在}", yamlsrc.ErrMissing, "{no: 3, label_ja: 混在}", "row 3: count is required"},
		{"adjacent on printed count", "{no: 3, label_ja: 混在, count: 1}", "{no: 3, label_ja: 混在, count: 1, adjacent: 1}", yamlsrc.ErrInvalid, "adjacent: 1", "adjacent is for a lost count only"},
		{"duplicate table", `key: "1.2"`, `key: "1.1"`, yamlsrc.ErrDuplicate, `key: "1.1"`, "transcribed twice"},
		{"no page or source", "    page: 10\n", "", yamlsrc.ErrMissing, `key: "1.1"`, "page is required (the page number printed in the report), or a source"},
		{"bad page", "    page: 10\n", "    page: -3\n", yamlsrc.ErrInvalid, "page: -3", "page -3 must be a positive page number"},
		{"read from the original without the number", "{no: 2, label_ja: その他, count: lost}", "{no: 2, label_ja: その他, count: lost, read_from_original: \"p. 10\"}", yamlsrc.ErrInvalid, "read_from_original", "read_from_original needs the number read (count: 12), not lost"},
		{"read from the original, nowhere", "{no: 2, label_ja: その他, count: lost}", "{no: 2, label_ja: その他, count: 2, read_from_original: \" \"}", yamlsrc.ErrMissing, "read_from_original", "read_from_original must say where the count was read"},
		{"adjacent on not reported", "{no: 2, label_ja: その他, count: lost}", "{no: 2, label_ja: その他, count: not_reported, adjacent: 1}", yamlsrc.ErrInvalid, "adjacent: 1", "adjacent is for a lost count only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(base), tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			doc := strings.Replace(string(base), tc.old, tc.new, 1)
			_, err := ParseTranscription("a.yaml", []byte(doc))
			line := lineOf(doc, tc.marker)
			if tc.name == "duplicate table" {
				line = lineOf(string(base), `key: "1.2"`) // where the second 1.1 now stands
			}
			yamlsrctest.At(t, err, tc.kind, tc.want, "a.yaml", line)
		})
	}
}

func TestSpecErrors(t *testing.T) {
	q, _, _ := fixture(t)
	base, err := os.ReadFile(filepath.Join("testdata", "tables.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		kind           error
		marker         string
		want           string
	}{
		{"unknown code", "rows: [a, b, mixed, NA]", "rows: [a, b, zz, NA]", questionnaire.ErrUnknownRef, "rows: [a, b, zz, NA]", `row 3: code "zz" is not an option`},
		{"unknown item", `item: "1.3"`, `item: "7.7"`, questionnaire.ErrUnknownRef, `item: "7.7"`, `item "7.7" is not in the questionnaire`},
		{"duplicate key in mapping", "rows: [lt5, 5plus, NA]", "rows: [lt5, 5plus, NA]\n    base: most", yamlsrc.ErrInvalid, "", "already defined"},
		{"unknown base", "    base: all\n    rows: [lt5", "    base: most\n    rows: [lt5", yamlsrc.ErrInvalid, "base: most", `base "most" is not one of`},
		{"asked without relevance", "    base: all\n    rows: [lt5", "    base: asked\n    rows: [lt5", yamlsrc.ErrInvalid, "base: asked\n    rows: [lt5", "base asked, but"},
		{"unknown cell", "cell: sourcing\n    base: asked\n    rows: [inhouse, NA]", "cell: source\n    base: asked\n    rows: [inhouse, NA]", questionnaire.ErrUnknownRef, "cell: source", `no cell "source"`},
		{"bad month", `to: "2013-12"`, `to: "2013-13"`, yamlsrc.ErrInvalid, "2013-13", `to "2013-13" is not a month`},
		{"cell on non-matrix", `item: "1.5"`, `item: "1.5"` + "\n    cell: x", yamlsrc.ErrInvalid, "cell: x", "cell applies to matrix items only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(base), tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			doc := strings.Replace(string(base), tc.old, tc.new, 1)
			_, err := ParseSpecs("tables.yaml", []byte(doc), q)
			line := 0
			if tc.marker != "" {
				line = lineOf(doc, tc.marker)
			} else {
				line = lineOf(doc, tc.new[strings.LastIndex(tc.new, "\n")+1:])
			}
			yamlsrctest.At(t, err, tc.kind, tc.want, "tables.yaml", line)
		})
	}
}

func TestJoinErrors(t *testing.T) {
	q, specs, tables := fixture(t)
	_, err := Join(q, specs[1:], tables, nil)
	yamlsrctest.At(t, err, questionnaire.ErrUnknownRef, "no spec for this table key", filepath.Join("testdata", "published", "a.yaml"), 3)

	tables[0].Rows = tables[0].Rows[:3]
	_, err = Join(q, specs, tables, nil)
	yamlsrctest.At(t, err, yamlsrc.ErrInvalid, "3 rows are transcribed but the spec (line 3) lists 4 row codes", filepath.Join("testdata", "published", "a.yaml"), 3)

	_, err = Join(q, specs, tables[1:], nil)
	yamlsrctest.At(t, err, questionnaire.ErrUnknownRef, "spec without a transcribed table", filepath.Join("testdata", "tables.yaml"), 3)
}

// lineOf returns the 1-based line where marker (which may span lines) starts in doc.
func lineOf(doc, marker string) int {
	i := strings.Index(doc, marker)
	if i < 0 {
		return -1
	}
	return strings.Count(doc[:i], "\n") + 1
}

// TestRecordsReadByDuckDB writes both datasets and reads them back with DuckDB.
func TestRecordsReadByDuckDB(t *testing.T) {
	q, specs, tables := fixture(t)
	set, err := Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	write := func(name string, data []byte, err error) {
		if err != nil {
			t.Fatal(err)
		}
		p := columnar.PartitionPath(dir, name, 2015)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := set.Record(mem)
	data, err := columnar.EncodeParquet(rec)
	rec.Release()
	write("published", data, err)
	findings := set.Audit()
	arec := AuditRecord(mem, findings)
	data, err = columnar.EncodeParquet(arec)
	arec.Release()
	write("audit", data, err)

	res := duckdbtest.Query(t, dir, `SELECT table_key, row_no, code, count, count_status, inferred_count, n, label_ja
		FROM read_parquet('published/*/*.parquet', hive_partitioning = true, file_row_number = true) ORDER BY file_row_number`)
	if res.Len() != len(set.Entries) {
		t.Fatalf("DuckDB reads %d rows, want %d", res.Len(), len(set.Entries))
	}
	opt := func(v *int64) string {
		if v == nil {
			return "<nil>"
		}
		return fmt.Sprint(*v)
	}
	for i, e := range set.Entries {
		count, n := "<nil>", "<nil>"
		if !e.Count.Lost {
			count = fmt.Sprint(e.Count.Value)
		}
		if !e.N.Lost {
			n = fmt.Sprint(e.N.Value)
		}
		status := map[bool]string{true: "lost", false: "printed"}[e.Count.Lost]
		want := []string{e.TableKey, fmt.Sprint(e.RowNo), e.Code, count, status, opt(e.Inferred), n, e.LabelJA}
		for j, w := range want {
			if got := fmt.Sprint(res.Rows[i][j]); got != w {
				t.Errorf("row %d %s = %s, want %s", i, res.Columns[j].Name, got, w)
			}
		}
	}
	ares := duckdbtest.Query(t, dir, `SELECT finding_id, kind, tables[1] AS t1, pages[1] AS p1 FROM read_parquet('audit/*/*.parquet') ORDER BY finding_id`)
	if ares.Len() != len(findings) {
		t.Fatalf("DuckDB reads %d findings, want %d", ares.Len(), len(findings))
	}
	for i, f := range findings {
		if got := ares.Strings("kind")[i]; got != f.Kind || ares.Strings("t1")[i] != f.Tables[0] || ares.Int64s("p1")[i] != int64(f.Pages[0]) {
			t.Errorf("finding %d = %v, want %s %s %d", i, ares.Rows[i], f.Kind, f.Tables[0], f.Pages[0])
		}
	}
}

// A table quoted by a secondary source: a count the source does not quote is
// not_reported (not "lost in the extraction"), a partial table's rows are not
// required to add up to N, and the table cites its source instead of a page.
func TestNotReportedAndPartial(t *testing.T) {
	q, specs, all := fixture(t)
	base, err := os.ReadFile(filepath.Join("testdata", "published", "a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		partial  bool
		inferred bool
	}{
		{"complete table", false, true}, // every row is listed: the sum relation gives the missing count
		{"partial table", true, false},  // other rows exist: nothing follows from the sum
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(string(base), "    page: 10\n", "    source: article-1\n", 1)
			src = strings.Replace(src, "{no: 2, label_ja: その他, count: lost}", "{no: 2, label_ja: その他, count: not_reported}", 1)
			src = strings.Replace(src, "{no: 3, label_ja: 混在, count: 1}", "{no: 3, label_ja: 混在, count: 3}", 1) // 6 + 3 + 1 = 10 = N
			if tc.partial {
				src = strings.Replace(src, "    multi: false\n    n: 10\n", "    multi: false\n    partial: true\n    n: 10\n", 1)
			}
			tables, err := ParseTranscription("a.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckSources(tables, func(id string) bool { return id == "article-1" }); err != nil {
				t.Fatalf("CheckSources: %v", err)
			}
			if err := CheckSources(tables, func(string) bool { return false }); err == nil || !strings.Contains(err.Error(), `source "article-1" is not a source`) {
				t.Errorf("CheckSources with no sources: %v", err)
			}
			if got := tables[0].Cite(); got != "article-1" {
				t.Errorf("Cite = %q", got)
			}
			// The other files' tables as they are, a.yaml's as changed here.
			for _, other := range all {
				if !slices.ContainsFunc(tables, func(t *Table) bool { return t.Key == other.Key }) {
					tables = append(tables, other)
				}
			}
			set, err := Join(q, specs, tables, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := set.TableEntries("1.1")[1]
			if e.Count.Status() != StatusNotReported || e.Source != "article-1" || e.Page != 0 || e.Partial != tc.partial {
				t.Errorf("row 2 = %+v", e)
			}
			if got := e.Inferred != nil; got != tc.inferred {
				t.Errorf("row 2 inferred = %v (%q), want %v", e.Inferred, e.Inference, tc.inferred)
			}
			for _, f := range set.Audit() {
				if slices.Contains(f.Tables, "1.1") && (f.Kind == FindLostCount || f.Kind == FindSumMismatch) {
					t.Errorf("audit finding on a not_reported count: %+v", f)
				}
			}
			rec := set.Record(memory.NewGoAllocator())
			defer rec.Release()
			cols := map[string]int{}
			for i, f := range rec.Schema().Fields() {
				cols[f.Name] = i
			}
			if !rec.Column(cols["page"]).IsNull(1) || rec.Column(cols["count_status"]).ValueStr(1) != StatusNotReported ||
				rec.Column(cols["source"]).ValueStr(1) != "article-1" {
				t.Errorf("record row 2: page null %v, status %s, source %s", rec.Column(cols["page"]).IsNull(1),
					rec.Column(cols["count_status"]).ValueStr(1), rec.Column(cols["source"]).ValueStr(1))
			}
		})
	}
}

// Two tables that print the same run of counts covering most of their N are
// a finding to check; a short run of small counts is not.
func TestAuditRepeatedCounts(t *testing.T) {
	table := func(key string, n int64, counts ...int64) *Table {
		tb := &Table{Key: key, Source: "article", N: Number{Value: n}}
		for i, c := range counts {
			tb.Rows = append(tb.Rows, Row{No: i + 1, Count: Number{Value: c}})
		}
		return tb
	}
	var got []Finding
	add := func(f Finding) { got = append(got, f) }
	s := &Set{Tables: []*Table{
		table("2.15", 187, 22, 52, 90),
		table("3.3", 187, 22, 52, 90, 23),
		table("4.1", 66, 1, 1, 1, 63),
		table("4.2", 66, 5, 1, 1, 1, 58),
	}}
	s.auditRepeats(add)
	if len(got) != 1 {
		t.Fatalf("%d findings, want 1 (2.15 / 3.3): %+v", len(got), got)
	}
	f := got[0]
	if f.Kind != FindRepeatedCounts || !slices.Equal(f.Tables, []string{"2.15", "3.3"}) || !strings.Contains(f.MessageEN, "(22, 52, 90)") {
		t.Errorf("finding = %+v", f)
	}
	if run, ia, ib := longestCommonRun([]int64{1, 2, 3, -1, 4}, []int64{9, 9, 2, 3, -1, 4}); !slices.Equal(run, []int64{2, 3}) || ia != 1 || ib != 2 {
		t.Errorf("longestCommonRun = %v at %d, %d; want [2 3] at 1, 2 (a lost count breaks a run)", run, ia, ib)
	}
}

// A count a person read in the original (the text extraction lost it) is
// printed: no lost_count finding, no inferred value, and the note says where
// it was read.
func TestReadFromOriginal(t *testing.T) {
	q, specs, tables := fixture(t)
	base, err := os.ReadFile(filepath.Join("testdata", "published", "a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	old := "{no: 2, label_ja: その他, count: lost}"
	if !strings.Contains(string(base), old) {
		t.Fatalf("fixture lacks %q", old)
	}
	doc := strings.Replace(string(base), old, `{no: 2, label_ja: その他, count: 2, read_from_original: "p. 10, printed PDF"}`, 1)
	read, err := ParseTranscription("a.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for i, tb := range tables {
		for _, r := range read {
			if r.Key == tb.Key {
				tables[i] = r
			}
		}
	}
	set, err := Join(q, specs, tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range set.TableEntries("1.1") {
		if e.RowNo != 2 {
			continue
		}
		if e.Count.Status() != StatusPrinted || e.Count.Value != 2 || e.Inferred != nil ||
			!strings.Contains(e.Note, "count read from the original (p. 10, printed PDF)") {
			t.Errorf("1.1 row 2 = %+v; want printed 2, nothing inferred, a note saying where it was read", e)
		}
	}
	for _, f := range set.Audit() {
		if f.Kind == FindLostCount && strings.Contains(f.Numbers, "row 2 (その他)") && slices.Contains(f.Tables, "1.1") {
			t.Errorf("the audit still calls 1.1 row 2 lost: %+v", f)
		}
	}
}

// TestEveryTableHasItsOwnEnglishTitle reads every year of the repository
// that has published tables: each table's English title is non-empty and
// no two tables of a year share one (a title made mechanically from the
// questionnaire repeats across a matrix's group tables; the spec's title_en
// then says what each counts).
func TestEveryTableHasItsOwnEnglishTitle(t *testing.T) {
	eachCommittedYear(t, func(year string, q *questionnaire.Questionnaire, _ string, ss []*Spec, tables []*Table) {
		set, err := Join(q, ss, tables, nil)
		if err != nil {
			t.Fatal(err)
		}
		byTitle := map[string]string{}
		for _, e := range set.Entries {
			if e.TitleEN == "" {
				t.Errorf("%s: table %s has no English title", year, e.TableKey)
				continue
			}
			if k, ok := byTitle[e.TitleEN]; ok && k != e.TableKey {
				t.Errorf("%s: tables %s and %s share the English title %q", year, k, e.TableKey, e.TitleEN)
			}
			byTitle[e.TitleEN] = e.TableKey
		}
	})
}

// eachCommittedYear calls fn with the questionnaire, table specs and
// transcription of every year of the repository that has published tables.
func eachCommittedYear(t *testing.T, fn func(year string, q *questionnaire.Questionnaire, specPath string, specs []*Spec, tables []*Table)) {
	t.Helper()
	root := filepath.Join("..", "..")
	specs, _ := filepath.Glob(filepath.Join(root, "schemas", "*", "tables.yaml"))
	if len(specs) == 0 {
		t.Fatal("no schemas/<year>/tables.yaml")
	}
	for _, specPath := range specs {
		dir := filepath.Dir(specPath)
		year := filepath.Base(dir)
		q, err := questionnaire.Load(filepath.Join(dir, "questionnaire.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		ss, err := LoadSpecs(specPath, q)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := LoadTranscription(filepath.Join(root, "raw", year, "published"))
		if err != nil {
			t.Fatal(err)
		}
		fn(year, q, specPath, ss, tables)
	}
}

// TestEveryNoteHasItsJapanese reads the repository's table specs and
// transcriptions of every year: every note a report shows (note of a table
// spec or of a transcribed table) has its Japanese (note_ja), so that the
// Japanese edition is in Japanese.
func TestEveryNoteHasItsJapanese(t *testing.T) {
	notes := 0
	eachCommittedYear(t, func(_ string, _ *questionnaire.Questionnaire, specPath string, ss []*Spec, tables []*Table) {
		for _, s := range ss {
			if s.Note != "" {
				notes++
				if s.NoteJA == "" {
					t.Errorf("%s: table %s has a note without note_ja", specPath, s.Key)
				}
			}
		}
		for _, tb := range tables {
			if tb.Note != "" {
				notes++
				if tb.NoteJA == "" {
					t.Errorf("%s:%d: table %s has a note without note_ja", tb.File, tb.At.Line, tb.Key)
				}
			}
		}
	})
	if notes == 0 {
		t.Fatal("no notes found: the check would pass blindly")
	}
	t.Logf("%d notes, each in Japanese too", notes)
}
