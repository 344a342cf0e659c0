package questionnaire

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	idPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	codePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)
	titleYear     = regexp.MustCompile(`(?:19|20)[0-9]{2}`)
	numberPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)
	sim3Pattern   = regexp.MustCompile(`^[OHTP]-[0-9]+$`)
)

// validate checks q as a whole and resolves option set references. Every
// problem is added to c; validation never stops at the first one.
func validate(c *collector, q *Questionnaire) {
	if q.Format != Format {
		c.add(q.KeyPos("format"), "", ErrInvalid, "format is %q, want %q", q.Format, Format)
	}
	validateSurvey(c, q)

	missing := map[string]bool{}
	seen := map[string]Pos{}
	for i := range q.Missing {
		m := &q.Missing[i]
		validateOption(c, "", "missing code", m, seen)
		missing[m.Code] = true
	}

	for _, name := range q.SetOrder {
		s := q.OptionSets[name]
		where := "option set " + name
		if !idPattern.MatchString(name) {
			c.add(s.At, "", ErrInvalid, "%s: name must be snake_case (a-z, 0-9, _)", where)
		}
		requireLabels(c, &s.located, "", where, s.LabelJA, s.LabelEN)
		validateOptionList(c, s.At, "", where, s.Options, nil, missing)
	}

	sections := map[string]bool{}
	for i := range q.Sections {
		s := &q.Sections[i]
		if s.Number == "" {
			c.add(s.At, "", ErrMissing, "section without number")
		} else if sections[s.Number] {
			c.add(s.KeyPos("number"), "", ErrDuplicate, "section %s is declared twice", s.Number)
		}
		sections[s.Number] = true
		if s.TitleJA == "" || s.TitleEN == "" {
			c.add(s.At, "", ErrMissing, "section %s needs title_ja and title_en", s.Number)
		}
	}

	for _, col := range q.IdentifyingColumns {
		if strings.TrimSpace(col) == "" {
			c.add(q.KeyPos("identifying_columns"), "", ErrInvalid, "identifying_columns holds an empty name")
		}
	}
	if len(q.Items) == 0 {
		c.add(q.At, "", ErrMissing, "no items")
	}
	q.byNumber = map[string]*Item{}
	q.byID = map[string]*Item{}
	for _, it := range q.Items {
		validateItem(c, q, it, sections, missing)
	}
	validateConcepts(c, q)
}

// validateConcepts checks the concept ids and fills in the default (the id).
// An item without concept takes its id, which validateItem has checked; an
// explicit concept must be snake_case and must not be the concept (explicit
// or by default) of another item.
func validateConcepts(c *collector, q *Questionnaire) {
	q.byConcept = map[string]*Item{}
	byDefault := map[*Item]bool{}
	for _, it := range q.Items {
		if it.Concept == "" && it.ID != "" && q.byID[it.ID] == it {
			q.byConcept[it.ID] = it
			byDefault[it] = true
		}
	}
	for _, it := range q.Items {
		if it.Concept == "" {
			continue
		}
		name := it.Number
		if name == "" {
			name = it.ID
		}
		other := q.byConcept[it.Concept]
		switch {
		case !idPattern.MatchString(it.Concept):
			c.add(it.KeyPos("concept"), name, ErrInvalid, "concept %q must be snake_case (a-z, 0-9, _) starting with a letter", it.Concept)
		case other != nil && byDefault[other]:
			c.add(it.KeyPos("concept"), name, ErrDuplicate, "concept %q is already the concept of item %s at line %d (its id: an item without concept takes its id)", it.Concept, other.Number, other.At.Line)
		case other != nil:
			c.add(it.KeyPos("concept"), name, ErrDuplicate, "concept %q is already the concept of item %s at line %d", it.Concept, other.Number, other.At.Line)
		default:
			q.byConcept[it.Concept] = it
		}
	}
	for _, it := range q.Items {
		if it.Concept == "" {
			it.Concept = it.ID
		}
	}
}

