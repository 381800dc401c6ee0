"""ALPHA Distribution Ratio (ADR), liquidation price and haircut (spec §7).

ADR compares the alpha held by participants (``α_out``, outstanding) with the alpha in the pool
(``α_in``, the AMM reserve)::

    ADR  = α_out / α_in
    P    = τ_pool / α_in                 spot price (constant-product / equal-weight pool)
    P_L  = τ_pool / α_out = P / ADR      liquidation price: what holders get per alpha if the subnet is
                                         dissolved and the pool TAO is shared pro rata (§6.4)
    h    = 1 − 1/ADR = 1 − P_L / P       haircut relative to spot

**Caveat at HEAD.** The dissolution denominator (§6.4) also contains the chain-bought protocol alpha
(``SubnetProtocolAlpha``, kept since v3.4.1) and, for subnets registered after June 2026, the pool's
own ``α_in``. Then ``P_L = τ_pool / (user α + protocol α [+ α_in])``; :func:`liquidation_price_head`
and :func:`effective_adr` compute that variant (``effective_adr = P / P_L``, so :func:`haircut`
applies to it unchanged).

**ADR over time.** The chain has no ADR variable; it is a derived quantity. When the injection cap
binds (Σ prices ≤ 1, spec §3.4), each block a subnet mints ``α_out = a = 2^−n`` alpha to participants
(``n`` = its own alpha halvings) and injects ``α_in`` into the pool: ``a`` until v3.3.0,
``min(a, E)`` with ``E = 2^−k`` TAO (``k`` TAO halvings) from v3.3.1, ``root_prop · a`` from v3.4.6
(HEAD, the default). Under the v3.3.1 cap the per-block ratio is ``2^(k−n)`` while the TAO side has
halved more often (``k ≥ n``), which is the "ADR tracks 2^(k−n)" of the synchronized-halving
research; at HEAD it is ``1/root_prop``, which grows with the subnet's own alpha issuance.
:func:`adr_time_series` integrates those flows (integer rao, piecewise-constant segments), and
:func:`subnet_life` follows a whole subnet (pool, price, chain buys, user flows) day by day.

Every function here is vectorised: scalars in → a float out; arrays in → an array out.

Functions
---------
adr, liquidation_price, haircut
    The three definitions above.
effective_adr, liquidation_price_head
    The HEAD variant with protocol alpha (and ``α_in``) in the denominator.
halving_adr
    ``2^(k−n)``.
adr_time_series
    Per-block α_in / α_out and ADR (flow and stock) under the injection cap, sampled every N blocks.
subnet_life
    A subnet's pool, price, ADR and liquidation price day by day, with chain buys and user flows.
gated_projection
    A subnet at a fixed (gated) share of emission at HEAD: pool, ADR and dissolution haircut day by day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._validate import check_array, check_fraction, check_int, check_real
from .emission import block_emission, halving_threshold_rao, halvings_so_far
from .params import BLOCKS_PER_DAY, SWAP_FEE_U16, TAO_WEIGHT, TOTAL_SUPPLY_RAO, U16_MAX, Era
from .params import era as _resolve_era

__all__ = [
    "DEFAULT_ROOT_TAO_RAO",
    "adr",
    "adr_time_series",
    "effective_adr",
    "gated_projection",
    "haircut",
    "halving_adr",
    "liquidation_price",
    "liquidation_price_head",
    "subnet_life",
]

Number = float | int | np.ndarray


def _arr(name: str, value: Any, *, lo: float | None = 0.0, lo_open: bool = False) -> np.ndarray:
    return check_array(name, value, ndim=None, lo=lo, lo_open=lo_open)


def _out(result: np.ndarray, *inputs: Any) -> float | np.ndarray:
    """Return a Python float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(result)
    return result


