"""Staker behaviour: what users do with their TAO and alpha between coinbase steps.

A scenario's ``policy`` is one of these, or a tuple of them (their trades add up). The built-in
policies run inside the compiled kernel; a :class:`CustomPolicy` runs in Python and therefore only
on the numpy engine.

Every trade is an ordinary swap of the era's pool (spec §4), with the era's fees, and counts as user
flow for TaoFlow (spec §3.2). A *sell* of "x TAO" sells the alpha worth x TAO at the spot price, and
never more alpha than users hold (the alpha outside the pool minus what is still pending).

========================  ===========================================================================
:class:`NoTrading`        nobody trades (only the protocol moves the pools)
:class:`NoiseTraders`     every ``every`` blocks each subnet sees a random net stake or unstake,
                          normal with σ = ``daily_volatility`` × pool TAO × √(every / 7 200)
:class:`EmissionChasers`  every ``every`` blocks stakers move ``tao_per_day × every / 7 200`` TAO from
                          subnets whose *emission yield* (TAO emission per TAO of market value,
                          ``share·E / (p·α_out)``) is below the network's to those above it
:class:`Pump`             one buy of ``tao`` TAO into one subnet at one block, optionally sold back later
:class:`CustomPolicy`     your own rule: subclass it and implement :meth:`CustomPolicy.trades`
========================  ===========================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import check_int, check_real
from ..params import BLOCKS_PER_DAY, TEMPO

__all__ = [
    "CustomPolicy",
    "EmissionChasers",
    "NoTrading",
    "NoiseTraders",
    "Policy",
    "Pump",
    "StateView",
    "normalize_policies",
]


class Policy:
    """Base class of staker behaviours (see the module docstring)."""

    __slots__ = ()

    def describe(self) -> str:
        """One line for tables."""
        return repr(self)


@dataclass(frozen=True)
class NoTrading(Policy):
    """Nobody stakes or unstakes: prices move only through injections, chain buys and root sales."""

    def describe(self) -> str:
        return "no trading"


@dataclass(frozen=True)
class NoiseTraders(Policy):
    """Random net flows: every ``every`` blocks, each subnet gets one net trade (spec §4).

    Parameters
    ----------
    daily_volatility
        Standard deviation of one day's net flow as a fraction of the pool's TAO, in [0, 1]
        (0.02 = 2 % of the pool per day). One event moves ``σ·√(every/7200)`` of that.
    every
        Blocks between trades (1 … 100 800; default one tempo, 360).
    """

    daily_volatility: float = 0.02
    every: int = TEMPO

    def __post_init__(self) -> None:
        check_real("NoiseTraders.daily_volatility", self.daily_volatility, lo=0.0, hi=1.0)
        check_int("NoiseTraders.every", self.every, lo=1, hi=100_800)

    @property
    def sigma_per_event(self) -> float:
        """σ of one event as a fraction of the pool's TAO."""
        return self.daily_volatility * math.sqrt(self.every / BLOCKS_PER_DAY)

    def describe(self) -> str:
        return f"noise traders ({self.daily_volatility:.1%} of pool TAO per day, every {self.every} blocks)"


@dataclass(frozen=True)
class EmissionChasers(Policy):
    """Stakers who rotate towards the subnets that emit the most TAO per TAO of market value.

    Every ``every`` blocks the yield ``y_i = share_i / (p_i·α_out,i)`` of each emitting subnet is
    compared with the network's ``ȳ = Σ share / Σ p·α_out``. Alpha worth ``B·u_i/Σu`` TAO is sold
    on subnets with ``u_i = p_i·α_out,i·max(1 − y_i/ȳ, 0) > 0`` and all the proceeds buy into the
    subnets with ``v_i = p_i·α_out,i·max(y_i/ȳ − 1, 0) > 0`` in proportion to ``v_i``
    (``B = tao_per_day × every / 7 200``). The rotation is self-financed: fees and slippage are paid
    out of it.

    Parameters
    ----------
    tao_per_day
        TAO rotated per day (≥ 0, at most 1e7).
    every
        Blocks between rotations (1 … 100 800; default one tempo, 360).
    """

    tao_per_day: float = 1_000.0
    every: int = TEMPO

    def __post_init__(self) -> None:
        check_real("EmissionChasers.tao_per_day", self.tao_per_day, lo=0.0, hi=1e7)
        check_int("EmissionChasers.every", self.every, lo=1, hi=100_800)

    @property
    def budget_rao(self) -> float:
        """TAO (rao) rotated per event."""
        return math.floor(self.tao_per_day * 1e9 * self.every / BLOCKS_PER_DAY)

    def describe(self) -> str:
        return f"emission chasers ({self.tao_per_day:,.0f} TAO per day, every {self.every} blocks)"


