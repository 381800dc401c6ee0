"""Bad-input tables for the library modules (adr, amm, coinbase, …, sim, data, collateral, ownership).

See ``tests/test_bad_input.py`` for what the tables mean: ``VALID`` (one valid call per public callable),
``NOT_CHECKED`` (callables with no user input worth checking, with the reason) and ``ALLOWED`` (bad values that
are meaningful for one parameter, with the reason).
"""

from __future__ import annotations

from fractions import Fraction  # noqa: F401
from typing import Any

import numpy as np  # noqa: F401

from dtao_lib import amm, sim

TAO = 10**9
_SCN = sim.Scenario(n_subnets=2, blocks=20, record_every=10, initial="synthetic", policy=sim.NoTrading())
_POOL = amm.BalancerPool(10**12, 4 * 10**12)
_SWAP = _POOL.buy_alpha(10**9)
W3 = [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]
S3 = [100.0, 50.0, 10.0]
P3 = [0.01, 0.02, 0.03]
W16 = [[32_767, 32_768, 0], [13_107, 19_660, 32_768], [0, 65_535, 0]]  # raw u16 weights (Yuma's exact path)

# One valid call per callable: {"module.name": {param: value}} (every parameter listed is checked).
VALID: dict[str, dict[str, Any]] = {
    # adr
    "adr.adr": {"alpha_out": 3.0, "alpha_in": 1.0},
    "adr.adr_time_series": {"n_blocks": 14_400, "tao_issuance_rao": 10**16, "alpha_in_rao": 10**14,
                            "alpha_out_rao": 10**14, "recycle_rate": 0.1, "era": "head", "tao_weight": 0.18},
    "adr.effective_adr": {"user_alpha": 3.0, "alpha_in": 1.0, "protocol_alpha": 0.5, "include_alpha_in": False},
    "adr.gated_projection": {"pool": _POOL, "share": 0.001, "user_alpha_rao": 10**13, "days": 2,
                             "protocol_alpha_rao": 0, "block_emission_rao": 5 * 10**8, "tao_weight": 0.18,
                             "step_blocks": 7_200},
    "adr.haircut": {"adr": 2.0},
    "adr.halving_adr": {"tao_halvings": 1.0, "alpha_halvings": 2.0},
    "adr.liquidation_price": {"tao_reserve": 10.0, "alpha_outstanding": 100.0},
    "adr.liquidation_price_head": {"tao_reserve": 10.0, "user_alpha": 100.0, "protocol_alpha": 1.0, "alpha_in": 5.0,
                                   "include_alpha_in": True},
    "adr.subnet_life": {"days": 3, "tao_reserve_rao": 10**13, "alpha_in_rao": 10**14, "alpha_out_rao": 10**13,
                        "tao_share": 0.01, "net_flow_tao_per_day": 1.0, "era": "head"},
    # amm
    "amm.BalancerPool": {"tao_reserve": 10**12, "alpha_reserve": 4 * 10**12, "quote_weight": 0.5, "fee_rate_u16": 33,
                         "enforce_limits": True, "min_reserve_rao": 10**6},
    "amm.ConstantProductPool": {"tao_reserve": 10**12, "alpha_reserve": 4 * 10**12, "staking_fee_rao": 50_000,
                                "min_liquidity_rao": 10**7},
    "amm.FullRangePool": {"tao_reserve": 10**12, "alpha_reserve": 4 * 10**12, "fee_rate_u16": 33, "fees_tao": 0,
                          "fees_alpha": 0, "fee_destination": "block_author", "enforce_limits": True,
                          "min_reserve_rao": 10**6},
    "amm.adjust_protocol_liquidity": {"pool": _POOL, "tao": 10**9, "alpha": 10**9, "tao_reservoir": 0,
                                      "alpha_reservoir": 10**6},
    "amm.apply_trades": {"pool": _POOL, "trades": [("buy", 10**9)]},
    "amm.balancer_alpha_needed_for_tao": {"quote_weight": 0.5, "tao_reserve": 10**12, "alpha_reserve": 10**12,
                                          "tao_out": 10**9},
    "amm.balancer_alpha_out_for_tao": {"tao_reserve": 10**12, "alpha_reserve": 10**12, "quote_weight": 0.5,
                                       "tao_in": 10**9},
    "amm.balancer_alpha_to_reach_price": {"quote_weight": 0.5, "current_price": 0.2, "target_price": 0.1,
                                          "alpha_reserve": 10**12},
    "amm.balancer_buy_array": {"tao_reserve": [1e12, 2e12], "alpha_reserve": [1e12, 1e12], "tao_in": [1e9, 1e9],
                               "quote_weight": [0.5, 0.4], "fee_rate_u16": 33, "min_reserve_rao": 1e6},
    "amm.balancer_price": {"tao_reserve": 10**12, "alpha_reserve": 10**12, "quote_weight": 0.5},
    "amm.balancer_quote_weight_after_injection": {"quote_weight": 0.5, "tao_reserve": 10**12, "alpha_reserve": 10**12,
                                                  "tao_in": 10**9, "alpha_in": 10**9},
    "amm.balancer_ratio_pow": {"quote_weight": 0.5, "reserve": 10**12, "delta": 10**9, "base_quote": True},
    "amm.balancer_ratio_pow_scaled": {"quote_weight": 0.5, "reserve": 10**12, "delta": 10**9, "base_quote": False},
    "amm.balancer_sell_array": {"tao_reserve": [1e12, 2e12], "alpha_reserve": [1e12, 1e12], "alpha_in": [1e9, 1e9],
                                "quote_weight": [0.5, 0.4], "fee_rate_u16": 33, "min_reserve_rao": 1e6},
    "amm.balancer_tao_out_for_alpha": {"tao_reserve": 10**12, "alpha_reserve": 10**12, "quote_weight": 0.5,
                                       "alpha_in": 10**9},
    "amm.balancer_tao_to_reach_price": {"quote_weight": 0.5, "current_price": 0.1, "target_price": 0.2,
                                        "tao_reserve": 10**12},
    "amm.cp_buy_array": {"tao_reserve": [1e12, 2e12], "alpha_reserve": [1e12, 1e12], "tao_in": [1e9, 1e9],
                         "staking_fee_rao": 50_000.0, "min_liquidity_rao": 1e7},
    "amm.cp_sell_array": {"tao_reserve": [1e12, 2e12], "alpha_reserve": [1e12, 1e12], "alpha_in": [1e9, 1e9],
                          "staking_fee_rao": 50_000.0, "min_liquidity_rao": 1e7},
    "amm.effective_price": {"result": _SWAP},
    "amm.pool_for": {"era": "head", "tao_reserve": 10**12, "alpha_reserve": 10**12},
    "amm.pow_ratio_scaled": {"base_numerator": 2, "base_denominator": 1, "exp_numerator": 3, "exp_denominator": 4,
                             "scale": 10**18},
    "amm.price_impact": {"result": _SWAP},
    "amm.round_trip": {"pool": _POOL, "tao_in": 10**9},
    "amm.round_trip_after": {"pool": _POOL, "tao_in": 10**9, "trades": [("sell", 10**9)]},
    "amm.slippage": {"result": _SWAP},
    "amm.stake_to_reach_price": {"pool": _POOL, "price": 0.3},
    "amm.swap_fee": {"amount": 10**6, "fee_rate_u16": 33},
    "amm.unstake_to_reach_price": {"pool": _POOL, "price": 0.2},
    "amm.v3_alpha_out_for_tao": {"liquidity": 2 * 10**12, "sqrt_price": 1.5, "tao_in": 10_000},
    "amm.v3_tao_out_for_alpha": {"liquidity": 2 * 10**12, "sqrt_price": 1.5, "alpha_in": 10_000},
    # coinbase
    "coinbase.BlockState": {"ema_prices": P3, "spot_prices": P3, "alpha_issuance": [10**15, 2 * 10**15, 10**14],
                            "root_tao": 5 * 10**15, "block_emission": 10**9, "tao_weight": 0.18},
    "coinbase.alpha_dividend_fraction": {"alpha_stake": 2.0e9, "root_stake": 4.0e12, "tao_weight": 0.18,
                                         "root_registered": True, "era": "head"},
    "coinbase.alpha_emission": {"alpha_issuance_rao": 10**15},
    "coinbase.block": {"state": None, "era": "head", "exact": True},  # state: a valid BlockState (see _call)
    "coinbase.emission_gate": {"shares": [0.25, 0.75], "bar": 0.3, "exponent": 3.0},
    "coinbase.emission_gate_bar": {"shares": [0.7, 0.2, 0.1], "rank": 2, "quantile": 0.61},
    "coinbase.gated_shares": {"ema_prices": P3, "miner_burned": [0.0, 0.1, 0.2], "stored_bar": 0.1, "block": 360,
                              "rank": 2, "quantile": 0.61, "exponent": 3.0},
    "coinbase.price_for_share_gated": {"share": 0.3, "other_prices": [1.0, 2.0], "miner_burned": 0.0, "rank": 2,
                                       "quantile": 0.61, "exponent": 3.0},
    "coinbase.emission_shares": {"ema_prices": P3, "era": "head"},
    "coinbase.injection_cap": {"alpha_emission_rao": 10**9, "block_emission_rao": 10**9, "root_proportion": 0.2,
                               "era": "head"},
    "coinbase.price_for_share": {"share": 0.1, "others_weight": 0.5, "miner_burned": 0.0},
    "coinbase.root_proportion": {"tao_weight": 0.18, "root_tao_rao": 5 * 10**15, "alpha_issuance_rao": 10**15},
    "coinbase.root_sell_flag": {"ema_prices": P3},
    "coinbase.split_alpha_out": {"alpha_out_rao": 10**9, "owner_cut": 0.18, "root_proportion": 0.2,
                                 "root_sell_flag": True, "owner_cut_enabled": True, "subsidized": False, "era": "head"},
    "coinbase.split_dividends": {"dividends": [1.0, 2.0], "alpha_stake": [10.0, 20.0], "root_stake": [5.0, 0.0],
                                 "tao_weight": 0.18, "pending_validator_alpha": 10**9, "pending_root_alpha": 10**8},
    "coinbase.subnet_tao_emission": {"block_emission_rao": 10**9, "ema_prices": P3, "era": "head"},
    "coinbase.subnet_terms": {"tao_emission_rao": 10**8, "spot_price": 0.05, "era": "v3.2.0",
                              "alpha_emission_rao": 10**9},
    # dissolution
    "dissolution.exit_comparison": {"tao_reserve_rao": 10**13, "alpha_in_rao": 10**14, "staker_alpha_rao": 10**12,
                                    "other_alpha_rao": 10**12, "protocol_alpha_rao": 0, "include_alpha_in": False,
                                    "era": "head"},
    "dissolution.owner_emission_value": {"alpha_rao": 10**12, "price": 0.05, "owner_cut_u16": 11_796, "era": "head"},
    "dissolution.owner_refund": {"locked_rao": 10**12, "owner_emission_tao_rao": 10**11, "legacy": True,
                                 "era": "head"},
    "dissolution.settle": {"pot_rao": 10, "staker_alpha": [1, 1], "alpha_in": 0, "protocol_alpha": 1,
                           "include_alpha_in": False},
    # ema
    "ema.blocks_to_reach": {"ema": 0.01, "spot": 0.02, "target": 0.015, "blocks_since_start": 10**6, "era": "head"},
    "ema.effective_alpha": {"blocks_since_start": 10**6, "moving_alpha": 3e-6, "era": "head"},
    "ema.half_life_blocks": {"moving_alpha": 3e-6},
    "ema.keep_factor": {"n_blocks": 100, "blocks_since_start": 10**6, "era": "head"},
    "ema.moving_price_path": {"ema": 0.01, "spot": [0.02, 0.02, 0.03], "blocks_since_start": 10**6, "era": "head"},
    "ema.spot_to_reach": {"ema": 0.01, "target": 0.012, "n_blocks": 7_200, "blocks_since_start": 10**6,
                          "era": "head"},
    "ema.update_moving_price": {"ema": 0.01, "spot": 0.02, "blocks_since_start": 10**6, "era": "head",
                                "exact": True},
    # emission
    "emission.block_emission": {"issuance_rao": 10**16, "total_supply_rao": 21 * 10**15,
                                "default_emission_rao": 10**9},
    "emission.halving_schedule": {"issuance_rao": 10**16, "recycle_rate": 0.1, "start_block": 10, "max_halvings": 3},
    "emission.halving_threshold_rao": {"k": 2},
    "emission.halvings_so_far": {"issuance_rao": 10**16},
    "emission.project_issuance": {"issuance_rao": 10**16, "days": 30, "recycle_rate": 0.1},
    "emission.supply_limit_rao": {"total_supply_rao": 21 * 10**15, "default_emission_rao": 10**9},
    # params
    "params.era": {"spec": "v3.4.5"},
    # registration
    "registration.can_register_network": {"last_lock_block": 100, "current_block": 50_000, "rate_limit_blocks": 28_800,
                                          "era": "head"},
    "registration.is_immune": {"registered_at": 100, "current_block": 200, "immunity_blocks": 864_000},
    "registration.lock_cost": {"last_lock_rao": 10**12, "last_lock_block": 100, "current_block": 1_000,
                               "min_lock_rao": 10**9, "era": "head"},
    "registration.lock_cost_timeline": {"start_block": 0, "end_block": 1_000, "registration_blocks": [500],
                                        "last_lock_rao": 10**12, "last_lock_block": 0, "rate_limit_blocks": 100,
                                        "era": "head"},
    "registration.lock_growth_factor": {"every_blocks": 7_200, "era": "head"},
    "registration.lock_reduction_interval": {"reduction_interval_blocks": 57_600, "era": "head"},
    "registration.median_subnet_price": {"prices": P3},
    "registration.new_subnet_pool": {"lock_rao": 10**12, "prices": P3, "min_lock_rao": 10**9, "era": "head"},
    "registration.subnet_to_prune": {"subnets": [{"netuid": 1, "registered_at": 0, "ema_price": 0.01,
                                                  "emission": 1.0}],
                                     "current_block": 10**7, "era": "head"},
    # root_era
    "root_era.cartel_curve": {"weights": W3, "stakes": S3, "subnet": 0, "fractions": [0.1, 0.5], "rho": 10.0,
                              "kappa": 0.5, "block_emission_rao": 10**9},
    "root_era.cartel_threshold": {"others_support": 0.3, "kappa": 0.5},
    "root_era.consensus": {"trust": [0.1, 0.6], "rho": 10.0, "kappa": 0.5, "exact": True},
    "root_era.contested_vote_share": {"stakes": S3, "k": 1, "rho": 10.0, "kappa": 0.5},
    "root_era.nakamoto_coefficient": {"stakes": S3, "threshold": 0.5},
    "root_era.normalize_stakes": {"stakes": S3, "exact": True},
    "root_era.rank": {"weights": W3, "stakes": S3, "exact": True},
    "root_era.root_epoch": {"weights": W3, "stakes": S3, "rho": 10.0, "kappa": 0.5, "block_emission_rao": 10**9},
    "root_era.root_register": {"members": [("a", 10), ("b", 20)], "hotkey": "c", "stake": 30, "max_members": 2},
    "root_era.run_root_epoch": {"weights": W3, "stakes": S3, "rho": 10.0, "kappa": 0.5, "block_emission_rao": 10**9},
    "root_era.split_pending_emission": {"pending_rao": 10**9, "owner_cut_u16": 11_796, "has_incentive": True,
                                        "has_dividends": True},
    "root_era.stake_profile_2024": {},
    "root_era.subnet_shares": {"weights": W3, "stakes": S3, "rho": 10.0, "kappa": 0.5, "exact": True},
    "root_era.top_k_emission_share": {"weights": W3, "stakes": S3, "k": 1, "rho": 10.0, "kappa": 0.5},
    "root_era.trust": {"weights": W3, "stakes": S3, "exact": True},
    # taoflow
    "taoflow.flow_ema_alpha": {"raw": 29_597_889_189_277},
    "taoflow.flow_ema_path": {"ema": 1.0, "block_flows": [1.0, -2.0, 3.0], "alpha": 3e-6},
    "taoflow.flow_half_life_blocks": {"alpha": 3e-6},
    "taoflow.flow_shares": {"user_ema": [1.0, -2.0, 3.0], "protocol_ema": [0.0, 1.0, 0.0], "p": 1.0, "cutoff": 0.0,
                            "net": True, "emulate_fixed": True},
    "taoflow.lower_limit": {"net": [1.0, -2.0, 3.0], "cutoff": 0.0},
    "taoflow.net_flows": {"user_ema": [1.0, -2.0, 3.0], "protocol_ema": [0.0, 1.0, 0.0]},
    "taoflow.offset_flows": {"net": [1.0, -2.0, 3.0], "cutoff": 0.0},
    "taoflow.pow_normalize": {"values": [1.0, 2.0, 3.0], "p": 2.0, "emulate_fixed": True},
    "taoflow.update_flow_ema": {"ema": 1.0, "block_flow": 2.0, "alpha": 3e-6},
    # yuma
    "yuma.YumaParams": {"kappa": 0.5, "bonds_penalty": 1.0, "bonds_moving_average": 900_000, "yuma3": True,
                        "liquid_alpha": False, "max_allowed_validators": 64},
    "yuma.bonds": {"weights_for_bonds": W3, "previous_bonds": W3, "stake": S3, "consensus": [0.3, 0.5, 0.2],
                   "sparse": True, "fixed": False},
    "yuma.clip": {"weights": W3, "consensus": [0.3, 0.5, 0.2], "fixed": False},
    "yuma.consensus": {"stake": S3, "weights": W3, "kappa": 0.5, "fixed": True},
    "yuma.dividends": {"bonds": W3, "incentive": [0.3, 0.5, 0.2], "stake": S3, "yuma3": True, "fixed": False},
    "yuma.emission_split": {"incentive": [0.3, 0.5, 0.2], "dividends": [0.2, 0.3, 0.5], "emission_rao": 10**9,
                            "fixed": True},
    "yuma.epoch": {"stake": S3, "weights": W16, "emission_rao": 10**9, "sparse": True, "fixed": True},
    "yuma.inactive_mask": {"last_update": [10, 20, 30], "current_block": 100, "activity_cutoff": 50},
    "yuma.incentive": {"clipped_weights": W3, "stake": S3, "fixed": False},
    "yuma.liquid_alpha": {"consensus": [0.3, 0.5, 0.2], "weights": W3, "bonds": W3, "alpha_low": 0.7,
                          "alpha_high": 0.9, "steepness": 1000.0, "fixed": False},
    "yuma.mask_weights": {"weights": W16, "validator_permit": [True, True, False], "sparse": True, "fixed": False},
    "yuma.mat_ema_alpha": {"new": W3, "old": W3, "alpha": W3, "fixed": False},
    "yuma.max_upscale_weights": {"weights": W16},
    "yuma.normalize_stake": {"stake": S3, "stake_threshold": 0.0, "fixed": True},
    "yuma.outdated_mask": {"last_update": [10, 20, 30], "block_at_registration": [0, 0, 0]},
    "yuma.recently_registered_mask": {"block_at_registration": [0, 90, 0], "current_block": 100, "tempo": 360},
    "yuma.run_epochs": {"stakes": S3, "weights_by_epoch": [W16, W16], "emission_rao": 10**9, "fixed": True},
    "yuma.stake_weights": {"alpha_stake": S3, "root_stake": S3, "tao_weight": 0.18},
    "yuma.validator_permits": {"stake": S3, "k": 2},
    "yuma.weighted_median_col": {"stake": S3, "weights": W3, "majority": 0.5, "fixed": True},
    "yuma.weights_for_bonds": {"weights": W3, "clipped_weights": W3, "bonds_penalty": 1.0, "fixed": False},
    # sim
    "sim.EmissionChasers": {"tao_per_day": 1_000.0, "every": 360},
    "sim.NoiseTraders": {"daily_volatility": 0.02, "every": 360},
    "sim.Pump": {"netuid": 1, "tao": 100.0, "at_day": 0.5, "sell_after_days": 1.0},
    "sim.Registration": {"count": 2, "start_day": 0.0, "every_days": 1.0, "last_lock_tao": 1_250.0,
                         "min_lock_tao": 1.0, "subnet_limit": 128},
    "sim.Scenario": {"era": "head", "n_subnets": 2, "blocks": 20, "record_every": 10, "initial": "synthetic",
                     "seed": 0, "recycle_rate": 0.0, "tao_weight": 0.18, "tempo": 360, "miner_burned": 0.0},
    "sim.days": {"n": 1.5},
    "sim.grid": {"base": _SCN},
    "sim.run": {"scenario": _SCN, "engine": "numpy", "progress": False, "debug": False},
    "sim.sweep": {"scenarios": [_SCN], "engine": "numpy", "max_workers": 1, "timeout": 600.0, "progress": False},
    # data
    "data.data_info": {},
    "data.data_dir": {},
    "data.load_emission_days": {},
    "data.load_emission_shares": {},
    "data.load_subnet_snapshot": {},
    "data.load_vectors": {},
    "data.subnet_state": {"netuid": 1},
    "data.verify_checksums": {},
    # collateral
    "collateral.charge_split": {"price_rao": 10**9, "lock_share": 0.25},
    "collateral.split_bought_alpha": {"alpha_bought": 4 * 10**9,
                                      "split": __import__("dtao_lib.collateral").collateral.ChargeSplit(75, 25)},
    "collateral.collateral_price_limit": {"spot_price": 0.02},
    "collateral.collateral_release": {"locked_alpha": 10**9, "earned_alpha": 10**8, "drain_ratio": 0.5},
    "collateral.collateral_credit_tao": {"locked_alpha": 10**9, "ema_price": 0.02},
    # ownership
    "ownership.roll_conviction": {"locked": 10**12, "conviction": 10.0**11, "dt_blocks": 7_200, "perpetual": False,
                                  "unlock_rate": 934_866, "maturity_rate": 934_866},
    "ownership.takeover_threshold": {"alpha_out": 10**15, "protocol_alpha": 10**13, "alpha_burned": 10**12,
                                     "era": "head"},
    "ownership.owner_change_due": {"subnet_age_blocks": 3_000_000, "king_conviction": 10.0**14,
                                   "total_conviction": 2 * 10.0**14, "alpha_out": 10**15, "protocol_alpha": 0,
                                   "alpha_burned": 0, "era": "head"},
}

