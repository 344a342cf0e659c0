package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// The workbook: an index sheet, an overview, one sheet per published table
// (bilingual: Japanese and English columns side by side) and one per section.
// Numbers are numbers: counts, N, row numbers and pages as integers, % as
// the fraction with a "0.0%" format, means with their decimals; a text that
// only looks like a number (an item number such as 1.1) has the Text format,
// so that Excel does not take it for a number stored as text. A missing
// number is an empty cell. Every sheet holding a table freezes the rows down
// to the table's header, filters the table, repeats those rows on every
// printed page and prints fitted to the page width.
//
// excelize writes a fixed creation date (2006) in docProps/core.xml and zero
// timestamps in the ZIP; the workbook instead carries the report's date of
// publication in both, so that a rebuild gives the same bytes and the dates
// are valid.

// sheetName is a table's sheet: Excel forbids / in names.
func sheetName(key string) string {
	return strings.NewReplacer("/", "-", "\\", "-", "?", "-", "*", "-", "[", "(", "]", ")", ":", "-").Replace(key)
}

type styles struct {
	title, bold, header, dec1, dec2, pct1, text, wrap int
	chosen                                            int // a count the reconstruction chose
}

type book struct {
	f   *excelize.File
	st  styles
	err error
	// the last grid writeGrid wrote: its header row, columns and last row
	hdr, cols, end int
}

// intText matches the texts the workbook stores as integers.
var intText = regexp.MustCompile(`^(0|-?[1-9][0-9]{0,14})$`)

// numText matches the other texts that Excel would read as numbers.
var numText = regexp.MustCompile(`^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?%?$`)

