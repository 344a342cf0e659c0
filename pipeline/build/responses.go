package build

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/reconcile"
	"github.com/csirt-survey/csirt-survey/pipeline/report"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

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
// while it streams (responses as Parquet and Arrow IPC, answers, maturity),
// and computes the frequencies, maturity levels, crosstabs and the
// reconciliation with the published tables.
func buildResponses(ctx context.Context, cfg Config, year int, q *questionnaire.Questionnaire, p *survey.Profile, tc *trends.Counter, set *atomicfile.Set, in *report.Inputs) error {
	path, err := rawResponses(cfg, year)
	if err != nil || path == "" {
		return err
	}
	if tc != nil {
		tc.MarkBuilt()
	}
	opt, err := ingestOptions(cfg, year, p)
	if err != nil {
		return err
	}
	mem := memory.NewGoAllocator()
	rs, err := openResponseSinks(cfg, year, q, p, in.Published, set, mem)
	if err != nil {
		return err
	}
	defer rs.maturity.maturity.Release()
	sinks := []sink{rs.responses, rs.answers, rs.maturity, rs.count}
	if tc != nil {
		sinks = append(sinks, trendsSink{tc})
	}
	fan := newFanout(sinks)
	var read int64
	log := cfg.logger()
	report, err := ingest.Read(ctx, q, path, opt, func(rec arrow.Record) error {
		if read += rec.NumRows(); cfg.Progress != nil {
			cfg.Progress(year, read)
		}
		log.Debug("respondents read", "year", year, "rows", read)
		return fan.Send(rec)
	})
	if sinkErr := fan.Wait(); sinkErr != nil {
		err = sinkErr
	}
	if err != nil {
		return fmt.Errorf("build: survey year %d: responses: %w", year, err)
	}
	logSummary(cfg.logger(), report)
	if err := report.Err(); err != nil {
		return InvalidInput(fmt.Sprintf("build: survey year %d: %s", year, path), err)
	}
	meta := provenanceMeta(rs.count.prov, year)
	in.Provenance, in.Validation = survey.Provenance(meta[MetaProvenance]), report
	if err := rs.close(meta); err != nil {
		return err
	}
	if err := addValidation(set, cfg, year, mem, report, meta); err != nil {
		return err
	}
	if read <= MaturityReportLimit {
		in.Maturity = rs.maturity.maturity.Record() // released by buildYear after the reports are rendered
	} else {
		in.MaturityOmitted = read
	}
	if rs.count.counter == nil {
		return nil
	}
	return reconcileResponses(cfg, year, p, set, mem, rs.count, report, meta, in)
}

// DefaultBatchSize is the number of respondents of a record batch and
// Parquet row group when Config.BatchSize is 0. Memory grows with it, not
// with the number of respondents: at a million respondents 8192 keeps the
// peak RSS near 400 MiB where 16384 needed 520 MiB, at the same speed
// (BENCHMARKS.md).
const DefaultBatchSize = 8192

// ingestOptions are the options of reading a year's raw responses: the
// profile's date order and routing, the build's limits, and the year's
// mapping.yaml when there is one.
func ingestOptions(cfg Config, year int, p *survey.Profile) (ingest.Options, error) {
	batch := cfg.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	// Batches are released by every sink when done: their buffers go back to
	// the pool for the next ones.
	opt := ingest.Options{Year: year, Quarantine: cfg.Quarantine, Order: p.DateOrder(), BatchSize: batch, Mem: columnar.Pool,
		Limits: cfg.Limits, AdvisoryRouting: p.Fielding.Routing == survey.RoutingAdvisory}
	if mp := filepath.Join(cfg.RawDir, strconv.Itoa(year), "mapping.yaml"); fileExists(mp) {
		m, err := ingest.LoadMapping(mp)
		if err != nil {
			return opt, InvalidInput(fmt.Sprintf("build: survey year %d: mapping", year), err)
		}
		opt.Mapping = m
	}
	return opt, nil
}

// responseSinks are the sinks of one year's responses.
type responseSinks struct {
	respPq   *parquetStream
	ansPq    *parquetStream
	matPq    *parquetStream
	respIPC  *columnar.IPCWriter
	answers  answersSink
	maturity *maturitySink
	count    countSink
	// responses writes processed/responses as Parquet and Arrow IPC.
	responses bothSink
}

