package reconstruct

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
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
// them (months_between).
func (g *gen) dates(it *questionnaire.Item) error {
	if g.vals[it.ID] != nil {
		return nil
	}
	plan := g.d.Dates
	if plan == nil || (plan.Start != it.Number && plan.End != it.Number) {
		return fmt.Errorf("year_month item without a date plan (dates in %s)", g.d.File)
	}
	if plan.Start != it.Number {
		return fmt.Errorf("%s: dates: the start item %s does not come before the end item %s in the questionnaire", g.d.at(plan.KeyPos("start")), plan.Start, plan.End)
	}
	startIt, endIt := g.q.Item(plan.Start), g.q.Item(plan.End)
	if startIt == nil || endIt == nil {
		return fmt.Errorf("%s: date plan names items %s and %s, which are not both in the questionnaire", g.d.at(plan.At), plan.Start, plan.End)
	}
	type pair struct {
		start, end string
		at         string
	}
	var all []pair
	for _, gr := range plan.Groups {
		for j, p := range gr.Pairs {
			at := gr.KeyPos("pairs")
			if j < len(gr.pairAt) {
				at = gr.pairAt[j]
			}
			all = append(all, pair{p[0], p[1], g.d.at(at)})
		}
	}
	if len(all) != g.n {
		return fmt.Errorf("%s: date plan has %d pairs for %d respondents", g.d.at(plan.KeyPos("groups")), len(all), g.n)
	}
	latest, ok := months(plan.Latest)
	if !ok {
		return fmt.Errorf("%s: date plan: latest %q is not YYYY-MM", g.d.at(plan.KeyPos("latest")), plan.Latest)
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
				return fmt.Errorf("%s: date plan pair %d: %s %s is after %s", p.at, k+1, x.item.Number, x.v, plan.Latest)
			} else if !ok && x.v != "" && !coded(x.item, x.v) {
				return fmt.Errorf("%s: date plan pair %d: %q is neither YYYY-MM, a coded category of %s nor blank", p.at, k+1, x.v, x.item.Number)
			}
		}
		if ms, ok := months(p.start); ok {
			if me, ok := months(p.end); ok && me < ms {
				return fmt.Errorf("%s: date plan pair %d: %s %s precedes %s %s", p.at, k+1, plan.End, p.end, plan.Start, p.start)
			}
		}
		sc[i], ec[i] = p.start, p.end
	}
	// The plan must reproduce every table of the two items and the derived one.
	for _, s := range g.set.Specs {
		var cat func(i int) string
		switch {
		case s.Derive == nil && (s.Item == plan.Start || s.Item == plan.End):
			col := sc
			if s.Item == plan.End {
				col = ec
			}
			cat = func(i int) string { return monthCategory(s, col[i]) }
		case s.Derive != nil && slices.Equal(s.Derive.MonthsBetween, []string{plan.Start, plan.End}):
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
			return fmt.Errorf("table %s: the date plan (dates in %s) gives %v, the table needs %v", s.Key, g.d.File, got, want)
		}
		if r := plan.Recent; r != nil && r.Table == s.Key {
			from, _ := months(r.From)
			var n int64
			for i := 0; i < g.n; i++ {
				ms, ok1 := months(sc[i])
				me, ok2 := months(ec[i])
				if cat(i) == r.Bin && ok1 && ok2 && ms >= from && me >= from {
					n++
				}
			}
			if n != *r.Want {
				return fmt.Errorf("%s: table %s: %d respondents of row %s started and completed from %s on; the report says %d", g.d.at(r.At), s.Key, n, r.Bin, r.From, *r.Want)
			}
			row := slices.IndexFunc(s.Categories, func(x published.Category) bool { return x.Code == r.Bin }) + 1
			g.note(s.Key, row, r.Bin, strconv.FormatInt(n, 10)+" of them from "+r.From+" on", r.Reason)
		}
	}
	blank := func(v string) string {
		if v == "" {
			return "—"
		}
		return v
	}
	for _, dg := range plan.Groups {
		out := DateGroup{Label: dg.Label}
		for _, p := range dg.Pairs {
			out.Pairs = append(out.Pairs, blank(p[0])+" → "+blank(p[1]))
		}
		g.res.DateGroups = append(g.res.DateGroups, out)
	}
	g.res.startColumn = startIt.ID
	for _, nt := range plan.Notes {
		g.note(nt.Table, nt.Row, nt.Code, nt.Value, nt.Reason)
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

// matrix fills a matrix item: per row, the providers and their
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
			// A row no group table counts (a written-in row): its providers are those its own table counts.
			p = sum
			g.note(s.Key, 0, "N", strconv.FormatInt(p, 10),
				fmt.Sprintf("N of %s is not printed; the providers of row (%s) are the respondents its printed rows count (%d; no group table counts this row).", s.Key, row.Code, p))
		}
		if err := g.checkN(s.Key, int(p)); err != nil {
			return err
		}
		provName, sourcingName, codedName := columns.Cell(it.ID, row.Code, provCell), columns.Cell(it.ID, row.Code, sourcing.ID), columns.RowCoded(it.ID, row.Code)
		providers := order(provName, g.all)[:p]
		slices.Sort(providers)
		pc := g.column(provName)
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
			if err := assign(g.column(sourcingName), sourcingName, providers, s.Categories, counts); err != nil {
				return err
			}
			continue
		}
		if err := assign(g.column(codedName), codedName, providers, s.Categories, counts); err != nil {
			return err
		}
		wr := g.d.WrittenIn
		if wr == nil || wr.Row != row.Code {
			return fmt.Errorf("row %s: its table counts coded write-ins; written_in of %s must say what its %s and unused %s are", row.Code, g.d.File, sourcing.ID, provCell)
		}
		if wr.Sourcing != "" && !slices.ContainsFunc(sourcing.Choices(), func(o questionnaire.Option) bool { return o.Code == wr.Sourcing }) {
			return fmt.Errorf("%s: written_in: sourcing %q is not an option of cell %s", g.d.at(wr.KeyPos("sourcing")), wr.Sourcing, sourcing.ID)
		}
		sc := g.column(sourcingName)
		for _, i := range providers {
			sc[i] = wr.Sourcing
		}
		value := sourcing.ID + " = " + wr.Sourcing
		if wr.Sourcing == "" {
			value = sourcing.ID + " blank"
		}
		g.note(s.Key, 1, s.Categories[0].Code, value, wr.SourcingReason)
		g.note(s.Key, 0, provCell, "blank for the other respondents", wr.BlankReason)
	}
	return nil
}