func validateSurvey(c *collector, q *Questionnaire) {
	s := &q.Survey
	if s.Year < 1990 || s.Year > 2100 {
		c.add(s.KeyPos("year"), "", ErrInvalid, "survey.year %d is not a plausible survey year (1990-2100)", s.Year)
	}
	for _, f := range []struct{ key, val string }{
		{"id", s.ID}, {"title_ja", s.TitleJA}, {"title_en", s.TitleEN}, {"publisher", s.Publisher},
	} {
		if strings.TrimSpace(f.val) == "" {
			c.add(s.KeyPos(f.key), "", ErrMissing, "survey.%s is required", f.key)
		}
	}
	// A title that names another year is a copy not yet edited (csirtsurvey
	// scaffold copies the previous year's questionnaire).
	for _, f := range []struct{ key, val string }{{"title_ja", s.TitleJA}, {"title_en", s.TitleEN}} {
		for _, m := range titleYear.FindAllString(f.val, -1) {
			if y, _ := strconv.Atoi(m); y != s.Year && s.Year != 0 {
				c.add(s.KeyPos(f.key), "", ErrInvalid, "survey.%s names %d but survey.year is %d: give the edition's own title", f.key, y, s.Year)
			}
		}
	}
	if s.Respondents < 0 {
		c.add(s.KeyPos("respondents"), "", ErrInvalid, "survey.respondents must not be negative")
	}
}

func requireLabels(c *collector, l *located, item, where, ja, en string) {
	if strings.TrimSpace(ja) == "" {
		c.add(l.KeyPos("label_ja"), item, ErrMissing, "%s: label_ja is required", where)
	}
	if strings.TrimSpace(en) == "" {
		c.add(l.KeyPos("label_en"), item, ErrMissing, "%s: label_en is required", where)
	}
}

// validateOption checks one option's code and labels and records its code in seen.
func validateOption(c *collector, item, where string, o *Option, seen map[string]Pos) {
	switch {
	case o.Code == "":
		c.add(o.At, item, ErrMissing, "%s without code", where)
	case !codePattern.MatchString(o.Code):
		c.add(o.KeyPos("code"), item, ErrInvalid, "%s code %q: use letters, digits and _ only", where, o.Code)
	}
	if first, dup := seen[o.Code]; dup && o.Code != "" {
		c.add(o.KeyPos("code"), item, ErrDuplicate, "%s code %q is already used at line %d", where, o.Code, first.Line)
	} else {
		seen[o.Code] = o.At
	}
	requireLabels(c, &o.located, item, where+" "+o.Code, o.LabelJA, o.LabelEN)
	if o.SIM3Level != nil && (*o.SIM3Level < 0 || *o.SIM3Level > 4) {
		c.add(o.KeyPos("sim3_level"), item, ErrInvalid, "%s %s: sim3_level %d is outside 0-4", where, o.Code, *o.SIM3Level)
	}
	if o.Coarse && o.SIM3Level == nil {
		c.add(o.KeyPos("coarse"), item, ErrInvalid, "%s %s: coarse is set but sim3_level is not", where, o.Code)
	}
}

