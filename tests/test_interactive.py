"""The interactive-figure mechanism (dtao_lib.interactive) and the vendored JavaScript."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import traitlets

from dtao_lib import interactive
from dtao_lib.figures._live import live_figures
from dtao_lib.interactive import BUILD_ENV, Figure

VENDOR = Path(interactive.__file__).resolve().parent / "_vendor"


def _chart():
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")


def test_vendored_versions_match_altair():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    pk = manifest["packages"]
    assert pk["vega-lite"] == alt.VEGALITE_VERSION
    assert pk["vega"].split(".")[0] == alt.VEGA_VERSION.split(".")[0]
    assert pk["vega-embed"].split(".")[0] == alt.VEGAEMBED_VERSION.split(".")[0]
    assert f'"{alt.VEGALITE_VERSION}"' in (VENDOR / "vega-lite.min.js").read_text()[:400]


def test_vendored_files_match_manifest():
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    for rel, digest in manifest["sha256"].items():
        assert hashlib.sha256((VENDOR / rel).read_bytes()).hexdigest() == digest, rel
    for lic in ("vega", "vega-lite", "vega-embed", "mathjax"):
        assert (VENDOR / "licenses" / f"{lic}-LICENSE").exists()


def test_chart_html_embeds_without_a_cdn_when_vega_is_present():
    html = interactive.chart_html(_chart())
    assert 'class="dtao-chart"' in html
    assert "vegaEmbed(" in html
    assert "if (window.vegaEmbed) { embed(); return; }" in html  # CDN only as a fallback
    assert "</script" not in html.split("<script", 1)[1].rsplit("</script>", 1)[0]


def test_build_mode_shows_only_the_static_face(monkeypatch):
    calls = []
    fig = Figure(static=_chart(), live=lambda: calls.append(1))
    monkeypatch.setenv(BUILD_ENV, "1")
    bundle = fig._repr_mimebundle_()
    assert "text/html" in bundle
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert calls == []  # the live panel is never built during a book build
    assert interactive.setup() is None


def test_without_a_kernel_the_static_face_is_shown(monkeypatch):
    monkeypatch.delenv(BUILD_ENV, raising=False)
    fig = Figure(static=_chart, live=lambda: pytest.fail("no kernel: live face must not be built"))
    assert "vegaEmbed(" in fig._repr_mimebundle_()["text/html"]


def test_live_face_in_a_kernel(monkeypatch):
    import ipywidgets as w

    monkeypatch.delenv(BUILD_ENV, raising=False)
    monkeypatch.setattr(interactive, "_in_kernel", lambda: True)
    fig = Figure(static=lambda: pytest.fail("static face must not be built live"), live=lambda: w.IntSlider())
    bundle = fig._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_setup_inlines_the_vendored_scripts_unchanged(monkeypatch):
    """Each vendored script is carried as a JSON string that decodes to the file byte for byte (no
    `</` rewritten inside the code: vega's regular expressions such as `/</g` must survive), and
    nothing in the <script> element can close it early."""
    import re

    monkeypatch.delenv(BUILD_ENV, raising=False)
    html = interactive.setup()._repr_html_()
    assert "jsdelivr" not in html
    body = html.split("<script", 1)[1].split(">", 1)[1].rsplit("</script>", 1)[0]
    assert "</script" not in body.lower()
    assert "<!--" not in body
    literals = re.findall(r'Function\("define", "exports", "module", (".*?[^\\]")\)\.call\(window\);', body, re.S)
    assert len(literals) == 3
    for name, literal in zip(interactive.VEGA_SCRIPTS, literals, strict=True):
        assert json.loads(literal) == (VENDOR / name).read_text(encoding="utf-8"), name


def test_script_safe_keeps_json_values():
    value = {"a": "</script><!-- x </b", "b": ["/</g"]}
    text = interactive._script_safe(json.dumps(value))
    assert "</" not in text
    assert "<!--" not in text
    assert json.loads(text) == value


def _slots(panel):
    """The output slots of a live panel (the VBox after the error line)."""
    return panel.children[2].children


def _snapshot(panel):
    """What the panel's slots show: chart spec/data/revision or the output bundles."""
    return [
        (json.dumps(c.spec, sort_keys=True), json.dumps(c.datasets, sort_keys=True), c.revision)
        if hasattr(c, "revision") else c.outputs
        for c in _slots(panel)
    ]


def test_live_panel_shows_errors_and_keeps_the_last_output():
    import ipywidgets as w

    x = w.IntSlider(value=1, min=-5, max=5)

    def render(x):
        if x < 0:
            raise ValueError(f"x must be >= 0, got {x}")
        return f"x = {x}"

    panel = interactive.live_panel({"x": x}, render)
    err = panel.children[1]
    good = _snapshot(panel)
    assert "x = 1" in good[0][0]["data"]["text/plain"]
    x.value = -2
    assert "x must be &gt;= 0" in err.value
    assert _snapshot(panel) == good  # nothing half-updated
    x.value = 3
    assert err.value == ""
    assert "x = 3" in _snapshot(panel)[0][0]["data"]["text/plain"]


@pytest.mark.parametrize("exc", [OverflowError("int too large to convert to float"), KeyError("nope"),
                                 ZeroDivisionError("division by zero"), RuntimeError()])
def test_live_panel_catches_any_exception(exc):
    """Whatever a callback raises becomes a message; the last good output stays."""
    import ipywidgets as w

    x = w.FloatText(value=1.0)

    def render(x):
        if x > 1e300:
            raise exc
        return f"x = {x}"

    panel = interactive.live_panel({"x": x}, render)
    good = _snapshot(panel)
    x.value = 1e308  # the setter would raise here if the exception escaped the panel
    assert "dtao-error" in panel.children[1].value
    assert type(exc).__name__ in panel.children[1].value or str(exc) in panel.children[1].value
    assert "Traceback" not in panel.children[1].value
    assert _snapshot(panel) == good
    assert "dtao-busy" not in panel._dom_classes


def test_live_panel_never_half_updates_when_an_item_cannot_be_shown():
    """If the second item of a result cannot be displayed, the first slot keeps its old output too."""
    import ipywidgets as w

    class Broken:
        def _repr_html_(self):
            raise KeyError("column")

    x = w.IntSlider(value=1, min=0, max=5)
    panel = interactive.live_panel({"x": x}, lambda x: (f"x = {x}", Broken() if x == 4 else f"{x}²"))
    good = _snapshot(panel)
    x.value = 4
    assert "KeyError" in panel.children[1].value
    assert _snapshot(panel) == good


def test_live_chart_swaps_data_when_the_shape_is_unchanged():
    """Same chart, new numbers: only the data travel (no new spec, no re-embed); a new shape sends a new spec."""
    import ipywidgets as w

    k = w.IntSlider(value=1, min=1, max=5)

    def render(k):
        df = pd.DataFrame({"x": [1, 2, 3], "y": [k, 2 * k, 3 * k]})
        chart = alt.Chart(df).mark_line().encode(x="x", y="y")
        return chart if k < 5 else chart.mark_point()

    panel = interactive.live_panel({"k": k}, render)
    view = _slots(panel)[0]
    spec, rev = view.spec, view.revision
    assert "datasets" not in spec
    [(name, rows)] = view.datasets.items()
    assert rows[0]["y"] == 1
    k.value = 3
    assert view is _slots(panel)[0]
    assert view.spec is spec  # unchanged: the front end swaps data into the drawn view
    assert view.revision == rev + 1
    assert view.datasets[name][2]["y"] == 9
    k.value = 5
    assert view.spec != spec  # another mark: the chart is rebuilt
    assert view.spec["mark"]["type"] == "point"


def _trial_values(widget):
    """Values a reader can put in ``widget``: every option; the ends of a bounded range; extremes
    and junk for free number and text boxes."""
    import ipywidgets as w

    if isinstance(widget, w.widgets.widget_selection._Selection):
        return [v for v in widget._options_values]
    if isinstance(widget, w.Checkbox | w.ToggleButton):
        return [True, False]
    if hasattr(widget, "min") and hasattr(widget, "max"):
        return [widget.min, widget.max]
    if isinstance(widget, w.IntText):
        return [0, -1, 2**63, -(2**63), 10**30]
    if isinstance(widget, w.FloatText):
        return [0.0, -1.0, 1e308, -1e308, 5e-324, float("nan"), float("inf")]
    if isinstance(widget, w.Text | w.Textarea):
        return ["", "garbage", "1e308", "-1"]
    raise AssertionError(f"no trial values for {type(widget).__name__}; add them here")


def _controls(panel):
    """Every value widget of a panel, found by walking its boxes (the slots excluded)."""
    import ipywidgets as w

    found = []

    def walk(node):
        if isinstance(node, w.Box):
            for child in node.children:
                walk(child)
        elif isinstance(node, w.ValueWidget) and not isinstance(node, w.HTML | w.Output):
            found.append(node)

    walk(panel.children[0])
    return found


LIVE = live_figures()


def test_every_live_figure_is_found():
    """The registry scan finds the live figures the chapters use."""
    assert len(LIVE) >= 20
    import re

    used = set()
    for nb in sorted((Path(interactive.__file__).parents[1] / "chapters").glob("*.ipynb")):
        src = "".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
        used |= {f"{m}.{f}" for m, f in re.findall(r"figures\.(\w+)\.(\w+)\(", src)}
    missing = {u for u in used if u in LIVE} - set(LIVE)
    assert not missing


@pytest.mark.parametrize("name", sorted(LIVE))
def test_live_figure_survives_extreme_and_invalid_values(name, monkeypatch):
    """Feed every control of every live figure its extremes and junk: no exception escapes, the
    panel shows a message or a new output, never an empty or half-updated one, and it recovers."""
    monkeypatch.delenv(BUILD_ENV, raising=False)
    panel = LIVE[name].live()
    err = panel.children[1]
    assert err.value == "", f"{name}: the default values fail: {err.value}"
    controls = _controls(panel)
    assert controls, f"{name}: no controls found"
    for control in controls:
        default = control.value
        for value in _trial_values(control):
            before = _snapshot(panel)
            try:
                control.value = value
            except traitlets.TraitError:  # the widget itself refused the value: that is fine
                continue
            assert _slots(panel), f"{name}: no output after {control.description}={value!r}"
            if err.value:
                assert "Traceback" not in err.value
                assert _snapshot(panel) == before, f"{name}: half-updated after {control.description}={value!r}"
        control.value = default
        assert err.value == "", f"{name}: does not recover after {control.description}: {err.value}"


def test_dataset_names_cannot_clash_with_vega_lite_sources():
    """vega-lite calls its own data sources data_0, data_1…: a dataset of that name must be renamed
    (in every data reference, lookups included), and nothing else in the spec is touched."""
    spec = {
        "datasets": {"data_0": [{"data_0": 1}], "epoch": [{"x": 2}]},
        "vconcat": [
            {"data": {"name": "data_0"}, "mark": "point", "title": "data_0",
             "encoding": {"x": {"field": "data_0", "type": "quantitative"}}},
            {"data": {"name": "epoch"}, "mark": "line",
             "transform": [{"lookup": "x", "from": {"data": {"name": "data_0"}, "key": "data_0"}}]},
        ],
    }
    out = interactive._rename_datasets(spec)
    assert set(out["datasets"]) == {"dtao_0", "dtao_1"}
    assert out["datasets"]["dtao_0"] == [{"data_0": 1}]
    top, bottom = out["vconcat"]
    assert top["data"] == {"name": "dtao_0"}
    assert top["title"] == "data_0"
    assert top["encoding"]["x"]["field"] == "data_0"
    assert bottom["data"] == {"name": "dtao_1"}
    assert bottom["transform"][0]["from"] == {"data": {"name": "dtao_0"}, "key": "data_0"}
    assert '"dtao_0"' in interactive.chart_html(spec)


def test_live_chart_swaps_parameter_values_without_a_rebuild():
    """A new value of a top-level variable parameter travels as a signal, not as a new spec."""
    import ipywidgets as w

    k = w.IntSlider(value=1, min=1, max=5)
    df = pd.DataFrame({"x": [1, 2, 3], "y": [1, 2, 3]})

    def render(k):
        now = alt.param(name="now", value=k)
        return alt.Chart(df).mark_point().encode(x="x", y="y", opacity=alt.condition(
            alt.datum.x == now, alt.value(1), alt.value(0.3))).add_params(now)

    panel = interactive.live_panel({"k": k}, render)
    view = _slots(panel)[0]
    spec = view.spec
    assert view.signals == {"now": 1}
    k.value = 2
    assert view.spec is spec
    assert view.signals == {"now": 2}


def _branches(ref):
    """(narrow, wide) of a ``dtao_narrow ? narrow : wide`` ExprRef whose branches are JSON literals."""
    prefix = f"{interactive.NARROW} ? "
    expr = ref["expr"]
    assert expr.startswith(prefix), expr
    dec = json.JSONDecoder()
    narrow, end = dec.raw_decode(expr, len(prefix))
    assert expr[end:end + 3] == " : ", expr
    wide, end = dec.raw_decode(expr, end + 3)
    assert end == len(expr), expr
    return narrow, wide


def _wide(ref):
    """The wide branch of a ``dtao_narrow ? <expression> : <JSON literal>`` ExprRef."""
    return json.loads(ref["expr"].rsplit(" : ", 1)[1])


def _valid(spec):
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    validate_jsonschema(spec, load_schema())


def test_long_titles_wrap_for_narrow_columns():
    """A container-sized chart's long title becomes lines (vega-lite draws a list as lines), so a phone
    column does not cut it off: short lines, centred on the whole chart, in a narrow container; the
    desktop lines otherwise. Short titles and other properties are kept."""
    long = "The emission gate on the 2026-04-11 network (counterfactual; bar at the N-th share)"
    spec = interactive.responsive({"mark": "point", "title": long})
    narrow, wide = _branches(spec["title"]["text"])
    assert len(narrow) > len(wide) > 1
    assert all(len(line) <= interactive._NARROW_TITLE_CHARS for line in narrow)
    assert all(len(line) <= interactive._TITLE_LINE_CHARS for line in wide)
    assert " ".join(narrow) == " ".join(wide) == long
    assert _branches(spec["title"]["frame"]) == ("bounds", "group")
    styled = interactive.responsive({"mark": "point", "title": {"text": long, "fontSize": 12}})
    assert styled["title"]["fontSize"] == 12
    assert " ".join(_branches(styled["title"]["text"])[0]) == long
    assert interactive.responsive({"mark": "point", "title": "short"})["title"] == "short"
    sub = "At w2 = 50 % all four curves are the same line; move the slider to change the Balancer pool"
    subbed = interactive.responsive({"mark": "point", "title": {"text": "short", "subtitle": sub}})
    assert subbed["title"]["text"] == "short"
    assert " ".join(subbed["title"]["subtitle"]) == sub
    assert all(len(line) <= interactive._SUBTITLE_CHARS for line in subbed["title"]["subtitle"])
    _valid({**spec, "data": {"values": []}})


# ---------------------------------------------------------------------------------------------
# Bad input (issue 16): callables, specs and choices are checked when the figure is built
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "name"), [
    ({"static": "not a chart"}, "static"), ({"static": _chart(), "live": "not callable"}, "live"),
    ({"static": _chart(), "title": 3}, "title"),
])
def test_figure_rejects_non_callables(kwargs, name):
    with pytest.raises(TypeError, match=name):
        Figure(**kwargs)


