package build

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

// sinkQueue is how many batches may wait for each sink.
const sinkQueue = 1

// errSinkFailed stops ingest when writing or counting a batch failed; the
// sink's own error is reported instead.
var errSinkFailed = errors.New("a dataset sink failed")

// MaturityReportLimit is the largest number of respondents whose maturity
// levels the report shows one by one; beyond it the report points to
// processed/maturity, and memory stays bounded.
const MaturityReportLimit = 5000

// rawResponses returns the year's raw responses file, or "" when there is none.
func rawResponses(cfg Config, year int) (string, error) {
	var found []string
	for _, name := range ResponseFiles {
		p := filepath.Join(cfg.RawDir, strconv.Itoa(year), name)
		if _, err := os.Stat(p); err == nil {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("build: survey year %d: both %s and %s exist; keep one: %w", year, found[0], found[1], ErrInvalidInput)
}

// buildResponses ingests the year's raw responses, writes the typed datasets
// while it streams (responses as Parquet and Arrow IPC, answers), and computes
// the frequencies, maturity levels, crosstabs and the reconciliation with the
// published tables.
func buildResponses(cfg Config, year int, q *questionnaire.Questionnaire, p *survey.Profile, tc *trends.Counter, set *atomicfile.Set, in *report.Inputs) error {
	pub := in.Published
	path, err := rawResponses(cfg, year)
	if err != nil || path == "" {
		return err
	}
	if tc != nil {
		tc.MarkBuilt()
	}
	// Large batches make large Parquet row groups; memory stays bounded by one batch.
	batch := cfg.BatchSize
	if batch <= 0 {
		batch = 16384
	}
	// Batches are released by every sink when done: their buffers go back to
	// the pool for the next ones.
	opt := ingest.Options{Year: year, Quarantine: cfg.Quarantine, Order: p.DateOrder(), BatchSize: batch, Mem: columnar.Pool,
		Limits: cfg.Limits, AdvisoryRouting: p.Fielding.Routing == survey.RoutingAdvisory}
	if mp := filepath.Join(cfg.RawDir, strconv.Itoa(year), "mapping.yaml"); fileExists(mp) {
		m, err := ingest.LoadMapping(mp)
		if err != nil {
			return fmt.Errorf("%w\nbuild: survey year %d: mapping: %w", err, year, ErrInvalidInput)
		}
		opt.Mapping = m
	}
	mem := memory.NewGoAllocator()
	schema := columns.Schema(q)
	respPq, err := newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsResponses, year), schema,
		columnar.PlainColumns("respondent_id"))
	if err != nil {
		return err
	}
	respIPCFile, err := set.Create(columnar.IPCPath(cfg.ProcessedDir, dsResponses, year))
	if err != nil {
		return err
	}
	respIPC, err := columnar.NewIPCWriter(respIPCFile, schema)
	if err != nil {
		return err
	}
	ansPq, err := newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsAnswers, year), answers.Schema)
	if err != nil {
		return err
	}
	reshaper := answers.New(mem, q)
	matPq, err := newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsMaturity, year), aggregate.MaturitySchema)
	if err != nil {
		return err
	}
	maturity := aggregate.NewMaturity(mem, q)
	defer maturity.Release()
	var counter *aggregate.Counter
	var crosstabs []*aggregate.Crosstab
	if pub != nil {
		if counter, err = aggregate.NewCounter(q, pub.Specs); err != nil {
			return err
		}
		for _, pair := range p.Crosstabs {
			a, b := pub.Spec(pair.Rows), pub.Spec(pair.Cols)
			x, err := aggregate.NewCrosstab(q, a, b)
			if err != nil {
				return err
			}
			crosstabs = append(crosstabs, x)
		}
	}

	prov := map[string]int64{}
	var read int64
	// Each batch goes to the sinks on another goroutine while ingest parses
	// the next one (one batch in flight: memory stays bounded), and the
	// independent sinks run side by side. A record is only read by the sinks.
	sinks := []func(rec arrow.Record, upTo int64) error{
		func(rec arrow.Record, _ int64) error {
			if err := respPq.Write(rec); err != nil {
				return err
			}
			return respIPC.Write(rec)
		},
		func(rec arrow.Record, _ int64) error {
			long := reshaper.Batch(rec)
			defer long.Release()
			return ansPq.Write(long)
		},
		func(rec arrow.Record, upTo int64) error {
			levels := maturity.Batch(mem, rec)
			err := matPq.Write(levels)
			levels.Release()
			if upTo <= MaturityReportLimit {
				maturity.Add(rec) // kept for the report's per-respondent tables
			}
			return err
		},
		func(rec arrow.Record, _ int64) error {
			columns.CountProvenance(rec, prov)
			for _, x := range crosstabs {
				if err := x.Add(rec); err != nil {
					return err
				}
			}
			if counter != nil {
				return counter.Add(rec)
			}
			return nil
		},
		func(rec arrow.Record, _ int64) error {
			if tc != nil {
				tc.Add(rec)
			}
			return nil
		},
	}
	// Each sink has its own goroutine and queue, so that a slow sink does not
	// hold the others back; ingest runs at most sinkQueue batches ahead of the
	// slowest sink, which bounds memory.
	type job struct {
		rec  arrow.Record
		upTo int64
	}
	var failed atomic.Bool
	queues := make([]chan job, len(sinks))
	errs := make([]error, len(sinks))
	var wg sync.WaitGroup
	for i, sink := range sinks {
		queues[i] = make(chan job, sinkQueue)
		wg.Go(func() {
			for j := range queues[i] {
				if errs[i] == nil {
					if errs[i] = sink(j.rec, j.upTo); errs[i] != nil {
						failed.Store(true)
					}
				}
				j.rec.Release()
			}
		})
	}
	report, err := ingest.Read(q, path, opt, func(rec arrow.Record) error {
		if failed.Load() {
			return errSinkFailed
		}
		if read += rec.NumRows(); cfg.Progress != nil {
			cfg.Progress(year, read)
		}
		// arrow/go builds a dictionary column's value array lazily on first
		// use, which is not safe from several goroutines: build them here,
		// before the sinks share the record.
		for _, col := range rec.Columns() {
			if d, ok := col.(*array.Dictionary); ok {
				d.Dictionary()
			}
		}
		for _, queue := range queues {
			rec.Retain()
			queue <- job{rec, read}
		}
		return nil
	})
	for _, queue := range queues {
		close(queue)
	}
	wg.Wait()
	if sinkErr := errors.Join(errs...); sinkErr != nil {
		err = sinkErr
	}
	if err != nil {
		return fmt.Errorf("build: survey year %d: responses: %w", year, err)
	}
	logSummary(cfg.logger(), report)
	if err := report.Err(); err != nil {
		return fmt.Errorf("%w\nbuild: survey year %d: %s: %w", err, year, path, ErrInvalidInput)
	}
	meta := provenanceMeta(prov, year)
	in.Provenance, in.Validation = survey.Provenance(meta[MetaProvenance]), report
	for _, w := range []*parquetStream{respPq, ansPq, matPq} {
		for _, k := range []string{MetaProvenance, MetaProvenanceNote} {
			if err := w.SetMetadata(k, meta[k]); err != nil {
				return err
			}
		}
	}
	for _, w := range []interface{ Close() error }{respPq, respIPC, ansPq, matPq} {
		if err := w.Close(); err != nil {
			return err
		}
	}

	val := validation.Record(mem, report)
	defer val.Release()
	if err := addParquet(set, cfg, dsValidation, year, val, meta); err != nil {
		return err
	}
	if cfg.Quarantine {
		rej := validation.RejectsRecord(mem, report)
		defer rej.Release()
		if err := addParquet(set, cfg, dsRejects, year, rej, meta); err != nil {
			return err
		}
	}
	if read <= MaturityReportLimit {
		in.Maturity = maturity.Record() // released by buildYear after the reports are rendered
	} else {
		in.MaturityOmitted = read
	}
	if counter == nil {
		return nil
	}
	rows := counter.Rows()
	rec := reconcile.Compare(pub, rows, in.Findings)
	reconcile.NoteSkipped(rec, pub, report.SkippedAnswered)
	if p.Data.Responses == survey.Reconstructed {
		reconcile.MarkChosen(rec)
	}
	reconcile.SetBases(rows, rec)
	in.Frequencies = rows
	freq := aggregate.FrequenciesRecord(mem, rows)
	defer freq.Release()
	if err := addParquet(set, cfg, dsFrequencies, year, freq, meta); err != nil {
		return err
	}
	if err := addCrosstabs(set, cfg, year, mem, crosstabs, meta); err != nil {
		return err
	}
	in.Reconciliation = rec
	rrec := reconcile.Record(mem, rec)
	defer rrec.Release()
	if err := addParquet(set, cfg, dsReconciliation, year, rrec, meta); err != nil {
		return err
	}
	if err := reconcile.Check(rec); err != nil {
		if !cfg.ReconcileWarn {
			return fmt.Errorf("build: survey year %d: %w", year, err)
		}
		cfg.logger().Warn("published and computed tables differ (--reconcile=warn)", "year", year, "error", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	return nil
}

func addCrosstabs(set *atomicfile.Set, cfg Config, year int, mem memory.Allocator, xs []*aggregate.Crosstab, meta map[string]string) error {
	if len(xs) == 0 {
		return nil
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, x := range xs {
		r, err := x.Record(mem)
		if err != nil {
			return err
		}
		recs = append(recs, r)
	}
	data, err := columnar.EncodeParquetRecords(aggregate.CrosstabSchema, recs, meta)
	if err != nil {
		return err
	}
	set.Add(columnar.PartitionPath(cfg.ProcessedDir, dsCrosstabs, year), data)
	return nil
}

// Footer metadata of every dataset derived from respondent rows.
const (
	MetaProvenance     = "csirt.provenance"      // collected | reconstructed | synthetic, or a mix with counts
	MetaProvenanceNote = "csirt.provenance_note" // the same in words
)

// provenanceMeta labels datasets derived from the respondent rows: generated
// data says so wherever it lands.
func provenanceMeta(counts map[string]int64, year int) map[string]string {
	var kinds []string
	for k := range counts {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	label := strings.Join(kinds, ",")
	if len(kinds) > 1 {
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
		}
		label = "mixed: " + strings.Join(parts, ", ")
	}
	note := map[string]string{
		string(survey.Collected):     "Computed from the answers as collected.",
		string(survey.Reconstructed): fmt.Sprintf("Computed from RECONSTRUCTED respondent rows (raw/%d/RECONSTRUCTION.md): generated from the published tables so that they reproduce the printed counts; not the real answers of any organisation.", year),
		string(survey.Synthetic):     "Computed from SYNTHETIC respondent rows drawn from the published distributions; not real answers.",
	}[label]
	if note == "" {
		note = "Computed from respondent rows of mixed provenance (" + label + "); see the provenance column."
	}
	return map[string]string{MetaProvenance: label, MetaProvenanceNote: note}
}

// parquetStream is a Parquet file streamed into an atomicfile.Set.
type parquetStream struct {
	*columnar.ParquetWriter
}

func newParquetStream(set *atomicfile.Set, path string, schema *arrow.Schema, opts ...columnar.Option) (*parquetStream, error) {
	f, err := set.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := columnar.NewParquetWriter(f, schema, opts...)
	if err != nil {
		return nil, err
	}
	return &parquetStream{w}, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// logSummary logs the validation summary: one record per listed issue, then totals.
func logSummary(log *slog.Logger, r *ingest.Report) {
	if r == nil {
		return
	}
	for _, is := range r.Issues {
		// Warnings are kept in processed/validation; they are logged at info
		// so that a quiet (-q) scheduled build of accepted data prints nothing.
		level := slog.LevelInfo
		if is.Severity == "error" {
			level = slog.LevelError
		}
		log.Log(context.Background(), level, is.Message, "code", is.Code, "file", is.File, "row", is.Row,
			"column", is.Column, "item", is.Item, "value", is.Value)
	}
	log.Info("responses read", "file", r.File, "encoding", r.Encoding, "rows", r.Rows,
		"accepted", r.Accepted, "rejected", r.Rejected, "issues_by_code", fmt.Sprint(r.Totals), "listing_capped", r.Truncated)
}
