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

ERAS = ["A", "v2.0.6", "v3.1.6", "v3.2.3", "v3.2.12", "B", "v3.3.1", "v3.3.10", "B'", "C", "v3.4.8", "D", "E",
        "spec444", "head"]
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


@pytest.mark.parametrize("era", ["A", "v3.2.12", "B'", "D", "E", "head"])
def test_numpy_equals_scalar_reference(era):
    """The vectorised engine agrees with the reference to the documented tolerance (1e-9 relative):
    numpy's SIMD log1p/expm1 may differ from libm's in the last bit, which can flip a floor by a rao."""
    s = scenario(era, blocks=400)
    res = sim.run(s, engine="numpy", debug=True)
    ref = run_reference(s)
    assert np.allclose(res.records, ref.records, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.allclose(res.network, ref.network, rtol=1e-9, atol=1e-9)


@needs_numba
@pytest.mark.parametrize("era", ["A", "v3.2.3", "B", "D", "head"])
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


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["A", "v3.2.3", "v3.2.8", "v3.2.12", "B",
                                 "B'", "v3.3.1", "C", "D"])
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
@pytest.mark.parametrize("era", ["v3.2.12", "D"])
def test_chain_buy_equals_the_exact_pool(era, engine):
    """The chain buy is a fee-free swap of the era's pool (spec §3.4, §4) on the mainnet-sized pools of the
    synthetic state: Uniswap v3 after the injection (run_coinbase.rs v3.2.12 L112 → L115); the Balancer
    of spec 425 on the pre-injection reserves with the weights of the injection (14bc6f9f L91 → L104 →
    L137/L147). ``test_chain_buy_runs_in_the_eras_order`` tells the orders apart on a thin pool."""
    _, before, st, _ = _one_block(era, engine)
    I0, F0 = before.I, before.F
    checked = 0
    for i in range(before.n_slots):
        exc = int(st.I[L.LAST_EXCESS, i])
        if exc == 0:
            continue
        t, a = int(I0[L.TAO, i]), int(I0[L.AIN, i])
        tin, ain = int(st.I[L.LAST_TAO_IN, i]), int(st.I[L.LAST_ALPHA_IN, i])
        if before.IP[L.IP_POOL] == L.POOL_BAL:
            w_new = amm.balancer_quote_weight_after_injection(Fraction(F0[L.W2, i]).limit_denominator(10**18),
                                                              t, a, tin, ain)
            pool = amm.BalancerPool(t, a, quote_weight=w_new, fee_rate_u16=0)
        else:
            pool = amm.FullRangePool(t, a, fee_rate_u16=0).inject(tin, ain).pool
        want = pool.buy_alpha(exc).amount_out
        assert abs(int(st.I[L.LAST_CHAIN_ALPHA, i]) - want) <= 2
        # and the float helper the kernel mirrors gives the same number exactly
        if before.IP[L.IP_POOL] == L.POOL_BAL:
            ref = amm.balancer_buy_array(float(pool.tao_reserve), float(pool.alpha_reserve), float(exc),
                                         float(st.F[L.W2, i]), fee_rate_u16=0)
            assert int(ref.amount_out) == int(st.I[L.LAST_CHAIN_ALPHA, i])
        checked += 1
    assert checked > 0



def _run_one_block(st, s, engine: str) -> int:
    """One block of ``s`` with no trades on the state ``st`` (in place) by the numba or numpy kernel."""
    n = st.n_slots
    run = kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks
    return run(st.I, st.F, st.G, st.IP, st.FP, s.start_block + 1, s.start_block, np.zeros((1, n)),
               np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))


def _block_state_before(before, s) -> coinbase.BlockState:
    """The :class:`dtao_lib.coinbase.BlockState` of the simulator state ``before`` (flows net of the EMA step)."""
    I0, F0 = before.I, before.F
    fa = before.FP[L.FP_FLOW_ALPHA]
    return coinbase.BlockState(
        ema_prices=F0[L.EMA], spot_prices=before.spot_prices(),
        alpha_issuance=I0[L.AIN] + I0[L.AOUT] + I0[L.PROT], root_tao=round(s.root_tao * 1e9),
        total_issuance=s.issuance_rao, miner_burned=F0[L.BURN],
        flows=(1 - fa) * F0[L.FLOW], protocol_flows=(1 - fa) * F0[L.PFLOW])

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


# ---------------------------------------------------------------------------------------------
# The post-June rules (addendum §A2–§A4): emission gate, reservoirs, chain-buy refund
# ---------------------------------------------------------------------------------------------
def _gate_run(era: str, **kw) -> sim.SimResult:
    base = {"era": era, "n_subnets": 40, "blocks": 800, "record_every": 1, "initial": "synthetic", "seed": 11,
            "policy": sim.NoiseTraders(daily_volatility=0.3, every=5), "start_block": 7_200_000 + 100}
    base.update(kw)
    return sim.run(sim.Scenario(**base), engine="numpy", debug=True)


def _hill_shares(pre: np.ndarray, bar: float, h: float = 3.0) -> np.ndarray:
    g = np.where(pre > 0, pre / (1.0 + (bar / np.where(pre > 0, pre, 1.0)) ** h), 0.0)
    return g / g.sum()


@pytest.mark.parametrize(("era", "rank"), [("head", None), ("head", 5), ("E", None), ("head", 0)])
def test_gate_bar_and_cadence(era, rank):
    """The bar is recomputed when unset and at every block with block % 360 == 0, and kept in between
    (spec §A2): rank mode takes the N-th largest positive pre-gate share (N = 32 by default), q-mass mode
    (spec 440, or rank 0) the share where the descending running sum first reaches q = 0.61. The shares
    are then ``s/(1 + (θ/s)^3)`` renormalised — recomputed here from the recorded pre-gate shares."""
    res = _gate_run(era, emission_bar_rank=rank)
    rec, net = res.records, res.network
    blocks = net[:, L.R_BLOCK].astype(np.int64)
    n_rank = 32 if rank is None else rank
    qmass = era == "E" or rank == 0
    recomputed = 0
    for r in range(1, len(blocks)):
        pre = rec[r, L.M_PRE_GATE]
        bar = net[r, L.R_BAR]
        if r == 1 or blocks[r] % 360 == 0:
            desc = np.sort(pre[pre > 0])[::-1]
            if qmass:
                want = desc[np.flatnonzero(np.cumsum(desc) >= 0.61)[0]]
            else:
                want = desc[n_rank - 1] if desc.size >= n_rank else desc[-1]
            assert bar == want
            recomputed += 1
        else:
            assert bar == net[r - 1, L.R_BAR]
        assert np.allclose(rec[r, L.M_SHARE], _hill_shares(pre, bar), rtol=1e-12, atol=1e-18)
    assert recomputed == 1 + sum(1 for b in blocks[2:] if b % 360 == 0) >= 3


