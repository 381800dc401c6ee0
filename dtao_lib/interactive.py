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

Widget callbacks never show a traceback: any exception (a ``ValueError``/``TypeError`` from
``dtao_lib`` for bad input, an ``OverflowError``, a ``KeyError``...) is shown as a message above
the last good output, which stays as it was (see :func:`live_panel`). Charts in a live panel are
anywidget views (:class:`ChartSpec`, ``_CHART_ESM``) that swap new data into the drawn vega view
instead of re-embedding it; they use the same inlined vega as every other chart.

For chapter authors
-------------------
Write the figure in ``dtao_lib.figures.<chapter>`` as a function returning
``Figure(static=<altair chart>, live=<callable returning a widget>)``; build the live face with
:func:`live_panel`. In the notebook, call it as the last expression of a short cell. Nothing else
is needed: the first cell of every chapter runs ``dtao_lib.interactive.setup()``.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import textwrap
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import altair as alt

from ._validate import check_choice

__all__ = [
    "BUILD_ENV",
    "ChartSpec",
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

PANEL_CSS = (
    ".dtao-panel .dtao-out{transition:opacity .1s}"
    ".dtao-panel.dtao-busy .dtao-out{opacity:.45;transition:opacity .2s .2s;cursor:progress}"
    ".dtao-panel .widget-output,.dtao-panel .jp-OutputArea-output{max-width:100%;overflow-x:auto}"
    ".dtao-chart{max-width:100%}"
)
"""Live-panel style (added by :func:`setup`): a panel that takes more than 0.2 s dims its output."""

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


NARROW_PX = 560
"""A chart whose container is narrower than this many pixels (a phone, a narrow window) is drawn
with the narrow layout of :func:`narrow_rules` (a composed chart: :func:`stacked`); at the site's
desktop width (a 760 px column) charts keep the layout their authors gave them."""

_NARROW_MIN_PANEL_PX = 120
"""A stacked chart's panels are narrowed to fit a narrow container, but not below this width."""

_FIT_JS = """
function dtaoStacked(spec) {
  var stack = spec.usermeta && spec.usermeta.dtaoStack;
  if (!stack) return null;
  var config = Object.assign({}, spec.config);
  config.legend = Object.assign({}, config.legend, {layout: stack.legendLayout});
  return Object.assign({}, spec, {config: config});
}
function dtaoTextOverflows(el) {
  var svg = el.querySelector("svg.marks");
  if (!svg) return false;
  var s = svg.getBoundingClientRect(), d = el.getBoundingClientRect();
  var left = Math.max(s.left, d.left), right = Math.min(s.right, d.right);
  var texts = svg.querySelectorAll(".role-title text, .role-axis text, .role-legend text");
  return Array.prototype.some.call(texts, function(t) {
    var r = t.getBoundingClientRect();
    return r.width > 0 && t.textContent.trim() !== "" && (r.right > right + 1 || r.left < left - 1);
  });
}
function dtaoRoom(el) {  // the width a chart may take (vega-embed's div is an inline-block: its parent's)
  var css = getComputedStyle(el), p = el.parentElement;
  var pad = (parseFloat(css.paddingLeft) || 0) + (parseFloat(css.paddingRight) || 0);
  if (!p || css.display === "block") return el.clientWidth - pad;
  var pc = getComputedStyle(p);
  return p.clientWidth - (parseFloat(pc.paddingLeft) || 0) - (parseFloat(pc.paddingRight) || 0) - pad;
}
function dtaoDrawnWidth(el) {  // the chart's own width, before CSS scales it down to its container
  var m = el.querySelector(".marks");
  if (!m) return 0;
  if (m.tagName.toLowerCase() !== "canvas") return parseFloat(m.getAttribute("width")) || 0;
  return parseFloat(m.style.width) || m.width / (window.devicePixelRatio || 1);  // style: pixel ratio != 1
}
function dtaoPanelWidths(node, cap, out) {  // widths of a composed spec's panels; with cap, at most cap
  ["vconcat", "hconcat", "concat"].forEach(function(key) {
    (node[key] || []).forEach(function(child) {
      if (typeof child.width === "number") {
        if (cap) child.width = Math.min(child.width, cap);
        out.push(child.width);
      }
      dtaoPanelWidths(child, cap, out);
    });
  });
  if (node.spec && typeof node.spec === "object") {
    if (typeof node.spec.width === "number") {
      if (cap) node.spec.width = Math.min(node.spec.width, cap);
      out.push(node.spec.width);
    }
    dtaoPanelWidths(node.spec, cap, out);
  }
  return out;
}
function dtaoNarrowed(spec, cap) {  // the stacked variant, panels at most cap px wide
  var body = JSON.parse(JSON.stringify(spec.usermeta.dtaoNarrow));
  if (cap) dtaoPanelWidths(body, cap, []);
  return Object.assign(body, {datasets: spec.datasets});
}
function dtaoWantsNarrow(el, spec) {
  return !!(spec.usermeta && spec.usermeta.dtaoNarrow) && dtaoRoom(el) < __NARROW_PX__;
}
function dtaoFitComposed(embed, el, spec, opts, res) {
  // A composed chart that would be scaled down in a narrow container is drawn stacked instead, its
  // panels narrowed (at most 3 times) until the chart fits: its text keeps its size.
  var room = dtaoRoom(el);
  if (!dtaoWantsNarrow(el, spec) || dtaoDrawnWidth(el) <= room + 1) return Promise.resolve(res);
  function draw(cap, n) {
    res.view.finalize();
    var next = dtaoNarrowed(spec, cap);
    return embed(el, next, opts).then(function(again) {
      res = again;
      res.dtaoNarrow = true;
      var excess = dtaoDrawnWidth(el) - room;
      var widest = Math.max.apply(null, dtaoPanelWidths(next, null, [0]));
      var smaller = Math.max(__MIN_PANEL__, Math.floor(widest - excess));
      if (excess <= 1 || n >= 3 || smaller >= widest) return res;
      return draw(smaller, n + 1);
    });
  }
  return draw(null, 0);
}
""".replace("__NARROW_PX__", str(NARROW_PX)).replace("__MIN_PANEL__", str(_NARROW_MIN_PANEL_PX))
"""JavaScript of the embedding scripts. A chart whose titles, axis labels or legends do not fit
its width once drawn (possible at any width: vega cannot measure text before drawing) is first
drawn again with its legends stacked (``usermeta.dtaoStack`` of :func:`narrow_rules`), then, if
that is not enough, switched to the narrow layout (parameter :data:`SQUEEZE`). The live view,
drawn on a canvas, stacks legends in a narrow container instead. A composed chart wider than a
narrow container (narrower than :data:`NARROW_PX`) is drawn again as its stacked variant
(:func:`stacked`, shipped in ``usermeta.dtaoNarrow``), whose panels are narrowed until it fits,
instead of being scaled down to unreadable text (``dtaoFitComposed``; the live view too)."""


def _loader_js(div_id: str, spec_json: str) -> str:
    """JavaScript that embeds ``spec_json`` in ``#div_id``; it loads vega first if it must."""
    opts = json.dumps(EMBED_OPTIONS)
    cdn = json.dumps(_CDN)
    return f"""
(function() {{
  var spec = {spec_json};
  var opts = {opts};
  {_FIT_JS}
  function embed() {{
    var el = document.getElementById("{div_id}");
    if (spec.width === "container") el.classList.add("dtao-fit");
    var stacked = dtaoStacked(spec);
    var squeezable = (spec.params || []).some(function(p) {{ return p.name === "{SQUEEZE}"; }});
    function fail(err) {{
      document.getElementById("{div_id}").innerText = "Chart error: " + err;
      console.error(err);
    }}
    function settle(res) {{  // text outside the chart: stack the legends, then squeeze
      if (!dtaoTextOverflows(el)) return Promise.resolve(res);
      if (stacked && !res.dtaoStacked) {{
        res.view.finalize();
        return vegaEmbed(el, stacked, opts).then(function(again) {{
          again.dtaoStacked = true;
          return settle(again);
        }});
      }}
      if (res.dtaoSqueezed || !squeezable) return Promise.resolve(res);
      res.dtaoSqueezed = true;
      return res.view.signal("{SQUEEZE}", true).runAsync().then(function() {{ return res; }});
    }}
    function later(res) {{  // measure once the page has laid the drawn chart out
      return new Promise(function(resolve) {{ setTimeout(function() {{ resolve(res); }}, 50); }});
    }}
    function fit(res) {{ return dtaoFitComposed(vegaEmbed, el, spec, opts, res); }}
    vegaEmbed(el, spec, opts).then(fit).then(later).then(settle).then(function(res) {{
      (window.dtaoViews = window.dtaoViews || []).push(res.view);
      var composed = !!(spec.usermeta && spec.usermeta.dtaoNarrow);
      if (spec.width !== "container" && !composed) return;
      var timer = null, current = res, room = dtaoRoom(el);
      function refit() {{  // a composed chart: drawn again as designed, then fitted, if the room changed
        var now = dtaoRoom(el);
        if (now === room || (!current.dtaoNarrow && !dtaoWantsNarrow(el, spec))) return Promise.resolve(current);
        room = now;
        current.view.finalize();
        return vegaEmbed(el, spec, opts).then(fit);
      }}
      function remeasure(res) {{  // vega measures the container when the resize event fires, which can be
        // mid-layout (a phone-to-desktop resize reported 1648 px for a 688 px column): measure it again
        var now = dtaoRoom(el);
        if (Math.abs(dtaoDrawnWidth(el) - now) <= 1) return Promise.resolve(res);
        return res.view.signal("width", now).runAsync().then(function() {{ return res; }});
      }}
      window.addEventListener("resize", function() {{  // after vega's own re-layout
        clearTimeout(timer);
        timer = setTimeout(function() {{
          (composed ? refit() : remeasure(current).then(settle)).then(function(again) {{
            if (again !== current) window.dtaoViews.push(again.view);
            current = again;
          }}).catch(fail);
        }}, 250);
      }});
    }}).catch(fail);
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


_COMPOSED = ("vconcat", "hconcat", "concat", "facet", "repeat")

CHART_CSS = (
    ".dtao-chart{max-width:100%;box-sizing:border-box}"
    ".dtao-chart.dtao-fit{width:100%;display:block}"
    ".dtao-chart svg.marks,.dtao-chart canvas.marks{max-width:100%;height:auto}"
    ".dtao-chart .vega-bindings{display:flex;flex-wrap:wrap;gap:.2em 1.2em;max-width:100%;font-size:.85rem}"
    ".dtao-chart .vega-bind,.dtao-chart .vega-bind label{max-width:100%;min-width:0;display:flex;"
    "flex-wrap:wrap;align-items:center;gap:0 .4em}"
    ".dtao-chart .vega-bind input[type=range]{max-width:min(200px,60vw)}"
    ".dtao-chart .vega-bind select{max-width:100%;min-width:0;text-overflow:ellipsis}"
)
"""Chart sizing for every width: a single view fills its column (:func:`responsive`); a composed
chart (concatenated panels, whose views vega-lite cannot size to a container) is scaled down to the
column through its SVG ``viewBox``; the bound sliders and dropdowns wrap."""


def responsive(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec sized to its container: a single or layered view gets ``width: "container"`` and the
    narrow-column rules of :func:`narrow_rules`.

    A composed chart (vega-lite sizes only single and layered views to a container) keeps its
    layout in a desktop column, where :data:`CHART_CSS` scales it down to the column if needed, and
    carries its narrow variant :func:`stacked` in ``usermeta.dtaoNarrow``: the embedding scripts
    draw that variant instead when the chart would be scaled down in a narrow container
    (see :data:`_FIT_JS`).
    """
    spec = dict(spec)
    if any(k in spec for k in _COMPOSED):
        meta = spec.get("usermeta")
        if not (isinstance(meta, Mapping) and "dtaoNarrow" in meta):
            body = {k: v for k, v in stacked(spec).items() if k not in ("datasets", "usermeta", "$schema")}
            spec["usermeta"] = {**(meta if isinstance(meta, Mapping) else {}), "dtaoNarrow": body}
        return spec
    if spec.get("width") == "container":
        return spec
    spec["width"] = "container"
    spec["autosize"] = {"type": "fit-x", "contains": "padding", "resize": True}
    return narrow_rules(spec)


NARROW = "dtao_narrow"
"""Name of the boolean vega parameter that is true while the chart's container is narrow."""

SQUEEZE = "dtao_squeeze"
"""Name of the vega parameter the embedding script sets when a chart's text does not fit its
container at desktop width: the chart then takes the narrow layout (see :data:`_FIT_JS`)."""

CONTAINER = "dtao_cw"
"""Name of the vega parameter holding the container's width in pixels (it follows resizes)."""

_TITLE_LINE_CHARS = 44
"""Longest title line of a container-sized chart in a desktop column."""

_NARROW_TITLE_CHARS = 36
"""Longest title line in a narrow container: what a 320 px chart (a 360 px phone) shows in bold
13 px type, with a margin."""

_SUBTITLE_CHARS = 50
"""Longest subtitle line (11 px type): fits a 300 px chart."""

_AXIS_TITLE_CHARS = 52
"""An x-axis title longer than this is broken into lines of at most :data:`_TITLE_LINE_CHARS`."""

_LONG_AXIS_TITLE = 30
"""In a narrow container, an x-axis title longer than this ends at the plot's right end (it may
extend left under the y axis) instead of being centred on a plot too narrow to hold it."""

_NARROW_SIDE_LEGEND_PX = 100
"""Label width of a legend at the left or right of a narrow chart."""

_NARROW_Y_LABELS = 0.42
"""Share of a narrow container's width that the category labels of a y axis may take (the rest is
left to the bars and to the legend below them)."""

_LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "size", "opacity", "fillOpacity",
                    "strokeOpacity", "strokeWidth", "strokeDash", "angle")


