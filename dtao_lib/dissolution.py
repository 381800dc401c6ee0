"""Dissolution settlement and owner lock refunds (spec §6.4; HEAD ``destroy_alpha_in_out_stakes``).

When a subnet is dissolved (pruned or removed by root) its pool TAO is shared among the alpha
claimants and the owner may get part of the lock back:

1. Pot ``T`` = ``SubnetTAO`` (the pool's TAO reserve).
2. Claimants: every staker's alpha **value** ``v_i`` (> 0) and one protocol claimant
   ``P`` = ``SubnetProtocolAlpha`` (chain-bought alpha), plus ``SubnetAlphaIn`` for subnets registered
   after ``TaoInRefundDeploymentBlock`` (June 2026). Denominator ``V = Σ v_i + P``.
3. Each claimant gets ``floor(T·c / V)`` (``c`` = ``v_i`` or ``P``). The leftover rao,
   ``T − Σ floors``, go one each to the claimants with the largest remainders ``T·c mod V`` —
   the protocol claimant (listed after the stakers) takes part in the same ranking (ties: earlier
   first, a stable sort; ``remove_stake.rs`` at 14bc6f9f L595–601). The protocol's share is not
   paid to anyone: it is recycled with everything else left in the subnet account, so
   ``protocol_share = T − Σ staker payouts`` and the parts sum exactly to the pot (DS-01…DS-04).
   With no claimant at all, the whole pot is recycled.
4. Owner refund ``max(0, lock − owner_emission_tao)`` — for every subnet in v3.2.8, only for
   *legacy* subnets (registered before ``NetworkRegistrationStartBlock``, Sept 2025) from v3.2.9
   (tag v3.2.9-326, ``remove_stake.rs`` L452–455). Owner emission = ``Σ`` last-epoch Emission
   vector × owner cut, sold in a simulated swap (v3.2.8 – v3.2.11; the spot price only if that
   fails), then ``floor(alpha_issuance · owner_cut) · p_spot`` from v3.2.12
   (``Era.owner_emission_basis``). Pre-dTAO the lock was refunded in full; v2.0.0–v3.2.7 paid no
   refund.

The owner-emission value is computed as the chain does, in U96F32 (32 fractional bits):
``owner_alpha = floor(α · ⌊cut·2^32/65535⌋ / 2^32)`` and ``tao = floor(owner_alpha · ⌊p·2^32⌋ / 2^32)``.

Functions
---------
settle
    Integer pro-rata split of the pot (largest remainder), exact to the rao.
owner_refund, owner_emission_value
    The owner's lock refund by era, and the owner-emission value it is reduced by.
exit_comparison
    One staker's two exits: the dissolution payout against selling the same alpha in the pool.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ._validate import check_int
from .params import SUBNET_OWNER_CUT_U16, U16_MAX, U64_MAX, Era
from .params import era as _resolve_era

__all__ = [
    "ExitComparison",
    "Settlement",
    "exit_comparison",
    "owner_emission_value",
    "owner_refund",
    "settle",
]

_FRAC32 = 32


@dataclass(frozen=True)
class Settlement:
    """Result of :func:`settle`: what each staker is paid and what is recycled (spec §6.4).

    ``sum(staker_tao) + protocol_share == pot_rao`` always.
    """

    pot_rao: int
    staker_tao: list[int]
    protocol_share: int
    protocol_pro_rata: int
    denominator: int
    staker_floor: list[int]
    remainders: list[int]

    @property
    def paid_to_stakers(self) -> int:
        """Total TAO paid out to staker coldkeys."""
        return sum(self.staker_tao)

    @property
    def recycled_rao(self) -> int:
        """TAO not paid to users (the protocol claimant's share plus undistributed rao); recycled."""
        return self.protocol_share

    @property
    def leftover_rao(self) -> int:
        """Rao handed to stakers by the largest-remainder step (on top of their floors)."""
        return self.paid_to_stakers - sum(self.staker_floor)


def _alpha_list(staker_alpha: Sequence[Any] | np.ndarray) -> list[int]:
    if isinstance(staker_alpha, np.ndarray):
        if staker_alpha.ndim != 1:
            raise ValueError(f"staker_alpha must be 1-dimensional, got shape {staker_alpha.shape}")
        items = staker_alpha.tolist()
    elif isinstance(staker_alpha, (str, bytes)) or not isinstance(staker_alpha, Sequence):
        raise TypeError(f"staker_alpha must be a sequence of integers, got {type(staker_alpha).__name__}")
    else:
        items = list(staker_alpha)
    return [check_int(f"staker_alpha[{i}]", v, hi=U64_MAX) for i, v in enumerate(items)]


def settle(
    pot_rao: int,
    staker_alpha: Sequence[int] | np.ndarray,
    *,
    alpha_in: int = 0,
    protocol_alpha: int = 0,
    include_alpha_in: bool = False,
) -> Settlement:
    """Split a dissolved subnet's TAO pot among its alpha claimants (spec §6.4, DS-01…DS-04).

    Parameters
    ----------
    pot_rao
        ``SubnetTAO`` of the dissolved subnet (rao).
    staker_alpha
        Alpha **value** of each (hotkey, coldkey) stake, in the chain's iteration order (which
        decides ties between equal remainders). Zero entries receive nothing.
    alpha_in
        ``SubnetAlphaIn`` (the pool's alpha reserve).
    protocol_alpha
        ``SubnetProtocolAlpha`` (chain-bought alpha, kept since v3.4.1).
    include_alpha_in
        True for subnets registered after ``TaoInRefundDeploymentBlock`` (June 2026): the pool's
        alpha then joins the protocol claimant.

    Returns
    -------
    Settlement
        ``staker_tao`` (one int per staker) and ``protocol_share`` (recycled), summing to the pot.

    Examples
    --------
    >>> settle(10_000, [300, 700]).staker_tao
    [3000, 7000]
    >>> s = settle(200, [50], alpha_in=100, protocol_alpha=50, include_alpha_in=False)
    >>> s.staker_tao, s.protocol_share
    ([100], 100)
    >>> settle(10, [1, 1], protocol_alpha=1).staker_tao  # the first leftover rao goes to the first staker
    [4, 3]
    """
    pot = check_int("pot_rao", pot_rao, hi=U64_MAX)
    values = _alpha_list(staker_alpha)
    a_in = check_int("alpha_in", alpha_in, hi=U64_MAX)
    p_alpha = check_int("protocol_alpha", protocol_alpha, hi=U64_MAX)
    if not isinstance(include_alpha_in, (bool, np.bool_)):
        raise TypeError(f"include_alpha_in must be a bool, got {type(include_alpha_in).__name__}")
    protocol = min(p_alpha + a_in, U64_MAX) if include_alpha_in else p_alpha  # u64 saturating_add
    denom = protocol + sum(values)

    n = len(values)
    shares = [0] * n
    rems = [0] * n
    floors = [0] * n
    if pot > 0 and denom > 0:
        for i, v in enumerate(values):
            if v > 0:
                shares[i], rems[i] = divmod(pot * v, denom)
        floors = list(shares)
        protocol_floor, protocol_rem = divmod(pot * protocol, denom)
        leftover = pot - sum(floors) - protocol_floor
        if leftover:
            # one ranking of every claimant by remainder, the protocol last (a stable sort)
            claimants = [i for i in range(n) if values[i] > 0] + ([n] if protocol > 0 else [])
            rem_of = [*rems, protocol_rem]
            for i in sorted(claimants, key=lambda i: -rem_of[i])[:leftover]:
                if i < n:
                    shares[i] += 1
    protocol_pro_rata = (pot * protocol) // denom if denom and pot else 0
    return Settlement(
        pot_rao=pot,
        staker_tao=shares,
        protocol_share=pot - sum(shares),
        protocol_pro_rata=protocol_pro_rata,
        denominator=denom,
        staker_floor=floors,
        remainders=rems,
    )


# ---------------------------------------------------------------------------------------------
# Owner refund (§6.4 step 4)
# ---------------------------------------------------------------------------------------------
def _u96f32_bits(name: str, value: Any) -> int:
    """A non-negative real as U96F32 bits, truncated (fixed-to-fixed conversions truncate)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, Fraction)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if isinstance(value, numbers.Integral):
        value = int(value)  # Fraction(np.int8(1)) keeps an int8 numerator that overflows when scaled
    elif isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    frac = Fraction(value)
    if frac < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return math.floor(frac * (1 << _FRAC32))


def owner_emission_value(
    alpha_rao: int,
    price: float | None = None,
    *,
    owner_cut_u16: int = SUBNET_OWNER_CUT_U16,
    era: str | Era = "head",
    pool: Any = None,
) -> int:
    """TAO value of the owner's emission, as the refund rule of ``era`` computes it (spec §6.4 step 4).

    The owner's alpha is ``floor(α · cut)`` in U96F32 (``cut = owner_cut_u16 / 65535``). Its TAO
    value depends on :attr:`Era.owner_emission_basis`:

    * v3.2.12 → HEAD (``"alpha_issuance_spot"``): ``α`` is the subnet's alpha issuance and the value
      is ``floor(owner_alpha · p)`` at the spot price ``p`` (``remove_stake.rs`` L465–472 @v3.2.12-342);
    * v3.2.8 – v3.2.11 (``"emission_vector_sim_sale"``): ``α`` is the sum of the last epoch's
      ``Emission`` vector and the value is what a **simulated sale** of the owner's alpha into the
      subnet's pool pays out (``sim_swap``, fee and price impact included); only if that swap fails
      does the chain fall back to ``floor(owner_alpha · p)`` (``remove_stake.rs`` L471–488
      @v3.2.8-320, L471–490 @v3.2.11-338). Pass the pool (:func:`dtao_lib.amm.pool_for` for the
      era); ``price`` then defaults to the pool's spot price.
    * earlier eras refund the full lock or nothing (:func:`owner_refund`) and never value the
      emission; the spot product is returned for them.

    Parameters
    ----------
    alpha_rao
        The emitted alpha the owner's part is taken of (see above), integer rao < 2^96.
    price
        Spot price ``p`` (TAO per alpha, ≥ 0), truncated to U96F32. Required unless ``pool`` is
        given in a simulated-sale era.
    owner_cut_u16
        ``SubnetOwnerCut`` (u16, /65535).
    era
        Protocol era (default HEAD).
    pool
        The subnet's pool (a :mod:`dtao_lib.amm` pool) for the simulated sale of v3.2.8 – v3.2.11;
        ignored in other eras.

    Examples
    --------
    >>> owner_emission_value(1_000_000 * 10**9, 0.01)   # ≈ 18 % of 1 M alpha at 0.01 TAO (0.01 truncated to 2^-32)
    1799954182283
    >>> from dtao_lib.amm import pool_for
    >>> pool = pool_for("v3.2.8", 10**12, 100 * 10**12)     # spot 0.01 TAO per alpha
    >>> owner_emission_value(10_000 * 10**9, 0.01), owner_emission_value(10_000 * 10**9, era="v3.2.8", pool=pool)
    (17999541822, 17672541123)
    """
    alpha = check_int("alpha_rao", alpha_rao, hi=2**96 - 1)
    cut = check_int("owner_cut_u16", owner_cut_u16, hi=U16_MAX)
    e = _resolve_era(era)
    sim_sale = e.owner_emission_basis == "emission_vector_sim_sale"
    if pool is not None:
        from . import amm

        if not isinstance(pool, (amm.ConstantProductPool, amm.FullRangePool, amm.BalancerPool)):
            raise TypeError(f"pool must be a dtao_lib.amm pool (ConstantProductPool, FullRangePool or "
                            f"BalancerPool), got {type(pool).__name__}")
    if price is None:
        if not (sim_sale and pool is not None):
            raise ValueError("price is required (a real number >= 0, TAO per alpha), except with pool= in the "
                             "simulated-sale eras v3.2.8 – v3.2.11")
        price = pool.price
    price_bits = _u96f32_bits("price", price)
    cut_bits = (cut << _FRAC32) // U16_MAX
    owner_alpha = _sat_u64((alpha * cut_bits) >> _FRAC32)
    if sim_sale and owner_alpha > 0:
        if pool is None:
            raise ValueError(f"era {e.tag!r} values the owner's emission with a simulated sale into the subnet's "
                             "pool (v3.2.8 – v3.2.11): pass pool= (e.g. dtao_lib.amm.pool_for(era, tao, alpha))")
        try:
            sale = pool.sell_alpha(owner_alpha)
        except ValueError:  # beyond what the pool can take (supply cap): the swap fails on chain too
            sale = None
        if sale is not None and sale.ok:
            return int(sale.amount_out)
    return _sat_u64((owner_alpha * price_bits) >> _FRAC32)


def _sat_u64(x: int) -> int:
    return min(max(x, 0), U64_MAX)


def owner_refund(
    locked_rao: int,
    owner_emission_tao_rao: int,
    *,
    legacy: bool = False,
    era: str | Era = "head",
) -> int:
    """Lock refund paid to the owner when the subnet is dissolved (spec §6.4 step 4, §2).

    ===============================  =========================================================
    era                              refund
    ===============================  =========================================================
    pre-dTAO (≤ v1.2.5)              the full lock
    v2.0.0 – v3.2.7                  none
    v3.2.8                           ``max(0, lock − owner emission)`` for every subnet
    v3.2.9 – HEAD                    ``max(0, lock − owner emission)`` if ``legacy`` else 0
    ===============================  =========================================================

    ``legacy`` means registered before ``NetworkRegistrationStartBlock`` (the Sept-2025 re-enable).
    ``owner_emission_tao_rao`` is the value from :func:`owner_emission_value`.

    Examples
    --------
    >>> owner_refund(5_000, 0, legacy=True), owner_refund(5_000, 0, legacy=False)
    (5000, 0)
    >>> owner_refund(1_000, 1_500, legacy=True), owner_refund(1_000, 1_500, era="pre-dtao")
    (0, 1000)
    """
    lock = check_int("locked_rao", locked_rao, hi=U64_MAX)
    emitted = check_int("owner_emission_tao_rao", owner_emission_tao_rao, hi=U64_MAX)
    if not isinstance(legacy, (bool, np.bool_)):
        raise TypeError(f"legacy must be a bool, got {type(legacy).__name__}")
    rule = _resolve_era(era).owner_refund
    if rule == "full_lock":
        return lock
    if rule == "none":
        return 0
    if rule == "legacy_only" and not legacy:
        return 0
    return max(lock - emitted, 0)


# ---------------------------------------------------------------------------------------------
# Two ways out: wait for dissolution, or sell in the pool (§6.4, §4)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExitComparison:
    """What one staker gets from a dissolution and from selling in the pool (see :func:`exit_comparison`).

    All amounts in rao. ``spot_value_rao`` is the alpha valued at the pool's spot price.
    """

    staker_alpha_rao: int
    spot_price: float
    spot_value_rao: int
    dissolution_rao: int
    pool_sale_rao: int
    settlement: Settlement
    sale: Any

    @property
    def dissolution_haircut(self) -> float:
        """``1 − dissolution / spot value``: the liquidation discount (``1 − 1/ADR`` without protocol alpha)."""
        return 1.0 - self.dissolution_rao / self.spot_value_rao if self.spot_value_rao else float("nan")

    @property
    def sale_slippage(self) -> float:
        """``1 − pool sale / spot value``: price impact plus the swap fee."""
        return 1.0 - self.pool_sale_rao / self.spot_value_rao if self.spot_value_rao else float("nan")

    @property
    def better(self) -> str:
        """``"dissolution"``, ``"pool sale"`` or ``"equal"``."""
        if self.dissolution_rao == self.pool_sale_rao:
            return "equal"
        return "dissolution" if self.dissolution_rao > self.pool_sale_rao else "pool sale"


def exit_comparison(
    tao_reserve_rao: int,
    alpha_in_rao: int,
    staker_alpha_rao: int,
    other_alpha_rao: int = 0,
    *,
    protocol_alpha_rao: int = 0,
    include_alpha_in: bool = False,
    era: str | Era = "head",
    quote_weight: Any = None,
) -> ExitComparison:
    """A staker's alpha at dissolution versus sold in the pool now (spec §6.4, §4, §7).

    * **Dissolution**: the pool's TAO is the pot and :func:`settle` shares it between this staker,
      the other stakers (``other_alpha_rao`` in total) and the protocol claimant; this staker gets
      ``floor(T·v / V)`` plus possibly one leftover rao.
    * **Pool sale**: the same alpha sold in one swap on the pool of ``era``
      (:func:`dtao_lib.amm.pool_for`: a Balancer pool at HEAD, equal weights unless ``quote_weight``
      is given; Uniswap v3 from July 2025 to June 2026), fee included.

    With ADR = (staker + others) / α_in > 1 the dissolution pays ``P/ADR`` per alpha, below spot; a
    small sale loses only the fee and a little price impact, a large one more.

    Examples
    --------
    Pool 1 000 TAO / 100 000 α (spot 0.01), stakers hold 200 000 α (ADR 2), this staker 10 000 α:

    >>> c = exit_comparison(1_000 * 10**9, 100_000 * 10**9, 10_000 * 10**9, 190_000 * 10**9)
    >>> c.dissolution_rao / 1e9, round(c.pool_sale_rao / 1e9, 3), c.better
    (50.0, 90.867, 'pool sale')
    """
    from .amm import pool_for  # local import: amm is only needed here

    tao = check_int("tao_reserve_rao", tao_reserve_rao, lo=1, hi=U64_MAX)
    pool_alpha = check_int("alpha_in_rao", alpha_in_rao, lo=1, hi=U64_MAX)
    mine = check_int("staker_alpha_rao", staker_alpha_rao, lo=1, hi=U64_MAX)
    others = check_int("other_alpha_rao", other_alpha_rao, hi=U64_MAX)
    prot = check_int("protocol_alpha_rao", protocol_alpha_rao, hi=U64_MAX)
    if not isinstance(include_alpha_in, (bool, np.bool_)):
        raise TypeError(f"include_alpha_in must be a bool, got {type(include_alpha_in).__name__}")
    kwargs = {} if quote_weight is None else {"quote_weight": quote_weight}
    if kwargs and _resolve_era(era).pool != "balancer":
        raise ValueError(f"quote_weight applies only to Balancer pools (v3.3.10, v3.4.8 and later), not era {era!r}")
    pool = pool_for(era, tao, pool_alpha, **kwargs)
    price = float(pool.price)
    settlement = settle(tao, [mine, others], alpha_in=pool_alpha, protocol_alpha=prot,
                        include_alpha_in=bool(include_alpha_in))
    sale = pool.sell_alpha(mine)
    return ExitComparison(
        staker_alpha_rao=mine,
        spot_price=price,
        spot_value_rao=math.floor(mine * price),
        dissolution_rao=settlement.staker_tao[0],
        pool_sale_rao=sale.amount_out,
        settlement=settlement,
        sale=sale,
    )
