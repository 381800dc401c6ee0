"""Numbers of the chapter "AMM pricing" (dtao_lib.figures.amm), checked against the closed forms of
spec §4 (evaluated here in floats or exact rationals), the raw snapshot CSV and the spec's fee table."""

from __future__ import annotations

import csv
import html
import json
import math
from fractions import Fraction

import pandas as pd
import pytest

from dtao_lib import amm, data
from dtao_lib.figures import amm as fig

TAO = 10**9
T, A = fig.DEMO_TAO_RAO, fig.DEMO_ALPHA_RAO
R = 33 / 65535  # swap fee rate since v3.2.2 (spec §4.2)
F = 50_000  # v2 flat fee, rao (spec §4.1)


# -- pools -------------------------------------------------------------------------------------
def test_tao_to_rao_is_exact():
    assert fig.tao_to_rao(211988.8941) == 211_988_894_100_000
    assert fig.tao_to_rao(0.0001) == 100_000
    assert fig.tao_to_rao(1e-05) == 10_000
    with pytest.raises(ValueError, match="amount must be a finite number >= 0"):
        fig.tao_to_rao(-1)
    with pytest.raises(TypeError, match="amount must be a real number"):
        fig.tao_to_rao("1")


@pytest.mark.parametrize("w2", [Fraction(1, 2), Fraction(3, 10), Fraction(4, 5)])
def test_design_pools_share_reserve_and_price(w2):
    pools = fig.design_pools(quote_weight=w2)
    assert list(pools) == list(fig.DESIGNS)
    for pool in pools.values():
        assert pool.tao_reserve == T
        assert pool.price == pytest.approx(T / A, rel=1e-12, abs=2**-32)  # v3 reports a U96F32 (truncated) price
    bal = pools["Balancer (now)"]
    assert bal.quote_weight == w2
    assert bal.alpha_reserve == round(A * (1 - w2) / w2)  # p = (w1/w2)·(y/x) = T/A
    assert pools["v3 full range, 0.3 % fee (Jul 2025)"].fee_rate_u16 == 196
    assert pools["v3 full range, 0.05 % fee (Jul 2025–Jun 2026)"].fee_rate_u16 == 33


def test_design_pools_bad_input():
    with pytest.raises(ValueError, match=r"quote_weight must be a number in \[0.01, 0.99\]"):
        fig.design_pools(quote_weight=0.995)
    with pytest.raises(ValueError, match="tao_rao must be an integer >= 1"):
        fig.design_pools(0, A)
    with pytest.raises(TypeError, match="alpha_rao must be an integer"):
        fig.design_pools(T, 1.5)


# -- one trade, four designs --------------------------------------------------------------------
def test_compare_trade_stake_matches_constant_product_algebra():
    d = 1_000 * TAO
    df = fig.compare_trade(1_000, "stake")
    cp = df.loc["constant product (Feb–Jun 2025)"]
    net = d - F
    alpha = A * net / (T + net)  # x·y = k
    assert cp["effective price"] == pytest.approx(d / alpha, rel=1e-9)
    assert cp["slippage %"] == pytest.approx(100 * ((d / alpha) / (T / A) - 1), rel=1e-7)
    # price after: the gross TAO enters the pool (the fee stays in it)
    assert cp["price impact %"] == pytest.approx(100 * ((T + d) / (A - alpha) / (T / A) - 1), rel=1e-7)
    # full range with fee r: same curve on the net input (spec §4.2: L·Δy/(s(Ls+Δy)) = A·Δy/(T+Δy))
    for label, rate in (("v3 full range, 0.3 % fee (Jul 2025)", 196 / 65535),
                        ("v3 full range, 0.05 % fee (Jul 2025–Jun 2026)", R), ("Balancer (now)", R)):
        net = d * (1 - rate)
        alpha = A * net / (T + net)
        assert df.loc[label, "effective price"] == pytest.approx(d / alpha, rel=1e-8)
        assert df.loc[label, "price impact %"] == pytest.approx(100 * ((1 + net / T) ** 2 - 1), rel=1e-6)


