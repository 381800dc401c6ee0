"""Shared fixtures: the public conformance vectors shipped in data/vectors/."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from dtao_lib.data import load_vectors as _load

# Property tests: `make test` (and CI) is deterministic, so a green run stays green; explore new
# random examples with `HYPOTHESIS_PROFILE=explore make unit` (or pytest --hypothesis-profile=explore).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=1_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def load_vectors() -> dict[str, dict]:
    """Every public vector, keyed by id (e.g. ``"SW-08"``), read by dtao_lib's validating loader."""
    return {v["id"]: v for v in _load()["vectors"]}


@pytest.fixture(scope="session")
def vectors() -> dict[str, dict]:
    return load_vectors()
