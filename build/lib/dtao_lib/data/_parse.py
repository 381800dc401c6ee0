"""Strict column parsers for the data loaders.

CSV files are read with every cell as text (no automatic ``NA`` guessing, so a subnet named ``"None"``
stays a name) and each column is then converted by one of these helpers. Errors are ``ValueError``
naming the file, the column, the line (the header is line 1) and the offending text, e.g.
``ValueError: data/x.csv: column 'tau_in' line 7: must be a number >= 0, got '-3.5'``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "bool_column",
    "date_column",
    "float_column",
    "int_column",
    "read_csv_text",
    "read_json",
    "text_column",
    "timestamp_column",
]

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def read_csv_text(path: Path, what: str, required: Sequence[str]) -> pd.DataFrame:
    """Read a CSV with every cell as ``str`` and check that the ``required`` columns are present.

    Raises
    ------
    ValueError
        If the file is not UTF-8 CSV, has no header, no data rows, or lacks a required column.
    """
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: {what} file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: not a readable UTF-8 CSV file ({exc})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(
            f"{path}: {what} is missing required column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(repr, df.columns))}"
        )
    if df.empty:
        raise ValueError(f"{path}: {what} has a header but no data rows")
    return df


class _NonFinite:
    """Stands for a ``NaN``/``Infinity`` literal while parsing (JSON has no such numbers)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _find_non_finite(node: Any, where: str) -> tuple[str, str] | None:
    if isinstance(node, _NonFinite):
        return where, node.text
    if isinstance(node, dict):
        label = f"{where} (id {node['id']!r})" if isinstance(node.get("id"), str) and where else where
        for k, v in node.items():
            found = _find_non_finite(v, f"{label}.{k}" if label else str(k))
            if found:
                return found
    if isinstance(node, list):
        for i, v in enumerate(node):
            found = _find_non_finite(v, f"{where}[{i}]")
            if found:
                return found
    return None


def read_json(path: Path, what: str) -> Any:
    """Parse a JSON file, turning decoding errors into a ``ValueError`` that names the file.

    ``NaN``, ``Infinity`` and ``-Infinity`` literals (which Python's ``json`` accepts but JSON does
    not have) are rejected with the field they sit in, e.g. ``vectors[3] (id 'SW-02').expected.tao_out``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_NonFinite)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: {what} is not UTF-8 text ({exc})") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ValueError(f"{path}: {what} is not valid JSON ({exc.msg} at {where})") from None
    found = _find_non_finite(data, "")
    if found:
        field, text = found
        raise ValueError(f"{path}: field {field or '(top level)'} is {text}: a {what} holds finite numbers only")
    return data


def _fail(path: Path, col: str, pos: int, msg: str, raw: str) -> ValueError:
    return ValueError(f"{path}: column {col!r} line {pos + 2}: {msg}, got {raw!r}")


def float_column(
    df: pd.DataFrame, col: str, path: Path, *, nullable: bool = False, lo: float | None = None,
    hi: float | None = None, unit: str = "",
) -> pd.Series:
    """Column ``col`` as finite ``float64`` (``NaN`` for empty cells when ``nullable``), each in ``[lo, hi]``.

    ``hi`` catches files in the wrong unit (rao where TAO is expected is 1e9 times too large);
    ``unit`` names the expected unit in the message.
    """
    rng = "".join([f" >= {lo:g}" if lo is not None else "", f" and <= {hi:g}" if hi is not None else "",
                   f" ({unit})" if unit else ""])
    out = np.empty(len(df), dtype=np.float64)
    for pos, raw in enumerate(df[col].tolist()):
        s = raw.strip()
        if s == "" and nullable:
            out[pos] = math.nan
            continue
        try:
            v = float(s)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
            raise _fail(path, col, pos, f"must be a finite number{rng}" + (" or empty" if nullable else ""), raw)
        out[pos] = v
    return pd.Series(out, index=df.index, name=col)


def int_column(
    df: pd.DataFrame,
    col: str,
    path: Path,
    *,
    nullable: bool = False,
    lo: int | None = 0,
    hi: int | None = None,
) -> pd.Series:
    """Column ``col`` as ``int64`` (``Int64`` with ``<NA>`` for empty cells when ``nullable``)."""
    vals: list[int | None] = []
    for pos, raw in enumerate(df[col].tolist()):
        s = raw.strip()
        if s == "" and nullable:
            vals.append(None)
            continue
        try:
            f = float(s)
            ok = math.isfinite(f) and f == int(f)
        except ValueError:
            ok = False
        if ok:
            v = int(f)
            ok = (lo is None or v >= lo) and (hi is None or v <= hi)
        if not ok:
            bounds = "".join([f" >= {lo}" if lo is not None else "", f" <= {hi}" if hi is not None else ""])
            raise _fail(path, col, pos, f"must be an integer{bounds}" + (" or empty" if nullable else ""), raw)
        vals.append(v)
    dtype = "Int64" if nullable else "int64"
    return pd.Series(pd.array(vals, dtype=dtype), index=df.index, name=col)


def bool_column(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    """Column ``col`` as ``bool`` (``True``/``False``, case-insensitive; also ``1``/``0``)."""
    out: list[bool] = []
    for pos, raw in enumerate(df[col].tolist()):
        s = raw.strip().lower()
        if s in _TRUE:
            out.append(True)
        elif s in _FALSE:
            out.append(False)
        else:
            raise _fail(path, col, pos, "must be True or False", raw)
    return pd.Series(out, index=df.index, name=col, dtype=bool)


def text_column(df: pd.DataFrame, col: str, *, nullable: bool = False) -> pd.Series:
    """Column ``col`` as pandas ``string`` dtype (``<NA>`` for empty cells when ``nullable``)."""
    s = df[col].astype("string")
    if nullable:
        s = s.mask(s.str.strip() == "", pd.NA)
    return s


def date_column(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    """Column ``col`` (``YYYY-MM-DD``) as ``datetime64`` at midnight."""
    parsed = pd.to_datetime(df[col].str.strip(), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(path, col, pos, "must be a date YYYY-MM-DD", df[col].iloc[pos])
    return parsed.rename(col)


def timestamp_column(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    """Column ``col`` (ISO-8601 with offset) as timezone-aware UTC ``datetime64``."""
    parsed = pd.to_datetime(df[col].str.strip(), utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(path, col, pos, "must be an ISO-8601 timestamp", df[col].iloc[pos])
    return parsed.rename(col)
