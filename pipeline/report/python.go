package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Python sources of the notebooks' code cells. The same code runs in both
// editions; the parameters cell sets lang.

// pyParameters is the papermill/Quarto parameters cell.
func pyParameters(year int, l lang) string {
	return fmt.Sprintf(`# Parameters (papermill / Quarto): the survey year, the language of labels
# ("ja" or "en") and the processed/ directory, relative to this notebook.
year = %d
lang = %q
processed = "../../processed"`, year, l.code())
}

// pySetup loads the datasets.
const pySetup = `import importlib.util
import os
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from IPython.display import display

# read_parquet(dtype_backend=...) needs pandas 2 and pyarrow
if int(pd.__version__.split(".")[0]) < 2 or importlib.util.find_spec("pyarrow") is None:
    raise ImportError(f"these cells need pandas >= 2 with pyarrow; found pandas {pd.__version__}, pyarrow "
                      + ("installed" if importlib.util.find_spec("pyarrow") else "missing")
                      + " (pip install 'pandas>=2' pyarrow, or conda install 'pandas>=2' pyarrow)")

pd.set_option("display.max_rows", 500)
pd.set_option("display.max_colwidth", None)


def load(dataset):
    """The year's partition of processed/<dataset> (Hive layout: year=<year>/),
    read by pandas with pyarrow; None when the year has no such dataset."""
    path = f"{processed}/{dataset}/year={year}"
    if not os.path.isdir(path):
        return None
    return pd.read_parquet(path, engine="pyarrow", dtype_backend="numpy_nullable")


def years(dataset="published"):
    """The years processed/<dataset> holds."""
    path = f"{processed}/{dataset}"
    if not os.path.isdir(path):
        return []
    return sorted(int(n.removeprefix("year=")) for n in os.listdir(path) if n.startswith("year="))


def need(dataset):
    """load(dataset), or a clear error when the year has no such dataset."""
    df = load(dataset)
    if df is None:
        raise LookupError(f"processed/{dataset} holds no data for year {year} (it holds {years(dataset)}): "
                          f"this cell shows what only those years have")
    return df


def shown(df):
    """df as the tables show it: a missing value as – (rather than <NA>)."""
    return df.astype(object).where(df.notna(), "–")


def half_up(x, d):
    """x rounded half up to d decimals (四捨五入), as the printed report rounds:
    31.25 -> 31.3 where round() and Series.round give 31.2."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP))


def rnd(s, d):
    """A Series rounded half up; missing values stay missing."""
    return s.map(lambda x: half_up(x, d), na_action="ignore").astype("Float64")


if year not in years():
    raise ValueError(f"year = {year}: processed/ holds the years {years()}; set year to one of them")
pub = load("published")          # the printed tables, one row per printed row
if pub is not None:
    # Rows are labelled as the report prints them; the questionnaire's label where the
    # extraction lost part of the printed one (label_lost).
    pub["label_ja"] = [q if (not pd.isna(lost) and bool(lost)) or not isinstance(pr, str) or not pr else pr
                       for q, pr, lost in zip(pub["label_ja"], pub["printed_label_ja"], pub["label_lost"])]
freq = load("frequencies")       # the same tables computed from the responses
rec = load("reconciliation")     # printed vs computed, per cell (row_no 0 = N)`

