"""The subnet EMA ("moving") price (spec §3.3).

Every block, *after* the coinbase has used it, the chain moves each emitting subnet's EMA price
``p̄`` towards its spot price ``p`` (``staking/stake_utils.rs::update_moving_price``, called from
``block_step::update_moving_prices``)::

    b      = current_block − (FirstEmissionBlockNumber − 1)     blocks since start_call
    h      = EMAPriceHalvingBlocks                               201 600 on mainnet (4 weeks)
    a_eff  = SubnetMovingAlpha · b / (b + h)                     base 0.000003
    p̄_new  = (1 − a_eff) · p̄_old + a_eff · min(p, 1)

so a young subnet's EMA moves slowly (``a_eff ≈ α·b/h``) and a mature one's with ``a_eff → α``:
a half-life of ``ln 2 / α ≈ 231 000`` blocks (≈ 32 days). The spot price is **clamped at 1** before
it enters the EMA, so ``p̄ ≤ max(p̄_0, 1)`` for ever.

History (``era=``, see :func:`dtao_lib.params.era`; ``Era.ema_rule`` and the ``ema_*`` fields;
``staking/stake_utils.rs::update_moving_price`` at each tag):

* ``fixed_unclamped`` — ``v2.0.0``: ``a = SubnetMovingAlpha``, spot not clamped;
* ``fixed_clamped`` — ``v2.0.1``: ``a = SubnetMovingAlpha``, ``min(p, 1)`` (L62–63);
* ``age_scaled`` — ``v2.0.6``: the age factor ``b/(b + 100 800)`` (a fixed constant) and the clamp,
  ``b`` counted from ``NetworkRegisteredAt`` (L60–67); ``v2.0.8``: ``h`` is the
  ``EMAPriceHalvingBlocks`` parameter (201 600); ``v2.0.10``+ (HEAD): ``b`` counted from
  ``start_call`` (``FirstEmissionBlockNumber − 1``).

Fixed point
-----------
``SubnetMovingPrice`` is stored as I96F32 and ``SubnetMovingAlpha`` too (so the mainnet
0.000003 is really ``12 885 / 2^32 ≈ 3.0000228e-6``). The update was computed with 32 fractional
bits until v3.4.7 (I96F32 to v2.0.10, U96F32 from v2.0.11: the same bits for these non-negative
values) and in U64F64 from v3.4.8 (every product truncated to 64 fractional bits), then stored
back truncated to 32 fractional bits (``Era.ema_fixed_point``). The float64 functions here differ
from that by at most a few units of ``2^-32 ≈ 2.3e-10`` per block, which is negligible against the
tolerances of the EMA vectors (EMA-01: ±0.001); pass ``exact=True`` to :func:`update_moving_price`
to reproduce the fixed-point arithmetic bit for bit.

Functions
---------
effective_alpha
    ``a_eff`` for an era, an age and a halving period.
update_moving_price
    One block for one subnet (float64, or exact fixed point).
moving_price_path
    Many blocks for many subnets, vectorised over subnets (closed form for a constant spot
    price, a loop over blocks otherwise).
half_life_blocks
    ``ln ½ / ln(1 − a)``.
keep_factor, spot_to_reach, blocks_to_reach
    The closed form for a constant spot price, ``p̄_T = c + (p̄_0 − c)·K_T`` with
    ``K_T = Π (1 − a_k)``, solved for the spot price or the number of blocks (how long and how high
    a price must be held to move the EMA; the chapter on emission shares).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._validate import check_array, check_bool, check_int, check_real
from .params import EMA_PRICE_HALVING_BLOCKS, MOVING_ALPHA, Era
from .params import era as _era

__all__ = [
    "blocks_to_reach",
    "effective_alpha",
    "half_life_blocks",
    "keep_factor",
    "moving_price_path",
    "spot_to_reach",
    "update_moving_price",
]

_ONE32 = 1 << 32
_ONE64 = 1 << 64
MAX_WALK_BLOCKS = 100_000_000
"""Longest horizon (blocks, ~38 years) that :func:`keep_factor`, :func:`spot_to_reach` and
:func:`blocks_to_reach` walk block by block; a longer one is refused (it would take minutes)."""
MAX_PATH_CELLS = 20_000_000
"""Largest path :func:`moving_price_path` returns (blocks × subnets: 160 MB of float64); for a longer
horizon use :func:`keep_factor`, which keeps one running sum."""


def _rule(era: str | Era) -> str:
    e = _era(era)
    if e.ema_rule == "none":
        raise ValueError(
            f"era {e.tag!r} is pre-dTAO: there is no subnet EMA price before v2.0.0 "
            "(subnet emission came from the root network, see dtao_lib.root_era.root_epoch)"
        )
    return e.ema_rule


def _halving(era: str | Era, halving_blocks):
    """``h`` for the era: the given parameter (v2.0.8+, default 201 600), or the fixed 100 800 of
    v2.0.6 – v2.0.7 (``stake_utils.rs`` v2.0.6 L63-67), which no other value may replace."""
    fixed = _era(era).ema_halving_blocks
    if fixed is None:
        return EMA_PRICE_HALVING_BLOCKS if halving_blocks is None else halving_blocks
    if halving_blocks is not None and np.any(np.asarray(halving_blocks) != fixed):
        raise ValueError(
            f"halving_blocks is fixed at {fixed} in era {_era(era).tag!r} (the parameter exists from v2.0.8), "
            f"got {halving_blocks!r}"
        )
    return fixed


_AGE_NOTE = "age-scaled EMA, v2.0.6+"


def effective_alpha(
    blocks_since_start=None,
    *,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks=None,
    era: str | Era = "head",
):
    """Per-block EMA weight ``a_eff`` (spec §3.3).

    ``a_eff = α·b/(b + h)`` in the ``age_scaled`` era (``b + h = 0`` gives 0, as the chain's
    ``safe_div`` does); ``a_eff = α`` before ``v2.0.6``.

    Parameters
    ----------
    blocks_since_start
        ``b = current_block − (FirstEmissionBlockNumber − 1)`` (integer ≥ 0, or an integer array);
        required in the ``age_scaled`` era, ignored before.
    moving_alpha
        ``SubnetMovingAlpha`` α in [0, 1] (mainnet 0.000003).
    halving_blocks
        ``EMAPriceHalvingBlocks`` h (integer ≥ 0, or an array; default: mainnet 201 600, and the
        fixed 100 800 in v2.0.6 – v2.0.7, where no other value is accepted).

    >>> effective_alpha(201_600, moving_alpha=0.1, halving_blocks=201_600)
    0.05
    """
    rule = _rule(era)
    _check_age_args(blocks_since_start, halving_blocks, array=True)  # whatever the era
    a = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    if rule != "age_scaled":
        return a
    if blocks_since_start is None:
        raise ValueError(f"blocks_since_start is required in era {_era(era).tag!r} ({_AGE_NOTE})")
    b = _int_array("blocks_since_start", blocks_since_start)
    h = _int_array("halving_blocks", _halving(era, halving_blocks))
    denom = b + h
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denom > 0, a * b / np.where(denom > 0, denom, 1.0), 0.0)
    return float(out) if out.ndim == 0 else out


def _int_array(name: str, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == object):
        if arr.ndim == 0:
            check_int(name, value)  # raises the uniform TypeError
        raise TypeError(f"{name} must be an integer or an array of integers, got dtype {arr.dtype}")
    if arr.dtype == object:
        for x in arr.ravel().tolist():
            check_int(name, x)  # every element an integer in [0, u64::MAX]
    arr = arr.astype(np.float64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must contain integers >= 0, got min {int(arr.min())}")
    return arr


def _check_age_args(blocks_since_start: object, halving_blocks: object, *, array: bool) -> None:
    """Validate the age arguments even in eras that ignore them (a bad value is an error in every era)."""
    check = _int_array if array else check_int
    if blocks_since_start is not None:
        check("blocks_since_start", blocks_since_start)
    if halving_blocks is not None:
        check("halving_blocks", halving_blocks)


def update_moving_price(
    ema: float,
    spot: float,
    *,
    blocks_since_start: int | None = None,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks: int | None = None,
    era: str | Era = "head",
    exact: bool = False,
) -> float:
    """One block of the EMA price for one subnet (spec §3.3; vector EMA-01).

    .. math:: \\bar p \\leftarrow (1 - a)\\,\\bar p + a\\,\\min(p, 1),
              \\qquad a = \\alpha\\,\\frac{b}{b + h}

    Parameters
    ----------
    ema
        Current EMA price ``p̄`` (TAO per alpha, ≥ 0).
    spot
        Current spot price ``p`` (≥ 0).
    blocks_since_start
        ``b``; required in the ``age_scaled`` era (v2.0.6+): blocks since ``NetworkRegisteredAt``
        in v2.0.6 – v2.0.9, since ``start_call`` (``FirstEmissionBlockNumber − 1``) from v2.0.10.
    moving_alpha, halving_blocks
        α and h (mainnet 0.000003 and 201 600; h defaults to the era's value, see
        :func:`effective_alpha`).
    era
        Protocol era (default HEAD); selects the rule in :attr:`Era.ema_rule`.
    exact
        Reproduce the chain's fixed-point arithmetic (``Era.ema_fixed_point``: 32 fractional bits
        until v3.4.7, U64F64 from v3.4.8; result truncated to the I96F32 grid of
        ``SubnetMovingPrice``; inputs rounded to that grid first). Default float64.

    Returns
    -------
    float
        The new EMA. It lies between ``ema`` and ``min(spot, 1)`` (``spot`` in v2.0.0).

    Examples
    --------
    >>> e = 0.0
    >>> for _ in range(14):
    ...     e = update_moving_price(e, 1.0, blocks_since_start=201_600, moving_alpha=0.1,
    ...                             halving_blocks=201_600)
    >>> round(e, 6)
    0.512325
    """
    exact = check_bool("exact", exact)
    rule = _rule(era)
    _check_age_args(blocks_since_start, halving_blocks, array=False)  # whatever the era
    p_old = check_real("ema", ema, lo=0.0)
    p = check_real("spot", spot, lo=0.0)
    alpha = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    b = h = 0
    if rule == "age_scaled":
        if blocks_since_start is None:
            raise ValueError(
                f"blocks_since_start is required in era {_era(era).tag!r} ({_AGE_NOTE})"
            )
        b = check_int("blocks_since_start", blocks_since_start)
        h = check_int("halving_blocks", _halving(era, halving_blocks))
    target = p if rule == "fixed_unclamped" else min(p, 1.0)
    if exact:
        # fixed-point range: I96F32 / U96F32 hold < 2^95, the v3.4.8+ U64F64 arithmetic < 2^64; prices
        # above 2^63 TAO per alpha cannot occur (the reserves are below 2^55 rao)
        if p_old > _MAX_EXACT_PRICE:
            raise ValueError(f"ema must be a finite number in [0, 2^63] with exact=True, got {ema!r}")
        if rule == "fixed_unclamped" and p > _MAX_EXACT_PRICE:
            raise ValueError(f"spot must be a finite number in [0, 2^63] with exact=True in era "
                             f"{_era(era).tag!r} (no clamp at 1), got {spot!r}")
        return _update_exact(p_old, p, alpha, b, h, rule, _era(era).ema_fixed_point == "U64F64")
    a = alpha
    if rule == "age_scaled":
        a = alpha * b / (b + h) if b + h > 0 else 0.0
    return (1.0 - a) * p_old + a * target


_MAX_EXACT_PRICE = float(2**63)


def _to_bits(x: float, frac: int) -> int:
    """Float → fixed-point bits, rounding to nearest with ties to even (``from_num`` for floats)."""
    return round(math.ldexp(x, frac))


def _update_exact(p_old: float, p: float, alpha: float, b: int, h: int, rule: str, u64f64: bool) -> float:
    alpha32 = _to_bits(alpha, 32)  # SubnetMovingAlpha is I96F32
    ema32 = _to_bits(p_old, 32)  # SubnetMovingPrice is I96F32
    if u64f64:
        # v3.4.8+: U64F64 throughout: α·(b/(b+h)), 1 − a, a·min(p,1) + (1 − a)·p̄, stored as I96F32
        # (stake_utils.rs v3.4.8 L38-70).
        b64, h64 = b << 64, h << 64
        ratio = (b64 << 64) // (b64 + h64) if b + h > 0 else 0
        a64 = ((alpha32 << 32) * ratio) >> 64
        spot64 = min(_to_bits(min(p, 1.0), 64), _ONE64)  # clamp first: same bits, no float overflow
        new64 = ((a64 * spot64) >> 64) + (((_ONE64 - a64) * (ema32 << 32)) >> 64)
        return (new64 >> 32) / _ONE32
    # v2.0.0 – v3.4.7: 32 fractional bits (I96F32, U96F32 from v2.0.11; stake_utils.rs v2.0.8 L59-80,
    # v3.2.8 L37-70): a = α·(b/(b+h)) with b/(b+h) truncated to 2^-32 first.
    a32 = alpha32
    if rule == "age_scaled":
        a32 = (alpha32 * ((b << 32) // (b + h))) >> 32 if b + h > 0 else 0
    spot32 = _to_bits(p if rule == "fixed_unclamped" else min(p, 1.0), 32)  # clamped first: same bits
    if rule != "fixed_unclamped":
        spot32 = min(spot32, _ONE32)
    new32 = ((a32 * spot32) >> 32) + (((_ONE32 - a32) * ema32) >> 32)
    return new32 / _ONE32


def moving_price_path(
    ema,
    spot,
    *,
    blocks_since_start=None,
    n_blocks: int | None = None,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks=None,
    era: str | Era = "head",
) -> np.ndarray:
    """EMA prices of ``n`` subnets over ``T`` consecutive blocks (spec §3.3), vectorised.

    Parameters
    ----------
    ema
        EMA prices before the first block, shape ``(n,)`` (or a scalar).
    spot
        Spot prices: shape ``(n,)`` (or scalar), constant over ``n_blocks`` blocks, or shape
        ``(T, n)`` (or ``(T,)``), one row per block.
    blocks_since_start
        ``b`` at the first block (integer or integer array of shape ``(n,)``); it grows by one per
        block. Required in the ``age_scaled`` era.
    n_blocks
        ``T`` when ``spot`` is constant (at most :data:`MAX_PATH_CELLS` / n); must be omitted (or
        equal ``T``) for a per-block ``spot``.
    moving_alpha, halving_blocks, era
        As in :func:`update_moving_price` (``halving_blocks`` may be per subnet).

    Returns
    -------
    numpy.ndarray
        Shape ``(T, n)`` (``(T,)`` for scalar inputs): row ``t`` is the EMA after block ``t``.
        With a constant spot ``c`` the closed form ``p̄_t = c + (p̄_0 − c)·Π_{k≤t}(1 − a_k)`` is
        used (one cumulative product over a ``(T, n)`` array); otherwise a loop over blocks, each
        step vectorised over subnets.

    Examples
    --------
    >>> path = moving_price_path([0.5, 2.0], [1.0, 0.1], blocks_since_start=[1, 500_000], n_blocks=3)
    >>> path.shape
    (3, 2)
    """
    rule = _rule(era)
    _check_age_args(blocks_since_start, halving_blocks, array=True)  # whatever the era
    alpha = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    e0 = check_array("ema", ema, ndim=None, lo=0.0)
    sp = check_array("spot", spot, ndim=None, lo=0.0)
    scalar = e0.ndim == 0
    if e0.ndim > 1:
        raise ValueError(f"ema must be a scalar or 1-D, got shape {e0.shape}")
    e0 = np.atleast_1d(e0)
    n = e0.size
    constant = sp.ndim == 0 or (sp.ndim == 1 and not scalar)
    if constant:
        if n_blocks is None:
            raise ValueError("n_blocks is required when spot is constant (a scalar, or shape (n,))")
        T = check_int("n_blocks", n_blocks, lo=0, hi=MAX_PATH_CELLS // n)
        if sp.size not in (1, n):
            raise ValueError(f"spot must have shape ({n},) to match ema, got {sp.shape}")
        sp_row = np.broadcast_to(np.atleast_1d(sp), (n,))
    else:
        if scalar and sp.ndim != 1:
            raise ValueError(f"spot must have shape (T,) for a scalar ema, got {sp.shape}")
        sp2 = sp.reshape(sp.shape[0], 1) if scalar else sp
        if sp2.ndim != 2 or sp2.shape[1] != n:
            raise ValueError(f"spot must have shape (n,) or (T, n) with n = {n}, got {sp.shape}")
        T = sp2.shape[0]
        if n_blocks is not None and check_int("n_blocks", n_blocks, lo=0) != T:
            raise ValueError(f"n_blocks ({n_blocks}) does not match the {T} rows of spot")
    # Work in (n, T) layout so that the cumulative product runs along contiguous memory.
    steps = np.arange(T, dtype=np.float64)[None, :]
    if rule == "age_scaled":
        if blocks_since_start is None:
            raise ValueError(
                f"blocks_since_start is required in era {_era(era).tag!r} ({_AGE_NOTE})"
            )
        b0 = np.broadcast_to(_int_array("blocks_since_start", blocks_since_start), (n,))
        h = np.broadcast_to(_int_array("halving_blocks", _halving(era, halving_blocks)), (n,))
        b = b0[:, None] + steps
        denom = b + h[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(denom > 0, alpha * b / denom, 0.0)
    else:
        a = np.full((n, T), alpha)
    if constant:
        target = sp_row if rule == "fixed_unclamped" else np.minimum(sp_row, 1.0)
        keep = np.cumprod(1.0 - a, axis=1)
        out = (target[:, None] + (e0 - target)[:, None] * keep).T
    else:
        target2 = sp2 if rule == "fixed_unclamped" else np.minimum(sp2, 1.0)
        out = np.empty((T, n))
        cur = e0.astype(np.float64)
        for t in range(T):
            at = a[:, t]
            cur = (1.0 - at) * cur + at * target2[t]
            out[t] = cur
    return out[:, 0] if scalar else out


def half_life_blocks(moving_alpha: float = MOVING_ALPHA) -> float:
    """Blocks for a mature subnet's EMA to close half the gap to a constant price: ``ln ½ / ln(1 − α)``.

    >>> round(half_life_blocks())
    231049
    """
    a = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    return math.log(0.5) / math.log1p(-a)


def _log_keep_cumsum(n_blocks: int, b0: int, alpha: float, h: int, rule: str) -> np.ndarray:
    """``Σ_{k<t} ln(1 − a_k)`` for t = 1 … n_blocks (float64), a_k the era's per-block weight."""
    if rule != "age_scaled":
        return np.arange(1, n_blocks + 1, dtype=np.float64) * math.log1p(-alpha) if alpha < 1 else \
            np.full(n_blocks, -np.inf)
    return _log_keep_cumsum_aged(n_blocks, b0, alpha, h)


