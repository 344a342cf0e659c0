package published

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// SpecFormat is the value of the "format" key of a table spec file.
const SpecFormat = "csirt-survey/tables/v1"

// Bases: who forms a table's N.
const (
	BaseAll      = "all"      // every respondent
	BaseAsked    = "asked"    // those the item (or cell) was asked of
	BaseAnswered = "answered" // those who gave at least one answer
	groupPrefix  = "group:"   // group:<code>: those who chose an option of the group
)

// Kinds of category a printed row counts.
const (
	KindOption    = "option"     // a questionnaire option
	KindCoded     = "coded"      // a category that exists only in the published tables
	KindBin       = "bin"        // a range of an integer item, or a table's own bin
	KindMatrixRow = "matrix_row" // a row of a matrix item (group tables of 2.9)
	KindMissing   = "missing"    // 未回答
)

var (
	keyPattern   = regexp.MustCompile(`^(S[0-9]+|[0-9]+(\.[0-9]+)*(/[a-z_]+|\.[a-z])?)$`)
	monthPattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
)

// Spec says what one published table counts.
type Spec struct {
	Key    string   `yaml:"key"`
	Item   string   `yaml:"item"`
	Base   string   `yaml:"base"`
	Rows   []string `yaml:"rows"`
	Cell   string   `yaml:"cell"`
	Value  string   `yaml:"value"`
	Row    string   `yaml:"row"`
	Bins   []Bin    `yaml:"bins"`
	Derive *Derive  `yaml:"derive"`
	Note   string   `yaml:"note"`
	// NoteJA is Note in Japanese (for the Japanese edition).
	NoteJA string `yaml:"note_ja"`
	// TitleEN is the table's English title where the one made from the
	// questionnaire would not say what the table counts (a group of a
	// matrix, a derived quantity); optional.
	TitleEN string `yaml:"title_en"`

	// File is the spec file the table was read from.
	File string `yaml:"-"`
	// Categories resolves Rows: one category per printed row.
	Categories []Category `yaml:"-"`

	item            *questionnaire.Item
	cell            *questionnaire.Cell
	yamlsrc.Located `yaml:"-"`
}

// Derive names a derived quantity a table counts.
type Derive struct {
	// MonthsBetween holds two year_month items; the table counts the months
	// from the first to the second.
	MonthsBetween []string `yaml:"months_between"`
}

// Bin is a range a table counts a year_month (From/To, "YYYY-MM", inclusive)
// or a derived number (Min/Max, inclusive) in.
type Bin struct {
	Code      string `yaml:"code"`
	LabelJA   string `yaml:"label_ja"`
	LabelEN   string `yaml:"label_en"`
	From      string `yaml:"from"`
	To        string `yaml:"to"`
	Min       *int   `yaml:"min"`
	Max       *int   `yaml:"max"`
	Inference string `yaml:"inference"`

	yamlsrc.Located `yaml:"-"`
}

// Category is what one printed row counts.
type Category struct {
	Code    string
	Kind    string
	LabelJA string
	LabelEN string
	// Inference explains a label that had to be inferred (table bins only).
	Inference string
}

// ItemRef returns the questionnaire item the table reports (nil for derived tables).
func (s *Spec) ItemRef() *questionnaire.Item { return s.item }

// CellRef returns the matrix cell the table counts, or nil.
func (s *Spec) CellRef() *questionnaire.Cell { return s.cell }

type specFile struct {
	Format string  `yaml:"format"`
	Tables []*Spec `yaml:"tables"`
}

// LoadSpecs reads the table specs at path and resolves them against q.
func LoadSpecs(path string, q *questionnaire.Questionnaire) ([]*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	return ParseSpecs(path, data, q)
}

