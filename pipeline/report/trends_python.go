package report

import (
	"fmt"
	"strings"
)

// Python sources of the trends notebook's code cells.

// pyTrendsParameters is the papermill/Quarto parameters cell.
func pyTrendsParameters() string {
	return `# Parameters (papermill / Quarto): the language of labels ("ja" or "en") and
# the processed/ directory, relative to this notebook (reports/).
lang = "ja"
processed = "../processed"`
}

// pyTrendsSetup loads the datasets of every year.
const pyTrendsSetup = `import os

import pandas as pd
from IPython.display import display

pd.set_option("display.max_rows", 500)
pd.set_option("display.max_colwidth", None)


def load(dataset, columns=None):
    """processed/<dataset> of every year (Hive layout: year=<YYYY>/ gives the
    year column), read by pandas with pyarrow; None without the dataset."""
    path = f"{processed}/{dataset}"
    if not os.path.isdir(path):
        return None
    df = pd.read_parquet(path, engine="pyarrow", columns=columns)
    df["year"] = df["year"].astype(int)
    return df


tr = load("trends")               # per year, every category of every choice question, keyed across years
cb = load("codebook")             # question texts and matrix row labels
resp = load("responses", columns=["year", "provenance"])
if tr is None:
    tr = pd.DataFrame(columns=["year", "concept", "row", "cell", "category", "item", "question_id",
                               "label_ja", "label_en", "count", "n", "derived"])
tr[["row", "cell"]] = tr[["row", "cell"]].fillna("")    # null outside matrix items
YEARS = sorted(set(tr["year"]))`

// pyTrendsTables builds the overview, the tables and the charts.
func pyTrendsTables() string {
	var b strings.Builder
	b.WriteString("# Labels of the shown columns.\n")
	fmt.Fprintf(&b, "T_COLS = %s\n", pyDict(trendCols))
	fmt.Fprintf(&b, "O_COLS = %s\n", pyDict(overviewCols))
	fmt.Fprintf(&b, "S_COLS = %s\n", pyDict(singleCols))
	b.WriteString(`KEYS = ["row", "cell", "category"]
ABSENT = "` + absent + `"

items = cb[cb.kind == "item"]
rows = cb[cb.kind == "row"]
QUESTIONS = {(y, q): t for y, q, t in zip(items["year"], items["question_id"], items[f"label_{lang}"])}
SEQ = {(y, q): s for y, q, s in zip(items["year"], items["question_id"], items["seq"])}
ROW_LABELS = {(y, q, c): t for y, q, c, t in zip(rows["year"], rows["question_id"], rows["code"], rows[f"label_{lang}"])}
YEARS_ASKED = tr.groupby("concept")["year"].nunique()
COMPARED = set(YEARS_ASKED[YEARS_ASKED > 1].index)


def overview():
    """Per year: respondents and their provenance, concepts asked, concepts compared with another year."""
    c = O_COLS[lang]
    out = []
    for y in YEARS:
        r = resp[resp.year == y]
        asked = set(tr.loc[tr.year == y, "concept"])
        out.append({c["year"]: str(y), c["respondents"]: len(r),
                    c["provenance"]: ", ".join(sorted(set(r["provenance"].astype(str)))),
                    c["concepts"]: len(asked), c["compared"]: len(asked & COMPARED)})
    return pd.DataFrame(out, columns=[c[k] for k in ["year", "respondents", "provenance", "concepts", "compared"]])


def trend_rows(concept):
    """The categories of concept in code order (matrix row, cell, category):
    the key, the label in the latest year with the category, the matrix row's
    label, and per year (count, n, derived), None where the year lacks it."""
    t = tr[tr.concept == concept].sort_values(KEYS + ["year"])
    out = []
    for key, g in t.groupby(KEYS, sort=True):
        last = g.iloc[-1]
        values = {y: (int(c), int(n), bool(d)) for y, c, n, d in zip(g["year"], g["count"], g["n"], g["derived"])}
        row_label = ROW_LABELS.get((last["year"], last["question_id"], key[0]), key[0]) if key[0] else ""
        out.append((key, last[f"label_{lang}"], row_label, [values.get(y) for y in YEARS]))
    return out


def trend_table(concept):
    """Category x year: the share of the year's N, with count/N."""
    c = T_COLS[lang]
    rows = trend_rows(concept)
    matrix = any(key[0] for key, _, _, _ in rows)
    out = []
    for (row, cell, cat), label, row_label, values in rows:
        r = {c["row"]: row, c["cell"]: cell, c["code"]: cat, c["row_label"]: row_label} if matrix else {c["code"]: cat}
        r[c["option"]] = label
        r.update({str(y): ABSENT if v is None else share_text(*v) for y, v in zip(YEARS, values)})
        out.append(r)
    return pd.DataFrame(out).set_index([c["row"], c["cell"], c["code"]] if matrix else c["code"])


def trend_chart(concept):
    """Grouped bars: one group per category, one bar per year."""
    last = tr[tr.concept == concept].sort_values("year").iloc[-1]
    title = f'{last["item"]} ' + QUESTIONS.get((last["year"], last["question_id"]), concept)
    groups = [(f"{key[0]} {row_label} · {key[1]}: {label}" if key[0] else label, values)
              for key, label, row_label, values in trend_rows(concept)]
    return Chart(grouped_svg(title, YEARS, groups), grouped_text(title, YEARS, groups))


def one_year_only():
    """The concepts asked in one year only, by year and questionnaire order."""
    c = S_COLS[lang]
    t = tr[~tr.concept.isin(COMPARED)].drop_duplicates("concept")
    t = t.assign(question=[QUESTIONS.get(k, "") for k in zip(t["year"], t["question_id"])],
                 seq=[SEQ.get(k, 0) for k in zip(t["year"], t["question_id"])]).sort_values(["year", "seq", "concept"])
    t = t.assign(year=t["year"].astype(str))[["concept", "year", "item", "question_id", "question"]]
    return t.rename(columns=c).reset_index(drop=True)`)
	return b.String()
}

// pyTrend is the code cell of one concept.
func pyTrend(concept string) string {
	c := pyStr(concept)
	return "display(trend_table(" + c + "))\ndisplay(trend_chart(" + c + "))"
}

const pyTrendsOverview = `display(overview())`

const pyTrendsSingle = `display(one_year_only())`
