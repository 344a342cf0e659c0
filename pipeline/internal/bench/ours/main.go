// Command ours runs our side of `make bench` on one raw responses file: the
// work of csirtsurvey build's responses stage (pipeline/build/responses.go),
// called directly because the build itself cannot finish on synthetic data
// (see BENCHMARKS.md): ingest and validation, the typed responses dataset as
// Parquet, every published frequency table (aggregate.Counter) and the SIM3
// maturity levels (aggregate.Maturity), each written as Parquet under -out.
// With -full it also writes what the build adds (Arrow IPC of the responses,
// the long answers dataset, the crosstabs).
//
// It prints one JSON object: rows, accepted, and the seconds of each phase:
// load (questionnaire and tables), stream (ingest and validation, and per
// batch as the build streams them: the typed batch written as Parquet, its
// maturity rows written as Parquet, its respondents counted by every table),
// frequencies (the frequency tables and the validation as Parquet), and with
// -full crosstabs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/aggregate"
	"github.com/csirt-survey/csirt-survey/pipeline/answers"
	"github.com/csirt-survey/csirt-survey/pipeline/columnar"
	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/synth"
	"github.com/csirt-survey/csirt-survey/pipeline/validation"
)

// BatchSize is the ingest batch size of the build (pipeline/build/responses.go).
const BatchSize = 65536

