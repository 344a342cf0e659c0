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


tr = load("trends")               # per year, every item's categories, keyed across years (status: numbers, not_published, no_numbers, unknown)
cb = load("codebook")             # question texts and matrix row labels
resp = load("responses", columns=["year", "provenance"])
if tr is None:
    tr = pd.DataFrame(columns=["year", "concept", "row", "cell", "category", "item", "question_id", "type",
                               "label_ja", "label_en", "count", "n", "derived", "status", "source"])
tr[["row", "cell", "category"]] = tr[["row", "cell", "category"]].fillna("")    # null outside matrix items; category: the item row
YEARS = sorted(set(tr["year"]))`

// pyTrendsTables builds the overview, the tables and the charts.
func pyTrendsTables() string {
	var b strings.Builder
	b.WriteString("# Labels of the shown columns.\n")
	fmt.Fprintf(&b, "T_COLS = %s\n", pyDict(trendCols))
	fmt.Fprintf(&b, "O_COLS = %s\n", pyDict(overviewCols))
	fmt.Fprintf(&b, "S_COLS = %s\n", pyDict(singleCols))
	fmt.Fprintf(&b, "NO_VALUE = %s\n", pyDict(map[string]text{TrendNotPublished: trendsUI["cellNotPublished"], TrendUnknown: trendsUI["cellUnknown"]}))
	b.WriteString(`KEYS = ["row", "cell", "category"]
ABSENT = "` + absent + `"


def shown(df):
    """df as the tables show it: a missing value as – (rather than <NA>)."""
    return df.astype(object).where(df.notna(), "–")


items = cb[cb.kind == "item"]
rows = cb[cb.kind == "row"]
QUESTIONS = {(y, q): t for y, q, t in zip(items["year"], items["question_id"], items[f"label_{lang}"])}
SEQ = {(y, q): s for y, q, s in zip(items["year"], items["question_id"], items["seq"])}
ROW_LABELS = {(y, q, c): t for y, q, c, t in zip(rows["year"], rows["question_id"], rows["code"], rows[f"label_{lang}"])}
UNKNOWN_ITEM = (tr.category == "") & (tr.status == "unknown")     # an earlier year's item this year's sources do not show
ASKED = tr[~UNKNOWN_ITEM]
NUMBERS = tr[tr.status == "numbers"]
YEARS_WITH_NUMBERS = NUMBERS.groupby("concept")["year"].nunique()
COMPARED = set(YEARS_WITH_NUMBERS[YEARS_WITH_NUMBERS > 1].index)   # numbers in two years or more
SOURCE = dict(zip(tr["year"], tr["source"]))


def overview():
    """Per year: where its numbers come from, respondents and their provenance, concepts asked,
    with numbers, compared with another year, unknown."""
    c = O_COLS[lang]
    out = []
    for y in YEARS:
        published = SOURCE.get(y) == "published"
        r = resp[resp.year == y] if resp is not None else resp
        asked = set(ASKED.loc[ASKED.year == y, "concept"])
        numbers = set(NUMBERS.loc[NUMBERS.year == y, "concept"])
        unknown = set(tr.loc[UNKNOWN_ITEM & (tr.year == y), "concept"])
        out.append({c["year"]: str(y), c["source"]: SOURCE.get(y, "responses"),
                    c["respondents"]: None if published or r is None else len(r),
                    c["provenance"]: None if published or r is None else ", ".join(sorted(set(r["provenance"].astype(str)))),
                    c["concepts"]: len(asked), c["numbers"]: len(numbers), c["compared"]: len(numbers & COMPARED),
                    c["unknown"]: len(unknown)})
    keys = ["year", "source", "respondents", "provenance", "concepts", "numbers", "compared", "unknown"]
    return pd.DataFrame(out, columns=[c[k] for k in keys]).astype({c["respondents"]: "Int64"})


def trend_rows(concept):
    """The categories of concept in code order (matrix row, cell, category):
    the key, the label in the latest year with the category, the matrix row's
    label, and per year (count, n, derived), None where the year lacks it."""
    t = tr[(tr.concept == concept) & (tr.category != "")].sort_values(KEYS + ["year"])
    out = []
    for key, g in t.groupby(KEYS, sort=True):
        last = g.iloc[-1]
        values = {y: (int(c), int(n), bool(d)) if s == "numbers" else NO_VALUE[lang][s]
                  for y, c, n, d, s in zip(g["year"], g["count"], g["n"], g["derived"], g["status"])}
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
        r.update({str(y): ABSENT if v is None else v if isinstance(v, str) else share_text(*v) for y, v in zip(YEARS, values)})
        out.append(r)
    return pd.DataFrame(out).set_index([c["row"], c["cell"], c["code"]] if matrix else c["code"])


def trend_chart(concept):
    """Grouped bars: one group per category, one bar per year."""
    last = tr[tr.concept == concept].sort_values("year").iloc[-1]
    title = f'{last["item"]} ' + QUESTIONS.get((last["year"], last["question_id"]), concept)
    groups = [(f"{key[0]} {row_label} · {key[1]}: {label}" if key[0] else label,
               [None if isinstance(v, str) else v for v in values])
              for key, label, row_label, values in trend_rows(concept)]
    return grouped_chart(title, YEARS, groups, ABSENT, lang)


def years_text(years):
    return ", ".join(str(y) for y in sorted(set(years)))


def one_year_only():
    """The concepts not compared, whatever their type (asked in one year only, with numbers in one
    year only, unknown in a year), by their latest year and questionnaire order."""
    c = S_COLS[lang]
    out = []
    for concept, g in tr[~tr.concept.isin(COMPARED)].groupby("concept"):
        asked = g[~UNKNOWN_ITEM.loc[g.index]]
        last = (asked if len(asked) else g).sort_values("year").iloc[-1]
        out.append({"concept": concept, "year": str(last["year"]), "item": last["item"], "question_id": last["question_id"],
                    "type": last["type"], "question": QUESTIONS.get((last["year"], last["question_id"]), last[f"label_{lang}"]),
                    "asked": years_text(asked["year"]), "numbers": years_text(g.loc[g.status == "numbers", "year"]),
                    "unknown": years_text(g.loc[UNKNOWN_ITEM.loc[g.index], "year"]),
                    "_y": int(last["year"]), "_seq": SEQ.get((last["year"], last["question_id"]), 1 << 30) if len(asked) else 1 << 30})
    keys = ["concept", "year", "item", "question_id", "type", "question", "asked", "numbers", "unknown"]
    t = pd.DataFrame(out, columns=keys + ["_y", "_seq"]).sort_values(["_y", "_seq", "concept"])
    return t[keys].rename(columns=c).reset_index(drop=True)`)
	return b.String()
}

// pyTrend is the code cell of one concept.
func pyTrend(concept string) string {
	c := pyStr(concept)
	return "display(shown(trend_table(" + c + ")))\ndisplay(trend_chart(" + c + "))"
}

const pyTrendsOverview = `display(shown(overview()))`

const pyTrendsSingle = `display(shown(one_year_only()))`
