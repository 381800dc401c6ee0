"""ADR, liquidation price and haircut (spec §7), and the ADR time series under the injection cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtao_lib import adr as A
from dtao_lib import dissolution
from dtao_lib.emission import block_emission, halving_threshold_rao

TAO = 10**9
pos = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)


def test_scalars_in_scalars_out_arrays_in_arrays_out():
    assert isinstance(A.adr(3, 1), float)
    assert A.adr(3, 1) == 3.0
    assert isinstance(A.liquidation_price(10, 4), float)
    assert isinstance(A.haircut(2), float)
    out = A.adr(np.array([1.0, 2.0, 4.0]), 2.0)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [0.5, 1.0, 2.0])
    np.testing.assert_allclose(A.haircut([1.0, 2.0, 4.0]), [0.0, 0.5, 0.75])
    np.testing.assert_allclose(A.liquidation_price([[100.0], [50.0]], [1.0, 4.0]), [[100.0, 25.0], [50.0, 12.5]])


@given(tao=pos, a_in=pos, a_out=pos)
def test_liquidation_price_is_spot_over_adr(tao, a_in, a_out):
    spot = tao / a_in
    ratio = A.adr(a_out, a_in)
    p_l = A.liquidation_price(tao, a_out)
    assert p_l == pytest.approx(spot / ratio, rel=1e-12)
    assert A.haircut(ratio) == pytest.approx(1 - p_l / spot, rel=1e-9, abs=1e-12)


def test_haircut_sign():
    assert A.haircut(1.0) == 0.0
    assert A.haircut(4.0) == 0.75
    assert A.haircut(0.5) == -1.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: A.adr(1.0, 0.0), "alpha_in"),
        (lambda: A.adr(-1.0, 1.0), "alpha_out"),
        (lambda: A.adr(float("nan"), 1.0), "alpha_out"),
        (lambda: A.adr([1.0, 2.0], [1.0, 2.0, 3.0]), "broadcast"),
        (lambda: A.liquidation_price(-5.0, 1.0), "tao_reserve"),
        (lambda: A.liquidation_price(5.0, 0.0), "alpha_outstanding"),
        (lambda: A.haircut(0.0), "adr"),
        (lambda: A.haircut(float("inf")), "adr"),
        (lambda: A.liquidation_price_head(1.0, 0.0), "user_alpha"),
        (lambda: A.effective_adr(1.0, 1.0, protocol_alpha=-1.0), "protocol_alpha"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors():
    with pytest.raises(TypeError):
        A.adr("a", 1.0)
    with pytest.raises(TypeError, match="include_alpha_in"):
        A.effective_adr(1.0, 1.0, include_alpha_in="no")


def test_head_variant_matches_dissolution_settlement():
    # DS-03: pot 200, user 50 α, protocol 50 α, α_in 100 (excluded) → the user gets 100 TAO
    p_l = A.liquidation_price_head(200.0, 50.0, protocol_alpha=50.0, alpha_in=100.0)
    assert p_l * 50 == dissolution.settle(200, [50], alpha_in=100, protocol_alpha=50).staker_tao[0]
    # post-deploy subnet: α_in joins the denominator
    p_l2 = A.liquidation_price_head(200.0, 50.0, protocol_alpha=50.0, alpha_in=100.0, include_alpha_in=True)
    assert p_l2 * 50 == dissolution.settle(200, [50], alpha_in=100, protocol_alpha=50,
                                           include_alpha_in=True).staker_tao[0]


@given(tao=pos, user=pos, a_in=pos, prot=st.floats(0, 1e12), include=st.booleans())
def test_effective_adr_is_spot_over_head_liquidation_price(tao, user, a_in, prot, include):
    eff = A.effective_adr(user, a_in, protocol_alpha=prot, include_alpha_in=include)
    p_l = A.liquidation_price_head(tao, user, protocol_alpha=prot, alpha_in=a_in, include_alpha_in=include)
    assert eff == pytest.approx((tao / a_in) / p_l, rel=1e-9)
    assert eff >= A.adr(user, a_in) * (1 - 1e-12)  # protocol alpha can only deepen the haircut
    if include:
        assert eff >= 1.0
    if prot == 0 and not include:
        assert eff == pytest.approx(A.adr(user, a_in))


def test_halving_adr():
    assert A.halving_adr(1, 0) == 2.0
    assert A.halving_adr(3, 1) == 4.0
    np.testing.assert_allclose(A.halving_adr([0, 1, 2, 2], [0, 0, 0, 2]), [1, 2, 4, 1])


# ---------------------------------------------------------------------------------------------
# Time series
# ---------------------------------------------------------------------------------------------
def _brute_force(n_blocks, issuance, a_in, a_out, rule, rate=0.0, root_prop=None):
    """Independent per-block loop over the same model."""
    out = []
    for _ in range(n_blocks):
        e = block_emission(issuance)
        a = block_emission(a_in + a_out)
        if rule == "min":
            inj = min(a, e)
        elif rule == "root":
            inj = int(a * root_prop)
        else:
            inj = a
        issuance += e - int(e * rate)
        a_in += inj
        a_out += a
        out.append((issuance, a_in, a_out))
    return out


@pytest.mark.parametrize(("era", "rule", "root_prop"), [("v3.3.1", "min", None), ("v3.2.12", "cap", None),
                                                         ("head", "root", 0.3)])
def test_time_series_matches_per_block_loop_across_halvings(era, rule, root_prop):
    # start a few blocks before both the first TAO halving and the subnet's first alpha halving
    issuance = halving_threshold_rao(1) - 5 * TAO
    a_in, a_out = 4_000_000 * TAO, halving_threshold_rao(1) - 4_000_000 * TAO - 40 * TAO
    df = A.adr_time_series(60, step_blocks=7, tao_issuance_rao=issuance, alpha_in_rao=a_in, alpha_out_rao=a_out,
                           recycle_rate=0.25, era=era, root_prop=root_prop)
    ref = _brute_force(60, issuance, a_in, a_out, rule, rate=0.25, root_prop=root_prop)
    assert list(df["block"]) == [0, 7, 14, 21, 28, 35, 42, 49, 56, 60]
    for _, row in df.iloc[1:].iterrows():
        i, ain, aout = ref[int(row["block"]) - 1]
        assert (row["tao_issuance_rao"], row["alpha_in_rao"], row["alpha_out_rao"]) == (i, ain, aout)
    assert df["tao_halvings"].iloc[-1] == 1
    assert df["alpha_halvings"].iloc[-1] == 1


def test_flow_adr_tracks_2_pow_k_minus_n_under_the_v3_3_1_cap():
    df = A.adr_time_series(7200 * 365 * 6, tao_issuance_rao=9_000_000 * TAO, alpha_out_rao=TAO, alpha_in_rao=TAO)
    k, n = df["tao_halvings"].to_numpy(), df["alpha_halvings"].to_numpy()
    expected = np.where(k >= n, A.halving_adr(k, n), 1.0)   # α_in = min(2^-n, 2^-k)
    np.testing.assert_allclose(df["flow_adr"].to_numpy(), expected)
    assert (df["flow_adr"] == 2.0).any()                      # k = 1, n = 0 happens
    np.testing.assert_allclose(df["stock_adr"], df["alpha_out_rao"] / df["alpha_in_rao"])


def test_flow_adr_other_eras():
    kw = dict(tao_issuance_rao=11_000_000 * TAO, alpha_in_rao=TAO, alpha_out_rao=TAO)
    assert (A.adr_time_series(7200, era="v3.2.12", **kw)["flow_adr"] == 1.0).all()
    df = A.adr_time_series(7200, era="head", root_prop=0.25, **kw)
    assert df["flow_adr"].iloc[-1] == pytest.approx(4.0)


def test_time_series_bad_input():
    with pytest.raises(ValueError, match="root_prop"):
        A.adr_time_series(100, era="head")
    with pytest.raises(ValueError, match="era"):
        A.adr_time_series(100, era="pre-dtao")
    with pytest.raises(ValueError, match="recycle_rate"):
        A.adr_time_series(100, recycle_rate=1.5)
    with pytest.raises(ValueError, match="n_blocks"):
        A.adr_time_series(-1)
    with pytest.raises(ValueError, match="step_blocks"):
        A.adr_time_series(10, step_blocks=0)
