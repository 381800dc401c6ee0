"""Fast charts for live panels: build the altair chart once, then swap its data on every change.

Building and serialising a compound altair chart costs 100–300 ms (deep copies and schema checks),
too slow for a widget that should answer in tens of milliseconds. :class:`LiveChart` builds the
chart once with *named* datasets (``alt.NamedData``) and keeps its vega-lite spec; each call puts
new data (and new values of unbound parameters) into a copy of that spec and returns HTML from
:func:`dtao_lib.interactive.chart_html`. The chart a reader sees is the same one
``to_dict()`` would give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import pandas as pd

from ..interactive import chart_html

__all__ = ["LiveChart"]


class _Html:
    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


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
                 **frames: pd.DataFrame) -> _Html:
        """HTML showing the chart for these data (display it, or return it from a live render)."""
        return _Html(chart_html(self.spec(values, title=title, **frames)))