func (b *book) fail(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

func (b *book) ref(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	b.fail(err)
	return name
}

// put writes one value; nil writes nothing.
func (b *book) put(sheet string, col, row int, v any, style int) {
	ref := b.ref(col, row)
	switch x := v.(type) {
	case nil:
		return
	case string:
		switch {
		case intText.MatchString(x):
			n, err := strconv.ParseInt(x, 10, 64)
			b.fail(err)
			b.fail(b.f.SetCellInt(sheet, ref, n))
		case numText.MatchString(x):
			b.fail(b.f.SetCellStr(sheet, ref, x))
			if style == 0 || style == b.st.bold {
				style = b.st.text
			}
		default:
			b.fail(b.f.SetCellStr(sheet, ref, x))
		}
	case int64:
		b.fail(b.f.SetCellInt(sheet, ref, x))
	case int:
		b.fail(b.f.SetCellInt(sheet, ref, int64(x)))
	case float64:
		b.fail(b.f.SetCellFloat(sheet, ref, x, -1, 64))
	case bool:
		b.fail(b.f.SetCellBool(sheet, ref, x))
	default:
		b.fail(fmt.Errorf("report: xlsx: value of type %T", v))
	}
	if style != 0 {
		b.fail(b.f.SetCellStyle(sheet, ref, ref, style))
	}
}

func (b *book) newSheet(name string) {
	_, err := b.f.NewSheet(name)
	b.fail(err)
}

// mergeGrids puts the Japanese and English renderings of one table side by
// side: a column whose text differs between them appears twice.
func mergeGrids(gj, ge *grid) *grid {
	out := &grid{Empty: gj.Empty + " / " + ge.Empty}
	type pick struct {
		i  int
		en bool
	}
	var picks []pick
	for i := range gj.Cols {
		differs := false
		for r := range gj.Rows {
			if gj.Rows[r][i].S != ge.Rows[r][i].S {
				differs = true
				break
			}
		}
		if differs {
			picks = append(picks, pick{i, false}, pick{i, true})
			out.Cols = append(out.Cols, col{Name: gj.Cols[i].Name, Num: gj.Cols[i].Num}, col{Name: ge.Cols[i].Name, Num: ge.Cols[i].Num})
			continue
		}
		name := gj.Cols[i].Name
		if ge.Cols[i].Name != name {
			name += " / " + ge.Cols[i].Name
		}
		picks = append(picks, pick{i, false})
		out.Cols = append(out.Cols, col{Name: name, Num: gj.Cols[i].Num})
	}
	for r := range gj.Rows {
		row := make([]cell, len(picks))
		for j, p := range picks {
			if p.en {
				row[j] = ge.Rows[r][p.i]
			} else {
				row[j] = gj.Rows[r][p.i]
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// writeGrid writes g from row on; it returns the next free row.
func (b *book) writeGrid(sheet string, g *grid, row int) int {
	widths := make([]int, len(g.Cols))
	for i, c := range g.Cols {
		b.put(sheet, i+1, row, c.Name, b.st.header)
		widths[i] = columns(c.Name)
	}
	b.hdr, b.cols, b.end = row, len(g.Cols), row+len(g.Rows)
	row++
	if len(g.Rows) == 0 {
		b.put(sheet, 1, row, g.Empty, 0)
		row++
	}
	for _, r := range g.Rows {
		for i, c := range r {
			style := 0
			if _, ok := c.V.(float64); ok {
				// The shown decimals: one (%), two (means); others as Excel's General.
				switch dot := strings.Index(c.S, "."); {
				case dot >= 0 && len(c.S)-dot-1 == 1:
					style = b.st.dec1
				case dot >= 0 && len(c.S)-dot-1 == 2:
					style = b.st.dec2
				}
			}
			if c.Class == "chosen" {
				style = b.st.chosen
			}
			if c.Pct {
				if v, ok := c.V.(float64); ok {
					b.put(sheet, i+1, row, v/100, b.st.pct1)
				}
			} else if c.Num && c.V == nil {
				b.put(sheet, i+1, row, nil, 0)
			} else if c.V == nil && c.S != naText {
				b.put(sheet, i+1, row, c.S, style)
			} else {
				b.put(sheet, i+1, row, c.V, style)
			}
			widths[i] = max(widths[i], columns(c.S))
		}
		row++
	}
	for i, w := range widths {
		width := float64(min(w, 60))*1.1 + 2
		name, err := excelize.ColumnNumberToName(i + 1)
		b.fail(err)
		cur, err := b.f.GetColWidth(sheet, name)
		b.fail(err)
		if width > cur {
			b.fail(b.f.SetColWidth(sheet, name, name, width))
		}
		if w > 60 {
			first, last := b.ref(i+1, row-len(g.Rows)), b.ref(i+1, max(row-1, 1))
			b.fail(b.f.SetCellStyle(sheet, first, last, b.st.wrap))
		}
	}
	return row
}

// frame makes the last grid written on sheet the sheet's table: the rows
// down to its header stay in view, its columns get filters, and printing
// repeats those rows on every page and fits the width to the page.
func (b *book) frame(sheet string) {
	if b.cols == 0 {
		return
	}
	b.fail(b.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: b.hdr, TopLeftCell: b.ref(1, b.hdr+1), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: b.ref(1, b.hdr+1), ActiveCell: b.ref(1, b.hdr+1), Pane: "bottomLeft"}}}))
	if b.end > b.hdr {
		b.fail(b.f.AutoFilter(sheet, b.ref(1, b.hdr)+":"+b.ref(b.cols, b.end), nil))
	}
	b.fail(b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, b.hdr), Scope: sheet}))
	fit := true
	one, zero := 1, 0
	b.fail(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	b.fail(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &zero}))
	b.cols = 0
}

// kvRows writes label/value pairs in both languages from row on.
func (b *book) kvRows(sheet string, row int, rows [][4]string) int {
	for _, r := range rows {
		b.put(sheet, 1, row, r[0], b.st.bold)
		b.put(sheet, 2, row, r[1], 0)
		if r[2] != "" || r[3] != "" {
			b.put(sheet, 3, row, r[2], b.st.bold)
			b.put(sheet, 4, row, r[3], 0)
		}
		row++
	}
	return row
}

