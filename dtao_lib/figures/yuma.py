"""Figures for the chapter "Yuma consensus inside a subnet" (spec §5).

Every number comes from :mod:`dtao_lib.yuma` (``epoch``, ``run_epochs`` and the step functions,
with the chain's I32F32 arithmetic). This module builds small subnets (a few validators and
miners), replays the public Yuma-3 scenarios YC-03, YC-04 and YC-07 of ``data/vectors/public.json``,
and draws the results.

UID layout of the example subnet: validators ``V0, V1, V2`` are UIDs 0–2 and miners ``M0…M3`` are
UIDs 3–6; miners hold no stake, so they get no validator permit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import yuma
from .._validate import check_array, check_fraction, check_int, check_real
from ..data import load_vectors
from ..interactive import Figure, live_panel
from ..params import RAO_PER_TAO, TEMPO, U16_MAX
from ._live import LiveChart
from ._style import HEIGHT, ROLE_COLORS, WIDTH, dropdown, slider

__all__ = [
    "EXAMPLE_STAKES",
    "EXAMPLE_WEIGHTS",
    "MINERS",
    "REPLAY_SCENARIOS",
    "VALIDATORS",
    "early_mover_table",
    "editor_grid",
    "editor_inputs",
    "epoch_frame",
    "example_weights",
    "lone_validator_chart",
    "lone_validator_curves",
    "payout_table",
    "replay",
    "replay_explorer",
    "scenario",
    "subnet_epoch",
    "vector_check",
    "weights_editor",
]

VALIDATORS = ("V0", "V1", "V2")
MINERS = ("M0", "M1", "M2", "M3")
EXAMPLE_STAKES = (45, 35, 20)
"""Stake weights of V0, V1, V2 in percent of the validators' stake."""
EXAMPLE_WEIGHTS = (
    (40, 30, 20, 10),  # V0
    (30, 40, 20, 10),  # V1: disagrees with V0 about M0 and M1
    (40, 30, 20, 10),  # V2: agrees with V0 (the editor moves its weight on M3)
)
"""Weights each validator sets on M0…M3, in percent of its row."""

_VALIDATOR_COLORS = ["#2980b9", "#16a085", "#c0392b"]
_MINER_COLOR = ROLE_COLORS["miners"]

REPLAY_SCENARIOS = {
    "YC-03": "the big validator (80 %) moves first",
    "YC-04": "a small validator (10 %) moves first",
    "YC-07": "one validator strays for one epoch",
}
"""The public Yuma-3 scenarios of ``data/vectors/public.json`` replayed in the chapter."""


# ---------------------------------------------------------------------------------------------
# Input checks (cheap: once per call, before any epoch runs)
# ---------------------------------------------------------------------------------------------
def _params(params: Any) -> yuma.YumaParams | None:
    """``None`` (mainnet defaults) or a :class:`dtao_lib.yuma.YumaParams`."""
    if params is not None and not isinstance(params, yuma.YumaParams):
        raise TypeError(f"params must be a dtao_lib.yuma.YumaParams or None, got {type(params).__name__}")
    return params


def _pcts(name: str, values: Any) -> list:
    """A non-empty 1-D sequence of percentages in [0, 100], returned as given (ints stay ints)."""
    check_array(name, values, ndim=1, lo=0.0, hi=100.0, min_size=1)
    return list(values)


def _result(res: Any, n_validators: Any) -> tuple[yuma.EpochResult, int]:
    """An epoch result and its number of validators (UIDs ``0…v−1``), 1 <= v <= the number of UIDs."""
    if not isinstance(res, yuma.EpochResult):
        raise TypeError(f"res must be a dtao_lib.yuma.EpochResult (e.g. from subnet_epoch), got {type(res).__name__}")
    return res, check_int("n_validators", n_validators, lo=1, hi=int(res.stake.size))


# ---------------------------------------------------------------------------------------------
# The example subnet and one epoch
# ---------------------------------------------------------------------------------------------
def example_weights() -> pd.DataFrame:
    """The example's weights (validators × miners, percent of each row) with each validator's stake."""
    w = pd.DataFrame(EXAMPLE_WEIGHTS, index=pd.Index(VALIDATORS, name="validator"), columns=list(MINERS))
    return w.assign(stake=list(EXAMPLE_STAKES))


