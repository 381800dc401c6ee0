"""Daily per-subnet TAO emission, 2025-09-14 → 2025-10-27 (``data/emission_shares_2025/``).

The source is 44 daily JSON snapshots of ``btcli subnet list --network finney`` collected by
alexlange1/alphamind-transparency (MIT); see ``data/emission_shares_2025/PROVENANCE.md``. Each value
is btcli's per-subnet ``emission`` = ``DynamicInfo.tao_in_emission``: the TAO injected into that
subnet's pool **per block** at the moment of collection (≈ 16:00 UTC), not a daily total. Before the
Dec-2025 halving the block emission was ``E = 1 τ/block``, so these values are also each subnet's
share of the TAO emission (they sum to 0.99–1.00 per day; root and zero-emission subnets are absent).

The repository ships the 44 files converted to two tidy CSVs (see :func:`convert_emission_jsons`):

``emission_shares_2025.csv``
    ``date, netuid, tao_per_block`` — one row per (day, subnet with emission > 0).
``emission_days_2025.csv``
    ``date, timestamp_utc, subnets, total_tao_per_block, tao_in_pools_tao, block, source_file,
    source_sha256`` — one row per day: when it was captured, btcli's own totals, and the sha256 of
    the raw JSON file the row came from.

:func:`load_emission_shares` reads the CSV pair (or a folder of the raw ``emissions_YYYYMMDD.json``
files) and cross-checks them: every day's values must add up to btcli's ``total_tao_per_block``.
"""

from __future__ import annotations

import csv
import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._parse import (
    date_column,
    float_column,
    int_column,
    read_csv_text,
    read_json,
    text_column,
    timestamp_column,
)
from ._paths import resolve_file, sha256_file

__all__ = [
    "DAYS_COLUMNS",
    "SHARES_COLUMNS",
    "convert_emission_jsons",
    "emission_frames_from_json",
    "load_emission_days",
    "load_emission_shares",
]

DEFAULT_SHARES = "emission_shares_2025/emission_shares_2025.csv"
"""The shipped long CSV, relative to the data folder."""

SHARES_COLUMNS: tuple[str, ...] = ("date", "netuid", "tao_per_block")
"""Columns of ``emission_shares_*.csv`` (``timestamp_utc`` may be present too)."""

DAYS_COLUMNS: tuple[str, ...] = (
    "date",
    "timestamp_utc",
    "subnets",
    "total_tao_per_block",
    "tao_in_pools_tao",
    "block",
    "source_file",
    "source_sha256",
)
"""Columns of ``emission_days_*.csv``."""

SHARES_UNITS: dict[str, str] = {
    "date": "calendar day of the capture (UTC)",
    "timestamp_utc": "instant of the capture (UTC); the values are instantaneous per-block rates",
    "netuid": "subnet id (root, netuid 0, is never present)",
    "tao_per_block": "TAO injected into the subnet's pool per block (τ/block) = btcli `emission` = tao_in_emission",
    "share": "tao_per_block / that day's total over all listed subnets (sums to exactly 1 per day)",
}

DAYS_UNITS: dict[str, str] = {
    "date": "calendar day of the capture (UTC)",
    "timestamp_utc": "instant of the capture (UTC)",
    "subnets": "number of subnets with emission > 0 in that day's file",
    "total_tao_per_block": "btcli total_emissions: sum of per-subnet τ/block (0.99–1.00; E = 1 τ/block then)",
    "tao_in_pools_tao": "btcli `total_tao_emitted`, which is really Σ tao_in over non-root pools, in TAO",
    "block": "chain block at the capture, recovered as total_tao_emitted / emission_percentage × 100",
    "source_file": "raw JSON file the row was converted from",
    "source_sha256": "sha256 of that raw JSON file",
}

_RAW_NAME = re.compile(r"^emissions_(\d{8})\.json$")
_SUM_TOLERANCE = 1e-9


# ---------------------------------------------------------------------------------------------
# Raw JSON → frames
# ---------------------------------------------------------------------------------------------
def _raw_number(path: Path, where: str, value: Any, *, nullable: bool = False) -> float:
    if value is None and nullable:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{path}: {where} must be a finite number >= 0, got {value!r}")
    return float(value)