// openResponseSinks creates the streamed datasets of a year in set and the
// counters of the published tables and the profile's crosstabs (none
// without published tables).
func openResponseSinks(cfg Config, year int, q *questionnaire.Questionnaire, p *survey.Profile, pub *published.Set, set *atomicfile.Set, mem memory.Allocator) (*responseSinks, error) {
	rs := &responseSinks{}
	var err error
	schema := columns.Schema(q)
	if rs.respPq, err = newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsResponses, year), schema,
		columnar.PlainColumns("respondent_id"), columnar.Bulk()); err != nil {
		return nil, err
	}
	respIPCFile, err := set.Create(columnar.IPCPath(cfg.ProcessedDir, dsResponses, year))
	if err != nil {
		return nil, err
	}
	if rs.respIPC, err = columnar.NewIPCWriter(respIPCFile, schema); err != nil {
		return nil, err
	}
	rs.responses = bothSink{rs.respPq, rs.respIPC}
	if rs.ansPq, err = newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsAnswers, year), answers.Schema, columnar.Bulk()); err != nil {
		return nil, err
	}
	rs.answers = answersSink{reshaper: answers.New(mem, q), out: rs.ansPq}
	if rs.matPq, err = newParquetStream(set, columnar.PartitionPath(cfg.ProcessedDir, dsMaturity, year), aggregate.MaturitySchema, columnar.Bulk()); err != nil {
		return nil, err
	}
	rs.maturity = &maturitySink{mem: mem, maturity: aggregate.NewMaturity(mem, q), out: rs.matPq}
	rs.count = countSink{prov: survey.Mix{}}
	if pub == nil {
		return rs, nil
	}
	if rs.count.counter, err = aggregate.NewCounter(q, pub.Specs); err != nil {
		rs.maturity.maturity.Release()
		return nil, err
	}
	for _, pair := range p.Crosstabs {
		x, err := aggregate.NewCrosstab(q, pub.Spec(pair.Rows), pub.Spec(pair.Cols))
		if err != nil {
			rs.maturity.maturity.Release()
			return nil, err
		}
		rs.count.crosstabs = append(rs.count.crosstabs, x)
	}
	return rs, nil
}

// close sets the provenance footer metadata of the streamed Parquet files
// and closes every file sink.
func (rs *responseSinks) close(meta map[string]string) error {
	for _, w := range []*parquetStream{rs.respPq, rs.ansPq, rs.matPq} {
		for _, k := range []string{MetaProvenance, MetaProvenanceNote} {
			if err := w.SetMetadata(k, meta[k]); err != nil {
				return err
			}
		}
	}
	for _, s := range []sink{rs.responses, rs.answers, rs.maturity} {
		if err := s.Close(); err != nil {
			return err
		}
	}
	return nil
}

// addValidation stages processed/validation and, under quarantine,
// processed/rejects.
func addValidation(set *atomicfile.Set, cfg Config, year int, mem memory.Allocator, r *ingest.Report, meta map[string]string) error {
	val := validation.Record(mem, r)
	defer val.Release()
	if err := addParquet(set, cfg, dsValidation, year, val, meta); err != nil {
		return err
	}
	if !cfg.Quarantine {
		return nil
	}
	rej := validation.RejectsRecord(mem, r)
	defer rej.Release()
	return addParquet(set, cfg, dsRejects, year, rej, meta)
}

// reconcileResponses stages the frequencies, crosstabs and the
// reconciliation of the counted tables with the published ones, and fails
// (or, under --reconcile=warn, warns) where they differ.
func reconcileResponses(cfg Config, year int, p *survey.Profile, set *atomicfile.Set, mem memory.Allocator, cs countSink, r *ingest.Report, meta map[string]string, in *report.Inputs) error {
	pub := in.Published
	rows := cs.counter.Rows()
	rec := reconcile.Compare(pub, rows, in.Findings)
	reconcile.NoteSkipped(rec, pub, r.SkippedAnswered)
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
	if err := addCrosstabs(set, cfg, year, mem, cs.crosstabs, meta); err != nil {
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
func provenanceMeta(counts survey.Mix, year int) map[string]string {
	return map[string]string{MetaProvenance: counts.Label(), MetaProvenanceNote: counts.Note(year)}
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
