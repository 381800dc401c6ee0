"""AMM pools (spec §4): public vectors SW-*, unit tests and hypothesis properties."""

from __future__ import annotations

import dataclasses
import doctest
import math
import re
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dtao_lib import amm

# ---------------------------------------------------------------------------------------------
# Public conformance vectors
# ---------------------------------------------------------------------------------------------


def _tol(vector: dict) -> float:
    """Absolute tolerance from a vector's ``tolerance`` text ("+-2", "+-1e-9", "exact ...")."""
    text = vector["tolerance"].strip()
    if text.startswith("exact"):
        return 0.0
    m = re.match(r"\+-\s*([0-9.eE+-]+)", text)
    assert m, f"unparsed tolerance {text!r}"
    return float(m.group(1))


@pytest.mark.parametrize("vid", ["SW-02", "SW-03"])
def test_v3_single_tick_deltas(vectors, vid):
    v = vectors[vid]
    i, e, tol = v["inputs"], v["expected"], _tol(v)
    buy = amm.v3_alpha_out_for_tao(i["liquidity_L"], i["sqrt_price"], i["delta_in"])
    sell = amm.v3_tao_out_for_alpha(i["liquidity_L"], i["sqrt_price"], i["delta_in"])
    assert abs(buy - e["alpha_out_for_tao_in"]) <= tol
    assert abs(sell - e["tao_out_for_alpha_in"]) <= tol


@pytest.mark.parametrize("vid", ["SW-05", "SW-06"])
def test_v3_swap_with_fee(vectors, vid):
    v = vectors[vid]
    i, e, tol = v["inputs"], v["expected"], _tol(v)
    pool = amm.FullRangePool(i["tao_reserve"], i["alpha_reserve"], fee_rate_u16=i["fee_rate_u16"])
    assert pool.price == pytest.approx(i["price"], rel=1e-15)
    r = pool.buy_alpha(i["amount_in"]) if i["order"] == "buy" else pool.sell_alpha(i["amount_in"])
    assert r.ok
    assert abs(r.amount_out - e["amount_out"]) <= tol
    assert r.amount_out == e["derived_exact_amount_out"]
    assert r.fee == e["derived_fee"]
    assert r.net_in == i["amount_in"] - r.fee


@pytest.mark.parametrize("vid", ["SW-08", "SW-09", "SW-10", "SW-11"])
def test_balancer_swaps(vectors, vid):
    v = vectors[vid]
    i, e, tol = v["inputs"], v["expected"], _tol(v)
    pool = amm.BalancerPool(i["tao_reserve"], i["alpha_reserve"], quote_weight=i["quote_weight"],
                            fee_rate_u16=i["fee_rate_u16"])
    r = pool.buy_alpha(i["amount_in"]) if i["order"] == "buy" else pool.sell_alpha(i["amount_in"])
    assert r.ok
    assert r.fee == e["fee"]
    assert abs(r.net_in - e["net_in"]) <= tol
    assert abs(r.amount_out - e["amount_out"]) <= tol
    # the pallet's reserve deltas: +net on the input side, -amount_out on the output side
    if i["order"] == "buy":
        assert (r.pool.tao_reserve, r.pool.alpha_reserve) == (i["tao_reserve"] + r.net_in,
                                                              i["alpha_reserve"] - r.amount_out)
    else:
        assert (r.pool.tao_reserve, r.pool.alpha_reserve) == (i["tao_reserve"] - r.amount_out,
                                                              i["alpha_reserve"] + r.net_in)


@pytest.mark.parametrize("vid", ["SW-16", "SW-17", "SW-18"])
def test_balancer_raw_formula_tiny_pools(vectors, vid):
    v = vectors[vid]
    i, e, tol = v["inputs"], v["expected"], _tol(v)
    y, x, w2, d = i["tao_reserve_y"], i["alpha_reserve_x"], i["quote_weight_w2"], i["delta_in"]
    assert abs(amm.balancer_tao_out_for_alpha(y, x, w2, d) - e["tao_out_for_alpha_in"]) <= tol
    assert abs(amm.balancer_alpha_out_for_tao(y, x, w2, d) - e["alpha_out_for_tao_in"]) <= tol
    # the same through a pool with the chain's guards off and no fee
    pool = amm.BalancerPool(y, x, quote_weight=w2, fee_rate_u16=0, enforce_limits=False)
    assert abs(pool.sell_alpha(d).amount_out - e["tao_out_for_alpha_in"]) <= tol
    assert abs(pool.buy_alpha(d).amount_out - e["alpha_out_for_tao_in"]) <= tol