// validateOptionList checks a list of options; groups, when not nil, are the
// option group codes the options may name.
func validateOptionList(c *collector, at Pos, item, where string, opts []Option, groups map[string]bool, missing map[string]bool) {
	if len(opts) == 0 {
		c.add(at, item, ErrMissing, "%s has no options", where)
	}
	seen := map[string]Pos{}
	for i := range opts {
		o := &opts[i]
		validateOption(c, item, "option", o, seen)
		if missing[o.Code] {
			c.add(o.KeyPos("code"), item, ErrDuplicate, "option code %q is also a missing-answer code", o.Code)
		}
		switch {
		case groups == nil && o.Group != "":
			c.add(o.KeyPos("group"), item, ErrUnknownRef, "option %s names group %q but %s declares no option_groups", o.Code, o.Group, where)
		case groups != nil && o.Group == "":
			c.add(o.At, item, ErrMissing, "option %s: group is required because the item declares option_groups", o.Code)
		case groups != nil && !groups[o.Group]:
			c.add(o.KeyPos("group"), item, ErrUnknownRef, "option %s names unknown group %q (declared: %s)", o.Code, o.Group, keys(groups))
		}
	}
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func typeList() string {
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func validateItem(c *collector, q *Questionnaire, it *Item, sections, missing map[string]bool) {
	name := it.Number
	if name == "" {
		name = it.ID
	}
	switch {
	case it.ID == "":
		c.add(it.At, name, ErrMissing, "id is required")
	case !idPattern.MatchString(it.ID):
		c.add(it.KeyPos("id"), name, ErrInvalid, "id %q must be snake_case (a-z, 0-9, _) starting with a letter", it.ID)
	case q.byID[it.ID] != nil:
		c.add(it.KeyPos("id"), name, ErrDuplicate, "id %q is already used by item %s at line %d", it.ID, q.byID[it.ID].Number, q.byID[it.ID].At.Line)
	default:
		q.byID[it.ID] = it
	}
	switch {
	case it.Number == "":
		c.add(it.At, name, ErrMissing, "number is required")
	case !numberPattern.MatchString(it.Number):
		c.add(it.KeyPos("number"), name, ErrInvalid, "number %q must look like 2.14 or 2.14.1", it.Number)
	case q.byNumber[it.Number] != nil:
		c.add(it.KeyPos("number"), name, ErrDuplicate, "number %s is already used by item %s at line %d", it.Number, q.byNumber[it.Number].ID, q.byNumber[it.Number].At.Line)
	default:
		if !sections[it.Section()] {
			c.add(it.KeyPos("number"), name, ErrUnknownRef, "section %s is not declared under sections", it.Section())
		}
	}
	if strings.TrimSpace(it.TextJA) == "" {
		c.add(it.KeyPos("text_ja"), name, ErrMissing, "text_ja is required")
	}
	if strings.TrimSpace(it.TextEN) == "" {
		c.add(it.KeyPos("text_en"), name, ErrMissing, "text_en is required")
	}
	if it.SIM3 != "" && !sim3Pattern.MatchString(it.SIM3) {
		c.add(it.KeyPos("sim3"), name, ErrInvalid, "sim3 %q must be a SIM3 parameter such as H-1 or P-14", it.SIM3)
	}

	switch {
	case it.Type == "":
		c.add(it.At, name, ErrMissing, "type is required (one of %s)", typeList())
	case !it.Type.known():
		c.add(it.KeyPos("type"), name, ErrUnknownType, "unknown type %q (allowed: %s)", it.Type, typeList())
	}

	if it.PrintedType != "" && (!it.PrintedType.known() || it.PrintedType == it.Type) {
		c.add(it.KeyPos("printed_type"), name, ErrInvalid, "printed_type %q must be a known type different from type %q", it.PrintedType, it.Type)
	}
	if it.Type.IsChoice() {
		it.set = resolveChoices(c, q, &it.located, name, "item", it.Options, it.OptionSet, it.OptionGroups, missing)
		for _, o := range it.Choices() {
			if o.Exclusive && it.Type != Multi {
				c.add(o.KeyPos("exclusive"), name, ErrInvalid, "option %s is exclusive but the item is %s; exclusive applies to multi items", o.Code, it.Type)
			}
		}
	} else {
		forbid(c, &it.located, name, it.Type, "options", len(it.Options) > 0)
		forbid(c, &it.located, name, it.Type, "option_set", it.OptionSet != "")
		forbid(c, &it.located, name, it.Type, "option_groups", len(it.OptionGroups) > 0)
	}
	if it.Type != Integer {
		forbid(c, &it.located, name, it.Type, "bins", len(it.Bins) > 0)
		forbid(c, &it.located, name, it.Type, "min", it.Min != nil)
		forbid(c, &it.located, name, it.Type, "max", it.Max != nil)
	} else {
		validateBins(c, it, name)
	}
	if it.Type != Matrix {
		forbid(c, &it.located, name, it.Type, "rows", len(it.Rows) > 0)
		forbid(c, &it.located, name, it.Type, "row_groups", len(it.RowGroups) > 0)
		forbid(c, &it.located, name, it.Type, "cells", len(it.Cells) > 0)
	} else {
		validateMatrix(c, q, it, name, missing)
	}
	validateCoded(c, name, it.Coded, it.Choices(), missing)

	if r := it.Relevance; r != nil {
		validateItemRelevance(c, q, it, name, r)
	}
	if it.Number != "" && q.byNumber[it.Number] == nil {
		q.byNumber[it.Number] = it
	}
}

func forbid(c *collector, l *located, item string, t Type, key string, present bool) {
	if present {
		c.add(l.KeyPos(key), item, ErrInvalid, "%s is not allowed on a %s item", key, t)
	}
}

// resolveChoices checks that exactly one of options / option_set is given and
// returns the referenced set, if any.
func resolveChoices(c *collector, q *Questionnaire, l *located, item, what string, opts []Option, setName string, groups []Group, missing map[string]bool) *OptionSet {
	var groupCodes map[string]bool
	if len(groups) > 0 {
		groupCodes = map[string]bool{}
		seen := map[string]bool{}
		for i := range groups {
			g := &groups[i]
			if g.Code == "" {
				c.add(g.At, item, ErrMissing, "option group without code")
			} else if seen[g.Code] {
				c.add(g.KeyPos("code"), item, ErrDuplicate, "option group %q is declared twice", g.Code)
			}
			seen[g.Code] = true
			groupCodes[g.Code] = true
			requireLabels(c, &g.located, item, "option group "+g.Code, g.LabelJA, g.LabelEN)
		}
	}
	switch {
	case setName != "" && len(opts) > 0:
		c.add(l.KeyPos("option_set"), item, ErrInvalid, "%s has both options and option_set; give one", what)
	case setName != "":
		s := q.OptionSets[setName]
		if s == nil {
			c.add(l.KeyPos("option_set"), item, ErrUndefinedSet, "option_set %q is not defined under option_sets (defined: %s)", setName, strings.Join(q.SetOrder, ", "))
			return nil
		}
		if groupCodes != nil {
			c.add(l.KeyPos("option_groups"), item, ErrInvalid, "option_groups need inline options, not option_set %q", setName)
		}
		return s
	case len(opts) == 0:
		c.add(l.At, item, ErrMissing, "a choice %s needs options or option_set", what)
	default:
		validateOptionList(c, l.At, item, what, opts, groupCodes, missing)
	}
	return nil
}

func validateCoded(c *collector, item string, coded []Coded, opts []Option, missing map[string]bool) {
	taken := map[string]bool{}
	for _, o := range opts {
		taken[o.Code] = true
	}
	for i := range coded {
		cd := &coded[i]
		switch {
		case cd.Code == "":
			c.add(cd.At, item, ErrMissing, "coded category without code")
		case !codePattern.MatchString(cd.Code):
			c.add(cd.KeyPos("code"), item, ErrInvalid, "coded category code %q: use letters, digits and _ only", cd.Code)
		case taken[cd.Code] || missing[cd.Code]:
			c.add(cd.KeyPos("code"), item, ErrDuplicate, "coded category code %q is already an option, missing or coded code", cd.Code)
		}
		taken[cd.Code] = true
		requireLabels(c, &cd.located, item, "coded category "+cd.Code, cd.LabelJA, cd.LabelEN)
		if !slices.Contains(CodedKinds, cd.Kind) {
			c.add(cd.KeyPos("kind"), item, ErrInvalid, "coded category %s: kind %q is not one of %s", cd.Code, cd.Kind, strings.Join(CodedKinds, ", "))
		}
	}
}

func validateBins(c *collector, it *Item, item string) {
	if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
		c.add(it.KeyPos("min"), item, ErrInvalid, "min %d is greater than max %d", *it.Min, *it.Max)
	}
	seen := map[string]bool{}
	for i := range it.Bins {
		b := &it.Bins[i]
		if b.Code == "" {
			c.add(b.At, item, ErrMissing, "bin without code")
		} else if seen[b.Code] {
			c.add(b.KeyPos("code"), item, ErrDuplicate, "bin code %q is used twice", b.Code)
		}
		seen[b.Code] = true
		requireLabels(c, &b.located, item, "bin "+b.Code, b.LabelJA, b.LabelEN)
		if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
			c.add(b.At, item, ErrInvalid, "bin %s: min %d is greater than max %d", b.Code, *b.Min, *b.Max)
		}
		for j := range i {
			if overlap(it.Bins[j], *b) {
				c.add(b.At, item, ErrInvalid, "bin %s overlaps bin %s", b.Code, it.Bins[j].Code)
			}
		}
	}
}

