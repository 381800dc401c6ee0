"""Where the shipped data lives, and small file helpers shared by the loaders.

The data directory is, in order of precedence:

1. the ``path=`` argument of a loader (a file, or a folder holding the expected file);
2. the environment variable ``DTAO_DATA_DIR`` (a folder laid out like the repository's ``data/``);
3. the repository's own ``data/`` folder, ``Path(__file__).resolve().parents[2] / "data"``;
4. the copy shipped inside an installed wheel, ``dtao_lib/_data`` (``pip install git+<repo>``, e.g. Colab).

Every error names the file and the problem, e.g.
``FileNotFoundError: subnet snapshot: no such file /x/subnets_snapshot_2026-04-11.csv (...)``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = [
    "DATA_DIR_ENV",
    "REPO_DATA_DIR",
    "data_dir",
    "resolve_file",
    "sha256_file",
]

DATA_DIR_ENV = "DTAO_DATA_DIR"
"""Environment variable that points the loaders at another data folder."""

REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The ``data/`` folder of the repository this package was imported from."""

WHEEL_DATA_DIR = Path(__file__).resolve().parents[1] / "_data"
"""The same folder as installed inside a wheel (pyproject maps ``data/`` to ``dtao_lib._data``)."""


def data_dir() -> Path:
    """The folder the loaders read by default.

    ``$DTAO_DATA_DIR`` if set, else the repository's ``data/`` (a clone or an editable install), else the
    copy inside an installed wheel.

    Raises
    ------
    FileNotFoundError
        If ``DTAO_DATA_DIR`` is set but is not a folder, or no data folder can be found.
    """
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise FileNotFoundError(f"{DATA_DIR_ENV}={env!r} is not a folder")
        return p
    for candidate in (REPO_DATA_DIR, WHEEL_DATA_DIR):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"data folder not found (looked in {REPO_DATA_DIR} and {WHEEL_DATA_DIR}): work from a clone, "
        f"reinstall dtao_lib, or set {DATA_DIR_ENV} to a copy of the repository's data/ folder"
    )


def resolve_file(path: str | os.PathLike[str] | None, default: str, what: str, *, pattern: str | None = None) -> Path:
    """The file a loader should read.

    Parameters
    ----------
    path
        ``None`` for ``data_dir() / default``; a file; or a folder, in which ``default``'s file name is
        looked for first and then the last match of ``pattern`` (sorted by name, so the newest dated file).
    default
        Path of the shipped file relative to the data folder, e.g. ``"vectors/public.json"``.
    what
        Human name of the dataset, used in error messages.
    pattern
        Glob for other acceptable file names inside a folder, e.g. ``"subnets_snapshot_*.csv"``.

    Raises
    ------
    FileNotFoundError
        Naming the missing file or the folder that holds no matching file.
    """
    if path is None:
        p = data_dir() / default
    else:
        p = Path(path).expanduser()
        if p.is_dir():
            candidate = p / Path(default).name
            if not candidate.is_file() and pattern is not None:
                matches = sorted(p.glob(pattern))
                if matches:
                    candidate = matches[-1]
            if not candidate.is_file():
                want = Path(default).name + (f" or {pattern}" if pattern else "")
                raise FileNotFoundError(f"{what}: folder {p} holds no {want}")
            p = candidate
    if not p.is_file():
        hint = f"pass path= or set {DATA_DIR_ENV}" if path is None else "check path="
        raise FileNotFoundError(f"{what}: no such file {p} ({hint})")
    return p


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()
