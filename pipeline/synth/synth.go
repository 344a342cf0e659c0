// Package synth generates SYNTHETIC raw responses: any number of respondents
// for a survey year's questionnaire, each answer drawn at random from that
// year's published distributions. The rows are not the answers of any
// organisation and do not reproduce the printed counts (see package
// reconstruct for that); they exist to test and benchmark the pipeline at
// scale (make bench).
//
// # Output
//
// CSV in the raw responses contract (raw/README.md): UTF-8 without BOM, "\n"
// line ends, a header row and one row per respondent, written as generated
// (constant memory). The columns are those of csirtsurvey reconstruct:
// respondent_id, provenance, then every item's answer columns in
// questionnaire order, multi-answer items as one column of codes separated
// by ";" (in option order), a matrix as <id>__<row>__<cell> plus the coded
// column of a written-in row; no free-text or identifying columns. Every row
// is labelled twice: provenance = synthetic, and respondent ids S0000001,
// S0000002, ... (at least 7 digits). There is no comment line: the first
// line stays the header the contract requires.
//
// # The distributions
//
// Every share is a count of a published table over that table's base (the
// join of raw/<year>/published with schemas/<year>/tables.yaml, as in
// processed/published):
//
//   - A count lost in the extraction is the inferred count when the pipeline
//     infers one (inferred_count); otherwise, in a table whose rows add up to
//     N, the remainder N - (the other rows) spread evenly over the lost rows
//     without inference (2015: 1.4 a-c get 62/3 each, 1.5 rows 1-7 59/7, 1.6
//     rows 1-6 58/6, 3.2 bins 34/3, 3.3 bins and at_least_5 9 each); in a
//     multi-answer table the mean of its other counts. Generator.Notes lists
//     every filled count.
//   - single, integer, year_month items and matrix row tables (2.9.a): each
//     printed row with probability count / (sum of the rows), among the
//     respondents asked. The sum is N except where the report contradicts
//     itself (2.14.3 prints N = 66 over rows adding up to 46: the rows win).
//     未回答 rows are blank answers; coded categories (2.14 considering, 3.2
//     virtual_fluid, 1.5 year_only, ...) are written as their codes.
//   - integer bins: a whole number drawn evenly inside the bin; an open lower
//     bound starts at max(1, item min), an open upper bound min ends at
//     max(2*min-1, min+9) (3.2 20名以上: 20-39).
//   - year_month bins: a month drawn evenly inside the bin; an open start
//     covers the 60 months up to its end, never before 1990-01; nothing is
//     later than the month survey.fielded (2015-12), and a bin wholly after it
//     gets probability 0. For the pairs of Options.Order (1.5 start, 1.6
//     completion) both months come from one uniform number through each
//     item's own month distribution (a comonotone coupling): both marginals
//     are kept exactly, and start <= completion holds whenever the start
//     distribution is everywhere earlier, as in 2015 (otherwise the pair is
//     swapped and a Note says so). The derived table S1 (months between) is
//     not a target: it follows from the coupling.
//   - multi items: a respondent answers with probability (N - 未回答) / N
//     (base all or asked) or N / survey.respondents (base answered, and each
//     option group of 2.7 independently); an answering respondent chooses an
//     exclusive option alone with its share (2.4 (e)), otherwise one primary
//     option with probability r_j / S and every other option j independently
//     with probability r_j (S-1) / (S-r_j), where r_j is the option's share
//     among answerers and S the sum of the shares. Each option's marginal
//     share is then exactly r_j, every answer chooses at least one option
//     (when S >= 1, as in every 2015 table), and exclusive options are never
//     combined.
//   - matrix (2.9): provision = provided with the service's count / N of its
//     group table (2.9/reactive ...; lost counts inferred from the service's
//     sourcing table); sourcing only for providers, from the service's table;
//     the written-in row (w), which no group table counts, is provided with
//     probability N(2.9.w) / respondents, its sourcing drawn from the pooled
//     counts of the other services, and its coded column from 2.9.w.
//   - relevance: a follow-up (2.4.1, 2.14.1-2.14.3, 7.1.1, a 2.9 sourcing) is
//     answered only by respondents its rule selects, from the drawn parent
//     answer; the others leave it blank.
//   - free text is never generated. An item no table reports (a year
//     without tables.yaml) is drawn evenly: one option of a single or multi
//     item, a bin of an integer item (or 1-20), a month of the 60 up to the
//     fielding month; such a date pair is drawn independently and swapped
//     when out of order.
//
// Answers to different items are independent of each other except along
// relevance rules and the coupled date pairs: crosstabs of synthetic data
// carry no information.
//
// # Randomness
//
// math/rand/v2's PCG, one stream per chunk of 4096 rows, seeded from the
// seed and the chunk's index (SplitMix64 of seed ^ index, and of
// 0x63736972745f7379 ^ index), so that chunks are drawn in parallel: the same
// questionnaire, tables, seed and N give byte-identical output whatever the
// number of cores, and the first m rows are the same for every N >= m. Whole
// numbers in a range use the high word of a 64x64-bit product (bias below
// 2^-58 for the ranges used).
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
	"github.com/csirt-survey/csirt-survey/pipeline/survey"
)

