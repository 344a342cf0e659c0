package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

func newCrosstabCmd() *cobra.Command {
	var year int
	var schemas, processed string
	cmd := &cobra.Command{
		Use:   "crosstab TABLE_A TABLE_B",
		Short: "Cross-tabulate two published tables (by table key) from processed/responses",
		Long: `crosstab counts respondents by the rows of two tables, each defined by its spec in
schemas/<year>/tables.yaml (same categories and bases as the published tables), from the built
processed/responses dataset. Example: csirtsurvey crosstab --year 2015 S1 1.6`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{fmt.Errorf("crosstab: name two table keys, got %d", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			y := strconv.Itoa(year)
			q, err := questionnaire.Load(filepath.Join(schemas, y, build.QuestionnaireFile))
			if err != nil {
				return err
			}
			specs, err := published.LoadSpecs(filepath.Join(schemas, y, build.TablesFile), q)
			if err != nil {
				return err
			}
			find := func(key string) (*published.Spec, error) {
				for _, s := range specs {
					if s.Key == key {
						return s, nil
					}
				}
				return nil, &usageError{fmt.Errorf("crosstab: no table %q in %s/%s/%s", key, schemas, y, build.TablesFile)}
			}
			a, err := find(args[0])
			if err != nil {
				return err
			}
			b, err := find(args[1])
			if err != nil {
				return err
			}
			x, err := aggregate.NewCrosstab(q, a, b)
			if err != nil {
				return err
			}
			path := columnar.PartitionPath(processed, "responses", year)
			if err := columnar.ReadParquet(path, 4096, func(rec arrow.Record) error { return x.Add(rec) }); err != nil {
				return fmt.Errorf("crosstab: %w (run csirtsurvey build first)", err)
			}
			df := x.Frame()
			if df.Err != nil {
				return df.Err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintf(w, "%s\t%s\tcount\tshare of row\n", a.Key, b.Key)
			for i := 0; i < df.Nrow(); i++ {
				ra, _ := df.Col("row_a").Elem(i).Int()
				rb, _ := df.Col("row_b").Elem(i).Int()
				c, _ := df.Col("count").Elem(i).Int()
				s := "–" // no respondent in the row: no share
				if share := df.Col("share_of_a").Elem(i); !share.IsNA() {
					s = fmt.Sprintf("%.0f%%", share.Float()*100)
				}
				fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", a.Categories[ra-1].LabelJA, b.Categories[rb-1].LabelJA, c, s)
			}
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.IntVar(&year, "year", 0, "survey year (required)")
	f.StringVar(&schemas, "schemas", "schemas", "directory holding <year>/questionnaire.yaml and tables.yaml")
	f.StringVar(&processed, "processed", "processed", "directory holding the built datasets")
	cmd.MarkFlagRequired("year")
	return cmd
}
