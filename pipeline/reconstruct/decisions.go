package reconstruct

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Format is the value the top-level "format" key of a reconstruction file
// must have.
const Format = "csirt-survey/reconstruction/v1"

// FileName is the name of a year's reconstruction file in raw/<year>/.
const FileName = "reconstruction.yaml"

// Guide is where the reconstruction file format is documented, named in
// error messages.
const Guide = "raw/RECONSTRUCTION-FORMAT.md"

// Sentinel errors classify the problems of a reconstruction file; test with
// errors.Is.
var (
	ErrSyntax     = yamlsrc.ErrSyntax
	ErrUnknownKey = yamlsrc.ErrUnknownKey
	ErrMissing    = yamlsrc.ErrMissing
	ErrDuplicate  = yamlsrc.ErrDuplicate
	ErrInvalid    = yamlsrc.ErrInvalid
	// ErrUnknownRef is a table, row, item, code or shared reason the file
	// names that does not exist.
	ErrUnknownRef = errors.New("unknown reference")
)

// Decisions are what a survey year's reconstruction needs beyond the printed
// numbers: a value for every lost count, what to do where the report
// contradicts itself, the (start, end) pairs of the year-month items, and the
// year's wording of RECONSTRUCTION.md. They are read from
// raw/<year>/reconstruction.yaml (LoadDecisions).
type Decisions struct {
	Format string `yaml:"format"`
	Year   int    `yaml:"year"`
	// Method holds the year-specific bullets of "How the rows were generated".
	Method Method `yaml:"method"`
	// SharedReasons are texts that reasons of Counts end with (see
	// CountDecision.Append), by name.
	SharedReasons map[string]string `yaml:"shared_reasons"`
	// Counts are lost counts (Contradiction false) and printed counts that
	// cannot be reproduced because the report contradicts itself
	// (Contradiction true).
	Counts []CountDecision `yaml:"counts"`
	// NGaps explain printed Ns that differ from the base the questionnaire's
	// routing gives.
	NGaps []NGap `yaml:"n_gaps"`
	// SkippedAnswers are answers to a single-answer follow-up from
	// respondents its routing skipped, which a paper form (advisory routing)
	// does not prevent and a printed table counts.
	SkippedAnswers []SkippedAnswers `yaml:"skipped_answers"`
	// Dates are the (start, end) pairs of the year_month items.
	Dates *DatePlan `yaml:"dates"`
	// WrittenIn says how the written-in row of the matrix item is filled.
	WrittenIn *WrittenIn `yaml:"written_in"`

	// File is the file the decisions were read from.
	File            string `yaml:"-"`
	yamlsrc.Located `yaml:"-"`
}

// Method is the year's wording of the method section of RECONSTRUCTION.md.
// Texts are Markdown; their line breaks are kept.
type Method struct {
	// Columns describes the columns of the responses contract (written in
	// parentheses after "the responses contract of `raw/README.md`").
	Columns string `yaml:"columns"`
	// Items are bullets on how each kind of item is filled.
	Items           []string `yaml:"items"`
	yamlsrc.Located `yaml:"-"`
}

// CountDecision is the value chosen for one printed row of a table.
type CountDecision struct {
	Table         string `yaml:"table"`
	Row           int    `yaml:"row"`
	Value         *int64 `yaml:"value"`
	Contradiction bool   `yaml:"contradiction"`
	Reason        string `yaml:"reason"`
	// Append names shared reasons added to Reason, each after a space.
	Append          []string `yaml:"append"`
	yamlsrc.Located `yaml:"-"`
}

// NGap explains why a table's printed N differs from its reconstructed base.
type NGap struct {
	Table           string `yaml:"table"`
	Reason          string `yaml:"reason"`
	yamlsrc.Located `yaml:"-"`
}

// SkippedAnswers says that respondents whom the routing of a table's
// follow-up skipped answered it anyway (the year's routing must be
// advisory): Answers gives how many gave each answer (option code → count);
// they are chosen among those whose answer to the routing item is one of
// From ("" is no answer).
type SkippedAnswers struct {
	Table           string           `yaml:"table"`
	Answers         map[string]int64 `yaml:"answers"`
	From            []string         `yaml:"from"`
	Reason          string           `yaml:"reason"`
	yamlsrc.Located `yaml:"-"`
}

