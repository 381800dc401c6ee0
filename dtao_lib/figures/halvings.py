"""Figures for the chapter "The halvings" (spec §1, §3.4, §7)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd

from .. import emission
from ..interactive import Figure, live_panel
from ..params import BLOCKS_PER_DAY, RAO_PER_TAO, TOTAL_SUPPLY_RAO
from ._style import HEIGHT, WIDTH, slider

FIRST_HALVING_DATE = dt.date(2025, 12, 15)
"""Mid-December 2025: public reports give Dec 14–16; the exact block is not public (spec §1, §9)."""


def issuance_grid(
    start_issuance_tao: float = 10_500_000,
    *,
    start_date: dt.date = FIRST_HALVING_DATE,
    years: int = 16,
    rates_pct: tuple[int, ...] = tuple(range(0, 55, 5)),
    step_days: int = 30,
) -> pd.DataFrame:
    """Issuance (million TAO) every ``step_days`` days for each recycling rate in ``rates_pct``.

    Each curve is :func:`dtao_lib.emission.project_issuance` (exact to the rao) sampled monthly.
    """
    issuance = round(start_issuance_tao * RAO_PER_TAO)
    frames = []
    for pct in rates_pct:
        df = emission.project_issuance(issuance, days=365 * years, recycle_rate=pct / 100, start_date=start_date)
        df = df.iloc[step_days - 1 :: step_days]
        frames.append(pd.DataFrame({
            "date": df["date"],
            "issuance_mtao": df["issuance_rao"] / 1e15,
            "tao_per_day": df["emission_rao"] * BLOCKS_PER_DAY / RAO_PER_TAO,
            "recycle_pct": pct,
        }))
    return pd.concat(frames, ignore_index=True)


def halving_table(
    start_issuance_tao: float = 10_500_000,
    *,
    start_date: dt.date = FIRST_HALVING_DATE,
    rates_pct: tuple[int, ...] = tuple(range(0, 55, 5)),
    max_halvings: int = 4,
) -> pd.DataFrame:
    """Date of each upcoming halving for each recycling rate (:func:`emission.halving_schedule`)."""
    issuance = round(start_issuance_tao * RAO_PER_TAO)
    start = dt.datetime.combine(start_date, dt.time())
    rows = []
    for pct in rates_pct:
        for h in emission.halving_schedule(issuance, recycle_rate=pct / 100, start_date=start,
                                           max_halvings=max_halvings):
            rows.append({
                "recycle_pct": pct,
                "halving": h.k,
                "date": h.date,
                "threshold_mtao": h.threshold_rao / 1e15,
                "tao_per_day_after": h.emission_after_rao * BLOCKS_PER_DAY / RAO_PER_TAO,
                "days_from_start": (h.date - start).days,
            })
    return pd.DataFrame(rows)


def _issuance_chart(curves: pd.DataFrame, halvings: pd.DataFrame, rate: alt.Parameter | None) -> alt.Chart:
    base_line = alt.Chart(curves)
    base_rule = alt.Chart(halvings)
    if rate is not None:
        base_line = base_line.transform_filter(alt.datum.recycle_pct == rate)
        base_rule = base_rule.transform_filter(alt.datum.recycle_pct == rate)
    line = base_line.mark_line(strokeWidth=2.5).encode(
        x=alt.X("date:T", title="date"),
        y=alt.Y("issuance_mtao:Q", title="issuance (million TAO)", scale=alt.Scale(domain=[10, 21])),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("issuance_mtao:Q", format=".3f", title="issuance (M TAO)"),
                 alt.Tooltip("tao_per_day:Q", format=",.1f", title="TAO per day")],
    )
    cap = alt.Chart(pd.DataFrame({"y": [TOTAL_SUPPLY_RAO / 1e15]}))
    cap = cap.mark_rule(strokeDash=[6, 4], color="#c0392b").encode(y="y:Q")
    rules = base_rule.mark_rule(color="#8e44ad").encode(x="date:T")
    labels = base_rule.mark_text(align="left", dx=4, dy=-6, color="#8e44ad").encode(
        x="date:T", y=alt.value(12), text=alt.Text("date:T", format="%b %Y"),
    )
    return (line + cap + rules + labels).properties(width=WIDTH, height=HEIGHT)


def issuance_explorer(
    start_issuance_tao: float = 10_500_000,
    *,
    start_date: dt.date = FIRST_HALVING_DATE,
    years: int = 16,
) -> Figure:
    """Issuance over time for a chosen recycling rate; the halving dates move with the rate.

    Static face: a slider over recycling rates 0–50 % (precomputed curves). Live face: any rate,
    starting issuance and horizon, recomputed by :func:`dtao_lib.emission.project_issuance`.
    """

    def static() -> alt.Chart:
        rate = slider("recycle", lo=0, hi=50, step=5, value=0, label="recycling rate (% of emission) ")
        curves = issuance_grid(start_issuance_tao, start_date=start_date, years=years)
        halvings = halving_table(start_issuance_tao, start_date=start_date)
        halvings = halvings[halvings["date"] <= pd.Timestamp(start_date) + pd.Timedelta(days=365 * years)]
        return _issuance_chart(curves, halvings, rate).add_params(rate).properties(
            title="Issuance and halving dates under a constant recycling rate"
        )

    def render(recycle_pct: float, start_mtao: float, horizon_years: int):
        curves = issuance_grid(start_mtao * 1e6, start_date=start_date, years=horizon_years,
                               rates_pct=(recycle_pct,), step_days=15)
        halvings = halving_table(start_mtao * 1e6, start_date=start_date, rates_pct=(recycle_pct,))
        halvings = halvings[halvings["date"] <= pd.Timestamp(start_date) + pd.Timedelta(days=365 * horizon_years)]
        table = halvings[["halving", "date", "threshold_mtao", "tao_per_day_after"]].copy()
        table["date"] = table["date"].dt.date
        return _issuance_chart(curves, halvings, None), table

    def live():
        import ipywidgets as w

        controls = {
            "recycle_pct": w.FloatSlider(value=0, min=0, max=90, step=1, description="recycling %",
                                         continuous_update=False),
            "start_mtao": w.FloatSlider(value=start_issuance_tao / 1e6, min=0, max=20.9, step=0.1,
                                        description="start (M TAO)", continuous_update=False),
            "horizon_years": w.IntSlider(value=years, min=2, max=40, description="years", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="issuance explorer")


def emission_staircase(max_halvings: int = 12) -> alt.Chart:
    """Block emission as a function of issuance: a staircase that halves at each threshold ``T_k``."""
    rows = []
    for k in range(max_halvings):
        lo = emission.halving_threshold_rao(k)
        hi = emission.halving_threshold_rao(k + 1)
        e = emission.block_emission(lo)
        rows += [
            {"issuance_mtao": lo / 1e15, "tao_per_block": e / RAO_PER_TAO, "k": k},
            {"issuance_mtao": hi / 1e15, "tao_per_block": e / RAO_PER_TAO, "k": k},
        ]
    df = pd.DataFrame(rows)
    return alt.Chart(df).mark_line(interpolate="step-after").encode(
        x=alt.X("issuance_mtao:Q", title="issuance (million TAO)", scale=alt.Scale(domain=[0, 21])),
        y=alt.Y("tao_per_block:Q", title="TAO per block", scale=alt.Scale(type="log")),
        tooltip=["k:Q", alt.Tooltip("issuance_mtao:Q", format=".4f"), alt.Tooltip("tao_per_block:Q", format=".6f")],
    ).properties(width=WIDTH, height=HEIGHT, title="Block emission halves at 21M·(1 − 2⁻ᵏ)")


def supply_tail() -> pd.DataFrame:
    """The last halvings before emission truncates to zero, and where supply stops (spec §1)."""
    limit = emission.supply_limit_rao()
    rows = []
    for k in range(26, 32):
        t = emission.halving_threshold_rao(k)
        rows.append({
            "halvings k": k,
            "threshold T_k (TAO)": f"{t / RAO_PER_TAO:,.9f}",
            "emission after (rao/block)": emission.block_emission(t),
        })
    df = pd.DataFrame(rows)
    df.attrs["supply_limit_tao"] = limit / RAO_PER_TAO
    df.attrs["gap_to_cap_rao"] = TOTAL_SUPPLY_RAO - limit
    return df


def days_per_halving(recycle_pcts: tuple[float, ...] = (0, 10, 20, 30)) -> pd.DataFrame:
    """Days between successive halvings (from the first) for a few recycling rates."""
    rows = []
    for pct in recycle_pcts:
        hs = emission.halving_schedule(emission.halving_threshold_rao(1), recycle_rate=pct / 100, max_halvings=3)
        blocks = np.diff([0] + [h.block for h in hs])  # blocks since the first halving
        rows.append({"recycling %": pct, **{f"halving {h.k}": f"{b / BLOCKS_PER_DAY:,.0f} days"
                                             for h, b in zip(hs, blocks, strict=True)}})
    return pd.DataFrame(rows)
