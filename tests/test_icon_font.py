"""The theme's icon fonts are trimmed to the icons the site uses, and keep all of those (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dtao_lib import icon_font

pytest.importorskip("fontTools")
pytest.importorskip("brotli")
pst = pytest.importorskip("pydata_sphinx_theme")
THEME_STATIC = Path(pst.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def test_code_points_from_css():
    css = ('.fa-github:before{content:"\\f09b"}.fa-a:before,.fa-b:before{content:"\\f001"}'
           ':root{--pst-icon-bell:"\uf0f3"}.admonition-title:after{content:"\\f05a"}')
    names, always = icon_font.icon_code_points(css)
    assert names == {"github": 0xF09B, "a": 0xF001, "b": 0xF001}
    assert always == {0xF0F3, 0xF05A}


@pytest.mark.skipif(not THEME_STATIC.is_dir(), reason="pydata-sphinx-theme's static files not found")
def test_subset_keeps_the_used_icons_and_drops_the_rest(tmp_path):
    from fontTools.ttLib import TTFont

    site = tmp_path / "html"
    static = site / "_static"
    shutil.copytree(THEME_STATIC / "styles", static / "styles")
    shutil.copytree(THEME_STATIC / "vendor", static / "vendor")
    (site / "index.html").write_text('<i class="fab fa-github"></i><i class="fas fa-rocket"></i>', encoding="utf-8")
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    names, always = icon_font.icon_code_points(css)
    assert {"github", "rocket", "monero"} <= set(names)

    done = icon_font.subset_icon_fonts(site)
    assert done["fa-solid-900.woff2"][1] < done["fa-solid-900.woff2"][0] / 10
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    brands = set(TTFont(str(webfonts / "fa-brands-400.woff2")).getBestCmap())
    solid = set(TTFont(str(webfonts / "fa-solid-900.woff2")).getBestCmap())
    assert names["github"] in brands
    assert names["monero"] not in brands                 # a brand icon the site never shows
    assert names["rocket"] in solid
    assert always & solid, "icons the theme's own rules use (admonitions, links) are kept"
    original = THEME_STATIC / "vendor" / "fontawesome" / "webfonts"
    had = set().union(*(set(TTFont(str(original / n)).getBestCmap()) for n in icon_font.FONT_NAMES))
    kept = brands | solid | set(TTFont(str(webfonts / "fa-regular-400.woff2")).getBestCmap())
    assert (always & had) <= kept, "every icon the theme's rules use is kept"
