"""ADR, liquidation price and haircut (spec §7), and the ADR time series under the injection cap."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtao_lib import adr as A
from dtao_lib import dissolution
from dtao_lib.emission import block_emission, halving_threshold_rao

TAO = 10**9
pos = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)


def test_scalars_in_scalars_out_arrays_in_arrays_out():
    assert isinstance(A.adr(3, 1), float)
    assert A.adr(3, 1) == 3.0
    assert isinstance(A.liquidation_price(10, 4), float)
    assert isinstance(A.haircut(2), float)
    out = A.adr(np.array([1.0, 2.0, 4.0]), 2.0)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.5, 1.0, 2.0])
    np.testing.assert_allclose(A.haircut([1.0, 2.0, 4.0]), [0.0, 0.5, 0.75])
    tao, alpha = np.meshgrid([100.0, 50.0], [1.0, 4.0], indexing="ij")  # a grid is built explicitly
    np.testing.assert_allclose(A.liquidation_price(tao, alpha), [[100.0, 25.0], [50.0, 12.5]])
    with pytest.raises(ValueError, match="must have the same shape"):  # never broadcast by accident
        A.liquidation_price([[100.0], [50.0]], [1.0, 4.0])


@given(tao=pos, a_in=pos, a_out=pos)
def test_liquidation_price_is_spot_over_adr(tao, a_in, a_out):
    spot = tao / a_in
    ratio = A.adr(a_out, a_in)
    p_l = A.liquidation_price(tao, a_out)
    assert p_l == pytest.approx(spot / ratio, rel=1e-12)
    assert A.haircut(ratio) == pytest.approx(1 - p_l / spot, rel=1e-9, abs=1e-12)


def test_haircut_sign():
    assert A.haircut(1.0) == 0.0
    assert A.haircut(4.0) == 0.75
    assert A.haircut(0.5) == -1.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: A.adr(1.0, 0.0), "alpha_in"),
        (lambda: A.adr(-1.0, 1.0), "alpha_out"),
        (lambda: A.adr(float("nan"), 1.0), "alpha_out"),
        (lambda: A.adr([1.0, 2.0], [1.0, 2.0, 3.0]), "same shape"),
        (lambda: A.liquidation_price(-5.0, 1.0), "tao_reserve"),
        (lambda: A.liquidation_price(5.0, 0.0), "alpha_outstanding"),
        (lambda: A.haircut(0.0), "adr"),
        (lambda: A.haircut(float("inf")), "adr"),
        (lambda: A.liquidation_price_head(1.0, 0.0), "user_alpha"),
        (lambda: A.effective_adr(1.0, 1.0, protocol_alpha=-1.0), "protocol_alpha"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError):
        A.adr("a", 1.0)
    with pytest.raises(TypeError, match="include_alpha_in"):
        A.effective_adr(1.0, 1.0, include_alpha_in="no")


def test_head_variant_matches_dissolution_settlement():
    # DS-03: pot 200, user 50 α, protocol 50 α, α_in 100 (excluded) → the user gets 100 TAO
    p_l = A.liquidation_price_head(200.0, 50.0, protocol_alpha=50.0, alpha_in=100.0)
    assert p_l * 50 == dissolution.settle(200, [50], alpha_in=100, protocol_alpha=50).staker_tao[0]
    # post-deploy subnet: α_in joins the denominator
    p_l2 = A.liquidation_price_head(200.0, 50.0, protocol_alpha=50.0, alpha_in=100.0, include_alpha_in=True)
    assert p_l2 * 50 == dissolution.settle(200, [50], alpha_in=100, protocol_alpha=50,
                                           include_alpha_in=True).staker_tao[0]


@given(tao=pos, user=pos, a_in=pos, prot=st.floats(0, 1e12), include=st.booleans())
def test_effective_adr_is_spot_over_head_liquidation_price(tao, user, a_in, prot, include):
    eff = A.effective_adr(user, a_in, protocol_alpha=prot, include_alpha_in=include)
    p_l = A.liquidation_price_head(tao, user, protocol_alpha=prot, alpha_in=a_in, include_alpha_in=include)
    assert eff == pytest.approx((tao / a_in) / p_l, rel=1e-9)
    assert eff >= A.adr(user, a_in) * (1 - 1e-12)  # protocol alpha can only deepen the haircut
    if include:
        assert eff >= 1.0
    if prot == 0 and not include:
        assert eff == pytest.approx(A.adr(user, a_in))


def test_halving_adr():
    assert A.halving_adr(1, 0) == 2.0
    assert A.halving_adr(3, 1) == 4.0
    np.testing.assert_allclose(A.halving_adr([0, 1, 2, 2], [0, 0, 0, 2]), [1, 2, 4, 1])


# ---------------------------------------------------------------------------------------------
# Time series
# ---------------------------------------------------------------------------------------------
def _brute_force(n_blocks, issuance, a_in, a_out, rule, rate=0.0, root_prop=None):
    """Independent per-block loop over the same model."""
    out = []
    for _ in range(n_blocks):
        e = block_emission(issuance)
        a = block_emission(a_in + a_out)
        if rule == "min":
            inj = min(a, e)
        elif rule == "root":
            inj = int(a * root_prop)
        else:
            inj = a
        issuance += e - int(e * rate)
        a_in += inj
        a_out += a
        out.append((issuance, a_in, a_out))
    return out


@pytest.mark.parametrize(("era", "rule", "root_prop"), [("v3.3.1", "min", None), ("v3.2.12", "cap", None),
                                                         ("head", "root", 0.3)])
def test_time_series_matches_per_block_loop_across_halvings(era, rule, root_prop):
    # start a few blocks before both the first TAO halving and the subnet's first alpha halving
    issuance = halving_threshold_rao(1) - 5 * TAO
    a_in, a_out = 4_000_000 * TAO, halving_threshold_rao(1) - 4_000_000 * TAO - 40 * TAO
    df = A.adr_time_series(60, step_blocks=7, tao_issuance_rao=issuance, alpha_in_rao=a_in, alpha_out_rao=a_out,
                           recycle_rate=0.25, era=era, root_prop=root_prop)
    ref = _brute_force(60, issuance, a_in, a_out, rule, rate=0.25, root_prop=root_prop)
    assert list(df["block"]) == [0, 7, 14, 21, 28, 35, 42, 49, 56, 60]
    for _, row in df.iloc[1:].iterrows():
        i, ain, aout = ref[int(row["block"]) - 1]
        assert (row["tao_issuance_rao"], row["alpha_in_rao"], row["alpha_out_rao"]) == (i, ain, aout)
    assert df["tao_halvings"].iloc[-1] == 1
    assert df["alpha_halvings"].iloc[-1] == 1


def test_flow_adr_tracks_2_pow_k_minus_n_under_the_v3_3_1_cap():
    df = A.adr_time_series(7200 * 365 * 6, tao_issuance_rao=9_000_000 * TAO, alpha_out_rao=TAO, alpha_in_rao=TAO,
                           era="v3.3.1")
    k, n = df["tao_halvings"].to_numpy(), df["alpha_halvings"].to_numpy()
    expected = np.where(k >= n, A.halving_adr(k, n), 1.0)   # α_in = min(2^-n, 2^-k)
    np.testing.assert_allclose(df["flow_adr"].to_numpy(), expected)
    assert (df["flow_adr"] == 2.0).any()                      # k = 1, n = 0 happens
    np.testing.assert_allclose(df["stock_adr"], df["alpha_out_rao"] / df["alpha_in_rao"])


def test_flow_adr_other_eras():
    kw = dict(tao_issuance_rao=11_000_000 * TAO, alpha_in_rao=TAO, alpha_out_rao=TAO)
    assert (A.adr_time_series(7200, era="v3.2.12", **kw)["flow_adr"] == 1.0).all()
    df = A.adr_time_series(7200, era="head", root_prop=0.25, **kw)
    assert df["flow_adr"].iloc[-1] == pytest.approx(4.0)


def test_time_series_bad_input():
    with pytest.raises(ValueError, match="root_prop"):
        A.adr_time_series(100, era="head", root_prop=1.5)
    with pytest.raises(ValueError, match="root_tao_rao"):
        A.adr_time_series(100, root_tao_rao=-1)
    with pytest.raises(ValueError, match="tao_weight"):
        A.adr_time_series(100, tao_weight=2.0)
    with pytest.raises(ValueError, match="root_prop_tolerance"):
        A.adr_time_series(100, root_prop_tolerance=0.0)
    with pytest.raises(ValueError, match="era"):
        A.adr_time_series(100, era="pre-dtao")
    with pytest.raises(ValueError, match="recycle_rate"):
        A.adr_time_series(100, recycle_rate=1.5)
    with pytest.raises(ValueError, match="n_blocks"):
        A.adr_time_series(-1)
    with pytest.raises(ValueError, match="step_blocks"):
        A.adr_time_series(10, step_blocks=0)


# ---------------------------------------------------------------------------------------------
# HEAD default: root_prop from the root stake, recomputed as the subnet's issuance grows
# ---------------------------------------------------------------------------------------------
def test_default_root_tao_is_the_snapshot_root_stake():
    from dtao_lib.data import load_subnet_snapshot

    snap = load_subnet_snapshot()
    root = snap.loc[snap["netuid"] == 0, "tao_in_tao"].iloc[0]
    assert A.DEFAULT_ROOT_TAO_RAO == round(root * TAO)


def test_default_era_is_head_and_uses_root_prop_from_root_stake():
    from dtao_lib.coinbase import injection_cap, root_proportion
    from dtao_lib.params import TAO_WEIGHT

    a_in, a_out = 300_000 * TAO, 700_000 * TAO
    df = A.adr_time_series(1, alpha_in_rao=a_in, alpha_out_rao=a_out)
    rp = root_proportion(TAO_WEIGHT, A.DEFAULT_ROOT_TAO_RAO, a_in + a_out)
    assert df["root_prop"].iloc[0] == rp
    assert df["alpha_in_per_block_rao"].iloc[0] == injection_cap(TAO, root_proportion=rp, era="head")
    # v3.3.1 stays reproducible: no root_prop column value, cap min(a, E)
    old = A.adr_time_series(1, alpha_in_rao=a_in, alpha_out_rao=a_out, tao_issuance_rao=halving_threshold_rao(1),
                            era="v3.3.1")
    assert np.isnan(old["root_prop"].iloc[0])
    assert old["alpha_in_per_block_rao"].iloc[0] == TAO // 2


def test_dynamic_root_prop_tracks_a_per_block_loop_within_the_tolerance():
    """Independent per-block loop with the chain's per-block root_prop (U96F32, coinbase.root_proportion)."""
    from dtao_lib.coinbase import injection_cap, root_proportion
    from dtao_lib.params import TAO_WEIGHT

    root_tao = 50_000 * TAO  # small root stake so root_prop moves fast
    a_in, a_out, n = 10_000 * TAO, 0, 20_000
    ref_in, ref_out = a_in, a_out
    for _ in range(n):
        a = block_emission(ref_in + ref_out)
        rp = root_proportion(TAO_WEIGHT, root_tao, ref_in + ref_out)
        ref_in += injection_cap(a, root_proportion=rp, era="head")
        ref_out += a
    tol = 1e-3
    df = A.adr_time_series(n, step_blocks=n, alpha_in_rao=a_in, alpha_out_rao=a_out, root_tao_rao=root_tao,
                           root_prop_tolerance=tol)
    got_in = int(df["alpha_in_rao"].iloc[-1])
    assert int(df["alpha_out_rao"].iloc[-1]) == ref_out                # α_out is exact
    assert abs(got_in - ref_in) <= tol * n * TAO                       # α_in within tol · a per block
    assert got_in >= ref_in                                            # held root_prop is the older, larger one
    # a tighter tolerance gets closer
    tight = A.adr_time_series(n, step_blocks=n, alpha_in_rao=a_in, root_tao_rao=root_tao, root_prop_tolerance=1e-5)
    assert abs(int(tight["alpha_in_rao"].iloc[-1]) - ref_in) < abs(got_in - ref_in)


