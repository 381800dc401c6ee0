"""Shared chart conventions: sizes, colours and small helpers used by every figure module."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

WIDTH = 600
HEIGHT = 300

# One colour per participant, used consistently across chapters.
ROLE_COLORS = {
    "owner": "#8e44ad",
    "miners": "#27ae60",
    "validators": "#2980b9",
    "root stakers": "#e67e22",
    "pool (τ_in)": "#7f8c8d",
    "chain buy": "#c0392b",
    "recycled": "#95a5a6",
}

ERA_COLORS = {
    "pre-dtao": "#7f8c8d",
    "A": "#2980b9",
    "B": "#27ae60",
    "B'": "#16a085",
    "C": "#d35400",
    "D": "#8e44ad",
    "E": "#c0392b",
    "F": "#2c3e50",
}


def slider(name: str, *, lo: float, hi: float, step: float, value: float, label: str) -> alt.Parameter:
    """A vega-lite parameter bound to a range slider (client-side interactivity)."""
    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))


def dropdown(name: str, options: list, value, label: str, labels: list[str] | None = None) -> alt.Parameter:
    """A vega-lite parameter bound to a dropdown (``labels``: optional display text for each option)."""
    extra = {} if labels is None else {"labels": labels}
    return alt.param(name=name, value=value, bind=alt.binding_select(options=options, name=label, **extra))


def readable_number(x: Any) -> str:
    """Readable number: thousands separators, about four significant digits, integers as integers."""
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if not np.isfinite(v):
            return "–"
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v):,}"
        if abs(v) >= 1_000:
            return f"{v:,.0f}"
        if abs(v) >= 1e-3:
            return f"{v:.4g}"
        return f"{v:.3g}"
    return str(x)


def plain_float(x: float) -> str:
    """A float as an output cell shows it: ten significant digits with thousands separators, so
    binary noise such as ``6676.281999999999`` reads ``6,676.282`` while chain-level detail (a
    rao, an I32F32 rounding) stays visible."""
    v = float(x)
    if not np.isfinite(v):
        return repr(v)
    return f"{v:,.10g}"


def tidy_plain_text(shell: Any = None) -> bool:
    """Make IPython print floats (also inside tuples and lists, and numpy float scalars) with
    :func:`plain_float`. Returns False when there is no IPython shell (plain Python)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a dependency
            return False
        shell = get_ipython()
    if shell is None:
        return False
    fmt = shell.display_formatter.formatters["text/plain"]

    def _pretty(obj: Any, p: Any, cycle: bool) -> None:
        p.text(plain_float(obj))

    for t in (float, np.floating, np.float64, np.float32, np.float16):
        fmt.for_type(t, _pretty)
    return True


def styled_table(df: pd.DataFrame, formats: dict[str, str] | None = None) -> Any:
    """A display table: ``df`` with readable numbers (or the given per-column formats) and no index.

    Returns a pandas ``Styler``; the numbers themselves are in its ``.data`` (what the tests check).
    """
    fmt: dict[str, Any] = {c: readable_number for c in df.columns}
    fmt.update(formats or {})
    return df.style.format(fmt).hide(axis="index").set_table_attributes('class="dataframe"')
