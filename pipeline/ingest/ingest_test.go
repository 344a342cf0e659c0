package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
)

func TestReadGoodCSV(t *testing.T) {
	q := loadMinimal(t)
	res := readFile(t, q, "testdata/good.csv", Options{})
	noIssues(t, res.rep)
	checkRows(t, res.rows, goodRows)
	rep := res.rep
	if rep.Encoding != EncodingUTF8 || rep.Rows != 4 || rep.Accepted != 4 || rep.Rejected != 0 || res.batches != 1 {
		t.Errorf("report = %+v, batches %d", rep, res.batches)
	}
}

func TestBatchSize(t *testing.T) {
	q := loadMinimal(t)
	res := readFile(t, q, "testdata/good.csv", Options{BatchSize: 3, Year: 2016})
	if res.batches != 2 {
		t.Errorf("%d batches, want 2 (4 rows, 3 per batch)", res.batches)
	}
	want := []string{"2016-000001", "2016-000002", "2016-000003", "2016-000004"}
	for i, r := range res.rows {
		if r["respondent_id"] != want[i] {
			t.Errorf("row %d: respondent_id %v, want %s", i, r["respondent_id"], want[i])
		}
	}
}

func TestReadAllConcat(t *testing.T) {
	q := loadMinimal(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec, rep, err := ReadAll(context.Background(), q, "testdata/good.csv", Options{BatchSize: 1, Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	noIssues(t, rep)
	checkRows(t, rowsOf(t, rec), goodRows)
	if !rec.Schema().Equal(columns.Schema(q)) {
		t.Errorf("schema differs")
	}

	empty, err := Concat(mem, columns.Schema(q), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Release()
	if empty.NumRows() != 0 || !empty.Schema().Equal(columns.Schema(q)) {
		t.Errorf("empty concat: %d rows", empty.NumRows())
	}
}

// The same answers in Shift_JIS (BOM-less, Japanese header name) and UTF-8
// with BOM decode to the same rows as in UTF-8; the organisation column
// (identifying) is dropped.
func TestEncodings(t *testing.T) {
	q := loadMinimalPlus(t)
	q.IdentifyingColumns = []string{"組織名"}
	for _, tc := range []struct{ file, enc string }{
		{"testdata/good_ja.csv", EncodingUTF8},
		{"testdata/enc/sjis.csv", EncodingSJIS},
		{"testdata/enc/utf8bom.csv", EncodingUTF8BOM},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			res := readFile(t, q, tc.file, Options{})
			if res.rep.Encoding != tc.enc {
				t.Errorf("encoding %q, want %q", res.rep.Encoding, tc.enc)
			}
			// minimal-plus has item 1.7 ended, which these files lack.
			var codes []string
			for _, is := range res.rep.Issues {
				codes = append(codes, is.Code+" "+is.Column)
			}
			if !reflect.DeepEqual(codes, []string{"missing_column ended"}) {
				t.Fatalf("issues %v, want only the missing 1.7 column", codes)
			}
		})
	}
	// With the minimal questionnaire (no 1.7) the rows are those of good.csv.
	q = loadMinimal(t)
	q.IdentifyingColumns = []string{"組織名"}
	for _, file := range []string{"testdata/good_ja.csv", "testdata/enc/sjis.csv", "testdata/enc/utf8bom.csv"} {
		t.Run("rows/"+filepath.Base(file), func(t *testing.T) {
			res := readFile(t, q, file, Options{})
			noIssues(t, res.rep)
			checkRows(t, res.rows, goodRows)
			for _, r := range res.rows {
				for k, v := range r {
					if s, ok := v.(string); ok && (strings.Contains(s, "株式会社") || strings.Contains(s, "大学")) {
						t.Errorf("organisation name leaked into column %s", k)
					}
				}
			}
		})
	}
}

func TestEncodingRejected(t *testing.T) {
	q := loadMinimal(t)
	for _, tc := range []struct{ file, guess, value string }{
		{"testdata/enc/eucjp.csv", "EUC-JP", ""},
		{"testdata/enc/utf16le_bom.csv", "UTF-16 (little-endian, byte order mark FF FE)", "FF FE"},
		{"testdata/enc/utf16be.csv", "UTF-16 (big-endian, without byte order mark)", ""},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			res := readFile(t, q, tc.file, Options{Quarantine: true})
			rep := res.rep
			if len(res.rows) != 0 {
				t.Errorf("%d rows emitted from a file in the wrong encoding", len(res.rows))
			}
			if len(rep.Issues) != 1 {
				t.Fatalf("issues %v, want one", rep.Issues)
			}
			is := rep.Issues[0]
			if is.Code != CodeEncoding || is.Row != 0 || is.Severity != SeverityError || is.File != tc.file {
				t.Errorf("issue %+v", is)
			}
			if !strings.Contains(is.Message, "looks like "+tc.guess) {
				t.Errorf("message %q does not say it looks like %s", is.Message, tc.guess)
			}
			if tc.value != "" && is.Value != tc.value {
				t.Errorf("value %q, want %q", is.Value, tc.value)
			}
			// A file-level problem fails the read even under Quarantine.
			if err := rep.Err(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Err() = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	ja := "respondent_id,組織名\r\nr1,株式会社サンプル・テスト\r\n"
	for _, tc := range []struct {
		name string
		data []byte
		kind fileKind
		enc  string
	}{
		{"ascii", []byte("a,b\n1,2\n"), kindUTF8, EncodingUTF8},
		{"utf8", []byte(ja), kindUTF8, EncodingUTF8},
		{"bom", append([]byte{0xEF, 0xBB, 0xBF}, ja...), kindUTF8BOM, EncodingUTF8BOM},
		{"sjis", mustRead(t, "testdata/enc/sjis.csv"), kindSJIS, EncodingSJIS},
		{"eucjp", mustRead(t, "testdata/enc/eucjp.csv"), kindBad, "EUC-JP"},
		{"utf16le", []byte("a\x00,\x00b\x00\n\x00"), kindBad, "UTF-16LE"},
		{"utf32", []byte{0xFF, 0xFE, 0, 0, 'a', 0, 0, 0}, kindBad, "UTF-32LE"},
		{"jis", []byte("a,\x1b$B$\"\x1b(B\n"), kindBad, "ISO-2022-JP"},
		{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, kindBad, "OLE2 compound file"},
		{"zip", []byte("PK\x03\x04rest"), kindXLSX, EncodingXLSX},
		{"binary", []byte("a,b\n\x00\x01\x02\x03\x04\x05\x06\x07\x08"), kindBad, "binary"},
		{"latin1", []byte("name\ncaf\xe9 cr\xe8me br\xfbl\xe9e\n"), kindBad, "single-byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sniff(tc.data, true, false)
			if s.kind != tc.kind || s.name != tc.enc {
				t.Errorf("sniff = %+v, want kind %d %q", s, tc.kind, tc.enc)
			}
			if s.kind == kindBad && s.guess == "" {
				t.Errorf("no guess for a rejected encoding")
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A UTF-8 file whose invalid bytes come after the part the encoding is
// detected from: the cell is reported (row-level), the other rows are kept.
func TestEncodingLateInvalidCell(t *testing.T) {
	q := loadMinimal(t)
	var b bytes.Buffer
	b.WriteString("respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n")
	n := 0
	for b.Len() < sniffSize+1000 {
		n++
		b.WriteString("r" + strings.Repeat("x", 5) + itoa(n) + ",a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n")
	}
	b.WriteString("bad,b,caf\xe9,,5,2014-05,a,provided,inhouse,not_provided,,\n")
	path := filepath.Join(t.TempDir(), "late.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res := readFile(t, q, path, Options{Quarantine: true})
	rep := res.rep
	if rep.Encoding != EncodingUTF8 || len(rep.Issues) != 1 {
		t.Fatalf("encoding %s, issues %v", rep.Encoding, rep.Issues)
	}
	is := rep.Issues[0]
	if is.Code != CodeEncoding || is.Row != n+2 || is.Column != "kind__b__text" || is.Item != "1.1" || is.Value != "" {
		t.Errorf("issue %+v, want encoding at row %d column kind__b__text", is, n+2)
	}
	if len(res.rows) != n || rep.Rejected != 1 || len(rep.Rejects) != 1 || rep.Err() != nil {
		t.Errorf("%d rows emitted (want %d), rejected %d, err %v", len(res.rows), n, rep.Rejected, rep.Err())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestQuarantine(t *testing.T) {
	q := loadMinimal(t)
	data := "respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n" +
		"r1,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n" +
		"r2,z,,a,five,2014-05,a,provided,inhouse,not_provided,,\n" + // unknown_code, not_integer
		"r3,b,,,7,,b,,,,,\n" +
		"r1,a,,a;e,5,2014-05,a,provided,inhouse,not_provided,,\n" + // duplicate_id, exclusive_combined
		"r5,a,,e,,,,,,,,\n"
	read := func(quarantine bool) result {
		return readWith(t, q, Options{Quarantine: quarantine}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
			return Parse(q, "q.csv", []byte(data), o, emit)
		})
	}
	res := read(true)
	rep := res.rep
	if err := rep.Err(); err != nil {
		t.Fatalf("Err() under Quarantine = %v", err)
	}
	var ids []any
	for _, r := range res.rows {
		ids = append(ids, r["respondent_id"])
	}
	if !reflect.DeepEqual(ids, []any{"2015-000001", "2015-000003", "2015-000005"}) {
		t.Errorf("emitted %v", ids)
	}
	if rep.Rows != 5 || rep.Accepted != 3 || rep.Rejected != 2 {
		t.Errorf("rows %d accepted %d rejected %d", rep.Rows, rep.Accepted, rep.Rejected)
	}
	want := []Reject{
		{RespondentID: "2015-000002", Row: 3, Codes: []string{CodeUnknownCode, CodeNotInteger}},
		{RespondentID: "2015-000004", Row: 5, Codes: []string{CodeDuplicateID, CodeExclusiveCombined}},
	}
	if len(rep.Rejects) != len(want) {
		t.Fatalf("rejects %+v", rep.Rejects)
	}
	for i, w := range want {
		g := rep.Rejects[i]
		if g.RespondentID != w.RespondentID || g.Row != w.Row || !reflect.DeepEqual(g.Codes, w.Codes) || len(g.Messages) != len(g.Codes) {
			t.Errorf("reject %d = %+v, want %+v", i, g, w)
		}
	}
	if m := rep.Rejects[0].Messages[0]; !strings.HasPrefix(m, "kind: ") || !strings.Contains(m, "allowed: a, b or mixed") {
		t.Errorf("reject message %q", m)
	}
	for _, m := range rep.Rejects[1].Messages {
		if strings.Contains(m, "r1") {
			t.Errorf("raw respondent id in reject message %q", m)
		}
	}

	// Without Quarantine the same errors fail the read.
	res = read(false)
	err := res.rep.Err()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Err() = %v, want ErrInvalid", err)
	}
	for _, s := range []string{"q.csv", "4 error(s)", "duplicate_id 1", "exclusive_combined 1", "not_integer 1", "unknown_code 1"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if len(res.rep.Rejects) != 0 || res.rep.Rejected != 2 {
		t.Errorf("without Quarantine: rejects %v rejected %d", res.rep.Rejects, res.rep.Rejected)
	}
}

func TestTotalsCompleteWhenCapped(t *testing.T) {
	q := loadMinimal(t)
	var b strings.Builder
	b.WriteString("respondent_id,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n")
	for i := 0; i < 10; i++ {
		b.WriteString("r" + itoa(i) + ",z,,,x,,,,,,,\n") // unknown_code and not_integer per row
	}
	b.WriteString("good,a,,,,,,,,,,\n") // one row to build from (all rejected is an error)
	res := readWith(t, q, Options{MaxIssues: 3, Quarantine: true}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "dir/capped.csv", []byte(b.String()), o, emit)
	})
	rep := res.rep
	if len(rep.Issues) != 3 || !rep.Truncated {
		t.Fatalf("%d issues listed, truncated %v", len(rep.Issues), rep.Truncated)
	}
	if rep.Totals[CodeUnknownCode] != 10 || rep.Totals[CodeNotInteger] != 10 || len(rep.Totals) != 2 {
		t.Errorf("totals %v", rep.Totals)
	}
	if len(rep.Rejects) != 10 {
		t.Errorf("%d rejects, want 10 (rejects are not capped)", len(rep.Rejects))
	}
}

// Identifying columns are read and dropped, free text is validated and
// dropped: neither reaches the output.
func TestPrivateColumnsDropped(t *testing.T) {
	q := loadMinimal(t)
	q.IdentifyingColumns = []string{"organisation", "email"}
	data := "respondent_id,Organisation,email,kind,kind__b__text,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing,services__w__text\n" +
		"secret-id-1,株式会社ひみつ,a@example.jp,b,ひみつの自由記述,,3,,a,provided,,provided,inhouse,ひみつのサービス\n"
	res := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "p.csv", []byte(data), o, emit)
	})
	noIssues(t, res.rep)
	if len(res.rows) != 1 {
		t.Fatalf("%d rows", len(res.rows))
	}
	for k, v := range res.rows[0] {
		if s, ok := v.(string); ok && (strings.Contains(s, "ひみつ") || strings.Contains(s, "example") || strings.Contains(s, "secret")) {
			t.Errorf("column %s holds private value %q", k, s)
		}
	}
	for _, name := range []string{"Organisation", "organisation", "email", "kind__b__text", "services__w__text"} {
		if _, ok := res.rows[0][name]; ok {
			t.Errorf("column %s is in the output", name)
		}
	}
	if res.rows[0]["kind"] != "b" || res.rows[0]["respondent_id"] != "2015-000001" {
		t.Errorf("row %v", res.rows[0])
	}
}

// Multi items given as one 0/1 column per option.
func TestMultiFlags(t *testing.T) {
	q := loadMinimal(t)
	data := "respondent_id,kind,sources__a,sources__e,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n" +
		"r1,a,1,0,,,,,,,\n" +
		"r2,a,,,,,,,,,\n" + // all blank: no answer
		"r3,a,0,0,,,,,,,\n" + // answered, nothing chosen
		"r4,a,１,,,,,,,,\n" + // full-width 1; blank = not chosen
		"r5,b,,,,,,,,,\n" + // not asked
		"r6,b,0,0,,,,,,,\n" // not asked: unticked boxes exported as 0 are no answer
	res := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "f.csv", []byte(data), o, emit)
	})
	noIssues(t, res.rep)
	want := []struct {
		asked   any
		list    any
		fa, fe  any
		comment string
	}{
		{true, []string{"a"}, true, false, "a chosen"},
		{true, nil, nil, nil, "no answer"},
		{true, []string{}, false, false, "nothing chosen"},
		{true, []string{"a"}, true, false, "full-width"},
		{false, nil, nil, nil, "not asked"},
		{false, nil, nil, nil, "not asked, 0 flags"},
	}
	if len(res.rows) != len(want) {
		t.Fatalf("%d rows", len(res.rows))
	}
	for i, w := range want {
		r := res.rows[i]
		got := []any{r["sources__asked"], r["sources"], r["sources__a"], r["sources__e"]}
		if !reflect.DeepEqual(got, []any{w.asked, w.list, w.fa, w.fe}) {
			t.Errorf("%s: got %v", w.comment, got)
		}
	}
}

func TestMapping(t *testing.T) {
	q := loadMinimal(t)
	m, err := ParseMapping("mapping.yaml", []byte(`
columns:
  ID: respondent_id
  " Q1 ": kind
values:
  kind:
    甲: a
    その他: b
  sources:
    いろいろ: a
`))
	if err != nil {
		t.Fatal(err)
	}
	data := "ID,Q1,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n" +
		"r1,甲,いろいろ;e,,,,,,,\n" +
		"r2,その他,,,,,,,,\n"
	res := readWith(t, q, Options{Mapping: m}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "m.csv", []byte(data), o, emit)
	})
	// r1 chose a and e: e is exclusive.
	if len(res.rep.Issues) != 1 || res.rep.Issues[0].Code != CodeExclusiveCombined || res.rep.Issues[0].Column != "sources" {
		t.Fatalf("issues %v", res.rep.Issues)
	}
	if len(res.rows) != 1 || res.rows[0]["kind"] != "b" {
		t.Errorf("rows %v", res.rows)
	}

	for _, tc := range []struct{ yaml, want string }{
		{"columns:\n  a: kind\n  b: kind\n", "m.yaml:3:6: columns: raw column \"b\" is mapped to \"kind\", which line 2 already maps to"},
		{"colums:\n  a: kind\n", "m.yaml:1: unknown key \"colums\""},
		{"columns:\n  a: \"\"\n", "m.yaml:2:6: columns: raw column \"a\" is mapped to an empty name"},
		{"values:\n  kind:\n    x: \"\"\n", "m.yaml:3:8: values kind: raw value \"x\" is mapped to an empty value"},
		{"columns: [a\n", "m.yaml:1: "},
	} {
		_, err := ParseMapping("m.yaml", []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseMapping(%q) = %v, want %q", tc.yaml, err, tc.want)
		}
	}
	if _, err := LoadMapping("testdata/none.yaml"); err == nil {
		t.Errorf("LoadMapping of a missing file: no error")
	}
}

