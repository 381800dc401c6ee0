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
``min(a, E)`` with ``E = 2^−k`` TAO (``k`` TAO halvings) from v3.3.1, ``root_prop · a`` from v3.4.6.
Under the v3.3.1 cap the per-block ratio is ``2^(k−n)`` while the TAO side has halved more often
(``k ≥ n``), which is the "ADR tracks 2^(k−n)" of the synchronized-halving research.
:func:`adr_time_series` integrates those flows exactly (integer rao, piecewise-constant segments).

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
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._validate import check_array, check_fraction, check_int
from .emission import block_emission, halving_threshold_rao, halvings_so_far
from .params import BLOCKS_PER_DAY, TOTAL_SUPPLY_RAO, Era
from .params import era as _resolve_era

__all__ = [
    "adr",
    "adr_time_series",
    "effective_adr",
    "haircut",
    "halving_adr",
    "liquidation_price",
    "liquidation_price_head",
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
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise ValueError(f"shapes do not broadcast: {shapes}") from None


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
def _injection(a: int, e: int, rule: str, root_prop: float | None) -> int:
    """Alpha injected into the pool per block when the cap binds (spec §3.4)."""
    if rule == "cap_min_alpha_emission_e":
        return min(a, e)
    if rule == "cap_root_prop":
        assert root_prop is not None
        return int(a * root_prop)
    return a  # v2.0.0 – v3.3.0: α_in capped at the subnet's alpha emission


def adr_time_series(
    n_blocks: int,
    *,
    step_blocks: int = BLOCKS_PER_DAY,
    start_block: int = 0,
    tao_issuance_rao: int = 0,
    alpha_in_rao: int = 0,
    alpha_out_rao: int = 0,
    recycle_rate: float = 0.0,
    era: str | Era = "v3.3.1",
    root_prop: float | None = None,
    total_supply_rao: int = TOTAL_SUPPLY_RAO,
) -> pd.DataFrame:
    """α_in, α_out and ADR of one subnet while the injection cap binds, sampled every ``step_blocks``.

    Model (spec §1, §3.4, §7): each block the chain emits ``E = block_emission(I)`` TAO (``I`` = TAO
    issuance, of which ``recycle_rate`` is recycled) and the subnet mints ``a = block_emission(A)``
    alpha to participants (``A = α_in + α_out``, its alpha issuance). With Σ prices ≤ 1 the injection
    hits its cap every block, so the pool receives ``α_in = a`` (up to v3.3.0), ``min(a, E)``
    (v3.3.1–v3.4.5, the default era here) or ``floor(root_prop · a)`` (v3.4.6+, pass ``root_prop``).
    Swaps, chain buys and registrations are not modelled: the stocks move by emission only.

    Columns: ``block``, ``tao_issuance_rao``, ``tao_halvings`` (k), ``tao_emission_rao`` (E),
    ``alpha_issuance_rao``, ``alpha_halvings`` (n), ``alpha_out_per_block_rao`` (a),
    ``alpha_in_per_block_rao``, ``flow_adr`` (a / α_in per block), ``alpha_in_rao`` and ``alpha_out_rao``
    (stocks), ``stock_adr`` (α_out / α_in stocks; NaN while α_in = 0).

    Examples
    --------
    >>> df = adr_time_series(3 * 7200, tao_issuance_rao=10_500_000 * 10**9)   # just after the 1st halving
    >>> df[["tao_halvings", "alpha_halvings", "flow_adr"]].iloc[-1].tolist()
    [1.0, 0.0, 2.0]
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
    rule = _resolve_era(era).injection_rule
    if rule == "none":
        raise ValueError("era must be a dTAO release (v2.0.0 or later): pre-dTAO subnets have no alpha")
    if rule == "cap_root_prop":
        if root_prop is None:
            raise ValueError("root_prop must be given (a fraction in [0, 1]) for eras v3.4.6 and later")
        root_prop = check_fraction("root_prop", root_prop)

    def _k(x: int) -> int:
        h = halvings_so_far(x, total_supply_rao=supply)
        return -1 if h is None else h

    rows: list[tuple[Any, ...]] = []

    def _record() -> None:
        e = block_emission(issuance, total_supply_rao=supply)
        a = block_emission(a_in + a_out, total_supply_rao=supply)
        inj = _injection(a, e, rule, root_prop)
        rows.append((
            block, issuance, _k(issuance), e, a_in + a_out, _k(a_in + a_out), a, inj,
            a / inj if inj else np.nan, a_in, a_out, a_out / a_in if a_in else np.nan,
        ))

    _record()
    done = 0
    while done < n:
        left = min(step, n - done)
        while left > 0:
            e = block_emission(issuance, total_supply_rao=supply)
            a = block_emission(a_in + a_out, total_supply_rao=supply)
            inj = _injection(a, e, rule, root_prop)
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
        "stock_adr",
    ]
    df = pd.DataFrame.from_records(rows, columns=cols)
    for c in cols:
        if c not in ("flow_adr", "stock_adr"):
            df[c] = df[c].astype(object) if df[c].map(lambda x: x >= 2**63).any() else df[c].astype(np.int64)
    return df
