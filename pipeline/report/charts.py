# Charts of the csirt-survey reports: the one implementation.
#
# The build runs this file with python3 (standard library only) to draw the
# charts of the offline HTML page and the notebooks' pre-rendered outputs
# (pipeline/report/charts.go embeds it), and the notebooks carry it as their
# chart cell, so a chart the code cells redraw from the Parquet datasets is
# the same bytes. Each chart is a plain SVG written without a plotting
# library: deterministic, readable without a kernel, a viewBox that scales
# down to a phone's width (360 units wide: 15-unit labels stay about 12 px
# where a 375 px screen leaves 290 px), labels wrapped over lines, never cut.
#
# Every chart states inside itself its N, who forms N and whether answers
# are single or multiple, marks every number the report does not print
# (inferred, chosen by the reconstruction, lost in the text extraction, or
# where the report contradicts itself) with a legend, and says where its
# counts come from (reconstructed or synthetic respondent rows are labelled).
import base64
import functools
from decimal import ROUND_HALF_UP, Decimal

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', YuGothic, Meiryo, sans-serif"
WIDTH = 360
PAD = 8
BLUE = "#2f6db5"
WIDE = ((0x1100, 0x115F), (0x2E80, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
        (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x1F300, 0x1FAFF), (0x20000, 0x3FFFD))
# fills of the segments of a stacked chart, and the ink of counts on them
PALETTES = {
    # SIM3 levels 0-4, then no level
    "levels": (("#d7e3f4", "#1a1a1a"), ("#a9c4e8", "#1a1a1a"), ("#6f9fd8", "#1a1a1a"), ("#3b74bf", "#ffffff"),
               ("#1d4e89", "#ffffff"), ("#bdbdbd", "#1a1a1a")),
    # categories in order, then no answer, then "not provided" (computed)
    "categories": (("#1d4e89", "#ffffff"), ("#6f9fd8", "#1a1a1a"), ("#d9822b", "#1a1a1a"), ("#8e5ba8", "#ffffff"),
                   ("#5b8e3e", "#ffffff"), ("#a9c4e8", "#1a1a1a")),
    "missing": (("#bdbdbd", "#1a1a1a"),),
    "derived": (("#eeeeee", "#1a1a1a"),),
}
# value marks of a bar, by what its count rests on
SYMBOL = {"inferred": " †", "chosen": " *", "lost": " ‡", "contradicted": " !"}

LABELS = {
    "ja": {
        "n": "N\u00a0=\u00a0{}",
        "n_unknown": "N 不明",
        "multi": "複数回答",
        "partial": "出典が引用した行のみ (表の一部)",
        "single": "単一回答",
        "n_inferred": "N は抽出で欠落 (原本 p. {}): 他の公表値から推定",
        "n_chosen": "N は抽出で欠落 (原本 p. {}): 再構成で選んだ値",
        "n_lost": "N は抽出で欠落 (原本 p. {})",
        "n_contradicted": "報告書の N = {} (印刷値)。行の合計は {} で、報告書の内部で矛盾 (% は {} に対する割合)",
        "inferred": "† 斜線: 抽出で欠落 (原本 p. {}) — 他の公表値から推定した値",
        "chosen": "* 点線: 抽出で欠落 (原本 p. {}) — 推定できず、再構成で選んだ値",
        "lost": "‡ 抽出で欠落 (原本 p. {}) — 回答から計算した値 (照合できない)",
        "unknown": "— 抽出で欠落 (原本 p. {}): 値は不明",
        "seg_inferred": "† 斜線: 抽出で欠落 (原本 p. {}) — 他の公表値から推定した値",
        "seg_chosen": "斜線: 抽出で欠落 (原本 p. {}) — 推定できず、再構成で選んだ値",
        "seg_lost": "斜線: 抽出で欠落 (原本 p. {}) — 回答から計算した値 (照合できない)",
        "not_reported": "— 出典に記載なし",
        "contradicted": "! 報告書の印刷値 (報告書の内部で矛盾)",
        "derived": "{}: 計算値 (全回答者 {} − その行の N)",
        "src_reconstructed": "計数: 再構成した回答者データ (実在の回答ではない) から計算し、公表値と照合",
        "src_synthetic": "計数: 合成した回答者データ (実在の回答ではない) から計算",
        "src_collected": "計数: 回答者データから計算",
        "src_published": "計数: 公表値",
        "sim3_title": "SIM3 成熟度: 尺度項目ごとの水準 (L3 以上の割合の高い順)",
        "sim3_sub": "各項目の N = 水準のある回答者数 (NA を除く)。右: L3 以上の割合",
        "coarse": " (粗い尺度)",
        "l3": "L3+ {}%",
        "matrix_title": "{item} {question}: 行ごとの内訳 ({first}–{last})",
        "matrix_sub": "各行: 全回答者 (N = {}) の内訳。右: その行の N",
        "matrix_sub_rows": "各行: その行の N の内訳",
        "trend_derived": "† 後の年度に統合された選択肢の合計 (計算値)",
        "trend_absent": "{} その年度にない選択肢",
    },
    "en": {
        "n": "N\u00a0=\u00a0{}",
        "n_unknown": "N unknown",
        "multi": "multiple answers",
        "partial": "only the rows the source quotes (part of the table)",
        "single": "single answer",
        "n_inferred": "N lost in the text extraction (original p. {}): inferred from other printed numbers",
        "n_chosen": "N lost in the text extraction (original p. {}): the value the reconstruction chose",
        "n_lost": "N lost in the text extraction (original p. {})",
        "n_contradicted": "N = {} as printed; the rows add up to {}, so the report contradicts itself (% are of {})",
        "inferred": "† hatched: lost in the text extraction (original p. {}); inferred from other printed numbers",
        "chosen": "* dashed: lost in the text extraction (original p. {}); nothing implies it: the reconstruction's choice",
        "lost": "‡ lost in the text extraction (original p. {}); computed from the responses, nothing to check it against",
        "unknown": "— lost in the text extraction (original p. {}); unknown",
        "seg_inferred": "† hatched: lost in the text extraction (original p. {}); inferred from other printed numbers",
        "seg_chosen": "hatched: lost in the text extraction (original p. {}); nothing implies it: the reconstruction's choice",
        "seg_lost": "hatched: lost in the text extraction (original p. {}); computed from the responses, nothing to check it against",
        "not_reported": "— not reported by the source",
        "contradicted": "! as printed; the report contradicts itself here",
        "derived": "{}: computed (all respondents, {}, less the row's N)",
        "src_reconstructed": "Counts computed from reconstructed respondent rows (not real answers), checked against the printed tables",
        "src_synthetic": "Counts computed from synthetic respondent rows (not real answers)",
        "src_collected": "Counts computed from the respondent rows",
        "src_published": "Counts as published",
        "sim3_title": "SIM3 maturity: levels per scale item (highest share at L3 or above first)",
        "sim3_sub": "N per item = respondents with a level (NA left out). Right: share at L3 or above",
        "coarse": " (coarse scale)",
        "l3": "L3+ {}%",
        "matrix_title": "{item} {question}: each row's answers ({first}–{last})",
        "matrix_sub": "Each row: all respondents (N = {}). Right: the row's N",
        "matrix_sub_rows": "Each row: the row's N",
        "trend_derived": "† derived: the sum of the options a later year merged (computed)",
        "trend_absent": "{} a category the year does not have",
    },
}


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


@functools.lru_cache(maxsize=None)
def units(ch):
    """Estimated advance of ch in tenths of the font size (kept per
    character: wrapping measures the same few hundred characters over and
    over, and the range scan was three quarters of the drawing time)."""
    cp = ord(ch)
    return 10 if any(lo <= cp <= hi for lo, hi in WIDE) else 6


CLOSING = "、。，．）」』】〕：；！？)］｝"


def width(s):
    return sum(units(ch) for ch in s)


def tokens(s):
    """s cut where a line may break: after a space, around a wide character
    (never before closing punctuation)."""
    out, cur = [], ""
    for ch in s:
        if ch == " ":
            if cur:
                out.append(cur)
                cur = ""
            if out:
                out[-1] += ch
        elif ch in CLOSING and (cur or out):
            if cur:
                cur += ch
            else:
                out[-1] += ch
        elif units(ch) == 10:
            if cur:
                out.append(cur)
                cur = ""
            out.append(ch)
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def wrap(s, px, size):
    """s over as many lines as it needs to fit px at font size size; nothing is cut."""
    room = px * 10 // size
    lines, cur = [], ""
    for tok in tokens(s):
        if cur and width((cur + tok).rstrip(" ")) > room:
            lines.append(cur.rstrip(" "))
            cur = ""
        while width(tok.rstrip(" ")) > room:  # a word longer than a line: split it
            part = ""
            for ch in tok:
                if width(part + ch) > room:
                    break
                part += ch
            lines.append(part)
            tok = tok[len(part):]
        cur += tok
    if cur.rstrip(" ") or not lines:
        lines.append(cur.rstrip(" "))
    return lines


def half_up(x, d):
    """x rounded half up to d decimals (四捨五入), as the printed report rounds."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)


def num(x):
    """A coordinate: one decimal, no trailing .0."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


class Canvas:
    """An SVG drawn top to bottom: y is the next free line."""

    def __init__(self, title):
        self.title, self.y, self.parts, self.text = title, 6, [], []

    def lines(self, s, size, color="#222222", bold=False, x=PAD, lh=None, width=None):
        lh = lh or size + 4
        for line in wrap(s, (width or WIDTH - x - PAD) - (size // 2 if bold else 0), size):
            self.y += lh
            weight = ' font-weight="bold"' if bold else ""
            self.parts.append(f'<text x="{x}" y="{self.y - 4}" font-size="{size}"{weight} fill="{color}">{esc(line)}</text>')

    def svg(self):
        h = self.y + PAD
        head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" '
                f'font-family="{FONT}" font-size="12" role="img">',
                f"<title>{esc(self.title)}</title>",
                f'<rect width="{WIDTH}" height="{h}" fill="#ffffff"/>']
        return "\n".join(head + self.parts + ["</svg>"])


def hatch(x, y, w, h, color):
    """Diagonal strokes inside the box (x, y, w, h): the mark of a number the
    report does not print."""
    d = []
    k = 3.0
    while k < w + h:
        x0, y0 = x + max(0.0, k - h), y + max(0.0, h - k)
        x1, y1 = x + min(k, w), y + h - max(0.0, k - w)
        if x1 > x0:
            d.append(f"M{num(x0)} {num(y0)}L{num(x1)} {num(y1)}")
        k += 5.0
    if not d:
        return ""
    return f'<path d="{"".join(d)}" stroke="{color}" stroke-width="1.2" fill="none"/>'


def swatch(kind, x, y):
    """A legend's sample of a bar style."""
    if kind == "inferred":
        return f'<rect x="{x}" y="{y}" width="18" height="10" fill="#ffffff" stroke="{BLUE}"/>' + hatch(x, y, 18, 10, BLUE)
    if kind == "chosen":
        return f'<rect x="{x}" y="{y}" width="18" height="10" fill="#ffffff" stroke="{BLUE}" stroke-width="1.5" stroke-dasharray="3 2"/>'
    return ""


def legend_lines(c, lang, kinds, page, lines, segments=False):
    """The legend of the marks kinds: a sample and its meaning; segments:
    the marks of a stacked bar's segments (all hatched)."""
    L = LABELS[lang]
    page = "?" if page is None else page
    for kind in kinds:
        s = L[("seg_" if segments else "") + kind].format(page)
        lines.append(s)
        sw = swatch("inferred" if segments else kind, PAD, c.y + 4)
        if sw:
            c.parts.append(sw)
            c.lines(s, 12, "#444444", x=PAD + 24, lh=16)
        else:
            c.lines(s, 12, "#444444", lh=16)


def source_line(c, lang, source, lines):
    if source:
        s = LABELS[lang]["src_" + source]
        lines.append(s)
        c.y += 2
        c.lines(s, 12, "#555555", lh=16)


def n_lines(lang, n, n_printed, n_basis, base, multi, page, partial=False):
    """The lines under a chart's title: N, who forms N, single or multiple
    answers, what N rests on, and whether the source quotes only some rows."""
    L = LABELS[lang]
    shown = n if n is not None else n_printed
    first = [L["n"].format(shown) if shown is not None else L["n_unknown"]]
    if base:
        first.append(base)
    if multi is not None:
        first.append(L["multi"] if multi else L["single"])
    out = [" · ".join(first)]
    p = "?" if page is None else page
    if n_basis == "contradicted" and n_printed is not None and n is not None:
        out = [" · ".join([L["n"].format(n_printed)] + first[1:]), "!" + L["n_contradicted"].format(n_printed, n, n)]
    elif n_basis in ("inferred", "chosen"):
        out.append(L["n_" + n_basis].format(p))
    elif n_basis == "lost" or (shown is None and n_basis != "not_reported"):
        out.append(L["n_lost"].format(p))
    if partial:
        out.append(L["partial"])
    return out


def bar_chart(lang, title, bars, n=None, n_printed=None, n_basis="printed", base="", multi=None, page=None, source="",
              partial=False):
    """One horizontal bar per (label, count, %, basis) on a 0-100 % scale.

    basis is what the count rests on (the reconciliation's count_basis, or the
    published count_status without responses): printed, inferred (hatched,
    †), chosen by the reconstruction (dashed outline, *), lost (computed but
    nothing to check it against, ‡), contradicted (the printed value, !);
    a count of None is unknown (—). n is the N shown, n_printed the printed
    one, n_basis what N rests on; base says who forms N; partial: the source
    quotes only some of the table's rows."""
    c = Canvas(title)
    text = [title]
    c.lines(title, 16, "#1a1a1a", bold=True, lh=21)
    for s in n_lines(lang, n, n_printed, n_basis, base, multi, page, partial):
        warn = s.startswith("!")
        s = s.lstrip("!")
        text.append(s)
        c.lines(s, 13, "#b3261e" if warn else "#444444", bold=warn, lh=17)
    c.y += 4
    plot = WIDTH - 2 * PAD - 124
    kinds = []
    for label, v, p, basis in bars:
        kind = basis if basis in SYMBOL else ""
        if v is None:
            kind = "not_reported" if basis == "not_reported" else "unknown"
        if kind and kind not in kinds:
            kinds.append(kind)
        c.parts.append(f"<g><title>{esc(label)}</title>")
        c.lines(label, 15, "#222222", lh=19)
        y = c.y + 2
        c.parts.append(f'<rect x="{PAD}" y="{y}" width="{plot}" height="14" fill="#e6ebf2"/>')
        if p is not None:
            w = num(min(p, 100.0) * plot / 100)
            if basis == "inferred":
                c.parts.append(f'<rect x="{PAD}" y="{y}" width="{w}" height="14" fill="#ffffff" stroke="{BLUE}"/>'
                               + hatch(PAD, y, min(p, 100.0) * plot / 100, 14, BLUE))
            elif basis == "chosen":
                c.parts.append(f'<rect x="{PAD}" y="{y}" width="{w}" height="14" fill="#ffffff" stroke="{BLUE}" '
                               'stroke-width="1.5" stroke-dasharray="3 2"/>')
            elif basis == "contradicted":
                c.parts.append(f'<rect x="{PAD}" y="{y}" width="{w}" height="14" fill="#d9822b"/>')
            else:
                c.parts.append(f'<rect x="{PAD}" y="{y}" width="{w}" height="14" fill="{BLUE}"/>')
        value = "—" if v is None else (str(v) if p is None else f"{v} ({p:.1f}%)")
        value += SYMBOL.get(basis, "") if v is not None else ""
        text.append(f"  {label}: {value}")
        c.parts.append(f'<text x="{PAD + plot + 6}" y="{y + 12}" font-size="13" fill="#333333">{esc(value)}</text></g>')
        c.y += 22
    if kinds:
        c.y += 2
        legend_lines(c, lang, kinds, page, text)
    source_line(c, lang, source, text)
    return Chart(c.svg(), "\n".join(text))


def legend_row(c, names, palette, text):
    """Colour samples and names, laid out in lines across the chart."""
    x = PAD
    row = []
    for i, name in enumerate(names):
        fill = palette[i][0]
        w = 18 + sum(units(ch) for ch in name) * 12 // 10 + 12
        if x > PAD and x + w > WIDTH - PAD:
            c.y += 16
            x = PAD
        c.parts.append(f'<rect x="{x}" y="{c.y + 3}" width="12" height="12" fill="{fill}" stroke="#888888" stroke-width="0.5"/>'
                       f'<text x="{x + 16}" y="{c.y + 13}" font-size="12" fill="#222222">{esc(name)}</text>')
        row.append(name)
        x += w
    c.y += 20
    text.append("  " + " | ".join(row))


def stack_row(c, label, counts, palette, marks, right):
    """One 100 % bar split into counts, with label above and right beside it."""
    c.parts.append(f"<g><title>{esc(label)}</title>")
    c.lines(label, 15, "#222222", lh=19)
    y = c.y + 2
    plot = WIDTH - 2 * PAD - 76
    total = sum(n or 0 for n in counts)
    x = float(PAD)
    for j, n in enumerate(counts):
        if total == 0 or not n:
            continue
        w = n * plot / total
        fill, ink = palette[j]
        c.parts.append(f'<rect x="{num(x)}" y="{y}" width="{num(w)}" height="16" fill="{fill}"/>')
        if marks and marks[j] in ("inferred", "chosen", "lost"):
            c.parts.append(hatch(x, y, w, 16, ink))
        if w >= 18:
            c.parts.append(f'<text x="{num(x + w / 2)}" y="{y + 12}" font-size="11" fill="{ink}" text-anchor="middle">{n}</text>')
        x += w
    c.parts.append(f'<text x="{PAD + plot + 6}" y="{y + 12}" font-size="12" fill="#333333">{esc(right)}</text></g>')
    c.y += 24


def sim3_chart(lang, items, legend, source=""):
    """The SIM3 overview: one 100 % bar per scale item (item, SIM3 parameter,
    question, counts at L0-L4 and NA, coarse), sorted by the share of those
    with a level who are at L3 or above (highest first; ties keep the
    questionnaire's order); the share is written beside each bar."""
    L = LABELS[lang]
    rows = []
    for i, (item, sim3, question, counts, coarse) in enumerate(items):
        answered = sum(counts[:5])
        share = half_up(100 * (counts[3] + counts[4]) / answered, 1) if answered else None
        label = " ".join(s for s in (item, sim3, question) if s) + (L["coarse"] if coarse else "")
        rows.append((-(share if share is not None else -1), i, label, counts, share, answered))
    rows.sort(key=lambda r: (r[0], r[1]))
    title = L["sim3_title"]
    c = Canvas(title)
    text = [title]
    c.lines(title, 16, "#1a1a1a", bold=True, lh=21)
    text.append(L["sim3_sub"])
    c.lines(L["sim3_sub"], 13, "#444444", lh=17)
    c.y += 4
    legend_row(c, legend, PALETTES["levels"], text)
    for _, _, label, counts, share, answered in rows:
        right = "—" if share is None else L["l3"].format(f"{share:.1f}")
        label = f"{label} (N\u00a0=\u00a0{answered})"
        stack_row(c, label, counts, PALETTES["levels"], None, right)
        text.append(f"  {label}: " + ", ".join(f"{n} {k}" for n, k in zip(legend, counts)) + f"; {right}")
    source_line(c, lang, source, text)
    return Chart(c.svg(), "\n".join(text))


def matrix_chart(lang, item, question, first, last, legend, rows, total=None, total_basis="printed", page=None, source=""):
    """The tables first to last count one cell of successive rows of matrix
    item (2.9: sourcing per service) with categories in common: one 100 % bar
    per row (code, label, count per category of legend or None where the
    row's table does not have the category, basis per count, n, n basis). With total (all respondents), each bar is total wide and ends
    with a computed segment, total less the row's n (2.9: not provided).
    legend: {"names": [...], "missing_last": bool, "derived": name}."""
    L = LABELS[lang]
    title = L["matrix_title"].format(item=item, question=question, first=first, last=last)
    c = Canvas(title)
    text = [title]
    c.lines(title, 16, "#1a1a1a", bold=True, lh=21)
    sub = L["matrix_sub"].format(total) if total is not None else L["matrix_sub_rows"]
    text.append(sub)
    c.lines(sub, 13, "#444444", lh=17)
    c.y += 4
    names = list(legend["names"])
    palette = [PALETTES["categories"][i % len(PALETTES["categories"])] for i in range(len(names))]
    if legend["missing_last"] and names:
        palette[-1] = PALETTES["missing"][0]
    if total is not None:
        names.append(legend["derived"])
        palette.append(PALETTES["derived"][0])
    legend_row(c, names, palette, text)
    kinds = []
    for code, label, counts, bases, n, n_basis in rows:
        counts, bases = list(counts), list(bases)
        if total is not None:
            counts.append(total - n if n is not None else None)
            bases.append(n_basis if n_basis != "printed" else total_basis)
        for b in bases:
            if b in ("inferred", "chosen", "lost") and b not in kinds:
                kinds.append(b)
        right = "N\u00a0=\u00a0" + ("?" if n is None else str(n)) + SYMBOL.get(n_basis, "")
        row_label = f"({code}) {label}"
        stack_row(c, row_label, counts, palette, bases, right)
        text.append(f"  {row_label}: " + ", ".join(f"{k} {v}" for k, v in zip(names, counts) if v is not None) + f"; {right}")
    if total is not None:
        s = L["derived"].format(legend["derived"], total)
        text.append(s)
        c.lines(s, 12, "#444444", lh=16)
    if kinds:
        legend_lines(c, lang, kinds, page, text, segments=True)
    source_line(c, lang, source, text)
    return Chart(c.svg(), "\n".join(text))


YEAR_COLORS = ("#9db9de", "#2f6db5", "#1d3557", "#d9822b", "#5b8e3e", "#8e5ba8")


def share_text(c, n, derived):
    """66.7% (20/30): the share with one decimal and count/n; † marks a derived row."""
    s = f"({c}/{n})"
    if n > 0:
        s = f"{100 * c / n:.1f}% " + s
    return s + " †" if derived else s


def grouped_chart(title, years, groups, absent="—", lang="ja"):
    """The trends chart: one group per (label, values) category, a bar per
    year on a 0-100 % scale; values are (count, n, derived) or None where
    the year lacks the category (absent); a legend explains † and absent."""
    c = Canvas(title)
    text = [title]
    c.lines(title, 16, "#1a1a1a", bold=True, lh=21)
    c.y += 2
    legend_row(c, [str(y) for y in years], [(YEAR_COLORS[i % 6], "") for i in range(len(years))], [])
    plot = WIDTH - 2 * PAD - 172
    for label, values in groups:
        c.parts.append(f"<g><title>{esc(label)}</title>")
        c.lines(label, 15, "#222222", lh=19)
        shown = []
        for j, y in enumerate(years):
            v = values[j] if j < len(values) else None
            by = c.y + 2
            c.parts.append(f'<rect x="{PAD}" y="{by}" width="{plot}" height="11" fill="#e6ebf2"/>')
            if v is not None and v[1] > 0:
                w = min(100 * v[0] / v[1], 100.0) * plot / 100
                c.parts.append(f'<rect x="{PAD}" y="{by}" width="{num(w)}" height="11" fill="{YEAR_COLORS[j % 6]}"/>')
            value = f"{y} " + (absent if v is None else share_text(*v))
            shown.append(value)
            c.parts.append(f'<text x="{PAD + plot + 6}" y="{by + 10}" font-size="12" fill="#333333">{esc(value)}</text>')
            c.y += 15
        c.parts.append("</g>")
        c.y += 4
        text.append(f"  {label}: " + "; ".join(shown))
    vals = [values[j] if j < len(values) else None for _, values in groups for j in range(len(years))]
    notes = ([LABELS[lang]["trend_derived"]] if any(v is not None and v[2] for v in vals) else []) + \
        ([LABELS[lang]["trend_absent"].format(absent)] if any(v is None for v in vals) else [])
    for s in notes:
        text.append(s)
        c.lines(s, 12, "#444444", lh=16)
    return Chart(c.svg(), "\n".join(text))


def render_batch(stdin, stdout):
    """Draw every chart of a JSON list of {"chart": name, "args": {...}} read
    from stdin; write [[svg, text, html], ...] as JSON (the build's entry)."""
    import json
    out = []
    for spec in json.load(stdin):
        args = dict(spec["args"])
        if spec["chart"] == "bar":
            args["bars"] = [tuple(b) for b in args["bars"]]
            ch = bar_chart(**args)
        elif spec["chart"] == "sim3":
            ch = sim3_chart(**args)
        elif spec["chart"] == "grouped":
            args["groups"] = [(g[0], [None if v is None else tuple(v) for v in g[1]]) for g in args["groups"]]
            ch = grouped_chart(**args)
        elif spec["chart"] == "matrix":
            ch = matrix_chart(**args)
        else:
            raise ValueError(f"unknown chart {spec['chart']!r}")
        out.append([ch.svg, ch.text, ch._repr_html_()])
    stdout.write(json.dumps(out, ensure_ascii=False))
