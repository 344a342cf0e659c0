package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

func newScaffoldCmd() *cobra.Command {
	var from, year int
	var schemas, raw string
	cmd := &cobra.Command{
		Use:   "scaffold --from YEAR --year YEAR",
		Short: "Start a new survey year from an earlier one (questionnaire, empty crosswalk, raw/<year>/)",
		Long: `scaffold starts a new survey year from an earlier one:

  schemas/<year>/questionnaire.yaml  a copy of schemas/<from>/questionnaire.yaml with survey.year and
                                     survey.id set to the new year, to be edited into the new questionnaire
  schemas/<year>/crosswalk.yaml      an empty crosswalk (from: <from>) whose comments explain each list
  raw/<year>/README.md               what to put under raw/<year>/
  schemas/<year>/survey.yaml         the year's profile to fill in: fielding, sources, which inputs it has

It never overwrites: when any of these files exists, nothing is written. Then edit the questionnaire,
record every difference from <from> in the crosswalk, and run the build: it names each difference that
is not recorded (schemas/README.md, "Adding a year: concepts and crosswalk").`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == 0 || year == 0 {
				return &usageError{errors.New("scaffold: give --from (an existing survey year) and --year (the new one)")}
			}
			if year <= from || year > 2100 {
				return &usageError{fmt.Errorf("scaffold: --year %d must be after --from %d (and not after 2100)", year, from)}
			}
			files, err := scaffoldFiles(schemas, raw, from, year)
			if err != nil {
				return err
			}
			var exist []string
			for _, f := range files {
				if _, err := os.Lstat(f.path); err == nil {
					exist = append(exist, f.path)
				} else if !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("scaffold: %w", err)
				}
			}
			if len(exist) > 0 {
				return fmt.Errorf("scaffold: refusing to overwrite %s; nothing was written (remove them, or choose another --year)",
					strings.Join(exist, ", "))
			}
			for _, f := range files {
				if err := writeNew(f.path, f.data); err != nil {
					return fmt.Errorf("scaffold: %w", err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "  wrote %s\n", f.path)
			}
			y := strconv.Itoa(year)
			fmt.Fprintf(cmd.OutOrStdout(), `scaffolded survey year %d from %d. Next:
  1. edit %s: survey titles, published, fielded, respondents, source; then the items
     (keep the id, or set concept:, of every item that asks the same question as in %d)
  2. record every difference from %d in %s
  3. fill in %s: fielding, sources and the inputs the year has (data)
  4. put the responses (and a mapping.yaml if their columns differ) under %s, or the published tables
     (schemas/%d/tables.yaml and %s/published/*.yaml), or both
  5. csirtsurvey validate %s, then build: it names every difference the crosswalk does not record
`, year, from, files[0].path, from, from, files[1].path, files[3].path, filepath.Join(raw, y), year, filepath.Join(raw, y), filepath.Join(schemas, y))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&from, "from", 0, "the existing survey year to start from (schemas/<from>/questionnaire.yaml)")
	f.IntVar(&year, "year", 0, "the new survey year")
	f.StringVar(&schemas, "schemas", "schemas", "directory holding <year>/questionnaire.yaml")
	f.StringVar(&raw, "raw", "raw", "directory holding <year>/ raw inputs")
	return cmd
}

type scaffoldFile struct {
	path string
	data []byte
}