def _wrap_title(title: Any, width: int = _TITLE_LINE_CHARS) -> Any:
    """A chart title broken into lines of at most ``width`` characters (vega-lite draws a list of
    strings as lines), so a long title is not cut off on a phone; a ``{"text": ...}`` title keeps
    its other properties, and titles that already fit (or are lists) are returned unchanged."""
    if isinstance(title, Mapping):
        return {**title, "text": _wrap_title(title.get("text", ""), width)}
    if isinstance(title, str) and len(title) > width:
        return textwrap.wrap(title, width) or title
    return title


def _lines(text: str | list[str], width: int) -> list[str]:
    """``text`` (a string or a list of lines) as lines of at most ``width`` characters."""
    lines = [text] if isinstance(text, str) else list(text)
    return [part for line in lines for part in (textwrap.wrap(str(line), width) or [str(line)])]


def _js(value: Any) -> str:
    """A vega expression for ``value``: an ``{"expr": ...}`` reference as itself, else a literal."""
    if isinstance(value, Mapping) and "expr" in value:
        return f"({value['expr']})"
    return json.dumps(value, ensure_ascii=False)


def _when_narrow(narrow: str, wide: Any) -> dict[str, str]:
    """An ExprRef: the expression ``narrow`` in a narrow container, ``wide`` (a value) otherwise."""
    return {"expr": f"{NARROW} ? {narrow} : {_js(wide)}"}


