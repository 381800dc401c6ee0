"""The simulator's state arrays (layout in :mod:`dtao_lib.sim._layout`) and how a scenario fills them.

:class:`SimState` bundles the per-slot arrays ``I`` (int64) and ``F`` (float64), the network
scalars ``G`` and the scenario's parameters ``IP``/``FP``. Every engine reads and writes the same
arrays, so a run may switch engines between chunks and the tests can compare engines field by field.

Which quantities are exact
--------------------------
* **Exact integers (int64 rao)**: TAO issuance, the block emission ``E`` and every subnet's alpha
  emission (the exact halving rule, spec §1), pool reserves, alpha outside the pool, protocol alpha,
  pending emissions, every per-block amount (``τ``, ``τ_in``, ``α_in``, excess, α_out split, swap
  outputs — each floored to a rao as the chain truncates) and all the conservation ledgers. Because
  of this the conservation checks of debug mode are exact identities, not tolerances.
* **float64**: shares, spot and EMA prices, root proportions, Balancer weights, flow EMAs. Where the
  chain stores a value on a 2^-32 grid (EMA prices, owner cut, γ, ``MinerBurned``, spot price in the
  coinbase) the simulator rounds to that grid as :func:`dtao_lib.coinbase.block` does with
  ``exact=False``.

Tolerance against the exact single-block functions: ``τ_in``, excess and the α_out split are within
±1 rao of :func:`dtao_lib.coinbase.block` (``exact=True``), ``α_in`` within ``1/p + 1`` rao; swaps are
within a rao or two of :mod:`dtao_lib.amm`'s exact pools (float64 powers and divisions); TaoFlow shares
are the exact ratios ``z^p / Σ z^p`` rather than the chain's I32F32 ``exp(p·ln z)`` (≈ 1e-7 relative
at ``p = 1``, spec §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import params as _params
from ..params import EMA_PRICE_HALVING_BLOCKS, MOVING_ALPHA
from ..taoflow import FLOW_EMA_ALPHA
from . import _layout as L
from ._scalar import block_emission, grid32
from .scenario import InitialState, Scenario

__all__ = ["SimState", "build_state", "chain_buy_order", "ema_age_settings", "era_params", "v3_liquidity"]


@dataclass
class SimState:
    """Arrays of one run (see :mod:`dtao_lib.sim._layout` for the rows)."""

    I: np.ndarray  # noqa: E741  (the layout's name)
    F: np.ndarray
    G: np.ndarray
    IP: np.ndarray
    FP: np.ndarray
    labels: list[str]

    @property
    def n_slots(self) -> int:
        return int(self.I.shape[1])

    def copy(self) -> SimState:
        return SimState(self.I.copy(), self.F.copy(), self.G.copy(), self.IP.copy(), self.FP.copy(),
                        list(self.labels))

    # convenient views ----------------------------------------------------------------------------
    def spot_prices(self) -> np.ndarray:
        """Spot price of every slot (0 for empty slots)."""
        tao = self.I[L.TAO].astype(np.float64)
        a = np.maximum(self.I[L.AIN].astype(np.float64), 1.0)
        w2 = self.F[L.W2]
        p = np.where(self.IP[L.IP_POOL] == L.POOL_BAL, (1.0 - w2) / w2 * (tao / a), tao / a)
        return np.where(self.I[L.ACTIVE] == 1, p, 0.0)


def chain_buy_order(e: _params.Era) -> int:
    """How an era without reservoirs orders the injection and the chain buy of one subnet (``ORDER_*``).

    What the chain does, per era (``coinbase/run_coinbase.rs``):

    * v3.2.3 – v3.2.11 (subsidy): the chain buy runs inside the terms loop, before any injection
      (v3.2.3 L90 ``swap_tao_for_alpha``; the reserves grow at L135/L148 and the v3 position at L158):
      :data:`~._layout.ORDER_BUY_FIRST`;
    * v3.2.12 – v3.4.7 on the Uniswap-v3 pool: ``adjust_protocol_liquidity`` first adds the injection to
      the protocol position (``CurrentLiquidity``, which the v3 swap reads), then the buy (v3.2.12
      L112 → L115): :data:`~._layout.ORDER_INJECT_FIRST`. Eras without an excess (before v3.2.3) have no
      chain buy, so the order does not matter there;
    * Balancer without reservoirs (v3.3.10, v3.4.8 – spec 434): ``adjust_protocol_liquidity`` only moves
      the weights for the injection, computed on the pre-injection reserves; the buy then swaps on the
      *pre-injection* reserves (``SubnetTAO``/``SubnetAlphaIn``) with the *new* weights, and the reserves
      grow by the injection afterwards (v3.3.10 L71 → L74 → L90/L99; v3.4.8 and 14bc6f9f L91 → L104 →
      L137/L147): :data:`~._layout.ORDER_WEIGHTS_FIRST`.

    With reservoirs (spec 435+, addendum §A4) the chain buy comes first and the reservoir-aware weight
    update follows (``IP_RESERVOIRS``); this function is not consulted then.
    """
    if e.pool == "balancer":
        return L.ORDER_WEIGHTS_FIRST
    if e.injection_rule == "subsidy":
        return L.ORDER_BUY_FIRST
    return L.ORDER_INJECT_FIRST


def v3_liquidity(e: _params.Era) -> int:
    """How the era's Uniswap-v3 protocol position takes swap fees and injections (``V3LIQ_*``).

    On chain the v3 swap reads only the position (``AlphaSqrtPrice``, ``CurrentLiquidity``): its
    price-active reserves are ``L·√p`` and ``L/√p``, which the simulator keeps in ``TAO``/``AIN``.
    ``SubnetTAO``/``SubnetAlphaIn`` also hold what the position has not taken, kept in ``RES_TAO``/
    ``RES_ALPHA`` (``pallets/swap/src/pallet/impls.rs::adjust_protocol_liquidity``):

    * v3.1.6 – v3.2.3 (:data:`~._layout.V3LIQ_HELD`): the swap fees accrue to the protocol position
      and are never collected (v3.2.3 L357-397: no ``collect_fees``); the injection joins the position;
    * v3.2.10 – v3.4.7 (:data:`~._layout.V3LIQ_SCRAP`): the fees are collected at each block's
      ``adjust_protocol_liquidity`` and, with the injection and the scrap reservoirs, split by
      ``get_proportional_alpha_tao_and_remainders`` at the price: ``τ_eq = ⌊α·p⌋``; if
      ``τ_eq ≤ τ`` the position takes ``(τ_eq, α)``, else ``(τ, ⌊τ/p⌋)``; the rest waits in
      ``ScrapReservoirTao``/``ScrapReservoirAlpha`` (v3.2.10-334 L116-149, L152-214; v3.2.12-342 the
      same lines). From v3.3.10 the fees go to the block author, so only the injection's rounding
      waits;
    * v3.2.4 – v3.2.9 (:data:`~._layout.V3LIQ_SQRT`) collect the fees and add them with the
      injection without the split: ``L' = ⌊√((L√p + Δτ)(L/√p + Δα))⌋`` at an unchanged √p (v3.2.4
      and v3.2.9-326 L359-407), so both price-active reserves grow by the factor ``L'/L``; one
      of them by more than was deposited. The differences (deposit − growth) accumulate in
      ``OFF_TAO``/``OFF_ALPHA``, which may be negative: ``SubnetTAO = TAO + RES_TAO + OFF_TAO``.
    """
    if e.pool != "uniswap_v3":
        return L.V3LIQ_OFF
    if not e.at_least("v3.2.4"):
        return L.V3LIQ_HELD
    if e.at_least("v3.2.10"):
        return L.V3LIQ_SCRAP
    return L.V3LIQ_SQRT


def ema_age_settings(e: _params.Era) -> tuple[int, int]:
    """``(halving blocks h, 1 if the age counts from registration)`` of an era's age-scaled EMA (spec §3.3).

    ``stake_utils.rs::update_moving_price``: v2.0.6 – v2.0.7 fix ``h = 100 800`` and count the age from
    ``NetworkRegisteredAt`` (v2.0.6 L60-67); v2.0.8 – v2.0.9 read ``h`` from ``EMAPriceHalvingBlocks``
    (201 600 on mainnet) and still count from registration (v2.0.8 L60-72); from v2.0.10 the age counts
    from the ``start_call`` block ``FirstEmissionBlockNumber − 1`` (v2.0.10 L61-69). Both subtractions
    saturate at 0.
    """
    h = EMA_PRICE_HALVING_BLOCKS if e.ema_halving_blocks is None else int(e.ema_halving_blocks)
    return h, 1 if e.ema_age_origin == "registration" else 0


def era_params(scenario: Scenario, *, debug: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``IP`` and ``FP`` for a scenario: the era's rules as codes, and the numeric parameters."""
    e = scenario.era_rules
    pol = scenario.policies
    ip = np.zeros(L.N_IP, dtype=np.int64)
    ip[L.IP_SHARE] = L.SHARE_CODES[e.share_rule]
    ip[L.IP_INJ] = L.INJ_CODES[e.injection_rule]
    ip[L.IP_CHAIN] = L.CHAIN_CODES[e.chain_buy_alpha]
    ip[L.IP_POOL] = L.POOL_CODES[e.pool]
    ip[L.IP_FEE_U16] = 0 if e.swap_fee_u16 is None else e.swap_fee_u16
    ip[L.IP_FLAT_FEE] = 50_000 if e.pool == "constant_product" else 0
    # v3.3.10's Balancer keeps FeesTao/FeesAlpha for adjust_protocol_liquidity, but DefaultFeeSplit is
    # Perbill::zero() (swap/src/pallet/mod.rs L81-83, swap_step.rs L131-134 at v3.3.10-380): every fee goes
    # to the block author and the stored fees stay 0
    ip[L.IP_FEE_IN_POOL] = 1 if e.fee_destination in ("pool", "liquidity_providers") else 0
    ip[L.IP_EMA] = L.EMA_CODES[e.ema_rule]
    ip[L.IP_ROOT_DIVS] = L.ROOT_SOLD_EACH_BLOCK if e.root_dividends == "sold_each_block" else L.ROOT_CLAIMABLE
    ip[L.IP_SELL_RULE] = 1 if e.root_sell_flag else 0
    ip[L.IP_NO_FLAG] = L.NOFLAG_CODES[e.root_alpha_without_sell_flag]
    ip[L.IP_EPOCH] = L.EPOCH_DYNAMIC if e.epoch_schedule == "dynamic" else L.EPOCH_TEMPO_PLUS_ONE
    ip[L.IP_TEMPO] = scenario.tempo
    ip[L.IP_NOISE_EVERY] = 0 if pol.noise is None else pol.noise.every
    ip[L.IP_CHASE_EVERY] = 0 if pol.chasers is None else pol.chasers.every
    ip[L.IP_START] = scenario.start_block
    ip[L.IP_REC_EVERY] = scenario.record_every
    ip[L.IP_DEBUG] = 1 if debug else 0
    gate = gate_settings(scenario)
    ip[L.IP_GATE] = gate["mode"]
    ip[L.IP_GATE_RANK] = gate["rank"]
    ip[L.IP_BAR_EVERY] = gate["every"]
    ip[L.IP_BURN_W] = 1 if getattr(e, "miner_burn_weighting", True) else 0
    ip[L.IP_REFUND] = 1 if getattr(e, "chain_buy_refund", False) else 0
    ip[L.IP_SUBSIDY_AE] = 1 if not e.at_least("v3.2.8") else 0  # run_coinbase.rs v3.2.3 L87
    ip[L.IP_RESERVOIRS] = 1 if getattr(e, "balancer_reservoirs", False) and e.pool == "balancer" else 0
    ip[L.IP_ORDER] = chain_buy_order(e)
    # v3.3.10 (run_coinbase.rs L108-112): TotalIssuance += τ_in even when adjust_protocol_liquidity refuses the
    # injection (SubnetTAO += 0); from v3.4.8 the refused TAO stays in the block credit and is recycled
    ip[L.IP_REFUSED_ISSUED] = 1 if e.pool == "balancer" and not e.at_least("v3.4.8") else 0
    ip[L.IP_V3_LIQ] = v3_liquidity(e)
    halving, from_reg = ema_age_settings(e)
    ip[L.IP_EMA_FROM_REG] = from_reg
    fp = np.zeros(L.N_FP, dtype=np.float64)
    fp[L.FP_TW_ROOT] = grid32(scenario.tao_weight) * float(round(scenario.root_tao * 1e9))
    fp[L.FP_OWNER_CUT] = grid32(scenario.owner_cut)
    fp[L.FP_MOVING_ALPHA] = MOVING_ALPHA
    fp[L.FP_EMA_HALVING] = float(halving)
    fp[L.FP_FLOW_ALPHA] = FLOW_EMA_ALPHA
    fp[L.FP_FLOW_P] = scenario.flow_exponent
    fp[L.FP_FLOW_CUTOFF] = 0.0
    fp[L.FP_RECYCLE] = scenario.recycle_rate
    fp[L.FP_ROOT_SWAP] = scenario.root_claim_swap
    fp[L.FP_EMIT_SELL] = scenario.emission_sell
    fp[L.FP_NOISE_SIGMA] = 0.0 if pol.noise is None else pol.noise.sigma_per_event
    fp[L.FP_CHASE_BUDGET] = 0.0 if pol.chasers is None else pol.chasers.budget_rao
    fp[L.FP_GATE_Q] = gate["quantile"]
    fp[L.FP_GATE_H] = gate["exponent"]
    fp[L.FP_GATE_BAR] = 0.0  # EmissionGateBar starts unset: the first block computes it (spec §A2)
    return ip, fp