def test_compare_trade_unstake_and_weights():
    df = fig.compare_trade(500, "unstake", quote_weight=0.3)
    alpha = 500 * TAO / (T / A)
    gross = T * alpha / (A + alpha)
    assert df.loc["constant product (Feb–Jun 2025)", "effective price"] == pytest.approx((gross - F) / alpha, rel=1e-9)
    # Balancer, w2 = 0.3: x = A·7/3, τ_out = y·(1 − (x/(x+Δx))^(w1/w2)) on the net alpha (spec §4.3)
    x = A * 7 / 3
    net = alpha * (1 - R)
    tao = T * (1 - (x / (x + net)) ** (0.7 / 0.3))
    assert df.loc["Balancer (now)", "effective price"] == pytest.approx(tao / alpha, rel=1e-8)
    assert df.loc["Balancer (now)", "slippage %"] == pytest.approx(100 * (1 - (tao / alpha) / (T / A)), rel=1e-6)


def test_compare_trade_bad_input():
    with pytest.raises(ValueError, match=r"trade_tao must be a finite number in \[1e-09, 21000000.0\]"):
        fig.compare_trade(0)
    with pytest.raises(ValueError, match="trade_tao"):
        fig.compare_trade(22e6)  # more than the TAO supply
    for side in ("hold", "Stake", 1, None):
        with pytest.raises(ValueError, match="side must be 'stake' or 'unstake'"):
            fig.compare_trade(1, side)


def test_design_grid_follows_the_closed_forms():
    df = fig._design_grid(sizes_pct=(0.01, 1, 10, 50), weights_pct=(20, 50))
    stake = df[df["side"] == "stake"].set_index(["design", "w2_pct", "size_pct"])
    for s in (0.01, 1, 10, 50):
        d = T * s / 100
        # v2: slippage = (d/net)·(T+net)/T − 1 with net = d − 50 000 rao
        net = d - F
        assert stake.loc[("constant product (Feb–Jun 2025)", 0, s), "slippage_pct"] == pytest.approx(
            100 * ((d / net) * (T + net) / T - 1), rel=1e-5, abs=1e-6)  # the grid keeps 6 decimals
        # v3 at 0.3 %: (1 + s·(1−r)) / (1 − r) − 1
        r = 196 / 65535
        assert stake.loc[("v3 full range, 0.3 % fee (Jul 2025)", 0, s), "slippage_pct"] == pytest.approx(
            100 * ((1 + s / 100 * (1 - r)) / (1 - r) - 1), rel=1e-5, abs=1e-6)
        # Balancer w2 = 0.2: α = x·(1 − (1 + net/y)^(−w2/w1)), x = 4A
        net = d * (1 - R)
        alpha = 4 * A * (1 - (1 + net / T) ** (-0.25))
        assert stake.loc[("Balancer (now)", 20, s), "slippage_pct"] == pytest.approx(
            100 * ((d / alpha) / (T / A) - 1), rel=1e-5, abs=1e-6)
    # small trades: slippage tends to the fee (0.3 %, 0.05 %) or to nothing (flat 50 000 rao)
    assert stake.loc[("v3 full range, 0.3 % fee (Jul 2025)", 0, 0.01), "slippage_pct"] == pytest.approx(0.31, abs=0.01)
    tiny = {k[0]: v for k, v in stake.xs(0.01, level="size_pct")["slippage_pct"].items() if k[1] in (0, 50)}
    assert tiny["constant product (Feb–Jun 2025)"] < tiny["Balancer (now)"]
    assert tiny["Balancer (now)"] < tiny["v3 full range, 0.3 % fee (Jul 2025)"]


def test_design_grid_is_modest():
    df = fig._design_grid()
    assert len(df) <= 2_000
    assert set(df["w2_pct"]) == {0, *range(10, 100, 10)}


