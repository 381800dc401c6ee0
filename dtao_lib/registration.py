"""Subnet registration: lock cost, rate limit, pruning and new-subnet seeding (spec §6.1–§6.3).

Lock cost (spec §6.1, ``coinbase/root.rs::get_network_lock_cost``)::

    mult      = 1 if last_lock_block == 0 else 2
    interval  = floor(NetworkLockReductionInterval · E / 1e9)        # halves with each TAO halving
    cost      = last_lock·mult − floor(last_lock / interval)·(current_block − last_lock_block)
    cost      = max(cost, NetworkMinLockCost)

All of it is u64 **saturating** arithmetic: ``current_block − last_lock_block`` is 0 when the last
lock block lies in the future (the Sept-2025 re-enable migration put it one week ahead, so the chain
quoted ``2 · 1000 = 2000`` TAO, vector LC-12), ``last_lock·mult`` saturates at ``u64::MAX`` and the
subtraction stops at 0. A zero interval means no decay (the division is a ``safe_div``). The
interval is scaled by ``E/1e9`` in I64F64 fixed point (``get_lock_reduction_interval``); before dTAO
(v1.2.5) it was not scaled at all. Each registration sets ``last_lock := amount paid`` and
``last_lock_block := current block``, so the price doubles and then decays linearly. Registrations
are rate-limited: ``current_block − last_lock_block ≥ NetworkRateLimit`` (28 800 blocks, saturating);
the first registration ever (``last_lock_block == 0``) passes from v3.2.7 (and before dTAO), not in
v2.0.0 – v3.2.6 (``Era.first_network_registration_free``).

Pruning (spec §6.3, ``get_network_to_prune``): when the subnet limit is reached, among non-root
subnets outside immunity (``current < registered_at + 864 000`` is immune) the chain prunes the
**lowest EMA price**; ties go to the earliest registration, and a tie on both goes to the first
subnet in storage order (``NetworksAdded`` uses the identity hasher on the little-endian u16 netuid,
i.e. the order of ``(netuid mod 256, netuid // 256)``). Pre-dTAO (spec §2) the lowest
``EmissionValues`` was pruned with the same tie rule; v2.0.0–v3.2.7 had no pruning.

New-subnet seeding (spec §6.2):

* HEAD (v3.3.14+): ``SubnetTAO = max(lock, min_lock)`` and ``SubnetAlphaIn = floor(SubnetTAO / median)``
  where the median is taken over the spot prices of existing subnets (``get_median_subnet_alpha_price``:
  non-root, price > 0; the mean of the two middle values for an even count; 1.0 when there are
  none), all in U64F64. Nothing is recycled; the owner gets no alpha.
* v2.0.0–v3.3.13: the pool is seeded with ``min_lock`` TAO and ``min_lock`` alpha (price 1.0) and the
  rest of the lock is recycled.
* pre-dTAO: no pool; the lock is held and refunded when the subnet is removed.

After June 2026 (addendum §A7; not modelled here, the lock-cost formula above is unchanged in the
storage defaults read [V, partial]):

* **registration queue** (PR #2957, 2026-07-21 [P]; ``process_network_registration_queue`` in
  ``on_idle`` at spec 459 [V]; ``Era.registration_queue``): ``register_network`` creates the subnet at
  once when a slot is free; when the slots are full, or a dissolution is still being cleaned up, it
  emits ``NetworkRegistrationQueued`` and ``on_idle`` completes it in a later block. From spec 453 the
  price and the rate limit are fixed when the request is queued [T];
* **miner registration collateral** (spec 435): part of a *neuron* registration price is staked and
  locked instead of burned, see :mod:`dtao_lib.collateral`;
* the "v440 notes" quoted in PR #3023 say the subnet registration cost "should fall toward the
  transaction fee" [P]; no code for it was found.

Functions
---------
lock_cost, lock_reduction_interval
    The quoted lock price and the emission-scaled decay interval.
can_register_network, is_immune
    The 28 800-block rate limit and the 864 000-block pruning immunity.
lock_cost_timeline
    The lock price at every block of a window with registrations at given blocks (numpy).
lock_growth_factor
    How much the price changes from one registration to the next at a steady registration rate.
subnet_to_prune
    Which netuid is pruned when the subnet limit is reached (era-aware).
median_subnet_price, new_subnet_pool
    The median spot price and the reserves a new subnet starts with (era-aware).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from ._validate import check_int, check_real, freeze_arrays
from .params import (
    DEFAULT_BLOCK_EMISSION_RAO,
    LOCK_REDUCTION_INTERVAL_BLOCKS,
    MIN_LOCK_RAO,
    NETWORK_IMMUNITY_BLOCKS,
    NETWORK_RATE_LIMIT_BLOCKS,
    U64_MAX,
    Era,
)
from .params import (
    era as _resolve_era,
)

__all__ = [
    "LockTimeline",
    "NewSubnetPool",
    "RateLimitError",
    "can_register_network",
    "is_immune",
    "lock_cost",
    "lock_cost_timeline",
    "lock_growth_factor",
    "lock_reduction_interval",
    "median_subnet_price",
    "new_subnet_pool",
    "subnet_to_prune",
]

_FRAC64 = 64
_ONE64 = 1 << _FRAC64
_I64F64_MAX_BITS = (1 << 127) - 1
_U64F64_MAX_BITS = (1 << 128) - 1


def _sat_u64(x: int) -> int:
    return min(max(x, 0), U64_MAX)


# ---------------------------------------------------------------------------------------------
# Lock cost (§6.1)
# ---------------------------------------------------------------------------------------------
def lock_reduction_interval(
    reduction_interval_blocks: int = LOCK_REDUCTION_INTERVAL_BLOCKS,
    *,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
    era: str | Era = "head",
) -> int:
    """Effective lock-decay interval ``floor(interval · E / 1e9)`` in blocks (spec §6.1).

    The chain computes ``E / 1e9`` in I64F64 (64 fractional bits, truncated), multiplies by the
    stored interval and truncates to u64 (``get_lock_reduction_interval``). For every emission
    ``E = 1e9 / 2^k`` with ``k ≤ 9`` the ratio is exact and this equals the rational formula; after
    ten halvings the truncation can make it one block shorter. Before dTAO (``era="pre-dtao"``) the
    interval was not scaled.

    Examples
    --------
    >>> lock_reduction_interval(57_600), lock_reduction_interval(57_600, block_emission_rao=500_000_000)
    (57600, 28800)
    """
    interval = check_int("reduction_interval_blocks", reduction_interval_blocks, hi=U64_MAX)
    emission = check_int("block_emission_rao", block_emission_rao, hi=U64_MAX)
    if not _resolve_era(era).dtao:
        return interval
    interval_bits = min(interval << _FRAC64, _I64F64_MAX_BITS)  # saturating_from_num
    halving_bits = (emission << _FRAC64) // 10**9                # E / 1e9, truncated
    product = min((interval_bits * halving_bits) >> _FRAC64, _I64F64_MAX_BITS)
    return _sat_u64(product >> _FRAC64)


def lock_cost(
    *,
    last_lock_rao: int,
    last_lock_block: int,
    current_block: int,
    min_lock_rao: int = MIN_LOCK_RAO,
    reduction_interval_blocks: int = LOCK_REDUCTION_INTERVAL_BLOCKS,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
    era: str | Era = "head",
) -> int:
    """Quoted subnet lock cost in rao (spec §6.1, vectors LC-*).

    .. math:: \\max\\bigl(L_{\\min},\\; L\\,m \\ominus \\lfloor L / I \\rfloor \\cdot (b \\ominus b_L)\\bigr),
              \\qquad m = 1 \\text{ if } b_L = 0 \\text{ else } 2

    where ``⊖`` is saturating u64 subtraction and ``I`` is :func:`lock_reduction_interval`.

    Parameters
    ----------
    last_lock_rao
        ``NetworkLastLockCost``: what the previous registration paid.
    last_lock_block
        ``NetworkLastRegistered``: the block of that registration (0 = never, so no doubling).
        May lie in the future (the Sept-2025 migration): the decay term is then 0.
    current_block
        The block at which the price is quoted.
    min_lock_rao
        ``NetworkMinLockCost`` (1 TAO on mainnet).
    reduction_interval_blocks
        ``NetworkLockReductionInterval`` before emission scaling (57 600 on mainnet).
    block_emission_rao
        Current TAO block emission ``E`` (1e9 before the first halving).
    era
        Protocol era; before dTAO the interval is not scaled by ``E``.

    Examples
    --------
    Sept-2025 re-enable: last lock 1000 TAO, last lock block one week ahead → 2000 TAO quoted.

    >>> lock_cost(last_lock_rao=1000 * 10**9, last_lock_block=10_000 + 50_400, current_block=10_000)
    2000000000000
    """
    last = check_int("last_lock_rao", last_lock_rao, hi=U64_MAX)
    last_block = check_int("last_lock_block", last_lock_block, hi=U64_MAX)
    block = check_int("current_block", current_block, hi=U64_MAX)
    min_lock = check_int("min_lock_rao", min_lock_rao, hi=U64_MAX)
    interval = lock_reduction_interval(reduction_interval_blocks, block_emission_rao=block_emission_rao, era=era)
    return _lock_cost_raw(last, last_block, block, min_lock, interval)


def _lock_cost_raw(last: int, last_block: int, block: int, min_lock: int, interval: int) -> int:
    mult = 1 if last_block == 0 else 2
    per_block = last // interval if interval > 0 else 0  # safe_div: x / 0 = 0
    elapsed = max(block - last_block, 0)
    decay = _sat_u64(per_block * elapsed)
    cost = max(_sat_u64(last * mult) - decay, 0)
    return max(cost, min_lock)


def can_register_network(
    last_lock_block: int,
    current_block: int,
    *,
    rate_limit_blocks: int = NETWORK_RATE_LIMIT_BLOCKS,
    era: str | Era = "head",
) -> bool:
    """True if a subnet may be registered at ``current_block`` (spec §6.1 rate limit).

    The chain requires ``current_block ⊖ last_lock_block ≥ NetworkRateLimit`` (28 800 blocks = 4 days),
    with saturating subtraction: while the last lock block lies in the future nobody can register.
    The first registration ever (``last_lock_block == 0``) passes whatever the block, from v3.2.7
    (``rate_limiting.rs`` ``check_passes_rate_limit``: ``last_block == 0 || …``) and before dTAO;
    v2.0.0 – v3.2.6 compared the blocks directly (``subnets/subnet.rs``).

    >>> can_register_network(0, 100), can_register_network(0, 100, era="v3.2.6")
    (True, False)
    """
    last_block = check_int("last_lock_block", last_lock_block, hi=U64_MAX)
    block = check_int("current_block", current_block, hi=U64_MAX)
    limit = check_int("rate_limit_blocks", rate_limit_blocks, hi=U64_MAX)
    return _passes_rate_limit(last_block, block, limit, _resolve_era(era))


def _passes_rate_limit(last_block: int, block: int, limit: int, e: Era) -> bool:
    if last_block == 0 and e.first_network_registration_free:
        return True
    return max(block - last_block, 0) >= limit


def is_immune(registered_at: int, current_block: int, *, immunity_blocks: int = NETWORK_IMMUNITY_BLOCKS) -> bool:
    """True while a subnet is protected from pruning: ``current < registered_at + immunity`` (spec §6.3)."""
    reg = check_int("registered_at", registered_at, hi=U64_MAX)
    block = check_int("current_block", current_block, hi=U64_MAX)
    immunity = check_int("immunity_blocks", immunity_blocks, hi=U64_MAX)
    return block < _sat_u64(reg + immunity)


class RateLimitError(ValueError):
    """A registration in :func:`lock_cost_timeline` came sooner than the rate limit allows."""


@dataclass(frozen=True)
class LockTimeline:
    """Lock price over a window of blocks with registrations (see :func:`lock_cost_timeline`).

    ``price_rao[i]`` is the price quoted at ``blocks[i]`` before any registration in that block (what
    a registrant in that block pays). ``registrations`` are the blocks whose registration went through
    and ``paid_rao`` what each paid; ``rate_limited`` lists requested blocks that violated the
    28 800-block rate limit (skipped or, with ``on_rate_limit="ignore"``, performed anyway).
    """

    blocks: np.ndarray
    price_rao: np.ndarray
    registrations: tuple[int, ...]
    paid_rao: tuple[int, ...]
    rate_limited: tuple[int, ...]
    final_last_lock_rao: int
    final_last_lock_block: int

    def __post_init__(self) -> None:
        freeze_arrays(self)

    @property
    def price_tao(self) -> np.ndarray:
        """``price_rao`` in TAO (float)."""
        return self.price_rao.astype(np.float64) / 1e9

    @property
    def total_paid_rao(self) -> int:
        return sum(self.paid_rao)


_I64_MAX = 2**63 - 1


def _segment_prices(blocks: np.ndarray, last: int, last_block: int, min_lock: int, interval: int) -> np.ndarray:
    """Vectorised :func:`_lock_cost_raw` over ``blocks`` for a fixed state."""
    mult = 1 if last_block == 0 else 2
    start = min(_sat_u64(last * mult), U64_MAX)
    per_block = last // interval if interval > 0 else 0
    if start < 2**62 and blocks.size:
        # int64 blocks (< 2^63): a last_lock_block beyond them all leaves every elapsed at 0
        elapsed = np.clip(blocks - last_block, 0, None) if last_block <= _I64_MAX else np.zeros_like(blocks)
        if per_block > 0:
            # beyond `cap` blocks the price is at the floor anyway; clipping keeps int64 exact
            cap = start // per_block + 1
            elapsed = np.minimum(elapsed, cap)
        cost = np.int64(start) - np.int64(per_block) * elapsed.astype(np.int64)
        return np.maximum(np.maximum(cost, 0), np.int64(min_lock)).astype(np.int64)
    out = [_lock_cost_raw(last, last_block, int(b), min_lock, interval) for b in blocks]
    return np.array(out, dtype=object)


def lock_cost_timeline(
    *,
    start_block: int,
    end_block: int,
    registration_blocks: Iterable[int] = (),
    last_lock_rao: int,
    last_lock_block: int,
    min_lock_rao: int = MIN_LOCK_RAO,
    reduction_interval_blocks: int = LOCK_REDUCTION_INTERVAL_BLOCKS,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
    rate_limit_blocks: int = NETWORK_RATE_LIMIT_BLOCKS,
    on_rate_limit: Literal["raise", "skip", "ignore"] = "raise",
    era: str | Era = "head",
    quote_blocks: Iterable[int] | None = None,
) -> LockTimeline:
    """Lock price at every block in ``[start_block, end_block]`` with registrations (spec §6.1).

    Each registration pays the quoted price and resets ``last_lock`` / ``last_lock_block``, so the
    price doubles and decays again. Between registrations the prices are computed with numpy.

    Parameters
    ----------
    start_block, end_block
        The window (inclusive; at most 50 000 000 blocks, block numbers below 2^63).
    registration_blocks
        Blocks at which someone registers a subnet (sorted or not; duplicates are two attempts).
    last_lock_rao, last_lock_block
        State before the window.
    rate_limit_blocks
        ``NetworkRateLimit`` (28 800). A registration needs ``block ⊖ last_lock_block ≥`` this.
    on_rate_limit
        ``"raise"`` (default) raises :class:`RateLimitError`; ``"skip"`` drops the attempt;
        ``"ignore"`` performs it anyway. Offending blocks are listed in ``rate_limited``.
    quote_blocks
        Quote the price only at these blocks of the window (default: every block). Registrations
        are the same either way; a chart of a long window needs a few thousand quotes, not millions.

    Examples
    --------
    >>> t = lock_cost_timeline(start_block=100_000, end_block=200_000, registration_blocks=[100_000, 130_000],
    ...                        last_lock_rao=1000 * 10**9, last_lock_block=50_000)
    >>> [p // 10**9 for p in t.paid_rao]
    [1131, 1674]
    """
    start = check_int("start_block", start_block, hi=_I64_MAX)  # block numbers are held as int64
    end = check_int("end_block", end_block, hi=_I64_MAX)
    if end < start:
        raise ValueError(f"end_block must be >= start_block ({start}), got {end}")
    if end - start > 50_000_000:
        raise ValueError(f"the window end_block - start_block must be at most 50 000 000 blocks, got {end - start}")
    last = check_int("last_lock_rao", last_lock_rao, hi=U64_MAX)
    last_block = check_int("last_lock_block", last_lock_block, hi=U64_MAX)
    min_lock = check_int("min_lock_rao", min_lock_rao, hi=U64_MAX)
    limit = check_int("rate_limit_blocks", rate_limit_blocks, hi=U64_MAX)
    if on_rate_limit not in ("raise", "skip", "ignore"):
        raise ValueError(f"on_rate_limit must be one of 'raise', 'skip', 'ignore', got {on_rate_limit!r}")
    e = _resolve_era(era)
    interval = lock_reduction_interval(reduction_interval_blocks, block_emission_rao=block_emission_rao, era=era)
    regs = sorted(check_int("registration_blocks[]", b, hi=U64_MAX) for b in registration_blocks)
    for b in regs:
        if not start <= b <= end:
            raise ValueError(f"registration_blocks must lie in [start_block, end_block] = [{start}, {end}], got {b}")

    if quote_blocks is None:
        blocks = np.arange(start, end + 1, dtype=np.int64)
    else:
        blocks = np.unique(np.asarray([check_int("quote_blocks[]", b, hi=_I64_MAX) for b in quote_blocks],
                                      dtype=np.int64))
        if blocks.size and (blocks[0] < start or blocks[-1] > end):
            raise ValueError(f"quote_blocks must lie in [start_block, end_block] = [{start}, {end}]")

    def window(lo: int, hi: int) -> np.ndarray:  # the quoted blocks in [lo, hi]
        return blocks[np.searchsorted(blocks, lo):np.searchsorted(blocks, hi, side="right")]

    pieces: list[np.ndarray] = []
    done: list[int] = []
    paid: list[int] = []
    limited: list[int] = []
    seg_start = start
    for b in regs:
        if b >= seg_start:  # quotes up to and including block b use the state before b's registration
            pieces.append(_segment_prices(window(seg_start, b), last, last_block, min_lock, interval))
            seg_start = b + 1
        if not _passes_rate_limit(last_block, b, limit, e):
            limited.append(b)
            if on_rate_limit == "raise":
                raise RateLimitError(
                    f"registration at block {b} violates the rate limit: it needs block - last_lock_block "
                    f">= {limit}, but the last registration was at block {last_block}"
                )
            if on_rate_limit == "skip":
                continue
        price = _lock_cost_raw(last, last_block, b, min_lock, interval)
        paid.append(price)
        done.append(b)
        last, last_block = price, b
    if seg_start <= end:
        pieces.append(_segment_prices(window(seg_start, end), last, last_block, min_lock, interval))
    prices = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)
    if prices.dtype == object and prices.size and max(prices) < 2**63:
        prices = prices.astype(np.int64)
    return LockTimeline(
        blocks=blocks,
        price_rao=prices,
        registrations=tuple(done),
        paid_rao=tuple(paid),
        rate_limited=tuple(limited),
        final_last_lock_rao=last,
        final_last_lock_block=last_block,
    )


def lock_growth_factor(
    every_blocks: int,
    *,
    reduction_interval_blocks: int = LOCK_REDUCTION_INTERVAL_BLOCKS,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
    era: str | Era = "head",
) -> float:
    """Ratio of successive lock prices when a subnet registers every ``every_blocks`` blocks (spec §6.1).

    A registration that pays ``P`` sets the next quote to ``2P`` and the quote then falls by
    ``P / I`` per block (``I`` = :func:`lock_reduction_interval`), so ``R`` blocks later the next
    registrant pays about

    .. math:: P' = 2P - \\frac{P}{I} R = P \\left(2 - \\frac{R}{I}\\right),

    as long as that stays above the 1-TAO minimum. The factor is above 1 (the price climbs
    geometrically) when registrations come more often than once per interval, 1 at exactly one per
    interval, and below 1 otherwise (the price sinks to the minimum). Returned without the
    chain's rounding (``floor(P/I)`` makes the real decay slightly smaller, see
    :func:`lock_cost_timeline` for exact prices) and clipped at 0.

    Examples
    --------
    Every 4 days (the rate limit) with the 8-day interval of 2025, then after the first halving:

    >>> lock_growth_factor(28_800), lock_growth_factor(28_800, block_emission_rao=500_000_000)
    (1.5, 1.0)
    """
    r = check_int("every_blocks", every_blocks, lo=1, hi=U64_MAX)
    interval = lock_reduction_interval(reduction_interval_blocks, block_emission_rao=block_emission_rao, era=era)
    if interval == 0:
        return 2.0  # no decay at all
    return max(2.0 - r / interval, 0.0)


# ---------------------------------------------------------------------------------------------
# Pruning (§6.3, §2)
# ---------------------------------------------------------------------------------------------
def _storage_order(netuid: int) -> tuple[int, int]:
    """Iteration order of ``NetworksAdded`` (identity hasher over the little-endian u16 key)."""
    return (netuid & 0xFF, netuid >> 8)


def _get(subnet: Mapping[str, Any], key: str, idx: int) -> Any:
    try:
        return subnet[key]
    except KeyError:
        raise ValueError(f"subnets[{idx}] is missing the key {key!r}") from None
    except TypeError:
        raise TypeError(f"subnets[{idx}] must be a mapping, got {type(subnet).__name__}") from None


def subnet_to_prune(
    subnets: Iterable[Mapping[str, Any]],
    *,
    current_block: int | None = None,
    immunity_blocks: int = NETWORK_IMMUNITY_BLOCKS,
    era: str | Era = "head",
) -> int | str | None:
    """The netuid the chain would prune to make room for a new subnet, or ``None`` (spec §6.3, DS-05…07).

    Parameters
    ----------
    subnets
        One mapping per subnet with ``netuid``, ``registered_at`` and the ranking key: ``ema_price``
        (dTAO eras) or ``emission`` (``EmissionValues``, pre-dTAO). ``netuid`` is a u16 integer or a
        string label (e.g. ``"n1"``, as in the test vectors); labels have no storage position, so a
        full tie between labels goes to the one listed first. Immunity is taken from an
        ``immune`` key when present; otherwise it is computed from ``current_block`` as
        ``current_block < registered_at + immunity_blocks``. Netuid 0 (root) is never pruned.
    current_block, immunity_blocks
        Used only for subnets without an ``immune`` key.
    era
        ``"head"`` and every release from v3.2.8: lowest EMA price. Pre-dTAO: lowest emission.
        v2.0.0–v3.2.7 had no pruning, so the result is always ``None``.

    Returns
    -------
    int, str or None
        The netuid (or label) with the lowest key among eligible subnets; ties → earliest
        ``registered_at``; then storage order
        (ascending netuid for netuids below 256). ``None`` if no subnet is eligible.

    Examples
    --------
    >>> subnet_to_prune([{"netuid": 1, "ema_price": 7, "registered_at": 5, "immune": False},
    ...                  {"netuid": 2, "ema_price": 7, "registered_at": 1, "immune": False}])
    2
    """
    rule = _resolve_era(era).pruning
    immunity = check_int("immunity_blocks", immunity_blocks, hi=U64_MAX)  # checked whatever the era
    block = None if current_block is None else check_int("current_block", current_block, hi=U64_MAX)
    if rule == "disabled":
        return None
    key = "emission" if rule == "lowest_emission" else "ema_price"
    best: tuple[Any, ...] | None = None
    best_netuid: int | str | None = None
    seen: set[int | str] = set()
    for idx, s in enumerate(subnets):
        raw = _get(s, "netuid", idx)
        if isinstance(raw, str):
            if not raw:
                raise ValueError(f"subnets[{idx}]['netuid'] must be a u16 integer or a non-empty label")
            netuid: int | str = raw
            order: tuple[int, ...] = (1, idx)  # labels: no storage position, listed order
        else:
            netuid = check_int(f"subnets[{idx}]['netuid']", raw, hi=65_535)
            order = (0, *_storage_order(netuid))
        if netuid in seen:
            raise ValueError(f"subnets contains netuid {netuid} twice")
        seen.add(netuid)
        reg = check_int(f"subnets[{idx}]['registered_at']", _get(s, "registered_at", idx), hi=U64_MAX)
        value = _get(s, key, idx)
        if key == "emission":
            value = check_int(f"subnets[{idx}]['emission']", value, hi=U64_MAX)
        else:
            value = Fraction(check_real(f"subnets[{idx}]['ema_price']", value, lo=0.0))
        if "immune" in s:
            immune = s["immune"]
            if not isinstance(immune, (bool, np.bool_)):
                raise TypeError(f"subnets[{idx}]['immune'] must be a bool, got {type(immune).__name__}")
            immune = bool(immune)
        else:
            if block is None:
                raise ValueError(
                    f"subnets[{idx}] has no 'immune' key, so current_block must be given to compute immunity"
                )
            immune = block < _sat_u64(reg + immunity)
        if netuid == 0 or immune:
            continue
        rank = (value, reg, order)
        if best is None or rank < best:
            best, best_netuid = rank, netuid
    return best_netuid


# ---------------------------------------------------------------------------------------------
# Median price and new-subnet pool (§6.2)
# ---------------------------------------------------------------------------------------------
def _price_bits(name: str, value: Any) -> int:
    """A price as U64F64 bits (exact for binary floats and ints; truncated below 2^-64)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Fraction)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    frac = Fraction(value)
    if frac < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return min(math.floor(frac * _ONE64), _U64F64_MAX_BITS)


