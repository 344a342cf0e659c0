package interviews

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	sectionNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)
	digitRun      = regexp.MustCompile(`[0-9]+`)
)

// validate checks f completely and records every problem in c.
func validate(c *collector, f *file) {
	switch {
	case f.Format == "":
		c.add(f.pos.KeyPos("format"), "", ErrMissing, "format is required (%q)", Format)
	case f.Format != Format:
		c.add(f.pos.KeyPos("format"), "", ErrInvalid, "format is %q, want %q", f.Format, Format)
	}
	switch {
	case f.Year == 0:
		c.add(f.pos.KeyPos("year"), "", ErrMissing, "year is required")
	case f.Year < 1990 || f.Year > 2100:
		c.add(f.pos.KeyPos("year"), "", ErrInvalid, "year %d is not a survey year", f.Year)
	}
	if f.Source == "" {
		c.add(f.pos.KeyPos("source"), "", ErrMissing, "source is required")
	}
	checkText(c, f.pos.KeyPos("source"), "", "source", f.Source)
	pagesOK := true
	switch {
	case f.Pages.First == 0 || f.Pages.Last == 0:
		c.add(f.pos.KeyPos("pages"), "", ErrMissing, "pages needs first and last (the pages the interviews are printed on)")
		pagesOK = false
	case f.Pages.First < 1 || f.Pages.Last < f.Pages.First:
		c.add(f.pos.KeyPos("pages"), "", ErrInvalid, "pages %d-%d is not a page range", f.Pages.First, f.Pages.Last)
		pagesOK = false
	}
	if len(f.Interviews) == 0 {
		c.add(f.pos.KeyPos("interviews"), "", ErrMissing, "interviews lists no interview")
	}

	teams := map[string]Pos{}
	sections := map[string]string{}
	prevLast, prevTeam := 0, ""
	for i := range f.Interviews {
		iv := &f.Interviews[i]
		team := iv.Team
		p := iv.pos.KeyPos
		switch {
		case team == "":
			c.add(iv.pos.At, "", ErrMissing, "interview %d: team is required", i+1)
		case strings.TrimSpace(team) != team || strings.ContainsAny(team, "\n\t"):
			c.add(p("team"), team, ErrInvalid, "team name has surrounding or control whitespace")
		default:
			if at, dup := teams[team]; dup {
				c.add(p("team"), team, ErrDuplicate, "team %q is already described at line %d", team, at.Line)
			} else {
				teams[team] = p("team")
			}
		}
		switch {
		case iv.Section == "":
			c.add(p("section"), team, ErrMissing, "section is required (the report section of the profile, e.g. \"3.1\")")
		case !sectionNumber.MatchString(iv.Section):
			c.add(p("section"), team, ErrInvalid, "section %q is not a section number like 3.1", iv.Section)
		default:
			if other, dup := sections[iv.Section]; dup {
				c.add(p("section"), team, ErrDuplicate, "section %s is already used by team %s", iv.Section, other)
			} else {
				sections[iv.Section] = team
			}
		}

		// Pages: inside the file's range, in file order, not overlapping.
		rangeOK := true
		for _, k := range []struct {
			key  string
			page int
		}{{"page", iv.Page}, {"last_page", iv.LastPage}} {
			switch {
			case k.page == 0:
				c.add(p(k.key), team, ErrMissing, "%s is required", k.key)
				rangeOK = false
			case pagesOK && (k.page < f.Pages.First || k.page > f.Pages.Last):
				c.add(p(k.key), team, ErrInvalid, "%s %d is outside the interview pages %d-%d", k.key, k.page, f.Pages.First, f.Pages.Last)
				rangeOK = false
			}
		}
		if rangeOK {
			switch {
			case iv.LastPage < iv.Page:
				c.add(p("last_page"), team, ErrInvalid, "last_page %d is before page %d", iv.LastPage, iv.Page)
				rangeOK = false
			case iv.Page <= prevLast:
				c.add(p("page"), team, ErrInvalid, "page %d is not after the pages of the previous profile (%s, up to page %d)", iv.Page, prevTeam, prevLast)
			}
			prevLast, prevTeam = iv.LastPage, team
		}

		checkDate(c, iv, f.Year)
		for _, t := range []struct {
			key string
			v   *Text
		}{
			{"organisation", &iv.Organisation}, {"industry", &iv.Industry}, {"department", &iv.Department},
			{"budget", &iv.Budget}, {"constituency", &iv.Constituency},
		} {
			checkPair(c, iv, t.key, t.v.pos, t.v.JA, t.v.EN)
		}
		checkForm(c, &f.Vocabulary, iv)
		checkSize(c, iv)
		checkText(c, p("note"), team, "note", iv.Note)
		checkTopics(c, &f.Vocabulary, iv, rangeOK)
	}
}

