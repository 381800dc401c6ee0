"""Every statement of the seed article, in its order; and the claims no chapter decides.

The appendix "Claims checked" goes through the article (hitesh.eth, PANews) sentence by sentence. This module
holds two things:

``ARTICLE``
    The whole article as a list of :class:`ArticleEntry`, in the article's order. Each entry quotes
    one or more consecutive sentences exactly and names the claim that decides them: a claim a
    chapter registers (``dtao-41-41-18`` in the chapter on dynamic TAO...), or one registered here.
    Entries for chapter claims carry our own English summary and the chapter's file, so the appendix
    lists them before the chapter exists and shows the chapter's verdict once it registers the claim.
    Headings and the byline are not statements and are not listed.

Claims registered here (ids ``seed-*``)
    * economic or on-chain statements no chapter covers, decided with the shipped mainnet data
      (:mod:`dtao_lib.data`) and the mechanism modules;
    * statements no on-chain mechanism decides (vision, off-chain facts, advice), with the verdict
      ``"out of scope"``. Their evidence row says what the chain records about them: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from .. import amm, coinbase, emission, registration
from ..data import load_emission_days, load_emission_shares, load_subnet_snapshot, subnet_state
from ..params import (
    BLOCKS_PER_DAY,
    MAX_ALLOWED_UIDS,
    RAO_PER_TAO,
    SUBNET_LIMIT,
    TAO_WEIGHT,
    era,
)
from . import CLAIMS, Claim, register

__all__ = ["ARTICLE", "ArticleEntry", "Decider", "emission_ranks", "protocol_buys_at_head"]

SNAPSHOT_DATE = "2026-04-11"
"""Date of the shipped subnet snapshot (:func:`dtao_lib.data.load_subnet_snapshot`)."""

CHAPTER_TITLES: dict[str, str] = {
    "chapters/root_network": "The root network",
    "chapters/yuma": "Yuma consensus",
    "chapters/dynamic_tao": "Dynamic TAO",
    "chapters/amm": "Pools and prices (AMM)",
    "chapters/emission_shares": "Emission shares",
    "chapters/adr": "ADR and deregistration",
    "chapters/halvings": "The halvings",
    "chapters/appendix_claims": "Claims checked (this appendix)",
}
"""Provisional titles of the chapters that decide claims (the registered claim's own ``chapter``
field takes precedence once the chapter exists)."""


@dataclass(frozen=True)
class Decider:
    """A claim that decides (part of) an :class:`ArticleEntry`.

    Attributes
    ----------
    claim_id
        Id of the claim, registered here (``seed-*``) or by the chapter in ``page``.
    page
        The page that decides it, e.g. ``"chapters/adr"`` (without suffix).
    aliases
        Other ids the chapter may register the same claim under (the first registered one is used).
    """

    claim_id: str
    page: str
    aliases: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """The id and its aliases, in order of preference."""
        return (self.claim_id, *self.aliases)

    @property
    def chapter(self) -> str:
        """Provisional title of :attr:`page` (the registered claim's ``chapter`` takes precedence)."""
        return CHAPTER_TITLES.get(self.page, self.page)


@dataclass(frozen=True)
class ArticleEntry:
    """Consecutive sentences of the article, our English rendering, and the claims that decide them.

    ``japanese`` is copied exactly from the article; ``deciders`` lists one or more claims (a
    sentence can make two claims, e.g. the 50/50 split before dTAO and the 41/41/18 split after).
    """

    japanese: str
    english: str
    deciders: tuple[Decider, ...]


# ---------------------------------------------------------------------------------------------
# Evidence helpers
# ---------------------------------------------------------------------------------------------
@cache
def _snapshot() -> pd.DataFrame:
    return load_subnet_snapshot()


@cache
def emission_ranks() -> pd.DataFrame:
    """Each subnet's rank by TAO emission on each day of the autumn-2025 data (1 = most).

    Returns the frame of :func:`dtao_lib.data.load_emission_shares` with a ``rank`` column (ties
    share the best rank) and ``name``, the subnet's name in the 2026-04-11 snapshot (names and owners
    can change when a netuid is re-registered; see the explanation of the claims that use it).
    """
    df = load_emission_shares().copy()
    df["rank"] = df.groupby("date")["tao_per_block"].rank(ascending=False, method="min").astype(int)
    names = _snapshot().set_index("netuid")["name"]
    df["name"] = df["netuid"].map(names).astype("string")
    return df


def _rank_summary(netuid: int) -> dict[str, float | int | str]:
    r = emission_ranks()
    sub = r[r["netuid"] == netuid]
    return {
        "best": int(sub["rank"].min()),
        "worst": int(sub["rank"].max()),
        "days": int(sub["date"].nunique()),
        "mean_share": float(sub["share"].mean()),
        "name": str(sub["name"].iloc[0]),
    }


def _top_emission_evidence() -> pd.DataFrame:
    days = load_emission_days()
    span = f"{days['date'].min():%Y-%m-%d} → {days['date'].max():%Y-%m-%d}"
    rows = [{"quantity": "daily captures of per-subnet TAO emission", "value": f"{len(days)} days, {span}",
             "computed by": "data.load_emission_days()"}]
    for netuid in (64, 62, 56):
        s = _rank_summary(netuid)
        rng = f"{s['best']}" if s["best"] == s["worst"] else f"{s['best']}–{s['worst']}"
        rows.append({"quantity": f"{s['name']} (netuid {netuid}): rank by emission, best–worst day",
                     "value": rng, "computed by": "seed_other.emission_ranks()"})
        rows.append({"quantity": f"{s['name']} (netuid {netuid}): mean share of TAO emission",
                     "value": f"{s['mean_share']:.2%}", "computed by": "data.load_emission_shares()['share']"})
    r = emission_ranks()
    mean = r.groupby(["netuid", "name"])["share"].mean().sort_values(ascending=False).head(6)
    top = ", ".join(f"{name} ({netuid})" for (netuid, name) in mean.index)
    rows.append({"quantity": "six largest mean shares (2026 names)", "value": top,
                 "computed by": "emission_ranks().groupby('netuid')['share'].mean()"})
    return pd.DataFrame(rows)


def _top_emission_check(ev: pd.DataFrame) -> bool:
    ranks = {64: _rank_summary(64), 62: _rank_summary(62), 56: _rank_summary(56)}
    return ranks[64]["worst"] == 1 and ranks[62]["worst"] <= 5 and ranks[56]["worst"] <= 10


def _chutes_top_evidence() -> pd.DataFrame:
    r = emission_ranks()
    first = r[r["rank"] == 1]
    chutes_days = int((first["netuid"] == 64).sum())
    second = r[r["rank"] == 2].groupby("name")["date"].nunique().sort_values(ascending=False)
    chutes = r[r["netuid"] == 64].set_index("date")["share"]
    runner = r[r["rank"] == 2].set_index("date")["share"]
    return pd.DataFrame([
        {"quantity": "days on which Chutes (netuid 64) had the most emission", "value": chutes_days,
         "computed by": "seed_other.emission_ranks()"},
        {"quantity": "days in the data", "value": int(r["date"].nunique()), "computed by": "data.load_emission_days()"},
        {"quantity": "Chutes' mean share of TAO emission", "value": f"{chutes.mean():.2%}",
         "computed by": "data.load_emission_shares()"},
        {"quantity": "mean share of the day's second subnet", "value": f"{runner.mean():.2%}",
         "computed by": "data.load_emission_shares()"},
        {"quantity": "second most often", "value": ", ".join(f"{n} ({d} days)" for n, d in second.items()),
         "computed by": "seed_other.emission_ranks()"},
    ])


def _own_pool_evidence() -> pd.DataFrame:
    s = _snapshot()
    subnets = s[s["netuid"] != 0]
    with_pool = subnets[(subnets["tao_in_tao"] > 0) & (subnets["alpha_in_alpha"] > 0)]
    root = s[s["netuid"] == 0].iloc[0]
    return pd.DataFrame([
        {"quantity": f"non-root subnets in the {SNAPSHOT_DATE} snapshot", "value": len(subnets),
         "computed by": "data.load_subnet_snapshot()"},
        {"quantity": "… with their own alpha token (is_dynamic)", "value": int(subnets["is_dynamic"].sum()),
         "computed by": "snapshot['is_dynamic']"},
        {"quantity": "… with a pool holding TAO and alpha", "value": len(with_pool),
         "computed by": "snapshot['tao_in_tao'], snapshot['alpha_in_alpha']"},
        {"quantity": "root (netuid 0) has its own alpha", "value": bool(root["is_dynamic"]),
         "computed by": "snapshot['is_dynamic']"},
        {"quantity": "subnet pool kind before dTAO (v1.2.5)", "value": era("v1.2.5").pool,
         "computed by": "params.era('v1.2.5').pool"},
        {"quantity": "subnet pool kind at dTAO launch (v2.0.0, 13 Feb 2025)", "value": era("v2.0.0").pool,
         "computed by": "params.era('v2.0.0').pool"},
    ])


def _own_pool_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    return v[0] == v[1] == v[2] and v[0] > 0 and v[3] is False and v[4] == "none" and v[5] != "none"


def _subnet_limit_evidence() -> pd.DataFrame:
    s = _snapshot()
    return pd.DataFrame([
        {"quantity": "subnet limit enforced before dTAO (v1.2.5)", "value": era("v1.2.5").subnet_limit_enforced,
         "computed by": "params.era('v1.2.5').subnet_limit_enforced"},
        {"quantity": "subnet limit enforced at the dTAO launch (v2.0.0, Feb 2025)",
         "value": era("v2.0.0").subnet_limit_enforced, "computed by": "params.era('v2.0.0').subnet_limit_enforced"},
        {"quantity": "… and in v3.2.7 (Sept 2025)", "value": era("v3.2.7").subnet_limit_enforced,
         "computed by": "params.era('v3.2.7').subnet_limit_enforced"},
        {"quantity": "subnet limit enforced since v3.2.8 (tag 24 Sept 2025)",
         "value": era("v3.2.8").subnet_limit_enforced,
         "computed by": "params.era('v3.2.8').subnet_limit_enforced"},
        {"quantity": "the limit since v3.2.8 (migration committed Aug 2025)", "value": SUBNET_LIMIT,
         "computed by": "params.SUBNET_LIMIT"},
        {"quantity": "rule at the limit since v3.2.8", "value": era("v3.2.8").pruning,
         "computed by": "params.era('v3.2.8').pruning"},
        {"quantity": f"non-root subnets on {SNAPSHOT_DATE}", "value": int((s["netuid"] != 0).sum()),
         "computed by": "data.load_subnet_snapshot()"},
    ])


def _subnet_limit_check(ev: pd.DataFrame) -> bool:
    before, launch, v327, since, limit, rule, count = ev["value"].tolist()
    return (before is True and launch is False and v327 is False and since is True and limit == SUBNET_LIMIT
            and rule == "lowest_ema_price" and count == SUBNET_LIMIT)


def _registration_evidence() -> pd.DataFrame:
    # The Sept-2025 migration: last lock 1000 TAO, last-lock block one week after the migration block.
    block = 6_500_000
    quoted = registration.lock_cost(last_lock_rao=1_000 * RAO_PER_TAO, last_lock_block=block + 7 * BLOCKS_PER_DAY,
                                    current_block=block)
    days = load_emission_days()
    shares = load_emission_shares()
    first_seen = shares.groupby("netuid")["date"].min()
    start = days["date"].min()
    new = sorted(int(n) for n, d in first_seen.items() if d > start)
    return pd.DataFrame([
        {"quantity": "pruning rule v3.2.7 (a registration at the limit cannot free a slot)",
         "value": era("v3.2.7").pruning, "computed by": "params.era('v3.2.7').pruning"},
        {"quantity": "pruning rule v3.2.8 (tag 24 Sept 2025; docs: deployed 16 Sept)",
         "value": era("v3.2.8").pruning, "computed by": "params.era('v3.2.8').pruning"},
        {"quantity": "lock price quoted when registrations reopened (TAO)", "value": quoted / RAO_PER_TAO,
         "computed by": "registration.lock_cost(last_lock=1000 TAO, last_lock_block=+1 week)"},
        {"quantity": f"subnets with emission on {start:%Y-%m-%d}", "value": int(days["subnets"].iloc[0]),
         "computed by": "data.load_emission_days()['subnets']"},
        {"quantity": f"subnets with emission on {days['date'].max():%Y-%m-%d}", "value": int(days["subnets"].iloc[-1]),
         "computed by": "data.load_emission_days()['subnets']"},
        {"quantity": "netuids first seen with emission after the first day", "value": ", ".join(map(str, new)),
         "computed by": "data.load_emission_shares().groupby('netuid')['date'].min()"},
    ])


def _registration_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    return v[0] == "disabled" and v[1] == "lowest_ema_price" and v[2] == 2_000 and v[4] > v[3]


def _mining_evidence() -> pd.DataFrame:
    s = subnet_state(64)
    pool = amm.pool_for(SNAPSHOT_DATE, round(s.tao_in_tao * RAO_PER_TAO), round(s.alpha_in_alpha * RAO_PER_TAO))
    alpha_e = coinbase.alpha_emission(round(s.total_alpha_alpha * RAO_PER_TAO))
    miners_per_block = coinbase.split_alpha_out(alpha_e, owner_cut=coinbase.MAINNET_OWNER_CUT,
                                                root_proportion=0.0, root_sell_flag=False).server
    miners_day = miners_per_block * BLOCKS_PER_DAY
    sell = pool.sell_alpha(miners_day)
    burn = round((s.neuron_burn_tao or 0.0) * RAO_PER_TAO)
    buy = pool.buy_alpha(burn)
    offset = sell.amount_out / burn if burn else float("inf")
    return pd.DataFrame([
        {"quantity": f"Chutes (netuid 64) spot price on {SNAPSHOT_DATE} (TAO per alpha)", "value": float(pool.price),
         "computed by": "amm.pool_for('2026-04-11', τ_in, α_in).price"},
        {"quantity": "alpha paid to miners per day (41 % of α emission)", "value": miners_day / RAO_PER_TAO,
         "computed by": "coinbase.split_alpha_out(α_e, …).server × 7 200"},
        {"quantity": "relative price change if the miners sell one day's alpha", "value": float(sell.price_impact),
         "computed by": "pool.sell_alpha(miners' alpha per day).price_impact"},
        {"quantity": "TAO that sale takes out of the pool", "value": sell.amount_out / RAO_PER_TAO,
         "computed by": "pool.sell_alpha(…).amount_out"},
        {"quantity": "UID registration burn, bought back as alpha (TAO)", "value": burn / RAO_PER_TAO,
         "computed by": "data.subnet_state(64).neuron_burn_tao"},
        {"quantity": "relative price change from one registration's buy-back", "value": float(buy.price_impact),
         "computed by": "pool.buy_alpha(burn).price_impact"},
        {"quantity": "registrations per day to offset one day of miners' selling", "value": round(offset),
         "computed by": "sale TAO / burn per registration"},
    ])


def _mining_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    return v[2] < 0 < v[5] < -v[2] and v[6] > MAX_ALLOWED_UIDS


@cache
def protocol_buys_at_head() -> pd.DataFrame:
    """HEAD's injection rule applied to every subnet of the 2026-04-11 snapshot (spec §3.2, §3.4).

    A model, not a record: the snapshot's pools and EMA prices with the rules of HEAD (EMA-price shares
    with no miner burn through the emission gate of spec 441 with a fresh rank-32 bar, cap
    ``root_prop · α_emission``) and the block emission after the first halving.
    One row per subnet with an EMA price: ``tao_rao`` (its TAO emission per block), ``excess_rao`` (TAO
    the chain spends buying alpha from the pool each block), ``buy_tao_per_day`` and
    ``price_rise_per_day``, the relative price rise one day of those buys causes on the subnet's pool
    (HEAD's chain buy is a fee-free swap).
    """
    s = _snapshot()
    root_tao = round(float(s.loc[s["netuid"] == 0, "tao_in_tao"].iloc[0]) * RAO_PER_TAO)
    d = s[(s["netuid"] != 0) & s["moving_price_tao_per_alpha"].notna()]
    E = emission.block_emission(emission.halving_threshold_rao(1))
    taos = coinbase.subnet_tao_emission(E, d["moving_price_tao_per_alpha"].tolist())
    rows = []
    for tao, (_, r) in zip(taos, d.iterrows(), strict=True):
        issuance = round(r["total_alpha_alpha"] * RAO_PER_TAO)
        rp = coinbase.root_proportion(TAO_WEIGHT, root_tao, issuance)
        terms = coinbase.subnet_terms(tao, float(r["spot_price_tao_per_alpha"]),
                                      alpha_emission_rao=coinbase.alpha_emission(issuance), root_proportion=rp)
        day = terms.excess_tao * BLOCKS_PER_DAY
        pool = amm.pool_for("head", round(r["tao_in_tao"] * RAO_PER_TAO), round(r["alpha_in_alpha"] * RAO_PER_TAO),
                            fee_rate_u16=0)
        rise = pool.buy_alpha(day).price_impact if day else 0.0
        rows.append({"netuid": int(r["netuid"]), "name": str(r["name"]), "tao_rao": tao,
                     "excess_rao": terms.excess_tao, "buy_tao_per_day": day / RAO_PER_TAO,
                     "price_rise_per_day": rise})
    return pd.DataFrame(rows)


def _demand_evidence() -> pd.DataFrame:
    b = protocol_buys_at_head()
    buying = b[b["excess_rao"] > 0]
    n_subnets = int((_snapshot()["netuid"] != 0).sum())
    top = b.sort_values("price_rise_per_day", ascending=False).iloc[0]
    E = emission.block_emission(emission.halving_threshold_rao(1))
    day_tao = E * BLOCKS_PER_DAY / RAO_PER_TAO
    return pd.DataFrame([
        {"quantity": "protocol buys alpha, autumn 2025 (v3.2.8, subsidy rule)",
         "value": era("2025-10-15").chain_buy_alpha,
         "computed by": "params.era('2025-10-15').chain_buy_alpha"},
        {"quantity": "protocol buys alpha at HEAD", "value": era("head").chain_buy_alpha,
         "computed by": "params.era('head').chain_buy_alpha"},
        {"quantity": (f"subnets the protocol buys on every block (HEAD rules, {SNAPSHOT_DATE} state), of the "
                      f"{len(b)} of {n_subnets} subnets that have an EMA price (a subnet without one receives no "
                      "emission)"),
         "value": f"{len(buying)} of {len(b)}", "computed by": "seed_other.protocol_buys_at_head()"},
        {"quantity": "protocol buying per day, all subnets (TAO)", "value": round(float(b["buy_tao_per_day"].sum()), 1),
         "computed by": "Σ coinbase.subnet_terms(…).excess_tao × 7 200"},
        {"quantity": "… as a share of the day's TAO emission", "value": f"{b['buy_tao_per_day'].sum() / day_tao:.1%}",
         "computed by": "÷ (emission.block_emission(I₁) × 7 200)"},
        {"quantity": f"largest daily price rise from protocol buys alone ({top['name']})",
         "value": f"{top['price_rise_per_day']:+.3%}",
         "computed by": "amm.pool_for('head', …).buy_alpha(day's excess)"},
    ])


def _demand_check(ev: pd.DataFrame) -> bool:
    v = ev["value"].tolist()
    n_buying = int(str(v[2]).split()[0])
    return v[0] != "none" and v[1] != "none" and n_buying > 0 and float(str(v[5]).rstrip("%")) > 0


# ---------------------------------------------------------------------------------------------
# Claims decided here
# ---------------------------------------------------------------------------------------------
_HERE = "Claims checked (appendix)"

_J_LIMIT = ("実際、暗号コミュニティではBittensorが分散型OpenAIになる可能性は広く信じられていましたが、サブネット制"
            "限を撤廃し、"
            "競争力を高めるためにdTAO(サブネットトークンも含む)を導入したことで混乱が生じました。")
_J_OWN_POOL = ("各マイニングサブネットには、独自のアルファ(α)トークンと独自の自動マーケットメーカー(AMM)プールが割"
               "り当てられました。"
               "これにより、各サブネットは独立した資本主導型経済を構築できるようになりました。")
_J_RESUMED = "数か月の中断を経て、新規サブネット登録の受付を再開しました。"
_J_MINING = ("これは、現在、マイニングエコシステム内で最高の収益をめぐる熾烈な競争が繰り広げられていることを意味し"
             "ます。"
             "ほとんどのマイナーは、最もパフォーマンスの高いサブネットでのマイニングに固執し、上位のサブネットでマ"
             "イニングを行うと、"
             "そのサブネットトークンの価格もそれに応じて上昇します。"
             "発行量の増加に伴うマイニング需要の増加は、常にサブネットトークンの価格上昇につながります。")
_J_DEMAND = ("どのサブネットトークンが需要を引き付けるかを知りたい場合は、サブネットトークンの価格がTAOに対してどの"
             "ように上昇しているかを"
             "追跡する必要があります。異なる期間にわたって価格上昇率が大きいほど、需要が高いことを意味します。")
_J_TOP = "現在、発行量が最も多いサブネットトークンには、Chutes、Ridges、Gradientなどがあります。"
_J_CHUTES = "これは、発行量でトップのサブネットであるChutesを運営するRayon Labsによって構築されました。"

register(Claim(
    id="seed-subnet-limit",
    chapter=_HERE,
    english="Bittensor removed the subnet limit and introduced dTAO, with subnet tokens, to increase competition.",
    japanese=_J_LIMIT,
    verdict="outdated",
    explanation=(
        "True when dTAO launched, no longer true. Before dTAO, registering at the limit pruned the subnet with "
        "the lowest emission (spec §2). The dTAO release (v2.0.0, February 2025) introduced subnet tokens and "
        "its subnet registration no longer read the limit at all: from v2.0.0 to v3.2.7 there was no cap on the "
        "number of subnets and no pruning, and the number of subnets grew through 2025.\n\n"
        "The limit came back with v3.2.8 (tag of 24 September 2025; the migration setting it to 128 was "
        "committed in August 2025): registering at 128 subnets now prunes the one with the lowest EMA price "
        "outside its immunity (spec §6.3). In the April-2026 snapshot every one of the 128 slots is taken."
    ),
    evidence=_subnet_limit_evidence,
    check=_subnet_limit_check,
    spec="§2, §6.3, §9",
    holds_for=("outdated: true from v2.0.0 to v3.2.7 (Feb – Sep 2025), a 128-subnet limit since v3.2.8 and at HEAD "
               "(spec 459)"),
))

register(Claim(
    id="seed-own-alpha-pool",
    chapter=_HERE,
    english=("Each mining subnet was given its own alpha (α) token and its own AMM pool, so that each subnet can "
             "build an independent, capital-driven economy."),
    japanese=_J_OWN_POOL,
    verdict="true",
    explanation=(
        "Since the dTAO launch (v2.0.0, 13 February 2025) every subnet except root has its own alpha token and a "
        "pool of TAO and alpha that prices it (spec §3, §4). Before dTAO there were no subnet pools at all. The "
        "snapshot of April 2026 shows every non-root subnet with an alpha token and a funded pool. Whether that "
        "makes an \"independent economy\" is a judgement; the token and the pool are facts of the chain."
    ),
    evidence=_own_pool_evidence,
    check=_own_pool_check,
    spec="§3, §4, §9",
    holds_for="v2.0.0 → HEAD (spec 459)",
))

register(Claim(
    id="seed-registration-resumed",
    chapter=_HERE,
    english="After a pause of several months, new subnet registrations are being accepted again.",
    japanese=_J_RESUMED,
    verdict="true",
    explanation=(
        "Between the dTAO launch and September 2025 the chain had no way to free a slot (pruning was disabled "
        "from v2.0.0 to v3.2.7), so once the subnets reached the limit nobody could register a new one. Release "
        "v3.2.8 (tag 24 September 2025; the public docs say it was deployed on 16 September) turned pruning back "
        "on and set a start block for registrations one week later. The lock price quoted then was 2 000 TAO, "
        "twice the migration's last lock of 1 000 TAO (spec §6.1). The autumn-2025 emission data agree: the "
        "number of subnets receiving emission grows over the weeks that follow.\n\n"
        "The code shows when registrations reopened, not when they stopped, so the length of the pause "
        "(\"several months\") is not checked here."
    ),
    evidence=_registration_evidence,
    check=_registration_check,
    spec="§6.1, §6.3, §9",
    holds_for="September 2025 (v3.2.8)",
))

register(Claim(
    id="seed-mining-raises-price",
    chapter=_HERE,
    english=("Miners compete for the best returns and crowd into the top subnets, and mining on a top subnet raises "
             "its token price accordingly: more mining demand, as emission grows, always leads to a higher price."),
    japanese=_J_MINING,
    verdict="false",
    explanation=(
        "On chain, a subnet's price moves only when someone swaps with its pool. Mining is not a swap: miners "
        "are paid in alpha, which adds to the alpha outside the pool, and a miner who sells it to pay for "
        "hardware pushes the price down. The only way mining demand itself buys alpha is the burn paid to "
        "register a UID, which the chain swaps into the pool for alpha and removes (spec §3.2, a buy-back).\n\n"
        "For Chutes on 11 April 2026 the table compares the two: selling one day of miners' alpha lowers the "
        "price far more than a registration's buy-back raises it. Offsetting it would take far more "
        "registrations per day than the subnet has UIDs. Mining demand can lift a price only indirectly, when "
        "it attracts stakers. So \"always\" does not hold.\n\n"
        "Since spec 435 (July 2026) part of a miner's registration price can be kept as locked stake "
        "(collateral) instead of burned [V]; the whole price is still swapped into the pool in one purchase, "
        "so the buy-back's effect on the price is the same."
    ),
    evidence=_mining_evidence,
    check=_mining_check,
    spec="§3.2, §3.5, §4",
    holds_for="v2.0.0 → HEAD (spec 459; miner collateral since spec 435 does not change it)",
))

register(Claim(
    id="seed-price-rise-demand",
    chapter=_HERE,
    english=("To see which subnet tokens attract demand, follow how their price rises against TAO: the faster the "
             "rise over a period, the higher the demand."),
    japanese=_J_DEMAND,
    verdict="partly true",
    explanation=(
        "A subnet's price rises only when TAO enters its pool through a purchase of alpha, so a rising price "
        "does mean someone is buying. Emission alone does not move it: each block's injection adds TAO and "
        "alpha at the current price (spec §3.4). But stakers are not the only buyers. Since July 2025 "
        "(v3.2.3) the protocol itself buys alpha whenever a subnet's TAO emission would inject more alpha than "
        "the cap allows: the excess TAO is swapped into the pool (spec §3.4).\n\n"
        "How big is that? The table applies HEAD's rules to the pools of April 2026. The protocol then buys on "
        "most subnets every block, and on the subnets where it matters most its buying alone lifts the price "
        "by a fraction of a percent a day, several percent a month, with no staker involved. A rising price "
        "is therefore a sign of demand only after the protocol's own buying is taken out.\n\n"
        "The table uses the HEAD rules (spec 459): EMA-price shares through the emission gate with a rank-32 "
        "bar. The gate moves TAO from the small subnets to the large ones, so the protocol's buying "
        "concentrates on the subnets above the bar; a chain buy that fails now refunds its TAO instead of "
        "leaving it stranded (July 2026 [P], in code [V])."
    ),
    evidence=_demand_evidence,
    check=_demand_check,
    spec="§3.2, §3.4, §4",
    holds_for="v3.2.3 → HEAD (spec 459), when the protocol buys alpha",
))

register(Claim(
    id="seed-top-emission-subnets",
    chapter=_HERE,
    english="The subnet tokens with the most emission today include Chutes, Ridges and Gradients.",
    japanese=_J_TOP,
    verdict="true",
    explanation=(
        "The article is from autumn 2025. The daily captures of every subnet's TAO emission from 14 September "
        "to 27 October 2025 confirm it: Chutes (netuid 64) had the most emission on every day, Ridges (62) was "
        "always in the top few, and Gradients (56) was sixth every day, behind subnets the article does not "
        "name.\n\n"
        "The captures record netuids only, so the names come from the April-2026 snapshot. A netuid can change "
        "hands when a subnet is deregistered; in April 2026 these three still carry the names and repositories "
        "of the projects the article names (chutesai, ridgesai, gradients-ai), so we take them to be the same "
        "subnets."
    ),
    evidence=_top_emission_evidence,
    check=_top_emission_check,
    spec="§3.2",
    holds_for="autumn 2025 (daily data 14 Sep – 27 Oct 2025)",
))

register(Claim(
    id="seed-chutes-top-emission",
    chapter=_HERE,
    english="Gradients was built by Rayon Labs, which runs Chutes, the top subnet by emission.",
    japanese=_J_CHUTES,
    verdict="partly true",
    explanation=(
        "The on-chain part is right: Chutes had the largest TAO emission of all subnets on every day of the "
        "autumn-2025 data, with a clear lead over the second. Who runs a subnet is not recorded on chain (the "
        "chain knows owner keys, not companies), so \"built by Rayon Labs\" is outside what the book can check. "
        "Only half of the sentence can be decided, and that half holds: partly true."
    ),
    evidence=_chutes_top_evidence,
    check=lambda ev: ev["value"].iloc[0] == ev["value"].iloc[1],
    spec="§3.2",
    holds_for="autumn 2025 (daily data 14 Sep – 27 Oct 2025)",
))


# ---------------------------------------------------------------------------------------------
# Statements no on-chain mechanism decides
# ---------------------------------------------------------------------------------------------
def _no_onchain_evidence(what: str) -> pd.DataFrame:
    return pd.DataFrame([{"quantity": f"on-chain state that records {what}", "value": "none",
                          "computed by": "— (not an on-chain mechanism)"}])


def _out_of_scope(claim_id: str, english: str, japanese: str, reason: str, what: str) -> None:
    register(Claim(
        id=claim_id, chapter=_HERE, english=english, japanese=japanese, verdict="out of scope",
        explanation=reason, evidence=lambda: _no_onchain_evidence(what),
        check=lambda ev: ev["value"].iloc[0] == "none",
    ))


_OUT: tuple[tuple[str, str, str, str, str], ...] = (
    ("seed-intro",
     "This article explains why Bittensor is a decentralised AI economy rather than a decentralised OpenAI, how "
     "dTAO reshapes incentive design, how the subnet economy works, and why TAO stands for cultural resistance "
     "to centralised AI.",
     "この記事では Bittensor を詳しく調べ、なぜそれが分散型 OpenAI ではなく分散型 AI エコノミーなのかを説明します。"
     "また、dTAO がインセンティブ メカニズムの設計をどのように作り変えるのか、サブネット エコノミーがどのように機能"
     "するのか、"
     "そして TAO が集中型 AI に対する文化的抵抗をなぜ表しているのかについても説明します。",
     "The article's outline. The mechanism parts (incentive design, the subnet economy) are checked claim by "
     "claim below; \"cultural resistance\" is a view, not a mechanism.",
     "what the article is about"),
    ("seed-decentralised-openai",
     "Many wonder what Bittensor is trying to achieve: a decentralised OpenAI, or something deeper?",
     "Bittensorが何を実現しようとしているのか、疑問に思う人も多いでしょう。"
     "分散型OpenAIの実現を目指しているのでしょうか、それとももっと深い何かが関わっているのでしょうか?",
     "A question about aims, not a statement about the chain.",
     "the project's aims"),
    ("seed-dtao-changed-mechanism",
     "The introduction of dynamic TAO (dTAO) fundamentally changed how the ecosystem operates.",
     "動的TAO(dTAO)の導入により、エコシステムの運用メカニズムが根本的に変化しました。",
     "A summary sentence: what changed is checked in the claims that follow it (emission by market price, "
     "subnet pools, staking as buying alpha, the 41/41/18 split).",
     "a summary judgement"),
    ("seed-tam",
     "Bittensor competes with centralised AI platforms and targets a market of trillions of dollars across the "
     "whole AI value chain; if it succeeds its addressable market (TAM) will far exceed any single AI company's.",
     "現在、Bittensorは中央集権型のAI開発・配信プラットフォームと競合し、開発者に様々な業界にわたる多様なAIユースケ"
     "ースを"
     "構築するためのインフラを提供しています。これは、Bittensorの潜在的市場規模(TAM)を理解する上で非常に重要です。"
     "OpenAIなどの企業が、サブスクリプションやAPIアクセスといった完成済みAI製品を販売し、数十億ドル規模の直接市場で"
     "競争しているのに対し、Bittensorはコンピューティングインフラ、データ検証、モデルトレーニング、"
     "ピアレビュー済みインテリジェンスレイヤーを含む、AIバリューチェーン全体を対象とした数兆ドル規模の市場をターゲ"
     "ットとしています。",
     "Market size and competition are outside the chain; nothing in subtensor's state measures them.",
     "market size"),
    ("seed-vision",
     "If it succeeds, Bittensor will be the permissionless base layer of decentralised AI, a coordination engine "
     "that funds compute and rewards quality, a value chain anyone can join with capital, knowledge or compute.",
     "成功すれば、あらゆる分散型AIのための基盤となるパーミッションレスなプラットフォームであるBittensorは、"
     "単独のプロプライエタリAI企業のTAMをはるかに上回る規模を獲得するでしょう。"
     "Bittensorは多様なAIモデルの開発と展開に取り組んでおり、分散型AIエコシステムのためのコーディネーションエンジンを"
     "構築すると同時に、多様なユースケースにおける分散型AIプロジェクト全体において、最高レベルの品質、効率性、"
     "そして信頼性の高い成果を達成するための資金とコンピューティングリソースの提供を奨励しています。"
     "これは、誰もが資本、知識、そしてコンピューティングパワーを持って参加できる分散型AIバリューチェーンの構築に似"
     "ています。",
     "A forecast and a vision. That registration is permissionless (anyone who pays the burn or the lock can "
     "join) is a fact of the chain, covered in the chapters on Yuma and ADR; the rest is not decidable.",
     "a forecast"),
    ("seed-for-everyone",
     "Bittensor is for everyone, not only the 0.000001% of the world who can join OpenAI.",
     "Bittensor は、OpenAI に参加できる世界の 0.000001% の人々だけではなく、すべての人のためのものです。",
     "A statement of values.",
     "a statement of values"),
    ("seed-community",
     "Bittensor's vision is a neural internet; over four years it has built a loyal community of top VCs such "
     "as DCG, researchers such as Sami Kasab, and many others who make content, podcasts and products.",
     "Bittensorのビジョンは、ニューラルインターネットの構築です。"
     "過去4年間、BittensorはDCGのようなトップVC、Sami Kasabのような暗号研究者、そしてこのビジョンの推進に日々尽力する"
     "多くの才能ある人々からなる忠実なコミュニティを築き上げてきました。"
     "彼らはコンテンツ制作、ポッドキャストの配信、製品開発を行い、ムーブメントを起こしています。",
     "Facts about people and investors are off-chain.",
     "investors or community members"),
    ("seed-grayscale",
     "Grayscale, founded in 2013 by Barry Silbert, is launching a fund for subnet tokens, the \"Yuma Subnet "
     "Composite Fund\", which invests in the subnet tokens with the largest market caps.",
     "グレイスケールは、ビットコインの黎明期のパイオニアの一人であるバリー・シルバート氏によって2013年に設立され、"
     "機関投資家をビットコインに呼び込むことを目指していました。"
     "現在、グレイスケールはサブネットトークン向けに同様のファンドを立ち上げています。"
     "「ユマ・サブネット・コンポジット・ファンド」と呼ばれるこのファンドは、時価総額上位のサブネットトークンに投資"
     "します。",
     "A fund is an off-chain product. (The name \"Yuma\" here is the fund's, not Yuma consensus.) Subnet market "
     "caps themselves are on chain: see the snapshot in the chapter on ADR.",
     "off-chain funds"),
    ("seed-overlooked",
     "Subnet tokens are among the most overlooked assets on crypto Twitter; 99% of users know nothing about them.",
     "サブネット トークンは現在、暗号資産 Twitter で最も見過ごされている資産の 1 つです。"
     "ユーザーの 99% はこの領域についてまったく認識していません。",
     "A statement about public attention, not about the chain.",
     "public attention"),
    ("seed-miner-behaviour",
     "More emission brings more miners who host models and provide compute; they compete, outputs improve and "
     "the price rises; more precisely, better service raises staking demand and the price, which guarantees "
     "output quality across subnets.",
     "発行量が増えると、より多くのマイナーが AI モデルをホストおよび実行し、コンピューティング リソースを提供します。"
     "マイナーはサブネット モデルの出力を最適化するために競争し、結果が向上すると価格が上昇します。"
     "より正確には、サービスが向上するとステーキングの需要が高まり、価格が上昇し、"
     "さまざまなサブネットでさまざまなユース ケースで使用される AI モデルの全体的な出力品質が保証されます。",
     "How miners and stakers respond to emission is behaviour, not a rule of the chain. The mechanical steps "
     "are checked elsewhere: that staking raises the price in the chapter on AMM pools, that mining by itself "
     "does not in the claim seed-mining-raises-price, and how validators score quality in the chapter on Yuma.",
     "the quality of miners' output"),
    ("seed-early-demand",
     "Early demand to mine a subnet often comes from speculation about its use case, team, track record and "
     "backing by large companies.",
     "あるサブネットでのマイニングに対する初期の需要は、そのサブネットが構築しているユースケース、その背後にあるチ"
     "ーム、"
     "実績、そして大企業の支援に関する憶測から生まれることがよくあります。",
     "Why people choose a subnet is not recorded on chain.",
     "miners' motives"),
    ("seed-vc-backing",
     "Some of these subnets are backed by venture capital; for example, Gradients is building an AI training "
     "platform.",
     "これらのサブネットの中には、ベンチャーキャピタルの支援を受けているものもあります。"
     "例えば、GradientはAI Trainsプラットフォームを構築しています。",
     "Funding and products are off-chain facts.",
     "funding or products"),
    ("seed-ecosystem",
     "Many of these subnets trade services with each other (Ridges is a client of Chutes; Sportstensor builds "
     "sports-prediction models; OpenKaito powers Kaito's InfoFi); Taofi launched a DEX to bridge and swap subnet "
     "tokens from Base.",
     "これらのサブネットの多くは、相互に連携してサービスを交換しています。"
     "例えば、RidgesはChutesのクライアントであり、Sportstensorはスポーツベッティングと予測のためのAIモデルを構築し"
     "ています。"
     "また、KaitoのInfoFi Pioneerを支えるOpenKaitoのようなサブネットもあります。"
     "TaofiもBittensorの一部です。"
     "彼らは、Baseネットワークからサブネットトークンを簡単にブリッジして交換できるDEXを立ち上げました。",
     "Business relations between subnets and bridges to other chains are outside subtensor.",
     "business relations"),
    ("seed-value-from-emission",
     "A subnet token's value depends on how long it can keep high emission; with high emission and revenue from "
     "products, its price may keep rising, and the growth of subnet market caps will directly drive TAO's price.",
     "したがって、サブネットトークンの価値は、高い発行量をどれだけ長く維持できるかに大きく左右されます。"
     "高い発行量を維持し、サブネット周辺の企業が提供するサービスや製品から収益を上げれば、"
     "サブネットトークンの価格は上昇し続ける可能性があります。"
     "サブネット周辺の時価総額全体の成長は、TAOの価格上昇を直接的に促進するでしょう。",
     "Valuation and TAO's dollar price are outside the chain. The on-chain link between price and emission "
     "runs the other way round, from price to emission share: see the chapter on emission shares.",
     "valuations or TAO's dollar price"),
    ("seed-advice",
     "Stay away from what you do not understand; subnet tokens need deeper understanding than ordinary altcoins; "
     "if you share the vision, invest in TAO, a cultural symbol against the centralisation of AI.",
     "ただし、理解できないものには近づかないことをお勧めします。"
     "サブネットトークンは、一般的なアルトコインやジャンクコインとは異なり、より深い論理的理解が求められます。"
     "そのため、彼らのビジョンに共感できるなら、TAOに投資することをお勧めします。"
     "TAOは取引されるものではなく、AIの中央集権化に反対する文化的シンボルです。",
     "Investment advice. This book gives none; it shows how the mechanisms work.",
     "advice"),
    ("seed-closing",
     "The question is not whether decentralised AI will exist but who will own it; Bittensor has made its "
     "choice and others will follow.",
     "問題は、分散型AIが存在するかどうかではなく、誰がそれを所有するかだ。"
     "Bittensorはすでに選択をしており、他の企業も同様の選択をするだろう。",
     "A closing opinion.",
     "an opinion"),
)

for _cid, _en, _ja, _why, _what in _OUT:
    _out_of_scope(_cid, _en, _ja, _why, _what)


# ---------------------------------------------------------------------------------------------
# The whole article, in order
# ---------------------------------------------------------------------------------------------
_HERE_PAGE = "chapters/appendix_claims"
_OUT_TEXT = {cid: (en, ja) for cid, en, ja, _, _ in _OUT}


def _here(claim_id: str) -> ArticleEntry:
    """An entry decided by a claim of this module (its text is the claim's)."""
    if claim_id in _OUT_TEXT:
        en, ja = _OUT_TEXT[claim_id]
    else:
        c = CLAIMS[claim_id]
        en, ja = c.english, c.japanese
    return ArticleEntry(ja, en, (Decider(claim_id, _HERE_PAGE),))


def _d(claim_id: str, page: str, *aliases: str) -> Decider:
    return Decider(claim_id, f"chapters/{page}", aliases)


_OLIGARCHY = _d("root-oligarchic-vote", "root_network", "root-oligarchy", "root-oligarchic-voting")
_MARKET_PRICE = _d("dtao-allocation-market-price", "dynamic_tao", "dtao-market-price-allocation",
                   "dtao-emission-market-price", "shares-allocation-market-price")
_J_5050 = ("以前はマイナーとバリデータの間で固定的に50/50の報酬配分でしたが、現在は41/41/18に分割され、"
           "サブネット所有者(18%)への資金提供を強化し、"
           "サブネットの中核となるインセンティブメカニズムの継続的なイノベーションを促進しています。")

ARTICLE: tuple[ArticleEntry, ...] = (
    _here("seed-intro"),
    _here("seed-decentralised-openai"),
    _here("seed-subnet-limit"),
    ArticleEntry(
        "この変化は、ネットワークの報酬分配を少数のバリデータによる中央集権的な投票から、"
        "完全に市場主導のシステムへと移行させたため、非常に重要でした。",
        "This change mattered because it moved the network's reward distribution from a centralised vote of a few "
        "validators to a fully market-driven system.",
        (_OLIGARCHY, _MARKET_PRICE),
    ),
    _here("seed-dtao-changed-mechanism"),
    ArticleEntry(
        "毎日のTAO発行の割り当ては、ルートバリデータ(サブネット0、批評家はこれを寡頭制投票システムと呼んだ)から"
        "各サブネットのアルファトークンの市場価格へと完全に移行しました。",
        "The allocation of daily TAO emission moved entirely from the root validators (subnet 0, which critics "
        "called an oligarchic voting system) to the market price of each subnet's alpha token.",
        (_OLIGARCHY, _MARKET_PRICE),
    ),
    _here("seed-own-alpha-pool"),
    ArticleEntry(
        "ステーキングは、TAOを単一のバリデータに委任する(サブネット0のステーキング)ことから、"
        "サブネット固有のアルファトークン(α)を購入してステーキングすることに移行しました。"
        "ステーキング者は市場リスクを負うことになりますが、リソースの割り当てに直接影響を与えることができます。",
        "Staking moved from delegating TAO to a single validator (staking on subnet 0) to buying and staking a "
        "subnet's own alpha token. Stakers now bear market risk, but they directly influence how resources are "
        "allocated.",
        (_d("amm-staking-market-risk", "amm", "amm-staking-is-buying", "amm-market-risk"),),
    ),
    ArticleEntry(
        _J_5050,
        "Rewards used to be split 50/50 between miners and validators; now they are split 41/41/18, giving the "
        "subnet owner 18 % to fund continued innovation in the subnet's incentive mechanism.",
        (_d("root-fixed-5050-split", "root_network", "fixed-50-50-split", "root-5050-split", "yuma-fixed-5050-split"),
         _d("dtao-41-41-18", "dynamic_tao", "dtao-41-41-18-split", "dtao-owner-18")),
    ),
    _here("seed-tam"),
    _here("seed-vision"),
    _here("seed-for-everyone"),
    _here("seed-community"),
    ArticleEntry(
        "また、Bittensorはサブネットエコシステムも構築しており、現在約126のサブネットがアクティブです。",
        "Bittensor has also built a subnet ecosystem: about 126 subnets are active today.",
        (_d("adr-126-subnets", "adr", "adr-126-active-subnets"),),
    ),
    ArticleEntry(
        "現在のサブネット1つのコストは約1,600 TAO(64万ドル)で、"
        "このコストは動的であり、新規サブネット登録の頻度に応じて変動します。",
        "A subnet currently costs about 1,600 TAO ($640k); the cost is dynamic and varies with how often new "
        "subnets register.",
        (_d("adr-subnet-cost-1600", "adr", "adr-subnet-cost", "adr-lock-cost-1600"),),
    ),
    _here("seed-registration-resumed"),
    _here("seed-grayscale"),
    _here("seed-overlooked"),
    ArticleEntry(
        "サブネット トークンの価格の背後にあるコア概念は、単純にペッグされているのではなく、TAO 建てであり、"
        "自動マーケット メーカー (AMM) プールの流動性比率によって決定されるというものです。",
        "The core idea behind a subnet token's price is that it is not simply pegged: it is denominated in TAO and "
        "set by the liquidity ratio of its automated market maker (AMM) pool.",
        (_d("amm-price-liquidity-ratio", "amm", "amm-price-is-reserve-ratio", "amm-liquidity-ratio"),),
    ),
    ArticleEntry(
        "TAO に対するサブネット トークンの価値が高いほど、発行量が多くなります。",
        "The higher a subnet token's value against TAO, the more emission it receives.",
        (_d("shares-higher-value-more-emission", "emission_shares", "shares-price-more-emission",
            "shares-higher-price-more-emission"),),
    ),
    _here("seed-miner-behaviour"),
    ArticleEntry(
        "バリデーターは、マイナーが品質を維持できるようにします。"
        "彼らの仕事は、マイナーの作業を検証し、スコアを割り当てることです。"
        "このスコアに基づいて、マイナーはサブネットから発行を受け取ります。",
        "Validators make sure miners keep up quality: they verify the miners' work and assign scores, and miners "
        "receive the subnet's emission according to those scores.",
        (_d("yuma-score-pays-miners", "yuma", "validators-score-miners", "yuma-scores-pay-miners",
            "yuma-validators-score-miners"),),
    ),
    ArticleEntry(
        "1日あたり約7,200のTAOが発行されており、この数は今後2ヶ月で半減し、12月には最初のBittensor半減期イベントが開催されます。",
        "About 7,200 TAO are issued per day; this will halve within two months, at Bittensor's first halving in "
        "December.",
        (_d("daily-emission-7200", "halvings", "halvings-daily-emission-7200"),),
    ),
    _here("seed-mining-raises-price"),
    _here("seed-early-demand"),
    _here("seed-top-emission-subnets"),
    _here("seed-vc-backing"),
    _here("seed-chutes-top-emission"),
    _here("seed-ecosystem"),
    _here("seed-price-rise-demand"),
    ArticleEntry(
        "次に、ADR(アルファ分配率)を確認する必要があります。"
        "トークンの引き出しが許可されているため、ADRは1未満である必要があります。",
        "Next, check the ADR (alpha distribution ratio): because tokens can be withdrawn, the ADR should be below 1.",
        (_d("adr-below-one", "adr", "adr-should-be-below-one", "adr-below-1"),),
    ),
    ArticleEntry(
        "パフォーマンスの最も低いサブネットは毎週引き出されます。",
        "The worst-performing subnet is withdrawn every week.",
        (_d("adr-weekly-withdrawal", "adr", "adr-weekly-deregistration"),),
    ),
    ArticleEntry(
        "ADR比率が1を超える場合、引き出し時の清算割引により、"
        "コミュニティはそのトークンを取得するためにステークしたTAO担保の価値の一部を失う可能性があります。",
        "If the ADR is above 1, the liquidation discount at withdrawal can cost the community part of the value of "
        "the TAO it staked to acquire the token.",
        (_d("adr-liquidation-discount", "adr", "adr-haircut"),),
    ),
    ArticleEntry(
        "異なるサブネットのステーキングプールを追跡することもできます。"
        "サブネットトークンを取得するためにステーキングされるTAOが増えるほど、価格が上昇する可能性が高くなります。",
        "You can also follow the staking pools of different subnets: the more TAO is staked to acquire a subnet "
        "token, the more likely its price rises.",
        (_d("amm-more-stake-price-rises", "amm", "amm-stake-raises-price"),),
    ),
    _here("seed-value-from-emission"),
    _here("seed-advice"),
    _here("seed-closing"),
)
"""Every statement of the article, in order. Headings and the byline are left out."""
