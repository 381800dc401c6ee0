"""Drive a real JupyterLab 4 in headless Chromium (shared by tests/browser/test_jupyterlab.py and
benchmarks/jupyter_latency.py).

* :func:`start_lab` runs ``jupyter lab`` on 127.0.0.1 (a free port, no token, its own settings and
  workspace directories, this checkout first on the kernel's ``PYTHONPATH``) and stops it after.
* :func:`open_page` opens a Chromium page on which every request that leaves 127.0.0.1 is aborted
  and recorded, and console errors are collected.
* :func:`open_notebook` / :func:`run_all` open a notebook and run every cell through JupyterLab's own
  commands (``window.jupyterapp``, exposed with ``--LabApp.expose_app_in_browser``).
* :func:`move_control` changes one control of a live panel from inside the page and returns the time
  until the panel's output has changed (every live chart of the panel redrawn: the chart view
  marks the revision it has drawn on its ``div``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ._helpers import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_lab(notebooks: dict[str, str] | None = None, timeout: float = 120) -> Iterator[str]:
    """Run JupyterLab on 127.0.0.1; yield its base URL; stop it afterwards.

    It serves a temporary copy of ``chapters/`` (so autosave and checkpoints never touch the
    repository), plus ``notebooks`` (``{relative path: JSON text}``) if given.
    """
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="dtao-lab-") as tmp:
        root = Path(tmp, "root")
        shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for rel, text in (notebooks or {}).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        settings = Path(tmp, "settings", "@jupyterlab", "apputils-extension")
        settings.mkdir(parents=True)
        # No news or update checks: they would try to reach the internet.
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(Path(tmp, "settings")),
               "JUPYTERLAB_WORKSPACES_DIR": str(Path(tmp, "workspaces")),
               "JUPYTER_RUNTIME_DIR": str(Path(tmp, "runtime")),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        env.pop("DTAO_BOOK_BUILD", None)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
               f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
               "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=", "--LanguageServerManager.autodetect=False"]
        url = f"http://127.0.0.1:{port}"
        with Path(tmp, "lab.log").open("w") as log:
            proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("JupyterLab did not start:\n" + Path(tmp, "lab.log").read_text()) from None
                    time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


class PageLog:
    """What a page did that a test should know: console errors, blocked and failed requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []


def open_page(browser: Any, width: int = 1280, height: int = 900) -> tuple[Any, PageLog]:
    """A new page with the network beyond 127.0.0.1 blocked (and recorded)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    log = PageLog()

    def route(r: Any) -> None:
        if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            log.external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.console_errors.append(f"page error: {e} {(e.stack or '')[:600]}"))
    page.on("response", lambda r: log.failed.append(f"{r.url} (HTTP {r.status})")
            if r.status >= 400 and urlparse(r.url).hostname == "127.0.0.1" else None)
    return page, log


def shutdown_kernels(url: str) -> None:
    """Stop every kernel of the server (a fresh kernel per notebook keeps runs independent)."""
    for k in json.load(urllib.request.urlopen(f"{url}/api/kernels")):
        urllib.request.urlopen(urllib.request.Request(f"{url}/api/kernels/{k['id']}", method="DELETE"))


def open_notebook(page: Any, url: str, path: str, timeout: float = 120) -> None:
    """Open ``path`` (relative to the server root) and wait until its kernel is idle."""
    page.goto(f"{url}/lab/tree/{path}?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                           " === 'idle'", timeout=timeout * 1000)


CELL_STATE = """
() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const cells = Array.from(nb.model.cells).filter(c => c.type === 'code');
  const errors = [];
  cells.forEach((c, i) => c.outputs.toJSON().forEach(o => {
    if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
  }));
  return {n: cells.length, done: cells.filter(c => c.executionCount !== null).length,
          busy: nb.sessionContext.session.kernel.status !== 'idle', errors};
}
"""


def run_all(page: Any, timeout: float = 300) -> dict[str, Any]:
    """Run every cell; wait until each code cell has run (or one failed); return the cell state."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(CELL_STATE)
        if state["errors"] or (state["done"] == state["n"] and not state["busy"]):
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"cells still running after {timeout} s: {state}")
        time.sleep(0.5)


CHARTS_STATE = """
() => Array.from(document.querySelectorAll('.jp-Notebook .dtao-chart')).map(div => {
  if (div.innerText.startsWith('Chart error') || div.innerText.startsWith('Could not load'))
    return div.innerText.slice(0, 200);
  const marks = div.querySelectorAll('.role-mark > path, .role-mark > line, .role-mark > text,'
                                     + ' .role-mark > rect, .role-mark > circle, .role-mark > image').length;
  return div.dataset.marks !== undefined ? Number(div.dataset.marks) : marks;
})
"""


