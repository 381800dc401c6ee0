"""Mainnet parameters and protocol eras.

Two things live here:

1. **Mainnet parameters** (spec §0.1), each a :class:`Parameter` with its value, unit and the
   place in subtensor that installs it. The module-level constants (``TOTAL_SUPPLY_RAO``,
   ``SUBNET_OWNER_CUT_U16``...) are the values other modules use as defaults.
2. **Protocol eras** (spec §9, with the per-mechanism history in §2–§7). An :class:`Era` says,
   for one release of subtensor, which rule the chain applied for every mechanism that changed
   over time: how TAO emission is split across subnets, how it is injected, which pool prices
   swaps, how the EMA price moves, where a subnet's lock goes, and so on. Functions that
   implement an era-dependent rule take ``era=`` (default ``"head"``) and resolve it with
   :func:`era`.

Era names accepted by :func:`era`:

* a release tag (``"v2.0.0"``, ``"v3.4.6"``...) of opentensor/subtensor up to June 2026;
* a runtime version ``"specNNN"`` (``"spec432"``, ``"spec441"``, ``"spec459"``...): the newest rule
  set at or before that ``spec_version`` (addendum §A1). ``"spec425"`` (also ``"2026-06-30"``) is
  subtensor main on 2026-06-30, commit ``14bc6f9f``, the book's HEAD until this addendum; any
  ``specNNN`` below 432 resolves to it. From ``spec432`` on the code is RaoFoundation/subtensor
  (the same repository under a new name);
* ``"head"``: the newest reconstruction of the addendum (§H): runtime spec 459, September 2026;
* an emission-share era letter from spec §3.2 and the addendum: ``"pre-dtao"``, ``"A"``, ``"B"``,
  ``"B'"``, ``"C"``, ``"D"``, ``"E"`` (spec 440: emission gate with the q-mass bar),
  ``"F"`` (spec 441: emission gate with the rank-32 bar). A letter stands for the **first release**
  of that era (``"A"`` is ``v2.0.0``, the dTAO launch; ``"B"`` is ``v3.2.10``; ``"D"`` is spec 425;
  ``"F"`` is spec 441...), so it also fixes the injection, pool and fee rules of that release. Pass a
  tag when you need a later release inside an era (``"spec444"``: era F without the
  ``(1 − MinerBurned)`` weighting; ``"spec445"``: restored);
* a date (``"2025-12-20"`` or a :class:`datetime.date`): the latest release whose date
  (:attr:`Release.date`: the tag commit date up to June 2026, afterwards the date the addendum gives,
  see :attr:`Release.date_kind`) is on or before it; ``era(day, by="live")`` uses the day the runtime
  went live where a public source gives it (:attr:`Release.live`). Tag dates are not on-chain
  deployment dates (spec §0).

The emission-share rule keeps ``share_rule == "price_burn"`` from era D on; the gate of eras E and F
is described by the extra fields :attr:`Era.emission_gate` and :attr:`Era.miner_burn_weighting`
(addendum §A2, §A3), so code written for era D keeps running and must check ``emission_gate`` to
apply the gate.

Everything in this module is data; nothing is computed from mainnet state.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

__all__ = [
    "ERA_LETTERS",
    "MAINNET",
    "RELEASES",
    "RELEASE_INFO",
    "SUBTENSOR_TAGS",
    "TIMELINE",
    "Change",
    "Era",
    "Parameter",
    "Release",
    "era",
]

# ---------------------------------------------------------------------------------------------
# Units and fixed-point normalisers (spec §8)
# ---------------------------------------------------------------------------------------------
RAO_PER_TAO: int = 10**9
"""1 TAO = 1e9 rao; alpha uses the same 9 decimals."""
U16_MAX: int = 65_535
"""u16 fractions are ``value / 65535``."""
U64_MAX: int = 2**64 - 1
"""u64-normalised fractions are ``value / (2**64 - 1)``."""
I64_MAX: int = 2**63 - 1
"""``FlowEmaSmoothingFactor`` is normalised by ``i64::MAX``."""

SPEC_VERSION: int = 459
"""Runtime ``spec_version`` of the HEAD this book describes (addendum §H: the newest runtime read)."""
HEAD_COMMIT: str = "005a8dc0f16acf6b27df8788f18ace5d8a21d030"
"""RaoFoundation/subtensor commit of ``runtime/src/lib.rs`` at spec 459. HEAD combines files read at
several commits (addendum §H): ``subnet_emissions.rs`` @f8ff769a, ``run_coinbase.rs`` @1a587cc8,
``block_step.rs`` @c802e515, swap ``impls.rs`` @63369449; none of them is dated."""
HEAD_DATE: _dt.date = _dt.date(2026, 9, 1)
"""Approximate: September 2026 (the spec-459 code is undated; spec 470 went live 2026-09-25 [T])."""
HEAD_REPOSITORY: str = "RaoFoundation/subtensor"
PROTOCOL_DESCRIBED: str = "subtensor through runtime spec 459 (RaoFoundation/subtensor, September 2026)"

BASELINE_SPEC_VERSION: int = 425
"""``spec_version`` of the book's previous HEAD: opentensor/subtensor main on 2026-06-30."""
BASELINE_COMMIT: str = "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
BASELINE_DATE: _dt.date = _dt.date(2026, 6, 30)
BASELINE_DESCRIBED: str = "subtensor main 2026-06-30, spec_version 425"

# Emission gate (addendum §A2; subnet_emissions.rs @f8ff769a, lib.rs defaults)
EMISSION_BAR_UPDATE_INTERVAL: int = 360
"""The bar θ is recomputed when ``block % 360 == 0`` (or when no bar is stored)."""
EMISSION_BAR_RANK: int = 32
"""``EmissionBarRank`` default from spec 441: θ is the 32nd-largest positive share (0 = q-mass mode)."""
EMISSION_BAR_QUANTILE: float = 0.61
"""``EmissionBarQuantile`` code default (spec 440). Set to 0.75 on chain on 2026-07-28 [T]; inert in rank mode."""
EMISSION_GATE_EXPONENT: int = 3
"""``EmissionGateExponent`` h of the Hill gate ``s/(1 + (θ/s)^h)``."""
BALANCER_MAX_WEIGHT: float = 0.99
"""Upper bound of a Balancer quote weight; injections that would leave [0.01, 0.99] wait in reservoirs."""
ONE_YEAR_BLOCKS: int = 7_200 * 365 + 1_800
"""``ONE_YEAR`` of the conviction owner-change rule (addendum §A6)."""
TAKEOVER_SHARE_OF_ELIGIBLE_ALPHA: float = 0.18
"""Spec 447 conviction takeover threshold [P] (addendum §A6): the king's own conviction > 18 % of
``SubnetAlphaOut − SubnetProtocolAlpha − AlphaBurned``."""

