"""Figures and studies for the chapter "Research lab" (the network simulator, :mod:`dtao_lib.sim`).

Every study runs reduced scenarios by default (16 subnets, weeks; the gate study 128 subnets for 120
days) so the chapter builds in seconds with the compiled kernel; set the environment variable
``DTAO_FULL_RUNS=1`` (or pass ``full=True``) for the full runs (all 128 subnets of the snapshot, a
year), which run in parallel through :func:`dtao_lib.sim.sweep`.

Without numba (the base dependencies, e.g. Colab or Binder) the numpy engine would need about an hour
for the reduced studies. The studies' tables then come from ``figures/_precomputed/research_lab/``:
the same code's output with the numba engine, written by ``python -m dtao_lib.figures.research_lab``
and checked against a fresh run by ``tests/test_figures_research_lab.py`` — so they are this code's
numbers, not a stand-in. Each study says which it did.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .. import coinbase, sim
from .._validate import check_bool, check_choice, check_frame, check_int, check_real
from ..emission import halving_threshold_rao
from ..interactive import Figure, live_panel
from ..params import BLOCKS_PER_DAY, RAO_PER_TAO
from ..params import era as resolve_era
from ..sim import _layout as L
from ._background import Background
from ._live import LiveChart
from ._style import ERA_COLORS, HEIGHT, WIDTH, dropdown, slider

__all__ = [
    "ERA_LABELS",
    "ERA_SHORT",
    "EXAMPLE_DAYS",
    "EXPLORER_ERAS",
    "EXPLORER_NETUID",
    "EXPLORER_PUMPS_K",
    "FULL_RUNS_ENV",
    "GATE_ERAS",
    "GATE_RANK",
    "HALVING_ERAS",
    "HALVING_LEAD_DAYS",
    "PRECOMPUTED_DIR",
    "PUMP_DAY",
    "PUMP_NETUID",
    "STUDY_ERAS",
    "SWEEP_DAYS",
    "UNIVERSES",
    "Study",
    "chaser_scenarios",
    "chasers_study",
    "checks_table",
    "concentration",
    "concentration_chart",
    "concentration_summary",
    "example_scenario",
    "explorer",
    "explorer_grid",
    "explorer_scenario",
    "full_runs",
    "gate_chart",
    "gate_frame",
    "gate_scenarios",
    "gate_study",
    "gate_summary",
    "halving_chart",
    "halving_frame",
    "halving_initial_state",
    "halving_scenarios",
    "halving_study",
    "halving_table",
    "pump_chart",
    "pump_frame",
    "pump_study",
    "pump_summary",
    "pump_tao",
    "scenario_table",
    "styled",
    "sweep_preview",
    "totals_preview",
    "universe",
]
# precomputed_tables and write_precomputed are maintainer tools (python -m dtao_lib.figures.research_lab), not
# reader API: they run every study and write the shipped tables.

FULL_RUNS_ENV = "DTAO_FULL_RUNS"
"""Set to ``1`` to run the chapter's studies at full size."""

ERA_LABELS = {
    "A": "A — EMA-price shares (v2.0.0)",
    "B": "B — TaoFlow (v3.2.10)",
    "v3.3.1": "v3.3.1 — cap min(α_e, E) (Dec 2025)",
    "D": "D — price × (1 − burn), no gate (spec 425, June 2026)",
    "head": "HEAD — price × (1 − burn) through the emission gate (spec 459)",
}
ERA_SHORT = {"A": "A (v2.0.0)", "B": "B (v3.2.10)", "v3.3.1": "v3.3.1", "D": "D (spec 425)", "head": "HEAD (gate)"}
"""Short era names for tables."""
_ERA_COLOR = {"A": ERA_COLORS["A"], "B": ERA_COLORS["B"], "v3.3.1": "#d35400", "D": "#7f8c8d",
              "head": ERA_COLORS["D"]}

PRECOMPUTED_DIR = Path(__file__).with_name("_precomputed") / "research_lab"
"""Where the studies' tables computed with the numba engine are shipped (used without numba)."""
EXAMPLE_DAYS = 14 if sim.NUMBA_AVAILABLE else 2
"""Length of the chapter's first run: two weeks with the compiled kernel, two days on the numpy engine."""
SWEEP_DAYS = 7 if sim.NUMBA_AVAILABLE else 1
"""Length of each run of the chapter's sweep example."""


def _say(message: str) -> None:
    """Tell a reader what a long cell is doing (silent while the book is built)."""
    from ..interactive import building_book

    if not building_book():
        print(message, flush=True)


def _precomputed(name: str) -> pd.DataFrame:
    path = PRECOMPUTED_DIR / f"{name}.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(f"research lab: no precomputed table {path} (run python -m "
                                "dtao_lib.figures.research_lab, or install numba: pip install 'dtao-lib[jit]')")
    return pd.read_csv(path)


def _use_precomputed(full: bool) -> bool:
    """Reduced studies without numba read the shipped tables (the numpy engine would take an hour)."""
    return not full and not sim.NUMBA_AVAILABLE


def full_runs() -> bool:
    """True when ``DTAO_FULL_RUNS=1`` asks for full-size studies."""
    return os.environ.get(FULL_RUNS_ENV, "") == "1"


def _full(full: bool | None) -> bool:
    if full is None:
        return full_runs()
    if not isinstance(full, bool | np.bool_):
        raise TypeError(f"full must be a bool or None (None: the {FULL_RUNS_ENV} environment variable decides), "
                        f"got {type(full).__name__} {full!r}")
    return bool(full)


def _fmt_number(v: object) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return str(v)
    x = float(v)
    if not np.isfinite(x):
        return "–"
    if x == int(x) and abs(x) >= 1:
        return f"{int(x):,}"
    if abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def styled(df: pd.DataFrame, *, percent: tuple[str, ...] = ()):
    """A DataFrame for display: no index, full text, numbers to 4 significant digits (``percent``
    columns as percentages). Returns a pandas ``Styler``; the data stay in ``.data``."""
    check_frame("df", df)
    if isinstance(percent, str) or not isinstance(percent, tuple | list) \
            or not all(isinstance(c, str) for c in percent):
        raise TypeError(f"percent must be a tuple of column names, got {percent!r}")
    check_frame("df", df, percent)
    fmt = {c: ("{:.2%}" if c in percent else _fmt_number) for c in df.columns}
    return (df.style.hide(axis="index").format(fmt)
            .set_table_attributes('class="table dtao-table"')
            .set_properties(**{"text-align": "left"}))