def _narrow_legend(legend: Mapping[str, Any], default_orient: str) -> dict[str, Any]:
    """A legend that fits a narrow chart: a legend above or below the plot stacks its entries in one
    column no wider than the plot (a long label ends in an ellipsis instead of running off the
    chart's right edge); a legend beside the plot gets shorter labels."""
    out = dict(legend)
    orient = legend.get("orient", default_orient)
    if orient in ("top", "bottom"):
        vertical = legend.get("direction") == "vertical"
        out["columns"] = _when_narrow("1", legend.get("columns", 1 if vertical else 0))
        out["labelLimit"] = _when_narrow("max(60, width - 30)", legend.get("labelLimit", 160))
        out["titleLimit"] = _when_narrow("max(60, width - 10)", legend.get("titleLimit", 180))
    elif orient in ("left", "right"):
        wide = legend.get("labelLimit", 160)
        out["labelLimit"] = _when_narrow(f"min({_js(wide)}, {_NARROW_SIDE_LEGEND_PX})", wide)
    return out


def _narrow_x(x: Mapping[str, Any]) -> dict[str, Any]:
    """An x channel readable in a narrow chart: fewer ticks on a log axis (labels on powers of ten
    instead of 1, 2, 3, 5 crowding each other), labels at least 6 px apart, a long title wrapped
    and, when narrow, ending at the plot's right end."""
    axis = x.get("axis", {})
    if axis is None:
        return dict(x)
    axis = dict(axis)
    scale = x.get("scale") or {}
    if scale.get("type") == "log" and "values" not in axis:
        axis["tickCount"] = _when_narrow("ceil(width / 80)", axis.get("tickCount", 10))
    if x.get("type") in ("quantitative", "temporal") and "labelSeparation" not in axis:
        axis["labelSeparation"] = _when_narrow("6", 0)
    title = axis.get("title", x.get("title"))
    if isinstance(title, str) and len(title) > _AXIS_TITLE_CHARS:
        title = _lines(title, _TITLE_LINE_CHARS)
        axis["title"] = title
    if isinstance(title, (str, list)) and max(map(len, _lines(title, 10_000))) > _LONG_AXIS_TITLE:
        axis["titleAnchor"] = _when_narrow('"end"', axis.get("titleAnchor", "middle"))
        axis["titleAlign"] = _when_narrow('"right"', axis.get("titleAlign", "center"))
    return {**x, "axis": axis}


