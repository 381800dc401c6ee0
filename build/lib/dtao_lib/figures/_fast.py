"""Chart builders as templates: build the altair chart once per layout, then swap only the data.

A live panel that calls ``make_chart(df, …)`` on every control change pays for altair's object
construction, schema validation and ``to_dict`` each time (50–300 ms for a compound chart), although
only the rows change. :func:`templated` wraps such a builder: on the first call with a given set of
non-data arguments it builds the chart with every DataFrame argument replaced by an
``alt.NamedData`` placeholder (through :class:`~dtao_lib.figures._live.LiveChart`), and every call
returns the chart's HTML with the new rows put into that spec — the same chart ``to_dict()`` would
give, for a few milliseconds.

Builders must only *place* their DataFrame arguments in ``alt.Chart(...)``/``alt.layer(data=...)``
(not read them, e.g. for a domain): whatever they read must be a non-data argument, which then
selects the template (each distinct value builds one; keep such arguments few-valued).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from ._live import LiveChart

__all__ = ["templated"]


def _sanitize(df: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO strings, as altair writes them (not epoch milliseconds)."""
    dates = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    if not dates:
        return df
    return df.assign(**{c: df[c].dt.strftime("%Y-%m-%dT%H:%M:%S") for c in dates})


class _Templated:
    def __init__(self, build: Callable[..., alt.TopLevelMixin], max_layouts: int) -> None:
        self._build = build
        self._max = max_layouts
        self._layouts: dict[str, LiveChart] = {}

    def __call__(self, *args: Any, title: str | None = None, **kwargs: Any) -> Any:
        frames: dict[str, pd.DataFrame] = {}
        targs: list[Any] = []
        tkw: dict[str, Any] = {}
        for i, a in enumerate(args):
            if isinstance(a, pd.DataFrame):
                frames[f"data_{i}"] = _sanitize(a)
                targs.append(alt.NamedData(name=f"data_{i}"))
            else:
                targs.append(a)
        for k, v in kwargs.items():
            if isinstance(v, pd.DataFrame):
                frames[f"data_{k}"] = _sanitize(v)
                tkw[k] = alt.NamedData(name=f"data_{k}")
            else:
                tkw[k] = v
        key = repr(([a for a in targs if not isinstance(a, alt.NamedData)],
                    sorted((k, v) for k, v in tkw.items() if not isinstance(v, alt.NamedData))))
        template = self._layouts.get(key)
        if template is None:
            if len(self._layouts) >= self._max:
                self._layouts.pop(next(iter(self._layouts)))
            template = LiveChart(lambda **_: self._build(*targs, **tkw))
            self._layouts[key] = template
        return template(title=title, **frames)


def templated(build: Callable[..., alt.TopLevelMixin], *, max_layouts: int = 32) -> Callable[..., Any]:
    """A fast live version of the chart builder ``build``; see the module docstring.

    Call the result with ``build``'s arguments (and optionally ``title=``); it returns displayable
    HTML. At most ``max_layouts`` templates are kept (the oldest is dropped).
    """
    return _Templated(build, max_layouts)
