// Package published turns the report's printed frequency tables into data:
// it loads the transcription (raw/<year>/published/*.yaml), the table specs
// (schemas/<year>/tables.yaml) that say what each printed row counts, joins
// them with the questionnaire, infers lost counts where other printed numbers
// or the report's prose imply them, and audits the report's internal
// consistency.
//
// A lost number is never filled in as printed: it keeps count_status "lost"
// and a null count; an implied value goes to inferred_count with the rule that
// gives it.
package published

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// TranscriptionFormat is the value of the "format" key of a transcription file.
const TranscriptionFormat = "csirt-survey/published/v1"

// Number is a number of a published table as its source gives it: a value,
// or unknown. Lost reports that the value is unknown; NotReported says why:
// the source does not quote it (a press article that quotes some rows of a
// table), where Lost alone means that the source printed it but the text
// extraction lost it.
type Number struct {
	Value       int64
	Lost        bool
	NotReported bool
}

// Status values of a published number (count_status, n_status).
const (
	StatusPrinted     = "printed"      // the source prints it
	StatusLost        = "lost"         // printed, but lost in the text extraction
	StatusNotReported = "not_reported" // the source does not quote it
)

// Status is the number's status: printed, lost or not_reported.
func (c Number) Status() string {
	switch {
	case c.NotReported:
		return StatusNotReported
	case c.Lost:
		return StatusLost
	}
	return StatusPrinted
}

// UnmarshalYAML accepts a non-negative integer, "lost" or "not_reported".
func (c *Number) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case StatusLost:
			*c = Number{Lost: true}
			return nil
		case StatusNotReported:
			*c = Number{Lost: true, NotReported: true}
			return nil
		}
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q must be a non-negative integer, lost or not_reported", n.Line, n.Value)}}
	}
	*c = Number{Value: v}
	return nil
}

// Table is one printed table.
type Table struct {
	Key string `yaml:"key"`
	// Source is the id of the document the table is read from (a source of
	// the year's profile); empty for the survey's own report.
	Source string `yaml:"source"`
	// Page is the page of the source the table is printed on (0: none given;
	// required when the source is the survey's own report).
	Page    int    `yaml:"page"`
	TitleJA string `yaml:"title_ja"`
	// Partial marks a table of which the source quotes only some rows: the
	// rows listed are all that is known, the others are not reported.
	Partial bool   `yaml:"partial"`
	Multi   bool   `yaml:"multi"`
	N       Number `yaml:"n"`
	Rows    []Row  `yaml:"rows"`
	Note    string `yaml:"note"`
	// NoteJA is Note in Japanese (for the Japanese edition).
	NoteJA string `yaml:"note_ja"`

	// File is the transcription file the table was read from.
	File            string `yaml:"-"`
	yamlsrc.Located `yaml:"-"`
}

// Row is one printed row of a table.
type Row struct {
	No        int    `yaml:"no"`
	LabelJA   string `yaml:"label_ja"`
	LabelLost bool   `yaml:"label_lost"`
	Count     Number `yaml:"count"`
	// Adjacent is a printed number that stands where this row's lost count
	// would be, but whose attribution the extraction leaves uncertain. It is
	// never used as the count; it becomes an inferred count (lowest priority).
	Adjacent *int64 `yaml:"adjacent"`
	// ReadFromOriginal says where a person read Count in the original
	// document ("p. 18, printed PDF") when the text extraction lost it: the
	// count is then printed, and the note says where it was read.
	ReadFromOriginal string `yaml:"read_from_original"`
	Note             string `yaml:"note"`

	yamlsrc.Located `yaml:"-"`
}

type transcriptionFile struct {
	Format string   `yaml:"format"`
	Tables []*Table `yaml:"tables"`
}

// LoadTranscription reads every *.yaml file of dir (in name order) and returns
// the tables in file order. Every problem in every file is reported, with file
// and line, as one error.
func LoadTranscription(dir string) ([]*Table, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("published: no transcription (*.yaml) in %s", dir)
	}
	slices.Sort(paths)
	var all []*Table
	var errs yamlsrc.ErrorList
	keys := map[string]*Table{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("published: %w", err)
		}
		tables, err := ParseTranscription(p, data)
		if list, ok := err.(yamlsrc.ErrorList); ok {
			errs = append(errs, list...)
		} else if err != nil {
			return nil, err
		}
		for _, t := range tables {
			if first := keys[t.Key]; first != nil {
				errs = append(errs, &yamlsrc.Error{File: p, Line: t.KeyPos("key").Line, Column: t.KeyPos("key").Column,
					Context: "table " + t.Key, Kind: yamlsrc.ErrDuplicate,
					Msg: fmt.Sprintf("table %s is already transcribed at %s:%d", t.Key, first.File, first.At.Line)})
				continue
			}
			keys[t.Key] = t
			all = append(all, t)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return all, nil
}