def _broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Arrays of one common shape; scalars are repeated, but arrays of different shapes are refused
    (a (3,) and a (2, 1) array would otherwise silently give a 2×3 result)."""
    shapes = {v.shape for v in arrays.values() if v.ndim > 0}
    if len(shapes) > 1:
        listed = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must have the same shape (or be scalars), got {listed}")
    return list(np.broadcast_arrays(*arrays.values()))


def adr(alpha_out: Number, alpha_in: Number) -> float | np.ndarray:
    """ALPHA Distribution Ratio ``α_out / α_in`` (spec §7).

    Parameters
    ----------
    alpha_out
        Alpha held by participants (``SubnetAlphaOut``), ≥ 0.
    alpha_in
        Alpha in the pool (``SubnetAlphaIn``), > 0.

    Examples
    --------
    >>> adr(3e6, 1e6)
    3.0
    >>> adr([1, 2, 4], 2)
    array([0.5, 1. , 2. ])
    """
    out_ = _arr("alpha_out", alpha_out)
    in_ = _arr("alpha_in", alpha_in, lo_open=True)
    a, b = _broadcast(alpha_out=out_, alpha_in=in_)
    return _out(a / b, alpha_out, alpha_in)


def liquidation_price(tao_reserve: Number, alpha_outstanding: Number) -> float | np.ndarray:
    """Liquidation price ``P_L = τ_pool / α_outstanding`` in TAO per alpha (spec §7, §6.4).

    Equal to ``P / ADR`` for a pool priced ``P = τ_pool / α_in``. Ignores protocol alpha; see
    :func:`liquidation_price_head` for the HEAD denominator.

    Examples
    --------
    >>> liquidation_price(1_000.0, 4_000.0)
    0.25
    """
    tao = _arr("tao_reserve", tao_reserve)
    out_ = _arr("alpha_outstanding", alpha_outstanding, lo_open=True)
    a, b = _broadcast(tao_reserve=tao, alpha_outstanding=out_)
    return _out(a / b, tao_reserve, alpha_outstanding)


def haircut(adr: Number) -> float | np.ndarray:
    """Haircut ``h = 1 − 1/ADR`` of the liquidation price against spot (spec §7).

    Positive when participants hold more alpha than the pool (ADR > 1); negative when ADR < 1
    (liquidation would pay more than spot).

    Examples
    --------
    >>> haircut(4.0)
    0.75
    """
    x = _arr("adr", adr, lo_open=True)
    return _out(1.0 - 1.0 / x, adr)


def effective_adr(
    user_alpha: Number,
    alpha_in: Number,
    *,
    protocol_alpha: Number = 0.0,
    include_alpha_in: bool = False,
) -> float | np.ndarray:
    """ADR as the HEAD dissolution rule sees it: ``P / P_L`` (spec §7 caveat, §6.4).

    .. math:: \\mathrm{ADR}_{\\text{eff}} = \\frac{\\alpha_{\\text{user}} + \\alpha_{\\text{protocol}}
              [+\\, \\alpha_{\\text{in}}]}{\\alpha_{\\text{in}}}

    so ``haircut(effective_adr(...))`` is the haircut a staker actually takes. With
    ``include_alpha_in`` (subnets registered after June 2026) it is always ≥ 1.
    """
    user = _arr("user_alpha", user_alpha)
    pool = _arr("alpha_in", alpha_in, lo_open=True)
    prot = _arr("protocol_alpha", protocol_alpha)
    if not isinstance(include_alpha_in, (bool, np.bool_)):
        raise TypeError(f"include_alpha_in must be a bool, got {type(include_alpha_in).__name__}")
    u, p, q = _broadcast(user_alpha=user, alpha_in=pool, protocol_alpha=prot)
    denom = u + q + (p if include_alpha_in else 0.0)
    return _out(denom / p, user_alpha, alpha_in, protocol_alpha)


def liquidation_price_head(
    tao_reserve: Number,
    user_alpha: Number,
    *,
    protocol_alpha: Number = 0.0,
    alpha_in: Number = 0.0,
    include_alpha_in: bool = False,
) -> float | np.ndarray:
    """Liquidation price with the HEAD denominator ``τ_pool / (user α + protocol α [+ α_in])`` (spec §7).

    Raises ``ValueError`` if the denominator is 0 (nobody to pay).

    Examples
    --------
    >>> liquidation_price_head(200.0, 50.0, protocol_alpha=50.0)          # DS-03: 100 of 200 to the user
    2.0
    >>> liquidation_price_head(200.0, 50.0, protocol_alpha=50.0, alpha_in=100.0, include_alpha_in=True)
    1.0
    """
    tao = _arr("tao_reserve", tao_reserve)
    user = _arr("user_alpha", user_alpha)
    prot = _arr("protocol_alpha", protocol_alpha)
    pool = _arr("alpha_in", alpha_in)
    if not isinstance(include_alpha_in, (bool, np.bool_)):
        raise TypeError(f"include_alpha_in must be a bool, got {type(include_alpha_in).__name__}")
    t, u, q, p = _broadcast(tao_reserve=tao, user_alpha=user, protocol_alpha=prot, alpha_in=pool)
    denom = u + q + (p if include_alpha_in else 0.0)
    if np.any(denom <= 0):
        raise ValueError("user_alpha + protocol_alpha (+ alpha_in) must be > 0")
    return _out(t / denom, tao_reserve, user_alpha, protocol_alpha, alpha_in)


def halving_adr(tao_halvings: Number, alpha_halvings: Number) -> float | np.ndarray:
    """``2^(k − n)``: per-block ADR when ``α_in = 2^−k`` and ``α_out = 2^−n`` (spec §7).

    Examples
    --------
    >>> halving_adr(1, 0), halving_adr([0, 1, 2], [0, 0, 1])
    (2.0, array([1., 2., 2.]))
    """
    k = _arr("tao_halvings", tao_halvings)
    n = _arr("alpha_halvings", alpha_halvings)
    a, b = _broadcast(tao_halvings=k, alpha_halvings=n)
    return _out(np.exp2(a - b), tao_halvings, alpha_halvings)


# ---------------------------------------------------------------------------------------------
# Time series
# ---------------------------------------------------------------------------------------------
DEFAULT_ROOT_TAO_RAO: int = 5_025_713_524_000_000
"""TAO staked on root (``SubnetTAO[0]``) on 2026-04-11: 5 025 713.524 TAO, the netuid-0 ``tau_in`` of
the shipped snapshot (``data/subnets_2026-04-11``; ``tests/test_adr.py`` checks the two agree). It is
the default ``T_root`` for the HEAD injection cap ``root_prop · α_emission`` with
``root_prop = γ·T_root / (γ·T_root + alpha_issuance)`` (spec §3.4). Root stake moves every day; pass
your own value for another date."""


def _cap(a: int, e: int, rule: str, rp_bits: int | None) -> int:
    """Alpha injected into the pool per block when the cap binds (spec §3.4), truncated to a rao."""
    if rule == "cap_min_alpha_emission_e":
        return min(a, e)
    if rule == "cap_root_prop":
        assert rp_bits is not None
        return (a * rp_bits) >> 32  # U96F32 root_prop · α_emission, then to u64 rao
    if rule == "subsidy":
        return e  # v3.2.3–v3.2.11: a subsidised subnet receives α_in = E
    return a  # v2.0.0–v3.3.0: α_in capped at the subnet's alpha emission


def _root_prop_bits(tw_bits: int, root_tao: int, issuance: int) -> int:
    """``γ·T / (γ·T + I)`` in U96F32 bits, as :func:`dtao_lib.coinbase.root_proportion` computes it."""
    weighted = root_tao * tw_bits
    den = weighted + (issuance << 32)
    return (weighted << 32) // den if den else 0


def adr_time_series(
    n_blocks: int,
    *,
    step_blocks: int = BLOCKS_PER_DAY,
    start_block: int = 0,
    tao_issuance_rao: int = 0,
    alpha_in_rao: int = 0,
    alpha_out_rao: int = 0,
    recycle_rate: float = 0.0,
    era: str | Era = "head",
    root_prop: float | None = None,
    root_tao_rao: int = DEFAULT_ROOT_TAO_RAO,
    tao_weight: float = TAO_WEIGHT,
    root_prop_tolerance: float = 1e-3,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
) -> pd.DataFrame:
    """α_in, α_out and ADR of one subnet while the injection cap binds, sampled every ``step_blocks``.

    Model (spec §1, §3.4, §7): each block the chain emits ``E = block_emission(I)`` TAO (``I`` = TAO
    issuance, of which ``recycle_rate`` is recycled) and the subnet mints ``a = block_emission(A)``
    alpha to participants (``A = α_in + α_out``, its alpha issuance). With Σ prices ≤ 1 the injection
    hits its cap every block, so the pool receives

    * ``α_in = a`` (v2.0.0 – v3.3.0; in the v3.2.3 – v3.2.11 subsidy still ``a`` up to v3.2.7, ``E``
      from v3.2.8),
    * ``α_in = min(a, E)`` (v3.3.1 – v3.4.5, December 2025 – June 2026),
    * ``α_in = root_prop · a`` (v3.4.6 – HEAD, the default), with
      ``root_prop = γ·T_root / (γ·T_root + A)`` in U96F32 (:func:`dtao_lib.coinbase.root_proportion`).

    Swaps, chain buys and registrations are not modelled: the stocks move by emission only.

    At HEAD, pass ``root_prop`` to hold it fixed (then the series is exact to the rao), or leave it
    ``None`` to let it fall as the subnet's alpha issuance grows, from ``root_tao_rao`` (default
    :data:`DEFAULT_ROOT_TAO_RAO`, the root stake on 2026-04-11) and ``tao_weight`` (γ = 0.18). The
    chain recomputes ``root_prop`` every block; here it is recomputed exactly whenever it could have
    moved by more than ``root_prop_tolerance`` (1e-3 by default), so a whole life takes at most
    about ``1/root_prop_tolerance`` steps and each block's ``α_in`` is within
    ``root_prop_tolerance · a`` of the chain's.

    Columns: ``block``, ``tao_issuance_rao``, ``tao_halvings`` (k), ``tao_emission_rao`` (E),
    ``alpha_issuance_rao``, ``alpha_halvings`` (n), ``alpha_out_per_block_rao`` (a),
    ``alpha_in_per_block_rao``, ``flow_adr`` (a / α_in per block), ``alpha_in_rao`` and ``alpha_out_rao``
    (stocks), ``stock_adr`` (α_out / α_in stocks; NaN while α_in = 0), ``root_prop`` (NaN before v3.4.6).

    Examples
    --------
    Just after the first TAO halving, under the v3.3.1 cap ``min(a, E)``: ``k = 1``, ``n = 0``, ADR 2.

    >>> df = adr_time_series(3 * 7200, tao_issuance_rao=10_500_000 * 10**9, era="v3.3.1")
    >>> df[["tao_halvings", "alpha_halvings", "flow_adr"]].iloc[-1].tolist()
    [1.0, 0.0, 2.0]

    At HEAD with root_prop = 0.25 the pool gets a quarter of the alpha emission: ADR 4.

    >>> float(adr_time_series(7200, root_prop=0.25)["flow_adr"].iloc[-1])
    4.0
    """
    n = check_int("n_blocks", n_blocks, lo=0, hi=10**9)
    step = check_int("step_blocks", step_blocks, lo=1, hi=10**9)
    if n // step > 1_000_000:
        raise ValueError(f"n_blocks / step_blocks must be at most 1 000 000 samples, got {n // step}")
    block = check_int("start_block", start_block)
    issuance = check_int("tao_issuance_rao", tao_issuance_rao)
    a_in = check_int("alpha_in_rao", alpha_in_rao)
    a_out = check_int("alpha_out_rao", alpha_out_rao)
    supply = check_int("total_supply_rao", total_supply_rao, lo=1)
    rate = check_fraction("recycle_rate", recycle_rate)
    root_tao = check_int("root_tao_rao", root_tao_rao)
    gamma = check_fraction("tao_weight", tao_weight)
    tol = check_real("root_prop_tolerance", root_prop_tolerance, lo=1e-9, hi=1.0)
    rule = _resolve_era(era).injection_rule
    if rule == "none":
        raise ValueError("era must be a dTAO release (v2.0.0 or later): pre-dTAO subnets have no alpha")
    fixed_rp: int | None = None
    tw_bits = round(gamma * (1 << 32))
    if rule == "cap_root_prop" and root_prop is not None:
        fixed_rp = round(check_fraction("root_prop", root_prop) * (1 << 32))

    def _k(x: int) -> int:
        h = halvings_so_far(x, total_supply_rao=supply)
        return -1 if h is None else h

    def _rp(alpha_issuance: int) -> int | None:
        if rule != "cap_root_prop":
            return None
        return fixed_rp if fixed_rp is not None else _root_prop_bits(tw_bits, root_tao, alpha_issuance)

    rows: list[tuple[Any, ...]] = []

    def _record() -> None:
        e = block_emission(issuance, total_supply_rao=supply)
        a = block_emission(a_in + a_out, total_supply_rao=supply)
        rp = _rp(a_in + a_out)
        inj = _cap(a, e, rule, rp)
        rows.append((
            block, issuance, _k(issuance), e, a_in + a_out, _k(a_in + a_out), a, inj,
            a / inj if inj else np.nan, a_in, a_out, a_out / a_in if a_in else np.nan,
            np.nan if rp is None else rp / (1 << 32),
        ))

    # ΔA that moves root_prop by tol: |d rp / dA| = c / (c + A)^2 with c = γ·T (both in rao)
    c_rao = (root_tao * tw_bits) >> 32
    _record()
    done = 0
    while done < n:
        left = min(step, n - done)
        while left > 0:
            e = block_emission(issuance, total_supply_rao=supply)
            a = block_emission(a_in + a_out, total_supply_rao=supply)
            rp = _rp(a_in + a_out)
            inj = _cap(a, e, rule, rp)
            g_tao = e - int(e * rate)
            g_alpha = a + inj
            todo = left
            if g_tao > 0:
                kt = halvings_so_far(issuance, total_supply_rao=supply)
                if kt is not None:
                    target = halving_threshold_rao(kt + 1, total_supply_rao=supply)
                    todo = min(todo, -(-(target - issuance) // g_tao))
            if g_alpha > 0:
                ka = halvings_so_far(a_in + a_out, total_supply_rao=supply)
                if ka is not None:
                    target = halving_threshold_rao(ka + 1, total_supply_rao=supply)
                    todo = min(todo, -(-(target - a_in - a_out) // g_alpha))
                if rule == "cap_root_prop" and fixed_rp is None and c_rao > 0:
                    width = c_rao + a_in + a_out
                    todo = min(todo, int(tol * width * width / c_rao) // g_alpha)
            todo = max(todo, 1)
            issuance += todo * g_tao
            a_in += todo * inj
            a_out += todo * a
            left -= todo
            block += todo
            done += todo
        _record()
    cols = [
        "block", "tao_issuance_rao", "tao_halvings", "tao_emission_rao", "alpha_issuance_rao", "alpha_halvings",
        "alpha_out_per_block_rao", "alpha_in_per_block_rao", "flow_adr", "alpha_in_rao", "alpha_out_rao",
        "stock_adr", "root_prop",
    ]
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in cols:
        if c not in ("flow_adr", "stock_adr", "root_prop"):
            df[c] = df[c].astype(object) if df[c].map(lambda x: x >= 2**63).any() else df[c].astype(np.int64)
    return df


# ---------------------------------------------------------------------------------------------
# A subnet's life, day by day
# ---------------------------------------------------------------------------------------------
def _net(amount: float, fee_u16: int) -> float:
    """Input left after the swap fee ``floor(amount · fee/65535)`` (spec §4.2–§4.3), in float rao."""
    return amount - np.floor(amount * fee_u16 / U16_MAX)


def _cp_alpha_out(reserve_in: float, reserve_out: float, amount: float, fee_u16: int) -> float:
    """Output of an equal-weight Balancer (constant-product) swap: ``out = R_out · Δ / (R_in + Δ)``, with
    ``Δ`` the input net of the fee, floored to a rao: :func:`dtao_lib.amm.balancer_buy_array` with
    ``quote_weight = ½`` (spec §4.3), inlined for speed (``tests/test_adr.py`` checks they agree)."""
    dx = _net(amount, fee_u16)
    return float(np.floor(reserve_out * dx / (reserve_in + dx)))


def subnet_life(
    days: int,
    *,
    tao_reserve_rao: int,
    alpha_in_rao: int,
    alpha_out_rao: int = 0,
    protocol_alpha_rao: int = 0,
    tao_share: float = 0.01,
    net_flow_tao_per_day: float = 0.0,
    tao_issuance_rao: int | None = None,
    era: str | Era = "head",
    root_tao_rao: int = DEFAULT_ROOT_TAO_RAO,
    tao_weight: float = TAO_WEIGHT,
    step_days: int = 1,
) -> pd.DataFrame:
    """Pool, price, ADR and liquidation price of one subnet over ``days`` days (spec §3.4, §4.3, §6.4, §7).

    Every step of ``step_days`` days applies, ``step_days × 7 200`` times, the per-block coinbase
    terms computed once at the start of the step by :func:`dtao_lib.coinbase.subnet_terms` (exact,
    with the era's injection cap): the step's injection goes into the reserves first, then the step's
    chain buy and the users' net flow run as one swap each on an equal-weight pool (the formulas of
    :func:`dtao_lib.amm.balancer_buy_array` and :func:`~dtao_lib.amm.balancer_sell_array` with
    ``w = ½``; an equal-weight Balancer pool is a constant-product pool, and injections at the pool
    price leave its weights at ½). Injecting before the buy is the chain's order in the Uniswap-v3 eras
    (v3.2.12 – v3.4.7) only; the subsidy era (v3.2.3 – v3.2.11), the Balancer eras (v3.3.10, v3.4.8 –
    spec 434: weights first, buy on the pre-injection reserves) and HEAD (spec 435+) buy before the
    injection reaches the reserves (per-era table in :func:`dtao_lib.coinbase.block`; run block by
    block in that order by :mod:`dtao_lib.sim`). At this step resolution the difference is of the order
    of the step's injection relative to the pool::

        E      = block_emission(TAO issuance)          τ = floor(E · tao_share)     (rao per block)
        a      = block_emission(alpha issuance)        minted to participants: α_out += a
        p      = τ_pool / α_in                          spot price
        τ_in, α_in, excess = subnet_terms(τ, p, cap)    cap: a · root_prop (HEAD), min(a, E) (v3.3.1) ...
        chain buy: excess TAO buys alpha from the pool, fee-free; the alpha is recycled (v3.2.3 –
                   v3.4.0) or kept as protocol alpha (v3.4.1 – HEAD)
        users:     +F TAO/day buy alpha into α_out; −F TAO/day sell alpha from α_out for F TAO

    Parameters
    ----------
    days
        Length of the run (1 … 36 500).
    tao_reserve_rao, alpha_in_rao
        The pool at the start (rao, > 0). A subnet registered at HEAD starts with its lock ``L`` and
        ``L / median price`` alpha (:func:`dtao_lib.registration.new_subnet_pool`).
    alpha_out_rao, protocol_alpha_rao
        Alpha held by participants and chain-bought protocol alpha at the start (rao, ≥ 0).
    tao_share
        The subnet's share of the TAO block emission, in [0, 1] (0 for a subnet whose TAO emission is
        disabled, as for new subnets since v3.4.7).
    net_flow_tao_per_day
        Users' net staking per day in TAO: positive buys alpha, negative sells alpha for that much
        TAO (at most all of ``α_out``; a sale never takes more than 90 % of the pool's TAO in a step).
    tao_issuance_rao
        TAO issuance at the start (default: the first halving threshold, 10.5 M TAO, so E = 0.5 TAO).
        Issuance grows by the block emission (nothing recycled), so later halvings happen on time.
    era
        Protocol release for the injection cap and the fate of chain-bought alpha (default HEAD).
    root_tao_rao, tao_weight
        ``T_root`` and γ for ``root_prop = γ·T_root / (γ·T_root + alpha issuance)`` (HEAD cap).
    step_days
        Days per step (1 … 365). Longer steps are faster and coarser.

    Returns
    -------
    pandas.DataFrame
        One row per step (and the start): ``day``, ``tao_reserve_tao``, ``alpha_in``, ``alpha_out``,
        ``protocol_alpha`` (alpha units), ``price`` (TAO per alpha), ``adr``, ``liquidation_price``
        (``τ_pool / α_out``), ``haircut``, ``adr_head`` and ``liquidation_price_head`` (protocol alpha
        in the denominator, :func:`effective_adr`), ``alpha_in_per_block``, ``alpha_out_per_block``,
        ``chain_buy_tao_per_day``, ``root_prop`` (NaN before v3.4.6). Ratios are NaN where undefined
        (``α_out = 0``).

    Notes
    -----
    A model, not a replay: shares, flows and root stake are held constant, swaps within a step are
    aggregated into one, and alpha issuance counts ``α_in + α_out + protocol alpha``.

    Examples
    --------
    With no TAO emission and no trading the pool never grows, and participants receive one alpha per
    block, so ADR climbs by 7 200 / α_in a day:

    >>> df = subnet_life(10, tao_reserve_rao=1_000 * 10**9, alpha_in_rao=100_000 * 10**9, tao_share=0.0)
    >>> round(float(df["adr"].iloc[-1]), 2)
    0.72
    """
    from . import coinbase  # local import: coinbase is a heavier module

    n_days = check_int("days", days, lo=1, hi=36_500)
    step = check_int("step_days", step_days, lo=1, hi=365)
    tao = float(check_int("tao_reserve_rao", tao_reserve_rao, lo=1))
    a_in = float(check_int("alpha_in_rao", alpha_in_rao, lo=1))
    a_out = float(check_int("alpha_out_rao", alpha_out_rao))
    prot = float(check_int("protocol_alpha_rao", protocol_alpha_rao))
    share = check_fraction("tao_share", tao_share)
    flow = check_real("net_flow_tao_per_day", net_flow_tao_per_day, lo=-1e9, hi=1e9) * 1e9
    issuance = check_int("tao_issuance_rao", halving_threshold_rao(1) if tao_issuance_rao is None else tao_issuance_rao)
    root_tao = check_int("root_tao_rao", root_tao_rao)
    gamma = check_fraction("tao_weight", tao_weight)
    e = _resolve_era(era)
    if not e.dtao:
        raise ValueError("era must be a dTAO release (v2.0.0 or later): pre-dTAO subnets have no pool")
    uses_rp = e.injection_rule == "cap_root_prop"
    tw_bits = round(gamma * (1 << 32))  # γ on the U96F32 grid, as coinbase.root_proportion rounds it

    rows: list[tuple[float, ...]] = []

    def _record(day: int, a_in_blk: float, a_blk: float, buy_per_day: float, rp: float) -> None:
        price = tao / a_in
        ratio = a_out / a_in
        lp = tao / a_out if a_out > 0 else np.nan
        lp_head = tao / (a_out + prot) if a_out + prot > 0 else np.nan
        rows.append((
            day, tao / 1e9, a_in / 1e9, a_out / 1e9, prot / 1e9, price, ratio, lp,
            1.0 - 1.0 / ratio if ratio > 0 else np.nan, (a_out + prot) / a_in, lp_head,
            a_in_blk / 1e9, a_blk / 1e9, buy_per_day / 1e9, rp,
        ))

    def _terms() -> tuple[int, int, int, int, float]:
        big_e = block_emission(issuance)
        a = block_emission(int(a_in + a_out + prot))
        rp = _root_prop_bits(tw_bits, root_tao, int(a_in + a_out + prot)) / (1 << 32) if uses_rp else np.nan
        t = coinbase.subnet_terms(
            int(big_e * share), tao / a_in, era=e, block_emission_rao=big_e, alpha_emission_rao=a,
            root_proportion=rp if uses_rp else None, share=share,
        )
        return t.tao_in, t.alpha_in, t.excess_tao, a, rp

    _, ain0, _, a0, rp0 = _terms()
    _record(0, ain0, a0, 0.0, rp0)
    day = 0
    while day < n_days:
        d = min(step, n_days - day)
        blocks = d * BLOCKS_PER_DAY
        tin, ain, excess, a, rp = _terms()
        tao += blocks * tin
        a_in += blocks * ain
        a_out += blocks * a
        buy = float(blocks * excess)
        if buy > 0:  # chain buy: fee-free swap of the excess TAO for pool alpha
            bought = _cp_alpha_out(tao, a_in, buy, 0)
            tao, a_in = tao + buy, a_in - bought
            if e.chain_buy_alpha == "protocol":
                prot += bought
        if flow > 0:
            got = _cp_alpha_out(tao, a_in, flow * d, SWAP_FEE_U16)
            tao, a_in, a_out = tao + _net(flow * d, SWAP_FEE_U16), a_in - got, a_out + got
        elif flow < 0 and a_out > 0:
            want = min(-flow * d, 0.9 * tao)
            need = a_in * want / (tao - want) / (1.0 - SWAP_FEE_U16 / U16_MAX)
            sell = min(need, a_out)
            paid = _cp_alpha_out(a_in, tao, sell, SWAP_FEE_U16)  # same formula with the roles swapped
            tao, a_in, a_out = tao - paid, a_in + _net(sell, SWAP_FEE_U16), a_out - sell
        issuance += blocks * block_emission(issuance)  # no recycling; halvings at step resolution
        day += d
        _record(day, ain, a, buy / d, rp)
    cols = [
        "day", "tao_reserve_tao", "alpha_in", "alpha_out", "protocol_alpha", "price", "adr", "liquidation_price",
        "haircut", "adr_head", "liquidation_price_head", "alpha_in_per_block", "alpha_out_per_block",
        "chain_buy_tao_per_day", "root_prop",
    ]
    return pd.DataFrame.from_records(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# A subnet under the emission gate (addendum §A2, §A4; spec §3.4, §7)
# ---------------------------------------------------------------------------------------------
_ONE32 = 1 << 32
_GATED_COLUMNS = (
    "day", "tao_emission_rao", "tao_in_rao", "alpha_in_rao", "excess_rao", "alpha_out_rao", "pool_tao_rao",
    "pool_alpha_rao", "user_alpha_rao", "protocol_alpha_rao", "price", "adr", "liquidation_price", "haircut",
)


def _ratio(outstanding: int, pool_alpha: int) -> float:
    """ADR ``outstanding / pool α``: ``inf`` for an emptied pool with alpha outstanding, ``nan`` for 0/0."""
    if pool_alpha:
        return outstanding / pool_alpha
    return np.inf if outstanding else np.nan


def gated_projection(
    pool: Any,
    *,
    share: float,
    user_alpha_rao: int,
    days: int,
    protocol_alpha_rao: int = 0,
    block_emission_rao: int | None = None,
    root_tao_rao: int = DEFAULT_ROOT_TAO_RAO,
    tao_weight: float = TAO_WEIGHT,
    step_blocks: int = BLOCKS_PER_DAY,
) -> pd.DataFrame:
    """One subnet's pool, ADR and dissolution haircut, day by day, at a fixed emission share (HEAD rules).

    Model (spec §3.4, §7; addendum §A4, §H): the subnet keeps the share ``share`` of the block emission
    ``E`` (the gated share the rest of the network leaves it, held fixed), nobody stakes or unstakes,
    and each block

    * ``E_i = ⌊E·share⌋``, ``a = α_emission(A)`` (``A`` = pool + reservoir + outstanding alpha),
      ``r = root_prop(γ, T_root, A)`` and the terms of :func:`dtao_lib.coinbase.subnet_terms`
      (``α_in = min(E_i/p, r·a)``, ``τ_in = α_in·p``, excess);
    * the excess buys alpha fee-free from the pool (kept as protocol alpha);
    * ``τ_in, α_in`` enter through :func:`dtao_lib.amm.adjust_protocol_liquidity` (reservoirs);
    * ``α_out = a`` goes to participants (all of it is counted as outstanding user alpha).

    The per-block amounts are evaluated at the start of each step of ``step_blocks`` blocks and applied
    ``step_blocks`` times (the chain buy as one fee-free swap of the step's excess): exact per block while
    ``r`` and ``p`` do not move within a step. Below the gate's bar ``E_i`` is tiny, so ``α_in`` is far
    below ``r·a``: the pool takes little TAO and alpha while ``α_out`` keeps being minted, and ADR grows
    by about ``a/α_in`` per block.

    Parameters
    ----------
    pool
        The subnet's :class:`dtao_lib.amm.BalancerPool` at the start.
    share
        The subnet's share of ``E`` in [0, 1] (e.g. a gated share from :func:`dtao_lib.coinbase.gated_shares`).
    user_alpha_rao, protocol_alpha_rao
        Alpha held by participants and by the protocol (``SubnetProtocolAlpha``) at the start (rao).
    days
        Number of steps to run (1 to 3 650).
    block_emission_rao
        ``E`` (default 0.5 TAO, after the first halving; the next is years away).
    root_tao_rao, tao_weight
        ``T_root`` and γ for the root proportion (defaults: 2026-04-11 root stake, 0.18).
    step_blocks
        Blocks per step (default one day, 7 200).

    Returns
    -------
    pandas.DataFrame
        One row per step end (and the start, ``day`` 0): ``day`` (step end in days of 7 200 blocks),
        ``tao_emission_rao`` (``E_i`` per block),
        ``tao_in_rao``, ``alpha_in_rao``, ``excess_rao`` (per block), ``alpha_out_rao`` (per block),
        ``pool_tao_rao``, ``pool_alpha_rao``, ``user_alpha_rao``, ``protocol_alpha_rao``, ``price``,
        ``adr`` (``(user + protocol α)/pool α``, spec §7 with protocol alpha outstanding),
        ``liquidation_price`` (:func:`liquidation_price_head`) and ``haircut`` (``1 − P_L/P``).
        When a step's chain buy takes the pool's last alpha (a tiny pool at a large share: the step's
        buys are applied as one swap), the pool is the chain's "broken" zero-alpha state with price 0:
        ``adr`` is ``inf`` (``nan`` if nothing is outstanding) and ``haircut`` is ``nan``. The
        projection goes on in that state: at price 0 the terms give ``α_in = 0``, so only TAO enters.
        Use a smaller ``step_blocks`` to see whether per-block buys would drain the pool at all.
    """
    from dataclasses import replace as _replace

    from . import amm, coinbase

    if not isinstance(pool, amm.BalancerPool):
        raise TypeError(f"pool must be a dtao_lib.amm.BalancerPool (the HEAD pool), got {type(pool).__name__}")
    s = check_fraction("share", share)
    n = check_int("days", days, lo=1, hi=3_650)
    step = check_int("step_blocks", step_blocks, lo=1, hi=10 * BLOCKS_PER_DAY)
    user = check_int("user_alpha_rao", user_alpha_rao)
    prot = check_int("protocol_alpha_rao", protocol_alpha_rao)
    t_root = check_int("root_tao_rao", root_tao_rao)
    gamma = check_fraction("tao_weight", tao_weight)
    E = (block_emission(halving_threshold_rao(1)) if block_emission_rao is None
         else check_int("block_emission_rao", block_emission_rao, lo=0))
    e_i = int(E * s)
    te32 = e_i << 32
    tw_bits = round(gamma * (1 << 32))  # γ on the U96F32 grid, as coinbase.root_proportion rounds it
    tao_res = alpha_res = 0
    # The loop runs up to 3 650 steps inside a widget callback: the per-step terms are the scalar integer
    # arithmetic of the library's functions (named at each line), without their input checks and arrays;
    # tests/test_adr.py checks the result equals the straightforward composition of those functions.
    price = pool.price
    cols: dict[str, list[Any]] = {k: [] for k in _GATED_COLUMNS}

    def record(day: int, tao_in: int, alpha_in: int, excess: int, a: int) -> None:
        outstanding = user + prot
        # liquidation_price_head(τ, user, protocol_alpha=prot) = τ / (user + prot), in float64
        pl = pool.tao_reserve / (float(user) + float(prot)) if outstanding else np.nan
        for k, v in zip(_GATED_COLUMNS, (
                day * step / BLOCKS_PER_DAY, e_i, tao_in, alpha_in, excess, a, pool.tao_reserve, pool.alpha_reserve,
                user, prot, price, _ratio(outstanding, pool.alpha_reserve), pl,
                1.0 - pl / price if outstanding and price > 0 else np.nan), strict=True):
            cols[k].append(v)

    record(0, 0, 0, 0, 0)
    for day in range(1, n + 1):
        issuance = pool.alpha_reserve + alpha_res + user + prot
        a = coinbase.alpha_emission(issuance)
        # coinbase.subnet_terms(e_i, price, alpha_emission_rao=a, root_proportion=root_proportion(γ, T, I)),
        # HEAD rule in U96F32 bits: α_in = min(τ/p, root_prop·a), τ_in = α_in·p when capped, excess = τ − τ_in
        cap32 = _root_prop_bits(tw_bits, t_root, issuance) * a
        p32 = round(price * _ONE32)  # from_num(price): exact scaling, ties to even
        alpha32 = (te32 << 32) // p32 if p32 > 0 else 0
        if alpha32 > cap32:
            alpha32, tao32 = cap32, (cap32 * p32) >> 32
        else:
            tao32 = te32
        tao_in, alpha_in, excess = tao32 >> 32, alpha32 >> 32, max(te32 - tao32, 0) >> 32
        if excess > 0:  # the chain buys fee-free; the pool it leaves is checked as a new pool would be
            buy = amm._evolve(pool, fee_rate_u16=0).buy_alpha(excess * step)
            pool = _replace(buy.pool, fee_rate_u16=pool.fee_rate_u16)
            prot += buy.amount_out
        liq = amm.adjust_protocol_liquidity(pool, tao_in * step, alpha_in * step,
                                            tao_reservoir=tao_res, alpha_reservoir=alpha_res)
        pool, tao_res, alpha_res = liq.pool, liq.tao_reservoir, liq.alpha_reservoir
        price = pool.price
        user += a * step
        record(day, tao_in, alpha_in, excess, a)
    return pd.DataFrame(cols)
