"""Scalar float64 formulas of one subnet, written once and used three ways.

* :mod:`dtao_lib.sim.kernel_numba` compiles them with ``numba.njit`` for the block loop;
* :mod:`dtao_lib.sim.events` calls them as plain Python for the rare events (pumps, registrations),
  so both engines apply an event identically;
* :mod:`dtao_lib.sim.kernel_numpy` has vectorised twins (same operations in the same order; the
  tests check the two agree).

Every function takes and returns floats (amounts are whole numbers of rao held in float64, outputs
are floored as the chain truncates them). They mirror :func:`dtao_lib.amm.cp_buy_array`,
:func:`~dtao_lib.amm.balancer_buy_array` and friends (spec §4) and the float path of
:func:`dtao_lib.coinbase.block` (``exact=False``, spec §3), which the tests compare them with.
"""

from __future__ import annotations

import math

import numpy as np

try:  # the same function runs as plain Python and inside numba-compiled kernels
    from numba.extending import register_jitable as _jitable
except ImportError:  # pragma: no cover - numba is optional (the numpy engine does not need it)
    def _jitable(func):
        return func

from ._layout import (
    BAL_MAX_INPUT,
    BAL_W_MAX,
    BAL_W_MIN,
    E0,
    FIRST_THRESHOLD,
    GATE_RANK,
    I32_MAX_F,
    LN_I32F32_MAX,
    MIN_RESERVE,
    POOL_BAL,
    POOL_CP,
    RSN_RESERVE,
    RSN_TOO_LARGE,
    RSN_TOO_SMALL,
    TOTAL_SUPPLY,
    TWO31,
    TWO32,
    V2_MIN_LIQ,
)


@_jitable
def _floor(x: float) -> float:
    return float(math.floor(x))


@_jitable
def block_emission(issuance: int) -> int:
    """``floor(1e9 / 2^k)``, ``k = floor(log2(S / (S − I)))`` (spec §1).

    The same numbers as :func:`dtao_lib.emission.block_emission`, with int64 arithmetic.
    """
    if issuance < FIRST_THRESHOLD:
        return E0
    rem = TOTAL_SUPPLY - issuance
    if rem <= 0:
        return 0
    q = TOTAL_SUPPLY // rem
    _, ex = math.frexp(float(q))
    k = ex - 1
    if k > 0 and (1 << k) > q:  # float rounded q up to the next power of two
        k -= 1
    if k >= 62:
        return 0
    return E0 >> k


@_jitable
def grid32(x: float) -> float:
    """Round to the 2^-32 grid of the chain's U96F32/I96F32 storage (ties to even)."""
    return np.rint(x * TWO32) / TWO32


@_jitable
def floor32(x: float) -> float:
    """Truncate to the 2^-32 grid (U96F32 division truncates)."""
    return np.floor(x * TWO32) / TWO32


@_jitable
def spot_price(kind: int, tao: float, alpha: float, w2: float) -> float:
    """Pool price: ``T/A`` (constant product, full-range v3) or ``(w1/w2)·(T/A)`` (Balancer, spec §4.3)."""
    if kind == POOL_BAL:
        return (1.0 - w2) / w2 * (tao / alpha)
    return tao / alpha


@_jitable
def buy(kind: int, tao: float, alpha: float, w2: float, d: float, fee_u16: int, flat_fee: float,
        fee_in_pool: int) -> tuple[bool, float, float, float]:
    """Buy alpha with ``d`` rao of TAO (stake; spec §4).

    Returns ``(ok, alpha_out, tao_into_pool, fee_to_author)``. A rejected swap (the chain's guards)
    returns ``ok = False`` and zeros.
    """
    if kind == POOL_CP:
        net = max(d - flat_fee, 0.0)
        new_a = alpha * tao / (tao + net)
        if new_a < V2_MIN_LIQ:
            return False, 0.0, 0.0, 0.0
        out = _floor(alpha - new_a)
        if out >= alpha:
            return False, 0.0, 0.0, 0.0
        return True, out, d, 0.0
    fee = _floor(d * (fee_u16 / 65535.0))
    net = d - fee
    if kind == POOL_BAL:
        out = _floor(-alpha * math.expm1(-(w2 / (1.0 - w2)) * math.log1p(net / tao)))
        ok = alpha >= MIN_RESERVE and net <= BAL_MAX_INPUT * tao and out < alpha and (out > 0.0 or net == 0.0)
        if not ok:
            return False, 0.0, 0.0, 0.0
        return True, out, net, fee
    # full-range Uniswap v3 = constant product on (T, A) with a rate fee
    if alpha < MIN_RESERVE:
        return False, 0.0, 0.0, 0.0
    out = _floor(alpha * net / (tao + net))
    if out >= alpha or (out == 0.0 and net > 0.0):
        return False, 0.0, 0.0, 0.0
    if fee_in_pool:
        return True, out, d, 0.0
    return True, out, net, fee


