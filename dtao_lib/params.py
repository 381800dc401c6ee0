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

* a release tag (``"v2.0.0"``, ``"v3.4.6"``...) or ``"head"`` (subtensor main on 2026-06-30,
  commit ``14bc6f9f``, ``spec_version`` 425);
* an emission-share era letter from spec §3.2: ``"pre-dtao"``, ``"A"``, ``"B"``, ``"B'"``, ``"C"``,
  ``"D"``. A letter stands for the **first release** of that era (``"A"`` is ``v2.0.0``, the dTAO
  launch; ``"B"`` is ``v3.2.10``...), so it also fixes the injection, pool and fee rules of that
  release. Pass a tag when you need a later release inside an era;
* a date (``"2025-12-20"`` or a :class:`datetime.date`): the latest release whose tag commit date is
  on or before it (tag dates, not on-chain deployment dates; spec §0).

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
    "TIMELINE",
    "Change",
    "Era",
    "Parameter",
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

SPEC_VERSION: int = 425
"""Runtime ``spec_version`` of the HEAD this book describes."""
HEAD_COMMIT: str = "14bc6f9f964b9cc362e9635dd110a487fa5d15a0"
HEAD_DATE: _dt.date = _dt.date(2026, 6, 30)
PROTOCOL_DESCRIBED: str = "subtensor main 2026-06-30, spec_version 425"

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
)

# ---------------------------------------------------------------------------------------------
# Releases and eras (spec §9)
# ---------------------------------------------------------------------------------------------
# Tag commit dates as given in the spec (§0, §9). Tags the spec names without a date are not listed.
RELEASES: tuple[tuple[str, _dt.date], ...] = (
    ("v1.2.5", _dt.date(2025, 2, 7)),
    ("v2.0.0", _dt.date(2025, 2, 13)),
    ("v2.0.8", _dt.date(2025, 3, 19)),
    ("v2.0.9", _dt.date(2025, 3, 28)),
    ("v3.1.0", _dt.date(2025, 5, 28)),
    ("v3.1.6", _dt.date(2025, 6, 30)),
    ("v3.2.2", _dt.date(2025, 7, 23)),
    ("v3.2.3", _dt.date(2025, 7, 29)),
    ("v3.2.8", _dt.date(2025, 9, 24)),
    ("v3.2.10", _dt.date(2025, 11, 4)),
    ("v3.2.12", _dt.date(2025, 11, 6)),
    ("v3.2.13", _dt.date(2025, 11, 7)),
    ("v3.3.0", _dt.date(2025, 12, 9)),
    ("v3.3.1", _dt.date(2025, 12, 12)),
    ("v3.3.2", _dt.date(2025, 12, 19)),
    ("v3.3.10", _dt.date(2026, 2, 20)),
    ("v3.3.11", _dt.date(2026, 3, 11)),
    ("v3.3.14", _dt.date(2026, 4, 23)),
    ("v3.4.0", _dt.date(2026, 5, 27)),
    ("v3.4.1", _dt.date(2026, 6, 1)),
    ("v3.4.5", _dt.date(2026, 6, 16)),
    ("v3.4.6", _dt.date(2026, 6, 22)),
    ("v3.4.8", _dt.date(2026, 6, 25)),
    ("head", HEAD_DATE),
)

ERA_LETTERS: dict[str, str] = {
    "pre-dtao": "v1.2.5",
    "A": "v2.0.0",
    "B": "v3.2.10",
    "B'": "v3.4.0",
    "C": "v3.4.6",
    "D": "head",
}
"""Emission-share era letters of spec §3.2, each mapped to the first release of the era."""

_HEAD_VERSION = (3, 4, 9, 1)  # after v3.4.9 (PR #2800)

ShareRule = Literal["root_epoch", "ema_price", "taoflow", "net_taoflow", "price_burn_root_prop", "price_burn"]
InjectionRule = Literal[
    "none", "tao_full_alpha_capped", "subsidy", "cap_alpha_emission", "cap_min_alpha_emission_e",
    "cap_root_prop",
]
PoolKind = Literal["none", "constant_product", "uniswap_v3", "balancer"]
EmaRule = Literal["none", "fixed_unclamped", "fixed_clamped", "age_scaled"]


def _parse_version(tag: str) -> tuple[int, ...]:
    if tag == "head":
        return _HEAD_VERSION
    m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)(?:-\d+)?", tag)
    if not m:
        raise ValueError(
            f"era must be a release tag like 'v3.4.6', 'head', an era letter {sorted(ERA_LETTERS)} "
            f"or an ISO date 'YYYY-MM-DD', got {tag!r}"
        )
    return (*(int(x) for x in m.groups()), 0)


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
        elif v < _HEAD_VERSION:
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

        if not dtao:
            ema: EmaRule = "none"
        elif not since("v2.0.5"):
            ema = "fixed_unclamped"
        elif not since("v2.0.8"):
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

        if not dtao:
            refund = "full_lock"
        elif not since("v3.2.8"):
            refund = "none"
        elif not since("v3.3.0"):
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
            new_subnet_emission_enabled=not since("v3.4.8"),
            owner_cut_toggle=since("v3.4.0"),
            taoflow_counts_registration=since("v3.4.0"),
        )

    @property
    def letter(self) -> str:
        """The emission-share era letter of spec §3.2 this release belongs to."""
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
        """Tag commit date if the spec gives one."""
        return dict(RELEASES).get(self.tag)

    def at_least(self, tag: str) -> bool:
        """True if this release is ``tag`` or later."""
        return self.version >= _parse_version(tag)


