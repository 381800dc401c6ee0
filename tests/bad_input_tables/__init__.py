"""Bad-input tables, one file per area of the public API (merged by ``tests/test_bad_input.py``).

Each module here defines ``VALID``, ``NOT_CHECKED`` and ``ALLOWED`` (any may be absent); a callable must appear in
exactly one file. Splitting the tables keeps the files short and lets the owner of one figure module edit its
table without touching the others.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def merged() -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[tuple[str, str], set[str]]]:
    """Return ``(VALID, NOT_CHECKED, ALLOWED)`` merged from every table module, refusing duplicates."""
    valid: dict[str, dict[str, Any]] = {}
    not_checked: dict[str, str] = {}
    allowed: dict[tuple[str, str], set[str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for name, target in (("VALID", valid), ("NOT_CHECKED", not_checked), ("ALLOWED", allowed)):
            table = getattr(mod, name, {})
            dup = set(table) & set(target)
            if dup:
                raise AssertionError(f"{info.name}.{name} repeats entries of another table file: {sorted(dup)}")
            target.update(table)
    both = set(valid) & set(not_checked)
    if both:
        raise AssertionError(f"in both VALID and NOT_CHECKED: {sorted(both)}")
    return valid, not_checked, allowed