def test_figure_accepts_a_chart_or_a_builder():
    assert Figure(static=_chart).chart().to_dict()["mark"]["type"] == "line"
    assert Figure(static=_chart(), live=lambda: None, title="t").title == "t"


def test_live_panel_rejects_bad_arguments():
    import ipywidgets as w

    slider = w.IntSlider(value=1)
    with pytest.raises(TypeError, match="render"):
        interactive.live_panel({"x": slider}, "not a function")
    with pytest.raises(ValueError, match=r"layout must be one of 'vertical', 'horizontal'"):
        interactive.live_panel({"x": slider}, lambda x: x, layout="diagonal")
    with pytest.raises(TypeError, match=r"controls\['x'\]"):
        interactive.live_panel({"x": 1}, lambda x: x)
    with pytest.raises(TypeError, match="controls"):
        interactive.live_panel([slider], lambda x: x)


def test_chart_html_and_chart_spec_reject_non_specs():
    with pytest.raises(TypeError, match="chart"):
        interactive.chart_html("<div>")
    with pytest.raises(ValueError, match="div_id"):
        interactive.chart_html(_chart(), div_id='x" onload="')
    with pytest.raises(TypeError, match="spec"):
        interactive.ChartSpec([1, 2])
    assert 'id="my-chart"' in interactive.chart_html(_chart(), div_id="my-chart")