def totals_preview(res: sim.SimResult, rows: int = 4) -> pd.DataFrame:
    """The last ``rows`` network totals of a run, a few columns, in TAO."""
    if not isinstance(res, sim.SimResult):
        raise TypeError(f"res must be a sim.SimResult (what sim.run returns), got {type(res).__name__}")
    rows = check_int("rows", rows, lo=1)
    cols = {"day": "day", "issuance_tao": "issuance (TAO)", "block_emission_tao": "E (TAO/block)",
            "sum_price": "Σ prices", "hhi": "HHI", "median_adr": "median ADR", "chain_buy_tao": "chain buys (TAO)"}
    return res.totals[list(cols)].tail(rows).rename(columns=cols).reset_index(drop=True)


def sweep_preview(table: pd.DataFrame) -> pd.DataFrame:
    """The headline columns of a ``sim.sweep(..., summary=True)`` table."""
    cols = {"name": "run", "engine": "engine", "final_hhi": "final HHI", "final_sum_price": "final Σ prices",
            "final_median_adr": "final median ADR", "chain_buy_tao": "chain buys (TAO)"}
    check_frame("table", table, list(cols))
    return table[list(cols)].rename(columns=cols)


def _run_all(scenarios: list[sim.Scenario], full: bool) -> list[sim.SimResult]:
    """Full runs on a process pool; reduced runs on threads (the compiled kernel releases the GIL)."""
    if full:
        return sim.sweep(scenarios)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(scenarios), os.cpu_count() or 1)) as pool:
        return sim.sweep(scenarios, pool)


# ---------------------------------------------------------------------------------------------
# Defining a scenario
# ---------------------------------------------------------------------------------------------
def example_scenario() -> sim.Scenario:
    """The scenario the chapter starts with: HEAD, 16 largest pools, :data:`EXAMPLE_DAYS`, noise traders."""
    return sim.Scenario(era="head", n_subnets=16, days=EXAMPLE_DAYS, policy=sim.NoiseTraders(daily_volatility=0.02),
                        seed=1)


def scenario_table(scenario: sim.Scenario) -> pd.DataFrame:
    """The main fields of a scenario with what they mean (one row each)."""
    if not isinstance(scenario, sim.Scenario):
        raise TypeError(f"scenario must be a sim.Scenario, got {type(scenario).__name__}")
    e = scenario.era_rules
    rows = [
        ("era", f"{scenario.era} (era {e.letter})", "protocol release: which rule of every mechanism applies"),
        ("shares / injection / pool", f"{e.share_rule} / {e.injection_rule} / {e.pool}",
         "the era's rules, from dtao_lib.params.era"),
        ("n_subnets", scenario.n_subnets,
         f"subnets at the start ({scenario.initial if isinstance(scenario.initial, str) else 'custom'})"),
        ("blocks", f"{scenario.blocks:,} ({scenario.days:g} days)", "length of the run, one coinbase step per block"),
        ("record_every", f"{scenario.record_every:,} blocks", "what is kept: one row per recorded block and subnet"),
        ("policy", scenario.policies.describe(), "what stakers do between blocks"),
        ("issuance", f"{scenario.issuance_rao / RAO_PER_TAO:,.0f} TAO", "TotalIssuance at the start (sets E)"),
        ("registration", "none" if scenario.registration is None else f"{scenario.registration.count} new subnets",
         "subnet registrations, pruning and dissolution"),
        ("seed", scenario.seed, "every random draw follows from it"),
    ]
    return pd.DataFrame(rows, columns=["field", "value", "meaning"])


# ---------------------------------------------------------------------------------------------
# Checks: the simulator against the single-block functions, the reference and conservation
# ---------------------------------------------------------------------------------------------
def checks_table() -> pd.DataFrame:
    """Evidence that the simulator computes what dtao_lib's mechanism modules compute (spec §3, §4).

    One block at HEAD on the 16 largest pools of the snapshot, compared with
    :func:`dtao_lib.coinbase.block` (exact fixed point); a short run against the scalar reference;
    a run with every conservation identity checked after every block. Computed once per session
    (about ten seconds, mostly the scalar reference); each call returns a fresh copy.
    """
    return _checks_table().copy()