def _narrow_y(y: Mapping[str, Any]) -> dict[str, Any]:
    """A y channel of categories whose labels take at most :data:`_NARROW_Y_LABELS` of a narrow
    container (a longer label ends in an ellipsis), so the plot and its legend keep some width."""
    axis = y.get("axis", {})
    if axis is None or y.get("type") not in ("nominal", "ordinal"):
        return dict(y)
    wide = axis.get("labelLimit", 180)
    limit = f"min({_js(wide)}, max(80, round({_NARROW_Y_LABELS} * {CONTAINER})))"
    return {**y, "axis": {**axis, "labelLimit": _when_narrow(limit, wide)}}


def _legend_sides(view: Mapping[str, Any], default_orient: str) -> list[str]:
    """The side of every explicit legend of a view and its layers (one entry per legend)."""
    sides = []
    enc = view.get("encoding")
    if isinstance(enc, Mapping):
        for ch in _LEGEND_CHANNELS:
            d = enc.get(ch)
            if isinstance(d, Mapping) and isinstance(d.get("legend"), Mapping):
                sides.append(d["legend"].get("orient", default_orient))
    for layer in view.get("layer") or []:
        if isinstance(layer, Mapping):
            sides += _legend_sides(layer, default_orient)
    return sides


def _narrow_view(view: Mapping[str, Any], legend_orient: str) -> dict[str, Any]:
    """:func:`_narrow_legend`, :func:`_narrow_x` and :func:`_narrow_y` applied to a view and its
    layers."""
    out = dict(view)
    enc = view.get("encoding")
    if isinstance(enc, Mapping):
        enc = dict(enc)
        for ch in _LEGEND_CHANNELS:
            d = enc.get(ch)
            if isinstance(d, Mapping) and isinstance(d.get("legend"), Mapping):
                enc[ch] = {**d, "legend": _narrow_legend(d["legend"], legend_orient)}
        if isinstance(enc.get("x"), Mapping) and "field" in enc["x"]:
            enc["x"] = _narrow_x(enc["x"])
        if isinstance(enc.get("y"), Mapping) and "field" in enc["y"]:
            enc["y"] = _narrow_y(enc["y"])
        out["encoding"] = enc
    if isinstance(view.get("layer"), list):
        out["layer"] = [_narrow_view(v, legend_orient) if isinstance(v, Mapping) else v for v in view["layer"]]
    return out


def _narrow_title(title: Any) -> Any:
    """The title in lines for the container's width: :data:`_NARROW_TITLE_CHARS` per line centred on
    the whole chart when narrow, :data:`_TITLE_LINE_CHARS` per line as its author placed it
    otherwise; a long subtitle is broken into lines at every width."""
    params = dict(title) if isinstance(title, Mapping) else {"text": title}
    text = params.get("text", "")
    if isinstance(text, Mapping):  # already an expression
        return title
    wide = _wrap_title(text)
    narrow = _lines(text, _NARROW_TITLE_CHARS) if text else text
    if narrow != ([wide] if isinstance(wide, str) else wide):
        params["text"] = _when_narrow(_js(narrow), wide)
        params["frame"] = _when_narrow('"bounds"', params.get("frame", "group"))
    else:
        params["text"] = wide
    sub = params.get("subtitle")
    if isinstance(sub, str) and len(sub) > _SUBTITLE_CHARS:
        params["subtitle"] = _lines(sub, _SUBTITLE_CHARS)
    if set(params) == {"text"} and not isinstance(params["text"], Mapping):
        return params["text"]
    return params