def _legend_chart():
    df = pd.DataFrame({"x": [1.0, 10.0, 100.0], "y": ["a", "b", "c"], "k": ["p", "q", "r"]})
    base = alt.Chart(df).encode(x=alt.X("x:Q", scale=alt.Scale(type="log"), title="t" * 60), y="y:N")
    return alt.layer(
        base.mark_point().encode(color=alt.Color("k:N", legend=alt.Legend(orient="bottom", columns=5))),
        base.mark_line().encode(strokeDash=alt.StrokeDash("k:N", legend=alt.Legend(orient="bottom", labelLimit=320)),
                                shape=alt.Shape("k:N", legend=alt.Legend(orient="right"))),
        title="A chart",
    )


def test_narrow_rules_fit_legends_and_axes_and_keep_the_desktop_layout():
    """In a narrow container a legend above or below the plot has one entry per line and labels no
    wider than the plot, a log x axis has a tick per 80 px, y categories take at most 42 % of the
    container; in a wide one every setting is the author's (or vega's default), so desktop charts
    are unchanged. The spec stays valid vega-lite and the input is not modified."""
    chart = _legend_chart()
    original = chart.to_dict()
    spec = interactive.responsive(original)
    assert chart.to_dict() == original
    _valid(spec)
    params = {p["name"]: p.get("expr") for p in spec["params"]}
    assert params[interactive.NARROW] == (f"{interactive.SQUEEZE} || "
                                          f"{interactive.CONTAINER} < {interactive.NARROW_PX}")
    squeeze = next(p for p in spec["params"] if p["name"] == interactive.SQUEEZE)
    assert squeeze == {"name": interactive.SQUEEZE, "value": False}  # until the script finds text outside
    assert "containerSize()[0]" in params[interactive.CONTAINER]
    assert "width" in params[interactive.CONTAINER]  # re-evaluated when the window is resized
    points, lines = spec["layer"]
    color = points["encoding"]["color"]["legend"]
    assert color["orient"] == "bottom"
    assert _branches(color["columns"]) == (1, 5)
    assert color["labelLimit"]["expr"].startswith(f"{interactive.NARROW} ? max(60, width - 30) : ")
    assert _wide(color["labelLimit"]) == 160
    dash = lines["encoding"]["strokeDash"]["legend"]
    assert _branches(dash["columns"]) == (1, 0)  # 0: vega's single row for a horizontal legend
    assert _wide(dash["labelLimit"]) == 320
    side = lines["encoding"]["shape"]["legend"]
    assert "columns" not in side
    assert side["labelLimit"]["expr"] == f"{interactive.NARROW} ? min(160, 100) : 160"
    x = points["encoding"]["x"]["axis"]
    assert x["tickCount"]["expr"] == f"{interactive.NARROW} ? ceil(width / 80) : 10"
    assert x["title"] == ["t" * 44, "t" * 16]
    assert _branches(x["titleAnchor"]) == ("end", "middle")
    assert _branches(x["labelSeparation"]) == (6, 0)
    y = points["encoding"]["y"]["axis"]
    assert y["labelLimit"]["expr"] == (f"{interactive.NARROW} ? min(180, max(80, round(0.42 * "
                                       f"{interactive.CONTAINER}))) : 180")
    assert spec["usermeta"]["dtaoStack"]["legendLayout"] == {"bottom": {"direction": "vertical"}}
    again = interactive.responsive(spec)  # idempotent: a container-sized spec is left as it is
    assert again == spec


