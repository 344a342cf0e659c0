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
freq = load("frequencies")       # the same tables computed from the responses
rec = load("reconciliation")     # printed vs computed, per cell (row_no 0 = N)`

// pySVG are the chart helpers: standard library only, the twins of svg.go.
const pySVG = `# Charts as SVG written without a plotting library: the same bytes as the
# pre-rendered outputs (pipeline/report/svg.go is the twin of this cell).
import base64

FONT = "` + fontFamily + `"
WIDE = ((0x1100, 0x115F), (0x2E80, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
        (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x1F300, 0x1FAFF), (0x20000, 0x3FFFD))
COLORS = ("#d7e3f4", "#a9c4e8", "#6f9fd8", "#3b74bf", "#1d4e89", "#bdbdbd")
INK = ("#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff", "#1a1a1a")


class Chart:
    """An SVG chart with a plain-text summary for front-ends without SVG."""

    def __init__(self, svg, text):
        self.svg, self.text = svg, text

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        # the SVG as a data-URI <img>: nbconvert < 7.7 empties inline SVG
        # (see chartHTML in pipeline/report/notebook.go)
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        alt = esc(self.text.split("\n", 1)[0])
        return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" style="max-width:100%;height:auto">'

    def __repr__(self):
        return self.text


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace(">", "&gt;")


def units(ch):
    """Estimated advance of ch in tenths of the font size."""
    cp = ord(ch)
    return 10 if any(lo <= cp <= hi for lo, hi in WIDE) else 6


def fit(s, px, size):
    """s shortened with an ellipsis to about px pixels at font size size."""
    if sum(units(ch) for ch in s) * size <= px * 10:
        return s
    out, used = "", 10
    for ch in s:
        if (used + units(ch)) * size > px * 10:
            break
        out += ch
        used += units(ch)
    return out + "…"


def svg_head(title, h):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="720" height="{h}" viewBox="0 0 720 {h}" font-family="{FONT}" font-size="12" role="img">',
        f"<title>{esc(title)}</title>",
        f'<rect width="720" height="{h}" fill="#ffffff"/>',
        f'<text x="8" y="22" font-size="14" font-weight="bold" fill="#1a1a1a">{esc(fit(title, 704, 14))}</text>',
    ]


def value_text(v, p):
    if v is None:
        return "—"
    if p is None:
        return str(v)
    return f"{v} ({p:.1f}%)"


def bar_svg(title, bars, mark=""):
    """One horizontal bar per (label, count, %, chosen) on a 0-100 % scale; a
    chosen count (the reconstruction's value for a lost one) is outlined and
    marked *, with mark as the legend."""
    chosen_any = any(b[3] for b in bars)
    h = 40 + len(bars) * 36 + 8 + (18 if chosen_any else 0)
    out = svg_head(title, h)
    for i, (label, v, p, chosen) in enumerate(bars):
        y = 40 + i * 36
        parts = [f"<g><title>{esc(label)}</title>",
                 f'<text x="8" y="{y + 12}" fill="#222222">{esc(fit(label, 704, 12))}</text>',
                 f'<rect x="8" y="{y + 17}" width="560" height="12" fill="#e6ebf2"/>']
        if p is not None:
            if chosen:
                parts.append(f'<rect x="8" y="{y + 17}" width="{min(p, 100.0) * 5.6:.1f}" height="12" fill="#ffffff" '
                             'stroke="#2f6db5" stroke-width="1.5" stroke-dasharray="3 2"/>')
            else:
                parts.append(f'<rect x="8" y="{y + 17}" width="{min(p, 100.0) * 5.6:.1f}" height="12" fill="#2f6db5"/>')
        value = value_text(v, p) + (" *" if chosen else "")
        parts.append(f'<text x="576" y="{y + 27}" fill="#333333">{esc(value)}</text></g>')
        out.append("".join(parts))
    if chosen_any:
        out.append(f'<text x="8" y="{h - 10}" fill="#555555">{esc(fit("* " + mark, 704, 12))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def bar_text(title, bars, mark=""):
    lines = [title] + [f"  {label}: {value_text(v, p)}" + (" *" if chosen else "") for label, v, p, chosen in bars]
    if any(b[3] for b in bars):
        lines.append("* " + mark)
    return "\n".join(lines)


def stacked_svg(title, legend, rows):
    """One 100 % bar per (label, counts), split into the segments of legend."""
    out = svg_head(title, 56 + len(rows) * 24 + 8)
    for i, name in enumerate(legend):
        x = 8 + i * 118
        out.append(f'<rect x="{x}" y="30" width="12" height="12" fill="{COLORS[i % 6]}"/>'
                   f'<text x="{x + 16}" y="40" fill="#222222">{esc(fit(name, 100, 12))}</text>')
    for i, (label, counts) in enumerate(rows):
        y = 56 + i * 24
        parts = [f"<g><title>{esc(label)}</title>",
                 f'<text x="8" y="{y + 16}" fill="#222222">{esc(fit(label, 114, 12))}</text>']
        total = sum(counts)
        x = 130.0
        for j, c in enumerate(counts):
            if total == 0 or c == 0:
                continue
            w = c * 560 / total
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="16" fill="{COLORS[j % 6]}"/>')
            if w >= 20:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + 16}" fill="{INK[j % 6]}" text-anchor="middle">{c}</text>')
            x += w
        parts.append("</g>")
        out.append("".join(parts))
    out.append("</svg>")
    return "\n".join(out)


def stacked_text(title, legend, rows):
    return "\n".join([title] + [f"  {label}: " + ", ".join(f"{name} {c}" for name, c in zip(legend, counts))
                                for label, counts in rows])`

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
        r = rec[rec.table_key == key][["row_no", "status"]]
        t = t.merge(f, on="row_no", how="left").merge(r, on="row_no", how="left")
        if resp is not None and (resp["provenance"] == "reconstructed").any():
            # the count of a row whose printed number was lost is the reconstruction's choice
            t.loc[(t["status"] == "lost") & t["count"].notna(), "status"] = "lost_chosen"
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


