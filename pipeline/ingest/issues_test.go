package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/xuri/excelize/v2"
)

// TestIssueCodes reads one hand-made bad file per issue code
// (testdata/bad/<name>.csv: a header, a good row 2 and, unless the problem is
// in the header, a bad row 3) and checks the issue it gives.
func TestIssueCodes(t *testing.T) {
	for _, tc := range []struct {
		file    string
		plus    bool // minimal questionnaire with 1.7 ended and Order {1.4, 1.7}
		advice  bool // Options.AdvisoryRouting (a paper form)
		want    Issue
		message string // a part of the message
		fatal   bool   // fails the read even under Quarantine
	}{
		{file: "missing_id_column", want: Issue{Code: CodeMissingID, Row: 1, Column: "respondent_id"},
			message: "no respondent_id column", fatal: true},
		{file: "empty_id", want: Issue{Code: CodeEmptyID, Row: 3, Column: "respondent_id"}, message: "non-empty"},
		{file: "duplicate_id", want: Issue{Code: CodeDuplicateID, Row: 3, Column: "respondent_id"}, message: "same as in row 2"},
		{file: "duplicate_column", want: Issue{Code: CodeDuplicateCol, Row: 1, Column: "members", Item: "1.3"},
			message: "columns 5 and 13", fatal: true},
		{file: "unknown_column", want: Issue{Code: CodeUnknownColumn, Row: 1, Column: "polcy"},
			message: "did you mean policy?", fatal: true},
		{file: "missing_column", want: Issue{Code: CodeMissingColumn, Row: 1, Column: "policy", Item: "1.5"},
			message: "item 1.5 has no column policy", fatal: true},
		{file: "missing_column_matrix", want: Issue{Code: CodeMissingColumn, Row: 1, Column: "services__w__sourcing", Item: "1.6"},
			message: "every row and cell needs a column", fatal: true},
		{file: "missing_column_flag", want: Issue{Code: CodeMissingColumn, Row: 1, Column: "sources__e", Item: "1.2"},
			message: "one column per option (sources__a, sources__e)", fatal: true},
		{file: "ragged_row", want: Issue{Code: CodeRaggedRow, Row: 3, Value: "13 cells"}, message: "the header has 12"},
		{file: "unknown_code", want: Issue{Code: CodeUnknownCode, Row: 3, Column: "kind", Item: "1.1", Value: "z"},
			message: "allowed: a, b or mixed"},
		{file: "unknown_code_matrix", want: Issue{Code: CodeUnknownCode, Row: 3, Column: "services__a__provision", Item: "1.6", Value: "yes"},
			message: "allowed: provided or not_provided"},
		{file: "not_integer", want: Issue{Code: CodeNotInteger, Row: 3, Column: "members", Item: "1.3", Value: "five"},
			message: "a whole number between 0 and 2147483647"},
		{file: "out_of_range", want: Issue{Code: CodeOutOfRange, Row: 3, Column: "members", Item: "1.3", Value: "-1"},
			message: "allowed: a whole number between 0 and 2147483647"},
		{file: "bad_year_month", want: Issue{Code: CodeBadYearMonth, Row: 3, Column: "started", Item: "1.4", Value: "2014-13"},
			message: "2014-05, 2014/5 or 2014年5月"},
		{file: "impossible_year_month", want: Issue{Code: CodeImpossibleYearMonth, Row: 3, Column: "started", Item: "1.4", Value: "2016-01"},
			message: "from 1990-01 to 2015-12 (the survey was fielded 2015-12-01)"},
		{file: "start_after_end", plus: true, want: Issue{Code: CodeStartAfterEnd, Row: 3, Column: "started", Item: "1.4", Value: "2015-06"},
			message: "2015-06 (started, item 1.4) is after 2015-03 (ended, item 1.7)"},
		{file: "exclusive_combined", want: Issue{Code: CodeExclusiveCombined, Row: 3, Column: "sources", Item: "1.2", Value: "a;e"},
			message: "option e excludes all other options"},
		{file: "not_asked", want: Issue{Code: CodeNotAsked, Row: 3, Column: "sources", Item: "1.2", Value: "a"},
			message: "asked only when 1.1 in (a), and here the answer to 1.1 is b"},
		{file: "not_asked_matrix", want: Issue{Code: CodeNotAsked, Row: 3, Column: "services__a__sourcing", Item: "1.6", Value: "inhouse"},
			message: "cell provision of row a is not_provided"},
		// The same rows under advisory routing: kept, with a warning.
		{file: "not_asked", advice: true, want: Issue{Code: CodeAnsweredWhenSkipped, Row: 3, Column: "sources", Item: "1.2", Value: "a"},
			message: "the routing skips it when not 1.1 in (a), and here the answer to 1.1 is b, but it is answered"},
		{file: "not_asked_matrix", advice: true, want: Issue{Code: CodeAnsweredWhenSkipped, Row: 3, Column: "services__a__sourcing", Item: "1.6", Value: "inhouse"},
			message: "cell sourcing of item 1.6: the routing skips it when provision not in (provided)"},
		{file: "bad_flag", want: Issue{Code: CodeBadFlag, Row: 3, Column: "sources__a", Item: "1.2", Value: "2"},
			message: "1 (chosen), 0 (not chosen) or blank"},
		{file: "conflicting_multi", want: Issue{Code: CodeConflictingMulti, Row: 3, Column: "sources", Item: "1.2", Value: "a"},
			message: "sources says a but the 0/1 columns say e"},
		{file: "bad_provenance", want: Issue{Code: CodeBadProvenance, Row: 3, Column: "provenance", Value: "real"},
			message: "collected, reconstructed or synthetic"},
		{file: "other_text_without_option", want: Issue{Code: CodeOtherTextWithoutOption, Row: 3, Column: "kind__b__text", Item: "1.1"},
			message: "option b is not chosen"},
		{file: "csv_syntax", want: Issue{Code: CodeCSVSyntax, Row: 3}, message: "line 3", fatal: true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			q := loadMinimal(t)
			opt := Options{AdvisoryRouting: tc.advice}
			if tc.plus {
				q = loadMinimalPlus(t)
				opt.Order = [][2]string{{"1.4", "1.7"}}
			}
			path := filepath.Join("testdata", "bad", tc.file+".csv")
			for _, quarantine := range []bool{false, true} {
				opt.Quarantine = quarantine
				res := readFile(t, q, path, opt)
				rep := res.rep
				if len(rep.Issues) != 1 {
					t.Fatalf("issues:\n%v\nwant exactly one", rep.Issues)
				}
				got := rep.Issues[0]
				want := tc.want
				want.File = path
				want.Severity = Severity(want.Code)
				want.Message = got.Message
				if got != want {
					t.Errorf("issue\n%+v\nwant\n%+v", got, want)
				}
				if !strings.Contains(got.Message, tc.message) {
					t.Errorf("message %q does not contain %q", got.Message, tc.message)
				}
				if rep.Totals[tc.want.Code] != 1 {
					t.Errorf("totals %v", rep.Totals)
				}
				err := rep.Err()
				switch {
				case want.Severity == SeverityWarning:
					if err != nil || len(res.rows) != 2 {
						t.Errorf("warning: Err() = %v, %d rows emitted (want 2)", err, len(res.rows))
					}
				case tc.fatal || !quarantine:
					if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want.Code+" 1") {
						t.Errorf("Err() = %v, want ErrInvalid with %s 1", err, tc.want.Code)
					}
					if tc.fatal && len(res.rows) != 0 {
						t.Errorf("%d rows emitted despite a file-level problem", len(res.rows))
					}
				default: // row-level error under Quarantine
					if err != nil {
						t.Errorf("Err() = %v under Quarantine", err)
					}
					if len(res.rows) != 1 || res.rows[0]["respondent_id"] != "2015-000001" {
						t.Errorf("emitted %v, want the good row 2 only", res.rows)
					}
					if len(rep.Rejects) != 1 || rep.Rejects[0].Row != 3 || rep.Rejects[0].RespondentID != "2015-000002" ||
						rep.Rejects[0].Codes[0] != tc.want.Code {
						t.Errorf("rejects %+v", rep.Rejects)
					}
				}
			}
		})
	}
}