def _u16_rows(weights_pct: np.ndarray) -> np.ndarray:
    """Percent rows → raw u16 weights as a validator would submit them (``set_weights``)."""
    return np.rint(weights_pct / 100.0 * U16_MAX).astype(np.int64)


def subnet_epoch(
    weights_pct: Any,
    stakes: Any,
    params: yuma.YumaParams | None = None,
    *,
    emission_rao: int = RAO_PER_TAO,
) -> yuma.EpochResult:
    """One Yuma epoch (:func:`dtao_lib.yuma.epoch`) of a subnet of validators and stakeless miners.

    ``weights_pct`` is validators × miners (any non-negative numbers up to 100; each row is
    normalised by the chain); ``stakes`` the validators' stake weights. UIDs ``0…v−1`` are the
    validators and ``v…v+m−1`` the miners.
    """
    w = check_array("weights_pct", weights_pct, ndim=2, lo=0.0, hi=100.0)
    v, m = w.shape
    s = check_array("stakes", stakes, lo=0.0, shape=(v,))
    n = v + m
    raw = np.zeros((n, n), dtype=np.int64)
    raw[:v, v:] = _u16_rows(w)
    return yuma.epoch(np.concatenate([s, np.zeros(m)]), raw, params, emission_rao=emission_rao)


def epoch_frame(res: yuma.EpochResult, n_validators: int = 3, **keys: Any) -> pd.DataFrame:
    """An epoch as long-format rows for the editor chart.

    ``kind`` is ``weight`` (one row per validator × miner: ``value`` = W, ``clipped`` = W̄),
    ``consensus`` (per miner), ``miner`` (per miner: ``value`` = server emission / E) or ``validator``
    (per validator: ``value`` = validator emission / E, with stake and validator trust).
    ``n_validators`` (UIDs ``0…v−1``) is in [1, number of UIDs].
    """
    res, v = _result(res, n_validators)
    e = max(int(res.server_emission.sum() + res.validator_emission.sum()), 1)
    vnames = [f"V{i}" for i in range(v)]
    mnames = [f"M{j}" for j in range(res.stake.size - v)]
    rows: list[dict] = []
    for i, vn in enumerate(vnames):
        for j, mn in enumerate(mnames):
            rows.append({**keys, "kind": "weight", "validator": vn, "miner": mn,
                         "value": float(res.weights[i, v + j]), "clipped": float(res.clipped_weights[i, v + j])})
    for j, mn in enumerate(mnames):
        rows.append({**keys, "kind": "consensus", "miner": mn, "value": float(res.consensus[v + j])})
        rows.append({**keys, "kind": "miner", "miner": mn, "value": float(res.server_emission[v + j]) / e,
                     "incentive": float(res.incentive[v + j])})
    for i, vn in enumerate(vnames):
        rows.append({**keys, "kind": "validator", "validator": vn, "value": float(res.validator_emission[i]) / e,
                     "dividends": float(res.dividends[i]), "stake": float(res.active_stake[i]),
                     "vtrust": float(res.validator_trust[i])})
    return pd.DataFrame(rows)


def payout_table(res: yuma.EpochResult, n_validators: int = 3) -> pd.DataFrame:
    """Who is paid what in one epoch (spec §5.2–§5.5), one row per UID.

    Columns: ``S`` active stake, ``VT`` validator trust, ``C`` consensus, ``I`` incentive, ``D``
    dividends (rounded to 4 decimals) and ``rao paid`` (server plus validator emission).
    ``n_validators`` (UIDs ``0…v−1``) is in [1, number of UIDs].
    """
    res, v = _result(res, n_validators)
    n = res.stake.size
    names = [f"V{i}" for i in range(v)] + [f"M{j}" for j in range(n - v)]
    return pd.DataFrame({
        "role": ["validator"] * v + ["miner"] * (n - v),
        "S": res.active_stake,
        "VT": res.validator_trust,
        "C": res.consensus,
        "I": res.incentive,
        "D": res.dividends,
    }, index=pd.Index(names, name="UID")).round(4).assign(**{"rao paid": res.server_emission + res.validator_emission})


