"""Figures for the chapter "ADR, deregistration and what a subnet is worth when it dies" (spec §3.4, §6, §7).

Every number comes from the mechanism modules: :mod:`dtao_lib.adr` (ADR, liquidation price,
haircut, a subnet's life), :mod:`dtao_lib.coinbase` (the injection cap), :mod:`dtao_lib.registration`
(lock cost, pruning, the new-subnet pool), :mod:`dtao_lib.dissolution` (settlement, refunds, the
pool-sale comparison) and :mod:`dtao_lib.data` (the 2026-04-11 snapshot). This module only chooses
scenarios, arranges the results and draws them.

Figures: :func:`life_explorer` (ADR and liquidation price over a subnet's life),
:func:`lock_explorer` (lock price for a sequence of registrations), :func:`exit_explorer` (the
dissolution calculator), :func:`snapshot_distribution` (ADR, haircut and prices of every subnet on
2026-04-11). Tables: :func:`injection_per_era`, :func:`lock_quotes`, :func:`lock_destination`,
:func:`pruning_example`, :func:`pruning_candidates`, :func:`settlement_example`,
:func:`owner_refunds`, :func:`snapshot_summary`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import adr, coinbase, data, dissolution, registration
from .. import params as _params
from .._validate import check_array, check_choice, check_frame, check_int, check_int_array, check_real, check_str
from ..emission import block_emission, halving_threshold_rao
from ..interactive import Figure, live_panel
from ..params import (
    BLOCKS_PER_DAY,
    LOCK_REDUCTION_INTERVAL_BLOCKS,
    NETWORK_RATE_LIMIT_BLOCKS,
    RAO_PER_TAO,
    SUBNET_LIMIT,
    TAO_WEIGHT,
)
from ._fast import templated
from ._style import HEIGHT, WIDTH, dropdown, slider
from ._style import styled_table as styled

__all__ = [
    "DEMO_LOCK_TAO",
    "GATE_RANKS",
    "GATE_RULES",
    "LIFE_ERAS",
    "adr_examples",
    "adr_growth",
    "exit_explorer",
    "exit_grid",
    "gate_adr_explorer",
    "gate_projection",
    "gate_projection_summary",
    "injection_per_era",
    "life_explorer",
    "life_grid",
    "lock_destination",
    "lock_explorer",
    "lock_quotes",
    "lock_timeline_frame",
    "new_subnet_start",
    "owner_refunds",
    "parse_days",
    "pruning_candidates",
    "pruning_example",
    "settlement_example",
    "snapshot_distribution",
    "snapshot_summary",
]

TAO = RAO_PER_TAO
DEMO_LOCK_TAO = 1_000
"""Lock of the example subnet in :func:`life_explorer` (a round number, not a mainnet quote)."""

LIFE_ERAS = {
    "head": "HEAD (June 2026 –): cap root_prop·α_emission, bought α kept",
    "v3.3.1": "Dec 2025 – Jun 2026: cap min(α_emission, E), bought α recycled",
}
"""The two injection rules compared in :func:`life_explorer` (spec §3.4)."""

_PRICE_COLORS = alt.Scale(domain=["spot price P", "liquidation price P_L"], range=["#2980b9", "#c0392b"])


def _snapshot() -> pd.DataFrame:
    return data.load_subnet_snapshot()


def _snap(snapshot: Any, columns: Sequence[str]) -> pd.DataFrame:
    """``snapshot`` checked for ``columns`` (:func:`dtao_lib._validate.check_frame`), or the 2026-04-11 snapshot."""
    return _snapshot() if snapshot is None else check_frame("snapshot", snapshot, columns)


def _ints(name: str, values: Any, *, lo: int, hi: int) -> tuple[int, ...]:
    """A non-empty 1-D sequence of integers in [lo, hi], each checked by :func:`check_int` (named ``name[i]``)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__} {values!r}")
    if np.ndim(np.asarray(values, dtype=object)) != 1 or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of integers, got {values!r}")
    return tuple(check_int(f"{name}[{i}]", v, lo=lo, hi=hi) for i, v in enumerate(values))


def _reals(name: str, values: Any, **bounds: Any) -> list[Any]:
    """``values`` as Python numbers (ints stay ints) after :func:`check_array` checked it is 1-D, non-empty, finite
    and in bounds (numpy scalars become Python numbers: an ``int8`` or ``float16`` would overflow in the grid's
    arithmetic)."""
    check_array(name, values, ndim=1, min_size=1, **bounds)
    return [x.item() if isinstance(x, np.generic) else x for x in values]


# ---------------------------------------------------------------------------------------------
# 1. Why emission pushes ADR up: α_in ≤ α_out in every era
# ---------------------------------------------------------------------------------------------
def injection_per_era(alpha_issuance_tao: float = 3_000_000) -> pd.DataFrame:
    """Per-block α_out and the α_in cap in each dTAO era, when the cap binds (spec §3.4).

    ``α_out = α_emission`` (1 α before the subnet's first alpha halving); the cap is computed by
    :func:`dtao_lib.coinbase.injection_cap` for a subnet with ``alpha_issuance_tao`` alpha issued, before
    and after the first TAO halving, with ``root_prop`` from the root stake on 2026-04-11
    (:data:`dtao_lib.adr.DEFAULT_ROOT_TAO_RAO`, γ = 0.18).
    """
    issuance = round(check_real("alpha_issuance_tao", alpha_issuance_tao, lo=0, hi=20_999_999) * TAO)
    a = coinbase.alpha_emission(issuance)
    rp = coinbase.root_proportion(TAO_WEIGHT, adr.DEFAULT_ROOT_TAO_RAO, issuance)
    rows = []
    for era_name, when, e_rao in (
        ("v3.2.12", "Nov 2025 (before the TAO halving)", block_emission(halving_threshold_rao(1) - 1)),
        ("v3.3.1", "Dec 2025 – Jun 2026, after the TAO halving", block_emission(halving_threshold_rao(1))),
        ("head", "HEAD (v3.4.6 –, June 2026)", block_emission(halving_threshold_rao(1))),
    ):
        cap = coinbase.injection_cap(a, block_emission_rao=e_rao, root_proportion=rp, era=era_name)
        rows.append({
            "era": era_name, "when": when,
            "α_out per block": a / TAO, "α_in cap per block": cap / TAO,
            "flow ADR α_out/α_in": a / cap,
        })
    df = pd.DataFrame(rows)
    df.attrs["root_prop"] = rp
    return styled(df)


