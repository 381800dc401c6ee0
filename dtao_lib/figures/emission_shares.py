"""Figures for the chapter "Emission shares — prices, flows and the EMA" (spec §3.2, §3.3).

Every number comes from :mod:`dtao_lib.coinbase` (the share rules of every era),
:mod:`dtao_lib.ema` (the moving price), :mod:`dtao_lib.taoflow` (flow EMAs and their
normalisation), :mod:`dtao_lib.amm` (what a pump costs) and the shipped mainnet data
(:mod:`dtao_lib.data`). This module arranges and draws them.

The real data, and what it can and cannot say
---------------------------------------------
* ``load_emission_shares()``: btcli's ``tao_in_emission`` per subnet, once a day from 14 September to
  27 October 2025, era A with the v3.2.3 "subsidy" injection. It is τ_in, not E·share: for a subnet
  whose spot price was below its share, τ_in = p·E and the rest went to a chain buy. The files
  contain no prices, so the model's per-subnet shares for those days cannot be recomputed; what can
  be checked is the daily total (:func:`autumn_days`).
* ``load_subnet_snapshot()`` (2026-04-11): EMA and spot prices, reserves, alpha issuance and root's
  TAO, so the price rules (A, C, D with burn 0) can be evaluated on that day's network. The live rule
  that day was TaoFlow (era B), whose flows the snapshot does not contain: price shares are a
  counterfactual for April 2026, and ``MinerBurned`` is not recorded either.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import amm, coinbase, ema, taoflow
from .._validate import check_array, check_bool, check_frame, check_int, check_int_array, check_real, check_str
from ..data import load_emission_days, load_emission_shares, load_subnet_snapshot
from ..interactive import Figure, live_panel
from ..params import (
    BLOCKS_PER_DAY,
    EMA_PRICE_HALVING_BLOCKS,
    EMISSION_BAR_QUANTILE,
    EMISSION_BAR_RANK,
    EMISSION_GATE_EXPONENT,
    ERA_LETTERS,
    MOVING_ALPHA,
    RAO_PER_TAO,
    TAO_WEIGHT,
    TOTAL_SUPPLY_RAO,
)
from ..params import era as _era
from ._fast import templated
from ._style import ERA_COLORS, HEIGHT, WIDTH, dropdown, slider
from .amm import pool_from_snapshot
from .dynamic_tao import SNAPSHOT_COLUMNS, era_block_emission, snapshot_block_state, subnet_example

__all__ = [
    "GATE_RANKS",
    "PUMP_ERAS",
    "TAOFLOW_PROTOCOL",
    "TAOFLOW_SUBNETS",
    "TAOFLOW_USER",
    "autumn_days",
    "autumn_shares_chart",
    "ema_response",
    "ema_response_grid",
    "ema_vs_spot",
    "era_rules",
    "gate_curve",
    "gate_explorer",
    "gate_snapshot",
    "gate_summary",
    "pump_explorer",
    "pump_for_share_gain",
    "pump_grid",
    "pump_path",
    "pump_summary",
    "share_rules",
    "share_rules_explorer",
    "snapshot_vs_autumn",
    "snapshot_vs_autumn_chart",
    "taoflow_example",
    "taoflow_explorer",
]

ONE_YEAR_BLOCKS = 365 * BLOCKS_PER_DAY
"""Default age of a subnet (blocks since ``start_call``) where none is recorded: one year."""


# ---------------------------------------------------------------------------------------------
# The eras of the share rule
# ---------------------------------------------------------------------------------------------
_RULE_TEXT = {
    "root_epoch": "root validators' weights (root epoch)",
    "ema_price": "p̄_i / Σ p̄_j",
    "taoflow": "max(S_i, 0)^p / Σ max(S_j, 0)^p  (user flow EMA)",
    "net_taoflow": "as B, with S_i − c·P_i (protocol flow subtracted)",
    "price_burn_root_prop": "∝ p̄_i · (1 − burn_i) · root_prop_i",
    "price_burn": "∝ p̄_i · (1 − burn_i)",
}


def era_rules() -> pd.DataFrame:
    """The emission-share eras of spec §3.2: first release, its tag date, the rule and E when it began
    (1 TAO per block before the mid-December 2025 halving, 0.5 after)."""
    rows = []
    for letter, tag in ERA_LETTERS.items():
        e = _era(tag)
        rows.append({"era": letter, "from": tag, "date": e.date.isoformat() if e.date else "",
                     "share_i": _RULE_TEXT[e.share_rule] if e.emission_gate == "none"
                     else f"Hill gate (h = 3, {e.emission_gate.replace('_', '-')} bar) of {_RULE_TEXT[e.share_rule]}",
                     "E at the start (TAO)": era_block_emission(tag) / RAO_PER_TAO if e.dtao else 1.0})
    return pd.DataFrame(rows).set_index("era")


# ---------------------------------------------------------------------------------------------
# The EMA price: age factor and response to a price step
# ---------------------------------------------------------------------------------------------
def ema_response_grid(ages_days: Sequence[int] = tuple(range(0, 361, 30)), *, horizon_days: int = 180,
                      step_days: int = 2, moving_alpha: float = MOVING_ALPHA,
                      halving_blocks: int = EMA_PRICE_HALVING_BLOCKS) -> pd.DataFrame:
    """Fraction of a price step the EMA has followed, ``1 − K_T``, against days since the step.

    One curve per subnet age at the step (days since ``start_call``), computed with
    :func:`dtao_lib.ema.keep_factor`, plus the mature limit (``age_days = -1``: ``a = α`` every block).
    ``ages_days``: at most 1 000 whole numbers of days in [0, 36 500]; ``horizon_days`` in [1, 3 650];
    ``step_days`` in [1, ``horizon_days``]; ``moving_alpha`` and ``halving_blocks`` as in
    :func:`dtao_lib.ema.keep_factor`.
    """
    ages = check_int_array("ages_days", ages_days, lo=0, hi=36_500, min_size=1, max_size=1_000).tolist()
    horizon = check_int("horizon_days", horizon_days, lo=1, hi=3_650)
    days = np.arange(0, horizon + 1, check_int("step_days", step_days, lo=1, hi=horizon))
    check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    check_int("halving_blocks", halving_blocks)
    n = days * BLOCKS_PER_DAY
    frames = []
    for age in (*ages, -1):
        if age < 0:
            k = ema.keep_factor(n, moving_alpha=moving_alpha, era="v2.0.5")
        else:
            k = ema.keep_factor(n, blocks_since_start=int(age) * BLOCKS_PER_DAY, moving_alpha=moving_alpha,
                                halving_blocks=halving_blocks)
        frames.append(pd.DataFrame({"age_days": int(age), "day": days.astype(int), "followed": 1.0 - k}))
    return pd.concat(frames, ignore_index=True)


def _ema_chart(df: pd.DataFrame, age: Any = None, params: Sequence[alt.Parameter] = ()) -> alt.LayerChart:
    mature = alt.Chart(df).transform_filter(alt.datum.age_days == -1).mark_line(
        strokeDash=[6, 4], color="#7f8c8d").encode(
        x=alt.X("day:Q", title="days since the spot price jumped"),
        y=alt.Y("followed:Q", title="share of the jump the EMA has followed", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("day:Q"), alt.Tooltip("followed:Q", format=".1%", title="followed (mature)")],
    )
    base = alt.Chart(df).transform_filter(alt.datum.age_days >= 0)
    base = base.transform_filter(alt.datum.age_days == age) if age is not None else base
    line = base.mark_line(strokeWidth=2.5, color=ERA_COLORS["A"]).encode(
        x="day:Q", y="followed:Q",
        tooltip=[alt.Tooltip("age_days:Q", title="age at the jump (days)"), "day:Q",
                 alt.Tooltip("followed:Q", format=".1%")],
    )
    half = alt.Chart(pd.DataFrame({"y": [0.5]})).mark_rule(color="#c0392b", strokeDash=[3, 3]).encode(y="y:Q")
    chart = (mature + line + half).properties(
        width=WIDTH, height=HEIGHT - 60,
        title="How fast the EMA price follows a jump in the spot price (dashed: a mature subnet)")
    return chart.add_params(*params) if params else chart


_ema_live = templated(_ema_chart)


def ema_response() -> Figure:
    """The EMA's response to a jump in spot price, for a subnet of a given age (spec §3.3).

    Static face: a slider for the subnet's age at the jump (0–360 days); the dashed curve is a
    mature subnet (``a = α``), the red line half the jump. Live face: age, ``α`` and the halving
    period ``h``.
    """

    def static() -> alt.LayerChart:
        age = slider("age", lo=0, hi=360, step=30, value=30, label="subnet's age at the jump (days) ")
        return _ema_chart(ema_response_grid(), age, (age,))

    def render(age_days: int, alpha_e6: float, h_days: int):
        df = ema_response_grid((age_days,), step_days=2, moving_alpha=alpha_e6 * 1e-6,
                               halving_blocks=h_days * BLOCKS_PER_DAY)
        hl = ema.blocks_to_reach(0.0, 1.0, 0.5, blocks_since_start=age_days * BLOCKS_PER_DAY,
                                 moving_alpha=alpha_e6 * 1e-6, halving_blocks=h_days * BLOCKS_PER_DAY)
        info = pd.DataFrame({"days to follow half the jump": [None if hl is None else hl / BLOCKS_PER_DAY]})
        return _ema_live(df), info

    def live():
        import ipywidgets as w

        style = {"description_width": "120px"}
        controls = {
            "age_days": w.IntSlider(value=30, min=0, max=730, step=1, description="age (days)", style=style,
                                    continuous_update=False),
            "alpha_e6": w.FloatSlider(value=3.0, min=0.5, max=20, step=0.1, description="α (× 10⁻⁶)", style=style,
                                      continuous_update=False),
            "h_days": w.IntSlider(value=EMA_PRICE_HALVING_BLOCKS // BLOCKS_PER_DAY, min=0, max=120,
                                  description="H (days)", style=style, continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="EMA response")


# ---------------------------------------------------------------------------------------------
# The price rules on the 2026-04-11 network
# ---------------------------------------------------------------------------------------------
def share_rules(burn_netuid: int = 64, burn: float = 0.0, *, snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every subnet's share of E on 2026-04-11 under the price rules, with one subnet burning.

    Columns: netuid, name, ``A`` (``p̄/Σp̄``), ``C`` (× (1 − burn) × root proportion, v3.4.6) and
    ``D`` (× (1 − burn), era D: 2026-06-30, before the emission gate), from
    :func:`dtao_lib.coinbase.emission_shares`. ``MinerBurned`` is not
    in the snapshot: it is 0 for every subnet except ``burn_netuid``, which burns ``burn`` of its
    miners' emission. Counterfactual: the live rule on 2026-04-11 was TaoFlow (era B).
    """
    b = check_real("burn", burn, lo=0.0, hi=1.0)
    n = check_int("burn_netuid", burn_netuid, lo=1, hi=65_535)
    df = load_subnet_snapshot() if snapshot is None else check_frame("snapshot", snapshot, SNAPSHOT_COLUMNS)
    state, ids = snapshot_block_state(snapshot=df)
    if n not in set(ids.tolist()):
        raise ValueError(f"burn_netuid must be a subnet of the snapshot ({int(ids.min())}–{int(ids.max())}), got {n}")
    burned = np.where(ids == n, b, 0.0)
    rp = np.array([coinbase.root_proportion(TAO_WEIGHT, int(state.root_tao), int(a)) for a in state.alpha_issuance])
    names = df.set_index("netuid")["name"]
    return pd.DataFrame({
        "netuid": ids, "name": [names[i] for i in ids],
        "A": coinbase.emission_shares(state.ema_prices, era="A"),
        "C": coinbase.emission_shares(state.ema_prices, miner_burned=burned, root_proportions=rp, era="v3.4.6"),
        "D": coinbase.emission_shares(state.ema_prices, miner_burned=burned, era="2026-06-30"),
    })