def test_head_flow_adr_is_one_over_root_prop():
    df = A.adr_time_series(7200 * 365 * 3, step_blocks=7200 * 30, alpha_in_rao=TAO)
    np.testing.assert_allclose(df["flow_adr"], 1 / df["root_prop"], rtol=1e-6)
    assert df["root_prop"].is_monotonic_decreasing     # root_prop falls as alpha issuance grows


# ---------------------------------------------------------------------------------------------
# subnet_life
# ---------------------------------------------------------------------------------------------
def test_subnet_life_without_emission_or_trading():
    # no TAO share: the pool never changes; participants get one alpha per block
    df = A.subnet_life(30, tao_reserve_rao=1_000 * TAO, alpha_in_rao=100_000 * TAO, tao_share=0.0)
    assert (df["tao_reserve_tao"] == 1_000).all()
    np.testing.assert_allclose(df["alpha_out"], df["day"] * 7200)
    np.testing.assert_allclose(df["adr"], df["day"] * 7200 / 100_000)
    np.testing.assert_allclose(df["liquidation_price"].iloc[1:], 1_000 / (df["day"].iloc[1:] * 7200))


def test_subnet_life_v3_3_1_cap_and_conservation():
    # 1 % of E = 0.5 TAO at price 0.01: τ/p = 0.5 α > cap min(1, 0.5) = 0.5? equal → no excess.
    # At price 0.004: τ/p = 1.25 α, capped to 0.5 α, τ_in = 0.002 TAO, excess 0.003 TAO buys alpha (recycled)
    df = A.subnet_life(1, tao_reserve_rao=400 * TAO, alpha_in_rao=100_000 * TAO, tao_share=0.01, era="v3.3.1")
    assert df["alpha_in_per_block"].iloc[1] == 0.5
    assert df["chain_buy_tao_per_day"].iloc[1] == pytest.approx(0.003 * 7200, rel=1e-6)
    # all the subnet's TAO emission ends in the pool (injection + chain buy)
    assert df["tao_reserve_tao"].iloc[1] - 400 == pytest.approx(0.005 * 7200, rel=1e-6)
    assert df["protocol_alpha"].iloc[1] == 0          # recycled before v3.4.1
    head = A.subnet_life(1, tao_reserve_rao=400 * TAO, alpha_in_rao=100_000 * TAO, tao_share=0.01)
    assert head["protocol_alpha"].iloc[1] > 0         # kept as protocol alpha at HEAD


