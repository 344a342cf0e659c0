package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"golang.org/x/text/width"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// fold returns v with full-width ASCII (digits, letters, 年月 stay) folded to
// its normal width and surrounding space removed.
func fold(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return strings.TrimSpace(width.Fold.String(v))
		}
	}
	return strings.TrimSpace(v) // ASCII has nothing to fold
}

var (
	intPattern = regexp.MustCompile(`^[+-]?[0-9]+$`)
	ymPattern  = regexp.MustCompile(`^([0-9]{4})\s*(?:[-/]\s*([0-9]{1,2})|年\s*([0-9]{1,2})\s*月)$`)
)

// parseInt parses a whole number (already folded). ok is false when v is not
// a whole number; inRange false when it does not fit int32.
func parseInt(v string) (n int64, ok bool) {
	if !intPattern.MatchString(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // too many digits
		if strings.HasPrefix(v, "-") {
			return -1 << 62, true
		}
		return 1 << 62, true
	}
	return n, true
}

// parseYearMonth parses 2014-05, 2014/5 or 2014年5月 (already folded) and
// returns year*12 + month-1. ok is false when v has none of these forms;
// month is the month as written (checked by the caller).
func parseYearMonth(v string) (year, month int, ok bool) {
	m := ymPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	ms := m[2]
	if ms == "" {
		ms = m[3]
	}
	month, _ = strconv.Atoi(ms)
	return year, month, true
}

// date32 returns the first day of the month as Arrow date32.
func date32(year, month int) int64 {
	return int64(arrow.Date32FromTime(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)))
}

// minYearMonth is the earliest year-month accepted (January 1990).
const minYear = 1990

// latestYearMonth returns the latest year-month an answer may name: the
// month the survey was fielded (survey.fielded, YYYY-MM-DD or YYYY-MM), or,
// when that is not given, March of the year after the survey year (the end
// of the Japanese fiscal year).
func latestYearMonth(q *questionnaire.Questionnaire, year int) (int, string) {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, strings.TrimSpace(q.Survey.Fielded)); err == nil {
			return t.Year()*12 + int(t.Month()) - 1, fmt.Sprintf("%04d-%02d (the survey was fielded %s)", t.Year(), int(t.Month()), q.Survey.Fielded)
		}
	}
	return (year+1)*12 + 2, fmt.Sprintf("%04d-03 (the end of fiscal year %d)", year+1, year)
}

func formatYM(ym int) string { return fmt.Sprintf("%04d-%02d", ym/12, ym%12+1) }

// maxValueLen caps the raw values copied into issues.
const maxValueLen = 200

// clean makes a value safe to store: valid UTF-8, at most maxValueLen characters.
func clean(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	if utf8.RuneCountInString(v) > maxValueLen {
		r := []rune(v)
		v = string(r[:maxValueLen]) + "…"
	}
	return v
}

// allowedCodes lists codes for a message: "a, b or mixed".
func allowedCodes(codes []string) string {
	switch len(codes) {
	case 0:
		return "(none)"
	case 1:
		return codes[0]
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}

func rangeText(min, max *int) string {
	switch {
	case min != nil && max != nil:
		return fmt.Sprintf("between %d and %d", *min, *max)
	case min != nil:
		return fmt.Sprintf("%d or more", *min)
	case max != nil:
		return fmt.Sprintf("%d or less", *max)
	}
	return fmt.Sprintf("between %d and %d", int64(-1<<31), int64(1<<31-1))
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
