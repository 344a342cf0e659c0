package report_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

func TestRoundHalfUp(t *testing.T) {
	for _, c := range []struct {
		x    float64
		d    int
		want float64
	}{
		{31.25, 1, 31.3}, // 15/48: half to even would give 31.2
		{31.24, 1, 31.2},
		{0.125, 2, 0.13}, // a tie in decimal; the binary value is exactly 0.125
		{2.675, 2, 2.68}, // the binary value lies below 2.675; printed as 2.675, it rounds up
		{1.005, 2, 1.01},
		{0.05, 1, 0.1},
		{0.04, 1, 0},
		{-1.25, 1, -1.3}, // away from zero
		{12.5, 0, 13},
		{99.95, 1, 100},
		{100, 1, 100},
		{66.66666666666667, 1, 66.7},
		{1e-7, 3, 0},
		{123456789.45, 1, 123456789.5},
	} {
		if got := report.RoundHalfUp(c.x, c.d); got != c.want {
			t.Errorf("RoundHalfUp(%v, %d) = %v, want %v", c.x, c.d, got, c.want)
		}
	}
}

// TestRoundHalfUpPythonTwin runs the notebooks' half_up on every share c/n
// (n up to 200) and on means with two and three decimals, and compares with
// the Go rounding the pre-rendered outputs use.
func TestRoundHalfUpPythonTwin(t *testing.T) {
	py := needTool(t, debianPython, "Debian's Python")
	src := report.PythonSetup
	start, end := strings.Index(src, "def half_up("), strings.Index(src, "\n\n\ndef rnd(")
	if start < 0 || end < start {
		t.Fatal("the setup cell has no half_up followed by rnd")
	}
	type tc struct {
		X float64 `json:"x"`
		D int     `json:"d"`
	}
	var cases []tc
	for n := int64(1); n <= 200; n++ {
		for c := int64(0); c <= n; c++ {
			cases = append(cases, tc{float64(100*c) / float64(n), 1}, tc{float64(c) / float64(n), 3})
		}
	}
	for sum := 0; sum <= 400; sum++ {
		cases = append(cases, tc{float64(sum) / 80, 2}, tc{float64(sum) / 48, 2})
	}
	input, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	script := "import json, sys\nfrom decimal import ROUND_HALF_UP, Decimal\n\n" + src[start:end] +
		"\n\nsys.stdout.write(json.dumps([repr(half_up(c['x'], c['d'])) for c in json.load(sys.stdin)]))\n"
	dir := t.TempDir()
	path := filepath.Join(dir, "half_up.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(run(t, dir, input, py, path), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cases) {
		t.Fatalf("python rounded %d values, want %d", len(got), len(cases))
	}
	bad := 0
	for i, c := range cases {
		want := report.RoundHalfUp(c.X, c.D)
		p, err := strconv.ParseFloat(got[i], 64)
		if err != nil || p != want {
			if bad++; bad <= 10 {
				t.Errorf("half_up(%v, %d): python %s, go %v", c.X, c.D, got[i], want)
			}
		}
	}
	t.Logf("%d values compared", len(cases))
}

// tie is a computed share whose decimal value ends in exactly 5 at the
// second decimal, so that half up and half to even differ.
type tie struct {
	key         string
	row         int
	count, n    int64
	tenths      int64 // 1000*count/n rounded half up, in integer arithmetic
	shown, xlsx string
}

// ties finds every computed share of the year that is a tie at one decimal.
func ties(t *testing.T, in report.Inputs) []tie {
	n := map[string]int64{}
	for _, r := range in.Reconciliation {
		if r.RowNo == 0 && r.Computed != nil {
			n[r.TableKey] = *r.Computed
		}
	}
	var out []tie
	for _, r := range in.Reconciliation {
		nn := n[r.TableKey]
		if r.RowNo == 0 || r.Computed == nil || nn == 0 {
			continue
		}
		c := *r.Computed
		if (2000*c)%(2*nn) != nn { // 1000*c/n = k + 1/2 exactly
			continue
		}
		tenths := (2000*c + nn) / (2 * nn)
		out = append(out, tie{key: r.TableKey, row: r.RowNo, count: c, n: nn, tenths: tenths,
			shown: fmt.Sprintf("%d.%d", tenths/10, tenths%10), xlsx: fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)})
	}
	return out
}

// TestHalfUpTiesInEveryOutput: each share of 2015 that is a rounding tie (such
// as 2.4.1: 15/48 = 31.25 %) is shown rounded half up, as the printed report
// does, in the notebooks' tables, in report.html and in tables.xlsx.
func TestHalfUpTiesInEveryOutput(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	found := ties(t, in)
	if len(found) == 0 {
		t.Fatal("2015 has no rounding tie: the test would check nothing")
	}
	out := rendered2015(t)
	page := string(out[report.HTMLFile])
	f, err := excelize.OpenReader(strings.NewReader(string(out[report.XLSXFile])))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, name := range []string{report.NotebookJA, report.NotebookEN} {
		nb := readNotebook(t, out[name])
		for _, tc := range found {
			want := `<td class="num">` + tc.shown + `</td>`
			ok := false
			for _, c := range nb.Cells {
				if c.ID == report.TableID(tc.key) && len(c.Outputs) > 0 {
					ok = strings.Contains(text(c.Outputs[0].Data["text/html"]), want)
				}
			}
			if !ok {
				t.Errorf("%s: table %s row %d (%d/%d) does not show %s", name, tc.key, tc.row, tc.count, tc.n, tc.shown)
			}
		}
	}
	for _, tc := range found {
		for _, l := range []string{"ja", "en"} {
			id := `id="` + l + "-t-" + strings.NewReplacer(".", "-", "/", "-").Replace(tc.key) + `"`
			i := strings.Index(page, id)
			if i < 0 {
				t.Errorf("report.html: no section %s", id)
				continue
			}
			j := strings.Index(page[i:], "</article>")
			if j < 0 || !strings.Contains(page[i:i+j], `<td class="num">`+tc.shown+`</td>`) {
				t.Errorf("report.html: %s row %d (%d/%d) does not show %s", id, tc.row, tc.count, tc.n, tc.shown)
			}
		}
		rows, err := f.GetRows(strings.ReplaceAll(tc.key, "/", "-"))
		if err != nil {
			t.Errorf("tables.xlsx: sheet %s: %v", tc.key, err)
			continue
		}
		ok := false
		for _, r := range rows {
			if len(r) > 5 && r[0] == strconv.Itoa(tc.row) && r[len(r)-1] != "" {
				for _, v := range r {
					ok = ok || v == tc.xlsx
				}
			}
		}
		if !ok {
			t.Errorf("tables.xlsx: sheet %s row %d (%d/%d) does not show %s", tc.key, tc.row, tc.count, tc.n, tc.xlsx)
		}
		t.Logf("tie: table %s row %d: %d/%d shown as %s", tc.key, tc.row, tc.count, tc.n, tc.shown)
	}
}