// ParseSpecs decodes table specs and resolves every row code against q.
func ParseSpecs(file string, data []byte, q *questionnaire.Questionnaire) ([]*Spec, error) {
	c := &yamlsrc.Collector{File: file}
	var f specFile
	doc := yamlsrc.Decode(c, data, &f)
	if doc == nil {
		return nil, c.Err()
	}
	if f.Format != SpecFormat {
		c.Add(yamlsrc.NodePos(yamlsrc.Fields(doc)["format"]), "", yamlsrc.ErrInvalid, "format is %q, want %q", f.Format, SpecFormat)
	}
	seen := map[string]bool{}
	for i, n := range yamlsrc.Seq(yamlsrc.Fields(doc)["tables"]) {
		if i >= len(f.Tables) || f.Tables[i] == nil {
			break
		}
		s := f.Tables[i]
		s.File = file
		s.Locate(n)
		yamlsrc.LocateEach(yamlsrc.Fields(n)["bins"], len(s.Bins), func(j int) *yamlsrc.Located { return &s.Bins[j].Located })
		resolve(c, q, s, seen)
	}
	if len(f.Tables) == 0 {
		c.Add(yamlsrc.NodePos(doc), "", yamlsrc.ErrMissing, "no tables")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return f.Tables, nil
}

func resolve(c *yamlsrc.Collector, q *questionnaire.Questionnaire, s *Spec, seen map[string]bool) {
	ctx := "table " + s.Key
	switch {
	case s.Key == "":
		c.Add(s.At, "", yamlsrc.ErrMissing, "table spec without key")
		return
	case !keyPattern.MatchString(s.Key):
		c.Add(s.KeyPos("key"), ctx, yamlsrc.ErrInvalid, "key %q is not a table key such as 2.8, 2.7/own, 2.9.a or S1", s.Key)
	case seen[s.Key]:
		c.Add(s.KeyPos("key"), ctx, yamlsrc.ErrDuplicate, "table %s has two specs", s.Key)
	}
	seen[s.Key] = true

	if s.Derive != nil {
		resolveDerived(c, q, s, ctx)
	} else {
		s.item = q.Item(s.Item)
		if s.item == nil {
			c.Add(s.KeyPos("item"), ctx, questionnaire.ErrUnknownRef, "item %q is not in the questionnaire", s.Item)
			return
		}
		resolveMatrix(c, s, ctx)
	}
	checkBase(c, s, ctx)
	checkBins(c, s, ctx)
	if len(s.Rows) == 0 {
		c.Add(s.At, ctx, yamlsrc.ErrMissing, "rows: list one code per printed row")
	}
	dup := map[string]bool{}
	for i, code := range s.Rows {
		if dup[code] {
			c.Add(s.KeyPos("rows"), ctx, yamlsrc.ErrDuplicate, "row %d: code %q is listed twice", i+1, code)
		}
		dup[code] = true
		cat, ok := lookup(q, s, code)
		if !ok {
			c.Add(s.KeyPos("rows"), ctx, questionnaire.ErrUnknownRef, "row %d: code %q is not %s", i+1, code, known(q, s))
			continue
		}
		s.Categories = append(s.Categories, cat)
	}
}

func resolveDerived(c *yamlsrc.Collector, q *questionnaire.Questionnaire, s *Spec, ctx string) {
	if s.Item != "" || s.Cell != "" || s.Row != "" || s.Value != "" {
		c.Add(s.KeyPos("derive"), ctx, yamlsrc.ErrInvalid, "a derived table takes no item, cell, row or value")
	}
	mb := s.Derive.MonthsBetween
	if len(mb) != 2 {
		c.Add(s.KeyPos("derive"), ctx, yamlsrc.ErrInvalid, "derive.months_between needs two year_month items, got %d", len(mb))
		return
	}
	for _, num := range mb {
		it := q.Item(num)
		if it == nil || it.Type != questionnaire.YearMonth {
			c.Add(s.KeyPos("derive"), ctx, questionnaire.ErrUnknownRef, "derive.months_between: %q is not a year_month item", num)
		}
	}
}

func resolveMatrix(c *yamlsrc.Collector, s *Spec, ctx string) {
	it := s.item
	if it.Type != questionnaire.Matrix {
		for _, k := range []string{"cell", "row", "value"} {
			if _, ok := s.Keys[k]; ok {
				c.Add(s.KeyPos(k), ctx, yamlsrc.ErrInvalid, "%s applies to matrix items only; item %s is %s", k, it.Number, it.Type)
			}
		}
		return
	}
	for i := range it.Cells {
		if it.Cells[i].ID == s.Cell {
			s.cell = &it.Cells[i]
		}
	}
	switch {
	case s.Cell == "":
		c.Add(s.At, ctx, yamlsrc.ErrMissing, "a table of matrix item %s needs cell", it.Number)
		return
	case s.cell == nil:
		c.Add(s.KeyPos("cell"), ctx, questionnaire.ErrUnknownRef, "item %s has no cell %q", it.Number, s.Cell)
		return
	}
	if (s.Row == "") == (s.Value == "") {
		c.Add(s.At, ctx, yamlsrc.ErrInvalid, "a matrix table gives either row (one row's answers) or value (one answer counted over rows)")
	}
	if s.Row != "" && !slices.ContainsFunc(it.Rows, func(r questionnaire.Row) bool { return r.Code == s.Row }) {
		c.Add(s.KeyPos("row"), ctx, questionnaire.ErrUnknownRef, "item %s has no row %q", it.Number, s.Row)
	}
	if s.Value != "" && !slices.ContainsFunc(s.cell.Choices(), func(o questionnaire.Option) bool { return o.Code == s.Value }) {
		c.Add(s.KeyPos("value"), ctx, questionnaire.ErrUnknownRef, "cell %s has no option %q", s.Cell, s.Value)
	}
}

// Relevance returns the relevance rule that decides who is asked what the
// table counts: the cell's rule for a matrix table, else the item's.
func (s *Spec) Relevance() *questionnaire.Relevance {
	if s.cell != nil {
		return s.cell.Relevance
	}
	if s.item != nil {
		return s.item.Relevance
	}
	return nil
}

func checkBase(c *yamlsrc.Collector, s *Spec, ctx string) {
	switch {
	case s.Base == BaseAll, s.Base == BaseAnswered:
	case s.Base == BaseAsked:
		if s.Relevance() == nil {
			c.Add(s.KeyPos("base"), ctx, yamlsrc.ErrInvalid, "base asked, but what the table counts has no relevance rule (everyone is asked): use all")
		}
	case strings.HasPrefix(s.Base, groupPrefix):
		g := strings.TrimPrefix(s.Base, groupPrefix)
		if s.item == nil || !slices.ContainsFunc(s.item.OptionGroups, func(og questionnaire.Group) bool { return og.Code == g }) {
			c.Add(s.KeyPos("base"), ctx, questionnaire.ErrUnknownRef, "base %s names an option group the item does not have", s.Base)
		}
	default:
		c.Add(s.KeyPos("base"), ctx, yamlsrc.ErrInvalid, "base %q is not one of all, asked, answered, group:<code>", s.Base)
	}
}

func checkBins(c *yamlsrc.Collector, s *Spec, ctx string) {
	months := s.item != nil && s.item.Type == questionnaire.YearMonth
	if len(s.Bins) > 0 && !months && s.Derive == nil {
		c.Add(s.KeyPos("bins"), ctx, yamlsrc.ErrInvalid, "table bins apply to year_month items and derived tables only")
	}
	seen := map[string]bool{}
	for i := range s.Bins {
		b := &s.Bins[i]
		if b.Code == "" || seen[b.Code] {
			c.Add(b.KeyPos("code"), ctx, yamlsrc.ErrDuplicate, "bin code %q is empty or used twice", b.Code)
		}
		seen[b.Code] = true
		if b.LabelJA == "" || b.LabelEN == "" {
			c.Add(b.At, ctx, yamlsrc.ErrMissing, "bin %s needs label_ja and label_en", b.Code)
		}
		if months {
			if b.Min != nil || b.Max != nil {
				c.Add(b.At, ctx, yamlsrc.ErrInvalid, "bin %s of a year_month item takes from/to (YYYY-MM), not min/max", b.Code)
			}
			for _, m := range []struct{ key, v string }{{"from", b.From}, {"to", b.To}} {
				if m.v == "" {
					continue
				}
				if _, err := time.Parse("2006-01", m.v); err != nil || !monthPattern.MatchString(m.v) {
					c.Add(b.KeyPos(m.key), ctx, yamlsrc.ErrInvalid, "bin %s: %s %q is not a month YYYY-MM", b.Code, m.key, m.v)
				}
			}
			if b.From == "" && b.To == "" {
				c.Add(b.At, ctx, yamlsrc.ErrMissing, "bin %s needs from or to", b.Code)
			}
		} else {
			if b.From != "" || b.To != "" {
				c.Add(b.At, ctx, yamlsrc.ErrInvalid, "bin %s of a derived number takes min/max, not from/to", b.Code)
			}
			if b.Min != nil && b.Max != nil && *b.Min > *b.Max {
				c.Add(b.At, ctx, yamlsrc.ErrInvalid, "bin %s: min %d > max %d", b.Code, *b.Min, *b.Max)
			}
		}
	}
}

// lookup resolves a row code: options, coded categories, item bins, table
// bins, matrix rows, missing codes, in that order.
func lookup(q *questionnaire.Questionnaire, s *Spec, code string) (Category, bool) {
	var opts []questionnaire.Option
	var coded []questionnaire.Coded
	switch {
	case s.cell != nil && s.Value == "":
		opts, coded = s.cell.Choices(), append(slices.Clone(s.cell.Coded), s.item.Coded...)
	case s.item != nil && s.item.Type != questionnaire.Matrix:
		opts, coded = s.item.Choices(), s.item.Coded
	case s.item != nil:
		coded = s.item.Coded
	}
	for _, o := range opts {
		if o.Code == code {
			return Category{Code: code, Kind: KindOption, LabelJA: o.LabelJA, LabelEN: o.LabelEN}, true
		}
	}
	for _, cd := range coded {
		if cd.Code == code {
			return Category{Code: code, Kind: KindCoded, LabelJA: cd.LabelJA, LabelEN: cd.LabelEN}, true
		}
	}
	if s.item != nil {
		for _, b := range s.item.Bins {
			if b.Code == code {
				return Category{Code: code, Kind: KindBin, LabelJA: b.LabelJA, LabelEN: b.LabelEN}, true
			}
		}
	}
	for _, b := range s.Bins {
		if b.Code == code {
			return Category{Code: code, Kind: KindBin, LabelJA: b.LabelJA, LabelEN: b.LabelEN, Inference: b.Inference}, true
		}
	}
	if s.Value != "" {
		for _, r := range s.item.Rows {
			if r.Code == code {
				return Category{Code: code, Kind: KindMatrixRow, LabelJA: r.LabelJA, LabelEN: r.LabelEN}, true
			}
		}
	}
	for _, m := range q.Missing {
		if m.Code == code {
			return Category{Code: code, Kind: KindMissing, LabelJA: m.LabelJA, LabelEN: m.LabelEN}, true
		}
	}
	return Category{}, false
}

// known describes what a row code may name, for error messages.
func known(q *questionnaire.Questionnaire, s *Spec) string {
	var codes []string
	add := func(c string) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	switch {
	case s.cell != nil && s.Value == "":
		for _, o := range s.cell.Choices() {
			add(o.Code)
		}
		for _, cd := range s.cell.Coded {
			add(cd.Code)
		}
	case s.item != nil && s.Value != "":
		for _, r := range s.item.Rows {
			add(r.Code)
		}
	case s.item != nil:
		for _, o := range s.item.Choices() {
			add(o.Code)
		}
	}
	if s.item != nil {
		for _, cd := range s.item.Coded {
			add(cd.Code)
		}
		for _, b := range s.item.Bins {
			add(b.Code)
		}
	}
	for _, b := range s.Bins {
		add(b.Code)
	}
	for _, m := range q.Missing {
		add(m.Code)
	}
	return "an option, coded category, bin, matrix row or missing code of this table (known: " + strings.Join(codes, ", ") + ")"
}