def gate_settings(scenario: Scenario) -> dict[str, int | float]:
    """The emission gate of a scenario's era (spec §A2): mode code, bar rank N, quantile q, exponent h
    and the bar's update interval. In rank mode ``N = 0`` means the q-mass bar, as on chain."""
    e = scenario.era_rules
    kind = getattr(e, "emission_gate", "none")
    rank = scenario.emission_bar_rank
    if rank is None:
        rank = getattr(_params, "EMISSION_BAR_RANK", 32)
    q = scenario.emission_bar_quantile
    if q is None:
        q = getattr(_params, "EMISSION_BAR_QUANTILE", 0.61)
    h = scenario.emission_gate_exponent
    if h is None:
        h = getattr(_params, "EMISSION_GATE_EXPONENT", 3)
    mode = L.GATE_CODES[kind]
    if mode == L.GATE_RANK and rank == 0:
        mode = L.GATE_QMASS
    return {"mode": mode, "rank": int(rank) if mode == L.GATE_RANK else 0, "quantile": float(q),
            "exponent": float(h), "every": int(getattr(_params, "EMISSION_BAR_UPDATE_INTERVAL", 360))}


def _last_epoch(start: int, netuid: int, tempo: int) -> int:
    """The last block before ``start`` at which the old schedule ran this subnet's epoch:
    ``(b + netuid + 1) mod (tempo + 1) == 0`` (spec §3.6)."""
    b = start - 1
    return b - ((b + netuid + 1) % (tempo + 1))