// DatePlan lists the (start, end) answers of two year_month items, chosen
// together so that both items' tables and the table of the months between
// them are reproduced.
type DatePlan struct {
	// Start and End are the printed numbers of the two year_month items.
	Start string `yaml:"start"`
	End   string `yaml:"end"`
	// StartName and EndName name the items in RECONSTRUCTION.md ("Start of
	// construction", "completion"); SpanName names the table of the months
	// between them, as the report does.
	StartName string `yaml:"start_name"`
	EndName   string `yaml:"end_name"`
	SpanName  string `yaml:"span_name"`
	// Latest is the last month a date may be (YYYY-MM).
	Latest          string        `yaml:"latest"`
	Groups          []DateGroupIn `yaml:"groups"`
	Recent          *RecentCheck  `yaml:"recent"`
	Notes           []PlanNote    `yaml:"notes"`
	yamlsrc.Located `yaml:"-"`
}

// DateGroupIn is a labelled list of pairs, each [start, end]; a value is
// YYYY-MM, a coded category of the item, or "" (no answer).
type DateGroupIn struct {
	Label           string     `yaml:"label"`
	Pairs           [][]string `yaml:"pairs"`
	yamlsrc.Located `yaml:"-"`

	pairAt []yamlsrc.Pos
}

// RecentCheck is a figure of the report the pairs must reproduce: of the
// respondents in row Bin of Table, Want started and completed in From or
// later.
type RecentCheck struct {
	Table string `yaml:"table"`
	Bin   string `yaml:"bin"`
	From  string `yaml:"from"`
	Want  *int64 `yaml:"want"`
	// Source cites where the report says so ("p. 109").
	Source          string `yaml:"source"`
	Reason          string `yaml:"reason"`
	yamlsrc.Located `yaml:"-"`
}

// PlanNote is a decision of the date plan recorded in RECONSTRUCTION.md.
type PlanNote struct {
	Table string `yaml:"table"`
	// Row is the printed row the note is about; 0 = the table as a whole.
	Row             int    `yaml:"row"`
	Code            string `yaml:"code"`
	Value           string `yaml:"value"`
	Reason          string `yaml:"reason"`
	yamlsrc.Located `yaml:"-"`
}

// WrittenIn says how the written-in row of the matrix item is filled: the
// sourcing of its providers, and why the others leave its provision blank.
type WrittenIn struct {
	Row             string `yaml:"row"`
	Sourcing        string `yaml:"sourcing"`
	SourcingReason  string `yaml:"sourcing_reason"`
	BlankReason     string `yaml:"blank_reason"`
	yamlsrc.Located `yaml:"-"`
}

// reason returns the reason of cd with its appended shared reasons.
func (d *Decisions) reason(cd CountDecision) string {
	r := cd.Reason
	for _, name := range cd.Append {
		r += " " + d.SharedReasons[name]
	}
	return r
}

// at returns "file:line:col" of p, for errors found while generating.
func (d *Decisions) at(p yamlsrc.Pos) string {
	e := yamlsrc.Error{File: d.File, Line: p.Line, Column: p.Column}
	return strings.TrimSuffix(e.Error(), ": ")
}

// LoadDecisions reads and validates the reconstruction file at path. A file
// that cannot be read gives that error, wrapped; a file with problems gives
// an ErrorList naming file, line and column of each.
func LoadDecisions(path string) (*Decisions, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reconstruct: %w", err)
	}
	return ParseDecisions(path, data)
}

var format = yamlsrc.Format{
	Keys:          "format, year, method, shared_reasons, counts, n_gaps, skipped_answers, dates, written_in",
	Guide:         Guide,
	DuplicateKeys: true,
}

