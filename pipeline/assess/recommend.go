package assess

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/yamlsrc"
)

// RecommendationsFile is the name of the recommendations mapping under raw/<year>/.
const RecommendationsFile = "recommendations.yaml"

// RecommendationsFormat is the value the "format" key must have.
const RecommendationsFormat = "csirt-survey/recommendations/v1"

// Recommendation is one point of the report's recommendations, linked to the
// items it concerns: a team whose answer to a gap item is one of its codes
// is shown the point, with the report's figures it quotes.
type Recommendation struct {
	ID      string   `yaml:"id"`
	Section string   `yaml:"section"`
	Page    int      `yaml:"page"`
	TitleJA string   `yaml:"title_ja"`
	TitleEN string   `yaml:"title_en"`
	TextJA  string   `yaml:"text_ja"`
	TextEN  string   `yaml:"text_en"`
	Claims  []string `yaml:"claims"`
	Gaps    []Gap    `yaml:"gaps"`

	yamlsrc.Located `yaml:"-"`
}

// Gap says which answers to one item (by printed number) mean a team does
// not (yet) meet a recommendation.
type Gap struct {
	Item  string   `yaml:"item"`
	AnyOf []string `yaml:"any_of"`

	yamlsrc.Located `yaml:"-"`
}

type recFile struct {
	Format          string           `yaml:"format"`
	Recommendations []Recommendation `yaml:"recommendations"`
}

// LoadRecommendations reads path and checks it against q and the claim ids
// of the year. claimIDs nil means the year's claims were not evaluated (no
// claims file or no published tables): the ids are then not checked and the
// recommendations come without figures. A missing file gives no
// recommendations and no error.
func LoadRecommendations(path string, q *questionnaire.Questionnaire, claimIDs []string) ([]Recommendation, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("assess: recommendations: %w", err)
	}
	return ParseRecommendations(path, data, q, claimIDs)
}

// ParseRecommendations decodes a recommendations file held in memory; every
// problem is reported with file, line and column (an ErrorList).
func ParseRecommendations(file string, data []byte, q *questionnaire.Questionnaire, claimIDs []string) ([]Recommendation, error) {
	c := &yamlsrc.Collector{File: file}
	var f recFile
	doc, ok := yamlsrc.DecodeFormat(c, data, &f, yamlsrc.Format{Keys: "format, recommendations", DuplicateKeys: true})
	if !ok {
		return nil, c.Err()
	}
	top := yamlsrc.Fields(doc)
	if f.Format != RecommendationsFormat {
		c.Add(yamlsrc.NodePos(top["format"]), "", yamlsrc.ErrInvalid, "format is %q, want %q", f.Format, RecommendationsFormat)
	}
	yamlsrc.LocateEach(top["recommendations"], len(f.Recommendations), func(i int) *yamlsrc.Located { return &f.Recommendations[i].Located })
	for i, n := range yamlsrc.Seq(top["recommendations"]) {
		if i < len(f.Recommendations) {
			r := &f.Recommendations[i]
			yamlsrc.LocateEach(yamlsrc.Fields(n)["gaps"], len(r.Gaps), func(j int) *yamlsrc.Located { return &r.Gaps[j].Located })
		}
	}
	if len(f.Recommendations) == 0 {
		c.Add(yamlsrc.NodePos(doc), "", yamlsrc.ErrMissing, "no recommendations")
	}
	seen := map[string]bool{}
	for _, r := range f.Recommendations {
		ctx := "recommendation " + r.ID
		for _, k := range []struct{ key, v string }{{"id", r.ID}, {"section", r.Section}, {"title_ja", r.TitleJA},
			{"title_en", r.TitleEN}, {"text_ja", r.TextJA}, {"text_en", r.TextEN}} {
			if k.v == "" {
				c.Add(r.KeyPos(k.key), ctx, yamlsrc.ErrMissing, "%s is missing", k.key)
			}
		}
		if seen[r.ID] && r.ID != "" {
			c.Add(r.KeyPos("id"), ctx, yamlsrc.ErrDuplicate, "id %q is given twice", r.ID)
		}
		seen[r.ID] = true
		for _, id := range r.Claims {
			if claimIDs != nil && !slices.Contains(claimIDs, id) {
				c.Add(r.KeyPos("claims"), ctx, yamlsrc.ErrInvalid, "claim %q is not in the year's claims.yaml", id)
			}
		}
		if len(r.Gaps) == 0 {
			c.Add(r.At, ctx, yamlsrc.ErrMissing, "no gaps: a recommendation names at least one item and the answers that fall short of it")
		}
		for _, g := range r.Gaps {
			it := q.Item(g.Item)
			if it == nil {
				c.Add(g.KeyPos("item"), ctx, yamlsrc.ErrInvalid, "item %q is not in the questionnaire", g.Item)
				continue
			}
			if !it.Type.IsChoice() {
				c.Add(g.KeyPos("item"), ctx, yamlsrc.ErrInvalid, "item %s is a %s item; gaps name choice items", g.Item, it.Type)
				continue
			}
			if len(g.AnyOf) == 0 {
				c.Add(g.KeyPos("any_of"), ctx, yamlsrc.ErrMissing, "item %s: any_of names no code", g.Item)
			}
			var codes []string
			for _, o := range it.Choices() {
				codes = append(codes, o.Code)
			}
			for _, code := range g.AnyOf {
				if !slices.Contains(codes, code) {
					c.Add(g.KeyPos("any_of"), ctx, yamlsrc.ErrInvalid, "item %s has no option %q (allowed: %v)", g.Item, code, codes)
				}
			}
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return f.Recommendations, nil
}
