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

Every verdict is decided on the rules :data:`RULES` names (the newest rule set the book reconstructs,
``params.era("head")``). A claim whose truth changed over time says for which period its verdict
holds (``holds_for``) and its explanation says when and how it changed.

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

from .._validate import check_choice, check_str

__all__ = ["CLAIMS", "RULES", "Claim", "UnknownClaimError", "get", "register", "show", "table"]

RULES = "subtensor through runtime spec 459 (September 2026); later changes up to spec 470 described from public notes"
"""The rule set every verdict is decided on: ``params.era("head")`` (addendum §H)."""

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
    holds_for: str = ""
    """The period the verdict holds for, in eras or releases (e.g. "v2.0.0 → HEAD (spec 459)" or
    "autumn 2025 (era A)"); empty only for "out of scope" claims. When the verdict differs between
    eras, ``explanation`` says when it changed."""

    def __post_init__(self) -> None:
        check_str("id", self.id)
        for name in ("chapter", "english", "japanese", "explanation"):
            check_str(name, getattr(self, name))
        for name in ("spec", "holds_for"):
            check_str(name, getattr(self, name), allow_empty=True)
        check_choice("verdict", self.verdict, list(VERDICT_COLORS))
        for name in ("evidence", "check"):
            fn = getattr(self, name)
            if not callable(fn):
                raise TypeError(f"{name} must be a function (callable), got {type(fn).__name__} {fn!r}")
        if not isinstance(self.notes, tuple) or not all(isinstance(n, str) for n in self.notes):
            raise TypeError(f"notes must be a tuple of strings, got {self.notes!r}")

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
        holds = (f'<p class="dtao-claim-era"><em>Holds for:</em> {html.escape(self.holds_for)}. '
                 f"<em>Decided on:</em> {html.escape(RULES)}.</p>" if self.holds_for else "")
        return (
            f'<div class="admonition note dtao-claim" id="claim-{self.id}" data-verdict="{self.verdict}">'
            '<p class="admonition-title">Check the claim</p>'
            f'<blockquote class="dtao-claim-text">“{html.escape(self.english)}”</blockquote>'
            '<details class="dtao-claim-original"><summary>原文 (Japanese original)</summary>'
            f'<p lang="ja">{html.escape(self.japanese)}</p></details>'
            f'<p><strong class="dtao-verdict" style="color:{color}">Verdict: {self.verdict}.</strong>{spec}</p>'
            f"{holds}{paras}"
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


class UnknownClaimError(KeyError, ValueError):
    """An unknown claim id: a :class:`KeyError` (a registry lookup) and a :class:`ValueError` (bad input)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def register(claim: Claim) -> Claim:
    """Add a claim to the registry (ids are unique)."""
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {type(claim).__name__}")
    if claim.id in CLAIMS:
        raise ValueError(f"claim id {claim.id!r} is already registered")
    CLAIMS[claim.id] = claim
    return claim


def _load_all() -> None:
    for mod in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{mod.name}")


def get(claim_id: str) -> Claim:
    """The claim with this id.

    Raises
    ------
    TypeError
        If ``claim_id`` is not a string.
    UnknownClaimError
        (a ``KeyError`` and a ``ValueError``) if no claim has this id; the message lists the known ids.
    """
    check_str("claim_id", claim_id)
    _load_all()
    try:
        return CLAIMS[claim_id]
    except KeyError:
        raise UnknownClaimError(f"unknown claim {claim_id!r} (claim_id); known: {sorted(CLAIMS)}") from None


def show(claim_id: str) -> Claim:
    """Display the "Check the claim" box for ``claim_id`` (use as the last expression of a cell)."""
    return get(claim_id)


def table() -> pd.DataFrame:
    """Every registered claim: English, Japanese, verdict, the period it holds for, chapter, spec section."""
    _load_all()
    return pd.DataFrame(
        [
            {"claim": c.english, "原文": c.japanese, "verdict": c.verdict, "holds for": c.holds_for,
             "chapter": c.chapter, "spec": c.spec, "id": c.id}
            for c in CLAIMS.values()
        ]
    )