@lru_cache(maxsize=4)
def _log_keep_cumsum_aged(n_blocks: int, b0: int, alpha: float, h: int) -> np.ndarray:
    """The age-scaled branch of :func:`_log_keep_cumsum`, read-only and memoised on its arguments: a
    live EMA figure asks :func:`keep_factor` and :func:`blocks_to_reach` for the same million-block
    chunk, which is the costly part. Computed in place (one array); the values are those of
    ``cumsum(log1p(−α·b/(b + h)))``, with ``a = 0`` where ``b + h = 0``."""
    a = np.arange(b0, b0 + n_blocks, dtype=np.float64)  # b = b0 + k, exact in float64
    denom = a + h
    if b0 + h > 0:  # b ≥ b0 ≥ 0, so b + h > 0 on every block
        a *= alpha
        a /= denom
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(denom > 0, alpha * a / np.where(denom > 0, denom, 1.0), 0.0)
    np.negative(a, out=a)
    np.log1p(a, out=a)
    np.cumsum(a, out=a)
    a.flags.writeable = False
    return a


def keep_factor(
    n_blocks,
    *,
    blocks_since_start: int | None = None,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks: int | None = None,
    era: str | Era = "head",
):
    """``K_T = Π_{k<T} (1 − a_k)``: the fraction of the gap to a constant spot price that remains after
    ``T`` blocks (spec §3.3).

    With a constant target ``c = min(p, 1)`` the EMA after ``T`` blocks is
    ``p̄_T = c + (p̄_0 − c)·K_T`` (the closed form :func:`moving_price_path` uses). ``a_k`` is
    :func:`effective_alpha` at age ``b + k`` in the age-scaled era and ``α`` before.

    Parameters
    ----------
    n_blocks
        ``T`` (integer in [0, :data:`MAX_WALK_BLOCKS`]), or an array of them: one cumulative product
        serves all.
    blocks_since_start, moving_alpha, halving_blocks, era
        As in :func:`update_moving_price` (``b`` at the first of the ``T`` blocks).

    Returns
    -------
    float or numpy.ndarray
        ``K_T`` in (0, 1], same shape as ``n_blocks``.

    >>> round(keep_factor(231_049, blocks_since_start=10**12), 4)  # a mature subnet, one half-life
    0.5
    >>> keep_factor([0, 7_200], blocks_since_start=0).round(6).tolist()  # a brand-new subnet barely moves
    [1.0, 0.999623]
    """
    rule = _rule(era)
    _check_age_args(blocks_since_start, halving_blocks, array=False)  # whatever the era
    scalar = np.ndim(n_blocks) == 0
    if scalar:
        T = np.array([check_int("n_blocks", n_blocks, lo=0, hi=MAX_WALK_BLOCKS)])
    else:
        T = _int_array("n_blocks", n_blocks)
        if T.size and T.max() > MAX_WALK_BLOCKS:
            raise ValueError(f"n_blocks must contain integers in [0, {MAX_WALK_BLOCKS}] (MAX_WALK_BLOCKS, "
                             f"~38 years), got max {int(T.max())}")
        T = T.astype(np.int64)
    alpha = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    b0 = h = 0
    if rule == "age_scaled":
        if blocks_since_start is None:
            raise ValueError(f"blocks_since_start is required in era {_era(era).tag!r} ({_AGE_NOTE})")
        b0 = check_int("blocks_since_start", blocks_since_start)
        h = check_int("halving_blocks", _halving(era, halving_blocks))
    out = np.exp(_log_keep_at(T, b0, alpha, h, rule))
    return float(out[0]) if scalar else out


