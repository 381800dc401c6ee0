"""Parameter sweeps: many scenarios, run in parallel on any ``concurrent.futures``-style executor.

:func:`sweep` only calls ``executor.submit(fn, *args)`` and ``future.result()``, so it runs on:

* the default: a :class:`concurrent.futures.ProcessPoolExecutor` with one worker per CPU, created
  and shut down by :func:`sweep` (each worker loads the compiled kernel from numba's on-disk cache);
* any :class:`concurrent.futures.Executor` you pass (``ThreadPoolExecutor`` works too: the numba
  kernel releases the GIL);
* **dask.distributed**, for several machines (``pip install "dtao-lib[distributed]"``):
  ``client.get_executor()`` returns a ``concurrent.futures``-compatible executor backed by the
  cluster::

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

Failures
--------
A sweep never loses finished work. Every scenario gets one outcome: its value, or a
:class:`SweepFailure` naming the scenario and saying what went wrong:

* ``"error"`` — the run raised (the worker's traceback is kept);
* ``"timeout"`` — it ran longer than ``timeout`` seconds (on the default process pool the worker is
  killed; on an executor you pass the task is cancelled if it has not started, otherwise abandoned);
* ``"crashed"`` — the worker process died (``os._exit``, a segfault, out of memory). The pool is
  then broken for every task in it, so the unfinished scenarios are re-run, each in a fresh
  single-worker process pool, which finds the one that crashed and completes the others.

With ``results_dir`` each finished value is also written to disk (pickle, one file per scenario,
named by a hash of the scenario, the engine and the summary), so a sweep that is interrupted — or
re-run after fixing a failing scenario — resumes from what is already there.

Progress is shown with a ``tqdm`` bar, silenced when ``CI`` is true or ``TQDM_DISABLE`` is set (and,
as for :func:`~dtao_lib.sim.run.run`, during a book build or with ``DTAO_NO_PROGRESS``).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
import re
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .run import SimResult, run
from .scenario import Scenario

__all__ = ["SweepError", "SweepFailure", "SweepResults", "grid", "progress_enabled", "sweep"]


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


# ---------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepFailure:
    """A scenario that did not finish: stands in its place in the results of :func:`sweep`.

    Attributes
    ----------
    index
        Position of the scenario in the list given to :func:`sweep`.
    name
        The scenario's ``name`` (``"scenario <index>"`` if it has none).
    kind
        ``"error"`` (the run raised), ``"timeout"`` or ``"crashed"`` (the worker process died).
    error
        One line: the exception type and message, or what happened.
    traceback
        The worker's traceback for ``"error"``; empty otherwise.
    scenario
        The scenario itself.
    """

    index: int
    name: str
    kind: Literal["error", "timeout", "crashed"]
    error: str
    traceback: str = ""
    scenario: Scenario | None = field(default=None, repr=False)

    ok = False

    def __str__(self) -> str:
        return f"scenario {self.name!r} (#{self.index}) {self.kind}: {self.error}"


class SweepResults(list):
    """The list :func:`sweep` returns: one entry per scenario, in order — its value or a :class:`SweepFailure`."""

    @property
    def failures(self) -> list[SweepFailure]:
        """The scenarios that did not finish."""
        return [r for r in self if isinstance(r, SweepFailure)]

    @property
    def ok(self) -> bool:
        """True if every scenario finished."""
        return not self.failures

    def raise_for_failures(self) -> SweepResults:
        """Raise :class:`SweepError` if any scenario failed; return ``self`` otherwise."""
        if self.failures:
            raise SweepError(self)
        return self


class SweepError(RuntimeError):
    """Raised by ``sweep(..., errors="raise")`` after the whole sweep ran; ``.results`` keeps every outcome."""

    def __init__(self, results: Sequence[Any]) -> None:
        self.results = results
        self.failures = [r for r in results if isinstance(r, SweepFailure)]
        lines = "; ".join(str(f) for f in self.failures[:5])
        more = f" (and {len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
        super().__init__(f"{len(self.failures)} of {len(results)} scenarios failed: {lines}{more}")


# ---------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------
def _run_one(scenario: Scenario, engine: str, summary: Callable[[SimResult], Any] | bool | None) -> Any:
    res = run(scenario, engine=engine, progress=False)  # type: ignore[arg-type]
    if summary is True:
        return res.summary()
    if callable(summary):
        return summary(res)
    return res


def _run_guarded(scenario: Scenario, engine: str, summary: Any) -> tuple[bool, Any, str]:
    """Run one scenario; exceptions come back as text so that any exception survives the trip home."""
    try:
        return True, _run_one(scenario, engine, summary), ""
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}", traceback.format_exc()


# ---------------------------------------------------------------------------------------------
# Progress and resume
# ---------------------------------------------------------------------------------------------
def progress_enabled(progress: bool | None = None) -> bool:
    """Whether to draw a progress bar: ``progress`` if given, else yes unless ``CI`` is true,
    ``TQDM_DISABLE`` or ``DTAO_NO_PROGRESS`` is set, or the book is being built."""
    if progress is not None:
        if not isinstance(progress, bool | np.bool_):
            raise TypeError(f"progress must be a bool or None, got {type(progress).__name__} {progress!r}")
        return bool(progress)
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        return False
    from ..interactive import building_book

    if building_book() or os.environ.get("DTAO_NO_PROGRESS"):  # as sim.run: never in the built book
        return False
    return os.environ.get("TQDM_DISABLE", "").strip().lower() in ("", "0", "false", "no")


class _Bar:
    def __init__(self, total: int, enabled: bool) -> None:
        self._bar = None
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc="sweep", unit="scenario")

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)[:60] or "scenario"


def _result_path(directory: Path, scenario: Scenario, engine: str, summary: Any) -> Path:
    how = "result" if summary is None else "summary" if summary is True else (
        f"{getattr(summary, '__module__', '')}.{getattr(summary, '__qualname__', repr(summary))}")
    digest = hashlib.sha256(pickle.dumps((scenario, engine, how), protocol=4)).hexdigest()[:16]
    return directory / f"{_slug(scenario.name)}-{digest}.pkl"


# ---------------------------------------------------------------------------------------------
# Scheduling
# ---------------------------------------------------------------------------------------------
def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a process pool now, killing its workers (a hung scenario never returns by itself)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):  # already gone
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


class _Runner:
    """Runs tasks with at most ``slots`` in flight, recording one outcome per task index."""

    def __init__(self, items: list[Scenario], engine: str, summary: Any, timeout: float | None,
                 record: Callable[[int, Any], None]) -> None:
        self.items, self.engine, self.summary, self.timeout, self.record = items, engine, summary, timeout, record

    def _finish(self, i: int, fut: Future) -> str | None:
        """Record a finished future; return "broken" if its process pool died."""
        try:
            ok, value, tb = fut.result()
        except BrokenProcessPool:
            return "broken"
        except Exception as exc:
            self.record(i, self._failure(i, "error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
            return None
        self.record(i, value if ok else self._failure(i, "error", value, tb))
        return None

    def _failure(self, i: int, kind: str, error: str, tb: str = "") -> SweepFailure:
        s = self.items[i]
        return SweepFailure(index=i, name=s.name or f"scenario {i}", kind=kind, error=error,  # type: ignore[arg-type]
                            traceback=tb, scenario=s)

    def _timeout_failure(self, i: int) -> SweepFailure:
        return self._failure(i, "timeout", f"still running after the {self.timeout:g} s timeout")

    def shared(self, executor: Any, todo: list[int], slots: int) -> list[int]:
        """Run ``todo`` on one executor; return the indices whose process pool broke (to re-run)."""
        pending: dict[Future, tuple[int, float]] = {}
        queue = list(todo)
        broken: list[int] = []
        while queue or pending:
            while queue and len(pending) < slots:
                i = queue.pop(0)
                try:
                    fut = executor.submit(_run_guarded, self.items[i], self.engine, self.summary)
                except BrokenProcessPool:
                    broken.append(i)
                    broken.extend(queue)
                    queue.clear()
                    break
                pending[fut] = (i, time.monotonic())
            if not pending:
                break
            done, _ = wait(list(pending), timeout=self._wait_for(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                i, _start = pending.pop(fut)
                if self._finish(i, fut) == "broken":
                    broken.append(i)
            if self.timeout is not None:
                now = time.monotonic()
                for fut, (i, start) in list(pending.items()):
                    if now - start > self.timeout:
                        fut.cancel()
                        pending.pop(fut)
                        self.record(i, self._timeout_failure(i))
        return sorted(broken)

    def isolated(self, todo: list[int], slots: int) -> None:
        """Run each of ``todo`` in its own single-worker process pool (exact timeouts and crash blame)."""
        pending: dict[Future, tuple[int, float, ProcessPoolExecutor]] = {}
        queue = list(todo)
        while queue or pending:
            while queue and len(pending) < slots:
                i = queue.pop(0)
                pool = ProcessPoolExecutor(max_workers=1)
                fut = pool.submit(_run_guarded, self.items[i], self.engine, self.summary)
                pending[fut] = (i, time.monotonic(), pool)
            done, _ = wait(list(pending), timeout=self._wait_for(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                i, _start, pool = pending.pop(fut)
                if self._finish(i, fut) == "broken":
                    self.record(i, self._failure(i, "crashed", "the worker process died (BrokenProcessPool)"))
                pool.shutdown(wait=False)
            if self.timeout is not None:
                now = time.monotonic()
                for fut, (i, start, pool) in list(pending.items()):
                    if now - start > self.timeout:
                        pending.pop(fut)
                        _kill(pool)
                        self.record(i, self._timeout_failure(i))

    def _wait_for(self, pending: dict) -> float | None:
        if self.timeout is None:
            return None
        now = time.monotonic()
        left = min(self.timeout - (now - v[1]) for v in pending.values())
        return max(0.01, min(left + 0.01, 1.0))


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------
def _check_positive_int(name: str, value: Any, hi: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or not 1 <= int(value) <= hi:
        raise ValueError(f"{name} must be an integer in [1, {hi}], got {value!r}")
    return int(value)


def sweep(
    scenarios: Iterable[Scenario],
    executor: Executor | Any | None = None,
    *,
    engine: str = "auto",
    summary: Callable[[SimResult], Any] | bool | None = None,
    max_workers: int | None = None,
    timeout: float | None = None,
    results_dir: str | os.PathLike | None = None,
    errors: Literal["return", "raise"] = "return",
    progress: bool | None = None,
) -> SweepResults | pd.DataFrame:
    """Run many scenarios, in parallel, and return one outcome per scenario in the order given.

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
        Scenarios in flight at once, an integer in [1, 1024]: the default pool's workers (default one
        per CPU); with an executor you pass, its ``_max_workers`` if it has one, else the CPU count.
    timeout
        Seconds one scenario may run (a number > 0), or None (no limit). See the module docstring.
    results_dir
        A directory: finished values are written there and scenarios already there are not re-run.
    errors
        ``"return"`` (default): failed scenarios appear as :class:`SweepFailure` entries (a
        ``status``/``error`` row in the summary table). ``"raise"``: after the whole sweep, raise
        :class:`SweepError` (its ``results`` keeps every finished value) if any scenario failed.
    progress
        Show a progress bar (default: yes, unless ``CI`` is true or ``TQDM_DISABLE`` is set).

    Returns
    -------
    SweepResults or pandas.DataFrame
        A list (one value or :class:`SweepFailure` per scenario) or, with ``summary=True``, a table
        with one row per scenario and the columns ``status`` (``"ok"``, ``"error"``, ``"timeout"``,
        ``"crashed"``) and ``error``.
    """
    items = list(scenarios)
    for i, s in enumerate(items):
        if not isinstance(s, Scenario):
            raise TypeError(f"scenarios[{i}] must be a Scenario, got {type(s).__name__}")
    if engine not in ("auto", "numba", "numpy", "python"):
        raise ValueError(f"engine must be 'auto', 'numba', 'numpy' or 'python', got {engine!r}")
    if not (summary is None or isinstance(summary, bool | np.bool_) or callable(summary)):
        raise TypeError(f"summary must be None, a bool or a callable, got {type(summary).__name__}")
    summary = bool(summary) if isinstance(summary, np.bool_) else summary
    if summary is False:
        summary = None
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must have a submit(fn, *args) method, got {type(executor).__name__}")
    if max_workers is not None:
        max_workers = _check_positive_int("max_workers", max_workers, 1024)
    if timeout is not None:
        if isinstance(timeout, bool | np.bool_) or not isinstance(timeout, int | float | np.integer | np.floating):
            raise TypeError(f"timeout must be a number of seconds > 0 or None, got {type(timeout).__name__}")
        timeout = float(timeout)
        if not (timeout > 0 and np.isfinite(timeout)):
            raise ValueError(f"timeout must be a finite number of seconds > 0 or None, got {timeout!r}")
    if errors not in ("return", "raise"):
        raise ValueError(f"errors must be 'return' or 'raise', got {errors!r}")
    show = progress_enabled(progress)
    directory = None
    if results_dir is not None:
        if not isinstance(results_dir, str | os.PathLike):
            raise TypeError(f"results_dir must be a path, got {type(results_dir).__name__}")
        directory = Path(results_dir)
        directory.mkdir(parents=True, exist_ok=True)

    outcomes: list[Any] = [None] * len(items)
    done_mask = [False] * len(items)
    bar = _Bar(len(items), show and bool(items))

    def record(i: int, value: Any) -> None:
        outcomes[i] = value
        done_mask[i] = True
        if directory is not None and not isinstance(value, SweepFailure):
            path = _result_path(directory, items[i], engine, summary)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)  # atomic: a sweep killed mid-write leaves no half file
        bar.update()

    todo = list(range(len(items)))
    if directory is not None:
        for i in list(todo):
            path = _result_path(directory, items[i], engine, summary)
            if path.exists():
                outcomes[i] = pickle.loads(path.read_bytes())
                done_mask[i] = True
                bar.update()
                todo.remove(i)

    runner = _Runner(items, engine, summary, timeout, record)
    try:
        if todo:
            if executor is None:
                slots = max_workers or min(len(todo), os.cpu_count() or 1)
                if timeout is not None:
                    runner.isolated(todo, slots)
                else:
                    pool = ProcessPoolExecutor(max_workers=slots)
                    try:
                        broken = runner.shared(pool, todo, slots)
                    finally:
                        pool.shutdown(wait=False, cancel_futures=True)
                    if broken:
                        runner.isolated(broken, slots)
            else:
                slots = max_workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1
                broken = runner.shared(executor, todo, int(slots))
                if broken:  # the executor's own process pool died: finish in fresh pools of ours
                    runner.isolated(broken, min(int(slots), os.cpu_count() or 1))
    finally:
        bar.close()

    results = SweepResults(outcomes)
    if errors == "raise":
        results.raise_for_failures()
    if summary is True:
        return _summary_table(items, results)
    return results


def _summary_table(items: list[Scenario], results: SweepResults) -> pd.DataFrame:
    rows = []
    for i, r in enumerate(results):
        if isinstance(r, SweepFailure):
            desc = items[i].describe()
            rows.append({**{k: v for k, v in desc.items() if k in ("name", "era", "era_letter", "n_subnets",
                                                                   "days", "policy", "seed")},
                         "status": r.kind, "error": r.error})
        else:
            rows.append({**r, "status": "ok", "error": ""})
    table = pd.DataFrame(rows)
    table.attrs["failures"] = results.failures
    return table