# -- price paths -------------------------------------------------------------------------------
def test_parse_trades():
    assert fig.parse_trades("+200, 100; -50, -all") == [("stake", 200.0), ("stake", 100.0), ("unstake", 50.0),
                                                         ("unstake", None)]
    for bad, msg in (("", "at least one trade"), ("+1, x", "item 2 must be"), ("0", "non-zero"),
                     (",".join(["+1"] * 201), "at most 200")):
        with pytest.raises(ValueError, match=msg):
            fig.parse_trades(bad)
    with pytest.raises(TypeError, match="text must be a string"):
        fig.parse_trades(5)
    with pytest.raises(ValueError, match="text item 1"):
        fig.parse_trades("+3e7")  # more than the TAO supply


def test_price_path_frame_checks_trade_lists():
    assert fig.price_path_frame([("stake", 20), ("unstake", None)]).equals(fig.price_path_frame("+20, -all"))
    for bad, exc, msg in ((5, TypeError, "trades must be a string"), ([], ValueError, "trades must contain 1"),
                          ([("buy", 1.0)], ValueError, r"trades\[0\] side must be 'stake' or 'unstake'"),
                          ([("stake", -1.0)], ValueError, r"trades\[0\] amount"),
                          ([("stake", None)], TypeError, r"trades\[0\] amount"),
                          (["+1"], TypeError, r"trades\[0\] must be a \(side, TAO\) pair"),
                          ("+1, x", ValueError, "trades item 2")):
        with pytest.raises(exc, match=msg):
            fig.price_path_frame(bad)


def test_price_path_constant_product_round_trip():
    df = fig.price_path_frame("+2000, -all")
    cp = df[df["design"] == "constant product (Feb–Jun 2025)"].set_index("step")
    d = 2_000 * TAO
    alpha = math.floor(A - Fraction(T * A, T + d - F))
    assert cp.loc[1, "price"] == pytest.approx((T + d) / (A - alpha), rel=1e-12)
    assert cp.loc[1, "held_alpha"] == pytest.approx(alpha / TAO, abs=1e-9)
    assert cp.loc[2, "price"] == pytest.approx(T / A, rel=1e-6)  # selling it all undoes the stake
    assert cp.loc[2, "held_alpha"] == 0
    bal = df[df["design"] == "Balancer (now)"].set_index("step")
    v3 = df[df["design"] == "v3 full range, 0.05 % fee (Jul 2025–Jun 2026)"].set_index("step")
    assert bal.loc[1, "price"] == pytest.approx(v3.loc[1, "price"], rel=1e-12, abs=2**-32)  # v3: U96F32 price


def test_price_path_steady_buying_is_monotone():
    df = fig.price_path_frame(fig.SCENARIOS["ten stakes of 200 TAO"], quote_weight=0.3)
    for _, g in df.groupby("design"):
        assert g["price"].is_monotonic_increasing
    # Balancer w2 = 0.3: after y' = y + n·net, p'/p = (y'/y)^(1/w1) (spec §4.3)
    bal = df[df["design"] == "Balancer (now)"].set_index("step")
    net = 200 * TAO * (1 - R)
    assert bal.loc[10, "price"] / bal.loc[0, "price"] == pytest.approx((1 + 10 * net / T) ** (1 / 0.7), rel=1e-6)


# -- injections --------------------------------------------------------------------------------
@pytest.mark.parametrize(("tp", "ap"), [(50, 0), (0, 50), (30, 70), (100, 100)])
def test_injection_state(tp, ap):
    st = fig.injection_state(tp, ap)
    dy, dx = T * tp / 100, A * ap / 100
    assert st["after"].price == pytest.approx(st["before"].price, rel=1e-15)  # the price does not move
    w2 = Fraction(A * (T + round(dy)), T * (A + round(dx)) + A * (T + round(dy)))  # spec §4.3, equal weights before
    assert abs(st["after"].quote_weight - w2) <= Fraction(2, 10**18)  # Perquintill grid, rounded down
    w2 = float(w2)
    assert st["cp_after"].price == pytest.approx((T + dy) / (A + dx), rel=1e-15)
    w1 = 1 - w2
    ten = st["tao_for_10pct"]
    assert ten["Balancer before"] == pytest.approx(T * (1.1**0.5 - 1) / (1 - R) / TAO, rel=1e-8)
    assert ten["Balancer after"] == pytest.approx((T + dy) * (1.1**w1 - 1) / (1 - R) / TAO, rel=1e-6)
    imp = st["impact"]
    assert (imp[imp["stake_tao"] > 0]["impact_pct"] > 0).all()