def test_subnet_life_flows_move_adr():
    kw = dict(tao_reserve_rao=1_000 * TAO, alpha_in_rao=200_000 * TAO, alpha_out_rao=200_000 * TAO,
              tao_share=0.0)
    base = A.subnet_life(60, **kw)["adr"].iloc[-1]
    buy = A.subnet_life(60, net_flow_tao_per_day=20.0, **kw)["adr"].iloc[-1]
    sell = A.subnet_life(60, net_flow_tao_per_day=-20.0, **kw)
    assert buy > base > sell["adr"].iloc[-1]
    # a sale of F TAO a day takes F TAO (less the fee) out of the pool
    assert sell["tao_reserve_tao"].iloc[1] == pytest.approx(1_000 - 20, rel=1e-3)


def test_subnet_life_bad_input():
    good = dict(tao_reserve_rao=TAO, alpha_in_rao=TAO)
    with pytest.raises(ValueError, match="days"):
        A.subnet_life(0, **good)
    with pytest.raises(ValueError, match="tao_share"):
        A.subnet_life(10, tao_share=1.5, **good)
    with pytest.raises(ValueError, match="alpha_in_rao"):
        A.subnet_life(10, tao_reserve_rao=TAO, alpha_in_rao=0)
    with pytest.raises(ValueError, match="step_days"):
        A.subnet_life(10, step_days=0, **good)
    with pytest.raises(ValueError, match="era"):
        A.subnet_life(10, era="pre-dtao", **good)
    with pytest.raises(TypeError, match="tao_reserve_rao"):
        A.subnet_life(10, tao_reserve_rao=1.5, alpha_in_rao=TAO)


