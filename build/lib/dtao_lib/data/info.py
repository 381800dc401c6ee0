"""What data is shipped, and whether it is intact (``python -m dtao_lib.data info``)."""

from __future__ import annotations

import os
from pathlib import Path

from ._paths import data_dir, sha256_file
from .emissions import load_emission_shares
from .snapshot import load_subnet_snapshot
from .vectors import load_vectors

__all__ = ["CHECKSUM_FILE", "data_info", "verify_checksums"]

CHECKSUM_FILE = "SHA256SUMS"
"""``sha256sum``-format list of every shipped data file, relative to the data folder."""


def verify_checksums(root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Check every file listed in ``<data>/SHA256SUMS``.

    Returns
    -------
    dict
        ``{relative path: "ok" | "MISMATCH" | "MISSING"}``, in file order.

    Raises
    ------
    FileNotFoundError
        If there is no ``SHA256SUMS``.
    ValueError
        If a line of it is not ``<64 hex>  <path>``.
    """
    base = Path(root) if root is not None else data_dir()
    sums = base / CHECKSUM_FILE
    if not sums.is_file():
        raise FileNotFoundError(f"checksums: no such file {sums}")
    status: dict[str, str] = {}
    for lineno, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{sums}: line {lineno} is not '<sha256>  <path>': {line!r}")
        f = base / rel.lstrip("*")
        status[rel] = "MISSING" if not f.is_file() else ("ok" if sha256_file(f) == digest else "MISMATCH")
    return status


def _size(p: Path) -> str:
    n = p.stat().st_size
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def data_info(root: str | os.PathLike[str] | None = None) -> str:
    """A short human-readable inventory of the shipped data (files, dates, rows, checksums)."""
    base = Path(root) if root is not None else data_dir()
    lines = [f"data folder: {base}"]

    snap = load_subnet_snapshot(base / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")
    p = Path(snap.attrs["source"])
    lines += [
        "",
        f"subnet snapshot  {p.relative_to(base)}  ({_size(p)})",
        f"  date {snap.attrs['snapshot_date']}, {len(snap)} subnets"
        f" (netuid {snap['netuid'].min()}–{snap['netuid'].max()}),"
        f" Σ tao_in over subnet pools (root excluded) = {snap.loc[snap['is_dynamic'], 'tao_in_tao'].sum():,.0f} τ",
    ]

    em = load_emission_shares(base / "emission_shares_2025" / "emission_shares_2025.csv")
    p = Path(em.attrs["source"])
    days_p = p.with_name("emission_days_2025.csv")
    lines += [
        "",
        f"emission shares  {p.relative_to(base)}  ({_size(p)}) + {days_p.name} ({_size(days_p)})",
        f"  {em['date'].min().date()} → {em['date'].max().date()}: {em['date'].nunique()} days, {len(em)} rows,"
        f" {em['netuid'].nunique()} subnets; τ/block per day sums to"
        f" {em.groupby('date')['tao_per_block'].sum().min():.4f}–{em.groupby('date')['tao_per_block'].sum().max():.4f}",
    ]

    vec_path = base / "vectors" / "public.json"
    vec = load_vectors(vec_path)
    lines += [
        "",
        f"conformance vectors  {vec_path.relative_to(base)}  ({_size(vec_path)})",
        f"  {len(vec['vectors'])} vectors from {vec['repo']} at {vec['head_commit'][:12]} ({vec['head_date']})",
    ]
    post_path = base / "vectors" / "post-2026-06.json"
    if post_path.is_file():
        post = load_vectors(post_path)
        lines += [
            f"conformance vectors  {post_path.relative_to(base)}  ({_size(post_path)})",
            f"  {len(post['vectors'])} vectors after June 2026 from {post['repo']} ({post['head_date']})",
        ]

    try:
        status = verify_checksums(base)
    except FileNotFoundError as exc:
        lines += ["", f"checksums: {exc}"]
    else:
        bad = {k: v for k, v in status.items() if v != "ok"}
        lines += ["", f"checksums ({CHECKSUM_FILE}): {len(status) - len(bad)}/{len(status)} files ok"]
        lines += [f"  {v}: {k}" for k, v in bad.items()]
    return "\n".join(lines)