def _top_rows(shares: pd.DataFrame, top: int, **keys: Any) -> list[dict[str, Any]]:
    order = shares.sort_values("A", ascending=False)
    head, rest = order.head(top), order.iloc[top:]
    rows = []
    for _, r in head.iterrows():
        for rule in ("A", "C", "D"):
            rows.append({**keys, "subnet": f"{r['netuid']} {r['name']}", "rule": rule, "share": float(r[rule])})
    del rest  # the other subnets are left out of the chart (their total would dwarf the bars)
    return rows


_RULE_COLORS = alt.Scale(domain=["A", "C", "D"], range=[ERA_COLORS["A"], ERA_COLORS["C"], ERA_COLORS["D"]])


def _rules_chart(df: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = (),
                 order: Sequence[str] | str | None = None) -> alt.Chart:
    """Bars per subnet and rule; ``order`` lists the subnets top to bottom, or names a column to sort by."""
    base = alt.Chart(df)
    sort: Any = None
    if isinstance(order, str):
        sort = alt.EncodingSortField(field=order, op="min", order="ascending")
    elif order:
        sort = list(order)
    for f in filters:
        base = base.transform_filter(f)
    chart = base.mark_bar().encode(
        y=alt.Y("subnet:N", sort=sort, title=None),
        yOffset=alt.YOffset("rule:N", sort=["A", "C", "D"]),
        x=alt.X("share:Q", title="share of E", axis=alt.Axis(format="%")),
        color=alt.Color("rule:N", scale=_RULE_COLORS, title="rule",
                        legend=alt.Legend(orient="bottom", labelExpr=(
                            "datum.label == 'A' ? 'A: p̄ (EMA price)' : datum.label == 'C' ? "
                            "'C: p̄·(1 − burn)·root_prop' : 'D: p̄·(1 − burn)'"))),
        tooltip=["subnet:N", "rule:N", alt.Tooltip("share:Q", format=".3%")],
    ).properties(width=WIDTH - 120, height=HEIGHT + 60,
                 title="Share rules on the 2026-04-11 network (counterfactual: the live rule was TaoFlow)")
    return chart.add_params(*params) if params else chart


_rules_live = templated(_rules_chart)


