"""The interactive-figure mechanism (dtao_lib.interactive) and the vendored JavaScript."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from dtao_lib import interactive
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


def test_live_panel_shows_errors_and_keeps_the_last_output():
    import ipywidgets as w

    x = w.IntSlider(value=1, min=-5, max=5)

    def render(x):
        if x < 0:
            raise ValueError(f"x must be >= 0, got {x}")
        return f"x = {x}"

    panel = interactive.live_panel({"x": x}, render)
    err = panel.children[1]
    out = panel.children[2]
    good = out.outputs
    x.value = -2
    assert "x must be &gt;= 0" in err.value
    assert out.outputs == good  # nothing half-updated
    x.value = 3
    assert err.value == ""