NOT_CHECKED: dict[str, str] = {
    name: "a result container the library returns (built from validated inputs)"
    for name in ["amm.ArraySwap", "amm.Injection", "amm.RoundTrip", "amm.SwapResult", "coinbase.AlphaOutSplit",
                 "coinbase.BlockResult", "coinbase.SubnetTerms", "dissolution.ExitComparison",
                 "dissolution.Settlement", "emission.Halving", "registration.LockTimeline",
                 "registration.NewSubnetPool", "root_era.PendingSplit", "root_era.RootEpochResult",
                 "root_era.RootRegistration", "taoflow.NetFlows", "yuma.EpochResult", "sim.SimResult",
                 "sim.StateView", "sim.SweepFailure", "sim.SweepResults", "data.SubnetState", "params.Era",
                 "params.Change", "params.Release", "params.Parameter", "amm.ProtocolLiquidity",
                 "coinbase.GatedShares", "collateral.ChargeSplit", "ownership.Lock"]
} | {
    "registration.RateLimitError": "an exception type",
    "sim.ConservationError": "an exception type",
    "sim.SweepError": "an exception type",
    "sim.Policy": "abstract base class (no parameters)",
    "sim.CustomPolicy": "abstract base class for user policies (no parameters)",
    "sim.NoTrading": "takes no parameters",
    "sim.InitialState": "checked by Scenario when used (tests/test_sim.py)",
}