# ---------------------------------------------------------------------------------------------
# Mainnet parameters (spec §0.1)
# ---------------------------------------------------------------------------------------------
BLOCK_TIME_SECONDS: int = 12
BLOCKS_PER_DAY: int = 7_200
TOTAL_SUPPLY_RAO: int = 21_000_000 * RAO_PER_TAO
DEFAULT_BLOCK_EMISSION_RAO: int = RAO_PER_TAO
TEMPO: int = 360
SUBNET_OWNER_CUT_U16: int = 11_796
DEFAULT_TAKE_U16: int = 11_796
TAO_WEIGHT_RAW: int = 3_320_413_933_267_719_290
TAO_WEIGHT: float = TAO_WEIGHT_RAW / U64_MAX
KAPPA_U16: int = 32_767
ROOT_RHO: float = 10.0
BONDS_MOVING_AVERAGE: int = 900_000
BONDS_MOVING_AVERAGE_CAP: int = 975_000
ALPHA_LOW_U16: int = 45_875
ALPHA_HIGH_U16: int = 58_982
ALPHA_SIGMOID_STEEPNESS: float = 1_000.0
MAX_ALLOWED_VALIDATORS: int = 64
MAX_ALLOWED_UIDS: int = 256
ROOT_MAX_UIDS: int = 64
ROOT_TEMPO: int = 100
SUBNET_LIMIT: int = 128
NETWORK_IMMUNITY_BLOCKS: int = 864_000
NETWORK_RATE_LIMIT_BLOCKS: int = 28_800
LOCK_REDUCTION_INTERVAL_BLOCKS: int = 57_600
MIN_LOCK_RAO: int = RAO_PER_TAO
MOVING_ALPHA: float = 0.000003
EMA_PRICE_HALVING_BLOCKS: int = 201_600
FLOW_EMA_SMOOTHING_RAW: int = 29_597_889_189_277
FLOW_EMA_ALPHA: float = FLOW_EMA_SMOOTHING_RAW / I64_MAX
SWAP_FEE_U16: int = 33
SWAP_FEE_U16_LAUNCH: int = 196
SWAP_MIN_RESERVE_RAO: int = 1_000_000
V2_MIN_POOL_LIQUIDITY_RAO: int = 10_000_000
V2_STAKING_FEE_RAO: int = 50_000
MAX_EPOCHS_PER_BLOCK: int = 2
BALANCER_MIN_WEIGHT: float = 0.01
BALANCER_MAX_INPUT_MULTIPLE: int = 1_000
ACTIVITY_CUTOFF_BLOCKS: int = 5_000
PRE_DTAO_IMMUNITY_BLOCKS: int = 7 * BLOCKS_PER_DAY


@dataclass(frozen=True)
class Parameter:
    """One mainnet parameter with its provenance (spec §0.1)."""

    name: str
    value: float | int
    unit: str
    meaning: str
    source: str
    spec: str = "§0.1"


MAINNET: tuple[Parameter, ...] = (
    Parameter("BLOCK_TIME_SECONDS", BLOCK_TIME_SECONDS, "s", "block time (7 200 blocks/day)",
              "common/src/lib.rs MILLISECS_PER_BLOCK = 12000"),
    Parameter("TOTAL_SUPPLY_RAO", TOTAL_SUPPLY_RAO, "rao", "TAO supply cap (21 M TAO)",
              "lib.rs TotalSupply; coinbase/tao.rs MAX_TAO_ISSUANCE", "§0.1, §1"),
    Parameter("DEFAULT_BLOCK_EMISSION_RAO", DEFAULT_BLOCK_EMISSION_RAO, "rao/block",
              "block emission before the first halving", "lib.rs DefaultBlockEmission", "§0.1, §1"),
    Parameter("TEMPO", TEMPO, "blocks", "epoch length of user subnets (every 361 blocks until June 2026)",
              "runtime INITIAL_SUBNET_TEMPO", "§0.1, §3.6"),
    Parameter("SUBNET_OWNER_CUT_U16", SUBNET_OWNER_CUT_U16, "u16 (/65535)",
              "subnet owner cut, 17.9995 %", "runtime SubtensorInitialSubnetOwnerCut", "§0.1, §3.5"),
    Parameter("DEFAULT_TAKE_U16", DEFAULT_TAKE_U16, "u16 (/65535)", "default validator (delegate) take, 18 %",
              "runtime SubtensorInitialDefaultTake"),
    Parameter("TAO_WEIGHT", TAO_WEIGHT, "fraction (raw/u64::MAX)",
              "TAO weight γ of root stake (0.18)", "migrations/migrate_rao.rs", "§0.1, §3.4, §5.1"),
    Parameter("KAPPA_U16", KAPPA_U16, "u16 (/65535)", "consensus majority κ ≈ 0.5",
              "runtime SubtensorInitialKappa; migrate_kappa_map_to_default", "§0.1, §5.2"),
    Parameter("ROOT_RHO", ROOT_RHO, "-", "steepness ρ of the root consensus sigmoid (pre-dTAO)",
              "runtime SubtensorInitialRho", "§0.1, §2"),
    Parameter("BONDS_MOVING_AVERAGE", BONDS_MOVING_AVERAGE, "/1e6", "bonds EMA (α = 0.1); capped at 975 000",
              "runtime; migrate_reset_bonds_moving_average", "§0.1, §5.3"),
    Parameter("ALPHA_LOW_U16", ALPHA_LOW_U16, "u16 (/65535)", "liquid-alpha lower bound (0.7)",
              "lib.rs DefaultAlphaValues", "§0.1, §5.4"),
    Parameter("ALPHA_HIGH_U16", ALPHA_HIGH_U16, "u16 (/65535)", "liquid-alpha upper bound (0.9)",
              "lib.rs DefaultAlphaValues", "§0.1, §5.4"),
    Parameter("ALPHA_SIGMOID_STEEPNESS", ALPHA_SIGMOID_STEEPNESS, "-", "liquid-alpha sigmoid steepness",
              "runtime", "§0.1, §5.4"),
    Parameter("MAX_ALLOWED_VALIDATORS", MAX_ALLOWED_VALIDATORS, "UIDs", "validator permits per new subnet",
              "subnets/subnet.rs::init_new_network", "§0.1, §5.1"),
    Parameter("MAX_ALLOWED_UIDS", MAX_ALLOWED_UIDS, "UIDs", "UIDs per new subnet", "init_new_network"),
    Parameter("ROOT_MAX_UIDS", ROOT_MAX_UIDS, "UIDs", "root network size (64 validators)",
              "migrate_create_root_network", "§0.1, §2"),
    Parameter("SUBNET_LIMIT", SUBNET_LIMIT, "subnets", "maximum number of subnets",
              "lib.rs DefaultSubnetLimit; migrate_subnet_limit_to_default", "§0.1, §6.3"),
    Parameter("NETWORK_IMMUNITY_BLOCKS", NETWORK_IMMUNITY_BLOCKS, "blocks",
              "new-subnet immunity from pruning (≈120 days)", "migrate_network_immunity_period", "§0.1, §6.3"),
    Parameter("NETWORK_RATE_LIMIT_BLOCKS", NETWORK_RATE_LIMIT_BLOCKS, "blocks",
              "minimum gap between subnet registrations (4 days)",
              "migrate_network_lock_reduction_interval", "§0.1, §6.1"),
    Parameter("LOCK_REDUCTION_INTERVAL_BLOCKS", LOCK_REDUCTION_INTERVAL_BLOCKS, "blocks",
              "lock-cost decay interval (8 days), scaled by block emission",
              "migrate_network_lock_reduction_interval", "§0.1, §6.1"),
    Parameter("MIN_LOCK_RAO", MIN_LOCK_RAO, "rao", "minimum subnet lock (1 TAO)", "migrate_rao", "§0.1, §6.1"),
    Parameter("MOVING_ALPHA", MOVING_ALPHA, "per block", "EMA-price base smoothing",
              "lib.rs DefaultMovingAlpha", "§0.1, §3.3"),
    Parameter("EMA_PRICE_HALVING_BLOCKS", EMA_PRICE_HALVING_BLOCKS, "blocks",
              "age factor half-point of the EMA price (4 weeks)",
              "runtime InitialEmaPriceHalvingPeriod", "§0.1, §3.3"),
    Parameter("FLOW_EMA_ALPHA", FLOW_EMA_ALPHA, "per block (raw/i64::MAX)",
              "TaoFlow EMA smoothing (half-life 216 000 blocks ≈ 30 days)",
              "lib.rs DefaultFlowEmaSmoothingFactor", "§0.1, §3.2"),
    Parameter("SWAP_FEE_U16", SWAP_FEE_U16, "u16 (/65535)", "swap fee 0.0504 % (196 ≈ 0.3 % until v3.2.2)",
              "pallets/swap DefaultFeeRate", "§0.1, §4.2"),
    Parameter("SWAP_MIN_RESERVE_RAO", SWAP_MIN_RESERVE_RAO, "rao", "minimum pool reserve (v3 and balancer)",
              "runtime SwapMinimumReserve", "§0.1, §4.2"),
    Parameter("V2_MIN_POOL_LIQUIDITY_RAO", V2_MIN_POOL_LIQUIDITY_RAO, "rao",
              "v2 constant-product minimum reserve", "lib.rs DefaultMinimumPoolLiquidity", "§0.1, §4.1"),
    Parameter("V2_STAKING_FEE_RAO", V2_STAKING_FEE_RAO, "rao", "v2 flat staking fee",
              "lib.rs DefaultStakingFee", "§0.1, §4.1"),
    Parameter("MAX_EPOCHS_PER_BLOCK", MAX_EPOCHS_PER_BLOCK, "epochs", "epochs run per block (dynamic tempo)",
              "runtime SubtensorMaxEpochsPerBlock", "§0.1, §3.6"),
    # After June 2026 (addendum §A2, §A4, §A6, §H; the code defaults read at spec 459 [V])
    Parameter("EMISSION_BAR_RANK", EMISSION_BAR_RANK, "rank",
              "emission-gate bar: the 32nd-largest weight (spec 441+; 0 = q-mass mode)",
              "lib.rs DefaultEmissionBarRank [V]", "§A2, §H"),
    Parameter("EMISSION_BAR_QUANTILE", EMISSION_BAR_QUANTILE, "fraction",
              "q-mass bar quantile of spec 440 (set to 0.75 on 2026-07-28 [T]; inert in rank mode)",
              "lib.rs EmissionBarQuantile default [V]", "§A2"),
    Parameter("EMISSION_GATE_EXPONENT", EMISSION_GATE_EXPONENT, "-", "Hill exponent h of the emission gate",
              "lib.rs EmissionGateExponent default [V]", "§A2"),
    Parameter("EMISSION_BAR_UPDATE_INTERVAL", EMISSION_BAR_UPDATE_INTERVAL, "blocks",
              "the bar is recomputed when block % 360 = 0 (or when none is stored)",
              "subnet_emissions.rs EMISSION_BAR_UPDATE_INTERVAL @f8ff769a [V]", "§A2"),
    Parameter("BALANCER_MAX_WEIGHT", BALANCER_MAX_WEIGHT, "fraction",
              "Balancer weight bound [0.01, 0.99]; injections beyond it wait in reservoirs",
              "pallets/swap impls.rs @63369449 [V]", "§4.3, §A4"),
    Parameter("ONE_YEAR_BLOCKS", ONE_YEAR_BLOCKS, "blocks", "minimum subnet age for a conviction owner change",
              "staking/lock.rs ONE_YEAR @081650b3 [V]", "§A6"),
)

