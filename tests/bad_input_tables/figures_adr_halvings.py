"""Bad-input tables for figures adr halvings (see tests/test_bad_input.py for the meaning of each table)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from dtao_lib import data

_SNAP = data.load_subnet_snapshot()
# a two-row frame shaped like gate_projection()'s output (the summary only reads these columns)
_GATE = pd.DataFrame({"rank": [16, 16], "netuid": [3, 3], "name": ["x", "x"], "rule": ["head", "head"],
                      "label": ["HEAD", "HEAD"], "share": [0.01, 0.01], "day": [0, 7], "tao_per_day": [70.0, 70.0],
                      "adr": [2.0, 2.1], "haircut": [0.5, 0.52], "liquidation_price": [0.01, 0.0095],
                      "price": [0.02, 0.02], "pool_tao": [1e4, 1e4]})
_FIRST = dt.date(2025, 12, 15)

# One valid call per callable (cheap: small grids, few days).
VALID: dict[str, dict[str, Any]] = {
    # figures.adr
    "figures.adr.adr_examples": {"snapshot": _SNAP},
    "figures.adr.adr_growth": {"years": 1, "start_alpha": 2_000_000.0},
    "figures.adr.exit_explorer": {},
    "figures.adr.exit_grid": {"adrs": [1.0, 2.0], "prot_pcts": [0, 25], "fracs_pct": [5.0, 50.0]},
    "figures.adr.gate_adr_explorer": {"ranks": [16]},
    "figures.adr.gate_projection": {"ranks": [16], "days": 14, "step_days": 7},
    "figures.adr.gate_projection_summary": {"df": _GATE},
    "figures.adr.injection_per_era": {"alpha_issuance_tao": 3_000_000.0},
    "figures.adr.life_explorer": {"years": 1, "lock_tao": 1_000.0},
    "figures.adr.life_grid": {"shares_pct": [0.0, 1.0], "flows": [0, 20], "eras": ["head"], "years": 1,
                              "lock_tao": 1_000.0, "step_days": 30, "every": 1},
    "figures.adr.lock_destination": {"lock_tao": 1_000.0, "snapshot": _SNAP},
    "figures.adr.lock_explorer": {"days": 8},
    "figures.adr.lock_quotes": {},
    "figures.adr.lock_timeline_frame": {"registration_days": [4.0, 8.0], "days": 8, "block_emission_rao": 500_000_000,
                                        "last_lock_tao": 1_250.0, "sample_blocks": 2_400, "on_rate_limit": "skip"},
    "figures.adr.new_subnet_start": {"lock_tao": 1_000.0, "snapshot": _SNAP},
    "figures.adr.owner_refunds": {"lock_tao": 2_000.0, "owner_emission_tao": 800.0},
    "figures.adr.parse_days": {"text": "4, 8"},
    "figures.adr.pruning_candidates": {"n": 3, "snapshot": _SNAP},
    "figures.adr.pruning_example": {},
    "figures.adr.settlement_example": {},
    "figures.adr.snapshot_distribution": {"snapshot": _SNAP},
    "figures.adr.snapshot_summary": {"snapshot": _SNAP},
    # figures.halvings
    "figures.halvings.alpha_halving_outlook": {"n": 1},
    "figures.halvings.cohort_explorer": {"horizon_years": 13},
    "figures.halvings.cohort_frame": {"start_years": 1.0, "era_name": "v3.3.1", "horizon_years": 3, "sample_days": 120},
    "figures.halvings.cohort_grid": {"late_years": [1], "eras": ["v3.3.1"], "horizon_years": 3},
    "figures.halvings.days_per_halving": {"recycle_pcts": [0, 10]},
    "figures.halvings.emission_staircase": {"max_halvings": 4},
    "figures.halvings.first_halving_shift": {},
    "figures.halvings.haircut_by_gap": {"max_halvings": 2},
    "figures.halvings.haircut_gap_frame": {"max_halvings": 2},
    "figures.halvings.halving_table": {"start_issuance_tao": 10_500_000.0, "start_date": _FIRST, "rates_pct": [0, 10],
                                       "max_halvings": 2},
    "figures.halvings.injection_cap_table": {"alpha_issuance_tao": [500_000.0]},
    "figures.halvings.issuance_explorer": {"start_issuance_tao": 10_500_000.0, "start_date": _FIRST, "years": 2},
    "figures.halvings.issuance_grid": {"start_issuance_tao": 10_500_000.0, "start_date": _FIRST, "years": 1,
                                       "rates_pct": [0, 10], "step_days": 30},
    "figures.halvings.launch_issuance_rao": {},
    "figures.halvings.second_halving": {"fees_tao_per_day": 100.0, "other_recycled_tao_per_day": 0.0,
                                        "first_halving": _FIRST, "fees_from": dt.date(2026, 8, 6)},
    "figures.halvings.second_halving_explorer": {},
    "figures.halvings.second_halving_sensitivity": {"fees_tao_per_day": [0.0, 100.0],
                                                    "other_recycled_tao_per_day": [0.0]},
    "figures.halvings.supply_tail": {},
}
NOT_CHECKED: dict[str, str] = {}
ALLOWED: dict[tuple[str, str], set[str]] = {}
