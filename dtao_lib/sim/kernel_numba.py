"""The compiled engine: a numba kernel that loops over blocks and, inside each block, over subnets.

:func:`run_blocks` advances a :class:`~dtao_lib.sim.state.SimState` block by block from
``G[G_BLOCK]`` to ``t_end`` (exclusive), in place, recording every ``record_every``-th block into the
preallocated buffers. Per block, in the chain's order (spec §3.1):

1. ``E`` from issuance (spec §1); TaoFlow EMAs fold in the previous block's flows (§3.2);
2. emission shares for the era (§3.2), with the emission gate where the era has one (addendum §A2:
   bar θ when unset or at ``block % 360 == 0``, Hill gate, renormalised); per subnet ``τ``, then
   ``τ_in, α_in`` and the excess with the era's cap (§3.4). The chain buy with the excess is a
   fee-free swap (bought alpha recycled or kept as protocol alpha; before spec 435 a failed swap
   strands its TAO), ordered as the era's ``run_coinbase.rs`` orders it
   (:func:`dtao_lib.sim.state.chain_buy_order`): subsidy era (v3.2.3 – v3.2.11) buy, then inject;
   Uniswap v3 (v3.2.12 – v3.4.7) inject, then buy; Balancer before spec 435 (v3.3.10, v3.4.8 –
   spec 434) weight update for the injection, buy on the pre-injection reserves with the new
   weights, then the reserves grow. From spec 435 (§A4): the chain buy first (a failed swap is
   refunded to the credit, so recycled), then the reservoir-aware weight update decides which of
   the pending ``(τ, α)`` become price-active;
3. ``α_out`` minted and split owner / miners / validators / root (§3.5); root alpha sold at once
   before v3.2.10, pending otherwise; epochs drain the pending pools (§3.6);
4. EMA price update (§3.3); issuance grows by ``E`` minus what was recycled; then the users' trades:
   root claims and emission sales of the drained epochs, noise traders, emission chasers
   (:mod:`dtao_lib.sim.policies`) — stakes beyond the TAO outside the pools and swaps the pool refuses
   are counted in ``G`` by source and reason;
5. records; conservation checks in debug mode.

The arithmetic is that of :func:`dtao_lib.coinbase.block` with ``exact=False`` and of the float
swap helpers of :mod:`dtao_lib.amm` (see :mod:`dtao_lib.sim.state` for exactness and tolerances).
The same code runs uncompiled (``run_blocks_py``), which is how the tests check that compilation
changes nothing; :mod:`dtao_lib.sim.kernel_numpy` is the vectorised fallback.

``numba`` is optional: :data:`AVAILABLE` is False without it (or with ``DTAO_NO_NUMBA=1``) and
``engine="auto"`` then uses numpy.
The first call compiles the kernel (a few seconds: 5.6 s on the 2-core reference machine of
``benchmarks/reference.json``) and caches it on disk (``cache=True``); later processes load it in
well under a second. ``benchmarks/simulator.py`` keeps that time out of its figures and reports it.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

from . import _layout as L
from ._scalar import (
    _jitable,
    adjust_liquidity,
    block_emission,
    buy,
    chain_buy,
    floor32,
    gate_bar,
    gate_r_hi,
    grid32,
    hill_gate,
    inject_weight,
    reject_reason,
    sell,
    spot_price,
)

NO_NUMBA_ENV = "DTAO_NO_NUMBA"
"""Set to ``1`` to run as if numba were not installed (the numpy engine; tests and the chapter's
base-dependency check use it)."""

try:
    if os.environ.get(NO_NUMBA_ENV, "") == "1":
        raise ImportError(f"{NO_NUMBA_ENV}=1")
    import numba

    AVAILABLE = True
except ImportError:  # pragma: no cover - exercised only without numba
    numba = None
    AVAILABLE = False


__all__ = ["AVAILABLE", "compile_seconds", "ensure_compiled", "run_blocks", "run_blocks_py"]


@_jitable
def _liquid(I, i):  # noqa: E741
    """Alpha users can sell: outside the pool and not pending."""
    return I[L.AOUT, i] - I[L.P_OWNER, i] - I[L.P_SERVER, i] - I[L.P_VAL, i] - I[L.P_ROOT, i]


@_jitable
def reject(G, src, reason, amount):
    """Count a refused user action (source ``SRC_*``, reason ``RSN_*``) and its amount in rao."""
    G[L.G_REJ + src * L.N_RSN + reason] += 1
    G[L.G_REJ_AMT + src * L.N_RSN + reason] += int(min(amount, 1e17))  # each counted up to 1e8 TAO


@_jitable
def free_tao(I, G):  # noqa: E741
    """TAO that users can stake: the issuance minus the TAO in pools, reservoirs and stranded accounts."""
    held = 0
    for i in range(I.shape[1]):
        held += I[L.TAO, i] + I[L.RES_TAO, i] + I[L.OFF_TAO, i]
    return G[L.G_ISS] - held - G[L.G_STRANDED]


@_jitable
def apply_buy(I, F, G, IP, i, d, fee_u16, flat_fee, fee_in_pool, protocol, src):  # noqa: E741
    """Stake ``d`` rao of TAO into slot ``i`` (in place). Returns the alpha bought (0 if the pool refused,
    which is counted in ``G`` with its reason)."""
    ok, out, into, fee = buy(IP[L.IP_POOL], float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i], d,
                             fee_u16, flat_fee, fee_in_pool)
    if not ok:
        reject(G, src, reject_reason(IP[L.IP_POOL], float(I[L.TAO, i]), float(I[L.AIN, i]), d), d)
        return 0.0
    into_i = int(into)
    out_i = int(out)
    held = 0
    if fee_in_pool == 1 and IP[L.IP_V3_LIQ] != L.V3LIQ_OFF:  # the v3 position holds the fee off the price
        held = math.floor(d * (fee_u16 / 65535.0))
        I[L.RES_TAO, i] += held
        I[L.CUM_FEE_TAO, i] += held
    I[L.TAO, i] += into_i - held
    I[L.AIN, i] -= out_i
    I[L.AOUT, i] += out_i
    I[L.CUM_TRADE_TAO, i] += into_i - held
    I[L.CUM_AUTHOR_TAO, i] += int(fee)
    I[L.CUM_STAKED, i] += int(d)
    if protocol:
        F[L.PFLOW_ACC, i] += into
    else:
        F[L.FLOW_ACC, i] += into
    return out


@_jitable
def apply_sell(I, F, G, IP, i, alpha, fee_u16, flat_fee, fee_in_pool, protocol, src):  # noqa: E741
    """Unstake ``alpha`` rao from slot ``i`` (in place). Returns the TAO paid to the seller (−1 if the pool
    refused, which is counted in ``G`` with its reason)."""
    ok, out, author, burned = sell(IP[L.IP_POOL], float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i], alpha,
                                   fee_u16, flat_fee, fee_in_pool)
    if not ok:
        reject(G, src, reject_reason(IP[L.IP_POOL], float(I[L.AIN, i]), float(I[L.TAO, i]), alpha), alpha)
        return -1.0
    a_i = int(alpha)
    burned_i = int(burned)
    paid = int(out) + int(author)
    held = 0
    if fee_in_pool == 1 and IP[L.IP_V3_LIQ] != L.V3LIQ_OFF:  # the v3 position holds the alpha fee off the price
        held = math.floor(alpha * (fee_u16 / 65535.0))
        I[L.RES_ALPHA, i] += held
    I[L.AOUT, i] -= a_i
    I[L.AIN, i] += a_i - burned_i - held
    I[L.TAO, i] -= paid
    I[L.CUM_TRADE_TAO, i] -= paid
    I[L.CUM_AUTHOR_TAO, i] += int(author)
    I[L.CUM_ALPHA_RECYC, i] += burned_i
    I[L.CUM_UNSTAKED, i] += int(out)
    if protocol:
        F[L.PFLOW_ACC, i] -= paid
    else:
        F[L.FLOW_ACC, i] -= paid
    return out


@_jitable
def v3_split(tao: float, alpha: float, pend_t: int, pend_a: int) -> tuple[int, int]:
    """``get_proportional_alpha_tao_and_remainders`` at the price ``p = tao/alpha``: the part of the pending
    ``(τ, α)`` the v3 position takes (v3.2.10 – v3.4.7, :func:`dtao_lib.sim.state.v3_liquidity`)::

        τ_eq = ⌊α·p⌋;  τ_eq ≤ τ → (τ_eq, α);  else → (τ, ⌊τ/p⌋)
    """
    p = tao / alpha
    t_eq = math.floor(pend_a * p)
    if t_eq <= pend_t:
        return int(t_eq), pend_a
    return pend_t, min(math.floor(pend_t / p), pend_a)


@_jitable
def v3_sqrt_growth(tao: float, alpha: float, pend_t: int, pend_a: int) -> tuple[int, int]:
    """v3.2.4 – v3.2.9: growth ``(⌊T·(k−1)⌋, ⌊A·(k−1)⌋)`` of the price-active reserves when ``(τ, α)`` join
    the position at an unchanged √p: ``k = L'/L = √((1 + τ/T)(1 + α/A))``."""
    g = math.expm1(0.5 * (math.log1p(pend_t / tao) + math.log1p(pend_a / alpha)))
    return math.floor(tao * g), math.floor(alpha * g)