# ---------------------------------------------------------------------------------------------
# Releases and eras (spec §9)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    """One release (rule set) with its dates and the evidence for them.

    Attributes
    ----------
    tag
        ``"vX.Y.Z"`` (opentensor/subtensor tags, spec §9) or ``"specNNN"`` (runtime ``spec_version``
        of RaoFoundation/subtensor, addendum §A1).
    date
        The date :func:`era` resolves dates by: the tag's commit date up to June 2026; after it
        the date the addendum gives (see ``date_kind``).
    date_kind
        What ``date`` is: ``"tagged"`` (tag commit date), ``"commit"`` (commit date),
        ``"PR"`` (date of the pull-request text, not a merge date), ``"live"`` (the day the runtime
        went live on Finney, third-party observation) or ``"approximate"`` (undated code placed by
        its neighbours).
    live
        The day the runtime went live on Finney where a public source gives one, else ``None``.
    evidence
        Where the date and content come from ([V] code, [P] PR text, [T] third party, [G] inference).
    """

    tag: str
    date: _dt.date
    date_kind: Literal["tagged", "commit", "PR", "live", "approximate"] = "tagged"
    live: _dt.date | None = None
    evidence: str = "spec §9 (tag commit date)"


_TAG_DATE = "tag commit date, read in opentensor/subtensor (git log -1 --format=%cs TAG)"

RELEASE_INFO: tuple[Release, ...] = (
    Release("v1.2.5", _dt.date(2025, 2, 7)),
    Release("v2.0.0", _dt.date(2025, 2, 13)),
    Release("v2.0.1", _dt.date(2025, 2, 13), evidence=_TAG_DATE),
    Release("v2.0.6", _dt.date(2025, 3, 6), evidence=_TAG_DATE),
    Release("v2.0.8", _dt.date(2025, 3, 19)),
    Release("v2.0.9", _dt.date(2025, 3, 28)),
    Release("v2.0.10", _dt.date(2025, 4, 4), evidence=_TAG_DATE),
    Release("v2.0.11", _dt.date(2025, 4, 11), evidence=_TAG_DATE),
    Release("v3.1.0", _dt.date(2025, 5, 28)),
    Release("v3.1.6", _dt.date(2025, 6, 30)),
    Release("v3.2.2", _dt.date(2025, 7, 23)),
    Release("v3.2.3", _dt.date(2025, 7, 29)),
    Release("v3.2.7", _dt.date(2025, 9, 9), evidence=_TAG_DATE),
    Release("v3.2.8", _dt.date(2025, 9, 24)),
    Release("v3.2.9", _dt.date(2025, 10, 7), evidence=_TAG_DATE + "; tag v3.2.9-326 (the v3.2.9-323 build of "
            "2025-09-30 still refunded every subnet's lock)"),
    Release("v3.2.10", _dt.date(2025, 11, 4)),
    Release("v3.2.12", _dt.date(2025, 11, 6)),
    Release("v3.2.13", _dt.date(2025, 11, 7)),
    Release("v3.3.0", _dt.date(2025, 12, 9)),
    Release("v3.3.1", _dt.date(2025, 12, 12)),
    Release("v3.3.2", _dt.date(2025, 12, 19)),
    Release("v3.3.10", _dt.date(2026, 2, 20)),
    Release("v3.3.11", _dt.date(2026, 3, 11)),
    Release("v3.3.14", _dt.date(2026, 4, 23)),
    Release("v3.4.0", _dt.date(2026, 5, 27)),
    Release("v3.4.1", _dt.date(2026, 6, 1)),
    Release("v3.4.5", _dt.date(2026, 6, 16)),
    Release("v3.4.6", _dt.date(2026, 6, 22)),
    Release("v3.4.7", _dt.date(2026, 6, 23), evidence=_TAG_DATE + " (v3.4.7-422)"),
    Release("v3.4.8", _dt.date(2026, 6, 25)),
    # After June 2026: runtime versions of RaoFoundation/subtensor (addendum §A1).
    Release("spec425", _dt.date(2026, 6, 30), "commit", None,
            "[V] opentensor/subtensor main 14bc6f9f (merge of PR #2800); its code went live as spec 432"),
    Release("spec432", _dt.date(2026, 7, 16), "live", _dt.date(2026, 7, 16),
            "[T] Atlas ground truth (live 2026-07-16); runtime/src/lib.rs spec 432 @e044b91f [V]"),
    Release("spec435", _dt.date(2026, 7, 18), "PR", None,
            "[P] PR #2949 (~2026-07-18/21, v435-release): miner registration collateral; "
            "chain-buy refund and reservoirs (PR comment 2026-07-09) first placed here [G]"),
    Release("spec440", _dt.date(2026, 7, 27), "PR", _dt.date(2026, 7, 27),
            "[P] PR #2990; [T] 'live on finney since 2026-07-27'; gate code @7e20eb76 [V]"),
    Release("spec441", _dt.date(2026, 8, 3), "live", _dt.date(2026, 8, 3),
            "[P] PR #2968 (text dated 2026-07-23, 'runtime release 438 (spec 441)'); live ~2026-08-03 [T]; "
            "rank bar @f8ff769a [V]"),
    Release("spec442", _dt.date(2026, 8, 4), "PR", None,
            "[P] PR #3035 (dividend-attribution fix); code @1a587cc8 [V]"),
    Release("spec444", _dt.date(2026, 8, 6), "PR", None,
            "[P] PR #3058 ((1 − MinerBurned) removed), #3053 (fees recycled); live by 2026-08-06 [T] for 443"),
    Release("spec445", _dt.date(2026, 8, 11), "PR", None,
            "[P] PR #3071 ((1 − MinerBurned) restored); spec 445 [T]; code @f8ff769a [V]"),
    Release("spec447", _dt.date(2026, 8, 14), "PR", _dt.date(2026, 8, 14),
            "[P] PR #3083 (conviction takeover at 18 % of eligible alpha); live per [T]"),
    Release("spec459", _dt.date(2026, 9, 15), "approximate", _dt.date(2026, 9, 25),
            "[V] runtime/src/lib.rs spec 459 @005a8dc0 (undated; placed after spec 456, by 2026-09-14 [P], "
            "and before spec 469, late September [T]); live: spec 470, live 2026-09-25 [T], contains it [G]"),
)
"""Every release the book distinguishes, oldest first, with tag and live dates (spec §9, addendum §A1)."""

RELEASES: tuple[tuple[str, _dt.date], ...] = tuple((r.tag, r.date) for r in RELEASE_INFO)
"""``(tag, date)`` pairs of :data:`RELEASE_INFO` (the date :func:`era` resolves by)."""

ERA_LETTERS: dict[str, str] = {
    "pre-dtao": "v1.2.5",
    "A": "v2.0.0",
    "B": "v3.2.10",
    "B'": "v3.4.0",
    "C": "v3.4.6",
    "D": "spec425",
    "E": "spec440",
    "F": "spec441",
}
"""Emission-share era letters of spec §3.2 (A–D) and the addendum (E: spec 440, emission gate with
the q-mass bar; F: spec 441, emission gate with the rank bar), each mapped to the first release of the era."""

HEAD_TAG: str = "spec459"
"""The tag ``"head"`` resolves to (addendum §H)."""
BASELINE_TAG: str = "spec425"
"""The tag of the book's previous HEAD (``"2026-06-30"``)."""

