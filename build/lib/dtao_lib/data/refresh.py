"""Write a fresh subnet snapshot from the live chain (``python -m dtao_lib.data refresh``).

The shipped snapshot (``data/subnets_2026-04-11/``) was made by a small script that read every
subnet's ``DynamicInfo`` through the ``bittensor`` SDK; this module does the same and writes the
same CSV format, so :func:`dtao_lib.data.load_subnet_snapshot` reads either.

The chain is reached through a small :class:`ChainClient` protocol (four methods). The real client,
:class:`BittensorClient`, needs the optional extra ``chain`` (``pip install "dtao-lib[chain]"``),
which is imported only when a refresh runs; nothing else in ``dtao_lib`` needs it. Tests use a fake
client that serves the shipped snapshot's values, so the whole path runs offline.

Output, in ``--out DIR`` (default ``./subnets_<date>/``):

``subnets_snapshot_<date>.csv``
    The loader's format (:data:`~dtao_lib.data.snapshot.SNAPSHOT_COLUMNS`), exactly as the original
    scraper wrote it: CRLF line endings, rows sorted by ``emission_tao_day`` descending, balances in
    TAO/alpha rounded to 4 decimals, prices to 9.
``subnets_snapshot_<date>.json``
    Every field per subnet in netuid order (the scraper's JSON fields plus the per-block emission
    fields), for reference.
``refresh.json``
    Network, block, UTC time, SDK version, sha256 of the two files, and anything that could not be read.

Two columns keep the original scraper's semantics so that snapshots stay comparable, with the same
caveats (see ``data/subnets_2026-04-11/PROVENANCE.md``): ``emission_tao_day`` is the scraper's
heuristic, not chain issuance, and ``reg_cost_tao`` is the neuron registration burn ``Burn[netuid]``,
not the subnet lock cost. One deliberate difference: a moving price of exactly 0 is written as ``0.0``
(the scraper's ``if moving_price`` wrote it as empty).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import numbers
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ._paths import sha256_file
from .snapshot import SNAPSHOT_COLUMNS, load_subnet_snapshot

__all__ = [
    "CHAIN_EXTRA_HINT",
    "BittensorClient",
    "ChainClient",
    "RefreshResult",
    "import_bittensor",
    "refresh",
    "subnet_record",
    "write_snapshot",
]

CHAIN_EXTRA_HINT = 'pip install "dtao-lib[chain]"'
"""How to install the optional dependency that reads the chain."""

BLOCKS_PER_DAY = 7200
DEFAULT_TEMPO = 360


class ChainClient(Protocol):
    """What :func:`refresh` needs from the chain.

    ``all_subnets()`` returns one object per subnet with the attributes of the SDK's ``DynamicInfo``
    that the snapshot uses: ``netuid``, ``subnet_name``, ``symbol``, ``tempo``, ``tao_in``,
    ``alpha_in``, ``alpha_out``, ``price``, ``moving_price``, ``subnet_volume``, ``is_dynamic``,
    ``owner_hotkey``, ``owner_coldkey``, ``alpha_out_emission``, ``alpha_in_emission``,
    ``tao_in_emission``, ``pending_alpha_emission``, ``blocks_since_last_step``,
    ``network_registered_at``, ``k`` and ``subnet_identity`` (``None`` or an object with
    ``subnet_name``, ``github_repo``, ``description``). Balances may be SDK ``Balance`` objects (their
    ``.tao`` is used) or plain numbers in TAO/alpha. A missing attribute counts as ``None``.
    """

    def current_block(self) -> int:
        """Current block number."""
        ...

    def all_subnets(self) -> Sequence[Any]:
        """One ``DynamicInfo``-like object per subnet."""
        ...

    def neuron_burn_rao(self, netuid: int) -> int | None:
        """``SubtensorModule::Burn[netuid]``: the neuron registration burn, in rao."""
        ...

    def immunity_period(self, netuid: int) -> int | None:
        """The subnet's ``immunity_period`` hyperparameter, in blocks."""
        ...


