"""Claims decided in the chapter "Yuma consensus inside a subnet" (spec §5)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..figures.yuma import subnet_epoch
from . import Claim, register

# Two honest validators (stake 45 : 35) rate M0–M2 and give M3 nothing; a third validator with
# 20 % of the stake is either honest too or puts all its weight on M3.
_HONEST = [[40, 30, 30, 0], [30, 40, 30, 0]]
_STAKES = [45 * 0.8, 35 * 0.8, 20]


def _score_evidence() -> pd.DataFrame:
    honest = subnet_epoch([*_HONEST, [40, 30, 30, 0]], _STAKES)
    lone = subnet_epoch([*_HONEST, [0, 0, 0, 100]], _STAKES)
    majority = subnet_epoch([[30, 30, 15, 25], [25, 30, 20, 25], [40, 30, 30, 0]], [30, 30, 40])
    m3 = 6  # UID of miner M3
    e = honest.server_emission.sum() + honest.validator_emission.sum()
    return pd.DataFrame([
        {"quantity": "M3's consensus weight when only a validator with 20 % of stake scores it",
         "value": float(lone.consensus[m3]), "computed by": "yuma.epoch(…).consensus[M3]"},
        {"quantity": "that validator's weight on M3 after clipping (it gave M3 100 %)",
         "value": float(lone.clipped_weights[2, m3]), "computed by": "yuma.epoch(…).clipped_weights[V2, M3]"},
        {"quantity": "M3's incentive (what M3 is paid)", "value": float(lone.incentive[m3]),
         "computed by": "yuma.epoch(…).incentive[M3]"},
        {"quantity": "the lone validator's dividends (share of the validators' emission)",
         "value": float(lone.dividends[2]), "computed by": "yuma.epoch(…).dividends[V2]"},
        {"quantity": "M3's incentive when validators with 60 % of stake give it 25 % of their weight",
         "value": float(majority.incentive[m3]), "computed by": "yuma.epoch(…, stakes=[30, 30, 40]).incentive[M3]"},
        {"quantity": "miners' share of the epoch's emission (all honest)",
         "value": float(honest.server_emission.sum() / e), "computed by": "Σ server_emission / E"},
        {"quantity": "validators' share of the epoch's emission (all honest)",
         "value": float(honest.validator_emission.sum() / e), "computed by": "Σ validator_emission / E"},
    ])


def _score_check(ev: pd.DataFrame) -> bool:
    c, clipped, inc, div, inc_major, miners, validators = ev["value"].to_numpy(dtype=float)
    return bool(c == 0 and clipped == 0 and inc == 0 and div == 0 and inc_major > 0.1
                and np.isclose(miners, 0.5, atol=1e-8) and np.isclose(validators, 0.5, atol=1e-8))


register(
    Claim(
        id="validators-score-miners",
        chapter="Yuma consensus inside a subnet",
        english=("Their job is to verify the miners' work and assign scores. Based on these scores, the miners "
                 "receive emission from the subnet."),
        japanese=("彼らの仕事は、マイナーの作業を検証し、スコアを割り当てることです。"
                  "このスコアに基づいて、マイナーはサブネットから発行を受け取ります。"),
        verdict="partly true",
        explanation=(
            "Validators do score miners (their weights), and miners are paid from those scores, but not from "
            "any one validator's score. For each miner Yuma takes the stake-weighted κ-median of the scores "
            "(κ ≈ 0.5), its consensus; every score above it is clipped down to it; and the miner's incentive is "
            "the stake-weighted sum of the clipped scores, normalised over all miners.\n\n"
            "So a validator with less than κ of the stake cannot raise a miner's consensus: in the table, a "
            "validator with 20 % of the stake gives M3 all its weight, the others give it nothing, and M3 is paid "
            "nothing. "
            "The lone validator loses too: its clipped weights, and with them its bonds and dividends, vanish. "
            "Only when validators holding a majority of stake score M3 is it paid. And the scores decide only "
            "the miners' half of the epoch's emission (41 % of the subnet's, after the owner's 18 %); the other "
            "half goes to validators by their bonds."
        ),
        evidence=_score_evidence,
        check=_score_check,
        spec="§5.2, §5.5",
        holds_for="v2.0.0 → HEAD (spec 459): the post-June 2026 releases did not change Yuma",
    )
)
