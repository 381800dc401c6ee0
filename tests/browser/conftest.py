"""Fixtures shared by the browser tests (helpers that benchmarks use too are in ``_helpers.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._helpers import CHROMIUM, launch_chromium


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium for one test module; fails with the fix if it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    with launch_chromium() as b:
        yield b
