package ingest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid marks raw responses that failed validation; Report.Err wraps it.
var ErrInvalid = errors.New("invalid raw responses")

// Severities of an Issue.
const (
	SeverityError   = "error"   // the row (or, for file-level codes, the file) cannot be used
	SeverityWarning = "warning" // suspicious but kept
)

// Issue codes. Each code has one severity: every code is an error except
// CodeOtherTextWithoutOption, CodeFormulaCachedValue, CodeRepeatedCode and
// CodeAnsweredWhenSkipped, which are warnings.
const (
	// File-level codes: nothing of the file can be used (even under Quarantine).
	CodeEncoding       = "encoding"        // not UTF-8 / Shift_JIS (whole file, row 0), or a cell with invalid bytes (row-level)
	CodeXLSXUnreadable = "xlsx_unreadable" // truncated or corrupt XLSX
	CodeCSVSyntax      = "csv_syntax"      // malformed CSV quoting; reading stops there
	CodeMissingID      = "missing_id_column"
	CodeDuplicateCol   = "duplicate_column"
	CodeUnknownColumn  = "unknown_column" // header (row 1); a blank-named column holding a value (row-level)
	CodeMissingColumn  = "missing_column"
	// Limits (Options.Limits): the file is not read further.
	CodeXLSXTooLarge      = "xlsx_too_large"       // the workbook expands beyond Limits.XLSXBytes or Limits.XLSXRatio
	CodeRowTooLong        = "row_too_long"         // a row beyond Limits.RowBytes; reading stops there
	CodeTooManyColumns    = "too_many_columns"     // a header beyond Limits.Columns
	CodeColumnNameTooLong = "column_name_too_long" // a column name beyond Limits.ColumnNameBytes
	CodeNoRows            = "no_rows"              // a header and no data row
	CodeAllRejected       = "all_rejected"         // under Quarantine, every data row had errors

	// Row-level codes: the row is rejected (Quarantine) or the read fails.
	CodeEmptyID                = "empty_id"
	CodeDuplicateID            = "duplicate_id"
	CodeRaggedRow              = "ragged_row"
	CodeUnknownCode            = "unknown_code"
	CodeNotInteger             = "not_integer"
	CodeOutOfRange             = "out_of_range"
	CodeBadYearMonth           = "bad_year_month"
	CodeImpossibleYearMonth    = "impossible_year_month"
	CodeStartAfterEnd          = "start_after_end"
	CodeExclusiveCombined      = "exclusive_combined"
	CodeNotAsked               = "not_asked"
	CodeBadFlag                = "bad_flag"
	CodeConflictingMulti       = "conflicting_multi"
	CodeCellTooLong            = "cell_too_long" // a cell beyond Limits.CellBytes
	CodeFormulaWithoutValue    = "formula_without_value"
	CodeFormulaCachedValue     = "formula_cached_value" // warning: the value saved with the workbook was used
	CodeRepeatedCode           = "repeated_code"        // warning: a code given twice in a multi-choice cell (a;a)
	CodeBadProvenance          = "bad_provenance"
	CodeOtherTextWithoutOption = "other_text_without_option" // warning
	// CodeAnsweredWhenSkipped (warning): under Options.AdvisoryRouting, an
	// answer to a follow-up the routing skipped; it is kept and counted.
	CodeAnsweredWhenSkipped = "answered_when_skipped"
	CodeIssuesTruncated     = "issues_truncated" // only in validation.Record, when Report.Truncated
)

// Severity returns the severity of an issue code.
func Severity(code string) string {
	switch code {
	case CodeOtherTextWithoutOption, CodeIssuesTruncated, CodeFormulaCachedValue, CodeRepeatedCode, CodeAnsweredWhenSkipped:
		return SeverityWarning
	}
	return SeverityError
}

// Issue is one problem found in a raw responses file.
type Issue struct {
	Code     string // stable code (Code* constants)
	Severity string // "error" or "warning"
	File     string // the path as given to Read
	// Row is the 1-based row in the file, the header being row 1; 0 for a
	// problem with the whole file (encoding, unreadable XLSX).
	Row    int
	Column string // column name as in the header (after Mapping); empty for whole-file problems
	Item   string // printed item number ("1.5"); empty when the column belongs to no item
	// Value is the value as written when it looks like a code, number or
	// date, else a masked excerpt (its shape and length: "xxxx@xxxxxxx.xx
	// (masked, 15 characters)"), so that a name, e-mail address or phone
	// number typed into the wrong column never reaches an output; at most
	// maxEcho characters. Free text, identifying columns and respondent ids
	// are never copied here at all; their Value is empty. Messages quote
	// values the same way.
	Value   string
	Message string // plain English, saying what is allowed
}

