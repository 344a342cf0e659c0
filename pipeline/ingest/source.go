package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// source yields the rows of a raw file one at a time.
type source interface {
	// next returns the next row's cells and its 1-based row number in the
	// file; io.EOF at the end; a *sourceError for a problem in the file
	// (reading stops there); any other error is an I/O failure.
	next() ([]string, int, error)
	// strict says whether every row must have as many cells as the header
	// (CSV); XLSX rows omit trailing empty cells.
	strict() bool
	// badEncoding reports whether a cell holds bytes the detected encoding
	// does not allow, and says what.
	badEncoding(cell string) (string, bool)
	// formulas returns the formula cells of a row (XLSX).
	formulas(row int) []formulaCell
	close()
}

// sourceError is a problem of the file that stops reading.
type sourceError struct {
	code string
	row  int
	msg  string
}

func (e *sourceError) Error() string { return e.msg }

// csvSource reads CSV in UTF-8 or Shift_JIS, decoding as it goes.
type csvSource struct {
	r       *csv.Reader
	lim     *limitReader
	sjis    bool
	row     int // row number of the last record
	endLine int // line the last record ended on
}

func newCSVSource(r io.Reader, kind fileKind, l Limits) *csvSource {
	if kind == kindSJIS {
		r = transform.NewReader(r, japanese.ShiftJIS.NewDecoder())
	}
	lim := &limitReader{r: r, max: l.RowBytes}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{r: cr, lim: lim, sjis: kind == kindSJIS}
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	s.lim.reset()
	if errors.Is(err, errRowTooLong) {
		row := s.row + 1
		return nil, row, &sourceError{code: CodeRowTooLong, row: row, msg: fmt.Sprintf(
			"row %d is longer than %d bytes (the limit is --max-row-bytes %d); the rest of the file was not read: check the quoting (an unclosed quote makes the rest of the file one cell), or raise the limit if the file is genuine",
			row, s.lim.max, s.lim.max)}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row := s.rowAt(pe.StartLine)
			return nil, row, &sourceError{code: CodeCSVSyntax, row: row, msg: fmt.Sprintf(
				"the CSV is malformed at line %d, column %d: %v; quote a cell that holds a comma, a quote or a line break as \"...\" and double quotes inside it (\"\"); the rest of the file was not read",
				pe.Line, pe.Column, pe.Err)}
		}
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	s.row = s.rowAt(line)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return rec, s.row, nil
}

// rowAt returns the row number of a record starting at line: the rows before
// it plus the blank lines the CSV reader skipped (a spreadsheet shows them as
// empty rows); line breaks inside quoted cells do not start rows.
func (s *csvSource) rowAt(line int) int {
	if s.row == 0 {
		return max(line, 1)
	}
	return s.row + 1 + max(0, line-s.endLine-1)
}

func (s *csvSource) strict() bool { return true }

func (s *csvSource) badEncoding(cell string) (string, bool) {
	if s.sjis {
		if strings.ContainsRune(cell, utf8.RuneError) {
			return "the cell holds bytes that are not valid Shift_JIS (CP932); the file must be in one encoding, UTF-8 or Shift_JIS", true
		}
		return "", false
	}
	if !utf8.ValidString(cell) {
		return "the cell holds bytes that are not valid UTF-8 (the file starts as UTF-8); the file must be in one encoding, UTF-8 or Shift_JIS", true
	}
	return "", false
}

func (s *csvSource) close() {}

func (s *csvSource) formulas(int) []formulaCell { return nil }

// xlsxSource reads the first sheet of a workbook with excelize's streaming
// row iterator. Cells are read as displayed (number formats applied).
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
	lim  Limits
	// forms are the sheet's formula cells by row (nil: none).
	forms map[int][]formulaCell
}

func (s *xlsxSource) formulas(row int) []formulaCell { return s.forms[row] }

// openXLSX opens a workbook; a corrupt one gives a *sourceError.
func openXLSX(open func() (*excelize.File, map[int][]formulaCell, error), lim Limits) (src *xlsxSource, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, &sourceError{code: CodeXLSXUnreadable, msg: fmt.Sprintf("the XLSX file is corrupt (%v); open and save it again in Excel, or export it as CSV", p)}
		}
	}()
	f, forms, err := open()
	var se *sourceError
	if errors.As(err, &se) {
		return nil, se
	}
	if err != nil {
		return nil, &sourceError{code: CodeXLSXUnreadable, msg: fmt.Sprintf(
			"the file cannot be read as an XLSX workbook (%v); it may be truncated or damaged: copy it again, or export it as CSV", err)}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &sourceError{code: CodeXLSXUnreadable, msg: "the XLSX workbook has no sheet; the responses must be on the first sheet"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &sourceError{code: CodeXLSXUnreadable, msg: fmt.Sprintf("the first sheet %q of the XLSX workbook cannot be read (%v); it may be truncated or damaged", sheets[0], err)}
	}
	return &xlsxSource{f: f, rows: rows, lim: lim, forms: forms}, nil
}

func (s *xlsxSource) next() (cells []string, row int, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, row, err = nil, s.row, &sourceError{code: CodeXLSXUnreadable, row: s.row,
				msg: fmt.Sprintf("the XLSX sheet is corrupt at row %d (%v); the rest of the file was not read", s.row, p)}
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, s.row + 1, &sourceError{code: CodeXLSXUnreadable, row: s.row + 1,
				msg: fmt.Sprintf("the XLSX sheet cannot be read after row %d (%v); the rest of the file was not read", s.row, err)}
		}
		return nil, 0, io.EOF
	}
	s.row++
	cells, err = s.rows.Columns()
	if err != nil {
		return nil, s.row, &sourceError{code: CodeXLSXUnreadable, row: s.row,
			msg: fmt.Sprintf("the XLSX sheet cannot be read at row %d (%v); the rest of the file was not read", s.row, err)}
	}
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	if over(n, s.lim.RowBytes) {
		return nil, s.row, &sourceError{code: CodeRowTooLong, row: s.row, msg: fmt.Sprintf(
			"row %d holds %d bytes, more than %d (the limit is --max-row-bytes %d); the rest of the file was not read",
			s.row, n, s.lim.RowBytes, s.lim.RowBytes)}
	}
	return cells, s.row, nil
}

func (s *xlsxSource) strict() bool { return false }

func (s *xlsxSource) badEncoding(string) (string, bool) { return "", false }

func (s *xlsxSource) close() {
	s.rows.Close()
	s.f.Close()
}
