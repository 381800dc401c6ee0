"""Trade-analysis helpers of dtao_lib.amm (spec §4): the input that moves the price, sequences of
trades and round trips with other traders in between. Checked against the closed forms of §4 and
exact rational arithmetic, not against the functions' own output."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dtao_lib import amm

TAO = 10**9
T, A = 10_000 * TAO, 400_000 * TAO  # price 0.025


def _pools(fee_v3: int = 33):
    return {
        "cp": amm.ConstantProductPool(T, A),
        "v3": amm.FullRangePool(T, A, fee_rate_u16=fee_v3),
        "bal": amm.BalancerPool(T, A),
        "bal30": amm.BalancerPool.from_price(T, A * 7 // 3, 0.025),  # w2 = 0.3, same price
    }


# -- stake_to_reach_price ----------------------------------------------------------------------
@pytest.mark.parametrize("factor", [1.01, 1.1, 1.5, 4.0])
def test_stake_to_reach_price_matches_closed_forms(factor):
    pools = _pools()
    r = 33 / 65535
    # constant product: the fee enters the pool after the swap, so (T+n)(T+n−f) = factor·T² exactly
    f = 50_000
    n_cp = (-(2 * T - f) + math.sqrt((2 * T - f) ** 2 - 4 * (T * T - f * T - factor * T * T))) / 2
    assert amm.stake_to_reach_price(pools["cp"], 0.025 * factor) == pytest.approx(n_cp, abs=3)
    # full-range v3: net T·(√f − 1), fee from the input; the reported price is truncated to U96F32
    # (2^-32 grid), which can cost up to dT = T·2^-32/(2p) more
    assert amm.stake_to_reach_price(pools["v3"], 0.025 * factor) == pytest.approx(
        T * (math.sqrt(factor) - 1) / (1 - r), rel=1e-9, abs=3 + T * 2**-32 / (2 * 0.025 * factor) / (1 - r))
    # Balancer, equal weights: y·(f^½ − 1); w2 = 0.3: y·(f^0.7 − 1)
    assert amm.stake_to_reach_price(pools["bal"], 0.025 * factor) == pytest.approx(
        T * (factor**0.5 - 1) / (1 - r), rel=1e-9, abs=3)
    assert amm.stake_to_reach_price(pools["bal30"], 0.025 * factor) == pytest.approx(
        T * (factor**0.7 - 1) / (1 - r), rel=1e-9, abs=3)


@pytest.mark.parametrize("name", ["cp", "v3", "bal", "bal30"])
def test_stake_to_reach_price_is_the_smallest(name):
    pool = _pools()[name]
    target = pool.price * 1.1
    n = amm.stake_to_reach_price(pool, target)
    assert pool.buy_alpha(n).pool.price >= target
    assert pool.buy_alpha(n - 1).pool.price < target


@pytest.mark.parametrize("name", ["cp", "v3", "bal", "bal30"])
def test_unstake_to_reach_price_is_the_smallest_and_matches_closed_forms(name):
    pool = _pools()[name]
    target = pool.price / 1.1
    n = amm.unstake_to_reach_price(pool, target)
    assert pool.sell_alpha(n).pool.price <= target
    assert pool.sell_alpha(n - 1).pool.price > target
    if name == "cp":  # the 50 000 rao fee stays in the pool: T·A/u² + f/u = p' with u = A + n
        f = 50_000
        u = (f + math.sqrt(f * f + 4 * target * T * A)) / (2 * target)
        assert n == pytest.approx(u - A, rel=1e-9)
        assert n == pytest.approx(A * (math.sqrt(1.1) - 1), rel=1e-6)  # the fee barely matters
    elif name == "v3":  # U96F32 truncation of the reported price: up to dA = A·2^-32/(2p') more
        assert n == pytest.approx(A * (math.sqrt(1.1) - 1) / (1 - 33 / 65535), rel=1e-9,
                                  abs=A * 2**-32 / (2 * target) / (1 - 33 / 65535) + 3)
    elif name == "bal":
        assert n == pytest.approx(A * (math.sqrt(1.1) - 1) / (1 - 33 / 65535), rel=1e-9)
    else:  # x·(1.1^w2 − 1) with w2 = 0.3
        assert n == pytest.approx(pool.alpha_reserve * (1.1**0.3 - 1) / (1 - 33 / 65535), rel=1e-9)


def test_reach_price_is_zero_in_the_wrong_direction():
    for pool in _pools().values():
        assert amm.stake_to_reach_price(pool, pool.price) == 0
        assert amm.stake_to_reach_price(pool, pool.price / 2) == 0
        assert amm.unstake_to_reach_price(pool, pool.price * 2) == 0


def test_reach_price_out_of_reach_and_bad_input():
    pool = amm.ConstantProductPool(10**12, 10**9)  # tiny alpha reserve: price cannot rise 1e6-fold
    with pytest.raises(ValueError, match="out of reach"):
        amm.stake_to_reach_price(pool, pool.price * 1e6)
    with pytest.raises(ValueError, match="price must be a finite number > 0"):
        amm.stake_to_reach_price(pool, 0)
    with pytest.raises(ValueError, match="price must be a finite number > 0"):
        amm.unstake_to_reach_price(pool, float("nan"))
    with pytest.raises(TypeError, match="pool must be"):
        amm.stake_to_reach_price("pool", 1.0)
    with pytest.raises(TypeError, match="price must be a real number"):
        amm.unstake_to_reach_price(pool, "1")


# -- apply_trades --------------------------------------------------------------------------------
def test_apply_trades_chains_the_pools():
    pool = amm.ConstantProductPool(T, A)
    trades = [("stake", 100 * TAO), ("buy", 50 * TAO), ("unstake", 1_000 * TAO), ("sell", 10 * TAO)]
    path = amm.apply_trades(pool, trades)
    cur = pool
    for (side, amount), res in zip(trades, path, strict=True):
        expect = cur.buy_alpha(amount) if side in ("stake", "buy") else cur.sell_alpha(amount)
        assert res == expect
        cur = expect.pool
    # exact constant product without fees except the flat 50 000 rao: check the first step by hand
    net = 100 * TAO - 50_000
    assert abs(path[0].amount_out - math.floor(A - Fraction(T * A, T + net))) <= 1


def test_apply_trades_rejected_trade_leaves_the_pool():
    pool = amm.BalancerPool(10**9, 4 * 10**9)
    path = amm.apply_trades(pool, [("buy", 10**13)], author_fee_swap=True)  # > 1000 × reserve
    assert not path[0].ok
    assert path[0].pool == pool
    assert amm.apply_trades(pool, []) == []


@pytest.mark.parametrize(
    ("trades", "exc", "fragment"),
    [
        ([("hold", 1)], ValueError, "side must be one of"),
        ([("buy", -1)], ValueError, "amount must be an integer"),
        ([("buy", 1.5)], TypeError, "amount must be an integer"),
        (["buy"], TypeError, "must be a \\(side, amount\\) pair"),
        (5, TypeError, "trades must be an iterable"),
    ],
)
def test_apply_trades_bad_input(trades, exc, fragment):
    with pytest.raises(exc, match=fragment):
        amm.apply_trades(amm.ConstantProductPool(T, A), trades)


# -- round_trip_after --------------------------------------------------------------------------
def test_round_trip_after_without_trades_is_round_trip():
    for pool in _pools().values():
        a = amm.round_trip_after(pool, 123 * TAO)
        b = amm.round_trip(pool, 123 * TAO)
        assert (a.tao_in, a.alpha, a.tao_out) == (b.tao_in, b.alpha, b.tao_out)


def test_round_trip_after_others_sell_matches_exact_constant_product():
    """Fee-free constant product in exact rationals: stake d, others sell s alpha, unstake."""
    pool = amm.ConstantProductPool(T, A, staking_fee_rao=0)
    d, s = 1_000 * TAO, 40_000 * TAO
    rt = amm.round_trip_after(pool, d, [("unstake", s)])
    k = Fraction(T * A)
    alpha = math.floor(A - k / (T + d))
    t1, a1 = T + d, A - alpha
    t2 = t1 - math.floor(t1 - Fraction(t1 * a1, a1 + s))
    a2 = a1 + s
    back = math.floor(t2 - Fraction(t2 * a2, a2 + alpha))
    assert rt.alpha == alpha
    assert rt.tao_out == back
    assert rt.loss_fraction > 0.15  # the others' sale moved the price ~ −18 %


def test_round_trip_after_others_buy_gains():
    pool = amm.BalancerPool(T, A)
    rt = amm.round_trip_after(pool, 1_000 * TAO, [("stake", 2_000 * TAO)], author_fee_swap=True)
    assert rt.tao_out > rt.tao_in


def test_round_trip_after_bad_input():
    with pytest.raises(ValueError, match="tao_in must be an integer"):
        amm.round_trip_after(amm.BalancerPool(T, A), -5)
    with pytest.raises(TypeError, match="pool must be"):
        amm.round_trip_after(None, 5)


@settings(max_examples=40, deadline=None)
@given(
    t=st.integers(10**12, 10**16), a=st.integers(10**12, 10**16),
    w2=st.integers(5, 95), up=st.floats(1.001, 3.0),
)
def test_stake_to_reach_price_property(t, a, w2, up):
    pool = amm.BalancerPool(t, a, quote_weight=Fraction(w2, 100))
    # the stake must fit in the 21e15 rao supply and the price stay below the 1e6 TAO cap
    assume(t * up ** (1 - w2 / 100) < 2e16 and pool.price * up < 1e6)
    target = pool.price * up
    n = amm.stake_to_reach_price(pool, target)
    assert pool.buy_alpha(n).pool.price >= target > pool.buy_alpha(n - 1).pool.price
    # closed form y·((p'/p)^w1 − 1), gross of the 33/65535 fee
    assert n == pytest.approx(t * (up ** (1 - w2 / 100) - 1) / (1 - 33 / 65535), rel=1e-6, abs=4)