def import_bittensor() -> Any:
    """Import the ``bittensor`` SDK, or fail with an ``ImportError`` that says how to install it."""
    try:
        import bittensor  # optional dependency, imported only when a refresh runs
    except ImportError as exc:
        raise ImportError(
            "reading the chain needs the bittensor SDK, which is not installed. Install the optional "
            f"extra with: {CHAIN_EXTRA_HINT}   (the book and the tests do not need it)"
        ) from exc
    return bittensor


class BittensorClient:
    """:class:`ChainClient` backed by the ``bittensor`` SDK's synchronous ``Subtensor`` (read-only)."""

    def __init__(self, network: str = "finney") -> None:
        bt = import_bittensor()
        self.network = network
        self.sdk_version = str(getattr(bt, "__version__", "unknown"))
        self._sub = bt.Subtensor(network=network)

    def current_block(self) -> int:
        return int(self._sub.get_current_block())

    def all_subnets(self) -> Sequence[Any]:
        return list(self._sub.all_subnets() or [])

    def neuron_burn_rao(self, netuid: int) -> int | None:
        result = self._sub.substrate.query("SubtensorModule", "Burn", [netuid])
        value = getattr(result, "value", result)
        return None if value is None else int(value)

    def immunity_period(self, netuid: int) -> int | None:
        hp = self._sub.get_subnet_hyperparameters(netuid)
        value = getattr(hp, "immunity_period", None)
        return None if value is None else int(value)

    def close(self) -> None:
        close = getattr(self._sub, "close", None)
        if callable(close):
            close()


