package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// usageError marks errors in the command line itself.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "csirtsurvey",
		Short: "Build typed datasets and reports from the JPCERT/CC CSIRT survey",
		Long: `csirtsurvey turns the questionnaire and responses of the JPCERT/CC CSIRT survey
(CSIRT構築および運用における実態調査) into Hive-partitioned Parquet datasets under processed/
and human-readable reports under reports/.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(newBuildCmd(), newValidateCmd(), newReconstructCmd())
	root.AddCommand(newCrosstabCmd())
	return root
}

func newBuildCmd() *cobra.Command {
	var cfg build.Config
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Rebuild processed/ and reports/ from schemas/ and raw/",
		Long: `build loads every schemas/<year>/questionnaire.yaml, validates all inputs, and only
when everything is valid replaces the outputs (each file atomically; unchanged files are left alone).
A failed build leaves the last good outputs untouched.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Log = cmd.ErrOrStderr()
			res, err := build.Run(cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "built %d survey year(s): %d file(s) written, %d unchanged\n",
				len(res.Years), len(res.Written), len(res.Unchanged))
			for _, p := range res.Written {
				fmt.Fprintf(cmd.OutOrStdout(), "  wrote %s\n", p)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.SchemasDir, "schemas", "schemas", "directory holding <year>/questionnaire.yaml")
	f.StringVar(&cfg.RawDir, "raw", "raw", "directory holding <year>/ raw inputs")
	f.StringVar(&cfg.ProcessedDir, "processed", "processed", "output directory for datasets")
	f.StringVar(&cfg.ReportsDir, "reports", "reports", "output directory for reports")
	f.BoolVar(&cfg.Quarantine, "quarantine", false, "build from the valid rows of raw responses; rejected rows go to processed/rejects with their reasons")
	return cmd
}

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check questionnaire files and list every problem with file and line",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{fmt.Errorf("validate: name at least one questionnaire file")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := 0
			for _, path := range args {
				q, err := questionnaire.Load(path)
				if err != nil {
					failed++
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d items, survey %s)\n", path, len(q.Items), q.Survey.ID)
			}
			if failed > 0 {
				return fmt.Errorf("validate: %d of %d file(s) invalid: %w", failed, len(args), build.ErrInvalidInput)
			}
			return nil
		},
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.Name(), args)}
	}
	return nil
}