@cache
def _era_for_tag(tag: str) -> Era:
    return Era.from_tag(tag)


def era(spec: str | Era | _dt.date = "head") -> Era:
    """Resolve an era name, release tag, era letter or date to an :class:`Era`.

    Examples
    --------
    >>> era("A").tag, era("A").pool
    ('v2.0.0', 'constant_product')
    >>> era("2025-12-20").injection_rule
    'cap_min_alpha_emission_e'
    >>> era().share_rule
    'price_burn'
    """
    if isinstance(spec, Era):
        return spec
    if isinstance(spec, _dt.datetime):
        spec = spec.date()
    if isinstance(spec, _dt.date):
        return _era_for_date(spec)
    if not isinstance(spec, str):
        raise TypeError(f"era must be a str, datetime.date or Era, got {type(spec).__name__}")
    key = spec.strip()
    if key.upper() in {"A", "B", "C", "D"}:
        key = key.upper()
    if key in ("B’", "b'"):
        key = "B'"
    if key.lower() in ("pre-dtao", "predtao", "root"):
        key = "pre-dtao"
    if key.lower() == "head":
        return _era_for_tag("head")
    if key in ERA_LETTERS:
        return _era_for_tag(ERA_LETTERS[key])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        return _era_for_date(_dt.date.fromisoformat(key))
    _parse_version(key)  # raises a clear ValueError if malformed
    return _era_for_tag(key)


def _era_for_date(day: _dt.date) -> Era:
    eligible = [tag for tag, d in RELEASES if d <= day]
    if not eligible:
        raise ValueError(
            f"era date must be on or after {RELEASES[0][1].isoformat()} (the oldest release described), "
            f"got {day.isoformat()}"
        )
    return _era_for_tag(eligible[-1])


# ---------------------------------------------------------------------------------------------
# Timeline of protocol changes (spec §9), used by the timeline figure and the appendix
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One protocol change: when (tag commit date unless a public source is cited), what, evidence."""

    date: _dt.date
    tag: str
    summary: str
    mechanism: str
    evidence: str
    approximate: bool = False


TIMELINE: tuple[Change, ...] = (
    Change(_dt.date(2025, 2, 7), "v1.2.5", "Root network of 64 validators sets subnet TAO emission "
           "(weighted rank × sigmoid trust); 18 % owner cut; 50/50 miners/validators", "emission shares", "code"),
    Change(_dt.date(2025, 2, 13), "v2.0.0", "dTAO launch: per-subnet alpha and constant-product pools; "
           "EMA-price shares; γ = 0.18; 18/41/41 split; root alpha sold each block", "emission shares", "code, docs"),
    Change(_dt.date(2025, 3, 19), "v2.0.8", "EMA price uses min(spot, 1) and an age-scaled alpha; "
           "dynamic unstake fee", "EMA price", "code"),
    Change(_dt.date(2025, 3, 28), "v2.0.9", "start_call gate (FirstEmissionBlockNumber)", "coinbase", "code"),
    Change(_dt.date(2025, 5, 28), "v3.1.0", "Yuma 3 available per subnet (bonds as fractions, "
           "sigmoid liquid alpha)", "Yuma", "code"),
    Change(_dt.date(2025, 6, 30), "v3.1.6", "Uniswap-v3 swap pallet: fee 0.3 %, protocol full-range "
           "liquidity", "AMM", "code"),
    Change(_dt.date(2025, 7, 23), "v3.2.2", "Swap fee lowered to 33/65535 ≈ 0.05 %", "AMM", "code"),
    Change(_dt.date(2025, 7, 29), "v3.2.3", "Chain-buy subsidy when price < emission share", "injection", "code"),
    Change(_dt.date(2025, 8, 15), "migration", "Subnet limit set to 128", "registration",
           "migrate_subnet_limit_to_default", approximate=True),
    Change(_dt.date(2025, 9, 24), "v3.2.8", "Deregistration re-enabled: prune lowest EMA price, 4-month "
           "immunity, 4-day rate limit, 2000 TAO lock price decaying over 8 days; mechanisms; CKBurn",
           "registration", "migrations, docs (deploy Sept 16)"),
    Change(_dt.date(2025, 10, 6), "migration", "Lock price reset to 2500 TAO", "registration",
           "migrate_network_lock_cost_2500"),
    Change(_dt.date(2025, 11, 4), "v3.2.10", "TaoFlow emission shares (30-day EMA of net stake flow); "
           "root dividends kept as claimable alpha", "emission shares", "code, docs"),
    Change(_dt.date(2025, 11, 6), "v3.2.12", "Excess TAO chain-buys alpha (recycled); root alpha only "
           "if Σ EMA price > 1", "injection", "code"),
    Change(_dt.date(2025, 12, 9), "v3.3.0", "Owner lock refund only for legacy subnets", "dissolution", "code"),
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
    Change(_dt.date(2026, 6, 25), "v3.4.8", "Balancer re-enabled; dynamic tempo; new subnets start "
           "with TAO emission disabled", "AMM", "code"),
    Change(_dt.date(2026, 6, 30), "head", "root_prop removed from share weighting "
           "(EMA price × (1 − miner burn))", "emission shares", "code"),
)
