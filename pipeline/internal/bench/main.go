// Command bench is the comparison of `make bench`: our pipeline against
// DuckDB on synthetic respondents.
//
//	go run ./pipeline/internal/bench [-sizes 100000,1000000] [-seed 1] [-year YYYY]
//	                                 [-cache DIR] [-runs 1] [-build first|all|none]
//	                                 [-md BENCHMARKS.md] [-keep]
//
// For each size it generates the SYNTHETIC raw responses once with the
// compiled `csirtsurvey synth` and keeps them in the cache directory
// (default ${XDG_CACHE_HOME:-$HOME/.cache}/csirt-survey-bench), named by
// year, N, seed and a hash of what the generator reads (pipeline/synth,
// schemas/<year>, raw/<year>/published, raw/<year>/claims.yaml); then, in
// one run on this machine, it times as child processes
//
//   - build: the compiled `csirtsurvey build` on a temporary copy of
//     schemas/ and raw/<year>/ with the synthetic file as
//     raw/<year>/responses.csv (environment CSIRT_BENCH=1). On synthetic
//     data the build fails at its last step, the reconciliation with the
//     printed counts (exit 4), so its wall time and peak RSS are those of all
//     its work but the commit; once it has failed, larger sizes skip it
//     (-build first, the default). Then
//   - ours: pipeline/internal/bench/ours, the responses stage called
//     directly (ingest and validation, typed Parquet, every frequency
//     table, maturity levels), used for the comparison when the build
//     fails;
//   - duckdb: pipeline/internal/duckdbtest/testdata/node/bench.mjs, the same
//     work in DuckDB (@duckdb/node-api): read_csv with explicit types, COPY
//     to Parquet, frequencies by UNPIVOT / GROUP BY, maturity levels;
//
// and prints wall time and peak RSS (the child's rusage maxrss) of each, and
// `ratio <ours/duckdb>` of the wall times for the largest size. -md FILE
// replaces the section between <!-- bench:begin --> and <!-- bench:end -->
// of FILE with the results and a description of the machine.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/csirt-survey/csirt-survey/pipeline/atomicfile"
	"github.com/csirt-survey/csirt-survey/pipeline/build"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
	"github.com/csirt-survey/csirt-survey/pipeline/synth"
)

const nodeDir = "pipeline/internal/duckdbtest/testdata/node"

type config struct {
	sizes   []int
	seed    uint64
	year    int
	cache   string
	runs    int
	md      string
	timeout time.Duration
	keep    bool
	build   string
}

func main() {
	var cfg config
	sizes := flag.String("sizes", "100000,1000000", "numbers of respondents, comma-separated")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the synthetic data")
	flag.IntVar(&cfg.year, "year", 0, "survey year (default: the first year whose profile has the full published tables)")
	flag.StringVar(&cfg.cache, "cache", "", "cache directory for the synthetic files (default ${XDG_CACHE_HOME:-$HOME/.cache}/csirt-survey-bench)")
	flag.IntVar(&cfg.runs, "runs", 1, "runs of each side, alternating; the fastest of each is reported")
	flag.StringVar(&cfg.md, "md", "", "Markdown file whose <!-- bench:begin --> ... <!-- bench:end --> section receives the results")
	flag.DurationVar(&cfg.timeout, "timeout", 60*time.Minute, "limit for each measured process")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the temporary trees and outputs")
	flag.StringVar(&cfg.build, "build", "first", "run csirtsurvey build for every size (all), until it fails once (first), or never (none)")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatalf("bad -sizes %q", *sizes)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	if cfg.cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				fatalf("no cache directory: %v", err)
			}
			base = filepath.Join(home, ".cache")
		}
		cfg.cache = filepath.Join(base, "csirt-survey-bench")
	}
	if err := run(cfg); err != nil {
		fatalf("%v", err)
	}
}

// fullTablesYear is the first survey year whose profile declares the full
// published tables (the distributions the synthetic respondents are drawn from).
func fullTablesYear(root string) (int, error) {
	schemas := filepath.Join(root, "schemas")
	years, err := build.Years(schemas)
	if err != nil {
		return 0, err
	}
	for _, y := range years {
		if p, err := survey.LoadYear(schemas, y); err == nil && p.Data.Published == survey.TablesFull {
			return y, nil
		}
	}
	return 0, fmt.Errorf("no survey year has the full published tables (survey.yaml data.published: full); give -year")
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...)
	os.Exit(1)
}

