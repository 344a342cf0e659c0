package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/xuri/excelize/v2"
)

// formulaXLSX is good.csv as a workbook whose members cells (column F) of
// rows 2 and 3 are formulas: F2 without a saved value (as a program that
// does not compute formulas writes it), F3 with the value 12 saved (the XML
// is edited: excelize keeps the old value when it sets a formula).
func formulaXLSX(t *testing.T) []byte {
	t.Helper()
	data := xlsxFromCSV(t, "testdata/good.csv")
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sh := f.GetSheetName(0)
	for _, c := range []string{"F2", "F3"} {
		if err := f.SetCellFormula(sh, c, "2+3"); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Store a value for F3, as Excel does when it saves.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	edited := false
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			s := string(body)
			for ref, v := range map[string]string{"F2": "", "F3": "<v>12</v>"} {
				i := strings.Index(s, `<c r="`+ref+`"`)
				j := strings.Index(s[i:], "</c>")
				if i < 0 || j < 0 || !strings.Contains(s[i:i+j], "<f>2+3</f>") {
					t.Fatalf("no formula in %s: %s", ref, s)
				}
				cell := regexp.MustCompile(`<v>[^<]*</v>`).ReplaceAllString(s[i:i+j], "") + v
				s = s[:i] + cell + s[i+j:]
			}
			body, edited = []byte(s), true
		}
		w, _ := zw.Create(zf.Name)
		w.Write(body)
	}
	zw.Close()
	if !edited {
		t.Fatal("no sheet1.xml")
	}
	return out.Bytes()
}

// A formula cell without a saved value is an error with its cell reference
// (it was read as "no answer"); one with a saved value is read with a warning.
func TestXLSXFormulas(t *testing.T) {
	q := loadMinimal(t)
	data := formulaXLSX(t)
	res := readWith(t, q, Options{Quarantine: true}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "formulas.xlsx", data, o, emit)
	})
	rep := res.rep
	if len(rep.Issues) != 2 {
		t.Fatalf("issues %v", rep.Issues)
	}
	e, w := rep.Issues[0], rep.Issues[1]
	if e.Code != CodeFormulaWithoutValue || e.Severity != SeverityError || e.Row != 2 || e.Column != "members" ||
		e.Item != "1.3" || !strings.Contains(e.Message, "cell F2 holds a formula without a saved value") {
		t.Errorf("error %+v", e)
	}
	if w.Code != CodeFormulaCachedValue || w.Severity != SeverityWarning || w.Row != 3 || w.Column != "members" ||
		w.Value != "12" || !strings.Contains(w.Message, "cell F3 holds a formula") {
		t.Errorf("warning %+v", w)
	}
	if rep.Rejected != 1 || len(res.rows) != 3 || res.rows[0]["respondent_id"] != "2015-000002" || res.rows[0]["members"] != int64(12) {
		t.Errorf("rejected %d, rows %v", rep.Rejected, res.rows)
	}
	// Without quarantine the file fails.
	res = readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "formulas.xlsx", data, o, emit)
	})
	if err := res.rep.Err(); err == nil || !strings.Contains(err.Error(), "formula_without_value 1") {
		t.Errorf("Err() = %v", err)
	}
}
