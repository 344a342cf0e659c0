package crosswalk

import (
	"fmt"
	"slices"
)

// PreviousConcept returns the previous year's concept of the item that has
// concept in the crosswalk's year: the from of its renamed_items entry, or
// concept itself. ok is false when concept is listed in added_items (the
// question was not asked before). A nil crosswalk (a year identical to the
// previous one) returns concept, true.
func (cw *Crosswalk) PreviousConcept(concept string) (prev string, ok bool) {
	if cw == nil {
		return concept, true
	}
	for _, r := range cw.RenamedItems {
		if r.To == concept {
			return r.From, true
		}
	}
	for _, b := range cw.BinnedItems {
		if b.To == concept {
			return b.From, true
		}
	}
	if slices.Contains(cw.AddedItems, concept) {
		return "", false
	}
	return concept, true
}

// ToPrevious returns the previous year's codes that code (an option code,
// or a matrix row code) of the item with concept (the crosswalk's year's
// concept) corresponds to: the from of a rename or a split, the from list of
// a merge, nil when the code is added, and []string{code} when the crosswalk
// does not name it (unchanged). It assumes the crosswalk passed Check against
// the two questionnaires. A nil crosswalk returns []string{code}.
//
// A split maps each new code to the old code it came from, so an old code
// divided into a1 and a2 is what a1 and a2 together count; a merge maps the
// new code to every old code it joins.
func (cw *Crosswalk) ToPrevious(concept, code string) []string {
	if cw == nil {
		return []string{code}
	}
	for _, b := range cw.BinnedItems {
		if b.To != concept {
			continue
		}
		for _, r := range b.Bins {
			if r.To == code {
				return []string{r.From}
			}
		}
		return nil
	}
	for i := range cw.Options {
		e := &cw.Options[i]
		if e.Concept != concept {
			continue
		}
		for _, r := range e.Renamed {
			if r.To == code {
				return []string{r.From}
			}
		}
		for _, m := range e.Merged {
			if m.To == code {
				return slices.Clone(m.From)
			}
		}
		for _, s := range e.Split {
			if slices.Contains(s.To, code) {
				return []string{s.From}
			}
		}
		if slices.Contains(e.Added, code) {
			return nil
		}
	}
	return []string{code}
}

// UnknownConcept reports whether the previous year's concept, which this
// year's questionnaire does not have, is unknown in this year (named in
// unknown_items, or covered by all_others) rather than removed or renamed.
// A nil crosswalk returns false.
func (cw *Crosswalk) UnknownConcept(prev string) bool {
	if cw == nil || slices.Contains(cw.RemovedItems, prev) {
		return false
	}
	for _, r := range cw.RenamedItems {
		if r.From == prev {
			return false
		}
	}
	for _, b := range cw.BinnedItems {
		if b.From == prev {
			return false
		}
	}
	return cw.UnknownItems.Has(prev)
}

// UnknownCode reports whether the previous year's code of the item with
// concept (this year's concept), which this year's item does not have, is
// unknown in this year (named in the item's unknown list or covered by its
// all_others) rather than removed or mapped.
func (cw *Crosswalk) UnknownCode(concept, prev string) bool {
	if cw == nil {
		return false
	}
	for i := range cw.Options {
		e := &cw.Options[i]
		if e.Concept != concept {
			continue
		}
		if slices.Contains(e.Removed, prev) {
			return false
		}
		for _, r := range e.Renamed {
			if r.From == prev {
				return false
			}
		}
		for _, m := range e.Merged {
			if slices.Contains(m.From, prev) {
				return false
			}
		}
		for _, sp := range e.Split {
			if sp.From == prev {
				return false
			}
		}
		return e.Unknown.Has(prev)
	}
	return false
}

// Chain follows items and codes back across consecutive survey years, each
// year's crosswalk leading to the year before.
type Chain struct {
	years []int
	steps []*Crosswalk // steps[i] leads from years[i+1] back to years[i]
}

// NewChain starts a chain at the earliest survey year.
func NewChain(first int) *Chain { return &Chain{years: []int{first}} }

// Add appends the next survey year and its crosswalk (nil when the year has
// no crosswalk file: its questionnaire matches the previous year's). cw.From
// must be the last year added.
func (ch *Chain) Add(year int, cw *Crosswalk) error {
	last := ch.years[len(ch.years)-1]
	if year <= last {
		return fmt.Errorf("crosswalk: chain: year %d does not follow %d", year, last)
	}
	if cw != nil && cw.From != last {
		return fmt.Errorf("crosswalk: chain: %s: from is %d, but the year before %d is %d", cw.File, cw.From, year, last)
	}
	ch.years = append(ch.years, year)
	ch.steps = append(ch.steps, cw)
	return nil
}

// Step returns the crosswalk that leads from year back to the year before
// it (nil for the first year, or a year without a crosswalk file).
func (ch *Chain) Step(year int) *Crosswalk {
	i := slices.Index(ch.years, year)
	if i < 1 {
		return nil
	}
	return ch.steps[i-1]
}

// Years returns the chain's survey years, ascending.
func (ch *Chain) Years() []int { return slices.Clone(ch.years) }

// Origin is where a year's concept and code come from: the earliest year of
// the chain the item can be followed back to, its concept and the codes there.
type Origin struct {
	Year    int
	Concept string
	// Codes are the earliest year's codes (sorted) that the code counts; nil
	// when Map was given no code.
	Codes []string
}

// Map follows the item with concept in year, and its code (an option or
// matrix row code; "" for the item only), back through the crosswalks to the
// earliest year where both can be followed: it stops at the year where the
// item or one of the codes was added. For trends, two years' categories
// compare when they map to the same Origin; a merge or a split gives a code
// several earliest codes, or several codes the same earliest code, and the
// comparable category is then their union.
func (ch *Chain) Map(year int, concept, code string) (Origin, error) {
	i := slices.Index(ch.years, year)
	if i < 0 {
		return Origin{}, fmt.Errorf("crosswalk: chain: year %d is not one of %v", year, ch.years)
	}
	o := Origin{Year: year, Concept: concept}
	if code != "" {
		o.Codes = []string{code}
	}
	for ; i > 0; i-- {
		cw := ch.steps[i-1]
		prev, ok := cw.PreviousConcept(o.Concept)
		if !ok {
			break
		}
		var codes []string
		traced := true
		for _, c := range o.Codes {
			back := cw.ToPrevious(o.Concept, c)
			if back == nil {
				traced = false
				break
			}
			codes = append(codes, back...)
		}
		if !traced {
			break
		}
		slices.Sort(codes)
		o = Origin{Year: ch.years[i-1], Concept: prev, Codes: slices.Compact(codes)}
	}
	return o, nil
}
