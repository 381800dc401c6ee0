"""Claims decided in the chapter "The halvings" (spec §1)."""

from __future__ import annotations

import pandas as pd

from .. import emission
from ..params import BLOCKS_PER_DAY, RAO_PER_TAO, TIMELINE
from . import Claim, register


def _daily_emission_evidence() -> pd.DataFrame:
    t1 = emission.halving_threshold_rao(1)
    first = next(c for c in TIMELINE if c.tag == "halving")
    return pd.DataFrame(
        [
            {"quantity": "TAO per day before the first halving",
             "value": emission.block_emission(t1 - 1) * BLOCKS_PER_DAY / RAO_PER_TAO,
             "computed by": "emission.block_emission(I₁ − 1) × 7 200 blocks"},
            {"quantity": "issuance that triggers the first halving (TAO)",
             "value": t1 / RAO_PER_TAO, "computed by": "emission.halving_threshold_rao(1)"},
            {"quantity": "TAO per day after the first halving",
             "value": emission.block_emission(t1) * BLOCKS_PER_DAY / RAO_PER_TAO,
             "computed by": "emission.block_emission(I₁) × 7 200 blocks"},
            {"quantity": "first halving (public reports)", "value": f"≈ {first.date:%d %B %Y}",
             "computed by": "params.TIMELINE (reports give 14–16 Dec 2025)"},
        ]
    )


register(
    Claim(
        id="daily-emission-7200",
        chapter="The halvings",
        english=("About 7,200 TAO are issued per day, and this will halve within two months, in December, "
                 "at Bittensor's first halving."),
        japanese=("1日あたり約7,200のTAOが発行されており、この数は今後2ヶ月で半減し、12月には最初の"
                  "Bittensor半減期イベントが開催されます。"),
        verdict="true",
        explanation=(
            "Before the first halving every block minted exactly 1 TAO and there are 7,200 twelve-second "
            "blocks a day. The halving is triggered when issuance reaches 10.5 M TAO, not on a date, so "
            "\"two months\" was a forecast from autumn 2025; public reports put the halving on 14–16 "
            "December 2025. Since then the chain mints 3,600 TAO a day (unchanged through spec 459). What is "
            "recycled comes off issuance again, and since spec 444 (August 2026 [P]) that includes transaction "
            "fees, so net issuance is a little lower and the second halving a little later (the halvings chapter "
            "computes how much)."
        ),
        evidence=_daily_emission_evidence,
        check=lambda ev: ev["value"].iloc[0] == 7_200 and ev["value"].iloc[2] == 3_600,
        spec="§1",
        holds_for="until the first halving (December 2025); 3 600 TAO a day since, unchanged through spec 459",
    )
)
