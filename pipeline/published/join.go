package published

import (
	"fmt"
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Fact is a count the report states in its prose, usable to infer a lost
// printed count (see package claims).
type Fact struct {
	Key    string // table key
	Row    int    // printed row number
	Value  int64
	Source string // e.g. `claim s1-lt6m (p. 109): "6 ヶ月未満で CSIRT を構築した 22 組織"`
	// SourceJA is Source in Japanese.
	SourceJA string
}

// Entry is one printed row of one published table, joined with its spec.
type Entry struct {
	TableKey string
	Source   string // id of the source (survey.yaml); the survey's own report when the transcription names none
	Page     int    // 0 when the source gives no page
	Partial  bool   // the source quotes only some rows of the table
	TitleJA  string
	TitleEN  string
	Item     string // questionnaire item, empty for derived tables
	Base     string
	Multi    bool // printed 複数回答あり
	N        Number
	// InferredN and NInference hold an N implied by other numbers when N was lost.
	InferredN    *int64
	NInference   string
	NInferenceJA string

	RowNo          int
	Code           string
	CodeKind       string
	LabelJA        string // the category's label (questionnaire, coded category or bin)
	LabelEN        string
	PrintedLabelJA string // the label as the seed prints it
	LabelLost      bool   // digits of the printed label were lost in the extraction
	LabelInference string // how a table bin's label was inferred
	Count          Number
	Inferred       *int64
	Inference      string
	InferenceJA    string // Inference in Japanese
	Note           string
}

// Set is the published tables of one year, joined with their specs.
type Set struct {
	Year    int
	Entries []Entry
	// Specs and Tables are in transcription order.
	Specs  []*Spec
	Tables []*Table

	tables map[string]*tableRef
	eqs    []equation
	vals   map[term]value
}

type tableRef struct {
	spec    *Spec
	table   *Table
	entries []int // indexes into Set.Entries, by row
}

// Join matches every transcribed table with its spec (both ways), builds the
// entries, and infers lost numbers from the report's other numbers and from
// facts. It fails, with the file and line of each problem, when a table has no
// spec or the row counts differ.
func Join(q *questionnaire.Questionnaire, specs []*Spec, tables []*Table, facts []Fact) (*Set, error) {
	var errs yamlsrc.ErrorList
	bySpec := map[string]*Spec{}
	for _, s := range specs {
		bySpec[s.Key] = s
	}
	set := &Set{Year: q.Survey.Year, tables: map[string]*tableRef{}}
	for _, t := range tables {
		s := bySpec[t.Key]
		if s == nil {
			errs = append(errs, &yamlsrc.Error{File: t.File, Line: t.At.Line, Column: t.At.Column, Context: "table " + t.Key,
				Kind: questionnaire.ErrUnknownRef, Msg: "no spec for this table key in the table specs (schemas/<year>/tables.yaml)"})
			continue
		}
		if len(s.Categories) != len(t.Rows) {
			errs = append(errs, &yamlsrc.Error{File: t.File, Line: t.At.Line, Column: t.At.Column, Context: "table " + t.Key,
				Kind: yamlsrc.ErrInvalid, Msg: fmt.Sprintf("%d rows are transcribed but the spec (line %d) lists %d row codes", len(t.Rows), s.At.Line, len(s.Categories))})
			continue
		}
		ref := &tableRef{spec: s, table: t}
		set.tables[t.Key] = ref
		set.Specs = append(set.Specs, s)
		set.Tables = append(set.Tables, t)
		titleEN := title(s)
		for i, r := range t.Rows {
			cat := s.Categories[i]
			ref.entries = append(ref.entries, len(set.Entries))
			set.Entries = append(set.Entries, Entry{
				TableKey: t.Key, Source: t.Source, Page: t.Page, Partial: t.Partial, TitleJA: t.TitleJA, TitleEN: titleEN, Item: s.Item, Base: s.Base,
				Multi: t.Multi, N: t.N, RowNo: r.No, Code: cat.Code, CodeKind: cat.Kind,
				LabelJA: cat.LabelJA, LabelEN: cat.LabelEN, PrintedLabelJA: r.LabelJA, LabelLost: r.LabelLost,
				LabelInference: cat.Inference, Count: r.Count, Note: r.Note,
			})
		}
	}
	for _, s := range specs {
		if set.tables[s.Key] == nil && !hasKey(tables, s.Key) {
			errs = append(errs, &yamlsrc.Error{File: s.File, Line: s.At.Line, Column: s.At.Column, Context: "table " + s.Key,
				Kind: questionnaire.ErrUnknownRef, Msg: "spec without a transcribed table in raw/<year>/published/"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	set.infer(facts)
	return set, nil
}

func hasKey(tables []*Table, key string) bool {
	for _, t := range tables {
		if t.Key == key {
			return true
		}
	}
	return false
}

// title gives a table's English title from what it reports.
func title(s *Spec) string {
	switch {
	case s.TitleEN != "":
		return s.TitleEN
	case s.Derive != nil:
		return "Months from " + strings.Join(s.Derive.MonthsBetween, " to ")
	case s.cell != nil && s.Row != "":
		for _, r := range s.item.Rows {
			if r.Code == s.Row {
				return s.item.TextEN + ": " + r.LabelEN + " (" + s.cell.TextEN + ")"
			}
		}
	case s.cell != nil && s.Value != "":
		return s.item.TextEN + " (" + s.cell.TextEN + ": " + s.Value + ")"
	case strings.HasPrefix(s.Base, groupPrefix):
		g := strings.TrimPrefix(s.Base, groupPrefix)
		for _, og := range s.item.OptionGroups {
			if og.Code == g {
				return s.item.TextEN + " [" + og.LabelEN + "]"
			}
		}
	}
	if s.item != nil {
		return s.item.TextEN
	}
	return s.Key
}

// Count returns a printed row's count (row numbers start at 1). known is
// false when the count was lost; value then holds an inferred count if
// inferred is true. ok is false when there is no such table or row.
func (s *Set) Count(key string, row int) (value int64, known, inferred, ok bool) {
	ref := s.tables[key]
	if ref == nil || row < 1 || row > len(ref.entries) {
		return 0, false, false, false
	}
	e := s.Entries[ref.entries[row-1]]
	switch {
	case !e.Count.Lost:
		return e.Count.Value, true, false, true
	case e.Inferred != nil:
		return *e.Inferred, false, true, true
	}
	return 0, false, false, true
}

// Shape returns a table's number of rows and whether it is single-answer
// and complete (not multi-answer, not a partial listing), so that its rows
// add up to its N. ok is false when there is no such table.
func (s *Set) Shape(key string) (rows int, single bool, ok bool) {
	ref := s.tables[key]
	if ref == nil {
		return 0, false, false
	}
	return len(ref.entries), !ref.table.Multi && !ref.table.Partial, true
}

// N returns a table's printed N; known is false when it was lost.
func (s *Set) N(key string) (n int64, known bool, ok bool) {
	ref := s.tables[key]
	if ref == nil {
		return 0, false, false
	}
	if ref.table.N.Lost {
		return 0, false, true
	}
	return ref.table.N.Value, true, true
}

// Spec returns the spec of a table key, or nil.
func (s *Set) Spec(key string) *Spec {
	if ref := s.tables[key]; ref != nil {
		return ref.spec
	}
	return nil
}

// ItemSpecs returns the specs of the tables reporting item number (derived
// tables left out), in transcription order.
func (s *Set) ItemSpecs(number string) []*Spec {
	var out []*Spec
	for _, sp := range s.Specs {
		if sp.Derive == nil && sp.Item == number {
			out = append(out, sp)
		}
	}
	return out
}

// TableEntries returns the entries of one table in row order.
func (s *Set) TableEntries(key string) []Entry {
	ref := s.tables[key]
	if ref == nil {
		return nil
	}
	out := make([]Entry, len(ref.entries))
	for i, idx := range ref.entries {
		out[i] = s.Entries[idx]
	}
	return out
}