def test_injection_state_rejects_weights_out_of_range():
    with pytest.raises(ValueError, match=r"outside \[0.01, 0.99\]"):
        fig.injection_state(1_000, 0, quote_weight=0.95)
    with pytest.raises(ValueError, match=r"tao_in_pct must be a finite number in \[0.0, 1000.0\]"):
        fig.injection_state(-1, 0)


# -- fees and round trips ----------------------------------------------------------------------
def test_fee_eras_follow_the_spec():
    df = fig.fee_eras(100).set_index("release")
    col = "fee on a 100-TAO stake (TAO)"
    assert df.loc["v2.0.0", col] == F / TAO
    assert df.loc["v3.1.6", col] == pytest.approx(100 * 196 / 65535, abs=2e-9)
    for tag in ("v3.2.2", "v3.3.10", "v3.3.11", "v3.4.8"):
        assert df.loc[tag, col] == pytest.approx(100 * 33 / 65535, abs=2e-9)
    assert df.loc["v3.3.10", "pool"].startswith("Balancer")
    assert df.loc["v3.3.11", "pool"].startswith("Uniswap")  # the interlude was reverted (spec §4.3, §9)
    assert df.loc["v3.4.8", "pool"].startswith("Balancer")
    assert "pool" in df.loc["v2.0.0", "fee goes to"]
    assert "liquidity providers" in df.loc["v3.2.2", "fee goes to"]
    assert all("block author" in df.loc[t, "fee goes to"] for t in ("v3.3.10", "v3.3.11", "v3.4.8"))
    assert list(df["from"]) == ["2025-02-13", "2025-06-30", "2025-07-23", "2026-02-20", "2026-03-11", "2026-06-25"]


def test_round_trip_table():
    df = fig.round_trip_table((1, 100, 5_000)).set_index(["design", "stake (TAO)"])
    for s in (1, 100, 5_000):
        # v2 in exact rationals: buy on net d − f, the fee stays in the pool; sell, pay f out of the proceeds
        d = s * TAO
        alpha = math.floor(A - Fraction(T * A, T + d - F))
        t1, a1 = T + d, A - alpha
        back = math.floor(t1 - Fraction(t1 * a1, a1 + alpha)) - F
        assert df.loc[("constant product (Feb–Jun 2025)", s), "TAO back"] == pytest.approx(back / TAO, abs=2e-9)
        # percentage fee on both legs: a bit under 2r
        loss = df.loc[("Balancer (now)", s), "loss %"] / 100
        assert 1.6 * R < loss <= 2 * R
    assert df.loc[("Balancer (now)", 1), "loss %"] == pytest.approx(200 * R, rel=2e-3)


def test_round_trip_after_move_matches_equal_weight_algebra():
    df = fig.round_trip_after_move(1_000, (-20, 0, 20)).set_index("price move %")
    s = 1_000 * TAO
    net = s * (1 - R)
    alpha = A * net / (T + net)
    t1, a1 = T + net, A - alpha
    for m in (-20, 20):
        # the others' trade takes the price to (1 + m)·p1 on the x·y = k curve
        k = t1 * a1
        a2 = a1 / math.sqrt(1 + m / 100)
        t2 = k / a2
        sold = alpha * (1 - R)
        back = t2 * sold / (a2 + sold)
        assert df.loc[m, "TAO back"] == pytest.approx(back / TAO, rel=2e-3)
    assert df.loc[0, "TAO back"] == pytest.approx(amm.round_trip(amm.pool_for("head", T, A), s).tao_out / TAO,
                                                  abs=1e-9)
    assert df.loc[-20, "gain/loss %"] < -15 < 15 < df.loc[20, "gain/loss %"]