def test_subnet_life_swaps_are_the_amm_equal_weight_formulas():
    from dtao_lib import amm

    for t, x, d, fee in ((1e12, 2e14, 5e10, 33), (3e11, 1e13, 7e12, 0), (1e9, 1e9, 1e6, 33)):
        buy = amm.balancer_buy_array(t, x, d, 0.5, fee_rate_u16=fee, min_reserve_rao=0)
        assert A._cp_alpha_out(t, x, d, fee) == pytest.approx(float(buy.amount_out), abs=1.0)
        sell = amm.balancer_sell_array(t, x, d, 0.5, fee_rate_u16=fee, min_reserve_rao=0)
        assert A._cp_alpha_out(x, t, d, fee) == pytest.approx(float(sell.amount_out), abs=1.0)


def test_subnet_life_root_prop_is_the_chains():
    from dtao_lib.coinbase import root_proportion
    from dtao_lib.params import TAO_WEIGHT

    df = A.subnet_life(30, tao_reserve_rao=1_000 * TAO, alpha_in_rao=200_000 * TAO, tao_share=0.0, step_days=10)
    issued = ((df["alpha_in"] + df["alpha_out"] + df["protocol_alpha"]) * TAO).round().astype(int)
    # the value recorded with each step is the one computed at that step's start
    for rp, a in zip(df["root_prop"].iloc[1:], issued.iloc[:-1], strict=True):
        assert rp == root_proportion(TAO_WEIGHT, A.DEFAULT_ROOT_TAO_RAO, int(a))


