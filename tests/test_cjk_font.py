"""The site's Japanese web font covers every CJK character the book uses (issue 15).

The font is a committed subset (``_static/fonts``); adding Japanese text with a new character makes
this test fail until ``python -m dtao_lib.cjk_font`` regenerates it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dtao_lib import cjk_font

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("fontTools")
pytest.importorskip("brotli")


def test_the_book_has_japanese_text():
    chars = cjk_font.book_cjk_characters()
    assert {"原", "文", "半", "減"} <= chars   # 原文 in every claim box; 半減期 in the glossary
    assert len(chars) > 100


def test_every_cjk_character_of_the_book_is_in_the_font():
    missing = sorted(cjk_font.book_cjk_characters() - cjk_font.font_characters())
    assert not missing, f"characters without a glyph: {''.join(missing)}; run `python -m dtao_lib.cjk_font`"


def test_the_font_is_a_small_subset_with_its_licence():
    size = cjk_font.FONT_FILE.stat().st_size
    assert size < 150_000, f"the subset weighs {size:,} bytes"
    assert len(cjk_font.font_characters()) < 2_000          # a subset, not the 65k-glyph original
    assert "SIL OPEN FONT LICENSE Version 1.1" in (cjk_font.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "fonts-noto-cjk" in (cjk_font.FONT_DIR / "PROVENANCE.md").read_text(encoding="utf-8")


def test_css_declares_the_face_for_exactly_the_cjk_blocks():
    css = (ROOT / "_static" / "dtao.css").read_text(encoding="utf-8")
    face = re.search(r"@font-face\s*{(.*?)}", css, re.S).group(1)
    assert f'font-family: "{cjk_font.FAMILY}"' in face
    assert f'url("fonts/{cjk_font.FONT_FILE.name}")' in face
    ranges = re.search(r"unicode-range:\s*([^;]+);", face).group(1)
    declared = [tuple(int(x, 16) for x in r.strip().removeprefix("U+").split("-")) for r in ranges.split(",")]
    assert declared == list(cjk_font.CJK_RANGES)
    assert f'--pst-font-family-base: "{cjk_font.FAMILY}"' in css


def test_cjk_detection():
    assert cjk_font.cjk_characters(["ADR (アルファ分配率), α, 1,000 TAO。"]) == set("アルファ分配率。")
    assert not cjk_font.is_cjk("α")


def test_subset_bad_input(tmp_path):
    with pytest.raises(ValueError, match="nothing to keep"):
        cjk_font.subset_font([], tmp_path / "x.woff2")
    with pytest.raises(ValueError, match="fonts-noto-cjk"):
        cjk_font.subset_font("原", tmp_path / "x.woff2", src=tmp_path / "missing.ttc")


@pytest.mark.skipif(not cjk_font.SOURCE_FONT.is_file(), reason="Debian's fonts-noto-cjk is not installed")
def test_regenerating_gives_the_committed_coverage(tmp_path):
    out = cjk_font.subset_font(cjk_font.book_cjk_characters(), tmp_path / "x.woff2")
    assert cjk_font.font_characters(out) == cjk_font.font_characters()
