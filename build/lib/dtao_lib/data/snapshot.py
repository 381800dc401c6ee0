"""Every subnet's pool state on 2026-04-11 (``data/subnets_2026-04-11/``).

The shipped file is ``subnets_snapshot_2026-04-11.csv`` from sudoHayato/bittensor-research (MIT),
copied byte for byte; see ``data/subnets_2026-04-11/PROVENANCE.md``. It was made with the
``bittensor`` SDK's ``all_subnets()`` (one ``DynamicInfo`` per subnet) and the ``Burn`` storage item;
:mod:`dtao_lib.data.refresh` writes new snapshots in the same format.

:func:`load_subnet_snapshot` renames the columns so that each carries its unit, and adds the
derived columns of spec §7 (ADR):

=====================================  ========================================================
column                                 meaning (unit)
=====================================  ========================================================
``tao_in_tao``                         TAO reserve of the pool (TAO) — CSV ``tau_in``
``alpha_in_alpha``                     alpha reserve of the pool (alpha) — CSV ``alpha_in``
``alpha_out_alpha``                    alpha outside the pool, staked or held (alpha)
``total_alpha_alpha``                  ``alpha_in + alpha_out`` (alpha)
``price_tao_per_alpha``                price reported by the chain, ``DynamicInfo.price`` (τ/α)
``spot_price_tao_per_alpha``           reserve ratio ``tao_in / alpha_in`` (τ/α)
``price_spot_gap_rel``                 ``price / spot − 1`` (dimensionless; up to ≈ −15 %)
``moving_price_tao_per_alpha``         the chain's EMA price (spec §3.3) (τ/α; NaN for 0 and 96)
``adr``                                ``alpha_out / alpha_in`` (dimensionless, spec §7)
``liquidation_price_tao_per_alpha``    ``tao_in / alpha_out`` = spot / ADR (τ/α)
``haircut``                            ``1 − 1/ADR`` (fraction; negative when ADR < 1)
=====================================  ========================================================

ADR, liquidation price and haircut are computed with :mod:`dtao_lib.adr` (``adr``,
``liquidation_price``, ``haircut``) on the rows where they are defined. The derived columns are
``NaN`` for root (netuid 0, not an AMM pool; its price is 1 by definition) and, for
``liquidation_price`` and ``haircut``, wherever ``alpha_out`` is 0 (netuid 96 in the snapshot: a
subnet that had just registered). These use the classic denominator ``α_out``; the HEAD variant with
protocol alpha (:func:`dtao_lib.adr.liquidation_price_head`) needs ``SubnetProtocolAlpha``, which the
snapshot does not have.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import adr as _adr
from .._validate import check_int
from ._parse import bool_column, float_column, int_column, read_csv_text, text_column
from ._paths import resolve_file

__all__ = [
    "SNAPSHOT_COLUMNS",
    "SubnetState",
    "load_subnet_snapshot",
    "subnet_state",
]

DEFAULT_SNAPSHOT = "subnets_2026-04-11/subnets_snapshot_2026-04-11.csv"
"""The shipped snapshot, relative to the data folder."""

SNAPSHOT_COLUMNS: tuple[str, ...] = (
    "netuid",
    "name",
    "symbol",
    "emission_tao_day",
    "net_flow_7d",
    "reg_cost_tao",
    "market_cap_tao",
    "price_tao",
    "tau_in",
    "alpha_in",
    "alpha_out",
    "total_alpha",
    "subnet_volume",
    "immunity_period",
    "tempo",
    "is_dynamic",
    "moving_price",
    "owner_hk",
    "github",
)
"""The CSV format, in file order (the upstream scraper's ``csv_fields``; refresh writes the same)."""

_OPTIONAL = frozenset({"net_flow_7d"})  # always empty upstream; dropped by the loader

UNITS: dict[str, str] = {
    "netuid": "subnet id (0 = root)",
    "name": "subnet name (identity, else chain name)",
    "symbol": "token symbol",
    "is_dynamic": "dTAO subnet with an AMM pool (False only for root)",
    "tao_in_tao": "TAO reserve of the pool, TAO",
    "alpha_in_alpha": "alpha reserve of the pool, alpha",
    "alpha_out_alpha": "alpha outside the pool (staked or held), alpha",
    "total_alpha_alpha": "alpha_in + alpha_out, alpha",
    "price_tao_per_alpha": "chain-reported price DynamicInfo.price, TAO per alpha (root: 1)",
    "spot_price_tao_per_alpha": "reserve ratio tao_in / alpha_in, TAO per alpha",
    "price_spot_gap_rel": "price / spot − 1, dimensionless",
    "moving_price_tao_per_alpha": "chain EMA price DynamicInfo.moving_price, TAO per alpha (NaN if not reported)",
    "adr": "alpha distribution ratio alpha_out / alpha_in, dimensionless (spec §7)",
    "liquidation_price_tao_per_alpha": "tao_in / alpha_out = spot / ADR, TAO per alpha (spec §7)",
    "haircut": "1 − 1/ADR, fraction of spot value lost at liquidation (negative when ADR < 1)",
    "market_cap_tao": "total_alpha × price, TAO",
    "subnet_volume": "DynamicInfo.subnet_volume, cumulative traded volume; unit not stated (probably alpha)",
    "emission_estimate_tao_per_day": "the author's heuristic, τ/day; NOT chain issuance (sums to ≈ 6 676 τ/day)",
    "neuron_burn_tao": "Burn[netuid]: neuron (UID) registration burn on the subnet, TAO — NOT the subnet lock cost",
    "immunity_period_blocks": "neuron immunity period, blocks (12 s)",
    "tempo_blocks": "blocks between epochs",
    "owner_hotkey": "subnet owner hotkey, SS58",
    "github": "GitHub repository from the subnet identity (may be missing)",
}

_RENAME: dict[str, str] = {
    "tau_in": "tao_in_tao",
    "alpha_in": "alpha_in_alpha",
    "alpha_out": "alpha_out_alpha",
    "total_alpha": "total_alpha_alpha",
    "price_tao": "price_tao_per_alpha",
    "moving_price": "moving_price_tao_per_alpha",
    "emission_tao_day": "emission_estimate_tao_per_day",
    "reg_cost_tao": "neuron_burn_tao",
    "immunity_period": "immunity_period_blocks",
    "tempo": "tempo_blocks",
    "owner_hk": "owner_hotkey",
}

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_TOTAL_ALPHA_ABS_TOL = 1e-3  # each value is rounded to 4 decimals upstream


# ---------------------------------------------------------------------------------------------
# Derived quantities (spec §7): dtao_lib.adr on the rows where they are defined, NaN elsewhere
# ---------------------------------------------------------------------------------------------
def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with ``NaN`` where ``den`` is 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _where(mask: np.ndarray, fn: Callable[..., Any], *args: np.ndarray) -> np.ndarray:
    """``fn(*args)`` on the rows selected by ``mask`` (where it is defined), ``NaN`` on the others."""
    out = np.full(mask.shape, np.nan)
    if mask.any():
        out[mask] = fn(*(np.asarray(a, dtype=np.float64)[mask] for a in args))
    return out


# ---------------------------------------------------------------------------------------------
# Loader
# ---------------------------------------------------------------------------------------------
_SUPPLY = 21_000_000.0  # TAO (and a subnet's alpha) supply cap, spec §0.1
_MAX_PRICE = 1e6  # the swap pallet's max_price, 1e15 rao = 1e6 TAO per alpha
_MAX_TAO_PER_DAY = 7_200.0  # at most 1 TAO per block, 7 200 blocks a day (spec §1)


def _typed(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    f = float_column
    df = pd.DataFrame({
        "netuid": int_column(raw, "netuid", path, lo=0, hi=65_535),
        "name": text_column(raw, "name"),
        "symbol": text_column(raw, "symbol"),
        "is_dynamic": bool_column(raw, "is_dynamic", path),
        "tau_in": f(raw, "tau_in", path, lo=0.0, hi=_SUPPLY, unit="TAO, not rao"),
        "alpha_in": f(raw, "alpha_in", path, lo=0.0, hi=_SUPPLY, unit="alpha, not rao"),
        "alpha_out": f(raw, "alpha_out", path, lo=0.0, hi=_SUPPLY, unit="alpha, not rao"),
        "total_alpha": f(raw, "total_alpha", path, lo=0.0, hi=2 * _SUPPLY, unit="alpha, not rao"),
        "price_tao": f(raw, "price_tao", path, lo=0.0, hi=_MAX_PRICE, unit="TAO per alpha"),
        "moving_price": f(raw, "moving_price", path, nullable=True, lo=0.0, hi=_MAX_PRICE, unit="TAO per alpha"),
        "market_cap_tao": f(raw, "market_cap_tao", path, nullable=True, lo=0.0),
        "subnet_volume": f(raw, "subnet_volume", path, nullable=True, lo=0.0),
        "emission_tao_day": f(raw, "emission_tao_day", path, nullable=True, lo=0.0, hi=_MAX_TAO_PER_DAY,
                              unit="TAO per day"),
        "reg_cost_tao": f(raw, "reg_cost_tao", path, nullable=True, lo=0.0, hi=_SUPPLY, unit="TAO, not rao"),
        "immunity_period": int_column(raw, "immunity_period", path, nullable=True, lo=0),
        "tempo": int_column(raw, "tempo", path, lo=0),
        "owner_hk": text_column(raw, "owner_hk"),
        "github": text_column(raw, "github", nullable=True),
    })
    dup = df["netuid"].duplicated()
    if dup.any():
        raise ValueError(f"{path}: netuid {int(df['netuid'][dup].iloc[0])} appears more than once")
    # Units: the chain's price is the reserve ratio times the pool's weight ratio w1/w2 ∈ [1/99, 99]
    # (spec §4.3; equal to the ratio up to fees and rounding before the Balancer): a price column in
    # rao per alpha (1e9 × too large) or reserves in rao are caught here.
    dyn = df["is_dynamic"].to_numpy() & (df["alpha_in"].to_numpy() > 0) & (df["tau_in"].to_numpy() > 0)
    ratio = df["price_tao"].to_numpy()[dyn] / (df["tau_in"].to_numpy()[dyn] / df["alpha_in"].to_numpy()[dyn])
    off = (ratio > 99 * 1.01) | ((ratio < 1 / (99 * 1.01)) & (df["price_tao"].to_numpy()[dyn] > 0))
    if off.any():
        r = df[dyn][off].iloc[0]
        raise ValueError(
            f"{path}: netuid {int(r['netuid'])}: column 'price_tao' {float(r['price_tao'])!r} is "
            f"{float(ratio[off][0]):.3g} × the reserve ratio tau_in/alpha_in; prices must be in TAO per alpha and "
            f"reserves in TAO and alpha (a weighted pool's price is within 1/99…99 × the ratio)"
        )
    gap = (df["total_alpha"] - (df["alpha_in"] + df["alpha_out"])).abs()
    bad = gap > _TOTAL_ALPHA_ABS_TOL + 1e-9 * df["total_alpha"]
    if bad.any():
        r = df[bad].iloc[0]
        raise ValueError(
            f"{path}: netuid {int(r['netuid'])}: total_alpha {float(r['total_alpha'])!r} != alpha_in + alpha_out "
            f"({float(r['alpha_in'])!r} + {float(r['alpha_out'])!r})"
        )
    return df.rename(columns=_RENAME)


def _derive(df: pd.DataFrame) -> pd.DataFrame:
    """Add spot price, price gap, ADR, liquidation price and haircut (spec §7, :mod:`dtao_lib.adr`).

    Root (``is_dynamic`` False) has no AMM pool, so every derived column is NaN there; liquidation
    price and haircut are NaN where ``alpha_out`` is 0 (no outstanding alpha, ADR = 0).
    """
    tao_in = df["tao_in_tao"].to_numpy(dtype=np.float64)
    a_in = df["alpha_in_alpha"].to_numpy(dtype=np.float64)
    a_out = df["alpha_out_alpha"].to_numpy(dtype=np.float64)
    pool = df["is_dynamic"].to_numpy(dtype=bool)
    spot = np.where(pool, _ratio(tao_in, a_in), np.nan)
    ratio = _where(pool & (a_in > 0), _adr.adr, a_out, a_in)
    return df.assign(
        spot_price_tao_per_alpha=spot,
        price_spot_gap_rel=_ratio(df["price_tao_per_alpha"].to_numpy(), spot) - 1.0,
        adr=ratio,
        liquidation_price_tao_per_alpha=_where(pool & (a_out > 0), _adr.liquidation_price, tao_in, a_out),
        haircut=_where(np.nan_to_num(ratio) > 0, _adr.haircut, ratio),
    )


_ORDER = list(UNITS)


def load_subnet_snapshot(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per subnet: pool reserves, prices and the ADR quantities of spec §7.

    Parameters
    ----------
    path
        ``None`` for the shipped ``subnets_2026-04-11/subnets_snapshot_2026-04-11.csv``; a CSV in
        the same format; or a folder holding ``subnets_snapshot_*.csv`` (the newest by name is read,
        e.g. the output folder of ``python -m dtao_lib.data refresh``).

    Returns
    -------
    pandas.DataFrame
        Sorted by ``netuid``, with the columns of :data:`UNITS` (see the module docstring): reserves
        ``tao_in_tao``, ``alpha_in_alpha``, ``alpha_out_alpha``, ``total_alpha_alpha``; prices
        ``price_tao_per_alpha`` (chain), ``spot_price_tao_per_alpha`` (reserves),
        ``moving_price_tao_per_alpha`` (EMA); ``adr``, ``liquidation_price_tao_per_alpha``,
        ``haircut``; and the identity and parameter columns. ``df.attrs`` holds ``units``,
        ``source`` (the file read) and ``snapshot_date`` (from the file name, or ``None``).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        Naming the file: a required column is missing, a value does not parse, a reserve or price is
        negative, a netuid repeats, or ``total_alpha`` differs from ``alpha_in + alpha_out``.

    Examples
    --------
    >>> df = load_subnet_snapshot()
    >>> len(df), df.attrs["snapshot_date"]
    (129, '2026-04-11')
    >>> round(float(df.set_index("netuid").loc[64, "adr"]), 3)
    0.943
    """
    p = resolve_file(path, DEFAULT_SNAPSHOT, "subnet snapshot", pattern="subnets_snapshot_*.csv")
    stat = p.stat()
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _SNAPSHOTS.get(key)
    if cached is None:
        required = [c for c in SNAPSHOT_COLUMNS if c not in _OPTIONAL]
        df = _derive(_typed(read_csv_text(p, "subnet snapshot", required), p))
        cached = df[_ORDER].sort_values("netuid", ignore_index=True)
        _SNAPSHOTS.clear()  # keep one file's frame: live figures ask for the same snapshot again and again
        _SNAPSHOTS[key] = cached
    df = cached.copy()  # the caller may modify its frame
    m = _DATE_IN_NAME.search(p.name)
    df.attrs = {"units": dict(UNITS), "source": str(p), "snapshot_date": m.group(1) if m else None}
    return df


_SNAPSHOTS: dict[tuple[str, int, int], pd.DataFrame] = {}
"""The last snapshot parsed, by (file, modification time, size): parsing and checking it costs ~20 ms."""


# ---------------------------------------------------------------------------------------------
# One subnet, for the book's "your subnet" picker
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubnetState:
    """One subnet's pool state in a snapshot (units as in :func:`load_subnet_snapshot`).

    Quantities that are undefined or not reported (root's ADR, a missing moving price, the
    liquidation price of a subnet with no outstanding alpha) are ``None``.
    """

    netuid: int
    name: str
    symbol: str
    is_dynamic: bool
    tao_in_tao: float
    alpha_in_alpha: float
    alpha_out_alpha: float
    total_alpha_alpha: float
    price_tao_per_alpha: float
    spot_price_tao_per_alpha: float | None
    moving_price_tao_per_alpha: float | None
    adr: float | None
    liquidation_price_tao_per_alpha: float | None
    haircut: float | None
    market_cap_tao: float | None
    neuron_burn_tao: float | None
    immunity_period_blocks: int | None
    tempo_blocks: int
    owner_hotkey: str
    github: str | None
    snapshot_date: str | None = None


def _plain(value: Any) -> Any:
    """numpy/pandas scalar → Python scalar, missing → ``None``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        v = value.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    return value


def subnet_state(netuid: int, snapshot: pd.DataFrame | str | os.PathLike[str] | None = None) -> SubnetState:
    """The state of subnet ``netuid`` in a snapshot.

    Parameters
    ----------
    netuid
        Subnet id (an integer in [0, 65535]).
    snapshot
        A frame returned by :func:`load_subnet_snapshot`, a path accepted by it, or ``None`` for the
        shipped 2026-04-11 snapshot.

    Raises
    ------
    ValueError
        If ``netuid`` is not in the snapshot (the message gives the range present).

    Examples
    --------
    >>> s = subnet_state(64)
    >>> s.name, round(s.tao_in_tao), s.snapshot_date
    ('Chutes', 211989, '2026-04-11')
    """
    n = check_int("netuid", netuid, lo=0, hi=65_535)
    df = snapshot if isinstance(snapshot, pd.DataFrame) else load_subnet_snapshot(snapshot)
    missing = [c for c in _ORDER if c not in df.columns]
    if missing:
        raise ValueError(f"snapshot is not a frame from load_subnet_snapshot (missing {', '.join(missing)})")
    rows = df[df["netuid"] == n]
    if rows.empty:
        ids = df["netuid"]
        raise ValueError(
            f"netuid {n} is not in the snapshot {df.attrs.get('source', '')} "
            f"({len(ids)} subnets, netuids {int(ids.min())}–{int(ids.max())})"
        )
    row = rows.iloc[0]
    fields = {k: _plain(row[k]) for k in SubnetState.__dataclass_fields__ if k != "snapshot_date"}
    fields["snapshot_date"] = df.attrs.get("snapshot_date")
    return SubnetState(**fields)
