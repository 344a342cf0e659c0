package crosswalk

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Check compares the previous year's questionnaire prev with this year's cur
// and returns, as a yamlsrc.ErrorList, every difference that cw does not
// explain, and every entry of cw that names a concept or code the
// questionnaires do not have. It returns nil when everything is explained.
//
// Items are matched by concept (or through renamed_items). Reported, each
// with the entry to add:
//
//   - an item whose concept is in one year only and that is not listed in
//     added_items, removed_items or renamed_items (ErrUnexplained, at the item);
//   - a matched item whose type changed (ErrUnexplained): a new question needs
//     a new concept;
//   - a matrix item whose cells changed (ids, types, option codes or label_ja;
//     ErrUnexplained): the crosswalk records changes of rows, not of cells;
//   - an option code (matrix: row code) of a matched item that is in one year
//     only and not covered by the item's options entry (renamed, merged,
//     split, added, removed; ErrUnexplained, at the option);
//   - an option in both years whose label_ja changed and that is not the from
//     of an entry (ErrUnexplained; {from: c, to: c} in renamed records a new
//     wording of the same answer);
//   - an entry that maps a code away while the other year still has that code
//     unexplained (ErrUnexplained, at the entry);
//   - a previous item (or option) absent from this year that no entry
//     explains; unknown_items / an options entry's unknown (or all_others)
//     explain it as unknown in this year;
//   - a binned_items entry whose from is not an integer item with bins or
//     whose to is not a single choice, or that leaves a bin or an option
//     unmapped (ErrUnexplained, ErrUnknownRef, yamlsrc.ErrInvalid);
//   - a responses column whose name is in both years with another type (an
//     item that kept its id under a new concept; ErrUnexplained): readers
//     load every year in one call by column name;
//   - entries naming concepts or codes the questionnaire of their side does
//     not have, options entries of items that are not in both years, and a
//     from that is not prev's year (ErrUnknownRef, yamlsrc.ErrInvalid).
//
// Not compared: question texts, labels in English, notes, relevance, units,
// bins, coded categories (published-table categories, which each year's
// tables.yaml may define as it needs) and the other/exclusive/SIM3 flags.
//
// When cw is nil (no crosswalk file) and the questionnaires differ, the first
// error (ErrNoCrosswalk) says to create schemas/<year>/crosswalk.yaml, next to
// cur's file; the differences follow.
func Check(prev, cur *questionnaire.Questionnaire, cw *Crosswalk) error {
	path := filepath.Join(filepath.Dir(cur.File), FileName)
	missing := cw == nil
	if missing {
		cw = &Crosswalk{File: path, Format: Format, From: prev.Survey.Year}
	}
	ck := &checker{prev: prev, cur: cur, cw: cw, py: prev.Survey.Year, cy: cur.Survey.Year}
	ck.run()
	if len(ck.errs) == 0 {
		return nil
	}
	if missing {
		first := &yamlsrc.Error{File: path, Kind: ErrNoCrosswalk, Msg: fmt.Sprintf(
			"%d's questionnaire differs from %d's (%d difference(s) below) and there is no crosswalk: create %s with "+
				"format: %s and from: %d, and record each difference (format: schemas/README.md, \"Adding a year: concepts and crosswalk\")",
			ck.cy, ck.py, len(ck.errs), path, Format, ck.py)}
		ck.errs = append(yamlsrc.ErrorList{first}, ck.errs...)
	}
	return ck.errs
}

type checker struct {
	prev, cur *questionnaire.Questionnaire
	cw        *Crosswalk
	py, cy    int
	errs      yamlsrc.ErrorList

	renameFrom map[string]string // previous concept -> this year's
	renameTo   map[string]string // this year's concept -> previous
	added      map[string]bool
	removed    map[string]bool
	unknown    map[string]bool           // previous concepts listed in unknown_items
	binnedFrom map[string]*BinnedItem    // previous concept -> entry
	binnedTo   map[string]*BinnedItem    // this year's concept -> entry
	entries    map[string]*OptionChanges // usable options entries by concept
}

