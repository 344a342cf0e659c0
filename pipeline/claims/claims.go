// Package claims holds the figures the survey report states in prose (the lead
// sentences above the section 2 tables, the recommendations of section 4 and
// 補足1) as a dataset of claims, and recomputes every claim from the published
// tables.
//
// A claims file (raw/<year>/claims.yaml, documented in raw/2015/CLAIMS.md)
// lists each claim with the sentence as printed, a translation, and a
// structured statistic: the table(s) by key (DESIGN.md section 3), the printed
// row numbers, the kind of statistic ([Count], [Share] or [Compare]) and the
// claimed [Relation] with its value and tolerance. Claims about quantities no
// table prints (they need respondent-level data) are kept too, marked
// unverifiable with the reason.
//
// [Load] and [Parse] read a claims file strictly and report every problem as an
// [ErrorList] of located errors (file:line:column and claim id). [Evaluate]
// recomputes the claims from any implementation of [Tables] and says whether
// each holds; [ExactCounts] lists the claims that state one row's exact count,
// which may fill a count the extraction lost; [Record] turns the results into
// an Arrow record for the claims dataset.
package claims

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Format is the value the top-level "format" key of a claims file must have.
const Format = "csirt-survey/claims/v1"

// Kind is what a claim's statistic computes.
type Kind string

// The statistic kinds.
const (
	// Count is the sum of the rows' printed counts (or the table's printed N).
	Count Kind = "count"
	// Share is that sum divided by a printed N (less excluded rows).
	Share Kind = "share"
	// Compare sets rows A against rows B of one table; its value is the
	// difference A - B in respondents.
	Compare Kind = "compare"
)

// Kinds lists the statistic kinds in documentation order.
var Kinds = []Kind{Count, Share, Compare}

func (k Kind) known() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Relation is how the claimed value relates to the computed statistic.
type Relation string

// The relations. For Compare claims the statistic is a difference and the
// value it is compared with is normally 0.
const (
	Eq     Relation = "eq"     // exactly (shares: at the printed precision)
	Approx Relation = "approx" // within value ± tolerance (shares: at the printed precision)
	Gt     Relation = "gt"     // more than (を超える)
	Gte    Relation = "gte"    // at least (以上)
	Lt     Relation = "lt"     // less than (未満, に満たない)
	Lte    Relation = "lte"    // at most (以下)
)

// Relations lists the relations in documentation order.
var Relations = []Relation{Eq, Approx, Gt, Gte, Lt, Lte}

func (r Relation) known() bool {
	for _, x := range Relations {
		if r == x {
			return true
		}
	}
	return false
}

// symbol returns the relation as an operator for notes and the claimed column.
func (r Relation) symbol() string {
	switch r {
	case Eq:
		return "="
	case Approx:
		return "~"
	case Gt:
		return ">"
	case Gte:
		return ">="
	case Lt:
		return "<"
	case Lte:
		return "<="
	}
	return string(r)
}

// DefaultPrecision is the printed precision of a share when a claim gives
// none: the report prints whole percentages.
const DefaultPrecision = 0.01

// Claim is one figure stated in the report's prose.
type Claim struct {
	// ID is stable across versions of the file: lower-case words joined by
	// hyphens, starting with the page (p27-authority-advise-90pct).
	ID string
	// Page is the page number printed in the report (or in the source), 0
	// when the source gives none.
	Page int
	// Source is the id of the document the claim is quoted from (a source of
	// the year's survey.yaml); empty for the survey's own report.
	Source string
	// TextJA is the sentence as printed, with the extraction's spacing
	// normalised; TextEN is its translation.
	TextJA, TextEN string
	// Wording is the phrase the relation and tolerance are derived from
	// (9割程度, 半数以上, 最も多い, ...).
	Wording string
	// Statistic says how the claim is recomputed from the tables; nil when
	// the claim is unverifiable from the tables.
	Statistic *Statistic
	// Unverifiable is set, instead of Statistic, for claims about quantities
	// that no table prints.
	Unverifiable *Unverifiable
	// Quantifier is the wording of the quantifier table that reads the
	// claim (約{N}割, ほぼすべて, ...): the claim's quantifier key, else its
	// Wording. Empty when the table does not read it and the claim states
	// its relation, value and tolerance itself.
	Quantifier string
	// Relation, Value, Tolerance and Precision are the claim itself: the
	// statistic Relation Value, within Tolerance where the relation allows
	// one (0 = none). Precision is the printed precision of a share, to which
	// it is rounded before an eq or approx comparison (DefaultPrecision when
	// the file gives none); 0 for counts and comparisons.
	Relation  Relation
	Value     float64
	Tolerance float64
	Precision float64
	// Note is the author's remark on the reading of the sentence (optional).
	Note string
	// Cites holds the keys of the tables the sentence names as its source
	// ("アンケート3.1" is table 3.1), resolved by the claims file's author;
	// Evaluate checks them against the table the figure comes from. Empty
	// when the sentence cites nothing.
	Cites []string
	// Line and Column locate the claim in its file.
	Line, Column int
}

