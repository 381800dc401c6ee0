"""Tables and figures of the appendices and the teachers' pages.

* Conformance (:func:`conformance_table`, :func:`conformance_summary`, :func:`conformance_html`,
  :func:`conformance_chart`): the table of :mod:`dtao_lib.conformance` with each vector's provenance.
* Claims checked (:func:`claims_overview`, :func:`claims_html`, :func:`claim_boxes`): the whole seed
  article in order (:data:`dtao_lib.claims.seed_other.ARTICLE`) joined with the claim registry.
* Parameters and timeline (:func:`parameters_table`, :func:`timeline_table`, :func:`timeline_chart`,
  :func:`era_rules`, :func:`era_html`): everything from :mod:`dtao_lib.params`.
* Status (:func:`benchmark_figures`, :func:`benchmark_report`, :func:`widget_latency_table`): the
  benchmark figures of the simulator, the live figures and the Yuma epoch.
* Workshop (:func:`find_exercises`, :func:`exercise_sheet`): exercises read from the chapters.

Every function computes from ``dtao_lib``; nothing here holds a number of its own.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from .. import claims as _claims
from .. import conformance, params
from .._validate import check_choice, check_frame, check_int, check_path, check_str
from ..claims import seed_other
from . import timeline
from ._style import ERA_COLORS, HEIGHT, WIDTH, dropdown

__all__ = [
    "BENCHMARKS",
    "BENCHMARK_KEYS",
    "ERA_GROUPS",
    "MECHANISM_GROUPS",
    "Exercise",
    "HtmlBlock",
    "MarkdownBlock",
    "benchmark_figures",
    "benchmark_report",
    "claim_boxes",
    "claim_pages",
    "claims_html",
    "claims_overview",
    "claims_summary",
    "conformance_chart",
    "conformance_html",
    "conformance_summary",
    "conformance_table",
    "emission_leaders_chart",
    "era_html",
    "era_rules",
    "exercise_sheet",
    "find_exercises",
    "out_of_scope_html",
    "parameters_html",
    "parameters_table",
    "timeline_chart",
    "timeline_html",
    "timeline_table",
    "widget_latency_table",
    "workshop_plan_labels",
]

REPO_ROOT = Path(__file__).resolve().parents[2]


def _chapters_dir() -> Path:
    """The book's ``chapters/`` folder: the repository's when dtao_lib is imported from a clone;
    otherwise (an installed wheel, e.g. on Binder) the folder the notebook runs in, or its
    ``chapters/`` subfolder. The repository's path is returned when none exists, so errors name it."""
    for cand in (REPO_ROOT / "chapters", Path.cwd(), Path.cwd() / "chapters"):
        if (cand / "workshop.md").is_file():
            return cand
    return REPO_ROOT / "chapters"
"""The repository this package was imported from (chapters/ and benchmarks/ live there)."""

PASS_COLORS = {"pass": "#1e8449", "FAIL": "#c0392b", "n/a": "#7f8c8d"}


def _opt_path(name: str, value: Any) -> Path | None:
    return None if value is None else check_path(name, value)


def _frame(df: Any, need: Iterable[str], source: str) -> pd.DataFrame:
    """``df`` if it is a DataFrame with the columns ``need`` (made by ``source``), else a clear error."""
    check_frame("df", df)
    missing = sorted(set(need) - set(df.columns))
    if missing:
        raise ValueError(f"df must be a frame from {source}(); missing {missing}")
    return df


def _claim_ids(ids: Any) -> list[str]:
    """``ids`` as a non-empty list of registered claim ids (a bare string is not a list of ids)."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise TypeError(f"ids must be a list of claim ids (strings), e.g. ['seed-tam'], got {type(ids).__name__} "
                        f"{ids!r}")
    items = list(ids)
    if not items:
        raise ValueError("ids must name at least one claim")
    bad = [x for x in items if not isinstance(x, str)]
    if bad:
        raise TypeError(f"ids must contain only claim ids (strings), got {bad[0]!r}")
    _claims._load_all()
    unknown = [x for x in items if x not in _claims.CLAIMS]
    if unknown:
        raise _claims.UnknownClaimError(f"ids: unknown claim(s) {unknown}; known: {sorted(_claims.CLAIMS)}")
    return items


class HtmlBlock:
    """Raw HTML for display in a notebook (``text/html``), with a plain-text fallback."""

    def __init__(self, text: str, plain: str = "") -> None:
        self.text = check_str("text", text, allow_empty=True)
        self.plain = check_str("plain", plain, allow_empty=True)

    def _repr_html_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.plain or "<HtmlBlock>"


class MarkdownBlock:
    """MyST Markdown for display (``text/markdown``). Show it in a cell whose metadata sets
    ``mystnb: {markdown_format: myst}`` so roles and directives are parsed on the site."""

    def __init__(self, text: str) -> None:
        self.text = check_str("text", text, allow_empty=True)

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def _esc(x: object) -> str:
    return html.escape(str(x))


def _badge(text: str, color: str) -> str:
    return (f'<span class="dtao-badge" style="background:{color};color:#fff;border-radius:3px;'
            f'padding:1px 6px;font-size:0.85em;white-space:nowrap">{_esc(text)}</span>')


def _cell(text: str, width: int) -> str:
    """A table cell's text, cut to ``width`` characters with the full text as a tooltip."""
    s = str(text)
    if len(s) <= width:
        return f"<code>{_esc(s)}</code>"
    return f'<code title="{_esc(s)}">{_esc(s[: width - 1])}…</code>'


