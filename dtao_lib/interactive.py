"""Interactive figures: one mechanism for the static site and for live Jupyter.

Every figure in the book is a :class:`Figure`, built by a function in :mod:`dtao_lib.figures`
and displayed by a notebook cell. A figure has two faces:

* **static** — an altair chart whose interactivity is client-side (``alt.param`` bound to sliders
  and dropdowns, filtering data precomputed by ``dtao_lib``). It is what the published site shows:
  it runs in the browser with the vendored vega/vega-lite/vega-embed (no internet, no kernel).
* **live** — an ipywidgets panel whose controls call ``dtao_lib`` on every change. It is what a
  reader sees in Jupyter (a kernel is running), and it can explore any parameter value, not just
  the precomputed grid.

How the two are chosen (decided once, here):

* During a book build, :mod:`dtao_lib.sphinx_ext` sets the environment variable
  ``DTAO_BOOK_BUILD=1`` before notebooks execute; :func:`building_book` reads it and every
  :class:`Figure` renders **only** its static face. The ipywidgets panel is never created, so the
  site has no dead controls (a slider without a kernel that moves but changes nothing).
* Anywhere else with a kernel (JupyterLab, Notebook 7, VS Code, Colab, nbmake), a :class:`Figure`
  renders its **live** face. Figures without a live face show the static chart, which is still
  interactive in the browser.

Chart HTML never fetches anything from a CDN when the vendored scripts are present: the site loads
them from ``_static/`` (added per page by the Sphinx extension) and :func:`setup` injects them
inline into a live notebook (so notebooks render charts offline as well; the code travels as a
JSON string and is evaluated unchanged, see :func:`_inline_script_js`). If they are missing
(e.g. a later cell was run before :func:`setup`), the chart falls back to loading them from the
jsDelivr CDN.

Widget callbacks never show a traceback: a ``ValueError``/``TypeError`` from ``dtao_lib`` (bad
input) is shown as a message above the last good output, which stays as it was.

For chapter authors
-------------------
Write the figure in :mod:`dtao_lib.figures.<chapter>` as a function returning
``Figure(static=<altair chart>, live=<callable returning a widget>)``; build the live face with
:func:`live_panel`. In the notebook, call it as the last expression of a short cell. Nothing else
is needed: the first cell of every chapter runs ``dtao_lib.interactive.setup()``.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import altair as alt

__all__ = [
    "BUILD_ENV",
    "Figure",
    "building_book",
    "chart_html",
    "live_panel",
    "setup",
]

BUILD_ENV = "DTAO_BOOK_BUILD"
"""Environment variable set (to ``"1"``) by the Sphinx extension while the book builds."""

VEGA_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
"""Vendored scripts, in load order (``dtao_lib/_vendor``)."""

EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}
"""vega-embed options: SVG output (crisp, testable) and only the export menu (no external links)."""

_CDN = {
    "vega": f"https://cdn.jsdelivr.net/npm/vega@{alt.VEGA_VERSION}?noext",
    "vega-lite": f"https://cdn.jsdelivr.net/npm/vega-lite@{alt.VEGALITE_VERSION}?noext",
    "vega-embed": f"https://cdn.jsdelivr.net/npm/vega-embed@{alt.VEGAEMBED_VERSION}?noext",
}

_ids = itertools.count()


def building_book() -> bool:
    """True while the Sphinx extension is building the site (``DTAO_BOOK_BUILD=1``)."""
    return os.environ.get(BUILD_ENV, "") == "1"


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


@cache
def _vendored_js(name: str) -> str:
    return resources.files("dtao_lib").joinpath("_vendor", name).read_text(encoding="utf-8")


def _script_safe(json_text: str) -> str:
    """Make JSON text safe inside an inline ``<script>`` element without changing its value.

    Only valid for JSON (where ``<`` can only occur inside string literals, in which ``\\/`` and
    ``\\u0021`` mean ``/`` and ``!``): never apply it to JavaScript code.
    """
    return json_text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


def _loader_js(div_id: str, spec_json: str) -> str:
    """JavaScript that embeds ``spec_json`` in ``#div_id``; it loads vega first if it must."""
    opts = json.dumps(EMBED_OPTIONS)
    cdn = json.dumps(_CDN)
    return f"""
(function() {{
  var spec = {spec_json};
  var opts = {opts};
  function embed() {{
    vegaEmbed("#{div_id}", spec, opts).then(function(res) {{
      (window.dtaoViews = window.dtaoViews || []).push(res.view);
    }}).catch(function(err) {{
      document.getElementById("{div_id}").innerText = "Chart error: " + err;
      console.error(err);
    }});
  }}
  if (window.vegaEmbed) {{ embed(); return; }}
  var cdn = {cdn};
  if (window.requirejs) {{
    requirejs.config({{paths: {{"vega": cdn["vega"], "vega-lite": cdn["vega-lite"],
                                "vega-embed": cdn["vega-embed"]}}}});
    requirejs(["vega-embed"], function(ve) {{ window.vegaEmbed = ve; embed(); }});
    return;
  }}
  var urls = [cdn["vega"], cdn["vega-lite"], cdn["vega-embed"]];
  (function next(i) {{
    if (i === urls.length) {{ embed(); return; }}
    var s = document.createElement("script");
    s.src = urls[i]; s.onload = function() {{ next(i + 1); }};
    s.onerror = function() {{
      document.getElementById("{div_id}").innerText =
        "Could not load the chart library: run dtao_lib.interactive.setup() first.";
    }};
    document.head.appendChild(s);
  }})(0);
}})();
"""


