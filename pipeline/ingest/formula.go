package ingest

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// formulaCell is a cell of the first sheet that holds a formula: excelize
// reads its cached value (what Excel last computed and saved), which a
// workbook written by another program may lack; the formula is never
// evaluated.
type formulaCell struct {
	col      int  // 0-based column
	hasValue bool // a cached value is stored
}

// sheetFormulas scans the first sheet of the workbook in zr for formula
// cells, by row number. The XML is streamed, so memory grows with the number
// of formula cells only (none in a usual export).
func sheetFormulas(zr *zip.Reader) (map[int][]formulaCell, error) {
	sheet, err := firstSheetPath(zr)
	if err != nil || sheet == "" {
		return nil, err
	}
	f := zipFile(zr, sheet)
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var out map[int][]formulaCell
	var ref string
	inCell, hasF, hasV := false, false, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				inCell, hasF, hasV, ref = true, false, false, ""
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						ref = a.Value
					}
				}
			case "f":
				hasF = hasF || inCell
			case "v", "is":
				hasV = hasV || inCell
			}
		case xml.EndElement:
			if t.Name.Local != "c" || !inCell {
				continue
			}
			inCell = false
			if !hasF {
				continue
			}
			col, row, err := excelize.CellNameToCoordinates(ref)
			if err != nil {
				continue // a cell without a reference: excelize places it; rare enough to leave unflagged
			}
			if out == nil {
				out = map[int][]formulaCell{}
			}
			out[row] = append(out[row], formulaCell{col: col - 1, hasValue: hasV})
		}
	}
}

// firstSheetPath returns the ZIP path of the workbook's first sheet, as
// xl/workbook.xml and its relationships name it.
func firstSheetPath(zr *zip.Reader) (string, error) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodeZipXML(zr, "xl/workbook.xml", &wb); err != nil || len(wb.Sheets) == 0 {
		return "", err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeZipXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if r.ID == wb.Sheets[0].ID {
			if strings.HasPrefix(r.Target, "/") {
				return strings.TrimPrefix(r.Target, "/"), nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "", nil
}

func zipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

func decodeZipXML(zr *zip.Reader, name string, v any) error {
	f := zipFile(zr, name)
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}
