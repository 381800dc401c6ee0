"""The Japanese web font of the site: a subset of Noto Sans CJK JP with exactly the glyphs the book uses.

The book quotes its seed article in Japanese (the 原文 of every claim box, the glossary's terms).
Readers whose system has no CJK font would see boxes, so the site ships its own font, cut down to the
characters the book contains (a few hundred glyphs, tens of kB instead of 16 MB):

* :func:`book_cjk_characters` scans the chapters (Markdown and every notebook cell) and the library's
  text (``dtao_lib/**/*.py``: claims, figures) for characters in the CJK blocks of :data:`CJK_RANGES`;
* :func:`subset_font` keeps those glyphs of the source font and writes WOFF2 (fontTools);
* ``python -m dtao_lib.cjk_font`` regenerates ``_static/fonts/`` from Debian's ``fonts-noto-cjk``
  (``apt-get install fonts-noto-cjk``). Run it after adding Japanese text; ``tests/test_cjk_font.py``
  fails, naming the missing characters, until you do.

``_static/dtao.css`` declares the face with a ``unicode-range`` of the CJK blocks only, first in the
page's font stack, so Latin text keeps the theme's font and every Japanese character uses this one.
Licence: SIL Open Font License 1.1 (``_static/fonts/OFL.txt``); provenance in
``_static/fonts/PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = REPO_ROOT / "_static" / "fonts"
FONT_FILE = FONT_DIR / "dtao-noto-sans-jp-subset.woff2"
FAMILY = "dTAO Noto Sans JP"
SOURCE_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_INDEX = 0  # Noto Sans CJK JP in Debian's collection (index 0 of NotoSansCJK-Regular.ttc)

CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」)
    (0x3040, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana (incl. ・ and ー)
    (0x3400, 0x4DBF),  # CJK unified ideographs, extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half- and full-width forms ((),?)
)
"""The code points the site font covers (and the CSS ``unicode-range`` declares)."""


def is_cjk(ch: str) -> bool:
    """True when ``ch`` lies in one of :data:`CJK_RANGES`."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def cjk_characters(texts: Iterable[str]) -> set[str]:
    """The CJK characters (see :data:`CJK_RANGES`) occurring in ``texts``."""
    return {ch for text in texts for ch in text if is_cjk(ch)}


def book_texts(root: str | Path | None = None) -> list[str]:
    """Every text the site can show: ``chapters/*.md``, ``chapters/*.ipynb`` (raw JSON, so every
    cell counts) and ``dtao_lib/**/*.py`` (claims and figure text), plus the book's configuration."""
    base = Path(root) if root is not None else REPO_ROOT
    paths = [*sorted((base / "chapters").glob("*.md")), *sorted((base / "chapters").glob("*.ipynb")),
             *sorted((base / "dtao_lib").rglob("*.py")), base / "_config.yml", base / "_toc.yml"]
    return [p.read_text(encoding="utf-8") for p in paths if p.is_file()]


def book_cjk_characters(root: str | Path | None = None) -> set[str]:
    """The CJK characters the book uses (:func:`book_texts` of the repository at ``root``)."""
    return cjk_characters(book_texts(root))


def font_characters(path: str | Path = FONT_FILE) -> set[str]:
    """The characters the font at ``path`` has a glyph for (its best Unicode cmap)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path)) as font:
        return {chr(cp) for cp in font.getBestCmap()}


def subset_font(chars: Iterable[str], dst: str | Path = FONT_FILE, *, src: str | Path = SOURCE_FONT,
                font_number: int = SOURCE_INDEX) -> Path:
    """Write a WOFF2 subset of ``src`` (a TTC/OTF font) with the glyphs of ``chars`` to ``dst``.

    Raises
    ------
    ValueError
        If ``chars`` is empty, or ``src`` does not exist (install Debian's ``fonts-noto-cjk``).
    """
    from fontTools import subset

    text = "".join(sorted(set(chars)))
    if not text:
        raise ValueError("chars: nothing to keep (the book has no CJK characters?)")
    if not Path(src).is_file():
        raise ValueError(f"src: font {src} not found; on Debian: apt-get install fonts-noto-cjk")
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = []         # horizontal text, Japanese forms by default: no substitutions needed
    opts.drop_tables += ["vhea", "vmtx", "VORG"]  # no vertical writing on the site
    opts.name_IDs = ["*"]             # keep the copyright and licence strings of the name table
    opts.name_languages = ["*"]
    opts.font_number = font_number
    opts.hinting = False
    font = subset.load_font(str(src), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    out = Path(dst)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), opts)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dtao_lib.cjk_font", description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=SOURCE_FONT, help="source font (default: Debian's Noto CJK)")
    parser.add_argument("--dst", type=Path, default=FONT_FILE)
    args = parser.parse_args(argv)
    chars = book_cjk_characters()
    out = subset_font(chars, args.dst, src=args.src)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    print(f"{out}: {len(chars)} characters, {out.stat().st_size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
