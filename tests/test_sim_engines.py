"""dtao_lib.sim: the engines agree with each other, with the scalar reference, and with the
single-block functions of dtao_lib.coinbase and dtao_lib.amm on the same state."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from dtao_lib import amm, coinbase, sim
from dtao_lib.sim import _layout as L
from dtao_lib.sim import kernel_numba
from dtao_lib.sim.reference import run_reference
from dtao_lib.sim.state import build_state

ERAS = ["A", "v3.1.6", "v3.2.3", "v3.2.12", "B", "v3.3.1", "B'", "C", "head"]
POLICY = (sim.NoiseTraders(daily_volatility=0.1, every=7), sim.EmissionChasers(tao_per_day=5_000, every=11),
          sim.Pump(netuid=2, tao=500, at_day=0.02, sell_after_days=0.05))

needs_numba = pytest.mark.skipif(not kernel_numba.AVAILABLE, reason="numba is not installed")


def scenario(era: str, **kw) -> sim.Scenario:
    base = {"era": era, "n_subnets": 5, "blocks": 900, "record_every": 30, "initial": "synthetic", "seed": 3,
            "policy": POLICY, "emission_sell": 0.3, "tempo": 97, "miner_burned": 0.2}
    base.update(kw)
    return sim.Scenario(**base)


@needs_numba
@pytest.mark.parametrize("era", ERAS)
def test_numba_equals_scalar_reference(era):
    """The compiled kernel and the independent scalar reference give identical numbers."""
    s = scenario(era)
    res = sim.run(s, engine="numba", debug=True)
    ref = run_reference(s)
    assert np.array_equal(res.records, ref.records, equal_nan=True)
    assert np.array_equal(res.network, ref.network)


@pytest.mark.parametrize("era", ["A", "v3.2.12", "B'", "head"])
def test_numpy_equals_scalar_reference(era):
    """The vectorised engine agrees with the reference to the documented tolerance (1e-9 relative):
    numpy's SIMD log1p/expm1 may differ from libm's in the last bit, which can flip a floor by a rao."""
    s = scenario(era, blocks=400)
    res = sim.run(s, engine="numpy", debug=True)
    ref = run_reference(s)
    assert np.allclose(res.records, ref.records, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.allclose(res.network, ref.network, rtol=1e-9, atol=1e-9)


@needs_numba
@pytest.mark.parametrize("era", ["A", "v3.2.3", "B", "head"])
def test_numba_equals_numpy(era):
    s = scenario(era, blocks=500)
    a = sim.run(s, engine="numba", debug=True)
    b = sim.run(s, engine="numpy", debug=True)
    assert np.allclose(a.records, b.records, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.allclose(a.final.F, b.final.F, rtol=1e-9, atol=1e-9)
    assert np.all(np.abs(a.final.I - b.final.I) <= np.maximum(2, 1e-9 * np.abs(a.final.I)))


@needs_numba
def test_compiled_equals_uncompiled_kernel():
    """Compilation changes nothing: the kernel's own Python code gives the same bits."""
    s = scenario("head", blocks=200, n_subnets=3)
    a = sim.run(s, engine="numba")
    b = sim.run(s, engine="python")
    assert np.array_equal(a.records, b.records, equal_nan=True)
    assert np.array_equal(a.final.I, b.final.I)


@needs_numba
def test_numba_equals_numpy_with_registrations():
    s = sim.Scenario(era="head", n_subnets=3, blocks=1_500, record_every=50, initial="synthetic", seed=5,
                     policy=sim.NoiseTraders(), registration=sim.Registration(
                         count=3, every_days=0.05, subnet_limit=4, rate_limit_blocks=200, immunity_blocks=100,
                         enable_emission_after_days=0.02))
    a = sim.run(s, engine="numba", debug=True)
    b = sim.run(s, engine="numpy", debug=True)
    assert np.allclose(a.records, b.records, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert a.events.equals(b.events)


# ---------------------------------------------------------------------------------------------
# One block against dtao_lib.coinbase.block and dtao_lib.amm
# ---------------------------------------------------------------------------------------------
def _one_block(era: str, engine: str, **kw):
    s = sim.Scenario(era=era, n_subnets=8, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000, **kw)
    st = build_state(s)
    before = st.copy()
    n = st.n_slots
    args = (st.I, st.F, st.G, st.IP, st.FP, s.start_block + 1, s.start_block, np.zeros((1, n)),
            np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))
    if engine == "numba":
        kernel_numba.run_blocks(*args)
    else:
        sim.kernel_numpy.run_blocks(*args)
    fa = before.FP[L.FP_FLOW_ALPHA]
    bs = coinbase.BlockState(
        ema_prices=before.F[L.EMA], spot_prices=before.spot_prices(),
        alpha_issuance=before.I[L.AIN] + before.I[L.AOUT] + before.I[L.PROT], root_tao=round(s.root_tao * 1e9),
        total_issuance=s.issuance_rao, miner_burned=before.F[L.BURN],
        flows=(1 - fa) * before.F[L.FLOW], protocol_flows=(1 - fa) * before.F[L.PFLOW],
    )
    return s, before, st, bs