@pytest.mark.parametrize("vid", ["SW-22", "SW-23", "SW-24"])
def test_balancer_ratio_pow(vectors, vid):
    v = vectors[vid]
    i = v["inputs"]
    got = amm.balancer_ratio_pow(i["quote_weight_w2"], i["reserve"], i["delta"], base_quote=i["base_quote"])
    assert abs(got - v["expected"]["ratio_pow"]) <= _tol(v)


def test_balancer_tao_to_reach_price_sw27(vectors):
    v = vectors["SW-27"]
    i = v["inputs"]
    got = amm.balancer_tao_to_reach_price(i["quote_weight_w2"], i["current_price"], i["target_price"],
                                          i["tao_reserve"])
    assert _tol(v) == 0.0
    assert got == v["expected"]["tao_delta_in"]


def test_balancer_price_sw31(vectors):
    v = vectors["SW-31"]
    i = v["inputs"]
    got = amm.balancer_price(i["tao_reserve_y"], i["alpha_reserve_x"], i["quote_weight_w2"])
    assert abs(got - v["expected"]["price"]) <= _tol(v)
    pool = amm.BalancerPool(i["tao_reserve_y"], i["alpha_reserve_x"], quote_weight=i["quote_weight_w2"],
                            enforce_limits=False)
    assert abs(pool.price - v["expected"]["price"]) <= _tol(v)


# ---------------------------------------------------------------------------------------------
# Fixed-point details and fees
# ---------------------------------------------------------------------------------------------


def test_fee_is_truncated_like_u64f64():
    # rate/65535 is truncated to 64 fractional bits before multiplying: one rao less at multiples of 65535
    assert amm.swap_fee(65_535, 33) == 32
    assert amm.swap_fee(1_985, 33) == 0
    assert amm.swap_fee(1_986, 33) == 1
    assert amm.swap_fee(10**9, 196) == 10**9 * 196 // 65_535
    assert amm.swap_fee(123, 0) == 0


def test_pow_ratio_scaled_exact_path():
    assert amm.pow_ratio_scaled(2, 1, 3, 4) == math.isqrt(math.isqrt(8 * 10**72))
    assert amm.pow_ratio_scaled(21, 28, 3, 2) == 649_519_052_838_328_985
    assert amm.pow_ratio_scaled(7, 7, 123_456_789, 987_654_321) == 10**18
    assert amm.pow_ratio_scaled(0, 5, 1, 2) == 0
    assert amm.pow_ratio_scaled(3, 5, 0, 2) == 10**18
    assert amm.pow_ratio_scaled(1, 4, 1, 2, 1_000) == 500  # exact integer results stay exact


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**19), st.integers(1, 10**19), st.integers(1, 40), st.integers(1, 12))
def test_decimal_power_path_agrees_with_exact_integer_root(n, d, a, b):
    """The high-precision fallback floors to the same integer as the exact root (checked exactly)."""
    assume(math.gcd(a, b) == 1 and n != d)
    scale = 10**18
    exact = amm._pow_ratio_scaled(n, d, a, b, scale)
    # independent exact characterisation of floor(scale*(n/d)^(a/b))
    lhs = n**a * scale**b
    assert exact**b * d**a <= lhs < (exact + 1) ** b * d**a
    assert amm._pow_decimal_floor(n, d, a, b, scale) == exact


@settings(max_examples=200, deadline=None)
@given(st.integers(10**16, 99 * 10**16), st.integers(1, 10**17), st.integers(0, 10**17), st.booleans())
def test_ratio_pow_matches_high_precision_reference(w2, reserve, delta, base_quote):
    """Any Perquintill weight: the 1e-18 result is within one unit of an independent 80-digit evaluation."""
    got = amm.balancer_ratio_pow_scaled(Fraction(w2, 10**18), reserve, delta, base_quote=base_quote)
    w1 = 10**18 - w2
    e = Fraction(w1, w2) if base_quote else Fraction(w2, w1)
    with localcontext() as ctx:
        ctx.prec = 80
        ref = (Decimal(reserve) / Decimal(reserve + delta)) ** (Decimal(e.numerator) / Decimal(e.denominator))
        ref *= 10**18
    assert abs(Decimal(got) - ref) < 1