def share_rules_explorer(burn_netuid: int = 64, top: int = 10) -> Figure:
    """Shares of the largest subnets (by rule A) on 2026-04-11 under rules A, C and D (spec §3.2).

    Static face: a slider for the miner burn of ``burn_netuid`` (0–100 %); the other subnets burn
    nothing (the snapshot does not record ``MinerBurned``). Live face: which subnet burns, how much,
    and how many subnets to list. ``burn_netuid`` is a subnet of the snapshot, ``top`` in [1, 128].
    """
    burn_netuid = _snapshot_netuid("burn_netuid", burn_netuid)
    top = check_int("top", top, lo=1, hi=128)

    def static() -> alt.Chart:
        bp = slider("burn", lo=0, hi=100, step=10, value=0, label=f"miner burn of netuid {burn_netuid} (%) ")
        rows = []
        for pct in range(0, 101, 10):
            rows += _top_rows(share_rules(burn_netuid, pct / 100), top, burn_pct=pct)
        df = pd.DataFrame(rows)
        order = list(dict.fromkeys(df[(df["burn_pct"] == 0) & (df["rule"] == "A")]["subnet"]))
        return _rules_chart(df, (alt.datum.burn_pct == bp,), (bp,), order)

    def render(netuid: int, burn_pct: float, top_n: int):
        shares = share_rules(netuid, burn_pct / 100)
        df = pd.DataFrame(_top_rows(shares, top_n))
        order = list(dict.fromkeys(df[df["rule"] == "A"]["subnet"]))
        df["rank"] = df["subnet"].map({name: i for i, name in enumerate(order)})
        return _rules_live(df, order="rank"), shares[shares["netuid"] == netuid]

    def live():
        import ipywidgets as w

        controls = {
            "netuid": w.BoundedIntText(value=burn_netuid, min=1, max=128, description="burning netuid"),
            "burn_pct": w.FloatSlider(value=50, min=0, max=100, step=1, description="miner burn %",
                                      continuous_update=False),
            "top_n": w.IntSlider(value=top, min=3, max=30, description="subnets", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="share rules")


# ---------------------------------------------------------------------------------------------
# TaoFlow: a five-subnet example
# ---------------------------------------------------------------------------------------------
TAOFLOW_SUBNETS = ("SN1", "SN2", "SN3", "SN4", "SN5")
TAOFLOW_USER = (900.0, 500.0, 200.0, -100.0, -300.0)
"""User flow EMAs of the example, in TAO per day (net TAO staked in, smoothed over ~30 days)."""
TAOFLOW_PROTOCOL = (400.0, 300.0, 600.0, 200.0, 100.0)
"""Protocol flow EMAs of the example (TAO injected + chain buys − root sells), TAO per day."""


def taoflow_example(sn3_user: float = TAOFLOW_USER[2], *, exponent: float = 1.0,
                    user: Sequence[float] = TAOFLOW_USER, protocol: Sequence[float] = TAOFLOW_PROTOCOL) -> pd.DataFrame:
    """Shares of a five-subnet example under TaoFlow (B) and net TaoFlow (B′), spec §3.2.

    ``sn3_user`` replaces SN3's user flow; flows are in TAO per day (the EMAs are per block on chain;
    a common factor does not change the shares). Uses :func:`dtao_lib.taoflow.flow_shares` (the
    chain's fixed-point normalisation) and :func:`dtao_lib.taoflow.net_flows`. ``user`` and ``protocol``
    hold five flows each; every flow is within ±21 M TAO per day (the supply), ``exponent`` in [0.1, 4].
    """
    lim = TOTAL_SUPPLY_RAO / RAO_PER_TAO
    u = check_array("user", user, shape=(5,), lo=-lim, hi=lim).copy()
    u[2] = check_real("sn3_user", sn3_user, lo=-lim, hi=lim)
    p = check_array("protocol", protocol, shape=(5,), lo=-lim, hi=lim).copy()
    x = check_real("exponent", exponent, lo=0.1, hi=4.0)
    net = taoflow.net_flows(u, p)
    gross = taoflow.flow_shares(u, p=x)
    netted = taoflow.flow_shares(u, p, p=x, net=True)
    return pd.DataFrame({"subnet": list(TAOFLOW_SUBNETS), "user flow": u, "protocol flow": p,
                         "net flow": net.net, "B: TaoFlow": gross, "B′: net TaoFlow": netted}).assign(
        scale_c=net.scale)


def _taoflow_chart(df: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = ()) -> alt.Chart:
    base = alt.Chart(df)
    for f in filters:
        base = base.transform_filter(f)
    chart = base.mark_bar().encode(
        x=alt.X("subnet:N", title=None),
        xOffset=alt.XOffset("rule:N"),
        y=alt.Y("share:Q", title="share of E", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("rule:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["B: TaoFlow", "B′: net TaoFlow"],
                                        range=[ERA_COLORS["B"], ERA_COLORS["B'"]])),
        tooltip=["subnet:N", "rule:N", alt.Tooltip("share:Q", format=".2%"),
                 alt.Tooltip("user:Q", format=",.0f", title="user flow (TAO/day)"),
                 alt.Tooltip("net:Q", format=",.1f", title="net flow (TAO/day)")],
    ).properties(width=WIDTH - 100, height=HEIGHT - 60, title="TaoFlow shares of five subnets")
    return chart.add_params(*params) if params else chart


_taoflow_live = templated(_taoflow_chart)


def _taoflow_long(df: pd.DataFrame, **keys: Any) -> list[dict[str, Any]]:
    rows = []
    for _, r in df.iterrows():
        for rule in ("B: TaoFlow", "B′: net TaoFlow"):
            rows.append({**keys, "subnet": r["subnet"], "rule": rule, "share": float(r[rule]),
                         "user": float(r["user flow"]), "net": float(r["net flow"])})
    return rows


def taoflow_explorer() -> Figure:
    """Five subnets' shares under TaoFlow and net TaoFlow as SN3's user flow changes (spec §3.2).

    Static face: a slider for SN3's user flow (−400 to +1 200 TAO per day) and a dropdown for the
    exponent p (``FlowNormExponent``, 1 on mainnet). Live face: every user and protocol flow and p.
    """

    def static() -> alt.Chart:
        fp = slider("sn3", lo=-400, hi=1200, step=100, value=200, label="SN3's user flow (TAO per day) ")
        xp = dropdown("p", [5, 10, 20], 10, "exponent p ", labels=["0.5", "1 (mainnet)", "2"])
        rows = []
        for f in range(-400, 1201, 100):
            for x10 in (5, 10, 20):
                rows += _taoflow_long(taoflow_example(f, exponent=x10 / 10), sn3=f, p10=x10)
        return _taoflow_chart(pd.DataFrame(rows), (alt.datum.sn3 == fp, alt.datum.p10 == xp), (fp, xp))

    def render(exponent: float, **flows: float):
        u = [flows[f"u{i}"] for i in range(5)]
        p = [flows[f"p{i}"] for i in range(5)]
        df = taoflow_example(u[2], exponent=exponent, user=u, protocol=p)
        return _taoflow_live(pd.DataFrame(_taoflow_long(df))), df.round(4)

    def live():
        import ipywidgets as w

        style = {"description_width": "90px"}
        controls: dict[str, Any] = {"exponent": w.FloatSlider(value=1.0, min=0.1, max=4, step=0.1,
                                                             description="exponent p", style=style,
                                                             continuous_update=False)}
        for i, name in enumerate(TAOFLOW_SUBNETS):
            controls[f"u{i}"] = w.FloatText(value=TAOFLOW_USER[i], description=f"{name} user", style=style,
                                            layout=w.Layout(width="190px"))
            controls[f"p{i}"] = w.FloatText(value=TAOFLOW_PROTOCOL[i], description=f"{name} protocol",
                                            style=style, layout=w.Layout(width="190px"))
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="TaoFlow")


# ---------------------------------------------------------------------------------------------
# The pump experiment
# ---------------------------------------------------------------------------------------------
PUMP_ERAS: tuple[tuple[str, str], ...] = (
    ("v3.2.3", "A · EMA price (autumn 2025)"),
    ("v3.2.10", "B · TaoFlow (Nov 2025)"),
    ("2026-06-30", "D · price × (1 − burn) (June 2026)"),
    ("head", "F · gated price share (HEAD, spec 459)"),
)
"""The releases the pump experiment compares: one per share rule, with that release's pool and E."""

_DEFAULT_PUMP_NETUID = 62