_SPEC_TAGS: tuple[int, ...] = tuple(int(r.tag[4:]) for r in RELEASE_INFO if r.tag.startswith("spec"))
_BASELINE_VERSION = (3, 4, 9, 1, BASELINE_SPEC_VERSION)  # after v3.4.9 (PR #2800): spec 425
_HEAD_VERSION = _BASELINE_VERSION  # kept for older imports: the June 2026 rule set

ShareRule = Literal["root_epoch", "ema_price", "taoflow", "net_taoflow", "price_burn_root_prop", "price_burn"]
InjectionRule = Literal[
    "none", "tao_full_alpha_capped", "subsidy", "cap_alpha_emission", "cap_min_alpha_emission_e",
    "cap_root_prop",
]
PoolKind = Literal["none", "constant_product", "uniswap_v3", "balancer"]
EmaRule = Literal["none", "fixed_unclamped", "fixed_clamped", "age_scaled"]
EmissionGate = Literal["none", "q_mass", "rank"]
DividendSplit = Literal["legacy", "root_registered_441", "root_registered"]
ConvictionRule = Literal["none", "total_conviction_10pct", "own_conviction_18pct"]


def _spec_tag(number: int) -> str:
    """The tag of the newest rule set at or before runtime ``spec_version`` ``number``."""
    known = [n for n in _SPEC_TAGS if n <= number]
    return f"spec{known[-1] if known else BASELINE_SPEC_VERSION}"


_SUBTENSOR_TAG_LIST = """
1.0.0 1.0.1 1.1.1 1.1.2 1.1.3 1.1.4 1.1.5 1.1.6 1.1.7 1.1.8 1.1.9 1.1.10 1.1.11 1.2.1 1.2.2 1.2.3
1.2.4 1.2.5 2.0.0 2.0.1 2.0.2 2.0.3 2.0.4 2.0.5 2.0.6 2.0.7 2.0.8 2.0.9 2.0.10 2.0.11 3.0.0 3.1.0
3.1.2 3.1.3 3.1.4 3.1.5 3.1.6 3.1.7 3.2.0 3.2.1 3.2.2 3.2.3 3.2.4 3.2.5 3.2.6 3.2.7 3.2.8 3.2.9
3.2.10 3.2.11 3.2.12 3.2.13 3.2.14 3.2.15 3.2.16 3.2.17 3.2.18 3.2.19 3.3.0 3.3.1 3.3.2 3.3.3 3.3.4
3.3.5 3.3.6 3.3.7 3.3.8 3.3.9 3.3.10 3.3.11 3.3.12 3.3.13 3.3.14 3.3.15 3.4.0 3.4.1 3.4.2 3.4.3
3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9
"""
SUBTENSOR_TAGS: frozenset[tuple[int, int, int]] = frozenset(
    tuple(int(x) for x in t.split(".")) for t in _SUBTENSOR_TAG_LIST.split()  # type: ignore[misc]
)
"""``(X, Y, Z)`` of every ``vX.Y.Z`` release tag of opentensor/subtensor up to 14bc6f9f (``git tag``, with
the ``-NNN`` spec suffixes dropped): :func:`era` rejects any other ``v`` tag as unknown."""