func (ck *checker) add(file string, p yamlsrc.Pos, ctx string, kind error, format string, args ...any) {
	ck.errs = append(ck.errs, &yamlsrc.Error{File: file, Line: p.Line, Column: p.Column, Context: ctx, Kind: kind,
		Msg: fmt.Sprintf(format, args...)})
}

// cwErr reports a problem of a crosswalk entry.
func (ck *checker) cwErr(p yamlsrc.Pos, ctx string, kind error, format string, args ...any) {
	ck.add(ck.cw.File, p, ctx, kind, format, args...)
}

func itemCtx(it *questionnaire.Item) string {
	return fmt.Sprintf("item %s (%s)", it.Number, it.Concept)
}

// conceptPos is where an item's concept is written (its id when it has no concept key).
func conceptPos(it *questionnaire.Item) yamlsrc.Pos {
	if _, ok := it.Keys["concept"]; ok {
		return it.KeyPos("concept")
	}
	return it.KeyPos("id")
}

func (ck *checker) run() {
	cw := ck.cw
	if cw.From != ck.py {
		ck.cwErr(cw.KeyPos("from"), "", yamlsrc.ErrInvalid, "from is %d, but the previous survey year is %d: set from: %d", cw.From, ck.py, ck.py)
	}
	ck.checkItemEntries()
	ck.checkOptionEntries()

	for _, ci := range ck.cur.Items {
		c := ci.Concept
		var pi *questionnaire.Item
		if pi = ck.prev.ItemByConcept(c); pi == nil {
			if from, ok := ck.renameTo[c]; ok {
				pi = ck.prev.ItemByConcept(from)
			}
		}
		switch {
		case pi != nil:
			ck.comparePair(pi, ci)
		case ck.binnedTo[c] != nil:
			if pi := ck.prev.ItemByConcept(ck.binnedTo[c].From); pi != nil {
				ck.compareBinned(pi, ci, ck.binnedTo[c])
			}
		case ck.added[c]:
		default:
			ck.add(ck.cur.File, conceptPos(ci), itemCtx(ci), ErrUnexplained,
				"%d has no item with concept %s: add %s to added_items, or {from: <%d concept>, to: %s} to renamed_items, in %s; "+
					"or, if it asks a question of %d, give it that item's concept (concept: <id>)",
				ck.py, c, c, ck.py, c, cw.File, ck.py)
		}
	}
	for _, pi := range ck.prev.Items {
		c := pi.Concept
		if ck.cur.ItemByConcept(c) != nil || ck.removed[c] || ck.unknown[c] || ck.binnedFrom[c] != nil {
			continue
		}
		if _, ok := ck.renameFrom[c]; ok {
			continue
		}
		if cw.UnknownItems.AllOthers {
			continue // not shown by this year's sources: unknown
		}
		ck.add(ck.prev.File, conceptPos(pi), itemCtx(pi), ErrUnexplained,
			"%d has no item with concept %s: add %s to removed_items, or {from: %s, to: <%d concept>} to renamed_items, in %s; "+
				"if %d's sources do not show whether it was asked, add it to unknown_items",
			ck.cy, c, c, c, ck.cy, cw.File, ck.cy)
	}
	ck.checkColumns()
}

