"""Scenarios: everything a simulation run depends on, as frozen (hashable, picklable) dataclasses.

A :class:`Scenario` fixes the protocol era, the subnets at the start (:class:`InitialState`, from the
2026-04-11 snapshot or synthetic), the staker behaviour (:mod:`dtao_lib.sim.policies`), the length
of the run, what to record, and optional subnet registrations (:class:`Registration`). Two runs of
the same scenario give the same numbers (the seed drives every random draw).

Bad values raise ``ValueError`` naming the field and its allowed range, e.g.
``ValueError: Scenario.n_subnets must be an integer in [1, 1024], got 0``.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np

from .._validate import check_fraction, check_int, check_real
from ..adr import DEFAULT_ROOT_TAO_RAO
from ..coinbase import MAINNET_OWNER_CUT
from ..params import (
    BLOCKS_PER_DAY,
    LOCK_REDUCTION_INTERVAL_BLOCKS,
    MIN_LOCK_RAO,
    NETWORK_IMMUNITY_BLOCKS,
    NETWORK_RATE_LIMIT_BLOCKS,
    RAO_PER_TAO,
    SUBNET_LIMIT,
    TAO_WEIGHT,
    TEMPO,
    TIMELINE,
    Era,
)
from ..params import era as _resolve_era
from ._layout import N_M, N_R
from .policies import NoTrading, Policy, PolicySet, normalize_policies

__all__ = [
    "DEFAULT_ISSUANCE_TAO",
    "DEFAULT_START_BLOCK",
    "SNAPSHOT_DATE",
    "InitialState",
    "Registration",
    "Scenario",
    "days",
]

SNAPSHOT_DATE = _dt.date(2026, 4, 11)
"""Date of the shipped subnet snapshot (``dtao_lib.data.load_subnet_snapshot``)."""

_FIRST_HALVING = next(c.date for c in TIMELINE if c.tag == "halving")
DEFAULT_ISSUANCE_TAO: float = 10_500_000 + 3_600 * (SNAPSHOT_DATE - _FIRST_HALVING).days
"""Default TAO issuance at the start of a run: the first halving threshold (10.5 M TAO, reached in
mid-December 2025 by public reports, spec §1, §9) plus 3 600 TAO a day until the snapshot date. An
estimate: it ignores recycling since the halving and the uncertainty of the halving date."""

DEFAULT_START_BLOCK: int = 7_900_000
"""Block number of the first simulated block (the snapshot was taken after block 7 894 898)."""

MAX_SUBNETS = 1_024


def days(n: float) -> int:
    """Blocks in ``n`` days of 12-second blocks (7 200 a day); ``n`` in [0, u64::MAX / 7 200] (a u64 block count)."""
    return round(check_real("n (days)", n, lo=0.0, hi=(2**64 - 1) / BLOCKS_PER_DAY) * BLOCKS_PER_DAY)


# ---------------------------------------------------------------------------------------------
# Initial state
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class InitialState:
    """The subnets at the start of a run, one entry per subnet (arrays of equal length ``n``).

    Amounts are rao (integers); prices are TAO per alpha. Build one with :meth:`from_snapshot`,
    :meth:`synthetic` or directly.

    Attributes
    ----------
    netuid
        Netuids (distinct, 1 … 65 535; root, netuid 0, is not a simulated subnet).
    tao_reserve, alpha_in, alpha_out
        ``SubnetTAO``, ``SubnetAlphaIn`` and ``SubnetAlphaOut`` (rao, reserves > 0).
    ema_price
        ``SubnetMovingPrice`` p̄ (≥ 0).
    protocol_alpha
        ``SubnetProtocolAlpha`` (rao; default 0).
    pool_price
        Spot price the pool should quote. For a Balancer pool (spec §4.3) the TAO weight is set to
        ``w2 = T / (p·A + T)`` so that the pool quotes it (the v3 → Balancer migration rule); other
        pools quote ``T/A`` and ignore it. Default ``T/A``.
    flow_ema
        TaoFlow user flow EMAs (rao per block). Default: ``E · p̄_i / Σ p̄`` — as if one block's
        emission of net stake flowed in every block, split like the prices (a modelling choice; on
        chain the EMAs started from 0 in November 2025).
    names
        Labels (default ``"sn<netuid>"``).
    """

    netuid: np.ndarray
    tao_reserve: np.ndarray
    alpha_in: np.ndarray
    alpha_out: np.ndarray
    ema_price: np.ndarray
    protocol_alpha: np.ndarray | None = None
    pool_price: np.ndarray | None = None
    flow_ema: np.ndarray | None = None
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        net = np.asarray(self.netuid)
        if net.ndim != 1 or net.size == 0:
            raise ValueError(f"InitialState.netuid must be a non-empty 1-D array, got shape {net.shape}")
        n = net.size
        if n > MAX_SUBNETS:
            raise ValueError(f"InitialState must have at most {MAX_SUBNETS} subnets, got {n}")
        conv = {
            "netuid": _int_array("InitialState.netuid", net, n, lo=1, hi=65_535),
            "tao_reserve": _int_array("InitialState.tao_reserve", self.tao_reserve, n, lo=MIN_LOCK_RAO // 1000,
                                      hi=21 * 10**15),
            "alpha_in": _int_array("InitialState.alpha_in", self.alpha_in, n, lo=MIN_LOCK_RAO // 1000),
            "alpha_out": _int_array("InitialState.alpha_out", self.alpha_out, n, lo=0),
            "ema_price": _float_array("InitialState.ema_price", self.ema_price, n, lo=0.0),
            "protocol_alpha": _int_array("InitialState.protocol_alpha",
                                         np.zeros(n, np.int64) if self.protocol_alpha is None else self.protocol_alpha,
                                         n, lo=0),
        }
        if len(set(conv["netuid"].tolist())) != n:
            raise ValueError("InitialState.netuid must not contain duplicates")
        total = conv["alpha_in"] + conv["alpha_out"] + conv["protocol_alpha"]
        if np.any(total >= 21 * 10**15):
            raise ValueError("InitialState: alpha_in + alpha_out + protocol_alpha must stay below 21e15 rao")
        if int(conv["tao_reserve"].sum(dtype=object)) > 21 * 10**15:
            raise ValueError("InitialState.tao_reserve must hold at most the TAO supply (21e15 rao) in total, got "
                             f"{int(conv['tao_reserve'].sum(dtype=object)):,} rao")
        if self.pool_price is not None:
            conv["pool_price"] = _float_array("InitialState.pool_price", self.pool_price, n, lo=0.0, lo_open=True)
        if self.flow_ema is not None:
            conv["flow_ema"] = _float_array("InitialState.flow_ema", self.flow_ema, n)
        if self.names is not None:
            names = tuple(str(x) for x in self.names)
            if len(names) != n:
                raise ValueError(f"InitialState.names must have {n} entries, got {len(names)}")
            conv["names"] = names
        for k, v in conv.items():
            if isinstance(v, np.ndarray):
                v = v.copy()
                v.setflags(write=False)  # frozen means frozen: a validated state cannot be edited in place
            object.__setattr__(self, k, v)

    @property
    def n(self) -> int:
        return int(self.netuid.size)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.names if self.names is not None else tuple(f"sn{u}" for u in self.netuid.tolist())

    @classmethod
    def from_snapshot(cls, n: int | None = None, *, netuids: Any = None) -> InitialState:
        """Subnets of the snapshot of 2026-04-11: the ``n`` with the most TAO in their pools (all 128
        by default), or the given ``netuids`` (in that order).

        Reads :func:`dtao_lib.data.load_subnet_snapshot`: pool TAO ``tao_in``, ``alpha_in``,
        ``alpha_out``, the chain's EMA price ``moving_price`` (0, the storage default
        ``DefaultMovingPrice``, where it is missing: netuid 96, registered just before the snapshot
        with no alpha outstanding) and the quoted ``price`` (``DynamicInfo.price``, which differs from
        ``tao_in/alpha_in`` in the Uniswap-v3 pools of that date). Balances are rounded to 1e-4 TAO in
        the file.
        """
        from ..data import load_subnet_snapshot

        df = load_subnet_snapshot()
        df = df[df["netuid"] != 0].sort_values(["tao_in_tao", "netuid"], ascending=[False, True])
        n_all = len(df)
        if netuids is not None:
            if n is not None:
                raise ValueError("give n or netuids, not both")
            want = [check_int("netuids[]", int(u) if isinstance(u, np.integer) else u, lo=1, hi=65_535)
                    for u in netuids]
            if not want or len(set(want)) != len(want):
                raise ValueError("netuids must be a non-empty sequence of distinct netuids")
            missing = sorted(set(want) - set(df["netuid"].tolist()))
            if missing:
                raise ValueError(f"netuids must be subnets of the snapshot (1 … 128), got {missing}")
            df = df.set_index("netuid", drop=False).loc[want]
        else:
            k = n_all if n is None else check_int("n", n, lo=1, hi=n_all)
            df = df.head(k)
        tao = np.round(df["tao_in_tao"].to_numpy() * RAO_PER_TAO).astype(np.int64)
        a_in = np.round(df["alpha_in_alpha"].to_numpy() * RAO_PER_TAO).astype(np.int64)
        a_out = np.round(df["alpha_out_alpha"].to_numpy() * RAO_PER_TAO).astype(np.int64)
        ema = df["moving_price_tao_per_alpha"].to_numpy(dtype=np.float64, na_value=np.nan)
        ema = np.where(np.isnan(ema), 0.0, ema)
        price = df["price_tao_per_alpha"].to_numpy(dtype=np.float64)
        return cls(netuid=df["netuid"].to_numpy().astype(np.int64), tao_reserve=tao, alpha_in=a_in, alpha_out=a_out,
                   ema_price=ema, pool_price=price, names=tuple(str(x) for x in df["name"].fillna("")))

    @classmethod
    def synthetic(cls, n: int, *, seed: int = 0, price_sum: float = 0.8, median_alpha_in: float = 2e6,
                  adr: float = 1.5) -> InitialState:
        """``n`` made-up subnets, deterministic for ``seed``.

        Pool alpha is lognormal around ``median_alpha_in`` alpha (σ = 0.5; on 2026-04-11 most pools
        held 1–3 M alpha), prices are lognormal (σ = 1) rescaled so they sum to ``price_sum``,
        ``T = p·α_in`` (at least 10 TAO), ``α_out = adr·α_in`` and the EMA price equals the spot price.
        Pool alpha is capped so that alpha issuance stays below 1.5e16 rao.
        """
        k = check_int("n", n, lo=1, hi=MAX_SUBNETS)
        s = check_int("seed", seed, lo=0)
        ps = check_real("price_sum", price_sum, lo=0.0, lo_open=True, hi=1e3)
        med = check_real("median_alpha_in", median_alpha_in, lo=1.0, hi=2e6 * 1e3)
        r = check_real("adr", adr, lo=0.0, hi=100.0)
        rng = np.random.default_rng(np.random.SeedSequence([s, 0x5EED]))
        a_in = np.round(med * np.exp(rng.normal(0.0, 0.5, k)) * RAO_PER_TAO)
        a_in = np.minimum(a_in, np.floor(1.5e16 / (1.0 + r)))  # keep alpha issuance well below 21e15 rao
        w = np.exp(rng.normal(0.0, 1.0, k))
        price = w / w.sum() * ps
        tao = np.maximum(np.round(a_in * price), 10 * RAO_PER_TAO)
        return cls(netuid=np.arange(1, k + 1, dtype=np.int64), tao_reserve=tao.astype(np.int64),
                   alpha_in=a_in.astype(np.int64), alpha_out=np.round(a_in * r).astype(np.int64),
                   ema_price=np.minimum(tao / a_in, 1.0))


def _int_array(name: str, values: Any, n: int, *, lo: int | None = None, hi: int | None = None) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be an array of integers, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and (not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr))):
        raise ValueError(f"{name} must contain whole numbers (rao)")
    if arr.size and (np.any(arr.astype(np.float64) >= 2.0**63) or np.any(arr.astype(np.float64) < -(2.0**63))):
        raise ValueError(f"{name} must contain integers that fit in int64 (|x| < 2**63)")
    out = arr.astype(np.int64)
    if lo is not None and out.size and out.min() < lo:
        raise ValueError(f"{name} must contain integers >= {lo}, got min {int(out.min())}")
    if hi is not None and out.size and out.max() > hi:
        raise ValueError(f"{name} must contain integers <= {hi}, got max {int(out.max())}")
    return out


def _float_array(name: str, values: Any, n: int, *, lo: float | None = None, lo_open: bool = False) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers") from None
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain finite numbers")
    if lo is not None and arr.size and (np.any(arr <= lo) if lo_open else np.any(arr < lo)):
        raise ValueError(f"{name} must contain numbers {'>' if lo_open else '>='} {lo}, got min {arr.min()!r}")
    return arr


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Registration:
    """New subnets registering during the run (spec §6.1–§6.4).

    ``count`` registrations are attempted, the first on ``start_day`` and then every ``every_days``
    (default: spread evenly over the rest of the run). Each pays the quoted lock cost
    (:func:`dtao_lib.registration.lock_cost`) and is delayed if the 28 800-block rate limit is not
    yet over. At ``subnet_limit`` subnets the chain first prunes the lowest-EMA-price subnet outside
    its immunity (:func:`dtao_lib.registration.subnet_to_prune`; no pruning before v3.2.8, so the
    registration then fails) and dissolves it (:func:`dtao_lib.dissolution.settle`). The newcomer's
    pool follows :func:`dtao_lib.registration.new_subnet_pool`; its EMA price starts at 0 (the
    storage default); from v3.4.8 its TAO emission starts disabled (spec §3.1) until
    ``enable_emission_after_days`` (None: never during the run). From v2.0.9 it emits nothing before
    its owner's ``start_call`` (:meth:`start_call_delay_blocks`: 7 days until v3.3.4, then 0 by default).

    Parameters
    ----------
    count
        Registrations attempted (0 … 10 000).
    start_day, every_days
        Schedule (days from the start of the run).
    last_lock_tao, last_lock_day
        ``NetworkLastLockCost`` and the day of the last registration before the run (negative: before
        the start). Default 1 250 TAO four days before (the Oct-2025 reset, spec §6.1).
    min_lock_tao, reduction_interval_blocks, rate_limit_blocks, immunity_blocks, subnet_limit
        Mainnet defaults (spec §0.1).
    enable_emission_after_days
        Days after registration when root enables TAO emission of a new subnet (eras v3.4.8+).
    start_call_after_days
        Days after registration when the owner calls ``start_call`` (eras v2.0.9+); the subnet emits
        nothing (no share, injection, alpha emission, epochs or EMA) before. None: as soon as the era
        allows (:meth:`start_call_delay_blocks`); an earlier day is raised to that minimum, as the
        chain refuses an earlier call.
    """

    count: int = 20
    start_day: float = 0.0
    every_days: float | None = None
    last_lock_tao: float = 1_250.0
    last_lock_day: float = -4.0
    min_lock_tao: float = MIN_LOCK_RAO / RAO_PER_TAO
    reduction_interval_blocks: int = LOCK_REDUCTION_INTERVAL_BLOCKS
    rate_limit_blocks: int = NETWORK_RATE_LIMIT_BLOCKS
    immunity_blocks: int = NETWORK_IMMUNITY_BLOCKS
    subnet_limit: int = SUBNET_LIMIT
    enable_emission_after_days: float | None = None
    start_call_after_days: float | None = None

    def __post_init__(self) -> None:
        check_int("Registration.count", self.count, lo=0, hi=10_000)
        check_real("Registration.start_day", self.start_day, lo=0.0, hi=36_500.0)
        if self.every_days is not None:
            check_real("Registration.every_days", self.every_days, lo=0.0, lo_open=True, hi=36_500.0)
        check_real("Registration.last_lock_tao", self.last_lock_tao, lo=0.0, hi=1e8)
        check_real("Registration.last_lock_day", self.last_lock_day, lo=-36_500.0, hi=0.0)
        check_real("Registration.min_lock_tao", self.min_lock_tao, lo=1e-9, hi=1e8)
        check_int("Registration.reduction_interval_blocks", self.reduction_interval_blocks, lo=0, hi=10**9)
        check_int("Registration.rate_limit_blocks", self.rate_limit_blocks, lo=0, hi=10**9)
        check_int("Registration.immunity_blocks", self.immunity_blocks, lo=0, hi=10**9)
        check_int("Registration.subnet_limit", self.subnet_limit, lo=1, hi=MAX_SUBNETS)
        if self.enable_emission_after_days is not None:
            check_real("Registration.enable_emission_after_days", self.enable_emission_after_days, lo=0.0,
                       hi=36_500.0)
        if self.start_call_after_days is not None:
            check_real("Registration.start_call_after_days", self.start_call_after_days, lo=0.0, hi=36_500.0)

    def start_call_delay_blocks(self, era: Any) -> int:
        """Blocks from registration to the first emitting block under ``era`` (an :class:`~dtao_lib.params.Era`).

        ``do_start_call`` needs ``current_block ≥ NetworkRegisteredAt + delay``: ``DurationOfStartCall``
        = 50 400 blocks (7 days) from v2.0.9 to v3.3.4 (``runtime/src/lib.rs`` v2.0.9 L1047-1051,
        ``subnets/subnet.rs`` v2.0.9 L355-361), the ``StartCallDelay`` storage from v3.3.5, default
        ``InitialStartCallDelay`` = 0 (runtime v3.3.5-372 L1061; subnet.rs L359). Before v2.0.9 there is
        no ``start_call``: a subnet emits at once. The owner's choice :attr:`start_call_after_days` is
        raised to that minimum.
        """
        if not era.at_least("v2.0.9"):
            return 0
        minimum = 0 if era.at_least("v3.3.5") else DURATION_OF_START_CALL_BLOCKS
        chosen = 0 if self.start_call_after_days is None else round(self.start_call_after_days * BLOCKS_PER_DAY)
        return max(minimum, chosen)

    def schedule(self, blocks: int) -> list[int]:
        """Block offsets (from the start of the run) of the attempted registrations (``blocks``: the run length)."""
        blocks = check_int("blocks", blocks, lo=0, hi=2**63 - 1)
        first = round(self.start_day * BLOCKS_PER_DAY)
        if self.count == 0 or first >= blocks:
            return []
        step = self.every_days * BLOCKS_PER_DAY if self.every_days is not None else (blocks - first) / self.count
        out = [first + math.floor(i * step) for i in range(self.count)]
        return [b for b in out if b < blocks]


DURATION_OF_START_CALL_BLOCKS = 7 * 24 * 60 * 60 // 12
"""``DurationOfStartCall`` (v2.0.9 – v3.3.4): 50 400 blocks, 7 days (runtime/src/lib.rs v2.0.9 L1047-1051)."""


# ---------------------------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    """One simulation: era, subnets, behaviour, length and what to record (see the module docstring).

    Parameters
    ----------
    era
        Protocol release (any name :func:`dtao_lib.params.era` accepts: ``"head"``, ``"A"``,
        ``"v3.3.1"``, ``"2025-12-20"``...); must be a dTAO era (v2.0.0 or later).
    n_subnets
        Subnets at the start (1 … 1 024; at most 128 from the snapshot). Ignored when ``initial`` is
        an :class:`InitialState`.
    blocks, days
        Length of the run; give one of them (default 30 days = 216 000 blocks; at most 10 years).
    record_every
        Record every k-th block (and the first and last). Default: daily (7 200) for runs of ten days
        or more, otherwise about 200 records. The records of a run must fit in ``max_record_mb``.
    initial
        ``"snapshot"`` (the ``n_subnets`` largest pools on 2026-04-11), ``"synthetic"``
        (:meth:`InitialState.synthetic` with ``seed``) or an :class:`InitialState`.
    policy
        A policy of :mod:`dtao_lib.sim.policies` or a tuple of them.
    seed
        Seed of every random draw (noise traders, synthetic subnets).
    registration
        :class:`Registration` settings, or None for no new subnets.
    issuance_tao
        ``TotalIssuance`` at the start (default :data:`DEFAULT_ISSUANCE_TAO`).
    recycle_rate
        Extra fraction of each block's emission recycled from circulation (lowers issuance and so
        delays halvings, spec §1), in [0, 1).
    root_tao
        TAO staked on root, ``T_root`` of the root proportion (default: 2026-04-11).
    tao_weight, owner_cut
        γ and the owner cut (mainnet 0.18 and 11 796/65 535).
    tempo
        Blocks between epochs (360 on mainnet; 1 … 50 400).
    miner_burned
        ``MinerBurned`` fraction of every subnet, in [0, 1] (eras C and D).
    root_claim_swap
        Fraction of root alpha dividends sold for TAO when drained (root claims of type "Swap", the
        default, spec §3.5), in [0, 1]. Before v3.2.10 root alpha is sold every block whatever this is.
    emission_sell
        Fraction of the owner's and miners' alpha sold at each epoch, in [0, 1].
    start_block
        Block number of the first block (epoch schedule and immunity use it).
    initial_age_blocks
        How long before ``start_block`` the initial subnets were registered and started emitting
        (sets the EMA's age factor and the pruning immunity; default 2 000 000 ≈ 278 days).
    flow_exponent
        ``FlowNormExponent`` p of TaoFlow shares (eras B, B'; default 1).
    emission_bar_rank, emission_bar_quantile, emission_gate_exponent
        ``EmissionBarRank`` N (0 … 1 024; 0 selects the q-mass bar), ``EmissionBarQuantile`` q (in
        (0, 1]) and ``EmissionGateExponent`` h (in (0, 16]) of the emission gate (spec §A2), for eras
        that have one; None (default) takes the chain's defaults (N = 32, q = 0.61, h = 3).
    max_record_mb
        Memory allowed for the records (default 1 024 MB).
    name
        A label (kept in sweep summaries).
    """

    era: str = "head"
    n_subnets: int = 32
    blocks: int | None = None
    days: float | None = None
    record_every: int | None = None
    initial: Literal["snapshot", "synthetic"] | InitialState = "snapshot"
    policy: Policy | tuple[Policy, ...] = field(default_factory=NoTrading)
    seed: int = 0
    registration: Registration | None = None
    issuance_tao: float | None = None
    recycle_rate: float = 0.0
    root_tao: float = DEFAULT_ROOT_TAO_RAO / RAO_PER_TAO
    tao_weight: float = TAO_WEIGHT
    owner_cut: float = MAINNET_OWNER_CUT
    tempo: int = TEMPO
    miner_burned: float = 0.0
    root_claim_swap: float = 1.0
    emission_sell: float = 0.0
    start_block: int = DEFAULT_START_BLOCK
    initial_age_blocks: int = 2_000_000
    flow_exponent: float = 1.0
    emission_bar_rank: int | None = None
    emission_bar_quantile: float | None = None
    emission_gate_exponent: float | None = None
    max_record_mb: float = 1_024.0
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.era, str | Era | _dt.date):
            raise TypeError(f"Scenario.era must be a str, got {type(self.era).__name__}")
        try:
            e = _resolve_era(self.era)
        except ValueError as exc:
            raise ValueError(f"Scenario.era: {exc}") from None
        if not e.dtao:
            raise ValueError(f"Scenario.era must be a dTAO era (v2.0.0 or later), got {e.tag!r} (pre-dTAO)")
        object.__setattr__(self, "era", e.tag)
        if isinstance(self.initial, InitialState):
            object.__setattr__(self, "n_subnets", self.initial.n)
        elif self.initial not in ("snapshot", "synthetic"):
            raise ValueError(
                f"Scenario.initial must be 'snapshot', 'synthetic' or an InitialState, got {self.initial!r}")
        hi = 128 if self.initial == "snapshot" else MAX_SUBNETS
        check_int("Scenario.n_subnets", self.n_subnets, lo=1, hi=hi)
        max_blocks = 3650 * BLOCKS_PER_DAY
        if self.days is not None:
            check_real("Scenario.days", self.days, lo=0.0, lo_open=True, hi=3650.0)
        if self.blocks is None and self.days is None:
            object.__setattr__(self, "blocks", 30 * BLOCKS_PER_DAY)
        elif self.blocks is None:
            d = check_real("Scenario.days", self.days, lo=0.0, lo_open=True, hi=3650.0)
            object.__setattr__(self, "blocks", max(1, round(d * BLOCKS_PER_DAY)))
        else:
            check_int("Scenario.blocks", self.blocks, lo=1, hi=max_blocks)
            if self.days is not None and round(self.days * BLOCKS_PER_DAY) != self.blocks:
                raise ValueError(f"Scenario: give blocks or days, not both (blocks={self.blocks}, days={self.days})")
        object.__setattr__(self, "days", self.blocks / BLOCKS_PER_DAY)
        pol = normalize_policies(self.policy)
        for p in pol.pumps:
            if p.at_block_offset >= self.blocks:
                raise ValueError(f"Pump.at_day must be inside the run (< {self.days:g} days), got {p.at_day}")
        check_int("Scenario.seed", self.seed, lo=0, hi=2**63 - 1)
        if self.registration is not None and not isinstance(self.registration, Registration):
            raise TypeError(
                f"Scenario.registration must be a Registration or None, got {type(self.registration).__name__}")
        if self.issuance_tao is not None:
            check_real("Scenario.issuance_tao", self.issuance_tao, lo=0.0, hi=21_000_000.0)
        rr = check_real("Scenario.recycle_rate", self.recycle_rate, lo=0.0, hi=1.0, hi_open=True)
        del rr
        check_real("Scenario.root_tao", self.root_tao, lo=0.0, hi=21_000_000.0)
        check_fraction("Scenario.tao_weight", self.tao_weight)
        check_fraction("Scenario.owner_cut", self.owner_cut)
        check_int("Scenario.tempo", self.tempo, lo=1, hi=50_400)
        check_fraction("Scenario.miner_burned", self.miner_burned)
        check_fraction("Scenario.root_claim_swap", self.root_claim_swap)
        check_fraction("Scenario.emission_sell", self.emission_sell)
        check_int("Scenario.start_block", self.start_block, lo=0, hi=2**40)
        check_int("Scenario.initial_age_blocks", self.initial_age_blocks, lo=0, hi=2**40)
        check_real("Scenario.flow_exponent", self.flow_exponent, lo=0.0, hi=16.0)
        if self.emission_bar_rank is not None:
            check_int("Scenario.emission_bar_rank", self.emission_bar_rank, lo=0, hi=MAX_SUBNETS)
        if self.emission_bar_quantile is not None:
            check_real("Scenario.emission_bar_quantile", self.emission_bar_quantile, lo=0.0, lo_open=True, hi=1.0)
        if self.emission_gate_exponent is not None:
            check_real("Scenario.emission_gate_exponent", self.emission_gate_exponent, lo=0.0, lo_open=True,
                       hi=16.0)
        check_real("Scenario.max_record_mb", self.max_record_mb, lo=0.0, lo_open=True, hi=1e6)
        if not isinstance(self.name, str):
            raise TypeError(f"Scenario.name must be a str, got {type(self.name).__name__}")
        if self.record_every is None:
            k = BLOCKS_PER_DAY if self.blocks >= 10 * BLOCKS_PER_DAY else max(1, self.blocks // 200)
            object.__setattr__(self, "record_every", k)
        else:
            check_int("Scenario.record_every", self.record_every, lo=1, hi=self.blocks)
        need = self.record_bytes / 2**20
        if need > self.max_record_mb:
            per = (N_M * self.n_slots + N_R) * 8
            k_min = math.ceil(self.blocks / max(1, int(self.max_record_mb * 2**20 / per) - 2))
            raise ValueError(
                f"Scenario.record_every must be >= {k_min} to keep the records of {self.blocks} blocks × "
                f"{self.n_slots} subnets under max_record_mb = {self.max_record_mb:g} MB "
                f"(record_every = {self.record_every} needs {need:,.0f} MB)"
            )

    # -- derived ------------------------------------------------------------------------------------
    @property
    def era_rules(self) -> Era:
        """The :class:`dtao_lib.params.Era` of this scenario."""
        return _resolve_era(self.era)

    @property
    def policies(self) -> PolicySet:
        return normalize_policies(self.policy)

    @property
    def n_slots(self) -> int:
        """Subnet slots the state needs (initial subnets plus room for registrations)."""
        if self.registration is None:
            return self.n_subnets
        extra = len(self.registration.schedule(self.blocks))
        return max(self.n_subnets, min(self.registration.subnet_limit, self.n_subnets + extra))

    @property
    def n_records(self) -> int:
        """Rows recorded: the start, every ``record_every``-th block and the last block."""
        return 1 + math.ceil(self.blocks / self.record_every)

    @property
    def record_bytes(self) -> int:
        """Memory taken by the records (bytes)."""
        return self.n_records * (N_M * self.n_slots + N_R) * 8

    @property
    def issuance_rao(self) -> int:
        tao = DEFAULT_ISSUANCE_TAO if self.issuance_tao is None else self.issuance_tao
        return round(tao * RAO_PER_TAO)

    def initial_state(self) -> InitialState:
        """The :class:`InitialState` this scenario starts from."""
        if isinstance(self.initial, InitialState):
            return self.initial
        if self.initial == "snapshot":
            return InitialState.from_snapshot(self.n_subnets)
        return InitialState.synthetic(self.n_subnets, seed=self.seed)

    def replace(self, **changes: Any) -> Scenario:
        """A copy with some fields changed (``blocks``/``days`` stay consistent)."""
        if "days" in changes and "blocks" not in changes:
            changes["blocks"] = None
        elif "blocks" in changes and "days" not in changes:
            changes["days"] = None
        return replace(self, **changes)

    def describe(self) -> dict[str, Any]:
        """The scenario as a flat dict (one row of a sweep table)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "policy":
                v = self.policies.describe()
            elif f.name == "initial":
                v = "custom" if isinstance(v, InitialState) else v
            elif f.name == "registration":
                v = "none" if v is None else f"{v.count} registrations"
            out[f.name] = v
        out["era_letter"] = self.era_rules.letter
        return out

