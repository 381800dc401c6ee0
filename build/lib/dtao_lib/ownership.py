"""Conviction-based subnet ownership (addendum §A6).

Stakers can **lock** alpha on a subnet; a lock builds *conviction* over time, and the hotkey with the
largest conviction (the "king") can take the subnet over from its owner. Three rules, by era
(:attr:`dtao_lib.params.Era.conviction_owner_change`):

* ``"total_conviction_10pct"`` — subtensor main 2026-06-30 (PR #2800, commit 14bc6f9f), deployed with
  runtime spec 432 on 2026-07-16 [V]: the owner changes when the subnet is at least ``ONE_YEAR``
  (7 200·365 + 1 800 blocks) old **and** ten times the **total** rolled conviction on the subnet
  reaches ``SubnetAlphaOut``; the new owner is the king.
* an intermediate code version (``bfe6714a``, date unknown) [V]: ten times the **king's own**
  conviction must reach ``SubnetAlphaOut``.
* ``"own_conviction_18pct"`` — spec 447 (PR #3083, 2026-08-14) [P]: the king's own conviction must
  **exceed 18 %** of the eligible alpha ``SubnetAlphaOut − SubnetProtocolAlpha − AlphaBurned``
  (saturating at 0: no transfer when nothing is eligible). The PR's rationale: 18 % is the owner cut.
  This code version was not found; the rule comes from the PR text only.

The conviction roll-forward (unchanged from 06-30 to spec 459 [V], ``staking/lock.rs``
@081650b3) is :func:`roll_conviction`. The chain computes the exponentials in I64F64 with the ratio
``−dt/τ`` clamped at −40; this module uses float64 (relative error ~1e-15, far below a rao for
realistic locks) and floors the decayed lock to the rao as the chain stores it.

Not modelled: the right of first refusal (#3023, open) and the conviction boost to the emission gate
(#3011) are proposals, not HEAD (addendum §A1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._validate import check_bool, check_int, check_real
from .params import ONE_YEAR_BLOCKS, TAKEOVER_SHARE_OF_ELIGIBLE_ALPHA, Era
from .params import era as _era

__all__ = [
    "CONVICTION_RATE_BLOCKS",
    "Lock",
    "owner_change_due",
    "roll_conviction",
    "takeover_threshold",
]

CONVICTION_RATE_BLOCKS: int = 934_866
"""Default ``UnlockRate`` = ``MaturityRate`` (blocks): the time constants τx and τz of a lock."""


@dataclass(frozen=True)
class Lock:
    """A lock after :func:`roll_conviction`: locked amount ``M`` (rao) and conviction ``C``."""

    locked: int
    conviction: float


def roll_conviction(
    locked: int,
    conviction: float,
    dt_blocks: int,
    *,
    perpetual: bool = False,
    unlock_rate: int = CONVICTION_RATE_BLOCKS,
    maturity_rate: int = CONVICTION_RATE_BLOCKS,
) -> Lock:
    """Roll a lock forward by ``dt`` blocks (addendum §A6 [V]).

    Perpetual lock: ``M' = M``, ``C' = e^{−dt/τz}·C + M·(1 − e^{−dt/τz})``.
    Decaying lock: ``M' = ⌊e^{−dt/τx}·M⌋`` and
    ``C' = e^{−dt/τz}·C + M·τx·(e^{−dt/τx} − e^{−dt/τz})/(τx − τz)``, which for ``τx = τz = τ``
    becomes ``M·(dt/τ)·e^{−dt/τ}``. (An owner's lock has ``C = M``.)

    Parameters
    ----------
    locked, conviction
        ``M`` (rao) and ``C`` before the roll.
    dt_blocks
        Blocks since the last roll.
    perpetual
        A perpetual lock does not decay.
    unlock_rate, maturity_rate
        τx and τz in blocks (default 934 866 each).

    Examples
    --------
    >>> r = roll_conviction(10**9, 0.0, 934_866, perpetual=True)     # one τ: C = M·(1 − 1/e)
    >>> round(r.conviction / 10**9, 6), r.locked
    (0.632121, 1000000000)
    """
    m = check_int("locked", locked)
    c = check_real("conviction", conviction, lo=0.0)
    dt = check_int("dt_blocks", dt_blocks)
    tx = check_int("unlock_rate", unlock_rate, lo=1)
    tz = check_int("maturity_rate", maturity_rate, lo=1)
    perpetual = check_bool("perpetual", perpetual)
    ez = math.exp(max(-dt / tz, -40.0))
    if perpetual:
        return Lock(m, ez * c + m * (1.0 - ez))
    ex = math.exp(max(-dt / tx, -40.0))
    grow = m * (dt / tx) * ex if tx == tz else m * tx * (ex - ez) / (tx - tz)
    return Lock(int(ex * m), ez * c + grow)


def takeover_threshold(alpha_out: int, *, protocol_alpha: int = 0, alpha_burned: int = 0,
                       era: str | Era = "head") -> float:
    """Conviction the rule compares against (addendum §A6).

    * ``"total_conviction_10pct"`` (2026-06-30 → spec 446): ``SubnetAlphaOut / 10`` (10 × conviction
      must reach ``SubnetAlphaOut``; here the total conviction on the subnet);
    * ``"own_conviction_18pct"`` (spec 447 [P]): ``0.18·max(SubnetAlphaOut − SubnetProtocolAlpha −
      AlphaBurned, 0)`` (the king's own conviction must exceed it).

    >>> takeover_threshold(1_000, era="2026-06-30"), takeover_threshold(1_000, protocol_alpha=500)
    (100.0, 90.0)
    """
    e = _era(era)
    out = check_int("alpha_out", alpha_out)
    if e.conviction_owner_change == "own_conviction_18pct":
        eligible = max(out - check_int("protocol_alpha", protocol_alpha) - check_int("alpha_burned", alpha_burned), 0)
        return TAKEOVER_SHARE_OF_ELIGIBLE_ALPHA * eligible
    if e.conviction_owner_change == "total_conviction_10pct":
        return out / 10
    raise ValueError(f"era {e.tag!r} has no conviction-based owner change (it starts with the 2026-06-30 code)")


def owner_change_due(
    *,
    subnet_age_blocks: int,
    king_conviction: float,
    total_conviction: float,
    alpha_out: int,
    protocol_alpha: int = 0,
    alpha_burned: int = 0,
    era: str | Era = "head",
) -> bool:
    """Whether ``change_subnet_owner_if_needed`` hands the subnet to the king this epoch (addendum §A6).

    2026-06-30 rule [V]: age ≥ ``ONE_YEAR`` and ``10·total_conviction ≥ SubnetAlphaOut``. Spec 447 rule
    [P]: age ≥ ``ONE_YEAR`` (kept from the earlier rule [G]) and ``king_conviction > 0.18·eligible``
    with ``eligible > 0``.

    >>> owner_change_due(subnet_age_blocks=3_000_000, king_conviction=100.0, total_conviction=150.0,
    ...                  alpha_out=1_000, era="2026-06-30")
    True
    >>> owner_change_due(subnet_age_blocks=3_000_000, king_conviction=100.0, total_conviction=150.0,
    ...                  alpha_out=1_000)
    False
    """
    e = _era(era)
    age = check_int("subnet_age_blocks", subnet_age_blocks)
    king = check_real("king_conviction", king_conviction, lo=0.0)
    total = check_real("total_conviction", total_conviction, lo=0.0)
    threshold = takeover_threshold(alpha_out, protocol_alpha=protocol_alpha, alpha_burned=alpha_burned, era=e)
    if age < ONE_YEAR_BLOCKS:
        return False
    if e.conviction_owner_change == "own_conviction_18pct":
        return threshold > 0 and king > threshold
    return total * 10 >= alpha_out
