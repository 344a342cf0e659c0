package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/assess"
	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

func newAssessCmd() *cobra.Command {
	var year int
	var schemas, raw, processed, lang, out string
	cmd := &cobra.Command{
		Use:   "assess --year YYYY ANSWERS.csv|ANSWERS.json",
		Short: "Compare one team's answers with a survey year's respondents (the self-assessment page, as Markdown)",
		Long: `assess reads one team's answers (one row of raw/README.md's responses contract as CSV or XLSX, or
the JSON object the self-assessment page exports), validates them with the ingest rules, and prints
as Markdown what reports/<year>/self-assessment.html shows: for every answered item the share of
respondents with the same answer (count, N and base of the published table), the SIM3 profile, the
overall maturity percentile (only for a year with collected rows) and the report's recommendations
whose gap rules the answers meet. --out FILE.html also writes the page opened with these answers;
--out FILE.md writes the Markdown to a file.

Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid answers or invalid year files
(every problem listed on stderr with file, row, column and item).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{fmt.Errorf("assess: name one file of answers, got %d", len(args))}
			}
			if lang != "ja" && lang != "en" {
				return &usageError{fmt.Errorf("assess: --lang is %q, want ja or en", lang)}
			}
			if out != "" && !strings.HasSuffix(out, ".html") && !strings.HasSuffix(out, ".md") {
				return &usageError{fmt.Errorf("assess: --out %s: name a .html or .md file", out)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := assess.LoadYear(assess.Dirs{Schemas: schemas, Raw: raw, Processed: processed}, year)
			if err != nil {
				return build.InvalidInput(fmt.Sprintf("assess: survey year %d", year), err)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return &usageError{fmt.Errorf("assess: %w", err)}
			}
			prof, err := survey.LoadYear(schemas, year)
			if err != nil {
				return build.InvalidInput(fmt.Sprintf("assess: survey year %d", year), err)
			}
			answers, _, err := assess.ReadAnswers(in.Questionnaire, args[0], data, assess.ReadOptions{Order: prof.DateOrder()})
			if errors.Is(err, assess.ErrInvalidAnswers) {
				return build.InvalidInput("assess: the answers", err)
			}
			if err != nil {
				return err
			}
			m := assess.NewModel(in, lang)
			md := m.Markdown(answers)
			if _, err := fmt.Fprint(cmd.OutOrStdout(), md); err != nil {
				return err
			}
			if out == "" {
				return nil
			}
			content := []byte(md)
			if strings.HasSuffix(out, ".html") {
				m.Initial = answers
				if content, err = assess.Page(m); err != nil {
					return err
				}
			}
			var set atomicfile.Set
			set.Add(filepath.Clean(out), content)
			if _, err := set.Commit(); err != nil {
				return fmt.Errorf("assess: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&year, "year", 0, "survey year (required)")
	f.StringVar(&schemas, "schemas", "schemas", "directory holding <year>/questionnaire.yaml and tables.yaml")
	f.StringVar(&raw, "raw", "raw", "directory holding <year>/published/, claims.yaml and recommendations.yaml")
	f.StringVar(&processed, "processed", "processed", "directory holding the built datasets (provenance, population scores)")
	f.StringVar(&lang, "lang", "en", "language of the comparison: ja or en")
	f.StringVar(&out, "out", "", "also write FILE.html (the page with these answers) or FILE.md")
	cmd.MarkFlagRequired("year")
	return cmd
}
