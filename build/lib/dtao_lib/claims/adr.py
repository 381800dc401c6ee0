"""Claims decided in the chapter "ADR, deregistration and what a subnet is worth when it dies" (spec §6, §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import adr, coinbase, dissolution, registration
from ..data import load_emission_days, load_subnet_snapshot
from ..emission import block_emission, halving_threshold_rao
from ..params import (
    BLOCKS_PER_DAY,
    LOCK_REDUCTION_INTERVAL_BLOCKS,
    MIN_LOCK_RAO,
    NETWORK_IMMUNITY_BLOCKS,
    NETWORK_RATE_LIMIT_BLOCKS,
    RAO_PER_TAO,
    SUBNET_LIMIT,
    TAO_WEIGHT,
)
from . import Claim, register

CHAPTER = "ADR, deregistration and what a subnet is worth when it dies"
TAO = RAO_PER_TAO


def _snapshot_adr() -> np.ndarray:
    snap = load_subnet_snapshot()
    dyn = snap[snap["is_dynamic"]]
    return np.asarray(adr.adr(dyn["alpha_out_alpha"].to_numpy(), dyn["alpha_in_alpha"].to_numpy()))


# ---------------------------------------------------------------------------------------------
# "ADR must be below 1 because withdrawals are allowed"
# ---------------------------------------------------------------------------------------------
def _below_one_evidence() -> pd.DataFrame:
    a = TAO  # one alpha per block: the alpha emission before a subnet's first alpha halving
    e_after = block_emission(halving_threshold_rao(1))
    rp = coinbase.root_proportion(TAO_WEIGHT, adr.DEFAULT_ROOT_TAO_RAO, 3_000_000 * TAO)
    caps = {
        "v3.2.12": coinbase.injection_cap(a, era="v3.2.12"),
        "v3.3.1": coinbase.injection_cap(a, block_emission_rao=e_after, era="v3.3.1"),
        "head": coinbase.injection_cap(a, root_proportion=rp, era="head"),
    }
    ratio = _snapshot_adr()
    sale = dissolution.exit_comparison(10_000 * TAO, 1_000_000 * TAO, 40_000 * TAO, 3_960_000 * TAO)
    return pd.DataFrame([
        {"quantity": "α_out per block / α_in cap, Nov 2025 (v3.2.12)", "value": a / caps["v3.2.12"],
         "computed by": "coinbase.injection_cap(10⁹, era='v3.2.12')"},
        {"quantity": "α_out per block / α_in cap, after the Dec-2025 halving (v3.3.1)", "value": a / caps["v3.3.1"],
         "computed by": "coinbase.injection_cap(10⁹, block_emission_rao=E, era='v3.3.1')"},
        {"quantity": "α_out per block / α_in cap at HEAD, subnet with 3 M α issued", "value": a / caps["head"],
         "computed by": "coinbase.injection_cap(10⁹, root_proportion=…, era='head')"},
        {"quantity": "subnets with ADR > 1 on 2026-04-11", "value": int((ratio > 1).sum()),
         "computed by": "adr.adr(α_out, α_in) on data.load_subnet_snapshot()"},
        {"quantity": "dynamic subnets on 2026-04-11", "value": int(ratio.size),
         "computed by": "data.load_subnet_snapshot"},
        {"quantity": "median ADR on 2026-04-11", "value": float(np.median(ratio)), "computed by": "adr.adr"},
        {"quantity": "selling 1 % of the stakers' alpha at ADR 4: TAO received / spot value",
         "value": sale.pool_sale_rao / sale.spot_value_rao, "computed by": "dissolution.exit_comparison"},
    ])


def _below_one_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].to_numpy(dtype=float)
    flow_v3212, flow_v331, flow_head, above, total, median, sale = v
    return bool(
        min(flow_v3212, flow_v331, flow_head) >= 1.0      # emission alone never lowers ADR
        and flow_v331 == 2.0 and flow_head > 1.0
        and above > total / 2 and median > 1.0            # most real subnets are above 1
        and sale > 0.9                                    # and unstaking still works at ADR 4
    )


register(Claim(
    id="adr-below-one",
    chapter=CHAPTER,
    english="Check the ADR (alpha distribution ratio): it must be below 1, because tokens can be withdrawn.",
    japanese=("次に、ADR(アルファ分配率)を確認する必要があります。トークンの引き出しが許可されているため、"
              "ADRは1未満である必要があります。"),
    verdict="false",
    explanation=(
        "Nothing in the protocol keeps ADR below 1, and the emission rules push it above 1. Every block a "
        "subnet mints its whole alpha emission to participants (α_out) but puts at most that much, and "
        "usually less, into its pool (α_in): the cap was the alpha emission itself until December 2025, "
        "min(alpha emission, TAO emission) after it (half as much after the first TAO halving) and "
        "root_prop × alpha emission at HEAD. Chain buys and neuron-registration burns take more alpha out "
        "of the pool. Only net selling by holders moves alpha back into it. Since the emission gate (spec 440, "
        "July 2026) a subnet far below the bar receives almost no TAO, so almost no alpha enters its pool, "
        "while α_out is still minted every block: its ADR climbs faster than under any earlier rule (the ADR "
        "chapter projects it).\n\n"
        "Withdrawing does not need ADR < 1: the pool always quotes a price and a staker can unstake at any "
        "ADR, paying only the fee and the price impact of the sale. On 2026-04-11 most subnets had an ADR "
        "above 1 (the table counts them). ADR does matter when a subnet is dissolved; see the claim on "
        "the liquidation discount."
    ),
    evidence=_below_one_evidence,
    check=_below_one_check,
    spec="§3.4, §7",
    holds_for="v2.0.0 → HEAD (spec 459); the emission gate (spec 440+) makes it more false for gated-out subnets",
))


# ---------------------------------------------------------------------------------------------
# "The worst subnets are withdrawn every week"
# ---------------------------------------------------------------------------------------------
def _weekly_evidence() -> pd.DataFrame:
    # registrations as fast as the rate limit allows, the first one at the start of a 7-day window
    start, last, per_week = 1_000_000, 0, 0
    block = start
    while block < start + 7 * BLOCKS_PER_DAY:
        if registration.can_register_network(last, block):
            per_week, last = per_week + 1, block
            block += NETWORK_RATE_LIMIT_BLOCKS - 1  # the earliest next chance is the rate limit away
        block += 1
    snap = load_subnet_snapshot()
    pick = registration.subnet_to_prune(
        [{"netuid": 1, "ema_price": 0.004, "registered_at": 0},
         {"netuid": 2, "ema_price": 0.004, "registered_at": 100}], current_block=NETWORK_IMMUNITY_BLOCKS + 200)
    return pd.DataFrame([
        {"quantity": "minimum gap between subnet registrations (days)",
         "value": NETWORK_RATE_LIMIT_BLOCKS / BLOCKS_PER_DAY,
         "computed by": "params.NETWORK_RATE_LIMIT_BLOCKS / 7 200"},
        {"quantity": "most registrations, hence prunings, in 7 days", "value": per_week,
         "computed by": "registration.can_register_network over one week"},
        {"quantity": "subnet limit (pruning happens only at the limit)", "value": SUBNET_LIMIT,
         "computed by": "params.SUBNET_LIMIT"},
        {"quantity": "dynamic subnets on 2026-04-11", "value": int(snap["is_dynamic"].sum()),
         "computed by": "data.load_subnet_snapshot"},
        {"quantity": "immunity of a new subnet (days)", "value": NETWORK_IMMUNITY_BLOCKS / BLOCKS_PER_DAY,
         "computed by": "params.NETWORK_IMMUNITY_BLOCKS / 7 200"},
        {"quantity": "tie on the lowest EMA price: pruned netuid (registered at blocks 0 and 100)", "value": pick,
         "computed by": "registration.subnet_to_prune"},
    ])


def _weekly_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    return bool(v[0] == 4 and v[1] == 2 and v[2] == 128 and v[3] == v[2] and v[4] == 120 and v[5] == 1)


register(Claim(
    id="adr-weekly-withdrawal",
    chapter=CHAPTER,
    english="The worst-performing subnet is withdrawn every week.",
    japanese="パフォーマンスの最も低いサブネットは毎週引き出されます。",
    verdict="false",
    explanation=(
        "There is no weekly schedule. Since deregistration was re-enabled in September 2025 (v3.2.8) a "
        "subnet is pruned only when someone registers a new one while all 128 slots are taken. "
        "Registrations are rate-limited to one per 28 800 blocks (4 days), so subnets can go at most one "
        "every four days (the table counts the most in a week), and none go if nobody registers.\n\n"
        "The victim is not chosen by performance either: it is the subnet with the lowest EMA price among "
        "those older than their 864 000-block (about 120-day) immunity, the earliest-registered one on a "
        "tie. On 2026-04-11 all 128 slots were in use, so every registration at that time replaced a subnet.\n\n"
        "Since July 2026 a registration that finds every slot taken, or a dissolution still being cleaned up, "
        "is queued and completed in a later block (PR #2957 [P]; the queue is in the spec-459 code [V]). That "
        "changes when a subnet is replaced; the addendum records no change to the rule that picks it or to "
        "the rate limit, and still no weekly schedule."
    ),
    evidence=_weekly_evidence,
    check=_weekly_check,
    spec="§6.1, §6.3",
    holds_for="v3.2.8 → HEAD (spec 459; registrations at full capacity are queued since July 2026 [P])",
))


# ---------------------------------------------------------------------------------------------
# "With ADR > 1 holders lose part of their TAO to a liquidation discount"
# ---------------------------------------------------------------------------------------------
def _discount_evidence() -> pd.DataFrame:
    pool_tao, pool_alpha = 10_000 * TAO, 1_000_000 * TAO
    users = 2 * pool_alpha  # ADR 2
    small = dissolution.exit_comparison(pool_tao, pool_alpha, users // 100, users - users // 100)
    prot = dissolution.exit_comparison(pool_tao, pool_alpha, users // 100, users - users // 100,
                                       protocol_alpha_rao=users // 2)
    everyone = dissolution.exit_comparison(pool_tao, pool_alpha, users)
    new_subnet = dissolution.exit_comparison(pool_tao, pool_alpha, users // 100, users - users // 100,
                                             include_alpha_in=True)
    skewed = dissolution.exit_comparison(pool_tao, pool_alpha, users // 100, users - users // 100, quote_weight=0.4)
    ratio = _snapshot_adr()
    cut = np.asarray(adr.haircut(ratio[ratio > 0]))
    return pd.DataFrame([
        {"quantity": "ADR 2: dissolution pays, per TAO of spot value",
         "value": small.dissolution_rao / small.spot_value_rao,
         "computed by": "dissolution.exit_comparison(…).dissolution_rao / spot value"},
        {"quantity": "1 − 1/ADR at ADR 2", "value": adr.haircut(2.0), "computed by": "adr.haircut(2)"},
        {"quantity": "ADR 2: selling 1 % of the stakers' alpha in the pool instead",
         "value": small.pool_sale_rao / small.spot_value_rao,
         "computed by": "dissolution.exit_comparison(…).pool_sale_rao"},
        {"quantity": "ADR 2: all stakers together, dissolution / spot value",
         "value": everyone.dissolution_rao / everyone.spot_value_rao, "computed by": "dissolution.exit_comparison"},
        {"quantity": "ADR 2: all stakers together selling in the pool / spot value",
         "value": everyone.pool_sale_rao / everyone.spot_value_rao, "computed by": "dissolution.exit_comparison"},
        {"quantity": "ADR 2 with protocol alpha = ½ of the stakers' (HEAD): dissolution / spot value",
         "value": prot.dissolution_rao / prot.spot_value_rao,
         "computed by": "dissolution.exit_comparison(protocol_alpha_rao=…)"},
        {"quantity": "median haircut on 2026-04-11", "value": float(np.median(cut)), "computed by": "adr.haircut"},
        {"quantity": "ADR 2, subnet registered after the June-2026 deployment (α_in is a claimant, v3.4.2+): "
                     "dissolution / spot value", "value": new_subnet.dissolution_rao / new_subnet.spot_value_rao,
         "computed by": "dissolution.exit_comparison(include_alpha_in=True)"},
        {"quantity": "ADR 2, Balancer quote weight 0.4: spot price / reserve ratio",
         "value": skewed.spot_price / (pool_tao / pool_alpha),
         "computed by": "dissolution.exit_comparison(quote_weight=0.4)"},
        {"quantity": "… dissolution / spot value", "value": skewed.dissolution_rao / skewed.spot_value_rao,
         "computed by": "dissolution.exit_comparison(quote_weight=0.4)"},
    ])


def _discount_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].to_numpy(dtype=float)
    diss, h, sale_small, all_diss, all_sale, prot, median_cut, new_subnet, spot_vs_reserve, skewed = v
    return bool(
        abs(diss - (1 - h)) < 1e-9 and abs(h - 0.5) < 1e-12   # equal weights: 1 − 1/ADR of spot value
        and sale_small > diss                                 # a small holder does better in the pool
        and all_diss > all_sale                               # the group does better at dissolution
        and prot < diss                                       # protocol alpha deepens it at HEAD
        and median_cut > 0
        and abs(new_subnet - 1 / 3) < 1e-9                    # α_in as a claimant: 1/(ADR + 1) of spot
        and abs(spot_vs_reserve - 1) > 0.1                    # Balancer spot ≠ reserve ratio …
        and abs(skewed - diss / spot_vs_reserve) < 1e-9       # … so the haircut is not 1 − 1/ADR
    )


register(Claim(
    id="adr-liquidation-discount",
    chapter=CHAPTER,
    english=("With an ADR above 1, the liquidation discount at withdrawal can cost the community part of the "
             "value of the TAO they staked to get the token."),
    japanese=("ADR比率が1を超える場合、引き出し時の清算割引により、コミュニティはそのトークンを取得するために"
              "ステークしたTAO担保の価値の一部を失う可能性があります。"),
    verdict="partly true",
    explanation=(
        "The discount is real, but only at dissolution, and it is measured against the spot price, not "
        "against what anyone paid. When a subnet is dissolved its pool TAO T is shared pro rata over the "
        "claimants' alpha, so each alpha receives T/(alpha held outside the pool) — with equal pool weights "
        "that is P/ADR instead of the spot price P: a haircut of 1 − 1/ADR (half of the spot value at "
        "ADR 2). Since v3.4.1 the chain-bought protocol alpha also takes a share, and so does the pool's "
        "own alpha — for every subnet in v3.4.1, from v3.4.2 only for subnets registered after its "
        "deployment block (June 2026) — so such a subnet pays each alpha at most P/(ADR + 1): a third of "
        "spot at ADR 2. On a Balancer pool (v3.4.8+) the "
        "spot price is the reserve ratio only at equal weights, so the haircut against spot is "
        "1 − (T/outside alpha)/P, larger or smaller than 1 − 1/ADR as the weights have drifted.\n\n"
        "Before a dissolution a holder is not forced to accept it: a small holder who sells in the pool "
        "loses only the fee and a little price impact. All holders together cannot escape this way, "
        "though: selling everything through the pool would pay them less than the dissolution does. "
        "Whether anyone loses TAO relative to what they staked depends on the price they bought at.\n\n"
        "At HEAD (spec 459) a dissolution first folds the pool's reservoirs (emission held back since July "
        "2026) into its reserves [V], so held-back TAO is shared too. The emission gate makes the case more "
        "common: a subnet below the bar keeps minting α_out while hardly any TAO reaches its pool, and its "
        "ADR and haircut grow (the ADR chapter computes it)."
    ),
    evidence=_discount_evidence,
    check=_discount_check,
    spec="§6.4, §7",
    holds_for="v2.0.0 → HEAD (spec 459); the size of the haircut depends on the era's claimants",
))


# ---------------------------------------------------------------------------------------------
# "A subnet costs about 1,600 TAO, and the cost depends on how often subnets register"
# ---------------------------------------------------------------------------------------------
def _cost_evidence() -> pd.DataFrame:
    start = 6_600_000
    reset = registration.lock_cost(last_lock_rao=1_250 * TAO, last_lock_block=start, current_block=start)
    t = registration.lock_cost_timeline(start_block=start, end_block=start + 16 * BLOCKS_PER_DAY,
                                        last_lock_rao=1_250 * TAO, last_lock_block=start)
    first = int(np.argmax(t.price_rao <= 1_600 * TAO))
    after = registration.lock_cost_timeline(start_block=start + first, end_block=start + first,
                                            registration_blocks=[start + first], last_lock_rao=1_250 * TAO,
                                            last_lock_block=start)
    next_quote = registration.lock_cost(last_lock_rao=after.final_last_lock_rao, last_lock_block=start + first,
                                        current_block=start + first)
    e0, e1 = block_emission(0), block_emission(halving_threshold_rao(1))
    return pd.DataFrame([
        {"quantity": "quote after the Oct-2025 reset (TAO)", "value": reset / TAO,
         "computed by": "registration.lock_cost(last_lock=1 250 TAO, same block)"},
        {"quantity": "days until that quote has decayed to 1 600 TAO (no registration)",
         "value": first / BLOCKS_PER_DAY, "computed by": "registration.lock_cost_timeline"},
        {"quantity": "quote right after someone registers at that price (TAO)", "value": next_quote / TAO,
         "computed by": "registration.lock_cost"},
        {"quantity": "price ratio, registrations every 4 days, before the Dec-2025 halving",
         "value": registration.lock_growth_factor(NETWORK_RATE_LIMIT_BLOCKS, block_emission_rao=e0),
         "computed by": "registration.lock_growth_factor"},
        {"quantity": "price ratio, registrations every 12 days, before the halving",
         "value": registration.lock_growth_factor(3 * LOCK_REDUCTION_INTERVAL_BLOCKS // 2, block_emission_rao=e0),
         "computed by": "registration.lock_growth_factor"},
        {"quantity": "price ratio, registrations every 4 days, after the halving",
         "value": registration.lock_growth_factor(NETWORK_RATE_LIMIT_BLOCKS, block_emission_rao=e1),
         "computed by": "registration.lock_growth_factor"},
        {"quantity": "minimum lock (TAO)", "value": MIN_LOCK_RAO / TAO, "computed by": "params.MIN_LOCK_RAO"},
    ])


def _cost_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].to_numpy(dtype=float)
    reset, days, after, fast, slow, post, floor = v
    return bool(
        reset == 2_500 and 0 < days < 8                 # 1 600 TAO is on the decaying quote within the week
        and abs(after - 3_200) < 1                       # and a registration doubles it
        and fast > 1 > slow and post == 1.0              # frequency sets the trend
        and floor == 1
    )


register(Claim(
    id="adr-subnet-cost-1600",
    chapter=CHAPTER,
    english=("A subnet currently costs about 1,600 TAO ($640k); the cost is dynamic and depends on how often new "
             "subnets register."),
    japanese=("現在のサブネット1つのコストは約1,600 TAO(64万ドル)で、このコストは動的であり、新規サブネット登録の"
              "頻度に応じて変動します。"),
    verdict="true",
    explanation=(
        "The lock cost is exactly that kind of price. Each registration doubles the quote, which then falls "
        "linearly by the last price per interval (8 days before the December-2025 halving, 4 after), down to "
        "a 1-TAO floor. The October-2025 reset quoted 2,500 TAO and, without a registration, reached "
        "1,600 TAO within the week (the table computes when), so 1,600 is a price the rule produced that "
        "autumn; the next registrant would then have faced twice that.\n\n"
        "How often subnets register decides the trend: more often than once per interval and the price "
        "climbs, less often and it sinks. Since the halving the interval equals the 4-day rate limit, so "
        "even back-to-back registrations can no longer make it climb. The dollar figure is outside the "
        "chain. Where the lock goes changed in April 2026: it used to be recycled, now it stays in the pool. "
        "The lock-price rule shows no change in the code read up to spec 459 [V, partial]; from September 2026 "
        "a queued registration pays the price fixed when it joined the queue (spec 453 [T])."
    ),
    evidence=_cost_evidence,
    check=_cost_check,
    spec="§6.1, §6.2",
    holds_for=("autumn 2025 (v3.2.8 after the October reset); the lock-price rule is unchanged through spec 459 as "
               "far as read"),
))


# ---------------------------------------------------------------------------------------------
# "About 126 subnets are active"
# ---------------------------------------------------------------------------------------------
def _active_evidence() -> pd.DataFrame:
    days = load_emission_days()
    october = days[(days["date"] >= "2025-10-01") & (days["date"] <= "2025-10-31")]
    snap = load_subnet_snapshot()
    return pd.DataFrame([
        {"quantity": "subnets receiving TAO emission, fewest on one day of Oct 2025",
         "value": int(october["subnets"].min()), "computed by": "data.load_emission_days() (btcli captures)"},
        {"quantity": "subnets receiving TAO emission, most on one day of Oct 2025",
         "value": int(october["subnets"].max()), "computed by": "data.load_emission_days()"},
        {"quantity": "median over the days of Oct 2025", "value": float(october["subnets"].median()),
         "computed by": "data.load_emission_days()"},
        {"quantity": "first and last capture of the data", "value":
         f"{days['date'].min():%d %b %Y} – {days['date'].max():%d %b %Y}", "computed by": "data.load_emission_days()"},
        {"quantity": "dynamic subnets on 2026-04-11", "value": int(snap["is_dynamic"].sum()),
         "computed by": "data.load_subnet_snapshot()"},
        {"quantity": "subnet limit", "value": SUBNET_LIMIT, "computed by": "params.SUBNET_LIMIT"},
    ])


def _active_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    return bool(v[0] <= 126 <= v[1] and abs(v[2] - 126) <= 3 and v[4] == v[5] == 128)


register(Claim(
    id="adr-126-subnets",
    chapter=CHAPTER,
    english="Bittensor is building a subnet ecosystem, and about 126 subnets are currently active.",
    japanese="また、Bittensorはサブネットエコシステムも構築しており、現在約126のサブネットがアクティブです。",
    verdict="true",
    explanation=(
        "In October 2025, when the article was written, daily captures of the subnets receiving TAO emission "
        "list a number close to 126 every day, rising as new subnets registered after deregistration was "
        "re-enabled (the table gives the range and the median), so \"about 126\" fits. By 2026-04-11 every "
        "one of the 128 slots of the subnet limit was taken."
    ),
    evidence=_active_evidence,
    check=_active_check,
    spec="§6.3",
    holds_for="October 2025, when the article was written",
))