# ---------------------------------------------------------------------------------------------
# gated_projection: a subnet at a fixed (gated) share at HEAD (addendum §A2, §A4; spec §3.4, §7)
# ---------------------------------------------------------------------------------------------
def _pool(tao_tao: float = 2_000.0, alpha_tao: float = 500_000.0):
    from dtao_lib import amm

    return amm.pool_for("head", int(tao_tao * 10**9), int(alpha_tao * 10**9))


def test_gated_projection_with_no_share_only_mints_alpha_out():
    from dtao_lib import adr as adr_mod
    from dtao_lib import coinbase

    pool = _pool()
    user = 700_000 * 10**9
    d = adr_mod.gated_projection(pool, share=0.0, user_alpha_rao=user, days=10)
    a = coinbase.alpha_emission(pool.alpha_reserve + user)
    last = d.iloc[-1]
    assert last["pool_tao_rao"] == pool.tao_reserve
    assert last["pool_alpha_rao"] == pool.alpha_reserve
    assert last["user_alpha_rao"] == user + 10 * 7_200 * a
    assert last["adr"] == pytest.approx((user + 10 * 7_200 * a) / pool.alpha_reserve)
    # P_L = T/(outstanding) and the haircut against the unchanged spot price (spec §7)
    assert last["liquidation_price"] == pytest.approx(pool.tao_reserve / (user + 10 * 7_200 * a))
    assert last["haircut"] == pytest.approx(1 - last["liquidation_price"] / pool.price)


def test_gated_projection_below_the_cap_injects_at_the_price_every_block():
    """A small share: α_in = ⌊E_i/p⌋ < root_prop·α_e, so no chain buy; the pool grows by exactly
    days × 7 200 × (τ_in, α_in) (independent: the terms computed here in floats, to a rao)."""
    from dtao_lib import adr as adr_mod

    pool = _pool()
    share = 0.0005
    d = adr_mod.gated_projection(pool, share=share, user_alpha_rao=700_000 * 10**9, days=30)
    e_i = int(5 * 10**8 * share)
    alpha_in = e_i / pool.price
    assert (d["excess_rao"] == 0).all()
    assert d["protocol_alpha_rao"].iloc[-1] == 0
    assert abs(d["alpha_in_rao"].iloc[-1] - alpha_in) <= 1
    assert abs(d["tao_in_rao"].iloc[-1] - e_i) <= 1 + pool.price
    grown_tao = d["pool_tao_rao"].iloc[-1] - pool.tao_reserve
    assert grown_tao == 30 * 7_200 * d["tao_in_rao"].iloc[-1]
    assert d["price"].iloc[-1] == pytest.approx(pool.price, rel=1e-12)  # injections keep the price


def test_gated_projection_with_a_large_share_buys_alpha_and_lifts_the_price():
    from dtao_lib import adr as adr_mod

    pool = _pool()
    d = adr_mod.gated_projection(pool, share=0.05, user_alpha_rao=700_000 * 10**9, days=20)
    assert (d["excess_rao"].iloc[1:] > 0).all()
    assert d["protocol_alpha_rao"].iloc[-1] > 0
    assert d["price"].iloc[-1] > pool.price
    # every TAO of E_i ends in the pool (τ_in + chain buy; < 1 rao per block recycled by truncation)
    per_block = d["tao_in_rao"].iloc[1:] + d["excess_rao"].iloc[1:]
    assert ((d["tao_emission_rao"].iloc[1:] - per_block).between(0, 1)).all()
    assert d["pool_tao_rao"].iloc[-1] - pool.tao_reserve == 7_200 * per_block.sum()


