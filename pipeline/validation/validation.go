// Package validation computes the validation and rejects datasets
// (processed/validation, processed/rejects) from what ingest found in a
// year's raw responses: one row per listed issue, and one per row rejected
// under quarantine.
package validation

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/csirt-survey/csirt-survey/pipeline/ingest"
)

// Schema is the schema of processed/validation: one row per listed
// issue. row is null for whole-file problems; column, item and value are null
// when empty.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "code", Type: arrow.BinaryTypes.String},
	{Name: "severity", Type: arrow.BinaryTypes.String},
	{Name: "file", Type: arrow.BinaryTypes.String},
	{Name: "row", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "column", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "item", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "message", Type: arrow.BinaryTypes.String},
}, nil)

// Record returns the listed issues of r as a record with
// Schema (file as its base name only). When the listing was
// truncated, a last row with code issues_truncated gives the complete totals.
// The caller must Release the record.
func Record(mem memory.Allocator, r *ingest.Report) arrow.Record {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	opt := func(i int, v string) {
		if v == "" {
			b.Field(i).AppendNull()
		} else {
			str(i, v)
		}
	}
	issues := r.Issues
	if r.Truncated {
		listed := len(r.Issues)
		total := 0
		for _, n := range r.Totals {
			total += n
		}
		codes := make([]string, 0, len(r.Totals))
		for c := range r.Totals {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = fmt.Sprintf("%s %d", c, r.Totals[c])
		}
		issues = append(slices.Clip(issues), ingest.Issue{
			Code: ingest.CodeIssuesTruncated, Severity: ingest.Severity(ingest.CodeIssuesTruncated), File: r.File,
			Message: fmt.Sprintf("%d of %d issues listed; totals by code: %s", listed, total, strings.Join(parts, ", ")),
		})
	}
	for _, is := range issues {
		str(0, is.Code)
		str(1, is.Severity)
		str(2, filepath.Base(is.File))
		if is.Row > 0 {
			b.Field(3).(*array.Int32Builder).Append(int32(is.Row))
		} else {
			b.Field(3).AppendNull()
		}
		opt(4, is.Column)
		opt(5, is.Item)
		opt(6, is.Value)
		str(7, is.Message)
	}
	return b.NewRecord()
}

// RejectsSchema is the schema of processed/rejects: one row per rejected row.
var RejectsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "respondent_id", Type: arrow.BinaryTypes.String},
	{Name: "row", Type: arrow.PrimitiveTypes.Int32},
	{Name: "codes", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	{Name: "messages", Type: arrow.ListOf(arrow.BinaryTypes.String)},
}, nil)

// RejectsRecord returns r.Rejects as a record with RejectsSchema. The caller
// must Release it.
func RejectsRecord(mem memory.Allocator, r *ingest.Report) arrow.Record {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	b := array.NewRecordBuilder(mem, RejectsSchema)
	defer b.Release()
	codes := b.Field(2).(*array.ListBuilder)
	codeVals := codes.ValueBuilder().(*array.StringBuilder)
	msgs := b.Field(3).(*array.ListBuilder)
	msgVals := msgs.ValueBuilder().(*array.StringBuilder)
	for _, rj := range r.Rejects {
		b.Field(0).(*array.StringBuilder).Append(rj.RespondentID)
		b.Field(1).(*array.Int32Builder).Append(int32(rj.Row))
		codes.Append(true)
		for _, c := range rj.Codes {
			codeVals.Append(c)
		}
		msgs.Append(true)
		for _, m := range rj.Messages {
			msgVals.Append(m)
		}
	}
	return b.NewRecord()
}
