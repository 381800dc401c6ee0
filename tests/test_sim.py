"""dtao_lib.sim: scenarios, runs, records, determinism, registrations and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dtao_lib import emission, sim
from dtao_lib.params import BLOCKS_PER_DAY, RAO_PER_TAO, era
from dtao_lib.params import era as _era
from dtao_lib.sim import _layout as L


def small(**kw) -> sim.Scenario:
    base = {"era": "head", "n_subnets": 5, "blocks": 600, "record_every": 50, "initial": "synthetic", "seed": 2}
    base.update(kw)
    return sim.Scenario(**base)


# ---------------------------------------------------------------------------------------------
# Scenario definition and validation
# ---------------------------------------------------------------------------------------------
def test_scenario_defaults_and_derived_fields():
    s = sim.Scenario(n_subnets=3, initial="synthetic")
    assert s.blocks == 30 * BLOCKS_PER_DAY
    assert s.days == 30
    assert s.record_every == BLOCKS_PER_DAY  # daily for runs of ten days or more
    assert s.n_records == 31
    assert s.era == era("head").tag  # "head" is stored as its tag
    assert sim.Scenario(era="A", n_subnets=1, initial="synthetic").era == "v2.0.0"
    assert sim.Scenario(days=2.5, n_subnets=1, initial="synthetic").blocks == 18_000


def test_default_issuance_is_the_first_threshold_plus_daily_emission():
    days = (sim.SNAPSHOT_DATE - __import__("datetime").date(2025, 12, 15)).days
    expected = emission.halving_threshold_rao(1) / RAO_PER_TAO + 3_600 * days
    assert sim.DEFAULT_ISSUANCE_TAO == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_subnets": 0}, r"Scenario\.n_subnets must be an integer in \[1, 1024\]"),
        ({"n_subnets": 129, "initial": "snapshot"}, r"Scenario\.n_subnets must be an integer in \[1, 128\]"),
        ({"blocks": 0}, r"Scenario\.blocks must be an integer in \[1, "),
        ({"days": -1.0}, r"Scenario\.days must be a finite number in \(0\.0, 3650\.0\]"),
        ({"blocks": 100, "days": 3.0}, "give blocks or days, not both"),
        ({"era": "v1.2.5"}, "must be a dTAO era"),
        ({"era": "v9"}, r"Scenario\.era: era must be a release tag"),
        ({"recycle_rate": 1.0}, r"Scenario\.recycle_rate must be a finite number in \[0\.0, 1\.0\)"),
        ({"tempo": 0}, r"Scenario\.tempo must be an integer in \[1, 50400\]"),
        ({"owner_cut": 1.5}, r"Scenario\.owner_cut must be a finite number in \[0\.0, 1\.0\]"),
        ({"record_every": 0}, r"Scenario\.record_every must be an integer in \[1, 600\]"),
        ({"initial": "random"}, "Scenario.initial must be"),
        ({"issuance_tao": 22e6}, r"Scenario\.issuance_tao must be a finite number in \[0\.0, 21000000\.0\]"),
    ],
)
def test_bad_scenarios_name_the_field(kwargs, match):
    base = {"n_subnets": 2, "blocks": 600, "initial": "synthetic"}
    base.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sim.Scenario(**base)


def test_bad_types():
    with pytest.raises(TypeError, match=r"Scenario\.era must be a str"):
        sim.Scenario(era=3, n_subnets=1, initial="synthetic")
    with pytest.raises(TypeError, match="policy must be a Policy"):
        sim.Scenario(policy="noise", n_subnets=1, initial="synthetic")
    with pytest.raises(TypeError, match=r"Scenario\.registration must be a Registration"):
        sim.Scenario(registration=5, n_subnets=1, initial="synthetic")
    with pytest.raises(TypeError, match="scenario must be a Scenario"):
        sim.run({"era": "head"})


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: sim.NoiseTraders(daily_volatility=-0.1),
         r"NoiseTraders\.daily_volatility must be a finite number in \[0\.0, 1\.0\]"),
        (lambda: sim.NoiseTraders(every=0), r"NoiseTraders\.every must be an integer in \[1, 100800\]"),
        (lambda: sim.EmissionChasers(tao_per_day=-1),
         r"EmissionChasers\.tao_per_day must be a finite number in \[0\.0, 10000000\.0\]"),
        (lambda: sim.Pump(netuid=1, tao=0), r"Pump\.tao must be a finite number in \(0\.0, 100000000\.0\]"),
        (lambda: sim.Registration(count=-1), r"Registration\.count must be an integer in \[0, 10000\]"),
        (lambda: sim.Registration(subnet_limit=0), r"Registration\.subnet_limit must be an integer in \[1, 1024\]"),
        (lambda: small(policy=sim.Pump(netuid=1, tao=1.0, at_day=1.0)), r"Pump\.at_day must be inside the run"),
        (lambda: small(policy=(sim.NoiseTraders(), sim.NoiseTraders())), "at most one NoiseTraders"),
    ],
)
def test_bad_policy_and_registration_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_engine_and_custom_policy_engine():
    with pytest.raises(ValueError, match="engine must be 'auto', 'numba', 'numpy' or 'python'"):
        sim.run(small(), engine="gpu")

    class Idle(sim.CustomPolicy):
        def trades(self, view, rng):
            return np.zeros(view.netuid.size)

    with pytest.raises(ValueError, match="engine must be 'numpy'"):
        sim.run(small(policy=Idle()), engine="numba")


def test_record_every_memory_bound():
    """record_every is refused when the records would not fit in max_record_mb, naming the minimum."""
    with pytest.raises(ValueError, match=r"Scenario\.record_every must be >= \d+ to keep the records"):
        sim.Scenario(n_subnets=128, initial="synthetic", days=365, record_every=1)
    s = sim.Scenario(n_subnets=128, initial="synthetic", days=365, record_every=BLOCKS_PER_DAY)
    assert s.record_bytes < 10 * 2**20
    # the bound is on records, not blocks: a long run recording rarely stays small
    res = sim.run(small(blocks=5_000, record_every=2_500))
    assert res.records.shape == (3, L.N_M, 5)
    assert res.records.nbytes + res.network.nbytes == small(blocks=5_000, record_every=2_500).record_bytes


def test_initial_state_validation():
    with pytest.raises(ValueError, match=r"InitialState\.tao_reserve must have shape \(2,\)"):
        sim.InitialState(netuid=[1, 2], tao_reserve=[10**12], alpha_in=[10**12, 10**12], alpha_out=[0, 0],
                         ema_price=[0.1, 0.1])
    with pytest.raises(ValueError, match=r"InitialState\.netuid must not contain duplicates"):
        sim.InitialState(netuid=[1, 1], tao_reserve=[10**12] * 2, alpha_in=[10**12] * 2, alpha_out=[0, 0],
                         ema_price=[0.1, 0.1])
    with pytest.raises(ValueError, match=r"InitialState\.ema_price must contain numbers >= 0\.0"):
        sim.InitialState(netuid=[1], tao_reserve=[10**12], alpha_in=[10**12], alpha_out=[0], ema_price=[-1.0])


def test_snapshot_initial_state_matches_the_data():
    from dtao_lib.data import load_subnet_snapshot

    init = sim.InitialState.from_snapshot(5)
    df = load_subnet_snapshot()
    df = df[df["netuid"] != 0].sort_values("tao_in_tao", ascending=False).head(5)
    assert init.netuid.tolist() == df["netuid"].tolist()
    assert np.allclose(init.tao_reserve / 1e9, df["tao_in_tao"], atol=1e-4)
    assert np.allclose(init.alpha_out / 1e9, df["alpha_out_alpha"], atol=1e-4)
    # a missing moving price is the storage default, 0 (netuid 96 had just registered)
    assert sim.InitialState.from_snapshot(netuids=[96]).ema_price.tolist() == [0.0]
    picked = sim.InitialState.from_snapshot(netuids=[3, 64])
    assert picked.netuid.tolist() == [3, 64]
    with pytest.raises(ValueError, match=r"netuids must be subnets of the snapshot"):
        sim.InitialState.from_snapshot(netuids=[500])
    with pytest.raises(ValueError, match="give n or netuids, not both"):
        sim.InitialState.from_snapshot(2, netuids=[3])
    # the Balancer weights make the pool quote the snapshot's price (v3 → Balancer migration rule, spec §4.3)
    st = sim.state.build_state(sim.Scenario(n_subnets=5, blocks=10))
    assert np.allclose(st.spot_prices()[:5], df["price_tao_per_alpha"], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Runs and results
# ---------------------------------------------------------------------------------------------
def test_result_frames_are_tidy_and_consistent():
    res = sim.run(small(policy=sim.NoiseTraders()))
    wide, tidy, tot = res.wide, res.frame, res.totals
    assert set(tidy.columns) == {"block", "day", "subnet", "netuid", "generation", "metric", "value"}
    assert len(wide) == res.scenario.n_records * 5
    assert len(tidy) == len(wide) * tidy["metric"].nunique()
    assert tot["day"].iloc[0] == 0
    assert tot["day"].iloc[-1] == pytest.approx(600 / BLOCKS_PER_DAY)
    assert tot["block"].iloc[-1] == res.scenario.start_block + 599
    # shares sum to 1 in every recorded block after the start (every subnet is enabled)
    assert np.allclose(tot["sum_share"].iloc[1:], 1.0, atol=1e-12)
    assert np.allclose(wide["adr"], wide["alpha_out"] / wide["alpha_in"])
    one = res.subnet(int(wide["netuid"].iloc[0]))
    assert len(one) == res.scenario.n_records
    with pytest.raises(ValueError, match="netuid must be one of the simulated netuids"):
        res.subnet(999)
    assert isinstance(res.summary()["final_hhi"], float)


def test_issuance_and_halving():
    """Issuance grows by E per block minus what is recycled; E halves at the threshold (spec §1)."""
    t1 = emission.halving_threshold_rao(2) / RAO_PER_TAO
    s = small(issuance_tao=t1 - 0.5 * 300, blocks=600, record_every=1)  # 300 blocks before the 2nd halving
    res = sim.run(s)
    tot = res.totals
    e = tot["block_emission_tao"].to_numpy()
    assert e[1] == 0.5
    assert e[-1] == 0.25
    first = int(np.argmax(e < 0.5))
    assert first in (301, 302)  # 300 blocks of 0.5 TAO reach the threshold, minus the rao recycled as dust
    iss = tot["issuance_tao"].to_numpy()
    assert iss[first - 1] >= t1 - 1e-6 > iss[first - 2]  # E halves at the first block that starts above T₂
    minted = tot["minted_tao"].iloc[-1]
    assert minted == pytest.approx((first - 1) * 0.5 + (600 - first + 1) * 0.25)
    grown = tot["issuance_tao"].iloc[-1] - s.issuance_rao / 1e9
    assert grown == pytest.approx(minted - tot["recycled_coinbase_tao"].iloc[-1] - tot["recycled_other_tao"].iloc[-1])


def test_recycle_rate_lowers_issuance():
    a = sim.run(small()).totals["issuance_tao"].iloc[-1]
    b = sim.run(small(recycle_rate=0.2)).totals
    assert b["recycled_other_tao"].iloc[-1] == pytest.approx(600 * math.floor(0.5e9 * 0.2) / 1e9)
    assert b["issuance_tao"].iloc[-1] < a


def test_deterministic_for_a_seed_and_chunk_invariant():
    s = small(policy=(sim.NoiseTraders(daily_volatility=0.2, every=5), sim.EmissionChasers(every=7)))
    a = sim.run(s)
    b = sim.run(s, chunk_blocks=37)
    c = sim.run(s.replace(seed=3))
    assert np.array_equal(a.records, b.records, equal_nan=True)
    assert not np.array_equal(a.records, c.records, equal_nan=True)


def test_epochs_drain_pending_every_tempo():
    """With a short tempo every subnet drains its pending pools; root dividends are sold at HEAD."""
    s = small(tempo=10, blocks=200, record_every=1, emission_sell=1.0)
    res = sim.run(s, debug=True)
    I = res.final.I  # noqa: E741
    pend = I[L.P_OWNER] + I[L.P_SERVER] + I[L.P_VAL] + I[L.P_ROOT]
    # at most tempo + 1 blocks of emission can be pending
    assert np.all(pend <= 11 * I[L.LAST_AE])
    assert res.totals["unstaked_tao"].iloc[-1] > 0  # owners and miners sold


def test_pump_raises_price_and_share():
    base = small(blocks=3_000, record_every=100, era="head")
    pumped = base.replace(policy=sim.Pump(netuid=1, tao=20_000, at_day=0.05))
    a, b = sim.run(base), sim.run(pumped)
    pa, pb = a.subnet(1), b.subnet(1)
    assert pb["price"].iloc[-1] > pa["price"].iloc[-1] * 1.05
    assert pb["ema_price"].iloc[-1] > pa["ema_price"].iloc[-1]
    assert pb["share"].iloc[-1] > pa["share"].iloc[-1]
    assert b.events["event"].tolist() == ["pump"]


def test_pump_sale_returns_alpha():
    s = small(blocks=2_000, policy=sim.Pump(netuid=2, tao=500, at_day=0.01, sell_after_days=0.1))
    res = sim.run(s, debug=True)
    ev = res.events
    assert ev["event"].tolist() == ["pump", "pump sale"]
    assert ev["alpha"].iloc[0] == pytest.approx(ev["alpha"].iloc[1])
    assert 0 < ev["tao"].iloc[1] < 500  # fees and slippage


def test_custom_policy_runs_on_numpy():
    class BuyOne(sim.CustomPolicy):
        every = 100

        def trades(self, view, rng):
            return np.where(view.netuid == 3, 10.0, 0.0)

    res = sim.run(small(policy=BuyOne()))
    assert res.engine == "numpy"
    assert res.totals["staked_tao"].iloc[-1] == pytest.approx(60.0)

    class Broken(sim.CustomPolicy):
        def trades(self, view, rng):
            return np.zeros(2)

    with pytest.raises(ValueError, match=r"Broken\.trades must return 5 finite TAO amounts"):
        sim.run(small(policy=Broken()))


# ---------------------------------------------------------------------------------------------
# Registrations, pruning, dissolution (spec §6)
# ---------------------------------------------------------------------------------------------
def _reg_scenario(era: str) -> sim.Scenario:
    return sim.Scenario(era=era, n_subnets=3, blocks=2_400, record_every=100, initial="synthetic", seed=4,
                        registration=sim.Registration(count=3, start_day=0.0, every_days=0.1, subnet_limit=4,
                                                      rate_limit_blocks=500, immunity_blocks=300,
                                                      enable_emission_after_days=0.05))


def test_registration_at_head_keeps_the_lock_in_the_pool_and_prunes():
    res = sim.run(_reg_scenario("head"), debug=True)
    ev = res.events
    regs = ev[ev["event"] == "registration"]
    assert len(regs) == 3
    first = regs.iloc[0]
    assert first["pool_tao"] == pytest.approx(first["tao"])  # v3.3.14+: the whole lock stays in the pool
    assert first["recycled_tao"] == 0
    assert (ev["event"] == "dissolution").sum() == 2  # the limit of 4 is hit by the 2nd and 3rd
    assert (ev["event"] == "emission enabled").sum() >= 1  # new subnets start disabled since v3.4.8
    # lock prices: the 2nd registration pays more than the first (doubling, spec §6.1)
    assert regs["tao"].iloc[1] > regs["tao"].iloc[0]
    assert res.wide["generation"].max() >= 1


def test_registration_before_pruning_existed_fails_at_the_limit():
    res = sim.run(_reg_scenario("v3.2.3"), debug=True)
    ev = res.events
    assert (ev["event"] == "registration").sum() == 1
    failed = ev[ev["event"] == "registration failed"]
    assert len(failed) == 2
    assert failed["note"].str.contains("pruning disabled").all()
    # v2.0.0 – v3.3.13: 1 TAO / 1 alpha in the pool, the rest of the lock recycled
    reg = ev[ev["event"] == "registration"].iloc[0]
    assert reg["pool_tao"] == 1.0
    assert reg["pool_alpha"] == 1.0
    assert reg["recycled_tao"] == pytest.approx(reg["tao"] - 1.0)
    assert res.totals["recycled_other_tao"].iloc[-1] == pytest.approx(reg["recycled_tao"])


def test_dissolution_pays_the_pot_and_recycles_the_rest():
    res = sim.run(_reg_scenario("head"), debug=True)
    dis = res.events[res.events["event"] == "dissolution"]
    for _, row in dis.iterrows():
        assert row["paid_tao"] + row["recycled_tao"] == pytest.approx(row["tao"], abs=1e-9)
    assert float(res.final.G[L.G_DISSOLVED_PAID]) / 1e9 == pytest.approx(dis["paid_tao"].sum(), abs=1e-9)


def test_rate_limit_delays_registrations():
    s = sim.Scenario(n_subnets=2, blocks=2_000, initial="synthetic", registration=sim.Registration(
        count=2, every_days=0.01, rate_limit_blocks=1_000, last_lock_day=-1.0, subnet_limit=10))
    ev = sim.run(s).events
    assert ev["event"].tolist() == ["registration", "registration delayed", "registration"]
    regs = ev[ev["event"] == "registration"]
    assert regs["block"].diff().iloc[-1] == 1_000


@pytest.mark.parametrize(("era", "first_at"), [("v3.2.6", 1_000), ("v3.2.7", 100)])
def test_rate_limit_of_the_first_registration_follows_the_era(era, first_at):
    """With no lock yet (``last_lock_block == 0``) v3.2.6 still compared the blocks
    (opentensor/subtensor v3.2.6 pallets/subtensor/src/subnets/subnet.rs L137-139:
    ``current_block.saturating_sub(last_lock_block) >= NetworkRateLimit``), so a registration at block
    100 waits for block 1 000; from v3.2.7 the first registration passes (utils/rate_limiting.rs
    L70-72: ``last_block == 0 || …``). Expected blocks by hand from those two lines."""
    s = sim.Scenario(era=era, n_subnets=2, blocks=1_500, start_block=100, initial="synthetic",
                     registration=sim.Registration(count=1, start_day=0.0, rate_limit_blocks=1_000,
                                                   last_lock_day=-1.0, subnet_limit=10))
    ev = sim.run(s).events
    regs = ev[ev["event"] == "registration"]
    assert regs["block"].tolist() == [first_at]
    assert ("registration delayed" in ev["event"].tolist()) == (first_at != 100)


def test_events_frame_is_empty_without_events():
    ev = sim.run(small()).events
    assert isinstance(ev, pd.DataFrame)
    assert ev.empty


# ---------------------------------------------------------------------------------------------
# Impossible actions are refused and reported, never dropped silently; scenarios cannot drift
# ---------------------------------------------------------------------------------------------
def test_a_pump_larger_than_the_tao_outside_the_pools_is_refused_and_reported():
    s = small(policy=sim.Pump(netuid=1, tao=5e7, at_day=0.01, sell_after_days=0.01))  # 50 M TAO > supply
    res = sim.run(s, debug=True)
    rej = res.rejected
    assert list(rej["source"]) == ["pump"]
    assert rej["reason"].iloc[0] == "stake exceeds the TAO outside the pools"
    assert rej["count"].iloc[0] == 1
    assert rej["amount"].iloc[0] == 5e7
    assert "pump rejected" in set(res.events["event"])
    assert res.summary()["rejected_actions"] == 1
    quiet = sim.run(small(), debug=True)
    assert np.array_equal(quiet.records, res.records, equal_nan=True)  # the refused pump changed nothing
    assert quiet.rejected.empty


def test_a_stake_the_pool_cannot_take_is_reported_with_its_reason():
    """Balancer refuses an input above 1000× its TAO reserve (spec §4.3): counted, state unchanged."""
    init = sim.InitialState(netuid=np.array([1, 2]), tao_reserve=np.array([10**6, 10**13]),
                            alpha_in=np.array([10**9, 10**13]), alpha_out=np.zeros(2), ema_price=np.array([0.001, 1.0]))
    res = sim.run(small(initial=init, policy=sim.Pump(netuid=1, tao=100.0)), debug=True)
    assert list(res.rejected["reason"]) == ["trade larger than the pool accepts"]


class _Whale(sim.CustomPolicy):
    every = 100

    def trades(self, view, rng):
        return np.where(view.netuid == 1, 1e12, 0.0)  # a trillion TAO


def test_a_custom_policy_cannot_stake_more_tao_than_exists():
    res = sim.run(small(policy=_Whale()), engine="numpy", debug=True)
    rej = res.rejected
    assert set(rej["source"]) == {"custom policy"}
    assert rej["count"].sum() == 6  # one refused stake per event (600 blocks, every 100)
    assert (rej["reason"] == "stake exceeds the TAO outside the pools").all()


@pytest.mark.parametrize("engine", ["numpy", pytest.param("numba", marks=pytest.mark.skipif(
    not sim.NUMBA_AVAILABLE, reason="numba is not installed"))])
def test_noise_traders_never_stake_more_than_exists(engine):
    """A tiny issuance (just the pools' TAO): noise stakes are refused for lack of TAO, sales go through."""
    init = sim.InitialState.synthetic(4, seed=1)
    iss = init.tao_reserve.sum() / 1e9 + 0.5
    res = sim.run(small(initial=init, issuance_tao=iss, policy=sim.NoiseTraders(daily_volatility=0.5, every=10)),
                  engine=engine, debug=True)
    rej = res.rejected
    assert (rej["source"] == "noise traders").all()
    assert rej.loc[rej["reason"] == "stake exceeds the TAO outside the pools", "count"].sum() > 0
    G = res.final.G
    assert G[L.G_ISS] - res.final.I[L.TAO].sum() - res.final.I[L.RES_TAO].sum() - G[L.G_STRANDED] >= 0


def test_run_rechecks_a_scenario_edited_after_construction():
    s = small()
    object.__setattr__(s, "tempo", 0)  # bypasses the frozen dataclass
    with pytest.raises(ValueError, match=r"Scenario\.tempo"):
        sim.run(s)
    object.__setattr__(s, "tempo", 360)
    object.__setattr__(s, "recycle_rate", float("nan"))
    with pytest.raises(ValueError, match="recycle_rate"):
        sim.run(s)


def test_initial_state_arrays_are_read_only_and_bounded():
    init = sim.InitialState.synthetic(3)
    with pytest.raises(ValueError, match=r"read-only"):
        init.tao_reserve[0] = 10**18
    src = np.array([10**9, 10**9, 10**9])
    held = sim.InitialState(netuid=[1, 2, 3], tao_reserve=src, alpha_in=src, alpha_out=src, ema_price=[1.0] * 3)
    src[0] = 5  # the state keeps its own copy
    assert held.tao_reserve[0] == 10**9
    with pytest.raises(ValueError, match="tao_reserve"):
        sim.InitialState(netuid=[1], tao_reserve=[2.2e16], alpha_in=[10**9], alpha_out=[0], ema_price=[1.0])
    with pytest.raises(ValueError, match="int64"):
        sim.InitialState(netuid=[1], tao_reserve=[10**9], alpha_in=[1e19], alpha_out=[0], ema_price=[1.0])
    with pytest.raises(ValueError, match="issuance_tao must be at least"):
        sim.run(small(initial=held, issuance_tao=1.0))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"emission_bar_rank": -1}, "emission_bar_rank"), ({"emission_bar_quantile": 0.0}, "emission_bar_quantile"),
    ({"emission_gate_exponent": 17.0}, "emission_gate_exponent"), ({"emission_bar_rank": True}, "emission_bar_rank"),
])
def test_gate_settings_are_validated(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        small(**kwargs)


@pytest.mark.parametrize(("era", "after_days", "delay"), [
    ("v2.0.8", None, 0),           # no start_call before v2.0.9: emits at once
    ("v3.2.12", None, 50_400),     # DurationOfStartCall = 7 days (runtime/src/lib.rs v2.0.9 L1047-1051)
    ("v3.2.12", 1.0, 50_400),      # the owner cannot call earlier (subnet.rs v2.0.9 L355-361)
    ("v3.2.12", 8.0, 57_600),
    ("head", None, 0),             # StartCallDelay, default 0 (runtime v3.3.5-372 L1061, subnet.rs L359)
    ("head", 0.5, 3_600),
])
def test_new_subnets_emit_after_start_call(era, after_days, delay):
    """A subnet registered during the run emits nothing until ``start_call`` (``FirstEmissionBlockNumber``,
    from v2.0.9: ``subnets_to_emit_to`` keeps only subnets that have it, run_coinbase.rs v2.0.9 L47-50),
    which the chain allows ``DurationOfStartCall`` blocks after registration (v2.0.9 – v3.3.4)
    or ``StartCallDelay`` (0 by default from v3.3.5) — here as soon as allowed, or at the owner's day."""
    reg = sim.Registration(count=1, start_day=0.01, start_call_after_days=after_days)
    assert reg.start_call_delay_blocks(_era(era)) == delay
    s = sim.Scenario(era=era, n_subnets=2, blocks=60_000, record_every=600, initial="synthetic", seed=1,
                     registration=reg)
    res = sim.run(s, debug=True)
    ev = res.events
    at = int(ev[ev["event"] == "registration"]["block"].iloc[0])
    slot = int(ev[ev["event"] == "registration"]["slot"].iloc[0])
    started = ev[ev["event"] == "start_call"]
    if delay == 0:
        assert started.empty
    else:
        assert started["block"].tolist() == [at + delay]
    first = at + delay
    assert res.final.I[L.FIRST_EM, slot] == first
    assert res.final.I[L.ACTIVE, slot] == 1
    rec_blocks = s.start_block + np.minimum(np.arange(s.n_records) * s.record_every, s.blocks)
    active = res.records[:, L.M_ACTIVE, slot] == 1.0
    assert np.array_equal(active, rec_blocks >= first)
    # nothing minted for it before: its alpha outstanding is only what it emitted since the start
    emitted = res.final.I[L.CUM_ALPHA_EMIT, slot]
    assert emitted <= (s.start_block + s.blocks - first) * 10**9
