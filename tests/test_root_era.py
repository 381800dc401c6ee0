"""Pre-dTAO root epoch (spec §2) with the chain's I64F64 fixed point (spec §8)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dtao_lib import root_era as re_
from dtao_lib.params import KAPPA_U16

E = 10**9


def _reference_emission(weights, stakes, rho, kappa, e):
    """Independent rational/float reference of spec §2 (no fixed point)."""
    w = [[Fraction(x) for x in row] for row in weights]
    s = [Fraction(x) for x in stakes]
    stot = sum(s)
    s = [x / stot for x in s]
    w = [[x / sum(row) for x in row] if sum(row) else row for row in w]
    m = len(w[0])
    ranks = [sum(w[i][j] * s[i] for i in range(len(s))) for j in range(m)]
    trust = [sum(s[i] for i in range(len(s)) if w[i][j] > 0) for j in range(m)]
    cons = [Fraction(1 / (1 + math.exp(-rho * (float(t) - kappa)))) for t in trust]
    x = [c * r for c, r in zip(cons, ranks, strict=True)]
    tot = sum(x)
    return [math.floor(v / tot * e) if tot else 0 for v in x]


# ---------------------------------------------------------------------------------------------
# RE-01 and the fixed point
# ---------------------------------------------------------------------------------------------
def test_re01_ten_equal_subnets_get_99_999_999_rao():
    """The chain's own root-epoch test: 10 validators, equal stake, diagonal weights → 99 999 999 each."""
    em = re_.root_epoch(np.eye(10, dtype=int), [1000] * 10, rho=30, kappa=KAPPA_U16 / 65_535,
                        block_emission_rao=E)
    assert em == [99_999_999] * 10
    # pending emission after two blocks (the test's second assertion)
    assert [2 * x for x in em] == [199_999_998] * 10
    # float64 would say 10^8: the truncation is a fixed-point effect
    float_share = re_.subnet_shares(np.eye(10), [1000] * 10, rho=30, exact=False)
    assert [math.floor(x * E) for x in float_share] == [100_000_000] * 10


def test_exp_emulation_matches_math_exp():
    for x in np.linspace(-30, 30, 241):
        if x == 1.0:
            continue  # short-cut, checked below
        bits = re_._fixed(float(x))
        got = re_._exp(bits) / 2**64
        # the 62-term Taylor series is accurate to ~1e-15 for |x| <= 10 (ρ·κ on mainnet is 5), less beyond
        tol = 1e-15 if abs(x) <= 10 else 1e-7
        truth = math.exp(bits / 2**64)
        assert got == pytest.approx(truth, rel=tol, abs=2**-60)   # abs: the 2^-64 resolution for x << 0
        if x > 20:   # a truncated series of positive terms undershoots
            assert got < truth
    # exp(1) is short-cut to e with 23 fractional bits
    assert re_._exp(2**64) == math.floor(math.e * 2**23) << 41
    assert re_._exp(0) == 2**64


def test_matches_rational_reference_to_one_rao():
    rng = np.random.default_rng(7)
    for _ in range(20):
        n, m = rng.integers(1, 12), rng.integers(1, 9)
        w = rng.integers(0, 65_536, size=(n, m)) * (rng.random((n, m)) < 0.6)
        s = rng.integers(0, 10**15, size=n)
        s[0] += 1
        got = re_.root_epoch(w, s, rho=10, kappa=0.5, block_emission_rao=E)
        ref = _reference_emission(w.tolist(), s.tolist(), 10, 0.5, E)
        assert all(abs(a - b) <= 1 for a, b in zip(got, ref, strict=True)), (got, ref)


weights_st = hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=10),
                        elements=st.integers(0, 65_535))


@settings(max_examples=60, deadline=None)
@given(w=weights_st, data=st.data(), rho=st.sampled_from([0, 1, 10, 30]),
       kappa=st.floats(0, 1), e=st.integers(0, 10**9))
def test_emission_is_non_negative_and_sums_to_at_most_e(w, data, rho, kappa, e):
    stakes = data.draw(hnp.arrays(np.int64, w.shape[0], elements=st.integers(0, 10**16)))
    assume(stakes.sum() > 0)
    res = re_.run_root_epoch(w, stakes, rho=rho, kappa=kappa, block_emission_rao=e)
    assert all(x >= 0 for x in res.emission_rao)
    assert sum(res.emission_rao) <= e
    assert np.all(res.consensus > 0)
    assert np.all(res.consensus < 1)
    assert res.shares.sum() <= 1.0 + 1e-15
    if res.shares.sum() > 0:
        # only truncation is lost (when C·R underflows I64F64 every share is 0 and nothing is
        # emitted, as on chain: see test_consensus_times_rank_can_underflow)
        assert sum(res.emission_rao) >= e - len(res.emission_rao) - 1


