package claims

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// QuantifiersFormat is the value the top-level "format" key of a quantifier
// table must have.
const QuantifiersFormat = "csirt-survey/quantifiers/v1"

// QuantifiersFile is where the quantifier table lives under the schemas
// directory: the report's wording is the language's, shared by every year.
const QuantifiersFile = "quantifiers.yaml"

// ErrUnknownQuantifier classifies a claim whose wording (or quantifier) is
// in no entry of the quantifier table.
var ErrUnknownQuantifier = errors.New("unknown quantifier")

// Quantifier is one entry of the quantifier table: how the report's words
// for an amount (ほぼすべて, 約N割, 最も多い, ...) are read, once for every
// claim that uses them.
type Quantifier struct {
	// Wordings are the phrases the entry reads; {N} stands for a number
	// printed in the phrase (約{N}割, {N}%).
	Wordings []string
	// Kind is the statistic the phrases state: a share, a count or a
	// comparison.
	Kind Kind
	// Relation, Value and Tolerance are the claim a phrase makes. With {N},
	// the value is N × Scale instead of Value.
	Relation  Relation
	Value     float64
	Scale     float64
	Tolerance float64
	// PrintedPrecision: a share is compared at the precision N is printed
	// with (12% at 0.01, 1.5% at 0.001), not the default whole percent.
	PrintedPrecision bool
	// ReasonJA and ReasonEN say why the phrase is read so.
	ReasonJA, ReasonEN string

	patterns []*regexp.Regexp // one per wording: the whole phrase, {N} captured
	line     int
}

// Quantifiers is the quantifier table (schemas/quantifiers.yaml).
type Quantifiers struct {
	File    string
	Entries []Quantifier
}

// Reading is a quantifier applied to one phrase: the entry, the wording that
// matched and the relation, value, tolerance and precision it gives.
type Reading struct {
	Quantifier *Quantifier
	Wording    string // the entry's wording that matched, {N} included
	Relation   Relation
	Value      float64
	Tolerance  float64
	Precision  float64 // shares only; 0 for the default
}

// Resolve returns the reading of phrase as a statistic of kind, and false
// when no entry of the table reads it.
func (qs *Quantifiers) Resolve(phrase string, kind Kind) (Reading, bool) {
	if qs == nil {
		return Reading{}, false
	}
	for i := range qs.Entries {
		q := &qs.Entries[i]
		if q.Kind != kind {
			continue
		}
		for j, re := range q.patterns {
			m := re.FindStringSubmatch(phrase)
			if m == nil {
				continue
			}
			r := Reading{Quantifier: q, Wording: q.Wordings[j], Relation: q.Relation, Value: q.Value, Tolerance: q.Tolerance}
			if len(m) > 1 {
				n, err := strconv.ParseFloat(m[1], 64)
				if err != nil {
					continue
				}
				r.Value = roundTo(n*q.Scale, valueScale)
				if q.PrintedPrecision {
					decimals := 0
					if dot := strings.IndexByte(m[1], '.'); dot >= 0 {
						decimals = len(m[1]) - dot - 1
					}
					r.Precision = roundTo(math.Pow(10, -float64(decimals))*q.Scale, valueScale)
				}
			}
			return r, true
		}
	}
	return Reading{}, false
}

// wordings lists the table's wordings of kind, for messages.
func (qs *Quantifiers) wordings(kind Kind) string {
	var ws []string
	if qs != nil {
		for _, q := range qs.Entries {
			if q.Kind == kind {
				ws = append(ws, q.Wordings...)
			}
		}
	}
	if len(ws) == 0 {
		return "none: the table has no entry for " + string(kind) + " claims"
	}
	return strings.Join(ws, ", ")
}

func roundTo(v float64, scale float64) float64 { return math.Round(v*scale) / scale }

// LoadQuantifiers reads and validates a quantifier table.
func LoadQuantifiers(path string) (*Quantifiers, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("claims: quantifiers: %w", err)
	}
	return ParseQuantifiers(path, data)
}