def _log_keep_at(T: np.ndarray, b0: int, alpha: float, h: int, rule: str, chunk: int = 1_000_000) -> np.ndarray:
    """``ln K_T`` for every ``T`` in ``T`` (any shape), walking the blocks in chunks (bounded memory)."""
    flat = T.reshape(-1)
    out = np.zeros(flat.shape, dtype=np.float64)
    top = int(flat.max()) if flat.size else 0
    done, acc = 0, 0.0
    while done < top:
        n = min(chunk, top - done)
        logs = acc + _log_keep_cumsum(n, b0 + done, alpha, h, rule)
        sel = (flat > done) & (flat <= done + n)
        out[sel] = logs[flat[sel] - done - 1]
        acc = float(logs[-1])
        done += n
    return out.reshape(T.shape)


def spot_to_reach(
    ema: float,
    target: float,
    n_blocks: int,
    *,
    blocks_since_start: int | None = None,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks: int | None = None,
    era: str | Era = "head",
) -> float:
    """The constant spot price that moves the EMA from ``ema`` to ``target`` in ``n_blocks`` (spec §3.3).

    Solves ``target = c + (ema − c)·K_T`` for ``c`` (:func:`keep_factor`):
    ``c = (target − ema·K_T) / (1 − K_T)``.

    Returns
    -------
    float
        The spot price to hold, or ``math.inf`` if no spot price can do it: the chain clamps the spot
        at 1 before it enters the EMA (from v2.0.1), so a required ``c > 1`` is out of reach, and a
        required ``c < 0`` (a fall faster than the EMA allows) too. ``ema`` itself if
        ``target == ema``.

    Examples
    --------
    >>> c = spot_to_reach(0.02, 0.03, 216_000, blocks_since_start=10**7)
    >>> round(c, 4)
    0.0413
    >>> spot_to_reach(0.5, 0.99, 7_200, blocks_since_start=10**7)  # would need a spot far above 1
    inf
    """
    p0 = check_real("ema", ema, lo=0.0)
    tgt = check_real("target", target, lo=0.0)
    K = keep_factor(n_blocks, blocks_since_start=blocks_since_start, moving_alpha=moving_alpha,
                    halving_blocks=halving_blocks, era=era)
    if tgt == p0:
        return p0
    if K >= 1.0:
        return math.inf
    c = (tgt - p0 * K) / (1.0 - K)
    clamped = _rule(era) != "fixed_unclamped"
    if c < 0 or (clamped and c > 1.0):
        return math.inf
    return c