def charts_drawn(page: Any, timeout: float = 60) -> list[Any]:
    """Wait until every chart in the notebook has drawn (or reported an error); return per chart
    the number of marks drawn (0: nothing yet) or the error text."""
    deadline = time.monotonic() + timeout
    while True:
        # Charts are only laid out once JupyterLab has attached their cells: scroll through.
        state = page.evaluate(CHARTS_STATE)
        if all(isinstance(s, str) or s > 0 for s in state) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


PANELS = "() => document.querySelectorAll('.jp-Notebook .dtao-panel').length"

# Change one control of panel i from inside the page; resolve with the milliseconds until the panel
# shows its new output (every live chart's drawn revision moved, and the other slots changed), or
# with an error text. Preference: a dropdown, then a number box, then a slider's editable readout.
MOVE = """
async ([i, timeoutMs]) => {
  const panel = document.querySelectorAll('.jp-Notebook .dtao-panel')[i];
  const out = panel.querySelector('.dtao-out');
  const charts = () => Array.from(out.querySelectorAll('.dtao-live-chart'));
  const sig = () => charts().map(c => c.dataset.revision || '').join(',') + '|' +
                    Array.from(out.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerHTML).join('');
  const revs = () => charts().map(c => c.dataset.revision || '');
  const before = revs(), beforeSig = sig();
  const err = () => panel.querySelector('.dtao-error');
  let label = '';
  const t0 = performance.now();
  const sel = panel.querySelector('select');
  const num = panel.querySelector('input[type=number]');
  const readout = panel.querySelector('.widget-readout[contenteditable=true]');
  // Alternate between two values so that repeated moves (the benchmark) stay in range.
  const flip = (el) => { const f = el.dataset.dtaoFlip !== '1'; el.dataset.dtaoFlip = f ? '1' : '0'; return f; };
  if (sel) {
    sel.selectedIndex = (sel.selectedIndex + 1) % sel.options.length;
    sel.dispatchEvent(new Event('change', {bubbles: true}));
    label = 'dropdown -> ' + sel.value;
  } else if (num) {
    const v = Number(num.value);
    num.value = String(v === 0 ? (flip(num) ? 1 : 0) : (flip(num) ? v * 1.5 : v / 1.5));
    num.dispatchEvent(new Event('change', {bubbles: true}));
    num.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    label = 'number box -> ' + num.value;
  } else if (readout) {
    const handle = readout.parentElement.querySelector('.noUi-handle') || panel.querySelector('.noUi-handle');
    const lo = Number(handle.getAttribute('aria-valuemin')), hi = Number(handle.getAttribute('aria-valuemax'));
    const now = Number(handle.getAttribute('aria-valuenow'));
    const step = Math.max((hi - lo) / 10, Number.isInteger(lo) && Number.isInteger(hi) ? 1 : 0);
    const up = now + step <= hi && (flip(readout) || now - step < lo);
    readout.textContent = String(up ? now + step : now - step);
    readout.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, bubbles: true}));
    readout.blur();
    label = 'slider readout -> ' + readout.textContent;
  } else {
    return {error: 'no control found'};
  }
  const outs = () => Array.from(out.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerHTML).join('');
  const beforeOuts = outs();
  const marks = {};
  while (performance.now() - t0 < timeoutMs) {
    await new Promise(r => requestAnimationFrame(r));
    if (err()) return {error: err().innerText, label};
    const now = revs();
    const chartsMoved = now.every((r, k) => r !== before[k] && r !== '');
    const t = performance.now() - t0;
    if (chartsMoved && marks.charts === undefined) marks.charts = t;
    if (outs() !== beforeOuts && marks.outputs === undefined) marks.outputs = t;
    if (!panel.classList.contains('dtao-busy') && marks.idle === undefined) marks.idle = t;
    if (sig() !== beforeSig && chartsMoved && !panel.classList.contains('dtao-busy')) {
      const ms = performance.now() - t0;
      // kernel_ms: until the first chart's new data arrived (kernel callback and comm both ways)
      const got = charts().map(c => Number(c.dataset.received)).filter(x => x > t0);
      return got.length ? {ms, kernel_ms: Math.min(...got) - t0, label, marks} : {ms, label, marks};
    }
  }
  return {error: 'output did not change within ' + timeoutMs + ' ms', label};
}
"""


def move_control(page: Any, index: int, timeout_ms: float = 30_000) -> dict[str, Any]:
    """Move one control of live panel ``index``; ``{"ms": latency, "label": ...}`` or ``{"error": ...}``."""
    page.evaluate("(i) => document.querySelectorAll('.jp-Notebook .dtao-panel')[i]"
                  ".scrollIntoView({block: 'start'})", index)
    return page.evaluate(MOVE, [index, timeout_ms])
