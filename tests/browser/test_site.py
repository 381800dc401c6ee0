"""The built site works offline in a real browser (headless Debian Chromium via Playwright).

Run after ``make book`` (``make test`` does both). For every page in ``_toc.yml``:

* no console errors and no uncaught page errors;
* no request leaves 127.0.0.1 (every such request is blocked and recorded), and no local request
  fails (404s, aborted scripts);
* every vega chart on the page drew marks;
* moving a bound slider changes the drawn chart (every page that has sliders; at least one page must);
* no ipywidgets control is on the page (no dead controls without a kernel);
* at 390 and 1280 px, charts, tables and controls fit the text column, and every chart's titles,
  axis labels and legends are drawn inside the chart (nothing cut at its edge);
* at 390 px no chart text is drawn smaller than 9 px (a concatenated chart scaled down to the column);
* charts fit their column again after a resize from 390 to 1280 px (and are stacked at 390 px);
* a full-page screenshot is saved under ``_build/screenshots/`` for review.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from ._helpers import HTML, ROOT, QuietHandler, serve_directory

pytestmark = pytest.mark.browser

# HTML is the built site ($DTAO_SITE_DIR, default _build/html); DTAO_TOC points at another table of contents.
SHOTS = HTML.parent / "screenshots"
TOC = Path(os.environ.get("DTAO_TOC", ROOT / "_toc.yml"))


def toc_pages() -> list[str]:
    """Every document in _toc.yml (root first), as paths without suffix."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                pages.append(e["file"])
            walk(e.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def _serve_site(handler: type[QuietHandler] = QuietHandler):
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: run `make book` before the browser test")
    return serve_directory(HTML, handler)


@pytest.fixture(scope="module")
def base_url():
    with _serve_site() as url:
        yield url


# JavaScript run in the page ------------------------------------------------------------------
COUNT_MARKS = """
() => Array.from(document.querySelectorAll('.dtao-chart')).map(div => {
  const svg = div.querySelector('svg');
  if (!svg) return -1;
  return svg.querySelectorAll('.role-mark > path, .role-mark > line, .role-mark > text, .role-mark > rect,'
                              + ' .role-mark > circle, .role-mark > image').length;
})
"""

CHARTS_READY = """
() => {
  const n = document.querySelectorAll('.dtao-chart').length;
  const done = (window.dtaoViews || []).length;
  const charts = Array.from(document.querySelectorAll('.dtao-chart'));
  const errors = charts.filter(d => d.innerText.startsWith('Chart error'));
  return errors.length > 0 || done >= n;
}
"""


def _chart_svg(page, index: int) -> str:
    return page.evaluate("(i) => document.querySelectorAll('.dtao-chart')[i].querySelector('svg').outerHTML", index)


def _move_first_slider(page) -> tuple[int, str, str]:
    """Move the first bound slider of the page to another value; return (chart index, before, after)."""
    info = page.evaluate(
        """() => {
        const charts = Array.from(document.querySelectorAll('.dtao-chart'));
        for (let i = 0; i < charts.length; i++) {
          const input = charts[i].querySelector('.vega-bind input[type=range]');
          if (input) return {index: i, min: input.min, max: input.max, value: input.value};
        }
        return null;
      }"""
    )
    assert info is not None
    i = info["index"]
    before = _chart_svg(page, i)
    target = info["max"] if str(info["value"]) != str(info["max"]) else info["min"]
    page.evaluate(
        """([i, v]) => {
        const input = document.querySelectorAll('.dtao-chart')[i].querySelector('.vega-bind input[type=range]');
        input.value = v;
        input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new Event('change', {bubbles: true}));
      }""",
        [i, target],
    )
    page.wait_for_function(
        "([i, old]) => document.querySelectorAll('.dtao-chart')[i].querySelector('svg').outerHTML !== old",
        arg=[i, before],
        timeout=10_000,
    )
    return i, before, _chart_svg(page, i)


@pytest.mark.parametrize("doc", toc_pages())
def test_page_works_offline(doc, base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors: list[str] = []
    external: list[str] = []
    failed: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})")
            if urlparse(r.url).hostname == "127.0.0.1" else None)
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)

    page.goto(f"{base_url}/{doc}.html", wait_until="load")
    page.wait_for_function(CHARTS_READY, timeout=30_000)
    page.wait_for_load_state("networkidle")

    n_charts = page.locator(".dtao-chart").count()
    marks = page.evaluate(COUNT_MARKS)
    has_slider = page.locator(".dtao-chart .vega-bind input[type=range]").count() > 0
    if has_slider:
        _move_first_slider(page)

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{doc.replace('/', '_')}.png"), full_page=True)
    widgets = page.locator(".jupyter-widgets, .widget-area, .jp-OutputArea-output .widget-slider").count()
    page.close()

    assert not console_errors, f"console errors on {doc}: {console_errors}"
    assert not external, f"requests leaving 127.0.0.1 on {doc}: {external}"
    assert not failed, f"failed requests on {doc}: {failed}"
    assert all(m > 0 for m in marks), f"charts without marks on {doc}: {marks} (of {n_charts})"
    assert widgets == 0, f"{doc} shows {widgets} ipywidgets controls without a kernel"


