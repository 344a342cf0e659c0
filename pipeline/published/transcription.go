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

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// TranscriptionFormat is the value of the "format" key of a transcription file.
const TranscriptionFormat = "csirt-survey/published/v1"

// Number is a printed number that the extraction may have lost.
type Number struct {
	Value int64
	Lost  bool
}

// UnmarshalYAML accepts a non-negative integer or the word "lost".
func (c *Number) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "lost" {
		*c = Number{Lost: true}
		return nil
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q must be a non-negative integer or lost", n.Line, n.Value)}}
	}
	*c = Number{Value: v}
	return nil
}

// Table is one printed table.
type Table struct {
	Key     string `yaml:"key"`
	Page    int    `yaml:"page"`
	TitleJA string `yaml:"title_ja"`
	Multi   bool   `yaml:"multi"`
	N       Number `yaml:"n"`
	Rows    []Row  `yaml:"rows"`
	Note    string `yaml:"note"`

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
	Note     string `yaml:"note"`

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
		if i >= len(f.Tables) || f.Tables[i] == nil {
			break
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
	if t.Page <= 0 {
		c.Add(t.KeyPos("page"), ctx, yamlsrc.ErrMissing, "page is required (the page number printed in the seed)")
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
			c.Add(r.At, ctx, yamlsrc.ErrMissing, "row %d: count is required (a number, or lost)", i+1)
		}
		if r.Adjacent != nil && (!r.Count.Lost || *r.Adjacent < 0) {
			c.Add(r.KeyPos("adjacent"), ctx, yamlsrc.ErrInvalid, "row %d: adjacent is for a lost count only, and must not be negative", i+1)
		}
	}
}

// ParseTranscriptionFile reads and checks one transcription file.
func ParseTranscriptionFile(path string) ([]*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	return ParseTranscription(path, data)
}
