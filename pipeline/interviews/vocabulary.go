package interviews

import (
	"fmt"
	"regexp"
	"slices"
)

// Code is one value of a controlled vocabulary: a stable code, an English
// label, and the Japanese wording it stands for (the printed form where the
// code codes a printed value, a short description otherwise).
type Code struct {
	Code    string `yaml:"code"`
	LabelJA string `yaml:"ja"`
	LabelEN string `yaml:"en"`
	at      Pos
}

// NotMentioned is the code every topic accepts for a profile that says
// nothing about the topic. It is the only answer of its topic and carries no
// quote and no page. It belongs to the format; its labels are the
// vocabulary's (not_mentioned).
const NotMentioned = "not_mentioned"

// Topic is one coded topic of the interviews.
type Topic struct {
	ID      string `yaml:"id"`
	LabelJA string `yaml:"ja"`
	LabelEN string `yaml:"en"`
	// Schedule marks topics whose codes are the vocabulary's cadences and
	// triggers; their answers take no separate cadence.
	Schedule bool `yaml:"schedule"`
	// Codes are the topic's codes, without NotMentioned (always accepted).
	// For a schedule topic they are filled from the cadences and triggers.
	Codes []Code `yaml:"codes"`

	notMentioned Code
	pos          located
}

// Code returns the topic's code c, including NotMentioned.
func (t Topic) Code(c string) (Code, bool) {
	if c == NotMentioned {
		return t.notMentioned, true
	}
	return lookup(t.Codes, c)
}

// Vocabulary is the controlled vocabulary of a year's interviews, read from
// the "vocabulary" key of its interviews file: the CSIRT forms of the
// profile headers, the cadences, the triggers (schedule codes that are not
// cadences), the labels of NotMentioned, and the coded topics in the order of
// the profiles (and of the interview_topics dataset). Every interview answers
// every topic.
type Vocabulary struct {
	// Forms are the CSIRT forms (組織形態) of the profile headers. LabelJA is
	// the value as printed in the header (a form's ja text must equal it).
	Forms []Code `yaml:"forms"`
	// Cadences are the regular intervals a report, exercise or review can
	// have: the values of an answer's cadence and codes of every schedule
	// topic.
	Cadences []Code `yaml:"cadences"`
	// Triggers are the codes a schedule topic accepts besides the cadences:
	// events that trigger a report or review, and statements without a
	// cadence.
	Triggers []Code `yaml:"triggers"`
	// NotMentioned holds the labels of the NotMentioned code.
	NotMentioned Code `yaml:"not_mentioned"`
	// Topics are the coded topics, in the order of the profiles.
	Topics []Topic `yaml:"topics"`

	pos located
}

// Topic returns the topic with the given id.
func (v *Vocabulary) Topic(id string) (Topic, bool) {
	if v == nil {
		return Topic{}, false
	}
	for _, t := range v.Topics {
		if t.ID == id {
			return t, true
		}
	}
	return Topic{}, false
}

// topics returns the topics of v; none when v is nil.
func (v *Vocabulary) topics() []Topic {
	if v == nil {
		return nil
	}
	return v.Topics
}

// VocabularyOf returns the vocabulary the interviews were coded with (they
// come from one file), or an empty vocabulary when there are none.
func VocabularyOf(ivs []Interview) *Vocabulary {
	for _, iv := range ivs {
		if iv.Vocabulary != nil {
			return iv.Vocabulary
		}
	}
	return &Vocabulary{}
}

func lookup(codes []Code, c string) (Code, bool) {
	for _, k := range codes {
		if k.Code == c {
			return k, true
		}
	}
	return Code{}, false
}

