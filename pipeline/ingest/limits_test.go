package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// bounded runs read and fails when it took more than 5 s (times slowdown
// under the race detector) or allocated more than 256 MiB in all (issue 17:
// hostile files fail fast in bounded memory).
func bounded(t *testing.T, read func()) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	read()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("took %s, allocated %d MiB", took.Round(time.Millisecond), alloc>>20)
	if took > slowdown*5*time.Second || alloc > 256<<20 {
		t.Errorf("took %s and allocated %d MiB; want under 5 s and 256 MiB", took, alloc>>20)
	}
}

// onlyIssue checks that rep has exactly one issue, of code, fatal to the file.
func onlyIssue(t *testing.T, rep *Report, code string, row int) Issue {
	t.Helper()
	if len(rep.Issues) != 1 || rep.Issues[0].Code != code || rep.Issues[0].Row != row {
		t.Fatalf("issues %v; want one %s at row %d", rep.Issues, code, row)
	}
	if rep.Usable() || rep.Err() == nil {
		t.Errorf("%s: the file is still usable (Err %v)", code, rep.Err())
	}
	if len(rep.Issues[0].Message) > 600 {
		t.Errorf("message of %d bytes: %.200s...", len(rep.Issues[0].Message), rep.Issues[0].Message)
	}
	return rep.Issues[0]
}

// readPath reads path with the minimal questionnaire under quarantine and
// counts the rows emitted.
func readPath(t *testing.T, path string, opt Options) (*Report, int) {
	t.Helper()
	q := loadMinimal(t)
	opt.Quarantine = true
	var rows int
	var rep *Report
	bounded(t, func() {
		var err error
		rep, err = Read(context.Background(), q, path, opt, func(r arrow.Record) error { rows += int(r.NumRows()); return nil })
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	})
	return rep, rows
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// zerosDeflate returns a raw DEFLATE stream of n MiB of zero bytes, built
// without compressing them all: after the first MiB the compressor emits the
// same bytes for every further MiB (checked here).
func zerosDeflate(t *testing.T, mib int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	zero := make([]byte, 1<<20)
	var chunks [][]byte
	for range 3 {
		n := buf.Len()
		w.Write(zero)
		w.Flush()
		chunks = append(chunks, bytes.Clone(buf.Bytes()[n:]))
	}
	if !bytes.Equal(chunks[1], chunks[2]) {
		t.Fatal("the compressor's output for a MiB of zeros is not steady")
	}
	out := append(bytes.Clone(chunks[0]), bytes.Repeat(chunks[1], mib-1)...)
	var end bytes.Buffer
	fw, _ := flate.NewWriter(&end, flate.BestCompression)
	fw.Close() // an empty final block
	return append(out, end.Bytes()...)
}

// bombXLSX returns a valid workbook (good.csv) with one more part that
// expands to mib MiB of zeros.
func bombXLSX(t *testing.T, mib int) []byte {
	t.Helper()
	good := xlsxFromCSV(t, "testdata/good.csv")
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	crc := crc32.NewIEEE()
	zero := make([]byte, 1<<20)
	for range mib {
		crc.Write(zero)
	}
	body := zerosDeflate(t, mib)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/media/image1.bin", Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(mib) << 20})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The crafted part is a real ZIP bomb: it expands to what it declares.
func TestBombXLSXIsReal(t *testing.T) {
	data := bombXLSX(t, 64)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/media/image1.bin" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil || n != 64<<20 {
			t.Fatalf("expanded %d bytes, err %v", n, err)
		}
		t.Logf("%d bytes expand to %d", f.CompressedSize64, n)
		return
	}
	t.Fatal("no bomb part")
}

// A 2 MB workbook that expands to 2 GiB is refused from its central
// directory: nothing is expanded.
func TestLimitXLSXBytes(t *testing.T) {
	data := bombXLSX(t, 2048)
	t.Logf("workbook of %d bytes", len(data))
	path := writeTemp(t, "responses.xlsx", data)
	rep, rows := readPath(t, path, Options{})
	is := onlyIssue(t, rep, CodeXLSXTooLarge, 0)
	if rows != 0 || !strings.Contains(is.Message, "--max-xlsx-bytes") {
		t.Errorf("%d rows; message %q", rows, is.Message)
	}
	// The limit can be raised (here: the ratio still stops it).
	rep, _ = readPath(t, path, Options{Limits: Limits{XLSXBytes: 4 << 30}})
	if is := onlyIssue(t, rep, CodeXLSXTooLarge, 0); !strings.Contains(is.Message, "--max-xlsx-ratio") {
		t.Errorf("message %q", is.Message)
	}
}

// A part within the size limit that expands a thousand times is a bomb too.
func TestLimitXLSXRatio(t *testing.T) {
	data := bombXLSX(t, 16)
	path := writeTemp(t, "responses.xlsx", data)
	rep, _ := readPath(t, path, Options{})
	is := onlyIssue(t, rep, CodeXLSXTooLarge, 0)
	if !strings.Contains(is.Message, "xl/media/image1.bin expands") {
		t.Errorf("message %q", is.Message)
	}
	// With both limits off the workbook is read (its sheet is good.csv).
	_, rows := readPath(t, path, Options{Limits: Limits{XLSXRatio: -1}})
	if rows != len(goodRows) {
		t.Errorf("%d rows with the ratio limit off, want %d", rows, len(goodRows))
	}
}

const goodHeader = "respondent_id,provenance,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n"

