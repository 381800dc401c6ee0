"""Smoke test of benchmarks/simulator.py --quick (about three seconds): it runs and ends with the JSON line.

Timings depend on the machine and its load, so nothing here asserts a speed; the committed figures
of a full run are in benchmarks/reference.json.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from dtao_lib.sim import kernel_numba

ROOT = Path(__file__).resolve().parents[1]
KEYS = ("speedup_vs_scalar_reference", "year_128_subnets_seconds", "scaling_exponent")


@pytest.mark.skipif(not kernel_numba.AVAILABLE, reason="the simulator benchmark times the numba kernel")
def test_quick_run_prints_the_figures():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "simulator.py"), "--quick"], capture_output=True,
                         text=True, check=True, timeout=300, cwd=ROOT)
    last = json.loads(out.stdout.strip().splitlines()[-1])
    for key in KEYS:
        assert isinstance(last[key], float)
        assert math.isfinite(last[key])
        assert last[key] > 0
    assert last["year_estimated"] is True
    assert last["year_blocks"] == 2_629_800
    assert "identical records" in out.stdout  # the kernel reproduced the scalar reference


def test_reference_figures_are_committed():
    ref = json.loads((ROOT / "benchmarks" / "reference.json").read_text(encoding="utf-8"))
    for key in (*KEYS, "date", "machine"):
        assert key in ref
    assert ref["details"]["year_estimated"] is False