def pump_path(
    tao_in: float,
    hold_days: int,
    era: str = "head",
    *,
    netuid: int = _DEFAULT_PUMP_NETUID,
    horizon_days: int = 120,
    step_days: int = 1,
    blocks_since_start: int = ONE_YEAR_BLOCKS,
    network_inflow_tao_per_day: float = 3_600.0,
) -> pd.DataFrame:
    """Buy ``tao_in`` TAO of a subnet's alpha, hold it ``hold_days`` days, sell: the share over time.

    The model (every assumption is a parameter or stated here):

    * the subnet's pool is its 2026-04-11 pool in the design of ``era``
      (:func:`dtao_lib.figures.amm.pool_from_snapshot`); nobody else trades, so the spot price stays
      at the post-buy price until the sale and at the post-sale price after it (injections at the
      pool's price and chain buys are ignored);
    * the EMA starts at the subnet's 2026-04-11 moving price and follows the spot with the age factor
      (:func:`dtao_lib.ema.keep_factor`; age ``blocks_since_start`` at the buy, default one year); the
      other subnets' EMA prices stay at their 2026-04-11 values;
    * price eras (A, C, D; burn 0): share = p̄ / (p̄ + Σ others); in the gate eras (E, F: HEAD) that
      share vector then passes through the Hill gate with a bar recomputed every day (float Hill
      function, within ~1e-6 of the chain's I32F32 power; :func:`_gated_own_share`);
    * TaoFlow eras: the purchase is one block of inflow ``+tao_in`` and the sale one block of outflow;
      before the buy the subnet's flow EMA gives it its price share, and the other subnets' positive
      flow EMAs add up to ``network_inflow_tao_per_day`` (an assumption: the data has no flows).

    Returns one row per ``step_days`` from day 0 to ``horizon_days``: ``spot``, ``ema``, ``share``,
    ``base_share`` and ``extra_tao`` (TAO of emission gained since day 0, at the era's E).
    ``attrs`` hold the trades (see :func:`pump_summary`).
    """
    x = check_real("tao_in", tao_in, lo=0.0, lo_open=True, hi=1e7)
    hold = check_int("hold_days", hold_days, lo=1, hi=3_650)
    horizon = check_int("horizon_days", horizon_days, lo=1, hi=3_650)
    step = check_int("step_days", step_days, lo=1, hi=horizon)
    b0 = check_int("blocks_since_start", blocks_since_start)
    inflow = check_real("network_inflow_tao_per_day", network_inflow_tao_per_day, lo=0.0, lo_open=True)
    e = _era(era)
    if not e.dtao:
        raise ValueError(f"era must be a dTAO release (v2.0.0 or later), got {e.tag!r}")
    ex, pool, alpha_out_rao = _pump_context(check_int("netuid", netuid, lo=1, hi=65_535), e.tag)
    buy = pool.buy_alpha(round(x * RAO_PER_TAO))
    if not buy.ok or buy.amount_out == 0:
        raise ValueError(f"tao_in = {x} TAO cannot be bought on netuid {netuid}'s pool ({buy.rejected})")
    sell = buy.pool.sell_alpha(buy.amount_out)
    p_up, p_after = buy.pool.price, sell.pool.price
    others = ex.sum_ema_prices - ex.ema_price
    E = era_block_emission(e.tag)
    days = np.arange(0, horizon + 1, step)
    # EMA: constant spot p_up for `hold` days, then p_after; closed form on each segment.
    t_sell = hold * BLOCKS_PER_DAY
    tb = days * BLOCKS_PER_DAY
    c1, c2 = min(p_up, 1.0), min(p_after, 1.0)  # the chain clamps the spot at 1 (spec §3.3)
    k_daily = _daily_keep(b0, max(horizon, hold), e.tag)  # K after 0, 1, 2, … days
    k_days, k_sell = k_daily[days], float(k_daily[hold])
    ema_sell = c1 + (ex.ema_price - c1) * k_sell
    path = np.where(tb <= t_sell, c1 + (ex.ema_price - c1) * k_days,
                    c2 + (ema_sell - c2) * k_days / k_sell)
    spot = np.where(tb < t_sell, p_up, p_after)
    base = ex.price_share
    if e.share_rule in ("taoflow", "net_taoflow"):
        a = taoflow.FLOW_EMA_ALPHA
        f_others = inflow * RAO_PER_TAO / BLOCKS_PER_DAY
        s_base = base / (1.0 - base) * f_others
        s = s_base + a * buy.amount_in * np.power(1.0 - a, tb)
        s = s - np.where(tb >= t_sell, a * sell.amount_out * np.power(1.0 - a, np.maximum(tb - t_sell, 0)), 0.0)
        z = np.maximum(s, 0.0)
        share = z / (z + f_others)
    elif e.emission_gate != "none":
        share = _gated_own_share(path, netuid, e)
        base = float(_gated_own_share(np.array([ex.ema_price]), netuid, e)[0])
    else:
        share = path / (path + others)
    gain = (share - base) * E * BLOCKS_PER_DAY / RAO_PER_TAO  # TAO per day
    extra = np.concatenate([[0.0], np.cumsum((gain[1:] + gain[:-1]) / 2 * np.diff(days))])
    df = pd.DataFrame({"day": days, "spot": spot, "ema": path, "share": share, "base_share": base,
                       "extra_tao": extra})
    df.attrs.update(netuid=netuid, name=ex.name, era=e.tag, tao_in=x, hold_days=hold, buy=buy, sell=sell,
                    pool=pool, alpha_out_rao=alpha_out_rao, block_emission_rao=E)
    return df


def _gated_own_share(own_ema: np.ndarray, netuid: int, e: Any) -> np.ndarray:
    """A subnet's share under the emission gate (eras E, F) for each of its EMA prices ``own_ema``,
    the other subnets at their 2026-04-11 EMA prices (burn 0), with a fresh bar each time."""
    prices, ids, _ = _snapshot_prices()
    others = prices[ids != netuid]
    w = np.concatenate([np.asarray(own_ema, dtype=float)[:, None],
                        np.broadcast_to(others, (len(own_ema), others.size))], axis=1)
    w = w / w.sum(axis=1, keepdims=True)
    desc = -np.sort(-w, axis=1)
    if e.emission_gate == "rank":
        k = np.minimum(EMISSION_BAR_RANK, (desc > 0).sum(axis=1)) - 1
        theta = desc[np.arange(len(w)), np.maximum(k, 0)]
    else:  # q-mass: the share at which the running sum first reaches q
        k = np.minimum((np.cumsum(desc, axis=1) < EMISSION_BAR_QUANTILE).sum(axis=1), w.shape[1] - 1)
        theta = desc[np.arange(len(w)), k]
    with np.errstate(divide="ignore", over="ignore"):
        g = np.where(w > 0, w / (1.0 + (theta[:, None] / np.where(w > 0, w, 1.0)) ** EMISSION_GATE_EXPONENT), 0.0)
    return g[:, 0] / g.sum(axis=1)


@cache
def _pump_context(netuid: int, era_tag: str) -> tuple[Any, Any, int]:
    """The subnet (2026-04-11), its pool in the era's design and its alpha outstanding (rao)."""
    ex = subnet_example(netuid)
    pool = pool_from_snapshot(netuid, era_name=era_tag)
    alpha_out = round(float(load_subnet_snapshot().set_index("netuid").loc[netuid, "alpha_out_alpha"]) * RAO_PER_TAO)
    return ex, pool, alpha_out