// IDPrefix starts every synthetic respondent id (S0000001).
const IDPrefix = "S"

// idDigits is the least number of digits of a respondent id.
const idDigits = 7

// seed2 is the second word of the PCG state ("csirt_sy").
const seed2 = 0x63736972745f7379

// Options configure a Generator.
type Options struct {
	// Order lists pairs of year_month items, by printed number, whose first
	// must not be later than the second (survey.Profile.DateOrder).
	Order [][2]string
}

// Generator draws synthetic respondents of one survey year.
type Generator struct {
	q       *questionnaire.Questionnaire
	header  []string
	cols    []*column
	pairs   [][2]int
	targets []Target
	notes   []Note
}

// New prepares a generator for q from the year's published tables (see
// LoadYear). It fails when a table cannot be turned into a distribution.
func New(q *questionnaire.Questionnaire, set *published.Set, opt Options) (*Generator, error) {
	b := &builder{q: q, set: set, hiYM: latestYM(q), pop: float64(q.Survey.Respondents)}
	if err := b.build(opt.Order); err != nil {
		return nil, err
	}
	g := &Generator{q: q, cols: b.cols, pairs: b.pairs, targets: b.targets}
	g.header = []string{"respondent_id", "provenance"}
	for _, c := range b.cols {
		g.header = append(g.header, c.name)
	}
	seen := map[string]bool{}
	for _, n := range b.notes {
		k := fmt.Sprintf("%s\x00%d\x00%s\x00%s", n.Table, n.Row, n.Code, n.Rule)
		if !seen[k] {
			seen[k] = true
			g.notes = append(g.notes, n)
		}
	}
	return g, nil
}

// Header returns the CSV header.
func (g *Generator) Header() []string { return g.header }

// Targets returns, for every row of every non-derived published table, the
// share count / N the pipeline's frequency table should show for synthetic
// data (up to sampling error).
func (g *Generator) Targets() []Target { return g.targets }

// Notes lists how lost counts were filled in and other modelling decisions.
func (g *Generator) Notes() []Note { return g.notes }

// value is one drawn answer.
type value struct {
	tag uint8 // tagBlank, tagCode (n = code index), tagMask (n = bit mask), tagInt, tagMonth (n = year*12 + month-1)
	n   int64
}

const (
	tagBlank uint8 = iota
	tagCode
	tagMask
	tagInt
	tagMonth
)

// rng wraps PCG with the draws the generator needs.
type rng struct{ p *rand.PCG }

// float returns a uniform float64 in [0, 1).
func (r rng) float() float64 { return float64(r.p.Uint64()>>11) * 0x1p-53 }

// intn returns a whole number in [0, n).
func (r rng) intn(n uint64) uint64 {
	hi, _ := bits.Mul64(r.p.Uint64(), n)
	return hi
}