@_jitable
def _inject(I, F, i, tin, ain, scrap):  # noqa: E741
    """Add an accepted injection ``(τ_in, α_in)`` to slot ``i``'s reserves and ledgers (eras without reservoirs).

    ``scrap`` (:data:`~._layout.V3LIQ_SCRAP`): the v3 position takes the part of injection + held fees +
    scrap proportional to its price (:func:`v3_split`); the rest stays in ``RES_TAO``/``RES_ALPHA``.
    ``V3LIQ_SQRT``: injection + held fees join at the same √p (:func:`v3_sqrt_growth`); deposit − growth
    goes to ``OFF_TAO``/``OFF_ALPHA``."""
    if scrap == L.V3LIQ_SQRT:
        pend_t = I[L.RES_TAO, i] + tin
        pend_a = I[L.RES_ALPHA, i] + ain
        dt, da = v3_sqrt_growth(float(I[L.TAO, i]), float(max(I[L.AIN, i], 1)), pend_t, pend_a)
        I[L.RES_TAO, i] = 0
        I[L.RES_ALPHA, i] = 0
        I[L.OFF_TAO, i] += pend_t - dt
        I[L.OFF_ALPHA, i] += pend_a - da
        I[L.TAO, i] += dt
        I[L.AIN, i] += da
        I[L.CUM_TAO_IN, i] += dt
        I[L.CUM_TAO_MAT, i] += tin
        I[L.CUM_ALPHA_INJ, i] += ain
        F[L.PFLOW_ACC, i] += tin
        return
    if scrap == L.V3LIQ_SCRAP:
        pend_t = I[L.RES_TAO, i] + tin
        pend_a = I[L.RES_ALPHA, i] + ain
        at, aa = v3_split(float(I[L.TAO, i]), float(max(I[L.AIN, i], 1)), pend_t, pend_a)
        I[L.RES_TAO, i] = pend_t - at
        I[L.RES_ALPHA, i] = pend_a - aa
        I[L.TAO, i] += at
        I[L.AIN, i] += aa
        I[L.CUM_TAO_IN, i] += at
        I[L.CUM_TAO_MAT, i] += tin
        I[L.CUM_ALPHA_INJ, i] += ain
        F[L.PFLOW_ACC, i] += tin
        return
    I[L.TAO, i] += tin
    I[L.AIN, i] += ain
    I[L.CUM_TAO_IN, i] += tin
    I[L.CUM_TAO_MAT, i] += tin
    I[L.CUM_ALPHA_INJ, i] += ain
    F[L.PFLOW_ACC, i] += tin


