"""Claims decided in the chapter "Emission shares — prices, flows and the EMA" (spec §3.2, §3.3)."""

from __future__ import annotations

import pandas as pd

from .. import coinbase, ema
from ..params import BLOCKS_PER_DAY
from . import Claim, register

_CHAPTER = "Emission shares — prices, flows and the EMA"


def _value_evidence() -> pd.DataFrame:
    from ..figures.dynamic_tao import snapshot_block_state
    from ..figures.emission_shares import share_rules, taoflow_example

    state, ids = snapshot_block_state()
    prices = pd.Series(state.ema_prices, index=ids)
    rules = share_rules().set_index("netuid")
    rank_corr = float(prices.rank().corr(rules["A"].rank()))
    top_price = int(prices.idxmax())
    burned = share_rules(top_price, 1.0).set_index("netuid")
    c_top = int(rules["C"].idxmax())
    flow = taoflow_example(-300.0)
    clamp = ema.blocks_to_reach(0.5, 3.0, 1.0001, blocks_since_start=10**7)
    seven = 1 - ema.keep_factor(7 * BLOCKS_PER_DAY, blocks_since_start=365 * BLOCKS_PER_DAY)
    gated = coinbase.gated_shares(state.ema_prices)  # HEAD: fresh rank-32 bar, no miner burn in the snapshot
    pre, post = pd.Series(gated.pre_gate, index=ids), pd.Series(gated.shares, index=ids)
    top = pre.sort_values(ascending=False)
    rank64 = top.index[63]
    return pd.DataFrame([
        {"quantity": "era A on 2026-04-11: rank correlation of EMA price and share", "value": rank_corr,
         "computed by": "coinbase.emission_shares"},
        {"quantity": f"era D: share of the highest-priced subnet (netuid {top_price})",
         "value": f"{rules.loc[top_price, 'D']:.2%}",
         "computed by": "coinbase.emission_shares"},
        {"quantity": "… if it burns all its miners' emission, same price", "value": f"{burned.loc[top_price, 'D']:.2%}",
         "computed by": "coinbase.emission_shares"},
        {"quantity": f"era C: largest share goes to netuid {c_top}, price rank",
         "value": int(prices.rank(ascending=False)[c_top]), "computed by": "coinbase.emission_shares"},
        {"quantity": "era B example: share of SN3 with net outflow",
         "value": float(flow.loc[2, "B: TaoFlow"]), "computed by": "taoflow.flow_shares"},
        {"quantity": "EMA never passes 1 however high the spot price (blocks to reach 1.0001)",
         "value": "never" if clamp is None else clamp, "computed by": "ema.blocks_to_reach"},
        {"quantity": "part of a price jump the EMA follows in 7 days (1-year-old subnet)", "value": f"{seven:.1%}",
         "computed by": "ema.keep_factor"},
        {"quantity": "HEAD (spec 459) on 2026-04-11: rank correlation of weight before the gate and gated share",
         "value": float(pre.rank().corr(post.rank())), "computed by": "coinbase.gated_shares"},
        {"quantity": "HEAD: emission of the 32 largest subnets, before the gate → gated",
         "value": f"{top.iloc[:32].sum():.1%} → {post[top.index[:32]].sum():.1%}",
         "computed by": "coinbase.gated_shares"},
        {"quantity": f"HEAD: part of its pre-gate share that the 64th subnet (netuid {rank64}) keeps",
         "value": f"{post[rank64] / pre[rank64]:.1%}", "computed by": "coinbase.gated_shares"},
    ])


def _value_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    rank_corr, top_share, burned_share, c_rank, flow_share, clamp, seven, gate_corr, top32, kept64 = v
    before, after = (float(x.rstrip("%")) for x in top32.split(" → "))
    return bool(
        rank_corr > 0.999 and float(top_share.rstrip("%")) > 0 and float(burned_share.rstrip("%")) == 0.0
        and c_rank > 1 and flow_share == 0.0 and clamp == "never" and float(seven.rstrip("%")) < 25
        and gate_corr > 0.999 and after > before and float(kept64.rstrip("%")) < 50
    )


register(
    Claim(
        id="shares-higher-value-more-emission",
        chapter=_CHAPTER,
        english="The higher a subnet token's value in TAO, the more emission the subnet receives.",
        japanese="TAO に対するサブネット トークンの価値が高いほど、発行量が多くなります。",
        verdict="partly true",
        explanation=(
            "True for the price rules, with two qualifications, and false for the flow rules. In era A (February "
            "to November 2025) a subnet's share is its EMA price divided by the sum of all EMA prices, so on any "
            "given network a higher price means a larger share: the ranks agree exactly. But the price that "
            "counts is the moving average, which follows a jump in the pool price only slowly, and it is clamped "
            "at 1 TAO per alpha, so value above 1 TAO earns nothing more.\n\n"
            "From November 2025 to June 2026 (eras B and B′) the price did not enter the rule at all: shares "
            "followed the TAO staked into each subnet, and a subnet with net outflow received nothing whatever "
            "its price. Since June 2026 the price counts again, multiplied by (1 − miner burn) (except from 6 to 11 "
            "August 2026, spec 444 [P], when the factor was dropped): a subnet that "
            "burns its miners' emission loses its share at any price, and for eight days in June 2026 the root "
            "proportion also weighted the shares, which favoured young subnets over higher-priced ones.\n\n"
            "Since the emission gate (spec 440, live 27 July 2026; the rank-32 bar since spec 441) that weight "
            "passes through a Hill function around the 32nd-largest weight before it becomes a share. The order "
            "is kept, so a higher value still means more emission (the gated shares rank exactly like the "
            "weights), but no longer in proportion: on the 2026-04-11 prices the 32 largest subnets would take "
            "far more of the emission than their weights, and a subnet well below the bar keeps only a small "
            "part of its weight (the last rows compute it with HEAD's rule). The chapter on emission shares "
            "explains the gate."
        ),
        evidence=_value_evidence,
        check=_value_check,
        spec="§3.2, §3.3",
        holds_for=("eras A (Feb–Nov 2025) and C–F (since 22 June 2026, HEAD spec 459 included); false in eras "
                   "B/B′ (Nov 2025 – Jun 2026)"),
    )
)