def chart_html(chart: alt.TopLevelMixin | Mapping[str, Any], *, div_id: str | None = None) -> str:
    """HTML for one chart: a ``div`` and the script that embeds it with vega-embed.

    ``chart`` is an altair chart or an already-built vega-lite spec dict.
    """
    spec = chart if isinstance(chart, Mapping) else chart.to_dict()
    div = div_id or f"dtao-chart-{next(_ids)}-{uuid.uuid4().hex[:8]}"
    spec_json = _script_safe(json.dumps(spec, separators=(",", ":")))
    return (
        f'<div class="dtao-chart" id="{div}"></div>\n'
        f'<script type="text/javascript">{_loader_js(div, spec_json)}</script>'
    )


def _altair_renderer(spec: dict, **_: Any) -> dict[str, str]:
    return {"text/html": chart_html(spec)}


alt.renderers.register("dtao", _altair_renderer)
alt.renderers.enable("dtao")
alt.data_transformers.enable("default", max_rows=20_000)


class _Html:
    """Minimal display object for raw HTML (avoids importing IPython.display at module load)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return self.text


def _inline_script_js(name: str) -> str:
    """JavaScript that evaluates the vendored script ``name`` with AMD/CommonJS hidden.

    The source travels as a JSON string literal and is run with ``Function``: inside a string
    literal ``<\\/`` *is* ``</``, so escaping it keeps the ``<script>`` element intact without
    changing a single character of the code (escaping ``</`` in the code itself breaks regular
    expressions such as ``/</g`` in vega, which is why charts once fell back to the CDN).
    """
    code = _script_safe(json.dumps(_vendored_js(name)))
    return f'Function("define", "exports", "module", {code}).call(window);'


def setup() -> _Html | None:
    """Prepare a notebook for ``dtao_lib`` figures; call it once in the chapter's first cell.

    * In a book build: nothing to show (the page loads vega from ``_static``); returns ``None``.
    * In a live notebook: returns HTML that defines vega, vega-lite and vega-embed from the
      copies shipped inside ``dtao_lib``, so charts render with no internet. The scripts are
      evaluated with AMD's ``define`` hidden, so they also work where RequireJS is present.
    """
    if building_book():
        return None
    body = "\n".join(_inline_script_js(name) for name in VEGA_SCRIPTS)
    return _Html(
        '<div class="dtao-setup" style="display:none"></div>'
        f'<script type="text/javascript">if (!window.vegaEmbed) {{\n{body}\n}}</script>'
    )


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A book figure: a static (client-side interactive) chart and an optional live panel.

    Parameters
    ----------
    static
        The altair chart the site shows (and the fallback everywhere), or a zero-argument
        callable building it (called only when the static face is shown, so a live session
        does not pay for precomputing the site's grids).
    live
        A zero-argument callable returning an ipywidgets widget, called only when a kernel is
        running and the book is not being built.
    title
        Used in the plain-text representation.
    """

    static: alt.TopLevelMixin | Callable[[], alt.TopLevelMixin]
    live: Callable[[], Any] | None = None
    title: str = ""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        text = f"<dtao_lib Figure{': ' + self.title if self.title else ''}>"
        if self.live is not None and not building_book() and _in_kernel():
            widget = self.live()
            bundle = widget._repr_mimebundle_()
            data = bundle[0] if isinstance(bundle, tuple) else bundle
            return {**data, "text/plain": text}
        return {"text/html": chart_html(self.chart()), "text/plain": text}

    def chart(self) -> alt.TopLevelMixin:
        """The static altair chart (built now if ``static`` is a callable)."""
        return self.static() if callable(self.static) else self.static


def _error_box(message: str) -> str:
    return (
        '<div class="dtao-error" style="border-left:4px solid #c0392b;padding:4px 8px;'
        f'background:#fdecea;color:#7b241c">⚠ {html.escape(message)}</div>'
    )


def live_panel(
    controls: Mapping[str, Any],
    render: Callable[..., Any],
    *,
    layout: str = "vertical",
) -> Any:
    """A live ipywidgets panel: ``controls`` feed ``render(**values)`` whose result is displayed.

    Parameters
    ----------
    controls
        Mapping from ``render``'s keyword names to ipywidgets value widgets.
    render
        Pure function of the control values returning something displayable (an altair chart, a
        DataFrame, a :class:`Figure`, a tuple of those...). It should only call ``dtao_lib``.
    layout
        ``"vertical"`` (controls above the output) or ``"horizontal"`` (controls on the left).

    Notes
    -----
    On every change the output is replaced. If ``render`` raises ``ValueError`` or
    ``TypeError`` (the errors ``dtao_lib`` raises for bad input), the message is shown in a red
    box and the previous output is kept, so nothing half-updates.
    """
    import ipywidgets as widgets
    from IPython.display import display

    out = widgets.Output()
    err = widgets.HTML(value="")

    def update(*_: Any) -> None:
        values = {name: w.value for name, w in controls.items()}
        try:
            result = render(**values)
        except (ValueError, TypeError) as exc:
            err.value = _error_box(str(exc))
            return
        err.value = ""
        with out:
            out.clear_output(wait=True)
            for item in result if isinstance(result, tuple) else (result,):
                display(item)

    for w in controls.values():
        w.observe(update, names="value")
    update()
    boxes = list(controls.values())
    if layout == "horizontal":
        return widgets.HBox([widgets.VBox(boxes), widgets.VBox([err, out])])
    return widgets.VBox([widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap")), err, out])
