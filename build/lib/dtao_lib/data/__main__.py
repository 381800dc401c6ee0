"""Command line: ``python -m dtao_lib.data {info, refresh, convert-emissions}``.

``info``
    Print what data is shipped (files, dates, rows) and check the sha256 sums.
``refresh [--out DIR] [--network finney] [--date YYYY-MM-DD] [--force]``
    Read every subnet from the chain and write a snapshot in the loader's format. Needs the optional
    extra: ``pip install "dtao-lib[chain]"``.
``convert-emissions SRC [--out DIR] [--name 2025]``
    Convert a folder of upstream ``emissions_YYYYMMDD.json`` files into the two tidy CSVs (how the
    shipped ``data/emission_shares_2025/*.csv`` were made).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .emissions import convert_emission_jsons
from .info import data_info
from .refresh import refresh


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m dtao_lib.data", description="The dTAO book's shipped mainnet data.")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="list the shipped data files, dates and rows; check sha256 sums")
    r = sub.add_parser("refresh", help='write a fresh subnet snapshot from the chain (pip install "dtao-lib[chain]")')
    r.add_argument("--out", default=None, help="output folder (default ./subnets_<date>/)")
    r.add_argument("--network", default="finney", help="finney (default), test, local, or a ws(s):// endpoint")
    r.add_argument("--date", default=None, help="date for the file names, YYYY-MM-DD (default today, UTC)")
    r.add_argument("--force", action="store_true", help="overwrite an existing snapshot of the same date")
    c = sub.add_parser("convert-emissions", help="convert upstream emissions_YYYYMMDD.json files to tidy CSVs")
    c.add_argument("src", help="folder holding emissions_YYYYMMDD.json")
    c.add_argument("--out", default=".", help="output folder (default .)")
    c.add_argument("--name", default="2025", help="suffix of the CSV names (default 2025)")
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (0 ok, 1 error)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "info":
            print(data_info())
        elif args.command == "refresh":
            res = refresh(out=args.out, network=args.network, date=args.date, overwrite=args.force)
            print(f"wrote {res.subnets} subnets at block {res.block} to {res.csv_path.parent}/")
            for p in (res.csv_path, res.json_path, res.meta_path):
                print(f"  {p.name}")
            for msg in res.problems:
                print(f"  warning: {msg}", file=sys.stderr)
            print(f'load it with: dtao_lib.data.load_subnet_snapshot("{res.csv_path.parent}")')
        else:
            for p in convert_emission_jsons(args.src, args.out, name=args.name):
                print(f"wrote {p}")
    except (ImportError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
