"""Trim the theme's Font Awesome web fonts to the icons the built site uses (page weight, issue 15).

The book's theme (pydata-sphinx-theme) draws its icons from Font Awesome's web fonts: 156 kB (solid)
and 118 kB (brands) of WOFF2 with about 2 000 icons, of which the site shows a few dozen. After a
build, :func:`subset_icon_fonts` keeps in each font only the code points the site can ask for:

* every ``fa-<name>`` class that occurs in the built HTML or the theme's scripts, mapped to its code
  point through the stylesheets' ``.fa-<name>:before{content:"\\f..."}`` rules;
* every code point a stylesheet uses outside those per-icon rules (``--pst-icon-*`` variables,
  admonition titles, ...).

:mod:`dtao_lib.sphinx_ext` runs it at the end of an HTML build (skipped, with a log line, when
fontTools/brotli are missing). ``tests/test_icon_font.py`` checks the selection on the theme's own
stylesheet; the browser test checks the icons still render.
"""

from __future__ import annotations

import re
from pathlib import Path

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CONTENT = re.compile(r'content:\s*"([^"]*)"')
_VAR = re.compile(r'--[\w-]+:\s*"([^"]*)"')
_ICON_SELECTOR = re.compile(r"^\.fa-([a-z0-9-]+):{1,2}before$")
_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
FONT_NAMES = ("fa-solid-900.woff2", "fa-brands-400.woff2", "fa-regular-400.woff2")


def _code_points(value: str) -> list[int]:
    """The icon code points in a CSS string value: ``\\f05a`` escapes or literal private-use characters."""
    out = [int(h, 16) for h in re.findall(r"\\([0-9a-fA-F]{4,6})", value)]
    out += [ord(c) for c in re.sub(r"\\[0-9a-fA-F]{4,6}", "", value) if 0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000]
    return out


def icon_code_points(css: str) -> tuple[dict[str, int], set[int]]:
    """From a stylesheet: the code point of each ``.fa-<name>`` icon class, and the code points used
    by every other rule or custom property (always kept)."""
    by_name: dict[str, int] = {}
    always: set[int] = {cp for v in _VAR.findall(css) for cp in _code_points(v)}
    for selectors, body in _RULE.findall(css):
        codes = [cp for v in _CONTENT.findall(body) for cp in _code_points(v)]
        if not codes:
            continue
        names = [_ICON_SELECTOR.match(s.strip()) for s in selectors.split(",")]
        if all(names):
            for m in names:
                by_name[m.group(1)] = codes[0]
        else:
            always.update(codes)
    return by_name, always


def used_code_points(site: Path) -> set[int]:
    """The icon code points a built site (``site`` = the HTML output directory) can display."""
    static = site / "_static"
    by_name: dict[str, int] = {}
    always: set[int] = set()
    for css in static.rglob("*.css"):
        names, codes = icon_code_points(css.read_text(encoding="utf-8", errors="ignore"))
        by_name.update(names)
        always |= codes
    classes: set[str] = set()
    for f in [*site.rglob("*.html"), *static.rglob("*.js")]:
        classes.update(_CLASS.findall(f.read_text(encoding="utf-8", errors="ignore")))
    return always | {by_name[c] for c in classes if c in by_name}


def subset_icon_fonts(site: str | Path) -> dict[str, tuple[int, int]]:
    """Subset the Font Awesome WOFF2 files of a built site in place to :func:`used_code_points`.

    Returns ``{font file: (bytes before, bytes after)}``; fonts not present are skipped.
    """
    from fontTools import subset

    root = Path(site)
    keep = used_code_points(root)
    out: dict[str, tuple[int, int]] = {}
    for path in sorted(root.glob("_static/**/webfonts/*.woff2")):
        if path.name not in FONT_NAMES:
            continue
        before = path.stat().st_size
        opts = subset.Options()
        opts.flavor = "woff2"
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        font = subset.load_font(str(path), opts)
        present = set(font.getBestCmap())
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=sorted(keep & present) or [0x20])
        sub.subset(font)
        subset.save_font(font, str(path), opts)
        out[path.name] = (before, path.stat().st_size)
    return out