def test_narrow_rules_leave_composed_charts_and_hidden_axes_alone():
    """Concatenated charts keep their layout (a desktop column scales them by CSS) and only carry their
    stacked variant for narrow containers; ``legend=None``/``axis=None`` stay."""
    df = pd.DataFrame({"x": [1, 2], "y": [1, 2], "k": ["a", "b"]})
    c = alt.Chart(df).mark_point().encode(x=alt.X("x:Q", axis=None), y="y:Q",
                                          color=alt.Color("k:N", legend=None))
    original = alt.vconcat(c, c).to_dict()
    spec = interactive.responsive(original)
    assert {k: v for k, v in spec.items() if k != "usermeta"} == original
    assert set(spec["usermeta"]) == {"dtaoNarrow"}
    enc = interactive.responsive(c.to_dict())["encoding"]
    assert enc["x"]["axis"] is None
    assert enc["color"]["legend"] is None


def test_chart_html_stacks_overflowing_legends_when_drawn():
    """The embedding script (and the live view's) knows how to redraw a chart with its legends
    stacked, and to switch a chart whose text does not fit to the narrow layout; the spec says how.
    (What it does in a browser: tests/browser/test_site.py::test_chart_text_stays_inside_the_chart.)"""
    html = interactive.chart_html(_legend_chart())
    assert "dtaoTextOverflows(el)" in html
    assert f'signal("{interactive.SQUEEZE}", true)' in html
    assert "dtaoStacked(spec)" in html
    assert '"dtaoStack"' in html
    assert "dtaoStacked(next)" in interactive._CHART_ESM


