package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
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
	rep, err := Read(q, path, Options{BatchSize: 500, Mem: mem, Quarantine: true}, func(r arrow.Record) error {
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
	if len(sizes) != 20 {
		t.Fatalf("%d batches, want 20", len(sizes))
	}
	for i, s := range sizes {
		if s > 2*sizes[0] {
			t.Errorf("batch %d: %d bytes allocated, the first batch had %d", i, s, sizes[0])
		}
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
		if _, err := Read(q, path, Options{Quarantine: true}, func(arrow.Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
