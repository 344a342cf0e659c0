// Package crosswalk records how one survey year's questionnaire differs from
// the previous year's, checks that every difference is recorded, and follows
// items and option codes back across years for trends.
//
// Items are matched across years by their concept id (questionnaire key
// concept, defaulting to the item's id): two items with the same concept ask
// the same question. The file schemas/<year>/crosswalk.yaml lists what changed
// since the year named by from:
//
//	format: csirt-survey/crosswalk/v1
//	from: 2015
//	note: optional free text
//	renamed_items:                    # same question, new concept id
//	  - {from: web_page, to: public_web_page}
//	added_items: [threat_intel_platform]   # concepts new in this year
//	removed_items: [skill_measurement]     # concepts of the previous year no longer asked
//	unknown_items: all_others         # or a list: previous concepts this year's sources do not show
//	binned_items:                     # an integer item published in ranges, asked as a choice among them now
//	  - {from: current_members, to: current_members_range,
//	     bins: [{from: lt5, to: a}, {from: 5to9, to: b}]}
//	options:                          # option (or matrix row) changes of one item
//	  - concept: constituency         # the item's concept in this year
//	    renamed: [{from: c, to: coordinator}]   # from == to: same code, new wording
//	    merged:  [{from: [a, b], to: ab}]
//	    split:   [{from: a, to: [a1, a2]}]
//	    added:   [f]
//	    removed: [e]
//	    unknown: [g]                  # or all_others: options this year's sources do not show
//
// Load reads a file strictly (unknown keys, duplicates and malformed entries
// are located errors, yamlsrc.ErrorList). Check compares two questionnaires
// and reports every difference the crosswalk does not explain, each with the
// entry to add. Crosswalk.ToPrevious, Crosswalk.PreviousConcept and Chain
// translate a later year's concept and code into the earlier years' for
// trends. The format is documented for people in schemas/README.md.
package crosswalk

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Format is the value the top-level "format" key must have.
const Format = "csirt-survey/crosswalk/v1"

// FileName is the name of a year's crosswalk under schemas/<year>/.
const FileName = "crosswalk.yaml"

// Kinds of problems, besides yamlsrc's (ErrSyntax, ErrUnknownKey, ErrMissing,
// ErrDuplicate, ErrInvalid); test with errors.Is.
var (
	// ErrUnexplained marks a difference between the two questionnaires that
	// the crosswalk does not record.
	ErrUnexplained = errors.New("unexplained difference")
	// ErrNoCrosswalk marks a year whose questionnaire differs from the
	// previous year's but that has no crosswalk file.
	ErrNoCrosswalk = errors.New("no crosswalk")
	// ErrUnknownRef marks a crosswalk entry naming a concept or code that the
	// questionnaire it refers to does not have.
	ErrUnknownRef = errors.New("unknown reference")
)

var (
	conceptPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	codePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)
)

type located struct{ yamlsrc.Located }

// Crosswalk is one year's schemas/<year>/crosswalk.yaml.
type Crosswalk struct {
	// File is the path the crosswalk was loaded from.
	File string `yaml:"-"`

	Format string `yaml:"format"`
	// From is the previous survey year, the one this year is compared with.
	From         int          `yaml:"from"`
	Note         string       `yaml:"note"`
	RenamedItems []ItemRename `yaml:"renamed_items"`
	AddedItems   []string     `yaml:"added_items"`
	RemovedItems []string     `yaml:"removed_items"`
	// UnknownItems lists the previous year's concepts that this year's
	// sources do not show (a year known only in part, from published
	// tables): neither asked nor removed, they are unknown in this year and
	// never compared. all_others names every previous concept the other
	// lists do not.
	UnknownItems Unknown         `yaml:"unknown_items"`
	BinnedItems  []BinnedItem    `yaml:"binned_items"`
	Options      []OptionChanges `yaml:"options"`

	addedAt, removedAt []yamlsrc.Pos
	located            `yaml:"-"`
}

// ItemRename records that the item with concept From in the previous year
// has concept To in this year (the same question under a new concept id).
type ItemRename struct {
	From    string `yaml:"from"`
	To      string `yaml:"to"`
	Note    string `yaml:"note"`
	located `yaml:"-"`
}

// Unknown names what of the previous year this year's sources do not show:
// a list of names, or (AllOthers) everything no other entry names. In YAML
// it is a list, or the word all_others.
type Unknown struct {
	AllOthers bool
	Names     []string
	at        []yamlsrc.Pos
}