# =============================================================================================
# Conformance
# =============================================================================================
MECHANISM_GROUPS: dict[str, str] = {
    "BE": "Block emission and halvings (§1)",
    "LC": "Subnet lock cost (§6.1)",
    "CB": "Coinbase: shares, injection, owner cut (§3.1–3.5)",
    "EMA": "EMA price (§3.3)",
    "FN": "TaoFlow (§3.2)",
    "SW": "Swap pools (§4)",
    "YC": "Yuma consensus (§5)",
    "DS": "Dissolution, pruning, new-subnet price (§6.2–6.4)",
    "EG": "Emission gate, q-mass bar (addendum §A2)",
    "EGR": "Emission gate, rank bar (addendum §A2)",
    "EGB": "Emission gate with miner burn (addendum §A2–A3)",
    "RSV": "Injection reservoirs (addendum §A4)",
    "RR": "Root Reborn dividend split (addendum §A5)",
}
"""Vector id prefix → mechanism group shown in the appendix."""


def _group(vector_id: str) -> str:
    prefix = re.match(r"[A-Za-z]+", vector_id)
    key = prefix.group(0).upper() if prefix else ""
    return MECHANISM_GROUPS.get(key, f"Other ({key or vector_id})")


def conformance_table(path: str | Path | None = None) -> pd.DataFrame:
    """:func:`dtao_lib.conformance.table` with each vector's group, status and source.

    Parameters
    ----------
    path
        A vectors file (default: both shipped files, ``data/vectors/public.json`` — subtensor up to
        2026-06-30 — and ``data/vectors/post-2026-06.json`` — the addendum's protocol after June 2026).

    Returns
    -------
    DataFrame
        Columns ``file, vector, group, mechanism, expected, computed, tolerance, pass`` (from the
        conformance run) and ``status`` (asserted/derived/uncertain), ``recomputed`` (the value was
        recomputed independently when the vectors were made), ``source`` (Rust file and test) and
        ``source_ref`` (tag or commit the test was read at).
    """
    paths = list(conformance.default_files()) if path is None else [check_path("path", path)]
    run = conformance.table(paths)
    meta = {(Path(p).name, str(v.get("id"))): v for p in paths for v in conformance.load(p)["vectors"]}
    df = run.copy()
    df.insert(2, "group", [_group(v) for v in df["vector"]])
    files = df["file"].tolist()

    def column(key: str, default: Any = "") -> list[Any]:
        return [meta.get((f, v), {}).get(key, default) for f, v in zip(files, df["vector"], strict=True)]

    df["status"] = [str(x) for x in column("status")]
    df["recomputed"] = [bool(x) for x in column("independently_recomputed", False)]
    df["source"] = [f"{Path(str(sf)).name} · {tn}" for sf, tn in zip(column("source_file"), column("test_name"),
                                                                       strict=True)]
    df["source_ref"] = [str(x) for x in column("source_ref")]
    return df


