package report_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"

	"github.com/csirt-survey/csirt-survey/pipeline/report"
)

// properNouns are the ASCII words the Japanese edition may show as they are:
// names of products, formats, organisations and the report's own terms.
// Team names of the interviews are added from the data.
var properNouns = []string{
	"CSIRT", "CSIRTs", "SOC", "JPCERT/CC", "JPCERT", "CC", "DuckDB", "Parquet", "Arrow", "SIM3", "SQL", "pandas", "pyarrow",
	"polars", "papermill", "Quarto", "JupyterLab", "Jupyter", "Python", "Excel", "PDF", "HTML", "CSV", "UTF-8", "Web",
	"Nippon", "Association", "TF-CSIRT", "ENISA", "English", "edition",
	"Security", "Incident", "Management", "Maturity", "Model", // SIM3 spelt out
}

// wordRE is a plain word: letters (with inner hyphens or apostrophes),
// optionally wrapped in punctuation; codes with digits, #, = or / are not words.
var wordRE = regexp.MustCompile(`^[("“'\[]*([A-Za-z][A-Za-z'’-]*[A-Za-z])[)"”'\],.;:!?]*$`)

// japanese reports whether s holds a Japanese character (kana, kanji,
// Japanese punctuation or full-width forms).
func japanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF {
			return true
		}
	}
	return false
}

// englishSentence reports whether a piece of text is an English sentence in
// the Japanese edition: it has no Japanese character and at least three
// plain ASCII words that are not proper nouns, or, Japanese around it or not,
// a run of four such words in a row (an English phrase left inside a
// Japanese sentence). Codes (2.14.3, #1+#2 = 49, lost_count, p17-lead-...),
// numbers and names stay allowed.
func englishSentence(s string, allowed map[string]bool) bool {
	words, run, longest := 0, 0, 0
	for _, tok := range strings.Fields(s) {
		m := wordRE.FindStringSubmatch(tok)
		if m == nil || allowed[m[1]] || allowed[tok] {
			run = 0
			continue
		}
		words++
		run++
		longest = max(longest, run)
	}
	return longest >= 4 || !japanese(s) && words >= 3
}

// textNodes walks the HTML and returns its visible text nodes, split into
// those inside an element of class "note" and the rest; SVG (charts carry
// both languages' titles only as tooltips), style and script are skipped.
func textNodes(doc *html.Node) (text, notes []string) {
	var walk func(n *html.Node, inNote bool)
	walk = func(n *html.Node, inNote bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "svg", "style", "script", "code", "pre":
				return
			}
			for _, a := range n.Attr {
				if a.Key == "class" && strings.Contains(" "+a.Val+" ", " note ") {
					inNote = true
				}
			}
		}
		if n.Type == html.TextNode {
			if s := strings.TrimSpace(n.Data); s != "" {
				if inNote {
					notes = append(notes, s)
				} else {
					text = append(text, s)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inNote)
		}
	}
	walk(doc, false)
	return text, notes
}

// jaEditionText returns the visible text of the Japanese edition of the
// HTML page and of the Japanese notebook outside code cells' sources:
// markdown cells (fenced code blocks, inline code and link targets removed)
// and the text/html outputs of code cells.
func jaEditionText(t *testing.T, page, notebook []byte) (where []string, text, notes [][]string) {
	t.Helper()
	s := string(page)
	i, j := strings.Index(s, `<div class="ed ed-ja"`), strings.Index(s, `<div class="ed ed-en"`)
	if i < 0 || j < i {
		t.Fatal("report.html has no Japanese edition before the English one")
	}
	add := func(name, h string) {
		doc, err := html.Parse(strings.NewReader(h))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tx, nt := textNodes(doc)
		where, text, notes = append(where, name), append(text, tx), append(notes, nt)
	}
	add("report.html (ja)", s[i:j])
	var nb struct {
		Cells []struct {
			Type    string          `json:"cell_type"`
			ID      string          `json:"id"`
			Source  []string        `json:"source"`
			Outputs []nbDisplayData `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(notebook, &nb); err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?s)```.*?```")
	inline := regexp.MustCompile("`[^`]*`")
	target := regexp.MustCompile(`\]\([^)]*\)`)
	for _, c := range nb.Cells {
		switch c.Type {
		case "markdown":
			md := strings.Join(c.Source, "")
			md = strings.ReplaceAll(md, "\\`", "'") // an escaped backtick is text
			md = fence.ReplaceAllString(md, "")
			md = inline.ReplaceAllString(md, "")
			md = target.ReplaceAllString(md, "]")
			md = strings.NewReplacer(`\_`, "_", `\*`, "*", `\#`, "#", `\[`, "[", `\]`, "]", `\|`, "\x00").Replace(md)
			// a Markdown table cell or a line is a text of its own; a
			// table's notes are the list after the line 注記…: (tableMD)
			md = strings.ReplaceAll(strings.ReplaceAll(md, "|", "\n"), "\x00", "|")
			var h strings.Builder
			inNotes := false
			for _, line := range strings.Split(md, "\n") {
				switch {
				case strings.HasSuffix(c.ID, "-about") && strings.HasPrefix(line, "注記") && strings.HasSuffix(line, ":"):
					inNotes = true
				case inNotes && strings.HasPrefix(line, "- "):
					h.WriteString(`<div class="note">` + html.EscapeString(line) + "</div>")
					continue
				}
				h.WriteString("<div>" + html.EscapeString(line) + "</div>")
			}
			add("report.ipynb cell "+c.ID, h.String())
		case "code":
			for _, o := range c.Outputs {
				if h := strings.Join(o.Data["text/html"], ""); h != "" && !strings.HasPrefix(h, "<img") {
					add("report.ipynb output of cell "+c.ID, h)
				}
			}
		}
	}
	return where, text, notes
}

type nbDisplayData struct {
	Data map[string][]string `json:"data"`
}

// TestJapaneseEditionInJapanese checks the Japanese HTML edition and the
// Japanese notebook for English sentences (see englishSentence) outside code
// cells, codes and proper nouns.
func TestJapaneseEditionInJapanese(t *testing.T) {
	in := LoadInputs(t, repoRoot, 2015)
	out, err := report.Render(in)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, w := range properNouns {
		allowed[w] = true
	}
	for _, iv := range in.Interviews {
		for _, w := range strings.Fields(iv.Team) {
			allowed[w] = true
		}
	}
	where, text, notes := jaEditionText(t, out[report.HTMLFile], out[report.NotebookJA])
	// the check itself: an English sentence is caught, a code is not
	if !englishSentence("printed in the report, lost in the text extraction", allowed) ||
		!englishSentence("抽出で欠落: lost in the extraction かつ", allowed) ||
		englishSentence("N(2.14.3)=66, 2.14 行 1=46 (差 20)", allowed) || englishSentence("lost_label_digits", allowed) {
		t.Fatal("englishSentence does not tell sentences from codes")
	}
	check := func(t *testing.T, texts [][]string) {
		seen := 0
		for i, tx := range texts {
			for _, s := range tx {
				seen++
				if englishSentence(s, allowed) {
					t.Errorf("%s: English sentence in the Japanese edition: %q", where[i], s)
				}
			}
		}
		if seen == 0 {
			t.Fatal("no text found: the check would pass blindly")
		}
	}
	t.Run("text", func(t *testing.T) { check(t, text) })
	t.Run("notes", func(t *testing.T) {
		// The tables' notes (class "note"): note_ja of schemas/<year>/tables.yaml
		// and of the transcription, the reconciliation's and the audit's
		// generated notes in Japanese.
		check(t, notes)
	})
}
