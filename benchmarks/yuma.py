"""Speed of the Yuma epoch (dtao_lib.yuma, spec §5): the exact I32F32 path against a float64 reference.

Run: ``.venv/bin/python benchmarks/yuma.py [--quick] [--epochs 100] [--repeat 3] [--write-reference]``

**Headline.** ``yuma.run_epochs`` (I32F32 emulated on int64 arrays, the library's default, ``fixed=True``)
on 64 validators × 256 miners (320 UIDs) × ``--epochs`` epochs, Yuma 3 with the mainnet defaults,
against :func:`float_reference_epoch` below: a plain float64 numpy implementation of the same epoch,
written here (not in the library) as a researcher would write it from the spec — dense ``n × n``
matrices, BLAS matrix-vector products, a sort-based κ-quantile, no input checks, no fixed point.
Both are timed the same way: the best of ``--repeat`` runs of all epochs, in CPU time of this
(single-threaded) process, because the machine is shared and wall time then mostly measures the
wait for a core; the wall times are reported too (``wall_*``; on an idle machine they match). The
reference's dividends and bonds are checked against the exact path's (they agree to float noise) so
that both do the same work.

The last line printed is one JSON object: ``exact_ms_per_epoch``, ``float_reference_ms_per_epoch``,
``ratio_vs_float_reference`` (exact ÷ float; goal ≤ 1, issue 17) and details, including a table of
the other paths (classic Yuma, liquid alpha, sparse/dense, the library's own float64 path).
``--write-reference`` stores it in ``benchmarks/reference_yuma.json`` (read by the appendix "Status").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # timed runs are single-threaded; so is the reference

import numpy as np
from _common import machine_note  # benchmarks/_common.py (this directory is on sys.path)

from dtao_lib import yuma

REFERENCE_JSON = Path(__file__).with_name("reference_yuma.json")
U16 = 65535


def network(n: int, validators: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random subnet: ``validators`` staked UIDs first, each weighting a random third of the miners."""
    rng = np.random.default_rng(seed)
    validators = min(validators, n // 2)
    stakes = np.zeros(n, dtype=np.int64)
    stakes[:validators] = rng.integers(1_000, 1_000_000, validators) * 10**9
    weights = np.zeros((n, n), dtype=np.int64)
    miners = np.arange(validators, n)
    for v in range(validators):  # seeding a fixture, not library code
        chosen = rng.choice(miners, size=max(1, len(miners) // 3), replace=False)
        weights[v, chosen] = rng.integers(1, 65_536, chosen.size)
    return stakes, weights


# ---------------------------------------------------------------------------------------------
# The float64 reference: the same Yuma-3 epoch, written plainly for this benchmark
# ---------------------------------------------------------------------------------------------
def _quantile_cols(s: np.ndarray, w: np.ndarray, kappa: float) -> np.ndarray:
    """Per column, the smallest value v with Σ{s_i : w_ij ≤ v} > Σs − κ (the stake-weighted κ-quantile)."""
    staked = s > 0
    if not staked.any():
        return np.zeros(w.shape[1])
    s, w = s[staked] / s[staked].sum(), w[staked]
    order = np.argsort(w, axis=0, kind="stable")
    sorted_w = np.take_along_axis(w, order, axis=0)
    cum = np.cumsum(s[order], axis=0)
    first = np.minimum((cum <= 1.0 - kappa).sum(axis=0), w.shape[0] - 1)
    return sorted_w[first, np.arange(w.shape[1])]


def float_reference_epoch(stake: np.ndarray, w_raw: np.ndarray, bonds_u16: np.ndarray, permit: np.ndarray,
                          p: yuma.YumaParams, emission: float = 1e9) -> dict[str, np.ndarray]:
    """One Yuma-3 epoch (no liquid alpha) in float64, dense n × n (spec §5.1–§5.5)."""
    n = stake.size
    s = stake / stake.sum()
    top = np.zeros(n, dtype=bool)
    top[np.argsort(s, kind="stable")[max(n - p.max_allowed_validators, 0):]] = True
    permit_new = top & (s > 0)
    active = np.where(permit, s, 0.0)
    active /= active.sum()
    row_max = w_raw.max(axis=1, keepdims=True)
    stored = np.where(row_max > 0, np.round(w_raw * (U16 / np.maximum(row_max, 1))), 0.0)
    stored[~permit] = 0.0
    np.fill_diagonal(stored, 0.0)
    row_sum = stored.sum(axis=1, keepdims=True)
    w = np.divide(stored, row_sum, out=np.zeros_like(stored), where=row_sum > 0)
    cons = _quantile_cols(active, w, p.kappa)
    clipped = np.minimum(w, cons[None, :])
    ranks = active @ clipped
    inc = ranks / ranks.sum() if ranks.sum() > 0 else ranks
    wb = w + p.bonds_penalty * (clipped - w)
    a = 1.0 - p.bonds_moving_average / 1e6
    ema = np.minimum(a * wb + (1 - a) * bonds_u16 / U16, 1.0)
    col = ema.sum(axis=0)
    div = active * (np.divide(ema, col, out=np.zeros_like(ema), where=col > 0) @ inc)
    div = div / div.sum() if div.sum() > 0 else div
    total = inc.sum() + div.sum()
    new_bonds = np.where(permit_new[:, None], np.floor(ema * U16), np.where(permit[:, None], 0, bonds_u16))
    return {"incentive": inc, "dividends": div, "bonds": new_bonds.astype(np.int64), "permit": permit_new,
            "server": np.floor(inc / total * emission), "validator": np.floor(div / total * emission)}


def float_reference_run(stakes: np.ndarray, weights: list[np.ndarray], p: yuma.YumaParams) -> list[dict]:
    n = stakes.size
    s = stakes.astype(np.float64)
    permit = np.zeros(n, dtype=bool)
    permit[np.argsort(s, kind="stable")[max(n - p.max_allowed_validators, 0):]] = True
    permit &= s > 0
    bonds = np.zeros((n, n), dtype=np.int64)
    out = []
    for w in weights:
        r = float_reference_epoch(s, w.astype(np.float64), bonds, permit, p)
        bonds, permit = r["bonds"], r["permit"]
        out.append(r)
    return out


# ---------------------------------------------------------------------------------------------
def best_of(fn, repeat: int, clock=time.process_time) -> float:
    """Best of ``repeat`` timed runs after one warm-up run; ``clock`` is CPU time by default."""
    fn()  # warm-up (allocations, caches), not timed
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 epochs, no table of other paths")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--write-reference", action="store_true", help=f"write {REFERENCE_JSON.name}")
    args = parser.parse_args()
    epochs = 10 if args.quick else args.epochs
    validators, miners = 64, 256
    stakes, w = network(validators + miners, validators)
    mats = [w] * epochs
    p = yuma.YumaParams()

    exact = yuma.run_epochs(stakes, mats, p)
    ref = float_reference_run(stakes, mats, p)
    agree = max(float(np.abs(a.dividends - b["dividends"]).max()) for a, b in zip(exact, ref, strict=True))
    bonds_diff = max(int(np.abs(a.bonds - b["bonds"]).max()) for a, b in zip(exact, ref, strict=True))

    t_exact = best_of(lambda: yuma.run_epochs(stakes, mats, p), args.repeat) / epochs
    t_ref = best_of(lambda: float_reference_run(stakes, mats, p), args.repeat) / epochs
    wall_exact = best_of(lambda: yuma.run_epochs(stakes, mats, p), args.repeat, time.perf_counter) / epochs
    wall_ref = best_of(lambda: float_reference_run(stakes, mats, p), args.repeat, time.perf_counter) / epochs

    table = []
    if not args.quick:
        print(f"{'mechanism':<22} {'path':<7} {'arith':<6} {'ms/epoch':>10}   (CPU; n = {validators + miners}, "
              "10 epochs)")
        for label, params in (("Yuma 3", yuma.YumaParams(yuma3=True)),
                              ("Yuma 3 + liquid alpha", yuma.YumaParams(yuma3=True, liquid_alpha=True)),
                              ("YC2", yuma.YumaParams(yuma3=False))):
            for sparse in (True, False):
                for fixed in (True, False):
                    def run(params=params, sparse=sparse, fixed=fixed):
                        yuma.run_epochs(stakes, [w] * 10, params, sparse=sparse, fixed=fixed)

                    ms = best_of(run, args.repeat) / 10 * 1e3  # CPU time
                    row = {"mechanism": label, "path": "sparse" if sparse else "dense",
                           "arith": "I32F32" if fixed else "f64", "ms_per_epoch": round(ms, 2)}
                    table.append(row)
                    print(f"{label:<22} {row['path']:<7} {row['arith']:<6} {ms:>10.2f}")

    summary = {
        "exact_ms_per_epoch": round(t_exact * 1e3, 3),
        "float_reference_ms_per_epoch": round(t_ref * 1e3, 3),
        "ratio_vs_float_reference": round(t_exact / t_ref, 3),
        "wall_exact_ms_per_epoch": round(wall_exact * 1e3, 3),
        "wall_float_reference_ms_per_epoch": round(wall_ref * 1e3, 3),
        "wall_ratio": round(wall_exact / wall_ref, 3),
        "network": f"{validators} validators × {miners} miners ({validators + miners} UIDs), {epochs} epochs, "
                   "Yuma 3 defaults",
        "max_dividend_difference": agree,
        "max_bond_difference_u16": bonds_diff,
        "repeat": args.repeat,
        "date": dt.date.today().isoformat(),
        "machine": machine_note("numpy"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "other_paths": table,
    }
    if args.write_reference and not args.quick:
        ref_json = {**summary, "command": ".venv/bin/python benchmarks/yuma.py --write-reference"}
        REFERENCE_JSON.write_text(json.dumps(ref_json, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
