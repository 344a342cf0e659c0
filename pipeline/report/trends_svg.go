package report

// The trends chart: grouped horizontal bars, one group per category and one
// bar per year, drawn by charts.py's grouped_chart (see charts.go).

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

// groupedSpec is a trends chart for charts.py's grouped_chart: one group
// of bars per category, one bar per year on a 0-100 % scale, with the year,
// share and count/n beside each bar.
func groupedSpec(l lang, title string, years []int, groups []trendGroup) chartSpec {
	gs := make([][2]any, len(groups))
	for i, g := range groups {
		vals := make([]any, len(years))
		for j := range years {
			if j < len(g.Values) && g.Values[j] != nil {
				v := g.Values[j]
				vals[j] = []any{v.Count, v.N, v.Derived}
			}
		}
		gs[i] = [2]any{g.Label, vals}
	}
	return chartSpec{Chart: "grouped", Args: map[string]any{"lang": l.code(), "title": title, "years": years, "groups": gs, "absent": absent}}
}

// draw draws the chart of every compared concept in both languages.
func (m *trendsModel) draw() error {
	var specs []chartSpec
	var keys []string
	for _, l := range []lang{ja, en} {
		for _, c := range m.compared {
			specs = append(specs, groupedSpec(l, c.title(l), m.years, c.groups(m.years, l)))
			keys = append(keys, chartKey(l, c.ID))
		}
	}
	var err error
	m.charts, err = drawKeyed(specs, keys)
	return err
}