def _parse_version(tag: str) -> tuple[int, ...]:
    """Order releases: ``vX.Y.Z`` → ``(X, Y, Z, 0, 0)``; ``specNNN`` → ``(3, 4, 9, 1, NNN)``."""
    if tag == "head":
        tag = HEAD_TAG
    m = re.fullmatch(r"spec(\d+)", tag)
    if m:
        return (*_BASELINE_VERSION[:4], max(int(m.group(1)), BASELINE_SPEC_VERSION))
    m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)(?:-\d+)?", tag)
    if not m:
        raise ValueError(
            f"era must be a release tag like 'v3.4.6', a runtime version like 'spec441', 'head', an era "
            f"letter {list(ERA_LETTERS)} or an ISO date 'YYYY-MM-DD', got {tag!r}"
        )
    return (*(int(x) for x in m.groups()), 0, 0)


@dataclass(frozen=True)
class Era:
    """The protocol rules in force at one subtensor release (spec §9 and the history in §2–§7).

    Build one with :func:`era`; the fields are derived from the release's version number, so the
    "what changed when" knowledge lives in one place (:meth:`from_tag`).
    """

    tag: str
    version: tuple[int, ...] = field(repr=False)
    dtao: bool
    share_rule: ShareRule
    injection_rule: InjectionRule
    chain_buy_alpha: Literal["none", "recycled", "protocol"]
    pool: PoolKind
    swap_fee_u16: int | None
    fee_destination: Literal["pool", "liquidity_providers", "block_author"]
    ema_rule: EmaRule
    root_dividends: Literal["none", "sold_each_block", "claimable_alpha"]
    root_sell_flag: bool
    root_alpha_without_sell_flag: Literal["paid", "left_to_validators", "recycled"]
    lock_destination: Literal["refunded_on_removal", "burned_except_min_lock", "pool_at_median_price"]
    owner_refund: Literal["full_lock", "none", "lock_minus_owner_emission", "legacy_only"]
    pruning: Literal["lowest_emission", "disabled", "lowest_ema_price"]
    yuma3_available: bool
    yuma3_default: bool
    epoch_schedule: Literal["tempo_plus_one", "dynamic"]
    new_subnet_emission_enabled: bool
    owner_cut_toggle: bool
    taoflow_counts_registration: bool
    spec_version: int | None = None
    """Runtime ``spec_version`` for ``specNNN`` eras (425 for the June 2026 baseline), else ``None``."""
    emission_gate: EmissionGate = "none"
    """Hill gate on the emission shares (addendum §A2): ``"q_mass"`` from spec 440 (bar where the
    running share sum reaches q), ``"rank"`` from spec 441 (bar = 32nd-largest share)."""
    miner_burn_weighting: bool = False
    """Shares weighted by ``(1 − MinerBurned)``: from v3.4.6 (era C), removed in spec 444 (PR #3058
    [P]) and restored before the gate in spec 445 (PR #3071 [P], code @f8ff769a [V]); addendum §A3."""
    chain_buy_refund: bool = False
    """A failing chain-buy swap returns its TAO to the block credit (PR #2753 → #2832 [P], code
    @1a587cc8 [V]; first placed in spec 435 [G]); addendum §A4."""
    balancer_reservoirs: bool = False
    """Injections that would push a Balancer weight out of [0.01, 0.99] wait in
    ``BalancerTaoReservoir``/``BalancerAlphaReservoir`` (PR #2758 [P], code @63369449 [V]; first
    placed in spec 435 [G]); addendum §A4."""
    dividend_split: DividendSplit = "legacy"
    """Validator dividend split (addendum §A5): ``"legacy"`` (spec §3.6), ``"root_registered_441"``
    (spec 441: root part only to root-registered hotkeys, and a hotkey without a root UID takes all
    of D as alpha), ``"root_registered"`` (spec 442, PR #3035: the alpha part is always
    ``D·a/(a + γ·r)``)."""
    root_baskets: bool = False
    """Root dividends go to beta baskets instead of auto-claimed alpha (Root Reborn, spec 441; the
    deposit path is [V], the basket mechanics [P]); addendum §A5."""
    registration_collateral: bool = False
    """Miner registration collateral (spec 435, ``collateral.rs`` @1ce8b56f [V]); addendum §A7."""
    registration_queue: bool = False
    """Subnet registration is queued when slots are full (PR #2957, 2026-07-21 [P]; code at spec 459
    [V]; placed from spec 440 [G]); addendum §A7."""
    fees_recycled: bool = False
    """Native transaction fees recycled instead of paid to block authors (spec 444, PR #3053 [P]);
    addendum §A8."""
    conviction_owner_change: ConvictionRule = "none"
    """Conviction-based subnet owner change (addendum §A6): 10 % total conviction (PR #2800, the
    June 2026 baseline, deployed in spec 432 [V]); the king's own conviction above 18 % of eligible
    alpha from spec 447 (PR #3083 [P])."""
    ema_age_origin: Literal["none", "registration", "start_call"] = "none"
    """What the EMA age ``b`` counts from: ``NetworkRegisteredAt`` (v2.0.6 – v2.0.9) or the
    ``start_call`` block ``FirstEmissionBlockNumber − 1`` (v2.0.10+); spec §3.3."""
    ema_halving_blocks: int | None = None
    """The EMA age factor's half-point when the code fixes it (100 800 blocks in v2.0.6 – v2.0.7);
    ``None`` when it is the ``EMAPriceHalvingBlocks`` parameter (v2.0.8+, 201 600 on mainnet) or
    there is no age factor."""
    ema_fixed_point: Literal["none", "I96F32", "U96F32", "U64F64"] = "none"
    """Arithmetic of ``update_moving_price``: I96F32 (v2.0.0 – v2.0.10), U96F32 (v2.0.11 – v3.4.7),
    U64F64 (v3.4.8+); the stored EMA is I96F32 throughout."""
    owner_emission_basis: Literal["none", "emission_vector_sim_sale", "alpha_issuance_spot"] = "none"
    """How the dissolution refund values the owner's emission: the last epoch's ``Emission`` vector
    × owner cut sold in a simulated swap (v3.2.8 – v3.2.11), or the alpha issuance × owner cut at
    the spot price (v3.2.12+); spec §6.4."""
    subnet_limit_enforced: bool = False
    """Registration checks ``SubnetLimit`` (pruning at the limit): pre-dTAO and from v3.2.8 (128,
    ``migrate_subnet_limit_to_default``, committed 2025-08-25); v2.0.0 – v3.2.7 had no limit."""
    first_network_registration_free: bool = False
    """The subnet-registration rate limit lets the first registration ever (``last_lock_block == 0``)
    through (``rate_limiting.rs`` ``check_passes_rate_limit``): pre-dTAO and from v3.2.7; v2.0.0 –
    v3.2.6 compared ``current_block ⊖ last_lock_block`` with the limit directly."""

    @classmethod
    def from_tag(cls, tag: str) -> Era:
        """Derive every rule from the release tag (spec §9 plus the per-section histories)."""
        v = _parse_version(tag)

        def since(t: str) -> bool:
            return v >= _parse_version(t)

        dtao = since("v2.0.0")
        if not dtao:
            share: ShareRule = "root_epoch"
        elif not since("v3.2.10"):
            share = "ema_price"
        elif not since("v3.4.0"):
            share = "taoflow"
        elif not since("v3.4.6"):
            share = "net_taoflow"
        elif v < _BASELINE_VERSION:
            share = "price_burn_root_prop"
        else:
            share = "price_burn"

        if not dtao:
            inj: InjectionRule = "none"
        elif not since("v3.2.3"):
            inj = "tao_full_alpha_capped"
        elif not since("v3.2.12"):
            inj = "subsidy"
        elif not since("v3.3.1"):
            inj = "cap_alpha_emission"
        elif not since("v3.4.6"):
            inj = "cap_min_alpha_emission_e"
        else:
            inj = "cap_root_prop"

        if not since("v3.2.3"):
            chain_buy = "none"
        elif not since("v3.4.1"):
            # §3.4: "bought alpha recycled" (v3.2.12); the spec is silent for the v3.2.3 subsidy,
            # which we treat the same way.
            chain_buy = "recycled"
        else:
            chain_buy = "protocol"

        if not dtao:
            pool: PoolKind = "none"
        elif not since("v3.1.6"):
            pool = "constant_product"
        elif since("v3.3.10") and not since("v3.3.11"):
            pool = "balancer"  # Feb–Mar 2026 interlude, reverted in v3.3.11
        elif not since("v3.4.8"):
            pool = "uniswap_v3"
        else:
            pool = "balancer"

        if not dtao or not since("v3.1.6"):
            fee_u16 = None  # v2 pool: flat 50 000 rao staking fee instead of a rate
        elif not since("v3.2.2"):
            fee_u16 = SWAP_FEE_U16_LAUNCH
        else:
            fee_u16 = SWAP_FEE_U16

        if not since("v3.1.6"):
            fee_dest = "pool"
        elif not since("v3.3.10"):
            fee_dest = "liquidity_providers"
        else:
            fee_dest = "block_author"

        # EMA price (staking/stake_utils.rs::update_moving_price): min(spot, 1) from v2.0.1 (L62-63);
        # age factor b/(b + 100 800) from v2.0.6 (L60-67), b counted from registration; the halving
        # period a parameter (EMAPriceHalvingBlocks, 201 600) from v2.0.8 (L68-72); b counted from
        # start_call from v2.0.10 (L61-69); U96F32 arithmetic from v2.0.11, U64F64 from v3.4.8.
        if not dtao:
            ema: EmaRule = "none"
        elif not since("v2.0.1"):
            ema = "fixed_unclamped"
        elif not since("v2.0.6"):
            ema = "fixed_clamped"
        else:
            ema = "age_scaled"

        if not dtao:
            root_divs = "none"
        elif not since("v3.2.10"):
            root_divs = "sold_each_block"
        else:
            root_divs = "claimable_alpha"

        if not since("v3.2.12"):
            no_flag = "paid"
        elif not since("v3.2.13"):
            no_flag = "left_to_validators"
        else:
            no_flag = "recycled"

        if not dtao:
            lock_dest = "refunded_on_removal"
        elif not since("v3.3.14"):
            lock_dest = "burned_except_min_lock"
        else:
            lock_dest = "pool_at_median_price"

        # owner refund (staking/remove_stake.rs::destroy_alpha_in_out_stakes): every subnet in v3.2.8,
        # only legacy subnets (registered before NetworkRegistrationStartBlock) from v3.2.9 (-326, L452-455)
        if not dtao:
            refund = "full_lock"
        elif not since("v3.2.8"):
            refund = "none"
        elif not since("v3.2.9"):
            refund = "lock_minus_owner_emission"
        else:
            refund = "legacy_only"

        if not dtao:
            prune = "lowest_emission"
        elif not since("v3.2.8"):
            prune = "disabled"
        else:
            prune = "lowest_ema_price"

        return cls(
            tag=tag,
            version=v,
            dtao=dtao,
            share_rule=share,
            injection_rule=inj,
            chain_buy_alpha=chain_buy,
            pool=pool,
            swap_fee_u16=fee_u16,
            fee_destination=fee_dest,
            ema_rule=ema,
            root_dividends=root_divs,
            root_sell_flag=since("v3.2.12"),
            root_alpha_without_sell_flag=no_flag,
            lock_destination=lock_dest,
            owner_refund=refund,
            pruning=prune,
            yuma3_available=since("v3.1.0"),
            yuma3_default=since("v3.3.14"),
            epoch_schedule="dynamic" if since("v3.4.8") else "tempo_plus_one",
            new_subnet_emission_enabled=not since("v3.4.7"),  # subnets/subnet.rs v3.4.7 L291
            owner_cut_toggle=since("v3.4.0"),
            taoflow_counts_registration=since("v3.4.0"),
            spec_version=v[4] if v[:4] == _BASELINE_VERSION[:4] else None,
            emission_gate="rank" if since("spec441") else ("q_mass" if since("spec440") else "none"),
            miner_burn_weighting=since("v3.4.6") and not (since("spec444") and not since("spec445")),
            chain_buy_refund=since("spec435"),
            balancer_reservoirs=since("spec435"),
            dividend_split=("root_registered" if since("spec442")
                            else "root_registered_441" if since("spec441") else "legacy"),
            root_baskets=since("spec441"),
            registration_collateral=since("spec435"),
            registration_queue=since("spec440"),
            fees_recycled=since("spec444"),
            conviction_owner_change=("own_conviction_18pct" if since("spec447")
                                     else "total_conviction_10pct" if since("spec425") else "none"),
            ema_age_origin=("none" if ema != "age_scaled" else "start_call" if since("v2.0.10") else "registration"),
            ema_halving_blocks=100_800 if ema == "age_scaled" and not since("v2.0.8") else None,
            ema_fixed_point=("none" if not dtao else "I96F32" if not since("v2.0.11")
                             else "U96F32" if not since("v3.4.8") else "U64F64"),
            owner_emission_basis=("none" if not since("v3.2.8") else "emission_vector_sim_sale"
                                  if not since("v3.2.12") else "alpha_issuance_spot"),
            subnet_limit_enforced=not dtao or since("v3.2.8"),
            first_network_registration_free=not dtao or since("v3.2.7"),
        )

    @property
    def letter(self) -> str:
        """The emission-share era letter of spec §3.2 (A–D) or the addendum (E, F) of this release."""
        if self.emission_gate == "q_mass":
            return "E"
        if self.emission_gate == "rank":
            return "F"
        return {
            "root_epoch": "pre-dtao",
            "ema_price": "A",
            "taoflow": "B",
            "net_taoflow": "B'",
            "price_burn_root_prop": "C",
            "price_burn": "D",
        }[self.share_rule]

    @property
    def date(self) -> _dt.date | None:
        """The release's date (:attr:`Release.date`: tag commit date up to June 2026) if known."""
        return dict(RELEASES).get(self.tag)

    @property
    def release(self) -> Release | None:
        """The :class:`Release` row of this tag (dates and evidence), if listed."""
        return {r.tag: r for r in RELEASE_INFO}.get(self.tag)

    def at_least(self, tag: str) -> bool:
        """True if this release is ``tag`` or later."""
        return self.version >= _parse_version(tag)


