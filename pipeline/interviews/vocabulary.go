package interviews

// Code is one value of a controlled vocabulary: a stable code, an English
// label, and the Japanese wording it stands for (the printed form where the
// code codes a printed value, a short description otherwise).
type Code struct {
	Code    string
	LabelJA string
	LabelEN string
}

// NotMentioned is the code every topic accepts for a profile that says
// nothing about the topic. It is the only answer of its topic and carries no
// quote and no page.
const NotMentioned = "not_mentioned"

// Forms are the CSIRT forms (組織形態) of the profile headers. JPCERT/CC chose
// each team's form from its classification "組織内における CSIRT の形態" (report
// p. 16). LabelJA is the value as printed in the header (a form's ja text must
// equal it); LabelEN is our translation.
var Forms = []Code{
	{"distributed", "分散型 CSIRT", "Distributed CSIRT"},
	{"centralized", "集中型 CSIRT", "Centralized CSIRT"},
	{"combined", "統合型 CSIRT", "Combined (distributed and centralized) CSIRT"},
	{"coordinating", "調整役 CSIRT", "Coordinating CSIRT"},
}

// Cadences are the regular intervals a report, exercise or review can have.
// They are the values of an answer's cadence and codes of every schedule
// topic.
var Cadences = []Code{
	{"weekly", "毎週 / 週次", "Weekly"},
	{"biweekly", "隔週", "Every other week"},
	{"monthly", "毎月 / 月次 / 月に 1 回", "Monthly"},
	{"bimonthly", "2 か月に 1 回", "Every two months"},
	{"quarterly", "四半期 / 3 ヶ月に 1 回", "Quarterly"},
	{"semiannual", "半期に一度 / 半年ごと / 年 2 回", "Twice a year"},
	{"annual", "年 1 回 / 年次 / 年度ごと", "Once a year (or every fiscal year)"},
	{"multi_year", "中期計画の満了時", "At the end of a multi-year plan"},
	{"regular", "定期的", "Regularly, interval not printed"},
	{"irregular", "不定期", "Irregularly"},
	{"as_needed", "必要に応じて / 適宜 / 随時", "As needed"},
	{"continuous", "常に / 継続的", "Continuously (kept current)"},
}

// scheduleExtra are the codes a schedule topic accepts besides the cadences:
// events that trigger a report or review, and statements without a cadence.
var scheduleExtra = []Code{
	{"on_incident", "重大なインシデント発生時", "When a serious incident occurs"},
	{"on_personnel_change", "人事異動のタイミング", "At personnel changes"},
	{"on_system_change", "システム入替えのタイミング", "When systems are replaced"},
	{"budget_cycle", "予算計画のタイミング", "At budget planning, interval not printed"},
	{"under_review", "見直し中", "A review is under way, no cadence printed"},
	{"rarely", "見直すことは少ない", "Rarely"},
	{"unspecified", "頻度の記載なし", "Discussed, but no cadence or trigger printed"},
}

// Topic is one coded topic of the interviews (table 1.3.3, items 3-5).
type Topic struct {
	ID      string
	LabelJA string
	LabelEN string
	// Schedule marks topics whose codes are cadences and triggers; their
	// answers take no separate cadence.
	Schedule bool
	// Codes are the topic's codes, without NotMentioned (always accepted).
	Codes []Code
}

// Code returns the topic's code c, including NotMentioned.
func (t Topic) Code(c string) (Code, bool) {
	if c == NotMentioned {
		return Code{NotMentioned, "記載なし", "Not mentioned in the profile"}, true
	}
	for _, k := range t.Codes {
		if k.Code == c {
			return k, true
		}
	}
	return Code{}, false
}

func schedule() []Code {
	out := make([]Code, 0, len(Cadences)+len(scheduleExtra))
	out = append(out, Cadences...)
	return append(out, scheduleExtra...)
}

