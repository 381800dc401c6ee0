"""The numbers of the chapter "Yuma consensus inside a subnet", against independent derivations:
the definitions of spec §5.2–§5.5 written out in float64, the public vectors YC-03/04/07, and the
stated κ threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dtao_lib import yuma
from dtao_lib.data import load_vectors
from dtao_lib.figures import yuma as fig

KAPPA = 32_767 / 65_535
E = 10**9
VECTORS = {v["id"]: v for v in load_vectors()["vectors"]}


# ---------------------------------------------------------------------------------------------
# Independent float64 references (spec §5.2–§5.5)
# ---------------------------------------------------------------------------------------------
def _kappa_median(stake, col, kappa=KAPPA):
    """max{c : Σ_{i: w_i ≥ c} S_i ≥ κ} by brute force over the candidate values (0 if none)."""
    s = np.asarray(stake, dtype=float) / np.sum(stake)
    best = 0.0
    for c in sorted(set(col)):
        if s[np.asarray(col) >= c].sum() >= kappa:
            best = max(best, c)
    return best


def _reference_epoch(weights_pct, stakes, yuma3=True):
    """One epoch from no bonds, β = 1: consensus, clipped weights, incentive, dividends (float64)."""
    w = np.asarray(weights_pct, dtype=float)
    w = w / w.sum(axis=1, keepdims=True)
    s = np.asarray(stakes, dtype=float) / np.sum(stakes)
    c = np.array([_kappa_median(s, w[:, j]) for j in range(w.shape[1])])
    wc = np.minimum(w, c[None, :])
    rank = s @ wc
    inc = rank / rank.sum()
    if yuma3:
        colsum = wc.sum(axis=0)
        bhat = np.divide(wc, colsum, out=np.zeros_like(wc), where=colsum > 0)
        d = s * (bhat @ inc)
    else:
        sb = wc * s[:, None]
        colsum = sb.sum(axis=0)
        d = np.divide(sb, colsum, out=np.zeros_like(sb), where=colsum > 0) @ inc
    return c, wc, inc, d / d.sum() if d.sum() > 0 else d


# ---------------------------------------------------------------------------------------------
# The example subnet and one epoch
# ---------------------------------------------------------------------------------------------
def test_example_is_what_the_prose_says():
    t = fig.example_weights()
    assert list(t.columns) == ["M0", "M1", "M2", "M3", "stake"]
    assert t["stake"].sum() == 100
    assert (t.loc["V0", list(fig.MINERS)] == t.loc["V2", list(fig.MINERS)]).all()  # V0 and V2 agree
    assert t.loc["V1", "M0"] == t.loc["V0", "M1"]  # V1 swaps M0 and M1
    assert t.loc["V1", "M1"] == t.loc["V0", "M0"]


@pytest.mark.parametrize("yuma3", [True, False])
def test_subnet_epoch_matches_the_definitions(yuma3):
    w, s = fig.EXAMPLE_WEIGHTS, fig.EXAMPLE_STAKES
    res = fig.subnet_epoch(w, s, yuma.YumaParams(yuma3=yuma3))
    c, wc, inc, d = _reference_epoch(w, s, yuma3)
    np.testing.assert_allclose(res.consensus[3:], c, atol=1e-4)  # u16 submission, I32F32 arithmetic
    np.testing.assert_allclose(res.clipped_weights[:3, 3:], wc, atol=1e-4)
    np.testing.assert_allclose(res.incentive[3:], inc, atol=1e-4)
    np.testing.assert_allclose(res.dividends[:3], d, atol=1e-4)
    # spec §5.5: halves of E, floored per UID
    assert abs(res.server_emission.sum() - E // 2) <= 4
    assert abs(res.validator_emission.sum() - E // 2) <= 4
    assert np.all(res.server_emission[:3] == 0)
    assert np.all(res.validator_emission[3:] == 0)


def test_example_story_numbers():
    """The prose: C = (0.4, 0.3, 0.2, 0.1); V1's 0.4 on M1 is clipped to 0.3; V1's trust is 0.9."""
    stake = np.array([0.45, 0.35, 0.20])
    weights = np.array(fig.EXAMPLE_WEIGHTS) / 100
    np.testing.assert_allclose(yuma.consensus(stake, weights), [0.4, 0.3, 0.2, 0.1], atol=1e-9)
    res = fig.subnet_epoch(fig.EXAMPLE_WEIGHTS, fig.EXAMPLE_STAKES)
    assert res.clipped_weights[1, 4] == pytest.approx(0.3, abs=1e-4)
    assert res.validator_trust[1] == pytest.approx(0.9, abs=1e-4)
    assert res.validator_trust[0] == pytest.approx(1.0, abs=1e-4)
    # V1 is paid less than its stake share of the validators' half
    assert res.validator_emission[1] / res.validator_emission.sum() < 0.35


def test_payout_table():
    res = fig.subnet_epoch(fig.EXAMPLE_WEIGHTS, fig.EXAMPLE_STAKES)
    t = fig.payout_table(res)
    assert list(t.index) == ["V0", "V1", "V2", "M0", "M1", "M2", "M3"]
    assert list(t["role"]) == ["validator"] * 3 + ["miner"] * 4
    assert list(t.columns) == ["role", "S", "VT", "C", "I", "D", "rao paid"]
    assert t["rao paid"].sum() == res.server_emission.sum() + res.validator_emission.sum()
    assert t.loc["M0", "rao paid"] == res.server_emission[3]
    assert t.loc["V0", "rao paid"] == res.validator_emission[0]
    np.testing.assert_allclose(t["I"].sum(), 1.0, atol=1e-3)


@pytest.mark.parametrize(("args", "name"), [
    (([[101, 0]], [1]), "weights_pct"),
    (([[-1, 0]], [1]), "weights_pct"),
    (([[50, 50]], [1, 2]), "stakes"),
    (([[50, 50]], [-1]), "stakes"),
])
def test_subnet_epoch_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        fig.subnet_epoch(*args)


# ---------------------------------------------------------------------------------------------
# Weights editor
# ---------------------------------------------------------------------------------------------
def test_editor_inputs():
    w, s = fig.editor_inputs(10, 20)
    np.testing.assert_allclose(w, fig.EXAMPLE_WEIGHTS)
    np.testing.assert_allclose(s, fig.EXAMPLE_STAKES)
    w, s = fig.editor_inputs(100, 60)
    assert list(w[2]) == [0, 0, 0, 100]
    assert s.sum() == pytest.approx(100)
    assert s[0] / s[1] == pytest.approx(45 / 35)
    with pytest.raises(ValueError, match="v2_on_m3_pct"):
        fig.editor_inputs(120, 20)
    with pytest.raises(ValueError, match="v2_stake_pct"):
        fig.editor_inputs(10, -5)


def test_editor_grid_against_reference():
    g = fig.editor_grid()
    assert len(g) == 11 * 9 * (12 + 4 + 4 + 3)
    for x, a in [(10, 20), (100, 20), (100, 60), (50, 40)]:
        w, s = fig.editor_inputs(x, a)
        c, _, inc, d = _reference_epoch(w, s)
        sel = g[(g.w_pct == x) & (g.stake_pct == a)]
        got_c = sel[sel.kind == "consensus"]["value"].to_numpy()
        np.testing.assert_allclose(got_c, c, atol=1e-4)
        got_m = sel[sel.kind == "miner"]["value"].to_numpy()
        np.testing.assert_allclose(got_m, inc / 2, atol=1e-4)  # miners get half of E, by incentive
        got_v = sel[sel.kind == "validator"]["value"].to_numpy()
        np.testing.assert_allclose(got_v, d / 2, atol=1e-4)
    # V2 with all weight on M3 and 60 % of stake (> κ): its weights become the consensus
    sel = g[(g.w_pct == 100) & (g.stake_pct == 60) & (g.kind == "consensus")]
    np.testing.assert_allclose(sel["value"], [0, 0, 0, 1], atol=1e-4)


def test_weights_editor_static_and_live():
    spec = fig.weights_editor().chart().to_dict()
    bound = {p["name"] for p in spec["params"] if "bind" in p}
    assert bound == {"v2_on_m3", "v2_stake"}
    panel = fig.weights_editor().live()
    controls = {c.description: c for c in panel.children[0].children}
    controls["V2 → M3"].value = 100
    controls["bonds"].value = "classic (YC2)"
    assert panel.children[1].value == ""


# ---------------------------------------------------------------------------------------------
# A lone validator
# ---------------------------------------------------------------------------------------------
def test_lone_validator_curves_flip_at_kappa():
    df = fig.lone_validator_curves()
    boost = df[df["mode"] == "boost"].set_index("stake_pct")
    sink = df[df["mode"] == "sink"].set_index("stake_pct")
    below = boost.index[boost.index / 100 < KAPPA]
    above = boost.index[boost.index / 100 > KAPPA]
    # boost: nothing below κ, for the miner and for the validator; everything above it
    assert (boost.loc[below, "target_incentive"] == 0).all()
    assert (boost.loc[below, "dividends_per_stake"] == 0).all()
    assert (boost.loc[above, "target_incentive"] > 0).all()
    # strictly more than half: the honest validators' weights on M0–M2 are clipped to nothing
    assert (boost.loc[boost.index > 50, "target_incentive"] > 0.99).all()
    # sink: the target loses, and the lone validator is paid less than its stake while below κ
    assert (sink.loc[below, "target_incentive"] < sink.loc[below, "honest_incentive"]).all()
    assert (sink.loc[below, "dividends_per_stake"] < 1).all()
    # the honest reference against the float64 definitions
    for pct in (10, 30):
        s = np.concatenate([np.array([45.0, 35.0]) / 80 * (100 - pct), [pct]])
        _, _, inc, _ = _reference_epoch([[40, 30, 30, 0], [30, 40, 30, 0], [40, 30, 30, 0]], s)
        assert sink.loc[pct, "honest_incentive"] == pytest.approx(inc[0], abs=1e-4)
    assert isinstance(fig.lone_validator_chart().to_dict(), dict)


# ---------------------------------------------------------------------------------------------
# Replays of YC-03 / YC-04 / YC-07
# ---------------------------------------------------------------------------------------------
def test_scenario_reads_the_vector():
    stakes, mats, p = fig.scenario("YC-03")
    assert stakes == [8, 1, 1, 0, 0]
    assert len(mats) == 6
    assert p.liquid_alpha
    assert p.yuma3
    assert p.bonds_penalty == 0.0
    assert p.bonds_moving_average == 975_000
    # epoch 1: the big validator (V0) moves to UID 4, the others stay on UID 3
    assert mats[1][0, 4] == 65_535
    assert mats[1][0, 3] == 0
    assert mats[1][1, 3] == 65_535
    assert mats[1][2, 3] == 65_535
    # extended epochs repeat the "3+" pattern
    _, long, _ = fig.scenario("YC-03", 10)
    assert all((m == long[3]).all() for m in long[3:])
    _, m7, p7 = fig.scenario("YC-07", 8)
    assert not p7.liquid_alpha
    assert m7[2][2, 4] == 65_535
    assert m7[3][2, 3] == 65_535


@pytest.mark.parametrize("vid", ["YC-03", "YC-04", "YC-07"])
def test_replay_yuma3_reproduces_the_vectors(vid):
    d = fig.replay(vid, epochs=6)
    y3 = d[d.mechanism == "Yuma 3"].pivot(index="epoch", columns="validator", values="dividends").to_numpy()
    expected = np.array(VECTORS[vid]["expected"]["dividends_by_epoch"])[:, :3]
    assert np.abs(y3 - expected).max() <= 1e-4
    chk = fig.vector_check(vid)
    assert chk["max |difference|"].max() <= 1e-4


def _yc2_reference(stakes, mats, a):
    """Classic Yuma in float64 (spec §5.3) with bonds penalty 0: bonds follow the raw weights."""
    s = np.asarray(stakes[:3], dtype=float) / np.sum(stakes)
    b = np.zeros((3, 2))
    out = []
    for m in mats:
        w = m[:3, 3:5].astype(float)
        w = w / w.sum(axis=1, keepdims=True)
        c = np.array([_kappa_median(s, w[:, j]) for j in range(2)])
        wc = np.minimum(w, c)
        inc = s @ wc
        inc = inc / inc.sum()
        delta = w * s[:, None]
        delta = delta / np.where(delta.sum(axis=0) > 0, delta.sum(axis=0), 1)
        b = a * delta + (1 - a) * b
        b = b / np.where(b.sum(axis=0) > 0, b.sum(axis=0), 1)
        d = b @ inc
        out.append(d / d.sum())
    return np.array(out)


@pytest.mark.parametrize("vid", ["YC-03", "YC-04", "YC-07"])
def test_replay_classic_matches_a_float_reference(vid):
    stakes, mats, p = fig.scenario(vid, 12)
    d = fig.replay(vid, epochs=12)
    yc2 = d[d.mechanism == "classic Yuma (YC2)"].pivot(index="epoch", columns="validator", values="dividends")
    ref = _yc2_reference(stakes, mats, 1 - p.bonds_moving_average / 1e6)
    assert np.abs(yc2.to_numpy() - ref).max() <= 2e-3  # u16 bond storage


def test_early_mover_table_supports_the_prose():
    t = fig.early_mover_table("YC-04")
    v1 = t.loc["V1"]
    assert v1["stake"] == pytest.approx(0.1)
    # both rules pay the early mover more than its stake; classic Yuma far more
    assert v1["Yuma 3: epoch 2"] > 1
    assert v1["classic Yuma (YC2): epoch 2"] > v1["Yuma 3: epoch 2"]
    assert v1["classic Yuma (YC2): mean of 12 epochs"] > v1["Yuma 3: mean of 12 epochs"] > 1
    # and YC2 starves the late-moving majority
    assert t.loc["V0", "classic Yuma (YC2): epoch 2"] < 0.1


def test_replay_overrides_and_bad_input():
    base = fig.replay("YC-04", 8)
    slow = fig.replay("YC-04", 8, bonds_moving_average=990_000, liquid_alpha=False, bonds_penalty=1.0)
    assert not base.equals(slow)
    with pytest.raises(ValueError, match="vector_id"):
        fig.replay("YC-99")
    with pytest.raises(ValueError, match="bonds_penalty"):
        fig.replay("YC-04", bonds_penalty=2.0)
    with pytest.raises(ValueError, match="epochs"):
        fig.scenario("YC-04", 0)
    with pytest.raises(ValueError, match="bonds_moving_average"):
        fig.replay("YC-04", bonds_moving_average=2_000_000)


@pytest.mark.parametrize("bad", ["YC-99", "yc-04", "", ["YC-04"], None, 4])
@pytest.mark.parametrize("fn", [fig.replay, fig.scenario, fig.vector_check, fig.early_mover_table])
def test_unknown_vector_ids_list_the_scenarios(fn, bad):
    with pytest.raises(ValueError, match=r"vector_id must be one of \['YC-03', 'YC-04', 'YC-07'\]"):
        fn(bad)


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: fig.early_mover_table("YC-04", 2), ValueError, r"epochs must be an integer in \[3, 1000\]"),
    (lambda: fig.replay_explorer(0), ValueError, "epochs"),
    (lambda: fig.weights_editor({"kappa": 0.5}), TypeError, "params must be a dtao_lib.yuma.YumaParams"),
    (lambda: fig.lone_validator_chart(params="yuma3"), TypeError, "params must be"),
    (lambda: fig.editor_grid([0, 50], [], yuma.YumaParams()), ValueError, "stake_pcts must have at least 1"),
    (lambda: fig.lone_validator_curves([50, 101]), ValueError, "stake_pcts"),
    (lambda: fig.payout_table(fig.example_weights()), TypeError, "res must be a dtao_lib.yuma.EpochResult"),
    (lambda: fig.epoch_frame(fig.subnet_epoch([[50, 50]], [1]), 4), ValueError, r"n_validators .* \[1, 3\]"),
])
def test_figure_inputs_are_checked_when_the_figure_is_made(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_replay_explorer_static_and_live():
    spec = fig.replay_explorer().chart().to_dict()
    bound = [p for p in spec["params"] if "bind" in p]
    assert bound[0]["name"] == "scenario"
    assert bound[0]["bind"]["input"] == "select"
    assert set(bound[0]["bind"]["options"]) == set(fig.REPLAY_SCENARIOS)
    panel = fig.replay_explorer().live()
    controls = {c.description: c for c in panel.children[0].children}
    controls["scenario"].value = "YC-07"
    controls["liquid α"].value = True
    assert panel.children[1].value == ""
    assert isinstance(fig.replay("YC-07", 6), pd.DataFrame)


def test_live_chart_template_equals_a_fresh_chart():
    """The live panels' template swaps data into a spec built once; it must equal a fresh build."""
    import altair as alt

    from dtao_lib.figures._live import LiveChart

    res = fig.subnet_epoch(fig.EXAMPLE_WEIGHTS, fig.EXAMPLE_STAKES)
    first, second = fig.epoch_frame(res), fig.epoch_frame(fig.subnet_epoch([[0, 0, 0, 100]] * 3, [1, 1, 1]))
    template = LiveChart(lambda epoch: fig._editor_chart(epoch))
    template.spec(epoch=first)
    spec = template.spec(epoch=second)
    back = pd.DataFrame(spec["datasets"]["epoch"])[list(second.columns)]
    pd.testing.assert_frame_equal(back, second, check_dtype=False, rtol=1e-14)
    fresh = fig._editor_chart(alt.NamedData(name="epoch")).to_dict(validate=False)
    assert {k: v for k, v in spec.items() if k != "datasets"} == {k: v for k, v in fresh.items() if k != "datasets"}
    # parameter values are substituted by name
    now = alt.param(name="scenario_now", value="YC-04")
    t2 = LiveChart(lambda div, choices: fig._replay_chart(div, choices, now, (now,)))
    d = fig.replay("YC-07", 6)
    s2 = t2.spec({"scenario_now": "YC-07"}, div=d, choices=fig._choices("YC-07", fig.scenario("YC-07", 6)[1]))
    assert next(p for p in s2["params"] if p["name"] == "scenario_now")["value"] == "YC-07"
    assert len(s2["datasets"]["div"]) == len(d)
    assert "dtao-chart" in t2({"scenario_now": "YC-07"}, div=d, choices=d.head(0))._repr_html_()