// scaffoldFiles prepares the new year's files: the questionnaire first, the
// crosswalk second, the raw README third.
func scaffoldFiles(schemas, raw string, from, year int) ([]scaffoldFile, error) {
	f, y := strconv.Itoa(from), strconv.Itoa(year)
	src := filepath.Join(schemas, f, build.QuestionnaireFile)
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	q, err := questionnaire.Parse(src, data)
	if err != nil {
		return nil, build.InvalidInput(fmt.Sprintf("scaffold: %s must be valid to start from it", src), err)
	}
	if q.Survey.Year != from {
		return nil, fmt.Errorf("scaffold: %s: survey.year is %d, not %d: %w", src, q.Survey.Year, from, build.ErrInvalidInput)
	}
	// Name the source the same way wherever the command runs from.
	srcName := filepath.ToSlash(filepath.Join(filepath.Base(schemas), f, build.QuestionnaireFile))
	out, err := retargetQuestionnaire(data, q, from, year)
	if err != nil {
		return nil, fmt.Errorf("scaffold: %s: %w", src, err)
	}
	header := fmt.Sprintf(`# Scaffolded by "csirtsurvey scaffold --from %d --year %d" from %s.
# To do: update survey.title_ja, title_en, published, fielded, respondents and source; edit the items into the
# %d questionnaire, keeping the id (or setting concept:) of every item that asks the same question as in %d;
# record every difference from %d in crosswalk.yaml next to this file. Remove these lines when done.
`, from, year, srcName, year, from, from)
	out = append([]byte(header), out...)
	dst := filepath.Join(schemas, y, build.QuestionnaireFile)
	// The copy keeps the earlier edition's titles, which the loader refuses
	// until they are edited; check that everything else loads.
	if err := checkCopy(dst, out, year); err != nil {
		return nil, fmt.Errorf("scaffold: the copy of %s does not load as a %d questionnaire: %w", src, year, err)
	}
	prof, err := survey.LoadYear(schemas, from)
	if err != nil {
		return nil, build.InvalidInput("scaffold", err)
	}
	return []scaffoldFile{
		{dst, out},
		{filepath.Join(schemas, y, crosswalk.FileName), crosswalk.Template(from)},
		{filepath.Join(raw, y, "README.md"), rawReadme(from, year)},
		{filepath.Join(schemas, y, survey.FileName), profileTemplate(prof, year)},
	}, nil
}

// profileTemplate is the new year's survey.yaml: who ran the survey and whom
// it asked are copied from the year it starts from; what only the new year
// can say (when and how it was fielded, its sources, which inputs it has) is
// left empty, so that the build names each until it is filled in.
func profileTemplate(p *survey.Profile, year int) []byte {
	q := func(s string) string { return strconv.Quote(s) }
	var b strings.Builder
	fmt.Fprintf(&b, `# Profile of the %d edition (format: schemas/README.md, "The survey profile"). Scaffolded from %d:
# organiser and population are copied; fill in the rest. The build refuses the year until this file is complete
# and names the inputs the year has (data).
format: %s
year: %d

organiser_ja: %s
organiser_en: %s
population_ja: %s
population_en: %s

fielding:
  start: ""          # YYYY-MM-DD
  end: ""            # YYYY-MM-DD (the same as start for one day)
  method: ""         # paper | web | interview | mixed
  routing: ""        # enforced (a web form asks a follow-up only when its rule selects it) | advisory (paper)
  description_ja: ""
  description_en: ""

data:
  responses: none    # collected | reconstructed | synthetic | none: what raw/%d/responses.csv holds
  published: none    # full | partial | none: schemas/%d/tables.yaml with raw/%d/published/*.yaml

sources: []          # the report (primary: true) and any article that quotes it: {id, kind, citation, date}
`, year, p.Year, survey.Format, year, q(p.OrganiserJA), q(p.OrganiserEN), q(p.PopulationJA), q(p.PopulationEN), year, year, year)
	if len(p.DateRules) > 0 {
		fmt.Fprintf(&b, "\n# Copied from %d: check that these items exist, with these numbers, in the new questionnaire.\ndate_order:\n", p.Year)
		for _, r := range p.DateRules {
			fmt.Fprintf(&b, "  - {before: %s, after: %s}\n", q(r.Before), q(r.After))
		}
	}
	return []byte(b.String())
}

// checkCopy loads the scaffolded questionnaire, accepting only the errors
// that its titles (copied from the earlier year) name another year.
func checkCopy(path string, data []byte, year int) error {
	nq, err := questionnaire.Parse(path, data)
	var list yamlsrc.ErrorList
	if errors.As(err, &list) {
		list = slices.DeleteFunc(list, func(e *yamlsrc.Error) bool {
			return strings.HasPrefix(e.Msg, "survey.title_") && strings.Contains(e.Msg, "but survey.year is")
		})
		if len(list) == 0 {
			return nil
		}
		return list
	}
	if err != nil {
		return err
	}
	if nq.Survey.Year != year {
		return fmt.Errorf("survey.year is %d", nq.Survey.Year)
	}
	return nil
}

