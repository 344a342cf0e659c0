package reconstruct

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// months parses "YYYY-MM" into a month number (year*12 + month-1).
func months(v string) (int, bool) {
	t, err := time.Parse("2006-01", v)
	if err != nil || len(v) != 7 {
		return 0, false
	}
	return t.Year()*12 + int(t.Month()) - 1, true
}

// dates fills the two year_month items of the year's date plan together (the
// first call fills both; the second finds its column filled) and checks that
// the pairs reproduce the tables of both items and of the table derived from
// them (補足1).
func (g *gen) dates(it *questionnaire.Item) error {
	if g.vals[it.ID] != nil {
		return nil
	}
	plan := g.d.dates
	if plan == nil || plan.start != it.Number {
		return fmt.Errorf("year_month item without a date plan in the reconstruction decisions")
	}
	startIt, endIt := g.q.Item(plan.start), g.q.Item(plan.end)
	if startIt == nil || endIt == nil {
		return fmt.Errorf("date plan names items %s and %s, which are not both in the questionnaire", plan.start, plan.end)
	}
	all := plan.pairs()
	if len(all) != g.n {
		return fmt.Errorf("date plan has %d pairs for %d respondents", len(all), g.n)
	}
	latest, ok := months(plan.latest)
	if !ok {
		return fmt.Errorf("date plan: latest %q is not YYYY-MM", plan.latest)
	}
	coded := func(item *questionnaire.Item, v string) bool {
		return slices.ContainsFunc(item.Coded, func(c questionnaire.Coded) bool { return c.Code == v })
	}
	sc, ec := g.column(startIt.ID), g.column(endIt.ID)
	for k, i := range order(startIt.ID, g.all) {
		p := all[k]
		for _, x := range []struct {
			item *questionnaire.Item
			v    string
		}{{startIt, p.start}, {endIt, p.end}} {
			if m, ok := months(x.v); ok && m > latest {
				return fmt.Errorf("date plan pair %d: %s %s is after %s", k+1, x.item.Number, x.v, plan.latest)
			} else if !ok && x.v != "" && !coded(x.item, x.v) {
				return fmt.Errorf("date plan pair %d: %q is neither YYYY-MM, a coded category of %s nor blank", k+1, x.v, x.item.Number)
			}
		}
		if ms, ok := months(p.start); ok {
			if me, ok := months(p.end); ok && me < ms {
				return fmt.Errorf("date plan pair %d: %s %s precedes %s %s", k+1, plan.end, p.end, plan.start, p.start)
			}
		}
		sc[i], ec[i] = p.start, p.end
	}
	// The plan must reproduce every table of the two items and the derived one.
	for _, s := range g.set.Specs {
		var cat func(i int) string
		switch {
		case s.Derive == nil && (s.Item == plan.start || s.Item == plan.end):
			col := sc
			if s.Item == plan.end {
				col = ec
			}
			cat = func(i int) string { return monthCategory(s, col[i]) }
		case s.Derive != nil && slices.Equal(s.Derive.MonthsBetween, []string{plan.start, plan.end}):
			cat = func(i int) string { return spanCategory(s, sc[i], ec[i]) }
		default:
			continue
		}
		if err := g.checkN(s.Key, g.n); err != nil {
			return err
		}
		want, err := g.targets(s.Key)
		if err != nil {
			return err
		}
		got := make([]int64, len(s.Categories))
		for i := 0; i < g.n; i++ {
			c := cat(i)
			j := slices.IndexFunc(s.Categories, func(x published.Category) bool { return x.Code == c })
			if j < 0 {
				return fmt.Errorf("table %s: respondent %d falls in no printed row (%q)", s.Key, i+1, c)
			}
			got[j]++
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("table %s: the date plan gives %v, the table needs %v", s.Key, got, want)
		}
		if r := plan.recent; r != nil && r.table == s.Key {
			from, _ := months(r.from)
			var n int64
			for i := 0; i < g.n; i++ {
				ms, ok1 := months(sc[i])
				me, ok2 := months(ec[i])
				if cat(i) == r.bin && ok1 && ok2 && ms >= from && me >= from {
					n++
				}
			}
			if n != r.want {
				return fmt.Errorf("table %s: %d respondents of row %s started and completed from %s on; the report says %d", s.Key, n, r.bin, r.from, r.want)
			}
			row := slices.IndexFunc(s.Categories, func(x published.Category) bool { return x.Code == r.bin }) + 1
			g.note(s.Key, row, r.bin, strconv.FormatInt(n, 10)+" of them from "+r.from+" on", r.reason)
		}
	}
	blank := func(v string) string {
		if v == "" {
			return "—"
		}
		return v
	}
	for _, dg := range plan.groups {
		out := DateGroup{Label: dg.label}
		for _, p := range dg.pairs {
			out.Pairs = append(out.Pairs, blank(p.start)+" → "+blank(p.end))
		}
		g.res.DateGroups = append(g.res.DateGroups, out)
	}
	for _, nt := range plan.notes {
		g.note(nt.table, nt.row, nt.code, nt.value, nt.reason)
	}
	return nil
}

