package assess

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadAnswers(t *testing.T) {
	q := fixture(t, "").Questionnaire
	header := "respondent_id,provenance,kind,sources,members,started,policy,services__a__provision,services__a__sourcing,services__w__provision,services__w__sourcing\n"
	want := Answers{"kind": {"a"}, "sources": {"a"}, "members": {"7"}, "started": {"2014-03"}, "policy": {"b"},
		"services__a__provision": {"provided"}, "services__a__sourcing": {"inhouse"}, "services__w__provision": {"not_provided"}}
	t.Run("csv", func(t *testing.T) {
		a, prov, err := ReadAnswers(q, "team.csv", []byte(header+"me,collected,a,a,７,2014年3月,b,provided,inhouse,not_provided,\n"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if prov != "collected" || !reflect.DeepEqual(a, want) {
			t.Errorf("answers = %v (%s), want %v", a, prov, want)
		}
	})
	t.Run("json", func(t *testing.T) {
		doc := `{"respondent_id":"me","provenance":"collected","kind":"a","sources":["a"],"members":7,"started":"2014-03","policy":"b",
			"services__a__provision":"provided","services__a__sourcing":"inhouse","services__w__provision":"not_provided"}`
		a, _, err := ReadAnswers(q, "team.json", []byte(doc), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, want) {
			t.Errorf("answers = %v, want %v", a, want)
		}
	})
	bad := []struct{ name, file, data, want string }{
		{"not asked", "team.csv", header + "me,collected,b,a,,,,,,,\n", "team.csv:2: column sources (item 1.2)"},
		{"unknown code", "team.csv", header + "me,collected,z,,,,,,,,\n", "team.csv:2: column kind (item 1.1)"},
		{"exclusive combined", "team.csv", header + "me,collected,a,a;e,,,,,,,\n", "[exclusive_combined]"},
		{"two teams", "team.csv", header + "me,collected,a,,,,,,,,\nyou,collected,a,,,,,,,,\n", "2 answer rows, want exactly one"},
		{"json not an object", "team.json", `[1]`, "not one JSON object"},
		{"json unknown column", "team.json", `{"respondent_id":"me","colour":"red"}`, "column colour"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadAnswers(q, c.file, []byte(c.data), ReadOptions{})
			if err == nil || !errors.Is(err, ErrInvalidAnswers) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrInvalidAnswers containing %q", err, c.want)
			}
		})
	}
}