@cache
def _checks_table() -> pd.DataFrame:
    from ..sim import kernel_numba, kernel_numpy
    from ..sim.reference import run_reference
    from ..sim.state import build_state

    one = "D"  # spec 425: coinbase.block has no emission-gate state; the gate is checked in tests/test_sim_engines.py
    scn = sim.Scenario(era=one, n_subnets=16, blocks=1, record_every=1, tempo=50_000)
    st = build_state(scn)
    before = st.copy()
    n = st.n_slots
    args = (st.I, st.F, st.G, st.IP, st.FP, scn.start_block + 1, scn.start_block, np.zeros((1, n)),
            np.zeros((2, L.N_M, n)), np.zeros((2, L.N_R)))
    (kernel_numba if kernel_numba.AVAILABLE else kernel_numpy).run_blocks(*args)
    bs = coinbase.BlockState(ema_prices=before.F[L.EMA], spot_prices=before.spot_prices(),
                             alpha_issuance=before.I[L.AIN] + before.I[L.AOUT] + before.I[L.PROT],
                             root_tao=round(scn.root_tao * RAO_PER_TAO), total_issuance=scn.issuance_rao)
    exact = coinbase.block(bs, era=one)
    worst = max(int(np.abs(st.I[L.LAST_TAO_IN] - exact.tao_in).max()),
                int(np.abs(st.I[L.LAST_EXCESS] - exact.excess_tao).max()),
                int(np.abs(st.I[L.P_SERVER] - exact.server).max()),
                int(np.abs(st.I[L.P_VAL] - exact.validator).max()),
                int(np.abs(st.I[L.P_OWNER] - exact.owner).max()))
    alpha_in_gap = float(np.max(np.abs(st.I[L.LAST_ALPHA_IN] - exact.alpha_in) * bs.spot_prices))
    short = sim.Scenario(era="head", n_subnets=16, blocks=300, record_every=10, seed=3,
                         policy=(sim.NoiseTraders(every=10), sim.EmissionChasers(every=25)))
    ref = run_reference(short)
    res = sim.run(short, progress=False)
    diff = float(np.nanmax(np.abs(ref.records - res.records)))
    checked = sim.run(short, debug=True, progress=False)
    fin = checked.final
    minted = int(fin.G[L.G_MINTED])
    spent = int(fin.G[L.G_TAO_MAT] + fin.G[L.G_CHAIN] + fin.G[L.G_STRANDED] + fin.G[L.G_RECYC_CB])
    return pd.DataFrame([
        {"quantity": "largest |τ_in, excess, α_out split − coinbase.block| in one block (rao)", "value": worst,
         "computed by": "sim kernel vs coinbase.block(exact=True), 16 subnets, spec 425"},
        {"quantity": "largest |α_in − coinbase.block| × price (rao of TAO)", "value": alpha_in_gap,
         "computed by": "α_in is τ/p: one rao of TAO is 1/p rao of alpha"},
        {"quantity": f"largest |sim − scalar reference| over {short.blocks} blocks × 16 subnets", "value": diff,
         "computed by": "sim.run vs sim.reference.run_reference (independent code)"},
        {"quantity": "conservation identities checked (blocks × subnets)", "value": short.blocks * 16,
         "computed by": "sim.run(..., debug=True): raises ConservationError on any failure"},
        {"quantity": "TAO minted in the checked run (TAO)", "value": minted / RAO_PER_TAO,
         "computed by": "Σ E over the blocks (SimResult.totals)"},
        {"quantity": "Σ τ_in + Σ chain-buy TAO + Σ stranded + Σ recycled (TAO)", "value": spent / RAO_PER_TAO,
         "computed by": "the run's ledgers (SimResult.final)"},
    ])


# ---------------------------------------------------------------------------------------------
# Study 1: emission chasers under era A, TaoFlow and HEAD
# ---------------------------------------------------------------------------------------------
STUDY_ERAS = ("A", "B", "head")


@dataclass(frozen=True)
class Study:
    """Results of a study: one SimResult per named run, or (without numba) the study's precomputed
    tables in ``frames``."""

    name: str
    full: bool
    runs: dict[str, sim.SimResult]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, key: str) -> sim.SimResult:
        return self.runs[key]

    def __post_init__(self) -> None:
        # a Study is built by the *_study functions; these checks only catch a hand-made one gone wrong
        if not isinstance(self.name, str) or not isinstance(self.runs, dict) or not isinstance(self.frames, dict):
            raise TypeError("Study(name: str, full: bool, runs: dict, frames: dict): got the wrong kinds")
        check_bool("full", self.full)

    @property
    def precomputed(self) -> bool:
        return bool(self.frames) and not self.runs


_STUDIES = {"chasers": "chasers_study", "pump": "pump_study", "halving": "halving_study", "gate": "gate_study"}


def _check_study(study: Any, name: str) -> Study:
    """``study`` if it is the :class:`Study` that ``<name>_study()`` returns, else a clear error."""
    if not isinstance(study, Study):
        raise TypeError(f"study must be the result of {_STUDIES[name]}(), got {type(study).__name__}")
    if study.name != name:
        raise ValueError(f"study must be the result of {_STUDIES[name]}(), got the {study.name!r} study "
                         f"(from {_STUDIES.get(study.name, 'elsewhere')}())")
    if study.precomputed and name not in study.frames:
        raise ValueError(f"study: the precomputed study has no {name!r} table")
    return study


def _study(name: str, full: bool, scns: dict[str, sim.Scenario], what: str) -> Study:
    """Run a study's scenarios, or load its precomputed tables when the numpy engine would be too slow."""
    if _use_precomputed(full):
        _say(f"{what}: numba is not installed, so this reads the tables the same code computed with the numba "
             f"engine (dtao_lib/figures/_precomputed); pip install 'dtao-lib[jit]' to rerun it")
        return Study(name, full, {}, {name: _precomputed(name)})
    blocks = sum(s.blocks for s in scns.values())
    _say(f"{what}: simulating {len(scns)} runs, {blocks:,} blocks in all ({'numba' if sim.NUMBA_AVAILABLE else 'numpy'}"
         " engine)…")
    return Study(name, full, dict(zip(scns, _run_all(list(scns.values()), full), strict=True)))


def _size(full: bool) -> dict:
    return {"n_subnets": 128, "days": 365} if full else {"n_subnets": 16, "days": 60}


def _noise() -> sim.NoiseTraders:
    return sim.NoiseTraders(daily_volatility=0.02)


UNIVERSES = ("deep pools", "pools of every size")
"""Study 1's two sets of subnets: the largest pools only, or pools spread over the whole size range."""


def universe(name: str, full: bool = False) -> sim.InitialState:
    """Study 1's subnets. ``"deep pools"``: the 16 largest pools of the snapshot (64 in full runs).
    ``"pools of every size"``: every 8th pool down the size ranking, from the largest to a few
    hundred TAO (all 128 in full runs)."""
    check_choice("name", name, UNIVERSES)
    full = check_bool("full", full)
    if name == "deep pools":
        return sim.InitialState.from_snapshot(64 if full else 16)
    ranked = sim.InitialState.from_snapshot().netuid
    return sim.InitialState.from_snapshot(netuids=ranked if full else ranked[::8][:16])


def chaser_scenarios(full: bool = False) -> dict[str, sim.Scenario]:
    """Per universe and era, noise traders alone and noise traders plus emission chasers (5 000 TAO a day)."""
    full = check_bool("full", full)
    days = 365 if full else 60
    out = {}
    for u in UNIVERSES:
        init = universe(u, full)
        for e in STUDY_ERAS:
            base = sim.Scenario(era=e, initial=init, days=days, policy=_noise(), seed=1)
            out[f"{u}|{e}|noise"] = base
            out[f"{u}|{e}|chasers"] = base.replace(policy=(_noise(), sim.EmissionChasers(tao_per_day=5_000.0)))
    return out


