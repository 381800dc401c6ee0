"""Running a scenario: :func:`run` and its result, :class:`SimResult`.

:func:`run` builds the state (:mod:`dtao_lib.sim.state`), then alternates Python-side events
(:mod:`dtao_lib.sim.events`) with chunks of blocks advanced by an engine:

* ``"numba"`` — the compiled kernel (:mod:`dtao_lib.sim.kernel_numba`), ~5–20 µs per block for 128
  subnets; the default when numba is installed;
* ``"numpy"`` — the vectorised fallback (:mod:`dtao_lib.sim.kernel_numpy`), ~0.2 ms per block;
  required for :class:`~dtao_lib.sim.policies.CustomPolicy`;
* ``"python"`` — the kernel's own code, uncompiled (very slow; the tests use it to show that
  compilation changes nothing).

Results are recorded every ``Scenario.record_every`` blocks into preallocated arrays, so memory is
bounded by the number of records, not of blocks. Runs that take longer than a second show a tqdm
progress bar (never during a book build).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validate import check_bool, check_int
from ..params import BLOCKS_PER_DAY
from . import _layout as L
from . import kernel_numba, kernel_numpy
from .events import EventQueue
from .policies import noise_events
from .scenario import Scenario
from .state import SimState, build_state

__all__ = ["ConservationError", "SimResult", "run"]

Engine = Literal["auto", "numba", "numpy", "python"]


class ConservationError(AssertionError):
    """A conservation identity failed in debug mode (a bug in the simulator, never bad input)."""


@dataclass
class SimResult:
    """What a run recorded.

    Attributes
    ----------
    scenario
        The scenario that was run.
    engine
        ``"numba"``, ``"numpy"`` or ``"python"``.
    seconds
        Wall time of the block loop (compilation excluded).
    compile_seconds
        Time spent compiling or loading the numba kernel in this call (0 if it was ready).
    records, network
        Raw records: ``records[r, metric, slot]`` (metrics :data:`dtao_lib.sim._layout.SUB_METRICS`)
        and ``network[r, k]`` (:data:`~dtao_lib.sim._layout.GLOB_METRICS`).
    final
        The state after the last block.
    """

    scenario: Scenario
    engine: str
    seconds: float
    compile_seconds: float
    records: np.ndarray = field(repr=False)
    network: np.ndarray = field(repr=False)
    final: SimState = field(repr=False)
    event_log: list[dict[str, Any]] = field(default_factory=list, repr=False)
    cpu_seconds: float = 0.0
    """CPU time of the block loop (this process): the run's cost without the machine's other load."""
    labels: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)

    @property
    def blocks_per_second(self) -> float:
        return self.scenario.blocks / self.seconds if self.seconds > 0 else float("inf")

    @cached_property
    def wide(self) -> pd.DataFrame:
        """One row per recorded block and subnet, one column per metric.

        Columns: ``block``, ``day`` (days since the start), ``subnet`` (label), ``netuid``,
        ``generation`` (0 for subnets present at the start, 1+ for subnets registered later in the
        same slot), the metrics of :data:`~dtao_lib.sim._layout.SUB_METRICS` (amounts in TAO and
        alpha; ``*_per_block`` are the amounts of the recorded block) and the derived ``adr``
        (α_out/α_in, spec §7), ``adr_with_protocol`` ((α_out + protocol α)/α_in),
        ``liquidation_price`` (τ_pool/α_out) and ``market_cap_tao`` (p·α_out).
        """
        rec = self.records
        _n_rec, _, _n = rec.shape
        active = rec[:, L.M_ACTIVE, :] == 1.0
        rr, ss = np.nonzero(active)
        data: dict[str, Any] = {
            "block": self.network[rr, L.R_BLOCK].astype(np.int64),
            "day": (self.network[rr, L.R_BLOCK] - self.scenario.start_block + 1) / BLOCKS_PER_DAY,
        }
        gen = rec[rr, L.M_GEN, ss].astype(np.int64)
        data["subnet"] = [self.labels.get((int(s), int(g)), f"slot{s}") for s, g in zip(ss, gen, strict=True)]
        data["netuid"] = rec[rr, L.M_NETUID, ss].astype(np.int64)
        data["generation"] = gen
        for m, name in enumerate(L.SUB_METRICS):
            if name in ("netuid", "generation", "active"):
                continue
            data[name] = rec[rr, m, ss]
        df = pd.DataFrame(data)
        with np.errstate(divide="ignore", invalid="ignore"):
            df["adr"] = df["alpha_out"] / df["alpha_in"]
            df["adr_with_protocol"] = (df["alpha_out"] + df["protocol_alpha"]) / df["alpha_in"]
            df["liquidation_price"] = np.where(df["alpha_out"] > 0, df["tao_reserve"] / df["alpha_out"], np.nan)
        df["market_cap_tao"] = df["price"] * df["alpha_out"]
        df["emission_enabled"] = df["emission_enabled"] == 1.0
        return df

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The records as a tidy (long) table: ``block, day, subnet, netuid, generation, metric, value``."""
        ids = ["block", "day", "subnet", "netuid", "generation"]
        wide = self.wide.copy()
        wide["emission_enabled"] = wide["emission_enabled"].astype(float)
        return wide.melt(id_vars=ids, var_name="metric", value_name="value")

    @cached_property
    def totals(self) -> pd.DataFrame:
        """Network totals per recorded block.

        The recorded scalars (:data:`~dtao_lib.sim._layout.GLOB_METRICS`; cumulative amounts since
        the start in TAO) plus, from the subnets: ``sum_price`` (Σ spot), ``sum_share``, ``hhi``
        (Σ share², the Herfindahl index of emission concentration), ``top_share``,
        ``pool_tao`` (Σ pool TAO), ``alpha_out`` (Σ α_out), ``median_adr``.
        """
        g = self.network
        df = pd.DataFrame({name: g[:, k] for k, name in enumerate(L.GLOB_METRICS)})
        df["block"] = df["block"].astype(np.int64)
        df.insert(1, "day", (df["block"] - self.scenario.start_block + 1) / BLOCKS_PER_DAY)
        df["active_subnets"] = df["active_subnets"].astype(np.int64)
        rec = self.records
        act = rec[:, L.M_ACTIVE, :] == 1.0
        share = np.where(act, rec[:, L.M_SHARE, :], 0.0)
        df["sum_price"] = np.where(act, rec[:, L.M_PRICE, :], 0.0).sum(axis=1)
        df["sum_share"] = share.sum(axis=1)
        df["hhi"] = (share**2).sum(axis=1)
        df["top_share"] = share.max(axis=1, initial=0.0)
        df["pool_tao"] = np.where(act, rec[:, L.M_TAO, :], 0.0).sum(axis=1)
        df["alpha_out"] = np.where(act, rec[:, L.M_AOUT, :], 0.0).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            adr = np.where(act, rec[:, L.M_AOUT, :] / rec[:, L.M_AIN, :], np.nan)
        df["median_adr"] = np.nanmedian(adr, axis=1) if adr.size else np.nan
        return df

    @property
    def rejected(self) -> pd.DataFrame:
        """User actions the simulator refused, by source and reason (empty if none).

        Columns ``source`` (noise traders, emission chasers, emission sales, root claims, pump, custom
        policy), ``reason`` (a stake larger than all the TAO outside the pools, a pool reserve below its
        minimum, a trade larger than the pool accepts, a trade too small to pay out), ``count`` and
        ``amount`` (TAO for stakes, alpha for sales; each refused amount counted up to 1e8).
        Nothing is clipped or dropped silently: a refused action leaves the state unchanged and is
        counted here; pumps are also logged in :attr:`events`.
        """
        g = self.final.G
        rows = []
        for src, src_name in enumerate(L.SOURCES):
            for rsn, why in enumerate(L.REASONS):
                k = src * L.N_RSN + rsn
                count = int(g[L.G_REJ + k])
                if count:
                    rows.append({"source": src_name, "reason": why, "count": count,
                                 "amount": float(g[L.G_REJ_AMT + k]) / 1e9})
        return pd.DataFrame(rows, columns=["source", "reason", "count", "amount"])

    @property
    def events(self) -> pd.DataFrame:
        """Pumps, registrations, dissolutions... one row each (empty if none)."""
        cols = ["block", "day", "event", "netuid", "slot"]
        return pd.DataFrame(self.event_log) if self.event_log else pd.DataFrame(columns=cols)

    def subnet(self, netuid: int, generation: int | None = None) -> pd.DataFrame:
        """The wide records of one subnet (the latest generation holding ``netuid`` by default)."""
        df = self.wide[self.wide["netuid"] == netuid]
        if df.empty:
            raise ValueError(f"netuid must be one of the simulated netuids, got {netuid}")
        gen = df["generation"].max() if generation is None else generation
        return df[df["generation"] == gen].reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """A few headline numbers of the run (one row of a sweep table)."""
        t = self.totals
        last = t.iloc[-1]
        return {
            **{k: v for k, v in self.scenario.describe().items() if k in ("name", "era", "era_letter", "n_subnets",
                                                                         "days", "policy", "seed")},
            "engine": self.engine,
            "seconds": self.seconds,
            "final_hhi": float(last["hhi"]),
            "final_top_share": float(last["top_share"]),
            "final_sum_price": float(last["sum_price"]),
            "final_median_adr": float(last["median_adr"]),
            "final_issuance_tao": float(last["issuance_tao"]),
            "chain_buy_tao": float(last["chain_buy_tao"]),
            "recycled_tao": float(last["recycled_coinbase_tao"] + last["recycled_other_tao"]),
            "rejected_actions": int(self.final.G[L.G_REJ:L.G_REJ_AMT].sum()),
        }