def test_some_page_has_an_interactive_chart(base_url, browser):
    """At least one chapter has a bound slider (the template chapter's issuance explorer)."""
    page = browser.new_page()
    page.goto(f"{base_url}/chapters/halvings.html", wait_until="load")
    page.wait_for_function(CHARTS_READY, timeout=30_000)
    _, before, after = _move_first_slider(page)
    page.close()
    assert before != after


# Page weight --------------------------------------------------------------------------------
# A chapter page costs at most 1.5 MB cold: every byte the browser receives from an empty cache,
# transferred as a static host such as GitHub Pages sends it (text files gzip-compressed, fonts and
# images as they are). The uncompressed total is reported in the message as well.
MAX_PAGE_BYTES = 1_500_000
_GZIP_TYPES = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")


class _GzipQuiet(QuietHandler):
    """Serves text files gzip-compressed when the browser accepts it, like GitHub Pages."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if (path.suffix not in _GZIP_TYPES or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        import gzip
        import io

        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def gzip_url():
    with _serve_site(_GzipQuiet) as url:
        yield url


ICONS_AND_MATH = """
() => {
  const icon = document.querySelector('i.fa-solid, i.fas, i.fab');
  const before = icon ? getComputedStyle(icon, '::before') : null;
  return {
    icon: icon ? icon.className : null,
    iconGlyph: before ? before.content : null,
    iconFont: before ? before.fontFamily : null,
    faLoaded: [...document.fonts].some(f => f.family.includes('Font Awesome') && f.status === 'loaded'),
    mathSource: document.querySelectorAll('.math, span.math, div.math').length,
    mathRendered: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
  };
}
"""


@pytest.mark.parametrize("doc", toc_pages())
def test_page_weight(doc, gzip_url, browser):
    """Every page loads in at most 1.5 MB cold, and what was trimmed still works: the theme's icons
    render from its web fonts (no Font Awesome script), and the math renders with the MathJax
    components the book loads, without a TeX error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # empty cache
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    page.goto(f"{gzip_url}/{doc}.html", wait_until="load")
    page.wait_for_function(CHARTS_READY, timeout=30_000)
    page.wait_for_load_state("networkidle")
    if page.locator(".math").count():
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=30_000)
    state = page.evaluate(ICONS_AND_MATH)
    sent, raw = 0, 0
    biggest = []
    for r in responses:
        sizes = r.sizes()
        sent += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        resp = r.response()
        body = len(resp.body()) if resp is not None and resp.ok else 0
        raw += body
        biggest.append((sizes["responseBodySize"], r.url.rsplit("/", 1)[-1][:40]))
    context.close()

    top = ", ".join(f"{name} {size / 1e3:.0f} kB" for size, name in sorted(biggest, reverse=True)[:5])
    assert sent <= MAX_PAGE_BYTES, (f"{doc} transfers {sent / 1e6:.2f} MB cold ({raw / 1e6:.2f} MB uncompressed)"
                                    f" > {MAX_PAGE_BYTES / 1e6} MB; largest: {top}")
    assert not any("fontawesome.js" in n and s > 10_000 for s, n in biggest), "the 1.5 MB icon script is back"
    assert state["icon"] is None or (state["iconGlyph"] not in (None, "none", "normal")
                                     and "Font Awesome" in state["iconFont"]), f"{doc}: icons do not render: {state}"
    assert state["mathErrors"] == 0, f"{doc}: {state['mathErrors']} formulas failed to typeset"
    if state["mathSource"]:
        assert state["mathRendered"] > 0, f"{doc}: math not typeset: {state}"


# Japanese ------------------------------------------------------------------------------------
JA_TEXT = """
(sel) => {
  const el = document.querySelector(sel);
  const text = el ? el.textContent : '';
  const re = /[\\u3000-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef]/;
  const cjk = [...text].filter(c => re.test(c));
  return {text: text.slice(0, 80), cjk: cjk.length,
          faces: [...document.fonts].filter(f => f.family.includes('dTAO Noto Sans JP')).map(f => f.status)};
}
"""


