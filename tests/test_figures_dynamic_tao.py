"""The numbers of the chapter "Dynamic TAO — every subnet a market" and the book's timeline, against
independent derivations: the §3.4/§3.5 formulas in plain floats, the raw snapshot CSV read with pandas,
and the spec's dates (§9)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

from dtao_lib import amm, claims, coinbase, params
from dtao_lib.data import data_dir
from dtao_lib.figures import dynamic_tao as fig
from dtao_lib.figures import timeline
from dtao_lib.params import TIMELINE

GAMMA = 3_320_413_933_267_719_290 / (2**64 - 1)
OWNER = 11_796 / 65_535
E1, E_HALF = 10**9, 5 * 10**8
RAO = 10**9
SEED = "/work/shared/seed/000_9880012d4701c042.txt"


def _raw_snapshot() -> pd.DataFrame:
    """The shipped CSV read directly (not through dtao_lib's loader)."""
    return pd.read_csv(data_dir() / "subnets_2026-04-11" / "subnets_snapshot_2026-04-11.csv")


# ---------------------------------------------------------------------------------------------
# Timeline (spec §9)
# ---------------------------------------------------------------------------------------------
def test_timeline_frame_has_every_change_with_its_era():
    df = timeline.timeline_frame()
    assert len(df) == len(TIMELINE)
    era_of = dict(zip(df["tag"], df["era"], strict=False))
    assert era_of["v1.2.5"] == "pre-dtao"
    assert era_of["v2.0.0"] == "A"
    assert era_of["v3.2.10"] == "B"
    assert era_of["v3.4.0"] == "B'"
    assert era_of["v3.4.6"] == "C"
    assert era_of["spec425"] == "D"
    assert era_of["spec440"] == "E"
    assert era_of["spec441"] == "F"
    assert set(df["mechanism"]) <= set(timeline.MECHANISMS)
    assert df.loc[df["tag"] == "halving", "approximate"].item()


def test_era_bands_follow_the_spec_dates_and_touch():
    b = timeline.era_bands().set_index("era")
    starts = {k: v.date() for k, v in b["start"].items()}
    assert starts["A"] == dt.date(2025, 2, 13)
    assert starts["B"] == dt.date(2025, 11, 4)
    assert starts["B'"] == dt.date(2026, 5, 27)
    assert starts["C"] == dt.date(2026, 6, 22)
    assert starts["D"] == dt.date(2026, 6, 30)
    assert starts["E"] == dt.date(2026, 7, 27)
    assert starts["F"] == dt.date(2026, 8, 3)
    ends = list(b["end"])[:-1]
    assert ends == list(b["start"])[1:]  # contiguous, no gaps or overlaps
    assert (b["end"] > b["start"]).all()


def test_timeline_chart_highlight_and_bad_input():
    spec = timeline.timeline_chart().to_dict()
    assert len(spec["layer"]) >= 4
    spec_a = timeline.timeline_chart("A").to_dict()
    assert "highlight: A" in str(spec_a["title"])
    table = timeline.timeline_table("emission shares")
    assert set(table["mechanism"]) == {"emission shares"}
    assert len(timeline.timeline_table(["B", "injection"])) == 2  # v3.2.12 and v3.3.1
    with pytest.raises(ValueError, match="highlight must be an era letter"):
        timeline.timeline_chart("Z")
    with pytest.raises(TypeError, match="highlight"):
        timeline.timeline_chart([3])


# ---------------------------------------------------------------------------------------------
# The snapshot as coinbase input
# ---------------------------------------------------------------------------------------------
def test_snapshot_state_matches_the_raw_csv():
    raw = _raw_snapshot()
    state, ids = fig.snapshot_block_state()
    sub = raw[raw["netuid"] != 0].sort_values("netuid")
    assert list(ids) == sub["netuid"].tolist()
    assert state.n_subnets == 128
    assert state.root_tao == round(raw.loc[raw["netuid"] == 0, "tau_in"].item() * RAO)
    assert state.ema_prices.sum() == pytest.approx(sub["moving_price"].fillna(0).sum(), rel=1e-12)
    assert state.emission == E_HALF
    ex = fig.subnet_example(64)
    row = sub[sub["netuid"] == 64].iloc[0]
    t, a = state.root_tao, row["total_alpha"] * RAO
    assert ex.root_proportion == pytest.approx(GAMMA * t / (GAMMA * t + a), abs=1e-9)
    assert ex.price_share == pytest.approx(row["moving_price"] / sub["moving_price"].sum(), rel=1e-9)
    assert ex.sum_ema_prices > 1  # so the root-sell flag was on that day
    with pytest.raises(ValueError, match="netuid"):
        fig.subnet_example(0)
    with pytest.raises(ValueError, match="netuid must be a non-root subnet"):
        fig.subnet_example(500)


def test_era_block_emission():
    assert fig.era_block_emission("v2.0.0") == E1
    assert fig.era_block_emission("v3.2.12") == E1
    assert fig.era_block_emission("v3.3.1") == E_HALF  # shown after the halving (its cap needs E < α_e)
    assert fig.era_block_emission("head") == E_HALF
    assert fig.era_block_emission("v3.4.0") == E_HALF


# ---------------------------------------------------------------------------------------------
# One block: §3.4 and §3.5 in plain floats
# ---------------------------------------------------------------------------------------------
def _reference(share, p, era, ex, sell=True):
    E = fig.era_block_emission(era)
    tau = E * share
    ae = RAO  # alpha issuance < 10.5 M α
    r = GAMMA * ex.root_tao_rao / (GAMMA * ex.root_tao_rao + ex.alpha_issuance_rao)
    if era == "v2.0.0":
        tin, ain, exc = tau, min(tau / p, ae), 0.0
    elif era == "v3.2.3":
        tin, ain, exc = (p * E, E, tau - p * E) if p < share else (tau, tau / p, 0.0)
    else:
        cap = {"v3.2.12": ae, "v3.3.1": min(ae, E), "head": r * ae}[era]
        ain = min(tau / p, cap)
        tin = ain * p if tau / p > cap else tau
        exc = tau - tin
    owner = ae * OWNER
    a = ae - owner
    return {"tao_in": tin, "alpha_in": ain, "excess_tao": exc, "owner": owner, "server": a / 2,
            "root_all": r * a / 2, "tau": tau}


@pytest.mark.parametrize("era", ["v2.0.0", "v3.2.3", "v3.2.12", "v3.3.1", "head"])
@pytest.mark.parametrize(("share", "price"), [(0.05, 0.03), (0.05, 0.08), (0.02, 0.3), (0.08, 0.02)])
def test_one_block_matches_the_spec_formulas(era, share, price):
    ex = fig.subnet_example(64)
    f = fig.one_block(share, price, era)
    ref = _reference(share, price, era, ex)
    assert abs(f["tao_emission"] - ref["tau"]) <= 1
    for k in ("tao_in", "excess_tao", "owner", "server"):
        assert abs(f[k] - ref[k]) <= 2, (k, f[k], ref[k])
    # α_in = τ/p can be large; the chain divides in U96F32, so allow a relative 1e-8
    assert f["alpha_in"] == pytest.approx(ref["alpha_in"], rel=1e-8, abs=2)
    # conservation, exactly
    assert f["tao_in"] + f["excess_tao"] + f["recycled_tao"] == f["tao_emission"]
    assert f["owner"] + f["server"] + f["validator"] + f["root"] + f["root_recycled"] + f["dust"] == f["alpha_out"]
    assert 0 <= f["dust"] <= 3
    # root takes r·a/2 (the split's r is evaluated after the injection: differs in the 7th digit)
    root_all = f["root"] + f["root_recycled"]
    assert root_all == pytest.approx(ref["root_all"], rel=1e-6)
    if f["excess_tao"] > 0 and era != "v2.0.0":
        # a fee-free chain buy of a tiny amount gets ≈ excess/p alpha (slippage < 1e-3 here)
        assert f["bought_alpha"] == pytest.approx(f["excess_tao"] / price, rel=2e-3)
        assert f["bought_alpha"] < f["excess_tao"] / price
    else:
        assert f["bought_alpha"] == 0


def test_one_block_regimes():
    # at HEAD the cap binds below p* = E·share/(r·α_e)
    ex = fig.subnet_example(64)
    p_star = 0.025 / ex.root_proportion
    assert fig.one_block(0.05, p_star * 0.99)["excess_tao"] > 0
    assert fig.one_block(0.05, p_star * 1.01)["excess_tao"] == 0
    # subsidy era: subsidised iff p < share, and the subsidised subnet's root alpha is not paid
    sub = fig.one_block(0.05, 0.03, "v3.2.3")
    assert sub["subsidized"]
    assert sub["root"] == 0
    assert sub["root_recycled"] > 0
    assert not fig.one_block(0.05, 0.06, "v3.2.3")["subsidized"]
    # root-sell flag off: recycled at HEAD, left to validators in v3.2.12
    head = fig.one_block(0.05, 0.08, root_sell_flag=False)
    assert head["root"] == 0
    assert head["root_recycled"] > 0
    v12 = fig.one_block(0.05, 0.08, "v3.2.12", root_sell_flag=False)
    assert v12["root"] == 0
    assert v12["root_recycled"] == 0
    assert v12["validator"] == v12["server"]
    # owner cut switched off (v3.4.0+): miners and validators 50/50
    off = fig.one_block(0.05, 0.08, owner_cut_enabled=False)
    assert off["owner"] == 0
    assert off["server"] == RAO // 2
    # root paid as TAO before v3.2.10
    assert fig.one_block(0.05, 0.08, "v2.0.0")["root_paid_as"].startswith("TAO")


def test_one_block_bad_input():
    with pytest.raises(ValueError, match="share must be a finite number in"):
        fig.one_block(1.5, 0.1)
    with pytest.raises(ValueError, match="price must be a finite number"):
        fig.one_block(0.05, 0.0)
    with pytest.raises(TypeError, match="price must be a real number"):
        fig.one_block(0.05, "0.1")
    with pytest.raises(ValueError, match="dTAO release"):
        fig.one_block(0.05, 0.1, "v1.2.5")
    with pytest.raises(ValueError, match=r"owner_cut_enabled=False needs era v3\.4\.0"):
        fig.one_block(0.05, 0.1, "v2.0.0", owner_cut_enabled=False)
    with pytest.raises(TypeError, match="alpha_issuance_rao must be an integer"):
        fig.one_block(0.05, 0.1, alpha_issuance_rao=1.5)


def test_injection_table_rows():
    t = fig.injection_table(0.05, 0.03)
    assert len(t) == 5
    launch, subsidy, v12, v331, head = (t.iloc[i] for i in range(5))
    assert launch["τ_in"] == launch["τ"]  # always full at launch
    assert launch["α_in"] == pytest.approx(1.0)  # capped at α_e = 1
    assert subsidy["τ_in"] == pytest.approx(0.03)  # p·E
    assert v12["chain buy"] == pytest.approx(0.02)
    assert v331["α_in"] == pytest.approx(0.5)  # min(α_e, E) after the halving
    assert head["bought α →"] == "protocol alpha"
    assert v12["bought α →"] == "recycled"


# ---------------------------------------------------------------------------------------------
# The whole network, root proportions, the α_out split, the epoch
# ---------------------------------------------------------------------------------------------
def test_network_block_conserves_and_counts():
    net = fig.network_block("head")
    tao = net[net["token"] == "TAO"]["rao per block"]
    assert int(tao.sum()) == E_HALF
    alpha = net["rao per block"]
    parts = sum(int(alpha[k]) for k in ("… to owners", "… to miners", "… to alpha validators", "… to root stakers",
                                        "… root alpha recycled"))
    out = int(alpha["alpha emitted (Σ α_out)"])
    assert 0 <= out - parts <= 3 * 128
    assert out == 128 * RAO  # every subnet below 10.5 M α mints 1 α
    assert net.attrs["tao_conserved"]
    assert net.attrs["alpha_conserved"]
    assert net.attrs["root_sell_flag"]
    assert 0 < net.attrs["chain_buy_subnets"] <= 128
    # era A (EMA-price shares, no cap on τ_in at launch): no chain buys at all
    assert int(fig.network_block("A").loc["TAO spent on chain buys (Σ excess)", "rao per block"]) == 0
    with pytest.raises(ValueError, match="price shares"):
        fig.network_block("B")


def test_root_proportions_are_the_formula():
    rp = fig.root_proportions()
    raw = _raw_snapshot()
    t = raw.loc[raw["netuid"] == 0, "tau_in"].item() * RAO
    a = raw.set_index("netuid").loc[rp["netuid"], "total_alpha"].to_numpy() * RAO
    np.testing.assert_allclose(rp["root proportion"], GAMMA * t / (GAMMA * t + a), atol=1e-9)
    both = rp["root stakers' part of validators' α"] + rp["alpha stakers' part of validators' α"]
    np.testing.assert_allclose(both, 1.0, atol=1e-12)
    np.testing.assert_allclose(rp["root stakers' part of validators' α"], rp["root proportion"], atol=1e-8)


def test_alpha_split_grid():
    g = fig.alpha_split_grid(root_tao_m=(0.0, 5.0), issuance_m=(0.1, 1.0, 10.0))
    assert len(g) == 2 * 2 * 3
    # the grid is rounded to 6 decimals (it is the static figure's data)
    np.testing.assert_allclose(g["owner"], OWNER, atol=1e-6)
    np.testing.assert_allclose(g["server"], (1 - OWNER) / 2, atol=1e-6)
    total = g[["owner", "server", "validator", "root", "root_recycled"]].sum(axis=1)
    np.testing.assert_allclose(total, 1.0, atol=3e-6)
    on = g[g["flag"] == 1]
    np.testing.assert_allclose(on["root"], on["root_proportion"] * (1 - OWNER) / 2, atol=2e-6)
    off = g[g["flag"] == 0]
    assert (off["root"] == 0).all()
    np.testing.assert_allclose(off["root_recycled"], off["root_proportion"] * (1 - OWNER) / 2, atol=2e-6)
    zero_root = g[g["root_tao_x10"] == 0]
    assert (zero_root["root_proportion"] == 0).all()
    # root's part falls as the subnet's alpha issuance grows
    five = on[on["root_tao_x10"] == 50].sort_values("issuance_m")
    assert five["root"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="issuance_m"):
        fig.alpha_split_grid(issuance_m=(30.0,))


def test_dividend_example_is_the_spec_rescaling():
    div = fig.dividend_example().set_index("validator")
    pv, pr = div.attrs["pending_validator"], div.attrs["pending_root"]
    assert div.attrs["blocks"] == 361
    assert div.loc["V1", "to its root stakers (α)"] == 0
    assert div.loc["V2", "to its root stakers (α)"] == pytest.approx(pr, abs=1e-9)
    # each hotkey's fraction is a U96F32 (2^-32) truncated before it multiplies the pool: ≤ pv·2^-32 each
    assert div["to its alpha stakers (α)"].sum() == pytest.approx(pv, abs=2 * pv * 2**-32 + 2e-9)
    rp = GAMMA * 2e6 / (4e5 + GAMMA * 2e6)
    assert div.loc["V2", "to its alpha stakers (α)"] / div.loc["V1", "to its alpha stakers (α)"] == pytest.approx(
        1 - rp, rel=1e-8)


# ---------------------------------------------------------------------------------------------
# Figures: static faces carry bound controls, live faces recompute and report bad input
# ---------------------------------------------------------------------------------------------
def test_static_faces_have_bound_controls_and_modest_data():
    spec = fig.where_the_tao_goes().chart().to_dict()
    names = {p["name"] for p in spec["params"] if "bind" in p}
    assert names == {"era", "share", "price"}
    grid = fig.one_block_grid()
    assert len(grid) == 5 * 15 * 8
    spec = fig.alpha_split_explorer().chart().to_dict()
    assert {p["name"] for p in spec["params"] if "bind" in p} == {"root_tao", "flag"}
    assert len(fig.alpha_split_grid()) <= 5_000


def _parts(panel):
    controls = {c.description: c for c in panel.children[0].children}
    return controls, panel.children[1]


def test_live_faces_recompute_and_report_errors():
    panel = fig.where_the_tao_goes().live()
    controls, err = _parts(panel)
    assert err.value == ""
    t0 = time.perf_counter()
    controls["spot price p"].value = 0.5
    assert time.perf_counter() - t0 < 1.0
    controls["era"].value = "v2.0.0"
    controls["owner cut on (toggle from v3.4.0)"].value = False
    assert "owner_cut_enabled=False needs era v3.4.0" in err.value
    split = fig.alpha_split_explorer().live()
    controls, err = _parts(split)
    controls["TAO weight γ"].value = 0.5
    assert err.value == ""


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("claim_id", ["dtao-allocation-market-price", "dtao-41-41-18"])
def test_claims_quote_the_seed_exactly(claim_id):
    c = claims.get(claim_id)
    assert c.check(c.evidence())
    try:
        with open(SEED, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        pytest.skip("seed article not available")
    assert c.japanese in text


def test_split_claim_numbers():
    ev = claims.get("dtao-41-41-18").evidence()["value"].tolist()
    assert ev[0] == pytest.approx(OWNER, abs=1e-9)
    assert ev[1] == pytest.approx((1 - OWNER) / 2, abs=1e-9)
    assert ev[4] + ev[5] == pytest.approx(ev[2], abs=1e-8)
    assert coinbase.root_sell_flag(fig.snapshot_block_state()[0].ema_prices)


def test_chain_buy_runs_on_the_pool_as_the_chain_has_it():
    """The chain buy's pool per era.

    Balancer (2026-06-30): ``adjust_protocol_liquidity`` updates the weights, the swap runs on the
    reserves before the injection, which is added after it (subtensor 14bc6f9f
    ``pallets/subtensor/src/coinbase/run_coinbase.rs`` L91, L104, L137-147; ``pallets/swap/src/pallet/impls.rs``
    L84-115). Subsidy (v3.2.3): the swap (L90) comes before the injection (L127). Uniswap v3 (v3.2.12):
    ``adjust_protocol_liquidity`` (L112) before the swap (L115).
    """
    share, price = 0.08, 0.02  # price < share: chain buys in every era with one
    reserve = 2 * 10**9  # a thin pool (2 TAO) so that the order shows in the amounts
    alpha = round(reserve / price)
    for era in ("2026-06-30", "v3.4.8"):
        f = fig.one_block(share, price, era, tao_reserve_rao=reserve)
        e = params.era(era)
        pool = amm.pool_for(e, reserve, alpha, fee_rate_u16=0)
        w = pool.inject(f["tao_in"], f["alpha_in"]).pool.quote_weight
        want = amm.pool_for(e, reserve, alpha, quote_weight=w, fee_rate_u16=0).buy_alpha(f["excess_tao"]).amount_out
        assert f["excess_tao"] > 0
        assert f["bought_alpha"] == want
        after = amm.pool_for(e, reserve + f["tao_in"], alpha + f["alpha_in"], fee_rate_u16=0)
        assert f["bought_alpha"] < after.buy_alpha(f["excess_tao"]).amount_out  # a smaller pool: more impact
    f = fig.one_block(share, price, "v3.2.3", tao_reserve_rao=reserve)
    assert f["bought_alpha"] == amm.pool_for("v3.2.3", reserve, alpha, fee_rate_u16=0).buy_alpha(
        f["excess_tao"]).amount_out
    f = fig.one_block(share, price, "v3.2.12", tao_reserve_rao=reserve)
    assert f["bought_alpha"] == amm.pool_for("v3.2.12", reserve + f["tao_in"], alpha + f["alpha_in"],
                                             fee_rate_u16=0).buy_alpha(f["excess_tao"]).amount_out


def test_timeline_rows_after_june_2026_carry_evidence_labels_and_date_kinds():
    """Every change after 2026-06-30 has an addendum label ([V]/[P]/[T]) and its date kind; the earlier
    ones (read in code at a tag, spec §9) have none (addendum §A0, §A1)."""
    df = timeline.timeline_frame()
    late = df["date"] > "2026-06-30"
    assert late.sum() >= 10
    assert (df.loc[late, "labels"] != "").all()
    assert (df.loc[~late, "labels"] == "").all()
    assert timeline.evidence_labels("[P] PR #2968; [T] live; code @f8ff769a [V]") == "[V] [P] [T]"
    assert set(df["kind"]) <= set(timeline.DATE_SHAPES)
    kinds = dict(zip(df["tag"], df["kind"], strict=False))
    assert kinds["spec440"] == "live on Finney (chain watchers)"
    assert kinds["spec444"] == "PR text date"
    assert kinds["v3.4.6"] == "tag commit date"
    assert kinds["halving"] == "approximate (public reports)"
    table = timeline.timeline_table("F")
    assert {"labels", "date kind"} <= set(table.columns)
    assert (table["labels"] != "").all()
    assert "September 2026" in str(timeline.timeline_chart().to_dict()["title"])


# ---------------------------------------------------------------------------------------------
# HEAD (spec 459): the pipeline since the gate (addendum §A2, §A4, §A5, §H)
# ---------------------------------------------------------------------------------------------
def _hill_shares(ema: np.ndarray, rank: int = 32, h: float = 3.0) -> tuple[np.ndarray, float, np.ndarray]:
    """Addendum §H in plain floats: price shares, θ = rank-th largest positive weight, g = w/(1+(θ/w)^h)."""
    w = ema / ema.sum()
    pos = np.sort(w[w > 0])[::-1]
    theta = pos[rank - 1] if pos.size >= rank else pos[-1]
    g = np.zeros_like(w)
    g[w > 0] = w[w > 0] / (1 + (theta / w[w > 0]) ** h)
    return w, float(theta), g / g.sum()


def test_head_pipeline_gate_terms_and_split_against_independent_formulas():
    hb = fig.head_block()
    t = fig.head_pipeline(64).set_index("quantity")["value"]
    w, theta, share = _hill_shares(hb.state.ema_prices)
    i = hb.index(64)
    # EMA prices enter as U96F32 (2^-32 TAO per alpha), so a weight carries ~1e-8 relative error
    assert t["weight before the gate w (price share × (1 − burn))"] == pytest.approx(w[i], rel=1e-7)
    assert t["bar θ (32nd-largest weight)"] == pytest.approx(theta, rel=1e-7)
    assert t["gated share = g/Σg, g = w/(1 + (θ/w)³)"] == pytest.approx(share[i], rel=1e-6)  # I32F32 ln/exp
    e_i = t["TAO emitted to the subnet E·share"]
    assert abs(e_i - E_HALF * share[i]) <= E_HALF * 1e-6
    # terms (spec §3.4): α_in = min(E_i/p, root_prop·α_e), τ_in + excess = E_i
    p = float(hb.state.spot_prices[i])
    iss = int(hb.state.alpha_issuance[i])
    rp = GAMMA * hb.state.root_tao / (GAMMA * hb.state.root_tao + iss)
    alpha_e = coinbase.alpha_emission(iss)
    assert abs(t["α_in = min(E_i/p, root_prop·α_e)"] - min(e_i / p, rp * alpha_e)) <= 2 / p + 2
    assert 0 <= e_i - (t["τ_in = α_in·p"] + t["excess = E_i − τ_in"]) <= 1  # U96F32 truncation: < 1 rao recycled
    # the chain buy: a fee-free swap of the excess on the subnet's own pool, before the injection
    pool = hb.state.pools[i]
    from dataclasses import replace

    bought = replace(pool, fee_rate_u16=0).buy_alpha(int(t["excess = E_i − τ_in"])).amount_out
    assert t["alpha bought (kept as protocol alpha)"] == bought
    assert t["TAO refunded to the block credit (failed swap)"] == 0
    # small injections never push a weight out of [0.01, 0.99]: nothing waits in the reservoirs
    assert t["TAO / alpha left in the reservoirs"] == "0 / 0"
    # α_out split (spec §3.5) sums to α_e
    parts = ["owner", "miners", "validators (alpha stake)", "root stakers (pending root alpha)"]
    assert t["α_out (minted for participants)"] == alpha_e
    assert 0 <= alpha_e - sum(t[k] for k in parts) <= 3
    assert t["owner"] == alpha_e * 11_796 // 65_535
    a = fig.head_pipeline(64).attrs
    assert a["tao_conserved"]
    assert a["alpha_conserved"]
    assert a["subnets_at_or_above_bar"] == 32
    assert a["weight_rank"] == 1


def test_head_pipeline_frame_ranks_and_the_gate_below_the_bar():
    df = fig.head_pipeline_frame()
    pos = df[df["weight"] > 0]
    assert pos["rank"].tolist() == list(range(1, len(pos) + 1))
    assert pos["share"].is_monotonic_decreasing  # the gate keeps the order of the weights
    # g/w = 1/(1 + (θ/w)³) grows with w: the larger a subnet, the more of its weight it keeps
    kept = (pos["share"] / pos["weight"]).to_numpy()
    assert (np.diff(kept) <= 1e-9).all()
    assert kept[0] > 1 > kept[31]  # the largest gain, the one at the bar keeps (1/2)/Σg < 1
    # TAO side: emitted TAO = E·share; α_out is the same order of magnitude for every subnet
    emitted = pos["tao_in"] + pos["chain_buy"] + pos["refunded"]
    np.testing.assert_allclose(emitted, pos["share"] * 0.5, rtol=1e-6, atol=2e-9)
    with pytest.raises(ValueError, match="netuid must be a non-root subnet"):
        fig.head_pipeline(999)


def test_head_pipeline_explorer_is_a_static_figure_with_a_rank_slider():
    spec = fig.head_pipeline_explorer().chart().to_dict()
    params_ = spec.get("params", [])
    assert [p["name"] for p in params_] == ["rank"]
    assert params_[0]["bind"]["input"] == "range"
    assert params_[0]["value"] == 32


def test_root_reborn_dividend_example():
    """Spec 442 (addendum §A5 [V]): no root UID, no root part; the legacy split (spec 425) pays it."""
    reg = {"V1": True, "V2": False}
    head = fig.dividend_example(root_registered=reg).set_index("validator")
    june = fig.dividend_example(root_registered=reg, era="spec425").set_index("validator")
    assert head.loc["V2", "to its root stakers (α)"] == 0.0
    assert june.loc["V2", "to its root stakers (α)"] > 0
    both = fig.dividend_example().set_index("validator")
    assert both.loc["V2", "to its root stakers (α)"] == pytest.approx(both.attrs["pending_root"], rel=1e-9)
    # the alpha part is always D·a/(a + γ·r), registered or not
    assert head.loc["V2", "to its alpha stakers (α)"] == pytest.approx(both.loc["V2", "to its alpha stakers (α)"],
                                                                      rel=1e-9)


def test_collateral_example_splits_one_purchase():
    df = fig.collateral_example(18, lock_share=0.25, drain_ratio=2.0).set_index("quantity")["value"]
    price = df["registration price (one swap into the pool)"]
    assert price == 1.0  # Zeus' neuron burn on 2026-04-11
    assert df["… of which burned (1 − p)"] == pytest.approx(0.75)
    assert df["… of which collateral p"] == pytest.approx(0.25)
    bought = df["alpha bought"]
    assert df["… burned (leaves α_out)"] + df["… locked on the miner's hotkey"] == pytest.approx(bought, abs=1e-9)
    assert df["… locked on the miner's hotkey"] == pytest.approx(bought / 4, abs=1e-9)
    assert df["alpha the miner must earn to free it all (k alpha per alpha earned)"] == pytest.approx(
        df["… locked on the miner's hotkey"] / 2, abs=1e-9)
    with pytest.raises(ValueError, match="lock_share"):
        fig.collateral_example(18, lock_share=1.5)


def test_head_block_with_a_higher_price_moves_a_subnet_across_the_bar():
    """Raising the EMA price of the rank-64 subnet (netuid from the frame) lifts its weight and its gated
    share by more than the weight (the Hill gate is steep below the bar); conservation still holds."""
    frame = fig.head_pipeline_frame()
    n = int(frame.loc[frame["rank"] == 64, "netuid"].iloc[0])
    before = fig.head_pipeline(n).set_index("quantity")["value"]
    hb = fig.head_block_with(n, 3.0)
    after = fig.head_pipeline(n, block=hb)
    a = after.set_index("quantity")["value"]
    w0, w1 = before.iloc[0], a.iloc[0]
    s0, s1 = before.iloc[2], a.iloc[2]
    assert w1 > w0
    assert s1 / s0 > w1 / w0
    assert after.attrs["weight_rank"] < 32
    assert after.attrs["tao_conserved"]
    assert after.attrs["alpha_conserved"]
    with pytest.raises(ValueError, match="ema_factor"):
        fig.head_block_with(n, 0.0)


# ---------------------------------------------------------------------------------------------
# Bad input the generated suite (tests/test_bad_input.py) does not fuzz: strings, frames, objects
# ---------------------------------------------------------------------------------------------
def test_snapshot_parameters_reject_non_frames_and_missing_columns():
    from dtao_lib.data import load_subnet_snapshot

    snap = load_subnet_snapshot()
    no_price = snap.drop(columns=["moving_price_tao_per_alpha"])
    calls = [lambda s: fig.snapshot_block_state(snapshot=s), lambda s: fig.subnet_example(64, snapshot=s),
             lambda s: fig.root_proportions(snapshot=s), lambda s: fig.network_block("head", snapshot=s),
             lambda s: fig.head_block(snapshot=s)]
    for call in calls:
        with pytest.raises(TypeError, match="snapshot must be a pandas DataFrame"):
            call(snap.to_dict())
        with pytest.raises(ValueError, match=r"snapshot is missing column\(s\) \['moving_price_tao_per_alpha'\]"):
            call(no_price)
    with pytest.raises(ValueError, match="snapshot has no root row"):
        fig.snapshot_block_state(snapshot=snap[snap["netuid"] != 0])


def test_string_and_object_parameters_are_checked():
    with pytest.raises(ValueError, match=r"era must be a (subtensor )?release tag"):  # params.era lists them
        fig.one_block(0.05, 0.08, "v9.9.9")
    with pytest.raises(ValueError, match=r"era must be a (subtensor )?release tag"):
        fig.alpha_split_grid((1.0,), (1.0,), era="no-such-era")
    with pytest.raises(ValueError, match="root_registered key must be one of 'V1', 'V2', got 'V3'"):
        fig.dividend_example(root_registered={"V3": True})
    with pytest.raises(TypeError, match=r"root_registered\['V1'\] must be a bool"):
        fig.dividend_example(root_registered={"V1": "yes"})
    with pytest.raises(TypeError, match="root_registered must be None or a dict"):
        fig.dividend_example(root_registered=[True, False])
    with pytest.raises(TypeError, match="block must be a HeadBlock"):
        fig.head_pipeline(64, block="head")
    with pytest.raises(TypeError, match="block must be a HeadBlock"):
        fig.head_pipeline_frame(block=fig.head_block().state)
    with pytest.raises(TypeError, match="eras must contain InjectionEra"):
        fig.one_block_grid((4,), (1,), eras=("head",))
    with pytest.raises(TypeError, match="eras must be a non-empty sequence"):
        fig.one_block_grid((4,), (1,), eras=())
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        fig.alpha_split_chart([1, 2])
    with pytest.raises(ValueError, match=r"data is missing column\(s\) \['root'\]"):
        fig.alpha_split_chart(fig.alpha_split_grid((1.0,), (1.0,)).drop(columns="root"))
    with pytest.raises(ValueError, match="marks is missing column"):
        fig.alpha_split_chart(fig.alpha_split_grid((1.0,), (1.0,)), marks=pd.DataFrame({"netuid": [1]}))


def test_grid_and_range_limits_name_the_parameter():
    with pytest.raises(ValueError, match="prices_centi must contain whole numbers"):
        fig.one_block_grid((4.5,), (1,))
    with pytest.raises(ValueError, match="prices_centi must have at most 200 elements"):
        fig.one_block_grid(tuple(range(1, 300)), (1,))
    with pytest.raises(ValueError, match="shares_pct must contain integers in"):
        fig.one_block_grid((4,), (101,))
    with pytest.raises(ValueError, match="root_tao_m must have at least 1"):
        fig.alpha_split_grid(())
    with pytest.raises(ValueError, match="block_emission_rao must be an integer in"):
        fig.one_block(0.05, 0.08, block_emission_rao=2 * RAO)
    with pytest.raises(ValueError, match="block_emission_rao must be an integer in"):
        fig.network_block(block_emission_rao=0)
    with pytest.raises(ValueError, match="tao_reserve_rao must be an integer in"):
        fig.one_block(0.05, 0.08, tao_reserve_rao=22 * 10**15)
    with pytest.raises(TypeError, match="root_sell_flag must be a bool"):
        fig.one_block(0.05, 0.08, root_sell_flag="False")
    with pytest.raises(ValueError, match="tempo must be an integer in"):
        fig.dividend_example(tempo=70_000)
    with pytest.raises(ValueError, match=r"drain_ratio must be 0 \(the lock never drains\)"):
        fig.collateral_example(18, drain_ratio=1e-300)
    # the limits leave every valid call as it was: E = 1 TAO and a zero drain ratio still work
    assert fig.one_block(0.05, 0.08, "v2.0.0", block_emission_rao=RAO)["block_emission"] == RAO
    assert np.isnan(fig.collateral_example(18, drain_ratio=0.0).set_index("quantity")["value"].iloc[-1])


def test_snapshot_numbers_are_checked():
    """A snapshot with an infinite, negative or out-of-supply amount, a non-whole netuid or an absurd price is
    refused naming the column (it used to reach int() and raise OverflowError)."""
    from dtao_lib.data import load_subnet_snapshot

    snap = load_subnet_snapshot()
    assert fig.root_proportions(snapshot=snap).equals(fig.root_proportions())  # the shipped one passes
    for col, bad in (("tao_in_tao", np.inf), ("tao_in_tao", -1.0), ("total_alpha_alpha", 2.2e7),
                     ("alpha_in_alpha", np.nan), ("price_tao_per_alpha", 1e300), ("netuid", 3.5)):
        s = snap.copy()
        s[col] = s[col].astype(float)
        s.loc[s.index[3], col] = bad
        for call in (fig.root_proportions, fig.snapshot_block_state, fig.head_block, fig.network_block):
            with pytest.raises(ValueError, match=rf"snapshot\['{col}'\] must"):
                call(snapshot=s)


def test_one_block_price_too_small_for_the_pool_is_refused():
    """At a price below tao_reserve / 21e15 the pool's alpha reserve would exceed the supply cap: refused naming
    price (it raised OverflowError for 5e-324, or an error naming alpha_reserve)."""
    for p in (5e-324, 1e-300, 1e-6):  # injection_table runs every era, some of which chain-buy at this price
        with pytest.raises(ValueError, match="price must be at least"):
            fig.injection_table(0.05, p)
    fig.one_block(0.05, 0.02, "head")  # the chapter's smallest grid price still works