var quantifierKeys = []string{"wordings", "kind", "relation", "value", "scale", "tolerance", "printed_precision", "reason_ja", "reason_en"}

// ParseQuantifiers decodes and validates a quantifier table held in memory;
// file names it in error messages. Every problem is reported as an
// ErrorList of located errors.
func ParseQuantifiers(file string, data []byte) (*Quantifiers, error) {
	c := &yamlsrc.Collector{File: file}
	qs := &Quantifiers{File: file}
	doc, ok := yamlsrc.DecodeFormat(c, data, new(yaml.Node), yamlsrc.Format{Keys: "format, quantifiers"})
	if ok {
		d := &decoder{c: c}
		top, _ := d.mapping(doc, "", "the top level", []string{"format", "quantifiers"})
		if v, ok := top.vals["format"]; !ok {
			c.Add(at(doc), "", ErrMissing, "format is required (%s)", QuantifiersFormat)
		} else if s, ok := d.text(v, "", "format"); ok && s != QuantifiersFormat {
			c.Add(at(v), "", ErrInvalid, "format is %q, want %q", s, QuantifiersFormat)
		}
		if v, ok := d.required(top, "", "quantifiers", "the top level"); ok {
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				c.Add(at(v), "", ErrInvalid, "quantifiers must be a non-empty list of entries")
			} else {
				seen := map[string]string{} // kind + wording -> context of its entry
				for i, n := range v.Content {
					q := d.quantifier(n, fmt.Sprintf("quantifier #%d", i+1))
					for _, w := range q.Wordings {
						k := string(q.Kind) + " " + w
						if first, dup := seen[k]; dup {
							c.Add(at(n), fmt.Sprintf("quantifier #%d", i+1), ErrDuplicate, "wording %q of %s claims is in %s already", w, q.Kind, first)
						}
						seen[k] = fmt.Sprintf("quantifier #%d", i+1)
					}
					qs.Entries = append(qs.Entries, q)
				}
			}
		}
	}
	if len(c.Errs) > 0 {
		return nil, c.Errs
	}
	return qs, nil
}

// numberPattern is what {N} matches in a phrase.
const numberPattern = `([0-9]+(?:\.[0-9]+)?)`