def _composed_chart():
    """Two panels side by side (a side legend, a long title, a long x title, long y categories) above
    a text panel, and the input of a faceted chart."""
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": ["a" * 40, "b", "c"], "k": ["p", "q", "r"]})
    left = alt.Chart(df).mark_point().encode(
        x=alt.X("x:Q", title="a rather long x-axis title that needs two lines"), y="y:N",
        color=alt.Color("k:N", legend=alt.Legend(orient="right", title="kind of thing")),
    ).properties(width=280, height=150, title="The left panel has a long title of 50 characters")
    right = alt.Chart(df).mark_line().encode(
        x="x:Q", y="x:Q", strokeDash=alt.StrokeDash("k:N", legend=alt.Legend(orient="top", columns=3)),
    ).properties(width=280, height=150)
    text = alt.Chart(pd.DataFrame({"line": [0, 1], "text": ["word " * 30, "short"]})).mark_text(
        align="left", fontSize=12).encode(x=alt.value(0), y=alt.Y("line:O", axis=None), text="text:N",
                                          ).properties(width=600, height=40)
    slider = alt.param(name="s", value=1, bind=alt.binding_range(min=0, max=2, step=1))
    return alt.vconcat(alt.hconcat(left, right, spacing=20), text, title="t" * 70).add_params(slider)


