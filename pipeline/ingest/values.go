package ingest

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
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

// foldTrimmed is fold for a value without surrounding space (every cell is
// trimmed when read): ASCII comes back as it is.
func foldTrimmed(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return strings.TrimSpace(width.Fold.String(v))
		}
	}
	return v
}

// parseInt parses a whole number (already folded): an optional sign and
// digits. ok is false when v is not a whole number; a number too large for
// int64 comes back as ±1<<62 (out of every range).
func parseInt(v string) (n int64, ok bool) {
	digits := strings.TrimLeft(v, "+-")
	if len(v)-len(digits) > 1 || digits == "" || !allDigits(digits) {
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

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// spaceTrim drops leading ASCII white space (the \s of a regular expression).
func spaceTrim(s string) string {
	return strings.TrimLeft(s, " \t\n\f\r")
}

// parseYearMonth parses 2014-05, 2014/5 or 2014年5月 (already folded; white
// space allowed around the separators) and returns the year and the month as
// written (checked by the caller); ok is false when v has none of these forms.
func parseYearMonth(v string) (year, month int, ok bool) {
	if len(v) < 6 || !allDigits(v[:4]) {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(v[:4])
	rest := spaceTrim(v[4:])
	kanji := false
	switch {
	case strings.HasPrefix(rest, "-"), strings.HasPrefix(rest, "/"):
		rest = rest[1:]
	case strings.HasPrefix(rest, "年"):
		rest, kanji = rest[len("年"):], true
	default:
		return 0, 0, false
	}
	rest = spaceTrim(rest)
	k := 0
	for k < len(rest) && k < 3 && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	if k == 0 || k > 2 {
		return 0, 0, false
	}
	month, _ = strconv.Atoi(rest[:k])
	rest = rest[k:]
	if kanji {
		rest = spaceTrim(rest)
		if rest != "月" {
			return 0, 0, false
		}
	} else if rest != "" {
		return 0, 0, false
	}
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

// maxEcho caps the characters of any value or name copied into an issue or
// its message: a longer one is cut, with its length and a short hash so that
// two long values can still be told apart.
const maxEcho = 64

// excerpt makes a value safe to store and print: valid UTF-8, at most
// maxEcho characters; a longer value keeps its first maxEcho/2 characters and
// says its length in bytes and the start of its SHA-256. It does not mask:
// use it for names (columns, files), mask for what a respondent wrote.
func excerpt(v string) string {
	if len(v) <= maxEcho || (len(v) <= 4*maxEcho && utf8.RuneCountInString(v) <= maxEcho) {
		return strings.ToValidUTF8(v, "\uFFFD")
	}
	sum := sha256.Sum256([]byte(v))
	head := []rune(strings.ToValidUTF8(v[:min(len(v), 4*maxEcho)], "\uFFFD"))
	return fmt.Sprintf("%s… (%d bytes, sha256 %x)", string(head[:min(len(head), maxEcho/2)]), len(v), sum[:4])
}

// codeLike reports whether v (a cell as written) may be echoed as it is: it
// looks like an attempt at a code, number or date: at most 16 bytes of
// lower-case ASCII letters, digits and _ ; - / . + or 年月 after folding
// full-width characters, at most two upper-case letters and then no lower-case one (A, NA), no space,
// no @ and fewer than seven digits. Anything else may be a name, an e-mail
// address or a phone number typed into the wrong column, and is masked.
func codeLike(v string) bool {
	v = fold(v)
	if len(v) > 16 {
		return false
	}
	upper, lower, digits := 0, 0, 0
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z':
			lower++
		case r >= 'A' && r <= 'Z':
			if upper++; upper > 2 {
				return false
			}
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("_;-/.+年月", r):
		default:
			return false
		}
	}
	return digits < 7 && (upper == 0 || lower == 0)
}

// mask returns what of a respondent's value may be echoed: the value itself
// when codeLike, else its shape (letters as x, digits as 9, other characters
// as *, punctuation kept; at most 16 characters) and its length, so that the
// message still tells "a phone number in a choice column" without copying it.
func mask(v string) string {
	if v == "" || codeLike(v) {
		return strings.ToValidUTF8(v, "\uFFFD")
	}
	var b strings.Builder
	n := 0
	for _, r := range v {
		if n == 16 {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case unicode.IsDigit(r):
			b.WriteByte('9')
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			b.WriteByte('x')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case r < utf8.RuneSelf && unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			b.WriteByte('*')
		}
	}
	fmt.Fprintf(&b, " (masked, %d characters", utf8.RuneCountInString(v))
	if len(v) > maxEcho {
		sum := sha256.Sum256([]byte(v))
		fmt.Fprintf(&b, ", sha256 %x", sum[:4])
	}
	b.WriteString(")")
	return b.String()
}

// show quotes a respondent's value for a message: "v" when it may be echoed,
// its mask otherwise.
func show(v string) string {
	if codeLike(v) {
		return fmt.Sprintf("%q", v)
	}
	return mask(v)
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

// rangeText states the whole numbers an integer answer allows: the item's
// min and max, within int32 (the column's type).
func rangeText(min, max *int) string {
	lo, hi := int64(-1<<31), int64(1<<31-1)
	if min != nil && int64(*min) > lo {
		lo = int64(*min)
	}
	if max != nil && int64(*max) < hi {
		hi = int64(*max)
	}
	return fmt.Sprintf("between %d and %d", lo, hi)
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
