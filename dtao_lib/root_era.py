"""The pre-dTAO root network: subnet emission by root epoch (spec §2, with §8 on fixed point).

Until dTAO (v1.2.5, Feb 2025) up to 64 root validators set the TAO emission of every subnet.
Once per root tempo ``root_epoch`` computed, for ``n`` validators and ``k`` subnets
(``coinbase/root.rs`` at v1.2.5)::

    S   = stakes / Σ stakes                              (I64F64)
    W   = weights, each row L1-normalised                (I64F64; all-zero rows stay zero)
    R_j = Σ_i W_ij · S_i                                 rank
    T_j = Σ_{i: W_ij > 0} S_i  /  Σ_i S_i                trust: stake that backs subnet j at all
    C_j = 1 / (1 + exp(−ρ·(T_j − κ)))                    consensus (sigmoid; ρ = 10, κ ≈ 0.5 on mainnet)
    share_j = C_j·R_j / Σ_l C_l·R_l
    EmissionValues_j = floor(share_j · E)                rao per block

The chain evaluates all of it in I64F64 (64 fractional bits, every product and quotient truncated;
κ arrives as the I32F32 value ``⌊κ_u16·2^32/65535⌋/2^32``) and the exponential with
``substrate_fixed::transcendental::exp``: a 62-term Taylor series in I64F64, inverted for negative
arguments, with ``exp(1)`` short-cut to ``e`` at 23 fractional bits. :func:`root_epoch` reproduces
that bit for bit, which matters for the integers: ten equal subnets get ``⌊2^64/10⌋·10^9 / 2^64 =
99 999 999`` rao each, not 10^8 (the chain's own test, spec vector RE-01). The step functions
(:func:`rank`, :func:`trust`, :func:`consensus`, :func:`subnet_shares`) return the same fixed-point
values as floats; pass ``exact=False`` for a fast float64 path (used by the curves below).

Within a subnet (spec §2) each block adds ``EmissionValues_j`` to ``PendingEmission_j``; at the
subnet's epoch the owner takes ``floor(pending · 11 796/65 535)`` (18 %) and Yuma splits the rest
50/50 between miners (incentive) and validators (dividends) whenever both are non-zero
(:func:`split_pending_emission`). Root membership (:func:`root_register`): up to 64 hotkeys; when
full, a newcomer replaces the lowest-stake member only with strictly more stake.

For the book: :func:`cartel_threshold` / :func:`cartel_curve` (how much stake it takes to push a
subnet's trust across κ, where the sigmoid flips) and :func:`top_k_emission_share` /
:func:`nakamoto_coefficient` (how concentrated the decision over emission is);
:func:`contested_vote_share` (what the largest validators win when everyone else votes against
them) and :func:`stake_profile_2024` (a stylised mid-2024 root stake profile from public figures).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._validate import check_array, check_bool, check_fraction, check_int, check_real, check_u16_fraction, freeze_arrays
from .params import (
    DEFAULT_BLOCK_EMISSION_RAO,
    KAPPA_U16,
    ROOT_MAX_UIDS,
    ROOT_RHO,
    SUBNET_OWNER_CUT_U16,
    U16_MAX,
    U64_MAX,
)

__all__ = [
    "KAPPA",
    "PendingSplit",
    "RootEpochResult",
    "RootRegistration",
    "cartel_curve",
    "cartel_threshold",
    "consensus",
    "contested_vote_share",
    "nakamoto_coefficient",
    "normalize_stakes",
    "rank",
    "root_epoch",
    "root_register",
    "run_root_epoch",
    "split_pending_emission",
    "stake_profile_2024",
    "subnet_shares",
    "top_k_emission_share",
    "trust",
]

KAPPA: float = KAPPA_U16 / U16_MAX
"""Mainnet root κ = 32 767/65 535 ≈ 0.49999."""

# ---------------------------------------------------------------------------------------------
# I64F64 emulation (spec §8): values are Python ints holding the raw bits (value · 2^64)
# ---------------------------------------------------------------------------------------------
_FRAC = 64
_ONE = 1 << _FRAC
_MAX = (1 << 127) - 1
_MIN = -(1 << 127)
# e with 23 fractional bits, the constant substrate_fixed returns for exp(1)
_E_I9F23 = math.floor(Fraction("2.718281828459045235360287471352662497757") * (1 << 23))


def _sat(x: int) -> int:
    return _MAX if x > _MAX else _MIN if x < _MIN else x


def _fixed(x: Any) -> int:
    """A real number as I64F64 bits (exact for ints and binary floats, else truncated; saturating)."""
    if isinstance(x, numbers.Integral):
        return _sat(int(x) << _FRAC)
    return _sat(math.floor(Fraction(x) * _ONE))


def _mul(a: int, b: int) -> int:
    return _sat((a * b) >> _FRAC)


def _div(a: int, b: int) -> int:
    """Fixed-point quotient, truncated toward zero like the chain's integer division."""
    q = (abs(a) << _FRAC) // abs(b)
    return _sat(q if (a >= 0) == (b > 0) else -q)