def test_gate_concentrates_emission_above_the_bar():
    """With 40 subnets and the bar at the 32nd share, the gate moves emission from the 8 below the bar to
    the 32 at or above it."""
    res = _gate_run("head", blocks=50)  # the bar is computed at the first block
    pre, share, bar = res.records[1, L.M_PRE_GATE], res.records[1, L.M_SHARE], res.network[1, L.R_BAR]
    below = pre < bar
    assert below.sum() == 8
    assert share[below].sum() < pre[below].sum()
    assert share[~below].sum() > pre[~below].sum()
    ungated = _gate_run("D", blocks=50)  # spec 425: no gate
    assert np.array_equal(ungated.records[-1, L.M_SHARE], ungated.records[-1, L.M_PRE_GATE])
    assert np.all(ungated.network[:, L.R_BAR] == 0.0)


@needs_numba
@pytest.mark.parametrize("era", ["E", "spec444", "head"])
def test_gate_engines_agree_on_many_subnets(era):
    s = scenario(era, n_subnets=45, blocks=800, start_block=7_200_000 + 300, emission_bar_quantile=0.5)
    a = sim.run(s, engine="numba", debug=True)
    ref = run_reference(s)
    assert np.array_equal(a.records, ref.records, equal_nan=True)
    assert np.array_equal(a.network, ref.network)
    b = sim.run(s, engine="numpy", debug=True)
    assert np.allclose(a.records, b.records, rtol=1e-9, atol=1e-9, equal_nan=True)


def _edge_pools(n: int = 4) -> sim.InitialState:
    """Nearly dead Balancer pools: price ≈ 1e-8 TAO, TAO weight just above the 0.01 bound. Their capped
    injection is alpha only (τ_in = ⌊cap·p⌋ = 0), which would push the weight below 0.01 (spec §A4)."""
    tao = np.full(n, 1_000_000 + np.arange(n) * 1_000, dtype=np.int64)
    w2 = 0.01 + 1e-14 * (1 + np.arange(n))
    price = np.full(n, 1e-8)
    alpha = np.round(tao * (1.0 - w2) / (w2 * price)).astype(np.int64)  # w2 = T / (p·A + T)
    return sim.InitialState(netuid=np.arange(1, n + 1), tao_reserve=tao, alpha_in=alpha,
                            alpha_out=np.full(n, 10**15), ema_price=price, pool_price=price)


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy", "reference"])
def test_reservoirs_hold_what_the_weights_cannot_take(engine):
    """HEAD (spec §A4): alpha that would push the weight below 0.01 waits in the alpha reservoir (and
    counts in the alpha issuance); conservation to the rao includes the reservoirs. Without reservoirs
    (spec 425) the same injections are refused."""
    s = sim.Scenario(era="head", initial=_edge_pools(), blocks=200, record_every=1, seed=1, tempo=97,
                     root_tao=100_000.0)
    if engine == "reference":
        rec = run_reference(s).records
        num = sim.run(s, engine="numpy", debug=True)
        assert np.allclose(rec, num.records, rtol=1e-9, atol=1e-9, equal_nan=True)
        return
    res = sim.run(s, engine=engine, debug=True)
    rec = res.records
    held = rec[1, L.M_RES_ALPHA]  # block 1: alpha only (τ_in = 0) would push the weight below 0.01
    assert np.all(held > 0)
    assert np.all(rec[1, L.M_ALPHA_IN] == 0)
    assert np.all(rec[2, L.M_ALPHA_IN] > held)  # block 2 (with TAO again): released with this block's alpha
    assert np.all(rec[2, L.M_RES_ALPHA] == 0)
    I = res.final.I  # noqa: E741
    assert np.array_equal(I[L.RES_TAO], I[L.CUM_TAO_MAT] - I[L.CUM_TAO_IN])
    assert np.array_equal(I[L.AIN] + I[L.AOUT] + I[L.PROT] + I[L.RES_ALPHA],
                          I[L.INIT_ALPHA] + I[L.CUM_ALPHA_INJ] + I[L.CUM_ALPHA_EMIT] - I[L.CUM_ALPHA_RECYC])
    G = res.final.G
    assert G[L.G_MINTED] == G[L.G_TAO_MAT] + G[L.G_CHAIN] + G[L.G_STRANDED] + G[L.G_RECYC_CB]
    assert np.all(res.final.F[L.W2] <= 0.99)
    assert np.all(res.final.F[L.W2] >= 0.01)
    old = sim.run(s.replace(era="D"), engine=engine, debug=True)
    assert np.all(old.records[:, L.M_RES_ALPHA] == 0.0)
    assert old.final.I[L.CUM_ALPHA_INJ].sum() < I[L.CUM_ALPHA_INJ].sum()  # refused, not minted


def test_reservoir_rule_tries_both_then_alpha_then_tao():
    """``adjust_protocol_liquidity`` (spec §A4): both pending amounts if the weight stays in [0.01, 0.99],
    else alpha only, else TAO only, else neither; the weight keeps the price ``(w1/w2)·T/A``."""
    from dtao_lib.sim._scalar import adjust_liquidity

    t, a = 1e13, 1e15
    for w2, pt, pa, want in [(0.5, 1e9, 1e11, (1e9, 1e11)),      # both fit
                             (0.9899, 1e12, 1e9, (0.0, 1e9)),    # TAO would push w2 above 0.99
                             (0.0101, 1e9, 1e14, (1e9, 0.0)),    # alpha would push w2 below 0.01
                             (0.0101, 0.0, 0.0, (0.0, 0.0))]:
        acc_t, acc_a, nw = adjust_liquidity(w2, t, a, pt, pa)
        assert (acc_t, acc_a) == want
        assert 0.01 <= nw <= 0.99
        if acc_t or acc_a:
            assert (1 - nw) / nw * (t + acc_t) / (a + acc_a) == pytest.approx((1 - w2) / w2 * t / a, rel=1e-12)