func (d *decoder) quantifier(n *yaml.Node, ctx string) Quantifier {
	q := Quantifier{line: n.Line}
	f, ok := d.mapping(n, ctx, "a quantifier", quantifierKeys)
	if !ok {
		return q
	}
	withN := false
	if v, ok := d.required(f, ctx, "wordings", "a quantifier"); ok {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			d.c.Add(at(v), ctx, ErrInvalid, "wordings must be a non-empty list of phrases, e.g. [約半数, 半数程度]")
		}
		for i, w := range v.Content {
			s, ok := d.text(w, ctx, "wordings")
			if !ok {
				continue
			}
			count := strings.Count(s, "{N}")
			if count > 1 || strings.Count(s, "{")+strings.Count(s, "}") != 2*count {
				d.c.Add(at(w), ctx, ErrInvalid, "wording %q: {N} (a printed number) may appear once, and no other braces", s)
				continue
			}
			if i > 0 && (count == 1) != withN {
				d.c.Add(at(w), ctx, ErrInvalid, "wording %q: either every wording of an entry has {N} or none has", s)
				continue
			}
			withN = count == 1
			parts := strings.Split(s, "{N}")
			for k := range parts {
				parts[k] = regexp.QuoteMeta(parts[k])
			}
			q.Wordings = append(q.Wordings, s)
			q.patterns = append(q.patterns, regexp.MustCompile("^"+strings.Join(parts, numberPattern)+"$"))
		}
	}
	if v, ok := d.required(f, ctx, "kind", "a quantifier"); ok {
		if s, ok := d.text(v, ctx, "kind"); ok {
			if q.Kind = Kind(s); !q.Kind.known() {
				d.c.Add(at(v), ctx, ErrUnknownKind, "unknown kind %q (allowed: count, share, compare)", s)
			}
		}
	}
	if v, ok := d.required(f, ctx, "relation", "a quantifier"); ok {
		if s, ok := d.text(v, ctx, "relation"); ok {
			if q.Relation = Relation(s); !q.Relation.known() {
				d.c.Add(at(v), ctx, ErrUnknownRelation, "unknown relation %q (allowed: %s)", s, relationNames())
			}
		}
	}
	num := func(key string) (float64, bool) {
		v, ok := f.vals[key]
		if !ok {
			return 0, false
		}
		x, ok := d.number(v, ctx, key)
		return x, ok
	}
	value, hasValue := num("value")
	scale, hasScale := num("scale")
	q.Value, q.Scale = value, scale
	switch {
	case withN && !hasScale:
		d.c.Add(at(n), ctx, ErrMissing, "scale is required with {N} (the value is N × scale: 0.1 for 割, 0.01 for %%, 1 for a count)")
	case withN && hasValue:
		d.c.Add(f.pos("value"), ctx, ErrInvalid, "value does not apply with {N} (the value is N × scale)")
	case !withN && hasScale:
		d.c.Add(f.pos("scale"), ctx, ErrInvalid, "scale applies only to wordings with {N}")
	case !withN && !hasValue && q.Kind != Compare:
		d.c.Add(at(n), ctx, ErrMissing, "value is required (the amount the wording states)")
	case hasScale && !(scale > 0):
		d.c.Add(f.pos("scale"), ctx, ErrInvalid, "scale must be positive, got %v", scale)
	}
	if t, ok := num("tolerance"); ok {
		q.Tolerance = t
		switch {
		case !(t > 0) || t > 0.5 && q.Kind == Share:
			d.c.Add(f.pos("tolerance"), ctx, ErrInvalid, "tolerance must be positive (a share's at most 0.5), got %v", t)
		case q.Relation == Eq:
			d.c.Add(f.pos("tolerance"), ctx, ErrInvalid, "tolerance does not apply to relation eq (use approx)")
		}
	} else if q.Relation == Approx {
		d.c.Add(at(n), ctx, ErrMissing, "tolerance is required with relation approx")
	}
	if q.Kind == Share && hasValue && (value < 0 || value > 1) {
		d.c.Add(f.pos("value"), ctx, ErrInvalid, "a share is between 0 and 1, got %v", value)
	}
	if v, ok := f.vals["printed_precision"]; ok {
		q.PrintedPrecision, _ = d.boolean(v, ctx, "printed_precision")
		if q.PrintedPrecision && (!withN || q.Kind != Share) {
			d.c.Add(at(v), ctx, ErrInvalid, "printed_precision applies to share wordings with {N}")
		}
	}
	for _, k := range []struct {
		key string
		dst *string
	}{{"reason_ja", &q.ReasonJA}, {"reason_en", &q.ReasonEN}} {
		if v, ok := d.required(f, ctx, k.key, "a quantifier"); ok {
			*k.dst, _ = d.text(v, ctx, k.key)
		}
	}
	return q
}