// search returns the first index whose cumulative probability exceeds u, or len(cum).
func search(cum []float64, u float64) int {
	lo, hi := 0, len(cum)
	if hi <= 8 {
		for i, c := range cum {
			if u < c {
				return i
			}
		}
		return len(cum)
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if u < cum[m] {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func asked(v value, mask uint64) bool {
	switch v.tag {
	case tagCode:
		return mask&(1<<uint(v.n)) != 0
	case tagMask:
		return mask&uint64(v.n) != 0
	}
	return false
}

// draw fills vals with one respondent's answers.
func (g *Generator) draw(r rng, vals []value, pv []float64) {
	for k := range pv {
		pv[k] = r.float()
	}
	for i, c := range g.cols {
		v := value{}
		if c.rel >= 0 && !asked(vals[c.rel], c.relMask) {
			vals[i] = v
			continue
		}
		switch c.kind {
		case kindChoice:
			k := c.cats[search(c.cum, r.float())]
			switch k.act {
			case actCode:
				v = value{tag: tagCode, n: int64(k.bit)}
			case actInt:
				v = value{tag: tagInt, n: k.lo + int64(r.intn(uint64(k.hi-k.lo+1)))}
			case actMonth:
				u := 0.0
				if c.pair >= 0 {
					u = pv[c.pair]
				} else {
					u = r.float()
				}
				v = value{tag: tagMonth, n: int64(c.monthLo + search(c.monthCum, u))}
			}
		case kindMulti:
			var mask uint64
			for gi := range c.groups {
				gr := &c.groups[gi]
				if r.float() >= gr.pAnswer {
					continue
				}
				if gr.exclTotal > 0 {
					if u := r.float(); u < gr.exclTotal {
						mask |= 1 << uint(gr.exclBits[search(gr.exclCum, u)])
						continue
					}
				}
				p := search(gr.primCum, r.float())
				if p < len(gr.bits) {
					mask |= 1 << uint(gr.bits[p])
				}
				for j, q := range gr.extra {
					if j != p && q > 0 && r.float() < q {
						mask |= 1 << uint(gr.bits[j])
					}
				}
			}
			if mask != 0 {
				v = value{tag: tagMask, n: int64(mask)}
			}
		}
		vals[i] = v
	}
	for _, p := range g.pairs {
		a, b := &vals[p[0]], &vals[p[1]]
		if a.tag == tagMonth && b.tag == tagMonth && a.n > b.n {
			a.n, b.n = b.n, a.n
		}
	}
}

// chunkRows is the number of rows drawn from one random stream: chunk k
// (rows k*chunkRows+1 ...) uses its own PCG, so chunks can be drawn in
// parallel and the output does not depend on the number of workers; the
// first m rows are the same for every n >= m.
const chunkRows = 4096

// Write writes the header and n synthetic respondents drawn with seed to w,
// in chunks of rows drawn in parallel (GOMAXPROCS workers, at most 8) and
// written in order; memory does not grow with n.
func (g *Generator) Write(w io.Writer, n int, seed uint64) error {
	if n < 0 {
		return fmt.Errorf("synth: n = %d", n)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	for i, h := range g.header {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(csvField(h))
	}
	bw.WriteByte('\n')
	width := max(idDigits, len(strconv.Itoa(n)))
	chunks := (n + chunkRows - 1) / chunkRows
	workers := min(runtime.GOMAXPROCS(0), 8, chunks)
	write := func(buf []byte) error {
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		return nil
	}
	if workers <= 1 {
		var buf []byte
		st := g.newState()
		for k := 0; k < chunks; k++ {
			buf = g.chunk(buf[:0], st, k, n, width, seed)
			if err := write(buf); err != nil {
				return err
			}
		}
	} else if err := g.parallel(chunks, workers, n, width, seed, write); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

type job struct {
	k   int
	out chan []byte
}

// parallel draws the chunks with workers goroutines and hands them to write in order.
func (g *Generator) parallel(chunks, workers, n, width int, seed uint64, write func([]byte) error) error {
	jobs := make(chan job, workers)
	order := make(chan chan []byte, 2*workers)
	stop := make(chan struct{})
	free := make(chan []byte, 3*workers+1)
	var wg sync.WaitGroup
	go func() {
		defer close(order)
		defer close(jobs)
		for k := 0; k < chunks; k++ {
			c := make(chan []byte, 1)
			select {
			case jobs <- job{k, c}:
			case <-stop:
				return
			}
			select {
			case order <- c:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := g.newState()
			for j := range jobs {
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				j.out <- g.chunk(buf[:0], st, j.k, n, width, seed)
			}
		}()
	}
	var err error
	for c := range order {
		buf := <-c
		if err == nil {
			if err = write(buf); err != nil {
				close(stop)
			}
		}
		select {
		case free <- buf:
		default:
		}
	}
	wg.Wait()
	return err
}

// state is a worker's scratch space.
type state struct {
	vals []value
	pv   []float64
	id   []byte
}

func (g *Generator) newState() *state {
	return &state{vals: make([]value, len(g.cols)), pv: make([]float64, len(g.pairs)), id: make([]byte, 0, 24)}
}

// mix is SplitMix64's finaliser, to derive a chunk's PCG state from the seed.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// chunk appends the rows of chunk k to buf.
func (g *Generator) chunk(buf []byte, st *state, k, n, width int, seed uint64) []byte {
	if buf == nil {
		buf = make([]byte, 0, chunkRows*(32+8*len(g.cols)))
	}
	r := rng{rand.NewPCG(mix(seed^mix(uint64(k))), mix(seed2^uint64(k)))}
	prov := "," + string(survey.Synthetic)
	vals := st.vals
	for i := k*chunkRows + 1; i <= min(n, (k+1)*chunkRows); i++ {
		g.draw(r, vals, st.pv)
		buf = append(buf, IDPrefix...)
		st.id = strconv.AppendInt(st.id[:0], int64(i), 10)
		for d := len(st.id); d < width; d++ {
			buf = append(buf, '0')
		}
		buf = append(buf, st.id...)
		buf = append(buf, prov...)
		for ci, c := range g.cols {
			buf = append(buf, ',')
			v := vals[ci]
			switch v.tag {
			case tagCode:
				buf = append(buf, c.codes[v.n]...)
			case tagMask:
				m := uint64(v.n)
				first := true
				for m != 0 {
					b := bits.TrailingZeros64(m)
					m &^= 1 << uint(b)
					if !first {
						buf = append(buf, ';')
					}
					first = false
					buf = append(buf, c.codes[b]...)
				}
			case tagInt:
				buf = strconv.AppendInt(buf, v.n, 10)
			case tagMonth:
				y, m := v.n/12, v.n%12+1
				buf = append(buf, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-', byte('0'+m/10), byte('0'+m%10))
			}
		}
		buf = append(buf, '\n')
	}
	return buf
}

// csvField returns s as a CSV field, quoted when it must be.
func csvField(s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return []byte(s)
	}
	return []byte(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
}
