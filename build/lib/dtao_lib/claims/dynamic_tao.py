"""Claims decided in the chapter "Dynamic TAO — every subnet a market" (spec §3.2–§3.5, §9)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import coinbase
from ..params import RAO_PER_TAO, era
from . import Claim, register

_CHAPTER = "Dynamic TAO — every subnet a market"

# Dates at which the share rule is read: dTAO launch, the article (autumn 2025), each later era.
_RULE_DATES = (
    ("2025-02-13", "dTAO launch (v2.0.0)"),
    ("2025-10-15", "autumn 2025, when the article was written"),
    ("2025-11-04", "v3.2.10"),
    ("2026-04-11", "the 2026-04-11 snapshot"),
    ("2026-05-27", "v3.4.0"),
    ("2026-06-22", "v3.4.6"),
    ("2026-06-30", "spec 425, live from 16 July 2026"),
    ("head", "HEAD, spec 459"),
)


# ---------------------------------------------------------------------------------------------
# "Emission allocation moved entirely to each subnet's alpha market price"
# ---------------------------------------------------------------------------------------------
def _rule_name(day: str) -> str:
    """The era's share rule, with the emission gate's bar mode when it has one (addendum §A2)."""
    e = era(day)
    return e.share_rule if e.emission_gate == "none" else f"{e.share_rule} + gate ({e.emission_gate} bar)"


def _allocation_evidence() -> pd.DataFrame:
    from ..figures.dynamic_tao import snapshot_block_state

    rows = [{"quantity": f"share rule {'at' if d == 'head' else 'on'} {d} ({what})",
             "value": _rule_name(d), "computed by": f"params.era('{d}')"} for d, what in _RULE_DATES]
    state, ids = snapshot_block_state()
    has_ema = state.ema_prices > 0  # netuid 96 had just registered and has no moving price
    ids = ids[has_ema]
    by_ema = coinbase.emission_shares(state.ema_prices[has_ema], era="A")
    by_spot = coinbase.emission_shares(state.spot_prices[has_ema], era="A")
    i = int(np.argmax(np.abs(np.log(by_spot / by_ema))))
    rows += [
        {"quantity": f"netuid {int(ids[i])} on 2026-04-11: share by EMA price (the rule's price)",
         "value": f"{by_ema[i]:.2%}", "computed by": "coinbase.emission_shares"},
        {"quantity": f"netuid {int(ids[i])}: share if the spot (market) price were used",
         "value": f"{by_spot[i]:.2%}", "computed by": "coinbase.emission_shares"},
    ]
    flow = coinbase.emission_shares([0.10, 0.01], flows=[-1_000.0 * RAO_PER_TAO, 1_000.0 * RAO_PER_TAO], era="B")
    rows.append({"quantity": "TaoFlow (era B): share of a subnet priced 10× higher but with net outflow",
                 "value": float(flow[0]),
                 "computed by": "coinbase.emission_shares"})
    return pd.DataFrame(rows)


def _allocation_check(ev: pd.DataFrame) -> bool:
    rules = ev["value"].iloc[: len(_RULE_DATES)].tolist()
    expected = ["ema_price", "ema_price", "taoflow", "taoflow", "net_taoflow", "price_burn_root_prop", "price_burn",
                "price_burn + gate (rank bar)"]
    ema_share = float(str(ev["value"].iloc[len(_RULE_DATES)]).rstrip("%"))
    spot_share = float(str(ev["value"].iloc[len(_RULE_DATES) + 1]).rstrip("%"))
    return rules == expected and abs(spot_share / ema_share - 1) > 0.1 and ev["value"].iloc[-1] == 0.0


register(
    Claim(
        id="dtao-allocation-market-price",
        chapter=_CHAPTER,
        english=("The allocation of daily TAO emission moved entirely from the root validators (subnet 0) to "
                 "the market price of each subnet's alpha token."),
        japanese=("毎日のTAO発行の割り当ては、ルートバリデータ(サブネット0、批評家はこれを寡頭制投票システムと呼んだ)から"
                  "各サブネットのアルファトークンの市場価格へと完全に移行しました。"),
        verdict="outdated",
        explanation=(
            "When the article was written (autumn 2025) this was the rule, with one correction: from the dTAO "
            "launch on 13 February 2025 each subnet's share of the block emission was its EMA price divided by "
            "the sum of all EMA prices. The EMA price is a slow moving average of the pool price (half-life of "
            "about a month), clamped at 1 TAO per alpha, not the market price of the moment; the table shows "
            "how different the shares would be if the spot price were used.\n\n"
            "It stopped being true a few weeks later. From v3.2.10 (tag of 4 November 2025) to v3.4.5 the "
            "shares followed TaoFlow, a 30-day EMA of the net TAO staked into each subnet: price did not enter "
            "at all, and a subnet with net outflow received nothing however high its price. Since v3.4.6 "
            "(22 June 2026) the rule is price-based again but weighted by (1 − miner burn), and for eight days "
            "also by the root proportion.\n\n"
            "Since the emission gate went live (spec 440, 27 July 2026; bar at the 32nd-largest weight since "
            "spec 441), which HEAD (spec 459) keeps, that price weight is only the input: a Hill function around "
            "the bar concentrates emission on the subnets above it. Prices still decide the order, not the "
            "shares. The emission shares chapter compares the rules on the same network."
        ),
        evidence=_allocation_evidence,
        check=_allocation_check,
        spec="§3.2, §3.3, §9",
        holds_for=("era A only (13 Feb – 4 Nov 2025); outdated since v3.2.10, and at HEAD (spec 459) the price "
                   "share passes through the emission gate"),
    )
)


# ---------------------------------------------------------------------------------------------
# "Now split 41/41/18"
# ---------------------------------------------------------------------------------------------
def _split_evidence() -> pd.DataFrame:
    from ..figures.dynamic_tao import dividend_example, root_proportions, subnet_example

    a = RAO_PER_TAO
    bare = coinbase.split_alpha_out(a, root_proportion=0.0)
    ex = subnet_example(64)
    chutes = coinbase.split_alpha_out(a, root_proportion=ex.root_proportion, root_sell_flag=ex.sum_ema_prices > 1)
    rp = root_proportions()
    off = coinbase.split_alpha_out(a, root_proportion=0.0, owner_cut_enabled=False, era="head")
    no_sell = coinbase.split_alpha_out(a, root_proportion=ex.root_proportion, root_sell_flag=False)
    reborn = dividend_example(root_registered={"V1": True, "V2": False}).set_index("validator")
    return pd.DataFrame([
        {"quantity": "owner's share of α_out (SubnetOwnerCut = 11 796/65 535)", "value": bare.owner / a,
         "computed by": "coinbase.split_alpha_out"},
        {"quantity": "miners' share of α_out", "value": bare.server / a, "computed by": "coinbase.split_alpha_out"},
        {"quantity": "validators' share of α_out (alpha and root stakers together)",
         "value": (bare.validator + bare.root) / a, "computed by": "coinbase.split_alpha_out"},
        {"quantity": "Chutes (netuid 64) on 2026-04-11: root proportion", "value": ex.root_proportion,
         "computed by": "coinbase.root_proportion"},
        {"quantity": "… of α_out to root stakers (TAO staked on root)", "value": chutes.root / a,
         "computed by": "coinbase.split_alpha_out"},
        {"quantity": "… of α_out to the subnet's alpha stakers", "value": chutes.validator / a,
         "computed by": "coinbase.split_alpha_out"},
        {"quantity": "median root proportion over the 128 subnets on 2026-04-11",
         "value": float(rp["root proportion"].median()), "computed by": "fig.root_proportions"},
        {"quantity": "owner cut switched off (toggle since v3.4.0): miners' share", "value": off.server / a,
         "computed by": "coinbase.split_alpha_out"},
        {"quantity": "Σ EMA prices on 2026-04-11 (root is paid only above 1)", "value": ex.sum_ema_prices,
         "computed by": "fig.subnet_example(64).sum_ema_prices"},
        {"quantity": "Chutes' root proportion with Σ EMA prices ≤ 1: share of α_out recycled",
         "value": no_sell.recycled / a, "computed by": "coinbase.split_alpha_out(root_sell_flag=False)"},
        {"quantity": "… then paid to validators (alpha and root stakers together)",
         "value": (no_sell.validator + no_sell.root) / a,
         "computed by": "coinbase.split_alpha_out(root_sell_flag=False)"},
        {"quantity": "HEAD (spec 442+): one epoch's root alpha paid via a validator with root stake but no root UID",
         "value": float(reborn.loc["V2", "to its root stakers (α)"]),
         "computed by": "coinbase.split_dividends(root_registered=…)"},
    ])


def _split_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].to_numpy(dtype=float)
    owner, miners, validators, rp, root, alpha_val, median_rp, miners_off, sum_ema, recycled, val_no_sell, unreg = v
    return bool(
        abs(owner - 0.18) < 1e-4 and abs(miners - 0.41) < 1e-4 and abs(validators - 0.41) < 1e-4
        and 0 < rp < 1 and root > 0.01 and abs(root + alpha_val - validators) < 1e-8
        and median_rp > 0.1 and abs(miners_off - 0.5) < 1e-8
        and sum_ema > 1                                              # root was paid on the snapshot day
        and abs(recycled - root) < 1e-8 and abs(val_no_sell - alpha_val) < 1e-8  # else its share is recycled
        and unreg == 0.0                                             # Root Reborn: root UID required
    )


register(
    Claim(
        id="dtao-41-41-18",
        chapter=_CHAPTER,
        english="Emission is now split 41/41/18 between miners, validators and the subnet owner (18 %).",
        japanese=("以前はマイナーとバリデータの間で固定的に50/50の報酬配分でしたが、現在は41/41/18に分割され、"
                  "サブネット所有者(18%)への資金提供を強化し、サブネットの中核となるインセンティブメカニズムの"
                  "継続的なイノベーションを促進しています。"),
        verdict="partly true",
        explanation=(
            "Every block a subnet mints α_out (1 alpha before its own alpha halving), and the coinbase cuts it "
            "this way: the owner takes 11 796/65 535 ≈ 18 %, and the rest is halved between miners and "
            "validators, 41 % each (spec §3.5).\n\n"
            "But the validators' 41 % is not all paid to validators' stakers, and not always paid. A fraction "
            "equal to the root proportion goes to TAO staked on root (subnet 0), so root stakers take part of "
            "every subnet's dividends; on 2026-04-11 that was about a sixth of the validators' part on most "
            "large subnets and more on young ones. And root is paid only while the EMA prices of all subnets "
            "sum to more than 1 (the root-sell flag, since v3.2.12): otherwise that fraction is left to the "
            "alpha stakers (v3.2.12) or, from v3.2.13, recycled, and the validators' side receives less than "
            "41 % (run_coinbase.rs at 14bc6f9f, L312–320 and L457–465). On the snapshot day the sum was above "
            "1. Also, since v3.4.0 an owner can switch the cut off (miners and validators then get 50 % "
            "each). Whether the 41/41/18 was new with dTAO is decided in the root-network chapter: the 18 % "
            "owner cut already existed before dTAO.\n\n"
            "The split of α_out is unchanged at HEAD (spec 459), but where root's part ends up changed with "
            "Root Reborn (spec 441, live about 3 August 2026 [T]). Since spec 442 a validator's root share of its "
            "dividend is paid only if the validator's hotkey holds a UID on the root subnet; otherwise that "
            "slice is not assigned (read in code [V]; the last row computes it). What is paid goes into the "
            "validator's basket, from which root stakers claim, instead of being paid out automatically "
            "(baskets are described from PR text [P])."
        ),
        evidence=_split_evidence,
        check=_split_check,
        spec="§3.4, §3.5",
        holds_for=("v2.0.0 → HEAD (spec 459); the root part goes only to root-registered hotkeys since spec 442 "
                   "(4 Aug 2026)"),
    )
)
