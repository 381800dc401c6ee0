"""Notebook hygiene for chapter authors.

Chapters are committed as ``.ipynb`` **without outputs** (``tests/test_notebooks.py`` enforces it).
Two ways to write one:

* edit it in Jupyter, then ``python -m dtao_lib.authoring strip chapters/*.ipynb`` before committing;
* write it as a MyST Markdown notebook (``{code-cell}`` blocks) and convert it:
  ``python -m dtao_lib.authoring md2ipynb draft.md chapters/<name>.ipynb`` (uses jupytext).

Both leave only the ``kernelspec`` in the notebook metadata and no outputs or execution counts, and
save nbformat 4.5 with a stable ``id`` on every cell (what JupyterLab 4 and Notebook 7 write, so a
chapter does not open as "modified").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
NBFORMAT = (4, 5)
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5 schema


def _new_id(index: int, cell: dict, taken: set[str]) -> str:
    """A deterministic 8-hex id for a cell that has none (stable across repeated ``strip`` runs)."""
    src = "".join(cell.get("source", []))
    salt = 0
    while True:
        cid = hashlib.sha1(f"{index}:{salt}:{src}".encode()).hexdigest()[:8]
        if cid not in taken:
            return cid
        salt += 1


def clean(nb: dict) -> dict:
    """Remove outputs, execution counts and tool metadata from a notebook dict (returns a copy)."""
    out = json.loads(json.dumps(nb))
    out["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    taken: set[str] = set()
    for i, cell in enumerate(out.get("cells", [])):
        cid = cell.get("id")
        if not (isinstance(cid, str) and _CELL_ID.match(cid)) or cid in taken:
            cid = _new_id(i, cell, taken)
        taken.add(cid)
        cell["id"] = cid
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        md = cell.get("metadata", {})
        cell["metadata"] = {k: v for k, v in md.items() if k in {"tags", "mystnb"}}
    out["nbformat"], out["nbformat_minor"] = NBFORMAT
    return out


def write(nb: dict, path: Path) -> None:
    path.write_text(json.dumps(clean(nb), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def md2ipynb(src: Path, dst: Path) -> None:
    """Convert a MyST Markdown notebook to a clean ``.ipynb``."""
    import jupytext

    nb = jupytext.read(src)
    write(json.loads(jupytext.writes(nb, fmt="ipynb")), dst)


def strip(paths: list[Path]) -> None:
    for p in paths:
        write(json.loads(p.read_text(encoding="utf-8")), p)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dtao_lib.authoring", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("md2ipynb", help="convert a MyST Markdown notebook to a clean .ipynb")
    a.add_argument("src", type=Path)
    a.add_argument("dst", type=Path)
    b = sub.add_parser("strip", help="remove outputs and tool metadata from notebooks in place")
    b.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.cmd == "md2ipynb":
        md2ipynb(args.src, args.dst)
    else:
        strip(args.paths)


if __name__ == "__main__":
    main()