// checkColumns reports a column of the responses dataset whose name is in
// both years with a different Arrow type: readers that load every year at
// once (DuckDB's union_by_name, pyarrow datasets) match columns by name.
// It happens when an item keeps its id while its type (or its options'
// kind) changes: the new question needs a new id.
func (ck *checker) checkColumns() {
	prevCols := map[string]*questionnaire.Item{}
	for _, pi := range ck.prev.Items {
		prevCols[pi.ID] = pi
	}
	for _, ci := range ck.cur.Items {
		pi := prevCols[ci.ID]
		if pi == nil || pi.Concept == ci.Concept && pi.Type != ci.Type {
			continue // reported as a changed type already
		}
		pf := fieldTypes(pi)
		for _, f := range columns.ItemColumns(ci) {
			pt, ok := pf[f.Name]
			if !ok || readType(pt) == readType(f.Type) {
				continue
			}
			ck.add(ck.cur.File, ci.KeyPos("id"), itemCtx(ci), ErrUnexplained,
				"column %s of processed/responses is %s in %d (item %s) but %s in %d: a column keeps its type across years, so that every year reads in one call; "+
					"give the %d item a new id (the column name), with its concept listed in added_items of %s",
				f.Name, pt, ck.py, pi.Number, f.Type, ck.cy, ck.cy, ck.cw.File)
			break
		}
	}
}

func fieldTypes(it *questionnaire.Item) map[string]arrow.DataType {
	m := map[string]arrow.DataType{}
	for _, c := range columns.ItemColumns(it) {
		m[c.Name] = c.Type
	}
	return m
}

// readType is the type a reader sees: a dictionary is its values (its index
// width and ordered flag may differ between years).
func readType(t arrow.DataType) string {
	if d, ok := t.(*arrow.DictionaryType); ok {
		return d.ValueType.String()
	}
	return t.String()
}

// checkItemEntries checks renamed_items, added_items and removed_items
// against the two questionnaires and records the usable ones.
func (ck *checker) checkItemEntries() {
	cw := ck.cw
	ck.renameFrom, ck.renameTo = map[string]string{}, map[string]string{}
	ck.added, ck.removed = map[string]bool{}, map[string]bool{}
	for i := range cw.RenamedItems {
		r := &cw.RenamedItems[i]
		ctx := fmt.Sprintf("renamed_items[%d]", i)
		ok := ck.oldConcept(r.KeyPos("from"), ctx, "from", r.From)
		ok = ck.newConcept(r.KeyPos("to"), ctx, "to", r.To) && ok
		if ok {
			ck.renameFrom[r.From] = r.To
			ck.renameTo[r.To] = r.From
		}
	}
	for i, c := range cw.AddedItems {
		if ck.newConcept(posAt(cw.addedAt, i, cw.KeyPos("added_items")), fmt.Sprintf("added_items[%d]", i), "", c) {
			ck.added[c] = true
		}
	}
	for i, c := range cw.RemovedItems {
		if ck.oldConcept(posAt(cw.removedAt, i, cw.KeyPos("removed_items")), fmt.Sprintf("removed_items[%d]", i), "", c) {
			ck.removed[c] = true
		}
	}
	ck.unknown = map[string]bool{}
	for i, c := range cw.UnknownItems.Names {
		if ck.oldConcept(posAt(cw.UnknownItems.at, i, cw.KeyPos("unknown_items")), fmt.Sprintf("unknown_items[%d]", i), "", c) {
			ck.unknown[c] = true
		}
	}
	ck.binnedFrom, ck.binnedTo = map[string]*BinnedItem{}, map[string]*BinnedItem{}
	for i := range cw.BinnedItems {
		b := &cw.BinnedItems[i]
		ctx := fmt.Sprintf("binned_items[%d]", i)
		ok := ck.oldConcept(b.KeyPos("from"), ctx, "from", b.From)
		ok = ck.newConcept(b.KeyPos("to"), ctx, "to", b.To) && ok
		if ok {
			ck.binnedFrom[b.From], ck.binnedTo[b.To] = b, b
		}
	}
}

