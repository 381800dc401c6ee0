"""Speed of the network simulator (dtao_lib.sim): speed-up, a year at block resolution, scaling.

Run with ``make bench`` or ``.venv/bin/python benchmarks/simulator.py [--quick] [--write-reference]``.
It measures, on this machine:

1. **speed-up over the scalar reference** — the same scenario (HEAD = spec 459: emission gate with its
   bar state, Balancer reservoirs, chain-buy refund; the 128 subnets of the 2026-04-11 snapshot, noise
   traders and emission chasers) run by :mod:`dtao_lib.sim.reference` (plain Python,
   subnet by subnet) and by the compiled kernel; the two give identical numbers (tests check it);
2. **one simulated year of 128 subnets** at block resolution (365.25 × 7 200 = 2 629 800 blocks),
   recorded daily, numba engine; the kernel's compile (or cache-load) time is reported separately and
   not counted;
3. **scaling**: three sizes of blocks × subnets; the fitted exponent of time against work (1 = linear).

The last line printed is one JSON object with ``speedup_vs_scalar_reference``,
``year_128_subnets_seconds`` (wall time, best of ``--repeats`` runs) and ``scaling_exponent`` (and
details, among them ``year_128_subnets_cpu_seconds``: the CPU time of the same runs, which a machine
shared with other work inflates much less than the wall time). ``--quick`` runs smaller sizes
(a few seconds; the year is then extrapolated from 20 days and flagged ``year_estimated``).
``--write-reference`` stores the figures in ``benchmarks/reference.json`` (read by the appendix
"Status"). Goals: speed-up ≥ 100, a year ≤ 10 s, exponent ≈ 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

# One BLAS thread: OpenBLAS worker threads otherwise spin after numpy's linear algebra and steal the
# second core of a small machine from the (single-threaded) runs being timed.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from _common import machine_note  # benchmarks/_common.py (this directory is on sys.path)

from dtao_lib import sim
from dtao_lib.params import BLOCKS_PER_DAY
from dtao_lib.sim import kernel_numba
from dtao_lib.sim.reference import run_reference

YEAR_BLOCKS = round(365.25 * BLOCKS_PER_DAY)  # 2 629 800
POLICY = (sim.NoiseTraders(), sim.EmissionChasers(tao_per_day=2_000.0))
REFERENCE_JSON = Path(__file__).with_name("reference.json")


def scenario(n: int, blocks: int, record_every: int | None = None) -> sim.Scenario:
    return sim.Scenario(era="head", n_subnets=n, blocks=blocks, policy=POLICY, seed=1,
                        record_every=record_every or min(blocks, BLOCKS_PER_DAY))


def timed_run(scn: sim.Scenario, repeats: int = 1) -> float:
    """Best wall time of the block loop over ``repeats`` runs (compilation excluded)."""
    return min(sim.run(scn, engine="numba", progress=False).seconds for _ in range(repeats))


def cold_compile_seconds() -> float | None:
    """Compile the kernel in a fresh process with an empty numba cache; None if that fails."""
    import subprocess
    import tempfile

    code = "from dtao_lib.sim import kernel_numba as k; print(k.ensure_compiled())"
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        try:
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                                 timeout=600)
            return float(out.stdout.strip().splitlines()[-1])
        except (subprocess.SubprocessError, ValueError, IndexError):
            return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (CI smoke run)")
    parser.add_argument("--write-reference", action="store_true", help=f"write {REFERENCE_JSON.name}")
    parser.add_argument("--repeats", type=int, default=3, help="runs of the year (best of; default 3)")
    args = parser.parse_args()
    if not kernel_numba.AVAILABLE:
        sys.exit("numba is not installed: the simulator benchmark measures the compiled engine")
    quick = args.quick

    t = time.perf_counter()
    compile_s = kernel_numba.ensure_compiled()
    print(f"numba kernel ready in {compile_s:.2f} s (compilation, or loading numba's on-disk cache)")
    cold_s = None if quick else cold_compile_seconds()
    if cold_s is not None:
        print(f"a cold compile (empty numba cache, in a fresh process) takes {cold_s:.1f} s; not counted below")

    # 1. speed-up over the scalar reference, same scenario -------------------------------------------
    ref_blocks = 200 if quick else 1_500
    scn = scenario(128, ref_blocks, record_every=100)
    refs = [run_reference(scn) for _ in range(1 if quick else 3)]
    ref_s = min(r.seconds for r in refs)
    fast = sim.run(scn, engine="numba", progress=False)
    assert np.array_equal(refs[0].records, fast.records, equal_nan=True), "reference and kernel disagree"
    kernel_s = timed_run(scn, repeats=7)
    numpy_blocks = 200 if quick else 1_000
    numpy_s = sim.run(scenario(128, numpy_blocks, 100), engine="numpy", progress=False).seconds
    speedup = ref_s / kernel_s
    print(f"scalar reference : {ref_blocks} blocks × 128 subnets in {ref_s:8.3f} s (best of {len(refs)}) "
          f"({ref_s / ref_blocks * 1e3:.2f} ms/block)")
    print(f"numba kernel     : {ref_blocks} blocks × 128 subnets in {kernel_s:8.4f} s "
          f"({kernel_s / ref_blocks * 1e6:.1f} µs/block) — identical records")
    print(f"numpy engine     : {numpy_blocks} blocks × 128 subnets in {numpy_s:8.3f} s "
          f"({numpy_s / numpy_blocks * 1e6:.0f} µs/block)")
    print(f"speed-up of the kernel over the scalar reference: {speedup:,.0f}× (goal ≥ 100×); "
          f"over the numpy engine: {numpy_s / numpy_blocks / (kernel_s / ref_blocks):,.0f}×")

    # 2. one year of 128 subnets ---------------------------------------------------------------------
    year_blocks = 20 * BLOCKS_PER_DAY if quick else YEAR_BLOCKS
    runs = [sim.run(scenario(128, year_blocks), engine="numba", progress=False) for _ in range(1 if quick else
                                                                                            max(1, args.repeats))]
    res = min(runs, key=lambda r: r.seconds)
    year_s = res.seconds * YEAR_BLOCKS / year_blocks
    year_cpu = min(r.cpu_seconds for r in runs) * YEAR_BLOCKS / year_blocks
    rec_mb = res.records.nbytes / 2**20
    label = "estimated from 20 days" if quick else f"measured, best of {len(runs)}"
    print(f"one year, 128 subnets ({YEAR_BLOCKS:,} blocks, daily records = {rec_mb:.1f} MB): "
          f"{year_s:.1f} s wall, {year_cpu:.1f} s CPU ({label}; {res.seconds / year_blocks * 1e6:.1f} µs/block; "
          f"goal ≤ 10 s)")

    # 3. scaling -----------------------------------------------------------------------------------------
    base = 10_000 if quick else 80_000
    sizes = [(32, base), (64, 2 * base), (128, 4 * base)]
    times = []
    for n, blocks in sizes:
        sec = timed_run(scenario(n, blocks), repeats=2)
        times.append(sec)
        print(f"  {n:4d} subnets × {blocks:8,d} blocks = {n * blocks / 1e6:6.2f} M subnet-blocks: {sec:7.3f} s "
              f"({sec / (n * blocks) * 1e9:.0f} ns per subnet-block)")
    work = np.log([n * b for n, b in sizes])
    exponent = float(np.polyfit(work, np.log(times), 1)[0])
    blocks_only = [(128, base), (128, 4 * base)]
    tb = [timed_run(scenario(n, b)) for n, b in blocks_only]
    exp_blocks = math.log(tb[1] / tb[0]) / math.log(4)
    print(f"fitted exponent of time vs blocks × subnets: {exponent:.3f} (1 = linear); "
          f"vs blocks alone at 128 subnets: {exp_blocks:.3f}")

    out = {
        "speedup_vs_scalar_reference": round(speedup, 1),
        "year_128_subnets_seconds": round(year_s, 2),
        "scaling_exponent": round(exponent, 3),
        "year_estimated": quick,
        "year_blocks": YEAR_BLOCKS,
        "year_128_subnets_cpu_seconds": round(year_cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "compile_seconds": round(compile_s, 2),
        "cold_compile_seconds": None if cold_s is None else round(cold_s, 1),
        "kernel_us_per_block_128": round(kernel_s / ref_blocks * 1e6, 2),
        "numpy_us_per_block_128": round(numpy_s / numpy_blocks * 1e6, 1),
        "reference_ms_per_block_128": round(ref_s / ref_blocks * 1e3, 3),
        "quick": quick,
        "total_seconds": round(time.perf_counter() - t, 1),
    }
    if args.write_reference:
        if quick:
            sys.exit("--write-reference needs a full run (without --quick)")
        REFERENCE_JSON.write_text(json.dumps({
            "date": dt.date.today().isoformat(),
            "machine": machine_note("numpy", "numba"),
            "command": ".venv/bin/python benchmarks/simulator.py --write-reference",
            "speedup_vs_scalar_reference": out["speedup_vs_scalar_reference"],
            "year_128_subnets_seconds": out["year_128_subnets_seconds"],
            "scaling_exponent": out["scaling_exponent"],
            "details": {k: v for k, v in out.items() if k not in (
                "speedup_vs_scalar_reference", "year_128_subnets_seconds", "scaling_exponent")},
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {REFERENCE_JSON}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
