package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconstruct"
)

func newReconstructCmd() *cobra.Command {
	var year int
	var schemas, raw string
	cmd := &cobra.Command{
		Use:   "reconstruct",
		Short: "Generate reconstructed raw responses that reproduce a year's published tables",
		Long: `reconstruct generates raw/<year>/responses.csv for a survey year whose answers were never
published: one row per respondent, provenance "reconstructed", chosen so that the pipeline
reproduces every printed count of the report's tables, and raw/<year>/RECONSTRUCTION.md, which
says that the rows are a reconstruction and lists every choice (lost counts, contradictions of
the report). The choices the printed numbers leave open are read from
raw/<year>/reconstruction.yaml (format: raw/RECONSTRUCTION-FORMAT.md); a year without that file
cannot be reconstructed. Both outputs are replaced atomically; the output is deterministic.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if year == 0 {
				return &usageError{fmt.Errorf("reconstruct: --year is required (the survey year to reconstruct)")}
			}
			y := strconv.Itoa(year)
			invalid := func(err error) error {
				return build.InvalidInput(fmt.Sprintf("reconstruct: survey year %d", year), err)
			}
			q, err := questionnaire.Load(filepath.Join(schemas, y, build.QuestionnaireFile))
			if err != nil {
				return err
			}
			if q.Survey.Year != year {
				return invalid(fmt.Errorf("survey.year is %d in %s/%s", q.Survey.Year, y, build.QuestionnaireFile))
			}
			specs, err := published.LoadSpecs(filepath.Join(schemas, y, build.TablesFile), q)
			if err != nil {
				return invalid(err)
			}
			tables, err := published.LoadTranscription(filepath.Join(raw, y, "published"))
			if err != nil {
				return invalid(err)
			}
			set, err := published.Join(q, specs, tables, nil)
			if err != nil {
				return invalid(err)
			}
			decPath := filepath.Join(raw, y, reconstruct.FileName)
			if _, err := os.Stat(decPath); errors.Is(err, os.ErrNotExist) {
				return invalid(fmt.Errorf("%s does not exist: survey year %d has no reconstruction decisions (the format is in %s)", decPath, year, reconstruct.Guide))
			}
			dec, err := reconstruct.LoadDecisions(decPath)
			if err != nil {
				return invalid(err)
			}
			res, err := reconstruct.Generate(q, set, dec)
			if err != nil {
				return err
			}
			var csv bytes.Buffer
			if err := res.WriteCSV(&csv); err != nil {
				return err
			}
			var out atomicfile.Set
			out.Add(filepath.Join(raw, y, "responses.csv"), csv.Bytes())
			out.Add(filepath.Join(raw, y, "RECONSTRUCTION.md"), res.Markdown())
			done, err := out.Commit()
			if err != nil {
				return fmt.Errorf("reconstruct: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reconstructed %d respondents of %d (%d choices, %d printed numbers not reproducible): %d file(s) written, %d unchanged\n",
				len(res.Rows), year, len(res.Choices), len(res.Gaps), len(done.Written), len(done.Unchanged))
			for _, p := range done.Written {
				fmt.Fprintf(cmd.OutOrStdout(), "  wrote %s\n", p)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&year, "year", 0, "survey year to reconstruct (required)")
	f.StringVar(&schemas, "schemas", "schemas", "directory holding <year>/questionnaire.yaml and tables.yaml")
	f.StringVar(&raw, "raw", "raw", "directory holding <year>/published/; the outputs go to <year>/")
	return cmd
}
