package ingest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// The data rows are evaluated in parallel: the reader (the goroutine of run)
// cuts them into chunks of BatchSize rows, workers evaluate the chunks
// (validation and typed values, each worker with its own batch builders),
// and the chunks are booked and emitted in file order by one goroutine
// (commit: duplicate ids, the report, quarantine). Reports and records are
// the same as evaluating the rows one after the other.

// rowIn is one data row as read.
type rowIn struct {
	row, n int // row number in the file, data row number (pseudonym)
	cells  int // number of cells; they follow the previous row's in chunk.ends
	// formulas are the row's formula cells (XLSX; nil for almost every row).
	formulas []formulaCell
}

// rowOut is one evaluated row, for commit.
type rowOut struct {
	row, n int
	issues []Issue
	id     string // respondent id to check for duplicates, or ""
	dupAt  int
	pos    int // position in the chunk's record, -1 when not in it
}

// chunk is a run of data rows evaluated together into one record.
type chunk struct {
	rows []rowIn
	// The cells of all rows, copied out of the reader's buffer: their bytes
	// one after the other, and where each cell ends. Neither holds pointers,
	// so a chunk in flight costs the garbage collector nothing.
	text []byte
	ends []uint32
	// fail is the read error that ended the file early (the chunk's rows
	// are booked but not emitted, as the file is unusable).
	fail error
	done chan struct{}
	out  []rowOut
	rec  arrow.Record // the rows without errors, nil when none
}

func (e *engine) workers() int {
	return min(runtime.GOMAXPROCS(0), 4)
}

// runRows reads, evaluates and emits every data row after the header.
func (e *engine) runRows() error {
	work := make(chan *chunk, 1)
	e.stopped = new(atomic.Bool)
	// Buffers of evaluated chunks, for the reader to fill again (a free list,
	// not a sync.Pool: the collector empties those at every cycle).
	e.free = make(chan *chunk, e.workers()+3)
	order := make(chan *chunk, e.workers()+1)
	fatal := e.rep.fatal > 0 // only the header can make the file unusable before the rows
	var wg sync.WaitGroup
	engines := make([]*engine, e.workers())
	for w := range engines {
		we, err := e.worker()
		if err != nil {
			for _, we := range engines[:w] {
				we.bt.release()
			}
			return err
		}
		engines[w] = we
	}
	for _, we := range engines {
		wg.Go(func() {
			defer we.bt.release()
			for c := range work {
				we.evalChunk(c, fatal)
				close(c.done)
			}
		})
	}
	commitErr := make(chan error, 1)
	go func() { commitErr <- e.commitChunks(order) }()

	e.readChunks(work, order)
	close(work)
	close(order)
	wg.Wait()
	if err := <-commitErr; err != nil {
		return err
	}
	if e.ctx.Err() != nil {
		return context.Cause(e.ctx)
	}
	return nil
}

// readChunks cuts the data rows into chunks and hands them to the workers
// and, in the same order, to commit. It stops early when commit failed.
func (e *engine) readChunks(work, order chan<- *chunk) {
	size := e.opt.BatchSize
	newChunk := func() *chunk {
		c := new(chunk)
		select {
		case c = <-e.free:
		default:
		}
		*c = chunk{rows: c.rows[:0], text: c.text[:0], ends: c.ends[:0], done: make(chan struct{})}
		return c
	}
	c := newChunk()
	send := func() {
		work <- c
		order <- c
	}
	for {
		cells, row, err := e.src.next()
		if err == io.EOF || e.stopped.Load() {
			send()
			return
		}
		if err != nil {
			c.fail = err
			send()
			return
		}
		if blankRow(cells) {
			continue
		}
		e.n++
		for _, cell := range cells {
			c.text = append(c.text, cell...)
			c.ends = append(c.ends, uint32(len(c.text)))
		}
		c.rows = append(c.rows, rowIn{row: row, n: e.n, cells: len(cells), formulas: e.src.formulas(row)})
		if len(c.rows) == size {
			send()
			if e.ctx.Err() != nil {
				return // cancelled: runRows reports it
			}
			c = newChunk()
		}
	}
}

// isASCII reports whether b is all ASCII, eight bytes at a time.
func isASCII(b []byte) bool {
	var acc uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		acc |= binary.LittleEndian.Uint64(b[i:])
	}
	for ; i < len(b); i++ {
		acc |= uint64(b[i])
	}
	return acc&0x8080808080808080 == 0
}

// worker returns an engine for evaluating rows on another goroutine: it
// shares the plan and header bindings (read only) and has its own row state
// and batch builders.
func (e *engine) worker() (*engine, error) {
	bt, err := newBatch(e.opt.Mem, e.p.schema, e.p.dicts)
	if err != nil {
		return nil, err
	}
	w := *e
	w.bt = bt
	w.rep = nil // commit books the rows
	w.seen = nil
	w.res = make([]qres, len(e.p.questions))
	w.vals = make([]outVal, len(e.p.cols))
	w.issues, w.rowCells, w.listSet, w.flagSet, w.chosen = nil, nil, nil, nil, nil
	return &w, nil
}