// LoadQuantifiersIn reads schemasDir's quantifier table; a directory
// without one gives none (nil), and claims must then state their relations
// themselves.
func LoadQuantifiersIn(schemasDir string) (*Quantifiers, error) {
	path := filepath.Join(schemasDir, QuantifiersFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return LoadQuantifiers(path)
}

// LoadYear reads a year's claims (rawDir/<year>/claims.yaml) by the
// quantifier table of schemasDir, which it returns too. A year without a
// claims file has none (nil, no error).
func LoadYear(schemasDir, rawDir string, year int) ([]Claim, *Quantifiers, error) {
	path := filepath.Join(rawDir, strconv.Itoa(year), "claims.yaml")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	qs, err := LoadQuantifiersIn(schemasDir)
	if err != nil {
		return nil, nil, err
	}
	cs, err := Load(path, qs)
	if err != nil {
		return nil, nil, err
	}
	return cs, qs, nil
}

// MetaQuantifiers is the footer key of processed/claims holding the
// quantifier table the claims were read by, as JSON (QuantifiersJSON).
const MetaQuantifiers = "csirt.quantifiers"

// pct writes a share as a percentage: 0.95 as 95, 0.015 as 1.5.
func pct(v float64) string { return strconv.FormatFloat(roundTo(v*100, 100), 'f', -1, 64) }

// Range says in words what the entry accepts, in Japanese and English.
func (q *Quantifier) Range() (ja, en string) {
	withN := q.Scale > 0
	switch q.Kind {
	case Compare:
		if q.Relation == Lt {
			return "挙げた回答 < 比べる相手", "the named answers < what they are compared with"
		}
		return "挙げた回答 > 比べる相手", "the named answers > what they are compared with"
	case Count:
		if withN {
			return "ちょうど N", "exactly N"
		}
		v := strconv.FormatFloat(q.Value, 'f', -1, 64)
		return "ちょうど " + v, "exactly " + v
	}
	// shares
	if withN {
		unitJA, unitEN := "N割", "N tenths"
		if q.Scale == 0.01 {
			unitJA, unitEN = "N%", "N%"
		}
		switch q.Relation {
		case Approx:
			t := pct(q.Tolerance)
			return unitJA + " ±" + t + "ポイント (印刷の桁で丸めて)", unitEN + " ±" + t + " points (rounded as printed)"
		case Gte:
			return unitJA + " 以上", "at least " + unitEN
		case Gt:
			return unitJA + " を超える", "more than " + unitEN
		case Lt:
			return unitJA + " 未満", "less than " + unitEN
		case Lte:
			return unitJA + " 以下", "at most " + unitEN
		}
		return unitJA + " (印刷された桁で)", unitEN + " (at the printed digits)"
	}
	v := pct(q.Value)
	switch q.Relation {
	case Approx:
		lo, hi := pct(max(0, q.Value-q.Tolerance)), pct(min(1, q.Value+q.Tolerance))
		return lo + "%〜" + hi + "%", lo + "-" + hi + "%"
	case Gte:
		return v + "% 以上", v + "% or more"
	case Gt:
		return v + "% を超える", "more than " + v + "%"
	case Lt:
		if q.Tolerance > 0 {
			lo := pct(q.Value - q.Tolerance)
			return lo + "% 以上 " + v + "% 未満", lo + "% up to (not including) " + v + "%"
		}
		return v + "% 未満", "less than " + v + "%"
	case Lte:
		return v + "% 以下", "at most " + v + "%"
	}
	return v + "%", v + "%"
}

// quantifierJSON is one entry of the table as the claims dataset stores it.
type quantifierJSON struct {
	Wordings         []string `json:"wordings"`
	Kind             Kind     `json:"kind"`
	Relation         Relation `json:"relation"`
	Value            *float64 `json:"value,omitempty"`
	Scale            *float64 `json:"scale,omitempty"`
	Tolerance        float64  `json:"tolerance,omitempty"`
	PrintedPrecision bool     `json:"printed_precision,omitempty"`
	RangeJA          string   `json:"range_ja"`
	RangeEN          string   `json:"range_en"`
	ReasonJA         string   `json:"reason_ja"`
	ReasonEN         string   `json:"reason_en"`
}

// JSON returns the table as a JSON list, in file order, each entry with the
// range it accepts in words: the csirt.quantifiers footer of
// processed/claims.
func (qs *Quantifiers) JSON() string {
	out := []quantifierJSON{}
	if qs != nil {
		for i := range qs.Entries {
			q := &qs.Entries[i]
			e := quantifierJSON{Wordings: q.Wordings, Kind: q.Kind, Relation: q.Relation, Tolerance: q.Tolerance,
				PrintedPrecision: q.PrintedPrecision, ReasonJA: q.ReasonJA, ReasonEN: q.ReasonEN}
			if q.Scale > 0 {
				e.Scale = &q.Scale
			} else if q.Kind != Compare {
				e.Value = &q.Value
			}
			e.RangeJA, e.RangeEN = q.Range()
			out = append(out, e)
		}
	}
	data, err := json.Marshal(out)
	if err != nil {
		panic(err) // strings, numbers and booleans always marshal
	}
	return string(data)
}