def _one_block_state(era: str, tweak):
    s = sim.Scenario(era=era, n_subnets=4, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000)
    st = build_state(s, debug=True)
    tweak(st)
    n = st.n_slots
    args = (st.I, st.F, st.G, st.IP, st.FP, s.start_block + 1, s.start_block, np.zeros((1, n)),
            np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))
    return st, args


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
def test_failed_chain_buy_is_refunded_at_head_and_stranded_before(engine):
    """A chain buy the pool refuses (here: the excess is more than 1000× the pool's TAO) returns its TAO
    to the block credit, which is recycled, from spec 435 on (``withdraw_tao_as_credit`` @1a587cc8, spec
    §A4); before, the TAO stayed on the subnet account: still issued, in no pool (issue #2661)."""
    def thin_pool(st):
        st.I[L.TAO, 0] = st.I[L.INIT_TAO, 0] = 10_000  # 1e-5 TAO against 1 000 alpha: price 1e-8
        st.I[L.AIN, 0] = 10**12
        st.I[L.INIT_ALPHA, 0] = st.I[L.AIN, 0] + st.I[L.AOUT, 0] + st.I[L.PROT, 0]
        st.F[L.EMA, 0] = 2.0  # most of the block's emission: the injection is capped, the excess large

    out = {}
    for era in ("D", "spec435", "head"):  # spec 425, the first with the refund (no gate yet), HEAD
        st, args = _one_block_state(era, thin_pool)
        run = kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks
        assert run(*args) == 0
        out[era] = st
    assert out["head"].G[L.G_STRANDED] == 0
    old, new = out["D"], out["spec435"]
    assert old.I[L.LAST_EXCESS, 0] == 0  # the swap failed in both
    assert new.I[L.LAST_EXCESS, 0] == 0
    stranded = int(old.G[L.G_STRANDED])
    assert stranded > 10**8
    assert new.G[L.G_STRANDED] == 0
    # the same TAO is recycled at HEAD and stays issued before
    assert new.G[L.G_RECYC_CB] - old.G[L.G_RECYC_CB] == stranded
    assert old.G[L.G_ISS] - new.G[L.G_ISS] == stranded


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy", "reference"])
def test_era_c_with_every_weight_zero_falls_back_to_price_shares(engine):
    """Era C (v3.4.6): when every weight p̄·root_prop·(1 − MinerBurned) is 0 the chain returns the plain
    price shares (opentensor/subtensor v3.4.6-421, pallets/subtensor/src/coinbase/subnet_emissions.rs
    L362–372: ``if total_weight > zero {…} else { price_shares }``), not zero emission."""
    s = sim.Scenario(era="C", n_subnets=4, blocks=3, record_every=1, initial="synthetic", seed=2, miner_burned=1.0)
    rec = run_reference(s).records if engine == "reference" else sim.run(s, engine=engine, debug=True).records
    ema = s.initial_state().ema_price
    grid = np.rint(ema * 2.0**32) / 2.0**32
    assert np.allclose(rec[1, L.M_SHARE], grid / grid.sum(), rtol=1e-12, atol=0)
    assert rec[1, L.M_TAO_IN].sum() + rec[1, L.M_CHAIN_TAO].sum() > 0.45  # the block's emission is paid out


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize(("era", "kw"), [("head", {}), ("head", {"emission_bar_rank": 7}), ("E", {}),
                                         ("spec444", {})])
def test_one_block_gate_equals_coinbase_gated_shares(era, engine, kw):
    """One block at a block number where the bar is due: the simulator's pre-gate shares, bar and gated
    shares equal HEAD's ``get_shares`` as :func:`dtao_lib.coinbase.gated_shares` computes it in fixed
    point (U64F64, I32F32 ``safe_pow``): the bar exactly (to float64 rounding of the U64F64 value), the
    shares to the 1e-6 the chain's own tests allow (addendum §A2)."""
    s = sim.Scenario(era=era, n_subnets=40, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000,
                     start_block=360 * 20_000, miner_burned=0.25, **kw)
    st = build_state(s)
    before = st.copy()
    n = st.n_slots
    args = (st.I, st.F, st.G, st.IP, st.FP, s.start_block + 1, s.start_block, np.zeros((1, n)),
            np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))
    (kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks)(*args)
    e = s.era_rules
    rank = kw.get("emission_bar_rank", 32) if e.emission_gate == "rank" else 0
    g = coinbase.gated_shares(before.F[L.EMA], miner_burned=before.F[L.BURN] if e.miner_burn_weighting else None,
                              block=s.start_block, rank=rank)
    assert g.bar_updated
    assert st.FP[L.FP_GATE_BAR] == pytest.approx(g.bar, rel=1e-15)
    assert np.allclose(st.F[L.PRE_GATE], g.pre_gate, rtol=1e-13, atol=1e-18)
    assert np.allclose(st.F[L.SHARE], g.shares, rtol=1e-6, atol=1e-12)
    # and the TAO of the block follows the gated share: τ = ⌊E·share⌋
    E = sim._scalar.block_emission(s.issuance_rao)
    assert np.all(np.abs(st.I[L.LAST_TE] - np.floor(E * g.shares)) <= 1)


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["E", "head"])
def test_one_block_at_head_equals_coinbase_block(era, engine):
    """One block with the gate (bar due: block % 360 == 0) against ``coinbase.block`` at HEAD with its bar
    state (``BlockState.emission_bar``, ``block_number``): the stored bar to float rounding; shares, τ,
    τ_in and the excess to the chain's I32F32 ``safe_pow`` accuracy (1e-6 relative, plus 1 rao); the α_out
    split to a rao plus what that does to α_in (addendum §A2, §H)."""
    s = sim.Scenario(era=era, n_subnets=40, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000,
                     start_block=360 * 20_000, miner_burned=0.1)
    st = build_state(s)
    before = st.copy()
    n = st.n_slots
    args = (st.I, st.F, st.G, st.IP, st.FP, s.start_block + 1, s.start_block, np.zeros((1, n)),
            np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))
    (kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks)(*args)
    bs = coinbase.BlockState(
        ema_prices=before.F[L.EMA], spot_prices=before.spot_prices(),
        alpha_issuance=before.I[L.AIN] + before.I[L.AOUT] + before.I[L.PROT], root_tao=round(s.root_tao * 1e9),
        total_issuance=s.issuance_rao, miner_burned=before.F[L.BURN], emission_bar=0.0, block_number=s.start_block)
    exact = coinbase.block(bs, era=era, exact=True)
    I = st.I  # noqa: E741
    assert st.FP[L.FP_GATE_BAR] == pytest.approx(exact.emission_bar, rel=1e-15)
    assert np.allclose(st.F[L.SHARE], exact.share, rtol=1e-6, atol=1e-12)

    def close(a, b):
        return np.all(np.abs(a - b) <= 1 + 2e-6 * np.abs(b))

    assert close(I[L.LAST_TE], exact.tao_emission)
    assert close(I[L.LAST_TAO_IN], exact.tao_in)
    assert close(I[L.LAST_EXCESS], exact.excess_tao)
    assert np.all(I[L.LAST_AE] == exact.alpha_out)
    assert close(I[L.LAST_ALPHA_IN], exact.alpha_in)
    for row, part in ((L.P_OWNER, exact.owner), (L.P_SERVER, exact.server), (L.P_VAL, exact.validator),
                      (L.P_ROOT, exact.root)):
        assert np.all(np.abs(I[row] - part) <= 2)


