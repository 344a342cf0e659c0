package claims

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Load reads and validates the claims file at path, reading each claim's
// wording by the quantifier table qs (nil: no table). On any problem it
// returns no claims and an ErrorList naming file, line, column and claim of
// every problem found.
func Load(path string, qs *Quantifiers) ([]Claim, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	return Parse(path, data, qs)
}

// Parse decodes and validates a claims file held in memory; file names the
// source in error messages. Claims are returned in file order.
func Parse(file string, data []byte, qs *Quantifiers) ([]Claim, error) {
	c := &yamlsrc.Collector{File: file}
	cs := decode(c, data, qs)
	if len(c.Errs) > 0 {
		sort.SliceStable(c.Errs, func(i, j int) bool {
			a, b := c.Errs[i], c.Errs[j]
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Column < b.Column
		})
		return nil, c.Errs
	}
	return cs, nil
}

var (
	idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	// keyPattern accepts table keys of DESIGN.md section 3: 1.4, 2.4.1,
	// 2.7/own, 2.9/reactive, 2.9.a, S1.
	keyPattern = regexp.MustCompile(`^(?:S[0-9]+|[0-9]+(?:\.[0-9]+)*(?:\.[a-z])?(?:/[a-z]+)?)$`)
)

// The keys each mapping may have.
var (
	topKeys          = []string{"format", "report", "claims"}
	reportKeys       = []string{"year", "pages", "source"}
	claimKeys        = []string{"id", "page", "source", "text_ja", "text_en", "wording", "statistic", "unverifiable_from_tables", "quantifier", "relation", "value", "tolerance", "precision", "note", "cites"}
	statisticKeys    = []string{"kind", "table", "rows", "use_n", "base", "exclude", "versus", "each"}
	unverifiableKeys = []string{"reason", "tables", "kind"}
)

// precisions are the printed precisions a share may be given at.
var precisions = []float64{0.1, 0.01, 0.001, 0.0001}

// valueScale is the finest unit a claimed value, tolerance or precision may use.
const valueScale = 10000

// maxCount bounds the values and tolerances of count and compare claims.
const maxCount = 1e9

func at(n *yaml.Node) Pos { return yamlsrc.NodePos(n) }

// decoder walks the node tree of a claims file, reporting to c.
type decoder struct {
	c  *yamlsrc.Collector
	qs *Quantifiers // the quantifier table claims are read by (nil: none)
}

// fields is a decoded mapping: the value node of each key and where the
// mapping itself is.
type fields struct {
	node *yaml.Node
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
}

func (f fields) has(key string) bool { _, ok := f.vals[key]; return ok }

// pos returns the position of key's value, or of the mapping when absent.
func (f fields) pos(key string) Pos {
	if v, ok := f.vals[key]; ok {
		return at(v)
	}
	return at(f.node)
}

// format tailors yamlsrc's decoding messages to claims files.
var format = yamlsrc.Format{Keys: "format, report, claims"}