def run_blocks_py(I, F, G, IP, FP, t_end, last_block, noise, rec_sub, rec_glob):  # noqa: E741
    """Advance the state to ``t_end`` (exclusive). Returns 0, or an error code of :mod:`._layout` in debug mode.

    ``noise`` holds the standard-normal draws of the noise events in this range, one row per event.
    """
    n = I.shape[1]
    start = IP[L.IP_START]
    share_rule = IP[L.IP_SHARE]
    inj = IP[L.IP_INJ]
    chain = IP[L.IP_CHAIN]
    kind = IP[L.IP_POOL]
    fee_u16 = IP[L.IP_FEE_U16]
    flat_fee = float(IP[L.IP_FLAT_FEE])
    fee_in_pool = IP[L.IP_FEE_IN_POOL]
    ema_rule = IP[L.IP_EMA]
    root_divs = IP[L.IP_ROOT_DIVS]
    sell_rule = IP[L.IP_SELL_RULE]
    no_flag = IP[L.IP_NO_FLAG]
    epoch_rule = IP[L.IP_EPOCH]
    tempo = IP[L.IP_TEMPO]
    noise_every = IP[L.IP_NOISE_EVERY]
    chase_every = IP[L.IP_CHASE_EVERY]
    rec_every = IP[L.IP_REC_EVERY]
    debug = IP[L.IP_DEBUG]
    tw_root = FP[L.FP_TW_ROOT]
    oc = FP[L.FP_OWNER_CUT]
    m_alpha = FP[L.FP_MOVING_ALPHA]
    h_ema = FP[L.FP_EMA_HALVING]
    fa = FP[L.FP_FLOW_ALPHA]
    flow_p = FP[L.FP_FLOW_P]
    cutoff = FP[L.FP_FLOW_CUTOFF]
    recycle_rate = FP[L.FP_RECYCLE]
    root_swap = FP[L.FP_ROOT_SWAP]
    emit_sell = FP[L.FP_EMIT_SELL]
    sigma = FP[L.FP_NOISE_SIGMA]
    budget = FP[L.FP_CHASE_BUDGET]
    gate = IP[L.IP_GATE]
    gate_rank = IP[L.IP_GATE_RANK]
    bar_every = IP[L.IP_BAR_EVERY]
    burn_w = IP[L.IP_BURN_W]
    refund = IP[L.IP_REFUND]
    reservoirs = IP[L.IP_RESERVOIRS]
    subsidy_ae = IP[L.IP_SUBSIDY_AE]
    order = IP[L.IP_ORDER]
    refused_issued = IP[L.IP_REFUSED_ISSUED]
    v3_scrap = IP[L.IP_V3_LIQ]  # the v3 position's rule (V3LIQ_*) for _inject
    ema_from_reg = IP[L.IP_EMA_FROM_REG]
    gate_q = FP[L.FP_GATE_Q]
    gate_h = FP[L.FP_GATE_H]
    r_hi = gate_r_hi(gate_h) if gate_h > 0.0 else 1e308
    flow_era = share_rule == L.SHARE_FLOW or share_rule == L.SHARE_NET_FLOW

    ema_g = np.zeros(n)
    rp_cap = np.zeros(n)
    w = np.zeros(n)
    iss = np.zeros(n, dtype=np.int64)
    ae = np.zeros(n, dtype=np.int64)
    sell_user = np.zeros(n, dtype=np.int64)
    sell_root = np.zeros(n, dtype=np.int64)
    te_a = np.zeros(n, dtype=np.int64)
    tin_a = np.zeros(n, dtype=np.int64)
    exc_a = np.zeros(n, dtype=np.int64)
    ain_a = np.zeros(n, dtype=np.int64)
    subs_a = np.zeros(n, dtype=np.int64)
    o_a = np.zeros(n, dtype=np.int64)
    s_a = np.zeros(n, dtype=np.int64)
    v_a = np.zeros(n, dtype=np.int64)
    r_a = np.zeros(n, dtype=np.int64)
    u_a = np.zeros(n, dtype=np.int64)
    d_a = np.zeros(n, dtype=np.int64)
    kn = 0

    for b in range(G[L.G_BLOCK], t_end):
        E = block_emission(G[L.G_ISS])
        Ef = float(E)
        # 1. flow EMAs fold in the previous block's accumulators (spec §3.2)
        for i in range(n):
            if I[L.ACTIVE, i] == 1 and flow_era:
                F[L.FLOW, i] = (1.0 - fa) * F[L.FLOW, i] + fa * F[L.FLOW_ACC, i]
                F[L.PFLOW, i] = (1.0 - fa) * F[L.PFLOW, i] + fa * F[L.PFLOW_ACC, i]
            F[L.FLOW_ACC, i] = 0.0
            F[L.PFLOW_ACC, i] = 0.0
        # 2a. per-subnet inputs of the shares
        sum_ema = 0.0
        sum_ema_en = 0.0
        all_enabled = True
        for i in range(n):  # branch-free, vectorised: alpha issuance, EMA on its grid, root proportion
            iss_i = I[L.AIN, i] + I[L.AOUT, i] + I[L.PROT, i] + I[L.RES_ALPHA, i] + I[L.OFF_ALPHA, i]
            iss[i] = iss_i
            ema_g[i] = grid32(F[L.EMA, i])
            den = tw_root + float(iss_i)
            rp = floor32(tw_root / den) if den > 0.0 else 0.0
            rp_cap[i] = rp
            F[L.RP, i] = rp if I[L.ACTIVE, i] == 1 else F[L.RP, i]
        for i in range(n):  # in slot order: the sums are sequential, as the chain adds
            if I[L.ACTIVE, i] == 0:
                continue
            ae[i] = block_emission(iss[i])
            eg = ema_g[i]
            sum_ema += eg
            if I[L.ENABLED, i] == 1:
                sum_ema_en += eg
            else:
                all_enabled = False
        sell_flag = sum_ema > 1.0
        # 2b. shares (spec §3.2)
        if share_rule == L.SHARE_EMA:
            for i in range(n):
                if I[L.ACTIVE, i] == 1 and I[L.ENABLED, i] == 1 and sum_ema_en > 0.0:
                    F[L.SHARE, i] = ema_g[i] / sum_ema_en
                else:
                    F[L.SHARE, i] = 0.0
                F[L.PRE_GATE, i] = F[L.SHARE, i]
        else:
            if flow_era:
                c = 0.0
                if share_rule == L.SHARE_NET_FLOW:
                    pos_user = 0.0
                    pos_proto = 0.0
                    for i in range(n):
                        if I[L.ACTIVE, i] == 1:
                            pos_user += max(F[L.FLOW, i], 0.0)
                            pos_proto += max(F[L.PFLOW, i], 0.0)
                    c = min(1.0, pos_user / pos_proto) if pos_proto > 0.0 else 0.0
                low = 0.0
                for i in range(n):
                    if I[L.ACTIVE, i] == 1:
                        s = F[L.FLOW, i]
                        if share_rule == L.SHARE_NET_FLOW:
                            pf = F[L.PFLOW, i]
                            s = s - c * pf if pf > 0.0 else s - pf
                        w[i] = s
                        low = min(low, min(s, 0.0))
                low = max(cutoff, low)
                zmax = 0.0
                for i in range(n):
                    if I[L.ACTIVE, i] == 1:
                        w[i] = w[i] - low if w[i] > low else 0.0
                        zmax = max(zmax, w[i])
                wsum = 0.0
                for i in range(n):
                    if I[L.ACTIVE, i] == 1:
                        if flow_p != 1.0 and zmax > 0.0:
                            if flow_p == 0.0:
                                w[i] = 1.0 if w[i] > 0.0 else 0.0
                            else:
                                w[i] = (w[i] / zmax) ** flow_p
                        wsum += w[i]
                for i in range(n):
                    if I[L.ACTIVE, i] == 1:
                        F[L.SHARE, i] = w[i] / wsum if wsum > 0.0 else 0.0
                        F[L.PRE_GATE, i] = F[L.SHARE, i]
            else:
                sum_safe = sum_ema if sum_ema > 0.0 else 1.0
                for i in range(n):  # branch-free (vectorised): price shares and their weights
                    act = I[L.ACTIVE, i] == 1
                    ps = ema_g[i] / sum_safe if sum_ema > 0.0 else 0.0
                    wi = ps * (1.0 - grid32(F[L.BURN, i])) if burn_w == 1 else ps
                    wi = wi * rp_cap[i] if share_rule == L.SHARE_PRICE_BURN_RP else wi
                    F[L.SHARE, i] = ps if act else F[L.SHARE, i]
                    w[i] = wi if act else 0.0
                wsum = 0.0
                for i in range(n):  # in slot order, as the chain adds
                    wsum += w[i]
                w_safe = wsum if wsum > 0.0 else 1.0
                for i in range(n):  # every weight 0: the price shares stay (era C too, v3.4.6 L362-372)
                    act = I[L.ACTIVE, i] == 1
                    sh = w[i] / w_safe if wsum > 0.0 else F[L.SHARE, i]
                    F[L.SHARE, i] = sh if act else F[L.SHARE, i]
                    F[L.PRE_GATE, i] = sh if act else F[L.PRE_GATE, i]
                # the emission gate (spec §A2): bar every bar_every blocks or when unset, Hill gate, renormalise
                if gate != L.GATE_NONE:
                    bar = FP[L.FP_GATE_BAR]
                    if bar <= 0.0 or b % bar_every == 0:
                        theta = gate_bar(F[L.SHARE], I[L.ACTIVE], gate, gate_rank, gate_q)
                        if theta > 0.0:
                            bar = theta
                            FP[L.FP_GATE_BAR] = theta
                    if bar > 0.0:
                        for i in range(n):  # branch-free (vectorised): the Hill gate of every positive share
                            si = F[L.SHARE, i]
                            pos = I[L.ACTIVE, i] == 1 and si > 0.0
                            g = si * hill_gate(si if pos else 1.0, bar, gate_h, r_hi)
                            w[i] = g if pos else 0.0
                        gsum = 0.0
                        for i in range(n):  # in slot order
                            gsum += w[i]
                        if gsum > 0.0:  # all gated products 0: the ungated shares stay (7e20eb76)
                            for i in range(n):
                                sh = w[i] / gsum
                                F[L.SHARE, i] = sh if I[L.ACTIVE, i] == 1 else F[L.SHARE, i]
            if not all_enabled:
                en_sum = 0.0
                for i in range(n):
                    if I[L.ACTIVE, i] == 1 and I[L.ENABLED, i] == 1:
                        en_sum += F[L.SHARE, i]
                for i in range(n):
                    if I[L.ACTIVE, i] == 1:
                        if I[L.ENABLED, i] == 1 and en_sum > 0.0:
                            F[L.SHARE, i] = F[L.SHARE, i] / en_sum
                        else:
                            F[L.SHARE, i] = 0.0
        # 2c–4. injection, chain buy, α_out split, epochs, EMA price — subnet by subnet
        tao_in_total = 0
        spent_total = 0
        stranded_total = 0
        # the injection terms of every slot from the pre-injection state (spec §3.4): a branch-free loop
        # (the rule is loop-invariant), which LLVM vectorises; inactive slots are never read back
        for i in range(n):
            share = F[L.SHARE, i]
            te = Ef * share
            te_int = math.floor(te)
            aef = float(ae[i])
            p = grid32(spot_price(kind, float(I[L.TAO, i]), float(max(I[L.AIN, i], 1)), F[L.W2, i]))
            has_price = p > 0.0
            raw = te / (p if has_price else 1.0)
            subsidized = False
            if inj == L.INJ_FULL:
                alpha_in = min(raw if has_price else aef, aef)
                tao_in = te
                excess = 0.0
            elif inj == L.INJ_SUBSIDY:
                subsidized = p < share
                tao_in = p * Ef if subsidized else te
                alpha_in = (aef if subsidy_ae == 1 else Ef) if subsidized else (raw if has_price else aef)
                excess = max(te - tao_in, 0.0)
            else:
                if inj == L.INJ_CAP_AE:
                    cap = aef
                elif inj == L.INJ_CAP_MIN_E:
                    cap = min(aef, Ef)
                else:
                    cap = rp_cap[i] * aef
                alpha_raw = raw if has_price else 0.0
                capped = alpha_raw > cap
                alpha_in = cap if capped else alpha_raw
                tao_in = cap * p if capped else te
                excess = max(te - tao_in, 0.0)
            tin = min(math.floor(tao_in), te_int)
            te_a[i] = te_int
            tin_a[i] = tin
            exc_a[i] = min(math.floor(excess), te_int - tin)
            ain_a[i] = math.floor(alpha_in)
            subs_a[i] = 1 if subsidized else 0
        for i in range(n):
            if I[L.ACTIVE, i] == 0:
                continue
            te_int = te_a[i]
            tin = tin_a[i]
            exc = exc_a[i]
            ain = ain_a[i]
            subsidized = subs_a[i] == 1
            aei = ae[i]
            aef = float(aei)
            tao_f = float(I[L.TAO, i])
            a_f = float(I[L.AIN, i])
            w2 = F[L.W2, i]
            spent = 0
            bought = 0
            tin_mat = tin
            ain_pool = ain
            if reservoirs == 0 and order != L.ORDER_BUY_FIRST:
                # before spec 435 (state.chain_buy_order; every Balancer era is ORDER_WEIGHTS_FIRST): the
                # weights move for the injection, computed on the reserves before the buy (the price does
                # not move; refused outside [0.01, 0.99], and then its TAO never leaves the credit)
                if kind == L.POOL_BAL and (tin > 0 or ain > 0):
                    nw = inject_weight(w2, tao_f, a_f, float(tin), float(ain))
                    if nw < 0.0:
                        if refused_issued == 1:  # v3.3.10: issued all the same, in no pool
                            stranded_total += tin
                        tin = 0
                        ain = 0
                    else:
                        F[L.W2, i] = nw
                if order == L.ORDER_INJECT_FIRST:  # Uniswap v3 (v3.2.12+): the position grows, then the buy
                    _inject(I, F, i, tin, ain, v3_scrap)
                tin_mat = tin
                ain_pool = ain
            # the chain buy with the excess (fee-free swap); a failed swap strands its TAO unless refunded
            if exc > 0 and chain != L.CHAIN_NONE:
                ok, out = chain_buy(kind, float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i], float(exc))
                if ok:
                    spent = exc
                    bought = int(out)
                    I[L.TAO, i] += spent
                    I[L.AIN, i] -= bought
                    I[L.CUM_CHAIN_TAO, i] += spent
                    I[L.CUM_CHAIN_ALPHA, i] += bought
                    F[L.PFLOW_ACC, i] += spent
                    if chain == L.CHAIN_PROTOCOL:
                        I[L.PROT, i] += bought
                    else:
                        I[L.CUM_ALPHA_RECYC, i] += bought
                elif refund == 0:
                    stranded_total += exc
            if reservoirs == 0 and order != L.ORDER_INJECT_FIRST:
                # subsidy era (v3 pool): the injection after the buy; Balancer (ORDER_WEIGHTS_FIRST): the
                # reserves grow only now, the buy having swapped on the pre-injection reserves with the new weights
                _inject(I, F, i, tin, ain, v3_scrap)
                tin_mat = tin
                ain_pool = ain
            if reservoirs == 1:
                # from spec 435 (§A4): after the chain buy, τ_in is materialised and the Balancer takes
                # what its weight bounds allow of the pending amounts; the rest waits in the reservoirs
                pend_t = I[L.RES_TAO, i] + tin
                pend_a = I[L.RES_ALPHA, i] + ain
                at = 0
                aa = 0
                if pend_t > 0 or pend_a > 0:
                    w_i = F[L.W2, i]
                    t_i = float(I[L.TAO, i])
                    a_i = float(I[L.AIN, i])
                    nw = inject_weight(w_i, t_i, a_i, float(pend_t), float(pend_a))
                    if nw >= 0.0:  # both fit: the usual case, written out
                        at = pend_t
                        aa = pend_a
                        F[L.W2, i] = nw
                    else:
                        acc_t, acc_a, nw = adjust_liquidity(w_i, t_i, a_i, float(pend_t), float(pend_a))
                        F[L.W2, i] = nw
                        at = int(acc_t)
                        aa = int(acc_a)
                I[L.RES_TAO, i] = pend_t - at
                I[L.RES_ALPHA, i] = pend_a - aa
                I[L.TAO, i] += at
                I[L.AIN, i] += aa
                I[L.CUM_TAO_MAT, i] += tin
                I[L.CUM_TAO_IN, i] += at
                I[L.CUM_ALPHA_INJ, i] += ain
                F[L.PFLOW_ACC, i] += at
                tin = at
                ain_pool = aa
            tao_in_total += tin_mat
            spent_total += spent
            ain_a[i] = ain  # alpha minted for the pool (it counts in the issuance of the split's root proportion)
            I[L.LAST_TE, i] = te_int
            I[L.LAST_TAO_IN, i] = tin
            I[L.LAST_ALPHA_IN, i] = ain_pool
            I[L.LAST_EXCESS, i] = spent
            I[L.LAST_AE, i] = aei
            I[L.LAST_CHAIN_ALPHA, i] = bought
            if debug == 1 and tin_mat + spent > te_int:
                G[L.G_ERR] = L.ERR_SPLIT
                G[L.G_ERR_BLOCK] = b
                G[L.G_ERR_SLOT] = i
                return L.ERR_SPLIT
        # α_out split (spec §3.5), root proportion on the post-injection issuance: a branch-free loop
        no_root = sell_rule == 1 and not sell_flag
        for i in range(n):
            aef = float(ae[i])
            post = float(iss[i]) + float(ain_a[i]) + aef
            den2 = tw_root + post
            rp_split = floor32(tw_root / den2) if den2 > 0.0 else 0.0
            cut = aef * oc
            rest = aef - cut
            root_alpha = rp_split * rest * 0.5
            server = rest * 0.5
            validator = rest - server - root_alpha
            paid = root_alpha
            unpaid = 0.0
            if no_root:
                paid = 0.0
                if no_flag == L.NOFLAG_VALIDATORS:
                    validator = rest - server
                else:
                    unpaid = root_alpha
            elif inj == L.INJ_SUBSIDY and subs_a[i] == 1:
                paid = 0.0
                unpaid = root_alpha
            o_i = math.floor(max(cut, 0.0))
            s_i = math.floor(max(server, 0.0))
            v_i = math.floor(max(validator, 0.0))
            r_i = math.floor(max(paid, 0.0))
            u_i = math.floor(max(unpaid, 0.0))
            dust = ae[i] - o_i - s_i - v_i - r_i - u_i
            o_a[i] = o_i
            s_a[i] = s_i
            v_a[i] = v_i + min(dust, 0)  # float rounding can never assign more than α_out
            r_a[i] = r_i
            u_a[i] = u_i
            d_a[i] = max(dust, 0)
        for i in range(n):
            sell_user[i] = 0
            sell_root[i] = 0
            if I[L.ACTIVE, i] == 0:
                continue
            aei = ae[i]
            o_i = o_a[i]
            s_i = s_a[i]
            v_i = v_a[i]
            r_i = r_a[i]
            u_i = u_a[i]
            I[L.AOUT, i] += aei
            I[L.CUM_ALPHA_EMIT, i] += aei
            I[L.P_OWNER, i] += o_i
            I[L.P_SERVER, i] += s_i
            I[L.P_VAL, i] += v_i
            if u_i > 0:
                I[L.AOUT, i] -= u_i
                I[L.CUM_ALPHA_RECYC, i] += u_i
            if r_i > 0:
                if root_divs == L.ROOT_SOLD_EACH_BLOCK:  # apply_sell(..., fee-free, protocol), written out
                    ok_s, out_s, auth_s, burn_s = sell(kind, float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i],
                                                       float(r_i), 0, 0.0, 1)
                    if ok_s:
                        paid_s = int(out_s) + int(auth_s)
                        I[L.AOUT, i] -= r_i
                        I[L.AIN, i] += r_i - int(burn_s)
                        I[L.TAO, i] -= paid_s
                        I[L.CUM_TRADE_TAO, i] -= paid_s
                        I[L.CUM_AUTHOR_TAO, i] += int(auth_s)
                        I[L.CUM_ALPHA_RECYC, i] += int(burn_s)
                        I[L.CUM_UNSTAKED, i] += int(out_s)
                        F[L.PFLOW_ACC, i] -= paid_s
                        I[L.CUM_ROOT_TAO, i] += int(out_s)
                else:
                    I[L.P_ROOT, i] += r_i
            if debug == 1 and (o_i < 0 or s_i < 0 or v_i < 0 or r_i < 0 or u_i < 0
                               or o_i + s_i + v_i + r_i + u_i + d_a[i] != aei):
                G[L.G_ERR] = L.ERR_SPLIT
                G[L.G_ERR_BLOCK] = b
                G[L.G_ERR_SLOT] = i
                return L.ERR_SPLIT
            # epoch: drain the pending pools (spec §3.6)
            if epoch_rule == L.EPOCH_TEMPO_PLUS_ONE:
                due = (b + I[L.NETUID, i] + 1) % (tempo + 1) == 0
            else:
                due = b - I[L.LAST_EPOCH, i] >= tempo
            if due:
                I[L.LAST_EPOCH, i] = b
                po = I[L.P_OWNER, i]
                psv = I[L.P_SERVER, i]
                pr = I[L.P_ROOT, i]
                I[L.P_OWNER, i] = 0
                I[L.P_SERVER, i] = 0
                I[L.P_VAL, i] = 0
                I[L.P_ROOT, i] = 0
                sell_user[i] = math.floor(emit_sell * float(po + psv))
                sell_root[i] = math.floor(root_swap * float(pr))
        # EMA price (spec §3.3), after the coinbase: one branch-free loop over the slots, which LLVM
        # vectorises (the slots are independent; inactive slots keep their value)
        for i in range(n):
            p_now = spot_price(kind, float(I[L.TAO, i]), float(max(I[L.AIN, i], 1)), F[L.W2, i])
            # age from registration (v2.0.6 – v2.0.9) or from start_call = FirstEmissionBlockNumber − 1,
            # both subtractions saturating at 0 as on chain (stake_utils.rs v2.0.6 L60-62, v2.0.10 L61-69)
            origin = I[L.REG_AT, i] if ema_from_reg == 1 else max(I[L.FIRST_EM, i] - 1, 0)
            agef = float(max(b - origin, 0))
            a_age = m_alpha * agef / (agef + h_ema) if agef + h_ema > 0.0 else 0.0
            a = a_age if ema_rule == L.EMA_AGE else m_alpha
            target = p_now if ema_rule == L.EMA_UNCLAMPED else min(p_now, 1.0)
            new_ema = (1.0 - a) * F[L.EMA, i] + a * target
            F[L.EMA, i] = new_ema if I[L.ACTIVE, i] == 1 else F[L.EMA, i]
        # 4a. issuance: E minus what the coinbase and the exogenous rate recycled (spec §1)
        recycled = E - tao_in_total - spent_total - stranded_total
        exo = math.floor(Ef * recycle_rate)
        G[L.G_MINTED] += E
        G[L.G_TAO_MAT] += tao_in_total
        G[L.G_CHAIN] += spent_total
        G[L.G_STRANDED] += stranded_total
        G[L.G_RECYC_CB] += recycled
        G[L.G_RECYC_OTHER] += exo
        G[L.G_ISS] += E - recycled - exo
        G[L.G_E] = E
        G[L.G_SELL] = 1 if sell_flag else 0
        G[L.G_BLOCK] = b + 1
        # 4b. users: root claims and emission sales of the drained epochs
        for i in range(n):
            if sell_root[i] > 0:
                got = apply_sell(I, F, G, IP, i, float(sell_root[i]), fee_u16, flat_fee, fee_in_pool, True,
                                 L.SRC_ROOT_CLAIMS)
                if got >= 0.0:
                    I[L.CUM_ROOT_TAO, i] += int(got)
            if sell_user[i] > 0:
                apply_sell(I, F, G, IP, i, float(min(sell_user[i], _liquid(I, i))), fee_u16, flat_fee, fee_in_pool,
                           False, L.SRC_EMISSION_SALES)
        rel = b - start + 1
        # 4c. noise traders: no stake beyond the TAO outside the pools (refused and counted, never clipped)
        if noise_every > 0 and rel % noise_every == 0:
            free = float(free_tao(I, G))
            for i in range(n):
                if I[L.ACTIVE, i] == 0:
                    continue
                x = noise[kn, i] * sigma * float(I[L.TAO, i])
                if x >= 1.0:
                    d = float(math.floor(x))
                    if d > free:
                        reject(G, L.SRC_NOISE, L.RSN_SUPPLY, d)
                    else:
                        free -= d
                        apply_buy(I, F, G, IP, i, d, fee_u16, flat_fee, fee_in_pool, False, L.SRC_NOISE)
                elif x <= -1.0:
                    pr_i = spot_price(kind, float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i])
                    amt = min(float(math.floor(-x / pr_i)), float(_liquid(I, i)))
                    if amt >= 1.0:
                        apply_sell(I, F, G, IP, i, amt, fee_u16, flat_fee, fee_in_pool, False, L.SRC_NOISE)
            kn += 1
        # 4d. emission chasers
        if chase_every > 0 and rel % chase_every == 0 and budget > 0.0:
            s_share = 0.0
            s_mcap = 0.0
            for i in range(n):
                w[i] = 0.0
                if I[L.ACTIVE, i] == 1:
                    pr_i = spot_price(kind, float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i])
                    mc = pr_i * float(I[L.AOUT, i])
                    w[i] = mc
                    if mc > 0.0:
                        s_share += F[L.SHARE, i]
                        s_mcap += mc
            if s_share > 0.0 and s_mcap > 0.0:
                ybar = s_share / s_mcap
                su = 0.0
                sv = 0.0
                for i in range(n):
                    if w[i] > 0.0:
                        ratio = (F[L.SHARE, i] / w[i]) / ybar
                        su += w[i] * max(1.0 - ratio, 0.0)
                        sv += w[i] * max(ratio - 1.0, 0.0)
                if su > 0.0 and sv > 0.0:
                    proceeds = 0.0
                    for i in range(n):
                        if w[i] > 0.0:
                            ratio = (F[L.SHARE, i] / w[i]) / ybar
                            u = w[i] * max(1.0 - ratio, 0.0)
                            if u > 0.0:
                                pr_i = spot_price(kind, float(I[L.TAO, i]), float(I[L.AIN, i]), F[L.W2, i])
                                amt = min(float(math.floor(budget * u / su / pr_i)), float(_liquid(I, i)))
                                if amt >= 1.0:
                                    got = apply_sell(I, F, G, IP, i, amt, fee_u16, flat_fee, fee_in_pool, False,
                                                     L.SRC_CHASERS)
                                    if got > 0.0:
                                        proceeds += got
                    for i in range(n):
                        if w[i] > 0.0:
                            ratio = (F[L.SHARE, i] / w[i]) / ybar
                            v = w[i] * max(ratio - 1.0, 0.0)
                            if v > 0.0:
                                d = float(math.floor(proceeds * v / sv))
                                if d >= 1.0:
                                    apply_buy(I, F, G, IP, i, d, fee_u16, flat_fee, fee_in_pool, False,
                                              L.SRC_CHASERS)
        # 5. records
        if rel % rec_every == 0 or b == last_block:
            r = (rel + rec_every - 1) // rec_every
            record(I, F, G, IP, FP, rec_sub, rec_glob, r)
        # conservation checks
        if debug == 1:
            code, slot = check_conservation(I, G, recycled)
            if code != 0:
                G[L.G_ERR] = code
                G[L.G_ERR_BLOCK] = b
                G[L.G_ERR_SLOT] = slot
                return code
    G[L.G_NOISE_I] += kn
    return 0


