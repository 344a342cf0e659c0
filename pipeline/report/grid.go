package report

import (
	"bytes"
	"html/template"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// lang selects the language of a rendering. both is used by the workbook:
// every translatable column appears twice, Japanese then English.
type lang int

const (
	ja lang = iota
	en
	both
)

func (l lang) code() string {
	if l == en {
		return "en"
	}
	return "ja"
}

// text is a string in Japanese and English.
type text struct{ JA, EN string }

// in returns the text in l (Japanese for both).
func (t text) in(l lang) string {
	if l == en {
		return t.EN
	}
	return t.JA
}

// cell is one value of a table: a typed value for the workbook and the text
// every other rendering shows.
type cell struct {
	V     any    // nil, int64, float64 or string
	S     string // the text shown
	Num   bool   // right-aligned number
	Class string // CSS class in report.html (status colours, the N row)
	Pct   bool   // V is a percentage (the workbook stores V/100 with a % format)
}

// col is a column of a grid.
type col struct {
	Name  string
	Num   bool
	Width float64 // column width in the workbook (0: default)
}

// grid is a table as every rendering shows it.
type grid struct {
	Cols  []col
	Rows  [][]cell
	Empty string // said instead of rows when there are none
	// RowClass gives a CSS class per row (report.html); may be shorter than Rows.
	RowClass []string
}

// naText is how a missing value prints: an en dash, as the notebooks' shown()
// displays pandas' pd.NA (which pandas itself prints as <NA>).
const naText = "–"

func strCell(s string) cell { return cell{V: s, S: s} }

func intCell(v int64) cell { return cell{V: v, S: strconv.FormatInt(v, 10), Num: true} }

func optInt(p *int64) cell {
	if p == nil {
		return cell{S: naText, Num: true}
	}
	return intCell(*p)
}

// decCell is x rounded half up to d decimals (roundHalfUp), shown with d
// decimals.
func decCell(x float64, d int) cell {
	r := roundHalfUp(x, d)
	return cell{V: r, S: strconv.FormatFloat(r, 'f', d, 64), Num: true}
}

func optDec(p *float64, d int) cell {
	if p == nil {
		return cell{S: naText, Num: true}
	}
	return decCell(*p, d)
}

// optPct is a percentage with one decimal.
func optPct(p *float64) cell {
	c := optDec(p, 1)
	c.Pct = p != nil
	return c
}

func naCell() cell { return cell{S: naText} }

// roundHalfUp rounds x to d decimals half up (四捨五入, away from zero on a
// tie), as the printed report rounds, on x's shortest decimal form: 15/48 =
// 31.25 % gives 31.3, and 100*c/n that is a tie in decimal is one here even
// when its binary value lies just below it. (numpy and pandas' round go half
// to even on the binary value: 31.2.) The notebooks' half_up (pySetup) is the
// twin: Decimal(repr(x)).quantize(..., ROUND_HALF_UP).
func roundHalfUp(x float64, d int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || d < 0 {
		return x
	}
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) <= d {
		return x
	}
	n, ok := new(big.Int).SetString(whole+frac[:d], 10)
	if !ok {
		return x
	}
	if frac[d] >= '5' {
		n.Add(n, big.NewInt(1))
	}
	digits := n.String()
	if len(digits) <= d {
		digits = strings.Repeat("0", d-len(digits)+1) + digits
	}
	r, err := strconv.ParseFloat(digits[:len(digits)-d]+"."+digits[len(digits)-d:], 64)
	if err != nil {
		return x
	}
	return math.Copysign(r, x)
}

// pct is 100 * count / n rounded half up to one decimal.
func pct(count, n int64) float64 {
	return roundHalfUp(float64(100*count)/float64(n), 1)
}

// isWide reports whether r takes two columns in a terminal (and about one em
// in a proportional font). The same rule is in the notebook's Python helpers.
func isWide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F,
		r >= 0x2E80 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60,
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1FAFF,
		r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}