// AllOthersWord is the YAML value of an Unknown that names everything not
// named elsewhere.
const AllOthersWord = "all_others"

// UnmarshalYAML accepts the word all_others or a list of names.
func (u *Unknown) UnmarshalYAML(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.ScalarNode && n.Value == AllOthersWord:
		*u = Unknown{AllOthers: true}
		return nil
	case n.Kind == yaml.SequenceNode:
		var names []string
		if err := n.Decode(&names); err != nil {
			return err
		}
		*u = Unknown{Names: names, at: scalarPositions(n)}
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q must be %s or a list of names", n.Line, n.Value, AllOthersWord)}}
}

// Has reports whether name is named, or covered by all_others.
func (u Unknown) Has(name string) bool { return u.AllOthers || slices.Contains(u.Names, name) }

// BinnedItem records that the previous year's integer item From, published
// in ranges (its bins), is asked in this year as the choice item To among
// the same ranges: the two are compared at the level of the ranges. Bins
// maps each bin code of From to the option code of To that is the same
// range.
type BinnedItem struct {
	From    string       `yaml:"from"`
	To      string       `yaml:"to"`
	Bins    []CodeRename `yaml:"bins"`
	Note    string       `yaml:"note"`
	located `yaml:"-"`
}

// OptionChanges records how the options (or, for a matrix, the rows) of one
// item changed. Concept is the item's concept in this year.
type OptionChanges struct {
	Concept string       `yaml:"concept"`
	Renamed []CodeRename `yaml:"renamed"`
	Merged  []Merge      `yaml:"merged"`
	Split   []Split      `yaml:"split"`
	Added   []string     `yaml:"added"`
	Removed []string     `yaml:"removed"`
	// Unknown lists the previous year's codes this year's sources do not
	// show (all_others: every code not named otherwise).
	Unknown Unknown `yaml:"unknown"`
	Note    string  `yaml:"note"`

	addedAt, removedAt []yamlsrc.Pos
	located            `yaml:"-"`
}

// CodeRename: the previous year's code From is this year's code To (the same
// answer; From == To records a changed wording of an unchanged code).
type CodeRename struct {
	From    string `yaml:"from"`
	To      string `yaml:"to"`
	located `yaml:"-"`
}

// Merge: the previous year's codes From are answered as the one code To.
type Merge struct {
	From    []string `yaml:"from"`
	To      string   `yaml:"to"`
	located `yaml:"-"`
}

// Split: the previous year's code From is divided into the codes To.
type Split struct {
	From    string   `yaml:"from"`
	To      []string `yaml:"to"`
	located `yaml:"-"`
}

// entryName names an options entry in messages: options[concept: constituency].
func entryName(concept string) string { return "options[concept: " + concept + "]" }

// Load reads and validates the crosswalk at path. On any problem it returns
// nil and an ErrorList naming file and line of every problem.
func Load(path string) (*Crosswalk, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("crosswalk: %w", err)
	}
	return Parse(path, data)
}

// LoadOptional is Load for a file that may be absent: it returns nil, nil
// when path does not exist (a year whose questionnaire is unchanged needs no
// crosswalk).
func LoadOptional(path string) (*Crosswalk, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return Load(path)
}