func decode(c *yamlsrc.Collector, data []byte, qs *Quantifiers) []Claim {
	// The claims are read from the node tree, which keeps the position of
	// every value for the messages; only the tree is decoded.
	doc, ok := yamlsrc.DecodeFormat(c, data, new(yaml.Node), format)
	if !ok {
		return nil
	}
	d := &decoder{c: c, qs: qs}
	top, _ := d.mapping(doc, "", "the top level", topKeys)

	if v, ok := top.vals["format"]; !ok {
		c.Add(at(doc), "", ErrMissing, "format is required (%s)", Format)
	} else if s, ok := d.text(v, "", "format"); ok && s != Format {
		c.Add(at(v), "", ErrInvalid, "format is %q, want %q", s, Format)
	}

	pages := 0
	if v, ok := top.vals["report"]; !ok {
		c.Add(at(doc), "", ErrMissing, "report is required (year and pages of the report)")
	} else if rep, ok := d.mapping(v, "", "report", reportKeys); ok {
		if y, ok := d.required(rep, "", "year", "report"); ok {
			if year, ok := d.integer(y, "", "year"); ok && (year < 1990 || year > 2100) {
				c.Add(at(y), "", ErrInvalid, "report year %d is outside 1990-2100", year)
			}
		}
		if p, ok := rep.vals["pages"]; ok {
			if n, ok := d.integer(p, "", "pages"); ok {
				if n < 1 {
					c.Add(at(p), "", ErrInvalid, "report pages must be at least 1, got %d", n)
				} else {
					pages = n
				}
			}
		}
		if s, ok := rep.vals["source"]; ok {
			d.text(s, "", "source")
		}
	}

	list, ok := top.vals["claims"]
	if !ok {
		c.Add(at(doc), "", ErrMissing, "claims is required (a list of claims)")
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		c.Add(at(list), "", ErrInvalid, "claims must be a list")
		return nil
	}
	if len(list.Content) == 0 {
		c.Add(at(list), "", ErrMissing, "claims is empty")
		return nil
	}
	var out []Claim
	seen := map[string]int{}
	for i, n := range list.Content {
		cl, idNode, ok := d.claim(n, i+1, pages)
		if idNode != nil && cl.ID != "" {
			if first, dup := seen[cl.ID]; dup {
				c.Add(at(idNode), claimContext(cl.ID, i+1), ErrDuplicate, "id %q is already used by the claim at line %d", cl.ID, first)
				ok = false
			} else {
				seen[cl.ID] = n.Line
			}
		}
		if ok {
			out = append(out, cl)
		}
	}
	return out
}

// mapping checks that n is a mapping whose keys are all allowed, unique and
// without aliases, and returns its values. The bool is false when n is not
// a mapping at all.
func (d *decoder) mapping(n *yaml.Node, ctx string, what string, allowed []string) (fields, bool) {
	f := fields{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if n.Kind == yaml.AliasNode {
		d.c.Add(at(n), ctx, ErrInvalid, "anchors and aliases are not allowed in a claims file")
		return f, false
	}
	if n.Kind != yaml.MappingNode {
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be a mapping of keys (%s)", what, strings.Join(allowed, ", "))
		return f, false
	}
	keyLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.c.Add(at(k), ctx, ErrInvalid, "keys of %s must be plain words", what)
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			d.c.Add(at(k), ctx, ErrUnknownKey, "unknown key %q in %s (allowed: %s; see raw/2015/CLAIMS.md)", k.Value, what, strings.Join(allowed, ", "))
			continue
		}
		if first, dup := keyLine[k.Value]; dup {
			d.c.Add(at(k), ctx, ErrDuplicate, "key %q is repeated in %s (first at line %d)", k.Value, what, first)
			continue
		}
		keyLine[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			d.c.Add(at(v), ctx, ErrInvalid, "anchors and aliases are not allowed in a claims file")
			continue
		}
		f.keys[k.Value] = k
		f.vals[k.Value] = v
	}
	return f, true
}

// required returns the value of key, reporting it missing.
func (d *decoder) required(f fields, ctx string, key, what string) (*yaml.Node, bool) {
	v, ok := f.vals[key]
	if !ok {
		d.c.Add(at(f.node), ctx, ErrMissing, "%s is required in %s", key, what)
	}
	return v, ok
}

// scalar checks that n is a non-null scalar.
func (d *decoder) scalar(n *yaml.Node, ctx string, key, want string) bool {
	switch {
	case n.Kind != yaml.ScalarNode:
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be %s", key, want)
		return false
	case n.Tag == "!!null":
		d.c.Add(at(n), ctx, ErrMissing, "%s is empty", key)
		return false
	}
	return true
}

// text returns a non-empty string value (its literal text, so an unquoted
// table key such as 2.10 keeps its digits).
func (d *decoder) text(n *yaml.Node, ctx string, key string) (string, bool) {
	if !d.scalar(n, ctx, key, "a string") {
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		d.c.Add(at(n), ctx, ErrMissing, "%s is empty", key)
		return "", false
	}
	return s, true
}

