"""Bad-input tables for figures amm rootnet yuma (see tests/test_bad_input.py for the meaning of each table)."""

from __future__ import annotations

from typing import Any

VALID: dict[str, dict[str, Any]] = {}
NOT_CHECKED: dict[str, str] = {}
ALLOWED: dict[tuple[str, str], set[str]] = {}
