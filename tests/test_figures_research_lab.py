"""The numbers of the chapter "Research lab", checked against independent derivations.

The studies run their reduced (default) scenarios, as the chapter does when the book is built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtao_lib import amm, coinbase, emission, sim
from dtao_lib.data import load_subnet_snapshot
from dtao_lib.figures import research_lab as fig
from dtao_lib.params import RAO_PER_TAO, TAO_WEIGHT
from dtao_lib.sim import _layout as L


@pytest.fixture(scope="module")
def chase():
    return fig.chasers_study(full=False)


@pytest.fixture(scope="module")
def pump():
    return fig.pump_study(full=False)


@pytest.fixture(scope="module")
def halving():
    return fig.halving_study(full=False)


def test_full_runs_flag(monkeypatch):
    monkeypatch.delenv(fig.FULL_RUNS_ENV, raising=False)
    assert fig.full_runs() is False
    monkeypatch.setenv(fig.FULL_RUNS_ENV, "1")
    assert fig.full_runs() is True
    with pytest.raises(TypeError, match="full must be a bool or None"):
        fig.chasers_study(full="yes")


def test_scenario_table_and_styled():
    scn = sim.Scenario(era="A", n_subnets=4, days=2, initial="synthetic")
    t = fig.scenario_table(scn)
    row = dict(zip(t["field"], t["value"], strict=True))
    assert row["era"] == "v2.0.0 (era A)"
    assert row["shares / injection / pool"] == "ema_price / tao_full_alpha_capped / constant_product"
    assert row["blocks"] == "14,400 (2 days)"
    with pytest.raises(TypeError, match=r"scenario must be a sim\.Scenario"):
        fig.scenario_table("head")
    s = fig.styled(pd.DataFrame({"x": [0.123456, 12_345.6, 3.0], "y": ["a", "b", "c"]}), percent=("x",))
    assert s.data.shape == (3, 2)
    html = s.to_html()
    assert "12.35%" in html and "1234560.00%" in html  # noqa: PT018 - one rendering
    assert fig._fmt_number(12_345.6) == "12,346"
    assert fig._fmt_number(0.0123456) == "0.01235"
    assert fig._fmt_number(7.0) == "7"
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        fig.styled([1, 2])


def test_checks_table_reports_agreement():
    t = fig.checks_table().set_index("quantity")["value"]
    assert t.iloc[0] <= 1  # τ_in, excess, split vs the exact coinbase: ±1 rao at most
    assert t.iloc[1] <= 1.0  # α_in: within one rao of TAO
    assert t.iloc[2] == 0  # the scalar reference gives the same numbers
    minted = t["TAO minted in the checked run (TAO)"]
    assert minted == pytest.approx(300 * emission.block_emission(sim.Scenario().issuance_rao) / RAO_PER_TAO)
    assert t["Σ τ_in + Σ chain-buy TAO + Σ stranded + Σ recycled (TAO)"] == minted


# ---------------------------------------------------------------------------------------------
# Study 1
# ---------------------------------------------------------------------------------------------
def test_concentration_is_the_herfindahl_index_of_the_shares(chase):
    res = chase["deep pools|B|chasers"]
    w = res.wide.dropna(subset=["share"])
    hhi = w.groupby("day")["share"].apply(lambda s: float((s**2).sum()))
    df = fig.concentration(chase)
    mine = df[(df["universe"] == "deep pools") & (df["era"] == "B") & (df["stakers"] == "noise + chasers")]
    assert np.allclose(mine.set_index("day")["hhi"].to_numpy(), hhi.to_numpy(), rtol=1e-12)
    assert np.allclose(w.groupby("day")["share"].sum(), 1.0, atol=1e-12)


def test_universes():
    deep = fig.universe("deep pools")
    assert deep.netuid.tolist() == sim.InitialState.from_snapshot(16).netuid.tolist()
    mixed = fig.universe("pools of every size")
    ranked = load_subnet_snapshot().query("netuid != 0").sort_values("tao_in_tao", ascending=False)["netuid"]
    assert mixed.netuid.tolist() == ranked.tolist()[::8][:16]
    assert mixed.tao_reserve.min() < deep.tao_reserve.min() / 10  # thin pools are in reach
    with pytest.raises(ValueError, match="name must be one of"):
        fig.universe("all")


def test_study1_findings(chase):
    """What the chapter says about emission chasers (reduced runs, as built)."""
    t = fig.concentration_summary(chase).set_index(["subnets", "era", "stakers"])["HHI"]
    deep = t.loc["deep pools"]
    for era in ("A (v2.0.0)", "HEAD (gate)"):  # deep pools, price-based shares: hardly moves
        assert 0.9 < deep[(era, "noise + chasers")] / deep[(era, "noise only")] < 1.25
    assert deep[("B (v3.2.10)", "noise + chasers")] > 2 * max(deep[("A (v2.0.0)", "noise + chasers")],
                                                             deep[("HEAD (gate)", "noise + chasers")])
    assert deep[("B (v3.2.10)", "noise only")] > deep[("A (v2.0.0)", "noise only")]  # clipping alone
    every = t.loc["pools of every size"]
    for era in ("A (v2.0.0)", "B (v3.2.10)", "HEAD (gate)"):  # thin pools in reach: every rule concentrates
        assert every[(era, "noise + chasers")] > 1.5 * every[(era, "noise only")]
    df = fig.concentration(chase)
    run = df[(df["universe"] == "pools of every size") & (df["stakers"] == "noise + chasers")]
    curves = run.pivot_table(index="day", columns="era", values="hhi")
    half = curves.index[len(curves) // 2]
    for era in ("A", "head"):  # steady build-up under price-based shares
        assert curves[era].iloc[-1] > curves.loc[half, era]
    assert curves["B"].max() > curves["B"].iloc[-1]  # TaoFlow: fast, and it can also go
    assert curves["B"].max() > max(curves["A"].max(), curves["head"].max())
    eff = fig.concentration_summary(chase)
    assert np.allclose(eff["effective subnets (1/HHI)"] * eff["HHI"], 1.0)


def test_pump_size_is_half_the_pool():
    df = load_subnet_snapshot()
    pool = float(df.loc[df["netuid"] == fig.PUMP_NETUID, "tao_in_tao"].iloc[0])
    assert fig.pump_tao() == round(pool / 2)
    # the 9th-largest pool, as the chapter says
    ranked = df[df["netuid"] != 0].sort_values("tao_in_tao", ascending=False)["netuid"].tolist()
    assert ranked.index(fig.PUMP_NETUID) == 8


def test_a_pump_is_an_ordinary_swap_of_the_pool():
    """The pump event buys through the era's pool: the same alpha as dtao_lib.amm's exact pool."""
    from dtao_lib.sim.events import EventQueue
    from dtao_lib.sim.state import build_state

    for era, make in (("A", lambda t, a, w: amm.ConstantProductPool(t, a)),
                      ("head", lambda t, a, w: amm.BalancerPool.from_price(t, a, (1 - w) / w * t / a))):
        scn = sim.Scenario(era=era, n_subnets=16, blocks=10, policy=sim.Pump(fig.PUMP_NETUID, 1_000.0))
        st = build_state(scn)
        q = EventQueue.for_scenario(scn, st)
        slot = int(np.flatnonzero(st.I[L.NETUID] == fig.PUMP_NETUID)[0])
        t, a, w = int(st.I[L.TAO, slot]), int(st.I[L.AIN, slot]), float(st.F[L.W2, slot])
        q.apply(scn.start_block, st)
        want = make(t, a, w).buy_alpha(1_000 * RAO_PER_TAO)
        assert abs(int(st.I[L.AIN, slot]) - want.pool.alpha_reserve) <= 2
        assert q.log[0]["alpha"] == pytest.approx(want.amount_out / RAO_PER_TAO, abs=2e-9)


def test_study2_findings(pump):
    s = fig.pump_summary(pump).set_index("era")
    # half the pool's TAO: a constant-product price rises by 1.5² = 2.25; a day of noise, fees and
    # emission later it is still about twice what it was
    assert (s["price × (a day later)"].between(1.9, 2.4)).all()
    for era in ("A (v2.0.0)", "HEAD (gate)"):  # price-based shares: the share lags, then rises for weeks
        assert s.loc[era, "a day after"] < 1.1 * s.loc[era, "share before"]
        assert s.loc[era, "30 days after"] > 1.3 * s.loc[era, "share before"]
        assert s.loc[era, "at the end"] > 1.4 * s.loc[era, "at the end, no pump"]
    b = s.loc["B (v3.2.10)"]  # TaoFlow: jumps the next day, then fades
    assert b["a day after"] > 2 * b["share before"]
    assert b["a day after"] > 2 * s.loc["HEAD (gate)", "a day after"]
    assert b["at the end"] < b["a day after"] / 2
    assert (s["ADR at the end"] > 1.3 * s["ADR at the end, no pump"]).all()


# ---------------------------------------------------------------------------------------------
# Study 3
# ---------------------------------------------------------------------------------------------
def test_halving_initial_state():
    init = fig.halving_initial_state(8)
    issued = (init.alpha_in + init.alpha_out) // RAO_PER_TAO
    assert issued.tolist() == [12_000_000] * 4 + [2_000_000] * 4
    assert [emission.block_emission(int(x)) for x in init.alpha_in + init.alpha_out] == [500_000_000] * 4 + [
        1_000_000_000] * 4
    assert (init.tao_reserve / init.alpha_in).sum() == pytest.approx(0.6)
    with pytest.raises(ValueError, match=r"n must be an even integer in \[2, 1024\]"):
        fig.halving_initial_state(3)


def test_halving_v331_follows_the_cap_min_alpha_emission_E(halving):
    """Spec §3.4 (v3.3.1): α_in = min(α_e, E) once capped, i.e. 2^(k−n) per block (spec §7)."""
    t = fig.halving_table(halving)
    v = t[t["era"] == "v3.3.1"].set_index("subnets")
    e_before, e_after = emission.block_emission(0), emission.block_emission(emission.halving_threshold_rao(1))
    for group, issued in (("early (12 M α issued)", 12_000_000), ("late (2 M α issued)", 2_000_000)):
        ae = emission.block_emission(issued * RAO_PER_TAO)
        for col, e in (("α_in per block before", e_before), ("α_in per block after", e_after)):
            cap = coinbase.injection_cap(ae, block_emission_rao=e, era="v3.3.1")
            assert v.loc[group, col] == pytest.approx(cap / RAO_PER_TAO, abs=1e-9)
    assert v.loc["late (2 M α issued)", "α_out/α_in after"] == pytest.approx(2.0)
    assert v.loc["early (12 M α issued)", "α_out/α_in after"] == pytest.approx(1.0)
    assert 9.0 < t.attrs["halving_day"] < 11.0


def test_halving_head_follows_the_root_proportion(halving):
    """HEAD: α_in = root_prop · α_e (spec §3.4), root_prop = γ·T_root / (γ·T_root + issuance)."""
    res = halving["head"]
    w = res.wide.dropna(subset=["alpha_in_per_block"])
    t_root = round(res.scenario.root_tao * RAO_PER_TAO)
    for _, row in w.iloc[:: max(1, len(w) // 40)].iterrows():
        issued = round((row["alpha_in"] + row["alpha_out"] + row["protocol_alpha"]) * RAO_PER_TAO)
        rp = coinbase.root_proportion(TAO_WEIGHT, t_root, issued)
        ae = emission.block_emission(issued)
        assert row["alpha_in_per_block"] == pytest.approx(rp * ae / RAO_PER_TAO, rel=1e-4)
    t = fig.halving_table(halving)
    h = t[t["era"] == "HEAD (gate)"].set_index("subnets")
    # the TAO halving does not move α_in at HEAD (only issuance growth does, slowly)
    assert np.allclose(h["α_in per block after"], h["α_in per block before"], rtol=0.02)
    assert h.loc["early (12 M α issued)", "α_out/α_in after"] > 4 * h.loc["late (2 M α issued)", "α_out/α_in after"]


# ---------------------------------------------------------------------------------------------
# Explorer
# ---------------------------------------------------------------------------------------------
def test_explorer_grid_and_static_chart():
    g = fig.explorer_grid()
    assert set(g["era"]) == set(fig.EXPLORER_ERAS)
    assert sorted(set(g["pump_k"])) == list(fig.EXPLORER_PUMPS_K)
    assert len(g) == len(fig.EXPLORER_ERAS) * len(fig.EXPLORER_PUMPS_K) * 60  # half-daily records, 30 days
    assert g["share"].between(0, 1).all()
    # a bigger pump gives a bigger share at the end, in every era
    last = g[g["day"] == g["day"].max()].pivot_table(index="era", columns="pump_k", values="share")
    assert (last.diff(axis=1).iloc[:, 1:] > 0).all().all()
    spec = fig.explorer().chart().to_dict()
    binds = {p["name"]: p.get("bind", {}) for p in spec["params"]}
    assert binds["pump"]["input"] == "range" and binds["pump"]["step"] == fig.EXPLORER_PUMPS_K[1]  # noqa: PT018
    assert binds["era"]["options"] == list(fig.EXPLORER_ERAS)
    rows = sum(len(d) for d in spec["datasets"].values())
    assert rows < 5_000  # a modest grid


def test_explorer_live_panel_builds():
    pytest.importorskip("ipywidgets")
    panel = fig.explorer().live()
    assert panel.children  # controls and the output


def test_explorer_answers_at_once_and_shows_the_simulation_when_ready():
    """The live face simulates off the main thread: the change returns a progress bar, then the chart."""
    pytest.importorskip("ipywidgets")
    import ipywidgets as w

    from dtao_lib.figures import _background

    def find(widget, kind):
        found = [widget] if isinstance(widget, kind) else []
        for child in getattr(widget, "children", ()):
            found += find(child, kind)
        return found

    shown = []
    worker = _background.Background("testing")
    box = worker(lambda progress: (progress(1, 1), shown.append(1), "result")[-1])
    assert _background.wait_idle(30)
    out = find(box, w.Output)[0]
    assert shown == [1]
    assert out.outputs[0]["data"]["text/plain"] == "'result'"
    bad = worker(lambda progress: (_ for _ in ()).throw(ValueError("days must be positive")))
    assert _background.wait_idle(30)
    assert "days must be positive" in find(bad, w.HTML)[0].value  # a message, not a traceback

    panel = fig.explorer().live()
    assert _background.wait_idle(120)
    sliders = {c.description: c for c in find(panel, w.FloatSlider) + find(panel, w.IntSlider)}
    sliders["days"].value = 6
    assert _background.wait_idle(120)


# ---------------------------------------------------------------------------------------------
# Study 4: the emission gate; the precomputed tables used without numba
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gate():
    return fig.gate_study(full=False)


def test_study4_gate_concentrates_emission(gate):
    """HEAD (the gate) vs spec 425 on the same 128 subnets and noise: more emission in the top 32, less in
    the smaller half, fewer subnets with ≥ 0.1 %, every day; the bar exists only at HEAD."""
    df = fig.gate_frame(gate)
    d, h = (df[df["era"] == e].reset_index(drop=True) for e in fig.GATE_ERAS)
    assert len(d) == len(h) == 120
    assert (h["top32"] > d["top32"]).all()
    assert (h["bottom_half"] < d["bottom_half"]).all()
    assert (h["above_0.1%"] < d["above_0.1%"]).all()
    assert (d["bar"] == 0).all()
    assert (h["bar"] > 0).all()
    assert np.allclose(df["effective"], 1 / df["hhi"])
    t = fig.gate_summary(gate)
    assert list(t["era"].unique()) == ["D (spec 425)", "HEAD (gate)"]
    fig.gate_chart(gate).to_dict()


@pytest.mark.skipif(not sim.NUMBA_AVAILABLE, reason="the shipped tables are the numba engine's output")
def test_study4_bar_is_the_32nd_share_of_the_recorded_pre_gate_shares(gate):
    res = gate["head"]
    rec = res.records
    blocks = res.network[:, L.R_BLOCK].astype(np.int64)
    for r in range(1, len(blocks)):
        if blocks[r] % 360 == 0:  # a bar update block (daily records fall on multiples of 360)
            pre = np.sort(rec[r, L.M_PRE_GATE])[::-1]
            assert res.network[r, L.R_BAR] == pre[31]


@pytest.mark.skipif(not sim.NUMBA_AVAILABLE, reason="the shipped tables are the numba engine's output")
def test_precomputed_tables_are_this_codes_output():
    """The tables the chapter reads without numba equal a fresh run of the same studies (regenerate them with
    ``python -m dtao_lib.figures.research_lab`` after changing the simulator)."""
    fresh = fig.precomputed_tables()
    for name, df in fresh.items():
        shipped = fig._precomputed(name)
        # The simulation itself is integer rao; the tables hold float statistics of it (shares, HHI), whose
        # last bits depend on summation order, hence a relative tolerance far below any printed digit.
        pd.testing.assert_frame_equal(shipped, df.reset_index(drop=True), check_dtype=False, check_exact=False,
                                      rtol=1e-12, atol=1e-15, obj=f"precomputed {name}")


def test_without_numba_the_studies_read_the_shipped_tables(monkeypatch, capsys):
    monkeypatch.setattr(sim, "NUMBA_AVAILABLE", False)
    monkeypatch.delenv("DTAO_BOOK_BUILD", raising=False)
    st = fig._study("gate", False, fig.gate_scenarios(False), "study 4")
    assert st.precomputed
    assert "numba is not installed" in capsys.readouterr().out
    assert set(fig.gate_summary(st)["era"]) == {"D (spec 425)", "HEAD (gate)"}
    for name, make in (("chasers", fig.concentration_summary), ("pump", fig.pump_summary),
                       ("halving", fig.halving_table)):
        make(fig._study(name, False, {}, name))
    assert not fig.explorer_grid.__wrapped__().empty


# ---------------------------------------------------------------------------------------------
# Bad input (issue 16): studies, frames, choices and the explorer's ranges
# ---------------------------------------------------------------------------------------------
def _table_study(name: str) -> fig.Study:
    return fig.Study(name, False, {}, {name: fig._precomputed(name)})


def test_study_functions_take_their_own_study_only():
    with pytest.raises(TypeError, match=r"study must be the result of pump_study\(\)"):
        fig.pump_frame(fig.pump_frame)
    with pytest.raises(ValueError, match=r"pump_study\(\), got the 'chasers' study"):
        fig.pump_summary(_table_study("chasers"))
    with pytest.raises(ValueError, match="gate_study"):
        fig.gate_chart(_table_study("halving"))
    assert len(fig.concentration(_table_study("chasers"))) > 0


def test_frames_and_choices_are_checked():
    with pytest.raises(ValueError, match=r"table is missing column\(s\) \['engine'"):
        fig.sweep_preview(pd.DataFrame({"name": ["a"]}))
    with pytest.raises(TypeError, match="table must be a pandas DataFrame"):
        fig.sweep_preview([{"name": "a"}])
    with pytest.raises(ValueError, match=r"df is missing column\(s\) \['z'\]"):
        fig.styled(pd.DataFrame({"x": [1.0]}), percent=("z",))
    with pytest.raises(TypeError, match="percent must be a tuple of column names"):
        fig.styled(pd.DataFrame({"x": [1.0]}), percent="x")
    with pytest.raises(ValueError, match=r"name must be one of 'deep pools', 'pools of every size'"):
        fig.universe("deep")
    with pytest.raises(TypeError, match=r"res must be a sim\.SimResult"):
        fig.totals_preview(pd.DataFrame())
    with pytest.raises(TypeError, match="full must be a bool"):
        fig.gate_scenarios(full=1)
    assert fig.chasers_study(full=np.bool_(False)) is fig.chasers_study(full=False)  # one cached study


def test_explorer_scenario_ranges():
    ok = fig.explorer_scenario("head", 20.0, days=5.0)
    assert ok.n_subnets == 8
    with pytest.raises(ValueError, match=r"n_subnets must be an integer in \[6, 128\]"):
        fig.explorer_scenario("head", 20.0, n_subnets=5)  # netuid 8 would not be simulated
    with pytest.raises(ValueError, match="days must be a finite number in"):
        fig.explorer_scenario("head", 20.0, days=0.0)
    with pytest.raises(ValueError, match="pump_k"):
        fig.explorer_scenario("head", 1e9)
    with pytest.raises(ValueError, match="era"):
        fig.explorer_scenario("v9.9.9", 20.0)
    with pytest.raises(ValueError, match="price_sum"):
        fig.halving_initial_state(4, price_sum=1.0)
    with pytest.raises(ValueError, match="fraction"):
        fig.pump_tao(-0.5)
