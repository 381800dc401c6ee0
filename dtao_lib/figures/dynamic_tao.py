"""Figures for the chapter "Dynamic TAO — every subnet a market" (spec §3.1, §3.4–§3.6, §9).

Every number comes from :mod:`dtao_lib.coinbase` (shares, injection, the α_out split, dividends),
:mod:`dtao_lib.amm` (the pool a chain buy trades with) and the 2026-04-11 snapshot
(:mod:`dtao_lib.data`). This module arranges them per block and per era and draws them.

Conventions
-----------
* A subnet's block is described by its share of the block emission ``share`` (a fraction), its spot
  price ``p`` (TAO per alpha), its alpha issuance, the TAO staked on root and the root-sell flag.
  The share is an *input* here; the next chapter (emission shares) explains how each era computes it.
* "Value" means TAO, with alpha counted at the spot price ``p``: it puts TAO and alpha flows on one
  axis. Raw amounts (rao, alpha) are in the tooltips and tables.
* The injection eras of spec §3.4 are :data:`INJECTION_ERAS`, each with the block emission of its
  time (1 TAO before the first halving in mid-December 2025, 0.5 TAO after).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import amm, coinbase, emission
from .._validate import (
    check_array,
    check_bool,
    check_choice,
    check_fraction,
    check_frame,
    check_int,
    check_int_array,
    check_real,
)
from ..data import load_subnet_snapshot
from ..interactive import Figure, live_panel
from ..params import RAO_PER_TAO, TAO_WEIGHT, TEMPO, TOTAL_SUPPLY_RAO
from ..params import era as _era
from ._fast import templated
from ._live import LiveChart
from ._style import HEIGHT, ROLE_COLORS, WIDTH, dropdown, slider

__all__ = [
    "HEAD_STEPS",
    "INJECTION_ERAS",
    "PARTS",
    "SNAPSHOT_COLUMNS",
    "SNAPSHOT_DATE",
    "HeadBlock",
    "InjectionEra",
    "SubnetExample",
    "alpha_split_chart",
    "alpha_split_explorer",
    "alpha_split_grid",
    "collateral_example",
    "dividend_example",
    "era_block_emission",
    "head_block",
    "head_block_with",
    "head_pipeline",
    "head_pipeline_explorer",
    "head_pipeline_frame",
    "injection_table",
    "network_block",
    "one_block",
    "one_block_grid",
    "root_proportions",
    "snapshot_block_state",
    "split_table",
    "subnet_example",
    "where_the_tao_goes",
]

SNAPSHOT_DATE = "2026-04-11"
"""Date of the shipped subnet snapshot (:func:`dtao_lib.data.load_subnet_snapshot`)."""

T1_RAO = emission.halving_threshold_rao(1)
"""Issuance at the first halving (10.5 M TAO)."""


@dataclass(frozen=True)
class InjectionEra:
    """One row of the injection table of spec §3.4, with the block emission of its time."""

    tag: str
    label: str
    rule: str
    halved: bool

    @property
    def block_emission_rao(self) -> int:
        """``E``: 1 TAO before the first halving (mid-December 2025), 0.5 TAO after (spec §1)."""
        return emission.block_emission(T1_RAO if self.halved else T1_RAO - 1)


INJECTION_ERAS: tuple[InjectionEra, ...] = (
    InjectionEra("v2.0.0", "Feb 2025 · launch", "τ_in = τ, α_in = min(τ/p, α_e)", False),
    InjectionEra("v3.2.3", "Jul 2025 · subsidy", "if p < share: τ_in = p·E, α_in = α_e, rest buys alpha", False),
    InjectionEra("v3.2.12", "Nov 2025 · cap α_e", "α_in ≤ α_e, τ_in = α_in·p, rest buys alpha (recycled)", False),
    InjectionEra("v3.3.1", "Dec 2025 · cap min(α_e, E)", "α_in ≤ min(α_e, E), rest buys alpha", True),
    InjectionEra("head", "Jun 2026 · cap root_prop·α_e", "α_in ≤ root_prop·α_e, rest buys protocol alpha", True),
)
"""The five injection rules of spec §3.4 (first release of each), in order. ``v3.3.1`` is shown
after the halving (E = 0.5 TAO) because its cap only differs from ``v3.2.12``'s once E < α_e."""

PARTS: tuple[tuple[str, str, str], ...] = (
    ("tao_in", "τ_in → pool", ROLE_COLORS["pool (τ_in)"]),
    ("excess_tao", "chain buy TAO → pool", ROLE_COLORS["chain buy"]),
    ("recycled_tao", "unspent TAO (recycled)", ROLE_COLORS["recycled"]),
    ("alpha_in", "α_in → pool", "#5d6d7e"),
    ("bought_alpha", "alpha bought by the chain", "#e6b0aa"),
    ("owner", "owner", ROLE_COLORS["owner"]),
    ("server", "miners", ROLE_COLORS["miners"]),
    ("validator", "validators (alpha stake)", ROLE_COLORS["validators"]),
    ("root", "root stakers", ROLE_COLORS["root stakers"]),
    ("root_recycled", "root alpha recycled", "#bdc3c7"),
)
"""Every flow of one block: (column, label, colour)."""

_ROWS = {
    "tao_in": "1 · TAO emitted to the subnet (τ)", "excess_tao": "1 · TAO emitted to the subnet (τ)",
    "recycled_tao": "1 · TAO emitted to the subnet (τ)",
    "alpha_in": "2 · alpha minted into the pool (α_in)",
    "bought_alpha": "3 · alpha the chain buy takes out",
    "owner": "4 · alpha emitted to participants (α_out)", "server": "4 · alpha emitted to participants (α_out)",
    "validator": "4 · alpha emitted to participants (α_out)", "root": "4 · alpha emitted to participants (α_out)",
    "root_recycled": "4 · alpha emitted to participants (α_out)",
}
_TOKEN = {"tao_in": "TAO", "excess_tao": "TAO", "recycled_tao": "TAO"}

SNAPSHOT_COLUMNS: tuple[str, ...] = ("netuid", "name", "price_tao_per_alpha", "moving_price_tao_per_alpha",
                                     "total_alpha_alpha", "tao_in_tao", "alpha_in_alpha")
"""Columns of :func:`dtao_lib.data.load_subnet_snapshot` that the ``snapshot=`` parameters here read."""

_MAX_E_RAO = RAO_PER_TAO
"""Upper bound of ``block_emission_rao``: 1 TAO per block, the block emission before the first halving (spec §1)."""


_MAX_SNAPSHOT_AMOUNT = TOTAL_SUPPLY_RAO / RAO_PER_TAO
"""Upper bound of a snapshot's reserves and issuance (TAO or alpha): the 21 million supply cap (u64 rao)."""
_MAX_SNAPSHOT_PRICE = 1e6
"""Upper bound of a snapshot's prices (TAO per alpha): the swap pallet's max_price."""


def _check_snapshot(snapshot: Any) -> pd.DataFrame:
    """The shipped snapshot if ``snapshot`` is None, else ``snapshot`` checked to hold :data:`SNAPSHOT_COLUMNS`
    with whole netuids in [0, 65 535], prices in [0, 10⁶] TAO per alpha (the moving price may be NaN: a subnet
    registered since the last update) and reserves and issuance in [0, 21·10⁶] (finite: a chain amount is a u64 of
    rao)."""
    if snapshot is None:
        return load_subnet_snapshot()
    df = check_frame("snapshot", snapshot, SNAPSHOT_COLUMNS)
    check_int_array("snapshot['netuid']", df["netuid"].to_numpy(), lo=0, hi=65_535)
    check_array("snapshot['price_tao_per_alpha']", df["price_tao_per_alpha"].to_numpy(), lo=0.0,
                hi=_MAX_SNAPSHOT_PRICE)
    check_array("snapshot['moving_price_tao_per_alpha'] (NaN allowed)",
                df["moving_price_tao_per_alpha"].dropna().to_numpy(), lo=0.0, hi=_MAX_SNAPSHOT_PRICE)
    for col in ("total_alpha_alpha", "tao_in_tao", "alpha_in_alpha"):
        check_array(f"snapshot[{col!r}]", df[col].to_numpy(), lo=0.0, hi=_MAX_SNAPSHOT_AMOUNT)
    return df