// A 50 MB cell stops the CSV reader after about --max-row-bytes.
func TestLimitRowBytes(t *testing.T) {
	big := strings.Repeat("x", 50<<20)
	data := goodHeader + "r1,,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n" +
		"r2,,b," + big + ",,5,,,,,,,\n"
	path := writeTemp(t, "responses.csv", []byte(data))
	big, data = "", ""
	rep, rows := readPath(t, path, Options{})
	if is := onlyIssue(t, rep, CodeRowTooLong, 3); !strings.Contains(is.Message, "--max-row-bytes") {
		t.Errorf("message %q", is.Message)
	}
	if rows != 0 {
		t.Errorf("%d rows emitted from an unusable file", rows)
	}
	// A 50 MB header cell is stopped the same way, at row 1.
	path = writeTemp(t, "header.csv", []byte("respondent_id,"+strings.Repeat("y", 50<<20)+"\nr1,\n"))
	rep, _ = readPath(t, path, Options{})
	onlyIssue(t, rep, CodeRowTooLong, 1)
}

// A cell over --max-cell-bytes rejects its row; the value is not echoed.
func TestLimitCellBytes(t *testing.T) {
	cell := strings.Repeat("自由記述", 20000) // 240 000 bytes
	data := goodHeader + "r1,,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n" +
		"r2,,b," + cell + ",,5,,,,,,,\n"
	path := writeTemp(t, "responses.csv", []byte(data))
	rep, rows := readPath(t, path, Options{})
	if len(rep.Issues) != 1 || rep.Issues[0].Code != CodeCellTooLong || rep.Issues[0].Row != 3 || rep.Issues[0].Column != "kind__b__text" {
		t.Fatalf("issues %v", rep.Issues)
	}
	is := rep.Issues[0]
	if rows != 1 || rep.Rejected != 1 || len(is.Value) > 200 || strings.Contains(is.Value, "自由記述") ||
		!strings.Contains(is.Value, "80000 characters, sha256 ") {
		t.Errorf("%d rows, %d rejected, value %q", rows, rep.Rejected, is.Value)
	}
	// Raised, the cell is read (free text, dropped).
	rep, rows = readPath(t, path, Options{Limits: Limits{CellBytes: 1 << 20}})
	if len(rep.Issues) != 0 || rows != 2 {
		t.Errorf("raised limit: %d rows, issues %v", rows, rep.Issues)
	}
}

// A header of 10^6 columns is refused before any column is looked at.
func TestLimitColumns(t *testing.T) {
	header := "respondent_id" + strings.Repeat(",c", 1_000_000) + "\n"
	path := writeTemp(t, "responses.csv", []byte(header+"r1"+strings.Repeat(",", 1_000_000)+"\n"))
	rep, _ := readPath(t, path, Options{})
	if is := onlyIssue(t, rep, CodeTooManyColumns, 1); !strings.Contains(is.Message, "1000001 columns") {
		t.Errorf("message %q", is.Message)
	}
}

// A 2 MB column name is refused without comparing it with anything; the
// message quotes 32 characters of it.
func TestLimitColumnNameBytes(t *testing.T) {
	name := strings.Repeat("n", 2<<20)
	path := writeTemp(t, "responses.csv", []byte("respondent_id,"+name+"\nr1,x\n"))
	rep, _ := readPath(t, path, Options{})
	is := onlyIssue(t, rep, CodeColumnNameTooLong, 1)
	if is.Column != "#2" || !strings.Contains(is.Message, "(2097152 bytes, sha256 ") {
		t.Errorf("issue %+v", is)
	}
}

// Only the first few unknown columns get a "did you mean": 5000 misspelt
// names cost no more than five.
func TestSuggestionsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(goodHeader, "\n"))
	for i := range 5000 {
		b.WriteString(",services__a__provisio" + itoa(i))
	}
	path := writeTemp(t, "responses.csv", []byte(b.String()+"\n"))
	rep, _ := readPath(t, path, Options{})
	if rep.Totals[CodeUnknownColumn] != 5000 {
		t.Fatalf("totals %v", rep.Totals)
	}
	n := 0
	for _, is := range rep.Issues {
		if strings.Contains(is.Message, "did you mean") {
			n++
		}
	}
	if n != maxSuggestions {
		t.Errorf("%d suggestions, want %d", n, maxSuggestions)
	}
}

// Echoed values and names are capped: a 10 000-character bad code is quoted
// by its first characters, its length and a hash.
func TestEchoCapped(t *testing.T) {
	q := loadMinimal(t)
	long := strings.Repeat("z", 10000)
	data := goodHeader + "r1,,a,,a,5,2014-05," + long + ",provided,inhouse,not_provided,,\n" +
		"r2,,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n"
	res := readWith(t, q, Options{Quarantine: true}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "long.csv", []byte(data), o, emit)
	})
	if len(res.rep.Issues) != 1 {
		t.Fatalf("issues %v", res.rep.Issues)
	}
	is := res.rep.Issues[0]
	if len(is.Value) > 100 || len(is.Message) > 300 || !strings.Contains(is.Value, "10000 characters, sha256 ") {
		t.Errorf("value %q (%d bytes), message %d bytes", is.Value, len(is.Value), len(is.Message))
	}
	if got := excerpt(long); len(got) > 80 || !strings.HasSuffix(got, "(10000 bytes, sha256 "+got[len(got)-9:]) {
		t.Errorf("excerpt = %q", got)
	}
	if excerpt("short") != "short" {
		t.Error("a short name is changed")
	}
}