def _daily_keep(blocks_since_start: int, days: int, era_tag: str) -> np.ndarray:
    """:func:`dtao_lib.ema.keep_factor` after 0, 1, …, ``days`` days (one cumulative product).

    Computed for a whole number of half-years and sliced: a longer holding time reuses the product."""
    return _daily_keep_upto(blocks_since_start, -(-(days + 1) // 182) * 182, era_tag)[: days + 1]


@cache
def _daily_keep_upto(blocks_since_start: int, days: int, era_tag: str) -> np.ndarray:
    k = ema.keep_factor(np.arange(days + 1) * BLOCKS_PER_DAY, blocks_since_start=blocks_since_start, era=era_tag)
    k.flags.writeable = False
    return k


def pump_summary(path: pd.DataFrame) -> pd.DataFrame:
    """Costs and gains of the pump in :func:`pump_path` (TAO), as a table.

    * fees of the buy and the sale (alpha fees valued at the price they were paid at);
    * TAO back when nobody else traded (the sale reverses the buy) and when the others sold into the
      pump first, so that the sale meets the pool at its original price (the market risk);
    * extra TAO emitted to the subnet over the horizon, and the pumper's pro-rata part of it: the
      extra TAO flows into the subnet's pool, and an alpha holder's claim on the pool is at most its
      share of the alpha outstanding (an upper bound; the chapter explains why).
    """
    check_frame("path", path, ("day", "share", "base_share", "extra_tao"))
    if len(path) < 2:  # pump_path returns at least days 0 and step_days
        raise ValueError(f"path must have at least 2 rows (a frame returned by pump_path), got {len(path)}")
    a = path.attrs
    missing = [k for k in ("buy", "sell", "pool", "tao_in", "alpha_out_rao") if k not in a]
    if missing:
        raise ValueError(f"path must be a frame returned by pump_path (its attrs lack {missing})")
    buy, sell, pool = a["buy"], a["sell"], a["pool"]
    fee = lambda r: r.fee if r.fee_token == "tao" else r.fee * r.price_before  # noqa: E731
    worst = pool.sell_alpha(buy.amount_out)
    extra = float(path["extra_tao"].iloc[-1])
    held = buy.amount_out / (a["alpha_out_rao"] + buy.amount_out)
    rows = [
        ("TAO paid", a["tao_in"]),
        ("alpha bought", buy.amount_out / RAO_PER_TAO),
        ("spot price before → after the buy", f"{buy.price_before:.5f} → {buy.pool.price:.5f}"),
        ("largest share gain (percentage points)", 100 * float((path["share"] - path["base_share"]).max())),
        ("days with at least +1 point of share", int(((path["share"] - path["base_share"]) >= 0.01).sum()
                                                     * (path["day"].iloc[1] - path["day"].iloc[0]))),
        ("extra TAO emitted to the subnet (horizon)", extra),
        ("pumper's pro-rata part of it (upper bound)", extra * held),
        ("fees paid (buy + sale)", (fee(buy) + fee(sell)) / RAO_PER_TAO),
        ("TAO back if nobody else traded", sell.amount_out / RAO_PER_TAO),
        ("TAO back if others sold the price back first", worst.amount_out / RAO_PER_TAO),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value"]).set_index("quantity")


_BAR_ITEMS = ["your part of the extra TAO", "fees", "loss if no one trades", "loss if others sell"]


def _bar_values(summary: pd.DataFrame) -> list[float]:
    """The bars of the pump figure (TAO; gains positive, costs negative), in the order of ``_BAR_ITEMS``."""
    v = summary["value"]
    paid = float(v["TAO paid"])
    return [float(v["pumper's pro-rata part of it (upper bound)"]), -float(v["fees paid (buy + sale)"]),
            -(paid - float(v["TAO back if nobody else traded"])),
            -(paid - float(v["TAO back if others sold the price back first"]))]


def pump_for_share_gain(
    gain_points: float = 1.0,
    hold_days: Sequence[int] = (7, 14, 30, 60, 90, 180),
    *,
    era: str = "head",
    netuid: int = _DEFAULT_PUMP_NETUID,
    blocks_since_start: int = ONE_YEAR_BLOCKS,
    after_days: int = 120,
) -> pd.DataFrame:
    """How much and how long: the pump that lifts a price-rule share by ``gain_points`` points.

    For each holding time ``N``: the EMA price the subnet needs (:func:`dtao_lib.coinbase.price_for_share`;
    in the gate eras :func:`dtao_lib.coinbase.price_for_share_gated`; other subnets fixed at
    2026-04-11), the constant spot price that brings the EMA there in ``N`` days
    (:func:`dtao_lib.ema.spot_to_reach`), the TAO that buys the pool up to it
    (:func:`dtao_lib.amm.stake_to_reach_price`), and the outcome of :func:`pump_path` with that purchase
    held ``N`` days and watched for ``after_days`` more. Rows where no spot price can do it (it would
    have to exceed 1 TAO per alpha, the clamp) have ``NaN`` amounts. ``hold_days``: at most 100 whole
    numbers in [1, 3 650]; ``after_days`` in [0, 3 650 − max(hold_days)] (the path's horizon is at most
    ten years); ``gain_points`` in (0, 99].
    """
    gain = check_real("gain_points", gain_points, lo=0.0, lo_open=True, hi=99.0)
    holds = check_int_array("hold_days", hold_days, lo=1, hi=3_650, min_size=1, max_size=100).tolist()
    after = check_int("after_days", after_days, lo=0, hi=3_650 - max(holds))
    b0 = check_int("blocks_since_start", blocks_since_start)
    n_id = check_int("netuid", netuid, lo=1, hi=65_535)
    e = _era(era)
    if e.share_rule not in ("ema_price", "price_burn", "price_burn_root_prop"):
        raise ValueError(f"era must use a price rule (A, C, D), got {e.tag!r} ({e.share_rule})")
    ex, pool, _ = _pump_context(n_id, e.tag)
    base_share = ex.price_share
    if e.emission_gate != "none":  # HEAD: the price that gives the gated share (addendum §A2)
        prices, ids, _ = _snapshot_prices()
        base_share = float(_gated_own_share(np.array([ex.ema_price]), netuid, e)[0])
        target = coinbase.price_for_share_gated(base_share + gain / 100, prices[ids != netuid],
                                                rank=EMISSION_BAR_RANK if e.emission_gate == "rank" else 0)
    else:
        target = coinbase.price_for_share(ex.price_share + gain / 100, ex.sum_ema_prices - ex.ema_price)
    rows = []
    for n in holds:
        c = ema.spot_to_reach(ex.ema_price, target, n * BLOCKS_PER_DAY, blocks_since_start=b0, era=e)
        row: dict[str, Any] = {"days held": n, "EMA target": target, "spot to hold": c,
                               "spot / today": c / pool.price if math.isfinite(c) else math.nan}
        if math.isfinite(c) and c > pool.price:
            tao = amm.stake_to_reach_price(pool, c) / RAO_PER_TAO
            p = pump_path(tao, n, e.tag, netuid=n_id, horizon_days=n + after, blocks_since_start=b0)
            v = pump_summary(p)["value"]
            row.update({"TAO to buy": tao, "share gain (points)": float(v["largest share gain (percentage points)"]),
                        "extra TAO to the subnet": float(v["extra TAO emitted to the subnet (horizon)"]),
                        "pumper's part (≤)": float(v["pumper's pro-rata part of it (upper bound)"]),
                        "fees": float(v["fees paid (buy + sale)"]),
                        "loss if others sell first": tao - float(v["TAO back if others sold the price back first"])})
        rows.append(row)
    df = pd.DataFrame(rows).set_index("days held")
    df.attrs.update(netuid=netuid, name=ex.name, era=e.tag, base_share=base_share, gain_points=gain)
    return df


_PUMP_AMOUNTS_K = tuple(range(2, 21, 2))
_PUMP_HOLDS = (15, 30, 60, 90)


def pump_grid(amounts_k: Sequence[int] = _PUMP_AMOUNTS_K, holds: Sequence[int] = _PUMP_HOLDS, *,
              netuid: int = _DEFAULT_PUMP_NETUID, horizon_days: int = 120,
              step_days: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pump experiment over a grid (static face): paths and cost/gain bars.

    Keys ``era`` (tag), ``k`` (thousands of TAO bought), ``hold`` (days). Returns ``(paths, bars)``:
    ``paths`` has ``day, spot, ema, share_pct, base_pct``; ``bars`` the TAO amounts of
    :func:`pump_summary` (pro-rata gain, fees, round-trip loss, loss if the price falls back).
    ``amounts_k`` (whole thousands of TAO in [1, 10 000]) and ``holds`` (whole days in [1, 3 650]) make at
    most 400 pairs; ``netuid``, ``horizon_days`` and ``step_days`` as in :func:`pump_path`.
    """
    ks = check_int_array("amounts_k", amounts_k, lo=1, hi=10_000, min_size=1, max_size=100).tolist()
    hs = check_int_array("holds", holds, lo=1, hi=3_650, min_size=1, max_size=100).tolist()
    if len(ks) * len(hs) > 400:
        raise ValueError(f"amounts_k × holds must have at most 400 pairs (each is {len(PUMP_ERAS)} pumps), got "
                         f"{len(ks)} × {len(hs)}")
    n_id = check_int("netuid", netuid, lo=1, hi=65_535)
    horizon = check_int("horizon_days", horizon_days, lo=1, hi=3_650)
    step = check_int("step_days", step_days, lo=1, hi=horizon)
    paths, bars = [], []
    for tag, _ in PUMP_ERAS:
        for k in ks:
            for hold in hs:
                p = pump_path(k * 1_000, hold, tag, netuid=n_id, horizon_days=horizon, step_days=step)
                keys = {"era": tag, "k": int(k), "hold": int(hold)}
                paths.append(pd.DataFrame({**keys, "day": p["day"], "spot": p["spot"].round(6),
                                           "ema": p["ema"].round(6), "share_pct": (100 * p["share"]).round(4),
                                           "base_pct": round(100 * float(p["base_share"].iloc[0]), 4)}))
                for what, v in zip(_BAR_ITEMS, _bar_values(pump_summary(p)), strict=True):
                    bars.append({**keys, "item": what, "tao": round(v, 4)})
    return pd.concat(paths, ignore_index=True), pd.DataFrame(bars)


_PATH_SERIES = ["day", "spot", "ema", "share_pct"]


def _nest(paths: pd.DataFrame) -> pd.DataFrame:
    """One row per (era, k, hold) with the day series as lists (flattened again in the browser):
    the same data in a third of the bytes, since the keys are not repeated on every day."""
    keys = ["era", "k", "hold", "base_pct"]
    return paths.groupby(keys, sort=False)[_PATH_SERIES].agg(list).reset_index()


def _pump_chart(paths: pd.DataFrame, bars: pd.DataFrame, filters: Sequence[Any] = (),
                params: Sequence[alt.Parameter] = (), nested: bool = False) -> alt.VConcatChart:
    def filt(ch: alt.Chart, flatten: bool = True) -> alt.Chart:
        for f in filters:
            ch = ch.transform_filter(f)
        return ch.transform_flatten(_PATH_SERIES) if nested and flatten else ch

    x = alt.X("day:Q", title="days since the buy")
    price_colors = alt.Scale(domain=["spot", "EMA"], range=["#7f8c8d", ERA_COLORS["A"]])
    prices = filt(alt.Chart(paths)).transform_calculate(EMA="datum.ema").transform_fold(
        ["spot", "EMA"], as_=["series", "price"])
    enc = {"x": x, "y": alt.Y("price:Q", title="TAO per alpha"),
           "color": alt.Color("series:N", scale=price_colors, legend=alt.Legend(orient="top", title=None)),
           "tooltip": ["day:Q", "series:N", alt.Tooltip("price:Q", format=".5f")]}
    spot = prices.transform_filter(alt.datum.series == "spot").mark_line(strokeWidth=2, interpolate="step-after")
    ema_line = prices.transform_filter(alt.datum.series == "EMA").mark_line(strokeWidth=2.5)
    spot, ema_line = spot.encode(**enc), ema_line.encode(**enc)
    price = (spot + ema_line).properties(width=WIDTH // 2 - 65, height=HEIGHT - 90, title="spot and EMA price")
    share = filt(alt.Chart(paths)).mark_line(strokeWidth=2.5, color=ERA_COLORS["D"]).encode(
        x=x, y=alt.Y("share_pct:Q", title="share of E (%)", scale=alt.Scale(zero=False)),
        tooltip=["day:Q", alt.Tooltip("share_pct:Q", format=".3f", title="share %"),
                 alt.Tooltip("base_pct:Q", format=".3f", title="without the pump %")],
    )
    base = filt(alt.Chart(paths)).mark_line(strokeDash=[5, 4], color="#7f8c8d").encode(x=x, y="base_pct:Q")
    shares = (base + share).properties(width=WIDTH // 2 - 65, height=HEIGHT - 90,
                                       title="share of E (dashed: no pump)")
    colors = alt.Scale(domain=_BAR_ITEMS, range=["#27ae60", "#f39c12", "#e67e22", "#c0392b"])
    cost = filt(alt.Chart(bars), flatten=False).mark_bar().encode(
        y=alt.Y("item:N", sort=_BAR_ITEMS, title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("tao:Q", title="TAO (gain > 0, cost < 0)"),
        color=alt.Color("item:N", scale=colors, legend=None),
        tooltip=["item:N", alt.Tooltip("tao:Q", format=",.2f")],
    ).properties(width=WIDTH - 280, height=110, title="what the pump earns and costs the pumper (TAO)")
    chart = alt.vconcat(alt.hconcat(price, shares, spacing=20), cost, spacing=18).resolve_scale(color="independent")
    return chart.add_params(*params) if params else chart


_pump_live = templated(_pump_chart)


def pump_explorer(netuid: int = _DEFAULT_PUMP_NETUID) -> Figure:
    """The pump experiment (spec §3.2, §3.3, §4): buy, hold, sell; the share gained and the costs.

    Static face: the share rule (dropdown: A, B, D), TAO bought (2 000–20 000) and days held (15, 30,
    60, 90) on ``netuid``'s 2026-04-11 pool. Live face: any subnet, amount, holding time, subnet age
    and (for TaoFlow) the network's total inflow, with the summary table. ``netuid`` is a subnet of
    the snapshot.
    """
    netuid = _snapshot_netuid("netuid", netuid)

    def static() -> alt.VConcatChart:
        ep = dropdown("rule", [t for t, _ in PUMP_ERAS], "head", "share rule ", labels=[lab for _, lab in PUMP_ERAS])
        kp = slider("k", lo=2, hi=20, step=2, value=10, label="TAO bought (thousands) ")
        hp = dropdown("hold", list(_PUMP_HOLDS), 30, "days held ")
        paths, bars = pump_grid(netuid=netuid)
        filters = (alt.datum.era == ep, alt.datum.k == kp, alt.datum.hold == hp)
        return _pump_chart(_nest(paths), bars, filters, (ep, kp, hp), nested=True).properties(
            title=f"A pump on netuid {netuid} ({subnet_example(netuid).name}), 2026-04-11 pool")

    def render(netuid: int, era: str, tao_k: float, hold_days: int, age_days: int, inflow: float):
        p = pump_path(tao_k * 1_000, hold_days, era, netuid=netuid, horizon_days=max(120, hold_days + 30),
                      step_days=1, blocks_since_start=age_days * BLOCKS_PER_DAY, network_inflow_tao_per_day=inflow)
        s = pump_summary(p)
        paths = p.assign(share_pct=100 * p["share"], base_pct=100 * p["base_share"])
        bars = pd.DataFrame({"item": _BAR_ITEMS, "tao": _bar_values(s)})
        return _pump_live(paths, bars), s

    def live():
        import ipywidgets as w

        style = {"description_width": "120px"}
        controls = {
            "netuid": w.BoundedIntText(value=netuid, min=1, max=128, description="netuid", style=style),
            "era": w.Dropdown(options=[(lab, t) for t, lab in PUMP_ERAS], value="head", description="share rule",
                              style=style),
            "tao_k": w.FloatLogSlider(value=10, base=10, min=-1, max=2.5, step=0.05,
                                      description="TAO bought (k)", style=style, continuous_update=False),
            "hold_days": w.IntSlider(value=30, min=1, max=365, description="days held", style=style,
                                     continuous_update=False),
            "age_days": w.IntSlider(value=365, min=0, max=1500, description="subnet age (days)", style=style,
                                    continuous_update=False),
            "inflow": w.FloatLogSlider(value=3_600, base=10, min=2, max=5, step=0.05,
                                       description="network inflow/day", style=style, continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="pump experiment")


# ---------------------------------------------------------------------------------------------
# Real data: autumn 2025 and the 2026-04-11 snapshot
# ---------------------------------------------------------------------------------------------
def autumn_days() -> pd.DataFrame:
    """What the daily totals of the autumn-2025 data say under the v3.2.3 injection rule (spec §3.4).

    In v3.2.3 – v3.2.9 every subnet's ``τ_in`` is ``E·share_i`` unless its spot price is below its
    share (then ``p_i·E``, the rest buying alpha), so ``E − Σ τ_in`` is the TAO spent on chain buys
    plus truncation dust (under 1.25 rao per subnet: ``E·share`` is truncated twice). Indexed by
    date; columns: subnets, Σ τ_in (TAO per block), shortfall in rao per block, the dust bound,
    whether any subnet must have been subsidised at the capture, and the implied chain buys in TAO
    per day (the capture's rate × 7 200 blocks).
    """
    d = load_emission_days()
    total_rao = np.round(d["total_tao_per_block"].to_numpy(dtype=float) * RAO_PER_TAO).astype(np.int64)
    E = RAO_PER_TAO  # 1 TAO per block before the December 2025 halving
    short = E - total_rao
    dust_bound = np.ceil(1.25 * d["subnets"].to_numpy()).astype(np.int64)
    return pd.DataFrame({
        "date": d["date"].dt.date if hasattr(d["date"], "dt") else d["date"],
        "subnets": d["subnets"].to_numpy(),
        "Σ τ_in (TAO/block)": total_rao / RAO_PER_TAO,
        "shortfall (rao/block)": short,
        "dust bound (rao)": dust_bound,
        "subsidy at capture": short > dust_bound,
        "chain buys (TAO/day)": np.where(short > dust_bound, short, 0) * BLOCKS_PER_DAY / RAO_PER_TAO,
    }).set_index("date")


def autumn_shares_chart(top: int = 8) -> alt.Chart:
    """Daily shares of TAO emission in autumn 2025 (era A): the ``top`` subnets by mean share, and the
    rest, stacked. Hover for the subnet (names as in the 2026-04-11 snapshot; a netuid can change owner)."""
    s = load_emission_shares()
    names = load_subnet_snapshot().set_index("netuid")["name"]
    mean = s.groupby("netuid")["share"].mean().sort_values(ascending=False)
    keep = list(mean.index[:check_int("top", top, lo=1, hi=100)])
    s = s.assign(subnet=[f"{n} {names.get(n, '?')}" if n in keep else "others" for n in s["netuid"]])
    df = s.groupby(["date", "subnet"], as_index=False)["share"].sum()
    order = [f"{n} {names.get(n, '?')}" for n in keep] + ["others"]
    df["order"] = df["subnet"].map({k: i for i, k in enumerate(order)})
    return alt.Chart(df).mark_area().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%d %b")),
        y=alt.Y("share:Q", stack="zero", title="share of TAO emission (τ_in)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("subnet:N", sort=order, title=None, legend=alt.Legend(orient="right"),
                        scale=alt.Scale(scheme="tableau10")),
        order=alt.Order("order:Q", sort="descending"),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "subnet:N", alt.Tooltip("share:Q", format=".2%")],
    ).properties(width=WIDTH - 140, height=HEIGHT - 40,
                 title="TAO emission by subnet, 14 Sept – 27 Oct 2025 (btcli τ_in, era A)")


def snapshot_vs_autumn(day: str = "2025-10-27") -> pd.DataFrame:
    """Each subnet's real share on an autumn-2025 day next to its EMA-price share on 2026-04-11.

    Two different dates and two different live rules (era A with subsidies in October 2025, TaoFlow
    in April 2026): the April column is what the price rule *would* have given. Columns: netuid,
    name (2026), ``real share <day>`` (btcli τ_in normalised) and ``price share 2026-04-11``. Netuids
    missing on either side are dropped; a netuid can have been re-registered in between.
    """
    check_str("day", day)
    try:
        when = pd.Timestamp(day)
    except ValueError:
        raise ValueError(f"day must be a date 'YYYY-MM-DD' of the autumn-2025 data (2025-09-14 … 2025-10-27), "
                         f"got {day!r}") from None
    s = load_emission_shares()
    sel = s[s["date"] == when]
    if sel.empty:
        raise ValueError(f"day must be a date of the autumn-2025 data (2025-09-14 … 2025-10-27), got {day!r}")
    rules = share_rules()
    out = sel[["netuid", "share"]].merge(rules[["netuid", "name", "A"]], on="netuid")
    return out.rename(columns={"share": f"real share {day}", "A": "price share 2026-04-11"})


def snapshot_vs_autumn_chart(day: str = "2025-10-27") -> alt.LayerChart:
    """Scatter of :func:`snapshot_vs_autumn` on log axes, with the diagonal (same share on both dates)."""
    df = snapshot_vs_autumn(day)
    real, price = f"real share {day}", "price share 2026-04-11"
    df = df[(df[real] > 0) & (df[price] > 0)].rename(columns={real: "real", price: "price"})
    lo, hi = float(min(df["real"].min(), df["price"].min())), float(max(df["real"].max(), df["price"].max()))
    scale = alt.Scale(type="log", domain=[lo * 0.8, hi * 1.25])
    pts = alt.Chart(df).mark_circle(size=55, opacity=0.75, color=ERA_COLORS["A"]).encode(
        x=alt.X("real:Q", scale=scale, title=f"real share of TAO emission on {day} (τ_in)", axis=alt.Axis(format="%")),
        y=alt.Y("price:Q", scale=scale, title="EMA-price share on 2026-04-11", axis=alt.Axis(format="%")),
        tooltip=["netuid:Q", "name:N", alt.Tooltip("real:Q", format=".3%"), alt.Tooltip("price:Q", format=".3%")],
    )
    diag = alt.Chart(pd.DataFrame({"x": [lo * 0.8, hi * 1.25]})).mark_line(color="#999", strokeDash=[4, 4]).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("x:Q", scale=scale))
    return (diag + pts).properties(width=WIDTH - 180, height=WIDTH - 180,
                                   title="Same subnets, six months apart (dashed: equal shares)")


def ema_vs_spot(top: int = 8, *, snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Subnets whose spot price was furthest from their EMA price on 2026-04-11 (spec §3.3).

    Columns: name, spot (the reported price), EMA (``moving_price``), ``spot / EMA − 1`` and the
    shares the price rule (era A) gives with the EMA prices and with the spot prices. Subnets without a
    moving price (netuid 96, just registered) are left out.
    """
    n_top = check_int("top", top, lo=1, hi=200)
    df = load_subnet_snapshot() if snapshot is None else check_frame(
        "snapshot", snapshot, ("netuid", "name", "price_tao_per_alpha", "moving_price_tao_per_alpha"))
    d = df[(df["netuid"] != 0) & df["moving_price_tao_per_alpha"].notna()].copy()
    d["gap"] = d["price_tao_per_alpha"] / d["moving_price_tao_per_alpha"] - 1.0
    d["by EMA"] = coinbase.emission_shares(d["moving_price_tao_per_alpha"].to_numpy(dtype=float), era="A")
    d["by spot"] = coinbase.emission_shares(d["price_tao_per_alpha"].to_numpy(dtype=float), era="A")
    d = d.reindex(d["gap"].abs().sort_values(ascending=False).index).head(n_top)
    return pd.DataFrame({"netuid": d["netuid"].to_numpy(), "name": d["name"].to_numpy(),
                         "spot": d["price_tao_per_alpha"].to_numpy(),
                         "EMA": d["moving_price_tao_per_alpha"].to_numpy(),
                         "spot / EMA − 1": d["gap"].round(4).to_numpy(),
                         "share by EMA": d["by EMA"].round(5).to_numpy(),
                         "share by spot": d["by spot"].round(5).to_numpy()}).set_index("netuid")


# ---------------------------------------------------------------------------------------------
# Eras E and F: the emission gate (addendum §A2) on the 2026-04-11 network
# ---------------------------------------------------------------------------------------------
GATE_RANKS: tuple[int, ...] = (8, 16, 32, 64, 96)
"""Bar ranks N the static gate figure offers (HEAD: 32)."""


@cache
def _snapshot_prices() -> tuple[np.ndarray, np.ndarray, pd.Series]:
    state, ids = snapshot_block_state()
    names = load_subnet_snapshot().set_index("netuid")["name"]
    return state.ema_prices, ids, names


def _snapshot_netuid(name: str, netuid: Any) -> int:
    """``netuid`` as an int, checked to be a non-root subnet of the 2026-04-11 snapshot."""
    n = check_int(name, netuid, lo=1, hi=65_535)
    ids = _snapshot_prices()[1]
    if n not in ids:
        raise ValueError(f"{name} must be a non-root subnet of the 2026-04-11 snapshot "
                         f"({int(ids.min())}–{int(ids.max())}), got {n}")
    return n


def gate_snapshot(rank: int = EMISSION_BAR_RANK, exponent: float = EMISSION_GATE_EXPONENT, *,
                  prices_for_share: bool = False) -> pd.DataFrame:
    """Every subnet of 2026-04-11 under the June 2026 rule (era D) and under HEAD's gate (addendum §A2).

    With ``MinerBurned`` = 0 (not in the snapshot) era D's share is the EMA-price share; HEAD passes it
    through the Hill gate around the bar θ = the ``rank``-th largest share (fresh bar, as on an update
    block). Both from :func:`dtao_lib.coinbase.emission_shares`. Counterfactual: the live rule on
    2026-04-11 was TaoFlow.

    Columns: netuid, name, ``rank`` (by EMA price), ``D`` and ``HEAD`` (shares), ``HEAD / D``,
    ``at or above bar`` (its D share ≥ θ) and, with ``prices_for_share``, ``price × for D share``:
    the factor by which its EMA price must rise for HEAD to give it its era-D share back
    (:func:`dtao_lib.coinbase.price_for_share_gated`, bar recomputed with the subnet included).
    ``attrs['bar']`` is θ.
    """
    r = check_int("rank", rank, lo=1, hi=128)
    h = check_real("exponent", exponent, lo=0.0, hi=20.0)
    with_prices = check_bool("prices_for_share", prices_for_share)
    prices, ids, names = _snapshot_prices()
    d = coinbase.emission_shares(prices, era="2026-06-30")
    head = coinbase.emission_shares(prices, era="head", emission_bar_rank=r, emission_gate_exponent=h)
    theta = coinbase.emission_gate_bar(d, rank=r)
    order = np.argsort(-d, kind="stable")
    ranks = np.empty(d.size, dtype=int)
    ranks[order] = np.arange(1, d.size + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d > 0, head / np.where(d > 0, d, 1.0), np.nan)
    df = pd.DataFrame({"netuid": ids, "name": [names[i] for i in ids], "rank": ranks, "D": d, "HEAD": head,
                       "HEAD / D": ratio, "at or above bar": d >= theta})
    if with_prices:
        mult = []
        for i in range(d.size):
            if d[i] <= 0:
                mult.append(np.nan)
                continue
            others = np.delete(prices, i)
            p = coinbase.price_for_share_gated(float(d[i]), others, rank=r, exponent=h)
            mult.append(p / prices[i])
        df["price × for D share"] = mult
    df = df.sort_values("rank").reset_index(drop=True)
    df.attrs.update(bar=theta, rank=r, exponent=h)
    return df


def _hhi(s: np.ndarray) -> float:
    t = s.sum()
    return float(((s / t) ** 2).sum()) if t > 0 else math.nan


def gate_summary(rank: int = EMISSION_BAR_RANK, exponent: float = EMISSION_GATE_EXPONENT) -> pd.DataFrame:
    """How much the gate concentrates emission on 2026-04-11: era D against HEAD (addendum §A2).

    Rows: the bar θ, subnets at or above it, the largest share, the top-32 share, the bottom half's
    share, the Herfindahl–Hirschman index ``Σ share²`` and its inverse (the "effective number" of
    subnets, equal to N when all N shares are equal).
    """
    return _gate_summary_of(gate_snapshot(rank, exponent))


def _gate_summary_of(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`gate_summary` of a :func:`gate_snapshot` frame (the live face builds the snapshot once)."""
    rows = []
    half = len(df) // 2
    for col in ("D", "HEAD"):
        s = df[col].to_numpy()  # sorted by era-D rank
        rows.append({"rule": col, "bar θ": df.attrs["bar"] if col == "HEAD" else math.nan,
                     "subnets at or above the bar": int(df["at or above bar"].sum()) if col == "HEAD" else math.nan,
                     "largest share": float(s.max()), "top-32 share": float(s[:32].sum()),
                     "bottom-half share": float(s[half:].sum()), "HHI": _hhi(s),
                     "effective number of subnets": 1.0 / _hhi(s)})
    return pd.DataFrame(rows).set_index("rule").T


def gate_curve(bars: Sequence[float] = (0.002, 0.005, 0.01, 0.02), exponents: Sequence[float] = (1, 2, 3, 5, 8), *,
               points: int = 121) -> pd.DataFrame:
    """The Hill gate ``1/(1 + (θ/s)^h)``: the fraction of its pre-gate share ``s`` a subnet keeps before
    renormalisation, for each bar θ and exponent h (float; the chain's I32F32 power is within ~1e-6,
    :func:`dtao_lib.coinbase.emission_gate`). ``s`` runs over a log grid from 1e-4 to 0.3 (``points`` in
    [2, 2 000]); ``bars`` are in (0, 1] and ``exponents`` in [0, 20], at most 100 of each."""
    s = np.logspace(-4, math.log10(0.3), check_int("points", points, lo=2, hi=2_000))
    ths = check_array("bars", bars, lo=0.0, lo_open=True, hi=1.0, min_size=1).tolist()
    hs = check_array("exponents", exponents, lo=0.0, hi=20.0, min_size=1).tolist()
    for name, vals in (("bars", ths), ("exponents", hs)):
        if len(vals) > 100:
            raise ValueError(f"{name} must have at most 100 elements, got {len(vals)}")
    rows = []
    for th in ths:
        for hh in hs:
            rows.append(pd.DataFrame({"bar": th, "h": hh, "share": s, "kept": 1.0 / (1.0 + (th / s) ** hh)}))
    return pd.concat(rows, ignore_index=True)


def _gate_rows(rank: int, exponent: float, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chart's long rows of ``df`` (default: :func:`gate_snapshot` of ``rank`` and ``exponent``)."""
    if df is None:
        df = gate_snapshot(rank, exponent)
    long = df.melt(id_vars=["netuid", "name", "rank"], value_vars=["D", "HEAD"], var_name="rule", value_name="share")
    long["N"] = rank
    long["subnet"] = long["netuid"].astype(str) + " " + long["name"].astype(str)
    return long[long["share"] > 0]


def _gate_chart(df: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = ()) -> alt.Chart:
    base = alt.Chart(df)
    for f in filters:
        base = base.transform_filter(f)
    chart = base.mark_line(point=True).encode(
        x=alt.X("rank:Q", title="subnet rank by EMA price (2026-04-11)", scale=alt.Scale(type="log")),
        y=alt.Y("share:Q", title="share of E", scale=alt.Scale(type="log"), axis=alt.Axis(format="%")),
        color=alt.Color("rule:N", title="rule", scale=alt.Scale(domain=["D", "HEAD"],
                                                              range=[ERA_COLORS["D"], ERA_COLORS["F"]]),
                        legend=alt.Legend(orient="bottom", labelExpr=(
                            "datum.label == 'D' ? 'D: p̄ share (30 June 2026)' : 'HEAD: gated (spec 459)'"))),
        tooltip=["subnet:N", "rule:N", "rank:Q", alt.Tooltip("share:Q", format=".4%")],
    ).properties(width=WIDTH - 60, height=HEIGHT,
                 title="The emission gate on the 2026-04-11 network (counterfactual; bar at the N-th share)")
    return chart.add_params(*params) if params else chart


_gate_live = templated(_gate_chart)


def gate_explorer() -> Figure:
    """Era D's shares against HEAD's gated shares, subnet by subnet (addendum §A2).

    Static face: a dropdown for the bar rank N (:data:`GATE_RANKS`; HEAD's is 32) with η = 3. Live face:
    any N from 1 to 128 and any exponent η, with :func:`gate_summary` beside the chart.
    """

    def static() -> alt.Chart:
        n = dropdown("N", list(GATE_RANKS), EMISSION_BAR_RANK, "bar at the N-th largest share ")
        df = pd.concat([_gate_rows(r, EMISSION_GATE_EXPONENT) for r in GATE_RANKS], ignore_index=True)
        return _gate_chart(df, (alt.datum.N == n,), (n,))

    def render(rank: int, exponent: float):
        snap = gate_snapshot(rank, exponent)  # once: the chart and the summary read the same table
        return _gate_live(_gate_rows(rank, exponent, snap)), _gate_summary_of(snap).round(4)

    def live():
        import ipywidgets as w

        controls = {
            "rank": w.IntSlider(value=EMISSION_BAR_RANK, min=1, max=128, description="bar rank N",
                                continuous_update=False),
            "exponent": w.FloatSlider(value=EMISSION_GATE_EXPONENT, min=0.5, max=10, step=0.5, description="η",
                                      continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="emission gate")
