"""Bad-input tables for the appendices, the timeline, the research lab, the claim registry, the interactive
figures and the conformance harness (see tests/test_bad_input.py for the meaning of each table).

Paths, ids, DataFrames and callables are not fuzzed by the generated suite (it fuzzes numbers, flags and
number lists); their errors are tested in tests/test_appendices.py, tests/test_claims.py,
tests/test_interactive.py, tests/test_conformance.py and tests/test_figures_research_lab.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from dtao_lib import conformance, sim
from dtao_lib.figures import appendices as ap
from dtao_lib.figures import research_lab as rl

REPO = Path(__file__).resolve().parents[2]
PUBLIC = str(conformance.default_files()[0])
_CONF = conformance.table(PUBLIC)
_CONF_AP = ap.conformance_table(PUBLIC)
_OVERVIEW = ap.claims_overview()
CHAPTERS = str(REPO / "chapters")
_SCN = sim.Scenario(n_subnets=2, blocks=20, record_every=10, initial="synthetic", policy=sim.NoTrading())
_RES = sim.run(_SCN, engine="numpy", progress=False)
_SWEEP = pd.DataFrame({"name": ["a"], "engine": ["numpy"], "final_hhi": [0.5], "final_sum_price": [0.9],
                       "final_median_adr": [1.5], "chain_buy_tao": [0.0]})


def _precomputed_study(name: str) -> rl.Study:
    """A study as the chapter reads it without numba: the shipped table (cheap; the runs are checked by
    tests/test_figures_research_lab.py)."""
    return rl.Study(name, False, {}, {name: pd.read_csv(rl.PRECOMPUTED_DIR / f"{name}.csv.gz")})


_STUDIES = {name: _precomputed_study(name) for name in ("chasers", "pump", "halving", "gate")}
_CHART = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")


def _evidence() -> pd.DataFrame:
    return pd.DataFrame({"quantity": ["one"], "value": [1], "computed by": ["a test"]})


def _check(df: pd.DataFrame) -> bool:
    return len(df) == 1


def _slider() -> Any:
    import ipywidgets

    return ipywidgets.IntSlider(value=1, min=0, max=3)


def _render(x: int) -> str:
    return f"x = {x}"


# One valid call per callable: {"module.name": {param: value}} (every parameter listed is checked).
VALID: dict[str, dict[str, Any]] = {
    # figures.appendices
    "figures.appendices.HtmlBlock": {"text": "<p>x</p>", "plain": "x"},
    "figures.appendices.MarkdownBlock": {"text": "*x*"},
    "figures.appendices.benchmark_figures": {"path": str(REPO / "benchmarks" / "reference.json"),
                                             "keys": ap.BENCHMARK_KEYS},
    "figures.appendices.benchmark_report": {"root": str(REPO)},
    "figures.appendices.claim_boxes": {"ids": ["seed-subnet-limit"]},
    "figures.appendices.claim_pages": {"chapters_dir": CHAPTERS},
    "figures.appendices.claims_html": {"df": _OVERVIEW},
    "figures.appendices.claims_overview": {"chapters_dir": CHAPTERS},
    "figures.appendices.claims_summary": {"df": _OVERVIEW},
    "figures.appendices.conformance_chart": {"df": _CONF_AP},
    "figures.appendices.conformance_html": {"df": _CONF_AP, "width": 40},
    "figures.appendices.conformance_summary": {"df": _CONF_AP},
    "figures.appendices.conformance_table": {"path": PUBLIC},
    "figures.appendices.emission_leaders_chart": {"top": 3},
    "figures.appendices.era_html": {"group": "market"},
    "figures.appendices.era_rules": {},
    "figures.appendices.exercise_sheet": {"labels": ["halvings-ex1"], "chapters_dir": CHAPTERS, "answer_lines": 2},
    "figures.appendices.find_exercises": {"chapters_dir": CHAPTERS},
    "figures.appendices.out_of_scope_html": {"ids": ["seed-tam"]},
    "figures.appendices.parameters_html": {},
    "figures.appendices.parameters_table": {},
    "figures.appendices.timeline_chart": {},
    "figures.appendices.timeline_html": {},
    "figures.appendices.timeline_table": {},
    "figures.appendices.widget_latency_table": {"path": str(REPO / "benchmarks" / "reference_widgets.json")},
    "figures.appendices.workshop_plan_labels": {"plan": str(REPO / "chapters" / "workshop.md")},
    # figures.timeline
    "figures.timeline.date_kind_label": {"approximate": False, "date_kind": "PR"},
    "figures.timeline.era_bands": {},
    "figures.timeline.evidence_labels": {"evidence": "[P] PR comment; code @1a587cc8 [V]"},
    "figures.timeline.timeline_chart": {"highlight": ["A", "AMM"], "title": "a timeline"},
    "figures.timeline.timeline_frame": {},
    "figures.timeline.timeline_table": {"highlight": "B'"},
    # figures.research_lab (the *_study rows run the reduced studies once per process: they are cached)
    "figures.research_lab.chaser_scenarios": {"full": False},
    "figures.research_lab.chasers_study": {"full": False},
    "figures.research_lab.checks_table": {},  # ~10 s once per process (cached)
    "figures.research_lab.concentration": {"study": _STUDIES["chasers"]},
    "figures.research_lab.concentration_chart": {"study": _STUDIES["chasers"]},
    "figures.research_lab.concentration_summary": {"study": _STUDIES["chasers"]},
    "figures.research_lab.example_scenario": {},
    "figures.research_lab.explorer": {},
    "figures.research_lab.explorer_grid": {},
    "figures.research_lab.explorer_scenario": {"era": "head", "pump_k": 20.0, "chasers": 2_000.0, "days": 5.0,
                                               "n_subnets": 8, "seed": 1},
    "figures.research_lab.full_runs": {},
    "figures.research_lab.gate_chart": {"study": _STUDIES["gate"]},
    "figures.research_lab.gate_frame": {"study": _STUDIES["gate"]},
    "figures.research_lab.gate_scenarios": {"full": False},
    "figures.research_lab.gate_study": {"full": False},
    "figures.research_lab.gate_summary": {"study": _STUDIES["gate"]},
    "figures.research_lab.halving_chart": {"study": _STUDIES["halving"]},
    "figures.research_lab.halving_frame": {"study": _STUDIES["halving"]},
    "figures.research_lab.halving_initial_state": {"n": 4, "price_sum": 0.6},
    "figures.research_lab.halving_scenarios": {"full": False},
    "figures.research_lab.halving_study": {"full": False},
    "figures.research_lab.halving_table": {"study": _STUDIES["halving"]},
    "figures.research_lab.pump_chart": {"study": _STUDIES["pump"]},
    "figures.research_lab.pump_frame": {"study": _STUDIES["pump"]},
    "figures.research_lab.pump_study": {"full": False},
    "figures.research_lab.pump_summary": {"study": _STUDIES["pump"]},
    "figures.research_lab.pump_tao": {"fraction": 0.5},
    "figures.research_lab.scenario_table": {"scenario": _SCN},
    "figures.research_lab.styled": {"df": _SWEEP, "percent": ("final_hhi",)},
    "figures.research_lab.sweep_preview": {"table": _SWEEP},
    "figures.research_lab.totals_preview": {"res": _RES, "rows": 2},
    "figures.research_lab.universe": {"name": "deep pools", "full": False},
    # claims
    "claims.Claim": {"id": "test-claim", "chapter": "Test", "english": "A claim.", "japanese": "主張。",
                     "verdict": "true", "explanation": "Because.", "evidence": _evidence, "check": _check,
                     "spec": "§1", "notes": ("a note",), "holds_for": "HEAD"},
    "claims.get": {"claim_id": "adr-below-one"},
    "claims.show": {"claim_id": "adr-below-one"},
    "claims.table": {},
    # interactive
    "interactive.ChartSpec": {"spec": {"mark": "point", "data": {"values": [{"x": 1}]}}},
    "interactive.Figure": {"static": _CHART, "live": None, "title": "a figure"},
    "interactive.building_book": {},
    "interactive.chart_html": {"chart": _CHART, "div_id": "test-chart"},
    "interactive.live_panel": {"controls": {"x": _slider()}, "render": _render, "layout": "vertical"},
    "interactive.setup": {},
    # conformance
    "conformance.AtLeast": {"abs": 0.5, "rel": 0.01},
    "conformance.Tolerance": {"abs": 0.5, "rel": 0.01},
    "conformance.default_files": {},
    "conformance.main": {"argv": [PUBLIC, "--width", "30"]},
    "conformance.parse_tolerance": {"text": "+-2"},
    "conformance.run": {"path": PUBLIC, "ids": ["BE-01", "BE-07"]},
    "conformance.summary": {"df": _CONF},
    "conformance.table": {"path": PUBLIC},
}

NOT_CHECKED: dict[str, str] = {
    "figures.research_lab.Study": "a result container the *_study functions return",
    "figures.appendices.Exercise": "a result container find_exercises() returns (read from the chapters)",
    "claims.register": "adds to the global claim registry (a second call with the same id raises by design); "
                       "a non-Claim is rejected (tests/test_claims.py)",
    "claims.UnknownClaimError": "an exception type",
    "conformance.Result": "a result container run() returns (built from the vectors file)",
}

# Bad values that are meaningful for one parameter: {("module.name", param): {label, ...}}.
ALLOWED: dict[tuple[str, str], set[str]] = {
    # full=None: the DTAO_FULL_RUNS environment variable decides (the chapter's default)
    ("figures.research_lab.chasers_study", "full"): {"None"},
    ("figures.research_lab.pump_study", "full"): {"None"},
    ("figures.research_lab.halving_study", "full"): {"None"},
    ("figures.research_lab.gate_study", "full"): {"None"},
}
