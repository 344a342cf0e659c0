// Package ingest decodes and validates raw survey responses
// (raw/<year>/responses.csv or .xlsx, the contract of raw/README.md) and
// streams them as typed Arrow record batches with exactly the schema
// columns.Schema(q) of processed/responses.
//
// # Input
//
// CSV in UTF-8 (with or without BOM) or Shift_JIS/CP932, detected from the
// first 64 KiB (a few bad bytes there, like any later, are reported cell by
// cell with their row), or the first sheet of
// an XLSX workbook (recognised by its content or a .xlsx name), read with
// excelize's streaming row iterator; XLSX cells are read as displayed, so a
// year-month stored as an Excel date must be displayed as yyyy/m or
// yyyy"年"m"月". A file in any other encoding is rejected with code encoding,
// saying what it looks like (UTF-16, UTF-32, EUC-JP, ISO-2022-JP, a legacy
// .xls, a single-byte encoding, binary data).
//
// Rows are read one at a time and emitted every Options.BatchSize rows;
// memory does not grow with the number of rows except for the set of
// respondent ids seen (duplicate_id) and, under Quarantine, the list of
// rejected rows.
//
// # Validation
//
// Each problem is an Issue with a stable code, file, row (1-based in the
// file, the header being row 1; for XLSX the sheet's row number; for CSV the
// record number, counting blank lines as a spreadsheet does), column (after
// Mapping), item (printed number), the value (as written when it looks like
// a code, number or date, else masked: see Issue.Value) and a plain English
// message saying what is allowed. Raw respondent ids, free text and
// identifying columns are never copied into an issue. Codes (all errors
// except other_text_without_option, formula_cached_value and repeated_code):
//
//	encoding                   file not UTF-8 / Shift_JIS (row 0), or a cell with invalid bytes
//	xlsx_unreadable            truncated or corrupt workbook (row 0)
//	csv_syntax                 malformed quoting; reading stops there
//	xlsx_too_large             a workbook over Limits.XLSXBytes or Limits.XLSXRatio (nothing expanded)
//	row_too_long               a row over Limits.RowBytes; reading stops there
//	too_many_columns           a header over Limits.Columns
//	column_name_too_long       a column name over Limits.ColumnNameBytes
//	cell_too_long              a cell over Limits.CellBytes (the row is rejected)
//	missing_id_column          no respondent_id column (or an empty file)
//	duplicate_column           a column name given twice
//	unknown_column             a column the questionnaire does not define (with a suggestion),
//	                           a derived column (<id>__asked, <id>__coded), or a value under a blank header
//	missing_column             an item without any column; a multi item given as 0/1 columns
//	                           lacking an option's column; a matrix lacking a row/cell column
//	empty_id, duplicate_id     respondent_id blank, or as in an earlier row
//	ragged_row                 cell count differs from the header
//	unknown_code               not an option or coded category (lists the allowed codes)
//	not_integer, out_of_range  integer answers (item min/max; int32)
//	bad_year_month             not 2014-05, 2014/5 or 2014年5月, or month not 1-12
//	impossible_year_month      before 1990-01 or after the month survey.fielded
//	start_after_end            a pair of Options.Order in the wrong order
//	exclusive_combined         an exclusive option chosen with others
//	not_asked                  a value although the relevance rule does not select the respondent
//	answered_when_skipped      (warning, Options.AdvisoryRouting only) the same, on a paper form: kept and counted
//	bad_flag                   a 0/1 column holding something else
//	conflicting_multi          <id> and its 0/1 columns both given and different
//	bad_provenance             provenance not collected, reconstructed or synthetic
//	other_text_without_option  (warning) free text for an option not chosen
//	formula_without_value      an XLSX cell holding a formula but no saved value (formulas are not evaluated)
//	no_rows                    a header without data rows
//	all_rejected               under Quarantine, every data row had errors
//	repeated_code              (warning) a code given twice in a multi-choice cell (a;a); it counts once
//	formula_cached_value       (warning) an XLSX formula cell: the value saved with the workbook was used
//
// Rows with errors are never emitted. Without Options.Quarantine any error
// makes Report.Err non-nil and the caller must discard what was emitted;
// with it, rows with errors are listed in Report.Rejects and the other rows
// are kept. Problems of the whole file (encoding and xlsx_unreadable at row
// 0, csv_syntax, and the header codes missing_id_column, duplicate_column,
// unknown_column, missing_column) fail the read even under Quarantine and
// then no row is emitted; the rows are still validated, so that every
// problem is reported at once.
//
// # Output
//
// respondent_id is a pseudonym fmt.Sprintf("%d-%06d", year, n) numbered in
// file order over all data rows (rejected rows keep their number, so the ids
// of processed/rejects and processed/responses never collide); the raw
// respondent_id never reaches an output. provenance defaults to collected.
// Identifying columns (q.IdentifyingColumns, matched case-insensitively) are
// read and dropped; free-text columns (<id>__<code>__text, <id>__<row>__text)
// are validated and dropped. Blank and NA (the questionnaire's missing codes,
// full-width too) are no answer (null); full-width digits and letters are
// folded. A multi item is given as <id> ("a;c") or as one 0/1 column per
// option: all blank is no answer (null list, null flags), all 0 an answer
// choosing nothing (empty list); an item not asked may have 0 flags. An item
// or matrix cell with relevance gets <col>__asked, true when the rule selects
// the respondent, false otherwise (also when the answer the rule looks at is
// missing); not asked means null answers. Coded categories are dictionary
// values of choice answers; for integer, year_month and text answers they go
// to <id>__coded with the value null. A written-in matrix row's coding
// (<id>__<row>__coded, when the schema has it) is read from that column.
// Year-months are date32 of the month's first day.
//
// # Use in the build
//
//	m, _ := ingest.LoadMapping("raw/<year>/mapping.yaml")   // only if the file exists
//	rec, rep, err := ingest.ReadAll(q, "raw/<year>/responses.csv", ingest.Options{
//		Year: year, Mapping: m, Quarantine: quarantine, Order: profile.DateOrder()})
//	// err: I/O; print rep.Issues to stderr; encode validation.Record(mem, rep)
//	// (processed/validation) and, under quarantine, validation.RejectsRecord(mem, rep)
//	// (processed/rejects); if rep.Err() != nil stop with invalid input; else encode rec.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/columns"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Options control Read.
type Options struct {
	// Year is the survey year of the pseudonymous respondent ids,
	// fmt.Sprintf("%d-%06d", Year, n) for the n-th data row; 0 means
	// q.Survey.Year.
	Year int
	// Mapping maps other column names and values onto the contract (optional).
	Mapping *Mapping
	// Quarantine rejects rows with errors (Report.Rejects) instead of failing
	// the read.
	Quarantine bool
	// MaxIssues caps Report.Issues (default 1000; negative: no cap). Totals
	// stay complete.
	MaxIssues int
	// BatchSize is the number of data rows evaluated into one emitted record
	// (default 4096): a record holds their accepted rows, so at most
	// BatchSize. Chunks of BatchSize rows are evaluated in parallel.
	BatchSize int
	// Mem allocates the records (default memory.DefaultAllocator).
	Mem memory.Allocator
	// Limits bound the work a hostile or broken file can cause (zero
	// fields: DefaultLimits).
	Limits Limits
	// Order lists pairs of year_month items, by printed number, whose first
	// must not be later than the second (code start_after_end); the build
	// passes the date_order rules of the year's survey.yaml.
	// A pair naming an item that is not a year_month item of q is an error.
	Order [][2]string
	// AdvisoryRouting says the instrument only advised its routing (a paper
	// form, a survey profile's fielding.routing: advisory): an answer to a
	// follow-up the routing skipped is kept, its item counts as applying to
	// the respondent (the __asked column is true), and a warning
	// (answered_when_skipped) locates it. False (enforced routing, a web
	// form): such an answer is the error not_asked.
	AdvisoryRouting bool
}