def _choose_engine(engine: str, scenario: Scenario) -> str:
    if engine not in ("auto", "numba", "numpy", "python"):
        raise ValueError(f"engine must be 'auto', 'numba', 'numpy' or 'python', got {engine!r}")
    custom = bool(scenario.policies.custom)
    if engine == "auto":
        return "numba" if kernel_numba.AVAILABLE and not custom else "numpy"
    if custom and engine != "numpy":
        raise ValueError(f"engine must be 'numpy' (or 'auto') for a CustomPolicy, got {engine!r}")
    if engine == "numba" and not kernel_numba.AVAILABLE:
        raise ValueError("engine='numba' needs numba (pip install 'dtao-lib[jit]'); use engine='numpy'")
    return engine


def _want_progress(progress: bool | None) -> bool | None:
    if progress is not None:
        return bool(progress)
    from ..interactive import building_book

    if building_book() or os.environ.get("DTAO_NO_PROGRESS"):
        return False
    return None  # decide after a second


def run(
    scenario: Scenario,
    *,
    engine: Engine = "auto",
    progress: bool | None = None,
    debug: bool = False,
    chunk_blocks: int | None = None,
) -> SimResult:
    """Simulate ``scenario`` block by block and return what was recorded.

    Parameters
    ----------
    scenario
        A :class:`~dtao_lib.sim.scenario.Scenario`.
    engine
        ``"auto"`` (numba when installed and no custom policy, else numpy), ``"numba"``, ``"numpy"``
        or ``"python"`` (uncompiled kernel code; for tests).
    progress
        Show a tqdm progress bar: True, False, or None (default) for "if the run takes longer than a
        second" (never during a book build, nor with ``DTAO_NO_PROGRESS`` set).
    debug
        Check the conservation identities after every block (see :mod:`dtao_lib.sim._layout`,
        ``ERR_MESSAGES``) and raise :class:`ConservationError` naming the block and subnet if one fails.
    chunk_blocks
        Blocks per kernel call (progress granularity); results do not depend on it.

    Returns
    -------
    SimResult

    Raises
    ------
    TypeError, ValueError
        For a scenario that is not a :class:`Scenario` or an unusable engine.
    """
    progress = None if progress is None else check_bool("progress", progress)
    debug = check_bool("debug", debug)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    scenario = _revalidated(scenario)
    eng = _choose_engine(engine, scenario)
    if not isinstance(debug, bool):
        raise TypeError(f"debug must be a bool, got {type(debug).__name__}")
    compile_s = kernel_numba.ensure_compiled() if eng == "numba" else 0.0
    state = build_state(scenario, debug=debug)
    n = state.n_slots
    if chunk_blocks is None:
        chunk = max(256, (1 << 20) // max(n, 1)) if eng == "numba" else 2_000
    else:
        chunk = check_int("chunk_blocks", chunk_blocks, lo=1)  # numpy integers too
    events = EventQueue.for_scenario(scenario, state)
    rec_sub = np.zeros((scenario.n_records, L.N_M, n))
    rec_glob = np.zeros((scenario.n_records, L.N_R))
    kernel_numba.record(state.I, state.F, state.G, state.IP, state.FP, rec_sub, rec_glob, 0)
    rec_sub[0, list(L.PER_BLOCK_METRICS)] = np.nan  # nothing has happened yet: no share, no per-block flow
    ss = np.random.SeedSequence([scenario.seed, 0x51D])
    noise_rng, custom_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    noise_every = int(state.IP[L.IP_NOISE_EVERY])
    start = scenario.start_block
    end = start + scenario.blocks
    show = _want_progress(progress)
    bar = None
    t0 = time.perf_counter()
    c0 = time.process_time()
    t = start
    empty_noise = np.zeros((1, n))
    try:
        while t < end:
            events.apply(t, state)
            nxt = events.next_block(t)
            stop = min(end, t + chunk, nxt if nxt is not None else end)
            k = noise_events(start, t, stop, noise_every) if noise_every else 0
            draws = noise_rng.standard_normal((k, n)) if k else empty_noise
            args = (state.I, state.F, state.G, state.IP, state.FP, stop, end - 1, draws, rec_sub, rec_glob)
            if eng == "numba":
                code = kernel_numba.run_blocks(*args)
            elif eng == "python":
                code = kernel_numba.run_blocks_py(*args)
            else:
                code = kernel_numpy.run_blocks(*args, custom=scenario.policies.custom, rng=custom_rng)
            if code != 0:
                raise ConservationError(_error_message(state, int(code)))
            done = stop - start
            if show is not False and bar is None and (show or time.perf_counter() - t0 > 1.0) and stop < end:
                from tqdm.auto import tqdm

                bar = tqdm(total=scenario.blocks, initial=done, unit="block", unit_scale=True,
                           desc=f"sim {scenario.name or scenario.era}", leave=False)
            elif bar is not None:
                bar.update(done - bar.n)
            t = stop
    finally:
        if bar is not None:
            bar.update(scenario.blocks - bar.n)
            bar.close()
    seconds = time.perf_counter() - t0
    return SimResult(scenario=scenario, engine=eng, seconds=seconds, compile_seconds=compile_s, records=rec_sub,
                     network=rec_glob, final=state, event_log=events.log, labels=events.labels,
                     cpu_seconds=time.process_time() - c0)


def _revalidated(scenario: Scenario) -> Scenario:
    """The scenario checked again: a frozen dataclass can still be edited with ``object.__setattr__``,
    so :func:`run` rebuilds it from its fields (every check of :class:`Scenario` runs again)."""
    return Scenario(**{f.name: getattr(scenario, f.name) for f in fields(scenario)})


def _error_message(state: SimState, code: int) -> str:
    slot = int(state.G[L.G_ERR_SLOT])
    where = "network" if slot < 0 else f"slot {slot} (netuid {int(state.I[L.NETUID, slot])})"
    return (f"conservation check failed at block {int(state.G[L.G_ERR_BLOCK])}, {where}: "
            f"{L.ERR_MESSAGES.get(code, f'error {code}')}")