// A truncated XLSX is rejected as xlsx_unreadable.
func TestXLSXTruncated(t *testing.T) {
	q := loadMinimal(t)
	good := xlsxFromCSV(t, "testdata/good.csv")
	for _, cut := range []int{len(good) / 2, len(good) - 10, 10} {
		path := filepath.Join(t.TempDir(), "responses.xlsx")
		if err := os.WriteFile(path, good[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		res := readFile(t, q, path, Options{Quarantine: true})
		rep := res.rep
		if len(rep.Issues) != 1 || rep.Issues[0].Code != CodeXLSXUnreadable || rep.Issues[0].Row != 0 {
			t.Fatalf("cut at %d: issues %v", cut, rep.Issues)
		}
		if !strings.Contains(rep.Issues[0].Message, "truncated") || !errors.Is(rep.Err(), ErrInvalid) || len(res.rows) != 0 {
			t.Errorf("cut at %d: message %q, err %v, %d rows", cut, rep.Issues[0].Message, rep.Err(), len(res.rows))
		}
		if rep.Encoding != EncodingXLSX {
			t.Errorf("encoding %q", rep.Encoding)
		}
	}
}

// An XLSX workbook holding the cells of good.csv gives the same rows.
func TestXLSXEqualsCSV(t *testing.T) {
	q := loadMinimal(t)
	data := xlsxFromCSV(t, "testdata/good.csv")
	path := filepath.Join(t.TempDir(), "responses.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := readFile(t, q, path, Options{})
	noIssues(t, res.rep)
	if res.rep.Encoding != EncodingXLSX {
		t.Errorf("encoding %q", res.rep.Encoding)
	}
	checkRows(t, res.rows, goodRows)
	csv := readFile(t, q, "testdata/good.csv", Options{})
	checkRows(t, res.rows, csv.rows)

	// From memory, under any name: the content says it is a workbook.
	mem := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "upload.bin", data, o, emit)
	})
	checkRows(t, mem.rows, goodRows)
}

