package build

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/claims"
	"github.com/csirt-survey/csirt-survey/pipeline/crosswalk"
)

// ManifestFile is the build manifest under the processed directory. It is
// local build state (not part of the data product, not committed): the hashes
// of every input and output of each year and the tool that built them.
const ManifestFile = ".manifest.json"

const manifestFormat = "csirt-survey/manifest/v1"

// Manifest records what the last successful build of each year read and wrote.
type Manifest struct {
	Format string                   `json:"format"`
	Years  map[string]*YearManifest `json:"years"`
	// Trends is the entry of the trends across years (processed/trends,
	// reports/trends.*): its input is the list of years.
	Trends *YearManifest `json:"trends,omitempty"`
}

// YearManifest is one year's entry: the tool, and content hashes by path
// (inputs relative to the schemas and raw directories, outputs to processed
// and reports, each prefixed with the directory's role).
type YearManifest struct {
	Tool    string            `json:"tool"`
	Inputs  map[string]string `json:"inputs"`
	Outputs map[string]string `json:"outputs"`
}

// ToolVersion identifies the running build tool, so that any change to the
// code rebuilds every year: the Go build ID of its executable (which the Go
// linker derives from everything that went into the binary), read from the
// ELF note where the toolchain puts it; elsewhere (another executable
// format, no note) the SHA-256 of the executable, which costs reading the
// whole file (40 ms of a no-op build's 110).
var ToolVersion = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	if id := goBuildID(exe); id != "" {
		sum := sha256.Sum256([]byte(id))
		return "b" + hex.EncodeToString(sum[:])[:15]
	}
	h, err := hashFile(exe)
	if err != nil {
		return "unknown"
	}
	return h[:16]
})

// goBuildID returns the Go build ID in the .note.go.buildid section of an
// ELF executable, or "".
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	data, err := sec.Data()
	// The note: name size, description size, type (4 bytes each), the name
	// "Go\x00\x00", then the build ID as its description.
	if err != nil || len(data) < 16 || string(data[12:16]) != "Go\x00\x00" {
		return ""
	}
	n := int(f.ByteOrder.Uint32(data[4:8]))
	if n == 0 || 16+n > len(data) {
		return ""
	}
	return string(data[16 : 16+n])
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func loadManifest(cfg Config) *Manifest {
	m := &Manifest{Format: manifestFormat, Years: map[string]*YearManifest{}}
	data, err := os.ReadFile(filepath.Join(cfg.ProcessedDir, ManifestFile))
	if err != nil {
		return m
	}
	var old Manifest
	if json.Unmarshal(data, &old) != nil || old.Format != manifestFormat || old.Years == nil {
		return m // unreadable: build everything
	}
	return &old
}

func (m *Manifest) save(cfg Config) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// The manifest is written last: a build killed before this point leaves a
	// manifest that no longer matches the outputs, so the next run rebuilds.
	return atomicfile.WriteFile(filepath.Join(cfg.ProcessedDir, ManifestFile), append(data, '\n'))
}

// yearInputs hashes every file a year's build reads: schemas/<year>/ and
// raw/<year>/, and the previous year's questionnaire a crosswalk refers to.
func yearInputs(cfg Config, year int) (map[string]string, error) {
	out := map[string]string{}
	y := strconv.Itoa(year)
	for _, root := range []struct{ role, dir string }{{"schemas", cfg.SchemasDir}, {"raw", cfg.RawDir}} {
		dir := filepath.Join(root.dir, y)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == dir {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			h, err := hashFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root.dir, p)
			out[root.role+":"+filepath.ToSlash(rel)] = h
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("build: hash inputs of %d: %w", year, err)
		}
	}
	// The quantifier table is shared: a change to it rebuilds every year
	// whose claims it reads.
	if h, err := hashFile(filepath.Join(cfg.SchemasDir, claims.QuantifiersFile)); err == nil {
		out["schemas:"+claims.QuantifiersFile] = h
	}
	if from, ok := crosswalkFrom(cfg, year); ok {
		p := filepath.Join(cfg.SchemasDir, strconv.Itoa(from), QuestionnaireFile)
		if h, err := hashFile(p); err == nil {
			out["schemas:"+strconv.Itoa(from)+"/"+QuestionnaireFile] = h
		}
	}
	return out, nil
}

// crosswalkFrom returns the year schemas/<year>/crosswalk.yaml refers to, if any.
func crosswalkFrom(cfg Config, year int) (int, bool) {
	cw, err := crosswalk.LoadOptional(filepath.Join(cfg.SchemasDir, strconv.Itoa(year), crosswalk.FileName))
	if err != nil || cw == nil {
		return 0, false // an invalid crosswalk fails the build elsewhere
	}
	return cw.From, true
}

// outputKey names an output path by its role (processed or reports).
func outputKey(cfg Config, path string) string {
	for _, root := range []struct{ role, dir string }{{"processed", cfg.ProcessedDir}, {"reports", cfg.ReportsDir}} {
		if rel, err := filepath.Rel(root.dir, path); err == nil && !strings.HasPrefix(rel, "..") {
			return root.role + ":" + filepath.ToSlash(rel)
		}
	}
	return path
}