// Parse decodes and validates a crosswalk held in memory; file names the
// source in error messages.
func Parse(file string, data []byte) (*Crosswalk, error) {
	c := &yamlsrc.Collector{File: file}
	cw := &Crosswalk{}
	doc := yamlsrc.Decode(c, data, cw)
	if doc != nil {
		cw.File = file
		attach(cw, doc)
		validate(c, cw)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return cw, nil
}

func scalarPositions(n *yaml.Node) []yamlsrc.Pos {
	var out []yamlsrc.Pos
	for _, e := range yamlsrc.Seq(n) {
		out = append(out, yamlsrc.NodePos(e))
	}
	return out
}

func attach(cw *Crosswalk, doc *yaml.Node) {
	cw.Locate(doc)
	top := yamlsrc.Fields(doc)
	cw.addedAt = scalarPositions(top["added_items"])
	cw.removedAt = scalarPositions(top["removed_items"])
	yamlsrc.LocateEach(top["renamed_items"], len(cw.RenamedItems), func(i int) *yamlsrc.Located { return &cw.RenamedItems[i].Located })
	for i, n := range yamlsrc.Seq(top["binned_items"]) {
		if i >= len(cw.BinnedItems) {
			break
		}
		b := &cw.BinnedItems[i]
		b.Locate(n)
		yamlsrc.LocateEach(yamlsrc.Fields(n)["bins"], len(b.Bins), func(j int) *yamlsrc.Located { return &b.Bins[j].Located })
	}
	for i, n := range yamlsrc.Seq(top["options"]) {
		if i >= len(cw.Options) {
			break
		}
		o := &cw.Options[i]
		o.Locate(n)
		f := yamlsrc.Fields(n)
		o.addedAt = scalarPositions(f["added"])
		o.removedAt = scalarPositions(f["removed"])
		yamlsrc.LocateEach(f["renamed"], len(o.Renamed), func(j int) *yamlsrc.Located { return &o.Renamed[j].Located })
		yamlsrc.LocateEach(f["merged"], len(o.Merged), func(j int) *yamlsrc.Located { return &o.Merged[j].Located })
		yamlsrc.LocateEach(f["split"], len(o.Split), func(j int) *yamlsrc.Located { return &o.Split[j].Located })
	}
}

func cmpPos(a, b yamlsrc.Pos) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Column - b.Column
}

// posAt returns ps[i], or fallback when the list is shorter.
func posAt(ps []yamlsrc.Pos, i int, fallback yamlsrc.Pos) yamlsrc.Pos {
	if i < len(ps) {
		return ps[i]
	}
	return fallback
}

// side remembers which entry first named a concept or code on one side (the
// previous year's or this year's) of the crosswalk, and where.
type side map[string]claim

type claim struct {
	where string
	pos   yamlsrc.Pos
}

func (s side) claim(c *yamlsrc.Collector, p yamlsrc.Pos, ctx, name, where string) {
	if first, dup := s[name]; dup {
		c.Add(p, ctx, yamlsrc.ErrDuplicate, "%s: %s is already named by %s; each may be named once", where, name, first.where)
		return
	}
	s[name] = claim{where, p}
}

