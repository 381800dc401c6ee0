"""The dTAO coinbase (spec §3): public vectors CB-*, every era row of §3.4, and conservation laws.

Reference values are derived independently here (exact rationals with ``fractions.Fraction``),
never copied from the library.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtao_lib import coinbase as cb
from dtao_lib.emission import block_emission
from dtao_lib.params import SUBNET_OWNER_CUT_U16, TAO_WEIGHT, era

F32 = 2**32


def q32(x: float) -> Fraction:
    """The value the chain stores for a float: the nearest multiple of 2^-32."""
    return Fraction(round(x * F32), F32)


# ---------------------------------------------------------------------------------------------
# Public vectors
# ---------------------------------------------------------------------------------------------
def _cb01(v):
    i, x = v["inputs"], v["expected"]
    for era_name in ("A", "2026-06-30"):  # the note: era A, and again from Jun 2026 with zero burn
        got = cb.subnet_tao_emission(i["block_emission_rao"], i["ema_prices"], era=era_name)
        assert got == x["tao_in_rao"]
        assert abs(sum(got) - x["total_issuance_rao_approx"]) <= 2


def _cb02(v):
    i, x = v["inputs"], v["expected"]
    taus = cb.subnet_tao_emission(i["block_emission_rao"], i["ema_prices"], era="A")
    got = [
        cb.subnet_terms(t, p, i["alpha_emission_rao"], era="A").alpha_in
        for t, p in zip(taus, i["spot_prices"], strict=True)
    ]
    assert got == x["alpha_in_injected_rao"]


def _cb03(v):
    i, x = v["inputs"], v["expected"]
    taus = cb.subnet_tao_emission(i["block_emission_rao"], i["ema_prices"], era="A")
    for k, tau in enumerate(taus):
        spot = i["subnet_tao"][k] / i["subnet_alpha_in"][k]
        ae = cb.alpha_emission(i["subnet_alpha_in"][k])  # issuance ≈ 1e9, far below 10.5e15
        terms = cb.subnet_terms(tau, spot, cb.injection_cap(ae, era="A"), era="A")
        assert terms.alpha_in == x["alpha_in_injected_rao"][k]
        assert ae == x["alpha_out_rao"][k]
        assert terms.tao_in == tau
        assert terms.excess_tao == 0


def _cb04(v):
    i, x = v["inputs"], v["expected"]
    ae = cb.alpha_emission(i["alpha_issuance_rao"])
    assert ae == x["alpha_emission_rao"] == x["alpha_out_added_rao"]
    tau = cb.subnet_tao_emission(i["block_emission_rao"], [1.0], era="A")[0]
    assert cb.subnet_terms(tau, 1e-6, ae, era="A").alpha_in == x["alpha_in_injected_rao"]


def _cb05(v):
    i, x = v["inputs"], v["expected"]
    ae = cb.alpha_emission(10**9)  # "small" issuance → 1 alpha per block
    for cut_u16, want in zip(i["subnet_owner_cut_u16"], x["pending_owner_cut_after_one_block_rao"], strict=True):
        split = cb.split_alpha_out(ae, owner_cut=cut_u16 / 65535, root_proportion=0.0)
        assert split.owner == want
        assert split.total == ae


def _cb08(v):
    i, x = v["inputs"], v["expected"]
    ae = cb.alpha_emission(0)
    cap = cb.injection_cap(ae, root_proportion=1.0)  # cap ≈ 1e9, not binding
    terms = cb.subnet_terms(i["tao_emission_rao"], i["spot_price"], cap)
    tol = 0.01
    assert abs(terms.tao_in - x["tao_in"]) <= tol
    assert abs(terms.alpha_in - x["alpha_in"]) <= tol
    assert abs(terms.excess_tao - x["excess_tao"]) <= tol
    assert ae == 10**9  # alpha_out = alpha_emission at low issuance


VECTOR_CHECKS = {"CB-01": _cb01, "CB-02": _cb02, "CB-03": _cb03, "CB-04": _cb04, "CB-05": _cb05, "CB-08": _cb08}


@pytest.mark.parametrize("vid", sorted(VECTOR_CHECKS))
def test_public_vectors(vectors, vid):
    VECTOR_CHECKS[vid](vectors[vid])


# ---------------------------------------------------------------------------------------------
# Shares (§3.2)
# ---------------------------------------------------------------------------------------------
def test_pre_dtao_points_to_root_epoch():
    with pytest.raises(ValueError, match=r"root_era\.root_epoch"):
        cb.subnet_tao_emission(10**9, [1.0, 2.0], era="v1.2.5")
    with pytest.raises(ValueError, match="root_epoch"):
        cb.block({"ema_prices": [1.0], "spot_prices": [1.0], "alpha_issuance": np.array([0]), "root_tao": 0,
                  "block_emission": 10**9}, era="pre-dtao")


@given(
    prices=st.lists(st.floats(min_value=0.0, max_value=5.0, allow_subnormal=False), min_size=1, max_size=12),
    e=st.integers(min_value=0, max_value=10**9),
)
def test_era_a_is_floor_of_exact_rational(prices, e):
    """I96F32 ``(E·p̄_i) / Σ p̄`` truncates exactly like the rational floor of the stored prices."""
    got = cb.subnet_tao_emission(e, prices, era="A")
    qs = [q32(p) for p in prices]
    total = sum(qs)
    want = [int(e * p / total) if total else 0 for p in qs]
    assert got == want


@given(
    prices=st.lists(st.floats(min_value=1e-6, max_value=2.0), min_size=1, max_size=16),
    burns=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=16, max_size=16),
    e=st.integers(min_value=1, max_value=10**9),
)
def test_head_shares_match_rational_within_one_rao(prices, burns, e):
    n = len(prices)
    burn = burns[:n]
    got = cb.subnet_tao_emission(e, prices, miner_burned=burn, era="2026-06-30")  # era D, before the gate
    w = [q32(p) * (1 - q32(b)) for p, b in zip(prices, burn, strict=True)]
    if sum(w) == 0:  # every subnet fully burned: era D falls back to price shares
        w = [q32(p) for p in prices]
    want = [e * x / sum(w) for x in w]
    assert all(0 <= float(wv) - g < 1 + 1e-9 for g, wv in zip(got, want, strict=True))
    assert sum(got) <= e


def test_june_2026_burn_weighting_and_fallback():
    june = "2026-06-30"  # era D: the rule before the emission gate
    # Burning half the miner emission halves the weight, then everything is renormalised.
    got = cb.subnet_tao_emission(1_000_000_000, [0.2, 0.2], miner_burned=[0.5, 0.0], era=june)
    assert got == [333_333_333, 666_666_666]
    # All weights zero → pure price shares (era D). The U64F64 share floor(2^64/3)/2^64 is a hair
    # under 1/3, so era D pays 299 where era A's I96F32 multiply-then-divide pays 300.
    assert cb.subnet_tao_emission(900, [0.125, 0.25], miner_burned=[1.0, 1.0], era=june) == [299, 599]
    assert cb.subnet_tao_emission(1_000, [0.125, 0.25], miner_burned=[1.0, 1.0], era=june) == [333, 666]
    # Era C falls back to the same price shares (see test_era_c_all_weights_zero_falls_back_to_price_shares).
    assert cb.subnet_tao_emission(900, [0.125, 0.25], miner_burned=[1.0, 1.0], root_proportions=[0.5, 0.5],
                                  era="C") == [299, 599]
    # Era A ignores the burn.
    assert cb.subnet_tao_emission(900, [0.125, 0.25], miner_burned=[1.0, 0.0], era="A") == [300, 600]
    # Prices off the 2^-32 grid truncate like the chain: 900·q(0.2)/(q(0.1) + q(0.2)) = 599.99…
    assert cb.subnet_tao_emission(900, [0.1, 0.2], era="A") == [300, 599]


def test_era_c_all_weights_zero_falls_back_to_price_shares():
    """Era C with every weight 0 pays plain price shares, not zeros.

    subtensor v3.4.6 ``pallets/subtensor/src/coinbase/subnet_emissions.rs`` L362-372 (``get_shares``):
    ``if total_weight > zero { … } else { price_shares }`` (unchanged through v3.4.9).
    """
    ema = [0.125, 0.25, 0.5]
    want = cb.subnet_tao_emission(10**9, ema, era="2026-06-30", miner_burned=[1.0, 1.0, 1.0])  # era D fallback
    assert sum(want) > 10**9 - 3
    # every subnet burns all of its miner emission …
    assert cb.subnet_tao_emission(10**9, ema, miner_burned=[1.0, 1.0, 1.0], root_proportions=[0.3, 0.5, 0.2],
                                  era="v3.4.6") == want
    # … or no root stake (root_prop 0 everywhere)
    assert cb.subnet_tao_emission(10**9, ema, root_proportions=[0.0, 0.0, 0.0], era="C") == want
    shares = cb.emission_shares(ema, root_proportions=[0.0, 0.0, 0.0], era="v3.4.9")
    assert shares == pytest.approx([1 / 7, 2 / 7, 4 / 7], abs=1e-15)
    # the float path of block() agrees
    st_ = {"ema_prices": ema, "spot_prices": [0.1, 0.2, 0.4], "alpha_issuance": np.array([10**15] * 3),
           "root_tao": 0, "block_emission": 10**9}
    for exact in (True, False):
        r = cb.block(st_, era="C", exact=exact)
        assert r.tao_emission.sum() >= 10**9 - 3
        assert r.share == pytest.approx([1 / 7, 2 / 7, 4 / 7], abs=1e-9)


def _era_c_chain(E: int, prices, burns, root_props) -> list[int]:
    """Era C as subnet_emissions.rs v3.4.6 L342-366 writes it, in integers (U64F64 bits)."""
    one = 1 << 64
    p64 = [round(p * F32) << 32 for p in prices]
    total = sum(p64)
    share = [(x << 64) // total for x in p64]
    factor = [((round(r * F32) << 32) * (one - (round(b * F32) << 32))) >> 64
              for r, b in zip(root_props, burns, strict=True)]
    weight = [(s_ * f) >> 64 for s_, f in zip(share, factor, strict=True)]
    wsum = sum(weight)
    return [((E * ((w << 64) // wsum)) >> 32) >> 32 for w in weight]


def test_era_c_multiplies_share_by_root_prop_times_one_minus_burn():
    """Era C computes ``share·(root_prop·(1 − burn))``: the factor first, one truncation after.

    subtensor v3.4.6 ``pallets/subtensor/src/coinbase/subnet_emissions.rs`` L349-353:
    ``let factor = root_prop.saturating_mul(one.saturating_sub(burned)); share.saturating_mul(factor)``.
    Truncating ``share·(1 − burn)`` first and then multiplying by root_prop pays 666 666 666 here.
    """
    args = (999_999_999, [0.1, 0.05], [0.1, 0.1], [0.7, 0.7])
    got = cb.subnet_tao_emission(args[0], args[1], miner_burned=args[2], root_proportions=args[3], era="C")
    assert got == _era_c_chain(*args) == [666_666_665, 333_333_332]


@given(
    prices=st.lists(st.floats(min_value=1e-4, max_value=2.0), min_size=1, max_size=8),
    burns=st.lists(st.floats(min_value=0.0, max_value=0.99), min_size=8, max_size=8),
    rps=st.lists(st.floats(min_value=1e-3, max_value=1.0), min_size=8, max_size=8),
    e=st.integers(min_value=1, max_value=10**9),
)
def test_era_c_matches_the_chain_order(prices, burns, rps, e):
    n = len(prices)
    got = cb.subnet_tao_emission(e, prices, miner_burned=burns[:n], root_proportions=rps[:n], era="C")
    assert got == _era_c_chain(e, prices, burns[:n], rps[:n])


def test_era_a_multiplies_first_in_v3_2_3_to_v3_2_9():
    """v3.2.3 – v3.2.9 compute ``E·p̄_i`` first and then divide by Σ p̄ (U96F32), like v2.0.x.

    subtensor v3.2.3 ``pallets/subtensor/src/coinbase/run_coinbase.rs`` L66-69:
    ``block_emission.saturating_mul(moving_price_i).checked_div(total_moving_prices)``
    (L67-70 at v3.2.8 and v3.2.9). Taking the ratio p̄_i/Σ p̄ first would pay [299, 599].
    """
    for tag in ("v3.2.3", "v3.2.7", "v3.2.8", "v3.2.9"):
        assert cb.subnet_tao_emission(900, [1.0, 2.0], era=tag) == [300, 600]
        r = cb.block({"ema_prices": [1.0, 2.0], "spot_prices": [1.0, 2.0], "alpha_issuance": np.array([0, 0]),
                      "root_tao": 0, "block_emission": 900}, era=tag)
        assert r.tao_emission.tolist() == [300, 600]


@given(
    prices=st.lists(st.floats(min_value=0.0, max_value=5.0, allow_subnormal=False), min_size=1, max_size=12),
    e=st.integers(min_value=0, max_value=10**9),
    tag=st.sampled_from(["v3.2.3", "v3.2.9"]),
)
def test_v3_2_3_to_v3_2_9_is_floor_of_exact_rational(prices, e, tag):
    got = cb.subnet_tao_emission(e, prices, era=tag)
    qs = [q32(p) for p in prices]
    total = sum(qs)
    assert got == [int(e * p / total) if total else 0 for p in qs]


def test_subsidy_alpha_in_is_alpha_emission_until_v3_2_7():
    """A subsidised subnet's α_in is its alpha emission up to v3.2.7 and E from v3.2.8.

    subtensor v3.2.3 ``pallets/subtensor/src/coinbase/run_coinbase.rs`` L87 ``alpha_in_i = alpha_emission_i``
    (same through v3.2.7, L88); v3.2.8 L88 ``alpha_in_i = block_emission``. The subsidy test
    ``price_i < tao_in_ratio`` compares with ``τ_i / E`` (L81-85).
    """
    E, ae = 10**9, 600_000_000  # an alpha emission below E (a subnet past its alpha halving)
    for tag, want_alpha in (("v3.2.3", ae), ("v3.2.7", ae), ("v3.2.8", E), ("v3.2.11", E)):
        t = cb.subnet_terms(400_000_000, 0.1, era=tag, block_emission_rao=E, alpha_emission_rao=ae)
        assert t.alpha_in == want_alpha
        assert t.tao_in == pytest.approx(100_000_000, abs=1)
    # block(): the same, exact and float
    issuance = 10_500_000 * 10**9 + 1  # past the first alpha halving: α_e = 0.5 α
    st_ = {"ema_prices": [0.4, 0.6], "spot_prices": [0.1, 0.9], "alpha_issuance": np.array([issuance, issuance]),
           "root_tao": 10**15, "block_emission": E}
    for exact in (True, False):
        r7 = cb.block(st_, era="v3.2.7", exact=exact)
        r8 = cb.block(st_, era="v3.2.8", exact=exact)
        assert r7.subsidized.tolist() == [True, False] == r8.subsidized.tolist()
        assert r7.alpha_in[0] == r7.alpha_out[0] == 500_000_000
        assert r8.alpha_in[0] == E


def test_era_c_weights_by_root_proportion():
    got = cb.subnet_tao_emission(1_000_000, [0.5, 0.5], root_proportions=[0.75, 0.25], era="C")
    assert got == [750_000, 250_000]
    with pytest.raises(ValueError, match="root_proportions"):
        cb.subnet_tao_emission(1_000_000, [0.5, 0.5], era="C")


def test_emission_enabled_mask_renormalises():
    june = "2026-06-30"  # era D (HEAD's gate: test_gate_disabled_subnets_take_part_in_bar_and_gate)
    got = cb.subnet_tao_emission(1_000_000, [1.0, 1.0, 2.0], emission_enabled=[True, False, True], era=june)
    assert got == [333_333, 0, 666_666]
    shares = cb.emission_shares([1.0, 1.0, 2.0], emission_enabled=np.array([True, False, True]), era=june)
    assert shares[1] == 0.0
    assert shares.sum() <= 1.0
    assert shares[2] == pytest.approx(2 / 3, abs=1e-15)
    assert cb.subnet_tao_emission(1_000, [1.0, 2.0], emission_enabled=[False, False]) == [0, 0]


def test_flow_eras_need_flows_and_use_them():
    with pytest.raises(ValueError, match="flows="):
        cb.subnet_tao_emission(10**9, [0.5, 0.5], era="B")
    with pytest.raises(ValueError, match="protocol_flows"):
        cb.subnet_tao_emission(10**9, [0.5, 0.5], flows=[1.0, 3.0], era="B'")
    # Era B: shares ∝ max(S, 0); prices play no part.
    # (I32F32 exp/ln leaves shares a hair under the exact ratio: ±1 rao)
    got = cb.subnet_tao_emission(1_000_000, [0.9, 0.1], flows=[1e9, 3e9], era="B")
    assert got == pytest.approx([250_000, 750_000], abs=1)
    got = cb.subnet_tao_emission(1_000_000, None, flows=[-5e9, 3e9, 1e9], era="B")
    assert got == pytest.approx([0, 750_000, 250_000], abs=1)
    assert got[0] == 0
    # Era B': protocol flow 400 > user total 100 → scale c = 100/400; N = [100 − 100, 0 − 0]
    got = cb.subnet_tao_emission(1_000_000, None, flows=[100.0, 100.0], protocol_flows=[400.0, 0.0], era="B'")
    assert got == [0, 1_000_000]
    # net_flow=False turns the protocol deduction off
    got = cb.subnet_tao_emission(1_000_000, None, flows=[100.0, 100.0], protocol_flows=[400.0, 0.0],
                                 net_flow=False, era="B'")
    assert got == [500_000, 500_000]


@given(
    prices=st.lists(st.floats(min_value=0.0, max_value=3.0), min_size=1, max_size=20),
    e=st.integers(min_value=0, max_value=2 * 10**9),
    era_name=st.sampled_from(["A", "v3.2.3", "v3.2.8", "head"]),
)
def test_shares_at_most_one_and_emission_at_most_e(prices, e, era_name):
    shares = cb.emission_shares(prices, era=era_name)
    assert np.all(shares >= 0)
    assert shares.sum() <= 1.0 + 1e-15
    taus = cb.subnet_tao_emission(e, prices, era=era_name)
    assert all(t >= 0 for t in taus)
    assert sum(taus) <= e
    if sum(q32(p) for p in prices) > 0 and e > 0:
        # per subnet: the final truncation, plus E·2^-32 where the ratio itself is U96F32 (v3.2.3–9)
        assert e - sum(taus) <= len(prices) * (1 + e / 2**32)


# ---------------------------------------------------------------------------------------------
# Root proportion and sell flag
# ---------------------------------------------------------------------------------------------
def test_root_proportion():
    assert cb.root_proportion(1.0, 10**9, 3 * 10**9) == 0.25
    assert cb.root_proportion(0.18, 0, 0) == 0.0  # 0/0 → 0, as checked_div does
    assert cb.root_proportion(0.0, 10**15, 10) == 0.0
    rp = cb.root_proportion(TAO_WEIGHT, 4_000_000 * 10**9, 2_000_000 * 10**9)
    assert rp == pytest.approx(0.72 / 2.72, abs=2**-31)
    with pytest.raises(ValueError, match="tao_weight"):
        cb.root_proportion(1.5, 1, 1)
    with pytest.raises(ValueError, match="root_tao_rao"):
        cb.root_proportion(0.5, -1, 1)


def test_root_sell_flag():
    assert cb.root_sell_flag([0.5, 0.5]) is False  # Σ = 1 is not > 1
    assert cb.root_sell_flag([0.5, 0.5000001]) is True
    assert cb.root_sell_flag([]) is False
    with pytest.raises(ValueError, match="ema_prices"):
        cb.root_sell_flag([float("nan")])


# ---------------------------------------------------------------------------------------------
# Injection: every row of the §3.4 table
# ---------------------------------------------------------------------------------------------
def test_row_v2_0_0_full_tao_alpha_capped():
    e = era("v2.0.0")
    assert e.injection_rule == "tao_full_alpha_capped"
    # Uncapped: α_in = τ/p
    assert cb.subnet_terms(600, 2.0, 10**9, era="v2.0.0") == (600, 300, 0)
    # Capped: τ_in stays the full τ, α_in = α_emission, no excess
    assert cb.subnet_terms(10**9, 0.001, 10**9, era="v3.2.2") == (10**9, 10**9, 0)
    # Zero price: the chain falls back to α_in = α_emission
    assert cb.subnet_terms(500, 0.0, 10**9, era="A") == (500, 10**9, 0)
    assert cb.injection_cap(10**9, era="A") == 10**9


def test_row_subsidy():
    assert era("v3.2.8").injection_rule == "subsidy"
    e_rao = 10**9
    # price 0.1 < share 0.4 → subsidised: τ_in = p·E, α_in = E, excess = (share − p)·E
    terms = cb.subnet_terms(400_000_000, 0.1, 10**9, era="v3.2.8", block_emission_rao=e_rao)
    assert terms.tao_in == pytest.approx(100_000_000, abs=1)
    assert terms.alpha_in == e_rao
    assert terms.excess_tao == pytest.approx(300_000_000, abs=1)
    # price 0.8 ≥ share 0.4 → τ_in = τ, α_in = τ/p, no excess
    terms = cb.subnet_terms(400_000_000, 0.8, 10**9, era="v3.2.8", block_emission_rao=e_rao)
    assert terms.tao_in == 400_000_000
    assert terms.alpha_in == pytest.approx(500_000_000, abs=1)
    assert terms.excess_tao == 0
    # explicit share overrides τ/E
    terms = cb.subnet_terms(400_000_000, 0.5, 10**9, era="v3.2.8", block_emission_rao=e_rao, share=0.6)
    assert terms.tao_in == 500_000_000
    assert terms.excess_tao == 0
    with pytest.raises(ValueError, match="block_emission_rao"):
        cb.subnet_terms(400_000_000, 0.1, 10**9, era="v3.2.8")


def test_row_v3_2_12_cap_alpha_emission():
    assert era("v3.2.12").injection_rule == "cap_alpha_emission"
    # τ/p = 2e9 > α_e = 1e9 → α_in = 1e9, τ_in = 1e9·0.5, excess = τ − τ_in
    assert cb.subnet_terms(10**9, 0.5, 10**9, era="v3.2.12") == (500_000_000, 10**9, 500_000_000)
    assert cb.subnet_terms(10**8, 0.5, 10**9, era="v3.3.0") == (10**8, 2 * 10**8, 0)
    # zero price: α_in = 0 (safe_div_or 0) is under the cap, so the full τ is injected as TAO
    assert cb.subnet_terms(10**8, 0.0, 10**9, era="v3.3.0") == (10**8, 0, 0)
    assert cb.subnet_terms(10**8, 0.0, 10**9) == (10**8, 0, 0)


def test_row_v3_3_1_cap_min_alpha_emission_and_e():
    assert era("v3.3.1").injection_rule == "cap_min_alpha_emission_e"
    e_half = block_emission(10_500_000 * 10**9)  # after the first TAO halving
    cap = cb.injection_cap(10**9, block_emission_rao=e_half, era="v3.3.1")
    assert cap == e_half == 500_000_000
    terms = cb.subnet_terms(400_000_000, 0.25, era="v3.3.1", alpha_emission_rao=10**9, block_emission_rao=e_half)
    assert terms == (125_000_000, 500_000_000, 275_000_000)
    with pytest.raises(ValueError, match="block_emission_rao"):
        cb.injection_cap(10**9, era="v3.4.5")


def test_row_v3_4_6_head_cap_root_prop():
    for tag in ("v3.4.6", "head"):
        assert era(tag).injection_rule == "cap_root_prop"
    rp = cb.root_proportion(1.0, 10**9, 3 * 10**9)  # 0.25
    assert cb.injection_cap(10**9, root_proportion=rp) == 250_000_000
    terms = cb.subnet_terms(10**9, 0.5, era="head", alpha_emission_rao=10**9, root_proportion=rp)
    assert terms == (125_000_000, 250_000_000, 875_000_000)
    # not binding: α_in = τ/p, nothing to buy
    assert cb.subnet_terms(10**8, 0.5, 250_000_000) == (10**8, 2 * 10**8, 0)
    with pytest.raises(ValueError, match="root_proportion"):
        cb.injection_cap(10**9)


@given(
    tau=st.integers(min_value=0, max_value=10**9),
    price=st.floats(min_value=0.0, max_value=100.0),
    cap=st.integers(min_value=0, max_value=10**9),
    tag=st.sampled_from(["v2.0.0", "v3.2.12", "v3.3.1", "v3.4.6", "head"]),
)
def test_terms_never_create_tao(tau, price, cap, tag):
    t = cb.subnet_terms(tau, price, cap, era=tag, block_emission_rao=10**9)
    assert t.tao_in >= 0
    assert t.alpha_in >= 0
    assert t.excess_tao >= 0
    assert tau - 1 <= t.tao_in + t.excess_tao <= tau  # at most 1 rao of truncation dust
    if era(tag).injection_rule != "tao_full_alpha_capped":
        assert t.alpha_in <= cap


def test_fractional_cap_is_used_exactly():
    # A fractional cap (root_prop·α_e) is compared untruncated, as the chain does.
    exact = cb.subnet_terms(10**10, 1.0, 699_999_999.9, era="head")
    assert exact.alpha_in == 699_999_999
    assert exact.tao_in == 699_999_999
    assert exact.excess_tao == 9_300_000_000  # 1e10 − 699 999 999.9 truncated


# ---------------------------------------------------------------------------------------------
# α_out split (§3.5)
# ---------------------------------------------------------------------------------------------
def test_split_canonical_18_41_41():
    ao = 10**9
    s = cb.split_alpha_out(ao, owner_cut=SUBNET_OWNER_CUT_U16 / 65535, root_proportion=0.0)
    owner_ref = ao * SUBNET_OWNER_CUT_U16 // 65535
    assert abs(s.owner - owner_ref) <= 1
    assert abs(s.server - (ao - owner_ref) / 2) <= 1
    assert abs(s.validator - (ao - owner_ref) / 2) <= 1
    assert s.root == 0
    assert s.total == ao


def test_split_root_share_like_pending_emission_test():
    # owner cut 0 (the test mock), γ = 1, root TAO 1e9, alpha issuance 3e9 → root_prop 0.25
    rp = cb.root_proportion(1.0, 10**9, 3 * 10**9)
    s = cb.split_alpha_out(10**9, owner_cut=0.0, root_proportion=rp)
    assert (s.owner, s.server, s.validator, s.root) == (0, 500_000_000, 375_000_000, 125_000_000)
    owner, server, validator, root = s  # unpacks as the four paid pieces
    assert owner + server + validator + root == 10**9


def test_split_without_sell_flag_per_era():
    kw = {"owner_cut": 0.0, "root_proportion": 0.5, "root_sell_flag": False}
    head = cb.split_alpha_out(10**9, **kw)
    assert head.root == 0
    assert head.recycled == 250_000_000
    assert head.validator == 250_000_000
    v3212 = cb.split_alpha_out(10**9, era="v3.2.12", **kw)
    assert v3212.root == 0
    assert v3212.recycled == 0
    assert v3212.validator == 500_000_000
    before = cb.split_alpha_out(10**9, era="v3.2.10", **kw)  # no flag yet: root always paid
    assert before.root == 250_000_000
    assert before.recycled == 0


def test_split_subsidised_root_alpha_not_paid():
    s = cb.split_alpha_out(10**9, owner_cut=0.0, root_proportion=0.5, subsidized=True, era="v3.2.8")
    assert s.root == 0
    assert s.recycled == 250_000_000
    assert cb.split_alpha_out(10**9, owner_cut=0.0, root_proportion=0.5, subsidized=True).root == 250_000_000


def test_owner_cut_toggle():
    s = cb.split_alpha_out(10**9, root_proportion=0.0, owner_cut_enabled=False)
    assert s.owner == 0
    assert s.server == 500_000_000
    with pytest.raises(ValueError, match=r"v3\.4\.0"):
        cb.split_alpha_out(10**9, root_proportion=0.0, owner_cut_enabled=False, era="v3.3.14")


def test_split_is_immutable_and_picklable():
    import pickle

    s = cb.split_alpha_out(10**9, root_proportion=0.3, root_sell_flag=False)
    with pytest.raises(AttributeError):
        s.recycled = 5  # type: ignore[misc]
    t = pickle.loads(pickle.dumps(s))
    assert t == s
    assert t.recycled == s.recycled
    assert t.dust == s.dust


@given(
    ao=st.integers(min_value=0, max_value=10**9),
    cut=st.floats(min_value=0.0, max_value=1.0),
    rp=st.floats(min_value=0.0, max_value=1.0),
    flag=st.booleans(),
    tag=st.sampled_from(["v2.0.0", "v3.2.8", "v3.2.12", "v3.2.13", "v3.4.6", "head"]),
    sub=st.booleans(),
)
def test_split_accounts_for_every_rao(ao, cut, rp, flag, tag, sub):
    s = cb.split_alpha_out(ao, owner_cut=cut, root_proportion=rp, root_sell_flag=flag, subsidized=sub, era=tag)
    assert min(s.owner, s.server, s.validator, s.root, s.recycled) >= 0
    assert s.owner + s.server + s.validator + s.root + s.recycled + s.dust == ao
    assert 0 <= s.dust <= 3
    assert abs(s.owner - ao * cut) <= 1 + 1e-6 * ao


def test_split_validation():
    with pytest.raises(ValueError, match="owner_cut"):
        cb.split_alpha_out(10, owner_cut=1.2, root_proportion=0.0)
    with pytest.raises(ValueError, match="root_proportion"):
        cb.split_alpha_out(10, root_proportion=-0.1)
    with pytest.raises(TypeError, match="alpha_out_rao"):
        cb.split_alpha_out(10.0, root_proportion=0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="alpha_out_rao"):
        cb.split_alpha_out(-1, root_proportion=0.1)


# ---------------------------------------------------------------------------------------------
# Dividends (§3.6 step 4)
# ---------------------------------------------------------------------------------------------
def _reference_dividends(div, alpha, root, tw, pv, pr):
    tw = Fraction(tw)
    rd = {}
    ad = {}
    for k, d in div.items():
        wr = Fraction(root[k]) * tw
        tot = Fraction(alpha[k]) + wr
        rp = wr / tot if tot else Fraction(0)
        rd[k] = Fraction(d) * rp
        ad[k] = Fraction(d) - rd[k]
    sa, sr = sum(ad.values()), sum(rd.values())
    return ({k: pv * v / sa if sa else 0 for k, v in ad.items()},
            {k: pr * v / sr if sr else 0 for k, v in rd.items()})


def test_dividend_totals_like_calculate_dividend_distribution_totals():
    div = {0: 77_783_738, 1: 19_283_940}
    alpha = {0: 4_859_302, 1: 23_423}
    root = {0: 2_342_352, 1: 859_273}
    pv, pr = 183_123_567_452, 837_120_949_872
    a, r = cb.split_dividends(div, alpha, root, tao_weight=0.18, pending_validator_alpha=pv, pending_root_alpha=pr)
    assert abs(sum(a.values()) - pv) <= 1_000
    assert abs(sum(r.values()) - pr) <= 1_000
    ra, rr = _reference_dividends(div, alpha, root, 0.18, pv, pr)
    for k in div:
        assert a[k] == pytest.approx(float(ra[k]), rel=1e-7)
        assert r[k] == pytest.approx(float(rr[k]), rel=1e-7)
    # sequences work too (keys become indices), and rao=True truncates
    a2, r2 = cb.split_dividends([77_783_738, 19_283_940], [4_859_302, 23_423], [2_342_352, 859_273],
                                tao_weight=0.18, pending_validator_alpha=pv, pending_root_alpha=pr, rao=True)
    assert a2 == {k: int(v) for k, v in a.items()}
    assert r2 == {k: int(v) for k, v in r.items()}


def test_dividends_without_tao_weight_are_all_alpha():
    a, r = cb.split_dividends({"a": 10.0, "b": 30.0}, {"a": 1, "b": 1}, {"a": 10**9, "b": 0}, tao_weight=0.0,
                              pending_validator_alpha=1_000, pending_root_alpha=0)
    assert a == {"a": 250.0, "b": 750.0}
    assert r == {"a": 0.0, "b": 0.0}


def test_dividends_only_root_pending():
    a, r = cb.split_dividends({"v": 5.0}, {"v": 0}, {"v": 100}, pending_validator_alpha=0, pending_root_alpha=777)
    assert a == {"v": 0.0}
    assert r == {"v": 777.0}
    assert cb.split_dividends({}, {}, {}, pending_validator_alpha=1, pending_root_alpha=1) == ({}, {})


def test_dividends_validation():
    with pytest.raises(ValueError, match="alpha_stake"):
        cb.split_dividends([1.0, 2.0], [1.0], [1.0, 1.0], pending_validator_alpha=1, pending_root_alpha=1)
    with pytest.raises(ValueError, match="dividends"):
        cb.split_dividends({"a": -1.0}, {}, {}, pending_validator_alpha=1, pending_root_alpha=1)
    with pytest.raises(TypeError, match="dividends"):
        cb.split_dividends(5, {}, {}, pending_validator_alpha=1, pending_root_alpha=1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The vectorised block
# ---------------------------------------------------------------------------------------------
def _state(rng, n, **over):
    base = {
        "ema_prices": rng.uniform(0.0, 0.03, n),
        "spot_prices": rng.uniform(1e-4, 0.05, n),
        "alpha_issuance": rng.integers(0, 8 * 10**15, n),
        "root_tao": int(rng.integers(0, 6 * 10**15)),
        "block_emission": 500_000_000,
        "miner_burned": rng.uniform(0, 1, n) * (rng.uniform(0, 1, n) < 0.3),
        "flows": rng.normal(0, 1e10, n),
        "protocol_flows": rng.normal(1e9, 1e10, n),
    }
    base.update(over)
    return cb.BlockState(**base)


ALL_ERAS = ["A", "v3.2.3", "v3.2.8", "B", "v3.2.12", "v3.2.13", "v3.3.1", "B'", "v3.4.1", "C", "v3.4.8", "head"]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40), era_name=st.sampled_from(ALL_ERAS))
def test_block_conserves_tao_and_alpha(seed, n, era_name):
    rng = np.random.default_rng(seed)
    r = cb.block(_state(rng, n), era=era_name)
    assert r.tao_conserved()
    assert int(r.tao_in.sum()) + int(r.excess_tao.sum()) + r.recycled == r.block_emission
    assert r.alpha_conserved()
    assert np.all(r.tao_in >= 0)
    assert np.all(r.excess_tao >= 0)
    assert r.recycled >= 0
    assert r.share.sum() <= 1.0 + 1e-12
    assert int(r.tao_emission.sum()) <= r.block_emission
    # besides what the shares leave unassigned, at most 2 rao per subnet (τ_in and excess truncation)
    assert 0 <= r.recycled - (r.block_emission - int(r.tao_emission.sum())) <= 2 * n


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), era_name=st.sampled_from(["A", "v3.2.12", "v3.3.1", "C", "head"]))
def test_block_agrees_with_scalar_api(seed, era_name):
    rng = np.random.default_rng(seed)
    n = 6
    s = _state(rng, n, emission_enabled=rng.uniform(0, 1, n) < 0.8)
    e = era(era_name)
    r = cb.block(s, era=era_name)
    kw = {"root_proportions": r.root_proportion} if e.share_rule == "price_burn_root_prop" else {}
    if e.share_rule in ("taoflow", "net_taoflow"):
        kw = {"flows": s.flows, "protocol_flows": s.protocol_flows}
    taus = cb.subnet_tao_emission(s.emission, s.ema_prices, miner_burned=s.miner_burned,
                                  emission_enabled=s.emission_enabled, era=era_name, **kw)
    assert taus == r.tao_emission.tolist()
    for i in range(n):
        ae = cb.alpha_emission(int(s.alpha_issuance[i]))
        assert ae == r.alpha_out[i]
        rp = cb.root_proportion(s.tao_weight, s.root_tao, int(s.alpha_issuance[i]))
        assert rp == r.root_proportion[i]
        if e.injection_rule == "tao_full_alpha_capped":
            continue  # τ is fractional inside the chain; the scalar API takes whole rao
        t = cb.subnet_terms(taus[i], float(s.spot_prices[i]), era=era_name, alpha_emission_rao=ae,
                            root_proportion=rp, block_emission_rao=s.emission)
        # block() keeps τ's sub-rao fraction (as the chain does); α_in = τ/p magnifies it by 1/p
        assert abs(t.alpha_in - r.alpha_in[i]) <= 1 + 1 / float(s.spot_prices[i])
        assert abs(t.tao_in - r.tao_in[i]) <= 1
        sp = cb.split_alpha_out(ae, owner_cut=s.owner_cut, root_proportion=r.root_proportion_split[i],
                                root_sell_flag=r.root_sell_flag, era=era_name)
        assert (sp.owner, sp.server, sp.validator, sp.root, sp.recycled) == (
            r.owner[i], r.server[i], r.validator[i], r.root[i], r.root_recycled[i])


def test_block_head_example_and_chain_buy_hook():
    s = cb.BlockState(ema_prices=[0.3, 0.3], spot_prices=[0.001, 1.0], alpha_issuance=np.array([10**15, 10**12]),
                      root_tao=10**15, total_issuance=0)
    seen = {}

    def pool(excess):
        seen["excess"] = excess
        return excess * 2  # a toy pool at price 0.5

    r = cb.block(s, chain_buy=pool)
    assert r.block_emission == 10**9
    assert r.tao_emission.tolist() == [500_000_000, 500_000_000]
    assert r.excess_tao[0] > 0
    assert r.excess_tao[1] == 0
    assert r.alpha_in[0] <= r.root_proportion[0] * r.alpha_out[0]
    assert r.root_sell_flag is False  # Σ p̄ = 0.6 ≤ 1: root alpha recycled at HEAD
    assert np.all(r.root == 0)
    assert np.all(r.root_recycled > 0)
    assert r.chain_bought_alpha.tolist() == (seen["excess"] * 2).tolist()
    assert r.chain_buy_destination == "protocol"
    assert r.totals()["block_emission"] == 10**9
    assert cb.block(s, era="v3.2.8").chain_buy_destination == "recycled"


def test_block_validation():
    good = {"ema_prices": [0.1], "spot_prices": [0.1], "alpha_issuance": np.array([0]), "root_tao": 0,
            "block_emission": 10}
    cb.block(good)
    with pytest.raises(ValueError, match="spot_prices"):
        cb.block({**good, "spot_prices": [0.1, 0.2]})
    with pytest.raises(TypeError, match="alpha_issuance"):
        cb.block({**good, "alpha_issuance": [1.5]})
    with pytest.raises(ValueError, match="alpha_issuance"):
        cb.block({**good, "alpha_issuance": np.array([-1])})
    with pytest.raises(ValueError, match="ema_prices"):
        cb.block({**good, "ema_prices": [float("nan")]})
    with pytest.raises(TypeError, match="emission_enabled"):
        cb.block({**good, "emission_enabled": [0.5]})
    with pytest.raises(ValueError, match="emission_enabled"):
        cb.block({**good, "emission_enabled": [2]})
    assert cb.block({**good, "emission_enabled": [0]}).tao_emission.tolist() == [0]
    with pytest.raises(ValueError, match="block_emission or total_issuance"):
        cb.block({**good, "block_emission": None})
    with pytest.raises(ValueError, match="miner_burned"):
        cb.block({**good, "miner_burned": [-0.5]})


@pytest.mark.parametrize("era", ["C", "2026-06-30", "head"])
def test_miner_burned_above_one_weighs_like_one(era):
    """Every share rule reads ``min(MinerBurned, 1)``: subnet_emissions.rs::get_shares, ``.min(one)`` at L350
    @v3.4.6-421 (era C), L366 @14bc6f9f (2026-06-30), L368 @v3.4.9-424; HEAD @f8ff769a (addendum §A2 step 2).

    BlockState, subnet_tao_emission and gated_shares all take the chain's reading (the chain itself only
    writes withheld ÷ total miner incentive ≤ 1, run_coinbase.rs L675 @v3.4.6-421).
    """
    ema, e = [0.125, 0.25, 0.5], 10**9
    rp = [0.5, 0.5, 0.5] if era == "C" else None
    over = cb.subnet_tao_emission(e, ema, miner_burned=[1.5, 0.0, 7.0], root_proportions=rp, era=era)
    one = cb.subnet_tao_emission(e, ema, miner_burned=[1.0, 0.0, 1.0], root_proportions=rp, era=era)
    assert over == one
    assert (over[0], over[2]) == (0, 0)  # (1 − min(b, 1)) = 0: only the second subnet is weighted
    state = {"ema_prices": ema, "spot_prices": ema, "alpha_issuance": np.array([10**12] * 3), "root_tao": 10**15,
             "block_emission": e}
    if era == "C":
        state["root_prop_weights"] = rp
    s_over = cb.BlockState(**{**state, "miner_burned": [1.5, 0.0, 7.0]})
    assert s_over.miner_burned.tolist() == [1.0, 0.0, 1.0]
    a = cb.block(s_over, era=era)
    b = cb.block(cb.BlockState(**{**state, "miner_burned": [1.0, 0.0, 1.0]}), era=era)
    assert a.tao_emission.tolist() == b.tao_emission.tolist()
    g_over = cb.gated_shares(ema, miner_burned=[1.5, 0.0, 7.0])
    assert g_over.pre_gate.tolist() == [0.0, 1.0, 0.0]


@given(st.integers(min_value=0, max_value=2**62))
def test_vectorised_alpha_emission_matches_block_emission(issuance):
    got = cb._alpha_emission_vec(np.array([issuance], dtype=np.int64))[0]
    assert got == block_emission(issuance)


@pytest.mark.parametrize("k", range(1, 40))
def test_vectorised_alpha_emission_at_thresholds(k):
    from dtao_lib.emission import halving_threshold_rao

    t = halving_threshold_rao(k)
    issuance = np.array([t - 1, t, t + 1], dtype=np.int64)
    assert cb._alpha_emission_vec(issuance).tolist() == [block_emission(int(x)) for x in issuance]


def test_input_validation_names_parameter():
    with pytest.raises(ValueError, match="block_emission_rao"):
        cb.subnet_tao_emission(-1, [1.0])
    with pytest.raises(TypeError, match="block_emission_rao"):
        cb.subnet_tao_emission(1.5, [1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ema_prices"):
        cb.subnet_tao_emission(10, [-1.0])
    with pytest.raises(ValueError, match="miner_burned"):
        cb.subnet_tao_emission(10, [1.0, 1.0], miner_burned=[0.5])
    with pytest.raises(ValueError, match="spot_price"):
        cb.subnet_terms(10, float("nan"), 10)
    with pytest.raises(ValueError, match="injection_cap_rao"):
        cb.subnet_terms(10, 1.0, -5)
    with pytest.raises(ValueError, match="alpha_emission_rao"):
        cb.subnet_terms(10, 1.0)


def test_tao_weight_default_is_mainnet():
    assert cb.BlockState(ema_prices=[0.1], spot_prices=[0.1], alpha_issuance=np.array([1]), root_tao=1,
                         block_emission=1).tao_weight == TAO_WEIGHT


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40), era_name=st.sampled_from(ALL_ERAS))
def test_float_block_conserves_and_tracks_exact(seed, n, era_name):
    rng = np.random.default_rng(seed)
    s = _state(rng, n, emission_enabled=rng.uniform(0, 1, n) < 0.9)
    fast = cb.block(s, era=era_name, exact=False)
    assert fast.tao_conserved()
    assert fast.alpha_conserved()
    exact = cb.block(s, era=era_name)
    for name in ("tao_emission", "tao_in", "excess_tao", "owner", "server", "validator", "root", "root_recycled"):
        assert np.all(np.abs(getattr(fast, name) - getattr(exact, name)) <= 1), name
    # α_in = τ/p: a sub-rao difference in τ or p's 2^-32 grid is magnified by 1/p
    tol = 2 + 2 / np.maximum(s.spot_prices, 1e-12)
    assert np.all(np.abs(fast.alpha_in - exact.alpha_in) <= tol + 1e-6 * exact.alpha_in)
    np.testing.assert_allclose(fast.share, exact.share, rtol=0, atol=2**-31)  # U96F32 ratios in v3.2.3–9
    assert fast.root_sell_flag == exact.root_sell_flag or abs(s.ema_prices.sum() - 1) < 1e-9


def test_dividends_with_large_stakes_are_exact(recwarn):
    # u64 stakes far above 2^31 rao must not overflow an intermediate int64
    big = {0: 10**18, 1: 3 * 10**17}
    # Era D's order (root part first). From spec 442 the chain computes the alpha fraction first and
    # truncates it to 2^-32, so hotkey 1 (root 17 rao) gets a root slice of D·2^-32 instead of ~0:
    # see test_dividend_split_spec442_truncates_alpha_fraction in tests/test_gate.py.
    a, r = cb.split_dividends({0: 1e8, 1: 2e8}, big, {0: 5 * 10**18, 1: 17}, pending_validator_alpha=10**11,
                              pending_root_alpha=10**10, era="2026-06-30")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    assert abs(sum(a.values()) - 10**11) <= 1_000
    assert abs(sum(r.values()) - 10**10) <= 1_000
    ra, rr = _reference_dividends({0: 1e8, 1: 2e8}, big, {0: 5 * 10**18, 1: 17}, 0.18, 10**11, 10**10)
    for k in (0, 1):
        assert a[k] == pytest.approx(float(ra[k]), rel=1e-8, abs=2)
        assert r[k] == pytest.approx(float(rr[k]), rel=1e-8, abs=2)