def _median_bits(prices: Iterable[Any]) -> int:
    bits = sorted(b for i, p in enumerate(prices) if (b := _price_bits(f"prices[{i}]", p)) > 0)
    if not bits:
        return _ONE64
    n = len(bits)
    lower, upper = bits[(n - 1) // 2], bits[n // 2]
    return upper if n % 2 else (lower + upper) // 2


def _price_list(prices: Iterable[Any] | Mapping[Any, Any] | np.ndarray) -> list[Any]:
    """Prices as a list: arrays are flattened, mappings ``{netuid: price}`` give their values."""
    if isinstance(prices, np.ndarray):
        return prices.ravel().tolist()
    if isinstance(prices, Mapping):
        return list(prices.values())
    if isinstance(prices, (str, bytes)):
        raise TypeError("prices must be a sequence of numbers, got a string")
    return list(prices)


def median_subnet_price(prices: Iterable[float] | Mapping[Any, float] | np.ndarray) -> float:
    """Median spot price of the existing subnets, as the chain computes it (spec §6.2, DS-08).

    Prices that are 0 are ignored (the chain skips subnets without a price), an even count gives the
    mean of the two middle prices (U64F64, truncated), and with no positive price the result is 1.0.
    Negative prices are rejected. Pass the non-root subnets only (a sequence, an array or a mapping
    ``{netuid: price}``).

    Examples
    --------
    >>> median_subnet_price([7, 2, 5]), median_subnet_price([4, 1, 2, 8]), median_subnet_price([])
    (5.0, 3.0, 1.0)
    """
    return _median_bits(_price_list(prices)) / _ONE64


@dataclass(frozen=True)
class NewSubnetPool:
    """Reserves of a newly registered subnet (spec §6.2)."""

    tao_reserve_rao: int
    alpha_reserve_rao: int
    recycled_rao: int
    locked_rao: int
    median_price: float
    owner_alpha_rao: int = 0

    @property
    def price(self) -> float:
        """Initial spot price ``τ / α`` (0 if there is no pool)."""
        return self.tao_reserve_rao / self.alpha_reserve_rao if self.alpha_reserve_rao else 0.0

    def __iter__(self) -> Iterator[int]:
        """``tao, alpha = new_subnet_pool(...)`` unpacks the two reserves."""
        return iter((self.tao_reserve_rao, self.alpha_reserve_rao))


def new_subnet_pool(
    lock_rao: int,
    prices: Iterable[float] | Mapping[Any, float] | np.ndarray = (),
    *,
    min_lock_rao: int = MIN_LOCK_RAO,
    era: str | Era = "head",
) -> NewSubnetPool:
    """TAO and alpha reserves a subnet starts with after locking ``lock_rao`` (spec §6.2, DS-09).

    * HEAD (``lock_destination == "pool_at_median_price"``, v3.3.14+): TAO reserve
      ``max(lock, min_lock)``, alpha reserve ``floor(TAO reserve / median)`` with the median of
      ``prices`` (the existing subnets' spot prices, see :func:`median_subnet_price`), in U64F64.
    * v2.0.0–v3.3.13 (``"burned_except_min_lock"``): ``min_lock`` TAO and ``min_lock`` alpha; the rest
      of the lock is recycled.
    * pre-dTAO (``"refunded_on_removal"``): no pool; the whole lock is held for a later refund.

    Examples
    --------
    >>> p = new_subnet_pool(1000 * 10**9, [7, 2, 5])
    >>> p.tao_reserve_rao, p.alpha_reserve_rao
    (1000000000000, 200000000000)
    >>> tao, alpha = p
    >>> new_subnet_pool(1000 * 10**9, era="v3.2.8").recycled_rao
    999000000000
    """
    lock = check_int("lock_rao", lock_rao, hi=U64_MAX)
    min_lock = check_int("min_lock_rao", min_lock_rao, hi=U64_MAX)
    median = _median_bits(_price_list(prices))
    rule = _resolve_era(era).lock_destination
    if rule == "pool_at_median_price":
        tao = max(lock, min_lock)
        alpha = _sat_u64((tao << _FRAC64) // median)
        return NewSubnetPool(tao, alpha, max(lock - tao, 0), lock, median / _ONE64)
    if rule == "burned_except_min_lock":
        return NewSubnetPool(min_lock, min_lock, max(lock - min_lock, 0), lock, median / _ONE64)
    return NewSubnetPool(0, 0, 0, lock, median / _ONE64)