def _check_e(block_emission_rao: Any) -> int | None:
    """``block_emission_rao``: None (the era's E) or an integer in [1, 1 TAO]."""
    if block_emission_rao is None:
        return None
    return check_int("block_emission_rao", block_emission_rao, lo=1, hi=_MAX_E_RAO)


def era_block_emission(era: str) -> int:
    """``E`` (rao) used for an injection era of :data:`INJECTION_ERAS`, or for any release: 1 TAO for
    releases tagged before the first halving (mid-December 2025), 0.5 TAO after (spec §1, §9)."""
    for ie in INJECTION_ERAS:
        if ie.tag == era:
            return ie.block_emission_rao
    e = _era(era)
    halving = pd.Timestamp("2025-12-15").date()
    halved = e.date is None or e.date >= halving
    return emission.block_emission(T1_RAO if halved else T1_RAO - 1)


# ---------------------------------------------------------------------------------------------
# The 2026-04-11 network as coinbase input
# ---------------------------------------------------------------------------------------------
def _rao(x: float) -> int:
    return round(float(x) * RAO_PER_TAO)


def snapshot_block_state(block_emission_rao: int | None = None, *,
                         snapshot: pd.DataFrame | None = None) -> tuple[coinbase.BlockState, np.ndarray]:
    """The 2026-04-11 network as a :class:`dtao_lib.coinbase.BlockState`, and the netuids in its order.

    Every non-root subnet, with its EMA price (``moving_price``; 0 where the snapshot has none,
    netuid 96), its reported price as spot price, its alpha issuance ``alpha_in + alpha_out`` and root's
    TAO (``tao_in`` of netuid 0) as ``T_root``. ``E`` defaults to 0.5 TAO (after the first halving).
    What the snapshot lacks: flows (so no TaoFlow shares), ``MinerBurned`` (taken as 0) and the
    balancer reservoir (so the alpha issuance is the classic ``alpha_in + alpha_out``).

    ``block_emission_rao`` is an integer in [1, 10⁹] (at most 1 TAO per block); ``snapshot`` a frame with
    :data:`SNAPSHOT_COLUMNS` (default: the shipped one).
    """
    E = _check_e(block_emission_rao)
    df = _check_snapshot(snapshot)
    sub = df[df["netuid"] != 0].sort_values("netuid")
    root = df[df["netuid"] == 0]
    if root.empty:
        raise ValueError("snapshot has no root row (netuid 0), so T_root is unknown")
    if E is None:
        E = era_block_emission("head")
    state = coinbase.BlockState(
        ema_prices=sub["moving_price_tao_per_alpha"].fillna(0.0).to_numpy(dtype=float),
        spot_prices=sub["price_tao_per_alpha"].to_numpy(dtype=float),
        alpha_issuance=np.round(sub["total_alpha_alpha"].to_numpy(dtype=float) * RAO_PER_TAO).astype(np.int64),
        root_tao=_rao(root["tao_in_tao"].iloc[0]),
        block_emission=E,
    )
    return state, sub["netuid"].to_numpy()


@dataclass(frozen=True)
class SubnetExample:
    """One subnet of the snapshot, in the units the coinbase uses (rao, TAO per alpha)."""

    netuid: int
    name: str
    spot_price: float
    ema_price: float
    alpha_issuance_rao: int
    tao_reserve_rao: int
    alpha_reserve_rao: int
    root_tao_rao: int
    sum_ema_prices: float
    root_proportion: float
    price_share: float


def subnet_example(netuid: int = 64, *, snapshot: pd.DataFrame | None = None) -> SubnetExample:
    """A subnet of the 2026-04-11 snapshot with the network quantities its block needs.

    ``sum_ema_prices`` is ``Σ p̄`` over all subnets (the root-sell flag is ``Σ p̄ > 1``),
    ``root_proportion`` is :func:`dtao_lib.coinbase.root_proportion` with γ = 0.18 and
    ``price_share`` is the subnet's EMA-price share ``p̄_i / Σ p̄`` (the rule of era A).
    """
    n = check_int("netuid", netuid, lo=1, hi=65_535)
    if snapshot is None:
        df = load_subnet_snapshot()
        return _default_subnet_example(n, df.attrs.get("source", ""), len(df))
    return _subnet_example(n, _check_snapshot(snapshot))


@lru_cache(maxsize=256)
def _default_subnet_example(netuid: int, source: str, rows: int) -> SubnetExample:
    """:func:`subnet_example` of the default snapshot file, remembered (live panels ask on every change)."""
    return _subnet_example(netuid, load_subnet_snapshot())


def _subnet_example(n: int, df: pd.DataFrame) -> SubnetExample:
    state, ids = snapshot_block_state(snapshot=df)
    if n not in set(ids.tolist()):
        raise ValueError(f"netuid must be a non-root subnet of the {SNAPSHOT_DATE} snapshot "
                         f"({int(ids.min())}–{int(ids.max())}), got {n}")
    i = int(np.flatnonzero(ids == n)[0])
    row = df[df["netuid"] == n].iloc[0]
    shares = coinbase.emission_shares(state.ema_prices, era="A")
    iss = int(state.alpha_issuance[i])
    return SubnetExample(
        netuid=n, name=str(row["name"]), spot_price=float(state.spot_prices[i]), ema_price=float(state.ema_prices[i]),
        alpha_issuance_rao=iss, tao_reserve_rao=_rao(row["tao_in_tao"]), alpha_reserve_rao=_rao(row["alpha_in_alpha"]),
        root_tao_rao=int(state.root_tao), sum_ema_prices=float(state.ema_prices.sum()),
        root_proportion=coinbase.root_proportion(TAO_WEIGHT, int(state.root_tao), iss),
        price_share=float(shares[i]),
    )


