package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The trends chart: grouped horizontal bars, one group per category and one
// bar per year. Like svg.go, every function has a line-by-line twin in the
// notebook's Python (pyTrendSVG), and TestTrendChartsMatchPython runs both.

// yearColors are the bars' fills, by the year's position (oldest first).
var yearColors = []string{"#9db9de", "#2f6db5", "#1d3557", "#d9822b", "#5b8e3e", "#8e5ba8"}

const (
	trendPlot  = 500 // 100 %
	trendLabel = 18  // the category's label above its bars
	trendBar   = 14  // one year's bar
	trendGap   = 8   // after a group
	trendTop   = 56
)

// trendValue is a category's count and base in one year.
type trendValue struct {
	Count, N int64
	Derived  bool
}

// trendGroup is one category of a trends chart: a label and a value per
// year (nil: the year does not have the category).
type trendGroup struct {
	Label  string
	Values []*trendValue
}

func trendValueText(v *trendValue) string {
	if v == nil {
		return absent
	}
	return shareText(v.Count, v.N, v.Derived)
}

// groupedSVG draws one group of bars per category, one bar per year on a
// 0-100 % scale, with the year, share and count/n beside each bar.
func groupedSVG(title string, years []int, groups []trendGroup) string {
	per := trendLabel + len(years)*trendBar + trendGap
	h := trendTop + len(groups)*per + 8
	out := []string{
		fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12" role="img">`, chartWidth, h, chartWidth, h, fontFamily),
		"<title>" + escXML(title) + "</title>",
		fmt.Sprintf(`<rect width="%d" height="%d" fill="#ffffff"/>`, chartWidth, h),
		`<text x="8" y="22" font-size="14" font-weight="bold" fill="#1a1a1a">` + escXML(fit(title, chartWidth-16, 14)) + "</text>",
	}
	for i, y := range years {
		x := 8 + i*72
		out = append(out, fmt.Sprintf(`<rect x="%d" y="30" width="12" height="12" fill="%s"/><text x="%d" y="40" fill="#222222">%d</text>`, x, yearColors[i%len(yearColors)], x+16, y))
	}
	for i, g := range groups {
		top := trendTop + i*per
		parts := []string{
			"<g><title>" + escXML(g.Label) + "</title>",
			fmt.Sprintf(`<text x="8" y="%d" fill="#222222">%s</text>`, top+12, escXML(fit(g.Label, chartWidth-16, 12))),
		}
		for j, y := range years {
			by := top + trendLabel + j*trendBar
			var v *trendValue
			if j < len(g.Values) {
				v = g.Values[j]
			}
			parts = append(parts, fmt.Sprintf(`<rect x="8" y="%d" width="%d" height="10" fill="#e6ebf2"/>`, by, trendPlot))
			if v != nil && v.N > 0 {
				w := min(float64(100*v.Count)/float64(v.N), 100.0) * (trendPlot / 100.0)
				parts = append(parts, fmt.Sprintf(`<rect x="8" y="%d" width="%s" height="10" fill="%s"/>`, by, strconv.FormatFloat(w, 'f', 1, 64), yearColors[j%len(yearColors)]))
			}
			parts = append(parts, fmt.Sprintf(`<text x="%d" y="%d" font-size="11" fill="#333333">%d %s</text>`, 8+trendPlot+8, by+9, y, escXML(trendValueText(v))))
		}
		parts = append(parts, "</g>")
		out = append(out, strings.Join(parts, ""))
	}
	out = append(out, "</svg>")
	return strings.Join(out, "\n")
}

// groupedText is the text/plain twin of a trends chart.
func groupedText(title string, years []int, groups []trendGroup) string {
	lines := []string{title}
	for _, g := range groups {
		parts := make([]string, len(years))
		for j, y := range years {
			var v *trendValue
			if j < len(g.Values) {
				v = g.Values[j]
			}
			parts[j] = strconv.Itoa(y) + " " + trendValueText(v)
		}
		lines = append(lines, "  "+g.Label+": "+strings.Join(parts, "; "))
	}
	return strings.Join(lines, "\n")
}

// pyTrendSVG adds the trends chart to the chart helpers of pySVG.
const pyTrendSVG = `YEAR_COLORS = ("#9db9de", "#2f6db5", "#1d3557", "#d9822b", "#5b8e3e", "#8e5ba8")


def share_text(c, n, derived):
    """66.7% (20/30): the share with one decimal and count/n; † marks a derived row."""
    s = f"({c}/{n})"
    if n > 0:
        s = f"{100 * c / n:.1f}% " + s
    return s + " †" if derived else s


def trend_value_text(v):
    return "` + absent + `" if v is None else share_text(*v)


def grouped_svg(title, years, groups):
    """One group per (label, values): a bar per year, values (count, n, derived) or None."""
    per = 18 + len(years) * 14 + 8
    out = svg_head(title, 56 + len(groups) * per + 8)
    for i, y in enumerate(years):
        x = 8 + i * 72
        out.append(f'<rect x="{x}" y="30" width="12" height="12" fill="{YEAR_COLORS[i % 6]}"/>'
                   f'<text x="{x + 16}" y="40" fill="#222222">{y}</text>')
    for i, (label, values) in enumerate(groups):
        top = 56 + i * per
        parts = [f"<g><title>{esc(label)}</title>",
                 f'<text x="8" y="{top + 12}" fill="#222222">{esc(fit(label, 704, 12))}</text>']
        for j, y in enumerate(years):
            by = top + 18 + j * 14
            v = values[j] if j < len(values) else None
            parts.append(f'<rect x="8" y="{by}" width="500" height="10" fill="#e6ebf2"/>')
            if v is not None and v[1] > 0:
                parts.append(f'<rect x="8" y="{by}" width="{min(100 * v[0] / v[1], 100.0) * 5.0:.1f}" height="10" fill="{YEAR_COLORS[j % 6]}"/>')
            parts.append(f'<text x="516" y="{by + 9}" font-size="11" fill="#333333">{y} {esc(trend_value_text(v))}</text>')
        parts.append("</g>")
        out.append("".join(parts))
    out.append("</svg>")
    return "\n".join(out)


def grouped_text(title, years, groups):
    return "\n".join([title] + [f"  {label}: " + "; ".join(f"{y} {trend_value_text(v[j] if j < len(v) else None)}"
                                                        for j, y in enumerate(years))
                                for label, v in groups])`
