"""Bad-input tables for figures amm rootnet yuma (see tests/test_bad_input.py for the meaning of each table).

Valid calls are small (few sizes, few grid points, short replays) because each is repeated once per bad value.
"""

from __future__ import annotations

from typing import Any

from dtao_lib import data, yuma
from dtao_lib.figures import yuma as _yfig

_SNAP = data.load_subnet_snapshot()
_RES = _yfig.subnet_epoch(_yfig.EXAMPLE_WEIGHTS, _yfig.EXAMPLE_STAKES)
_YP = yuma.YumaParams()
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
    # figures.root_network
    "figures.root_network.cartel_explorer": {"n_subnets": 4},
    "figures.root_network.cartel_grid": {"support_pcts": [10, 50], "fractions": [0.0, 0.5, 1.0], "n_subnets": 4,
                                         "rho": 10.0, "kappa": 0.5},
    "figures.root_network.cartel_network": {"others_support": 0.3, "n_subnets": 4},
    "figures.root_network.cartel_thresholds": {"support_pcts": [10, 50], "kappa": 0.5},
    "figures.root_network.concentration_chart": {},
    "figures.root_network.concentration_curves": {"rho": 10.0, "kappa": 0.5},
    "figures.root_network.concentration_table": {"ks": [1, 3], "rho": 10.0, "kappa": 0.5},
    "figures.root_network.editor_grid": {"weight_pcts": [0, 50], "stake_pcts": [10, 40], "rho": 10.0, "kappa": 0.5},
    "figures.root_network.editor_weights": {"a_on_sn1_pct": 70.0, "a_stake_pct": 40.0},
    "figures.root_network.epoch_table": {"weights": [[70.0, 30.0], [0.0, 100.0]], "stakes": [60.0, 40.0],
                                         "rho": 10.0, "kappa": 0.5, "block_emission_rao": TAO},
    "figures.root_network.example_network": {},
    "figures.root_network.membership_demo": {"stakes": [float(1_000 + i) for i in range(64)]},
    "figures.root_network.sigmoid_chart": {"rhos": [5.0, 10.0], "kappa": 0.5},
    "figures.root_network.split_table": {"pending_tao": 1.0},
    "figures.root_network.weight_editor": {"weights": [[70.0, 30.0, 0.0, 0.0], [0.0, 60.0, 40.0, 0.0],
                                                       [30.0, 30.0, 40.0, 0.0], [0.0, 0.0, 50.0, 50.0]],
                                           "stakes": [40.0, 30.0, 20.0, 10.0]},
    # figures.yuma
    "figures.yuma.early_mover_table": {"vector_id": "YC-04", "epochs": 3},
    "figures.yuma.editor_grid": {"weight_pcts": [0, 50], "stake_pcts": [20, 60], "params": _YP},
    "figures.yuma.editor_inputs": {"v2_on_m3_pct": 10.0, "v2_stake_pct": 20.0},
    "figures.yuma.epoch_frame": {"res": _RES, "n_validators": 3},
    "figures.yuma.example_weights": {},
    "figures.yuma.lone_validator_chart": {"params": _YP},
    "figures.yuma.lone_validator_curves": {"stake_pcts": [10, 60], "params": _YP},
    "figures.yuma.payout_table": {"res": _RES, "n_validators": 3},
    "figures.yuma.replay": {"vector_id": "YC-03", "epochs": 3, "bonds_moving_average": 900_000,
                            "liquid_alpha": True, "bonds_penalty": 0.5, "fixed": False},
    "figures.yuma.replay_explorer": {"epochs": 5},
    "figures.yuma.scenario": {"vector_id": "YC-07", "epochs": 4},
    "figures.yuma.subnet_epoch": {"weights_pct": [[40.0, 60.0], [50.0, 50.0]], "stakes": [60.0, 40.0],
                                  "params": _YP, "emission_rao": TAO},
    "figures.yuma.vector_check": {"vector_id": "YC-07"},
    "figures.yuma.weights_editor": {"params": _YP},
}
NOT_CHECKED: dict[str, str] = {}
ALLOWED: dict[tuple[str, str], set[str]] = {
    # None means "as in the scenario" (the vector's own liquid-alpha setting; the live face's first option)
    ("figures.yuma.replay", "liquid_alpha"): {"None"},
}
