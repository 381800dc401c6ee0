"""Figures for the chapter "AMM pricing — from constant product to weighted pools" (spec §4, §3.4, §9).

Every number comes from :mod:`dtao_lib.amm` (the three pool designs, reproduced to the rao); this
module chooses pool states, runs trades and draws them.

Reusable by other chapters
--------------------------
:func:`pool_from_snapshot` turns a real subnet of the 2026-04-11 snapshot
(:func:`dtao_lib.data.subnet_state`) into a pool object of any era::

    from dtao_lib.figures.amm import pool_from_snapshot
    pool = pool_from_snapshot(64)                    # Chutes, in the HEAD (Balancer) pool
    pool.buy_alpha(100 * 10**9).amount_out           # alpha for a 100-TAO stake, in rao

The snapshot's reserves are in whole TAO and alpha (4 decimals); they are converted to rao exactly
(decimal, not float). The snapshot is **one day's state** and it does not record Balancer weights
(on 2026-04-11 the chain ran the Uniswap-v3 pool, spec §9). For the Balancer pool of HEAD the
default ``weights="from_price"`` sets the TAO weight as the chain's own v3 → Balancer migration
does, ``w2 = y / (P·x + y)`` with the snapshot's reported price ``P`` (spec §4.3), so the pool
quotes exactly the reported price; ``weights="equal"`` uses ``w2 = ½`` (price ``y/x``).
:func:`snapshot_pool_table` lists the resulting pools; :func:`subnet_picker` is the "your subnet"
figure.

Other figures: :func:`design_comparison` (one trade under each design), :func:`price_path` (a
sequence of trades), :func:`injection_explorer` (an injection moves the weights, not the price).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import amm, data
from .._validate import check_array, check_bool, check_frame, check_int, check_real, check_str
from ..interactive import Figure, live_panel
from ..params import RAO_PER_TAO, era
from ._fast import templated
from ._live import LiveChart
from ._style import HEIGHT, WIDTH, dropdown, slider

__all__ = [
    "DEMO_ALPHA_RAO",
    "DEMO_TAO_RAO",
    "DESIGNS",
    "compare_trade",
    "default_picker_netuids",
    "design_comparison",
    "design_pools",
    "fee_eras",
    "injection_explorer",
    "injection_state",
    "parse_trades",
    "pool_from_snapshot",
    "price_path",
    "price_path_frame",
    "round_trip_after_move",
    "round_trip_table",
    "snapshot_pool_table",
    "subnet_picker",
    "tao_to_rao",
]

DEMO_TAO_RAO = 10_000 * RAO_PER_TAO
"""The chapter's example pool: 10 000 TAO ..."""
DEMO_ALPHA_RAO = 400_000 * RAO_PER_TAO
"""... against 400 000 alpha, a price of 0.025 TAO per alpha (a mid-sized subnet in 2026)."""

DESIGNS: dict[str, tuple[str, str]] = {
    "constant product (Feb–Jun 2025)": ("v2.0.0", "#7f8c8d"),
    "v3 full range, 0.3 % fee (Jul 2025)": ("v3.1.6", "#e67e22"),
    "v3 full range, 0.05 % fee (Jul 2025–Jun 2026)": ("v3.2.2", "#2980b9"),
    "Balancer (now)": ("head", "#8e44ad"),
}
"""Design label → (release whose rules it uses, colour). The v3 fee fell from 196/65535 to 33/65535 in
v3.2.2 (2025-07-23); Balancer ran 2026-02-20 → 03-11 and again from 2026-06-25 (spec §4, §9)."""

_BALANCER = "Balancer (now)"
_COLORS = alt.Scale(domain=list(DESIGNS), range=[c for _, c in DESIGNS.values()])
_SHORT = dict(zip(DESIGNS, ("constant product", "v3, 0.3 % fee", "v3, 0.05 % fee", "Balancer"), strict=True))
_SHORT_LABELS = " : ".join(f"datum.label == '{k}' ? '{v}'" for k, v in _SHORT.items()) + " : datum.label"
_LEGEND = alt.Legend(orient="top", columns=2, title=None, labelLimit=320)


# ---------------------------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------------------------
def _era_arg(era_name: Any) -> Any:
    """``params.era(era_name)`` with errors that name ``era_name`` (the parameter the reader passed)."""
    try:
        return era(era_name)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"era_name: {exc}") from None


def tao_to_rao(amount: Any, name: str = "amount") -> int:
    """TAO (or alpha) → rao, exactly from the decimal representation (``211988.8941`` → ``211988894100000``).

    ``name`` is the parameter name used in error messages.
    """
    check_str("name", name)
    v = check_real(name, amount, lo=0.0)
    return int(Decimal(repr(v)) * RAO_PER_TAO)


def _swap_kwargs(pool: Any) -> dict[str, Any]:
    """On chain the alpha fee of an unstake is sold to TAO for the block author (v3 from v3.3.10, Balancer)."""
    if isinstance(pool, amm.BalancerPool):
        return {"author_fee_swap": True}
    if isinstance(pool, amm.FullRangePool) and pool.fee_destination == "block_author":
        return {"author_fee_swap": True}
    return {}


def _weight(quote_weight: Any) -> Fraction:
    is_fraction = isinstance(quote_weight, Fraction)
    w = quote_weight if is_fraction else Fraction(repr(check_real("quote_weight", quote_weight)))
    if not Fraction(1, 100) <= w <= Fraction(99, 100):
        raise ValueError(f"quote_weight must be a number in [0.01, 0.99] (spec §4.3), got {float(w)}")
    return w


def design_pools(tao_rao: int = DEMO_TAO_RAO, alpha_rao: int = DEMO_ALPHA_RAO,
                 quote_weight: Any = Fraction(1, 2)) -> dict[str, Any]:
    """One pool per design of :data:`DESIGNS`, all with the same TAO reserve and the same spot price.

    The constant-product and v3 pools hold ``tao_rao`` and ``alpha_rao`` (price ``T/A``). The Balancer
    pool holds the same TAO and quotes the same price with TAO weight ``w2 = quote_weight``, so its
    alpha reserve is ``A·w1/w2`` (from ``p = (w1/w2)·(y/x)``, spec §4.3): the family of pools that
    injections move a subnet along.
    """
    t = check_int("tao_rao", tao_rao, lo=1)
    a = check_int("alpha_rao", alpha_rao, lo=1)
    w = _weight(quote_weight)
    x = a * (1 - w) / w
    pools = {}
    for label, (tag, _) in DESIGNS.items():
        if label == _BALANCER:
            pools[label] = amm.pool_for(tag, t, max(round(x), 1), quote_weight=w)
        else:
            pools[label] = amm.pool_for(tag, t, a)
    return pools


def _trade(pool: Any, side: str, tao_value_rao: int) -> amm.SwapResult:
    """A stake of ``tao_value_rao`` TAO, or an unstake of the alpha worth that much at the spot price."""
    if side == "stake":
        return pool.buy_alpha(tao_value_rao)
    if pool.price <= 0:
        raise ValueError("tao_rao / alpha_rao: an unstake worth a TAO amount needs a positive spot price, but the "
                         f"{type(pool).__name__}'s price rounds to 0 (the reserves' price is below what it quotes)")
    alpha = int(Fraction(tao_value_rao) / Fraction(pool.price))
    return pool.sell_alpha(alpha, **_swap_kwargs(pool))