// Statistic is the computation that recomputes a claim from the tables.
type Statistic struct {
	Kind Kind
	// Table is the key of the table whose rows are summed.
	Table string
	// Rows are printed row numbers of Table. Count and Share sum them;
	// Compare sums them as side A (or takes their minimum when Each is set).
	Rows []int
	// UseN makes Table's printed N the numerator (Count, Share) instead of a
	// sum of rows: the number of respondents the table counts at all.
	UseN bool
	// Base is the key of the table whose printed N is the denominator of a
	// Share; empty means Table.
	Base string
	// Exclude are rows of the base table subtracted from the denominator of
	// a Share (未回答を除くと).
	Exclude []int
	// Versus are the rows of Table forming side B of a Compare.
	Versus []int
	// Each compares every row of A with every row of B: the statistic is
	// min(A) - max(B) instead of sum(A) - sum(B) (最も多い).
	Each bool
}

// Unverifiable describes a claim that needs respondent-level data.
type Unverifiable struct {
	// Reason says why no published table gives the figure.
	Reason string
	// Tables are the keys of the tables the figure relates to.
	Tables []string
	// Kind says what the claimed value is (a count, a share, a difference).
	Kind Kind
}

// Kind returns the kind of the claim's value.
func (c Claim) Kind() Kind {
	switch {
	case c.Statistic != nil:
		return c.Statistic.Kind
	case c.Unverifiable != nil:
		return c.Unverifiable.Kind
	}
	return ""
}

// Tables returns the keys of the tables the claim reads (or relates to, when
// it is unverifiable), without repetition.
func (c Claim) Tables() []string {
	switch {
	case c.Statistic != nil:
		keys := []string{c.Statistic.Table}
		if b := c.Statistic.Base; b != "" && b != c.Statistic.Table {
			keys = append(keys, b)
		}
		return keys
	case c.Unverifiable != nil:
		return append([]string(nil), c.Unverifiable.Tables...)
	}
	return nil
}

// Claimed returns what the claim states, as text: "~ 0.90 (0.85-0.95)",
// "> 0.80", "= 22", "< 0.50 and >= 0.45", "#4 > each of #1, #2".
func (c Claim) Claimed() string {
	kind := c.Kind()
	if kind == Compare && c.Statistic != nil {
		s := c.Statistic
		a, b := rowList(s.Rows, "+"), rowList(s.Versus, "+")
		if s.Each {
			a, b = rowList(s.Rows, ", "), rowList(s.Versus, ", ")
			if len(s.Rows) > 1 {
				a = "each of " + a
			}
			b = "each of " + b
		}
		out := fmt.Sprintf("%s %s %s", a, c.Relation.symbol(), b)
		if c.Value != 0 {
			out += fmt.Sprintf(" (difference %s %s)", c.Relation.symbol(), formatValue(kind, c.Value))
		}
		return out
	}
	v := formatValue(kind, c.Value)
	switch c.Relation {
	case Approx:
		lo, hi := c.Value-c.Tolerance, c.Value+c.Tolerance
		if kind == Share { // a share lies in 0-1
			lo, hi = max(lo, 0), min(hi, 1)
		}
		return fmt.Sprintf("~ %s (%s-%s)", v, formatValue(kind, lo), formatValue(kind, hi))
	case Gt, Gte:
		out := c.Relation.symbol() + " " + v
		if c.Tolerance > 0 {
			out += " and <= " + formatValue(kind, c.Value+c.Tolerance)
		}
		return out
	case Lt, Lte:
		out := c.Relation.symbol() + " " + v
		if c.Tolerance > 0 {
			out += " and >= " + formatValue(kind, c.Value-c.Tolerance)
		}
		return out
	}
	return c.Relation.symbol() + " " + v
}

// String describes the computation: "share(2.8: #2 / N)",
// "share(2.7/other: N / 1.1: N)", "share(3.2: #1+#2 / (N - #7))",
// "compare(1.3: #1 vs each of #2, #3)".
func (s Statistic) String() string {
	num := rowList(s.Rows, "+")
	if s.UseN {
		num = "N"
	}
	switch s.Kind {
	case Count:
		return fmt.Sprintf("count(%s: %s)", s.Table, num)
	case Share:
		den := "N"
		if len(s.Exclude) > 0 {
			den = "(N - " + rowList(s.Exclude, " - ") + ")"
		}
		if s.Base != "" && s.Base != s.Table {
			den = s.Base + ": " + den
		}
		return fmt.Sprintf("share(%s: %s / %s)", s.Table, num, den)
	case Compare:
		if s.Each {
			return fmt.Sprintf("compare(%s: min of %s vs max of %s)", s.Table, rowList(s.Rows, ", "), rowList(s.Versus, ", "))
		}
		return fmt.Sprintf("compare(%s: %s vs %s)", s.Table, num, rowList(s.Versus, "+"))
	}
	return string(s.Kind)
}

// base returns the key of the table whose N is the denominator.
func (s Statistic) base() string {
	if s.Base != "" {
		return s.Base
	}
	return s.Table
}

// rowList writes rows as "#1+#2" (or with another separator).
func rowList(rows []int, sep string) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = "#" + strconv.Itoa(r)
	}
	return strings.Join(parts, sep)
}

// formatValue writes a claimed value: shares with two decimals (more when
// the value needs them), counts and differences as integers.
func formatValue(kind Kind, v float64) string {
	if kind == Share {
		s := strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', 4, 64)
		for strings.HasSuffix(s, "0") && len(s)-strings.IndexByte(s, '.') > 3 {
			s = s[:len(s)-1]
		}
		return s
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}
