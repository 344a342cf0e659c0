package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/synth"
)

// The profile of BENCHMARKS.md:
//
//	go test -run='^$' -bench=Ingest100k -benchtime=3x -cpuprofile=/tmp/ingest.prof ./pipeline/internal/bench
//	go tool pprof -top /tmp/ingest.prof

const benchRows = 100_000

// batchSize is the ingest batch size of the build (pipeline/build/responses.go).
const batchSize = 65536

type fixture struct {
	q     *questionnaire.Questionnaire
	pub   *published.Set
	order [][2]string // the year's date rules (survey.yaml)
	path  string
}

func setup(b *testing.B) *fixture {
	b.Helper()
	q, pub, err := synth.LoadYear(filepath.Join("..", "..", "..", "schemas"), filepath.Join("..", "..", "..", "raw"), 2015)
	if err != nil {
		b.Fatal(err)
	}
	prof, err := survey.LoadYear(filepath.Join("..", "..", "..", "schemas"), 2015)
	if err != nil {
		b.Fatal(err)
	}
	g, err := synth.New(q, pub, synth.Options{Order: prof.DateOrder()})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "responses.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := g.Write(f, benchRows, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return &fixture{q: q, pub: pub, order: prof.DateOrder(), path: path}
}

func (f *fixture) options() ingest.Options {
	return ingest.Options{Year: 2015, Order: f.order, BatchSize: batchSize}
}

func reportPerRow(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/respondent")
}

// BenchmarkIngest100k: decoding, validation and the typed Arrow batches of
// 100k synthetic respondents (ingest.Read with an emit that does nothing).
func BenchmarkIngest100k(b *testing.B) {
	f := setup(b)
	st, _ := os.Stat(f.path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := ingest.Read(context.Background(), f.q, f.path, f.options(), func(arrow.Record) error { return nil })
		if err != nil || rep.Err() != nil || rep.Accepted != benchRows {
			b.Fatal(err, rep.Err())
		}
	}
	reportPerRow(b)
}

// read ingests the fixture once and keeps the batches.
func (f *fixture) read(b *testing.B) []arrow.Record {
	var recs []arrow.Record
	_, err := ingest.Read(context.Background(), f.q, f.path, f.options(), func(r arrow.Record) error {
		r.Retain()
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for _, r := range recs {
			r.Release()
		}
	})
	return recs
}

// BenchmarkResponsesParquet100k: the typed responses of 100k respondents
// written as Parquet (to io.Discard), batch by batch as the build streams
// them, by the bulk writer the build uses and by arrow/go's.
func BenchmarkResponsesParquet100k(b *testing.B) {
	f := setup(b)
	recs := f.read(b)
	for _, w := range []struct {
		name string
		opts []columnar.Option
	}{{"bulk", []columnar.Option{columnar.Bulk()}}, {"pqarrow", nil}} {
		b.Run("writer="+w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				pw, err := columnar.NewParquetWriter(io.Discard, columns.Schema(f.q), w.opts...)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					if err := pw.Write(r); err != nil {
						b.Fatal(err)
					}
				}
				if err := pw.Close(); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRow(b)
		})
	}
}

// BenchmarkCount100k: every published frequency table (aggregate.Counter)
// and the maturity rows (aggregate.Maturity.Batch) of 100k respondents.
func BenchmarkCount100k(b *testing.B) {
	f := setup(b)
	recs := f.read(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := aggregate.NewCounter(f.q, f.pub.Specs)
		if err != nil {
			b.Fatal(err)
		}
		mem := memory.NewGoAllocator()
		m := aggregate.NewMaturity(mem, f.q)
		for _, r := range recs {
			if err := c.Add(r); err != nil {
				b.Fatal(err)
			}
			m.Batch(mem, r).Release()
		}
		m.Release()
	}
	reportPerRow(b)
}
