package build_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csirt-survey/csirt-survey/pipeline/build"
)

var update = flag.Bool("update", false, "rewrite the generated parts of README.md")

const (
	datasetsBegin = "<!-- datasets: generated from pipeline/build/datasets.go; go test ./pipeline/build -run TestREADMEDatasets -update -->\n"
	datasetsEnd   = "<!-- datasets: end -->\n"
)

// The README's dataset table is the declared list (go test -update rewrites it).
func TestREADMEDatasets(t *testing.T) {
	path := filepath.Join(repo, "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i, j := strings.Index(s, datasetsBegin), strings.Index(s, datasetsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q ... %q", datasetsBegin, datasetsEnd)
	}
	want := s[:i+len(datasetsBegin)] + build.DatasetsMarkdown() + s[j:]
	if want == s {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md's dataset table differs from build.Datasets; run go test ./pipeline/build -run TestREADMEDatasets -update")
}

// Every dataset directory the committed build holds is declared, and
// processed/datapackage.json lists each with every year it has on disk.
func TestDataPackageListsEveryDataset(t *testing.T) {
	processed := filepath.Join(repo, "processed")
	ents, err := os.ReadDir(processed)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(processed, build.DataPackageFile))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Profile   string `json:"profile"`
		Resources []struct {
			Name      string   `json:"name"`
			Path      []string `json:"path"`
			Partition struct {
				Years []int `json:"years"`
			} `json:"x-partition"`
			Schema struct {
				Fields []struct{ Name, Type string } `json:"fields"`
			} `json:"schema"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Profile != "data-package" {
		t.Errorf("profile %q", pkg.Profile)
	}
	listed := map[string]int{}
	for i, r := range pkg.Resources {
		listed[r.Name] = i
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if build.DatasetByName(e.Name()) == nil {
			t.Errorf("processed/%s is not declared in build.Datasets", e.Name())
		}
		i, ok := listed[e.Name()]
		if !ok {
			t.Errorf("processed/%s is not a resource of datapackage.json", e.Name())
			continue
		}
		parts, _ := filepath.Glob(filepath.Join(processed, e.Name(), "year=*", "part-0.parquet"))
		r := pkg.Resources[i]
		if len(parts) != len(r.Path) || len(r.Partition.Years) != len(parts) {
			t.Errorf("%s: %d partitions on disk, datapackage lists %v / %v", e.Name(), len(parts), r.Path, r.Partition.Years)
		}
		for _, p := range r.Path {
			if _, err := os.Stat(filepath.Join(processed, filepath.FromSlash(p))); err != nil {
				t.Errorf("%s: path %s: %v", e.Name(), p, err)
			}
		}
		if len(r.Schema.Fields) == 0 || !slices.ContainsFunc(r.Schema.Fields, func(f struct{ Name, Type string }) bool { return f.Name == "year" }) {
			t.Errorf("%s: schema without fields or the year partition", e.Name())
		}
	}
}
