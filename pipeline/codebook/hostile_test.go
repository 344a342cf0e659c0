package codebook_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/csirt-survey/csirt-survey/pipeline/codebook"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Labels an attacker (or a careless copy from a web page) could put into a
// questionnaire, each where the codebook prints it.
var hostileLabels = map[string]string{
	"title_en: Test survey":                `title_en: "<script>alert('title')</script>"`,
	"text_en: Kind":                        `text_en: "<img src=x onerror=alert('kind')>"`,
	"label_en: Group 1":                    `label_en: "[click](javascript:alert('section'))"`,
	"title_en: Chapter 1":                  `title_en: "<iframe src=\"javascript:alert('chapter')\"></iframe>"`,
	"label_en: High":                       `label_en: "<javascript:alert('autolink')>"`,
	"note: table 1.1 row 3":                `note: "![x](javascript:alert('image')) <a href=\"javascript:alert('a')\">a</a>"`,
	"label_ja: 甲":                          `label_ja: "<svg onload=alert('svg')>"`,
	"text_en: Start":                       `text_en: "**bold** _em_ | pipe # hash $x$ ~~del~~"`,
	"label_en: Fewer than 5":               `label_en: "<details open ontoggle=alert('bin')>"`,
	"text_ja: サービス":                        `text_ja: "<style>body{display:none}</style>"`,
	"label_en: Other\n        other: true": "label_en: \"[x]: javascript:alert('ref')\"\n        other: true",
}

// The codebook, rendered by a Markdown renderer that passes raw HTML through
// (as GitHub's and many editors' do before their sanitizer), holds no
// element or attribute from the data: every hostile label shows as text.
func TestMarkdownHostileLabelsEscaped(t *testing.T) {
	data, err := os.ReadFile(minimalPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for from, to := range hostileLabels {
		if !strings.Contains(text, from) {
			t.Fatalf("minimal.yaml has no %q", from)
		}
		text = strings.Replace(text, from, to, 1)
	}
	q, err := questionnaire.Parse("hostile.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	md := codebook.Markdown(q, "hostile.yaml")
	var out bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gm.Convert(md, &out); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	// Sanitizer check: only the elements the codebook itself writes, with no
	// attribute but a table cell's alignment.
	allowed := map[string]bool{"h1": true, "h2": true, "h3": true, "p": true, "em": true, "strong": true, "code": true,
		"ul": true, "li": true, "blockquote": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true,
		"td": true, "br": true}
	tag := regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	for _, m := range tag.FindAllStringSubmatch(page, -1) {
		if !allowed[strings.ToLower(m[2])] {
			t.Errorf("element <%s%s> in the rendered codebook", m[2], m[3])
		}
		if attrs := strings.TrimSpace(strings.TrimSuffix(m[3], "/")); attrs != "" && !regexp.MustCompile(`^style="text-align:[a-z]+"$`).MatchString(attrs) {
			t.Errorf("attributes %q on <%s>", attrs, m[2])
		}
	}
	for _, bad := range []string{"javascript:alert", "onerror=", "onload="} {
		if i := strings.Index(page, bad); i >= 0 && !strings.Contains(page[max(0, i-40):i], "&lt;") &&
			strings.Contains(page[max(0, i-12):i], "href=") {
			t.Errorf("%q is a link target: %s", bad, page[max(0, i-60):min(len(page), i+40)])
		}
	}
	// ... and every label is there, as text.
	for _, want := range []string{"&lt;script&gt;alert('title')&lt;/script&gt;", "&lt;img src=x onerror=alert('kind')&gt;",
		"[click](javascript:alert('section'))", "**bold** _em_ | pipe # hash $x$ ~~del~~", "&lt;style&gt;body{display:none}&lt;/style&gt;"} {
		if !strings.Contains(page, want) && !strings.Contains(page, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("the rendered codebook does not show %q as text", want)
		}
	}
	if t.Failed() {
		t.Logf("markdown:\n%s\nhtml:\n%s", md, page)
	}
}