func TestOptionsOrderUnknownItem(t *testing.T) {
	q := loadMinimal(t)
	_, err := Parse(q, "x.csv", []byte("respondent_id\n"), Options{Order: [][2]string{{"1.4", "1.3"}}}, func(arrow.Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `"1.3"`) {
		t.Errorf("err = %v, want an error naming 1.3 (an integer item)", err)
	}
}

func TestEmitErrorStops(t *testing.T) {
	q := loadMinimal(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	stop := errors.New("stop")
	calls := 0
	_, err := Read(context.Background(), q, "testdata/good.csv", Options{BatchSize: 1, Mem: mem}, func(arrow.Record) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestEmptyFile(t *testing.T) {
	q := loadMinimal(t)
	res := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "empty.csv", nil, o, emit)
	})
	if len(res.rep.Issues) != 1 || res.rep.Issues[0].Code != CodeMissingID || res.rep.Err() == nil {
		t.Errorf("issues %v", res.rep.Issues)
	}
}

// Records handed to emit are released after it returns; one that is
// retained stays valid.
func TestEmitRetain(t *testing.T) {
	q := loadMinimal(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var kept arrow.Record
	_, err := Read(context.Background(), q, "testdata/good.csv", Options{Mem: mem}, func(r arrow.Record) error {
		r.Retain()
		kept = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if kept.NumRows() != 4 || kept.Column(0).(*array.String).Value(3) != "2015-000004" {
		t.Errorf("kept record %v", kept)
	}
	kept.Release()
}

// A ticked box of an item not asked is an error; derived columns
// (<id>__asked, <id>__coded) are not raw columns.
func TestNotAskedFlagAndDerivedColumns(t *testing.T) {
	q := loadMinimal(t)
	data := "respondent_id,kind,sources__a,sources__e,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n" +
		"r1,b,1,0,,,,,,,\n"
	res := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "f.csv", []byte(data), o, emit)
	})
	if len(res.rep.Issues) != 1 || res.rep.Issues[0].Code != CodeNotAsked || res.rep.Issues[0].Column != "sources__a" || res.rep.Issues[0].Value != "1" {
		t.Errorf("issues %v", res.rep.Issues)
	}

	q15 := load2015(t)
	res = readWith(t, q15, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q15, "d.csv", []byte("respondent_id,inquiry_sources__asked,founding_members__coded\nr1,true,unknown\n"), o, emit)
	})
	var hints []string
	for _, is := range res.rep.Issues {
		if is.Code == CodeUnknownColumn {
			hints = append(hints, is.Column+": "+is.Message)
		}
	}
	if len(hints) != 2 || !strings.Contains(hints[0], "derived from the relevance rule") ||
		!strings.Contains(hints[1], "give the coded category (virtual_fluid or unknown) in column founding_members") {
		t.Errorf("unknown_column issues %q", hints)
	}
	if res.rep.Totals[CodeMissingColumn] != len(q15.Items) {
		t.Errorf("missing_column %d, want one per item (%d)", res.rep.Totals[CodeMissingColumn], len(q15.Items))
	}
}
