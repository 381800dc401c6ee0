"""No free lunch in any pool design, over the whole accepted domain (issue 16).

A pool is accepted with reserves in [1, 21e15] rao (the Balancer pool also with an alpha reserve of 0)
and a spot price of at most 1e6 TAO per alpha;
trades keep the input reserve within 21e15 rao. Over that whole domain — any fee rate, any weight,
with or without the chain's guards, fresh pools and pools after an injection — no round trip
returns more than it took:

* buy then sell all the alpha received: TAO back ≤ TAO paid;
* sell then buy back with all the TAO received: alpha back ≤ alpha paid.

Also: the regression found by the adversarial review (a v3 pool at the price cap with reserves
inside the supply paid ~33 million rao of alpha more), the chain's ``payout == reserve`` rule and the
U96F32 truncation of the v3 spot price, each citing the Rust at its tag.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dtao_lib import amm

CAP = amm.MAX_RESERVE_RAO
RESERVE = st.one_of(st.integers(1, CAP), st.integers(1, 10**7), st.integers(CAP - 10**12, CAP))
FEE_U16 = st.one_of(st.just(0), st.just(33), st.just(196), st.integers(0, 65_535))
PROPS = settings(max_examples=400, deadline=None)


@st.composite
def pools(draw, kind=None):
    """Any pool the constructors accept, optionally after one injection."""
    kind = kind or draw(st.sampled_from(["cp", "v3", "bal"]))
    t, a = draw(RESERVE), draw(RESERVE)
    if kind == "bal" and draw(st.integers(0, 7)) == 0:
        a = 0  # the Balancer constructor accepts an alpha reserve of 0 (a pool drained by the chain's buy)
    try:
        if kind == "cp":
            pool = amm.ConstantProductPool(t, a, staking_fee_rao=draw(st.sampled_from([0, 1, 50_000])),
                                           min_liquidity_rao=draw(st.sampled_from([0, 10**7])))
        elif kind == "v3":
            pool = amm.FullRangePool(t, a, fee_rate_u16=draw(FEE_U16),
                                     fee_destination=draw(st.sampled_from(["liquidity_providers", "block_author"])),
                                     enforce_limits=draw(st.booleans()),
                                     min_reserve_rao=draw(st.sampled_from([0, 10**6])))
        else:
            limits = draw(st.booleans())
            lo, hi = (10**16, 99 * 10**16) if limits else (1, 10**18 - 1)
            parts = draw(st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi, 5 * 10**17])))
            pool = amm.BalancerPool(t, a, quote_weight=Fraction(parts, 10**18), fee_rate_u16=draw(FEE_U16),
                                    enforce_limits=limits)
    except ValueError as exc:
        assume("max_price" not in str(exc))  # above the price cap: outside the domain
        raise
    if kind != "cp" and draw(st.booleans()):
        dt = draw(st.integers(0, CAP - pool.tao_reserve - getattr(pool, "fees_tao", 0)))
        da = draw(st.integers(0, CAP - pool.alpha_reserve - getattr(pool, "fees_alpha", 0)))
        pool = pool.inject(dt, da).pool
    return pool


def _amount(draw, reserve):
    room = CAP - reserve
    return draw(st.one_of(st.integers(0, room), st.integers(0, min(room, 10**6)), st.just(room)))


@PROPS
@given(pools(), st.data(), st.booleans())
def test_buy_then_sell_never_returns_more_tao(pool, data, author_fee_swap):
    d = _amount(data.draw, pool.tao_reserve)
    kwargs = {} if isinstance(pool, amm.ConstantProductPool) else {"author_fee_swap": author_fee_swap}
    buy = pool.buy_alpha(d, **kwargs)
    assert buy.amount_out >= 0
    assert buy.fee >= 0
    assert buy.refund >= 0
    if not buy.ok or buy.amount_out == 0:
        return
    paid = d - buy.refund
    room = CAP - buy.pool.alpha_reserve
    sell = buy.pool.sell_alpha(min(buy.amount_out, room), **kwargs)
    assert sell.amount_out <= paid


@PROPS
@given(pools(), st.data(), st.booleans())
def test_sell_then_buy_never_returns_more_alpha(pool, data, author_fee_swap):
    d = _amount(data.draw, pool.alpha_reserve)
    kwargs = {} if isinstance(pool, amm.ConstantProductPool) else {"author_fee_swap": author_fee_swap}
    sell = pool.sell_alpha(d, **kwargs)
    assert sell.amount_out >= 0
    assert sell.fee >= 0
    assert sell.refund >= 0
    if not sell.ok or sell.amount_out == 0:
        return
    paid = d - sell.refund
    room = CAP - sell.pool.tao_reserve
    buy = sell.pool.buy_alpha(min(sell.amount_out, room), **kwargs)
    assert buy.amount_out <= paid


@PROPS
@given(pools(), st.data())
def test_round_trip_helper_never_profits(pool, data):
    d = _amount(data.draw, pool.tao_reserve)
    rt = amm.round_trip(pool, d)
    assert rt.tao_out <= rt.tao_in
    assert rt.loss >= 0


@PROPS
@given(pools(), st.data())
def test_reserves_never_negative_and_payout_within_reserve(pool, data):
    buy = data.draw(st.booleans())
    d = _amount(data.draw, pool.tao_reserve if buy else pool.alpha_reserve)
    r = pool.buy_alpha(d) if buy else pool.sell_alpha(d)
    assert r.pool.tao_reserve >= 0
    assert r.pool.alpha_reserve >= 0
    out_reserve = pool.alpha_reserve if buy else pool.tao_reserve
    assert 0 <= r.amount_out <= out_reserve


# -- the adversarial review's case ----------------------------------------------------------------
def test_v3_price_cap_round_trip_regression():
    """``FullRangePool(2e16, 2e10)`` (price 1e6, the cap): sell 784 759 970 alpha and buy back.

    The buy's ``(L·s + Δy)·s`` is ~1.9e19 > U64F64::MAX: the chain (``swap_step.rs`` ``convert_deltas``
    at v3.4.5-419) saturates it and would return 817 905 009 alpha for the 784 364 806 net alpha sold.
    The model refuses that buy.
    """
    pool = amm.FullRangePool(2 * 10**16, 2 * 10**10)
    sell = pool.sell_alpha(784_759_970)
    assert sell.ok
    buy = sell.pool.buy_alpha(sell.amount_out)
    assert buy.rejected == "Overflow"
    assert buy.amount_out == 0
    assert buy.pool is sell.pool
    # with T·√p below 2^64 the same round trip executes and loses
    small = amm.FullRangePool(10**16, 10**10)
    s2 = small.sell_alpha(784_759_970)
    b2 = s2.pool.buy_alpha(s2.amount_out)
    assert b2.ok
    assert b2.amount_out < 784_759_970


def test_v3_raw_formula_still_saturates_like_the_chain():
    """The raw formula keeps the chain's saturating arithmetic (only the pool refuses it)."""
    l_int = 2 * 10**13
    ideal = l_int * 10**15 // (962 * (l_int * 962 + 10**15))
    assert amm.v3_alpha_out_for_tao(l_int, 962, 10**15) > ideal