// monthCategory is the printed row of a year_month table a raw value falls in.
func monthCategory(s *published.Spec, v string) string {
	if v == "" {
		return "NA"
	}
	for _, b := range s.Bins {
		if (b.From == "" || v >= b.From) && (b.To == "" || v <= b.To) {
			if _, ok := months(v); ok {
				return b.Code
			}
		}
	}
	return v // a coded category
}

// spanCategory is the printed row of a months_between table for a pair.
func spanCategory(s *published.Spec, start, end string) string {
	ms, ok1 := months(start)
	me, ok2 := months(end)
	if !ok1 || !ok2 {
		return "NA"
	}
	d := me - ms
	for _, b := range s.Bins {
		if (b.Min == nil || d >= *b.Min) && (b.Max == nil || d <= *b.Max) {
			return b.Code
		}
	}
	return ""
}

// matrix fills a matrix item (2.9): per row, the providers and their
// sourcing, from the group tables (provided counts) and the row tables.
func (g *gen) matrix(it *questionnaire.Item) error {
	specs := g.specs(it)
	provided := map[string]int64{}
	rowSpec := map[string]*published.Spec{}
	provCell, provValue := "", ""
	for _, s := range specs {
		switch {
		case s.Value != "":
			if provCell != "" && (provCell != s.Cell || provValue != s.Value) {
				return fmt.Errorf("group tables count different cells or values (%s = %s, %s = %s)", provCell, provValue, s.Cell, s.Value)
			}
			provCell, provValue = s.Cell, s.Value
			if err := g.checkN(s.Key, g.n); err != nil {
				return err
			}
			counts, err := g.targets(s.Key)
			if err != nil {
				return err
			}
			for j, cat := range s.Categories {
				provided[cat.Code] = counts[j]
			}
		case s.Row != "":
			rowSpec[s.Row] = s
		}
	}
	var other *questionnaire.Option
	var sourcing *questionnaire.Cell
	for i := range it.Cells {
		c := &it.Cells[i]
		if c.Relevance != nil && c.Relevance.Cell == provCell && slices.Equal(c.Relevance.AnyOf, []string{provValue}) {
			sourcing = c
		}
		if c.ID == provCell {
			for j := range c.Choices() {
				if o := c.Choices()[j]; o.Code != provValue {
					other = &o
				}
			}
		}
	}
	if provCell == "" || sourcing == nil || other == nil {
		return fmt.Errorf("needs group tables counting a provision cell, a sourcing cell asked when it is %q, and a second provision option", provValue)
	}
	for _, row := range it.Rows {
		s := rowSpec[row.Code]
		if s == nil || s.Cell != sourcing.ID {
			return fmt.Errorf("row %s has no table of its %s cell", row.Code, sourcing.ID)
		}
		counts, err := g.targets(s.Key)
		if err != nil {
			return err
		}
		var sum int64
		for _, c := range counts {
			sum += c
		}
		p, ok := provided[row.Code]
		if !ok {
			// A row no group table counts (2.9 (w)): its providers are those its own table counts.
			p = sum
			g.note(s.Key, 0, "N", strconv.FormatInt(p, 10),
				fmt.Sprintf("N of %s is not printed; the providers of row (%s) are the respondents its printed rows count (%d; no group table counts this row).", s.Key, row.Code, p))
		}
		if err := g.checkN(s.Key, int(p)); err != nil {
			return err
		}
		prefix := it.ID + "__" + row.Code + "__"
		providers := order(prefix+provCell, g.all)[:p]
		slices.Sort(providers)
		pc := g.column(prefix + provCell)
		for i := range pc {
			switch {
			case slices.Contains(providers, i):
				pc[i] = provValue
			case !row.Other:
				pc[i] = other.Code
			}
		}
		// Rows that are sourcing codes (or 未回答) fill the sourcing cell; rows
		// that are the item's coded write-ins fill the row's coded column.
		itemCoded := slices.ContainsFunc(s.Categories, func(c published.Category) bool {
			return slices.ContainsFunc(it.Coded, func(x questionnaire.Coded) bool { return x.Code == c.Code })
		})
		if !itemCoded {
			if err := assign(g.column(prefix+sourcing.ID), prefix+sourcing.ID, providers, s.Categories, counts); err != nil {
				return err
			}
			continue
		}
		if err := assign(g.column(prefix+"coded"), prefix+"coded", providers, s.Categories, counts); err != nil {
			return err
		}
		wr := g.d.writtenIn
		if wr == nil || wr.row != row.Code {
			return fmt.Errorf("row %s: its table counts coded write-ins; the decisions must say what its %s and unused %s are", row.Code, sourcing.ID, provCell)
		}
		sc := g.column(prefix + sourcing.ID)
		for _, i := range providers {
			sc[i] = wr.sourcing
		}
		value := sourcing.ID + " = " + wr.sourcing
		if wr.sourcing == "" {
			value = sourcing.ID + " blank"
		}
		g.note(s.Key, 1, s.Categories[0].Code, value, wr.sourcingReason)
		g.note(s.Key, 0, provCell, "blank for the other respondents", wr.blankReason)
	}
	return nil
}