# ---------------------------------------------------------------------------------------------
# Figure: the weights editor
# ---------------------------------------------------------------------------------------------
def editor_inputs(v2_on_m3_pct: float, v2_stake_pct: float) -> tuple[np.ndarray, np.ndarray]:
    """The example with V2's weight on M3 and V2's stake changed.

    V2 puts ``v2_on_m3_pct`` % of its weight on M3 and spreads the rest over M0–M2 as 40 : 30 : 20;
    V2 holds ``v2_stake_pct`` % of the validators' stake and V0, V1 share the rest as 45 : 35.
    """
    x = check_real("v2_on_m3_pct", v2_on_m3_pct, lo=0.0, hi=100.0)
    a = check_real("v2_stake_pct", v2_stake_pct, lo=0.0, hi=100.0)
    w = np.array(EXAMPLE_WEIGHTS, dtype=np.float64)
    honest = np.array([40.0, 30.0, 20.0])
    w[2] = np.concatenate([honest / honest.sum() * (100.0 - x), [x]])
    others = np.array(EXAMPLE_STAKES[:2], dtype=np.float64)
    return w, np.concatenate([others / others.sum() * (100.0 - a), [a]])


def editor_grid(
    weight_pcts: Sequence[int] = tuple(range(0, 101, 10)),
    stake_pcts: Sequence[int] = tuple(range(10, 91, 10)),
    params: yuma.YumaParams | None = None,
) -> pd.DataFrame:
    """:func:`epoch_frame` rows over a grid of V2's weight on M3 (``w_pct``) and stake (``stake_pct``).

    Both grids are non-empty lists of percentages in [0, 100].
    """
    weight_pcts, stake_pcts = _pcts("weight_pcts", weight_pcts), _pcts("stake_pcts", stake_pcts)
    params = _params(params)
    frames = []
    for x in weight_pcts:
        for a in stake_pcts:
            w, s = editor_inputs(x, a)
            frames.append(epoch_frame(subnet_epoch(w, s, params), w_pct=int(x), stake_pct=int(a)))
    return pd.concat(frames, ignore_index=True)


def _editor_chart(df: Any, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = ()
                  ) -> alt.HConcatChart:
    def base() -> alt.Chart:
        ch = alt.Chart(df)
        for f in filters:
            ch = ch.transform_filter(f)
        return ch

    vcolor = alt.Color("validator:N", scale=alt.Scale(domain=list(VALIDATORS), range=_VALIDATOR_COLORS),
                       legend=alt.Legend(orient="top", title=None))
    cons = base().transform_filter(alt.datum.kind == "consensus").mark_bar(color="#d5d8dc", width=26).encode(
        x=alt.X("miner:N", title=None, sort=list(MINERS)),
        y=alt.Y("value:Q", title="weight", scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("miner:N"), alt.Tooltip("value:Q", format=".4f", title="consensus C")],
    )
    pts = base().transform_filter(alt.datum.kind == "weight").mark_point(size=90, filled=True, opacity=0.9).encode(
        x=alt.X("miner:N", sort=list(MINERS)), y="value:Q", color=vcolor,
        xOffset=alt.XOffset("validator:N", sort=list(VALIDATORS)),
        tooltip=["validator:N", "miner:N", alt.Tooltip("value:Q", format=".4f", title="weight W"),
                 alt.Tooltip("clipped:Q", format=".4f", title="clipped W̄")],
    )
    left = (cons + pts).properties(width=210, height=HEIGHT - 70, title="weights (dots), consensus (grey)")
    miners = base().transform_filter(alt.datum.kind == "miner").mark_bar(color=_MINER_COLOR).encode(
        x=alt.X("miner:N", title=None, sort=list(MINERS)),
        y=alt.Y("value:Q", title="share of the epoch's emission", scale=alt.Scale(domain=[0, 0.5])),
        tooltip=["miner:N", alt.Tooltip("incentive:Q", format=".4f", title="incentive I"),
                 alt.Tooltip("value:Q", format=".4f", title="share of emission")],
    )
    validators = base().transform_filter(alt.datum.kind == "validator").mark_bar().encode(
        x=alt.X("validator:N", title=None, sort=list(VALIDATORS)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 0.5])),
        color=vcolor,
        tooltip=["validator:N", alt.Tooltip("stake:Q", format=".3f", title="stake S"),
                 alt.Tooltip("vtrust:Q", format=".4f", title="validator trust"),
                 alt.Tooltip("dividends:Q", format=".4f", title="dividends D"),
                 alt.Tooltip("value:Q", format=".4f", title="share of emission")],
    )
    mid = miners.properties(width=140, height=HEIGHT - 70, title="miners (incentive)")
    right = validators.properties(width=110, height=HEIGHT - 70, title="validators (dividends)")
    chart = alt.hconcat(left, mid, right, spacing=18)
    return chart.add_params(*params) if params else chart