func (d *decoder) integer(n *yaml.Node, ctx string, key string) (int, bool) {
	if !d.scalar(n, ctx, key, "an integer") {
		return 0, false
	}
	var v int64
	if n.Tag != "!!int" || n.Decode(&v) != nil || v < math.MinInt32 || v > math.MaxInt32 {
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be an integer, got %q", key, n.Value)
		return 0, false
	}
	return int(v), true
}

func (d *decoder) number(n *yaml.Node, ctx string, key string) (float64, bool) {
	if !d.scalar(n, ctx, key, "a number") {
		return 0, false
	}
	var v float64
	if (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&v) != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be a number, got %q", key, n.Value)
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n *yaml.Node, ctx string, key string) (bool, bool) {
	if !d.scalar(n, ctx, key, "true or false") {
		return false, false
	}
	var v bool
	if n.Tag != "!!bool" || n.Decode(&v) != nil {
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be true or false, got %q", key, n.Value)
		return false, false
	}
	return v, true
}

// rows returns a list of printed row numbers: positive, unique integers.
func (d *decoder) rows(n *yaml.Node, ctx string, key string) ([]int, bool) {
	if n.Kind != yaml.SequenceNode {
		d.c.Add(at(n), ctx, ErrInvalid, "%s must be a list of printed row numbers, e.g. [1, 2]", key)
		return nil, false
	}
	if len(n.Content) == 0 {
		d.c.Add(at(n), ctx, ErrMissing, "%s is empty", key)
		return nil, false
	}
	ok := true
	var out []int
	for _, e := range n.Content {
		if e.Kind == yaml.AliasNode {
			d.c.Add(at(e), ctx, ErrInvalid, "anchors and aliases are not allowed in a claims file")
			ok = false
			continue
		}
		var v int64
		if e.Kind != yaml.ScalarNode || e.Tag != "!!int" || e.Decode(&v) != nil || v < 1 || v > math.MaxInt32 {
			d.c.Add(at(e), ctx, ErrInvalid, "%s: row numbers are positive integers (the printed #), got %q", key, e.Value)
			ok = false
			continue
		}
		if slices.Contains(out, int(v)) {
			d.c.Add(at(e), ctx, ErrDuplicate, "%s: row %d is listed twice", key, v)
			ok = false
			continue
		}
		out = append(out, int(v))
	}
	return out, ok
}

// tableKey returns a table key of DESIGN.md section 3.
func (d *decoder) tableKey(n *yaml.Node, ctx string, key string) (string, bool) {
	s, ok := d.text(n, ctx, key)
	if !ok {
		return "", false
	}
	if !keyPattern.MatchString(s) {
		d.c.Add(at(n), ctx, ErrInvalid, "%s %q is not a table key (like 1.4, 2.4.1, 2.9/reactive, 2.9.a, S1)", key, s)
		return "", false
	}
	return s, true
}

// claimID finds the id of a claim mapping before it is decoded, so that
// every error inside the claim can name it.
func claimID(n *yaml.Node) (string, *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return "", nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "id" && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			return strings.TrimSpace(v.Value), v
		}
	}
	return "", nil
}