// pyTables builds the published tables; the dictionaries are the labels of
// the shown columns and values, in both languages.
func pyTables() string {
	var b strings.Builder
	b.WriteString("# Labels of the shown columns and values.\n")
	fmt.Fprintf(&b, "COLS = %s\n", pyDict(tableCols))
	fmt.Fprintf(&b, "STATUS = %s\n", pyDict(statusLabels))
	fmt.Fprintf(&b, "BASE = %s\n", pyDict(baseShort))
	fmt.Fprintf(&b, "MARK = %s\n", pyLang(ui["chosenMark"]))
	b.WriteString(`

def base_text(base):
    """Who forms N, in words."""
    if base.startswith("group:"):
        return BASE[lang]["group"].format(base[len("group:"):])
    return BASE[lang].get(base, base)


def na(v, kind=int):
    return None if pd.isna(v) else kind(v)


def table(key):
    """The published table key: per printed row the count and % computed from
    the responses, the printed count and the reconciliation status; last, the
    N row (who forms N, computed N, printed N, status). Without responses: the
    printed counts and their % of the printed N."""
    c = COLS[lang]
    p = pub[pub.table_key == key].sort_values("row_no")
    if p.empty:
        raise KeyError(f"table {key} is not among the published tables of {year} ({', '.join(pub.table_key.unique())}); "
                       f"reports/{year}/report.ipynb shows that year's tables")
    t = p[["row_no", "code", f"label_{lang}", "count"]].rename(columns={f"label_{lang}": "label", "count": "published"})
    n_printed, base = p["n"].iloc[0], p["base"].iloc[0]
    n_row = {"row_no": "N", "code": "", "label": f"N ({base_text(base)})", "pct": pd.NA, "published": n_printed}
    if freq is not None:
        f = freq[freq.table_key == key][["row_no", "count", "n"]]
        r = rec[rec.table_key == key][["row_no", "status", "count_basis"]]
        t = t.merge(f, on="row_no", how="left").merge(r, on="row_no", how="left")
        if resp is not None and (resp["provenance"] == "reconstructed").any():
            # the count of a row whose printed number was lost is the reconstruction's choice
            t.loc[(t["status"] == "lost") & (t["count_basis"] == "chosen") & t["count"].notna(), "status"] = "lost_chosen"
        t["pct"] = rnd(100 * t["count"] / t["n"], 1)
        n_row.update(count=f["n"].iloc[0], status=r.loc[r.row_no == 0, "status"].iloc[0])
        cols = ["row_no", "code", "label", "count", "pct", "published", "status"]
    else:
        t["pct"] = rnd(100 * t["published"] / n_printed, 1)
        cols = ["row_no", "code", "label", "published", "pct"]
    t = pd.concat([t[cols].astype({"row_no": str}), pd.DataFrame([n_row])[cols]], ignore_index=True)
    if "status" in t:
        t["status"] = t["status"].map(STATUS[lang])
    return t.rename(columns=c).set_index(c["row_no"])


def source():
    """Where the charts' counts come from (charts.py's src_*)."""
    if freq is None:
        return "published"
    return resp["provenance"].iloc[0] if resp is not None and len(resp) else "collected"


def chart_data(key):
    """What the chart of table key shows: per printed row (label, count, %,
    what the count rests on) and N, as charts.py's bar_chart takes them. The
    count is computed from the responses (the printed one without them);
    where the report contradicts itself, the printed one."""
    p = pub[pub.table_key == key].sort_values("row_no")
    labels, printed = list(p[f"label_{lang}"]), [na(v) for v in p["count"]]
    codes = list(zip(p["code"], p["code_kind"]))
    page, n_printed = na(p["page"].iloc[0]), na(p["n"].iloc[0])
    args = dict(lang=lang, title=f"{key} " + p[f"title_{lang}"].iloc[0], n_printed=n_printed, base=base_text(p["base"].iloc[0]),
                multi=bool(p["multi"].iloc[0]), page=page, source=source(), partial=bool(p["partial"].iloc[0]))
    if freq is None:
        bases = list(p["count_status"])
        values = printed
        args.update(n=n_printed, n_basis=p["n_status"].iloc[0])
        n = n_printed
    else:
        f = freq[freq.table_key == key].set_index("row_no")
        r = rec[rec.table_key == key].set_index("row_no")
        n = na(f["n"].iloc[0]) if len(f) else None
        rows = list(p["row_no"])
        bases = [r.at[i, "count_basis"] if i in r.index else "" for i in rows]
        # only a reconstruction chooses counts: elsewhere a lost count is computed, unchecked
        bases = ["lost" if b == "chosen" and source() != "reconstructed" else b for b in bases]
        values = [printed[j] if b == "contradicted" else (na(f.at[i, "count"]) if i in f.index else None)
                  for j, (i, b) in enumerate(zip(rows, bases))]
        args.update(n=n, n_basis=r.at[0, "count_basis"] if 0 in r.index else "")
    pct = [None if v is None or not n else float(half_up(100 * v / n, 1)) for v in values]
    args["bars"] = list(zip(labels, values, pct, bases))
    return args, codes  # codes: (code, code kind) per row


def chart(key):
    """The bar chart of table key (charts.py's bar_chart)."""
    args, _ = chart_data(key)
    return bar_chart(**args)


def matrix(item, keys, rows, total=None, outside=None):
    """One chart of the tables keys, which count one cell of the matrix rows
    rows of item with categories in common (charts.py's matrix_chart): the
    categories in order of first appearance, 未回答 last; total is a table of
    the item over all respondents, outside what those outside a row's N
    answered, in both languages."""
    cb = need("codebook")
    question = cb[(cb.kind == "item") & (cb.item == item)][f"label_{lang}"].iloc[0]
    row_label = cb[(cb.kind == "row") & (cb.item == item)].set_index("code")[f"label_{lang}"]
    data = [chart_data(k) for k in keys]
    cats, names, missing = [], [], None
    for args, codes in data:
        for (label, _, _, _), (code, kind) in zip(args["bars"], codes):
            if code in cats or (missing and code == missing[0]):
                continue
            if kind == "missing":
                missing = missing or (code, label)
                continue
            cats.append(code)
            names.append(label)
    if missing:
        cats.append(missing[0])
        names.append(missing[1])
    out = []
    for row, (args, codes) in zip(rows, data):
        counts, bases = [None] * len(cats), [""] * len(cats)
        for (_, v, _, b), (code, _) in zip(args["bars"], codes):
            counts[cats.index(code)], bases[cats.index(code)] = v, b
        out.append((row, row_label[row], counts, bases, args["n"], args["n_basis"]))
    legend = {"names": names, "missing_last": missing is not None, "derived": outside[lang] if outside else ""}
    args = dict(lang=lang, item=item, question=question, first=keys[0], last=keys[-1], legend=legend, rows=out,
                page=data[0][0]["page"], source=source())
    if total is not None and outside:
        t, _ = chart_data(total)
        args.update(total=t["n"], total_basis=t["n_basis"])
    return matrix_chart(**args)
`)
	return b.String()
}

