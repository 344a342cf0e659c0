package report_test

import (
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// pandasHarness runs the code cells of a trends notebook with pandas, as a
// reader would, and prints every displayed table as JSON {cell id: rows}.
// Debian has no pyarrow, so pd.read_parquet is served by DuckDB (npm, the
// tests' independent reader) reading processed/ in one call per dataset.
const pandasHarness = `import json, subprocess, sys
import pandas as pd
root, node = sys.argv[1], sys.argv[2]
def read_parquet(path, engine=None, columns=None):
    ds = path.rstrip("/").split("/")[-1]
    out = subprocess.run(["node", node, f"SELECT * FROM read_parquet('{ds}/*/*.parquet', hive_partitioning = true, union_by_name = true)"],
                         cwd=root + "/processed", capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    df = pd.DataFrame(d["rows"], columns=[c["name"] for c in d["columns"]])
    return df[columns] if columns else df
pd.read_parquet = read_parquet
shown, charts, cur = {}, {}, [None]
def display(x):
    if hasattr(x, "_repr_svg_"):
        charts[cur[0]] = x._repr_svg_()
    if isinstance(x, pd.DataFrame):
        x = x.reset_index() if x.index.name or any(x.index.names) else x
        rows = [[str(c) for c in x.columns]]
        rows += [["<NA>" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in r] for r in x.itertuples(index=False)]
        shown[cur[0]] = rows
g = {"display": display}
for c in json.load(open(root + "/reports/trends.ipynb"))["cells"]:
    if c["cell_type"] != "code":
        continue
    src = "".join(c["source"]).replace("from IPython.display import display", "")
    if c["id"] == "parameters":
        src += f"\nprocessed = {root + '/processed'!r}"
    cur[0] = c["id"]
    exec(src, g)
json.dump({"tables": shown, "charts": charts}, sys.stdout, ensure_ascii=False)
`

var (
	htmlRow  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	htmlCell = regexp.MustCompile(`(?s)<t[dh][^>]*>(.*?)</t[dh]>`)
	htmlTag  = regexp.MustCompile(`<[^>]+>`)
)

// TestTrendsNotebookCodeRebuildsTables executes the trends notebooks of the
// fictional tree and of the published-year tree with pandas and checks that
// every table the code displays (overview, each concept, the concepts not
// compared) has the cells of the pre-rendered output the pipeline wrote,
// and that every chart it draws (charts.py) is the pre-rendered one, byte
// for byte.
func TestTrendsNotebookCodeRebuildsTables(t *testing.T) {
	py := needTool(t, debianPython, "Debian's Python")
	if out, err := exec.Command(py, "-c", "import pandas").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import pandas (%v): %s; apt-get install python3-pandas", py, err, out)
	}
	node, err := filepath.Abs(filepath.Join(repoRoot, "pipeline", "internal", "duckdbtest", "testdata", "node", "query.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	pub := t.TempDir()
	pubRoot := filepath.Join(repoRoot, "testdata", "published-year")
	if _, err := build.Run(context.Background(), build.Config{SchemasDir: filepath.Join(pubRoot, "schemas"), RawDir: filepath.Join(pubRoot, "raw"),
		ProcessedDir: filepath.Join(pub, "processed"), ReportsDir: filepath.Join(pub, "reports")}); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"fictional": fictionalBuild(t), "published-year": pub} {
		script := filepath.Join(t.TempDir(), "harness.py")
		if err := os.WriteFile(script, []byte(pandasHarness), 0o644); err != nil {
			t.Fatal(err)
		}
		var out struct {
			Tables map[string][][]string
			Charts map[string]string
		}
		if err := json.Unmarshal(run(t, dir, nil, py, script, dir, node), &out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		shown := out.Tables
		nb := readNotebook(t, readFile(t, filepath.Join(dir, "reports", report.TrendsNotebook)))
		checked, charts := 0, 0
		for _, c := range nb.Cells {
			for _, o := range c.Outputs {
				if svg := text(o.Data["image/svg+xml"]); svg != "" {
					if out.Charts[c.ID] != svg {
						t.Errorf("%s: cell %s: the code draws\n%s\nthe pre-rendered chart is\n%s", name, c.ID, firstDiff(out.Charts[c.ID], svg), firstDiff(svg, out.Charts[c.ID]))
					}
					charts++
				}
			}
			if c.CellType != "code" || len(c.Outputs) == 0 || c.Outputs[0].Data["text/html"] == nil {
				continue
			}
			var want [][]string
			for _, r := range htmlRow.FindAllStringSubmatch(text(c.Outputs[0].Data["text/html"]), -1) {
				var row []string
				for _, cell := range htmlCell.FindAllStringSubmatch(r[1], -1) {
					row = append(row, strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(cell[1], ""))))
				}
				want = append(want, row)
			}
			got := shown[c.ID]
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s: cell %s: pandas shows\n%v\nthe pre-rendered output is\n%v", name, c.ID, got, want)
			}
			checked++
		}
		if checked < 4 {
			t.Errorf("%s: %d tables checked", name, checked)
		}
		t.Logf("%s: %d tables and %d charts rebuilt by the notebook's code", name, checked, charts)
	}
}