# -- the snapshot ------------------------------------------------------------------------------
def _raw_rows() -> list[dict[str, str]]:
    path = data.data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_pool_from_snapshot_matches_the_raw_csv():
    row = next(r for r in _raw_rows() if r["netuid"] == "64")
    y, x, p = int(Fraction(row["tau_in"]) * TAO), int(Fraction(row["alpha_in"]) * TAO), float(row["price_tao"])
    pool = fig.pool_from_snapshot(64)
    assert (pool.tao_reserve, pool.alpha_reserve) == (y, x)
    assert isinstance(pool, amm.BalancerPool)
    assert float(pool.quote_weight) == pytest.approx(y / (p * x + y), abs=1e-15)  # migration rule, spec §4.3
    assert pool.price == pytest.approx(p, rel=1e-12)
    eq = fig.pool_from_snapshot(64, weights="equal")
    assert eq.price == pytest.approx(y / x, rel=1e-15)
    day = fig.pool_from_snapshot(64, era_name="2026-04-11")
    assert isinstance(day, amm.FullRangePool)
    assert (day.fee_rate_u16, day.fee_destination) == (33, "block_author")
    assert isinstance(fig.pool_from_snapshot(64, era_name="v2.0.0"), amm.ConstantProductPool)


def test_pool_from_snapshot_bad_input():
    with pytest.raises(ValueError, match="root network"):
        fig.pool_from_snapshot(0)
    with pytest.raises(ValueError, match="netuid"):
        fig.pool_from_snapshot(4_000)
    with pytest.raises(ValueError, match="weights must be 'from_price' or 'equal'"):
        fig.pool_from_snapshot(64, weights="guess")
    with pytest.raises(ValueError, match="no subnet pools"):
        fig.pool_from_snapshot(64, era_name="v1.2.5")
    with pytest.raises(TypeError, match="netuid must be an integer"):
        fig.pool_from_snapshot("64")
    with pytest.raises(TypeError, match="netuid must be an integer"):
        fig.pool_from_snapshot(True)  # not read as netuid 1
    with pytest.raises(ValueError, match="weights must be 'from_price' or 'equal'"):
        fig.pool_from_snapshot(64, weights=1)
    with pytest.raises(ValueError, match="era must be a subtensor release tag"):
        fig.pool_from_snapshot(64, era_name="v9.9.9")


def test_snapshot_frames_and_netuid_lists_are_checked():
    snap = data.load_subnet_snapshot()
    for fn in (lambda s: fig.pool_from_snapshot(64, snapshot=s), fig.default_picker_netuids,
               lambda s: fig.snapshot_pool_table([64], snapshot=s)):
        with pytest.raises(TypeError, match="snapshot must be a pandas DataFrame"):
            fn("subnets_snapshot_2026-04-11.csv")
        with pytest.raises(ValueError, match=r"snapshot is missing column\(s\) \['tao_in_tao'\]"):
            fn(snap.drop(columns=["tao_in_tao"]))
    for bad, exc, msg in (("64", TypeError, "netuids must be a list"), ([], ValueError, "netuids must hold 1"),
                          ([64, 1.5], TypeError, r"netuids\[1\] must be an integer"),
                          ([64, -1], ValueError, r"netuids\[1\] must be an integer in \[0, 65535\]")):
        with pytest.raises(exc, match=msg):
            fig.snapshot_pool_table(bad, snapshot=snap)
        with pytest.raises(exc, match=msg):
            fig.subnet_picker(bad)
    with pytest.raises(ValueError, match=r"netuids must be dynamic subnets of the snapshot .*got \[0\]"):
        fig.subnet_picker([64, 0])  # root has no pool: refused when the figure is made, not when it is shown
    with pytest.raises(TypeError, match="rounded must be a bool"):
        fig.snapshot_pool_table([64], snapshot=snap, rounded="False")


def test_default_picker_netuids_from_the_raw_csv():
    rows = [r for r in _raw_rows() if r["is_dynamic"] == "True"]
    by_tao = sorted(rows, key=lambda r: -float(r["tau_in"]))
    gap = max(rows, key=lambda r: abs(float(r["price_tao"]) / (float(r["tau_in"]) / float(r["alpha_in"])) - 1))
    small = min((r for r in rows if float(r["tau_in"]) >= 100), key=lambda r: float(r["tau_in"]))
    expect = [int(r["netuid"]) for r in by_tao[:8]] + [int(gap["netuid"]), int(small["netuid"])]
    assert fig.default_picker_netuids() == expect
    assert expect[8] == 103  # PROVENANCE.md: the largest price/reserve-ratio gap