def test_consensus_times_rank_can_underflow():
    """Found by hypothesis: a tiny voter at ρ=30, κ=1 gives C·R ≈ 5e-20, below I64F64's 2⁻⁶⁴
    resolution, so the fixed-point product truncates to 0 and the epoch emits nothing (spec §8)."""
    res = re_.run_root_epoch([[0], [1]], [1_726_205, 1], rho=30, kappa=1.0, block_emission_rao=3)
    assert res.rank.sum() > 0
    assert res.consensus.min() > 0
    assert float(res.rank[0]) * float(res.consensus[0]) < 2.0**-64
    assert res.emission_rao == [0]


def test_steps_agree_with_float_path():
    rng = np.random.default_rng(1)
    w = rng.random((6, 5)) * (rng.random((6, 5)) < 0.7)
    s = rng.random(6) * 1e6
    np.testing.assert_allclose(re_.rank(w, s), re_.rank(w, s, exact=False), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(re_.trust(w, s), re_.trust(w, s, exact=False), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(re_.subnet_shares(w, s), re_.subnet_shares(w, s, exact=False), rtol=1e-9)
    np.testing.assert_allclose(re_.normalize_stakes(s), s / s.sum(), rtol=1e-12)
    res = re_.run_root_epoch(w, s)
    np.testing.assert_allclose(res.weights.sum(axis=1)[w.sum(axis=1) > 0], 1.0, rtol=1e-15)
    frame = res.to_frame()
    assert list(frame["emission_rao"]) == res.emission_rao


def test_trust_counts_any_positive_weight_and_zero_rows():
    w = np.array([[1, 65_535], [0, 1], [0, 0]])
    s = [50, 30, 20]
    t = re_.trust(w, s)
    np.testing.assert_allclose(t, [0.5, 0.8], rtol=1e-15)   # a tiny weight still counts in full
    r = re_.rank(w, s)
    assert r[1] > r[0]
    assert r.sum() == pytest.approx(0.8)                      # the zero-weight validator ranks nothing


def test_consensus_sigmoid():
    assert re_.consensus(0.5, rho=10, kappa=0.5) == pytest.approx(0.5, abs=1e-15)
    c = re_.consensus(np.linspace(0, 1, 11), rho=10, kappa=KAPPA_U16 / 65_535)
    assert np.all(np.diff(c) > 0)
    kappa_i32f32 = ((KAPPA_U16 << 32) // 65_535) / 2**32       # the chain's κ: u16 / 65535 in I32F32
    assert c[-1] == pytest.approx(1 / (1 + math.exp(-10 * (1 - kappa_i32f32))), rel=1e-14)
    assert c[-1] != pytest.approx(1 / (1 + math.exp(-10 * (1 - KAPPA_U16 / 65_535))), rel=1e-14)
    assert isinstance(re_.consensus(0.3), float)
    np.testing.assert_allclose(re_.consensus([0.2, 0.9], kappa=0.5, exact=False),
                               re_.consensus([0.2, 0.9], kappa=0.5), rtol=1e-13)


def test_more_backing_stake_wins_emission():
    # two subnets with identical rank mass; only one is backed by a majority
    w = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    s = [30, 30, 20, 20]
    em = re_.root_epoch(w, s)
    assert em[0] > em[1]
    assert em[0] + em[1] <= E


@pytest.mark.parametrize(
    ("w", "s", "kw", "exc", "match"),
    [
        ([[1, 2]], [1, 2], {}, ValueError, "stakes"),
        ([[1, -2]], [1], {}, ValueError, "weights"),
        ([[1, float("nan")]], [1], {}, ValueError, "weights"),
        ([1, 2], [1], {}, ValueError, "weights"),
        ([[1, 2]], [0], {}, ValueError, "stakes"),
        ([[1, 2]], [1], {"kappa": 1.5}, ValueError, "kappa"),
        ([[1, 2]], [1], {"rho": -1}, ValueError, "rho"),
        ([[1, 2]], [1], {"block_emission_rao": 1.0}, TypeError, "block_emission_rao"),
        ([[1, 0]], [1], {"rho": 200, "kappa": 0.5}, ValueError, "rho"),
    ],
)
def test_bad_input(w, s, kw, exc, match):
    with pytest.raises(exc, match=match):
        re_.root_epoch(w, s, **kw)


# ---------------------------------------------------------------------------------------------
# Within-subnet split and root membership
# ---------------------------------------------------------------------------------------------
@given(st.integers(0, 2**64 - 1))
def test_split_pending_emission(pending):
    sp = re_.split_pending_emission(pending)
    assert sp.owner_rao == pending * 11_796 // 65_535
    assert sp.owner_rao + sp.miners_rao + sp.validators_rao + sp.unallocated_rao == pending
    assert sp.miners_rao == sp.validators_rao
    assert sp.unallocated_rao in (0, 1)


def test_split_without_miners_or_validators():
    assert re_.split_pending_emission(1000, owner_cut_u16=0, has_incentive=False).validators_rao == 1000
    assert re_.split_pending_emission(1000, owner_cut_u16=0, has_dividends=False).miners_rao == 1000
    both_zero = re_.split_pending_emission(1000, owner_cut_u16=0, has_incentive=False, has_dividends=False)
    assert both_zero.validators_rao == 1000


def test_root_membership():
    members = [(f"v{i}", 1_000 + i) for i in range(63)]
    r = re_.root_register(members, "a", 1)
    assert r.accepted
    assert r.uid == 63
    assert r.replaced is None
    full = r.members
    assert len(full) == 64
    # full: the lowest stake is "a" (1); an equal stake is not enough, strictly more is
    assert not re_.root_register(full, "b", 1).accepted
    r2 = re_.root_register(full, "b", 2)
    assert (r2.accepted, r2.uid, r2.replaced) == (True, 63, "a")
    assert len(r2.members) == 64
    # ties on the lowest stake: the lowest uid is replaced
    tied = [(f"t{i}", 5) for i in range(64)]
    assert re_.root_register(tied, "c", 6).uid == 0
    with pytest.raises(ValueError, match="already registered"):
        re_.root_register(full, "v3", 10**9)
    with pytest.raises(ValueError, match="stake"):
        re_.root_register(full, "d", -1)


# ---------------------------------------------------------------------------------------------
# Cartels and concentration
# ---------------------------------------------------------------------------------------------
def test_cartel_threshold_formulas():
    assert re_.cartel_threshold(0.0, kappa=0.5) == 0.5
    assert re_.cartel_threshold(0.2, kappa=0.5) == pytest.approx(0.375)
    assert re_.cartel_threshold(0.6, kappa=0.5) == 0.0
    assert re_.cartel_threshold(0.8, kappa=0.5, direction="under") == pytest.approx(0.375)
    assert re_.cartel_threshold(0.4, kappa=0.5, direction="under") == 0.0
    np.testing.assert_allclose(re_.cartel_threshold([0.0, 1.0], kappa=0.5), [0.5, 0.0])
    with pytest.raises(ValueError, match="direction"):
        re_.cartel_threshold(0.1, direction="sideways")
    with pytest.raises(ValueError, match="others_support"):
        re_.cartel_threshold(1.2)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kappa=st.floats(0.05, 0.95), mode=st.sampled_from(["support", "oppose"]))
def test_cartel_curve_crosses_kappa_at_the_threshold(seed, kappa, mode):
    rng = np.random.default_rng(seed)
    w = rng.random((5, 3)) * (rng.random((5, 3)) < 0.5)
    s = rng.random(5) + 0.01
    t0 = float(re_.trust(w, s, exact=False)[0])
    direction = "over" if mode == "support" else "under"
    f_star = re_.cartel_threshold(t0, kappa=kappa, direction=direction)
    eps = 1e-9
    probe = np.clip([f_star - eps, f_star + eps], 0, 1)
    curve = re_.cartel_curve(w, s, 0, probe, mode=mode, kappa=kappa, rho=10)
    after = curve["over_kappa"].iloc[1]
    if mode == "support" and f_star + eps <= 1:
        assert after
    if mode == "oppose" and 0 < f_star:
        assert not after
        assert curve["over_kappa"].iloc[0]


def test_cartel_curve_columns_and_monotone_support():
    w = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    curve = re_.cartel_curve(w, [40, 40, 20], 2, np.linspace(0, 1, 21))
    assert list(curve.columns) == ["fraction", "trust", "consensus", "share", "emission_rao", "over_kappa"]
    assert np.all(np.diff(curve["trust"]) >= 0)
    assert np.all(np.diff(curve["share"]) >= -1e-15)
    assert curve["trust"].iloc[0] == pytest.approx(0.2)


def test_concentration_measures():
    assert re_.nakamoto_coefficient([40, 30, 20, 10]) == 2
    assert re_.nakamoto_coefficient([51, 49]) == 1
    assert re_.nakamoto_coefficient([50, 50]) == 2
    w = np.eye(3)
    s = [60, 30, 10]
    out = re_.top_k_emission_share(w, s, np.arange(4), rho=0.0)
    np.testing.assert_allclose(out, [0, 0.6, 0.9, 1.0])
    rng = np.random.default_rng(3)
    w2, s2 = rng.random((8, 4)), rng.random(8)
    curve = re_.top_k_emission_share(w2, s2, np.arange(9))
    assert np.all(np.diff(curve) >= 0)
    assert curve[-1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="k must be"):
        re_.top_k_emission_share(w2, s2, 9)


def test_root_register_checks_every_members_hotkey():
    """A NaN hotkey among the members never equals itself: a newcomer with the same NaN would be admitted
    twice. Members must name each hotkey once, and each must be a hashable identifier."""
    import math

    with pytest.raises(ValueError, match=r"members\[1\] hotkey must equal itself"):
        re_.root_register([("a", 1), (math.nan, 2)], "c", 3)
    with pytest.raises(TypeError, match=r"members\[0\] hotkey must be a hashable identifier"):
        re_.root_register([(["a"], 1)], "c", 3)
    with pytest.raises(ValueError, match="members must name each hotkey once"):
        re_.root_register([("a", 1), ("a", 2)], "c", 3)
    with pytest.raises(TypeError, match="members must be a sequence"):
        re_.root_register("ab", "c", 3)
    assert re_.root_register([("a", 1), ("b", 2)], "c", 3).accepted
