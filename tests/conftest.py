"""Shared fixtures: the public conformance vectors shipped in data/vectors/."""

from __future__ import annotations

import pytest

from dtao_lib.data import load_vectors as _load


def load_vectors() -> dict[str, dict]:
    """Every public vector, keyed by id (e.g. ``"SW-08"``), read by dtao_lib's validating loader."""
    return {v["id"]: v for v in _load()["vectors"]}


@pytest.fixture(scope="session")
def vectors() -> dict[str, dict]:
    return load_vectors()
