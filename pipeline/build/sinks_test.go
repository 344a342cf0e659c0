package build

import (
	"errors"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// countingSink counts rows; it fails at the batch failAt (0: never).
type countingSink struct {
	rows, batches, failAt int
	closed                bool
}

func (s *countingSink) Write(rec arrow.Record) error {
	s.batches++
	if s.batches == s.failAt {
		return errors.New("sink failed")
	}
	s.rows += int(rec.NumRows())
	return nil
}

func (s *countingSink) Close() error { s.closed = true; return nil }

func batches(t *testing.T, mem memory.Allocator, n int) []arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int32}}, nil)
	var out []arrow.Record
	for i := 0; i < n; i++ {
		b := array.NewRecordBuilder(mem, schema)
		b.Field(0).(*array.Int32Builder).AppendValues([]int32{1, 2, 3}, nil)
		out = append(out, b.NewRecord())
		b.Release()
	}
	return out
}

// Every sink sees every batch, and every reference is released.
func TestFanoutDeliversAndReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, b := &countingSink{}, &countingSink{}
	f := newFanout([]sink{a, b})
	for _, rec := range batches(t, mem, 5) {
		if err := f.Send(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := f.Wait(); err != nil {
		t.Fatal(err)
	}
	if a.rows != 15 || b.rows != 15 {
		t.Errorf("rows seen %d and %d, want 15", a.rows, b.rows)
	}
}

// A failing sink's error is what Wait returns, Send then refuses more
// batches, and the other sinks are not stopped by it.
func TestFanoutReportsSinkError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bad, good := &countingSink{failAt: 2}, &countingSink{}
	f := newFanout([]sink{bad, good})
	refused := false
	for _, rec := range batches(t, mem, 50) {
		if err := f.Send(rec); err != nil {
			if !errors.Is(err, errSinkFailed) {
				t.Errorf("Send = %v, want errSinkFailed", err)
			}
			refused = true
		}
		rec.Release()
	}
	err := f.Wait()
	if err == nil || err.Error() != "sink failed" {
		t.Fatalf("Wait = %v, want the sink's error", err)
	}
	if !refused {
		t.Error("Send accepted every batch after the sink failed")
	}
	if good.batches < 2 {
		t.Errorf("the good sink saw %d batches", good.batches)
	}
}
