"""Bad-input tables for figures dynamic emission (see tests/test_bad_input.py for the meaning of each table).

Rows for :mod:`dtao_lib.figures.dynamic_tao` and :mod:`dtao_lib.figures.emission_shares`. The valid calls are
kept cheap (small grids, few days, a short pump) because each is repeated once per bad value.
"""

from __future__ import annotations

from typing import Any

from dtao_lib.data import load_subnet_snapshot
from dtao_lib.figures import dynamic_tao as _dyn
from dtao_lib.figures import emission_shares as _es

_SNAP = load_subnet_snapshot()
_HB = _dyn.head_block()
_SPLIT = _dyn.alpha_split_grid((5.0,), (1.0, 5.0))
_MARKS = _SNAP[_SNAP["netuid"] > 0].assign(issuance_m=1.0)[["netuid", "name", "issuance_m"]]
_PATH = _es.pump_path(1_000.0, 5, netuid=62, horizon_days=10, step_days=1)

VALID: dict[str, dict[str, Any]] = {
    # figures.dynamic_tao
    "figures.dynamic_tao.alpha_split_chart": {"data": _SPLIT, "marks": _MARKS},
    "figures.dynamic_tao.alpha_split_explorer": {},
    "figures.dynamic_tao.alpha_split_grid": {"root_tao_m": [0.0, 5.0], "issuance_m": [0.5, 5.0], "era": "head"},
    "figures.dynamic_tao.collateral_example": {"netuid": 64, "lock_share": 0.5, "drain_ratio": 2.0},
    "figures.dynamic_tao.dividend_example": {"tempo": 360, "netuid": 64, "root_registered": {"V1": True, "V2": False},
                                             "era": "head"},
    "figures.dynamic_tao.era_block_emission": {"era": "head"},
    "figures.dynamic_tao.head_block": {"block_number": 0, "snapshot": _SNAP},
    "figures.dynamic_tao.head_block_with": {"netuid": 64, "ema_factor": 2.0},
    "figures.dynamic_tao.head_pipeline": {"netuid": 64, "block": _HB},
    "figures.dynamic_tao.head_pipeline_explorer": {},
    "figures.dynamic_tao.head_pipeline_frame": {"block": _HB},
    "figures.dynamic_tao.injection_table": {"share": 0.05, "price": 0.03},
    "figures.dynamic_tao.network_block": {"era": "head", "block_emission_rao": 5 * 10**8, "snapshot": _SNAP},
    "figures.dynamic_tao.one_block": {"share": 0.05, "price": 0.08, "era": "head", "alpha_issuance_rao": 5 * 10**15,
                                      "root_tao_rao": 5 * 10**15, "root_sell_flag": True, "owner_cut_enabled": True,
                                      "tao_reserve_rao": 10**14, "block_emission_rao": 5 * 10**8},
    "figures.dynamic_tao.one_block_grid": {"prices_centi": [4, 8], "shares_pct": [1, 5],
                                           "eras": _dyn.INJECTION_ERAS[-2:]},
    "figures.dynamic_tao.root_proportions": {"snapshot": _SNAP},
    "figures.dynamic_tao.snapshot_block_state": {"block_emission_rao": 5 * 10**8, "snapshot": _SNAP},
    "figures.dynamic_tao.split_table": {"share": 0.05, "price": 0.08, "era": "head"},
    "figures.dynamic_tao.subnet_example": {"netuid": 64, "snapshot": _SNAP},
    "figures.dynamic_tao.where_the_tao_goes": {},
    # figures.emission_shares
    "figures.emission_shares.autumn_days": {},
    "figures.emission_shares.autumn_shares_chart": {"top": 8},
    "figures.emission_shares.ema_response": {},
    "figures.emission_shares.ema_response_grid": {"ages_days": [0, 30], "horizon_days": 30, "step_days": 5,
                                                  "moving_alpha": 3e-6, "halving_blocks": 216_000},
    "figures.emission_shares.ema_vs_spot": {"top": 8, "snapshot": _SNAP},
    "figures.emission_shares.era_rules": {},
    "figures.emission_shares.gate_curve": {"bars": [0.005, 0.01], "exponents": [1.0, 3.0], "points": 11},
    "figures.emission_shares.gate_explorer": {},
    "figures.emission_shares.gate_snapshot": {"rank": 32, "exponent": 3.0, "prices_for_share": False},
    "figures.emission_shares.gate_summary": {"rank": 32, "exponent": 3.0},
    "figures.emission_shares.pump_explorer": {"netuid": 62},
    "figures.emission_shares.pump_for_share_gain": {"gain_points": 1.0, "hold_days": [7], "era": "head", "netuid": 62,
                                                    "blocks_since_start": 7_200 * 365, "after_days": 5},
    "figures.emission_shares.pump_grid": {"amounts_k": [2], "holds": [5], "netuid": 62, "horizon_days": 10,
                                          "step_days": 5},
    "figures.emission_shares.pump_path": {"tao_in": 1_000.0, "hold_days": 5, "era": "head", "netuid": 62,
                                          "horizon_days": 10, "step_days": 1, "blocks_since_start": 7_200 * 365,
                                          "network_inflow_tao_per_day": 3_600.0},
    "figures.emission_shares.pump_summary": {"path": _PATH},
    "figures.emission_shares.share_rules": {"burn_netuid": 64, "burn": 0.5, "snapshot": _SNAP},
    "figures.emission_shares.share_rules_explorer": {"burn_netuid": 64, "top": 10},
    "figures.emission_shares.snapshot_vs_autumn": {"day": "2025-10-27"},
    "figures.emission_shares.snapshot_vs_autumn_chart": {"day": "2025-10-27"},
    "figures.emission_shares.taoflow_example": {"sn3_user": 200.0, "exponent": 1.0,
                                                "user": [900.0, 500.0, 200.0, -100.0, -300.0],
                                                "protocol": [400.0, 300.0, 600.0, 200.0, 100.0]},
    "figures.emission_shares.taoflow_explorer": {},
}
NOT_CHECKED: dict[str, str] = {
    "figures.dynamic_tao.HeadBlock": "result container built by head_block / head_block_with (no user numbers)",
    "figures.dynamic_tao.InjectionEra": "constant rows of INJECTION_ERAS (a label, a rule text, a tag)",
    "figures.dynamic_tao.SubnetExample": "result container returned by subnet_example (values read from the snapshot)",
}
ALLOWED: dict[tuple[str, str], set[str]] = {}