// measurement is one timed child process.
type measurement struct {
	Wall   time.Duration
	RSS    int64 // bytes
	Err    error
	Stdout []byte
	Stderr []byte
}

// measure runs a command and returns its wall time and peak RSS.
func measure(ctx context.Context, dir string, env []string, name string, args ...string) measurement {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	m := measurement{Wall: time.Since(start), Err: err, Stdout: out.Bytes(), Stderr: errb.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.RSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	return m
}

type result struct {
	N        int
	CSVBytes int64
	Gen      string // "cached" or the generation time
	Build    measurement
	Ours     measurement
	DuckDB   measurement
	OursFrom string // "build" or "ours"
	// BuildSkipped: the build was not run (it failed at a smaller size).
	BuildSkipped bool
}

var errSkipped = errors.New("not run")

// buildFailed holds the first line of the build's error once it has failed.
var buildFailed string

func run(cfg config) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("run from the repository root (go run ./pipeline/internal/bench)")
	}
	if cfg.year == 0 {
		if cfg.year, err = fullTablesYear(root); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(root, nodeDir, "node_modules", "@duckdb", "node-api")); err != nil {
		return fmt.Errorf("the DuckDB reader is not installed: run `make deps` (npm ci in %s)", nodeDir)
	}
	work, err := os.MkdirTemp("", "csirt-bench-")
	if err != nil {
		return err
	}
	if !cfg.keep {
		defer os.RemoveAll(work)
	}
	bin := filepath.Join(work, "bin")
	fmt.Println("compiling csirtsurvey and the bench program ...")
	for _, b := range [][2]string{{"csirtsurvey", "./cmd/csirtsurvey"}, {"ours", "./pipeline/internal/bench/ours"}} {
		c := exec.Command("go", "build", "-o", filepath.Join(bin, b[0]), b[1])
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		if err := c.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", b[1], err)
		}
	}
	hash, err := inputsHash(root, cfg.year)
	if err != nil {
		return err
	}
	m := describeMachine(root)
	fmt.Print(m.text())
	shipped, err := benchShipped(cfg, root, work, bin)
	if err != nil {
		return err
	}
	fmt.Printf("shipped %d build (raw/%d as committed): first build %s; no-op re-run %s\n",
		cfg.year, cfg.year, status(shipped[0]), status(shipped[1]))
	var results []result
	for _, n := range cfg.sizes {
		r, err := benchSize(cfg, root, work, bin, hash, n)
		if err != nil {
			return err
		}
		results = append(results, r)
		printResult(r)
	}
	last := results[0]
	for _, r := range results {
		if r.N > last.N {
			last = r
		}
	}
	ratio := ""
	if last.Ours.Err == nil && last.DuckDB.Err == nil && last.DuckDB.Wall > 0 {
		ratio = fmt.Sprintf("%.2f", last.Ours.Wall.Seconds()/last.DuckDB.Wall.Seconds())
		fmt.Printf("ratio %s\n", ratio)
	} else {
		fmt.Println("ratio n/a (a side failed)")
	}
	if cfg.md != "" {
		if err := writeMarkdown(cfg, m, shipped, results, ratio); err != nil {
			return err
		}
		fmt.Printf("wrote the results to %s\n", cfg.md)
	}
	return nil
}