// checkText rejects text with surrounding whitespace, control characters or
// doubled spaces (signs of a copy error in a hand-written file).
func checkText(c *collector, p Pos, team, what, s string) {
	switch {
	case s == "":
	case strings.TrimSpace(s) != s:
		c.add(p, team, ErrInvalid, "%s has leading or trailing whitespace", what)
	case strings.ContainsAny(s, "\n\r\t"):
		c.add(p, team, ErrInvalid, "%s contains a line break or tab", what)
	case strings.Contains(s, "  "):
		c.add(p, team, ErrInvalid, "%s contains a doubled space", what)
	}
}

// checkPair checks a header value with ja and en texts.
func checkPair(c *collector, iv *Interview, key string, l located, ja, en string) {
	team := iv.Team
	if ja == "" && en == "" {
		c.add(iv.pos.keyOf(key), team, ErrMissing, "%s is required (ja as printed, en)", key)
		return
	}
	if ja == "" {
		c.add(l.KeyPos("ja"), team, ErrMissing, "%s: ja is required", key)
	}
	if en == "" {
		c.add(l.KeyPos("en"), team, ErrMissing, "%s: en is required", key)
	}
	checkText(c, l.KeyPos("ja"), team, key+".ja", ja)
	checkText(c, l.KeyPos("en"), team, key+".en", en)
}

func checkDate(c *collector, iv *Interview, year int) {
	p := iv.pos.KeyPos("interview_date")
	if iv.InterviewDate == "" {
		c.add(p, iv.Team, ErrMissing, "interview_date is required (YYYY-MM-DD, as the report prints it)")
		return
	}
	d, err := time.Parse(time.DateOnly, iv.InterviewDate)
	if err != nil {
		c.add(p, iv.Team, ErrInvalid, "interview_date %q is not a valid date YYYY-MM-DD", iv.InterviewDate)
		return
	}
	if year != 0 && (d.Year() < year || d.Year() > year+1) {
		c.add(p, iv.Team, ErrInvalid, "interview_date %s is outside the survey years %d-%d", iv.InterviewDate, year, year+1)
		return
	}
	iv.date = d
}

func checkForm(c *collector, v *Vocabulary, iv *Interview) {
	f, team := iv.Form, iv.Team
	if f.Code == "" && f.JA == "" {
		c.add(iv.pos.keyOf("form"), team, ErrMissing, "form is required (code and ja as printed)")
		return
	}
	if f.Code == "" {
		c.add(f.pos.KeyPos("code"), team, ErrMissing, "form: code is required")
	}
	if f.JA == "" {
		c.add(f.pos.KeyPos("ja"), team, ErrMissing, "form: ja is required")
	}
	if f.Code == "" {
		return
	}
	known, ok := lookup(v.Forms, f.Code)
	if !ok {
		c.add(f.pos.KeyPos("code"), team, ErrUnknownCode, "form code %q is not one of %s", f.Code, codeList(v.Forms))
		return
	}
	iv.Form.en = known.LabelEN
	if f.JA != "" && f.JA != known.LabelJA {
		c.add(f.pos.KeyPos("ja"), team, ErrInvalid, "form %s is printed %q, not %q", f.Code, known.LabelJA, f.JA)
	}
}

func checkSize(c *collector, iv *Interview) {
	s, team := iv.Size, iv.Team
	if s.JA == "" && s.EN == "" && s.Members == nil {
		c.add(iv.pos.keyOf("size"), team, ErrMissing, "size is required (ja as printed, en, members if printed)")
		return
	}
	checkPair(c, iv, "size", s.pos, s.JA, s.EN)
	if s.Members == nil {
		return
	}
	switch n := *s.Members; {
	case n <= 0:
		c.add(s.pos.KeyPos("members"), team, ErrInvalid, "size: members %d is not a positive number", n)
	case !containsNumber(s.JA, n):
		c.add(s.pos.KeyPos("members"), team, ErrInvalid, "size: members %d is not the number printed in %q", n, s.JA)
	}
}

// containsNumber reports whether n is printed in s as a whole number (not
// part of a longer one).
func containsNumber(s string, n int) bool {
	for _, m := range digitRun.FindAllString(s, -1) {
		if v, err := strconv.Atoi(m); err == nil && v == n {
			return true
		}
	}
	return false
}