def weights_editor(params: yuma.YumaParams | None = None) -> Figure:
    """Weights editor: weights and consensus per miner, then incentive and dividends (spec §5.2–§5.5).

    Static face: sliders for V2's weight on M3 (0–100 %) and V2's share of stake (10–90 %); each
    grid point is a precomputed :func:`dtao_lib.yuma.epoch` (Yuma 3, mainnet defaults). Live face:
    all twelve weights and three stakes, classic Yuma or Yuma 3, and the bonds penalty β.
    ``params``: the static face's subnet hyperparameters (:class:`dtao_lib.yuma.YumaParams`, default
    mainnet's).
    """
    params = _params(params)

    def static() -> alt.HConcatChart:
        wp = slider("v2_on_m3", lo=0, hi=100, step=10, value=10, label="V2's weight on M3 (%) ")
        sp = slider("v2_stake", lo=10, hi=90, step=10, value=20, label="V2's share of stake (%) ")
        df = editor_grid(params=params)
        return _editor_chart(df, (alt.datum.w_pct == wp, alt.datum.stake_pct == sp), (wp, sp)).properties(
            title="One Yuma epoch: weights → consensus → incentive and dividends"
        )

    template = LiveChart(lambda epoch: _editor_chart(epoch))

    def render(mechanism: str, bonds_penalty: float, **values: float):
        w = np.array([[values[f"w_{v}_{m}"] for m in MINERS] for v in VALIDATORS], dtype=np.float64)
        s = np.array([values[f"stake_{v}"] for v in VALIDATORS], dtype=np.float64)
        p = yuma.YumaParams(yuma3=(mechanism == "Yuma 3"), bonds_penalty=bonds_penalty)
        res = subnet_epoch(w, s, p)
        return template(epoch=epoch_frame(res)), payout_table(res)

    def live():
        import ipywidgets as widgets

        style = {"description_width": "64px"}
        controls: dict[str, Any] = {}
        for i, v in enumerate(VALIDATORS):
            controls[f"stake_{v}"] = widgets.BoundedFloatText(
                value=float(EXAMPLE_STAKES[i]), min=0, max=1e15, description=f"stake {v}", style=style,
                layout=widgets.Layout(width="170px"))
            for j, m in enumerate(MINERS):
                controls[f"w_{v}_{m}"] = widgets.IntSlider(
                    value=int(EXAMPLE_WEIGHTS[i][j]), min=0, max=100, description=f"{v} → {m}", style=style,
                    continuous_update=False, layout=widgets.Layout(width="230px"))
        controls["mechanism"] = widgets.Dropdown(options=["Yuma 3", "classic (YC2)"], value="Yuma 3",
                                                 description="bonds")
        controls["bonds_penalty"] = widgets.FloatSlider(value=1.0, min=0, max=1, step=0.05, description="β",
                                                        continuous_update=False)
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="Yuma weights editor")


# ---------------------------------------------------------------------------------------------
# A lone validator: what it can and cannot do
# ---------------------------------------------------------------------------------------------
_HONEST = np.array([[40.0, 30.0, 30.0, 0.0], [30.0, 40.0, 30.0, 0.0]])
_LONE = {"boost": np.array([0.0, 0.0, 0.0, 100.0]),   # everything on M3, which the others score 0
         "sink": np.array([0.0, 50.0, 50.0, 0.0])}     # nothing on M0, which the others score highest