def conformance_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Counts per mechanism group of a :func:`conformance_table`: vectors, passed, failed, without a
    checker, asserted, derived, independently recomputed; with a total row."""
    _frame(df, ("group", "pass", "status", "recomputed"), "conformance_table")
    rows = []
    for group, g in df.groupby("group", sort=False):
        rows.append({
            "group": group, "vectors": len(g),
            "pass": int((g["pass"] == "pass").sum()), "FAIL": int((g["pass"] == "FAIL").sum()),
            "n/a": int((g["pass"] == "n/a").sum()),
            "asserted": int((g["status"] == "asserted").sum()), "derived": int((g["status"] == "derived").sum()),
            "recomputed": int(g["recomputed"].sum()),
        })
    out = pd.DataFrame(rows)
    total = {"group": "all vectors", **{c: int(out[c].sum()) for c in out.columns if c != "group"}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def conformance_html(df: pd.DataFrame, *, width: int = 40) -> HtmlBlock:
    """The conformance table as HTML: one block per mechanism group, pass/FAIL coloured.

    Long values are cut to ``width`` characters (hover a cell for the full text; hover a vector id for
    its mechanism tag and Rust test). A computed value that prints exactly like the expected one is
    shown as "= expected", so the rows where they differ (within the tolerance) stand out.
    """
    width = check_int("width", width, lo=8)
    _frame(df, ("vector", "group", "mechanism", "expected", "computed", "tolerance", "pass", "status", "source"),
           "conformance_table")
    head = ("<tr><th>vector</th><th>expected</th><th>computed</th><th>tolerance</th>"
            "<th>status</th><th>result</th></tr>")
    body = []
    for group, g in df.groupby("group", sort=False):
        n_ok = int((g["pass"] == "pass").sum())
        body.append(f'<tr class="dtao-group"><th colspan="6" style="background:#eef2f5">{_esc(group)} '
                    f'<span style="font-weight:normal">({n_ok} of {len(g)} pass)</span></th></tr>')
        for _, r in g.iterrows():
            same = str(r["computed"]) == str(r["expected"])
            computed = '<span style="color:#1e8449">= expected</span>' if same else _cell(r["computed"], width)
            status = _esc(r["status"]) + ('<br><small>recomputed</small>' if r.get("recomputed") else "")
            tip = f'{r["mechanism"]} · {r["source"]}'
            body.append(
                f'<tr data-pass="{_esc(r["pass"])}"><td title="{_esc(tip)}" style="white-space:nowrap">'
                f'<strong>{_esc(r["vector"])}</strong>'
                f'</td><td>{_cell(r["expected"], width)}</td><td>{computed}</td><td>{_esc(r["tolerance"])}</td>'
                f'<td>{status}</td><td>{_badge(r["pass"], PASS_COLORS.get(r["pass"], "#7f8c8d"))}</td></tr>'
            )
    n = len(df)
    counts = {k: int((df["pass"] == k).sum()) for k in PASS_COLORS}
    caption = (f"{counts['pass']} passed, {counts['FAIL']} failed, {counts['n/a']} without a checker, "
               f"of {n} vectors")
    if "file" in df.columns and df["file"].nunique() > 1:
        caption += " (" + "; ".join(f"{f}: {int((g['pass'] == 'pass').sum())} of {len(g)} pass"
                                    for f, g in df.groupby("file", sort=False)) + ")"
    text = (f'<div class="dtao-conformance" style="overflow-x:auto">'
            f'<table class="table dtao-table" style="font-size:0.85em">'
            f'<caption style="caption-side:top;text-align:left">{_esc(caption)}</caption>'
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table></div>")
    return HtmlBlock(text, plain=caption)


def conformance_chart(df: pd.DataFrame) -> alt.Chart:
    """Vectors per mechanism group, coloured by result (pass, FAIL, no checker)."""
    _frame(df, ("group", "pass"), "conformance_table")
    counts = df.groupby(["group", "pass"]).size().reset_index(name="vectors")
    order = list(dict.fromkeys(df["group"]))
    return alt.Chart(counts).mark_bar().encode(
        y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("vectors:Q", title="vectors"),
        color=alt.Color("pass:N", title="result", scale=alt.Scale(domain=list(PASS_COLORS),
                                                                  range=list(PASS_COLORS.values()))),
        tooltip=["group:N", "pass:N", "vectors:Q"],
    ).properties(width=WIDTH - 320, height=24 * len(order), title="Conformance vectors by mechanism")


# =============================================================================================
# Claims checked
# =============================================================================================
_SHOW_CALL = re.compile(r"""claims\.show\(\s*["']([^"']+)["']\s*\)""")


def claim_pages(chapters_dir: str | Path | None = None) -> dict[str, str]:
    """Which page shows each claim's box: ``{claim id: "chapters/<name>"}``.

    Read from the ``claims.show("<id>")`` calls in the notebooks under ``chapters_dir`` (default: the
    repository's ``chapters/``; an empty dict when it is not there, e.g. in an installed wheel).
    """
    root = _opt_path("chapters_dir", chapters_dir) or _chapters_dir()
    if not root.is_dir():
        return {}
    pages: dict[str, str] = {}
    for nb in sorted(root.glob("*.ipynb")):
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, json.JSONDecodeError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            for cid in _SHOW_CALL.findall("".join(cell.get("source", []))):
                pages.setdefault(cid, f"chapters/{nb.stem}")
    return pages


def _sentences(text: str) -> set[str]:
    return {s.strip() for s in re.findall(r"[^。？！?]*[。？！?]", text) if s.strip()}


def claims_overview(chapters_dir: str | Path | None = None) -> pd.DataFrame:
    """Every statement of the seed article with the verdict of the claim that decides it.

    One row per (article entry, deciding claim), in the article's order
    (:data:`dtao_lib.claims.seed_other.ARTICLE`). Registered claims that no entry names are added
    after the entry whose sentences they quote (or at the end).

    Columns: ``entry`` (1-based position in the article), ``japanese``, ``english`` (our rendering
    of the sentences), ``claim_id`` (the registered id, or the expected one while the chapter is not
    written), ``verdict`` (``"pending"`` until registered), ``chapter`` (title), ``page`` (file the
    verdict is decided in), ``link`` (relative URL of the claim's box from a page in ``chapters/``,
    empty if no page shows it yet), ``spec``, ``holds_for`` (the period the verdict holds for,
    :attr:`dtao_lib.claims.Claim.holds_for`) and ``registered`` (bool).
    """
    _opt_path("chapters_dir", chapters_dir)
    _claims._load_all()
    shown = claim_pages(chapters_dir)
    used: set[str] = set()
    rows: list[dict[str, Any]] = []

    def link(cid: str, page: str) -> str:
        if cid.startswith("seed-") and page == seed_other._HERE_PAGE:
            # the page name, not a bare "#claim-…": the table is also shown outside the appendix
            return f"{Path(page).name}.html#claim-{cid}"
        where = shown.get(cid)
        return f"{Path(where).name}.html#claim-{cid}" if where else ""

    for i, entry in enumerate(seed_other.ARTICLE, start=1):
        for d in entry.deciders:
            cid = next((x for x in d.ids if x in _claims.CLAIMS), None)
            if cid is None:
                rows.append({"entry": i, "japanese": entry.japanese, "english": entry.english,
                             "claim_id": d.claim_id, "verdict": "pending", "chapter": d.chapter, "page": d.page,
                             "link": "", "spec": "", "holds_for": "", "registered": False})
                continue
            c = _claims.CLAIMS[cid]
            used.add(cid)
            page = d.page if cid.startswith("seed-") else shown.get(cid, d.page)
            rows.append({"entry": i, "japanese": entry.japanese, "english": entry.english, "claim_id": cid,
                         "verdict": c.verdict, "chapter": c.chapter, "page": page, "link": link(cid, d.page),
                         "spec": c.spec, "holds_for": c.holds_for, "registered": True})
    extras = [c for cid, c in _claims.CLAIMS.items() if cid not in used]
    for c in extras:
        sents = _sentences(c.japanese) or {c.japanese}
        pos = next((i for i, e in enumerate(seed_other.ARTICLE, start=1)
                    if any(s in e.japanese for s in sents) or c.japanese in e.japanese), None)
        rows.append({"entry": pos if pos is not None else len(seed_other.ARTICLE) + 1,
                     "japanese": c.japanese, "english": c.english, "claim_id": c.id, "verdict": c.verdict,
                     "chapter": c.chapter, "page": shown.get(c.id, ""), "link": link(c.id, ""), "spec": c.spec,
                     "holds_for": c.holds_for, "registered": True})
    df = pd.DataFrame(rows)
    df["_order"] = range(len(df))
    return df.sort_values(["entry", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)


def claims_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per verdict in a :func:`claims_overview` (each claim counted once)."""
    _frame(df, ("claim_id", "verdict"), "claims_overview")
    once = df.drop_duplicates("claim_id")
    order = [*_claims.VERDICT_COLORS, "pending"]
    counts = once["verdict"].value_counts()
    out = pd.DataFrame({"verdict": order, "claims": [int(counts.get(v, 0)) for v in order]})
    return out[out["claims"] > 0].reset_index(drop=True)


def claims_html(df: pd.DataFrame) -> HtmlBlock:
    """The claims table as HTML: one row per article entry, with each deciding claim's verdict and a
    link to its "Check the claim" box."""
    _frame(df, ("entry", "japanese", "english", "claim_id", "verdict", "chapter", "page", "link"), "claims_overview")
    colors = {**_claims.VERDICT_COLORS, "pending": "#aab7b8"}
    body = []
    for n, (_, g) in enumerate(df.groupby("entry", sort=True), start=1):
        first = g.iloc[0]
        said = (f'<p style="margin:0">{_esc(first["english"])}</p>'
                f'<details><summary>原文</summary><p lang="ja" style="margin:0">{_esc(first["japanese"])}</p>'
                "</details>")
        decided = []
        for _, r in g.iterrows():
            badge = _badge(r["verdict"], colors.get(r["verdict"], "#7f8c8d"))
            title = "this appendix" if str(r["link"]).startswith("#") else (r["chapter"] or r["page"])
            if r["link"]:
                target = f'<a href="{_esc(r["link"])}">{_esc(title)}</a>'
            else:
                target = _esc(title) + (" <em>(not written yet)</em>" if r["verdict"] == "pending" else "")
            holds = r.get("holds_for", "")
            holds = f'<br><span style="font-size:0.85em">holds for: {_esc(holds)}</span>' if holds else ""
            decided.append(f'<div style="margin-bottom:0.5em">{badge} {target}{holds}<br>'
                           f'<code style="font-size:0.8em">{_esc(r["claim_id"])}</code></div>')
        body.append(f'<tr id="article-{n}"><td>{n}</td><td>{said}</td><td>{"".join(decided)}</td></tr>')
    text = ('<div class="dtao-claims-table" style="overflow-x:auto"><table class="table dtao-table">'
            "<thead><tr><th>#</th><th>the article says</th><th>verdict, and where it is decided</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")
    return HtmlBlock(text, plain=f"{df['entry'].nunique()} statements, {df['claim_id'].nunique()} claims")


def claim_boxes(ids: Iterable[str]) -> HtmlBlock:
    """The "Check the claim" boxes of ``ids``, one after the other (each has the anchor ``claim-<id>``)."""
    items = _claim_ids(ids)
    return HtmlBlock("".join(_claims.get(cid).render_html() for cid in items), plain=", ".join(items))


def out_of_scope_html(ids: Iterable[str]) -> HtmlBlock:
    """Claims of verdict "out of scope" as one compact table (each row has the anchor ``claim-<id>``,
    so links from :func:`claims_html` land on it): the statement, the original and why no on-chain
    mechanism decides it."""
    items = [_claims.get(cid) for cid in _claim_ids(ids)]
    wrong = [c.id for c in items if c.verdict != "out of scope"]
    if wrong:
        raise ValueError(f"ids must all have the verdict 'out of scope'; these do not: {wrong}")
    rows = "".join(
        f'<tr id="claim-{_esc(c.id)}"><td><p style="margin:0">{_esc(c.english)}</p><details><summary>原文</summary>'
        f'<p lang="ja" style="margin:0">{_esc(c.japanese)}</p></details></td><td>{_esc(c.explanation)}</td></tr>'
        for c in items
    )
    text = ('<div class="dtao-out-of-scope" style="overflow-x:auto"><table class="table dtao-table"><thead><tr>'
            "<th>the article says</th><th>why the chain cannot decide it</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
    return HtmlBlock(text, plain=f"{len(items)} statements out of scope")


def emission_leaders_chart(top: int = 8) -> alt.Chart:
    """Daily share of TAO emission of the ``top`` subnets (by mean share), 14 Sept – 27 Oct 2025.

    Data: :func:`dtao_lib.data.load_emission_shares` (names from the 2026-04-11 snapshot). Click a
    name in the legend to highlight it.
    """
    top = check_int("top", top, lo=1, hi=20)
    r = seed_other.emission_ranks()
    leaders = r.groupby("netuid")["share"].mean().sort_values(ascending=False).head(top).index
    df = r[r["netuid"].isin(leaders)].copy()
    df["subnet"] = [f"SN{u} {n}" for n, u in zip(df["name"], df["netuid"], strict=True)]
    df["share_pct"] = df["share"] * 100
    order = [df.loc[df["netuid"] == u, "subnet"].iloc[0] for u in leaders]
    pick = alt.selection_point(fields=["subnet"], bind="legend")
    return alt.Chart(df[["date", "subnet", "share_pct", "rank"]]).mark_line(point=True).encode(
        x=alt.X("date:T", title="capture day (2025)", axis=alt.Axis(format="%d %b")),
        y=alt.Y("share_pct:Q", title="share of TAO emission (%)"),
        color=alt.Color("subnet:N", sort=order, title="subnet (names as of April 2026)",
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=160)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
        tooltip=[alt.Tooltip("date:T"), "subnet:N", alt.Tooltip("share_pct:Q", format=".2f", title="share %"),
                 "rank:Q"],
    ).add_params(pick).properties(width=WIDTH - 60, height=HEIGHT,
                                  title=f"The {top} subnets with the most TAO emission, autumn 2025")


# =============================================================================================
# Parameters, timeline and eras
# =============================================================================================
def _plain_value(p: params.Parameter) -> str:
    """The parameter in everyday units (a percentage, TAO, days...)."""
    unit, v = p.unit, p.value
    if unit.startswith("u16"):
        return f"{v / params.U16_MAX:.4%}"
    if unit == "rao":
        return f"{v / params.RAO_PER_TAO:,.9g} TAO"
    if unit == "rao/block":
        return f"{v / params.RAO_PER_TAO:,.9g} TAO per block"
    if unit == "blocks":
        if v < params.BLOCKS_PER_DAY:
            return f"{v * params.BLOCK_TIME_SECONDS / 3600:,.3g} hours"
        return f"{v / params.BLOCKS_PER_DAY:,.4g} days"
    if unit == "/1e6":
        return f"{v / 1e6:g} (α = {1 - v / 1e6:.2g})"
    if unit.startswith("fraction") or unit.startswith("per block ("):
        return f"{v:.6g}"
    return ""


def _fmt_value(v: float | int) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}".replace(",", "\u202f")
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e7):
        return f"{v:.10g}"
    return f"{v:g}"