def test_u64f64_helpers_truncate_and_saturate():
    one = 1 << 64
    assert amm._fx_mul(3 * one, one // 2) == 3 * one // 2
    assert amm._fx_div(one, 3 * one) == one // 3
    assert amm._fx_div(one, 0) == 0
    assert amm._fx_div(2**127, 1) == 0  # overflow -> checked_div None -> default
    assert amm._fx_mul(2**127, 4 * one) == 2**128 - 1
    assert amm._fx_from_real(0.5) == one // 2
    assert amm._fx_to_u64(2**128 - 1) == 2**64 - 1


def test_v3_tick_bounds_reproduce_uniswap_constants():
    # the ladder reproduces Uniswap's published extreme sqrt ratios at ±887 272 before conversion
    ratio = 1 << 128
    for i, factor in enumerate(amm._tick_ladder()):
        if 887_272 >> i & 1:
            ratio = (ratio * factor) >> 128
    assert -(-ratio >> 32) == 4_295_128_739
    assert amm._V3_SQRT_MIN < 2**32 + 2**20  # √(1.0001^-443636) ≈ 2^-32
    assert amm._V3_SQRT_MAX // 2**64 == 4_294_886_577


# ---------------------------------------------------------------------------------------------
# Constant-product pool (§4.1)
# ---------------------------------------------------------------------------------------------


def test_cp_buy_and_sell_with_flat_fee():
    pool = amm.ConstantProductPool(10**12, 4 * 10**12)
    r = pool.buy_alpha(10**9)
    assert (r.fee, r.net_in, r.fee_token) == (50_000, 10**9 - 50_000, "tao")
    assert r.amount_out == (4 * 10**12 * r.net_in) // (10**12 + r.net_in)
    assert r.pool.tao_reserve == 10**12 + 10**9  # fee added to the pool TAO
    assert r.pool.alpha_reserve == 4 * 10**12 - r.amount_out
    s = pool.sell_alpha(4 * 10**9)
    gross = (10**12 * 4 * 10**9) // (4 * 10**12 + 4 * 10**9)
    assert s.amount_out == gross - 50_000
    assert s.fee == 50_000
    assert s.pool.tao_reserve == 10**12 - gross + 50_000
    # a custom (dynamic) unstake fee
    assert pool.sell_alpha(4 * 10**9, fee_rao=1_000_000).amount_out == gross - 1_000_000


def test_cp_rejects_below_min_liquidity():
    pool = amm.ConstantProductPool(10**9, 2 * 10**7)
    r = pool.buy_alpha(2 * 10**9)  # new alpha reserve would be ~6.7e6 < 1e7: rejected
    assert not r.ok
    assert r.amount_out == 0
    assert r.pool is pool
    assert r.rejected == "InsufficientLiquidity"
    assert pool.buy_alpha(10**7).ok
    small_tao = amm.ConstantProductPool(2 * 10**7, 10**9)
    assert not small_tao.sell_alpha(2 * 10**9).ok


def test_cp_fee_larger_than_amount():
    pool = amm.ConstantProductPool(10**12, 10**12)
    r = pool.buy_alpha(30_000)
    assert (r.net_in, r.fee, r.amount_out) == (0, 30_000, 0)
    assert r.pool.tao_reserve == 10**12 + 30_000


# ---------------------------------------------------------------------------------------------
# Full-range Uniswap v3 (§4.2)
# ---------------------------------------------------------------------------------------------


def test_v3_initialisation():
    pool = amm.FullRangePool(10**12, 4 * 10**12)
    assert pool.liquidity == 2 * 10**12
    assert pool.sqrt_price_bits == 2**63
    assert pool.price == 0.25
    odd = amm.FullRangePool(3, 7)
    assert odd.liquidity == math.isqrt(21)
    bits, price_bits = odd.sqrt_price_bits, (3 << 64) // 7  # U64F64 price first, then its square root
    assert bits**2 <= price_bits << 64 < (bits + 1) ** 2


def test_v3_buy_updates_sqrt_price_and_accrues_fee():
    pool = amm.FullRangePool(10**12, 4 * 10**12, fee_rate_u16=196)
    r = pool.buy_alpha(10**10)
    assert r.fee == amm.swap_fee(10**10, 196)
    # s' = s + Δy/L in U64F64
    assert r.pool.sqrt_price_bits == pool.sqrt_price_bits + (r.net_in << 64) // pool.liquidity
    assert r.pool.fees_tao == r.fee
    assert r.pool.tao_reserve == 10**12 + r.net_in
    author = amm.FullRangePool(10**12, 4 * 10**12, fee_destination="block_author").buy_alpha(10**10)
    assert author.pool.fees_tao == 0


def test_v3_limit_price_stops_and_recomputes_fee():
    pool = amm.FullRangePool(10**12, 4 * 10**12)
    r = pool.buy_alpha(10**11, limit_price=0.26)
    assert r.ok
    assert r.refund > 0
    # √p stops at floor(√0.26) in U64F64; the reported price is then truncated to U96F32 (2^-32 grid)
    assert 0.26 - 2**-31 < r.pool.price <= 0.26
    rate = Fraction(33, 65_535 - 33)
    assert r.fee == math.floor(r.net_in * rate) or r.fee == math.floor(r.net_in * rate) - 1
    assert r.net_in + r.fee + r.refund == 10**11
    assert not pool.buy_alpha(10**9, limit_price=0.2).ok  # limit below spot


def test_v3_inject_grows_liquidity_keeps_price():
    pool = amm.FullRangePool(10**12, 4 * 10**12)
    inj = pool.inject(10**9, 4 * 10**9)
    assert inj.ok
    assert inj.price == pool.price
    assert inj.liquidity > pool.liquidity
    assert abs(inj.liquidity - 2_002 * 10**9) < 10**4  # ≈ √(1.001e12 · 4.004e12)
    # fees held by the protocol position are re-invested at the next injection
    traded = pool.buy_alpha(10**10).pool
    assert traded.fees_tao > 0
    after = traded.inject(0, 0)
    assert after.fees_tao == 0
    assert after.tao_reserve == traded.tao_reserve + traded.fees_tao


def test_v3_min_reserve_guard():
    pool = amm.FullRangePool(10**9, 999_999)
    assert pool.buy_alpha(10**6).rejected == "ReservesTooLow"
    assert pool.sell_alpha(10**6).ok  # the output (TAO) reserve is large enough
    assert amm.FullRangePool(10**9, 999_999, enforce_limits=False).buy_alpha(10**6).ok


# ---------------------------------------------------------------------------------------------
# Balancer (§4.3)
# ---------------------------------------------------------------------------------------------


def test_balancer_weights_are_perquintill():
    pool = amm.BalancerPool(10**9, 10**9, quote_weight=0.1)
    assert pool.quote_weight_parts == 10**17
    assert pool.base_weight == Fraction(9, 10)
    third = amm.BalancerPool(10, 4, quote_weight=Fraction(1, 3), enforce_limits=False)
    assert third.quote_weight_parts == 333_333_333_333_333_333  # rounded down like from_rational
    assert third.price_exact == Fraction(666_666_666_666_666_667 * 10, 333_333_333_333_333_333 * 4)
    with pytest.raises(ValueError, match=r"quote_weight"):
        amm.BalancerPool(10**9, 10**9, quote_weight=0.995)
    amm.BalancerPool(10**9, 10**9, quote_weight=0.995, enforce_limits=False)
    with pytest.raises(ValueError, match=r"quote_weight"):
        amm.BalancerPool(10**9, 10**9, quote_weight=1.0, enforce_limits=False)


def test_balancer_inject_keeps_price_changes_weight():
    pool = amm.BalancerPool(10**12, 4 * 10**12)
    inj = pool.inject(10**11, 10**11)
    assert inj.ok
    assert (inj.tao_added, inj.alpha_added) == (10**11, 10**11)
    assert inj.quote_weight > pool.quote_weight  # more TAO than at the price: TAO weight grows
    assert inj.price_exact == pytest.approx(pool.price_exact, rel=1e-15)
    w2 = Fraction(1, 2)
    x, y, dy, dx = 4 * 10**12, 10**12, 10**11, 10**11
    exact = w2 * x * (y + dy) / ((1 - w2) * y * (x + dx) + w2 * x * (y + dy))
    assert abs(inj.quote_weight - exact) <= Fraction(1, 10**18)


def test_balancer_inject_out_of_range_is_rejected():
    pool = amm.BalancerPool(10**9, 10**9)
    inj = pool.inject(10**12, 0)  # w2 would be ~0.999
    assert not inj.ok
    assert inj.rejected == "WeightOutOfRange"
    assert (inj.tao_added, inj.alpha_added) == (0, 0)
    assert inj.pool is pool
    loose = amm.BalancerPool(10**9, 10**9, enforce_limits=False).inject(10**12, 0)
    assert loose.ok
    assert loose.quote_weight > Fraction(99, 100)


def test_balancer_from_price_migration():
    pool = amm.BalancerPool.from_price(10**12, 4 * 10**12, 0.3)
    assert pool.price == pytest.approx(0.3, rel=1e-12)
    assert amm.BalancerPool.from_price(10**12, 4 * 10**12, 0.25).quote_weight == Fraction(1, 2)


def test_balancer_guards():
    pool = amm.BalancerPool(10**9, 10**9)
    # the 1000x rule applies to the net input (after the fee)
    assert pool.buy_alpha(1002 * 10**9).rejected == "InputTooLarge"
    assert pool.buy_alpha(1000 * 10**9 + 10**7).ok
    low = amm.BalancerPool(10**9, 999_999)
    assert low.buy_alpha(10**6).rejected == "ReservesTooLow"
    assert low.sell_alpha(10**6).ok  # output (TAO) reserve is fine
    assert amm.BalancerPool(10**9, 999_999, enforce_limits=False).buy_alpha(10**6).ok
    assert pool.buy_alpha(1).rejected is None  # 1 rao: fee 0, output floors to 1 at price 1


def test_balancer_limit_price_partial_fill():
    pool = amm.BalancerPool(10**12, 4 * 10**12, quote_weight=0.4)
    need = pool.tao_to_reach_price(pool.price * 1.1)
    r = pool.buy_alpha(10 * need, limit_price=pool.price * 1.1)
    assert r.ok
    assert r.net_in == need
    assert r.refund > 0
    assert r.fee == (need * (((33 << 64) << 64) // ((65_535 - 33) << 64))) >> 64
    assert r.pool.price == pytest.approx(pool.price * 1.1, rel=1e-9)
    s = pool.sell_alpha(10**13, limit_price=pool.price * 0.9)
    assert s.ok
    assert s.net_in == pool.alpha_to_reach_price(pool.price * 0.9)
    assert s.pool.price == pytest.approx(pool.price * 0.9, rel=1e-9)
    assert not pool.sell_alpha(10**9, limit_price=pool.price * 2).ok


def test_balancer_alpha_needed_for_tao_inverts_sell():
    pool = amm.BalancerPool(10**12, 3 * 10**12, quote_weight=0.3, fee_rate_u16=0)
    need = pool.alpha_needed_for_tao(10**9)
    assert pool.sell_alpha(need + 2).amount_out >= 10**9 - 1
    assert pool.sell_alpha(max(need - 2, 0)).amount_out <= 10**9
    assert pool.alpha_needed_for_tao(10**12) == 0  # whole reserve: the chain returns 0


def test_balancer_to_reach_price_helpers_are_zero_in_wrong_direction():
    pool = amm.BalancerPool(10**12, 4 * 10**12)
    assert pool.tao_to_reach_price(0.2) == 0
    assert pool.alpha_to_reach_price(0.3) == 0
    assert amm.balancer_alpha_to_reach_price(0.25, 0.2, 0.1, 10**9) == math.floor(10**9 * (2**0.25 - 1))


def test_balancer_sell_author_fee_swap():
    pool = amm.BalancerPool(10**12, 4 * 10**12)
    plain = pool.sell_alpha(10**10)
    settled = pool.sell_alpha(10**10, author_fee_swap=True)
    assert settled.amount_out == plain.amount_out
    assert settled.fee == plain.fee > 0
    assert settled.fee_tao_to_author > 0
    assert settled.pool.alpha_reserve == pool.alpha_reserve + 10**10
    assert settled.pool.tao_reserve == plain.pool.tao_reserve - settled.fee_tao_to_author
    assert plain.pool.alpha_reserve == pool.alpha_reserve + plain.net_in


# ---------------------------------------------------------------------------------------------
# Analysis helpers, era dispatch, arrays, validation
# ---------------------------------------------------------------------------------------------


def test_effective_price_impact_slippage():
    pool = amm.BalancerPool(10**12, 4 * 10**12)
    buy = pool.buy_alpha(10**10)
    assert buy.effective_price == pytest.approx(10**10 / buy.amount_out)
    assert buy.effective_price > pool.price
    assert buy.price_impact > 0
    assert buy.slippage > 0
    sell = pool.sell_alpha(4 * 10**10)
    assert sell.effective_price < pool.price
    assert sell.price_impact < 0
    assert sell.slippage > 0
    assert math.isnan(amm.effective_price(pool.buy_alpha(0)))


def test_round_trip_helper():
    pool = amm.BalancerPool(10**12, 10**12)
    rt = amm.round_trip(pool, 10**10)
    assert rt.alpha == rt.buy.amount_out
    assert rt.tao_out == rt.sell.amount_out
    assert 0 < rt.loss < 10**10
    assert rt.loss_fraction == rt.loss / 10**10
    assert rt.pool is rt.sell.pool


@pytest.mark.parametrize(
    ("era", "cls", "fee"),
    [
        ("v2.0.0", amm.ConstantProductPool, None),
        ("v3.1.6", amm.FullRangePool, 196),
        ("2025-08-01", amm.FullRangePool, 33),
        ("v3.3.10", amm.BalancerPool, 33),
        ("v3.3.11", amm.FullRangePool, 33),
        ("head", amm.BalancerPool, 33),
    ],
)
def test_pool_for(era, cls, fee):
    pool = amm.pool_for(era, 10**12, 10**12)
    assert type(pool) is cls
    if fee is not None:
        assert pool.fee_rate_u16 == fee


def test_pool_for_fee_destination_and_pre_dtao():
    assert amm.pool_for("v3.1.6", 10**9, 10**9).fee_destination == "liquidity_providers"
    assert amm.pool_for("v3.3.11", 10**9, 10**9).fee_destination == "block_author"
    assert amm.pool_for("head", 10**9, 10**9, quote_weight=0.4).quote_weight == Fraction(2, 5)
    with pytest.raises(ValueError, match="no subnet pools"):
        amm.pool_for("pre-dtao", 10**9, 10**9)


def test_pools_are_immutable():
    pool = amm.BalancerPool(10**9, 10**9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pool.tao_reserve = 1
    r = pool.buy_alpha(10**6)
    assert pool.tao_reserve == 10**9
    assert r.pool.tao_reserve == 10**9 + r.net_in


def test_arrays_match_scalar_pools():
    rng = np.random.default_rng(1)
    t = rng.integers(10**9, 10**16, 50)
    a = rng.integers(10**9, 10**16, 50)
    d = rng.integers(0, 10**13, 50)
    w = rng.uniform(0.05, 0.95, 50)
    cp = amm.cp_buy_array(t, a, d)
    cps = amm.cp_sell_array(t, a, d)
    bb = amm.balancer_buy_array(t, a, d, w)
    bs = amm.balancer_sell_array(t, a, d, w)
    for k in range(50):
        ti, ai, di = int(t[k]), int(a[k]), int(d[k])
        cpk = amm.ConstantProductPool(ti, ai)
        assert abs(cp.amount_out[k] - cpk.buy_alpha(di).amount_out) <= max(1, ai * 1e-15)
        assert abs(cps.amount_out[k] - cpk.sell_alpha(di).amount_out) <= max(1, ti * 1e-15)
        bal = amm.BalancerPool(ti, ai, quote_weight=float(w[k]))
        assert abs(bb.amount_out[k] - bal.buy_alpha(di).amount_out) <= max(2, ai * 1e-14)
        assert abs(bs.amount_out[k] - bal.sell_alpha(di).amount_out) <= max(2, ti * 1e-14)
    assert np.all(bb.ok)
    assert np.all(bb.tao_reserve == t + (d - bb.fee))


@pytest.mark.parametrize(
    ("call", "exc", "fragment"),
    [
        (lambda: amm.BalancerPool(-1, 10), ValueError, "tao_reserve"),
        (lambda: amm.BalancerPool(0, 10), ValueError, "tao_reserve"),
        (lambda: amm.ConstantProductPool(10, 1.5), TypeError, "alpha_reserve"),
        (lambda: amm.FullRangePool(10, 10, fee_rate_u16=70_000), ValueError, "fee_rate_u16"),
        (lambda: amm.BalancerPool(10**9, 10**9, quote_weight=float("nan")), ValueError, "quote_weight"),
        (lambda: amm.BalancerPool(10**9, 10**9, quote_weight="0.5"), TypeError, "quote_weight"),
        (lambda: amm.BalancerPool(10**9, 10**9).buy_alpha(-5), ValueError, "tao_in"),
        (lambda: amm.BalancerPool(10**9, 10**9).sell_alpha(2.0), TypeError, "alpha_in"),
        (lambda: amm.BalancerPool(10**9, 10**9).tao_to_reach_price(0.0), ValueError, "price"),
        (lambda: amm.BalancerPool(10**9, 10**9).buy_alpha(10, limit_price=float("nan")), ValueError, "limit_price"),
        (lambda: amm.balancer_tao_to_reach_price(0.5, -0.1, 0.2, 10), ValueError, "current_price"),
        (lambda: amm.v3_alpha_out_for_tao(10, 0.0, 1), ValueError, "sqrt_price"),
        (lambda: amm.balancer_ratio_pow(0.5, 10, 1.0, base_quote=True), TypeError, "delta"),
        (lambda: amm.cp_buy_array([1.0, -1.0], [1.0, 1.0], [0.0, 0.0]), ValueError, "tao_reserve"),
        (lambda: amm.balancer_buy_array([1e9], [1e9], [1e3], [1.2]), ValueError, "quote_weight"),
    ],
)
def test_bad_input(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_docstring_examples():
    result = doctest.testmod(amm, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 10


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
# Realistic domain: reserves up to the 21 M TAO supply, prices 1e-6…1e4 TAO per alpha. Outside it
# the chain's U64F64 intermediates can saturate (documented in FullRangePool).
RESERVE = st.integers(min_value=10**9, max_value=21 * 10**15)
AMOUNT = st.integers(min_value=0, max_value=10**15)
WEIGHT = st.integers(min_value=10**16, max_value=99 * 10**16).map(lambda p: Fraction(p, 10**18))
FEE = st.sampled_from([0, 33, 196])
PROPS = settings(max_examples=300, deadline=None)


def _realistic(t: int, a: int) -> bool:
    return 1e-6 <= t / a <= 1e4


def _make(cls, *args, **kwargs):
    """The pool, or skip the example if it lies outside the accepted domain (price above 1e6 TAO)."""
    try:
        return cls(*args, **kwargs)
    except ValueError as exc:
        assume("max_price" not in str(exc))
        raise


def _fits(t: int, a: int, *amounts: int) -> bool:
    """Reserves plus any trade stay within the 21e15 rao supply cap (larger trades raise)."""
    return all(t + d <= amm.MAX_RESERVE_RAO and a + d <= amm.MAX_RESERVE_RAO for d in amounts)


@PROPS
@given(RESERVE, RESERVE, AMOUNT, st.sampled_from([0, 50_000]))
def test_cp_round_trip_never_profits(t, a, d, fee):
    assume(_fits(t, a, d, 2 * d))
    pool = _make(amm.ConstantProductPool, t, a, staking_fee_rao=fee)
    rt = amm.round_trip(pool, d)
    assert rt.tao_out <= d


@PROPS
@given(RESERVE, RESERVE, AMOUNT, FEE)
def test_v3_round_trip_never_profits(t, a, d, fee):
    assume(_realistic(t, a) and _fits(t, a, d, 2 * d))
    rt = amm.round_trip(amm.FullRangePool(t, a, fee_rate_u16=fee), d)
    assert rt.tao_out <= d


@PROPS
@given(RESERVE, RESERVE, AMOUNT, WEIGHT, FEE)
def test_balancer_round_trip_never_profits(t, a, d, w2, fee):
    assume(_realistic(t, a) and _fits(t, a, d, 2 * d))
    rt = amm.round_trip(_make(amm.BalancerPool, t, a, quote_weight=w2, fee_rate_u16=fee), d)
    assert rt.tao_out <= d


@PROPS
@given(RESERVE, RESERVE, AMOUNT, AMOUNT)
def test_cp_k_never_decreases_with_the_chain_fee(t, a, d_buy, d_sell):
    assume(_fits(t, a, d_buy + d_sell))
    pool = _make(amm.ConstantProductPool, t, a)
    buy = pool.buy_alpha(d_buy)
    assert buy.pool.k >= pool.k
    sell = buy.pool.sell_alpha(d_sell)
    assert sell.pool.k >= buy.pool.k


@PROPS
@given(RESERVE, RESERVE, AMOUNT, AMOUNT)
def test_cp_k_without_fee_loses_less_than_one_rao_of_rounding(t, a, d_buy, d_sell):
    """Without the flat fee, I110F18 truncation can favour the trader by < 1 rao of output."""
    assume(_fits(t, a, d_buy, d_sell))
    pool = _make(amm.ConstantProductPool, t, a, staking_fee_rao=0)
    buy = pool.buy_alpha(d_buy)
    if buy.ok:
        assert buy.pool.k > pool.k - buy.pool.tao_reserve
    sell = pool.sell_alpha(d_sell)
    if sell.ok:
        assert sell.pool.k > pool.k - sell.pool.alpha_reserve


@PROPS
@given(RESERVE, RESERVE, AMOUNT, WEIGHT, st.booleans(), st.booleans())
def test_reserves_stay_positive(t, a, d, w2, buy, limits):
    assume((_realistic(t, a) or not limits) and _fits(t, a, d))
    pools = [_make(amm.ConstantProductPool, t, a), _make(amm.FullRangePool, t, a, enforce_limits=limits),
             _make(amm.BalancerPool, t, a, quote_weight=w2, enforce_limits=limits)]
    for pool in pools:
        r = pool.buy_alpha(d) if buy else pool.sell_alpha(d)
        assert r.pool.tao_reserve > 0
        assert r.pool.alpha_reserve > 0
        assert r.amount_out >= 0
        assert r.fee >= 0
        if r.ok:
            assert r.net_in + r.fee + r.refund == d or isinstance(pool, amm.ConstantProductPool)
        else:
            assert r.amount_out == 0
            assert r.pool is pool


@PROPS
@given(RESERVE, RESERVE, WEIGHT, AMOUNT, AMOUNT)
def test_injection_keeps_balancer_price(t, a, w2, dt, da):
    assume(_fits(t, a, dt, da))
    pool = _make(amm.BalancerPool, t, a, quote_weight=w2)
    inj = pool.inject(dt, da)
    if not inj.ok:
        assert inj.pool is pool
        assert inj.tao_added == inj.alpha_added == 0
        return
    assert inj.tao_reserve == t + dt
    assert inj.alpha_reserve == a + da
    # weights are on the 1e-18 grid and each weight is >= 0.01: relative drift < ~1e-16
    assert abs(inj.price_exact / pool.price_exact - 1) < Fraction(1, 10**15)
    # the chain's U64F64 price truncates y/x, so compare bits at the chain test's 1e-12 tolerance
    assert abs(inj.price_bits - pool.price_bits) <= pool.price_bits // 10**12 + 2


@PROPS
@given(RESERVE, RESERVE, AMOUNT)
def test_equal_weight_balancer_is_constant_product(t, a, d):
    assume(_fits(t, a, d))
    bal = _make(amm.BalancerPool, t, a, quote_weight=0.5, fee_rate_u16=0, enforce_limits=False)
    cp = amm.ConstantProductPool(t, a, staking_fee_rao=0, min_liquidity_rao=0)
    exact_buy = a * d // (t + d)
    exact_sell = t * d // (a + d)
    b, s = bal.buy_alpha(d), bal.sell_alpha(d)
    if b.ok and b.refund == 0:  # not stopped by the pallet's default max_price limit
        assert abs(b.amount_out - exact_buy) <= 1
        assert abs(b.amount_out - cp.buy_alpha(d).amount_out) <= 1
    if s.ok and s.refund == 0:
        assert abs(s.amount_out - exact_sell) <= 1
        assert abs(s.amount_out - cp.sell_alpha(d).amount_out) <= 1


@PROPS
@given(RESERVE, RESERVE, AMOUNT, WEIGHT)
def test_balancer_matches_real_formula(t, a, d, w2):
    """Against the formula in exact-ish arithmetic: within a rao plus the 1e-18 resolution of the power."""
    assume(_fits(t, a, d))
    pool = _make(amm.BalancerPool, t, a, quote_weight=w2, fee_rate_u16=0, enforce_limits=False)
    r = pool.buy_alpha(d)
    assume(r.ok and r.refund == 0)
    parts = pool.quote_weight_parts
    with localcontext() as ctx:
        ctx.prec = 60
        e = Decimal(parts) / Decimal(10**18 - parts)
        ideal = Decimal(a) * (1 - (Decimal(t) / Decimal(t + d)) ** e)
    assert abs(Decimal(r.amount_out) - ideal) <= 1 + Decimal(a) * Decimal("2e-18")
