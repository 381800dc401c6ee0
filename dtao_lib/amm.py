"""The three AMM designs subnet pools have used (spec §4), reproduced to the rao.

Every subnet pool holds ``T`` rao of TAO (``SubnetTAO``, the *quote* token) and ``A`` rao of
alpha (``SubnetAlphaIn``, the *base* token). Buying alpha ("stake") pays TAO in; selling alpha
("unstake") pays alpha in. Spot price ``p`` is TAO per alpha.

* :class:`ConstantProductPool` — v2.0.0 → v3.1.5 (§4.1): ``x·y = k`` in I110F18, flat 50 000 rao fee.
* :class:`FullRangePool` — v3.1.6 → v3.4.7 (§4.2): the Uniswap-v3 pallet holding one protocol
  full-range position.
* :class:`BalancerPool` — v3.3.10 (reverted in v3.3.11) and v3.4.8 → HEAD (§4.3): weighted pool,
  weights ``w1`` (alpha) + ``w2`` (TAO) = 1.

Formulas
--------
Constant product (§4.1), ``k = T·A`` computed in I110F18 (18 fractional bits) and truncated::

    stake ΔT:    α_out = A − k/(T + ΔT)      rejected if k/(T + ΔT) < 1e7 rao
    unstake ΔA:  τ_out = T − k/(A + ΔA)      rejected if k/(A + ΔA) < 1e7 rao

A flat ``staking_fee_rao`` (50 000) is taken from the TAO side of either trade and added to ``T``.

Full-range Uniswap v3 (§4.2), liquidity ``L = floor(√(T·A))`` and ``s = √p = √(T/A)`` in U64F64::

    buy with net Δy TAO:   s' = s + Δy/L        α_out = L·Δy / (s·(L·s + Δy))
    sell net Δx alpha:     1/s' = 1/s + Δx/L    τ_out = Δx·L·s / (L/s + Δx)
    input to reach s*:     buy L·(s* − s),  sell L·(1/s* − 1/s)

Balancer (§4.3), ``x = A``, ``y = T``, ``w2`` stored as a Perquintill (1e-18 resolution), ``w1 = 1 − w2``::

    price                  p  = (w1/w2)·(y/x)
    sell Δx alpha:         τ_out = y·(1 − (x/(x + Δx))^(w1/w2))
    buy with Δy TAO:       α_out = x·(1 − (y/(y + Δy))^(w2/w1))
    TAO to reach p' > p:   Δy = y·((p'/p)^w1 − 1)
    alpha to reach p' < p: Δx = x·((p/p')^w2 − 1)
    alpha to obtain Δy:    Δx = x·((y/(y − Δy))^(w2/w1) − 1)
    injection (Δy, Δx):    w2' = w2·x·(y + Δy) / (w1·y·(x + Δx) + w2·x·(y + Δy))   (price unchanged)

Fees (v3 and Balancer): ``fee = floor(amount · rate/65535)`` is taken from the input before the
swap; when a step stops early at a limit price the fee is recomputed as ``Δin · r/(1 − r)``.

Exactness (spec §8)
-------------------
Every quantity the chain stores as a fixed-point number is reproduced bit for bit with Python
integers: U64F64 (64 fractional bits: prices, √price, swap math), I110F18 (v2 pool) and Perquintill
weights (parts of 1e18). Multiplication and division truncate as in ``substrate_fixed``;
``saturating_*`` operations saturate; conversions to rao floor. The Balancer powers
``(n/d)^(a/b)·1e18`` are computed like ``safe_bigmath::pow_ratio_scaled``: exactly with integer
roots when the reduced exponent is a small rational (equal weights, 0.25/0.75, ...), otherwise from
a ≥ 50-significant-digit decimal ``exp(ln)`` evaluation that is floored only once its distance to
the nearest integer is resolved (the chain's own fallback works at 1024 bits; both give the exact
floor except for values within ~1e-30 of an integer).

Domain. A pool is built from reserves in [1, 21e15] rao (:data:`MAX_RESERVE_RAO`, the supply cap)
with a spot price of at most :data:`MAX_PRICE` (1e6 TAO per alpha, the pallet's ``max_price``);
a trade or an injection that would lift an input reserve above 21e15 rao raises ``ValueError``
(no account holds that much), amounts beyond u64 raise too. Inside that domain no round trip
returns more than it took (property tests in ``tests/test_amm_free_lunch.py``).

Places where we had to choose (documented where they apply): the v3 pallet's initial √price comes
from a bisection with tolerance 1e-12; we take the exact floor square root instead. As on chain a
swap may pay out the whole output reserve (only ``payout > reserve`` is refused,
``pallets/swap/src/pallet/impls.rs`` L173 at 14bc6f9f). A v3 buy whose U64F64 intermediate
``(L·s + Δy)·s`` would saturate is refused (``"Overflow"``): the chain would pay more than the
formula there (a free lunch, see :class:`FullRangePool`). The v3 pool's default limit prices are the
Balancer pallet's (1e6 and 1e-6 TAO per alpha); the v3 pallet's own defaults were the tick range's.
Rejected swaps return a result with ``rejected`` set, zero output and the unchanged pool; they
never raise.

Public API
----------
Pools (immutable; every swap returns a :class:`SwapResult` holding the new pool):
:class:`ConstantProductPool`, :class:`FullRangePool`, :class:`BalancerPool`, :func:`pool_for`.
Analysis: :func:`effective_price`, :func:`price_impact`, :func:`slippage`, :func:`round_trip`,
:func:`round_trip_after`, :func:`apply_trades`, :func:`stake_to_reach_price`, :func:`unstake_to_reach_price`.
Raw formulas: :func:`v3_alpha_out_for_tao`, :func:`v3_tao_out_for_alpha`, :func:`swap_fee`,
:func:`pow_ratio_scaled`, :func:`balancer_ratio_pow`, :func:`balancer_ratio_pow_scaled`,
:func:`balancer_price`, :func:`balancer_alpha_out_for_tao`, :func:`balancer_tao_out_for_alpha`,
:func:`balancer_tao_to_reach_price`, :func:`balancer_alpha_to_reach_price`,
:func:`balancer_alpha_needed_for_tao`, :func:`balancer_quote_weight_after_injection`.
Vectorised (numpy float64, for the network simulator): :func:`cp_buy_array`, :func:`cp_sell_array`,
:func:`balancer_buy_array`, :func:`balancer_sell_array`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Literal, NamedTuple

import numpy as np

from ._validate import check_array, check_bool, check_int, check_real
from .params import (
    BALANCER_MAX_INPUT_MULTIPLE,
    BALANCER_MIN_WEIGHT,
    SWAP_FEE_U16,
    SWAP_MIN_RESERVE_RAO,
    TOTAL_SUPPLY_RAO,
    U16_MAX,
    V2_MIN_POOL_LIQUIDITY_RAO,
    V2_STAKING_FEE_RAO,
)
from .params import era as _resolve_era

__all__ = [
    "MAX_PRICE",
    "MAX_RESERVE_RAO",
    "PERQUINTILL",
    "ArraySwap",
    "BalancerPool",
    "ConstantProductPool",
    "FullRangePool",
    "Injection",
    "ProtocolLiquidity",
    "RoundTrip",
    "SwapResult",
    "adjust_protocol_liquidity",
    "apply_trades",
    "balancer_alpha_needed_for_tao",
    "balancer_alpha_out_for_tao",
    "balancer_alpha_to_reach_price",
    "balancer_buy_array",
    "balancer_price",
    "balancer_quote_weight_after_injection",
    "balancer_ratio_pow",
    "balancer_ratio_pow_scaled",
    "balancer_sell_array",
    "balancer_tao_out_for_alpha",
    "balancer_tao_to_reach_price",
    "cp_buy_array",
    "cp_sell_array",
    "effective_price",
    "pool_for",
    "pow_ratio_scaled",
    "price_impact",
    "round_trip",
    "round_trip_after",
    "slippage",
    "stake_to_reach_price",
    "swap_fee",
    "unstake_to_reach_price",
    "v3_alpha_out_for_tao",
    "v3_tao_out_for_alpha",
]

# ---------------------------------------------------------------------------------------------
# Fixed-point arithmetic (spec §8): U64F64 as 128-bit integers with 64 fractional bits
# ---------------------------------------------------------------------------------------------
PERQUINTILL: int = 10**18
"""Perquintill scale: Balancer weights are integer parts of 1e18 (spec §4.3, §8)."""

MAX_RESERVE_RAO: int = TOTAL_SUPPLY_RAO
"""Largest reserve a pool accepts: the 21e15 rao TAO supply cap (spec §0.1; a subnet's alpha has the same cap)."""

MAX_PRICE: float = 1e6
"""Largest spot price a pool accepts, in TAO per alpha: the swap pallet's ``max_price`` of 1e15 rao
(``pallets/swap/src/pallet/impls.rs`` L284–286 at 14bc6f9f; L277–279 at v3.3.10-380)."""

_U64_MAX = 2**64 - 1
_FX_ONE = 1 << 64  # 1.0 in U64F64
_FX_MAX = (1 << 128) - 1  # U64F64::MAX (bits)
_I110F18_MAX = (1 << 127) - 1  # I110F18::MAX (bits)
_MAX_EXACT_EXPONENT = 1_024  # pow_ratio_scaled's exact-path limit on the reduced exponent numerator
_MAX_POW_BITS = 4_096  # pow_ratio_scaled refuses results above 2^4096 (the chain works in 1024-bit integers)
_MAX_EXACT_ROOT = 64  # above this root degree we use the decimal path (same floor, much faster)


def _fx_int(n: int) -> int:
    """``U64F64::saturating_from_num(n)`` for an integer ``n ≥ 0``."""
    return min(n << 64, _FX_MAX)


def _fx_mul(a: int, b: int) -> int:
    """``saturating_mul``: truncating product, saturated at U64F64::MAX."""
    return min((a * b) >> 64, _FX_MAX)


def _fx_div(a: int, b: int) -> int:
    """``safe_div``: truncating quotient; 0 on division by zero or overflow (``checked_div`` → default)."""
    if b == 0:
        return 0
    q = (a << 64) // b
    return 0 if q > _FX_MAX else q


def _fx_add(a: int, b: int) -> int:
    return min(a + b, _FX_MAX)


def _fx_sub(a: int, b: int) -> int:
    return a - b if a > b else 0


def _fx_to_u64(a: int) -> int:
    """``saturating_to_num::<u64>()``: floor, saturated at u64::MAX."""
    return min(a >> 64, _U64_MAX)


def _round_half_even(x: Fraction) -> int:
    return round(x)  # Fraction.__round__ rounds half to even


def _fx_from_real(value: Any) -> int:
    """U64F64 bits of a real number: nearest, ties to even (``from_num`` of a float does this).

    Floats are converted from their exact binary value; ``Fraction``/``Decimal``/``int`` exactly.
    Numpy scalars are read as Python numbers first (``Fraction(np.int8(1))`` keeps an int8 numerator
    that overflows when scaled).
    """
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    return min(_round_half_even(Fraction(value) * _FX_ONE), _FX_MAX)


def _fx_to_float(bits: int) -> float:
    return bits / _FX_ONE  # int / int is correctly rounded in Python


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------
def _rao(name: str, value: Any, *, lo: int = 0) -> int:
    """An amount in rao: an integer in [lo, u64::MAX]."""
    return check_int(name, value, lo=lo, hi=_U64_MAX)


def _reserve(name: str, value: Any, *, lo: int = 1) -> int:
    """A pool reserve in rao: an integer in [lo, 21e15] (the supply cap, :data:`MAX_RESERVE_RAO`)."""
    return check_int(name, value, lo=lo, hi=MAX_RESERVE_RAO)


def _trade(name: str, value: Any, reserve_in: int, token: str) -> int:
    """A trade amount: an integer in [0, u64::MAX] that keeps the input reserve within the 21e15 rao cap.

    No account can hold more than the supply, so ``reserve + amount`` above :data:`MAX_RESERVE_RAO`
    cannot happen on chain; we refuse it instead of computing outside the chain's domain.
    """
    amount = _rao(name, value)
    if reserve_in + amount > MAX_RESERVE_RAO:
        raise ValueError(
            f"{name} must be an integer in [0, {MAX_RESERVE_RAO - reserve_in}] rao: the pool's {token} reserve "
            f"({reserve_in}) plus the trade may not exceed the 21e15 rao supply cap, got {amount}"
        )
    return amount


def _evolve(pool: Any, **changes: Any) -> Any:
    """A copy of a frozen pool with ``changes``, without re-running the user-input checks.

    Used for the pools a swap or an injection leaves: their fields come from the chain's own
    arithmetic (a swap may legitimately leave a reserve at 0 or, on the v2 pool, a price above
    :data:`MAX_PRICE`), so the constructor's domain checks do not apply to them.
    """
    new = object.__new__(type(pool))
    new.__dict__.update(pool.__dict__)
    new.__dict__.update(changes)
    return new


def _check_price_cap(name: str, price_bits: int) -> None:
    if price_bits > _DEFAULT_MAX_PRICE:
        raise ValueError(
            f"{name} must be at most {MAX_PRICE:g} TAO per alpha (the swap pallet's max_price, 1e15 rao), "
            f"got {_fx_to_float(price_bits)!r}"
        )


def _fee_rate(value: Any) -> int:
    return check_int("fee_rate_u16", value, lo=0, hi=U16_MAX)


def _positive_price(name: str, value: Any) -> int:
    """A price > 0 (TAO per alpha) as U64F64 bits."""
    if isinstance(value, Decimal):
        if not value.is_finite() or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
        bits = _fx_from_real(value)
    else:
        check_real(name, value, lo=0.0, lo_open=True)
        bits = _fx_from_real(value)
    if bits == 0:
        raise ValueError(f"{name} must be at least 2^-64 (the U64F64 resolution), got {value!r}")
    return bits


def _limit_price(value: Any) -> int:
    """A limit price in (0, :data:`MAX_PRICE`] TAO per alpha, as U64F64 bits."""
    bits = _positive_price("limit_price", value)
    _check_price_cap("limit_price", bits)
    return bits


def _weight_parts(name: str, value: Any, *, lo: int = 1, hi: int = PERQUINTILL - 1) -> int:
    """A weight in (0, 1) as Perquintill parts, rounded down like ``Perquintill::from_rational``.

    Floats are read through their shortest decimal representation (so ``0.1`` is exactly 1e17 parts,
    as the chain's tests build it); ``Fraction``, ``Decimal`` and ``int`` are exact.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if isinstance(value, np.floating):
        value = float(value)  # np.float32/np.float16 (inf, nan included) take the float path
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number in [{lo / PERQUINTILL}, {hi / PERQUINTILL}], got {value}")
        exact = Fraction(repr(float(value)))  # np.float64 reprs as "np.float64(...)"
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        exact = Fraction(value)
    elif isinstance(value, numbers.Integral):
        exact = Fraction(int(value))  # a numpy integer numerator would overflow when scaled
    else:
        exact = Fraction(value)
    parts = math.floor(exact * PERQUINTILL)
    if not lo <= parts <= hi:
        raise ValueError(
            f"{name} must be a number in [{Fraction(lo, PERQUINTILL)}, {Fraction(hi, PERQUINTILL)}] "
            f"(Perquintill parts [{lo}, {hi}]), got {value!r}"
        )
    return parts


_MIN_WEIGHT_PARTS = round(BALANCER_MIN_WEIGHT * PERQUINTILL)  # 1e16


# ---------------------------------------------------------------------------------------------
# Fees (spec §4.2, §4.3)
# ---------------------------------------------------------------------------------------------
def swap_fee(amount: int, fee_rate_u16: int = SWAP_FEE_U16) -> int:
    """Swap fee on ``amount`` taken from the input (spec §4.2–4.3): ``floor(amount·rate/65535)``.

    Computed as the chain does, in U64F64: the rate ``rate/65535`` is truncated to 64 fractional bits
    first, so at exact multiples of 65535 the fee is one rao less than the rational formula
    (e.g. ``swap_fee(65535, 33) == 32``).

    Examples
    --------
    >>> swap_fee(1_000), swap_fee(2_000), swap_fee(123_456)
    (0, 1, 62)
    """
    amount = _rao("amount", amount)
    rate = _fee_rate(fee_rate_u16)
    return _fee(amount, rate)


def _fee(amount: int, rate: int) -> int:
    rate_bits = (rate << 64) // U16_MAX
    return min((amount * rate_bits) >> 64, _U64_MAX)


def _fee_on_partial(delta_in: int, rate: int) -> int:
    """Fee recomputed when a step stops early: ``Δin · r/(1 − r)`` in U64F64."""
    q = _fx_div(_fx_int(rate), _fx_int(U16_MAX - rate))
    return _fx_to_u64(_fx_mul(_fx_int(delta_in), q))


# ---------------------------------------------------------------------------------------------
# High-precision rational powers (Balancer, spec §4.3 and §8)
# ---------------------------------------------------------------------------------------------
def _iroot(q: int, k: int) -> int:
    """Exact ``floor(q^(1/k))`` for integers ``q ≥ 0``, ``k ≥ 1``."""
    if k == 1 or q < 2:
        return q
    if k == 2:
        return math.isqrt(q)
    x = 1 << -(-q.bit_length() // k)  # an upper bound of the root
    while True:
        y = ((k - 1) * x + q // x ** (k - 1)) // k
        if y >= x:
            break
        x = y
    while x**k > q:
        x -= 1
    while (x + 1) ** k <= q:
        x += 1
    return x


def _pow_decimal_floor(n: int, d: int, a: int, b: int, scale: int) -> int:
    """``floor(scale · (n/d)^(a/b))`` from a decimal exp/ln evaluation with enough digits."""
    log10_val = math.log10(scale) + a / b * (math.log10(n) - math.log10(d))
    digits = max(0, math.ceil(log10_val)) + 1
    prec = digits + 40
    for _ in range(4):
        with localcontext() as ctx:
            ctx.prec = prec
            val = ((Decimal(n) / Decimal(d)).ln() * a / b).exp() * scale
            fl = int(val)  # val > 0, so int() floors
            frac = val - fl
            guard = Decimal(10) ** (digits - prec + 8)
            if guard < frac < 1 - guard:
                return fl
            nearest = fl + 1 if frac > Decimal("0.5") else fl
        prec *= 2
    # The value is an integer to ~prec digits (an exact power such as 3^1): take the nearest one.
    return nearest


def pow_ratio_scaled(base_numerator: int, base_denominator: int, exp_numerator: int, exp_denominator: int,
                     scale: int = PERQUINTILL) -> int:
    """``floor(scale · (base_numerator/base_denominator)^(exp_numerator/exp_denominator))`` (spec §4.3, §8).

    The integer the chain's ``safe_bigmath::SafeInt::pow_ratio_scaled`` returns. With the exponent
    reduced to lowest terms ``a/b``: if ``a ≤ 1024`` and ``b`` is small the result is the exact
    integer root ``floor((n^a·scale^b/d^a)^(1/b))`` (as on chain); otherwise it is evaluated with
    ≥ 40 guard digits and floored (the chain uses a 1024-bit log/exp series; the floors agree).

    Parameters
    ----------
    base_numerator, base_denominator
        Integers, numerator ≥ 0 and denominator ≥ 1.
    exp_numerator, exp_denominator
        Integers, numerator ≥ 0 and denominator ≥ 1.
    scale
        Integer ≥ 0 (1e18 = Perquintill for the Balancer).

    Examples
    --------
    >>> pow_ratio_scaled(2, 1, 3, 4)      # 2^0.75 at 1e-18 resolution
    1681792830507429086
    >>> pow_ratio_scaled(21, 28, 3, 2)    # 0.75^1.5
    649519052838328985
    """
    n = check_int("base_numerator", base_numerator, lo=0)
    d = check_int("base_denominator", base_denominator, lo=1)
    a = check_int("exp_numerator", exp_numerator, lo=0)
    b = check_int("exp_denominator", exp_denominator, lo=1)
    s = check_int("scale", scale, lo=0)
    if n > d and a and s and _log2_pow_bound(n, d, a, b, s) > _MAX_POW_BITS:
        raise ValueError(
            f"exp_numerator/exp_denominator too large for base {n}/{d}: the result would exceed 2^{_MAX_POW_BITS} "
            f"(about 2^{_log2_pow_bound(n, d, a, b, s):.4g}); the chain's bounded arithmetic cannot return it"
        )
    return _pow_ratio_scaled(n, d, a, b, s)


def _pow_ratio_scaled(n: int, d: int, a: int, b: int, scale: int) -> int:
    if a == 0:
        return scale
    if n == 0 or scale == 0:
        return 0
    g = math.gcd(a, b)
    a, b = a // g, b // g
    if n == d:
        return scale
    if b == 1 and a <= _MAX_EXACT_EXPONENT:
        return (n**a * scale) // d**a
    if a <= _MAX_EXACT_EXPONENT and b <= _MAX_EXACT_ROOT:
        return _iroot((n**a * scale**b) // d**a, b)
    return _pow_decimal_floor(n, d, a, b, scale)


def _log2_pow_bound(n: int, d: int, a: int, b: int, scale: int) -> float:
    """``log2(scale · (n/d)^(a/b))`` in floats (n, d, scale ≥ 1), to bound a power before computing it exactly."""
    return math.log2(scale) + a / b * (math.log2(n) - math.log2(d))


def _exp_scaled_int(w2: int, x: int, dx: int, base_quote: bool) -> int:
    """Integer ``floor(1e18 · (x/(x+dx))^e)`` with ``e = w1/w2`` (base_quote) or ``w2/w1``; chain's ``exp_scaled``.

    Returns 0 when ``x + dx ≤ 0`` or when the result does not fit in a u64 (as the chain does).
    """
    x_plus = x + dx if dx >= 0 else max(x + dx, 0)
    x_plus = min(x_plus, _U64_MAX)  # saturating_add on u64
    if x_plus == 0:
        return 0
    w1 = PERQUINTILL - w2
    num, den = (w1, w2) if base_quote else (w2, w1)
    if x > x_plus and _log2_pow_bound(x, x_plus, num, den, PERQUINTILL) > 66:
        return 0  # far above u64 (e.g. weight 1 − 1e-16: exponent ~1e16); the chain returns 0 too
    r = _pow_ratio_scaled(x, x_plus, num, den, PERQUINTILL)
    return r if r <= _U64_MAX else 0


def _exp_scaled_fx(w2: int, x: int, dx: int, base_quote: bool) -> int:
    """The chain's ``exp_scaled`` as U64F64 bits: ``from_num(r) / from_num(1e18)``."""
    return _fx_div(_fx_int(_exp_scaled_int(w2, x, dx, base_quote)), _fx_int(PERQUINTILL))


def balancer_ratio_pow_scaled(quote_weight: Any, reserve: int, delta: int, *, base_quote: bool) -> int:
    """``floor(1e18 · (reserve/(reserve + delta))^e)``, the chain's ``exp_scaled`` integer (spec §4.3).

    ``e = w1/w2`` if ``base_quote`` (sell: ``reserve`` is the alpha reserve) else ``w2/w1`` (buy:
    ``reserve`` is the TAO reserve). ``delta`` may be negative (used by "alpha needed for TAO").
    As on chain, the result is 0 when ``reserve + delta ≤ 0`` or when it exceeds u64::MAX.

    Examples
    --------
    >>> balancer_ratio_pow_scaled(0.4, 21_000_000_000_000_000, 7_000_000_000_000_000, base_quote=True)
    649519052838328985
    """
    w2 = _weight_parts("quote_weight", quote_weight)
    x = _rao("reserve", reserve)
    if isinstance(delta, bool) or not isinstance(delta, numbers.Integral):
        raise TypeError(f"delta must be an integer, got {type(delta).__name__} {delta!r}")
    dx = int(delta)
    if abs(dx) > _U64_MAX:
        raise ValueError(f"delta must be an integer in [-{_U64_MAX}, {_U64_MAX}], got {dx}")
    base_quote = check_bool("base_quote", base_quote)
    return _exp_scaled_int(w2, x, dx, base_quote)


def balancer_ratio_pow(quote_weight: Any, reserve: int, delta: int, *, base_quote: bool) -> float:
    """``(reserve/(reserve + delta))^(w1/w2)`` if ``base_quote`` else ``^(w2/w1)`` (spec §4.3; vectors SW-22…26, SW-30).

    The value of :func:`balancer_ratio_pow_scaled` divided by 1e18 (1e-18 resolution, floored as on
    chain), returned as the nearest float. ``quote_weight`` is ``w2`` (the TAO weight), ``w1 = 1 − w2``.

    Examples
    --------
    >>> balancer_ratio_pow(0.5, 100_000, 100, base_quote=True)
    0.999000999000999
    >>> round(balancer_ratio_pow(0.25, 500_000, 5_000, base_quote=True), 12)   # (100/101)^3
    0.970590147928
    """
    return balancer_ratio_pow_scaled(quote_weight, reserve, delta, base_quote=base_quote) / PERQUINTILL


def _calc_price_bits(w2: int, x: int, y: int) -> int:
    """The chain's ``calculate_price``: ``(w1/w2)·(y/x)`` in U64F64 (0 if ``x == 0``)."""
    w1 = PERQUINTILL - w2
    return _fx_mul(_fx_div(_fx_int(w1), _fx_int(w2)), _fx_div(_fx_int(y), _fx_int(x)))


def balancer_price(tao_reserve: int, alpha_reserve: int, quote_weight: Any = 0.5) -> float:
    """Spot price ``(w1/w2)·(y/x)`` in TAO per alpha (spec §4.3; vector SW-31), as the chain computes it in U64F64.

    An empty alpha reserve gives 0 (``current_price``; ``safe_div`` by zero is 0).

    Examples
    --------
    >>> balancer_price(10, 4, 0.3333333333333333)
    5.000000000000001
    """
    y = _rao("tao_reserve", tao_reserve)
    x = _rao("alpha_reserve", alpha_reserve)  # 0 gives 0, as the chain's safe_div does
    w2 = _weight_parts("quote_weight", quote_weight)
    return _fx_to_float(_calc_price_bits(w2, x, y))


def _bal_alpha_out(w2: int, x: int, y: int, dy: int) -> int:
    """Buy: ``x·(1 − (y/(y+Δy))^(w2/w1))`` with the chain's rounding (``convert_deltas``)."""
    if dy == 0:
        return 0
    e = _exp_scaled_fx(w2, y, dy, False)
    return _fx_to_u64(_fx_mul(_fx_int(x), _fx_sub(_FX_ONE, e)))


def _bal_tao_out(w2: int, x: int, y: int, dx: int) -> int:
    """Sell: ``y·(1 − (x/(x+Δx))^(w1/w2))`` with the chain's rounding (``convert_deltas``)."""
    if dx == 0:
        return 0
    e = _exp_scaled_fx(w2, x, dx, True)
    return _fx_to_u64(_fx_mul(_fx_int(y), _fx_sub(_FX_ONE, e)))


def balancer_alpha_out_for_tao(tao_reserve: int, alpha_reserve: int, quote_weight: Any, tao_in: int) -> int:
    """Alpha paid out for ``tao_in`` net TAO: ``x·(1 − (y/(y+Δy))^(w2/w1))`` (spec §4.3; SW-16…18).

    The raw formula (the chain's ``convert_deltas``): no fee, no reserve or input guards.

    Examples
    --------
    >>> balancer_alpha_out_for_tao(1_500, 1_000, 0.5, 10_000)
    869
    """
    y = _rao("tao_reserve", tao_reserve)
    x = _rao("alpha_reserve", alpha_reserve)
    w2 = _weight_parts("quote_weight", quote_weight)
    dy = _rao("tao_in", tao_in)
    return _bal_alpha_out(w2, x, y, dy)


def balancer_tao_out_for_alpha(tao_reserve: int, alpha_reserve: int, quote_weight: Any, alpha_in: int) -> int:
    """TAO paid out for ``alpha_in`` net alpha: ``y·(1 − (x/(x+Δx))^(w1/w2))`` (spec §4.3; SW-16…18).

    The raw formula (the chain's ``convert_deltas``): no fee, no reserve or input guards.

    Examples
    --------
    >>> balancer_tao_out_for_alpha(1_500, 1_000, 0.5, 10_000)
    1363
    """
    y = _rao("tao_reserve", tao_reserve)
    x = _rao("alpha_reserve", alpha_reserve)
    w2 = _weight_parts("quote_weight", quote_weight)
    dx = _rao("alpha_in", alpha_in)
    return _bal_tao_out(w2, x, y, dx)


def _delta_to_price(weight_parts: int, num_bits: int, den_bits: int, reserve: int) -> int:
    """``reserve · ((num/den)^(w/1e18) − 1)``: the chain's ``calculate_{quote,base}_delta_in``."""
    if den_bits == 0:
        return 0
    r = _pow_ratio_scaled(num_bits, den_bits, weight_parts, PERQUINTILL, PERQUINTILL)
    r = min(r, _U64_MAX)  # saturating_from_num(u64::MAX) when it does not fit
    e = _fx_div(_fx_int(r), _fx_int(PERQUINTILL))
    return _fx_to_u64(_fx_mul(_fx_int(reserve), _fx_sub(e, _FX_ONE)))


def balancer_tao_to_reach_price(quote_weight: Any, current_price: Any, target_price: Any, tao_reserve: int) -> int:
    """Net TAO a buy needs to move the price from ``current_price`` up to ``target_price``:
    ``Δy = y·((p'/p)^w1 − 1)`` (spec §4.3; vector SW-27).

    Prices are converted to U64F64 first (floats to the nearest 2^-64, like ``from_num``), the power
    is taken on the ratio of their bit patterns, and the result is floored. 0 if ``p' ≤ p``.

    Examples
    --------
    >>> balancer_tao_to_reach_price(0.25, 0.1, 0.2, 1_000_000_000)
    681792830
    """
    w2 = _weight_parts("quote_weight", quote_weight)
    cur = _positive_price("current_price", current_price)
    tgt = _positive_price("target_price", target_price)
    y = _rao("tao_reserve", tao_reserve)
    return _delta_to_price(PERQUINTILL - w2, tgt, cur, y)


def balancer_alpha_to_reach_price(quote_weight: Any, current_price: Any, target_price: Any, alpha_reserve: int) -> int:
    """Net alpha a sell needs to move the price from ``current_price`` down to ``target_price``:
    ``Δx = x·((p/p')^w2 − 1)`` (spec §4.3). 0 if ``p' ≥ p``.

    Examples
    --------
    >>> balancer_alpha_to_reach_price(0.25, 0.2, 0.1, 1_000_000_000)
    189207115
    """
    w2 = _weight_parts("quote_weight", quote_weight)
    cur = _positive_price("current_price", current_price)
    tgt = _positive_price("target_price", target_price)
    x = _rao("alpha_reserve", alpha_reserve)
    return _delta_to_price(w2, cur, tgt, x)


def _alpha_needed(w2: int, y: int, x: int, dy: int) -> int:
    e = _exp_scaled_fx(w2, y, -dy, False)
    return _fx_to_u64(_fx_mul(_fx_int(x), _fx_sub(e, _FX_ONE)))


def balancer_alpha_needed_for_tao(quote_weight: Any, tao_reserve: int, alpha_reserve: int, tao_out: int) -> int:
    """Alpha to sell (net of fee) for the pool to pay ``tao_out``: ``x·((y/(y−Δy))^(w2/w1) − 1)`` (spec §4.3).

    As on chain (``get_base_needed_for_quote``) the result is 0 when ``tao_out ≥ y`` or when the
    power exceeds the u64 range of the 1e18-scaled intermediate (a ratio above ~18.4).

    Examples
    --------
    >>> balancer_alpha_needed_for_tao(0.25, 1_000_000_000, 1_000_000_000, 1_123_432)
    374758
    """
    w2 = _weight_parts("quote_weight", quote_weight)
    y = _rao("tao_reserve", tao_reserve)
    x = _rao("alpha_reserve", alpha_reserve)
    dy = _rao("tao_out", tao_out)
    return _alpha_needed(w2, y, x, dy)


def _mul_perquintill_round(parts: int, value: int) -> int:
    """``value · parts / 1e18`` rounded to nearest (half up), saturated at u128::MAX."""
    return min((value * parts + PERQUINTILL // 2) // PERQUINTILL, (1 << 128) - 1)


def _new_quote_weight(w2: int, y: int, x: int, dy: int, dx: int) -> int:
    """Quote-weight parts after adding ``(dy, dx)`` to the reserves (chain's ``update_weights_for_added_liquidity``)."""
    u128 = (1 << 128) - 1
    new_y = y + dy
    new_x = x + dx
    q1 = _mul_perquintill_round(PERQUINTILL - w2, min(y * new_x, u128))
    q2 = _mul_perquintill_round(w2, min(x * new_y, u128))
    q_sum = min(q1 + q2, u128)
    if q_sum == 0:
        return PERQUINTILL // 2
    return PERQUINTILL if q2 > q_sum else (q2 * PERQUINTILL) // q_sum  # from_rational rounds down


def balancer_quote_weight_after_injection(quote_weight: Any, tao_reserve: int, alpha_reserve: int,
                                          tao_in: int, alpha_in: int) -> Fraction:
    """New TAO weight after an injection that keeps the price (spec §4.3, §3.4)::

        w2' = w2·x·(y + Δy) / (w1·y·(x + Δx) + w2·x·(y + Δy))

    Each product is rounded to the nearest integer after multiplying by the Perquintill weight and
    the quotient is rounded down to the Perquintill grid, as on chain. Returned as an exact fraction
    of 1e18 parts; no range check (see :meth:`BalancerPool.inject` for the [0.01, 0.99] rule).

    Examples
    --------
    >>> w = balancer_quote_weight_after_injection(0.5, 1_000, 4_000, 1_000, 0)   # 2/3, rounded down
    >>> w.numerator * (10**18 // w.denominator)
    666666666666666666
    """
    w2 = _weight_parts("quote_weight", quote_weight)
    y = _rao("tao_reserve", tao_reserve)
    x = _rao("alpha_reserve", alpha_reserve)
    dy = _rao("tao_in", tao_in)
    dx = _rao("alpha_in", alpha_in)
    return Fraction(_new_quote_weight(w2, y, x, dy, dx), PERQUINTILL)


# ---------------------------------------------------------------------------------------------
# Uniswap-v3 single-range formulas (spec §4.2)
# ---------------------------------------------------------------------------------------------
def _v3_alpha_out(l_fx: int, s: int, dy: int) -> int:
    """Buy within one range: ``L·Δy / (s·(L·s + Δy))`` in the chain's operation order."""
    if dy == 0:
        return 0
    d = _fx_int(dy)
    a = _fx_mul(_fx_add(_fx_mul(l_fx, s), d), s)
    return _fx_to_u64(_fx_mul(_fx_div(l_fx, a), d))


def _v3_tao_out(l_fx: int, s: int, dx: int) -> int:
    """Sell within one range: ``Δx·L·s / (L/s + Δx)`` in the chain's operation order."""
    if dx == 0:
        return 0
    d = _fx_int(dx)
    denom = _fx_add(_fx_div(l_fx, s), d)
    return _fx_to_u64(_fx_mul(d, _fx_mul(_fx_div(l_fx, denom), s)))


def _v3_buy_saturates(l_fx: int, s: int, dy: int) -> bool:
    """True if the buy formula's intermediate ``(L·s + Δy)·s`` exceeds U64F64::MAX.

    The chain saturates it (``swap_step.rs`` ``convert_deltas``, v3.4.5-419) and then pays
    ``L/U64F64::MAX·Δy``, more than the formula gives: e.g. ``FullRangePool(2·10^16, 2·10^10)``
    (price 1e6, ``T·√p`` = 2e19 > 2^64) sell 784 759 970 alpha and buy back returns ~33 million rao of
    alpha more than was sold. The model refuses such a buy (``rejected="Overflow"``).
    """
    return dy > 0 and (((l_fx * s) >> 64) + _fx_int(dy)) * s >> 64 > _FX_MAX


def _sqrt_price_arg(value: Any) -> int:
    if isinstance(value, Decimal):
        if not value.is_finite() or value <= 0:
            raise ValueError(f"sqrt_price must be a finite number > 0, got {value!r}")
    else:
        check_real("sqrt_price", value, lo=0.0, lo_open=True)
    bits = _fx_from_real(value)
    if bits == 0:
        raise ValueError(f"sqrt_price must be at least 2^-64, got {value!r}")
    return bits


def v3_alpha_out_for_tao(liquidity: int, sqrt_price: Any, tao_in: int) -> int:
    """Alpha out for ``tao_in`` net TAO within one tick range (spec §4.2; vectors SW-02…04).

    ``α_out = L·Δy / (s·(L·s + Δy))``, evaluated in U64F64 in the chain's order with truncation and
    saturation. ``sqrt_price`` is converted to U64F64 (floats to the nearest 2^-64).

    Examples
    --------
    >>> v3_alpha_out_for_tao(2_000_000_000_000, 1.5, 10_000)
    4444
    """
    l_fx = _fx_int(check_int("liquidity", liquidity, lo=0, hi=_U64_MAX))
    s = _sqrt_price_arg(sqrt_price)
    dy = _rao("tao_in", tao_in)
    return _v3_alpha_out(l_fx, s, dy)


def v3_tao_out_for_alpha(liquidity: int, sqrt_price: Any, alpha_in: int) -> int:
    """TAO out for ``alpha_in`` net alpha within one tick range (spec §4.2; vectors SW-02…04).

    ``τ_out = Δx·L·s / (L/s + Δx)`` in U64F64, chain order, truncating.

    Examples
    --------
    >>> v3_tao_out_for_alpha(2_000_000_000_000, 1.5, 10_000)     # 22 500 exactly; truncation costs a rao
    22499
    """
    l_fx = _fx_int(check_int("liquidity", liquidity, lo=0, hi=_U64_MAX))
    s = _sqrt_price_arg(sqrt_price)
    dx = _rao("alpha_in", alpha_in)
    return _v3_tao_out(l_fx, s, dx)


def _tick_ladder() -> tuple[int, ...]:
    """``round(2^128 / 1.0001^(2^i / 2))`` for i = 0…19: the factors of Uniswap's ``getSqrtRatioAtTick``.

    Derived here at 100 digits (they reproduce Uniswap's published MIN/MAX sqrt ratios exactly).
    """
    with localcontext() as ctx:
        ctx.prec = 100
        root = Decimal("1.0001").sqrt()
        return tuple(int((Decimal(2) ** 128 / root ** (2**i)).to_integral_value()) for i in range(20))


def _tick_sqrt_price_bits(tick: int) -> int:
    """U64F64 √price at a tick as the pallet computes it (``TickIndex::try_to_sqrt_price``).

    Uniswap's Q64.96 ladder (product of ``2^128/√1.0001^(2^i)`` factors, inverted for positive
    ticks, rounded up to Q64.96), then converted to U64F64 rounding up any discarded bits.
    """
    ratio = 1 << 128
    for i, factor in enumerate(_tick_ladder()):
        if abs(tick) >> i & 1:
            ratio = (ratio * factor) >> 128
    if tick > 0:
        ratio = ((1 << 256) - 1) // ratio
    x96 = -(-ratio >> 32)  # ceil to Q64.96
    return -(-x96 >> 32)  # ceil to U64F64


_V3_MAX_TICK = 443_636  # usable tick range of the pallet (half of Uniswap's 887 272), spec §4.2
_V3_SQRT_MIN = _tick_sqrt_price_bits(-_V3_MAX_TICK)
_V3_SQRT_MAX = _tick_sqrt_price_bits(_V3_MAX_TICK)
_V3_MAX_LIMIT_SQRT = math.isqrt(_fx_int(10**6) << 64)  # √(max_price) in U64F64
_DEFAULT_MAX_PRICE = _fx_int(10**6)  # max_price: 1e15 rao = 1e6 TAO per alpha
_DEFAULT_MIN_PRICE = _fx_div(_fx_int(1_000), _fx_int(10**9))  # min_price: 1000 rao = 1e-6 TAO per alpha


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SwapResult:
    """Outcome of one swap; the pool it was made on is unchanged (pools are immutable).

    Attributes
    ----------
    side
        ``"buy"`` (TAO in, alpha out; staking) or ``"sell"`` (alpha in, TAO out; unstaking).
    amount_in
        Gross amount offered, in the input token.
    net_in
        Part of the input that entered the pool's input reserve (moves the price).
    fee
        Fee charged, in ``fee_token``. For v3 and Balancer it is taken from the input, so
        ``net_in + fee + refund == amount_in``. For the v2 pool the fee is always TAO: taken from the
        TAO paid in on a buy, from the TAO paid out on a sell (and added to the pool).
    amount_out
        Output paid to the trader, floored to the rao.
    pool
        The pool after the swap (the same pool if rejected).
    price_before
        Spot price before the swap.
    fee_token
        ``"tao"`` or ``"alpha"``.
    refund
        Input not used because a limit price (or the edge of the tick range) was reached.
    fee_tao_to_author
        TAO the block author receives from selling the alpha fee fee-free into the pool
        (Balancer/v3 sells with ``author_fee_swap=True``); 0 otherwise.
    rejected
        ``None`` if the swap executed, else the chain's reason (e.g. ``"ReservesTooLow"``). A rejected
        swap has zero output and fee.
    """

    side: Literal["buy", "sell"]
    amount_in: int
    net_in: int
    fee: int
    amount_out: int
    pool: Any
    price_before: float
    fee_token: Literal["tao", "alpha"]
    refund: int = 0
    fee_tao_to_author: int = 0
    rejected: str | None = None

    @property
    def ok(self) -> bool:
        """True if the swap executed."""
        return self.rejected is None

    @property
    def price_after(self) -> float:
        """Spot price of the pool after the swap."""
        return float(self.pool.price)

    @property
    def effective_price(self) -> float:
        """TAO per alpha actually realised (see :func:`effective_price`)."""
        return effective_price(self)

    @property
    def price_impact(self) -> float:
        """Relative change of the spot price (see :func:`price_impact`)."""
        return price_impact(self)

    @property
    def slippage(self) -> float:
        """Relative cost against the pre-trade spot price (see :func:`slippage`)."""
        return slippage(self)


def _rejected(pool: Any, side: Literal["buy", "sell"], amount: int, reason: str,
              fee_token: Literal["tao", "alpha"]) -> SwapResult:
    return SwapResult(side=side, amount_in=amount, net_in=0, fee=0, amount_out=0, pool=pool,
                      price_before=float(pool.price), fee_token=fee_token, refund=amount, rejected=reason)


def _check_result(result: Any) -> None:
    if not isinstance(result, SwapResult):
        raise TypeError(f"result must be a SwapResult (what a pool's buy_alpha/sell_alpha returns), "
                        f"got {type(result).__name__}")


def effective_price(result: SwapResult) -> float:
    """TAO per alpha realised by a swap, fees included: TAO paid / alpha received for a buy, TAO
    received / alpha paid for a sell. ``nan`` if nothing was exchanged.

    For the v2 pool the TAO fee counts on the TAO side of either trade.
    """
    _check_result(result)
    used_in = result.amount_in - result.refund
    if result.side == "buy":
        return used_in / result.amount_out if result.amount_out > 0 else math.nan
    return result.amount_out / used_in if used_in > 0 and result.amount_out > 0 else math.nan


def price_impact(result: SwapResult) -> float:
    """Relative change of the spot price caused by the swap: ``p_after / p_before − 1``."""
    _check_result(result)
    if result.price_before <= 0:
        return math.nan
    return result.price_after / result.price_before - 1.0


def slippage(result: SwapResult) -> float:
    """Relative cost of a trade against the pre-trade spot price (fees included, ≥ 0 in practice).

    Buy: ``effective / spot − 1`` (paid more per alpha than spot); sell: ``1 − effective / spot``.
    """
    eff = effective_price(result)  # checks result
    if math.isnan(eff) or result.price_before <= 0:
        return math.nan
    if result.side == "buy":
        return eff / result.price_before - 1.0
    return 1.0 - eff / result.price_before


@dataclass(frozen=True)
class RoundTrip:
    """Stake ``tao_in`` then immediately unstake all the alpha received (see :func:`round_trip`)."""

    tao_in: int
    alpha: int
    tao_out: int
    buy: SwapResult
    sell: SwapResult

    @property
    def loss(self) -> int:
        """TAO lost to fees and slippage (``tao_in − tao_out``)."""
        return self.tao_in - self.tao_out

    @property
    def loss_fraction(self) -> float:
        """``loss / tao_in``."""
        return self.loss / self.tao_in if self.tao_in else math.nan

    @property
    def pool(self) -> Any:
        """The pool after both swaps."""
        return self.sell.pool


def round_trip(pool: Any, tao_in: int, **kwargs: Any) -> RoundTrip:
    """Buy alpha with ``tao_in`` and sell all of it back at once (spec §4; the cost of a round trip).

    Extra keyword arguments go to both swaps (e.g. ``author_fee_swap=True``). If the buy is rejected
    the sell is skipped (both results are then the rejected buy's pool).
    """
    buy = _check_pool(pool).buy_alpha(tao_in, **kwargs)
    if not buy.ok or buy.amount_out == 0:
        sell = _rejected(buy.pool, "sell", 0, buy.rejected or "NothingToSell", buy.fee_token)
        return RoundTrip(tao_in=tao_in, alpha=0, tao_out=0, buy=buy, sell=sell)
    sell = buy.pool.sell_alpha(buy.amount_out, **kwargs)
    return RoundTrip(tao_in=tao_in, alpha=buy.amount_out, tao_out=sell.amount_out, buy=buy, sell=sell)


# ---------------------------------------------------------------------------------------------
# v2 constant-product pool (spec §4.1)
# ---------------------------------------------------------------------------------------------
def _i110f18_mul(a: int, b: int) -> int:
    return min((a * b) >> 18, _I110F18_MAX)


def _i110f18_div(a: int, b: int) -> int:
    if b == 0:
        return 0
    q = (a << 18) // b
    return 0 if q > _I110F18_MAX else q


@dataclass(frozen=True)
class ConstantProductPool:
    """The dTAO-launch pool: ``x·y = k`` (spec §4.1, v2.0.0 → v3.1.5; vector SW-01).

    Parameters
    ----------
    tao_reserve, alpha_reserve
        Reserves in rao (integers ≥ 1).
    staking_fee_rao
        Flat fee taken from the TAO side of every stake and unstake and added to the pool
        (``DefaultStakingFee`` = 50 000 rao). From v2.0.8 unstaking charged a dynamic fee (at least
        50 000 rao); pass ``fee_rao=`` to :meth:`sell_alpha` to model it.
    min_liquidity_rao
        A swap is rejected (0 out, pool unchanged) if the reserve paid out would end below this
        (``DefaultMinimumPoolLiquidity`` = 1e7 rao).

    Examples
    --------
    >>> pool = ConstantProductPool(1_000_000_000_000, 4_000_000_000_000)
    >>> r = pool.buy_alpha(1_000_000_000)
    >>> r.fee, r.net_in, r.amount_out
    (50000, 999950000, 3995804395)
    >>> r.pool.tao_reserve
    1001000000000
    """

    tao_reserve: int
    alpha_reserve: int
    staking_fee_rao: int = V2_STAKING_FEE_RAO
    min_liquidity_rao: int = V2_MIN_POOL_LIQUIDITY_RAO
    kind: Literal["constant_product"] = field(default="constant_product", init=False, repr=False)

    def __post_init__(self) -> None:
        t = _reserve("tao_reserve", self.tao_reserve)
        a = _reserve("alpha_reserve", self.alpha_reserve)
        if t > 10**6 * a:
            raise ValueError(f"tao_reserve / alpha_reserve must be at most {MAX_PRICE:g} TAO per alpha "
                             f"(the swap pallet's max_price), got {t / a!r}")
        object.__setattr__(self, "tao_reserve", t)
        object.__setattr__(self, "alpha_reserve", a)
        object.__setattr__(self, "staking_fee_rao", _rao("staking_fee_rao", self.staking_fee_rao))
        object.__setattr__(self, "min_liquidity_rao", _rao("min_liquidity_rao", self.min_liquidity_rao))

    @property
    def price(self) -> float:
        """Spot price ``T / A`` (TAO per alpha)."""
        return self.tao_reserve / self.alpha_reserve

    @property
    def k(self) -> int:
        """The invariant ``T · A`` (exact integer)."""
        return self.tao_reserve * self.alpha_reserve

    def _k_bits(self) -> int:
        return _i110f18_mul(self.tao_reserve << 18, self.alpha_reserve << 18)

    def buy_alpha(self, tao_in: int, *, fee_rao: int | None = None) -> SwapResult:
        """Stake ``tao_in`` rao: the fee is deducted first, the rest buys ``A − k/(T + ΔT)`` alpha.

        Rejected (0 out, pool unchanged) if the new alpha reserve would be below ``min_liquidity_rao``.
        """
        amount = _trade("tao_in", tao_in, self.tao_reserve, "TAO")
        flat = self.staking_fee_rao if fee_rao is None else _rao("fee_rao", fee_rao)
        net = max(amount - flat, 0)
        fee = amount - net
        t, a = self.tao_reserve, self.alpha_reserve
        new_a_bits = _i110f18_div(self._k_bits(), min((t + net) << 18, _I110F18_MAX))
        if new_a_bits < self.min_liquidity_rao << 18:
            return _rejected(self, "buy", amount, "InsufficientLiquidity", "tao")
        out = min(max((a << 18) - new_a_bits, 0) >> 18, _U64_MAX)
        if out >= a:
            return _rejected(self, "buy", amount, "InsufficientLiquidity", "tao")
        pool = _evolve(self, tao_reserve=t + net + fee, alpha_reserve=a - out)
        return SwapResult(side="buy", amount_in=amount, net_in=net, fee=fee, amount_out=out, pool=pool,
                          price_before=self.price, fee_token="tao")

    def sell_alpha(self, alpha_in: int, *, fee_rao: int | None = None) -> SwapResult:
        """Unstake ``alpha_in`` rao: the pool pays ``T − k/(A + ΔA)`` TAO, the fee is kept by the pool.

        Rejected (0 out, pool unchanged) if the new TAO reserve would be below ``min_liquidity_rao``.
        ``fee_rao`` overrides the flat fee (the dynamic unstake fee of v2.0.8+).
        """
        amount = _trade("alpha_in", alpha_in, self.alpha_reserve, "alpha")
        flat = self.staking_fee_rao if fee_rao is None else _rao("fee_rao", fee_rao)
        t, a = self.tao_reserve, self.alpha_reserve
        new_t_bits = _i110f18_div(self._k_bits(), min((a + amount) << 18, _I110F18_MAX))
        if new_t_bits < self.min_liquidity_rao << 18:
            return _rejected(self, "sell", amount, "InsufficientLiquidity", "tao")
        gross = min(max((t << 18) - new_t_bits, 0) >> 18, _U64_MAX)
        if gross >= t:
            return _rejected(self, "sell", amount, "InsufficientLiquidity", "tao")
        out = max(gross - flat, 0)
        fee = gross - out
        pool = _evolve(self, tao_reserve=t - gross + fee, alpha_reserve=a + amount)
        return SwapResult(side="sell", amount_in=amount, net_in=amount, fee=fee, amount_out=out, pool=pool,
                          price_before=self.price, fee_token="tao")


# ---------------------------------------------------------------------------------------------
# Uniswap-v3 pallet with the protocol full-range position (spec §4.2)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FullRangePool:
    """The ``pallets/swap`` Uniswap-v3 pool holding only the protocol's full-range position (spec §4.2).

    Initialised like ``maybe_initialize_v3``: ``√p = √(T/A)`` in U64F64 (exact floor square root)
    and ``L = floor(√(T·A))``. Between injections the pool's state is ``(√p, L)``; the reserves are
    the subnet's ``SubnetTAO`` / ``SubnetAlphaIn`` moved by the net input and the output.

    Parameters
    ----------
    tao_reserve, alpha_reserve
        Reserves in rao (integers ≥ 1).
    fee_rate_u16
        Swap fee rate /65535 (196 at launch, 33 from v3.2.2).
    sqrt_price_bits, liquidity
        Swap state; computed from the reserves when omitted.
    fees_tao, fees_alpha
        Fees held by the protocol position; re-invested at the next :meth:`inject`.
    scrap_tao, scrap_alpha
        ``ScrapReservoirTao`` / ``ScrapReservoirAlpha`` (v3.2.10 – v3.4.7): what a proportional
        :meth:`inject` could not add at the price; retried at the next one.
    fee_destination
        ``"liquidity_providers"`` (v3.1.6 → v3.3.9: fees accrue to the protocol position) or
        ``"block_author"`` (from v3.3.10/11: fees leave the pool).
    enforce_limits
        Apply the chain's guard: the output reserve must hold at least 1e6 rao before the swap.

    Notes
    -----
    The swap formulas run in U64F64 exactly as on chain. One intermediate of the buy,
    ``(L·s + Δy)·s`` (about ``T·√p`` in rao), exceeds U64F64::MAX once the TAO reserve after the buy
    times √p passes 2^64 ≈ 1.8e19 (e.g. 18.5 M TAO in a pool at the maximum price 1e6); the chain
    saturates it and pays out more than the formula (round trips then gain). Such a buy is refused
    here with ``rejected="Overflow"``. Mainnet pools are far from that regime.

    The spot price :attr:`price` is the chain's ``current_price``: ``(√p)²`` in U64F64 converted
    to U96F32, which truncates to 32 fractional bits.

    Examples
    --------
    >>> pool = FullRangePool(1_000_000_000_000, 4_000_000_000_000)
    >>> pool.liquidity, pool.price
    (2000000000000, 0.25)
    >>> pool.buy_alpha(1_000).amount_out
    3999
    """

    tao_reserve: int
    alpha_reserve: int
    fee_rate_u16: int = SWAP_FEE_U16
    sqrt_price_bits: int | None = None
    liquidity: int | None = None
    fees_tao: int = 0
    fees_alpha: int = 0
    fee_destination: Literal["liquidity_providers", "block_author"] = "liquidity_providers"
    scrap_tao: int = 0
    scrap_alpha: int = 0
    enforce_limits: bool = True
    min_reserve_rao: int = SWAP_MIN_RESERVE_RAO
    kind: Literal["uniswap_v3"] = field(default="uniswap_v3", init=False, repr=False)

    def __post_init__(self) -> None:
        t = _reserve("tao_reserve", self.tao_reserve)
        a = _reserve("alpha_reserve", self.alpha_reserve)
        object.__setattr__(self, "tao_reserve", t)
        object.__setattr__(self, "alpha_reserve", a)
        object.__setattr__(self, "fee_rate_u16", _fee_rate(self.fee_rate_u16))
        object.__setattr__(self, "fees_tao", _rao("fees_tao", self.fees_tao))
        object.__setattr__(self, "fees_alpha", _rao("fees_alpha", self.fees_alpha))
        object.__setattr__(self, "scrap_tao", _rao("scrap_tao", self.scrap_tao))
        object.__setattr__(self, "scrap_alpha", _rao("scrap_alpha", self.scrap_alpha))
        object.__setattr__(self, "min_reserve_rao", _rao("min_reserve_rao", self.min_reserve_rao))
        if self.fee_destination not in ("liquidity_providers", "block_author"):
            raise ValueError(
                f"fee_destination must be 'liquidity_providers' or 'block_author', got {self.fee_destination!r}"
            )
        object.__setattr__(self, "enforce_limits", check_bool("enforce_limits", self.enforce_limits))
        if self.sqrt_price_bits is None:
            price = _fx_div(_fx_int(t), _fx_int(a))
            object.__setattr__(self, "sqrt_price_bits", math.isqrt(price << 64))
        else:
            s = check_int("sqrt_price_bits", self.sqrt_price_bits, lo=1, hi=_V3_MAX_LIMIT_SQRT)
            object.__setattr__(self, "sqrt_price_bits", s)
        _check_price_cap("price", _fx_mul(self.sqrt_price_bits, self.sqrt_price_bits))
        if self.liquidity is None:
            object.__setattr__(self, "liquidity", min(math.isqrt(t * a), _U64_MAX))
        else:
            object.__setattr__(self, "liquidity", check_int("liquidity", self.liquidity, lo=0, hi=_U64_MAX))

    @property
    def sqrt_price(self) -> float:
        """√price (U64F64 state) as a float."""
        return _fx_to_float(self.sqrt_price_bits)

    @property
    def price_bits(self) -> int:
        """Spot price as U96F32 bits: ``(√p)²`` in U64F64, then converted to U96F32, which truncates.

        ``current_price`` (``pallets/swap/src/pallet/impls.rs`` L55 at v3.4.5-419):
        ``U96F32::saturating_from_num(sqrt_price.saturating_mul(sqrt_price))``; a fixed-to-fixed
        conversion drops the 32 extra fractional bits (rounds toward zero), it does not round.
        """
        return _fx_mul(self.sqrt_price_bits, self.sqrt_price_bits) >> 32

    @property
    def price(self) -> float:
        """Spot price ``(√p)²`` as the chain reports it: U64F64 product truncated to U96F32 (see :attr:`price_bits`)."""
        return self.price_bits / (1 << 32)

    def _limit_sqrt(self, limit_price: Any, default_bits: int) -> int:
        bits = default_bits if limit_price is None else _limit_price(limit_price)
        return math.isqrt(bits << 64)

    def buy_alpha(self, tao_in: int, *, limit_price: Any = None, author_fee_swap: bool = False) -> SwapResult:
        """Buy alpha with ``tao_in`` rao (fee from the input, then ``α_out = L·Δy/(s·(L·s + Δy))``).

        ``limit_price`` (TAO per alpha) stops the swap at that price; the unused input is refunded and
        the fee recomputed on the part used. Default: the chain's maximum price (1e6 TAO per alpha).
        ``author_fee_swap`` is accepted for symmetry with :meth:`sell_alpha` (TAO fees need no swap).
        """
        amount = _trade("tao_in", tao_in, self.tao_reserve, "TAO")
        rate = self.fee_rate_u16
        s, l_int = self.sqrt_price_bits, self.liquidity
        if self.enforce_limits and self.alpha_reserve < self.min_reserve_rao:
            return _rejected(self, "buy", amount, "ReservesTooLow", "tao")
        limit = self._limit_sqrt(limit_price, _DEFAULT_MAX_PRICE)
        if not s < limit:
            return _rejected(self, "buy", amount, "PriceLimitExceeded", "tao")
        l_fx = _fx_int(l_int)
        fee = _fee(amount, rate)
        possible = amount - fee
        target = _fx_add(_fx_div(_fx_int(possible), l_fx), s) if l_int else _FX_MAX
        edge = _V3_SQRT_MAX
        if target <= limit and target <= edge:
            final, delta = target, possible
        else:
            final = limit if limit <= edge else edge
            delta = _fx_to_u64(_fx_mul(l_fx, _fx_sub(final, s)))
            delta = min(delta, possible)
            fee = _fee_on_partial(delta, rate)
        if _v3_buy_saturates(l_fx, s, delta):
            return _rejected(self, "buy", amount, "Overflow", "tao")
        out = _v3_alpha_out(l_fx, s, delta)
        if delta > 0 and out == 0:
            return _rejected(self, "buy", amount, "ReservesTooLow", "tao")
        if out > self.alpha_reserve:  # payout == reserve is allowed (impls.rs L173 at 14bc6f9f)
            return _rejected(self, "buy", amount, "InsufficientLiquidity", "tao")
        fees_tao = self.fees_tao + fee if self.fee_destination == "liquidity_providers" else self.fees_tao
        pool = _evolve(self, tao_reserve=self.tao_reserve + delta, alpha_reserve=self.alpha_reserve - out,
                       sqrt_price_bits=max(final, 1), fees_tao=fees_tao)
        return SwapResult(side="buy", amount_in=amount, net_in=delta, fee=fee, amount_out=out, pool=pool,
                          price_before=self.price, fee_token="tao", refund=amount - delta - fee)

    def sell_alpha(self, alpha_in: int, *, limit_price: Any = None, author_fee_swap: bool = False) -> SwapResult:
        """Sell ``alpha_in`` rao (fee from the input, then ``τ_out = Δx·L·s/(L/s + Δx)``).

        ``limit_price`` stops the swap at that price (default: the chain's minimum price, 1e-6).
        With ``fee_destination="block_author"`` and ``author_fee_swap=True`` the alpha fee is then
        sold fee-free into the pool and its TAO paid to the block author (``fee_tao_to_author``);
        otherwise that fee alpha leaves the pool (burned).
        """
        amount = _trade("alpha_in", alpha_in, self.alpha_reserve, "alpha")
        res = self._sell(amount, limit_price, self.fee_rate_u16)
        if not res.ok or not author_fee_swap or self.fee_destination != "block_author" or res.fee == 0:
            return res
        author = res.pool._sell(res.fee, None, 0)
        if not author.ok:
            return res
        return replace(res, pool=author.pool, fee_tao_to_author=author.amount_out)

    def _sell(self, amount: int, limit_price: Any, rate: int) -> SwapResult:
        s, l_int = self.sqrt_price_bits, self.liquidity
        if self.enforce_limits and self.tao_reserve < self.min_reserve_rao:
            return _rejected(self, "sell", amount, "ReservesTooLow", "alpha")
        limit = self._limit_sqrt(limit_price, _DEFAULT_MIN_PRICE)
        if not s > limit:
            return _rejected(self, "sell", amount, "PriceLimitExceeded", "alpha")
        l_fx = _fx_int(l_int)
        fee = _fee(amount, rate)
        possible = amount - fee
        target = 0
        if l_int:
            target = _fx_div(_FX_ONE, _fx_add(_fx_div(_fx_int(possible), l_fx), _fx_div(_FX_ONE, s)))
        edge = _V3_SQRT_MIN
        if target >= limit and target >= edge:
            final, delta = target, possible
        else:
            final = limit if limit >= edge else edge
            delta = _fx_to_u64(_fx_mul(l_fx, _fx_sub(_fx_div(_FX_ONE, final), _fx_div(_FX_ONE, s))))
            delta = min(delta, possible)
            fee = _fee_on_partial(delta, rate)
        out = _v3_tao_out(l_fx, s, delta)
        if delta > 0 and out == 0:
            return _rejected(self, "sell", amount, "ReservesTooLow", "alpha")
        if out > self.tao_reserve:  # payout == reserve is allowed (impls.rs L173 at 14bc6f9f)
            return _rejected(self, "sell", amount, "InsufficientLiquidity", "alpha")
        fees_alpha = self.fees_alpha + fee if self.fee_destination == "liquidity_providers" else self.fees_alpha
        pool = _evolve(self, tao_reserve=self.tao_reserve - out, alpha_reserve=self.alpha_reserve + delta,
                       sqrt_price_bits=max(final, 1), fees_alpha=fees_alpha)
        return SwapResult(side="sell", amount_in=amount, net_in=delta, fee=fee, amount_out=out, pool=pool,
                          price_before=self.price, fee_token="alpha", refund=amount - delta - fee)

    def inject(self, tao: int, alpha: int, *, proportional: bool = False) -> Injection:
        """Add emission ``(τ_in, α_in)`` to the protocol position (``adjust_protocol_liquidity``, spec §4.2).

        The position's token amounts at the current √p plus what is added give
        ``L' = floor(√(T'·A'))``; liquidity only grows (``L += max(L' − L, 0)``); √p is unchanged.
        Full-range bounds use ``1.0001^(±443636/2)``. What is added:

        * ``proportional=False`` (v3.2.4 – v3.2.9, ``impls.rs`` v3.2.9-326 L359-407): the injection and
          the accrued fees, all of them;
        * ``proportional=True`` (v3.2.10 – v3.4.7, v3.2.12-342 L152-214): injection + fees + scrap
          reservoirs ``(τ, α)`` split by ``get_proportional_alpha_tao_and_remainders`` (L116-149) at
          ``p = (√p)²`` (U64F64): ``τ_eq = ⌊α·p⌋``; if ``τ_eq ≤ τ`` add ``(τ_eq, α)``, else
          ``(τ, ⌊τ/p⌋)``; the rest is kept in :attr:`scrap_tao` / :attr:`scrap_alpha`.

        The accrued fees are folded in; :attr:`tao_reserve` / :attr:`alpha_reserve` grow by what the
        position took. (Through v3.2.3 the fees were never collected: inject with ``fees_tao`` and
        ``fees_alpha`` left aside.)
        """
        dt = _trade("tao", tao, self.tao_reserve + self.fees_tao, "TAO")
        da = _trade("alpha", alpha, self.alpha_reserve + self.fees_alpha, "alpha")
        proportional = check_bool("proportional", proportional)
        s, l_fx = self.sqrt_price_bits, _fx_int(self.liquidity)
        add_t, add_a = dt + self.fees_tao, da + self.fees_alpha
        scrap_t, scrap_a = self.scrap_tao, self.scrap_alpha
        if proportional:
            pend_t, pend_a = add_t + scrap_t, add_a + scrap_a
            price = _fx_mul(s, s)
            t_eq = _fx_to_u64(_fx_mul(_fx_int(pend_a), price))
            if t_eq <= pend_t:
                add_t, add_a = t_eq, pend_a
            else:
                add_t, add_a = pend_t, min(_fx_to_u64(_fx_div(_fx_int(pend_t), price)), pend_a)
            scrap_t, scrap_a = pend_t - add_t, pend_a - add_a
        pos_tao = _fx_to_u64(_fx_mul(l_fx, _fx_sub(s, _V3_SQRT_MIN)))
        pos_alpha = _fx_to_u64(_fx_mul(l_fx, _fx_sub(_fx_div(_FX_ONE, s), _fx_div(_FX_ONE, _V3_SQRT_MAX))))
        new_l = min(math.isqrt((pos_tao + add_t) * (pos_alpha + add_a)), _U64_MAX)
        liquidity = self.liquidity + max(new_l - self.liquidity, 0)
        pool = _evolve(self, tao_reserve=self.tao_reserve + add_t, alpha_reserve=self.alpha_reserve + add_a,
                       liquidity=min(liquidity, _U64_MAX), fees_tao=0, fees_alpha=0, scrap_tao=scrap_t,
                       scrap_alpha=scrap_a)
        return Injection(pool=pool, tao_added=add_t, alpha_added=add_a)


# ---------------------------------------------------------------------------------------------
# Balancer (weighted) pool (spec §4.3)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Injection:
    """Result of adding emission to a pool (``adjust_protocol_liquidity``).

    Attribute access falls through to :attr:`pool`, so ``pool.inject(t, a).price`` works like the
    new pool's price.

    Attributes
    ----------
    pool
        The pool after the injection (unchanged if rejected).
    tao_added, alpha_added
        What was actually added to the reserves (0/0 if rejected).
    rejected
        ``None``, or why the chain refused (Balancer: new weights outside [0.01, 0.99]).
    """

    pool: Any
    tao_added: int
    alpha_added: int
    rejected: str | None = None

    @property
    def ok(self) -> bool:
        """True if the injection was applied."""
        return self.rejected is None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "pool":
            raise AttributeError(name)
        return getattr(self.pool, name)


@dataclass(frozen=True)
class BalancerPool:
    """The weighted pool of the swap pallet (spec §4.3; v3.3.10 and v3.4.8 → HEAD).

    Parameters
    ----------
    tao_reserve, alpha_reserve
        Reserves ``y`` and ``x`` in rao: ``y`` an integer ≥ 1, ``x`` an integer ≥ 0. ``x = 0`` is the
        chain's "broken" pool (Rust test ``test_adjust_protocol_liquidity_zero_alpha``): its price is 0
        (``current_price`` returns 0 for an empty alpha reserve), buys are refused (``ReservesTooLow``,
        or ``InputTooLarge`` first for a net input above 1000·y), sells are refused (``InputTooLarge``:
        the net input may not exceed 1000·0; without ``enforce_limits`` ``PriceLimitExceeded``, a
        price of 0 is never above the sell limit), and an injection can only add TAO (see
        :meth:`inject`).
    quote_weight
        TAO weight ``w2`` (alpha weight ``w1 = 1 − w2``), stored as Perquintill parts (1e-18
        resolution, rounded down). Floats are read through their shortest decimal form (``0.1`` is
        exactly 1e17 parts); pass a ``Fraction`` to give parts exactly. After construction the
        attribute is the exact ``Fraction(parts, 10**18)``.
    fee_rate_u16
        Swap fee rate /65535 (33 on mainnet). Fees leave the pool for the block author.
    enforce_limits
        The chain's guards: weights within [0.01, 0.99], output reserve ≥ 1e6 rao before a swap, net
        input ≤ 1000 × the input reserve. ``False`` allows tiny textbook pools and any weight in (0, 1).

    Examples
    --------
    >>> pool = BalancerPool(1_000_000_000, 4_000_000_000)
    >>> pool.price
    0.25
    >>> r = pool.buy_alpha(123_456)
    >>> r.fee, r.net_in, r.amount_out
    (62, 123394, 493515)
    >>> inj = pool.inject(1_000_000_000, 0)       # TAO only: the weight moves, the price does not
    >>> float(inj.quote_weight), inj.price
    (0.6666666666666666, 0.25)
    """

    tao_reserve: int
    alpha_reserve: int
    quote_weight: Any = Fraction(1, 2)
    fee_rate_u16: int = SWAP_FEE_U16
    enforce_limits: bool = True
    min_reserve_rao: int = SWAP_MIN_RESERVE_RAO
    kind: Literal["balancer"] = field(default="balancer", init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tao_reserve", _reserve("tao_reserve", self.tao_reserve))
        object.__setattr__(self, "alpha_reserve", _reserve("alpha_reserve", self.alpha_reserve, lo=0))
        object.__setattr__(self, "fee_rate_u16", _fee_rate(self.fee_rate_u16))
        object.__setattr__(self, "min_reserve_rao", _rao("min_reserve_rao", self.min_reserve_rao))
        object.__setattr__(self, "enforce_limits", check_bool("enforce_limits", self.enforce_limits))
        lo, hi = (_MIN_WEIGHT_PARTS, PERQUINTILL - _MIN_WEIGHT_PARTS) if self.enforce_limits else (1, PERQUINTILL - 1)
        parts = _weight_parts("quote_weight", self.quote_weight, lo=lo, hi=hi)
        object.__setattr__(self, "quote_weight", Fraction(parts, PERQUINTILL))
        _check_price_cap("price", self.price_bits)

    # -- weights and price ------------------------------------------------------------------
    @property
    def quote_weight_parts(self) -> int:
        """``w2`` in Perquintill parts (the stored integer)."""
        return self.quote_weight.numerator * (PERQUINTILL // self.quote_weight.denominator)

    @property
    def base_weight(self) -> Fraction:
        """``w1 = 1 − w2``, the alpha weight."""
        return 1 - self.quote_weight

    @property
    def price_bits(self) -> int:
        """Spot price as U64F64 bits (the chain's ``calculate_price``)."""
        return _calc_price_bits(self.quote_weight_parts, self.alpha_reserve, self.tao_reserve)

    @property
    def price(self) -> float:
        """Spot price ``(w1/w2)·(y/x)`` in TAO per alpha, as the chain computes it (U64F64)."""
        return _fx_to_float(self.price_bits)

    @property
    def price_exact(self) -> Fraction:
        """Spot price as an exact rational ``(w1·y)/(w2·x)`` (0 for an empty alpha reserve, as on chain)."""
        w2 = self.quote_weight_parts
        if self.alpha_reserve == 0:
            return Fraction(0)
        return Fraction((PERQUINTILL - w2) * self.tao_reserve, w2 * self.alpha_reserve)

    @classmethod
    def from_price(cls, tao_reserve: int, alpha_reserve: int, price: Any, **kwargs: Any) -> BalancerPool:
        """A pool whose weights reproduce ``price``: ``w2 = y / (p·x + y)`` (v3 → Balancer migration, spec §4.3).

        Computed as ``maybe_initialize_palswap`` does: ``p·x`` split into ``floor(p)·x`` plus
        ``floor(x·frac(p))`` in U64F64, then ``w2`` rounded down to the Perquintill grid. An empty
        alpha reserve is refused: it gives ``w2 = 1``, which the chain rejects
        (``ReservesOutOfBalance``).
        """
        y = _reserve("tao_reserve", tao_reserve)
        if not isinstance(alpha_reserve, bool) and isinstance(alpha_reserve, numbers.Integral) and alpha_reserve == 0:
            raise ValueError("alpha_reserve must be an integer in [1, 21e15] rao for from_price: with no alpha the "
                             "weight y/(p·x + y) is 1, outside [0.01, 0.99] (the chain's ReservesOutOfBalance), got 0")
        x = _reserve("alpha_reserve", alpha_reserve)
        p = _positive_price("price", price)
        px = (p >> 64) * x + _fx_to_u64(_fx_mul(_fx_int(x), p & (_FX_ONE - 1)))
        w2 = (y * PERQUINTILL) // (px + y)
        return cls(y, x, quote_weight=Fraction(w2, PERQUINTILL), **kwargs)

    # -- swaps ------------------------------------------------------------------------------
    def _guard(self, side: Literal["buy", "sell"], amount: int, net: int) -> str | None:
        if not self.enforce_limits:
            return None
        reserve_out = self.alpha_reserve if side == "buy" else self.tao_reserve
        reserve_in = self.tao_reserve if side == "buy" else self.alpha_reserve
        # do_swap checks the input limit before swap_inner checks the output reserve (impls.rs @63369449)
        if net > BALANCER_MAX_INPUT_MULTIPLE * reserve_in:
            return "InputTooLarge"
        if reserve_out < self.min_reserve_rao:
            return "ReservesTooLow"
        return None

    def buy_alpha(self, tao_in: int, *, limit_price: Any = None, author_fee_swap: bool = False) -> SwapResult:
        """Buy alpha with ``tao_in`` rao: fee first, then ``α_out = x·(1 − (y/(y+Δy))^(w2/w1))``.

        The TAO fee goes to the block author (it does not enter the pool). ``limit_price`` (TAO per
        alpha) caps the post-trade price: the net input is cut to ``y·((p'/p)^w1 − 1)``, the fee
        recomputed on it and the rest refunded. ``author_fee_swap`` has no effect on buys.
        """
        amount = _trade("tao_in", tao_in, self.tao_reserve, "TAO")
        w2, x, y, rate = self.quote_weight_parts, self.alpha_reserve, self.tao_reserve, self.fee_rate_u16
        fee = _fee(amount, rate)
        net = amount - fee
        reason = self._guard("buy", amount, net)
        if reason:
            return _rejected(self, "buy", amount, reason, "tao")
        cur = self.price_bits
        out = _bal_alpha_out(w2, x, y, net)
        limit = _DEFAULT_MAX_PRICE if limit_price is None else _limit_price(limit_price)
        if not cur < limit:
            return _rejected(self, "buy", amount, "PriceLimitExceeded", "tao")
        target = _calc_price_bits(w2, max(x - out, 0), y + net)
        if target > limit:
            net = min(_delta_to_price(PERQUINTILL - w2, limit, cur, y), net)
            fee = _fee_on_partial(net, rate)
            out = _bal_alpha_out(w2, x, y, net)
        if net > 0 and out == 0:
            return _rejected(self, "buy", amount, "ReservesTooLow", "tao")
        if out > x:  # payout == reserve is allowed (impls.rs L173 at 14bc6f9f)
            return _rejected(self, "buy", amount, "InsufficientLiquidity", "tao")
        pool = _evolve(self, tao_reserve=y + net, alpha_reserve=x - out)
        return SwapResult(side="buy", amount_in=amount, net_in=net, fee=fee, amount_out=out, pool=pool,
                          price_before=_fx_to_float(cur), fee_token="tao", refund=amount - net - fee)

    def sell_alpha(self, alpha_in: int, *, limit_price: Any = None, author_fee_swap: bool = False) -> SwapResult:
        """Sell ``alpha_in`` rao: fee first (in alpha), then ``τ_out = y·(1 − (x/(x+Δx))^(w1/w2))``.

        The result is the swap pallet's: the pool gains the net alpha and pays ``amount_out``; the
        alpha fee leaves the pool. On chain (``unstake_from_subnet``) that fee alpha is then sold
        fee-free into the same pool for the block author, or burned if there is no author: pass
        ``author_fee_swap=True`` to apply that second swap to the returned pool (its TAO is
        ``fee_tao_to_author``; if it cannot execute, the fee is treated as burned). ``limit_price``
        floors the post-trade price as for :meth:`buy_alpha`.
        """
        amount = _trade("alpha_in", alpha_in, self.alpha_reserve, "alpha")
        res = self._sell(amount, limit_price, self.fee_rate_u16)
        if not res.ok or not author_fee_swap or res.fee == 0:
            return res
        author = res.pool._sell(res.fee, None, 0)
        if not author.ok:
            return res
        return replace(res, pool=author.pool, fee_tao_to_author=author.amount_out)

    def _sell(self, amount: int, limit_price: Any, rate: int) -> SwapResult:
        w2, x, y = self.quote_weight_parts, self.alpha_reserve, self.tao_reserve
        fee = _fee(amount, rate)
        net = amount - fee
        reason = self._guard("sell", amount, net)
        if reason:
            return _rejected(self, "sell", amount, reason, "alpha")
        cur = self.price_bits
        out = _bal_tao_out(w2, x, y, net)
        limit = _DEFAULT_MIN_PRICE if limit_price is None else _limit_price(limit_price)
        if not cur > limit:
            return _rejected(self, "sell", amount, "PriceLimitExceeded", "alpha")
        target = _calc_price_bits(w2, x + net, max(y - out, 0))
        if target < limit:
            net = min(_delta_to_price(w2, cur, limit, x), net)
            fee = _fee_on_partial(net, rate)
            out = _bal_tao_out(w2, x, y, net)
        if net > 0 and out == 0:
            return _rejected(self, "sell", amount, "ReservesTooLow", "alpha")
        if out > y:  # payout == reserve is allowed (impls.rs L173 at 14bc6f9f)
            return _rejected(self, "sell", amount, "InsufficientLiquidity", "alpha")
        pool = _evolve(self, tao_reserve=y - out, alpha_reserve=x + net)
        return SwapResult(side="sell", amount_in=amount, net_in=net, fee=fee, amount_out=out, pool=pool,
                          price_before=_fx_to_float(cur), fee_token="alpha", refund=amount - net - fee)

    # -- limit-order helpers ------------------------------------------------------------------
    def tao_to_reach_price(self, price: Any) -> int:
        """Net TAO (before fee) a buy needs to lift the spot price to ``price``: ``y·((p'/p)^w1 − 1)``.

        0 if ``price`` is not above the spot price.
        """
        tgt = _positive_price("price", price)
        return _delta_to_price(PERQUINTILL - self.quote_weight_parts, tgt, self.price_bits, self.tao_reserve)

    def alpha_to_reach_price(self, price: Any) -> int:
        """Net alpha (before fee) a sell needs to push the spot price down to ``price``: ``x·((p/p')^w2 − 1)``."""
        tgt = _positive_price("price", price)
        return _delta_to_price(self.quote_weight_parts, self.price_bits, tgt, self.alpha_reserve)

    def alpha_needed_for_tao(self, tao_out: int) -> int:
        """Net alpha whose sale pays ``tao_out`` TAO: ``x·((y/(y − Δy))^(w2/w1) − 1)`` (0 if ``tao_out ≥ y``)."""
        dy = _rao("tao_out", tao_out)
        return _alpha_needed(self.quote_weight_parts, self.tao_reserve, self.alpha_reserve, dy)

    # -- emission -------------------------------------------------------------------------------
    def inject(self, tao: int, alpha: int) -> Injection:
        """Add emission ``(τ_in, α_in)`` to the reserves, changing the weights so the price stays (spec §3.4, §4.3).

        If the new TAO weight would leave [0.01, 0.99] (with ``enforce_limits``; (0, 1) without) the
        chain adds nothing (``adjust_protocol_liquidity`` returns 0/0): the returned
        :class:`Injection` then has ``rejected`` set and the unchanged pool.

        On a pool with an empty alpha reserve (price 0) the weight formula has no price to keep:
        with ``Δx = 0`` both of its products are 0 and the chain sets ``w2 = 1/2`` (whatever the
        weight was); with ``Δx > 0`` it gives ``w2 = 0``, which is out of range, so alpha cannot be
        injected into such a pool, except in dust pools where ``w1·y·Δx < 1/2`` rao², whose product
        rounds to 0 so that ``w2`` is reset to 1/2 again (``update_weights_for_added_liquidity``,
        balancer.rs; Rust test ``test_adjust_protocol_liquidity_zero_alpha`` @71ddeedc; reference §4.3).
        """
        dt = _trade("tao", tao, self.tao_reserve, "TAO")
        da = _trade("alpha", alpha, self.alpha_reserve, "alpha")
        w2 = _new_quote_weight(self.quote_weight_parts, self.tao_reserve, self.alpha_reserve, dt, da)
        lo, hi = (_MIN_WEIGHT_PARTS, PERQUINTILL - _MIN_WEIGHT_PARTS) if self.enforce_limits else (1, PERQUINTILL - 1)
        if not lo <= w2 <= hi:
            return Injection(pool=self, tao_added=0, alpha_added=0, rejected="WeightOutOfRange")
        pool = _evolve(self, tao_reserve=self.tao_reserve + dt, alpha_reserve=self.alpha_reserve + da,
                       quote_weight=Fraction(w2, PERQUINTILL))
        return Injection(pool=pool, tao_added=dt, alpha_added=da)


# ---------------------------------------------------------------------------------------------
# Injection with reservoirs (addendum §A4; spec 435+ [G], code @63369449)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProtocolLiquidity:
    """Result of :func:`adjust_protocol_liquidity`.

    Attributes
    ----------
    pool
        The pool after adding the price-active amounts (same price, new weights).
    tao_active, alpha_active
        What entered the reserves this block (``τ*``, ``α*``).
    tao_reservoir, alpha_reservoir
        What waits in ``BalancerTaoReservoir`` / ``BalancerAlphaReservoir`` afterwards.
    """

    pool: BalancerPool
    tao_active: int
    alpha_active: int
    tao_reservoir: int
    alpha_reservoir: int

    @property
    def pending(self) -> tuple[int, int]:
        """``(τ* + τ reservoir, α* + α reservoir)``: equals the pending amounts before the call."""
        return self.tao_active + self.tao_reservoir, self.alpha_active + self.alpha_reservoir


def adjust_protocol_liquidity(pool: BalancerPool, tao: int, alpha: int, *, tao_reservoir: int = 0,
                              alpha_reservoir: int = 0) -> ProtocolLiquidity:
    """Add a block's injection to a Balancer pool through the reservoirs (addendum §A4; vectors RSV-*).

    With ``pending_τ = tao_reservoir + tao`` and ``pending_α = alpha_reservoir + alpha`` the swap
    pallet (``impls.rs::adjust_protocol_liquidity`` @63369449) tries the price-keeping weight
    update (:meth:`BalancerPool.inject`) with

    1. ``(pending_τ, pending_α)``; if that fails
    2. ``(0, pending_α)`` — the TAO stays in the reservoir; if that fails
    3. ``(pending_τ, 0)`` — the alpha stays in the reservoir; otherwise
    4. nothing: both wait in the reservoirs.

    An update fails when the new quote weight ``w' = (y+Δy)/(p·(x+Δx) + (y+Δy))`` leaves
    [0.01, 0.99] (:data:`dtao_lib.params.BALANCER_MIN_WEIGHT`, ``BALANCER_MAX_WEIGHT``; with
    ``enforce_limits=False`` the open interval (0, 1)) or a reserve would overflow u64. Accepted
    amounts clear their reservoir. The spot price never moves (up to the Perquintill rounding of
    the weight). On chain all of ``tao`` is already in the subnet account and all of ``alpha``
    minted; the reservoirs hold what is not yet price-active.

    A pool with no alpha (price 0) accepts TAO only: the TAO becomes active, ``w2`` is reset to 1/2
    and all pending alpha waits in the reservoir, block after block (Rust test
    ``test_adjust_protocol_liquidity_zero_alpha`` @71ddeedc asserts the 1/2; it then sets the
    reserves to ``(y + Δy, x + Δx)`` itself, which is how its price becomes ``(y + Δy)/(x + Δx)``).

    Parameters
    ----------
    pool
        The subnet's :class:`BalancerPool`.
    tao, alpha
        This block's ``τ_in`` and ``α_in`` (rao).
    tao_reservoir, alpha_reservoir
        ``BalancerTaoReservoir`` and ``BalancerAlphaReservoir`` before the block (rao).

    Returns
    -------
    ProtocolLiquidity
        ``.pool``, ``.tao_active``, ``.alpha_active``, ``.tao_reservoir``, ``.alpha_reservoir``.

    Examples
    --------
    >>> r = adjust_protocol_liquidity(BalancerPool(1_000, 1_000), 200_000, 1_000)   # vector RSV-01
    >>> r.tao_active, r.alpha_active, r.tao_reservoir, r.alpha_reservoir
    (0, 1000, 200000, 0)
    """
    if not isinstance(pool, BalancerPool):
        raise TypeError(f"pool must be a BalancerPool (reservoirs belong to the Balancer pallet), "
                        f"got {type(pool).__name__}")
    pending_tao = _rao("tao", tao) + _rao("tao_reservoir", tao_reservoir)
    pending_alpha = _rao("alpha", alpha) + _rao("alpha_reservoir", alpha_reservoir)
    for dt, da in ((pending_tao, pending_alpha), (0, pending_alpha), (pending_tao, 0)):
        inj = pool.inject(dt, da)
        if inj.ok:
            return ProtocolLiquidity(inj.pool, dt, da, pending_tao - dt, pending_alpha - da)
    return ProtocolLiquidity(pool, 0, 0, pending_tao, pending_alpha)


# ---------------------------------------------------------------------------------------------
# Era dispatch
# ---------------------------------------------------------------------------------------------
def pool_for(era: Any, tao_reserve: int, alpha_reserve: int, **kwargs: Any) -> Any:
    """The pool a subnet had in ``era`` (any name :func:`dtao_lib.params.era` accepts), spec §4 and §9.

    ``Era.pool`` selects the class: ``"constant_product"`` → :class:`ConstantProductPool`,
    ``"uniswap_v3"`` → :class:`FullRangePool` (fee 196 before v3.2.2, 33 after; fees to liquidity
    providers until v3.3.9, to the block author after), ``"balancer"`` → :class:`BalancerPool`
    (fee 33, equal weights unless ``quote_weight=`` is given). Extra keyword arguments go to the
    constructor.

    Raises
    ------
    ValueError
        For a pre-dTAO era (no subnet pools).

    Examples
    --------
    >>> type(pool_for("v2.0.0", 10**9, 10**9)).__name__, type(pool_for("head", 10**9, 10**9)).__name__
    ('ConstantProductPool', 'BalancerPool')
    >>> pool_for("2025-07-01", 10**9, 10**9).fee_rate_u16
    196
    """
    e = _resolve_era(era)
    if e.pool == "constant_product":
        return ConstantProductPool(tao_reserve, alpha_reserve, **kwargs)
    if e.pool == "uniswap_v3":
        opts: dict[str, Any] = {
            "fee_rate_u16": e.swap_fee_u16 if e.swap_fee_u16 is not None else SWAP_FEE_U16,
            "fee_destination": "liquidity_providers" if e.fee_destination == "liquidity_providers" else "block_author",
        }
        opts.update(kwargs)
        return FullRangePool(tao_reserve, alpha_reserve, **opts)
    if e.pool == "balancer":
        opts = {"fee_rate_u16": e.swap_fee_u16 if e.swap_fee_u16 is not None else SWAP_FEE_U16}
        opts.update(kwargs)
        return BalancerPool(tao_reserve, alpha_reserve, **opts)
    raise ValueError(f"era {e.tag!r} has no subnet pools (pool kind {e.pool!r}); dTAO pools start at v2.0.0")


# ---------------------------------------------------------------------------------------------
# Vectorised helpers for the network simulator (float64 approximations)
# ---------------------------------------------------------------------------------------------
class ArraySwap(NamedTuple):
    """Element-wise swap outcome over arrays of pools (all float64 arrays of the same shape).

    ``ok`` is a boolean mask; where it is False the swap was rejected: output and fee are 0 and the
    reserves are returned unchanged.
    """

    amount_out: np.ndarray
    fee: np.ndarray
    tao_reserve: np.ndarray
    alpha_reserve: np.ndarray
    ok: np.ndarray


_ARRAY_BOUNDS = {
    "tao_reserve": (0.0, float(MAX_RESERVE_RAO), True),
    "alpha_reserve": (0.0, float(MAX_RESERVE_RAO), True),
    "tao_in": (0.0, float(MAX_RESERVE_RAO), False),
    "alpha_in": (0.0, float(MAX_RESERVE_RAO), False),
    "quote_weight": (0.0, 1.0, True),
}


def _arrays(**named: Any) -> list[np.ndarray]:
    """Check the array arguments: bounds per name, and one common shape (scalars are repeated).

    Arrays of different shapes are rejected rather than broadcast (a (3,) and a (3, 1) array would
    otherwise silently give a 3×3 result).
    """
    arrs = []
    for name, v in named.items():
        lo, hi, lo_open = _ARRAY_BOUNDS[name]
        arrs.append(check_array(name, v, ndim=None, lo=lo, hi=hi, lo_open=lo_open, hi_open=name == "quote_weight"))
    shapes = {a.shape for a in arrs if a.ndim > 0}
    if len(shapes) > 1:
        listed = ", ".join(f"{n} {a.shape}" for n, a in zip(named, arrs, strict=True))
        raise ValueError(f"{', '.join(named)} must have the same shape (or be scalars), got {listed}")
    return list(np.broadcast_arrays(*arrs))


def _array_fee(name: str, value: Any) -> float:
    return check_real(name, value, lo=0.0, hi=float(_U64_MAX))


def cp_buy_array(tao_reserve: Any, alpha_reserve: Any, tao_in: Any, *, staking_fee_rao: float = V2_STAKING_FEE_RAO,
                 min_liquidity_rao: float = V2_MIN_POOL_LIQUIDITY_RAO) -> ArraySwap:
    """:meth:`ConstantProductPool.buy_alpha` over arrays (float64; arrays of one shape, scalars repeated).

    ``α_out = floor(A − A·T/(T + ΔT))`` with ``ΔT = max(tao_in − fee, 0)``. Float64 carries ~16
    significant digits, so outputs can differ from the exact integer version by a rao or so for
    reserves above ~1e15 rao. Reserves must be > 0.
    """
    t, a, d = _arrays(tao_reserve=tao_reserve, alpha_reserve=alpha_reserve, tao_in=tao_in)
    staking_fee_rao = _array_fee("staking_fee_rao", staking_fee_rao)
    min_liquidity_rao = _array_fee("min_liquidity_rao", min_liquidity_rao)
    net = np.maximum(d - staking_fee_rao, 0.0)
    fee = d - net
    new_a = a * t / (t + net)
    ok = new_a >= min_liquidity_rao
    out = np.where(ok, np.maximum(np.floor(a - new_a), 0.0), 0.0)  # float rounding can make a − new_a < 0
    ok &= out < a
    out = np.where(ok, out, 0.0)
    fee = np.where(ok, fee, 0.0)
    return ArraySwap(out, fee, np.where(ok, t + d, t), np.where(ok, a - out, a), ok)


def cp_sell_array(tao_reserve: Any, alpha_reserve: Any, alpha_in: Any, *, staking_fee_rao: float = V2_STAKING_FEE_RAO,
                  min_liquidity_rao: float = V2_MIN_POOL_LIQUIDITY_RAO) -> ArraySwap:
    """:meth:`ConstantProductPool.sell_alpha` over arrays (float64; arrays of one shape, scalars repeated).

    ``τ_gross = floor(T − T·A/(A + ΔA))``; the trader gets ``τ_gross − fee`` and the fee stays in the pool.
    """
    t, a, d = _arrays(tao_reserve=tao_reserve, alpha_reserve=alpha_reserve, alpha_in=alpha_in)
    staking_fee_rao = _array_fee("staking_fee_rao", staking_fee_rao)
    min_liquidity_rao = _array_fee("min_liquidity_rao", min_liquidity_rao)
    new_t = t * a / (a + d)
    ok = new_t >= min_liquidity_rao
    gross = np.where(ok, np.maximum(np.floor(t - new_t), 0.0), 0.0)
    ok &= gross < t
    gross = np.where(ok, gross, 0.0)
    out = np.maximum(gross - staking_fee_rao, 0.0)
    fee = gross - out
    return ArraySwap(out, fee, np.where(ok, t - out, t), np.where(ok, a + d, a), ok)


def _fee_array(amount: np.ndarray, fee_rate_u16: int) -> np.ndarray:
    return np.floor(amount * (_fee_rate(fee_rate_u16) / U16_MAX))


def balancer_buy_array(tao_reserve: Any, alpha_reserve: Any, tao_in: Any, quote_weight: Any = 0.5, *,
                       fee_rate_u16: int = SWAP_FEE_U16, min_reserve_rao: float = SWAP_MIN_RESERVE_RAO) -> ArraySwap:
    """:meth:`BalancerPool.buy_alpha` over arrays (float64; arrays of one shape, scalars repeated).

    ``α_out = floor(x·(1 − (y/(y + Δy))^(w2/w1)))`` evaluated as ``−x·expm1(−(w2/w1)·log1p(Δy/y))``
    for accuracy; ``Δy = tao_in − floor(tao_in·rate/65535)``. The fee leaves the pool. Guards: output
    reserve ≥ ``min_reserve_rao`` and net input ≤ 1000 × ``y``. Accurate to about a rao.
    """
    t, a, d, w = _arrays(tao_reserve=tao_reserve, alpha_reserve=alpha_reserve, tao_in=tao_in, quote_weight=quote_weight)
    min_reserve_rao = _array_fee("min_reserve_rao", min_reserve_rao)
    fee = _fee_array(d, fee_rate_u16)
    net = d - fee
    out = np.maximum(np.floor(-a * np.expm1(-(w / (1.0 - w)) * np.log1p(net / t))), 0.0)
    ok = (a >= min_reserve_rao) & (net <= BALANCER_MAX_INPUT_MULTIPLE * t) & (out < a) & ((out > 0) | (net == 0))
    out = np.where(ok, out, 0.0)
    fee = np.where(ok, fee, 0.0)
    return ArraySwap(out, fee, np.where(ok, t + net, t), np.where(ok, a - out, a), ok)


def balancer_sell_array(tao_reserve: Any, alpha_reserve: Any, alpha_in: Any, quote_weight: Any = 0.5, *,
                        fee_rate_u16: int = SWAP_FEE_U16, min_reserve_rao: float = SWAP_MIN_RESERVE_RAO) -> ArraySwap:
    """:meth:`BalancerPool.sell_alpha` over arrays (float64; pallet semantics: the alpha fee leaves the pool).

    ``τ_out = floor(y·(1 − (x/(x + Δx))^(w1/w2)))``, ``Δx = alpha_in − fee``.
    """
    t, a, d, w = _arrays(tao_reserve=tao_reserve, alpha_reserve=alpha_reserve, alpha_in=alpha_in,
                         quote_weight=quote_weight)
    min_reserve_rao = _array_fee("min_reserve_rao", min_reserve_rao)
    fee = _fee_array(d, fee_rate_u16)
    net = d - fee
    out = np.maximum(np.floor(-t * np.expm1(-((1.0 - w) / w) * np.log1p(net / a))), 0.0)
    ok = (t >= min_reserve_rao) & (net <= BALANCER_MAX_INPUT_MULTIPLE * a) & (out < t) & ((out > 0) | (net == 0))
    out = np.where(ok, out, 0.0)
    fee = np.where(ok, fee, 0.0)
    return ArraySwap(out, fee, np.where(ok, t - out, t), np.where(ok, a + net, a), ok)


# ---------------------------------------------------------------------------------------------
# Trade analysis: sequences of trades and the input that moves the price (spec §4)
# ---------------------------------------------------------------------------------------------
_SIDES = {"buy": "buy", "stake": "buy", "sell": "sell", "unstake": "sell"}


def _check_pool(pool: Any) -> Any:
    if not isinstance(pool, ConstantProductPool | FullRangePool | BalancerPool):
        raise TypeError(
            f"pool must be a ConstantProductPool, FullRangePool or BalancerPool, got {type(pool).__name__}"
        )
    return pool


def _target_price(name: str, value: Any) -> float:
    if isinstance(value, Fraction | Decimal):
        value = float(value)
    return check_real(name, value, lo=0.0, lo_open=True)


def _smallest_reaching(ok: Any, estimate: int, what: str) -> int:
    """Smallest integer ``n ≥ 1`` with ``ok(n)`` True, for a monotone ``ok``, searched near ``estimate``.

    ``ok(n)`` returns True (reached), False (not yet) or a string (the swap was rejected at ``n``).
    A bracket of relative width ~1e-6 around the estimate is widened 16-fold until it holds, then
    bisected (about 25 swaps when the closed-form estimate is good).
    """
    est = max(int(estimate), 1)
    step = max(est >> 20, 16)
    hi = est + step
    while True:
        if hi > _U64_MAX:
            raise ValueError(f"{what} is out of reach of this pool: more than u64::MAX rao would be needed")
        res = ok(hi)
        if res is True:
            break
        if isinstance(res, str) and res != "ReservesTooLow":  # too small a trade is also "ReservesTooLow"
            raise ValueError(f"{what} is out of reach of this pool: a trade of {hi} rao is rejected ({res})")
        step *= 16
        hi = est + step
    step = max(est >> 20, 16)
    lo = max(est - step, 0)
    while lo > 0 and ok(lo) is True:
        hi = lo
        step *= 16
        lo = max(est - step, 0)
    while hi - lo > 1:  # ok(lo) is not True (ok(0) is False: nothing traded, the price has not moved)
        mid = (lo + hi) // 2
        if ok(mid) is True:
            hi = mid
        else:
            lo = mid
    return hi


def _estimate(amount: float) -> int:
    """A closed-form trade size as a starting point, capped at the supply (inf for a price far away)."""
    return int(amount) if amount < MAX_RESERVE_RAO else MAX_RESERVE_RAO


def stake_to_reach_price(pool: Any, price: Any) -> int:
    """Smallest stake (gross TAO in rao, fee included) after which the spot price is at least ``price``.

    The answer is found on the pool's own swap arithmetic (so fees and rounding are those of the
    chain), starting from the closed forms of spec §4: net TAO ``T·(√(p'/p) − 1)`` for the
    constant-product and full-range pools, ``y·((p'/p)^w1 − 1)`` for the Balancer pool. Returns 0 if
    the spot price is already at least ``price``.

    Raises
    ------
    ValueError
        If ``price`` is not a finite number > 0, or if the stake needed would be rejected by the pool.

    Examples
    --------
    >>> pool = ConstantProductPool(10**12, 4 * 10**12)            # 1 000 TAO, 4 000 alpha: price 0.25
    >>> stake_to_reach_price(pool, 0.25 * 1.21)   # about T·(1.1 − 1): +21 % needs +10 % TAO
    100000025001
    """
    _check_pool(pool)
    target = _target_price("price", price)
    start = float(pool.price)
    if start >= target:
        return 0
    if start <= 0.0:  # a pool emptied of alpha (or of TAO): no stake moves its price
        raise ValueError(f"price {target!r} is out of reach of this pool: its spot price is 0 "
                         f"(tao_reserve={pool.tao_reserve}, alpha_reserve={pool.alpha_reserve})")

    def reached(n: int) -> bool | str:
        if n + pool.tao_reserve > MAX_RESERVE_RAO:
            return "SupplyCapExceeded"
        r = pool.buy_alpha(n)
        if not r.ok:
            return r.rejected or "rejected"
        return r.refund == 0 and float(r.pool.price) >= target

    if isinstance(pool, BalancerPool):
        net = pool.tao_reserve * ((target / start) ** float(pool.base_weight) - 1.0)
        gross = net * U16_MAX / (U16_MAX - pool.fee_rate_u16)
    elif isinstance(pool, FullRangePool):
        gross = pool.tao_reserve * (math.sqrt(target / start) - 1.0) * U16_MAX / (U16_MAX - pool.fee_rate_u16)
    else:
        gross = pool.tao_reserve * (math.sqrt(target / start) - 1.0) + pool.staking_fee_rao
    return _smallest_reaching(reached, _estimate(gross), f"price {target!r}")


def unstake_to_reach_price(pool: Any, price: Any) -> int:
    """Smallest unstake (alpha in rao, fee included) after which the spot price is at most ``price``.

    Closed-form starting points (spec §4): net alpha ``A·(√(p/p') − 1)`` for the constant-product
    and full-range pools, ``x·((p/p')^w2 − 1)`` for the Balancer pool; the answer is then found on the
    pool's own swap arithmetic. Returns 0 if the spot price is already at most ``price``.

    Raises
    ------
    ValueError
        If ``price`` is not a finite number > 0, or if the unstake needed would be rejected.

    Examples
    --------
    >>> pool = BalancerPool(10**12, 4 * 10**12)                   # equal weights: price 0.25
    >>> round(unstake_to_reach_price(pool, 0.25 / 1.21) / 4e12, 4)   # about 10 % of the alpha reserve
    0.1001
    """
    _check_pool(pool)
    target = _target_price("price", price)
    start = float(pool.price)
    if start <= target:
        return 0

    def reached(n: int) -> bool | str:
        if n + pool.alpha_reserve > MAX_RESERVE_RAO:
            return "SupplyCapExceeded"
        r = pool.sell_alpha(n)
        if not r.ok:
            return r.rejected or "rejected"
        return r.refund == 0 and float(r.pool.price) <= target

    if isinstance(pool, BalancerPool):
        net = pool.alpha_reserve * ((start / target) ** float(pool.quote_weight) - 1.0)
        gross = net * U16_MAX / (U16_MAX - pool.fee_rate_u16)
    elif isinstance(pool, FullRangePool):
        gross = pool.alpha_reserve * (math.sqrt(start / target) - 1.0) * U16_MAX / (U16_MAX - pool.fee_rate_u16)
    else:
        gross = pool.alpha_reserve * (math.sqrt(start / target) - 1.0)
    return _smallest_reaching(reached, _estimate(gross), f"price {target!r}")


def apply_trades(pool: Any, trades: Any, **kwargs: Any) -> list[SwapResult]:
    """Apply a sequence of trades, each on the pool the previous one left (spec §4).

    Parameters
    ----------
    pool
        A :class:`ConstantProductPool`, :class:`FullRangePool` or :class:`BalancerPool`.
    trades
        Iterable of ``(side, amount)`` pairs: ``side`` is ``"buy"``/``"stake"`` (``amount`` = TAO in,
        rao) or ``"sell"``/``"unstake"`` (``amount`` = alpha in, rao).
    **kwargs
        Passed to every swap (e.g. ``author_fee_swap=True`` for v3/Balancer sells).

    Returns
    -------
    list of SwapResult
        One per trade; a rejected trade leaves the pool unchanged for the next one. The final pool is
        ``results[-1].pool``.

    Examples
    --------
    >>> pool = ConstantProductPool(10**12, 4 * 10**12)
    >>> path = apply_trades(pool, [("stake", 10**11), ("unstake", 10**11)])
    >>> [round(r.price_after, 6) for r in path]
    [0.3025, 0.286524]
    """
    _check_pool(pool)
    try:
        items = list(trades)
    except TypeError:
        raise TypeError(f"trades must be an iterable of (side, amount) pairs, got {type(trades).__name__}") from None
    results: list[SwapResult] = []
    current = pool
    for i, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise TypeError(f"trades[{i}] must be a (side, amount) pair, got {item!r}")
        side, amount = item
        if side not in _SIDES:
            raise ValueError(f"trades[{i}] side must be one of {sorted(_SIDES)}, got {side!r}")
        amount = _rao(f"trades[{i}] amount", amount)
        res = current.buy_alpha(amount, **kwargs) if _SIDES[side] == "buy" else current.sell_alpha(amount, **kwargs)
        results.append(res)
        current = res.pool
    return results


def round_trip_after(pool: Any, tao_in: int, trades: Any = (), **kwargs: Any) -> RoundTrip:
    """Stake ``tao_in``, let other traders make ``trades``, then unstake all the alpha (spec §4).

    With no ``trades`` this is :func:`round_trip`. Otherwise the staker's TAO back depends on how
    the others moved the price in between: a staker holds alpha, not TAO, and bears its price risk.
    ``trades`` and ``**kwargs`` are as in :func:`apply_trades`. The returned :class:`RoundTrip`'s
    ``sell`` is the staker's unstake (made on the pool the others left).

    Examples
    --------
    >>> pool = ConstantProductPool(10**12, 4 * 10**12)
    >>> rt = round_trip_after(pool, 10**10, [("unstake", 4 * 10**11)])   # others sell 10 % of the alpha reserve
    >>> round(rt.loss_fraction, 3)
    0.174
    """
    _check_pool(pool)
    amount = _rao("tao_in", tao_in)
    buy = pool.buy_alpha(amount, **kwargs)
    if not buy.ok or buy.amount_out == 0:
        sell = _rejected(buy.pool, "sell", 0, buy.rejected or "NothingToSell", buy.fee_token)
        return RoundTrip(tao_in=amount, alpha=0, tao_out=0, buy=buy, sell=sell)
    path = apply_trades(buy.pool, trades, **kwargs)
    after = path[-1].pool if path else buy.pool
    sell = after.sell_alpha(buy.amount_out, **kwargs)
    return RoundTrip(tao_in=amount, alpha=buy.amount_out, tao_out=sell.amount_out, buy=buy, sell=sell)
