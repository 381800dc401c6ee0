"""The dTAO coinbase: where one block's emission goes (spec §3, §8).

Every block the chain mints ``E`` rao (:func:`dtao_lib.emission.block_emission`, spec §1) and
``run_coinbase`` splits it (``coinbase/run_coinbase.rs``, ``coinbase/subnet_emissions.rs``):

1. **Shares** (§3.2, :func:`subnet_tao_emission`). Subnet ``i`` gets ``τ_i = E·share_i``:

   ======  =====================  =====================================================
   era     releases               ``share_i``
   ======  =====================  =====================================================
   A       v2.0.0 – v3.2.9        ``p̄_i / Σ p̄_j`` (EMA prices, §3.3)
   B, B'   v3.2.10 – v3.4.5       power-normalised clipped flow EMA (:mod:`dtao_lib.taoflow`)
   C       v3.4.6 – v3.4.9        ``∝ p̄_i·(root_prop_i·(1 − burn_i))``, renormalised; pure
                                  price shares if every weight is 0
   D       2026-06-30 – spec 43x  ``∝ p̄_i·(1 − burn_i)``, renormalised; pure price shares
                                  if every weight is 0
   E       spec 440               Hill gate ``w/(1 + (θ/w)^3)`` of era D's shares, θ from
                                  the q-mass rule (addendum §A2)
   F/HEAD  spec 441 – 459         the same gate, θ = 32nd-largest share; spec 444 drops
                                  the ``(1 − burn)`` factor, spec 445 restores it
   ======  =====================  =====================================================

   The gate (:func:`emission_gate_bar`, :func:`emission_gate`, :func:`gated_shares`) keeps a
   stored bar θ that is recomputed every 360 blocks; :func:`block` carries it in
   :class:`BlockState` and returns the new one.

   Subnets with ``SubnetEmissionEnabled = false`` get 0 and the others' shares are renormalised.
2. **Injection** (§3.4, :func:`subnet_terms`). With spot price ``p_i``, alpha emission
   ``α_e = block_emission(alpha_issuance_i)`` (the same halving rule on the subnet's own alpha)
   and the era's injection cap (:func:`injection_cap`)::

       v2.0.0 – v3.2.2     τ_in = τ,  α_in = min(τ/p, α_e),  no excess
       v3.2.3 – v3.2.11    if p < τ/E:   τ_in = p·E, α_in = α_e (E from v3.2.8),
                                         excess = τ − p·E  ("subsidy")
                           else          τ_in = τ,   α_in = τ/p
       v3.2.12 – HEAD      α_in = τ/p;  if α_in > cap: α_in = cap, τ_in = cap·p;  excess = τ − τ_in
                           cap = α_e (v3.2.12), min(α_e, E) (v3.3.1), root_prop·α_e (v3.4.6)

   ``root_prop_i = γ·T_root / (γ·T_root + alpha_issuance_i)`` (:func:`root_proportion`).
   The excess TAO **buys alpha from the pool** ("chain buy"; a fee-free swap at HEAD): the
   bought alpha was recycled until v3.4.0 and is kept as ``SubnetProtocolAlpha`` from v3.4.1.
   Those swaps belong to the AMM (:mod:`dtao_lib.amm`, spec §4) and are *not* done here; pass
   ``chain_buy=`` to :func:`block` to plug one in. Credit left unspent by rounding is recycled.
3. **α_out split** (§3.5, :func:`split_alpha_out`). ``α_out = α_e`` is minted every block and
   accumulated in the subnet's pending pools::

       owner      = α_out · owner_cut                  (18 % on mainnet; toggle since v3.4.0)
       a          = α_out − owner
       server     = a / 2                              miners, 41 %
       root       = root_prop · a / 2                  root stakers (if Σ p̄ > 1, else recycled)
       validator  = a / 2 − root                       alpha stakers

   ``root_sell_flag = Σ p̄ > 1`` (:func:`root_sell_flag`) exists since v3.2.12; without it root
   alpha went to validators (v3.2.12) or is recycled (v3.2.13+). Before v3.2.10 the root alpha
   was sold through the pool each block and paid as TAO.
4. **Epoch** (§3.6 step 4, :func:`split_dividends`): each validator's dividend is split between
   its alpha stake and its γ-weighted root stake, then both sides are rescaled to the pending
   validator and root amounts. From spec 441/442 only root-registered hotkeys receive the root part
   (addendum §A5). **Root Reborn** (spec 441): each hotkey's root alpha minus take no longer waits as
   claimable alpha; it is queued as a deposit into the validator's *beta basket* (``enqueue_basket_deposit``
   [V]; during the seed migration into ``DeferredRootAlphaDividends``), and the automatic root claim of
   ``block_step`` is gone [V]. How baskets work is PR text [P]: one fund per validator under a global
   escrow coldkey, allocated by the validator's root weights, deposits minting fund shares at the
   realisable NAV, stakers redeeming pro rata into root TAO through ``claim_root`` after a hold
   interval; root registration is burn-based. Third parties report curation switched on with a 1/16
   cap in spec 449, on-chain beta pricing in spec 450 and ``set_root_weights`` retired in spec 469
   (uncurated funds accumulating in place) [T]. None of the basket mechanics is modelled here.

:func:`block` runs 1–3 for every subnet at once (numpy, no loop over subnets) and checks that no
TAO is created or lost: ``Σ τ_in + Σ excess + recycled == E``.

Fixed point and rounding (spec §8)
----------------------------------
The chain computes these terms in **U96F32** (32 fractional bits) and the HEAD shares in
**U64F64**; every multiplication truncates to the type's fractional bits, divisions truncate, and
every amount written to storage is truncated to a u64 rao. This module reproduces that bit for
bit with Python integers (numpy object arrays in the vectorised path), so results are exact to
the rao for the operation order of the release the era names:

* float inputs (prices, fractions) are first rounded to the 32-fractional-bit grid of the
  storage type they come from (I96F32 EMA prices, U96F32 ``MinerBurned``/``RootProp``/spot
  price), with ties to even, as ``from_num`` does; integer inputs are exact;
* era A (v2.0.0 – v3.2.9) computes ``E·p̄_i / Σ p̄`` in U96F32, multiplying first and then
  dividing (``run_coinbase.rs`` v3.2.3 L66–69); later eras use U64F64 shares, which differ from
  it by at most 1 rao;
* era C multiplies the price share by the exact factor ``root_prop·(1 − burn)`` (one truncation,
  ``subnet_emissions.rs`` v3.4.6 L349–353);
* flow shares (eras B/B') come from the bit-exact emulation of ``inplace_pow_normalize`` in
  :mod:`dtao_lib.taoflow` (I32F32 ``exp``/``ln``); the flow EMAs feeding it are float64.

Dust: ``τ_in`` and the excess are each truncated, so up to 2 rao per subnet per block are never
spent; the chain recycles that credit (HEAD) or simply never mints it (before v3.4.x). Both are
reported as ``recycled``. On the alpha side the truncated pieces of ``α_out`` (at most 3 rao)
stay in ``SubnetAlphaOut`` without an owner; they are reported as ``dust``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from . import taoflow
from ._validate import check_array, check_bool, check_fraction, check_int, check_real, check_u16_fraction, freeze_arrays
from .emission import block_emission as _block_emission
from .params import (
    DEFAULT_BLOCK_EMISSION_RAO,
    EMISSION_BAR_QUANTILE,
    EMISSION_BAR_RANK,
    EMISSION_BAR_UPDATE_INTERVAL,
    EMISSION_GATE_EXPONENT,
    SUBNET_OWNER_CUT_U16,
    TAO_WEIGHT,
    TOTAL_SUPPLY_RAO,
    U16_MAX,
    Era,
)
from .params import era as _era

__all__ = [
    "AlphaOutSplit",
    "BlockResult",
    "BlockState",
    "GatedShares",
    "SubnetTerms",
    "alpha_dividend_fraction",
    "alpha_emission",
    "block",
    "emission_gate",
    "emission_gate_bar",
    "emission_shares",
    "gated_shares",
    "injection_cap",
    "price_for_share",
    "price_for_share_gated",
    "root_proportion",
    "root_sell_flag",
    "split_alpha_out",
    "split_dividends",
    "subnet_tao_emission",
    "subnet_terms",
]

_ONE32 = 1 << 32
_ONE64 = 1 << 64
_MAX_PRICE = 2.0**31  # keeps price·2^32 inside int64 before we widen to Python ints
MAINNET_OWNER_CUT: float = SUBNET_OWNER_CUT_U16 / U16_MAX
"""``SubnetOwnerCut / 65535`` = 11 796/65 535 ≈ 0.179995 (the "18 %")."""


# ---------------------------------------------------------------------------------------------
# Fixed-point helpers: numpy object arrays of Python ints holding the raw bits
# ---------------------------------------------------------------------------------------------
def _obj(values: Any) -> np.ndarray:
    """Integers (int64 array, list or scalar) → 1-D object array of Python ints."""
    arr = np.atleast_1d(np.asarray(values))
    if arr.dtype == object:
        return arr
    return arr.astype(np.int64).astype(object)


def _bits32(x: np.ndarray) -> np.ndarray:
    """Float array → bits with 32 fractional bits, ties to even (``from_num`` for floats)."""
    return _obj(np.rint(np.ldexp(np.asarray(x, dtype=np.float64), 32)))


def _bits32_scalar(x: float) -> int:
    return round(float(np.ldexp(x, 32)))


def _to_int64(bits: np.ndarray, frac: int) -> np.ndarray:
    """Truncate fixed-point bits to integers (``saturating_to_num::<u64>``)."""
    return np.asarray(bits >> frac).astype(np.int64)


def _to_float(bits: np.ndarray, frac: int) -> np.ndarray:
    """Fixed-point bits → float64 (correctly rounded), vectorised."""
    return np.ldexp(np.asarray(bits, dtype=object).astype(np.float64), -frac)


def _grid32(x: Any) -> np.ndarray:
    """Round floats to the 2^-32 grid of the U96F32/I96F32 storage types (ties to even)."""
    return np.ldexp(np.rint(np.ldexp(np.asarray(x, dtype=np.float64), 32)), -32)


def _safe_div(num: np.ndarray, den: np.ndarray, frac: int, default: Any = 0) -> np.ndarray:
    """Fixed-point ``num / den`` truncated (``safe_div``/``checked_div``), ``default`` where den = 0."""
    den_ok = den > 0
    q = (num << frac) // np.where(den_ok, den, 1)
    return np.where(den_ok, q, default)


def _alpha_emission_vec(issuance: np.ndarray) -> np.ndarray:
    """Vectorised ``block_emission`` (spec §1) for int64 issuances: ``1e9 >> floor(log2(S/(S−I)))``."""
    rem = TOTAL_SUPPLY_RAO - issuance
    valid = rem > 0
    q = TOTAL_SUPPLY_RAO // np.where(valid, rem, 1)
    _, ex = np.frexp(q.astype(np.float64))
    k = ex.astype(np.int64) - 1
    k = np.where(np.left_shift(np.int64(1), np.clip(k, 0, 62)) > q, k - 1, k)  # float rounded q up
    out = np.right_shift(np.int64(DEFAULT_BLOCK_EMISSION_RAO), np.clip(k, 0, 63))
    return np.where(valid & (k < 63), out, 0).astype(np.int64)


def _era_dtao(era: str | Era) -> Era:
    e = _era(era)
    if not e.dtao:
        raise ValueError(
            f"era {e.tag!r} is pre-dTAO (before v2.0.0): subnet emission was set by the root network's "
            "weights, not by this coinbase; use dtao_lib.root_era.root_epoch (spec §2)"
        )
    return e


def _check_price_array(name: str, values: Any, n: int | None = None) -> np.ndarray:
    arr = check_array(name, values, lo=0.0, hi=_MAX_PRICE, hi_open=True, shape=None if n is None else (n,))
    return arr


def _check_rao_array(name: str, values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an array of integers (rao), got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must contain integers >= 0 (rao), got min {int(arr.min())}")
    return arr.astype(np.int64)


def _check_mask(name: str, values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.ones(n, dtype=bool)
    arr = np.asarray(values)
    if arr.dtype != bool:
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must be an array of booleans, got dtype {arr.dtype}")
        if arr.size and not np.all((arr == 0) | (arr == 1)):
            raise ValueError(f"{name} must contain booleans (or 0/1), got values outside {{0, 1}}")
        arr = arr.astype(bool)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr


# ---------------------------------------------------------------------------------------------
# Root proportion and the root-sell flag
# ---------------------------------------------------------------------------------------------
def _root_prop_bits(tw32: int, root_tao: int, issuance: np.ndarray) -> np.ndarray:
    """U96F32 ``γ·T / (γ·T + I)`` (``block_step.rs::root_proportion``) for an object array ``I``."""
    weighted = root_tao * tw32  # (T << 32)·γ >> 32
    return _safe_div(np.full(issuance.shape, weighted, dtype=object), weighted + (issuance << 32), 32)


def root_proportion(tao_weight: float, root_tao_rao: int, alpha_issuance_rao: int) -> float:
    """Root's weight in a subnet: ``γ·T_root / (γ·T_root + alpha_issuance)`` (spec §3.4).

    Computed in U96F32 exactly as ``block_step.rs::root_proportion`` does (0 when both terms are
    0). It caps the alpha injection at HEAD, weighted the shares in era C and sets the root part
    of every block's validator alpha (§3.5). It shrinks as the subnet's alpha issuance grows.

    Parameters
    ----------
    tao_weight
        γ in [0, 1] (mainnet 0.18, :data:`dtao_lib.params.TAO_WEIGHT`).
    root_tao_rao
        ``SubnetTAO[0]``, the TAO staked on root (rao).
    alpha_issuance_rao
        ``SubnetAlphaIn + SubnetAlphaOut`` of the subnet (rao; at HEAD plus the pool's reservoir).

    Returns
    -------
    float
        The U96F32 value (a multiple of 2^-32, exactly representable as a float).

    Examples
    --------
    >>> root_proportion(1.0, 1_000_000_000, 3_000_000_000)
    0.25
    """
    tw = check_fraction("tao_weight", tao_weight)
    t = check_int("root_tao_rao", root_tao_rao)
    a = check_int("alpha_issuance_rao", alpha_issuance_rao)
    bits = _root_prop_bits(_bits32_scalar(tw), t, _obj([a]))[0]
    return int(bits) / _ONE32


def root_sell_flag(ema_prices: Sequence[float] | np.ndarray) -> bool:
    """``Σ p̄_i > 1`` over the emitting subnets (spec §3.1 step 3, §3.4; since v3.2.12).

    When true, root stakers receive their share of alpha dividends; when false the root alpha
    is recycled (left to validators in v3.2.12). Compared in fixed point (I96F32 prices).

    >>> root_sell_flag([0.5, 0.5]), root_sell_flag([0.5, 0.6])
    (False, True)
    """
    p = _check_price_array("ema_prices", ema_prices)
    return bool(_bits32(p).sum() > _ONE32) if p.size else False


def alpha_emission(alpha_issuance_rao: int) -> int:
    """Alpha minted per block for a subnet: :func:`~dtao_lib.emission.block_emission` of its alpha
    issuance (spec §3.4; 1 α/block until 10.5 M α, then 0.5, …; 0 at 21 M; vector CB-04)."""
    return _block_emission(check_int("alpha_issuance_rao", alpha_issuance_rao))


# ---------------------------------------------------------------------------------------------
# 1. Shares and TAO emission per subnet
# ---------------------------------------------------------------------------------------------
def _tao_emission_bits(
    e: Era,
    E: int,
    ema: np.ndarray | None,
    *,
    burn: np.ndarray | None,
    root_props: np.ndarray | None,
    flows: np.ndarray | None,
    protocol_flows: np.ndarray | None,
    flow_exponent: float,
    flow_cutoff: float,
    net_flow: bool | None,
    enabled: np.ndarray,
    n: int,
    gate: _GateState | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(U96F32 bits of τ_i, U64F64 bits of share_i) for every subnet, as the era computes them.

    In eras with an emission gate (E, F) the price shares pass through it before the
    ``SubnetEmissionEnabled`` zeroing; ``gate`` carries the stored bar in and the new bar out
    (default: a fresh bar with the era's mode and the default parameters).
    """
    rule = e.share_rule
    zero = np.zeros(n, dtype=np.int64).astype(object)
    if rule == "ema_price" and not e.at_least("v3.2.10"):
        ema32 = np.where(enabled, _bits32(ema), 0)
        total = ema32.sum()
        if total == 0:
            return zero, zero
        # U96F32 (E · p̄_i) / Σ p̄, multiply first, then divide, in every release of era A
        # (run_coinbase.rs v3.2.2 L63-66, v3.2.3 L66-69, v3.2.9 L67-70)
        te32 = (E * ema32 << 32) // total
        share64 = (ema32 << 64) // total
        return te32, share64

    if rule in ("taoflow", "net_taoflow"):
        if flows is None:
            raise ValueError(
                f"era {e.tag!r} splits emission by TaoFlow (spec §3.2): pass flows= (the users' flow EMAs)"
            )
        use_net = (rule == "net_taoflow") if net_flow is None else bool(net_flow)
        if use_net and protocol_flows is None:
            raise ValueError(
                f"era {e.tag!r} uses net TaoFlow: pass protocol_flows= (the protocol flow EMAs), "
                "or net_flow=False"
            )
        share64 = taoflow._flow_share_bits(
            flows, protocol_flows if use_net else None, p=flow_exponent, cutoff=flow_cutoff, net=use_net
        )
    else:
        ema64 = _bits32(ema) << 32  # I96F32 storage → U64F64
        total = ema64.sum()
        price_share = _safe_div(ema64, np.full(n, total, dtype=object), 64)
        if rule == "ema_price" or not e.miner_burn_weighting:  # spec 444 dropped (1 − burn)
            share64 = price_share
        else:
            factor = _ONE64 - (_bits32(burn) << 32)  # U64F64 1 − burn
            if rule == "price_burn_root_prop":
                # era C: share · (root_prop · (1 − burn)); the factor is exact (both on the 2^-32
                # grid), the product with the share truncates once (subnet_emissions.rs v3.4.6 L349-353)
                factor = ((_bits32(root_props) << 32) * factor) >> 64
            weight = (price_share * factor) >> 64
            wsum = weight.sum()
            # every weight 0: fall back to the plain price shares, in eras C and D alike
            # (subnet_emissions.rs v3.4.6 L362-372)
            share64 = _safe_div(weight, np.full(n, wsum, dtype=object), 64) if wsum > 0 else price_share
        if e.emission_gate != "none":  # addendum §A2: bar, Hill gate, renormalise
            g = gate if gate is not None else _GateState(rank=_era_gate_rank(e, None))
            share64, g.bar64, g.updated = _gated_bits(share64, g.stored64, g.block, g.rank, g.q64, g.h64)
    if not enabled.all():
        en_sum = np.where(enabled, share64, 0).sum()
        share64 = np.where(enabled, _safe_div(share64, np.full(n, en_sum, dtype=object), 64), 0)
    te32 = (E * share64) >> 32  # U64F64 E·share → U96F32 (truncating)
    return te32, share64


def _miner_burned(value: Any, n: int) -> np.ndarray:
    """``MinerBurned`` per subnet (None → 0): reals ≥ 0, values above 1 clamped to 1.

    Why clamp rather than reject: every share rule that reads ``MinerBurned`` reads
    ``min(MinerBurned, 1)`` (``subnet_emissions.rs::get_shares``, ``.min(one)`` at L350 @v3.4.6-421,
    L368 @v3.4.9-424, L366 @14bc6f9f, and @f8ff769a), so a stored value above 1 weighs exactly like 1.
    The chain's only writer (``distribute_dividends_and_incentives``, ``run_coinbase.rs`` L675 @v3.4.6-421)
    stores withheld ÷ total miner incentive with withheld a part of total, so it is ≤ 1 — but the
    storage type (U96F32) holds any value and the readers do not rely on that.
    """
    burn = check_array("miner_burned", np.zeros(n) if value is None else value, lo=0.0, shape=(n,))
    return np.minimum(burn, 1.0)


def _shares_inputs(
    e: Era,
    ema_prices: Any,
    miner_burned: Any,
    root_proportions: Any,
    flows: Any,
    protocol_flows: Any,
    emission_enabled: Any,
) -> tuple[int, np.ndarray | None, np.ndarray | None, np.ndarray | None, np.ndarray | None, np.ndarray | None,
           np.ndarray]:
    flow_era = e.share_rule in ("taoflow", "net_taoflow")
    ema = None
    if ema_prices is not None or not flow_era:
        if ema_prices is None:
            raise ValueError(f"ema_prices is required in era {e.tag!r} ({e.share_rule} shares)")
        ema = _check_price_array("ema_prices", ema_prices)
    fl = pf = None
    if flow_era and flows is not None:
        fl = check_array("flows", flows)
    if flow_era and protocol_flows is not None:
        pf = check_array("protocol_flows", protocol_flows)
    n = ema.size if ema is not None else (fl.size if fl is not None else 0)
    if fl is not None and fl.size != n:
        raise ValueError(f"flows must have shape ({n},) to match ema_prices, got {fl.shape}")
    if pf is not None and pf.size != n:
        raise ValueError(f"protocol_flows must have shape ({n},), got {pf.shape}")
    burn = _miner_burned(miner_burned, n)
    rp = None
    if e.share_rule == "price_burn_root_prop":
        if root_proportions is None:
            raise ValueError(
                f"era {e.tag!r} (C) weights shares by root proportion: pass root_proportions= "
                "(see root_proportion())"
            )
        rp = check_array("root_proportions", root_proportions, lo=0.0, hi=1.0, shape=(n,))
    enabled = _check_mask("emission_enabled", emission_enabled, n)
    return n, ema, burn, rp, fl, pf, enabled


def subnet_tao_emission(
    block_emission_rao: int,
    ema_prices: Sequence[float] | np.ndarray | None,
    *,
    miner_burned: Sequence[float] | np.ndarray | None = None,
    root_proportions: Sequence[float] | np.ndarray | None = None,
    flows: Sequence[float] | np.ndarray | None = None,
    protocol_flows: Sequence[float] | np.ndarray | None = None,
    flow_exponent: float = 1.0,
    flow_cutoff: float = 0.0,
    net_flow: bool | None = None,
    emission_enabled: Sequence[bool] | np.ndarray | None = None,
    era: str | Era = "head",
    emission_bar_rank: int | None = None,
    emission_bar_quantile: float = EMISSION_BAR_QUANTILE,
    emission_gate_exponent: float = EMISSION_GATE_EXPONENT,
) -> list[int]:
    """TAO emission per subnet, ``floor(E·share_i)`` rao (spec §3.1 step 2, §3.2; vector CB-01).

    Parameters
    ----------
    block_emission_rao
        ``E``, the TAO block emission (rao).
    ema_prices
        EMA prices ``p̄_i`` (≥ 0), one per emitting subnet; may be None in the flow eras.
    miner_burned
        ``MinerBurned_i`` ≥ 0 (eras C, D and HEAD; default 0); a value above 1 weighs like 1, as the
        chain reads ``min(MinerBurned, 1)``.
    root_proportions
        ``RootProp_i`` in [0, 1] (required in era C).
    flows, protocol_flows
        Flow EMAs ``S_i`` and ``P_i`` (rao) for eras B and B' (see :mod:`dtao_lib.taoflow`).
    flow_exponent, flow_cutoff
        ``FlowNormExponent`` p (default 1) and ``TaoFlowCutoff`` (default 0).
    net_flow
        Use net flow (default: true in era B', false in B).
    emission_enabled
        ``SubnetEmissionEnabled`` mask; disabled subnets get 0 and the rest are renormalised (after
        the gate: disabled subnets take part in the bar and the gate, addendum §A2 step 6).
    era
        Protocol era (default HEAD: spec 459, shares through the emission gate).
    emission_bar_rank, emission_bar_quantile, emission_gate_exponent
        Gate parameters in eras E/F (addendum §A2): ``EmissionBarRank`` (default: 32 in era F,
        0 = q-mass mode in era E), ``EmissionBarQuantile`` (0.61) and ``EmissionGateExponent`` (3).
        These functions are stateless: the bar is computed fresh from this block's shares (as on
        an update block, ``block % 360 == 0``); use :func:`gated_shares` or :func:`block` with a
        stored bar to follow the 360-block cadence.

    Returns
    -------
    list[int]
        ``τ_i`` in rao; ``Σ τ_i ≤ E`` (the remainder, at most one rao per subnet, is recycled).

    Raises
    ------
    ValueError
        For a pre-dTAO era (use :func:`dtao_lib.root_era.root_epoch`), for missing era inputs
        or out-of-range values.

    Examples
    --------
    >>> subnet_tao_emission(100_000_000, [1.0, 2.0], era="A")
    [33333333, 66666666]
    >>> subnet_tao_emission(1_000_000_000, [0.2, 0.2], miner_burned=[1.0, 0.0], era="2026-06-30")
    [0, 1000000000]
    """
    e = _era_dtao(era)
    E = check_int("block_emission_rao", block_emission_rao)
    n, ema, burn, rp, fl, pf, enabled = _shares_inputs(
        e, ema_prices, miner_burned, root_proportions, flows, protocol_flows, emission_enabled
    )
    if n == 0:
        return []
    gate = (_GateState.make(e, emission_bar_rank, emission_bar_quantile, emission_gate_exponent)
            if e.emission_gate != "none" else None)
    te32, _ = _tao_emission_bits(
        e, E, ema, burn=burn, root_props=rp, flows=fl, protocol_flows=pf,
        flow_exponent=check_real("flow_exponent", flow_exponent, lo=0.0),
        flow_cutoff=check_real("flow_cutoff", flow_cutoff), net_flow=net_flow, enabled=enabled, n=n, gate=gate,
    )
    return [int(v) for v in te32 >> 32]


def emission_shares(
    ema_prices: Sequence[float] | np.ndarray | None,
    *,
    miner_burned: Sequence[float] | np.ndarray | None = None,
    root_proportions: Sequence[float] | np.ndarray | None = None,
    flows: Sequence[float] | np.ndarray | None = None,
    protocol_flows: Sequence[float] | np.ndarray | None = None,
    flow_exponent: float = 1.0,
    flow_cutoff: float = 0.0,
    net_flow: bool | None = None,
    emission_enabled: Sequence[bool] | np.ndarray | None = None,
    era: str | Era = "head",
    emission_bar_rank: int | None = None,
    emission_bar_quantile: float = EMISSION_BAR_QUANTILE,
    emission_gate_exponent: float = EMISSION_GATE_EXPONENT,
) -> np.ndarray:
    """The shares ``share_i`` behind :func:`subnet_tao_emission`, as floats (spec §3.2).

    Same parameters as :func:`subnet_tao_emission` without ``E``. Shares are in [0, 1] and sum to
    at most 1 (the chain truncates each one). At HEAD the price shares pass through the emission
    gate with a fresh rank-32 bar (with 32 subnets or fewer every positive share is at or above
    the smallest one, the bar); era ``"2026-06-30"`` gives the June 2026 rule without the gate.

    >>> emission_shares([1.0, 3.0], era="2026-06-30").tolist()
    [0.25, 0.75]
    >>> emission_shares([1.0, 3.0]).round(4).tolist()    # HEAD: gate with θ = 0.25 (smallest share)
    [0.1474, 0.8526]
    """
    e = _era_dtao(era)
    n, ema, burn, rp, fl, pf, enabled = _shares_inputs(
        e, ema_prices, miner_burned, root_proportions, flows, protocol_flows, emission_enabled
    )
    if n == 0:
        return np.zeros(0)
    gate = (_GateState.make(e, emission_bar_rank, emission_bar_quantile, emission_gate_exponent)
            if e.emission_gate != "none" else None)
    _, share64 = _tao_emission_bits(
        e, DEFAULT_BLOCK_EMISSION_RAO, ema, burn=burn, root_props=rp, flows=fl, protocol_flows=pf,
        flow_exponent=check_real("flow_exponent", flow_exponent, lo=0.0),
        flow_cutoff=check_real("flow_cutoff", flow_cutoff), net_flow=net_flow, enabled=enabled, n=n, gate=gate,
    )
    return _to_float(share64, 64)


def price_for_share(share: float, others_weight: float, *, miner_burned: float = 0.0) -> float:
    """EMA price a subnet needs to hold ``share`` of the emission under a price rule (spec §3.2).

    In era A ``share_i = p̄_i / Σ_j p̄_j`` and at HEAD (era D) ``share_i ∝ p̄_i·(1 − burn_i)``. With the
    other subnets' total weight ``W = Σ_{j≠i} p̄_j (1 − burn_j)`` held fixed,
    ``share = w/(w + W)`` with ``w = p̄_i (1 − burn_i)``, so

    .. math:: \\bar p_i = \\frac{\\text{share} \\cdot W}{(1 - \\text{share})(1 - \\text{burn}_i)} .

    Parameters
    ----------
    share
        Target share in [0, 1).
    others_weight
        ``W`` ≥ 0 (in era A the sum of the other subnets' EMA prices).
    miner_burned
        The subnet's own ``MinerBurned`` in [0, 1) (0 in era A).

    Examples
    --------
    >>> price_for_share(0.25, 3.0)
    1.0
    >>> round(price_for_share(0.25, 3.0, miner_burned=0.5), 12)
    2.0
    """
    s = check_real("share", share, lo=0.0, hi=1.0, hi_open=True)
    w = check_real("others_weight", others_weight, lo=0.0)
    b = check_real("miner_burned", miner_burned, lo=0.0, hi=1.0, hi_open=True)
    price = s * w / ((1.0 - s) * (1.0 - b))
    if not math.isfinite(price):
        raise ValueError(f"the price for share {s!r} overflows float64 (others_weight={w!r}, miner_burned={b!r}): "
                         "use a smaller others_weight")
    return price


# ---------------------------------------------------------------------------------------------
# 1b. The emission gate (addendum §A2; spec 440 q-mass bar, spec 441 rank bar)
# ---------------------------------------------------------------------------------------------
_U128_MAX = (1 << 128) - 1
_I64_MAX = (1 << 63) - 1


def _u64f64(values: Any) -> np.ndarray:
    """Non-negative floats → U64F64 bits (object array); exact for floats ≥ 2^-11, truncated below."""
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    return taoflow._u64f64_bits(arr) if arr.size else np.zeros(0, dtype=object)


def _bar_bits(s64: np.ndarray, rank: int, q64: int) -> int:
    """``maybe_update_emission_gate_bar``'s θ on U64F64 bits (0 = nothing to store)."""
    ordered = sorted((int(v) for v in s64), reverse=True)
    if rank > 0:
        positive = [v for v in ordered if v > 0]
        if not positive:
            return 0
        return positive[rank - 1] if len(positive) >= rank else positive[-1]
    cumulative = crossing = 0
    for v in ordered:
        cumulative = min(cumulative + v, _U128_MAX)
        crossing = v
        if cumulative >= q64:
            break
    return crossing


def _gate_bits(s64: np.ndarray, theta64: int, h64: int) -> np.ndarray:
    """``apply_emission_gate`` on U64F64 bits: ``s·(1/(1 + safe_pow(θ/s, h)))``, renormalised."""
    if theta64 <= 0 or s64.size == 0:
        return s64
    pos = np.asarray(s64 > 0, dtype=bool)
    ratio = np.where(pos, (theta64 << 64) // np.where(pos, s64, 1), 0)
    ratio = np.where(np.asarray(ratio > _U128_MAX, dtype=bool), 0, ratio)  # checked_div overflow → 0
    pw = taoflow._safe_pow_bits(ratio, min(h64 >> 32, _I64_MAX))  # I32F32 exp(h·ln x), U64F64 bits
    gate = (_ONE64 << 64) // (_ONE64 + pw)
    gated = np.where(pos, (s64 * gate) >> 64, s64)
    total = gated.sum()
    if total <= 0:
        return s64  # every product underflowed: the ungated map is restored (7e20eb76)
    return (gated << 64) // total


def _pre_gate_bits(ema: np.ndarray, burn: np.ndarray | None) -> np.ndarray:
    """Price shares, then ``(1 − min(b, 1))`` weighting renormalised (fallback: price shares)."""
    n = ema.size
    ema64 = _bits32(ema) << 32
    price_share = _safe_div(ema64, np.full(n, ema64.sum(), dtype=object), 64)
    if burn is None:
        return price_share
    weight = (price_share * (_ONE64 - (_bits32(burn) << 32))) >> 64
    wsum = weight.sum()
    return _safe_div(weight, np.full(n, wsum, dtype=object), 64) if wsum > 0 else price_share


def _check_gate_params(rank: Any, quantile: Any, exponent: Any | None = None) -> tuple[int, int, int]:
    r = check_int("rank", rank, lo=0, hi=U16_MAX)
    q = check_real("quantile", quantile, lo=0.0, hi=1.0)
    h = 0 if exponent is None else check_real("exponent", exponent, lo=0.0, hi=float(2**31 - 1))
    return r, int(_u64f64([q])[0]), int(_u64f64([h])[0])


def _check_shares(name: str, shares: Any) -> np.ndarray:
    return check_array(name, shares, lo=0.0, hi=1.0)


def emission_gate_bar(
    shares: Sequence[float] | np.ndarray,
    *,
    rank: int = EMISSION_BAR_RANK,
    quantile: float = EMISSION_BAR_QUANTILE,
) -> float:
    """The emission-gate bar θ for a set of shares (addendum §A2 step 3; vectors EG-03, EGR-01).

    * **Rank mode** (``rank > 0``, the default ``EmissionBarRank = 32`` from spec 441): θ is the
      ``rank``-th largest **positive** share; with fewer positive shares, the smallest positive one
      (every subnet then passes the gate's midpoint).
    * **q-mass mode** (``rank == 0``, spec 440): sort the shares in descending order and add them
      up; θ is the share at which the running sum first reaches ``quantile`` q (default 0.61; 0.75
      on chain from 2026-07-28 [T], inert under rank mode). If the sum never reaches q (rounding),
      θ is the last share.

    Computed on U64F64 bits as ``maybe_update_emission_gate_bar`` does
    (``subnet_emissions.rs`` @f8ff769a); the result is exact for shares ≥ 2^-11 and otherwise
    within 2^-64.

    Parameters
    ----------
    shares
        Shares in [0, 1] (the burn-weighted price shares the chain feeds in; they need not sum to 1).
    rank
        ``EmissionBarRank`` N (u16; 0 selects q-mass mode).
    quantile
        ``EmissionBarQuantile`` q in [0, 1] (used only when ``rank == 0``).

    Returns
    -------
    float
        θ, or 0.0 for an empty or all-zero input (the chain then stores nothing and the gate stays off).

    Examples
    --------
    >>> emission_gate_bar([0.7, 0.2, 0.1], rank=0)
    0.7
    >>> emission_gate_bar([0.7, 0.2, 0.1], rank=2), emission_gate_bar([0.7, 0.2, 0.0], rank=32)
    (0.2, 0.2)
    """
    s = _check_shares("shares", shares)
    r, q64, _ = _check_gate_params(rank, quantile)
    if s.size == 0:
        return 0.0
    return _bar_bits(_u64f64(s), r, q64) / float(_ONE64)


def emission_gate(
    shares: Sequence[float] | np.ndarray,
    bar: float,
    *,
    exponent: float = EMISSION_GATE_EXPONENT,
) -> np.ndarray:
    """Pass shares through the Hill gate around the bar θ and renormalise (addendum §A2 step 4–5).

    .. math:: g_i = \\frac{s_i}{1 + (\\theta / s_i)^h}, \\qquad \\text{share}_i = g_i / \\textstyle\\sum_j g_j

    which equals ``s·s^h/(s^h + θ^h)``: a share at the bar keeps half its weight, one far above
    keeps all of it and one far below almost none. ``bar == 0`` (never computed) skips the gate;
    zero shares stay 0; if every gated value underflows to 0 the ungated shares are returned
    (the chain's fallback, commit 7e20eb76, vector EG-06).

    Fixed point: as ``apply_emission_gate`` (``subnet_emissions.rs`` @f8ff769a) computes it, in
    U64F64 with ``(θ/s)^h = safe_pow`` in I32F32 (``exp(h·ln x)``, emulated bit for bit by
    :mod:`dtao_lib.taoflow`): when ``ln`` fails (θ/s below 2^-31) the power is 0 and the gate 1;
    when ``exp`` overflows the power is ``i32::MAX`` and the gate ≈ 4.66e-10. The chain raises
    ``θ/s`` (not ``s/θ``) to the power, but substrate-fixed's ``exp`` sums the Taylor series of
    ``exp(|x|)`` with checked I32F32 operations and inverts it for ``x < 0``, so it fails for
    ``|h·ln(θ/s)| ≳ 20.9`` in **both** directions (the term ``x^(i−1)/(i−1)!·x`` overflows
    before the sum passes ``2^31``). With h = 3 a share more than ≈ 1055 times the bar (and less
    than 2^31 times, where ``θ/s`` truncates to 0 in I32F32 and ``ln`` fails) is therefore gated
    to ~0 like one far below it; the chain's own comment expects a gate of 1 there. We reproduce
    the arithmetic, quirk included (``transcendental.rs`` ``exp``, encointer/substrate-fixed;
    ``safe_pow``/``apply_emission_gate`` in ``subnet_emissions.rs`` @f8ff769a). For
    ``2^-32 ≤ θ/s < 2^-31`` the chain's ``log2`` would panic on an ``unwrap`` (unreachable in
    practice: θ < 4.7e-10); we return a gate of 1 there. The I32F32 ``ln``
    and ``exp`` make the result differ from the exact Hill function by up to ~1e-6 relative (the
    chain's own tests assert 1e-6 on shares). Float inputs are converted to U64F64 exactly
    (truncated below 2^-11 to the 2^-64 grid).

    Parameters
    ----------
    shares
        Pre-gate shares in [0, 1].
    bar
        θ ≥ 0 (from :func:`emission_gate_bar` or the stored ``EmissionGateBar``).
    exponent
        ``EmissionGateExponent`` h ≥ 0 (default 3; the chain keeps its integer part, I32F32).

    Returns
    -------
    numpy.ndarray
        Gated shares (sum 1 within 1e-15 unless every input is 0).

    Examples
    --------
    >>> emission_gate([1/3, 2/3], 2/3).round(6).tolist()   # vector EG-01
    [0.1, 0.9]
    >>> emission_gate([0.25, 0.75], 0.0).tolist()
    [0.25, 0.75]
    """
    s = _check_shares("shares", shares)
    theta = check_real("bar", bar, lo=0.0, hi=1.0)
    _, _, h64 = _check_gate_params(0, 0.0, exponent)
    if s.size == 0:
        return np.zeros(0)
    return _to_float(_gate_bits(_u64f64(s), int(_u64f64([theta])[0]), h64), 64)


@dataclass(frozen=True)
class GatedShares:
    """Result of :func:`gated_shares`: one block's ``get_shares`` (addendum §A2).

    Attributes
    ----------
    shares
        The gated, renormalised shares (before the ``SubnetEmissionEnabled`` zeroing).
    bar
        The stored bar θ after this block (recomputed when due, else the stored one; 0.0 if none).
    pre_gate
        The burn-weighted price shares the bar and the gate were computed from.
    bar_updated
        True if the bar was recomputed and stored this block.
    """

    shares: np.ndarray = field(repr=False)
    bar: float
    pre_gate: np.ndarray = field(repr=False)
    bar_updated: bool

    def __post_init__(self) -> None:
        freeze_arrays(self)


def _gated_bits(pre64: np.ndarray, stored64: int, block_number: int, rank: int, q64: int,
                h64: int) -> tuple[np.ndarray, int, bool]:
    """(gated share bits, bar bits after the block, updated?) — ``get_shares`` from step 3."""
    due = stored64 <= 0 or block_number % EMISSION_BAR_UPDATE_INTERVAL == 0
    bar64, updated = stored64, False
    if due:
        theta = _bar_bits(pre64, rank, q64)
        if theta > 0:
            bar64, updated = theta, True
    return _gate_bits(pre64, bar64, h64), bar64, updated


def gated_shares(
    ema_prices: Sequence[float] | np.ndarray,
    *,
    miner_burned: Sequence[float] | np.ndarray | None = None,
    stored_bar: float = 0.0,
    block: int = 0,
    rank: int = EMISSION_BAR_RANK,
    quantile: float = EMISSION_BAR_QUANTILE,
    exponent: float = EMISSION_GATE_EXPONENT,
) -> GatedShares:
    """HEAD's ``get_shares`` for one block, with the bar as state (addendum §A2, §H; vectors EG-*, EGR-*, EGB-*).

    1. Price shares ``s_i = p̄_i / Σ p̄`` (U64F64, 0 when the sum is 0).
    2. ``w_i = s_i·(1 − min(MinerBurned_i, 1))`` renormalised; if every weight is 0 the price
       shares are kept (spec 445 [P], code @f8ff769a [V]). This is ``pre_gate``.
    3. The bar: recomputed (:func:`emission_gate_bar`) when ``stored_bar`` is 0 or
       ``block % 360 == 0``, otherwise ``stored_bar`` is kept; a recomputed θ is stored only if > 0.
    4. The Hill gate (:func:`emission_gate`) with that bar, renormalised, with the underflow fallback.

    Parameters
    ----------
    ema_prices
        EMA prices ``p̄_i`` ≥ 0 of the subnets to emit to (disabled subnets included: they take
        part in the bar and the gate and are zeroed afterwards, see :func:`emission_shares`).
    miner_burned
        ``MinerBurned_i`` ≥ 0 (None: no weighting, as in spec 444); the chain weighs by
        ``1 − min(b, 1)``, so a value above 1 counts as 1.
    stored_bar
        ``EmissionGateBar`` before this block (0.0 = never computed).
    block
        Current block number (the cadence is global: ``block % 360``).
    rank, quantile, exponent
        ``EmissionBarRank`` (0 = q-mass mode), ``EmissionBarQuantile``, ``EmissionGateExponent``.

    Returns
    -------
    GatedShares
        ``.shares``, ``.bar`` (store it for the next block), ``.pre_gate``, ``.bar_updated``.
        Floats carry the U64F64 values rounded to float64 (a bar passed back in is within 1e-16
        relative of the stored bits).

    Examples
    --------
    >>> g = gated_shares([1.0, 2.0], rank=0)          # vector EG-01
    >>> round(g.bar, 9), g.shares.round(6).tolist()
    (0.666666667, [0.1, 0.9])
    >>> gated_shares([7.0, 2.0, 1.0], stored_bar=0.5, block=1).bar   # not due: kept
    0.5
    """
    ema = _check_price_array("ema_prices", ema_prices)
    n = ema.size
    # MinerBurned is a U96F32 ratio; get_shares clamps it with min(b, 1) (@f8ff769a), so values above 1 are
    # accepted here and weigh like 1
    burn = None if miner_burned is None else _miner_burned(miner_burned, n)
    stored = check_real("stored_bar", stored_bar, lo=0.0, hi=1.0)
    blk = check_int("block", block)
    r, q64, h64 = _check_gate_params(rank, quantile, exponent)
    if n == 0:
        return GatedShares(shares=np.zeros(0), bar=stored, pre_gate=np.zeros(0), bar_updated=False)
    pre64 = _pre_gate_bits(ema, burn)
    out64, bar64, updated = _gated_bits(pre64, int(_u64f64([stored])[0]), blk, r, q64, h64)
    return GatedShares(shares=_to_float(out64, 64), bar=bar64 / float(_ONE64) if updated else stored,
                       pre_gate=_to_float(pre64, 64), bar_updated=updated)


@dataclass
class _GateState:
    """The gate's inputs (U64F64 bits) and, after :func:`_tao_emission_bits`, the bar it left."""

    rank: int = EMISSION_BAR_RANK
    q64: int = round(EMISSION_BAR_QUANTILE * 2**64)
    h64: int = EMISSION_GATE_EXPONENT << 64
    stored64: int = 0
    block: int = 0
    bar64: int = 0
    updated: bool = False

    @classmethod
    def make(cls, e: Era, rank: int | None, quantile: Any, exponent: Any, stored_bar: Any = 0.0,
             block: int = 0) -> _GateState:
        r = _era_gate_rank(e, rank)
        _, q64, h64 = _check_gate_params(0, quantile, exponent)
        stored = check_real("emission_bar", stored_bar, lo=0.0, hi=1.0)
        return cls(rank=r, q64=q64, h64=h64, stored64=int(_u64f64([stored])[0]), block=check_int("block_number", block))


def _era_gate_rank(e: Era, rank: int | None) -> int:
    """The bar mode of the era: rank 32 (spec 441+), 0 = q-mass (spec 440), unless given."""
    if rank is not None:
        return check_int("emission_bar_rank", rank, lo=0, hi=U16_MAX)
    return EMISSION_BAR_RANK if e.emission_gate == "rank" else 0


def price_for_share_gated(
    share: float,
    other_prices: Sequence[float] | np.ndarray,
    *,
    other_burned: Sequence[float] | np.ndarray | None = None,
    miner_burned: float = 0.0,
    bar: float | None = None,
    rank: int = EMISSION_BAR_RANK,
    quantile: float = EMISSION_BAR_QUANTILE,
    exponent: float = EMISSION_GATE_EXPONENT,
) -> float:
    """EMA price a subnet needs for ``share`` of the emission under HEAD's gate (addendum §A2, §H).

    Without the gate (:func:`price_for_share`) a share needs a price proportional to it. With the
    gate, share_i = ``g(w_i)/Σ_j g(w_j)`` with ``w = p̄(1 − b)/Σ p̄(1 − b)`` and
    ``g(w) = w/(1 + (θ/w)^h)``: a subnet below the bar keeps only ~``(w/θ)^h`` of its weight, so
    climbing from the tail takes a much larger price rise than the share suggests, while a subnet
    above the bar gains slightly more than proportionally. The price is found by bisection on
    the (increasing) share as a function of the subnet's own price, holding the others' prices
    and burns fixed. Floats (the exact Hill function, not the chain's I32F32 power); relative
    tolerance 1e-10 on the price.

    Parameters
    ----------
    share
        Target share in [0, 1).
    other_prices, other_burned
        The other subnets' EMA prices and ``MinerBurned`` (default 0).
    miner_burned
        The subnet's own ``MinerBurned`` in [0, 1).
    bar
        A fixed θ (e.g. the stored bar between two 360-block updates). ``None`` (default): the bar
        is recomputed with the subnet included, as at an update block (``rank``/``quantile``).
    rank, quantile, exponent
        Gate parameters (HEAD defaults 32, 0.61, 3).

    Returns
    -------
    float
        The EMA price, or ``math.inf`` if no price reaches ``share`` (for example when every
        other price is 0 the subnet already holds everything at any positive price).

    Examples
    --------
    >>> round(price_for_share_gated(0.5, [1.0], rank=32), 9)   # two subnets: symmetric
    1.0
    """
    s = check_real("share", share, lo=0.0, hi=1.0, hi_open=True)
    others = _check_price_array("other_prices", other_prices)
    ob = np.zeros(others.size) if other_burned is None else check_array(
        "other_burned", other_burned, lo=0.0, hi=1.0, shape=(others.size,))
    b = check_real("miner_burned", miner_burned, lo=0.0, hi=1.0, hi_open=True)
    theta = None if bar is None else check_real("bar", bar, lo=0.0, hi=1.0)
    r = check_int("rank", rank, lo=0, hi=U16_MAX)
    q = check_real("quantile", quantile, lo=0.0, hi=1.0)
    h = check_real("exponent", exponent, lo=0.0)
    if s == 0.0:
        return 0.0
    W = others * (1.0 - ob)
    if W.sum() <= 0.0:
        return math.inf

    def own_share(price: float) -> float:
        w = np.concatenate(([price * (1.0 - b)], W))
        w = w / w.sum()
        th = theta
        if th is None:
            srt = np.sort(w[w > 0])[::-1]
            if r > 0:
                th = float(srt[r - 1] if srt.size >= r else srt[-1])
            else:
                csum = np.cumsum(srt)
                k = int(np.searchsorted(csum, q))
                th = float(srt[min(k, srt.size - 1)])
        if th <= 0.0:
            return float(w[0])
        with np.errstate(divide="ignore", over="ignore"):
            g = np.where(w > 0, w / (1.0 + (th / np.where(w > 0, w, 1.0)) ** h), 0.0)
        tot = g.sum()
        return float(g[0] / tot) if tot > 0 else float(w[0])

    lo_p, hi_p = 0.0, max(float(W.max()), 1e-12)
    while own_share(hi_p) < s:
        hi_p *= 2.0
        if hi_p > 1e300:
            return math.inf
    for _ in range(200):
        mid = 0.5 * (lo_p + hi_p)
        if own_share(mid) < s:
            lo_p = mid
        else:
            hi_p = mid
        if hi_p - lo_p <= 1e-12 * hi_p:
            break
    return hi_p


# ---------------------------------------------------------------------------------------------
# 2. Injection: τ_in, α_in, excess
# ---------------------------------------------------------------------------------------------
class SubnetTerms(NamedTuple):
    """One subnet's injection for one block (spec §3.4), in rao (truncated as the chain stores them).

    ``tao_in`` goes into the pool's TAO reserve, ``alpha_in`` into its alpha reserve and
    ``excess_tao`` is spent on a chain buy (alpha bought from the pool) in the eras that have one.
    """

    tao_in: int
    alpha_in: int
    excess_tao: int


def _injection_cap_bits(e: Era, ae: np.ndarray, E: int | None, rp32: np.ndarray | None) -> np.ndarray:
    rule = e.injection_rule
    ae32 = ae << 32
    if rule in ("tao_full_alpha_capped", "subsidy", "cap_alpha_emission"):
        return ae32
    if rule == "cap_min_alpha_emission_e":
        if E is None:
            raise ValueError(f"era {e.tag!r} caps α_in at min(α_emission, E): pass block_emission_rao=")
        return np.minimum(ae32, E << 32)
    if rp32 is None:
        raise ValueError(f"era {e.tag!r} caps α_in at root_prop·α_emission: pass root_proportion=")
    return rp32 * ae  # U96F32 root_prop · α_emission (exact product of bits and an integer)


def injection_cap(
    alpha_emission_rao: int,
    *,
    block_emission_rao: int | None = None,
    root_proportion: float | None = None,
    era: str | Era = "head",
) -> int:
    """The most alpha the pool can receive in a block, per era (spec §3.4).

    ============================  ================================
    ``v2.0.0`` – ``v3.3.0``        ``α_emission``
    ``v3.3.1`` – ``v3.4.5``        ``min(α_emission, E)``
    ``v3.4.6`` – HEAD              ``root_prop · α_emission``
    ============================  ================================

    (In the subsidy era v3.2.3 – v3.2.11 a subsidised subnet receives ``α_in = E`` instead; see
    :func:`subnet_terms`.) Returned truncated to a rao; the chain compares ``α_in`` with the
    untruncated U96F32 value, which :func:`subnet_terms` uses when given ``root_proportion=``.

    >>> injection_cap(1_000_000_000, root_proportion=0.25)
    250000000
    >>> injection_cap(1_000_000_000, block_emission_rao=500_000_000, era="v3.3.1")
    500000000
    """
    e = _era_dtao(era)
    ae = check_int("alpha_emission_rao", alpha_emission_rao)
    E = None if block_emission_rao is None else check_int("block_emission_rao", block_emission_rao)
    rp32 = None
    if root_proportion is not None:
        rp32 = _obj([_bits32_scalar(check_fraction("root_proportion", root_proportion))])
    return int(_injection_cap_bits(e, _obj([ae]), E, rp32)[0] >> 32)


def _terms_bits(
    e: Era,
    te32: np.ndarray,
    p32: np.ndarray,
    cap32: np.ndarray,
    E: int | None,
    ratio32: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(τ_in, α_in, excess) as U96F32 bits and the subsidised mask, for the era's injection rule."""
    rule = e.injection_rule
    has_price = p32 > 0
    p_safe = np.where(has_price, p32, 1)
    raw_alpha = (te32 << 32) // p_safe
    n = te32.size
    subsidized = np.zeros(n, dtype=bool)
    if rule == "tao_full_alpha_capped":
        alpha_in = np.minimum(np.where(has_price, raw_alpha, cap32), cap32)
        return te32, alpha_in, np.zeros(n, dtype=np.int64).astype(object), subsidized
    if rule == "subsidy":
        if E is None:
            raise ValueError(f"era {e.tag!r} (subsidy, v3.2.3–v3.2.11) needs block_emission_rao=")
        subsidized = np.asarray(p32 < ratio32, dtype=bool)
        tao_in = np.where(subsidized, p32 * E, te32)
        # a subsidised subnet gets α_in = its alpha emission (the cap) up to v3.2.7 and the TAO
        # block emission E from v3.2.8 (run_coinbase.rs v3.2.3 L87, v3.2.8 L88)
        sub_alpha = (E << 32) if e.at_least("v3.2.8") else cap32
        alpha_in = np.where(subsidized, sub_alpha, np.where(has_price, raw_alpha, cap32))
        excess = np.maximum(te32 - tao_in, 0)
        return tao_in, alpha_in, excess, subsidized
    alpha_raw = np.where(has_price, raw_alpha, 0)
    capped = np.asarray(alpha_raw > cap32, dtype=bool)
    alpha_in = np.where(capped, cap32, alpha_raw)
    tao_in = np.where(capped, (cap32 * p32) >> 32, te32)
    excess = np.maximum(te32 - tao_in, 0)
    return tao_in, alpha_in, excess, subsidized


def _to_bits32_rao(name: str, value: Any) -> int:
    """A rao amount given as an int (exact) or a float (fractional rao) → U96F32 bits."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number of rao, got bool")
    if isinstance(value, int | np.integer):
        return check_int(name, value) << 32
    v = check_real(name, value, lo=0.0)
    return round(v * _ONE32)


def subnet_terms(
    tao_emission_rao: int,
    spot_price: float,
    injection_cap_rao: int | float | None = None,
    *,
    era: str | Era = "head",
    block_emission_rao: int | None = None,
    alpha_emission_rao: int | None = None,
    root_proportion: float | None = None,
    share: float | None = None,
) -> SubnetTerms:
    """τ_in, α_in and the excess TAO of one subnet for one block (spec §3.4; CB-02/03/04/08).

    Parameters
    ----------
    tao_emission_rao
        ``τ = E·share`` for the subnet (rao; see :func:`subnet_tao_emission`).
    spot_price
        Pool price ``p`` (TAO per alpha, ≥ 0; ``p = 0`` gives ``α_in = 0`` at HEAD and
        ``α_in = cap`` before v3.2.12, as the chain's fallbacks do).
    injection_cap_rao
        The era's cap (:func:`injection_cap`; may be fractional). If omitted it is computed from
        ``alpha_emission_rao`` (and ``block_emission_rao`` / ``root_proportion`` as the era needs).
    era
        Protocol era (default HEAD).
    block_emission_rao
        ``E``; required in the subsidy era (v3.2.3 – v3.2.11) and to derive the v3.3.1 cap.
    alpha_emission_rao
        The subnet's alpha emission ``α_e`` (see :func:`alpha_emission`), to derive the cap.
    root_proportion
        ``root_prop_i``, to derive the HEAD cap exactly (U96F32).
    share
        The subnet's EMA-price share (subsidy era only; default ``τ/E``).

    Returns
    -------
    SubnetTerms
        ``(tao_in, alpha_in, excess_tao)`` in rao, each truncated; ``tao_in + excess_tao ≤ τ``
        and the difference (at most 1 rao) is recycled.

    Notes
    -----
    HEAD: ``α_in = τ/p``; if that exceeds the cap, ``α_in = cap``, ``τ_in = cap·p`` and
    ``excess = τ − τ_in`` buys alpha from the pool (a fee-free swap done by the AMM, not here).
    Subsidy era: if ``p < τ/E`` the chain injected ``τ_in = p·E`` and ``α_in`` = the subnet's
    alpha emission (the cap) up to v3.2.7, the TAO block emission ``E`` from v3.2.8
    (``run_coinbase.rs`` v3.2.3 L87, v3.2.8 L88); the two were equal on mainnet for the whole
    era (no TAO or subnet alpha halving before Nov 2025).

    Examples
    --------
    >>> subnet_terms(34_566_756, 1.0, 1_000_000_000)
    SubnetTerms(tao_in=34566756, alpha_in=34566756, excess_tao=0)
    >>> subnet_terms(1_000_000_000, 0.5, 1_000_000_000, era="v3.2.12")
    SubnetTerms(tao_in=500000000, alpha_in=1000000000, excess_tao=500000000)
    """
    e = _era_dtao(era)
    te32 = _obj([check_int("tao_emission_rao", tao_emission_rao) << 32])
    price = check_real("spot_price", spot_price, lo=0.0, hi=_MAX_PRICE, hi_open=True)
    p32 = _obj([_bits32_scalar(price)])
    E = None if block_emission_rao is None else check_int("block_emission_rao", block_emission_rao)
    if injection_cap_rao is not None:
        cap32 = _obj([_to_bits32_rao("injection_cap_rao", injection_cap_rao)])
    else:
        if alpha_emission_rao is None:
            raise ValueError("pass injection_cap_rao, or alpha_emission_rao (and what the era's cap needs)")
        ae = _obj([check_int("alpha_emission_rao", alpha_emission_rao)])
        rp32 = None
        if root_proportion is not None:
            rp32 = _obj([_bits32_scalar(check_fraction("root_proportion", root_proportion))])
        cap32 = _injection_cap_bits(e, ae, E, rp32)
    ratio32 = None
    if e.injection_rule == "subsidy":
        if E is None:
            raise ValueError(f"era {e.tag!r} (subsidy, v3.2.3–v3.2.11) needs block_emission_rao=")
        if share is not None:
            ratio32 = _obj([_bits32_scalar(check_fraction("share", share))])
        else:
            ratio32 = _safe_div(te32, _obj([E << 32]), 32)
    tin, ain, exc, _ = _terms_bits(e, te32, p32, cap32, E, ratio32)
    return SubnetTerms(int(tin[0] >> 32), int(ain[0] >> 32), int(exc[0] >> 32))


# ---------------------------------------------------------------------------------------------
# 3. Splitting α_out
# ---------------------------------------------------------------------------------------------
class _AlphaOutSplitFields(NamedTuple):
    owner: int
    server: int
    validator: int
    root: int


class AlphaOutSplit(_AlphaOutSplitFields):
    """How one block's ``α_out`` is divided (spec §3.5), in rao.

    A 4-tuple ``(owner, server, validator, root)`` — unpack it as such — with two more read-only
    attributes so that nothing is unaccounted for::

        owner + server + validator + root + recycled + dust == α_out

    * ``root``: alpha accumulated for root stakers (``PendingRootAlphaDivs``; before v3.2.10 it
      was sold through the pool every block and paid out as TAO);
    * ``recycled``: root alpha that is **not** paid because the root-sell flag is off (recycled
      from v3.2.13; for a subsidised subnet in v3.2.3 – v3.2.11 the chain skipped the sale and the
      root alpha was never credited to anyone);
    * ``dust``: the truncated fractions (0–3 rao) that stay in ``SubnetAlphaOut`` with no owner.
    """

    def __new__(cls, owner: int, server: int, validator: int, root: int, recycled: int = 0, dust: int = 0):
        self = super().__new__(cls, owner, server, validator, root)
        object.__setattr__(self, "_extra", (int(recycled), int(dust)))
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"AlphaOutSplit is immutable (cannot set {name!r})")

    def __getnewargs__(self) -> tuple[int, ...]:
        return (*self, self.recycled, self.dust)

    @property
    def recycled(self) -> int:
        """Root alpha not paid out this block (see the class docstring)."""
        return getattr(self, "_extra", (0, 0))[0]

    @property
    def dust(self) -> int:
        """Truncation remainder left unassigned in ``SubnetAlphaOut``."""
        return getattr(self, "_extra", (0, 0))[1]

    @property
    def total(self) -> int:
        """``owner + server + validator + root + recycled + dust`` (= α_out)."""
        return sum(self) + self.recycled + self.dust

    def __repr__(self) -> str:
        return (f"AlphaOutSplit(owner={self.owner}, server={self.server}, validator={self.validator}, "
                f"root={self.root}, recycled={self.recycled}, dust={self.dust})")


def _split_bits(
    e: Era,
    ae: np.ndarray,
    oc32: int,
    oc_enabled: np.ndarray,
    rp32: np.ndarray,
    sell_flag: bool,
    subsidized: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """(owner, server, validator, root, recycled, dust) as int64 arrays (``emit_to_subnets``)."""
    ao32 = ae << 32
    cut = np.where(oc_enabled, (ao32 * oc32) >> 32, 0)
    rest = ao32 - cut
    root_alpha = ((rp32 * rest) >> 32) >> 1  # root_prop · rest · 0.5
    server = rest >> 1  # rest · 0.5
    total_validator = rest - server
    n = ae.size
    if e.root_sell_flag and not sell_flag:
        if e.root_alpha_without_sell_flag == "left_to_validators":
            paid_root = np.zeros(n, dtype=np.int64).astype(object)
            unpaid_root = paid_root
            validator = total_validator
        else:  # recycled
            paid_root = np.zeros(n, dtype=np.int64).astype(object)
            unpaid_root = root_alpha
            validator = np.maximum(total_validator - root_alpha, 0)
    else:
        validator = np.maximum(total_validator - root_alpha, 0)
        withheld = subsidized & (e.injection_rule == "subsidy")
        paid_root = np.where(withheld, 0, root_alpha)
        unpaid_root = np.where(withheld, root_alpha, 0)
    owner_i = _to_int64(cut, 32)
    server_i = _to_int64(server, 32)
    validator_i = _to_int64(validator, 32)
    root_i = _to_int64(paid_root, 32)
    recycled_i = _to_int64(unpaid_root, 32)
    dust = np.asarray(ae).astype(np.int64) - owner_i - server_i - validator_i - root_i - recycled_i
    return owner_i, server_i, validator_i, root_i, recycled_i, dust


def split_alpha_out(
    alpha_out_rao: int,
    *,
    owner_cut: float = MAINNET_OWNER_CUT,
    root_proportion: float,
    root_sell_flag: bool = True,
    owner_cut_enabled: bool = True,
    subsidized: bool = False,
    era: str | Era = "head",
) -> AlphaOutSplit:
    """Split one block's ``α_out`` into owner / miners / validators / root (spec §3.5; CB-05, CB-06).

    Parameters
    ----------
    alpha_out_rao
        ``α_out = α_emission`` of the subnet this block (rao).
    owner_cut
        ``SubnetOwnerCut / 65535`` in [0, 1] (mainnet 11 796/65 535 ≈ 0.18), or the raw u16
        (an integer above 1, e.g. ``11796``).
    root_proportion
        ``root_prop`` in [0, 1] (:func:`root_proportion`; the chain evaluates it *after* this
        block's injection, i.e. on ``alpha_issuance + α_in + α_out``).
    root_sell_flag
        ``Σ p̄ > 1`` (:func:`root_sell_flag`); only consulted from v3.2.12.
    owner_cut_enabled
        Per-subnet owner-cut toggle (v3.4.0+; must stay True before).
    subsidized
        Subsidy era only: the subnet was subsidised this block, so its root alpha was not sold.
    era
        Protocol era (default HEAD).

    Returns
    -------
    AlphaOutSplit
        ``(owner, server, validator, root)`` plus ``.recycled`` and ``.dust``; all six sum to
        ``alpha_out_rao`` exactly. Each piece is computed in U96F32 and truncated to a rao, as the
        chain does when it adds it to the pending pool.

    Examples
    --------
    >>> split_alpha_out(1_000_000_000, owner_cut=0.0, root_proportion=0.25)
    AlphaOutSplit(owner=0, server=500000000, validator=375000000, root=125000000, recycled=0, dust=0)
    >>> split_alpha_out(1_000_000_000, owner_cut=1.0, root_proportion=0.25).owner
    1000000000
    """
    root_sell_flag = check_bool("root_sell_flag", root_sell_flag)
    owner_cut_enabled = check_bool("owner_cut_enabled", owner_cut_enabled)
    subsidized = check_bool("subsidized", subsidized)
    e = _era_dtao(era)
    ao = check_int("alpha_out_rao", alpha_out_rao)
    oc = check_u16_fraction("owner_cut", owner_cut)  # a fraction, or the raw u16 (11796)
    rp = check_fraction("root_proportion", root_proportion)
    if not owner_cut_enabled and not e.owner_cut_toggle:
        raise ValueError(f"owner_cut_enabled=False needs era v3.4.0 or later (the toggle), got {e.tag!r}")
    parts = _split_bits(
        e, _obj([ao]), _bits32_scalar(oc), np.array([bool(owner_cut_enabled)]),
        _obj([_bits32_scalar(rp)]), bool(root_sell_flag), np.array([bool(subsidized)]),
    )
    return AlphaOutSplit(*(int(p[0]) for p in parts))


# ---------------------------------------------------------------------------------------------
# 4. Epoch: alpha vs root dividends
# ---------------------------------------------------------------------------------------------
_STAKE_MAX = float(2**64)  # stakes and dividends are u64 rao (U96F32 in the epoch): larger floats are refused


def _as_mapping(name: str, values: Any) -> dict[Any, int | float]:
    if isinstance(values, Mapping):
        items = list(values.items())
    elif isinstance(values, Sequence | np.ndarray) and not isinstance(values, str | bytes):
        items = list(enumerate(np.asarray(values).tolist()))
    else:
        raise TypeError(f"{name} must be a mapping hotkey → amount or a sequence, got {type(values).__name__}")
    out: dict[Any, int | float] = {}
    for k, v in items:
        if isinstance(v, int | np.integer) and not isinstance(v, bool):
            out[k] = check_int(f"{name}[{k!r}]", v)  # rao stay exact integers
        else:
            out[k] = check_real(f"{name}[{k!r}]", v, lo=0.0, hi=_STAKE_MAX)
    return out


def _bits32_exact(values: Sequence[int | float]) -> np.ndarray:
    """U96F32 bits of amounts of any size: ints shifted exactly, floats rounded to nearest."""
    return np.array([v << 32 if isinstance(v, int) else round(math.ldexp(v, 32)) for v in values], dtype=object)


def alpha_dividend_fraction(
    alpha_stake: int | float,
    root_stake: int | float,
    *,
    tao_weight: float = TAO_WEIGHT,
    root_registered: bool = True,
    era: str | Era = "head",
) -> float:
    """The part of a hotkey's dividend that goes to its alpha side (spec §3.6, addendum §A5; vector RR-01).

    Legacy (up to spec 440): ``1 − γr/(a + γr)``; spec 441: 1 for a hotkey without a root UID;
    spec 442 on: ``a/(a + γr)`` always (1 when ``a + γr = 0``), computed in U96F32 as
    ``calculate_dividend_distribution`` does (the fraction truncated to 2^-32). The rest is the root
    part (for a hotkey without a root UID from spec 442: unassigned).

    >>> round(alpha_dividend_fraction(2_000_000_000, 4_083_000_000_000, tao_weight=0.18), 6)  # 2/(2 + 0.18·4083)
    0.002714
    """
    root_registered = check_bool("root_registered", root_registered)
    a32 = _bits32_exact([check_int("alpha_stake", alpha_stake) if isinstance(alpha_stake, int | np.integer)
                         and not isinstance(alpha_stake, bool) else check_real("alpha_stake", alpha_stake, lo=0.0,
                                                                              hi=_STAKE_MAX)])
    r32 = _bits32_exact([check_int("root_stake", root_stake) if isinstance(root_stake, int | np.integer)
                         and not isinstance(root_stake, bool) else check_real("root_stake", root_stake, lo=0.0,
                                                                             hi=_STAKE_MAX)])
    if int(a32[0]) < 0 or int(r32[0]) < 0:
        raise ValueError("alpha_stake and root_stake must be >= 0")
    tw32 = _bits32_scalar(check_fraction("tao_weight", tao_weight))
    e = _era(era)
    weighted = (r32 * tw32) >> 32
    total = a32 + weighted
    if e.dividend_split == "root_registered":
        frac = _safe_div(a32, total, 32)[0] if int(total[0]) > 0 else _ONE32
    elif e.dividend_split == "root_registered_441" and not root_registered:
        frac = _ONE32
    else:
        frac = _ONE32 - int(_safe_div(weighted, total, 32)[0])
    return int(frac) / _ONE32


def _root_registered(values: Any, keys: list[Any], keyed: bool) -> np.ndarray:
    if values is None:
        return np.ones(len(keys), dtype=bool)
    if isinstance(values, Mapping):
        out = [values.get(k, False) for k in keys]
    elif isinstance(values, set | frozenset):  # the registered hotkeys
        out = [k in values for k in keys]
    elif keyed:
        raise TypeError("root_registered must be a mapping hotkey → bool or a set of hotkeys when dividends is "
                        "a mapping")
    else:
        out = list(np.asarray(values).tolist())
        if len(out) != len(keys):
            raise ValueError(f"root_registered must have {len(keys)} entries to match dividends, got {len(out)}")
    for k, v in zip(keys, out, strict=True):
        if not isinstance(v, bool | np.bool_) and v not in (0, 1):
            raise TypeError(f"root_registered[{k!r}] must be a bool, got {v!r}")
    return np.array([bool(v) for v in out], dtype=bool)


def split_dividends(
    dividends: Mapping[Any, float] | Sequence[float],
    alpha_stake: Mapping[Any, float] | Sequence[float],
    root_stake: Mapping[Any, float] | Sequence[float],
    *,
    tao_weight: float = TAO_WEIGHT,
    pending_validator_alpha: int,
    pending_root_alpha: int,
    rao: bool = False,
    root_registered: Mapping[Any, bool] | Sequence[bool] | None = None,
    era: str | Era = "head",
) -> tuple[dict[Any, float], dict[Any, float]]:
    """Split validator dividends into alpha and root parts (spec §3.6 step 4, addendum §A5; vectors CB-07, RR-01).

    Up to spec 440 (``Era.dividend_split == "legacy"``): for each hotkey
    ``rp = γ·root / (alpha + γ·root)`` (0 if both are 0), ``root_div = div·rp`` and
    ``alpha_div = div − root_div``. Then every ``alpha_div`` is rescaled so that they sum to
    ``pending_validator_alpha`` and every ``root_div`` so that they sum to ``pending_root_alpha``
    (``calculate_dividend_distribution``, U96F32).

    Root Reborn (Root dividends into baskets) made the root part depend on a root UID:

    * spec 441 (``era="spec441"``): a hotkey **without** a root UID drops ``γ·root`` from the
      denominator and takes all of ``div`` as alpha; registered hotkeys split as before;
    * spec 442 on (PR #3035, code @1a587cc8 [V]): ``alpha_div = div·alpha/(alpha + γ·root)``
      always (``div`` if both stakes are 0) and ``root_div = div − alpha_div`` **only** for a
      hotkey with a root UID; otherwise the root slice is unassigned (the pending root alpha is
      shared among root-registered hotkeys only).

    With ``root_registered=None`` every hotkey counts as registered (the legacy split's numbers,
    up to the operation order of spec 442: alpha part first).

    Parameters
    ----------
    dividends
        Epoch dividends per hotkey (after the parent/child split), ≥ 0.
    alpha_stake, root_stake
        Each hotkey's alpha stake on the subnet and TAO stake on root (rao). Mappings keyed like
        ``dividends`` (a missing hotkey has stake 0) or sequences aligned with it.
    tao_weight
        γ in [0, 1] (mainnet 0.18).
    pending_validator_alpha, pending_root_alpha
        The pending pools drained at this epoch (rao).
    rao
        Truncate each amount to a rao, as the chain does when it credits the stake.
    root_registered
        Whether each hotkey holds a UID on the root subnet: a mapping keyed like ``dividends`` (a
        missing hotkey is not registered), a set of the registered hotkeys, or a sequence of bools
        aligned with a sequence ``dividends``. ``None``: all are.
        Used from spec 441 (``Era.dividend_split``); ignored before.
    era
        Protocol era (default HEAD).

    Returns
    -------
    (dict, dict)
        ``alpha_dividends`` and ``root_dividends`` keyed by hotkey (indices for sequences). Each
        dict sums to its pending amount (to within rounding) unless all its raw parts are 0.

    Examples
    --------
    >>> a, r = split_dividends({"v": 100.0}, {"v": 1_000}, {"v": 0}, pending_validator_alpha=50,
    ...                        pending_root_alpha=0)
    >>> a, r
    ({'v': 50.0}, {'v': 0.0})
    """
    div = _as_mapping("dividends", dividends)
    a_st = _as_mapping("alpha_stake", alpha_stake)
    r_st = _as_mapping("root_stake", root_stake)
    if not isinstance(dividends, Mapping):
        for name, m in (("alpha_stake", a_st), ("root_stake", r_st)):
            if len(m) != len(div):
                raise ValueError(f"{name} must have {len(div)} entries to match dividends, got {len(m)}")
    tw32 = _bits32_scalar(check_fraction("tao_weight", tao_weight))
    pv = check_int("pending_validator_alpha", pending_validator_alpha)
    pr = check_int("pending_root_alpha", pending_root_alpha)
    e = _era(era)
    keys = list(div)
    reg = _root_registered(root_registered, keys, isinstance(dividends, Mapping))
    if not keys:
        return {}, {}
    d32 = _bits32_exact([div[k] for k in keys])
    a32 = _bits32_exact([a_st.get(k, 0) for k in keys])
    r32 = _bits32_exact([r_st.get(k, 0) for k in keys])
    weighted_root = (r32 * tw32) >> 32
    total = a32 + weighted_root
    if e.dividend_split == "root_registered":
        # spec 442: alpha part first, D when a + γr = 0; root part only with a root UID
        alpha_div = np.where(total > 0, (d32 * _safe_div(a32, total, 32)) >> 32, d32)
        root_div = np.where(reg, d32 - alpha_div, 0)
    else:
        rp = _safe_div(weighted_root, total, 32)
        if e.dividend_split == "root_registered_441":
            rp = np.where(reg, rp, 0)  # no root UID: γr dropped, all of D as alpha
        root_div = (d32 * rp) >> 32
        alpha_div = d32 - root_div
    n = len(keys)
    alpha_share = _safe_div(alpha_div, np.full(n, alpha_div.sum(), dtype=object), 32)
    root_share = _safe_div(root_div, np.full(n, root_div.sum(), dtype=object), 32)
    alpha_out = pv * alpha_share
    root_out = pr * root_share
    if rao:
        conv = [int(v >> 32) for v in alpha_out], [int(v >> 32) for v in root_out]
    else:
        conv = [int(v) / _ONE32 for v in alpha_out], [int(v) / _ONE32 for v in root_out]
    return dict(zip(keys, conv[0], strict=True)), dict(zip(keys, conv[1], strict=True))


# ---------------------------------------------------------------------------------------------
# The whole block, vectorised over subnets
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BlockState:
    """Chain state one coinbase step reads, one entry per emitting subnet (arrays of length n).

    Attributes
    ----------
    ema_prices
        ``SubnetMovingPrice`` p̄ (before this block's EMA update; spec §3.3).
    spot_prices
        Pool prices p (TAO per alpha).
    alpha_issuance
        ``SubnetAlphaIn + SubnetAlphaOut`` (+ the pool reservoir at HEAD), int rao.
    root_tao
        ``SubnetTAO[0]``, TAO staked on root (int rao).
    block_emission
        ``E`` (int rao, below 2^63; mainnet at most 1e9); if None it is derived from ``total_issuance``
        (spec §1).
    total_issuance
        ``TotalIssuance`` (int rao), used when ``block_emission`` is None.
    miner_burned
        ``MinerBurned`` fractions (eras C, D and HEAD); default 0. Reals ≥ 0; a value above 1 is
        stored as 1, because every share rule reads ``min(MinerBurned, 1)`` (``get_shares``, L368
        @v3.4.9-424); the chain itself only writes withheld ÷ total miner incentive, which is ≤ 1.
    root_prop_weights
        ``RootProp`` used by era C's shares (the value stored at the end of the previous block);
        default: the root proportion of the current state.
    flows, protocol_flows
        Flow EMAs (eras B, B'; :mod:`dtao_lib.taoflow`).
    emission_enabled
        ``SubnetEmissionEnabled`` mask (default all True).
    owner_cut_enabled
        Per-subnet owner-cut toggle (v3.4.0+; default all True).
    tao_weight, owner_cut
        γ and the owner cut fraction (mainnet defaults).
    flow_exponent, flow_cutoff
        ``FlowNormExponent`` and ``TaoFlowCutoff``.
    emission_bar
        ``EmissionGateBar`` θ stored before this block (eras E/F; 0.0 = never computed).
    block_number
        The block's number (the bar is recomputed when ``block_number % 360 == 0``).
    emission_bar_rank, emission_bar_quantile, emission_gate_exponent
        Gate parameters (default: the era's mode, rank 32 or q-mass; q = 0.61; h = 3).
    tao_reservoir, alpha_reservoir
        ``BalancerTaoReservoir`` / ``BalancerAlphaReservoir`` per subnet (int rao, default 0;
        spec 435+ [G], addendum §A4).
    pools
        Optional :class:`dtao_lib.amm.BalancerPool` per subnet. With pools (in a Balancer era),
        :func:`block` runs the chain buy (fee-free) and the reservoir-aware injection
        (:func:`dtao_lib.amm.adjust_protocol_liquidity`) and returns the new pools; ``spot_prices``
        should then be the pools' prices.
    """

    ema_prices: np.ndarray
    spot_prices: np.ndarray
    alpha_issuance: np.ndarray
    root_tao: int
    block_emission: int | None = None
    total_issuance: int | None = None
    miner_burned: np.ndarray | None = None
    root_prop_weights: np.ndarray | None = None
    flows: np.ndarray | None = None
    protocol_flows: np.ndarray | None = None
    emission_enabled: np.ndarray | None = None
    owner_cut_enabled: np.ndarray | None = None
    tao_weight: float = TAO_WEIGHT
    owner_cut: float = MAINNET_OWNER_CUT
    flow_exponent: float = 1.0
    flow_cutoff: float = 0.0
    emission_bar: float = 0.0
    block_number: int = 0
    emission_bar_rank: int | None = None
    emission_bar_quantile: float = EMISSION_BAR_QUANTILE
    emission_gate_exponent: float = EMISSION_GATE_EXPONENT
    tao_reservoir: np.ndarray | None = None
    alpha_reservoir: np.ndarray | None = None
    pools: Sequence[Any] | None = None

    def __post_init__(self) -> None:
        ema = _check_price_array("ema_prices", self.ema_prices)
        n = ema.size
        conv: dict[str, Any] = {
            "ema_prices": ema,
            "spot_prices": _check_price_array("spot_prices", self.spot_prices, n),
            "alpha_issuance": _check_rao_array("alpha_issuance", self.alpha_issuance, n),
            "root_tao": check_int("root_tao", self.root_tao),
            "miner_burned": _miner_burned(self.miner_burned, n),  # > 1 clamped to 1, as get_shares reads it
            "emission_enabled": _check_mask("emission_enabled", self.emission_enabled, n),
            "owner_cut_enabled": _check_mask("owner_cut_enabled", self.owner_cut_enabled, n),
            "tao_weight": check_fraction("tao_weight", self.tao_weight),
            "owner_cut": check_fraction("owner_cut", self.owner_cut),
            "flow_exponent": check_real("flow_exponent", self.flow_exponent, lo=0.0),
            "flow_cutoff": check_real("flow_cutoff", self.flow_cutoff),
            "emission_bar": check_real("emission_bar", self.emission_bar, lo=0.0, hi=1.0),
            "block_number": check_int("block_number", self.block_number),
            "emission_bar_quantile": check_real("emission_bar_quantile", self.emission_bar_quantile, lo=0.0, hi=1.0),
            "emission_gate_exponent": check_real("emission_gate_exponent", self.emission_gate_exponent, lo=0.0,
                                                 hi=float(2**31 - 1)),
            "tao_reservoir": _check_rao_array(
                "tao_reservoir", np.zeros(n, np.int64) if self.tao_reservoir is None else self.tao_reservoir, n),
            "alpha_reservoir": _check_rao_array(
                "alpha_reservoir", np.zeros(n, np.int64) if self.alpha_reservoir is None else self.alpha_reservoir, n),
        }
        if self.emission_bar_rank is not None:
            conv["emission_bar_rank"] = check_int("emission_bar_rank", self.emission_bar_rank, lo=0, hi=U16_MAX)
        if self.pools is not None:
            from .amm import BalancerPool

            pools = tuple(self.pools)
            if len(pools) != n or not all(isinstance(p, BalancerPool) for p in pools):
                raise ValueError(f"pools must be {n} dtao_lib.amm.BalancerPool objects (one per subnet)")
            conv["pools"] = pools
            conv["spot_prices"] = np.array([p.price for p in pools], dtype=np.float64)  # the pools' prices
        if self.block_emission is None and self.total_issuance is None:
            raise ValueError("BlockState needs block_emission or total_issuance")
        if self.block_emission is not None:
            # below 2^63: the block's amounts are int64 arrays (2^63 wrapped to a negative tao_in)
            conv["block_emission"] = check_int("block_emission", self.block_emission, hi=2**63 - 1)
        if self.total_issuance is not None:
            conv["total_issuance"] = check_int("total_issuance", self.total_issuance)
        if self.root_prop_weights is not None:
            conv["root_prop_weights"] = check_array("root_prop_weights", self.root_prop_weights,
                                                    lo=0.0, hi=1.0, shape=(n,))
        for name in ("flows", "protocol_flows"):
            if getattr(self, name) is not None:
                conv[name] = check_array(name, getattr(self, name), shape=(n,))
        for k, v in conv.items():
            object.__setattr__(self, k, v)
        freeze_arrays(self)  # a validated state cannot be edited in place afterwards

    @property
    def n_subnets(self) -> int:
        return int(self.ema_prices.size)

    @property
    def emission(self) -> int:
        """``E`` for this block (given, or from ``total_issuance``)."""
        if self.block_emission is not None:
            return int(self.block_emission)
        return _block_emission(int(self.total_issuance))  # type: ignore[arg-type]


@dataclass(frozen=True)
class BlockResult:
    """Where one block's TAO and alpha went, per subnet (rao int64 arrays unless noted).

    ``Σ tao_in + Σ (excess_tao − refunded_tao) + recycled == block_emission`` and, per subnet,
    ``owner + server + validator + root + root_recycled + alpha_dust == alpha_out``.

    From the gate and reservoir eras on it also carries what the next block needs
    (:meth:`next_state`): the bar ``emission_bar`` after this block, the reservoirs and the pools.
    ``tao_active``/``alpha_active`` are the parts of ``tao_in``/``alpha_in`` (plus released
    reservoir) that entered the pool reserves; without ``pools`` they equal ``tao_in``/``alpha_in``.
    ``refunded_tao`` is chain-buy TAO returned to the credit after a failed swap (spec 435+ [G];
    recycled with the rest of the credit, so it is part of ``recycled``).
    """

    era: str
    block_emission: int
    share: np.ndarray = field(repr=False)
    tao_emission: np.ndarray = field(repr=False)
    tao_in: np.ndarray = field(repr=False)
    alpha_in: np.ndarray = field(repr=False)
    excess_tao: np.ndarray = field(repr=False)
    alpha_out: np.ndarray = field(repr=False)
    owner: np.ndarray = field(repr=False)
    server: np.ndarray = field(repr=False)
    validator: np.ndarray = field(repr=False)
    root: np.ndarray = field(repr=False)
    root_recycled: np.ndarray = field(repr=False)
    alpha_dust: np.ndarray = field(repr=False)
    recycled: int
    root_proportion: np.ndarray = field(repr=False)
    root_proportion_split: np.ndarray = field(repr=False)
    root_sell_flag: bool
    subsidized: np.ndarray = field(repr=False)
    chain_bought_alpha: np.ndarray | None = field(default=None, repr=False)
    chain_buy_destination: str = "none"
    emission_bar: float = 0.0
    emission_bar_updated: bool = False
    block_number: int = 0
    pre_gate_share: np.ndarray | None = field(default=None, repr=False)
    refunded_tao: np.ndarray | None = field(default=None, repr=False)
    tao_active: np.ndarray | None = field(default=None, repr=False)
    alpha_active: np.ndarray | None = field(default=None, repr=False)
    tao_reservoir: np.ndarray | None = field(default=None, repr=False)
    alpha_reservoir: np.ndarray | None = field(default=None, repr=False)
    pools: tuple[Any, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        freeze_arrays(self)

    @property
    def alpha_emission(self) -> np.ndarray:
        """Alias of ``alpha_out`` (α_out = α_emission every block)."""
        return self.alpha_out

    def tao_conserved(self) -> bool:
        """``Σ τ_in + Σ (excess − refunded) + recycled == E``, ``recycled ≥ 0`` and, with reservoirs,
        ``τ_active + τ_reservoir' == τ_in + τ_reservoir`` (likewise alpha) per subnet."""
        refunded = 0 if self.refunded_tao is None else int(self.refunded_tao.sum())
        total = int(self.tao_in.sum()) + int(self.excess_tao.sum()) - refunded + self.recycled
        return total == self.block_emission and self.recycled >= 0 and self._reservoirs_conserved

    @property
    def _reservoirs_conserved(self) -> bool:
        if self.tao_active is None or self._reservoirs_before is None:
            return True
        t0, a0 = self._reservoirs_before
        return bool(np.all(self.tao_active + self.tao_reservoir == self.tao_in + t0)
                    and np.all(self.alpha_active + self.alpha_reservoir == self.alpha_in + a0))

    _reservoirs_before: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def next_state(self, state: BlockState, **changes: Any) -> BlockState:
        """The :class:`BlockState` of the next block: the stored bar, ``block_number + 1``, the
        reservoirs and (with pools) the new pools and their spot prices; ``changes`` override any
        field (e.g. new ``ema_prices`` after the EMA update, :mod:`dtao_lib.ema`)."""
        upd: dict[str, Any] = {"emission_bar": self.emission_bar, "block_number": state.block_number + 1}
        if self.tao_reservoir is not None:
            upd["tao_reservoir"] = self.tao_reservoir
            upd["alpha_reservoir"] = self.alpha_reservoir
        if self.pools is not None:
            upd["pools"] = self.pools
            upd["spot_prices"] = np.array([p.price for p in self.pools])
        upd.update(changes)
        from dataclasses import replace as _replace

        return _replace(state, **upd)

    def alpha_conserved(self) -> bool:
        """Every subnet's α_out is fully assigned (owner … dust)."""
        parts = self.owner + self.server + self.validator + self.root + self.root_recycled + self.alpha_dust
        return bool(np.all(parts == self.alpha_out) and np.all(self.alpha_dust >= 0))

    def totals(self) -> dict[str, int]:
        """Network totals of every flow (rao) — the data of the "one block" figure."""
        keys = ("tao_in", "excess_tao", "alpha_in", "alpha_out", "owner", "server", "validator", "root",
                "root_recycled", "alpha_dust")
        out = {k: int(getattr(self, k).sum()) for k in keys}
        out["recycled"] = self.recycled
        out["block_emission"] = self.block_emission
        return out


def block(
    state: BlockState | Mapping[str, Any],
    *,
    era: str | Era = "head",
    chain_buy: Callable[[np.ndarray], np.ndarray] | None = None,
    exact: bool = True,
) -> BlockResult:
    """One coinbase step for every subnet at once (spec §3.1 steps 1–4, §3.2, §3.4, §3.5).

    Vectorised over subnets (numpy; the fixed-point arithmetic runs on object arrays of Python
    ints so that it is exact). What it does *not* do, and the chain does in the same block:

    * the pool swaps — the chain injects ``τ_in``/``α_in`` into the pool (at HEAD through the
      balancer's ``adjust_protocol_liquidity``, which may park part of it in a reservoir) and
      spends ``excess_tao`` on a fee-free ``swap_tao_for_alpha`` (the chain buy). Pass
      ``chain_buy(excess_tao) -> alpha_bought`` (int arrays) to run your own pool model
      (e.g. :mod:`dtao_lib.amm`); its result is reported in ``chain_bought_alpha``, whose
      destination per era is ``chain_buy_destination`` ("recycled" before v3.4.1, "protocol"
      = ``SubnetProtocolAlpha`` after). The callback gets only the excess: the pool it swaps on
      must be the one the era's ``run_coinbase.rs`` swaps on, per subnet:

      ======================  ================================================================
      v3.2.3 – v3.2.11        buy on the pool as it is, then inject (the buy runs in
      (subsidy)               ``get_subnet_terms``, v3.2.3 L90; injection L135–L158)
      v3.2.12 – v3.4.7        inject, then buy: ``adjust_protocol_liquidity`` adds the
      (Uniswap v3)            injection to the protocol position the swap reads (v3.2.12
                              L112 → L115), only the part at the price with the fees and
                              scrap (``amm.FullRangePool.inject(..., proportional=True)``)
      v3.3.10, v3.4.8 –       the Balancer's weights move for the injection (computed on the
      spec 434 (Balancer)     pre-injection reserves), the buy swaps on the *pre-injection*
                              reserves with the *new* weights, then the reserves grow by the
                              injection (v3.4.8 and 14bc6f9f L91 → L104 → L137/L147; v3.3.10
                              L71 → L74 → L90/L99)
      spec 435 – HEAD         buy on the pool as it is, then the reservoir-aware injection
                              (addendum §A4; built in with ``state.pools``, below)
      ======================  ================================================================

      Eras before v3.2.3 have no excess, so no chain buy. :mod:`dtao_lib.sim` runs these orders
      (:func:`dtao_lib.sim.state.chain_buy_order`);
    * the EMA-price update that follows (:mod:`dtao_lib.ema`), the flow EMAs
      (:mod:`dtao_lib.taoflow`) and the epoch (:func:`split_dividends`, Yuma).

    The root proportion used for the cap is the pre-injection one; the one used for the α_out
    split is evaluated on ``alpha_issuance + α_in + α_out`` as in ``emit_to_subnets``.

    From spec 440 (eras E, F) the shares pass through the emission gate with the bar stored in
    ``state.emission_bar`` (recomputed when it is 0 or ``state.block_number % 360 == 0``); the
    result's ``emission_bar`` is the bar to store. From spec 435 [G] (addendum §A4):

    * a chain buy that fails refunds its TAO to the block credit (``refunded_tao``, recycled);
      a ``chain_buy`` callback marks a failed swap with a negative entry;
    * with ``state.pools`` the chain buy runs fee-free on each :class:`~dtao_lib.amm.BalancerPool`
      (before the injection, as ``inject_and_maybe_swap`` orders it) and the injection goes through
      :func:`dtao_lib.amm.adjust_protocol_liquidity` with the state's reservoirs; the result
      carries the new pools, the price-active amounts and the reservoirs
      (:meth:`BlockResult.next_state` chains blocks).

    Parameters
    ----------
    state
        A :class:`BlockState`, or a mapping with its field names.
    era
        Protocol era (default HEAD).
    chain_buy
        Optional pool model for the chain buys (see above); not together with ``state.pools``.
    exact
        True (default): the chain's fixed-point arithmetic, exact to the rao (≈ 0.3 ms for 128
        subnets). False: the same formulas in float64 (≈ 10× faster, for long simulations); each
        amount may then differ from the chain by ±1 rao (``α_in`` by up to ``1/p`` rao), while the
        conservation identities still hold exactly.

    Returns
    -------
    BlockResult
    """
    exact = check_bool("exact", exact)
    st = state if isinstance(state, BlockState) else BlockState(**dict(state))
    e = _era_dtao(era)
    if st.pools is not None:
        if not e.balancer_reservoirs:
            raise ValueError(f"BlockState.pools runs the reservoir injection of spec 435+ (addendum §A4); era "
                             f"{e.tag!r} has none: use chain_buy= for earlier eras")
        if chain_buy is not None:
            raise ValueError("pass either BlockState.pools (built-in fee-free chain buy) or chain_buy=, not both")
    gate = (_GateState.make(e, st.emission_bar_rank, st.emission_bar_quantile, st.emission_gate_exponent,
                            st.emission_bar, st.block_number) if e.emission_gate != "none" else None)
    if not exact:
        return _finish(st, e, **_block_float(st, e, gate), chain_buy=chain_buy, gate=gate)
    n = st.n_subnets
    E = st.emission
    issuance = st.alpha_issuance
    tw32 = _bits32_scalar(st.tao_weight)
    iss_obj = _obj(issuance) if n else np.zeros(0, dtype=object)
    rp_cap32 = _root_prop_bits(tw32, st.root_tao, iss_obj) if n else iss_obj
    flow_era = e.share_rule in ("taoflow", "net_taoflow")
    rp_weights = st.root_prop_weights
    if e.share_rule == "price_burn_root_prop" and rp_weights is None:
        rp_weights = _to_float(rp_cap32, 32)
    if n:
        te32, share64 = _tao_emission_bits(
            e, E, st.ema_prices, burn=st.miner_burned, root_props=rp_weights,
            flows=st.flows if flow_era else None, protocol_flows=st.protocol_flows if flow_era else None,
            flow_exponent=st.flow_exponent, flow_cutoff=st.flow_cutoff, net_flow=None,
            enabled=st.emission_enabled, n=n, gate=gate,
        )
    else:
        te32 = share64 = np.zeros(0, dtype=object)
    ae = _alpha_emission_vec(issuance)
    ae_obj = _obj(ae) if n else np.zeros(0, dtype=object)
    p32 = _bits32(st.spot_prices) if n else np.zeros(0, dtype=object)
    cap32 = _injection_cap_bits(e, ae_obj, E, rp_cap32)
    ratio32 = None
    if e.injection_rule == "subsidy":  # tao_in_ratio = τ_i / E in U96F32 (run_coinbase.rs v3.2.3 L81-84)
        ratio32 = te32 // E if E else np.zeros(n, dtype=np.int64).astype(object)
    tin, ain, exc, subsidized = _terms_bits(e, te32, p32, cap32, E, ratio32)
    tao_in = _to_int64(tin, 32)
    alpha_in = _to_int64(ain, 32)
    excess = _to_int64(exc, 32)
    sell = bool(_bits32(st.ema_prices).sum() > _ONE32) if n else False
    post_issuance = _obj(issuance + alpha_in + ae) if n else iss_obj
    rp_split32 = _root_prop_bits(tw32, st.root_tao, post_issuance) if n else iss_obj
    owner, server, validator, root, root_recycled, dust = _split_bits(
        e, ae_obj, _bits32_scalar(st.owner_cut), st.owner_cut_enabled if e.owner_cut_toggle else np.ones(n, bool),
        rp_split32, sell, subsidized,
    )
    pre_gate = None
    if gate is not None and n:
        pre_gate = _to_float(_pre_gate_bits(st.ema_prices, st.miner_burned if e.miner_burn_weighting else None), 64)
    return _finish(
        st, e, pre_gate=pre_gate,
        share=_to_float(share64, 64) if n else np.zeros(0),
        tao_emission=_to_int64(te32, 32) if n else np.zeros(0, np.int64),
        tao_in=tao_in, alpha_in=alpha_in, excess=excess, ae=ae,
        parts=(owner, server, validator, root, root_recycled, dust),
        rp_cap=_to_float(rp_cap32, 32) if n else np.zeros(0),
        rp_split=_to_float(rp_split32, 32) if n else np.zeros(0),
        sell=sell, subsidized=subsidized, chain_buy=chain_buy, gate=gate,
    )


def _pool_chain_buys(pools: tuple[Any, ...], excess: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """Fee-free ``swap_tao_for_alpha`` of each subnet's excess (-1 where the swap fails)."""
    from dataclasses import replace as _replace

    out, bought = [], np.zeros(len(pools), dtype=np.int64)
    for i, (pool, x) in enumerate(zip(pools, excess, strict=True)):
        if x <= 0:
            out.append(pool)
            continue
        res = _replace(pool, fee_rate_u16=0).buy_alpha(int(x))
        if res.ok and res.refund == 0:
            out.append(_replace(res.pool, fee_rate_u16=pool.fee_rate_u16))
            bought[i] = res.amount_out
        else:
            out.append(pool)
            bought[i] = -1
    return out, bought


def _finish(
    st: BlockState,
    e: Era,
    *,
    share: np.ndarray,
    tao_emission: np.ndarray,
    tao_in: np.ndarray,
    alpha_in: np.ndarray,
    excess: np.ndarray,
    ae: np.ndarray,
    parts: tuple[np.ndarray, ...],
    rp_cap: np.ndarray,
    rp_split: np.ndarray,
    sell: bool,
    subsidized: np.ndarray,
    chain_buy: Callable[[np.ndarray], np.ndarray] | None,
    gate: _GateState | None = None,
    pre_gate: np.ndarray | None = None,
) -> BlockResult:
    n = st.n_subnets
    E = st.emission
    owner, server, validator, root, root_recycled, dust = parts
    bought = None
    pools = list(st.pools) if st.pools is not None else None
    refunded = np.zeros(n, dtype=np.int64)
    if chain_buy is not None and e.chain_buy_alpha != "none":
        bought = np.asarray(chain_buy(excess.copy()))
        if bought.shape != (n,):
            raise ValueError(f"chain_buy must return an array of shape ({n},), got {bought.shape}")
        bought = bought.astype(np.int64)
    elif pools is not None and e.chain_buy_alpha != "none":
        pools, bought = _pool_chain_buys(tuple(pools), excess)
    if bought is not None:
        failed = bought < 0
        if e.chain_buy_refund:  # the TAO goes back to the credit and is recycled (addendum §A4)
            refunded = np.where(failed & (excess > 0), excess, 0).astype(np.int64)
        bought = np.where(failed, 0, bought).astype(np.int64)
    recycled = E - int(tao_in.sum()) - int(excess.sum()) + int(refunded.sum())
    t_res0, a_res0 = st.tao_reservoir, st.alpha_reservoir
    tao_active, alpha_active = tao_in.copy(), alpha_in.copy()
    t_res, a_res = t_res0.copy(), a_res0.copy()
    if pools is not None:
        from .amm import adjust_protocol_liquidity

        for i in range(n):
            r = adjust_protocol_liquidity(pools[i], int(tao_in[i]), int(alpha_in[i]),
                                          tao_reservoir=int(t_res0[i]), alpha_reservoir=int(a_res0[i]))
            pools[i] = r.pool
            tao_active[i], alpha_active[i] = r.tao_active, r.alpha_active
            t_res[i], a_res[i] = r.tao_reservoir, r.alpha_reservoir
    bar, bar_updated = st.emission_bar, False
    if gate is not None and gate.updated:
        bar, bar_updated = gate.bar64 / float(_ONE64), True
    return BlockResult(
        era=e.tag,
        block_emission=E,
        share=share,
        tao_emission=tao_emission,
        tao_in=tao_in,
        alpha_in=alpha_in,
        excess_tao=excess,
        alpha_out=ae,
        owner=owner,
        server=server,
        validator=validator,
        root=root,
        root_recycled=root_recycled,
        alpha_dust=dust,
        recycled=recycled,
        root_proportion=rp_cap,
        root_proportion_split=rp_split,
        root_sell_flag=sell,
        subsidized=subsidized,
        chain_bought_alpha=bought,
        chain_buy_destination=e.chain_buy_alpha,
        emission_bar=bar,
        emission_bar_updated=bar_updated,
        block_number=st.block_number,
        pre_gate_share=pre_gate,
        refunded_tao=refunded,
        tao_active=tao_active,
        alpha_active=alpha_active,
        tao_reservoir=t_res,
        alpha_reservoir=a_res,
        pools=tuple(pools) if pools is not None else None,
        _reservoirs_before=(t_res0, a_res0),
    )


def _block_float(st: BlockState, e: Era, gate: _GateState | None = None) -> dict[str, Any]:
    """The float64 version of :func:`block`'s arithmetic (``exact=False``; the gate itself is
    evaluated on U64F64 bits as in :func:`emission_gate`)."""
    n = st.n_subnets
    E = st.emission
    enabled = st.emission_enabled
    ema = _grid32(st.ema_prices)  # the chain's stored values (32 fractional bits)
    burn = _grid32(st.miner_burned)
    p = _grid32(st.spot_prices)
    rule = e.share_rule
    pre_gate = None
    issuance = st.alpha_issuance
    weighted_root = float(_grid32(st.tao_weight)) * st.root_tao
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = weighted_root + issuance.astype(np.float64)
        rp_cap = np.where(denom > 0, weighted_root / np.where(denom > 0, denom, 1.0), 0.0)
        rp_cap = np.ldexp(np.floor(np.ldexp(rp_cap, 32)), -32)  # U96F32 division truncates

        def normalise(w: np.ndarray) -> np.ndarray:
            tot = w.sum()
            return w / tot if tot > 0 else np.zeros(n)

        if rule == "ema_price":
            share = normalise(np.where(enabled, ema, 0.0))
        elif rule in ("taoflow", "net_taoflow"):
            if st.flows is None:
                raise ValueError(f"era {e.tag!r} splits emission by TaoFlow (spec §3.2): BlockState needs flows")
            if rule == "net_taoflow" and st.protocol_flows is None:
                raise ValueError(f"era {e.tag!r} uses net TaoFlow: BlockState needs protocol_flows")
            share = taoflow.flow_shares(st.flows, st.protocol_flows if rule == "net_taoflow" else None,
                                        p=st.flow_exponent, cutoff=st.flow_cutoff, net=rule == "net_taoflow")
        else:
            price_share = normalise(ema)
            weight = price_share * (1.0 - burn) if e.miner_burn_weighting else price_share
            if rule == "price_burn_root_prop":
                weight = weight * (rp_cap if st.root_prop_weights is None else _grid32(st.root_prop_weights))
            share = normalise(weight)
            if weight.sum() == 0:  # fallback to price shares in eras C and D
                share = price_share
            if gate is not None and n:
                pre_gate = share
                out64, gate.bar64, gate.updated = _gated_bits(_u64f64(share), gate.stored64, gate.block, gate.rank,
                                                              gate.q64, gate.h64)
                share = _to_float(out64, 64)
        if rule != "ema_price" and not enabled.all():
            share = normalise(np.where(enabled, share, 0.0))
        te = E * share
        te_int = np.floor(te).astype(np.int64)
        ae = _alpha_emission_vec(issuance)
        aef = ae.astype(np.float64)
        has_price = p > 0
        raw_alpha = te / np.where(has_price, p, 1.0)
        inj = e.injection_rule
        subsidized = np.zeros(n, dtype=bool)
        if inj == "tao_full_alpha_capped":
            alpha_in = np.minimum(np.where(has_price, raw_alpha, aef), aef)
            tao_in = te
            excess = np.zeros(n)
        elif inj == "subsidy":
            subsidized = p < share
            tao_in = np.where(subsidized, p * E, te)
            alpha_in = np.where(subsidized, float(E) if e.at_least("v3.2.8") else aef,
                                np.where(has_price, raw_alpha, aef))
            excess = np.maximum(te - tao_in, 0.0)
        else:
            if inj == "cap_alpha_emission":
                cap = aef
            elif inj == "cap_min_alpha_emission_e":
                cap = np.minimum(aef, float(E))
            else:
                cap = rp_cap * aef
            alpha_raw = np.where(has_price, raw_alpha, 0.0)
            capped = alpha_raw > cap
            alpha_in = np.where(capped, cap, alpha_raw)
            tao_in = np.where(capped, cap * p, te)
            excess = np.maximum(te - tao_in, 0.0)
        tao_in_i = np.minimum(np.floor(tao_in).astype(np.int64), te_int)
        excess_i = np.minimum(np.floor(excess).astype(np.int64), te_int - tao_in_i)
        alpha_in_i = np.floor(alpha_in).astype(np.int64)
        post = issuance.astype(np.float64) + alpha_in_i + ae
        denom2 = weighted_root + post
        rp_split = np.where(denom2 > 0, weighted_root / np.where(denom2 > 0, denom2, 1.0), 0.0)
        rp_split = np.ldexp(np.floor(np.ldexp(rp_split, 32)), -32)
    oc_enabled = st.owner_cut_enabled if e.owner_cut_toggle else np.ones(n, bool)
    cut = np.where(oc_enabled, aef * float(_grid32(st.owner_cut)), 0.0)
    rest = aef - cut
    root_alpha = rp_split * rest * 0.5
    server = rest * 0.5
    validator = rest - server - root_alpha
    paid_root, unpaid_root = root_alpha, np.zeros(n)
    sell = bool(ema.sum() > 1.0)
    if e.root_sell_flag and not sell:
        paid_root = np.zeros(n)
        if e.root_alpha_without_sell_flag == "left_to_validators":
            validator = rest - server
        else:
            unpaid_root = root_alpha
    elif e.injection_rule == "subsidy":
        paid_root = np.where(subsidized, 0.0, root_alpha)
        unpaid_root = np.where(subsidized, root_alpha, 0.0)
    ints = [np.floor(np.maximum(x, 0.0)).astype(np.int64) for x in (cut, server, validator, paid_root, unpaid_root)]
    dust = ae - sum(ints)
    ints[2] = ints[2] + np.minimum(dust, 0)  # float rounding can never assign more than α_out
    dust = np.maximum(dust, 0)
    return {
        "share": share, "tao_emission": te_int, "tao_in": tao_in_i, "alpha_in": alpha_in_i, "excess": excess_i,
        "ae": ae, "parts": (*ints, dust), "rp_cap": rp_cap, "rp_split": rp_split, "sell": sell,
        "subsidized": np.asarray(subsidized, dtype=bool), "pre_gate": pre_gate,
    }
