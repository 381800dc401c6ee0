"""Input checks shared by every public function.

Every public function in :mod:`dtao_lib` validates its inputs with these helpers so that bad
input fails the same way everywhere: a :class:`TypeError` for the wrong kind of value and a
:class:`ValueError` that names the parameter and the allowed range, e.g.
``ValueError: tao_in must be a finite number >= 0, got -1``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_fraction",
    "check_int",
    "check_real",
    "check_u16_fraction",
]


def _describe(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi}"
    return "finite"


def check_int(
    name: str,
    value: Any,
    *,
    lo: int | None = 0,
    hi: int | None = None,
) -> int:
    """Return ``value`` as a Python ``int`` or raise.

    Integers (``int`` or numpy integer) are accepted; ``bool`` and floats are rejected with a
    :class:`TypeError` because on chain these quantities are integers (rao, blocks, u16).
    """
    if type(value) is int:  # the common case, without the (slow) abstract-base-class check
        v = value
    elif isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    else:
        v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"{name} must be an integer {_describe(lo, hi, False, False)}, got {v}")
    return v


def check_real(
    name: str,
    value: Any,
    *,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` within the given bounds or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    v = float(value)
    rng = _describe(lo, hi, lo_open, hi_open)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number {rng}, got {v}")
    bad_lo = lo is not None and (v <= lo if lo_open else v < lo)
    bad_hi = hi is not None and (v >= hi if hi_open else v > hi)
    if bad_lo or bad_hi:
        raise ValueError(f"{name} must be a finite number {rng}, got {value!r}")
    return v


def check_fraction(name: str, value: Any) -> float:
    """A fraction in the closed interval [0, 1]."""
    return check_real(name, value, lo=0.0, hi=1.0)


def check_u16_fraction(name: str, value: Any) -> float:
    """A fraction the chain stores as a u16 (``value/65535``): a real number in [0, 1], or the raw u16.

    Integers above 1 are read as the raw u16 the chain stores (e.g. ``kappa=32767`` or
    ``owner_cut=11796``) and divided by 65535; anything else must be a fraction in [0, 1].
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) > 1:
        return check_int(name, value, lo=0, hi=65_535) / 65_535
    return check_fraction(name, value)


def check_array(
    name: str,
    values: Any,
    *,
    ndim: int | None = 1,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    hi_open: bool = False,
    shape: Sequence[int | None] | None = None,
    min_size: int = 0,
) -> np.ndarray:
    """Return ``values`` as a float64 array after checking dimension, shape, finiteness and bounds.

    ``shape`` may contain ``None`` for "any length" in that dimension.
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and (
        len(shape) != arr.ndim or any(s is not None and s != a for s, a in zip(shape, arr.shape, strict=False))
    ):
        want = "×".join("n" if s is None else str(s) for s in shape)
        raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {arr.size}")
    if arr.size:
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite numbers, got NaN or infinity")
        rng = _describe(lo, hi, lo_open, hi_open)
        if lo is not None and (np.any(arr <= lo) if lo_open else np.any(arr < lo)):
            raise ValueError(f"{name} must contain numbers {rng}, got min {arr.min()!r}")
        if hi is not None and (np.any(arr >= hi) if hi_open else np.any(arr > hi)):
            raise ValueError(f"{name} must contain numbers {rng}, got max {arr.max()!r}")
    return arr
