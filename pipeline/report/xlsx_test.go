package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// openpyxlCheck reads workbooks with openpyxl and prints one line per
// problem: a text cell that reads as a number without the Text format, a %
// column cell that is not a number with a % format, a table sheet without
// frozen header rows, filters, print titles or fit-to-width. Last it prints
// what it looked at.
const openpyxlCheck = `import re, sys
import openpyxl

NUM = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?\s*$")
sheets = cells = pcts = 0
for path in sys.argv[1:]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        sheets += 1
        pct_cols, header = set(), None
        for row in ws.iter_rows():
            for c in row:
                cells += 1
                v = c.value
                if isinstance(v, str) and NUM.match(v) and c.number_format != "@":
                    print(f"{path} {ws.title}!{c.coordinate}: number stored as text {v!r}")
                if v == "%":
                    pct_cols.add(c.column)
                    header = c.row
                elif header and c.column in pct_cols and c.row > header and v is not None:
                    if isinstance(v, bool) or not isinstance(v, (int, float)) or "%" not in c.number_format:
                        print(f"{path} {ws.title}!{c.coordinate}: % cell {v!r} with format {c.number_format!r}")
                    pcts += 1
        if ws.title == "overview":
            continue  # label/value pairs, no table
        if not ws.freeze_panes:
            print(f"{path} {ws.title}: no frozen header rows")
            continue
        header = int(re.sub(r"\D", "", ws.freeze_panes)) - 1  # the table's header row
        if not ws.auto_filter.ref and ws.max_row > header + 1:  # a table with rows
            print(f"{path} {ws.title}: no filter")
        if not ws.print_title_rows:
            print(f"{path} {ws.title}: no print titles")
        if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1):
            print(f"{path} {ws.title}: not fitted to the page width")
print(f"checked {len(sys.argv) - 1} workbooks, {sheets} sheets, {cells} cells, {pcts} % cells")
`

// TestWorkbooksWithOpenpyxl opens every committed tables.xlsx with openpyxl
// (Debian's python3-openpyxl) as an Excel user's tools would see it.
func TestWorkbooksWithOpenpyxl(t *testing.T) {
	py := needTool(t, debianPython, "Debian's Python")
	if _, errOut, err := runErr(t.TempDir(), nil, py, "-c", "import openpyxl"); err != nil {
		t.Fatalf("%s cannot import openpyxl (%v): %s\n%s", py, err, errOut, installAdvice)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "reports", "*", "tables.xlsx"))
	if err != nil || len(files) < 2 {
		t.Fatalf("want the committed workbooks of every year, found %v (%v)", files, err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "check.py")
	if err := os.WriteFile(script, []byte(openpyxlCheck), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range files {
		if files[i], err = filepath.Abs(files[i]); err != nil {
			t.Fatal(err)
		}
	}
	out := strings.TrimSpace(string(run(t, dir, nil, py, append([]string{script}, files...)...)))
	lines := strings.Split(out, "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "checked ") || strings.Contains(last, " 0 % cells") {
		t.Fatalf("the check did not run through: %s", out)
	}
	for _, l := range lines[:len(lines)-1] {
		t.Error(l)
	}
	t.Log(last)
}
