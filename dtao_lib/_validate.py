"""Input checks shared by every public function.

Every public function in :mod:`dtao_lib` validates its inputs with these helpers so that bad
input fails the same way everywhere: a :class:`TypeError` for the wrong kind of value and a
:class:`ValueError` that names the parameter and the allowed range, e.g.
``ValueError: tao_in must be a finite number >= 0, got -1``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "U64_MAX",
    "check_array",
    "check_bool",
    "check_choice",
    "check_fraction",
    "check_frame",
    "check_int",
    "check_int_array",
    "check_path",
    "check_real",
    "check_str",
    "check_u16_fraction",
    "freeze_arrays",
    "readonly",
]

U64_MAX = 2**64 - 1
"""Default upper bound of :func:`check_int`: on chain amounts, blocks and counters are at most u64."""


def _describe(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi}"
    return "finite"


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` as a Python ``bool`` or raise :class:`TypeError`.

    Only ``bool`` and ``numpy.bool_`` are flags: the string ``'False'`` (truthy!), ``0``/``1`` and
    ``None`` are rejected rather than read by truthiness.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be a bool (True or False), got {type(value).__name__} {value!r}")


def check_choice(name: str, value: Any, options: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``options`` (compared with ``==``, strings only to strings)."""
    for opt in options:
        if type(opt) is type(value) and opt == value:
            return value
    allowed = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def readonly(arr: np.ndarray) -> np.ndarray:
    """A read-only copy of ``arr`` (for arrays held by frozen dataclasses)."""
    out = np.array(arr, copy=True)
    out.setflags(write=False)
    return out


def freeze_arrays(obj: Any) -> None:
    """Replace every writable numpy array field of the frozen dataclass ``obj`` by a read-only copy.

    Call at the end of ``__post_init__``: a frozen dataclass whose arrays can be edited in place is
    not frozen (a validated state edited afterwards would skip the checks).
    """
    for name, value in list(vars(obj).items()):
        if isinstance(value, np.ndarray) and value.flags.writeable:
            object.__setattr__(obj, name, readonly(value))


def check_int(
    name: str,
    value: Any,
    *,
    lo: int | None = 0,
    hi: int | None = U64_MAX,
) -> int:
    """Return ``value`` as a Python ``int`` or raise.

    Integers (``int`` or numpy integer) are accepted; ``bool`` and floats are rejected with a
    :class:`TypeError` because on chain these quantities are integers (rao, blocks, u16). The
    default range is [0, u64::MAX]; pass ``hi=None`` (and ``lo=None``) for an unbounded integer.
    """
    if type(value) is int:  # the common case, without the (slow) abstract-base-class check
        v = value
    elif isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    else:
        v = int(value)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if hi == U64_MAX and lo is not None:  # the default cap: keep ">= lo" readable
            rng = f">= {lo} and <= u64::MAX ({U64_MAX})"
        else:
            rng = _describe(lo, hi, False, False)
        raise ValueError(f"{name} must be an integer {rng}, got {v}")
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
    """Return ``value`` as a finite ``float`` within the given bounds or raise.

    Python and numpy reals (``np.float64``, ``np.int64``, ``Fraction``, ...) are accepted; ``bool``,
    strings and complex numbers are rejected with a :class:`TypeError`, NaN, infinities and integers
    too large for a float with a :class:`ValueError`.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    rng = _describe(lo, hi, lo_open, hi_open)
    try:
        v = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number {rng}, got {value!r}") from None
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

    ``shape`` may contain ``None`` for "any length" in that dimension. Strings, booleans, complex
    numbers and ragged nested lists are rejected with a :class:`TypeError` (numpy would otherwise
    read ``"1.5"`` as 1.5 and ``True`` as 1).
    """
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__} {values!r}")
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if raw.dtype.kind == "O":
        flat = raw.ravel().tolist()
        for x in flat:
            if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
                raise TypeError(f"{name} must contain only real numbers, got {type(x).__name__} {x!r}")
        try:
            arr = np.array([float(x) for x in flat], dtype=np.float64).reshape(raw.shape)
        except OverflowError:
            raise ValueError(f"{name} must contain only finite numbers, got an integer too large for a float") from None
    elif raw.dtype.kind in "iuf":
        if not isinstance(values, np.ndarray) and raw.size and any(
                isinstance(x, bool | np.bool_) for x in np.asarray(values, dtype=object).ravel().tolist()):
            # numpy reads [True, 8.0] as [1.0, 8.0]: a flag among numbers is a mistake, not 1
            raise TypeError(f"{name} must contain only real numbers, got a bool in {values!r}"[:300])
        arr = raw.astype(np.float64, copy=False)
    else:
        kind = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes"}.get(raw.dtype.kind, raw.dtype)
        raise TypeError(f"{name} must be an array of real numbers, got {kind}")
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
            raise ValueError(f"{name} must contain numbers {rng}, got min {float(arr.min())!r}")
        if hi is not None and (np.any(arr >= hi) if hi_open else np.any(arr > hi)):
            raise ValueError(f"{name} must contain numbers {rng}, got max {float(arr.max())!r}")
    return arr