def test_gate_collapse_far_above_the_bar_matches_coinbase():
    """The chain's quirk (addendum §A2; ``coinbase.emission_gate`` reproduces it bit for bit): I32F32 ``exp``
    fails for ``|3·ln(θ/s)| ≳ 20.89``, so a share more than ~1056× the bar is gated to ~0. The simulator's
    float gate switches at the same ratio."""
    from dtao_lib.sim._scalar import gate_r_hi, hill_gate

    bar = 1e-4
    for k in (2.0, 1000.0, 1050.0, 1056.0, 1057.0, 1100.0, 5000.0):
        g = coinbase.emission_gate([k * bar, bar], bar)
        chain = g[0] / g[1] * 0.5 / k  # the share's gate factor (the bar's own factor is 1/2)
        ours = hill_gate(k * bar, bar, 3.0, gate_r_hi(3.0))
        assert ours == pytest.approx(chain, rel=1e-5, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Past eras: the order of injection and chain buy, and the EMA's age and half-point
# ---------------------------------------------------------------------------------------------
_ORDER_CASES = [
    # (era, chain order, where opentensor/subtensor says so: pallets/subtensor/src/coinbase/run_coinbase.rs)
    ("v3.2.3", "buy_first", "v3.2.3 L90 swap_tao_for_alpha in get_subnet_terms; reserves grow at L135/L148, "
                            "adjust_protocol_liquidity at L158"),
    ("v3.2.8", "buy_first", "v3.2.8-320 L91 swap; injection at L138/L152/L162"),
    ("v3.2.12", "inject_first", "v3.2.12-342 L112 adjust_protocol_liquidity (the v3 position grows), L115 swap"),
    ("v3.4.1", "inject_first", "v3.4.1-413 L93 adjust_protocol_liquidity (v3), L101 swap"),
    ("v3.3.10", "weights_first", "v3.3.10-380 L71 adjust_protocol_liquidity (weights only), L74 swap on "
                                 "SubnetTAO/SubnetAlphaIn, L90/L99 reserves += injection"),
    ("v3.4.8", "weights_first", "v3.4.8-423 L91 adjust (weights), L104 swap, L137 resolve_to_alpha_in, L147 SubnetTAO"),
    ("D", "weights_first", "14bc6f9f L91 adjust (weights), L104 swap, L137 resolve_to_alpha_in, L147 SubnetTAO"),
]


def _thin_pool_block(era: str, engine: str):
    """One block where slot 0 is a 2-TAO pool at price 0.1 taking most of the emission: the excess buys
    ~10 % of the pool, so the order of injection and buy changes the alpha bought by far more than a rao."""
    s = sim.Scenario(era=era, n_subnets=4, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000)
    st = build_state(s, debug=True)
    st.I[L.TAO, 0] = st.I[L.INIT_TAO, 0] = 2_000_000_000
    st.I[L.AIN, 0] = 20_000_000_000
    st.I[L.INIT_ALPHA, 0] = st.I[L.AIN, 0] + st.I[L.AOUT, 0] + st.I[L.PROT, 0]
    st.F[L.W2, 0] = 0.5
    st.F[L.EMA, 0] = 3.0
    before = st.copy()
    assert _run_one_block(st, s, engine) == 0
    return s, before, st


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize(("era", "order", "rust"), _ORDER_CASES, ids=[c[0] for c in _ORDER_CASES])
def test_chain_buy_runs_in_the_eras_order(era, order, rust, engine):
    """The chain buy against the era's pool in the order ``run_coinbase.rs`` runs it (see ``rust``):

    * subsidy era: buy on the pool as it is, then inject;
    * Uniswap v3 from v3.2.12: inject (the protocol position grows), then buy;
    * Balancer before the reservoirs: ``adjust_protocol_liquidity`` only moves the weights (computed on
      the pre-injection reserves), the buy swaps on the pre-injection reserves with those new weights,
      and the reserves grow by the injection afterwards.

    Expected values: τ_in, α_in and the excess from :func:`dtao_lib.coinbase.block` (float path) on the
    pre-block state, the swap from :mod:`dtao_lib.amm`'s exact pools (``FullRangePool``, ``BalancerPool``
    with :func:`~dtao_lib.amm.balancer_quote_weight_after_injection`)."""
    s, before, st = _thin_pool_block(era, engine)
    I0, F0 = before.I, before.F
    bs = _block_state_before(before, s)
    cb = coinbase.block(bs, era=era, exact=True)
    tin, ain, exc = int(st.I[L.LAST_TAO_IN, 0]), int(st.I[L.LAST_ALPHA_IN, 0]), int(st.I[L.LAST_EXCESS, 0])
    assert exc > 10**7  # the case this test is about
    assert tin + ain > 0
    assert abs(tin - cb.tao_in[0]) <= 1  # to the rao, as elsewhere
    assert abs(exc - cb.excess_tao[0]) <= 1
    assert abs(ain - cb.alpha_in[0]) <= 1 / bs.spot_prices[0] + 1
    t, a = int(I0[L.TAO, 0]), int(I0[L.AIN, 0])
    if order == "weights_first":
        w0 = Fraction(F0[L.W2, 0]).limit_denominator(10**18)
        w_new = amm.balancer_quote_weight_after_injection(w0, t, a, tin, ain)
        want = amm.BalancerPool(t, a, quote_weight=w_new, fee_rate_u16=0).buy_alpha(exc).amount_out
        wrong = amm.BalancerPool(t, a, quote_weight=w0, fee_rate_u16=0).inject(tin, ain).pool.buy_alpha(exc).amount_out
        assert float(st.F[L.W2, 0]) == pytest.approx(float(w_new), rel=1e-12)  # the weights of the injection alone
    else:
        pool = amm.FullRangePool(t, a, fee_rate_u16=0)
        injected = pool.inject(tin, ain).pool.buy_alpha(exc).amount_out
        first = pool.buy_alpha(exc).amount_out
        want, wrong = (first, injected) if order == "buy_first" else (injected, first)
    got = int(st.I[L.LAST_CHAIN_ALPHA, 0])
    assert abs(got - want) <= 2
    assert abs(wrong - want) > 1000  # the other order would be told apart
    # SubnetTAO / SubnetAlphaIn end with the injection and the buy, whatever the order (in the v3 eras part of
    # the injection may be held off the price-active reserves: RES_*, OFF_*; state.v3_liquidity)
    assert st.I[L.TAO, 0] + st.I[L.RES_TAO, 0] + st.I[L.OFF_TAO, 0] == t + tin + exc
    assert st.I[L.AIN, 0] + st.I[L.RES_ALPHA, 0] + st.I[L.OFF_ALPHA, 0] == a + ain - got


def test_chain_buy_order_per_era():
    """The order :func:`dtao_lib.sim.state.chain_buy_order` gives every era (``run_coinbase.rs`` lines in
    ``_ORDER_CASES``); eras with reservoirs buy first through ``IP_RESERVOIRS`` (spec §A4)."""
    from dtao_lib import params
    from dtao_lib.sim.state import chain_buy_order

    codes = {"buy_first": L.ORDER_BUY_FIRST, "inject_first": L.ORDER_INJECT_FIRST,
             "weights_first": L.ORDER_WEIGHTS_FIRST}
    for era, order, _ in _ORDER_CASES:
        assert chain_buy_order(params.era(era)) == codes[order], era
    for era in ("v3.2.11", "v3.3.9", "v3.3.11", "v3.4.7"):
        assert chain_buy_order(params.era(era)) != L.ORDER_WEIGHTS_FIRST, era
    assert chain_buy_order(params.era("v3.4.9")) == L.ORDER_WEIGHTS_FIRST
    assert sim.Scenario(era="head", n_subnets=2, blocks=1).era_rules.balancer_reservoirs


_EMA_CASES = [
    # (era, h, age counted from, opentensor/subtensor pallets/subtensor/src/staking/stake_utils.rs)
    ("v2.0.6", 100_800, "registration", "v2.0.6 L60-67: NetworkRegisteredAt, 100_800 fixed"),
    ("v2.0.8", 201_600, "registration", "v2.0.8 L60-72: NetworkRegisteredAt, EMAPriceHalvingBlocks"),
    ("v2.0.9", 201_600, "registration", "v2.0.9 L60-72: NetworkRegisteredAt (start_call exists, unused here)"),
    ("v2.0.10", 201_600, "start_call", "v2.0.10 L61-69: FirstEmissionBlockNumber - 1"),
]


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize(("era", "h", "origin", "rust"), _EMA_CASES, ids=[c[0] for c in _EMA_CASES])
def test_ema_age_and_half_point_follow_the_era(era, h, origin, rust, engine):
    """The EMA of one block: ``a = α·b/(b + h)`` with the era's ``h`` and ``b`` counted from registration
    (v2.0.6 – v2.0.9) or from start_call (v2.0.10+), as ``update_moving_price`` does (see ``rust``).
    Registration 50 000 blocks and start_call 11 blocks before the block, so the two ages differ.
    Expected value: :func:`dtao_lib.ema.update_moving_price` on the pool's spot price after the coinbase."""
    from dtao_lib import ema

    def ages(st):
        b = int(st.G[L.G_BLOCK])
        st.I[L.REG_AT] = np.where(st.I[L.ACTIVE] == 1, b - 50_000, 0)
        st.I[L.FIRST_EM] = np.where(st.I[L.ACTIVE] == 1, b - 10, 0)
        st.F[L.EMA] *= 0.5  # away from the spot price, so that the block moves the EMA

    st, args = _one_block_state(era, ages)
    ema0 = st.F[L.EMA].copy()
    run = kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks
    assert run(*args) == 0
    spot = st.spot_prices()  # after the coinbase; no trades in this block
    age = 50_000 if origin == "registration" else 11
    other = 11 if origin == "registration" else 50_000
    for i in range(4):
        want = ema.update_moving_price(float(ema0[i]), float(spot[i]), blocks_since_start=age, era=era)
        assert st.F[L.EMA, i] == pytest.approx(want, rel=1e-14)
        # the other age, or the other half-point, would be told apart
        wrong_age = ema.update_moving_price(float(ema0[i]), float(spot[i]), blocks_since_start=other, era=era)
        assert wrong_age != pytest.approx(want, rel=1e-9)
        if h == 100_800:
            wrong_h = ema.update_moving_price(float(ema0[i]), float(spot[i]), blocks_since_start=age,
                                              halving_blocks=201_600, era="v2.0.10")
            assert wrong_h != pytest.approx(want, rel=1e-9)


def _zero_alpha_block(era: str, engine: str, tao: int):
    """One block where slot 0 is a Balancer pool with an empty alpha reserve and TAO weight 0.3."""
    def empty(st):
        st.IP[L.IP_DEBUG] = 0  # the debug checks refuse AIN = 0 (ERR_NEGATIVE); the chain allows it
        st.I[L.TAO, 0] = st.I[L.INIT_TAO, 0] = tao
        st.I[L.AIN, 0] = 0
        st.I[L.INIT_ALPHA, 0] = st.I[L.AOUT, 0] + st.I[L.PROT, 0]
        st.F[L.W2, 0] = 0.3

    st, args = _one_block_state(era, empty)
    before = st.copy()
    run = kernel_numba.run_blocks if engine == "numba" else sim.kernel_numpy.run_blocks
    run(*args)
    return before, st


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["v3.3.10", "D", "head"])
def test_injection_into_a_zero_alpha_balancer_follows_the_chain(era, engine):
    """An empty alpha reserve (``BalancerPool`` accepts alpha 0): ``update_weights_for_added_liquidity``
    (pallets/swap/src/pallet/balancer.rs; Rust test ``test_adjust_protocol_liquidity_zero_alpha`` @71ddeedc)
    sets ``w2 = 1/2`` when only TAO comes in (both products 0) and refuses alpha (``w2 = 0``). Both engines
    use the real reserve (numpy used ``max(AIN, 1)``); expected values from :meth:`dtao_lib.amm.BalancerPool.inject`."""
    # a deep TAO reserve: the price (of the 1-rao floor) is so high that α_in rounds to 0, τ_in > 0
    before, st = _zero_alpha_block(era, engine, 10**15)
    tin, ain = int(st.I[L.LAST_TAO_IN, 0]), int(st.I[L.LAST_ALPHA_IN, 0])
    assert tin > 0
    assert ain == 0
    pool = amm.BalancerPool(10**15, 0, quote_weight=Fraction(3, 10)).inject(tin, 0)
    assert pool.ok
    assert pool.quote_weight == Fraction(1, 2)
    assert st.F[L.W2, 0] == 0.5
    assert st.I[L.TAO, 0] == 10**15 + tin
    # a shallow one: α_in > 0 gives w2 = 0, refused (eras without reservoirs add nothing; HEAD keeps it pending)
    before, st = _zero_alpha_block(era, engine, 10_000)
    assert st.I[L.AIN, 0] == 0
    if era == "head":  # both, then alpha only give w2 = 0; TAO only is taken (w2 = 1/2), the alpha waits
        pend_t = int(st.I[L.CUM_TAO_MAT, 0] - before.I[L.CUM_TAO_MAT, 0])
        pend_a = int(st.I[L.CUM_ALPHA_INJ, 0] - before.I[L.CUM_ALPHA_INJ, 0])
        assert pend_a > 0
        want = amm.adjust_protocol_liquidity(amm.BalancerPool(10_000, 0, quote_weight=Fraction(3, 10)), pend_t, pend_a)
        assert (want.tao_active, want.alpha_active, want.alpha_reservoir) == (pend_t, 0, pend_a)
        assert st.I[L.RES_ALPHA, 0] == pend_a
        assert st.I[L.RES_TAO, 0] == 0
        assert st.F[L.W2, 0] == float(want.pool.quote_weight) == 0.5
    else:
        assert amm.BalancerPool(10_000, 0, quote_weight=Fraction(3, 10)).inject(1, 1).rejected == "WeightOutOfRange"
        assert st.F[L.W2, 0] == 0.3
        assert st.I[L.LAST_TAO_IN, 0] == 0
        assert st.I[L.LAST_ALPHA_IN, 0] == 0


