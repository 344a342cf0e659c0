package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

// Values that identify someone, as a careless user types them into the wrong
// column: none of them may be copied into an issue, a reject, the validation
// dataset or an error, whatever column kind they land in.
var identifying = []string{
	"taro.yamada@example.co.jp",
	"03-1234-5678",
	"090 1234 5678",
	"+81312345678",
	"山田 太郎",
	"Taro Yamada",
	"ヤマダタロウ",
}

func TestNoEchoOfIdentifyingValues(t *testing.T) {
	q := loadMinimalPlus(t)
	header := []string{"respondent_id", "provenance", "kind", "kind__b__text", "sources", "members", "started", "ended",
		"policy", "services__a__provision", "services__a__sourcing", "services__w__provision", "services__w__sourcing",
		"services__w__text", "organisation"}
	good := []string{"", "", "a", "", "a", "5", "2014-05", "2015-01", "a", "provided", "inhouse", "not_provided", "", "", ""}
	// Columns of every kind: provenance, single, multi, integer, year_month,
	// matrix cells; free text and identifying columns (never echoed at all).
	targets := []string{"provenance", "kind", "kind__b__text", "sources", "members", "started", "ended", "policy",
		"services__a__provision", "services__a__sourcing", "services__w__text", "organisation"}
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	n := 0
	for _, v := range identifying {
		for _, col := range targets {
			cells := append([]string(nil), good...)
			n++
			cells[0] = fmt.Sprintf("r%d", n)
			for i, h := range header {
				if h == col {
					cells[i] = `"` + v + `"`
				}
			}
			b.WriteString(strings.Join(cells, ",") + "\n")
		}
	}
	res := readWith(t, q, Options{Quarantine: true, MaxIssues: -1}, func(o Options, emit func(arrow.Record) error) (*Report, error) {
		return Parse(q, "pii.csv", []byte(b.String()), o, emit)
	})
	rep := res.rep
	if rep.Rejected == 0 || len(rep.Issues) == 0 {
		t.Fatalf("no row rejected: %d issues", len(rep.Issues))
	}
	// Everything a reader of the outputs or the logs gets.
	var out []string
	for _, is := range rep.Issues {
		out = append(out, is.String(), is.Value, is.Column)
	}
	for _, rj := range rep.Rejects {
		out = append(out, rj.Messages...)
	}
	// The validation and rejects datasets hold only these fields (tested in
	// pipeline/validation).
	quiet := *rep
	quiet.Quarantine = false
	out = append(out, quiet.Err().Error())
	all := strings.Join(out, "\n")
	for _, v := range identifying {
		for _, part := range append(strings.Fields(v), v, strings.ReplaceAll(v, "-", "")) {
			if len([]rune(part)) >= 4 && strings.Contains(all, part) {
				t.Errorf("%q (of %q) is echoed", part, v)
			}
		}
	}
	// Each rejected value is still located: row, column, code and a masked excerpt.
	var masked int
	for _, is := range rep.Issues {
		if is.Row == 0 || is.Column == "" || is.Code == "" {
			t.Errorf("issue not located: %+v", is)
		}
		if strings.Contains(is.Value, "(masked, ") {
			masked++
		}
	}
	if masked == 0 {
		t.Errorf("no masked excerpt among the issues:\n%s", all)
	}
	t.Logf("%d issues, %d with a masked value; e.g. %s", len(rep.Issues), masked, rep.Issues[0])
}

// Values that are codes, numbers or dates gone wrong are echoed as written:
// the message must let the user find the typo.
func TestCodeLikeValuesEchoed(t *testing.T) {
	for _, v := range []string{"z", "A", "NA", "a;z", "five", "not_provided", "2014-13", "2014年13月", "１２", "-3"} {
		if !codeLike(v) || mask(v) != v || show(v) != fmt.Sprintf("%q", v) {
			t.Errorf("%q: codeLike %v, mask %q, show %s", v, codeLike(v), mask(v), show(v))
		}
	}
	for _, v := range []string{"Taro", "tanaka taro", "2014-05-01 12:00", "1234567"} {
		if codeLike(v) {
			t.Errorf("codeLike(%q)", v)
		}
	}
	if got := mask("03-1234-5678"); got != "99-9999-9999 (masked, 12 characters)" {
		t.Errorf("mask of a phone number = %q", got)
	}
	if got := mask("taro@example.jp"); got != "xxxx@xxxxxxx.xx (masked, 15 characters)" {
		t.Errorf("mask of an e-mail address = %q", got)
	}
}
