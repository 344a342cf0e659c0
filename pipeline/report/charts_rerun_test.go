package report_test

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// chartsHarness runs the code cells of a year's notebook with pandas, as a
// reader would, and prints every chart the code displays as JSON {cell id:
// [svg, ...]} with the cells that raised. Debian has pandas 1.5 and no
// pyarrow: the requirement check is told pandas 2 with pyarrow, and
// pd.read_parquet is served by DuckDB (npm, the tests' independent reader)
// reading the year's partition, as pyarrow reads a Hive partition directory
// (without the year column).
const chartsHarness = `import importlib.util, json, subprocess, sys, traceback
import pandas as pd
processed, node, notebook = sys.argv[1], sys.argv[2], sys.argv[3]
pd.__version__ = "2.0.0"
find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: True if name == "pyarrow" else find_spec(name, *a)
cache = {}
def read_parquet(path, engine=None, columns=None, dtype_backend=None):
    ds, part = path.rstrip("/").split("/")[-2:]
    if (ds, part) not in cache:
        out = subprocess.run(["node", node, f"SELECT * FROM read_parquet('{ds}/{part}/*.parquet')"],
                             cwd=processed, capture_output=True, text=True, check=True).stdout
        d = json.loads(out)
        df = pd.DataFrame(d["rows"], columns=[c["name"] for c in d["columns"]])
        # the dtypes pd.read_parquet(dtype_backend="pyarrow") gives: nullable
        # integers and floats, not float64 with NaN for an integer with nulls
        for c in d["columns"]:
            if c["type"] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
                df[c["name"]] = df[c["name"]].astype("Int64")
            elif c["type"] in ("DOUBLE", "FLOAT"):
                df[c["name"]] = df[c["name"]].astype("Float64")
        cache[ds, part] = df
    df = cache[ds, part].copy()
    return df[columns] if columns else df
pd.read_parquet = read_parquet
charts, tables, errors, cur = {}, {}, {}, [None]
def display(x):
    if hasattr(x, "_repr_svg_"):
        charts.setdefault(cur[0], []).append(x._repr_svg_())
    if isinstance(x, pd.DataFrame):
        x = x.reset_index() if x.index.name or any(x.index.names) else x
        rows = [[str(c) for c in x.columns]]
        rows += [["<NA>" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in r] for r in x.itertuples(index=False)]
        tables.setdefault(cur[0], []).append(rows)
g = {"display": display}
for c in json.load(open(notebook))["cells"]:
    if c["cell_type"] != "code":
        continue
    src = "".join(c["source"]).replace("from IPython.display import display", "")
    if c["id"] == "parameters":
        src += f"\nprocessed = {processed!r}"
    cur[0] = c["id"]
    try:
        exec(src, g)
    except Exception:
        errors[c["id"]] = traceback.format_exc(limit=3)
json.dump({"charts": charts, "tables": tables, "errors": errors}, sys.stdout, ensure_ascii=False)
`