def test_japanese_renders_with_the_book_font(base_url, browser):
    """The 原文 of a claim box is drawn with the site's own Japanese font (not a system font, not tofu
    boxes): Chromium reports which font drew each glyph of the node. The screenshot of the box is
    saved for review."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/chapters/halvings.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    box = page.locator(".dtao-claim").first
    box.locator("details.dtao-claim-original").evaluate("d => d.open = true")
    selector = ".dtao-claim details.dtao-claim-original p[lang=ja]"
    page.evaluate("() => document.fonts.ready")
    page.wait_for_function("() => [...document.fonts].some(f => f.family.includes('dTAO Noto Sans JP')"
                           " && f.status === 'loaded')", timeout=10_000)
    info = page.evaluate(JA_TEXT, selector)

    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=str(SHOTS / "claim-box-japanese.png"))
    page.close()

    assert info["cjk"] > 10, f"no Japanese text in the claim box: {info}"
    assert "loaded" in info["faces"], f"the Japanese web font did not load: {info}"
    web = [f for f in fonts if f.get("isCustomFont")]
    assert web, f"the Japanese text was drawn with system fonts only: {fonts}"
    assert sum(f["glyphCount"] for f in web) >= info["cjk"], (
        f"some Japanese characters fell back to another font: {fonts} for {info['cjk']} CJK characters")



def _open_drawn(browser, base_url: str, doc: str, width: int):
    """A new page of ``doc`` at ``width`` px (900 px high), offline (requests leaving 127.0.0.1 are aborted),
    after every chart has drawn."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1" else r.abort())
    page.goto(f"{base_url}/{doc}.html", wait_until="load")
    page.wait_for_function(CHARTS_READY, timeout=30_000)
    return page


# Responsive layout (issue 15) ---------------------------------------------------------------
# Every chart, chart control and table stays inside the page's text column at a phone width and a
# desktop width. A table wider than the column passes only if an ancestor inside the column scrolls
# it (overflow-x: auto/scroll); a cell tagged full-width may extend to the window's edge. Measured
# after the charts have drawn; 1 px of rounding allowed.
OVERFLOW = """
() => {
  const col = document.querySelector('article.bd-article') || document.querySelector('main');
  const c = col.getBoundingClientRect();
  // A cell tagged full-width may use the margin (sphinx-book-theme): its limit is the window's edge.
  let wide = null;
  const inside = r => r.width === 0 || (r.left >= c.left - 1
                                        && r.right <= (wide ? document.documentElement.clientWidth : c.right) + 1);
  const scrolled = el => {
    for (let p = el.parentElement; p && p !== col; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && inside(p.getBoundingClientRect())) return true;
    }
    return false;
  };
  const bad = [];
  // The page itself never scrolls sideways (e.g. a long function name in running text that cannot wrap).
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) {
    let widest = null;
    for (const el of col.querySelectorAll('p *, li *, dd *, dt *, h1 *, h2 *, h3 *')) {
      const r = el.getBoundingClientRect();
      if (r.right > page.clientWidth + 1 && (!widest || r.right > widest.r.right)) widest = {el, r};
    }
    bad.push(`the page scrolls sideways: ${page.scrollWidth} px for a ${page.clientWidth} px window`
             + (widest ? ` (widest: ${widest.el.tagName.toLowerCase()} "${widest.el.textContent.slice(0, 50)}")` : ''));
  }
  const sel = '.dtao-chart, .dtao-chart svg, .dtao-chart canvas, .dtao-chart .vega-bind, .dtao-chart select,'
            + ' .dtao-chart input, table';
  for (const el of col.querySelectorAll(sel)) {
    wide = el.closest('.tag_full-width, .full-width');
    const r = el.getBoundingClientRect();
    if (inside(r) || (el.tagName === 'TABLE' && scrolled(el))) continue;
    const what = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
                 ? '.' + String(el.className).split(' ')[0] : '');
    const span = (a, b) => `${Math.round(a)}..${Math.round(b)}`;
    bad.push(`${what} ${span(r.left, r.right)} (column ${span(c.left, c.right)})`);
  }
  return bad;
}
"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("doc", toc_pages())
def test_charts_tables_and_controls_fit_the_column(doc, width, base_url, browser):
    page = _open_drawn(browser, base_url, doc, width)
    page.wait_for_timeout(300)  # container-sized charts re-layout after the first draw
    overflow = page.evaluate(OVERFLOW)
    if width == 390:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{doc.replace('/', '_')}-390.png"), full_page=True)
    page.close()
    assert not overflow, f"{doc} at {width} px: wider than the column: {overflow[:8]}"


# Chart text inside the chart (issue: legends cut at the right edge on a phone) ----------------
# Every title, axis label and title and legend entry of every chart is drawn inside the chart: inside
# both the chart's box and its SVG (whatever lies outside the SVG is clipped, i.e. cut off). Checked
# at a phone width and a desktop width after the charts have drawn; 1 px of rounding allowed.
TEXT_OUTSIDE = """
() => {
  const bad = [];
  document.querySelectorAll('.dtao-chart').forEach((div, i) => {
    const svg = div.querySelector('svg.marks');
    if (!svg) return;
    const d = div.getBoundingClientRect(), s = svg.getBoundingClientRect();
    const left = Math.max(d.left, s.left), right = Math.min(d.right, s.right);
    const top = s.top, bottom = s.bottom;
    const sel = '.role-title text, .role-axis text, .role-legend text, .role-legend-symbol path';
    for (const t of svg.querySelectorAll(sel)) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 || (t.tagName === 'text' && !t.textContent.trim())) continue;
      if (r.left >= left - 1 && r.right <= right + 1 && r.top >= top - 1 && r.bottom <= bottom + 1) continue;
      const role = t.closest('[class*="role-"]').getAttribute('class').match(/role-[a-z-]+/)[0];
      bad.push(`chart ${i} ${role} "${t.textContent.slice(0, 40)}" at ${Math.round(r.left)}..${Math.round(r.right)}`
               + ` (chart ${Math.round(left)}..${Math.round(right)})`);
    }
  });
  return bad;
}
"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("doc", toc_pages())
def test_chart_text_stays_inside_the_chart(doc, width, base_url, browser):
    page = _open_drawn(browser, base_url, doc, width)
    page.wait_for_timeout(300)  # container-sized charts re-layout after the first draw
    outside = page.evaluate(TEXT_OUTSIDE)
    if outside:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{doc.replace('/', '_')}-{width}-text-outside.png"), full_page=True)
    page.close()
    assert not outside, f"{doc} at {width} px: chart text outside its chart: {outside[:8]}"