func validate(c *yamlsrc.Collector, cw *Crosswalk) {
	if cw.Format != Format {
		c.Add(cw.KeyPos("format"), "", yamlsrc.ErrInvalid, "format is %q, want %q", cw.Format, Format)
	}
	switch _, given := cw.Keys["from"]; {
	case !given:
		c.Add(cw.At, "", yamlsrc.ErrMissing, "from is required: the previous survey year this questionnaire is compared with")
	case cw.From < 1990 || cw.From > 2100:
		c.Add(cw.KeyPos("from"), "", yamlsrc.ErrInvalid, "from %d is not a plausible survey year (1990-2100)", cw.From)
	}

	concept := func(p yamlsrc.Pos, where, name string) bool {
		switch {
		case name == "":
			c.Add(p, "", yamlsrc.ErrMissing, "%s: a concept id is required", where)
		case !conceptPattern.MatchString(name):
			c.Add(p, "", yamlsrc.ErrInvalid, "%s: concept %q must be snake_case (a-z, 0-9, _) starting with a letter", where, name)
		default:
			return true
		}
		return false
	}
	// Concepts of the previous year (renamed from, removed) and of this year
	// (renamed to, added): each named once, and never on both sides.
	old, cur := side{}, side{}
	for i := range cw.RenamedItems {
		r := &cw.RenamedItems[i]
		where := fmt.Sprintf("renamed_items[%d]", i)
		okFrom := concept(r.KeyPos("from"), where+".from", r.From)
		okTo := concept(r.KeyPos("to"), where+".to", r.To)
		if okFrom && okTo && r.From == r.To {
			c.Add(r.At, "", yamlsrc.ErrInvalid, "%s renames %s to itself; an item whose concept did not change needs no entry", where, r.From)
		}
		if okFrom {
			old.claim(c, r.KeyPos("from"), "", r.From, where+".from")
		}
		if okTo {
			cur.claim(c, r.KeyPos("to"), "", r.To, where+".to")
		}
	}
	for i, name := range cw.AddedItems {
		where := fmt.Sprintf("added_items[%d]", i)
		if p := posAt(cw.addedAt, i, cw.KeyPos("added_items")); concept(p, where, name) {
			cur.claim(c, p, "", name, where)
		}
	}
	for i, name := range cw.RemovedItems {
		where := fmt.Sprintf("removed_items[%d]", i)
		if p := posAt(cw.removedAt, i, cw.KeyPos("removed_items")); concept(p, where, name) {
			old.claim(c, p, "", name, where)
		}
	}
	for i, name := range cw.UnknownItems.Names {
		where := fmt.Sprintf("unknown_items[%d]", i)
		if p := posAt(cw.UnknownItems.at, i, cw.KeyPos("unknown_items")); concept(p, where, name) {
			old.claim(c, p, "", name, where)
		}
	}
	for i := range cw.BinnedItems {
		b := &cw.BinnedItems[i]
		where := fmt.Sprintf("binned_items[%d]", i)
		if concept(b.KeyPos("from"), where+".from", b.From) {
			old.claim(c, b.KeyPos("from"), "", b.From, where+".from")
		}
		if concept(b.KeyPos("to"), where+".to", b.To) {
			cur.claim(c, b.KeyPos("to"), "", b.To, where+".to")
		}
		if len(b.Bins) == 0 {
			c.Add(b.At, where, yamlsrc.ErrMissing, "bins is required: one {from: <bin code of %s>, to: <option code of %s>} per range", b.From, b.To)
		}
		bold, bcur := side{}, side{}
		for j := range b.Bins {
			r := &b.Bins[j]
			at := fmt.Sprintf("bins[%d]", j)
			for _, v := range [][2]string{{"from", r.From}, {"to", r.To}} {
				switch {
				case v[1] == "":
					c.Add(r.KeyPos(v[0]), where, yamlsrc.ErrMissing, "%s.%s: a code is required", at, v[0])
				case !codePattern.MatchString(v[1]):
					c.Add(r.KeyPos(v[0]), where, yamlsrc.ErrInvalid, "%s.%s: code %q: use letters, digits and _ only", at, v[0], v[1])
				case v[0] == "from":
					bold.claim(c, r.KeyPos("from"), where, v[1], at+".from")
				default:
					bcur.claim(c, r.KeyPos("to"), where, v[1], at+".to")
				}
			}
		}
	}
	names := slices.Sorted(maps.Keys(cur))
	slices.SortStableFunc(names, func(a, b string) int { return cmpPos(cur[a].pos, cur[b].pos) })
	for _, name := range names {
		if first, both := old[name]; both {
			c.Add(cur[name].pos, "", yamlsrc.ErrInvalid, "concept %s is named by %s (a previous year's concept) and by %s (this year's): a concept means one question in every year; give the changed question a new concept id",
				name, first.where, cur[name].where)
		}
	}

	entries := map[string]int{}
	for i := range cw.Options {
		validateOptions(c, &cw.Options[i], i, entries, concept)
	}
}