@cache
def _era_for_tag(tag: str) -> Era:
    return Era.from_tag(tag)


def era(spec: str | Era | _dt.date = "head", *, by: Literal["tag", "live"] = "tag") -> Era:
    """Resolve an era name, release tag, runtime version, era letter or date to an :class:`Era`.

    Parameters
    ----------
    spec
        ``"head"`` (spec 459, addendum §H), a tag ``"v3.4.6"``, a runtime version ``"spec441"``
        (the newest rule set at or before it; below 432 the June 2026 baseline ``"spec425"``), an
        era letter (``"A"`` … ``"F"``), an ISO date or a :class:`datetime.date`.
    by
        For dates only: ``"tag"`` resolves by :attr:`Release.date` (tag commit dates up to June
        2026, then PR/live dates); ``"live"`` resolves runtimes after June 2026 by the day they went
        live (:attr:`Release.live`) and skips those with no public live date (tags up to June 2026
        keep their tag dates: no live dates are recorded for them).

    Examples
    --------
    >>> era("A").tag, era("A").pool
    ('v2.0.0', 'constant_product')
    >>> era("2025-12-20").injection_rule
    'cap_min_alpha_emission_e'
    >>> era().tag, era().emission_gate
    ('spec459', 'rank')
    >>> era("2026-06-30").tag, era("spec443").tag
    ('spec425', 'spec442')
    """
    if by not in ("tag", "live"):
        raise ValueError(f"by must be 'tag' or 'live', got {by!r}")
    if isinstance(spec, Era):
        return spec
    if isinstance(spec, _dt.datetime):
        spec = spec.date()
    if isinstance(spec, _dt.date):
        return _era_for_date(spec, by)
    if not isinstance(spec, str):
        raise TypeError(f"era (spec) must be a str, datetime.date or Era, got {type(spec).__name__} {spec!r}")
    key = spec.strip()
    if key.upper() in {"A", "B", "C", "D", "E", "F"}:
        key = key.upper()
    if key in ("B’", "b'"):
        key = "B'"
    if key.lower() in ("pre-dtao", "predtao", "root"):
        key = "pre-dtao"
    if key.lower() == "head":
        return _era_for_tag(HEAD_TAG)
    if key in ERA_LETTERS:
        return _era_for_tag(ERA_LETTERS[key])
    m = re.fullmatch(r"spec(\d+)", key.lower())
    if m:
        return _era_for_tag(_spec_tag(int(m.group(1))))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        try:
            day = _dt.date.fromisoformat(key)
        except ValueError as exc:
            raise ValueError(f"era date {key!r} is not a calendar date ({exc})") from None
        return _era_for_date(day, by)
    version = _parse_version(key)  # raises a clear ValueError if malformed
    if version[:3] not in SUBTENSOR_TAGS:
        raise ValueError(
            f"era must be a subtensor release tag (v1.0.0 … v3.4.9, see params.SUBTENSOR_TAGS), a runtime version "
            f"like 'spec441', 'head', an era letter {list(ERA_LETTERS)} or an ISO date; {key!r} is not a release"
        )
    return _era_for_tag(key)