// DefaultMaxIssues and DefaultBatchSize are the defaults of Options.
const (
	DefaultMaxIssues = 1000
	DefaultBatchSize = 4096
)

func (o Options) withDefaults(q *questionnaire.Questionnaire) Options {
	if o.Year == 0 {
		o.Year = q.Survey.Year
	}
	if o.MaxIssues == 0 {
		o.MaxIssues = DefaultMaxIssues
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	o.Limits = o.Limits.withDefaults()
	return o
}

// Read decodes the raw responses at path (CSV in UTF-8 / UTF-8 with BOM /
// Shift_JIS-CP932, or the first sheet of an XLSX workbook), validates every
// cell against q and calls emit with record batches of schema
// columns.Schema(q), at most Options.BatchSize rows each, in file order.
//
// Read releases each record after emit returns: emit must Retain a record it
// keeps (and Release it later). An error from emit stops the read and is
// returned.
//
// Validation problems do not make Read fail: they are in the Report, and
// Report.Err says whether the file may be used. Read's own error is for what
// stops it from reading (the file cannot be opened, an I/O error, emit failed,
// Options.Order names an unknown item) and for ctx being cancelled, which
// stops the read at the next batch (the error wraps context.Cause(ctx)).
func Read(ctx context.Context, q *questionnaire.Questionnaire, path string, opt Options, emit func(arrow.Record) error) (*Report, error) {
	opt = opt.withDefaults(q)
	p, err := newPlan(q, opt)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, sniffSize)
	prefix, perr := br.Peek(sniffSize)
	if perr != nil && perr != io.EOF && perr != bufio.ErrBufferFull {
		return nil, fmt.Errorf("ingest: %s: %w", path, perr)
	}
	s := sniff(prefix, perr == io.EOF, isXLSXName(path))
	return read(ctx, p, path, s, opt, emit, br, func() (*excelize.File, map[int][]formulaCell, error) {
		forms, err := prepareXLSXFile(path, opt.Limits)
		if err != nil {
			return nil, nil, err
		}
		f, err := excelize.OpenFile(path)
		return f, forms, err
	})
}

