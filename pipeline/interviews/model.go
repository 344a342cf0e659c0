// Package interviews models the CSIRT interviews of a survey report (team
// profiles printed in the report) and loads them from
// raw/<year>/interviews.yaml.
//
// Each interview is a team profile: the header table of the report (組織名,
// 事業分野, 組織形態, 人数規模, 所属, 活動予算, 主なサービス先) with the interview date
// of the report, and coded answers for the topics of the file's controlled
// vocabulary (Vocabulary, the file's "vocabulary" key: CSIRT forms,
// cadences, triggers and topics with their codes; the package names none of
// them). Every answer is a code of its topic, backed by a quote of the report
// as printed, its English translation and its page. A topic the profile does
// not discuss is answered NotMentioned.
//
// Load validates a file completely and returns every problem it finds as an
// ErrorList of located errors (file:line:col, team); an invalid file yields
// no interviews. Teams and Topics turn interviews into the Arrow records of
// the datasets interviews and interview_topics. The format and the year's
// vocabulary are documented for people in INTERVIEWS.md next to the file.
package interviews

import (
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// Format is the value the top-level "format" key must have.
const Format = "csirt-survey/interviews/v2"

// located remembers where an element, each of its keys and each key's value
// were read.
type located struct {
	yamlsrc.Located
	keyAt map[string]Pos // position of each key itself
}

// keyOf returns the position of key itself, or of the element when the key
// is absent.
func (l located) keyOf(key string) Pos {
	if p, ok := l.keyAt[key]; ok {
		return p
	}
	return l.At
}

// Text is a value printed in Japanese with its English translation.
type Text struct {
	JA  string `yaml:"ja"`
	EN  string `yaml:"en"`
	pos located
}

// Form is a team's CSIRT form (組織形態): a code of the vocabulary's forms and
// the value as printed.
type Form struct {
	Code string `yaml:"code"`
	JA   string `yaml:"ja"`
	en   string
	pos  located
}

// EN returns the English label of the form's code.
func (f Form) EN() string { return f.en }

// Size is a team's size (人数規模) as printed, with its number when one is
// printed.
type Size struct {
	JA string `yaml:"ja"`
	EN string `yaml:"en"`
	// Members is the number printed in JA (10 for "10 名程度"), nil when none is.
	Members *int `yaml:"members"`
	pos     located
}

// Answer is one coded answer of a topic.
type Answer struct {
	// Code is a code of the topic (see Vocabulary), or NotMentioned.
	Code string `yaml:"code"`
	// Cadence is a cadence of the vocabulary for topics that are not schedule topics;
	// empty when the profile gives none.
	Cadence string `yaml:"cadence"`
	// JA quotes the supporting sentence as printed; EN translates it.
	JA string `yaml:"ja"`
	EN string `yaml:"en"`
	// Page is the report page of the quote (0 only for NotMentioned).
	Page int `yaml:"page"`
	// Note (English) records a reading decision or related context.
	Note string `yaml:"note"`
	pos  located
}

// Interview is one team's profile.
type Interview struct {
	// Year is the survey year of the file the interview was read from.
	Year int `yaml:"-"`
	// Vocabulary is the vocabulary of that file, shared by its interviews.
	Vocabulary *Vocabulary `yaml:"-"`
	// Team is the team's short name as the report's list of interviews prints it.
	Team string `yaml:"team"`
	// Section is the report section of the profile ("3.1").
	Section string `yaml:"section"`
	// Page and LastPage are the first and last page of the profile.
	Page     int `yaml:"page"`
	LastPage int `yaml:"last_page"`
	// InterviewDate is the interview date the report prints, YYYY-MM-DD; see Date.
	InterviewDate string `yaml:"interview_date"`

	Organisation Text `yaml:"organisation"` // 組織名
	Industry     Text `yaml:"industry"`     // 事業分野
	Form         Form `yaml:"form"`         // 組織形態
	Size         Size `yaml:"size"`         // 人数規模
	Department   Text `yaml:"department"`   // 所属
	Budget       Text `yaml:"budget"`       // 活動予算
	Constituency Text `yaml:"constituency"` // 主なサービス先

	// Note (English) records reading decisions about the header.
	Note string `yaml:"note"`

	// Topics maps every topic id of the vocabulary to its answers, in printed order.
	Topics map[string][]Answer `yaml:"topics"`

	date     time.Time
	pos      located
	topicPos map[string]Pos // position of each topic's key
}

// Date returns InterviewDate as a time at midnight UTC.
func (iv Interview) Date() time.Time { return iv.date }

// Answers returns the answers of the topic with the given id.
func (iv Interview) Answers(topic string) []Answer { return iv.Topics[topic] }

// file is the document as decoded.
type file struct {
	Format     string      `yaml:"format"`
	Year       int         `yaml:"year"`
	Source     string      `yaml:"source"`
	Pages      pageRange   `yaml:"pages"`
	Vocabulary Vocabulary  `yaml:"vocabulary"`
	Interviews []Interview `yaml:"interviews"`
	pos        located
}

// pageRange is the range of report pages the interviews are printed on.
type pageRange struct {
	First int `yaml:"first"`
	Last  int `yaml:"last"`
	pos   located
}
