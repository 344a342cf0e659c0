// Package survey reads a survey year's profile, schemas/<year>/survey.yaml:
// everything that is true of one edition of the survey and is not a question
// of its questionnaire. How and when it was fielded (paper or web, whether the
// routing of follow-ups was enforced), who was asked and how many answered,
// the sources its numbers come from (the report, or press articles that quote
// it), which inputs the year has (respondent rows, published tables, both),
// the order rules between items (a construction start not after its
// completion), the crosstabs its report shows, and the sentences the reports
// say about it.
//
// The questionnaire's own `survey` block names the edition (year, id, titles,
// publisher, publication and fielding dates, N); the profile describes the
// rest. Generic code reads both: no survey year lives in Go.
//
// Load validates a profile completely and returns every problem as a
// yamlsrc.ErrorList of located errors; Check validates the references a
// profile makes into its questionnaire (CheckItems) and table specs
// (CheckTables).
package survey

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Format is the value the top-level "format" key must have.
const Format = "csirt-survey/survey/v1"

// FileName is the profile's name under schemas/<year>/.
const FileName = "survey.yaml"

// ErrUnknownRef marks a reference to an item or table the year does not have.
var ErrUnknownRef = errors.New("unknown reference")

// Methods a survey can be fielded by.
var Methods = []string{"paper", "web", "interview", "mixed"}

// Routing says whether the survey instrument enforced its follow-up rules.
const (
	// RoutingEnforced: the instrument (a web form) asked a follow-up only of
	// the respondents its relevance rule selects.
	RoutingEnforced = "enforced"
	// RoutingAdvisory: the instrument (paper) only told respondents which
	// follow-ups to skip; nothing stopped an answer to a skipped one.
	RoutingAdvisory = "advisory"
)

// Provenance says how respondent rows were obtained. A profile's
// data.responses names the provenance of the rows under raw/<year>/ (or
// RowsNone), and every row of the responses dataset carries one in its
// provenance column. This is the only definition of the values.
type Provenance string

// Provenances of respondent rows.
const (
	Collected     Provenance = "collected"     // the answers as collected
	Reconstructed Provenance = "reconstructed" // generated from the published tables
	Synthetic     Provenance = "synthetic"     // drawn from published distributions
	// RowsNone is the data.responses of a year without respondent rows; no
	// row carries it.
	RowsNone Provenance = "none"
)

// Provenances are the provenances a row may carry, in the order of the
// responses dataset's provenance dictionary.
var Provenances = []Provenance{Collected, Reconstructed, Synthetic}

// Mix counts respondent rows by provenance.
type Mix map[Provenance]int64

