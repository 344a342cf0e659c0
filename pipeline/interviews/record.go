package interviews

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// field builds a column with its labels as field metadata (csirt.label_ja,
// csirt.label_en), as the other datasets do.
func field(name string, typ arrow.DataType, nullable bool, ja, en string) arrow.Field {
	return arrow.Field{
		Name: name, Type: typ, Nullable: nullable,
		Metadata: arrow.NewMetadata([]string{"csirt.label_ja", "csirt.label_en"}, []string{ja, en}),
	}
}

var (
	str   = arrow.BinaryTypes.String
	i32   = arrow.PrimitiveTypes.Int32
	day32 = arrow.FixedWidthTypes.Date32
)

// TeamsSchema is the Arrow schema of the interviews dataset: one row per
// team, in file order (the order of the report's list of interviews).
var TeamsSchema = arrow.NewSchema([]arrow.Field{
	field("team", str, false, "チーム名 (略称)", "Team (short name)"),
	field("section", str, false, "報告書の節", "Report section of the profile"),
	field("organisation_ja", str, false, "組織名", "Organisation (as printed)"),
	field("organisation_en", str, false, "組織名 (英語)", "Organisation (English)"),
	field("industry_ja", str, false, "事業分野", "Industry (as printed)"),
	field("industry_en", str, false, "事業分野 (英語)", "Industry (English)"),
	field("form_code", str, false, "組織形態 (コード)", "CSIRT form (code)"),
	field("form_ja", str, false, "組織形態", "CSIRT form (as printed)"),
	field("form_en", str, false, "組織形態 (英語)", "CSIRT form (English)"),
	field("size_ja", str, false, "人数規模", "Size (as printed)"),
	field("size_en", str, false, "人数規模 (英語)", "Size (English)"),
	field("size_members", i32, true, "人数", "Members (the number printed in size_ja; null if none)"),
	field("department_ja", str, false, "所属", "Department (as printed)"),
	field("department_en", str, false, "所属 (英語)", "Department (English)"),
	field("budget_ja", str, false, "活動予算", "Activity budget (as printed)"),
	field("budget_en", str, false, "活動予算 (英語)", "Activity budget (English)"),
	field("constituency_ja", str, false, "主なサービス先", "Main constituency (as printed)"),
	field("constituency_en", str, false, "主なサービス先 (英語)", "Main constituency (English)"),
	field("interview_date", day32, false, "インタビュー実施日", "Interview date (table 1.3.2)"),
	field("page", i32, false, "ページ", "First page of the profile"),
	field("last_page", i32, false, "最終ページ", "Last page of the profile"),
	field("note", str, true, "注記", "Reading notes (English)"),
}, nil)

// TopicsSchema is the Arrow schema of the interview_topics dataset: one row
// per answer, by team (file order), topic (vocabulary order) and answer (seq).
var TopicsSchema = arrow.NewSchema([]arrow.Field{
	field("team", str, false, "チーム名 (略称)", "Team (short name)"),
	field("topic", str, false, "項目", "Topic id"),
	field("seq", i32, false, "順序", "Order of the answer within the team's topic, from 1"),
	field("code", str, false, "コード", "Answer code (not_mentioned when the profile is silent)"),
	field("cadence", str, true, "頻度", "Cadence of the reported practice, for topics whose code is not a cadence"),
	field("text_ja", str, true, "本文 (引用)", "Supporting sentence as printed (null for not_mentioned)"),
	field("text_en", str, true, "本文 (英訳)", "English translation of text_ja (null for not_mentioned)"),
	field("page", i32, true, "ページ", "Page of the quote (null for not_mentioned)"),
	field("note", str, true, "注記", "Reading notes (English)"),
}, nil)

// Teams converts interviews to an Arrow record with TeamsSchema, one row per
// interview in the given order. The caller must Release it.
func Teams(mem memory.Allocator, ivs []Interview) arrow.Record {
	b := array.NewRecordBuilder(mem, TeamsSchema)
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	opt := func(i int, v string) {
		if v == "" {
			b.Field(i).AppendNull()
			return
		}
		str(i, v)
	}
	num := func(i int, v int) { b.Field(i).(*array.Int32Builder).Append(int32(v)) }
	for _, iv := range ivs {
		str(0, iv.Team)
		str(1, iv.Section)
		str(2, iv.Organisation.JA)
		str(3, iv.Organisation.EN)
		str(4, iv.Industry.JA)
		str(5, iv.Industry.EN)
		str(6, iv.Form.Code)
		str(7, iv.Form.JA)
		str(8, iv.Form.EN())
		str(9, iv.Size.JA)
		str(10, iv.Size.EN)
		if iv.Size.Members == nil {
			b.Field(11).AppendNull()
		} else {
			num(11, *iv.Size.Members)
		}
		str(12, iv.Department.JA)
		str(13, iv.Department.EN)
		str(14, iv.Budget.JA)
		str(15, iv.Budget.EN)
		str(16, iv.Constituency.JA)
		str(17, iv.Constituency.EN)
		b.Field(18).(*array.Date32Builder).Append(arrow.Date32FromTime(iv.Date()))
		num(19, iv.Page)
		num(20, iv.LastPage)
		opt(21, iv.Note)
	}
	return b.NewRecord()
}

// Topics converts the answers of interviews to an Arrow record with
// TopicsSchema, in the order of ivs, then their vocabulary's topics, then the answers. The
// caller must Release it.
func Topics(mem memory.Allocator, ivs []Interview) arrow.Record {
	b := array.NewRecordBuilder(mem, TopicsSchema)
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	opt := func(i int, v string) {
		if v == "" {
			b.Field(i).AppendNull()
			return
		}
		str(i, v)
	}
	for _, iv := range ivs {
		for _, t := range iv.Vocabulary.topics() {
			for j, a := range iv.Topics[t.ID] {
				str(0, iv.Team)
				str(1, t.ID)
				b.Field(2).(*array.Int32Builder).Append(int32(j + 1))
				str(3, a.Code)
				opt(4, a.Cadence)
				opt(5, a.JA)
				opt(6, a.EN)
				if a.Page == 0 {
					b.Field(7).AppendNull()
				} else {
					b.Field(7).(*array.Int32Builder).Append(int32(a.Page))
				}
				opt(8, a.Note)
			}
		}
	}
	return b.NewRecord()
}