// compareBinned checks a binned_items entry: the previous item is an
// integer with bins, this year's a single choice, and the entry maps every
// bin to one option and every option to one bin.
func (ck *checker) compareBinned(pi, ci *questionnaire.Item, b *BinnedItem) {
	ctx := fmt.Sprintf("binned_items[%s -> %s]", b.From, b.To)
	if pi.Type != questionnaire.Integer || len(pi.Bins) == 0 {
		ck.cwErr(b.KeyPos("from"), ctx, yamlsrc.ErrInvalid, "%d item %s (%s) is of type %s with %d bins: binned_items compares an integer item published in ranges (bins:) with a choice among them; use removed_items/added_items",
			ck.py, pi.Number, b.From, pi.Type, len(pi.Bins))
		return
	}
	if ci.Type != questionnaire.Single {
		ck.cwErr(b.KeyPos("to"), ctx, yamlsrc.ErrInvalid, "%d item %s (%s) is of type %s: binned_items compares an integer item's bins with the options of a single-choice item",
			ck.cy, ci.Number, b.To, ci.Type)
		return
	}
	bins := map[string]bool{}
	for _, bn := range pi.Bins {
		bins[bn.Code] = true
	}
	opts := map[string]bool{}
	for _, o := range ci.Choices() {
		opts[o.Code] = true
	}
	from, to := map[string]bool{}, map[string]bool{}
	for j := range b.Bins {
		r := &b.Bins[j]
		if !bins[r.From] {
			ck.cwErr(r.KeyPos("from"), ctx, ErrUnknownRef, "bins[%d].from: %d item %s has no bin %s (bins: %s)", j, ck.py, pi.Number, r.From, binList(pi))
		}
		if !opts[r.To] {
			ck.cwErr(r.KeyPos("to"), ctx, ErrUnknownRef, "bins[%d].to: %d item %s has no option %s (options: %s)", j, ck.cy, ci.Number, r.To, codeListOf(ci))
		}
		from[r.From], to[r.To] = true, true
	}
	for _, bn := range pi.Bins {
		if !from[bn.Code] {
			ck.cwErr(b.At, ctx, ErrUnexplained, "%d item %s's bin %s is not mapped: add {from: %s, to: <option of %s>} to bins (each range of the one year is a range of the other)",
				ck.py, pi.Number, bn.Code, bn.Code, b.To)
		}
	}
	for _, o := range ci.Choices() {
		if !to[o.Code] {
			ck.add(ck.cur.File, o.Pos(), itemCtx(ci), ErrUnexplained, "option %s is not the to of a bin of %d item %s in %s: add {from: <bin>, to: %s} to its bins",
				o.Code, ck.py, pi.Number, ctx, o.Code)
		}
	}
}

func binList(it *questionnaire.Item) string {
	names := make([]string, len(it.Bins))
	for i, b := range it.Bins {
		names[i] = b.Code
	}
	return strings.Join(names, ", ")
}

func codeListOf(it *questionnaire.Item) string {
	cs, _ := codes(it)
	return codeList(cs)
}

// oldConcept checks that c is a concept of the previous year only.
func (ck *checker) oldConcept(p yamlsrc.Pos, ctx, key, c string) bool {
	where := ctx
	if key != "" {
		where += "." + key
	}
	if ck.prev.ItemByConcept(c) == nil {
		ck.cwErr(p, where, ErrUnknownRef, "%d has no item with concept %s (%s)", ck.py, c, ck.prev.File)
		return false
	}
	if it := ck.cur.ItemByConcept(c); it != nil {
		ck.cwErr(p, where, yamlsrc.ErrInvalid, "%d still has item %s with concept %s: a concept in both years is neither removed nor renamed; remove this entry",
			ck.cy, it.Number, c)
		return false
	}
	return true
}

// newConcept checks that c is a concept of this year only.
func (ck *checker) newConcept(p yamlsrc.Pos, ctx, key, c string) bool {
	where := ctx
	if key != "" {
		where += "." + key
	}
	if ck.cur.ItemByConcept(c) == nil {
		ck.cwErr(p, where, ErrUnknownRef, "%d has no item with concept %s (%s)", ck.cy, c, ck.cur.File)
		return false
	}
	if it := ck.prev.ItemByConcept(c); it != nil {
		ck.cwErr(p, where, yamlsrc.ErrInvalid, "%d has item %s with concept %s too: a concept in both years is neither added nor renamed; remove this entry",
			ck.py, it.Number, c)
		return false
	}
	return true
}