def _exp(x: int) -> int:
    """``substrate_fixed::transcendental::exp`` for I64F64 → I64F64 (Taylor series, 62 terms)."""
    if x == 0:
        return _ONE
    if x == _ONE:
        return _E_I9F23 << (_FRAC - 23)
    neg = x < 0
    if neg:
        x = -x
    result = x + _ONE
    term = x
    for i in range(2, _FRAC):
        term = (term * x) >> _FRAC
        if term > _MAX:
            raise OverflowError("exp overflows I64F64")
        term //= i
        result += term
        if result > _MAX:
            raise OverflowError("exp overflows I64F64")
    if neg:
        result = (_ONE << _FRAC) // result
    return result


def _kappa_bits(kappa: float) -> int:
    """κ as the chain sees it: I32F32 ``⌊κ_u16·2^32/65535⌋`` when κ is a u16 fraction, else ⌊κ·2^32⌋."""
    frac = Fraction(kappa)
    k16 = round(frac * U16_MAX)
    if abs(frac - Fraction(k16, U16_MAX)) <= Fraction(1, 10**12):
        return ((k16 << 32) // U16_MAX) << 32
    return math.floor(frac * (1 << 32)) << 32


def _exact_list(values: Any) -> list[Any]:
    """Python scalars (ints stay ints) from a nested sequence or array, for exact conversion."""
    return np.asarray(values).tolist()


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------
def _check_weights_stakes(weights: Any, stakes: Any) -> tuple[np.ndarray, np.ndarray]:
    w = check_array("weights", weights, ndim=2, lo=0.0, min_size=1)
    s = check_array("stakes", stakes, ndim=1, lo=0.0, shape=(w.shape[0],))
    if not np.any(s > 0):
        raise ValueError("stakes must have a positive sum (the chain skips the root epoch without stake)")
    return w, s


def _check_fixed_sum(total_bits: int) -> None:
    """Stakes whose I64F64 values are all 0 (each below 2^-64) sum to 0, like an empty root network."""
    if total_bits <= 0:
        raise ValueError("stakes must have a positive sum in I64F64 (some stake >= 2^-64; the chain skips the "
                         "root epoch without stake)")


def _check_rho_kappa(rho: float, kappa: float) -> tuple[float, float]:
    r = check_real("rho", rho, lo=0.0)
    k = check_u16_fraction("kappa", kappa)  # a fraction, or the raw u16 (32767)
    return r, k


# ---------------------------------------------------------------------------------------------
# The epoch
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RootEpochResult:
    """Everything one root epoch computes (spec §2). Arrays are the chain's I64F64 values as floats.

    ``emission_rao`` is ``EmissionValues`` (rao per block per subnet); ``*_bits`` hold the raw I64F64
    integers for exact comparisons.
    """

    stake: np.ndarray
    weights: np.ndarray
    rank: np.ndarray
    trust: np.ndarray
    consensus: np.ndarray
    shares: np.ndarray
    emission_rao: list[int]
    block_emission_rao: int
    rho: float
    kappa: float
    consensus_bits: tuple[int, ...]
    shares_bits: tuple[int, ...]

    def __post_init__(self) -> None:
        freeze_arrays(self)

    @property
    def total_emission_rao(self) -> int:
        return sum(self.emission_rao)

    def to_frame(self) -> pd.DataFrame:
        """One row per subnet: rank, trust, consensus, share, emission."""
        return pd.DataFrame({
            "subnet": np.arange(len(self.emission_rao)),
            "rank": self.rank,
            "trust": self.trust,
            "consensus": self.consensus,
            "share": self.shares,
            "emission_rao": self.emission_rao,
        })


def _to_float(bits: Sequence[int]) -> np.ndarray:
    return np.array([b / _ONE for b in bits], dtype=np.float64)


def run_root_epoch(
    weights: Any,
    stakes: Any,
    *,
    rho: float = ROOT_RHO,
    kappa: float = KAPPA,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> RootEpochResult:
    """Run one pre-dTAO root epoch with the chain's fixed-point arithmetic (spec §2, §8).

    Parameters
    ----------
    weights
        ``n × k`` non-negative root weights (validator × subnet), e.g. the stored u16 values; each
        row is L1-normalised here. All-zero rows stay zero.
    stakes
        ``n`` non-negative stakes (e.g. rao); normalised here. Must not all be zero.
    rho
        Sigmoid steepness ρ (root ``Rho``, 10 on mainnet; 30 in the test mock).
    kappa
        Sigmoid midpoint κ in [0, 1], or the raw u16 (an integer above 1, e.g. ``32767``); a u16
        fraction such as 32 767/65 535 is converted as the chain does (I32F32).
    block_emission_rao
        TAO block emission ``E``.

    Raises
    ------
    ValueError
        Bad shapes or values, or ``ρ·κ`` so large that the chain's fixed-point exp overflows.
    """
    w, _ = _check_weights_stakes(weights, stakes)
    r, k = _check_rho_kappa(rho, kappa)
    e = check_int("block_emission_rao", block_emission_rao, hi=U64_MAX)
    n, m = w.shape

    # 1. stake, normalised (inplace_normalize_64)
    s_raw = [_fixed(x) for x in _exact_list(stakes)]
    s_sum = sum(s_raw)
    _check_fixed_sum(s_sum)
    s_bits = [_div(x, s_sum) for x in s_raw]
    # 2. weights, row-normalised (inplace_row_normalize_64)
    w_bits: list[list[int]] = []
    for row in _exact_list(weights):
        raw = [_fixed(x) for x in row]
        tot = sum(raw)
        w_bits.append([_div(x, tot) for x in raw] if tot > 0 else raw)
    # 3. rank (matmul_64): each product truncated, then summed
    r_bits = [0] * m
    for i in range(n):
        si = s_bits[i]
        row = w_bits[i]
        for j in range(m):
            if row[j]:
                r_bits[j] = _sat(r_bits[j] + _mul(si, row[j]))
    # 4. trust: stake with a positive weight, divided by the total normalised stake
    total = sum(s_bits)
    t_bits = [0] * m
    for i in range(n):
        for j in range(m):
            if w_bits[i][j] > 0:
                t_bits[j] = _sat(t_bits[j] + s_bits[i])
    t_bits = [_div(t, total) for t in t_bits]
    # 5. consensus: 1 / (1 + exp(-(T - κ)·ρ))
    c_bits = _consensus_bits(t_bits, r, k)
    # 6. shares and emission
    weighted = [_mul(c, rk) for c, rk in zip(c_bits, r_bits, strict=True)]
    wsum = sum(weighted)
    shares = [_div(x, wsum) for x in weighted] if wsum else weighted
    emission = [max(0, min((x * e) >> _FRAC, U64_MAX)) for x in shares]
    return RootEpochResult(
        stake=_to_float(s_bits),
        weights=np.array([_to_float(row) for row in w_bits]).reshape(n, m),
        rank=_to_float(r_bits),
        trust=_to_float(t_bits),
        consensus=_to_float(c_bits),
        shares=_to_float(shares),
        emission_rao=emission,
        block_emission_rao=e,
        rho=r,
        kappa=k,
        consensus_bits=tuple(c_bits),
        shares_bits=tuple(shares),
    )


def _consensus_bits(t_bits: Sequence[int], rho: float, kappa: float) -> list[int]:
    kappa_bits = _kappa_bits(kappa)
    rho_bits = _fixed(rho)
    out = []
    for t in t_bits:
        shifted = _sat(t - kappa_bits)
        temperatured = _mul(shifted, rho_bits)
        try:
            ex = _exp(_sat(-temperatured))
        except OverflowError:
            raise ValueError(
                f"rho·kappa too large: exp({-temperatured / _ONE:.4g}) overflows I64F64 "
                f"(the chain's root_epoch would panic); use rho·max(kappa, 1 - kappa) below about 43"
            ) from None
        out.append(_div(_ONE, _sat(_ONE + ex)))
    return out


def root_epoch(
    weights: Any,
    stakes: Any,
    *,
    rho: float = ROOT_RHO,
    kappa: float = KAPPA,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> list[int]:
    """Per-block subnet emission ``EmissionValues`` (rao) from one root epoch (spec §2, RE-01).

    ``floor(share_j · E)`` with ``share = normalise(C · R)``, computed in the chain's I64F64 fixed
    point; see :func:`run_root_epoch` for all intermediate values. The result sums to at most ``E``.

    Examples
    --------
    Ten validators with equal stake, each backing one of ten subnets:

    >>> root_epoch(np.eye(10), [1000] * 10, rho=30)[:3]
    [99999999, 99999999, 99999999]
    """
    return run_root_epoch(weights, stakes, rho=rho, kappa=kappa, block_emission_rao=block_emission_rao).emission_rao


# ---------------------------------------------------------------------------------------------
# Step functions (exact by default, float64 with exact=False)
# ---------------------------------------------------------------------------------------------
def normalize_stakes(stakes: Any, *, exact: bool = True) -> np.ndarray:
    """Stakes normalised to sum to 1 (I64F64 when ``exact``)."""
    exact = check_bool("exact", exact)
    s = check_array("stakes", stakes, ndim=1, lo=0.0, min_size=1)
    if not np.any(s > 0):
        raise ValueError("stakes must have a positive sum")
    if not exact:
        return s / s.sum()
    raw = [_fixed(x) for x in _exact_list(stakes)]
    tot = sum(raw)
    _check_fixed_sum(tot)
    return _to_float([_div(x, tot) for x in raw])


def _float_parts(w: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sn = s / s.sum()
    rs = w.sum(axis=1, keepdims=True)
    wn = np.divide(w, rs, out=np.zeros_like(w), where=rs > 0)
    return sn, wn, (wn > 0).astype(np.float64)


def rank(weights: Any, stakes: Any, *, exact: bool = True) -> np.ndarray:
    """Rank ``R_j = Σ_i W_ij·S_i`` of every subnet (row-normalised weights, normalised stake)."""
    exact = check_bool("exact", exact)
    w, s = _check_weights_stakes(weights, stakes)
    if exact:
        return run_root_epoch(weights, stakes, rho=0.0, kappa=0.5, block_emission_rao=0).rank
    sn, wn, _ = _float_parts(w, s)
    return sn @ wn


def trust(weights: Any, stakes: Any, *, exact: bool = True) -> np.ndarray:
    """Trust ``T_j`` = normalised stake of the validators that put any positive weight on subnet j."""
    exact = check_bool("exact", exact)
    w, s = _check_weights_stakes(weights, stakes)
    if exact:
        return run_root_epoch(weights, stakes, rho=0.0, kappa=0.5, block_emission_rao=0).trust
    sn, _, backs = _float_parts(w, s)
    return np.minimum(sn @ backs, 1.0)  # float rounding can sum normalised stake to 1 + 2^-52


def consensus(
    trust: Any, *, rho: float = ROOT_RHO, kappa: float = KAPPA, exact: bool = True
) -> float | np.ndarray:
    """Sigmoid consensus ``C = 1/(1 + exp(−ρ(T − κ)))`` (vectorised; scalar in → float out).

    With ``exact`` the chain's I64F64 arithmetic and Taylor-series exp are emulated.

    Examples
    --------
    >>> round(consensus(0.5, rho=10, kappa=0.5), 12), round(consensus(1.0, rho=10, kappa=0.5), 6)
    (0.5, 0.993307)
    """
    exact = check_bool("exact", exact)
    t = check_array("trust", trust, ndim=None, lo=0.0, hi=1.0)
    r, k = _check_rho_kappa(rho, kappa)
    if exact:
        flat = [_fixed(x) for x in np.asarray(trust, dtype=object).ravel().tolist()] if t.size else []
        out = _to_float(_consensus_bits(flat, r, k)).reshape(t.shape)
    else:
        out = 1.0 / (1.0 + np.exp(-r * (t - k)))
    return float(out) if np.ndim(trust) == 0 else out


def subnet_shares(
    weights: Any, stakes: Any, *, rho: float = ROOT_RHO, kappa: float = KAPPA, exact: bool = True
) -> np.ndarray:
    """Emission shares ``normalise(C·R)`` of every subnet (spec §2)."""
    exact = check_bool("exact", exact)
    w, s = _check_weights_stakes(weights, stakes)
    if exact:
        return run_root_epoch(weights, stakes, rho=rho, kappa=kappa, block_emission_rao=0).shares
    r, k = _check_rho_kappa(rho, kappa)
    sn, wn, backs = _float_parts(w, s)
    c = 1.0 / (1.0 + np.exp(-r * (sn @ backs - k)))
    x = c * (sn @ wn)
    return x / x.sum() if x.sum() > 0 else x


# ---------------------------------------------------------------------------------------------
# Within-subnet split and root membership
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PendingSplit:
    """How a subnet's pending TAO emission was split at its epoch, pre-dTAO (spec §2)."""

    owner_rao: int
    miners_rao: int
    validators_rao: int
    unallocated_rao: int


def split_pending_emission(
    pending_rao: int,
    *,
    owner_cut_u16: int = SUBNET_OWNER_CUT_U16,
    has_incentive: bool = True,
    has_dividends: bool = True,
) -> PendingSplit:
    """Owner cut, then miners/validators, of a subnet's ``PendingEmission`` pre-dTAO (spec §2).

    ``owner = floor(pending · cut / 65535)``; Yuma pays ``I/(ΣI+ΣD)`` and ``D/(ΣI+ΣD)`` of the rest
    with ``ΣI = ΣD = 1`` when both are non-zero, i.e. 50 % / 50 % (41 % / 41 % of the gross). With no
    incentive everything goes to validators (by dividends, or by stake if there are no dividends
    either); with no dividends everything goes to miners. Returned as totals floored once; the chain
    floors per UID, which can leave up to one more rao per UID undistributed.

    Examples
    --------
    >>> split_pending_emission(360 * 10**9)
    PendingSplit(owner_rao=64798352025, miners_rao=147600823987, validators_rao=147600823987, unallocated_rao=1)
    """
    has_incentive = check_bool("has_incentive", has_incentive)
    has_dividends = check_bool("has_dividends", has_dividends)
    pending = check_int("pending_rao", pending_rao, hi=U64_MAX)
    cut = check_int("owner_cut_u16", owner_cut_u16, hi=U16_MAX)
    owner = pending * cut // U16_MAX
    rest = pending - owner
    if has_incentive and has_dividends:
        half = rest // 2
        return PendingSplit(owner, half, half, rest - 2 * half)
    if has_incentive:
        return PendingSplit(owner, rest, 0, 0)
    return PendingSplit(owner, 0, rest, 0)


@dataclass(frozen=True)
class RootRegistration:
    """Outcome of :func:`root_register`: the new member list (uid order) and who was replaced."""

    accepted: bool
    uid: int | None
    replaced: Hashable | None
    members: tuple[tuple[Hashable, int], ...]


def _check_hotkey(name: str, hotkey: Any) -> None:
    """A hotkey identifies a neuron: hashable and equal to itself (a NaN would never match a member)."""
    if not isinstance(hotkey, Hashable):
        raise TypeError(f"{name} must be a hashable identifier (e.g. an SS58 string), got {type(hotkey).__name__}")
    if isinstance(hotkey, float | np.floating | Decimal) and hotkey != hotkey:
        raise ValueError(f"{name} must equal itself to identify a hotkey (not NaN), got {hotkey!r}")


def root_register(
    members: Sequence[tuple[Hashable, int]],
    hotkey: Hashable,
    stake: int,
    *,
    max_members: int = ROOT_MAX_UIDS,
) -> RootRegistration:
    """Register ``hotkey`` on the root network (``do_root_register``, spec §2).

    ``members`` are ``(hotkey, stake)`` pairs in uid order. Below ``max_members`` (64) the newcomer is
    appended. When full, the member with the lowest stake (the lowest uid among equals) is replaced
    only if the newcomer has **strictly** more stake; otherwise the registration fails
    (``accepted=False``, members unchanged).

    Examples
    --------
    >>> full = [(f"v{i}", 100 + i) for i in range(64)]
    >>> root_register(full, "new", 100).accepted, root_register(full, "new", 101).replaced
    (False, 'v0')
    """
    cap = check_int("max_members", max_members, lo=1, hi=65_535)
    new_stake = check_int("stake", stake, hi=U64_MAX)
    _check_hotkey("hotkey", hotkey)
    if isinstance(members, str | bytes) or not isinstance(members, Sequence):
        raise TypeError(f"members must be a sequence of (hotkey, stake) pairs, got {type(members).__name__}")
    current = []
    for i, pair in enumerate(members):
        if not isinstance(pair, Sequence) or isinstance(pair, str | bytes) or len(pair) != 2:
            raise TypeError(f"members[{i}] must be a (hotkey, stake) pair, got {pair!r}")
        _check_hotkey(f"members[{i}] hotkey", pair[0])
        current.append((pair[0], check_int(f"members[{i}] stake", pair[1], hi=U64_MAX)))
    if len({h for h, _ in current}) != len(current):
        raise ValueError("members must name each hotkey once (a hotkey holds one root uid)")
    if any(h == hotkey for h, _ in current):
        raise ValueError(f"hotkey {hotkey!r} is already registered on root")
    if len(current) > cap:
        raise ValueError(f"members must have at most max_members = {cap} entries, got {len(current)}")
    if len(current) < cap:
        return RootRegistration(True, len(current), None, (*current, (hotkey, new_stake)))
    low_uid = min(range(len(current)), key=lambda u: (current[u][1], u))
    if not current[low_uid][1] < new_stake:
        return RootRegistration(False, None, None, tuple(current))
    replaced = current[low_uid][0]
    current[low_uid] = (hotkey, new_stake)
    return RootRegistration(True, low_uid, replaced, tuple(current))


# ---------------------------------------------------------------------------------------------
# Cartels and concentration (for the book)
# ---------------------------------------------------------------------------------------------
def cartel_threshold(
    others_support: Any,
    *,
    kappa: float = KAPPA,
    direction: Literal["over", "under"] = "over",
) -> float | np.ndarray:
    """Smallest stake fraction a coordinated group needs to move a subnet's trust across κ.

    Let ``t`` be the fraction of the **other** validators' stake that backs the subnet and ``f`` the
    group's share of all stake. Backing the subnet gives trust ``f + (1 − f)·t``; withholding gives
    ``(1 − f)·t``. The consensus sigmoid flips at ``T = κ``, so

    * ``direction="over"`` (push an unbacked subnet up): ``f* = (κ − t)/(1 − t)`` if ``t < κ``, else 0;
    * ``direction="under"`` (sink a backed subnet): ``f* = 1 − κ/t`` if ``t > κ``, else 0.

    Any ``f > f*`` suffices. Vectorised over ``others_support`` (scalar in → float out).

    Examples
    --------
    >>> cartel_threshold(0.0, kappa=0.5), cartel_threshold(0.8, kappa=0.5, direction="under")
    (0.5, 0.375)
    """
    t = check_array("others_support", others_support, ndim=None, lo=0.0, hi=1.0)
    k = check_u16_fraction("kappa", kappa)  # a fraction, or the raw u16 (32767)
    if direction == "over":
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(t < k, (k - t) / np.where(t < 1.0, 1.0 - t, 1.0), 0.0)
    elif direction == "under":
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(t > k, 1.0 - k / np.where(t > 0, t, 1.0), 0.0)
    else:
        raise ValueError(f"direction must be 'over' or 'under', got {direction!r}")
    f = np.clip(f, 0.0, 1.0)
    return float(f) if np.ndim(others_support) == 0 else f


def cartel_curve(
    weights: Any,
    stakes: Any,
    subnet: int,
    fractions: Any,
    *,
    mode: Literal["support", "oppose"] = "support",
    rho: float = ROOT_RHO,
    kappa: float = KAPPA,
    block_emission_rao: int = DEFAULT_BLOCK_EMISSION_RAO,
) -> pd.DataFrame:
    """Trust, consensus and emission of ``subnet`` as a coordinated group's stake fraction grows.

    The other validators keep their ``weights`` and relative ``stakes``; a new validator holding
    fraction ``f`` of all stake either puts all its weight on ``subnet`` (``mode="support"``) or spreads
    it evenly over every other subnet (``mode="oppose"``). Float64 throughout (a curve, not a rao
    reproduction). Columns: ``fraction``, ``trust``, ``consensus``, ``share``, ``emission_rao`` (float),
    ``over_kappa`` (trust > κ).
    """
    w, s = _check_weights_stakes(weights, stakes)
    m = w.shape[1]
    j = check_int("subnet", subnet, hi=m - 1)
    f = check_array("fractions", fractions, ndim=1, lo=0.0, hi=1.0)
    r, k = _check_rho_kappa(rho, kappa)
    e = check_int("block_emission_rao", block_emission_rao, hi=U64_MAX)
    if mode not in ("support", "oppose"):
        raise ValueError(f"mode must be 'support' or 'oppose', got {mode!r}")
    sn, wn, backs = _float_parts(w, s)
    t_others = sn @ backs                      # (m,)
    r_others = sn @ wn
    row = np.zeros(m)
    if mode == "support":
        row[j] = 1.0
    elif m > 1:
        row[np.arange(m) != j] = 1.0 / (m - 1)
    fc = f[:, None]
    t_all = fc * (row > 0) + (1 - fc) * t_others    # (len(f), m)
    r_all = fc * row + (1 - fc) * r_others
    c_all = 1.0 / (1.0 + np.exp(-r * (t_all - k)))
    x = c_all * r_all
    tot = x.sum(axis=1, keepdims=True)
    share = np.divide(x, tot, out=np.zeros_like(x), where=tot > 0)
    return pd.DataFrame({
        "fraction": f,
        "trust": t_all[:, j],
        "consensus": c_all[:, j],
        "share": share[:, j],
        "emission_rao": share[:, j] * e,
        "over_kappa": t_all[:, j] > k,
    })


def nakamoto_coefficient(stakes: Any, *, threshold: float = 0.5) -> int:
    """Fewest validators whose combined stake exceeds ``threshold`` of the total (κ ≈ 0.5 by default).

    Examples
    --------
    >>> nakamoto_coefficient([40, 30, 20, 10])
    2
    """
    s = check_array("stakes", stakes, ndim=1, lo=0.0, min_size=1)
    th = check_fraction("threshold", threshold)
    if not s.sum() > 0:
        raise ValueError("stakes must have a positive sum")
    cum = np.cumsum(np.sort(s)[::-1]) / s.sum()
    over = np.nonzero(cum > th)[0]
    return int(over[0]) + 1 if over.size else len(s)


def top_k_emission_share(
    weights: Any,
    stakes: Any,
    k: int | Sequence[int] | np.ndarray,
    *,
    rho: float = ROOT_RHO,
    kappa: float = KAPPA,
) -> float | np.ndarray:
    """Share of subnet emission decided by the ``k`` largest-stake validators (float64).

    Emission share is ``C_j·R_j / Σ C·R`` with ``R_j = Σ_i W_ij S_i``; validator ``i`` contributes
    ``Σ_j C_j W_ij S_i`` of the numerator. Returns the top-``k`` validators' part of that total
    (stake ties: lower index first). Vectorised over ``k``.

    Examples
    --------
    >>> round(top_k_emission_share(np.eye(3), [60, 30, 10], 1, rho=0.0), 12)
    0.6
    """
    w, s = _check_weights_stakes(weights, stakes)
    r, kap = _check_rho_kappa(rho, kappa)
    ks = np.asarray(k)
    if ks.dtype.kind not in "iu":
        raise TypeError(f"k must be an integer or an array of integers, got {ks.dtype}")
    if np.any(ks < 0) or np.any(ks > len(s)):
        raise ValueError(f"k must be in [0, {len(s)}], got {k!r}")
    sn, wn, backs = _float_parts(w, s)
    c = 1.0 / (1.0 + np.exp(-r * (sn @ backs - kap)))
    contrib = sn * (wn @ c)                      # each validator's part of Σ C·R
    total = contrib.sum()
    order = np.argsort(-sn, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(contrib[order])]) / (total if total > 0 else 1.0)
    out = cum[ks]
    return float(out) if ks.ndim == 0 else out


# ---------------------------------------------------------------------------------------------
# An illustrative root stake profile and the contested vote (for the book)
# ---------------------------------------------------------------------------------------------
_PROFILE_2024_06_TOP10_PCT = (25.0, 13.5, 11.0, 9.0, 6.5, 5.5, 4.5, 4.0, 3.5, 2.5)


def stake_profile_2024() -> np.ndarray:
    """A stylised stake profile of the 64 root validators in mid-2024, as fractions summing to 1.

    Public figures (Mentat Minds, "What Root Network weights reveal about Bittensor", 19 June 2024):
    the five largest root validators held about 25 %, 13.5 %, 11 %, 9 % and 6.5 % of delegated TAO
    (together ≈ 65 %), and the ten largest about 85 %. Only those aggregates come from the source:
    positions 6–10 are interpolated to sum to 20 % and the remaining 15 % is spread evenly over the
    other 54 seats. Use it as an illustration of the concentration, not as a measurement.

    Examples
    --------
    >>> p = stake_profile_2024()
    >>> len(p), round(float(p[:5].sum()), 6), round(float(p[:10].sum()), 6)
    (64, 0.65, 0.85)
    """
    top = np.array(_PROFILE_2024_06_TOP10_PCT) / 100
    rest = np.full(ROOT_MAX_UIDS - top.size, (1.0 - top.sum()) / (ROOT_MAX_UIDS - top.size))
    return np.concatenate([top, rest])


def contested_vote_share(
    stakes: Any,
    k: int | Sequence[int] | np.ndarray,
    *,
    rho: float = ROOT_RHO,
    kappa: float = KAPPA,
) -> float | np.ndarray:
    """Emission share won by the ``k`` largest validators when everyone else votes against them.

    The top-``k`` validators by stake (ties: lower index first) put all their weight on one group
    of subnets and every other validator on a disjoint group. With ``f`` the top-``k`` stake
    fraction, the first group has trust and rank ``f`` and the second ``1 − f`` (spec §2), so the
    first group's share of emission is

    ``C(f)·f / (C(f)·f + C(1 − f)·(1 − f))``,   ``C(T) = 1/(1 + exp(−ρ(T − κ)))``,

    however each group spreads its weight inside itself. For ``k = 0`` it is 0 and for ``k = n`` 1.
    Float64, vectorised over ``k`` (scalar in → float out).

    Examples
    --------
    >>> round(contested_vote_share([1, 1], 1, rho=10, kappa=0.5), 12)
    0.5
    >>> round(contested_vote_share([6, 4], 1, rho=10, kappa=0.5), 4)
    0.803
    """
    s = check_array("stakes", stakes, ndim=1, lo=0.0, min_size=1)
    if not s.sum() > 0:
        raise ValueError("stakes must have a positive sum")
    r, kap = _check_rho_kappa(rho, kappa)
    ks = np.asarray(k)
    if ks.dtype.kind not in "iu":
        raise TypeError(f"k must be an integer or an array of integers, got {ks.dtype}")
    if np.any(ks < 0) or np.any(ks > len(s)):
        raise ValueError(f"k must be in [0, {len(s)}], got {k!r}")
    order = np.argsort(-s, kind="stable")
    f = (np.concatenate([[0.0], np.cumsum(s[order])]) / s.sum())[ks]
    f = np.clip(f, 0.0, 1.0)
    g = 1.0 - f
    a = f / (1.0 + np.exp(-r * (f - kap)))
    b = g / (1.0 + np.exp(-r * (g - kap)))
    tot = a + b
    out = np.divide(a, tot, out=np.where(f >= 1.0, 1.0, 0.0), where=tot > 0)
    out = np.where(g <= 0, 1.0, np.where(f <= 0, 0.0, out))
    return float(out) if ks.ndim == 0 else out