def test_a_shorter_replay_is_a_prefix_of_a_longer_one():
    """The live replay keeps its longest run per setting and slices it for fewer epochs."""
    for v in fig.REPLAY_SCENARIOS:
        full = fig.replay(v, 20, fixed=False)
        for n in (3, 11):
            short = fig.replay(v, n, fixed=False)
            pd.testing.assert_frame_equal(short.reset_index(drop=True),
                                          full[full["epoch"] < n].reset_index(drop=True))


@pytest.mark.parametrize("vector_id", ["YC-03", "YC-04", "YC-07"])
@pytest.mark.parametrize("fixed", [False, True])
def test_replay_continued_from_stored_state_equals_replay_from_epoch_0(vector_id, fixed):
    """The live replay extends a cached run from its last bonds and permits (what run_epochs carries
    between epochs); the rows must be those of a replay from epoch 0."""
    parts = None
    for n in (3, 8, 20):
        parts = fig._replay_parts(vector_id, n, 900_000, True, 0.5, fixed, resume=parts)
        got = pd.concat(parts[0], ignore_index=True)
        want = fig.replay(vector_id, n, bonds_moving_average=900_000, liquid_alpha=True, bonds_penalty=0.5,
                          fixed=fixed)
        pd.testing.assert_frame_equal(got, want)
