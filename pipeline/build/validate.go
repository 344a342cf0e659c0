package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/interviews"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// ErrUnknownInput marks a file Validate cannot tell the kind of.
var ErrUnknownInput = errors.New("unknown kind of input file")

// Checked is what Validate found of one file.
type Checked struct {
	Path string
	Kind string // questionnaire, survey profile, crosswalk, table specs, ...
	What string // a short summary of a valid file ("52 items, survey jpcert-csirt-2015")
	Err  error  // nil when the file is valid
}

// Validate checks every hand-written input a path names: a file, a year's
// directory (schemas/<year>/ or raw/<year>/, with raw/<year>/published/) or
// a root holding years. The kind of each YAML file is read from its format
// key (mapping.yaml by name); files that need another one to be checked
// (table specs need the questionnaire, a crosswalk the previous year's
// questionnaire) find it where the build would. A file of no known kind is
// reported as such, never skipped silently. Cancelling ctx stops at the next
// file (or batch of raw responses); the files not checked are not listed.
func Validate(ctx context.Context, paths []string) []Checked {
	var out []Checked
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		files, err := inputFiles(p)
		if err != nil {
			out = append(out, Checked{Path: p, Err: err})
			continue
		}
		for _, f := range files {
			if ctx.Err() != nil {
				break
			}
			out = append(out, validateFile(ctx, f))
		}
	}
	return out
}

// inputFiles expands a path into the YAML input files under it, in name order.
func inputFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Documentation (README.md, NOTES.md, ...) is for people, not an input.
		if !d.IsDir() && !strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})
	slices.Sort(files)
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("%s holds no input file", p)
	}
	return files, err
}

// formatOf reads the top-level format key of a YAML file ("" when absent).
func formatOf(data []byte) string {
	var top struct {
		Format string `yaml:"format"`
	}
	_ = yaml.Unmarshal(data, &top)
	return top.Format
}

func validateFile(ctx context.Context, path string) Checked {
	c := Checked{Path: path}
	if slices.Contains(ResponseFiles, filepath.Base(path)) {
		return validateResponses(ctx, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		c.Err = err
		return c
	}
	dir := filepath.Dir(path)
	sibling := func(name string) (*questionnaire.Questionnaire, error) {
		q, err := questionnaire.Load(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("needs the year's %s next to it, which does not load: %w", name, err)
		}
		return q, nil
	}
	switch f := formatOf(data); {
	case f == questionnaire.Format:
		c.Kind = "questionnaire"
		var q *questionnaire.Questionnaire
		if q, c.Err = questionnaire.Parse(path, data); c.Err == nil {
			c.What = fmt.Sprintf("%d items, survey %s", len(q.Items), q.Survey.ID)
		}
	case f == survey.Format:
		c.Kind = "survey profile"
		var p *survey.Profile
		if p, c.Err = survey.Parse(path, data); c.Err == nil {
			c.What = fmt.Sprintf("year %d, %s, responses %s, published tables %s", p.Year, p.Fielding.Method, p.Data.Responses, p.Data.Published)
			if q, err := sibling(QuestionnaireFile); err == nil {
				c.Err = p.CheckItems(func(n string) (string, bool) {
					if it := q.Item(n); it != nil {
						return string(it.Type), true
					}
					return "", false
				})
			}
		}
	case f == crosswalk.Format:
		c.Kind = "crosswalk"
		var cw *crosswalk.Crosswalk
		if cw, c.Err = crosswalk.Load(path); c.Err != nil {
			break
		}
		cur, err := sibling(QuestionnaireFile)
		if err != nil {
			c.Err = err
			break
		}
		prevPath := filepath.Join(filepath.Dir(dir), strconv.Itoa(cw.From), QuestionnaireFile)
		prev, err := questionnaire.Load(prevPath)
		if err != nil {
			c.Err = fmt.Errorf("needs %s (from: %d), which does not load: %w", prevPath, cw.From, err)
			break
		}
		if c.Err = crosswalk.Check(prev, cur, cw); c.Err == nil {
			c.What = fmt.Sprintf("from %d, every difference recorded", cw.From)
		}
	case f == published.SpecFormat:
		c.Kind = "table specs"
		q, err := sibling(QuestionnaireFile)
		if err != nil {
			c.Err = err
			break
		}
		var specs []*published.Spec
		if specs, c.Err = published.LoadSpecs(path, q); c.Err == nil {
			c.What = fmt.Sprintf("%d tables", len(specs))
		}
	case f == published.TranscriptionFormat:
		c.Kind = "published tables"
		var tables []*published.Table
		if tables, c.Err = published.ParseTranscription(path, data); c.Err == nil {
			c.What = fmt.Sprintf("%d tables", len(tables))
		}
	case f == claims.Format:
		c.Kind = "claims"
		// read by the quantifier table of the schemas/ beside raw/
		schemas := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(path))), "schemas")
		qs, err := claims.LoadQuantifiersIn(schemas)
		if err != nil {
			c.Err = err
			break
		}
		var cs []claims.Claim
		if cs, c.Err = claims.Load(path, qs); c.Err == nil {
			c.What = fmt.Sprintf("%d claims", len(cs))
		}
	case f == claims.QuantifiersFormat:
		c.Kind = "quantifier table"
		var qs *claims.Quantifiers
		if qs, c.Err = claims.LoadQuantifiers(path); c.Err == nil {
			c.What = fmt.Sprintf("%d quantifiers", len(qs.Entries))
		}
	case f == interviews.Format:
		c.Kind = "interviews"
		var ivs []interviews.Interview
		if ivs, c.Err = interviews.Load(path); c.Err == nil {
			c.What = fmt.Sprintf("%d interviews", len(ivs))
		}
	case f == "" && filepath.Base(path) == "mapping.yaml":
		c.Kind = "responses mapping"
		if _, c.Err = ingest.LoadMapping(path); c.Err == nil {
			c.What = "columns and values mapped onto the responses contract"
		}
	case !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml"):
		c.Err = fmt.Errorf("%s: %w: not YAML and not %s", path, ErrUnknownInput, strings.Join(ResponseFiles, " or "))
	default:
		c.Err = fmt.Errorf("%s: format %q: %w (known: %s, %s, %s, %s, %s, %s, %s, and mapping.yaml by name)", path, f, ErrUnknownInput,
			questionnaire.Format, survey.Format, crosswalk.Format, published.SpecFormat, published.TranscriptionFormat, claims.Format, interviews.Format)
	}
	return c
}