# ---------------------------------------------------------------------------------------------
# DynamicInfo → one record (pure)
# ---------------------------------------------------------------------------------------------
def _amount(value: Any) -> float | None:
    """A balance as a float in TAO/alpha: ``Balance.tao``, a plain number, or the number in ``str(x)``."""
    if value is None:
        return None
    if hasattr(value, "tao"):
        return float(value.tao)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    s = re.sub(r"[^\d.\-eE]", "", str(value))
    try:
        return float(s)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    """``str(value)``, or ``None`` when it is missing or blank (kept unstripped: some symbols are spaces)."""
    if value is None:
        return None
    s = str(value)
    return s if s.strip() else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def subnet_record(info: Any, *, burn_rao: int | None = None, immunity_period: int | None = None) -> dict[str, Any]:
    """One subnet's snapshot record from a ``DynamicInfo``-like object (the scraper's rules).

    Parameters
    ----------
    info
        An object with the attributes listed in :class:`ChainClient`.
    burn_rao
        ``Burn[netuid]`` in rao (``reg_cost_tao`` = ``burn_rao / 1e9`` rounded to 6 decimals).
    immunity_period
        The subnet's neuron immunity period in blocks.

    Returns
    -------
    dict
        The JSON record; its keys include every column of the CSV format.
    """

    def get(name: str) -> Any:
        return getattr(info, name, None)

    netuid = int(get("netuid"))
    tempo = int(get("tempo")) if get("tempo") else DEFAULT_TEMPO
    # `or 0` as in the scraper: a zero balance is written as "0", not "0.0" (netuid 96's alpha_out)
    tao_in = _amount(get("tao_in")) or 0
    alpha_in = _amount(get("alpha_in")) or 0
    alpha_out = _amount(get("alpha_out")) or 0
    price = _amount(get("price")) or 0
    volume = _amount(get("subnet_volume")) or 0
    pending_alpha = _amount(get("pending_alpha_emission")) or 0
    alpha_out_em = _amount(get("alpha_out_emission")) or 0
    alpha_in_em = _amount(get("alpha_in_emission"))
    tao_in_em = _amount(get("tao_in_emission")) or 0
    moving = _amount(get("moving_price"))

    # The scraper's emission heuristic, kept for comparability (NOT chain issuance; see module doc).
    tempos_per_day = BLOCKS_PER_DAY / tempo if tempo > 0 else 0.0
    emission_alpha_day = alpha_out_em * tempos_per_day
    emission_tao_day = emission_alpha_day * price + tao_in_em * tempos_per_day
    blocks_since = get("blocks_since_last_step") or 1
    if blocks_since > 0 and pending_alpha > 0:
        est_alpha_day = pending_alpha / blocks_since * BLOCKS_PER_DAY
        if est_alpha_day * price > emission_tao_day:
            emission_alpha_day, emission_tao_day = est_alpha_day, est_alpha_day * price

    name = _text(get("subnet_name")) or f"SN{netuid}"
    identity = get("subnet_identity")
    github = description = None
    if identity is not None:
        github = _text(getattr(identity, "github_repo", None))
        description = _text(getattr(identity, "description", None))
        name = _text(getattr(identity, "subnet_name", None)) or name
    registered = get("network_registered_at")
    k = get("k")
    return {
        "netuid": netuid,
        "name": name,
        "symbol": "" if get("symbol") is None else str(get("symbol")),
        "emission_tao_day": round(emission_tao_day, 4),
        "emission_alpha_day": round(emission_alpha_day, 4),
        "market_cap_tao": round((alpha_in + alpha_out) * price, 2),
        "price_tao": round(price, 9),
        "tau_in": round(tao_in, 4),
        "alpha_in": round(alpha_in, 4),
        "alpha_out": round(alpha_out, 4),
        "total_alpha": round(alpha_in + alpha_out, 4),
        "subnet_volume": round(volume, 4),
        "moving_price": _round(moving, 9),
        "net_flow_24h": None,
        "net_flow_7d": None,
        "reg_cost_tao": None if burn_rao is None else round(burn_rao / 1e9, 6),
        "immunity_period": immunity_period,
        "tempo": tempo,
        "is_dynamic": bool(get("is_dynamic")),
        "registered_at_block": int(registered) if registered else None,
        "owner_hk": _text(get("owner_hotkey")) or "",
        "owner_ck": _text(get("owner_coldkey")) or "",
        "github": github,
        "description": description,
        "blocks_since_last_step": get("blocks_since_last_step"),
        "k_constant": str(k) if k else None,
        "tao_in_emission_tao_per_block": tao_in_em,
        "alpha_in_emission_alpha_per_block": alpha_in_em,
        "alpha_out_emission_alpha_per_block": alpha_out_em,
    }


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def write_snapshot(records: Sequence[dict[str, Any]], out_dir: str | os.PathLike[str], date: str) -> tuple[Path, Path]:
    """Write ``subnets_snapshot_<date>.csv`` (loader format) and ``.json`` (all fields) into ``out_dir``.

    The CSV is written as the original scraper wrote it: ``csv.DictWriter`` (CRLF), columns
    :data:`SNAPSHOT_COLUMNS`, rows sorted by ``emission_tao_day`` descending (stable, so ties keep
    netuid order), ``None`` as an empty cell. The JSON keeps netuid order.
    """
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    by_netuid = sorted(records, key=lambda r: r["netuid"])
    csv_path = out / f"subnets_snapshot_{date}.csv"
    json_path = out / f"subnets_snapshot_{date}.json"
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(SNAPSHOT_COLUMNS), extrasaction="ignore")
        w.writeheader()
        for r in sorted(by_netuid, key=lambda r: r["emission_tao_day"], reverse=True):
            w.writerow({k: r.get(k, "") for k in SNAPSHOT_COLUMNS})
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump(by_netuid, fh, indent=2, default=str)
    return csv_path, json_path


@dataclass(frozen=True)
class RefreshResult:
    """What :func:`refresh` wrote."""

    csv_path: Path
    json_path: Path
    meta_path: Path
    subnets: int
    block: int | None
    problems: tuple[str, ...] = field(default_factory=tuple)


