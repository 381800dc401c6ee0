"""Sphinx extension for the dTAO book (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

What it does, so that the built site works offline in a real browser:

1. Sets ``DTAO_BOOK_BUILD=1`` before any notebook executes, so :class:`dtao_lib.interactive.Figure`
   renders its static (client-side) face and no ipywidgets control is created (no dead controls).
2. Adds the vendored JavaScript (``dtao_lib/_vendor``) to ``html_static_path``; the files land in
   ``_build/html/_static/``.
3. Adds vega, vega-lite and vega-embed to every page that embeds a chart (and only those).
4. Points MathJax at the vendored copy instead of a CDN, and loads only the components the book needs
   (:data:`MATHJAX_LOAD`: TeX input with base, AMS and a few extensions, CHTML output) rather than the
   combined ``tex-chtml.js`` with its context menu and accessibility code (0.75 MB instead of 1.2 MB).
5. Removes the sphinx-thebe loader when thebe is disabled: sphinx-book-theme and sphinx-thebe both
   inject it, which logs "Identifier 'THEBE_JS_URL' has already been declared" on every page.
6. After an HTML build, trims the theme's Font Awesome web fonts to the icons the site uses
   (:mod:`dtao_lib.icon_font`; 300 kB less on every page).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .interactive import BUILD_ENV, VEGA_SCRIPTS

VENDOR_DIR = Path(__file__).resolve().parent / "_vendor"
MATHJAX_PATH = "mathjax/startup.js"
MATHJAX_LOAD = ["input/tex-base", "[tex]/ams", "[tex]/newcommand", "[tex]/noundefined", "[tex]/configmacros",
                "output/chtml"]
"""MathJax components every page with math loads (files under ``_vendor/mathjax``)."""
MATHJAX_PACKAGES = ["base", "ams", "newcommand", "noundefined", "configmacros"]


def _config_inited(app: Any, config: Any) -> None:
    os.environ[BUILD_ENV] = "1"
    static = list(config.html_static_path or [])
    if str(VENDOR_DIR) not in static:
        static.append(str(VENDOR_DIR))
    config.html_static_path = static
    path = str(getattr(config, "mathjax_path", "") or "")
    if not path or path.startswith(("http://", "https://", "//")):
        config.mathjax_path = MATHJAX_PATH
    if config.mathjax_path == MATHJAX_PATH:
        mj = dict(config.mathjax3_config or {})
        mj["loader"] = {**mj.get("loader", {}), "load": MATHJAX_LOAD}
        mj["tex"] = {**mj.get("tex", {}), "packages": MATHJAX_PACKAGES}
        mj["options"] = {**mj.get("options", {}), "enableMenu": False}
        config.mathjax3_config = mj


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body", "") or ""
    if "vegaEmbed(" in body:
        for i, name in enumerate(VEGA_SCRIPTS):
            app.add_js_file(name, priority=450 + i)
    scripts = context.get("script_files")
    if scripts is not None and not getattr(app.config, "dtao_keep_thebe", False):
        context["script_files"] = [s for s in scripts if "thebe" not in str(s)]


def _build_finished(app: Any, exc: Exception | None) -> None:
    if exc is not None or getattr(app.builder, "format", "") != "html":
        return
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    try:
        from .icon_font import subset_icon_fonts

        done = subset_icon_fonts(app.outdir)
    except ImportError:  # fontTools/brotli are in the test extras; the site still works without
        log.info("dtao: fontTools or brotli missing, icon fonts left whole")
        return
    saved = sum(before - after for before, after in done.values())
    log.info(f"dtao: icon fonts trimmed to the icons the site uses ({saved / 1e3:.0f} kB less)")


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("dtao_keep_thebe", False, "html")
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
