"""Bad-input tables for figures amm rootnet yuma (see tests/test_bad_input.py for the meaning of each table).

Valid calls are small (few sizes, few grid points, short replays) because each is repeated once per bad value.
"""

from __future__ import annotations

from typing import Any

from dtao_lib import data

_SNAP = data.load_subnet_snapshot()
TAO = 10**9
_T, _A = 1_000 * TAO, 40_000 * TAO  # a small demo pool (cheap calls)

VALID: dict[str, dict[str, Any]] = {
    # figures.amm
    "figures.amm.compare_trade": {"trade_tao": 10.0, "side": "stake", "tao_rao": _T, "alpha_rao": _A,
                                  "quote_weight": 0.4},
    "figures.amm.default_picker_netuids": {"snapshot": _SNAP},
    "figures.amm.design_comparison": {"tao_rao": _T, "alpha_rao": _A},
    "figures.amm.design_pools": {"tao_rao": _T, "alpha_rao": _A, "quote_weight": 0.4},
    "figures.amm.fee_eras": {"trade_tao": 10.0},
    "figures.amm.injection_explorer": {"tao_rao": _T, "alpha_rao": _A},
    "figures.amm.injection_state": {"tao_in_pct": 10.0, "alpha_in_pct": 5.0, "tao_rao": _T, "alpha_rao": _A,
                                    "quote_weight": 0.4, "stakes_tao": [0.0, 10.0, 20.0]},
    "figures.amm.parse_trades": {"text": "+200, -100, -all"},
    "figures.amm.pool_from_snapshot": {"netuid": 64, "era_name": "head", "weights": "from_price",
                                       "snapshot": _SNAP},
    "figures.amm.price_path": {"tao_rao": _T, "alpha_rao": _A},
    "figures.amm.price_path_frame": {"trades": "+20, -all", "tao_rao": _T, "alpha_rao": _A, "quote_weight": 0.4},
    "figures.amm.round_trip_after_move": {"stake_tao": 10.0, "moves_pct": [-10.0, 0.0, 10.0], "era_name": "head",
                                          "tao_rao": _T, "alpha_rao": _A},
    "figures.amm.round_trip_table": {"sizes_tao": [1.0, 10.0], "tao_rao": _T, "alpha_rao": _A},
    "figures.amm.snapshot_pool_table": {"netuids": [64, 4], "snapshot": _SNAP, "rounded": True},
    "figures.amm.subnet_picker": {"netuids": [64, 4]},
    "figures.amm.tao_to_rao": {"amount": 1.5, "name": "amount"},
}
NOT_CHECKED: dict[str, str] = {}
ALLOWED: dict[tuple[str, str], set[str]] = {}
