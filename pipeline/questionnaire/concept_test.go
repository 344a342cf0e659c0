package questionnaire

import (
	"errors"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc/yamlsrctest"
)

func TestConceptDefaultsToID(t *testing.T) {
	doc := strings.Replace(readMinimal(t), "  - id: members\n", "  - id: members\n    concept: team_size\n", 1)
	q, err := Parse("minimal.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if it := q.ItemByID("kind"); it.Concept != "kind" || q.ItemByConcept("kind") != it {
		t.Errorf("item without concept: Concept = %q, ItemByConcept = %v", it.Concept, q.ItemByConcept("kind"))
	}
	if it := q.ItemByID("members"); it.Concept != "team_size" || q.ItemByConcept("team_size") != it || q.ItemByConcept("members") != nil {
		t.Errorf("explicit concept: Concept = %q", it.Concept)
	}
}

func TestConceptErrors(t *testing.T) {
	tests := []struct {
		name   string
		edits  [][2]string
		kind   error
		item   string
		msg    string
		marker string // the error is on the nth line holding marker
		nth    int
	}{
		{"not snake_case", [][2]string{{"  - id: members\n", "  - id: members\n    concept: Team-Size\n"}},
			ErrInvalid, "1.3", `concept "Team-Size" must be snake_case`, "concept: Team-Size", 1},
		{"another item's id", [][2]string{{"  - id: members\n", "  - id: members\n    concept: kind\n"}},
			ErrDuplicate, "1.3", `concept "kind" is already the concept of item 1.1`, "concept: kind", 1},
		{"another item's concept", [][2]string{
			{"  - id: members\n", "  - id: members\n    concept: team_size\n"},
			{"  - id: started\n", "  - id: started\n    concept: team_size\n"}},
			ErrDuplicate, "1.4", `concept "team_size" is already the concept of item 1.3`, "concept: team_size", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := readMinimal(t)
			for _, e := range tc.edits {
				doc = strings.Replace(doc, e[0], e[1], 1)
			}
			_, err := Parse("broken.yaml", []byte(doc))
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("want exactly one error, got %v", err)
			}
			e := list[0]
			if !errors.Is(e, tc.kind) || !strings.Contains(e.Msg, tc.msg) || e.Context != "item "+tc.item {
				t.Errorf("got %v (%v), want %v %q in item %s", e, e.Kind, tc.kind, tc.msg, tc.item)
			}
			if want := yamlsrctest.LineOf(t, doc, tc.marker, tc.nth); e.Line != want {
				t.Errorf("line %d, want %d", e.Line, want)
			}
		})
	}
}
