package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The charts are plain SVG written by hand, with no plotting library, so that
// they are the same bytes on every rebuild and the notebooks' Python helpers
// (pySVG) rebuild them exactly: every function here has a line-by-line twin
// there, and TestPythonChartsMatch runs both.

// fontFamily lists fonts that render Japanese on common systems (Linux,
// macOS, Windows), then the generic family.
const fontFamily = `'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', YuGothic, Meiryo, sans-serif`

const (
	chartWidth = 720
	plotWidth  = 560 // 100 %
	barRow     = 36
	stackRow   = 24
	stackLeft  = 130
)

// escXML escapes text for SVG (XML) content and attribute values, as the
// Python helper does.
var escXML = strings.NewReplacer("&", "&amp;", "<", "&lt;", "\"", "&quot;", ">", "&gt;").Replace

// units is the estimated advance of r in tenths of the font size.
func units(r rune) int {
	if isWide(r) {
		return 10
	}
	return 6
}

// fit shortens s with an ellipsis so that it takes about px pixels at most
// at font size size.
func fit(s string, px, size int) string {
	total := 0
	for _, r := range s {
		total += units(r)
	}
	if total*size <= px*10 {
		return s
	}
	var b strings.Builder
	used := 10 // room for the ellipsis
	for _, r := range s {
		if (used+units(r))*size > px*10 {
			break
		}
		b.WriteRune(r)
		used += units(r)
	}
	return b.String() + "…"
}

// bar is one row of a bar chart: a label and a count with its share; a nil
// Value is a count nobody knows (lost in the extraction, not computed). A Chosen bar
// is a count the reconstruction chose (its printed number was lost): it is
// drawn outlined, its value marked with *.
type bar struct {
	Label  string
	Value  *int64
	Pct    *float64
	Chosen bool
}

func (b bar) valueText() string {
	switch {
	case b.Value == nil:
		return "—"
	case b.Pct == nil:
		return strconv.FormatInt(*b.Value, 10)
	}
	return strconv.FormatInt(*b.Value, 10) + " (" + strconv.FormatFloat(*b.Pct, 'f', 1, 64) + "%)"
}

// anyChosen reports whether a bar is Chosen.
func anyChosen(bars []bar) bool {
	for _, b := range bars {
		if b.Chosen {
			return true
		}
	}
	return false
}

// barSVG draws one horizontal bar per row, the bar's length being the row's
// share on a 0-100 % scale, with the label above it and the count and share
// beside it. When a bar is Chosen, mark (the legend of the outlined bars)
// is written under the bars.
func barSVG(title string, bars []bar, mark string) string {
	h := 40 + len(bars)*barRow + 8
	if anyChosen(bars) {
		h += 18
	}
	out := []string{
		fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12" role="img">`, chartWidth, h, chartWidth, h, fontFamily),
		"<title>" + escXML(title) + "</title>",
		fmt.Sprintf(`<rect width="%d" height="%d" fill="#ffffff"/>`, chartWidth, h),
		`<text x="8" y="22" font-size="14" font-weight="bold" fill="#1a1a1a">` + escXML(fit(title, chartWidth-16, 14)) + "</text>",
	}
	for i, b := range bars {
		y := 40 + i*barRow
		parts := []string{
			"<g><title>" + escXML(b.Label) + "</title>",
			fmt.Sprintf(`<text x="8" y="%d" fill="#222222">%s</text>`, y+12, escXML(fit(b.Label, chartWidth-16, 12))),
			fmt.Sprintf(`<rect x="8" y="%d" width="%d" height="12" fill="#e6ebf2"/>`, y+17, plotWidth),
		}
		value := b.valueText()
		if b.Pct != nil {
			w := strconv.FormatFloat(min(*b.Pct, 100.0)*(plotWidth/100.0), 'f', 1, 64)
			if b.Chosen {
				parts = append(parts, fmt.Sprintf(`<rect x="8" y="%d" width="%s" height="12" fill="#ffffff" stroke="#2f6db5" stroke-width="1.5" stroke-dasharray="3 2"/>`, y+17, w))
			} else {
				parts = append(parts, fmt.Sprintf(`<rect x="8" y="%d" width="%s" height="12" fill="#2f6db5"/>`, y+17, w))
			}
		}
		if b.Chosen {
			value += " *"
		}
		parts = append(parts, fmt.Sprintf(`<text x="%d" y="%d" fill="#333333">%s</text></g>`, 8+plotWidth+8, y+27, escXML(value)))
		out = append(out, strings.Join(parts, ""))
	}
	if anyChosen(bars) {
		out = append(out, fmt.Sprintf(`<text x="8" y="%d" fill="#555555">%s</text>`, h-10, escXML(fit("* "+mark, chartWidth-16, 12))))
	}
	out = append(out, "</svg>")
	return strings.Join(out, "\n")
}

