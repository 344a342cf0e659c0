package interviews

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	file2015  = filepath.Join("..", "..", "raw", "2015", "interviews.yaml")
	guide2015 = filepath.Join("..", "..", "raw", "2015", "INTERVIEWS.md")
)

func load2015(t testing.TB) []Interview {
	t.Helper()
	ivs, err := Load(file2015)
	if err != nil {
		t.Fatalf("Load(%s):\n%v", file2015, err)
	}
	return ivs
}

// TestLoad2015 checks the 2015 file against table 1.3.2 (p. 15): the nine
// teams, their organisations and interview dates, in the table's order.
func TestLoad2015(t *testing.T) {
	ivs := load2015(t)
	want := []struct {
		team, org, date, section string
		page                     int
	}{
		{"ASY-CSIRT", "ANA システムズ株式会社", "2016-01-18", "3.1", 72},
		{"DeNA CERT", "株式会社ディー エヌ エー", "2016-02-12", "3.2", 76},
		{"FJC-CERT", "富士通株式会社", "2015-12-14", "3.3", 80},
		{"Fuji Xerox CERT", "富士ゼロックス株式会社", "2015-12-24", "3.4", 84},
		{"I-SIRT", "株式会社帝国ホテル", "2016-01-20", "3.5", 88},
		{"MB-SIRT", "森ビル株式会社", "2015-12-25", "3.6", 91},
		{"NTT-CERT", "日本電信電話株式会社", "2016-02-10", "3.7", 94},
		{"T-SIRT", "大成建設株式会社", "2015-12-07", "3.8", 97},
		{"YMC-CSIRT", "ヤマハ発動機株式会社", "2016-02-03", "3.9", 101},
	}
	if len(ivs) != len(want) {
		t.Fatalf("got %d interviews, want %d", len(ivs), len(want))
	}
	for i, w := range want {
		iv := ivs[i]
		if iv.Team != w.team || iv.Organisation.JA != w.org || iv.Section != w.section || iv.Page != w.page || iv.Year != 2015 {
			t.Errorf("interview %d = %s / %s / %s p.%d (year %d), want %s / %s / %s p.%d",
				i+1, iv.Team, iv.Organisation.JA, iv.Section, iv.Page, iv.Year, w.team, w.org, w.section, w.page)
		}
		if got := iv.Date().Format("2006-01-02"); got != w.date || iv.InterviewDate != w.date {
			t.Errorf("%s: interview date = %s (%s), want %s", iv.Team, got, iv.InterviewDate, w.date)
		}
	}
	// The header values printed in the report, spot-checked per form.
	forms := map[string]string{}
	for _, iv := range ivs {
		forms[iv.Team] = iv.Form.Code
	}
	for team, form := range map[string]string{
		"ASY-CSIRT": "distributed", "DeNA CERT": "combined", "FJC-CERT": "centralized", "NTT-CERT": "coordinating", "YMC-CSIRT": "distributed",
	} {
		if forms[team] != form {
			t.Errorf("%s: form %s, want %s", team, forms[team], form)
		}
	}
}

// TestVocabularyDocumented checks that INTERVIEWS.md documents every topic,
// code and cadence of the file's vocabulary (as `code`), so that the guide
// for people cannot fall behind the data.
func TestVocabularyDocumented(t *testing.T) {
	data, err := os.ReadFile(guide2015)
	if err != nil {
		t.Fatal(err)
	}
	guide := string(data)
	need := func(what, code string) {
		if !strings.Contains(guide, "`"+code+"`") {
			t.Errorf("%s: %s is not documented in %s", what, code, guide2015)
		}
	}
	v := VocabularyOf(load2015(t))
	need("format", Format)
	need("code", NotMentioned)
	for _, c := range v.Forms {
		need("form", c.Code)
	}
	for _, c := range append(append([]Code{}, v.Cadences...), v.Triggers...) {
		need("schedule code", c.Code)
	}
	for _, topic := range v.Topics {
		need("topic", topic.ID)
		if topic.Schedule {
			continue
		}
		for _, c := range topic.Codes {
			need("topic "+topic.ID, c.Code)
		}
	}
}