// validateResponses reads raw/<year>/responses.csv|xlsx against the year's
// questionnaire and profile (schemas/<year>/ beside raw/), with its
// mapping.yaml when there is one, as the build would, without writing
// anything.
func validateResponses(ctx context.Context, path string) Checked {
	c := Checked{Path: path, Kind: "responses"}
	dir := filepath.Dir(path)
	year, err := strconv.Atoi(filepath.Base(dir))
	if err != nil {
		c.Err = fmt.Errorf("%s: respondent rows live in raw/<year>/, not %s", path, dir)
		return c
	}
	schemas := filepath.Join(filepath.Dir(filepath.Dir(dir)), "schemas")
	q, err := questionnaire.Load(filepath.Join(schemas, strconv.Itoa(year), QuestionnaireFile))
	if err != nil {
		c.Err = fmt.Errorf("%s: needs the year's questionnaire under %s, which does not load: %w", path, schemas, err)
		return c
	}
	opt := ingest.Options{Year: year}
	if p, err := survey.LoadYear(schemas, year); err == nil {
		opt.Order = p.DateOrder()
	}
	if mp := filepath.Join(dir, "mapping.yaml"); fileExists(mp) {
		if opt.Mapping, err = ingest.LoadMapping(mp); err != nil {
			c.Err = err
			return c
		}
	}
	rep, err := ingest.Read(ctx, q, path, opt, func(rec arrow.Record) error { return nil })
	switch {
	case err != nil:
		c.Err = err
	case rep.Err() != nil:
		var lines []string
		for _, is := range rep.Issues {
			if is.Severity == "error" {
				lines = append(lines, fmt.Sprintf("%s:%d: %s: %s", is.File, is.Row, is.Code, is.Message))
			}
		}
		c.Err = fmt.Errorf("%s\n%w", strings.Join(lines, "\n"), rep.Err())
	default:
		c.What = fmt.Sprintf("%d rows, %d accepted, %d issues", rep.Rows, rep.Accepted, len(rep.Issues))
	}
	return c
}
