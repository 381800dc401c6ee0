"""The numbers of the chapter "ADR, deregistration and what a subnet is worth when it dies".

Each figure/table function of :mod:`dtao_lib.figures.adr` is checked against an independent
derivation (closed forms, spec facts, direct pandas on the snapshot), not against its own output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtao_lib import data
from dtao_lib.figures import adr as fig
from dtao_lib.interactive import Figure
from dtao_lib.params import TAO_WEIGHT

TAO = 10**9


@pytest.fixture(scope="module")
def snapshot() -> pd.DataFrame:
    return data.load_subnet_snapshot()


def _data(table):
    """The numbers behind a display table (a pandas Styler)."""
    return table.data


def _chart_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [row for rows in spec["datasets"].values() for row in rows]


# ---------------------------------------------------------------------------------------------
# Definitions on real subnets
# ---------------------------------------------------------------------------------------------
def test_adr_examples_are_lowest_median_highest_and_follow_the_definitions(snapshot):
    t = _data(fig.adr_examples())
    dyn = snapshot[snapshot["is_dynamic"] & (snapshot["alpha_out_alpha"] > 0)]
    ratio = dyn["alpha_out_alpha"] / dyn["alpha_in_alpha"]
    assert t["ADR"].iloc[0] == pytest.approx(ratio.min())
    assert t["ADR"].iloc[2] == pytest.approx(ratio.max())
    np.testing.assert_allclose(t["ADR"], t["α_out"] / t["α_in"])
    np.testing.assert_allclose(t["P_L = P/ADR"], t["spot P"] / t["ADR"])
    np.testing.assert_allclose(t["haircut"], 1 - 1 / t["ADR"])


def test_snapshot_summary_matches_direct_computation(snapshot):
    t = _data(fig.snapshot_summary()).set_index("quantity")["value"]
    dyn = snapshot[snapshot["is_dynamic"]]
    ratio = dyn["alpha_out_alpha"] / dyn["alpha_in_alpha"]
    assert t["dynamic subnets (netuid ≥ 1)"] == 128
    assert t["subnets with ADR > 1"] == int((ratio > 1).sum())
    assert t["median ADR"] == pytest.approx(float(ratio.median()))
    held = ratio[ratio > 0]
    assert t["median haircut 1 − 1/ADR"] == pytest.approx(float((1 - 1 / held).median()))
    assert t["subnets whose liquidation price is below half of spot"] == int((held > 2).sum())
    # the provenance note's figures (data/subnets_2026-04-11/PROVENANCE.md)
    assert t["subnets with ADR > 1"] == 106
    assert round(t["median ADR"], 2) == 1.64


def test_snapshot_distribution_histograms_count_every_subnet(snapshot):
    long = fig._snapshot_long(snapshot)
    hist = fig._histograms(long)
    counts = hist.groupby("quantity")["subnets"].sum()
    assert counts["adr"] == 128                       # every dynamic subnet has an ADR
    assert counts["haircut_pct"] == 127               # netuid 96 has nothing outstanding
    assert counts["log_spot"] == 128
    assert counts["log_liq"] == 127
    chart = fig.snapshot_distribution().chart()
    assert len(_chart_rows(chart)) < 5_000


# ---------------------------------------------------------------------------------------------
# Injection cap and ADR growth (spec §3.4)
# ---------------------------------------------------------------------------------------------
def test_injection_per_era_caps():
    t = _data(fig.injection_per_era(3_000_000)).set_index("era")
    assert t.loc["v3.2.12", "α_in cap per block"] == 1.0           # α_emission
    assert t.loc["v3.3.1", "α_in cap per block"] == 0.5            # min(1, E = 0.5)
    gamma_t = TAO_WEIGHT * 5_025_713.524
    rp = gamma_t / (gamma_t + 3_000_000)                             # independent float root_prop
    assert t.loc["head", "α_in cap per block"] == pytest.approx(rp, abs=1e-8)
    assert t.loc["head", "flow ADR α_out/α_in"] == pytest.approx(1 / rp, rel=1e-7)
    assert (t["flow ADR α_out/α_in"] >= 1).all()


def test_adr_growth_follows_the_closed_form():
    rows = pd.DataFrame(_chart_rows(fig.adr_growth(years=1)))
    old = rows[rows["rule"].str.startswith("v3.3.1")]
    per_block = old[old["ratio"] == "per block"]["adr"]
    assert (per_block == 2.0).all()                                  # a = 1, c = min(1, 0.5)
    stock = old[old["ratio"] == "stock"]
    t = stock["year"].to_numpy() * 365 * 7200                        # blocks
    a0 = 2_000_000
    np.testing.assert_allclose(stock["adr"], (a0 + t) / (a0 + 0.5 * t), atol=1e-4)


def test_adr_growth_bad_input():
    with pytest.raises(ValueError, match="years"):
        fig.adr_growth(years=0)
    with pytest.raises(ValueError, match="start_alpha"):
        fig.adr_growth(start_alpha=0)


# ---------------------------------------------------------------------------------------------
# A subnet's life
# ---------------------------------------------------------------------------------------------
def test_new_subnet_start_is_lock_at_the_median_price(snapshot):
    tao, alpha = fig.new_subnet_start(1_000)
    prices = snapshot.loc[snapshot["is_dynamic"], "price_tao_per_alpha"].dropna()
    assert tao == 1_000 * TAO
    assert alpha / TAO == pytest.approx(1_000 / float(np.median(prices)), rel=1e-12)
    with pytest.raises(ValueError, match="lock_tao"):
        fig.new_subnet_start(0)


def test_life_grid_no_emission_no_trading_and_the_v3_3_1_equilibrium():
    g = fig.life_grid(shares_pct=(0.0, 1.0), flows=(0,), eras=("v3.3.1",), years=4)
    _, alpha0 = fig.new_subnet_start()
    quiet = g[g["share_pct"] == 0.0]
    # nothing enters the pool; one alpha a block goes out: ADR = 7 200·days / α_in, until the subnet's own
    # first alpha halving (issuance 10.5 M α) halves what goes out
    halving_day = (10_500_000 - alpha0 / TAO) / 7200
    before = quiet[quiet["year"] * 365 < halving_day]
    np.testing.assert_allclose(before["adr"], before["year"] * 365 * 7200 / (alpha0 / TAO), rtol=2e-3)
    after = quiet[quiet["year"] * 365 > halving_day + 14]
    assert (after["adr"] < after["year"] * 365 * 7200 / (alpha0 / TAO)).all()
    # with 1 % of E = 0.5 TAO and the cap min(a, E) = 0.5 α the chain buys lift the price to τ/c
    busy = g[g["share_pct"] == 1.0]
    assert busy["price"].iloc[-1] == pytest.approx(0.01 * 0.5 / 0.5, rel=2e-3)
    assert set(g.columns) == {"share_pct", "flow", "era", "year", "adr", "price", "liquidation_price_head"}


def test_life_explorer_static_grid_is_modest():
    chart = fig.life_explorer().chart()
    rows = _chart_rows(chart)
    assert 1_000 < len(rows) < 5_000
    names = {p["name"] for p in chart.to_dict()["params"]}
    assert names == {"share", "flow", "lifeera"}


# ---------------------------------------------------------------------------------------------
# Registration: lock price, pruning, lock destination (spec §6.1–§6.3)
# ---------------------------------------------------------------------------------------------
def test_lock_quotes_are_the_spec_facts():
    v = _data(fig.lock_quotes())["value"].tolist()
    assert v == [2_000, 2_500, 8, 4, 1.5, 1.0]      # LC-12, LC-13, 57 600 and 28 800 blocks, 2 − R/I


def test_lock_timeline_every_interval_is_a_steady_sawtooth():
    # after the halving the interval is 28 800 blocks = 4 days: registering every 4 days pays L each time
    curve, events = fig.lock_timeline_frame([4, 8, 12, 16], days=20)
    paid = events["paid_tao"].to_numpy()
    per_block = (1_250 * TAO // 28_800) / TAO         # floor(L / I) in TAO
    assert paid[0] == pytest.approx(2_500 - per_block * 28_800, abs=1e-6)
    np.testing.assert_allclose(paid, 1_250, atol=1e-3)
    assert curve["price_tao"].iloc[0] == 2_500
    assert curve["price_tao"].max() <= 2_500 + 1e-6


def test_lock_timeline_before_the_halving_grows_by_half_each_time():
    _, events = fig.lock_timeline_frame([4, 8, 12], days=12, block_emission_rao=10**9)
    p = events["paid_tao"].to_numpy()
    assert p[0] == pytest.approx(2_500 - 1_250 / 2, rel=1e-6)   # half an interval of decay
    np.testing.assert_allclose(p[1:] / p[:-1], 1.5, rtol=1e-6)


def test_lock_timeline_rate_limit_and_parse():
    _, events = fig.lock_timeline_frame([4, 6, 9], days=12)
    assert events["status"].tolist() == ["registered", "registered", "refused: within 4 days of the previous one"]
    assert events.loc[events["status"] != "registered", "day"].tolist() == [6.0]
    assert fig.parse_days("4, 8 12.5") == [4.0, 8.0, 12.5]
    with pytest.raises(ValueError, match="numbers"):
        fig.parse_days("4, x")
    with pytest.raises(ValueError, match="registration day"):
        fig.parse_days("-3")
    with pytest.raises(TypeError):
        fig.parse_days(4)
    with pytest.raises(ValueError, match="days"):
        fig.lock_timeline_frame([1], days=0)


def test_pruning_example_picks_the_earliest_of_the_tied_lowest_outside_immunity():
    t = _data(fig.pruning_example()).set_index("netuid")
    assert t["pruned"].sum() == 1
    assert bool(t.loc[11, "pruned"])
    assert bool(t.loc[14, "immune"])
    assert not t.loc[[11, 12, 13], "immune"].any()


def test_pruning_candidates_are_the_lowest_ema_prices(snapshot):
    t = _data(fig.pruning_candidates(5))
    dyn = snapshot[snapshot["is_dynamic"]].dropna(subset=["moving_price_tao_per_alpha"])
    expected = dyn.sort_values("moving_price_tao_per_alpha")["netuid"].head(5).tolist()
    assert t["netuid"].tolist() == expected
    with pytest.raises(ValueError, match="n"):
        fig.pruning_candidates(0)


def test_lock_destination_by_era(snapshot):
    t = _data(fig.lock_destination(1_000))
    old, new = t.iloc[0], t.iloc[1]
    assert (old["pool TAO"], old["pool alpha"], old["recycled TAO"]) == (1, 1, 999)
    median = float(np.median(snapshot.loc[snapshot["is_dynamic"], "price_tao_per_alpha"].dropna()))
    assert new["pool TAO"] == 1_000
    assert new["recycled TAO"] == 0
    assert new["starting price"] == pytest.approx(median, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# Dissolution (spec §6.4)
# ---------------------------------------------------------------------------------------------
def test_settlement_example_largest_remainder():
    t = _data(fig.settlement_example())
    # V = 11: each staker's exact share 3000/11 = 272 r 8, the protocol's 2000/11 = 181 r 9; the floors
    # leave 3 rao: the protocol's remainder is largest, then the stakers' in order (remove_stake.rs L597)
    assert t["floor"].tolist()[:3] == [272, 272, 272]
    assert t["paid"].tolist()[:3] == [273, 273, 272]       # ties on the remainder: first stakers first
    assert t["floor"].iloc[3] == 181
    assert t["paid"].sum() == 1_000                          # everything is accounted for
    assert t["paid"].iloc[3] == 1_000 - 818                  # the protocol's share is recycled


def test_owner_refunds_follow_the_era_table():
    t = _data(fig.owner_refunds(2_000, 800))
    assert t["legacy subnet"].tolist() == [2_000, 0, 1_200, 1_200]
    assert t["subnet registered after Sept 2025"].tolist() == [2_000, 0, 1_200, 0]
    with pytest.raises(ValueError, match="lock_tao"):
        fig.owner_refunds(-1, 0)


def test_exit_grid_against_closed_forms():
    g = fig.exit_grid(adrs=(2.0, 3.0), prot_pcts=(0, 50), fracs_pct=(1.0, 50.0, 100.0))
    diss = g[g["exit"] == "dissolution"]
    expected = 1 / diss["adr"] * 100 / (100 + diss["prot_pct"])       # P/ADR, protocol alpha in V
    np.testing.assert_allclose(diss["received"], expected, rtol=1e-9)
    sale = g[g["exit"] == "pool sale"].copy()
    x = sale["adr"] * sale["frac_pct"] / 100                          # alpha sold, in units of α_in
    net = x * (1 - 33 / 65_535)
    cp = (net / (1 + net)) / x                                        # constant product, fee first
    np.testing.assert_allclose(sale["received"], cp, rtol=1e-6)
    # the crossing is at 1 − 1/ADR of the stakers' alpha (fee-free): below it the sale wins
    two = g[(g["adr"] == 2.0) & (g["prot_pct"] == 0)].pivot(index="frac_pct", columns="exit", values="received")
    assert two.loc[1.0, "pool sale"] > two.loc[1.0, "dissolution"]
    assert two.loc[100.0, "pool sale"] < two.loc[100.0, "dissolution"]


def test_exit_explorer_static_params():
    chart = fig.exit_explorer().chart()
    assert {p["name"] for p in chart.to_dict()["params"]} == {"adr", "prot"}
    assert len(_chart_rows(chart)) < 5_000


# ---------------------------------------------------------------------------------------------
# Live faces: they build, respond, and show bad input as a message
# ---------------------------------------------------------------------------------------------
def _controls(panel):
    return list(panel.children[0].children)


@pytest.mark.parametrize("make", [fig.life_explorer, fig.lock_explorer, fig.exit_explorer])
def test_live_faces_build(make):
    f = make()
    assert isinstance(f, Figure)
    panel = f.live()
    assert panel.children[1].value == ""          # no error on the defaults


def test_live_exit_explorer_reports_bad_input():
    panel = fig.exit_explorer().live()
    _controls(panel)[0].value = -5.0              # pool TAO
    assert "pool TAO" in panel.children[1].value


def test_live_lock_explorer_reports_bad_days():
    panel = fig.lock_explorer().live()
    _controls(panel)[0].value = "4, soon"
    assert "numbers" in panel.children[1].value


# ---------------------------------------------------------------------------------------------
# The gate projection (addendum §A2, §H)
# ---------------------------------------------------------------------------------------------
def test_gate_projection_shares_and_flows_against_an_independent_hill_gate():
    from dtao_lib.figures.dynamic_tao import snapshot_block_state

    df = fig.gate_projection((64, 96))
    state, ids = snapshot_block_state()
    w = state.ema_prices / state.ema_prices.sum()
    theta = np.sort(w[w > 0])[::-1][31]
    g = np.where(w > 0, w / (1 + (theta / np.where(w > 0, w, 1)) ** 3), 0.0)
    g /= g.sum()
    for (netuid, rule), grp in df.groupby(["netuid", "rule"]):
        i = int(np.flatnonzero(ids == netuid)[0])
        expected = g[i] if rule == "head" else w[i]
        assert grp["share"].iloc[0] == pytest.approx(expected, rel=1e-6)
        # below the bar under the gate nothing is capped: TAO into the pool per day = E·share·7 200
        if rule == "head":
            # (E_i, α_in and τ_in are each truncated to the rao: at most 3 rao per block)
            assert grp["tao_per_day"].iloc[-1] == pytest.approx(0.5 * expected * 7_200, abs=3 * 7_200 / 1e9)
    s = fig.gate_projection_summary(df).set_index(["rank", "rule"])
    for rank in (64, 96):
        head, june = s.loc[(rank, fig.GATE_RULES["head"])], s.loc[(rank, fig.GATE_RULES["spec425"])]
        assert head["TAO into the pool per day"] < june["TAO into the pool per day"] / 3
        last = next(c for c in s.columns if c.startswith("liquidation price after"))
        assert head[last] < june[last] < head["liquidation price at start"]
        adr_last = next(c for c in s.columns if c.startswith("ADR after"))
        assert head[adr_last] > head["ADR at start"]  # α_out keeps being minted


def test_gate_adr_explorer_static_face():
    f = fig.gate_adr_explorer((64, 96))
    assert isinstance(f, Figure)
    spec = f.chart().to_dict()
    bound = [p for p in spec.get("params", []) if "bind" in p]
    assert [p["name"] for p in bound] == ["gate_rank"]
    assert bound[0]["value"] == 64
    with pytest.raises(ValueError, match="rank"):
        fig.gate_projection((200,))


def test_gate_runs_shorter_horizon_is_a_prefix_of_a_longer_one():
    """The live gate explorer slices its longest run for fewer days; that must equal a fresh run."""
    from dtao_lib.figures.dynamic_tao import head_pipeline_frame

    frame = head_pipeline_frame()
    row = frame[frame["weight"] > 0].iloc[5]
    long = fig._gate_runs(row, 364, 7)
    for days in (7, 30, 200):
        short = long[long["day"] <= max(days // 7, 1) * 7].reset_index(drop=True)
        pd.testing.assert_frame_equal(short, fig._gate_runs(row, days, 7))


# ---------------------------------------------------------------------------------------------
# Bad input the generated suite (tests/test_bad_input.py) does not fuzz: strings and DataFrames
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [fig.adr_examples, fig.snapshot_summary, fig.snapshot_distribution,
                                  fig.new_subnet_start, fig.lock_destination, fig.pruning_candidates])
def test_snapshot_must_be_a_frame_with_the_needed_columns(make, snapshot):
    with pytest.raises(TypeError, match="snapshot must be a pandas DataFrame"):
        make(snapshot=snapshot.to_dict())
    with pytest.raises(ValueError, match=r"snapshot is missing column\(s\) \['is_dynamic'\]"):
        make(snapshot=snapshot.drop(columns=["is_dynamic"]))


def test_gate_projection_summary_rejects_frames_not_from_gate_projection():
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        fig.gate_projection_summary([1, 2])
    with pytest.raises(ValueError, match=r"df is missing column\(s\) \['adr'\]"):
        fig.gate_projection_summary(pd.DataFrame(columns=["rank", "netuid", "rule", "share", "day", "tao_per_day",
                                                          "haircut", "liquidation_price"]))
    frame = pd.DataFrame({"rank": [1], "netuid": [1], "rule": ["other"], "share": [0.1], "day": [0],
                          "tao_per_day": [1.0], "adr": [1.0], "haircut": [0.0], "liquidation_price": [1.0]})
    with pytest.raises(ValueError, match=r"df\['rule'\] must hold \['head', 'spec425'\]"):
        fig.gate_projection_summary(frame)


def test_string_choices_are_checked():
    with pytest.raises(ValueError, match="on_rate_limit must be one of 'raise', 'skip', 'ignore', got 'drop'"):
        fig.lock_timeline_frame([4.0], days=8, on_rate_limit="drop")
    with pytest.raises(ValueError, match=r"eras\[1\]: era must be a subtensor release tag"):
        fig.life_grid(eras=("head", "v9.9.9"), years=1)
    with pytest.raises(TypeError, match="eras must be a non-empty sequence of era names"):
        fig.life_grid(eras="head", years=1)
    with pytest.raises(TypeError, match=r"text .* must be a string"):
        fig.parse_days(["4"])


def test_grids_reject_values_outside_the_documented_ranges():
    with pytest.raises(ValueError, match="adrs must contain numbers in"):
        fig.exit_grid(adrs=(0.0,))
    with pytest.raises(ValueError, match="fracs_pct must have at least 1"):
        fig.exit_grid(fracs_pct=())
    with pytest.raises(ValueError, match=r"ranks\[0\] must be an integer in \[1, 128\]"):
        fig.gate_projection((0,))
    with pytest.raises(ValueError, match="sample_blocks must be >= 27 for days=3650"):
        fig.lock_timeline_frame([], days=3_650, sample_blocks=1)


def test_exit_grid_numpy_arrays_of_small_dtypes_equal_lists():
    """An int8 or float16 array is read as the numbers it holds (the grid's arithmetic overflowed in int8, and
    float16 reached infinity: OverflowError)."""
    ref = fig.exit_grid([1.0, 2.0], [0, 25], [5.0, 50.0])
    for adrs, prots, fracs in ((np.array([1, 2], dtype=np.int8), [0, 25], [5.0, 50.0]),
                               ([1.0, 2.0], np.array([0, 25], dtype=np.int8), np.array([5, 50], dtype=np.int8)),
                               (np.array([1.0, 2.0], dtype=np.float16), [0, 25], np.array([5, 50], np.float16))):
        pd.testing.assert_frame_equal(fig.exit_grid(adrs, prots, fracs), ref, check_dtype=False)


def test_exit_grid_share_worth_nothing_is_refused():
    """A share whose alpha is worth 0 rao at spot has no 'received / spot value' (was ZeroDivisionError)."""
    with pytest.raises(ValueError, match="fracs_pct: the staker's alpha"):
        fig.exit_grid([1.0], [0], [5e-324, 50.0])


def test_adr_examples_needs_a_dynamic_subnet():
    snap = data.load_subnet_snapshot()
    for bad in (snap.iloc[:0], snap[snap["netuid"] == 0]):  # IndexError before
        with pytest.raises(ValueError, match="snapshot has no dynamic subnet"):
            fig.adr_examples(bad)


def test_gate_projection_summary_checks_its_numbers():
    d = fig.gate_projection(ranks=[16], days=14, step_days=7)
    fig.gate_projection_summary(d)
    for col, bad in (("rank", np.inf), ("netuid", np.nan), ("day", -1.0), ("share", 2.0), ("tao_per_day", np.inf)):
        w = d.copy()
        w[col] = w[col].astype(float)
        w.iloc[0, w.columns.get_loc(col)] = bad
        with pytest.raises(ValueError, match=rf"df\['{col}'\] must"):  # OverflowError for an infinite rank
            fig.gate_projection_summary(w)