def lone_validator_curves(
    stake_pcts: Sequence[int] = tuple(range(2, 99, 2)),
    params: yuma.YumaParams | None = None,
) -> pd.DataFrame:
    """A lone validator with a growing share of stake against two honest ones (spec §5.2, §5.4).

    The honest validators (stake 45 : 35) score M0–M2 and give M3 nothing. The lone validator either
    puts all its weight on M3 (``boost``) or gives nothing to M0 (``sink``). Per stake share: the
    target miner's incentive (M3 or M0), the same incentive with an honest lone validator, and the
    lone validator's dividends per unit of stake (1 = paid like everyone else). ``stake_pcts``: a
    non-empty list of percentages in [0, 100].
    """
    stake_pcts = _pcts("stake_pcts", stake_pcts)
    params = _params(params)
    honest_row = _HONEST[0]
    rows = []
    for pct in stake_pcts:
        a = float(pct)
        s = np.concatenate([np.array([45.0, 35.0]) / 80.0 * (100.0 - a), [a]])
        ref = subnet_epoch(np.vstack([_HONEST, honest_row]), s, params)
        for mode, row in _LONE.items():
            target = 3 + (3 if mode == "boost" else 0)
            res = subnet_epoch(np.vstack([_HONEST, row]), s, params)
            rows.append({
                "stake_pct": int(pct), "mode": mode, "target": "M3" if mode == "boost" else "M0",
                "target_incentive": float(res.incentive[target]),
                "honest_incentive": float(ref.incentive[target]),
                "dividends_per_stake": float(res.dividends[2] / res.active_stake[2]) if res.active_stake[2] else 0.0,
                "consensus": float(res.consensus[target]),
            })
    return pd.DataFrame(rows)