def _try(fn: Callable[[int], int | None], netuid: int, what: str, problems: list[str]) -> int | None:
    try:
        return fn(netuid)
    except Exception as exc:  # one unreadable storage item must not abort the whole snapshot
        problems.append(f"netuid {netuid}: could not read {what} ({type(exc).__name__}: {exc})")
        return None


def refresh(
    client: ChainClient | None = None,
    *,
    out: str | os.PathLike[str] | None = None,
    network: str = "finney",
    date: str | None = None,
    overwrite: bool = False,
) -> RefreshResult:
    """Read every subnet from the chain and write a snapshot the loader reads.

    Parameters
    ----------
    client
        A :class:`ChainClient`; ``None`` connects with :class:`BittensorClient` to ``network``
        (needs ``pip install "dtao-lib[chain]"``).
    out
        Output folder; default ``./subnets_<date>/``.
    network
        ``finney`` (mainnet), ``test``, ``local`` or a ``ws(s)://`` endpoint (passed to the SDK).
    date
        ``YYYY-MM-DD`` used in the file names; default today (UTC).
    overwrite
        Replace an existing snapshot of the same date in ``out``.

    Returns
    -------
    RefreshResult
        The paths written, the number of subnets, the block, and per-subnet items that could not be read.

    Raises
    ------
    ImportError
        If ``client`` is ``None`` and the ``bittensor`` SDK is not installed (the message says how to install it).
    FileExistsError
        If the snapshot exists and ``overwrite`` is false.
    ValueError
        If the chain returned no subnets, or the written file does not pass the loader's checks.
    """
    when = _dt.datetime.now(_dt.UTC)
    day = date or when.date().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise ValueError(f"date must be YYYY-MM-DD, got {day!r}")
    out_dir = Path(out).expanduser() if out is not None else Path.cwd() / f"subnets_{day}"
    target = out_dir / f"subnets_snapshot_{day}.csv"
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True (--force) to replace it")
    own = client is None
    chain: Any = BittensorClient(network) if client is None else client
    problems: list[str] = []
    try:
        try:
            block: int | None = int(chain.current_block())
        except Exception as exc:  # the snapshot is still useful without the block number
            block = None
            problems.append(f"could not read the block number ({type(exc).__name__}: {exc})")
        infos = list(chain.all_subnets())
        if not infos:
            raise ValueError(f"the chain ({network}) returned no subnets")
        records = []
        for info in infos:
            n = int(info.netuid)
            burn = _try(chain.neuron_burn_rao, n, "Burn", problems)
            immunity = _try(chain.immunity_period, n, "immunity_period", problems)
            records.append(subnet_record(info, burn_rao=burn, immunity_period=immunity))
    finally:
        if own:
            chain.close()
    csv_path, json_path = write_snapshot(records, out_dir, day)
    load_subnet_snapshot(csv_path)  # the output must pass the loader's checks
    from .. import __version__  # here, not at the top: dtao_lib/__init__ may import this package

    meta = {
        "network": network,
        "block": block,
        "captured_utc": when.isoformat(timespec="seconds"),
        "date": day,
        "subnets": len(records),
        "client": type(chain).__name__,
        "bittensor_version": getattr(chain, "sdk_version", None),
        "dtao_lib_version": __version__,
        "files": {p.name: sha256_file(p) for p in (csv_path, json_path)},
        "problems": problems,
        "caveats": [
            "emission_tao_day is the original scraper's heuristic, not chain issuance",
            "reg_cost_tao is the neuron registration burn Burn[netuid], not the subnet lock cost",
            "price_tao is DynamicInfo.price and can differ from tau_in/alpha_in",
        ],
    }
    meta_path = out_dir / "refresh.json"
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return RefreshResult(csv_path, json_path, meta_path, len(records), block, tuple(problems))
