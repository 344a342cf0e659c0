package report_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// pdfPages counts the pages of a PDF Chromium wrote: the page objects
// (/Type /Page, not /Pages), checked against the page tree root's /Count
// (the largest /Count: the root counts every page below it).
func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1))
	root := 0
	for _, m := range regexp.MustCompile(`/Count\s+(\d+)`).FindAllSubmatch(pdf, -1) {
		if n, _ := strconv.Atoi(string(m[1])); n > root {
			root = n
		}
	}
	if pages == 0 || pages != root {
		t.Fatalf("the PDF has %d page objects but its page tree counts %d: cannot count its pages", pages, root)
	}
	return pages
}

// TestHTMLPrintsToFewPages prints the 2015 page (its Japanese edition, the
// one shown first) to PDF with headless Chromium and checks the print
// layout (@media print: no navigation, a table beside its chart, a table
// never split) keeps it under 50 A4 pages. Without the print CSS it was 89.
func TestHTMLPrintsToFewPages(t *testing.T) {
	out := rendered2015(t)
	dir := t.TempDir()
	page, pdf := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(page, out[report.HTMLFile], 0o644); err != nil {
		t.Fatal(err)
	}
	chromium(t, "file://"+page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatalf("chromium wrote no PDF: %v", err)
	}
	n := pdfPages(t, data)
	t.Logf("report.html (2015, ja) prints to %d pages", n)
	if n >= 50 {
		t.Errorf("report.html prints to %d pages, want fewer than 50", n)
	}
	// the count is real: the page is long enough to need many pages
	if n < 10 {
		t.Errorf("report.html prints to only %d pages: 80 tables cannot fit; is the page empty?", n)
	}
}