func checkTopics(c *collector, v *Vocabulary, iv *Interview, rangeOK bool) {
	team := iv.Team
	if len(iv.Topics) == 0 {
		c.add(iv.pos.keyOf("topics"), team, ErrMissing, "topics is required (every topic: %s)", topicList(v))
		return
	}
	// Unknown topics, in file order.
	var unknown []string
	for id := range iv.Topics {
		if _, ok := v.Topic(id); !ok {
			unknown = append(unknown, id)
		}
	}
	sortByLine(unknown, iv.topicPos)
	for _, id := range unknown {
		c.add(iv.topicPos[id], team, ErrUnknownCode, "unknown topic %q (topics: %s)", id, topicList(v))
	}
	for _, t := range v.Topics {
		answers, present := iv.Topics[t.ID]
		if !present {
			c.add(iv.pos.keyOf("topics"), team, ErrMissing, "topic %s is missing (answer %s if the profile says nothing about it)", t.ID, NotMentioned)
			continue
		}
		if len(answers) == 0 {
			c.add(iv.topicPos[t.ID], team, ErrMissing, "topic %s has no answer (answer %s if the profile says nothing about it)", t.ID, NotMentioned)
			continue
		}
		seen := map[string]int{}
		for j := range answers {
			checkAnswer(c, v, iv, t, &answers[j], len(answers), seen, rangeOK)
		}
	}
}

func checkAnswer(c *collector, v *Vocabulary, iv *Interview, t Topic, a *Answer, n int, seen map[string]int, rangeOK bool) {
	team, p := iv.Team, a.pos.KeyPos
	what := "topic " + t.ID
	if a.Code == "" {
		c.add(a.pos.At, team, ErrMissing, "%s: code is required", what)
		return
	}
	if _, ok := t.Code(a.Code); !ok {
		c.add(p("code"), team, ErrUnknownCode, "%s: unknown code %q (codes: %s, %s)", what, a.Code, codeList(t.Codes), NotMentioned)
		return
	}
	if line, dup := seen[a.Code]; dup {
		c.add(p("code"), team, ErrDuplicate, "%s: code %s is already answered at line %d", what, a.Code, line)
	} else {
		seen[a.Code] = a.pos.At.Line
	}
	checkText(c, p("ja"), team, what+" "+a.Code+": ja", a.JA)
	checkText(c, p("en"), team, what+" "+a.Code+": en", a.EN)
	checkText(c, p("note"), team, what+" "+a.Code+": note", a.Note)

	if a.Code == NotMentioned {
		if n > 1 {
			c.add(p("code"), team, ErrInvalid, "%s: %s must be the topic's only answer", what, NotMentioned)
		}
		for _, k := range []struct {
			key string
			set bool
		}{{"ja", a.JA != ""}, {"en", a.EN != ""}, {"page", a.Page != 0}, {"cadence", a.Cadence != ""}} {
			if k.set {
				c.add(p(k.key), team, ErrInvalid, "%s: %s takes no %s (there is nothing to quote)", what, NotMentioned, k.key)
			}
		}
		return
	}
	if a.JA == "" {
		c.add(p("ja"), team, ErrMissing, "%s %s: ja is required (the supporting sentence as printed)", what, a.Code)
	}
	if a.EN == "" {
		c.add(p("en"), team, ErrMissing, "%s %s: en is required (the translation of ja)", what, a.Code)
	}
	switch {
	case a.Page == 0:
		c.add(p("page"), team, ErrMissing, "%s %s: page is required", what, a.Code)
	case rangeOK && (a.Page < iv.Page || a.Page > iv.LastPage):
		c.add(p("page"), team, ErrInvalid, "%s %s: page %d is outside the profile's pages %d-%d", what, a.Code, a.Page, iv.Page, iv.LastPage)
	}
	if a.Cadence != "" {
		switch _, ok := lookup(v.Cadences, a.Cadence); {
		case t.Schedule:
			c.add(p("cadence"), team, ErrInvalid, "%s %s: cadence is not allowed here (the code of %s is itself the cadence)", what, a.Code, t.ID)
		case !ok:
			c.add(p("cadence"), team, ErrUnknownCode, "%s %s: unknown cadence %q (cadences: %s)", what, a.Code, a.Cadence, codeList(v.Cadences))
		}
	}
}

func codeList(codes []Code) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c.Code
	}
	return strings.Join(names, ", ")
}

func topicList(v *Vocabulary) string {
	names := make([]string, len(v.Topics))
	for i, t := range v.Topics {
		names[i] = t.ID
	}
	return strings.Join(names, ", ")
}

// sortByLine orders ids by their position in the file.
func sortByLine(ids []string, pos map[string]Pos) {
	slices.SortFunc(ids, func(a, b string) int {
		pa, pb := pos[a], pos[b]
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column), cmp.Compare(a, b))
	})
}
