"""Timings of the Yuma epoch (dtao_lib.yuma, spec §5): prints a table, asserts nothing.

Run: ``.venv/bin/python benchmarks/yuma.py [--quick]``

Networks are random but seeded: ``n`` UIDs, min(64, n/2) validators with stake (64 = the mainnet
permit count),
each weighting a random third of the miners. Every configuration runs a few epochs so bonds and
permits are carried, and the best of ``--repeat`` runs per epoch is reported.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from dtao_lib import yuma


def network(n: int, validators: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
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


def best_of(fn, repeat: int) -> float:
    fn()  # warm-up (allocations, caches), not timed
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small networks only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    sizes = (64, 256) if args.quick else (64, 256, 1024)

    print(f"{'n':>6} {'mechanism':<22} {'path':<7} {'arith':<6} {'ms/epoch':>10}")
    for n in sizes:
        stakes, w = network(n)
        for label, params in (
            ("YC2", yuma.YumaParams(yuma3=False)),
            ("Yuma 3", yuma.YumaParams(yuma3=True)),
            ("Yuma 3 + liquid alpha", yuma.YumaParams(yuma3=True, liquid_alpha=True)),
        ):
            for sparse in (True, False):
                for fixed in (True, False):
                    def run(params=params, sparse=sparse, fixed=fixed, stakes=stakes, w=w):
                        yuma.run_epochs(stakes, [w] * args.epochs, params, sparse=sparse, fixed=fixed)

                    secs = best_of(run, args.repeat) / args.epochs
                    path = "sparse" if sparse else "dense"
                    arith = "I32F32" if fixed else "f64"
                    print(f"{n:>6} {label:<22} {path:<7} {arith:<6} {secs * 1e3:>10.2f}")

    print()
    print(f"{'n':>6} {'weighted_median_col (≤64 staked rows)':<38} {'ms':>10}")
    for n in sizes:
        stakes, w = network(n)
        frac = w / np.maximum(w.sum(axis=1, keepdims=True), 1)
        s = stakes / stakes.sum()
        secs = best_of(lambda s=s, frac=frac: yuma.weighted_median_col(s, frac, 0.5), args.repeat)
        print(f"{n:>6} {'':<38} {secs * 1e3:>10.2f}")


if __name__ == "__main__":
    main()