def test_gated_projection_bad_input():
    from dtao_lib import adr as adr_mod

    with pytest.raises(TypeError, match="BalancerPool"):
        adr_mod.gated_projection(object(), share=0.1, user_alpha_rao=1, days=1)
    with pytest.raises(ValueError, match="share"):
        adr_mod.gated_projection(_pool(), share=1.5, user_alpha_rao=1, days=1)
    with pytest.raises(ValueError, match="days"):
        adr_mod.gated_projection(_pool(), share=0.1, user_alpha_rao=1, days=0)


def _gated_projection_reference(pool, *, share, user_alpha_rao, days, protocol_alpha_rao=0, block_emission_rao=None,
                                root_tao_rao=A.DEFAULT_ROOT_TAO_RAO, tao_weight=0.18, step_blocks=7_200):
    """gated_projection as first written (commit 6ec8e8f): the plain composition of the public functions
    (coinbase.alpha_emission, root_proportion, subnet_terms; BalancerPool.buy_alpha fee-free;
    amm.adjust_protocol_liquidity; liquidation_price_head), kept as the reference of the faster loop."""
    from dataclasses import replace

    import pandas as pd

    from dtao_lib import amm, coinbase

    e_i = int((500_000_000 if block_emission_rao is None else block_emission_rao) * share)
    user, prot, tao_res, alpha_res = user_alpha_rao, protocol_alpha_rao, 0, 0
    rows = []

    def record(day, terms, a):
        price = pool.price
        outstanding = user + prot
        pl = float(A.liquidation_price_head(pool.tao_reserve, user, protocol_alpha=prot)) if outstanding else np.nan
        rows.append({"day": day * step_blocks / 7_200, "tao_emission_rao": e_i,
                     "tao_in_rao": terms.tao_in if terms else 0,
                     "alpha_in_rao": terms.alpha_in if terms else 0, "excess_rao": terms.excess_tao if terms else 0,
                     "alpha_out_rao": a, "pool_tao_rao": pool.tao_reserve, "pool_alpha_rao": pool.alpha_reserve,
                     "user_alpha_rao": user, "protocol_alpha_rao": prot, "price": price,
                     "adr": (outstanding / pool.alpha_reserve if pool.alpha_reserve
                             else (np.inf if outstanding else np.nan)), "liquidation_price": pl,
                     "haircut": 1.0 - pl / price if outstanding and price > 0 else np.nan})

    record(0, None, 0)
    for day in range(1, days + 1):
        issuance = pool.alpha_reserve + alpha_res + user + prot
        a = coinbase.alpha_emission(issuance)
        rp = coinbase.root_proportion(tao_weight, root_tao_rao, issuance)
        terms = coinbase.subnet_terms(e_i, pool.price, alpha_emission_rao=a, root_proportion=rp)
        if terms.excess_tao > 0:
            buy = replace(pool, fee_rate_u16=0).buy_alpha(terms.excess_tao * step_blocks)
            pool = replace(buy.pool, fee_rate_u16=pool.fee_rate_u16)
            prot += buy.amount_out
        liq = amm.adjust_protocol_liquidity(pool, terms.tao_in * step_blocks, terms.alpha_in * step_blocks,
                                            tao_reservoir=tao_res, alpha_reservoir=alpha_res)
        pool, tao_res, alpha_res = liq.pool, liq.tao_reservoir, liq.alpha_reservoir
        user += a * step_blocks
        record(day, terms, a)
    return pd.DataFrame(rows)


