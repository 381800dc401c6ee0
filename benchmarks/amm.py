"""Timings of the AMM pools (dtao_lib.amm, spec §4): prints a table, asserts nothing.

Run: ``.venv/bin/python benchmarks/amm.py [--quick]``

Each row times one operation on a mainnet-sized pool (1e15–1e16 rao reserves) with a different
input amount on every call, so nothing is served from a cache. Reported: the median and the best of
``--repeat`` batches, in microseconds per call. The Balancer rows distinguish equal weights (the
exponent is 1: an exact integer division) from a general Perquintill weight (the exponent is a
ratio of 18-digit integers: a 60-digit decimal ``exp(ln)``). The array rows time the float64
vectorised helpers per pool.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from dtao_lib import amm

T, A = 2_000_000 * 10**9, 8_000_000 * 10**9  # 2 M TAO, 8 M alpha: price 0.25


def per_call_us(fn: Callable[[int], object], calls: int, repeat: int) -> tuple[float, float]:
    """Median and best microseconds per call over ``repeat`` batches of ``calls`` calls."""
    fn(1)  # warm-up, not timed
    times = []
    for r in range(repeat):
        t0 = time.perf_counter()
        for k in range(calls):
            fn(10**9 + 7919 * (k + r * calls))  # a different amount (≈1 TAO) each time
        times.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls per batch")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    calls = 200 if args.quick else 2_000

    cp = amm.ConstantProductPool(T, A)
    v3 = amm.FullRangePool(T, A)
    bal = amm.BalancerPool(T, A)
    bal_w = amm.BalancerPool(T, A, quote_weight=Fraction(431_234_567_890_123_457, 10**18))
    rows: list[tuple[str, Callable[[int], object]]] = [
        ("ConstantProductPool.buy_alpha", cp.buy_alpha),
        ("ConstantProductPool.sell_alpha", cp.sell_alpha),
        ("FullRangePool.buy_alpha", v3.buy_alpha),
        ("FullRangePool.sell_alpha", v3.sell_alpha),
        ("FullRangePool.buy_alpha (limit)", lambda d: v3.buy_alpha(1000 * d, limit_price=0.2501)),
        ("BalancerPool.buy_alpha (w=0.5)", bal.buy_alpha),
        ("BalancerPool.sell_alpha (w=0.5)", bal.sell_alpha),
        ("BalancerPool.buy_alpha (w=0.4312...)", bal_w.buy_alpha),
        ("BalancerPool.sell_alpha (w=0.4312...)", bal_w.sell_alpha),
        ("BalancerPool.sell_alpha (author fee)", lambda d: bal_w.sell_alpha(d, author_fee_swap=True)),
        ("BalancerPool.buy_alpha (limit)", lambda d: bal_w.buy_alpha(1000 * d, limit_price=0.2501)),
        ("BalancerPool.inject", lambda d: bal_w.inject(d, 4 * d)),
        ("BalancerPool.tao_to_reach_price", lambda d: bal_w.tao_to_reach_price(0.25 + d * 1e-12)),
        ("round_trip (Balancer, w=0.5)", lambda d: amm.round_trip(bal, d)),
        ("v3_alpha_out_for_tao", lambda d: amm.v3_alpha_out_for_tao(2 * 10**15, 0.5, d)),
    ]

    print(f"{'operation':<42} {'median µs':>10} {'best µs':>9}")
    for label, fn in rows:
        med, best = per_call_us(fn, calls, args.repeat)
        print(f"{label:<42} {med:>10.1f} {best:>9.1f}")

    rng = np.random.default_rng(0)
    for n in (128, 10_000) if args.quick else (128, 10_000, 1_000_000):
        t = rng.uniform(1e12, 1e16, n)
        a = rng.uniform(1e12, 1e16, n)
        d = rng.uniform(0, 1e12, n)
        w = rng.uniform(0.3, 0.7, n)
        for label, fn in (
            ("cp_buy_array", lambda t=t, a=a, d=d: amm.cp_buy_array(t, a, d)),
            ("balancer_buy_array", lambda t=t, a=a, d=d, w=w: amm.balancer_buy_array(t, a, d, w)),
        ):
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t0)
            print(f"{label + f' (n={n:,})':<42} {'':>10} {best / n * 1e6:>9.3f}  (per pool; {best * 1e3:.2f} ms total)")


if __name__ == "__main__":
    main()