def _era_for_date(day: _dt.date, by: str = "tag") -> Era:
    def when(r: Release) -> _dt.date | None:
        if by == "tag" or r.date_kind == "tagged":
            return r.date
        return r.live  # None: no public live date, skipped

    eligible = [r.tag for r in RELEASE_INFO if (d := when(r)) is not None and d <= day]
    if not eligible:
        raise ValueError(
            f"era date must be on or after {RELEASE_INFO[0].date.isoformat()} (the oldest release described), "
            f"got {day.isoformat()}"
        )
    return _era_for_tag(eligible[-1])


# ---------------------------------------------------------------------------------------------
# Timeline of protocol changes (spec §9), used by the timeline figure and the appendix
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One protocol change: when, what, evidence.

    ``date_kind`` says what ``date`` is: ``"tagged"`` (tag commit date; every change up to June 2026
    unless ``approximate``), ``"commit"``, ``"PR"`` (date of the pull-request text, not a merge or
    deployment date) or ``"live"`` (the day it went live on Finney, from a third-party chain
    watcher). After June 2026 ``evidence`` starts with the addendum's label: [V] read in code, [P]
    PR text, [T] third-party observation.
    """

    date: _dt.date
    tag: str
    summary: str
    mechanism: str
    evidence: str
    approximate: bool = False
    date_kind: Literal["tagged", "commit", "PR", "live"] = "tagged"


TIMELINE: tuple[Change, ...] = (
    Change(_dt.date(2025, 2, 7), "v1.2.5", "Root network of 64 validators sets subnet TAO emission "
           "(weighted rank × sigmoid trust); 18 % owner cut; 50/50 miners/validators", "emission shares", "code"),
    Change(_dt.date(2025, 2, 13), "v2.0.0", "dTAO launch: per-subnet alpha and constant-product pools; "
           "EMA-price shares; γ = 0.18; 18/41/41 split; root alpha sold each block", "emission shares", "code, docs"),
    Change(_dt.date(2025, 2, 13), "v2.0.1", "EMA price moves towards min(spot, 1)", "EMA price",
           "code (stake_utils.rs v2.0.1 L62-63)"),
    Change(_dt.date(2025, 3, 6), "v2.0.6", "EMA alpha scaled by the subnet's age b/(b + 100 800), b counted "
           "from registration", "EMA price", "code (stake_utils.rs v2.0.6 L60-67)"),
    Change(_dt.date(2025, 3, 19), "v2.0.8", "EMA age half-point becomes the EMAPriceHalvingBlocks parameter "
           "(201 600); dynamic unstake fee", "EMA price", "code (stake_utils.rs v2.0.8 L68-72)"),
    Change(_dt.date(2025, 3, 28), "v2.0.9", "start_call gate (FirstEmissionBlockNumber)", "coinbase", "code"),
    Change(_dt.date(2025, 4, 4), "v2.0.10", "EMA age counted from start_call instead of registration",
           "EMA price", "code (stake_utils.rs v2.0.10 L61-69)"),
    Change(_dt.date(2025, 5, 28), "v3.1.0", "Yuma 3 available per subnet (bonds as fractions, "
           "sigmoid liquid alpha)", "Yuma", "code"),
    Change(_dt.date(2025, 6, 30), "v3.1.6", "Uniswap-v3 swap pallet: fee 0.3 %, protocol full-range "
           "liquidity", "AMM", "code"),
    Change(_dt.date(2025, 7, 23), "v3.2.2", "Swap fee lowered to 33/65535 ≈ 0.05 %", "AMM", "code"),
    Change(_dt.date(2025, 7, 29), "v3.2.3", "Chain-buy subsidy when price < emission share", "injection", "code"),
    Change(_dt.date(2025, 8, 25), "migration", "Subnet limit migration to 128 committed (shipped in v3.2.8; "
           "v2.0.0 – v3.2.7 enforced no subnet limit)", "registration",
           "migrate_subnet_limit_to_default (commit date)", date_kind="commit"),
    Change(_dt.date(2025, 9, 24), "v3.2.8", "Deregistration re-enabled: subnet limit of 128 enforced again, "
           "prune lowest EMA price, 4-month immunity, 4-day rate limit, 2000 TAO lock price decaying over "
           "8 days; owner lock refund minus owner emission; mechanisms; CKBurn",
           "registration", "migrations, docs (deploy Sept 16)"),
    Change(_dt.date(2025, 10, 6), "migration", "Lock price reset to 2500 TAO", "registration",
           "migrate_network_lock_cost_2500"),
    Change(_dt.date(2025, 10, 7), "v3.2.9", "Owner lock refund only for legacy subnets (registered before "
           "the re-enable)", "dissolution", "code (remove_stake.rs v3.2.9-326 L452-455)"),
    Change(_dt.date(2025, 11, 4), "v3.2.10", "TaoFlow emission shares (30-day EMA of net stake flow); "
           "root dividends kept as claimable alpha", "emission shares", "code, docs"),
    Change(_dt.date(2025, 11, 6), "v3.2.12", "Excess TAO chain-buys alpha (recycled); root alpha only "
           "if Σ EMA price > 1; refund values owner emission from alpha issuance at spot", "injection", "code"),
    Change(_dt.date(2025, 12, 12), "v3.3.1", "Alpha-injection cap = min(α emission, TAO block emission)",
           "injection", "code"),
    Change(_dt.date(2025, 12, 15), "halving", "First TAO halving: 1 → 0.5 TAO per block", "emission",
           "public reports (Dec 14–16); exact block not found", approximate=True),
    Change(_dt.date(2026, 2, 20), "v3.3.10", "Balancer pool; swap fees to the block author "
           "(pool reverted 2026-03-11, fee change kept)", "AMM", "code"),
    Change(_dt.date(2026, 4, 23), "v3.3.14", "New subnets keep the full lock in the pool at the median "
           "price; Yuma 3 default for new subnets", "registration", "code"),
    Change(_dt.date(2026, 5, 27), "v3.4.0", "Net TaoFlow (protocol flow subtracted); owner-cut toggle",
           "emission shares", "code"),
    Change(_dt.date(2026, 6, 1), "v3.4.1", "Chain-bought alpha kept as protocol alpha", "injection", "code"),
    Change(_dt.date(2026, 6, 22), "v3.4.6", "Shares back to EMA price × (1 − miner burn) × root_prop; "
           "injection cap = root_prop · α emission", "emission shares", "code"),
    Change(_dt.date(2026, 6, 23), "v3.4.7", "New subnets start with TAO emission disabled", "registration",
           "code (subnets/subnet.rs v3.4.7 L291)"),
    Change(_dt.date(2026, 6, 25), "v3.4.8", "Balancer re-enabled; dynamic tempo; EMA price computed in "
           "U64F64", "AMM", "code"),
    Change(_dt.date(2026, 6, 30), "spec425", "root_prop removed from share weighting "
           "(EMA price × (1 − miner burn)); conviction-based subnet owner change enforced at each epoch "
           "(PR #2800)", "emission shares", "code (run_coinbase.rs 14bc6f9f: change_subnet_owner_if_needed)"),
    # After June 2026 (addendum §A1; RaoFoundation/subtensor runtime versions)
    Change(_dt.date(2026, 7, 9), "PR #2753/#2758", "Failed chain buys refund their TAO to the block credit; "
           "injections that would push a Balancer weight out of [0.01, 0.99] wait in reservoirs",
           "injection", "[P] PR comment; code @1a587cc8, @63369449 [V]", date_kind="PR"),
    Change(_dt.date(2026, 7, 16), "spec432", "The 2026-06-30 code goes live: shares without root_prop; "
           "conviction-based owner change (10 % of total conviction)", "emission shares",
           "[T] Atlas ground truth; lib.rs @e044b91f [V]", date_kind="live"),
    Change(_dt.date(2026, 7, 18), "spec435", "Miner registration collateral (part of the registration "
           "price staked and locked)", "registration", "[P] PR #2949; collateral.rs @1ce8b56f [V]",
           approximate=True, date_kind="PR"),
    Change(_dt.date(2026, 7, 21), "PR #2957", "Subnet registration queued when slots are full",
           "registration", "[P] PR #2957; on_idle queue @005a8dc0 [V]", date_kind="PR"),
    Change(_dt.date(2026, 7, 27), "spec440", "Emission gate: Hill function (h = 3) around a q-mass bar "
           "(q = 0.61), bar recomputed every 360 blocks", "emission shares",
           "[P] PR #2990; [T] live 2026-07-27; code @7e20eb76 [V]", date_kind="live"),
    Change(_dt.date(2026, 8, 3), "spec441", "Root Reborn (root dividends into beta baskets); "
           "emission bar pinned to the 32nd-largest share", "emission shares",
           "[P] PR #2968; [T] live ~2026-08-03; code @f8ff769a [V]", approximate=True, date_kind="live"),
    Change(_dt.date(2026, 8, 4), "spec442", "Dividend split: the alpha part is always D·a/(a + γ·r); the "
           "root part only for root-registered hotkeys", "coinbase", "[P] PR #3035; code @1a587cc8 [V]",
           date_kind="PR"),
    Change(_dt.date(2026, 8, 6), "spec444", "(1 − miner burn) weighting removed; transaction fees "
           "recycled instead of paid to block authors", "emission shares", "[P] PR #3058, #3053",
           date_kind="PR"),
    Change(_dt.date(2026, 8, 11), "spec445", "(1 − miner burn) weighting restored, before the gate",
           "emission shares", "[P] PR #3071; [T] spec 445; code @f8ff769a [V]", date_kind="PR"),
    Change(_dt.date(2026, 8, 14), "spec447", "Conviction takeover: the king's own conviction must exceed "
           "18 % of eligible alpha", "registration", "[P] PR #3083; [T] live", date_kind="PR"),
)
