package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// pyBlock returns the top-level statement of src that starts with head
// (a def or an if), up to the next top-level line.
func pyBlock(t *testing.T, src, head string) string {
	t.Helper()
	i := strings.Index(src, "\n"+head)
	if i < 0 {
		t.Fatalf("the notebook code has no top-level %q", head)
	}
	lines := strings.Split(src[i+1:], "\n")
	end := 1
	for end < len(lines) && (lines[end] == "" || strings.HasPrefix(lines[end], " ")) {
		end++
	}
	return strings.Join(lines[:end], "\n")
}

// TestNotebookRerunHelpers runs the notebooks' own helpers with Debian's
// pandas (1.5, so the requirement check must stop it): the pandas >= 2
// requirement gives its message, years() lists the processed/ partitions,
// a year without a dataset or a table stops with a message naming what the
// year has, and shown() prints a missing value as –.
func TestNotebookRerunHelpers(t *testing.T) {
	py := needTool(t, debianPython, "Debian's Python")
	if _, errOut, err := runErr(t.TempDir(), nil, py, "-c", "import pandas"); err != nil {
		t.Fatalf("Debian's Python has no pandas (%v): %s; apt-get install python3-pandas", err, errOut)
	}
	setup := report.PythonSetup
	dir := t.TempDir()
	for _, p := range []string{"published/year=2098", "published/year=2099", "maturity/year=2098", "published/other"} {
		if err := os.MkdirAll(filepath.Join(dir, "processed", p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := `import importlib.util, os
from decimal import ROUND_HALF_UP, Decimal
import pandas as pd

processed, year, lang = "processed", 2099, "en"
try:
` + indent(pyBlock(t, setup, "if int(pd.__version__")) + `
    print("requirement: passed with pandas", pd.__version__)
except ImportError as e:
    print("requirement:", e)

` + pyBlock(t, setup, "def years(") + "\n\n" + pyBlock(t, setup, "def need(") + "\n\n" +
		pyBlock(t, setup, "def shown(") + "\n\n" + pyBlock(t, setup, "def half_up(") + "\n\n" + pyBlock(t, setup, "def rnd(") + `


def load(dataset):
    return None


print("years:", years(), years("maturity"))
try:
    need("maturity")
except LookupError as e:
    print("need:", e)

` + report.PythonTables() + `


pub = pd.DataFrame({"table_key": ["1.1", "1.1"], "row_no": pd.array([1, 2], dtype="Int64"), "code": ["a", "b"],
                    "label_en": ["A", "B"], "count": pd.array([15, None], dtype="Int64"),
                    "n": pd.array([48, 48], dtype="Int64"), "base": ["all", "all"]})
freq = None
try:
    table("9.9")
except KeyError as e:
    print("table:", e)
t = shown(table("1.1"))
print("shown:", "|".join(str(v) for v in t.iloc[:, -1]), "<NA>" in t.to_string())
`
	path := filepath.Join(dir, "rerun.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	out := string(run(t, dir, nil, py, path))
	t.Log(out)
	for _, want := range []string{
		"requirement: these cells need pandas >= 2 with pyarrow; found pandas 1.", // Debian bookworm's pandas 1.5
		"years: [2098, 2099] [2098]",
		"need: processed/maturity holds no data for year 2099 (it holds [2098])",
		"table 9.9 is not among the published tables of 2099 (1.1); reports/2099/report.ipynb shows that year's tables",
		"shown: 31.3|–|– False", // 15/48 half up, the lost count's %, the N row's %; no <NA>
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the notebook helpers print\n%s\nwant a line with %q", out, want)
		}
	}
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// TestCommittedNotebooksShowDashForMissing: no shown table of a committed
// notebook or report.html prints pandas' <NA>; missing values show as –.
func TestCommittedNotebooksShowDashForMissing(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "reports", "*", "report*"))
	if err != nil || len(files) < 6 {
		t.Fatalf("want every year's notebooks and page, found %v (%v)", files, err)
	}
	dashes := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var shown string
		switch {
		case strings.HasSuffix(f, ".ipynb"):
			var b strings.Builder
			for _, c := range readNotebook(t, data).Cells {
				for _, o := range c.Outputs {
					b.WriteString(text(o.Data["text/html"]) + text(o.Data["text/plain"]))
				}
			}
			shown = b.String()
		case strings.HasSuffix(f, ".html"):
			shown = string(data)
		default:
			continue
		}
		if strings.Contains(shown, "<NA>") || strings.Contains(shown, "&lt;NA&gt;") {
			t.Errorf("%s shows <NA>", f)
		}
		dashes += strings.Count(shown, `<td class="num">–</td>`)
	}
	if dashes == 0 {
		t.Error("no table shows a missing value as –: the check found nothing to check")
	}
}
