"""Claims decided in the chapter "Before dTAO — the root network decides" (spec §2, §3.5, §9)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import coinbase, root_era
from ..params import RAO_PER_TAO, ROOT_MAX_UIDS, SUBNET_OWNER_CUT_U16, U16_MAX
from . import Claim, register


# ---------------------------------------------------------------------------------------------
# "Before: a fixed 50/50 between miners and validators; now 41/41/18"
# ---------------------------------------------------------------------------------------------
def _split_evidence() -> pd.DataFrame:
    pending = RAO_PER_TAO
    pre = root_era.split_pending_emission(pending)
    no_miners = root_era.split_pending_emission(pending, has_incentive=False)
    launch = coinbase.split_alpha_out(pending, owner_cut=SUBNET_OWNER_CUT_U16 / U16_MAX, root_proportion=0.0,
                                      era="v2.0.0")
    return pd.DataFrame([
        {"quantity": "pre-dTAO (v1.2.5): owner's share of a subnet's pending TAO", "value": pre.owner_rao / pending,
         "computed by": "root_era.split_pending_emission(10⁹).owner_rao / 10⁹"},
        {"quantity": "pre-dTAO: miners' share of the gross", "value": pre.miners_rao / pending,
         "computed by": "root_era.split_pending_emission(10⁹).miners_rao / 10⁹"},
        {"quantity": "pre-dTAO: validators' share of the gross", "value": pre.validators_rao / pending,
         "computed by": "root_era.split_pending_emission(10⁹).validators_rao / 10⁹"},
        {"quantity": "pre-dTAO: miners' share of what is left after the owner",
         "value": pre.miners_rao / (pending - pre.owner_rao),
         "computed by": "miners_rao / (10⁹ − owner_rao)"},
        {"quantity": "pre-dTAO, a subnet with no miner incentive: validators' share of the gross",
         "value": no_miners.validators_rao / pending,
         "computed by": "root_era.split_pending_emission(10⁹, has_incentive=False)"},
        {"quantity": "dTAO launch (v2.0.0): owner's share of α_out", "value": launch.owner / pending,
         "computed by": "coinbase.split_alpha_out(10⁹, root_proportion=0, era='v2.0.0').owner / 10⁹"},
        {"quantity": "dTAO launch: miners' share of α_out", "value": launch.server / pending,
         "computed by": "coinbase.split_alpha_out(…).server / 10⁹"},
    ])


def _split_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].to_numpy(dtype=float)
    owner_pre, miners_pre, val_pre, half, no_miners, owner_launch, miners_launch = v
    return bool(
        abs(owner_pre - 0.18) < 1e-4            # the 18 % owner cut already existed before dTAO
        and abs(miners_pre - val_pre) < 1e-9     # 50/50 of the rest ...
        and abs(half - 0.5) < 1e-8
        and abs(no_miners - 0.82) < 1e-4         # ... but not fixed: without miners validators take it all
        and abs(owner_launch - owner_pre) < 1e-8  # and dTAO kept the same 18/41/41 split
        and abs(miners_launch - miners_pre) < 1e-8
    )


register(
    Claim(
        id="fixed-50-50-split",
        chapter="Before dTAO — the root network decides",
        english=("Previously the reward split between miners and validators was a fixed 50/50; it is now "
                 "split 41/41/18, strengthening funding for subnet owners (18 %) and encouraging continued "
                 "innovation in each subnet's core incentive mechanism."),
        japanese=("以前はマイナーとバリデータの間で固定的に50/50の報酬配分でしたが、現在は41/41/18に分割され、"
                  "サブネット所有者(18%)への資金提供を強化し、サブネットの中核となるインセンティブメカニズムの"
                  "継続的なイノベーションを促進しています。"),
        verdict="partly true",
        explanation=(
            "Miners and validators did split 50/50 before dTAO, but only what was left after the subnet "
            "owner. The last pre-dTAO release (v1.2.5) already took the 18 % owner cut (11 796/65 535) from "
            "a subnet's pending TAO first and sent the remaining 82 % through Yuma, which pays incentive and "
            "dividends each normalised by their sum: 41 % / 41 % of the gross. dTAO (v2.0.0, 13 February "
            "2025) kept exactly that 18/41/41 split; what changed was the token (alpha instead of TAO) and "
            "who decides each subnet's emission.\n\n"
            "\"Fixed\" is also too strong: when a subnet has no miner incentive, the validators take the whole "
            "82 %, and with no dividends the miners do. The book does not trace the owner cut further back "
            "than v1.2.5."
        ),
        evidence=_split_evidence,
        check=_split_check,
        spec="§2, §3.5",
        holds_for="before dTAO (v1.2.5) and from v2.0.0 to HEAD (spec 459)",
    )
)


# ---------------------------------------------------------------------------------------------
# "The root network was an oligarchic vote"
# ---------------------------------------------------------------------------------------------
def _oligarchy_evidence() -> pd.DataFrame:
    profile = root_era.stake_profile_2024()
    nak = root_era.nakamoto_coefficient(profile, threshold=root_era.KAPPA)
    return pd.DataFrame([
        {"quantity": "seats on the root network (all of emission is voted here)", "value": ROOT_MAX_UIDS,
         "computed by": "params.ROOT_MAX_UIDS"},
        {"quantity": "stylised mid-2024 profile: stake of the 5 largest root validators",
         "value": float(np.sort(profile)[::-1][:5].sum()), "computed by": "root_era.stake_profile_2024()"},
        {"quantity": "fewest validators holding more than κ of root stake (Nakamoto coefficient)", "value": nak,
         "computed by": "root_era.nakamoto_coefficient(profile, threshold=κ)"},
        {"quantity": f"emission those {nak} win when all {ROOT_MAX_UIDS - nak} others vote against them",
         "value": root_era.contested_vote_share(profile, nak),
         "computed by": f"root_era.contested_vote_share(profile, {nak})"},
        {"quantity": "smallest coalition that can lift a subnet nobody else backs over κ",
         "value": root_era.cartel_threshold(0.0), "computed by": "root_era.cartel_threshold(0.0)"},
        {"quantity": "consensus of a subnet backed by 20 % of root stake (ρ = 10)",
         "value": root_era.consensus(0.2), "computed by": "root_era.consensus(0.2)"},
        {"quantity": "consensus of a subnet backed by 80 % of root stake (ρ = 10)",
         "value": root_era.consensus(0.8), "computed by": "root_era.consensus(0.8)"},
    ])


def _oligarchy_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    seats, top5, nak, won, cartel, c_low, c_high = v
    return bool(seats == 64 and top5 > 0.6 and nak <= 5 and won > 0.75 and cartel < 0.51
                and c_high / c_low > 10)


register(
    Claim(
        id="root-oligarchy",
        chapter="Before dTAO — the root network decides",
        english=("Daily TAO emission was allocated by the root validators (subnet 0, which critics called an "
                 "oligarchic voting system)."),
        japanese="ルートバリデータ(サブネット0、批評家はこれを寡頭制投票システムと呼んだ)",
        verdict="true",
        explanation=(
            "Structurally it was a stake-weighted vote of at most 64 root validators, and nothing else "
            "decided how TAO emission was split between subnets. The consensus sigmoid multiplies a subnet's "
            "rank by nearly 1 when more than κ ≈ 50 % of root stake backs it and by nearly 0 when less, so "
            "whoever holds a stake majority decides.\n\n"
            "How few that was depends on the stake distribution. With the public mid-2024 figures (the top "
            "five root validators held about 65 % of delegated TAO, the top ten about 85 %), a handful of "
            "validators held a majority (the table computes how many), and voting together against all the "
            "others they would have won most of the emission. The profile beyond the published aggregates "
            "is stylised (see root_era.stake_profile_2024), so read the numbers as an order of magnitude."
        ),
        evidence=_oligarchy_evidence,
        check=_oligarchy_check,
        spec="§2",
        holds_for="the root-network era, before 13 Feb 2025",
        notes=("Stake figures: Mentat Minds, 'What Root Network weights reveal about Bittensor', 19 June 2024.",),
    )
)
