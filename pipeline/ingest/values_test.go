package ingest

import (
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// The regular expressions the hand-written parsers replaced (for speed):
// the parsers must accept exactly what they accept.
var (
	intRef = regexp.MustCompile(`^[+-]?[0-9]+$`)
	ymRef  = regexp.MustCompile(`^([0-9]{4})\s*(?:[-/]\s*([0-9]{1,2})|年\s*([0-9]{1,2})\s*月)$`)
)

func refYearMonth(v string) (int, int, bool) {
	m := ymRef.FindStringSubmatch(v)
	if m == nil {
		return 0, 0, false
	}
	y, _ := strconv.Atoi(m[1])
	ms := m[2]
	if ms == "" {
		ms = m[3]
	}
	mo, _ := strconv.Atoi(ms)
	return y, mo, true
}

var numberCases = []string{
	"", "0", "12", "+5", "-7", "+-1", "--1", "1-", "1 2", " 1", "12a", "99999999999999999999999",
	"-99999999999999999999999", "2014-05", "2014/5", "2014年5月", "2014 年 5 月", "2014 - 5", "2014/ 12",
	"2014-123", "2014-", "2014年5", "2014年5月 ", "2014年月", "201-05", "20145", "2014\t/\t5", "2014-5 ",
	"2014/05/01", "2014年05月", "２０１４-05", "2014ー5", "2014-0", "2014/00",
}

func TestParsersMatchTheirPatterns(t *testing.T) {
	for _, v := range numberCases {
		checkParsers(t, v)
	}
}

func FuzzNumberParsers(f *testing.F) {
	for _, v := range numberCases {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) { checkParsers(t, v) })
}

func checkParsers(t *testing.T, v string) {
	t.Helper()
	_, ok := parseInt(v)
	if want := intRef.MatchString(v); ok != want {
		t.Errorf("parseInt(%q) ok = %v, the pattern says %v", v, ok, want)
	}
	y, m, ok := parseYearMonth(v)
	wy, wm, wok := refYearMonth(v)
	if ok != wok || y != wy && ok || m != wm && ok {
		t.Errorf("parseYearMonth(%q) = %d, %d, %v; the pattern says %d, %d, %v", v, y, m, ok, wy, wm, wok)
	}
}

// The code lookup answers as the map it stands in for, for one-letter codes,
// longer ones, and lists long enough to use the map.
func TestQuestionCode(t *testing.T) {
	for _, codes := range [][]string{
		{"a", "b", "c", "other"},
		{"provided", "not_provided", "x"},
		{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "zz"},
	} {
		qu := &question{codes: codes, codeIdx: index(codes)}
		qu.indexLetters()
		for _, v := range append(slices.Clone(codes), "", "A", "ab", "z", "other ", "provide") {
			j, ok := qu.code(v)
			wj, wok := qu.codeIdx[v]
			if ok != wok || (ok && j != wj) {
				t.Errorf("codes %v: code(%q) = %d, %v; want %d, %v", codes, v, j, ok, wj, wok)
			}
		}
	}
}
