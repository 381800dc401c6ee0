"""The "broken" Balancer pool with an empty alpha reserve (price 0).

Source: ``test_adjust_protocol_liquidity_zero_alpha`` in RaoFoundation/subtensor
``pallets/swap/src/pallet/tests/adjust_protocol_liquidity.rs`` @71ddeedcab1e6f947df82af59931223c7b0a85bb,
implementation ``impls.rs::adjust_protocol_liquidity`` @63369449a9335455e84b0f8446a2b3772e8ba6e6 and
``Balancer::update_weights_for_added_liquidity`` (``balancer`` module, same tree).

The Rust test starts from TAO 1e12, alpha 0, weight 1/2 (``current_price`` = 0), calls
``adjust_protocol_liquidity(Δτ, Δα)``, then sets the mock reserves to ``(1e12 + Δτ, Δα)`` itself and
asserts: quote weight exactly 0.5 in every case; price 0 if ``Δα = 0``, else ``new_tao / new_alpha``
with epsilon ``price_before / 1e12 = 0`` (exact in f64).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from dtao_lib import amm

Y = 1_000_000_000_000
# (tao_delta, alpha_delta), the test's list in order
RUST_CASES = [
    (0, 0), (0, 1), (1, 0), (1, 1), (0, 10), (10, 0), (10, 10), (0, 100), (100, 0), (100, 100),
    (0, 1_000), (1_000, 0), (1_000, 1_000), (1_000_000, 0), (0, 1_000_000), (1_000_000, 1_000_000),
    (1_000_000_000, 0), (0, 1_000_000_000), (1_000_000_000, 1_000_000_000), (1_000_000_000_000, 0),
    (0, 1_000_000_000_000), (1_000_000_000_000, 1_000_000_000_000), (1, 2), (2, 1), (10, 20), (20, 10),
    (100, 200), (200, 100), (1_000, 2_000), (2_000, 1_000), (1_000_000, 2_000_000), (2_000_000, 1_000_000),
    (1_000_000_000, 2_000_000_000), (2_000_000_000, 1_000_000_000), (1_000_000_000_000, 2_000_000_000_000),
    (2_000_000_000_000, 1_000_000_000_000), (1_234_567, 2_432_765), (1_234_567, 2_432_765_890),
]


def test_zero_alpha_pool_constructs_with_price_zero():
    """``current_price`` returns 0 when the alpha reserve is 0 (impls.rs @63369449; the test's first assert)."""
    pool = amm.BalancerPool(Y, 0)
    assert pool.alpha_reserve == 0
    assert pool.price_bits == 0
    assert pool.price == 0.0
    assert pool.price_exact == 0
    assert amm.balancer_price(Y, 0) == 0.0


@pytest.mark.parametrize(("dt", "da"), RUST_CASES)
def test_adjust_protocol_liquidity_zero_alpha_rust_cases(dt, da):
    pool = amm.BalancerPool(Y, 0)
    r = amm.adjust_protocol_liquidity(pool, dt, da)
    # assert_eq!(actual_quote_weight, 0.5) in both branches
    assert r.pool.quote_weight == Fraction(1, 2)
    # the test then sets the reserves to (tao + Δτ, alpha + Δα) and reads current_price
    new_tao, new_alpha = Y + dt, da
    price_after = amm.balancer_price(new_tao, new_alpha, r.pool.quote_weight)
    if new_alpha == 0:
        assert price_after == 0.0
    else:
        assert price_after == float(new_tao) / float(new_alpha)  # epsilon = price_before / 1e12 = 0


@pytest.mark.parametrize(("dt", "da"), RUST_CASES)
def test_zero_alpha_alpha_waits_in_the_reservoir(dt, da):
    """What the chain itself keeps (derived from ``update_weights_for_added_liquidity``, not asserted by the test).

    With ``x = 0``: ``q2 = round(w2·x·(y+Δy)) = 0`` and ``q1 = round(w1·y·(x+Δx))``. For ``Δx > 0``,
    ``q1 > 0`` so ``w2' = 0/q1 = 0`` < MIN_WEIGHT: the full and the alpha-only attempts fail. The
    TAO-only attempt has ``q1 = q2 = 0`` and sets ``w2' = 1/2``. So the TAO becomes price-active and the
    alpha goes to ``BalancerAlphaReservoir``; ``run_coinbase`` adds only the active amounts to the pool.
    """
    r = amm.adjust_protocol_liquidity(amm.BalancerPool(Y, 0), dt, da)
    assert (r.tao_active, r.alpha_active, r.tao_reservoir, r.alpha_reservoir) == (dt, 0, 0, da)
    assert (r.pool.tao_reserve, r.pool.alpha_reserve) == (Y + dt, 0)
    assert r.pool.price == 0.0


def test_zero_alpha_reservoir_never_drains():
    """The next block retries reservoir + new alpha, and fails again while the alpha reserve is 0."""
    first = amm.adjust_protocol_liquidity(amm.BalancerPool(Y, 0), 10**9, 5 * 10**8)
    second = amm.adjust_protocol_liquidity(first.pool, 10**9, 5 * 10**8, tao_reservoir=first.tao_reservoir,
                                           alpha_reservoir=first.alpha_reservoir)
    assert (second.tao_active, second.alpha_active) == (10**9, 0)
    assert second.alpha_reservoir == 10**9
    assert second.pool.tao_reserve == Y + 2 * 10**9


def test_zero_alpha_tao_only_injection_resets_weight_to_half():
    """With ``Δx = 0`` both products are 0 whatever the weight: the chain's ``q_sum == 0`` branch gives 1/2."""
    pool = amm.BalancerPool(Y, 0, quote_weight=Fraction(3, 10))
    inj = pool.inject(7, 0)
    assert inj.ok
    assert inj.pool.quote_weight == Fraction(1, 2)
    assert pool.inject(0, 1).rejected == "WeightOutOfRange"
    # also without the chain's [0.01, 0.99] limits: w2' = 0 is outside (0, 1)
    assert amm.BalancerPool(Y, 0, enforce_limits=False).inject(0, 1).rejected == "WeightOutOfRange"


def test_zero_alpha_pool_refuses_trades():
    """do_swap (impls.rs @63369449): the input limit (net ≤ 1000 × input reserve) is checked first,
    then swap_inner's ReservesTooLow (output reserve ≥ MinimumReserve), then the price limit."""
    pool = amm.BalancerPool(Y, 0)
    assert pool.buy_alpha(10**9).rejected == "ReservesTooLow"  # no alpha to pay out
    assert pool.buy_alpha(2 * 10**15).rejected == "InputTooLarge"  # net above 1000 × 1e12 TAO
    assert pool.sell_alpha(1).rejected == "InputTooLarge"  # net above 1000 × 0 alpha
    free = amm.BalancerPool(Y, 0, enforce_limits=False)
    assert free.buy_alpha(10**9).rejected == "ReservesTooLow"  # pays out 0 alpha for a positive input
    assert free.sell_alpha(10**9).rejected == "PriceLimitExceeded"  # a price of 0 is never above the limit
    for start, r in ((pool, pool.buy_alpha(10**9)), (pool, pool.sell_alpha(1)), (free, free.sell_alpha(10**9))):
        assert (r.amount_out, r.refund) == (0, r.amount_in)
        assert r.pool == start  # nothing moved


def test_zero_alpha_limit_helpers_are_zero():
    pool = amm.BalancerPool(Y, 0)
    assert pool.tao_to_reach_price(1.0) == 0  # calculate_quote_delta_in: pow_ratio with denominator 0 → 0
    assert pool.alpha_to_reach_price(1.0) == 0
    assert pool.alpha_needed_for_tao(10**9) == 0


def test_from_price_needs_alpha():
    """maybe_initialize_palswap: w2 = y/(p·0 + y) = 1 fails Balancer::new (ReservesOutOfBalance)."""
    with pytest.raises(ValueError, match="alpha_reserve"):
        amm.BalancerPool.from_price(Y, 0, 1.0)


def test_negative_alpha_reserve_still_rejected():
    with pytest.raises(ValueError, match=r"alpha_reserve must be an integer in \[0, "):
        amm.BalancerPool(Y, -1)
