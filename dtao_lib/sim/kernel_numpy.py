"""The pure-numpy engine: one block at a time, every step vectorised over subnets.

The fallback when numba is missing, and the engine for :class:`~dtao_lib.sim.policies.CustomPolicy`
(a Python callback each event). It applies the same operations in the same order as
:mod:`dtao_lib.sim.kernel_numba` (sums are sequential, like the kernel's loops), so the two engines
give the same numbers; ``tests/test_sim_engines.py`` checks it. It costs about 0.2 ms per block
whatever the number of subnets (numpy's per-call overhead), so it suits short runs.
"""

from __future__ import annotations

import math

import numpy as np

from . import _layout as L
from ._scalar import block_emission
from .policies import StateView

__all__ = ["buy_vec", "run_blocks", "sell_vec", "spot_vec"]


def _ssum(x: np.ndarray) -> float:
    """Left-to-right sum (as the kernel's loops add), not numpy's pairwise sum."""
    return float(np.cumsum(x)[-1]) if x.size else 0.0


def _grid32(x: np.ndarray) -> np.ndarray:
    return np.rint(x * L.TWO32) / L.TWO32


def _floor32(x: np.ndarray) -> np.ndarray:
    return np.floor(x * L.TWO32) / L.TWO32


def _alpha_emission(iss: np.ndarray) -> np.ndarray:
    """Vectorised :func:`dtao_lib.sim._scalar.block_emission`."""
    rem = L.TOTAL_SUPPLY - iss
    valid = rem > 0
    q = L.TOTAL_SUPPLY // np.where(valid, rem, 1)
    _, ex = np.frexp(q.astype(np.float64))
    k = ex.astype(np.int64) - 1
    k = np.where((k > 0) & (np.left_shift(np.int64(1), np.clip(k, 0, 62)) > q), k - 1, k)
    out = np.right_shift(np.int64(L.E0), np.clip(k, 0, 62))
    out = np.where(valid & (k < 62), out, 0)
    return np.where(iss < L.FIRST_THRESHOLD, L.E0, out).astype(np.int64)


def spot_vec(kind: int, tao: np.ndarray, alpha: np.ndarray, w2: np.ndarray) -> np.ndarray:
    if kind == L.POOL_BAL:
        return (1.0 - w2) / w2 * (tao / alpha)
    return tao / alpha