// evalChunk evaluates a chunk's rows; rows without errors go into its record
// (unless the file is unusable).
func (e *engine) evalChunk(c *chunk, fatal bool) {
	c.out = make([]rowOut, len(c.rows))
	// One string of the chunk's text: the cells are windows of it (issues
	// may keep a value).
	text := string(c.text)
	k, start, rowStart := 0, 0, 0
	for i, r := range c.rows {
		cells := e.rowCells[:0]
		for range r.cells {
			end := int(c.ends[k])
			cells = append(cells, text[start:end])
			start = end
			k++
		}
		e.rowCells = cells
		e.row, e.n, e.cells, e.formulas = r.row, r.n, cells, r.formulas
		e.rowASCII = isASCII(c.text[rowStart:start])
		rowStart = start
		id, dupAt := e.eval()
		o := rowOut{row: r.row, n: r.n, id: id, dupAt: dupAt, pos: -1}
		if len(e.issues) > 0 {
			o.issues = append([]Issue(nil), e.issues...)
		}
		if !fatal && !rejects(e.issues) {
			o.pos = e.bt.n
			e.bt.append(e.vals)
		}
		c.out[i] = o
	}
	if e.bt.n > 0 {
		c.rec = e.bt.record()
	}
	// The raw cells are not needed any more: their buffers go back.
	select {
	case e.free <- &chunk{rows: c.rows[:0], text: c.text[:0], ends: c.ends[:0]}:
	default:
	}
	c.rows, c.text, c.ends = nil, nil, nil
}

// commitChunks books the chunks in file order and emits their records.
func (e *engine) commitChunks(order <-chan *chunk) error {
	var failed error
	for c := range order {
		<-c.done
		if failed != nil {
			if c.rec != nil {
				c.rec.Release()
			}
			continue
		}
		if failed = e.commitChunk(c); failed != nil {
			e.stopped.Store(true) // the reader stops at its next row
		}
	}
	return failed
}

func (e *engine) commitChunk(c *chunk) error {
	rec := c.rec
	defer func() {
		if rec != nil {
			rec.Release()
		}
	}()
	var drop []int // rows in the record that commit rejected (duplicate ids)
	accepted := 0
	for i := range c.out {
		o := &c.out[i]
		var ok bool
		o.issues, ok = e.commit(o.row, o.n, o.issues, o.id, o.dupAt)
		if ok {
			accepted++
		} else if o.pos >= 0 {
			drop = append(drop, o.pos)
		}
	}
	if c.fail != nil {
		// The file is unusable: rows not yet emitted are dropped.
		e.rep.Accepted -= accepted
		var se *sourceError
		if errors.As(c.fail, &se) {
			e.rep.add(Issue{Code: se.code, Row: se.row, Message: se.msg}, true)
			return nil
		}
		return fmt.Errorf("ingest: %s: %w", e.rep.File, c.fail)
	}
	if rec == nil || accepted == 0 {
		return nil
	}
	if len(drop) > 0 {
		kept, err := without(e.opt.Mem, rec, drop)
		if err != nil {
			return fmt.Errorf("ingest: %s: %w", e.rep.File, err)
		}
		rec.Release()
		rec = kept
	}
	if err := e.emit(rec); err != nil {
		return fmt.Errorf("ingest: %s: emit: %w", e.rep.File, err)
	}
	return nil
}

// without returns rec without the given rows (in increasing order): rows
// that commit rejected after a worker had put them in the record (duplicate
// ids, a rare error). arrow/go v15 cannot filter dictionary arrays, so their
// indices are filtered and the dictionary kept.
func without(mem memory.Allocator, rec arrow.Record, drop []int) (arrow.Record, error) {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	k := 0
	for i := 0; i < int(rec.NumRows()); i++ {
		keep := k >= len(drop) || drop[k] != i
		if !keep {
			k++
		}
		b.Append(keep)
	}
	filter := b.NewArray()
	defer filter.Release()
	ctx := compute.WithAllocator(context.Background(), mem)
	opts := *compute.DefaultFilterOptions()
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, col := range rec.Columns() {
		d, isDict := col.(*array.Dictionary)
		if isDict {
			col = d.Indices()
		}
		kept, err := compute.FilterArray(ctx, col, filter, opts)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", rec.ColumnName(i), err)
		}
		if isDict {
			cols[i] = array.NewDictionaryArray(d.DataType(), kept, d.Dictionary())
			kept.Release()
		} else {
			cols[i] = kept
		}
	}
	return array.NewRecord(rec.Schema(), cols, int64(int(rec.NumRows())-len(drop))), nil
}
