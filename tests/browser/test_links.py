"""Offline checks of the built site's links (run after ``make book``, like test_site.py).

* every local link (href to a page of the site, with or without an anchor) resolves to a file,
  and the anchor exists on that page;
* no citation of the specification ("spec §3.2", "§A2") is left as plain text: each is a link to
  the protocol reference (code, scripts and styles are not text a reader follows);
* every citation link leads to a reference section that links the Rust source at a commit, so a
  reader goes chapter -> reference section -> Rust line in two clicks;
* every public name of every public ``dtao_lib`` module has an entry in the API reference.

No browser is needed; the tests share the ``browser`` mark because they need the built site.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

from ._helpers import HTML

pytestmark = pytest.mark.browser

# Text that is not prose a reader clicks through: code, scripts, styles, math.
NOT_TEXT = ("a", "script", "style", "code", "pre", "kbd", "samp", "math", "svg", "textarea", "title", "head")
PLAIN_CITATION = re.compile(r"§\s?(?:A\d|H\b|\d)")
RUST_AT_COMMIT = re.compile(r"https://github\.com/(opentensor|RaoFoundation)/subtensor/blob/[0-9a-f]{40}/")


def _pages() -> list[Path]:
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: run `make book` before the site tests")
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


@functools.cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    soup = _soup(path)
    names = [t["name"] for t in soup.find_all("a", attrs={"name": True})]
    return frozenset([t["id"] for t in soup.find_all(id=True)] + names)


def _local_target(page: Path, href: str) -> tuple[Path, str] | None:
    url = urlparse(href)
    if url.scheme or url.netloc or href.startswith(("mailto:", "javascript:", "data:")):
        return None
    path, frag = urldefrag(href)
    target = page if not path else (page.parent / unquote(path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(frag)


def test_every_local_link_resolves():
    bad = []
    for page in _pages():
        for a in _soup(page).find_all("a", href=True):
            found = _local_target(page, a["href"])
            if found is None:
                continue
            target, frag = found
            if not target.exists():
                bad.append(f"{page.relative_to(HTML)}: {a['href']} (no such file)")
            elif frag and target.suffix == ".html" and frag not in _ids(target):
                bad.append(f"{page.relative_to(HTML)}: {a['href']} (no anchor #{frag})")
    assert not bad, f"{len(bad)} broken local links:\n" + "\n".join(bad[:50])


def test_no_plain_spec_citation():
    bad = []
    for page in _pages():
        body = _soup(page).find("main") or _soup(page)
        for text in body.find_all(string=PLAIN_CITATION):
            if any(parent.name in NOT_TEXT or {"pre", "sig"} & set(parent.get("class") or [])
                   for parent in text.parents):
                continue   # code, and the values and signatures of API entries
            bad.append(f"{page.relative_to(HTML)}: {text.strip()[:100]!r}")
    assert not bad, f"{len(bad)} citations of the spec are not links:\n" + "\n".join(bad[:50])


def test_chapter_to_rust_in_two_clicks():
    """Click 1: a chapter's citation -> a reference section; click 2: that section links Rust at a commit."""
    sections_seen = {}
    for page in _pages():
        for a in _soup(page).select("a.spec-ref"):
            target, frag = _local_target(page, a["href"])
            sections_seen.setdefault((target, frag), f"{page.relative_to(HTML)}: {a.get_text()}")
    assert sections_seen, "no spec citation links at all"
    bad = []
    for (target, frag), where in sections_seen.items():
        section = _soup(target).find(id=frag)
        # MyST puts the label's id on the heading's section element, or on a span inside it
        block = section if section.name == "section" else section.find_parent("section")
        links = [x["href"] for x in block.find_all("a", href=True)] if block else []
        if not any(RUST_AT_COMMIT.match(h) for h in links):
            bad.append(f"{where} -> {target.name}#{frag} has no Rust link at a commit")
    assert not bad, "\n".join(bad)


def _public_api() -> dict[str, list[str]]:
    import dtao_lib
    from dtao_lib.sphinx_ext import canonical_module, public_names

    api = {}
    for info in pkgutil.walk_packages(dtao_lib.__path__, "dtao_lib."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        api[info.name] = [f"{canonical_module(info.name, n, getattr(module, n))}.{n}" for n in public_names(module)]
    return api


def test_every_public_name_has_an_api_entry():
    api_dir = HTML / "chapters" / "reference" / "api"
    ids: set[str] = set()
    for page in api_dir.glob("*.html"):
        ids |= _ids(page)
    missing = [f"{mod}: {full}" for mod, names in _public_api().items() for full in names if full not in ids]
    pages = [mod for mod in _public_api() if not (api_dir / f"{mod}.html").exists()]
    assert not pages, f"modules without an API page (add chapters/reference/api/<module>.rst): {pages}"
    assert not missing, f"{len(missing)} public names without an API entry:\n" + "\n".join(missing[:50])