def _read_raw_day(path: Path) -> tuple[dict[str, Any], list[tuple[int, float]]]:
    """One ``emissions_YYYYMMDD.json`` → (row of the days table, [(netuid, τ/block), ...])."""
    obj = read_json(path, "emission snapshot")
    if not isinstance(obj, dict) or not isinstance(obj.get("emissions"), dict) or not isinstance(
        obj.get("metadata"), dict
    ):
        raise ValueError(f"{path}: emission snapshot must be an object with 'emissions' and 'metadata' objects")
    meta = obj["metadata"]
    for key in ("date", "timestamp"):
        if not isinstance(meta.get(key), str):
            raise ValueError(f"{path}: metadata.{key} is missing or not a string")
    if not re.fullmatch(r"\d{8}", meta["date"]):
        raise ValueError(f"{path}: metadata.date must be YYYYMMDD, got {meta['date']!r}")
    m = _RAW_NAME.match(path.name)
    if m and m.group(1) != meta["date"]:
        raise ValueError(f"{path}: file name says {m.group(1)} but metadata.date is {meta['date']}")
    values: list[tuple[int, float]] = []
    for key, val in obj["emissions"].items():
        if not re.fullmatch(r"\d+", key) or int(key) > 65_535:
            raise ValueError(f"{path}: emissions key {key!r} is not a netuid")
        values.append((int(key), _raw_number(path, f"emissions[{key!r}]", val)))
    values.sort()
    total = meta.get("total_emission_rate")
    if total is None:
        total_f = math.fsum(v for _, v in values)
    else:
        total_f = _raw_number(path, "metadata.total_emission_rate", total)
    pools = _raw_number(path, "metadata.total_tao_emitted", meta.get("total_tao_emitted"), nullable=True)
    pct = meta.get("emission_percentage")
    block = round(pools / pct * 100) if isinstance(pct, int | float) and pct > 0 and math.isfinite(pools) else None
    d = meta["date"]
    row = {
        "date": f"{d[:4]}-{d[4:6]}-{d[6:]}",
        "timestamp_utc": meta["timestamp"],
        "subnets": len(values),
        "total_tao_per_block": total_f,
        "tao_in_pools_tao": pools,
        "block": block,
        "source_file": path.name,
        "source_sha256": sha256_file(path),
    }
    return row, values