func overlap(a, b Bin) bool {
	const lo, hi = -1 << 62, 1 << 62
	amin, amax, bmin, bmax := lo, hi, lo, hi
	if a.Min != nil {
		amin = *a.Min
	}
	if a.Max != nil {
		amax = *a.Max
	}
	if b.Min != nil {
		bmin = *b.Min
	}
	if b.Max != nil {
		bmax = *b.Max
	}
	return amin <= bmax && bmin <= amax
}

func validateMatrix(c *collector, q *Questionnaire, it *Item, item string, missing map[string]bool) {
	groups := map[string]bool{}
	for i := range it.RowGroups {
		g := &it.RowGroups[i]
		if g.Code == "" {
			c.add(g.At, item, ErrMissing, "row group without code")
		} else if groups[g.Code] {
			c.add(g.KeyPos("code"), item, ErrDuplicate, "row group %q is declared twice", g.Code)
		}
		groups[g.Code] = true
		requireLabels(c, &g.located, item, "row group "+g.Code, g.LabelJA, g.LabelEN)
	}
	if len(it.Rows) == 0 {
		c.add(it.At, item, ErrMissing, "a matrix needs rows")
	}
	rows := map[string]bool{}
	for i := range it.Rows {
		r := &it.Rows[i]
		switch {
		case r.Code == "":
			c.add(r.At, item, ErrMissing, "row without code")
		case !codePattern.MatchString(r.Code):
			c.add(r.KeyPos("code"), item, ErrInvalid, "row code %q: use letters, digits and _ only", r.Code)
		case rows[r.Code]:
			c.add(r.KeyPos("code"), item, ErrDuplicate, "row %q is declared twice", r.Code)
		}
		rows[r.Code] = true
		requireLabels(c, &r.located, item, "row "+r.Code, r.LabelJA, r.LabelEN)
		if len(it.RowGroups) > 0 && !groups[r.Group] {
			c.add(r.KeyPos("group"), item, ErrUnknownRef, "row %s names unknown group %q (declared: %s)", r.Code, r.Group, keys(groups))
		}
		if len(it.RowGroups) == 0 && r.Group != "" {
			c.add(r.KeyPos("group"), item, ErrUnknownRef, "row %s names group %q but the item declares no row_groups", r.Code, r.Group)
		}
	}
	if len(it.Cells) == 0 {
		c.add(it.At, item, ErrMissing, "a matrix needs cells")
	}
	cells := map[string]*Cell{}
	for i := range it.Cells {
		cell := &it.Cells[i]
		switch {
		case cell.ID == "":
			c.add(cell.At, item, ErrMissing, "cell without id")
		case !idPattern.MatchString(cell.ID):
			c.add(cell.KeyPos("id"), item, ErrInvalid, "cell id %q must be snake_case", cell.ID)
		case cells[cell.ID] != nil:
			c.add(cell.KeyPos("id"), item, ErrDuplicate, "cell %q is declared twice", cell.ID)
		}
		if strings.TrimSpace(cell.TextJA) == "" || strings.TrimSpace(cell.TextEN) == "" {
			c.add(cell.At, item, ErrMissing, "cell %s needs text_ja and text_en", cell.ID)
		}
		where := "cell " + cell.ID
		switch {
		case cell.Type == "":
			c.add(cell.At, item, ErrMissing, "%s: type is required", where)
		case cell.Type == Matrix || !cell.Type.known():
			c.add(cell.KeyPos("type"), item, ErrUnknownType, "%s: type %q is not allowed in a matrix cell (allowed: single, multi, integer, year_month, text)", where, cell.Type)
		case cell.Type.IsChoice():
			cell.set = resolveChoices(c, q, &cell.located, item, where, cell.Options, cell.OptionSet, nil, missing)
		default:
			forbid(c, &cell.located, item, cell.Type, "options", len(cell.Options) > 0)
			forbid(c, &cell.located, item, cell.Type, "option_set", cell.OptionSet != "")
		}
		validateCoded(c, item, cell.Coded, cell.Choices(), missing)
		if r := cell.Relevance; r != nil {
			if r.Item != "" {
				c.add(r.KeyPos("item"), item, ErrInvalid, "%s: relevance inside a matrix names a cell of the same row (cell:), not an item", where)
			}
			target := cells[r.Cell]
			switch {
			case r.Cell == "":
				c.add(r.At, item, ErrMissing, "%s: relevance needs cell", where)
			case target == nil:
				c.add(r.KeyPos("cell"), item, ErrUnknownRef, "%s: relevance names unknown cell %q (it must be declared before this cell)", where, r.Cell)
			case !target.Type.IsChoice():
				c.add(r.KeyPos("cell"), item, ErrInvalid, "%s: relevance names cell %s of type %s; it must be single or multi", where, r.Cell, target.Type)
			default:
				checkAnyOf(c, r, item, "cell "+r.Cell, target.Choices())
			}
		}
		if cell.ID != "" && cells[cell.ID] == nil {
			cells[cell.ID] = cell
		}
	}
}

