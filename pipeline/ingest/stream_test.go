package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// bigCSV writes n rows for the minimal questionnaire; with bad, every
// second row has an error (exclusive_combined).
func bigCSV(tb testing.TB, n int, bad bool) string {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n")
	for i := 0; i < n; i++ {
		if bad && i%2 == 1 {
			b.WriteString("r" + strconv.Itoa(i) + ",a,,a;e,５,2014年5月,b,provided,inhouse,not_provided,,\n")
		} else {
			b.WriteString("r" + strconv.Itoa(i) + ",a,,a,12,2014/5,b,provided,inhouse,not_provided,,\n")
		}
	}
	path := filepath.Join(tb.TempDir(), "big.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// The Arrow memory held while reading does not grow with the number of rows:
// builders are emptied at every batch.
func TestStreamingMemoryBounded(t *testing.T) {
	q := loadMinimal(t)
	path := bigCSV(t, 20000, true)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var sizes []int
	rows := 0
	rep, err := Read(context.Background(), q, path, Options{BatchSize: 500, Mem: mem, Quarantine: true}, func(r arrow.Record) error {
		sizes = append(sizes, mem.CurrentAlloc())
		rows += int(r.NumRows())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != 10000 || rep.Rejected != 10000 || rep.Totals[CodeExclusiveCombined] != 10000 {
		t.Fatalf("rows %d, rejected %d, totals %v", rows, rep.Rejected, rep.Totals)
	}
	// A record holds the accepted rows of BatchSize data rows: 250 of 500.
	if len(sizes) != 40 {
		t.Fatalf("%d batches, want 40", len(sizes))
	}
	// What is allocated when a record is emitted depends on how far the
	// parallel workers are; it must not grow with the rows read.
	early, late := slices.Max(sizes[:10]), slices.Max(sizes[len(sizes)-10:])
	if late > 2*early {
		t.Errorf("the last 10 batches held up to %d bytes, the first 10 up to %d: memory grows with the rows", late, early)
	}
	if len(rep.Issues) != DefaultMaxIssues || !rep.Truncated {
		t.Errorf("%d issues listed, truncated %v", len(rep.Issues), rep.Truncated)
	}
}

func BenchmarkReadCSV(b *testing.B) {
	q := loadMinimal(b)
	path := bigCSV(b, 10000, false)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(context.Background(), q, path, Options{Quarantine: true}, func(arrow.Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// Under quarantine, a row whose only error is a duplicate id is dropped from
// the record its chunk was evaluated into (the duplicate check runs in file
// order after the parallel evaluation), within one chunk and across chunks,
// and the report is the same whatever the batch size.
func TestDuplicateIDsAcrossChunks(t *testing.T) {
	q := loadMinimal(t)
	const header = "respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n"
	row := func(id string) string { return id + ",a,,a,12,2014/5,b,provided,inhouse,not_provided,,\n" }
	data := header + row("x") + row("y") + row("x") + row("z") + row("y") + row("w") + row("z")
	path := filepath.Join(t.TempDir(), "dup.csv")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var first *Report
	for _, size := range []int{1, 2, 3, 100} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var ids []string
		rep, err := Read(context.Background(), q, path, Options{BatchSize: size, Mem: mem, Quarantine: true}, func(r arrow.Record) error {
			col := r.Column(0).(*array.String)
			for i := 0; i < col.Len(); i++ {
				ids = append(ids, col.Value(i))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"2015-000001", "2015-000002", "2015-000004", "2015-000006"}
		if !slices.Equal(ids, want) {
			t.Errorf("batch size %d: emitted %v, want %v", size, ids, want)
		}
		if rep.Accepted != 4 || rep.Rejected != 3 || rep.Totals[CodeDuplicateID] != 3 {
			t.Errorf("batch size %d: accepted %d, rejected %d, totals %v", size, rep.Accepted, rep.Rejected, rep.Totals)
		}
		var rows []int
		for _, rj := range rep.Rejects {
			rows = append(rows, rj.Row)
		}
		if !slices.Equal(rows, []int{4, 6, 8}) {
			t.Errorf("batch size %d: rejected rows %v, want [4 6 8]", size, rows)
		}
		if first == nil {
			first = rep
		} else if !reflect.DeepEqual(rep.Issues, first.Issues) {
			t.Errorf("batch size %d: issues differ from batch size 1:\n%+v\n%+v", size, rep.Issues, first.Issues)
		}
		mem.AssertSize(t, 0)
	}
}

// A failing emit (a sink that could not write) ends the read with its error,
// nothing after the failed batch is booked, and the reader stops early.
func TestEmitErrorStopsReading(t *testing.T) {
	q := loadMinimal(t)
	path := bigCSV(t, 20000, false)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	boom := errors.New("disk full")
	batches := 0
	rep, err := Read(context.Background(), q, path, Options{BatchSize: 100, Mem: mem}, func(r arrow.Record) error {
		batches++
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Read returned %v, want the emit error", err)
	}
	if batches != 1 || rep.Rows != 100 {
		t.Errorf("%d batches emitted, %d rows booked; want 1 and 100", batches, rep.Rows)
	}
}
