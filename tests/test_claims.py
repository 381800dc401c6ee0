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


# ---------------------------------------------------------------------------------------------
# Verdicts re-decided on the September-2026 rules (issue 13)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("claim_id", ALL["id"].tolist())
def test_every_decided_claim_says_which_period_it_holds_for(claim_id):
    c = claims.get(claim_id)
    if c.verdict == "out of scope":
        return
    assert c.holds_for, f"{claim_id}: holds_for is empty"
    html = c.render_html()
    assert "Holds for:" in html
    assert claims.RULES in html


def test_rules_name_the_head_runtime():
    from dtao_lib.params import era

    assert "spec 459" in claims.RULES
    assert "spec 470" in claims.RULES
    assert era("head").tag == "spec459"
    assert "holds for" in ALL.columns


def test_allocation_claim_reads_the_gate_at_head():
    """At HEAD the share rule is price × (1 − burn) through the rank-bar gate (addendum §H); the June rule
    (spec 425, 2026-06-30) had no gate."""
    ev = claims.get("dtao-allocation-market-price").evidence().set_index("quantity")["value"]
    head = [v for q, v in ev.items() if q.startswith("share rule at head")]
    june = [v for q, v in ev.items() if q.startswith("share rule on 2026-06-30")]
    assert head == ["price_burn + gate (rank bar)"]
    assert june == ["price_burn"]


def test_higher_value_claim_gate_rows_match_an_independent_hill_gate():
    """The gated top-32 share in the evidence equals a float Hill gate (h = 3, θ = 32nd-largest weight)
    computed here from the snapshot's EMA prices, to the 0.1 % the row prints."""
    import numpy as np

    from dtao_lib.figures.dynamic_tao import snapshot_block_state

    state, _ = snapshot_block_state()
    w = state.ema_prices / state.ema_prices.sum()
    theta = np.sort(w[w > 0])[::-1][31]
    g = np.where(w > 0, w / (1 + (theta / np.where(w > 0, w, 1)) ** 3), 0.0)
    g /= g.sum()
    top = np.argsort(-w)[:32]
    ev = claims.get("shares-higher-value-more-emission").evidence()
    row = ev[ev["quantity"].str.startswith("HEAD: emission of the 32 largest")]["value"].iloc[0]
    assert row == f"{w[top].sum():.1%} → {g[top].sum():.1%}"


def test_root_reborn_row_pays_no_root_alpha_without_a_root_uid():
    """Spec 442 (addendum §A5 [V], vector RR-01): the root part goes only to hotkeys with a root UID."""
    ev = claims.get("dtao-41-41-18").evidence()
    assert ev["value"].iloc[-1] == 0.0
    assert "Root Reborn" in claims.get("dtao-41-41-18").explanation


# ---------------------------------------------------------------------------------------------
# Bad input (issue 16): ids, verdicts and callables are checked, naming the parameter
# ---------------------------------------------------------------------------------------------
def _claim(**over):
    kw = {"id": "bad-input-test", "chapter": "Test", "english": "A claim.", "japanese": "主張。", "verdict": "true",
          "explanation": "Because.", "evidence": lambda: ALL.head(1), "check": lambda df: True}
    return claims.Claim(**{**kw, **over})


def test_unknown_claim_is_a_value_error_listing_the_known_ids():
    with pytest.raises(ValueError, match=r"claim_id.*known: \[") as info:
        claims.get("no-such-claim")
    assert ALL["id"].iloc[0] in str(info.value)
    with pytest.raises(TypeError, match="claim_id"):
        claims.show(3)


@pytest.mark.parametrize(("field", "value", "exc"), [
    ("verdict", "maybe", ValueError), ("verdict", None, ValueError), ("evidence", "not a function", TypeError),
    ("check", 42, TypeError), ("id", "", ValueError), ("english", 1.0, TypeError), ("notes", ["a list"], TypeError),
])
def test_claim_fields_are_checked(field, value, exc):
    with pytest.raises(exc, match=field):
        _claim(**{field: value})


def test_register_takes_a_claim_only():
    assert _claim().verdict == "true"  # constructing does not register
    with pytest.raises(TypeError, match="claim must be a Claim"):
        claims.register({"id": "x"})
    assert "bad-input-test" not in claims.CLAIMS
