"""Claims of the seed article, checked by computation.

The article this book grew from (hitesh.eth, PANews; Japanese) makes claims about Bittensor's
economics. Each claim is a :class:`Claim` registered by the chapter module that decides it
(``dtao_lib/claims/<chapter>.py``): the claim in English and in the original Japanese, a verdict,
an explanation, and an ``evidence`` function that computes the deciding numbers with ``dtao_lib``.

* In a chapter, ``claims.show("<id>")`` renders the "Check the claim" box.
* The appendix "Claims checked" is :func:`table`, built from the same registry.
* ``tests/test_claims.py`` runs every evidence function and the claim's own ``check``, so a verdict
  cannot drift from the numbers.

For chapter authors: add claims to your chapter's module with :func:`register`; keep ``evidence``
a pure function returning a DataFrame with columns ``quantity``, ``value``, ``computed by``, and
``check`` a function of that DataFrame returning True when the numbers support the verdict.

Statements of the article that no chapter decides are in :mod:`dtao_lib.claims.seed_other`, which
also lists every claim in the article's order (``ARTICLE``) so the appendix can show the claims whose
chapter is not written yet.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = ["CLAIMS", "Claim", "get", "register", "show", "table"]

Verdict = Literal["true", "partly true", "false", "outdated", "out of scope"]
VERDICT_COLORS = {"true": "#1e8449", "partly true": "#b9770e", "false": "#c0392b", "outdated": "#6c3483",
                  "out of scope": "#5d6d7e"}
"""Colour of each verdict. "out of scope" marks a statement of the article that no on-chain mechanism
decides (a vision, an off-chain fact, advice); such claims are listed so the appendix covers the whole
article, and their evidence says what the chain records about them (usually nothing)."""


@dataclass(frozen=True)
class Claim:
    """One claim of the seed article and how the book decides it."""

    id: str
    chapter: str
    english: str
    japanese: str
    verdict: Verdict
    explanation: str
    evidence: Callable[[], pd.DataFrame]
    check: Callable[[pd.DataFrame], bool]
    spec: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def render_html(self) -> str:
        """The "Check the claim" box (HTML; works on the static site and in Jupyter)."""
        ev = self.evidence()
        color = VERDICT_COLORS[self.verdict]
        rows = "".join(
            f"<tr><td>{html.escape(str(r['quantity']))}</td><td>{html.escape(_fmt(r['value']))}</td>"
            f'<td><code style="white-space:normal;word-break:break-word">{html.escape(str(r["computed by"]))}'
            "</code></td></tr>"
            for _, r in ev.iterrows()
        )
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in self.explanation.strip().split("\n\n"))
        spec = f' <span class="dtao-claim-spec">(spec {html.escape(self.spec)})</span>' if self.spec else ""
        return (
            f'<div class="admonition note dtao-claim" id="claim-{self.id}" data-verdict="{self.verdict}">'
            '<p class="admonition-title">Check the claim</p>'
            f'<blockquote class="dtao-claim-text">“{html.escape(self.english)}”</blockquote>'
            '<details class="dtao-claim-original"><summary>原文 (Japanese original)</summary>'
            f'<p lang="ja">{html.escape(self.japanese)}</p></details>'
            f'<p><strong class="dtao-verdict" style="color:{color}">Verdict: {self.verdict}.</strong>{spec}</p>'
            f"{paras}"
            '<div class="dtao-evidence-wrap" style="overflow-x:auto">'
            '<table class="dtao-evidence table" style="table-layout:fixed;width:100%;overflow-wrap:anywhere">'
            '<colgroup><col style="width:42%"><col style="width:22%"><col style="width:36%"></colgroup>'
            "<thead><tr><th>quantity</th><th>value</th>"
            f"<th>computed by</th></tr></thead><tbody>{rows}</tbody></table></div>"
            "</div>"
        )

    def _repr_html_(self) -> str:
        return self.render_html()


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"          # 10,500,000, not 1.05e+07
        if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e7):
            return f"{value:.6g}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


CLAIMS: dict[str, Claim] = {}
"""Registry of every claim, filled when the chapter modules are imported (see :func:`_load_all`)."""


def register(claim: Claim) -> Claim:
    """Add a claim to the registry (ids are unique)."""
    if claim.id in CLAIMS:
        raise ValueError(f"claim id {claim.id!r} is already registered")
    CLAIMS[claim.id] = claim
    return claim


def _load_all() -> None:
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def get(claim_id: str) -> Claim:
    """The claim with this id (``KeyError`` lists the known ids)."""
    _load_all()
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}; known: {sorted(CLAIMS)}") from None


def show(claim_id: str) -> Claim:
    """Display the "Check the claim" box for ``claim_id`` (use as the last expression of a cell)."""
    return get(claim_id)


def table() -> pd.DataFrame:
    """Every registered claim: English, Japanese, verdict, chapter, spec section (for the appendix)."""
    _load_all()
    return pd.DataFrame(
        [
            {"claim": c.english, "原文": c.japanese, "verdict": c.verdict, "chapter": c.chapter,
             "spec": c.spec, "id": c.id}
            for c in CLAIMS.values()
        ]
    )
