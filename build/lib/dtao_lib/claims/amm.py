"""Claims decided in the chapter "AMM pricing — from constant product to weighted pools" (spec §4, §3.4, §9)."""

from __future__ import annotations

import pandas as pd

from .. import amm, data
from ..params import RAO_PER_TAO
from . import Claim, register

_TAO = RAO_PER_TAO
_T, _A = 10_000 * _TAO, 400_000 * _TAO  # the chapter's example pool: price 0.025 TAO per alpha


# -- 1. price = TAO-denominated liquidity ratio ------------------------------------------------
def _ratio_evidence() -> pd.DataFrame:
    cp = amm.ConstantProductPool(_T, _A)
    bal = amm.BalancerPool(_T, _A)
    inj = bal.inject(_T // 10, 0)  # 10 % more TAO and no alpha: an unbalanced injection
    snap = data.load_subnet_snapshot()
    dyn = snap[snap["is_dynamic"]]
    gaps = dyn["price_spot_gap_rel"].abs()
    worst = dyn.loc[gaps.idxmax()]
    return pd.DataFrame([
        {"quantity": "constant-product pool: spot price (TAO per alpha)", "value": cp.price,
         "computed by": "amm.ConstantProductPool(10 000 TAO, 400 000 α).price"},
        {"quantity": "constant-product pool: TAO reserve / alpha reserve", "value": cp.tao_reserve / cp.alpha_reserve,
         "computed by": "T / A"},
        {"quantity": "Balancer pool after a TAO-only injection of 10 %: spot price", "value": inj.pool.price,
         "computed by": "amm.BalancerPool(...).inject(1 000 TAO, 0).price"},
        {"quantity": "same pool: TAO reserve / alpha reserve", "value": inj.pool.tao_reserve / inj.pool.alpha_reserve,
         "computed by": "y / x after the injection"},
        {"quantity": "same pool: TAO weight w₂", "value": float(inj.pool.quote_weight),
         "computed by": "price = (w₁/w₂)·(y/x), spec §4.3"},
        {"quantity": "snapshot 2026-04-11: subnets whose reported price differs from τ_in/α_in by > 1 %",
         "value": int((gaps > 0.01).sum()), "computed by": "data.load_subnet_snapshot()['price_spot_gap_rel']"},
        {"quantity": f"largest gap: netuid {int(worst['netuid'])} ({worst['name']})",
         "value": f"{100 * worst['price_spot_gap_rel']:+.1f} %", "computed by": "price / (τ_in/α_in) − 1"},
    ])


def _ratio_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    cp_is_ratio = abs(v[0] - v[1]) < 1e-15
    bal_price_kept = abs(v[2] - 0.025) < 1e-12
    bal_not_ratio = abs(v[3] / v[2] - 1) > 0.05 and abs(v[4] - 0.5) > 0.01
    return cp_is_ratio and bal_price_kept and bal_not_ratio and v[5] > 0


register(Claim(
    id="amm-price-liquidity-ratio",
    chapter="AMM pricing",
    english=("The core idea behind a subnet token's price is that it is not simply pegged: it is denominated in "
             "TAO and determined by the liquidity ratio of its automated market maker (AMM) pool."),
    japanese=("サブネット トークンの価格の背後にあるコア概念は、単純にペッグされているのではなく、TAO 建てであり、"
              "自動マーケット メーカー (AMM) プールの流動性比率によって決定されるというものです。"),
    verdict="partly true",
    explanation=(
        "The price is TAO per alpha, quoted by the subnet's pool: nothing pegs it. In the constant-product pool of "
        "2025 (and the v3 pool with only the protocol's full-range position) it is exactly the ratio of the pool's "
        "TAO to its alpha.\n\n"
        "In the weighted (Balancer) pool the chain runs now, the price is (w₁/w₂) times that ratio. Emission "
        "injections change the weights so that the price does not move, so after an unbalanced injection the "
        "reserve ratio and the price part ways. The 2026-04-11 snapshot (v3 era) already shows reported prices "
        "that differ from τ_in/α_in, by up to about 14 %; the snapshot alone cannot say why (user liquidity "
        "positions, or the February–March 2026 Balancer interlude, are possible causes).\n\n"
        "Since July 2026 (PR #2758 [P], in the HEAD code [V]) a pool can also hold emission back: TAO or alpha "
        "whose injection would push a Balancer weight outside [0.01, 0.99] waits in a reservoir that is in no "
        "reserve and does not enter the price until a later block releases it."
    ),
    evidence=_ratio_evidence,
    check=_ratio_check,
    spec="§4.1–4.3",
    holds_for="every pool design, v2.0.0 → HEAD (spec 459; Balancer pools with reservoirs since spec 435)",
))


# -- 2. more TAO staked → price more likely to rise ---------------------------------------------
def _stake_evidence() -> pd.DataFrame:
    rows = []
    for tag, name in (("v2.0.0", "constant product"), ("v3.2.2", "v3 full range"), ("head", "Balancer")):
        pool = amm.pool_for(tag, _T, _A)
        kw = {"author_fee_swap": True} if name == "Balancer" else {}
        for tao in (1, 100, 1_000):
            rows.append({"quantity": f"{name}: price change from staking {tao:,} TAO (%)",
                         "value": 100 * pool.buy_alpha(tao * _TAO).price_impact,
                         "computed by": f"amm.pool_for('{tag}', ...).buy_alpha(...).price_impact"})
        alpha = int(100 * _TAO / pool.price)
        rows.append({"quantity": f"{name}: price change from unstaking 100 TAO worth of alpha (%)",
                     "value": 100 * pool.sell_alpha(alpha, **kw).price_impact,
                     "computed by": f"amm.pool_for('{tag}', ...).sell_alpha(...).price_impact"})
    pool = amm.pool_for("head", _T, _A)
    path = amm.apply_trades(pool, [("stake", 1_000 * _TAO)], author_fee_swap=True)
    back = amm.apply_trades(path[-1].pool, [("unstake", path[-1].amount_out)], author_fee_swap=True)
    rows.append({"quantity": "Balancer: price after 1 000 TAO staked and the same alpha unstaked (% of start)",
                 "value": 100 * back[-1].pool.price / pool.price,
                 "computed by": "amm.apply_trades(pool, [stake], then [unstake])"})
    return pd.DataFrame(rows)


def _stake_check(ev: pd.DataFrame) -> bool:
    q, v = ev["quantity"], ev["value"]
    stakes = v[q.str.contains("from staking")].astype(float)
    unstakes = v[q.str.contains("from unstaking")].astype(float)
    # three stake sizes per design, in increasing order: a larger stake moves the price more
    ordered = all(stakes.iloc[3 * k] < stakes.iloc[3 * k + 1] < stakes.iloc[3 * k + 2]
                  for k in range(len(stakes) // 3))
    undone = abs(float(v.iloc[-1]) - 100) < 0.1
    return bool((stakes > 0).all() and (unstakes < 0).all() and ordered and undone)


register(Claim(
    id="amm-more-stake-price-rises",
    chapter="AMM pricing",
    english="The more TAO is staked to acquire a subnet token, the more likely its price is to rise.",
    japanese="サブネットトークンを取得するためにステーキングされるTAOが増えるほど、価格が上昇する可能性が高くなります。",
    verdict="true",
    explanation=(
        "Stronger than stated: staking into a subnet is a purchase of its alpha from the pool, so every stake "
        "raises the price, deterministically, and a larger stake raises it more. It is arithmetic, not likelihood, "
        "in all three pool designs the chain has used.\n\n"
        "What counts is the net flow. Every unstake is a sale that lowers the price, and a stake that is later "
        "unstaked leaves the price about where it started. Emission also hands miners, validators and the owner "
        "new alpha that they may sell."
    ),
    evidence=_stake_evidence,
    check=_stake_check,
    spec="§4.1–4.3",
    holds_for="every pool design, v2.0.0 → HEAD (spec 459)",
))


# -- 3. staking is buying alpha: market risk ----------------------------------------------------
def _risk_evidence() -> pd.DataFrame:
    pool = amm.pool_for("head", _T, _A)
    stake = 1_000 * _TAO
    after = pool.buy_alpha(stake).pool
    rows = []
    rt = amm.round_trip_after(pool, stake, [], author_fee_swap=True)
    rows.append({"quantity": "stake 1 000 TAO and unstake at once: TAO back", "value": rt.tao_out / _TAO,
                 "computed by": "amm.round_trip_after(pool, 1 000 TAO, [])"})
    for move in (-0.2, 0.2):
        target = after.price * (1 + move)
        if move < 0:
            trade = ("unstake", amm.unstake_to_reach_price(after, target))
        else:
            trade = ("stake", amm.stake_to_reach_price(after, target))
        rt = amm.round_trip_after(pool, stake, [trade], author_fee_swap=True)
        rows.append({"quantity": f"others move the price {100 * move:+.0f} % before we unstake: TAO back",
                     "value": rt.tao_out / _TAO,
                     "computed by": f"amm.round_trip_after(pool, 1 000 TAO, [{trade[0]} to {100 * move:+.0f} %])"})
    rows.append({"quantity": "root (subnet 0) stake before dTAO: TAO back per TAO delegated", "value": 1.0,
                 "computed by": "no pool: the stake is TAO itself, transaction fees aside (spec §2, §4.1)"})
    return pd.DataFrame(rows)


def _risk_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].astype(float).tolist()
    return 999 < v[0] < 1_000 and v[1] < 850 and v[2] > 1_150 and v[3] == 1.0


register(Claim(
    id="amm-staking-market-risk",
    chapter="AMM pricing",
    english=("Staking moved from delegating TAO to a single validator (staking on subnet 0) to buying and staking "
             "a subnet-specific alpha token. Stakers bear market risk, but can directly influence the allocation "
             "of resources."),
    japanese=("ステーキングは、TAOを単一のバリデータに委任する(サブネット0のステーキング)ことから、サブネット固有の"
              "アルファトークン(α)を購入してステーキングすることに移行しました。ステーキング者は市場リスクを負う"
              "ことになりますが、リソースの割り当てに直接影響を与えることができます。"),
    verdict="true",
    explanation=(
        "Before dTAO (February 2025) a stake was TAO delegated to a validator and came back as the same TAO. Since "
        "dTAO, staking on a subnet swaps TAO for the subnet's alpha in its pool, and unstaking swaps it back at "
        "whatever price the pool quotes then. With nobody trading in between, the round trip costs only the fees. "
        "If other stakers sell in between, the staker gets back less TAO, and more if they buy: that is market "
        "risk (alpha emission earned while staked can offset some of it).\n\n"
        "The influence is real as well: stake flows move prices, and each subnet's share of emission has been set "
        "by its EMA price (February–November 2025 and again since June 2026) or directly by its net stake flow "
        "(TaoFlow, November 2025 to June 2026), spec §3.2. Since the emission gate (spec 440, July 2026) the "
        "price decides even more: a subnet whose price falls below the 32nd-largest weight loses most of its "
        "emission."
    ),
    evidence=_risk_evidence,
    check=_risk_check,
    spec="§4, §3.2",
    holds_for="v2.0.0 → HEAD (spec 459)",
))