func main() {
	schemas := flag.String("schemas", "schemas", "schemas directory")
	raw := flag.String("raw", "raw", "raw directory (for <year>/published)")
	year := flag.Int("year", 0, "survey year (required)")
	in := flag.String("in", "", "raw responses CSV")
	out := flag.String("out", "", "output directory")
	batch := flag.Int("batch", BatchSize, "ingest batch size (rows per record batch)")
	full := flag.Bool("full", false, "also write the Arrow IPC responses, the answers dataset and the crosstabs, as the build does")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.StringVar(&memprofile, "memprofile", "", "write a heap profile to this file when the input has been read (before the writers close)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ours:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *in == "" || *out == "" || *year == 0 {
		fmt.Fprintln(os.Stderr, "usage: ours -year YYYY -in FILE.csv -out DIR [-schemas schemas] [-raw raw] [-full]")
		os.Exit(2)
	}
	res, err := run(*schemas, *raw, *year, *in, *out, *batch, *full)
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "ours:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

var memprofile string

// Result is what one run did.
type Result struct {
	Rows     int                `json:"rows"`
	Accepted int                `json:"accepted"`
	Phases   map[string]float64 `json:"phases"`
}

type fileWriter struct {
	f *os.File
	w *columnar.ParquetWriter
}

func newFile(path string, schema *arrow.Schema) (*fileWriter, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := columnar.NewParquetWriter(f, schema)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileWriter{f, w}, nil
}

// Close finishes the Parquet file (pqarrow closes the file itself).
func (fw *fileWriter) Close() error {
	err := fw.w.Close()
	if cerr := fw.f.Close(); err == nil && cerr != nil && !errors.Is(cerr, os.ErrClosed) {
		err = cerr
	}
	return err
}

func writeRecord(path string, rec arrow.Record) error {
	fw, err := newFile(path, rec.Schema())
	if err != nil {
		return err
	}
	if err := fw.w.Write(rec); err != nil {
		fw.Close()
		return err
	}
	return fw.Close()
}

func run(schemas, raw string, year int, in, out string, batch int, full bool) (*Result, error) {
	res := &Result{Phases: map[string]float64{}}
	t0 := time.Now()
	lap := func(name string) {
		res.Phases[name] = time.Since(t0).Seconds()
		t0 = time.Now()
	}
	q, pub, err := synth.LoadYear(schemas, raw, year)
	if err != nil {
		return nil, err
	}
	prof, err := survey.LoadYear(schemas, year)
	if err != nil {
		return nil, err
	}
	lap("load")

	mem := memory.NewGoAllocator()
	schema := columns.Schema(q)
	respPq, err := newFile(columnar.PartitionPath(out, "responses", year), schema)
	if err != nil {
		return nil, err
	}
	counter, err := aggregate.NewCounter(q, pub.Specs)
	if err != nil {
		return nil, err
	}
	maturity := aggregate.NewMaturity(mem, q)
	defer maturity.Release()
	matPq, err := newFile(columnar.PartitionPath(out, "maturity", year), aggregate.MaturitySchema)
	if err != nil {
		return nil, err
	}

	var ipcFile *os.File
	var ipcW *columnar.IPCWriter
	var ansPq *fileWriter
	var reshaper *answers.Reshaper
	var crosstabs []*aggregate.Crosstab
	if full {
		p := columnar.IPCPath(out, "responses", year)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if ipcFile, err = os.Create(p); err != nil {
			return nil, err
		}
		defer ipcFile.Close()
		if ipcW, err = columnar.NewIPCWriter(ipcFile, schema); err != nil {
			return nil, err
		}
		if ansPq, err = newFile(columnar.PartitionPath(out, "answers", year), answers.Schema); err != nil {
			return nil, err
		}
		reshaper = answers.New(mem, q)
		for _, pair := range prof.Crosstabs {
			a, b := pub.Spec(pair.Rows), pub.Spec(pair.Cols)
			if a == nil || b == nil {
				continue
			}
			x, err := aggregate.NewCrosstab(q, a, b)
			if err != nil {
				return nil, err
			}
			crosstabs = append(crosstabs, x)
		}
	}

	opt := ingest.Options{Year: year, Order: prof.DateOrder(), BatchSize: batch}
	rep, err := ingest.Read(context.Background(), q, in, opt, func(rec arrow.Record) error {
		if err := respPq.w.Write(rec); err != nil {
			return err
		}
		if full {
			if err := ipcW.Write(rec); err != nil {
				return err
			}
			long := reshaper.Batch(rec)
			defer long.Release()
			if err := ansPq.w.Write(long); err != nil {
				return err
			}
			for _, x := range crosstabs {
				if err := x.Add(rec); err != nil {
					return err
				}
			}
		}
		levels := maturity.Batch(mem, rec)
		err := matPq.w.Write(levels)
		levels.Release()
		if err != nil {
			return err
		}
		return counter.Add(rec)
	})
	if err != nil {
		return nil, err
	}
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return nil, err
		}
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	res.Rows, res.Accepted = rep.Rows, rep.Accepted
	if err := rep.Err(); err != nil {
		for _, is := range rep.Issues[:min(5, len(rep.Issues))] {
			fmt.Fprintln(os.Stderr, is)
		}
		return nil, err
	}
	if err := respPq.Close(); err != nil {
		return nil, err
	}
	if err := matPq.Close(); err != nil {
		return nil, err
	}
	if full {
		if err := ipcW.Close(); err != nil {
			return nil, err
		}
		if err := ansPq.Close(); err != nil {
			return nil, err
		}
	}
	lap("stream")

	val := validation.Record(mem, rep)
	defer val.Release()
	if err := writeRecord(columnar.PartitionPath(out, "validation", year), val); err != nil {
		return nil, err
	}
	freq := aggregate.FrequenciesRecord(mem, counter.Rows())
	defer freq.Release()
	if err := writeRecord(columnar.PartitionPath(out, "frequencies", year), freq); err != nil {
		return nil, err
	}
	lap("frequencies")
	if full {
		for i, x := range crosstabs {
			r, err := x.Record(mem)
			if err != nil {
				return nil, err
			}
			err = writeRecord(filepath.Join(out, "crosstabs", fmt.Sprintf("year=%d", year), fmt.Sprintf("part-%d.parquet", i)), r)
			r.Release()
			if err != nil {
				return nil, err
			}
		}
		lap("crosstabs")
	}
	return res, nil
}