@cache
def _chasers(full: bool) -> Study:
    return _study("chasers", full, chaser_scenarios(full), "study 1 (emission chasers)")


def chasers_study(full: bool | None = None) -> Study:
    """Run (once per session) study 1: emission chasers in eras A, B and HEAD, two universes."""
    return _chasers(_full(full))


def concentration(study: Study) -> pd.DataFrame:
    """Herfindahl index ``Σ share²`` and the top share per recorded day, for every run of study 1."""
    _check_study(study, "chasers")
    if study.precomputed:
        return study.frames["chasers"].copy()
    rows = []
    for key, res in study.runs.items():
        uni, era, pol = key.split("|")
        t = res.totals.iloc[1:]
        rows.append(pd.DataFrame({"day": t["day"], "hhi": t["hhi"], "top_share": t["top_share"],
                                  "sum_price": t["sum_price"], "universe": uni, "era": era,
                                  "era_label": ERA_LABELS[era],
                                  "stakers": "noise + chasers" if pol == "chasers" else "noise only"}))
    return pd.concat(rows, ignore_index=True)


def concentration_summary(study: Study) -> pd.DataFrame:
    """HHI after the first day and at the end, effective number of subnets (1/HHI), largest share and Σ
    prices at the end, for each run of study 1."""
    df = concentration(study)
    last = df[df["day"] == df["day"].max()]
    out = pd.DataFrame({"subnets": last["universe"], "era": last["era"].map(ERA_SHORT), "stakers": last["stakers"],
                        "HHI on day 1": df[df["day"] == df["day"].min()]["hhi"].to_numpy(), "HHI": last["hhi"],
                        "effective subnets (1/HHI)": 1.0 / last["hhi"], "largest share": last["top_share"],
                        "Σ prices": last["sum_price"]})
    return out.reset_index(drop=True)


