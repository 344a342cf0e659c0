package interviews

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

func readMinimal(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestParseMinimal(t *testing.T) {
	doc := readMinimal(t)
	ivs, err := Parse("minimal.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(ivs) != 2 {
		t.Fatalf("got %d interviews, want 2", len(ivs))
	}
	a, b := ivs[0], ivs[1]
	if a.Team != "A-CSIRT" || b.Team != "B-SIRT" || a.Year != 2015 || b.Year != 2015 {
		t.Errorf("teams/years = %s %d, %s %d", a.Team, a.Year, b.Team, b.Year)
	}
	if got := a.Date().Format("2006-01-02"); got != "2016-01-18" {
		t.Errorf("A date = %s", got)
	}
	if a.Size.Members == nil || *a.Size.Members != 10 || b.Size.Members != nil {
		t.Errorf("members = %v, %v; want 10 and nil", a.Size.Members, b.Size.Members)
	}
	if a.Form.EN() != "Distributed CSIRT" || b.Form.EN() != "Coordinating CSIRT" {
		t.Errorf("form labels = %q, %q", a.Form.EN(), b.Form.EN())
	}
	mr := a.Answers("management_reporting")
	if len(mr) != 2 || mr[0].Code != "semiannual" || mr[1].Code != "on_incident" || mr[0].Page != 11 {
		t.Errorf("A management_reporting = %+v", mr)
	}
	if pr := a.Answers("periodic_reports"); len(pr) != 1 || pr[0].Cadence != "monthly" || pr[0].Note != "An answer note." {
		t.Errorf("A periodic_reports = %+v", pr)
	}
	if ex := a.Answers("exercises"); len(ex) != 1 || ex[0].Code != NotMentioned || ex[0].JA != "" || ex[0].Page != 0 {
		t.Errorf("A exercises = %+v", ex)
	}
	for _, iv := range ivs {
		for _, topic := range iv.Vocabulary.Topics {
			if len(iv.Answers(topic.ID)) == 0 {
				t.Errorf("%s: topic %s has no answers", iv.Team, topic.ID)
			}
		}
	}
	if p, want := b.pos.At, yamlsrctest.LineOf(t, doc, "team: B-SIRT", 1); p.Line != want || p.Column != 5 {
		t.Errorf("B position = %+v, want line %d column 5", p, want)
	}
}

func TestParseErrors(t *testing.T) {
	base := readMinimal(t)
	tests := []struct {
		name     string
		old, new string // replace the first occurrence of old by new
		kind     error
		team     string
		want     string // substring of the message
		marker   string // the error is on the line holding this text ...
		nth      int    // ... at this occurrence (default 1)
		nocol    bool   // the error comes from the YAML decoder, which gives no column
	}{
		{"unknown key in interview", "    note: A header note.", "    note: A header note.\n    colour: red", ErrUnknownKey, "A-CSIRT", `unknown key "colour"`, "colour: red", 1, true},
		{"unknown key in answer", "          note: An answer note.", "          note: An answer note.\n          quote: x", ErrUnknownKey, "A-CSIRT", `unknown key "quote"`, "quote: x", 1, true},
		{"unknown top-level key", "year: 2015", "year: 2015\nauthor: me", ErrUnknownKey, "", `unknown key "author"`, "author: me", 1, true},
		{"duplicate team", "team: B-SIRT", "team: A-CSIRT", ErrDuplicate, "A-CSIRT", `team "A-CSIRT" is already described at line ` + strconv.Itoa(yamlsrctest.LineOf(t, base, "team: A-CSIRT", 1)), "team: A-CSIRT", 2, false},
		{"duplicate section", `section: "3.2"`, `section: "3.1"`, ErrDuplicate, "B-SIRT", "section 3.1 is already used by team A-CSIRT", `section: "3.1"`, 2, false},
		{"duplicate answer code", "- code: on_incident", "- code: semiannual", ErrDuplicate, "A-CSIRT", "topic management_reporting: code semiannual is already answered", "- code: semiannual", 2, false},
		{"duplicate yaml key", "    department: {ja: 社長室, en: President's Office}", "    department: {ja: 社長室, en: President's Office}\n    department: {ja: x, en: y}", ErrDuplicate, "B-SIRT", `key "department" is given twice`, "department: {ja: x", 1, true},
		{"unknown form code", "form: {code: coordinating", "form: {code: federated", ErrUnknownCode, "B-SIRT", `form code "federated" is not one of distributed`, "code: federated", 1, false},
		{"form not as printed", "ja: 調整役 CSIRT", "ja: 調整型 CSIRT", ErrInvalid, "B-SIRT", `form coordinating is printed "調整役 CSIRT", not "調整型 CSIRT"`, "調整型 CSIRT", 1, false},
		{"unknown topic", "      skill_metrics:\n        - code: none", "      skills:\n        - code: none", ErrUnknownCode, "A-CSIRT", `unknown topic "skills"`, "skills:", 1, false},
		{"missing topic", "      training:\n        - code: not_mentioned\n", "", ErrMissing, "B-SIRT", "topic training is missing (answer not_mentioned", "    topics:", 2, false},
		{"empty topic", "      policy_review:\n        - code: not_mentioned", "      policy_review: []", ErrMissing, "B-SIRT", "topic policy_review has no answer", "policy_review: []", 1, false},
		{"unknown answer code", "- code: spreadsheet", "- code: excel", ErrUnknownCode, "A-CSIRT", `topic incident_tracking_tool: unknown code "excel"`, "code: excel", 1, false},
		{"unknown cadence", "cadence: monthly", "cadence: fortnightly", ErrUnknownCode, "A-CSIRT", `unknown cadence "fortnightly"`, "cadence: fortnightly", 1, false},
		{"cadence on schedule topic", "        - code: semiannual\n", "        - code: semiannual\n          cadence: annual\n", ErrInvalid, "A-CSIRT", "cadence is not allowed here", "cadence: annual", 1, false},
		{"not_mentioned with others", "      exercises:\n        - code: not_mentioned\n", "      exercises:\n        - code: not_mentioned\n        - code: tabletop\n          ja: 机上演習\n          en: Tabletop.\n          page: 11\n", ErrInvalid, "A-CSIRT", "not_mentioned must be the topic's only answer", "- code: not_mentioned", 1, false},
		{"not_mentioned with page", "        - code: not_mentioned\n", "        - code: not_mentioned\n          page: 19\n", ErrInvalid, "A-CSIRT", "not_mentioned takes no page", "page: 19", 1, false},
		{"missing quote", "          ja: 指標はない\n", "", ErrMissing, "A-CSIRT", "topic activity_metrics none: ja is required", "- code: none", 1, false},
		{"missing page", "          page: 15\n", "", ErrMissing, "B-SIRT", "topic contact_review continuous: page is required", "- code: continuous", 1, false},
		{"answer page outside profile", "          page: 12\n", "          page: 14\n", ErrInvalid, "A-CSIRT", "page 14 is outside the profile's pages 10-12", "page: 14", 1, false},
		{"profile outside file pages", "    last_page: 15", "    last_page: 25", ErrInvalid, "B-SIRT", "last_page 25 is outside the interview pages 10-20", "last_page: 25", 1, false},
		{"overlapping profiles", "    page: 13\n", "    page: 12\n", ErrInvalid, "B-SIRT", "page 12 is not after the pages of the previous profile (A-CSIRT, up to page 12)", "^    page: 12", 1, false},
		{"last page before page", "    last_page: 12", "    last_page: 9", ErrInvalid, "A-CSIRT", "last_page 9 is outside the interview pages", "last_page: 9", 1, false},
		{"invalid date", `interview_date: "2016-01-18"`, `interview_date: "2016-02-30"`, ErrInvalid, "A-CSIRT", `interview_date "2016-02-30" is not a valid date`, "2016-02-30", 1, false},
		{"date outside survey years", `interview_date: "2015-12-07"`, `interview_date: "2013-12-07"`, ErrInvalid, "B-SIRT", "interview_date 2013-12-07 is outside the survey years 2015-2016", "2013-12-07", 1, false},
		{"missing date", "    interview_date: \"2015-12-07\"\n", "", ErrMissing, "B-SIRT", "interview_date is required", "team: B-SIRT", 1, false},
		{"members not printed", "members: 10", "members: 12", ErrInvalid, "A-CSIRT", `size: members 12 is not the number printed in "10 名程度"`, "members: 12", 1, false},
		{"missing organisation", "    organisation: {ja: B 株式会社, en: B Corp.}\n", "", ErrMissing, "B-SIRT", "organisation is required", "team: B-SIRT", 1, false},
		{"missing english", "{ja: グループ会社, en: Group companies}", "{ja: グループ会社}", ErrMissing, "B-SIRT", "constituency: en is required", "{ja: グループ会社}", 1, false},
		{"doubled space", "en: Weekly.", `en: "Weekly.  Twice."`, ErrInvalid, "B-SIRT", "topic management_reporting weekly: en contains a doubled space", "Weekly.  Twice.", 1, false},
		{"wrong value type", "    page: 13\n", "    page: thirteen\n", ErrInvalid, "B-SIRT", "cannot unmarshal", "page: thirteen", 1, true},
		{"wrong format", "format: csirt-survey/interviews/v2", "format: v0", ErrInvalid, "", `format is "v0"`, "format: v0", 1, false},
		{"bad yaml", "  - team: B-SIRT", "  - team: [B-SIRT", ErrSyntax, "", "", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			ivs, err := Parse("broken.yaml", []byte(doc))
			if ivs != nil {
				t.Fatal("interviews returned with an error")
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v is not %v", err, tc.kind)
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList", err)
			}
			var hit *Error
			for _, e := range list {
				if errors.Is(e, tc.kind) && strings.Contains(e.Msg, tc.want) {
					hit = e
					break
				}
			}
			if hit == nil {
				t.Fatalf("no %v error containing %q in:\n%v", tc.kind, tc.want, err)
			}
			if hit.File != "broken.yaml" {
				t.Errorf("File = %q", hit.File)
			}
			want := ""
			if tc.team != "" {
				want = "team " + tc.team
			}
			if hit.Context != want {
				t.Errorf("Context = %q, want %q (%v)", hit.Context, want, hit)
			}
			if tc.team != "" && !strings.Contains(hit.Error(), ": team "+tc.team+": ") {
				t.Errorf("message %q does not name team %s", hit.Error(), tc.team)
			}
			nth := tc.nth
			if nth == 0 {
				nth = 1
			}
			if tc.marker != "" {
				if want := yamlsrctest.LineOf(t, doc, tc.marker, nth); hit.Line != want {
					t.Errorf("line = %d, want %d (%v)", hit.Line, want, hit)
				}
			} else if hit.Line == 0 {
				t.Errorf("error without a line: %v", hit)
			}
			if !tc.nocol && hit.Column == 0 {
				t.Errorf("error without a column: %v", hit)
			}
			if !strings.HasPrefix(hit.Error(), "broken.yaml:") {
				t.Errorf("message %q does not start with the file name", hit.Error())
			}
		})
	}
}