def test_stacked_variant_puts_panels_one_above_the_other():
    """The narrow variant of a composed chart: side-by-side panels stacked, a facet in columns wrapped
    into one column, legends below in one column, titles in lines of 36 characters, y categories at
    most 130 px; data, parameters, sizes and spacing are the author's. Valid vega-lite; the input
    is not modified."""
    original = _composed_chart().to_dict()
    frozen = json.dumps(original, sort_keys=True)
    narrow = interactive.stacked(original)
    assert json.dumps(original, sort_keys=True) == frozen
    _valid(narrow)
    assert narrow["datasets"] == original["datasets"]
    assert narrow["params"] == original["params"]
    inner = narrow["vconcat"][0]
    assert "hconcat" not in inner
    assert inner["spacing"] == 20
    left, right = inner["vconcat"]
    assert (left["width"], right["width"]) == (280, 280)
    assert narrow["title"] == ["t" * 36, "t" * 34]
    assert left["title"] == ["The left panel has a long title of", "50 characters"]
    legend = left["encoding"]["color"]["legend"]
    assert legend == {"orient": "bottom", "columns": 1, "labelLimit": 160, "title": "kind of thing"}
    assert right["encoding"]["strokeDash"]["legend"] == {"orient": "top", "columns": 1, "labelLimit": 160}
    assert left["encoding"]["x"]["title"] == ["a rather long x-axis title that", "needs two lines"]
    assert left["encoding"]["y"]["axis"] == {"labelLimit": 130}
    config = narrow["config"]["legend"]
    assert config["orient"] == "bottom"
    assert config["columns"] == 1
    assert config["layout"] == {"expr": "{top: {direction: 'vertical'}, bottom: {direction: 'vertical'}}"}

    df = pd.DataFrame({"x": [1, 2], "y": [1, 2], "g": ["a", "b"]})
    facet = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q").properties(width=280).facet(column="g:N")
    wrapped = interactive.stacked(facet.to_dict())
    _valid(wrapped)
    header = wrapped["facet"].pop("header")
    assert wrapped["facet"] == facet.to_dict()["facet"]["column"]
    assert header == {"labelExpr": "split(trim(replace(datum.label, regexp('(.{1,40})( +|$)', 'g'), '$1\\n')), '\\n')"}
    assert wrapped["columns"] == 1
    assert wrapped["spec"]["width"] == 280
    two_rows = alt.Chart(df).mark_point().encode(x="x:Q").facet(row="g:N", column="g:N").to_dict()
    assert interactive.stacked(two_rows)["facet"] == two_rows["facet"]  # a grid stays a grid


