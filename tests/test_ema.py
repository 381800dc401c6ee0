"""The subnet EMA price (spec §3.3): vector EMA-01, the three era rules, and the path functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtao_lib import ema
from dtao_lib.params import EMA_PRICE_HALVING_BLOCKS, MOVING_ALPHA, era

prices = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)


def test_vector_ema01(vectors):
    v = vectors["EMA-01"]
    i, x = v["inputs"], v["expected"]
    b = i["current_block"] - (i["first_emission_block"] - 1)
    for exact in (False, True):
        e = i["initial_ema"]
        for _ in range(i["updates"]):
            e = ema.update_moving_price(e, i["spot_price"], blocks_since_start=b, moving_alpha=i["SubnetMovingAlpha"],
                                        halving_blocks=i["EMAPriceHalvingBlocks"], exact=exact)
        assert abs(e - x["ema_price"]) <= 0.001
    # and against the closed form 1 − (1 − a)^k with a = α·b/(b + h)
    a = i["SubnetMovingAlpha"] * b / (b + i["EMAPriceHalvingBlocks"])
    assert e == pytest.approx(1 - (1 - a) ** i["updates"], abs=1e-9)


def test_era_rules():
    assert era("A").ema_rule == "fixed_unclamped"
    assert era("v2.0.5").ema_rule == "fixed_clamped"
    assert era("v2.0.8").ema_rule == "age_scaled"
    # v2.0.0: fixed α, spot not clamped
    assert ema.update_moving_price(1.0, 3.0, moving_alpha=0.5, era="v2.0.0") == 2.0
    # v2.0.5: clamp at 1
    assert ema.update_moving_price(0.5, 3.0, moving_alpha=0.5, era="v2.0.5") == 0.75
    # HEAD: age-scaled α and clamp
    assert ema.update_moving_price(0.5, 3.0, blocks_since_start=100, moving_alpha=0.5, halving_blocks=100) == 0.625
    # b + h = 0 → α_eff = 0 (safe_div)
    assert ema.update_moving_price(0.5, 3.0, blocks_since_start=0, halving_blocks=0) == 0.5
    with pytest.raises(ValueError, match="blocks_since_start"):
        ema.update_moving_price(0.5, 1.0)
    with pytest.raises(ValueError, match="pre-dTAO"):
        ema.update_moving_price(0.5, 1.0, era="v1.2.5")


def test_effective_alpha():
    assert ema.effective_alpha(201_600, moving_alpha=0.1, halving_blocks=201_600) == 0.05
    assert ema.effective_alpha(era="A") == MOVING_ALPHA
    got = ema.effective_alpha(np.array([0, 100, 10**9]), halving_blocks=100)
    assert got[0] == 0.0
    assert got[1] == MOVING_ALPHA / 2
    assert got[2] == pytest.approx(MOVING_ALPHA, rel=1e-6)
    with pytest.raises(TypeError, match="blocks_since_start"):
        ema.effective_alpha(np.array([1.5]))
    with pytest.raises(ValueError, match="blocks_since_start"):
        ema.effective_alpha(np.array([-1]))


@given(
    old=prices, spot=prices, b=st.integers(0, 10**8), h=st.integers(0, 10**7),
    alpha=st.floats(min_value=0.0, max_value=1.0),
    tag=st.sampled_from(["v2.0.0", "v2.0.5", "v2.0.8", "head"]), exact=st.booleans(),
)
def test_ema_stays_between_old_and_target(old, spot, b, h, alpha, tag, exact):
    new = ema.update_moving_price(old, spot, blocks_since_start=b, halving_blocks=h, moving_alpha=alpha, era=tag,
                                  exact=exact)
    target = spot if era(tag).ema_rule == "fixed_unclamped" else min(spot, 1.0)
    lo, hi = min(old, target), max(old, target)
    slack = 4 * 2**-32 * (1 + max(old, target)) if exact else 1e-12 * (1 + hi)  # fixed-point truncation
    assert lo - slack <= new <= hi + slack


@given(old=prices, spot=prices, b=st.integers(1, 10**7), tag=st.sampled_from(["v2.0.0", "v2.0.5", "head"]))
def test_exact_is_close_to_float(old, spot, b, tag):
    f = ema.update_moving_price(old, spot, blocks_since_start=b, era=tag)
    x = ema.update_moving_price(old, spot, blocks_since_start=b, era=tag, exact=True)
    # α = 3e-6 is stored as 12885/2^32 (relative 7.6e-6) and every product truncates at 2^-32.
    assert abs(f - x) <= 1e-5 * MOVING_ALPHA * abs(spot - old) + 3 * 2**-32


def test_exact_stored_moving_alpha_quantisation():
    # One step from 0 towards 1 with a mature subnet moves by the *stored* α = 12885/2^32.
    got = ema.update_moving_price(0.0, 1.0, blocks_since_start=10**12, halving_blocks=0, exact=True)
    assert got == math.floor(12885 / 2**32 * 2**32) / 2**32
    assert ema.update_moving_price(0.0, 1.0, blocks_since_start=10**12, halving_blocks=0) == MOVING_ALPHA


def test_path_constant_spot_matches_scalar_loop():
    e0 = [0.5, 2.0, 0.0]
    spot = [1.0, 0.1, 7.0]
    b0 = [1, 500_000, 30]
    n_blocks = 200
    path = ema.moving_price_path(e0, spot, blocks_since_start=b0, n_blocks=n_blocks, moving_alpha=1e-3)
    assert path.shape == (n_blocks, 3)
    for i in range(3):
        e = e0[i]
        for t in range(n_blocks):
            e = ema.update_moving_price(e, spot[i], blocks_since_start=b0[i] + t, moving_alpha=1e-3)
            assert path[t, i] == pytest.approx(e, rel=1e-12, abs=1e-15)


def test_path_per_block_spot_matches_closed_form_and_loop():
    rng = np.random.default_rng(3)
    n, n_blocks = 5, 300
    e0 = rng.uniform(0, 2, n)
    b0 = rng.integers(0, 10**6, n)
    spot_const = rng.uniform(0, 2, n)
    per_block = np.tile(spot_const, (n_blocks, 1))
    a = ema.moving_price_path(e0, per_block, blocks_since_start=b0, moving_alpha=0.01)
    b = ema.moving_price_path(e0, spot_const, blocks_since_start=b0, n_blocks=n_blocks, moving_alpha=0.01)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    # varying spot against the scalar function
    spots = rng.uniform(0, 3, (n_blocks, n))
    path = ema.moving_price_path(e0, spots, blocks_since_start=b0, moving_alpha=0.01, era="head")
    e = e0.copy()
    for t in range(n_blocks):
        e = np.array([ema.update_moving_price(e[i], spots[t, i], blocks_since_start=int(b0[i]) + t, moving_alpha=0.01)
                      for i in range(n)])
    np.testing.assert_allclose(path[-1], e, rtol=1e-12)


def test_path_eras_and_scalars():
    # unclamped era follows the spot above 1
    p = ema.moving_price_path(1.0, 3.0, n_blocks=2, moving_alpha=0.5, era="A")
    np.testing.assert_allclose(p, [2.0, 2.5])
    p = ema.moving_price_path(1.0, 3.0, n_blocks=2, moving_alpha=0.5, era="v2.0.5")
    np.testing.assert_allclose(p, [1.0, 1.0])
    p = ema.moving_price_path(0.0, [1.0, 1.0, 1.0], blocks_since_start=100, halving_blocks=100, moving_alpha=0.5)
    assert p.shape == (3,)
    assert p[0] == pytest.approx(0.25)


def test_path_validation():
    with pytest.raises(ValueError, match="n_blocks"):
        ema.moving_price_path([0.5], [1.0], blocks_since_start=1)
    with pytest.raises(ValueError, match="spot"):
        ema.moving_price_path([0.5, 0.5], np.ones((4, 3)), blocks_since_start=1)
    with pytest.raises(ValueError, match="n_blocks"):
        ema.moving_price_path([0.5], np.ones((4, 1)), blocks_since_start=1, n_blocks=3)
    with pytest.raises(ValueError, match="blocks_since_start"):
        ema.moving_price_path([0.5], [1.0], n_blocks=3)
    with pytest.raises(ValueError, match="ema"):
        ema.moving_price_path([-0.5], [1.0], n_blocks=3, blocks_since_start=1)


def test_mature_half_life_is_about_a_month():
    hl = ema.half_life_blocks()
    assert 230_000 < hl < 232_000  # spec §3.3: "~231 000 blocks (≈ 32 days)"
    # A mature subnet (b ≫ h) closes half the gap in that many blocks.
    n = round(hl)
    p = ema.moving_price_path(0.0, 1.0, blocks_since_start=10**12, halving_blocks=EMA_PRICE_HALVING_BLOCKS,
                              n_blocks=n)
    assert p[-1] == pytest.approx(0.5, abs=1e-4)


def test_validation_messages():
    with pytest.raises(ValueError, match="ema"):
        ema.update_moving_price(-1.0, 1.0, blocks_since_start=1)
    with pytest.raises(ValueError, match="spot"):
        ema.update_moving_price(0.1, float("nan"), blocks_since_start=1)
    with pytest.raises(ValueError, match="moving_alpha"):
        ema.update_moving_price(0.1, 1.0, blocks_since_start=1, moving_alpha=1.5)
    with pytest.raises(TypeError, match="blocks_since_start"):
        ema.update_moving_price(0.1, 1.0, blocks_since_start=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="halving_blocks"):
        ema.update_moving_price(0.1, 1.0, blocks_since_start=1, halving_blocks=-1)


# ---------------------------------------------------------------------------------------------
# Audit (issue 12 §4): the EMA history read in staking/stake_utils.rs::update_moving_price at each tag
# ---------------------------------------------------------------------------------------------
def test_clamp_arrives_in_v2_0_1():
    """``min(spot, 1)`` from v2.0.1: subtensor v2.0.1 ``pallets/subtensor/src/staking/stake_utils.rs``
    L62-63 ``alpha.saturating_mul(Self::get_alpha_price(netuid).min(I96F32::saturating_from_num(1.0)))``;
    v2.0.0 L62 multiplies the unclamped price."""
    assert era("v2.0.1").ema_rule == "fixed_clamped"
    assert ema.update_moving_price(0.5, 3.0, moving_alpha=0.5, era="v2.0.0") == 1.75
    assert ema.update_moving_price(0.5, 3.0, moving_alpha=0.5, era="v2.0.1") == 0.75
    assert ema.update_moving_price(0.5, 3.0, moving_alpha=0.5, era="v2.0.1", exact=True) == 0.75


def test_age_factor_arrives_in_v2_0_6_with_a_fixed_100_800():
    """The age factor ``b/(b + 100 800)`` from v2.0.6, a constant until the parameter of v2.0.8.

    subtensor v2.0.6 ``pallets/subtensor/src/staking/stake_utils.rs`` L60-67 (``// 7200 * 14 = 100_800
    is the halving time``, ``blocks_since_registration`` from ``NetworkRegisteredAt``); v2.0.8 L68-72
    reads ``EMAPriceHalvingBlocks`` (``InitialEmaPriceHalvingPeriod = 201_600``, runtime/src/lib.rs
    v2.0.8 L1020); v2.0.10 L61-69 counts from ``FirstEmissionBlockNumber − 1`` (start_call).
    """
    assert era("v2.0.5").ema_rule == "fixed_clamped"
    e6 = era("v2.0.6")
    assert (e6.ema_rule, e6.ema_halving_blocks, e6.ema_age_origin) == ("age_scaled", 100_800, "registration")
    assert ema.effective_alpha(100_800, moving_alpha=0.1, era="v2.0.6") == 0.05
    assert ema.effective_alpha(100_800, moving_alpha=0.1, era="v2.0.7", halving_blocks=100_800) == 0.05
    with pytest.raises(ValueError, match="halving_blocks is fixed at 100800"):
        ema.effective_alpha(100_800, moving_alpha=0.1, era="v2.0.6", halving_blocks=201_600)
    # v2.0.8: the parameter, 201 600 by default
    assert era("v2.0.8").ema_halving_blocks is None
    assert ema.effective_alpha(201_600, moving_alpha=0.1, era="v2.0.8") == 0.05
    assert ema.effective_alpha(100_800, moving_alpha=0.1, era="v2.0.8", halving_blocks=100_800) == 0.05
    assert ema.keep_factor(7_200, blocks_since_start=100_800, era="v2.0.6") == pytest.approx(
        ema.keep_factor(7_200, blocks_since_start=100_800, halving_blocks=100_800, era="head"), rel=1e-15)
    assert (era("v2.0.9").ema_age_origin, era("v2.0.10").ema_age_origin) == ("registration", "start_call")


def _ema_32(p_old: float, spot: float, alpha: float, b: int, h: int) -> float:
    """stake_utils.rs v3.2.8 L37-70 in integers (U96F32: 32 fractional bits, each product truncated)."""
    one = 1 << 32
    a = round(alpha * one)
    ratio = ((b << 32) << 32) // ((b + h) << 32)  # U96F32 b / (b + h)
    a_eff = (a * ratio) >> 32
    price = min(round(spot * one), one)
    new = ((a_eff * price) >> 32) + (((one - a_eff) * round(p_old * one)) >> 32)
    return new / one


def test_exact_ema_is_32_bit_until_v3_4_7_and_u64f64_from_v3_4_8():
    """The update runs with 32 fractional bits before v3.4.8 and in U64F64 from v3.4.8.

    subtensor v2.0.10 ``stake_utils.rs`` L60-84 (I96F32), v2.0.11 L60-87 and v3.4.7 L37-70 (U96F32),
    v3.4.8 L37-71 (``U64F64::saturating_from_num`` throughout); the result is stored as I96F32.
    """
    assert [era(t).ema_fixed_point for t in ("v2.0.0", "v2.0.10", "v2.0.11", "v3.4.7", "v3.4.8", "head")] == [
        "I96F32", "I96F32", "U96F32", "U96F32", "U64F64", "U64F64"]
    args = dict(blocks_since_start=1, moving_alpha=0.1, halving_blocks=1_000, exact=True)
    old, spot = 0.3, 0.7
    want32 = _ema_32(old, spot, 0.1, 1, 1_000)
    for tag in ("v2.0.8", "v2.0.11", "v3.2.8", "v3.4.7"):
        assert ema.update_moving_price(old, spot, era=tag, **args) == want32
    got64 = ema.update_moving_price(old, spot, era="v3.4.8", **args)
    assert got64 != want32  # b/(b+h) truncated at 2^-32 first moves the last bit
    assert abs(got64 - want32) <= 2 * 2**-32


@given(old=prices, spot=prices, b=st.integers(1, 10**8), h=st.integers(0, 10**7),
       alpha=st.floats(min_value=0.0, max_value=1.0), tag=st.sampled_from(["v2.0.8", "v3.2.8", "v3.4.7"]))
def test_exact_32_bit_matches_the_rust_in_integers(old, spot, b, h, alpha, tag):
    got = ema.update_moving_price(old, spot, blocks_since_start=b, halving_blocks=h, moving_alpha=alpha, era=tag,
                                  exact=True)
    assert got == _ema_32(old, spot, alpha, b, h)