// checkOptionEntries keeps the options entries that name an item of both years
// that has options or rows.
func (ck *checker) checkOptionEntries() {
	ck.entries = map[string]*OptionChanges{}
	for i := range ck.cw.Options {
		e := &ck.cw.Options[i]
		p, ctx := e.KeyPos("concept"), entryName(e.Concept)
		ci := ck.cur.ItemByConcept(e.Concept)
		switch {
		case ci == nil && ck.renameFrom[e.Concept] != "":
			ck.cwErr(p, ctx, ErrUnknownRef, "%s is the %d concept of the item renamed to %s: an options entry names the item's %d concept (concept: %s)",
				e.Concept, ck.py, ck.renameFrom[e.Concept], ck.cy, ck.renameFrom[e.Concept])
		case ci == nil && ck.prev.ItemByConcept(e.Concept) != nil:
			ck.cwErr(p, ctx, ErrUnknownRef, "%d has no item with concept %s (the item is not asked any more): its options need no entry; remove it", ck.cy, e.Concept)
		case ci == nil:
			ck.cwErr(p, ctx, ErrUnknownRef, "%d has no item with concept %s (%s)", ck.cy, e.Concept, ck.cur.File)
		case ck.prev.ItemByConcept(e.Concept) == nil && ck.renameTo[e.Concept] == "":
			ck.cwErr(p, ctx, yamlsrc.ErrInvalid, "item %s (%s) is new in %d: its options need no entry; remove it", ci.Number, e.Concept, ck.cy)
		case !ci.Type.IsChoice() && ci.Type != questionnaire.Matrix:
			ck.cwErr(p, ctx, yamlsrc.ErrInvalid, "item %s (%s) is of type %s and has no options; remove the entry", ci.Number, e.Concept, ci.Type)
		default:
			ck.entries[e.Concept] = e
		}
	}
}

// code is an option of a choice item or a row of a matrix.
type code struct {
	code, labelJA string
	pos           yamlsrc.Pos
}

// codes returns an item's options (matrix: rows) and the word for them.
func codes(it *questionnaire.Item) ([]code, string) {
	var out []code
	if it.Type == questionnaire.Matrix {
		for _, r := range it.Rows {
			out = append(out, code{r.Code, r.LabelJA, r.Pos()})
		}
		return out, "row"
	}
	for _, o := range it.Choices() {
		out = append(out, code{o.Code, o.LabelJA, o.Pos()})
	}
	return out, "option"
}

func index(cs []code) map[string]code {
	m := make(map[string]code, len(cs))
	for _, c := range cs {
		m[c.code] = c
	}
	return m
}

func codeList(cs []code) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.code
	}
	return strings.Join(names, ", ")
}