def test_snapshot_pool_table_ten_percent_moves():
    df = fig.snapshot_pool_table(rounded=False)
    for _, r in df.iterrows():
        y, w1 = r["TAO reserve"], 1 - r["implied w₂"]
        assert r["stake for +10 % (TAO)"] == pytest.approx(y * (1.1**w1 - 1) / (1 - R), rel=1e-6)
        x, w2 = r["alpha reserve"], r["implied w₂"]
        alpha = x * (1.1**w2 - 1) / (1 - R)
        assert r["unstake for −10 % (TAO worth)"] == pytest.approx(alpha * r["reported price"], rel=1e-6)
    assert df.loc[df["netuid"] == 103, "implied w₂"].iloc[0] > 0.53  # reported price 14 % below y/x
    shown = fig.snapshot_pool_table()
    assert list(shown.index) == list(df["netuid"])
    assert shown.loc[64, "+10 %: stake"] == round(df.iloc[0]["stake for +10 % (TAO)"], 1)


# -- the figures -------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [fig.design_comparison, fig.price_path, fig.injection_explorer, fig.subnet_picker])
def test_static_faces_are_bound_and_modest(make):
    spec = make().chart().to_dict()
    params = spec.get("params", [])
    assert params
    assert all("bind" in p for p in params)
    sizes = [len(v) for v in spec.get("datasets", {}).values()]
    assert sizes
    assert max(sizes) <= 5_000


class _Err:
    """The panel's error box, read as plain text."""

    def __init__(self, widget):
        self.widget = widget

    @property
    def value(self) -> str:
        return html.unescape(self.widget.value)


def _panel_parts(panel):
    controls = {c.description: c for c in panel.children[0].children}
    return controls, _Err(panel.children[1]), panel.children[2]


def test_live_faces_render_and_report_bad_input():
    panel = fig.design_comparison().live()
    controls, err, _ = _panel_parts(panel)
    assert err.value == ""
    controls["trade (TAO)"].value = -5
    assert "trade_tao must be a finite number in [1e-09, 21000000.0]" in err.value
    path = fig.price_path().live()
    controls, err, _ = _panel_parts(path)
    controls["trades"].value = "+10, banana"
    assert "item 2 must be" in err.value
    picker = fig.subnet_picker().live()
    controls, err, _ = _panel_parts(picker)
    assert err.value == ""
    controls["netuid"].value = 0
    assert "root network" in err.value
    controls["netuid"].value = 103
    assert err.value == ""
    inj = fig.injection_explorer().live()
    controls, err, _ = _panel_parts(inj)
    controls["w₂ before (%)"].value = 99
    controls["TAO in (%)"].value = 300
    assert "outside [0.01, 0.99]" in err.value


def test_live_render_is_fast():
    import time

    panel = fig.design_comparison().live()
    controls, err, _ = _panel_parts(panel)
    t0 = time.perf_counter()
    controls["trade (TAO)"].value = 2_500
    assert time.perf_counter() - t0 < 1.0
    assert err.value == ""
    assert isinstance(fig.compare_trade(1), pd.DataFrame)


def test_live_design_comparison_shows_one_trade_size():
    """The live panel marks only the chosen trade: one rule and one table row per design (not one
    per grid size drawn on top of each other, as when no size was selected)."""
    import re

    panel = fig.design_comparison().live()
    controls, err, slots = _panel_parts(panel)
    controls["trade (TAO)"].value = 1234.5
    assert err.value == ""
    view = slots.children[0]
    [rows] = view.datasets.values()
    # the chosen size is a parameter of the chart template (its value changes, the chart does not)
    filters = set(re.findall(r"datum\.size_pct === ([A-Za-z_][A-Za-z0-9_]*)", json.dumps(view.spec)))
    assert len(filters) == 1
    chosen = {p["value"] for p in view.spec["params"] if p["name"] in filters}
    assert len(chosen) == 1
    assert next(iter(chosen)) == pytest.approx(1234.5 * 100 / (fig.DEMO_TAO_RAO / 10**9))
    picked = [r for r in rows if r["size_pct"] in chosen]
    assert sorted(r["design"] for r in picked) == sorted(fig.DESIGNS)