// retargetQuestionnaire rewrites the values of survey.year and survey.id in
// the questionnaire's text, leaving every other byte (comments, layout) as
// it is. The id's year is replaced (jpcert-csirt-2015 -> jpcert-csirt-2016);
// an id without the year gets "-<year>" appended.
func retargetQuestionnaire(data []byte, q *questionnaire.Questionnaire, from, year int) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil, fmt.Errorf("cannot read the YAML: %w", err)
	}
	survey := yamlsrc.Fields(yamlsrc.Fields(root.Content[0])["survey"])
	yearNode, idNode := survey["year"], survey["id"]
	if yearNode == nil || idNode == nil {
		return nil, errors.New("survey.year and survey.id are required")
	}
	f, y := strconv.Itoa(from), strconv.Itoa(year)
	newID := q.Survey.ID + "-" + y
	if strings.Contains(q.Survey.ID, f) {
		newID = strings.ReplaceAll(q.Survey.ID, f, y)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for _, r := range []struct {
		n   *yaml.Node
		val string
	}{{yearNode, y}, {idNode, newID}} {
		if err := replaceScalar(lines, r.n, r.val); err != nil {
			return nil, err
		}
	}
	return []byte(strings.Join(lines, "")), nil
}

// replaceScalar replaces the scalar written at n's position with val, keeping
// its quotes.
func replaceScalar(lines []string, n *yaml.Node, val string) error {
	if n.Kind != yaml.ScalarNode || n.Line < 1 || n.Line > len(lines) || n.Column < 1 {
		return fmt.Errorf("line %d: survey value is not a plain scalar", n.Line)
	}
	line := []rune(lines[n.Line-1])
	start := n.Column - 1 // yaml columns count characters
	if start >= len(line) {
		return fmt.Errorf("line %d: cannot find the value %q", n.Line, n.Value)
	}
	rest := string(line[start:])
	var token, repl string
	switch q := rest[0]; {
	case q == '"' || q == '\'':
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return fmt.Errorf("line %d: cannot find the end of %q", n.Line, n.Value)
		}
		token, repl = rest[:end+2], string(q)+val+string(q)
	default:
		token = strings.TrimRight(rest, "\r\n")
		for _, stop := range []string{" #", ",", "}"} {
			if i := strings.Index(token, stop); i >= 0 {
				token = token[:i]
			}
		}
		token = strings.TrimRight(token, " \t")
		repl = val
	}
	if strings.Trim(token, `"'`) != n.Value {
		return fmt.Errorf("line %d: the value %q is not written plainly (%q); edit it by hand", n.Line, n.Value, token)
	}
	lines[n.Line-1] = string(line[:start]) + repl + rest[len(token):]
	return nil
}

func rawReadme(from, year int) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(`# Raw inputs of the YEAR survey

Put here what was received for the YEAR survey, as received; the pipeline reads these files and never writes
here. The formats are in raw/README.md.

| file | what |
|---|---|
| responses.csv or responses.xlsx | one row per responding organisation, following the responses contract of raw/README.md |
| mapping.yaml | only when the file uses other column names or value labels: maps them onto the contract (edit the mapping, not the received file) |
| published/*.yaml | the report's printed tables, transcribed like raw/FROM/published/, with schemas/YEAR/tables.yaml |
| claims.yaml, interviews.yaml | the report's prose figures and interview profiles, if wanted |

Rows that were generated rather than collected must say so in the provenance column (synthetic,
reconstructed). Organisation names and contacts (the questionnaire's identifying_columns) are read and
dropped; they never reach processed/ or reports/.

Scaffolded by "csirtsurvey scaffold --from FROM --year YEAR". Replace this paragraph with what was received:
from whom, when, in which form.
`, "YEAR", strconv.Itoa(year)), "FROM", strconv.Itoa(from)))
}

// writeNew creates path (and its directory) with data, failing if it exists.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
