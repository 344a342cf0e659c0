package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

func parseQ(t *testing.T, name string, data []byte, opt Options) result {
	t.Helper()
	q := loadMinimal(t)
	return readWith(t, q, opt, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, name, data, o, emit)
	})
}

// A header without data rows is invalid input, not an empty survey.
func TestHeaderOnly(t *testing.T) {
	for _, quarantine := range []bool{false, true} {
		res := parseQ(t, "header.csv", []byte(goodHeader), Options{Quarantine: quarantine})
		if len(res.rep.Issues) != 1 || res.rep.Issues[0].Code != CodeNoRows || res.rep.Issues[0].Row != 1 ||
			!errors.Is(res.rep.Err(), ErrInvalid) {
			t.Errorf("quarantine %v: issues %v, err %v", quarantine, res.rep.Issues, res.rep.Err())
		}
	}
}

// Under quarantine, a file whose every row is rejected fails: nothing is
// left to build from.
func TestQuarantineAllRejected(t *testing.T) {
	data := goodHeader + "r1,,z,,,,,,,,,,\nr2,,z,,,,,,,,,,\n"
	res := parseQ(t, "bad.csv", []byte(data), Options{Quarantine: true})
	rep := res.rep
	last := rep.Issues[len(rep.Issues)-1]
	if last.Code != CodeAllRejected || !strings.Contains(last.Message, "every one of the 2 data rows") ||
		!errors.Is(rep.Err(), ErrInvalid) || len(rep.Rejects) != 2 || len(res.rows) != 0 {
		t.Errorf("issues %v, err %v, %d rejects", rep.Issues, rep.Err(), len(rep.Rejects))
	}
}

// a;a is accepted, counted once, with a warning.
func TestRepeatedCodeWarning(t *testing.T) {
	data := goodHeader + "r1,,a,,a;a,5,2014-05,a,provided,inhouse,not_provided,,\n"
	res := parseQ(t, "twice.csv", []byte(data), Options{})
	rep := res.rep
	if len(rep.Issues) != 1 || rep.Issues[0].Code != CodeRepeatedCode || rep.Issues[0].Severity != SeverityWarning ||
		rep.Issues[0].Row != 2 || rep.Issues[0].Column != "sources" || rep.Err() != nil {
		t.Fatalf("issues %v, err %v", rep.Issues, rep.Err())
	}
	if got := res.rows[0]["sources"]; len(got.([]string)) != 1 {
		t.Errorf("sources = %v, want [a]", got)
	}
}

// An integer beyond int32 states the real allowed range.
func TestInt32RangeMessage(t *testing.T) {
	data := goodHeader + "r1,,a,,a,99999999999,2014-05,a,provided,inhouse,not_provided,,\nr2,,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n"
	res := parseQ(t, "big.csv", []byte(data), Options{Quarantine: true})
	if len(res.rep.Issues) != 1 || !strings.Contains(res.rep.Issues[0].Message, "allowed: a whole number between 0 and 2147483647") {
		t.Errorf("issues %v", res.rep.Issues)
	}
}

// One bad byte in the first 64 KiB of a UTF-8 or Shift_JIS file is reported
// at its row and column; the file's encoding is still named right.
func TestEncodingErrorHasRow(t *testing.T) {
	utf8 := []byte(goodHeader + "r1,,a,,a,5,2014-05,a,provided,inhouse,not_provided,,\n" +
		"r2,,b,caf\xe9 au lait,,5,2014-05,a,provided,inhouse,not_provided,,\n" +
		"r3,,b,自由記述,,5,2014-05,a,provided,inhouse,not_provided,,\n")
	sjis := mustRead(t, "testdata/enc/sjis.csv")
	// Corrupt the second byte of the first kanji of row 3 (テスト大学 ... is row 3's): 0x81 0x20 is no character.
	i := bytes.Index(sjis, []byte("\nr2,"))
	j := i + bytes.IndexFunc(sjis[i:], func(r rune) bool { return r >= 0x80 || r == 0xFFFD })
	bad := bytes.Clone(sjis)
	bad[j], bad[j+1] = 0x81, 0x20
	for _, tc := range []struct {
		name string
		data []byte
		enc  string
		row  int
		col  string
	}{
		{"utf8.csv", utf8, EncodingUTF8, 3, "kind__b__text"},
		{"sjis.csv", bad, EncodingSJIS, 3, "kind__b__text"},
	} {
		q := loadMinimal(t)
		q.IdentifyingColumns = []string{"組織名"} // a column of sjis.csv
		res := readWith(t, q, Options{Quarantine: true}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
			return Parse(q, tc.name, tc.data, o, emit)
		})
		rep := res.rep
		if rep.Encoding != tc.enc || len(rep.Issues) != 1 || rep.Issues[0].Code != CodeEncoding ||
			rep.Issues[0].Row != tc.row || rep.Issues[0].Column != tc.col || rep.Rejected != 1 || len(res.rows) == 0 {
			t.Errorf("%s: encoding %s, issues %v, %d rejected, %d rows", tc.name, rep.Encoding, rep.Issues, rep.Rejected, len(res.rows))
		}
	}
	// A file that is neither is named only as a guess.
	q := loadMinimal(t)
	res := readWith(t, q, Options{}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "latin1.csv", []byte("respondent_id,kind\nr1,caf\xe9 cr\xe8me br\xfbl\xe9e\n"), o, emit)
	})
	if len(res.rep.Issues) != 1 || !strings.Contains(res.rep.Issues[0].Message, "it may be a single-byte encoding") {
		t.Errorf("issues %v", res.rep.Issues)
	}
}
