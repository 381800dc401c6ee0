"""The book presents the chain as it runs now (issue 13): HEAD is runtime spec 459 (September 2026), so no
chapter page may call the June-2026 rules (spec 425, 2026-06-30) HEAD, and the landing page and README say
what the book describes. The reference pages (chapters/reference/) define their own convention."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dtao_lib import params

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("chapters/*.md")])

# "HEAD (30 June 2026)", "HEAD (June 2026)", "HEAD (2026-06-30)", "Since HEAD (30 June 2026)", "HEAD = 2026-06-30"
_JUNE_AS_HEAD = re.compile(r"HEAD\s*(?:\(\s*(?:30\s+)?June\s+2026|\(\s*2026-06-30|=\s*2026-06-30)")


def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_no_page_calls_the_june_rules_head(path):
    hits = [m.group(0) for m in _JUNE_AS_HEAD.finditer(_text(path))]
    assert not hits, f"{path.name} presents the June-2026 rules as HEAD: {hits}"


def test_head_is_spec_459_and_the_landing_page_and_readme_say_so():
    assert params.era("head").tag == "spec459"
    for page in (ROOT / "chapters" / "index.md", ROOT / "README.md"):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert "runtime spec 459, September 2026" in text, page.name
        assert "spec 470" in text, page.name


def test_the_pattern_catches_the_old_wording():
    for old in ("At HEAD (June 2026) the rule is", "HEAD (30 June 2026) alpha emission", "HEAD (2026-06-30)",
                "Since HEAD (30 June 2026) the rule"):
        assert _JUNE_AS_HEAD.search(old), old
    assert not _JUNE_AS_HEAD.search("HEAD (runtime spec 459, September 2026)")
