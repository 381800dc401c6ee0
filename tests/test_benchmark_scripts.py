"""Smoke tests of benchmarks/widgets.py and benchmarks/yuma.py: they run and end with their JSON line.

Timings depend on the machine and its load, so nothing here asserts a speed; the committed figures of
full runs are in benchmarks/reference_widgets.json and benchmarks/reference_yuma.json.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _last_json(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True, timeout=600, cwd=ROOT,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_widget_benchmark_covers_the_figure_registry():
    pytest.importorskip("ipywidgets")
    last = _last_json("benchmarks/widgets.py", "--rounds", "1", "--only", "halvings.haircut_by_gap")
    assert list(last["figures"]) == ["halvings.haircut_by_gap"]
    r = last["figures"]["halvings.haircut_by_gap"]
    assert r["changes"] > 0
    assert r["errors_shown"] == 0
    assert math.isfinite(last["worst_p95_ms"])
    assert r["p50_ms"] <= r["p95_ms"] <= r["max_ms"]


def test_widget_benchmark_enumerates_every_live_figure():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import widgets
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from dtao_lib.figures._live import live_figures

    assert [name for name, _ in widgets.live_figures()] == sorted(live_figures())


def test_yuma_benchmark_reference_agrees_with_the_library():
    last = _last_json("benchmarks/yuma.py", "--quick", "--repeat", "1")
    for key in ("exact_ms_per_epoch", "float_reference_ms_per_epoch", "ratio_vs_float_reference"):
        assert last[key] > 0
    # the float reference does the same epoch: same bonds, dividends to float noise
    assert last["max_bond_difference_u16"] <= 1
    assert last["max_dividend_difference"] < 1e-6


def test_reference_figures_are_committed():
    widgets = json.loads((ROOT / "benchmarks" / "reference_widgets.json").read_text(encoding="utf-8"))
    yuma = json.loads((ROOT / "benchmarks" / "reference_yuma.json").read_text(encoding="utf-8"))
    for key in ("worst_p95_ms", "worst_cpu_p95_ms", "figures", "machine", "load_average"):
        assert key in widgets
    for key in ("exact_ms_per_epoch", "float_reference_ms_per_epoch", "ratio_vs_float_reference", "machine"):
        assert key in yuma
