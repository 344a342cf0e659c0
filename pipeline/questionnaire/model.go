// Package questionnaire models a survey questionnaire as data and loads it from
// the YAML files under schemas/<year>/.
//
// A questionnaire is a list of items (questions) in printed order. Choice items
// draw their options either from an inline list or from a named option set that
// several items share (the 5-level maturity scale, the department list, ...).
// Categories that appear only in the published tables (write-ins coded by the
// analysts, integer bins) are declared next to the item they belong to and are
// kept apart from the options a respondent could tick.
//
// Load validates a file completely and returns every problem it finds as an
// ErrorList of located errors; a questionnaire that fails validation is never
// returned. The format is documented in schemas/README.md.
package questionnaire

import (
	"strings"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Format is the value the top-level "format" key must have.
const Format = "csirt-survey/questionnaire/v1"

// Type is the kind of answer an item takes.
type Type string

// The item types a questionnaire may use.
const (
	Single    Type = "single"     // one option
	Multi     Type = "multi"      // any number of options
	Integer   Type = "integer"    // a whole number (member counts)
	YearMonth Type = "year_month" // yyyy年mm月
	Text      Type = "text"       // free text
	Matrix    Type = "matrix"     // the same cells asked about each row
)

// Types lists every known item type in documentation order.
var Types = []Type{Single, Multi, Integer, YearMonth, Text, Matrix}

// IsChoice reports whether answers of type t are option codes.
func (t Type) IsChoice() bool { return t == Single || t == Multi }

func (t Type) known() bool {
	for _, k := range Types {
		if t == k {
			return true
		}
	}
	return false
}

// located is embedded in every model element to remember where it was read.
type located struct{ yamlsrc.Located }

// Pos returns where the element starts in its file.
func (l located) Pos() Pos { return l.At }

// Questionnaire is one survey year's questionnaire.
type Questionnaire struct {
	// File is the path the questionnaire was loaded from.
	File string `yaml:"-"`

	Format     string                `yaml:"format"`
	Survey     Survey                `yaml:"survey"`
	Missing    []Option              `yaml:"missing"`
	OptionSets map[string]*OptionSet `yaml:"option_sets"`
	Sections   []Section             `yaml:"sections"`
	Items      []*Item               `yaml:"items"`
	// IdentifyingColumns names raw columns that identify a respondent
	// (organisation, contact person, ...); they are dropped at ingest.
	IdentifyingColumns []string `yaml:"identifying_columns"`

	// SetOrder lists the option set names in file order.
	SetOrder []string `yaml:"-"`

	byNumber  map[string]*Item
	byID      map[string]*Item
	byConcept map[string]*Item
	located   `yaml:"-"`
}

// Survey describes the survey edition.
type Survey struct {
	Year        int    `yaml:"year"`
	ID          string `yaml:"id"`
	TitleJA     string `yaml:"title_ja"`
	TitleEN     string `yaml:"title_en"`
	Publisher   string `yaml:"publisher"`
	Published   string `yaml:"published"`
	Fielded     string `yaml:"fielded"`
	Respondents int    `yaml:"respondents"`
	Source      string `yaml:"source"`
	located     `yaml:"-"`
}

// Option is one answer option of a choice item, an option set or a matrix cell,
// or a missing-answer code.
type Option struct {
	Code    string `yaml:"code"`
	LabelJA string `yaml:"label_ja"`
	LabelEN string `yaml:"label_en"`
	// Other marks an option that takes free text (その他自由記述).
	Other bool `yaml:"other"`
	// Exclusive marks an option of a multi item that excludes all others.
	Exclusive bool `yaml:"exclusive"`
	// SIM3Level is the SIM3 maturity level (0-4) the option stands for, if any.
	SIM3Level *int `yaml:"sim3_level"`
	// Coarse marks a SIM3 level read from a coarser scale than SIM3's own.
	Coarse bool `yaml:"coarse"`
	// Group is the code of the option group the option is printed under.
	Group   string `yaml:"group"`
	located `yaml:"-"`
}

// OptionSet is a named list of options shared by several items.
type OptionSet struct {
	Name    string   `yaml:"-"`
	LabelJA string   `yaml:"label_ja"`
	LabelEN string   `yaml:"label_en"`
	Ordered bool     `yaml:"ordered"`
	Scale   string   `yaml:"scale"`
	Options []Option `yaml:"options"`
	located `yaml:"-"`
}

// Section is a chapter heading of the questionnaire.
type Section struct {
	Number  string `yaml:"number"`
	TitleJA string `yaml:"title_ja"`
	TitleEN string `yaml:"title_en"`
	located `yaml:"-"`
}

// Relevance says who is asked an item: those whose answer to Item (or, inside
// a matrix, to Cell of the same row) is one of AnyOf.
type Relevance struct {
	Item    string   `yaml:"item"`
	Cell    string   `yaml:"cell"`
	AnyOf   []string `yaml:"any_of"`
	located `yaml:"-"`
}

// String renders the rule as it appears in the codebook, e.g. "2.4 in (a, b)".
func (r *Relevance) String() string {
	if r == nil {
		return ""
	}
	target := r.Item
	if r.Cell != "" {
		target = "cell " + r.Cell
	}
	return target + " in (" + strings.Join(r.AnyOf, ", ") + ")"
}

// Coded is a category that appears only in the published tables: a write-in
// answer the analysts coded into a new row, or a coarser coding of answers.
type Coded struct {
	Code    string `yaml:"code"`
	LabelJA string `yaml:"label_ja"`
	LabelEN string `yaml:"label_en"`
	Kind    string `yaml:"kind"`
	Note    string `yaml:"note"`
	located `yaml:"-"`
}

// CodedKinds lists the allowed values of Coded.Kind.
var CodedKinds = []string{"write_in", "sourcing", "other"}

// Bin is a range of an integer item that the published tables count together.
// Min and Max are inclusive; nil means open.
type Bin struct {
	Code    string `yaml:"code"`
	LabelJA string `yaml:"label_ja"`
	LabelEN string `yaml:"label_en"`
	Min     *int   `yaml:"min"`
	Max     *int   `yaml:"max"`
	located `yaml:"-"`
}

// Contains reports whether v falls in the bin.
func (b Bin) Contains(v int) bool {
	return (b.Min == nil || v >= *b.Min) && (b.Max == nil || v <= *b.Max)
}

// Group is a printed sub-heading that groups options or matrix rows.
type Group struct {
	Code    string `yaml:"code"`
	LabelJA string `yaml:"label_ja"`
	LabelEN string `yaml:"label_en"`
	located `yaml:"-"`
}

// Row is one row of a matrix item (one service of 2.9).
type Row struct {
	Code    string `yaml:"code"`
	Group   string `yaml:"group"`
	LabelJA string `yaml:"label_ja"`
	LabelEN string `yaml:"label_en"`
	// Other marks a row whose subject is written in by the respondent.
	Other   bool `yaml:"other"`
	located `yaml:"-"`
}

// Cell is one question asked about every row of a matrix.
type Cell struct {
	ID        string     `yaml:"id"`
	Type      Type       `yaml:"type"`
	TextJA    string     `yaml:"text_ja"`
	TextEN    string     `yaml:"text_en"`
	Options   []Option   `yaml:"options"`
	OptionSet string     `yaml:"option_set"`
	Relevance *Relevance `yaml:"relevance"`
	Coded     []Coded    `yaml:"coded"`

	set     *OptionSet
	located `yaml:"-"`
}

// Choices returns the cell's options, resolved from its option set if it uses one.
func (c *Cell) Choices() []Option { return choices(c.Options, c.set) }

// Ordered reports whether the cell's options form an ordered scale.
func (c *Cell) Ordered() bool { return c.set != nil && c.set.Ordered }

// Item is one question of the questionnaire.
type Item struct {
	ID string `yaml:"id"`
	// Concept matches the item across survey years (schemas/<year>/crosswalk.yaml):
	// items of two years with the same concept ask the same question. It
	// defaults to ID; after Load it is always set.
	Concept string `yaml:"concept"`
	Number  string `yaml:"number"`
	Type    Type   `yaml:"type"`
	// PrintedType is the type the printed questionnaire suggests, when the
	// published data shows respondents answered otherwise (1.1 is printed
	// without 複数回答可 but published as multi-answer).
	PrintedType  Type       `yaml:"printed_type"`
	TextJA       string     `yaml:"text_ja"`
	TextEN       string     `yaml:"text_en"`
	NoteJA       string     `yaml:"note_ja"`
	NoteEN       string     `yaml:"note_en"`
	Options      []Option   `yaml:"options"`
	OptionSet    string     `yaml:"option_set"`
	OptionGroups []Group    `yaml:"option_groups"`
	Relevance    *Relevance `yaml:"relevance"`
	UnitJA       string     `yaml:"unit_ja"`
	UnitEN       string     `yaml:"unit_en"`
	Min          *int       `yaml:"min"`
	Max          *int       `yaml:"max"`
	SIM3         string     `yaml:"sim3"`
	Coded        []Coded    `yaml:"coded"`
	Bins         []Bin      `yaml:"bins"`
	RowGroups    []Group    `yaml:"row_groups"`
	Rows         []Row      `yaml:"rows"`
	Cells        []Cell     `yaml:"cells"`

	set     *OptionSet
	located `yaml:"-"`
}

// Choices returns the item's options, resolved from its option set if it uses one.
func (it *Item) Choices() []Option { return choices(it.Options, it.set) }

// Ordered reports whether the item's options form an ordered scale.
func (it *Item) Ordered() bool { return it.set != nil && it.set.Ordered }

// Set returns the option set the item uses, or nil.
func (it *Item) Set() *OptionSet { return it.set }

// Section returns the number of the section the item belongs to ("2" for "2.14.1").
func (it *Item) Section() string {
	s, _, _ := strings.Cut(it.Number, ".")
	return s
}

func choices(inline []Option, set *OptionSet) []Option {
	if set != nil {
		return set.Options
	}
	return inline
}

// Item returns the item with the given printed number, or nil.
func (q *Questionnaire) Item(number string) *Item { return q.byNumber[number] }

// ItemByID returns the item with the given id, or nil.
func (q *Questionnaire) ItemByID(id string) *Item { return q.byID[id] }

// ItemByConcept returns the item with the given concept id, or nil.
func (q *Questionnaire) ItemByConcept(concept string) *Item { return q.byConcept[concept] }

// Sets returns the option sets in file order.
func (q *Questionnaire) Sets() []*OptionSet {
	out := make([]*OptionSet, 0, len(q.SetOrder))
	for _, name := range q.SetOrder {
		out = append(out, q.OptionSets[name])
	}
	return out
}