def _side(side: Any) -> str:
    if not isinstance(side, str) or side not in ("stake", "unstake"):
        raise ValueError(f"side must be 'stake' or 'unstake', got {side!r}")
    return str(side)


_TAO_SUPPLY = 21_000_000.0
"""Upper bound of trade sizes in TAO (the total supply)."""
_ONE_RAO_TAO = 1e-9
"""Lower bound of trade sizes in TAO: one rao (a smaller amount truncates to a trade of 0 rao, whose effective
price and slippage are undefined)."""


_SLIDER_WEIGHTS = (Fraction(1, 10), Fraction(1, 2), Fraction(9, 10))
"""The Balancer TAO weights at the ends of the static faces' slider (10–90 %) and the default."""


def _reserves(tao_rao: Any, alpha_rao: Any, weights: Sequence[Fraction] = (Fraction(1, 2),)) -> tuple[int, int]:
    """The demo pool's reserves, checked once when a figure is built: integers in [1, 21·10¹⁵] rao (the supply
    cap) whose pools of every design (:func:`design_pools`, at each Balancer TAO weight of ``weights``) exist and
    quote a positive price (at most the swap pallet's max_price, 10⁶ TAO per alpha)."""
    t = check_int("tao_rao", tao_rao, lo=1, hi=amm.MAX_RESERVE_RAO)
    a = check_int("alpha_rao", alpha_rao, lo=1, hi=amm.MAX_RESERVE_RAO)
    try:
        pools = [p for w in weights for p in design_pools(t, a, w).values()]
    except ValueError as exc:
        raise ValueError(f"tao_rao / alpha_rao = {t} / {a} rao make no valid pool: {exc}") from None
    _positive_prices(pools, t, a)
    return t, a


def _positive_prices(pools: Any, t: int, a: int) -> None:
    if any(pool.price <= 0 for pool in pools):
        raise ValueError(f"tao_rao / alpha_rao = {t} / {a} rao is a price ({t / a:.3g} TAO per alpha) below what "
                         "every design can quote (the v3 pool's price rounds to 0)")


def _amounts(name: str, values: Any, *, lo: float = 0.0, lo_open: bool = False, hi: float | None = None) -> list:
    """A non-empty 1-D sequence of finite numbers in range, returned as given (ints stay ints)."""
    check_array(name, values, ndim=1, lo=lo, lo_open=lo_open, hi=hi, min_size=1)
    return list(values)


def _row(label: str, res: amm.SwapResult) -> dict[str, Any]:
    tok_in, tok_out = ("TAO", "α") if res.side == "buy" else ("α", "TAO")
    fee_tok = "TAO" if res.fee_token == "tao" else "α"
    return {
        "design": label,
        "you pay": f"{res.amount_in / RAO_PER_TAO:,.4f} {tok_in}",
        "fee": f"{res.fee / RAO_PER_TAO:,.6f} {fee_tok}",
        "you receive": f"{res.amount_out / RAO_PER_TAO:,.4f} {tok_out}" if res.ok else f"rejected ({res.rejected})",
        "effective price": res.effective_price,
        "slippage %": 100 * res.slippage,
        "price impact %": 100 * res.price_impact,
    }


def compare_trade(trade_tao: float = 100.0, side: str = "stake", *, tao_rao: int = DEMO_TAO_RAO,
                  alpha_rao: int = DEMO_ALPHA_RAO, quote_weight: Any = Fraction(1, 2)) -> pd.DataFrame:
    """One trade under each design (spec §4.1–4.3): what you pay, the fee, what you receive, the
    effective price (TAO per alpha, fees included), slippage and price impact.

    ``side="stake"`` pays ``trade_tao`` TAO; ``side="unstake"`` sells the alpha worth ``trade_tao``
    TAO at the pool's spot price, ``trade_tao`` in [10⁻⁹, 21 000 000] (at least one rao). Pools from
    :func:`design_pools`; every design must quote a positive price.
    """
    t = check_real("trade_tao", trade_tao, lo=_ONE_RAO_TAO, hi=_TAO_SUPPLY)
    s = _side(side)
    amount = tao_to_rao(t, "trade_tao")
    pools = design_pools(tao_rao, alpha_rao, quote_weight)
    _positive_prices(pools.values(), tao_rao, alpha_rao)  # a 0 price: effective price and slippage undefined
    rows = [_row(label, _trade(pool, s, amount)) for label, pool in pools.items()]
    return pd.DataFrame(rows).set_index("design")


# ---------------------------------------------------------------------------------------------
# Figure 1: one trade, three designs (v3 at both of its fees)
# ---------------------------------------------------------------------------------------------
_SMALL_SIZES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def _design_grid(sizes_pct: Sequence[float] = (*_SMALL_SIZES, *range(1, 51)),
                weights_pct: Sequence[int] = tuple(range(10, 100, 10)), *,
                tao_rao: int = DEMO_TAO_RAO, alpha_rao: int = DEMO_ALPHA_RAO) -> pd.DataFrame:
    """Slippage and price impact of stakes and unstakes of ``size_pct`` % of the TAO reserve, per design.

    Non-Balancer rows have ``w2_pct = 0``; Balancer rows repeat for every TAO weight in ``weights_pct``.
    Private (the figure's data): the callers validated the inputs (:func:`design_comparison` the reserves,
    its live face the trade through :func:`compare_trade` first).
    """
    rows = []
    for w in weights_pct:
        pools = design_pools(tao_rao, alpha_rao, Fraction(w, 100))
        for label, pool in pools.items():
            if label != _BALANCER and w != weights_pct[0]:
                continue
            for side in ("stake", "unstake"):
                for s in sizes_pct:
                    res = _trade(pool, side, int(tao_rao * Fraction(repr(s)) / 100))
                    rows.append({
                        "design": label, "side": side, "size_pct": s,
                        "w2_pct": w if label == _BALANCER else 0,
                        "slippage_pct": round(100 * res.slippage, 6), "impact_pct": round(100 * res.price_impact, 6),
                        "receive": round(res.amount_out / RAO_PER_TAO, 4),
                        "effective": float(f"{res.effective_price:.8g}"),
                    })
    return pd.DataFrame(rows)


