"""Yuma consensus epoch: classic Yuma (YC2) and Yuma 3 (spec §5).

Once per tempo a subnet turns the validators' weights into incentive (miners) and dividends
(validators). In the notation of the spec (``s`` stake weight, ``W`` weights, ``κ`` kappa)::

    s_i      = α_stake_i + γ·root_stake_i, zeroed below StakeThreshold, normalised      §5.1
    S_i      = s_i masked by inactivity and by the *stored* validator permit, normalised  §5.1
    W_ij     = stored u16 weights; rows without permit, self-weights, outdated entries
               dropped; row-normalised                                                  §5.1
    C_j      = stake-weighted κ-quantile of column j (mid-pivot partition search)          §5.2
    W̄_ij     = min(W_ij, C_j);   VT_i = Σ_j W̄_ij;   I = normalise(Σ_i W̄_ij·S_i)          §5.2
    W_b      = W + β·(W̄ − W)     (β = bonds penalty)                                      §5.3

    classic Yuma (YC2, §5.3)                      Yuma 3 (§5.4)
    B   = colnorm(stored bonds)                   B    = stored bonds / 65535
    ΔB  = colnorm(W_b ∘ S)                        a_ij = liquid-alpha sigmoid (or 1 − bma/1e6)
    B'  = colnorm(a·ΔB + (1 − a)·B)               B'   = min(1, (1 − a)·B + a·W_b)
    D   = normalise(B'·I)                         D    = normalise(S ∘ (colnorm(B')·I))
    stored: ⌊colmax-upscale(B')·65535⌋            stored: ⌊B'·65535⌋

    server_i    = ⌊I_i / (ΣI + ΣD) · E⌋,   validator_i = ⌊D_i / (ΣI + ΣD) · E⌋          §5.5
    (if ΣI + ΣD = 0: validator emission ∝ S, or ∝ s when S is all zero)

with ``a = 1 − BondsMovingAverage/1e6`` and new validator permits = top-``k`` UIDs by ``s``
among non-zero stakes (ties broken by a stable ascending sort, §5.1).

Fixed-point emulation (spec §8)
-------------------------------
The chain does every step of the epoch in ``I32F32`` (32 fractional bits) with *truncating*
arithmetic: a product keeps ``⌊a·b·2^32⌋/2^32``, a quotient ``⌊a/b·2^32⌋/2^32`` (non-negative
operands), u16 storage is ``⌊x·65535⌋``, and rao amounts are ``⌊x·E⌋``. With ``fixed=True`` (the
default of :func:`epoch` and :func:`run_epochs`) every value is held as the integer ``x·2^32``
and each chain operation is reproduced exactly, in the chain's order:

* stake is normalised in I64F64 and narrowed, i.e. ``⌊s_i·2^32/Σs⌋`` exactly (§8) — this is why a
  0.1 share of 10⁹ rao pays 99 999 999 (YC-11);
* weights are row-normalised from u16, ``⌊w·2^32/Σw⌋``; bonds are read back from u16 (YC2:
  ``⌊b·2^32/Σb⌋`` per column; Yuma 3: ``⌊b·2^32/65535⌋``);
* κ, β, alpha_low/high are ``⌊u16·2^32/65535⌋``; ``a = 1 − ⌊bma·2^32/10^6⌋/2^32``;
* the liquid-alpha ``exp`` reproduces the chain's 30-term Taylor series (an overflow yields 0,
  as ``safe_exp`` does);
* ``set_weights`` max-upscales each submitted row with the chain's rounding (§5.1).

``fixed=False`` runs the same formulas in float64, a readable reference. On ordinary inputs the two
agree to about 1e-9 within an epoch; stored u16 bonds differ by ±1 and, over many epochs, the
chain's truncation drifts them down by about one u16 per epoch (YC-02 / ``test_bonds``); very small
weights or stakes (≈ 2^-32 relative) lose precision on chain, and the emulation reproduces that.
Vectors: YC-01 (κ-quantile), YC-02 (YC2 bonds), YC-03…08 (Yuma-3 dividends), YC-09 (EMA clamp),
YC-11 (stake fallback) — all reproduced exactly or within their tolerance by ``fixed=True``.

Sparse vs dense (spec §5.4)
---------------------------
Production runs the *sparse* epoch. It differs from the dense test path in one place: with
liquid alpha on, the Yuma-3 bond update only emits entries present in the current bond-weight
row, so a bond whose weight entry is absent is dropped at once instead of decaying. An entry is
absent when the validator did not submit that UID, when bonds penalty 1 clips a positive weight
to a consensus of 0, or when a bonds penalty strictly between 0 and 1 interpolates to 0.
Explicitly submitted zero weights are kept. ``sparse=True`` (default) reproduces production;
``sparse=False`` the dense path (which also masks the owner's self-weight). By default every
entry of a non-zero weight row counts as submitted (``set_weights`` over all UIDs); pass
``weights_submitted`` to say otherwise.

Not modelled: commit-reveal column masking, mechanisms (§5.6), pre-v3.1 liquid alpha v1, the
optional bonds reset of a UID's column, and registration side effects (a re-registered UID's
stake, permit and bonds are whatever the caller passes; ``block_at_registration`` drives the
outdated-weight and recently-registered masks).

Functions
---------
weighted_median_col, consensus
    κ-quantile per column (§5.2); compares in I32F32 by default and returns input entries.
clip, incentive, weights_for_bonds, bonds, dividends, liquid_alpha, mat_ema_alpha
    The epoch's steps on float arrays (§5.2–§5.4); float64 by default, ``fixed=True`` emulates
    I32F32 exactly as :func:`epoch` does.
emission_split
    Rao per UID for servers and validators (§5.5); I32F32 by default (rao are the point).
stake_weights, normalize_stake, validator_permits, max_upscale_weights
    Inputs (§5.1).
inactive_mask, outdated_mask, recently_registered_mask, mask_weights
    Masks (§5.1).
epoch, run_epochs
    One epoch, and a sequence of epochs carrying bonds and permits.
YumaParams, EpochResult
    Subnet hyperparameters and the result of one epoch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ._validate import check_array, check_bool, check_fraction, check_int, check_real
from .params import (
    ACTIVITY_CUTOFF_BLOCKS,
    ALPHA_HIGH_U16,
    ALPHA_LOW_U16,
    ALPHA_SIGMOID_STEEPNESS,
    BONDS_MOVING_AVERAGE,
    KAPPA_U16,
    MAX_ALLOWED_VALIDATORS,
    RAO_PER_TAO,
    TEMPO,
    U16_MAX,
)

__all__ = [
    "EpochResult",
    "YumaParams",
    "bonds",
    "clip",
    "consensus",
    "dividends",
    "emission_split",
    "epoch",
    "inactive_mask",
    "incentive",
    "liquid_alpha",
    "mask_weights",
    "mat_ema_alpha",
    "max_upscale_weights",
    "normalize_stake",
    "outdated_mask",
    "recently_registered_mask",
    "run_epochs",
    "stake_weights",
    "validator_permits",
    "weighted_median_col",
    "weights_for_bonds",
]

_FRAC_BITS = 32
_ONE = 1 << _FRAC_BITS
_HALF = 1 << (_FRAC_BITS - 1)
_I64_MAX = (1 << 63) - 1
_I64_MIN = -(1 << 63)
_BONDS_MA_SCALE = 1_000_000
# floor(e · 2^23): the chain's exp() returns its 23-fractional-bit constant e when the input is exactly 1.
_E_BITS_AT_ONE = math.floor(math.e * 2**23) << (_FRAC_BITS - 23)
_EXP_TERMS = range(2, _FRAC_BITS)  # the chain's Taylor series for exp: terms x^i/i!, i = 2 … 31
_U16_SNAP = 1e-9  # fractions within this of a u16 grid point k/65535 snap to k


# ---------------------------------------------------------------------------------------------
# Arithmetic backends: I32F32 integers (the chain) or float64 (a reference)
# ---------------------------------------------------------------------------------------------
def _fx_mul(a: Any, b: Any) -> np.ndarray:
    """``⌊a·b / 2^32⌋`` on I32F32 bit patterns (int64), exact for any signs.

    Three exact paths, chosen from the operands' ranges: both in ``[0, 2^32]`` and not both equal
    to ``2^32`` (fractions in [0, 1], the epoch's usual case) — the product is below ``2^64`` and is
    formed in uint64 and shifted; ``|a| < 2^40`` and ``|b| < 2^38`` — ``b`` is split into 16-bit
    halves so that no partial product leaves int64; otherwise Python integers (saturated to int64).
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if not (a.size and b.size):
        return (a * b) >> _FRAC_BITS
    a_lo, a_hi, b_lo, b_hi = a.min(), a.max(), b.min(), b.max()
    if a_lo >= 0 and b_lo >= 0 and a_hi <= _ONE and b_hi <= _ONE and (a_hi < _ONE or b_hi < _ONE):
        # non-negative int64 reinterpreted as uint64 (same bits, no copy)
        return ((a.view(np.uint64) * b.view(np.uint64)) >> np.uint64(_FRAC_BITS)).view(np.int64)
    if max(a_hi, -a_lo) >= 1 << 40 or max(b_hi, -b_lo) >= 1 << 38:
        prod = (a.astype(object) * b.astype(object)) >> _FRAC_BITS
        return np.clip(prod, _I64_MIN, _I64_MAX).astype(np.int64)
    # split b = bh·2^16 + bl so that no intermediate product leaves int64; the nested floors are exact
    bh = b >> 16
    bl = b & 0xFFFF
    return (a * bh + ((a * bl) >> 16)) >> 16


def _shifted_quotient(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``min(⌊num·2^32/den⌋, 2^63 − 1)`` for ``0 ≤ num < 2^32`` and ``den > 0``, in one uint64 division.

    ``num·2^32 < 2^64`` fits uint64 and the quotient is exact; it is saturated like the Python-integer
    path of :func:`_fx_div`.
    """
    q = (num.view(np.uint64) << np.uint64(_FRAC_BITS)) // den.view(np.uint64)
    return np.minimum(q, np.uint64(_I64_MAX)).view(np.int64)


def _fx_div(a: Any, b: Any) -> np.ndarray:
    """``a / b`` on I32F32 bit patterns, truncated toward zero; 0 where ``b == 0`` (``safe_div``)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if a.size and b.size and a.min() >= 0 and a.max() < _ONE and (b_min := b.min()) >= 0:
        # non-negative numerators below 1.0 (normalisations): one exact uint64 division
        if b_min > 0:
            return _shifted_quotient(a, b)  # (already of the broadcast shape)
        return np.where(b > 0, _shifted_quotient(a, np.maximum(b, 1)), 0)
    a, b = np.broadcast_arrays(a, b)
    out = np.zeros(a.shape, dtype=np.int64)
    nz = b != 0
    if not nz.any():
        return out
    num = a[nz]
    den = b[nz]
    neg = (num < 0) ^ (den < 0)
    num = np.abs(num)
    den = np.abs(den)
    q0, r0 = np.divmod(num, den)
    if den.max() >= 1 << 46 or q0.max() >= 1 << 30:
        q = ((num.astype(object) << _FRAC_BITS) // den.astype(object))
        q = np.clip(q, 0, _I64_MAX).astype(np.int64)
    else:
        # long division in two 16-bit steps keeps every intermediate below 2^63
        q1, r1 = np.divmod(r0 << 16, den)
        q2 = (r1 << 16) // den
        q = (q0 << _FRAC_BITS) + (q1 << 16) + q2
    out[nz] = np.where(neg, -q, q)
    return out


def _exp_int(v: int) -> int:
    """:meth:`_Fixed.exp` of one I32F32 value (not 0 or 1), with Python integers.

    The same steps as the array version: the 30-term Taylor series with ``checked_mul`` failing when
    a product reaches ``2^31`` (judged in float64, as there), a sum leaving int64 failing, and
    ``1/result`` for negative inputs; any failure gives 0 (``safe_exp``).
    """
    op = -v if v < 0 else v
    result, term, opf = op + _ONE, op, float(op) / _ONE
    for i in _EXP_TERMS:
        if (float(term) / _ONE) * opf >= 2.0**31:
            return 0
        term = min(max((term * op) >> _FRAC_BITS, _I64_MIN), _I64_MAX) // i
        result += term
        if result > _I64_MAX:
            return 0
    return min((_ONE << _FRAC_BITS) // result, _I64_MAX) if v < 0 else result


_I32F32_BITS = float(2**63)  # ⌊x·2^32⌋ must fit in int64: |x| < 2^31


class _Fixed:
    """I32F32 arithmetic on int64 bit patterns, truncating like ``substrate_fixed``."""

    fixed = True
    one = _ONE
    half = _HALF
    dtype = np.int64

    @staticmethod
    def lift(x: Any, name: str = "every input") -> np.ndarray:
        """Float values → I32F32 bits, truncating (``⌊x·2^32⌋``, spec §8); ``name`` is the parameter for errors.

        A value outside I32F32's range [-2^31, 2^31) is refused: ``astype(int64)`` would wrap it silently.
        """
        arr = np.floor(np.asarray(x, dtype=np.float64) * _ONE)
        if arr.size and not (arr.min() >= -_I32F32_BITS and arr.max() < _I32F32_BITS):
            raise ValueError(
                f"with fixed=True {name} must lie in the I32F32 range [-2^31, 2^31) of the chain's epoch "
                f"arithmetic, got a value of {float(np.max(np.abs(arr))) / _ONE:g}: normalise it (stakes to "
                f"fractions) or use fixed=False"
            )
        return arr.astype(np.int64)

    @staticmethod
    def lower(x: Any) -> np.ndarray:
        """I32F32 bits → float64 (exact for |x| < 2^21)."""
        return np.multiply(np.asarray(x, dtype=np.int64), 1.0 / _ONE)  # a power of two: exact scaling

    @staticmethod
    def ratio(num: Any, den: Any) -> np.ndarray:
        """``I32F32(num) / I32F32(den)`` for non-negative integers: ``⌊num·2^32/den⌋`` (0 if den = 0)."""
        num, den = np.asarray(num, dtype=np.int64), np.asarray(den, dtype=np.int64)
        if den.ndim == 0 and den > 0 and num.size and num.min() >= 0 and num.max() < 1 << 31:
            return (num << _FRAC_BITS) // den  # num·2^32 < 2^63: exact in int64 (u16 bonds / 65535)
        num, den = np.broadcast_arrays(num, den)
        if num.size and num.min() >= 0 and num.max() < _ONE:
            return np.where(den > 0, _shifted_quotient(num, np.maximum(den, 1)), 0)
        out = np.zeros(num.shape, dtype=np.int64)
        nz = den > 0
        if num.size and num.max() >= 1 << 31:
            out[nz] = np.clip((num[nz].astype(object) << _FRAC_BITS) // den[nz].astype(object), 0, _I64_MAX)
        else:
            out[nz] = (num[nz] << _FRAC_BITS) // den[nz]
        return out

    mul = staticmethod(_fx_mul)
    div = staticmethod(_fx_div)

    @staticmethod
    def to_u16(x: Any) -> np.ndarray:
        """``fixed_proportion_to_u16``: ``⌊x·65535⌋`` clamped to [0, 65535]."""
        x = np.asarray(x, dtype=np.int64)
        return np.clip((np.maximum(x, 0) * U16_MAX) >> _FRAC_BITS, 0, U16_MAX).astype(np.int64)

    @staticmethod
    def to_rao(x: Any, emission_rao: int) -> np.ndarray:
        """``⌊I96F32(x)·E⌋``: the product is exact, the conversion to u64 truncates (spec §5.5)."""
        x = np.maximum(np.asarray(x, dtype=np.int64), 0)
        e = int(emission_rao)
        if x.size and x.max() <= _ONE and e < 1 << 62:
            # E = e_hi·2^32 + e_lo: ⌊x·E/2^32⌋ = x·e_hi + ⌊x·e_lo/2^32⌋ exactly; x ≤ 2^32 and e_lo < 2^32
            # keep x·e_lo below 2^64 (uint64) and x·e_hi ≤ E below 2^63
            e_hi, e_lo = e >> _FRAC_BITS, e & (_ONE - 1)
            low = (x.astype(np.uint64) * np.uint64(e_lo)) >> np.uint64(_FRAC_BITS)
            return x * e_hi + low.astype(np.int64)
        return ((x.astype(object) * e) >> _FRAC_BITS).astype(np.int64)

    @staticmethod
    def exp(x: Any) -> np.ndarray:
        """The chain's ``safe_exp`` on I32F32: a 30-term Taylor series; 0 where it overflows."""
        x = np.asarray(x, dtype=np.int64)
        out = np.zeros(x.shape, dtype=np.int64)
        out[x == 0] = _ONE
        out[x == _ONE] = _E_BITS_AT_ONE
        todo = (x != 0) & (x != _ONE)
        if not todo.any():
            return out
        if todo.sum() <= 32:  # a few values (the liquid-alpha rates take few distinct inputs): Python ints
            out[todo] = [_exp_int(int(v)) for v in x[todo]]
            return out
        neg = x[todo] < 0
        op = np.abs(x[todo])
        result = op + _ONE
        term = op.copy()
        ok = np.ones(op.shape, dtype=bool)
        opf = op.astype(np.float64) / _ONE
        for i in _EXP_TERMS:
            # checked_mul fails when the product leaves the I32F32 range (|value| ≥ 2^31)
            over = (term.astype(np.float64) / _ONE) * opf >= 2.0**31
            ok &= ~over
            term = np.where(ok, term, 0)
            term = _fx_mul(term, np.where(ok, op, 0)) // i  # term / I32F32(i) truncates like term // i
            result = np.where(ok, result + term, 0)
            ok &= result >= 0
        inv = np.where(ok & neg, _fx_div(_ONE, np.where(result > 0, result, 1)), result)
        out[todo] = np.where(ok, inv, 0)
        return out


class _Float:
    """float64 reference arithmetic (same formulas, no truncation)."""

    fixed = False
    one = 1.0
    half = 0.5
    dtype = np.float64

    @staticmethod
    def lift(x: Any, name: str = "every input") -> np.ndarray:
        return np.asarray(x, dtype=np.float64)

    @staticmethod
    def lower(x: Any) -> np.ndarray:
        return np.asarray(x, dtype=np.float64)

    @staticmethod
    def ratio(num: Any, den: Any) -> np.ndarray:
        num, den = np.broadcast_arrays(np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64))
        return np.divide(num, den, out=np.zeros(num.shape), where=den > 0)

    @staticmethod
    def mul(a: Any, b: Any) -> np.ndarray:
        return np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)

    @staticmethod
    def div(a: Any, b: Any) -> np.ndarray:
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
        return np.divide(a, b, out=np.zeros(a.shape), where=b != 0)

    @staticmethod
    def to_u16(x: Any) -> np.ndarray:
        return np.clip(np.floor(np.asarray(x, dtype=np.float64) * U16_MAX), 0, U16_MAX).astype(np.int64)

    @staticmethod
    def to_rao(x: Any, emission_rao: int) -> np.ndarray:
        return np.floor(np.maximum(np.asarray(x, dtype=np.float64), 0.0) * emission_rao).astype(np.int64)

    @staticmethod
    def exp(x: Any) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(np.asarray(x, dtype=np.float64))


_Arith = type[_Fixed] | type[_Float]


def _arith(fixed: bool) -> _Arith:
    if not isinstance(fixed, bool | np.bool_):
        raise TypeError(f"fixed must be a bool, got {type(fixed).__name__} {fixed!r}")
    return _Fixed if fixed else _Float


def _normalize(ar: _Arith, x: np.ndarray) -> np.ndarray:
    """``x / Σx`` (unchanged when the sum is 0) — ``inplace_normalize``."""
    total = x.sum()
    return x.copy() if total == 0 else ar.div(x, total)


def _col_normalize(ar: _Arith, m: np.ndarray) -> np.ndarray:
    """Each column divided by its sum; zero-sum columns unchanged."""
    return ar.div(m, m.sum(axis=0)[None, :])


def _col_max_upscale(ar: _Arith, m: np.ndarray) -> np.ndarray:
    """Each column divided by its maximum; zero columns unchanged."""
    return ar.div(m, np.maximum(m.max(axis=0), 0)[None, :]) if m.size else m.copy()


def _u16_fraction(x: float) -> int:
    """A fraction stored on chain as u16: ``⌊x·65535⌋``, snapping values within 1e-9 of a grid point."""
    return min(U16_MAX, max(0, math.floor(x * U16_MAX + _U16_SNAP)))


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class YumaParams:
    """Subnet hyperparameters that drive the epoch (spec §0.1, §5).

    Fractions are floats in [0, 1]; the chain stores them as u16 (``⌊x·65535⌋``, values within
    1e-9 of ``k/65535`` snap to ``k``), which is what the fixed-point epoch uses.

    Attributes
    ----------
    kappa
        Consensus majority κ (default 32767/65535 ≈ 0.5).
    bonds_penalty
        β: 1 → bonds use clipped weights, 0 → raw weights (default 1).
    bonds_moving_average
        Chain integer; the EMA rate is ``a = 1 − bonds_moving_average/1e6`` (default 900 000 ⇒ 0.1).
    yuma3
        Yuma 3 bonds (default ``True``, mainnet default for new subnets since v3.3.14) or classic YC2.
    liquid_alpha
        Per-entry sigmoid EMA rate (Yuma 3 only, default ``False``).
    alpha_low, alpha_high
        Liquid-alpha bounds (defaults 45875/65535 ≈ 0.7 and 58982/65535 ≈ 0.9).
    alpha_sigmoid_steepness
        Liquid-alpha steepness (chain i16, so the fixed-point epoch rounds it to an integer;
        default 1000).
    max_allowed_validators
        ``k`` of the top-k validator permits (u16; default 64).
    """

    kappa: float = KAPPA_U16 / U16_MAX
    bonds_penalty: float = 1.0
    bonds_moving_average: int = BONDS_MOVING_AVERAGE
    yuma3: bool = True
    liquid_alpha: bool = False
    alpha_low: float = ALPHA_LOW_U16 / U16_MAX
    alpha_high: float = ALPHA_HIGH_U16 / U16_MAX
    alpha_sigmoid_steepness: float = ALPHA_SIGMOID_STEEPNESS
    max_allowed_validators: int = MAX_ALLOWED_VALIDATORS

    def __post_init__(self) -> None:
        for name in ("kappa", "bonds_penalty", "alpha_low", "alpha_high"):
            object.__setattr__(self, name, check_fraction(name, getattr(self, name)))
        object.__setattr__(
            self,
            "bonds_moving_average",
            check_int("bonds_moving_average", self.bonds_moving_average, lo=0, hi=_BONDS_MA_SCALE),
        )
        for name in ("yuma3", "liquid_alpha"):
            value = getattr(self, name)
            if not isinstance(value, bool | np.bool_):
                raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
            object.__setattr__(self, name, bool(value))
        if self.alpha_low > self.alpha_high:
            raise ValueError(
                f"alpha_low must be in [0, alpha_high] = [0, {self.alpha_high!r}], got {self.alpha_low!r}"
            )
        object.__setattr__(
            self,
            "alpha_sigmoid_steepness",
            check_real("alpha_sigmoid_steepness", self.alpha_sigmoid_steepness, lo=-32768, hi=32767),
        )
        object.__setattr__(
            self,
            "max_allowed_validators",
            check_int("max_allowed_validators", self.max_allowed_validators, lo=0, hi=U16_MAX),
        )

    # chain representations -----------------------------------------------------------------
    @property
    def kappa_u16(self) -> int:
        return _u16_fraction(self.kappa)

    @property
    def bonds_penalty_u16(self) -> int:
        return _u16_fraction(self.bonds_penalty)

    @property
    def alpha_low_u16(self) -> int:
        return _u16_fraction(self.alpha_low)

    @property
    def alpha_high_u16(self) -> int:
        return _u16_fraction(self.alpha_high)

    def _ema_rate(self, ar: _Arith) -> Any:
        """``1 − bonds_moving_average/1e6`` as the chain computes it (I64F64 → I32F32, truncating)."""
        return ar.one - ar.ratio(self.bonds_moving_average, _BONDS_MA_SCALE)[()]


# ---------------------------------------------------------------------------------------------
# Inputs and masks (§5.1)
# ---------------------------------------------------------------------------------------------
def stake_weights(alpha_stake: Any, root_stake: Any, tao_weight: float = 0.18) -> np.ndarray:
    """Stake weight per UID, ``s_i = α_stake_i + γ·root_stake_i`` (spec §5.1).

    Both stakes are the "inherited" ones (after child-key delegation), in the same unit (rao).
    ``γ`` is the TAO weight (0.18 on mainnet since dTAO launch, §0.1).
    """
    alpha = check_array("alpha_stake", alpha_stake, lo=0.0)
    root = check_array("root_stake", root_stake, lo=0.0, shape=alpha.shape)
    gamma = check_fraction("tao_weight", tao_weight)
    return alpha + gamma * root


def _i64f64_bits(raw: np.ndarray, original: Any) -> np.ndarray:
    """Each stake as its I64F64 bit pattern ``s·2^64`` (Python ints): exact for integer input."""
    orig = np.asarray(original)
    if np.issubdtype(orig.dtype, np.integer):
        return orig.astype(object) << 64
    mant, expo = np.frexp(raw)
    m53 = (mant * 2.0**53).astype(np.int64).astype(object)
    shift = (expo.astype(np.int64) + 64 - 53).astype(object)
    return np.where(shift >= 0, m53 << np.maximum(shift, 0), m53 >> np.maximum(-shift, 0))


def _stake_bits(raw: np.ndarray, original: Any, threshold: float, owner_uid: int | None) -> np.ndarray:
    """I64F64-normalised stake narrowed to I32F32: ``⌊s_i·2^32/Σs⌋``, computed exactly."""
    keep = _above_threshold(raw, threshold, owner_uid)
    orig = np.asarray(original)
    if np.issubdtype(orig.dtype, np.integer) and orig.size:
        s = np.where(keep, orig, 0).astype(np.uint64)
        small = orig.min() >= 0 and orig.max() < (1 << 56) // orig.size  # then Σs < 2^56: no overflow
        total = int(s.sum(dtype=np.uint64)) if small else 1 << 63
        if 0 < total < 1 << 56:
            # ⌊s·2^32/T⌋ by long division, 8 bits at a time: each remainder r < T < 2^56, so r·2^8 < 2^64
            t = np.uint64(total)
            q, r = s // t, s % t
            for _ in range(4):
                r = r << np.uint64(8)
                q = (q << np.uint64(8)) + r // t
                r = r % t
            return q.astype(np.int64)
        if total == 0:
            return np.zeros(raw.shape, dtype=np.int64)
    bits = np.where(keep, _i64f64_bits(raw, original), 0)
    total = int(bits.sum()) if bits.size else 0
    if total == 0:
        return np.zeros(raw.shape, dtype=np.int64)
    # ⌊⌊s·2^64/Σ⌋ / 2^32⌋ = ⌊s·2^32/Σ⌋: the I64F64 quotient narrowed to I32F32
    return ((bits << _FRAC_BITS) // total).astype(np.int64)


def _above_threshold(raw: np.ndarray, threshold: float, owner_uid: int | None) -> np.ndarray:
    keep = np.floor(raw) >= threshold
    if owner_uid is not None:
        keep[owner_uid] = True
    return keep


def normalize_stake(
    stake: Any,
    *,
    stake_threshold: float = 0.0,
    owner_uid: int | None = None,
    fixed: bool = True,
) -> np.ndarray:
    """Normalised stake vector ``s / Σs`` the epoch works with (spec §5.1, §8).

    UIDs whose stake (integer part) is below ``stake_threshold`` get 0, except ``owner_uid``.
    With ``fixed=True`` the chain's I64F64 → I32F32 narrowing is reproduced, so the result is
    ``⌊s_i·2^32/Σs⌋ / 2^32`` (a 0.1 share is 0.0999999999767).
    """
    fixed = check_bool("fixed", fixed)
    raw = check_array("stake", stake, lo=0.0)
    thr = check_real("stake_threshold", stake_threshold, lo=0.0)
    owner = _check_owner(owner_uid, raw.size)
    ar = _arith(fixed)
    return ar.lower(_stake_vector(ar, raw, thr, owner, stake))


def _stake_vector(
    ar: _Arith, raw: np.ndarray, threshold: float, owner_uid: int | None, original: Any = None
) -> np.ndarray:
    if ar.fixed:
        return _stake_bits(raw, raw if original is None else original, threshold, owner_uid)
    return _normalize(ar, np.where(_above_threshold(raw, threshold, owner_uid), raw, 0.0))


def _topk_nonzero(values: np.ndarray, k: int) -> np.ndarray:
    """``is_topk_nonzero``: non-zero entries among the top ``k`` (stable ascending sort drops the rest)."""
    n = values.size
    result = values != 0
    if n < k:
        return result
    order = np.argsort(values, kind="stable")
    result[order[: n - k]] = False
    return result


def validator_permits(stake: Any, k: int) -> np.ndarray:
    """New validator permits: the top-``k`` UIDs by stake among non-zero stakes (spec §5.1).

    Ties are broken as on chain: UIDs are sorted by stake with a stable ascending sort and the first
    ``n − k`` lose, so among equal stakes the higher UIDs keep their permit. If ``n < k`` every
    non-zero stake gets a permit.
    """
    values = check_array("stake", stake, lo=0.0)
    k = check_int("k", k, lo=0, hi=U16_MAX)
    return _topk_nonzero(values, k)


def max_upscale_weights(weights: Any) -> np.ndarray:
    """Max-upscale raw u16 weight rows as ``set_weights`` stores them (spec §5.1).

    Each row is scaled so that its maximum becomes 65535, with the chain's fixed-point rounding
    (round half away from zero); all-zero rows stay zero. ``[32767, 0, 32767] → [65535, 0, 65535]``.
    """
    w = _check_u16_matrix("weights", weights, ndim=None)
    if w.ndim == 0:
        raise ValueError(f"weights must be a row (1-D) or rows (2-D) of raw u16 weights, got a scalar {weights!r}")
    return _max_upscale(w)


def _max_upscale(w: np.ndarray) -> np.ndarray:
    """Row-wise ``vec_u16_max_upscale_to_u16`` on int64 u16 values (any leading shape)."""
    w = np.asarray(w, dtype=np.int64)
    m = w.max(axis=-1, keepdims=True) if w.size else np.zeros((*w.shape[:-1], 1), dtype=np.int64)
    safe_m = np.maximum(m, 1)
    # max > 32768: e · ⌊65535/m⌋ (I32F32), rounded;  otherwise ⌊e·65535/m⌋ (I32F32), rounded
    out = (w * ((U16_MAX << _FRAC_BITS) // safe_m) + _HALF) >> _FRAC_BITS
    low = (m <= 32768).reshape(-1)
    if low.any():  # rows whose maximum is at most 32768 use the other rounding
        flat, m_flat = out.reshape(-1, w.shape[-1]), safe_m.reshape(-1, 1)
        w_low = w.reshape(-1, w.shape[-1])[low]
        flat[low] = (((w_low * U16_MAX) << _FRAC_BITS) // m_flat[low] + _HALF) >> _FRAC_BITS
        out = flat.reshape(w.shape)
    return np.where(m == 0, 0, np.clip(out, 0, U16_MAX)).astype(np.int64)


def inactive_mask(last_update: Any, current_block: int, activity_cutoff: int = ACTIVITY_CUTOFF_BLOCKS) -> np.ndarray:
    """UIDs whose last weight update is older than the activity cutoff (spec §5.1).

    ``inactive_i = last_update_i + activity_cutoff < current_block``.
    """
    lu = _check_blocks("last_update", last_update)
    cb = check_int("current_block", current_block, lo=0)
    cutoff = check_int("activity_cutoff", activity_cutoff, lo=0)
    return _inactive(lu, cb, cutoff)


def _inactive(last_update: np.ndarray, current_block: int, cutoff: int) -> np.ndarray:
    # last_update + cutoff < current_block, without adding a u64 cutoff to an int64 array (overflow)
    return last_update < current_block - cutoff if current_block > cutoff else np.zeros(last_update.shape, bool)


def outdated_mask(last_update: Any, block_at_registration: Any) -> np.ndarray:
    """``outdated_ij``: validator i last set weights at or before UID j (re)registered (spec §5.1)."""
    lu = _check_blocks("last_update", last_update)
    reg = _check_blocks("block_at_registration", block_at_registration, n=lu.size)
    return _outdated(lu, reg)


def _outdated(last_update: np.ndarray, registered: np.ndarray) -> np.ndarray:
    return last_update[:, None] <= registered[None, :]


def recently_registered_mask(block_at_registration: Any, current_block: int, tempo: int = TEMPO) -> np.ndarray:
    """UIDs registered since the last epoch, whose bond columns are zeroed (spec §5.3).

    ``recent_j = current_block − tempo ≤ block_at_registration_j``.
    """
    reg = _check_blocks("block_at_registration", block_at_registration)
    cb = check_int("current_block", current_block, lo=0)
    t = check_int("tempo", tempo, lo=0)
    return _recently_registered(reg, cb, t)


def _recently_registered(registered: np.ndarray, current_block: int, tempo: int) -> np.ndarray:
    return max(current_block - tempo, 0) <= registered


def mask_weights(
    weights: Any,
    validator_permit: Any,
    *,
    outdated: Any = None,
    owner_uid: int | None = None,
    sparse: bool = True,
    fixed: bool = False,
) -> np.ndarray:
    """Masked, row-normalised weights ``W`` (spec §5.1).

    ``weights`` are stored u16 weights (already max-upscaled). Rows without a permit, the diagonal
    (except the owner's self-weight on the sparse path) and ``outdated`` entries are dropped, then
    each row is normalised to sum 1.
    """
    sparse = check_bool("sparse", sparse)
    fixed = check_bool("fixed", fixed)
    w = _check_u16_matrix("weights", weights)
    n = w.shape[0]
    permit = _check_bool_vector("validator_permit", validator_permit, n)
    out = None if outdated is None else _check_bool_matrix("outdated", outdated, n)
    owner = _check_owner(owner_uid, n)
    present = _weights_presence(np.ones((n, n), dtype=bool), permit, out, owner, sparse)
    return _arith(fixed).lower(_row_normalize_u16(_arith(fixed), np.where(present, w, 0)))


def _weights_presence(
    submitted: np.ndarray,
    permit: np.ndarray,
    outdated: np.ndarray | None,
    owner_uid: int | None,
    sparse: bool,
) -> np.ndarray:
    present = submitted & permit[:, None]
    diag = np.eye(present.shape[0], dtype=bool)
    if sparse and owner_uid is not None:
        diag[owner_uid, owner_uid] = False
    present &= ~diag
    if outdated is not None:
        present &= ~outdated
    return present


def _row_normalize_u16(ar: _Arith, w: np.ndarray) -> np.ndarray:
    """Row-normalise integer u16 weights: ``⌊w·2^32/Σw⌋`` (fixed) or ``w/Σw``."""
    return ar.ratio(w, w.sum(axis=1, keepdims=True))


# ---------------------------------------------------------------------------------------------
# Consensus, clipping, incentive (§5.2)
# ---------------------------------------------------------------------------------------------
def _weighted_median(
    ar: _Arith, stake: np.ndarray, score: np.ndarray, majority: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise stake-weighted κ-quantile; returns (values, chosen row or −1) per column.

    Rows with zero stake are dropped and the rest renormalised; ``minority = Σs − majority``;
    each column is searched by the chain's deterministic mid-index pivot partition (§5.2).
    """
    n_cols = score.shape[1]
    values = np.zeros(n_cols, dtype=ar.dtype)
    rows = np.full(n_cols, -1, dtype=np.int64)
    pos = np.flatnonzero(stake > 0)
    if pos.size == 0 or n_cols == 0:
        return values, rows
    s = _normalize(ar, stake[pos])
    total = s.sum()
    minority = total - majority
    sc = score[pos]
    # columns where every staked validator agrees need no search: the pivot is the common value
    uniform = (sc == sc[:1]).all(axis=0)
    values[uniform] = sc[0, uniform]
    rows[uniform] = pos[0]
    for c in np.flatnonzero(~uniform):  # per column by nature: each column has its own partition path
        col = sc[:, c]
        idx = np.arange(pos.size)
        lo, hi = ar.dtype(0), total
        for _ in range(pos.size + 1):  # each step removes the pivot, so this always terminates
            mid = idx[idx.size // 2]
            pivot = col[mid]
            v = col[idx]
            lower = idx[v < pivot]
            upper = idx[v > pivot]
            lo_stake = s[lower].sum()
            hi_stake = s[upper].sum()
            if minority < lo + lo_stake and lower.size:
                idx, hi = lower, lo + lo_stake
            elif hi - hi_stake <= minority and upper.size:
                idx, lo = upper, hi - hi_stake
            else:
                values[c], rows[c] = pivot, pos[mid]
                break
            if idx.size == 1:
                values[c], rows[c] = col[idx[0]], pos[idx[0]]
                break
    return values, rows


def _weighted_median_sorted(ar: _Arith, stake: np.ndarray, score: np.ndarray, majority: Any) -> np.ndarray:
    """The values :func:`_weighted_median` returns, for every column at once (I32F32 integers only).

    With integer stake the partition search's sums are exact, so where it stops depends only on the
    order of the values: it returns the value ``v`` of column ``j`` with ``L(v) ≤ minority < H(v)``,
    ``L(v)`` (``H(v)``) being the stake of the rows whose score is ``< v`` (``≤ v``). Those intervals
    tile ``[0, Σs)``, so ``v`` is the score at the first sorted position whose running stake sum
    exceeds ``minority``; ``minority < 0`` gives the column minimum and ``minority ≥ Σs`` the maximum,
    as the search does (spec §5.2). One ``argsort`` along the staked rows replaces the per-column loop.
    """
    n_cols = score.shape[1]
    pos = np.flatnonzero(stake > 0)
    if pos.size == 0 or n_cols == 0:
        return np.zeros(n_cols, dtype=ar.dtype)
    s = _normalize(ar, stake[pos])
    minority = s.sum() - majority
    sc = score[pos]
    by_col = np.ascontiguousarray(sc.T)  # one row per column: sorting along the last axis is fastest
    bits = max(int(pos.size - 1).bit_length(), 1)
    if by_col.min() >= 0 and by_col.max() < 1 << (62 - bits):
        # sort (score, row) pairs packed in one int64 — a plain sort, much faster than an argsort;
        # the order among equal scores does not change the value found
        keys = np.sort((by_col << bits) | np.arange(pos.size), axis=1)
        order, ordered = keys & ((1 << bits) - 1), keys >> bits
    else:
        order = np.argsort(by_col, axis=1, kind="stable")
        ordered = np.take_along_axis(by_col, order, axis=1)
    running = np.cumsum(s[order], axis=1)
    first = np.minimum((running <= minority).sum(axis=1), pos.size - 1)
    return ordered[np.arange(n_cols), first]


def weighted_median_col(stake: Any, weights: Any, majority: float, *, fixed: bool = True) -> np.ndarray:
    """Stake-weighted κ-quantile of each column (spec §5.2, vector YC-01).

    Parameters
    ----------
    stake
        Stake per row (validator), ≥ 0. Rows with zero stake are excluded; the rest are
        renormalised to sum 1.
    weights
        ``rows × columns`` scores (normally row-normalised weights).
    majority
        κ in [0, 1]. The search uses ``minority = Σs − κ``.
    fixed
        Compare and sum in I32F32 (inputs truncated to 2^-32), as the chain does (default).

    Returns
    -------
    numpy.ndarray
        Per column, the weight of the row where the chain's mid-index pivot partition search stops
        (the input value itself, not a quantised copy), or 0 for columns without staked rows.
        Effectively the largest value ``c`` such that rows with weight ≥ ``c`` hold ≥ κ of the stake.
    """
    fixed = check_bool("fixed", fixed)
    s = check_array("stake", stake, lo=0.0)
    w = check_array("weights", weights, ndim=2, shape=(s.size, None))
    kappa = check_fraction("majority", majority)
    ar = _arith(fixed)
    _, rows = _weighted_median(ar, ar.lift(s, "stake"), ar.lift(w, "weights"), ar.lift(kappa, "majority")[()])
    cols = np.arange(w.shape[1])
    return np.where(rows >= 0, w[np.maximum(rows, 0), cols], 0.0)


def consensus(stake: Any, weights: Any, kappa: float = KAPPA_U16 / U16_MAX, *, fixed: bool = True) -> np.ndarray:
    """Consensus ``C_j``: the κ-quantile of column j over staked validators (spec §5.2)."""
    fixed = check_bool("fixed", fixed)
    kappa = check_fraction("kappa", kappa)
    return weighted_median_col(stake, weights, kappa, fixed=fixed)


_I32F32_LIMIT = float(2**31)  # I32F32 holds values in [-2^31, 2^31)


def clip(weights: Any, consensus: Any, *, fixed: bool = False) -> np.ndarray:
    """Clipped weights ``W̄_ij = min(W_ij, C_j)`` (spec §5.2)."""
    fixed = check_bool("fixed", fixed)
    w = check_array("weights", weights, ndim=2)
    c = check_array("consensus", consensus, shape=(w.shape[1],))
    ar = _arith(fixed)
    return ar.lower(np.minimum(ar.lift(w, "weights"), ar.lift(c, "consensus")[None, :]))


def incentive(clipped_weights: Any, stake: Any, *, fixed: bool = False) -> np.ndarray:
    """Incentive ``I = normalise(Σ_i W̄_ij·s_i)`` (spec §5.2); all zeros if no rank."""
    fixed = check_bool("fixed", fixed)
    # I32F32 weights (|w| < 2^31) and u64 stakes: products stay far inside float64 (1e300 gave NaN)
    w = check_array("clipped_weights", clipped_weights, ndim=2, lo=-_I32F32_LIMIT, hi=_I32F32_LIMIT)
    s = check_array("stake", stake, lo=0.0, hi=_I32F32_LIMIT if fixed else 2.0**64, shape=(w.shape[0],))
    ar = _arith(fixed)
    return ar.lower(_normalize(ar, ar.mul(ar.lift(w, "clipped_weights"), ar.lift(s, "stake")[:, None]).sum(axis=0)))


def weights_for_bonds(
    weights: Any, clipped_weights: Any, bonds_penalty: float = 1.0, *, fixed: bool = False
) -> np.ndarray:
    """``W_b = W + β·(W̄ − W)`` (spec §5.3): β = 1 uses clipped weights, β = 0 raw weights."""
    fixed = check_bool("fixed", fixed)
    w = check_array("weights", weights, ndim=2)
    wc = check_array("clipped_weights", clipped_weights, ndim=2, shape=w.shape)
    beta = check_fraction("bonds_penalty", bonds_penalty)
    ar = _arith(fixed)
    lw = ar.lift(w, "weights")
    return ar.lower(lw + ar.mul(ar.lift(beta, "bonds_penalty")[()], ar.lift(wc, "clipped_weights") - lw))


# ---------------------------------------------------------------------------------------------
# Bonds and dividends (§5.3, §5.4)
# ---------------------------------------------------------------------------------------------
def _alpha_sigmoid(
    ar: _Arith, c: np.ndarray, w: np.ndarray, b: np.ndarray, low: Any, high: Any, steepness: Any
) -> np.ndarray:
    """Liquid-alpha EMA rate per entry (spec §5.4), in the chain's order of operations."""
    zero = ar.dtype(0)
    diff_buy = np.clip(w - c, zero, ar.one)
    diff_sell = np.clip(b - w, zero, ar.one)
    diff = np.where(w >= b, diff_buy, diff_sell)
    # the rate depends on the entry only through d, which takes few distinct values: evaluate once per d
    d, where = np.unique(diff, return_inverse=True)
    slope = ar.div(steepness, ar.lift(-100.0)[()])
    sig = ar.div(ar.one, ar.one + ar.exp(ar.mul(slope, d - ar.half)))
    alpha = np.maximum(np.minimum(low + ar.mul(sig, high - low), high), low)
    return alpha[where].reshape(diff.shape)


def _steepness(ar: _Arith, steepness: float) -> Any:
    return (np.int64(round(steepness)) << _FRAC_BITS) if ar.fixed else float(steepness)


def liquid_alpha(
    consensus: Any,
    weights: Any,
    bonds: Any,
    alpha_low: float = ALPHA_LOW_U16 / U16_MAX,
    alpha_high: float = ALPHA_HIGH_U16 / U16_MAX,
    steepness: float = ALPHA_SIGMOID_STEEPNESS,
    *,
    fixed: bool = False,
) -> np.ndarray:
    """Yuma-3 liquid-alpha rate per (validator, miner) (spec §5.4).

    ``d = clamp(w − c, 0, 1)`` if ``w ≥ b`` else ``clamp(b − w, 0, 1)``;
    ``σ = 1/(1 + exp(−(steepness/100)·(d − ½)))``; ``a = clamp(low + σ·(high − low), low, high)``.
    """
    fixed = check_bool("fixed", fixed)
    w = check_array("weights", weights, ndim=2)
    b = check_array("bonds", bonds, ndim=2, shape=w.shape)
    c = check_array("consensus", consensus, shape=(w.shape[1],))
    low = check_fraction("alpha_low", alpha_low)
    high = check_fraction("alpha_high", alpha_high)
    steep = check_real("steepness", steepness, lo=-32768, hi=32767)
    ar = _arith(fixed)
    return ar.lower(
        _alpha_sigmoid(
            ar, ar.lift(c, "consensus")[None, :], ar.lift(w, "weights"), ar.lift(b, "bonds"),
            ar.lift(low, "alpha_low")[()], ar.lift(high, "alpha_high")[()],
            _steepness(ar, steep),
        )
    )


def _ema_alpha(ar: _Arith, new: np.ndarray, old: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``min(1, (1 − a)·old + max(0, a·new))`` elementwise (``mat_ema_alpha``)."""
    decayed = ar.mul(ar.one - alpha, old)
    inc = np.maximum(ar.mul(alpha, new), 0)
    return np.minimum(decayed + inc, ar.one)


def mat_ema_alpha(new: Any, old: Any, alpha: Any, *, fixed: bool = False) -> np.ndarray:
    """Per-entry EMA ``(1 − a)·old + a·new``, clamped to [0, 1] (spec §5.4, vector YC-09).

    The increment ``a·new`` is floored at 0 and the sum capped at 1, as on chain. ``fixed=True``
    truncates every product to I32F32 like the epoch does.
    """
    fixed = check_bool("fixed", fixed)
    # I32F32 values (|x| < 2^31), as the epoch stores them (1e300 gave NaN)
    n = check_array("new", new, ndim=2, lo=-_I32F32_LIMIT, hi=_I32F32_LIMIT)
    o = check_array("old", old, ndim=2, shape=n.shape, lo=-_I32F32_LIMIT, hi=_I32F32_LIMIT)
    a = check_array("alpha", alpha, ndim=2, shape=n.shape, lo=-_I32F32_LIMIT, hi=_I32F32_LIMIT)
    ar = _arith(fixed)
    return np.maximum(ar.lower(_ema_alpha(ar, ar.lift(n, "new"), ar.lift(o, "old"), ar.lift(a, "alpha"))), 0.0)


def _bonds_yuma3(
    ar: _Arith,
    p: YumaParams,
    wb: np.ndarray,
    wb_present: np.ndarray,
    prev: np.ndarray,
    cons: np.ndarray,
    sparse: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Yuma-3 EMA bonds (absolute fractions) and the liquid-alpha matrix, if used."""
    if p.liquid_alpha and cons.size and (cons != 0).any():
        low, high = ar.ratio(p.alpha_low_u16, U16_MAX)[()], ar.ratio(p.alpha_high_u16, U16_MAX)[()]
        alpha = _alpha_sigmoid(ar, cons[None, :], wb, prev, low, high, _steepness(ar, p.alpha_sigmoid_steepness))
        ema = _ema_alpha(ar, wb, prev, alpha)
        if sparse:  # only entries present in the bond-weight row are emitted (§5.4)
            ema = np.where(wb_present, ema, 0)
        return ema, alpha
    a = p._ema_rate(ar)
    return ar.mul(a, wb) + ar.mul(ar.one - a, prev), None


def _bonds_yc2(ar: _Arith, p: YumaParams, wb: np.ndarray, active: np.ndarray, prev_norm: np.ndarray) -> np.ndarray:
    """Classic-Yuma EMA of column-normalised bonds (spec §5.3), column-normalised."""
    delta = _col_normalize(ar, ar.mul(wb, active[:, None]))
    a = p._ema_rate(ar)
    return _col_normalize(ar, ar.mul(a, delta) + ar.mul(ar.one - a, prev_norm))


def bonds(
    weights_for_bonds: Any,
    previous_bonds: Any,
    stake: Any,
    consensus: Any,
    params: YumaParams | None = None,
    *,
    present: Any = None,
    sparse: bool = True,
    fixed: bool = False,
) -> np.ndarray:
    """One bond update (spec §5.3 classic / §5.4 Yuma 3), before u16 storage.

    Parameters
    ----------
    weights_for_bonds
        ``W_b`` (validators × miners, row-normalised fractions).
    previous_bonds
        Yuma 3: bond fractions in [0, 1]; classic: any non-negative bonds (column-normalised here).
    stake
        Active stake ``S`` (used by classic Yuma's ``ΔB = W_b ∘ S``).
    consensus
        ``C`` (decides whether liquid alpha applies: only if some ``C_j ≠ 0``).
    params
        :class:`YumaParams` (``yuma3``, ``liquid_alpha``, ``bonds_moving_average``, alpha bounds).
    present
        Which ``W_b`` entries exist on the sparse path (default: all).

    Returns
    -------
    numpy.ndarray
        Classic: the column-normalised EMA ``B'``; Yuma 3: the EMA fractions ``B'`` (clamped to 1).
    """
    sparse = check_bool("sparse", sparse)
    fixed = check_bool("fixed", fixed)
    p = params if params is not None else YumaParams()
    wb = check_array("weights_for_bonds", weights_for_bonds, ndim=2)
    prev = check_array("previous_bonds", previous_bonds, lo=0.0, ndim=2, shape=wb.shape)
    s = check_array("stake", stake, lo=0.0, shape=(wb.shape[0],))
    c = check_array("consensus", consensus, shape=(wb.shape[1],))
    pres = np.ones(wb.shape, dtype=bool) if present is None else _check_bool_matrix("present", present, wb.shape[0])
    ar = _arith(fixed)
    if p.yuma3:
        out, _ = _bonds_yuma3(ar, p, ar.lift(wb, "weights_for_bonds"), pres, ar.lift(prev, "previous_bonds"),
                              ar.lift(c, "consensus"), sparse)
    else:
        out = _bonds_yc2(ar, p, ar.lift(wb, "weights_for_bonds"), ar.lift(s, "stake"),
                         _col_normalize(ar, ar.lift(prev, "previous_bonds")))
    return ar.lower(out)


def _dividends(ar: _Arith, ema: np.ndarray, inc: np.ndarray, active: np.ndarray, yuma3: bool) -> np.ndarray:
    if yuma3:
        per_validator = ar.mul(_col_normalize(ar, ema), inc[None, :]).sum(axis=1)
        return _normalize(ar, ar.mul(per_validator, active))
    return _normalize(ar, ar.mul(ema, inc[None, :]).sum(axis=1))


def dividends(
    bonds: Any, incentive: Any, stake: Any = None, *, yuma3: bool = True, fixed: bool = False
) -> np.ndarray:
    """Dividends per validator (spec §5.3, §5.4).

    Classic: ``D_i = Σ_j B_ij·I_j`` normalised (``bonds`` column-normalised EMA).
    Yuma 3: ``D_i ∝ S_i · Σ_j B̂_ij·I_j`` with ``B̂`` = column-normalised bonds (``stake`` required).
    """
    yuma3 = check_bool("yuma3", yuma3)
    fixed = check_bool("fixed", fixed)
    # I32F32 bonds and incentive (< 2^31); stakes < 2^31 when lifted to I32F32 (fixed), else u64 (1e300 gave NaN)
    b = check_array("bonds", bonds, lo=0.0, hi=_I32F32_LIMIT, ndim=2)
    inc = check_array("incentive", incentive, lo=0.0, hi=_I32F32_LIMIT, shape=(b.shape[1],))
    if yuma3 and stake is None:
        raise ValueError("stake is required for Yuma-3 dividends (D_i ∝ S_i · Σ_j B̂_ij I_j)")
    s_hi = _I32F32_LIMIT if fixed else 2.0**64
    s = np.ones(b.shape[0]) if stake is None else check_array("stake", stake, lo=0.0, hi=s_hi, shape=(b.shape[0],))
    ar = _arith(fixed)
    return ar.lower(_dividends(ar, ar.lift(b, "bonds"), ar.lift(inc, "incentive"), ar.lift(s, "stake"), yuma3))


# ---------------------------------------------------------------------------------------------
# Emission (§5.5)
# ---------------------------------------------------------------------------------------------
def _emission(
    ar: _Arith, inc: np.ndarray, div: np.ndarray, active: np.ndarray, stake: np.ndarray, emission_rao: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    combined = inc + div
    total = combined.sum()
    server = ar.div(inc, total)
    validator = ar.div(div, total)
    comb = _normalize(ar, combined)
    if total == 0:  # no weights, only self-weights or outdated weights: pay validators by stake
        fallback = stake if active.sum() == 0 else active
        validator, comb = fallback, fallback
    return ar.to_rao(server, emission_rao), ar.to_rao(validator, emission_rao), ar.to_rao(comb, emission_rao)


def emission_split(
    incentive: Any,
    dividends: Any,
    emission_rao: int = RAO_PER_TAO,
    *,
    active_stake: Any = None,
    stake: Any = None,
    fixed: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Split an epoch's emission ``E`` (rao) into server and validator emission (spec §5.5).

    ``server_i = ⌊I_i/(ΣI+ΣD)·E⌋``, ``validator_i = ⌊D_i/(ΣI+ΣD)·E⌋``. If both sums are 0 the
    validators are paid ``⌊S_i·E⌋`` with ``S = active_stake``, or ``stake`` if the active stake is
    all zero. ``fixed=True`` (default) emulates I32F32: shares are truncated to 2^-32 first, so a
    0.1 share of 10⁹ rao pays 99 999 999 (vector YC-11).

    Returns
    -------
    (server, validator)
        Two int64 arrays of rao.
    """
    fixed = check_bool("fixed", fixed)
    inc = check_array("incentive", incentive, lo=0.0)
    div = check_array("dividends", dividends, lo=0.0, shape=inc.shape)
    e = check_int("emission_rao", emission_rao, lo=0)
    act = (
        np.zeros(inc.shape)
        if active_stake is None
        else check_array("active_stake", active_stake, lo=0.0, shape=inc.shape)
    )
    st = act if stake is None else check_array("stake", stake, lo=0.0, shape=inc.shape)
    ar = _arith(fixed)
    server, validator, _ = _emission(ar, ar.lift(inc, "incentive"), ar.lift(div, "dividends"),
                                     ar.lift(act, "active_stake"), ar.lift(st, "stake"), e)
    return server, validator


# ---------------------------------------------------------------------------------------------
# One epoch
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EpochResult:
    """Everything one epoch computes (spec §5). Float arrays hold the chain's I32F32 values exactly.

    Attributes
    ----------
    stake, active_stake
        Normalised stake ``s`` and active stake ``S`` (§5.1).
    active
        ``~inactive``.
    validator_permit_prev, validator_permit
        Permits that masked this epoch, and the new permits stored for the next one.
    weights
        Masked, row-normalised ``W`` (§5.1).
    consensus, clipped_weights, validator_trust, trust, incentive
        §5.2 (``trust_j = rank_j / prerank_j``, no longer stored since v3.3.2).
    weights_for_bonds, ema_bonds, liquid_alpha
        §5.3/§5.4: ``W_b``, the EMA bonds before storage, the liquid-alpha matrix (``None`` if unused).
    bonds
        Stored bonds after the epoch, u16 (n × n).
    dividends
        Normalised dividends.
    server_emission, validator_emission, emission
        Rao per UID; ``emission = server + validator`` (§5.5).
    combined_emission
        The chain's ``Emission`` storage value: ``⌊normalise(I + D)·E⌋`` (or the stake fallback).
    consensus_u16, incentive_u16, dividends_u16, validator_trust_u16
        The u16 values the chain stores (``⌊x·65535⌋``).
    """

    stake: np.ndarray
    active_stake: np.ndarray
    active: np.ndarray
    validator_permit_prev: np.ndarray
    validator_permit: np.ndarray
    weights: np.ndarray
    consensus: np.ndarray
    clipped_weights: np.ndarray
    validator_trust: np.ndarray
    trust: np.ndarray
    incentive: np.ndarray
    weights_for_bonds: np.ndarray
    ema_bonds: np.ndarray
    liquid_alpha: np.ndarray | None
    bonds: np.ndarray
    dividends: np.ndarray
    server_emission: np.ndarray
    validator_emission: np.ndarray
    emission: np.ndarray
    combined_emission: np.ndarray
    consensus_u16: np.ndarray
    incentive_u16: np.ndarray
    dividends_u16: np.ndarray
    validator_trust_u16: np.ndarray

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)


def epoch(
    stake: Any,
    weights: Any,
    params: YumaParams | None = None,
    *,
    bonds: Any = None,
    validator_permit: Any = None,
    emission_rao: int = RAO_PER_TAO,
    weights_submitted: Any = None,
    sparse: bool = True,
    fixed: bool = True,
    owner_uid: int | None = None,
    stake_threshold: float = 0.0,
    current_block: int | None = None,
    last_update: Any = None,
    block_at_registration: Any = None,
    tempo: int = TEMPO,
    activity_cutoff: int = ACTIVITY_CUTOFF_BLOCKS,
) -> EpochResult:
    """Run one Yuma epoch (spec §5) — the chain's ``epoch_mechanism`` (or the dense path).

    Parameters
    ----------
    stake
        Stake weight per UID (e.g. :func:`stake_weights`), any non-negative unit; normalised here.
    weights
        ``n × n`` raw u16 weights as submitted by ``set_weights`` (row = setter; self-weights
        included and masked as on chain). Rows are max-upscaled as ``set_weights`` stores them.
        An all-zero row means the UID has no weights stored.
    params
        :class:`YumaParams` (default: mainnet HEAD defaults).
    bonds
        Stored bonds from the previous epoch, u16 ``n × n`` (default: none).
    validator_permit
        Stored permits from the previous epoch, which mask this one. Default: the top-k permits of
        ``stake``, as if an earlier epoch had assigned them.
    emission_rao
        The epoch's emission ``E`` in rao (default 1 TAO).
    weights_submitted
        ``n × n`` booleans: which entries were part of each ``set_weights`` call (matters only for
        the sparse Yuma-3 liquid-alpha path). Default: every entry of each non-zero row.
    sparse
        Production sparse path (default) or the dense test path (see module docstring).
    fixed
        Emulate I32F32 exactly (default) or compute in float64.
    owner_uid
        Subnet owner's UID: always holds a permit, keeps its self-weight (sparse path) and is exempt
        from ``stake_threshold`` (HEAD behaviour, §5.1). Default: no owner among the UIDs.
    stake_threshold
        Stakes whose integer part is below this are zeroed (default 0).
    current_block, last_update, block_at_registration, tempo, activity_cutoff
        Activity and registration masks (§5.1, §5.3). Defaults: every UID registered at block 0 and
        updated at ``current_block``, which defaults to ``tempo + 1``; then nothing is masked.

    Returns
    -------
    EpochResult
    """
    sparse = check_bool("sparse", sparse)
    fixed = check_bool("fixed", fixed)
    p = params if params is not None else YumaParams()
    if not isinstance(p, YumaParams):
        raise TypeError(f"params must be a YumaParams, got {type(p).__name__}")
    raw_stake = check_array("stake", stake, lo=0.0, min_size=1)
    n = raw_stake.size
    w_raw = _check_u16_matrix("weights", weights, n=n)
    prev_bonds = np.zeros((n, n), dtype=np.int64) if bonds is None else _check_u16_matrix("bonds", bonds, n=n)
    e = check_int("emission_rao", emission_rao, lo=0)
    owner = _check_owner(owner_uid, n)
    thr = check_real("stake_threshold", stake_threshold, lo=0.0)
    if not isinstance(sparse, bool | np.bool_):
        raise TypeError(f"sparse must be a bool, got {type(sparse).__name__} {sparse!r}")
    t = check_int("tempo", tempo, lo=0)
    cutoff = check_int("activity_cutoff", activity_cutoff, lo=0)
    cb = t + 1 if current_block is None else check_int("current_block", current_block, lo=0)
    lu = np.full(n, cb, dtype=np.int64) if last_update is None else _check_blocks("last_update", last_update, n=n)
    reg = (
        np.zeros(n, dtype=np.int64)
        if block_at_registration is None
        else _check_blocks("block_at_registration", block_at_registration, n=n)
    )
    row_set = w_raw.any(axis=1)
    submitted = (
        np.broadcast_to(row_set[:, None], (n, n))  # read-only view: the epoch only reads it
        if weights_submitted is None
        else _check_bool_matrix("weights_submitted", weights_submitted, n)
    )
    permit_prev = None if validator_permit is None else _check_bool_vector("validator_permit", validator_permit, n)
    ar = _arith(fixed)
    return _epoch(
        ar, p, raw_stake, stake, w_raw, prev_bonds, permit_prev, e, submitted, bool(sparse), owner, thr, cb, lu, reg,
        t, cutoff,
    )


def _epoch(
    ar: _Arith,
    p: YumaParams,
    raw_stake: np.ndarray,
    original_stake: Any,
    w_raw: np.ndarray,
    prev_bonds: np.ndarray,
    permit_prev: np.ndarray | None,
    emission_rao: int,
    submitted: np.ndarray,
    sparse: bool,
    owner: int | None,
    threshold: float,
    current_block: int,
    last_update: np.ndarray,
    registered: np.ndarray,
    tempo: int,
    cutoff: int,
) -> EpochResult:
    """One epoch (spec §5), computed on the rows that can be non-zero.

    Weights survive masking only in rows holding a (stored) validator permit, and bonds are
    non-zero only in those rows or in rows with stored bonds; every other row of ``W``, ``W̄``,
    ``W_b`` and the EMA bonds is zero (and the liquid-alpha rate is its value at ``w = b = 0``). So
    the matrices are computed for those rows ``R`` (64 of them on a full subnet) and scattered into
    ``n × n`` results. With I32F32 arithmetic the κ-quantile is found for all columns at once
    (:func:`_weighted_median_sorted`). Same values as :func:`_epoch_reference`, bit for bit.
    float64 sums depend on their length and order, so ``fixed=False`` runs :func:`_epoch_reference`.
    """
    if not ar.fixed:
        return _epoch_reference(ar, p, raw_stake, original_stake, w_raw, prev_bonds, permit_prev, emission_rao,
                                submitted, sparse, owner, threshold, current_block, last_update, registered, tempo,
                                cutoff)
    n = raw_stake.size
    k = p.max_allowed_validators
    # --- stake and permits (§5.1)
    stake = _stake_vector(ar, raw_stake, threshold, owner, original_stake)
    inactive = _inactive(last_update, current_block, cutoff)
    permit_new = _topk_nonzero(stake, k)
    if owner is not None:
        permit_new[owner] = True
    if permit_prev is None:
        permit_prev = permit_new.copy()
    elif owner is not None:
        permit_prev = permit_prev.copy()
        permit_prev[owner] = True
    active = np.where(inactive | ~permit_prev, ar.dtype(0), stake)
    active = _normalize(ar, active)
    rows = np.flatnonzero(permit_prev | prev_bonds.any(axis=1))
    m = rows.size
    active_r = active[rows]

    # --- weights (§5.1), rows R only
    stored = _max_upscale(w_raw[rows])
    present = submitted[rows] & permit_prev[rows, None]
    if m and last_update[rows].min() <= registered.max():  # some weights may predate a registration
        present &= ~(last_update[rows, None] <= registered[None, :])
    self_weight = (np.arange(m), rows)
    present[self_weight] = False  # self-weights are dropped, except the owner's on the sparse path
    if sparse and owner is not None and permit_prev[owner]:
        i = int(np.searchsorted(rows, owner))
        present[i, owner] = submitted[owner, owner] and not last_update[owner] <= registered[owner]
    w = _row_normalize_u16(ar, np.where(present, stored, 0))

    # --- consensus, clipping, incentive (§5.2)
    preranks = ar.mul(w, active_r[:, None]).sum(axis=0)
    kappa = ar.ratio(p.kappa_u16, U16_MAX)[()]
    cons = _weighted_median_sorted(ar, active_r, w, kappa)
    over = w > cons[None, :]
    clipped = np.where(over, cons[None, :], w)
    clipped_present = present & ~(over & (cons[None, :] <= 0))
    vtrust = np.zeros(n, dtype=ar.dtype)
    vtrust[rows] = clipped.sum(axis=1)
    ranks = ar.mul(clipped, active_r[:, None]).sum(axis=0)
    trust = ar.div(ranks, preranks)
    inc = _normalize(ar, ranks)

    # --- bonds and dividends (§5.3, §5.4)
    beta = ar.ratio(p.bonds_penalty_u16, U16_MAX)[()]
    if beta == 0:
        wb, wb_present = w, present
    elif beta == ar.one:
        wb, wb_present = clipped, clipped_present
    else:
        wb = w + ar.mul(beta, clipped - w)
        wb_present = wb > 0
    if not sparse:
        wb_present = np.ones_like(wb_present)
    recent = _recently_registered(registered, current_block, tempo)
    prev_masked = np.where(recent[None, :], 0, prev_bonds[rows])
    alpha_full = None
    if p.yuma3:
        prev = ar.ratio(prev_masked, U16_MAX)
        ema, alpha = _bonds_yuma3(ar, p, wb, wb_present, prev, cons, sparse)
        div_r = _dividends(ar, ema, inc, active_r, yuma3=True)
        store = ar.to_u16(ema)
        if alpha is not None:  # rows outside R: the rate at w = b = 0
            zero = np.zeros((1, n), dtype=ar.dtype)
            low, high = ar.ratio(p.alpha_low_u16, U16_MAX)[()], ar.ratio(p.alpha_high_u16, U16_MAX)[()]
            fill = _alpha_sigmoid(ar, cons[None, :], zero, zero, low, high, _steepness(ar, p.alpha_sigmoid_steepness))
            alpha_full = np.repeat(ar.lower(fill), n, axis=0)
            alpha_full[rows] = ar.lower(alpha)
    else:
        prev = ar.ratio(prev_masked, prev_masked.sum(axis=0)[None, :])
        ema = _bonds_yc2(ar, p, wb, active_r, prev)
        div_r = _dividends(ar, ema, inc, active_r, yuma3=False)
        store = ar.to_u16(_col_max_upscale(ar, ema))
    div = np.zeros(n, dtype=ar.dtype)
    div[rows] = div_r
    new_bonds = prev_bonds.copy()
    stored_rows = np.zeros(n, dtype=bool)
    stored_rows[rows] = permit_new[rows]
    new_bonds[permit_new & ~stored_rows] = 0
    new_bonds[stored_rows] = store[permit_new[rows]]
    new_bonds[~permit_new & permit_prev] = 0

    # --- emission (§5.5)
    server, validator, combined = _emission(ar, inc, div, active, stake, emission_rao)
    lo = ar.lower

    contiguous = m > 0 and rows[-1] - rows[0] == m - 1  # e.g. validators on the first UIDs

    def full(x: np.ndarray) -> np.ndarray:
        out = np.zeros((n, n))
        if contiguous:
            np.multiply(x, 1.0 / _ONE, out=out[rows[0]:rows[-1] + 1])  # = lower(x), written in place
        else:
            out[rows] = lo(x)
        return out

    w_full, clipped_full = full(w), full(clipped)
    return EpochResult(
        stake=lo(stake),
        active_stake=lo(active),
        active=~inactive,
        validator_permit_prev=permit_prev.copy(),
        validator_permit=permit_new,
        weights=w_full,
        consensus=lo(cons),
        clipped_weights=clipped_full,
        validator_trust=lo(vtrust),
        trust=lo(trust),
        incentive=lo(inc),
        weights_for_bonds=w_full if wb is w else clipped_full if wb is clipped else full(wb),  # β = 0 or 1
        ema_bonds=full(ema),
        liquid_alpha=alpha_full,
        bonds=new_bonds,
        dividends=lo(div),
        server_emission=server,
        validator_emission=validator,
        emission=server + validator,
        combined_emission=combined,
        consensus_u16=ar.to_u16(cons),
        incentive_u16=ar.to_u16(inc),
        dividends_u16=ar.to_u16(div),
        validator_trust_u16=ar.to_u16(vtrust),
    )


def _epoch_reference(
    ar: _Arith,
    p: YumaParams,
    raw_stake: np.ndarray,
    original_stake: Any,
    w_raw: np.ndarray,
    prev_bonds: np.ndarray,
    permit_prev: np.ndarray | None,
    emission_rao: int,
    submitted: np.ndarray,
    sparse: bool,
    owner: int | None,
    threshold: float,
    current_block: int,
    last_update: np.ndarray,
    registered: np.ndarray,
    tempo: int,
    cutoff: int,
) -> EpochResult:
    """The epoch written plainly on full ``n × n`` matrices with the per-column partition search.

    :func:`_epoch` computes the same result (bit for bit; ``tests/test_yuma.py`` checks it on random
    networks) on the rows that can hold weights or bonds only; this one is kept as its oracle.
    """
    k = p.max_allowed_validators
    # --- stake and permits (§5.1)
    stake = _stake_vector(ar, raw_stake, threshold, owner, original_stake)
    inactive = _inactive(last_update, current_block, cutoff)
    permit_new = _topk_nonzero(stake, k)
    if owner is not None:
        permit_new[owner] = True
    if permit_prev is None:
        permit_prev = permit_new.copy()
    elif owner is not None:
        permit_prev = permit_prev.copy()
        permit_prev[owner] = True
    active = np.where(inactive | ~permit_prev, ar.dtype(0), stake)
    active = _normalize(ar, active)

    # --- weights (§5.1)
    stored = _max_upscale(w_raw)
    outdated = _outdated(last_update, registered)
    present = _weights_presence(submitted, permit_prev, outdated, owner, sparse)
    w = _row_normalize_u16(ar, np.where(present, stored, 0))

    # --- consensus, clipping, incentive (§5.2)
    preranks = ar.mul(w, active[:, None]).sum(axis=0)
    kappa = ar.ratio(p.kappa_u16, U16_MAX)[()]
    cons, _ = _weighted_median(ar, active, w, kappa)
    over = w > cons[None, :]
    clipped = np.where(over, cons[None, :], w)
    clipped_present = present & ~(over & (cons[None, :] <= 0))  # the sparse clip drops entries clipped to 0
    vtrust = clipped.sum(axis=1)
    ranks = ar.mul(clipped, active[:, None]).sum(axis=0)
    trust = ar.div(ranks, preranks)
    inc = _normalize(ar, ranks)

    # --- bonds and dividends (§5.3, §5.4)
    beta = ar.ratio(p.bonds_penalty_u16, U16_MAX)[()]
    if beta == 0:
        wb, wb_present = w, present
    elif beta == ar.one:
        wb, wb_present = clipped, clipped_present
    else:
        wb = w + ar.mul(beta, clipped - w)
        wb_present = wb > 0  # the sparse interpolation keeps positive entries only
    if not sparse:
        wb_present = np.ones_like(wb_present)
    recent = _recently_registered(registered, current_block, tempo)
    prev_masked = np.where(recent[None, :], 0, prev_bonds)
    alpha = None
    if p.yuma3:
        prev = ar.ratio(prev_masked, U16_MAX)
        ema, alpha = _bonds_yuma3(ar, p, wb, wb_present, prev, cons, sparse)
        div = _dividends(ar, ema, inc, active, yuma3=True)
        store = ar.to_u16(ema)
    else:
        prev = ar.ratio(prev_masked, prev_masked.sum(axis=0)[None, :])
        ema = _bonds_yc2(ar, p, wb, active, prev)
        div = _dividends(ar, ema, inc, active, yuma3=False)
        store = ar.to_u16(_col_max_upscale(ar, ema))
    new_bonds = prev_bonds.copy()
    new_bonds[permit_new] = store[permit_new]
    new_bonds[~permit_new & permit_prev] = 0

    # --- emission (§5.5)
    server, validator, combined = _emission(ar, inc, div, active, stake, emission_rao)
    lo = ar.lower
    return EpochResult(
        stake=lo(stake),
        active_stake=lo(active),
        active=~inactive,
        validator_permit_prev=permit_prev.copy(),
        validator_permit=permit_new,
        weights=lo(w),
        consensus=lo(cons),
        clipped_weights=lo(clipped),
        validator_trust=lo(vtrust),
        trust=lo(trust),
        incentive=lo(inc),
        weights_for_bonds=lo(wb),
        ema_bonds=lo(ema),
        liquid_alpha=None if alpha is None else lo(alpha),
        bonds=new_bonds,
        dividends=lo(div),
        server_emission=server,
        validator_emission=validator,
        emission=server + validator,
        combined_emission=combined,
        consensus_u16=ar.to_u16(cons),
        incentive_u16=ar.to_u16(inc),
        dividends_u16=ar.to_u16(div),
        validator_trust_u16=ar.to_u16(vtrust),
    )


def run_epochs(
    stakes: Any,
    weights_by_epoch: Sequence[Any],
    params: YumaParams | None = None,
    *,
    emission_rao: int = RAO_PER_TAO,
    initial_permits: Any = None,
    initial_bonds: Any = None,
    weights_submitted_by_epoch: Sequence[Any] | None = None,
    sparse: bool = True,
    fixed: bool = True,
    owner_uid: int | None = None,
    stake_threshold: float = 0.0,
    tempo: int = TEMPO,
    activity_cutoff: int = ACTIVITY_CUTOFF_BLOCKS,
    current_block_by_epoch: Sequence[int] | None = None,
    last_update_by_epoch: Sequence[Any] | None = None,
    block_at_registration: Any = None,
) -> list[EpochResult]:
    """Run one epoch per weight matrix, carrying stored bonds and validator permits (spec §5).

    Parameters
    ----------
    stakes
        Stake weight per UID (length n), or one row per epoch (epochs × n).
    weights_by_epoch
        One ``n × n`` matrix of raw u16 weights per epoch, as submitted by ``set_weights`` (see
        :func:`epoch`); a matrix is the weight state at that epoch.
    params
        :class:`YumaParams`.
    emission_rao
        Emission per epoch in rao.
    initial_permits
        Stored permits before the first epoch. ``None``: as if an earlier epoch had assigned the
        top-k permits from the stakes — so passing the weight matrices directly, or a leading
        all-zero matrix first (an epoch "to assign permits"), give the same trajectory.
    initial_bonds
        Stored u16 bonds before the first epoch (default none).
    weights_submitted_by_epoch
        Per epoch, optional ``n × n`` booleans (see :func:`epoch`).
    sparse, fixed, owner_uid, stake_threshold
        As in :func:`epoch`.
    tempo, activity_cutoff, current_block_by_epoch, last_update_by_epoch, block_at_registration
        Masks (§5.1). ``block_at_registration`` is one vector for all epochs or one row per epoch
        (a UID re-registered between epochs). Defaults: epoch ``e`` runs at block
        ``(e + 1)·tempo + 1``, every UID was registered at block 0 and updated at the epoch's block,
        so nothing is masked.

    Returns
    -------
    list[EpochResult]
        One result per weight matrix.
    """
    sparse = check_bool("sparse", sparse)
    fixed = check_bool("fixed", fixed)
    p = params if params is not None else YumaParams()
    if isinstance(weights_by_epoch, np.ndarray) and weights_by_epoch.ndim == 2:
        raise ValueError("weights_by_epoch must be a sequence of n×n matrices (one per epoch), got one matrix")
    n_epochs = len(weights_by_epoch)
    for k, w_k in enumerate(weights_by_epoch):  # name the epoch in any error
        if fixed:
            _check_u16_matrix(f"weights_by_epoch[{k}]", w_k)
        else:
            check_array(f"weights_by_epoch[{k}]", w_k, ndim=2, lo=0.0)
    st = check_array("stakes", stakes, ndim=None, lo=0.0)
    if np.issubdtype(np.asarray(stakes).dtype, np.integer):
        st = np.asarray(stakes)  # keep integer rao exact (the chain normalises u64 stakes exactly)
    if st.ndim == 1:
        stake_rows = np.broadcast_to(st, (n_epochs, st.size))
    elif st.ndim == 2 and st.shape[0] == n_epochs:
        stake_rows = st
    else:
        raise ValueError(f"stakes must have shape (n,) or ({n_epochs}, n), got {st.shape}")
    n = stake_rows.shape[1]
    t = check_int("tempo", tempo, lo=0)
    blocks = (
        [(e + 1) * t + 1 for e in range(n_epochs)]
        if current_block_by_epoch is None
        else list(current_block_by_epoch)
    )
    if len(blocks) != n_epochs:
        raise ValueError(f"current_block_by_epoch must have {n_epochs} entries, got {len(blocks)}")
    for name, seq in (("last_update_by_epoch", last_update_by_epoch), ("weights_submitted_by_epoch",
                                                                       weights_submitted_by_epoch)):
        if seq is not None and len(seq) != n_epochs:
            raise ValueError(f"{name} must have {n_epochs} entries, got {len(seq)}")
    registered = None if block_at_registration is None else np.asarray(block_at_registration)
    if registered is not None and registered.ndim == 2 and registered.shape[0] != n_epochs:
        raise ValueError(f"block_at_registration must have shape (n,) or ({n_epochs}, n), got {registered.shape}")
    permits = None if initial_permits is None else _check_bool_vector("initial_permits", initial_permits, n)
    stored = np.zeros((n, n), dtype=np.int64) if initial_bonds is None else _check_u16_matrix("initial_bonds",
                                                                                               initial_bonds, n=n)
    results: list[EpochResult] = []
    for e_idx, w in enumerate(weights_by_epoch):
        res = epoch(
            stake_rows[e_idx],
            w,
            p,
            bonds=stored,
            validator_permit=permits,
            emission_rao=emission_rao,
            weights_submitted=None if weights_submitted_by_epoch is None else weights_submitted_by_epoch[e_idx],
            sparse=sparse,
            fixed=fixed,
            owner_uid=owner_uid,
            stake_threshold=stake_threshold,
            current_block=blocks[e_idx],
            last_update=None if last_update_by_epoch is None else last_update_by_epoch[e_idx],
            block_at_registration=(
                registered[e_idx] if registered is not None and registered.ndim == 2 else registered
            ),
            tempo=t,
            activity_cutoff=activity_cutoff,
        )
        results.append(res)
        stored = res.bonds  # read-only; the next epoch copies before it writes
        permits = res.validator_permit
    return results


# ---------------------------------------------------------------------------------------------
# Input checks specific to this module
# ---------------------------------------------------------------------------------------------
def _check_u16_matrix(name: str, values: Any, *, n: int | None = None, ndim: int | None = 2) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu" and values.ndim == 2 and n is not None:
        # integer arrays (the usual input): shape and range only, no float copy
        if values.shape != (n, n):
            raise ValueError(f"{name} must have shape {n}×{n}, got {values.shape}")
        if values.size and (values.min() < 0 or values.max() > U16_MAX):
            raise ValueError(f"{name} must contain integers in [0, {U16_MAX}] (raw u16), got min "
                             f"{values.min()!r}, max {values.max()!r}")
        return values.astype(np.int64, copy=False)
    shape = None if n is None else (n, n)
    arr = check_array(name, values, ndim=ndim, lo=0.0, hi=float(U16_MAX), shape=shape)
    if arr.ndim == 2 and n is None and arr.shape[0] != arr.shape[1] and ndim == 2:
        raise ValueError(f"{name} must be a square n×n matrix, got shape {arr.shape}")
    if arr.size and not np.all(arr == np.floor(arr)):
        raise ValueError(f"{name} must contain integers in [0, {U16_MAX}] (raw u16), got non-integer values")
    return arr.astype(np.int64)


def _check_bool_vector(name: str, values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number) and np.isin(arr, (0, 1)).all()):
        raise ValueError(f"{name} must contain booleans (or 0/1)")
    return arr.astype(bool)


def _check_bool_matrix(name: str, values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n, n):
        raise ValueError(f"{name} must have shape ({n}, {n}), got {arr.shape}")
    if arr.dtype != bool and not (np.issubdtype(arr.dtype, np.number) and np.isin(arr, (0, 1)).all()):
        raise ValueError(f"{name} must contain booleans (or 0/1)")
    return arr.astype(bool)


def _check_blocks(name: str, values: Any, *, n: int | None = None) -> np.ndarray:
    # below 2^63: held as int64 (a float such as 1e300 used to wrap to a negative block silently)
    arr = check_array(name, values, lo=0.0, hi=2.0**63, hi_open=True, shape=None if n is None else (n,))
    if arr.size and not np.all(arr == np.floor(arr)):
        raise ValueError(f"{name} must contain integer block numbers >= 0")
    return arr.astype(np.int64)


def _check_owner(owner_uid: int | None, n: int) -> int | None:
    if owner_uid is None:
        return None
    return check_int("owner_uid", owner_uid, lo=0, hi=max(n - 1, 0))
