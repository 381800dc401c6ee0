"""The numbers of the chapter "Before dTAO — the root network decides", against independent derivations
(spec §2): plain-float formulas, closed forms, symmetry, and the chain's stated constants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dtao_lib import root_era
from dtao_lib.figures import root_network as fig

KAPPA = 32_767 / 65_535
E = 10**9


def _sigmoid(t, rho=10.0, kappa=KAPPA):
    return 1.0 / (1.0 + math.exp(-rho * (t - kappa)))


def _reference(weights, stakes, rho=10.0, kappa=KAPPA):
    """Spec §2 in plain floats: rank, trust, consensus, share."""
    w = np.asarray(weights, dtype=float)
    s = np.asarray(stakes, dtype=float) / np.sum(stakes)
    wn = w / w.sum(axis=1, keepdims=True)
    rank = s @ wn
    trust = s @ (w > 0)
    cons = np.array([_sigmoid(t, rho, kappa) for t in trust])
    share = cons * rank / (cons * rank).sum()
    return rank, trust, cons, share


# ---------------------------------------------------------------------------------------------
# The example network and one epoch
# ---------------------------------------------------------------------------------------------
def test_example_network_is_what_the_prose_says():
    w, s = fig.example_network()
    assert list(w.index) == ["A", "B", "C", "D"]
    assert list(w.columns) == ["SN1", "SN2", "SN3", "SN4"]
    assert s.sum() == 100
    # SN4 is backed by D alone; SN2 by A, B and C
    assert list(w.index[w["SN4"] > 0]) == ["D"]
    assert list(w.index[w["SN2"] > 0]) == ["A", "B", "C"]


def test_epoch_table_matches_a_float_reference():
    w, s = fig.example_network()
    t = fig.epoch_table(w, s)
    rank, trust, cons, share = _reference(w, s)
    np.testing.assert_allclose(t["rank"], rank, atol=1e-15)
    np.testing.assert_allclose(t["trust"], trust, atol=1e-15)
    np.testing.assert_allclose(t["consensus"], cons, atol=1e-14)
    np.testing.assert_allclose(t["share"], share, atol=1e-14)
    # emission is the floor of share·E, within a rao of the float reference (fixed-point truncation)
    assert np.all(np.abs(t["rao per block"].to_numpy() - np.floor(share * E)) <= 1)
    assert t["rao per block"].sum() <= E
    np.testing.assert_allclose(t["TAO per day"], t["rao per block"] * 7_200 / 1e9)
    # the story: SN4 (10 % of stake behind it) gets almost nothing, SN2 (90 %) the most
    assert t.loc["SN4", "share"] < 0.01
    assert t["share"].idxmax() == "SN2"


def test_re01_in_the_chapter():
    assert root_era.root_epoch(np.eye(10), [1000] * 10, rho=30)[:3] == [99_999_999] * 3


# ---------------------------------------------------------------------------------------------
# Weight editor
# ---------------------------------------------------------------------------------------------
def test_editor_weights_default_point_is_the_example():
    w, s = fig.editor_weights(70, 40)
    np.testing.assert_array_equal(w, np.array(fig.EXAMPLE_WEIGHTS, dtype=float))
    np.testing.assert_allclose(s, fig.EXAMPLE_STAKES)


def test_editor_weights_keeps_others_proportional():
    w, s = fig.editor_weights(0, 70)
    assert list(w[0]) == [0, 100, 0, 0]
    assert s.sum() == pytest.approx(100)
    np.testing.assert_allclose(s[1:] / s[1:].sum(), np.array([3, 2, 1]) / 6)


@pytest.mark.parametrize(("kw", "name"), [({"a_on_sn1_pct": -1, "a_stake_pct": 40}, "a_on_sn1_pct"),
                                     ({"a_on_sn1_pct": 50, "a_stake_pct": 101}, "a_stake_pct")])
def test_editor_weights_bad_input(kw, name):
    with pytest.raises(ValueError, match=name):
        fig.editor_weights(**kw)
    with pytest.raises(TypeError):
        fig.editor_weights("70", 40)


def test_editor_grid_against_reference():
    g = fig.editor_grid()
    assert len(g) == 11 * 17 * 4 * 4
    assert set(g["w_pct"]) == set(range(0, 101, 10))
    assert set(g["stake_pct"]) == set(range(5, 90, 5))
    for x, a in [(0, 40), (100, 85), (30, 5)]:
        w, s = fig.editor_weights(x, a)
        rank, trust, cons, share = _reference(w, s)
        sel = g[(g.w_pct == x) & (g.stake_pct == a)]
        for name, ref in (("rank", rank), ("trust", trust), ("consensus", cons), ("share", share)):
            got = sel[sel.metric == name].set_index("subnet").loc[list(fig.SUBNETS), "value"].to_numpy()
            np.testing.assert_allclose(got, ref, atol=1e-13)
    # A stops backing SN1: its trust is C's stake alone (20 % of the 60 % others hold at A = 40 %)
    sel = g[(g.w_pct == 0) & (g.stake_pct == 40) & (g.metric == "trust") & (g.subnet == "SN1")]
    assert sel["value"].item() == pytest.approx(0.2)


def test_weight_editor_static_face_has_two_bound_sliders():
    spec = fig.weight_editor().chart().to_dict()
    params = [p for p in spec["params"] if "bind" in p]
    assert {p["name"] for p in params} == {"a_on_sn1", "a_stake"}
    assert all(p["bind"]["input"] == "range" for p in params)


def test_weight_editor_live_panel_recomputes_and_reports_errors():
    panel = fig.weight_editor().live()
    controls = {c.description: c for c in panel.children[0].children}
    err = panel.children[1]
    assert err.value == ""
    controls["A → SN1"].value = 0
    assert err.value == ""
    for v in fig.VALIDATORS:
        controls[f"stake {v}"].value = 0.0
    assert "stakes must have a positive sum" in err.value


# ---------------------------------------------------------------------------------------------
# Sigmoid, split, membership
# ---------------------------------------------------------------------------------------------
def test_sigmoid_chart_data():
    chart = fig.sigmoid_chart()
    df = chart.layer[0].data
    main = df[df["rho"].str.contains("mainnet")]
    at = dict(zip(main["trust"].round(2), main["consensus"], strict=True))
    assert at[0.5] == pytest.approx(0.5, abs=1e-3)
    # the chain's κ is ⌊32767·2^32/65535⌋/2^32, so the exact values differ from float64 by ~1e-9 relative
    assert at[0.8] == pytest.approx(_sigmoid(0.8), rel=1e-8)
    assert at[0.2] == pytest.approx(_sigmoid(0.2), rel=1e-8)


def test_split_table_is_18_41_41():
    t = fig.split_table(1.0)
    both = t[t.case == "miners and validators earn"].set_index("to")["rao"]
    owner = 10**9 * 11_796 // 65_535
    assert both["owner"] == owner == 179_995_422
    assert both["miners"] == both["validators"] == (10**9 - owner) // 2
    none = t[t.case == "no miner incentive"].set_index("to")["rao"]
    assert none["miners"] == 0
    assert none["validators"] == 10**9 - owner
    with pytest.raises(ValueError, match="pending_tao"):
        fig.split_table(-1)


def test_membership_needs_strictly_more_stake():
    d = fig.membership_demo()
    assert list(d["accepted"]) == [False, False, True]
    low = d["smallest member's stake"].iloc[0]
    stakes = np.round(root_era.stake_profile_2024() * 6_000_000).astype(int)
    assert low == stakes.min()
    assert d["replaces"].iloc[2] == f"v{int(np.argmin(stakes))}"
    with pytest.raises(ValueError, match="64"):
        fig.membership_demo([1, 2, 3])


def test_membership_demo_stakes_are_whole_numbers():
    """Stakes are integers on chain: 1000.0 is 1000, 1000.5 is refused (it used to become 1000 silently)."""
    whole = [1_000.0 + i for i in range(64)]
    d = fig.membership_demo(whole)
    assert d["smallest member's stake"].tolist() == [1_000] * 3
    assert d["newcomer's stake"].tolist() == [999, 1_000, 1_001]
    assert d.equals(fig.membership_demo([1_000 + i for i in range(64)]))
    with pytest.raises(ValueError, match=r"stakes must contain whole numbers .*1000\.5"):
        fig.membership_demo([1_000.5, *whole[1:]])
    # a zero stake would send a newcomer of -1; u64::MAX one of u64::MAX + 1
    with pytest.raises(ValueError, match=r"stakes must contain integers in \[1, \d+\], got min 0"):
        fig.membership_demo([0, *whole[1:]])
    with pytest.raises(ValueError, match=r"stakes must contain integers in \[1, \d+\], got max"):
        fig.membership_demo([2**64 - 1, *whole[1:]])
    big = [2**64 - 2 - i for i in range(64)]  # exact beyond float precision
    assert fig.membership_demo(big)["newcomer's stake"].tolist() == [2**64 - 66, 2**64 - 65, 2**64 - 64]


# ---------------------------------------------------------------------------------------------
# Cartel experiment
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_cartel_network_trust_is_the_support(t):
    w, s = fig.cartel_network(t)
    assert root_era.trust(w, s, exact=False)[0] == pytest.approx(t)


def test_cartel_network_bad_input():
    with pytest.raises(ValueError, match="others_support"):
        fig.cartel_network(1.5)
    with pytest.raises(ValueError, match="n_subnets"):
        fig.cartel_network(0.3, n_subnets=1)


def test_cartel_grid_thresholds_are_the_closed_forms():
    curves, th = fig.cartel_grid()
    up = th[th["mode"] == "push up"].set_index("t_pct")["threshold"]
    down = th[th["mode"] == "push down"].set_index("t_pct")["threshold"]
    for t_pct in range(0, 101, 5):
        t = t_pct / 100
        assert up[t_pct] == pytest.approx(max(0.0, (KAPPA - t) / (1 - t)) if t < 1 else 0.0, abs=1e-12)
        assert down[t_pct] == pytest.approx(max(0.0, 1 - KAPPA / t) if t > 0 else 0.0, abs=1e-12)
    # at 30 % support: just below the threshold trust is under κ, just above it over κ
    f_star = up[30]
    assert f_star + (1 - f_star) * 0.3 == pytest.approx(KAPPA)
    c = curves[(curves.t_pct == 30) & (curves["mode"] == "push up")]
    assert (c[c.fraction > f_star + 1e-9]["trust"] > KAPPA).all()
    assert (c[c.fraction < f_star - 1e-9]["trust"] < KAPPA).all()
    # at f = 0 the share is the base network's share of subnet 0
    w, s = fig.cartel_network(0.3)
    base = root_era.subnet_shares(w, s, exact=False)[0]
    assert c[c.fraction == 0]["share"].item() == pytest.approx(base)
    assert len(curves) == 21 * 2 * 51


def test_cartel_explorer_live_panel_handles_bad_kappa():
    panel = fig.cartel_explorer().live()
    controls = {c.description: c for c in panel.children[0].children}
    assert panel.children[1].value == ""
    controls["ρ"].value = 40.0
    controls["κ"].value = 0.95  # still fine in float64
    assert panel.children[1].value == ""


# ---------------------------------------------------------------------------------------------
# Concentration
# ---------------------------------------------------------------------------------------------
def test_stake_profile_2024_matches_the_published_aggregates():
    p = root_era.stake_profile_2024()
    assert p.size == 64
    assert p.sum() == pytest.approx(1.0)
    assert np.all(np.diff(p) <= 0)
    assert p[:5].sum() == pytest.approx(0.65)
    assert p[:10].sum() == pytest.approx(0.85)
    assert p[0] == pytest.approx(0.25)


def test_contested_vote_share_against_the_epoch():
    """The closed form equals a real root epoch with two blocs voting for disjoint subnets."""
    rng = np.random.default_rng(3)
    stakes = rng.uniform(1, 100, size=12)
    order = np.argsort(-stakes, kind="stable")
    for k in range(1, 12):
        top = np.zeros(12, dtype=bool)
        top[order[:k]] = True
        w = np.zeros((12, 5))
        w[top, :2] = rng.uniform(1, 10, size=(k, 2))     # top k spread over subnets 0, 1
        w[~top, 2:] = rng.uniform(1, 10, size=(12 - k, 3))  # everyone else over 2, 3, 4
        shares = root_era.subnet_shares(w, stakes, exact=False)
        assert root_era.contested_vote_share(stakes, k) == pytest.approx(shares[:2].sum(), abs=1e-12)
        exact = root_era.run_root_epoch(w, stakes).shares  # the chain's fixed point agrees to ~1e-10
        assert root_era.contested_vote_share(stakes, k) == pytest.approx(exact[:2].sum(), abs=1e-9)


def test_contested_vote_share_edges_and_symmetry():
    assert root_era.contested_vote_share(np.ones(64), 32) == pytest.approx(0.5, abs=1e-4)  # κ a hair under ½
    np.testing.assert_allclose(root_era.contested_vote_share([3, 1], [0, 2]), [0.0, 1.0])
    assert isinstance(root_era.contested_vote_share([3, 1], 1), float)


@pytest.mark.parametrize(("kw", "exc", "match"), [
    ({"stakes": [1, 2], "k": 3}, ValueError, "k must be in"),
    ({"stakes": [1, 2], "k": -1}, ValueError, "k must be in"),
    ({"stakes": [1, 2], "k": 1.5}, TypeError, "k must be an integer"),
    ({"stakes": [0, 0], "k": 1}, ValueError, "stakes"),
    ({"stakes": [-1, 2], "k": 1}, ValueError, "stakes"),
    ({"stakes": [1, 2], "k": 1, "rho": -1}, ValueError, "rho"),
    ({"stakes": [1, 2], "k": 1, "kappa": 1.5}, ValueError, "kappa"),
])
def test_contested_vote_share_bad_input(kw, exc, match):
    with pytest.raises(exc, match=match):
        root_era.contested_vote_share(**kw)


def test_concentration_curves_and_table():
    df = fig.concentration_curves()
    eq = df[(df.profile == "64 equal stakes") & (df.measure == "stake of the top k")]
    np.testing.assert_allclose(eq["value"], np.arange(65) / 64)
    prof = df[(df.profile == "mid-2024 (stylised)") & (df.measure == "stake of the top k")].set_index("k")["value"]
    assert prof[5] == pytest.approx(0.65)
    assert prof[10] == pytest.approx(0.85)
    t = fig.concentration_table()
    p = root_era.stake_profile_2024()
    for k in (1, 4, 10):  # the table is rounded to 4 decimals
        f = p[:k].sum()
        a, b = _sigmoid(f) * f, _sigmoid(1 - f) * (1 - f)
        assert t.loc[k, "emission won (everyone else votes against)"] == pytest.approx(a / (a + b), abs=5e-5)
        # with identical votes the top k decide exactly their stake share
        assert t.loc[k, "emission decided (all vote alike)"] == pytest.approx(f, abs=5e-5)
    assert root_era.nakamoto_coefficient(p, threshold=root_era.KAPPA) == 4  # 25 + 13.5 + 11 + 9 > 50
    assert isinstance(fig.concentration_chart().to_dict(), dict)
    assert isinstance(t, pd.DataFrame)


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: fig.weight_editor(weights=[[50, 50], [50, 50]]), ValueError, r"weights must have shape 4×4"),
    (lambda: fig.weight_editor(weights=[["70"] * 4] * 4), TypeError, "weights must be an array of real numbers"),
    (lambda: fig.weight_editor(weights=[[101, 0, 0, 0]] * 4), ValueError, r"weights must contain numbers in \[0.0"),
    (lambda: fig.weight_editor(stakes=[40, 30, 20]), ValueError, "stakes must have shape 4"),
    (lambda: fig.cartel_explorer(n_subnets=1), ValueError, r"n_subnets must be an integer in \[2, 4096\]"),
    (lambda: fig.concentration_table(ks=[1, 2.5]), TypeError, "ks must contain integers"),
    (lambda: fig.concentration_table(ks=[65]), ValueError, r"ks must contain numbers in \[0, 64\]"),
    (lambda: fig.concentration_table(ks=[]), ValueError, "ks must have at least 1"),
    (lambda: fig.editor_grid(weight_pcts=[0, 120]), ValueError, "weight_pcts"),
    (lambda: fig.cartel_grid(support_pcts=[]), ValueError, "support_pcts"),
    (lambda: fig.sigmoid_chart(rhos=[-1.0]), ValueError, "rhos"),
    (lambda: fig.concentration_curves(kappa=1.5), ValueError, "kappa"),
])
def test_figure_inputs_are_checked_when_the_figure_is_made(call, exc, match):
    """Figures check their inputs when built (not later, when a reader opens the live face)."""
    with pytest.raises(exc, match=match):
        call()


def test_epoch_table_takes_a_frame_and_names_its_columns():
    w, s = fig.example_network()
    t = fig.epoch_table(w, s)
    assert list(t.index) == list(fig.SUBNETS)
    np.testing.assert_allclose(t["share"].sum(), 1.0, atol=1e-9)
    with pytest.raises(TypeError, match="weights must contain only real numbers"):
        fig.epoch_table(w.astype(str), s)


@pytest.mark.parametrize("pending", [1e300, 1e308, 21_000_000.5])
def test_split_table_pending_is_within_the_supply(pending):
    with pytest.raises(ValueError, match=r"pending_tao must be a finite number in \[0.0, 21000000.0\]"):
        fig.split_table(pending)  # OverflowError before (round(1e308 * 1e9))
