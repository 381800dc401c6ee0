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


# ---------------------------------------------------------------------------------------------
# Verdicts re-decided from the Rust (issue 12 §4)
# ---------------------------------------------------------------------------------------------
def test_seed_subnet_limit_is_outdated():
    """dTAO did drop the subnet limit, until v3.2.8 restored it: v2.0.0 – v3.2.7 ``do_register_network``
    never reads ``SubnetLimit``; v3.2.8-320 ``pallets/subtensor/src/subnets/subnet.rs`` L144-156 checks it."""
    c = claims.get("seed-subnet-limit")
    assert c.verdict == "outdated"
    v = c.evidence()["value"].tolist()
    assert v[:4] == [True, False, False, True]
    assert "v3.2.8" in c.explanation


def test_adr_liquidation_discount_counts_alpha_in_and_balancer_spot():
    """Since v3.4.2 a new subnet's pool alpha is a claimant (``remove_stake.rs`` v3.4.2-415 L480-487),
    and a Balancer pool's spot price is not its reserve ratio (amm.BalancerPool)."""
    c = claims.get("adr-liquidation-discount")
    assert c.verdict == "partly true"
    ev = c.evidence().set_index("quantity")["value"]
    assert any("α_in is a claimant" in q for q in ev.index)
    new = next(v for q, v in ev.items() if "α_in is a claimant" in q)
    assert new == pytest.approx(1 / 3, abs=1e-9)  # 1/(ADR + 1) of spot at ADR 2, not 1/ADR
    assert "P/(ADR + 1)" in c.explanation
    assert "Balancer" in c.explanation


def test_dtao_41_41_18_is_partly_true_because_root_alpha_is_recycled():
    """Root's share is recycled when Σ p̄ ≤ 1: subtensor 14bc6f9f ``coinbase/run_coinbase.rs`` L312-320
    (``recycle_subnet_alpha`` without the root-sell flag) and L457-465 (``total_ema_price > 1``)."""
    c = claims.get("dtao-41-41-18")
    assert c.verdict == "partly true"
    ev = c.evidence()["value"].tolist()
    root, recycled = ev[4], ev[9]
    assert recycled == pytest.approx(root, abs=1e-8)
    assert recycled > 0.01
