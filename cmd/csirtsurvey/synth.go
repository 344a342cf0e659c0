package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/synth"
)

func newSynthCmd() *cobra.Command {
	var year, n int
	var seed uint64
	var schemas, raw, out string
	var notes bool
	cmd := &cobra.Command{
		Use:   "synth --out FILE.csv",
		Short: "Generate SYNTHETIC raw responses drawn from a year's published distributions (for tests and benchmarks)",
		Long: `synth writes N SYNTHETIC respondents for a survey year's questionnaire, in the raw responses
contract (raw/README.md), to --out (- for stdout). THE ROWS ARE SYNTHETIC: random draws from the
shares of the year's published tables, not the answers of any organisation, and they do not
reproduce the printed counts (csirtsurvey build's reconciliation fails on them by design). Every
row says so: provenance = synthetic and respondent ids S0000001, S0000002, ...

Each answer is drawn from the published table that reports it (count / N; a lost count is the
inferred one, else the remainder spread evenly), respecting relevance (follow-ups only for routed
respondents), exclusive options, 2.9 provision -> sourcing, 1.5 <= 1.6 and no month after the
survey was fielded. The output is deterministic for a seed and is streamed (constant memory).
See pipeline/synth for every rule, and --notes for the lost counts it filled in.

合成データ: 公表集計表の割合から無作為に生成した回答であり、実在する組織の回答ではありません。`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &usageError{fmt.Errorf("synth: --out is required (a file, or - for stdout)")}
			}
			if year == 0 {
				return &usageError{fmt.Errorf("synth: --year is required (a year with published tables)")}
			}
			if n < 0 {
				return &usageError{fmt.Errorf("synth: -n must not be negative, got %d", n)}
			}
			y := strconv.Itoa(year)
			if out != "-" {
				for _, name := range build.ResponseFiles {
					if sameFile(out, filepath.Join(raw, y, name)) {
						return &usageError{fmt.Errorf("synth: refusing to write synthetic rows over %s, the year's raw responses; write them elsewhere and point a copy of the tree at them", out)}
					}
				}
			}
			q, set, err := synth.LoadYear(schemas, raw, year)
			if err != nil {
				return build.InvalidInput(fmt.Sprintf("synth: survey year %d", year), err)
			}
			prof, err := survey.LoadYear(schemas, year)
			if err != nil {
				return build.InvalidInput(fmt.Sprintf("synth: survey year %d", year), err)
			}
			g, err := synth.New(q, set, synth.Options{Order: prof.DateOrder()})
			if err != nil {
				return err
			}
			if notes {
				for _, nt := range g.Notes() {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: table %s row %d %s = %.4g: %s\n", nt.Table, nt.Row, nt.Code, nt.Value, nt.Rule)
				}
			}
			start := time.Now()
			if out == "-" {
				return g.Write(ctxWriter{cmd.Context(), cmd.OutOrStdout()}, n, seed)
			}
			if err := atomicfile.WriteWith(out, func(w io.Writer) error { return g.Write(ctxWriter{cmd.Context(), w}, n, seed) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "synth: wrote %d SYNTHETIC respondents of %d (seed %d) to %s in %.2fs\n",
				n, year, seed, out, time.Since(start).Seconds())
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&year, "year", 0, "survey year whose questionnaire and published tables to use")
	f.IntVarP(&n, "n", "n", 1000, "number of synthetic respondents")
	f.Uint64Var(&seed, "seed", 1, "random seed (the same seed gives the same file)")
	f.StringVar(&out, "out", "", "output CSV file, or - for stdout (required)")
	f.StringVar(&schemas, "schemas", "schemas", "directory holding <year>/questionnaire.yaml and tables.yaml")
	f.StringVar(&raw, "raw", "raw", "directory holding <year>/published/ (and claims.yaml)")
	f.BoolVar(&notes, "notes", false, "list on stderr how lost counts were filled in")
	return cmd
}

// sameFile reports whether two paths name the same file (or would).
func sameFile(a, b string) bool {
	if sa, err := os.Stat(a); err == nil {
		if sb, err := os.Stat(b); err == nil {
			return os.SameFile(sa, sb)
		}
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// ctxWriter fails its writes once ctx is cancelled, so that a streaming
// writer stops at an interrupt (and atomicfile.WriteWith keeps the old file).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, fmt.Errorf("synth: interrupted: %w", context.Cause(c.ctx))
	}
	return c.w.Write(p)
}