func outputPath(cfg Config, key string) string {
	role, rel, _ := strings.Cut(key, ":")
	dir := map[string]string{"processed": cfg.ProcessedDir, "reports": cfg.ReportsDir}[role]
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// hasEntry reports whether the manifest has an entry for year written by
// this very tool (only then can the year be up to date).
func (m *Manifest) hasEntry(year int) bool {
	ym := m.Years[strconv.Itoa(year)]
	return ym != nil && ym.Tool == ToolVersion()
}

// upToDate reports whether year's recorded build still stands: same tool,
// same inputs, and every recorded output present with its recorded bytes.
func (m *Manifest) upToDate(cfg Config, year int, inputs map[string]string) bool {
	return m.Years[strconv.Itoa(year)].stands(cfg, inputs)
}

// stands reports whether an entry still stands: same tool, same inputs,
// every recorded output present with its recorded bytes.
func (ym *YearManifest) stands(cfg Config, inputs map[string]string) bool {
	if ym == nil || ym.Tool != ToolVersion() || !maps.Equal(ym.Inputs, inputs) || len(ym.Outputs) == 0 {
		return false
	}
	for key, want := range ym.Outputs {
		if h, err := hashFile(outputPath(cfg, key)); err != nil || h != want {
			return false
		}
	}
	return true
}

// newEntry is the manifest entry of outputs built from inputs, with the
// hashes of the outputs: those known from writing them (known, by path),
// the others read back.
func newEntry(cfg Config, inputs map[string]string, outputs []string, known map[string]string) (*YearManifest, error) {
	ym := &YearManifest{Tool: ToolVersion(), Inputs: inputs, Outputs: map[string]string{}}
	for _, p := range outputs {
		h, ok := known[p]
		if !ok {
			var err error
			if h, err = hashFile(p); err != nil {
				return nil, fmt.Errorf("build: manifest: %w", err)
			}
		}
		ym.Outputs[outputKey(cfg, p)] = h
	}
	return ym, nil
}

// record stores the entry of a year's build with the hashes of its outputs:
// those known from writing them (known, by path), the others read back.
func (m *Manifest) record(cfg Config, year int, inputs map[string]string, outputs []string, known map[string]string) error {
	ym, err := newEntry(cfg, inputs, outputs, known)
	if err != nil {
		return err
	}
	m.Years[strconv.Itoa(year)] = ym
	return nil
}

// trendsInputs is what the trends of a build depend on beyond the years'
// own outputs (which rebuild the trends whenever a year is rebuilt).
func trendsInputs(years []int) map[string]string {
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return map[string]string{"years": strings.Join(ys, ",")}
}

// trendsUpToDate reports whether the recorded trends still stand: same
// tool, same years, every recorded output present with its recorded bytes.
func (m *Manifest) trendsUpToDate(cfg Config, years []int) bool {
	return m.Trends.stands(cfg, trendsInputs(years))
}

// recordTrends stores the entry of the trends with the hashes of outputs
// (known from writing them, or read back).
func (m *Manifest) recordTrends(cfg Config, years []int, outputs []string, known map[string]string) error {
	t, err := newEntry(cfg, trendsInputs(years), outputs, known)
	if err != nil {
		return err
	}
	m.Trends = t
	return nil
}

// staleTrends lists trends outputs the previous build wrote that this one did not.
func (m *Manifest) staleTrends(cfg Config, outputs []string) []string {
	if m.Trends == nil {
		return nil
	}
	return staleOf(cfg, m.Trends, outputs)
}

// stale lists outputs the previous build of year wrote that this one did not.
func (m *Manifest) stale(cfg Config, year int, outputs []string) []string {
	old := m.Years[strconv.Itoa(year)]
	if old == nil {
		return nil
	}
	return staleOf(cfg, old, outputs)
}

func staleOf(cfg Config, old *YearManifest, outputs []string) []string {
	now := map[string]bool{}
	for _, p := range outputs {
		now[outputKey(cfg, p)] = true
	}
	var out []string
	for key := range old.Outputs {
		if !now[key] {
			out = append(out, outputPath(cfg, key))
		}
	}
	slices.Sort(out)
	return out
}

// newSet returns an empty set of outputs confined to the output directories.
func (c Config) newSet() *atomicfile.Set {
	return &atomicfile.Set{Roots: []string{c.ProcessedDir, c.ReportsDir}, AllowSymlinks: c.AllowSymlinks}
}

// checkOutputRoots refuses output directories that are symbolic links
// (unless AllowSymlinks), before the lock or anything else is written there.
func (c Config) checkOutputRoots() error {
	set := c.newSet()
	for _, root := range set.Roots {
		if err := set.Check(root); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	return nil
}

// removeLeftovers deletes temporary files a killed build left behind.
func removeLeftovers(dirs ...string) (int, error) {
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if !d.IsDir() && strings.HasPrefix(d.Name(), ".") && (strings.Contains(d.Name(), ".tmp-") || strings.HasSuffix(d.Name(), ".tmp")) {
				n++
				return os.Remove(p)
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("build: remove leftovers: %w", err)
		}
	}
	return n, nil
}