def emission_frames_from_json(src: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Convert a folder of ``emissions_YYYYMMDD.json`` files into the (shares, days) text tables.

    Returns the two tables exactly as they are written to CSV (every cell a string, floats in
    Python's shortest round-trip ``repr``), so that writing them loses nothing.

    Raises
    ------
    FileNotFoundError
        If ``src`` is not a folder or holds no ``emissions_*.json``.
    ValueError
        If a file is not valid JSON, lacks ``emissions``/``metadata``, or has a bad value.
    """
    folder = Path(src).expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"emission snapshots: {folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if _RAW_NAME.match(p.name))
    if not files:
        raise FileNotFoundError(f"emission snapshots: folder {folder} holds no emissions_YYYYMMDD.json")
    share_rows: list[dict[str, str]] = []
    day_rows: list[dict[str, str]] = []
    for f in files:
        day, values = _read_raw_day(f)
        share_rows.extend({"date": day["date"], "netuid": str(n), "tao_per_block": repr(v)} for n, v in values)
        day_rows.append({k: _cell(v) for k, v in day.items()})
    shares = pd.DataFrame(share_rows, columns=list(SHARES_COLUMNS), dtype=object)
    days = pd.DataFrame(day_rows, columns=list(DAYS_COLUMNS), dtype=object)
    return shares, days


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return repr(v) if isinstance(v, float) else str(v)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(df.columns)
        w.writerows(df.itertuples(index=False, name=None))


def convert_emission_jsons(
    src: str | os.PathLike[str], out: str | os.PathLike[str], *, name: str = "2025"
) -> tuple[Path, Path]:
    """Write ``emission_shares_<name>.csv`` and ``emission_days_<name>.csv`` from raw JSON snapshots.

    This is how the shipped CSVs were made (``python -m dtao_lib.data convert-emissions SRC --out DIR``).

    Returns
    -------
    tuple of Path
        The shares and the days CSV.
    """
    shares, days = emission_frames_from_json(src)
    out_dir = Path(out).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    shares_path = out_dir / f"emission_shares_{name}.csv"
    days_path = out_dir / f"emission_days_{name}.csv"
    _write_csv(shares, shares_path)
    _write_csv(days, days_path)
    return shares_path, days_path


# ---------------------------------------------------------------------------------------------
# Typed loaders
# ---------------------------------------------------------------------------------------------
def _typed_days(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    df = pd.DataFrame({
        "date": date_column(raw, "date", path),
        "timestamp_utc": timestamp_column(raw, "timestamp_utc", path),
        "subnets": int_column(raw, "subnets", path, lo=0),
        "total_tao_per_block": float_column(raw, "total_tao_per_block", path, lo=0.0, hi=1.0,
                                            unit="TAO per block, at most the 1 TAO block emission"),
        "tao_in_pools_tao": float_column(raw, "tao_in_pools_tao", path, nullable=True, lo=0.0, hi=21e6,
                                         unit="TAO, not rao"),
        "block": int_column(raw, "block", path, nullable=True, lo=0),
        "source_file": text_column(raw, "source_file", nullable=True),
        "source_sha256": text_column(raw, "source_sha256", nullable=True),
    })
    dup = df["date"].duplicated()
    if dup.any():
        raise ValueError(f"{path}: date {df['date'][dup].iloc[0].date()} appears more than once")
    df = df.sort_values("date", ignore_index=True)
    df.attrs = {"units": dict(DAYS_UNITS), "source": str(path)}
    return df


def _typed_shares(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    df = pd.DataFrame({
        "date": date_column(raw, "date", path),
        "netuid": int_column(raw, "netuid", path, lo=0, hi=65_535),
        "tao_per_block": float_column(raw, "tao_per_block", path, lo=0.0, hi=1.0,
                                      unit="TAO per block, at most the 1 TAO block emission"),
    })
    if "timestamp_utc" in raw.columns:
        df.insert(1, "timestamp_utc", timestamp_column(raw, "timestamp_utc", path))
    dup = df.duplicated(["date", "netuid"])
    if dup.any():
        first = df[dup].iloc[0]
        raise ValueError(f"{path}: netuid {first['netuid']} appears more than once on {first['date'].date()}")
    return df


def load_emission_days(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The per-day table of the emission snapshots (``emission_days_2025.csv``).

    Parameters
    ----------
    path
        The CSV, a folder holding ``emission_days_*.csv``, or ``None`` for the shipped file.

    Returns
    -------
    pandas.DataFrame
        One row per day, sorted by date: ``date`` (datetime64), ``timestamp_utc`` (datetime64, UTC),
        ``subnets`` (int64), ``total_tao_per_block`` (float64, τ/block), ``tao_in_pools_tao``
        (float64, TAO; Σ ``tao_in`` over non-root pools), ``block`` (Int64), ``source_file``,
        ``source_sha256`` (string). Units in ``df.attrs["units"]``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a column is missing, a value does not parse or is negative, or a date repeats.
    """
    p = resolve_file(
        path, DEFAULT_SHARES.replace("emission_shares_2025.csv", "emission_days_2025.csv"), "emission days",
        pattern="emission_days_*.csv",
    )
    return _typed_days(read_csv_text(p, "emission days table", DAYS_COLUMNS), p)


def _cross_check(shares: pd.DataFrame, days: pd.DataFrame, shares_src: str, days_src: str) -> None:
    per_day = shares.groupby("date")["tao_per_block"].agg(["size", "sum"])
    only_shares = per_day.index.difference(days["date"])
    if len(only_shares):
        raise ValueError(f"{shares_src}: date {only_shares[0].date()} has no row in {days_src}")
    d = days.set_index("date")
    for date, row in d.iterrows():
        n, total = (per_day.loc[date, "size"], per_day.loc[date, "sum"]) if date in per_day.index else (0, 0.0)
        if n != row["subnets"]:
            raise ValueError(f"{shares_src}: {date.date()} has {n} subnet rows but {days_src} says {row['subnets']}")
        if abs(total - row["total_tao_per_block"]) > _SUM_TOLERANCE:
            raise ValueError(
                f"{shares_src}: {date.date()} values sum to {float(total)!r} τ/block but {days_src} records "
                f"total_tao_per_block = {float(row['total_tao_per_block'])!r}"
            )


def _finish_shares(shares: pd.DataFrame, days: pd.DataFrame | None, source: str) -> pd.DataFrame:
    if "timestamp_utc" not in shares.columns:
        assert days is not None
        shares = shares.merge(days[["date", "timestamp_utc"]], on="date", how="left", validate="many_to_one")
    totals = shares.groupby("date")["tao_per_block"].transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, shares["tao_per_block"].to_numpy() / np.where(totals > 0, totals, 1.0), np.nan)
    out = shares.assign(share=share)[["date", "timestamp_utc", "netuid", "tao_per_block", "share"]]
    out = out.sort_values(["date", "netuid"], ignore_index=True)
    out.attrs = {"units": dict(SHARES_UNITS), "source": source}
    return out


def load_emission_shares(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Per-subnet TAO emission per block, one row per (day, subnet), 2025-09-14 → 2025-10-27.

    Parameters
    ----------
    path
        ``None`` for the shipped ``emission_shares_2025.csv``; another ``emission_shares_*.csv``
        (its ``emission_days_*.csv`` sibling must sit next to it unless the file has a
        ``timestamp_utc`` column); or a folder holding either that CSV pair or raw
        ``emissions_YYYYMMDD.json`` snapshots (as published upstream).

    Returns
    -------
    pandas.DataFrame
        Tidy long format sorted by ``date, netuid``:

        ``date`` (datetime64), ``timestamp_utc`` (datetime64, UTC), ``netuid`` (int64),
        ``tao_per_block`` (float64, τ/block injected into the pool — btcli's ``emission``),
        ``share`` (float64, ``tao_per_block`` divided by that day's total, so it sums to 1 per day).

        Units in ``df.attrs["units"]``. Root (netuid 0) and subnets with zero emission at the moment
        of capture are absent; the raw values sum to 0.99–1.00 τ/block per day (``E = 1 τ/block``).

    Raises
    ------
    FileNotFoundError
        If the file (or the days file beside it) does not exist.
    ValueError
        On a missing column, an unparsable or negative value, a repeated (date, netuid), or when a
        day's values do not add up to the total recorded for that day.

    Examples
    --------
    >>> df = load_emission_shares()
    >>> df["date"].nunique(), len(df)
    (44, 5431)
    """
    if path is not None and Path(path).is_dir() and any(_RAW_NAME.match(p.name) for p in Path(path).iterdir()):
        shares_txt, days_txt = emission_frames_from_json(path)
        src = str(Path(path))
        days = _typed_days(days_txt, Path(src))
        shares = _typed_shares(shares_txt, Path(src))
        _cross_check(shares, days, src, src)
        return _finish_shares(shares, days, src)
    p = resolve_file(path, DEFAULT_SHARES, "emission shares", pattern="emission_shares_*.csv")
    shares = _typed_shares(read_csv_text(p, "emission shares table", SHARES_COLUMNS), p)
    days: pd.DataFrame | None = None
    days_path = p.with_name(p.name.replace("emission_shares", "emission_days", 1))
    if days_path != p and days_path.is_file():
        days = load_emission_days(days_path)
        _cross_check(shares, days, str(p), str(days_path))
    elif "timestamp_utc" not in shares.columns:
        raise FileNotFoundError(
            f"emission shares: {p} has no timestamp_utc column and its day table {days_path} does not exist"
        )
    return _finish_shares(shares, days, str(p))
