package ingest

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

const minimalPath = "../questionnaire/testdata/minimal.yaml"

func loadMinimal(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load(minimalPath)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// loadMinimalPlus is the minimal questionnaire with a second year_month item
// (1.7 ended) and an identifying column, for the tests that need them.
func loadMinimalPlus(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	data, err := os.ReadFile(minimalPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data) + `  - id: ended
    number: "1.7"
    type: year_month
    text_ja: 終了
    text_en: End
identifying_columns: [organisation, 組織名]
`
	q, err := questionnaire.Parse("minimal-plus.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func load2015(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Load("../../schemas/2015/questionnaire.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// row is one emitted row as Go values: string (utf8 and dictionary values),
// bool, int64 (int32), "YYYY-MM-DD" (date32), []string (list) or nil.
type row map[string]any

// rowsOf converts a record to rows.
func rowsOf(t testing.TB, rec arrow.Record) []row {
	t.Helper()
	out := make([]row, rec.NumRows())
	for i := range out {
		out[i] = row{}
	}
	for c := 0; c < int(rec.NumCols()); c++ {
		name := rec.ColumnName(c)
		col := rec.Column(c)
		for i := range out {
			if col.IsNull(i) {
				out[i][name] = nil
				continue
			}
			out[i][name] = valueAt(t, col, i)
		}
	}
	return out
}

func valueAt(t testing.TB, col arrow.Array, i int) any {
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Dictionary:
		return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
	case *array.List:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues().(*array.String)
		out := []string{}
		for j := start; j < end; j++ {
			out = append(out, vals.Value(int(j)))
		}
		return out
	}
	t.Fatalf("unexpected array type %T", col)
	return nil
}

// result is what a read emitted and reported.
type result struct {
	rows    []row
	batches int
	rep     *Report
}

// readFile reads path with a checked allocator, checks that every record
// has exactly columns.Schema(q) and that nothing leaks.
func readFile(t testing.TB, q *questionnaire.Questionnaire, path string, opt Options) result {
	t.Helper()
	return readWith(t, q, opt, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Read(context.Background(), q, path, o, emit)
	})
}

func readWith(t testing.TB, q *questionnaire.Questionnaire, opt Options, read func(Options, func(arrow.Record) error) (*Report, error)) result {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opt.Mem = mem
	want := columns.Schema(q)
	var res result
	rep, err := read(opt, func(rec arrow.Record) error {
		if got := rec.Schema(); !got.Equal(want) || got.String() != want.String() {
			t.Fatalf("record schema differs from columns.Schema(q):\n%s\nwant\n%s", got, want)
		}
		res.rows = append(res.rows, rowsOf(t, rec)...)
		res.batches++
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	res.rep = rep
	return res
}

// goodRows are the rows testdata/good.csv gives with the minimal questionnaire.
var goodRows = []row{
	{"respondent_id": "2015-000001", "provenance": "collected", "kind": "a",
		"sources__asked": true, "sources": []string{"a"}, "sources__a": true, "sources__e": false,
		"members": int64(5), "started": "2014-05-01", "policy": "a",
		"services__a__provision": "provided", "services__a__sourcing__asked": true, "services__a__sourcing": "inhouse",
		"services__w__provision": "not_provided", "services__w__sourcing__asked": false, "services__w__sourcing": nil},
	{"respondent_id": "2015-000002", "provenance": "synthetic", "kind": "b",
		"sources__asked": false, "sources": nil, "sources__a": nil, "sources__e": nil,
		"members": int64(12), "started": "2014-05-01", "policy": "b",
		"services__a__provision": "not_provided", "services__a__sourcing__asked": false, "services__a__sourcing": nil,
		"services__w__provision": "provided", "services__w__sourcing__asked": true, "services__w__sourcing": "inhouse"},
	{"respondent_id": "2015-000003", "provenance": "collected", "kind": "mixed",
		"sources__asked": false, "sources": nil, "sources__a": nil, "sources__e": nil,
		"members": nil, "started": "2014-05-01", "policy": nil,
		"services__a__provision": nil, "services__a__sourcing__asked": false, "services__a__sourcing": nil,
		"services__w__provision": nil, "services__w__sourcing__asked": false, "services__w__sourcing": nil},
	{"respondent_id": "2015-000004", "provenance": "collected", "kind": "a",
		"sources__asked": true, "sources": []string{"e"}, "sources__a": false, "sources__e": true,
		"members": int64(0), "started": nil, "policy": "b",
		"services__a__provision": "provided", "services__a__sourcing__asked": true, "services__a__sourcing": nil,
		"services__w__provision": nil, "services__w__sourcing__asked": false, "services__w__sourcing": nil},
}

func checkRows(t testing.TB, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("row %d has %d columns, want %d", i, len(got[i]), len(want[i]))
		}
		for k, w := range want[i] {
			g, ok := got[i][k]
			if !ok {
				t.Errorf("row %d: no column %s", i, k)
				continue
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("row %d column %s = %#v, want %#v", i, k, g, w)
			}
		}
	}
}

func noIssues(t testing.TB, rep *Report) {
	t.Helper()
	if len(rep.Issues) > 0 {
		var b strings.Builder
		for _, is := range rep.Issues {
			b.WriteString(is.String() + "\n")
		}
		t.Fatalf("unexpected issues:\n%s", b.String())
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
}