@dataclass(frozen=True)
class Pump(Policy):
    """One buy of ``tao`` TAO into subnet ``netuid`` at ``at_day`` (before that block's coinbase).

    Parameters
    ----------
    netuid
        A netuid present at the start of the run.
    tao
        TAO spent (> 0, at most 1e8).
    at_day
        Day of the run (may be fractional; 0 = the first block).
    sell_after_days
        If given, all the alpha bought is sold back this many days later.
    """

    netuid: int
    tao: float
    at_day: float = 0.0
    sell_after_days: float | None = None

    def __post_init__(self) -> None:
        check_int("Pump.netuid", self.netuid, lo=0, hi=65_535)
        check_real("Pump.tao", self.tao, lo=0.0, hi=1e8, lo_open=True)
        check_real("Pump.at_day", self.at_day, lo=0.0, hi=36_500.0)
        if self.sell_after_days is not None:
            check_real("Pump.sell_after_days", self.sell_after_days, lo=0.0, hi=36_500.0)

    @property
    def at_block_offset(self) -> int:
        return round(self.at_day * BLOCKS_PER_DAY)

    @property
    def sell_block_offset(self) -> int | None:
        if self.sell_after_days is None:
            return None
        return self.at_block_offset + max(1, round(self.sell_after_days * BLOCKS_PER_DAY))

    def describe(self) -> str:
        tail = "" if self.sell_after_days is None else f", sold after {self.sell_after_days:g} days"
        return f"pump of {self.tao:,.0f} TAO into netuid {self.netuid} on day {self.at_day:g}{tail}"


@dataclass(frozen=True)
class StateView:
    """Read-only view of the network handed to :meth:`CustomPolicy.trades` (arrays over slots)."""

    block: int
    netuid: np.ndarray
    active: np.ndarray
    price: np.ndarray
    ema_price: np.ndarray
    share: np.ndarray
    tao_reserve_tao: np.ndarray
    alpha_in: np.ndarray
    alpha_out: np.ndarray


class CustomPolicy(Policy):
    """Your own behaviour (numpy engine only): subclass and implement :meth:`trades`.

    ``every`` (class or instance attribute, default 360) sets how often it is called; the result is
    an array of signed TAO amounts, one per slot (> 0 stakes that many TAO, < 0 unstakes alpha worth
    that many TAO at spot). Keep it deterministic (use ``rng``, which is seeded by the scenario).

    Examples
    --------
    >>> class BuyTheDip(CustomPolicy):
    ...     every = 7_200
    ...     def trades(self, view, rng):
    ...         return np.where(view.price < 0.5 * view.ema_price, 100.0, 0.0)
    """

    every: int = TEMPO

    def trades(self, view: StateView, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return f"custom policy {type(self).__name__} (every {self.every} blocks)"


@dataclass(frozen=True)
class PolicySet:
    """The policies of a scenario, split by kind (what the engines need)."""

    noise: NoiseTraders | None
    chasers: EmissionChasers | None
    pumps: tuple[Pump, ...]
    custom: tuple[CustomPolicy, ...]

    def describe(self) -> str:
        parts = [p.describe() for p in (self.noise, self.chasers, *self.pumps, *self.custom) if p is not None]
        return "; ".join(parts) if parts else "no trading"


def normalize_policies(policy: Any) -> PolicySet:
    """Validate ``Scenario.policy`` (a policy or an iterable of policies) and sort it by kind."""
    items: Iterable[Any] = policy if isinstance(policy, tuple | list) else (policy,)
    noise = chasers = None
    pumps: list[Pump] = []
    custom: list[CustomPolicy] = []
    for p in items:
        if isinstance(p, NoTrading):
            continue
        if isinstance(p, NoiseTraders):
            if noise is not None:
                raise ValueError("policy may contain at most one NoiseTraders")
            noise = p
        elif isinstance(p, EmissionChasers):
            if chasers is not None:
                raise ValueError("policy may contain at most one EmissionChasers")
            chasers = p
        elif isinstance(p, Pump):
            pumps.append(p)
        elif isinstance(p, CustomPolicy):
            every = getattr(p, "every", TEMPO)
            check_int(f"{type(p).__name__}.every", every, lo=1, hi=10**9)
            custom.append(p)
        else:
            raise TypeError(
                "policy must be a Policy (NoTrading, NoiseTraders, EmissionChasers, Pump, CustomPolicy) or a "
                f"tuple of them, got {type(p).__name__}"
            )
    return PolicySet(noise, chasers, tuple(pumps), tuple(custom))


def noise_events(start: int, t0: int, t1: int, every: int) -> int:
    """Number of noise events in blocks ``[t0, t1)``: one at every block ``b`` with ``(b − start + 1) % every == 0``."""
    return (t1 - start) // every - (t0 - start) // every
