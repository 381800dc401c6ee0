"""TaoFlow (spec §3.2): vectors FN-01/FN-04, pow normalisation, net flow, clipping, flow EMAs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtao_lib import taoflow as tf


def test_vector_fn01(vectors):
    v = vectors["FN-01"]
    z = v["inputs"]["offset_flows"]
    shares = tf.pow_normalize(z, v["inputs"]["p"])
    for got, want in zip(shares, v["expected"]["shares"], strict=True):
        assert got == pytest.approx(want, rel=0.01)
    assert abs(shares.sum() - 1.0) <= 1e-12


def test_vector_fn04(vectors):
    v = vectors["FN-04"]
    a = tf.flow_ema_alpha(v["inputs"]["FlowEmaSmoothingFactor_raw"], normalizer=v["inputs"]["normalizer"])
    assert abs(a - v["expected"]["alpha"]) <= 1e-12
    assert tf.FLOW_EMA_ALPHA == a
    assert round(tf.flow_half_life_blocks(a)) == v["expected"]["half_life_blocks"]
    assert (1 - a) ** v["expected"]["half_life_blocks"] == pytest.approx(0.5, abs=1e-6)


@pytest.mark.parametrize("p", [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0])
def test_fractional_exponents_like_the_chain_test(p):
    got = tf.pow_normalize([2.0, 3.0, 5.0], p)
    ref = np.array([2.0, 3.0, 5.0]) ** p
    ref /= ref.sum()
    np.testing.assert_allclose(got, ref, rtol=0.01)  # the chain's own tolerance
    assert abs(got.sum() - 1.0) <= 1e-12
    np.testing.assert_allclose(tf.pow_normalize([2.0, 3.0, 5.0], p, emulate_fixed=False), ref, rtol=1e-12)


def test_chain_arithmetic_deviates_from_exact_ratios():
    ref = np.array([0.2, 0.3, 0.5])
    got = tf.pow_normalize([2.0, 3.0, 5.0], 1.0)
    assert 0 < np.abs(got / ref - 1).max() < 1e-6  # 23-bit log2(e) in ln: ~1e-8 here
    sq = np.array([4.0, 9.0, 25.0]) / 38
    got = tf.pow_normalize([2.0, 3.0, 5.0], 2.0)
    # exp's Taylor series stops at x^31/31!: the largest weight (x ≈ 20.4) comes out low
    assert got[2] < sq[2]
    assert 1e-3 < np.abs(got / sq - 1).max() < 0.01


def _log2_reference(x: int) -> int | None:
    """The binary-logarithm algorithm of substrate_fixed, written out on Python ints."""
    one, two = 1 << 32, 2 << 32
    inverted = x < one
    if inverted:
        x = (one << 32) // x
        if x > 2**63 - 1:
            return None
    count = 0
    while x >= two:
        count += 1
        x = (x >> 1) + (x & 1)
    if x == one:
        r = count << 32
    else:
        r = count
        for _ in range(32):
            x = (x * x) >> 32
            r <<= 1
            if x >= two:
                r |= 1
                x = (x >> 1) + (x & 1)
    return -r if inverted else r


@given(st.lists(st.integers(min_value=1, max_value=2**63 - 1), min_size=1, max_size=20))
def test_i32f32_log2_matches_reference_and_math(xs):
    got, ok = tf._log2_i32f32(np.array(xs, dtype=object))
    for x, g, o in zip(xs, got, ok, strict=True):
        ref = _log2_reference(x)
        assert o == (ref is not None)
        if ref is not None:
            assert g == ref
            assert abs(g / 2**32 - math.log2(x / 2**32)) <= 2**-30


@pytest.mark.parametrize("x", [-20.0, -5.5, -1.0, -0.25, 0.0, 0.5, 1.0, 3.3, 10.2, 15.0])
def test_i32f32_exp_is_accurate_for_moderate_arguments(x):
    bits = round(x * 2**32)
    got, ok = tf._exp_i32f32(np.array([bits], dtype=object))
    assert ok[0]
    # the series' truncation error Σ_{i≥32} x^i/i! is < 1e-6 relative up to x ≈ 10.5, ~1e-4 at 15
    rel = 1e-6 if abs(x) <= 10.5 else 2e-4
    assert got[0] / 2**32 == pytest.approx(math.exp(bits / 2**32), rel=rel, abs=2**-31)


def test_i32f32_exp_truncation_and_overflow():
    got, ok = tf._exp_i32f32(np.array([round(20.4 * 2**32)], dtype=object))
    assert ok[0]
    assert 0.98 < got[0] / 2**32 / math.exp(20.4) < 0.995  # Taylor series truncated at x^31/31!
    _, ok = tf._exp_i32f32(np.array([22 << 32, -(22 << 32)], dtype=object))
    assert not ok.any()  # a term overflows I32F32 → Err (the chain then uses i32::MAX)


def test_sqrt_bisection_is_within_epsilon():
    value = (2**31 - 1) * 2**64 // 3
    eps = 2**64 // 1000
    r = tf._checked_sqrt_u64f64(value, eps)
    assert abs(r / 2**64 - math.sqrt(value / 2**64)) < 1e-3


def test_tiny_positive_flow_can_saturate_like_the_chain():
    # p = 2: ln of a flow ~1e-10 of the largest is ≈ −12, 2·ln < −21 overflows exp's series,
    # so the chain hands that subnet i32::MAX — far more than the largest flow gets.
    got = tf.pow_normalize([1.0, 1e-10], 2.0)
    assert got[1] > got[0]
    assert tf.pow_normalize([1.0, 1e-10], 2.0, emulate_fixed=False)[1] < 1e-19


def test_tiny_and_large_values():
    got = tf.pow_normalize([1e-9, 2e-9, 3e-9], 2.0)
    np.testing.assert_allclose(got, np.array([1, 4, 9]) / 14, rtol=0.01)
    got = tf.pow_normalize([1e9, 5e9, 1e10], 2.0)
    assert abs(got.sum() - 1.0) <= 1e-9
    assert np.all((got >= 0) & (got <= 1))


def test_all_zero_and_empty():
    assert tf.pow_normalize([0.0, 0.0, 0.0]).tolist() == [0.0, 0.0, 0.0]
    assert tf.pow_normalize([]).size == 0


def test_p_zero_and_large_p_saturation():
    # p = 0: every non-zero flow gets the same share
    np.testing.assert_allclose(tf.pow_normalize([0.0, 1.0, 7.0], 0.0), [0.0, 0.5, 0.5])
    # p = 3 overflows the I32F32 exp for the largest values: the chain saturates them at i32::MAX,
    # so they end up with equal shares, unlike the exact formula.
    chain = tf.pow_normalize([2.0, 3.0, 5.0], 3.0)
    exact = tf.pow_normalize([2.0, 3.0, 5.0], 3.0, emulate_fixed=False)
    np.testing.assert_allclose(exact, np.array([8, 27, 125]) / 160)
    np.testing.assert_allclose(chain, [1 / 3, 1 / 3, 1 / 3])


def test_values_below_i32f32_grid_get_nothing():
    # After scaling the largest value to √((2^31−1)/n), a value 1e-20 of it is below 2^-32.
    got = tf.pow_normalize([1.0, 1e-20], 1.0)
    assert got.tolist() == [1.0, 0.0]
    assert tf.pow_normalize([1.0, 1e-20], 1.0, emulate_fixed=False)[1] > 0


@given(
    z=st.lists(st.floats(min_value=0.0, max_value=1e15), min_size=1, max_size=64),
    p=st.floats(min_value=0.0, max_value=2.0),
)
def test_pow_normalize_properties(z, p):
    s = tf.pow_normalize(z, p)
    assert np.all(s >= 0)
    assert np.all(s <= 1)
    if max(z) >= 2**-60:  # representable as U64F64
        assert s.sum() == pytest.approx(1.0, abs=1e-12)
        # order is preserved (weakly) among flows that are not vanishingly small next to the
        # largest (those can hit exp's overflow and saturate, as on chain)
        z = np.asarray(z)
        big = z >= 1e-6 * z.max()
        order = np.argsort(z[big], kind="stable")
        assert np.all(np.diff(s[big][order]) >= -1e-12)
    else:
        assert s.sum() == 0.0


def test_net_flows_and_scale():
    nf = tf.net_flows([100.0, 50.0], [300.0, -10.0])
    assert nf.scale == 0.5
    assert nf.net.tolist() == [-50.0, 60.0]  # negative protocol flow is a benefit, unscaled
    nf = tf.net_flows([100.0, 100.0], [10.0, 30.0])  # users dominate: c = 1
    assert nf.scale == 1.0
    assert nf.net.tolist() == [90.0, 70.0]
    nf = tf.net_flows([5.0, -5.0], [-1.0, 0.0])  # no positive protocol flow: c = 0
    assert nf.scale == 0.0
    assert nf.net.tolist() == [6.0, -5.0]
    with pytest.raises(ValueError, match="protocol_ema"):
        tf.net_flows([1.0, 2.0], [1.0])


def test_lower_limit_and_offsets():
    assert tf.lower_limit([-5.0, 3.0]) == 0.0  # default cutoff 0 → L = 0
    assert tf.lower_limit([-5.0, 3.0], cutoff=-10.0) == -5.0
    assert tf.lower_limit([2.0, 3.0], cutoff=-10.0) == 0.0
    assert tf.offset_flows([-5.0, 3.0, 0.0]).tolist() == [0.0, 3.0, 0.0]
    assert tf.offset_flows([-5.0, 3.0], cutoff=-10.0).tolist() == [0.0, 8.0]


def test_flow_shares():
    np.testing.assert_allclose(tf.flow_shares([300.0, 100.0, -50.0]), [0.75, 0.25, 0.0], rtol=1e-6)
    # net flow: P scaled by c = 400/400 = 1 → N = [100, 300 − 0]
    np.testing.assert_allclose(tf.flow_shares([100.0, 300.0], [0.0, 400.0]), [1.0, 0.0])
    assert tf.flow_shares([-1.0, -2.0]).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="protocol_ema"):
        tf.flow_shares([1.0], net=True)


@given(
    s=st.lists(st.floats(min_value=-1e12, max_value=1e12), min_size=1, max_size=30),
    data=st.data(),
)
def test_flow_shares_sum_to_one_or_zero(s, data):
    p = data.draw(st.lists(st.floats(min_value=-1e12, max_value=1e12), min_size=len(s), max_size=len(s)))
    shares = tf.flow_shares(s, p)
    assert np.all(shares >= 0)
    assert shares.sum() <= 1.0 + 1e-12
    net = tf.net_flows(s, p).net
    assert (shares.sum() > 0.5) == bool(np.any(net >= 2**-60))  # U64F64 can hold it
    assert np.all(shares[net <= 0] == 0)


def test_update_flow_ema_and_path():
    a = 0.25
    assert tf.update_flow_ema(100.0, 20.0, alpha=a) == 80.0
    flows = np.array([[4.0, -4.0], [0.0, 8.0], [8.0, 0.0]])
    path = tf.flow_ema_path([0.0, 0.0], flows, alpha=a)
    s = np.zeros(2)
    for t in range(3):
        s = tf.update_flow_ema(s, flows[t], alpha=a)
        np.testing.assert_allclose(path[t], s)
    assert tf.flow_ema_path(0.0, np.array([1.0, 1.0]), alpha=0.5).tolist() == [0.5, 0.75]
    with pytest.raises(ValueError, match="block_flows"):
        tf.flow_ema_path([0.0, 0.0], np.ones((3, 3)))
    with pytest.raises(ValueError, match="alpha"):
        tf.update_flow_ema(1.0, 1.0, alpha=2.0)
    with pytest.raises(ValueError, match="same shape"):
        tf.update_flow_ema([1.0, 2.0], [1.0, 2.0, 3.0])


def test_one_off_flow_halves_after_half_life():
    a = tf.FLOW_EMA_ALPHA
    hl = tf.flow_half_life_blocks()
    assert hl == pytest.approx(math.log(2) / a, rel=1e-5)
    assert (1 - a) ** hl == pytest.approx(0.5, rel=1e-9)  # (1 − a) itself rounds in float64


def test_validation():
    with pytest.raises(ValueError, match="values"):
        tf.pow_normalize([-1.0, 2.0])
    with pytest.raises(ValueError, match="p"):
        tf.pow_normalize([1.0], -1.0)
    with pytest.raises(ValueError, match="raw"):
        tf.flow_ema_alpha(2**63)
    with pytest.raises(TypeError, match="raw"):
        tf.flow_ema_alpha(1.5)  # type: ignore[arg-type]