// inputsHash hashes what the synthetic data depends on.
func inputsHash(root string, year int) (string, error) {
	y := strconv.Itoa(year)
	var files []string
	for _, dir := range []string{"pipeline/synth", filepath.Join("schemas", y), filepath.Join("raw", y, "published")} {
		ents, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			return "", err
		}
		for _, e := range ents {
			if e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") || dir == "pipeline/synth" && !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if _, err := os.Stat(filepath.Join(root, "raw", y, "claims.yaml")); err == nil {
		files = append(files, filepath.Join("raw", y, "claims.yaml"))
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// cached returns the synthetic file for n, generating it when missing, and
// removes files of the same year, N and seed made by other generator versions.
func cached(cfg config, bin, hash string, n int) (path, gen string, err error) {
	if err := os.MkdirAll(cfg.cache, 0o755); err != nil {
		return "", "", err
	}
	prefix := fmt.Sprintf("synth-%d-n%d-seed%d-", cfg.year, n, cfg.seed)
	path = filepath.Join(cfg.cache, prefix+hash+".csv")
	if _, err := os.Stat(path); err == nil {
		return path, "cached", nil
	}
	stale, _ := filepath.Glob(filepath.Join(cfg.cache, prefix+"*.csv"))
	for _, s := range stale {
		os.Remove(s)
	}
	fmt.Printf("generating %d synthetic respondents into %s ...\n", n, path)
	start := time.Now()
	c := exec.Command(filepath.Join(bin, "csirtsurvey"), "synth", "--year", strconv.Itoa(cfg.year),
		"-n", strconv.Itoa(n), "--seed", strconv.FormatUint(cfg.seed, 10), "--out", path)
	c.Stderr = os.Stderr
	if err := c.Run(); err != nil {
		return "", "", fmt.Errorf("csirtsurvey synth: %w", err)
	}
	return path, fmt.Sprintf("generated in %.1f s", time.Since(start).Seconds()), nil
}

// benchShipped times the compiled build on the repository's own inputs of
// the year (copied, outputs to a temporary directory): a first build, then
// a re-run with nothing changed.
func benchShipped(cfg config, root, work, bin string) ([2]measurement, error) {
	var out [2]measurement
	dir := filepath.Join(work, "shipped")
	y := strconv.Itoa(cfg.year)
	if err := copySchemas(root, dir, y); err != nil {
		return out, err
	}
	if err := copyDir(filepath.Join(root, "raw", y), filepath.Join(dir, "raw", y)); err != nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	for i := range out {
		out[i] = measure(ctx, dir, nil, filepath.Join(bin, "csirtsurvey"), "build",
			"--schemas", "schemas", "--raw", "raw", "--processed", "processed", "--reports", "reports")
		if out[i].Err != nil {
			fmt.Printf("shipped build failed: %s\n", firstLines(out[i].Stderr, 3))
		}
	}
	return out, nil
}

// tree makes a copy of schemas/ (the year's directory and the files shared
// by every year, not the other years) and raw/<year>/ (without its
// responses) with the synthetic file as raw/<year>/responses.csv. The other
// years stay out: their inputs are not copied, and the measured build is
// the one year's.
func tree(root, dst string, year int, csv string) error {
	y := strconv.Itoa(year)
	if err := copySchemas(root, dst, y); err != nil {
		return err
	}
	rawDst := filepath.Join(dst, "raw", y)
	if err := copyDir(filepath.Join(root, "raw", y), rawDst); err != nil {
		return err
	}
	for _, name := range []string{"responses.csv", "responses.xlsx"} {
		os.Remove(filepath.Join(rawDst, name))
	}
	return os.Symlink(csv, filepath.Join(rawDst, "responses.csv"))
}

// copySchemas copies schemas/ into dst without the directories of the years
// other than y.
func copySchemas(root, dst, y string) error {
	src := filepath.Join(root, "schemas")
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, "schemas", e.Name())
		if !e.IsDir() {
			if err := copyDir(from, to); err != nil {
				return err
			}
			continue
		}
		if _, err := strconv.Atoi(e.Name()); err == nil && e.Name() != y {
			continue
		}
		if err := copyDir(from, to); err != nil {
			return err
		}
	}
	return nil
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func benchSize(cfg config, root, work, bin, hash string, n int) (result, error) {
	r := result{N: n}
	csv, gen, err := cached(cfg, bin, hash, n)
	if err != nil {
		return r, err
	}
	r.Gen = gen
	if st, err := os.Stat(csv); err == nil {
		r.CSVBytes = st.Size()
	}
	dir := filepath.Join(work, fmt.Sprintf("n%d", n))
	if err := tree(root, dir, cfg.year, csv); err != nil {
		return r, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout*time.Duration(cfg.runs*3+1))
	defer cancel()
	sub := func(name string) string {
		p := filepath.Join(dir, name)
		os.RemoveAll(p)
		os.MkdirAll(p, 0o755)
		return p
	}

	// The build, as shipped. Once it has failed on synthetic data (its
	// reconciliation with the printed counts cannot pass), larger sizes skip it
	// unless -build all.
	buildRun := func() measurement {
		return measure(ctx, dir, nil, filepath.Join(bin, "csirtsurvey"), "build", "--reconcile", "warn", "-q",
			"--schemas", "schemas", "--raw", "raw", "--processed", sub("processed"), "--reports", sub("reports"))
	}
	oursRun := func() measurement {
		return measure(ctx, dir, nil, filepath.Join(bin, "ours"), "-schemas", "schemas", "-raw", "raw",
			"-year", strconv.Itoa(cfg.year), "-in", csv, "-out", sub("ours"))
	}
	spec, err := duckSpecFor(cfg, root, csv)
	if err != nil {
		return r, err
	}
	duckRun := func() measurement {
		spec.Out = sub("duckdb")
		data, _ := json.Marshal(spec)
		sp := filepath.Join(dir, "duckdb-spec.json")
		if err := os.WriteFile(sp, data, 0o644); err != nil {
			return measurement{Err: err}
		}
		return measure(ctx, dir, nil, "node", filepath.Join(root, nodeDir, "bench.mjs"), sp)
	}
	var oursSide func() measurement
	switch {
	case cfg.build == "none", cfg.build == "first" && buildFailed != "":
		r.BuildSkipped = true
		r.Build = measurement{Err: errSkipped}
	default:
		fmt.Printf("size %d: csirtsurvey build (run 1) ...\n", n)
		r.Build = buildRun()
		if r.Build.Err != nil {
			buildFailed = firstLines(r.Build.Stderr, 1)
		}
	}
	if r.Build.Err == nil {
		r.OursFrom, oursSide = "build", buildRun
	} else {
		if !r.BuildSkipped {
			fmt.Printf("size %d: the build failed (%v): %s\n", n, r.Build.Err, firstLines(r.Build.Stderr, 3))
		}
		fmt.Printf("size %d: ours (pipeline/internal/bench/ours, run 1) ...\n", n)
		r.OursFrom, oursSide = "ours", oursRun
		r.Ours = oursRun()
	}
	fmt.Printf("size %d: duckdb (run 1) ...\n", n)
	r.DuckDB = duckRun()
	// Further runs alternate the two sides, so that a slow spell of a
	// shared machine does not fall on one side only; each keeps its fastest
	// run (and its largest peak RSS).
	keep := func(b *measurement, m measurement) {
		if b.Err != nil {
			return
		}
		if m.Err != nil {
			*b = m
			return
		}
		rss := max(b.RSS, m.RSS)
		if m.Wall < b.Wall {
			*b = m
		}
		b.RSS = rss
	}
	for run := 2; run <= cfg.runs; run++ {
		fmt.Printf("size %d: run %d of both ...\n", n, run)
		if r.OursFrom == "build" {
			keep(&r.Build, oursSide())
		} else {
			keep(&r.Ours, oursSide())
		}
		keep(&r.DuckDB, duckRun())
	}
	if r.OursFrom == "build" {
		r.Ours = r.Build
	}
	if r.Ours.Err != nil {
		fmt.Printf("size %d: ours failed: %v: %s\n", n, r.Ours.Err, firstLines(r.Ours.Stderr, 5))
	}
	if r.DuckDB.Err != nil {
		fmt.Printf("size %d: duckdb failed: %v: %s\n", n, r.DuckDB.Err, firstLines(r.DuckDB.Stderr, 5))
	}
	if !cfg.keep {
		os.RemoveAll(dir)
	}
	return r, nil
}

func duckSpecFor(cfg config, root, csv string) (*duckSpec, error) {
	q, pub, err := synth.LoadYear(filepath.Join(root, "schemas"), filepath.Join(root, "raw"), cfg.year)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(csv)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return nil, err
	}
	spec, err := buildSpec(q, pub, strings.Split(strings.TrimRight(line, "\r\n"), ","))
	if err != nil {
		return nil, err
	}
	spec.CSV = csv
	return spec, nil
}

func firstLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// The build logs progress first; keep the lines that say what failed.
	var keep []string
	for _, l := range lines {
		if strings.Contains(l, "level=INFO") {
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) > n {
		keep = keep[:n]
	}
	return strings.Join(keep, " | ")
}

// phases returns the "phases" object of a child's JSON output.
func phases(out []byte) string {
	var v struct {
		Phases map[string]float64 `json:"phases"`
		DuckDB string             `json:"duckdb"`
	}
	if json.Unmarshal(bytes.TrimSpace(out), &v) != nil || len(v.Phases) == 0 {
		return ""
	}
	keys := make([]string, 0, len(v.Phases))
	for k := range v.Phases {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return phaseOrder(a) - phaseOrder(b) })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.2f s", k, v.Phases[k]))
	}
	return strings.Join(parts, ", ")
}

func phaseOrder(k string) int {
	order := []string{"load", "read_csv+types", "copy_parquet", "stream", "frequencies", "maturity", "crosstabs"}
	if i := slices.Index(order, k); i >= 0 {
		return i
	}
	return len(order)
}

func mb(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func status(m measurement) string {
	if errors.Is(m.Err, errSkipped) {
		return "not run (it failed at a smaller size)"
	}
	if m.Err != nil {
		var ee *exec.ExitError
		if errors.As(m.Err, &ee) {
			return fmt.Sprintf("FAILED with exit %d after wall %.2f s, peak RSS %s", ee.ExitCode(), m.Wall.Seconds(), mb(m.RSS))
		}
		return "FAILED (" + m.Err.Error() + ")"
	}
	return fmt.Sprintf("wall %7.2f s  peak RSS %s", m.Wall.Seconds(), mb(m.RSS))
}

// compact is status in one short phrase for Markdown.
func compact(m measurement) string {
	if m.Err != nil {
		return status(m)
	}
	return fmt.Sprintf("%.2f s wall, %s peak RSS", m.Wall.Seconds(), mb(m.RSS))
}

func printResult(r result) {
	fmt.Printf("size %d (%s, %s CSV):\n", r.N, r.Gen, mb(r.CSVBytes))
	fmt.Printf("  build   %s\n", status(r.Build))
	if r.OursFrom == "ours" {
		fmt.Printf("  ours    %s  [%s]\n", status(r.Ours), phases(r.Ours.Stdout))
	}
	fmt.Printf("  duckdb  %s  [%s]\n", status(r.DuckDB), phases(r.DuckDB.Stdout))
	if r.Ours.Err == nil && r.DuckDB.Err == nil {
		fmt.Printf("  per respondent: ours %.2f µs, duckdb %.2f µs\n",
			float64(r.Ours.Wall.Microseconds())/float64(r.N), float64(r.DuckDB.Wall.Microseconds())/float64(r.N))
	}
}

// machine describes where the benchmark ran.
type machine struct {
	NProc    int
	CPU      string
	RAM      string
	Go       string
	Node     string
	DuckDB   string
	Kernel   string
	LoadAvg  string
	Date     string
	Revision string
}

func describeMachine(root string) machine {
	m := machine{NProc: runtime.NumCPU(), Date: time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					m.RAM = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
				}
			}
		}
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	out := func(name string, args ...string) string {
		c := exec.Command(name, args...)
		c.Dir = root
		b, err := c.Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(b))
	}
	m.Go = out("go", "env", "GOVERSION")
	m.Node = out("node", "--version")
	m.DuckDB = out("node", "--input-type=module", "-e",
		"import {version} from '"+filepath.Join(root, nodeDir, "node_modules", "@duckdb", "node-api", "lib", "index.js")+"'; console.log(version())")
	if m.DuckDB == "unknown" {
		m.DuckDB = duckdbPackageVersion(root)
	} else {
		m.DuckDB += " (@duckdb/node-api " + duckdbPackageVersion(root) + ")"
	}
	m.Revision = out("git", "rev-parse", "--short", "HEAD")
	if s := out("git", "status", "--porcelain"); s != "" && s != "unknown" {
		m.Revision += " (with uncommitted changes)"
	}
	return m
}

