"""Shared fixtures: the public conformance vectors shipped in data/vectors/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

VECTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "vectors" / "public.json"


def load_vectors() -> dict[str, dict]:
    """Every public vector, keyed by id (e.g. ``"SW-08"``)."""
    data = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    return {v["id"]: v for v in data["vectors"]}


@pytest.fixture(scope="session")
def vectors() -> dict[str, dict]:
    return load_vectors()