_SIM_SUBSIDY_GAP = pytest.mark.xfail(
    strict=True,
    reason="sim injects α_in = E for a subsidised subnet; up to v3.2.7 the chain injected the subnet's alpha "
           "emission (run_coinbase.rs v3.2.3 L87), which differs here because E is past the TAO halving",
)


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["A", pytest.param("v3.2.3", marks=_SIM_SUBSIDY_GAP), "v3.2.8", "v3.2.12", "B",
                                 "B'", "v3.3.1", "C", "head"])
def test_one_block_equals_coinbase_block(era, engine):
    """τ, τ_in, α_in, the excess and the α_out split equal coinbase.block on the same state: exactly
    its float path (exact=False, same flows rule aside), and the exact fixed-point path to ±1 rao
    (α_in to 1/p + 1 rao); TaoFlow shares within 1e-8 of the chain's I32F32 pow (spec §3.2)."""
    s, before, st, bs = _one_block(era, engine, miner_burned=0.1)
    flow = s.era_rules.share_rule in ("taoflow", "net_taoflow")
    exact = coinbase.block(bs, era=era, exact=True)
    fast = coinbase.block(bs, era=era, exact=False)
    I = st.I  # noqa: E741
    p = bs.spot_prices
    # exact shares are U64F64, or truncated to 2^-32 (v3.2.3 – v3.2.9); TaoFlow uses the chain's I32F32 pow
    assert np.allclose(st.F[L.SHARE], exact.share, rtol=1e-8 if flow else 0.0, atol=2.0**-31)
    if not flow:
        assert np.allclose(st.F[L.SHARE], fast.share, rtol=1e-13, atol=0.0)
    assert np.all(np.abs(I[L.LAST_TE] - exact.tao_emission) <= 1)
    assert np.all(np.abs(I[L.LAST_TAO_IN] - exact.tao_in) <= 1)
    assert np.all(np.abs(I[L.LAST_ALPHA_IN] - exact.alpha_in) <= 1 / p + 1)
    assert np.all(I[L.LAST_AE] == exact.alpha_out)
    if not flow:
        assert np.array_equal(I[L.LAST_TE], fast.tao_emission)
        assert np.array_equal(I[L.LAST_TAO_IN], fast.tao_in)
        assert np.array_equal(I[L.LAST_ALPHA_IN], fast.alpha_in)
    # the α_out split (root alpha is sold at once before v3.2.10, so only pending in later eras)
    assert np.all(np.abs(I[L.P_OWNER] - exact.owner) <= 1)
    assert np.all(np.abs(I[L.P_SERVER] - exact.server) <= 1)
    assert np.all(np.abs(I[L.P_VAL] - exact.validator) <= 1)
    if s.era_rules.root_dividends == "claimable_alpha":
        assert np.all(np.abs(I[L.P_ROOT] - exact.root) <= 1)
    recycled = I[L.CUM_ALPHA_RECYC] - np.where(before.IP[L.IP_CHAIN] == L.CHAIN_RECYCLED, I[L.CUM_CHAIN_ALPHA], 0)
    assert np.all(np.abs(recycled - exact.root_recycled) <= 1)
    # the chain buy spends the excess (what coinbase.block reports as excess_tao)
    assert np.all(np.abs(I[L.LAST_EXCESS] - exact.excess_tao) <= 1)
    # TAO conservation of the block: E = Σ τ_in + Σ excess + recycled
    assert I[L.LAST_TAO_IN].sum() + I[L.LAST_EXCESS].sum() + st.G[L.G_RECYC_CB] == exact.block_emission


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["v3.2.12", "head"])
def test_chain_buy_equals_the_exact_pool(era, engine):
    """The chain buy is a fee-free swap of the era's pool after the injection (spec §3.4, §4)."""
    _, before, st, _ = _one_block(era, engine)
    I0, F0 = before.I, before.F
    checked = 0
    for i in range(before.n_slots):
        exc = int(st.I[L.LAST_EXCESS, i])
        if exc == 0:
            continue
        t, a = int(I0[L.TAO, i]), int(I0[L.AIN, i])
        if before.IP[L.IP_POOL] == L.POOL_BAL:
            pool = amm.BalancerPool(t, a, quote_weight=Fraction(F0[L.W2, i]).limit_denominator(10**18), fee_rate_u16=0)
        else:
            pool = amm.FullRangePool(t, a, fee_rate_u16=0)
        pool = pool.inject(int(st.I[L.LAST_TAO_IN, i]), int(st.I[L.LAST_ALPHA_IN, i])).pool
        want = pool.buy_alpha(exc).amount_out
        assert abs(int(st.I[L.LAST_CHAIN_ALPHA, i]) - want) <= 2
        # and the float helper the kernel mirrors gives the same number exactly
        if before.IP[L.IP_POOL] == L.POOL_BAL:
            ref = amm.balancer_buy_array(float(pool.tao_reserve), float(pool.alpha_reserve), float(exc),
                                         float(st.F[L.W2, i]), fee_rate_u16=0)
            assert int(ref.amount_out) == int(st.I[L.LAST_CHAIN_ALPHA, i])
        checked += 1
    assert checked > 0