func duckdbPackageVersion(root string) string {
	data, err := os.ReadFile(filepath.Join(root, nodeDir, "node_modules", "@duckdb", "node-api", "package.json"))
	if err != nil {
		return "unknown"
	}
	var p struct {
		Version string `json:"version"`
	}
	json.Unmarshal(data, &p)
	return p.Version
}

func (m machine) text() string {
	return fmt.Sprintf("machine: %d CPUs (%s), %s RAM, Linux %s, load average %s at start\n"+
		"versions: %s, Node.js %s, DuckDB %s; repository %s; %s\n",
		m.NProc, m.CPU, m.RAM, m.Kernel, m.LoadAvg, m.Go, m.Node, m.DuckDB, m.Revision, m.Date)
}

const (
	mdBegin = "<!-- bench:begin -->"
	mdEnd   = "<!-- bench:end -->"
)

func writeMarkdown(cfg config, m machine, shipped [2]measurement, results []result, ratio string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", mdBegin)
	fmt.Fprintf(&b, "Run of %s: `make bench` (`go run ./pipeline/internal/bench -sizes %s -seed %d -runs %d`).\n\n",
		m.Date, joinInts(cfg.sizes), cfg.seed, cfg.runs)
	fmt.Fprintf(&b, "| machine | |\n|---|---|\n")
	fmt.Fprintf(&b, "| CPUs (nproc) | %d × %s |\n| RAM | %s |\n| kernel | Linux %s |\n| load average at start | %s |\n",
		m.NProc, m.CPU, m.RAM, m.Kernel, m.LoadAvg)
	fmt.Fprintf(&b, "| Go | %s |\n| Node.js | %s |\n| DuckDB | %s |\n| repository | %s |\n\n", m.Go, m.Node, m.DuckDB, m.Revision)
	fmt.Fprintf(&b, "The shipped %d build (`csirtsurvey build` on a copy of the year's committed `schemas/` and `raw/` inputs, compiled binary, fresh output directories): first build %s; no-op re-run %s.\n\n",
		cfg.year, compact(shipped[0]), compact(shipped[1]))
	fmt.Fprintf(&b, "| respondents | CSV | side | wall | peak RSS | µs / respondent | phases |\n|---:|---:|---|---:|---:|---:|---|\n")
	for _, r := range results {
		row := func(side string, x measurement) {
			var ee *exec.ExitError
			switch {
			case errors.Is(x.Err, errSkipped):
				fmt.Fprintf(&b, "| %d | %s | %s | not run | | | failed at a smaller size |\n", r.N, mb(r.CSVBytes), side)
				return
			case errors.As(x.Err, &ee):
				why := strings.TrimSuffix(strings.ReplaceAll(firstLines(x.Stderr, 1), "|", "\\|"), ":")
				fmt.Fprintf(&b, "| %d | %s | %s | %.2f s | %s | | FAILED (exit %d): %s |\n", r.N, mb(r.CSVBytes), side,
					x.Wall.Seconds(), mb(x.RSS), ee.ExitCode(), why)
				return
			case x.Err != nil:
				fmt.Fprintf(&b, "| %d | %s | %s | | | | FAILED: %s |\n", r.N, mb(r.CSVBytes), side, x.Err)
				return
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %.2f s | %s | %.2f | %s |\n", r.N, mb(r.CSVBytes), side, x.Wall.Seconds(), mb(x.RSS),
				float64(x.Wall.Microseconds())/float64(r.N), phases(x.Stdout))
		}
		row("csirtsurvey build", r.Build)
		if r.OursFrom == "ours" {
			row("ours (bench/ours)", r.Ours)
		}
		row("DuckDB", r.DuckDB)
	}
	if ratio != "" {
		largest := 0
		for _, r := range results {
			largest = max(largest, r.N)
		}
		fmt.Fprintf(&b, "\n`ratio %s` (ours / DuckDB, wall time, %d respondents)\n", ratio, largest)
	}
	fmt.Fprintf(&b, "%s\n", mdEnd)

	old, err := os.ReadFile(cfg.md)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, mdBegin), strings.Index(s, mdEnd)
	if i >= 0 && j > i {
		s = s[:i] + b.String() + strings.TrimPrefix(s[j+len(mdEnd):], "\n")
	} else {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += b.String()
	}
	return atomicfile.WriteFile(cfg.md, []byte(s))
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
