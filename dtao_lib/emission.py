"""TAO block emission and the halvings (spec §1).

The chain mints ``E`` rao per block, where ``E`` depends only on ``TotalIssuance`` ``I``
(``coinbase/block_emission.rs::get_block_emission_for_issuance``)::

    r = log2( 1 / (1 − I / S) )        S = 21e15 rao (the supply cap)
    k = floor(r)                        halvings so far
    E = floor( 1e9 / 2^k )              rao per block;  E = 0 once I ≥ S

so emission halves each time issuance crosses ``T_k = S · (1 − 2^−k)``: 10.5 M TAO, 15.75 M,
18.375 M, ... The chain evaluates ``log2`` in I96F32 fixed point; here ``k`` is found with exact
integer arithmetic (the largest ``k`` with ``2^k · (S − I) ≤ S``), which reproduces the exact
thresholds the spec and the test vectors (BE-*) describe.

*Issuance* is the subtensor pallet's own counter: minting raises it, **recycling lowers it**
(so recycling delays the halvings) and burning leaves it unchanged (spec §1). From runtime spec 444
(PR #3053, 2026-08-06 [P only]; ``Era.fees_recycled``) native transaction fees and tips are recycled
instead of paid to block authors, and alpha-paid fees are swapped to TAO and recycled: a steady fee
flow is one more recycling rate in :func:`project_issuance` / :func:`halving_schedule` and pushes the
second halving (issuance 15.75 M TAO; ≈ December 2029 at 0.5 TAO per block with no recycling [G])
later. Whether AMM swap fees changed too is not determined (addendum §A8). The same function,
applied to a subnet's own alpha issuance, gives that subnet's alpha emission ("alpha halving",
spec §3.4).

Functions
---------
block_emission
    Rao minted per block at a given issuance.
halvings_so_far, halving_threshold_rao
    ``k`` and ``T_k``.
project_issuance
    Issuance block by block, aggregated per day, under a constant recycling rate.
halving_schedule
    The blocks (and dates) at which emission halves under a recycling rate.
supply_limit_rao
    Where issuance stops when emission truncates to zero (just under 21 M TAO).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validate import check_fraction, check_int
from .params import BLOCK_TIME_SECONDS, BLOCKS_PER_DAY, DEFAULT_BLOCK_EMISSION_RAO, TOTAL_SUPPLY_RAO

__all__ = [
    "Halving",
    "block_emission",
    "halving_schedule",
    "halving_threshold_rao",
    "halvings_so_far",
    "project_issuance",
    "supply_limit_rao",
]

_MAX_HALVINGS = 128  # far beyond the point where floor(1e9 / 2^k) is 0


def halvings_so_far(issuance_rao: int, *, total_supply_rao: int = TOTAL_SUPPLY_RAO) -> int | None:
    """Number of halvings ``k = floor(log2(S / (S − I)))`` at issuance ``I`` (spec §1).

    Returns ``None`` when ``I ≥ S`` (no emission at all).
    """
    issuance = check_int("issuance_rao", issuance_rao)
    supply = check_int("total_supply_rao", total_supply_rao, lo=1)
    remaining = supply - issuance
    if remaining <= 0:
        return None
    # largest k with remaining * 2^k <= supply  (exact integer log2)
    return (supply // remaining).bit_length() - 1


def block_emission(
    issuance_rao: int,
    *,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
    default_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> int:
    """Rao minted per block at issuance ``issuance_rao`` (spec §1, vectors BE-*).

    .. math:: E(I) = \\left\\lfloor \\frac{E_0}{2^{k}} \\right\\rfloor,\\qquad
              k = \\left\\lfloor \\log_2 \\frac{S}{S - I} \\right\\rfloor,
              \\qquad E = 0 \\text{ if } I \\ge S.

    Parameters
    ----------
    issuance_rao
        ``TotalIssuance`` in rao (an integer ≥ 0).
    total_supply_rao
        The cap ``S`` (21e15 rao on mainnet).
    default_emission_rao
        ``E_0``, the emission before any halving (1e9 rao = 1 TAO on mainnet).

    Examples
    --------
    >>> block_emission(0)
    1000000000
    >>> block_emission(10_500_000 * 10**9)      # first threshold: 10.5 M TAO
    500000000
    """
    e0 = check_int("default_emission_rao", default_emission_rao)
    k = halvings_so_far(issuance_rao, total_supply_rao=total_supply_rao)
    if k is None or k >= _MAX_HALVINGS:
        return 0
    return e0 >> k


def halving_threshold_rao(k: int, *, total_supply_rao: int = TOTAL_SUPPLY_RAO) -> int:
    """Issuance ``T_k = S · (1 − 2^−k)`` at which the ``k``-th halving happens (exact, rounded up).

    Emission is ``E_0 / 2^k`` for ``T_k ≤ I < T_{k+1}``; ``T_k`` is the smallest integer issuance with
    ``k`` halvings.
    """
    k = check_int("k", k, lo=0, hi=_MAX_HALVINGS)
    supply = check_int("total_supply_rao", total_supply_rao, lo=1)
    # smallest I with (S - I) * 2^k <= S  <=>  I >= S - S / 2^k
    return supply - (supply >> k)


@dataclass(frozen=True)
class Halving:
    """One halving: emission drops from ``emission_before_rao`` to ``emission_after_rao``."""

    k: int
    threshold_rao: int
    block: int
    emission_before_rao: int
    emission_after_rao: int
    date: _dt.datetime | None = None


def _net_per_block(emission_rao: int, recycle_rate: float) -> int:
    """Net issuance growth per block when a fraction of emission is recycled (rounded down)."""
    return emission_rao - int(emission_rao * recycle_rate)


def _check_start_date(start_date: object) -> None:
    if start_date is not None and not isinstance(start_date, _dt.date):
        raise TypeError(f"start_date must be a datetime.date or datetime.datetime (or None), "
                        f"got {type(start_date).__name__} {start_date!r}")


def halving_schedule(
    issuance_rao: int = 0,
    *,
    recycle_rate: float = 0.0,
    start_block: int = 0,
    start_date: _dt.datetime | None = None,
    max_halvings: int = 8,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
    default_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> list[Halving]:
    """The next ``max_halvings`` halvings from ``issuance_rao``, under a constant recycling rate.

    Model: each block mints ``E(I)`` and a fraction ``recycle_rate`` of it is recycled back (it
    lowers issuance, spec §1), so issuance grows by ``E − floor(E · recycle_rate)`` per block. The
    halving block is the first block whose end-of-block issuance reaches the next threshold
    ``T_{k+1}``. Dates assume 12-second blocks from ``start_date`` (if given); a halving that would
    fall after the last date Python can represent (year 9999, e.g. under recycling close to 100 %)
    gets ``date=None``.

    Raises
    ------
    TypeError
        If ``start_date`` is neither ``None`` nor a :class:`datetime.date` / :class:`datetime.datetime`.
    ValueError
        If ``recycle_rate`` is not in [0, 1) (at 1 issuance never grows).
    """
    _check_start_date(start_date)
    issuance = check_int("issuance_rao", issuance_rao)
    rate = check_fraction("recycle_rate", recycle_rate)
    if rate >= 1.0:
        raise ValueError(f"recycle_rate must be in [0, 1), got {recycle_rate!r}")
    block = check_int("start_block", start_block)
    n = check_int("max_halvings", max_halvings, lo=0, hi=64)
    out: list[Halving] = []
    while len(out) < n:
        k = halvings_so_far(issuance, total_supply_rao=total_supply_rao)
        if k is None:
            break
        e = block_emission(issuance, total_supply_rao=total_supply_rao, default_emission_rao=default_emission_rao)
        g = _net_per_block(e, rate)
        if g <= 0:
            break
        target = halving_threshold_rao(k + 1, total_supply_rao=total_supply_rao)
        steps = -(-(target - issuance) // g)  # ceil
        issuance += steps * g
        block += steps
        new_k = halvings_so_far(issuance, total_supply_rao=total_supply_rao)
        e_after = block_emission(
            issuance, total_supply_rao=total_supply_rao, default_emission_rao=default_emission_rao
        )
        when = None
        if start_date is not None:
            try:
                when = start_date + _dt.timedelta(seconds=(block - start_block) * BLOCK_TIME_SECONDS)
            except OverflowError:  # past year 9999: no calendar date
                when = None
        out.append(Halving(k=(new_k if new_k is not None else k + 1), threshold_rao=target, block=block,
                           emission_before_rao=e, emission_after_rao=e_after, date=when))
    return out


def project_issuance(
    issuance_rao: int = 0,
    *,
    days: int = 365 * 4,
    recycle_rate: float = 0.0,
    start_date: _dt.date | None = None,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
    default_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> pd.DataFrame:
    """Issuance at the end of each day for ``days`` days, exact to the rao (spec §1).

    Emission is piecewise constant between halving thresholds, so issuance grows linearly within
    each segment; every day's end is evaluated in closed form from its segment (no per-block or
    per-day loop). Columns: ``day``, ``date`` (if
    ``start_date`` is given), ``issuance_rao``, ``issuance_tao``, ``emission_rao`` (per block at the
    end of the day), ``halvings``.
    """
    _check_start_date(start_date)
    issuance = check_int("issuance_rao", issuance_rao)
    n_days = check_int("days", days, lo=1, hi=365 * 200)
    rate = check_fraction("recycle_rate", recycle_rate)
    if rate >= 1.0:
        raise ValueError(f"recycle_rate must be in [0, 1), got {recycle_rate!r}")
    # Issuance grows by a constant g per block between thresholds: list those segments (a few dozen
    # at most) and evaluate every day's last block in closed form, I_j + (B − b_j)·g_j.
    end_block = n_days * BLOCKS_PER_DAY
    seg_block, seg_issuance, seg_growth, seg_emission, seg_k = [], [], [], [], []
    block = 0
    while True:
        k = halvings_so_far(issuance, total_supply_rao=total_supply_rao)
        e = block_emission(issuance, total_supply_rao=total_supply_rao, default_emission_rao=default_emission_rao)
        g = _net_per_block(e, rate)
        seg_block.append(block)
        seg_issuance.append(issuance)
        seg_emission.append(e)
        seg_k.append(-1 if k is None else k)
        if k is None or g <= 0:
            seg_growth.append(0)  # issuance stops here
            break
        seg_growth.append(g)
        target = halving_threshold_rao(k + 1, total_supply_rao=total_supply_rao)
        steps = -(-(target - issuance) // g)  # ceil: the first block whose issuance reaches the target
        if block + steps > end_block:
            break
        issuance += steps * g
        block += steps
    day_end = np.arange(1, n_days + 1, dtype=np.int64) * BLOCKS_PER_DAY
    j = np.searchsorted(np.asarray(seg_block, dtype=np.int64), day_end, side="right") - 1
    # int64 for every realistic input; Python integers (object columns) when a u64 issuance or emission
    # would overflow it (e.g. issuance_rao = 2^63)
    fits = max(seg_issuance) + end_block * max(seg_growth) < 2**63 and max(seg_emission) < 2**63
    dt = np.int64 if fits else object
    iss = np.asarray(seg_issuance, dtype=dt)[j] + (day_end - np.asarray(seg_block, dtype=np.int64)[j]).astype(dt) * \
        np.asarray(seg_growth, dtype=dt)[j]
    em = np.asarray(seg_emission, dtype=dt)[j]  # emission depends on issuance only through k
    ks = np.asarray(seg_k, dtype=np.int64)[j]
    df = pd.DataFrame({
        "day": np.arange(1, n_days + 1),
        "issuance_rao": iss,
        "issuance_tao": iss / 1e9 if fits else np.array([int(x) / 1e9 for x in iss]),
        "emission_rao": em,
        "halvings": ks,
    })
    if start_date is not None:
        df.insert(1, "date", pd.to_datetime(start_date) + pd.to_timedelta(df["day"], unit="D"))
    return df


def supply_limit_rao(
    *,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
    default_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> int:
    """Issuance at which emission truncates to 0 when nothing is recycled (spec §1, vector BE-44).

    Starting from 0, issuance grows by ``E_k`` per block through each segment; after about 30
    halvings ``floor(1e9 / 2^k)`` is 0 and issuance stops just under the cap (≈ 20 999 999.9895 TAO).
    """
    default_emission_rao = check_int("default_emission_rao", default_emission_rao)
    issuance = 0
    while True:
        k = halvings_so_far(issuance, total_supply_rao=total_supply_rao)
        if k is None or k >= _MAX_HALVINGS:
            return issuance
        e = default_emission_rao >> k
        if e == 0:
            return issuance
        target = halving_threshold_rao(k + 1, total_supply_rao=total_supply_rao)
        issuance += -(-(target - issuance) // e) * e