def blocks_to_reach(
    ema: float,
    spot: float,
    target: float,
    *,
    blocks_since_start: int | None = None,
    moving_alpha: float = MOVING_ALPHA,
    halving_blocks: int | None = None,
    era: str | Era = "head",
    max_blocks: int = 20_000_000,
) -> int | None:
    """Blocks a constant ``spot`` price needs to move the EMA from ``ema`` to ``target`` (spec §3.3).

    The EMA approaches ``c = min(spot, 1)`` (``spot`` in v2.0.0) monotonically; the answer is the
    smallest ``T`` with ``K_T ≤ (target − c)/(ema − c)``, found on cumulative sums in chunks of
    one million blocks.

    Returns
    -------
    int or None
        ``T`` (0 if ``target == ema``), or ``None`` if the target is not between ``ema`` and ``c``
        (never reached) or not reached within ``max_blocks`` (default 20 million ≈ 7.6 years; at most
        :data:`MAX_WALK_BLOCKS`).

    Examples
    --------
    >>> blocks_to_reach(0.02, 0.04, 0.03, blocks_since_start=10**12)  # half the gap: one half-life
    231049
    >>> blocks_to_reach(0.02, 1.5, 1.2, blocks_since_start=10**7) is None  # the clamp: p̄ never exceeds 1
    True
    """
    rule = _rule(era)
    _check_age_args(blocks_since_start, halving_blocks, array=False)  # whatever the era
    p0 = check_real("ema", ema, lo=0.0)
    c = check_real("spot", spot, lo=0.0)
    tgt = check_real("target", target, lo=0.0)
    alpha = check_real("moving_alpha", moving_alpha, lo=0.0, hi=1.0)
    limit = check_int("max_blocks", max_blocks, lo=1, hi=MAX_WALK_BLOCKS)
    if rule != "fixed_unclamped":
        c = min(c, 1.0)
    if tgt == p0:
        return 0
    if not (min(p0, c) <= tgt <= max(p0, c)) or c == p0 or tgt == c:
        return None
    b0 = h = 0
    if rule == "age_scaled":
        if blocks_since_start is None:
            raise ValueError(f"blocks_since_start is required in era {_era(era).tag!r} ({_AGE_NOTE})")
        b0 = check_int("blocks_since_start", blocks_since_start)
        h = check_int("halving_blocks", _halving(era, halving_blocks))
    need = math.log((tgt - c) / (p0 - c))  # log K_T must fall to this (≤ 0)
    done, acc, chunk = 0, 0.0, 1_000_000
    while done < limit:
        n = min(chunk, limit - done)
        logs = acc + _log_keep_cumsum(n, b0 + done, alpha, h, rule)
        hit = np.flatnonzero(logs <= need + 1e-12)
        if hit.size:
            return done + int(hit[0]) + 1
        acc = float(logs[-1])
        done += n
    return None