var (
	yearMonth = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
	codeLike  = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// ParseDecisions decodes and validates a reconstruction file held in memory;
// filename names the source in error messages. It checks the file on its
// own (required keys, values, duplicates, shared reasons); Generate checks
// its references to the questionnaire and the published tables.
func ParseDecisions(filename string, data []byte) (*Decisions, error) {
	c := &yamlsrc.Collector{File: filename}
	d := &Decisions{File: filename}
	doc, ok := yamlsrc.DecodeFormat(c, data, d, format)
	if ok {
		locate(d, doc)
		validate(c, d)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

func locate(d *Decisions, doc *yaml.Node) {
	f := yamlsrc.Fields(doc)
	d.Locate(doc)
	d.Method.Locate(f["method"])
	yamlsrc.LocateEach(f["counts"], len(d.Counts), func(i int) *yamlsrc.Located { return &d.Counts[i].Located })
	yamlsrc.LocateEach(f["n_gaps"], len(d.NGaps), func(i int) *yamlsrc.Located { return &d.NGaps[i].Located })
	yamlsrc.LocateEach(f["skipped_answers"], len(d.SkippedAnswers), func(i int) *yamlsrc.Located { return &d.SkippedAnswers[i].Located })
	if p := d.Dates; p != nil {
		df := yamlsrc.Fields(f["dates"])
		p.Locate(f["dates"])
		for i, gn := range yamlsrc.Seq(df["groups"]) {
			if i >= len(p.Groups) {
				break
			}
			g := &p.Groups[i]
			g.Locate(gn)
			for _, pn := range yamlsrc.Seq(yamlsrc.Fields(gn)["pairs"]) {
				g.pairAt = append(g.pairAt, yamlsrc.NodePos(pn))
			}
		}
		if p.Recent != nil {
			p.Recent.Locate(df["recent"])
		}
		yamlsrc.LocateEach(df["notes"], len(p.Notes), func(i int) *yamlsrc.Located { return &p.Notes[i].Located })
	}
	if d.WrittenIn != nil {
		d.WrittenIn.Locate(f["written_in"])
	}
}

// required reports an empty value of key.
func required(c *yamlsrc.Collector, l yamlsrc.Located, ctx, key, v, what string) {
	if strings.TrimSpace(v) == "" {
		c.Add(l.KeyPos(key), ctx, ErrMissing, "%s is required (%s)", key, what)
	}
}

func validate(c *yamlsrc.Collector, d *Decisions) {
	switch {
	case d.Format == "":
		c.Add(d.KeyPos("format"), "", ErrMissing, "format is required (%q)", Format)
	case d.Format != Format:
		c.Add(d.KeyPos("format"), "", ErrInvalid, "format is %q, want %q", d.Format, Format)
	}
	switch {
	case d.Year == 0:
		c.Add(d.KeyPos("year"), "", ErrMissing, "year is required")
	case d.Year < 1990 || d.Year > 2100:
		c.Add(d.KeyPos("year"), "", ErrInvalid, "year %d is not a survey year", d.Year)
	}
	for i, b := range d.Method.Items {
		if strings.TrimSpace(b) == "" {
			c.Add(d.Method.KeyPos("items"), "method", ErrMissing, "bullet %d is empty", i+1)
		}
	}
	for name, text := range d.SharedReasons {
		if strings.TrimSpace(text) == "" {
			c.Add(d.KeyPos("shared_reasons"), "", ErrMissing, "shared reason %q is empty", name)
		}
	}

	seen := map[[2]any]yamlsrc.Pos{}
	for i := range d.Counts {
		cd := &d.Counts[i]
		ctx := fmt.Sprintf("counts[%d]", i+1)
		if cd.Table != "" {
			ctx = fmt.Sprintf("table %s row %d", cd.Table, cd.Row)
		}
		required(c, cd.Located, ctx, "table", cd.Table, "the table key, as in the published tables")
		if cd.Row < 1 {
			c.Add(cd.KeyPos("row"), ctx, ErrInvalid, "row must be a printed row number from 1, not %d", cd.Row)
		}
		switch {
		case cd.Value == nil:
			c.Add(cd.KeyPos("value"), ctx, ErrMissing, "value is required (the count to reproduce)")
		case *cd.Value < 0:
			c.Add(cd.KeyPos("value"), ctx, ErrInvalid, "value %d is negative", *cd.Value)
		}
		required(c, cd.Located, ctx, "reason", cd.Reason, "why this value")
		for _, name := range cd.Append {
			if _, ok := d.SharedReasons[name]; !ok {
				c.Add(cd.KeyPos("append"), ctx, ErrUnknownRef, "append names %q, which is not a key of shared_reasons (%s)", name, keyList(d.SharedReasons))
			}
		}
		if cd.Table != "" && cd.Row >= 1 {
			k := [2]any{cd.Table, cd.Row}
			if at, dup := seen[k]; dup {
				c.Add(cd.At, ctx, ErrDuplicate, "a decision for table %s row %d is already given at line %d", cd.Table, cd.Row, at.Line)
			} else {
				seen[k] = cd.At
			}
		}
	}
	gaps := map[string]yamlsrc.Pos{}
	for i := range d.NGaps {
		ng := &d.NGaps[i]
		ctx := "n_gaps table " + ng.Table
		required(c, ng.Located, ctx, "table", ng.Table, "the table key whose printed N differs")
		required(c, ng.Located, ctx, "reason", ng.Reason, "why the printed N cannot be reproduced")
		if at, dup := gaps[ng.Table]; dup && ng.Table != "" {
			c.Add(ng.At, ctx, ErrDuplicate, "table %s is already explained at line %d", ng.Table, at.Line)
		} else {
			gaps[ng.Table] = ng.At
		}
	}
	skipped := map[string]yamlsrc.Pos{}
	for i := range d.SkippedAnswers {
		sa := &d.SkippedAnswers[i]
		ctx := "skipped_answers table " + sa.Table
		required(c, sa.Located, ctx, "table", sa.Table, "the key of the follow-up's table")
		required(c, sa.Located, ctx, "reason", sa.Reason, "why these respondents answered a follow-up they were told to skip")
		if len(sa.Answers) == 0 {
			c.Add(sa.KeyPos("answers"), ctx, ErrMissing, "answers is required (option code: how many skipped respondents gave it)")
		}
		for code, n := range sa.Answers {
			if n < 1 {
				c.Add(sa.KeyPos("answers"), ctx, ErrInvalid, "answers: %s is counted %d times; give a count of 1 or more", code, n)
			}
		}
		if len(sa.From) == 0 {
			c.Add(sa.KeyPos("from"), ctx, ErrMissing, "from is required (the answers to the routing item of those who answered anyway; \"\" for no answer)")
		}
		if at, dup := skipped[sa.Table]; dup && sa.Table != "" {
			c.Add(sa.At, ctx, ErrDuplicate, "table %s is already given at line %d", sa.Table, at.Line)
		} else {
			skipped[sa.Table] = sa.At
		}
	}
	if p := d.Dates; p != nil {
		validateDates(c, p)
	}
	if w := d.WrittenIn; w != nil {
		required(c, w.Located, "written_in", "row", w.Row, "the code of the matrix row written in")
		required(c, w.Located, "written_in", "sourcing_reason", w.SourcingReason, "why its providers have this sourcing")
		required(c, w.Located, "written_in", "blank_reason", w.BlankReason, "why the others leave its provision blank")
	}
}

func validateDates(c *yamlsrc.Collector, p *DatePlan) {
	const ctx = "dates"
	required(c, p.Located, ctx, "start", p.Start, "the number of the start item")
	required(c, p.Located, ctx, "end", p.End, "the number of the end item")
	required(c, p.Located, ctx, "start_name", p.StartName, "how RECONSTRUCTION.md names the start")
	required(c, p.Located, ctx, "end_name", p.EndName, "how RECONSTRUCTION.md names the end")
	latest, latestOK := months(p.Latest)
	switch {
	case p.Latest == "":
		c.Add(p.KeyPos("latest"), ctx, ErrMissing, "latest is required (the last month a date may be, YYYY-MM)")
	case !latestOK || !yearMonth.MatchString(p.Latest):
		c.Add(p.KeyPos("latest"), ctx, ErrInvalid, "latest %q is not YYYY-MM", p.Latest)
		latestOK = false
	}
	if len(p.Groups) == 0 {
		c.Add(p.KeyPos("groups"), ctx, ErrMissing, "groups lists no pairs")
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		gctx := fmt.Sprintf("dates group %d", i+1)
		required(c, g.Located, gctx, "label", g.Label, "what the group's pairs have in common")
		if len(g.Pairs) == 0 {
			c.Add(g.KeyPos("pairs"), gctx, ErrMissing, "pairs lists no pair")
		}
		for j, pair := range g.Pairs {
			at := g.KeyPos("pairs")
			if j < len(g.pairAt) {
				at = g.pairAt[j]
			}
			pctx := fmt.Sprintf("%s pair %d", gctx, j+1)
			if len(pair) != 2 {
				c.Add(at, pctx, ErrInvalid, "a pair is [start, end], not %d values", len(pair))
				continue
			}
			for k, v := range pair {
				m, ok := months(v)
				switch {
				case v == "":
				case ok && yearMonth.MatchString(v):
					if latestOK && m > latest {
						c.Add(at, pctx, ErrInvalid, "%s is after latest %s", v, p.Latest)
					}
				case !codeLike.MatchString(v):
					c.Add(at, pctx, ErrInvalid, "value %d %q is neither YYYY-MM, a coded category nor \"\"", k+1, v)
				}
			}
			ms, ok1 := months(pair[0])
			me, ok2 := months(pair[1])
			if ok1 && ok2 && me < ms {
				c.Add(at, pctx, ErrInvalid, "end %s precedes start %s", pair[1], pair[0])
			}
		}
	}
	if r := p.Recent; r != nil {
		rctx := "dates recent"
		required(c, r.Located, rctx, "table", r.Table, "the table key")
		required(c, r.Located, rctx, "bin", r.Bin, "the code of the table's row")
		required(c, r.Located, rctx, "reason", r.Reason, "the report's words and their reading")
		if _, ok := months(r.From); !ok || !yearMonth.MatchString(r.From) {
			c.Add(r.KeyPos("from"), rctx, ErrInvalid, "from %q is not YYYY-MM", r.From)
		}
		switch {
		case r.Want == nil:
			c.Add(r.KeyPos("want"), rctx, ErrMissing, "want is required (the number the report gives)")
		case *r.Want < 0:
			c.Add(r.KeyPos("want"), rctx, ErrInvalid, "want %d is negative", *r.Want)
		}
	}
	for i := range p.Notes {
		n := &p.Notes[i]
		nctx := fmt.Sprintf("dates note %d", i+1)
		required(c, n.Located, nctx, "table", n.Table, "the table key")
		required(c, n.Located, nctx, "code", n.Code, "the row's code, or a short name of the decision")
		required(c, n.Located, nctx, "value", n.Value, "what was decided")
		required(c, n.Located, nctx, "reason", n.Reason, "why")
		if n.Row < 0 {
			c.Add(n.KeyPos("row"), nctx, ErrInvalid, "row %d is negative (0 = the table as a whole)", n.Row)
		}
	}
}

func keyList(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return "none given"
	}
	return strings.Join(keys, ", ")
}

// Check validates the decisions' references against the year's
// questionnaire and published tables: the survey year, every table key and
// printed row, the year_month items of the date plan and their coded
// categories, the bin of the recent check and the written-in row. It returns
// an ErrorList of located errors, or nil.
func (d *Decisions) Check(q *questionnaire.Questionnaire, set *published.Set) error {
	c := &yamlsrc.Collector{File: d.File}
	if d.Year != q.Survey.Year {
		c.Add(d.KeyPos("year"), "", ErrInvalid, "year is %d, but the questionnaire's survey year is %d", d.Year, q.Survey.Year)
	}
	table := func(l yamlsrc.Located, ctx, key string) []published.Entry {
		if key == "" {
			return nil
		}
		es := set.TableEntries(key)
		if es == nil {
			c.Add(l.KeyPos("table"), ctx, ErrUnknownRef, "no published table has key %q", key)
		}
		return es
	}
	row := func(l yamlsrc.Located, ctx, key string, es []published.Entry, row int) {
		if es != nil && row > len(es) {
			c.Add(l.KeyPos("row"), ctx, ErrUnknownRef, "table %s prints rows 1-%d, not row %d", key, len(es), row)
		}
	}
	for _, cd := range d.Counts {
		ctx := fmt.Sprintf("table %s row %d", cd.Table, cd.Row)
		row(cd.Located, ctx, cd.Table, table(cd.Located, ctx, cd.Table), cd.Row)
	}
	for _, ng := range d.NGaps {
		table(ng.Located, "n_gaps table "+ng.Table, ng.Table)
	}
	for _, sa := range d.SkippedAnswers {
		ctx := "skipped_answers table " + sa.Table
		if table(sa.Located, ctx, sa.Table) == nil {
			continue
		}
		spec := set.Spec(sa.Table)
		var it *questionnaire.Item
		if spec != nil {
			it = q.Item(spec.Item)
		}
		if it == nil || it.Relevance == nil || it.Relevance.Item == "" {
			c.Add(sa.KeyPos("table"), ctx, ErrInvalid, "table %s does not report a follow-up routed by another item's answer", sa.Table)
			continue
		}
		for code := range sa.Answers {
			if !slices.ContainsFunc(spec.Categories, func(cat published.Category) bool { return cat.Code == code && cat.Kind != published.KindMissing }) {
				c.Add(sa.KeyPos("answers"), ctx, ErrUnknownRef, "%q is not an answer counted by a row of table %s", code, sa.Table)
			}
		}
		parent := q.Item(it.Relevance.Item)
		for _, code := range sa.From {
			if code == "" || parent == nil {
				continue
			}
			if slices.Contains(it.Relevance.AnyOf, code) {
				c.Add(sa.KeyPos("from"), ctx, ErrInvalid, "%q routes to item %s: those who answer %s with it are asked, not skipped", code, it.Number, parent.Number)
			} else if !slices.ContainsFunc(parent.Choices(), func(o questionnaire.Option) bool { return o.Code == code }) {
				c.Add(sa.KeyPos("from"), ctx, ErrUnknownRef, "%q is not an option of item %s", code, parent.Number)
			}
		}
	}
	if p := d.Dates; p != nil {
		items := map[string]*questionnaire.Item{}
		for _, k := range []struct{ key, num string }{{"start", p.Start}, {"end", p.End}} {
			it := q.Item(k.num)
			switch {
			case k.num == "":
			case it == nil:
				c.Add(p.KeyPos(k.key), "dates", ErrUnknownRef, "%s names item %s, which is not in the questionnaire", k.key, k.num)
			case it.Type != questionnaire.YearMonth:
				c.Add(p.KeyPos(k.key), "dates", ErrInvalid, "%s names item %s, a %s item, not year_month", k.key, k.num, it.Type)
			default:
				items[k.key] = it
			}
		}
		for i, g := range p.Groups {
			for j, pair := range g.Pairs {
				if len(pair) != 2 {
					continue
				}
				for k, key := range []string{"start", "end"} {
					it, v := items[key], pair[k]
					if _, ok := months(v); it == nil || v == "" || ok {
						continue
					}
					if !slices.ContainsFunc(it.Coded, func(x questionnaire.Coded) bool { return x.Code == v }) {
						at := g.KeyPos("pairs")
						if j < len(g.pairAt) {
							at = g.pairAt[j]
						}
						c.Add(at, fmt.Sprintf("dates group %d pair %d", i+1, j+1), ErrUnknownRef,
							"%q is not a coded category of item %s (%s)", v, it.Number, codedList(it))
					}
				}
			}
		}
		if r := p.Recent; r != nil {
			if es := table(r.Located, "dates recent", r.Table); es != nil &&
				!slices.ContainsFunc(es, func(e published.Entry) bool { return e.Code == r.Bin }) {
				c.Add(r.KeyPos("bin"), "dates recent", ErrUnknownRef, "table %s has no row %q", r.Table, r.Bin)
			}
		}
		for i, n := range p.Notes {
			ctx := fmt.Sprintf("dates note %d", i+1)
			row(n.Located, ctx, n.Table, table(n.Located, ctx, n.Table), n.Row)
		}
	}
	if w := d.WrittenIn; w != nil && w.Row != "" {
		found := false
		for _, it := range q.Items {
			if it.Type == questionnaire.Matrix && slices.ContainsFunc(it.Rows, func(r questionnaire.Row) bool { return r.Code == w.Row && r.Other }) {
				found = true
			}
		}
		if !found {
			c.Add(w.KeyPos("row"), "written_in", ErrUnknownRef, "no matrix item has a written-in row %q", w.Row)
		}
	}
	return c.Err()
}

func codedList(it *questionnaire.Item) string {
	if len(it.Coded) == 0 {
		return "it has none"
	}
	codes := make([]string, len(it.Coded))
	for i, x := range it.Coded {
		codes[i] = x.Code
	}
	return "allowed: " + strings.Join(codes, ", ")
}
