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
``exp(p·ln x)`` in **I32F32** with ``substrate_fixed``'s own ``ln`` (binary logarithm by
repeated squaring over a 23-bit ``log2 e``) and ``exp`` (Taylor series to ``x^31/31!``), after
rescaling the flows so the largest is ``√((2^31 − 1)/n)``. :func:`pow_normalize` reproduces that
pipeline **bit for bit** on integers, so its shares are the chain's, quirks included: they differ
from the exact ratios ``z^p/Σz^p`` by ~1e-7 relative at ``p = 1`` and by up to ~1 % at ``p = 2``
(the chain's own tests, FN-01…03, allow 1 %), and ``exp`` overflows saturate at ``i32::MAX``.
Flow EMAs, the net-flow rule and the clipping are computed in float64 (relative error ~1e-16 on
values I64F64 holds to 2^-64); their results enter the exact stage as U64F64.

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
from typing import Any, NamedTuple

import numpy as np

from ._validate import check_array, check_bool, check_int, check_real
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


# ---------------------------------------------------------------------------------------------
# Bit-exact emulation of inplace_pow_normalize (U64F64 / I32F32 integers in object arrays)
# ---------------------------------------------------------------------------------------------
_ONE32 = 1 << 32
_ONE64 = 1 << 64
_I64_MAX_BITS = 2**63 - 1
_I32F32_MAX_BITS = _I32_MAX << 32  # I32F32::saturating_from_num(i32::MAX)
_LOG2_E_BITS = 12_102_203 << 9  # substrate_fixed's LOG2_E is an I9F23 (log2 e truncated to 23 bits)
_E_BITS = 22_802_600 << 9  # likewise e, returned by exp(1)


def _u64f64_bits(values: np.ndarray) -> np.ndarray:
    """Non-negative floats → U64F64 bits (object array), exact for values ≥ 2^-11."""
    m, e = np.frexp(np.asarray(values, dtype=np.float64))
    mant = np.ldexp(m, 53).astype(np.int64).astype(object)
    shift = (e.astype(np.int64) + (64 - 53)).astype(object)
    up = shift >= 0
    return np.where(up, mant << np.where(up, shift, 0), mant >> np.where(up, 0, -shift))


def _rs(x: np.ndarray) -> np.ndarray:
    """substrate_fixed's right shift by one with rounding: ``(x >> 1) + (x & 1)``."""
    return (x >> 1) + (x & 1)


def _sq_shift32(x: np.ndarray) -> np.ndarray:
    """``(x·x) >> 32`` exactly in int64 for ``0 ≤ x < 2^33`` (16-bit split avoids overflow)."""
    hi = x >> 16
    lo = x & 0xFFFF
    return hi * hi + (((hi * lo) << 17) + lo * lo >> 32)


def _log2_i32f32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``transcendental::log2`` on positive I32F32 bits (object array) → (bits, ok).

    Integer part by halving (``rs``), then 32 fractional bits by repeated squaring. For
    ``x < 1`` it computes ``−log2(1/x)``; ``1/x`` overflows I32F32 for ``x < 2^-31`` — the chain
    then panics on an ``unwrap`` — which is reported as ``ok = False``.
    """
    n = x.size
    inv = np.asarray(x < _ONE32, dtype=bool)
    xr_obj = np.where(inv, (_ONE32 << 32) // np.where(inv, x, 1), x)
    ok = np.asarray(xr_obj <= _I64_MAX_BITS, dtype=bool)
    xr = np.where(ok, xr_obj, _ONE32).astype(np.int64)  # from here on everything fits in int64
    two = np.int64(2 * _ONE32)
    count = np.zeros(n, dtype=np.int64)
    m = xr >= two
    while m.any():
        count += m
        xr = np.where(m, (xr >> 1) + (xr & 1), xr)
        m = xr >= two
    exact_one = xr == _ONE32
    res = count.copy()
    for _ in range(32):
        xr = _sq_shift32(xr)
        m = xr >= two
        res = (res << 1) + m
        xr = np.where(m, (xr >> 1) + (xr & 1), xr)
    out = np.where(exact_one, count << 32, res)
    return np.where(inv, -out, out).astype(object), ok


def _exp_i32f32(op: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``transcendental::exp`` on I32F32 bits → (bits, ok).

    ``1 + x + Σ_{i=2}^{31} x^i/i!`` built term by term with ``checked_mul``/``checked_div``/
    ``checked_add`` on ``|x|`` (any overflow → ``Err``), then inverted for ``x < 0``.
    """
    n = op.size
    a = np.abs(op)
    result = a + _ONE32
    term = a
    ok = np.ones(n, dtype=bool)
    for i in range(2, 32):
        term = (term * a) >> 32
        ok &= np.asarray(term <= _I64_MAX_BITS, dtype=bool)
        term = np.where(ok, term, 0) // i
        result = result + term
        ok &= np.asarray(result <= _I64_MAX_BITS, dtype=bool)
        result = np.where(ok, result, _ONE32)
    neg = np.asarray(op < 0, dtype=bool)
    result = np.where(neg, (_ONE32 << 32) // result, result)
    is_zero = np.asarray(op == 0, dtype=bool)
    is_one = np.asarray(op == _ONE32, dtype=bool)
    result = np.where(is_zero, _ONE32, np.where(is_one, _E_BITS, result))
    return result, ok | is_zero | is_one


def _safe_pow_bits(val64: np.ndarray, p32: int) -> np.ndarray:
    """``safe_pow``: U64F64 value → I32F32 → ``exp(p·ln x)`` → U64F64 bits (0 if ln fails,
    ``i32::MAX`` if exp fails)."""
    x = np.minimum(val64 >> 32, _I64_MAX_BITS)  # I32F32::saturating_from_num(U64F64), truncating
    pos = np.asarray(x > 0, dtype=bool)
    log2, ok_log = _log2_i32f32(np.where(pos, x, _ONE32))
    q = np.abs(log2 << 32) // _LOG2_E_BITS  # I32F32 division truncates toward zero
    ln = np.where(np.asarray(log2 < 0, dtype=bool), -q, q)
    op = np.clip((p32 * ln) >> 32, -(2**63), _I64_MAX_BITS)  # saturating_mul
    pw, ok_exp = _exp_i32f32(op)
    pw = np.where(ok_exp, pw, _I32F32_MAX_BITS)
    return np.where(pos & ok_log, pw, 0) << 32


def _checked_sqrt_u64f64(value: int, epsilon: int) -> int:
    """safe_math ``checked_sqrt``: bisection in U64F64 until ``|value/m − m| ≤ ε`` (≤ 129 steps)."""
    high, low = value, 0
    middle = (high + low) // 2
    check = (value << 64) // middle if middle else 0
    iteration = 0
    while abs(check - middle) > epsilon:
        if check < middle:
            high = middle
        else:
            low = middle
        middle = (high + low) // 2
        check = (value << 64) // middle if middle else 0
        iteration += 1
        if iteration > 128:
            break
    return middle


def _pow_normalize_bits(z64: np.ndarray, p64: int) -> np.ndarray:
    """``inplace_pow_normalize`` on U64F64 bits, returning U64F64 bits (object array)."""
    n = z64.size
    zmax = z64.max() if n else 0
    if zmax == 0:
        return z64
    factor = (_ONE64 << 64) // zmax  # inplace_scale: 1 / max
    v = (factor * z64) >> 64
    vmax = v.max()
    max_times_count = n * ((vmax * vmax) >> 64)
    i32max64 = _I32_MAX << 64
    precision_min = (i32max64 << 64) // (_U64_MAX << 64)
    if max_times_count < precision_min:  # the chain leaves the pre-scaled values
        return v
    epsilon = _ONE64 // 1000
    flow_factor = _checked_sqrt_u64f64((i32max64 << 64) // max_times_count, epsilon)
    scaled = (flow_factor * v) >> 64
    pw = _safe_pow_bits(scaled, min(p64 >> 32, _I64_MAX_BITS))
    total = pw.sum()
    if total == 0:
        return np.zeros(n, dtype=np.int64).astype(object)
    return (pw << 64) // total


def _exponent(p: Any, fixed: bool) -> float:
    """``FlowNormExponent`` p ≥ 0; stored as U64F64 on chain, so below 2^64 when emulating the chain."""
    if fixed:
        return check_real("p", p, lo=0.0, hi=2.0**64, hi_open=True)
    return check_real("p", p, lo=0.0)


def pow_normalize(values, p: float = 1.0, *, emulate_fixed: bool = True) -> np.ndarray:
    """``z_i^p / Σ_j z_j^p`` as ``inplace_pow_normalize`` computes it (spec §3.2; FN-01…03).

    The chain (1) rescales the values so the largest is 1 (U64F64), (2) multiplies them by
    ``√((2^31 − 1)/n)`` (a U64F64 bisection square root, to within 0.001), (3) converts them to
    I32F32 (truncating to 32 fractional bits) and (4) takes ``exp(p·ln x)`` with
    ``substrate_fixed``'s I32F32 ``ln`` (binary logarithm by repeated squaring, divided by a
    23-bit ``log2 e``) and ``exp`` (the Taylor series up to ``x^31/31!``), then (5) divides by the
    sum. This function reproduces all of it **bit for bit** on integers, including the quirks:

    * the truncated Taylor series makes ``exp`` undershoot for large arguments: with ``p = 2``
      the largest flows' weights come out up to ~2 % low (shares within the chain's own 1 %
      test tolerance), and ``ln`` carries a ~1e-7 relative error, so even ``p = 1`` shares
      differ from exact ratios by ~1e-7 relative (≈ 100 rao of a 1 TAO block);
    * when a term or the sum of that series overflows I32F32, ``exp`` fails and the chain uses
      ``i32::MAX`` instead: for ``p > 2`` the largest flows saturate (equal shares), and for a
      tiny positive flow with ``p·ln x`` below about −21 the weight jumps to ``i32::MAX`` (for
      ``p = 1`` this only happens for flows ~1e-13 of the largest);
    * a scaled flow below 2^-32 gets 0; one in [2^-32, 2^-31) makes the chain's ``ln`` panic
      (``unwrap`` of an overflowing ``1/x``) — we return 0 for it.

    Parameters
    ----------
    values
        Non-negative clipped flows ``z`` (rao, any scale; 1-D). Floats are converted to U64F64
        exactly (values below 2^-11 are truncated rather than rounded at 2^-64).
    p
        Exponent ``FlowNormExponent`` ≥ 0 (default 1; below 2^64, its U64F64 range, with ``emulate_fixed``).
    emulate_fixed
        False: return the exact real-number ``z^p / Σ z^p`` in float64 instead.

    Returns
    -------
    numpy.ndarray
        Shares (the U64F64 results as float64) summing to 1 within 1e-12, or all zeros if every
        value is 0 (the chain leaves an all-zero map unchanged, so no subnet gets TAO).

    Examples
    --------
    >>> pow_normalize([2.0, 3.0, 5.0]).round(6).tolist()
    [0.2, 0.3, 0.5]
    """
    emulate_fixed = check_bool("emulate_fixed", emulate_fixed)
    z = check_array("values", values, lo=0.0)
    pp = _exponent(p, emulate_fixed)
    n = z.size
    if n == 0:
        return np.zeros(0)
    zmax = float(z.max())
    if zmax == 0.0:
        return np.zeros(n)
    if not emulate_fixed:
        w = (z > 0.0).astype(np.float64) if pp == 0.0 else (z / zmax) ** pp
        return w / w.sum()
    bits = _pow_normalize_bits(_u64f64_bits(z), round(math.ldexp(pp, 64)))
    return np.ldexp(bits.astype(np.float64), -64)


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
    emulate_fixed = check_bool("emulate_fixed", emulate_fixed)
    net = None if net is None else check_bool("net", net)
    z = _offsets(user_ema, protocol_ema, cutoff=cutoff, net=net)
    return pow_normalize(z, p, emulate_fixed=emulate_fixed)


def _offsets(user_ema, protocol_ema, *, cutoff: float, net: bool | None) -> np.ndarray:
    s = check_array("user_ema", user_ema)
    use_net = protocol_ema is not None if net is None else bool(net)
    if use_net:
        if protocol_ema is None:
            raise ValueError("protocol_ema is required when net=True (the net-flow rule of era B')")
        flows = net_flows(s, protocol_ema).net
    else:
        flows = s
    return offset_flows(flows, cutoff=cutoff)


def _flow_share_bits(user_ema, protocol_ema, *, p: float, cutoff: float, net: bool | None) -> np.ndarray:
    """:func:`flow_shares` as U64F64 bits (object array), for the coinbase's exact path."""
    z = _offsets(user_ema, protocol_ema, cutoff=cutoff, net=net)
    pp = _exponent(p, True)
    if z.size == 0:
        return np.zeros(0, dtype=object)
    return _pow_normalize_bits(_u64f64_bits(z), round(math.ldexp(pp, 64)))