// pyTable is the code cell of one published table: the table, and its
// chart (the matrix chart of its group for a group's first table, none for
// the group's others).
func pyTable(m *model, pt *ptable) string {
	k := strconv.Quote(pt.Key)
	src := "t = table(" + k + ")\ndisplay(shown(t))"
	if _, ok := m.charts[chartKey(ja, pt.ID)]; ok {
		return src + "\ndisplay(chart(" + k + "))"
	}
	if _, ok := m.charts[chartKey(ja, matrixChartID+pt.ID)]; ok {
		g := m.matrixGroups()[pt.ID]
		keys, rows := make([]string, len(g.tables)), make([]string, len(g.tables))
		for i, t := range g.tables {
			keys[i], rows[i] = pyStr(t.Key), pyStr(t.matrixRow)
		}
		total, outside := "None", "None"
		if g.total != nil && g.outside.JA != "" {
			total, outside = pyStr(g.total.Key), pyLang(g.outside)
		}
		return fmt.Sprintf("%s\ndisplay(matrix(%s,\n           [%s],\n           [%s],\n           total=%s, outside=%s))",
			src, pyStr(g.item), pyList(keys, 8), pyList(rows, 12), total, outside)
	}
	return src
}

// pyOverview counts the respondent rows by provenance, in words.
func pyOverview() string {
	return fmt.Sprintf(`O_COLS = %s
PROVENANCE = %s
resp = load("responses")
if resp is not None:
    prov = resp["provenance"].value_counts()
    prov.index = [PROVENANCE[lang].get(p, p) for p in prov.index]
    display(shown(prov.rename_axis(O_COLS[lang]["provenance"]).to_frame(O_COLS[lang]["respondents"])))`, pyDict(respondentRowsCols), pyDict(provenanceWords))
}

