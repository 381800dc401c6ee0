"""Timings of the core per-block economics: coinbase, EMA price and TaoFlow (spec §3).

Run with ``make bench`` or ``.venv/bin/python benchmarks/core.py [--subnets 128] [--quick]``.
Prints the median wall time per call over several repeats. This is a report, not a test:
nothing here asserts a time, because timings depend on the machine and its load.

Reference point (the target of the library): one coinbase step over 128 subnets should take well
under a millisecond in exact fixed-point mode, so that a day of blocks (7 200) runs in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import timeit
from collections.abc import Callable

import numpy as np

from dtao_lib import coinbase, ema, taoflow
from dtao_lib.params import BLOCKS_PER_DAY


def _time(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds per call, with the number of calls per repeat chosen by ``autorange``."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    runs = timer.repeat(repeat=repeats, number=number)
    return statistics.median(runs) / number


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:9.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:9.2f} ms"
    return f"{seconds:9.2f} s "


def _state(n: int, rng: np.random.Generator) -> coinbase.BlockState:
    return coinbase.BlockState(
        ema_prices=rng.uniform(0.0, 0.03, n),
        spot_prices=rng.uniform(1e-4, 0.05, n),
        alpha_issuance=rng.integers(10**14, 6 * 10**15, n),
        root_tao=4_000_000 * 10**9,
        block_emission=500_000_000,
        miner_burned=rng.uniform(0, 1, n) * (rng.uniform(0, 1, n) < 0.3),
        flows=rng.normal(0, 1e10, n),
        protocol_flows=rng.normal(1e9, 1e10, n),
        emission_enabled=rng.uniform(0, 1, n) < 0.95,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subnets", type=int, default=128, help="number of subnets (default 128)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    n = args.subnets
    repeats = 3 if args.quick else 7
    rng = np.random.default_rng(2026)
    st = _state(n, rng)

    rows: list[tuple[str, float, str]] = []

    def bench(label: str, fn: Callable[[], object], note: str = "") -> None:
        rows.append((label, _time(fn, repeats), note))

    # --- coinbase ------------------------------------------------------------------------
    for era_name in ("head", "C", "B'", "v3.3.1", "v3.2.8", "A"):
        bench(f"coinbase.block  era={era_name:<7} exact", lambda e=era_name: coinbase.block(st, era=e),
              f"{n} subnets")
    bench("coinbase.block  era=head    float", lambda: coinbase.block(st, exact=False), f"{n} subnets")
    prices = st.ema_prices.tolist()
    bench("coinbase.subnet_tao_emission (head)",
          lambda: coinbase.subnet_tao_emission(500_000_000, prices, miner_burned=st.miner_burned), f"{n} subnets")
    bench("coinbase.subnet_terms (one subnet)",
          lambda: coinbase.subnet_terms(3_000_000, 0.004, alpha_emission_rao=10**9, root_proportion=0.4))
    bench("coinbase.split_alpha_out (one subnet)",
          lambda: coinbase.split_alpha_out(10**9, root_proportion=0.4, root_sell_flag=False))
    divs = {i: float(d) for i, d in enumerate(rng.uniform(0, 1e8, 64))}
    a_st = {i: int(x) for i, x in enumerate(rng.integers(0, 10**15, 64))}
    r_st = {i: int(x) for i, x in enumerate(rng.integers(0, 10**15, 64))}
    bench("coinbase.split_dividends (64 hotkeys)",
          lambda: coinbase.split_dividends(divs, a_st, r_st, pending_validator_alpha=10**11,
                                           pending_root_alpha=10**10))

    # --- EMA price --------------------------------------------------------------------------
    b0 = rng.integers(1, 10**6, n)
    bench("ema.update_moving_price (one step)",
          lambda: ema.update_moving_price(0.01, 0.012, blocks_since_start=500_000))
    bench("ema.update_moving_price exact",
          lambda: ema.update_moving_price(0.01, 0.012, blocks_since_start=500_000, exact=True))
    bench("ema.moving_price_path constant spot",
          lambda: ema.moving_price_path(st.ema_prices, st.spot_prices, blocks_since_start=b0,
                                        n_blocks=BLOCKS_PER_DAY), f"{n} subnets × 1 day")
    spots = np.tile(st.spot_prices, (BLOCKS_PER_DAY, 1))
    bench("ema.moving_price_path per-block spot",
          lambda: ema.moving_price_path(st.ema_prices, spots, blocks_since_start=b0), f"{n} subnets × 1 day")

    # --- TaoFlow ----------------------------------------------------------------------------
    bench("taoflow.pow_normalize p=1.5", lambda: taoflow.pow_normalize(np.abs(st.flows), 1.5), f"{n} subnets")
    bench("taoflow.flow_shares (net)", lambda: taoflow.flow_shares(st.flows, st.protocol_flows), f"{n} subnets")
    day_flows = rng.normal(0, 1e9, (BLOCKS_PER_DAY, n))
    bench("taoflow.flow_ema_path", lambda: taoflow.flow_ema_path(st.flows, day_flows), f"{n} subnets × 1 day")

    width = max(len(r[0]) for r in rows)
    print(f"dtao_lib core timings (median of {repeats} repeats)")
    print("-" * (width + 32))
    for label, sec, note in rows:
        print(f"{label:<{width}}  {_fmt(sec)}  {note}")
    step = next(sec for label, sec, _ in rows if label.startswith("coinbase.block  era=head    exact"))
    fast = next(sec for label, sec, _ in rows if label.startswith("coinbase.block  era=head    float"))
    print("-" * (width + 32))
    print(f"one day of coinbase steps ({BLOCKS_PER_DAY} blocks, {n} subnets): "
          f"exact {step * BLOCKS_PER_DAY:.1f} s, float {fast * BLOCKS_PER_DAY:.1f} s")


if __name__ == "__main__":
    main()