@_jitable
def record(I, F, G, IP, FP, rec_sub, rec_glob, r):  # noqa: E741
    """Write row ``r`` of the records (amounts in TAO / alpha)."""
    n = I.shape[1]
    kind = IP[L.IP_POOL]
    n_act = 0
    sum_ema = 0.0
    chain_tao = 0
    author = 0
    root_tao = 0
    staked = 0
    unstaked = 0
    for i in range(n):
        act = I[L.ACTIVE, i]
        rec_sub[r, L.M_ACTIVE, i] = float(act)
        rec_sub[r, L.M_NETUID, i] = float(I[L.NETUID, i])
        rec_sub[r, L.M_GEN, i] = float(I[L.GEN, i])
        if act == 0:
            continue
        n_act += 1
        sum_ema += F[L.EMA, i]
        tao = float(I[L.TAO, i])
        a_in = float(I[L.AIN, i])
        rec_sub[r, L.M_PRICE, i] = spot_price(kind, tao, max(a_in, 1.0), F[L.W2, i])  # AIN floor 1, as the kernels
        rec_sub[r, L.M_EMA, i] = F[L.EMA, i]
        rec_sub[r, L.M_SHARE, i] = F[L.SHARE, i]
        rec_sub[r, L.M_TAO, i] = tao * 1e-9
        rec_sub[r, L.M_AIN, i] = a_in * 1e-9
        rec_sub[r, L.M_AOUT, i] = float(I[L.AOUT, i]) * 1e-9
        rec_sub[r, L.M_PROT, i] = float(I[L.PROT, i]) * 1e-9
        rec_sub[r, L.M_TAO_IN, i] = float(I[L.LAST_TAO_IN, i]) * 1e-9
        rec_sub[r, L.M_ALPHA_IN, i] = float(I[L.LAST_ALPHA_IN, i]) * 1e-9
        rec_sub[r, L.M_ALPHA_EMIT, i] = float(I[L.LAST_AE, i]) * 1e-9
        rec_sub[r, L.M_CHAIN_TAO, i] = float(I[L.LAST_EXCESS, i]) * 1e-9
        rec_sub[r, L.M_TE, i] = float(I[L.LAST_TE, i]) * 1e-9
        rec_sub[r, L.M_RP, i] = F[L.RP, i]
        rec_sub[r, L.M_FLOW, i] = F[L.FLOW, i] * 1e-9
        rec_sub[r, L.M_ENABLED, i] = float(I[L.ENABLED, i])
        rec_sub[r, L.M_RES_TAO, i] = float(I[L.RES_TAO, i] + I[L.OFF_TAO, i]) * 1e-9
        rec_sub[r, L.M_RES_ALPHA, i] = float(I[L.RES_ALPHA, i] + I[L.OFF_ALPHA, i]) * 1e-9
        rec_sub[r, L.M_PRE_GATE, i] = F[L.PRE_GATE, i]
        chain_tao += I[L.CUM_CHAIN_TAO, i]
        author += I[L.CUM_AUTHOR_TAO, i]
        root_tao += I[L.CUM_ROOT_TAO, i]
        staked += I[L.CUM_STAKED, i]
        unstaked += I[L.CUM_UNSTAKED, i]
    rec_glob[r, L.R_BLOCK] = float(G[L.G_BLOCK] - 1)
    rec_glob[r, L.R_ISS] = float(G[L.G_ISS]) * 1e-9
    rec_glob[r, L.R_E] = float(G[L.G_E]) * 1e-9
    rec_glob[r, L.R_SUM_EMA] = sum_ema
    rec_glob[r, L.R_SELL] = float(G[L.G_SELL])
    rec_glob[r, L.R_MINTED] = float(G[L.G_MINTED]) * 1e-9
    rec_glob[r, L.R_RECYC_CB] = float(G[L.G_RECYC_CB]) * 1e-9
    rec_glob[r, L.R_RECYC_OTHER] = float(G[L.G_RECYC_OTHER]) * 1e-9
    rec_glob[r, L.R_N_ACTIVE] = float(n_act)
    rec_glob[r, L.R_CHAIN_TAO] = float(chain_tao) * 1e-9
    rec_glob[r, L.R_AUTHOR_TAO] = float(author) * 1e-9
    rec_glob[r, L.R_ROOT_TAO] = float(root_tao) * 1e-9
    rec_glob[r, L.R_STAKED] = float(staked) * 1e-9
    rec_glob[r, L.R_UNSTAKED] = float(unstaked) * 1e-9
    rec_glob[r, L.R_BAR] = FP[L.FP_GATE_BAR]
    rec_glob[r, L.R_STRANDED] = float(G[L.G_STRANDED]) * 1e-9


