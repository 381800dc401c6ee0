"""Shared chart conventions: sizes, colours and small helpers used by every figure module."""

from __future__ import annotations

import altair as alt

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
}


def slider(name: str, *, lo: float, hi: float, step: float, value: float, label: str) -> alt.Parameter:
    """A vega-lite parameter bound to a range slider (client-side interactivity)."""
    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))


def dropdown(name: str, options: list, value, label: str, labels: list[str] | None = None) -> alt.Parameter:
    """A vega-lite parameter bound to a dropdown (``labels``: optional display text for each option)."""
    extra = {} if labels is None else {"labels": labels}
    return alt.param(name=name, value=value, bind=alt.binding_select(options=options, name=label, **extra))