// TestNotebookCodeRedrawsCharts executes the code cells of every committed
// year notebook (both editions) with pandas over the committed processed/
// datasets and checks that the charts the code draws (charts.py, fed from
// the Parquet) are byte for byte the charts the build pre-rendered, and that
// every table the code displays is, cell for cell, the pre-rendered table:
// one implementation, the same data on both paths.
func TestNotebookCodeRedrawsCharts(t *testing.T) {
	py := needTool(t, debianPython, "Debian's Python")
	if _, errOut, err := runErr(t.TempDir(), nil, py, "-c", "import pandas"); err != nil {
		t.Fatalf("Debian's Python has no pandas (%v): %s; %s", err, errOut, installAdvice)
	}
	node, err := filepath.Abs(filepath.Join(repoRoot, "pipeline", "internal", "duckdbtest", "testdata", "node", "query.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	processed, err := filepath.Abs(filepath.Join(repoRoot, "processed"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "reports", "*", "report*.ipynb"))
	if err != nil || len(files) < 2 {
		t.Fatalf("want every year's notebooks, found %v (%v)", files, err)
	}
	script := filepath.Join(t.TempDir(), "harness.py")
	if err := os.WriteFile(script, []byte(chartsHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range files {
		name := strings.TrimPrefix(f, repoRoot+"/")
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Charts map[string][]string
			Tables map[string][][][]string
			Errors map[string]string
		}
		if err := json.Unmarshal(run(t, filepath.Dir(abs), nil, py, script, processed, node, abs), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checked, tables := 0, 0
		for _, c := range readNotebook(t, readFile(t, f)).Cells {
			// The tables: every pre-rendered HTML table of the cell, in order,
			// against the DataFrames its code displays.
			var wantTables [][][]string
			for _, o := range c.Outputs {
				if h := text(o.Data["text/html"]); strings.Contains(h, "<table") {
					wantTables = append(wantTables, htmlTableRows(h))
				}
			}
			if len(wantTables) > 0 {
				if e, ok := got.Errors[c.ID]; ok {
					t.Errorf("%s: cell %s raised:\n%s", name, c.ID, e)
					continue
				}
				if gt := got.Tables[c.ID]; len(gt) != len(wantTables) {
					t.Errorf("%s: cell %s: the code shows %d tables, the notebook %d", name, c.ID, len(gt), len(wantTables))
				} else {
					for i := range gt {
						if !slices.EqualFunc(gt[i], wantTables[i], sameCells) && !emptyBoth(gt[i], wantTables[i]) {
							t.Errorf("%s: cell %s: %s", name, c.ID, firstRowDiff(gt[i], wantTables[i]))
						}
						tables++
					}
				}
			}
			var want []string
			for _, o := range c.Outputs {
				if svg := text(o.Data["image/svg+xml"]); svg != "" {
					want = append(want, svg)
				}
			}
			if len(want) == 0 {
				continue
			}
			if e, ok := got.Errors[c.ID]; ok {
				t.Errorf("%s: cell %s raised:\n%s", name, c.ID, e)
				continue
			}
			drawn := got.Charts[c.ID]
			if len(drawn) != len(want) {
				t.Errorf("%s: cell %s: the code draws %d charts, the notebook shows %d", name, c.ID, len(drawn), len(want))
				continue
			}
			for i := range want {
				if drawn[i] != want[i] {
					t.Errorf("%s: cell %s: the code draws\n%s\nthe pre-rendered chart is\n%s", name, c.ID, firstDiff(drawn[i], want[i]), firstDiff(want[i], drawn[i]))
				}
				checked++
			}
		}
		t.Logf("%s: %d charts redrawn and %d tables rebuilt by the notebook's code, identical", name, checked, tables)
		total += checked + tables
	}
	if total == 0 {
		t.Error("no chart compared: the test checked nothing") // a year without tables has none; the years together have some
	}
}

// htmlAnyRow is a table row with or without attributes (the N row has a class).
var htmlAnyRow = regexp.MustCompile(`(?s)<tr(?:\s[^>]*)?>(.*?)</tr>`)

// htmlTableRows is the text of each row's cells of a pre-rendered HTML table.
func htmlTableRows(h string) [][]string {
	var rows [][]string
	for _, r := range htmlAnyRow.FindAllStringSubmatch(h, -1) {
		var row []string
		for _, cell := range htmlCell.FindAllStringSubmatch(r[1], -1) {
			row = append(row, strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(cell[1], ""))))
		}
		rows = append(rows, row)
	}
	return rows
}

// firstRowDiff names the first row where the code's table and the
// pre-rendered one differ.
func firstRowDiff(got, want [][]string) string {
	for i := range max(len(got), len(want)) {
		var g, w []string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !sameCells(g, w) {
			return fmt.Sprintf("row %d: pandas shows %q, the pre-rendered table %q (%d and %d rows)", i, g, w, len(got), len(want))
		}
	}
	return "equal"
}

// sameCells compares two rows cell by cell; numbers are compared as numbers
// (the harness prints a float as Python's str gives it, 2.2, where pandas'
// HTML and the pre-rendered table pad the column to 2.20).
func sameCells(a, b []string) bool {
	return slices.EqualFunc(a, b, func(x, y string) bool {
		if x == y {
			return true
		}
		fx, ex := strconv.ParseFloat(x, 64)
		fy, ey := strconv.ParseFloat(y, 64)
		return ex == nil && ey == nil && fx == fy
	})
}

// emptyBoth: pandas shows an empty DataFrame as its header alone; the
// pre-rendered table shows the same header and one cell saying it is empty
// ("No issues." / 「問題はありません。」).
func emptyBoth(got, want [][]string) bool {
	return len(got) == 1 && len(want) == 2 && len(want[1]) == 1 && sameCells(got[0], want[0])
}