func validateOptions(c *yamlsrc.Collector, o *OptionChanges, i int, entries map[string]int, concept func(yamlsrc.Pos, string, string) bool) {
	where := fmt.Sprintf("options[%d]", i)
	if concept(o.KeyPos("concept"), where+".concept", o.Concept) {
		if first, dup := entries[o.Concept]; dup {
			c.Add(o.KeyPos("concept"), "", yamlsrc.ErrDuplicate, "%s: concept %s already has an entry (options[%d]); put all its changes in one entry", where, o.Concept, first)
		} else {
			entries[o.Concept] = i
		}
		where = entryName(o.Concept)
	}
	if len(o.Renamed)+len(o.Merged)+len(o.Split)+len(o.Added)+len(o.Removed)+len(o.Unknown.Names) == 0 && !o.Unknown.AllOthers {
		c.Add(o.At, where, yamlsrc.ErrMissing, "the entry lists no change (renamed, merged, split, added, removed or unknown); remove it")
	}
	code := func(p yamlsrc.Pos, at, v string) bool {
		switch {
		case v == "":
			c.Add(p, where, yamlsrc.ErrMissing, "%s: a code is required", at)
		case !codePattern.MatchString(v):
			c.Add(p, where, yamlsrc.ErrInvalid, "%s: code %q: use letters, digits and _ only", at, v)
		default:
			return true
		}
		return false
	}
	// Each previous-year code is the from of one entry at most, each of this
	// year's codes the to of one entry at most.
	old, cur := side{}, side{}
	for j := range o.Renamed {
		r := &o.Renamed[j]
		at := fmt.Sprintf("renamed[%d]", j)
		if code(r.KeyPos("from"), at+".from", r.From) {
			old.claim(c, r.KeyPos("from"), where, r.From, at+".from")
		}
		if code(r.KeyPos("to"), at+".to", r.To) {
			cur.claim(c, r.KeyPos("to"), where, r.To, at+".to")
		}
	}
	for j := range o.Merged {
		m := &o.Merged[j]
		at := fmt.Sprintf("merged[%d]", j)
		if len(m.From) < 2 {
			c.Add(m.KeyPos("from"), where, yamlsrc.ErrInvalid, "%s: a merge needs at least two codes in from (one code is a rename: use renamed)", at)
		}
		for _, f := range m.From {
			if code(m.KeyPos("from"), at+".from", f) {
				old.claim(c, m.KeyPos("from"), where, f, at+".from")
			}
		}
		if code(m.KeyPos("to"), at+".to", m.To) {
			cur.claim(c, m.KeyPos("to"), where, m.To, at+".to")
		}
	}
	for j := range o.Split {
		s := &o.Split[j]
		at := fmt.Sprintf("split[%d]", j)
		if code(s.KeyPos("from"), at+".from", s.From) {
			old.claim(c, s.KeyPos("from"), where, s.From, at+".from")
		}
		if len(s.To) < 2 {
			c.Add(s.KeyPos("to"), where, yamlsrc.ErrInvalid, "%s: a split needs at least two codes in to (one code is a rename: use renamed)", at)
		}
		for _, t := range s.To {
			if code(s.KeyPos("to"), at+".to", t) {
				cur.claim(c, s.KeyPos("to"), where, t, at+".to")
			}
		}
	}
	for j, v := range o.Added {
		at := fmt.Sprintf("added[%d]", j)
		if p := posAt(o.addedAt, j, o.KeyPos("added")); code(p, at, v) {
			cur.claim(c, p, where, v, at)
		}
	}
	for j, v := range o.Removed {
		at := fmt.Sprintf("removed[%d]", j)
		if p := posAt(o.removedAt, j, o.KeyPos("removed")); code(p, at, v) {
			old.claim(c, p, where, v, at)
		}
	}
	for j, v := range o.Unknown.Names {
		at := fmt.Sprintf("unknown[%d]", j)
		if p := posAt(o.Unknown.at, j, o.KeyPos("unknown")); code(p, at, v) {
			old.claim(c, p, where, v, at)
		}
	}
}

// Template returns the crosswalk the scaffold command writes for a new year
// compared with year from: no changes, with comments explaining each list.
func Template(from int) []byte {
	return []byte(strings.ReplaceAll(`# How this year's questionnaire differs from FROM's (schemas/FROM/questionnaire.yaml).
# Format: schemas/README.md, section "Adding a year: concepts and crosswalk".
#
# Items are matched across years by their concept (the item's concept: key, or its id when it has none).
# The build compares the two questionnaires and fails on every difference not recorded here, saying which
# entry to add. Leave a list empty ([]) when nothing of that kind changed.
format: `+Format+`
from: FROM            # the previous survey year, the one this year is compared with

# Same question, new concept id: {from: <FROM concept>, to: <this year's concept>}.
renamed_items: []

# Concepts of questions asked for the first time this year.
added_items: []

# Concepts of FROM's questions that are no longer asked.
removed_items: []

# Concepts of FROM's questions that this year's sources do not show (a year known only from a few
# published tables): unknown, neither asked nor removed, never compared. A list, or all_others.
unknown_items: []

# An integer item of FROM published in ranges (bins) that is now a choice among the same ranges:
#   - {from: <FROM concept>, to: <this year's concept>, bins: [{from: <bin code>, to: <option code>}, ...]}
binned_items: []

# Changes of the options (matrix: rows) of an item that is in both years, one entry per item:
#   - concept: <this year's concept of the item>
#     renamed: [{from: c, to: c2}]        # same answer, new code; {from: c, to: c} = same code, new wording (label_ja)
#     merged: [{from: [a, b], to: ab}]    # several FROM codes answered as one code now
#     split: [{from: a, to: [a1, a2]}]    # one FROM code divided into several codes now
#     added: [f]                          # new answers
#     removed: [e]                        # answers no longer offered
#     unknown: [g]                        # answers this year's sources do not show (or all_others)
options: []
`, "FROM", fmt.Sprint(from)))
}