@_jitable
def check_conservation(I, G, recycled):  # noqa: E741
    """The conservation identities of debug mode; returns (error code, slot) or (0, -1)."""
    if recycled < 0:
        return L.ERR_TAO_BLOCK, -1
    if G[L.G_ISS] != G[L.G_ISS0] + G[L.G_MINTED] - G[L.G_RECYC_CB] - G[L.G_RECYC_OTHER]:
        return L.ERR_ISSUANCE, -1
    if G[L.G_MINTED] != G[L.G_TAO_MAT] + G[L.G_CHAIN] + G[L.G_STRANDED] + G[L.G_RECYC_CB]:
        return L.ERR_MINTED, -1
    if free_tao(I, G) < 0:
        return L.ERR_SUPPLY, -1
    n = I.shape[1]
    for i in range(n):
        if I[L.ACTIVE, i] == 0:
            continue
        if (I[L.RES_TAO, i] + I[L.OFF_TAO, i] != I[L.CUM_TAO_MAT, i] - I[L.CUM_TAO_IN, i] + I[L.CUM_FEE_TAO, i]
                or I[L.RES_TAO, i] < 0 or I[L.RES_ALPHA, i] < 0):
            return L.ERR_RESERVOIR, i
        alpha = I[L.AIN, i] + I[L.AOUT, i] + I[L.PROT, i] + I[L.RES_ALPHA, i] + I[L.OFF_ALPHA, i]
        if alpha != I[L.INIT_ALPHA, i] + I[L.CUM_ALPHA_INJ, i] + I[L.CUM_ALPHA_EMIT, i] - I[L.CUM_ALPHA_RECYC, i]:
            return L.ERR_ALPHA_LEDGER, i
        if I[L.TAO, i] != I[L.INIT_TAO, i] + I[L.CUM_TAO_IN, i] + I[L.CUM_CHAIN_TAO, i] + I[L.CUM_TRADE_TAO, i]:
            return L.ERR_TAO_LEDGER, i
        if I[L.TAO, i] <= 0 or I[L.AIN, i] <= 0 or I[L.AOUT, i] < 0 or I[L.PROT, i] < 0:
            return L.ERR_NEGATIVE, i
        pend = I[L.P_OWNER, i] + I[L.P_SERVER, i] + I[L.P_VAL, i] + I[L.P_ROOT, i]
        if I[L.P_OWNER, i] < 0 or I[L.P_SERVER, i] < 0 or I[L.P_VAL, i] < 0 or I[L.P_ROOT, i] < 0:
            return L.ERR_NEGATIVE, i
        if pend > I[L.AOUT, i]:
            return L.ERR_PENDING, i
    return 0, -1


