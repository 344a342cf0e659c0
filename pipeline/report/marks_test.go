package report_test

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// chosenRows lists, per table, the rows whose printed count was lost and
// whose computed count therefore is the reconstruction's value.
func chosenRows(in report.Inputs) map[string]int {
	out := map[string]int{}
	for _, r := range in.Reconciliation {
		if r.RowNo > 0 && r.Status == reconcile.Lost && r.Computed != nil {
			out[r.TableKey]++
		}
	}
	return out
}

// TestChosenCountsMarked: in a reconstructed year every count the
// reconstruction chose for a lost printed number is marked in the tables
// (status lost_chosen, in both notebooks and the page), drawn outlined in the
// charts with the legend, and styled in the workbook; a year whose rows were
// collected shows the same rows unmarked.
func TestChosenCountsMarked(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	want := chosenRows(in)
	total := 0
	for _, n := range want {
		total += n
	}
	if total == 0 {
		t.Fatal("2015 has no lost printed count: the test would check nothing")
	}
	out := rendered2015(t)
	for _, name := range []string{report.NotebookJA, report.NotebookEN} {
		marked, dashed, legends := 0, 0, 0
		for _, c := range readNotebook(t, out[name]).Cells {
			for _, o := range c.Outputs {
				h := text(o.Data["text/html"])
				marked += strings.Count(h, `class="num chosen"`)
				svg := text(o.Data["image/svg+xml"])
				dashed += strings.Count(svg, `stroke-dasharray="3 2"`)
				if strings.Contains(svg, `stroke-dasharray`) && strings.Contains(svg, `fill="#555555">* `) {
					legends++ // the legend line under the bars: "* outlined bar = ..."
				}
			}
		}
		if marked != total || dashed != total {
			t.Errorf("%s: %d marked count cells and %d outlined bars, want %d (the lost rows of the reconciliation)", name, marked, dashed, total)
		}
		if legends < len(want) {
			t.Errorf("%s: %d charts with a chosen count carry the legend, want %d", name, legends, len(want))
		}
	}
	page := string(out[report.HTMLFile])
	if n := strings.Count(page, `class="num chosen"`); n != 2*total {
		t.Errorf("report.html: %d marked cells, want %d (both languages)", n, 2*total)
	}
	f, err := excelize.OpenReader(strings.NewReader(string(out[report.XLSXFile])))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for key, n := range want {
		sheet := strings.ReplaceAll(key, "/", "-")
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		styled := 0
		for r, row := range rows {
			for c := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				id, _ := f.GetCellStyle(sheet, ref)
				if st, err := f.GetStyle(id); err == nil && st.Font != nil && st.Font.Italic {
					styled++
				}
			}
		}
		if styled != n {
			t.Errorf("tables.xlsx %s: %d styled count cells, want %d", sheet, styled, n)
		}
	}

	collected := in
	collected.Provenance = survey.Collected
	outC, err := report.Render(collected)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(outC[report.HTMLFile]), `class="num chosen"`) {
		t.Error("report.html: a year of collected rows marks counts as chosen by a reconstruction")
	}
	for _, c := range readNotebook(t, outC[report.NotebookEN]).Cells {
		for _, o := range c.Outputs {
			if strings.Contains(text(o.Data["image/svg+xml"]), "stroke-dasharray") || strings.Contains(text(o.Data["text/html"]), `class="num chosen"`) {
				t.Errorf("cell %s: a year of collected rows marks counts as chosen by a reconstruction", c.ID)
			}
		}
	}
}
