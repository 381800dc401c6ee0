"""Fast charts for live panels: build the altair chart once, then swap its data on every change.

Building and serialising a compound altair chart costs 100–300 ms (deep copies and schema checks),
too slow for a widget that should answer in tens of milliseconds. :class:`LiveChart` builds the
chart once with *named* datasets (``alt.NamedData``) and keeps its vega-lite spec; each call puts
new data (and new values of unbound parameters) into a copy of that spec and returns a
:class:`dtao_lib.interactive.ChartSpec`: in a live panel only the data travel to the drawn view
(see :func:`dtao_lib.interactive.live_panel`); displayed alone it is the usual chart HTML. The
chart a reader sees is the same one ``to_dict()`` would give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import pandas as pd

from ..interactive import ChartSpec

__all__ = ["LiveChart", "live_figures"]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", double_precision=15))


class LiveChart:
    """A chart template: ``build(**named_data)`` is called once, then only data and values change.

    Parameters
    ----------
    build
        Called with one ``alt.NamedData`` per dataset name (keyword arguments) on first use; must
        return the chart. Datasets the chart embeds itself (e.g. a κ rule) are kept.
    """

    def __init__(self, build: Callable[..., alt.TopLevelMixin]) -> None:
        self._build = build
        self._spec: dict[str, Any] | None = None

    def spec(self, values: Mapping[str, Any] | None = None, *, title: str | None = None,
             **frames: pd.DataFrame) -> dict[str, Any]:
        """The vega-lite spec with ``frames`` as its named datasets and ``values`` as parameter values
        (and ``title`` as the top-level title, if given)."""
        if self._spec is None:
            chart = self._build(**{name: alt.NamedData(name=name) for name in frames})
            self._spec = chart.to_dict(validate=False)
        spec = dict(self._spec)
        spec["datasets"] = {**self._spec.get("datasets", {}), **{k: _records(v) for k, v in frames.items()}}
        if values:
            params = []
            for p in self._spec.get("params", []):
                params.append({**p, "value": values[p["name"]]} if p.get("name") in values else p)
            spec["params"] = params
        if title is not None:
            spec["title"] = title
        return spec

    def __call__(self, values: Mapping[str, Any] | None = None, *, title: str | None = None,
                 **frames: pd.DataFrame) -> ChartSpec:
        """The chart for these data (return it from a live render, or display it)."""
        return ChartSpec(self.spec(values, title=title, **frames))


def live_figures() -> dict[str, Any]:
    """Every figure of the book that has a live face, as ``{"module.function": Figure}``.

    Found by scanning :mod:`dtao_lib.figures` for public functions annotated to return a
    ``Figure`` that can be called without arguments, so a new live figure cannot escape the
    tests and benchmarks that iterate over this.
    """
    import importlib
    import inspect
    import pkgutil

    from .. import figures
    from ..interactive import Figure

    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(figures.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{figures.__name__}.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            sig = inspect.signature(fn)
            if sig.return_annotation not in ("Figure", Figure):
                continue
            if any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                   for p in sig.parameters.values()):
                continue
            fig = fn()
            if fig.live is not None:
                found[f"{info.name}.{name}"] = fig
    return found
