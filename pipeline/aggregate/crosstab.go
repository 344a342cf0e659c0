package aggregate

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"

	"github.com/csirt-survey/csirt-survey/pipeline/published"
	"github.com/csirt-survey/csirt-survey/pipeline/questionnaire"
)

// Crosstab counts respondents by the rows of two tables: a respondent in both
// bases counts once for every pair of rows it falls in.
type Crosstab struct {
	a, b  *table
	pairs map[[2]int]int64
}

// NewCrosstab prepares a crosstab of two published-table specs.
func NewCrosstab(q *questionnaire.Questionnaire, a, b *published.Spec) (*Crosstab, error) {
	ta, err := newTable(q, a)
	if err != nil {
		return nil, fmt.Errorf("aggregate: crosstab %s: %w", a.Key, err)
	}
	tb, err := newTable(q, b)
	if err != nil {
		return nil, fmt.Errorf("aggregate: crosstab %s: %w", b.Key, err)
	}
	return &Crosstab{a: ta, b: tb, pairs: map[[2]int]int64{}}, nil
}

// Add counts one record batch of processed/responses.
func (x *Crosstab) Add(rec arrow.Record) error {
	b := batch{rec: rec, idx: map[string]int{}}
	for i, f := range rec.Schema().Fields() {
		b.idx[f.Name] = i
	}
	for _, t := range []*table{x.a, x.b} {
		for _, col := range t.cols {
			if _, ok := b.idx[col]; !ok {
				return fmt.Errorf("aggregate: crosstab: table %s needs column %s", t.spec.Key, col)
			}
		}
	}
	var ra, rb []int
	ca, cb := x.a.bind(b), x.b.bind(b)
	for i := 0; i < int(rec.NumRows()); i++ {
		var inA, inB bool
		ra, inA = ca(i, ra[:0])
		rb, inB = cb(i, rb[:0])
		if !inA || !inB {
			continue
		}
		for _, r := range ra {
			for _, s := range rb {
				x.pairs[[2]int{r, s}]++
			}
		}
	}
	return nil
}

// CrosstabSchema is the Arrow schema of processed/crosstabs.
var CrosstabSchema = arrow.NewSchema([]arrow.Field{
	{Name: "table_a", Type: arrow.BinaryTypes.String},
	{Name: "row_a", Type: arrow.PrimitiveTypes.Int32},
	{Name: "code_a", Type: arrow.BinaryTypes.String},
	{Name: "label_a_ja", Type: arrow.BinaryTypes.String},
	{Name: "table_b", Type: arrow.BinaryTypes.String},
	{Name: "row_b", Type: arrow.PrimitiveTypes.Int32},
	{Name: "code_b", Type: arrow.BinaryTypes.String},
	{Name: "label_b_ja", Type: arrow.BinaryTypes.String},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	{Name: "share_of_a", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// Frame returns the crosstab as a gota DataFrame with every pair of rows
// (zero counts included), sorted by row_a then row_b, and each pair's share
// of its row_a total: NA (gota's missing value) when no respondent is in
// row_a, so there is no share to give.
func (x *Crosstab) Frame() dataframe.DataFrame {
	var rowA, rowB, count []int
	for i := range x.a.spec.Categories {
		for j := range x.b.spec.Categories {
			rowA, rowB = append(rowA, i+1), append(rowB, j+1)
			count = append(count, int(x.pairs[[2]int{i, j}]))
		}
	}
	df := dataframe.New(
		series.New(rowA, series.Int, "row_a"),
		series.New(rowB, series.Int, "row_b"),
		series.New(count, series.Int, "count"),
	)
	totals := sortedFrame(df.GroupBy("row_a").Aggregation([]dataframe.AggregationType{dataframe.Aggregation_SUM}, []string{"count"}), "row_a")
	df = sortedFrame(df.InnerJoin(totals, "row_a"), "row_a", "row_b")
	share := make([]float64, df.Nrow())
	cnt, tot := df.Col("count").Float(), df.Col("count_SUM").Float()
	for i := range share {
		if tot[i] > 0 {
			share[i] = cnt[i] / tot[i]
		} else {
			share[i] = math.NaN() // no respondent in row a: NA in the frame, null in the dataset
		}
	}
	return df.Mutate(series.New(share, series.Float, "share_of_a"))
}

// sortedFrame is the adapter that makes gota deterministic: GroupBy and joins
// return rows in map order, so every result is sorted by its keys.
func sortedFrame(df dataframe.DataFrame, keys ...string) dataframe.DataFrame {
	order := make([]dataframe.Order, len(keys))
	for i, k := range keys {
		order[i] = dataframe.Sort(k)
	}
	return df.Arrange(order...)
}

// Record returns the crosstab as an Arrow record; the caller releases it.
func (x *Crosstab) Record(mem memory.Allocator) (arrow.Record, error) {
	df := x.Frame()
	if df.Err != nil {
		return nil, fmt.Errorf("aggregate: crosstab %s x %s: %w", x.a.spec.Key, x.b.spec.Key, df.Err)
	}
	b := array.NewRecordBuilder(mem, CrosstabSchema)
	defer b.Release()
	ra, rb, cnt, share := df.Col("row_a").Records(), df.Col("row_b"), df.Col("count"), df.Col("share_of_a")
	for i := range ra {
		rowA, _ := df.Col("row_a").Elem(i).Int()
		rowB, _ := rb.Elem(i).Int()
		c, _ := cnt.Elem(i).Int()
		ca, cb := x.a.spec.Categories[rowA-1], x.b.spec.Categories[rowB-1]
		b.Field(0).(*array.StringBuilder).Append(x.a.spec.Key)
		b.Field(1).(*array.Int32Builder).Append(int32(rowA))
		b.Field(2).(*array.StringBuilder).Append(ca.Code)
		b.Field(3).(*array.StringBuilder).Append(ca.LabelJA)
		b.Field(4).(*array.StringBuilder).Append(x.b.spec.Key)
		b.Field(5).(*array.Int32Builder).Append(int32(rowB))
		b.Field(6).(*array.StringBuilder).Append(cb.Code)
		b.Field(7).(*array.StringBuilder).Append(cb.LabelJA)
		b.Field(8).(*array.Int64Builder).Append(int64(c))
		if e := share.Elem(i); e.IsNA() {
			b.Field(9).AppendNull()
		} else {
			b.Field(9).(*array.Float64Builder).Append(e.Float())
		}
	}
	return b.NewRecord(), nil
}