# Bad values that are meaningful for one parameter: {("module.name", param): {label, ...}}.
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("amm.balancer_ratio_pow", "delta"): {"-1"},  # a signed delta ("alpha needed for TAO")
    ("amm.balancer_ratio_pow_scaled", "delta"): {"-1"},
    ("taoflow.flow_ema_path", "block_flows"): {"-1"},  # flows are signed
    ("taoflow.flow_ema_path", "ema"): {"-1"},
    ("taoflow.update_flow_ema", "ema"): {"-1"},
    ("taoflow.update_flow_ema", "block_flow"): {"-1"},
    ("taoflow.lower_limit", "cutoff"): {"-1"},
    ("taoflow.offset_flows", "cutoff"): {"-1"},
    ("taoflow.flow_shares", "cutoff"): {"-1"},
    ("adr.subnet_life", "net_flow_tao_per_day"): {"-1"},  # outflows
    ("sim.Pump", "tao"): {"-1"},
    ("sim.run", "progress"): {"None"},  # None: automatic
    ("taoflow.flow_shares", "net"): {"None"},  # None: the era's default
    ("dissolution.owner_emission_value", "alpha_rao"): {"2**64"},  # valued in U96F32: up to 2^96 − 1
    ("root_era.consensus", "trust"): {"wrong ndim"},  # element-wise: any shape
    ("yuma.max_upscale_weights", "weights"): {"wrong ndim"},  # one row or a matrix
    ("yuma.run_epochs", "stakes"): {"wrong ndim"},  # one stake vector or one row per epoch
    ("sim.sweep", "progress"): {"None"},
    ("root_era.root_register", "hotkey"): {"int for str", "bytes"},  # any hashable identifier names a hotkey
    ("root_era.cartel_curve", "subnet"): set(),
    ("coinbase.split_dividends", "root_stake"): set(),
}


