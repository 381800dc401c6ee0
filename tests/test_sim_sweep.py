"""dtao_lib.sim.sweep: parameter grids on a process pool (the default) and on any executor."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from dtao_lib import sim


def base() -> sim.Scenario:
    return sim.Scenario(n_subnets=3, blocks=300, record_every=100, initial="synthetic", policy=sim.NoiseTraders())


def final_hhi(res: sim.SimResult) -> float:
    return float(res.totals["hhi"].iloc[-1])


def test_grid_is_the_cartesian_product():
    g = sim.grid(base(), era=["A", "head"], seed=[0, 1, 2])
    assert len(g) == 6
    assert [s.era for s in g[:3]] == ["v2.0.0"] * 3
    assert g[4].seed == 1
    assert g[4].name == "era=head, seed=1"
    with pytest.raises(ValueError, match="grid axis 'seed' must have at least one value"):
        sim.grid(base(), seed=[])
    with pytest.raises(ValueError, match=r"Scenario\.n_subnets must be an integer"):
        sim.grid(base(), n_subnets=[0])


def test_sweep_with_a_process_pool_matches_serial_runs():
    scns = sim.grid(base(), era=["A", "head"], seed=[0, 1])
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = sim.sweep(scns, pool)
    assert [r.scenario for r in results] == scns  # order kept
    for scn, res in zip(scns, results, strict=True):
        assert np.array_equal(res.records, sim.run(scn).records, equal_nan=True)


def test_sweep_default_executor_and_summaries():
    scns = sim.grid(base(), era=["A", "head"])
    table = sim.sweep(scns, summary=True, max_workers=2)
    assert isinstance(table, pd.DataFrame)
    assert table["name"].tolist() == ["era=A", "era=head"]
    assert table["final_hhi"].between(0, 1).all()
    values = sim.sweep(scns, ThreadPoolExecutor(2), summary=final_hhi)
    assert values == pytest.approx(table["final_hhi"].tolist())


def test_sweep_bad_input():
    with pytest.raises(TypeError, match=r"scenarios\[0\] must be a Scenario"):
        sim.sweep([1])
    with pytest.raises(TypeError, match="executor must have a submit"):
        sim.sweep([base()], executor=object())
    with pytest.raises(ValueError, match=r"max_workers must be an integer in \[1, 1024\]"):
        sim.sweep([base()], max_workers=0)
    with pytest.raises(ValueError, match="engine must be"):
        sim.sweep([base()], engine="gpu")
    assert sim.sweep([]) == []


# -- failures: a failing, a hanging and a crashing scenario ---------------------------------------
class Boom(sim.CustomPolicy):
    """Raises at its first call."""

    every = 100

    def trades(self, view, rng):
        raise RuntimeError("boom at the first trade")


class Hang(sim.CustomPolicy):
    every = 100

    def trades(self, view, rng):
        time.sleep(600)


class Crash(sim.CustomPolicy):
    every = 100

    def trades(self, view, rng):
        os._exit(3)  # the worker process dies without a word


def _with(policy, name):
    return base().replace(policy=policy, name=name)


def test_failing_scenario_keeps_the_others_and_names_itself():
    scns = [base().replace(name="good-0"), _with(Boom(), "bad"), base().replace(name="good-2", seed=2)]
    out = sim.sweep(scns, ThreadPoolExecutor(2), progress=False)
    assert len(out) == 3
    assert not out.ok
    assert np.array_equal(out[0].records, sim.run(scns[0]).records, equal_nan=True)
    assert np.array_equal(out[2].records, sim.run(scns[2]).records, equal_nan=True)
    fail = out[1]
    assert isinstance(fail, sim.SweepFailure)
    assert (fail.index, fail.name, fail.kind) == (1, "bad", "error")
    assert "RuntimeError: boom at the first trade" in fail.error
    assert "trades" in fail.traceback
    assert out.failures == [fail]
    with pytest.raises(sim.SweepError, match="1 of 3 scenarios failed: scenario 'bad'") as info:
        sim.sweep(scns, ThreadPoolExecutor(2), errors="raise", progress=False)
    assert info.value.results[0].scenario == scns[0]  # completed work is kept on the exception


def test_failing_scenario_in_a_summary_table():
    scns = [base().replace(name="good"), _with(Boom(), "bad")]
    table = sim.sweep(scns, ThreadPoolExecutor(2), summary=True, progress=False)
    assert table["name"].tolist() == ["good", "bad"]
    assert table["status"].tolist() == ["ok", "error"]
    assert "boom" in table.loc[1, "error"]
    assert np.isnan(table.loc[1, "final_hhi"])
    assert 0 <= table.loc[0, "final_hhi"] <= 1


def test_hanging_scenario_times_out_and_the_rest_finish():
    scns = [_with(Hang(), "hang"), base().replace(name="quick")]
    t0 = time.monotonic()
    out = sim.sweep(scns, timeout=20, max_workers=2, engine="numpy", progress=False)
    assert time.monotonic() - t0 < 120
    assert isinstance(out[0], sim.SweepFailure)
    assert out[0].kind == "timeout"
    assert out[0].name == "hang"
    assert "20 s timeout" in out[0].error
    assert isinstance(out[1], sim.SimResult)


def test_crashing_worker_does_not_lose_the_sweep():
    scns = [base().replace(name="a"), _with(Crash(), "crash"), base().replace(name="c", seed=3)]
    out = sim.sweep(scns, max_workers=2, engine="numpy", progress=False)
    assert [type(r).__name__ for r in out] == ["SimResult", "SweepFailure", "SimResult"]
    assert out[1].kind == "crashed"
    assert out[1].name == "crash"
    assert np.array_equal(out[2].records, sim.run(scns[2], engine="numpy").records, equal_nan=True)
    # a broken pool the caller passed in: the unfinished scenarios are re-run in fresh pools
    with ProcessPoolExecutor(max_workers=2) as pool:
        again = sim.sweep(scns, pool, engine="numpy", progress=False)
    assert [type(r).__name__ for r in again] == ["SimResult", "SweepFailure", "SimResult"]


def test_resume_from_a_results_directory(tmp_path):
    scns = [base().replace(name="one"), _with(Boom(), "two")]
    first = sim.sweep(scns, ThreadPoolExecutor(2), summary=final_hhi, results_dir=tmp_path, progress=False)
    assert isinstance(first[1], sim.SweepFailure)
    assert len(list(tmp_path.glob("*.pkl"))) == 1  # only the finished one is stored
    fixed = [scns[0], base().replace(name="two", seed=5)]
    calls = []

    class Spy(ThreadPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            calls.append(args[0].name)
            return super().submit(fn, *args, **kwargs)

    second = sim.sweep(fixed, Spy(2), summary=final_hhi, results_dir=tmp_path, progress=False)
    assert calls == ["two"]  # "one" came from disk
    assert second[0] == first[0]
    assert second[1] == pytest.approx(final_hhi(sim.run(fixed[1])))
    assert len(list(tmp_path.glob("*.pkl"))) == 2


def test_progress_is_silenced_in_ci(monkeypatch):
    from dtao_lib.sim.sweep import progress_enabled

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.delenv("DTAO_NO_PROGRESS", raising=False)
    monkeypatch.delenv("DTAO_BOOK_BUILD", raising=False)
    assert progress_enabled() is True
    monkeypatch.setenv("DTAO_BOOK_BUILD", "1")  # never in the built book
    assert progress_enabled() is False
    monkeypatch.delenv("DTAO_BOOK_BUILD")
    monkeypatch.setenv("CI", "true")
    assert progress_enabled() is False
    assert progress_enabled(True) is True
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert progress_enabled() is False
    with pytest.raises(TypeError, match="progress must be a bool"):
        progress_enabled("False")


def test_sweep_new_arguments_bad_input():
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0"):
        sim.sweep([base()], timeout=0)
    with pytest.raises(TypeError, match="timeout must be a number"):
        sim.sweep([base()], timeout="5")
    with pytest.raises(ValueError, match="errors must be 'return' or 'raise'"):
        sim.sweep([base()], errors="ignore")
    with pytest.raises(TypeError, match="results_dir must be a path"):
        sim.sweep([base()], results_dir=3)


# -- dask.distributed (issue 17) ---------------------------------------------------------------------
def test_sweep_on_a_dask_local_cluster_matches_serial_runs():
    distributed = pytest.importorskip("dask.distributed")
    scns = sim.grid(base(), era=["A", "head"], seed=[0, 1])
    serial = [final_hhi(sim.run(s)) for s in scns]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
                                  host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        values = sim.sweep(scns, client.get_executor(), summary=final_hhi, progress=False)
        results = sim.sweep(scns[:2], client.get_executor(), progress=False)
    assert list(values) == serial  # bit-for-bit: the same arithmetic on the same inputs
    for scn, res in zip(scns[:2], results, strict=True):
        assert np.array_equal(res.records, sim.run(scn).records, equal_nan=True)
