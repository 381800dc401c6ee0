"""Miner registration collateral (spec 435; addendum §A7).

From runtime spec 435 (PR #2949 [P]; ``pallets/subtensor/src/subnets/collateral.rs`` @1ce8b56f [V]) a
neuron registration no longer burns its whole price. A per-subnet share ``p = CollateralLockShare/65535``
of the price is **staked to the registering hotkey and locked**; the rest ``(1 − p)`` is burned as before:

* the whole charge is paid with one TAO transfer and one swap (TAO → alpha); the bought alpha is split
  pro rata between the burned part and the collateral top-up, and the burned alpha leaves
  ``SubnetAlphaOut`` (:func:`charge_split`, :func:`split_bought_alpha`);
* the collateral buy carries a price limit 5 % above the spot price (:func:`collateral_price_limit`);
* the lock drains as the miner earns: ``CollateralDrainRatio`` k alpha of collateral is released per
  alpha of emission earned (:func:`collateral_release`);
* collateral survives deregistration and is credited, valued at the subnet's **EMA** price, when the
  hotkey registers again (:func:`collateral_credit_tao`);
* in the coinbase, ``settle_miner_collateral`` runs on each miner incentive and on each validator take
  before the liquid remainder is credited [V @1a587cc8]; its capture rule below a miner-set floor was
  not read, so it is not modelled here.

The rounding of these steps was not read (the addendum quotes the formulas, not the integer code):
amounts are floored to the rao, which may differ from the chain by 1 rao per step. Everything here is
[V] in content and approximate in rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._validate import check_int, check_real, check_u16_fraction
from .amm import MAX_PRICE

__all__ = [
    "COLLATERAL_PRICE_LIMIT",
    "ChargeSplit",
    "charge_split",
    "collateral_credit_tao",
    "collateral_price_limit",
    "collateral_release",
    "split_bought_alpha",
]

COLLATERAL_PRICE_LIMIT: float = 1.05
"""The collateral buy may not lift the price more than 5 % above spot (collateral.rs @1ce8b56f)."""


@dataclass(frozen=True)
class ChargeSplit:
    """A registration price split into the burned part and the collateral (rao)."""

    burned: int
    collateral: int

    @property
    def total(self) -> int:
        return self.burned + self.collateral


def charge_split(price_rao: int, lock_share: Any) -> ChargeSplit:
    """Split a neuron registration price: ``collateral = ⌊p·price⌋``, ``burned = price − collateral``.

    Parameters
    ----------
    price_rao
        The registration (burn) price in rao.
    lock_share
        ``CollateralLockShare`` p: a fraction in [0, 1] or the raw u16 (``/65535``).

    Examples
    --------
    >>> charge_split(1_000_000_000, 0.25)
    ChargeSplit(burned=750000000, collateral=250000000)
    """
    price = check_int("price_rao", price_rao)
    p = check_u16_fraction("lock_share", lock_share)
    collateral = int(price * p)
    return ChargeSplit(burned=price - collateral, collateral=collateral)


def split_bought_alpha(alpha_bought: int, split: ChargeSplit) -> tuple[int, int]:
    """Alpha from the one swap, pro rata to the burned TAO and the collateral TAO: ``(burned, locked)``.

    The locked part is ``⌊α·collateral/price⌋``; the burned part (the rest) leaves ``SubnetAlphaOut``.

    >>> split_bought_alpha(4_000, charge_split(1_000, 0.25))
    (3000, 1000)
    """
    a = check_int("alpha_bought", alpha_bought)
    if not isinstance(split, ChargeSplit):
        raise TypeError(f"split must be a ChargeSplit (see charge_split), got {type(split).__name__}")
    if split.total == 0:
        return 0, 0
    locked = a * split.collateral // split.total
    return a - locked, locked


def collateral_price_limit(spot_price: float) -> float:
    """Highest price the collateral buy may reach: 5 % above spot (TAO per alpha)."""
    return check_real("spot_price", spot_price, lo=0.0) * COLLATERAL_PRICE_LIMIT


def collateral_release(locked_alpha: int, earned_alpha: int, drain_ratio: float) -> int:
    """Collateral released when a miner earns ``earned_alpha``: ``min(locked, ⌊k·earned⌋)``.

    ``drain_ratio`` is ``CollateralDrainRatio`` k (alpha of collateral per alpha of emission).

    >>> collateral_release(1_000, 300, 2.0), collateral_release(1_000, 800, 2.0)
    (600, 1000)
    """
    locked = check_int("locked_alpha", locked_alpha)
    earned = check_int("earned_alpha", earned_alpha)
    k = check_real("drain_ratio", drain_ratio, lo=0.0)
    released = k * earned  # may be inf for a huge ratio: then everything is released
    return locked if released >= locked else int(released)


def collateral_credit_tao(locked_alpha: int, ema_price: float) -> int:
    """TAO value credited on re-registration: the surviving collateral at the subnet's EMA price.

    >>> collateral_credit_tao(2_000_000_000, 0.05)
    100000000
    """
    locked = check_int("locked_alpha", locked_alpha)
    p = check_real("ema_price", ema_price, lo=0.0, hi=MAX_PRICE)  # at most the swap pallet max price (1e6)
    return int(locked * p)
