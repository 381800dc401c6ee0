"""Mainnet data shipped with the book, and typed loaders for it.

Everything the book uses lives in the repository's ``data/`` folder (each dataset with its licence
and a ``PROVENANCE.md``; ``data/README.md`` lists every file), so the book builds from a fresh clone
without network access:

============================================  ===============================================  ==========
loader                                        data                                             rows
============================================  ===============================================  ==========
:func:`load_subnet_snapshot`                  every subnet's pool state on 2026-04-11          129
:func:`subnet_state`                          one subnet of it, as a frozen dataclass          —
:func:`load_emission_shares`                  per-subnet TAO emission per block, 44 days 2025  5 431
:func:`load_emission_days`                    one row per day of those snapshots               44
:func:`load_vectors`                          conformance vectors from subtensor's tests       (dict)
============================================  ===============================================  ==========

Loaders return pandas DataFrames whose column names carry their unit (``tao_in_tao``,
``price_tao_per_alpha``, ``tao_per_block``...), with the full description in ``df.attrs["units"]``.
They validate what they read and fail with a ``FileNotFoundError`` or ``ValueError`` that names the
file and the problem.

Files are found in ``path=`` if given, else in ``$DTAO_DATA_DIR`` if set, else in the repository's
``data/`` folder (:func:`data_dir`).

Command line::

    python -m dtao_lib.data info                      # what is shipped: files, dates, rows, checksums
    python -m dtao_lib.data refresh [--out DIR] [--network finney]   # needs pip install "dtao-lib[chain]"
"""

from __future__ import annotations

from ._paths import DATA_DIR_ENV, data_dir
from .emissions import load_emission_days, load_emission_shares
from .info import data_info, verify_checksums
from .snapshot import SNAPSHOT_COLUMNS, SubnetState, load_subnet_snapshot, subnet_state
from .vectors import load_vectors

__all__ = [
    "DATA_DIR_ENV",
    "SNAPSHOT_COLUMNS",
    "SubnetState",
    "data_dir",
    "data_info",
    "load_emission_days",
    "load_emission_shares",
    "load_subnet_snapshot",
    "load_vectors",
    "subnet_state",
    "verify_checksums",
]