// claim decodes and validates one claim. It returns the id node (for the
// duplicate check) and whether the claim is valid.
func (d *decoder) claim(n *yaml.Node, index, pages int) (Claim, *yaml.Node, bool) {
	id, idNode := claimID(n)
	ctx := claimContext(id, index)
	before := len(d.c.Errs)
	cl := Claim{ID: id, Line: n.Line, Column: n.Column}
	f, ok := d.mapping(n, ctx, "a claim", claimKeys)
	if !ok {
		return cl, nil, false
	}

	if v, ok := d.required(f, ctx, "id", "a claim"); ok {
		if s, ok := d.text(v, ctx, "id"); ok && !idPattern.MatchString(s) {
			d.c.Add(at(v), ctx, ErrInvalid, "id %q must be lower-case letters and digits joined by hyphens (p27-authority-advise-90pct)", s)
		}
	}
	if v, ok := f.vals["source"]; ok {
		if s, ok := d.text(v, ctx, "source"); ok {
			cl.Source = s
		}
	}
	if v, ok := f.vals["page"]; ok || cl.Source == "" {
		if !ok {
			d.c.Add(at(n), ctx, ErrMissing, "page is required in a claim (the report's page), or a source (the id of a source in the year's survey.yaml) the claim is quoted from")
		} else if p, ok := d.integer(v, ctx, "page"); ok {
			cl.Page = p
			switch {
			case p < 1:
				d.c.Add(at(v), ctx, ErrInvalid, "page must be at least 1, got %d", p)
			case pages > 0 && p > pages && cl.Source == "":
				d.c.Add(at(v), ctx, ErrInvalid, "page %d is outside the report's pages 1-%d", p, pages)
			}
		}
	}
	for _, k := range []struct {
		key string
		dst *string
	}{{"text_ja", &cl.TextJA}, {"text_en", &cl.TextEN}, {"wording", &cl.Wording}} {
		if v, ok := d.required(f, ctx, k.key, "a claim"); ok {
			*k.dst, _ = d.text(v, ctx, k.key)
		}
	}
	if v, ok := f.vals["note"]; ok {
		cl.Note, _ = d.text(v, ctx, "note")
	}
	if v, ok := f.vals["cites"]; ok {
		cl.Cites = d.cites(v, ctx)
	}

	sv, hasStat := f.vals["statistic"]
	uv, hasUnv := f.vals["unverifiable_from_tables"]
	switch {
	case hasStat && hasUnv:
		d.c.Add(at(f.keys["unverifiable_from_tables"]), ctx, ErrInvalid, "a claim has either statistic or unverifiable_from_tables, not both")
	case !hasStat && !hasUnv:
		d.c.Add(at(n), ctx, ErrMissing, "statistic is required (or unverifiable_from_tables with the reason)")
	case hasStat:
		cl.Statistic = d.statistic(sv, ctx)
	default:
		cl.Unverifiable = d.unverifiable(uv, ctx)
	}

	if d.resolve(&cl, f, ctx) {
		return cl, idNode, len(d.c.Errs) == before
	}
	relOK := false
	if !f.has("relation") {
		// Say why the table did not give it.
		where := "no quantifier table (schemas/" + QuantifiersFile + ") was given to read it"
		if d.qs != nil {
			where = fmt.Sprintf("%s reads no wording %q of %s claims: add it there, with its reason, or name one it reads (quantifier: ...)", d.qs.File, cl.Wording, cl.Kind())
		}
		d.c.Add(at(f.node), ctx, ErrMissing, "relation is required in a claim whose wording the quantifier table does not read; %s", where)
	} else if v, ok := d.required(f, ctx, "relation", "a claim"); ok {
		if s, ok := d.text(v, ctx, "relation"); ok {
			cl.Relation = Relation(s)
			if relOK = cl.Relation.known(); !relOK {
				d.c.Add(at(v), ctx, ErrUnknownRelation, "unknown relation %q (allowed: %s)", s, relationNames())
			}
		}
	}
	hasValue, hasTol, hasPrec := f.has("value"), f.has("tolerance"), f.has("precision")
	valueOK, tolOK, precOK := true, true, true
	if hasValue {
		cl.Value, valueOK = d.number(f.vals["value"], ctx, "value")
	}
	if hasTol {
		cl.Tolerance, tolOK = d.number(f.vals["tolerance"], ctx, "tolerance")
	}
	if hasPrec {
		cl.Precision, precOK = d.number(f.vals["precision"], ctx, "precision")
	}

	kind := cl.Kind()
	if kind != "" && kind.known() && relOK && valueOK && tolOK && precOK {
		d.checkValue(&cl, f, ctx, hasValue, hasTol, hasPrec)
	}
	return cl, idNode, len(d.c.Errs) == before
}

