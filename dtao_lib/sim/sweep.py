"""Parameter sweeps: many scenarios, run in parallel on any ``concurrent.futures``-style executor.

:func:`sweep` only calls ``executor.submit(fn, *args)`` and ``future.result()``, so it runs on:

* the default: a :class:`concurrent.futures.ProcessPoolExecutor` with one worker per CPU, created
  and shut down by :func:`sweep` (each worker loads the compiled kernel from numba's on-disk cache);
* any :class:`concurrent.futures.Executor` you pass (``ThreadPoolExecutor`` works too: the numba
  kernel releases the GIL);
* **dask.distributed**, for several machines: ``client.get_executor()`` returns a
  ``concurrent.futures``-compatible executor backed by the cluster::

      from dask.distributed import Client
      client = Client("tcp://scheduler:8786")          # workers need dtao_lib installed
      table = sim.sweep(scenarios, client.get_executor(), summary=True)

* **Ray**: a three-line adapter whose ``submit`` turns a Ray task into a ``concurrent.futures.Future``
  (``ObjectRef.future()``)::

      import ray
      class RayExecutor:
          def submit(self, fn, *args, **kwargs):
              return ray.remote(fn).remote(*args, **kwargs).future()
      table = sim.sweep(scenarios, RayExecutor(), summary=True)

Workers receive the pickled :class:`~dtao_lib.sim.scenario.Scenario` (frozen dataclasses pickle
cleanly) and send back either the whole :class:`~dtao_lib.sim.run.SimResult` or, with ``summary``,
something small — prefer that on a cluster.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import pandas as pd

from .run import SimResult, run
from .scenario import Scenario

__all__ = ["grid", "sweep"]


def grid(base: Scenario, **axes: Iterable[Any]) -> list[Scenario]:
    """Every combination of the given field values, applied to ``base`` (Cartesian product).

    Each scenario's ``name`` lists its values, e.g. ``"era=A, seed=1"``.

    >>> from dtao_lib import sim
    >>> [s.name for s in sim.grid(sim.Scenario(days=1, n_subnets=2), era=["A", "head"], seed=[0, 1])]
    ['era=A, seed=0', 'era=A, seed=1', 'era=head, seed=0', 'era=head, seed=1']
    """
    if not isinstance(base, Scenario):
        raise TypeError(f"base must be a Scenario, got {type(base).__name__}")
    if not axes:
        return [base]
    names = list(axes)
    values = []
    for k in names:
        v = list(axes[k])
        if not v:
            raise ValueError(f"grid axis {k!r} must have at least one value")
        values.append(v)
    out = []
    for combo in itertools.product(*values):
        changes = dict(zip(names, combo, strict=True))
        label = ", ".join(f"{k}={getattr(v, 'tag', v)}" for k, v in changes.items())
        out.append(base.replace(**changes, name=label))
    return out


def _run_one(scenario: Scenario, engine: str, summary: Callable[[SimResult], Any] | bool | None) -> Any:
    res = run(scenario, engine=engine, progress=False)  # type: ignore[arg-type]
    if summary is True:
        return res.summary()
    if callable(summary):
        return summary(res)
    return res


def sweep(
    scenarios: Iterable[Scenario],
    executor: Executor | Any | None = None,
    *,
    engine: str = "auto",
    summary: Callable[[SimResult], Any] | bool | None = None,
    max_workers: int | None = None,
) -> list[Any] | pd.DataFrame:
    """Run many scenarios, in parallel, and return their results in the order given.

    Parameters
    ----------
    scenarios
        The scenarios (see :func:`grid`).
    executor
        Anything with ``submit(fn, *args) -> future`` (``future.result()`` gives the value): a
        ``concurrent.futures`` executor, ``dask.distributed.Client.get_executor()``, a Ray adapter
        (module docstring). Default: a process pool with ``max_workers`` workers (one per CPU),
        shut down afterwards.
    engine
        Passed to :func:`~dtao_lib.sim.run.run`.
    summary
        None: return the :class:`SimResult` objects. True: return a DataFrame, one
        :meth:`SimResult.summary` row per scenario. A callable: applied to each result in the worker,
        and its return values are returned (keep them small to ship).
    max_workers
        Workers of the default process pool (1 … 1 024).

    Returns
    -------
    list or pandas.DataFrame
    """
    items = list(scenarios)
    for i, s in enumerate(items):
        if not isinstance(s, Scenario):
            raise TypeError(f"scenarios[{i}] must be a Scenario, got {type(s).__name__}")
    if engine not in ("auto", "numba", "numpy", "python"):
        raise ValueError(f"engine must be 'auto', 'numba', 'numpy' or 'python', got {engine!r}")
    if not (summary is None or isinstance(summary, bool) or callable(summary)):
        raise TypeError(f"summary must be None, a bool or a callable, got {type(summary).__name__}")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must have a submit(fn, *args) method, got {type(executor).__name__}")
    if not items:
        return pd.DataFrame() if summary is True else []
    own = executor is None
    if own:
        if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(max_workers, int)
                                        or not 1 <= max_workers <= 1024):
            raise ValueError(f"max_workers must be an integer in [1, 1024], got {max_workers!r}")
        workers = max_workers or min(len(items), os.cpu_count() or 1)
        executor = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [executor.submit(_run_one, s, engine, summary) for s in items]
        results = [f.result() for f in futures]
    finally:
        if own:
            executor.shutdown()
    if summary is True:
        return pd.DataFrame(results)
    return results
