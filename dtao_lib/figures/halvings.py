"""Figures for the chapter "The halvings" (spec §1, §3.4, §7)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import emission
from .._validate import check_array, check_choice, check_int, check_real
from ..interactive import Figure, live_panel
from ..params import BLOCK_TIME_SECONDS, BLOCKS_PER_DAY, RAO_PER_TAO, TOTAL_SUPPLY_RAO
from ._fast import templated
from ._live import LiveChart
from ._style import HEIGHT, WIDTH, dropdown, slider
from ._style import styled_table as _styled

__all__ = [
    "alpha_halving_outlook",
    "cohort_explorer",
    "cohort_frame",
    "cohort_grid",
    "days_per_halving",
    "emission_staircase",
    "first_halving_shift",
    "haircut_by_gap",
    "haircut_gap_frame",
    "halving_table",
    "injection_cap_table",
    "issuance_explorer",
    "issuance_grid",
    "launch_issuance_rao",
    "second_halving",
    "second_halving_explorer",
    "second_halving_sensitivity",
    "supply_tail",
]

FIRST_HALVING_DATE = dt.date(2025, 12, 15)
"""Mid-December 2025: public reports give Dec 14–16; the exact block is not public (spec §1, §9)."""


def _date(name: str, value: Any) -> dt.date:
    """``value`` if it is a :class:`datetime.date` (a ``datetime`` is one too), else :class:`TypeError`."""
    if not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__} {value!r}")
    return value


def _reals(name: str, values: Any, *, min_size: int = 1, **bounds: Any) -> list[Any]:
    """``values`` (kept as given) after :func:`check_array` checked it is 1-D, finite, in bounds and non-empty."""
    check_array(name, values, ndim=1, min_size=min_size, **bounds)
    return list(values)


def _start_issuance(value: Any) -> int:
    """``start_issuance_tao`` in rao: a number of TAO in [0, 21 M)."""
    return round(check_real("start_issuance_tao", value, lo=0, hi=TOTAL_SUPPLY_RAO / RAO_PER_TAO, hi_open=True)
                 * RAO_PER_TAO)


def _rates_pct(name: str, values: Any) -> list[Any]:
    """Recycling rates in percent: a non-empty 1-D sequence in [0, 100) (at 100 % issuance never grows)."""
    return _reals(name, values, lo=0, hi=100, hi_open=True)


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
    ``start_issuance_tao`` in [0, 21 M), ``years`` in [1, 200], ``rates_pct`` in [0, 100),
    ``step_days`` in [1, 3 650].
    """
    issuance = _start_issuance(start_issuance_tao)
    _date("start_date", start_date)
    years = check_int("years", years, lo=1, hi=200)
    rates = _rates_pct("rates_pct", rates_pct)
    step_days = check_int("step_days", step_days, lo=1, hi=3_650)
    frames = []
    for pct in rates:
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
    """Date of each upcoming halving for each recycling rate (:func:`emission.halving_schedule`).

    ``start_issuance_tao`` in [0, 21 M), ``rates_pct`` in [0, 100), ``max_halvings`` in [1, 64]. Halvings
    after 31 December 9999 (rates near 100 %: no calendar date) are left out.
    """
    issuance = _start_issuance(start_issuance_tao)
    start = dt.datetime.combine(_date("start_date", start_date), dt.time())
    rates = _rates_pct("rates_pct", rates_pct)
    max_halvings = check_int("max_halvings", max_halvings, lo=1, hi=64)
    rows = []
    for pct in rates:
        for h in emission.halving_schedule(issuance, recycle_rate=pct / 100, max_halvings=max_halvings):
            try:  # the date halving_schedule(start_date=start) gives, which overflows after year 9999
                when = start + dt.timedelta(seconds=h.block * BLOCK_TIME_SECONDS)
            except OverflowError:
                break
            rows.append({
                "recycle_pct": pct,
                "halving": h.k,
                "date": when,
                "threshold_mtao": h.threshold_rao / 1e15,
                "tao_per_day_after": h.emission_after_rao * BLOCKS_PER_DAY / RAO_PER_TAO,
                "days_from_start": (when - start).days,
            })
    # the columns even when no halving has a calendar date (a start late in year 9999)
    return pd.DataFrame(rows, columns=["recycle_pct", "halving", "date", "threshold_mtao", "tao_per_day_after",
                                       "days_from_start"])


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
    # a plot narrower than 450 px (a phone) has ~60 px between halvings: the dates are written along
    # their rules (reading upwards, right of the rule) instead of across, where they ran into each other
    narrow = "width < 450"
    labels = base_rule.mark_text(
        color="#8e44ad", angle=alt.ExprRef(f"{narrow} ? 270 : 0"), align=alt.ExprRef(f"{narrow} ? 'right' : 'left'"),
        dx=alt.ExprRef(f"{narrow} ? -4 : 4"), dy=alt.ExprRef(f"{narrow} ? 6 : -6"),
    ).encode(x="date:T", y=alt.value(12), text=alt.Text("date:T", format="%b %Y"))
    return (line + cap + rules + labels).properties(width=WIDTH, height=HEIGHT)