// columns is the display width of s in a terminal.
func columns(s string) int {
	n := 0
	for _, r := range s {
		if isWide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// plain renders g as aligned text, in the manner of a pandas DataFrame repr.
func (g *grid) plain() string {
	if len(g.Rows) == 0 {
		names := make([]string, len(g.Cols))
		for i, c := range g.Cols {
			names[i] = c.Name
		}
		return g.Empty + "\n" + "Columns: [" + strings.Join(names, ", ") + "]"
	}
	cells := make([][]string, len(g.Rows)+1)
	width := make([]int, len(g.Cols))
	cells[0] = make([]string, len(g.Cols))
	for i, c := range g.Cols {
		cells[0][i] = oneLine(c.Name)
	}
	for r, row := range g.Rows {
		cells[r+1] = make([]string, len(g.Cols))
		for i := range g.Cols {
			if i < len(row) {
				cells[r+1][i] = oneLine(row[i].S)
			}
		}
	}
	for _, row := range cells {
		for i, s := range row {
			width[i] = max(width[i], columns(s))
		}
	}
	var b strings.Builder
	for r, row := range cells {
		var line strings.Builder
		for i, s := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-columns(s))
			if g.Cols[i].Num {
				line.WriteString(pad + s)
			} else {
				line.WriteString(s + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		if r < len(cells)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var gridTemplate = template.Must(template.New("grid").Parse(
	`<table border="1" class="dataframe">
<thead><tr>{{range .Cols}}<th{{if .Num}} class="num"{{else}}{{$.Left}}{{end}}>{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{- range $i, $row := .Rows}}
<tr{{with index $.RowClass $i}} class="{{.}}"{{end}}>{{range $row}}<td{{if or .Num .Class}} class="{{if .Num}}num{{end}}{{if and .Num .Class}} {{end}}{{.Class}}"{{end}}{{if not .Num}}{{$.Left}}{{end}}>{{.S}}</td>{{end}}</tr>
{{- else}}
<tr><td colspan="{{len .Cols}}" class="empty">{{.Empty}}</td></tr>
{{- end}}
</tbody>
</table>`))

// html renders g as an HTML table for a notebook, a missing value as
// pandas shows it; every value is escaped by html/template. Text cells carry
// text-align: left: JupyterLab and nbconvert right-align every cell, and a
// label reads from the left.
func (g *grid) html() string { return g.render(naText, true) }

// markdown renders g as a Markdown table for a notebook's Markdown cell,
// every cell escaped by mdEsc (| too, so that it stays in its column).
func (g *grid) markdown() string {
	esc := mdEsc
	var b strings.Builder
	b.WriteString("|")
	for _, c := range g.Cols {
		b.WriteString(" " + esc(c.Name) + " |")
	}
	b.WriteString("\n|")
	for _, c := range g.Cols {
		if c.Num {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	for _, r := range g.Rows {
		b.WriteString("\n|")
		for _, c := range r {
			b.WriteString(" " + esc(c.S) + " |")
		}
	}
	return b.String()
}

// wideText is the length (in columns) from which a cell is marked "wide" so
// that the web page gives it room.
const wideText = 60

// htmlNA renders g with missing values shown as na.
func (g *grid) htmlNA(na string) string { return g.render(na, false) }

func (g *grid) render(na string, left bool) string {
	rc := make([]string, len(g.Rows))
	copy(rc, g.RowClass)
	rows := make([][]cell, len(g.Rows))
	for i, r := range g.Rows {
		rows[i] = make([]cell, len(r))
		for j, c := range r {
			if c.S == naText && c.V == nil {
				c.S = na
			}
			if columns(c.S) > wideText {
				c.Class = strings.TrimSpace(c.Class + " wide")
			}
			rows[i][j] = c
		}
	}
	view := struct {
		*grid
		Rows     [][]cell
		RowClass []string
		Left     template.HTMLAttr
	}{g, rows, rc, ""}
	if left {
		view.Left = ` style="text-align: left"`
	}
	var b bytes.Buffer
	if err := gridTemplate.Execute(&b, view); err != nil {
		panic(err) // the template and its data are ours
	}
	return b.String()
}