def _tao_heavy_pool(n: int = 64) -> sim.InitialState:
    """Slot 0 of 64: a Balancer pool at price ≈ 5e7 TAO per alpha (5 M TAO against 0.001 alpha) with TAO
    weight just below 0.99. Its α_in rounds to 0 (τ/p < 1 rao), so the injection is TAO only and pushes the
    weight above 0.99: refused."""
    tao = np.full(n, 10**13, dtype=np.int64)
    alpha = np.full(n, 10**13, dtype=np.int64)
    price = np.ones(n)
    tao[0], alpha[0] = 5 * 10**15, 10**6
    w2 = 0.99 - 1e-12
    price[0] = tao[0] * (1.0 - w2) / (w2 * alpha[0])  # w2 = T / (p·A + T)
    return sim.InitialState(netuid=np.arange(1, n + 1), tao_reserve=tao, alpha_in=alpha,
                            alpha_out=np.full(n, 10**14), ema_price=np.ones(n), pool_price=price)


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("era", ["v3.3.10", "v3.4.8"])
def test_refused_balancer_injection_is_issued_in_v3_3_10_and_recycled_after(era, engine):
    """v3.3.10 (opentensor/subtensor v3.3.10-380, run_coinbase.rs L71-72 ``adjust_protocol_liquidity`` returns
    (0, 0) when the weights would leave [0.01, 0.99]; L96-99 SubnetTAO += that 0; L108-112 TotalIssuance +=
    the full τ_in): the refused TAO is issued to no account. From v3.4.8 (v3.4.8-423 L90-91 and L138-160) only
    the accepted TAO is spent from the block credit, the rest is recycled with the credit's remainder.
    Expected: τ_in from :func:`dtao_lib.coinbase.block`, the refusal from
    :func:`dtao_lib.amm.balancer_quote_weight_after_injection` (> 0.99)."""
    s = sim.Scenario(era=era, initial=_tao_heavy_pool(), blocks=1, record_every=1, seed=1, tempo=50_000)
    st = build_state(s, debug=True)
    before = st.copy()
    assert _run_one_block(st, s, engine) == 0
    I0, F0 = before.I, before.F
    bs = _block_state_before(before, s)
    cb = coinbase.block(bs, era=era, exact=True)
    tin, ain = int(cb.tao_in[0]), int(cb.alpha_in[0])
    assert tin > 10**6
    assert ain == 0
    w0 = Fraction(F0[L.W2, 0]).limit_denominator(10**18)
    w_new = amm.balancer_quote_weight_after_injection(w0, int(I0[L.TAO, 0]), int(I0[L.AIN, 0]), tin, 0)
    assert w_new > Fraction(99, 100)
    assert st.I[L.LAST_TAO_IN, 0] == 0
    assert st.I[L.TAO, 0] == I0[L.TAO, 0]
    assert st.F[L.W2, 0] == F0[L.W2, 0]
    E = int(st.G[L.G_E])
    issued = int(st.G[L.G_ISS] - before.G[L.G_ISS])
    if era == "v3.3.10":
        assert abs(int(st.G[L.G_STRANDED]) - tin) <= 1
        assert issued == E - int(st.G[L.G_RECYC_CB])
        assert st.G[L.G_RECYC_CB] <= st.n_slots  # rounding dust only
    else:
        assert st.G[L.G_STRANDED] == 0
        assert abs(int(st.G[L.G_RECYC_CB]) - tin) <= st.n_slots