def lone_validator_chart(params: yuma.YumaParams | None = None) -> alt.HConcatChart:
    """What a lone validator does to its target miner (left) and what it earns (right), against its stake."""
    df = lone_validator_curves(params=_params(params))
    df["stake"] = df["stake_pct"] / 100
    labels = {"boost": "boost M3 (others give it 0)", "sink": "sink M0 (others rate it best)"}
    df["lone validator"] = df["mode"].map(labels)
    color = alt.Color("lone validator:N", scale=alt.Scale(domain=list(labels.values()), range=["#8e44ad", "#c0392b"]),
                      legend=alt.Legend(orient="top"))
    x = alt.X("stake:Q", title="lone validator's share of stake", axis=alt.Axis(format="%"))
    left = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("target_incentive:Q", title="target miner's incentive"), color=color,
        tooltip=["lone validator:N", alt.Tooltip("stake:Q", format=".0%"),
                 alt.Tooltip("target_incentive:Q", format=".4f"), alt.Tooltip("honest_incentive:Q", format=".4f",
                                                                              title="if it were honest")],
    )
    honest = alt.Chart(df).mark_line(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x=x, y="honest_incentive:Q", color=color)
    kappa = alt.Chart(pd.DataFrame({"k": [0.5]})).mark_rule(color="#7f8c8d", strokeDash=[2, 2]).encode(x="k:Q")
    right = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("dividends_per_stake:Q", title="its dividends per unit of stake"), color=color,
        tooltip=["lone validator:N", alt.Tooltip("stake:Q", format=".0%"),
                 alt.Tooltip("dividends_per_stake:Q", format=".3f")],
    )
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="#7f8c8d", strokeDash=[2, 2]).encode(y="y:Q")
    return alt.hconcat(
        (left + honest + kappa).properties(width=WIDTH // 2 - 30, height=HEIGHT - 60,
                                           title="What it does to the target (dashed: if honest)"),
        (right + one + kappa).properties(width=WIDTH // 2 - 30, height=HEIGHT - 60, title="What it earns"),
        spacing=30,
    )


# ---------------------------------------------------------------------------------------------
# Replays of the public Yuma-3 scenarios (YC-03, YC-04, YC-07)
# ---------------------------------------------------------------------------------------------
@cache
def _vectors() -> dict[str, dict]:
    return {v["id"]: v for v in load_vectors()["vectors"] if v["id"] in REPLAY_SCENARIOS}


def _vector(vector_id: str) -> dict:
    """The public vector (read-only: shared by every call)."""
    if not isinstance(vector_id, str) or vector_id not in REPLAY_SCENARIOS:
        raise ValueError(f"vector_id must be one of {sorted(REPLAY_SCENARIOS)}, got {vector_id!r}")
    return _vectors()[vector_id]


def scenario(vector_id: str, epochs: int | None = None) -> tuple[list[int], list[np.ndarray], yuma.YumaParams]:
    """Stakes, one raw u16 weight matrix per epoch, and parameters of a public Yuma-3 scenario.

    The vectors give each validator's row over the two servers per epoch (keys ``"0"``, ``"1"``…,
    ``"3+"`` for every later epoch, ``"other"`` for every epoch not listed). ``epochs`` extends
    the scenario with its last pattern (default: the vector's own number of epochs).
    """
    i = _vector(vector_id)["inputs"]
    n_ep = i["epochs"] if epochs is None else check_int("epochs", epochs, lo=1, hi=1000)
    by_epoch = next(v for k, v in i.items() if k.startswith("weights_by_epoch"))
    mats = []
    for e in range(n_ep):
        if str(e) in by_epoch:
            rows = by_epoch[str(e)]
        elif "3+" in by_epoch and e >= 3:
            rows = by_epoch["3+"]
        else:
            rows = by_epoch["other"]
        w = np.zeros((i["n"], i["n"]), dtype=np.int64)
        for v, row in enumerate(rows):
            w[v, i["servers"]] = row
        mats.append(w)
    params = yuma.YumaParams(
        kappa=i["kappa_u16"] / U16_MAX, bonds_penalty=i["bonds_penalty"],
        bonds_moving_average=i["bonds_moving_average"], yuma3=i["yuma3"], liquid_alpha=i["liquid_alpha"],
        alpha_low=i["alpha_low"], alpha_high=i["alpha_high"], alpha_sigmoid_steepness=i["alpha_sigmoid_steepness"],
        max_allowed_validators=i["max_allowed_validators"],
    )
    return list(i["stakes"]), mats, params


def _choices(vector_id: str, mats: list[np.ndarray]) -> pd.DataFrame:
    i = _vector(vector_id)["inputs"]
    rows = []
    for e, w in enumerate(mats):
        for v in range(i["n_validators"]):
            row = w[v, i["servers"]]
            chosen = [f"UID {u}" for u, x in zip(i["servers"], row, strict=True) if x > 0]
            rows.append({"scenario": vector_id, "epoch": e, "validator": f"V{v}",
                         "weights on": " + ".join(chosen) or "none"})
    return pd.DataFrame(rows)


def replay(
    vector_id: str,
    epochs: int = 12,
    *,
    bonds_moving_average: int | None = None,
    liquid_alpha: bool | None = None,
    bonds_penalty: float | None = None,
    fixed: bool = True,
) -> pd.DataFrame:
    """Dividends per validator and epoch of a public scenario under classic Yuma (YC2) and Yuma 3.

    Both mechanisms see the same stakes, weights and parameters (the scenario's, optionally
    overridden); only ``yuma3`` differs (liquid alpha acts only in Yuma 3, spec §5.3). Long format:
    ``scenario``, ``mechanism``, ``epoch``, ``validator``, ``stake`` (share), ``dividends``.
    ``fixed=False`` runs the float64 epoch (about three times faster, used by the live face; agrees
    to about 1e-9 with the chain's I32F32 arithmetic, stored bonds to ±1 u16).
    """
    frames, _ = _replay_parts(vector_id, epochs, bonds_moving_average, liquid_alpha, bonds_penalty, fixed)
    return pd.concat(frames, ignore_index=True)


_MECHANISMS = (("classic Yuma (YC2)", False), ("Yuma 3", True))


def _replay_parts(vector_id: str, epochs: int, bonds_moving_average: int | None, liquid_alpha: bool | None,
                  bonds_penalty: float | None, fixed: bool, resume: tuple[list[pd.DataFrame], list[Any]] | None = None,
                  ) -> tuple[list[pd.DataFrame], list[Any]]:
    """:func:`replay` as one frame per mechanism plus each mechanism's last :class:`yuma.EpochResult`.

    ``resume`` (the output of a shorter replay of the same setting) continues from its stored bonds
    and permits, the only state :func:`yuma.run_epochs` carries between epochs, at the same blocks:
    the rows are those of a replay from epoch 0.
    """
    stakes, mats, p = scenario(vector_id, epochs)
    over: dict[str, Any] = {}
    if bonds_moving_average is not None:
        over["bonds_moving_average"] = bonds_moving_average
    if liquid_alpha is not None:
        over["liquid_alpha"] = liquid_alpha
    if bonds_penalty is not None:
        over["bonds_penalty"] = check_fraction("bonds_penalty", bonds_penalty)
    i = _vector(vector_id)["inputs"]
    nv = i["n_validators"]
    share = np.array(stakes[:nv], dtype=float) / sum(stakes)
    start = 0 if resume is None else int(resume[0][0]["epoch"].max()) + 1
    frames, last = [], []
    for k, (name, y3) in enumerate(_MECHANISMS):
        params = yuma.YumaParams(**{**{f: getattr(p, f) for f in p.__dataclass_fields__}, **over, "yuma3": y3})
        extra: dict[str, Any] = {}
        if resume is not None:
            prev = resume[1][k]
            extra = {"initial_bonds": prev.bonds, "initial_permits": prev.validator_permit,
                     "current_block_by_epoch": [(e + 1) * TEMPO + 1 for e in range(start, epochs)]}
        results = yuma.run_epochs(stakes, mats[start:], params, fixed=fixed, **extra)
        rows = []
        for e, r in enumerate(results, start=start):
            for v in range(nv):
                rows.append({"scenario": vector_id, "mechanism": name, "epoch": e, "validator": f"V{v}",
                             "stake": float(share[v]), "dividends": float(r.dividends[v])})
        new = pd.DataFrame(rows)
        frames.append(new if resume is None else pd.concat([resume[0][k], new], ignore_index=True))
        last.append(results[-1])
    return frames, last


def vector_check(vector_id: str) -> pd.DataFrame:
    """Yuma-3 dividends computed by :func:`dtao_lib.yuma.run_epochs` next to the vector's expected values."""
    v = _vector(vector_id)
    stakes, mats, p = scenario(vector_id)
    got = np.array([r.dividends for r in yuma.run_epochs(stakes, mats, p)])
    exp = np.array(v["expected"]["dividends_by_epoch"])
    nv = v["inputs"]["n_validators"]
    out = pd.DataFrame({"epoch": np.arange(len(exp))})
    for k in range(nv):
        out[f"V{k} computed"] = got[:, k]
        out[f"V{k} vector"] = exp[:, k]
    out["max |difference|"] = np.abs(got[:, :nv] - exp[:, :nv]).max(axis=1)
    return out.set_index("epoch")


def early_mover_table(vector_id: str = "YC-04", epochs: int = 12) -> pd.DataFrame:
    """Each validator's dividends relative to its stake: at the first epoch after everyone moved in the
    scenario (epoch 2 for YC-03/YC-04) and averaged over all epochs, for both mechanisms.

    ``epochs`` is in [3, 1000] (the table reads epoch 2).
    """
    _vector(vector_id)
    epochs = check_int("epochs", epochs, lo=3, hi=1000)
    df = replay(vector_id, epochs)
    df["dividends / stake"] = df["dividends"] / df["stake"]
    at2 = df[df.epoch == 2].pivot(index="validator", columns="mechanism", values="dividends / stake")
    avg = df.groupby(["validator", "mechanism"])["dividends / stake"].mean().unstack()
    at2.columns = [f"{c}: epoch 2" for c in at2.columns]
    avg.columns = [f"{c}: mean of {epochs} epochs" for c in avg.columns]
    stake = df.groupby("validator")["stake"].first()
    out = pd.concat([stake, at2, avg], axis=1)
    mechs = ("classic Yuma (YC2)", "Yuma 3")
    order = ["stake"] + [f"{m}: epoch 2" for m in mechs] + [f"{m}: mean of {epochs} epochs" for m in mechs]
    return out[order].round(3)


def _replay_chart(div: Any, choices: Any, scen: Any, params: Sequence[alt.Parameter] = ()
                  ) -> alt.VConcatChart:
    def current(ch: alt.Chart) -> alt.Chart:
        return ch.transform_filter(alt.datum.scenario == scen)

    vcolor = alt.Color("validator:N", scale=alt.Scale(domain=list(VALIDATORS), range=_VALIDATOR_COLORS),
                       legend=alt.Legend(orient="top", title=None))
    strip = current(alt.Chart(choices)).mark_rect(stroke="white").encode(
        x=alt.X("epoch:O", title=None),
        y=alt.Y("validator:N", title=None, sort=list(VALIDATORS)),
        color=alt.Color("weights on:N", title="weights on", scale=alt.Scale(range=["#f5b041", "#5dade2", "#d5d8dc"]),
                        legend=alt.Legend(orient="right")),
        tooltip=["validator:N", "epoch:O", "weights on:N"],
    ).properties(width=WIDTH - 120, height=70, title="Which server each validator weights, by epoch")
    panels = []
    for mech in ("classic Yuma (YC2)", "Yuma 3"):
        base = current(alt.Chart(div)).transform_filter(alt.datum.mechanism == mech)
        lines = base.mark_line(point=True, strokeWidth=2).encode(
            x=alt.X("epoch:O", title="epoch"),
            y=alt.Y("dividends:Q", title="dividends D"),
            color=vcolor,
            tooltip=["validator:N", "epoch:O", alt.Tooltip("dividends:Q", format=".4f"),
                     alt.Tooltip("stake:Q", format=".2f")],
        )
        stake = base.transform_filter(alt.datum.epoch == 0).mark_rule(strokeDash=[4, 3], strokeWidth=1).encode(
            y="stake:Q", color=vcolor)
        panels.append((lines + stake).properties(width=WIDTH // 2 - 40, height=HEIGHT - 90, title=mech))
    chart = alt.vconcat(strip, alt.hconcat(*panels, spacing=25), spacing=10).resolve_scale(color="independent")
    return chart.add_params(*params) if params else chart


def replay_explorer(epochs: int = 12) -> Figure:
    """Replay the public Yuma-3 scenarios YC-03, YC-04, YC-07 under classic Yuma and Yuma 3 (spec §5.3, §5.4).

    Static face: a dropdown over the three scenarios (``epochs`` epochs each, the vector's
    parameters). Dashed lines are stake shares. Live face: also the number of epochs, the bonds
    moving average, liquid alpha on/off and the bonds penalty β. ``epochs`` is in [1, 1000].
    """
    epochs = check_int("epochs", epochs, lo=1, hi=1000)

    def static() -> alt.VConcatChart:
        ids = list(REPLAY_SCENARIOS)
        sc = dropdown("scenario", ids, "YC-04", "scenario ", labels=[f"{k}: {v}" for k, v in REPLAY_SCENARIOS.items()])
        div = pd.concat([replay(k, epochs) for k in ids], ignore_index=True)
        choices = pd.concat([_choices(k, scenario(k, epochs)[1]) for k in ids], ignore_index=True)
        return _replay_chart(div, choices, sc, (sc,))

    def build(div: Any, choices: Any) -> alt.VConcatChart:
        now = alt.param(name="scenario_now", value="YC-04")
        return _replay_chart(div, choices, now, (now,))

    template = LiveChart(build)

    # the longest replay per setting: fewer epochs are its prefix, more continue it from its last epoch
    runs: dict[tuple, tuple[int, pd.DataFrame, tuple[list[pd.DataFrame], list[Any]]]] = {}

    def replayed(vector_id: str, n_epochs: int, bma: float, liquid: bool | None, beta: float) -> pd.DataFrame:
        key = (vector_id, round(bma * 1_000_000), liquid, beta)
        done, df, parts = runs.get(key, (0, None, None))
        if df is None or done < n_epochs:
            parts = _replay_parts(vector_id, n_epochs, key[1], liquid, beta, False, resume=parts)
            df = pd.concat(parts[0], ignore_index=True)
            runs[key] = (n_epochs, df, parts)
            return df
        return df[df["epoch"] < n_epochs]

    def render(vector_id: str, n_epochs: int, bma: float, liquid: bool | None, beta: float):
        div = replayed(vector_id, n_epochs, bma, liquid, beta)
        choices = _choices(vector_id, scenario(vector_id, n_epochs)[1])
        table = div.set_index(["epoch", "mechanism", "validator"])["dividends"].unstack(
            ["mechanism", "validator"]).sort_index(axis=1).round(4)  # = pivot_table, in a third of the time
        return template({"scenario_now": vector_id}, div=div, choices=choices), table

    def live():
        import ipywidgets as widgets

        _, _, p0 = scenario("YC-04")
        controls = {
            "vector_id": widgets.Dropdown(options=[(f"{k}: {v}", k) for k, v in REPLAY_SCENARIOS.items()],
                                          value="YC-04", description="scenario"),
            "n_epochs": widgets.IntSlider(value=epochs, min=min(3, epochs), max=max(60, epochs), description="epochs",
                                          continuous_update=False),
            "bma": widgets.FloatSlider(value=p0.bonds_moving_average / 1e6, min=0.0, max=0.999, step=0.005,
                                       readout_format=".3f", description="bonds MA", continuous_update=False),
            "liquid": widgets.Dropdown(options=[("as in the scenario", None), ("on", True), ("off", False)],
                                       value=None, description="liquid α"),
            "beta": widgets.FloatSlider(value=p0.bonds_penalty, min=0, max=1, step=0.05, description="β",
                                        continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="Yuma replay")
