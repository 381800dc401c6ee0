"""The chapters work in a real JupyterLab 4 with no network (headless Debian Chromium via Playwright).

For each chapter in ``CHAPTERS`` (a representative set that covers every kind of output and keeps
the test within a few minutes on two cores; ``DTAO_LAB_CHAPTERS=all`` runs every chapter, or name
them: ``DTAO_LAB_CHAPTERS=amm,yuma``): JupyterLab runs on 127.0.0.1, the browser's requests beyond
127.0.0.1 are aborted, the notebook is opened and run top to bottom with JupyterLab's own command,
and then

* no cell raised an error;
* every chart drew marks (static charts and live panels alike; none fell back to a CDN);
* one control of every live panel is moved and the panel's output changes (its charts redrawn);
  the end-to-end time (control change in the browser → kernel → comm → chart redrawn) is written
  to ``_build/screenshots/jupyterlab-latency.json`` — measured, not asserted (the benchmark
  ``benchmarks/jupyter_latency.py`` reports p95 per figure);
* no console errors, no request left 127.0.0.1, no local request failed;
* screenshots of the notebook and of each live panel go to ``_build/screenshots/``.
"""

from __future__ import annotations

import json
import os

import pytest

from ._helpers import ROOT
from .lab_driver import (
    PANELS,
    charts_drawn,
    move_control,
    open_notebook,
    open_page,
    run_all,
    shutdown_kernels,
    start_lab,
)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "_build" / "screenshots"
# Halvings: static charts and three live panels; AMM: four live panels (dropdowns, number boxes,
# tables and charts); Yuma: LiveChart templates (data swapped into a drawn view) and sliders.
REPRESENTATIVE = ["halvings", "amm", "yuma"]
CHARTLESS = {"appendix_status", "quick_tour", "workshop_exercises"}  # tables and text only
ALL = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
_choice = os.environ.get("DTAO_LAB_CHAPTERS", "")
CHAPTERS = ALL if _choice == "all" else [c for c in _choice.split(",") if c] or REPRESENTATIVE
LATENCY: dict[str, list[dict]] = {}
# jupyterlab-myst logs the book's cross-document references ({term} to the glossary, {ref} to another
# chapter) as console errors: a notebook alone cannot resolve them. They render as plain text.
# JupyterLab's own cell toolbar throws in `_markdownOverlapsToolbar` for a markdown cell rendered by
# jupyterlab-myst (a JupyterLab bug; nothing visible happens).
BENIGN = ("Cross reference target was not found", "_markdownOverlapsToolbar")


@pytest.fixture(scope="module")
def lab():
    with start_lab() as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def _write_latency():
    """After the module: the measured control-to-redraw times, for review."""
    yield
    if LATENCY:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "jupyterlab-latency.json").write_text(json.dumps(LATENCY, indent=1) + "\n")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_and_draws_in_jupyterlab(chapter, lab, browser):
    shutdown_kernels(lab)
    page, log = open_page(browser)
    open_notebook(page, lab, f"chapters/{chapter}.ipynb")
    state = run_all(page)
    assert not state["errors"], f"{chapter}: cells raised {state['errors']}"
    charts = charts_drawn(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"jupyterlab-{chapter}.png"))

    moves = []
    for i in range(page.evaluate(PANELS)):
        moves.append(move_control(page, i))
        page.screenshot(path=str(SHOTS / f"jupyterlab-{chapter}-panel{i}.png"))  # the panel, scrolled to the top
    LATENCY[chapter] = moves
    page.close()

    assert charts or chapter in CHARTLESS, f"{chapter}: no charts"
    assert not (charts and chapter in CHARTLESS), f"{chapter} draws charts now: remove it from CHARTLESS"
    assert all(isinstance(c, int) and c > 0 for c in charts), f"{chapter}: charts not drawn: {charts}"
    failed_moves = [m for m in moves if "error" in m]
    assert not failed_moves, f"{chapter}: live panels did not answer: {failed_moves}"
    assert not log.external, f"{chapter}: requests left 127.0.0.1: {log.external[:5]}"
    assert not log.failed, f"{chapter}: failed requests: {log.failed[:5]}"
    errors = [e for e in log.console_errors if not any(b in e for b in BENIGN)]
    assert not errors, f"{chapter}: console errors: {errors[:5]}"
