package ingest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
)

// fileLevel are the codes reported for the header or the whole file.
var fileLevel = map[string]bool{
	CodeEncoding: true, CodeXLSXUnreadable: true, CodeCSVSyntax: true, CodeMissingID: true,
	CodeDuplicateCol: true, CodeUnknownColumn: true, CodeMissingColumn: true,
	CodeXLSXTooLarge: true, CodeRowTooLong: true, CodeTooManyColumns: true, CodeColumnNameTooLong: true,
	CodeNoRows: true, CodeAllRejected: true,
}

// wholeFile are the file-level codes that may have no row (row 0).
var wholeFile = map[string]bool{
	CodeEncoding: true, CodeCSVSyntax: true, CodeUnknownColumn: true, CodeXLSXTooLarge: true, CodeAllRejected: true,
}

// FuzzRead feeds arbitrary bytes to the CSV path of Parse: it must never
// panic or leak, every issue must be located and printable, and every record
// must have the responses schema.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/bad/*.csv")
	files = append(files, "testdata/good.csv", "testdata/good_ja.csv", "testdata/enc/sjis.csv", "testdata/enc/utf8bom.csv", "testdata/enc/eucjp.csv")
	for _, file := range files {
		f.Add(mustRead(f, file))
	}
	f.Add([]byte("respondent_id,kind\n\"r1\nx\",a\n\n\nr2,\"b\"\"\"\n"))
	f.Add([]byte("respondent_id,sources,sources__a,sources__e\nr1,a;e;,1,\nr2,,1,1\n"))
	f.Add([]byte("\xef\xbb\xbfrespondent_id,,kind\r\nr1,x,NA\r\n"))
	q := loadMinimal(f)
	q.IdentifyingColumns = []string{"organisation"}
	schema := columns.Schema(q)
	f.Fuzz(func(t *testing.T, data []byte) {
		// Keep to the CSV path: content that starts like a ZIP or OLE2 file is read as a workbook.
		if bytes.HasPrefix(data, []byte("PK")) || bytes.HasPrefix(data, []byte{0xD0, 0xCF}) {
			data = append([]byte("x"), data...)
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rows := 0
		rep, err := Parse(q, "fuzz.csv", data, Options{Quarantine: true, BatchSize: 2, MaxIssues: 50, Mem: mem}, func(rec arrow.Record) error {
			if !rec.Schema().Equal(schema) {
				t.Fatalf("record schema %s", rec.Schema())
			}
			rows += int(rec.NumRows())
			return nil
		})
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		mem.AssertSize(t, 0)
		if rows != rep.Accepted {
			t.Errorf("%d rows emitted, Accepted %d", rows, rep.Accepted)
		}
		if rep.Usable() && rep.Accepted+rep.Rejected != rep.Rows {
			t.Errorf("rows %d != accepted %d + rejected %d", rep.Rows, rep.Accepted, rep.Rejected)
		}
		if !rep.Usable() && rep.Accepted != 0 && rep.Totals[CodeCSVSyntax] == 0 && rep.Totals[CodeEncoding] == 0 {
			t.Errorf("%d rows accepted despite a header problem", rep.Accepted)
		}
		total := 0
		for _, n := range rep.Totals {
			total += n
		}
		if total < len(rep.Issues) || (total > len(rep.Issues)) != rep.Truncated {
			t.Errorf("totals %v for %d issues, truncated %v", rep.Totals, len(rep.Issues), rep.Truncated)
		}
		for _, is := range rep.Issues {
			if is.File != "fuzz.csv" || is.Code == "" || is.Message == "" || is.Row < 0 || is.Severity != Severity(is.Code) {
				t.Errorf("issue not located: %+v", is)
			}
			if !fileLevel[is.Code] && is.Row < 2 {
				t.Errorf("row-level issue at row %d: %+v", is.Row, is)
			}
			if fileLevel[is.Code] && !wholeFile[is.Code] && is.Row < 1 {
				t.Errorf("header issue at row %d: %+v", is.Row, is)
			}
			for _, s := range []string{is.Value, is.Message, is.Column} {
				if !utf8.ValidString(s) {
					t.Errorf("issue text is not valid UTF-8: %q", s)
				}
			}
		}
		if e := rep.Err(); e != nil && (!errors.Is(e, ErrInvalid) || !strings.Contains(e.Error(), "fuzz.csv")) {
			t.Errorf("Err() = %v", e)
		}
		for _, rj := range rep.Rejects {
			if len(rj.Codes) == 0 || len(rj.Codes) != len(rj.Messages) || rj.Row < 2 {
				t.Errorf("reject %+v", rj)
			}
		}
		mem.AssertSize(t, 0)
	})
}
