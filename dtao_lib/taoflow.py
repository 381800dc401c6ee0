"""TaoFlow: emission shares from the EMA of net staking flow (spec §3.2, eras B and B').

From ``v3.2.10`` (2025-11-04) to ``v3.4.5`` (2026-06-16) the chain split the block emission ``E``
across subnets by how much TAO was *staked into* each subnet, smoothed over about a month, instead
of by EMA price (``coinbase/subnet_emissions.rs::get_shares_flow``). Per subnet ``i`` and block:

1. **Flow accumulator** ``F_i`` (i64 rao, reset every block): ``+`` TAO paid into the pool by
   staking, ``−`` TAO paid out by unstaking (from ``v3.4.0`` registration burns count as inflow).
2. **Flow EMA** (I64F64)::

       S_i ← (1 − a)·S_i + a·F_i          a = FlowEmaSmoothingFactor / i64::MAX
                                            = 29 597 889 189 277 / (2^63 − 1) ≈ 3.209e-6

   i.e. a half-life of ``ln 2 / a ≈ 216 000`` blocks (30 days; vector FN-04). Initialised to 0
   by the ``migrate_init_tao_flow`` migration.
3. **Net flow** (era B', ``v3.4.0``+, ``NetTaoFlowEnabled`` default true). The protocol's own
   flow ``P_i`` (TAO injected + chain-buy TAO − root-sell TAO) is EMA'd the same way, then scaled
   so that its positive total does not exceed the users' positive total::

       c   = min(1, Σ max(S_j, 0) / Σ max(P_j, 0))     (c = 0 if no P_j > 0)
       N_i = S_i − c·P_i     if P_i > 0
       N_i = S_i − P_i       otherwise (a negative protocol flow is a benefit, kept unscaled)

   In era B (net flow off) ``N_i = S_i``.
4. **Clip** at the lower limit ``L = max(TaoFlowCutoff, min_j min(N_j, 0))``:
   ``z_i = N_i − L`` if ``N_i > L`` else 0. With the default cutoff 0, ``L = 0`` and
   ``z_i = max(N_i, 0)``: subnets with net outflow get nothing.
5. **Power normalisation** (``inplace_pow_normalize``): ``share_i = z_i^p / Σ_j z_j^p`` with
   ``p = FlowNormExponent`` (default 1), evaluated the way the chain does it (see
   :func:`pow_normalize`).

Fixed point and tolerance
-------------------------
The chain keeps flow EMAs in I64F64 and shares in U64F64, but evaluates ``x^p`` as
``exp(p·ln x)`` in **I32F32** after rescaling the flows so the largest is
``√((2^31 − 1)/n)``. :func:`pow_normalize` reproduces that pipeline in float64, including the
quantisation of the scaled flows and of ``p`` to 32 fractional bits, the zeroing of flows that
underflow the I32F32 grid and the saturation of ``exp`` at ``i32::MAX`` (which matters for
``p > 2``). ``substrate_fixed``'s ``ln``/``exp`` are series approximations that we replace by
float64 ones, so agreement with the chain is to about 1e-9 relative, far inside the 1 % the
chain's own tests (FN-01…03) allow. Everything else here is float64 (relative error ~1e-16 on
EMAs that I64F64 holds to 2^-64).

Functions
---------
flow_ema_alpha, flow_half_life_blocks
    The smoothing factor from its raw constant and its half-life (FN-04).
update_flow_ema, flow_ema_path
    One block of the flow EMA, or many blocks (vectorised over subnets).
net_flows
    The net-flow rule of era B' (scale ``c`` and ``N_i``).
lower_limit, offset_flows
    ``L`` and the clipped ``z_i``.
pow_normalize
    ``z^p / Σ z^p`` as the chain evaluates it (FN-01…03).
flow_shares
    Steps 3–5 together: emission shares from flow EMAs.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validate import check_array, check_int, check_real
from .params import FLOW_EMA_SMOOTHING_RAW, I64_MAX

__all__ = [
    "FLOW_EMA_ALPHA",
    "NetFlows",
    "flow_ema_alpha",
    "flow_ema_path",
    "flow_half_life_blocks",
    "flow_shares",
    "lower_limit",
    "net_flows",
    "offset_flows",
    "pow_normalize",
    "update_flow_ema",
]

_I32_MAX = 2**31 - 1
_U64_MAX = 2**64 - 1
_F32 = 2.0**32  # I32F32 fractional scale
_F64 = 2.0**64  # U64F64 fractional scale


def flow_ema_alpha(raw: int = FLOW_EMA_SMOOTHING_RAW, *, normalizer: int = I64_MAX) -> float:
    """Per-block smoothing ``a = raw / i64::MAX`` of the flow EMA (spec §0.1, §3.2, §8; FN-04).

    ``FlowEmaSmoothingFactor`` is a u64 normalised by ``i64::MAX`` (not ``u64::MAX``). The chain
    divides in I64F64, which floors ``a`` to 64 fractional bits (a difference below 1e-19).

    >>> round(flow_ema_alpha(), 15)
    3.209009576e-06
    """
    r = check_int("raw", raw, lo=0)
    d = check_int("normalizer", normalizer, lo=1)
    if r > d:
        raise ValueError(f"raw must be an integer in [0, normalizer={d}], got {r}")
    return r / d


FLOW_EMA_ALPHA: float = flow_ema_alpha()
"""``FlowEmaSmoothingFactor / i64::MAX`` ≈ 3.209e-6 per block (half-life ≈ 216 000 blocks)."""


def flow_half_life_blocks(alpha: float = FLOW_EMA_ALPHA) -> float:
    """Blocks after which a one-off flow's weight in the EMA has halved: ``ln ½ / ln(1 − a)``.

    >>> round(flow_half_life_blocks())
    216000
    """
    a = check_real("alpha", alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    return math.log(0.5) / math.log1p(-a)


def update_flow_ema(ema, block_flow, *, alpha: float = FLOW_EMA_ALPHA):
    """One block of the flow EMA: ``S ← (1 − a)·S + a·F`` (spec §3.2, step 2).

    Parameters
    ----------
    ema
        Previous EMA ``S`` (rao; scalar or array over subnets; may be negative).
    block_flow
        This block's accumulated flow ``F`` (rao, signed; same shape as ``ema`` or a scalar).
    alpha
        Smoothing factor in [0, 1] (default :data:`FLOW_EMA_ALPHA`).

    Returns
    -------
    float or numpy.ndarray
        The new EMA (a float for scalar inputs). The chain applies the update once per block,
        before computing shares, and then resets ``F`` to 0; the protocol-flow EMA ``P`` uses the
        same update.
    """
    a = check_real("alpha", alpha, lo=0.0, hi=1.0)
    s = check_array("ema", ema, ndim=None)
    f = check_array("block_flow", block_flow, ndim=None)
    try:
        out = (1.0 - a) * s + a * f
    except ValueError:
        raise ValueError(f"ema and block_flow must have the same shape, got {s.shape} and {f.shape}") from None
    return float(out) if out.ndim == 0 else out


def flow_ema_path(ema, block_flows, *, alpha: float = FLOW_EMA_ALPHA) -> np.ndarray:
    """The flow EMA after each of ``T`` blocks, for ``n`` subnets at once.

    Parameters
    ----------
    ema
        Initial EMAs, shape ``(n,)`` (or a scalar for one subnet).
    block_flows
        Per-block flows, shape ``(T, n)`` (or ``(T,)`` for one subnet).

    Returns
    -------
    numpy.ndarray
        Shape ``(T, n)`` (or ``(T,)``): row ``t`` is the EMA after block ``t``'s update.
        The loop runs over blocks; each step is vectorised over subnets.
    """
    a = check_real("alpha", alpha, lo=0.0, hi=1.0)
    s0 = check_array("ema", ema, ndim=None)
    flows = check_array("block_flows", block_flows, ndim=None)
    if s0.ndim > 1 or flows.ndim not in (1, 2) or flows.shape[1:] != s0.shape:
        raise ValueError(
            "block_flows must have shape (T,) + ema.shape with ema a scalar or 1-D array, "
            f"got block_flows {flows.shape} and ema {s0.shape}"
        )
    out = np.empty_like(flows)
    s = s0.copy()
    keep = 1.0 - a
    for t in range(flows.shape[0]):
        s = keep * s + a * flows[t]
        out[t] = s
    return out


class NetFlows(NamedTuple):
    """Result of :func:`net_flows`: the net flows ``N_i`` and the protocol scale ``c``."""

    net: np.ndarray
    scale: float


def net_flows(user_ema, protocol_ema) -> NetFlows:
    """Net flow of era B' (``v3.4.0``+): user flow minus normalised protocol flow (spec §3.2).

    ``c = min(1, Σ max(S,0) / Σ max(P,0))`` (0 if no ``P_i > 0``); ``N_i = S_i − c·P_i`` where
    ``P_i > 0`` and ``N_i = S_i − P_i`` elsewhere.

    >>> nf = net_flows([100.0, 50.0], [300.0, -10.0])
    >>> nf.scale, nf.net.tolist()
    (0.5, [-50.0, 60.0])
    """
    s = check_array("user_ema", user_ema)
    p = check_array("protocol_ema", protocol_ema, shape=(s.size,))
    pos_user = float(np.maximum(s, 0.0).sum())
    pos_proto = float(np.maximum(p, 0.0).sum())
    c = min(1.0, pos_user / pos_proto) if pos_proto > 0.0 else 0.0
    net = np.where(p > 0.0, s - c * p, s - p)
    return NetFlows(net=net, scale=c)


def lower_limit(net, *, cutoff: float = 0.0) -> float:
    """``L = max(cutoff, min_j min(N_j, 0))`` (spec §3.2 step 4; ``TaoFlowCutoff`` default 0).

    With the default cutoff ``L`` is 0 whatever the flows, so a negative net flow earns nothing.
    A negative cutoff lets the most negative flows set the floor instead.
    """
    n = check_array("net", net)
    cut = check_real("cutoff", cutoff)
    m = float(np.minimum(n, 0.0).min()) if n.size else 0.0
    return max(cut, m)


def offset_flows(net, *, cutoff: float = 0.0) -> np.ndarray:
    """Clipped flows ``z_i = N_i − L`` where ``N_i > L``, else 0 (spec §3.2 step 4)."""
    n = check_array("net", net)
    lim = lower_limit(n, cutoff=cutoff)
    return np.where(n > lim, n - lim, 0.0)


def pow_normalize(values, p: float = 1.0, *, emulate_fixed: bool = True) -> np.ndarray:
    """``z_i^p / Σ_j z_j^p`` the way ``inplace_pow_normalize`` computes it (spec §3.2; FN-01…03).

    The chain (1) rescales the values so the largest is 1 (U64F64), (2) multiplies them by
    ``√((2^31 − 1)/n)`` so that ``n·max²`` fills the I32F32 range, (3) converts to I32F32
    (truncating to 32 fractional bits), (4) takes ``exp(p·ln x)`` in I32F32, where a zero (or an
    underflowed) value gives 0 and an overflowing ``exp`` saturates at ``i32::MAX``, and
    (5) divides by the sum. Step (2)'s estimate assumes ``p ≤ 2``; for larger ``p`` the biggest
    values saturate and end up with equal shares, which this function reproduces.

    Parameters
    ----------
    values
        Non-negative clipped flows ``z`` (any scale; 1-D).
    p
        Exponent ``FlowNormExponent`` ≥ 0 (default 1).
    emulate_fixed
        If False, return the exact ``z^p / Σ z^p`` in float64 (no I32F32 effects).

    Returns
    -------
    numpy.ndarray
        Shares summing to 1 (to float rounding), or all zeros if every value is 0 (the chain
        leaves an all-zero map unchanged, so no subnet gets TAO from the flow rule).

    Examples
    --------
    >>> pow_normalize([2.0, 3.0, 5.0]).round(6).tolist()
    [0.2, 0.3, 0.5]
    """
    z = check_array("values", values, lo=0.0)
    pp = check_real("p", p, lo=0.0)
    n = z.size
    if n == 0:
        return np.zeros(0)
    zmax = float(z.max())
    if zmax == 0.0:
        return np.zeros(n)
    if not emulate_fixed:
        w = (z > 0.0).astype(np.float64) if pp == 0.0 else (z / zmax) ** pp
        return w / w.sum()
    x = z / zmax
    x[x < 1.0 / _F64] = 0.0  # below the U64F64 grid
    xmax = float(x.max())
    max_times_count = n * xmax * xmax
    precision_min = _I32_MAX / _U64_MAX
    if max_times_count < precision_min:  # the chain skips normalisation here
        return x
    factor = math.sqrt(_I32_MAX / max_times_count)
    scaled = np.minimum(np.floor(factor * x * _F32) / _F32, _I32_MAX + 1.0 - 1.0 / _F32)
    p_q = math.floor(pp * _F32) / _F32
    out = np.zeros(n)
    pos = scaled > 0.0
    if p_q == 0.0:
        y = np.ones(int(pos.sum()))
    else:
        with np.errstate(over="ignore", under="ignore"):
            expo = np.clip(p_q * np.log(scaled[pos]), -(2.0**31), 2.0**31 - 1.0 / _F32)
            y = np.exp(expo)
        y = np.where(y >= 2.0**31, float(_I32_MAX), np.floor(y * _F32) / _F32)
    out[pos] = y
    total = float(out.sum())
    if total == 0.0:
        return np.zeros(n)
    return out / total


def flow_shares(
    user_ema,
    protocol_ema=None,
    *,
    p: float = 1.0,
    cutoff: float = 0.0,
    net: bool | None = None,
    emulate_fixed: bool = True,
) -> np.ndarray:
    """Emission shares from flow EMAs: net flow → clip at ``L`` → power-normalise (spec §3.2).

    Parameters
    ----------
    user_ema
        Users' flow EMAs ``S_i`` (rao), already updated with this block's flow.
    protocol_ema
        Protocol flow EMAs ``P_i`` (era B'); required when ``net`` is true.
    p
        ``FlowNormExponent`` (default 1).
    cutoff
        ``TaoFlowCutoff`` (default 0).
    net
        Use the net-flow rule of era B'. Default: true if ``protocol_ema`` is given.

    Returns
    -------
    numpy.ndarray
        Shares in [0, 1] summing to 1, or all zeros if no subnet has ``N_i > L``.

    Examples
    --------
    >>> flow_shares([300.0, 100.0, -50.0]).round(6).tolist()
    [0.75, 0.25, 0.0]
    """
    s = check_array("user_ema", user_ema)
    use_net = protocol_ema is not None if net is None else bool(net)
    if use_net:
        if protocol_ema is None:
            raise ValueError("protocol_ema is required when net=True (the net-flow rule of era B')")
        flows = net_flows(s, protocol_ema).net
    else:
        flows = s
    return pow_normalize(offset_flows(flows, cutoff=cutoff), p, emulate_fixed=emulate_fixed)