// TestCoded2015 pins the coded answers of the 2015 file (code@cadence, in
// printed order), one line per team and topic, so that any change to the
// coding shows up here and is reviewed. Quotes and pages are checked by the
// loader.
func TestCoded2015(t *testing.T) {
	want := map[string]map[string]string{
		"ASY-CSIRT": {
			"management_reporting":   "semiannual on_incident",
			"periodic_reports":       "report@monthly",
			"activity_metrics":       "incident_goal response_volume",
			"exercises":              "external_drill@regular internal_drill@weekly",
			"skill_metrics":          "defined_skill_set",
			"training":               "development_path employee_awareness@bimonthly",
			"service_review":         "multi_year",
			"policy_review":          "rarely semiannual",
			"contact_review":         "regular",
			"incident_tracking_tool": "no_dedicated_tool general_ticketing",
		},
		"DeNA CERT": {
			"management_reporting":   "monthly",
			"periodic_reports":       "internal_site@monthly columns",
			"activity_metrics":       "none training_results constituent_feedback",
			"exercises":              "phishing_drill internal_drill planned",
			"skill_metrics":          "none",
			"training":               "none on_the_job external_training employee_awareness@monthly planned",
			"service_review":         "under_review",
			"policy_review":          "annual semiannual",
			"contact_review":         "quarterly",
			"incident_tracking_tool": "general_ticketing no_dedicated_tool",
		},
		"FJC-CERT": {
			"management_reporting":   "semiannual",
			"periodic_reports":       "report@monthly internal_site",
			"activity_metrics":       "annual_objectives incident_goal",
			"exercises":              "tabletop@regular",
			"skill_metrics":          "certification_program",
			"training":               "internal_program competition@semiannual",
			"service_review":         "as_needed",
			"policy_review":          "as_needed",
			"contact_review":         "as_needed",
			"incident_tracking_tool": "dedicated_tool",
		},
		"Fuji Xerox CERT": {
			"management_reporting":   "semiannual weekly monthly",
			"periodic_reports":       "public_report@annual",
			"activity_metrics":       "annual_objectives@monthly",
			"exercises":              "phishing_drill@annual tabletop@annual",
			"skill_metrics":          "none qualification_encouraged",
			"training":               "none employee_awareness planned",
			"service_review":         "annual",
			"policy_review":          "annual",
			"contact_review":         "monthly",
			"incident_tracking_tool": "no_dedicated_tool planned in_house_system",
		},
		"I-SIRT": {
			"management_reporting":   "semiannual",
			"periodic_reports":       "report@monthly",
			"activity_metrics":       "none",
			"exercises":              "phishing_drill internal_drill",
			"skill_metrics":          "none",
			"training":               "certification_support on_the_job",
			"service_review":         "annual as_needed",
			"policy_review":          "unspecified",
			"contact_review":         "on_personnel_change",
			"incident_tracking_tool": "no_dedicated_tool spreadsheet collaboration_tool",
		},
		"MB-SIRT": {
			"management_reporting":   "irregular as_needed",
			"periodic_reports":       "none",
			"activity_metrics":       "none",
			"exercises":              "phishing_drill none planned",
			"skill_metrics":          "none",
			"training":               "certification_support external_training employee_awareness",
			"service_review":         "budget_cycle",
			"policy_review":          "annual on_system_change",
			"contact_review":         "on_personnel_change biweekly",
			"incident_tracking_tool": "records no_dedicated_tool in_house_system",
		},
		"NTT-CERT": {
			"management_reporting":   "monthly annual",
			"periodic_reports":       "report@quarterly internal_site@as_needed public_report@annual",
			"activity_metrics":       "estimated_damage@annual",
			"exercises":              "internal_drill@annual",
			"skill_metrics":          "certification_program qualification_encouraged",
			"training":               "development_path external_training",
			"service_review":         "annual",
			"policy_review":          "annual",
			"contact_review":         "on_personnel_change",
			"incident_tracking_tool": "records in_house_system",
		},
		"T-SIRT": {
			"management_reporting":   "weekly annual",
			"periodic_reports":       "report@annual alerts",
			"activity_metrics":       "none incident_reduction",
			"exercises":              "hands_on_training@annual external_drill",
			"skill_metrics":          "none qualification_encouraged",
			"training":               "external_training development_path employee_awareness",
			"service_review":         "annual",
			"policy_review":          "unspecified",
			"contact_review":         "continuous",
			"incident_tracking_tool": "no_dedicated_tool spreadsheet",
		},
		"YMC-CSIRT": {
			"management_reporting":   "unspecified",
			"periodic_reports":       "none",
			"activity_metrics":       "incident_goal",
			"exercises":              "none",
			"skill_metrics":          "none",
			"training":               "none planned",
			"service_review":         "continuous",
			"policy_review":          "unspecified",
			"contact_review":         "continuous",
			"incident_tracking_tool": "dedicated_tool collaboration_tool",
		},
	}
	ivs := load2015(t)
	for _, iv := range ivs {
		w, ok := want[iv.Team]
		if !ok {
			t.Errorf("unexpected team %s", iv.Team)
			continue
		}
		for _, topic := range iv.Vocabulary.Topics {
			var got []string
			for _, a := range iv.Answers(topic.ID) {
				s := a.Code
				if a.Cadence != "" {
					s += "@" + a.Cadence
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != w[topic.ID] {
				t.Errorf("%s %s = %q, want %q", iv.Team, topic.ID, g, w[topic.ID])
			}
		}
	}
	if len(ivs) != len(want) {
		t.Errorf("%d teams, want %d", len(ivs), len(want))
	}
}