// Parse is Read for a file held in memory; name is the file name used in
// issues (a name ending in .xlsx, or content starting like a ZIP archive, is
// read as XLSX). Data in memory is read to its end: Parse takes no context.
func Parse(q *questionnaire.Questionnaire, name string, data []byte, opt Options, emit func(arrow.Record) error) (*Report, error) {
	opt = opt.withDefaults(q)
	p, err := newPlan(q, opt)
	if err != nil {
		return nil, err
	}
	prefix := data[:min(len(data), sniffSize)]
	s := sniff(prefix, len(prefix) == len(data), isXLSXName(name))
	return read(context.Background(), p, name, s, opt, emit, bytes.NewReader(data), func() (*excelize.File, map[int][]formulaCell, error) {
		forms, err := prepareXLSX(bytes.NewReader(data), int64(len(data)), opt.Limits)
		if err != nil {
			return nil, nil, err
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		return f, forms, err
	})
}

func isXLSXName(name string) bool {
	return strings.EqualFold(filepath.Ext(name), ".xlsx")
}

func read(ctx context.Context, p *plan, name string, s sniffed, opt Options, emit func(arrow.Record) error, r io.Reader, openXLSXFile func() (*excelize.File, map[int][]formulaCell, error)) (*Report, error) {
	rep := newReport(name, opt)
	rep.Encoding = s.name
	var src source
	switch s.kind {
	case kindBad:
		looks := "it looks like " + s.guess
		if s.unsure {
			looks = "it may be " + s.guess
		}
		rep.add(Issue{Code: CodeEncoding, Value: s.value, Message: fmt.Sprintf(
			"the file is not UTF-8 or Shift_JIS: %s; save it as CSV UTF-8, CSV (Shift_JIS) or XLSX", looks)}, true)
		return rep, nil
	case kindXLSX:
		x, err := openXLSX(openXLSXFile, opt.Limits)
		if err != nil {
			se := err.(*sourceError)
			rep.add(Issue{Code: se.code, Message: se.msg}, true)
			return rep, nil
		}
		src = x
	case kindUTF8BOM:
		if _, err := io.CopyN(io.Discard, r, int64(len(bomUTF8))); err != nil {
			return nil, fmt.Errorf("ingest: %s: %w", name, err)
		}
		src = newCSVSource(r, s.kind, opt.Limits)
	default:
		src = newCSVSource(r, s.kind, opt.Limits)
	}
	// This engine reads the header and the rows and books them; the rows
	// are evaluated by its workers (runRows), each with its own row state.
	e := &engine{ctx: ctx, p: p, rep: rep, opt: opt, src: src, emit: emit, seen: newIDSet()}
	if err := e.run(); err != nil {
		if ctx.Err() != nil {
			return rep, fmt.Errorf("ingest: %s: %w", name, err)
		}
		return rep, err
	}
	return rep, nil
}

// ReadAll is Read collecting every batch into one record (for files that fit
// in memory, as survey files do). The caller must Release the record; it is
// nil when the read failed.
func ReadAll(ctx context.Context, q *questionnaire.Questionnaire, path string, opt Options) (arrow.Record, *Report, error) {
	mem := opt.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	rep, err := Read(ctx, q, path, opt, func(r arrow.Record) error {
		r.Retain()
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, rep, err
	}
	rec, err := Concat(mem, columns.Schema(q), recs)
	return rec, rep, err
}

// Concat joins records of one schema into one record (an empty one when recs
// is empty). The caller must Release it.
func Concat(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) (arrow.Record, error) {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if len(recs) == 0 {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		return b.NewRecord(), nil
	}
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	parts := make([]arrow.Array, len(recs))
	for i := range cols {
		for j, r := range recs {
			parts[j] = r.Column(i)
		}
		c, err := array.Concatenate(parts, mem)
		if err != nil {
			return nil, fmt.Errorf("ingest: concatenate column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = c
	}
	return array.NewRecord(schema, cols, n), nil
}
