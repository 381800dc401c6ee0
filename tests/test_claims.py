"""Every "Check the claim" box: its evidence is computed by dtao_lib and supports its verdict."""

from __future__ import annotations

import pytest

from dtao_lib import claims

ALL = claims.table()


def test_registry_is_not_empty():
    assert len(ALL) > 0


@pytest.mark.parametrize("claim_id", ALL["id"].tolist())
def test_evidence_supports_verdict(claim_id):
    c = claims.get(claim_id)
    ev = c.evidence()
    assert list(ev.columns[:3]) == ["quantity", "value", "computed by"]
    assert len(ev) > 0
    assert c.check(ev), f"{claim_id}: the computed evidence no longer supports the verdict {c.verdict!r}"


@pytest.mark.parametrize("claim_id", ALL["id"].tolist())
def test_claim_is_complete(claim_id):
    c = claims.get(claim_id)
    assert c.english
    assert c.japanese
    assert c.explanation
    assert c.verdict in claims.VERDICT_COLORS
    html = c.render_html()
    assert "Check the claim" in html
    assert "原文" in html


def test_unknown_claim():
    with pytest.raises(KeyError, match="unknown claim"):
        claims.get("no-such-claim")


def test_duplicate_id_is_rejected():
    c = claims.get(ALL["id"].iloc[0])
    with pytest.raises(ValueError, match="already registered"):
        claims.register(c)
