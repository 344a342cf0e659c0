package report_test

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// dashedBar is how a chart draws a count the reconstruction chose.
const dashedBar = `height="14" fill="#ffffff" stroke="#2f6db5" stroke-width="1.5" stroke-dasharray="3 2"`

// chosenRows lists, per table, the rows whose printed count was lost with
// nothing to infer it from: their computed count is the reconstruction's
// choice (an inferred count is not).
func chosenRows(in report.Inputs) map[string]int {
	out := map[string]int{}
	for _, r := range in.Reconciliation {
		if r.RowNo > 0 && r.Basis == reconcile.BasisChosen && r.Computed != nil {
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
	// the charts tell a chosen count (dashed bar, *) from an inferred one
	// (hatched, †); 2015 has no chosen or inferred count in a matrix chart
	chosen, inferred := map[string]int{}, map[string]int{}
	for _, r := range in.Reconciliation {
		switch {
		case r.RowNo > 0 && r.Basis == reconcile.BasisChosen:
			chosen[r.TableKey]++
		case r.RowNo > 0 && r.Basis == reconcile.BasisInferred && !strings.HasPrefix(r.TableKey, "2.9."):
			inferred[r.TableKey]++
		}
	}
	nChosen := 0
	for _, n := range chosen {
		nChosen += n
	}
	out := rendered2015(t)
	legend := map[string][2]string{report.NotebookJA: {">* 点線", ">† 斜線"}, report.NotebookEN: {">* dashed", ">† hatched"}}
	for _, name := range []string{report.NotebookJA, report.NotebookEN} {
		marked, dashed, chosenLegends, inferredLegends := 0, 0, 0, 0
		for _, c := range readNotebook(t, out[name]).Cells {
			for _, o := range c.Outputs {
				h := text(o.Data["text/html"])
				marked += strings.Count(h, `class="num chosen"`)
				svg := text(o.Data["image/svg+xml"])
				d := strings.Count(svg, dashedBar)
				dashed += d
				if d > 0 && strings.Contains(svg, legend[name][0]) {
					chosenLegends++
				}
				if strings.Contains(svg, "<path") && strings.Contains(svg, legend[name][1]) {
					inferredLegends++
				}
			}
		}
		if marked != total || dashed != nChosen {
			t.Errorf("%s: %d marked count cells and %d dashed bars, want %d and %d (the counts the reconstruction chose)", name, marked, dashed, total, nChosen)
		}
		if chosenLegends != len(chosen) || inferredLegends < len(inferred) {
			t.Errorf("%s: %d charts with a chosen count carry its legend, want %d; %d with an inferred one, want %d", name, chosenLegends, len(chosen), inferredLegends, len(inferred))
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
				// the legend under the table shows the style with words; count numbers
				if st, err := f.GetStyle(id); err == nil && st.Font != nil && st.Font.Italic && !strings.HasPrefix(row[c], "凡例") && !strings.HasPrefix(row[c], "Legend") {
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
			if strings.Contains(text(o.Data["image/svg+xml"]), dashedBar) || strings.Contains(text(o.Data["text/html"]), `class="num chosen"`) {
				t.Errorf("cell %s: a year of collected rows marks counts as chosen by a reconstruction", c.ID)
			}
		}
	}
}
