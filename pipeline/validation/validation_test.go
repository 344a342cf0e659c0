package validation_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

// cells returns the record as rows of Go values: string, int64, []string or nil.
func cells(t *testing.T, rec arrow.Record) []map[string]any {
	t.Helper()
	out := make([]map[string]any, rec.NumRows())
	for i := range out {
		out[i] = map[string]any{}
		for c, col := range rec.Columns() {
			name := rec.ColumnName(c)
			if col.IsNull(i) {
				out[i][name] = nil
				continue
			}
			switch a := col.(type) {
			case *array.String:
				out[i][name] = a.Value(i)
			case *array.Int32:
				out[i][name] = int64(a.Value(i))
			case *array.List:
				start, end := a.ValueOffsets(i)
				vals := a.ListValues().(*array.String)
				l := []string{}
				for j := start; j < end; j++ {
					l = append(l, vals.Value(int(j)))
				}
				out[i][name] = l
			default:
				t.Fatalf("column %s: unexpected %T", name, col)
			}
		}
	}
	return out
}

func capped() *ingest.Report {
	return &ingest.Report{
		File: "dir/capped.csv",
		Issues: []ingest.Issue{
			{Code: ingest.CodeUnknownCode, Severity: ingest.SeverityError, File: "dir/capped.csv", Row: 2, Column: "kind", Item: "1.1", Value: "z", Message: "kind: z is not an option"},
			{Code: ingest.CodeNotInteger, Severity: ingest.SeverityError, File: "dir/capped.csv", Row: 2, Column: "members", Item: "1.3", Value: "x", Message: "members: not an integer"},
			{Code: ingest.CodeEncoding, Severity: ingest.SeverityError, File: "dir/capped.csv", Message: "whole file"},
		},
		Totals:    map[string]int{ingest.CodeUnknownCode: 10, ingest.CodeNotInteger: 9, ingest.CodeEncoding: 1},
		Truncated: true,
		Rejects: []ingest.Reject{
			{RespondentID: "2015-000002", Row: 3, Codes: []string{ingest.CodeUnknownCode, ingest.CodeNotInteger}, Messages: []string{"kind: z", "members: x"}},
			{RespondentID: "2015-000004", Row: 5, Codes: []string{ingest.CodeDuplicateID}, Messages: []string{"respondent_id: duplicate"}},
		},
	}
}

func TestRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := validation.Record(mem, capped())
	defer rec.Release()
	if !rec.Schema().Equal(validation.Schema) || rec.NumRows() != 4 {
		t.Fatalf("validation record: schema %v, %d rows", rec.Schema(), rec.NumRows())
	}
	rows := cells(t, rec)
	want0 := map[string]any{"code": "unknown_code", "severity": "error", "file": "capped.csv", "row": int64(2),
		"column": "kind", "item": "1.1", "value": "z", "message": "kind: z is not an option"}
	if !reflect.DeepEqual(rows[0], want0) {
		t.Errorf("first row %v, want %v", rows[0], want0)
	}
	// A whole-file issue has no row, column, item or value: nulls, not "" or 0.
	if r := rows[2]; r["row"] != nil || r["column"] != nil || r["item"] != nil || r["value"] != nil {
		t.Errorf("whole-file row %v", r)
	}
	last := rows[3]
	if last["code"] != ingest.CodeIssuesTruncated || last["row"] != nil ||
		last["message"] != "3 of 20 issues listed; totals by code: encoding 1, not_integer 9, unknown_code 10" {
		t.Errorf("truncation row %v", last)
	}
}

func TestRecordNotTruncated(t *testing.T) {
	r := capped()
	r.Truncated = false
	rec := validation.Record(nil, r)
	defer rec.Release()
	if rec.NumRows() != int64(len(r.Issues)) {
		t.Errorf("%d rows for %d issues", rec.NumRows(), len(r.Issues))
	}
}

func TestRejectsRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := validation.RejectsRecord(mem, capped())
	defer rec.Release()
	if !rec.Schema().Equal(validation.RejectsSchema) || rec.NumRows() != 2 {
		t.Fatalf("rejects record %v", rec)
	}
	rows := cells(t, rec)
	want := map[string]any{"respondent_id": "2015-000004", "row": int64(5), "codes": []string{"duplicate_id"}, "messages": []string{"respondent_id: duplicate"}}
	if !reflect.DeepEqual(rows[1], want) {
		t.Errorf("rejects row %v, want %v", rows[1], want)
	}
}

// The datasets hold only what the report says (ingest masks private values
// in it): no text from anywhere else.
func TestRecordsHoldOnlyReportText(t *testing.T) {
	r := capped()
	allowed := []string{"capped.csv", ingest.CodeIssuesTruncated, ingest.SeverityError, ingest.SeverityWarning}
	for _, is := range r.Issues {
		allowed = append(allowed, is.Code, is.Severity, is.Column, is.Item, is.Value, is.Message)
	}
	for _, rj := range r.Rejects {
		allowed = append(allowed, rj.RespondentID)
		allowed = append(allowed, rj.Codes...)
		allowed = append(allowed, rj.Messages...)
	}
	for _, rec := range []arrow.Record{validation.Record(nil, r), validation.RejectsRecord(nil, r)} {
		for c, col := range rec.Columns() {
			for _, v := range strings1(col) {
				if !slices.Contains(allowed, v) && !strings.HasPrefix(v, "3 of 20 issues listed") {
					t.Errorf("column %s holds %q, which the report does not", rec.ColumnName(c), v)
				}
			}
		}
		rec.Release()
	}
}

func strings1(a arrow.Array) []string {
	switch a := a.(type) {
	case *array.String:
		var out []string
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				out = append(out, a.Value(i))
			}
		}
		return out
	case *array.List:
		return strings1(a.ListValues())
	}
	return nil
}