func relationNames() string {
	names := make([]string, len(Relations))
	for i, r := range Relations {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func kindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// statistic decodes and validates a claim's statistic.
func (d *decoder) statistic(n *yaml.Node, ctx string) *Statistic {
	f, ok := d.mapping(n, ctx, "statistic", statisticKeys)
	if !ok {
		return nil
	}
	s := &Statistic{}
	if v, ok := d.required(f, ctx, "kind", "statistic"); ok {
		if k, ok := d.text(v, ctx, "kind"); ok {
			s.Kind = Kind(k)
			if !s.Kind.known() {
				d.c.Add(at(v), ctx, ErrUnknownKind, "unknown statistic kind %q (allowed: %s)", k, kindNames())
			}
		}
	}
	if v, ok := d.required(f, ctx, "table", "statistic"); ok {
		s.Table, _ = d.tableKey(v, ctx, "table")
	}
	if v, ok := f.vals["use_n"]; ok {
		s.UseN, _ = d.boolean(v, ctx, "use_n")
	}
	if v, ok := f.vals["rows"]; ok {
		s.Rows, _ = d.rows(v, ctx, "rows")
		if s.UseN {
			d.c.Add(at(v), ctx, ErrInvalid, "rows and use_n: true exclude each other (use_n counts the table's N)")
		}
	} else if !s.UseN {
		d.c.Add(at(n), ctx, ErrMissing, "rows is required in statistic (or use_n: true)")
	}
	if v, ok := f.vals["base"]; ok {
		s.Base, _ = d.tableKey(v, ctx, "base")
	}
	if v, ok := f.vals["exclude"]; ok {
		s.Exclude, _ = d.rows(v, ctx, "exclude")
	}
	if v, ok := f.vals["versus"]; ok {
		s.Versus, _ = d.rows(v, ctx, "versus")
	}
	if v, ok := f.vals["each"]; ok {
		s.Each, _ = d.boolean(v, ctx, "each")
	}

	if !s.Kind.known() {
		return s
	}
	onlyFor := func(key string, kinds ...Kind) {
		if f.has(key) && !slices.Contains(kinds, s.Kind) {
			names := make([]string, len(kinds))
			for i, k := range kinds {
				names[i] = string(k)
			}
			d.c.Add(f.pos(key), ctx, ErrInvalid, "%s applies to %s statistics, not %s", key, strings.Join(names, " and "), s.Kind)
		}
	}
	onlyFor("use_n", Count, Share)
	onlyFor("base", Share)
	onlyFor("exclude", Share)
	onlyFor("versus", Compare)
	onlyFor("each", Compare)
	if s.Kind == Compare {
		if !f.has("versus") {
			d.c.Add(at(n), ctx, ErrMissing, "versus is required in a compare statistic (the rows of side B)")
		}
		for _, r := range s.Versus {
			if slices.Contains(s.Rows, r) {
				d.c.Add(f.pos("versus"), ctx, ErrInvalid, "row %d is on both sides of the comparison", r)
			}
		}
	}
	if s.Kind == Share && (s.Base == "" || s.Base == s.Table) {
		for _, r := range s.Exclude {
			if slices.Contains(s.Rows, r) {
				d.c.Add(f.pos("exclude"), ctx, ErrInvalid, "row %d is both counted and excluded from the denominator", r)
			}
		}
	}
	return s
}

// unverifiable decodes and validates unverifiable_from_tables.
func (d *decoder) unverifiable(n *yaml.Node, ctx string) *Unverifiable {
	f, ok := d.mapping(n, ctx, "unverifiable_from_tables", unverifiableKeys)
	if !ok {
		return nil
	}
	u := &Unverifiable{}
	if v, ok := d.required(f, ctx, "reason", "unverifiable_from_tables"); ok {
		u.Reason, _ = d.text(v, ctx, "reason")
	}
	if v, ok := d.required(f, ctx, "kind", "unverifiable_from_tables"); ok {
		if k, ok := d.text(v, ctx, "kind"); ok {
			u.Kind = Kind(k)
			if !u.Kind.known() {
				d.c.Add(at(v), ctx, ErrUnknownKind, "unknown statistic kind %q (allowed: %s)", k, kindNames())
			}
		}
	}
	// tables is optional: a figure no published table relates to (a press
	// article's prose) names none.
	if v, ok := f.vals["tables"]; ok {
		switch {
		case v.Kind != yaml.SequenceNode:
			d.c.Add(at(v), ctx, ErrInvalid, "tables must be a list of table keys")
		case len(v.Content) == 0:
			d.c.Add(at(v), ctx, ErrMissing, "tables is empty (leave it out when no table relates to the claim)")
		}
		if v.Kind == yaml.SequenceNode {
			for _, e := range v.Content {
				if e.Kind == yaml.AliasNode {
					d.c.Add(at(e), ctx, ErrInvalid, "anchors and aliases are not allowed in a claims file")
					continue
				}
				if k, ok := d.tableKey(e, ctx, "tables"); ok {
					if slices.Contains(u.Tables, k) {
						d.c.Add(at(e), ctx, ErrDuplicate, "table %s is listed twice", k)
						continue
					}
					u.Tables = append(u.Tables, k)
				}
			}
		}
	}
	return u
}

// cites reads a claim's cites: a non-empty list of distinct table keys.
func (d *decoder) cites(v *yaml.Node, ctx string) []string {
	if v.Kind != yaml.SequenceNode {
		d.c.Add(at(v), ctx, ErrInvalid, "cites must be a list of table keys")
		return nil
	}
	if len(v.Content) == 0 {
		d.c.Add(at(v), ctx, ErrMissing, "cites is empty (leave it out when the sentence cites no table)")
		return nil
	}
	var out []string
	for _, e := range v.Content {
		if e.Kind == yaml.AliasNode {
			d.c.Add(at(e), ctx, ErrInvalid, "anchors and aliases are not allowed in a claims file")
			continue
		}
		if k, ok := d.tableKey(e, ctx, "cites"); ok {
			if slices.Contains(out, k) {
				d.c.Add(at(e), ctx, ErrDuplicate, "table %s is cited twice", k)
				continue
			}
			out = append(out, k)
		}
	}
	return out
}

// checkValue validates the claimed value, tolerance and precision against
// the claim's kind and relation, and sets the default precision of shares.
func (d *decoder) checkValue(cl *Claim, f fields, ctx string, hasValue, hasTol, hasPrec bool) {
	kind, rel := cl.Kind(), cl.Relation
	bad := func(key, format string, args ...any) {
		d.c.Add(f.pos(key), ctx, ErrInvalid, format, args...)
	}
	if !hasValue && kind != Compare {
		d.c.Add(at(f.node), ctx, ErrMissing, "value is required (the claimed %s)", kind)
		return
	}
	switch {
	case rel == Eq && hasTol:
		bad("tolerance", "tolerance does not apply to relation eq (use approx)")
	case rel == Approx && !hasTol:
		d.c.Add(at(f.node), ctx, ErrMissing, "tolerance is required with relation approx")
	case hasTol && !(cl.Tolerance > 0):
		bad("tolerance", "tolerance must be positive, got %v", cl.Tolerance)
	}
	if hasPrec && kind != Share {
		bad("precision", "precision applies to share claims only")
	}

	switch kind {
	case Count, Compare:
		if math.Abs(cl.Value) > maxCount || cl.Tolerance > maxCount {
			bad("value", "%s claims are counts of respondents; %v is not sane", kind, cl.Value)
			return
		}
		if cl.Value != math.Trunc(cl.Value) {
			bad("value", "a %s claim's value must be a whole number, got %v", kind, cl.Value)
		}
		if kind == Count && cl.Value < 0 {
			bad("value", "a count cannot be negative, got %v", cl.Value)
		}
		if kind == Compare && rel == Approx {
			d.c.Add(f.pos("relation"), ctx, ErrInvalid, "approx does not apply to compare claims (use gt, gte, lt, lte or eq)")
		}
		if kind == Compare && hasTol {
			bad("tolerance", "tolerance does not apply to compare claims")
		}
		if kind == Count && hasTol && cl.Tolerance != math.Trunc(cl.Tolerance) {
			bad("tolerance", "a count's tolerance must be a whole number, got %v", cl.Tolerance)
		}
	case Share:
		if !hasPrec {
			cl.Precision = DefaultPrecision
		} else if !slices.Contains(precisions, cl.Precision) {
			bad("precision", "precision must be 0.1, 0.01, 0.001 or 0.0001 (the printed rounding unit), got %v", cl.Precision)
			return
		}
		if cl.Value < 0 || cl.Value > 1 {
			bad("value", "a share is between 0 and 1, got %v", cl.Value)
		} else if !multipleOf(cl.Value, 1.0/valueScale) {
			bad("value", "a share is given with at most 4 decimals, got %v", cl.Value)
		} else if (rel == Eq || rel == Approx || hasTol) && !multipleOf(cl.Value, cl.Precision) {
			bad("value", "value %v is finer than the precision %v it is compared at", cl.Value, cl.Precision)
		}
		if hasTol && cl.Tolerance > 0 {
			switch {
			case cl.Tolerance > 0.5:
				bad("tolerance", "a share's tolerance of %v is not sane (at most 0.5)", cl.Tolerance)
			case !multipleOf(cl.Tolerance, cl.Precision):
				bad("tolerance", "tolerance %v is not a multiple of the precision %v", cl.Tolerance, cl.Precision)
			}
		}
	}
}

// multipleOf reports whether v is a whole multiple of unit (both positive
// decimals with at most 4 places).
func multipleOf(v, unit float64) bool {
	q := v / unit
	return math.Abs(q-math.Round(q)) < 1e-6
}

// resolve reads the claim's relation, value, tolerance and precision from
// the quantifier table: by its quantifier, or else by its wording. It
// reports whether the table read the claim (or failed to, with an error);
// false leaves them to the claim's own keys.
func (d *decoder) resolve(cl *Claim, f fields, ctx string) bool {
	kind := cl.Kind()
	if kind == "" || !kind.known() {
		return false // reported with the statistic
	}
	phrase, v := cl.Wording, f.vals["quantifier"]
	if v != nil {
		s, ok := d.text(v, ctx, "quantifier")
		if !ok {
			return true
		}
		phrase = s
	}
	r, ok := d.qs.Resolve(phrase, kind)
	if !ok {
		if v != nil {
			where := "no quantifier table was given"
			if d.qs != nil {
				where = d.qs.File + " reads, for " + string(kind) + " claims: " + d.qs.wordings(kind)
			}
			d.c.Add(at(v), ctx, ErrUnknownQuantifier, "quantifier %q is in no entry of the quantifier table (%s)", phrase, where)
			return true
		}
		return false
	}
	for _, key := range []string{"relation", "value", "tolerance", "precision"} {
		if f.has(key) {
			d.c.Add(at(f.keys[key]), ctx, ErrInvalid, "%s comes from the quantifier table (%s, line %d: %q reads %q); remove it, or change the table for every claim alike",
				key, d.qs.File, r.Quantifier.line, r.Wording, phrase)
		}
	}
	cl.Quantifier = r.Wording
	cl.Relation, cl.Value, cl.Tolerance, cl.Precision = r.Relation, r.Value, r.Tolerance, r.Precision
	// The same checks as a claim's own values (a share of 15割 is not one).
	d.checkValue(cl, f, ctx, true, r.Tolerance > 0, r.Precision > 0)
	return true
}
