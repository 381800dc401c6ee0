"""Figures for the chapter "Before dTAO — the root network decides" (spec §2, §9).

Every number comes from :mod:`dtao_lib.root_era`: the root epoch (rank, trust, consensus, shares,
emission) with the chain's I64F64 arithmetic, the owner/miner/validator split, root membership, the
cartel thresholds and the concentration measures. This module only builds small example networks
and draws them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import root_era
from .._validate import U64_MAX, check_array, check_fraction, check_int, check_int_array, check_real, check_u16_fraction
from ..interactive import Figure, live_panel
from ..params import BLOCKS_PER_DAY, RAO_PER_TAO, ROOT_MAX_UIDS, ROOT_RHO
from ._live import LiveChart
from ._style import HEIGHT, ROLE_COLORS, WIDTH, slider

__all__ = [
    "EXAMPLE_STAKES",
    "EXAMPLE_WEIGHTS",
    "SUBNETS",
    "VALIDATORS",
    "cartel_explorer",
    "cartel_grid",
    "cartel_network",
    "cartel_thresholds",
    "concentration_chart",
    "concentration_curves",
    "concentration_table",
    "editor_grid",
    "editor_weights",
    "epoch_table",
    "example_network",
    "membership_demo",
    "sigmoid_chart",
    "split_table",
    "weight_editor",
]

VALIDATORS = ("A", "B", "C", "D")
SUBNETS = ("SN1", "SN2", "SN3", "SN4")
EXAMPLE_STAKES = (40, 30, 20, 10)
"""Root stake of the example validators, in percent of all root stake."""
EXAMPLE_WEIGHTS = (
    (70, 30, 0, 0),   # A backs SN1 and SN2
    (0, 60, 40, 0),   # B backs SN2 and SN3
    (30, 30, 40, 0),  # C backs SN1, SN2 and SN3
    (0, 0, 50, 50),   # D is the only one to back SN4
)
"""Root weights of the example (validator × subnet); each row is normalised by the chain."""

_ATTR = {"trust": "trust", "consensus": "consensus", "rank": "rank", "share": "shares"}
_SUBNET_COLORS = ["#2980b9", "#27ae60", "#d35400", "#8e44ad"]
_METRICS = (
    ("trust", "trust T"),
    ("consensus", "consensus C"),
    ("rank", "rank R"),
    ("share", "emission share"),
)


# ---------------------------------------------------------------------------------------------
# Input checks (cheap: once per call, before any epoch runs)
# ---------------------------------------------------------------------------------------------
def _rho_kappa(rho: Any, kappa: Any) -> None:
    """ρ >= 0 and κ a fraction in [0, 1] (or the raw u16, as :mod:`dtao_lib.root_era` accepts)."""
    check_real("rho", rho, lo=0.0)
    check_u16_fraction("kappa", kappa)


def _pcts(name: str, values: Any) -> list:
    """A non-empty 1-D sequence of percentages in [0, 100], returned as given (ints stay ints)."""
    check_array(name, values, ndim=1, lo=0.0, hi=100.0, min_size=1)
    return list(values)


# ---------------------------------------------------------------------------------------------
# The example network and one epoch
# ---------------------------------------------------------------------------------------------
def example_network() -> tuple[pd.DataFrame, pd.Series]:
    """The chapter's example: four root validators (A–D) and four subnets (SN1–SN4).

    Returns the weight matrix (validators × subnets, in percent of each row) and the stakes
    (percent of all root stake).
    """
    w = pd.DataFrame(EXAMPLE_WEIGHTS, index=pd.Index(VALIDATORS, name="validator"), columns=list(SUBNETS))
    s = pd.Series(EXAMPLE_STAKES, index=w.index, name="stake %")
    return w, s


def epoch_table(
    weights: Any,
    stakes: Any,
    *,
    rho: float = ROOT_RHO,
    kappa: float = root_era.KAPPA,
    block_emission_rao: int = RAO_PER_TAO,
) -> pd.DataFrame:
    """One root epoch (:func:`dtao_lib.root_era.run_root_epoch`) as a table, one row per subnet.

    Columns: rank, trust, consensus, share, emission (rao per block) and TAO per day (× 7 200
    blocks). Subnet names are taken from the columns of ``weights`` if it is a DataFrame.
    """
    res = root_era.run_root_epoch(np.asarray(weights), np.asarray(stakes), rho=rho, kappa=kappa,
                                  block_emission_rao=block_emission_rao)
    df = res.to_frame()
    names = list(weights.columns) if isinstance(weights, pd.DataFrame) else [f"SN{j + 1}" for j in range(len(df))]
    df["subnet"] = names
    df["TAO per day"] = np.array(res.emission_rao, dtype=np.float64) * BLOCKS_PER_DAY / RAO_PER_TAO
    return df.rename(columns={"emission_rao": "rao per block"}).set_index("subnet")


# ---------------------------------------------------------------------------------------------
# Figure: the root weight editor
# ---------------------------------------------------------------------------------------------
def editor_weights(a_on_sn1_pct: float, a_stake_pct: float) -> tuple[np.ndarray, np.ndarray]:
    """The example network with validator A's row and stake changed.

    A puts ``a_on_sn1_pct`` % of its weight on SN1 and the rest on SN2; A holds ``a_stake_pct`` % of
    root stake and B, C, D share the rest in their original proportions (30 : 20 : 10).
    """
    x = check_real("a_on_sn1_pct", a_on_sn1_pct, lo=0.0, hi=100.0)
    a = check_real("a_stake_pct", a_stake_pct, lo=0.0, hi=100.0)
    w = np.array(EXAMPLE_WEIGHTS, dtype=np.float64)
    w[0] = [x, 100.0 - x, 0.0, 0.0]
    others = np.array(EXAMPLE_STAKES[1:], dtype=np.float64)
    s = np.concatenate([[a], others / others.sum() * (100.0 - a)])
    return w, s


def _long(res: root_era.RootEpochResult, **keys: Any) -> list[dict]:
    rows = []
    for j, name in enumerate(SUBNETS[: len(res.emission_rao)]):
        tao_day = res.emission_rao[j] * BLOCKS_PER_DAY / RAO_PER_TAO
        for metric, _ in _METRICS:
            rows.append({**keys, "subnet": name, "metric": metric, "value": float(getattr(res, _ATTR[metric])[j]),
                         "tao_day": tao_day})
    return rows


def editor_grid(
    weight_pcts: Sequence[int] = tuple(range(0, 101, 10)),
    stake_pcts: Sequence[int] = tuple(range(5, 90, 5)),
    *,
    rho: float = ROOT_RHO,
    kappa: float = root_era.KAPPA,
) -> pd.DataFrame:
    """Rank, trust, consensus and share of every subnet over a grid of A's weight and stake.

    Long format: ``w_pct`` (A's weight on SN1, %), ``stake_pct`` (A's stake, %), ``subnet``,
    ``metric``, ``value``, ``tao_day`` (the subnet's TAO per day at 1 TAO per block). Each grid point
    is one exact root epoch (:func:`dtao_lib.root_era.run_root_epoch`). Both grids are non-empty lists
    of percentages in [0, 100].
    """
    weight_pcts, stake_pcts = _pcts("weight_pcts", weight_pcts), _pcts("stake_pcts", stake_pcts)
    _rho_kappa(rho, kappa)
    rows: list[dict] = []
    for x in weight_pcts:
        for a in stake_pcts:
            w, s = editor_weights(x, a)
            res = root_era.run_root_epoch(w, s, rho=rho, kappa=kappa)
            rows += _long(res, w_pct=int(x), stake_pct=int(a))
    return pd.DataFrame(rows)


def _editor_chart(df: Any, params: Sequence[alt.Parameter] = (), filters: Sequence[Any] = (),
                  kappa: float = root_era.KAPPA) -> alt.HConcatChart:
    panels = []
    color = alt.Color("subnet:N", scale=alt.Scale(domain=list(SUBNETS), range=_SUBNET_COLORS), legend=None)
    for metric, title in _METRICS:
        base = alt.Chart(df)
        for f in filters:
            base = base.transform_filter(f)
        base = base.transform_filter(alt.datum.metric == metric)
        bars = base.mark_bar().encode(
            x=alt.X("subnet:N", title=None, sort=list(SUBNETS)),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
            color=color,
            tooltip=[alt.Tooltip("subnet:N"), alt.Tooltip("value:Q", format=".4f", title=title),
                     alt.Tooltip("tao_day:Q", format=",.1f", title="TAO per day")],
        )
        layer = bars
        if metric == "trust":
            rule = alt.Chart(pd.DataFrame({"kappa": [kappa]})).mark_rule(color="#c0392b", strokeDash=[5, 3])
            layer = bars + rule.encode(y="kappa:Q")
        if metric == "share":
            text = base.mark_text(dy=-6, fontSize=10).encode(
                x=alt.X("subnet:N", sort=list(SUBNETS)), y="value:Q",
                text=alt.Text("tao_day:Q", format=",.0f"),
            )
            layer = bars + text
        panels.append(layer.properties(width=WIDTH // 4 - 25, height=HEIGHT - 80, title=title))
    chart = alt.hconcat(*panels, spacing=12)
    if params:
        chart = chart.add_params(*params)
    return chart


def weight_editor(weights: Any = None, stakes: Any = None) -> Figure:
    """Root weight editor: rank, trust, consensus and emission share per subnet (spec §2).

    Static face: sliders for validator A's weight on SN1 (0–100 %, the rest on SN2) and A's share
    of root stake (5–85 %); every grid point is a precomputed exact root epoch. Live face: every
    weight and stake of the four validators, and ρ, recomputed on each change. The red dashed line
    in the trust panel is κ; labels on the share panel are TAO per day at 1 TAO per block.

    ``weights`` (4 × 4, validators A–D × SN1–SN4, each in [0, 100]) and ``stakes`` (4 numbers in
    [0, 10¹⁵]) set the live face's starting values (default: the example network).
    """
    shape = (len(VALIDATORS), len(SUBNETS))
    w0 = np.array(EXAMPLE_WEIGHTS, dtype=np.float64) if weights is None else check_array(
        "weights", weights, ndim=2, shape=shape, lo=0.0, hi=100.0)
    s0 = np.array(EXAMPLE_STAKES, dtype=np.float64) if stakes is None else check_array(
        "stakes", stakes, shape=shape[:1], lo=0.0, hi=1e15)

    def static() -> alt.HConcatChart:
        wp = slider("a_on_sn1", lo=0, hi=100, step=10, value=70, label="A's weight on SN1 (%, rest on SN2) ")
        sp = slider("a_stake", lo=5, hi=85, step=5, value=40, label="A's share of root stake (%) ")
        df = editor_grid()
        return _editor_chart(df, (wp, sp), (alt.datum.w_pct == wp, alt.datum.stake_pct == sp)).properties(
            title="One root epoch: trust → consensus → emission share"
        )

    template = LiveChart(lambda epoch: _editor_chart(epoch))

    def render(rho: float, **values: float):
        w = np.array([[values[f"w_{v}_{sn}"] for sn in SUBNETS] for v in VALIDATORS], dtype=np.float64)
        s = np.array([values[f"stake_{v}"] for v in VALIDATORS], dtype=np.float64)
        res = root_era.run_root_epoch(w, s, rho=rho)
        table = epoch_table(pd.DataFrame(w, columns=list(SUBNETS)), s, rho=rho)
        return template(epoch=pd.DataFrame(_long(res))), table.round(4)

    def live():
        import ipywidgets as widgets

        style = {"description_width": "64px"}
        controls: dict[str, Any] = {}
        for i, v in enumerate(VALIDATORS):
            controls[f"stake_{v}"] = widgets.BoundedFloatText(
                value=float(s0[i]), min=0, max=1e15, description=f"stake {v}", style=style,
                layout=widgets.Layout(width="170px"))
            for j, sn in enumerate(SUBNETS):
                controls[f"w_{v}_{sn}"] = widgets.IntSlider(
                    value=int(w0[i, j]), min=0, max=100, description=f"{v} → {sn}", style=style,
                    continuous_update=False, layout=widgets.Layout(width="230px"))
        controls["rho"] = widgets.FloatSlider(value=ROOT_RHO, min=0, max=40, step=0.5, description="ρ",
                                              continuous_update=False)
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="root weight editor")


# ---------------------------------------------------------------------------------------------
# The consensus sigmoid
# ---------------------------------------------------------------------------------------------
def sigmoid_chart(rhos: Sequence[float] = (5.0, ROOT_RHO, 30.0), *, kappa: float = root_era.KAPPA) -> alt.LayerChart:
    """Consensus ``C(T) = 1/(1 + exp(−ρ(T − κ)))`` against trust for a few ρ (chain arithmetic).

    ρ = 10 is mainnet's root ``Rho``; ρ = 30 is the value in subtensor's test mock. ``rhos`` is a
    non-empty list of ρ >= 0; ``kappa`` a fraction in [0, 1].
    """
    check_array("rhos", rhos, lo=0.0, min_size=1)
    check_u16_fraction("kappa", kappa)
    t = np.round(np.linspace(0, 1, 101), 2)
    frames = []
    for r in rhos:
        c = root_era.consensus(t, rho=r, kappa=kappa)
        frames.append(pd.DataFrame({"trust": t, "consensus": c, "rho": f"ρ = {r:g}" + (" (mainnet)" if r == ROOT_RHO
                                                                                       else "")}))
    df = pd.concat(frames, ignore_index=True)
    lines = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=alt.X("trust:Q", title="trust T (share of root stake backing the subnet)",
                axis=alt.Axis(values=[i / 10 for i in range(11)], format=".1f")),
        y=alt.Y("consensus:Q", title="consensus C"),
        color=alt.Color("rho:N", title=None, legend=alt.Legend(orient="top")),
        tooltip=["rho:N", alt.Tooltip("trust:Q", format=".2f"), alt.Tooltip("consensus:Q", format=".4f")],
    )
    rule = alt.Chart(pd.DataFrame({"kappa": [kappa]})).mark_rule(color="#c0392b", strokeDash=[5, 3]).encode(x="kappa:Q")
    return (lines + rule).properties(width=WIDTH, height=HEIGHT - 60, title="The root consensus sigmoid (κ dashed)")


# ---------------------------------------------------------------------------------------------
# Inside a subnet, and root membership
# ---------------------------------------------------------------------------------------------
def split_table(pending_tao: float = 1.0) -> pd.DataFrame:
    """How a subnet's pending TAO was split at its epoch before dTAO (:func:`root_era.split_pending_emission`).

    Three cases: miners and validators both earning, no miner incentive, no validator dividends.
    Columns give rao and the share of the gross pending emission. ``pending_tao`` is in [0, 21 000 000] TAO
    (the supply cap: the pending rao is a u64).
    """
    p = check_real("pending_tao", pending_tao, lo=0.0, hi=21_000_000.0)
    pending = round(p * RAO_PER_TAO)
    rows = []
    for case, inc, div in (("miners and validators earn", True, True), ("no miner incentive", False, True),
                           ("no validator dividends", True, False)):
        sp = root_era.split_pending_emission(pending, has_incentive=inc, has_dividends=div)
        for who, rao in (("owner", sp.owner_rao), ("miners", sp.miners_rao), ("validators", sp.validators_rao)):
            rows.append({"case": case, "to": who, "rao": rao, "share of pending": rao / pending if pending else 0.0})
    return pd.DataFrame(rows)


def membership_demo(stakes: Any = None) -> pd.DataFrame:
    """Newcomers trying to join a full root network (:func:`dtao_lib.root_era.root_register`).

    The 64 members hold ``stakes`` (default: the stylised mid-2024 profile times 6 million, in TAO,
    rounded). Newcomers bring the smallest member's stake minus one, exactly it, and plus one.
    ``stakes``: 64 whole numbers in [1, u64::MAX − 1] (the chain's stakes are integers, so ``1000.0`` is
    accepted and ``1000.5`` rejected rather than truncated; the bounds keep both newcomers' stakes a u64).
    """
    if stakes is None:
        stakes = np.round(root_era.stake_profile_2024() * 6_000_000).astype(np.int64)
    st = check_int_array("stakes", stakes, lo=1, hi=U64_MAX - 1, min_size=1)
    if st.size != ROOT_MAX_UIDS:
        raise ValueError(f"stakes must have {ROOT_MAX_UIDS} entries (a full root network), got {st.size}")
    members = [(f"v{i}", x) for i, x in enumerate(st.tolist())]
    low = min(x for _, x in members)
    rows = []
    for newcomer in (low - 1, low, low + 1):
        r = root_era.root_register(members, "newcomer", int(newcomer))
        rows.append({"newcomer's stake": int(newcomer), "smallest member's stake": low, "accepted": r.accepted,
                     "replaces": r.replaced or "—"})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Figure: the cartel experiment
# ---------------------------------------------------------------------------------------------
def cartel_network(others_support: float, n_subnets: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The other validators as two blocs, for :func:`dtao_lib.root_era.cartel_curve` on subnet 0.

    A bloc holding ``others_support`` of their stake weights every subnet equally (so it backs
    subnet 0); the other bloc weights every subnet except subnet 0. Subnet 0's trust is then
    exactly ``others_support`` before the coalition joins.
    """
    t = check_fraction("others_support", others_support)
    m = check_int("n_subnets", n_subnets, lo=2, hi=4096)
    w = np.ones((2, m))
    w[1, 0] = 0.0
    return w, np.array([t, 1.0 - t])


def cartel_grid(
    support_pcts: Sequence[int] = tuple(range(0, 101, 5)),
    fractions: Any = None,
    *,
    n_subnets: int = 4,
    rho: float = ROOT_RHO,
    kappa: float = root_era.KAPPA,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Curves and thresholds of the cartel experiment.

    Returns ``(curves, thresholds)``. ``curves``: for every support level ``t_pct`` and coalition
    stake fraction ``fraction``, subnet 0's emission share when the coalition backs it
    (``mode="push up"``) or withholds (``mode="push down"``) (:func:`root_era.cartel_curve`).
    ``thresholds``: the smallest fraction that moves trust across κ in each direction
    (:func:`root_era.cartel_threshold`). ``support_pcts``: a non-empty list of percentages in [0, 100];
    ``fractions``: coalition stake fractions in [0, 1] (default 0, 0.02, …, 1).
    """
    support_pcts = _pcts("support_pcts", support_pcts)
    check_int("n_subnets", n_subnets, lo=2, hi=4096)
    _rho_kappa(rho, kappa)
    f = np.round(np.linspace(0, 1, 51), 2) if fractions is None else check_array("fractions", fractions, lo=0, hi=1)
    curves = []
    for t in support_pcts:
        w, s = cartel_network(t / 100, n_subnets)
        for mode, label in (("support", "push up"), ("oppose", "push down")):
            df = root_era.cartel_curve(w, s, 0, f, mode=mode, rho=rho, kappa=kappa)
            curves.append(pd.DataFrame({"t_pct": int(t), "mode": label, "fraction": df["fraction"],
                                        "share": df["share"], "trust": df["trust"]}))
    return pd.concat(curves, ignore_index=True), cartel_thresholds(support_pcts, kappa=kappa)


def cartel_thresholds(support_pcts: Sequence[int] = tuple(range(0, 101, 5)), *,
                      kappa: float = root_era.KAPPA) -> pd.DataFrame:
    """Smallest coalition that moves trust across κ, for every support level ``t_pct`` (percent).

    Long format ``t_pct``, ``mode`` ("push up" / "push down"), ``threshold``
    (:func:`root_era.cartel_threshold`, vectorised).
    """
    t = check_array("support_pcts", support_pcts, lo=0.0, hi=100.0, min_size=1)
    up = root_era.cartel_threshold(t / 100, kappa=kappa)
    down = root_era.cartel_threshold(t / 100, kappa=kappa, direction="under")
    pcts = np.asarray(support_pcts).astype(int)
    return pd.concat([pd.DataFrame({"t_pct": pcts, "mode": "push up", "threshold": up}),
                      pd.DataFrame({"t_pct": pcts, "mode": "push down", "threshold": down})], ignore_index=True)


_MODE_COLORS = alt.Scale(domain=["push up", "push down"], range=["#27ae60", "#c0392b"])


def _cartel_chart(curves: Any, th: Any, t_param: alt.Parameter,
                  params: Sequence[alt.Parameter] = ()) -> alt.HConcatChart:
    def current(ch: alt.Chart) -> alt.Chart:
        return ch.transform_filter(alt.datum.t_pct == t_param)

    color = alt.Color("mode:N", scale=_MODE_COLORS, title="coalition", legend=alt.Legend(orient="top"))
    lines = current(alt.Chart(curves)).mark_line(strokeWidth=2.5).encode(
        x=alt.X("fraction:Q", title="coalition's share of root stake f"),
        y=alt.Y("share:Q", title="SN1's share of emission", scale=alt.Scale(domain=[0, 1])),
        color=color,
        tooltip=["mode:N", alt.Tooltip("fraction:Q", format=".2f"), alt.Tooltip("trust:Q", format=".3f"),
                 alt.Tooltip("share:Q", format=".4f")],
    )
    rules = current(alt.Chart(th)).transform_filter(alt.datum.threshold > 0).mark_rule(strokeDash=[5, 3]).encode(
        x="threshold:Q", color=color,
        tooltip=["mode:N", alt.Tooltip("threshold:Q", format=".3f", title="smallest f")],
    )
    left = (lines + rules).properties(width=WIDTH // 2 - 30, height=HEIGHT - 40,
                                      title="SN1's emission as the coalition grows")
    curve = alt.Chart(th).mark_line(strokeWidth=2.5).encode(
        x=alt.X("t_pct:Q", title="others' stake backing SN1 (%)"),
        y=alt.Y("threshold:Q", title="smallest coalition f to cross κ", scale=alt.Scale(domain=[0, 1])),
        color=color,
        tooltip=["mode:N", "t_pct:Q", alt.Tooltip("threshold:Q", format=".3f")],
    )
    dots = current(alt.Chart(th)).mark_point(size=90, filled=True).encode(x="t_pct:Q", y="threshold:Q", color=color)
    right = (curve + dots).properties(width=WIDTH // 2 - 30, height=HEIGHT - 40, title="How much stake it takes")
    chart = alt.hconcat(left, right, spacing=30)
    return chart.add_params(*params) if params else chart


def cartel_explorer(*, n_subnets: int = 4) -> Figure:
    """The cartel experiment: how much stake steers a subnet's emission across the κ threshold.

    The other validators back SN1 with a share ``t`` of their stake; a coalition holding ``f`` of all
    root stake either backs SN1 (push up) or withholds from it (push down). Left: SN1's emission
    share against ``f``, with the smallest ``f`` that moves trust across κ dashed. Right: that
    smallest ``f`` for every ``t`` (``(κ − t)/(1 − t)`` up, ``1 − κ/t`` down).

    Static face: a slider over ``t`` (0–100 %, step 5). Live face: ``t``, ρ, κ and the number of
    subnets, recomputed. ``n_subnets`` is an integer in [2, 4096].
    """
    n_subnets = check_int("n_subnets", n_subnets, lo=2, hi=4096)

    def static() -> alt.HConcatChart:
        tp = slider("support", lo=0, hi=100, step=5, value=30, label="others' stake backing SN1 (%) ")
        curves, th = cartel_grid(n_subnets=n_subnets)
        return _cartel_chart(curves, th, t_param=tp, params=(tp,))

    def build(curves: Any, th: Any) -> alt.HConcatChart:
        t_now = alt.param(name="t_now", value=0)
        return _cartel_chart(curves, th, t_param=t_now, params=(t_now,))

    template = LiveChart(build)

    def render(t_pct: int, rho: float, kappa: float, subnets: int):
        curves, _ = cartel_grid([int(t_pct)], np.round(np.linspace(0, 1, 101), 2), n_subnets=subnets, rho=rho,
                                kappa=kappa)
        th = cartel_thresholds(range(101), kappa=kappa)
        now = th[th["t_pct"] == int(t_pct)].set_index("mode")["threshold"].rename("smallest coalition f")
        return template({"t_now": int(t_pct)}, curves=curves, th=th), now.to_frame()

    def live():
        import ipywidgets as widgets

        controls = {
            "t_pct": widgets.IntSlider(value=30, min=0, max=100, description="others back SN1 %",
                                       style={"description_width": "120px"}, continuous_update=False),
            "rho": widgets.FloatSlider(value=ROOT_RHO, min=0, max=40, step=0.5, description="ρ",
                                       continuous_update=False),
            "kappa": widgets.FloatSlider(value=round(root_era.KAPPA, 4), min=0.05, max=0.95, step=0.01,
                                         description="κ", continuous_update=False),
            "subnets": widgets.IntSlider(value=n_subnets, min=2, max=64, description="subnets",
                                         continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="cartel experiment")


# ---------------------------------------------------------------------------------------------
# Concentration: why it was replaced
# ---------------------------------------------------------------------------------------------
def concentration_curves(*, rho: float = ROOT_RHO, kappa: float = root_era.KAPPA) -> pd.DataFrame:
    """Top-k stake share and contested-vote emission share, for the mid-2024 profile and 64 equal stakes.

    Long format: ``k``, ``profile``, ``measure``, ``value`` (:func:`root_era.stake_profile_2024`,
    :func:`root_era.contested_vote_share`; "stake of the top k" is the k largest stakes' part of
    all root stake).
    """
    _rho_kappa(rho, kappa)
    ks = np.arange(ROOT_MAX_UIDS + 1)
    profiles = {"mid-2024 (stylised)": root_era.stake_profile_2024(), "64 equal stakes": np.ones(ROOT_MAX_UIDS)}
    frames = []
    for name, st in profiles.items():
        stake_share = np.concatenate([[0.0], np.cumsum(np.sort(st)[::-1])]) / st.sum()
        won = root_era.contested_vote_share(st, ks, rho=rho, kappa=kappa)
        frames.append(pd.DataFrame({"k": ks, "profile": name, "measure": "stake of the top k", "value": stake_share}))
        frames.append(pd.DataFrame({"k": ks, "profile": name, "measure": "emission the top k win against all others",
                                    "value": won}))
    return pd.concat(frames, ignore_index=True)


def concentration_chart() -> alt.LayerChart:
    """How many root validators it takes to decide emission (spec §2), as curves over k."""
    df = concentration_curves()
    lines = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=alt.X("k:Q", title="the k largest root validators", scale=alt.Scale(domain=[0, ROOT_MAX_UIDS])),
        y=alt.Y("value:Q", title="share", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(range=[ROLE_COLORS["validators"], "#c0392b"]),
                        legend=alt.Legend(orient="top", direction="vertical", labelLimit=320)),
        strokeDash=alt.StrokeDash("profile:N", title=None, legend=alt.Legend(orient="top", direction="vertical"),
                                  scale=alt.Scale(domain=["mid-2024 (stylised)", "64 equal stakes"],
                                                  range=[[1, 0], [6, 4]])),
        tooltip=["profile:N", "measure:N", "k:Q", alt.Tooltip("value:Q", format=".3f")],
    )
    half = alt.Chart(pd.DataFrame({"y": [0.5]})).mark_rule(color="#7f8c8d", strokeDash=[2, 2]).encode(y="y:Q")
    return (lines + half).properties(width=WIDTH, height=HEIGHT,
                                     title="A few validators decide: top-k stake and votes won")


def concentration_table(ks: Sequence[int] = (1, 3, 4, 5, 10), *, rho: float = ROOT_RHO,
                        kappa: float = root_era.KAPPA) -> pd.DataFrame:
    """For the stylised mid-2024 profile: top-k stake, the emission they win in a contested vote,
    and the share of emission they decide when all vote alike (:func:`root_era.top_k_emission_share`).

    ``ks``: a non-empty list of integers in [0, 64] (the root network's size).
    """
    check_array("ks", ks, lo=0, hi=ROOT_MAX_UIDS, min_size=1)
    bad = [x for x in np.asarray(ks).tolist() if not isinstance(x, int)]
    if bad:
        raise TypeError(f"ks must contain integers, got {bad[0]!r}")
    _rho_kappa(rho, kappa)
    st = root_era.stake_profile_2024()
    k = np.array(ks, dtype=np.int64)
    uniform = np.ones((st.size, 8))  # everyone spreads weight over the same 8 subnets
    return pd.DataFrame({
        "k": k,
        "stake of the top k": (np.concatenate([[0.0], np.cumsum(np.sort(st)[::-1])]))[k],
        "emission decided (all vote alike)": root_era.top_k_emission_share(uniform, st, k, rho=rho, kappa=kappa),
        "emission won (everyone else votes against)": root_era.contested_vote_share(st, k, rho=rho, kappa=kappa),
    }).set_index("k").round(4)