var codeSyntax = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validateVocabulary checks the vocabulary completely, records every problem
// in c, and fills the codes of schedule topics and every topic's labels of
// NotMentioned.
func validateVocabulary(c *collector, v *Vocabulary) {
	const ctx = "vocabulary"
	codes := func(key, what string, list []Code, required bool) {
		if len(list) == 0 {
			if required {
				c.addCtx(v.pos.KeyPos(key), ctx, ErrMissing, "%s is required (%s)", key, what)
			}
			return
		}
		checkCodes(c, ctx+" "+key, list)
	}
	codes("forms", "the CSIRT forms of the profile headers", v.Forms, true)
	codes("cadences", "the intervals of reports, exercises and reviews", v.Cadences, true)
	codes("triggers", "schedule codes besides the cadences", v.Triggers, false)
	for _, t := range v.Triggers {
		if _, dup := lookup(v.Cadences, t.Code); dup {
			c.addCtx(t.at, ctx+" triggers", ErrDuplicate, "code %s is already a cadence", t.Code)
		}
	}
	nm := v.NotMentioned
	if nm.LabelJA == "" || nm.LabelEN == "" {
		c.addCtx(v.pos.KeyPos("not_mentioned"), ctx, ErrMissing, "not_mentioned needs ja and en (the labels of code %s)", NotMentioned)
	}
	if nm.Code != "" && nm.Code != NotMentioned {
		c.addCtx(v.pos.KeyPos("not_mentioned"), ctx, ErrInvalid, "not_mentioned takes no code (it is always %s)", NotMentioned)
	}
	nm.Code = NotMentioned
	if len(v.Topics) == 0 {
		c.addCtx(v.pos.KeyPos("topics"), ctx, ErrMissing, "topics is required (the coded topics, in the order of the profiles)")
	}
	schedule := slices.Concat(v.Cadences, v.Triggers)
	ids := map[string]Pos{}
	for i := range v.Topics {
		t := &v.Topics[i]
		tctx := fmt.Sprintf("%s topic %d", ctx, i+1)
		switch {
		case t.ID == "":
			c.addCtx(t.pos.At, tctx, ErrMissing, "id is required")
		case !codeSyntax.MatchString(t.ID):
			c.addCtx(t.pos.KeyPos("id"), tctx, ErrInvalid, "id %q is not snake_case", t.ID)
		default:
			tctx = ctx + " topic " + t.ID
			if at, dup := ids[t.ID]; dup {
				c.addCtx(t.pos.KeyPos("id"), tctx, ErrDuplicate, "topic %s is already defined at line %d", t.ID, at.Line)
			} else {
				ids[t.ID] = t.pos.KeyPos("id")
			}
		}
		if t.LabelJA == "" || t.LabelEN == "" {
			c.addCtx(t.pos.At, tctx, ErrMissing, "ja and en are required (the printed heading and its English)")
		}
		switch {
		case t.Schedule && len(t.Codes) > 0:
			c.addCtx(t.pos.KeyPos("codes"), tctx, ErrInvalid, "a schedule topic takes no codes (its codes are the cadences and triggers)")
		case t.Schedule:
			t.Codes = schedule
		case len(t.Codes) == 0:
			c.addCtx(t.pos.At, tctx, ErrMissing, "codes is required (or schedule: true)")
		default:
			checkCodes(c, tctx, t.Codes)
		}
		t.notMentioned = nm
	}
}

// checkCodes checks that the codes of one list are snake_case, unique, not
// NotMentioned, and labelled in both languages.
func checkCodes(c *collector, ctx string, list []Code) {
	seen := map[string]Pos{}
	for _, k := range list {
		switch {
		case k.Code == "":
			c.addCtx(k.at, ctx, ErrMissing, "a code is required")
			continue
		case k.Code == NotMentioned:
			c.addCtx(k.at, ctx, ErrInvalid, "%s is accepted by every topic and is not listed", NotMentioned)
		case !codeSyntax.MatchString(k.Code):
			c.addCtx(k.at, ctx, ErrInvalid, "code %q is not snake_case", k.Code)
		}
		if at, dup := seen[k.Code]; dup {
			c.addCtx(k.at, ctx, ErrDuplicate, "code %s is already listed at line %d", k.Code, at.Line)
		} else {
			seen[k.Code] = k.at
		}
		if k.LabelJA == "" || k.LabelEN == "" {
			c.addCtx(k.at, ctx, ErrMissing, "code %s needs ja and en", k.Code)
		}
	}
}