def test_payout_equal_to_reserve_is_allowed():
    """``impls.rs`` L173 at 14bc6f9f (L173 at v3.4.9-424): ``reserve < amount_paid_out`` is the only refusal.

    A Balancer buy with a heavy TAO weight whose power floors to 0 pays out the whole alpha reserve.
    """
    pool = amm.BalancerPool(10**9, 10**7, quote_weight=Fraction(95, 100), fee_rate_u16=0)
    r = pool.buy_alpha(10**12)  # 1000 × the TAO reserve: (1/1001)^19 floors to 0 at 1e-18
    assert r.ok
    assert r.amount_out == pool.alpha_reserve
    assert r.pool.alpha_reserve == 0
    # the drained pool's price is 0 (safe_div by 0): a sell is refused, first by the input limit
    # (1000 × an empty reserve), without the guards by the default min_price limit
    assert r.pool.price == 0
    assert r.pool.sell_alpha(10**6).rejected == "InputTooLarge"
    free = amm.BalancerPool(10**9, 10**7, quote_weight=Fraction(95, 100), fee_rate_u16=0, enforce_limits=False)
    drained = free.buy_alpha(10**12)
    assert drained.ok
    assert drained.pool.alpha_reserve == 0
    assert drained.pool.sell_alpha(10**6).rejected == "PriceLimitExceeded"


def test_v3_spot_price_is_truncated_to_u96f32():
    """``current_price`` at v3.4.5-419 (``pallets/swap/src/pallet/impls.rs`` L55):
    ``U96F32::saturating_from_num(sqrt_price.saturating_mul(sqrt_price))`` drops 32 bits, no rounding."""
    pool = amm.FullRangePool(10**12, 4 * 10**11)
    s = pool.sqrt_price_bits
    u64f64 = (s * s) >> 64
    assert pool.price_bits == u64f64 >> 32
    assert pool.price == (u64f64 >> 32) / 2**32
    rounded = (u64f64 + (1 << 31)) >> 32
    assert rounded != u64f64 >> 32  # this pool's low bits round up: truncation gives the smaller value
    assert pool.price < rounded / 2**32