def adr_growth(years: int = 6, start_alpha: float = 2_000_000) -> alt.LayerChart:
    """Stock ADR of a subnet with ``α_in = α_out = start_alpha`` at the first TAO halving, cap binding.

    Two rules (:func:`dtao_lib.adr.adr_time_series`): the v3.3.1 cap ``min(α_emission, E)`` and HEAD's
    ``root_prop · α_emission``. Dashed lines are the per-block ratios α_out / α_in the stocks move towards.
    """
    a0 = round(check_real("start_alpha", start_alpha, lo=1, hi=1e7) * TAO)
    n_years = check_int("years", years, lo=1, hi=60)
    frames = []
    for era_name, label in (("v3.3.1", "v3.3.1 cap min(α_emission, E)"), ("head", "HEAD cap root_prop·α_emission")):
        df = adr.adr_time_series(n_years * 365 * BLOCKS_PER_DAY, step_blocks=15 * BLOCKS_PER_DAY,
                                 tao_issuance_rao=halving_threshold_rao(1), alpha_in_rao=a0, alpha_out_rao=a0,
                                 era=era_name)
        frames.append(pd.DataFrame({"year": df["block"] / BLOCKS_PER_DAY / 365, "stock": df["stock_adr"],
                                    "per block": df["flow_adr"], "rule": label}))
    long = pd.concat(frames, ignore_index=True).melt(id_vars=["year", "rule"], var_name="ratio", value_name="adr")
    long["adr"] = long["adr"].round(4)
    return alt.Chart(long).mark_line(strokeWidth=2.5).encode(
        x=alt.X("year:Q", title="years after the first TAO halving"),
        y=alt.Y("adr:Q", title="ADR"),
        color=alt.Color("rule:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical")),
        strokeDash=alt.StrokeDash("ratio:N", title=None, scale=alt.Scale(domain=["stock", "per block"],
                                                                        range=[[1, 0], [5, 3]]),
                                  legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=["rule:N", "ratio:N", alt.Tooltip("year:Q", format=".2f"), alt.Tooltip("adr:Q", format=".3f")],
    ).properties(width=WIDTH, height=HEIGHT,
                 title="ADR climbs towards the per-block ratio while the cap binds (no trading)")


# ---------------------------------------------------------------------------------------------
# 2. A subnet's life: ADR and liquidation price
# ---------------------------------------------------------------------------------------------
def new_subnet_start(lock_tao: float = DEMO_LOCK_TAO, *, snapshot: pd.DataFrame | None = None) -> tuple[int, int]:
    """TAO and alpha reserves of a subnet registered at HEAD with ``lock_tao``: the lock at the median
    price of the 2026-04-11 snapshot (:func:`dtao_lib.registration.new_subnet_pool`, spec §6.2)."""
    lock = round(check_real("lock_tao", lock_tao, lo=1, hi=1e7) * TAO)
    df = _snap(snapshot, ("is_dynamic", "price_tao_per_alpha"))
    prices = df.loc[df["is_dynamic"], "price_tao_per_alpha"].dropna().to_numpy()
    pool = registration.new_subnet_pool(lock, prices)
    return pool.tao_reserve_rao, pool.alpha_reserve_rao


def _life(share_pct: float, flow: float, era_name: str, years: float, *, tao_rao: int, alpha_rao: int,
          step_days: int) -> pd.DataFrame:
    df = adr.subnet_life(round(years * 365), tao_reserve_rao=tao_rao, alpha_in_rao=alpha_rao,
                         tao_share=share_pct / 100, net_flow_tao_per_day=flow, era=era_name, step_days=step_days)
    df["year"] = df["day"] / 365
    return df


def life_grid(
    shares_pct: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    flows: Sequence[int] = (-40, -20, 0, 20, 40),
    eras: Sequence[str] = tuple(LIFE_ERAS),
    *,
    years: int = 4,
    lock_tao: float = DEMO_LOCK_TAO,
    step_days: int = 14,
    every: int = 2,
) -> pd.DataFrame:
    """:func:`dtao_lib.adr.subnet_life` over a grid of emission shares, net flows and eras.

    Each run starts from :func:`new_subnet_start` and steps ``step_days`` days; every ``every``-th
    step is kept. Columns: ``share_pct``, ``flow``, ``era``, ``year``, ``adr``, ``price``,
    ``liquidation_price_head`` (rounded to 4 significant digits).

    ``shares_pct`` are percentages in [0, 100], ``flows`` whole TAO per day (absolute value at most 10⁷), ``eras``
    era names (:func:`dtao_lib.params.era`), ``years`` in [1, 100], ``step_days`` in [1, 365].
    """
    shares = _reals("shares_pct", shares_pct, lo=0, hi=100)
    flow_list = _ints("flows", flows, lo=-10**7, hi=10**7)
    era_list = _era_names("eras", eras)
    years = check_int("years", years, lo=1, hi=100)
    step_days = check_int("step_days", step_days, lo=1, hi=365)
    every = check_int("every", every, lo=1, hi=100_000)
    tao_rao, alpha_rao = new_subnet_start(lock_tao)
    frames = []
    for era_name in era_list:
        for s in shares:
            for f in flow_list:
                df = _life(s, f, era_name, years, tao_rao=tao_rao, alpha_rao=alpha_rao, step_days=step_days)
                df = df.iloc[::every]
                frames.append(df.assign(share_pct=float(s), flow=int(f), era=era_name)[
                    ["share_pct", "flow", "era", "year", "adr", "price", "liquidation_price_head"]])
    out = pd.concat(frames, ignore_index=True).replace([np.inf, -np.inf], np.nan)
    for c in ("year", "adr", "price", "liquidation_price_head"):
        out[c] = _sig(out[c].to_numpy())
    return out


def _era_names(name: str, values: Any) -> list[str]:
    """A non-empty sequence of era names, each resolved by :func:`dtao_lib.params.era` (errors name ``name``)."""
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray) or len(values) == 0:
        raise TypeError(f"{name} must be a non-empty sequence of era names such as ('head', 'v3.3.1'), got {values!r}")
    out = []
    for i, v in enumerate(values):
        check_str(f"{name}[{i}]", v)
        try:
            _params.era(v)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}[{i}]: {exc}") from None
        out.append(str(v))
    return out