def check_int_array(
    name: str,
    values: Any,
    *,
    lo: int | None = 0,
    hi: int | None = U64_MAX,
    ndim: int | None = 1,
    min_size: int = 0,
    max_size: int | None = None,
) -> np.ndarray:
    """Return ``values`` as an integer array after checking dimension, size, wholeness and bounds.

    Elements may be integers (Python or numpy) or whole floats (``1000.0`` is 1000; ``1000.5`` is
    rejected with a :class:`ValueError` rather than truncated); booleans, strings, complex numbers and
    other objects are rejected with a :class:`TypeError`, NaN and infinities with a :class:`ValueError`.
    The bounds are compared exactly (as Python integers). The result is ``int64`` when every element
    fits, else ``uint64`` when every element is in [0, u64::MAX], else an object array of Python ints;
    ``.tolist()`` gives Python ints in every case. ``max_size`` caps the number of elements (grids whose
    size sets the running time).
    """
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be an array of integers, got {type(values).__name__} {values!r}")
    try:  # a list is read element by element: numpy would turn [np.int8(1), np.uint64(2**64 - 1)] into floats
        raw = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of integers ({exc})") from None
    if hi == U64_MAX and lo is not None:
        rng = f">= {lo} and <= u64::MAX ({U64_MAX})"
    else:
        rng = _describe(lo, hi, False, False)
    if raw.dtype.kind == "O":
        ints = []
        for x in raw.ravel().tolist():
            if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
                raise TypeError(f"{name} must contain only integers, got {type(x).__name__} {x!r}")
            if isinstance(x, numbers.Integral):
                ints.append(int(x))
                continue
            try:
                whole = x == math.floor(x)
            except (OverflowError, ValueError):  # infinity, NaN
                whole = False
            if not whole:
                raise ValueError(f"{name} must contain whole numbers {rng} (finite), got {x!r}")
            ints.append(int(x))
        flat = ints
    elif raw.dtype.kind in "iu":
        flat = None
    elif raw.dtype.kind == "f":
        if raw.size and not np.all(np.isfinite(raw)):
            raise ValueError(f"{name} must contain whole numbers {rng} (finite), got NaN or infinity")
        if raw.size and np.any(raw != np.floor(raw)):
            bad = raw[raw != np.floor(raw)].ravel()[0]
            raise ValueError(f"{name} must contain whole numbers {rng}, got {bad.item()!r}")
        flat = [int(x) for x in raw.ravel().tolist()]
    else:
        kind = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes"}.get(raw.dtype.kind, raw.dtype)
        raise TypeError(f"{name} must be an array of integers, got {kind}")
    if ndim is not None and raw.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {raw.shape}")
    if raw.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {raw.size}")
    if max_size is not None and raw.size > max_size:
        raise ValueError(f"{name} must have at most {max_size} elements, got {raw.size}")
    if raw.size == 0:
        return np.zeros(raw.shape, dtype=np.int64)
    if flat is None:
        vmin, vmax = int(raw.min()), int(raw.max())
    else:
        vmin, vmax = min(flat), max(flat)
    if lo is not None and vmin < lo:
        raise ValueError(f"{name} must contain integers {rng}, got min {vmin}")
    if hi is not None and vmax > hi:
        raise ValueError(f"{name} must contain integers {rng}, got max {vmax}")
    if flat is None:
        return raw.astype(np.int64 if vmax < 2**63 else np.uint64)  # a copy: the caller's array is never aliased
    if -(2**63) <= vmin and vmax < 2**63:
        return np.array(flat, dtype=np.int64).reshape(raw.shape)
    if vmin >= 0 and vmax <= U64_MAX:
        return np.array(flat, dtype=np.uint64).reshape(raw.shape)
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(raw.shape)


def check_str(name: str, value: Any, *, allow_empty: bool = False) -> str:
    """Return ``value`` if it is a ``str`` (``numpy.str_`` too) or raise :class:`TypeError`.

    Empty strings are rejected with a :class:`ValueError` unless ``allow_empty``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r}")
    if not value and not allow_empty:
        raise ValueError(f"{name} must be a non-empty string, got ''")
    return str(value)


def check_frame(name: str, value: Any, columns: Sequence[str] = ()) -> Any:
    """Return ``value`` if it is a :class:`pandas.DataFrame` holding ``columns``, else raise.

    A :class:`TypeError` for anything that is not a DataFrame, a :class:`ValueError` naming the missing
    columns otherwise (e.g. a snapshot passed without its ``netuid`` column).
    """
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(value).__name__}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; it has {list(value.columns)}")
    return value


def check_path(name: str, value: Any) -> Path:
    """``value`` (a ``str`` or ``os.PathLike``) as a :class:`~pathlib.Path`, else a :class:`TypeError` naming ``name``.

    An empty string is a :class:`ValueError` (it would silently mean the current directory).
    """
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        if isinstance(value, str) and not value:
            raise ValueError(f"{name} must be a path, got ''")
        return Path(value)
    raise TypeError(f"{name} must be a path (str or pathlib.Path), got {type(value).__name__} {value!r}")
