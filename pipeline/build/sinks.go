package build

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/trends"
)

// sinkQueue is how many batches may wait for each sink.
const sinkQueue = 1

// errSinkFailed stops ingest when writing or counting a batch failed; the
// sink's own error is reported instead.
var errSinkFailed = errors.New("a dataset sink failed")

// A sink consumes the batches of the responses dataset as ingest emits
// them: a dataset written while it streams, or a count. Write only reads
// the record and does not keep it; Close ends the stream (a file sink
// writes its footer, so footer metadata is set before).
type sink interface {
	Write(rec arrow.Record) error
	Close() error
}

// bothSink writes every batch to two sinks (processed/responses as Parquet
// and as Arrow IPC).
type bothSink [2]sink

func (s bothSink) Write(rec arrow.Record) error {
	if err := s[0].Write(rec); err != nil {
		return err
	}
	return s[1].Write(rec)
}

func (s bothSink) Close() error { return errors.Join(s[0].Close(), s[1].Close()) }

// answersSink reshapes each batch into processed/answers.
type answersSink struct {
	reshaper *answers.Reshaper
	out      sink
}

func (s answersSink) Write(rec arrow.Record) error {
	long := s.reshaper.Batch(rec)
	defer long.Release()
	return s.out.Write(long)
}

func (s answersSink) Close() error { return s.out.Close() }

// maturitySink writes every respondent's maturity levels to
// processed/maturity and keeps them for the report while there are at most
// MaturityReportLimit respondents.
type maturitySink struct {
	mem      memory.Allocator
	maturity *aggregate.Maturity
	out      sink
	seen     int64
}

func (s *maturitySink) Write(rec arrow.Record) error {
	levels := s.maturity.Batch(s.mem, rec)
	err := s.out.Write(levels)
	levels.Release()
	if s.seen += rec.NumRows(); s.seen <= MaturityReportLimit {
		s.maturity.Add(rec) // kept for the report's per-respondent tables
	}
	return err
}

func (s *maturitySink) Close() error { return s.out.Close() }

// countSink counts the provenance, the frequencies of the published tables
// (counter, nil without tables) and the crosstabs.
type countSink struct {
	prov      survey.Mix
	counter   *aggregate.Counter
	crosstabs []*aggregate.Crosstab
}

func (s countSink) Write(rec arrow.Record) error {
	columns.CountProvenance(rec, s.prov)
	for _, x := range s.crosstabs {
		if err := x.Add(rec); err != nil {
			return err
		}
	}
	if s.counter != nil {
		return s.counter.Add(rec)
	}
	return nil
}

func (countSink) Close() error { return nil }

// trendsSink feeds the year's trends counter.
type trendsSink struct{ tc *trends.Counter }

func (s trendsSink) Write(rec arrow.Record) error {
	s.tc.Add(rec)
	return nil
}

func (trendsSink) Close() error { return nil }

// The file sinks: Parquet (with footer metadata) and Arrow IPC.
var (
	_ sink = (*parquetStream)(nil)
	_ sink = (*columnar.IPCWriter)(nil)
)

// fanout hands each batch to every sink on the sink's own goroutine, so
// that ingest parses the next batch while the sinks work and a slow sink
// does not hold the others back; ingest runs at most sinkQueue batches
// ahead of the slowest sink, which bounds memory. The sinks share a record
// read-only; each releases its reference when done.
type fanout struct {
	queues []chan arrow.Record
	errs   []error
	failed atomic.Bool
	wg     sync.WaitGroup
}

func newFanout(sinks []sink) *fanout {
	f := &fanout{queues: make([]chan arrow.Record, len(sinks)), errs: make([]error, len(sinks))}
	for i, s := range sinks {
		f.queues[i] = make(chan arrow.Record, sinkQueue)
		f.wg.Go(func() {
			for rec := range f.queues[i] {
				if f.errs[i] == nil {
					if f.errs[i] = s.Write(rec); f.errs[i] != nil {
						f.failed.Store(true)
					}
				}
				rec.Release()
			}
		})
	}
	return f
}

// Send queues rec for every sink; errSinkFailed once a sink has failed.
func (f *fanout) Send(rec arrow.Record) error {
	if f.failed.Load() {
		return errSinkFailed
	}
	// arrow/go builds a dictionary column's value array lazily on first
	// use, which is not safe from several goroutines: build them here,
	// before the sinks share the record.
	for _, col := range rec.Columns() {
		if d, ok := col.(*array.Dictionary); ok {
			d.Dictionary()
		}
	}
	for _, queue := range f.queues {
		rec.Retain()
		queue <- rec
	}
	return nil
}

// Wait lets the sinks finish the queued batches and returns their errors.
func (f *fanout) Wait() error {
	for _, queue := range f.queues {
		close(queue)
	}
	f.wg.Wait()
	return errors.Join(f.errs...)
}