# -- domain ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [amm.ConstantProductPool, amm.FullRangePool, amm.BalancerPool])
def test_pools_reject_reserves_above_the_supply_and_prices_above_the_cap(cls):
    with pytest.raises(ValueError, match=r"tao_reserve must be an integer in \[1, 21000000000000000\]"):
        cls(CAP + 1, CAP)
    with pytest.raises(ValueError, match="alpha_reserve"):
        cls(10**9, 2**64)
    with pytest.raises(ValueError, match="at most 1e\\+06 TAO per alpha"):
        cls(10**16, 10**9)  # 1e7 TAO per alpha
    pool = cls(10**16, 10**10)  # exactly the cap is accepted
    with pytest.raises(ValueError, match="tao_in must be an integer in"):
        pool.buy_alpha(CAP)
    with pytest.raises(ValueError, match="alpha_in"):
        pool.sell_alpha(2**64)


def test_limit_price_above_the_cap_is_rejected():
    pool = amm.BalancerPool(10**12, 10**12)
    with pytest.raises(ValueError, match="limit_price must be at most 1e\\+06"):
        pool.buy_alpha(10**9, limit_price=2e6)


def test_numpy_scalars_are_accepted_by_pools():
    pool = amm.BalancerPool(np.int64(10**12), np.uint64(4 * 10**12), quote_weight=np.float64(0.5))
    assert pool.buy_alpha(np.uint64(10**9)) == amm.BalancerPool(10**12, 4 * 10**12).buy_alpha(10**9)


# -- array helpers -------------------------------------------------------------------------------------
ARR_RESERVE = st.floats(1.0, float(CAP))


@settings(max_examples=200, deadline=None)
@given(ARR_RESERVE, ARR_RESERVE, st.floats(0.0, 1e6), st.floats(0.01, 0.99))
def test_array_helpers_never_return_negative_amounts(t, a, d, w):
    for res in (amm.cp_buy_array([t], [a], [d]), amm.cp_sell_array([t], [a], [d]),
                amm.balancer_buy_array([t], [a], [d], [w]), amm.balancer_sell_array([t], [a], [d], [w])):
        assert np.all(res.amount_out >= 0)
        assert np.all(res.fee >= 0)
        assert np.all(res.tao_reserve >= 0)
        assert np.all(res.alpha_reserve >= 0)


def test_cp_buy_array_tiny_trade_regression():
    """A 1-rao trade on a pool with a tiny alpha reserve used to give floor(a − a·t/(t+1)) = −1 with ok."""
    res = amm.cp_buy_array([1e16], [3.0], [1.0], staking_fee_rao=0, min_liquidity_rao=0)
    assert res.amount_out[0] == 0


def test_array_helpers_do_not_broadcast_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        amm.cp_buy_array(np.ones(3) * 1e9, np.ones((3, 1)) * 1e9, np.ones(3))
    with pytest.raises(ValueError, match="tao_reserve"):
        amm.cp_buy_array([3e16], [1e9], [1.0])


@PROPS
@given(pools("bal"), st.data())
def test_balancer_with_no_alpha_never_pays_out_more_than_it_holds(pool, data):
    """A Balancer pool with alpha reserve 0 (accepted by the constructor): a buy pays no alpha it does not
    hold, a sell of alpha into it then a buy back returns no more alpha than was sold."""
    empty = amm.BalancerPool(pool.tao_reserve, 0, quote_weight=pool.quote_weight, fee_rate_u16=pool.fee_rate_u16,
                             enforce_limits=pool.enforce_limits)
    d = _amount(data.draw, empty.tao_reserve)
    buy = empty.buy_alpha(d)
    assert buy.amount_out == 0
    assert buy.pool.alpha_reserve == 0
    assert buy.pool.tao_reserve >= empty.tao_reserve
    x = data.draw(st.integers(0, 10**12))
    sell = empty.sell_alpha(x)
    assert 0 <= sell.amount_out <= empty.tao_reserve
    if sell.ok and sell.amount_out:
        room = CAP - sell.pool.tao_reserve
        back = sell.pool.buy_alpha(min(sell.amount_out, room))
        assert back.amount_out <= x - sell.refund