JIT_OPTIONS = {"error_model": "numpy", "fastmath": {"nnan", "ninf"}}
"""numba options of the kernel. ``error_model="numpy"`` drops the ZeroDivisionError checks (every
division is guarded); ``fastmath={"nnan", "ninf"}`` lets LLVM assume no NaN or infinity appears —
true of every valid state — which speeds up ``min``/``max`` and comparisons. Neither flag changes
the rounding of any operation (no reassociation, no fused multiply-add, no approximate functions), so
the compiled kernel still gives the bits of the uncompiled code and of the scalar reference."""

_COMPILED = None
_COMPILE_SECONDS: float | None = None


def _compiled():
    global _COMPILED
    if _COMPILED is None:
        if not AVAILABLE:
            raise RuntimeError("numba is not installed: use engine='numpy' (pip install 'dtao-lib[jit]')")
        _COMPILED = numba.njit(cache=True, nogil=True, **JIT_OPTIONS)(run_blocks_py)
    return _COMPILED


def run_blocks(I, F, G, IP, FP, t_end, last_block, noise, rec_sub, rec_glob):  # noqa: E741
    """Compiled :func:`run_blocks_py` (compiles or loads the on-disk cache on first use)."""
    return _compiled()(I, F, G, IP, FP, np.int64(t_end), np.int64(last_block), noise, rec_sub, rec_glob)


def ensure_compiled() -> float:
    """Compile (or load from the cache) the kernel now; returns the seconds it took (0 if already done).

    Runs the kernel once on a one-slot dummy state so that the compiled specialisation is the one every
    run uses (int64/float64 C-contiguous arrays).
    """
    global _COMPILE_SECONDS
    if _COMPILE_SECONDS is not None:
        return 0.0
    t = time.perf_counter()
    I = np.zeros((L.N_I, 1), dtype=np.int64)  # noqa: E741
    F = np.zeros((L.N_F, 1))
    G = np.zeros(L.N_G, dtype=np.int64)
    IP = np.zeros(L.N_IP, dtype=np.int64)
    FP = np.zeros(L.N_FP)
    IP[L.IP_REC_EVERY] = 1
    IP[L.IP_TEMPO] = 360
    run_blocks(I, F, G, IP, FP, 0, 0, np.zeros((1, 1)), np.zeros((1, L.N_M, 1)), np.zeros((1, L.N_R)))
    _COMPILE_SECONDS = time.perf_counter() - t
    return _COMPILE_SECONDS


def compile_seconds() -> float | None:
    """Seconds the first :func:`ensure_compiled` took in this process (compilation or cache load)."""
    return _COMPILE_SECONDS
