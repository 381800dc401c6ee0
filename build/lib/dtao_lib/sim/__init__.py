"""A block-resolution simulator of the whole network: N subnets over T blocks, era by era.

Every rule comes from the mechanism modules of :mod:`dtao_lib`, selected by the protocol era
(:func:`dtao_lib.params.era`): TAO block emission and the halvings with recycling (spec §1), emission
shares (§3.2) with the post-June emission gate — the bar θ (32nd-largest share, or the q-mass bar of
spec 440) recomputed every 360 blocks, the Hill gate ``s/(1 + (θ/s)^3)``, ``(1 − MinerBurned)`` before
it (addendum §A2, §A3) — injection with the era's cap and chain buys (§3.4), with the refund of a failed
chain buy and the Balancer reservoirs from spec 435 (§A4), the α_out split (§3.5), pending emission
drained at each epoch (§3.6), EMA prices (§3.3), the era's pool (constant product, full-range Uniswap
v3 or Balancer, §4), the root proportion, ADR (§7), and optionally subnet registration, pruning and
dissolution (§6). Staker behaviour is pluggable (:mod:`dtao_lib.sim.policies`).

Quick start::

    from dtao_lib import sim

    scn = sim.Scenario(era="head", n_subnets=32, days=30, policy=sim.NoiseTraders(), seed=1)
    res = sim.run(scn)            # numba kernel if installed, else numpy
    res.totals                    # network totals per day
    res.frame                     # tidy table: block × subnet × metric
    res.rejected                  # user actions the simulator refused, with the reason
    sim.sweep([scn, scn.replace(era="A")])   # in parallel (process pool by default)

State is numpy arrays over subnet slots (:mod:`dtao_lib.sim.state`); one block is vectorised over
subnets (numpy engine) or a compiled loop (numba engine, which also loops over blocks). Amounts are
exact int64 rao; prices, shares and weights are float64 (see :mod:`dtao_lib.sim.state` for the
tolerance against the exact single-block functions). ``run(..., debug=True)`` checks conservation
after every block: TAO minted = Σ materialised τ_in + Σ chain buys + Σ stranded + recycled; issuance =
start + minted − recycled ≥ the TAO in pools and reservoirs; for every subnet α_in + α_out + protocol α
+ reservoir α = start + Σ injected + Σ emitted − Σ recycled, and reservoir TAO = Σ materialised − Σ
price-active τ_in.

Impossible user actions are refused and reported, never clipped or dropped silently: a stake larger than
the TAO held outside the pools, or a swap the pool refuses, leaves the state unchanged and is counted by
source and reason in :attr:`SimResult.rejected`.

What is not modelled: Yuma consensus inside a subnet (an epoch only drains the pending pools), owner lock
refunds, neuron registration burns and miner collateral, root stake changes and Root Reborn's baskets,
the ``MaxEpochsPerBlock`` deferral, the subnet registration queue, and the random timing of root claims
(they are sold when drained).
"""

from __future__ import annotations

from .kernel_numba import AVAILABLE as NUMBA_AVAILABLE
from .policies import CustomPolicy, EmissionChasers, NoiseTraders, NoTrading, Policy, Pump, StateView
from .run import ConservationError, SimResult, run
from .scenario import (
    DEFAULT_ISSUANCE_TAO,
    DEFAULT_START_BLOCK,
    SNAPSHOT_DATE,
    InitialState,
    Registration,
    Scenario,
    days,
)
from .sweep import SweepError, SweepFailure, SweepResults, grid, sweep

__all__ = [
    "DEFAULT_ISSUANCE_TAO",
    "DEFAULT_START_BLOCK",
    "NUMBA_AVAILABLE",
    "SNAPSHOT_DATE",
    "ConservationError",
    "CustomPolicy",
    "EmissionChasers",
    "InitialState",
    "NoTrading",
    "NoiseTraders",
    "Policy",
    "Pump",
    "Registration",
    "Scenario",
    "SimResult",
    "StateView",
    "SweepError",
    "SweepFailure",
    "SweepResults",
    "days",
    "grid",
    "run",
    "sweep",
]