@needs_numba
def test_refused_injection_engines_agree():
    """The three engines agree on a v3.3.10 run whose slot-0 injections are refused every block."""
    s = sim.Scenario(era="v3.3.10", initial=_tao_heavy_pool(), blocks=60, record_every=1, seed=1, tempo=17)
    rec = run_reference(s).records
    num = sim.run(s, engine="numpy", debug=True)
    nb = sim.run(s, engine="numba", debug=True)
    assert np.allclose(rec, num.records, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.array_equal(num.records, nb.records, equal_nan=True)
    assert nb.final.G[L.G_STRANDED] > 0


def test_v3_liquidity_per_era():
    """:func:`dtao_lib.sim.state.v3_liquidity` (``pallets/swap/src/pallet/impls.rs::adjust_protocol_liquidity``):
    fees never collected through v3.2.3 (v3.2.3 L357-397), collected with the sqrt rule v3.2.4 – v3.2.9
    (v3.2.9-326 L359-407), the proportional split with scrap reservoirs v3.2.10 – v3.4.7 (v3.2.10-334 L116-149,
    L152-214)."""
    from dtao_lib.params import Era
    from dtao_lib.sim.state import v3_liquidity

    want = {"v2.0.0": L.V3LIQ_OFF, "v3.1.6": L.V3LIQ_HELD, "v3.2.3": L.V3LIQ_HELD, "v3.2.4": L.V3LIQ_SQRT,
            "v3.2.9-326": L.V3LIQ_SQRT, "v3.2.10-334": L.V3LIQ_SCRAP, "v3.2.12-342": L.V3LIQ_SCRAP,
            "v3.3.9-377": L.V3LIQ_SCRAP, "v3.3.10-380": L.V3LIQ_OFF, "v3.3.11-385": L.V3LIQ_SCRAP,
            "v3.4.7-422": L.V3LIQ_SCRAP, "v3.4.8-423": L.V3LIQ_OFF}
    assert {t: v3_liquidity(Era.from_tag(t)) for t in want} == want


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy", "reference"])
@pytest.mark.parametrize("era", ["v3.1.6", "v3.2.12"])
def test_v3_swap_fees_stay_off_the_price(era, engine):
    """Fees to liquidity providers (v3.1.6 – v3.3.9) accrue to the protocol position, not to its price-active
    reserves ``L·√p``, ``L/√p`` (the swap moves √p by the input net of the fee: v3 ``swap_step``); the simulator
    keeps them in ``RES_TAO``/``RES_ALPHA``. Expected: :class:`dtao_lib.amm.FullRangePool`'s ``tao_reserve``/
    ``alpha_reserve`` and ``fees_tao``/``fees_alpha`` after the same stake and unstake."""
    s = sim.Scenario(era=era, n_subnets=4, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000)
    st = build_state(s, debug=True)
    t, a = int(st.I[L.TAO, 0]), int(st.I[L.AIN, 0])
    fee_u16 = int(st.IP[L.IP_FEE_U16])
    pool = amm.FullRangePool(t, a, fee_rate_u16=fee_u16)
    d = 7_000_000_000_000  # 7 000 TAO
    buy = pool.buy_alpha(d)
    sell = buy.pool.sell_alpha(buy.amount_out // 3)
    args = (fee_u16, 0.0, 1, False, L.SRC_NOISE)
    if engine == "reference":
        from dtao_lib.sim.reference import _Model, _Subnet

        m = _Model(s)
        sub = _Subnet(netuid=1, tao=t, alpha_in=a, alpha_out=10**15, protocol=0, ema=1.0, w2=0.5, first_emission=0,
                      registered=0, last_epoch=0, burn=0.0, flow=0.0, pflow=0.0)
        got = m.stake(sub, float(d))
        m.unstake(sub, float(buy.amount_out // 3))
        tao, ain, res_t, res_a = sub.tao, sub.alpha_in, sub.res_tao, sub.res_alpha
    else:
        if engine == "numba":
            got = kernel_numba.apply_buy(st.I, st.F, st.G, st.IP, 0, float(d), *args)
            kernel_numba.apply_sell(st.I, st.F, st.G, st.IP, 0, float(buy.amount_out // 3), *args)
        else:
            mask = np.arange(st.n_slots) == 0
            _, out = sim.kernel_numpy._apply_buy(st.I, st.F, st.G, st.IP, mask, np.where(mask, float(d), 0.0), *args)
            got = out[0]
            sim.kernel_numpy._apply_sell(st.I, st.F, st.G, st.IP, mask, np.where(mask, float(buy.amount_out // 3), 0.0),
                                         *args)
        tao, ain, res_t, res_a = (int(st.I[r, 0]) for r in (L.TAO, L.AIN, L.RES_TAO, L.RES_ALPHA))
    assert abs(got - buy.amount_out) <= 2  # float formula vs U64F64
    assert res_t == sell.pool.fees_tao == buy.fee
    assert res_a == sell.pool.fees_alpha == sell.fee
    assert abs(tao - sell.pool.tao_reserve) <= 2
    assert abs(ain - sell.pool.alpha_reserve) <= 2


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("held", ["tao", "alpha"])
def test_v3_injection_takes_the_part_at_the_price(held, engine):
    """v3.2.10 – v3.4.7 (opentensor/subtensor v3.2.12-342 pallets/swap/src/pallet/impls.rs L152-214): the
    injection, the collected fees and the scrap reservoirs are split by
    ``get_proportional_alpha_tao_and_remainders`` (L116-149) at the price ``p``: ``τ_eq = ⌊α·p⌋``; if
    ``τ_eq ≤ τ`` the position takes ``(τ_eq, α)``, else ``(τ, ⌊τ/p⌋)``; the rest stays in
    ``ScrapReservoirTao/Alpha``. Here the position already holds 5 TAO (or 50 alpha) of fees; expected
    values computed by hand from τ_in, α_in of :func:`dtao_lib.coinbase.block`."""
    s = sim.Scenario(era="v3.2.12", n_subnets=4, blocks=1, record_every=1, initial="synthetic", seed=7,
                     tempo=50_000)
    st = build_state(s, debug=True)
    row = L.RES_TAO if held == "tao" else L.RES_ALPHA
    st.I[row, 0] = 5 * 10**9 if held == "tao" else 50 * 10**9
    if held == "tao":
        st.I[L.CUM_FEE_TAO, 0] = st.I[L.RES_TAO, 0]
    else:
        st.I[L.INIT_ALPHA, 0] += st.I[L.RES_ALPHA, 0]
    before = st.copy()
    assert _run_one_block(st, s, engine) == 0
    I0 = before.I
    bs = _block_state_before(before, s)
    cb = coinbase.block(bs, era="v3.2.12", exact=True)
    tin, ain = int(st.I[L.LAST_TAO_IN, 0]), int(st.I[L.LAST_ALPHA_IN, 0])
    assert abs(tin - int(cb.tao_in[0])) <= 1
    assert abs(ain - int(cb.alpha_in[0])) <= 1 / bs.spot_prices[0] + 1  # the exact path's fixed-point price
    t, a = int(I0[L.TAO, 0]), int(I0[L.AIN, 0])
    pend_t, pend_a = int(I0[L.RES_TAO, 0]) + tin, int(I0[L.RES_ALPHA, 0]) + ain
    t_eq = pend_a * t // a  # ⌊α·p⌋ with p = T/A
    if held == "tao":
        assert t_eq <= pend_t
        take_t, take_a = t_eq, pend_a
    else:
        assert t_eq > pend_t
        take_t, take_a = pend_t, pend_t * a // t
    assert abs(int(st.I[L.RES_TAO, 0]) - (pend_t - take_t)) <= 1
    assert abs(int(st.I[L.RES_ALPHA, 0]) - (pend_a - take_a)) <= 1
    spent, bought = int(st.I[L.LAST_EXCESS, 0]), int(st.I[L.LAST_CHAIN_ALPHA, 0])
    assert abs(int(st.I[L.TAO, 0]) - (t + take_t + spent)) <= 1
    assert abs(int(st.I[L.AIN, 0]) - (a + take_a - bought)) <= 1
    assert st.I[L.RES_TAO, 0] + st.I[L.RES_ALPHA, 0] > 10**9  # the held fees stay out of the price


def test_full_range_pool_proportional_injection_keeps_the_rest_as_scrap():
    """:meth:`dtao_lib.amm.FullRangePool.inject` with ``proportional=True`` (v3.2.10 – v3.4.7; opentensor/subtensor
    v3.2.12-342 pallets/swap/src/pallet/impls.rs L116-149, L152-214): 1 TAO of held fees + an injection
    (1 TAO, 4 alpha) at price ¼ → the position takes (⌊4 alpha·p⌋, 4 alpha), ~1 TAO waits as scrap and is
    retried at the next injection, where alpha-heavy amounts use it up."""
    pool = amm.FullRangePool(10**12, 4 * 10**12, fees_tao=10**9)
    price_bits = pool.sqrt_price_bits**2 >> 64  # U64F64 (√p)²
    inj = pool.inject(10**9, 4 * 10**9, proportional=True)
    t_eq = 4 * 10**9 * price_bits >> 64
    assert inj.tao_added == t_eq
    assert inj.alpha_added == 4 * 10**9
    assert inj.pool.scrap_tao == 2 * 10**9 - t_eq
    assert 10**9 - 2 <= inj.pool.scrap_tao <= 10**9 + 2
    assert inj.pool.scrap_alpha == 0
    assert inj.pool.fees_tao == 0
    assert inj.pool.sqrt_price_bits == pool.sqrt_price_bits
    assert inj.pool.tao_reserve == pool.tao_reserve + t_eq
    # the non-proportional rule (v3.2.4 – v3.2.9) adds everything
    assert pool.inject(10**9, 4 * 10**9).tao_added == 2 * 10**9
    # next block: alpha only; the scrap TAO pairs with it: τ = scrap, α = 8 alpha → (scrap, ⌊scrap/p⌋)
    nxt = inj.pool.inject(0, 8 * 10**9, proportional=True)
    scrap = inj.pool.scrap_tao
    assert nxt.tao_added == scrap
    assert nxt.alpha_added == (scrap << 128) // price_bits >> 64
    assert nxt.pool.scrap_tao == 0
    assert nxt.pool.scrap_alpha == 8 * 10**9 - nxt.alpha_added


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
def test_v3_sqrt_rule_grows_both_reserves_at_the_same_price(engine):
    """v3.2.4 – v3.2.9 (opentensor/subtensor v3.2.9-326 pallets/swap/src/pallet/impls.rs L359-407): the fees
    held by the position are collected and, with the injection, added without the split:
    ``L' = ⌊√((pos_τ + Δτ + f_τ)(pos_α + Δα + f_α))⌋`` at an unchanged √p, so both price-active reserves grow by
    ``L'/L``. Expected: :meth:`dtao_lib.amm.FullRangePool.inject` (``proportional=False``) on the pre-block pool."""
    s = sim.Scenario(era="v3.2.8", n_subnets=4, blocks=1, record_every=1, initial="synthetic", seed=7, tempo=50_000,
                     root_tao=0.0)  # no root alpha sold after the injection
    st = build_state(s, debug=True)
    st.I[L.RES_TAO, 0] = st.I[L.CUM_FEE_TAO, 0] = 40 * 10**9  # 40 TAO of buy fees held by the position
    before = st.copy()
    assert _run_one_block(st, s, engine) == 0
    # the subsidy era buys first (run_coinbase.rs v3.2.8 order), then injects into the pool the buy left
    exc, bought = int(st.I[L.LAST_EXCESS, 0]), int(st.I[L.LAST_CHAIN_ALPHA, 0])
    t, a = int(before.I[L.TAO, 0]) + exc, int(before.I[L.AIN, 0]) - bought
    tin, ain = int(st.I[L.LAST_TAO_IN, 0]), int(st.I[L.LAST_ALPHA_IN, 0])
    pool = amm.FullRangePool(t, a, fees_tao=40 * 10**9)
    k = pool.inject(tin, ain).pool.liquidity / pool.liquidity
    # the chain's position amounts at the full-range bounds are ~1e-10 below T, A (the simulator's reserves)
    assert int(st.I[L.TAO, 0]) - t == pytest.approx(t * (k - 1), abs=t * 1e-9)
    assert int(st.I[L.AIN, 0]) - a == pytest.approx(a * (k - 1), abs=a * 1e-9)
    assert st.I[L.TAO, 0] / st.I[L.AIN, 0] == pytest.approx(t / a, rel=1e-12)  # the price does not move
    assert st.I[L.RES_TAO, 0] == 0  # collected
    # the TAO side got more than the position's growth, the alpha side less: SubnetTAO/AlphaIn hold the rest
    assert st.I[L.OFF_TAO, 0] > 10**9
    assert st.I[L.OFF_ALPHA, 0] < 0
    assert st.I[L.TAO, 0] + st.I[L.OFF_TAO, 0] == t + 40 * 10**9 + tin
    assert st.I[L.AIN, 0] + st.I[L.OFF_ALPHA, 0] == a + ain


@needs_numba
@pytest.mark.parametrize("era", ["v3.1.6", "v3.2.8", "B", "v3.3.1"])
def test_v3_position_rules_engines_agree(era):
    """The three engines agree on the v3 position's rules (fees held, sqrt rule, scrap) with traders."""
    s = scenario(era, blocks=600)
    rec = run_reference(s).records
    a = sim.run(s, engine="numba", debug=True)
    b = sim.run(s, engine="numpy", debug=True)
    assert np.array_equal(a.records, rec, equal_nan=True)
    assert np.allclose(b.records, rec, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.any(a.records[-1, L.M_RES_TAO] != 0) or np.any(a.records[-1, L.M_RES_ALPHA] != 0)


@pytest.mark.parametrize("engine", [pytest.param("numba", marks=needs_numba), "numpy"])
def test_zero_alpha_pool_takes_a_tiny_alpha_injection_when_both_products_round_to_zero(engine):
    """The one exception of the empty-alpha pool (balancer.rs ``mul_perquintill_round``, Rust test
    ``test_adjust_protocol_liquidity_zero_alpha`` @71ddeedc): with ``w1·T·Δα < 1/2`` both products round to 0
    and the chain sets ``w2 = 1/2`` and accepts the alpha. Expected from :meth:`dtao_lib.amm.BalancerPool.inject`."""
    from dtao_lib.sim import kernel_numpy
    from dtao_lib.sim._scalar import inject_weight

    want = amm.BalancerPool(1, 0, quote_weight=Fraction(7, 10), enforce_limits=False).inject(0, 1)
    assert want.ok
    assert want.pool.quote_weight == Fraction(1, 2)  # w1·T·Δα = 0.3 < 1/2
    assert amm.BalancerPool(2, 0, quote_weight=Fraction(7, 10), enforce_limits=False).inject(0, 1).rejected  # 0.6
    if engine == "numba":
        got = [inject_weight(0.7, 1.0, 0.0, 0.0, 1.0), inject_weight(0.7, 2.0, 0.0, 0.0, 1.0)]
    else:
        w = kernel_numpy._adjust_liquidity(np.array([0.7, 0.7]), np.array([1.0, 2.0]), np.zeros(2), np.zeros(2),
                                           np.ones(2))
        got = [w[2][0] if w[1][0] == 1.0 else -1.0, w[2][1] if w[1][1] == 1.0 else -1.0]
    assert got == [0.5, -1.0]