def root_proportions(*, snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each subnet's root proportion on 2026-04-11 (spec §3.4) and what it means for the validators' 41 %.

    Columns: netuid, name, alpha issuance (M α), root proportion, root stakers' and alpha stakers'
    share of the validators' part of α_out (per 1 α: :func:`dtao_lib.coinbase.split_alpha_out`).
    """
    df = _check_snapshot(snapshot)
    state, ids = snapshot_block_state(snapshot=df)
    names = df.set_index("netuid")["name"]
    rows = []
    for n, iss in zip(ids.tolist(), state.alpha_issuance.tolist(), strict=True):
        rp = coinbase.root_proportion(TAO_WEIGHT, int(state.root_tao), int(iss))
        sp = coinbase.split_alpha_out(RAO_PER_TAO, root_proportion=rp)
        vals = sp.validator + sp.root
        rows.append({"netuid": n, "name": names[n], "alpha issuance (M α)": iss / 1e15, "root proportion": rp,
                     "root stakers' part of validators' α": sp.root / vals,
                     "alpha stakers' part of validators' α": sp.validator / vals})
    return pd.DataFrame(rows)


def network_block(era: str = "head", *, block_emission_rao: int | None = None,
                  snapshot: pd.DataFrame | None = None) -> pd.DataFrame:
    """One block of the whole 2026-04-11 network under a price-share era (A, C, D and their releases).

    Runs :func:`dtao_lib.coinbase.block` on :func:`snapshot_block_state` and returns the network
    totals as a table indexed by flow: ``rao per block`` (TAO or alpha rao), ``token`` and the
    ``share of E`` of the TAO flows. This is a *counterfactual*
    for April 2026, when the live rule was TaoFlow (era B), whose flows the snapshot does not hold.
    """
    E = _check_e(block_emission_rao)
    df = _check_snapshot(snapshot)
    e = _era(era)
    if e.share_rule in ("taoflow", "net_taoflow"):
        raise ValueError(f"era must use price shares (A, C, D): {e.tag!r} uses {e.share_rule}, and the "
                         "snapshot has no flows")
    if E is None:
        E = era_block_emission(e.tag)
    state, _ = snapshot_block_state(E, snapshot=df)
    r = coinbase.block(state, era=e)
    t = r.totals()
    rows = [
        ("TAO into pools (Σ τ_in)", t["tao_in"], "TAO"),
        ("TAO spent on chain buys (Σ excess)", t["excess_tao"], "TAO"),
        ("TAO recycled (rounding)", t["recycled"], "TAO"),
        ("alpha into pools (Σ α_in)", t["alpha_in"], "alpha"),
        ("alpha emitted (Σ α_out)", t["alpha_out"], "alpha"),
        ("… to owners", t["owner"], "alpha"),
        ("… to miners", t["server"], "alpha"),
        ("… to alpha validators", t["validator"], "alpha"),
        ("… to root stakers", t["root"], "alpha"),
        ("… root alpha recycled", t["root_recycled"], "alpha"),
    ]
    out = pd.DataFrame([{"flow": f, "rao per block": int(v), "token": tok,
                         "share of E": round(v / E, 6) if tok == "TAO" else np.nan} for f, v, tok in rows])
    out = out.set_index("flow")
    out.attrs.update(era=e.tag, block_emission_rao=E, root_sell_flag=r.root_sell_flag,
                     subnets=state.n_subnets, chain_buy_subnets=int((r.excess_tao > 0).sum()),
                     tao_conserved=r.tao_conserved(), alpha_conserved=r.alpha_conserved())
    return out


# ---------------------------------------------------------------------------------------------
# One block of one subnet
# ---------------------------------------------------------------------------------------------
def one_block(
    share: float,
    price: float,
    era: str = "head",
    *,
    alpha_issuance_rao: int | None = None,
    root_tao_rao: int | None = None,
    root_sell_flag: bool = True,
    owner_cut_enabled: bool = True,
    tao_reserve_rao: int | None = None,
    block_emission_rao: int | None = None,
) -> dict[str, Any]:
    """Where one block's emission for one subnet goes (spec §3.1 steps 2–4, §3.4, §3.5).

    Parameters
    ----------
    share
        The subnet's share of the block emission, in [0, 1] (how each era computes it: next chapter).
    price
        Spot price ``p`` (TAO per alpha, in (0, 10⁶]; where the chain buys, at least
        ``tao_reserve_rao / 21·10¹⁵`` so that the pool's alpha reserve fits the supply cap).
    era
        Release or era name (default HEAD); pre-dTAO eras raise ``ValueError``.
    alpha_issuance_rao, root_tao_rao
        The subnet's alpha issuance and root's TAO, integers in [0, 21·10¹⁵] rao (the supply cap;
        default: Chutes, netuid 64, on 2026-04-11). They set ``α_e`` and the root proportion.
    root_sell_flag
        ``Σ p̄ > 1`` (true on 2026-04-11); from v3.2.12, when false, root alpha is not paid.
    owner_cut_enabled
        The per-subnet owner-cut toggle (v3.4.0+ only).
    tao_reserve_rao
        TAO in the pool that the chain buy trades with, in [1, 21·10¹⁵] rao (default: Chutes'
        2026-04-11 reserve); the alpha reserve is set to ``tao_reserve / p`` so the pool's price is ``p``.
    block_emission_rao
        ``E``, an integer in [1, 10⁹] rao; default :func:`era_block_emission`.

    Returns
    -------
    dict
        Rao amounts for every key of :data:`PARTS` plus ``tao_emission`` (τ), ``alpha_out``, ``dust``,
        ``root_proportion``, ``subsidized``, ``block_emission``, ``alpha_emission`` and the
        destinations ``bought_alpha_to`` and ``root_paid_as``. The identities
        ``tao_in + excess_tao + recycled_tao == τ`` and ``owner + server + validator + root +
        root_recycled + dust == α_out`` hold exactly.
    """
    s = check_fraction("share", share)
    p = check_real("price", price, lo=0.0, lo_open=True, hi=1e6)
    sell_flag = check_bool("root_sell_flag", root_sell_flag)
    owner_cut = check_bool("owner_cut_enabled", owner_cut_enabled)
    sup = TOTAL_SUPPLY_RAO
    iss = None if alpha_issuance_rao is None else check_int("alpha_issuance_rao", alpha_issuance_rao, hi=sup)
    root_tao = None if root_tao_rao is None else check_int("root_tao_rao", root_tao_rao, hi=sup)
    reserve = None if tao_reserve_rao is None else check_int("tao_reserve_rao", tao_reserve_rao, lo=1, hi=sup)
    E = _check_e(block_emission_rao)
    e = _era(era)
    if not e.dtao:
        raise ValueError(f"era must be a dTAO release (v2.0.0 or later), got {e.tag!r}: before dTAO the root "
                         "network set emission (see the chapter on the root network)")
    if e.owner_cut_toggle is False and not owner_cut:
        raise ValueError(f"owner_cut_enabled=False needs era v3.4.0 or later (the toggle), got {e.tag!r}")
    if iss is None or root_tao is None or reserve is None:
        ex = subnet_example(64)
        iss = ex.alpha_issuance_rao if iss is None else iss
        root_tao = ex.root_tao_rao if root_tao is None else root_tao
        reserve = ex.tao_reserve_rao if reserve is None else reserve
    if E is None:
        E = era_block_emission(e.tag)
    tau = int(E * s)  # E·share truncated to a rao (the chain does it in U64F64, equal to ±1 rao)
    ae = coinbase.alpha_emission(iss)
    rp_cap = coinbase.root_proportion(TAO_WEIGHT, root_tao, iss)
    terms = coinbase.subnet_terms(tau, p, era=e, block_emission_rao=E, alpha_emission_rao=ae,
                                  root_proportion=rp_cap, share=s)
    subsidized = e.injection_rule == "subsidy" and p < s
    rp_split = coinbase.root_proportion(TAO_WEIGHT, root_tao, iss + terms.alpha_in + ae)
    split = coinbase.split_alpha_out(ae, root_proportion=rp_split, root_sell_flag=sell_flag,
                                     owner_cut_enabled=owner_cut, subsidized=subsidized, era=e)
    bought = 0
    if terms.excess_tao > 0 and e.chain_buy_alpha != "none":
        if reserve / p > TOTAL_SUPPLY_RAO:  # the pool at price p would hold more alpha than the supply cap
            raise ValueError(f"price must be at least tao_reserve_rao / 21·10¹⁵ = {reserve / TOTAL_SUPPLY_RAO:.3g} "
                             f"TAO per alpha when the chain buys (the pool's alpha reserve tao_reserve_rao / price "
                             f"may not exceed the 21·10¹⁵ rao supply cap), got {p!r}")
        bought = _chain_buy(e, reserve, max(1, round(reserve / p)), terms)
    return {
        "block_emission": E, "tao_emission": tau, "tao_in": terms.tao_in, "excess_tao": terms.excess_tao,
        "recycled_tao": tau - terms.tao_in - terms.excess_tao, "alpha_in": terms.alpha_in, "bought_alpha": bought,
        "alpha_emission": ae, "alpha_out": ae, "owner": split.owner, "server": split.server,
        "validator": split.validator, "root": split.root, "root_recycled": split.recycled, "dust": split.dust,
        "root_proportion": rp_split, "subsidized": subsidized,
        "bought_alpha_to": {"none": "—", "recycled": "recycled", "protocol": "protocol alpha"}[e.chain_buy_alpha],
        "root_paid_as": "TAO (alpha sold each block)" if e.root_dividends == "sold_each_block" else "claimable alpha",
    }


def _chain_buy(e: Any, tao: int, alpha: int, terms: coinbase.SubnetTerms) -> int:
    """Alpha the fee-free chain buy gets, on the pool as the chain has it at that moment (spec §3.4).

    * subsidy (v3.2.3 – v3.2.11): the swap runs while the terms are computed, before any injection
      (``run_coinbase.rs`` v3.2.3 L90, injection from L127);
    * Balancer (v3.3.10, v3.4.8+): ``adjust_protocol_liquidity`` first moves the weights for the
      injection, then the swap runs on the reserves *before* the injection, which reaches
      ``SubnetAlphaIn``/``SubnetTAO`` after it (``run_coinbase.rs`` at 14bc6f9f L91, L104, L137-147;
      ``pallets/swap/src/pallet/impls.rs`` L84-115 stores only the weights);
    * Uniswap v3 (v3.2.12 – v3.4.7): the protocol position already holds the injected liquidity
      (``adjust_protocol_liquidity`` before the swap, ``run_coinbase.rs`` v3.2.12 L112-115).
    """
    if e.injection_rule == "subsidy":
        pool = amm.pool_for(e, tao, alpha, fee_rate_u16=0)
    elif e.pool == "balancer":
        pool = amm.pool_for(e, tao, alpha, fee_rate_u16=0)
        injected = pool.inject(terms.tao_in, terms.alpha_in)
        if injected.ok:
            pool = amm.pool_for(e, tao, alpha, quote_weight=injected.pool.quote_weight, fee_rate_u16=0)
    else:
        pool = amm.pool_for(e, tao + terms.tao_in, alpha + terms.alpha_in, fee_rate_u16=0)
    return pool.buy_alpha(terms.excess_tao).amount_out


def _long_rows(flows: dict[str, Any], price: float, **keys: Any) -> list[dict[str, Any]]:
    rows = []
    for col, label, _ in PARTS:
        amount = flows[col] / RAO_PER_TAO
        token = _TOKEN.get(col, "alpha")
        rows.append({**keys, "row": _ROWS[col], "part": label, "amount": amount, "token": token,
                     "value_tao": amount if token == "TAO" else amount * price})
    return rows


def split_table(share: float, price: float, era: str = "head", **kwargs: Any) -> pd.DataFrame:
    """:func:`one_block` as a table: one row per flow with its amount, token and value in TAO."""
    flows = one_block(share, price, era, **kwargs)
    df = pd.DataFrame(_long_rows(flows, price))
    return df[df["amount"] > 0].drop(columns="row").reset_index(drop=True)


def injection_table(share: float = 0.05, price: float = 0.03, **kwargs: Any) -> pd.DataFrame:
    """The injection table of spec §3.4 computed for one subnet in every era of :data:`INJECTION_ERAS`.

    One row per era: E, τ = E·share, τ_in, α_in, the chain-buy TAO, where the bought alpha goes
    and how root's alpha is paid (TAO and alpha per block; ``**kwargs`` go to :func:`one_block`).
    """
    rows = []
    for ie in INJECTION_ERAS:
        f = one_block(share, price, ie.tag, **kwargs)
        rows.append({
            "era": ie.label, "E": f["block_emission"] / RAO_PER_TAO,
            "τ": f["tao_emission"] / RAO_PER_TAO, "τ_in": f["tao_in"] / RAO_PER_TAO,
            "α_in": f["alpha_in"] / RAO_PER_TAO, "chain buy": f["excess_tao"] / RAO_PER_TAO,
            "bought α →": f["bought_alpha_to"] if f["excess_tao"] else "—",
            "root paid in": "TAO" if f["root_paid_as"].startswith("TAO") else "alpha",
        })
    return pd.DataFrame(rows).set_index("era").round(6)


# ---------------------------------------------------------------------------------------------
# Figure: where one block's TAO goes
# ---------------------------------------------------------------------------------------------
_PRICES_CENTI = tuple(range(2, 31, 2))
"""Static grid of spot prices, in hundredths of a TAO per alpha (0.02 … 0.30)."""
_SHARES_PCT = tuple(range(1, 9))
"""Static grid of shares, in percent of E (1 … 8 %)."""


def one_block_grid(prices_centi: Sequence[int] = _PRICES_CENTI, shares_pct: Sequence[int] = _SHARES_PCT,
                   eras: Sequence[InjectionEra] = INJECTION_ERAS) -> pd.DataFrame:
    """:func:`one_block` over a grid of eras × prices × shares (wide: one column per flow, in TAO value).

    Keys: ``era`` (tag), ``price_c`` (price in hundredths of TAO per alpha, integer), ``share_pct``
    (integer percent), ``price`` (TAO per alpha). Flow columns hold the value in TAO (alpha at the
    spot price), to 6 significant digits: the figure's tooltips divide alpha values by ``price``.
    ``prices_centi`` holds at most 200 whole numbers in [1, 10⁸], ``shares_pct`` at most 101 in
    [0, 100]; ``eras`` rows of :data:`INJECTION_ERAS`.
    """
    cents = check_int_array("prices_centi", prices_centi, lo=1, hi=10**8, min_size=1, max_size=200).tolist()
    pcts = check_int_array("shares_pct", shares_pct, lo=0, hi=100, min_size=1, max_size=101).tolist()
    if isinstance(eras, InjectionEra) or not isinstance(eras, Sequence) or not eras:
        raise TypeError(f"eras must be a non-empty sequence of InjectionEra (see INJECTION_ERAS), got {eras!r}")
    for ie in eras:
        if not isinstance(ie, InjectionEra):
            raise TypeError(f"eras must contain InjectionEra rows (see INJECTION_ERAS), got {ie!r}")
    ex = subnet_example(64)
    rows = []
    for ie in eras:
        for c in cents:
            p = c / 100
            for sp in pcts:
                f = one_block(sp / 100, p, ie.tag, alpha_issuance_rao=ex.alpha_issuance_rao,
                              root_tao_rao=ex.root_tao_rao, tao_reserve_rao=ex.tao_reserve_rao)
                row: dict[str, Any] = {"era": ie.tag, "price_c": int(c), "share_pct": int(sp), "price": p}
                for col, _, _ in PARTS:
                    amt = f[col] / RAO_PER_TAO
                    row[col] = float(f"{(amt if col in _TOKEN else amt * p):.6g}")
                rows.append(row)
    return pd.DataFrame(rows)


def _one_block_chart(data: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = (),
                     title: str = "") -> alt.Chart:
    cols = [c for c, _, _ in PARTS]
    labels = {c: lab for c, lab, _ in PARTS}
    base = alt.Chart(data)
    for f in filters:
        base = base.transform_filter(f)
    base = base.transform_fold(cols, as_=["key", "value_tao"])
    expr_label = " : ".join(f"datum.key == '{c}' ? '{labels[c]}'" for c in cols) + " : ''"
    expr_row = " : ".join(f"datum.key == '{c}' ? '{_ROWS[c]}'" for c in cols) + " : ''"
    expr_tok = " : ".join(f"datum.key == '{c}' ? 'TAO'" for c in _TOKEN) + " : 'alpha'"
    order = {c: i for i, c in enumerate(cols)}
    expr_ord = " : ".join(f"datum.key == '{c}' ? {order[c]}" for c in cols) + " : 99"
    base = base.transform_calculate(part=expr_label, row=expr_row, token=expr_tok, ord=expr_ord)
    base = base.transform_calculate(amount="datum.token == 'TAO' ? datum.value_tao : datum.value_tao / datum.price")
    base = base.transform_filter(alt.datum.value_tao > 0)
    color = alt.Color("part:N", title=None, scale=alt.Scale(domain=[lab for _, lab, _ in PARTS],
                                                            range=[c for _, _, c in PARTS]),
                      legend=alt.Legend(orient="bottom", columns=3))
    chart = base.mark_bar(height=26).encode(
        y=alt.Y("row:N", title=None, sort=sorted(set(_ROWS.values())), axis=alt.Axis(labelLimit=280)),
        x=alt.X("sum(value_tao):Q", title="value per block (TAO; alpha at the spot price)", stack="zero"),
        color=color,
        order=alt.Order("ord:Q"),
        tooltip=[alt.Tooltip("part:N"), alt.Tooltip("amount:Q", format=",.6f", title="amount per block"),
                 alt.Tooltip("token:N"), alt.Tooltip("value_tao:Q", format=",.6f", title="value (TAO)")],
    ).properties(width=WIDTH - 140, height=HEIGHT - 120, title=title)
    return chart.add_params(*params) if params else chart


_one_block_live = templated(_one_block_chart)


def where_the_tao_goes() -> Figure:
    """One block of one subnet: τ, τ_in, chain buy, α_in and the α_out split, per era (spec §3.4, §3.5).

    The subnet is Chutes (netuid 64) on 2026-04-11 for its alpha issuance, root's TAO and pool depth;
    the root-sell flag is on (Σ p̄ = 1.31 that day). Static face: a dropdown for the era and sliders
    for the subnet's share of E (1–8 %) and the spot price (0.02–0.30 TAO per alpha). Live face: any
    share, price, era, sell flag and owner-cut toggle, with the flows as a table.
    """

    def static() -> alt.Chart:
        era_p = dropdown("era", [ie.tag for ie in INJECTION_ERAS], "head", "era ",
                         labels=[ie.label for ie in INJECTION_ERAS])
        share_p = slider("share", lo=1, hi=8, step=1, value=5, label="subnet's share of E (%) ")
        price_p = slider("price", lo=2, hi=30, step=2, value=8, label="spot price p (TAO per α, × 100) ")
        data = one_block_grid()
        return _one_block_chart(
            data, (alt.datum.era == era_p, alt.datum.share_pct == share_p, alt.datum.price_c == price_p),
            (era_p, share_p, price_p), title="Where one block's emission for one subnet goes",
        )

    def render(era: str, share_pct: float, price: float, sell_flag: bool, owner_cut: bool):
        f = one_block(share_pct / 100, price, era, root_sell_flag=sell_flag, owner_cut_enabled=owner_cut)
        row: dict[str, Any] = {"era": era, "price_c": 0, "share_pct": 0, "price": price}
        for col, _, _ in PARTS:
            amt = f[col] / RAO_PER_TAO
            row[col] = amt if col in _TOKEN else amt * price
        table = split_table(share_pct / 100, price, era, root_sell_flag=sell_flag, owner_cut_enabled=owner_cut)
        return _one_block_live(pd.DataFrame([row]), title=f"{era}: E = {f['block_emission'] / RAO_PER_TAO:g} TAO, "
                               f"root proportion {f['root_proportion']:.3f}"), table

    def live():
        import ipywidgets as w

        style = {"description_width": "110px"}
        controls = {
            "era": w.Dropdown(options=[(ie.label, ie.tag) for ie in INJECTION_ERAS] + [("v3.4.6 (C)", "v3.4.6")],
                              value="head", description="era", style=style),
            "share_pct": w.FloatSlider(value=5, min=0, max=30, step=0.1, description="share of E (%)",
                                       style=style, continuous_update=False),
            "price": w.FloatLogSlider(value=0.08, base=10, min=-3, max=0, step=0.01, description="spot price p",
                                      style=style, continuous_update=False),
            "sell_flag": w.Checkbox(value=True, description="Σ EMA prices > 1 (root-sell flag)"),
            "owner_cut": w.Checkbox(value=True, description="owner cut on (toggle from v3.4.0)"),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="where one block's TAO goes")


# ---------------------------------------------------------------------------------------------
# Figure: the α_out split as the root proportion changes
# ---------------------------------------------------------------------------------------------
_SPLIT_PARTS = (("owner", "owner"), ("server", "miners"), ("validator", "validators (alpha stake)"),
                ("root", "root stakers"), ("root_recycled", "root alpha recycled"))


def alpha_split_grid(root_tao_m: Sequence[float] = tuple(range(0, 11)),
                     issuance_m: Sequence[float] | None = None, *, era: str = "head") -> pd.DataFrame:
    """The split of 1 α of α_out against the subnet's alpha issuance, for several root TAO levels.

    Columns: ``root_tao_x10`` (root TAO in units of 100 000 TAO, an integer key), ``flag`` (1 if
    Σ p̄ > 1), ``issuance_m`` (million α), ``root_proportion`` and one column per part of
    :func:`dtao_lib.coinbase.split_alpha_out` (fraction of α_out). ``root_tao_m`` and ``issuance_m`` are
    non-empty 1-D sequences (at most 1 000 values) in [0, 21] million (the supply cap).
    """
    roots = check_array("root_tao_m", root_tao_m, lo=0.0, hi=21.0, min_size=1).tolist()
    if issuance_m is None:
        issuance_m = tuple(np.round(np.geomspace(0.1, 21, 32), 4))
    issuances = check_array("issuance_m", issuance_m, lo=0.0, hi=21.0, min_size=1).tolist()
    for name, vals in (("root_tao_m", roots), ("issuance_m", issuances)):
        if len(vals) > 1_000:
            raise ValueError(f"{name} must have at most 1000 elements, got {len(vals)}")
    e = _era(era)
    rows = []
    for t in roots:
        t_rao = _rao(t * 1e6)
        for flag in (1, 0):
            for m in issuances:
                iss = _rao(m * 1e6)
                rp = coinbase.root_proportion(TAO_WEIGHT, t_rao, iss)
                sp = coinbase.split_alpha_out(RAO_PER_TAO, root_proportion=rp, root_sell_flag=bool(flag), era=e)
                row = {"root_tao_x10": round(t * 10), "flag": flag, "issuance_m": float(m),
                       "root_proportion": round(rp, 6)}
                for col, _ in _SPLIT_PARTS:
                    row[col] = round(getattr(sp, col if col != "root_recycled" else "recycled") / RAO_PER_TAO, 6)
                rows.append(row)
    return pd.DataFrame(rows)


def alpha_split_chart(data: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = (),
                      marks: pd.DataFrame | None = None) -> alt.LayerChart:
    """Stacked areas of the α_out split against alpha issuance (log axis), with real subnets as ticks.

    Subnets with less than 0.1 M α of issuance (just registered) are outside the axis and not marked.
    ``data`` is a frame from :func:`alpha_split_grid` (or an altair data object, for a live template);
    ``marks`` a frame with ``netuid``, ``name`` and ``issuance_m``.
    """
    if not isinstance(data, alt.Data | alt.NamedData | alt.UrlData | alt.InlineData):
        check_frame("data", data, ("issuance_m", "root_proportion", *(c for c, _ in _SPLIT_PARTS)))
    if marks is not None:
        check_frame("marks", marks, ("netuid", "name", "issuance_m"))
    cols = [c for c, _ in _SPLIT_PARTS]
    labels = dict(_SPLIT_PARTS)
    base = alt.Chart(data)
    for f in filters:
        base = base.transform_filter(f)
    expr = " : ".join(f"datum.key == '{c}' ? '{labels[c]}'" for c in cols) + " : ''"
    order = " : ".join(f"datum.key == '{c}' ? {i}" for i, c in enumerate(cols)) + " : 9"
    x = alt.X("issuance_m:Q", title="subnet's alpha issuance (million α, log scale)",
              scale=alt.Scale(type="log", domain=[0.1, 21]))
    color = alt.Color("part:N", title=None, legend=alt.Legend(orient="bottom", columns=5),
                      scale=alt.Scale(domain=[labels[c] for c in cols],
                                      range=[ROLE_COLORS["owner"], ROLE_COLORS["miners"], ROLE_COLORS["validators"],
                                             ROLE_COLORS["root stakers"], "#bdc3c7"]))
    folded = base.transform_fold(cols, as_=["key", "fraction"]).transform_calculate(part=expr, ord=order)
    area = folded.mark_area().encode(
        x=x, y=alt.Y("fraction:Q", stack="zero", title="share of α_out", axis=alt.Axis(format="%")),
        color=color, order=alt.Order("ord:Q"),
        tooltip=[alt.Tooltip("part:N"), alt.Tooltip("issuance_m:Q", format=",.2f", title="issuance (M α)"),
                 alt.Tooltip("root_proportion:Q", format=".4f"), alt.Tooltip("fraction:Q", format=".2%")],
    )
    layers: list[Any] = [area]
    if marks is not None:
        shown = marks[(marks["issuance_m"] >= 0.1) & (marks["issuance_m"] <= 21)]
        ticks = alt.Chart(shown).mark_tick(color="#111", thickness=1, size=12, clip=True).encode(
            x=alt.X("issuance_m:Q", scale=alt.Scale(type="log", domain=[0.1, 21])), y=alt.value(6),
            tooltip=["netuid:Q", "name:N", alt.Tooltip("issuance_m:Q", format=",.3f", title="issuance (M α)")],
        )
        layers.append(ticks)
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT - 40,
                                          title="How one block's α_out is split (ticks: real subnets on 2026-04-11)")
    return chart.add_params(*params) if params else chart


def _subnet_ticks() -> pd.DataFrame:
    state, ids = snapshot_block_state()
    names = load_subnet_snapshot().set_index("netuid")["name"]
    return pd.DataFrame({"netuid": ids, "name": [names[i] for i in ids],
                         "issuance_m": state.alpha_issuance / 1e15})


def alpha_split_explorer() -> Figure:
    """The α_out split (18/41/41 and root's part of the validators' 41 %) against alpha issuance.

    Static face: a slider for root's TAO (0–10 M TAO; 5.03 M on 2026-04-11) and a dropdown for the
    root-sell flag; ticks mark the real subnets' alpha issuance on 2026-04-11. Live face: any root
    TAO, TAO weight γ, era and issuance, with the split at that issuance as a table.
    """

    def static() -> alt.LayerChart:
        t_p = slider("root_tao", lo=0, hi=100, step=10, value=50, label="TAO staked on root (× 100 000) ")
        f_p = dropdown("flag", [1, 0], 1, "Σ EMA prices > 1 ", labels=["yes: root is paid", "no: root alpha recycled"])
        data = alpha_split_grid()
        return alpha_split_chart(data, (alt.datum.root_tao_x10 == t_p, alt.datum.flag == f_p), (t_p, f_p),
                                 marks=_subnet_ticks())

    template = LiveChart(lambda data: alpha_split_chart(data, marks=_subnet_ticks()))  # ticks: built once

    def render(root_tao_m: float, gamma: float, flag: bool, era: str, issuance_m: float):
        rows = []
        t_rao = _rao(root_tao_m * 1e6)
        for m in np.geomspace(0.1, 21, 60):
            rp = coinbase.root_proportion(gamma, t_rao, _rao(m * 1e6))
            sp = coinbase.split_alpha_out(RAO_PER_TAO, root_proportion=rp, root_sell_flag=flag, era=era)
            rows.append({"root_tao_x10": 0, "flag": int(flag), "issuance_m": float(m), "root_proportion": rp,
                         "owner": sp.owner / 1e9, "server": sp.server / 1e9, "validator": sp.validator / 1e9,
                         "root": sp.root / 1e9, "root_recycled": sp.recycled / 1e9})
        rp = coinbase.root_proportion(gamma, t_rao, _rao(issuance_m * 1e6))
        sp = coinbase.split_alpha_out(RAO_PER_TAO, root_proportion=rp, root_sell_flag=flag, era=era)
        table = pd.DataFrame({"part": ["owner", "miners", "validators (alpha stake)", "root stakers",
                                       "root alpha recycled", "dust (rao)"],
                              "share of α_out": [sp.owner / 1e9, sp.server / 1e9, sp.validator / 1e9, sp.root / 1e9,
                                                 sp.recycled / 1e9, sp.dust]})
        return template(data=pd.DataFrame(rows)), table

    def live():
        import ipywidgets as w

        style = {"description_width": "130px"}
        controls = {
            "root_tao_m": w.FloatSlider(value=5.03, min=0, max=20, step=0.01, description="root TAO (M)",
                                        style=style, continuous_update=False),
            "gamma": w.FloatSlider(value=round(TAO_WEIGHT, 4), min=0, max=1, step=0.01, description="TAO weight γ",
                                   style=style, continuous_update=False),
            "flag": w.Checkbox(value=True, description="Σ EMA prices > 1"),
            "era": w.Dropdown(options=["v2.0.0", "v3.2.12", "v3.2.13", "head"], value="head", description="era",
                              style=style),
            "issuance_m": w.FloatSlider(value=5.0, min=0.1, max=21, step=0.1, description="issuance (M α)",
                                        style=style, continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="α_out split")


# ---------------------------------------------------------------------------------------------
# The epoch: pending emission and the dividend split
# ---------------------------------------------------------------------------------------------
def dividend_example(*, tempo: int = TEMPO, netuid: int = 64,
                     root_registered: dict[str, bool] | None = None, era: str = "head") -> pd.DataFrame:
    """Pending emission over one tempo and its split between two validators' alpha and root stakers.

    Two validators on subnet ``netuid`` (2026-04-11 state): V1 holds only alpha stake, V2 alpha and
    root stake; Yuma gives them equal dividends. The pending validator and root alpha of ``tempo + 1``
    blocks (the epoch ran every 361 blocks until v3.4.8) are split by
    :func:`dtao_lib.coinbase.split_dividends` (spec §3.6 step 4). Returns alpha per hotkey and side.

    ``root_registered`` (e.g. ``{"V1": True, "V2": False}``) says which hotkeys hold a root UID: from
    spec 442 (Root Reborn, addendum §A5 [V]) only those receive a root part; ``None`` counts both as
    registered; a hotkey missing from the dict holds none. ``era`` selects the split rule (default HEAD).
    ``tempo`` is an integer in [1, 65 535] (a u16 on chain).
    """
    blocks = check_int("tempo", tempo, lo=1, hi=65_535) + 1
    e = _era(era)
    if root_registered is not None:
        if not isinstance(root_registered, dict):
            raise TypeError(f"root_registered must be None or a dict of 'V1'/'V2' → bool, got "
                            f"{type(root_registered).__name__} {root_registered!r}")
        for k, v in root_registered.items():
            check_choice("root_registered key", k, ("V1", "V2"))
            check_bool(f"root_registered[{k!r}]", v)
    ex = subnet_example(netuid)
    per_block = coinbase.split_alpha_out(coinbase.alpha_emission(ex.alpha_issuance_rao),
                                         root_proportion=ex.root_proportion,
                                         root_sell_flag=ex.sum_ema_prices > 1)
    pending_v, pending_r = per_block.validator * blocks, per_block.root * blocks
    alpha_stake = {"V1": 400_000 * RAO_PER_TAO, "V2": 400_000 * RAO_PER_TAO}
    root_stake = {"V1": 0, "V2": 2_000_000 * RAO_PER_TAO}
    a, r = coinbase.split_dividends({"V1": 1.0, "V2": 1.0}, alpha_stake, root_stake,
                                    pending_validator_alpha=pending_v, pending_root_alpha=pending_r, rao=True,
                                    root_registered=root_registered, era=e)
    rows = []
    for hk in ("V1", "V2"):
        rows.append({"validator": hk, "alpha stake (α)": alpha_stake[hk] / RAO_PER_TAO,
                     "root stake (TAO)": root_stake[hk] / RAO_PER_TAO,
                     "to its alpha stakers (α)": a[hk] / RAO_PER_TAO, "to its root stakers (α)": r[hk] / RAO_PER_TAO})
    df = pd.DataFrame(rows)
    df.attrs.update(blocks=blocks, pending_validator=pending_v / RAO_PER_TAO, pending_root=pending_r / RAO_PER_TAO)
    return df


# ---------------------------------------------------------------------------------------------
# HEAD (runtime spec 459): gate → terms → chain buy with refund → reservoirs → split
# ---------------------------------------------------------------------------------------------
HEAD_STEPS: tuple[tuple[str, str, str], ...] = (
    ("pre_gate", "1 · E × weight before the gate", "#95a5a6"),
    ("tao_in", "2 · τ_in → pool", ROLE_COLORS["pool (τ_in)"]),
    ("chain_buy", "2 · chain buy TAO → pool", ROLE_COLORS["chain buy"]),
    ("refunded", "2 · failed chain buy, refunded", "#f5b7b1"),
    ("alpha_active", "3 · α_in → pool (price-active)", "#5d6d7e"),
    ("alpha_reservoir", "3 · α_in held in the reservoir", "#d5d8dc"),
    ("bought_alpha", "4 · alpha the chain buy takes out", "#e6b0aa"),
    ("owner", "5 · owner", ROLE_COLORS["owner"]),
    ("server", "5 · miners", ROLE_COLORS["miners"]),
    ("validator", "5 · validators (alpha stake)", ROLE_COLORS["validators"]),
    ("root", "5 · root stakers", ROLE_COLORS["root stakers"]),
    ("root_recycled", "5 · root alpha recycled", "#bdc3c7"),
)
"""The flows of one HEAD block drawn by :func:`head_pipeline_explorer`: (key, label, colour); the
number is the pipeline step (1 gate, 2 TAO to the subnet, 3 injection with reservoirs, 4 chain buy,
5 α_out split)."""

_HEAD_ROWS = {"pre_gate": "1 · before the gate: E·w", "tao_in": "2 · after the gate: TAO emitted (E·share)",
              "chain_buy": "2 · after the gate: TAO emitted (E·share)",
              "refunded": "2 · after the gate: TAO emitted (E·share)",
              "alpha_active": "3 · alpha minted for the pool (α_in)",
              "alpha_reservoir": "3 · alpha minted for the pool (α_in)",
              "bought_alpha": "4 · alpha the chain buy takes out",
              "owner": "5 · alpha to participants (α_out)", "server": "5 · alpha to participants (α_out)",
              "validator": "5 · alpha to participants (α_out)", "root": "5 · alpha to participants (α_out)",
              "root_recycled": "5 · alpha to participants (α_out)"}
_HEAD_TAO = {"pre_gate", "tao_in", "chain_buy", "refunded"}


@dataclass(frozen=True)
class HeadBlock:
    """One HEAD block of the whole 2026-04-11 network (:func:`head_block`)."""

    state: coinbase.BlockState
    result: coinbase.BlockResult
    netuids: np.ndarray

    def index(self, netuid: int) -> int:
        """Position of ``netuid`` in the state's arrays (``ValueError`` for a netuid not in the snapshot)."""
        n = check_int("netuid", netuid, lo=1, hi=65_535)
        hit = np.flatnonzero(self.netuids == n)
        if not hit.size:
            raise ValueError(f"netuid must be a non-root subnet of the {SNAPSHOT_DATE} snapshot "
                             f"({int(self.netuids.min())}–{int(self.netuids.max())}), got {n}")
        return int(hit[0])

    @property
    def weight_rank(self) -> np.ndarray:
        """Rank of each subnet's weight before the gate (1 = largest; ties by netuid; 0-weight subnets last)."""
        w = self.result.pre_gate_share
        order = np.lexsort((self.netuids, -w))
        rank = np.empty(w.size, dtype=np.int64)
        rank[order] = np.arange(1, w.size + 1)
        return rank


_HEAD_CACHE: dict[int, HeadBlock] = {}


def _check_block(block: Any) -> HeadBlock:
    if not isinstance(block, HeadBlock):
        raise TypeError(f"block must be a HeadBlock (from head_block or head_block_with), got {type(block).__name__}")
    return block


def head_block(block_number: int = 0, *, snapshot: pd.DataFrame | None = None) -> HeadBlock:
    """One block of the 2026-04-11 network under HEAD's rules (runtime spec 459; addendum §H), with pools.

    :func:`snapshot_block_state` plus each subnet's Balancer pool (:func:`dtao_lib.figures.amm.pool_from_snapshot`,
    weights from the reported price), no stored bar (so the bar is computed this block, as after
    ``migrate_reset_emission_gate_bar``), empty reservoirs and ``MinerBurned`` = 0 (the snapshot has
    none). :func:`dtao_lib.coinbase.block` then runs every step: price shares → (1 − burn) → rank-32 bar
    → Hill gate → ``E_i``; the injection terms; the fee-free chain buy on each pool, refunded if the
    swap fails; the reservoir-aware injection; the α_out split. A counterfactual: on 2026-04-11 the
    chain ran TaoFlow (era B).
    """
    from .amm import pool_from_snapshot

    b = check_int("block_number", block_number, lo=0)
    if snapshot is not None:
        _check_snapshot(snapshot)
    elif b in _HEAD_CACHE:
        return _HEAD_CACHE[b]
    state, ids = snapshot_block_state(snapshot=snapshot)
    pools = [pool_from_snapshot(int(n), snapshot=snapshot) for n in ids]
    from dataclasses import replace as _replace

    state = _replace(state, pools=pools, block_number=b)
    out = HeadBlock(state=state, result=coinbase.block(state, era="head"), netuids=ids)
    if snapshot is None:
        _HEAD_CACHE[b] = out
    return out


def _head_flows(hb: HeadBlock, i: int) -> dict[str, float]:
    """Amounts of one subnet's HEAD block, rao (TAO or alpha)."""
    r = hb.result
    refunded = int(r.refunded_tao[i]) if r.refunded_tao is not None else 0
    return {
        "pre_gate": float(r.pre_gate_share[i]) * r.block_emission,
        "tao_in": int(r.tao_in[i]), "chain_buy": int(r.excess_tao[i]) - refunded, "refunded": refunded,
        "alpha_active": int(r.alpha_active[i]) if r.alpha_active is not None else int(r.alpha_in[i]),
        "alpha_reservoir": int(r.alpha_reservoir[i]) if r.alpha_reservoir is not None else 0,
        "bought_alpha": int(r.chain_bought_alpha[i]) if r.chain_bought_alpha is not None else 0,
        "owner": int(r.owner[i]), "server": int(r.server[i]), "validator": int(r.validator[i]),
        "root": int(r.root[i]), "root_recycled": int(r.root_recycled[i]),
    }


def head_pipeline(netuid: int = 64, *, block: HeadBlock | None = None) -> pd.DataFrame:
    """One subnet's HEAD block, step by step (addendum §A2, §A4, §A5, §H; spec §3.4, §3.5).

    Rows (``step``, ``quantity``, ``value``, ``unit``): the weight before the gate ``w_i`` (price share
    × (1 − burn), renormalised), the bar θ (32nd-largest weight), the gated share and ``E_i``; the
    terms ``α_in``, ``τ_in``, excess; the chain buy (TAO paid, alpha bought into protocol alpha, TAO
    refunded after a failed swap); the reservoir-aware injection (price-active TAO and alpha, what
    stays in the reservoirs); the α_out split. Amounts in rao. ``attrs`` carries the network's bar,
    the number of subnets at or above it and both conservation checks.
    """
    hb = head_block() if block is None else _check_block(block)
    i = hb.index(netuid)
    r = hb.result
    f = _head_flows(hb, i)
    rows = [
        ("1 gate", "weight before the gate w (price share × (1 − burn))", float(r.pre_gate_share[i]), "fraction"),
        ("1 gate", "bar θ (32nd-largest weight)", float(r.emission_bar), "fraction"),
        ("1 gate", "gated share = g/Σg, g = w/(1 + (θ/w)³)", float(r.share[i]), "fraction"),
        ("1 gate", "TAO emitted to the subnet E·share", int(r.tao_emission[i]), "TAO rao"),
        ("2 terms", "α_in = min(E_i/p, root_prop·α_e)", int(r.alpha_in[i]), "alpha rao"),
        ("2 terms", "τ_in = α_in·p", int(r.tao_in[i]), "TAO rao"),
        ("2 terms", "excess = E_i − τ_in", int(r.excess_tao[i]), "TAO rao"),
        ("3 chain buy", "TAO paid into the pool (fee-free swap)", int(f["chain_buy"]), "TAO rao"),
        ("3 chain buy", "alpha bought (kept as protocol alpha)", int(f["bought_alpha"]), "alpha rao"),
        ("3 chain buy", "TAO refunded to the block credit (failed swap)", int(f["refunded"]), "TAO rao"),
        ("4 reservoirs", "TAO entering the reserves (price-active)",
         int(r.tao_active[i]) if r.tao_active is not None else int(r.tao_in[i]), "TAO rao"),
        ("4 reservoirs", "alpha entering the reserves (price-active)", int(f["alpha_active"]), "alpha rao"),
        ("4 reservoirs", "TAO / alpha left in the reservoirs",
         f"{int(r.tao_reservoir[i]) if r.tao_reservoir is not None else 0} / {int(f['alpha_reservoir'])}",
         "rao"),
        ("5 split", "α_out (minted for participants)", int(r.alpha_out[i]), "alpha rao"),
        ("5 split", "owner", int(r.owner[i]), "alpha rao"),
        ("5 split", "miners", int(r.server[i]), "alpha rao"),
        ("5 split", "validators (alpha stake)", int(r.validator[i]), "alpha rao"),
        ("5 split", "root stakers (pending root alpha)", int(r.root[i]), "alpha rao"),
    ]
    out = pd.DataFrame(rows, columns=["step", "quantity", "value", "unit"])
    out.attrs.update(netuid=int(netuid), weight_rank=int(hb.weight_rank[i]), bar=float(r.emission_bar),
                     subnets_at_or_above_bar=int((r.pre_gate_share >= r.emission_bar).sum()),
                     chain_buy_subnets=int((r.excess_tao > 0).sum()),
                     tao_conserved=r.tao_conserved(), alpha_conserved=r.alpha_conserved(),
                     block_emission_rao=int(r.block_emission))
    return out


def head_pipeline_frame(*, block: HeadBlock | None = None) -> pd.DataFrame:
    """Every subnet's HEAD block as one row: ``netuid``, ``name``, ``rank`` (weight rank, 1 = largest),
    ``price`` (spot), ``share``, ``pre_gate`` and one column per :data:`HEAD_STEPS` key in TAO value
    per block (alpha valued at the spot price)."""
    hb = head_block() if block is None else _check_block(block)
    names = load_subnet_snapshot().set_index("netuid")["name"]
    ranks = hb.weight_rank
    rows = []
    for i, n in enumerate(hb.netuids.tolist()):
        p = float(hb.state.spot_prices[i])
        f = _head_flows(hb, i)
        row: dict[str, Any] = {"netuid": int(n), "name": str(names.get(n, "")), "rank": int(ranks[i]), "price": p,
                               "share": float(hb.result.share[i]),
                               "weight": float(hb.result.pre_gate_share[i])}
        for key, _, _ in HEAD_STEPS:
            amt = f[key] / RAO_PER_TAO
            row[key] = amt if key in _HEAD_TAO else amt * p
        rows.append(row)
    return pd.DataFrame(rows).sort_values("rank").reset_index(drop=True)


def _head_chart(data: pd.DataFrame, filters: Sequence[Any] = (), params: Sequence[alt.Parameter] = (),
                title: str = "") -> alt.Chart:
    keys = [k for k, _, _ in HEAD_STEPS]
    labels = {k: lab for k, lab, _ in HEAD_STEPS}
    base = alt.Chart(data)
    for f in filters:
        base = base.transform_filter(f)
    base = base.transform_fold(keys, as_=["key", "value_tao"])

    def expr(mapping: dict[str, Any], default: str) -> str:
        return " : ".join(f"datum.key == '{k}' ? {v}" for k, v in mapping.items()) + f" : {default}"

    base = base.transform_calculate(
        part=expr({k: repr(labels[k]) for k in keys}, "''"),
        row=expr({k: repr(_HEAD_ROWS[k]) for k in keys}, "''"),
        token=expr({k: "'TAO'" for k in _HEAD_TAO}, "'alpha'"),
        ord=expr({k: str(i) for i, k in enumerate(keys)}, "99"),
    ).transform_calculate(amount="datum.token == 'TAO' ? datum.value_tao : datum.value_tao / datum.price",
                          label="'netuid ' + datum.netuid + ' ' + datum.name + ' (rank ' + datum.rank + ')'")
    base = base.transform_filter(alt.datum.value_tao > 0)
    color = alt.Color("part:N", title=None, scale=alt.Scale(domain=[lab for _, lab, _ in HEAD_STEPS],
                                                            range=[c for _, _, c in HEAD_STEPS]),
                      legend=alt.Legend(orient="bottom", columns=3))
    chart = base.mark_bar(height=22).encode(
        y=alt.Y("row:N", title=None, sort=sorted(set(_HEAD_ROWS.values())), axis=alt.Axis(labelLimit=300)),
        x=alt.X("sum(value_tao):Q", title="value per block (TAO; alpha at the spot price)", stack="zero"),
        color=color,
        order=alt.Order("ord:Q"),
        tooltip=[alt.Tooltip("label:N", title="subnet"), alt.Tooltip("part:N"),
                 alt.Tooltip("amount:Q", format=",.6f", title="amount per block"), alt.Tooltip("token:N"),
                 alt.Tooltip("value_tao:Q", format=",.6f", title="value (TAO)")],
    ).properties(width=WIDTH - 160, height=HEIGHT - 100, title=title)
    return chart.add_params(*params) if params else chart


def head_block_with(netuid: int, ema_factor: float = 1.0) -> HeadBlock:
    """:func:`head_block` with one subnet's EMA price multiplied by ``ema_factor`` (0.01–100), rerun.

    Only the moving price changes (the gate's input), not the pool: the bar, every share and every
    subnet's terms follow from :func:`dtao_lib.coinbase.block` at HEAD.
    """
    from dataclasses import replace as _replace

    hb = head_block()
    i = hb.index(netuid)
    f = check_real("ema_factor", ema_factor, lo=0.01, hi=100.0)
    ema = hb.state.ema_prices.copy()
    ema[i] *= f
    state = _replace(hb.state, ema_prices=ema)
    return HeadBlock(state=state, result=coinbase.block(state, era="head"), netuids=hb.netuids)


def head_pipeline_explorer() -> Figure:
    """One HEAD block of one subnet of the 2026-04-11 network, picked by its weight rank (addendum §H).

    Static face: a slider for the subnet's rank by weight before the gate (1 = largest; the bar is
    the 32nd), drawing the five steps of :func:`head_pipeline` in TAO value. Past rank 32 the TAO
    bars shrink much faster than the weight (the gate) while α_out stays put. All numbers from
    :func:`head_block` (:func:`dtao_lib.coinbase.block` at HEAD). Live face: any subnet, with its
    EMA price scaled (:func:`head_block_with`), the chart and the :func:`head_pipeline` table.
    """
    data = head_pipeline_frame()
    data = data[data["weight"] > 0]
    top = int(data["rank"].max())

    def static() -> alt.Chart:
        rank_p = slider("rank", lo=1, hi=top, step=1, value=32, label="subnet's weight rank (bar = 32) ")
        return _head_chart(data, (alt.datum.rank == rank_p,), (rank_p,),
                           title="One HEAD block of one subnet (2026-04-11 prices, spec 459 rules)")

    def render(netuid: int, ema_factor: float):
        hb = head_block_with(netuid, ema_factor)
        frame = head_pipeline_frame(block=hb)
        row = frame[frame["netuid"] == int(netuid)]
        table = head_pipeline(netuid, block=hb)
        title = (f"netuid {int(netuid)}: weight rank {table.attrs['weight_rank']}, "
                 f"share {float(row['share'].iloc[0]):.3%} of E")
        return _head_chart(row, title=title), table

    def live():
        import ipywidgets as w

        names = load_subnet_snapshot().set_index("netuid")["name"]
        options = [(f"{int(n)} · {names.get(int(n), '')}", int(n)) for n in data.sort_values("netuid")["netuid"]]
        controls = {
            "netuid": w.Dropdown(options=options, value=64, description="subnet"),
            "ema_factor": w.FloatLogSlider(value=1.0, base=10, min=-2, max=2, step=0.01,
                                           description="EMA price ×", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="one HEAD block by weight rank")


def collateral_example(netuid: int = 64, lock_share: float = 0.5, drain_ratio: float = 2.0) -> pd.DataFrame:
    """A miner registration on ``netuid`` (2026-04-11 burn price and pool) with collateral (spec 435; §A7).

    The whole registration price is swapped into the subnet's HEAD pool in one purchase; the bought alpha
    is split pro rata: ``(1 − p)`` is burned (leaves ``SubnetAlphaOut``), ``p`` is staked to the miner's
    hotkey and locked (:mod:`dtao_lib.collateral`). The lock drains by ``k`` alpha per alpha the miner
    earns. ``lock_share`` p and ``drain_ratio`` k are per-subnet settings whose mainnet values the code
    read does not show: the defaults here are illustrations, not chain values. ``lock_share`` is in
    [0, 1]; ``drain_ratio`` is 0 (never drains) or in [1e-9, 1e9].
    Rows: ``quantity``, ``value``, ``unit``.
    """
    from .. import collateral
    from ..data import subnet_state
    from .amm import pool_from_snapshot

    n = check_int("netuid", netuid, lo=1, hi=65_535)
    share = check_fraction("lock_share", lock_share)
    k = check_real("drain_ratio", drain_ratio, lo=0.0, hi=1e9)
    if 0 < k < 1e-9:
        raise ValueError(f"drain_ratio must be 0 (the lock never drains) or in [1e-09, 1e+09], got {drain_ratio!r}")
    s = subnet_state(n)
    price = _rao(s.neuron_burn_tao or 0.0)
    if price <= 0:
        raise ValueError(f"netuid {n} has no neuron registration price in the {SNAPSHOT_DATE} snapshot")
    split = collateral.charge_split(price, share)
    pool = pool_from_snapshot(n)
    buy = pool.buy_alpha(price)
    burned, locked = collateral.split_bought_alpha(buy.amount_out, split)
    earned_to_free = int(np.ceil(locked / k)) if k > 0 else None
    return pd.DataFrame([
        ("registration price (one swap into the pool)", price / RAO_PER_TAO, "TAO"),
        ("… of which burned (1 − p)", split.burned / RAO_PER_TAO, "TAO"),
        ("… of which collateral p", split.collateral / RAO_PER_TAO, "TAO"),
        ("price rise from the swap (the same with or without collateral)", buy.price_impact, "fraction"),
        ("alpha bought", buy.amount_out / RAO_PER_TAO, "alpha"),
        ("… burned (leaves α_out)", burned / RAO_PER_TAO, "alpha"),
        ("… locked on the miner's hotkey", locked / RAO_PER_TAO, "alpha"),
        ("alpha the miner must earn to free it all (k alpha per alpha earned)",
         np.nan if earned_to_free is None else earned_to_free / RAO_PER_TAO, "alpha"),
    ], columns=["quantity", "value", "unit"])