def chart(t, key):
    """Bar chart of a table from table(): one bar per printed row, the N row left out."""
    c = COLS[lang]
    title = f"{key} " + pub.loc[pub.table_key == key, f"title_{lang}"].iloc[0]
    rows = t.drop(index="N")
    value = c["count"] if c["count"] in rows else c["published"]
    chosen = rows[c["status"]] == STATUS[lang]["lost_chosen"] if c["status"] in rows else [False] * len(rows)
    bars = [(label, na(v), na(p, float), bool(ch))
            for label, v, p, ch in zip(rows[c["label"]], rows[value], rows[c["pct"]], chosen)]
    return Chart(bar_svg(title, bars, MARK[lang]), bar_text(title, bars, MARK[lang]))`)
	return b.String()
}

// pyTable is the code cell of one published table.
func pyTable(key string) string {
	k := strconv.Quote(key)
	return "t = table(" + k + ")\ndisplay(shown(t))\ndisplay(chart(t, " + k + "))"
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
	fmt.Fprintf(&b, "M_TITLE = %s\n", pyDict(map[string]text{"title": ui["maturityChart"]}))
	fmt.Fprintf(&b, "YESNO = %s\n", pyLists([]text{yesNo(false), yesNo(true)}))
	b.WriteString(`LEVEL_COLS = ["L0", "L1", "L2", "L3", "L4", "NA"]

m = need("maturity")
cb = need("codebook")
m["level"] = ["NA" if pd.isna(v) else f"L{v}" for v in m["sim3_level"]]
dist = pd.crosstab(m["item"], m["level"]).reindex(index=m["item"].unique(), columns=LEVEL_COLS, fill_value=0)
info = m.groupby("item", sort=False).agg(sim3=("sim3", "first"), coarse=("coarse", "any"), mean=("sim3_level", "mean"))
question = cb[cb.kind == "item"].set_index("item")[f"label_{lang}"]
dist.insert(0, "question", question.reindex(dist.index))
dist.insert(0, "sim3", info["sim3"])
dist["n"] = dist[LEVEL_COLS[:5]].sum(axis=1)
dist["mean"] = rnd(info["mean"], 2)
dist["coarse"] = [YESNO[lang][int(bool(b))] for b in info["coarse"]]
display(shown(dist.rename(columns=M_COLS[lang]).rename_axis(M_COLS[lang]["item"])))

rows = [(f"{i} {s}" if isinstance(s, str) else i, [int(dist.loc[i, c]) for c in LEVEL_COLS])
        for i, s in zip(dist.index, dist["sim3"])]
title = M_TITLE[lang]["title"]
display(Chart(stacked_svg(title, LEVELS[lang], rows), stacked_text(title, LEVELS[lang], rows)))`)
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
tot.index = tot.index.map(lambda k: (SEV[lang].get(k[0], k[0]), V_CODE[lang].get(k[1], k[1])))
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

func pyClaims(ja map[string]text) string {
	return fmt.Sprintf(`C_COLS = %s
CLAIM_STATUS = %s
# the Japanese rendering of each claim's statistic, claimed value and
# computation note (the dataset's columns are English): id -> (statistic | claimed | note)
C_JA = %s
cl = need("claims")
if lang == "ja":
    shown_ja = [C_JA["ja"].get(i, f"{s}|{c}|{n}").split("|", 2) for i, s, c, n in zip(cl["claim_id"], cl["statistic"], cl["claimed"], cl["note"])]
    cl["statistic"], cl["claimed"], cl["note"] = zip(*shown_ja)
cl["tables"] = [", ".join(v) for v in cl["tables"]]
cl["computed"] = rnd(cl["computed"], 3)
cl["status"] = cl["status"].map(CLAIM_STATUS[lang])
cl = cl[["claim_id", "page", f"text_{lang}", "tables", "statistic", "claimed", "computed", "status", "note"]]
display(shown(cl.rename(columns={f"text_{lang}": "text"}).rename(columns=C_COLS[lang]).set_index(C_COLS[lang]["claim_id"])))`,
		pyDict(claimCols), pyDict(claimStatus), pyDict(ja))
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