_issuance_live = templated(_issuance_chart)


def issuance_explorer(
    start_issuance_tao: float = 10_500_000,
    *,
    start_date: dt.date = FIRST_HALVING_DATE,
    years: int = 16,
) -> Figure:
    """Issuance over time for a chosen recycling rate; the halving dates move with the rate.

    Static face: a slider over recycling rates 0–50 % (precomputed curves). Live face: any rate,
    starting issuance and horizon, recomputed by :func:`dtao_lib.emission.project_issuance`.
    ``start_issuance_tao`` in [0, 21 M) TAO, ``years`` in [1, 200].
    """
    _start_issuance(start_issuance_tao)
    _date("start_date", start_date)
    years = check_int("years", years, lo=1, hi=200)

    def static() -> alt.Chart:
        rate = slider("recycle", lo=0, hi=50, step=5, value=0, label="recycling rate (% of emission) ")
        curves = issuance_grid(start_issuance_tao, start_date=start_date, years=years)
        halvings = halving_table(start_issuance_tao, start_date=start_date)
        try:  # Python datetimes: pandas timestamps end in 2262, the dates here in 9999
            end = dt.datetime.combine(start_date, dt.time()) + dt.timedelta(days=365 * years)
        except OverflowError:
            end = dt.datetime.max
        halvings = halvings[[d <= end for d in halvings["date"]]]
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
        return _issuance_live(curves, halvings, None), table

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
    """Block emission as a function of issuance: a staircase that halves at each threshold ``I_k``.

    ``max_halvings`` in [1, 30] steps (after the 30th halving the emission truncates to 0 rao, spec §1).
    """
    max_halvings = check_int("max_halvings", max_halvings, lo=1, hi=30)
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
            "threshold I_k (TAO)": f"{t / RAO_PER_TAO:,.9f}",
            "emission after (rao/block)": emission.block_emission(t),
        })
    df = pd.DataFrame(rows)
    df.attrs["supply_limit_tao"] = limit / RAO_PER_TAO
    df.attrs["gap_to_cap_rao"] = TOTAL_SUPPLY_RAO - limit
    return df


def days_per_halving(recycle_pcts: tuple[float, ...] = (0, 10, 20, 30)) -> pd.DataFrame:
    """Days between successive halvings (from the first) for a few recycling rates (in [0, 100) %)."""
    rows = []
    for pct in _rates_pct("recycle_pcts", recycle_pcts):
        hs = emission.halving_schedule(emission.halving_threshold_rao(1), recycle_rate=pct / 100, max_halvings=3)
        blocks = np.diff([0] + [h.block for h in hs])  # blocks since the first halving
        rows.append({"recycling %": pct, **{f"halving {h.k}": f"{b / BLOCKS_PER_DAY:,.0f} days"
                                             for h, b in zip(hs, blocks, strict=True)}})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# What moved the first halving
# ---------------------------------------------------------------------------------------------
NO_RECYCLING_ESTIMATE = dt.date(2025, 12, 4)
"""Taostats' January-2025 estimate of the first halving with no recycling {cite:p}`taostats` (spec §1)."""

REPORTED_HALVING_DAYS = (dt.date(2025, 12, 14), dt.date(2025, 12, 16))
"""Public reports put the first halving on 14–16 December 2025 (spec §1, §9); the block is not public."""