func validateItemRelevance(c *collector, q *Questionnaire, it *Item, item string, r *Relevance) {
	if r.Cell != "" {
		c.add(r.KeyPos("cell"), item, ErrInvalid, "relevance of an item names another item (item:), not a cell")
	}
	target := q.byNumber[r.Item]
	switch {
	case r.Item == "":
		c.add(r.At, item, ErrMissing, "relevance needs item")
	case target == nil:
		c.add(r.KeyPos("item"), item, ErrUnknownRef, "relevance names unknown item %q (it must be declared before this item)", r.Item)
	case target == it:
		c.add(r.KeyPos("item"), item, ErrInvalid, "relevance names the item itself")
	case !target.Type.IsChoice():
		c.add(r.KeyPos("item"), item, ErrInvalid, "relevance names item %s of type %s; it must be single or multi", r.Item, target.Type)
	default:
		checkAnyOf(c, r, item, "item "+r.Item, target.Choices())
	}
}

func checkAnyOf(c *collector, r *Relevance, item, target string, opts []Option) {
	if len(r.AnyOf) == 0 {
		c.add(r.At, item, ErrMissing, "relevance needs any_of with at least one code of %s", target)
		return
	}
	codes := make([]string, len(opts))
	for i, o := range opts {
		codes[i] = o.Code
	}
	for _, code := range r.AnyOf {
		if !slices.Contains(codes, code) {
			c.add(r.KeyPos("any_of"), item, ErrUnknownRef, "relevance: %s has no option %q (options: %s)", target, code, strings.Join(codes, ", "))
		}
	}
}