// comparePair compares an item of the previous year with its counterpart.
func (ck *checker) comparePair(pi, ci *questionnaire.Item) {
	ctx := itemCtx(ci)
	if pi.Number != ci.Number || pi.Concept != ci.Concept {
		ctx = fmt.Sprintf("item %s (%s; %d: %s, %s)", ci.Number, ci.Concept, ck.py, pi.Number, pi.Concept)
	}
	if pi.Type != ci.Type {
		ck.add(ck.cur.File, ci.KeyPos("type"), ctx, ErrUnexplained,
			"type changed from %s (%d) to %s (%d): a question whose kind of answer changed is a new question: give the %d item a new id (its column in responses must not change type), "+
				"add %s to removed_items and the new id to added_items in %s",
			pi.Type, ck.py, ci.Type, ck.cy, ck.cy, pi.Concept, ck.cw.File)
		return
	}
	if !ci.Type.IsChoice() && ci.Type != questionnaire.Matrix {
		return
	}
	if ci.Type == questionnaire.Matrix {
		ck.compareCells(pi, ci, ctx)
	}
	pcs, word := codes(pi)
	ccs, _ := codes(ci)
	pIdx, cIdx := index(pcs), index(ccs)
	entry := entryName(ci.Concept)

	// What the entry says about each code: the entry that names a previous
	// code as its from, and the entry that names a current code as its to.
	fromBy, toBy := map[string]string{}, map[string]string{}
	fromAt, toAt := map[string]yamlsrc.Pos{}, map[string]yamlsrc.Pos{}
	if e := ck.entries[ci.Concept]; e != nil {
		old := func(p yamlsrc.Pos, where, c string) {
			if _, ok := pIdx[c]; !ok {
				ck.cwErr(p, entry, ErrUnknownRef, "%s: %d item %s has no %s %s (%ss: %s)", where, ck.py, pi.Number, word, c, word, codeList(pcs))
				return
			}
			fromBy[c], fromAt[c] = where, p
		}
		cur := func(p yamlsrc.Pos, where, c string) {
			if _, ok := cIdx[c]; !ok {
				ck.cwErr(p, entry, ErrUnknownRef, "%s: %d item %s has no %s %s (%ss: %s)", where, ck.cy, ci.Number, word, c, word, codeList(ccs))
				return
			}
			toBy[c], toAt[c] = where, p
		}
		for j, r := range e.Renamed {
			old(r.KeyPos("from"), fmt.Sprintf("renamed[%d].from", j), r.From)
			cur(r.KeyPos("to"), fmt.Sprintf("renamed[%d].to", j), r.To)
		}
		for j, m := range e.Merged {
			for _, f := range m.From {
				old(m.KeyPos("from"), fmt.Sprintf("merged[%d].from", j), f)
			}
			cur(m.KeyPos("to"), fmt.Sprintf("merged[%d].to", j), m.To)
		}
		for j, s := range e.Split {
			old(s.KeyPos("from"), fmt.Sprintf("split[%d].from", j), s.From)
			for _, t := range s.To {
				cur(s.KeyPos("to"), fmt.Sprintf("split[%d].to", j), t)
			}
		}
		for j, c := range e.Added {
			cur(posAt(e.addedAt, j, e.KeyPos("added")), fmt.Sprintf("added[%d]", j), c)
		}
		for j, c := range e.Removed {
			old(posAt(e.removedAt, j, e.KeyPos("removed")), fmt.Sprintf("removed[%d]", j), c)
		}
		for j, c := range e.Unknown.Names {
			old(posAt(e.Unknown.at, j, e.KeyPos("unknown")), fmt.Sprintf("unknown[%d]", j), c)
		}
	}
	unknownAll := ck.entries[ci.Concept] != nil && ck.entries[ci.Concept].Unknown.AllOthers

	for _, p := range pcs {
		_, inCur := cIdx[p.code]
		switch {
		case !inCur && fromBy[p.code] == "" && !unknownAll:
			ck.add(ck.prev.File, p.pos, itemCtx(pi), ErrUnexplained,
				"%s %s exists in %d but not in %d: add %s to %s.removed, or make it the from of a renamed, merged or split entry there, in %s; "+
					"if %d's sources do not show it, add it to unknown there",
				word, p.code, ck.py, ck.cy, p.code, entry, ck.cw.File, ck.cy)
		case inCur && fromBy[p.code] != "" && toBy[p.code] == "":
			ck.cwErr(fromAt[p.code], entry, ErrUnexplained,
				"%s maps %d's %s %s away, but %d item %s still has %s %s: if it is a new answer, add %s to added too; if it is the same answer, remove the entry (or use renamed {from: %s, to: %s} for a new wording)",
				fromBy[p.code], ck.py, word, p.code, ck.cy, ci.Number, word, p.code, p.code, p.code, p.code)
		}
	}
	for _, c := range ccs {
		pc, inPrev := pIdx[c.code]
		switch {
		case !inPrev && toBy[c.code] == "":
			ck.add(ck.cur.File, c.pos, ctx, ErrUnexplained,
				"%s %s exists in %d but not in %d: add %s to %s.added, or make it the to of a renamed, merged or split entry there, in %s",
				word, c.code, ck.cy, ck.py, c.code, entry, ck.cw.File)
		case inPrev && toBy[c.code] != "" && fromBy[c.code] == "":
			ck.cwErr(toAt[c.code], entry, ErrUnexplained,
				"%s makes %d's %s %s from other codes, but %d item %s has %s %s too: say what became of it: add %s to removed, or to the from of a merge (merged: [{from: [%s, ...], to: %s}])",
				toBy[c.code], ck.cy, word, c.code, ck.py, pi.Number, word, c.code, c.code, c.code, c.code)
		case inPrev && fromBy[c.code] == "" && pc.labelJA != c.labelJA:
			ck.add(ck.cur.File, c.pos, ctx, ErrUnexplained,
				"%s %s: label_ja changed from %q (%d) to %q (%d): if the answer means the same, add {from: %s, to: %s} to %s.renamed in %s; "+
					"if not, give the new answer a new code (added) and list %s under removed",
				word, c.code, pc.labelJA, ck.py, c.labelJA, ck.cy, c.code, c.code, entry, ck.cw.File, c.code)
		}
	}
}