def _gated_grid():
    from fractions import Fraction

    from dtao_lib import amm

    pools = {
        "equal 2k/500k": _pool(),
        "w2=0.3 fee 0": amm.BalancerPool(2_000 * TAO, 500_000 * TAO, quote_weight=Fraction(3, 10), fee_rate_u16=0),
        "w2=0.9, small": amm.BalancerPool(50 * TAO, 9_000 * TAO, quote_weight=Fraction(9, 10)),
        "near the weight limit": amm.BalancerPool(10 * TAO, 2_000_000 * TAO, quote_weight=Fraction(2, 100)),
        # alpha issuance just below the 10.5 M halving: α_emission halves during the run
        "at the alpha halving": amm.BalancerPool(30_000 * TAO, 10_400_000 * TAO, quote_weight=Fraction(1, 2)),
        "price near 1": amm.BalancerPool(400_000 * TAO, 401_000 * TAO),
    }
    cases = []
    for name, pool in pools.items():
        for share in (0.0, 1e-6, 0.0005, 0.01, 0.05, 0.3, 1.0):
            for user, prot in ((700_000 * TAO, 0), (0, 0), (123_456_789, 987_654_321_123)):
                cases.append((name, pool, dict(share=share, user_alpha_rao=user, protocol_alpha_rao=prot, days=12,
                                               step_blocks=7 * 7_200)))
        cases.append((name, pool, dict(share=0.02, user_alpha_rao=10**15, days=40, step_blocks=1)))
        cases.append((name, pool, dict(share=0.02, user_alpha_rao=10**15, days=6, step_blocks=3_600,
                                       tao_weight=1.0, root_tao_rao=0)))
        cases.append((name, pool, dict(share=0.5, user_alpha_rao=10**15, days=6, step_blocks=7_200,
                                       tao_weight=0.0, block_emission_rao=10**9)))
        cases.append((name, pool, dict(share=0.1, user_alpha_rao=10**14, days=6, block_emission_rao=0,
                                       root_tao_rao=1)))
    return cases


@pytest.mark.parametrize("case", _gated_grid(), ids=lambda c: f"{c[0]}-{sorted(c[2].items())}")
def test_gated_projection_equals_the_composition_of_the_public_functions(case):
    """The loop of gated_projection inlines the HEAD terms and the liquidation price (for the widget's
    50 ms budget); on a grid of pools (weights, fees, a weight at its limit so reservoirs fill, an alpha
    halving during the run), shares (none, below the cap, above it: chain buys), holdings and step sizes
    it gives exactly, to the rao and to the last bit of every float, what the composition gives."""
    import pandas as pd

    _, pool, kwargs = case
    try:
        ref = _gated_projection_reference(pool, **kwargs)
    except (ValueError, ZeroDivisionError) as exc:  # a chain buy that empties a tiny pool: both fail alike
        with pytest.raises(type(exc), match=f"^{re.escape(str(exc))}$"):
            A.gated_projection(pool, **kwargs)
        return
    pd.testing.assert_frame_equal(A.gated_projection(pool, **kwargs), ref, check_exact=True)


@pytest.mark.parametrize("netuid", [1, 64, 120])
def test_gated_projection_equals_the_reference_on_snapshot_subnets(netuid):
    """The figure's case (dtao_lib.figures.adr.gate_adr_explorer): a subnet of the 2026-04-11 snapshot,
    three years in weekly steps, at a small and a large share."""
    import pandas as pd

    from dtao_lib import data
    from dtao_lib.figures.amm import pool_from_snapshot

    snap = data.load_subnet_snapshot().set_index("netuid")
    pool = pool_from_snapshot(netuid)
    user = round((float(snap.loc[netuid, "total_alpha_alpha"]) - float(snap.loc[netuid, "alpha_in_alpha"])) * TAO)
    for share in (0.002, 0.03):
        kwargs = dict(share=share, user_alpha_rao=user, days=156, step_blocks=7 * 7_200)
        pd.testing.assert_frame_equal(A.gated_projection(pool, **kwargs),
                                      _gated_projection_reference(pool, **kwargs), check_exact=True)


def test_gated_projection_on_a_pool_its_chain_buy_empties():
    """A tiny 9:1-weighted pool at a 30 % share: the week's chain buy, applied as one fee-free swap, takes the
    last alpha (the output rounds to the whole reserve). The projection reports the chain's broken zero-alpha
    state (price 0, ADR infinite, haircut undefined) instead of failing with ZeroDivisionError."""
    from fractions import Fraction

    from dtao_lib import amm

    pool = amm.BalancerPool(50 * TAO, 9_000 * TAO, quote_weight=Fraction(9, 10))
    df = A.gated_projection(pool, share=0.3, user_alpha_rao=700_000 * TAO, days=3, step_blocks=7 * 7_200)
    drained = df[df.pool_alpha_rao == 0]
    assert len(drained) == 3
    assert drained.day.tolist() == [7.0, 14.0, 21.0]
    assert (drained.price == 0).all()
    assert np.isinf(drained.adr).all()
    assert drained.haircut.isna().all()
    assert (drained.alpha_in_rao.iloc[1:] == 0).all()  # terms from a price-0 pool: α_in = τ/p is taken as 0
    assert df.adr.iloc[0] == pytest.approx(700_000 / 9_000)
