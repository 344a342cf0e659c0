package reconstruct

// decisions are what a survey year's reconstruction needs beyond the printed
// numbers: a value for every lost count, what to do where the report
// contradicts itself, and the year-month pairs.
type decisions struct {
	// counts: lost counts (contradiction false) and printed counts that cannot
	// be reproduced because the report contradicts itself (contradiction true).
	counts []countDecision
	// nGaps explains printed Ns that differ from the base the questionnaire's
	// routing gives (table key -> reason).
	nGaps map[string]string
	// dates are the (start, end) pairs of the year_month items.
	dates *datePlan
	// writtenIn says how the written-in matrix row (2.9 (w)) is filled.
	writtenIn *writtenIn
}

type countDecision struct {
	table         string
	row           int
	value         int64
	contradiction bool
	reason        string
}

type datePlan struct {
	start, end string // printed numbers of the two year_month items
	latest     string // no date after this month (YYYY-MM)
	groups     []dateGroup
	recent     *recentCheck
	notes      []planNote
}

// datePair is one respondent's answers: YYYY-MM, a coded category, or blank.
type datePair struct{ start, end string }

// dateGroup is a labelled list of pairs (the labels go to RECONSTRUCTION.md).
type dateGroup struct {
	label string
	pairs []datePair
}

// pairs returns the plan's pairs in order.
func (p *datePlan) pairs() []datePair {
	var out []datePair
	for _, g := range p.groups {
		out = append(out, g.pairs...)
	}
	return out
}

// recentCheck: of the respondents in row bin of table, want started and
// completed in from or later.
type recentCheck struct {
	table, bin, from string
	want             int64
	reason           string
}

type planNote struct {
	table       string
	row         int
	code, value string
	reason      string
}

type writtenIn struct {
	row            string
	sourcing       string
	sourcingReason string
	blankReason    string
}

func decisionsFor(year int) (*decisions, bool) {
	if year == 2015 {
		return decisions2015(), true
	}
	return nil, false
}

// group expands "start>end" strings ("-" is blank) into a labelled group.
func group(label string, specs ...string) dateGroup {
	out := make([]datePair, 0, len(specs))
	for _, s := range specs {
		var p datePair
		for i := 0; i < len(s); i++ {
			if s[i] == '>' {
				p = datePair{s[:i], s[i+1:]}
				break
			}
		}
		if p.start == "-" {
			p.start = ""
		}
		if p.end == "-" {
			p.end = ""
		}
		out = append(out, p)
	}
	return dateGroup{label: label, pairs: out}
}

const (
	adjacentNote = "The seed prints this number right after the row's label, where its count stands (recorded as `adjacent`); the extraction lost the other counts of the table, and the same pattern (a stray number before the next printed row) occurs in 1.4, 1.5, 1.6, 3.2, 3.3 and 補足1, so it is very probably this row's count. Used as the count."
	halfYears    = "The bins are 2012年以前, 2013-2015 by half-year (schemas/2015/tables.yaml: year digits lost, years inferred)."
)