func pyMaturity() string {
	var b strings.Builder
	fmt.Fprintf(&b, "M_COLS = %s\n", pyDict(maturityCols))
	fmt.Fprintf(&b, "LEVELS = %s\n", pyLists(levelNames))
	fmt.Fprintf(&b, "YESNO = %s\n", pyLists([]text{yesNo(false), yesNo(true)}))
	b.WriteString(`LEVEL_COLS = ["L0", "L1", "L2", "L3", "L4", "NA"]

m = need("maturity")
cb = need("codebook")
m["level"] = ["NA" if pd.isna(v) else f"L{int(v)}" for v in m["sim3_level"]]
dist = pd.crosstab(m["item"], m["level"]).reindex(index=m["item"].unique(), columns=LEVEL_COLS, fill_value=0)
info = m.groupby("item", sort=False).agg(sim3=("sim3", "first"), coarse=("coarse", "any"), mean=("sim3_level", "mean"))
question = cb[cb.kind == "item"].set_index("item")[f"label_{lang}"]
dist.insert(0, "question", question.reindex(dist.index))
dist.insert(0, "sim3", info["sim3"])
dist["n"] = dist[LEVEL_COLS[:5]].sum(axis=1)
dist["mean"] = rnd(info["mean"], 2)
dist["coarse"] = [YESNO[lang][int(bool(b))] for b in info["coarse"]]
display(shown(dist.rename(columns=M_COLS[lang]).rename_axis(M_COLS[lang]["item"])))

items = [(i, s if isinstance(s, str) else "", q if isinstance(q, str) else "", [int(dist.loc[i, c]) for c in LEVEL_COLS],
          bool(info.loc[i, "coarse"])) for i, s, q in zip(dist.index, dist["sim3"], dist["question"])]
display(sim3_chart(lang, items, LEVELS[lang], source()))`)
	return b.String()
}

func pyRespondents() string {
	return fmt.Sprintf(`R_COLS = %s
per = m.groupby("respondent_id").agg(answered=("sim3_level", "count"), mean=("sim3_level", "mean"),
                                     min=("sim3_level", "min"), max=("sim3_level", "max"))
per["mean"] = rnd(per["mean"], 2)
display(shown(per.rename(columns=R_COLS[lang]).rename_axis(R_COLS[lang]["respondent_id"])))`, pyDict(respondentCols))
}

func pyAudit() string {
	return fmt.Sprintf(`A_COLS = %s
A_KIND = %s
SEV = %s
A_RULES_JA = %s
a = need("audit")
a["kind"] = [A_KIND[lang].get(k, k) for k in a["kind"]]
a["severity"] = [SEV[lang].get(k, k) for k in a["severity"]]
if lang == "ja":
    for pattern, repl in A_RULES_JA:  # the English words inside the Japanese messages and the numbers
        a["message_ja"] = a["message_ja"].str.replace(pattern, repl, regex=True)
        a["numbers"] = a["numbers"].str.replace(pattern, repl, regex=True)
a["tables"] = [", ".join(v) for v in a["tables"]]
a["pages"] = [", ".join(str(p) for p in v) for v in a["pages"]]
a = a[["finding_id", "kind", "severity", "tables", "pages", "numbers", f"message_{lang}"]]
display(shown(a.rename(columns={f"message_{lang}": "message"}).rename(columns=A_COLS[lang]).set_index(A_COLS[lang]["finding_id"])))`, pyDict(auditCols), pyDict(auditKinds), pyDict(severities), pyAuditRules())
}

func pyValidation() string {
	return fmt.Sprintf(`V_COLS = %s
V_CODE = %s
SEV = %s


def message_ja(code, item, value):
    """The Japanese message of an issue (the dataset's message is English)."""
    where = f"設問 {item}: " if isinstance(item, str) and item else ""
    value = value if isinstance(value, str) else ""
    if code == "answered_when_skipped":
        return where + f"経路指定では対象外の回答者ですが、回答 ({value}) があります。経路指定は参考扱い (紙の調査票) のため、回答を残して集計しています。"
    if code == "not_asked":
        return where + f"対象外の回答者の回答 ({value}) です。"
    return where + f"検証コード {code} (説明は processed/validation の message 列)。"


v = need("validation")
tot = v.groupby(["severity", "code"]).size().to_frame("issues").rename(columns=V_COLS[lang])
if len(tot):  # an empty MultiIndex maps to a flat Index
    tot.index = pd.MultiIndex.from_tuples([(SEV[lang].get(s, s), V_CODE[lang].get(c, c)) for s, c in tot.index])
display(shown(tot.rename_axis([V_COLS[lang]["severity"], V_COLS[lang]["code"]])))
issues = v.head(%d)[["row", "column", "item", "code", "severity", "value", "message"]].copy()
if lang == "ja":
    issues["message"] = [message_ja(c, i, x) for c, i, x in zip(issues["code"], issues["item"], issues["value"])]
issues["code"] = [V_CODE[lang].get(c, c) for c in issues["code"]]
issues["severity"] = [SEV[lang].get(s, s) for s in issues["severity"]]
display(shown(issues.rename(columns=V_COLS[lang])))`, pyDict(validationCols), pyDict(validationCodes), pyDict(severities), maxIssuesShown)
}