def first_halving_shift() -> pd.DataFrame:
    """How much TAO recycling the first halving's delay implies (spec §1).

    Before the halving every block minted ``E = 1`` TAO, so each recycled TAO had to be minted again
    and pushed the threshold one block later: a delay of ``d`` days means ``d × 7 200 × E`` TAO
    recycled, *if* the no-recycling estimate was right (it was made eleven months before).
    """
    e = emission.block_emission(emission.halving_threshold_rao(1) - 1)
    rows = []
    for when in REPORTED_HALVING_DAYS:
        days = (when - NO_RECYCLING_ESTIMATE).days
        rows.append({
            "halving reported on": when, "no-recycling estimate": NO_RECYCLING_ESTIMATE, "delay (days)": days,
            "implied TAO recycled": days * BLOCKS_PER_DAY * e / RAO_PER_TAO,
        })
    return _styled(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------
# The injection cap around the halving (spec §3.4)
# ---------------------------------------------------------------------------------------------
def injection_cap_table(alpha_issuance_tao: tuple[float, ...] = (500_000, 2_000_000, 5_000_000)) -> pd.DataFrame:
    """α_in cap per block, before and after the first TAO halving, in the three capped eras (spec §3.4).

    A subnet before its own first alpha halving mints ``a = 1`` α per block. The cap is
    :func:`dtao_lib.coinbase.injection_cap`; at HEAD it depends on the subnet's alpha issuance through
    ``root_prop`` (root stake on 2026-04-11, :data:`dtao_lib.adr.DEFAULT_ROOT_TAO_RAO`).
    """
    from .. import adr, coinbase
    from ..params import TAO_WEIGHT

    issued_list = _reals("alpha_issuance_tao", alpha_issuance_tao, lo=0, hi=20_999_999)
    before = emission.block_emission(emission.halving_threshold_rao(1) - 1)
    after = emission.block_emission(emission.halving_threshold_rao(1))
    rows = []
    for issued in issued_list:
        a_issuance = round(float(issued) * RAO_PER_TAO)
        a = coinbase.alpha_emission(a_issuance)
        rp = coinbase.root_proportion(TAO_WEIGHT, adr.DEFAULT_ROOT_TAO_RAO, a_issuance)
        row = {"alpha issued (M α)": issued / 1e6, "α_emission": a / RAO_PER_TAO}
        for label, era_name, e in (("v3.2.12, any E", "v3.2.12", before),
                                   ("v3.3.1, E = 1 TAO", "v3.3.1", before),
                                   ("v3.3.1, E = 0.5 TAO", "v3.3.1", after),
                                   ("HEAD (root_prop·α_emission)", "head", after)):
            row[label] = coinbase.injection_cap(a, block_emission_rao=e, root_proportion=rp, era=era_name) / RAO_PER_TAO
        row["root_prop"] = rp
        rows.append(row)
    return _styled(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------
# Alpha halvings of real subnets (spec §3.4)
# ---------------------------------------------------------------------------------------------
def _first_alpha_halving_days(a_in: int, a_out: int, era_name: str, horizon_days: int = 365 * 4) -> float:
    from .. import adr

    df = adr.adr_time_series(horizon_days * BLOCKS_PER_DAY, step_blocks=BLOCKS_PER_DAY, alpha_in_rao=a_in,
                             alpha_out_rao=a_out, tao_issuance_rao=emission.halving_threshold_rao(1), era=era_name)
    hit = df.index[df["alpha_halvings"] >= 1]
    return float(df.loc[hit[0], "block"] / BLOCKS_PER_DAY) if len(hit) else float("nan")


def alpha_halving_outlook(n: int = 5) -> pd.DataFrame:
    """The ``n`` subnets with the most alpha issued on 2026-04-11 and how many days after that date their
    first alpha halving comes.

    Alpha issuance is ``α_in + α_out`` (spec §3.4); the first alpha halving is at 10.5 M α. The day
    count assumes the injection cap binds every block and nothing else moves the reserves
    (:func:`dtao_lib.adr.adr_time_series`), under the v3.3.1 cap and under HEAD's.
    """
    from .. import data

    snap = data.load_subnet_snapshot()
    top = snap[snap["is_dynamic"]].nlargest(check_int("n", n, lo=1, hi=128), "total_alpha_alpha")
    rows = []
    for _, r in top.iterrows():
        a_in, a_out = round(r["alpha_in_alpha"] * RAO_PER_TAO), round(r["alpha_out_alpha"] * RAO_PER_TAO)
        rows.append({
            "netuid": int(r["netuid"]), "name": r["name"], "alpha issued (M α)": (a_in + a_out) / 1e15,
            "of the 10.5 M threshold": (a_in + a_out) / emission.halving_threshold_rao(1),
            "days to its first alpha halving, v3.3.1 cap": _first_alpha_halving_days(a_in, a_out, "v3.3.1"),
            "days, HEAD cap": _first_alpha_halving_days(a_in, a_out, "head"),
        })
    return _styled(pd.DataFrame(rows), {"of the 10.5 M threshold": "{:.1%}"})


# ---------------------------------------------------------------------------------------------
# Early and late subnets: ADR tracks 2^(k − n) under the v3.3.1 cap (spec §7)
# ---------------------------------------------------------------------------------------------
DTAO_LAUNCH = dt.date(2025, 2, 13)
"""dTAO launch (v2.0.0, spec §9)."""

COHORT_ERAS = {"v3.3.1": "cap min(α_emission, E) (Dec 2025 – Jun 2026)",
               "head": "cap root_prop·α_emission (HEAD)"}
"""The two injection caps the cohort figures compare (``era_name`` of :func:`cohort_frame`), with their labels."""


def launch_issuance_rao() -> int:
    """TAO issuance at dTAO launch in the cohort model: the first threshold minus one TAO per block back
    to 13 Feb 2025, so that the model's first halving falls on 15 Dec 2025 (recycling ignored)."""
    days = (FIRST_HALVING_DATE - DTAO_LAUNCH).days
    return emission.halving_threshold_rao(1) - days * BLOCKS_PER_DAY * emission.block_emission(0)


def cohort_frame(start_years: float, era_name: str, *, horizon_years: int = 30,
                 sample_days: int = 120) -> pd.DataFrame:
    """One subnet registered ``start_years`` after dTAO launch, followed to ``horizon_years`` (spec §3.4, §7).

    It starts like a dTAO-launch pool (1 TAO and 1 α, nothing outstanding) with the TAO issuance of
    its registration day, and the injection cap binds every block (:func:`dtao_lib.adr.adr_time_series`).
    Columns: ``year`` (since launch), ``k``, ``n``, ``alpha_out`` and ``alpha_in`` (α per block),
    ``flow_adr``, ``stock_adr``.
    """
    from .. import adr

    horizon = check_int("horizon_years", horizon_years, lo=1, hi=200)
    start = round(check_real("start_years", start_years, lo=0, hi=horizon, hi_open=True) * 365)
    step = check_int("sample_days", sample_days, lo=1, hi=3_650)
    check_choice("era_name", era_name, tuple(COHORT_ERAS))
    issuance = launch_issuance_rao()
    if start:
        issuance = int(emission.project_issuance(issuance, days=start)["issuance_rao"].iloc[-1])
    n_days = horizon * 365 - start
    df = adr.adr_time_series(n_days * BLOCKS_PER_DAY, step_blocks=step * BLOCKS_PER_DAY,
                             tao_issuance_rao=issuance, alpha_in_rao=RAO_PER_TAO, era=era_name)
    return pd.DataFrame({
        "year": np.round(start_years + df["block"] / BLOCKS_PER_DAY / 365, 3),
        "k": df["tao_halvings"], "n": df["alpha_halvings"],
        "alpha_out": df["alpha_out_per_block_rao"] / RAO_PER_TAO,
        "alpha_in": df["alpha_in_per_block_rao"] / RAO_PER_TAO,
        "flow_adr": np.round(df["flow_adr"], 4), "stock_adr": np.round(df["stock_adr"], 4),
    })


def cohort_grid(late_years: tuple[int, ...] = tuple(range(1, 13)), eras: tuple[str, ...] = tuple(COHORT_ERAS),
                *, horizon_years: int = 30) -> pd.DataFrame:
    """The early subnet (registered at launch, ``late_year = 0``) and one late subnet per ``late_years``.

    ``horizon_years`` in [1, 200]; ``late_years`` in [0, horizon_years) (may be empty: the early subnet
    only); ``eras`` a non-empty sequence of :data:`COHORT_ERAS` keys.
    """
    horizon_years = check_int("horizon_years", horizon_years, lo=1, hi=200)
    late = _reals("late_years", late_years, min_size=0, lo=0, hi=horizon_years, hi_open=True)
    if isinstance(eras, str) or not isinstance(eras, tuple | list) or not eras:
        raise TypeError(f"eras must be a non-empty sequence of {list(COHORT_ERAS)}, got {eras!r}")
    for i, e in enumerate(eras):
        check_choice(f"eras[{i}]", e, tuple(COHORT_ERAS))
    frames = []
    for era_name in eras:
        for y in (0, *late):
            df = cohort_frame(y, era_name, horizon_years=horizon_years)
            frames.append(df.assign(era=era_name, late_year=y, cohort="early (Feb 2025)" if y == 0 else "late"))
    return pd.concat(frames, ignore_index=True)


def _tao_halving_years(horizon_years: int = 30) -> pd.DataFrame:
    start = dt.datetime.combine(DTAO_LAUNCH, dt.time())
    hs = emission.halving_schedule(launch_issuance_rao(), start_date=start, max_halvings=8)
    return pd.DataFrame([{"year": (h.date - start).days / 365, "label": f"TAO halving {h.k}"}
                         for h in hs if (h.date - start).days <= horizon_years * 365])


def _cohort_chart(df: Any, filters=(), horizon_years: Any = 30, rules: Any = None) -> alt.VConcatChart:
    """The cohort panels; ``horizon_years`` may be an ``alt.param`` (x-axis end) and ``rules`` the
    TAO-halving years (default :func:`_tao_halving_years` of the horizon): the live face's template."""
    base = alt.Chart(df)
    for f in filters:
        base = base.transform_filter(f)
    color = alt.Color("cohort:N", scale=alt.Scale(domain=["early (Feb 2025)", "late"], range=["#2980b9", "#d35400"]),
                      title="subnet", legend=alt.Legend(orient="bottom"))
    x_scale = (alt.Scale(domainMin=0, domainMax=alt.ExprRef(expr=horizon_years.name))
               if isinstance(horizon_years, alt.Parameter) else alt.Scale(domain=[0, horizon_years]))
    x = alt.X("year:Q", title="years since dTAO launch (Feb 2025)", scale=x_scale)
    flows = base.transform_fold(["alpha_out", "alpha_in"], as_=["flow", "alpha_per_block"]).mark_line(
        interpolate="step-after", strokeWidth=2).encode(
        x=x, y=alt.Y("alpha_per_block:Q", title="α per block", scale=alt.Scale(type="log", base=2),
                     axis=alt.Axis(labelExpr="datum.value >= 1 ? '1' : '1/' + format(1 / datum.value, '.0f')")),
        color=color, strokeDash=alt.StrokeDash("flow:N", title="per block", scale=alt.Scale(
            domain=["alpha_out", "alpha_in"], range=[[1, 0], [5, 3]]), legend=alt.Legend(orient="bottom")),
        tooltip=["cohort:N", "flow:N", alt.Tooltip("year:Q", format=".1f"),
                 alt.Tooltip("alpha_per_block:Q", format=".4f"), "k:Q", "n:Q"],
    )
    stock = base.mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("stock_adr:Q", title="ADR (stocks α_out / α_in)"), color=color,
        tooltip=["cohort:N", alt.Tooltip("year:Q", format=".1f"), alt.Tooltip("stock_adr:Q", format=".3f"),
                 alt.Tooltip("flow_adr:Q", format=".3f", title="per-block ratio"), "k:Q", "n:Q"],
    )
    rules_data = _tao_halving_years(horizon_years) if rules is None else rules
    rules = alt.Chart(rules_data).mark_rule(color="#8e44ad", strokeDash=[2, 2]).encode(
        x="year:Q", tooltip=["label:N"])
    return alt.vconcat(
        (flows + rules).properties(width=WIDTH, height=HEIGHT * 0.6, title="Alpha minted per block: to participants "
                                   "(α_out, solid) and into the pool (α_in, dashed)"),
        (stock + rules).properties(width=WIDTH, height=HEIGHT * 0.6, title="ADR of each subnet"),
    )


@lru_cache(maxsize=128)
def _cohort_cached(start_years: float, era_name: str, horizon_years: int) -> pd.DataFrame:
    return cohort_frame(start_years, era_name, horizon_years=horizon_years)


def cohort_explorer(*, horizon_years: int = 30) -> Figure:
    """α_out and α_in per block and ADR of an early and a late subnet, under the v3.3.1 cap or HEAD's.

    Static face: a slider for the late subnet's registration year (1–12 after dTAO launch) and a
    dropdown of the cap rule. Live face: any registration year, rule and horizon.
    ``horizon_years`` in [13, 200]: the static face's late subnets register up to year 12.
    """
    horizon_years = check_int("horizon_years", horizon_years, lo=13, hi=200)

    def static() -> alt.VConcatChart:
        late = slider("late", lo=1, hi=12, step=1, value=2, label="late subnet registers … years after launch ")
        era_p = dropdown("cohortera", list(COHORT_ERAS), "v3.3.1", "injection cap ", labels=list(COHORT_ERAS.values()))
        grid = cohort_grid(horizon_years=horizon_years)
        return _cohort_chart(grid, [alt.datum.era == era_p,
                                    (alt.datum.late_year == 0) | (alt.datum.late_year == late)],
                             horizon_years).add_params(late, era_p)

    def build(cohorts: Any, rules: Any) -> alt.VConcatChart:
        hz = alt.param(name="horizon_now", value=horizon_years)
        return _cohort_chart(cohorts, horizon_years=hz, rules=rules).add_params(hz)

    template = LiveChart(build)

    def render(late_year: float, era_name: str, horizon: int):
        frames = [_cohort_cached(0, era_name, horizon).assign(cohort="early (Feb 2025)"),
                  _cohort_cached(late_year, era_name, horizon).assign(cohort="late")]
        return template({"horizon_now": horizon}, cohorts=pd.concat(frames, ignore_index=True),
                        rules=_tao_halving_years(horizon))

    def live():
        import ipywidgets as w

        controls = {
            "late_year": w.FloatSlider(value=2, min=0, max=25, step=0.25, description="late start (yr)",
                                       continuous_update=False),
            "era_name": w.Dropdown(options=[(v, k) for k, v in COHORT_ERAS.items()], value="v3.3.1",
                                   description="cap"),
            "horizon": w.IntSlider(value=horizon_years, min=5, max=60, description="years", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="early vs late subnet")


# ---------------------------------------------------------------------------------------------
# Haircut as a function of k − n
# ---------------------------------------------------------------------------------------------
def haircut_gap_frame(max_halvings: int = 6) -> pd.DataFrame:
    """Per-block ADR and haircut for ``k`` TAO halvings and ``n`` alpha halvings, 0 ≤ k, n ≤ ``max_halvings``.

    ``α_out = a = block_emission(T_n)`` and ``α_in = injection_cap(a, E = block_emission(T_k))`` under
    the v3.3.1 cap ``min(a, E)`` (spec §3.4), so ``ADR = 2^max(k − n, 0)``; ``formula`` is
    :func:`dtao_lib.adr.halving_adr` (``2^(k − n)``) and ``haircut`` is :func:`dtao_lib.adr.haircut`
    of the per-block ADR: the haircut a subnet's stocks approach when these flows last.
    """
    from .. import adr, coinbase

    top = check_int("max_halvings", max_halvings, lo=0, hi=29)
    rows = []
    for k in range(top + 1):
        e = emission.block_emission(emission.halving_threshold_rao(k))
        for n in range(top + 1):
            a = emission.block_emission(emission.halving_threshold_rao(n))
            inj = coinbase.injection_cap(a, block_emission_rao=e, era="v3.3.1")
            flow = a / inj
            rows.append({"k": k, "n": n, "gap": k - n, "flow_adr": flow, "formula": adr.halving_adr(k, n),
                         "haircut": adr.haircut(flow)})
    return pd.DataFrame(rows)


def _gap_chart(df: pd.DataFrame, k_p: Any = None, n_p: Any = None) -> alt.HConcatChart:
    sel = (alt.datum.k == k_p) & (alt.datum.n == n_p) if k_p is not None else None
    gap_sel = alt.datum.gap == (k_p - n_p) if k_p is not None else None
    by_gap = df.groupby("gap", as_index=False).agg(haircut=("haircut", "first"), flow_adr=("flow_adr", "first"))
    bars = alt.Chart(by_gap).mark_bar().encode(
        x=alt.X("gap:O", title="k − n (TAO halvings − alpha halvings)"),
        y=alt.Y("haircut:Q", title="haircut 1 − 1/ADR", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.condition(gap_sel, alt.value("#c0392b"), alt.value("#95a5a6")) if gap_sel is not None
        else alt.value("#c0392b"),
        tooltip=["gap:O", alt.Tooltip("flow_adr:Q", title="ADR"), alt.Tooltip("haircut:Q", format=".1%")],
    ).properties(width=WIDTH * 0.45, height=HEIGHT)
    heat = alt.Chart(df).mark_rect(stroke="white").encode(
        x=alt.X("k:O", title="TAO halvings k"), y=alt.Y("n:O", title="alpha halvings n", sort="descending"),
        color=alt.Color("haircut:Q", scale=alt.Scale(scheme="oranges", domain=[0, 1]), legend=None),
        tooltip=["k:O", "n:O", alt.Tooltip("flow_adr:Q", title="ADR"), alt.Tooltip("haircut:Q", format=".1%")],
    )
    text = alt.Chart(df).mark_text(fontSize=10).encode(
        x="k:O", y=alt.Y("n:O", sort="descending"), text=alt.Text("haircut:Q", format=".0%"),
        color=alt.condition("datum.haircut > 0.6", alt.value("white"), alt.value("black")),
    )
    box = alt.Chart(df).mark_rect(fill=None, stroke="#c0392b", strokeWidth=3)
    layers = heat + text
    if sel is not None:
        layers = layers + box.transform_filter(sel).encode(x="k:O", y=alt.Y("n:O", sort="descending"))
    return alt.hconcat(bars, layers.properties(width=WIDTH * 0.45, height=HEIGHT))


def haircut_by_gap(max_halvings: int = 6) -> Figure:
    """Haircut ``1 − 2^−(k−n)`` of a subnet whose per-block flows have run long enough (v3.3.1 cap).

    Static face: sliders for ``k`` and ``n`` highlight the bar of ``k − n`` and the cell ``(k, n)``.
    Live face: the same with a table of the exact per-block amounts.
    """
    df = haircut_gap_frame(max_halvings)

    def static() -> alt.HConcatChart:
        k_p = slider("k", lo=0, hi=max_halvings, step=1, value=2, label="TAO halvings k ")
        n_p = slider("n", lo=0, hi=max_halvings, step=1, value=0, label="alpha halvings n ")
        return _gap_chart(df, k_p, n_p).add_params(k_p, n_p).properties(
            title="The haircut depends only on k − n (v3.3.1 cap, flows that last)")

    def build() -> alt.HConcatChart:
        k_p, n_p = alt.param(name="k_now", value=2), alt.param(name="n_now", value=0)
        return _gap_chart(df, k_p, n_p).add_params(k_p, n_p)

    template = LiveChart(build)

    def render(k: int, n: int):
        row = df[(df["k"] == k) & (df["n"] == n)]
        table = pd.DataFrame([{
            "α_out per block": emission.block_emission(emission.halving_threshold_rao(n)) / RAO_PER_TAO,
            "E (TAO per block)": emission.block_emission(emission.halving_threshold_rao(k)) / RAO_PER_TAO,
            "ADR": float(row["flow_adr"].iloc[0]), "2^(k−n)": float(row["formula"].iloc[0]),
            "haircut": float(row["haircut"].iloc[0]),
        }])
        return table, template({"k_now": k, "n_now": n})

    def live():
        import ipywidgets as w

        controls = {"k": w.IntSlider(value=2, min=0, max=max_halvings, description="k"),
                    "n": w.IntSlider(value=0, min=0, max=max_halvings, description="n")}
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="haircut vs k − n")


# ---------------------------------------------------------------------------------------------
# Fees recycled from spec 444 (addendum §A8 [P]): the second halving
# ---------------------------------------------------------------------------------------------
FEES_RECYCLED_FROM = dt.date(2026, 8, 6)
"""Date of PR #3058's text (spec 444), which recycles transaction fees instead of paying them to block
authors (addendum §A1, §A8; [P]: a PR date, not a deployment date)."""


def second_halving(fees_tao_per_day: float = 0.0, *, other_recycled_tao_per_day: float = 0.0,
                   first_halving: dt.date = FIRST_HALVING_DATE,
                   fees_from: dt.date = FEES_RECYCLED_FROM) -> emission.Halving:
    """The second TAO halving when ``fees_tao_per_day`` of fees are recycled from ``fees_from`` on (spec §1).

    Model: issuance is exactly ``I₁`` (10.5 M TAO) at the first halving; from then on every block mints
    ``E = block_emission(I₁)`` (0.5 TAO) and ``other_recycled_tao_per_day`` is recycled throughout (lock
    and other recycling, as a constant rate of emission), plus ``fees_tao_per_day`` from ``fees_from``.
    Recycling lowers ``TotalIssuance``, so the threshold ``I₂`` = 15.75 M TAO comes later
    (:func:`dtao_lib.emission.project_issuance` for the first phase, :func:`dtao_lib.emission.halving_schedule`
    for the second). Dates assume 12-second blocks.
    """
    other = check_real("other_recycled_tao_per_day", other_recycled_tao_per_day, lo=0.0)
    fees = check_real("fees_tao_per_day", fees_tao_per_day, lo=0.0)
    t1 = emission.halving_threshold_rao(1)
    per_day = emission.block_emission(t1) * BLOCKS_PER_DAY / RAO_PER_TAO
    if other + fees >= per_day:
        raise ValueError(f"fees_tao_per_day + other_recycled_tao_per_day must be below the {per_day:,.0f} TAO "
                         f"minted per day, got {other + fees:,.6g}")
    _date("first_halving", first_halving)
    _date("fees_from", fees_from)
    d1 = (fees_from - first_halving).days
    if d1 < 0:
        raise ValueError(f"fees_from ({fees_from}) must not be before first_halving ({first_halving})")
    issuance = t1
    try:
        if d1 > 0:
            first = emission.project_issuance(t1, days=d1, recycle_rate=other / per_day)
            issuance = int(first["issuance_rao"].iloc[-1])
        start = dt.datetime.combine(fees_from, dt.time())
        (h,) = emission.halving_schedule(issuance, recycle_rate=(other + fees) / per_day, max_halvings=1,
                                         start_block=d1 * BLOCKS_PER_DAY, start_date=start)
        if h.date is None:  # emission.halving_schedule: a halving after the year 9999 has no date
            raise OverflowError
    except OverflowError:
        raise ValueError(f"fees_tao_per_day + other_recycled_tao_per_day = {other + fees:,.6g} TAO per day recycles "
                         f"so much of the {per_day:,.0f} TAO minted that the second halving has no calendar date "
                         "(after the year 9999)") from None
    return h


def second_halving_sensitivity(fees_tao_per_day: tuple[float, ...] = tuple(range(0, 1_001, 25)),
                               other_recycled_tao_per_day: tuple[float, ...] = (0.0, 100.0, 250.0, 500.0)
                               ) -> pd.DataFrame:
    """Date of the second halving against the fees recycled per day (spec 444 [P]), for a few levels of
    other recycling: one row per pair, with ``date``, ``days_after_first`` (days from the first halving)
    and ``delay_days`` (against no fee recycling at the same other recycling). :func:`second_halving`.
    Both arguments are non-empty 1-D sequences of TAO per day ≥ 0 (their sum below the emission per day)."""
    fees_list = _reals("fees_tao_per_day", fees_tao_per_day, lo=0)
    others = _reals("other_recycled_tao_per_day", other_recycled_tao_per_day, lo=0)
    rows = []
    for other in others:
        base = second_halving(0.0, other_recycled_tao_per_day=other)
        for fees in fees_list:
            h = second_halving(fees, other_recycled_tao_per_day=other)
            rows.append({"fees_tao_per_day": float(fees), "other_tao_per_day": float(other),
                         "date": pd.Timestamp(h.date), "days_after_first": h.block / BLOCKS_PER_DAY,
                         "delay_days": (h.block - base.block) / BLOCKS_PER_DAY})
    return pd.DataFrame(rows)


def second_halving_explorer() -> Figure:
    """Second TAO halving date against recycled fees per day (static: a dropdown for other recycling;
    live: sliders for the fees and the other recycling, with the date and the delay as a table)."""
    df = second_halving_sensitivity()
    others = sorted(df["other_tao_per_day"].unique().tolist())
    other_p = dropdown("other_recycling", others, others[0], "other recycling (TAO/day) ",
                       labels=[f"{o:,.0f} TAO/day" for o in others])

    def static() -> alt.LayerChart:
        base = alt.Chart(df).transform_filter(alt.datum.other_tao_per_day == other_p)
        line = base.mark_line(point=True).encode(
            x=alt.X("fees_tao_per_day:Q", title="transaction fees recycled per day from August 2026 (TAO)"),
            y=alt.Y("date:T", title="second halving (I₂ = 15.75 M TAO)", scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("fees_tao_per_day:Q", title="fees recycled (TAO/day)"),
                     alt.Tooltip("date:T", format="%d %b %Y", title="second halving"),
                     alt.Tooltip("delay_days:Q", format=",.0f", title="later by (days)")],
        )
        return line.add_params(other_p).properties(
            width=WIDTH - 120, height=HEIGHT,
            title="Recycled fees push the second halving later (spec 444 [P]; 12-second blocks)")

    def render(fees: float, other: float):
        grid = tuple(float(x) for x in np.linspace(0.0, max(2 * fees, 200.0), 21) if x + other < 3_600)
        curve = second_halving_sensitivity(grid, (float(other),))
        h, base = second_halving(fees, other_recycled_tao_per_day=other), second_halving(
            0.0, other_recycled_tao_per_day=other)
        point = pd.DataFrame([{"fees_tao_per_day": float(fees), "date": pd.Timestamp(h.date)}])
        chart = (alt.Chart(curve).mark_line().encode(
            x=alt.X("fees_tao_per_day:Q", title="fees recycled per day (TAO)"),
            y=alt.Y("date:T", title="second halving", scale=alt.Scale(zero=False)))
            + alt.Chart(point).mark_point(size=120, filled=True, color="#c0392b").encode(
                x="fees_tao_per_day:Q", y="date:T")).properties(width=WIDTH - 120, height=HEIGHT)
        table = pd.DataFrame([{"second halving": f"{h.date:%d %B %Y}",
                               "days after the first": round(h.block / BLOCKS_PER_DAY, 1),
                               "later than with no fees recycled (days)": round((h.block - base.block) / BLOCKS_PER_DAY,
                                                                                1)}])
        return chart, table

    def live():
        import ipywidgets as w

        controls = {
            "fees": w.FloatSlider(value=100.0, min=0.0, max=2_000.0, step=10.0, description="fees TAO/day",
                                  continuous_update=False),
            "other": w.FloatSlider(value=0.0, min=0.0, max=1_000.0, step=10.0, description="other TAO/day",
                                   continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="second halving vs recycled fees")
