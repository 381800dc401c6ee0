"""The timeline of protocol changes (spec §9), drawn from :data:`dtao_lib.params.TIMELINE`.

One figure used across the book: every chapter can show it with its own era or mechanism
highlighted, so the reader always sees where a rule sits in the history. The emission-share eras of
spec §3.2 (pre-dTAO, A, B, B', C, D) are the background bands; each protocol change is a point in the
lane of the mechanism it changed. Dates are release-tag commit dates unless the change is marked
approximate (spec §0: tag dates are not on-chain deployment dates).

Functions
---------
timeline_frame
    The changes as a DataFrame (one row per :class:`dtao_lib.params.Change`).
era_bands
    Start and end of each emission-share era (from :data:`dtao_lib.params.ERA_LETTERS` and the
    release dates in :data:`dtao_lib.params.RELEASES`).
timeline_chart
    The chart; ``highlight=`` an era letter (or several) or a mechanism.
timeline_table
    The changes of one era or mechanism, for display under the chart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import altair as alt
import pandas as pd

from .._validate import check_bool, check_choice, check_str
from ..params import ERA_LETTERS, HEAD_DATE, RELEASES, TIMELINE
from ..params import era as _era
from ._style import ERA_COLORS, WIDTH

__all__ = [
    "DATE_KINDS",
    "DATE_SHAPES",
    "ERA_NAMES",
    "EVIDENCE_LABELS",
    "MECHANISMS",
    "date_kind_label",
    "era_bands",
    "evidence_labels",
    "timeline_chart",
    "timeline_frame",
    "timeline_table",
]

DATE_SHAPES: dict[str, str] = {"tag commit date": "circle", "approximate (public reports)": "diamond",
                               "PR text date": "square", "live on Finney (chain watchers)": "triangle-up"}
"""Marker of each kind of date, the same in every timeline of the book: a circle for a release tag's
(or a commit's) date, a diamond for an approximate date taken from public reports, and for the changes
after June 2026 a square for the date of a pull request's text (not a merge or deployment date) and a
triangle for the day a chain watcher saw the runtime live (addendum §A0, §A1)."""

EVIDENCE_LABELS: dict[str, str] = {"V": "read in code", "P": "pull-request text", "T": "third-party observation",
                                   "G": "inference"}
"""The addendum's evidence labels (§A0), used for the changes after June 2026."""


def evidence_labels(evidence: str) -> str:
    """The addendum labels an evidence string carries, in the order V, P, T, G (``"[V] [P]"``; "" if none).

    Changes up to June 2026 cite the code at a release tag and carry no label (the spec read them all
    in code); later ones start with a label (:data:`dtao_lib.params.Change`).
    """
    found = set(re.findall(r"\[([VPTG])\]", check_str("evidence", evidence, allow_empty=True)))
    return " ".join(f"[{k}]" for k in EVIDENCE_LABELS if k in found)


DATE_KINDS = ("tagged", "commit", "PR", "live")
"""The values of :attr:`dtao_lib.params.Change.date_kind`."""


def date_kind_label(approximate: bool, date_kind: str) -> str:
    """The :data:`DATE_SHAPES` key of a change's date: approximate first, then by ``Change.date_kind``
    (one of :data:`DATE_KINDS`)."""
    approximate = check_bool("approximate", approximate)
    check_choice("date_kind", date_kind, DATE_KINDS)
    if approximate:
        return "approximate (public reports)"
    return {"PR": "PR text date", "live": "live on Finney (chain watchers)"}.get(date_kind, "tag commit date")

MECHANISMS: tuple[str, ...] = (
    "emission",
    "emission shares",
    "EMA price",
    "injection",
    "coinbase",
    "AMM",
    "Yuma",
    "registration",
    "dissolution",
)
"""Lanes of the timeline, top to bottom (every ``Change.mechanism`` in :data:`TIMELINE`)."""

ERA_NAMES: dict[str, str] = {
    "pre-dtao": "root network votes",
    "A": "A: EMA price",
    "B": "B: TaoFlow",
    "B'": "B': net TaoFlow",
    "C": "C: price × (1 − burn) × root_prop",
    "D": "D: price × (1 − burn)",
    "E": "E: gate(price × (1 − burn)), q-mass bar",
    "F": "F: gate(price × (1 − burn)), rank-32 bar",
}
"""Short name of each emission-share era (spec §3.2)."""

_START = dt.date(2025, 1, 1)
"""Left edge of the chart: the pre-dTAO band is drawn from here (the root era began long before)."""
_END = dt.date(2026, 9, 30)
"""Right edge of the chart (the book describes the protocol up to HEAD, runtime spec 459, September 2026)."""


def timeline_frame() -> pd.DataFrame:
    """Every change in :data:`dtao_lib.params.TIMELINE`, with the era letter in force after it.

    Columns: ``date`` (Timestamp), ``tag``, ``summary``, ``mechanism``, ``evidence``,
    ``approximate`` (bool: the date comes from public reports, not a tag), ``era`` (share era letter
    of the release in force on that date, :func:`dtao_lib.params.era`), ``labels`` (the addendum's
    evidence labels, :func:`evidence_labels`) and ``kind`` (what the date is, :func:`date_kind_label`).
    """
    rows = []
    for c in TIMELINE:
        rows.append({
            "date": pd.Timestamp(c.date),
            "tag": c.tag,
            "summary": c.summary,
            "mechanism": c.mechanism,
            "evidence": c.evidence,
            "approximate": c.approximate,
            "era": _era(c.date).letter,
            "labels": evidence_labels(c.evidence),
            "kind": date_kind_label(c.approximate, c.date_kind),
        })
    return pd.DataFrame(rows)


def era_bands() -> pd.DataFrame:
    """Start and end date of each emission-share era (spec §3.2), one row per era letter.

    An era starts at the tag date of its first release (:data:`ERA_LETTERS`) and ends where the next
    one starts; the pre-dTAO band is drawn from 1 January 2025 and the last era (F, HEAD) to the end
    of September 2026, the edge of what this book describes. Dates after June 2026 are the dates
    :data:`dtao_lib.params.RELEASE_INFO` gives (live dates where known, else PR dates).
    """
    dates = dict(RELEASES)
    letters = list(ERA_LETTERS)
    rows = []
    for i, letter in enumerate(letters):
        tag = ERA_LETTERS[letter]
        start = _START if letter == "pre-dtao" else (HEAD_DATE if tag == "head" else dates[tag])
        if i + 1 < len(letters):
            nxt = ERA_LETTERS[letters[i + 1]]
            end = HEAD_DATE if nxt == "head" else dates[nxt]
        else:
            end = _END
        rows.append({"era": letter, "name": ERA_NAMES[letter], "start": pd.Timestamp(start),
                     "end": pd.Timestamp(end), "first_release": tag,
                     "mid": pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2})
    return pd.DataFrame(rows)


def _as_set(highlight: str | Iterable[str] | None) -> set[str]:
    if highlight is None:
        return set()
    if isinstance(highlight, str):
        return {highlight}
    if not isinstance(highlight, Iterable) or isinstance(highlight, bytes | dict):
        raise TypeError(f"highlight must be an era letter, a mechanism or a list of them, got "
                        f"{type(highlight).__name__} {highlight!r}")
    items = list(highlight)
    bad = [h for h in items if not isinstance(h, str)]
    if bad:
        raise TypeError(f"highlight must be an era letter, a mechanism or a list of them, got {bad[0]!r}")
    return set(items)


def _resolve_highlight(highlight: str | Iterable[str] | None) -> tuple[set[str], set[str]]:
    """Split ``highlight`` into era letters and mechanisms; unknown names raise ``ValueError``."""
    eras, mechs = set(), set()
    for h in _as_set(highlight):
        if not isinstance(h, str):
            raise TypeError(f"highlight must be an era letter, a mechanism or a list of them, got {h!r}")
        key = {"b'": "B'", "B’": "B'", "pre-dTAO": "pre-dtao", "root": "pre-dtao"}.get(h, h)
        key = key.upper() if key.upper() in ("A", "B", "C", "D") else key
        if key in ERA_LETTERS:
            eras.add(key)
        elif key in MECHANISMS:
            mechs.add(key)
        else:
            raise ValueError(
                f"highlight must be an era letter {list(ERA_LETTERS)} or a mechanism {list(MECHANISMS)}, got {h!r}"
            )
    return eras, mechs


def _label_offsets(events: pd.DataFrame, min_gap_days: int = 40) -> list[int]:
    """Pixel offset of each tag label: above the point, or below it when the previous change in the
    same lane is closer than ``min_gap_days`` (so neighbouring labels do not overlap)."""
    offsets = []
    last: dict[str, tuple[pd.Timestamp, int]] = {}
    for date, lane in zip(events["date"], events["mechanism"], strict=True):
        prev = last.get(lane)
        dy = -11
        if prev is not None and (date - prev[0]).days < min_gap_days and prev[1] < 0:
            dy = 13
        last[lane] = (date, dy)
        offsets.append(dy)
    return offsets


def timeline_chart(highlight: str | Iterable[str] | None = None, *, title: str | None = None) -> alt.LayerChart:
    """The protocol timeline (spec §9): era bands, one lane per mechanism, one point per change.

    Parameters
    ----------
    highlight
        An emission-share era letter (``"A"``, ``"B"``, ``"B'"``, ``"C"``, ``"D"``, ``"pre-dtao"``),
        a mechanism (one of :data:`MECHANISMS`), or a list of them. Highlighted eras keep their
        colour and the others fade; highlighted mechanisms keep their points and the others fade.
        ``None`` shows everything at full strength.
    title
        Chart title (default: a description of the highlight).

    Returns
    -------
    altair.LayerChart
        Hover a point for the change, its tag and the evidence (client-side, works on the static
        site). Diamonds are approximate dates (public reports), circles tag commit dates. Points that
        are not faded carry their release tag.
    """
    eras, mechs = _resolve_highlight(highlight)
    if title is not None:
        check_str("title", title, allow_empty=True)
    bands = era_bands()
    bands["on"] = bands["era"].isin(eras) if eras else True
    events = timeline_frame()
    on = pd.Series(True, index=events.index)
    if mechs:
        on &= events["mechanism"].isin(mechs)
    if eras:  # a highlighted era keeps the changes made during it
        on &= events["era"].isin(eras)
    events["on"] = on
    events["label_dy"] = _label_offsets(events)
    era_scale = alt.Scale(domain=list(ERA_COLORS), range=list(ERA_COLORS.values()))
    x_scale = alt.Scale(domain=[pd.Timestamp(_START).isoformat(), pd.Timestamp(_END).isoformat()])
    band = alt.Chart(bands).mark_rect(opacity=0.18).encode(
        x=alt.X("start:T", title=None, scale=x_scale, axis=alt.Axis(format="%b %Y", tickCount=10)),
        x2="end:T",
        color=alt.Color("era:N", scale=era_scale, legend=None),
        opacity=alt.condition(alt.datum.on, alt.value(0.28), alt.value(0.06)),
        tooltip=[alt.Tooltip("name:N", title="emission-share era"), alt.Tooltip("first_release:N", title="from"),
                 alt.Tooltip("start:T", format="%d %b %Y"), alt.Tooltip("end:T", format="%d %b %Y")],
    )
    labels = alt.Chart(bands).mark_text(fontWeight="bold", fontSize=12, dy=-4, baseline="bottom").encode(
        x=alt.X("mid:T", scale=x_scale),
        y=alt.value(0),
        text="era:N",
        color=alt.Color("era:N", scale=era_scale, legend=None),
        opacity=alt.condition(alt.datum.on, alt.value(1.0), alt.value(0.35)),
    )
    strong = alt.datum.on
    base = alt.Chart(events).encode(
        x=alt.X("date:T", scale=x_scale),
        y=alt.Y("mechanism:N", sort=list(MECHANISMS), title=None, scale=alt.Scale(domain=list(MECHANISMS))),
        opacity=alt.condition(strong, alt.value(1.0), alt.value(0.18)),
    )
    points = base.mark_point(size=110, filled=True).encode(
        color=alt.Color("mechanism:N", sort=list(MECHANISMS), legend=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=list(DATE_SHAPES), range=list(DATE_SHAPES.values())),
                        legend=None),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "tag:N", "mechanism:N", "summary:N", "evidence:N",
                 alt.Tooltip("labels:N", title="evidence labels"), alt.Tooltip("kind:N", title="date")],
    )
    above = base.transform_filter(strong & (alt.datum.label_dy < 0)).mark_text(fontSize=9, dy=-11, color="#333")
    below = base.transform_filter(strong & (alt.datum.label_dy > 0)).mark_text(fontSize=9, dy=13, color="#333")
    tags = above.encode(text="tag:N") + below.encode(text="tag:N")
    halving = events[events["tag"] == "halving"]
    rule = alt.Chart(halving).mark_rule(strokeDash=[4, 3], color="#555").encode(x=alt.X("date:T", scale=x_scale))
    if title is None:
        what = sorted(eras) + sorted(mechs)
        title = ("Protocol changes, February 2025 – September 2026"
                 + (f" (highlight: {', '.join(what)})" if what else ""))
    chart = (band + rule + labels + points + tags).resolve_scale(color="independent")
    return chart.properties(width=WIDTH - 40, height=270, title=alt.TitleParams(title, offset=18))


def timeline_table(highlight: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The changes of the highlighted eras and/or mechanisms (all changes if ``None``).

    Columns: date, tag, mechanism, change, evidence, labels (the addendum's [V]/[P]/[T]/[G] for the
    changes after June 2026) and date kind; dates from public reports are marked "≈".
    """
    eras, mechs = _resolve_highlight(highlight)
    ev = timeline_frame()
    keep = pd.Series(True, index=ev.index)
    if eras:
        keep &= ev["era"].isin(eras)
    if mechs:
        keep &= ev["mechanism"].isin(mechs)
    ev = ev[keep]
    return pd.DataFrame({
        "date": [("≈ " if a else "") + f"{d:%Y-%m-%d}" for d, a in zip(ev["date"], ev["approximate"], strict=True)],
        "tag": ev["tag"].to_numpy(),
        "mechanism": ev["mechanism"].to_numpy(),
        "change": ev["summary"].to_numpy(),
        "evidence": ev["evidence"].to_numpy(),
        "labels": ev["labels"].to_numpy(),
        "date kind": ev["kind"].to_numpy(),
    }).reset_index(drop=True)