def buy_vec(kind, tao, alpha, w2, d, fee_u16, flat_fee, fee_in_pool):
    """Vectorised :func:`dtao_lib.sim._scalar.buy`: ``(ok, alpha_out, tao_into_pool, fee_to_author)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == L.POOL_CP:
            net = np.maximum(d - flat_fee, 0.0)
            new_a = alpha * tao / (tao + net)
            out = np.floor(alpha - new_a)
            ok = (new_a >= L.V2_MIN_LIQ) & (out < alpha)
            z = np.zeros_like(d)
            return ok, np.where(ok, out, 0.0), np.where(ok, d, 0.0), z
        fee = np.floor(d * (fee_u16 / 65535.0))
        net = d - fee
        if kind == L.POOL_BAL:
            out = np.floor(-alpha * np.expm1(-(w2 / (1.0 - w2)) * np.log1p(net / tao)))
            ok = (alpha >= L.MIN_RESERVE) & (net <= L.BAL_MAX_INPUT * tao) & (out < alpha)
            ok &= (out > 0.0) | (net == 0.0)
            return ok, np.where(ok, out, 0.0), np.where(ok, net, 0.0), np.where(ok, fee, 0.0)
        out = np.floor(alpha * net / (tao + net))
        ok = (alpha >= L.MIN_RESERVE) & (out < alpha) & ~((out == 0.0) & (net > 0.0))
        into = d if fee_in_pool else net
        fee_out = np.zeros_like(d) if fee_in_pool else fee
        return ok, np.where(ok, out, 0.0), np.where(ok, into, 0.0), np.where(ok, fee_out, 0.0)


def _sell_raw(kind, tao, alpha, w2, net):
    if kind == L.POOL_BAL:
        return np.floor(-tao * np.expm1(-((1.0 - w2) / w2) * np.log1p(net / alpha)))
    return np.floor(tao * net / (alpha + net))


def sell_vec(kind, tao, alpha, w2, d, fee_u16, flat_fee, fee_in_pool):
    """Vectorised :func:`dtao_lib.sim._scalar.sell`: ``(ok, tao_to_seller, tao_to_author, alpha_burned)``."""
    z = np.zeros_like(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == L.POOL_CP:
            new_t = tao * alpha / (alpha + d)
            gross = np.floor(tao - new_t)
            ok = (new_t >= L.V2_MIN_LIQ) & (gross < tao)
            return ok, np.where(ok, np.maximum(gross - flat_fee, 0.0), 0.0), z, z
        fee = np.floor(d * (fee_u16 / 65535.0))
        net = d - fee
        out = _sell_raw(kind, tao, alpha, w2, net)
        ok = (tao >= L.MIN_RESERVE) & (out < tao) & ((out > 0.0) | (net == 0.0))
        if kind == L.POOL_BAL:
            ok &= net <= L.BAL_MAX_INPUT * alpha
        out = np.where(ok, out, 0.0)
        if kind != L.POOL_BAL and fee_in_pool:
            return ok, out, z, z
        second = ok & (fee > 0.0)
        t2 = tao - out
        a2 = alpha + net
        out2 = _sell_raw(kind, t2, a2, w2, fee)
        fails = (t2 < L.MIN_RESERVE) | (out2 >= t2)
        if kind == L.POOL_BAL:
            fails |= fee > L.BAL_MAX_INPUT * a2
        author = np.where(second & ~fails, out2, 0.0)
        burned = np.where(second & fails, fee, 0.0)
        return ok, out, author, burned


_AMT_CAP = 1e17
"""Rejected amounts are recorded up to 1e17 rao (1e8 TAO) each, so the int64 counters cannot overflow."""


def _reject_vec(G, src, kind, reserve_in, reserve_out, amount, failed):
    """Vectorised :func:`dtao_lib.sim.kernel_numba.reject` with :func:`~dtao_lib.sim._scalar.reject_reason`."""
    if src < 0 or not failed.any():  # src −1: the protocol's own sale (root alpha before v3.2.10), not counted
        return
    lo = L.V2_MIN_LIQ if kind == L.POOL_CP else L.MIN_RESERVE
    reason = np.where(reserve_out < lo, L.RSN_RESERVE, np.where(amount >= reserve_in, L.RSN_TOO_LARGE,
                                                                  L.RSN_TOO_SMALL))
    for r in range(L.N_RSN):
        m = failed & (reason == r)
        if m.any():
            G[L.G_REJ + src * L.N_RSN + r] += int(m.sum())
            G[L.G_REJ_AMT + src * L.N_RSN + r] += int(np.minimum(amount[m], _AMT_CAP).astype(np.int64).sum())


def _apply_buy(I, F, G, IP, mask, d, fee_u16, flat_fee, fee_in_pool, protocol, src):  # noqa: E741
    """Vectorised :func:`dtao_lib.sim.kernel_numba.apply_buy` on the slots in ``mask`` (d: float rao)."""
    kind = IP[L.IP_POOL]
    d = np.where(mask, d, 0.0)
    tao, alpha = I[L.TAO].astype(np.float64), I[L.AIN].astype(np.float64)
    ok, out, into, fee = buy_vec(kind, tao, alpha, F[L.W2], d, fee_u16, flat_fee, fee_in_pool)
    ok &= mask
    _reject_vec(G, src, kind, tao, alpha, d, mask & ~ok)
    into_i = np.where(ok, into, 0.0).astype(np.int64)
    out_i = np.where(ok, out, 0.0).astype(np.int64)
    if fee_in_pool == 1 and IP[L.IP_V3_LIQ] != L.V3LIQ_OFF:  # the v3 position holds the fee off the price
        held = np.where(ok, np.floor(d * (fee_u16 / 65535.0)), 0.0).astype(np.int64)
        I[L.RES_TAO] += held
        I[L.CUM_FEE_TAO] += held
        into_i = into_i - held
    I[L.TAO] += into_i
    I[L.AIN] -= out_i
    I[L.AOUT] += out_i
    I[L.CUM_TRADE_TAO] += into_i
    I[L.CUM_AUTHOR_TAO] += np.where(ok, fee, 0.0).astype(np.int64)
    I[L.CUM_STAKED] += np.where(ok, d, 0.0).astype(np.int64)
    acc = L.PFLOW_ACC if protocol else L.FLOW_ACC
    F[acc] += np.where(ok, into, 0.0)
    return ok, np.where(ok, out, 0.0)


def _apply_sell(I, F, G, IP, mask, alpha, fee_u16, flat_fee, fee_in_pool, protocol, src):  # noqa: E741
    """Vectorised :func:`dtao_lib.sim.kernel_numba.apply_sell`; returns (ok, TAO paid to the sellers)."""
    kind = IP[L.IP_POOL]
    alpha = np.where(mask, alpha, 0.0)
    tao_r, alpha_r = I[L.TAO].astype(np.float64), I[L.AIN].astype(np.float64)
    ok, out, author, burned = sell_vec(kind, tao_r, alpha_r, F[L.W2], alpha, fee_u16, flat_fee, fee_in_pool)
    ok &= mask
    _reject_vec(G, src, kind, alpha_r, tao_r, alpha, mask & ~ok)
    a_i = np.where(ok, alpha, 0.0).astype(np.int64)
    burned_i = np.where(ok, burned, 0.0).astype(np.int64)
    out_i = np.where(ok, out, 0.0).astype(np.int64)
    auth_i = np.where(ok, author, 0.0).astype(np.int64)
    paid = out_i + auth_i
    held = 0
    if fee_in_pool == 1 and IP[L.IP_V3_LIQ] != L.V3LIQ_OFF:  # the v3 position holds the alpha fee off the price
        held = np.where(ok, np.floor(alpha * (fee_u16 / 65535.0)), 0.0).astype(np.int64)
        I[L.RES_ALPHA] += held
    I[L.AOUT] -= a_i
    I[L.AIN] += a_i - burned_i - held
    I[L.TAO] -= paid
    I[L.CUM_TRADE_TAO] -= paid
    I[L.CUM_AUTHOR_TAO] += auth_i
    I[L.CUM_ALPHA_RECYC] += burned_i
    I[L.CUM_UNSTAKED] += out_i
    acc = L.PFLOW_ACC if protocol else L.FLOW_ACC
    F[acc] -= paid.astype(np.float64)
    return ok, np.where(ok, out, 0.0)


def _chain_buy(I, F, act, exc, kind, chain, refund):  # noqa: E741
    """Vectorised chain buys with the excess (fee-free); returns (spent, bought, TAO stranded by failed swaps)."""
    n = I.shape[1]
    spent = np.zeros(n, dtype=np.int64)
    bought = np.zeros(n, dtype=np.int64)
    if chain == L.CHAIN_NONE:
        return spent, bought, 0
    want = act & (exc > 0)
    if not want.any():
        return spent, bought, 0
    ok, out, _, _ = buy_vec(kind, I[L.TAO].astype(np.float64), I[L.AIN].astype(np.float64), F[L.W2],
                            np.where(want, exc, 0).astype(np.float64), 0, 0.0, 1)
    ok &= want
    spent = np.where(ok, exc, 0)
    bought = np.where(ok, out, 0.0).astype(np.int64)
    I[L.TAO] += spent
    I[L.AIN] -= bought
    I[L.CUM_CHAIN_TAO] += spent
    I[L.CUM_CHAIN_ALPHA] += bought
    F[L.PFLOW_ACC] += spent.astype(np.float64)
    if chain == L.CHAIN_PROTOCOL:
        I[L.PROT] += bought
    else:
        I[L.CUM_ALPHA_RECYC] += bought
    stranded = 0 if refund else int(np.where(want & ~ok, exc, 0).sum())
    return spent, bought, stranded


def _inject(I, F, tin, ain, scrap=L.V3LIQ_OFF):  # noqa: E741
    """Add the accepted injections ``(τ_in, α_in)`` to the reserves and ledgers (eras without reservoirs);
    ``scrap`` (the era's ``V3LIQ_*``): the v3 position takes the proportional part
    (:func:`dtao_lib.sim.kernel_numba.v3_split`) or grows at the same √p (``v3_sqrt_growth``)."""
    if scrap == L.V3LIQ_SQRT:
        pend_t = I[L.RES_TAO] + tin
        pend_a = I[L.RES_ALPHA] + ain
        t = I[L.TAO].astype(np.float64)
        a = np.maximum(I[L.AIN], 1).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.expm1(0.5 * (np.log1p(pend_t / np.where(t > 0, t, 1.0)) + np.log1p(pend_a / a)))
        dt = np.where(t > 0, np.floor(t * g), 0.0).astype(np.int64)
        da = np.where(t > 0, np.floor(a * g), 0.0).astype(np.int64)
        I[L.RES_TAO] = 0
        I[L.RES_ALPHA] = 0
        I[L.OFF_TAO] += pend_t - dt
        I[L.OFF_ALPHA] += pend_a - da
        I[L.TAO] += dt
        I[L.AIN] += da
        I[L.CUM_TAO_IN] += dt
        I[L.CUM_TAO_MAT] += tin
        I[L.CUM_ALPHA_INJ] += ain
        F[L.PFLOW_ACC] += tin.astype(np.float64)
        return
    if scrap == L.V3LIQ_SCRAP:
        pend_t = I[L.RES_TAO] + tin
        pend_a = I[L.RES_ALPHA] + ain
        p = I[L.TAO].astype(np.float64) / np.maximum(I[L.AIN], 1).astype(np.float64)
        t_eq = np.floor(pend_a * p)
        fits = t_eq <= pend_t
        with np.errstate(divide="ignore", invalid="ignore"):
            a_eq = np.floor(pend_t / np.where(fits, 1.0, p))
        at = np.where(fits, t_eq, pend_t).astype(np.int64)
        aa = np.where(fits, pend_a, np.minimum(a_eq, pend_a)).astype(np.int64)
        I[L.RES_TAO] = pend_t - at
        I[L.RES_ALPHA] = pend_a - aa
        I[L.TAO] += at
        I[L.AIN] += aa
        I[L.CUM_TAO_IN] += at
        I[L.CUM_TAO_MAT] += tin
        I[L.CUM_ALPHA_INJ] += ain
        F[L.PFLOW_ACC] += tin.astype(np.float64)
        return
    I[L.TAO] += tin
    I[L.AIN] += ain
    I[L.CUM_TAO_IN] += tin
    I[L.CUM_TAO_MAT] += tin
    I[L.CUM_ALPHA_INJ] += ain
    F[L.PFLOW_ACC] += tin.astype(np.float64)


def _adjust_liquidity(w2, tao, alpha, pt, pa):
    """Vectorised :func:`dtao_lib.sim._scalar.adjust_liquidity`: ``(τ*, α*, new w2)``."""
    def weight(dt, da):
        num = w2 * alpha * (tao + dt)
        den = (1.0 - w2) * tao * (alpha + da) + num
        ok = (num >= 0.5) | (den - num >= 0.5)  # both products rounding to 0 (AIN = Δα = 0): 1/2
        return np.where(ok, num / np.where(ok, den, 1.0), 0.5)

    def inside(x):
        return (x >= L.BAL_W_MIN) & (x <= L.BAL_W_MAX)

    both, only_a, only_t = weight(pt, pa), weight(0.0, pa), weight(pt, 0.0)
    ok1, ok2, ok3 = inside(both), inside(only_a), inside(only_t)
    none = (pt == 0.0) & (pa == 0.0)
    acc_t = np.where(none, 0.0, np.where(ok1, pt, np.where(ok2, 0.0, np.where(ok3, pt, 0.0))))
    acc_a = np.where(none, 0.0, np.where(ok1 | ok2, pa, 0.0))
    nw = np.where(none, w2, np.where(ok1, both, np.where(ok2, only_a, np.where(ok3, only_t, w2))))
    return acc_t, acc_a, nw


def _gate_bar(share, act, mode, rank, q):
    """Vectorised :func:`dtao_lib.sim._scalar.gate_bar` (spec §A2)."""
    pos = np.sort(share[act & (share > 0.0)])[::-1]
    k = pos.size
    if k == 0:
        return 0.0
    if mode == L.GATE_RANK:
        return float(pos[rank - 1]) if rank <= k else float(pos[-1])
    cum = np.cumsum(pos)  # sequential, like the kernel's loop
    hit = np.flatnonzero(cum >= q)
    if hit.size:
        return float(pos[hit[0]])
    return 0.0 if bool(np.any(act & (share <= 0.0))) else float(pos[-1])


def _hill(share, bar, h):
    """Vectorised :func:`dtao_lib.sim._scalar.hill_gate` for positive shares."""
    r = bar / share
    r_hi = math.exp(L.LN_I32F32_MAX / h)
    pw = r * r * r if h == 3.0 else np.exp(h * np.log(r))
    pw = np.where((r > r_hi) | (r * r_hi < 1.0), L.I32_MAX_F, pw)
    return np.where(r * L.TWO31 < 1.0, 1.0, 1.0 / (1.0 + pw))


def _liquid(I):  # noqa: E741
    return I[L.AOUT] - I[L.P_OWNER] - I[L.P_SERVER] - I[L.P_VAL] - I[L.P_ROOT]


def _spot(I, F, IP):  # noqa: E741
    with np.errstate(divide="ignore", invalid="ignore"):
        return spot_vec(IP[L.IP_POOL], I[L.TAO].astype(np.float64), np.maximum(I[L.AIN], 1).astype(np.float64),
                        F[L.W2])


def _free_tao(I, G):  # noqa: E741
    """:func:`dtao_lib.sim.kernel_numba.free_tao`: TAO outside pools, reservoirs and stranded accounts."""
    return (int(G[L.G_ISS]) - int(I[L.TAO].sum()) - int(I[L.RES_TAO].sum()) - int(I[L.OFF_TAO].sum())
            - int(G[L.G_STRANDED]))


def _signed_trades(I, F, G, IP, active, x, fee_u16, flat_fee, fee_in_pool, src):  # noqa: E741
    """Noise-style trades: ``x ≥ 1`` stakes ``floor(x)`` TAO, ``x ≤ −1`` sells alpha worth ``−x`` at spot.

    Stakes are checked in slot order against the TAO outside the pools at the start of the event; one
    that does not fit is refused and counted (reason ``RSN_SUPPLY``), as in the compiled kernel.
    """
    buy_m = active & (x >= 1.0)
    d = np.floor(np.where(buy_m, x, 0.0))
    free = float(_free_tao(I, G))
    if buy_m.any() and float(d.sum()) > free:  # rare: replay the kernel's sequential check
        for i in np.flatnonzero(buy_m):
            if d[i] > free:
                buy_m[i] = False
                G[L.G_REJ + src * L.N_RSN + L.RSN_SUPPLY] += 1
                G[L.G_REJ_AMT + src * L.N_RSN + L.RSN_SUPPLY] += int(min(d[i], _AMT_CAP))
            else:
                free -= d[i]
    _apply_buy(I, F, G, IP, buy_m, np.where(buy_m, d, 0.0), fee_u16, flat_fee, fee_in_pool, False, src)
    sell_m = active & (x <= -1.0)
    pr = _spot(I, F, IP)
    with np.errstate(divide="ignore", invalid="ignore"):
        amt = np.minimum(np.floor(np.where(sell_m, -x / np.where(sell_m, pr, 1.0), 0.0)),
                         _liquid(I).astype(np.float64))
    sell_m &= amt >= 1.0
    _apply_sell(I, F, G, IP, sell_m, amt, fee_u16, flat_fee, fee_in_pool, False, src)


def run_blocks(I, F, G, IP, FP, t_end, last_block, noise, rec_sub, rec_glob, custom=(), rng=None):  # noqa: E741
    """Advance the state to ``t_end`` (exclusive), like :func:`dtao_lib.sim.kernel_numba.run_blocks`.

    ``custom`` is a tuple of :class:`~dtao_lib.sim.policies.CustomPolicy` called at their events with a
    :class:`~dtao_lib.sim.policies.StateView` and ``rng``.
    """
    from .kernel_numba import check_conservation, record  # plain-Python versions work on numpy arrays

    n = I.shape[1]
    start = int(IP[L.IP_START])
    share_rule = int(IP[L.IP_SHARE])
    inj = int(IP[L.IP_INJ])
    chain = int(IP[L.IP_CHAIN])
    kind = int(IP[L.IP_POOL])
    fee_u16 = int(IP[L.IP_FEE_U16])
    flat_fee = float(IP[L.IP_FLAT_FEE])
    fee_in_pool = int(IP[L.IP_FEE_IN_POOL])
    ema_rule = int(IP[L.IP_EMA])
    root_divs = int(IP[L.IP_ROOT_DIVS])
    sell_rule = int(IP[L.IP_SELL_RULE])
    no_flag = int(IP[L.IP_NO_FLAG])
    epoch_rule = int(IP[L.IP_EPOCH])
    tempo = int(IP[L.IP_TEMPO])
    noise_every = int(IP[L.IP_NOISE_EVERY])
    chase_every = int(IP[L.IP_CHASE_EVERY])
    rec_every = int(IP[L.IP_REC_EVERY])
    debug = int(IP[L.IP_DEBUG])
    tw_root = float(FP[L.FP_TW_ROOT])
    oc = float(FP[L.FP_OWNER_CUT])
    m_alpha = float(FP[L.FP_MOVING_ALPHA])
    h_ema = float(FP[L.FP_EMA_HALVING])
    fa = float(FP[L.FP_FLOW_ALPHA])
    flow_p = float(FP[L.FP_FLOW_P])
    cutoff = float(FP[L.FP_FLOW_CUTOFF])
    recycle_rate = float(FP[L.FP_RECYCLE])
    root_swap = float(FP[L.FP_ROOT_SWAP])
    emit_sell = float(FP[L.FP_EMIT_SELL])
    sigma = float(FP[L.FP_NOISE_SIGMA])
    budget = float(FP[L.FP_CHASE_BUDGET])
    gate = int(IP[L.IP_GATE])
    gate_rank = int(IP[L.IP_GATE_RANK])
    bar_every = int(IP[L.IP_BAR_EVERY])
    burn_w = int(IP[L.IP_BURN_W])
    refund = int(IP[L.IP_REFUND])
    reservoirs = int(IP[L.IP_RESERVOIRS])
    subsidy_ae = int(IP[L.IP_SUBSIDY_AE])
    order = int(IP[L.IP_ORDER])
    refused_issued = int(IP[L.IP_REFUSED_ISSUED])
    v3_scrap = int(IP[L.IP_V3_LIQ])  # the v3 position's rule (V3LIQ_*) for _inject
    ema_from_reg = int(IP[L.IP_EMA_FROM_REG])
    gate_q = float(FP[L.FP_GATE_Q])
    gate_h = float(FP[L.FP_GATE_H])
    flow_era = share_rule in (L.SHARE_FLOW, L.SHARE_NET_FLOW)
    kn = 0
    errs = np.errstate(divide="ignore", invalid="ignore")
    errs.__enter__()
    try:
        for b in range(int(G[L.G_BLOCK]), int(t_end)):
            act = I[L.ACTIVE] == 1
            en = act & (I[L.ENABLED] == 1)
            E = int(block_emission(int(G[L.G_ISS])))
            Ef = float(E)
            # 1. flow EMAs
            if flow_era:
                F[L.FLOW] = np.where(act, (1.0 - fa) * F[L.FLOW] + fa * F[L.FLOW_ACC], F[L.FLOW])
                F[L.PFLOW] = np.where(act, (1.0 - fa) * F[L.PFLOW] + fa * F[L.PFLOW_ACC], F[L.PFLOW])
            F[L.FLOW_ACC] = 0.0
            F[L.PFLOW_ACC] = 0.0
            # 2a. inputs
            iss = np.where(act, I[L.AIN] + I[L.AOUT] + I[L.PROT] + I[L.RES_ALPHA] + I[L.OFF_ALPHA], 0)
            ae = np.where(act, _alpha_emission(iss), 0)
            ema_g = np.where(act, _grid32(F[L.EMA]), 0.0)
            sum_ema = _ssum(ema_g)
            sum_ema_en = _ssum(np.where(en, ema_g, 0.0))
            all_enabled = bool(np.all(en == act))
            den = tw_root + iss.astype(np.float64)
            rp_cap = np.where(act & (den > 0.0), _floor32(tw_root / np.where(den > 0.0, den, 1.0)), 0.0)
            F[L.RP] = np.where(act, rp_cap, F[L.RP])
            sell_flag = sum_ema > 1.0
            # 2b. shares
            if share_rule == L.SHARE_EMA:
                share = np.where(en, ema_g / sum_ema_en, 0.0) if sum_ema_en > 0.0 else np.zeros(n)
                F[L.PRE_GATE] = np.where(act, share, F[L.PRE_GATE])
            else:
                if flow_era:
                    s = np.where(act, F[L.FLOW], 0.0)
                    if share_rule == L.SHARE_NET_FLOW:
                        pos_user = _ssum(np.where(act, np.maximum(F[L.FLOW], 0.0), 0.0))
                        pos_proto = _ssum(np.where(act, np.maximum(F[L.PFLOW], 0.0), 0.0))
                        c = min(1.0, pos_user / pos_proto) if pos_proto > 0.0 else 0.0
                        pf = F[L.PFLOW]
                        s = np.where(act, np.where(pf > 0.0, s - c * pf, s - pf), 0.0)
                    low = min(0.0, float(np.min(np.where(act, np.minimum(s, 0.0), 0.0))))
                    low = max(cutoff, low)
                    z = np.where(act & (s > low), s - low, 0.0)
                    zmax = float(z.max()) if n else 0.0
                    if flow_p != 1.0 and zmax > 0.0:
                        z = (z > 0.0).astype(np.float64) if flow_p == 0.0 else np.where(act, (z / zmax) ** flow_p, 0.0)
                    wsum = _ssum(z)
                    share = np.where(act, z / wsum, 0.0) if wsum > 0.0 else np.zeros(n)
                else:
                    ps = np.where(act, ema_g / sum_ema, 0.0) if sum_ema > 0.0 else np.zeros(n)
                    wgt = np.where(act, ps * (1.0 - _grid32(F[L.BURN])) if burn_w else ps, 0.0)
                    if share_rule == L.SHARE_PRICE_BURN_RP:
                        wgt = wgt * rp_cap
                    wsum = _ssum(wgt)
                    # every weight 0: the price shares stay (era C too: subnet_emissions.rs v3.4.6 L362-372)
                    share = np.where(act, wgt / wsum, 0.0) if wsum > 0.0 else ps
                    F[L.PRE_GATE] = np.where(act, share, F[L.PRE_GATE])
                    if gate != L.GATE_NONE:  # the emission gate (spec §A2)
                        bar = float(FP[L.FP_GATE_BAR])
                        if bar <= 0.0 or b % bar_every == 0:
                            theta = _gate_bar(share, act, gate, gate_rank, gate_q)
                            if theta > 0.0:
                                bar = theta
                                FP[L.FP_GATE_BAR] = theta
                        if bar > 0.0:
                            pos = act & (share > 0.0)
                            g = np.where(pos, share * _hill(np.where(pos, share, 1.0), bar, gate_h), 0.0)
                            gsum = _ssum(np.where(act, g, 0.0))
                            if gsum > 0.0:
                                share = np.where(act, g / gsum, 0.0)
                if flow_era:
                    F[L.PRE_GATE] = np.where(act, share, F[L.PRE_GATE])
                if not all_enabled:
                    en_sum = _ssum(np.where(en, share, 0.0))
                    share = np.where(en, share / en_sum, 0.0) if en_sum > 0.0 else np.zeros(n)
            F[L.SHARE] = np.where(act, share, F[L.SHARE])
            # 2c. injection terms
            te = Ef * share
            te_int = np.floor(te).astype(np.int64)
            aef = ae.astype(np.float64)
            tao_f = I[L.TAO].astype(np.float64)
            a_f = np.maximum(I[L.AIN], 1).astype(np.float64)
            w2 = F[L.W2].copy()
            p = _grid32(spot_vec(kind, tao_f, a_f, w2))
            has_price = p > 0.0
            raw = te / np.where(has_price, p, 1.0)
            subsidized = np.zeros(n, dtype=bool)
            if inj == L.INJ_FULL:
                alpha_in = np.minimum(np.where(has_price, raw, aef), aef)
                tao_in = te
                excess = np.zeros(n)
            elif inj == L.INJ_SUBSIDY:
                subsidized = p < share
                tao_in = np.where(subsidized, p * Ef, te)
                alpha_in = np.where(subsidized, aef if subsidy_ae else Ef, np.where(has_price, raw, aef))
                excess = np.maximum(te - tao_in, 0.0)
            else:
                if inj == L.INJ_CAP_AE:
                    cap = aef
                elif inj == L.INJ_CAP_MIN_E:
                    cap = np.minimum(aef, Ef)
                else:
                    cap = rp_cap * aef
                alpha_raw = np.where(has_price, raw, 0.0)
                capped = alpha_raw > cap
                alpha_in = np.where(capped, cap, alpha_raw)
                tao_in = np.where(capped, cap * p, te)
                excess = np.maximum(te - tao_in, 0.0)
            tin = np.where(act, np.minimum(np.floor(tao_in).astype(np.int64), te_int), 0)
            exc = np.where(act, np.minimum(np.floor(excess).astype(np.int64), te_int - tin), 0)
            ain = np.where(act, np.floor(alpha_in).astype(np.int64), 0)
            spent = np.zeros(n, dtype=np.int64)
            bought = np.zeros(n, dtype=np.int64)
            stranded = 0
            if reservoirs:  # HEAD (spec §A4): chain buy first, then the reservoir-aware weight update
                spent, bought, stranded = _chain_buy(I, F, act, exc, kind, chain, refund)
                tin_mat = tin
                pend_t = I[L.RES_TAO] + tin
                pend_a = I[L.RES_ALPHA] + ain
                acc_t, acc_a, nw = _adjust_liquidity(F[L.W2], I[L.TAO].astype(np.float64),
                                                     I[L.AIN].astype(np.float64),
                                                     pend_t.astype(np.float64), pend_a.astype(np.float64))
                F[L.W2] = np.where(act, nw, F[L.W2])
                at = np.where(act, acc_t, 0.0).astype(np.int64)
                aa = np.where(act, acc_a, 0.0).astype(np.int64)
                I[L.RES_TAO] = np.where(act, pend_t - at, I[L.RES_TAO])
                I[L.RES_ALPHA] = np.where(act, pend_a - aa, I[L.RES_ALPHA])
                I[L.TAO] += at
                I[L.AIN] += aa
                I[L.CUM_TAO_MAT] += tin
                I[L.CUM_TAO_IN] += at
                I[L.CUM_ALPHA_INJ] += ain
                F[L.PFLOW_ACC] += at.astype(np.float64)
                tin = at
                ain_pool = aa
            else:  # the era's order of injection and chain buy (state.chain_buy_order)
                if kind == L.POOL_BAL:  # ORDER_WEIGHTS_FIRST: new weights on the pre-buy reserves
                    touch = act & ((tin > 0) | (ain > 0))
                    a_w = I[L.AIN].astype(np.float64)  # the real reserve (_scalar.inject_weight), not a_f
                    num = w2 * a_w * (tao_f + tin)
                    den = (1.0 - w2) * tao_f * (a_w + ain) + num
                    ok = (num >= 0.5) | (den - num >= 0.5)  # _scalar.inject_weight: both products round to 0 → 1/2
                    nw = np.where(ok, num / np.where(ok, den, 1.0), 0.5)
                    bad = touch & ((nw < L.BAL_W_MIN) | (nw > L.BAL_W_MAX))
                    refused = int(np.where(bad, tin, 0).sum()) if refused_issued else 0  # v3.3.10: still issued
                    tin = np.where(bad, 0, tin)
                    ain = np.where(bad, 0, ain)
                    F[L.W2] = np.where(touch & ~bad, nw, F[L.W2])
                if order == L.ORDER_INJECT_FIRST:  # Uniswap v3: the position grows, then the buy
                    _inject(I, F, tin, ain, v3_scrap)
                spent, bought, stranded = _chain_buy(I, F, act, exc, kind, chain, refund)
                if kind == L.POOL_BAL:
                    stranded += refused
                if order != L.ORDER_INJECT_FIRST:  # subsidy era; Balancer: buy on the pre-injection reserves
                    _inject(I, F, tin, ain, v3_scrap)
                tin_mat = tin
                ain_pool = ain
            # α_out split
            post = iss.astype(np.float64) + ain.astype(np.float64) + aef
            den2 = tw_root + post
            rp_split = np.where(den2 > 0.0, _floor32(tw_root / np.where(den2 > 0.0, den2, 1.0)), 0.0)
            cut = aef * oc
            rest = aef - cut
            root_alpha = rp_split * rest * 0.5
            server = rest * 0.5
            validator = rest - server - root_alpha
            paid = root_alpha
            unpaid = np.zeros(n)
            if sell_rule == 1 and not sell_flag:
                paid = np.zeros(n)
                if no_flag == L.NOFLAG_VALIDATORS:
                    validator = rest - server
                else:
                    unpaid = root_alpha
            elif inj == L.INJ_SUBSIDY:
                paid = np.where(subsidized, 0.0, root_alpha)
                unpaid = np.where(subsidized, root_alpha, 0.0)
            o_i = np.where(act, np.floor(np.maximum(cut, 0.0)), 0.0).astype(np.int64)
            s_i = np.where(act, np.floor(np.maximum(server, 0.0)), 0.0).astype(np.int64)
            v_i = np.where(act, np.floor(np.maximum(validator, 0.0)), 0.0).astype(np.int64)
            r_i = np.where(act, np.floor(np.maximum(paid, 0.0)), 0.0).astype(np.int64)
            u_i = np.where(act, np.floor(np.maximum(unpaid, 0.0)), 0.0).astype(np.int64)
            dust = ae - o_i - s_i - v_i - r_i - u_i
            v_i = v_i + np.minimum(dust, 0)
            dust = np.maximum(dust, 0)
            I[L.AOUT] += ae
            I[L.CUM_ALPHA_EMIT] += ae
            I[L.P_OWNER] += o_i
            I[L.P_SERVER] += s_i
            I[L.P_VAL] += v_i
            I[L.AOUT] -= u_i
            I[L.CUM_ALPHA_RECYC] += u_i
            if root_divs == L.ROOT_SOLD_EACH_BLOCK:
                m = act & (r_i > 0)
                if m.any():
                    ok, got = _apply_sell(I, F, G, IP, m, r_i.astype(np.float64), 0, 0.0, 1, True, -1)
                    I[L.CUM_ROOT_TAO] += np.where(ok, got, 0.0).astype(np.int64)
            else:
                I[L.P_ROOT] += r_i
            I[L.LAST_TE] = np.where(act, te_int, I[L.LAST_TE])
            I[L.LAST_TAO_IN] = np.where(act, tin, I[L.LAST_TAO_IN])
            I[L.LAST_ALPHA_IN] = np.where(act, ain_pool, I[L.LAST_ALPHA_IN])
            I[L.LAST_EXCESS] = np.where(act, spent, I[L.LAST_EXCESS])
            I[L.LAST_AE] = np.where(act, ae, I[L.LAST_AE])
            I[L.LAST_CHAIN_ALPHA] = np.where(act, bought, I[L.LAST_CHAIN_ALPHA])
            if debug == 1:
                bad = act & ((o_i < 0) | (s_i < 0) | (v_i < 0) | (r_i < 0) | (u_i < 0)
                             | (o_i + s_i + v_i + r_i + u_i + dust != ae) | (tin_mat + spent > te_int))
                if bad.any():
                    G[L.G_ERR] = L.ERR_SPLIT
                    G[L.G_ERR_BLOCK] = b
                    G[L.G_ERR_SLOT] = int(np.argmax(bad))
                    return L.ERR_SPLIT
            # epochs
            if epoch_rule == L.EPOCH_TEMPO_PLUS_ONE:
                due = act & ((b + I[L.NETUID] + 1) % (tempo + 1) == 0)
            else:
                due = act & (b - I[L.LAST_EPOCH] >= tempo)
            sell_user = np.zeros(n, dtype=np.int64)
            sell_root = np.zeros(n, dtype=np.int64)
            if due.any():
                I[L.LAST_EPOCH] = np.where(due, b, I[L.LAST_EPOCH])
                sell_user = np.where(due, np.floor(emit_sell * (I[L.P_OWNER] + I[L.P_SERVER]).astype(np.float64)),
                                     0.0).astype(np.int64)
                sell_root = np.where(due, np.floor(root_swap * I[L.P_ROOT].astype(np.float64)), 0.0).astype(np.int64)
                for row in (L.P_OWNER, L.P_SERVER, L.P_VAL, L.P_ROOT):
                    I[row] = np.where(due, 0, I[row])
            # EMA price
            p_now = _spot(I, F, IP)
            if ema_rule == L.EMA_AGE:
                # from registration (v2.0.6 – v2.0.9) or start_call, saturating as on chain (spec §3.3)
                origin = I[L.REG_AT] if ema_from_reg else np.maximum(I[L.FIRST_EM] - 1, 0)
                age = np.maximum(b - origin, 0).astype(np.float64)
                a = np.where(age + h_ema > 0, m_alpha * age / (age + h_ema), 0.0)
            else:
                a = np.full(n, m_alpha)
            target = p_now if ema_rule == L.EMA_UNCLAMPED else np.minimum(p_now, 1.0)
            F[L.EMA] = np.where(act, (1.0 - a) * F[L.EMA] + a * target, F[L.EMA])
            # issuance (spec §1)
            tao_mat_total = int(tin_mat.sum())
            spent_total = int(spent.sum())
            recycled = E - tao_mat_total - spent_total - stranded
            exo = int(np.floor(Ef * recycle_rate))
            G[L.G_MINTED] += E
            G[L.G_TAO_MAT] += tao_mat_total
            G[L.G_CHAIN] += spent_total
            G[L.G_STRANDED] += stranded
            G[L.G_RECYC_CB] += recycled
            G[L.G_RECYC_OTHER] += exo
            G[L.G_ISS] += E - recycled - exo
            G[L.G_E] = E
            G[L.G_SELL] = 1 if sell_flag else 0
            G[L.G_BLOCK] = b + 1
            # users: root claims and emission sales
            m = sell_root > 0
            if m.any():
                ok, got = _apply_sell(I, F, G, IP, m, sell_root.astype(np.float64), fee_u16, flat_fee, fee_in_pool,
                                      True, L.SRC_ROOT_CLAIMS)
                I[L.CUM_ROOT_TAO] += np.where(ok, got, 0.0).astype(np.int64)
            m = sell_user > 0
            if m.any():
                amt = np.minimum(sell_user, _liquid(I)).astype(np.float64)
                _apply_sell(I, F, G, IP, m, amt, fee_u16, flat_fee, fee_in_pool, False, L.SRC_EMISSION_SALES)
            rel = b - start + 1
            if noise_every > 0 and rel % noise_every == 0:
                x = noise[kn] * sigma * I[L.TAO].astype(np.float64)
                _signed_trades(I, F, G, IP, act, x, fee_u16, flat_fee, fee_in_pool, L.SRC_NOISE)
                kn += 1
            if chase_every > 0 and rel % chase_every == 0 and budget > 0.0:
                pr = _spot(I, F, IP)
                mc = np.where(act, pr * I[L.AOUT].astype(np.float64), 0.0)
                pos = mc > 0.0
                s_share = _ssum(np.where(pos, F[L.SHARE], 0.0))
                s_mcap = _ssum(np.where(pos, mc, 0.0))
                if s_share > 0.0 and s_mcap > 0.0:
                    ybar = s_share / s_mcap
                    ratio = np.where(pos, (F[L.SHARE] / np.where(pos, mc, 1.0)) / ybar, 0.0)
                    u = np.where(pos, mc * np.maximum(1.0 - ratio, 0.0), 0.0)
                    v = np.where(pos, mc * np.maximum(ratio - 1.0, 0.0), 0.0)
                    su = _ssum(u)
                    sv = _ssum(v)
                    if su > 0.0 and sv > 0.0:
                        sm = u > 0.0
                        amt = np.minimum(np.floor(np.where(sm, budget * u / su / np.where(sm, pr, 1.0), 0.0)),
                                         _liquid(I).astype(np.float64))
                        sm &= amt >= 1.0
                        ok, got = _apply_sell(I, F, G, IP, sm, amt, fee_u16, flat_fee, fee_in_pool, False,
                                              L.SRC_CHASERS)
                        proceeds = _ssum(np.where(ok & (got > 0.0), got, 0.0))
                        bm = v > 0.0
                        d = np.floor(np.where(bm, proceeds * v / sv, 0.0))
                        bm &= d >= 1.0
                        _apply_buy(I, F, G, IP, bm, d, fee_u16, flat_fee, fee_in_pool, False, L.SRC_CHASERS)
            for pol in custom:
                if rel % int(getattr(pol, "every", 360)) == 0:
                    pr = _spot(I, F, IP)
                    view = StateView(
                        block=b, netuid=I[L.NETUID].copy(), active=act.copy(), price=np.where(act, pr, 0.0),
                        ema_price=F[L.EMA].copy(), share=F[L.SHARE].copy(),
                        tao_reserve_tao=I[L.TAO] * 1e-9, alpha_in=I[L.AIN] * 1e-9, alpha_out=I[L.AOUT] * 1e-9,
                    )
                    x = np.asarray(pol.trades(view, rng), dtype=np.float64)
                    if x.shape != (n,) or not np.all(np.isfinite(x)):
                        raise ValueError(f"{type(pol).__name__}.trades must return {n} finite TAO amounts, got "
                                         f"shape {x.shape}")
                    _signed_trades(I, F, G, IP, act, x * 1e9, fee_u16, flat_fee, fee_in_pool, L.SRC_CUSTOM)
            if rel % rec_every == 0 or b == last_block:
                record(I, F, G, IP, FP, rec_sub, rec_glob, (rel + rec_every - 1) // rec_every)
            if debug == 1:
                code, slot = check_conservation(I, G, recycled)
                if code != 0:
                    G[L.G_ERR] = code
                    G[L.G_ERR_BLOCK] = b
                    G[L.G_ERR_SLOT] = slot
                    return code
    finally:
        errs.__exit__(None, None, None)
    G[L.G_NOISE_I] += kn
    return 0
