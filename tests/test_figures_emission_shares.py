"""The numbers of the chapter "Emission shares — prices, flows and the EMA", against independent
derivations: the §3.2 share rules and the §3.3 EMA in plain floats (a per-block loop where the
library uses closed forms), the raw data files read with pandas, and the constant-product algebra."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from dtao_lib import amm, claims, coinbase, ema
from dtao_lib.data import data_dir
from dtao_lib.figures import dynamic_tao
from dtao_lib.figures import emission_shares as fig

DAY = 7_200
ALPHA = 0.000003  # SubnetMovingAlpha; the float functions use it as given (the chain stores 12 885/2^32)
H = 201_600
RAO = 10**9
SEED = "/work/shared/seed/000_9880012d4701c042.txt"


def _loop_keep(n, b0, alpha=3e-6, h=H):
    """Π (1 − a_k) by an explicit per-block product (no cumulative sums, no logs)."""
    k = 1.0
    for i in range(n):
        b = b0 + i
        k *= 1.0 - alpha * b / (b + h)
    return k


# ---------------------------------------------------------------------------------------------
# ema: keep_factor, spot_to_reach, blocks_to_reach
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "b0"), [(0, 0), (1, 0), (7_200, 0), (20_000, 5_000), (50_000, 10**7)])
def test_keep_factor_is_the_per_block_product(n, b0):
    assert ema.keep_factor(n, blocks_since_start=b0) == pytest.approx(_loop_keep(n, b0), rel=1e-12)


def test_keep_factor_vectorised_and_chunked():
    ns = np.array([0, 1, 999_999, 1_000_000, 1_000_001, 2_000_000])
    k = ema.keep_factor(ns, blocks_since_start=0)
    assert k.shape == ns.shape
    for n, v in zip(ns, k, strict=True):
        assert v == pytest.approx(ema.keep_factor(int(n), blocks_since_start=0), rel=1e-12)
    # before v2.0.8 a = α every block: (1 − α)^T
    assert ema.keep_factor(1_000, era="v2.0.5") == pytest.approx((1 - 3e-6) ** 1_000, rel=1e-12)
    # closed form against the library's own per-block EMA path
    path = ema.moving_price_path(0.02, 0.05, blocks_since_start=100, n_blocks=3_000)
    k = ema.keep_factor(3_000, blocks_since_start=100)
    assert path[-1] == pytest.approx(0.05 + (0.02 - 0.05) * k, rel=1e-12)


def test_keep_factor_bad_input():
    with pytest.raises(ValueError, match=r"n_blocks must be an integer in \[0, 100000000\]"):
        ema.keep_factor(-1, blocks_since_start=0)
    with pytest.raises(TypeError, match="n_blocks must be an integer"):
        ema.keep_factor(1.5, blocks_since_start=0)
    with pytest.raises(ValueError, match="blocks_since_start is required"):
        ema.keep_factor(10)
    with pytest.raises(ValueError, match="pre-dTAO"):
        ema.keep_factor(10, era="v1.2.5")


def test_spot_to_reach_round_trips_through_the_update_rule():
    b0, n = 365 * DAY, 3_000
    c = ema.spot_to_reach(0.02, 0.021, n, blocks_since_start=b0)
    # apply the chain's update rule block by block with that spot
    e = 0.02
    for i in range(n):
        e = ema.update_moving_price(e, c, blocks_since_start=b0 + i)
    assert e == pytest.approx(0.021, rel=1e-9)
    assert ema.spot_to_reach(0.3, 0.3, 10, blocks_since_start=5) == 0.3
    assert ema.spot_to_reach(0.5, 0.99, DAY, blocks_since_start=10**7) == math.inf  # needs spot ≫ 1
    assert ema.spot_to_reach(0.5, 0.01, DAY, blocks_since_start=10**7) == math.inf  # faster than any fall
    assert ema.spot_to_reach(0.5, 0.6, 0, blocks_since_start=0) == math.inf  # no time at all
    with pytest.raises(ValueError, match="target must be a finite number >= 0"):
        ema.spot_to_reach(0.5, -1.0, 10, blocks_since_start=0)


def test_blocks_to_reach():
    # mature subnet: half the gap in ln ½ / ln(1 − α) blocks
    assert ema.blocks_to_reach(0.02, 0.04, 0.03, blocks_since_start=10**12) == round(ema.half_life_blocks())
    # consistent with keep_factor on both sides of the answer
    t = ema.blocks_to_reach(0.02, 0.04, 0.03, blocks_since_start=0)
    assert ema.keep_factor(t, blocks_since_start=0) <= 0.5 < ema.keep_factor(t - 1, blocks_since_start=0)
    # a fall, the clamp, a target outside the path, and a limit
    assert ema.blocks_to_reach(0.04, 0.02, 0.03, blocks_since_start=10**12) == round(ema.half_life_blocks())
    assert ema.blocks_to_reach(0.5, 3.0, 1.0001, blocks_since_start=10) is None
    assert ema.blocks_to_reach(0.5, 0.6, 0.7, blocks_since_start=10) is None
    assert ema.blocks_to_reach(0.5, 0.6, 0.5, blocks_since_start=10) == 0
    assert ema.blocks_to_reach(0.02, 0.04, 0.039, blocks_since_start=0, max_blocks=1_000) is None
    with pytest.raises(ValueError, match=r"max_blocks must be an integer in \[1, 100000000\]"):
        ema.blocks_to_reach(0.02, 0.04, 0.03, blocks_since_start=0, max_blocks=0)


def test_price_for_share_inverts_the_price_rules():
    others = [0.3, 0.5, 0.2]
    for target in (0.01, 0.2, 0.5):
        p = coinbase.price_for_share(target, sum(others))
        assert coinbase.emission_shares([p, *others], era="A")[0] == pytest.approx(target, abs=1e-9)
        pb = coinbase.price_for_share(target, sum(others), miner_burned=0.4)
        shares = coinbase.emission_shares([pb, *others], miner_burned=[0.4, 0, 0, 0], era="2026-06-30")
        assert shares[0] == pytest.approx(target, abs=1e-9)
        # HEAD (the emission gate): the gated variant inverts the gated shares
        pg = coinbase.price_for_share_gated(target, others, miner_burned=0.4)
        shares = coinbase.emission_shares([pg, *others], miner_burned=[0.4, 0, 0, 0])
        assert shares[0] == pytest.approx(target, abs=1e-6)
    assert coinbase.price_for_share(0.0, 1.0) == 0.0
    with pytest.raises(ValueError, match=r"share must be a finite number in \[0.0, 1.0\)"):
        coinbase.price_for_share(1.0, 1.0)
    with pytest.raises(ValueError, match="miner_burned"):
        coinbase.price_for_share(0.1, 1.0, miner_burned=1.0)


# ---------------------------------------------------------------------------------------------
# Eras, EMA response, share rules
# ---------------------------------------------------------------------------------------------
def test_era_rules_table():
    t = fig.era_rules()
    assert list(t.index) == ["pre-dtao", "A", "B", "B'", "C", "D", "E", "F"]
    assert t.loc["A", "date"] == "2025-02-13"
    assert t.loc["E", "date"] == "2026-07-27"
    assert "gate" in t.loc["F", "share_i"]
    assert "gate" not in t.loc["D", "share_i"]
    assert t.loc["B", "date"] == "2025-11-04"
    assert t.loc["D", "E at the start (TAO)"] == 0.5
    assert t.loc["A", "E at the start (TAO)"] == 1.0


def test_ema_response_grid_against_the_loop():
    g = fig.ema_response_grid(ages_days=(0, 30), horizon_days=2, step_days=1)
    for age in (0, 30):
        row = g[(g["age_days"] == age) & (g["day"] == 1)]["followed"].item()
        assert row == pytest.approx(1 - _loop_keep(DAY, age * DAY, ALPHA), rel=1e-9)
    mature = g[(g["age_days"] == -1) & (g["day"] == 2)]["followed"].item()
    assert mature == pytest.approx(1 - (1 - ALPHA) ** (2 * DAY), rel=1e-9)
    full = fig.ema_response_grid()
    assert (full.groupby("age_days")["followed"].apply(lambda s: s.is_monotonic_increasing)).all()
    # older subnets follow faster; the mature limit is the fastest
    at30 = full[full["day"] == 30].set_index("age_days")["followed"]
    assert at30.loc[-1] > at30.loc[360] > at30.loc[30] > at30.loc[0]


def test_share_rules_against_plain_floats():
    raw = pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
    sub = raw[raw["netuid"] != 0].sort_values("netuid")
    p = sub["moving_price"].fillna(0).to_numpy()
    t = raw.loc[raw["netuid"] == 0, "tau_in"].item() * RAO
    gamma = 3_320_413_933_267_719_290 / (2**64 - 1)
    r = gamma * t / (gamma * t + sub["total_alpha"].to_numpy() * RAO)
    burn = np.where(sub["netuid"].to_numpy() == 64, 0.3, 0.0)
    s = fig.share_rules(64, 0.3)
    np.testing.assert_allclose(s["A"], p / p.sum(), atol=1e-9)
    np.testing.assert_allclose(s["D"], p * (1 - burn) / (p * (1 - burn)).sum(), atol=1e-9)
    np.testing.assert_allclose(s["C"], p * (1 - burn) * r / (p * (1 - burn) * r).sum(), atol=1e-9)
    # D with a burning subnet: everyone else scales by the same factor
    d0, d1 = fig.share_rules(64, 0.0).set_index("netuid")["D"], s.set_index("netuid")["D"]
    ratio = (d1.drop(64) / d0.drop(64)).dropna()
    assert ratio.max() - ratio.min() < 1e-7
    with pytest.raises(ValueError, match="burn must be a finite number in"):
        fig.share_rules(64, 1.5)
    with pytest.raises(ValueError, match="burn_netuid must be a subnet"):
        fig.share_rules(200, 0.5)


def test_taoflow_example_against_the_spec_rule():
    df = fig.taoflow_example(200.0)
    u = np.array(fig.TAOFLOW_USER)
    pr = np.array(fig.TAOFLOW_PROTOCOL)
    z = np.maximum(u, 0)
    np.testing.assert_allclose(df["B: TaoFlow"], z / z.sum(), atol=1e-6)  # I32F32 normalisation
    c = min(1.0, z.sum() / np.maximum(pr, 0).sum())
    n = np.where(pr > 0, u - c * pr, u - pr)
    zn = np.maximum(n, 0)
    np.testing.assert_allclose(df["B′: net TaoFlow"], zn / zn.sum(), atol=1e-6)
    sq = fig.taoflow_example(200.0, exponent=2.0)
    np.testing.assert_allclose(sq["B: TaoFlow"], z**2 / (z**2).sum(), atol=2e-2)  # the chain's tests allow 1 %
    with pytest.raises(ValueError, match="exponent"):
        fig.taoflow_example(100.0, exponent=0.0)


# ---------------------------------------------------------------------------------------------
# The pump experiment
# ---------------------------------------------------------------------------------------------
def test_pump_path_price_rule_is_the_closed_form():
    p = fig.pump_path(5_000, 20, "2026-06-30", horizon_days=40, step_days=1)  # era D: no gate
    buy, sell = p.attrs["buy"], p.attrs["sell"]
    ex = dynamic_tao.subnet_example(62)
    b0 = 365 * DAY
    # EMA at day 10 (holding) and day 30 (after the sale), by per-block loops
    e10 = ex.ema_price
    c1 = min(buy.pool.price, 1.0)
    k10 = _loop_keep(10 * DAY, b0, ALPHA)
    e10 = c1 + (ex.ema_price - c1) * k10
    assert p.loc[10, "ema"] == pytest.approx(e10, rel=1e-9)
    others = ex.sum_ema_prices - ex.ema_price
    assert p.loc[10, "share"] == pytest.approx(e10 / (e10 + others), rel=1e-9)
    assert p.loc[0, "share"] == pytest.approx(ex.price_share, rel=1e-9)
    assert p.loc[25, "spot"] == pytest.approx(sell.pool.price)
    assert p.loc[5, "spot"] == pytest.approx(buy.pool.price)
    # after the sale the EMA falls back but stays above where it started
    assert p.loc[21, "ema"] < p.loc[20, "ema"]
    assert p.loc[40, "ema"] > ex.ema_price
    # extra emission: trapezoid of (share − base)·E·7200 per day
    gain = (p["share"] - p["base_share"]) * 0.5 * DAY
    assert p["extra_tao"].iloc[-1] == pytest.approx(np.trapezoid(gain, p["day"]), rel=1e-12)


def test_pump_path_taoflow_rewards_the_buy_and_punishes_the_sale():
    p = fig.pump_path(10_000, 30, "v3.2.10", horizon_days=60, network_inflow_tao_per_day=3_600)
    a = 29_597_889_189_277 / (2**63 - 1)
    f_others = 3_600 * RAO / DAY
    base = p["base_share"].iloc[0]
    s0 = base / (1 - base) * f_others + a * 10_000 * RAO
    assert p.loc[0, "share"] == pytest.approx(s0 / (s0 + f_others), rel=1e-9)
    assert p.loc[0, "share"] > p.loc[29, "share"] > base  # decays while held
    assert p.loc[30, "share"] < base  # the sale is an outflow
    with pytest.raises(ValueError, match="network_inflow_tao_per_day"):
        fig.pump_path(10_000, 30, "v3.2.10", network_inflow_tao_per_day=0)


def test_pump_summary_against_the_pool():
    p = fig.pump_path(10_000, 30, "v3.2.3")
    s = fig.pump_summary(p)["value"]
    pool = p.attrs["pool"]
    assert isinstance(pool, amm.FullRangePool)
    buy = pool.buy_alpha(10_000 * RAO)
    assert s["alpha bought"] == buy.amount_out / RAO
    # full-range v3 pool = constant product on virtual reserves: α_out ≈ A·Δ/(T + Δ) for the net input
    t, a = pool.tao_reserve, pool.alpha_reserve
    net = buy.net_in
    assert buy.amount_out == pytest.approx(a * net / (t + net), rel=1e-9)
    assert s["fees paid (buy + sale)"] == pytest.approx(
        (buy.fee + buy.pool.sell_alpha(buy.amount_out).fee * buy.pool.price) / RAO, rel=1e-3)
    back = s["TAO back if nobody else traded"]
    worst = s["TAO back if others sold the price back first"]
    assert worst < back < 10_000
    # the round trip loses about the fees (v3 fees stay in the pool's protocol position, so a bit less)
    assert 0 < 10_000 - back <= s["fees paid (buy + sale)"] + 1e-6
    alpha_out = p.attrs["alpha_out_rao"] / RAO
    held = s["alpha bought"] / (alpha_out + s["alpha bought"])
    assert s["pumper's pro-rata part of it (upper bound)"] == pytest.approx(
        s["extra TAO emitted to the subnet (horizon)"] * held)


def test_pump_for_share_gain_reaches_exactly_one_point():
    t = fig.pump_for_share_gain(1.0, (14, 60))
    np.testing.assert_allclose(t["share gain (points)"], 1.0, rtol=1e-6)
    assert t.loc[14, "TAO to buy"] > t.loc[60, "TAO to buy"]  # shorter pumps need more TAO
    assert t.loc[14, "spot to hold"] > t.loc[60, "spot to hold"] > t.loc[60, "EMA target"]
    big = fig.pump_for_share_gain(20.0, (7,))
    assert math.isinf(big.loc[7, "spot to hold"])  # would need a spot price above the clamp
    assert math.isnan(big.loc[7, "spot / today"])
    with pytest.raises(ValueError, match="price rule"):
        fig.pump_for_share_gain(1.0, (7,), era="v3.2.10")
    with pytest.raises(ValueError, match="gain_points"):
        fig.pump_for_share_gain(0.0)


def test_pump_bad_input():
    with pytest.raises(ValueError, match="tao_in must be a finite number"):
        fig.pump_path(-1, 10)
    with pytest.raises(ValueError, match="hold_days must be an integer"):
        fig.pump_path(100, 0)
    with pytest.raises(TypeError, match="hold_days must be an integer"):
        fig.pump_path(100, 1.5)
    with pytest.raises(ValueError, match="dTAO release"):
        fig.pump_path(100, 10, "v1.2.5")


# ---------------------------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------------------------
def test_autumn_days_from_the_raw_file():
    raw = pd.read_csv(data_dir() / "emission_shares_2025" / "emission_days_2025.csv")
    d = fig.autumn_days()
    assert len(d) == len(raw) == 44
    short = RAO - np.round(raw["total_tao_per_block"] * RAO).astype(int)
    np.testing.assert_array_equal(d["shortfall (rao/block)"], short)
    quiet = d[~d["subsidy at capture"]]
    assert [str(x) for x in quiet.index] == ["2025-09-22", "2025-10-26"]
    assert (quiet["shortfall (rao/block)"] < quiet["subnets"]).all()  # below one rao per subnet
    assert (d.loc[d["subsidy at capture"], "shortfall (rao/block)"] > 10_000).all()
    assert d["chain buys (TAO/day)"].max() == pytest.approx(short.max() * DAY / RAO)


def test_snapshot_vs_autumn():
    raw = pd.read_csv(data_dir() / "emission_shares_2025" / "emission_shares_2025.csv")
    day = raw[raw["date"] == "2025-10-27"]
    both = fig.snapshot_vs_autumn("2025-10-27").set_index("netuid")
    np.testing.assert_allclose(both.loc[64, "real share 2025-10-27"],
                               day.loc[day["netuid"] == 64, "tao_per_block"].item() / day["tao_per_block"].sum())
    assert both["price share 2026-04-11"].sum() <= 1 + 1e-9
    assert float(both.drop(columns="name").corr().iloc[0, 1]) > 0.5
    with pytest.raises(ValueError, match="day must be a date"):
        fig.snapshot_vs_autumn("2024-01-01")


def test_ema_vs_spot():
    t = fig.ema_vs_spot(5)
    assert len(t) == 5
    assert 96 not in t.index  # no moving price
    np.testing.assert_allclose(t["spot / EMA − 1"], (t["spot"] / t["EMA"] - 1).round(4))
    assert t["spot / EMA − 1"].abs().is_monotonic_decreasing


# ---------------------------------------------------------------------------------------------
# Figures and the claim
# ---------------------------------------------------------------------------------------------
def _bound(fig_obj):
    spec = fig_obj.chart().to_dict()
    return {p["name"] for p in spec.get("params", []) if "bind" in p}


def test_static_faces_have_bound_controls():
    assert _bound(fig.ema_response()) == {"age"}
    assert _bound(fig.share_rules_explorer()) == {"burn"}
    assert _bound(fig.taoflow_explorer()) == {"sn3", "p"}
    assert _bound(fig.pump_explorer()) == {"rule", "k", "hold"}
    paths, bars = fig.pump_grid()
    assert len(paths) <= 6_000
    assert set(bars["item"]) == set(fig._BAR_ITEMS)
    fig.autumn_shares_chart().to_dict()
    fig.snapshot_vs_autumn_chart().to_dict()


def _parts(panel):
    controls = {c.description: c for c in panel.children[0].children}
    return controls, panel.children[1]


def test_live_faces_recompute_and_report_errors():
    controls, err = _parts(fig.pump_explorer().live())
    assert err.value == ""
    t0 = time.perf_counter()
    controls["days held"].value = 45
    assert time.perf_counter() - t0 < 2.0
    assert err.value == ""
    controls["netuid"].value = 96  # a pool of a few TAO: the purchase is rejected
    assert "cannot be bought" in err.value
    controls, err = _parts(fig.share_rules_explorer().live())
    controls["burning netuid"].value = 120
    assert err.value == ""
    controls, err = _parts(fig.ema_response().live())
    controls["age (days)"].value = 5
    assert err.value == ""
    controls, err = _parts(fig.taoflow_explorer().live())
    controls["exponent p"].value = 2.0
    assert err.value == ""


def test_claim_quotes_the_seed_and_holds():
    c = claims.get("shares-higher-value-more-emission")
    assert c.check(c.evidence())
    try:
        with open(SEED, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        pytest.skip("seed article not available")
    assert c.japanese in text


# ---------------------------------------------------------------------------------------------
# Eras E and F: the emission gate on the 2026-04-11 network (addendum §A2)
# ---------------------------------------------------------------------------------------------
def _hill(w, theta, h=3.0):
    g = np.where(w > 0, w / (1 + (theta / np.where(w > 0, w, 1)) ** h), 0.0)
    return g / g.sum()


def test_gate_snapshot_against_an_independent_hill_gate():
    raw = pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
    sub = raw[raw["netuid"] != 0].sort_values("netuid")
    p = sub["moving_price"].fillna(0).to_numpy()
    d = p / p.sum()
    theta = np.sort(d[d > 0])[::-1][31]
    want = pd.Series(_hill(d, theta), index=sub["netuid"].to_numpy())
    g = fig.gate_snapshot().set_index("netuid")
    assert g.attrs["bar"] == pytest.approx(theta, rel=1e-8)  # EMA prices on the 2^-32 grid
    np.testing.assert_allclose(g["D"].sort_index(), pd.Series(d, index=sub["netuid"].to_numpy()).sort_index(),
                               atol=1e-12)
    np.testing.assert_allclose(g["HEAD"].sort_index(), want.sort_index(), atol=1e-6)
    assert int(g["at or above bar"].sum()) == 32
    assert g["rank"].sort_values().tolist() == list(range(1, len(g) + 1))


def test_gate_summary_concentration():
    s = fig.gate_summary()
    g = fig.gate_snapshot()
    for rule in ("D", "HEAD"):
        shares = g[rule].to_numpy()
        assert s.loc["HHI", rule] == pytest.approx(float((shares**2).sum() / shares.sum() ** 2), rel=1e-12)
        assert s.loc["effective number of subnets", rule] == pytest.approx(1 / s.loc["HHI", rule])
        assert s.loc["top-32 share", rule] == pytest.approx(float(np.sort(shares)[::-1][:32].sum()), abs=1e-12)
    assert s.loc["top-32 share", "HEAD"] > s.loc["top-32 share", "D"]
    assert s.loc["bottom-half share", "HEAD"] < s.loc["bottom-half share", "D"]
    assert s.loc["HHI", "HEAD"] > s.loc["HHI", "D"]
    # a lower bar (larger N) concentrates less
    assert fig.gate_summary(64).loc["HHI", "HEAD"] < s.loc["HHI", "HEAD"]


def test_gate_snapshot_price_for_share_round_trip():
    g = fig.gate_snapshot(prices_for_share=True).set_index("netuid")
    state, ids = dynamic_tao.snapshot_block_state()
    for netuid in (64, 66, 1):  # first, just below the bar, around it
        i = int(np.flatnonzero(ids == netuid)[0])
        prices = state.ema_prices.copy()
        prices[i] *= g.loc[netuid, "price × for D share"]
        got = coinbase.emission_shares(prices)[i]
        assert got == pytest.approx(g.loc[netuid, "D"], abs=1e-6)
    assert (g["price × for D share"].dropna() > 0).all()


def test_gate_curve():
    c = fig.gate_curve(bars=(0.01,), exponents=(3,))
    at = c.iloc[(c["share"] - 0.01).abs().argmin()]
    assert at["kept"] == pytest.approx(0.5, abs=0.05)
    assert c["kept"].is_monotonic_increasing
    with pytest.raises(ValueError, match="bar"):
        fig.gate_curve(bars=(0.0,))


def test_pump_under_the_gate():
    head, june = fig.pump_path(10_000, 30, "head"), fig.pump_path(10_000, 30, "2026-06-30")
    # Ridges (8th) is above the bar: the gate amplifies the pump's share gain
    assert (head["share"] - head["base_share"]).max() > (june["share"] - june["base_share"]).max()
    i = fig.gate_snapshot().set_index("netuid")
    assert head["base_share"].iloc[0] == pytest.approx(i.loc[62, "HEAD"], abs=1e-6)
    target = fig.pump_for_share_gain(1.0, hold_days=(30,))
    state, ids = dynamic_tao.snapshot_block_state()
    prices = state.ema_prices.copy()
    prices[ids == 62] = target["EMA target"].iloc[0]
    assert coinbase.emission_shares(prices)[ids == 62][0] == pytest.approx(target.attrs["base_share"] + 0.01,
                                                                          abs=1e-6)


def test_gate_explorer_faces():
    f = fig.gate_explorer()
    spec = f.chart().to_dict()
    assert "N" in str(spec["params"])
    values = next(iter(spec["datasets"].values()))
    assert {r["N"] for r in values} == set(fig.GATE_RANKS)
    with pytest.raises(ValueError, match="rank"):
        fig.gate_snapshot(rank=0)
    with pytest.raises(ValueError, match="exponent"):
        fig.gate_summary(32, -1.0)


def test_gate_explorer_live_face_builds_the_snapshot_once(monkeypatch):
    """One change of the live face computes the gate table once and shows the same numbers as the public calls."""
    captured = {}
    monkeypatch.setattr(fig, "live_panel", lambda controls, render: captured.setdefault("render", render))
    fig.gate_explorer().live()
    calls = []
    real = fig.gate_snapshot
    monkeypatch.setattr(fig, "gate_snapshot", lambda *a, **k: calls.append(a) or real(*a, **k))
    chart, summary = captured["render"](16, 2.5)
    assert len(calls) == 1
    monkeypatch.setattr(fig, "gate_snapshot", real)
    pd.testing.assert_frame_equal(summary, fig.gate_summary(16, 2.5).round(4))
    rows = fig._gate_rows(16, 2.5)
    assert rows["share"].sum() == pytest.approx(2.0)  # D and HEAD each sum to 1 over the subnets shown
    shown = pd.DataFrame(chart.spec["datasets"]["data_0"])  # the spec writes 15 significant digits
    pd.testing.assert_frame_equal(shown, rows.reset_index(drop=True), check_dtype=False, rtol=1e-13)


# ---------------------------------------------------------------------------------------------
# Bad input the generated suite (tests/test_bad_input.py) does not fuzz: strings, frames, grids
# ---------------------------------------------------------------------------------------------
def test_frame_parameters_reject_non_frames_and_missing_columns():
    from dtao_lib.data import load_subnet_snapshot

    snap = load_subnet_snapshot()
    no_ema = snap.drop(columns=["moving_price_tao_per_alpha"])
    for call in (lambda s: fig.share_rules(snapshot=s), lambda s: fig.ema_vs_spot(snapshot=s)):
        with pytest.raises(TypeError, match="snapshot must be a pandas DataFrame"):
            call(snap.to_numpy())
        with pytest.raises(ValueError, match=r"snapshot is missing column\(s\) \['moving_price_tao_per_alpha'\]"):
            call(no_ema)
    path = fig.pump_path(1_000.0, 5, horizon_days=10)
    with pytest.raises(TypeError, match="path must be a pandas DataFrame"):
        fig.pump_summary(path.to_dict())
    with pytest.raises(ValueError, match=r"path is missing column\(s\) \['extra_tao'\]"):
        fig.pump_summary(path.drop(columns="extra_tao"))
    bare = pd.DataFrame(path)  # same columns, no attrs
    bare.attrs = {}
    with pytest.raises(ValueError, match="path must be a frame returned by pump_path"):
        fig.pump_summary(bare)


def test_string_parameters_are_checked():
    with pytest.raises(TypeError, match="day must be a string"):
        fig.snapshot_vs_autumn(20251027)
    with pytest.raises(ValueError, match="day must be a date 'YYYY-MM-DD'"):
        fig.snapshot_vs_autumn("27 octobre")
    with pytest.raises(ValueError, match="day must be a date of the autumn-2025 data"):
        fig.snapshot_vs_autumn("2026-04-11")
    with pytest.raises(ValueError, match=r"era must be a (subtensor )?release tag"):
        fig.pump_path(1_000.0, 5, "v9.9.9", horizon_days=10)
    with pytest.raises(ValueError, match="era must use a price rule"):
        fig.pump_for_share_gain(1.0, (7,), era="B")


def test_grids_and_subnets_are_bounded_and_named():
    with pytest.raises(ValueError, match="burn_netuid must be a non-root subnet"):
        fig.share_rules_explorer(burn_netuid=500)
    with pytest.raises(ValueError, match="top must be an integer in"):
        fig.share_rules_explorer(top=0)
    with pytest.raises(ValueError, match="netuid must be a non-root subnet"):
        fig.pump_explorer(500)
    with pytest.raises(ValueError, match="amounts_k × holds must have at most 400 pairs"):
        fig.pump_grid(tuple(range(1, 41)), tuple(range(1, 12)))
    with pytest.raises(ValueError, match="holds must contain whole numbers"):
        fig.pump_grid((2,), (7.5,))
    with pytest.raises(ValueError, match=r"after_days must be an integer in \[0, 3640\]"):
        fig.pump_for_share_gain(1.0, (10,), after_days=3_641)
    with pytest.raises(ValueError, match="ages_days must contain integers in"):
        fig.ema_response_grid((-1,))
    with pytest.raises(ValueError, match="bars must have at least 1"):
        fig.gate_curve(bars=())
    with pytest.raises(ValueError, match="user must have shape 5"):
        fig.taoflow_example(user=(1.0, 2.0))
    with pytest.raises(ValueError, match="sn3_user must be a finite number in"):
        fig.taoflow_example(1e308)
    with pytest.raises(TypeError, match="prices_for_share must be a bool"):
        fig.gate_snapshot(prices_for_share="False")
    # the user's flow arrays are not modified in place (SN3's flow is replaced in a copy)
    user = np.array(fig.TAOFLOW_USER)
    fig.taoflow_example(0.0, user=user)
    assert user[2] == fig.TAOFLOW_USER[2]


def test_pump_summary_needs_two_rows():
    path = fig.pump_path(1_000.0, 5, horizon_days=10)
    for n in (0, 1):  # IndexError before
        short = path.head(n)
        short.attrs = path.attrs
        with pytest.raises(ValueError, match="path must have at least 2 rows"):
            fig.pump_summary(short)