def parameters_table() -> pd.DataFrame:
    """:data:`dtao_lib.params.MAINNET` as a table: name, value, unit, the value in everyday units,
    meaning, where subtensor sets it, and the spec sections."""
    return pd.DataFrame([
        {"parameter": p.name, "value": _fmt_value(p.value), "unit": p.unit, "in plain units": _plain_value(p),
         "meaning": p.meaning, "set in subtensor": p.source, "spec": p.spec}
        for p in params.MAINNET
    ])


def timeline_table() -> pd.DataFrame:
    """:data:`dtao_lib.params.TIMELINE` as a table, with the emission-share era in force after each change
    (built on :func:`dtao_lib.figures.timeline.timeline_frame`, the book-wide timeline)."""
    ev = timeline.timeline_frame()
    return pd.DataFrame({
        "date": [f"{d:%Y-%m-%d}" + (" ≈" if a else "") for d, a in zip(ev["date"], ev["approximate"], strict=True)],
        "release": ev["tag"], "change": ev["summary"], "mechanism": ev["mechanism"],
        "era after": ev["era"], "evidence": ev["evidence"], "labels": ev["labels"], "date kind": ev["kind"],
    })


def parameters_html() -> HtmlBlock:
    """:func:`parameters_table` as a compact HTML table (name and meaning; value and everyday units;
    where subtensor sets it and the spec sections)."""
    df = parameters_table()
    rows = "".join(
        f'<tr><td><code>{_esc(r["parameter"])}</code><br><small>{_esc(r["meaning"])}</small></td>'
        f'<td style="white-space:nowrap">{_esc(r["value"])} <small>{_esc(r["unit"])}</small>'
        f'<br><small>{_esc(r["in plain units"])}</small></td>'
        f'<td><small>{_esc(r["set in subtensor"])}<br>spec {_esc(r["spec"])}</small></td></tr>'
        for _, r in df.iterrows()
    )
    text = ('<div class="dtao-parameters" style="overflow-x:auto"><table class="table dtao-table">'
            "<thead><tr><th>parameter</th><th>value</th><th>set in subtensor</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
    return HtmlBlock(text, plain=f"{len(df)} parameters")


def timeline_html() -> HtmlBlock:
    """:func:`timeline_table` as a compact HTML table (date and release; the change with its mechanism
    and evidence; the emission-share era after it)."""
    df = timeline_table()
    rows = "".join(
        f'<tr><td style="white-space:nowrap">{_esc(r["date"])}<br><strong>{_esc(r["release"])}</strong></td>'
        f'<td>{_esc(r["change"])}<br><small>{_esc(r["mechanism"])} · evidence: {_esc(r["evidence"])}'
        f'{" · labels " + _esc(r["labels"]) if r["labels"] else ""} · date: {_esc(r["date kind"])}</small></td>'
        f'<td>{_esc(r["era after"])}</td></tr>'
        for _, r in df.iterrows()
    )
    text = ('<div class="dtao-timeline" style="overflow-x:auto"><table class="table dtao-table">'
            "<thead><tr><th>date</th><th>change</th><th>share era after</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")
    return HtmlBlock(text, plain=f"{len(df)} changes")


def timeline_chart() -> alt.LayerChart:
    """The protocol-change timeline (spec §9): one point per change, by mechanism, over the
    emission-share eras. A dropdown highlights one mechanism; hover a point for the change."""
    df = timeline_table()
    df["date"] = timeline.timeline_frame()["date"]
    df["when"] = df["date kind"]
    mechanisms = sorted(df["mechanism"].unique())
    pick = dropdown("mechanism", ["all", *mechanisms], "all", "highlight mechanism ")
    spans = timeline.era_bands()
    bands = alt.Chart(spans).mark_rect(opacity=0.15).encode(
        x=alt.X("start:T", title="date"), x2="end:T",
        color=alt.Color("era:N", title="share era (§3.2)", sort=list(params.ERA_LETTERS),
                        scale=alt.Scale(domain=list(ERA_COLORS), range=list(ERA_COLORS.values())),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["era:N", alt.Tooltip("start:T", title="from")],
    )
    highlight = (pick == "all") | (alt.datum.mechanism == pick)
    points = alt.Chart(df).mark_point(size=90, filled=True).encode(
        x="date:T",
        y=alt.Y("mechanism:N", title=None, sort=mechanisms),
        shape=alt.Shape("when:N", title=None, scale=alt.Scale(domain=list(timeline.DATE_SHAPES),
                                                               range=list(timeline.DATE_SHAPES.values())),
                        legend=alt.Legend(orient="bottom")),
        opacity=alt.condition(highlight, alt.value(1.0), alt.value(0.15)),
        color=alt.value("#2c3e50"),
        tooltip=[alt.Tooltip("date:T"), "release:N", "change:N", "evidence:N",
                 alt.Tooltip("labels:N", title="evidence labels"), "when:N"],
    ).add_params(pick)
    return (bands + points).properties(width=WIDTH - 140, height=HEIGHT,
                                       title="Protocol changes, Feb 2025 – Sept 2026")


ERA_GROUPS: dict[str, tuple[str, ...]] = {
    "emission": ("share_rule", "injection_rule", "chain_buy_alpha", "new_subnet_emission_enabled"),
    "root and owner": ("root_dividends", "root_sell_flag", "root_alpha_without_sell_flag", "owner_cut_toggle"),
    "market": ("pool", "swap_fee_u16", "fee_destination", "ema_rule", "ema_age_origin", "ema_halving_blocks",
               "ema_fixed_point", "taoflow_counts_registration"),
    "registration": ("lock_destination", "owner_refund", "owner_emission_basis", "pruning", "subnet_limit_enforced",
                     "first_network_registration_free"),
    "consensus": ("yuma3_available", "yuma3_default", "epoch_schedule"),
    "after June 2026": ("spec_version", "emission_gate", "miner_burn_weighting", "chain_buy_refund",
                        "balancer_reservoirs", "dividend_split", "root_baskets", "registration_collateral",
                        "registration_queue", "fees_recycled", "conviction_owner_change"),
}
"""The rules of :class:`dtao_lib.params.Era`, grouped for the appendix tables."""


def era_rules() -> pd.DataFrame:
    """One row per release in :data:`dtao_lib.params.RELEASES`: its tag date, era letter and every
    rule of :func:`dtao_lib.params.era` (tag dates, not deployment dates; spec §0, §9)."""
    rule_names = [f.name for f in fields(params.Era) if f.name not in ("tag", "version", "dtao")]
    rows = []
    for tag, date in params.RELEASES:
        e = params.era(tag)
        rows.append({"release": tag, "date": date.isoformat(), "era": e.letter,
                     **{name: getattr(e, name) for name in rule_names}})
    # object columns keep None (no rule) and bools as they are, instead of NaN and numpy types
    return pd.DataFrame({k: pd.Series([r[k] for r in rows], dtype=object) for k in rows[0]})


def _rule_text(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v).replace("_", " ")


def era_html(group: str) -> HtmlBlock:
    """The rules of one :data:`ERA_GROUPS` group for every release; a cell is highlighted where the
    rule changed from the release before, and greyed where it did not."""
    check_choice("group", group, list(ERA_GROUPS))
    df = era_rules()
    cols = ERA_GROUPS[group]
    head = "".join(f"<th>{_esc(c.replace('_', ' '))}</th>" for c in ("release", "era", *cols))
    body = []
    prev: dict[str, Any] | None = None
    for _, r in df.iterrows():
        cells = [f"<td style=\"white-space:nowrap\"><strong>{_esc(r['release'])}</strong><br>"
                 f"<small>{_esc(r['date'])}</small></td>",
                 f"<td>{_esc(r['era'])}</td>"]
        for c in cols:
            if prev is None:
                style = ""
            elif prev[c] != r[c]:
                style = ' style="background:#fdebd0;font-weight:600"'
            else:
                style = ' style="color:#aab7b8"'
            cells.append(f"<td{style}>{_esc(_rule_text(r[c]))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
        prev = r.to_dict()
    text = (f'<div class="dtao-era-table" style="overflow-x:auto"><table class="table dtao-table" '
            f'style="font-size:0.85em"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
    return HtmlBlock(text, plain=f"era rules: {group}")


# =============================================================================================
# Status: benchmarks
# =============================================================================================
BENCHMARK_KEYS: dict[str, tuple[str, str]] = {
    "speedup_vs_scalar_reference": ("×", "how many times faster the simulator's compiled kernel runs than the "
                                         "plain-Python scalar reference, on the same scenario"),
    "year_128_subnets_seconds": ("s", "wall time to simulate one year of 128 subnets at block resolution"),
    "scaling_exponent": ("", "fitted exponent b of time ∝ (blocks × subnets)^b; 1 means linear"),
}
"""The figures ``benchmarks/simulator.py`` prints as its last line (one JSON object)."""

WIDGET_KEYS: dict[str, tuple[str, str]] = {
    "worst_p95_ms": ("ms", "the slowest live figure's 95th-percentile answer to a control change (render and "
                           "serialisation in the kernel; goal ≤ 50 ms)"),
    "worst_cpu_p95_ms": ("ms", "the same in the kernel thread's CPU time: without the wait for a core on a "
                               "shared machine"),
    "figures_over_goal": ("", "live figures whose p95 is above 50 ms"),
    "slowest_result_p95_ms": ("ms", "p95 until the result is shown, for the figures that compute off the "
                                    "kernel's main thread with a progress bar (the research lab's simulations)"),
    "n_figures": ("", "live figures measured (every figure with a live face)"),
}
"""The figures ``benchmarks/widgets.py`` prints as its last line."""

YUMA_KEYS: dict[str, tuple[str, str]] = {
    "exact_ms_per_epoch": ("ms", "one Yuma-3 epoch of 64 validators × 256 miners, exact I32F32 emulation "
                                 "(dtao_lib.yuma.run_epochs)"),
    "float_reference_ms_per_epoch": ("ms", "the same epoch as a plain float64 numpy implementation written for "
                                           "the benchmark"),
    "ratio_vs_float_reference": ("×", "exact ÷ float reference (goal ≤ 1); CPU times, best of several runs"),
    "wall_ratio": ("×", "the same ratio in wall time (on a shared machine it includes waiting for a core)"),
}
"""The figures ``benchmarks/yuma.py`` prints as its last line."""

JUPYTER_KEYS: dict[str, tuple[str, str]] = {
    "worst_p95_ms": ("ms", "the slowest live figure's 95th-percentile answer in a real JupyterLab, end to end: "
                           "control change, kernel callback, comm, chart redrawn (goal ≤ 200 ms)"),
    "target_ms": ("ms", "the goal"),
}
"""The figures ``benchmarks/jupyter_latency.py`` prints as its last line."""

REFERENCE_FILE = Path("benchmarks") / "reference.json"
LATEST_FILE = Path("benchmarks") / "results" / "latest.json"


@dataclass(frozen=True)
class _Benchmark:
    title: str
    script: str
    keys: dict[str, tuple[str, str]]
    reference: Path
    latest: Path


BENCHMARKS = (
    _Benchmark("Network simulator", "benchmarks/simulator.py", BENCHMARK_KEYS, REFERENCE_FILE, LATEST_FILE),
    _Benchmark("Live figures", "benchmarks/widgets.py", WIDGET_KEYS, Path("benchmarks") / "reference_widgets.json",
               Path("benchmarks") / "results" / "widgets.json"),
    _Benchmark("Yuma epoch", "benchmarks/yuma.py", YUMA_KEYS, Path("benchmarks") / "reference_yuma.json",
               Path("benchmarks") / "results" / "yuma.json"),
    _Benchmark("Live figures in JupyterLab", "benchmarks/jupyter_latency.py", JUPYTER_KEYS,
               Path("benchmarks") / "reference_jupyter_latency.json",
               Path("benchmarks") / "results" / "jupyter_latency.json"),
)
"""The benchmark scripts the status page reports: their figures, committed reference file and local run."""


def benchmark_figures(path: str | Path, keys: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """The benchmark figures in a JSON file, one row per key of ``keys`` present.

    The file is the JSON object a benchmark script prints as its last line (``keys`` default to the
    simulator's, :data:`BENCHMARK_KEYS`; see :data:`BENCHMARKS` for the others). Extra keys such as
    ``date``, ``machine`` or ``commit`` are kept in ``df.attrs["meta"]``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not a JSON object, or a figure is not a finite number.
    """
    p = check_path("path", path)
    keys = BENCHMARK_KEYS if keys is None else keys
    if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, str) for x in v)
            for k, v in keys.items()):
        raise TypeError("keys must be a dict {figure: (unit, meaning)} of strings, like BENCHMARK_KEYS, or None")
    if not p.is_file():
        raise FileNotFoundError(f"benchmark file not found: {p}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{p}: expected a JSON object, got {type(data).__name__}")
    rows = []
    for key, (unit, meaning) in keys.items():
        if key not in data:
            continue
        v = data[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"{p}: {key} must be a finite number, got {v!r}")
        rows.append({"figure": key, "value": float(v), "unit": unit, "meaning": meaning})
    df = pd.DataFrame(rows, columns=["figure", "value", "unit", "meaning"])
    df.attrs["meta"] = {k: v for k, v in data.items() if k not in keys}
    df.attrs["source"] = str(p)
    return df


def widget_latency_table(path: str | Path) -> pd.DataFrame:
    """Per live figure, from a ``benchmarks/widgets.py`` result file: chapter, p50/p95/CPU p95 (ms),
    changes measured and, for figures computing in the background, the p95 until the result shows.
    A missing file gives an empty table (the local run is optional)."""
    p = check_path("path", path)
    data = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
    figures = data.get("figures") if isinstance(data, dict) else None
    cols = ["figure", "chapter", "p50_ms", "p95_ms", "cpu_p95_ms", "changes", "result_p95_ms"]
    if not isinstance(figures, dict):
        return pd.DataFrame(columns=cols)
    rows = [{"figure": name, **{c: r.get(c) for c in cols[1:]}} for name, r in figures.items() if isinstance(r, dict)]
    return pd.DataFrame(rows, columns=cols).sort_values("p95_ms", ascending=False, ignore_index=True)


def _benchmark_section(base: Path, rel: Path, label: str, keys: dict[str, tuple[str, str]]) -> str | None:
    p = base / rel
    if not p.is_file():
        return None
    try:
        df = benchmark_figures(p, keys)
    except ValueError as exc:
        return (f"<p><strong>{_esc(label)}:</strong> <code>{_esc(rel)}</code> could not be read: "
                f"{_esc(exc)}</p>")
    meta = df.attrs["meta"]
    meta_text = "; ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in meta.items()
        if (isinstance(v, str | int | float) and not isinstance(v, bool))
        or (isinstance(v, list) and v and all(isinstance(x, int | float) for x in v)))  # e.g. the load average
    estimated = meta.get("year_estimated") or (isinstance(meta.get("details"), dict)
                                               and meta["details"].get("year_estimated"))
    rows = "".join(
        f"<tr><td><code>{_esc(r['figure'])}</code></td><td>{r['value']:,.4g} {_esc(r['unit'])}</td>"
        f"<td>{_esc(r['meaning'])}</td></tr>" for _, r in df.iterrows()
    )
    missing = [k for k in keys if k not in set(df["figure"])]
    note = f"<p>Missing from the file: {', '.join(missing)}.</p>" if missing else ""
    if estimated:
        note += "<p>The year was extrapolated from a shorter run (<code>--quick</code>).</p>"
    if keys is WIDGET_KEYS:
        per = widget_latency_table(p)
        if len(per):
            body = "".join(
                "<tr>" + "".join(f"<td>{_esc('' if v is None or v != v else v)}</td>" for v in r) + "</tr>"
                for r in per.itertuples(index=False))
            head = "".join(f"<th>{_esc(c)}</th>" for c in per.columns)
            note += (f"<details><summary>Per figure ({len(per)})</summary><table class=\"table dtao-table\" "
                     f"style=\"font-size:0.85em\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                     "</details>")
    return (f"<p><strong>{_esc(label)}</strong> from <code>{_esc(rel)}</code>"
            + (f" ({_esc(meta_text)})" if meta_text else "") + ":</p>"
            f'<table class="table dtao-table"><thead><tr><th>figure</th><th>value</th><th>meaning</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>{note}")


def benchmark_report(root: str | Path | None = None) -> HtmlBlock:
    """The benchmark section of the status page: one part per script of :data:`BENCHMARKS`.

    For each it shows the committed reference figures (e.g. ``benchmarks/reference.json``) and, when
    present, the figures of the last local run (``benchmarks/results/*.json``, not committed). When
    no file exists it says how to produce them. Never raises for a missing file; a malformed file
    is reported in the output.
    """
    base = _opt_path("root", root) or REPO_ROOT
    parts = []
    for bench in BENCHMARKS:
        found = [section for rel, label in ((bench.reference, "Reference figures (committed)"),
                                            (bench.latest, "Last run on this machine (not committed)"))
                 if (section := _benchmark_section(base, rel, label, bench.keys)) is not None]
        if found:
            parts.append(f"<h4>{_esc(bench.title)} (<code>{_esc(bench.script)}</code>)</h4>" + "".join(found))
    if not parts:
        parts.append(
            "<p><strong>No benchmark figures yet.</strong> Neither <code>benchmarks/reference.json</code> "
            "(committed reference figures) nor <code>benchmarks/results/latest.json</code> (a local run) "
            "exists. Run <code>make bench</code>, or <code>.venv/bin/python benchmarks/simulator.py</code>, "
            "which prints the figures as one JSON line at the end.</p>"
        )
    return HtmlBlock('<div class="dtao-benchmarks">' + "".join(parts) + "</div>",
                     plain=f"{len(parts)} benchmark section(s)")


# =============================================================================================
# Workshop: exercises read from the chapters
# =============================================================================================
@dataclass(frozen=True)
class Exercise:
    """One ``{exercise}`` block of a chapter."""

    label: str
    title: str
    body: str
    page: str


_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}\s*(?P<title>.*)$")


def _exercise_blocks(text: str, page: str) -> list[Exercise]:
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence, title = m.group("fence"), m.group("title").strip()
        j, label, body = i + 1, "", []
        while j < len(lines) and lines[j].strip() != fence:
            opt = re.match(r"^:(\w[\w-]*):\s*(.*)$", lines[j].strip())
            if opt and not body:
                if opt.group(1) == "label":
                    label = opt.group(2).strip()
            else:
                body.append(lines[j])
            j += 1
        if label:
            out.append(Exercise(label, title, "\n".join(body).strip(), page))
        i = j + 1
    return out


def find_exercises(chapters_dir: str | Path | None = None) -> dict[str, Exercise]:
    """Every labelled ``{exercise}`` in the notebooks and Markdown pages of ``chapters_dir``
    (default: the repository's ``chapters/``), by label."""
    root = _opt_path("chapters_dir", chapters_dir) or _chapters_dir()
    found: dict[str, Exercise] = {}
    if not root.is_dir():
        return found
    for f in sorted(root.iterdir()):
        if f.suffix == ".ipynb":
            try:
                cells = json.loads(f.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, json.JSONDecodeError):
                continue
            texts = ["".join(c.get("source", [])) for c in cells if c.get("cell_type") == "markdown"]
        elif f.suffix == ".md":
            texts = [f.read_text(encoding="utf-8")]
        else:
            continue
        for text in texts:
            for ex in _exercise_blocks(text, f"chapters/{f.stem}"):
                found.setdefault(ex.label, ex)
    return found


_PLAN_REF = re.compile(r"\{(?:num)?ref\}`(?:[^`<]*<)?([a-z0-9_-]+-ex\d+)>?`")


def workshop_plan_labels(plan: str | Path | None = None) -> list[str]:
    """The exercise labels the workshop plan names, in plan order, each once.

    The plan (``chapters/workshop.md`` by default) is the one list of workshop exercises: the
    exercise sheet is generated from it, and both show the numbers sphinx-exercise gives the
    exercises in the chapters (``{numref}`label```), so a number is the same on the chapter page, in
    the plan and on the sheet.

    Raises
    ------
    ValueError
        If the plan cannot be read or names no exercise.
    """
    path = _opt_path("plan", plan) or _chapters_dir() / "workshop.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"plan: cannot read the workshop plan {path} (the exercise sheet is built from the "
                         f"book's chapters: open it from a clone of the repository): {exc}") from None
    labels = list(dict.fromkeys(_PLAN_REF.findall(text)))
    if not labels:
        raise ValueError(f"plan: {path} names no exercise (expected {{numref}}`<label>` references)")
    return labels


def exercise_sheet(labels: Sequence[str], *, chapters_dir: str | Path | None = None,
                   answer_lines: int = 6) -> MarkdownBlock:
    """A printable sheet of the exercises ``labels`` (MyST Markdown), in the given order.

    Each exercise is copied from its chapter (title and text, not the solution) with the chapter it
    comes from and a ruled space for the answer. Solutions stay in the chapters. Its heading is a
    ``{numref}`` to the chapter's exercise, so the sheet shows the book's number for it ("Exercise
    24"), the number the chapter page and the workshop plan show.

    Raises
    ------
    ValueError
        If a label is not found in any chapter (the message lists the labels that exist), or
        ``answer_lines`` is not in [0, 40].
    """
    if isinstance(labels, str) or not isinstance(labels, Sequence) or not labels:
        raise ValueError("labels must be a non-empty sequence of exercise labels, e.g. ['halvings-ex1']")
    if not all(isinstance(lb, str) for lb in labels):
        raise TypeError(f"labels must contain only exercise labels (strings), got {list(labels)!r}")
    answer_lines = check_int("answer_lines", answer_lines, lo=0, hi=40)
    _opt_path("chapters_dir", chapters_dir)
    found = find_exercises(chapters_dir)
    missing = [lb for lb in labels if lb not in found]
    if missing:
        raise ValueError(f"exercise label(s) {missing} not found in the chapters; known: {sorted(found)}")
    space = (f'<div class="dtao-answer" style="height:{2 * answer_lines}em;border-bottom:1px solid #bbb;'
             "background:repeating-linear-gradient(transparent, transparent 1.9em, #ddd 1.9em, #ddd 2em)\">"
             "</div>")
    parts = []
    for lb in labels:
        ex = found[lb]
        parts.append(
            f":::{{admonition}} {{numref}}`{lb}`. {ex.title}\n:class: dtao-sheet-exercise\n\n"
            f"{ex.body}\n\n*From {{doc}}`/{ex.page}`.*\n:::\n\n"
            + (f"{space}\n\n" if answer_lines else "")
        )
    return MarkdownBlock("".join(parts))