// ParseTranscription decodes and checks one transcription file.
func ParseTranscription(file string, data []byte) ([]*Table, error) {
	c := &yamlsrc.Collector{File: file}
	var f transcriptionFile
	doc := yamlsrc.Decode(c, data, &f)
	if doc == nil {
		return nil, c.Err()
	}
	if f.Format != TranscriptionFormat {
		c.Add(yamlsrc.NodePos(yamlsrc.Fields(doc)["format"]), "", yamlsrc.ErrInvalid, "format is %q, want %q", f.Format, TranscriptionFormat)
	}
	if len(f.Tables) == 0 {
		c.Add(yamlsrc.NodePos(doc), "", yamlsrc.ErrMissing, "no tables")
	}
	seen := map[string]bool{}
	for i, n := range yamlsrc.Seq(yamlsrc.Fields(doc)["tables"]) {
		if i >= len(f.Tables) {
			break
		}
		if f.Tables[i] == nil {
			c.Add(yamlsrc.NodePos(n), "", yamlsrc.ErrMissing, "table %d is empty (a list entry without key, title, n and rows)", i+1)
			continue
		}
		t := f.Tables[i]
		t.File = file
		t.Locate(n)
		yamlsrc.LocateEach(yamlsrc.Fields(n)["rows"], len(t.Rows), func(j int) *yamlsrc.Located { return &t.Rows[j].Located })
		checkTable(c, t, seen)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return f.Tables, nil
}

func checkTable(c *yamlsrc.Collector, t *Table, seen map[string]bool) {
	ctx := "table " + t.Key
	switch {
	case t.Key == "":
		c.Add(t.At, "", yamlsrc.ErrMissing, "table without key")
		ctx = fmt.Sprintf("table at line %d", t.At.Line)
	case !keyPattern.MatchString(t.Key):
		c.Add(t.KeyPos("key"), ctx, yamlsrc.ErrInvalid, "key %q is not a table key such as 2.8, 2.7/own, 2.9.a or S1", t.Key)
	case seen[t.Key]:
		c.Add(t.KeyPos("key"), ctx, yamlsrc.ErrDuplicate, "table %s is transcribed twice", t.Key)
	}
	seen[t.Key] = true
	if _, ok := t.Keys["page"]; ok && t.Page <= 0 {
		c.Add(t.KeyPos("page"), ctx, yamlsrc.ErrInvalid, "page %d must be a positive page number", t.Page)
	} else if t.Page == 0 && t.Source == "" {
		c.Add(t.At, ctx, yamlsrc.ErrMissing, "page is required (the page number printed in the report), or a source (the id of a source in the year's survey.yaml) that the table is quoted from")
	}
	if strings.TrimSpace(t.TitleJA) == "" {
		c.Add(t.KeyPos("title_ja"), ctx, yamlsrc.ErrMissing, "title_ja is required")
	}
	if _, ok := t.Keys["n"]; !ok {
		c.Add(t.At, ctx, yamlsrc.ErrMissing, "n is required (the printed N, or lost)")
	}
	if _, ok := t.Keys["multi"]; !ok {
		c.Add(t.At, ctx, yamlsrc.ErrMissing, "multi is required (true for 複数回答あり, false for 複数回答なし)")
	}
	if len(t.Rows) == 0 {
		c.Add(t.At, ctx, yamlsrc.ErrMissing, "no rows")
	}
	for i, r := range t.Rows {
		if r.No != i+1 {
			c.Add(r.KeyPos("no"), ctx, yamlsrc.ErrInvalid, "row %d has no %d; printed rows are numbered 1, 2, ... in order", i+1, r.No)
		}
		if strings.TrimSpace(r.LabelJA) == "" {
			c.Add(r.KeyPos("label_ja"), ctx, yamlsrc.ErrMissing, "row %d: label_ja is required", i+1)
		}
		if _, ok := r.Keys["count"]; !ok {
			c.Add(r.At, ctx, yamlsrc.ErrMissing, "row %d: count is required (a number, lost or not_reported)", i+1)
		}
		if _, ok := r.Keys["read_from_original"]; ok {
			switch {
			case strings.TrimSpace(r.ReadFromOriginal) == "":
				c.Add(r.KeyPos("read_from_original"), ctx, yamlsrc.ErrMissing, "row %d: read_from_original must say where the count was read (\"p. 18, printed PDF\")", i+1)
			case r.Count.Lost:
				c.Add(r.KeyPos("read_from_original"), ctx, yamlsrc.ErrInvalid, "row %d: read_from_original needs the number read (count: 12), not %s", i+1, r.Count.Status())
			default:
				what := fmt.Sprintf("count read from the original (%s); the text extraction lost it", strings.TrimSpace(r.ReadFromOriginal))
				if t.Rows[i].Note != "" {
					what = t.Rows[i].Note + "; " + what
				}
				t.Rows[i].Note = what
			}
		}
		if r.Adjacent != nil && (r.Count.Status() != StatusLost || *r.Adjacent < 0) {
			c.Add(r.KeyPos("adjacent"), ctx, yamlsrc.ErrInvalid, "row %d: adjacent is for a lost count only, and must not be negative", i+1)
		}
	}
}

// Cite names where a table is printed: "p. 18", or its source and page.
func (t *Table) Cite() string {
	switch {
	case t.Source == "":
		return fmt.Sprintf("p. %d", t.Page)
	case t.Page > 0:
		return fmt.Sprintf("%s p. %d", t.Source, t.Page)
	}
	return t.Source
}

// pages lists the table's page for an audit finding (none when the source
// gives no page).
func (t *Table) pages() []int {
	if t.Page <= 0 {
		return nil
	}
	return []int{t.Page}
}

// citeJA is Cite as the Japanese messages write it ("p.18").
func (t *Table) citeJA() string {
	if t.Source == "" {
		return fmt.Sprintf("p.%d", t.Page)
	}
	return t.Cite()
}

// CheckSources reports every table whose source is not one of the year's
// sources (known reports whether a source id exists).
func CheckSources(tables []*Table, known func(id string) bool) error {
	var errs yamlsrc.ErrorList
	for _, t := range tables {
		if t.Source != "" && !known(t.Source) {
			p := t.KeyPos("source")
			errs = append(errs, &yamlsrc.Error{File: t.File, Line: p.Line, Column: p.Column, Context: "table " + t.Key,
				Kind: questionnaire.ErrUnknownRef, Msg: fmt.Sprintf("source %q is not a source of the year's survey.yaml", t.Source)})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// ParseTranscriptionFile reads and checks one transcription file.
func ParseTranscriptionFile(path string) ([]*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	return ParseTranscription(path, data)
}