def build_state(scenario: Scenario, *, debug: bool = False, initial: InitialState | None = None) -> SimState:
    """The state at the start of ``scenario`` (before its first block)."""
    init = scenario.initial_state() if initial is None else initial
    n = init.n
    slots = max(scenario.n_slots, n)
    ip, fp = era_params(scenario, debug=debug)
    I = np.zeros((L.N_I, slots), dtype=np.int64)  # noqa: E741
    F = np.zeros((L.N_F, slots), dtype=np.float64)
    F[L.W2] = 0.5
    s = slice(0, n)
    I[L.TAO, s] = init.tao_reserve
    I[L.AIN, s] = init.alpha_in
    I[L.AOUT, s] = init.alpha_out
    I[L.PROT, s] = init.protocol_alpha
    start = scenario.start_block
    I[L.FIRST_EM, s] = max(0, start - scenario.initial_age_blocks)
    I[L.REG_AT, s] = max(0, start - scenario.initial_age_blocks)
    I[L.ACTIVE, s] = 1
    I[L.ENABLED, s] = 1
    I[L.NETUID, s] = init.netuid
    I[L.LAST_EPOCH, s] = [_last_epoch(start, int(u), scenario.tempo) for u in init.netuid]
    I[L.INIT_TAO, s] = I[L.TAO, s]
    I[L.INIT_ALPHA, s] = I[L.AIN, s] + I[L.AOUT, s] + I[L.PROT, s]
    tao = init.tao_reserve.astype(np.float64)
    a_in = init.alpha_in.astype(np.float64)
    if ip[L.IP_POOL] == L.POOL_BAL and init.pool_price is not None:
        w2 = tao / (init.pool_price * a_in + tao)  # price-preserving weights (v3 → Balancer migration)
        F[L.W2, s] = np.clip(w2, L.BAL_W_MIN, L.BAL_W_MAX)
    F[L.EMA, s] = init.ema_price
    F[L.BURN, s] = scenario.miner_burned
    if int(init.tao_reserve.sum()) > scenario.issuance_rao:
        raise ValueError(
            f"Scenario.issuance_tao must be at least the TAO in the initial pools "
            f"({init.tao_reserve.sum() / 1e9:,.0f} TAO), got {scenario.issuance_rao / 1e9:,.0f}")
    e0 = block_emission(scenario.issuance_rao)
    if init.flow_ema is not None:
        F[L.FLOW, s] = init.flow_ema
    else:
        ema = np.array([grid32(float(x)) for x in init.ema_price])
        tot = ema.sum()
        F[L.FLOW, s] = ema / tot * e0 if tot > 0 else 0.0
    G = np.zeros(L.N_G, dtype=np.int64)
    G[L.G_BLOCK] = start
    G[L.G_ISS] = scenario.issuance_rao
    G[L.G_ISS0] = scenario.issuance_rao
    G[L.G_E] = e0
    labels = list(init.labels) + [""] * (slots - n)
    return SimState(I, F, G, ip, fp, labels)