@_jitable
def _sell_raw(kind: int, tao: float, alpha: float, w2: float, net: float) -> float:
    if kind == POOL_BAL:
        return _floor(-tao * math.expm1(-((1.0 - w2) / w2) * math.log1p(net / alpha)))
    return _floor(tao * net / (alpha + net))


@_jitable
def sell(kind: int, tao: float, alpha: float, w2: float, d: float, fee_u16: int, flat_fee: float,
         fee_in_pool: int) -> tuple[bool, float, float, float]:
    """Sell ``d`` rao of alpha (unstake; spec §4).

    Returns ``(ok, tao_to_seller, tao_to_author, alpha_burned)``. The pool receives ``d − alpha_burned``
    alpha and pays ``tao_to_seller + tao_to_author`` TAO. With a rate fee the alpha fee is sold
    fee-free for the block author (``unstake_from_subnet``); if that second swap cannot execute, the
    fee alpha is burned.
    """
    if kind == POOL_CP:
        new_t = tao * alpha / (alpha + d)
        if new_t < V2_MIN_LIQ:
            return False, 0.0, 0.0, 0.0
        gross = _floor(tao - new_t)
        if gross >= tao:
            return False, 0.0, 0.0, 0.0
        return True, max(gross - flat_fee, 0.0), 0.0, 0.0
    fee = _floor(d * (fee_u16 / 65535.0))
    net = d - fee
    if tao < MIN_RESERVE:
        return False, 0.0, 0.0, 0.0
    out = _sell_raw(kind, tao, alpha, w2, net)
    if kind == POOL_BAL:
        ok = net <= BAL_MAX_INPUT * alpha and out < tao and (out > 0.0 or net == 0.0)
    else:
        ok = out < tao and (out > 0.0 or net == 0.0)
    if not ok:
        return False, 0.0, 0.0, 0.0
    if fee == 0.0 or (fee_in_pool and kind != POOL_BAL):
        return True, out, 0.0, 0.0
    t2 = tao - out
    a2 = alpha + net
    out2 = _sell_raw(kind, t2, a2, w2, fee)
    if t2 < MIN_RESERVE or out2 >= t2 or (kind == POOL_BAL and fee > BAL_MAX_INPUT * a2):
        return True, out, 0.0, fee  # the author's swap fails: the fee alpha is burned
    return True, out, out2, 0.0


@_jitable
def inject_weight(w2: float, tao: float, alpha: float, dt: float, da: float) -> float:
    """Balancer TAO weight after adding ``(dt, da)`` at an unchanged price (spec §4.3).

    ``w2' = w2·x·(y + Δy) / (w1·y·(x + Δx) + w2·x·(y + Δy))``; returns −1 when the new weight leaves
    [0.01, 0.99] (the chain then adds nothing).
    """
    num = w2 * alpha * (tao + dt)
    den = (1.0 - w2) * tao * (alpha + da) + num
    # both products round to 0 (< 1/2; e.g. an empty alpha reserve and Δα = 0): the chain sets w2 = 1/2
    # (balancer.rs mul_perquintill_round; amm.BalancerPool.inject)
    new = num / den if num >= 0.5 or den - num >= 0.5 else 0.5
    if new < BAL_W_MIN or new > BAL_W_MAX:
        return -1.0
    return new


@_jitable
def chain_buy(kind: int, tao: float, alpha: float, w2: float, d: float) -> tuple[bool, float]:
    """The protocol's fee-free buy of alpha with ``d`` rao of excess TAO (spec §3.4): ``(ok, alpha_out)``."""
    if kind == POOL_BAL:  # buy() without fees, written out: the hottest swap of the Balancer eras
        out = _floor(-alpha * math.expm1(-(w2 / (1.0 - w2)) * math.log1p(d / tao)))
        ok = alpha >= MIN_RESERVE and d <= BAL_MAX_INPUT * tao and out < alpha and (out > 0.0 or d == 0.0)
        return ok, out if ok else 0.0
    ok, out, _into, _fee = buy(kind, tao, alpha, w2, d, 0, 0.0, 1)
    return ok, out