// XLSX rows may omit trailing empty cells, may have empty rows (skipped, but
// counted in row numbers) and numbers stored as numbers.
func TestXLSXRowsAndNumbers(t *testing.T) {
	q := loadMinimal(t)
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	header := strings.Split("respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text", ",")
	set := func(row int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	hv := make([]any, len(header))
	for i, h := range header {
		hv[i] = h
	}
	set(1, hv...)
	set(2, "r1", "a", nil, "a", 7)                                             // trailing cells omitted
	set(4, "r2", "z")                                                          // row 3 empty; bad code in row 4
	set(5, "r3", "a", nil, nil, 3, nil, nil, nil, nil, nil, nil, nil, "extra") // a cell beyond the header
	var buf strings.Builder
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res := readWith(t, q, Options{Quarantine: true}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "rows.xlsx", []byte(buf.String()), o, emit)
	})
	rep := res.rep
	if len(res.rows) != 1 || res.rows[0]["members"] != int64(7) || res.rows[0]["sources"] == nil {
		t.Errorf("rows %v", res.rows)
	}
	if len(rep.Issues) != 2 || rep.Issues[0].Code != CodeUnknownCode || rep.Issues[0].Row != 4 ||
		rep.Issues[1].Code != CodeRaggedRow || rep.Issues[1].Row != 5 {
		t.Errorf("issues %v", rep.Issues)
	}
}

// xlsxFromCSV writes the cells of a UTF-8 CSV file into a new workbook.
func xlsxFromCSV(t testing.TB, path string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, path))), "\n")
	for i, line := range lines {
		cells := strings.Split(strings.TrimRight(line, "\r"), ",")
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf strings.Builder
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return []byte(buf.String())
}

// Under advisory routing the answer to a skipped follow-up is kept and the
// item applies to the respondent (__asked true), so that the tables counting
// those asked count it; under enforced routing the row is an error.
func TestAdvisoryRoutingKeepsAnswer(t *testing.T) {
	q := loadMinimal(t)
	path := filepath.Join("testdata", "bad", "not_asked.csv")
	res := readFile(t, q, path, Options{AdvisoryRouting: true})
	if err := res.rep.Err(); err != nil || len(res.rows) != 2 {
		t.Fatalf("Err() = %v, %d rows; want nil and 2", err, len(res.rows))
	}
	if res.rep.SkippedAnswered["1.2"] != 1 || len(res.rep.SkippedAnswered) != 1 {
		t.Errorf("SkippedAnswered = %v, want 1.2: 1", res.rep.SkippedAnswered)
	}
	got := res.rows[1]
	if got["kind"] != "b" || got["sources__asked"] != true || !slices.Equal(got["sources"].([]string), []string{"a"}) || got["sources__a"] != true {
		t.Errorf("row 2 = %v; want kind b, sources [a] kept and sources__asked true", got)
	}
	enforced := readFile(t, q, path, Options{Quarantine: true})
	if len(enforced.rows) != 1 || enforced.rep.Totals[CodeNotAsked] != 1 {
		t.Errorf("enforced: %d rows, totals %v; want 1 row and one not_asked", len(enforced.rows), enforced.rep.Totals)
	}
}