def _design_chart(df: pd.DataFrame, size: Any, weight: Any, side: Any) -> alt.VConcatChart:
    base = alt.Chart(df)
    if side is not None:
        keep = (alt.datum.side == side) & ((alt.datum.w2_pct == 0) | (alt.datum.w2_pct == weight))
        base = base.transform_filter(keep)
    lines = base.mark_line(strokeWidth=2.2).encode(
        x=alt.X("size_pct:Q", title="trade size (% of the pool's TAO reserve, log scale)",
                scale=alt.Scale(type="log", domain=[0.01, 50], nice=False)),
        y=alt.Y("slippage_pct:Q", title="slippage (%, fees included, log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("design:N", scale=_COLORS, legend=_LEGEND),
        strokeDash=alt.condition(alt.datum.design == _BALANCER, alt.value([6, 3]), alt.value([1, 0])),
        tooltip=["design:N", "size_pct:Q", alt.Tooltip("slippage_pct:Q", format=".3f"),
                 alt.Tooltip("impact_pct:Q", format=".3f")],
    )
    at = base.transform_filter(alt.datum.size_pct == size) if size is not None else base
    rule = at.mark_rule(color="#555", strokeDash=[2, 2]).encode(x="size_pct:Q")
    top = (lines + rule).properties(width=WIDTH - 40, height=HEIGHT - 40)
    titles = {"you receive": "format(datum.receive, ',.2f') + (datum.side == 'stake' ? ' α' : ' TAO')",
              "effective price": "format(datum.effective, '.5f') + ' TAO/α'",
              "slippage": "format(datum.slippage_pct, '.2f') + ' %'",
              "price impact": "format(datum.impact_pct, '+.2f') + ' %'"}
    cols = list(titles)
    table = at.transform_calculate(**{c: e for c, e in titles.items()}).transform_fold(
        cols, as_=["what_title", "value"]
    ).mark_text(align="center", fontSize=12).encode(
        x=alt.X("what_title:N", sort=cols, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("design:N", sort=list(DESIGNS), title=None, axis=alt.Axis(labelExpr=_SHORT_LABELS)),
        text="value:N",
        color=alt.Color("design:N", scale=_COLORS, legend=None),
    ).properties(width=WIDTH - 230, height=110)
    return alt.vconcat(top, table).resolve_scale(color="shared")


def _design_build(data: Any) -> alt.VConcatChart:
    size = alt.param(name="size_now", value=1.0)
    return _design_chart(data, size, None, None).add_params(size)


_design_template = LiveChart(_design_build)


def design_comparison(*, tao_rao: int = DEMO_TAO_RAO, alpha_rao: int = DEMO_ALPHA_RAO) -> Figure:
    """One trade, three designs (the v3 pool at both of its fees, so four curves): slippage against
    trade size, and the numbers at the chosen size.

    Static face: sliders for the trade size (1–50 % of the TAO reserve), the Balancer TAO weight
    (10–90 %) and a stake/unstake dropdown, over a precomputed grid of sizes and weights. Live face:
    any reserves, trade size (TAO) and weight, via :func:`compare_trade`. ``tao_rao`` and
    ``alpha_rao`` (the pool's reserves in rao) must be integers in [1, 21·10¹⁵] making a valid pool in every
    design at every weight of the slider.
    """
    tao_rao, alpha_rao = _reserves(tao_rao, alpha_rao, _SLIDER_WEIGHTS)

    def static() -> alt.VConcatChart:
        size = slider("size", lo=1, hi=50, step=1, value=10, label="trade size (% of TAO reserve) ")
        weight = slider("w2", lo=10, hi=90, step=10, value=50, label="Balancer TAO weight w₂ (%) ")
        side = dropdown("side", ["stake", "unstake"], "stake", "trade ")
        chart = _design_chart(_design_grid(tao_rao=tao_rao, alpha_rao=alpha_rao), size, weight, side)
        return chart.add_params(size, weight, side).properties(
            title="The same trade in the three pool designs, v3 at both fees (same TAO reserve, same price)")

    def render(tao_reserve: float, alpha_reserve: float, trade_tao: float, w2_pct: float, side: str):
        t, a = tao_to_rao(tao_reserve, "tao_reserve"), tao_to_rao(alpha_reserve, "alpha_reserve")
        table = compare_trade(trade_tao, side, tao_rao=t, alpha_rao=a, quote_weight=Fraction(round(w2_pct), 100))
        # the chosen trade: its rule on the curves, its row in the table (10 digits: the same float in the
        # data rows and in the parameter once both are JSON)
        pct = float(f"{trade_tao * 100 / tao_reserve:.10g}")
        top = max(pct, 1.0)
        sizes = sorted({*_SMALL_SIZES, *(max(1, round(top * k / 20)) for k in range(1, 21)), pct})
        df = _design_grid(sizes, (round(w2_pct),), tao_rao=t, alpha_rao=a)
        df = df[df["side"] == side]
        title = f"slippage against trade size; numbers for {trade_tao:,.6g} TAO ({pct:.3g} % of the TAO reserve)"
        return _design_template({"size_now": pct}, title=title, data=df), table.round(6)

    def live():
        import ipywidgets as w

        controls = {
            "tao_reserve": w.FloatText(value=tao_rao / RAO_PER_TAO, description="TAO reserve"),
            "alpha_reserve": w.FloatText(value=alpha_rao / RAO_PER_TAO, description="α reserve"),
            "trade_tao": w.FloatText(value=1_000, description="trade (TAO)"),
            "w2_pct": w.IntSlider(value=50, min=1, max=99, description="w₂ (%)", continuous_update=False),
            "side": w.Dropdown(options=["stake", "unstake"], value="stake", description="trade"),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="one trade, three pool designs")


# ---------------------------------------------------------------------------------------------
# Figure 2: the price path of a sequence of trades
# ---------------------------------------------------------------------------------------------
SCENARIOS: dict[str, str] = {
    "ten stakes of 200 TAO": ", ".join(["+200"] * 10),
    "ten unstakes worth 200 TAO each": ", ".join(["-200"] * 10),
    "stake 2 000 TAO, then unstake it all": "+2000, -all",
    "five stakes of 400 TAO, then unstake it all": "+400, +400, +400, +400, +400, -all",
    "alternate: stake 500, unstake worth 500 (×5)": ", ".join(["+500, -500"] * 5),
}
"""Trade sequences for :func:`price_path` (syntax of :func:`parse_trades`)."""


def parse_trades(text: str) -> list[tuple[str, float | None]]:
    """Parse a trade sequence such as ``"+200, +200, -150, -all"``.

    ``+x`` (or ``x``) stakes ``x`` TAO; ``-x`` unstakes the alpha worth ``x`` TAO at the spot price of
    the moment; ``-all`` unstakes all the alpha the sequence has bought so far (net of its sales).
    Returns ``[("stake", x), ("unstake", x), ("unstake", None), ...]``. At most 200 trades, each of
    at most 21 million TAO.
    """
    return _parse_trades(text, "text")


_MAX_TRADES = 200


def _parse_trades(text: Any, name: str) -> list[tuple[str, float | None]]:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string of trades like '+200, -100, -all', got {type(text).__name__}")
    out: list[tuple[str, float | None]] = []
    for i, tok in enumerate(t.strip() for t in text.replace(";", ",").split(",")):
        if not tok:
            continue
        if tok.lower() in ("-all", "- all"):
            out.append(("unstake", None))
            continue
        try:
            v = float(tok)
        except ValueError:
            raise ValueError(f"{name} item {i + 1} must be +TAO, -TAO or -all, got {tok!r}") from None
        if not math.isfinite(v) or v == 0 or abs(v) > _TAO_SUPPLY:
            raise ValueError(f"{name} item {i + 1} must be a non-zero finite number of TAO of at most "
                             f"{_TAO_SUPPLY:,.0f} in size, got {tok!r}")
        out.append(("stake", v) if v > 0 else ("unstake", -v))
    if not out:
        raise ValueError(f"{name} must contain at least one trade, e.g. '+200, -all'")
    if len(out) > _MAX_TRADES:
        raise ValueError(f"{name} must contain at most {_MAX_TRADES} trades, got {len(out)}")
    return out


def _check_trades(trades: Any, name: str = "trades") -> list[tuple[str, float | None]]:
    """A trade string (:func:`parse_trades`) or a sequence of ``(side, TAO)`` pairs, checked."""
    if isinstance(trades, str):
        return _parse_trades(trades, name)
    if not isinstance(trades, Sequence):
        raise TypeError(f"{name} must be a string like '+200, -all' or a list of (side, TAO) pairs, "
                        f"got {type(trades).__name__}")
    if not 1 <= len(trades) <= _MAX_TRADES:
        raise ValueError(f"{name} must contain 1 to {_MAX_TRADES} trades, got {len(trades)}")
    out: list[tuple[str, float | None]] = []
    for i, pair in enumerate(trades):
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise TypeError(f"{name}[{i}] must be a (side, TAO) pair, got {pair!r}")
        side, tao = pair
        if not isinstance(side, str) or side not in ("stake", "unstake"):
            raise ValueError(f"{name}[{i}] side must be 'stake' or 'unstake', got {side!r}")
        if tao is None and side == "unstake":
            out.append(("unstake", None))
            continue
        v = check_real(f"{name}[{i}] amount (TAO)", tao, lo=0.0, lo_open=True, hi=_TAO_SUPPLY)
        out.append((str(side), v))
    return out


def _path(pool: Any, trades: list[tuple[str, float | None]]) -> list[dict[str, Any]]:
    held = 0
    rows = [{"step": 0, "trade": "start", "price": float(pool.price), "held_alpha": 0.0}]
    for i, (side, tao) in enumerate(trades, start=1):
        if side == "stake":
            res = pool.buy_alpha(tao_to_rao(tao))
            held += res.amount_out
            label = f"stake {tao:,g} TAO"
        else:
            if tao is not None and pool.price <= 0:
                raise ValueError(f"trades: step {i} unstakes alpha worth {tao:,g} TAO at the spot price, but the "
                                 "pool's price is 0 by then (a pool too small for the trades): use '-all' or "
                                 "larger reserves")
            alpha = held if tao is None else int(Fraction(tao_to_rao(tao)) / Fraction(pool.price))
            res = pool.sell_alpha(alpha, **_swap_kwargs(pool)) if alpha > 0 else None
            if res is not None and res.ok:
                held = max(held - alpha, 0)
            label = "unstake all" if tao is None else f"unstake {tao:,g} TAO worth"
        if res is not None:
            pool = res.pool
        rows.append({"step": i, "trade": label, "price": float(pool.price), "held_alpha": held / RAO_PER_TAO})
    return rows


def price_path_frame(trades: str | Sequence[tuple[str, float | None]], *, tao_rao: int = DEMO_TAO_RAO,
                     alpha_rao: int = DEMO_ALPHA_RAO, quote_weight: Any = Fraction(1, 2)) -> pd.DataFrame:
    """Spot price after each trade of a sequence, in every design (pools from :func:`design_pools`).

    Each trade is made on the pool the previous one left (:func:`dtao_lib.amm.apply_trades` does the
    same for fixed amounts); ``held_alpha`` is the alpha the sequence holds after the step. ``trades``
    is a string for :func:`parse_trades` or its output, a list of ``("stake", TAO)``,
    ``("unstake", TAO)`` and ``("unstake", None)`` (everything held) pairs.
    """
    seq = _check_trades(trades)
    frames = []
    for label, pool in design_pools(tao_rao, alpha_rao, quote_weight).items():
        df = pd.DataFrame(_path(pool, seq))
        df["design"] = label
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _path_chart(df: pd.DataFrame, scenario: Any, weight: Any) -> alt.Chart:
    base = alt.Chart(df)
    if scenario is not None:
        base = base.transform_filter(
            (alt.datum.scenario == scenario) & ((alt.datum.w2_pct == 0) | (alt.datum.w2_pct == weight)))
    return base.mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("step:O", title="trade number (0 = start)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("price:Q", title="spot price (TAO per alpha)", scale=alt.Scale(zero=False)),
        color=alt.Color("design:N", scale=_COLORS, legend=_LEGEND),
        strokeDash=alt.condition(alt.datum.design == _BALANCER, alt.value([6, 3]), alt.value([1, 0])),
        tooltip=["design:N", "step:Q", "trade:N", alt.Tooltip("price:Q", format=".6f"),
                 alt.Tooltip("held_alpha:Q", format=",.2f", title="alpha held")],
    ).properties(width=WIDTH, height=HEIGHT)


_path_live = templated(_path_chart)


def price_path(*, tao_rao: int = DEMO_TAO_RAO, alpha_rao: int = DEMO_ALPHA_RAO) -> Figure:
    """The spot price along a sequence of trades, in each design.

    Static face: a dropdown of :data:`SCENARIOS` and a slider for the Balancer TAO weight (10–90 %); a
    scenario whose fixed amounts the pool cannot carry at some weight (e.g. unstaking 2 000 TAO worth of alpha
    from a much smaller pool) is left out there. Live face: type any sequence (``+200, -100, -all``), any
    reserves and weight. ``tao_rao`` and ``alpha_rao`` (rao) must be integers in [1, 21·10¹⁵] making a valid
    pool in every design.
    """
    tao_rao, alpha_rao = _reserves(tao_rao, alpha_rao, _SLIDER_WEIGHTS)

    def static() -> alt.Chart:
        names = list(SCENARIOS)
        frames = []
        for w in range(10, 100, 10):
            for name in names:
                try:
                    df = price_path_frame(SCENARIOS[name], tao_rao=tao_rao, alpha_rao=alpha_rao,
                                          quote_weight=Fraction(w, 100))
                except ValueError:  # a pool too small for the scenario's fixed amounts: left out of the chart
                    continue
                df = df if w == 50 else df[df["design"] == _BALANCER]
                frames.append(df.assign(scenario=name, w2_pct=np.where(df["design"] == _BALANCER, w, 0)))
        df = pd.concat(frames, ignore_index=True)
        scen = dropdown("scenario", names, names[2], "trades ")
        weight = slider("w2path", lo=10, hi=90, step=10, value=50, label="Balancer TAO weight w₂ (%) ")
        return _path_chart(df, scen, weight).add_params(scen, weight).properties(title=alt.Title(
            "Spot price after each trade (stakes raise it, unstakes lower it)",
            subtitle="At w₂ = 50 % all four curves are the same line; move the slider to change the Balancer pool"))

    def render(trades: str, tao_reserve: float, alpha_reserve: float, w2_pct: int):
        t, a = tao_to_rao(tao_reserve, "tao_reserve"), tao_to_rao(alpha_reserve, "alpha_reserve")
        df = price_path_frame(trades, tao_rao=t, alpha_rao=a, quote_weight=Fraction(w2_pct, 100))
        # every design follows the same steps: a wide table straight from the rows (pivot_table costs ~10 ms)
        first = df[df["design"] == next(iter(DESIGNS))]
        wide = pd.DataFrame({d: df.loc[df["design"] == d, "price"].to_numpy() for d in DESIGNS},
                            index=pd.MultiIndex.from_arrays([first["step"], first["trade"]]))
        wide.columns.name = "design"
        return _path_live(df, None, None), wide.round(6)

    def live():
        import ipywidgets as w

        controls = {
            "trades": w.Text(value=SCENARIOS["stake 2 000 TAO, then unstake it all"], description="trades",
                             continuous_update=False, layout=w.Layout(width="420px")),
            "tao_reserve": w.FloatText(value=tao_rao / RAO_PER_TAO, description="TAO reserve"),
            "alpha_reserve": w.FloatText(value=alpha_rao / RAO_PER_TAO, description="α reserve"),
            "w2_pct": w.IntSlider(value=50, min=1, max=99, description="w₂ (%)", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="price path of a sequence of trades")


# ---------------------------------------------------------------------------------------------
# Figure 3: an injection moves the weights, not the price
# ---------------------------------------------------------------------------------------------
def injection_state(tao_in_pct: float, alpha_in_pct: float, *, tao_rao: int = DEMO_TAO_RAO,
                    alpha_rao: int = DEMO_ALPHA_RAO, quote_weight: Any = Fraction(1, 2),
                    stakes_tao: Sequence[float] = (0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000)) -> dict[str, Any]:
    """Inject ``tao_in_pct`` % of the TAO reserve and ``alpha_in_pct`` % of the alpha reserve (spec §3.4, §4.3).

    Returns the Balancer pool before and after :meth:`BalancerPool.inject` (weights move, price
    stays), the constant-product pool after adding the same amounts to its reserves (price
    ``(T + Δy)/(A + Δx)``), and the price impact of stakes of ``stakes_tao`` TAO in each.
    """
    tp = check_real("tao_in_pct", tao_in_pct, lo=0.0, hi=1_000.0)
    ap = check_real("alpha_in_pct", alpha_in_pct, lo=0.0, hi=1_000.0)
    w = _weight(quote_weight)
    stakes_tao = _amounts("stakes_tao", stakes_tao, hi=_TAO_SUPPLY)
    bal = amm.BalancerPool(check_int("tao_rao", tao_rao, lo=1), check_int("alpha_rao", alpha_rao, lo=1),
                           quote_weight=w)
    dt, da = round(bal.tao_reserve * tp / 100), round(bal.alpha_reserve * ap / 100)
    inj = bal.inject(dt, da)
    if not inj.ok:
        raise ValueError(f"this injection would take the TAO weight outside [0.01, 0.99]; the chain refuses it "
                         f"({inj.rejected})")
    cp_after = amm.ConstantProductPool(bal.tao_reserve + dt, bal.alpha_reserve + da)
    pools = {"Balancer before": bal, "Balancer after": inj.pool, "constant product after": cp_after}
    impact = [{"pool": name, "stake_tao": s,
               "impact_pct": 100 * p.buy_alpha(tao_to_rao(s)).price_impact if s > 0 else 0.0}
              for name, p in pools.items() for s in stakes_tao]
    return {
        "before": bal, "after": inj.pool, "cp_after": cp_after, "impact": pd.DataFrame(impact),
        "tao_for_10pct": {name: amm.stake_to_reach_price(p, 1.1 * p.price) / RAO_PER_TAO for name, p in pools.items()},
    }


def _injection_rows(st: dict[str, Any], tp: float, ap: float) -> tuple[list[dict], list[dict]]:
    b, a, c = st["before"], st["after"], st["cp_after"]
    bars = [
        {"panel": "TAO weight w₂", "what": "before", "value": float(b.quote_weight)},
        {"panel": "TAO weight w₂", "what": "Balancer after", "value": float(a.quote_weight)},
        {"panel": "TAO weight w₂", "what": "constant product after", "value": 0.5},
        {"panel": "spot price", "what": "before", "value": float(b.price)},
        {"panel": "spot price", "what": "Balancer after", "value": float(a.price)},
        {"panel": "spot price", "what": "constant product after", "value": float(c.price)},
        {"panel": "TAO to raise the price 10 %", "what": "before", "value": st["tao_for_10pct"]["Balancer before"]},
        {"panel": "TAO to raise the price 10 %", "what": "Balancer after",
         "value": st["tao_for_10pct"]["Balancer after"]},
        {"panel": "TAO to raise the price 10 %", "what": "constant product after",
         "value": st["tao_for_10pct"]["constant product after"]},
    ]
    for r in bars:
        r.update(tao_pct=tp, alpha_pct=ap)
    imp = st["impact"]
    curve = imp[imp["pool"] != "Balancer before"].assign(tao_pct=tp, alpha_pct=ap).to_dict("records")
    return bars, curve


_INJ_COLORS = alt.Scale(domain=["before", "Balancer after", "constant product after"],
                        range=["#bdc3c7", "#8e44ad", "#2c3e50"])


def _injection_chart(bars: pd.DataFrame, curve: pd.DataFrame, tao: Any, alpha: Any) -> alt.VConcatChart:
    b, c = alt.Chart(bars), alt.Chart(curve)
    if tao is not None:
        sel = (alt.datum.tao_pct == tao) & (alt.datum.alpha_pct == alpha)
        b = b.transform_filter(sel)
        c = c.transform_filter(sel | (alt.datum.tao_pct == -1))
    small = []
    for panel, fmt in (("TAO weight w₂", ".3f"), ("spot price", ".5f"), ("TAO to raise the price 10 %", ",.0f")):
        part = b.transform_filter(alt.datum.panel == panel)
        bar = part.mark_bar().encode(
            x=alt.X("what:N", sort=list(_INJ_COLORS.domain), title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("value:Q", title=panel, scale=alt.Scale(zero=True)),
            color=alt.Color("what:N", scale=_INJ_COLORS, legend=alt.Legend(orient="top", title=None)),
            tooltip=["what:N", alt.Tooltip("value:Q", format=fmt)],
        )
        text = part.mark_text(dy=-6, fontSize=11).encode(
            x=alt.X("what:N", sort=list(_INJ_COLORS.domain)), y="value:Q", text=alt.Text("value:Q", format=fmt))
        small.append((bar + text).properties(width=170, height=170))
    line = c.mark_line(point=True).encode(
        x=alt.X("stake_tao:Q", title="stake (TAO)"),
        y=alt.Y("impact_pct:Q", title="price impact of the stake (%)"),
        color=alt.Color("what:N", scale=_INJ_COLORS, legend=None),
        strokeDash=alt.condition(alt.datum.what == "constant product after", alt.value([6, 3]), alt.value([1, 0])),
        tooltip=["what:N", "stake_tao:Q", alt.Tooltip("impact_pct:Q", format=".3f")],
    ).transform_calculate(
        what=alt.expr.if_(alt.datum.pool == "Balancer before", "before", alt.datum.pool)
    ).properties(width=WIDTH, height=HEIGHT - 80)
    return alt.vconcat(alt.hconcat(*small), line).resolve_scale(color="shared")


_injection_live = templated(_injection_chart)


def injection_explorer(*, tao_rao: int = DEMO_TAO_RAO, alpha_rao: int = DEMO_ALPHA_RAO) -> Figure:
    """Add emission to a Balancer pool: its weights move and its price does not (spec §4.3, §3.4).

    Compared with adding the same amounts to a constant-product pool, whose price becomes
    ``(T + Δy)/(A + Δx)``. Static face: sliders for the TAO and alpha injected (0–100 % of each
    reserve, steps of 10 %). Live face: any amounts and starting weight. ``tao_rao`` and ``alpha_rao``
    (rao) must be integers in [1, 21·10¹⁵] making a valid pool in every design, deep enough for a stake to
    raise its price by 10 % (checked now, ~1 ms: a pool of dust could not draw the static face).
    """
    tao_rao, alpha_rao = _reserves(tao_rao, alpha_rao)
    try:
        injection_state(0, 0, tao_rao=tao_rao, alpha_rao=alpha_rao)
    except ValueError as exc:
        raise ValueError(f"tao_rao / alpha_rao = {tao_rao} / {alpha_rao} rao is a pool too small for this figure: "
                         f"{exc}") from None

    def static() -> alt.VConcatChart:
        first = injection_state(0, 0, tao_rao=tao_rao, alpha_rao=alpha_rao)["impact"]
        bars, curves = [], first[first["pool"] == "Balancer before"].assign(tao_pct=-1, alpha_pct=-1).to_dict("records")
        for tp in range(0, 101, 10):
            for ap in range(0, 101, 10):
                b, c = _injection_rows(injection_state(tp, ap, tao_rao=tao_rao, alpha_rao=alpha_rao), tp, ap)
                bars += b
                curves += c
        tao = slider("inj_tao", lo=0, hi=100, step=10, value=50, label="TAO injected (% of TAO reserve) ")
        alpha = slider("inj_alpha", lo=0, hi=100, step=10, value=0, label="alpha injected (% of α reserve) ")
        chart = _injection_chart(pd.DataFrame(bars), pd.DataFrame(curves), tao, alpha)
        return chart.add_params(tao, alpha).properties(title="An injection into a Balancer pool")

    def render(tao_in_pct: float, alpha_in_pct: float, w2_pct: int):
        st = injection_state(tao_in_pct, alpha_in_pct, tao_rao=tao_rao, alpha_rao=alpha_rao,
                             quote_weight=Fraction(w2_pct, 100))
        b, _ = _injection_rows(st, tao_in_pct, alpha_in_pct)
        return _injection_live(pd.DataFrame(b), st["impact"], None, None)

    def live():
        import ipywidgets as w

        controls = {
            "tao_in_pct": w.FloatSlider(value=50, min=0, max=300, step=1, description="TAO in (%)",
                                        continuous_update=False),
            "alpha_in_pct": w.FloatSlider(value=0, min=0, max=300, step=1, description="α in (%)",
                                          continuous_update=False),
            "w2_pct": w.IntSlider(value=50, min=1, max=99, description="w₂ before (%)", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="injection explorer")


# ---------------------------------------------------------------------------------------------
# Fees by era, round trips
# ---------------------------------------------------------------------------------------------
_FEE_ERAS = ("v2.0.0", "v3.1.6", "v3.2.2", "v3.3.10", "v3.3.11", "v3.4.8")
_DESTINATION = {
    "pool": "stays in the pool's TAO reserve",
    "liquidity_providers": "liquidity providers: the protocol's full-range position (re-invested at the next "
                           "injection) and any user positions",
    "block_author": "the block author (an unstake's alpha fee is sold to TAO for them)",
}


def fee_eras(trade_tao: float = 100.0) -> pd.DataFrame:
    """Pool design, fee rule, the fee on a ``trade_tao`` stake and where fees go, by release (spec §4, §9).

    Fees are computed by the era's pool (:func:`dtao_lib.amm.pool_for`) on the demo pool; dates are tag
    commit dates (spec §0).
    """
    t = tao_to_rao(check_real("trade_tao", trade_tao, lo=_ONE_RAO_TAO, hi=_TAO_SUPPLY), "trade_tao")
    rows = []
    for tag in _FEE_ERAS:
        e = era(tag)
        pool = amm.pool_for(e, DEMO_TAO_RAO, DEMO_ALPHA_RAO)
        if e.pool == "constant_product":
            rule = f"flat {pool.staking_fee_rao:,} rao per stake and unstake"
        else:
            rule = f"{e.swap_fee_u16}/65535 = {100 * e.swap_fee_u16 / 65535:.4f} % of the input"
        rows.append({
            "from": e.date.isoformat() if e.date else "",
            "release": tag,
            "pool": {"constant_product": "constant product", "uniswap_v3": "Uniswap v3, full range",
                     "balancer": "Balancer (weighted)"}[e.pool],
            "fee rule": rule,
            f"fee on a {trade_tao:g}-TAO stake (TAO)": pool.buy_alpha(t).fee / RAO_PER_TAO,
            "fee goes to": _DESTINATION[e.fee_destination],
        })
    return pd.DataFrame(rows)


def round_trip_table(sizes_tao: Sequence[float] = (1, 10, 100, 1_000, 5_000), *, tao_rao: int = DEMO_TAO_RAO,
                     alpha_rao: int = DEMO_ALPHA_RAO) -> pd.DataFrame:
    """Stake, then immediately unstake everything (:func:`dtao_lib.amm.round_trip`), per design and size.

    ``sizes_tao``: a non-empty list of stakes in TAO, each in [10⁻⁹, 21 000 000] (at least one rao).
    """
    sizes_tao = _amounts("sizes_tao", sizes_tao, lo=_ONE_RAO_TAO, hi=_TAO_SUPPLY)
    rows = []
    for label, pool in design_pools(tao_rao, alpha_rao).items():
        for s in sizes_tao:
            rt = amm.round_trip(pool, tao_to_rao(s, "sizes_tao"), **_swap_kwargs(pool))
            rows.append({"design": label, "stake (TAO)": s, "TAO back": rt.tao_out / RAO_PER_TAO,
                         "loss (TAO)": rt.loss / RAO_PER_TAO, "loss %": 100 * rt.loss_fraction})
    return pd.DataFrame(rows)


def round_trip_after_move(stake_tao: float = 1_000.0, moves_pct: Sequence[float] = (-30, -20, -10, 0, 10, 20, 30),
                          *, era_name: str = "head", tao_rao: int = DEMO_TAO_RAO,
                          alpha_rao: int = DEMO_ALPHA_RAO) -> pd.DataFrame:
    """Stake ``stake_tao``, let others move the price by each of ``moves_pct`` %, then unstake everything.

    The others' trade is the smallest stake (move > 0) or unstake (move < 0) that takes the spot
    price, measured after our stake, to ``(1 + move/100)`` times that price
    (:func:`dtao_lib.amm.stake_to_reach_price`, :func:`dtao_lib.amm.unstake_to_reach_price`); our
    round trip is :func:`dtao_lib.amm.round_trip_after`. ``stake_tao`` is in [10⁻⁹, 21 000 000] TAO;
    ``moves_pct`` a non-empty list of moves in [−99, 1000] %; ``era_name`` any name
    :func:`dtao_lib.params.era` accepts from the first dTAO release on.
    """
    s = tao_to_rao(check_real("stake_tao", stake_tao, lo=_ONE_RAO_TAO, hi=_TAO_SUPPLY), "stake_tao")
    moves = _amounts("moves_pct", moves_pct, lo=-99.0, hi=1_000.0)
    pool = amm.pool_for(_era_arg(era_name), *_reserves(tao_rao, alpha_rao))
    kw = _swap_kwargs(pool)
    after_stake = pool.buy_alpha(s).pool
    rows = []
    for m in moves:
        m = float(m)
        target = after_stake.price * (1 + m / 100)
        if m > 0:
            others = [("stake", amm.stake_to_reach_price(after_stake, target))]
            who = f"others stake {others[0][1] / RAO_PER_TAO:,.0f} TAO"
        elif m < 0:
            others = [("unstake", amm.unstake_to_reach_price(after_stake, target))]
            who = f"others unstake {others[0][1] / RAO_PER_TAO:,.0f} α"
        else:
            others, who = [], "nobody trades"
        rt = amm.round_trip_after(pool, s, others, **kw)
        rows.append({"in between": who, "price move %": m, "TAO back": rt.tao_out / RAO_PER_TAO,
                     "gain/loss %": -100 * rt.loss_fraction})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Real subnets: the 2026-04-11 snapshot
# ---------------------------------------------------------------------------------------------
_STATES: dict[int, tuple[Any, dict[int, Any]]] = {}
_MAX_NETUIDS = 1_024
_SNAP_COLUMNS = ("netuid", "name", "is_dynamic", "tao_in_tao", "alpha_in_alpha", "price_tao_per_alpha",
                 "price_spot_gap_rel")
"""Columns of :func:`dtao_lib.data.load_subnet_snapshot` this module reads (``subnet_state`` checks the rest)."""


def _snapshot(snapshot: Any) -> pd.DataFrame:
    """``snapshot`` checked (a frame with every column of the snapshot), or the shipped snapshot."""
    if snapshot is None:
        return data.load_subnet_snapshot()
    return check_frame("snapshot", snapshot, _SNAP_COLUMNS)


def _netuids(netuids: Any) -> list[int]:
    """A non-empty 1-D sequence of subnet ids (integers in [0, 65535]), as Python ints."""
    if isinstance(netuids, str | bytes) or not isinstance(netuids, Sequence | np.ndarray):
        raise TypeError(f"netuids must be a list of subnet ids (integers), got {type(netuids).__name__}")
    if not 1 <= len(netuids) <= _MAX_NETUIDS:
        raise ValueError(f"netuids must hold 1 to {_MAX_NETUIDS} subnet ids, got {len(netuids)}")
    return [check_int(f"netuids[{i}]", n, lo=0, hi=65_535) for i, n in enumerate(netuids)]


def _subnet_state(netuid: int, snapshot: pd.DataFrame | None) -> Any:
    """:func:`dtao_lib.data.subnet_state`, remembered per snapshot frame (a live panel asks often)."""
    if snapshot is None:
        return data.subnet_state(netuid, None)
    ref, states = _STATES.get(id(snapshot), (None, None))
    if ref is None or ref() is not snapshot:
        check_frame("snapshot", snapshot, _SNAP_COLUMNS)  # once per frame (the cache keeps the frame)
        states = {}
        _STATES[id(snapshot)] = (weakref.ref(snapshot), states)
    key = check_int("netuid", netuid, lo=0, hi=65_535)
    if key not in states:
        states[key] = data.subnet_state(key, snapshot)
    return states[key]


@lru_cache(maxsize=1024)
def _ten_percent_moves(pool: Any) -> tuple[float, float]:
    """TAO to stake for +10 % and TAO worth to unstake for −10 % (pools are immutable: cached)."""
    p = pool.price
    return (amm.stake_to_reach_price(pool, 1.1 * p) / RAO_PER_TAO,
            amm.unstake_to_reach_price(pool, p / 1.1) * p / RAO_PER_TAO)


def pool_from_snapshot(netuid: int, *, era_name: Any = "head", weights: str = "from_price",
                       snapshot: pd.DataFrame | None = None) -> Any:
    """A real subnet's pool, built from the 2026-04-11 snapshot (:func:`dtao_lib.data.subnet_state`).

    Parameters
    ----------
    netuid
        A dynamic subnet of the snapshot (1–128; root, netuid 0, has no pool).
    era_name
        Which design prices it (any name :func:`dtao_lib.params.era` accepts; default ``"head"``, the
        Balancer pool). ``"2026-04-11"`` gives the snapshot day's own design (the v3 pool, modelled
        with the protocol's full-range position only, so its price is the reserve ratio).
    weights
        Balancer only: ``"from_price"`` (default) sets ``w2 = y/(P·x + y)`` from the reported price
        ``P``, the rule of the chain's v3 → Balancer migration (spec §4.3), so the pool quotes ``P``;
        ``"equal"`` sets ``w2 = ½`` (price = reserve ratio). The snapshot records no weights.
    snapshot
        A frame from :func:`dtao_lib.data.load_subnet_snapshot` (default: the shipped snapshot).

    Examples
    --------
    >>> pool = pool_from_snapshot(64)
    >>> pool.tao_reserve, round(pool.price, 9)
    (211988894100000, 0.082896529)
    """
    netuid = check_int("netuid", netuid, lo=0, hi=65_535)
    if not isinstance(weights, str) or weights not in ("from_price", "equal"):
        raise ValueError(f"weights must be 'from_price' or 'equal', got {weights!r}")
    s = _subnet_state(netuid, snapshot)
    if not s.is_dynamic:
        raise ValueError(f"netuid {netuid} is the root network: it has no AMM pool (spec §4.1); choose 1–128")
    t, a = tao_to_rao(s.tao_in_tao, "tao_in_tao"), tao_to_rao(s.alpha_in_alpha, "alpha_in_alpha")
    if t < 1 or a < 1:
        raise ValueError(f"netuid {netuid} has an empty pool in the snapshot (tao_in={s.tao_in_tao}, "
                         f"alpha_in={s.alpha_in_alpha})")
    e = _era_arg(era_name)
    if e.pool == "balancer":
        w = amm.BalancerPool.from_price(t, a, s.price_tao_per_alpha).quote_weight if weights == "from_price" \
            else Fraction(1, 2)
        return amm.pool_for(e, t, a, quote_weight=w)
    return amm.pool_for(e, t, a)


def snapshot_pool_table(netuids: Sequence[int] | None = None, *, snapshot: pd.DataFrame | None = None,
                        rounded: bool = True) -> pd.DataFrame:
    """Pools of the 2026-04-11 snapshot in the HEAD (Balancer) design: reserves, reported price, reserve
    ratio, the TAO weight implied by the reported price, and the stake (TAO) and unstake (alpha, in TAO
    at spot) that move the price by ±10 % (:func:`dtao_lib.amm.stake_to_reach_price`).

    ``rounded=True`` (for display) rounds each column to a sensible number of digits, shortens the
    column names and indexes the rows by netuid; ``rounded=False`` keeps full precision, the long
    names and a ``netuid`` column. ``netuids``: dynamic subnets of the snapshot (default
    :func:`default_picker_netuids`); ``snapshot``: a frame from :func:`dtao_lib.data.load_subnet_snapshot`.
    """
    rounded = check_bool("rounded", rounded)
    df = _snapshot(snapshot)
    ids = default_picker_netuids(df) if netuids is None else _netuids(netuids)
    rows = []
    for n in ids:
        pool = pool_from_snapshot(n, snapshot=df)
        s = _subnet_state(n, df)
        up, down = _ten_percent_moves(pool)
        rows.append({
            "netuid": n, "name": s.name,
            "TAO reserve": pool.tao_reserve / RAO_PER_TAO, "alpha reserve": pool.alpha_reserve / RAO_PER_TAO,
            "reported price": s.price_tao_per_alpha, "reserve ratio": pool.tao_reserve / pool.alpha_reserve,
            "implied w₂": float(pool.quote_weight),
            "stake for +10 % (TAO)": up,
            "unstake for −10 % (TAO worth)": down,
        })
    out = pd.DataFrame(rows)
    if not rounded:
        return out
    digits = {"TAO reserve": 1, "alpha reserve": 1, "reported price": 6, "reserve ratio": 6, "implied w₂": 4,
              "stake for +10 % (TAO)": 1, "unstake for −10 % (TAO worth)": 1}
    short = {"TAO reserve": "TAO in pool", "alpha reserve": "α in pool", "reported price": "price",
             "reserve ratio": "TAO/α ratio", "stake for +10 % (TAO)": "+10 %: stake",
             "unstake for −10 % (TAO worth)": "−10 %: unstake"}
    return out.round(digits).set_index("netuid").rename(columns=short)


def default_picker_netuids(snapshot: pd.DataFrame | None = None) -> list[int]:
    """The subnets of the static picker: the 8 largest pools (TAO reserve), the pool whose reported
    price is furthest from its reserve ratio, and the smallest pool holding at least 100 TAO.

    ``snapshot``: a frame from :func:`dtao_lib.data.load_subnet_snapshot` (default: the shipped one).
    """
    df = _snapshot(snapshot)
    dyn = df[df["is_dynamic"]]
    big = dyn.nlargest(8, "tao_in_tao")["netuid"].tolist()
    gap = int(dyn.loc[dyn["price_spot_gap_rel"].abs().idxmax(), "netuid"])
    small = int(dyn[dyn["tao_in_tao"] >= 100].nsmallest(1, "tao_in_tao")["netuid"].iloc[0])
    return list(dict.fromkeys([*big, gap, small]))


_PICKER_SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)


def _picker_rows(pool: Any, netuid: int, assumption: str) -> list[dict[str, Any]]:
    rows = []
    for side in ("stake", "unstake"):
        for size in _PICKER_SIZES:
            res = _trade(pool, side, size * RAO_PER_TAO)
            if not res.ok:
                continue
            rows.append({"netuid": netuid, "side": side, "weights": assumption, "trade_tao": size,
                         "slippage_pct": 100 * res.slippage, "impact_pct": 100 * res.price_impact,
                         "receive": res.amount_out / RAO_PER_TAO})
    return rows


def _picker_chart(curves: pd.DataFrame, info: pd.DataFrame, pick: Any) -> alt.VConcatChart:
    c, i = alt.Chart(curves), alt.Chart(info)
    if pick is not None:
        c, i = c.transform_filter(alt.datum.netuid == pick), i.transform_filter(alt.datum.netuid == pick)
    lines = c.mark_line(point=True).encode(
        x=alt.X("trade_tao:Q", title="trade size (TAO; an unstake sells the alpha worth this much)",
                scale=alt.Scale(type="log")),
        y=alt.Y("slippage_pct:Q", title="slippage (%, fees included)", scale=alt.Scale(type="log")),
        color=alt.Color("side:N", scale=alt.Scale(domain=["stake", "unstake"], range=["#27ae60", "#c0392b"]),
                        legend=alt.Legend(orient="top", title=None, symbolType="stroke")),
        strokeDash=alt.StrokeDash("weights:N", legend=None, scale=alt.Scale(
            domain=["w₂ from the reported price", "equal weights"], range=[[1, 0], [5, 4]])),
        tooltip=["side:N", "weights:N", "trade_tao:Q", alt.Tooltip("slippage_pct:Q", format=".4f"),
                 alt.Tooltip("impact_pct:Q", format=".4f"), alt.Tooltip("receive:Q", format=",.4f")],
    ).properties(width=WIDTH, height=HEIGHT)
    text = i.mark_text(align="left", fontSize=12).encode(
        x=alt.value(0), y=alt.Y("line:O", axis=None), text="text:N",
    ).properties(width=WIDTH, height=66, view=alt.ViewBackground(stroke=None))
    return alt.vconcat(text, lines)


_KIND_NAMES = {"constant_product": "constant-product pool", "uniswap_v3": "v3 full-range pool",
               "balancer": "HEAD Balancer pool"}


def _picker_info(pool: Any, netuid: int, snapshot: pd.DataFrame) -> list[dict[str, Any]]:
    s = _subnet_state(netuid, snapshot)
    p = pool.price
    up, down = _ten_percent_moves(pool)
    weight = (f"implied TAO weight w₂ = {float(pool.quote_weight):.4f}" if isinstance(pool, amm.BalancerPool)
              else f"this pool prices at the reserve ratio, {p:.6f}")
    lines = [
        f"netuid {netuid} · {s.name} — pool on {s.snapshot_date}: {s.tao_in_tao:,.1f} TAO and "
        f"{s.alpha_in_alpha:,.1f} α",
        f"reported price {s.price_tao_per_alpha:.6f}; reserve ratio {s.tao_in_tao / s.alpha_in_alpha:.6f}; "
        + weight,
        f"{_KIND_NAMES[pool.kind]}: +10 % needs a stake of {up:,.1f} TAO; −10 % an unstake worth {down:,.1f} TAO",
    ]
    return [{"netuid": netuid, "line": k, "text": t} for k, t in enumerate(lines)]


_picker_live = templated(_picker_chart)


def subnet_picker(netuids: Sequence[int] | None = None) -> Figure:
    """"Your subnet": slippage of stakes and unstakes in a real subnet's pool (2026-04-11 snapshot).

    The pool is :func:`pool_from_snapshot` in the HEAD (Balancer) design, with the TAO weight implied
    by the reported price (solid) and with equal weights (dashed). Static face: a dropdown over
    ``netuids`` (default :func:`default_picker_netuids`), precomputed. Live face: any netuid 1–128
    and any era's design.
    """
    snap = data.load_subnet_snapshot()
    if netuids is not None:
        netuids = _netuids(netuids)
        pools = set(snap.loc[snap["is_dynamic"], "netuid"].tolist())
        absent = [n for n in netuids if n not in pools]
        if absent:
            raise ValueError(f"netuids must be dynamic subnets of the snapshot (1–{max(pools)}), got {absent}")

    def frames(ids: Sequence[int], era_name: Any = "head") -> tuple[pd.DataFrame, pd.DataFrame]:
        curves, info = [], []
        for n in ids:
            pool = pool_from_snapshot(n, era_name=era_name, snapshot=snap)
            label = "w₂ from the reported price" if isinstance(pool, amm.BalancerPool) else _KIND_NAMES[pool.kind]
            curves += _picker_rows(pool, n, label)
            if isinstance(pool, amm.BalancerPool):
                curves += _picker_rows(pool_from_snapshot(n, era_name=era_name, weights="equal", snapshot=snap),
                                       n, "equal weights")
            info += _picker_info(pool, n, snap)
        return pd.DataFrame(curves), pd.DataFrame(info)

    def static() -> alt.VConcatChart:
        ids = list(netuids) if netuids is not None else default_picker_netuids(snap)
        curves, info = frames(ids)
        labels = [f"{n} · {data.subnet_state(n, snap).name}" for n in ids]
        pick = dropdown("netuid", ids, ids[0], "subnet ", labels=labels)
        return _picker_chart(curves, info, pick).add_params(pick).properties(title=alt.Title(
            "Your subnet: slippage in its pool (2026-04-11 reserves, HEAD Balancer pool)",
            subtitle="solid: TAO weight w₂ from the reported price; dashed: equal weights"))

    def render(netuid: int, design: str):
        curves, info = frames([netuid], design)
        return _picker_live(curves, info, None), snapshot_pool_table([netuid], snapshot=snap)

    def live():
        import ipywidgets as w

        controls = {
            "netuid": w.BoundedIntText(value=64, min=0, max=200, description="netuid"),
            "design": w.Dropdown(options=[("Balancer (HEAD)", "head"), ("v3, the snapshot day", "2026-04-11"),
                                          ("constant product (2025)", "v2.0.0")], value="head",
                                 description="pool"),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="your subnet")
