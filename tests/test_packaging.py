"""Packaging: every subpackage is listed in pyproject, and data/ ships inside the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(cfg["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "dtao_lib").rglob("__init__.py")
        if "_vendor" not in p.parts
    }
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert cfg["package-dir"]["dtao_lib._data"] == "data"


def test_wheel_data_fallback(monkeypatch, tmp_path):
    """Without a repository data/ folder the loaders read the copy installed as dtao_lib/_data."""
    from dtao_lib.data import _paths

    wheel = tmp_path / "_data"
    (wheel / "vectors").mkdir(parents=True)
    monkeypatch.delenv(_paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setattr(_paths, "REPO_DATA_DIR", tmp_path / "missing")
    monkeypatch.setattr(_paths, "WHEEL_DATA_DIR", wheel)
    assert _paths.data_dir() == wheel