// Kinds returns the provenances of the mix, sorted.
func (m Mix) Kinds() []Provenance {
	kinds := make([]Provenance, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Label names the mix as datasets derived from the rows state it: the one
// provenance ("reconstructed"), or "mixed: " and the count of each.
func (m Mix) Label() string {
	kinds := m.Kinds()
	if len(kinds) == 1 {
		return string(kinds[0])
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	if len(parts) == 0 {
		return ""
	}
	return "mixed: " + strings.Join(parts, ", ")
}

// Note says in words what the rows of the mix are, so that generated data
// says so wherever it lands; year locates a reconstruction's record.
func (m Mix) Note(year int) string {
	kinds := m.Kinds()
	if len(kinds) == 1 {
		switch kinds[0] {
		case Collected:
			return "Computed from the answers as collected."
		case Reconstructed:
			return fmt.Sprintf("Computed from RECONSTRUCTED respondent rows (raw/%d/RECONSTRUCTION.md): generated from the published tables so that they reproduce the printed counts; not the real answers of any organisation.", year)
		case Synthetic:
			return "Computed from SYNTHETIC respondent rows drawn from the published distributions; not real answers."
		}
	}
	return "Computed from respondent rows of mixed provenance (" + m.Label() + "); see the provenance column."
}

// ProvenanceCodes returns Provenances as strings.
func ProvenanceCodes() []string {
	out := make([]string, len(Provenances))
	for i, p := range Provenances {
		out[i] = string(p)
	}
	return out
}

// Extents of a year's published tables.
const (
	TablesFull    = "full"    // the report's tables, transcribed
	TablesPartial = "partial" // some tables or rows, as quoted by secondary sources
	TablesNone    = "none"    // no published tables
)

// Numbering says where a year's item numbers come from.
const (
	NumberingPrinted  = "printed"  // the numbers printed in the questionnaire
	NumberingAssigned = "assigned" // keys assigned by us; the printed numbers are not known
)

// Profile is one survey year's profile.
type Profile struct {
	Format string `yaml:"format"`
	Year   int    `yaml:"year"`

	OrganiserJA string `yaml:"organiser_ja"`
	OrganiserEN string `yaml:"organiser_en"`
	// PopulationJA/EN describe who was asked.
	PopulationJA string `yaml:"population_ja"`
	PopulationEN string `yaml:"population_en"`
	// Asked is the number of organisations asked, when a source gives it.
	Asked *int `yaml:"asked"`

	Fielding  Fielding  `yaml:"fielding"`
	Data      Data      `yaml:"data"`
	Numbering Numbering `yaml:"numbering"`
	Sources   []Source  `yaml:"sources"`

	// DateOrder lists year_month items that must not come after another.
	DateRules []DateRule `yaml:"date_order"`
	// Crosstabs lists the crosstabs the report shows, by table key.
	Crosstabs []Crosstab `yaml:"crosstabs"`

	// NotesJA/EN are what the reports say about the year's data beyond its
	// provenance (for example why respondent rows were never published).
	NotesJA string `yaml:"notes_ja"`
	NotesEN string `yaml:"notes_en"`

	// File is the path the profile was read from.
	File            string `yaml:"-"`
	yamlsrc.Located `yaml:"-"`
}

// Fielding describes how and when the questionnaire was answered.
type Fielding struct {
	Start         string `yaml:"start"` // YYYY-MM-DD
	End           string `yaml:"end"`   // YYYY-MM-DD, the same as start for one day
	Method        string `yaml:"method"`
	Routing       string `yaml:"routing"`
	DescriptionJA string `yaml:"description_ja"`
	DescriptionEN string `yaml:"description_en"`

	yamlsrc.Located `yaml:"-"`
}

// Data says which inputs the year has.
type Data struct {
	// Responses is the kind of rows raw/<year>/responses.csv|xlsx holds.
	Responses Provenance `yaml:"responses"`
	// Published is the extent of the published tables (schemas/<year>/tables.yaml
	// and raw/<year>/published/).
	Published string `yaml:"published"`

	yamlsrc.Located `yaml:"-"`
}

// Numbering says where the item numbers of the questionnaire come from.
type Numbering struct {
	Status string `yaml:"status"`
	NoteJA string `yaml:"note_ja"`
	NoteEN string `yaml:"note_en"`

	yamlsrc.Located `yaml:"-"`
}

// Source is a document the year's numbers are read from.
type Source struct {
	ID   string `yaml:"id"`
	Kind string `yaml:"kind"` // report, article, ...
	// Citation names the document as a reader would look it up.
	Citation string `yaml:"citation"`
	Date     string `yaml:"date"` // YYYY-MM-DD of publication
	URL      string `yaml:"url"`
	// Primary marks the survey's own report (at most one).
	Primary bool `yaml:"primary"`

	yamlsrc.Located `yaml:"-"`
}

// DateRule says that item Before's month is not after item After's.
type DateRule struct {
	Before string `yaml:"before"`
	After  string `yaml:"after"`

	yamlsrc.Located `yaml:"-"`
}

// Crosstab is a pair of published tables the report crosses.
type Crosstab struct {
	Rows string `yaml:"rows"`
	Cols string `yaml:"cols"`

	yamlsrc.Located `yaml:"-"`
}

// HasRows reports whether the year has respondent rows.
func (p *Profile) HasRows() bool { return p.Data.Responses != RowsNone }

// HasTables reports whether the year has published tables.
func (p *Profile) HasTables() bool { return p.Data.Published != TablesNone }

// Source returns the source with id, or nil.
func (p *Profile) Source(id string) *Source {
	for i := range p.Sources {
		if p.Sources[i].ID == id {
			return &p.Sources[i]
		}
	}
	return nil
}

// PrimarySource returns the survey's own report, or nil when the year has none.
func (p *Profile) PrimarySource() *Source {
	for i := range p.Sources {
		if p.Sources[i].Primary {
			return &p.Sources[i]
		}
	}
	return nil
}

// DateOrder returns the date rules as pairs of item numbers {before, after},
// the form ingest.Options.Order takes.
func (p *Profile) DateOrder() [][2]string {
	var out [][2]string
	for _, r := range p.DateRules {
		out = append(out, [2]string{r.Before, r.After})
	}
	return out
}

// LoadYear reads schemasDir/<year>/survey.yaml and checks that it is that
// year's profile.
func LoadYear(schemasDir string, year int) (*Profile, error) {
	p, err := Load(filepath.Join(schemasDir, strconv.Itoa(year), FileName))
	if err != nil {
		return nil, err
	}
	if p.Year != year {
		return nil, fmt.Errorf("survey: %s: year is %d but the file is under %d/", p.File, p.Year, year)
	}
	return p, nil
}

// Load reads and validates the profile at path.
func Load(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	return Parse(path, data)
}

var sourceID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Parse decodes and validates a profile read from file.
func Parse(file string, data []byte) (*Profile, error) {
	c := &yamlsrc.Collector{File: file}
	p := &Profile{File: file}
	doc, ok := yamlsrc.DecodeFormat(c, data, p, yamlsrc.Format{
		Keys: "format, year, fielding, data, sources, ...", Guide: "schemas/README.md (survey profile)", DuplicateKeys: true})
	if doc == nil || !ok {
		return nil, c.Err()
	}
	top := yamlsrc.Fields(doc)
	p.Locate(doc)
	p.Fielding.Locate(top["fielding"])
	p.Data.Locate(top["data"])
	p.Numbering.Locate(top["numbering"])
	yamlsrc.LocateEach(top["sources"], len(p.Sources), func(i int) *yamlsrc.Located { return &p.Sources[i].Located })
	yamlsrc.LocateEach(top["date_order"], len(p.DateRules), func(i int) *yamlsrc.Located { return &p.DateRules[i].Located })
	yamlsrc.LocateEach(top["crosstabs"], len(p.Crosstabs), func(i int) *yamlsrc.Located { return &p.Crosstabs[i].Located })
	p.validate(c)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Profile) validate(c *yamlsrc.Collector) {
	if p.Format != Format {
		c.Add(p.KeyPos("format"), "", yamlsrc.ErrInvalid, "format is %q, want %q", p.Format, Format)
	}
	if p.Year < 1990 || p.Year > 2100 {
		c.Add(p.KeyPos("year"), "", yamlsrc.ErrInvalid, "year %d is not a plausible survey year (1990-2100)", p.Year)
	}
	required := func(l yamlsrc.Located, ctx, key, val, what string) {
		if strings.TrimSpace(val) == "" {
			c.Add(l.KeyPos(key), ctx, yamlsrc.ErrMissing, "%s is required (%s)", key, what)
		}
	}
	oneOf := func(l yamlsrc.Located, ctx, key, val string, allowed []string) {
		if val == "" {
			c.Add(l.KeyPos(key), ctx, yamlsrc.ErrMissing, "%s is required (one of %s)", key, strings.Join(allowed, ", "))
		} else if !slices.Contains(allowed, val) {
			c.Add(l.KeyPos(key), ctx, yamlsrc.ErrInvalid, "%s is %q; allowed: %s", key, val, strings.Join(allowed, ", "))
		}
	}
	required(p.Located, "", "organiser_ja", p.OrganiserJA, "who ran the survey, in Japanese")
	required(p.Located, "", "organiser_en", p.OrganiserEN, "who ran the survey, in English")
	required(p.Located, "", "population_ja", p.PopulationJA, "who was asked, in Japanese")
	required(p.Located, "", "population_en", p.PopulationEN, "who was asked, in English")
	if p.Asked != nil && *p.Asked <= 0 {
		c.Add(p.KeyPos("asked"), "", yamlsrc.ErrInvalid, "asked must be a positive number of organisations, or left out when unknown")
	}

	f := &p.Fielding
	if _, ok := p.Keys["fielding"]; !ok {
		c.Add(p.At, "", yamlsrc.ErrMissing, "fielding is required (start, end, method, routing, description_ja, description_en)")
	} else {
		var start, end time.Time
		for _, d := range []struct {
			key string
			val string
			t   *time.Time
		}{{"start", f.Start, &start}, {"end", f.End, &end}} {
			t, err := time.Parse(time.DateOnly, d.val)
			if err != nil {
				c.Add(f.KeyPos(d.key), "fielding", yamlsrc.ErrInvalid, "%s %q must be a date YYYY-MM-DD", d.key, d.val)
			}
			*d.t = t
		}
		if !start.IsZero() && !end.IsZero() && end.Before(start) {
			c.Add(f.KeyPos("end"), "fielding", yamlsrc.ErrInvalid, "end %s is before start %s", f.End, f.Start)
		}
		oneOf(f.Located, "fielding", "method", f.Method, Methods)
		oneOf(f.Located, "fielding", "routing", f.Routing, []string{RoutingEnforced, RoutingAdvisory})
		required(f.Located, "fielding", "description_ja", f.DescriptionJA, "how the survey was fielded, in Japanese")
		required(f.Located, "fielding", "description_en", f.DescriptionEN, "how the survey was fielded, in English")
	}

	if _, ok := p.Keys["data"]; !ok {
		c.Add(p.At, "", yamlsrc.ErrMissing, "data is required (responses: %s; published: %s)",
			strings.Join(append(ProvenanceCodes(), string(RowsNone)), " | "),
			strings.Join([]string{TablesFull, TablesPartial, TablesNone}, " | "))
	} else {
		oneOf(p.Data.Located, "data", "responses", string(p.Data.Responses), append(ProvenanceCodes(), string(RowsNone)))
		oneOf(p.Data.Located, "data", "published", p.Data.Published, []string{TablesFull, TablesPartial, TablesNone})
	}

	if _, ok := p.Keys["numbering"]; ok {
		oneOf(p.Numbering.Located, "numbering", "status", p.Numbering.Status, []string{NumberingPrinted, NumberingAssigned})
		if p.Numbering.Status == NumberingAssigned {
			required(p.Numbering.Located, "numbering", "note_ja", p.Numbering.NoteJA, "how the numbers were assigned, in Japanese")
			required(p.Numbering.Located, "numbering", "note_en", p.Numbering.NoteEN, "how the numbers were assigned, in English")
		}
	} else {
		p.Numbering.Status = NumberingPrinted
	}

	if len(p.Sources) == 0 {
		c.Add(p.KeyPos("sources"), "", yamlsrc.ErrMissing, "sources is required: at least the document the year's numbers come from")
	}
	ids, primary := map[string]bool{}, 0
	for i := range p.Sources {
		s := &p.Sources[i]
		ctx := fmt.Sprintf("sources[%d]", i+1)
		if !sourceID.MatchString(s.ID) {
			c.Add(s.KeyPos("id"), ctx, yamlsrc.ErrInvalid, "id %q must be lower-case letters, digits, '.', '_' or '-'", s.ID)
		} else if ids[s.ID] {
			c.Add(s.KeyPos("id"), ctx, yamlsrc.ErrDuplicate, "source %s is listed twice", s.ID)
		}
		ids[s.ID] = true
		required(s.Located, ctx, "kind", s.Kind, "report, article, ...")
		required(s.Located, ctx, "citation", s.Citation, "author or publisher, title, date, as a reader would look it up")
		if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
			c.Add(s.KeyPos("date"), ctx, yamlsrc.ErrInvalid, "date %q must be a date YYYY-MM-DD", s.Date)
		}
		if s.Primary {
			primary++
			if primary > 1 {
				c.Add(s.KeyPos("primary"), ctx, yamlsrc.ErrDuplicate, "only one source can be the survey's own report (primary: true)")
			}
		}
	}
	for i, r := range p.DateRules {
		ctx := fmt.Sprintf("date_order[%d]", i+1)
		if r.Before == "" || r.After == "" {
			c.Add(r.At, ctx, yamlsrc.ErrMissing, "a date rule needs before and after (item numbers)")
		}
	}
	for i, x := range p.Crosstabs {
		ctx := fmt.Sprintf("crosstabs[%d]", i+1)
		if x.Rows == "" || x.Cols == "" {
			c.Add(x.At, ctx, yamlsrc.ErrMissing, "a crosstab needs rows and cols (table keys)")
		}
	}
}

// ItemType returns the type of the item with a printed number, and whether
// the questionnaire has it.
type ItemType func(number string) (typ string, ok bool)

// CheckItems validates the date rules against the year's questionnaire: they
// name year_month items it has. Every problem is reported.
func (p *Profile) CheckItems(item ItemType) error {
	c := &yamlsrc.Collector{File: p.File}
	for i, r := range p.DateRules {
		ctx := fmt.Sprintf("date_order[%d]", i+1)
		for _, ref := range []struct{ key, num string }{{"before", r.Before}, {"after", r.After}} {
			typ, ok := item(ref.num)
			switch {
			case !ok:
				c.Add(r.KeyPos(ref.key), ctx, ErrUnknownRef, "%s names item %q, which the questionnaire does not have", ref.key, ref.num)
			case typ != "year_month":
				c.Add(r.KeyPos(ref.key), ctx, yamlsrc.ErrInvalid, "%s names item %s of type %s; date rules apply to year_month items", ref.key, ref.num, typ)
			}
		}
	}
	return c.Err()
}

// CheckTables validates the crosstabs against the year's published-table
// specs: hasTable reports whether a table key exists (always false for a
// year without published tables).
func (p *Profile) CheckTables(hasTable func(key string) bool) error {
	c := &yamlsrc.Collector{File: p.File}
	for i, x := range p.Crosstabs {
		ctx := fmt.Sprintf("crosstabs[%d]", i+1)
		for _, ref := range []struct{ key, table string }{{"rows", x.Rows}, {"cols", x.Cols}} {
			if !hasTable(ref.table) {
				c.Add(x.KeyPos(ref.key), ctx, ErrUnknownRef, "%s names table %q, which the year's published-table specs do not have", ref.key, ref.table)
			}
		}
	}
	return c.Err()
}