def concentration_chart(study: Study) -> alt.FacetChart:
    """HHI of emission shares over time, one panel per universe: one colour per era, dashed without chasers."""
    df = concentration(study)
    return alt.Chart(df).mark_line(strokeWidth=2.2).encode(
        x=alt.X("day:Q", title="day"),
        y=alt.Y("hhi:Q", title="concentration of emission (HHI = Σ share²)"),
        color=alt.Color("era_label:N", title="era",
                        scale=alt.Scale(domain=[ERA_LABELS[e] for e in STUDY_ERAS],
                                        range=[_ERA_COLOR[e] for e in STUDY_ERAS]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320)),
        strokeDash=alt.StrokeDash("stakers:N", title="stakers",
                                  scale=alt.Scale(domain=["noise + chasers", "noise only"], range=[[1, 0], [5, 4]]),
                                  legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=["era_label:N", "stakers:N", alt.Tooltip("day:Q", format=".0f"), alt.Tooltip("hhi:Q", format=".3f"),
                 alt.Tooltip("top_share:Q", format=".1%", title="largest share")],
    ).properties(width=WIDTH // 2 - 20, height=HEIGHT).facet(
        column=alt.Column("universe:N", title=None, sort=list(UNIVERSES))).properties(
        title="Emission concentration with and without emission chasers")


# ---------------------------------------------------------------------------------------------
# Study 2: a pump
# ---------------------------------------------------------------------------------------------
PUMP_NETUID = 62
"""The pumped subnet: the 9th-largest pool of the snapshot (2026-04-11)."""
PUMP_DAY = 5.0


def pump_tao(fraction: float = 0.5) -> float:
    """The pump: ``fraction`` of the target pool's TAO on 2026-04-11 (``fraction`` in [0, 100])."""
    fraction = check_real("fraction", fraction, lo=0.0, hi=100.0)
    init = sim.InitialState.from_snapshot()
    i = int(np.flatnonzero(init.netuid == PUMP_NETUID)[0])
    return round(float(init.tao_reserve[i]) / RAO_PER_TAO * fraction)


@cache
def _pump(full: bool) -> Study:
    tao = pump_tao()
    scns = {}
    for e in STUDY_ERAS:
        base = sim.Scenario(era=e, seed=1, policy=_noise(), **_size(full))
        scns[f"{e}|base"] = base
        scns[f"{e}|pump"] = base.replace(policy=(_noise(), sim.Pump(PUMP_NETUID, tao, at_day=PUMP_DAY)))
    return _study("pump", full, scns, "study 2 (a pump)")


def pump_study(full: bool | None = None) -> Study:
    """Run (once per session) study 2: half the pool's TAO bought at once on day 5, eras A, B, HEAD,
    each with a baseline of the same noise and no pump (16 largest pools, 60 days; 128 and a year in
    full runs)."""
    return _pump(_full(full))


def pump_frame(study: Study) -> pd.DataFrame:
    """The pumped subnet's share, price, EMA price and ADR per day, pumped and baseline, per era."""
    _check_study(study, "pump")
    if study.precomputed:
        return study.frames["pump"].copy()
    rows = []
    for key, res in study.runs.items():
        era, kind = key.split("|")
        sub = res.subnet(PUMP_NETUID)
        rows.append(pd.DataFrame({"day": sub["day"], "share": sub["share"], "price": sub["price"],
                                  "ema_price": sub["ema_price"], "adr": sub["adr"], "era": era,
                                  "era_label": ERA_LABELS[era], "run": "pumped" if kind == "pump" else "baseline"}))
    return pd.concat(rows, ignore_index=True)


def pump_summary(study: Study) -> pd.DataFrame:
    """The pumped subnet around the pump (day 5) and at the end: price ratio over the pump, emission share
    the day before, a day after and 30 days after, and share and ADR at the end with and without the pump."""
    df = pump_frame(study).dropna(subset=["share"])
    out = []
    for era in STUDY_ERAS:
        d = df[df["era"] == era]
        p, b = d[d["run"] == "pumped"], d[d["run"] == "baseline"]

        def at(frame: pd.DataFrame, day: float, col: str) -> float:
            return float(frame.loc[(frame["day"] - day).abs().idxmin(), col])

        jump = at(p, PUMP_DAY + 1, "price") / at(p, PUMP_DAY, "price")
        out.append({"era": ERA_SHORT[era], "price × (a day later)": jump,
                    "share before": at(p, PUMP_DAY, "share"), "a day after": at(p, PUMP_DAY + 1, "share"),
                    "30 days after": at(p, PUMP_DAY + 30, "share"), "at the end": p["share"].iloc[-1],
                    "at the end, no pump": b["share"].iloc[-1],
                    "ADR at the end": p["adr"].iloc[-1], "ADR at the end, no pump": b["adr"].iloc[-1]})
    return pd.DataFrame(out)


def _pump_panels(df: pd.DataFrame, title: str, *, eras: tuple[str, ...] = STUDY_ERAS) -> alt.HConcatChart:
    color = alt.Color("era_label:N", title="era", scale=alt.Scale(domain=[ERA_LABELS[e] for e in eras],
                                                                 range=[_ERA_COLOR[e] for e in eras]),
                      legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320))
    dash = alt.StrokeDash("run:N", title="run", scale=alt.Scale(domain=["pumped", "baseline"], range=[[1, 0], [5, 4]]),
                          legend=alt.Legend(orient="bottom", direction="vertical"))
    base = alt.Chart(df).mark_line(strokeWidth=2).encode(x=alt.X("day:Q", title="day"), color=color, strokeDash=dash)
    share = base.encode(y=alt.Y("share:Q", title=f"emission share of netuid {PUMP_NETUID}", axis=alt.Axis(format="%")),
                        tooltip=["era_label:N", "run:N", alt.Tooltip("day:Q", format=".0f"),
                                 alt.Tooltip("share:Q", format=".2%")])
    adr = base.encode(y=alt.Y("adr:Q", title="ADR = α_out / α_in"),
                      tooltip=["era_label:N", "run:N", alt.Tooltip("day:Q", format=".0f"),
                               alt.Tooltip("adr:Q", format=".2f")])
    return alt.hconcat(share.properties(width=WIDTH // 2 - 20, height=HEIGHT),
                       adr.properties(width=WIDTH // 2 - 20, height=HEIGHT)).properties(title=title)


def pump_chart(study: Study) -> alt.HConcatChart:
    """Emission share and ADR of the pumped subnet, pumped (solid) vs baseline (dashed), per era."""
    return _pump_panels(pump_frame(study).dropna(subset=["share"]),
                        f"A pump of {pump_tao():,.0f} TAO into netuid {PUMP_NETUID} on day {PUMP_DAY:g}")


# ---------------------------------------------------------------------------------------------
# Study 3: the halving, early vs late subnets
# ---------------------------------------------------------------------------------------------
HALVING_ERAS = ("v3.3.1", "head")
HALVING_LEAD_DAYS = 10
"""The runs start this many days of emission before the first TAO halving threshold (10.5 M TAO)."""


def halving_initial_state(n: int = 16, price_sum: float = 0.6) -> sim.InitialState:
    """Half "early" subnets (12 M alpha issued: past their own alpha halving, α_e = 0.5) and half
    "late" ones (2 M alpha: α_e = 1), all at the same price, prices summing to ``price_sum`` < 1
    so that the injection cap binds (spec §3.4, §7): ``n`` an even integer in [2, 1024], ``price_sum`` in
    (0, 1)."""
    n = check_int("n", n, lo=2, hi=1024)
    if n % 2:
        raise ValueError(f"n must be an even integer in [2, 1024], got {n!r}")
    price_sum = check_real("price_sum", price_sum, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    p = price_sum / n
    early = np.arange(n) < n // 2
    a_in = np.where(early, 4_000_000, 1_000_000) * RAO_PER_TAO
    a_out = np.where(early, 8_000_000, 1_000_000) * RAO_PER_TAO
    names = tuple(f"{'early' if e else 'late'} {i + 1}" for i, e in enumerate(early))
    return sim.InitialState(netuid=np.arange(1, n + 1), tao_reserve=np.round(a_in * p).astype(np.int64),
                            alpha_in=a_in, alpha_out=a_out, ema_price=np.full(n, p), names=names)


def halving_scenarios(full: bool = False) -> dict[str, sim.Scenario]:
    """The two runs of study 3 (v3.3.1 and HEAD): :func:`halving_initial_state` with 16 subnets for 30 days
    (128 for 120 days in full runs), starting 10 days of emission before the first TAO halving."""
    full = check_bool("full", full)
    n, days = (128, 120) if full else (16, 30)
    issuance = (halving_threshold_rao(1) - HALVING_LEAD_DAYS * BLOCKS_PER_DAY * RAO_PER_TAO) / RAO_PER_TAO
    init = halving_initial_state(n)
    return {e: sim.Scenario(era=e, initial=init, days=days, issuance_tao=issuance, record_every=BLOCKS_PER_DAY // 4)
            for e in HALVING_ERAS}


@cache
def _halving(full: bool) -> Study:
    return _study("halving", full, halving_scenarios(full), "study 3 (the halving)")


def halving_study(full: bool | None = None) -> Study:
    """Run (once per session) study 3: the first TAO halving under v3.3.1 and HEAD rules."""
    return _halving(_full(full))


def halving_frame(study: Study) -> pd.DataFrame:
    """Mean α_in and α_out per block, and the per-block ADR ``α_out/α_in``, of early and late subnets."""
    _check_study(study, "halving")
    if study.precomputed:
        return study.frames["halving"].copy()
    rows = []
    for era, res in study.runs.items():
        w = res.wide.dropna(subset=["alpha_in_per_block"]).copy()
        w["group"] = np.where(w["subnet"].str.startswith("early"), "early (12 M α issued)", "late (2 M α issued)")
        g = w.groupby(["day", "group"], as_index=False)[["alpha_in_per_block", "alpha_emission_per_block"]].mean()
        g["flow_adr"] = g["alpha_emission_per_block"] / g["alpha_in_per_block"]
        g["era"] = era
        g["era_label"] = ERA_LABELS[era]
        e = res.totals.set_index("day")["block_emission_tao"]
        g["tao_per_block"] = g["day"].map(e)
        rows.append(g)
    return pd.concat(rows, ignore_index=True)


def halving_table(study: Study) -> pd.DataFrame:
    """α_in and α_out per block and their ratio, a day before and a day after the halving."""
    df = halving_frame(study)
    halving_day = float(df.loc[df["tao_per_block"] < 1.0, "day"].min())
    out = []
    for (_, group), d in df.groupby(["era_label", "group"], sort=False):
        before = d[d["day"] <= halving_day - 1].iloc[-1]
        after = d[d["day"] >= halving_day + 1].iloc[0]
        out.append({"era": ERA_SHORT[str(d["era"].iloc[0])], "subnets": group,
                    "α_in per block before": before["alpha_in_per_block"],
                    "α_in per block after": after["alpha_in_per_block"],
                    "α_out per block": after["alpha_emission_per_block"],
                    "α_out/α_in before": before["flow_adr"], "α_out/α_in after": after["flow_adr"]})
    t = pd.DataFrame(out)
    t.attrs["halving_day"] = halving_day
    return t


def halving_chart(study: Study) -> alt.FacetChart:
    """α_in per block of early and late subnets across the TAO halving, one panel per era."""
    df = halving_frame(study)
    halving_day = float(df.loc[df["tao_per_block"] < 1.0, "day"].min())
    line = alt.Chart().mark_line(strokeWidth=2.2).encode(
        x=alt.X("day:Q", title="day"),
        y=alt.Y("alpha_in_per_block:Q", title="α injected per block (mean)"),
        color=alt.Color("group:N", title="subnets", scale=alt.Scale(range=["#8e44ad", "#27ae60"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["era_label:N", "group:N", alt.Tooltip("day:Q", format=".2f"),
                 alt.Tooltip("alpha_in_per_block:Q", format=".4f"), alt.Tooltip("flow_adr:Q", format=".2f",
                                                                               title="α_out/α_in per block")],
    )
    rule = alt.Chart().mark_rule(color="#c0392b", strokeDash=[4, 3]).encode(x="halving:Q")
    return alt.layer(line, rule, data=df.assign(halving=halving_day)).properties(
        width=WIDTH // 2 - 20, height=HEIGHT).facet(
        column=alt.Column("era_label:N", title=None, sort=[ERA_LABELS[e] for e in HALVING_ERAS])).properties(
        title="Alpha injected per block across the first TAO halving (dashed: the halving block)")


# ---------------------------------------------------------------------------------------------
# Study 4: concentration under the emission gate vs the pre-gate rule
# ---------------------------------------------------------------------------------------------
GATE_ERAS = ("D", "head")
GATE_RANK = 32
"""The bar's rank at HEAD (``EmissionBarRank``, addendum §A2)."""


def gate_scenarios(full: bool = False) -> dict[str, sim.Scenario]:
    """All 128 subnets of the snapshot with noise traders, under spec 425 (no gate) and HEAD (the gate);
    120 days (a year in full runs)."""
    full = check_bool("full", full)
    days = 365 if full else 120
    return {e: sim.Scenario(era=e, n_subnets=128, days=days, policy=_noise(), seed=1) for e in GATE_ERAS}


@cache
def _gate(full: bool) -> Study:
    return _study("gate", full, gate_scenarios(full), "study 4 (the emission gate)")


def gate_study(full: bool | None = None) -> Study:
    """Run (once per session) study 4: emission concentration under the gate and under the pre-gate rule."""
    return _gate(_full(full))


def gate_frame(study: Study) -> pd.DataFrame:
    """Per recorded day and era: the share of emission of the 32 largest subnets and of the smaller half,
    the Herfindahl index ``Σ s²``, the effective number of subnets ``1/HHI``, the subnets with at least
    0.1 % of emission, and the gate's bar θ (0 without a gate)."""
    _check_study(study, "gate")
    if study.precomputed:
        return study.frames["gate"].copy()
    rows = []
    for era, res in study.runs.items():
        rec = res.records[1:]
        act = rec[:, L.M_ACTIVE, :] == 1.0
        share = np.where(act, rec[:, L.M_SHARE, :], 0.0)
        desc = -np.sort(-share, axis=1)
        n = int(act.sum(axis=1).max())
        hhi = (share**2).sum(axis=1)
        rows.append(pd.DataFrame({
            "day": res.totals["day"].to_numpy()[1:], "era": era, "era_label": ERA_LABELS[era],
            "top32": desc[:, :GATE_RANK].sum(axis=1), "bottom_half": desc[:, n - n // 2:n].sum(axis=1),
            "hhi": hhi, "effective": 1.0 / hhi, "above_0.1%": (share >= 0.001).sum(axis=1),
            "bar": res.network[1:, L.R_BAR],
        }))
    return pd.concat(rows, ignore_index=True)


def gate_summary(study: Study) -> pd.DataFrame:
    """Study 4 on its first and last recorded day, per era."""
    df = gate_frame(study)
    out = []
    for era in GATE_ERAS:
        d = df[df["era"] == era]
        for when, row in (("day 1", d.iloc[0]), (f"day {d['day'].iloc[-1]:.0f}", d.iloc[-1])):
            out.append({"era": ERA_SHORT[era], "when": when, "top-32 share": row["top32"],
                        "smaller half's share": row["bottom_half"], "HHI": row["hhi"],
                        "effective subnets (1/HHI)": row["effective"],
                        "subnets with ≥ 0.1 %": int(row["above_0.1%"])})
    return pd.DataFrame(out)


def gate_chart(study: Study) -> alt.HConcatChart:
    """The 32 largest subnets' share of emission and the HHI over time, with and without the gate."""
    df = gate_frame(study)
    color = alt.Color("era_label:N", title="era", scale=alt.Scale(domain=[ERA_LABELS[e] for e in GATE_ERAS],
                                                                  range=[_ERA_COLOR[e] for e in GATE_ERAS]),
                      legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=420))
    base = alt.Chart(df).mark_line(strokeWidth=2.2).encode(x=alt.X("day:Q", title="day"), color=color)
    top = base.encode(y=alt.Y("top32:Q", title="share of the 32 largest subnets", axis=alt.Axis(format="%"),
                              scale=alt.Scale(zero=False)),
                      tooltip=["era_label:N", alt.Tooltip("day:Q", format=".0f"),
                               alt.Tooltip("top32:Q", format=".2%", title="top-32 share"),
                               alt.Tooltip("bottom_half:Q", format=".3%", title="smaller half")])
    hhi = base.encode(y=alt.Y("hhi:Q", title="HHI = Σ share²", scale=alt.Scale(zero=False)),
                      tooltip=["era_label:N", alt.Tooltip("day:Q", format=".0f"), alt.Tooltip("hhi:Q", format=".4f"),
                               alt.Tooltip("effective:Q", format=".1f", title="1/HHI")])
    return alt.hconcat(top.properties(width=WIDTH // 2 - 20, height=HEIGHT),
                       hhi.properties(width=WIDTH // 2 - 20, height=HEIGHT)).properties(
        title="Emission concentration over the 128 subnets, with and without the emission gate")


# ---------------------------------------------------------------------------------------------
# The interactive explorer
# ---------------------------------------------------------------------------------------------
EXPLORER_ERAS = ("A", "B", "head")
EXPLORER_PUMPS_K = (0, 20, 40, 60)
"""Pump sizes of the precomputed grid, thousand TAO."""
EXPLORER_NETUID = 8
"""The subnet pumped in the explorer (the 6th-largest pool on 2026-04-11)."""


def explorer_scenario(era: str, pump_k: float, *, chasers: float = 2_000.0, days: float = 30.0, n_subnets: int = 8,
                      seed: int = 1) -> sim.Scenario:
    """One explorer run: the ``n_subnets`` largest pools, noise traders, emission chasers (TAO/day) and
    a pump of ``pump_k`` thousand TAO into :data:`EXPLORER_NETUID` on day 3.

    Ranges: ``pump_k`` in [0, 21 000] and ``chasers`` in [0, 21 000 000] (at most the TAO supply),
    ``days`` in (0, 365], ``n_subnets`` in [6, 128] (netuid 8 is the 6th-largest pool; the snapshot has
    128 subnets), ``seed`` >= 0; ``era`` any release :func:`dtao_lib.params.era` knows.
    """
    resolve_era(era)
    pump_k = check_real("pump_k", pump_k, lo=0.0, hi=21_000.0)
    chasers = check_real("chasers", chasers, lo=0.0, hi=21_000_000.0)
    days = check_real("days", days, lo=0.0, hi=365.0, lo_open=True)
    n_subnets = check_int("n_subnets", n_subnets, lo=6, hi=128)
    seed = check_int("seed", seed, lo=0)
    pol: list[sim.Policy] = [_noise()]
    if chasers > 0:
        pol.append(sim.EmissionChasers(tao_per_day=chasers))
    if pump_k > 0:
        pol.append(sim.Pump(EXPLORER_NETUID, pump_k * 1_000.0, at_day=min(3.0, days / 4)))
    return sim.Scenario(era=era, n_subnets=n_subnets, days=days, policy=tuple(pol), seed=seed,
                        record_every=BLOCKS_PER_DAY // 2)


def _explorer_rows(res: sim.SimResult, netuid: int) -> pd.DataFrame:
    sub = res.subnet(netuid).dropna(subset=["share"])
    tot = res.totals.iloc[1:]
    return pd.DataFrame({"day": sub["day"].to_numpy(), "share": sub["share"].to_numpy(),
                         "adr": sub["adr"].to_numpy(), "hhi": tot["hhi"].to_numpy()})


@cache
def explorer_grid() -> pd.DataFrame:
    """The static explorer's data: every era × pump size of the grid (8 subnets, 30 days); without numba,
    the same table precomputed with the numba engine."""
    if _use_precomputed(False):
        return _precomputed("explorer")
    frames = []
    for era in EXPLORER_ERAS:
        for k in EXPLORER_PUMPS_K:
            df = _explorer_rows(sim.run(explorer_scenario(era, k), progress=False), EXPLORER_NETUID)
            frames.append(df.assign(era=era, era_label=ERA_LABELS[era], pump_k=k))
    return pd.concat(frames, ignore_index=True)


def _explorer_charts(df: Any, base: Any = None, title: str = "") -> alt.HConcatChart:
    """The explorer's two panels; ``df`` is the pump run and ``base`` the run without the pump
    (DataFrames), or ``df`` is one ``alt.NamedData`` holding both with a ``run`` column."""
    dash = alt.StrokeDash("run:N", title="run", scale=alt.Scale(domain=["with the pump", "no pump"],
                                                               range=[[1, 0], [5, 4]]),
                          legend=alt.Legend(orient="bottom"))
    both = df if base is None else pd.concat([df.assign(run="with the pump"), base.assign(run="no pump")],
                                             ignore_index=True)
    c = alt.Chart(both).mark_line(strokeWidth=2, color="#8e44ad").encode(x=alt.X("day:Q", title="day"),
                                                                          strokeDash=dash)
    share = c.encode(y=alt.Y("share:Q", title=f"emission share of netuid {EXPLORER_NETUID}",
                             axis=alt.Axis(format="%")),
                     tooltip=["run:N", alt.Tooltip("day:Q", format=".1f"), alt.Tooltip("share:Q", format=".2%")])
    adr = c.encode(y=alt.Y("adr:Q", title="its ADR (α_out / α_in)"),
                   tooltip=["run:N", alt.Tooltip("day:Q", format=".1f"), alt.Tooltip("adr:Q", format=".2f")])
    return alt.hconcat(share.properties(width=WIDTH // 2 - 20, height=HEIGHT),
                       adr.properties(width=WIDTH // 2 - 20, height=HEIGHT)).properties(title=title)


@lru_cache(maxsize=64)
def _explorer_run(era: str, pump_k: float, chasers: float, days: int, n_subnets: int, seed: int) -> pd.DataFrame:
    """One explorer simulation's rows (cached: the no-pump run does not change with the pump slider)."""
    res = sim.run(explorer_scenario(era, pump_k, chasers=chasers, days=days, n_subnets=n_subnets, seed=seed),
                  progress=False)
    return _explorer_rows(res, EXPLORER_NETUID)


def explorer() -> Figure:
    """Scenario explorer: era × pump size, with noise traders and emission chasers.

    Static face: a dropdown (era) and a slider (pump, thousand TAO) over a precomputed grid
    (:func:`explorer_grid`). Live face: any era, pump, chaser budget, length, number of subnets and
    seed, simulated on every change (a fraction of a second).
    """

    def static() -> alt.HConcatChart:
        grid = explorer_grid()
        era = dropdown("era", list(EXPLORER_ERAS), "head", "era ",
                       labels=[ERA_LABELS[e] for e in EXPLORER_ERAS])
        pump = slider("pump", lo=0, hi=max(EXPLORER_PUMPS_K), step=EXPLORER_PUMPS_K[1], value=EXPLORER_PUMPS_K[2],
                      label="pump (thousand TAO) ")
        both = pd.concat([grid.assign(run="with the pump"),
                          grid[grid["pump_k"] == 0].drop(columns="pump_k").merge(
                              pd.DataFrame({"pump_k": list(EXPLORER_PUMPS_K)}), how="cross").assign(run="no pump")],
                         ignore_index=True)
        dash = alt.StrokeDash("run:N", title="run", scale=alt.Scale(domain=["with the pump", "no pump"],
                                                                   range=[[1, 0], [5, 4]]),
                              legend=alt.Legend(orient="bottom"))
        c = alt.Chart(both).transform_filter((alt.datum.era == era) & (alt.datum.pump_k == pump)).mark_line(
            strokeWidth=2, color="#8e44ad").encode(x=alt.X("day:Q", title="day"), strokeDash=dash)
        share = c.encode(y=alt.Y("share:Q", title=f"emission share of netuid {EXPLORER_NETUID}",
                                 axis=alt.Axis(format="%")),
                         tooltip=["run:N", alt.Tooltip("day:Q", format=".1f"), alt.Tooltip("share:Q", format=".2%")])
        adr = c.encode(y=alt.Y("adr:Q", title="its ADR (α_out / α_in)"),
                       tooltip=["run:N", alt.Tooltip("day:Q", format=".1f"), alt.Tooltip("adr:Q", format=".2f")])
        return alt.hconcat(share.properties(width=WIDTH // 2 - 20, height=HEIGHT),
                           adr.properties(width=WIDTH // 2 - 20, height=HEIGHT)).add_params(era, pump).properties(
            title=f"Pump netuid {EXPLORER_NETUID} on day 3 (8 subnets, noise traders, chasers 2 000 TAO/day)")

    template = LiveChart(lambda runs: _explorer_charts(runs))
    worker = Background("simulating")

    def render(era: str, pump_k: float, chasers: float, days: int, n_subnets: int, seed: int):
        if n_subnets < 6:
            raise ValueError(f"n_subnets must be at least 6 so that netuid {EXPLORER_NETUID} is simulated, "
                             f"got {n_subnets}")
        e = resolve_era(era)
        title = (f"era {e.tag} ({e.letter}): pump {pump_k:g}k TAO, chasers {chasers:,.0f} TAO/day, "
                 f"{n_subnets} subnets")

        def compute(progress):
            frames = []
            for i, (k, run) in enumerate(((pump_k, "with the pump"), (0.0, "no pump"))):
                progress(i, 2)
                frames.append(_explorer_run(era, float(k), float(chasers), int(days), int(n_subnets),
                                            int(seed)).assign(run=run))
            progress(2, 2)
            return template(title=title, runs=pd.concat(frames, ignore_index=True))

        return worker(compute, f"{days} days × 7 200 blocks × {n_subnets} subnets, two runs…")

    def live():
        import ipywidgets as w

        opts = [("A (v2.0.0)", "A"), ("v3.2.3 (subsidy)", "v3.2.3"), ("B (TaoFlow)", "B"), ("v3.3.1", "v3.3.1"),
                ("B' (net TaoFlow)", "B'"), ("C (v3.4.6)", "C"), ("HEAD", "head")]
        controls = {
            "era": w.Dropdown(options=opts, value="head", description="era"),
            "pump_k": w.FloatSlider(value=40, min=0, max=200, step=5, description="pump (k TAO)",
                                    continuous_update=False),
            "chasers": w.FloatSlider(value=2_000, min=0, max=20_000, step=500, description="chasers TAO/day",
                                     continuous_update=False),
            "days": w.IntSlider(value=30, min=5, max=45, description="days", continuous_update=False),
            "n_subnets": w.IntSlider(value=8, min=6, max=24, description="subnets", continuous_update=False),
            "seed": w.IntSlider(value=1, min=0, max=20, description="seed", continuous_update=False),
        }
        return live_panel(controls, render)

    return Figure(static=static, live=live, title="scenario explorer")


# ---------------------------------------------------------------------------------------------
# The precomputed tables (used without numba)
# ---------------------------------------------------------------------------------------------
def precomputed_tables() -> dict[str, pd.DataFrame]:
    """Every table the chapter reads from the studies, computed now (with numba: seconds)."""
    return {"chasers": concentration(chasers_study(False)), "pump": pump_frame(pump_study(False)),
            "halving": halving_frame(halving_study(False)), "gate": gate_frame(gate_study(False)),
            "explorer": explorer_grid()}


def write_precomputed(folder: Path = PRECOMPUTED_DIR) -> list[Path]:
    """Write :func:`precomputed_tables` as ``<name>.csv.gz`` (17 significant digits: exact floats)."""
    if not sim.NUMBA_AVAILABLE:
        raise RuntimeError("write_precomputed needs numba (the tables are the numba engine's output)")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, df in precomputed_tables().items():
        path = folder / f"{name}.csv.gz"
        df.to_csv(path, index=False, float_format="%.17g", compression={"method": "gzip", "mtime": 0})
        out.append(path)
    return out


if __name__ == "__main__":  # python -m dtao_lib.figures.research_lab
    for p in write_precomputed():
        print(p)