def test_figure_reserves_are_checked_when_the_figure_is_made():
    """Reserves the static face cannot use are refused by the figure function itself, naming tao_rao/alpha_rao
    (they used to pass and fail later in the static face: ValueError naming tao_reserve, or ZeroDivisionError)."""
    for make in (fig.design_comparison, fig.price_path, fig.injection_explorer):
        with pytest.raises(ValueError, match="tao_rao must be an integer in"):
            make(tao_rao=2**64 - 1)
        with pytest.raises(ValueError, match="alpha_rao must be an integer in"):
            make(alpha_rao=10**18)
        with pytest.raises(ValueError, match="tao_rao / alpha_rao"):  # 10^6 TAO per alpha is the max price
            make(tao_rao=10**12, alpha_rao=1)
        with pytest.raises(ValueError, match="tao_rao / alpha_rao"):  # the v3 pool's price rounds to 0
            make(tao_rao=1, alpha_rao=40 * 10**12)
    with pytest.raises(ValueError, match="tao_rao / alpha_rao"):  # 9 × alpha at w2 = 10 % exceeds the supply
        fig.design_comparison(tao_rao=10**12, alpha_rao=9 * 10**15)


def test_small_pools_draw_their_static_faces():
    """A pool too small for a scenario's fixed amounts leaves that scenario out instead of failing (price_path);
    an unstake worth TAO at a zero price is a ValueError naming trades (it was ZeroDivisionError)."""
    fig.price_path(tao_rao=1_000 * 10**9, alpha_rao=40_000 * 10**9 - 1).chart()
    fig.price_path(tao_rao=2**31, alpha_rao=40_000 * 10**9).chart()
    fig.design_comparison(tao_rao=10**12, alpha_rao=4 * 10**13).chart()
    with pytest.raises(ValueError, match="trades: step 2 unstakes"):
        fig.price_path_frame("+500, -500, +500, -500", tao_rao=2**31, alpha_rao=40_000 * 10**9,
                             quote_weight=Fraction(9, 10))


@pytest.mark.parametrize("tiny", [5e-324, 1e-300, 1e-11, 9.9e-10])
def test_trades_smaller_than_one_rao_are_refused(tiny):
    """A positive amount that truncates to 0 rao gave NaN effective prices and slippage; one rao is accepted."""
    with pytest.raises(ValueError, match=r"trade_tao must be a finite number in \[1e-09"):
        fig.compare_trade(tiny)
    with pytest.raises(ValueError, match=r"trade_tao must be a finite number in \[1e-09"):
        fig.fee_eras(tiny)
    with pytest.raises(ValueError, match=r"sizes_tao must contain numbers in \[1e-09"):
        fig.round_trip_table([1.0, tiny])
    with pytest.raises(ValueError, match=r"stake_tao must be a finite number in \[1e-09"):
        fig.round_trip_after_move(tiny)
    one = fig.compare_trade(1e-9)  # one rao is a trade (a design may take it all as its fee: amm's NaN price)
    assert one["effective price"].notna().any()


def test_compare_trade_needs_a_positive_price():
    with pytest.raises(ValueError, match="tao_rao / alpha_rao"):  # NaN effective price and slippage before
        fig.compare_trade(1.0, tao_rao=1, alpha_rao=40 * 10**12)


def test_injection_explorer_refuses_a_pool_of_dust():
    """Its static face asks how much TAO raises the price by 10 %: a 1-rao pool cannot say (the face raised)."""
    with pytest.raises(ValueError, match="tao_rao / alpha_rao = 1 / 1 rao is a pool too small for this figure"):
        fig.injection_explorer(tao_rao=1, alpha_rao=1)
    fig.injection_explorer(tao_rao=10**6, alpha_rao=4 * 10**7).chart()
