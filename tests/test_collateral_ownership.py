"""Miner collateral (addendum §A7) and conviction ownership (addendum §A6): formulas from the addendum."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtao_lib import collateral, ownership
from dtao_lib.params import ONE_YEAR_BLOCKS


@settings(max_examples=60, deadline=None)
@given(price=st.integers(0, 10**15), share=st.integers(0, 65_535), alpha=st.integers(0, 10**15))
def test_charge_and_alpha_split_conserve(price, share, alpha):
    s = collateral.charge_split(price, share if share > 1 else share / 1)
    assert s.total == price
    assert 0 <= s.collateral <= price
    burned, locked = collateral.split_bought_alpha(alpha, s)
    assert burned + locked == (alpha if price else 0)
    if price:
        assert abs(locked / max(alpha, 1) - s.collateral / price) <= 1 / max(alpha, 1) + 1e-12


def test_collateral_release_and_credit():
    assert collateral.collateral_release(500, 1_000, 0.25) == 250
    assert collateral.collateral_release(100, 1_000, 0.25) == 100  # never more than is locked
    assert collateral.collateral_credit_tao(10**9, 0.5) == 5 * 10**8
    assert collateral.collateral_price_limit(2.0) == pytest.approx(2.1)
    with pytest.raises(ValueError, match="lock_share"):
        collateral.charge_split(10, 1.5)


def test_roll_conviction_formulas():
    tau = ownership.CONVICTION_RATE_BLOCKS
    r = ownership.roll_conviction(10**9, 0.0, tau, perpetual=True)
    assert r.locked == 10**9
    assert r.conviction == pytest.approx(10**9 * (1 - math.exp(-1)), rel=1e-12)
    d = ownership.roll_conviction(10**9, 0.0, tau)  # τx = τz: M·(dt/τ)·e^{−dt/τ}
    assert d.conviction == pytest.approx(10**9 * math.exp(-1), rel=1e-12)
    assert d.locked == int(10**9 * math.exp(-1))
    u = ownership.roll_conviction(10**9, 0.0, 1_000, unlock_rate=2_000, maturity_rate=4_000)
    want = 10**9 * 2_000 * (math.exp(-0.5) - math.exp(-0.25)) / (2_000 - 4_000)
    assert u.conviction == pytest.approx(want, rel=1e-12)
    # the limit τx → τz of the general formula is the equal-τ one
    near = ownership.roll_conviction(10**9, 0.0, tau, unlock_rate=tau, maturity_rate=tau + 1)
    assert near.conviction == pytest.approx(d.conviction, rel=1e-5)


def test_owner_change_rules_by_era():
    kw = {"subnet_age_blocks": ONE_YEAR_BLOCKS, "alpha_out": 1_000}
    assert ownership.owner_change_due(king_conviction=50, total_conviction=100, era="spec432", **kw)
    assert not ownership.owner_change_due(king_conviction=50, total_conviction=99, era="spec432", **kw)
    # spec 447 [P]: own conviction above 18 % of eligible alpha
    assert not ownership.owner_change_due(king_conviction=180, total_conviction=10**6, **kw)
    assert ownership.owner_change_due(king_conviction=181, total_conviction=0, **kw)
    assert ownership.owner_change_due(king_conviction=91, total_conviction=0, protocol_alpha=400, alpha_burned=100,
                                      **kw)
    assert not ownership.owner_change_due(king_conviction=1e9, total_conviction=0, protocol_alpha=1_000, **kw)
    young = {**kw, "subnet_age_blocks": ONE_YEAR_BLOCKS - 1}
    assert not ownership.owner_change_due(king_conviction=1e9, total_conviction=1e9, **young)
    with pytest.raises(ValueError, match="no conviction"):
        ownership.takeover_threshold(1_000, era="v3.4.8")