// barText is the text/plain twin of a bar chart.
func barText(title string, bars []bar, mark string) string {
	lines := []string{title}
	for _, b := range bars {
		line := "  " + b.Label + ": " + b.valueText()
		if b.Chosen {
			line += " *"
		}
		lines = append(lines, line)
	}
	if anyChosen(bars) {
		lines = append(lines, "* "+mark)
	}
	return strings.Join(lines, "\n")
}

// stackColors are the fills of SIM3 levels 0-4 and of "no level"; stackInk
// the colours of the counts written on them.
var (
	stackColors = []string{"#d7e3f4", "#a9c4e8", "#6f9fd8", "#3b74bf", "#1d4e89", "#bdbdbd"}
	stackInk    = []string{"#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff", "#1a1a1a"}
)

// stack is one bar of a stacked chart: counts per segment.
type stack struct {
	Label  string
	Counts []int64
}

// stackedSVG draws one 100 % bar per row split into the segments of legend.
func stackedSVG(title string, legend []string, rows []stack) string {
	h := 56 + len(rows)*stackRow + 8
	out := []string{
		fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12" role="img">`, chartWidth, h, chartWidth, h, fontFamily),
		"<title>" + escXML(title) + "</title>",
		fmt.Sprintf(`<rect width="%d" height="%d" fill="#ffffff"/>`, chartWidth, h),
		`<text x="8" y="22" font-size="14" font-weight="bold" fill="#1a1a1a">` + escXML(fit(title, chartWidth-16, 14)) + "</text>",
	}
	for i, name := range legend {
		x := 8 + i*118
		out = append(out, fmt.Sprintf(`<rect x="%d" y="30" width="12" height="12" fill="%s"/><text x="%d" y="40" fill="#222222">%s</text>`, x, stackColors[i%len(stackColors)], x+16, escXML(fit(name, 100, 12))))
	}
	for i, r := range rows {
		y := 56 + i*stackRow
		parts := []string{
			"<g><title>" + escXML(r.Label) + "</title>",
			fmt.Sprintf(`<text x="8" y="%d" fill="#222222">%s</text>`, y+16, escXML(fit(r.Label, stackLeft-16, 12))),
		}
		var total int64
		for _, c := range r.Counts {
			total += c
		}
		x := float64(stackLeft)
		for j, c := range r.Counts {
			if total == 0 || c == 0 {
				continue
			}
			w := float64(c*plotWidth) / float64(total)
			parts = append(parts, fmt.Sprintf(`<rect x="%s" y="%d" width="%s" height="16" fill="%s"/>`, strconv.FormatFloat(x, 'f', 1, 64), y+4, strconv.FormatFloat(w, 'f', 1, 64), stackColors[j%len(stackColors)]))
			if w >= 20 {
				parts = append(parts, fmt.Sprintf(`<text x="%s" y="%d" fill="%s" text-anchor="middle">%d</text>`, strconv.FormatFloat(x+w/2, 'f', 1, 64), y+16, stackInk[j%len(stackInk)], c))
			}
			x += w
		}
		parts = append(parts, "</g>")
		out = append(out, strings.Join(parts, ""))
	}
	out = append(out, "</svg>")
	return strings.Join(out, "\n")
}

// stackedText is the text/plain twin of a stacked chart.
func stackedText(title string, legend []string, rows []stack) string {
	lines := []string{title}
	for _, r := range rows {
		parts := make([]string, len(r.Counts))
		for j, c := range r.Counts {
			parts[j] = legend[j] + " " + strconv.FormatInt(c, 10)
		}
		lines = append(lines, "  "+r.Label+": "+strings.Join(parts, ", "))
	}
	return strings.Join(lines, "\n")
}
