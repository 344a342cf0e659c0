package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
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
        cache[ds, part] = pd.DataFrame(d["rows"], columns=[c["name"] for c in d["columns"]])
    df = cache[ds, part].copy()
    return df[columns] if columns else df
pd.read_parquet = read_parquet
charts, errors, cur = {}, {}, [None]
def display(x):
    if hasattr(x, "_repr_svg_"):
        charts.setdefault(cur[0], []).append(x._repr_svg_())
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
json.dump({"charts": charts, "errors": errors}, sys.stdout, ensure_ascii=False)
`

// TestNotebookCodeRedrawsCharts executes the code cells of every committed
// year notebook (both editions) with pandas over the committed processed/
// datasets and checks that the charts the code draws (charts.py, fed from
// the Parquet) are byte for byte the charts the build pre-rendered: one
// chart implementation, the same data on both paths.
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
			Errors map[string]string
		}
		if err := json.Unmarshal(run(t, filepath.Dir(abs), nil, py, script, processed, node, abs), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checked := 0
		for _, c := range readNotebook(t, readFile(t, f)).Cells {
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
		t.Logf("%s: %d charts redrawn by the notebook's code, identical", name, checked)
		total += checked
	}
	if total == 0 {
		t.Error("no chart compared: the test checked nothing") // a year without tables has none; the years together have some
	}
}
