"""Block emission and halvings (spec §1), checked against the chain's rule and vectors BE-*."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtao_lib import emission as em
from dtao_lib.params import TOTAL_SUPPLY_RAO as S


def _reference(issuance: int) -> int:
    """Independent derivation: exact rational log2 by repeated doubling."""
    if issuance >= S:
        return 0
    ratio = Fraction(S, S - issuance)
    k = 0
    while ratio >= 2:
        ratio /= 2
        k += 1
    return int(Fraction(10**9, 2**k))


@pytest.mark.parametrize("vid", ["BE-01", "BE-07", "BE-16", "BE-25", "BE-40", "BE-43"])
def test_vectors(vectors, vid):
    v = vectors[vid]
    i = v["inputs"]
    got = em.block_emission(
        i["total_issuance_rao"],
        total_supply_rao=i["total_supply_rao"],
        default_emission_rao=i["default_block_emission_rao"],
    )
    assert got == v["expected"]["block_emission_rao"]


@pytest.mark.parametrize("k", range(1, 35))
def test_thresholds_are_exact(k):
    t = em.halving_threshold_rao(k)
    assert em.block_emission(t) == 10**9 >> k
    assert em.block_emission(t - 1) == 10**9 >> (k - 1)


def test_first_halving_at_10_5_million_tao():
    assert em.halving_threshold_rao(1) == 10_500_000 * 10**9
    assert em.block_emission(10_500_000 * 10**9 - 1) == 10**9
    assert em.block_emission(10_500_000 * 10**9) == 500_000_000


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_matches_rational_reference_and_never_exceeds_cap(issuance):
    e = em.block_emission(issuance)
    assert e == _reference(issuance)
    assert 0 <= e <= 10**9
    if issuance < S:
        # minting one block never crosses the cap
        assert issuance + e <= S


def test_supply_stops_just_under_21_million():
    limit = em.supply_limit_rao()
    assert limit == em.halving_threshold_rao(30)  # floor(1e9 / 2^30) == 0
    assert em.block_emission(limit) == 0
    assert em.block_emission(limit - 1) == 1
    assert 20_999_999.98 * 10**9 < limit < S


def test_halving_schedule_without_recycling_is_10_5_million_blocks():
    hs = em.halving_schedule(0, max_halvings=3)
    assert [h.block for h in hs] == [10_500_000, 21_000_000, 31_500_000]
    assert [h.emission_after_rao for h in hs] == [500_000_000, 250_000_000, 125_000_000]


def test_recycling_delays_the_halving():
    start = dt.datetime(2025, 1, 1)
    base = em.halving_schedule(9_000_000 * 10**9, start_date=start, max_halvings=1)[0]
    later = em.halving_schedule(9_000_000 * 10**9, recycle_rate=0.2, start_date=start, max_halvings=1)[0]
    assert later.block > base.block
    # 1.5 M TAO to go at 1 TAO/block vs 0.8 TAO/block
    assert base.block == 1_500_000
    assert later.block == 1_875_000
    assert later.date - base.date == dt.timedelta(seconds=375_000 * 12)


def test_projection_matches_blockwise_sum():
    df = em.project_issuance(10_499_000 * 10**9, days=2, recycle_rate=0.1)
    # day 1: 7200 blocks at 0.9 TAO net -> 6480 TAO, not yet at the threshold (1000 TAO away)
    # 1000 TAO / 0.9 -> 1112 blocks to cross; then 0.45 TAO/block
    assert df.issuance_rao.iloc[0] == 10_499_000 * 10**9 + 1112 * 900_000_000 + (7200 - 1112) * 450_000_000
    assert df.halvings.iloc[0] == 1
    assert df.issuance_rao.iloc[1] - df.issuance_rao.iloc[0] == 7200 * 450_000_000


@pytest.mark.parametrize(
    ("kwargs", "exc", "fragment"),
    [
        ({"issuance_rao": -1}, ValueError, "issuance_rao"),
        ({"issuance_rao": 1.5}, TypeError, "issuance_rao"),
        ({"issuance_rao": 0, "total_supply_rao": 0}, ValueError, "total_supply_rao"),
    ],
)
def test_bad_input(kwargs, exc, fragment):
    issuance = kwargs.pop("issuance_rao")
    with pytest.raises(exc, match=fragment):
        em.block_emission(issuance, **kwargs)


def test_bad_recycle_rate():
    with pytest.raises(ValueError, match="recycle_rate"):
        em.halving_schedule(0, recycle_rate=1.0)
    with pytest.raises(ValueError, match="recycle_rate"):
        em.project_issuance(0, recycle_rate=float("nan"))


def _issuance_day_by_day(issuance: int, days: int, rate: float) -> list[tuple[int, int, int]]:
    """Independent check of project_issuance: walk each day block segment by block segment."""
    out = []
    for _ in range(days):
        left = 7_200
        while left > 0:
            k = em.halvings_so_far(issuance)
            g = em.block_emission(issuance) - int(em.block_emission(issuance) * rate)
            if k is None or g <= 0:
                break
            step = min(left, -(-(em.halving_threshold_rao(k + 1) - issuance) // g))
            issuance += step * g
            left -= step
        k = em.halvings_so_far(issuance)
        out.append((issuance, em.block_emission(issuance), -1 if k is None else k))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 21 * 10**15), st.integers(1, 400), st.sampled_from([0.0, 0.1, 0.37, 0.5, 0.99]))
def test_project_issuance_matches_a_day_by_day_walk(issuance, days, rate):
    df = em.project_issuance(issuance, days=days, recycle_rate=rate)
    got = list(zip(df["issuance_rao"], df["emission_rao"], df["halvings"], strict=True))
    assert got == _issuance_day_by_day(issuance, days, rate)


def test_start_date_is_checked_and_far_halvings_have_no_date():
    """A halving past year 9999 (recycling close to 100 %) has no calendar date instead of an OverflowError."""
    with pytest.raises(TypeError, match="start_date"):
        em.halving_schedule(10**16, start_date="2025-12-14")
    with pytest.raises(TypeError, match="start_date"):
        em.project_issuance(10**16, days=3, start_date=20251214)
    start = dt.datetime(2025, 12, 14)
    # At 99.99 % recycling, issuance grows 1e4 times more slowly: the second halving is ~4e4 years away.
    far = em.halving_schedule(10**16, recycle_rate=0.9999, start_date=start, max_halvings=2)
    near = em.halving_schedule(10**16, recycle_rate=0.0, start_date=start, max_halvings=2)
    assert [h.block for h in near] < [h.block for h in far]
    assert all(h.date is not None for h in near)
    assert far[-1].date is None
    # without a start date the blocks are still computed
    assert [h.block for h in em.halving_schedule(10**16, recycle_rate=0.9999, max_halvings=2)] == \
        [h.block for h in far]
