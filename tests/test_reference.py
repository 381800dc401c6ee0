"""The protocol reference and the ``{spec}`` citations (dtao_lib.sphinx_ext).

A tiny Sphinx project (MyST + the book's extension) is built in a temporary directory, in a
subprocess (the extension sets DTAO_BOOK_BUILD for the process that loads it): the role and the
plain-text transform must produce links to the labelled reference sections, leave code alone, and
a citation of a section that has no label must fail a ``-W`` build. The book's own reference
pages are checked against the specification's section list.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from dtao_lib.sphinx_ext import CITATION, section_label

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "chapters" / "reference"

# Every numbered section of the specification (subtensor-mechanics.md) and of its addendum
# (subtensor-after-2026-06.md); the book's reference must label each one.
SPEC_SECTIONS = (
    ["0", "0.1", "1", "2", "3"] + [f"3.{i}" for i in range(1, 7)]
    + ["4", "4.1", "4.2", "4.3", "5"] + [f"5.{i}" for i in range(1, 7)]
    + ["6"] + [f"6.{i}" for i in range(1, 5)] + ["7", "8", "9", "10"]
    + [f"A{i}" for i in range(0, 11)] + ["H"]
)


def _matches(text: str) -> list[tuple[str, str | None]]:
    return [(m.group("a"), m.group("b") or m.group("c")) for m in CITATION.finditer(text)]


def test_section_label():
    assert section_label("3.2") == "spec-3-2"
    assert section_label("§A2") == "spec-A2"
    assert section_label("0.1") == "spec-0-1"
    assert section_label("H") == "spec-H"


@pytest.mark.parametrize(("text", "expected"), [
    ("see spec §3.2 for the rule", [("3.2", None)]),
    ("(§3.4).", [("3.4", None)]),
    ("the gate (spec §A2) and §A10", [("A2", None), ("A10", None)]),
    ("spec §3.1–§3.6 and §4.1–4.3", [("3.1", "3.6"), ("4.1", "4.3")]),
    ("§1–§7", [("1", "7")]),
    ("spec §9 – 10 blocks later", [("9", None)]),      # an undotted end needs its own §
    ("§10, §0.1 and §H", [("10", None), ("0.1", None), ("H", None)]),
    ("HEAD (§HEAD is not a section), § alone", []),
])
def test_citation_pattern(text, expected):
    assert _matches(text) == expected


CONF = """
extensions = ["myst_parser", "dtao_lib.sphinx_ext"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
html_theme = "basic"
"""

REF_PAGE = """
# Reference

(spec-3-1)=
## The pipeline

(spec-3-2)=
## Shares

(spec-3-6)=
## Epoch

(spec-A2)=
## The gate
"""

CHAPTER = r"""
# Chapter

Role: {spec}`3.2`, with a title: {spec}`the gate <A2>`.

Plain: the rule of spec §3.2, and (§A2); a range spec §3.1–§3.6.

:::{note}
A claim box citing §3.6.
:::

Inline code `spec §3.2` and a [link about §3.2](https://example.org) stay as they are.

```python
x = 1  # spec §3.2 in code stays
```

```{raw} html
<table><tr><td>Coinbase (§3.1)</td><td><code>§3.2</code></td></tr></table>
```
"""


def _build(tmp_path: Path, chapter: str, extra: list[str] | None = None) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nchapter\nreference\n```\n", encoding="utf-8")
    (src / "reference.md").write_text(REF_PAGE, encoding="utf-8")
    (src / "chapter.md").write_text(chapter, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", *(extra or []), "-b", "html", str(src),
         str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )


def test_role_and_plain_citations_become_links(tmp_path):
    proc = _build(tmp_path, CHAPTER)
    assert proc.returncode == 0, proc.stderr
    soup = BeautifulSoup((tmp_path / "out" / "chapter.html").read_text(encoding="utf-8"), "html.parser")
    links = [(a.get_text(), a["href"]) for a in soup.select("a.spec-ref")]
    assert links == [
        ("spec §3.2", "reference.html#spec-3-2"),
        ("the gate", "reference.html#spec-a2"),
        ("spec §3.2", "reference.html#spec-3-2"),
        ("§A2", "reference.html#spec-a2"),
        ("spec §3.1", "reference.html#spec-3-1"),
        ("§3.6", "reference.html#spec-3-6"),
        ("§3.6", "reference.html#spec-3-6"),
        ("§3.1", "reference.html#spec-3-1"),   # inside the raw HTML table
    ]
    # code, inline literals and existing links are untouched
    assert any(c.get_text() == "spec §3.2" and c.find("a") is None for c in soup.find_all("code"))
    assert "spec §3.2 in code stays" in soup.find("pre").get_text()
    assert soup.find("a", href="https://example.org").get_text() == "link about §3.2"
    assert soup.find("td").find_next("td").find("a") is None
    # every anchor the links point to exists on the reference page
    ref = BeautifulSoup((tmp_path / "out" / "reference.html").read_text(encoding="utf-8"), "html.parser")
    for _, href in links:
        assert ref.find(id=href.split("#")[1]) is not None, href


@pytest.mark.parametrize("bad", ["A role to nowhere: {spec}`3.9`.", "Plain text to nowhere: spec §7.7."])
def test_dangling_citation_fails_the_build(tmp_path, bad):
    proc = _build(tmp_path, "# Chapter\n\n" + bad + "\n")
    assert proc.returncode != 0
    section = "3.9" if "3.9" in bad else "7.7"
    assert f"spec §{section}" in proc.stderr
    assert section_label(section) in proc.stderr


def _reference_labels() -> set[str]:
    labels = set()
    for page in REFERENCE.glob("*.md"):
        labels |= set(re.findall(r"^\((spec-[A-Za-z0-9-]+)\)=\s*$", page.read_text(encoding="utf-8"), re.M))
    return labels


def test_reference_labels_every_spec_section():
    labels = _reference_labels()
    missing = [s for s in SPEC_SECTIONS if section_label(s) not in labels]
    assert not missing, f"reference sections without a label: {missing}"


def test_every_citation_in_the_sources_has_a_section():
    """Chapters, docstrings and figure code cite only sections the reference defines."""
    labels = {x.lower() for x in _reference_labels()}
    files = [*ROOT.glob("chapters/**/*.md"), *ROOT.glob("chapters/**/*.ipynb"), *ROOT.glob("dtao_lib/**/*.py")]
    bad = []
    for f in files:
        for m in CITATION.finditer(f.read_text(encoding="utf-8")):
            for s in (m.group("a"), m.group("b") or m.group("c")):
                if s and section_label(s).lower() not in labels:
                    bad.append(f"{f.relative_to(ROOT)}: §{s}")
    assert not bad, bad


def test_reference_part_in_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"]]
    assert "Protocol reference" in captions
    assert "API reference" in captions
    files = {c["file"] for p in toc["parts"] for c in p["chapters"]}
    for page in REFERENCE.glob("*.md"):
        assert f"chapters/reference/{page.stem}" in files, page.name


def test_reference_links_rust_at_a_commit():
    """Every reference page links the Rust source at a full commit sha."""
    for page in sorted(REFERENCE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        if not re.search(r"^\(spec-", text, re.M):
            continue
        assert re.search(r"https://github\.com/(opentensor|RaoFoundation)/subtensor/blob/[0-9a-f]{40}/", text), \
            page.name


def test_every_public_module_has_an_api_page():
    """One page per public module under chapters/reference/api (the toc globs them); the page's
    ``dtao-api`` directive documents the module's ``__all__``, so new names need no edit."""
    import pkgutil

    import dtao_lib

    api = REFERENCE / "api"
    modules = ["dtao_lib"] + [m.name for m in pkgutil.walk_packages(dtao_lib.__path__, "dtao_lib.")
                              if not any(p.startswith("_") for p in m.name.split("."))]
    missing = [m for m in modules if not (api / f"{m}.rst").exists()]
    assert not missing, f"add chapters/reference/api/<module>.rst for {missing}"
    for m in modules:
        assert f".. dtao-api:: {m}\n" in (api / f"{m}.rst").read_text(encoding="utf-8"), m
    stale = [p.stem for p in api.glob("dtao_lib*.rst") if p.stem not in modules]
    assert not stale, f"API pages of modules that no longer exist: {stale}"


@pytest.mark.parametrize(("target", "ok"), [
    ("dtao_lib.registration._check_lock_inputs_that_do_not_exist", False),
    ("dtao_lib.coinbase._era_dtao", True),          # real but private: plain code, no warning
])
def test_undocumented_python_reference(tmp_path, target, ok):
    """A reference to a real dtao_lib object outside the API reference renders as code; a reference
    to a name that exists nowhere is still a nitpicky warning (a failed -W -n build)."""
    chapter = f"# Chapter\n\nSee {{py:func}}`{target}`.\n"
    proc = _build(tmp_path, chapter, extra=["-n"])
    assert (proc.returncode == 0) is ok, proc.stderr