func pyInterviews() string {
	return fmt.Sprintf(`I_COLS = %s
iv = need("interviews")
cols = ["team", f"organisation_{lang}", f"industry_{lang}", f"form_{lang}", f"size_{lang}", f"department_{lang}",
        f"budget_{lang}", f"constituency_{lang}", "interview_date", "page", "last_page"]
iv = iv[cols].rename(columns=lambda c: c.removesuffix(f"_{lang}"))
display(shown(iv.rename(columns=I_COLS[lang]).set_index(I_COLS[lang]["team"])))`, pyDict(interviewCols))
}

// pyTopics shows the interviews' coded answers in words: W holds the labels
// of the topics, codes and cadences of the interviews' vocabulary.
func pyTopics(w map[string]text) string {
	return fmt.Sprintf(`W = %s
TOPIC = %s
it = need("interview_topics")


def word(topic, code, cadence):
    """An answer in words: the code's label, with its cadence's."""
    s = W[lang].get(f"{topic}/{code}", code)
    if isinstance(cadence, str):
        s += " (" + W[lang].get(f"cadence:{cadence}", cadence) + ")"
    return s


it["answer"] = [word(t, c, k) for t, c, k in zip(it["topic"], it["code"], it["cadence"])]
mx = it.groupby(["topic", "team"], sort=False)["answer"].agg(" / ".join).unstack("team")
mx = mx.reindex(index=it["topic"].unique(), columns=it["team"].unique())
mx.index = [W[lang].get(f"topic:{t}", t) for t in mx.index]
display(shown(mx.rename_axis(TOPIC[lang])))`, pyDict(w), pyLang(ui["topic"]))
}

func pyClaims(ja, citeEN map[string]text) string {
	return fmt.Sprintf(`C_COLS = %s
CLAIM_STATUS = %s
# the Japanese rendering of each claim's statistic, claimed value and
# computation note (the dataset's columns are English): id -> (statistic | claimed | note)
C_JA = %s
# the citation verdict in words, appended to the note (columns citation, citation_note)
C_CITE = %s
cl = need("claims")
if lang == "ja":
    shown_ja = [C_JA["ja"].get(i, f"{s}|{c}|{n}").split("|", 2) for i, s, c, n in zip(cl["claim_id"], cl["statistic"], cl["claimed"], cl["note"])]
    cl["statistic"], cl["claimed"], cl["note"] = zip(*shown_ja)
else:
    cl["note"] = [n + C_CITE["en"].get(i, "") for i, n in zip(cl["claim_id"], cl["note"])]
cl["tables"] = [", ".join(v) for v in cl["tables"]]
cl["computed"] = rnd(cl["computed"], 3)
cl["status"] = cl["status"].map(CLAIM_STATUS[lang])
cl = cl[["claim_id", "page", f"text_{lang}", "tables", "statistic", "claimed", "computed", "status", "note"]]
display(shown(cl.rename(columns={f"text_{lang}": "text"}).rename(columns=C_COLS[lang]).set_index(C_COLS[lang]["claim_id"])))`,
		pyDict(claimCols), pyDict(claimStatus), pyDict(ja), pyDict(citeEN))
}

// pyDict writes {"ja": {key: ja, ...}, "en": {key: en, ...}} with the keys
// in order; every string is a JSON string, which Python reads as a str.
// pyLang writes one text as {"ja": ..., "en": ...}.
func pyLang(t text) string {
	ja, _ := json.Marshal(t.JA)
	en, _ := json.Marshal(t.EN)
	return `{"ja": ` + string(ja) + `, "en": ` + string(en) + `}`
}

func pyDict(m map[string]text) string {
	keys := sortedKeys(m)
	var b strings.Builder
	b.WriteString("{")
	for i, l := range []lang{ja, en} {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    " + pyStr(l.code()) + ": {")
		for j, k := range keys {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyStr(k) + ": " + pyStr(m[k].in(l)))
		}
		b.WriteString("}")
	}
	b.WriteString("\n}")
	return b.String()
}

// pyList joins Python literals as the inside of a list, per lines of n.
func pyList(items []string, n int) string {
	var b strings.Builder
	for i, it := range items {
		switch {
		case i > 0 && i%n == 0:
			b.WriteString(",\n            ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(it)
	}
	return b.String()
}

// pyStr is a Python string literal (a JSON string with non-ASCII kept).
func pyStr(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
