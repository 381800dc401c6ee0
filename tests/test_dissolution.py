"""Dissolution settlement and owner refunds (spec §6.4), checked against DS-* vectors and properties."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtao_lib import dissolution as ds
from dtao_lib import params

TAO = 10**9


# ---------------------------------------------------------------------------------------------
# Vectors
# ---------------------------------------------------------------------------------------------
def test_vector_ds01(vectors):
    v = vectors["DS-01"]
    i, e = v["inputs"], v["expected"]
    s = ds.settle(i["subnet_tao_pot"], i["staker_alpha"], alpha_in=i["alpha_in"],
                  protocol_alpha=i["protocol_alpha"], include_alpha_in=False)
    assert s.staker_tao == e["staker_tao"]
    refund = ds.owner_refund(i["locked"], i["owner_emission_tao"], legacy=i["legacy_subnet"])
    assert refund == e["owner_refund"]


def test_vector_ds03(vectors):
    v = vectors["DS-03"]
    i, e = v["inputs"], v["expected"]
    s = ds.settle(i["subnet_tao_pot"], i["staker_alpha"], alpha_in=i["alpha_in"],
                  protocol_alpha=i["protocol_alpha"],
                  include_alpha_in=not i["registered_before_TaoInRefundDeploymentBlock"])
    assert s.staker_tao == e["staker_tao"]
    assert s.protocol_share == e["protocol_share_recycled"]
    assert ds.owner_refund(i["locked"], 0, legacy=False) == e["owner_tao"]


# ---------------------------------------------------------------------------------------------
# Facts from the spec and the chain's tests
# ---------------------------------------------------------------------------------------------
def test_rounding_remainder_goes_to_largest_remainder():
    # 3 α and 2 α share a pot of 1 rao: 3/5 vs 2/5 → the first gets it
    assert ds.settle(1, [3, 2]).staker_tao == [1, 0]
    assert ds.settle(1, [2, 3]).staker_tao == [0, 1]


def test_equal_remainders_favour_the_earlier_staker():
    assert ds.settle(1, [1, 1]).staker_tao == [1, 0]
    assert ds.settle(2, [5, 5, 5]).staker_tao == [1, 1, 0]


def test_post_deploy_subnets_count_alpha_in():
    s = ds.settle(200, [50], alpha_in=100, protocol_alpha=50, include_alpha_in=True)
    assert s.staker_tao == [50]
    assert s.protocol_share == 150
    assert s.denominator == 200


def test_single_staker_gets_everything_and_no_claimants_means_recycle():
    assert ds.settle(99_999, [5_000]).staker_tao == [99_999]
    only_protocol = ds.settle(100, [], alpha_in=123, protocol_alpha=100)
    assert only_protocol.staker_tao == []
    assert only_protocol.protocol_share == 100
    nobody = ds.settle(77, [0, 0])
    assert nobody.staker_tao == [0, 0]
    assert nobody.protocol_share == 77
    assert ds.settle(0, [1_000]).staker_tao == [0]


def test_protocol_claimant_competes_for_leftover_rao():
    """The protocol's share takes part in the same largest-remainder ranking as the stakers'.

    subtensor 14bc6f9f (HEAD, 2026-06-30) ``pallets/subtensor/src/staking/remove_stake.rs`` L580-601
    (same code from v3.4.1, L554-575): the protocol ``Portion`` is pushed after the stakers,
    ``leftover = pot − distributed`` counts every floor, and ``portions.sort_by(|a, b| b.rem.cmp(&a.rem))``
    (a stable sort) hands one rao each to the first ``leftover`` portions.
    """
    # each claimant is owed 10/3 = 3 r 1: leftover 1 rao, all remainders equal → the first staker
    s = ds.settle(10, [1, 1], protocol_alpha=1)
    assert s.staker_tao == [4, 3]
    assert s.protocol_pro_rata == 3
    assert s.protocol_share == 3
    assert s.leftover_rao == 1
    # the protocol's larger remainder wins the rao: 10·2/4 = 5 r 0 vs 10·1/4 = 2 r 2 (twice) …
    assert ds.settle(10, [1, 1], protocol_alpha=2).staker_tao == [3, 2]  # leftover 1 → staker 0 (rem 2)
    # … 8·3/5 = 4 r 4 for the protocol, 8·1/5 = 1 r 3 for each staker: leftover 2 → protocol, staker 0
    t = ds.settle(8, [1, 1], protocol_alpha=3)
    assert t.staker_tao == [2, 1]
    assert t.protocol_share == 5
    # 5·3/4 = 3 r 3 for the protocol, 5·1/4 = 1 r 1: leftover 1 → the protocol keeps it
    u = ds.settle(5, [1], protocol_alpha=3)
    assert u.staker_tao == [1]
    assert u.protocol_share == 4
    # without the protocol claimant the leftover rao is handed out among the stakers
    assert ds.settle(10, [1, 1, 1]).staker_tao == [4, 3, 3]


def _chain_settle(pot: int, stakers: list[int], protocol: int) -> tuple[list[int], int]:
    """remove_stake.rs 14bc6f9f L556-611 in plain Python: portions, leftover, stable sort by remainder."""
    total = sum(v for v in stakers if v > 0) + protocol
    portions = [[i, pot * v // total, pot * v % total] for i, v in enumerate(stakers) if v > 0]
    if protocol > 0:
        portions.append([-1, pot * protocol // total, pot * protocol % total])
    leftover = pot - sum(p[1] for p in portions)
    portions.sort(key=lambda p: -p[2])
    for p in portions[:leftover]:
        p[1] += 1
    paid = [0] * len(stakers)
    prot = pot
    for i, share, _ in portions:
        if i >= 0:
            paid[i] = share
            prot -= share
    return paid, prot


@given(pot=st.integers(1, 10**12), stakers=st.lists(st.integers(0, 10**6), max_size=8),
       protocol=st.integers(0, 10**6))
def test_settle_matches_the_chain_portions(pot, stakers, protocol):
    if sum(stakers) + protocol == 0:
        return
    s = ds.settle(pot, stakers, protocol_alpha=protocol)
    assert (s.staker_tao, s.protocol_share) == _chain_settle(pot, stakers, protocol)


def test_zero_value_stakers_get_nothing():
    s = ds.settle(10, [0, 3, 0, 4])
    assert s.staker_tao[0] == 0
    assert s.staker_tao[2] == 0
    assert sum(s.staker_tao) == 10


def test_numpy_input():
    assert ds.settle(10_000, np.array([300, 700], dtype=np.uint64)).staker_tao == [3000, 7000]


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "match"),
    [
        ((-1, [1]), {}, ValueError, "pot_rao"),
        ((10, [1, -2]), {}, ValueError, r"staker_alpha\[1\]"),
        ((10, [1.5]), {}, TypeError, r"staker_alpha\[0\]"),
        ((10, "12"), {}, TypeError, "staker_alpha"),
        ((10, np.array([[1, 2]])), {}, ValueError, "staker_alpha"),
        ((10, [1]), {"protocol_alpha": -1}, ValueError, "protocol_alpha"),
        ((10, [1]), {"alpha_in": 2**64}, ValueError, "alpha_in"),
        ((10, [1]), {"include_alpha_in": 1}, TypeError, "include_alpha_in"),
    ],
)
def test_settle_rejects_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ds.settle(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------
alpha = st.integers(min_value=0, max_value=2**64 - 1)


@given(pot=st.integers(0, 2**64 - 1), stakers=st.lists(alpha, max_size=25), a_in=alpha, p_alpha=alpha,
       include=st.booleans())
def test_settlement_pays_exactly_the_pot_and_at_most_ceil_pro_rata(pot, stakers, a_in, p_alpha, include):
    s = ds.settle(pot, stakers, alpha_in=a_in, protocol_alpha=p_alpha, include_alpha_in=include)
    assert sum(s.staker_tao) + s.protocol_share == pot
    assert s.protocol_share >= 0
    protocol = min(p_alpha + a_in, 2**64 - 1) if include else p_alpha
    denom = protocol + sum(stakers)
    if denom == 0 or pot == 0:
        assert s.staker_tao == [0] * len(stakers)
        return
    for paid, v in zip(s.staker_tao, stakers, strict=True):
        owed = Fraction(pot * v, denom)
        assert math.floor(owed) <= paid <= math.ceil(owed)  # never more than pro rata rounded up
    # the protocol claimant is never paid less than its floor share (it is recycled, not given away)
    assert s.protocol_share >= (pot * protocol) // denom
    # without a protocol claimant the whole pot reaches the stakers
    if protocol == 0:
        assert s.protocol_share == 0


@given(pot=st.integers(1, 10**12), stakers=st.lists(st.integers(1, 10**9), min_size=1, max_size=10))
def test_largest_remainders_get_the_extra_rao(pot, stakers):
    s = ds.settle(pot, stakers)
    denom = sum(stakers)
    bumped = [i for i, (paid, v) in enumerate(zip(s.staker_tao, stakers, strict=True)) if paid * denom > pot * v]
    rem = [(pot * v) % denom for v in stakers]
    not_bumped = [i for i in range(len(stakers)) if i not in bumped]
    if bumped and not_bumped:
        assert min(rem[i] for i in bumped) >= max(rem[i] for i in not_bumped)


# ---------------------------------------------------------------------------------------------
# Owner refund
# ---------------------------------------------------------------------------------------------
def test_owner_refund_by_era():
    lock, emitted = 1000 * TAO, 300 * TAO
    assert ds.owner_refund(lock, emitted, legacy=True) == 700 * TAO
    assert ds.owner_refund(lock, emitted, legacy=False) == 0
    assert ds.owner_refund(lock, emitted, legacy=False, era="v3.2.8") == 700 * TAO   # every subnet
    assert ds.owner_refund(lock, emitted, legacy=False, era="v3.2.9") == 0           # legacy only (below)
    assert ds.owner_refund(lock, emitted, legacy=True, era="v3.2.13") == 700 * TAO
    assert ds.owner_refund(lock, emitted, legacy=True, era="v3.3.0") == 700 * TAO
    assert ds.owner_refund(lock, emitted, legacy=False, era="v3.3.0") == 0
    assert ds.owner_refund(lock, emitted, legacy=True, era="v2.0.0") == 0           # no refunds
    assert ds.owner_refund(lock, emitted, era="pre-dtao") == lock                    # full lock back
    assert ds.owner_refund(lock, 2 * lock, legacy=True) == 0                         # never negative


def test_owner_refund_only_for_legacy_subnets_from_v3_2_9():
    """The refund is limited to legacy subnets from v3.2.9, not v3.3.0.

    subtensor v3.2.9-326 (tag 2025-10-07) ``pallets/subtensor/src/staking/remove_stake.rs`` L452-455
    ``let should_refund_owner: bool = reg_at < start_block;`` and L619-620 ``if should_refund_owner``;
    v3.2.8-320 L599 refunds ``lock_cost.saturating_sub(owner_emission_tao)`` to every subnet.
    """
    lock, emitted = 1000 * TAO, 300 * TAO
    assert params.era("v3.2.8").owner_refund == "lock_minus_owner_emission"
    assert params.era("v3.2.9").owner_refund == "legacy_only"
    assert ds.owner_refund(lock, emitted, legacy=False, era="v3.2.8") == 700 * TAO
    assert ds.owner_refund(lock, emitted, legacy=False, era="v3.2.9") == 0
    assert ds.owner_refund(lock, emitted, legacy=True, era="v3.2.9") == 700 * TAO
    assert ds.owner_refund(lock, emitted, legacy=False, era="2025-10-07") == 0


def test_owner_emission_from_alpha_issuance_from_v3_2_12():
    """The refund values the owner's emission from alpha issuance at spot from v3.2.12.

    subtensor v3.2.12-342 ``pallets/subtensor/src/staking/remove_stake.rs`` L456
    ``Self::get_alpha_issuance(netuid)`` and L466-470 ``owner_alpha · current_alpha_price``; v3.2.8-320
    L457-476 and v3.2.11 sum the ``Emission`` vector and sell it in ``sim_swap`` (spot only as fallback).
    """
    basis = [params.era(t).owner_emission_basis for t in ("v3.2.3", "v3.2.8", "v3.2.11", "v3.2.12", "head")]
    assert basis == ["none", "emission_vector_sim_sale", "emission_vector_sim_sale", "alpha_issuance_spot",
                     "alpha_issuance_spot"]


def test_owner_refund_bad_input():
    with pytest.raises(ValueError, match="locked_rao"):
        ds.owner_refund(-1, 0, legacy=True)
    with pytest.raises(TypeError, match="legacy"):
        ds.owner_refund(1, 0, legacy="yes")
    with pytest.raises(ValueError, match="era"):
        ds.owner_refund(1, 0, legacy=True, era="v9")


def test_owner_emission_value_fixed_point():
    # exactly representable price: only the owner-cut fraction is truncated
    alpha = 123_456_789 * TAO
    cut_bits = (11_796 << 32) // 65_535
    owner_alpha = alpha * cut_bits >> 32
    assert ds.owner_emission_value(alpha, 0.5) == owner_alpha // 2
    assert ds.owner_emission_value(alpha, 2) == owner_alpha * 2
    assert ds.owner_emission_value(alpha, 0.5, owner_cut_u16=0) == 0
    assert ds.owner_emission_value(2_000, 1, owner_cut_u16=65_535) == 2_000


@given(st.integers(0, 21 * 10**15), st.floats(min_value=0, max_value=10, allow_nan=False))
def test_owner_emission_value_close_to_rational(alpha, price):
    got = ds.owner_emission_value(alpha, price)
    exact = Fraction(alpha) * Fraction(11_796, 65_535) * Fraction(price)
    assert got <= exact
    # truncations: cut and price to 2^-32 and two floors (the first one is then multiplied by the price)
    assert exact - got <= 2 + Fraction(price) + Fraction(alpha) * Fraction(price + 1) * Fraction(1, 2**31)


def test_owner_emission_value_bad_input():
    with pytest.raises(ValueError, match="price"):
        ds.owner_emission_value(10, -0.1)
    with pytest.raises(ValueError, match="price"):
        ds.owner_emission_value(10, float("nan"))
    with pytest.raises(ValueError, match="owner_cut_u16"):
        ds.owner_emission_value(10, 1.0, owner_cut_u16=70_000)


# ---------------------------------------------------------------------------------------------
# exit_comparison: dissolution payout vs selling in the pool
# ---------------------------------------------------------------------------------------------
def test_exit_comparison_matches_constant_product_and_pro_rata():
    tao, a_in, mine, others = 1_000 * TAO, 100_000 * TAO, 10_000 * TAO, 190_000 * TAO
    c = ds.exit_comparison(tao, a_in, mine, others)
    # dissolution: pot × mine / all user alpha  (ADR 2 ⇒ half of spot value)
    assert c.dissolution_rao == tao * mine // (mine + others)
    assert c.dissolution_haircut == pytest.approx(0.5)
    # equal-weight Balancer = constant product, fee floor(x·33/65535) taken from the alpha first
    net = mine - mine * 33 // 65_535
    expected = tao * net // (a_in + net)
    assert abs(c.pool_sale_rao - expected) <= 1
    assert c.better == "pool sale"
    assert c.spot_value_rao == 100 * TAO


def test_exit_comparison_large_holder_prefers_dissolution():
    # a holder of almost all alpha would crash the price by selling; the pro-rata pot pays more
    c = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 190_000 * TAO, 10_000 * TAO)
    assert c.better == "dissolution"
    assert c.dissolution_rao == 950 * TAO


def test_exit_comparison_protocol_alpha_and_alpha_in_deepen_the_haircut():
    base = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 50_000 * TAO, 50_000 * TAO)
    prot = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 50_000 * TAO, 50_000 * TAO, protocol_alpha_rao=100_000 * TAO)
    post = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 50_000 * TAO, 50_000 * TAO, include_alpha_in=True)
    assert base.dissolution_rao == 500 * TAO        # ADR 1: no haircut
    assert prot.dissolution_rao == 250 * TAO        # protocol claimant takes half the pot
    assert post.dissolution_rao == 250 * TAO        # α_in joins the denominator (June 2026 subnets)
    assert prot.pool_sale_rao == base.pool_sale_rao  # the pool sale does not care


def test_exit_comparison_uses_the_eras_pool():
    v3 = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 10_000 * TAO, era="v3.3.11")
    assert type(v3.sale.pool).__name__ == "FullRangePool"
    weighted = ds.exit_comparison(1_000 * TAO, 100_000 * TAO, 10_000 * TAO, quote_weight=0.25)
    assert weighted.spot_price == pytest.approx(0.03)  # (w1/w2)·(y/x) = 3 · 0.01


def test_exit_comparison_bad_input():
    with pytest.raises(ValueError, match="staker_alpha_rao"):
        ds.exit_comparison(TAO, TAO, 0)
    with pytest.raises(ValueError, match="tao_reserve_rao"):
        ds.exit_comparison(0, TAO, TAO)
    with pytest.raises(ValueError, match="quote_weight"):
        ds.exit_comparison(TAO, TAO, TAO, era="v3.3.11", quote_weight=0.3)
    with pytest.raises(TypeError, match="include_alpha_in"):
        ds.exit_comparison(TAO, TAO, TAO, include_alpha_in=1)


# -- owner-emission value by era: simulated sale (v3.2.8 – v3.2.11) or spot product (v3.2.12+) ------------
def _owner_alpha(alpha: int, cut: int = 11_796) -> int:
    return alpha * ((cut << 32) // 65_535) >> 32


@pytest.mark.parametrize("era", ["v3.2.8", "v3.2.9", "v3.2.11"])
def test_owner_emission_value_is_a_simulated_sale_in_v3_2_8_to_v3_2_11(era):
    """remove_stake.rs L471–488 @v3.2.8-320 (L471–490 @v3.2.11-338): ``sim_swap(Sell, owner_alpha)``.

    The era's pool is the full-range Uniswap-v3 position (fee 33/65535 taken from the alpha input,
    kept by the liquidity): selling ``net = Δx − floor(Δx·33/65535)`` pays the constant-product
    ``y·net/(x + net)``, up to the rounding of the sqrt-price arithmetic (≤ 1 rao here).
    """
    from dtao_lib.amm import pool_for

    x, y = 100 * 10**12, 10**12  # spot 0.01 TAO per alpha
    pool = pool_for(era, y, x)
    alpha = 10_000 * TAO
    owner = _owner_alpha(alpha)
    net = owner - owner * 33 // 65_535
    want = Fraction(y * net, x + net)
    got = ds.owner_emission_value(alpha, era=era, pool=pool)
    assert abs(got - want) <= 1
    # the price impact makes the sale worth less than the spot product the later rule uses
    assert got < ds.owner_emission_value(alpha, 0.01, era="v3.2.12")


def test_owner_emission_value_spot_from_v3_2_12_even_with_a_pool():
    """remove_stake.rs L465–472 @v3.2.12-342: ``floor(owner_alpha · current_alpha_price)``, no swap."""
    from dtao_lib.amm import pool_for

    alpha = 10_000 * TAO
    pool = pool_for("v3.2.12", 10**12, 4 * 10**12)  # price 0.25, exact in U96F32
    assert ds.owner_emission_value(alpha, 0.25, era="v3.2.12", pool=pool) == _owner_alpha(alpha) // 4
    assert ds.owner_emission_value(alpha, 0.25, pool=pool) == _owner_alpha(alpha) // 4  # HEAD


def test_owner_emission_value_falls_back_to_spot_when_the_sale_fails():
    """v3.2.8-320 L474–486: if ``sim_swap`` errs (here the pool's TAO reserve is below the swap pallet's
    minimum reserve, ``ReservesTooLow``) the chain prices the owner's alpha at the spot price."""
    from dtao_lib.amm import FullRangePool

    pool = FullRangePool(500_000, 2_000_000)  # 5e5 rao of TAO < 1e6 minimum reserve; price 0.25
    assert pool.sell_alpha(1_000).rejected
    alpha = 4_000_000
    assert ds.owner_emission_value(alpha, era="v3.2.8", pool=pool) == _owner_alpha(alpha) // 4


def test_owner_emission_value_sale_era_needs_the_pool():
    with pytest.raises(ValueError, match="pool"):
        ds.owner_emission_value(10**12, 0.01, era="v3.2.10")
    with pytest.raises(ValueError, match="price"):
        ds.owner_emission_value(10**12, era="v3.2.12")
    with pytest.raises(TypeError, match="pool"):
        ds.owner_emission_value(10**12, 0.01, era="v3.2.8", pool="pool")
    assert ds.owner_emission_value(0, 0.01, era="v3.2.8") == 0  # nothing to sell: no pool needed
