"""Notebook hygiene for chapter authors.

Chapters are committed as ``.ipynb`` **without outputs** (``tests/test_notebooks.py`` enforces it).
Two ways to write one:

* edit it in Jupyter, then ``python -m dtao_lib.authoring strip chapters/*.ipynb`` before committing;
* write it as a MyST Markdown notebook (``{code-cell}`` blocks) and convert it:
  ``python -m dtao_lib.authoring md2ipynb draft.md chapters/<name>.ipynb`` (uses jupytext).

The first code cell of every chapter is generated: ``python -m dtao_lib.authoring install-cell
chapters/*.ipynb`` writes :func:`install_cell` (``tests/test_notebooks.py`` checks it).

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


INSTALL_CELL = """\
# Install dtao_lib when it is missing (Colab, Binder), then prepare the figures.
try:
    import dtao_lib
except ImportError:
    import socket
    try:  # offline: say so now rather than let pip wait on git
        socket.create_connection(("{host}", 443), timeout=5).close()
    except OSError:
        raise SystemExit("dtao_lib is not installed and {host} cannot be reached to install it. "
                         "Install it from a copy of the book: pip install -e <book folder>") from None
    %pip install --quiet "dtao-lib @ git+{url}"
    import dtao_lib
from dtao_lib.interactive import setup

setup()"""


def install_cell(url: str) -> str:
    """The first code cell of every chapter: install ``dtao_lib`` from ``url`` (the repository in
    ``_config.yml``) when it is missing, with a clear message instead of a hang when offline."""
    from urllib.parse import urlparse

    url = url.rstrip("/")
    return INSTALL_CELL.format(url=url, host=urlparse(url).hostname)


def set_install_cell(paths: list[Path], url: str) -> None:
    """Write :func:`install_cell` into the first code cell of each notebook (tags and id kept)."""
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        first = next(c for c in nb["cells"] if c["cell_type"] == "code")
        first["source"] = install_cell(url).splitlines(keepends=True)
        write(nb, p)


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
    c = sub.add_parser("install-cell", help="write the install cell (repository url from _config.yml) "
                                            "into the first code cell of notebooks")
    c.add_argument("paths", type=Path, nargs="+")
    c.add_argument("--config", type=Path, default=Path("_config.yml"))
    args = parser.parse_args(argv)
    if args.cmd == "md2ipynb":
        md2ipynb(args.src, args.dst)
    elif args.cmd == "install-cell":
        import yaml

        url = yaml.safe_load(args.config.read_text(encoding="utf-8"))["repository"]["url"]
        set_install_cell(args.paths, url)
    else:
        strip(args.paths)


if __name__ == "__main__":
    main()