@_jitable
def reject_reason(kind: int, reserve_in: float, reserve_out: float, net: float) -> int:
    """Why a swap of ``net`` into a pool was refused (``RSN_*`` of :mod:`._layout`; a coarse label).

    The output reserve below the pool's minimum; else an input at least as large as the input reserve
    (the Balancer refuses 1000×, the constant-product pools refuse to be drained); else a swap so small
    that it pays out nothing.
    """
    lo = V2_MIN_LIQ if kind == POOL_CP else MIN_RESERVE
    if reserve_out < lo:
        return RSN_RESERVE
    if net >= reserve_in:
        return RSN_TOO_LARGE
    return RSN_TOO_SMALL


@_jitable
def gate_bar(shares: np.ndarray, active: np.ndarray, mode: int, rank: int, q: float) -> float:
    """The emission gate's bar θ from this block's pre-gate shares (spec §A2, ``maybe_update_emission_gate_bar``).

    Rank mode: the ``rank``-th largest positive share, or the smallest positive share if fewer are
    positive. q-mass mode: add the shares in descending order; θ is the share at which the running sum
    first reaches ``q`` (the last share, possibly 0, if it never does). 0 means "do not store".
    """
    n = shares.shape[0]
    k = 0
    zeros = 0
    for i in range(n):
        if active[i] == 1:
            if shares[i] > 0.0:
                k += 1
            else:
                zeros += 1
    if k == 0:
        return 0.0
    buf = np.empty(k)
    j = 0
    for i in range(n):
        if active[i] == 1 and shares[i] > 0.0:
            buf[j] = shares[i]
            j += 1
    buf.sort()  # ascending: the m-th largest is buf[k - m]
    if mode == GATE_RANK:
        return buf[k - rank] if rank <= k else buf[0]
    cum = 0.0
    for j in range(k - 1, -1, -1):
        cum += buf[j]
        if cum >= q:
            return buf[j]
    return 0.0 if zeros > 0 else buf[0]


@_jitable
def hill_gate(share: float, bar: float, h: float, r_hi: float) -> float:
    """``1 / (1 + (θ/s)^h)`` with the chain's ``safe_pow`` limits (spec §A2; the quirks as
    :func:`dtao_lib.coinbase.emission_gate` reproduces them): ``(θ/s)^h`` is 0 when θ/s < 2^-31 (``ln``
    fails), and ``i32::MAX`` when I32F32 ``exp(h·ln(θ/s))`` fails, i.e. ``|h·ln(θ/s)| ≳ 20.89`` in either
    direction — so a share more than ~1056× the bar (h = 3) is gated to ~0 as on chain.
    ``r_hi = exp(20.89 / h)`` (:func:`gate_r_hi`, once per run) turns that test into ``θ/s > r_hi`` or
    ``θ/s < 1/r_hi`` without a logarithm per subnet."""
    r = bar / share
    pw = r * r * r if h == 3.0 else math.exp(h * math.log(r))
    g = 1.0 / (1.0 + I32_MAX_F) if (r > r_hi or r * r_hi < 1.0) else 1.0 / (1.0 + pw)
    return 1.0 if r * TWO31 < 1.0 else g  # branch-free, so that the kernel's loop vectorises


@_jitable
def gate_r_hi(h: float) -> float:
    """``exp(20.89 / h)``: the ratio θ/s beyond which I32F32 ``exp(h·ln(θ/s))`` fails (spec §A2)."""
    return math.exp(LN_I32F32_MAX / h)


@_jitable
def adjust_liquidity(w2: float, tao: float, alpha: float, pend_t: float, pend_a: float) -> tuple[float, float, float]:
    """``adjust_protocol_liquidity`` with reservoirs (spec §A4): which of the pending ``(τ, α)`` become
    price-active. Tries both, then alpha only, then TAO only; returns ``(τ*, α*, new w2)`` (``w2`` unchanged
    and ``(0, 0)`` when every update would leave the weight bounds)."""
    if pend_t == 0.0 and pend_a == 0.0:
        return 0.0, 0.0, w2
    nw = inject_weight(w2, tao, alpha, pend_t, pend_a)
    if nw >= 0.0:
        return pend_t, pend_a, nw
    nw = inject_weight(w2, tao, alpha, 0.0, pend_a)
    if nw >= 0.0:
        return 0.0, pend_a, nw
    nw = inject_weight(w2, tao, alpha, pend_t, 0.0)
    if nw >= 0.0:
        return pend_t, 0.0, nw
    return 0.0, 0.0, w2
