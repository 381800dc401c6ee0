"""Protocol eras and mainnet parameters (spec §0.1, §9)."""

from __future__ import annotations

import datetime as dt

import pytest

from dtao_lib import params
from dtao_lib.params import era


def test_tao_weight_is_0_18():
    assert params.TAO_WEIGHT == pytest.approx(0.18, abs=1e-12)


def test_flow_alpha_half_life_is_216000_blocks():
    assert (1 - params.FLOW_EMA_ALPHA) ** 216_000 == pytest.approx(0.5, abs=1e-6)


@pytest.mark.parametrize(
    ("name", "tag", "share"),
    [
        ("pre-dtao", "v1.2.5", "root_epoch"),
        ("A", "v2.0.0", "ema_price"),
        ("B", "v3.2.10", "taoflow"),
        ("B'", "v3.4.0", "net_taoflow"),
        ("C", "v3.4.6", "price_burn_root_prop"),
        ("D", "head", "price_burn"),
        ("head", "head", "price_burn"),
    ],
)
def test_letters(name, tag, share):
    e = era(name)
    assert (e.tag, e.share_rule) == (tag, share)
    assert e.letter in {"pre-dtao", "A", "B", "B'", "C", "D"}


@pytest.mark.parametrize(
    ("when", "injection", "pool"),
    [
        ("2025-02-13", "tao_full_alpha_capped", "constant_product"),
        ("2025-08-01", "subsidy", "uniswap_v3"),
        ("2025-11-10", "cap_alpha_emission", "uniswap_v3"),
        ("2025-12-20", "cap_min_alpha_emission_e", "uniswap_v3"),
        ("2026-02-25", "cap_min_alpha_emission_e", "balancer"),
        ("2026-03-20", "cap_min_alpha_emission_e", "uniswap_v3"),
        ("2026-06-23", "cap_root_prop", "uniswap_v3"),
        ("2026-11-25", "cap_root_prop", "balancer"),
    ],
)
def test_dates(when, injection, pool):
    e = era(when)
    assert e.injection_rule == injection
    assert e.pool == pool
    assert era(dt.date.fromisoformat(when)) == e


def test_fee_history():
    assert era("v3.1.6").swap_fee_u16 == 196
    assert era("v3.2.2").swap_fee_u16 == 33
    assert era("A").swap_fee_u16 is None


@pytest.mark.parametrize("bad", ["Z", "v3", "2024-01-01", "3.4.6"])
def test_bad_era(bad):
    with pytest.raises(ValueError, match="era"):
        era(bad)


def test_bad_era_type():
    with pytest.raises(TypeError, match="era"):
        era(3)


def test_timeline_is_ordered_and_cites_evidence():
    dates = [c.date for c in params.TIMELINE]
    assert dates == sorted(dates)
    assert all(c.evidence for c in params.TIMELINE)