func workbook(m *model) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f}
	var err error
	newStyle := func(s *excelize.Style) int {
		id, e := f.NewStyle(s)
		b.fail(e)
		return id
	}
	d1, d2, p1, txt := "0.0", "0.00", "0.0%", "@"
	b.st = styles{
		title:  newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}),
		bold:   newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}),
		header: newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}, Border: []excelize.Border{{Type: "bottom", Color: "8FA8C8", Style: 1}}}),
		dec1:   newStyle(&excelize.Style{CustomNumFmt: &d1}),
		dec2:   newStyle(&excelize.Style{CustomNumFmt: &d2}),
		pct1:   newStyle(&excelize.Style{CustomNumFmt: &p1}),
		text:   newStyle(&excelize.Style{CustomNumFmt: &txt}),
		chosen: newStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "8A5A00"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF4D6"}},
			Border: []excelize.Border{{Type: "left", Color: "8A5A00", Style: 3}, {Type: "right", Color: "8A5A00", Style: 3}, {Type: "top", Color: "8A5A00", Style: 3}, {Type: "bottom", Color: "8A5A00", Style: 3}}}),
		wrap: newStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}),
	}
	s := m.q.Survey

	// Index.
	const index = "index"
	b.fail(f.SetSheetName("Sheet1", index))
	b.put(index, 1, 1, s.TitleJA, b.st.title)
	b.put(index, 1, 2, s.TitleEN, b.st.bold)
	b.put(index, 1, 3, m.lead("leadXLSX").JA, 0)
	b.put(index, 1, 4, m.lead("leadXLSX").EN, 0)
	row := 5
	if w, loud := m.provenanceText(ja); loud {
		we, _ := m.provenanceText(en)
		b.put(index, 1, row, w, b.st.bold)
		b.put(index, 1, row+1, we, b.st.bold)
		row += 2
	}
	row++
	indexHdr := row
	for i, h := range []string{"シート / sheet", "表 / table", "設問 / item", "表題", "title", "N", "公表 N / printed N", "p."} {
		b.put(index, i+1, row, h, b.st.header)
	}
	row++
	link := func(sheet string, r int) {
		b.put(index, 1, r, sheet, 0)
		b.fail(f.SetCellHyperLink(index, b.ref(1, r), "'"+sheet+"'!A1", "Location"))
	}
	sections := []struct{ sheet, ja, en string }{
		{"overview", ui["overview"].JA, ui["overview"].EN},
	}
	for _, sec := range sections {
		link(sec.sheet, row)
		b.put(index, 4, row, sec.ja, 0)
		b.put(index, 5, row, sec.en, 0)
		row++
	}
	for _, t := range m.tables {
		link(sheetName(t.Key), row)
		b.put(index, 2, row, t.Key, 0)
		b.put(index, 3, row, t.Item, 0)
		b.put(index, 4, row, t.Title.JA, 0)
		b.put(index, 5, row, t.Title.EN, 0)
		if t.N != nil {
			b.put(index, 6, row, *t.N, 0)
		}
		if t.PubN != nil {
			b.put(index, 7, row, *t.PubN, 0)
		}
		if t.Page > 0 {
			b.put(index, 8, row, t.Page, 0)
		}
		row++
	}
	var later []struct{ sheet, ja, en string }
	if m.maturity != nil && len(m.maturity.items) > 0 {
		later = append(later, struct{ sheet, ja, en string }{"maturity", ui["maturityLevels"].JA, ui["maturityLevels"].EN},
			struct{ sheet, ja, en string }{"maturity_respondents", ui["perRespondent"].JA, ui["perRespondent"].EN})
	}
	if m.in.Published != nil {
		later = append(later, struct{ sheet, ja, en string }{"audit", ui["audit"].JA, ui["audit"].EN})
	}
	if m.in.Validation != nil {
		later = append(later, struct{ sheet, ja, en string }{"validation", ui["validation"].JA, ui["validation"].EN})
	}
	if len(m.in.Interviews) > 0 {
		later = append(later, struct{ sheet, ja, en string }{"interviews", ui["interviews"].JA, ui["interviews"].EN})
	}
	if len(m.in.Claims) > 0 {
		later = append(later, struct{ sheet, ja, en string }{"claims", ui["claims"].JA, ui["claims"].EN})
		if m.in.Quantifiers != nil {
			later = append(later, struct{ sheet, ja, en string }{"quantifiers", ui["quantifiers"].JA, ui["quantifiers"].EN})
		}
	}
	for _, sec := range later {
		link(sec.sheet, row)
		b.put(index, 4, row, sec.ja, 0)
		b.put(index, 5, row, sec.en, 0)
		row++
	}
	for col, w := range []float64{22, 12, 10, 50, 50, 8, 16, 6} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		b.fail(f.SetColWidth(index, name, name, w))
	}
	b.hdr, b.cols, b.end = indexHdr, 8, row-1
	b.frame(index)

	// Overview.
	b.newSheet("overview")
	oj, oe := m.overview(ja), m.overview(en)
	rows := make([][4]string, len(oj))
	for i := range oj {
		rows[i] = [4]string{oj[i].K, oj[i].V, oe[i].K, oe[i].V}
	}
	b.put("overview", 1, 1, ui["overview"].JA+" / "+ui["overview"].EN, b.st.title)
	b.kvRows("overview", 3, rows)
	for col, w := range []float64{22, 70, 22, 70} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		b.fail(f.SetColWidth("overview", name, name, w))
	}
	b.fail(f.SetCellStyle("overview", "B3", b.ref(4, 3+len(rows)), b.st.wrap))

	// One sheet per table.
	for _, t := range m.tables {
		sh := sheetName(t.Key)
		b.newSheet(sh)
		b.put(sh, 1, 1, t.Key+" "+t.Title.JA, b.st.title)
		b.put(sh, 1, 2, t.Key+" "+t.Title.EN, b.st.bold)
		meta := [][4]string{
			{"問", t.Question.JA, "Q", t.Question.EN},
			{"母数", t.BaseLong.JA, "Base", t.BaseLong.EN},
			{"", t.meta(ja), "", t.meta(en)},
			{"", t.nLine(ja), "", t.nLine(en)},
		}
		r := b.kvRows(sh, 3, meta)
		r = b.writeGrid(sh, mergeGrids(t.grid(ja), t.grid(en)), r+1)
		b.frame(sh)
		if t.hasChosen() {
			r++
			b.put(sh, 1, r, ui["chosenCell"].JA, b.st.chosen)
			r++
			b.put(sh, 1, r, ui["chosenCell"].EN, b.st.chosen)
		}
		if len(t.Notes) > 0 {
			r++
			b.put(sh, 1, r, ui["notes"].JA+" / "+ui["notes"].EN, b.st.bold)
			for _, n := range t.Notes { // each in Japanese, then in English
				b.put(sh, 1, r+1, n.JA, 0)
				b.put(sh, 1, r+2, n.EN, 0)
				r += 2
			}
		}
	}

	// Sections.
	if mt := m.maturity; mt != nil && len(mt.items) > 0 {
		b.newSheet("maturity")
		b.put("maturity", 1, 1, ui["maturityLevels"].JA+" / "+ui["maturityLevels"].EN, b.st.title)
		b.writeGrid("maturity", mergeGrids(mt.grid(ja), mt.grid(en)), 3)
		b.frame("maturity")
		b.newSheet("maturity_respondents")
		b.put("maturity_respondents", 1, 1, ui["perRespondent"].JA+" / "+ui["perRespondent"].EN, b.st.title)
		next := 2
		if m.in.Provenance == survey.Reconstructed {
			b.put("maturity_respondents", 1, 2, ui["perRespWarn"].JA, b.st.bold)
			b.put("maturity_respondents", 1, 3, ui["perRespWarn"].EN, b.st.bold)
			next = 4
		}
		b.writeGrid("maturity_respondents", mergeGrids(mt.respondentGrid(ja), mt.respondentGrid(en)), next+1)
		b.frame("maturity_respondents")
	}
	if m.in.Published != nil {
		b.newSheet("audit")
		b.put("audit", 1, 1, ui["audit"].JA+" / "+ui["audit"].EN, b.st.title)
		b.writeGrid("audit", mergeGrids(m.auditGrid(ja), m.auditGrid(en)), 3)
		b.frame("audit")
	}
	if m.in.Validation != nil {
		b.newSheet("validation")
		b.put("validation", 1, 1, ui["validation"].JA+" / "+ui["validation"].EN, b.st.title)
		vj, ve := m.validationSummary(ja), m.validationSummary(en)
		rows := make([][4]string, len(vj))
		for i := range vj {
			rows[i] = [4]string{vj[i].K, vj[i].V, ve[i].K, ve[i].V}
		}
		r := b.kvRows("validation", 3, rows)
		r = b.writeGrid("validation", mergeGrids(m.validationTotalsGrid(ja), m.validationTotalsGrid(en)), r+1)
		b.writeGrid("validation", mergeGrids(m.validationIssuesGrid(ja), m.validationIssuesGrid(en)), r+1)
		b.frame("validation")
	}
	if len(m.in.Interviews) > 0 {
		b.newSheet("interviews")
		b.put("interviews", 1, 1, ui["interviews"].JA+" / "+ui["interviews"].EN, b.st.title)
		r := b.writeGrid("interviews", mergeGrids(m.interviewGrid(ja), m.interviewGrid(en)), 3)
		b.frame("interviews")
		r = b.writeGrid("interviews", m.topicGrid(ja), r+1)
		lj, le := m.topicLegend(ja), m.topicLegend(en)
		b.put("interviews", 1, r+1, ui["legend"].JA+" / "+ui["legend"].EN, b.st.bold)
		legend := make([][4]string, len(lj))
		for i := range lj {
			legend[i] = [4]string{lj[i].K, lj[i].V, le[i].K, le[i].V}
		}
		b.kvRows("interviews", r+2, legend)
	}
	if len(m.in.Claims) > 0 {
		b.newSheet("claims")
		b.put("claims", 1, 1, ui["claims"].JA+" / "+ui["claims"].EN, b.st.title)
		b.writeGrid("claims", mergeGrids(m.claimsGrid(ja), m.claimsGrid(en)), 3)
		b.frame("claims")
		if gj := m.quantifierGrid(ja); gj != nil {
			b.newSheet("quantifiers")
			b.put("quantifiers", 1, 1, ui["quantifiers"].JA+" / "+ui["quantifiers"].EN, b.st.title)
			b.put("quantifiers", 1, 2, ui["quantifiersText"].JA, b.st.wrap)
			b.put("quantifiers", 1, 3, ui["quantifiersText"].EN, b.st.wrap)
			b.writeGrid("quantifiers", mergeGrids(gj, m.quantifierGrid(en)), 5)
			b.frame("quantifiers")
		}
	}

	date := s.Published
	if _, e := time.Parse(time.DateOnly, date); e != nil {
		date = fmt.Sprintf("%04d-01-01", m.in.Year)
	}
	stamp := date + "T00:00:00Z"
	b.fail(f.SetDocProps(&excelize.DocProperties{
		Title: s.TitleJA, Subject: s.TitleEN, Creator: "csirt-survey (pipeline/report)", LastModifiedBy: "csirt-survey (pipeline/report)",
		Description: "Generated from schemas/ and raw/ by the csirt-survey pipeline; dates are the report's publication date so that rebuilds are byte-identical.",
		Language:    "ja-JP", Created: stamp, Modified: stamp,
	}))
	f.SetActiveSheet(0)
	if b.err != nil {
		return nil, fmt.Errorf("report: xlsx: %w", b.err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("report: xlsx: %w", err)
	}
	modified, _ := time.Parse(time.DateOnly, date)
	return restamp(buf.Bytes(), modified)
}

// restamp rewrites a ZIP archive with every entry's modification time set to
// t, keeping the order, names and contents.
func restamp(data []byte, t time.Time) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("report: xlsx: %w", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		r, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("report: xlsx: %w", err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: t})
		if err != nil {
			return nil, fmt.Errorf("report: xlsx: %w", err)
		}
		if _, err := io.Copy(w, r); err != nil {
			return nil, fmt.Errorf("report: xlsx: %w", err)
		}
		if err := r.Close(); err != nil {
			return nil, fmt.Errorf("report: xlsx: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("report: xlsx: %w", err)
	}
	return out.Bytes(), nil
}
