"""Slow live renders off the kernel's main thread: the panel answers at once and shows progress.

A live panel's ``render`` runs on the kernel's main thread, so a render that takes a second (the
research lab's simulations) freezes the notebook and queues every further slider move.
:class:`Background` turns such a render into a quick one: ``render`` returns at once a small widget
(a progress bar above the previous result) and the computation runs on one worker thread; when it
finishes, the widget shows the new result. A newer control change supersedes older ones: a queued
job that is no longer the newest does not start, and a finished one that is no longer the newest is
not shown. ``ValueError``/``TypeError`` from the computation are shown as a message, never a traceback.

The widget is updated with ``Output.append_display_data`` and plain trait assignments, the ipywidgets
calls that are safe from a thread. :func:`wait_idle` lets benchmarks and tests wait for the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

__all__ = ["Background", "wait_idle"]

_pending: set[Future] = set()
_lock = threading.Lock()

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called by the computation as it goes."""


def wait_idle(timeout: float | None = 60.0) -> bool:
    """Wait until every background render has finished; True if they all did within ``timeout`` s."""
    with _lock:
        futures = list(_pending)
    for f in futures:
        try:
            f.result(timeout=timeout)
        except TimeoutError:
            return False
    return True


class Background:
    """One worker thread for one live panel; call it from ``render`` with the computation to run.

    Parameters
    ----------
    label
        Text next to the progress bar (e.g. ``"simulating"``).
    """

    def __init__(self, label: str = "computing") -> None:
        self.label = label
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dtao-live")
        self._newest = 0
        self._last: Any = None

    def __call__(self, compute: Callable[[Progress], Any], note: str = "") -> Any:
        """A widget that shows ``compute(progress)``'s result when it is ready (progress until then)."""
        import ipywidgets as w

        from ..interactive import _error_box

        self._newest += 1
        ticket = self._newest
        bar = w.IntProgress(value=0, min=0, max=1, description=self.label,
                            layout=w.Layout(width="320px"))
        status = w.HTML(value=note)
        out = w.Output()
        if self._last is not None:  # keep the previous result in view while the new one runs
            out.append_display_data(self._last)
        box = w.VBox([w.HBox([bar, status]), out])

        def progress(done: int, total: int) -> None:
            bar.max, bar.value = max(total, 1), done

        def job() -> None:
            if ticket != self._newest:  # superseded before it started
                return
            try:
                result = compute(progress)
            except Exception as exc:  # shown as a message: a widget never shows a traceback
                status.value = _error_box(str(exc) if isinstance(exc, ValueError | TypeError)
                                          else f"{type(exc).__name__}: {exc}")
                bar.layout.display = "none"
                return
            if ticket != self._newest:
                return
            self._last = result
            out.outputs = ()
            out.append_display_data(result)
            bar.layout.display = "none"
            status.value = ""

        future = self._pool.submit(job)
        with _lock:
            _pending.add(future)
        future.add_done_callback(lambda f: _discard(f))
        return box


def _discard(f: Future) -> None:
    with _lock:
        _pending.discard(f)