def test_swaps_equal_amm_float_helpers():
    """The simulator's scalar swaps are amm's float array helpers, one element at a time."""
    from dtao_lib.sim import _scalar

    rng = np.random.default_rng(0)
    for _ in range(200):
        t, a = float(rng.integers(10**10, 10**15)), float(rng.integers(10**10, 10**16))
        w2 = float(rng.uniform(0.05, 0.95))
        d = float(rng.integers(1, 10**13))
        ok, out, _, fee = _scalar.buy(L.POOL_BAL, t, a, w2, d, 33, 0.0, 0)
        r = amm.balancer_buy_array(t, a, d, w2)
        assert (ok, out, fee) == (bool(r.ok), float(r.amount_out), float(r.fee))
        ok, out, _, _ = _scalar.sell(L.POOL_BAL, t, a, w2, d, 0, 0.0, 0)
        r = amm.balancer_sell_array(t, a, d, w2, fee_rate_u16=0)
        assert (ok, out) == (bool(r.ok), float(r.amount_out))
        ok, out, _into, _ = _scalar.buy(L.POOL_CP, t, a, 0.5, d, 0, 50_000.0, 1)
        r = amm.cp_buy_array(t, a, d)
        assert (ok, out) == (bool(r.ok), float(r.amount_out))
        ok, out, _, _ = _scalar.sell(L.POOL_CP, t, a, 0.5, d, 0, 50_000.0, 1)
        r = amm.cp_sell_array(t, a, d)
        assert (ok, out) == (bool(r.ok), float(r.amount_out))


def test_unstake_with_author_fee_matches_the_exact_pool():
    """A Balancer sale pays the seller, then sells the alpha fee fee-free for the block author (spec §4.3)."""
    from dtao_lib.sim import _scalar

    t, a = 10**13, 4 * 10**14
    ok, out, author, burned = _scalar.sell(L.POOL_BAL, float(t), float(a), 0.5, 5e11, 33, 0.0, 0)
    exact = amm.BalancerPool(t, a).sell_alpha(5 * 10**11, author_fee_swap=True)
    assert ok
    assert burned == 0
    assert abs(out - exact.amount_out) <= 2
    assert abs(author - exact.fee_tao_to_author) <= 2


def test_block_emission_matches_emission_module():
    from dtao_lib import emission
    from dtao_lib.sim import _scalar, kernel_numpy

    points = [0, 10**15, emission.halving_threshold_rao(1) - 1, emission.halving_threshold_rao(1),
              emission.halving_threshold_rao(2) - 1, emission.halving_threshold_rao(2),
              emission.halving_threshold_rao(7), emission.halving_threshold_rao(30), 21 * 10**15 - 1, 21 * 10**15]
    for x in points:
        assert _scalar.block_emission(x) == emission.block_emission(x)
    assert kernel_numpy._alpha_emission(np.array(points, dtype=np.int64)).tolist() == [
        emission.block_emission(x) for x in points]