def _sig(x: np.ndarray, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant digits (keeps the static charts' embedded data small)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.where((x != 0) & np.isfinite(x), np.floor(np.log10(np.abs(x))), 0)
    scale = 10.0 ** (digits - 1 - mag)
    return np.round(x * scale) / scale


def _life_chart(df: pd.DataFrame, filters: Sequence[Any] = ()) -> alt.VConcatChart:
    base = alt.Chart(df)
    for f in filters:
        base = base.transform_filter(f)
    x = alt.X("year:Q", title="years since registration")
    adr_line = base.mark_line(color="#8e44ad", strokeWidth=2.5).encode(
        x=x, y=alt.Y("adr:Q", title="ADR = α_out / α_in"),
        tooltip=[alt.Tooltip("year:Q", format=".2f"), alt.Tooltip("adr:Q", format=".3f", title="ADR")],
    )
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[4, 4], color="#7f8c8d").encode(y="y:Q")
    prices = base.transform_fold(
        ["price", "liquidation_price_head"], as_=["which", "tao_per_alpha"]
    ).transform_calculate(
        label="datum.which == 'price' ? 'spot price P' : 'liquidation price P_L'"
    ).transform_filter("isValid(datum.tao_per_alpha) && datum.tao_per_alpha > 0").mark_line(strokeWidth=2.5).encode(
        x=x,
        y=alt.Y("tao_per_alpha:Q", title="TAO per alpha", scale=alt.Scale(type="log")),
        color=alt.Color("label:N", scale=_PRICE_COLORS, title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:Q", format=".2f"), "label:N", alt.Tooltip("tao_per_alpha:Q", format=".5f")],
    )
    return alt.vconcat(
        (adr_line + one).properties(width=WIDTH, height=HEIGHT * 0.6, title="ADR over the subnet's life"),
        prices.properties(width=WIDTH, height=HEIGHT * 0.6,
                          title="Spot price and liquidation price (protocol alpha included, spec §6.4)"),
    )


_life_live = templated(_life_chart)


def life_explorer(*, years: int = 4, lock_tao: float = DEMO_LOCK_TAO) -> Figure:
    """ADR, spot and liquidation price of a new subnet for a chosen emission share, net flow and era.

    Static face: sliders over emission share (0–2 % of the block emission) and net user flow
    (−40…+40 TAO a day) and a dropdown of the two injection rules, over :func:`life_grid`.
    Live face: any share, flow, lock, era and horizon (:func:`dtao_lib.adr.subnet_life`).
    ``years`` in [1, 100], ``lock_tao`` in [1, 10⁷] TAO.
    """
    years = check_int("years", years, lo=1, hi=100)
    lock_tao = check_real("lock_tao", lock_tao, lo=1, hi=1e7)

    def static() -> alt.VConcatChart:
        share = slider("share", lo=0, hi=2, step=0.5, value=1, label="subnet's share of TAO emission (%) ")
        flow = slider("flow", lo=-40, hi=40, step=20, value=0, label="users' net stake (TAO/day) ")
        era_p = dropdown("lifeera", list(LIFE_ERAS), "head", "injection rule ", labels=list(LIFE_ERAS.values()))
        grid = life_grid(years=years, lock_tao=lock_tao)
        chart = _life_chart(grid, [f"abs(datum.share_pct - {share.name}) < 1e-9", alt.datum.flow == flow,
                                   alt.datum.era == era_p])
        return chart.add_params(share, flow, era_p).properties(
            title=f"A subnet registered with a {lock_tao:,.0f}-TAO lock at the median price"
        )

    def render(share_pct: float, flow: float, lock: float, era_name: str, horizon: int):
        tao_rao, alpha_rao = new_subnet_start(lock)
        # weekly steps up to ~4 years, then at most 200 steps (a step of a few weeks is a pixel or two)
        step = max(7, math.ceil(horizon * 365 / 200))
        df = _life(share_pct, flow, era_name, horizon, tao_rao=tao_rao, alpha_rao=alpha_rao, step_days=step)
        last = df.iloc[-1]
        table = pd.DataFrame([{
            "after (years)": horizon, "ADR": last["adr"], "ADR incl. protocol α": last["adr_head"],
            "spot P": last["price"], "liquidation P_L": last["liquidation_price_head"],
            "haircut": 1 - last["liquidation_price_head"] / last["price"],
        }])
        return _life_live(df.replace([np.inf, -np.inf], np.nan)), table

    def live():
        import ipywidgets as w

        style = {"description_width": "initial"}
        controls = {
            "share_pct": w.FloatSlider(value=1.0, min=0, max=10, step=0.1, description="TAO share %",
                                       continuous_update=False, style=style),
            "flow": w.FloatSlider(value=0, min=-200, max=200, step=5, description="net stake TAO/day",
                                  continuous_update=False, style=style),
            "lock": w.FloatText(value=lock_tao, description="lock (TAO)", style=style),
            "era_name": w.Dropdown(options=[(v, k) for k, v in LIFE_ERAS.items()], value="head",
                                   description="rule", style=style),
            "horizon": w.IntSlider(value=years, min=1, max=20, description="years", continuous_update=False,
                                   style=style),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="a subnet's life")


# ---------------------------------------------------------------------------------------------
# 3. Registration: lock price, pruning, where the lock goes
# ---------------------------------------------------------------------------------------------
def lock_quotes() -> pd.DataFrame:
    """The two 2025 lock-price migrations and what the lock costs at a steady registration rate (spec §6.1).

    * Sept 2025 (deregistration re-enabled): ``last_lock = 1000 TAO`` with the last-lock block one
      week in the future, so the chain quotes ``2 × 1000`` until registrations open.
    * Oct 2025 (``migrate_network_lock_cost_2500``): ``last_lock = 1250 TAO`` at the current block: 2500.
    * The growth factor between registrations every 4 days (the rate limit) before and after the
      first TAO halving (:func:`dtao_lib.registration.lock_growth_factor`).
    """
    now = 6_500_000
    sept = registration.lock_cost(last_lock_rao=1_000 * TAO, last_lock_block=now + 7 * BLOCKS_PER_DAY,
                                  current_block=now)
    octo = registration.lock_cost(last_lock_rao=1_250 * TAO, last_lock_block=now, current_block=now)
    e0, e1 = block_emission(0), block_emission(halving_threshold_rao(1))
    return styled(pd.DataFrame([
        {"situation": "Sept 2025 re-enable: last lock 1 000 TAO, one week ahead", "value": sept / TAO,
         "unit": "TAO quoted", "computed by": "registration.lock_cost"},
        {"situation": "Oct 2025 reset: last lock 1 250 TAO at the current block", "value": octo / TAO,
         "unit": "TAO quoted", "computed by": "registration.lock_cost"},
        {"situation": "decay interval before the first halving", "value":
         registration.lock_reduction_interval(LOCK_REDUCTION_INTERVAL_BLOCKS, block_emission_rao=e0) / BLOCKS_PER_DAY,
         "unit": "days", "computed by": "registration.lock_reduction_interval"},
        {"situation": "decay interval after the first halving", "value":
         registration.lock_reduction_interval(LOCK_REDUCTION_INTERVAL_BLOCKS, block_emission_rao=e1) / BLOCKS_PER_DAY,
         "unit": "days", "computed by": "registration.lock_reduction_interval"},
        {"situation": "price ratio, registrations every 4 days, before the halving",
         "value": registration.lock_growth_factor(NETWORK_RATE_LIMIT_BLOCKS, block_emission_rao=e0),
         "unit": "× per registration", "computed by": "registration.lock_growth_factor"},
        {"situation": "price ratio, registrations every 4 days, after the halving",
         "value": registration.lock_growth_factor(NETWORK_RATE_LIMIT_BLOCKS, block_emission_rao=e1),
         "unit": "× per registration", "computed by": "registration.lock_growth_factor"},
    ]))


_LOCK_EMISSIONS = {"before": 1_000_000_000, "after": 500_000_000}
_LOCK_EMISSION_LABELS = ["before the first halving (E = 1 TAO)", "after the first halving (E = 0.5 TAO)"]


def parse_days(text: str) -> list[float]:
    """Registration days from text such as ``"4, 8, 13.5"`` (numbers ≥ 0 separated by commas or spaces)."""
    if not isinstance(text, str):
        raise TypeError(f"text (the registration days) must be a string like '4, 8, 12', got {type(text).__name__}")
    out = []
    for tok in text.replace(",", " ").split():
        try:
            v = float(tok)
        except ValueError:
            raise ValueError(f"registration days must be numbers separated by commas, got {tok!r}") from None
        out.append(check_real("registration day", v, lo=0, hi=3_650))
    return out


def lock_timeline_frame(
    registration_days: Sequence[float],
    *,
    days: int = 48,
    block_emission_rao: int = 500_000_000,
    last_lock_tao: float = 1_250.0,
    sample_blocks: int = 2_400,
    on_rate_limit: str = "skip",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lock price over ``days`` days from the Oct-2025 reset state, with registrations on the given days.

    Day 0 is the block of the last registration (``last_lock_tao`` paid then, so the quote starts at
    twice that). Prices come from :func:`dtao_lib.registration.lock_cost_timeline` (exact, every
    block); the curve keeps every ``sample_blocks``-th block plus the blocks just before and at each
    registration. Registrations closer than 28 800 blocks (4 days) to the previous one are skipped
    (the rate limit) and listed. Returns (curve, registrations).

    ``registration_days`` are days in [0, 3 650] (may be empty); ``days`` in [1, 3 650];
    ``block_emission_rao`` in [1, 10⁹]; ``last_lock_tao`` in [1, 10⁷]; ``sample_blocks`` ≥ 1 and large
    enough that the curve keeps at most 10⁶ quotes; ``on_rate_limit`` one of ``'raise'``, ``'skip'``, ``'ignore'``.
    """
    reg_days = check_array("registration_days", registration_days, ndim=1, lo=0, hi=3_650)
    n_days = check_int("days", days, lo=1, hi=3_650)
    last_lock = round(check_real("last_lock_tao", last_lock_tao, lo=1, hi=1e7) * TAO)
    emission_rao = check_int("block_emission_rao", block_emission_rao, lo=1, hi=TAO)
    every = check_int("sample_blocks", sample_blocks, lo=1)
    if n_days * BLOCKS_PER_DAY > every * 1_000_000:
        raise ValueError(f"sample_blocks must be >= {-(-n_days * BLOCKS_PER_DAY // 1_000_000)} for days={n_days} "
                         f"(at most 10^6 quotes), got {every}")
    check_choice("on_rate_limit", on_rate_limit, ("raise", "skip", "ignore"))
    start = 1_000_000
    end = start + n_days * BLOCKS_PER_DAY
    regs = sorted({start + round(float(d) * BLOCKS_PER_DAY) for d in reg_days})
    regs = [b for b in regs if start <= b <= end]
    kw = dict(start_block=start, end_block=end, registration_blocks=regs, last_lock_rao=last_lock,
              last_lock_block=start, block_emission_rao=emission_rao, on_rate_limit=on_rate_limit)
    # quote every sample_blocks-th block and the blocks around each registration that went through (the
    # price is linear in between): first the registrations alone, then only those quotes
    done = registration.lock_cost_timeline(**kw, quote_blocks=()).registrations
    quotes = set(range(start, end + 1, every)) | {end}
    for b in done:
        quotes |= {max(b - 1, start), b, min(b + 1, end)}
    t = registration.lock_cost_timeline(**kw, quote_blocks=sorted(quotes))
    curve = pd.DataFrame({"day": np.round((t.blocks - start) / BLOCKS_PER_DAY, 4),
                          "price_tao": np.round(t.price_tao, 2)})
    paid = pd.DataFrame({"day": [(b - start) / BLOCKS_PER_DAY for b in t.registrations],
                         "paid_tao": [p / TAO for p in t.paid_rao], "status": "registered"})
    skipped = pd.DataFrame({"day": [(b - start) / BLOCKS_PER_DAY for b in t.rate_limited], "paid_tao": np.nan,
                            "status": "refused: within 4 days of the previous one"})
    events = pd.concat([paid, skipped], ignore_index=True) if len(skipped) else paid
    return curve, events


def _lock_chart(curve: pd.DataFrame, events: pd.DataFrame, filters: Sequence[Any] = ()) -> alt.LayerChart:
    c, ev = alt.Chart(curve), alt.Chart(events)
    for f in filters:
        c, ev = c.transform_filter(f), ev.transform_filter(f)
    line = c.mark_line(color="#2980b9", strokeWidth=2).encode(
        x=alt.X("day:Q", title="days since the last registration before the window"),
        y=alt.Y("price_tao:Q", title="lock price quoted (TAO)"),
        tooltip=[alt.Tooltip("day:Q", format=".2f"), alt.Tooltip("price_tao:Q", format=",.1f", title="TAO")],
    )
    pts = ev.transform_filter("isValid(datum.paid_tao)").mark_point(
        filled=True, size=70, color="#c0392b").encode(
        x="day:Q", y="paid_tao:Q",
        tooltip=[alt.Tooltip("day:Q", format=".2f"), alt.Tooltip("paid_tao:Q", format=",.1f", title="paid (TAO)")],
    )
    return (line + pts).properties(width=WIDTH, height=HEIGHT)


_lock_live = templated(_lock_chart)


def lock_explorer(*, days: int = 48) -> Figure:
    """Lock price for registrations every N days, before or after the first halving (spec §6.1).

    Static face: a slider over N (4–16 days) and a dropdown of the block emission (the decay interval
    is 8 days before the halving, 4 after). Live face: any list of registration days, starting lock
    and emission; refused registrations (rate limit) are listed. ``days`` in [1, 3 650].
    """
    days = check_int("days", days, lo=1, hi=3_650)

    def static() -> alt.LayerChart:
        every = slider("every", lo=4, hi=16, step=1, value=4, label="a registration every … days ")
        em = dropdown("lockera", list(_LOCK_EMISSIONS), "after", "block emission ", labels=_LOCK_EMISSION_LABELS)
        curves, events = [], []
        for key, e in _LOCK_EMISSIONS.items():
            for n in range(4, 17):
                cv, evs = lock_timeline_frame(list(range(n, days + 1, n)), days=days, block_emission_rao=e)
                curves.append(cv.assign(every=n, emission=key))
                events.append(evs.assign(every=n, emission=key))
        return _lock_chart(pd.concat(curves, ignore_index=True), pd.concat(events, ignore_index=True),
                           [alt.datum.every == every, alt.datum.emission == em]).add_params(every, em).properties(
            title="Each registration doubles the price, which then decays linearly (spec §6.1)")

    def render(reg_days: str, last_lock: float, emission: str, horizon: int):
        curve, events = lock_timeline_frame(parse_days(reg_days), days=horizon, last_lock_tao=last_lock,
                                            block_emission_rao=_LOCK_EMISSIONS[emission])
        return _lock_live(curve, events), events

    def live():
        import ipywidgets as w

        style = {"description_width": "initial"}
        controls = {
            "reg_days": w.Text(value="6, 12, 18, 24, 30", description="registration days", style=style,
                               continuous_update=False),
            "last_lock": w.FloatText(value=1_250.0, description="last lock paid (TAO)", style=style),
            "emission": w.Dropdown(options=list(zip(_LOCK_EMISSION_LABELS, _LOCK_EMISSIONS, strict=True)),
                                   value="after", description="emission", style=style),
            "horizon": w.IntSlider(value=days, min=8, max=200, description="days", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="lock price timeline")


def pruning_example() -> pd.DataFrame:
    """Who is pruned: four subnets, two tied on the lowest EMA price, one immune (spec §6.3, DS-05…07).

    The pick is :func:`dtao_lib.registration.subnet_to_prune` at block 2 000 000 (immunity 864 000 blocks).
    """
    block = 2_000_000
    subnets = [
        {"netuid": 11, "ema_price": 0.0040, "registered_at": 400_000},
        {"netuid": 12, "ema_price": 0.0040, "registered_at": 900_000},
        {"netuid": 13, "ema_price": 0.0100, "registered_at": 100_000},
        {"netuid": 14, "ema_price": 0.0010, "registered_at": 1_500_000},
    ]
    pick = registration.subnet_to_prune(subnets, current_block=block)
    return styled(pd.DataFrame([{
        "netuid": s["netuid"], "EMA price": s["ema_price"], "registered at block": s["registered_at"],
        "immune": registration.is_immune(s["registered_at"], block), "pruned": s["netuid"] == pick,
    } for s in subnets]))


def pruning_candidates(n: int = 5, *, snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``n`` lowest EMA prices of the 2026-04-11 snapshot (spec §6.3).

    The snapshot records no registration blocks, so immunity cannot be checked here: the pruned
    subnet is the first of these that had been registered for more than 864 000 blocks (≈ 120 days).
    """
    count = check_int("n", n, lo=1, hi=128)
    df = _snap(snapshot, ("netuid", "name", "is_dynamic", "moving_price_tao_per_alpha", "price_tao_per_alpha", "adr"))
    dyn = df[df["is_dynamic"] & df["moving_price_tao_per_alpha"].notna()]
    low = dyn.nsmallest(count, "moving_price_tao_per_alpha")
    table = low[["netuid", "name", "moving_price_tao_per_alpha", "price_tao_per_alpha", "adr"]].rename(
        columns={"moving_price_tao_per_alpha": "EMA price", "price_tao_per_alpha": "price", "adr": "ADR"})
    return styled(table.reset_index(drop=True))


def lock_destination(lock_tao: float = 1_000.0, *, snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where a lock goes, by era (:func:`dtao_lib.registration.new_subnet_pool`, spec §6.2).

    The median price is taken over the snapshot's reported prices (2026-04-11).
    """
    lock = round(check_real("lock_tao", lock_tao, lo=1, hi=1e7) * TAO)
    df = _snap(snapshot, ("is_dynamic", "price_tao_per_alpha"))
    prices = df.loc[df["is_dynamic"], "price_tao_per_alpha"].dropna().to_numpy()
    rows = []
    for era_name, when in (("v3.3.11", "before 23 Apr 2026 (v2.0.0 – v3.3.13)"),
                           ("head", "from 23 Apr 2026 (v3.3.14)")):
        p = registration.new_subnet_pool(lock, prices, era=era_name)
        rows.append({"era": when, "pool TAO": p.tao_reserve_rao / TAO, "pool alpha": p.alpha_reserve_rao / TAO,
                     "starting price": p.price, "recycled TAO": p.recycled_rao / TAO})
    return styled(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------
# 4. Dissolution: settlement, refunds, the calculator
# ---------------------------------------------------------------------------------------------
def settlement_example() -> pd.DataFrame:
    """A 1 000-rao pot shared among three stakers of 3 α and a protocol claimant of 2 α (spec §6.4, DS-01…04).

    Shows each claimant's exact share ``T·v/V``, its floor, the leftover rao handed out by largest
    remainder, and the protocol share that is recycled (:func:`dtao_lib.dissolution.settle`).
    """
    pot, stakers, prot = 1_000, [3, 3, 3], 2
    s = dissolution.settle(pot, stakers, protocol_alpha=prot)
    rows = [{"claimant": f"staker {i + 1}", "alpha": v, "exact share": pot * v / s.denominator,
             "floor": s.staker_floor[i], "paid": s.staker_tao[i]} for i, v in enumerate(stakers)]
    rows.append({"claimant": "protocol (recycled)", "alpha": prot, "exact share": pot * prot / s.denominator,
                 "floor": s.protocol_pro_rata, "paid": s.protocol_share})
    return styled(pd.DataFrame(rows))


def owner_refunds(lock_tao: float = 2_000.0, owner_emission_tao: float = 800.0) -> pd.DataFrame:
    """The owner's lock refund at dissolution in each era (:func:`dtao_lib.dissolution.owner_refund`, §6.4)."""
    lock = round(check_real("lock_tao", lock_tao, lo=0, hi=1e7) * TAO)
    emitted = round(check_real("owner_emission_tao", owner_emission_tao, lo=0, hi=1e7) * TAO)
    rows = []
    for era_name, when in (("v1.2.5", "pre-dTAO (to Feb 2025)"), ("v2.0.0", "Feb – Sept 2025"),
                           ("v3.2.8", "Sept – Oct 2025 (v3.2.8)"), ("head", "Oct 2025 (v3.2.9) – HEAD")):
        rows.append({
            "era": when,
            "legacy subnet": dissolution.owner_refund(lock, emitted, legacy=True, era=era_name) / TAO,
            "subnet registered after Sept 2025": dissolution.owner_refund(lock, emitted, legacy=False,
                                                                           era=era_name) / TAO,
        })
    return styled(pd.DataFrame(rows))


_EXIT_TAO = 10_000 * TAO
_EXIT_ALPHA = 1_000_000 * TAO


def _exit_row(adr_value: float, frac_pct: float, prot_pct: float, **kw: Any) -> dict[str, float]:
    user = round(adr_value * _EXIT_ALPHA)
    mine = max(round(user * frac_pct / 100), 1)
    c = dissolution.exit_comparison(_EXIT_TAO, _EXIT_ALPHA, mine, user - mine,
                                    protocol_alpha_rao=round(user * prot_pct / 100), **kw)
    if c.spot_value_rao == 0:
        raise ValueError(f"fracs_pct: the staker's alpha ({mine} rao at adr {adr_value}, frac_pct {frac_pct}) is worth "
                         "0 rao at the spot price, so 'received / spot value' is undefined: use a larger share")
    return {"adr": adr_value, "prot_pct": prot_pct, "frac_pct": frac_pct,
            "dissolution": c.dissolution_rao / c.spot_value_rao, "pool sale": c.pool_sale_rao / c.spot_value_rao}


def exit_grid(
    adrs: Sequence[float] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0),
    prot_pcts: Sequence[int] = (0, 25, 50),
    fracs_pct: Sequence[float] = (0.5, *range(5, 101, 5)),
) -> pd.DataFrame:
    """TAO received per TAO of spot value, at dissolution and from a pool sale, over a grid.

    Pool: 10 000 TAO and 1 000 000 α (spot 0.01) at HEAD (equal-weight Balancer); the stakers hold
    ``ADR × 1 000 000`` α, this staker ``frac_pct`` % of it; protocol alpha ``prot_pct`` % of the
    stakers' alpha. Long format: ``exit`` ∈ {dissolution, pool sale}, ``received`` (fraction of spot value).

    ``adrs`` in (0, 20] (stakers' alpha within the 21 M alpha supply), ``prot_pcts`` in [0, 1 000],
    ``fracs_pct`` in (0, 100]; each a non-empty 1-D sequence.
    """
    adr_list = _reals("adrs", adrs, lo=0, lo_open=True, hi=20)
    prot_list = _reals("prot_pcts", prot_pcts, lo=0, hi=1_000)
    frac_list = _reals("fracs_pct", fracs_pct, lo=0, lo_open=True, hi=100)
    rows = [_exit_row(a, f, p) for a in adr_list for p in prot_list for f in frac_list]
    return pd.DataFrame(rows).melt(id_vars=["adr", "prot_pct", "frac_pct"], var_name="exit", value_name="received")


def _exit_chart(df: pd.DataFrame, filters: Sequence[Any] = ()) -> alt.Chart:
    base = alt.Chart(df)
    for f in filters:
        base = base.transform_filter(f)
    return base.mark_line(strokeWidth=2.5, point=True).encode(
        x=alt.X("frac_pct:Q", title="your alpha, % of all stakers' alpha"),
        y=alt.Y("received:Q", title="TAO received / spot value of your alpha", axis=alt.Axis(format="%")),
        color=alt.Color("exit:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["pool sale", "dissolution"], range=["#2980b9", "#c0392b"])),
        tooltip=[alt.Tooltip("frac_pct:Q", title="your share %"), "exit:N",
                 alt.Tooltip("received:Q", format=".1%", title="received / spot value")],
    ).properties(width=WIDTH, height=HEIGHT)


_exit_live = templated(_exit_chart)


def exit_explorer() -> Figure:
    """The dissolution calculator: a staker's TAO at dissolution versus a pool sale (spec §6.4, §4.3).

    Static face: sliders over ADR (0.5–4) and protocol alpha (0–50 % of the stakers' alpha) over
    :func:`exit_grid`. Live face: any pool, holdings, protocol alpha, the June-2026 ``α_in`` rule and
    the pool design of another era, with the exact amounts from :func:`dtao_lib.dissolution.exit_comparison`.
    """

    def static() -> alt.Chart:
        a = slider("adr", lo=0.5, hi=4, step=0.5, value=2, label="ADR (stakers' alpha / pool alpha) ")
        p = slider("prot", lo=0, hi=50, step=25, value=0, label="protocol alpha (% of stakers' alpha) ")
        return _exit_chart(exit_grid(), [f"abs(datum.adr - {a.name}) < 1e-9", alt.datum.prot_pct == p]).add_params(
            a, p).properties(title="Wait for dissolution, or sell in the pool?")

    def render(pool_tao: float, pool_alpha: float, others_alpha: float, my_alpha: float, protocol_alpha: float,
               include_alpha_in: bool, era_name: str):
        kw = dict(protocol_alpha_rao=round(check_real("protocol alpha", protocol_alpha, lo=0) * TAO),
                  include_alpha_in=include_alpha_in, era=era_name)
        t = round(check_real("pool TAO", pool_tao, lo=0.001) * TAO)
        x = round(check_real("pool alpha", pool_alpha, lo=0.001) * TAO)
        others = round(check_real("other stakers' alpha", others_alpha, lo=0) * TAO)
        mine = round(check_real("your alpha", my_alpha, lo=1e-9) * TAO)
        c = dissolution.exit_comparison(t, x, mine, others, **kw)
        table = pd.DataFrame([{
            "ADR": (mine + others) / x, "spot value (TAO)": c.spot_value_rao / TAO,
            "dissolution (TAO)": c.dissolution_rao / TAO, "pool sale (TAO)": c.pool_sale_rao / TAO,
            "haircut": c.dissolution_haircut, "sale slippage": c.sale_slippage, "better": c.better,
        }])
        user = mine + others
        rows = []
        for f in (0.5, *range(5, 101, 5)):
            m = max(round(user * f / 100), 1)
            cc = dissolution.exit_comparison(t, x, m, user - m, **kw)
            rows += [{"frac_pct": f, "exit": "dissolution", "received": cc.dissolution_rao / cc.spot_value_rao},
                     {"frac_pct": f, "exit": "pool sale", "received": cc.pool_sale_rao / cc.spot_value_rao}]
        return table, _exit_live(pd.DataFrame(rows))

    def live():
        import ipywidgets as w

        style = {"description_width": "initial"}
        controls = {
            "pool_tao": w.FloatText(value=10_000, description="pool TAO", style=style),
            "pool_alpha": w.FloatText(value=1_000_000, description="pool alpha", style=style),
            "others_alpha": w.FloatText(value=1_900_000, description="other stakers' alpha", style=style),
            "my_alpha": w.FloatText(value=100_000, description="your alpha", style=style),
            "protocol_alpha": w.FloatText(value=0, description="protocol alpha", style=style),
            "include_alpha_in": w.Checkbox(value=False, description="registered after June 2026 (α_in counts)"),
            "era_name": w.Dropdown(options=[("HEAD: Balancer pool", "head"), ("Apr 2026: Uniswap-v3 pool", "v3.3.11")],
                                   value="head", description="pool", style=style),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="dissolution calculator")


# ---------------------------------------------------------------------------------------------
# 5. Real subnets on 2026-04-11
# ---------------------------------------------------------------------------------------------
def snapshot_summary(snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """ADR, haircut and prices across the dynamic subnets of the 2026-04-11 snapshot (spec §7).

    The snapshot's ``adr``, ``liquidation_price_tao_per_alpha`` and ``haircut`` columns are computed
    by :mod:`dtao_lib.adr` from the reserves; this table recomputes the headline numbers with it.
    """
    df = _snap(snapshot, ("is_dynamic", "alpha_out_alpha", "alpha_in_alpha", "spot_price_tao_per_alpha",
                          "liquidation_price_tao_per_alpha"))
    dyn = df[df["is_dynamic"]]
    ratio = adr.adr(dyn["alpha_out_alpha"].to_numpy(), dyn["alpha_in_alpha"].to_numpy())
    held = ratio[ratio > 0]
    cut = adr.haircut(held)
    return styled(pd.DataFrame([
        {"quantity": "dynamic subnets (netuid ≥ 1)", "value": len(dyn), "computed by": "data.load_subnet_snapshot"},
        {"quantity": "subnet limit", "value": SUBNET_LIMIT, "computed by": "params.SUBNET_LIMIT"},
        {"quantity": "subnets with ADR > 1", "value": int((ratio > 1).sum()), "computed by": "adr.adr(α_out, α_in)"},
        {"quantity": "median ADR", "value": float(np.median(ratio)), "computed by": "adr.adr"},
        {"quantity": "largest ADR", "value": float(ratio.max()), "computed by": "adr.adr"},
        {"quantity": "median haircut 1 − 1/ADR", "value": float(np.median(cut)), "computed by": "adr.haircut"},
        {"quantity": "subnets whose liquidation price is below half of spot", "value": int((cut > 0.5).sum()),
         "computed by": "adr.haircut > 0.5"},
        {"quantity": "median spot price (TAO per α)", "value": float(dyn["spot_price_tao_per_alpha"].median()),
         "computed by": "τ_in / α_in"},
        {"quantity": "median liquidation price (TAO per α)",
         "value": float(np.nanmedian(dyn["liquidation_price_tao_per_alpha"])), "computed by": "adr.liquidation_price"},
    ]))


_QUANTITIES = {
    "adr": "ADR = α_out / α_in",
    "haircut_pct": "haircut 1 − 1/ADR (%)",
    "log_spot": "spot price, log₁₀(TAO per α)",
    "log_liq": "liquidation price, log₁₀(TAO per α)",
}


_LONG_COLUMNS = ("netuid", "name", "is_dynamic", "adr", "haircut", "spot_price_tao_per_alpha",
                 "liquidation_price_tao_per_alpha")


def _snapshot_long(snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    df = _snap(snapshot, _LONG_COLUMNS)
    dyn = df[df["is_dynamic"]]
    wide = pd.DataFrame({
        "netuid": dyn["netuid"], "name": dyn["name"], "adr": dyn["adr"], "haircut": dyn["haircut"],
        "spot_price_tao_per_alpha": dyn["spot_price_tao_per_alpha"],
        "liquidation_price_tao_per_alpha": dyn["liquidation_price_tao_per_alpha"],
        "q:adr": dyn["adr"], "q:haircut_pct": 100 * dyn["haircut"],
        "q:log_spot": np.log10(dyn["spot_price_tao_per_alpha"]),
        "q:log_liq": np.log10(dyn["liquidation_price_tao_per_alpha"]),
    })
    long = wide.melt(id_vars=list(wide.columns[:6]), value_vars=[f"q:{k}" for k in _QUANTITIES],
                     var_name="quantity", value_name="value")
    long["quantity"] = long["quantity"].str.slice(2)
    return long.replace([np.inf, -np.inf], np.nan).dropna(subset=["value"]).reset_index(drop=True)


def _histograms(long: pd.DataFrame, bins: int = 30) -> pd.DataFrame:
    """Counts per bin for each quantity (binned here, so each quantity gets its own bin edges)."""
    rows = []
    for q, grp in long.groupby("quantity"):
        counts, edges = np.histogram(grp["value"].to_numpy(), bins=bins)
        rows += [{"quantity": q, "lo": float(a), "hi": float(b), "subnets": int(c)}
                 for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)]
    return pd.DataFrame(rows)


def snapshot_distribution(snapshot: pd.DataFrame | None = None) -> Figure:
    """Histogram and strip of ADR, haircut, spot and liquidation price over the 128 subnets of 2026-04-11.

    A dropdown picks the quantity; hover a dot for the subnet. Reference lines: ADR = 1, haircut = 0.
    Works the same in Jupyter (client-side chart).
    """
    if snapshot is not None:
        check_frame("snapshot", snapshot, _LONG_COLUMNS)

    def static() -> alt.VConcatChart:
        long = _snapshot_long(snapshot)
        q = dropdown("quantity", list(_QUANTITIES), "adr", "show ", labels=list(_QUANTITIES.values()))
        base = alt.Chart(long).transform_filter(alt.datum.quantity == q)
        hist = alt.Chart(_histograms(long)).transform_filter(alt.datum.quantity == q).mark_rect(
            color="#8e44ad", opacity=0.8, stroke="white", strokeWidth=0.5).encode(
            x=alt.X("lo:Q", title=None, scale=alt.Scale(zero=False)), x2="hi:Q",
            y=alt.Y("subnets:Q", title="subnets"), y2=alt.datum(0),
            tooltip=[alt.Tooltip("lo:Q", format=".3f", title="from"), alt.Tooltip("hi:Q", format=".3f", title="to"),
                     "subnets:Q"],
        ).properties(width=WIDTH, height=HEIGHT * 0.6)
        ref = alt.Chart(pd.DataFrame({"quantity": ["adr", "haircut_pct"], "value": [1.0, 0.0]})).transform_filter(
            alt.datum.quantity == q).mark_rule(color="#c0392b", strokeDash=[5, 3], strokeWidth=2).encode(x="value:Q")
        strip = base.transform_calculate(jitter="random()").mark_circle(size=45, opacity=0.75).encode(
            x=alt.X("value:Q", title="the chosen quantity (one dot per subnet)", scale=alt.Scale(zero=False)),
            y=alt.Y("jitter:Q", axis=None),
            color=alt.condition("datum.adr > 1", alt.value("#c0392b"), alt.value("#27ae60")),
            tooltip=["netuid:Q", "name:N", alt.Tooltip("adr:Q", format=".3f", title="ADR"),
                     alt.Tooltip("haircut:Q", format=".1%"),
                     alt.Tooltip("spot_price_tao_per_alpha:Q", format=".6f", title="spot"),
                     alt.Tooltip("liquidation_price_tao_per_alpha:Q", format=".6f", title="liquidation")],
        ).properties(width=WIDTH, height=HEIGHT * 0.35)
        return alt.vconcat(hist + ref, strip + ref).resolve_scale(x="shared").add_params(q).properties(
            title="Every subnet on 2026-04-11 (red: ADR > 1, liquidation below spot)")

    return Figure(static=static, title="ADR across subnets, 2026-04-11")


def adr_examples(snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Three real subnets: lowest, median and highest ADR among those with alpha outstanding (2026-04-11)."""
    df = _snap(snapshot, ("netuid", "name", "is_dynamic", "adr", "tao_in_tao", "alpha_in_alpha", "alpha_out_alpha"))
    dyn = df[df["is_dynamic"] & (df["alpha_out_alpha"] > 0)].sort_values("adr", ignore_index=True)
    if dyn.empty:
        raise ValueError("snapshot has no dynamic subnet with alpha outstanding (is_dynamic and alpha_out_alpha > 0)")
    picks = dyn.iloc[[0, len(dyn) // 2, len(dyn) - 1]]
    out = pd.DataFrame({
        "netuid": picks["netuid"].to_numpy(), "name": picks["name"].to_numpy(),
        "τ_pool (TAO)": picks["tao_in_tao"].to_numpy(), "α_in": picks["alpha_in_alpha"].to_numpy(),
        "α_out": picks["alpha_out_alpha"].to_numpy(),
    })
    out["ADR"] = adr.adr(out["α_out"].to_numpy(), out["α_in"].to_numpy())
    out["spot P"] = out["τ_pool (TAO)"] / out["α_in"]
    out["P_L = P/ADR"] = adr.liquidation_price(out["τ_pool (TAO)"].to_numpy(), out["α_out"].to_numpy())
    out["haircut"] = adr.haircut(out["ADR"].to_numpy())
    return styled(out, {"haircut": "{:.1%}"})



# ---------------------------------------------------------------------------------------------
# Under the emission gate: a subnet below the bar over a year (addendum §A2, §H; spec §7)
# ---------------------------------------------------------------------------------------------
GATE_RULES = {"head": "HEAD (spec 459): gated share", "spec425": "June 2026 rule (spec 425): no gate"}
"""The two share rules the gate projection compares, with their labels."""

GATE_RANKS: tuple[int, ...] = (16, 32, 48, 64, 96)
"""Weight ranks (1 = largest) of the example subnets of :func:`gate_projection`; the bar is rank 32."""

_GATE_CACHE: dict[tuple[tuple[int, ...], int, int], pd.DataFrame] = {}


def _gate_runs(row: pd.Series, n_days: int, step: int) -> pd.DataFrame:
    """Both rules' :func:`dtao_lib.adr.gated_projection` for one row of ``head_pipeline_frame``."""
    from .amm import pool_from_snapshot

    snap = data.load_subnet_snapshot().set_index("netuid")
    n = int(row["netuid"])
    pool = pool_from_snapshot(n)
    user = round((float(snap.loc[n, "total_alpha_alpha"]) - float(snap.loc[n, "alpha_in_alpha"])) * TAO)
    out = []
    for rule, share in (("head", float(row["share"])), ("spec425", float(row["weight"]))):
        d = adr.gated_projection(pool, share=share, user_alpha_rao=user, days=max(n_days // step, 1),
                                 step_blocks=step * BLOCKS_PER_DAY)
        d = d.assign(rank=int(row["rank"]), netuid=n, name=str(row["name"]), rule=rule, label=GATE_RULES[rule],
                     share=share, tao_per_day=(d["tao_in_rao"] + d["excess_rao"]) * BLOCKS_PER_DAY / TAO,
                     pool_tao=d["pool_tao_rao"] / TAO)
        out.append(d[["rank", "netuid", "name", "rule", "label", "share", "day", "tao_per_day", "adr", "haircut",
                      "liquidation_price", "price", "pool_tao"]])
    return pd.concat(out, ignore_index=True)


def gate_projection(ranks: Sequence[int] = GATE_RANKS, *, days: int = 364, step_days: int = 7) -> pd.DataFrame:
    """A year of pool, ADR and haircut for subnets of the 2026-04-11 network, with and without the gate.

    For each weight rank in ``ranks`` (rank by price share × (1 − burn), the gate's input; 1 = largest,
    the bar is the 32nd) the subnet of the snapshot with that rank keeps, for ``days`` days, either its
    gated share of one HEAD block of the whole network (:func:`dtao_lib.figures.dynamic_tao.head_block`)
    or its share under the June-2026 rule, the weight itself. The rest of the network, the root stake
    and every price but the subnet's own are held fixed, and nobody stakes or unstakes:
    :func:`dtao_lib.adr.gated_projection` moves the subnet's pool by emission, chain buys and the
    reservoir-aware injection only, in steps of ``step_days`` days.

    Columns: ``rank``, ``netuid``, ``name``, ``rule`` (a :data:`GATE_RULES` key), ``label``, ``share``,
    ``day``, ``tao_per_day`` (TAO entering the pool per day, τ_in + chain buy), ``adr``, ``haircut``,
    ``liquidation_price`` (TAO per alpha at dissolution), ``price`` (spot) and ``pool_tao`` (TAO).
    """
    from .dynamic_tao import head_pipeline_frame

    rks = _ints("ranks", ranks, lo=1, hi=128)
    n_days = check_int("days", days, lo=1, hi=3_650)
    step = check_int("step_days", step_days, lo=1, hi=30)
    key = (rks, n_days, step)
    if key in _GATE_CACHE:
        return _GATE_CACHE[key].copy()
    frame = head_pipeline_frame()
    frame = frame[frame["weight"] > 0]
    if max(rks) > int(frame["rank"].max()):
        raise ValueError(f"ranks must be at most {int(frame['rank'].max())} (subnets with an EMA price), "
                         f"got {max(rks)}")
    out = [_gate_runs(frame[frame["rank"] == rank].iloc[0], n_days, step) for rank in rks]
    df = pd.concat(out, ignore_index=True)
    _GATE_CACHE[key] = df
    return df.copy()


def gate_projection_summary(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Start and end of :func:`gate_projection` per subnet and rule: share, TAO into the pool per day,
    ADR, haircut and liquidation price (TAO per alpha) at day 0 and at the last day."""
    need = ("rank", "netuid", "rule", "share", "day", "tao_per_day", "adr", "haircut", "liquidation_price")
    d = gate_projection() if df is None else check_frame("df", df, need)
    bad = sorted(set(d["rule"].astype(str)) - set(GATE_RULES))
    if bad:
        raise ValueError(f"df['rule'] must hold {sorted(GATE_RULES)} (a frame from gate_projection()), got {bad}")
    # the keys and inputs must be numbers; ADR, haircut and liquidation price pass through (a drained pool's ADR is
    # inf and its haircut NaN: adr.gated_projection)
    check_int_array("df['rank']", d["rank"].to_numpy(), lo=1, hi=65_535)
    check_int_array("df['netuid']", d["netuid"].to_numpy(), lo=0, hi=65_535)
    check_array("df['day']", d["day"].to_numpy(), lo=0.0)
    check_array("df['share']", d["share"].to_numpy(), lo=0.0, hi=1.0)
    check_array("df['tao_per_day']", d["tao_per_day"].to_numpy(), lo=0.0)
    rows = []
    for (rank, rule), g in d.groupby(["rank", "rule"], sort=True):
        g = g.sort_values("day")
        first, last = g.iloc[0], g.iloc[-1]
        rows.append({"rank": int(rank), "netuid": int(first["netuid"]), "rule": GATE_RULES[str(rule)],
                     "share of E": float(first["share"]), "TAO into the pool per day": float(last["tao_per_day"]),
                     "ADR at start": float(first["adr"]), f"ADR after {last['day']:g} days": float(last["adr"]),
                     "haircut at start": float(first["haircut"]),
                     f"haircut after {last['day']:g} days": float(last["haircut"]),
                     "liquidation price at start": float(first["liquidation_price"]),
                     f"liquidation price after {last['day']:g} days": float(last["liquidation_price"])})
    return pd.DataFrame(rows)


def _gate_live_chart(d: Any) -> alt.HConcatChart:
    color = alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom"),
                      scale=alt.Scale(domain=list(GATE_RULES.values()), range=["#c0392b", "#7f8c8d"]))
    charts = []
    for field, title, fmt in (("adr", "ADR", ".2f"), ("haircut", "haircut 1 − P_L/P", ".0%"),
                              ("liquidation_price", "liquidation price P_L (TAO/α)", ".4f")):
        charts.append(alt.Chart(d).mark_line().encode(
            x=alt.X("day:Q", title="days"), y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=fmt)),
            color=color).properties(width=WIDTH * 0.3, height=HEIGHT * 0.7))
    return alt.hconcat(*charts)


_gate_live = templated(_gate_live_chart)


def gate_adr_explorer(ranks: Sequence[int] = GATE_RANKS) -> Figure:
    """ADR, haircut and liquidation price of one subnet over a year, with and without the gate.

    Static face: a dropdown for the subnet (by weight rank; the bar is rank 32) draws
    :func:`gate_projection` for both rules: ADR, the dissolution haircut ``1 − P_L/P`` and the
    liquidation price ``P_L`` in TAO per alpha. Live face: any subnet with an EMA price and up to
    three years, with :func:`gate_projection_summary` of the run.
    """
    df = gate_projection(ranks)
    names = df.drop_duplicates("rank").set_index("rank")["name"]
    rank_p = dropdown("gate_rank", list(names.index), 64 if 64 in names.index else int(names.index[0]),
                      "subnet by weight rank (bar = 32) ",
                      labels=[f"rank {r}: netuid {int(df.loc[df['rank'] == r, 'netuid'].iloc[0])} {names[r]}"
                              for r in names.index])
    color = alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom"),
                      scale=alt.Scale(domain=list(GATE_RULES.values()), range=["#c0392b", "#7f8c8d"]))
    base = alt.Chart(df).transform_filter(alt.datum.rank == rank_p)

    def panel(field: str, title: str, fmt: str) -> alt.Chart:
        return base.mark_line().encode(
            x=alt.X("day:Q", title="days from 2026-04-11 state"),
            y=alt.Y(f"{field}:Q", title=title, axis=alt.Axis(format=fmt)),
            color=color,
            tooltip=[alt.Tooltip("name:N"), alt.Tooltip("label:N", title="rule"), alt.Tooltip("day:Q"),
                     alt.Tooltip("share:Q", format=".3%", title="share of E"),
                     alt.Tooltip(f"{field}:Q", format=fmt, title=title)],
        ).properties(width=WIDTH * 0.3, height=HEIGHT * 0.7)

    def static() -> alt.HConcatChart:
        return alt.hconcat(panel("adr", "ADR", ".2f"), panel("haircut", "haircut 1 − P_L/P", ".0%"),
                           panel("liquidation_price", "liquidation price P_L (TAO/α)", ".4f")).add_params(
            rank_p).properties(title="One subnet for a year: the gated share vs the June-2026 share (no trades)")

    runs: dict[int, tuple[int, pd.DataFrame]] = {}  # the longest run per subnet: fewer days are its prefix

    def render(netuid: int, days: int):
        from .dynamic_tao import head_pipeline_frame

        frame = head_pipeline_frame()
        row = frame[(frame["netuid"] == int(netuid)) & (frame["weight"] > 0)]
        if row.empty:
            raise ValueError(f"netuid must be a subnet with an EMA price in the 2026-04-11 snapshot, got {netuid}")
        n_days = check_int("days", days, lo=7, hi=3 * 364)
        done, d = runs.get(int(netuid), (0, None))
        if d is None or done < n_days:
            d = _gate_runs(row.iloc[0], n_days, 7)
            runs[int(netuid)] = (n_days, d)
        else:  # gated_projection steps forward: a shorter run is the first steps of this one
            d = d[d["day"] <= max(n_days // 7, 1) * 7].reset_index(drop=True)
        return _gate_live(d), gate_projection_summary(d)

    def live():
        import ipywidgets as w

        from .dynamic_tao import head_pipeline_frame

        frame = head_pipeline_frame()
        frame = frame[frame["weight"] > 0].sort_values("rank")
        options = [(f"rank {int(r['rank'])}: {int(r['netuid'])} · {r['name']}", int(r["netuid"]))
                   for _, r in frame.iterrows()]
        default = int(frame.loc[frame["rank"] == 64, "netuid"].iloc[0]) if (frame["rank"] == 64).any() \
            else options[0][1]
        controls = {
            "netuid": w.Dropdown(options=options, value=default, description="subnet"),
            "days": w.IntSlider(value=364, min=28, max=3 * 364, step=28, description="days",
                                continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="ADR under the emission gate")