# Chart text readable on a phone (issue: side-by-side charts scaled down to 5 px text) -------------
# The size a reader sees of every text of every chart: its font size times the scale at which its SVG
# is drawn (a composed chart wider than the column is scaled down through its viewBox). At 390 px no
# text may be smaller than 9 px (a quarter of a pixel allowed for rounding).
MIN_TEXT_PX = 9
SMALL_TEXT = """
(least) => {
  const bad = [];
  document.querySelectorAll('.dtao-chart').forEach((div, i) => {
    const svg = div.querySelector('svg.marks');
    if (!svg) return;
    const scale = svg.getBoundingClientRect().width / parseFloat(svg.getAttribute('width'));
    let small = null;
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < least && (!small || px < small.px)) small = {px, text: t.textContent.slice(0, 30)};
    }
    if (small) bad.push(`chart ${i}: "${small.text}" drawn at ${small.px.toFixed(1)} px (scale ${scale.toFixed(2)})`);
  });
  return bad;
}
"""


@pytest.mark.parametrize("doc", toc_pages())
def test_chart_text_is_readable_on_a_phone(doc, base_url, browser):
    page = _open_drawn(browser, base_url, doc, 390)
    page.wait_for_timeout(300)  # container-sized charts re-layout after the first draw
    small = page.evaluate(SMALL_TEXT, MIN_TEXT_PX - 0.25)
    if small:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{doc.replace('/', '_')}-390-small-text.png"), full_page=True)
    page.close()
    assert not small, f"{doc} at 390 px: chart text smaller than {MIN_TEXT_PX} px: {small[:8]}"


# Charts fit again after a resize (issues: a phone-to-desktop resize left single charts drawn 1610 px
# wide in a 650 px column, text at 40 %, and concatenated charts stacked) ------------------------------
DRAWN_WIDTHS = """
() => Array.from(document.querySelectorAll('.dtao-chart')).map(d => {
  const s = d.querySelector('svg.marks');
  return s ? Math.round(parseFloat(s.getAttribute('width'))) : null;
})
"""


@pytest.mark.parametrize("doc", ["chapters/adr", "chapters/amm", "chapters/halvings"])
def test_charts_fit_again_after_a_phone_to_desktop_resize(doc, base_url, browser):
    page = _open_drawn(browser, base_url, doc, 1280)
    page.wait_for_timeout(300)
    desktop = page.evaluate(DRAWN_WIDTHS)
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(2_500)  # 250 ms debounce, then up to four redraws of a stacked chart
    phone = page.evaluate(DRAWN_WIDTHS)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(2_500)
    again = page.evaluate(DRAWN_WIDTHS)
    page.close()
    assert max(phone) <= 340, f"{doc}: drawn widths at 390 px after a resize: {phone}"
    assert again == desktop, f"{doc}: drawn widths at 1280 px {desktop}, after 390 px and back {again}"
