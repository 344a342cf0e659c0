package ingest

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits bound the work a raw file can cause: a hostile or broken file fails
// fast, in bounded memory, with a located issue, instead of exhausting the
// machine. Zero fields take the defaults (DefaultLimits); a negative field
// disables that limit.
type Limits struct {
	// XLSXBytes caps the total uncompressed size of a workbook's parts, read
	// from the ZIP central directory before anything is expanded (code
	// xlsx_too_large).
	XLSXBytes int64
	// XLSXRatio caps the ratio of expanded to compressed size of any part of
	// a workbook larger than 1 MiB expanded (a ZIP bomb; code xlsx_too_large).
	XLSXRatio int64
	// RowBytes caps the bytes of one row (a CSV record, an XLSX row's cells);
	// a CSV reader stops after about this many bytes of one record (code
	// row_too_long; reading stops there).
	RowBytes int
	// CellBytes caps the bytes of one cell (code cell_too_long; the row is
	// rejected).
	CellBytes int
	// Columns caps the number of header cells (code too_many_columns).
	Columns int
	// ColumnNameBytes caps the bytes of one column name (code
	// column_name_too_long).
	ColumnNameBytes int
}

// DefaultLimits are the limits of a zero Limits field: far above any survey
// file (a 1 000 000-respondent CSV has rows of about 1 KiB), far below what
// exhausts a small machine.
var DefaultLimits = Limits{
	XLSXBytes:       512 << 20,
	XLSXRatio:       100,
	RowBytes:        4 << 20,
	CellBytes:       64 << 10,
	Columns:         10000,
	ColumnNameBytes: 256,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.XLSXBytes == 0 {
		l.XLSXBytes = d.XLSXBytes
	}
	if l.XLSXRatio == 0 {
		l.XLSXRatio = d.XLSXRatio
	}
	if l.RowBytes == 0 {
		l.RowBytes = d.RowBytes
	}
	if l.CellBytes == 0 {
		l.CellBytes = d.CellBytes
	}
	if l.Columns == 0 {
		l.Columns = d.Columns
	}
	if l.ColumnNameBytes == 0 {
		l.ColumnNameBytes = d.ColumnNameBytes
	}
	return l
}

// over reports whether n exceeds limit (a negative limit is no limit).
func over[T int | int64](n, limit T) bool { return limit >= 0 && n > limit }

// ratioMinBytes is the expanded size below which a part's compression ratio
// is not checked (small runs of repeated bytes compress very well).
const ratioMinBytes = 1 << 20

// checkZip reads the central directory of the ZIP archive r (size bytes) and
// checks the declared sizes against the limits; archive/zip (which excelize
// uses too) fails on a part that expands beyond its declared size, so the
// declared sizes bound the work. It returns a *sourceError for a workbook
// over the limits and nil for one within them or one that is not a readable
// ZIP archive (excelize then reports what is wrong with it).
func checkZip(r io.ReaderAt, size int64, lim Limits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if over(int64(min(total, 1<<62)), lim.XLSXBytes) {
			return &sourceError{code: CodeXLSXTooLarge, msg: fmt.Sprintf(
				"the XLSX workbook expands to more than %d bytes (%d bytes compressed; the limit is --max-xlsx-bytes %d); nothing was expanded: export the sheet as CSV, or raise the limit if the file is genuine",
				lim.XLSXBytes, size, lim.XLSXBytes)}
		}
		if f.UncompressedSize64 >= ratioMinBytes && lim.XLSXRatio >= 0 {
			comp := max(f.CompressedSize64, 1)
			if f.UncompressedSize64/comp > uint64(lim.XLSXRatio) {
				return &sourceError{code: CodeXLSXTooLarge, msg: fmt.Sprintf(
					"the XLSX workbook's part %s expands %d times (%d bytes from %d; the limit is --max-xlsx-ratio %d), as a ZIP bomb does; nothing was expanded: export the sheet as CSV, or raise the limit if the file is genuine",
					excerpt(f.Name), f.UncompressedSize64/comp, f.UncompressedSize64, f.CompressedSize64, lim.XLSXRatio)}
			}
		}
	}
	return nil
}

// prepareXLSX checks a workbook against the limits (checkZip) and scans its
// first sheet for formula cells (sheetFormulas).
func prepareXLSX(r io.ReaderAt, size int64, lim Limits) (map[int][]formulaCell, error) {
	if err := checkZip(r, size, lim); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil // excelize reports what is wrong with it
	}
	forms, err := sheetFormulas(zr)
	if err != nil {
		return nil, nil // a damaged sheet: excelize reports it with its row
	}
	return forms, nil
}

// prepareXLSXFile is prepareXLSX for a file on disk.
func prepareXLSXFile(path string, lim Limits) (map[int][]formulaCell, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return prepareXLSX(f, st.Size(), lim)
}

// errRowTooLong is returned by a limitReader when one record grew past the limit.
var errRowTooLong = errors.New("row too long")

// limitReader counts the bytes read since the last reset and fails with
// errRowTooLong past max: it stops the CSV reader from buffering a huge
// record. The CSV reader reads ahead by at most its buffer (4 KiB), so the
// limit holds to within that.
type limitReader struct {
	r   io.Reader
	n   int
	max int
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max >= 0 && l.n > l.max {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

func (l *limitReader) reset() { l.n = 0 }
