package columnar

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
)

// IPCPath returns where a dataset's Arrow IPC (Feather v2) file for one year
// lives under root: <root>/<dataset>/year=<YYYY>/part-0.arrow.
func IPCPath(root, dataset string, year int) string {
	return filepath.Join(root, dataset, "year="+strconv.Itoa(year), "part-0.arrow")
}

// IPCWriter streams record batches into one Arrow IPC file (Feather v2).
// Dictionary columns must carry the same dictionary in every batch (the IPC
// file format has no dictionary replacement).
type IPCWriter struct {
	w *ipc.FileWriter
}

// NewIPCWriter starts an IPC file with schema on w.
func NewIPCWriter(w io.WriteSeeker, schema *arrow.Schema) (*IPCWriter, error) {
	fw, err := ipc.NewFileWriter(w, ipc.WithSchema(schema))
	if err != nil {
		return nil, fmt.Errorf("arrow ipc: %w", err)
	}
	return &IPCWriter{w: fw}, nil
}

// Write appends a record batch.
func (p *IPCWriter) Write(rec arrow.Record) error {
	if err := p.w.Write(rec); err != nil {
		return fmt.Errorf("arrow ipc: write record: %w", err)
	}
	return nil
}

// Close writes the footer; it does not close the underlying writer.
func (p *IPCWriter) Close() error {
	if err := p.w.Close(); err != nil {
		return fmt.Errorf("arrow ipc: close: %w", err)
	}
	return nil
}