// compareCells reports cells of a matrix that differ between the years: the
// crosswalk has no entries for cells.
func (ck *checker) compareCells(pi, ci *questionnaire.Item, ctx string) {
	advice := fmt.Sprintf("the crosswalk records changes of a matrix's rows, not of its cells: if the question still means the same, "+
		"make the cell as in %d; otherwise give the %d item a new concept, add %s to removed_items and the new concept to added_items in %s",
		ck.py, ck.cy, pi.Concept, ck.cw.File)
	prevCells := map[string]*questionnaire.Cell{}
	for i := range pi.Cells {
		prevCells[pi.Cells[i].ID] = &pi.Cells[i]
	}
	seen := map[string]bool{}
	for i := range ci.Cells {
		cc := &ci.Cells[i]
		seen[cc.ID] = true
		pc := prevCells[cc.ID]
		var what string
		switch {
		case pc == nil:
			what = fmt.Sprintf("cell %s is new in %d", cc.ID, ck.cy)
		case pc.Type != cc.Type:
			what = fmt.Sprintf("cell %s changed type from %s (%d) to %s (%d)", cc.ID, pc.Type, ck.py, cc.Type, ck.cy)
		default:
			what = diffOptions(pc.Choices(), cc.Choices())
			if what != "" {
				what = fmt.Sprintf("cell %s: %s", cc.ID, what)
			}
		}
		if what != "" {
			ck.add(ck.cur.File, cc.Pos(), ctx, ErrUnexplained, "%s: %s", what, advice)
		}
	}
	for i := range pi.Cells {
		if pc := &pi.Cells[i]; !seen[pc.ID] {
			ck.add(ck.prev.File, pc.Pos(), itemCtx(pi), ErrUnexplained, "cell %s exists in %d but not in %d: %s", pc.ID, ck.py, ck.cy, advice)
		}
	}
}

// diffOptions describes the first difference between two option lists
// (codes or label_ja), or returns "".
func diffOptions(prev, cur []questionnaire.Option) string {
	pm := map[string]questionnaire.Option{}
	for _, o := range prev {
		pm[o.Code] = o
	}
	cm := map[string]bool{}
	for _, o := range cur {
		cm[o.Code] = true
		p, ok := pm[o.Code]
		switch {
		case !ok:
			return fmt.Sprintf("option %s is new", o.Code)
		case p.LabelJA != o.LabelJA:
			return fmt.Sprintf("option %s: label_ja changed from %q to %q", o.Code, p.LabelJA, o.LabelJA)
		}
	}
	for _, o := range prev {
		if !cm[o.Code] {
			return fmt.Sprintf("option %s was removed", o.Code)
		}
	}
	return ""
}