// Vocabulary lists the coded topics in the order of the profiles (and of the
// interview_topics dataset). Every interview answers every topic.
var Vocabulary = []Topic{
	{
		ID: "management_reporting", LabelJA: "経営層への活動報告", LabelEN: "Activity reporting to management and its cadence",
		Schedule: true, Codes: schedule(),
	},
	{
		ID: "periodic_reports", LabelJA: "定期レポートの発行 / 社内外に向けた発行文書", LabelEN: "Periodic reports and other published documents",
		Codes: []Code{
			{"report", "レポート / 月報 / 報告書", "A report or newsletter distributed within the organisation or group"},
			{"public_report", "社外に公開するレポート", "A report published outside the organisation"},
			{"internal_site", "社内 (グループ向け) サイトへの掲載", "Posts on an internal or group website"},
			{"alerts", "注意喚起", "Alerts and advisories to employees"},
			{"columns", "コラム", "Security columns written by members"},
			{"none", "発行文書なし", "No regular publication"},
		},
	},
	{
		ID: "activity_metrics", LabelJA: "CSIRT における定量的指標 / 活動評価の指標", LabelEN: "Activity metrics and evaluation material",
		Codes: []Code{
			{"incident_goal", "インシデントに関する目標", "A target on incidents (none serious, a ceiling on the count)"},
			{"response_volume", "対応件数や内容", "Number and content of responses"},
			{"annual_objectives", "年度の活動目標 / 年度計画の進捗", "Annual objectives or plan, with their progress"},
			{"estimated_damage", "想定被害額", "Estimated damage of incidents"},
			{"training_results", "教育の受講率や合格率", "Completion and pass rates of employee training"},
			{"constituent_feedback", "相談者へのアンケート", "Survey of the people who asked for help"},
			{"incident_reduction", "事故件数の減少", "A fall in the number of incidents seen as a result"},
			{"none", "指標なし", "No metric for the CSIRT's activity"},
		},
	},
	{
		ID: "exercises", LabelJA: "インシデント対応演習などの実施", LabelEN: "Exercises (incident response drills)",
		Codes: []Code{
			{"internal_drill", "社内 (グループ内) のインシデント対応演習", "Incident response exercise held within the organisation or group"},
			{"external_drill", "外部の演習への参加", "Taking part in exercises run by outside bodies"},
			{"tabletop", "机上演習", "Tabletop exercise"},
			{"phishing_drill", "標的型メール訓練", "Targeted-email (phishing) drill for employees"},
			{"hands_on_training", "ベンダによるハンズオン", "Hands-on technical training by a vendor"},
			{"planned", "実施を検討 / 実施したい", "Planned or under consideration"},
			{"none", "演習を実施していない", "No incident response exercise"},
		},
	},
	{
		ID: "skill_metrics", LabelJA: "技術者スキルの定量的指標", LabelEN: "Skill metrics for CSIRT members",
		Codes: []Code{
			{"defined_skill_set", "必要なスキルを定め文書化", "Required skills defined and documented"},
			{"certification_program", "社内のスキル認定制度", "In-house skill certification scheme"},
			{"qualification_encouraged", "公的資格の取得を推奨", "Public certifications recommended or rewarded"},
			{"none", "指標なし", "No skill metric for CSIRT members"},
		},
	},
	{
		ID: "training", LabelJA: "人材育成 / 教育", LabelEN: "Training and education",
		Codes: []Code{
			{"development_path", "人材育成パス / キャリアパス / 将来像", "Development or career paths, target profiles"},
			{"internal_program", "社内の教育プログラム", "In-house education programme"},
			{"competition", "セキュリティコンテスト", "Internal security competition"},
			{"external_training", "外部研修 / 外部セミナー", "External courses, seminars and workshops"},
			{"certification_support", "資格取得の支援", "Support for obtaining certifications"},
			{"on_the_job", "業務を通じた育成", "Development through the work itself"},
			{"employee_awareness", "従業員向けの教育 / 啓発", "Education and awareness for employees at large"},
			{"planned", "検討中 / 今後の課題", "Planned or under consideration"},
			{"none", "育成計画 / 制度なし", "No development plan or scheme for CSIRT members"},
		},
	},
	{
		ID: "service_review", LabelJA: "サービス提供先や提供内容の見直し", LabelEN: "Review of services and constituency",
		Schedule: true, Codes: schedule(),
	},
	{
		ID: "policy_review", LabelJA: "セキュリティポリシー等の文書の見直し", LabelEN: "Review of policy documents",
		Schedule: true, Codes: schedule(),
	},
	{
		ID: "contact_review", LabelJA: "連絡体制の見直し", LabelEN: "Review of contact lists",
		Schedule: true, Codes: schedule(),
	},
	{
		ID: "incident_tracking_tool", LabelJA: "インシデント管理 (ツール)", LabelEN: "Incident tracking tool",
		Codes: []Code{
			{"dedicated_tool", "CSIRT のインシデント管理ツール", "An incident management or ticket tool of the CSIRT"},
			{"general_ticketing", "全社の案件 / 問合せ管理システム", "A general case or inquiry management system also used for incidents"},
			{"in_house_system", "自社開発のシステム", "A system developed in-house"},
			{"spreadsheet", "表計算ソフト (Excel)", "Spreadsheet"},
			{"records", "記録 / 案件管理簿", "Records or a case register"},
			{"collaboration_tool", "情報共有ツール (OneNote / 掲示板 / チャット)", "Collaboration tools (notes, bulletin board, chat)"},
			{"no_dedicated_tool", "専用ツールなし", "No dedicated incident management tool"},
			{"planned", "検討中", "Tool under consideration"},
		},
	},
}

// TopicByID returns the topic with the given id.
func TopicByID(id string) (Topic, bool) {
	for _, t := range Vocabulary {
		if t.ID == id {
			return t, true
		}
	}
	return Topic{}, false
}

func lookup(codes []Code, c string) (Code, bool) {
	for _, k := range codes {
		if k.Code == c {
			return k, true
		}
	}
	return Code{}, false
}