func decisions2015() *decisions {
	return &decisions{
		counts: []countDecision{
			// 1.4 構築に携わった人数 (p. 18): N = 66, 未回答 2, so rows 1-4 add up to 64.
			{table: "1.4", row: 1, value: 33, reason: "p. 18 「約半数の組織はメンバーが5名未満」: 33/66 = 50%, the centre of 約半数 (any of 30-36 rounds to 45-55%)."},
			{table: "1.4", row: 2, value: 21, reason: "p. 18 「メンバーが10名未満の CSIRT が8割を超える」: rows 1+2 must be at least 53 of 66; 33 + 21 = 54 (81.8%)."},
			{table: "1.4", row: 3, value: 8, reason: "The remainder: N 66 - 未回答 2 - rows 1, 2, 4 (33 + 21 + 2) = 8."},
			{table: "1.4", row: 4, value: 2, reason: "Adjacent number 2. " + adjacentNote},

			// 1.5 構築開始時期 (p. 19): N = 66, 未回答 7; rows 1-8 add up to 59.
			{table: "1.5", row: 1, value: 20, reason: "Date plan (the pairs are listed under \"The 1.5 / 1.6 pairs\"): the older CSIRTs. " + halfYears},
			{table: "1.5", row: 2, value: 4, reason: "Date plan."},
			{table: "1.5", row: 3, value: 2, reason: "Date plan."},
			{table: "1.5", row: 4, value: 14, reason: "Date plan: p. 19 「2014年以降に CSIRT 構築を開始した組織が約半数」: rows 4-8 (2014年上半期 ... 2015年下半期, 年(月の記載なし) counted as 2014/2015 by its position) = 14 + 8 + 5 + 6 + 0 = 33 of 66 = 50%."},
			{table: "1.5", row: 5, value: 8, reason: "Date plan (2014年以降の開始 33 = 約半数, see row 4)."},
			{table: "1.5", row: 6, value: 5, reason: "補足1 prints 未回答 12 = the respondents whose 1.5 or 1.6 is not a month. 1.5 has 7 未回答 and 1.6 has 2; we take the 2 who left 1.6 blank to have left 1.5 blank too (an organisation that does not give its date of establishment is unlikely to give the start of construction), so 12 = 7 + 年(月の記載なし), which gives 5. (Had the 2 been among those who answered 1.5, it would be 3.) The raw cell holds the coded category year_only."},
			{table: "1.5", row: 7, value: 6, reason: "Date plan; with row 8 = 0 no construction started after June 2015."},
			{table: "1.5", row: 8, value: 0, reason: "Adjacent number 0. " + adjacentNote},

			// 1.6 構築完了時期 (p. 19): N = 66, 未回答 2; rows 1-7 add up to 64.
			{table: "1.6", row: 1, value: 17, reason: "Date plan: the 14 pairs of 2012 or earlier, plus 3 of the 5 respondents who gave 1.6 but not 1.5 (older CSIRTs that no longer know when construction started). " + halfYears},
			{table: "1.6", row: 2, value: 7, reason: "Date plan."},
			{table: "1.6", row: 3, value: 6, reason: "Date plan."},
			{table: "1.6", row: 4, value: 6, reason: "Date plan: p. 19 「2014年以降に CSIRT 構築を完了した組織が半数以上」: rows 4-7 = 6 + 7 + 15 + 6 = 34 of 66 = 51.5%."},
			{table: "1.6", row: 5, value: 7, reason: "Date plan (2014年以降の完了 34 ≥ 33, see row 4)."},
			{table: "1.6", row: 6, value: 15, reason: "Date plan (2014年以降の完了 34 ≥ 33, see row 4)."},
			{table: "1.6", row: 7, value: 6, reason: "Adjacent number 6. " + adjacentNote},

			// 補足1 CSIRT 構築にかかった期間 (p. 109): N = 66, 未回答 12; rows 1-3 add up to 54.
			{table: "S1", row: 1, value: 22, reason: "p. 109 「6ヶ月未満で CSIRT を構築した22組織」 (the count itself was lost in the extraction; the sentence is its only source)."},
			{table: "S1", row: 2, value: 15, reason: "The remainder: N 66 - 未回答 12 - row 1 (22) - row 3 (17) = 15. p. 109 「半数以上のチームが1年以内に設立」 holds: rows 1+2 = 37 of 66 = 56%."},
			{table: "S1", row: 3, value: 17, reason: "Adjacent number 17. " + adjacentNote},

			// 2.9 group tables: a lost "provided" count is the N of the service's own table.
			{table: "2.9/reactive", row: 6, value: 56, reason: "Table 2.9.f (ログ分析) prints N = 56: it counts the providers of the service."},
			{table: "2.9/proactive", row: 9, value: 15, reason: "Table 2.9.o (セキュリティツールの開発) prints N = 15: it counts the providers of the service."},
			{table: "2.9/quality", row: 7, value: 37, reason: "Table 2.9.v (セキュリティポリシー策定への関与) prints N = 37: it counts the providers of the service."},

			// 3.2 設立当初のメンバー数 (p. 50): rows 5-7 printed 1, 1, 29; rows 1-4 add up to 35.
			{table: "3.2", row: 1, value: 18, reason: "Rows 1-3 add up to 35 - 1 (row 4) = 34. No printed number splits them; we split 34 in proportion to the construction staff of 1.4 rows 1-3 (33 : 21 : 8): 18.1 / 11.5 / 4.4, by largest remainder 18 / 12 / 4. p. 50 holds: 「設立時は5名未満が最も多く」 (18 > 12, 4, 1, 1, 1) and 「未回答を除くと10名未満が半数以上」 (18 + 12 = 30 of 37 = 81%)."},
			{table: "3.2", row: 2, value: 12, reason: "See row 1 (34 × 21/62 = 11.5, rounded up by largest remainder)."},
			{table: "3.2", row: 3, value: 4, reason: "See row 1 (34 × 8/62 = 4.4)."},
			{table: "3.2", row: 4, value: 1, reason: "Adjacent number 1. " + adjacentNote},

			// 3.3 現在のメンバー数 (p. 51): rows 6-7 printed 1, 26; rows 1-5 add up to 39.
			{table: "3.3", row: 1, value: 12, reason: "Rows 1-3 add up to 39 - 3 (row 4) - 1 (row 5) = 35. No printed number splits them; we chose 12 / 15 / 8 so that 「現在は5名以上10名未満が最も多く」 holds with a margin (15 > 12, 8, 3, 1, 1) and current teams are somewhat larger than at founding (3.2: 18 / 12 / 4 / 1)."},
			{table: "3.3", row: 2, value: 15, reason: "See row 1: the largest row, as p. 51 says."},
			{table: "3.3", row: 3, value: 8, reason: "See row 1."},
			{table: "3.3", row: 4, value: 3, reason: "Adjacent number 3. " + adjacentNote},
			{table: "3.3", row: 5, value: 1, reason: "Row 5 「5~」 is a category the analysts added for an open-range write-in; it exists only because at least one respondent answered so, and every other write-in row of the report counts 1. p. 51 「ほとんどの CSIRT が20名未満」: rows 1-3 = 35 of the 40 answers = 87.5%; the convention of raw/2015/CLAIMS.md (ほとんど ≥ 90%) would need 36, which with row 4 = 3 is only possible if this row were 0 — we prefer 1 and read ほとんど as 87.5%."},

			// 3.7 (p. 56): 未回答 lost.
			{table: "3.7", row: 4, value: 2, reason: "Single-answer table: N 66 - rows 1-3 (1 + 9 + 54) = 2."},

			// 7.1.1 (p. 71): the report contradicts itself (see nGaps).
			{table: "7.1.1", row: 3, value: 5, contradiction: true, reason: "7.1.1 is asked only of the 30 respondents who issue reports (7.1 (a)-(e): 11 + 12 + 4 + 3 + 0), but its printed rows (2 + 19 + 14 + 4) add up to 39. At most three of the four rows can be reproduced among 30 (2 + 19 + 14 = 35 > 30 already). We keep rows 1 (担当内 2), 2 (関連部署内 19) and 4 (未回答 4) — row 2 is the one the prose relies on (p. 71 「半数程度の CSIRT がレポートを関連部署内に限って開示」) — and give row 3 (社内全体) the remaining 30 - 2 - 19 - 4 = 5 instead of the printed 14. The alternative (keep row 3 = 14, row 2 = 10) loses the prose's row."},
		},
		nGaps: map[string]string{
			"2.14.3": "Printed N = 66, but the table's rows (10 + 4 + 31 + 未回答 1) add up to 46 = 2.14 (a), the respondents the question is asked of (relevance 2.14 = a). The rows are reproduced exactly among those 46; N cannot be 66 without answering a question that was not asked.",
			"7.1.1":  "Printed N = 39 (= its rows' sum), but only 30 respondents issue reports (7.1 (a)-(e)) and the question is asked only of them; the reconstruction keeps the routing, so N = 30 and one row cannot be reproduced (see row 3).",
		},
		dates: &datePlan{
			start: "1.5", end: "1.6", latest: "2015-12",
			groups: []dateGroup{
				group("Started and completed before 2014, under 6 months",
					"2011-04>2011-07", "2012-04>2012-08", "2012-10>2013-01", "2013-01>2013-04", "2013-02>2013-06",
					"2013-05>2013-08", "2013-07>2013-11"),
				group("Started and completed before 2014, 6 to 11 months",
					"2009-04>2010-01", "2011-01>2011-07", "2012-01>2012-10", "2012-04>2013-02", "2012-09>2013-04",
					"2013-01>2013-09"),
				group("Started and completed before 2014, a year or more",
					"2003-04>2005-04", "2005-10>2007-04", "2006-04>2007-10", "2007-04>2008-04", "2008-01>2009-04",
					"2009-10>2011-04", "2010-04>2011-10", "2010-10>2012-04", "2011-04>2012-10", "2011-10>2013-04",
					"2012-01>2013-07", "2012-04>2013-10"),
				group("Started in 2013, completed in 2014, a year or more",
					"2013-10>2014-12"),
				group("Started (and completed) in 2014 or later, under 6 months",
					"2014-01>2014-04", "2014-02>2014-06", "2014-03>2014-05", "2014-04>2014-06", "2014-05>2014-09",
					"2014-06>2014-10", "2014-07>2014-10", "2014-09>2015-01", "2014-10>2015-03", "2014-12>2015-04",
					"2015-01>2015-04", "2015-02>2015-06", "2015-03>2015-07", "2015-04>2015-09", "2015-06>2015-10"),
				group("Started in 2014 or later, 6 to 11 months",
					"2014-01>2014-10", "2014-02>2014-12", "2014-04>2015-01", "2014-06>2015-04", "2014-07>2015-01",
					"2014-08>2015-04", "2014-10>2015-06", "2014-11>2015-10", "2015-01>2015-09"),
				group("Started in 2014 or later, a year or more",
					"2014-01>2015-03", "2014-04>2015-04", "2014-05>2015-06", "2014-06>2015-11"),
				group("1.5 blank, 1.6 given (older CSIRTs)",
					"->2008-10", "->2010-04", "->2012-04", "->2013-03", "->2013-10"),
				group("1.5 a year without month (year_only; 2014 or 2015 by its printed position), 1.6 given",
					"year_only>2014-03", "year_only>2014-06", "year_only>2014-11", "year_only>2015-02", "year_only>2015-05"),
				group("Both blank", "->-", "->-"),
			},
			recent: &recentCheck{table: "S1", bin: "lt6m", from: "2014-01", want: 15,
				reason: "p. 109 「6ヶ月未満で CSIRT を構築した22組織に限定すると 約7割に当たる15の組織で 比較的最近である2014年以降に構築されていた」. Reading: of the 22 respondents with 補足1 < 6 months, 15 completed construction (1.6) in 2014 or later. The reconstruction makes the reading unambiguous: those 15 also started (1.5) in 2014 or later, and the other 7 started and completed before 2014, so 「2014年以降に構築」 gives 15 whether it means the start or the completion (15/22 = 68%, 約7割). The crosstab 補足1 × 1.6 of the build (rows 6ヶ月未満 × 2014年上半期-2015年下半期) gives 15."},
			notes: []planNote{
				{table: "1.5", row: 0, code: "order", value: "1.6 never precedes 1.5; no date after 2015-12",
					reason: "The survey was fielded on 2015-12-08; every pair with two months has start ≤ completion (ingest checks this with Options.Order {1.5, 1.6})."},
				{table: "1.5", row: 6, code: "year_only", value: "year_only, completed 2014-03 ... 2015-05",
					reason: "年(月の記載なし) is printed between the 2014 and 2015 half-years, so its year is 2014 or 2015 (raw/2015/claims.yaml reads 2014); the five respondents' completion dates (1.6) are all in 2014-2015 accordingly."},
			},
		},
		writtenIn: &writtenIn{
			row:            "w",
			sourcing:       "inhouse",
			sourcingReason: "Table 2.9.w prints one row, 「脆弱性診断(主に内製)」 1: one respondent wrote in 脆弱性診断 (vulnerability assessment) under (w) その他, mainly in-house. That respondent has provision = provided, sourcing = inhouse (主に内製) and services__w__coded = vulnerability_assessment, which is what table 2.9.w counts.",
			blankReason:    "Row (w) その他 is a written-in row: the 65 respondents who wrote in no other service leave its provision blank (no answer) rather than 提供していない.",
		},
	}
}
