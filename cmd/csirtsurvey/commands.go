package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if c.Name() == "build" { // its one summary line, for a flag it could not parse too
			fmt.Fprintf(c.OutOrStdout(), "csirtsurvey build: failed (exit %d: %s) in 0s; see stderr\n", exitUsage, exitMeaning[exitUsage])
		}
		return &usageError{err}
	})
	root.AddCommand(newBuildCmd(), newValidateCmd(), newReconstructCmd())
	root.AddCommand(newCrosstabCmd(), newAssessCmd())
	root.AddCommand(newScaffoldCmd())
	root.AddCommand(newSynthCmd())
	addProfileFlags(root)
	return root
}

func newBuildCmd() *cobra.Command {
	var cfg build.Config
	var logFormat, reconcileMode string
	var verbose, quiet bool
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Rebuild processed/ and reports/ from schemas/ and raw/ (only what changed)",
		Long: `build finds the survey years under schemas/ (and checks raw/), and rebuilds each year whose
inputs (schemas/<year>/, raw/<year>/) or tool changed since its last build, or whose outputs were
altered; an unchanged tree does no work. Every input is validated first; outputs are replaced only when
every selected year built (each file atomically; files with unchanged bytes are left alone), so a failed
or interrupted build leaves the last good outputs readable. It prints one summary line; logs go to stderr.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			err := func() error {
				switch reconcileMode {
				case "fail":
				case "warn":
					cfg.ReconcileWarn = true
				default:
					return &usageError{fmt.Errorf("build: --reconcile is fail or warn, not %q", reconcileMode)}
				}
				if err := limitFlags(cmd, &cfg.Limits); err != nil {
					return err
				}
				if logFormat != "text" && logFormat != "json" {
					return &usageError{fmt.Errorf("build: --log-format is text or json, not %q", logFormat)}
				}
				if cfg.BatchSize < 0 {
					return &usageError{fmt.Errorf("build: --batch-size is a positive number of respondents (0: the default, %d), not %d", build.DefaultBatchSize, cfg.BatchSize)}
				}
				cfg.Logger = newLogger(cmd.ErrOrStderr(), logFormat, verbose, quiet)
				if bar := newProgress(cmd.ErrOrStderr(), quiet); bar != nil {
					cfg.Progress = bar
				}
				res, err := build.Run(cmd.Context(), cfg)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), summary(res, time.Since(start)))
				if verbose {
					for _, p := range res.Written {
						fmt.Fprintf(cmd.OutOrStdout(), "  wrote %s\n", p)
					}
					for _, p := range res.Removed {
						fmt.Fprintf(cmd.OutOrStdout(), "  removed %s\n", p)
					}
				}
				return nil
			}()
			if err != nil {
				// The one summary line of every run, failures included (the
				// details are on stderr).
				fmt.Fprintf(cmd.OutOrStdout(), "csirtsurvey build: failed (exit %d: %s) in %s; see stderr\n",
					exitCode(err), exitMeaning[exitCode(err)], time.Since(start).Round(time.Millisecond))
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.SchemasDir, "schemas", "schemas", "directory holding <year>/questionnaire.yaml")
	f.StringVar(&cfg.RawDir, "raw", "raw", "directory holding <year>/ raw inputs")
	f.StringVar(&cfg.ProcessedDir, "processed", "processed", "output directory for datasets")
	f.StringVar(&cfg.ReportsDir, "reports", "reports", "output directory for reports")
	f.BoolVar(&cfg.Quarantine, "quarantine", false, "build from the valid rows of raw responses; rejected rows go to processed/rejects with their reasons")
	f.BoolVar(&cfg.AllowSymlinks, "allow-symlinks", false, "write outputs through symbolic links under (or as) --processed and --reports; by default such a link fails the build")
	f.BoolVar(&cfg.Force, "force", false, "rebuild every selected year even if nothing changed")
	f.StringVar(&reconcileMode, "reconcile", "fail", "an unexplained difference from the published tables: fail the build, or warn (synthetic data, benchmarks)")
	f.IntSliceVar(&cfg.Years, "year", nil, "build only this survey year (repeatable); other years are left as they are")
	f.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	f.BoolVarP(&verbose, "verbose", "v", false, "debug logs, and list every file written")
	f.BoolVarP(&quiet, "quiet", "q", false, "only warnings and errors on stderr, no progress bar")
	d := ingest.DefaultLimits
	f.Int64Var(&cfg.Limits.XLSXBytes, "max-xlsx-bytes", d.XLSXBytes, "refuse an XLSX workbook whose parts expand to more than this many bytes (-1: no limit)")
	f.Int64Var(&cfg.Limits.XLSXRatio, "max-xlsx-ratio", d.XLSXRatio, "refuse an XLSX workbook with a part (over 1 MiB) that expands more than this many times (-1: no limit)")
	f.IntVar(&cfg.Limits.RowBytes, "max-row-bytes", d.RowBytes, "stop reading raw responses at a row longer than this many bytes (-1: no limit)")
	f.IntVar(&cfg.Limits.CellBytes, "max-cell-bytes", d.CellBytes, "reject a row with a cell longer than this many bytes (-1: no limit)")
	f.IntVar(&cfg.Limits.Columns, "max-columns", d.Columns, "refuse raw responses with more header columns than this (-1: no limit)")
	f.IntVar(&cfg.Limits.ColumnNameBytes, "max-column-name-bytes", d.ColumnNameBytes, "refuse raw responses with a column name longer than this many bytes (-1: no limit)")
	f.IntVar(&cfg.BatchSize, "batch-size", 0, fmt.Sprintf("respondents per record batch and Parquet row group (0: the default, %d); memory grows with it", build.DefaultBatchSize))
	return cmd
}

// limitFlags checks the --max-* flags: a positive number, or -1 for no limit.
func limitFlags(cmd *cobra.Command, l *ingest.Limits) error {
	for name, v := range map[string]int64{"max-xlsx-bytes": l.XLSXBytes, "max-xlsx-ratio": l.XLSXRatio,
		"max-row-bytes": int64(l.RowBytes), "max-cell-bytes": int64(l.CellBytes), "max-columns": int64(l.Columns),
		"max-column-name-bytes": int64(l.ColumnNameBytes)} {
		if v == 0 || v < -1 {
			return &usageError{fmt.Errorf("build: --%s must be a positive number, or -1 for no limit, not %d", name, v)}
		}
	}
	return nil
}

// summary is the one line a build prints, for people and for cron mail.
func summary(res build.Result, took time.Duration) string {
	if len(res.Years) == 0 {
		return fmt.Sprintf("csirtsurvey build: up to date, nothing to do (%d year(s) unchanged: %v) in %s",
			len(res.Skipped), res.Skipped, took.Round(time.Millisecond))
	}
	return fmt.Sprintf("csirtsurvey build: built %v, %d year(s) unchanged; %d file(s) written, %d rebuilt identical, %d removed in %s",
		res.Years, len(res.Skipped), len(res.Written), len(res.Unchanged), len(res.Removed), took.Round(time.Millisecond))
}

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check a year's input files (or single files) and list every problem with file and line",
		Long: `validate checks every hand-written input a path names: one file, a year's directory
(schemas/<year>/ or raw/<year>/), or a whole schemas/ or raw/ tree. The kind of each file is read
from its format key: questionnaire, survey profile, crosswalk (against the previous year's
questionnaire), table specs (against the year's questionnaire), published tables, claims,
interviews, and mapping.yaml by name. A file of no known kind is an error, not skipped.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{fmt.Errorf("validate: name at least one file or directory (schemas/2015, raw/2015, ...)")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			checked := build.Validate(cmd.Context(), args)
			if err := cmd.Context().Err(); err != nil {
				return fmt.Errorf("validate: interrupted after %d files: %w", len(checked), context.Cause(cmd.Context()))
			}
			failed := 0
			for _, c := range checked {
				if c.Err != nil {
					failed++
					fmt.Fprintln(cmd.ErrOrStderr(), c.Err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%s: %s)\n", c.Path, c.Kind, c.What)
			}
			if failed > 0 {
				return fmt.Errorf("validate: %d of %d file(s) invalid: %w", failed, len(checked), build.ErrInvalidInput)
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
