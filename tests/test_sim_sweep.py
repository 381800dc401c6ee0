"""dtao_lib.sim.sweep: parameter grids on a process pool (the default) and on any executor."""

from __future__ import annotations

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