func TestParseReportsAllErrors(t *testing.T) {
	doc := readMinimal(t)
	doc = strings.Replace(doc, "team: B-SIRT", "team: A-CSIRT", 1)
	doc = strings.Replace(doc, "- code: spreadsheet", "- code: excel", 1)
	doc = strings.Replace(doc, `"2015-12-07"`, `"2015-13-07"`, 1)
	_, err := Parse("x.yaml", []byte(doc))
	for _, kind := range []error{ErrDuplicate, ErrUnknownCode, ErrInvalid} {
		if !errors.Is(err, kind) {
			t.Errorf("missing %v in:\n%v", kind, err)
		}
	}
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Errorf("got %d errors, want exactly 3:\n%v", len(list), err)
	}
}

func TestParseEmptyAndNonMapping(t *testing.T) {
	for _, doc := range []string{"", "# only a comment\n", "- a\n- b\n", "just text", "format: csirt-survey/interviews/v2\n"} {
		ivs, err := Parse("e.yaml", []byte(doc))
		if err == nil || ivs != nil {
			t.Errorf("Parse(%q) = %v, %v; want an error", doc, ivs, err)
			continue
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Errorf("Parse(%q): error %T is not a non-empty ErrorList", doc, err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want ErrNotExist", err)
	}
}

// TestVocabulary checks the vocabulary read from the fixture: codes are
// unique and snake_case (stable values in the datasets), schedule topics
// take the cadences and triggers, and every topic accepts NotMentioned with
// the file's labels.
func TestVocabulary(t *testing.T) {
	ivs, err := Parse("minimal.yaml", []byte(readMinimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	v := VocabularyOf(ivs)
	if v != ivs[0].Vocabulary || v != ivs[1].Vocabulary {
		t.Fatal("the interviews of one file do not share its vocabulary")
	}
	if len(v.Forms) == 0 || len(v.Cadences) == 0 || len(v.Triggers) == 0 || len(v.Topics) == 0 {
		t.Fatalf("vocabulary incomplete: %d forms, %d cadences, %d triggers, %d topics", len(v.Forms), len(v.Cadences), len(v.Triggers), len(v.Topics))
	}
	check := func(where string, codes []Code) {
		seen := map[string]bool{NotMentioned: true}
		for _, c := range codes {
			if !sectionSafe(c.Code) || seen[c.Code] || c.LabelEN == "" || c.LabelJA == "" {
				t.Errorf("%s: bad or duplicate code %+v", where, c)
			}
			seen[c.Code] = true
		}
	}
	check("forms", v.Forms)
	check("cadences", v.Cadences)
	ids := map[string]bool{}
	for _, topic := range v.Topics {
		if ids[topic.ID] || !sectionSafe(topic.ID) {
			t.Errorf("bad or duplicate topic id %q", topic.ID)
		}
		ids[topic.ID] = true
		check(topic.ID, topic.Codes)
		if got, ok := v.Topic(topic.ID); !ok || got.ID != topic.ID {
			t.Errorf("Topic(%q) = %v, %v", topic.ID, got.ID, ok)
		}
		if c, ok := topic.Code(NotMentioned); !ok || c.Code != NotMentioned || c != v.NotMentioned && (c.LabelJA != v.NotMentioned.LabelJA || c.LabelEN != v.NotMentioned.LabelEN) || c.LabelEN == "" {
			t.Errorf("topic %s: %s = %+v, want the labels %+v", topic.ID, NotMentioned, c, v.NotMentioned)
		}
		if topic.Schedule && len(topic.Codes) != len(v.Cadences)+len(v.Triggers) {
			t.Errorf("schedule topic %s has %d codes, want the %d cadences and %d triggers", topic.ID, len(topic.Codes), len(v.Cadences), len(v.Triggers))
		}
	}
	if _, ok := v.Topic("nothing"); ok {
		t.Error("Topic found an unknown topic")
	}
	if got := VocabularyOf(nil); got == nil || len(got.Topics) != 0 {
		t.Errorf("VocabularyOf(nil) = %+v, want an empty vocabulary", got)
	}
}

// TestParseVocabularyErrors breaks the fixture's vocabulary one way at a
// time: each problem is located (line and column) and names the vocabulary
// element it is in.
func TestParseVocabularyErrors(t *testing.T) {
	base := readMinimal(t)
	tests := []struct {
		name     string
		old, new string
		kind     error
		context  string
		want     string
		marker   string
		nocol    bool
	}{
		{"no vocabulary", base[strings.Index(base, "vocabulary:"):strings.Index(base, "interviews:")], "", ErrMissing, "", "vocabulary is required (forms, cadences, triggers, not_mentioned, topics; see INTERVIEWS.md)", "format:", false},
		{"unknown key", "  not_mentioned:", "  colours: []\n  not_mentioned:", ErrUnknownKey, "", `unknown key "colours" (see INTERVIEWS.md`, "colours: []", true},
		{"duplicate form", "{code: centralized,", "{code: distributed,", ErrDuplicate, "vocabulary forms", "code distributed is already listed at line", "{code: distributed, ja: \"集中型", false},
		{"form without english", `en: "Coordinating CSIRT"}`, "}", ErrMissing, "vocabulary forms", "code coordinating needs ja and en", "{code: coordinating", false},
		{"code not snake_case", "{code: bimonthly,", "{code: Bi-Monthly,", ErrInvalid, "vocabulary cadences", `code "Bi-Monthly" is not snake_case`, "Bi-Monthly", false},
		{"trigger that is a cadence", "{code: rarely,", "{code: weekly,", ErrDuplicate, "vocabulary triggers", "code weekly is already a cadence", "{code: weekly, ja: \"見直す", false},
		{"not_mentioned listed", "{code: columns,", "{code: not_mentioned,", ErrInvalid, "vocabulary topic periodic_reports", "not_mentioned is accepted by every topic and is not listed", "{code: not_mentioned, ja: \"コラム", false},
		{"not_mentioned without labels", `  not_mentioned: {ja: "記載なし", en: "Not mentioned in the profile"}`, `  not_mentioned: {ja: "記載なし"}`, ErrMissing, "vocabulary", "not_mentioned needs ja and en", "not_mentioned: {ja", false},
		{"duplicate topic", "    - id: skill_metrics", "    - id: exercises # again", ErrDuplicate, "vocabulary topic exercises", "topic exercises is already defined at line", "# again", false},
		{"schedule topic with codes", "      schedule: true\n    - id: periodic_reports", "      schedule: true\n      codes: [{code: daily, ja: 毎日, en: Daily}]\n    - id: periodic_reports", ErrInvalid, "vocabulary topic management_reporting", "a schedule topic takes no codes", "codes: [{code: daily", false},
		{"topic without codes", "      en: \"Incident tracking tool\"\n      codes:", "      en: \"Incident tracking tool\"\n      old_codes:", ErrUnknownKey, "", `unknown key "old_codes"`, "old_codes:", true},
		{"topic id missing", "    - id: contact_review\n", "    - \n", ErrMissing, "vocabulary topic 9", "id is required", "", false},
		{"answer code not in the vocabulary", "        - {code: spreadsheet,", "        - {code: excel,", ErrUnknownCode, "team A-CSIRT", `topic incident_tracking_tool: unknown code "spreadsheet"`, "code: spreadsheet", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture does not contain %q", tc.old)
			}
			doc := strings.Replace(base, tc.old, tc.new, 1)
			ivs, err := Parse("broken.yaml", []byte(doc))
			if ivs != nil || err == nil {
				t.Fatal("no error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not an ErrorList", err)
			}
			var hit *Error
			for _, e := range list {
				if errors.Is(e, tc.kind) && strings.Contains(e.Msg, tc.want) && e.Context == tc.context {
					hit = e
				}
			}
			if hit == nil {
				t.Fatalf("no %v error in %q containing %q in:\n%v", tc.kind, tc.context, tc.want, err)
			}
			if tc.marker != "" {
				if want := yamlsrctest.LineOf(t, doc, tc.marker, 1); hit.Line != want {
					t.Errorf("line = %d, want %d (%v)", hit.Line, want, hit)
				}
			} else if hit.Line == 0 {
				t.Errorf("error without a line: %v", hit)
			}
			if !tc.nocol && hit.Column == 0 {
				t.Errorf("error without a column: %v", hit)
			}
		})
	}
}

func sectionSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}