def test_stacked_text_panel_wraps_its_lines():
    """A text panel (text at a fixed x, one line per y category) of a stacked chart breaks each line
    in the browser into pieces of at most n characters (n from the 12 px font: 270 px / 6.6 px),
    one row each, in the original order; its height follows the rows."""
    import re

    text = interactive.stacked(_composed_chart().to_dict())["vconcat"][1]
    _valid({**interactive.stacked(_composed_chart().to_dict()), "vconcat": [text]})
    calc, flatten, drop, number = text["transform"][-4:]
    assert flatten == {"flatten": ["dtao_text"]}
    assert drop == {"filter": "datum.dtao_text !== ''"}
    assert number == {"window": [{"op": "row_number", "as": "dtao_row"}], "sort": [{"field": "line"}]}
    assert text["encoding"]["y"]["field"] == "dtao_row"
    assert text["encoding"]["text"]["field"] == "dtao_text"
    assert text["height"] == {"step": 17}
    # the expression as vega evaluates it (JavaScript's replace/split; the same in Python's re here)
    pattern = re.search(r"regexp\('(.*?)', 'g'\)", calc["calculate"]).group(1)
    assert pattern == "(.{1,40})( +|$)"
    assert "'$1\\n'" in calc["calculate"]
    pieces = [p for p in re.sub(pattern, "\\1\n", "word " * 30).split("\n") if p]
    assert all(len(p) <= 40 for p in pieces)
    assert " ".join(pieces).split() == ["word"] * 30


def test_composed_chart_html_ships_its_stacked_variant():
    """A composed chart's HTML carries its stacked variant (without a second copy of the data, its data
    references renamed like the chart's), and both embedding scripts draw it in a narrow container
    where the chart would be scaled down. (What it does in a browser:
    tests/browser/test_site.py::test_chart_text_is_readable_on_a_phone.)"""
    chart = _composed_chart()
    spec = interactive.responsive(chart.to_dict())
    assert spec["usermeta"]["dtaoNarrow"] == {k: v for k, v in interactive.stacked(chart.to_dict()).items()
                                              if k not in ("datasets", "$schema")}
    assert interactive.responsive(spec) == spec  # idempotent
    html = interactive.chart_html(chart)
    embedded = json.loads(html.split("var spec = ", 1)[1].split(";\n", 1)[0].replace("<\\/", "</"))
    body = json.dumps(embedded["usermeta"]["dtaoNarrow"])
    assert '"datasets"' not in body
    assert '"name": "dtao_0"' in body
    assert "dtaoFitComposed(vegaEmbed, el, spec, opts, res)" in html
    assert "dtaoFitComposed(embed, div, full, options, res)" in interactive._CHART_ESM
    assert f"dtaoRoom(el) < {interactive.NARROW_PX}" in interactive._FIT_JS