def narrow_rules(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A container-sized single or layered view that also reads well in a narrow container.

    The rules depend on the container's width at display time, not on the page's: a boolean
    parameter :data:`NARROW` is true while the container is narrower than :data:`NARROW_PX` (it
    follows window resizes), and each rule is an expression ``dtao_narrow ? narrow : wide`` whose
    wide branch is the author's setting (or vega's default), so a desktop column shows the chart
    as designed:

    * legends above or below the plot: one entry per line, labels at most the plot's width
      (:func:`_narrow_legend`); legends beside it: labels of at most 100 px; two legends on one
      side are stacked if side by side they are wider than the chart (decided when the chart is
      drawn: vega's legend layout takes no expression; see :data:`_FIT_JS`);
    * log-scale x axes: a tick per 80 px (labels on powers of ten only); quantitative x labels at
      least 6 px apart; category labels of a y axis at most 42 % of the container;
    * long x-axis titles end at the plot's right end; titles wrap at 36 characters and are
      centred on the whole chart (:func:`_narrow_title`).
    """
    out = dict(spec)
    mine = (CONTAINER, SQUEEZE, NARROW)
    params = [p for p in out.get("params", []) if not (isinstance(p, Mapping) and p.get("name") in mine)]
    out["params"] = [
        *params,
        # `width` changes on every window resize: reading it makes the parameter follow resizes
        {"name": CONTAINER, "expr": "width >= 0 && isFinite(containerSize()[0]) ? containerSize()[0] : 1e4"},
        {"name": SQUEEZE, "value": False},  # set to true by the embedding script (_FIT_JS)
        {"name": NARROW, "expr": f"{SQUEEZE} || {CONTAINER} < {NARROW_PX}"},
    ]
    config = dict(out.get("config") or {})
    legend_config = dict(config.get("legend") or {})
    orient = legend_config.get("orient", "right")
    config["legend"] = _narrow_legend(legend_config, orient)
    sides = _legend_sides(out, orient)
    stacked = {side: {"direction": "vertical"} for side in ("top", "bottom") if sides.count(side) > 1}
    if stacked and "layout" not in legend_config:
        # vega puts the legends of one side in a row, which can be wider than the chart, and its
        # legend layout takes no expression: the embedding script stacks them if they do not fit
        out["usermeta"] = {**(out.get("usermeta") or {}), "dtaoStack": {"px": NARROW_PX, "legendLayout": stacked}}
    out["config"] = config
    out = _narrow_view(out, orient)
    if "title" in out:
        out["title"] = _narrow_title(out["title"])
    return out


_NARROW_LEGEND_LABEL_PX = 240
"""Label width of a legend below a stacked chart (:func:`stacked`): a phone column is 280-360 px."""

_NARROW_Y_LABEL_PX = 130
"""Label width of a y axis of categories in a stacked chart."""


def _wrapped(text: Any, width: int) -> Any:
    """``text`` (a string or a list of lines) in lines of at most ``width`` characters; other values
    (``None``, an expression) unchanged; a string that fits stays a string."""
    if isinstance(text, str) and len(text) <= width:
        return text
    if isinstance(text, (str, list)) and all(isinstance(line, str) for line in text):
        return _lines(text, width)
    return text


def _stacked_title(title: Any) -> Any:
    """A chart or panel title in lines of :data:`_NARROW_TITLE_CHARS` (subtitle: :data:`_SUBTITLE_CHARS`)."""
    if isinstance(title, Mapping):
        out = dict(title)
        if "text" in out:
            out["text"] = _wrapped(out["text"], _NARROW_TITLE_CHARS)
        if "subtitle" in out:
            out["subtitle"] = _wrapped(out["subtitle"], _SUBTITLE_CHARS)
        return out
    return _wrapped(title, _NARROW_TITLE_CHARS)


def _stacked_legend(legend: Mapping[str, Any], default_orient: str) -> dict[str, Any]:
    """A legend below or above a stacked chart, one entry per line (a legend at its side would take
    the width its panels need)."""
    out = dict(legend)
    if out.get("orient", default_orient) in ("left", "right"):
        out["orient"] = "bottom"
    if out.get("orient", "bottom") in ("top", "bottom"):
        out["columns"] = 1
        out.pop("direction", None)
        out["labelLimit"] = min(out.get("labelLimit", 160), _NARROW_LEGEND_LABEL_PX)
    if "title" in out:
        out["title"] = _wrapped(out["title"], _NARROW_TITLE_CHARS)
    return out


_NARROW_TEXT_PX = 270
"""Longest line of a text panel in a stacked chart (:func:`_wrapped_text_panel`)."""


def _wrapped_text_panel(view: dict[str, Any]) -> dict[str, Any]:
    """A text panel (a text mark at a fixed x, one line of text per category of y) whose lines are
    wrapped to :data:`_NARROW_TEXT_PX` and drawn one below the other; other views unchanged.

    The text is broken in the browser (vega's ``replace`` with a regular expression of at most
    ``n`` characters then a space, ``n`` from the font size), each piece becomes a row (``flatten``)
    numbered in the original order (``window``), and the panel's height follows the rows.
    """
    mark = view.get("mark")
    mark = {"type": mark} if isinstance(mark, str) else mark
    enc = view.get("encoding")
    if not (isinstance(mark, Mapping) and mark.get("type") == "text" and isinstance(enc, Mapping)):
        return view
    x, y, text = enc.get("x"), enc.get("y"), enc.get("text")
    if not (isinstance(x, Mapping) and "value" in x and isinstance(y, Mapping) and y.get("type") == "ordinal"
            and isinstance(y.get("field"), str) and isinstance(text, Mapping) and isinstance(text.get("field"), str)):
        return view
    size = mark.get("fontSize", 11)
    size = size if isinstance(size, int | float) and size > 0 else 11
    chars = max(20, int(_NARROW_TEXT_PX / (0.55 * size)))
    field = json.dumps(text["field"])
    transform = [
        *(view.get("transform") or []),
        {"calculate": f"split(replace(datum[{field}], regexp('(.{{1,{chars}}})( +|$)', 'g'), '$1\\n'), '\\n')",
         "as": "dtao_text"},
        {"flatten": ["dtao_text"]},
        {"filter": "datum.dtao_text !== ''"},
        {"window": [{"op": "row_number", "as": "dtao_row"}], "sort": [{"field": y["field"]}]},
    ]
    encoding = {**enc, "y": {**y, "field": "dtao_row", "sort": "ascending"},
                "text": {**text, "field": "dtao_text", "type": "nominal"}}
    return {**view, "transform": transform, "encoding": encoding, "height": {"step": round(1.4 * size)}}


def _stacked_view(view: Mapping[str, Any], legend_orient: str) -> dict[str, Any]:
    """:func:`stacked` applied to one view and everything inside it."""
    out = {("vconcat" if k == "hconcat" else k): v for k, v in view.items()}
    out = _wrapped_text_panel(out)
    if "concat" in out:
        out["columns"] = 1
    facet = out.get("facet")
    if isinstance(facet, Mapping) and set(facet) == {"column"} and isinstance(facet["column"], Mapping):
        # a wrapped facet, one panel per row, headers above in lines of at most 40 characters
        header = facet["column"].get("header") or {}
        if isinstance(header, Mapping) and "labelExpr" not in header:
            lines = "trim(replace(datum.label, regexp('(.{1,40})( +|$)', 'g'), '$1\\n'))"
            header = {**header, "labelExpr": f"split({lines}, '\\n')"}
        out["facet"] = {**facet["column"], "header": header}
        out["columns"] = 1
    for key in ("vconcat", "concat", "layer"):
        if isinstance(out.get(key), list):
            out[key] = [_stacked_view(v, legend_orient) if isinstance(v, Mapping) else v for v in out[key]]
    if isinstance(out.get("spec"), Mapping):
        out["spec"] = _stacked_view(out["spec"], legend_orient)
    if "title" in out:
        out["title"] = _stacked_title(out["title"])
    enc = out.get("encoding")
    if isinstance(enc, Mapping):
        enc = dict(enc)
        for ch in _LEGEND_CHANNELS:
            d = enc.get(ch)
            if isinstance(d, Mapping) and isinstance(d.get("legend"), Mapping):
                enc[ch] = {**d, "legend": _stacked_legend(d["legend"], legend_orient)}
        x = enc.get("x")
        if isinstance(x, Mapping):
            if isinstance(x.get("axis"), Mapping) and "title" in x["axis"]:
                enc["x"] = {**x, "axis": {**x["axis"], "title": _wrapped(x["axis"]["title"], _NARROW_TITLE_CHARS)}}
            elif "title" in x:
                enc["x"] = {**x, "title": _wrapped(x["title"], _NARROW_TITLE_CHARS)}
        y = enc.get("y")
        if isinstance(y, Mapping) and y.get("type") in ("nominal", "ordinal") and y.get("axis", {}) is not None:
            axis = dict(y.get("axis") or {})
            axis["labelLimit"] = min(axis.get("labelLimit", 180), _NARROW_Y_LABEL_PX)
            enc["y"] = {**y, "axis": axis}
        out["encoding"] = enc
    return out


def stacked(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The narrow variant of a composed chart: its panels one above the other, so that in a phone
    column each can be drawn at a readable size instead of the whole chart being scaled down.

    * side-by-side panels (``hconcat``) are stacked (``vconcat``); a ``concat`` gets one column; a
      chart faceted into columns becomes a wrapped facet of one column (headers above each panel);
    * legends beside the chart go below it, every legend above or below lists one entry per line
      with labels of at most 240 px, and several legends on one side are stacked;
    * titles wrap at 36 characters (subtitles at 50), x-axis titles too; category labels of a y
      axis take at most 130 px; facet headers and the lines of a text panel wrap at 40 characters and
      270 px (:func:`_wrapped_text_panel`).

    Everything else (data, parameters, scales and how they are shared, sizes) is the author's; the
    embedding scripts also narrow the panels of this variant until it fits its container
    (:data:`_FIT_JS`). The spec's ``datasets`` are kept as they are.
    """
    config = dict(spec.get("config") or {})
    legend = dict(config.get("legend") or {})
    orient = legend.get("orient", "right")
    legend = _stacked_legend(legend, orient)
    legend.setdefault("orient", "bottom")
    legend.setdefault("layout", {"expr": "{top: {direction: 'vertical'}, bottom: {direction: 'vertical'}}"})
    out = _stacked_view(spec, orient)
    out["config"] = {**config, "legend": legend}
    return out


def _fits(spec: Mapping[str, Any]) -> bool:
    return spec.get("width") == "container"


def chart_html(chart: alt.TopLevelMixin | Mapping[str, Any], *, div_id: str | None = None) -> str:
    """HTML for one chart: a ``div`` and the script that embeds it with vega-embed.

    ``chart`` is an altair chart or an already-built vega-lite spec dict. The chart fits its column
    at every width (:func:`responsive`, :data:`CHART_CSS`). ``div_id`` names the ``div`` (default: a
    fresh unique id).
    """
    if not isinstance(chart, alt.TopLevelMixin | Mapping):
        raise TypeError(f"chart must be an altair chart or a vega-lite spec (dict), got {type(chart).__name__}")
    if div_id is not None and (not isinstance(div_id, str) or not div_id or any(c.isspace() or c in "\"'<>&"
                                                                                   for c in div_id)):
        raise ValueError(f"div_id must be a non-empty HTML id (no spaces, quotes or <>&) or None, got {div_id!r}")
    spec = _rename_datasets(responsive(chart if isinstance(chart, Mapping) else chart.to_dict()))
    div = div_id or f"dtao-chart-{next(_ids)}-{uuid.uuid4().hex[:8]}"
    spec_json = _script_safe(json.dumps(spec, separators=(",", ":")))
    return (
        f'<style>{CHART_CSS}</style><div class="dtao-chart" id="{div}"></div>\n'
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
    from .figures._style import tidy_plain_text

    tidy_plain_text()  # floats print as 6,676.282, not 6676.281999999999 (site and Jupyter alike)
    if building_book():
        return None
    body = "\n".join(_inline_script_js(name) for name in VEGA_SCRIPTS)
    return _Html(
        f'<div class="dtao-setup" style="display:none"></div><style>{CHART_CSS}{PANEL_CSS}</style>'
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

    def __post_init__(self) -> None:
        if not (isinstance(self.static, alt.TopLevelMixin) or callable(self.static)):
            raise TypeError("static must be an altair chart or a zero-argument function building one, got "
                            f"{type(self.static).__name__} {self.static!r}")
        if self.live is not None and not callable(self.live):
            raise TypeError("live must be a zero-argument function returning a widget, or None, got "
                            f"{type(self.live).__name__} {self.live!r}")
        if not isinstance(self.title, str):
            raise TypeError(f"title must be a string, got {type(self.title).__name__} {self.title!r}")

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


def _error_message(exc: BaseException) -> str:
    """What a reader sees when a live figure cannot be computed for the chosen values."""
    if isinstance(exc, (ValueError, TypeError)) and str(exc):
        text = str(exc)  # dtao_lib's bad-input messages name the parameter and its range
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"{text} (the output below is for the last values that worked)"


class ChartSpec:
    """A vega-lite spec to show in a live panel (what :class:`~dtao_lib.figures._live.LiveChart` returns).

    In a live panel it goes to a chart view that swaps only the data when the chart's shape is
    unchanged; displayed on its own it is the same HTML as any other chart.
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        if not isinstance(spec, Mapping):
            raise TypeError(f"spec must be a vega-lite spec (a dict), got {type(spec).__name__}")
        self.spec = spec

    def _repr_html_(self) -> str:
        return chart_html(self.spec)


def _as_spec(item: Any) -> dict[str, Any] | None:
    """The vega-lite spec of a chart-like render result (``None`` for anything else)."""
    if isinstance(item, ChartSpec):
        return dict(item.spec)
    if isinstance(item, alt.TopLevelMixin):
        return item.to_dict(validate=False)
    if isinstance(item, Figure):
        return _as_spec(item.chart())
    return None


def _rename_datasets(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec with its inline datasets named ``dtao_0, dtao_1, …`` (in order).

    Two reasons: altair names datasets after a hash of their content, so without this two renders
    of the same chart with new numbers would never compare equal (see :func:`_split_datasets`);
    and vega-lite names its own derived data sources ``data_0, data_1, …``, so a dataset called
    that breaks the chart ("Duplicate data set name"). Only data references are renamed
    (``{"data": {"name": …}}`` anywhere, lookups included), never a field or a text.
    """
    datasets = spec.get("datasets") or {}
    if not datasets:
        return dict(spec)
    names = {old: f"dtao_{i}" for i, old in enumerate(datasets)}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "data" and isinstance(v, dict) and v.get("name") in names:
                    v = {**v, "name": names[v["name"]]}
                out[k] = walk(v)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk({k: v for k, v in spec.items() if k != "datasets"})
    out["datasets"] = {names[k]: v for k, v in datasets.items()}
    return out


def _split_datasets(spec: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Split a spec into what a drawn view can take without being rebuilt and the rest.

    Returns the shape (canonical JSON of the spec without its data and without the values of its
    top-level variable parameters), the spec without its data, the data under stable names
    (:func:`_rename_datasets`) and the parameter values (vega signals of the same names). Two
    renders with equal shapes differ only in data and signal values, which the chart view swaps
    into the drawn view.
    """
    renamed = _rename_datasets(spec)
    datasets = renamed.pop("datasets", {})
    signals = {p["name"]: p["value"] for p in renamed.get("params", [])
               if "value" in p and "select" not in p and "views" not in p and p["name"] != SQUEEZE}
    shape = {**renamed, "params": [{k: v for k, v in p.items() if not (k == "value" and p["name"] in signals)}
                                   for p in renamed["params"]]} if signals else renamed
    return json.dumps(shape, sort_keys=True, separators=(",", ":")), renamed, datasets, signals


# The front end of a live chart (an anywidget ES module). vega comes from dtao_lib.interactive.setup()
# (inlined, offline); without it (setup() not run, or an output sandbox of its own such as Colab's)
# the module falls back to the CDN.
_CHART_ESM = r"""
const CDN = "https://cdn.jsdelivr.net/npm/vega-embed@__EMBED__/+esm";
__FIT__
function libraryReady() {
  return new Promise((resolve, reject) => {
    let n = 0;
    (function poll() {
      if (globalThis.vegaEmbed) return resolve(globalThis.vegaEmbed);
      if (++n > 60) return import(CDN).then(m => resolve(m.default), () => reject(new Error(
        "Could not load the chart library: run dtao_lib.interactive.setup() first.")));
      setTimeout(poll, 50);
    })();
  });
}
function render({ model, el }) {
  const div = document.createElement("div");
  div.className = "dtao-chart dtao-live-chart";
  el.appendChild(div);
  let view = null, spec = null, pending = Promise.resolve();
  let received = 0;
  function countMarks(node) {  // data-driven mark items drawn (what the browser tests check)
    let n = node && node.role === "mark" && node.marktype !== "group" ? (node.items || []).length : 0;
    for (const child of (node && node.items) || []) n += countMarks(child);
    return n;
  }
  function done() {
    div.dataset.marks = String(countMarks(view.scenegraph().root));
    div.dataset.received = String(received);  // when the new data arrived (performance.now())
    div.dataset.revision = String(model.get("revision"));
  }
  async function update() {
    received = performance.now();
    const next = model.get("spec"), data = model.get("datasets");
    if (view && next === spec) {
      for (const [name, rows] of Object.entries(data)) view.data(name, rows);
      for (const [name, value] of Object.entries(model.get("signals"))) view.signal(name, value);
      await view.runAsync();
      return done();
    }
    const embed = await libraryReady();
    div.classList.toggle("dtao-fit", next.width === "container");
    const narrow = next.usermeta && next.usermeta.dtaoStack && div.clientWidth < next.usermeta.dtaoStack.px;
    const full = { ...next, datasets: data }, options = model.get("options");
    if (view) view.finalize();
    view = null;
    let res = await embed(div, { ...((narrow && dtaoStacked(next)) || next), datasets: data }, options);
    res = await dtaoFitComposed(embed, div, full, options, res);
    view = res.view; spec = next;
    (globalThis.dtaoViews = globalThis.dtaoViews || []).push(view);
    done();
  }
  function queue() {
    pending = pending.then(update).catch(err => {
      div.innerText = "Chart error: " + (err && err.message ? err.message : err);
      console.error(err);
    });
  }
  model.on("change:revision", queue);
  queue();
  return () => { if (view) view.finalize(); };
}
export default { render };
""".replace("__EMBED__", alt.VEGAEMBED_VERSION.split(".")[0]).replace("__FIT__", _FIT_JS)


@cache
def _chart_view_class() -> type:
    """The live chart widget class (built on first use: importing anywidget costs time)."""
    import anywidget
    import traitlets

    class ChartView(anywidget.AnyWidget):
        """A vega-lite chart in a live panel; :meth:`show` swaps the data when the shape is unchanged."""

        _esm = _CHART_ESM
        _css = CHART_CSS + PANEL_CSS
        spec = traitlets.Dict().tag(sync=True)
        datasets = traitlets.Dict().tag(sync=True)
        signals = traitlets.Dict().tag(sync=True)
        # canvas: a data swap redraws in a fraction of the SVG renderer's time (measured with
        # benchmarks/jupyter_latency.py); the site keeps SVG.
        options = traitlets.Dict({**EMBED_OPTIONS, "renderer": "canvas"}).tag(sync=True)
        revision = traitlets.Int(0).tag(sync=True)

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._shape = ""

        def show(self, prepared: tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]) -> None:
            shape, spec, datasets, signals = prepared
            with self.hold_sync():
                if shape != self._shape:
                    self.spec, self._shape = spec, shape
                self.datasets = datasets
                self.signals = signals
                self.revision += 1

    return ChartView


def _prepare(item: Any) -> tuple[str, Any]:
    """Turn one render result into what its output slot shows, before anything on screen changes.

    Returns ``("chart", (shape, spec, datasets, signals))`` or ``("output", display_data)``.
    """
    spec = _as_spec(item)
    if spec is not None:
        return "chart", _split_datasets(responsive(spec))
    return "output", {"output_type": "display_data", **_bundle(item)}


_REPRS = (("_repr_html_", "text/html"), ("_repr_markdown_", "text/markdown"),
          ("_repr_latex_", "text/latex"), ("_repr_svg_", "image/svg+xml"))


def _bundle(item: Any) -> dict[str, Any]:
    """Jupyter display data for ``item``, computed now; a failing ``_repr_*_`` raises here.

    (IPython's own formatter would print the traceback and show a partial result instead.)
    """
    data: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    method = getattr(item, "_repr_mimebundle_", None)
    if callable(method):
        bundle = method()
        data, metadata = (bundle[0], bundle[1] or {}) if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data)
    else:
        for name, mime in _REPRS:
            method = getattr(item, name, None)
            value = method() if callable(method) else None
            if value is not None:
                data[mime] = value
    data.setdefault("text/plain", repr(item))
    return {"data": data, "metadata": metadata}


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
        :class:`ChartSpec`, a DataFrame or Styler, a :class:`Figure`, a tuple of those...). It
        should only call ``dtao_lib``.
    layout
        ``"vertical"`` (controls above the output) or ``"horizontal"`` (controls on the left).

    Notes
    -----
    Each item of the result has its own output slot. Charts go to a chart view that, when the
    chart has the same shape as before, receives only the new data (the view redraws in place,
    no re-embedding); other items are replaced whole.

    Widgets never show a traceback: if ``render`` raises *anything* (a ``ValueError`` from
    ``dtao_lib`` naming the bad parameter, an ``OverflowError`` from ``1e308`` in a number box, a
    ``KeyError``...), or its result cannot be displayed, the message is shown in a red box and
    every slot keeps its last good output: all items are computed and prepared before the first
    slot changes, so nothing half-updates. While a computation runs, the panel carries the CSS
    class ``dtao-busy`` (dimmed by :func:`setup`'s style after 0.2 s).
    """
    if not isinstance(controls, Mapping):
        raise TypeError(f"controls must be a mapping of render's keyword names to widgets, got "
                        f"{type(controls).__name__}")
    for name, w in controls.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"controls: keys must be render's keyword names, got {name!r}")
        if not (hasattr(w, "value") and callable(getattr(w, "observe", None))):
            raise TypeError(f"controls[{name!r}] must be an ipywidgets value widget (with .value and .observe), "
                            f"got {type(w).__name__}")
    if not callable(render):
        raise TypeError(f"render must be a function of the control values, got {type(render).__name__} {render!r}")
    check_choice("layout", layout, ("vertical", "horizontal"))
    import ipywidgets as widgets

    err = widgets.HTML(value="")
    slots = widgets.VBox(layout=widgets.Layout(width="100%"))
    slots.add_class("dtao-out")
    kinds: list[str] = []

    def update(*_: Any) -> None:
        panel.add_class("dtao-busy")
        try:
            values = {name: w.value for name, w in controls.items()}
            result = render(**values)
            items = result if isinstance(result, tuple) else (result,)
            prepared = [_prepare(item) for item in items]
        except Exception as exc:  # every failure becomes a message, never a traceback
            err.value = _error_box(_error_message(exc))
            panel.remove_class("dtao-busy")
            return
        new_kinds = [kind for kind, _ in prepared]
        if new_kinds != kinds:
            children = []
            for kind in new_kinds:
                children.append(_chart_view_class()() if kind == "chart" else widgets.Output())
            slots.children = tuple(children)
            kinds[:] = new_kinds
        for slot, (kind, payload) in zip(slots.children, prepared, strict=True):
            if kind == "chart":
                slot.show(payload)
            else:
                slot.outputs = (payload,)
        err.value = ""
        panel.remove_class("dtao-busy")

    for w in controls.values():
        w.observe(update, names="value")
    boxes = list(controls.values())
    if layout == "horizontal":
        panel = widgets.HBox([widgets.VBox(boxes), widgets.VBox([err, slots], layout=widgets.Layout(flex="1"))],
                             layout=widgets.Layout(flex_flow="row wrap"))
    else:
        panel = widgets.VBox([widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap")), err, slots])
    panel.add_class("dtao-panel")
    update()
    return panel