func (i Issue) String() string {
	var b strings.Builder
	b.WriteString(i.File)
	if i.Row > 0 {
		fmt.Fprintf(&b, ":%d", i.Row)
	}
	b.WriteString(": ")
	if i.Column != "" {
		fmt.Fprintf(&b, "column %s", i.Column)
		if i.Item != "" {
			fmt.Fprintf(&b, " (item %s)", i.Item)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: %s [%s]", i.Severity, i.Message, i.Code)
	return b.String()
}

// Reject is a row that was not emitted because it has errors (listed only
// under Options.Quarantine).
type Reject struct {
	RespondentID string // the pseudonymous id the row would have had ("2015-000007")
	Row          int    // row in the file
	Codes        []string
	Messages     []string // "<column>: <message>", one per code
}

// Report says what Read found.
type Report struct {
	File string
	// Encoding is "UTF-8", "UTF-8 (BOM)", "Shift_JIS" or "XLSX"; for a file
	// rejected with code encoding it is the encoding the file looks like.
	Encoding string
	// Rows counts the data rows read (wholly blank rows are skipped);
	// Accepted those emitted, Rejected those with errors (never emitted).
	Rows, Accepted, Rejected int
	Issues                   []Issue        // in file order, at most Options.MaxIssues
	Totals                   map[string]int // issues per code, complete even when Issues is truncated
	Truncated                bool           // Issues lists fewer than the Totals count
	Rejects                  []Reject       // under Quarantine: every rejected row
	Quarantine               bool           // the read was made with Options.Quarantine
	// SkippedAnswered counts, per item number, the answers kept under
	// Options.AdvisoryRouting although the routing skipped the respondent
	// (code answered_when_skipped); complete even when Issues is truncated.
	SkippedAnswered map[string]int

	maxIssues int
	errors    int // error-severity issues
	fatal     int // error-severity issues that make the whole file unusable
	first     *Issue
}

func newReport(file string, opt Options) *Report {
	return &Report{File: file, Totals: map[string]int{}, Quarantine: opt.Quarantine, maxIssues: opt.MaxIssues}
}

// add records an issue; fatal marks a problem no row-level quarantine can fix.
func (r *Report) add(is Issue, fatal bool) {
	is.Severity = Severity(is.Code)
	is.File = r.File
	is.Value = excerpt(is.Value)
	is.Column = excerpt(is.Column)
	r.Totals[is.Code]++
	if is.Code == CodeAnsweredWhenSkipped {
		if r.SkippedAnswered == nil {
			r.SkippedAnswered = map[string]int{}
		}
		r.SkippedAnswered[is.Item]++
	}
	if is.Severity == SeverityError {
		r.errors++
		if fatal {
			r.fatal++
		}
		if r.first == nil || (fatal && r.fatal == 1) {
			c := is
			r.first = &c
		}
	}
	if r.maxIssues >= 0 && len(r.Issues) >= r.maxIssues {
		r.Truncated = true
		return
	}
	r.Issues = append(r.Issues, is)
}

// Errors returns the number of error-severity issues found.
func (r *Report) Errors() int { return r.errors }

// Usable reports whether the file could be read at all: false when a
// file-level problem (encoding, unreadable XLSX, CSV syntax, header) was
// found, in which case nothing was emitted.
func (r *Report) Usable() bool { return r.fatal == 0 }

// Err returns nil unless error-severity issues were found and either the read
// was not made with Quarantine or a file-level problem (encoding, unreadable
// XLSX, CSV syntax, a header problem) makes the whole file unusable. The
// error wraps ErrInvalid and summarises the totals by code.
func (r *Report) Err() error {
	if r == nil || r.errors == 0 || (r.Quarantine && r.fatal == 0) {
		return nil
	}
	codes := make([]string, 0, len(r.Totals))
	for c := range r.Totals {
		if Severity(c) == SeverityError {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, r.Totals[c])
	}
	msg := fmt.Sprintf("%s: %d error(s) (%s)", r.File, r.errors, strings.Join(parts, ", "))
	if r.first != nil {
		msg += "; first: " + r.first.String()
	}
	return fmt.Errorf("%s: %w", msg, ErrInvalid)
}
